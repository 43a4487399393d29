//! What a referral asks of the partner (its request, as sent) and a re-sent
//! referral linked to the one it replaces; the replaceable states come from
//! the referral tables.

use crate::common;

use common::services::{machines, partner, service_in, step_of, table};
use lk3_core::Decider;
use lk3_core::case::{CaseCommand, CommandProblem, Violation};
use lk3_core::event::Hash;
use lk3_core::ids::{PartnerId, ServiceId};
use lk3_core::partner::Slug;
use lk3_core::service::{ReferralDraft, ReferralRequest, ServiceCommand, ServiceCommandKind as K, ServiceState};
use lk3_core::vocab::{EmergencyReason, Problem, ReferralPriority, Role, ServiceKind};
use lk3_core::{ErrorCode, Lk3Error};

fn request(replaces: Option<ServiceId>) -> ReferralRequest {
    ReferralRequest {
        letter_digest: Some(Hash([0x5a; 32])),
        priority: Some(ReferralPriority::Segera),
        problems: vec![Problem::Kdrt],
        replaces,
        service: Slug::parse("bantuan-hukum"),
    }
}

fn send(replaces: Option<ServiceId>) -> ServiceCommand {
    ServiceCommand::Send {
        response_deadline: None,
        emergency: Some(EmergencyReason::AncamanKeselamatan),
        request: request(replaces),
    }
}

#[test]
fn a_sending_keeps_what_it_asks_and_an_empty_request_is_left_out() {
    let (mut w, mut case, mut ev, id) =
        service_in(lk3_core::rules::RuleSetId::permensos_25_2017(), ServiceKind::Rujukan, ServiceState::Draf)
            .expect("a draft");
    w.run(
        &mut case,
        &mut ev,
        w.actor(Role::PekerjaSosial, false),
        CaseCommand::ServiceStep { service_id: id, step: send(None) },
    );
    assert_eq!(case.service(id).map(|s| s.request.clone()), Some(request(None)));
    let event = serde_json::to_value(&ev.last().expect("an event").payload).expect("json");
    assert_eq!(event["step"]["request"]["priority"], "segera");
    assert_eq!(event["step"]["request"]["service"], "bantuan-hukum");
    // A sending without a request reads as before: no `request` member.
    let plain = ServiceCommand::Send { response_deadline: None, emergency: None, request: ReferralRequest::default() };
    assert_eq!(serde_json::to_value(&plain).expect("json"), serde_json::json!({ "type": "send" }));
    assert_eq!(ReferralPriority::Darurat.fhir_code(), "stat");
}

#[test]
fn a_referral_replaces_only_an_earlier_one_that_ended_without_result() {
    let mut checked = 0;
    for (rule_set, kind) in machines().into_iter().filter(|(r, k)| r.rules().service(*k).is_some_and(|s| s.partner)) {
        let t = table(rule_set, kind);
        for state in t.states().into_iter().filter(|s| t.is_terminal(*s)) {
            let (mut w, mut case, mut ev, earlier) = service_in(rule_set, kind, state).expect("reachable");
            let peksos = w.actor(Role::PekerjaSosial, false);
            let second = ServiceId::new_v7(w.now, w.fresh_seed());
            let elsewhere = Some(ReferralDraft { partner_id: PartnerId::new_v7(w.now, w.fresh_seed()) });
            w.run(
                &mut case,
                &mut ev,
                peksos,
                CaseCommand::OpenService { service_id: second, kind, referral: elsewhere },
            );
            let cmd = CaseCommand::ServiceStep { service_id: second, step: send(Some(earlier)) };
            let ctx = w.ctx(peksos);
            let completed = t.rows().iter().any(|r| r.command == K::Complete && r.to == state);
            let what = format!("{rule_set} {kind} replacing one {state}");
            if completed {
                let e = case.decide(&cmd, &ctx).expect_err(&what);
                assert_eq!(e.violation, Violation::InvalidCommand { problem: CommandProblem::ReplacesLiveReferral });
            } else {
                let events = case.decide(&cmd, &ctx).unwrap_or_else(|e| panic!("{what}: {e}"));
                case.apply(&events[0]);
                assert_eq!(case.service(earlier).and_then(|s| s.replaced_by), Some(second), "{what}");
                assert_eq!(case.service(second).and_then(|s| s.request.replaces), Some(earlier));
                // Once replaced, never again.
                let third = ServiceId::new_v7(w.now, w.fresh_seed());
                let referral = Some(ReferralDraft { partner_id: partner() });
                w.run(&mut case, &mut ev, peksos, CaseCommand::OpenService { service_id: third, kind, referral });
                let again = CaseCommand::ServiceStep { service_id: third, step: send(Some(earlier)) };
                let ctx = w.ctx(peksos);
                let e = case.decide(&again, &ctx).expect_err("replaced twice");
                assert_eq!(e.violation, Violation::InvalidCommand { problem: CommandProblem::AlreadyReplaced });
            }
            checked += 1;
        }
    }
    assert!(checked >= 10, "{checked}");
}

#[test]
fn a_referral_replaces_nothing_open_unknown_itself_or_another_service() {
    let rule_set = lk3_core::rules::RuleSetId::permensos_25_2017();
    let (mut w, mut case, mut ev, open) =
        service_in(rule_set, ServiceKind::Rujukan, ServiceState::Diterima).expect("accepted");
    let peksos = w.actor(Role::PekerjaSosial, false);
    let second = ServiceId::new_v7(w.now, w.fresh_seed());
    let referral = Some(ReferralDraft { partner_id: partner() });
    w.run(
        &mut case,
        &mut ev,
        peksos,
        CaseCommand::OpenService { service_id: second, kind: ServiceKind::Rujukan, referral },
    );
    let counselling = case.services().iter().find(|s| s.kind == ServiceKind::Konseling).map(|s| s.service_id);
    let unknown = ServiceId::new_v7(w.now, w.fresh_seed());
    for (replaces, code) in [
        (open, ErrorCode::InvalidCommand),
        (unknown, ErrorCode::UnknownReference),
        (second, ErrorCode::UnknownReference),
        (counselling.expect("a planned konseling"), ErrorCode::UnknownReference),
    ] {
        let ctx = w.ctx(peksos);
        let cmd = CaseCommand::ServiceStep { service_id: second, step: send(Some(replaces)) };
        assert_eq!(case.decide(&cmd, &ctx).expect_err("refused").code(), code, "replacing {replaces}");
    }
    // The open one, ended by the partner, may then be replaced.
    w.run(
        &mut case,
        &mut ev,
        w.actor(Role::Mitra, false),
        CaseCommand::ServiceStep { service_id: open, step: step_of(K::Fail) },
    );
    w.run(&mut case, &mut ev, peksos, CaseCommand::ServiceStep { service_id: second, step: send(Some(open)) });
    assert_eq!(case.service(open).and_then(|s| s.replaced_by), Some(second));
}

#[test]
fn the_service_asked_for_is_one_the_partner_offers_when_the_network_is_given() {
    use lk3_core::partner::{Partner, PartnerDirectory};
    use lk3_core::validate::{Limits, validate_with};
    let (mut w, mut case, mut ev, id) =
        service_in(lk3_core::rules::RuleSetId::permensos_25_2017(), ServiceKind::Rujukan, ServiceState::Draf)
            .expect("a draft");
    w.run(
        &mut case,
        &mut ev,
        w.actor(Role::PekerjaSosial, false),
        CaseCommand::ServiceStep { service_id: id, step: send(None) },
    );
    let doc = serde_json::to_vec(&lk3_core::schema::CaseDocument::new(case, ev)).expect("json");
    let fixture =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/valid/partner-uptd-ppa.json"))
            .expect("a partner fixture");
    let mut partner: Partner = serde_json::from_str(&fixture).expect("a partner");
    partner.partner_id = common::services::partner();
    let offered = partner.services[0].service_id.clone();
    assert_ne!(offered, "bantuan-hukum");
    let network = PartnerDirectory::try_from_partners([partner.clone()]).expect("a network");
    let report = validate_with(&doc, None, &Limits::default(), Some(&network));
    let found: Vec<_> = report.errors().map(|f| (f.code.as_str(), f.pointer.as_str())).collect();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "LK3-E031");
    assert!(found[0].1.ends_with("/payload/step/request/service"), "{found:?}");
    // The partner offering that service: nothing to say.
    partner.services[0].service_id = "bantuan-hukum".to_owned();
    let network = PartnerDirectory::try_from_partners([partner]).expect("a network");
    assert!(validate_with(&doc, None, &Limits::default(), Some(&network)).valid);
}
