//! Each requirement of the rule set refuses with its own code when it does
//! not hold, and lets the step through when it does.

use crate::common;

use common::World;
use lk3_core::Decider;
use lk3_core::case::{CaseCommand, CaseEvent, CommandProblem, PlanItem, Violation};
use lk3_core::ids::{ConsentId, IdSeed, ServiceId};
use lk3_core::service::ServiceState;
use lk3_core::vocab::{Role, ServiceKind, Stage, TerminationReason};
use lk3_core::{ErrorCode, Lk3Error};

fn code_of(r: Result<Vec<lk3_core::case::CaseEventRecord>, lk3_core::case::CommandError>) -> ErrorCode {
    r.expect_err("expected a refusal").code()
}

#[test]
fn contract_needs_every_client_to_consent_and_a_guardian_for_a_child() {
    let mut w = World::new();
    let (mut case, mut ev) = w.case_at(Stage::PendekatanAwal);
    let peksos = w.actor(Role::PekerjaSosial, false);
    let ctx = w.ctx(peksos);
    let err = case.decide(&CaseCommand::AgreeContract {}, &ctx).expect_err("no consent yet");
    assert_eq!(err.violation, Violation::ConsentRequired { client: w.adult });

    let (adult, child) = (w.adult, w.child);
    let cmd = w.consent_command(adult, None);
    w.run(&mut case, &mut ev, peksos, cmd);
    let ctx = w.ctx(peksos);
    let err = case.decide(&CaseCommand::AgreeContract {}, &ctx).expect_err("the child has not consented");
    assert_eq!(err.violation, Violation::ConsentRequired { client: child });

    let unguarded = w.consent_command(child, None);
    let ctx = w.ctx(peksos);
    let err = case.decide(&unguarded, &ctx).expect_err("a child needs a guardian");
    assert_eq!(err.code(), ErrorCode::GuardianRequired);

    let cmd = w.consent_command(child, Some(adult));
    w.run(&mut case, &mut ev, peksos, cmd);
    let ctx = w.ctx(peksos);
    let events = case.execute(&CaseCommand::AgreeContract {}, &ctx).expect("both consented");
    let CaseEvent::ContractAgreed { consents } = &events[0].payload else { panic!("wrong event") };
    assert_eq!(consents.len(), 2);
    assert_eq!(case.stage(), Some(Stage::Kontrak));
}

#[test]
fn a_withdrawn_consent_no_longer_counts() {
    let mut w = World::new();
    let (mut case, mut ev) = w.case_at(Stage::PendekatanAwal);
    let peksos = w.actor(Role::PekerjaSosial, false);
    let (adult, child) = (w.adult, w.child);
    for cmd in [w.consent_command(adult, None), w.consent_command(child, Some(adult))] {
        w.run(&mut case, &mut ev, peksos, cmd);
    }
    let adult_consent = case.consents()[0].consent.consent_id;
    w.run(&mut case, &mut ev, peksos, CaseCommand::WithdrawConsent { consent_id: adult_consent });
    assert!(case.consents()[0].withdrawn_at.is_some());
    let ctx = w.ctx(peksos);
    assert_eq!(
        case.decide(&CaseCommand::AgreeContract {}, &ctx).expect_err("withdrawn").violation,
        Violation::ConsentRequired { client: adult }
    );
    let ctx = w.ctx(peksos);
    let again = case.decide(&CaseCommand::WithdrawConsent { consent_id: adult_consent }, &ctx).expect_err("twice");
    assert_eq!(again.violation, Violation::InvalidCommand { problem: CommandProblem::ConsentAlreadyWithdrawn });
    let ctx = w.ctx(peksos);
    let unknown = ConsentId::new_v7(w.now, IdSeed::new([0xAB; 10]));
    assert_eq!(
        code_of(case.decide(&CaseCommand::WithdrawConsent { consent_id: unknown }, &ctx)),
        ErrorCode::UnknownReference
    );
}

#[test]
fn plan_approval_needs_a_proposal() {
    let mut w = World::new();
    let (case, _) = w.case_at(Stage::RencanaIntervensi);
    let ctx = w.ctx(w.actor(Role::Ketua, false));
    assert_eq!(code_of(case.decide(&CaseCommand::ApprovePlan { plan_version: 1 }, &ctx)), ErrorCode::PlanRequired);
}

#[test]
fn closure_needs_a_second_person() {
    let mut w = World::new();
    let (mut case, mut ev) = w.case_at(Stage::Evaluasi);
    let ketua = w.actor(Role::Ketua, false);
    w.run(&mut case, &mut ev, ketua, CaseCommand::Terminate { reason: TerminationReason::TujuanTercapai });
    let ctx = w.ctx(ketua);
    let err = case.decide(&CaseCommand::ApproveClosure {}, &ctx).expect_err("same person");
    assert_eq!(err.code(), ErrorCode::SecondPersonRequired);
    let other = w.actor(Role::Ketua, true);
    assert_ne!(other.staff_id, ketua.staff_id);
    let pj = w.actor(Role::PenanggungJawab, false);
    w.run(&mut case.clone(), &mut ev.clone(), other, CaseCommand::ApproveClosure {});
    w.run(&mut case, &mut ev, pj, CaseCommand::ApproveClosure {});
    let CaseEvent::ClosureApproved { terminated_by } = &ev.last().expect("event").payload else { panic!() };
    assert_eq!(*terminated_by, ketua.staff_id);
    assert_eq!(case.stage(), Some(Stage::Ditutup));
}

#[test]
fn evaluation_waits_for_every_planned_service() {
    use lk3_core::service::ServiceCommand;
    let mut w = World::new();
    let (mut case, mut ev) = w.case_at(Stage::Intervensi);
    let peksos = w.actor(Role::PekerjaSosial, false);
    let konselor = w.actor(Role::Konselor, false);
    let ids: Vec<ServiceId> = case.planned_services().map(|s| s.service_id).collect();
    assert_eq!(ids.len(), 2, "konseling and advokasi opened on approval");
    let ctx = w.ctx(peksos);
    assert_eq!(
        case.decide(&CaseCommand::BeginEvaluation {}, &ctx).expect_err("open").violation,
        Violation::PlannedServicesOpen { open: ids.clone() }
    );
    // Counselling: completing before a session is refused by the service's machine.
    let complete = CaseCommand::ServiceStep { service_id: ids[0], step: ServiceCommand::Complete { feedback: None } };
    let ctx = w.ctx(konselor);
    assert_eq!(code_of(case.decide(&complete, &ctx)), ErrorCode::ServiceStepNotAllowed);
    for step in
        [ServiceCommand::HoldSession {}, ServiceCommand::HoldSession {}, ServiceCommand::Complete { feedback: None }]
    {
        w.run(&mut case, &mut ev, konselor, CaseCommand::ServiceStep { service_id: ids[0], step });
    }
    assert_eq!(case.service(ids[0]).map(|s| (s.state, s.sessions)), Some((ServiceState::Selesai, 2)));
    let ctx = w.ctx(peksos);
    assert_eq!(
        case.decide(&CaseCommand::BeginEvaluation {}, &ctx).expect_err("open").violation,
        Violation::PlannedServicesOpen { open: vec![ids[1]] }
    );
    // A closed service takes no more steps.
    let ctx = w.ctx(konselor);
    let again = CaseCommand::ServiceStep { service_id: ids[0], step: ServiceCommand::HoldSession {} };
    assert_eq!(code_of(case.decide(&again, &ctx)), ErrorCode::ServiceStepNotAllowed);
    // Advocacy stopped with a reason also counts as an end.
    let stop = ServiceCommand::Stop { reason: lk3_core::vocab::ServiceReason::KlienMenolak };
    w.run(&mut case, &mut ev, peksos, CaseCommand::ServiceStep { service_id: ids[1], step: stop });
    w.run(&mut case, &mut ev, peksos, CaseCommand::BeginEvaluation {});
    assert_eq!(case.stage(), Some(Stage::Evaluasi));
}

#[test]
fn goals_met_only_after_evaluation() {
    let mut w = World::new();
    let peksos = w.actor(Role::PekerjaSosial, false);
    for stage in [Stage::Kontak, Stage::Asesmen, Stage::Intervensi] {
        let (case, _) = w.case_at(stage);
        let ctx = w.ctx(peksos);
        let err = case
            .decide(&CaseCommand::Terminate { reason: TerminationReason::TujuanTercapai }, &ctx)
            .expect_err("too early");
        assert_eq!(err.code(), ErrorCode::ReasonNotAllowed);
        let ctx = w.ctx(peksos);
        assert!(
            case.decide(&CaseCommand::Terminate { reason: TerminationReason::KlienMengundurkanDiri }, &ctx).is_ok()
        );
    }
}

#[test]
fn time_cannot_run_backwards() {
    let mut w = World::new();
    let (case, _) = w.case_at(Stage::Kontrak);
    let mut ctx = w.ctx(w.actor(Role::PekerjaSosial, false));
    ctx.at = case.last_at().expect("has events") - chrono::Duration::seconds(1);
    assert_eq!(code_of(case.decide(&CaseCommand::StartAssessment {}, &ctx)), ErrorCode::TimeRunsBackwards);
    ctx.at = case.last_at().expect("has events");
    assert!(case.decide(&CaseCommand::StartAssessment {}, &ctx).is_ok(), "the same instant is allowed");
}

#[test]
fn inconsistent_content_is_refused() {
    let mut w = World::new();
    let sek = w.actor(Role::Sekretaris, false);
    let peksos = w.actor(Role::PekerjaSosial, false);
    let (kontak, _) = w.case_at(Stage::Kontak);
    let ctx = w.ctx(sek);
    let no_clients = CaseCommand::Register { clients: vec![], problems: vec![] };
    assert_eq!(
        kontak.decide(&no_clients, &ctx).expect_err("").violation,
        Violation::InvalidCommand { problem: CommandProblem::NoClients }
    );
    let c = lk3_core::case::CaseClient { client_id: w.adult, minor: false, role: None };
    let twice = CaseCommand::Register { clients: vec![c, c], problems: vec![] };
    assert_eq!(
        kontak.decide(&twice, &ctx).expect_err("").violation,
        Violation::InvalidCommand { problem: CommandProblem::DuplicateClient }
    );
    let ctx = w.ctx(peksos);
    let counselling =
        CaseCommand::ResolveOnSpot { service: ServiceKind::Konseling, problems: vec![], participants: vec![] };
    assert_eq!(
        kontak.decide(&counselling, &ctx).expect_err("").violation,
        Violation::InvalidCommand { problem: CommandProblem::OnSpotService }
    );

    let (mut plan_stage, mut ev) = w.case_at(Stage::RencanaIntervensi);
    let ctx = w.ctx(peksos);
    assert_eq!(
        plan_stage.decide(&CaseCommand::ProposePlan { items: vec![] }, &ctx).expect_err("").violation,
        Violation::InvalidCommand { problem: CommandProblem::EmptyPlan }
    );
    let item = PlanItem {
        partner_id: None,
        service: ServiceKind::Advokasi,
        service_id: ServiceId::new_v7(w.now, IdSeed::new([5; 10])),
    };
    let dup = CaseCommand::ProposePlan { items: vec![item, item] };
    assert_eq!(
        plan_stage.decide(&dup, &ctx).expect_err("").violation,
        Violation::InvalidCommand { problem: CommandProblem::DuplicateId }
    );
    // A later proposal replaces an unapproved one and gets the next version.
    w.run(&mut plan_stage, &mut ev, peksos, CaseCommand::ProposePlan { items: vec![item] });
    let second = w.plan_command();
    w.run(&mut plan_stage, &mut ev, peksos, second);
    assert_eq!(plan_stage.proposal().map(|p| p.plan_version), Some(2));

    let (asesmen, _) = w.case_at(Stage::Asesmen);
    let ctx = w.ctx(peksos);
    let none = CaseCommand::CompleteAssessment { problems: vec![], risk: lk3_core::case::RiskLevel::Rendah };
    assert_eq!(
        asesmen.decide(&none, &ctx).expect_err("").violation,
        Violation::InvalidCommand { problem: CommandProblem::NoProblems }
    );

    let (mut reg, mut ev) = w.case_at(Stage::Registrasi);
    let adult = w.adult;
    let mut cmd = w.consent_command(adult, None);
    if let CaseCommand::RecordConsent { consent } = &mut cmd {
        consent.purposes.clear();
    }
    let ctx = w.ctx(peksos);
    assert_eq!(
        reg.decide(&cmd, &ctx).expect_err("").violation,
        Violation::InvalidCommand { problem: CommandProblem::NoPurpose }
    );
    let ok = w.consent_command(adult, None);
    w.run(&mut reg, &mut ev, peksos, ok.clone());
    let ctx = w.ctx(peksos);
    assert_eq!(
        reg.decide(&ok, &ctx).expect_err("").violation,
        Violation::InvalidCommand { problem: CommandProblem::DuplicateId }
    );
    let stranger = w.consent_command(lk3_core::ids::ClientId::new_v7(w.now, IdSeed::new([3; 10])), None);
    let ctx = w.ctx(peksos);
    assert_eq!(code_of(reg.decide(&stranger, &ctx)), ErrorCode::UnknownReference);
}

#[test]
fn emergency_referral_before_consent_is_an_audited_override() {
    let mut w = World::new();
    let peksos = w.actor(Role::PekerjaSosial, false);
    let (mut case, mut ev) = w.case_at(Stage::Kontak);
    let cmd = w.command(&case, lk3_core::case::CaseCommandKind::SendProtectiveReferral);
    w.run(&mut case, &mut ev, peksos, cmd);
    let last = ev.last().expect("event");
    assert!(last.payload.is_audit_flagged());
    assert!(matches!(last.payload, CaseEvent::ProtectiveReferralSent { consent_override: true, .. }));
    assert_eq!(case.stage(), Some(Stage::Kontak), "an emergency referral does not move the case");
    assert_eq!(case.protective_referrals().len(), 1);

    // Consent naming the partner: a_protective_referral_overrides_unless_consent_names_that_partner.
}

#[test]
fn reopening_makes_the_client_continuing_but_a_relapse_does_not() {
    let mut w = World::new();
    let peksos = w.actor(Role::PekerjaSosial, false);
    let (mut closed, mut ev) = w.case_at(Stage::Ditutup);
    assert!(!closed.is_continuing());
    w.run(&mut closed, &mut ev, peksos, CaseCommand::Reopen { reason: lk3_core::vocab::ReopenReason::MasalahBaru });
    assert_eq!(closed.stage(), Some(Stage::Asesmen));
    assert!(closed.is_continuing());
    assert_eq!(closed.reopen_count(), 1);
    assert_eq!(closed.termination(), None);

    let (mut aftercare, mut ev) = w.case_at(Stage::BimbinganLanjut);
    w.run(&mut aftercare, &mut ev, peksos, CaseCommand::ReportRelapse {});
    assert_eq!(aftercare.stage(), Some(Stage::Asesmen));
    assert!(!aftercare.is_continuing());
}

#[test]
fn every_refusal_speaks_both_languages_with_its_code() {
    let mut w = World::new();
    let (case, _) = w.case_at(Stage::Intervensi);
    let ctx = w.ctx(w.actor(Role::PekerjaSosial, false));
    let err = case.decide(&CaseCommand::BeginEvaluation {}, &ctx).expect_err("open services");
    let (en, id) = (err.message_en(), err.message_id());
    assert!(en.starts_with("[LK3-E026] cannot `begin_evaluation` in stage `intervensi`"), "{en}");
    assert!(id.starts_with("[LK3-E026] tidak dapat `begin_evaluation` pada tahap `intervensi`"), "{id}");
    assert!(en.contains("allowed in this stage: ") && en.contains("service_step"));
    assert!(id.contains("yang diizinkan pada tahap ini: "));
    let json = serde_json::to_value(&err).expect("serialises");
    assert_eq!(json["violation"]["rule"], "planned_services_open");
    assert_eq!(json["stage"], "intervensi");
}

#[test]
fn only_a_served_case_with_consent_in_force_can_be_reopened() {
    let mut w = World::new();
    let peksos = w.actor(Role::PekerjaSosial, false);
    let reopen = CaseCommand::Reopen { reason: lk3_core::vocab::ReopenReason::PermintaanKlien };
    // Declined before any service.
    let (mut declined, mut ev) = w.case_at(Stage::PendekatanAwal);
    w.run(
        &mut declined,
        &mut ev,
        peksos,
        CaseCommand::DeclineService { reason: lk3_core::vocab::RefusalReason::KlienMenolak },
    );
    let ctx = w.ctx(peksos);
    assert_eq!(code_of(declined.decide(&reopen, &ctx)), ErrorCode::NotReopenable);
    // Resolved on the spot: no clients, no consent, never served.
    let (mut on_spot, mut ev) = w.case_at(Stage::Kontak);
    let cmd = w.command(&on_spot, lk3_core::case::CaseCommandKind::ResolveOnSpot);
    w.run(&mut on_spot, &mut ev, peksos, cmd);
    let ctx = w.ctx(peksos);
    assert_eq!(code_of(on_spot.decide(&reopen, &ctx)), ErrorCode::NotReopenable);
    // Served and closed, but the consent was withdrawn: a new consent first.
    let (mut closed, mut ev) = w.case_at(Stage::Ditutup);
    let adult_consent = closed.consents()[0].consent.consent_id;
    w.run(&mut closed, &mut ev, peksos, CaseCommand::WithdrawConsent { consent_id: adult_consent });
    let ctx = w.ctx(peksos);
    assert_eq!(code_of(closed.decide(&reopen, &ctx)), ErrorCode::ConsentRequired);
    let adult = w.adult;
    let fresh = w.consent_command(adult, None);
    w.run(&mut closed, &mut ev, peksos, fresh);
    w.run(&mut closed, &mut ev, peksos, reopen);
    assert_eq!(closed.stage(), Some(Stage::Asesmen));
}

#[test]
fn withdrawing_consent_after_the_contract_stops_the_work_but_not_termination() {
    let mut w = World::new();
    let peksos = w.actor(Role::PekerjaSosial, false);
    let (mut case, mut ev) = w.case_at(Stage::Kontrak);
    let consent_id = case.consents()[1].consent.consent_id;
    w.run(&mut case, &mut ev, peksos, CaseCommand::WithdrawConsent { consent_id });
    let ctx = w.ctx(peksos);
    assert_eq!(
        case.decide(&CaseCommand::StartAssessment {}, &ctx).expect_err("withdrawn").violation,
        Violation::ConsentRequired { client: w.child }
    );
    let ctx = w.ctx(peksos);
    assert!(case.decide(&CaseCommand::Terminate { reason: TerminationReason::KlienMengundurkanDiri }, &ctx).is_ok());
}

#[test]
fn a_child_cannot_be_their_own_guardian_nor_another_childs() {
    let mut w = World::new();
    let peksos = w.actor(Role::PekerjaSosial, false);
    let (case, _) = w.case_at(Stage::PendekatanAwal);
    let child = w.child;
    let own = w.consent_command(child, Some(child));
    let ctx = w.ctx(peksos);
    assert_eq!(code_of(case.decide(&own, &ctx)), ErrorCode::GuardianRequired);
    // A second child registered in the case cannot stand as guardian either.
    let mut w2 = World::new();
    let (mut reg, mut ev) = w2.case_at(Stage::Kontak);
    let sibling = lk3_core::ids::ClientId::new_v7(w2.now, IdSeed::new([0x51; 10]));
    let clients = vec![
        lk3_core::case::CaseClient { client_id: w2.child, minor: true, role: None },
        lk3_core::case::CaseClient { client_id: sibling, minor: true, role: None },
    ];
    w2.run(&mut reg, &mut ev, w2.actor(Role::Sekretaris, false), CaseCommand::Register { clients, problems: vec![] });
    let by_sibling = w2.consent_command(w2.child, Some(sibling));
    let ctx = w2.ctx(peksos);
    assert_eq!(code_of(reg.decide(&by_sibling, &ctx)), ErrorCode::GuardianRequired);
}

#[test]
fn a_protective_referral_overrides_unless_consent_names_that_partner() {
    use lk3_core::ids::PartnerId;
    let mut w = World::new();
    let peksos = w.actor(Role::PekerjaSosial, false);
    let (uppa, lbh) =
        (PartnerId::new_v7(w.now, IdSeed::new([0x61; 10])), PartnerId::new_v7(w.now, IdSeed::new([0x62; 10])));
    let (mut case, mut ev) = w.case_at(Stage::Registrasi);
    for (subject, guardian) in [(w.adult, None), (w.child, Some(w.adult))] {
        let mut cmd = w.consent_command(subject, guardian);
        if let CaseCommand::RecordConsent { consent } = &mut cmd {
            consent.purposes.push(lk3_core::vocab::ConsentPurpose::PengungkapanKeMitra);
            consent.disclose_to.push(lbh);
        }
        w.run(&mut case, &mut ev, peksos, cmd);
    }
    let referral = |w: &mut World, partner_id| CaseCommand::SendProtectiveReferral {
        referral_id: lk3_core::ids::ReferralId::new_v7(w.now, w.fresh_seed()),
        partner: lk3_core::vocab::ProtectivePartner::PolisiUppa,
        partner_id,
        reason: lk3_core::vocab::EmergencyReason::KekerasanBerlanjut,
    };
    for (partner_id, overrides) in [(Some(uppa), true), (None, true), (Some(lbh), false)] {
        let cmd = referral(&mut w, partner_id);
        w.run(&mut case, &mut ev, peksos, cmd);
        let CaseEvent::ProtectiveReferralSent { consent_override, .. } = ev.last().expect("event").payload else {
            panic!()
        };
        assert_eq!(consent_override, overrides, "{partner_id:?}");
    }
    let again = CaseCommand::SendProtectiveReferral {
        referral_id: case.protective_referrals()[0].referral_id,
        partner: lk3_core::vocab::ProtectivePartner::RumahSakit,
        partner_id: None,
        reason: lk3_core::vocab::EmergencyReason::CederaPerluMedis,
    };
    let ctx = w.ctx(peksos);
    assert_eq!(
        case.decide(&again, &ctx).expect_err("same id").violation,
        Violation::InvalidCommand { problem: CommandProblem::DuplicateId }
    );
}

#[test]
fn the_ketua_approves_the_version_reviewed() {
    let mut w = World::new();
    let (mut case, mut ev) = w.case_at(Stage::RencanaIntervensi);
    let peksos = w.actor(Role::PekerjaSosial, false);
    let first = w.plan_command();
    w.run(&mut case, &mut ev, peksos, first);
    let second = w.plan_command();
    w.run(&mut case, &mut ev, peksos, second);
    let ctx = w.ctx(w.actor(Role::Ketua, false));
    let stale = case.decide(&CaseCommand::ApprovePlan { plan_version: 1 }, &ctx).expect_err("changed since");
    assert_eq!(stale.violation, Violation::InvalidCommand { problem: CommandProblem::PlanVersionMismatch });
    assert!(case.decide(&CaseCommand::ApprovePlan { plan_version: 2 }, &ctx).is_ok());
}

#[test]
fn forged_counters_are_an_error_not_a_panic() {
    let mut w = World::new();
    let (_, mut events) = w.case_at(Stage::RencanaIntervensi);
    let peksos = w.actor(Role::PekerjaSosial, false);
    // Someone forges (and reseals) a plan with the largest version.
    let last = events.last().expect("events").clone();
    let mut forged = last.clone();
    forged.seq += 1;
    forged.prev_hash = last.hash;
    forged.actor = peksos;
    forged.payload = CaseEvent::PlanProposed { plan_version: u32::MAX, items: vec![] };
    let forged = forged.seal().expect("seals");
    events.push(forged);
    // Replay re-decides the forged event and refuses it (an empty plan)...
    let refused = lk3_core::case::Case::replay(&events).expect_err("re-decided");
    assert_eq!(refused.code(), ErrorCode::InvalidCommand, "{refused}");
    // ...and a fold that trusts it still cannot be pushed past the counter.
    let case = lk3_core::case::Case::from_events(&events);
    let cmd = w.plan_command();
    let ctx = w.ctx(peksos);
    assert_eq!(
        case.decide(&cmd, &ctx).expect_err("exhausted").violation,
        Violation::InvalidCommand { problem: CommandProblem::CounterExhausted }
    );
}

#[test]
fn assessing_needs_the_assessment_purpose_in_force() {
    let mut w = World::new();
    let peksos = w.actor(Role::PekerjaSosial, false);
    let (mut case, mut ev) = w.case_at(Stage::PendekatanAwal);
    // Consent to services only: the contract can be made, the assessment cannot start.
    for (subject, guardian) in [(w.adult, None), (w.child, Some(w.adult))] {
        let mut cmd = w.consent_command(subject, guardian);
        if let CaseCommand::RecordConsent { consent } = &mut cmd {
            consent.purposes.retain(|p| *p == lk3_core::vocab::ConsentPurpose::Layanan);
        }
        w.run(&mut case, &mut ev, peksos, cmd);
    }
    w.run(&mut case, &mut ev, peksos, CaseCommand::AgreeContract {});
    let ctx = w.ctx(peksos);
    assert_eq!(
        case.decide(&CaseCommand::StartAssessment {}, &ctx).expect_err("no asesmen").violation,
        Violation::ConsentRequired { client: w.adult }
    );
}
