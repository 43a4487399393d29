//! Each requirement of the rule set refuses with its own code when it does
//! not hold, and lets the step through when it does.

mod common;

use common::World;
use lk3_core::case::{CaseCommand, CaseEvent, CommandProblem, PlanItem, Violation};
use lk3_core::ids::{ConsentId, IdSeed, PlanItemId};
use lk3_core::vocab::{Role, ServiceKind, Stage, TerminationReason};
use lk3_core::{ErrorCode, Lk3Error};

fn code_of(
    r: Result<Vec<lk3_core::case::CaseEventRecord>, lk3_core::case::CommandError>,
) -> ErrorCode {
    r.expect_err("expected a refusal").code()
}

#[test]
fn contract_needs_every_client_to_consent_and_a_guardian_for_a_child() {
    let mut w = World::new();
    let (mut case, mut ev) = w.case_at(Stage::PendekatanAwal);
    let peksos = w.actor(Role::PekerjaSosial, false);
    let ctx = w.ctx(peksos);
    let err = case
        .decide(&CaseCommand::AgreeContract {}, &ctx)
        .expect_err("no consent yet");
    assert_eq!(
        err.violation,
        Violation::ConsentRequired { client: w.adult }
    );

    let (adult, child) = (w.adult, w.child);
    let cmd = w.consent_command(adult, None);
    w.run(&mut case, &mut ev, peksos, cmd);
    let ctx = w.ctx(peksos);
    let err = case
        .decide(&CaseCommand::AgreeContract {}, &ctx)
        .expect_err("the child has not consented");
    assert_eq!(err.violation, Violation::ConsentRequired { client: child });

    let unguarded = w.consent_command(child, None);
    let ctx = w.ctx(peksos);
    let err = case
        .decide(&unguarded, &ctx)
        .expect_err("a child needs a guardian");
    assert_eq!(err.code(), ErrorCode::GuardianRequired);

    let cmd = w.consent_command(child, Some(adult));
    w.run(&mut case, &mut ev, peksos, cmd);
    let ctx = w.ctx(peksos);
    let events = case
        .execute(&CaseCommand::AgreeContract {}, &ctx)
        .expect("both consented");
    let CaseEvent::ContractAgreed { consents } = &events[0].payload else {
        panic!("wrong event")
    };
    assert_eq!(consents.len(), 2);
    assert_eq!(case.stage(), Some(Stage::Kontrak));
}

#[test]
fn a_withdrawn_consent_no_longer_counts() {
    let mut w = World::new();
    let (mut case, mut ev) = w.case_at(Stage::PendekatanAwal);
    let peksos = w.actor(Role::PekerjaSosial, false);
    let (adult, child) = (w.adult, w.child);
    for cmd in [
        w.consent_command(adult, None),
        w.consent_command(child, Some(adult)),
    ] {
        w.run(&mut case, &mut ev, peksos, cmd);
    }
    let adult_consent = case.consents()[0].consent.consent_id;
    w.run(
        &mut case,
        &mut ev,
        peksos,
        CaseCommand::WithdrawConsent {
            consent_id: adult_consent,
        },
    );
    assert!(case.consents()[0].withdrawn_at.is_some());
    let ctx = w.ctx(peksos);
    assert_eq!(
        case.decide(&CaseCommand::AgreeContract {}, &ctx)
            .expect_err("withdrawn")
            .violation,
        Violation::ConsentRequired { client: adult }
    );
    let ctx = w.ctx(peksos);
    let again = case
        .decide(
            &CaseCommand::WithdrawConsent {
                consent_id: adult_consent,
            },
            &ctx,
        )
        .expect_err("twice");
    assert_eq!(
        again.violation,
        Violation::InvalidCommand {
            problem: CommandProblem::ConsentAlreadyWithdrawn
        }
    );
    let ctx = w.ctx(peksos);
    let unknown = ConsentId::new_v7(w.now, IdSeed::new([0xAB; 10]));
    assert_eq!(
        code_of(case.decide(
            &CaseCommand::WithdrawConsent {
                consent_id: unknown
            },
            &ctx
        )),
        ErrorCode::UnknownReference
    );
}

#[test]
fn plan_approval_needs_a_proposal() {
    let mut w = World::new();
    let (case, _) = w.case_at(Stage::RencanaIntervensi);
    let ctx = w.ctx(w.actor(Role::Ketua, false));
    assert_eq!(
        code_of(case.decide(&CaseCommand::ApprovePlan {}, &ctx)),
        ErrorCode::PlanRequired
    );
}

#[test]
fn closure_needs_a_second_person() {
    let mut w = World::new();
    let (mut case, mut ev) = w.case_at(Stage::Evaluasi);
    let ketua = w.actor(Role::Ketua, false);
    w.run(
        &mut case,
        &mut ev,
        ketua,
        CaseCommand::Terminate {
            reason: TerminationReason::TujuanTercapai,
        },
    );
    let ctx = w.ctx(ketua);
    let err = case
        .decide(&CaseCommand::ApproveClosure {}, &ctx)
        .expect_err("same person");
    assert_eq!(err.code(), ErrorCode::SecondPersonRequired);
    let other = w.actor(Role::Ketua, true);
    assert_ne!(other.staff_id, ketua.staff_id);
    let pj = w.actor(Role::PenanggungJawab, false);
    w.run(
        &mut case.clone(),
        &mut ev.clone(),
        other,
        CaseCommand::ApproveClosure {},
    );
    w.run(&mut case, &mut ev, pj, CaseCommand::ApproveClosure {});
    let CaseEvent::ClosureApproved { terminated_by } = &ev.last().expect("event").payload else {
        panic!()
    };
    assert_eq!(*terminated_by, ketua.staff_id);
    assert_eq!(case.stage(), Some(Stage::Ditutup));
}

#[test]
fn evaluation_waits_for_every_planned_service() {
    let mut w = World::new();
    let (mut case, mut ev) = w.case_at(Stage::Intervensi);
    let peksos = w.actor(Role::PekerjaSosial, false);
    let items: Vec<PlanItemId> = case
        .planned_services()
        .iter()
        .map(|s| s.item.item_id)
        .collect();
    assert_eq!(items.len(), 2);
    let ctx = w.ctx(peksos);
    assert_eq!(
        case.decide(&CaseCommand::BeginEvaluation {}, &ctx)
            .expect_err("open")
            .violation,
        Violation::PlannedServicesOpen {
            open: items.clone()
        }
    );
    w.run(
        &mut case,
        &mut ev,
        peksos,
        CaseCommand::FinishPlannedService { item_id: items[0] },
    );
    let ctx = w.ctx(peksos);
    assert_eq!(
        case.decide(&CaseCommand::BeginEvaluation {}, &ctx)
            .expect_err("open")
            .violation,
        Violation::PlannedServicesOpen {
            open: vec![items[1]]
        }
    );
    let ctx = w.ctx(peksos);
    assert_eq!(
        code_of(case.decide(
            &CaseCommand::FinishPlannedService { item_id: items[0] },
            &ctx
        )),
        ErrorCode::PlannedServiceClosed
    );
    w.run(
        &mut case,
        &mut ev,
        peksos,
        CaseCommand::CancelPlannedService {
            item_id: items[1],
            reason: lk3_core::vocab::ServiceCancelReason::KlienMenolak,
        },
    );
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
            .decide(
                &CaseCommand::Terminate {
                    reason: TerminationReason::TujuanTercapai,
                },
                &ctx,
            )
            .expect_err("too early");
        assert_eq!(err.code(), ErrorCode::ReasonNotAllowed);
        let ctx = w.ctx(peksos);
        assert!(
            case.decide(
                &CaseCommand::Terminate {
                    reason: TerminationReason::KlienMengundurkanDiri
                },
                &ctx
            )
            .is_ok()
        );
    }
}

#[test]
fn time_cannot_run_backwards() {
    let mut w = World::new();
    let (case, _) = w.case_at(Stage::Kontrak);
    let mut ctx = w.ctx(w.actor(Role::PekerjaSosial, false));
    ctx.at = case.last_at().expect("has events") - chrono::Duration::seconds(1);
    assert_eq!(
        code_of(case.decide(&CaseCommand::StartAssessment {}, &ctx)),
        ErrorCode::TimeRunsBackwards
    );
    ctx.at = case.last_at().expect("has events");
    assert!(
        case.decide(&CaseCommand::StartAssessment {}, &ctx).is_ok(),
        "the same instant is allowed"
    );
}

#[test]
fn inconsistent_content_is_refused() {
    let mut w = World::new();
    let sek = w.actor(Role::Sekretaris, false);
    let peksos = w.actor(Role::PekerjaSosial, false);
    let (kontak, _) = w.case_at(Stage::Kontak);
    let ctx = w.ctx(sek);
    let no_clients = CaseCommand::Register {
        clients: vec![],
        problems: vec![],
    };
    assert_eq!(
        kontak.decide(&no_clients, &ctx).expect_err("").violation,
        Violation::InvalidCommand {
            problem: CommandProblem::NoClients
        }
    );
    let c = lk3_core::case::CaseClient {
        client_id: w.adult,
        minor: false,
    };
    let twice = CaseCommand::Register {
        clients: vec![c, c],
        problems: vec![],
    };
    assert_eq!(
        kontak.decide(&twice, &ctx).expect_err("").violation,
        Violation::InvalidCommand {
            problem: CommandProblem::DuplicateClient
        }
    );
    let ctx = w.ctx(peksos);
    let counselling = CaseCommand::ResolveOnSpot {
        service: ServiceKind::Konseling,
        problems: vec![],
    };
    assert_eq!(
        kontak.decide(&counselling, &ctx).expect_err("").violation,
        Violation::InvalidCommand {
            problem: CommandProblem::OnSpotService
        }
    );

    let (mut plan_stage, mut ev) = w.case_at(Stage::RencanaIntervensi);
    let ctx = w.ctx(peksos);
    assert_eq!(
        plan_stage
            .decide(&CaseCommand::ProposePlan { items: vec![] }, &ctx)
            .expect_err("")
            .violation,
        Violation::InvalidCommand {
            problem: CommandProblem::EmptyPlan
        }
    );
    let item = PlanItem {
        item_id: PlanItemId::new_v7(w.now, IdSeed::new([5; 10])),
        service: ServiceKind::Advokasi,
    };
    let dup = CaseCommand::ProposePlan {
        items: vec![item, item],
    };
    assert_eq!(
        plan_stage.decide(&dup, &ctx).expect_err("").violation,
        Violation::InvalidCommand {
            problem: CommandProblem::DuplicateId
        }
    );
    // A later proposal replaces an unapproved one and gets the next version.
    w.run(
        &mut plan_stage,
        &mut ev,
        peksos,
        CaseCommand::ProposePlan { items: vec![item] },
    );
    let second = w.plan_command();
    w.run(&mut plan_stage, &mut ev, peksos, second);
    assert_eq!(plan_stage.proposal().map(|p| p.plan_version), Some(2));

    let (asesmen, _) = w.case_at(Stage::Asesmen);
    let ctx = w.ctx(peksos);
    let none = CaseCommand::CompleteAssessment {
        problems: vec![],
        risk: lk3_core::case::RiskLevel::Rendah,
    };
    assert_eq!(
        asesmen.decide(&none, &ctx).expect_err("").violation,
        Violation::InvalidCommand {
            problem: CommandProblem::NoProblems
        }
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
        Violation::InvalidCommand {
            problem: CommandProblem::NoPurpose
        }
    );
    let ok = w.consent_command(adult, None);
    w.run(&mut reg, &mut ev, peksos, ok.clone());
    let ctx = w.ctx(peksos);
    assert_eq!(
        reg.decide(&ok, &ctx).expect_err("").violation,
        Violation::InvalidCommand {
            problem: CommandProblem::DuplicateId
        }
    );
    let stranger = w.consent_command(
        lk3_core::ids::ClientId::new_v7(w.now, IdSeed::new([3; 10])),
        None,
    );
    let ctx = w.ctx(peksos);
    assert_eq!(
        code_of(reg.decide(&stranger, &ctx)),
        ErrorCode::UnknownReference
    );
}

#[test]
fn emergency_referral_before_consent_is_an_audited_override() {
    let mut w = World::new();
    let peksos = w.actor(Role::PekerjaSosial, false);
    let (mut case, mut ev) = w.case_at(Stage::Kontak);
    let cmd = w.command(
        &case,
        lk3_core::case::CaseCommandKind::SendProtectiveReferral,
    );
    w.run(&mut case, &mut ev, peksos, cmd);
    let last = ev.last().expect("event");
    assert!(last.payload.is_audit_flagged());
    assert!(matches!(
        last.payload,
        CaseEvent::ProtectiveReferralSent {
            consent_override: true,
            ..
        }
    ));
    assert_eq!(
        case.stage(),
        Some(Stage::Kontak),
        "an emergency referral does not move the case"
    );
    assert_eq!(case.protective_referrals().len(), 1);

    // With consent to disclose from every client, it is not an override.
    let (mut case, mut ev) = w.case_at(Stage::Registrasi);
    for (subject, guardian) in [(w.adult, None), (w.child, Some(w.adult))] {
        let mut cmd = w.consent_command(subject, guardian);
        if let CaseCommand::RecordConsent { consent } = &mut cmd {
            consent
                .purposes
                .push(lk3_core::vocab::ConsentPurpose::PengungkapanKeMitra);
        }
        w.run(&mut case, &mut ev, peksos, cmd);
    }
    let cmd = w.command(
        &case,
        lk3_core::case::CaseCommandKind::SendProtectiveReferral,
    );
    w.run(&mut case, &mut ev, peksos, cmd);
    assert!(matches!(
        ev.last().expect("event").payload,
        CaseEvent::ProtectiveReferralSent {
            consent_override: false,
            ..
        }
    ));
}

#[test]
fn reopening_makes_the_client_continuing_but_a_relapse_does_not() {
    let mut w = World::new();
    let peksos = w.actor(Role::PekerjaSosial, false);
    let (mut closed, mut ev) = w.case_at(Stage::Ditutup);
    assert!(!closed.is_continuing());
    w.run(
        &mut closed,
        &mut ev,
        peksos,
        CaseCommand::Reopen {
            reason: lk3_core::vocab::ReopenReason::MasalahBaru,
        },
    );
    assert_eq!(closed.stage(), Some(Stage::Asesmen));
    assert!(closed.is_continuing());
    assert_eq!(closed.reopen_count(), 1);
    assert_eq!(closed.termination(), None);

    let (mut aftercare, mut ev) = w.case_at(Stage::BimbinganLanjut);
    w.run(
        &mut aftercare,
        &mut ev,
        peksos,
        CaseCommand::ReportRelapse {},
    );
    assert_eq!(aftercare.stage(), Some(Stage::Asesmen));
    assert!(!aftercare.is_continuing());
}

#[test]
fn every_refusal_speaks_both_languages_with_its_code() {
    let mut w = World::new();
    let (case, _) = w.case_at(Stage::Intervensi);
    let ctx = w.ctx(w.actor(Role::PekerjaSosial, false));
    let err = case
        .decide(&CaseCommand::BeginEvaluation {}, &ctx)
        .expect_err("open services");
    let (en, id) = (err.message_en(), err.message_id());
    assert!(
        en.starts_with("[LK3-E026] cannot `begin_evaluation` in stage `intervensi`"),
        "{en}"
    );
    assert!(
        id.starts_with("[LK3-E026] tidak dapat `begin_evaluation` pada tahap `intervensi`"),
        "{id}"
    );
    assert!(en.contains("allowed in this stage: ") && en.contains("finish_planned_service"));
    assert!(id.contains("yang diizinkan pada tahap ini: "));
    let json = serde_json::to_value(&err).expect("serialises");
    assert_eq!(json["violation"]["rule"], "planned_services_open");
    assert_eq!(json["stage"], "intervensi");
}
