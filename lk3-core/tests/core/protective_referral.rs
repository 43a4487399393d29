//! The protective (emergency) referral's lifecycle: after its sending, the
//! partner's response and outcome follow the referral service's own table,
//! exactly as a referral sent with an emergency override does.

use crate::common;

use common::World;
use common::services::{actor_for, partner, path_from, service_in, step_of, table};
use lk3_core::case::{Case, CaseCommand, CaseEvent, CaseEventRecord};
use lk3_core::event::Actor;
use lk3_core::ids::{IdSeed, PartnerId, ReferralId};
use lk3_core::rules::RuleSetId;
use lk3_core::service::{ServiceCommand, ServiceCommandKind as K, ServiceState};
use lk3_core::vocab::{EmergencyReason, ProtectivePartner, Role, ServiceKind, Stage, TerminationReason};
use lk3_core::{Decider, ErrorCode, Labelled, Lk3Error};

/// Sends a protective referral to the test partner (no one consented to
/// disclose to it: an audited override, approved by a second person at
/// once, as `service_in` does for a referral), then walks it from `dikirim`
/// to `state` by the referral table's shortest path.
fn protective_in(
    w: &mut World,
    case: &mut Case,
    events: &mut Vec<CaseEventRecord>,
    rule_set: RuleSetId,
    state: ServiceState,
) -> ReferralId {
    let referral_id = ReferralId::new_v7(w.now, w.fresh_seed());
    let send = CaseCommand::SendProtectiveReferral {
        referral_id,
        partner: ProtectivePartner::UptdPpa,
        partner_id: Some(partner()),
        reason: EmergencyReason::AnakDalamBahaya,
    };
    let peksos = w.actor(Role::PekerjaSosial, false);
    w.run(case, events, peksos, send);
    let ketua = w.actor(Role::Ketua, true);
    let approve = CaseCommand::ProtectiveReferralStep { referral_id, step: ServiceCommand::ApproveOverride {} };
    w.run(case, events, ketua, approve);
    let path = path_from(rule_set, ServiceKind::Rujukan, ServiceState::Dikirim, state).expect("reachable");
    for step in path {
        let now = case.protective_referral(referral_id).map(|r| r.state);
        let actor = actor_for(w, ServiceKind::Rujukan, now, step);
        w.run(case, events, actor, CaseCommand::ProtectiveReferralStep { referral_id, step: step_of(step) });
    }
    assert_eq!(case.protective_referral(referral_id).map(|r| r.state), Some(state));
    referral_id
}

/// What a decision came to: the state reached, or the refusal's code.
fn outcome(
    case: &Case,
    events: Result<Vec<CaseEventRecord>, lk3_core::case::CommandError>,
    read: impl Fn(&Case) -> Option<ServiceState>,
) -> Result<Option<ServiceState>, ErrorCode> {
    match events {
        Ok(events) => {
            let mut after = case.clone();
            for e in &events {
                after.apply(e);
            }
            Ok(read(&after))
        }
        Err(e) => Err(e.code()),
    }
}

#[test]
fn every_step_of_a_protective_referral_comes_out_as_for_a_referral_in_the_same_state() {
    let mut compared = 0;
    for rule_set in RuleSetId::all() {
        let t = table(rule_set, ServiceKind::Rujukan);
        for state in t.states().into_iter().filter(|s| *s != ServiceState::Draf) {
            let (mut w, mut case, mut events, service_id) =
                service_in(rule_set, ServiceKind::Rujukan, state).expect("every state is reachable");
            let referral_id = protective_in(&mut w, &mut case, &mut events, rule_set, state);
            let other_partner = Actor::mitra(
                w.actor(Role::Mitra, true).staff_id,
                PartnerId::new_v7(chrono::DateTime::UNIX_EPOCH, IdSeed::new([0x78; 10])),
            );
            for step in K::ALL.iter().copied().filter(|s| *s != K::Open) {
                let roles = [
                    actor_for(&w, ServiceKind::Rujukan, Some(state), step),
                    w.actor(Role::Mitra, true),
                    other_partner,
                    w.actor(Role::Relawan, true),
                ];
                for actor in roles {
                    let ctx = w.ctx(actor);
                    let referral = CaseCommand::ServiceStep { service_id, step: step_of(step) };
                    let protective = CaseCommand::ProtectiveReferralStep { referral_id, step: step_of(step) };
                    let as_referral =
                        outcome(&case, case.decide(&referral, &ctx), |c| c.service(service_id).map(|s| s.state));
                    let as_protective = outcome(&case, case.decide(&protective, &ctx), |c| {
                        c.protective_referral(referral_id).map(|r| r.state)
                    });
                    assert_eq!(as_protective, as_referral, "{rule_set} {state} {step} by {:?}", actor.role);
                    if let Ok(to) = as_protective {
                        assert_eq!(to, t.row(Some(state), step).map(|r| r.to), "{rule_set} {state} {step}");
                    }
                    compared += 1;
                }
            }
        }
    }
    assert!(compared > 300, "{compared}");
}

#[test]
fn a_partner_s_answer_is_recorded_with_its_reason_and_feedback_and_replays() {
    let mut w = World::new();
    let (mut case, mut events) = w.case_at(Stage::Intervensi);
    let rule_set = case.rule_set().expect("a rule set");
    let referral_id = protective_in(&mut w, &mut case, &mut events, rule_set, ServiceState::Diterima);
    let mitra = w.actor(Role::Mitra, true);
    let complete = CaseCommand::ProtectiveReferralStep { referral_id, step: step_of(K::Complete) };
    w.run(&mut case, &mut events, mitra, complete);
    let referral = case.protective_referral(referral_id).copied().expect("kept");
    assert_eq!(referral.state, ServiceState::Selesai);
    assert!(referral.feedback.is_some() && referral.override_approved_by.is_some());
    // Recorded by the partner's own staff: not marked as recorded for it.
    let Some(CaseEvent::ProtectiveReferralStepRecorded { on_behalf_of_partner, .. }) =
        events.last().map(|e| &e.payload)
    else {
        panic!("the step's event");
    };
    assert!(!on_behalf_of_partner);
    // The whole history replays to the same case; the JSON of the referral names its state.
    assert_eq!(Case::replay(&events).expect("replays"), case);
    let json = serde_json::to_value(case.protective_referrals()).expect("json");
    assert_eq!(json[0]["state"], "selesai");
}

#[test]
fn a_protective_referral_only_sent_reads_as_before_the_lifecycle() {
    // No `state` while `dikirim`: a document written before the lifecycle
    // existed still has the header its events fold to.
    let mut w = World::new();
    let (mut case, mut events) = w.case_at(Stage::Registrasi);
    let cmd = w.command(&case, lk3_core::case::CaseCommandKind::SendProtectiveReferral);
    let peksos = w.actor(Role::PekerjaSosial, false);
    w.run(&mut case, &mut events, peksos, cmd);
    let json = serde_json::to_value(case.protective_referrals()[0]).expect("json");
    let keys: Vec<&str> = json.as_object().expect("object").keys().map(String::as_str).collect();
    assert_eq!(keys, ["consent_override", "partner", "partner_id", "reason", "referral_id", "sent_at", "sent_by"]);
    assert_eq!(case.protective_referrals()[0].state, ServiceState::Dikirim);
}

#[test]
fn a_protective_referral_naming_no_partner_is_answered_through_lk3_staff() {
    let mut w = World::new();
    let (mut case, mut events) = w.case_at(Stage::Registrasi);
    let cmd = w.command(&case, lk3_core::case::CaseCommandKind::SendProtectiveReferral);
    let CaseCommand::SendProtectiveReferral { referral_id, partner_id: None, .. } = cmd else {
        panic!("a referral naming no partner");
    };
    let peksos = w.actor(Role::PekerjaSosial, false);
    w.run(&mut case, &mut events, peksos, cmd);
    let accept = CaseCommand::ProtectiveReferralStep { referral_id, step: ServiceCommand::Accept {} };
    let ctx = w.ctx(w.actor(Role::Mitra, true));
    let e = case.decide(&accept, &ctx).expect_err("no partner to be staff of");
    assert_eq!(e.code(), ErrorCode::PartnerMismatch);
    assert!(e.message_en().contains("names no partner") && e.message_id().contains("tidak menyebut mitra"), "{e}");
    let ctx = w.ctx(peksos);
    let events = case.decide(&accept, &ctx).expect("LK3 staff record it for the partner");
    assert!(matches!(events[0].payload, CaseEvent::ProtectiveReferralStepRecorded { on_behalf_of_partner: true, .. }));
    // A second person reviews the override; its sender may not.
    let approve = CaseCommand::ProtectiveReferralStep { referral_id, step: ServiceCommand::ApproveOverride {} };
    let ctx = w.ctx(Actor::staff(Role::Ketua, peksos.staff_id));
    let e = case.decide(&approve, &ctx).expect_err("the sender reviews nothing of their own");
    assert_eq!(e.code(), ErrorCode::SecondPersonRequired);
    assert!(e.message_en().contains("protective_referral_step"), "{e}");
}

#[test]
fn a_withdrawal_does_not_block_the_answer_and_an_unknown_referral_is_named() {
    let mut w = World::new();
    let (mut case, mut events) = w.case_at(Stage::Intervensi);
    let rule_set = case.rule_set().expect("a rule set");
    let referral_id = protective_in(&mut w, &mut case, &mut events, rule_set, ServiceState::Dikirim);
    let peksos = w.actor(Role::PekerjaSosial, false);
    let consents: Vec<_> = case.consents().iter().map(|c| c.consent.consent_id).collect();
    for consent_id in consents {
        w.run(&mut case, &mut events, peksos, CaseCommand::WithdrawConsent { consent_id });
    }
    // Every consent withdrawn: the partner still answers, and ends it.
    let mitra = w.actor(Role::Mitra, true);
    for step in [ServiceCommand::Accept {}, ServiceCommand::Process {}, step_of(K::Complete)] {
        w.run(&mut case, &mut events, mitra, CaseCommand::ProtectiveReferralStep { referral_id, step });
    }
    assert_eq!(case.protective_referral(referral_id).map(|r| r.state), Some(ServiceState::Selesai));
    let unknown = ReferralId::new_v7(w.now, IdSeed::new([0x55; 10]));
    let ctx = w.ctx(mitra);
    let e = case
        .decide(&CaseCommand::ProtectiveReferralStep { referral_id: unknown, step: ServiceCommand::Accept {} }, &ctx)
        .expect_err("no such referral");
    assert_eq!(e.code(), ErrorCode::UnknownReference);
    assert!(e.message_en().contains(&unknown.to_string()) && e.message_id().contains("rujukan perlindungan"), "{e}");
}

#[test]
fn an_open_emergency_handover_does_not_hold_the_case_open_and_a_closed_case_takes_no_step() {
    let mut w = World::new();
    let (mut case, mut events) = w.case_at(Stage::Intervensi);
    let rule_set = case.rule_set().expect("a rule set");
    let referral_id = protective_in(&mut w, &mut case, &mut events, rule_set, ServiceState::Diterima);
    w.close_planned(&mut case, &mut events);
    let peksos = w.actor(Role::PekerjaSosial, false);
    let open_referrals: Vec<_> = case.open_referrals(rule_set).map(|s| s.service_id).collect();
    for service_id in open_referrals {
        let cancel = ServiceCommand::Cancel { reason: lk3_core::vocab::ServiceReason::Lainnya };
        w.run(&mut case, &mut events, peksos, CaseCommand::ServiceStep { service_id, step: cancel });
    }
    w.run(&mut case, &mut events, peksos, CaseCommand::BeginEvaluation {});
    w.run(&mut case, &mut events, peksos, CaseCommand::Terminate { reason: TerminationReason::Pindah });
    let ketua = w.actor(Role::Ketua, true);
    w.run(&mut case, &mut events, ketua, CaseCommand::ApproveClosure {});
    assert_eq!(case.stage(), Some(Stage::Ditutup));
    assert_eq!(case.protective_referral(referral_id).map(|r| r.state), Some(ServiceState::Diterima));
    // A closed case takes no step of it (reopen first).
    let mitra = w.actor(Role::Mitra, true);
    let ctx = w.ctx(mitra);
    let e = case
        .decide(&CaseCommand::ProtectiveReferralStep { referral_id, step: ServiceCommand::Process {} }, &ctx)
        .expect_err("closed");
    assert_eq!(e.code(), ErrorCode::TransitionNotAllowed);
}
