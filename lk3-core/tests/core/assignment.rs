//! Handing a case to another worker: the ketua reassigns it with a reason,
//! in every stage from engagement to aftercare, and the fold follows.

use crate::common;

use common::World;
use lk3_core::case::{Case, CaseCommand, CaseCommandKind as K, CaseEvent};
use lk3_core::rules::RuleSetId;
use lk3_core::vocab::{AssignmentReason, Role, Stage};
use lk3_core::{Decider, ErrorCode, Labelled, Lk3Error};

/// Every stage with a worker in charge and not closed, by the table: the
/// ketua and the penanggung jawab reassign; anyone else is refused.
#[test]
fn every_row_reassigns_and_the_fold_names_the_new_worker() {
    for rule_set in RuleSetId::all() {
        let rows: Vec<_> =
            rule_set.rules().transitions().iter().filter(|t| t.command == K::AssignWorker).cloned().collect();
        let stages: Vec<Stage> = rows.iter().filter_map(|t| t.from).collect();
        let expected: Vec<Stage> = Stage::ALL
            .iter()
            .copied()
            .filter(|s| !matches!(s, Stage::Kontak | Stage::Registrasi | Stage::Ditutup))
            .collect();
        assert_eq!(stages, expected, "{rule_set}");
        for row in rows {
            let stage = row.from.expect("an in-stage row");
            let mut w = World::new().under(rule_set);
            let (case, _) = w.case_at(stage);
            let before = case.worker().expect("a worker in charge");
            let cmd = w.command(&case, K::AssignWorker);
            for role in Role::ALL.iter().copied() {
                let ctx = w.ctx(w.actor(role, true));
                match case.decide(&cmd, &ctx) {
                    Ok(events) => {
                        assert!(row.roles.contains(&role), "{stage} {role}");
                        let CaseEvent::WorkerAssigned { worker, previous, reason } = events[0].payload else {
                            panic!("a worker_assigned event");
                        };
                        assert_eq!((previous, reason), (before, AssignmentReason::BebanKerja));
                        let mut after = case.clone();
                        after.apply(&events[0]);
                        assert_eq!(after.worker(), Some(worker));
                        assert_ne!(worker, before);
                        assert_eq!(after.stage(), case.stage(), "a reassignment does not move the case");
                    }
                    Err(e) => {
                        assert!(!row.roles.contains(&role), "{stage} {role}: {e}");
                        assert_eq!(e.code(), ErrorCode::RoleNotAllowed);
                    }
                }
            }
        }
    }
}

#[test]
fn no_reassignment_before_engagement_after_closure_or_to_the_same_worker() {
    let mut w = World::new();
    for stage in [Stage::Kontak, Stage::Registrasi, Stage::Ditutup] {
        let (case, _) = w.case_at(stage);
        let cmd = CaseCommand::AssignWorker {
            worker: w.actor(Role::PekerjaSosial, true).staff_id,
            reason: AssignmentReason::Cuti,
        };
        let ctx = w.ctx(w.actor(Role::Ketua, true));
        let e = case.decide(&cmd, &ctx).expect_err("no row");
        assert_eq!(e.code(), ErrorCode::TransitionNotAllowed, "{stage}");
    }
    let (case, _) = w.case_at(Stage::Intervensi);
    let same = CaseCommand::AssignWorker {
        worker: case.worker().expect("a worker"),
        reason: AssignmentReason::PermintaanKlien,
    };
    let ctx = w.ctx(w.actor(Role::Ketua, true));
    let e = case.decide(&same, &ctx).expect_err("already hers");
    assert_eq!(e.code(), ErrorCode::InvalidCommand);
    assert!(e.message_en().contains("already this worker's"), "{e}");
}

#[test]
fn a_forged_previous_worker_is_not_what_the_command_decides() {
    let mut w = World::new();
    let (mut case, mut events) = w.case_at(Stage::Asesmen);
    let cmd = w.command(&case, K::AssignWorker);
    let ketua = w.actor(Role::Ketua, true);
    w.run(&mut case, &mut events, ketua, cmd);
    assert!(Case::replay(&events).is_ok());
    let last = events.len() - 1;
    if let CaseEvent::WorkerAssigned { previous, .. } = &mut events[last].payload {
        *previous = w.actor(Role::Ketua, false).staff_id;
    }
    // Resealed: only the derived field is wrong.
    let prev = events[last - 1].hash;
    events[last].prev_hash = prev;
    events[last] = events[last].clone().seal().expect("seals");
    let e = Case::replay(&events).expect_err("a derived field forged");
    assert_eq!(e.code(), ErrorCode::EventNotDerived, "{e}");
}
