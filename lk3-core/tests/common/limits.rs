//! The limits the deciders enforce that the published JSON Schemas express,
//! one row per place: which valid document a row starts from, where it
//! breaks it and with what, where the validator must report `LK3-E070`, and
//! which refusal of the deciders the schema limit mirrors.
//!
//! `tests/core/schema_limits.rs` holds every row to both sides (the schema refuses
//! it; `decide` or `Partner::validate` refuses it too) and classifies every
//! refusal that is not here; `tests/core/fixtures.rs` writes each row into the
//! fixture corpus, so that Python's `jsonschema` is held to it as well.
//! Declared once, next to `common`, in `tests/core/main.rs`.
#![allow(dead_code)]

use chrono::Duration;
use lk3_core::Decider;
use lk3_core::Labelled;
use lk3_core::case::{Case, CaseClient, CaseCommand, CaseCommandKind as K, CaseEventRecord, CommandProblem, RiskLevel};
use lk3_core::event::Actor;
use lk3_core::ids::{CaseId, CaseNumber, IdSeed, OutreachId, PartnerId, ServiceId};
use lk3_core::outreach::{Outreach, OutreachCommand, OutreachEventRecord, ReporterKind};
use lk3_core::partner::{
    Partner, PartnerKind, PartnerLocation, PartnerLocationKind, PartnerProblemKind, PartnerService,
    PartnerServiceStatus,
};
use lk3_core::rules::RuleSetId;
use lk3_core::schema::{CaseDocument, OutreachDocument};
use lk3_core::service::{ParticipantCount, ReferralDraft, ServiceCommand};
use lk3_core::vocab::{ContactChannel, EmergencyReason, Problem, Role, Sasaran, ServiceKind, Stage};
use serde_json::{Value, json};

use super::common::World;

/// What refuses a row's value besides the schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Twin {
    /// `Case::decide` refuses the command (for a document: the command that
    /// would have written the value) with this problem.
    Decide(CommandProblem),
    /// `Outreach::decide` refuses another visit once the rule set's visits
    /// are used up (`attempts_exhausted`).
    AttemptsExhausted,
    /// What `decide` writes itself, whatever the command says: numbers from
    /// 1 (seq, visits, plan versions), a sending's resolved deadline, the
    /// audit flags of a service step.
    Assigned,
    /// `Partner::validate` reports this problem at the same place.
    Partner(PartnerProblemKind),
}

/// The valid document a row breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Base {
    /// `register` with two clients, on a case at kontak.
    Register,
    /// A group `resolve_on_spot` with two participant counts, at kontak.
    ResolveOnSpot,
    /// `record_consent` for the adult, in pendekatan awal.
    RecordConsent,
    /// `complete_assessment`, in asesmen.
    CompleteAssessment,
    /// `propose_plan` with konseling and advokasi, in rencana intervensi.
    ProposePlan,
    /// `approve_plan` of the proposal (version 1).
    ApprovePlan,
    /// `open_service` of an informasi, in intervensi.
    OpenService,
    /// `open_service` of a rujukan to a partner, in intervensi.
    OpenReferral,
    /// `record_aid`, in intervensi.
    RecordAid,
    /// `add_attachment`, in intervensi.
    AddAttachment,
    /// A case in intervensi with an informasi opened, aid given and a
    /// rujukan sent under an emergency override, then accepted on the
    /// partner's behalf.
    CaseIntervensi,
    /// A case in rencana intervensi with a plan proposed.
    CaseProposal,
    /// A group contact resolved on the spot.
    CaseOnSpot,
    /// An outreach whose first visit did not find the person.
    Outreach,
    /// A partner that takes referrals.
    Partner,
}

/// How a row breaks its base at `pointer`.
#[derive(Debug, Clone, PartialEq)]
pub enum Break {
    /// The value at the pointer is replaced.
    Set(Value),
    /// The member at the pointer is removed.
    Remove,
    /// The array at the pointer gets a copy of its first item at the end.
    Repeat,
}

/// One limit at one place.
#[derive(Debug, Clone)]
pub struct Limit {
    /// A slug, unique in the table (a fixture's file name).
    pub name: &'static str,
    /// The document it breaks.
    pub base: Base,
    /// Where, as a JSON Pointer; `{type}` stands for the index of the
    /// document's first event of that type.
    pub pointer: &'static str,
    /// How.
    pub change: Break,
    /// Where the validator reports it, when not at `pointer`.
    pub finding: Option<&'static str>,
    /// The refusal it mirrors.
    pub twin: Twin,
}

/// A valid document, with the world, case and actor to decide a command with.
pub struct Built {
    pub world: World,
    /// The schema name (`command`, `case`, `outreach`, `partner`).
    pub kind: &'static str,
    pub doc: Value,
    /// For a command: the case it is decided on and who issues it.
    pub case: Option<(Case, Actor)>,
}

/// The partner every row names.
pub fn partner_id() -> PartnerId {
    PartnerId::new_v7(World::new().now, IdSeed::new([0x70; 10]))
}

fn to_value<T: serde::Serialize>(t: &T) -> Value {
    serde_json::to_value(t).expect("serialisable")
}

/// A case at `stage` and a command of `kind`, issued by the first role the
/// rule set allows (a second person where it matters).
fn command(stage: Stage, kind: K, make: impl FnOnce(&mut World, &Case) -> CaseCommand) -> Built {
    let mut world = fixture_world();
    let (mut case, mut events) = world.case_at(stage);
    world.prepare(&mut case, &mut events, kind);
    let cmd = make(&mut world, &case);
    let actor = world.permitted_actor(case.stage(), kind);
    Built { world, kind: "command", doc: to_value(&cmd), case: Some((case, actor)) }
}

/// A new case from a group's contact, at kontak.
fn group_contact(world: &mut World) -> (Case, Vec<CaseEventRecord>) {
    let unit: lk3_core::ids::UnitCode = world.unit.parse().expect("a unit code");
    let open = CaseCommand::RecordContact {
        case_id: CaseId::new_v7(world.now, world.fresh_seed()),
        case_number: CaseNumber::new(unit, 2019, 3),
        unit,
        channel: ContactChannel::DatangLangsung,
        sasaran: Sasaran::Kelompok,
        referred_by: None,
    };
    let (mut case, mut events) = (Case::default(), Vec::new());
    world.run(&mut case, &mut events, world.actor(Role::Sekretaris, false), open);
    (case, events)
}

fn on_spot() -> CaseCommand {
    CaseCommand::ResolveOnSpot {
        service: ServiceKind::Informasi,
        problems: vec![Problem::PerkawinanAnak],
        participants: vec![
            ParticipantCount { count: 30, sasaran: Sasaran::Kelompok },
            ParticipantCount { count: 12, sasaran: Sasaran::Masyarakat },
        ],
    }
}

fn open(world: &mut World, kind: ServiceKind) -> CaseCommand {
    let referral = (kind == ServiceKind::Rujukan).then(|| ReferralDraft { partner_id: partner_id() });
    CaseCommand::OpenService { service_id: ServiceId::new_v7(world.now, world.fresh_seed()), kind, referral }
}

fn case_doc(world: World, events: &[CaseEventRecord]) -> Built {
    let doc = to_value(&CaseDocument::new(Case::from_events(events), events.to_vec()));
    Built { world, kind: "case", doc, case: None }
}

fn outreach_doc() -> Built {
    let mut world = fixture_world();
    let (mut outreach, mut events) = (Outreach::default(), Vec::<OutreachEventRecord>::new());
    let planned_for = world.now + Duration::days(1);
    let steps = [
        OutreachCommand::Report {
            outreach_id: OutreachId::new_v7(world.now, world.fresh_seed()),
            unit: "64.74".parse().expect("a unit code"),
            reported_by: ReporterKind::KetuaRt,
            sasaran: Sasaran::Individu,
            problems: vec![Problem::LansiaTerlantar],
            kode_wilayah: None,
        },
        OutreachCommand::Schedule { planned_for, mobile_unit: true },
        OutreachCommand::CarryOut {},
        OutreachCommand::RecordNotFound {},
    ];
    for cmd in steps {
        let role = RuleSetId::permensos_25_2017()
            .rules()
            .outreach
            .table
            .row(outreach.state(), cmd.kind())
            .map_or(Role::PekerjaSosial, |r| r.roles[0]);
        let ctx = world.ctx(world.actor(role, false));
        events.extend(outreach.execute(&cmd, &ctx).expect("an outreach step the table allows"));
    }
    let doc = to_value(&OutreachDocument::new(outreach, events));
    Built { world, kind: "outreach", doc, case: None }
}

fn partner() -> Partner {
    let service = |id: &str, name: &str, status| PartnerService { service_id: id.into(), name: name.into(), status };
    Partner {
        partner_id: partner_id(),
        unit: "64.74".parse().expect("a unit code"),
        name: "UPTD PPA Kota Bontang".into(),
        kind: PartnerKind::UptdPpa,
        services: vec![
            service("pendampingan-hukum", "Pendampingan hukum", PartnerServiceStatus::Aktif),
            service("rumah-aman", "Rumah aman", PartnerServiceStatus::TutupSementara),
        ],
        locations: vec![PartnerLocation {
            location_id: "kantor".into(),
            kode_wilayah: Some("64.74.02".parse().expect("a kode wilayah")),
            address: Some("Jl. Bhayangkara No. 1, Bontang".into()),
            kind: PartnerLocationKind::Fisik,
        }],
        accepts_referrals: true,
        emergency_line: true,
        capacity: Some(12),
    }
}

impl Base {
    /// Whether the base is a command (decided on a case), not a document.
    pub fn is_command(self) -> bool {
        use Base as B;
        !matches!(self, B::CaseIntervensi | B::CaseProposal | B::CaseOnSpot | B::Outreach | B::Partner)
    }

    /// The valid document, built by accepted commands.
    pub fn build(self) -> Built {
        match self {
            Base::Register => command(Stage::Kontak, K::Register, |w, _| CaseCommand::Register {
                clients: vec![
                    CaseClient { client_id: w.adult, minor: false, role: None },
                    CaseClient { client_id: w.child, minor: true, role: None },
                ],
                problems: vec![Problem::Kdrt],
            }),
            Base::ResolveOnSpot => {
                let mut world = fixture_world();
                let (case, _) = group_contact(&mut world);
                let actor = world.permitted_actor(case.stage(), K::ResolveOnSpot);
                Built { world, kind: "command", doc: to_value(&on_spot()), case: Some((case, actor)) }
            }
            Base::RecordConsent => {
                command(Stage::PendekatanAwal, K::RecordConsent, |w, _| w.consent_command(w.adult, None))
            }
            Base::CompleteAssessment => command(Stage::Asesmen, K::CompleteAssessment, |_, _| {
                CaseCommand::CompleteAssessment { problems: vec![Problem::Kdrt], risk: RiskLevel::Sedang }
            }),
            Base::ProposePlan => command(Stage::RencanaIntervensi, K::ProposePlan, |w, _| w.plan_command()),
            Base::ApprovePlan => {
                command(Stage::RencanaIntervensi, K::ApprovePlan, |_, _| CaseCommand::ApprovePlan { plan_version: 1 })
            }
            Base::OpenService => command(Stage::Intervensi, K::OpenService, |w, _| open(w, ServiceKind::Informasi)),
            Base::OpenReferral => command(Stage::Intervensi, K::OpenService, |w, _| open(w, ServiceKind::Rujukan)),
            Base::RecordAid => command(Stage::Intervensi, K::RecordAid, |w, c| w.command(c, K::RecordAid)),
            Base::AddAttachment => command(Stage::Intervensi, K::AddAttachment, |w, c| w.command(c, K::AddAttachment)),
            Base::CaseIntervensi => {
                let mut world = fixture_world();
                let (mut case, mut events) = world.case_at(Stage::Intervensi);
                let peksos = world.actor(Role::PekerjaSosial, false);
                let cmd = open(&mut world, ServiceKind::Informasi);
                world.run(&mut case, &mut events, peksos, cmd);
                let aid = world.command(&case, K::RecordAid);
                world.run(&mut case, &mut events, world.actor(Role::Bendahara, false), aid);
                let referral = open(&mut world, ServiceKind::Rujukan);
                let CaseCommand::OpenService { service_id, .. } = referral else { unreachable!() };
                world.run(&mut case, &mut events, peksos, referral);
                let steps = [
                    ServiceCommand::Send {
                        response_deadline: None,
                        emergency: Some(EmergencyReason::AncamanKeselamatan),
                        request: Default::default(),
                    },
                    ServiceCommand::Accept {},
                ];
                for step in steps {
                    world.run(&mut case, &mut events, peksos, CaseCommand::ServiceStep { service_id, step });
                }
                case_doc(world, &events)
            }
            Base::CaseProposal => {
                let mut world = fixture_world();
                let (mut case, mut events) = world.case_at(Stage::RencanaIntervensi);
                world.prepare(&mut case, &mut events, K::ApprovePlan);
                case_doc(world, &events)
            }
            Base::CaseOnSpot => {
                let mut world = fixture_world();
                let (mut case, mut events) = group_contact(&mut world);
                let actor = world.permitted_actor(case.stage(), K::ResolveOnSpot);
                world.run(&mut case, &mut events, actor, on_spot());
                case_doc(world, &events)
            }
            Base::Outreach => outreach_doc(),
            Base::Partner => Built { world: fixture_world(), kind: "partner", doc: to_value(&partner()), case: None },
        }
    }
}

thread_local! {
    /// The rule set the bases are built under (16/2013 unless a test says).
    static BUILD_UNDER: std::cell::Cell<Option<RuleSetId>> = const { std::cell::Cell::new(None) };
}

/// A world for a base: its cases pinned to the rule set of [`built_under`], 16/2013 by default.
pub fn fixture_world() -> World {
    World::new().under(BUILD_UNDER.with(|c| c.get()).unwrap_or_else(RuleSetId::permensos_16_2013))
}

/// Runs `f` with the bases built under `rule_set`.
pub fn built_under<T>(rule_set: RuleSetId, f: impl FnOnce() -> T) -> T {
    let before = BUILD_UNDER.with(|c| c.replace(Some(rule_set)));
    let out = f();
    BUILD_UNDER.with(|c| c.set(before));
    out
}

/// The most visits any rule set allows.
pub fn most_attempts() -> u32 {
    RuleSetId::all().iter().map(|r| r.rules().outreach.max_attempts).max().expect("a rule set")
}

/// Every limit, in table order.
pub fn limits() -> Vec<Limit> {
    use Base as B;
    use Break::{Remove, Repeat, Set};
    use CommandProblem as P;
    use PartnerProblemKind as Pp;
    use Twin::{Assigned, AttemptsExhausted as Exhausted, Decide as D, Partner as Pa};
    let partner = json!(partner_id());
    let over = json!(most_attempts() + 1);
    let row = |name, base, pointer, change, twin| Limit { name, base, pointer, change, finding: None, twin };
    let at = |finding, limit: Limit| Limit { finding: Some(finding), ..limit };
    vec![
        // Commands: the schema refuses what decide refuses.
        row("command-register-no-clients", B::Register, "/clients", Set(json!([])), D(P::NoClients)),
        row("command-register-client-twice", B::Register, "/clients", Repeat, D(P::DuplicateClient)),
        row(
            "command-resolve-on-spot-konseling",
            B::ResolveOnSpot,
            "/service",
            Set(json!("konseling")),
            D(P::OnSpotService),
        ),
        row(
            "command-resolve-on-spot-count-zero",
            B::ResolveOnSpot,
            "/participants/1/count",
            Set(json!(0)),
            D(P::InvalidParticipants),
        ),
        row(
            "command-resolve-on-spot-count-twice",
            B::ResolveOnSpot,
            "/participants",
            Repeat,
            D(P::InvalidParticipants),
        ),
        row(
            "command-record-consent-no-purpose",
            B::RecordConsent,
            "/consent/purposes",
            Set(json!([])),
            D(P::NoPurpose),
        ),
        row(
            "command-complete-assessment-no-problems",
            B::CompleteAssessment,
            "/problems",
            Set(json!([])),
            D(P::NoProblems),
        ),
        row("command-propose-plan-empty", B::ProposePlan, "/items", Set(json!([])), D(P::EmptyPlan)),
        row("command-propose-plan-item-twice", B::ProposePlan, "/items", Repeat, D(P::DuplicateId)),
        row(
            "command-propose-plan-penjangkauan",
            B::ProposePlan,
            "/items/1/service",
            Set(json!("penjangkauan")),
            D(P::NotACaseService),
        ),
        at(
            "/items/0/service",
            row(
                "command-propose-plan-partner-not-rujukan",
                B::ProposePlan,
                "/items/0/partner_id",
                Set(partner.clone()),
                D(P::ReferralOnlyForRujukan),
            ),
        ),
        row(
            "command-approve-plan-version-zero",
            B::ApprovePlan,
            "/plan_version",
            Set(json!(0)),
            D(P::PlanVersionMismatch),
        ),
        row(
            "command-open-service-penjangkauan",
            B::OpenService,
            "/kind",
            Set(json!("penjangkauan")),
            D(P::NotACaseService),
        ),
        row(
            "command-open-service-partner-not-rujukan",
            B::OpenService,
            "/referral",
            Set(json!({ "partner_id": partner })),
            D(P::ReferralOnlyForRujukan),
        ),
        row("command-open-referral-partner-null", B::OpenReferral, "/referral", Set(Value::Null), D(P::NoPartner)),
        at("", row("command-open-referral-partner-missing", B::OpenReferral, "/referral", Remove, D(P::NoPartner))),
        row("command-record-aid-quantity-zero", B::RecordAid, "/aid/quantity", Set(json!(0)), D(P::InvalidQuantity)),
        row("command-attachment-empty", B::AddAttachment, "/attachment/bytes", Set(json!(0)), D(P::AttachmentSize)),
        row(
            "command-attachment-over-10-mib",
            B::AddAttachment,
            "/attachment/bytes",
            Set(json!(10 * 1024 * 1024 + 1)),
            D(P::AttachmentSize),
        ),
        row(
            "command-record-aid-given-on-year-10000",
            B::RecordAid,
            "/aid/given_on",
            Set(json!("+10000-01-01")),
            D(P::TimeOutOfRange),
        ),
        // Case events and the header: what decide could never have written.
        row(
            "case-registered-no-clients",
            B::CaseIntervensi,
            "/events/{registered}/payload/clients",
            Set(json!([])),
            D(P::NoClients),
        ),
        row(
            "case-registered-client-twice",
            B::CaseIntervensi,
            "/events/{registered}/payload/clients",
            Repeat,
            D(P::DuplicateClient),
        ),
        row(
            "case-consent-no-purpose",
            B::CaseIntervensi,
            "/events/{consent_recorded}/payload/consent/purposes",
            Set(json!([])),
            D(P::NoPurpose),
        ),
        row(
            "case-assessment-no-problems",
            B::CaseIntervensi,
            "/events/{assessment_completed}/payload/problems",
            Set(json!([])),
            D(P::NoProblems),
        ),
        row(
            "case-plan-empty",
            B::CaseIntervensi,
            "/events/{plan_proposed}/payload/items",
            Set(json!([])),
            D(P::EmptyPlan),
        ),
        row(
            "case-plan-item-twice",
            B::CaseIntervensi,
            "/events/{plan_proposed}/payload/items",
            Repeat,
            D(P::DuplicateId),
        ),
        row(
            "case-plan-penjangkauan",
            B::CaseIntervensi,
            "/events/{plan_proposed}/payload/items/0/service",
            Set(json!("penjangkauan")),
            D(P::NotACaseService),
        ),
        at(
            "/events/{plan_proposed}/payload/items/0/service",
            row(
                "case-plan-partner-not-rujukan",
                B::CaseIntervensi,
                "/events/{plan_proposed}/payload/items/0/partner_id",
                Set(partner.clone()),
                D(P::ReferralOnlyForRujukan),
            ),
        ),
        row(
            "case-plan-version-zero",
            B::CaseIntervensi,
            "/events/{plan_proposed}/payload/plan_version",
            Set(json!(0)),
            Assigned,
        ),
        row(
            "case-plan-approved-version-zero",
            B::CaseIntervensi,
            "/events/{plan_approved}/payload/plan_version",
            Set(json!(0)),
            D(P::PlanVersionMismatch),
        ),
        row(
            "case-service-opened-penjangkauan",
            B::CaseIntervensi,
            "/events/{service_opened}/payload/kind",
            Set(json!("penjangkauan")),
            D(P::NotACaseService),
        ),
        at(
            "/events/{service_opened}/payload",
            row(
                "case-service-opened-rujukan-without-partner",
                B::CaseIntervensi,
                "/events/{service_opened}/payload/kind",
                Set(json!("rujukan")),
                D(P::NoPartner),
            ),
        ),
        row(
            "case-service-opened-partner-not-rujukan",
            B::CaseIntervensi,
            "/events/{service_opened}/payload/partner_id",
            Set(partner.clone()),
            D(P::ReferralOnlyForRujukan),
        ),
        at(
            "/events/{service_step_recorded}/payload/step",
            row(
                "case-send-without-deadline",
                B::CaseIntervensi,
                "/events/{service_step_recorded}/payload/step/response_deadline",
                Remove,
                Assigned,
            ),
        ),
        at(
            "/events/{service_step_recorded}/payload/step",
            row(
                "case-override-without-emergency",
                B::CaseIntervensi,
                "/events/{service_step_recorded}/payload/step/emergency",
                Remove,
                Assigned,
            ),
        ),
        at(
            "/events/{service_step_recorded}/payload/step/type",
            row(
                "case-on-behalf-not-a-partner-step",
                B::CaseIntervensi,
                "/events/{service_step_recorded}/payload/on_behalf_of_partner",
                Set(json!(true)),
                Assigned,
            ),
        ),
        row(
            "case-aid-quantity-zero",
            B::CaseIntervensi,
            "/events/{aid_given}/payload/aid/quantity",
            Set(json!(0)),
            D(P::InvalidQuantity),
        ),
        row("case-seq-zero", B::CaseIntervensi, "/events/0/seq", Set(json!(0)), Assigned),
        row("case-header-client-twice", B::CaseIntervensi, "/case/clients", Repeat, D(P::DuplicateClient)),
        row(
            "case-header-consent-no-purpose",
            B::CaseIntervensi,
            "/case/consents/0/consent/purposes",
            Set(json!([])),
            D(P::NoPurpose),
        ),
        row(
            "case-header-service-penjangkauan",
            B::CaseIntervensi,
            "/case/services/0/kind",
            Set(json!("penjangkauan")),
            D(P::NotACaseService),
        ),
        at(
            "/case/services/0/kind",
            row(
                "case-header-service-partner-not-rujukan",
                B::CaseIntervensi,
                "/case/services/0/partner_id",
                Set(partner),
                D(P::ReferralOnlyForRujukan),
            ),
        ),
        row(
            "case-header-service-plan-version-zero",
            B::CaseIntervensi,
            "/case/services/0/plan_version",
            Set(json!(0)),
            Assigned,
        ),
        row(
            "case-header-aid-quantity-zero",
            B::CaseIntervensi,
            "/case/aid/0/quantity",
            Set(json!(0)),
            D(P::InvalidQuantity),
        ),
        row("case-header-proposal-empty", B::CaseProposal, "/case/proposal/items", Set(json!([])), D(P::EmptyPlan)),
        row(
            "case-header-proposal-penjangkauan",
            B::CaseProposal,
            "/case/proposal/items/0/service",
            Set(json!("penjangkauan")),
            D(P::NotACaseService),
        ),
        row(
            "case-header-proposal-version-zero",
            B::CaseProposal,
            "/case/proposal/plan_version",
            Set(json!(0)),
            Assigned,
        ),
        row(
            "case-on-spot-konseling",
            B::CaseOnSpot,
            "/events/{resolved_on_spot}/payload/service",
            Set(json!("konseling")),
            D(P::OnSpotService),
        ),
        row(
            "case-on-spot-count-zero",
            B::CaseOnSpot,
            "/events/{resolved_on_spot}/payload/participants/0/count",
            Set(json!(0)),
            D(P::InvalidParticipants),
        ),
        row(
            "case-on-spot-count-twice",
            B::CaseOnSpot,
            "/events/{resolved_on_spot}/payload/participants",
            Repeat,
            D(P::InvalidParticipants),
        ),
        row(
            "case-header-on-spot-rujukan",
            B::CaseOnSpot,
            "/case/on_spot_service",
            Set(json!("rujukan")),
            D(P::OnSpotService),
        ),
        row(
            "case-header-count-zero",
            B::CaseOnSpot,
            "/case/participants/0/count",
            Set(json!(0)),
            D(P::InvalidParticipants),
        ),
        row("case-header-count-twice", B::CaseOnSpot, "/case/participants", Repeat, D(P::InvalidParticipants)),
        // Outreach events and header: visits are numbered 1 ... the rule set's limit.
        row(
            "outreach-scheduled-attempt-zero",
            B::Outreach,
            "/events/{scheduled}/payload/attempt",
            Set(json!(0)),
            Assigned,
        ),
        row(
            "outreach-scheduled-attempt-over",
            B::Outreach,
            "/events/{scheduled}/payload/attempt",
            Set(over.clone()),
            Exhausted,
        ),
        row(
            "outreach-carried-out-attempt-zero",
            B::Outreach,
            "/events/{carried_out}/payload/attempt",
            Set(json!(0)),
            Assigned,
        ),
        row(
            "outreach-carried-out-attempt-over",
            B::Outreach,
            "/events/{carried_out}/payload/attempt",
            Set(over.clone()),
            Exhausted,
        ),
        row(
            "outreach-not-found-attempt-zero",
            B::Outreach,
            "/events/{not_found_recorded}/payload/attempt",
            Set(json!(0)),
            Assigned,
        ),
        row("outreach-seq-zero", B::Outreach, "/events/0/seq", Set(json!(0)), Assigned),
        row("outreach-header-attempts-over", B::Outreach, "/outreach/attempts", Set(over.clone()), Exhausted),
        row("outreach-header-visit-zero", B::Outreach, "/outreach/visits/0/attempt", Set(json!(0)), Assigned),
        row("outreach-header-visit-over", B::Outreach, "/outreach/visits/0/attempt", Set(over), Exhausted),
        // Partners: the schema refuses what Partner::validate reports.
        row("partner-name-empty", B::Partner, "/name", Set(json!("")), Pa(Pp::NamaKosong)),
        row("partner-name-blank", B::Partner, "/name", Set(json!(" \u{3000}\t")), Pa(Pp::NamaKosong)),
        row("partner-name-too-long", B::Partner, "/name", Set(json!("Ä".repeat(201))), Pa(Pp::NamaTerlaluPanjang)),
        row("partner-service-name-blank", B::Partner, "/services/1/name", Set(json!("\u{a0}")), Pa(Pp::NamaKosong)),
        row(
            "partner-service-name-too-long",
            B::Partner,
            "/services/0/name",
            Set(json!("x".repeat(201))),
            Pa(Pp::NamaTerlaluPanjang),
        ),
        row(
            "partner-service-id-not-slug",
            B::Partner,
            "/services/0/service_id",
            Set(json!("Pendampingan_Hukum")),
            Pa(Pp::SlugTidakSah),
        ),
        row(
            "partner-service-id-leading-hyphen",
            B::Partner,
            "/services/1/service_id",
            Set(json!("-rumah-aman")),
            Pa(Pp::SlugTidakSah),
        ),
        row(
            "partner-location-id-too-long",
            B::Partner,
            "/locations/0/location_id",
            Set(json!("k".repeat(64))),
            Pa(Pp::SlugTidakSah),
        ),
        row("partner-location-id-empty", B::Partner, "/locations/0/location_id", Set(json!("")), Pa(Pp::SlugTidakSah)),
        row("partner-address-blank", B::Partner, "/locations/0/address", Set(json!("  ")), Pa(Pp::AlamatKosong)),
        row(
            "partner-address-too-long",
            B::Partner,
            "/locations/0/address",
            Set(json!("J".repeat(501))),
            Pa(Pp::AlamatTerlaluPanjang),
        ),
        row("partner-no-locations", B::Partner, "/locations", Set(json!([])), Pa(Pp::TanpaLokasi)),
        at(
            "/services",
            row(
                "partner-no-active-service",
                B::Partner,
                "/services/0/status",
                Set(json!("tidak_aktif")),
                Pa(Pp::TanpaLayananAktif),
            ),
        ),
    ]
}

/// Sets the value at `pointer`, adding the member when the object lacks it
/// (an optional member left out when empty).
pub fn set(doc: &mut Value, pointer: &str, value: Value) {
    if let Some(slot) = doc.pointer_mut(pointer) {
        *slot = value;
        return;
    }
    let (parent, key) = pointer.rsplit_once('/').expect("a member");
    let object = doc.pointer_mut(parent).and_then(Value::as_object_mut);
    object.unwrap_or_else(|| panic!("no object at {parent}")).insert(key.to_owned(), value);
}

/// `pointer` with each `{type}` replaced by the index of the document's first
/// event of that type.
pub fn resolve(doc: &Value, pointer: &str) -> String {
    let mut out = String::new();
    let mut rest = pointer;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').expect("a closing brace") + open;
        let wanted = &rest[open + 1..close];
        let events = doc["events"].as_array().expect("a document with events");
        let index = events
            .iter()
            .position(|e| e["payload"]["type"] == wanted)
            .unwrap_or_else(|| panic!("no {wanted} event in the base"));
        out.push_str(&rest[..open]);
        out.push_str(&index.to_string());
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

impl Twin {
    /// The rule in words: the refusal's own English label where there is one.
    pub fn rule(self) -> &'static str {
        match self {
            Twin::Decide(problem) => problem.label_en(),
            Twin::Partner(problem) => problem.label_en(),
            Twin::AttemptsExhausted => "no visit past the number the rule set allows",
            Twin::Assigned => "what decide writes itself: numbers from 1, a sending's deadline, the audit flags",
        }
    }
}

impl Limit {
    /// The base, broken as the row says; the resolved pointer of the change
    /// and of the expected finding.
    pub fn apply(&self, base: &Value) -> (Value, String, String) {
        let pointer = resolve(base, self.pointer);
        let finding = self.finding.map_or_else(|| pointer.clone(), |f| resolve(base, f));
        let mut doc = base.clone();
        match &self.change {
            Break::Set(v) => set(&mut doc, &pointer, v.clone()),
            Break::Remove => {
                let (parent, key) = pointer.rsplit_once('/').expect("a member");
                let removed = doc.pointer_mut(parent).and_then(Value::as_object_mut).and_then(|o| o.remove(key));
                assert!(removed.is_some(), "{}: no {pointer}", self.name);
            }
            Break::Repeat => {
                let items = doc.pointer_mut(&pointer).and_then(Value::as_array_mut).expect("an array");
                let first = items.first().cloned().expect("a first item");
                items.push(first);
            }
        }
        (doc, pointer, finding)
    }
}
