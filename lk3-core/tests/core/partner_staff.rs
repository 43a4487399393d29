//! Partner-bound staff: a `mitra` actor names its partner and acts only on
//! that partner's referrals; LK3 staff record any partner's step, flagged as
//! on its behalf. Generated from every referral row that lists `mitra`.

use crate::common;

use common::services::{machines, partner, service_in, step_of, table};
use lk3_core::Decider;
use lk3_core::case::{CaseCommand, CaseEvent, CommandProblem, Violation};
use lk3_core::event::Actor;
use lk3_core::ids::{IdSeed, PartnerId, StaffId};
use lk3_core::rules::ServiceRequirement;
use lk3_core::vocab::Role;
use lk3_core::{ErrorCode, Lk3Error};

fn other_partner() -> PartnerId {
    PartnerId::new_v7(chrono::DateTime::UNIX_EPOCH, IdSeed::new([0x78; 10]))
}

#[test]
fn a_partners_staff_act_only_on_their_own_partners_referrals() {
    let mut rows = 0;
    for (rule_set, kind) in machines() {
        let t = table(rule_set, kind);
        for row in t.rows().iter().filter(|r| r.from.is_some() && r.roles.contains(&Role::Mitra)) {
            let from = row.from.expect("a state");
            let what = format!("{rule_set} {kind} {from} {}", row.command);
            assert!(
                row.requires.contains(&ServiceRequirement::OwnReferral),
                "{what}: a mitra row must bind the partner"
            );
            let (mut w, case, _, service_id) = service_in(rule_set, kind, from).expect("reachable");
            let cmd = CaseCommand::ServiceStep { service_id, step: step_of(row.command) };
            let staff_id = StaffId::new_v7(w.now, IdSeed::new([0x51; 10]));

            // Another partner's staff: refused, naming both partners.
            let ctx = w.ctx(Actor::mitra(staff_id, other_partner()));
            let e = case.decide(&cmd, &ctx).expect_err(&what);
            assert_eq!(
                e.violation,
                Violation::OtherPartner { partner_id: partner(), actor_partner: other_partner() },
                "{what}"
            );
            assert_eq!(e.code(), ErrorCode::PartnerMismatch);
            assert!(e.to_string().contains("LK3-E141") && e.message_id().contains(&partner().to_string()));

            // The referral's own partner's staff: accepted, not flagged.
            let ctx = w.ctx(Actor::mitra(staff_id, partner()));
            let events = case.decide(&cmd, &ctx).unwrap_or_else(|e| panic!("{what}: {e}"));
            assert_eq!(events[0].actor.partner_id, Some(partner()));
            let CaseEvent::ServiceStepRecorded { on_behalf_of_partner, .. } = events[0].payload else { panic!() };
            assert!(!on_behalf_of_partner, "{what}");

            // LK3 staff record it for the partner: flagged when it is the partner's step.
            let ctx = w.ctx(w.actor(Role::PekerjaSosial, true));
            let events = case.decide(&cmd, &ctx).unwrap_or_else(|e| panic!("{what}: {e}"));
            let CaseEvent::ServiceStepRecorded { on_behalf_of_partner, .. } = events[0].payload else { panic!() };
            assert_eq!(on_behalf_of_partner, row.command.is_partner_step(), "{what}");
            rows += 1;
        }
    }
    assert!(rows >= 2 * 16, "{rows} rows");
}

#[test]
fn a_mitra_names_its_partner_and_nobody_else_names_one() {
    let (mut w, case, _, service_id) = service_in(
        lk3_core::rules::RuleSetId::permensos_25_2017(),
        lk3_core::vocab::ServiceKind::Rujukan,
        lk3_core::service::ServiceState::Dikirim,
    )
    .expect("sent");
    let cmd = CaseCommand::ServiceStep { service_id, step: lk3_core::service::ServiceCommand::Accept {} };
    let staff_id = StaffId::new_v7(w.now, IdSeed::new([0x52; 10]));
    for actor in [
        Actor { partner_id: None, role: Role::Mitra, staff_id, unit: None },
        Actor { partner_id: Some(partner()), role: Role::PekerjaSosial, staff_id, unit: None },
    ] {
        assert!(!actor.is_consistent());
        let ctx = w.ctx(actor);
        let e = case.decide(&cmd, &ctx).expect_err("an inconsistent actor");
        assert_eq!(e.violation, Violation::InvalidCommand { problem: CommandProblem::ActorPartner });
        assert_eq!(e.code(), ErrorCode::InvalidCommand);
    }
}

#[test]
fn an_lk3_actor_reads_as_before_and_a_mitras_names_its_partner() {
    let staff_id = StaffId::new_v7(chrono::DateTime::UNIX_EPOCH, IdSeed::new([0x53; 10]));
    let lk3 = serde_json::to_value(Actor::staff(Role::Ketua, staff_id)).expect("json");
    assert_eq!(lk3, serde_json::json!({ "role": "ketua", "staff_id": staff_id.to_string() }));
    let mitra = serde_json::to_value(Actor::mitra(staff_id, partner())).expect("json");
    assert_eq!(mitra["partner_id"], serde_json::json!(partner().to_string()));
    let back: Actor = serde_json::from_value(mitra).expect("reads back");
    assert_eq!(back, Actor::mitra(staff_id, partner()));
}

#[test]
fn a_history_written_before_partner_binding_still_verifies_with_a_warning() {
    use lk3_core::event::Hash;
    use lk3_core::validate::{Limits, Severity, validate};
    let (_, _, mut events, _) = service_in(
        lk3_core::rules::RuleSetId::permensos_25_2017(),
        lk3_core::vocab::ServiceKind::Rujukan,
        lk3_core::service::ServiceState::Diproses,
    )
    .expect("in progress");
    let first = events.iter().position(|e| e.actor.role == Role::Mitra).expect("a partner's step");
    // As an earlier lk3 wrote it: the partner's staff name no partner.
    for i in first..events.len() {
        if events[i].actor.role == Role::Mitra {
            events[i].actor.partner_id = None;
        }
        events[i].prev_hash = if i == 0 { Hash::GENESIS } else { events[i - 1].hash };
        events[i].seal_in_place().expect("seals");
    }
    let case = lk3_core::case::Case::replay(&events).expect("the history stands");
    let doc = lk3_core::schema::CaseDocument::new(case, events.clone());
    let report = validate(&serde_json::to_vec(&doc).expect("json"), None, &Limits::default());
    assert!(report.valid, "{:?}", report.findings);
    let warned: Vec<_> = report.findings.iter().filter(|f| f.code == "LK3-W007").collect();
    let unbound = events.iter().filter(|e| e.actor.role == Role::Mitra).count();
    assert!(unbound >= 2 && warned.len() == unbound, "{warned:?}");
    assert!(warned.iter().all(|f| f.severity == Severity::Warning && f.pointer.ends_with("/actor")));
}

#[test]
fn the_partner_a_step_names_is_sealed_by_its_hash() {
    use lk3_core::event::{ChainError, canonical_json, verify_chain};
    let (_, _, events, _) = service_in(
        lk3_core::rules::RuleSetId::permensos_25_2017(),
        lk3_core::vocab::ServiceKind::Rujukan,
        lk3_core::service::ServiceState::Diterima,
    )
    .expect("accepted");
    let i = events.iter().position(|e| e.actor.partner_id.is_some()).expect("a partner's step");
    // The canonical form is the event's JSON with sorted keys: the partner included.
    let mut bytes = Vec::new();
    canonical_json(&events[i], &mut bytes).expect("canonical");
    let mut value = serde_json::to_value(&events[i]).expect("json");
    value.as_object_mut().expect("an object").remove("hash");
    let text = String::from_utf8(bytes).expect("utf-8");
    assert_eq!(serde_json::from_str::<serde_json::Value>(&text).expect("json"), value);
    let actor = format!("\"actor\":{{\"partner_id\":\"{}\",\"role\":\"mitra\",", partner());
    assert!(text.contains(&actor), "{text}");
    // Another partner named, not resealed: the chain says so.
    let mut forged = events.clone();
    forged[i].actor.partner_id = Some(other_partner());
    assert!(matches!(verify_chain(&forged), Err(ChainError::HashMismatch { .. })), "{:?}", verify_chain(&forged));
    forged[i].actor.partner_id = None;
    assert!(verify_chain(&forged).is_err(), "dropping the partner changes the hash too");
}
