//! For every (stage, command) pair: the command is accepted exactly when the
//! rule-set table allows it, and a refused one yields no event and the right
//! error code.

use crate::common;

use common::World;
use lk3_core::Decider;
use lk3_core::case::{Case, CaseCommandKind};
use lk3_core::rules::{RuleSet, RuleSetId};
use lk3_core::vocab::Stage;
use lk3_core::{ErrorCode, Labelled, Lk3Error};

#[test]
fn every_stage_and_command_pair_follows_the_table() {
    let rules = RuleSet::get(RuleSetId::permensos_25_2017());
    let mut checked = 0;
    let mut allowed_pairs = 0;
    for stage in Stage::ALL {
        for kind in CaseCommandKind::ALL {
            let mut w = World::new();
            let (mut case, mut events) = w.case_at(*stage);
            let row = rules.transition(Some(*stage), *kind).cloned();
            if row.is_some() {
                w.prepare(&mut case, &mut events, *kind);
            }
            let before = case.clone();
            let cmd = w.command(&case, *kind);
            let ctx = w.ctx(w.permitted_actor(Some(*stage), *kind));
            let outcome = case.decide(&cmd, &ctx);
            match (row, outcome) {
                (Some(row), Ok(new)) => {
                    allowed_pairs += 1;
                    assert_eq!(new.len(), 1, "{stage}/{kind}: one event per command");
                    assert_eq!(new[0].seq, case.version() + 1);
                    assert_eq!(new[0].prev_hash, case.last_hash());
                    assert_eq!(new[0].payload.command_kind(), *kind);
                    case.apply(&new[0]);
                    assert_eq!(case.stage(), Some(row.to), "{stage}/{kind} must lead to {}", row.to);
                }
                (Some(_), Err(e)) => panic!("{stage}/{kind} is in the table but was refused: {e}"),
                (None, Ok(_)) => panic!("{stage}/{kind} is not in the table but was accepted"),
                (None, Err(e)) => {
                    let expected = if *kind == CaseCommandKind::RecordContact {
                        ErrorCode::CaseExists
                    } else {
                        ErrorCode::TransitionNotAllowed
                    };
                    assert_eq!(e.code(), expected, "{stage}/{kind}: {e}");
                    assert_eq!(e.stage, Some(*stage));
                    assert_eq!(e.command, *kind);
                    assert_eq!(e.allowed, rules.allowed_commands(Some(*stage)));
                    assert_eq!(case, before, "a refused command changes nothing");
                }
            }
            checked += 1;
        }
    }
    assert_eq!(checked, Stage::ALL.len() * CaseCommandKind::ALL.len());
    assert_eq!(allowed_pairs, rules.transitions().iter().filter(|t| t.from.is_some()).count());
}

#[test]
fn before_a_case_exists_only_record_contact_is_accepted() {
    for kind in CaseCommandKind::ALL {
        let mut w = World::new();
        let case = Case::default();
        let cmd = w.command(&case, *kind);
        let ctx = w.ctx(w.permitted_actor(None, *kind));
        match case.decide(&cmd, &ctx) {
            Ok(events) => {
                assert_eq!(*kind, CaseCommandKind::RecordContact);
                assert_eq!(events[0].seq, 1);
            }
            Err(e) => {
                assert_ne!(*kind, CaseCommandKind::RecordContact, "{e}");
                assert_eq!(e.code(), ErrorCode::CaseNotFound);
                assert_eq!(e.allowed, vec![CaseCommandKind::RecordContact]);
            }
        }
    }
}

#[test]
fn every_role_outside_a_row_is_refused_with_the_role_error() {
    let rules = RuleSet::get(RuleSetId::permensos_25_2017());
    for row in rules.transitions().iter().filter(|t| t.from.is_some()) {
        let stage = row.from.unwrap_or(Stage::Kontak);
        for role in lk3_core::vocab::Role::ALL.iter().filter(|r| !row.roles.contains(r)) {
            let mut w = World::new();
            let (mut case, mut events) = w.case_at(stage);
            w.prepare(&mut case, &mut events, row.command);
            let cmd = w.command(&case, row.command);
            let ctx = w.ctx(w.actor(*role, true));
            let err = case.decide(&cmd, &ctx).expect_err("role outside the row");
            assert_eq!(err.code(), ErrorCode::RoleNotAllowed, "{stage}/{} by {role}: {err}", row.command);
            assert!(err.message_en().contains(role.id()));
            assert!(err.message_id().contains(role.id()));
        }
    }
}
