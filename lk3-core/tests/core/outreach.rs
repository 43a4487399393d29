//! Penjangkauan (outreach) as its own aggregate: the table is what decide
//! enforces, for every state, command and role; the attempt limit; the
//! scenarios of DESIGN §6; and properties over random command sequences.

use chrono::{DateTime, Duration, TimeZone, Utc};
use lk3_core::Decider;
use lk3_core::decider::ReplayError;
use lk3_core::event::{Actor, ChainError, verify_chain};
use lk3_core::ids::{CaseId, ClientId, CommandId, IdSeed, OutreachId, StaffId};
use lk3_core::outreach::{
    CaseLink, Outreach, OutreachCloseReason, OutreachCommand, OutreachCommandKind as K, OutreachEvent,
    OutreachEventRecord, OutreachRefusalReason, OutreachState as S, OutreachViolation, ReporterKind,
};
use lk3_core::rules::{OutreachRequirement as Requirement, RuleSetId};
use lk3_core::vocab::{Problem, Role, Sasaran};
use lk3_core::{CommandContext, ErrorCode, Labelled, Lk3Error};
use proptest::prelude::*;

/// The outreach machine of a rule set.
fn table(rule_set: RuleSetId) -> &'static lk3_core::rules::OutreachTable {
    &rule_set.rules().outreach.table
}

/// How many visits a rule set allows.
fn max_attempts(rule_set: RuleSetId) -> u32 {
    rule_set.rules().outreach.max_attempts
}

/// The visit limit of both shipped rule sets.
const MAX_ATTEMPTS: u32 = lk3_core::rules::permensos_16_2013::outreach::MAX_ATTEMPTS;

/// A rule set's outreach machine as exported.
fn machine_export(rule_set: RuleSetId) -> lk3_core::rules::export::MachineExport {
    let doc = lk3_core::rules::export::to_export(rule_set.rules());
    doc.machines.into_iter().find(|m| m.name == "penjangkauan").expect("penjangkauan")
}

/// Staff in every role (two each) and a clock that moves forward.
struct World {
    now: DateTime<Utc>,
    counter: u64,
    staff: Vec<Actor>,
}

impl World {
    fn new() -> Self {
        let start = Utc.with_ymd_and_hms(2019, 3, 4, 1, 0, 0).single().unwrap_or_default();
        let mut w = World { now: start, counter: 0, staff: Vec::new() };
        for role in Role::ALL {
            for _ in 0..2 {
                let staff_id = StaffId::new_v7(start, w.fresh_seed());
                w.staff.push(Actor::staff(*role, staff_id));
            }
        }
        w
    }

    fn fresh_seed(&mut self) -> IdSeed {
        self.counter += 1;
        let mut b = [0u8; 10];
        b[2..].copy_from_slice(&self.counter.to_be_bytes());
        IdSeed::new(b)
    }

    /// The first (or, with `second`, the other) staff member in a role.
    fn actor(&self, role: Role, second: bool) -> Actor {
        let mut it = self.staff.iter().filter(|a| a.role == role);
        let first = it.next().copied();
        if second { it.next().copied().or(first) } else { first }.unwrap_or(self.staff[0])
    }

    /// A context one minute after the previous one.
    fn ctx(&mut self, actor: Actor) -> CommandContext {
        self.now += Duration::minutes(1);
        let command_id = CommandId::new_v7(self.now, self.fresh_seed());
        let seed = self.fresh_seed();
        CommandContext::new(actor, self.now, command_id, seed)
    }

    /// An actor allowed to issue `kind` in `state` (the table's first role).
    fn permitted_actor(&self, state: Option<S>, kind: K) -> Actor {
        let role = table(RuleSetId::permensos_25_2017()).row(state, kind).map_or(Role::PekerjaSosial, |r| r.roles[0]);
        self.actor(role, true)
    }

    /// An RT head reports a neglected older woman, seen in a kelurahan of Padang.
    fn report_command(&mut self) -> OutreachCommand {
        OutreachCommand::Report {
            outreach_id: OutreachId::new_v7(self.now, self.fresh_seed()),
            unit: "13.71".parse().unwrap_or_else(|_| unreachable!()),
            reported_by: ReporterKind::KetuaRt,
            sasaran: Sasaran::Individu,
            problems: vec![Problem::LansiaTerlantar],
            kode_wilayah: Some("13.71.01.1001".parse().unwrap_or_else(|_| unreachable!())),
        }
    }

    /// A well-formed command of `kind`, with fresh ids.
    fn command(&mut self, kind: K) -> OutreachCommand {
        match kind {
            K::Report => self.report_command(),
            K::Schedule => OutreachCommand::Schedule { planned_for: self.now + Duration::days(1), mobile_unit: true },
            K::CarryOut => OutreachCommand::CarryOut {},
            K::RecordAgreement => OutreachCommand::RecordAgreement {
                case: CaseLink::Opens { case_id: CaseId::new_v7(self.now, self.fresh_seed()) },
                client_id: ClientId::new_v7(self.now, self.fresh_seed()),
            },
            K::RecordRefusal => OutreachCommand::RecordRefusal { reason: OutreachRefusalReason::TidakMerasaPerlu },
            K::RecordNotFound => OutreachCommand::RecordNotFound {},
            K::Close => OutreachCommand::Close { reason: OutreachCloseReason::TidakDitemukanBerulang },
        }
    }

    /// Runs a command that must be accepted, by an actor the table permits.
    fn run(&mut self, o: &mut Outreach, events: &mut Vec<OutreachEventRecord>, cmd: OutreachCommand) {
        let ctx = self.ctx(self.permitted_actor(o.state(), cmd.kind()));
        match o.execute(&cmd, &ctx) {
            Ok(new) => events.extend(new),
            Err(e) => panic!("fixture step {} refused: {e}", cmd.kind()),
        }
    }

    /// An outreach in `state`, reached along the shortest path.
    fn outreach_at(&mut self, state: S) -> (Outreach, Vec<OutreachEventRecord>) {
        let path: &[K] = match state {
            S::Dilaporkan => &[K::Report],
            S::Dijadwalkan => &[K::Report, K::Schedule],
            S::Dilaksanakan => &[K::Report, K::Schedule, K::CarryOut],
            S::Bersedia => &[K::Report, K::Schedule, K::CarryOut, K::RecordAgreement],
            S::Menolak => &[K::Report, K::Schedule, K::CarryOut, K::RecordRefusal],
            S::TidakDitemukan => &[K::Report, K::Schedule, K::CarryOut, K::RecordNotFound],
            S::Ditutup => &[K::Report, K::Close],
        };
        let mut o = Outreach::default();
        let mut events = Vec::new();
        for kind in path {
            let cmd = self.command(*kind);
            self.run(&mut o, &mut events, cmd);
        }
        assert_eq!(o.state(), Some(state), "fixture did not reach {state}");
        (o, events)
    }
}

#[test]
fn every_state_and_command_pair_follows_the_table() {
    let t = table(RuleSetId::permensos_25_2017());
    let (mut checked, mut accepted) = (0, 0);
    for state in S::ALL {
        for kind in K::ALL {
            let mut w = World::new();
            let (mut o, _) = w.outreach_at(*state);
            let before = o.clone();
            let cmd = w.command(*kind);
            let ctx = w.ctx(w.permitted_actor(Some(*state), *kind));
            match (t.row(Some(*state), *kind), o.decide(&cmd, &ctx)) {
                (Some(row), Ok(new)) => {
                    accepted += 1;
                    assert_eq!(new.len(), 1, "{state}/{kind}: one event per command");
                    assert_eq!(new[0].seq, o.version() + 1);
                    assert_eq!(new[0].prev_hash, o.last_hash());
                    assert_eq!(new[0].payload.command_kind(), *kind);
                    assert_eq!(new[0].stream_id, *o.outreach_id().unwrap_or_else(|| unreachable!()).as_uuid());
                    o.apply(&new[0]);
                    assert_eq!(o.state(), Some(row.to), "{state}/{kind} must lead to {}", row.to);
                }
                (Some(_), Err(e)) => panic!("{state}/{kind} is in the table but was refused: {e}"),
                (None, Ok(_)) => panic!("{state}/{kind} is not in the table but was accepted"),
                (None, Err(e)) => {
                    let expected =
                        if *kind == K::Report { ErrorCode::OutreachExists } else { ErrorCode::TransitionNotAllowed };
                    assert_eq!(e.code(), expected, "{state}/{kind}: {e}");
                    assert_eq!(e.state, Some(*state));
                    assert_eq!(e.command, *kind);
                    assert_eq!(e.allowed, t.allowed(Some(*state)));
                    assert_eq!(o, before, "a refused command changes nothing");
                }
            }
            checked += 1;
        }
    }
    assert_eq!(checked, S::ALL.len() * K::ALL.len());
    assert_eq!(accepted, t.rows().iter().filter(|r| r.from.is_some()).count());
}

#[test]
fn before_an_outreach_exists_only_report_is_accepted() {
    for kind in K::ALL {
        let mut w = World::new();
        let o = Outreach::default();
        let cmd = w.command(*kind);
        let ctx = w.ctx(w.permitted_actor(None, *kind));
        match o.decide(&cmd, &ctx) {
            Ok(events) => {
                assert_eq!(*kind, K::Report);
                assert_eq!(events[0].seq, 1);
                assert_eq!(events[0].prev_hash, lk3_core::event::Hash::GENESIS);
                assert_eq!(events[0].rule_set, RuleSetId::permensos_25_2017(), "a 2019 outreach is under 25/2017");
                assert_eq!(ctx.rule_set, None, "chosen by date, not pinned");
            }
            Err(e) => {
                assert_ne!(*kind, K::Report, "{e}");
                assert_eq!(e.code(), ErrorCode::OutreachNotFound);
                assert_eq!(e.violation, OutreachViolation::OutreachNotFound);
                assert_eq!(e.state, None);
                assert_eq!(e.allowed, vec![K::Report]);
            }
        }
    }
}

#[test]
fn every_role_outside_a_row_is_refused_with_the_role_error() {
    let t = table(RuleSetId::permensos_25_2017());
    let mut refused = 0;
    for row in t.rows() {
        for role in Role::ALL.iter().filter(|r| !row.roles.contains(r)) {
            let mut w = World::new();
            let (o, _) = match row.from {
                Some(state) => w.outreach_at(state),
                None => (Outreach::default(), Vec::new()),
            };
            let before = o.clone();
            let cmd = w.command(row.command);
            let ctx = w.ctx(w.actor(*role, true));
            let err = o.decide(&cmd, &ctx).expect_err("role outside the row");
            assert_eq!(err.code(), ErrorCode::RoleNotAllowed, "{:?}/{} by {role}: {err}", row.from, row.command);
            assert_eq!(
                err.violation,
                OutreachViolation::RoleNotAllowed { role: *role, allowed_roles: row.roles.clone() }
            );
            assert!(err.message_en().contains(role.id()));
            assert!(err.message_id().contains(role.id()));
            assert_eq!(o, before);
            refused += 1;
        }
    }
    assert!(refused > 0);
}

#[test]
fn the_roles_follow_the_brief() {
    let t = table(RuleSetId::permensos_25_2017());
    let roles = |from: Option<S>, kind: K| t.row(from, kind).map(|r| r.roles.clone()).unwrap_or_default();
    assert_eq!(roles(None, K::Report), vec![Role::Sekretaris, Role::PekerjaSosial, Role::Relawan, Role::Ketua]);
    for (from, kind) in [
        (S::Dilaporkan, K::Schedule),
        (S::TidakDitemukan, K::Schedule),
        (S::Dijadwalkan, K::CarryOut),
        (S::Dilaksanakan, K::RecordAgreement),
        (S::Dilaksanakan, K::RecordRefusal),
        (S::Dilaksanakan, K::RecordNotFound),
    ] {
        assert_eq!(roles(Some(from), kind), vec![Role::PekerjaSosial], "{from}/{kind}");
    }
    assert_eq!(roles(Some(S::Dilaporkan), K::Close), vec![Role::PekerjaSosial, Role::Ketua]);
    assert_eq!(roles(Some(S::TidakDitemukan), K::Close), vec![Role::PekerjaSosial, Role::Ketua]);
}

/// DESIGN §6: an RT head reports a neglected older woman; the mobile unit
/// does not find her the first time, finds her the second time, she agrees
/// and a new case is opened.
#[test]
fn rt_reports_a_neglected_elderly_woman_found_at_the_second_visit_who_agrees() {
    let mut w = World::new();
    let mut o = Outreach::default();
    let mut events = Vec::new();
    let report = w.report_command();
    let outreach_id = match &report {
        OutreachCommand::Report { outreach_id, .. } => *outreach_id,
        _ => unreachable!(),
    };
    w.run(&mut o, &mut events, report);
    assert_eq!(o.state(), Some(S::Dilaporkan));
    assert_eq!(o.outreach_id(), Some(outreach_id));
    assert_eq!(o.reported_by(), Some(ReporterKind::KetuaRt));
    assert_eq!(o.sasaran(), Some(Sasaran::Individu));
    assert_eq!(o.problems(), &[Problem::LansiaTerlantar]);
    assert_eq!(o.kode_wilayah().map(|k| k.to_string()).as_deref(), Some("13.71.01.1001"));
    assert_eq!(o.unit().map(ToString::to_string).as_deref(), Some("13.71"));

    // First attempt: not found.
    for kind in [K::Schedule, K::CarryOut, K::RecordNotFound] {
        let cmd = w.command(kind);
        w.run(&mut o, &mut events, cmd);
    }
    assert_eq!(o.state(), Some(S::TidakDitemukan));
    assert_eq!(o.attempts(), 1);
    assert_eq!(o.attempts_left(), MAX_ATTEMPTS - 1);

    // Second attempt: found, and she agrees.
    for kind in [K::Schedule, K::CarryOut] {
        let cmd = w.command(kind);
        w.run(&mut o, &mut events, cmd);
    }
    let case_id = CaseId::new_v7(w.now, w.fresh_seed());
    let client_id = ClientId::new_v7(w.now, w.fresh_seed());
    w.run(&mut o, &mut events, OutreachCommand::RecordAgreement { case: CaseLink::Opens { case_id }, client_id });

    assert_eq!(o.state(), Some(S::Bersedia));
    assert!(o.is_finished());
    assert_eq!(o.attempts(), 2);
    assert_eq!(o.case_link(), Some(CaseLink::Opens { case_id }));
    assert_eq!(o.client_id(), Some(client_id));
    assert!(o.used_mobile_unit());
    let outcomes: Vec<_> = o.visits().iter().map(|v| (v.attempt, v.outcome)).collect();
    assert_eq!(outcomes, vec![(1, Some(S::TidakDitemukan)), (2, Some(S::Bersedia))]);
    assert!(o.allowed_commands().is_empty());

    // The last event links the new case.
    let last = events.last().unwrap_or_else(|| unreachable!());
    assert_eq!(last.payload, OutreachEvent::AgreementRecorded { case: CaseLink::Opens { case_id }, client_id });
    let json = serde_json::to_value(&last.payload).unwrap_or_default();
    assert_eq!(json["type"], "agreement_recorded");
    assert_eq!(json["case"]["link"], "opens");
    assert_eq!(json["case"]["case_id"], case_id.to_string());

    // Visits are numbered in the events; seq without gaps; one stream.
    let attempts: Vec<_> = events
        .iter()
        .filter_map(|e| match e.payload {
            OutreachEvent::Scheduled { attempt, .. } | OutreachEvent::CarriedOut { attempt } => Some(attempt),
            _ => None,
        })
        .collect();
    assert_eq!(attempts, vec![1, 1, 2, 2]);
    for (i, e) in events.iter().enumerate() {
        assert_eq!(e.seq, i as u64 + 1);
        assert_eq!(e.stream_id, *outreach_id.as_uuid());
    }
    assert_eq!(verify_chain(&events), Ok(()));
    assert_eq!(Outreach::replay(&events), Ok(o));

    // No personal identifiers in the events: only ids, codes and vocabulary.
    let text = serde_json::to_string(&events).unwrap_or_default();
    for key in ["\"nama\"", "\"name\"", "\"nik\"", "\"no_kk\"", "\"alamat\"", "\"address\"", "\"phone\"", "\"telepon\""]
    {
        assert!(!text.contains(key), "{key} in {text}");
    }
}

#[test]
fn a_person_may_join_an_existing_case() {
    let mut w = World::new();
    let (mut o, mut events) = w.outreach_at(S::Dilaksanakan);
    let case_id = CaseId::new_v7(w.now, w.fresh_seed());
    let client_id = ClientId::new_v7(w.now, w.fresh_seed());
    w.run(&mut o, &mut events, OutreachCommand::RecordAgreement { case: CaseLink::Joins { case_id }, client_id });
    let link = o.case_link().unwrap_or_else(|| unreachable!());
    assert!(!link.opens_case());
    assert_eq!(link.case_id(), case_id);
}

#[test]
fn attempts_are_exhausted_after_three_visits_not_finding_the_person_then_only_close() {
    let mut w = World::new();
    let (mut o, mut events) = w.outreach_at(S::Dilaporkan);
    for attempt in 1..=MAX_ATTEMPTS {
        for kind in [K::Schedule, K::CarryOut, K::RecordNotFound] {
            let cmd = w.command(kind);
            w.run(&mut o, &mut events, cmd);
        }
        assert_eq!(o.attempts(), attempt);
    }
    assert_eq!(o.state(), Some(S::TidakDitemukan));
    assert_eq!(o.attempts_left(), 0);
    assert_eq!(o.allowed_commands(), vec![K::Close]);

    let before = o.clone();
    let cmd = w.command(K::Schedule);
    let ctx = w.ctx(w.actor(Role::PekerjaSosial, false));
    let err = o.decide(&cmd, &ctx).expect_err("a fourth visit");
    assert_eq!(err.code(), ErrorCode::InvalidCommand);
    assert_eq!(err.violation, OutreachViolation::AttemptsExhausted { attempts: 3, max_attempts: 3 });
    assert_eq!(err.allowed, vec![K::Close]);
    assert_eq!(err.state, Some(S::TidakDitemukan));
    assert!(err.to_string().contains("limited attempts"), "{err}");
    assert!(err.to_string().contains("allowed now: close"), "{err}");
    assert!(err.message_id().contains("upaya terbatas"), "{}", err.message_id());
    assert!(err.message_id().contains("yang diizinkan sekarang: close"), "{}", err.message_id());
    assert_eq!(o, before, "a refused command changes nothing");

    w.run(&mut o, &mut events, OutreachCommand::Close { reason: OutreachCloseReason::TidakDitemukanBerulang });
    assert_eq!(o.state(), Some(S::Ditutup));
    assert_eq!(o.closure(), Some(OutreachCloseReason::TidakDitemukanBerulang));
    assert_eq!(o.visits().len(), 3);
    assert_eq!(Outreach::replay(&events), Ok(o));
}

#[test]
fn a_refusal_and_a_closure_need_a_reason() {
    let t = table(RuleSetId::permensos_25_2017());
    for (from, kind) in [(S::Dilaksanakan, K::RecordRefusal), (S::TidakDitemukan, K::Close), (S::Dilaporkan, K::Close)]
    {
        let row = t.row(Some(from), kind).unwrap_or_else(|| unreachable!());
        assert!(row.requires.contains(&Requirement::Reason), "{from}/{kind}");
    }
    // The reason is a typed field: a command without one does not parse.
    for bad in [
        r#"{"type":"record_refusal"}"#,
        r#"{"type":"record_refusal","reason":"malas"}"#,
        r#"{"type":"close"}"#,
        r#"{"type":"close","reason":"bosan"}"#,
    ] {
        assert!(serde_json::from_str::<OutreachCommand>(bad).is_err(), "{bad}");
    }
    let mut w = World::new();
    let (mut o, mut events) = w.outreach_at(S::Dilaksanakan);
    let cmd: OutreachCommand = serde_json::from_str(r#"{"type":"record_refusal","reason":"keluarga_menolak"}"#)
        .unwrap_or_else(|e| panic!("{e}"));
    w.run(&mut o, &mut events, cmd);
    assert_eq!(o.state(), Some(S::Menolak));
    assert_eq!(o.refusal(), Some(OutreachRefusalReason::KeluargaMenolak));
    assert_eq!(events.last().map(|e| e.payload.type_name()), Some("refusal_recorded"));
}

#[test]
fn time_cannot_run_backwards() {
    let mut w = World::new();
    let (o, _) = w.outreach_at(S::Dilaporkan);
    let before = o.clone();
    let mut ctx = w.ctx(w.actor(Role::PekerjaSosial, false));
    ctx.at = o.last_at().unwrap_or_default() - Duration::seconds(1);
    let err = o.decide(&w.command(K::Schedule), &ctx).expect_err("dated before the report");
    assert_eq!(err.code(), ErrorCode::TimeRunsBackwards);
    assert!(matches!(err.violation, OutreachViolation::TimeRunsBackwards { .. }));
    assert_eq!(o, before);
    // The same instant as the last event is fine; sub-microseconds are cut.
    ctx.at = o.last_at().unwrap_or_default() + Duration::nanoseconds(999);
    let events = o.decide(&w.command(K::Schedule), &ctx).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(Some(events[0].occurred_at), o.last_at());
}

#[test]
fn reporting_an_existing_outreach_is_refused() {
    let mut w = World::new();
    let (o, _) = w.outreach_at(S::Dijadwalkan);
    let ctx = w.ctx(w.actor(Role::Sekretaris, false));
    let err = o.decide(&w.command(K::Report), &ctx).expect_err("already reported");
    assert_eq!(err.code(), ErrorCode::OutreachExists);
    let id = o.outreach_id().unwrap_or_else(|| unreachable!());
    assert_eq!(err.violation, OutreachViolation::OutreachExists { outreach_id: id });
    assert!(err.to_string().contains(&id.to_string()));
}

#[test]
fn errors_name_the_state_the_command_the_rule_and_the_allowed_steps() {
    let mut w = World::new();
    let (o, _) = w.outreach_at(S::Dilaporkan);
    let ctx = w.ctx(w.actor(Role::PekerjaSosial, false));
    let err = o.decide(&OutreachCommand::CarryOut {}, &ctx).expect_err("not scheduled");
    let en = err.to_string();
    assert!(en.starts_with("[LK3-E020] cannot `carry_out` in outreach state `dilaporkan`"), "{en}");
    assert!(en.contains("does not allow"), "{en}");
    assert!(en.ends_with("allowed now: schedule, close"), "{en}");
    assert_eq!(err.message_en(), en);
    let id = err.message_id();
    assert!(id.starts_with("[LK3-E020] tidak dapat `carry_out` pada status penjangkauan `dilaporkan`"), "{id}");
    assert!(id.ends_with("yang diizinkan sekarang: schedule, close"), "{id}");
    let json = serde_json::to_value(&err).unwrap_or_default();
    assert_eq!(json["violation"]["rule"], "transition_not_allowed");
    assert_eq!(json["state"], "dilaporkan");
    assert_eq!(json["command"], "carry_out");
}

#[test]
fn the_table_is_the_design_and_exports_as_penjangkauan() {
    let t = table(RuleSetId::permensos_25_2017());
    assert_eq!(t.terminal(), &[S::Bersedia, S::Menolak, S::Ditutup]);
    assert_eq!(t.states(), S::ALL.to_vec());
    // Every command has a row; the rows ask only for what decide checks.
    for kind in K::ALL {
        assert!(t.rows().iter().any(|r| r.command == *kind), "{kind}");
    }
    for row in t.rows() {
        assert!(
            row.requires.iter().all(|r| matches!(r, Requirement::Reason | Requirement::AttemptsRemaining)),
            "{}",
            row.command
        );
        assert!(row.from.is_none_or(|s| !t.is_terminal(s)), "no step leaves a terminal state");
    }
    assert_eq!(max_attempts(RuleSetId::permensos_16_2013()), 3);
    assert_eq!(max_attempts(RuleSetId::permensos_25_2017()), MAX_ATTEMPTS);

    let m = machine_export(RuleSetId::permensos_25_2017());
    assert_eq!(m.name, "penjangkauan");
    let terminal: Vec<_> = m.states.iter().filter(|s| s.terminal).map(|s| s.id.as_str()).collect();
    assert_eq!(terminal, vec!["bersedia", "menolak", "ditutup"]);
    assert!(
        m.transitions
            .iter()
            .any(|t| t.from.as_deref() == Some("tidak_ditemukan") && t.to == "dijadwalkan" && t.command == "schedule")
    );
    assert_eq!(m.transitions.len(), t.rows().len());
    // Labels in both languages.
    assert_eq!(S::TidakDitemukan.label_en(), "Not found");
    assert_eq!(ReporterKind::Bhabinkamtibmas.id(), "bhabinkamtibmas");
}

#[test]
fn a_changed_event_is_found_by_replay() {
    let mut w = World::new();
    let (_, mut events) = w.outreach_at(S::Menolak);
    events[1].payload = OutreachEvent::Scheduled { attempt: 1, mobile_unit: false, planned_for: w.now };
    let err = Outreach::replay(&events).expect_err("tampered");
    assert!(matches!(err, ReplayError::Chain(ChainError::HashMismatch { seq: 2, .. })), "{err}");
}

#[test]
fn malformed_command_json_is_an_error_not_a_panic() {
    for bad in [
        "",
        "{}",
        "null",
        r#"{"type":"no_such_command"}"#,
        r#"{"type":"carry_out","extra":1}"#,
        r#"{"type":"schedule","mobile_unit":true}"#,
        r#"{"type":"schedule","planned_for":"tomorrow","mobile_unit":true}"#,
        r#"{"type":"record_agreement","case":{"link":"adopts","case_id":"0190d1c4-7c00-7000-8000-000000000000"},"client_id":"0190d1c4-7c00-7000-8000-000000000001"}"#,
        r#"{"type":"record_agreement","case":{"link":"opens"},"client_id":"0190d1c4-7c00-7000-8000-000000000001"}"#,
        r#"{"type":"report","outreach_id":"x","unit":"13.71","reported_by":"ketua_rt","sasaran":"individu"}"#,
        r#"{"type":"report","outreach_id":"0190d1c4-7c00-7000-8000-000000000000","unit":"13.71","reported_by":"ketua_rt","sasaran":"individu","nama":"Siti"}"#,
    ] {
        assert!(serde_json::from_str::<OutreachCommand>(bad).is_err(), "{bad}");
    }
    let deep = "[".repeat(100_000);
    assert!(serde_json::from_str::<OutreachCommand>(&deep).is_err());
    // The minimal report: problems and kode_wilayah may be left out.
    let ok = r#"{"type":"report","outreach_id":"0190d1c4-7c00-7000-8000-000000000000","unit":"13.71","reported_by":"bhabinkamtibmas","sasaran":"keluarga"}"#;
    let cmd: OutreachCommand = serde_json::from_str(ok).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(cmd.kind(), K::Report);
}

// ---------------------------------------------------------------------------
// Properties

/// One step of a random run.
#[derive(Debug, Clone)]
struct Step {
    pick: u8,
    prefer_allowed: bool,
    actor: u8,
    variant: u8,
    minutes: i16,
}

fn step() -> impl Strategy<Value = Step> {
    (any::<u8>(), prop::bool::weighted(0.85), any::<u8>(), any::<u8>(), prop_oneof![9 => 0i16..600, 1 => -120i16..0])
        .prop_map(|(pick, prefer_allowed, actor, variant, minutes)| Step {
            pick,
            prefer_allowed,
            actor,
            variant,
            minutes,
        })
}

fn pick<T: Copy>(all: &[T], variant: u8) -> T {
    all[variant as usize % all.len()]
}

fn command_for(w: &mut World, kind: K, variant: u8) -> OutreachCommand {
    let mut cmd = w.command(kind);
    match &mut cmd {
        OutreachCommand::Report { reported_by, sasaran, problems, kode_wilayah, .. } => {
            *reported_by = pick(ReporterKind::ALL, variant);
            *sasaran = pick(Sasaran::ALL, variant / 7);
            if variant & 0x80 != 0 {
                problems.push(pick(Problem::ALL, variant));
                *kode_wilayah = None;
            }
        }
        OutreachCommand::Schedule { mobile_unit, planned_for } => {
            *mobile_unit = variant & 1 == 1;
            *planned_for += Duration::hours(i64::from(variant));
        }
        OutreachCommand::RecordAgreement { case, .. } if variant & 1 == 1 => {
            *case = CaseLink::Joins { case_id: case.case_id() };
        }
        OutreachCommand::RecordRefusal { reason } => *reason = pick(OutreachRefusalReason::ALL, variant),
        OutreachCommand::Close { reason } => *reason = pick(OutreachCloseReason::ALL, variant),
        _ => {}
    }
    cmd
}

/// What a random run went through: the states reached and the error codes met.
#[derive(Default)]
struct Seen {
    states: std::collections::BTreeSet<S>,
    codes: std::collections::BTreeSet<ErrorCode>,
}

fn run(steps: &[Step]) -> Result<Seen, TestCaseError> {
    let t = table(RuleSetId::permensos_25_2017());
    let mut seen = Seen::default();
    let mut w = World::new();
    let mut o = Outreach::default();
    let mut events: Vec<OutreachEventRecord> = Vec::new();
    for s in steps {
        let allowed = t.allowed(o.state());
        let kind = if s.prefer_allowed && !allowed.is_empty() { pick(&allowed, s.pick) } else { pick(K::ALL, s.pick) };
        let actor = match t.row(o.state(), kind) {
            Some(row) if s.actor < 220 => w.actor(pick(&row.roles, s.actor), s.actor & 1 == 1),
            _ => pick(&w.staff, s.actor),
        };
        let cmd = command_for(&mut w, kind, s.variant);
        let mut ctx = w.ctx(actor);
        ctx.at += Duration::minutes(i64::from(s.minutes));
        w.now = w.now.max(ctx.at);
        let before = o.clone();
        match o.decide(&cmd, &ctx) {
            Err(e) => {
                seen.codes.insert(e.code());
                prop_assert_eq!(&o, &before, "a refusal changes nothing");
                prop_assert_eq!(e.command, kind);
                prop_assert_eq!(e.state, o.state());
                prop_assert_eq!(&e.allowed, &o.allowed_commands());
                prop_assert!(!e.to_string().is_empty() && !e.message_id().is_empty());
                if e.code() == ErrorCode::InvalidCommand {
                    prop_assert_eq!(kind, K::Schedule);
                    prop_assert_eq!(o.attempts(), MAX_ATTEMPTS);
                }
            }
            Ok(new) => {
                prop_assert_eq!(new.len(), 1);
                let e = &new[0];
                let row = t.row(o.state(), e.payload.command_kind());
                prop_assert!(row.is_some(), "{} not allowed from {:?}", e.payload.type_name(), o.state());
                prop_assert!(row.is_some_and(|r| r.roles.contains(&e.actor.role)));
                if let OutreachEvent::Scheduled { attempt, .. } = e.payload {
                    prop_assert_eq!(attempt, o.attempts() + 1);
                    prop_assert!(attempt <= MAX_ATTEMPTS);
                }
                o.apply(e);
                prop_assert_eq!(o.state(), row.map(|r| r.to));
                seen.states.extend(o.state());
                events.extend(new);
            }
        }
        prop_assert!(o.attempts() <= o.max_attempts());
        prop_assert!(o.visits().len() as u32 <= MAX_ATTEMPTS);
        prop_assert_eq!(o.state() == Some(S::Bersedia), o.case_link().is_some());
        prop_assert_eq!(o.state() == Some(S::Menolak), o.refusal().is_some());
    }
    // seq without gaps, one stream, time never runs backwards.
    for (i, e) in events.iter().enumerate() {
        prop_assert_eq!(e.seq, i as u64 + 1);
        if i > 0 {
            prop_assert!(events[i - 1].occurred_at <= e.occurred_at);
            prop_assert_eq!(e.stream_id, events[0].stream_id);
        }
    }
    prop_assert!(verify_chain(&events).is_ok());
    let replayed = Outreach::replay(&events).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(&replayed, &o);
    let json = serde_json::to_string(&events).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let back: Vec<OutreachEventRecord> = serde_json::from_str(&json).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(&back, &events);
    prop_assert!(verify_chain(&back).is_ok());
    Ok(seen)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn any_command_sequence_keeps_every_invariant(steps in prop::collection::vec(step(), 1..80)) {
        run(&steps)?;
    }

    #[test]
    fn commands_round_trip_through_json(kind in any::<u8>(), variant in any::<u8>()) {
        let mut w = World::new();
        let kind = pick(K::ALL, kind);
        let cmd = command_for(&mut w, kind, variant);
        let json = serde_json::to_value(&cmd).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(json["type"].as_str(), Some(kind.id()));
        let back: OutreachCommand = serde_json::from_value(json).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(back, cmd);
    }
}

/// The generator is not vacuous: random runs reach every state and meet
/// every kind of refusal, the exhausted attempts included.
#[test]
fn random_runs_reach_every_state_and_every_refusal() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = prop::collection::vec(step(), 40..120);
    let mut all = Seen::default();
    for _ in 0..600 {
        let steps = strategy.new_tree(&mut runner).expect("generates").current();
        let seen = run(&steps).expect("invariants hold");
        all.states.extend(seen.states);
        all.codes.extend(seen.codes);
    }
    assert_eq!(all.states.len(), S::ALL.len(), "visited only {:?}", all.states);
    for code in [
        ErrorCode::TransitionNotAllowed,
        ErrorCode::RoleNotAllowed,
        ErrorCode::TimeRunsBackwards,
        ErrorCode::OutreachExists,
        ErrorCode::OutreachNotFound,
        ErrorCode::InvalidCommand,
    ] {
        assert!(all.codes.contains(&code), "never refused with {code}: {:?}", all.codes);
    }
}
