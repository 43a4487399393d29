//! Transferring a case to another LK3 unit: the holding unit's ketua asks,
//! the receiving unit's ketua accepts (naming the worker) or refuses with a
//! reason; staff who name their unit act only on what their unit holds.
//! Generated from the table's rows, for every rule set.

use crate::common;

use common::World;
use lk3_core::case::{Case, CaseCommand, CaseCommandKind as K, CaseEvent, TransferState};
use lk3_core::event::Actor;
use lk3_core::ids::UnitCode;
use lk3_core::rules::RuleSetId;
use lk3_core::vocab::{Role, Stage, TransferReason, TransferRefusal};
use lk3_core::{Decider, ErrorCode, Labelled, Lk3Error};

fn unit(code: &str) -> UnitCode {
    code.parse().expect("a unit code")
}

/// The stages a row of `kind` starts from, by the table.
fn stages_of(rule_set: RuleSetId, kind: K) -> Vec<Stage> {
    rule_set.rules().transitions().iter().filter(|t| t.command == kind).filter_map(|t| t.from).collect()
}

/// Every row of the three commands: the same span as a reassignment (a
/// worker in charge, not closed), the stage never moved, the row's roles
/// the only ones that may, and the units as the transfer says.
#[test]
fn every_row_transfers_accepts_and_refuses_by_the_table() {
    for rule_set in RuleSetId::all() {
        let span = stages_of(rule_set, K::AssignWorker);
        for kind in [K::TransferCase, K::AcceptTransfer, K::RefuseTransfer] {
            assert_eq!(stages_of(rule_set, kind), span, "{rule_set} {kind}");
        }
        for row in rule_set
            .rules()
            .transitions()
            .iter()
            .filter(|t| matches!(t.command, K::TransferCase | K::AcceptTransfer | K::RefuseTransfer))
        {
            let stage = row.from.expect("an in-stage row");
            let mut w = World::new().under(rule_set);
            let (mut case, mut events) = w.case_at(stage);
            w.prepare(&mut case, &mut events, row.command);
            let home = unit(w.unit);
            let target = unit("64.72");
            let cmd = w.command(&case, row.command);
            // The acting unit: the holder to send, the receiving unit to answer.
            let acting = if row.command == K::TransferCase { home } else { target };
            for role in Role::ALL.iter().copied() {
                let actor = w.actor(role, true);
                let actor = if role == Role::Mitra { actor } else { actor.of_unit(acting) };
                let ctx = w.ctx(actor);
                match case.decide(&cmd, &ctx) {
                    Ok(new) => {
                        assert!(row.roles.contains(&role), "{rule_set} {stage} {} {role}", row.command);
                        let mut after = case.clone();
                        after.apply(&new[0]);
                        assert_eq!(after.stage(), case.stage(), "a transfer does not move the case");
                        let last = *after.transfers().last().expect("a transfer");
                        assert_eq!((last.from_unit, last.to_unit), (home, target));
                        match (&new[0].payload, row.command) {
                            (CaseEvent::TransferRequested { from_unit, reason, .. }, K::TransferCase) => {
                                assert_eq!((*from_unit, *reason), (home, TransferReason::KlienPindahDomisili));
                                assert_eq!(after.pending_transfer(), Some(&last));
                                assert_eq!(after.holding_unit(), Some(home));
                            }
                            (CaseEvent::TransferAccepted { worker, previous, .. }, K::AcceptTransfer) => {
                                assert_eq!(*previous, case.worker());
                                assert_eq!(after.worker(), Some(*worker));
                                assert_eq!(last.state, TransferState::Diterima);
                                assert_eq!(after.holding_unit(), Some(target));
                                assert_eq!(after.unit(), Some(&home), "the history stays where it was opened");
                            }
                            (CaseEvent::TransferRefused { reason, .. }, K::RefuseTransfer) => {
                                assert_eq!(last.refusal, Some(*reason));
                                assert_eq!(last.state, TransferState::Ditolak);
                                assert_eq!(after.holding_unit(), Some(home));
                                assert_eq!(after.worker(), case.worker());
                            }
                            (other, kind) => panic!("{kind} recorded {}", other.type_name()),
                        }
                        assert!(Case::replay(&[events.clone(), new].concat()).is_ok());
                    }
                    Err(e) if role == Role::Mitra && row.roles.contains(&role) => {
                        assert_eq!(e.code(), ErrorCode::UnitMismatch, "{e}");
                    }
                    Err(e) => {
                        assert!(!row.roles.contains(&role), "{rule_set} {stage} {} {role}: {e}", row.command);
                        assert_eq!(e.code(), ErrorCode::RoleNotAllowed);
                    }
                }
            }
            // The other unit's ketua, and one naming no unit where a unit must act.
            let ketua = w.actor(Role::Ketua, true);
            let other = if acting == home { target } else { home };
            let e = case.decide(&cmd, &w.ctx(ketua.of_unit(other))).expect_err("another unit's ketua");
            assert_eq!(e.code(), ErrorCode::UnitMismatch, "{e}");
            assert!(e.message_en().contains(&acting.to_string()), "{e}");
            let unnamed = case.decide(&cmd, &w.ctx(ketua));
            assert_eq!(unnamed.is_ok(), row.command == K::TransferCase, "{}", row.command);
        }
    }
}

/// After an acceptance, the sending unit's staff no longer act on the case
/// and the receiving unit's do; the case can go back the same way.
#[test]
fn the_receiving_unit_holds_the_case_after_acceptance() {
    let mut w = World::new();
    let (mut case, mut events) = w.case_at(Stage::Intervensi);
    let (home, target) = (unit(w.unit), unit("64.72"));
    let ketua = w.actor(Role::Ketua, false);
    let cmd = w.command(&case, K::TransferCase);
    w.run(&mut case, &mut events, ketua.of_unit(home), cmd);
    let accept = w.command(&case, K::AcceptTransfer);
    w.run(&mut case, &mut events, ketua.of_unit(target), accept);
    let reassign = w.command(&case, K::AssignWorker);
    let e = case.decide(&reassign, &w.ctx(ketua.of_unit(home))).expect_err("the sending unit let it go");
    assert_eq!(e.code(), ErrorCode::UnitMismatch);
    assert!(case.decide(&reassign, &w.ctx(ketua.of_unit(target))).is_ok());
    // Back home: the receiving unit now sends, the first unit answers.
    let back = w.command(&case, K::TransferCase);
    assert_eq!(back, CaseCommand::TransferCase { to_unit: home, reason: TransferReason::KlienPindahDomisili });
    w.run(&mut case, &mut events, ketua.of_unit(target), back);
    let accept = w.command(&case, K::AcceptTransfer);
    w.run(&mut case, &mut events, ketua.of_unit(home), accept);
    assert_eq!(case.holding_unit(), Some(home));
    assert_eq!(case.transfers().len(), 2);
    assert_eq!(Case::replay(&events).expect("replays"), case);
}

#[test]
fn one_transfer_at_a_time_never_to_the_holder_and_no_answer_without_one() {
    let mut w = World::new();
    let (mut case, mut events) = w.case_at(Stage::Asesmen);
    let ketua = w.actor(Role::Ketua, false);
    let home = unit(w.unit);
    let to_self = CaseCommand::TransferCase { to_unit: home, reason: TransferReason::Lainnya };
    let e = case.decide(&to_self, &w.ctx(ketua)).expect_err("to itself");
    assert!(e.message_en().contains("already this unit's"), "{e}");
    for answer in [
        CaseCommand::AcceptTransfer { worker: ketua.staff_id },
        CaseCommand::RefuseTransfer { reason: TransferRefusal::DiLuarWilayah },
    ] {
        let e = case.decide(&answer, &w.ctx(ketua.of_unit(unit("64.72")))).expect_err("nothing to answer");
        assert_eq!(e.code(), ErrorCode::InvalidCommand);
        assert!(e.message_en().contains("no transfer of the case awaits"), "{e}");
    }
    let cmd = w.command(&case, K::TransferCase);
    w.run(&mut case, &mut events, ketua, cmd);
    let again = CaseCommand::TransferCase { to_unit: unit("64.71"), reason: TransferReason::LayananKhusus };
    let e = case.decide(&again, &w.ctx(ketua)).expect_err("one pending");
    assert!(e.message_en().contains("awaits the receiving unit's answer"), "{e}");
    // Refused, the case may be sent elsewhere.
    let refuse = w.command(&case, K::RefuseTransfer);
    w.run(&mut case, &mut events, ketua.of_unit(unit("64.72")), refuse);
    assert!(case.pending_transfer().is_none());
    assert!(case.decide(&again, &w.ctx(ketua)).is_ok());
    assert_eq!(e.code(), ErrorCode::InvalidCommand);
}

/// The units an event records are the case's, not the writer's: a forged
/// one, re-sealed, is not what the command decides.
#[test]
fn forged_units_are_not_what_the_command_decides() {
    let mut w = World::new();
    let (mut case, mut events) = w.case_at(Stage::Kontrak);
    let ketua = w.actor(Role::Ketua, false);
    let cmd = w.command(&case, K::TransferCase);
    w.run(&mut case, &mut events, ketua, cmd);
    let accept = w.command(&case, K::AcceptTransfer);
    w.run(&mut case, &mut events, ketua.of_unit(unit("64.72")), accept);
    for at in [events.len() - 2, events.len() - 1] {
        let mut forged = events.clone();
        match &mut forged[at].payload {
            CaseEvent::TransferRequested { from_unit, .. } | CaseEvent::TransferAccepted { from_unit, .. } => {
                *from_unit = unit("64.71");
            }
            _ => unreachable!("the two transfer events"),
        }
        for i in at..forged.len() {
            forged[i].prev_hash = if i == 0 { Default::default() } else { forged[i - 1].hash };
            forged[i] = forged[i].clone().seal().expect("seals");
        }
        let e = Case::replay(&forged).expect_err("a derived unit forged");
        assert_eq!(e.code(), ErrorCode::EventNotDerived, "{e}");
    }
}

/// The actor's unit is part of what is hashed, and absent from the JSON of
/// an actor naming none (so every earlier hash reads as before).
#[test]
fn the_actors_unit_is_hashed_and_left_out_when_unknown() {
    let mut w = World::new();
    let (mut case, mut events) = w.case_at(Stage::Asesmen);
    let ketua = w.actor(Role::Ketua, false);
    let plain = serde_json::to_value(ketua).expect("serialises");
    assert!(plain.get("unit").is_none(), "{plain}");
    let named = serde_json::to_value(ketua.of_unit(unit("64.74"))).expect("serialises");
    assert_eq!(named["unit"], "64.74");
    assert_eq!(serde_json::from_value::<Actor>(named).expect("reads back"), ketua.of_unit(unit("64.74")));
    let cmd = w.command(&case, K::TransferCase);
    w.run(&mut case, &mut events, ketua.of_unit(unit("64.74")), cmd);
    let last = events.len() - 1;
    let mut forged = events.clone();
    forged[last].actor.unit = None;
    assert!(lk3_core::event::verify_chain(&events).is_ok());
    let e = lk3_core::event::verify_chain(&forged).expect_err("the unit is hashed");
    assert_eq!(e.code(), ErrorCode::HashMismatch, "{e}");
}

/// Opening a case: staff naming a unit open cases only in their own.
#[test]
fn staff_open_cases_only_in_their_own_unit() {
    let mut w = World::new();
    let open = w.open_command();
    let sekretaris = w.actor(Role::Sekretaris, false);
    let e = Case::default().decide(&open, &w.ctx(sekretaris.of_unit(unit("64.72")))).expect_err("another unit");
    assert_eq!(e.code(), ErrorCode::UnitMismatch);
    assert!(e.message_id().contains("64.74"), "{}", e.message_id());
    assert!(Case::default().decide(&open, &w.ctx(sekretaris.of_unit(unit("64.74")))).is_ok());
    assert_eq!(ErrorCode::UnitMismatch.id(), "LK3-E144");
}
