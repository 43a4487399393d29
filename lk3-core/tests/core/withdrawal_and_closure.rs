//! The two rules that keep a referral from being frozen or stranded, tested
//! from the tables: after a consent withdrawal every service may still end
//! (a partner's answer included) and nothing else goes on; a case is not
//! terminated or closed with a referral open; a closed case's referral is
//! never overdue.

use crate::common;

use chrono::Duration;
use common::World;
use common::services::{actor_for, machines, partner, service_in, step_of, table};
use lk3_core::Decider;
use lk3_core::case::{Case, CaseCommand, CaseEvent, CaseEventRecord, Violation};
use lk3_core::ids::ServiceId;
use lk3_core::rules::{CaseRequirement, RuleSet, RuleSetId};
use lk3_core::service::{ReferralDraft, ServiceCommand, ServiceCommandKind as K};
use lk3_core::vocab::{ConsentPurpose, Role, ServiceKind, ServiceReason, Stage};
use lk3_core::{ErrorCode, Labelled, Lk3Error};

/// Withdraws every consent in force.
fn withdraw_all(w: &mut World, case: &mut Case, ev: &mut Vec<CaseEventRecord>) {
    let peksos = w.actor(Role::PekerjaSosial, false);
    let ids: Vec<_> =
        case.consents().iter().filter(|c| c.withdrawn_at.is_none()).map(|c| c.consent.consent_id).collect();
    for consent_id in ids {
        w.run(case, ev, peksos, CaseCommand::WithdrawConsent { consent_id });
    }
}

#[test]
fn after_a_withdrawal_every_service_may_still_end_and_nothing_else_goes_on() {
    let (mut ended, mut refused) = (0, 0);
    for (rule_set, kind) in machines() {
        let t = table(rule_set, kind);
        for state in t.states().into_iter().filter(|s| !t.is_terminal(*s)) {
            for row in t.rows().iter().filter(|r| r.from == Some(state)) {
                let (mut w, mut case, mut ev, service_id) = service_in(rule_set, kind, state).expect("reachable");
                withdraw_all(&mut w, &mut case, &mut ev);
                let what = format!("{rule_set} {kind} {state} {}", row.command);
                let ctx = w.ctx(actor_for(&w, kind, Some(state), row.command));
                let cmd = CaseCommand::ServiceStep { service_id, step: step_of(row.command) };
                let outcome = case.decide(&cmd, &ctx);
                if t.is_terminal(row.to) || row.command == K::ApproveOverride {
                    let events = outcome.unwrap_or_else(|e| panic!("{what}: an ending is refused: {e}"));
                    case.apply(&events[0]);
                    assert_eq!(case.service(service_id).map(|s| s.state), Some(row.to), "{what}");
                    ended += 1;
                } else {
                    let e = outcome.expect_err(&what);
                    assert_eq!(e.code(), ErrorCode::ConsentRequired, "{what}: {e}");
                    refused += 1;
                }
            }
        }
    }
    assert!(ended > 40 && refused > 20, "{ended} endings, {refused} refusals");
}

/// A referral sent with both clients' consent to disclose to the partner
/// (given apart from the consent to services), accepted by the partner.
fn consented_referral() -> (World, Case, Vec<CaseEventRecord>, ServiceId) {
    let mut w = World::new();
    let (mut case, mut ev) = w.case_at(Stage::Intervensi);
    let peksos = w.actor(Role::PekerjaSosial, false);
    for (subject, guardian) in [(w.adult, None), (w.child, Some(w.adult))] {
        let mut cmd = w.consent_command(subject, guardian);
        if let CaseCommand::RecordConsent { consent } = &mut cmd {
            consent.purposes = vec![ConsentPurpose::PengungkapanKeMitra];
            consent.disclose_to = vec![partner()];
        }
        w.run(&mut case, &mut ev, peksos, cmd);
    }
    let service_id = ServiceId::new_v7(w.now, w.fresh_seed());
    let referral = Some(ReferralDraft { partner_id: partner() });
    w.run(&mut case, &mut ev, peksos, CaseCommand::OpenService { service_id, kind: ServiceKind::Rujukan, referral });
    let send = ServiceCommand::Send { response_deadline: None, emergency: None, request: Default::default() };
    w.run(&mut case, &mut ev, peksos, CaseCommand::ServiceStep { service_id, step: send });
    let mitra = w.actor(Role::Mitra, false);
    w.run(&mut case, &mut ev, mitra, CaseCommand::ServiceStep { service_id, step: ServiceCommand::Accept {} });
    assert!(case.referrals_to_end().is_empty());
    (w, case, ev, service_id)
}

#[test]
fn a_withdrawn_disclosure_consent_leaves_the_referral_only_to_end() {
    let (mut w, mut case, mut ev, service_id) = consented_referral();
    let disclosure = case
        .consents()
        .iter()
        .find(|c| c.consent.subject == w.adult && c.covers(ConsentPurpose::PengungkapanKeMitra))
        .map(|c| c.consent.consent_id)
        .expect("the adult's disclosure consent");
    w.run(
        &mut case,
        &mut ev,
        w.actor(Role::PekerjaSosial, false),
        CaseCommand::WithdrawConsent { consent_id: disclosure },
    );
    // The consent to services still holds; the referral is now only to end.
    assert!(case.consent_for(w.adult, ConsentPurpose::Layanan).is_some());
    assert_eq!(case.referrals_to_end().iter().map(|s| s.service_id).collect::<Vec<_>>(), vec![service_id]);
    let mitra = w.actor(Role::Mitra, false);
    let ctx = w.ctx(mitra);
    let process = CaseCommand::ServiceStep { service_id, step: ServiceCommand::Process {} };
    let e = case.decide(&process, &ctx).expect_err("no further work on a withdrawn disclosure");
    assert_eq!(e.violation, Violation::DisclosureConsentRequired { client: w.adult, partner_id: partner() });
    assert_eq!(e.code(), ErrorCode::DisclosureConsentRequired);
    // Either side ends it: the LK3 cancels, or the partner answers.
    for (actor, step) in [
        (w.actor(Role::PekerjaSosial, false), ServiceCommand::Cancel { reason: ServiceReason::KlienMenolak }),
        (mitra, step_of(K::Complete)),
        (mitra, step_of(K::Fail)),
    ] {
        let (mut case, mut ev) = (case.clone(), ev.clone());
        w.run(&mut case, &mut ev, actor, CaseCommand::ServiceStep { service_id, step });
        assert!(case.referrals_to_end().is_empty());
        assert!(case.service(service_id).is_some_and(|s| s.is_closed(case.rule_set())));
    }
}

#[test]
fn a_withdrawn_consent_to_services_lists_every_open_referral_to_end() {
    let (mut w, mut case, mut ev, service_id) = consented_referral();
    withdraw_all(&mut w, &mut case, &mut ev);
    assert_eq!(case.referrals_to_end().iter().map(|s| s.service_id).collect::<Vec<_>>(), vec![service_id]);
    let ctx = w.ctx(w.actor(Role::Mitra, false));
    let hold =
        CaseCommand::ServiceStep { service_id, step: ServiceCommand::Postpone { reason: ServiceReason::Lainnya } };
    assert_eq!(case.decide(&hold, &ctx).expect_err("a hold goes on").code(), ErrorCode::ConsentRequired);
}

#[test]
fn a_case_is_not_terminated_or_closed_with_a_referral_open() {
    let mut checked = Vec::new();
    for rule_set in RuleSetId::all() {
        let rules = RuleSet::get(rule_set);
        for row in rules.transitions().iter().filter(|r| r.requires.contains(&CaseRequirement::ReferralsEnded)) {
            let from = row.from.expect("an existing case");
            let mut w = World::new().under(rule_set);
            let (mut case, mut ev) = w.case_at(from);
            w.prepare(&mut case, &mut ev, row.command);
            let peksos = w.actor(Role::PekerjaSosial, false);
            let service_id = ServiceId::new_v7(w.now, w.fresh_seed());
            let referral = Some(ReferralDraft { partner_id: partner() });
            w.run(
                &mut case,
                &mut ev,
                peksos,
                CaseCommand::OpenService { service_id, kind: ServiceKind::Rujukan, referral },
            );
            let what = format!("{rule_set} {from} {}", row.command);
            let cmd = w.command(&case, row.command);
            let ctx = w.ctx(w.permitted_actor(Some(from), row.command));
            let e = case.decide(&cmd, &ctx).expect_err(&what);
            assert_eq!(e.violation, Violation::ReferralsOpen { open: vec![service_id] }, "{what}");
            assert_eq!(e.code(), ErrorCode::ReferralsOpen);
            assert!(e.message_id().contains(&service_id.to_string()) && e.to_string().contains("LK3-E140"));
            // Cancelled with a reason, the referral no longer holds the case.
            let cancel = ServiceCommand::Cancel { reason: ServiceReason::TidakDiperlukanLagi };
            w.run(&mut case, &mut ev, peksos, CaseCommand::ServiceStep { service_id, step: cancel });
            let ctx = w.ctx(w.permitted_actor(Some(from), row.command));
            let events = case.decide(&cmd, &ctx).unwrap_or_else(|e| panic!("{what}: {e}"));
            case.apply(&events[0]);
            assert_eq!(case.stage(), Some(row.to), "{what}");
            checked.push((from, row.command));
        }
    }
    // Every way into terminasi or ditutup: terminate from each active stage,
    // decline, resolve on the spot, approve closure.
    for kind in ["terminate", "approve_closure", "decline_service", "resolve_on_spot"] {
        assert!(checked.iter().any(|(_, k)| k.id() == kind), "{kind} not covered");
    }
    let rules = RuleSet::get(RuleSetId::permensos_25_2017());
    for row in rules.transitions().iter().filter(|r| matches!(r.to, Stage::Terminasi | Stage::Ditutup)) {
        if row.from != Some(row.to) && row.from != Some(Stage::Ditutup) {
            assert!(row.requires.contains(&CaseRequirement::ReferralsEnded), "{:?} {}", row.from, row.command);
        }
    }
}

#[test]
fn a_closed_case_has_no_overdue_referral() {
    // A history written before closing needed every referral ended: forged
    // here by folding a closure after a referral sent in terminasi.
    let mut w = World::new();
    let (mut case, mut ev) = w.case_at(Stage::Terminasi);
    let peksos = w.actor(Role::PekerjaSosial, false);
    let service_id = ServiceId::new_v7(w.now, w.fresh_seed());
    let referral = Some(ReferralDraft { partner_id: partner() });
    w.run(&mut case, &mut ev, peksos, CaseCommand::OpenService { service_id, kind: ServiceKind::Rujukan, referral });
    w.run(&mut case, &mut ev, peksos, CaseCommand::ServiceStep { service_id, step: step_of(K::Send) });
    let deadline = case.service(service_id).and_then(|s| s.response_deadline).expect("a deadline");
    let later = deadline + Duration::days(1);
    assert_eq!(case.overdue_referrals(later).count(), 1);
    let ctx = w.ctx(w.actor(Role::Ketua, true));
    let refused = case.decide(&CaseCommand::ApproveClosure {}, &ctx).expect_err("a referral is open");
    assert_eq!(refused.code(), ErrorCode::ReferralsOpen);
    let mut closure = ev.last().expect("events").clone();
    closure.seq += 1;
    closure.payload = CaseEvent::ClosureApproved { terminated_by: peksos.staff_id };
    closure.actor = w.actor(Role::Ketua, true);
    case.apply(&closure);
    assert_eq!(case.stage(), Some(Stage::Ditutup));
    assert!(case.is_closed());
    assert_eq!(case.overdue_referrals(later).count(), 0);
    assert!(case.service(service_id).is_some_and(|s| s.is_overdue(later)), "the referral itself is still sent");
}
