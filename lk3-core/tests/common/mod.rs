//! A small world for tests: staff in every role, a clock that moves forward,
//! and a case driven to any stage along the main path.
#![allow(dead_code)]

pub mod services;

use chrono::{DateTime, Duration, TimeZone, Utc};
use lk3_core::Decider;
use lk3_core::case::{
    Aid, Case, CaseClient, CaseCommand, CaseCommandKind as K, CaseEventRecord, Consent, ConsentForm, PlanItem,
    RiskLevel,
};
use lk3_core::event::Actor;
use lk3_core::ids::{
    AidId, CaseId, CaseNumber, ClientId, CommandId, ConsentId, IdSeed, ReferralId, ServiceId, StaffId,
};
use lk3_core::rules::{RuleSet, RuleSetId};
use lk3_core::service::{ServiceCommand, ServiceInstance, ServiceState};
use lk3_core::vocab::{
    AidItem, ConsentPurpose, ContactChannel, EmergencyReason, FundingSource, Problem, ProtectivePartner, RefusalReason,
    ReopenReason, Role, Sasaran, ServiceKind, ServiceReason, Stage, TerminationReason,
};
use lk3_core::{CommandContext, Labelled};

pub struct World {
    pub now: DateTime<Utc>,
    counter: u64,
    /// Two staff members per role, so approvals can find a second person.
    pub staff: Vec<Actor>,
    pub adult: ClientId,
    pub child: ClientId,
    /// The unit new cases are opened in.
    pub unit: &'static str,
    /// Cases opened so far: the serial of the next case number.
    pub cases_opened: u32,
    /// The rule set new cases are pinned to (`None`: the one in force on the opening date).
    pub pinned: Option<RuleSetId>,
    /// A third client registered as the perpetrator (adult and child as
    /// victims), when set: a KDRT case with its roles.
    pub perpetrator: Option<ClientId>,
}

impl Default for World {
    fn default() -> Self {
        Self::new()
    }
}

impl World {
    pub fn new() -> Self {
        let start = Utc.with_ymd_and_hms(2019, 3, 4, 1, 0, 0).single().unwrap_or_default();
        let mut w = World {
            now: start,
            counter: 0,
            staff: Vec::new(),
            adult: ClientId::new_v7(start, IdSeed::new([1; 10])),
            child: ClientId::new_v7(start, IdSeed::new([2; 10])),
            unit: "64.74",
            cases_opened: 0,
            pinned: None,
            perpetrator: None,
        };
        for role in Role::ALL {
            for _ in 0..2 {
                let id = StaffId::new_v7(start, w.fresh_seed());
                // A partner's staff work for the test partner.
                w.staff.push(match role {
                    Role::Mitra => Actor::mitra(id, services::partner()),
                    _ => Actor::staff(*role, id),
                });
            }
        }
        w
    }

    pub fn fresh_seed(&mut self) -> IdSeed {
        self.counter += 1;
        let mut b = [0u8; 10];
        b[2..].copy_from_slice(&self.counter.to_be_bytes());
        IdSeed::new(b)
    }

    /// A digest no note or attachment of the world has had.
    pub fn fresh_digest(&mut self) -> lk3_core::event::Hash {
        self.counter += 1;
        let mut h = [0xA5u8; 32];
        h[..8].copy_from_slice(&self.counter.to_be_bytes());
        lk3_core::event::Hash(h)
    }

    /// The first (or, with `second`, the other) staff member in a role.
    pub fn actor(&self, role: Role, second: bool) -> Actor {
        let mut it = self.staff.iter().filter(|a| a.role == role);
        let first = it.next().copied();
        if second { it.next().copied().or(first) } else { first }.unwrap_or(self.staff[0])
    }

    /// The unit a transfer goes to: a neighbour in the same time zone
    /// (Samarinda, for Bontang's cases), or Bontang for a case held there.
    pub fn other_unit(&self, case: &Case) -> lk3_core::ids::UnitCode {
        let samarinda: lk3_core::ids::UnitCode = "64.72".parse().unwrap_or_else(|_| unreachable!());
        let home: lk3_core::ids::UnitCode = self.unit.parse().unwrap_or_else(|_| unreachable!());
        if case.holding_unit() == Some(samarinda) { home } else { samarinda }
    }

    /// The world with new cases pinned to a rule set.
    pub fn under(mut self, rule_set: RuleSetId) -> Self {
        self.pinned = Some(rule_set);
        self
    }

    /// The rule set a case opened now is under: the pinned one, else the one
    /// in force on the unit's local date.
    pub fn rule_set(&self) -> RuleSetId {
        let unit: lk3_core::ids::UnitCode = self.unit.parse().expect("unit");
        self.pinned.or_else(|| lk3_core::decider::in_force(&unit, self.now)).expect("a rule set is in force")
    }

    /// A context one minute after the previous one.
    pub fn ctx(&mut self, actor: Actor) -> CommandContext {
        self.now += Duration::minutes(1);
        let command_id = CommandId::new_v7(self.now, self.fresh_seed());
        let seed = self.fresh_seed();
        let ctx = CommandContext::new(actor, self.now, command_id, seed);
        match self.pinned {
            Some(r) => ctx.under(r),
            None => ctx,
        }
    }

    /// Runs a command that must be accepted.
    pub fn run(&mut self, case: &mut Case, events: &mut Vec<CaseEventRecord>, actor: Actor, cmd: CaseCommand) {
        let ctx = self.ctx(actor);
        match case.execute(&cmd, &ctx) {
            Ok(new) => events.extend(new),
            Err(e) => panic!("fixture step {:?} refused: {e}", cmd.kind()),
        }
    }

    pub fn open_command(&mut self) -> CaseCommand {
        let unit: lk3_core::ids::UnitCode = self.unit.parse().unwrap_or_else(|_| unreachable!());
        self.cases_opened += 1;
        let serial = self.cases_opened;
        CaseCommand::RecordContact {
            case_id: CaseId::new_v7(self.now, self.fresh_seed()),
            // Numbered in the year the contact is recorded (the next context's time).
            // and given once per unit, as a store requires.
            case_number: CaseNumber::new(unit, local_year(&unit, self.now + Duration::minutes(1)), serial),
            unit,
            channel: ContactChannel::TeleponHotline,
            sasaran: Sasaran::Keluarga,
            referred_by: None,
        }
    }

    pub fn consent_command(&mut self, subject: ClientId, guardian: Option<ClientId>) -> CaseCommand {
        CaseCommand::RecordConsent {
            consent: Consent {
                consent_id: ConsentId::new_v7(self.now, self.fresh_seed()),
                subject,
                guardian,
                purposes: vec![ConsentPurpose::Layanan, ConsentPurpose::Asesmen],
                disclose_to: vec![],
                form: ConsentForm::Tertulis,
            },
        }
    }

    pub fn plan_command(&mut self) -> CaseCommand {
        let items = [ServiceKind::Konseling, ServiceKind::Advokasi]
            .iter()
            .map(|s| PlanItem {
                partner_id: None,
                service: *s,
                service_id: ServiceId::new_v7(self.now, self.fresh_seed()),
            })
            .collect();
        CaseCommand::ProposePlan { items }
    }

    /// A case at `stage`, reached along the main path. Its plan (if any) was
    /// proposed by the first social worker; it was terminated by the first
    /// social worker; it has an adult and a child client, both consenting.
    pub fn case_at(&mut self, stage: Stage) -> (Case, Vec<CaseEventRecord>) {
        let peksos = self.actor(Role::PekerjaSosial, false);
        let ketua = self.actor(Role::Ketua, false);
        let mut case = Case::default();
        let mut ev = Vec::new();
        let open = self.open_command();
        self.run(&mut case, &mut ev, self.actor(Role::Sekretaris, false), open);
        let path = [
            Stage::Registrasi,
            Stage::PendekatanAwal,
            Stage::Kontrak,
            Stage::Asesmen,
            Stage::RencanaIntervensi,
            Stage::Intervensi,
            Stage::Evaluasi,
            Stage::Terminasi,
            Stage::BimbinganLanjut,
        ];
        if stage == Stage::Ditutup {
            let (mut c, mut e) = self.case_at(Stage::Terminasi);
            self.run(&mut c, &mut e, ketua, CaseCommand::ApproveClosure {});
            return (c, e);
        }
        for next in path {
            if case.stage() == Some(stage) {
                break;
            }
            match next {
                Stage::Registrasi => {
                    let victim = self.perpetrator.map(|_| lk3_core::case::ClientRole::Korban);
                    let mut clients = vec![
                        CaseClient { client_id: self.adult, minor: false, role: victim },
                        CaseClient { client_id: self.child, minor: true, role: victim },
                    ];
                    if let Some(p) = self.perpetrator {
                        clients.push(CaseClient {
                            client_id: p,
                            minor: false,
                            role: Some(lk3_core::case::ClientRole::Pelaku),
                        });
                    }
                    self.run(
                        &mut case,
                        &mut ev,
                        self.actor(Role::Sekretaris, false),
                        CaseCommand::Register { clients, problems: vec![Problem::Kdrt] },
                    );
                }
                Stage::PendekatanAwal => self.run(&mut case, &mut ev, peksos, CaseCommand::StartEngagement {}),
                Stage::Kontrak => {
                    let (a, c) = (self.adult, self.child);
                    let cmd = self.consent_command(a, None);
                    self.run(&mut case, &mut ev, peksos, cmd);
                    let cmd = self.consent_command(c, Some(a));
                    self.run(&mut case, &mut ev, peksos, cmd);
                    if let Some(p) = self.perpetrator {
                        let cmd = self.consent_command(p, None);
                        self.run(&mut case, &mut ev, peksos, cmd);
                    }
                    self.run(&mut case, &mut ev, peksos, CaseCommand::AgreeContract {});
                }
                Stage::Asesmen => self.run(&mut case, &mut ev, peksos, CaseCommand::StartAssessment {}),
                Stage::RencanaIntervensi => self.run(
                    &mut case,
                    &mut ev,
                    peksos,
                    CaseCommand::CompleteAssessment { problems: vec![Problem::Kdrt], risk: RiskLevel::Tinggi },
                ),
                Stage::Intervensi => {
                    let cmd = self.plan_command();
                    self.run(&mut case, &mut ev, peksos, cmd);
                    let plan_version = case.proposal().map_or(0, |p| p.plan_version);
                    self.run(&mut case, &mut ev, ketua, CaseCommand::ApprovePlan { plan_version });
                }
                Stage::Evaluasi => {
                    self.close_planned(&mut case, &mut ev);
                    self.run(&mut case, &mut ev, peksos, CaseCommand::BeginEvaluation {});
                }
                Stage::Terminasi => self.run(
                    &mut case,
                    &mut ev,
                    peksos,
                    CaseCommand::Terminate { reason: TerminationReason::TujuanTercapai },
                ),
                Stage::BimbinganLanjut => self.run(&mut case, &mut ev, peksos, CaseCommand::StartAftercare {}),
                _ => unreachable!(),
            }
        }
        assert_eq!(case.stage(), Some(stage), "fixture did not reach {stage}");
        (case, ev)
    }

    /// A well-formed command of `kind` for this case, with fresh ids and
    /// references to the case's own records where it needs them.
    pub fn command(&mut self, case: &Case, kind: K) -> CaseCommand {
        // The first open planned service, else the first open one.
        let open = |planned: bool| {
            case.services()
                .iter()
                .find(|s| !s.is_closed(case.rule_set()) && (s.plan_version.is_some() || !planned))
                .cloned()
        };
        let open_service = open(true).or_else(|| open(false));
        match kind {
            K::RecordContact => self.open_command(),
            K::Register => CaseCommand::Register {
                clients: vec![CaseClient { client_id: self.adult, minor: false, role: None }],
                problems: vec![],
            },
            K::ResolveOnSpot => {
                CaseCommand::ResolveOnSpot { service: ServiceKind::Informasi, problems: vec![], participants: vec![] }
            }
            K::StartEngagement => CaseCommand::StartEngagement {},
            K::RecordConsent => self.consent_command(self.adult, None),
            K::WithdrawConsent => CaseCommand::WithdrawConsent {
                consent_id: case
                    .consents()
                    .iter()
                    .find(|c| c.withdrawn_at.is_none())
                    .map(|c| c.consent.consent_id)
                    .unwrap_or_else(|| ConsentId::new_v7(self.now, IdSeed::new([8; 10]))),
            },
            K::AgreeContract => CaseCommand::AgreeContract {},
            K::DeclineService => CaseCommand::DeclineService { reason: RefusalReason::KlienMenolak },
            K::StartAssessment => CaseCommand::StartAssessment {},
            K::CompleteAssessment => {
                CaseCommand::CompleteAssessment { problems: vec![Problem::Kemiskinan], risk: RiskLevel::Rendah }
            }
            K::ProposePlan => self.plan_command(),
            K::ApprovePlan => CaseCommand::ApprovePlan { plan_version: case.proposal().map_or(1, |p| p.plan_version) },
            // A konsultasi: its first step carries it on, so that a step
            // needing consent to continue can be tested on it.
            K::OpenService => CaseCommand::OpenService {
                service_id: ServiceId::new_v7(self.now, self.fresh_seed()),
                kind: ServiceKind::Konsultasi,
                referral: None,
            },
            K::ServiceStep => match open_service {
                Some(instance) => {
                    CaseCommand::ServiceStep { service_id: instance.service_id, step: progress_step(&instance) }
                }
                None => CaseCommand::ServiceStep {
                    service_id: ServiceId::new_v7(self.now, IdSeed::new([9; 10])),
                    step: ServiceCommand::Provide {},
                },
            },
            K::RecordAid => CaseCommand::RecordAid {
                aid: Aid {
                    aid_id: AidId::new_v7(self.now, self.fresh_seed()),
                    funding: FundingSource::Baznas,
                    given_on: self.now.date_naive(),
                    item: AidItem::Kacamata,
                    quantity: 1,
                    recipient: self.adult,
                },
            },
            K::BeginEvaluation => CaseCommand::BeginEvaluation {},
            K::Reassess => CaseCommand::Reassess {},
            K::Replan => CaseCommand::Replan {},
            K::Terminate => CaseCommand::Terminate { reason: TerminationReason::Pindah },
            K::StartAftercare => CaseCommand::StartAftercare {},
            K::ApproveClosure => CaseCommand::ApproveClosure {},
            K::ReportRelapse => CaseCommand::ReportRelapse {},
            K::Reopen => CaseCommand::Reopen { reason: ReopenReason::Kambuh },
            K::SendProtectiveReferral => CaseCommand::SendProtectiveReferral {
                referral_id: ReferralId::new_v7(self.now, self.fresh_seed()),
                partner: ProtectivePartner::UptdPpa,
                partner_id: None,
                reason: EmergencyReason::AnakDalamBahaya,
            },
            // To the other social worker than the one in charge.
            K::AssignWorker => {
                let (first, second) =
                    (self.actor(Role::PekerjaSosial, false).staff_id, self.actor(Role::PekerjaSosial, true).staff_id);
                let worker = if case.worker() == Some(second) { first } else { second };
                CaseCommand::AssignWorker { worker, reason: lk3_core::vocab::AssignmentReason::BebanKerja }
            }
            K::TransferCase => CaseCommand::TransferCase {
                to_unit: self.other_unit(case),
                reason: lk3_core::vocab::TransferReason::KlienPindahDomisili,
            },
            // The receiving unit's other social worker takes it over.
            K::AcceptTransfer => CaseCommand::AcceptTransfer { worker: self.actor(Role::PekerjaSosial, true).staff_id },
            K::RefuseTransfer => {
                CaseCommand::RefuseTransfer { reason: lk3_core::vocab::TransferRefusal::KapasitasPenuh }
            }
            // About the case's first client, when it has one.
            K::AddNote => CaseCommand::AddNote {
                note: lk3_core::case::CaseNote {
                    about: case.clients().iter().take(1).map(|c| c.client_id).collect(),
                    note: self.fresh_digest(),
                    sensitivity: lk3_core::vocab::Sensitivity::Rahasia,
                },
            },
            K::AddAttachment => CaseCommand::AddAttachment {
                attachment: lk3_core::case::CaseAttachment {
                    about: case.clients().iter().take(1).map(|c| c.client_id).collect(),
                    attachment: self.fresh_digest(),
                    bytes: 2048,
                    content_type: lk3_core::vocab::ContentType::Pdf,
                    kind: lk3_core::vocab::AttachmentKind::FormulirPersetujuan,
                    sensitivity: lk3_core::vocab::Sensitivity::Rahasia,
                },
            },
            // The first client made a witness, or a family member when a witness already.
            K::SetClientRole => {
                let first = case.clients().first().copied();
                let role = match first.and_then(|c| c.role) {
                    Some(lk3_core::case::ClientRole::Saksi) => lk3_core::case::ClientRole::AnggotaKeluarga,
                    _ => lk3_core::case::ClientRole::Saksi,
                };
                CaseCommand::SetClientRole { client_id: first.map_or(self.adult, |c| c.client_id), role: Some(role) }
            }
            // The first open protective referral moved on, else one the case does not have.
            K::ProtectiveReferralStep => match open_protective(case) {
                Some(referral) => CaseCommand::ProtectiveReferralStep {
                    referral_id: referral.referral_id,
                    step: progress_step(&referral.as_service()),
                },
                None => CaseCommand::ProtectiveReferralStep {
                    referral_id: ReferralId::new_v7(self.now, IdSeed::new([10; 10])),
                    step: ServiceCommand::Accept {},
                },
            },
        }
    }

    /// Runs the in-stage steps that `kind` needs before it can be accepted
    /// (a proposal before approval, open lines finished before evaluation,
    /// consents before the contract or a withdrawal).
    pub fn prepare(&mut self, case: &mut Case, events: &mut Vec<CaseEventRecord>, kind: K) {
        let peksos = self.actor(Role::PekerjaSosial, false);
        match kind {
            K::ApprovePlan if case.proposal().is_none() => {
                let cmd = self.plan_command();
                self.run(case, events, peksos, cmd);
            }
            K::BeginEvaluation => self.close_planned(case, events),
            K::ProtectiveReferralStep if open_protective(case).is_none() => {
                let cmd = self.command(case, K::SendProtectiveReferral);
                self.run(case, events, peksos, cmd);
            }
            K::AcceptTransfer | K::RefuseTransfer if case.pending_transfer().is_none() => {
                let cmd = self.command(case, K::TransferCase);
                let ketua = self.actor(Role::Ketua, false);
                self.run(case, events, ketua, cmd);
            }
            K::ServiceStep if case.services().iter().all(|s| s.is_closed(case.rule_set())) => {
                let cmd = self.command(case, K::OpenService);
                self.run(case, events, peksos, cmd);
            }
            K::AgreeContract | K::WithdrawConsent if case.consents().is_empty() => {
                let (a, c) = (self.adult, self.child);
                let cmd = self.consent_command(a, None);
                self.run(case, events, peksos, cmd);
                let cmd = self.consent_command(c, Some(a));
                self.run(case, events, peksos, cmd);
            }
            _ => {}
        }
    }

    /// Takes every open planned service to one of its ends, step by step.
    pub fn close_planned(&mut self, case: &mut Case, events: &mut Vec<CaseEventRecord>) {
        let worker = self.actor(Role::PekerjaSosial, false);
        for _ in 0..8 {
            let Some(instance) = case.planned_services().find(|s| !s.is_closed(case.rule_set())).cloned() else {
                return;
            };
            let step = progress_step(&instance);
            self.run(case, events, worker, CaseCommand::ServiceStep { service_id: instance.service_id, step });
        }
    }

    /// An actor allowed to issue `kind` in `stage`, who did not propose the
    /// plan or terminate the case (the fixture's first social worker did);
    /// for an answer to a transfer, staff of the unit it was sent to.
    pub fn permitted_actor(&self, stage: Option<Stage>, kind: K) -> Actor {
        let rules = RuleSet::get(self.rule_set());
        let role = rules.transition(stage, kind).map(|t| t.roles[0]).unwrap_or(Role::Ketua);
        let actor = self.actor(role, true);
        match kind {
            K::AcceptTransfer | K::RefuseTransfer => actor.of_unit("64.72".parse().unwrap_or_else(|_| unreachable!())),
            _ => actor,
        }
    }
}

/// The case's first protective referral still open under its rule set.
pub fn open_protective(case: &Case) -> Option<lk3_core::case::ProtectiveReferral> {
    case.protective_referrals().iter().find(|r| !r.as_service().is_closed(case.rule_set())).copied()
}

/// A step that moves a service instance towards a normal end.
pub fn progress_step(instance: &ServiceInstance) -> ServiceCommand {
    use ServiceState as S;
    match (instance.kind, instance.state) {
        (ServiceKind::Informasi, _) => ServiceCommand::Provide {},
        (_, S::Direncanakan) if instance.kind == ServiceKind::Advokasi => ServiceCommand::Start {},
        (_, S::Berlangsung) if instance.kind == ServiceKind::Advokasi => ServiceCommand::Succeed {},
        (_, S::Direncanakan | S::Dijadwalkan) => ServiceCommand::HoldSession {},
        (_, S::Ditunda) if instance.kind == ServiceKind::Konseling => ServiceCommand::Resume {},
        (_, S::TidakHadir) => ServiceCommand::Reschedule {},
        (_, S::Berlangsung | S::Dilaksanakan) => ServiceCommand::Complete { feedback: None },
        _ => ServiceCommand::Cancel { reason: ServiceReason::TidakDiperlukanLagi },
    }
}

/// The unit's local year at `at`.
pub fn local_year(unit: &lk3_core::ids::UnitCode, at: DateTime<Utc>) -> u16 {
    use chrono::Datelike;
    u16::try_from(unit.local_dates(at).0.year()).unwrap_or_else(|_| unreachable!("a year after 1900"))
}

/// Every leaf of `value` changed one way, with its JSON Pointer: a flag
/// flipped, a number raised, an id's last bit and a time's minute moved, an
/// array shortened. For forgery tests.
pub fn leaf_changes(value: &serde_json::Value, at: String, out: &mut Vec<(String, serde_json::Value)>) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                leaf_changes(v, format!("{at}/{k}"), out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                leaf_changes(v, format!("{at}/{i}"), out);
            }
            if !items.is_empty() {
                out.push((at.clone(), Value::Array(items[1..].to_vec())));
            }
        }
        Value::Bool(b) => out.push((at, Value::Bool(!b))),
        Value::Number(n) => out.push((at, Value::from(n.as_u64().unwrap_or(0) + 1))),
        Value::String(s) => {
            if let Ok(u) = uuid::Uuid::parse_str(s) {
                let mut bytes = *u.as_bytes();
                bytes[15] ^= 1;
                out.push((at, Value::String(uuid::Uuid::from_bytes(bytes).to_string())));
            } else if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
                let later = (t + Duration::minutes(1)).with_timezone(&chrono::Utc);
                out.push((at, serde_json::to_value(later).expect("a time")));
            }
        }
        Value::Null => {}
    }
}
