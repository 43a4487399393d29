//! The forgery suite: documents that break one rule, with the hash chain
//! re-sealed afterwards, generated from the tables. Each must be refused by
//! `validate` (the CLI's and Python's too: they call it) and by import, with
//! the code `decide` gives, and import must write nothing.
//!
//! - every row of the case table, forged by each role the row does not list;
//! - every (stage, command) pair the table lacks, forged into a legal history;
//! - every requirement of every case-table row, broken alone;
//! - every field `decide` derives itself, forged one at a time in rich
//!   histories of a case (with an emergency referral) and of an outreach;
//!   found generically: a payload change that leaves the recorded command
//!   unchanged is a derived field.

use crate::conformance::world as common;

use std::collections::BTreeSet;

use chrono::Duration;
use common::World;
use lk3_core::case::{Case, CaseCommand, CaseCommandKind as K, CaseEvent, CaseEventRecord};
use lk3_core::event::{Event, Hash};
use lk3_core::ids::{ClientId, ConsentId, IdSeed, PartnerId, ServiceId};
use lk3_core::rules::{CaseRequirement as Req, RuleSet, RuleSetId};
use lk3_core::schema::CaseDocument;
use lk3_core::service::{ReferralDraft, ServiceCommand};
use lk3_core::validate::{Limits, Report, validate};
use lk3_core::vocab::{EmergencyReason, RefusalReason, Role, ServiceKind, Stage, TerminationReason};
use lk3_core::{Decider, Labelled};
use lk3_storage::document::import_batch;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Re-seals `events` from index `from` on: seq, link and hash, as a forger would.
fn reseal<P: Serialize>(events: &mut [Event<P>], from: usize) {
    for i in from..events.len() {
        events[i].seq = i as u64 + 1;
        events[i].prev_hash = if i == 0 { Hash::GENESIS } else { events[i - 1].hash };
        events[i].seal_in_place().expect("seals");
    }
}

/// The document of `events`, its header the fold of the events as they are.
fn case_document(events: &[CaseEventRecord]) -> Vec<u8> {
    serde_json::to_vec(&CaseDocument::new(Case::from_events(events), events.to_vec())).expect("serialises")
}

/// The error codes `validate` reports for the document, and import's verdict.
fn judge(bytes: &[u8]) -> (Report, Result<(), String>) {
    let report = validate(bytes, None, &Limits::default());
    let imported = import_batch("forged.json", bytes, &Limits::default()).map(|_| ()).map_err(|e| e.to_string());
    (report, imported)
}

fn errors(report: &Report) -> Vec<(String, String)> {
    report.errors().map(|f| (f.code.clone(), f.pointer.clone())).collect()
}

/// Asserts the document is refused by validate and import, with the first
/// error's code among `codes`, and that import names that code.
fn assert_refused(what: &str, bytes: &[u8], codes: &[&str]) {
    let (report, imported) = judge(bytes);
    let found = errors(&report);
    let first = found.first().unwrap_or_else(|| panic!("{what}: validate accepted a forgery"));
    assert!(codes.contains(&first.0.as_str()), "{what}: expected one of {codes:?}, found {found:?}");
    let refusal = imported.expect_err(&format!("{what}: import accepted a forgery"));
    assert!(refusal.contains(&first.0), "{what}: import names another code: {refusal}");
}

fn assert_legal(what: &str, bytes: &[u8]) {
    let (report, imported) = judge(bytes);
    assert!(report.valid, "{what}: the legal document is refused: {:?}", errors(&report));
    imported.unwrap_or_else(|e| panic!("{what}: the legal document does not import: {e}"));
}

/// A legal history whose last event is `kind` issued in `from` (the row's
/// command), built as the transition tests build it.
fn legal_row(w: &mut World, from: Option<Stage>, kind: K) -> Vec<CaseEventRecord> {
    let (mut case, mut events) = match from {
        Some(stage) => w.case_at(stage),
        None => (Case::default(), Vec::new()),
    };
    if from.is_some() {
        w.prepare(&mut case, &mut events, kind);
    }
    let cmd = w.command(&case, kind);
    let actor = w.permitted_actor(from, kind);
    w.run(&mut case, &mut events, actor, cmd);
    events
}

/// Forges the last event of a legal history by each role `allowed` does not
/// list; each forgery must be refused with `LK3-E021` at the event's role.
/// Returns how many were made.
fn forge_roles<P: Serialize + Clone>(
    what: &str,
    legal: &[Event<P>],
    allowed: &[Role],
    document: impl Fn(&[Event<P>]) -> Vec<u8>,
) -> usize {
    assert_legal(what, &document(legal));
    let w = World::new();
    let last = legal.len() - 1;
    let mut forgeries = 0;
    for role in Role::ALL.iter().filter(|r| !allowed.contains(r)) {
        let mut forged = legal.to_vec();
        forged[last].actor = w.actor(*role, true);
        reseal(&mut forged, last);
        let bytes = document(&forged);
        assert_refused(&format!("{what} by {role}"), &bytes, &["LK3-E021"]);
        let (report, _) = judge(&bytes);
        assert_eq!(errors(&report)[0].1, format!("/events/{last}/actor/role"), "{what} by {role}");
        forgeries += 1;
    }
    forgeries
}

fn rules() -> &'static RuleSet {
    RuleSet::get(RuleSetId::permensos_25_2017())
}

#[test]
fn every_row_forged_by_a_role_it_does_not_list_is_refused() {
    let mut forgeries = 0;
    for row in rules().transitions() {
        let mut w = World::new();
        let legal = legal_row(&mut w, row.from, row.command);
        let what = format!("{:?}/{}", row.from.map(Labelled::id), row.command);
        forgeries += forge_roles(&what, &legal, &row.roles, case_document);
    }
    assert!(forgeries > rules().transitions().len(), "{forgeries} forgeries");
}

#[test]
fn every_pair_the_table_lacks_is_refused_when_forged_into_a_history() {
    // One legal event of every command kind, to splice in.
    let mut legal_events = std::collections::BTreeMap::new();
    for row in rules().transitions() {
        legal_events.entry(row.command).or_insert_with(|| {
            let mut w = World::new();
            legal_row(&mut w, row.from, row.command).pop().expect("an event")
        });
    }
    assert_eq!(legal_events.len(), K::ALL.len(), "every command kind has a row");
    let mut forgeries = 0;
    let stages = std::iter::once(None).chain(Stage::ALL.iter().map(|s| Some(*s)));
    for from in stages {
        for kind in K::ALL.iter().filter(|k| rules().transition(from, **k).is_none()) {
            let mut w = World::new();
            let mut events = match from {
                Some(stage) => w.case_at(stage).1,
                None => Vec::new(),
            };
            let mut spliced = legal_events[kind].clone();
            if let Some(last) = events.last() {
                spliced.stream_id = last.stream_id;
                spliced.occurred_at = last.occurred_at + Duration::minutes(1);
            }
            events.push(spliced);
            reseal(&mut events, 0);
            let code = match (from, kind) {
                (Some(_), K::RecordContact) => "LK3-E029",
                (None, _) => "LK3-E030",
                _ => "LK3-E020",
            };
            assert_refused(&format!("{:?}/{kind}", from.map(Labelled::id)), &case_document(&events), &[code]);
            forgeries += 1;
        }
    }
    assert!(forgeries > 100, "{forgeries} forgeries");
}

/// Breaks `requirement` for the last event of a legal history (the row's
/// command), and names the codes `decide` refuses it with; `None` where the
/// requirement cannot be broken in a document that parses.
fn break_requirement(
    w: &mut World,
    requirement: Req,
    events: &mut Vec<CaseEventRecord>,
) -> Option<&'static [&'static str]> {
    let last = events.len() - 1;
    let before = Case::from_events(&events[..last]);
    let stamp = |events: &[CaseEventRecord], at: usize| events[at].clone();
    match requirement {
        // A reason is a typed field: without one the document fails its
        // schema (LK3-E070, `schema_limits.rs`), before any rule.
        Req::Reason => None,
        // Every consent in force withdrawn just before the step (a step that
        // carries a service on: the fixture's first step of a konsultasi).
        Req::ConsentToServices | Req::ConsentToAssessment | Req::ConsentToContinue => {
            let template = stamp(events, last);
            let peksos = w.actor(Role::PekerjaSosial, false);
            let withdrawals: Vec<CaseEventRecord> = before
                .consents()
                .iter()
                .filter(|c| c.withdrawn_at.is_none())
                .map(|c| Event {
                    payload: CaseEvent::ConsentWithdrawn { consent_id: c.consent.consent_id },
                    actor: peksos,
                    ..template.clone()
                })
                .collect();
            events.splice(last..last, withdrawals);
            Some(&["LK3-E022"])
        }
        // The child's consent recorded without its guardian: the step's own
        // consent, or the one on record before the step.
        // A child's guardian made the case's perpetrator (their consent for
        // the child recorded just before, when the case has none).
        Req::GuardianForChild if matches!(events[last].payload, CaseEvent::ClientRoleSet { .. }) => {
            let (adult, child) = (w.adult, w.child);
            let guards = before
                .consents()
                .iter()
                .any(|c| c.withdrawn_at.is_none() && c.consent.subject == child && c.consent.guardian == Some(adult));
            if !guards {
                let CaseCommand::RecordConsent { consent } = w.consent_command(child, Some(adult)) else {
                    unreachable!("a consent")
                };
                let recorded = Event {
                    payload: CaseEvent::ConsentRecorded { consent },
                    actor: w.actor(Role::PekerjaSosial, false),
                    ..stamp(events, last)
                };
                events.insert(last, recorded);
            }
            let previous = before.clients().iter().find(|c| c.client_id == adult).and_then(|c| c.role);
            let last = events.len() - 1;
            events[last].payload =
                CaseEvent::ClientRoleSet { client_id: adult, previous, role: Some(lk3_core::case::ClientRole::Pelaku) };
            Some(&["LK3-E023"])
        }
        Req::GuardianForChild => {
            let child = w.child;
            if let CaseEvent::ConsentRecorded { consent } = &mut events[last].payload {
                consent.subject = child;
                consent.guardian = None;
                return Some(&["LK3-E023"]);
            }
            let at = events.iter().rposition(
                |e| matches!(&e.payload, CaseEvent::ConsentRecorded { consent } if consent.subject == child),
            )?;
            if let CaseEvent::ConsentRecorded { consent } = &mut events[at].payload {
                consent.guardian = None;
            }
            Some(&["LK3-E023"])
        }
        // A referral opened just before the step and left open.
        Req::ReferralsEnded => {
            let mut opened = stamp(events, last);
            opened.actor = w.actor(Role::PekerjaSosial, false);
            opened.payload = CaseEvent::ServiceOpened {
                kind: ServiceKind::Rujukan,
                partner_id: Some(PartnerId::new_v7(opened.occurred_at, IdSeed::new([6; 10]))),
                service_id: ServiceId::new_v7(opened.occurred_at, IdSeed::new([6; 10])),
            };
            events.insert(last, opened);
            Some(&["LK3-E140"])
        }
        // The proposal the approval needs removed.
        Req::PlanProposed => {
            let at = events.iter().rposition(|e| matches!(e.payload, CaseEvent::PlanProposed { .. }))?;
            events.remove(at);
            Some(&["LK3-E025"])
        }
        // Approved by the person who proposed or terminated.
        Req::SecondPerson => {
            let step = match events[last].payload {
                CaseEvent::PlanApproved { .. } => K::ProposePlan,
                _ => K::Terminate,
            };
            let first = events.iter().rposition(|e| e.payload.command_kind() == step)?;
            events[last].actor.staff_id = events[first].actor.staff_id;
            Some(&["LK3-E024"])
        }
        // The steps that closed the planned services removed.
        Req::PlannedServicesClosed => {
            events.retain(|e| !matches!(e.payload, CaseEvent::ServiceStepRecorded { .. }));
            Some(&["LK3-E026"])
        }
        // "Goals met" before any evaluation.
        Req::GoalsMetOnlyAfterEvaluation => {
            events[last].payload = CaseEvent::Terminated { reason: TerminationReason::TujuanTercapai };
            Some(&["LK3-E027"])
        }
        // Reopening a case that was declined before any service.
        Req::ClosedAfterService => {
            let reopen = events[last].clone();
            let (mut case, mut declined) = w.case_at(Stage::PendekatanAwal);
            let ketua = w.actor(Role::Ketua, false);
            w.run(&mut case, &mut declined, ketua, CaseCommand::DeclineService { reason: RefusalReason::KlienMenolak });
            let last_declined = declined.last().expect("events").clone();
            declined.push(Event {
                stream_id: last_declined.stream_id,
                occurred_at: last_declined.occurred_at + Duration::minutes(1),
                ..reopen
            });
            *events = declined;
            Some(&["LK3-E035"])
        }
        // The answer to a transfer given by staff naming no unit, or another.
        Req::ReceivingUnitStaff => {
            events[last].actor.unit = None;
            Some(&["LK3-E144"])
        }
        // The record the step refers to is not in the case.
        Req::KnownReference => {
            let at = events[last].occurred_at;
            let stranger = ClientId::new_v7(at, IdSeed::new([7; 10]));
            match &mut events[last].payload {
                CaseEvent::ConsentRecorded { consent } => consent.subject = stranger,
                CaseEvent::ConsentWithdrawn { consent_id } => *consent_id = ConsentId::new_v7(at, IdSeed::new([7; 10])),
                CaseEvent::ServiceStepRecorded { service_id, .. } => {
                    *service_id = ServiceId::new_v7(at, IdSeed::new([7; 10]));
                }
                CaseEvent::ProtectiveReferralStepRecorded { referral_id, .. } => {
                    *referral_id = lk3_core::ids::ReferralId::new_v7(at, IdSeed::new([7; 10]));
                }
                CaseEvent::AidGiven { aid } => aid.recipient = stranger,
                CaseEvent::NoteAdded { note } => note.about.push(stranger),
                CaseEvent::AttachmentAdded { attachment } => attachment.about.push(stranger),
                CaseEvent::ClientRoleSet { client_id, .. } => *client_id = stranger,
                _ => return None,
            }
            Some(&["LK3-E031"])
        }
    }
}

#[test]
fn every_requirement_of_every_row_broken_alone_is_refused() {
    let mut broken: BTreeSet<&str> = BTreeSet::new();
    let mut forgeries = 0;
    for row in rules().transitions() {
        for requirement in &row.requires {
            let mut w = World::new();
            let mut events = legal_row(&mut w, row.from, row.command);
            let what = format!("{:?}/{} without {requirement}", row.from.map(Labelled::id), row.command);
            let Some(codes) = break_requirement(&mut w, *requirement, &mut events) else {
                assert_eq!(*requirement, Req::Reason, "{what}: not broken");
                continue;
            };
            reseal(&mut events, 0);
            assert_refused(&what, &case_document(&events), codes);
            broken.insert(requirement.id());
            forgeries += 1;
        }
    }
    let named: BTreeSet<&str> = rules().transitions().iter().flat_map(|r| r.requires.iter().map(|q| q.id())).collect();
    let unbroken: Vec<_> = named.difference(&broken).collect();
    assert_eq!(unbroken, vec![&Req::Reason.id()], "requirements never broken: {unbroken:?} ({forgeries} forgeries)");
}

/// Forges every payload leaf of every event, one at a time. A change that
/// leaves the recorded command as it was is a field `decide` derives: the
/// forgery must be refused. Returns the derived fields found.
fn forge_derived<D>(
    events: &[Event<D::Payload>],
    document: impl Fn(&[Event<D::Payload>]) -> Vec<u8>,
) -> BTreeSet<String>
where
    D: Decider<Command: PartialEq + std::fmt::Debug>,
    D::Payload: Serialize + DeserializeOwned,
{
    assert_legal("the history", &document(events));
    let mut derived = BTreeSet::new();
    for i in 0..events.len() {
        let value = serde_json::to_value(&events[i].payload).expect("a payload");
        let mut changes = Vec::new();
        common::leaf_changes(&value, String::new(), &mut changes);
        for (pointer, changed) in changes {
            let mut forged_value = value.clone();
            *forged_value.pointer_mut(&pointer).expect("the leaf") = changed;
            let Ok(payload) = serde_json::from_value::<D::Payload>(forged_value) else { continue };
            let mut forged = events.to_vec();
            forged[i].payload = payload;
            if D::command_of(&forged[i]) != D::command_of(&events[i]) {
                continue;
            }
            reseal(&mut forged, i);
            let what = format!("event {i} {pointer}");
            let (report, imported) = judge(&document(&forged));
            let found = errors(&report);
            assert!(
                found.iter().any(|(_, at)| at.starts_with(&format!("/events/{i}"))),
                "{what}: a forged derived field is not refused at its event: {found:?}"
            );
            assert!(imported.is_err(), "{what}: import accepted it");
            derived.insert(format!("{}{pointer}", serde_json::to_value(&events[i].payload).expect("p")["type"]));
        }
    }
    derived
}

#[test]
fn every_derived_field_of_a_case_forged_alone_is_refused() {
    let mut w = World::new();
    let (mut case, mut events) = w.case_at(Stage::Intervensi);
    let (peksos, ketua) = (w.actor(Role::PekerjaSosial, false), w.actor(Role::Ketua, false));
    // An emergency referral sent without disclosure consent, approved by a
    // second person, answered on the partner's behalf.
    let service_id = ServiceId::new_v7(w.now, w.fresh_seed());
    let partner_id = PartnerId::new_v7(w.now, w.fresh_seed());
    let referral = Some(ReferralDraft { partner_id });
    w.run(
        &mut case,
        &mut events,
        peksos,
        CaseCommand::OpenService { service_id, kind: ServiceKind::Rujukan, referral },
    );
    let send = ServiceCommand::Send {
        response_deadline: None,
        emergency: Some(EmergencyReason::AnakDalamBahaya),
        request: Default::default(),
    };
    w.run(&mut case, &mut events, peksos, CaseCommand::ServiceStep { service_id, step: send });
    w.run(
        &mut case,
        &mut events,
        ketua,
        CaseCommand::ServiceStep { service_id, step: ServiceCommand::ApproveOverride {} },
    );
    w.run(&mut case, &mut events, peksos, CaseCommand::ServiceStep { service_id, step: ServiceCommand::Accept {} });
    // The partner's answer, recorded on its behalf: no case ends with a referral open.
    let feedback =
        lk3_core::service::PartnerFeedback { note_digest: None, outcome: lk3_core::vocab::FeedbackOutcome::Tertangani };
    w.run(
        &mut case,
        &mut events,
        peksos,
        CaseCommand::ServiceStep { service_id, step: ServiceCommand::Complete { feedback: Some(feedback) } },
    );
    w.close_planned(&mut case, &mut events);
    for cmd in [CaseCommand::BeginEvaluation {}, CaseCommand::Terminate { reason: TerminationReason::TujuanTercapai }] {
        w.run(&mut case, &mut events, peksos, cmd);
    }
    w.run(&mut case, &mut events, ketua, CaseCommand::ApproveClosure {});
    let derived = forge_derived::<Case>(&events, case_document);
    for expected in [
        "\"engagement_started\"/worker",
        "\"contract_agreed\"/consents",
        "\"plan_proposed\"/plan_version",
        "\"plan_approved\"/proposed_by",
        "\"service_step_recorded\"/consent_override",
        "\"service_step_recorded\"/on_behalf_of_partner",
        "\"closure_approved\"/terminated_by",
    ] {
        assert!(derived.iter().any(|d| d.starts_with(expected)), "{expected} not found among {derived:?}");
    }
}

mod outreach {
    //! The same forgeries for the outreach machine.

    use super::*;
    use lk3_core::ids::{CaseId, OutreachId};
    use lk3_core::outreach::{
        CaseLink, Outreach, OutreachCloseReason, OutreachCommand, OutreachCommandKind as OK, OutreachEventRecord,
        OutreachRefusalReason, ReporterKind,
    };

    /// The outreach machine of the rule set in force for the fixtures' dates.
    fn table(rule_set: RuleSetId) -> &'static lk3_core::rules::OutreachTable {
        &rule_set.rules().outreach.table
    }
    use lk3_core::schema::OutreachDocument;
    use lk3_core::vocab::{Problem, Sasaran};

    fn document(events: &[OutreachEventRecord]) -> Vec<u8> {
        serde_json::to_vec(&OutreachDocument::new(Outreach::from_events(events), events.to_vec())).expect("json")
    }

    fn command(w: &mut World, kind: OK) -> OutreachCommand {
        match kind {
            OK::Report => OutreachCommand::Report {
                outreach_id: OutreachId::new_v7(w.now, w.fresh_seed()),
                unit: w.unit.parse().expect("a unit"),
                reported_by: ReporterKind::Bhabinkamtibmas,
                sasaran: Sasaran::Keluarga,
                problems: vec![Problem::Kdrt],
                kode_wilayah: None,
            },
            OK::Schedule => OutreachCommand::Schedule { planned_for: w.now + Duration::days(1), mobile_unit: true },
            OK::CarryOut => OutreachCommand::CarryOut {},
            OK::RecordAgreement => OutreachCommand::RecordAgreement {
                case: CaseLink::Opens { case_id: CaseId::new_v7(w.now, w.fresh_seed()) },
                client_id: ClientId::new_v7(w.now, w.fresh_seed()),
            },
            OK::RecordRefusal => OutreachCommand::RecordRefusal { reason: OutreachRefusalReason::TidakMerasaPerlu },
            OK::RecordNotFound => OutreachCommand::RecordNotFound {},
            OK::Close => OutreachCommand::Close { reason: OutreachCloseReason::TidakDitemukanBerulang },
        }
    }

    /// Runs `kinds` from a new outreach, each by the first role its row lists.
    fn history(w: &mut World, kinds: &[OK]) -> Vec<OutreachEventRecord> {
        let mut o = Outreach::default();
        let mut events = Vec::new();
        for kind in kinds {
            let role = table(RuleSetId::permensos_25_2017()).row(o.state(), *kind).expect("a row").roles[0];
            let cmd = command(w, *kind);
            let ctx = w.ctx(w.actor(role, true));
            events.extend(o.execute(&cmd, &ctx).unwrap_or_else(|e| panic!("{kind}: {e}")));
        }
        events
    }

    /// A path to every row's state, then the row's command.
    fn legal_row(w: &mut World, from: Option<lk3_core::outreach::OutreachState>, kind: OK) -> Vec<OutreachEventRecord> {
        use lk3_core::outreach::OutreachState as S;
        let path: &[OK] = match from {
            None => &[],
            Some(S::Dilaporkan) => &[OK::Report],
            Some(S::Dijadwalkan) => &[OK::Report, OK::Schedule],
            Some(S::Dilaksanakan) => &[OK::Report, OK::Schedule, OK::CarryOut],
            Some(S::TidakDitemukan) => &[OK::Report, OK::Schedule, OK::CarryOut, OK::RecordNotFound],
            Some(other) => panic!("no row leaves {other}"),
        };
        let mut kinds = path.to_vec();
        kinds.push(kind);
        history(w, &kinds)
    }

    #[test]
    fn every_outreach_row_forged_by_a_role_it_does_not_list_is_refused() {
        let mut forgeries = 0;
        for row in table(RuleSetId::permensos_25_2017()).rows() {
            let mut w = World::new();
            let legal = legal_row(&mut w, row.from, row.command);
            let what = format!("{:?}/{}", row.from.map(Labelled::id), row.command);
            forgeries += forge_roles(&what, &legal, &row.roles, document);
        }
        assert!(forgeries >= table(RuleSetId::permensos_25_2017()).rows().len(), "{forgeries}");
    }

    #[test]
    fn a_visit_past_the_limit_forged_into_a_history_is_refused() {
        // The attempt limit (the table's only requirement besides a reason):
        // a fourth visit spliced after three that did not find the person.
        let mut w = World::new();
        let visit = [OK::Schedule, OK::CarryOut, OK::RecordNotFound];
        let mut kinds = vec![OK::Report];
        for _ in 0..RuleSetId::permensos_25_2017().rules().outreach.max_attempts {
            kinds.extend(visit);
        }
        let legal = history(&mut w, &kinds);
        assert_legal("three visits", &document(&legal));
        let mut forged = legal.clone();
        let mut fourth = legal[1].clone();
        fourth.occurred_at = legal.last().expect("events").occurred_at + Duration::minutes(1);
        forged.push(fourth);
        reseal(&mut forged, 0);
        assert_refused("a fourth visit", &document(&forged), &["LK3-E033"]);
    }

    #[test]
    fn every_derived_field_of_an_outreach_forged_alone_is_refused() {
        let mut w = World::new();
        let kinds = [
            OK::Report,
            OK::Schedule,
            OK::CarryOut,
            OK::RecordNotFound,
            OK::Schedule,
            OK::CarryOut,
            OK::RecordAgreement,
        ];
        let events = history(&mut w, &kinds);
        let derived = forge_derived::<Outreach>(&events, document);
        for expected in ["\"scheduled\"/attempt", "\"carried_out\"/attempt", "\"not_found_recorded\"/attempt"] {
            assert!(derived.contains(expected), "{expected} not found among {derived:?}");
        }
    }
}

mod services {
    //! The same forgeries for the five in-case service machines.

    use super::*;
    use common::services::{actor_for, machines, service_in, step_of, table};
    use lk3_core::rules::ServiceRequirement as SReq;
    use lk3_core::service::ServiceCommandKind as SK;

    /// A legal history whose last event is the row's step on a service in
    /// the row's state; `None` for the opening row (decided by open_service).
    fn legal_step(
        rule_set: RuleSetId,
        kind: ServiceKind,
        from: lk3_core::service::ServiceState,
        step: SK,
    ) -> Vec<CaseEventRecord> {
        let (mut w, mut case, mut events, service_id) =
            service_in(rule_set, kind, from).expect("every state is reachable");
        let actor = actor_for(&w, kind, Some(from), step);
        w.run(&mut case, &mut events, actor, CaseCommand::ServiceStep { service_id, step: step_of(step) });
        events
    }

    #[test]
    fn every_service_row_forged_by_a_role_it_does_not_list_is_refused() {
        let mut forgeries = 0;
        for (rule_set, kind) in machines() {
            for row in table(rule_set, kind).rows().iter().filter(|r| r.from.is_some()) {
                let from = row.from.expect("a state");
                let legal = legal_step(rule_set, kind, from, row.command);
                // The case's own row or the service's refuses the role.
                forgeries += forge_roles(&format!("{kind} {from} {}", row.command), &legal, &row.roles, case_document);
            }
        }
        assert!(forgeries > 100, "{forgeries}");
    }

    #[test]
    fn every_service_pair_the_table_lacks_is_refused_when_forged_into_a_history() {
        let mut forgeries = 0;
        for (rule_set, kind) in machines() {
            let t = table(rule_set, kind);
            for state in t.states() {
                for step in SK::ALL.iter().copied().filter(|s| *s != SK::Open && t.row(Some(state), *s).is_none()) {
                    let (w, _, mut events, service_id) = service_in(rule_set, kind, state).expect("reachable");
                    let mut spliced = events.last().expect("events").clone();
                    spliced.occurred_at += Duration::minutes(1);
                    spliced.actor = actor_for(&w, kind, Some(state), step);
                    // A sending as decide records it: with its deadline.
                    let recorded = match step_of(step) {
                        ServiceCommand::Send { emergency, .. } => ServiceCommand::Send {
                            response_deadline: Some(spliced.occurred_at + Duration::days(7)),
                            emergency,
                            request: Default::default(),
                        },
                        other => other,
                    };
                    spliced.payload = CaseEvent::ServiceStepRecorded {
                        consent_override: false,
                        on_behalf_of_partner: false,
                        service_id,
                        step: recorded,
                    };
                    events.push(spliced);
                    reseal(&mut events, 0);
                    assert_refused(&format!("{kind} {state} {step}"), &case_document(&events), &["LK3-E036"]);
                    forgeries += 1;
                }
            }
        }
        assert!(forgeries > 200, "{forgeries}");
    }

    /// Breaks one requirement of a service row for the last event; the codes
    /// `decide` refuses it with, or `None` where it cannot be broken in a
    /// document that parses.
    fn break_service_requirement(
        requirement: SReq,
        events: &mut Vec<CaseEventRecord>,
    ) -> Option<&'static [&'static str]> {
        let last = events.len() - 1;
        let CaseEvent::ServiceStepRecorded { step, consent_override, .. } = &mut events[last].payload else {
            return None;
        };
        match requirement {
            SReq::Reason => None,
            // A completion without the partner's feedback.
            SReq::PartnerFeedback => {
                *step = ServiceCommand::Complete { feedback: None };
                Some(&["LK3-E037"])
            }
            // A sending without consent and without the emergency override.
            SReq::ConsentToDisclose => {
                if let ServiceCommand::Send { emergency, .. } = step {
                    *emergency = None;
                }
                *consent_override = false;
                Some(&["LK3-E039"])
            }
            // Not breakable alone: the table reaches `berlangsung` only by a
            // session, so a history without one fails its transition first
            // (the requirement is the table's defence in depth).
            SReq::AtLeastOneSession => None,
            // The second person's approval of the override removed.
            SReq::OverrideReviewed => {
                let at = events.iter().rposition(|e| {
                    matches!(
                        &e.payload,
                        CaseEvent::ServiceStepRecorded { step: ServiceCommand::ApproveOverride {}, .. }
                    )
                })?;
                events.remove(at);
                Some(&["LK3-E038"])
            }
            // Approved by the person who sent.
            SReq::SecondPerson => {
                let sender = events.iter().rposition(|e| {
                    matches!(&e.payload, CaseEvent::ServiceStepRecorded { step: ServiceCommand::Send { .. }, .. })
                })?;
                events[last].actor = events[sender].actor;
                Some(&["LK3-E024", "LK3-E021"])
            }
            // Taken by another partner's staff.
            SReq::OwnReferral => {
                let at = events[last].occurred_at;
                let other = lk3_core::ids::PartnerId::new_v7(at, IdSeed::new([0x78; 10]));
                events[last].actor = lk3_core::event::Actor::mitra(events[last].actor.staff_id, other);
                if let CaseEvent::ServiceStepRecorded { on_behalf_of_partner, .. } = &mut events[last].payload {
                    *on_behalf_of_partner = false;
                }
                Some(&["LK3-E141"])
            }
            // A service the case does not have.
            SReq::KnownReference => {
                let at = events[last].occurred_at;
                if let CaseEvent::ServiceStepRecorded { service_id, .. } = &mut events[last].payload {
                    *service_id = ServiceId::new_v7(at, IdSeed::new([7; 10]));
                }
                Some(&["LK3-E031"])
            }
        }
    }

    #[test]
    fn every_requirement_of_every_service_row_broken_alone_is_refused() {
        let mut broken: BTreeSet<&str> = BTreeSet::new();
        let mut named: BTreeSet<&str> = BTreeSet::new();
        for (rule_set, kind) in machines() {
            for row in table(rule_set, kind).rows().iter().filter(|r| r.from.is_some()) {
                for requirement in &row.requires {
                    named.insert(requirement.id());
                    let from = row.from.expect("a state");
                    let mut events = legal_step(rule_set, kind, from, row.command);
                    let what = format!("{kind} {from} {} without {requirement}", row.command);
                    let Some(codes) = break_service_requirement(*requirement, &mut events) else {
                        assert!(matches!(requirement, SReq::Reason | SReq::AtLeastOneSession), "{what}: not broken");
                        continue;
                    };
                    reseal(&mut events, 0);
                    assert_refused(&what, &case_document(&events), codes);
                    broken.insert(requirement.id());
                }
            }
        }
        let unbroken: Vec<_> = named.difference(&broken).collect();
        let alone = [SReq::Reason.id(), SReq::AtLeastOneSession.id()];
        assert_eq!(unbroken, alone.iter().collect::<Vec<_>>(), "service requirements never broken: {unbroken:?}");
    }
}
