//! Property tests: any command sequence keeps every invariant.

use crate::common;

use common::World;
use lk3_core::Decider;
use lk3_core::Labelled;
use lk3_core::case::{Case, CaseCommand, CaseCommandKind, CaseEvent, CaseEventRecord};
use lk3_core::event::verify_chain;
use lk3_core::ids::{ClientId, IdSeed};
use lk3_core::rules::{RuleSet, RuleSetId};
use lk3_core::schema::CaseDocument;
use lk3_core::validate::{Limits, validate};
use lk3_core::vocab::{ConsentPurpose, TerminationReason};
use proptest::prelude::*;

/// One step of a random run: which command, by whom, with which variation,
/// and how far the clock moves.
#[derive(Debug, Clone)]
struct Step {
    pick: u8,
    prefer_allowed: bool,
    actor: u8,
    variant: u8,
    minutes: i16,
}

fn step() -> impl Strategy<Value = Step> {
    (any::<u8>(), prop::bool::weighted(0.8), any::<u8>(), any::<u8>(), prop_oneof![9 => 0i16..600, 1 => -120i16..0])
        .prop_map(|(pick, prefer_allowed, actor, variant, minutes)| Step {
            pick,
            prefer_allowed,
            actor,
            variant,
            minutes,
        })
}

fn command_for(w: &mut World, case: &Case, kind: CaseCommandKind, variant: u8) -> CaseCommand {
    let mut cmd = w.command(case, kind);
    match &mut cmd {
        CaseCommand::Terminate { reason } => {
            *reason = TerminationReason::ALL[variant as usize % TerminationReason::ALL.len()]
        }
        CaseCommand::RecordConsent { consent } => {
            let clients = case.clients();
            if !clients.is_empty() {
                consent.subject = clients[variant as usize % clients.len()].client_id;
            }
            consent.guardian = (variant & 0x10 != 0).then_some(w.adult);
            if variant & 0x20 != 0 {
                consent.purposes.push(ConsentPurpose::PengungkapanKeMitra);
            }
            if variant & 0xC0 == 0xC0 {
                consent.subject = ClientId::new_v7(w.now, IdSeed::new([variant; 10]));
            }
        }
        CaseCommand::Register { clients, .. } if variant & 1 == 1 => {
            clients.push(lk3_core::case::CaseClient { client_id: w.child, minor: true, role: None });
        }
        _ => {}
    }
    cmd
}

type Visited = std::collections::BTreeSet<lk3_core::vocab::Stage>;

fn run(steps: &[Step]) -> Result<(Visited, Vec<CaseEventRecord>), TestCaseError> {
    let mut visited = std::collections::BTreeSet::new();
    let rules = RuleSet::get(RuleSetId::permensos_25_2017());
    let mut w = World::new();
    let mut case = Case::default();
    let mut events: Vec<CaseEventRecord> = Vec::new();
    for s in steps {
        // Exits (termination, declining, withdrawing consent) are picked less
        // often, so that random runs also get deep into the lifecycle.
        let mut allowed = rules.allowed_commands(case.stage());
        if s.variant % 4 != 0 {
            let exits = [CaseCommandKind::Terminate, CaseCommandKind::DeclineService, CaseCommandKind::WithdrawConsent];
            allowed.retain(|k| !exits.contains(k));
        }
        let kind = if s.prefer_allowed && !allowed.is_empty() {
            allowed[s.pick as usize % allowed.len()]
        } else {
            CaseCommandKind::ALL[s.pick as usize % CaseCommandKind::ALL.len()]
        };
        let cmd = command_for(&mut w, &case, kind, s.variant);
        // Mostly a role the tables allow: the service's own table for a service step.
        let service_roles = match &cmd {
            CaseCommand::ServiceStep { service_id, step } => case.service(*service_id).and_then(|i| {
                case.rule_set()?.rules().service(i.kind)?.table.row(Some(i.state), step.kind()).map(|r| r.roles.clone())
            }),
            _ => None,
        };
        let actor = if s.actor < 200 {
            let roles = service_roles.or_else(|| rules.transition(case.stage(), kind).map(|t| t.roles.clone()));
            let role = roles.map(|r| r[s.actor as usize % r.len()]);
            role.map_or(w.staff[s.actor as usize % w.staff.len()], |r| w.actor(r, s.actor & 1 == 1))
        } else {
            w.staff[s.actor as usize % w.staff.len()]
        };
        let mut ctx = w.ctx(actor);
        ctx.at += chrono::Duration::minutes(i64::from(s.minutes));
        w.now = w.now.max(ctx.at);
        let before = case.clone();
        match case.decide(&cmd, &ctx) {
            Err(e) => {
                prop_assert_eq!(&case, &before, "a refusal changes nothing");
                prop_assert_eq!(e.command, kind);
                prop_assert_eq!(e.stage, case.stage());
            }
            Ok(new) => {
                prop_assert_eq!(new.len(), 1);
                // What decide accepts, the published schema accepts (no schema limit decide lacks).
                let report =
                    validate(&serde_json::to_vec(&cmd).unwrap_or_default(), Some("command"), &Limits::default());
                prop_assert!(report.valid, "{} accepted, its schema refuses: {:?}", kind, report.findings);
                let e = &new[0];
                // A service step that carries a service on (not into a terminal state, not a review).
                let continues = match &e.payload {
                    CaseEvent::ServiceStepRecorded { service_id, step, .. } => {
                        let spec = case.service(*service_id).and_then(|i| {
                            case.rule_set().and_then(|r| r.rules().service(i.kind)).map(|sp| (sp, i.state))
                        });
                        spec.and_then(|(sp, state)| sp.table.row(Some(state), step.kind())).is_some_and(|r| {
                            step.kind() != lk3_core::service::ServiceCommandKind::ApproveOverride
                                && !spec.is_some_and(|(sp, _)| sp.table.is_terminal(r.to))
                        })
                    }
                    _ => false,
                };
                // No case is terminated or closed with a referral open.
                let ends_case = matches!(
                    e.payload,
                    CaseEvent::Terminated { .. }
                        | CaseEvent::ClosureApproved { .. }
                        | CaseEvent::ServiceDeclined { .. }
                        | CaseEvent::ResolvedOnSpot { .. }
                );
                if ends_case && let Some(r) = case.rule_set() {
                    prop_assert_eq!(case.open_referrals(r).count(), 0);
                }
                // Approvals by a second person; a contract only with every client's consent.
                match &e.payload {
                    CaseEvent::PlanApproved { proposed_by, .. } => {
                        prop_assert_ne!(*proposed_by, e.actor.staff_id)
                    }
                    CaseEvent::ClosureApproved { terminated_by } => {
                        prop_assert_ne!(*terminated_by, e.actor.staff_id)
                    }
                    CaseEvent::EvaluationStarted {} => {
                        prop_assert!(case.planned_services().all(|s| s.is_closed(case.rule_set())));
                    }
                    CaseEvent::ServiceStepRecorded { service_id, step, .. } => {
                        // The service's own machine allowed the step, to a role of its row.
                        let instance = case.service(*service_id);
                        prop_assert!(instance.is_some());
                        let row = instance.and_then(|i| {
                            case.rule_set()
                                .and_then(|r| r.rules().service(i.kind))
                                .and_then(|sp| sp.table.row(Some(i.state), step.kind()))
                        });
                        prop_assert!(row.is_some_and(|r| r.roles.contains(&e.actor.role)));
                    }
                    CaseEvent::ContractAgreed { .. } => {
                        for c in case.clients() {
                            prop_assert!(case.consent_for(c.client_id, ConsentPurpose::Layanan).is_some());
                        }
                    }
                    _ => {}
                }
                let row = rules.transition(case.stage(), e.payload.command_kind());
                // Work steps happened only with every client's consent in force.
                let asks = |q| row.is_some_and(|r| r.requires.contains(&q));
                if asks(lk3_core::rules::CaseRequirement::ConsentToServices)
                    || continues && asks(lk3_core::rules::CaseRequirement::ConsentToContinue)
                {
                    prop_assert!(!case.clients().is_empty());
                    for c in case.clients() {
                        let consent = case.consent_for(c.client_id, ConsentPurpose::Layanan);
                        prop_assert!(consent.is_some());
                        if row.is_some_and(|r| {
                            r.requires.contains(&lk3_core::rules::CaseRequirement::ConsentToAssessment)
                        }) {
                            prop_assert!(case.consent_for(c.client_id, ConsentPurpose::Asesmen).is_some());
                        }
                        if c.minor {
                            let g = consent.and_then(|r| r.consent.guardian);
                            prop_assert!(g.is_some_and(|g| g != c.client_id));
                        }
                    }
                }
                prop_assert!(row.is_some(), "event {} not allowed from {:?}", e.payload.type_name(), case.stage());
                prop_assert!(row.is_some_and(|r| r.roles.contains(&e.actor.role)));
                case.apply(e);
                prop_assert_eq!(case.stage(), row.map(|r| r.to));
                visited.extend(case.stage());
                events.extend(new);
            }
        }
    }
    // seq without gaps, the chain verifies, times never run backwards.
    for (i, e) in events.iter().enumerate() {
        prop_assert_eq!(e.seq, i as u64 + 1);
        if i > 0 {
            prop_assert!(events[i - 1].occurred_at <= e.occurred_at);
        }
    }
    prop_assert!(verify_chain(&events).is_ok());
    // Replaying the events gives the same state.
    let replayed = Case::replay(&events).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(&replayed, &case);
    // JSON round-trips, and the round-tripped stream still verifies.
    let json = serde_json::to_string(&events).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let back: Vec<CaseEventRecord> = serde_json::from_str(&json).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(&back, &events);
    prop_assert!(verify_chain(&back).is_ok());
    // The whole case validates: its schema (no limit decide lacks) and its meaning.
    let doc =
        serde_json::to_vec(&CaseDocument::new(case, events.clone())).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let report = validate(&doc, Some("case"), &Limits::default());
    prop_assert!(report.valid, "a case decide built does not validate: {:?}", report.findings);
    Ok((visited, events))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn any_command_sequence_keeps_every_invariant(steps in prop::collection::vec(step(), 1..160)) {
        run(&steps)?;
    }

    /// One field `decide` derives (a payload change that leaves the recorded
    /// command as it was), forged in a random history and resealed, is
    /// refused at its event.
    #[test]
    fn a_forged_derived_field_in_any_history_is_refused(
        steps in prop::collection::vec(step(), 20..120),
        which in any::<usize>(),
        leaf in any::<usize>(),
    ) {
        let (_, events) = run(&steps)?;
        // The derived-field forgeries of each event, starting at a random one.
        let derived = |i: usize| -> Vec<(String, CaseEvent)> {
            let value = serde_json::to_value(&events[i].payload).unwrap_or_default();
            let mut changes = Vec::new();
            common::leaf_changes(&value, String::new(), &mut changes);
            changes
                .into_iter()
                .filter_map(|(pointer, changed)| {
                    let mut forged = value.clone();
                    *forged.pointer_mut(&pointer)? = changed;
                    let payload: CaseEvent = serde_json::from_value(forged).ok()?;
                    let event = CaseEventRecord { payload: payload.clone(), ..events[i].clone() };
                    (payload != events[i].payload && Case::command_of(&event) == Case::command_of(&events[i]))
                        .then_some((pointer, payload))
                })
                .collect()
        };
        let Some((i, mut options)) = (0..events.len())
            .map(|k| (which + k) % events.len())
            .map(|i| (i, derived(i)))
            .find(|(_, d)| !d.is_empty())
        else {
            return Ok(());
        };
        let (pointer, payload) = options.swap_remove(leaf % options.len());
        let mut forged = events.clone();
        forged[i].payload = payload;
        for j in i..forged.len() {
            if j > 0 {
                forged[j].prev_hash = forged[j - 1].hash;
            }
            forged[j].seal_in_place().map_err(|e| TestCaseError::fail(e.to_string()))?;
        }
        let doc = serde_json::to_vec(&CaseDocument::new(Case::from_events(&forged), forged))
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let report = validate(&doc, Some("case"), &Limits::default());
        let at = format!("/events/{i}");
        prop_assert!(
            report.findings.iter().any(|f| f.severity == lk3_core::validate::Severity::Error && f.pointer.starts_with(&at)),
            "event {i} {pointer} forged, not refused: {:?}", report.findings
        );
    }

    #[test]
    fn commands_round_trip_through_json(pick in any::<u8>(), variant in any::<u8>()) {
        let mut w = World::new();
        let (case, _) = w.case_at(lk3_core::vocab::Stage::Intervensi);
        let kind = CaseCommandKind::ALL[pick as usize % CaseCommandKind::ALL.len()];
        let cmd = command_for(&mut w, &case, kind, variant);
        let json = serde_json::to_value(&cmd).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(json["type"].as_str(), Some(kind.id()));
        let back: CaseCommand = serde_json::from_value(json).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(back, cmd);
    }
}

/// The generator is not vacuous: random runs reach every stage.
#[test]
fn random_runs_reach_every_stage() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = prop::collection::vec(step(), 100..160);
    let mut visited = std::collections::BTreeSet::new();
    for _ in 0..200 {
        let steps = strategy.new_tree(&mut runner).expect("generates").current();
        visited.extend(run(&steps).expect("invariants hold").0);
    }
    assert_eq!(visited.len(), lk3_core::vocab::Stage::ALL.len(), "visited only {visited:?}");
}

#[test]
fn malformed_command_json_is_an_error_not_a_panic() {
    for bad in [
        "",
        "{}",
        "[]",
        "null",
        r#"{"type":"terminate"}"#,
        r#"{"type":"terminate","reason":"bosan"}"#,
        r#"{"type":"no_such_command"}"#,
        r#"{"type":"approve_plan","extra":1}"#,
        r#"{"type":"record_contact","case_id":"x","unit":"64.74","case_number":"64.74/2019/0001","channel":"telepon_hotline","sasaran":"keluarga"}"#,
        r#"{"type":"register","clients":[{"client_id":1,"minor":false}]}"#,
    ] {
        assert!(serde_json::from_str::<CaseCommand>(bad).is_err(), "{bad}");
    }
    // Deep nesting is refused by the parser's recursion limit, not by a stack overflow.
    let deep = "[".repeat(100_000);
    assert!(serde_json::from_str::<CaseCommand>(&deep).is_err());
}
