//! Tasks derived from the fold, for every rule set: each arises with its
//! work, falls due at the rule set's deadline (or the date the work gives),
//! and ends with the event that does it. Generated from the case table's
//! stages and the counselling and referral tables' states.

use crate::common;

use chrono::Duration;
use common::World;
use common::services::{path_to, service_in};
use lk3_core::Labelled;
use lk3_core::case::{Case, CaseCommand, CaseCommandKind as K, CaseEvent};
use lk3_core::decider::Decider;
use lk3_core::outreach::{Outreach, OutreachCommand, ReporterKind};
use lk3_core::rules::RuleSetId;
use lk3_core::service::ServiceState;
use lk3_core::task::Task;
use lk3_core::vocab::{OutreachCommandKind, Problem, Role, Sasaran, ServiceKind, Stage, TaskKind};

fn of(tasks: &[Task], kind: TaskKind) -> Vec<Task> {
    tasks.iter().filter(|t| t.task == kind).copied().collect()
}

fn deadline(rule_set: RuleSetId, kind: TaskKind) -> Duration {
    rule_set.rules().deadline(kind).expect("the rule set sets it")
}

/// The time of the last event recording `kind`.
fn at_last(events: &[lk3_core::case::CaseEventRecord], kind: K) -> chrono::DateTime<chrono::Utc> {
    events.iter().rev().find(|e| e.payload.command_kind() == kind).map(|e| e.occurred_at).expect("recorded")
}

/// Every stage of the case table: the assessment is due from the contract
/// while the case is in kontrak or asesmen, aftercare's follow-up while in
/// bimbingan lanjut, and a finished case has no task at all.
#[test]
fn the_stage_tasks_follow_the_case_table() {
    for rule_set in RuleSetId::all() {
        for stage in Stage::ALL.iter().copied() {
            let mut w = World::new().under(rule_set);
            let (case, events) = w.case_at(stage);
            let tasks = case.tasks();
            let assessment = of(&tasks, TaskKind::Asesmen);
            if matches!(stage, Stage::Kontrak | Stage::Asesmen) {
                let since = at_last(&events, K::AgreeContract);
                assert_eq!(assessment.len(), 1, "{rule_set} {stage}");
                assert_eq!(
                    (assessment[0].since, assessment[0].due),
                    (since, since + deadline(rule_set, TaskKind::Asesmen))
                );
                assert_eq!(assessment[0].worker, case.worker());
            } else {
                assert!(assessment.is_empty(), "{rule_set} {stage}: {assessment:?}");
            }
            let aftercare = of(&tasks, TaskKind::BimbinganLanjut);
            if stage == Stage::BimbinganLanjut {
                let since = at_last(&events, K::StartAftercare);
                assert_eq!(
                    aftercare.iter().map(|t| t.due).collect::<Vec<_>>(),
                    vec![since + deadline(rule_set, TaskKind::BimbinganLanjut)]
                );
            } else {
                assert!(aftercare.is_empty(), "{rule_set} {stage}");
            }
            if rule_set.rules().case.is_terminal(stage) {
                assert!(tasks.is_empty(), "{rule_set} {stage}: {tasks:?}");
            }
        }
    }
}

/// A reassessment makes the assessment due again, from when it began.
#[test]
fn a_reassessment_is_due_from_when_it_began() {
    let mut w = World::new();
    let (mut case, mut events) = w.case_at(Stage::Evaluasi);
    assert!(of(&case.tasks(), TaskKind::Asesmen).is_empty());
    let peksos = w.actor(Role::PekerjaSosial, false);
    w.run(&mut case, &mut events, peksos, CaseCommand::Reassess {});
    let since = at_last(&events, K::Reassess);
    let due = of(&case.tasks(), TaskKind::Asesmen);
    assert_eq!(due.iter().map(|t| t.since).collect::<Vec<_>>(), vec![since]);
}

/// Every state of every counselling table: a session is due while the
/// service is open, from its last session (or its opening).
#[test]
fn a_counselling_session_is_due_while_the_service_is_open() {
    let (mut open, mut ended) = (0, 0);
    for rule_set in RuleSetId::all() {
        let Some(spec) = rule_set.rules().service(ServiceKind::Konseling) else { continue };
        for state in spec.table.states() {
            let Some((_, case, events, service_id)) = service_in(rule_set, ServiceKind::Konseling, state) else {
                continue;
            };
            let instance = case.service(service_id).expect("the service");
            let due: Vec<Task> = of(&case.tasks(), TaskKind::SesiKonseling)
                .into_iter()
                .filter(|t| t.about == Some(*service_id.as_uuid()))
                .collect();
            if spec.table.is_terminal(state) {
                assert!(due.is_empty(), "{rule_set} {state}");
                ended += 1;
                continue;
            }
            open += 1;
            let held = events.iter().rev().find(|e| {
                matches!(&e.payload, CaseEvent::ServiceStepRecorded { service_id: s, step: lk3_core::service::ServiceCommand::HoldSession {}, .. } if *s == service_id)
            });
            let since = held.map_or(instance.opened_at, |e| e.occurred_at);
            assert_eq!(due.len(), 1, "{rule_set} {state}");
            assert_eq!((due[0].since, due[0].due), (since, since + deadline(rule_set, TaskKind::SesiKonseling)));
        }
    }
    assert!(open >= 4 && ended >= 4, "{open} open and {ended} ended states tried");
}

/// Every state of every referral table: the partner's answer is due by the
/// response deadline exactly while the referral waits in `dikirim`.
#[test]
fn a_referral_answer_is_due_by_its_deadline_while_it_waits() {
    let mut waiting = 0;
    for rule_set in RuleSetId::all() {
        let Some(spec) = rule_set.rules().service(ServiceKind::Rujukan) else { continue };
        for state in spec.table.states() {
            if path_to(rule_set, ServiceKind::Rujukan, state).is_none() {
                continue;
            }
            let (_, case, _, service_id) = service_in(rule_set, ServiceKind::Rujukan, state).expect("reachable");
            let instance = case.service(service_id).expect("the referral");
            let due = of(&case.tasks(), TaskKind::JawabanRujukan);
            if state == ServiceState::Dikirim {
                let (sent, _) = instance.sent.expect("sent");
                assert_eq!(due.len(), 1, "{rule_set}");
                assert_eq!((due[0].since, Some(due[0].due)), (sent, instance.response_deadline));
                assert!(due[0].is_overdue(instance.response_deadline.expect("a deadline") + Duration::seconds(1)));
                assert!(!due[0].is_overdue(sent));
                waiting += 1;
            } else {
                assert!(due.is_empty(), "{rule_set} {state}: {due:?}");
            }
        }
    }
    assert_eq!(waiting, RuleSetId::all().len(), "one waiting referral per rule set");
}

/// A withdrawn consent to services must be acted on within the rule set's
/// deadline (UU 27/2022: 3x24 hours) while services go on; consent given
/// again, or the services ended, ends the task.
#[test]
fn a_consent_withdrawal_is_acted_on_within_three_days() {
    for rule_set in RuleSetId::all() {
        assert_eq!(deadline(rule_set, TaskKind::PencabutanPersetujuan), Duration::hours(72));
        let mut w = World::new().under(rule_set);
        let (mut case, mut events) = w.case_at(Stage::Intervensi);
        assert!(case.services().iter().any(|s| !s.is_closed(case.rule_set())), "an open service");
        let peksos = w.actor(Role::PekerjaSosial, false);
        let withdraw = w.command(&case, K::WithdrawConsent);
        let CaseCommand::WithdrawConsent { consent_id } = withdraw else { unreachable!("a withdrawal") };
        let subject =
            case.consents().iter().find(|c| c.consent.consent_id == consent_id).expect("on record").consent.subject;
        w.run(&mut case, &mut events, peksos, withdraw);
        let due = of(&case.tasks(), TaskKind::PencabutanPersetujuan);
        let at = at_last(&events, K::WithdrawConsent);
        assert_eq!(
            due.iter().map(|t| (t.about, t.due)).collect::<Vec<_>>(),
            vec![(Some(*consent_id.as_uuid()), at + Duration::hours(72))]
        );
        let again = w.consent_command(subject, if subject == w.child { Some(w.adult) } else { None });
        w.run(&mut case, &mut events, peksos, again);
        assert!(of(&case.tasks(), TaskKind::PencabutanPersetujuan).is_empty(), "consent in force again");
        assert!(Case::replay(&events).expect("replays").tasks() == case.tasks());
    }
}

/// A scheduled outreach visit is due at its planned time until it is recorded.
#[test]
fn a_scheduled_visit_is_due_when_planned() {
    for rule_set in RuleSetId::all() {
        let mut w = World::new().under(rule_set);
        let table = &rule_set.rules().outreach.table;
        let by = |w: &World, state, kind: OutreachCommandKind| {
            w.actor(table.row(state, kind).map(|r| r.roles[0]).expect("a row"), false)
        };
        let mut o = Outreach::default();
        let report = OutreachCommand::Report {
            outreach_id: lk3_core::ids::OutreachId::new_v7(w.now, w.fresh_seed()),
            unit: "64.74".parse().expect("unit"),
            reported_by: ReporterKind::KetuaRt,
            sasaran: Sasaran::Individu,
            problems: vec![Problem::LansiaTerlantar],
            kode_wilayah: None,
        };
        let ctx = w.ctx(by(&w, None, OutreachCommandKind::Report));
        o.execute(&report, &ctx).expect("reported");
        assert!(o.tasks().is_empty());
        let planned_for = w.now + Duration::days(2);
        let ctx = w.ctx(by(&w, o.state(), OutreachCommandKind::Schedule));
        o.execute(&OutreachCommand::Schedule { planned_for, mobile_unit: false }, &ctx).expect("scheduled");
        let tasks = o.tasks();
        assert_eq!(
            tasks.iter().map(|t| (t.task, t.due)).collect::<Vec<_>>(),
            vec![(TaskKind::KunjunganPenjangkauan, planned_for)]
        );
        let ctx = w.ctx(by(&w, o.state(), OutreachCommandKind::CarryOut));
        o.execute(&OutreachCommand::CarryOut {}, &ctx).expect("carried out");
        assert!(o.tasks().is_empty(), "{:?}", o.state().map(|s| s.id()));
    }
}

/// The rule set's deadlines are checked like its tables: one per task, after
/// the work arises, and none for the tasks whose due date the work gives.
#[test]
fn a_rule_set_s_deadlines_are_validated() {
    let base = RuleSetId::permensos_25_2017().rules().clone();
    let mut twice = base.clone();
    twice.deadlines.push(twice.deadlines[0].clone());
    let mut zero = base.clone();
    zero.deadlines[0].within = Duration::zero();
    let mut given = base.clone();
    given.deadlines[0].task = TaskKind::JawabanRujukan;
    for (what, rules) in [("twice", twice), ("not after", zero), ("due on the date", given)] {
        let e = rules.check().expect_err(what);
        assert!(e.to_string().contains(what), "{what}: {e}");
    }
    assert!(base.check().is_ok());
}
