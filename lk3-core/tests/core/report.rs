//! The report's period semantics: what happened in a period of the unit's
//! local dates, read from the events, never from the cases as they are now.

use crate::common;

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use common::World;
use lk3_core::case::{Case, CaseCommand, CaseEventRecord};
use lk3_core::ids::{TimeZoneId, UnitCode};
use lk3_core::report::{ActivityRecord, Count, Figures, Report, ReportError, UnitTally};
use lk3_core::rules::RuleSetId;
use lk3_core::service::ParticipantCount;
use lk3_core::vocab::{ReopenReason, Role, Sasaran, ServiceKind, Stage};
use lk3_core::{ErrorCode, Lk3Error};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a date")
}

fn unit() -> UnitCode {
    "64.74".parse().expect("unit")
}

/// The figures of `cases` (each a case's events) for local dates `from..=to`.
fn figures(cases: &[&[CaseEventRecord]], from: NaiveDate, to: NaiveDate) -> Figures {
    let mut tally = UnitTally::new(&unit(), from, to).expect("a period");
    for events in cases {
        tally.add_case(events);
    }
    Report::of_units(from, to, None, vec![tally.finish(&BTreeMap::new())]).total
}

#[test]
fn every_stage_of_every_rule_set_counts_as_its_case_table_says() {
    // Generated from the tables: a case taken to each stage within one day
    // is active, opened, in that stage at the day's end, closed exactly when
    // the stage is terminal, and open at the end otherwise.
    let mut checked = 0;
    for rule_set in RuleSetId::all() {
        let table = &rule_set.rules().case;
        for stage in table.states() {
            let mut w = World::new().under(rule_set);
            let (_, events) = w.case_at(stage);
            let day = date(2019, 3, 4);
            let f = figures(&[&events], day, day);
            let terminal = table.is_terminal(stage);
            assert_eq!((f.cases.active, f.cases.opened, f.cases.carried_over), (1, 1, 0), "{rule_set} {stage}");
            assert_eq!(f.by_stage, vec![Count { value: stage, count: 1 }], "{rule_set} {stage}");
            assert_eq!(f.cases.closed, u64::from(terminal), "{rule_set} {stage}");
            assert_eq!(f.cases.open_at_end, u64::from(!terminal), "{rule_set} {stage}");
            assert_eq!(f.by_rule_set, vec![Count { value: rule_set, count: 1 }]);
            let registered = stage != Stage::Kontak;
            assert_eq!(f.clients.served, if registered { 2 } else { 0 }, "{rule_set} {stage}");
            assert_eq!(f.clients.new, f.clients.served, "first served today");
            assert_eq!(f.clients.unregistered_contacts, u64::from(!registered));
            // The day before sees nothing; the day after sees the case carried
            // over when it is still open, and nothing when it was closed.
            assert_eq!(figures(&[&events], date(2019, 3, 3), date(2019, 3, 3)), Figures::default());
            let next = figures(&[&events], date(2019, 3, 5), date(2019, 3, 5));
            assert_eq!((next.cases.active, next.cases.carried_over), (u64::from(!terminal), u64::from(!terminal)));
            assert_eq!(next.cases.opened + next.cases.closed, 0, "{rule_set} {stage}");
            checked += 1;
        }
    }
    assert!(checked >= 2 * 10, "every stage of both rule sets: {checked}");
}

#[test]
fn an_open_case_is_carried_over_into_the_next_year_and_its_clients_continue() {
    let mut w = World::new();
    let (_, open) = w.case_at(Stage::Intervensi);
    let (_, closed) = w.case_at(Stage::Ditutup);
    let f = figures(&[&open, &closed], date(2020, 1, 1), date(2020, 12, 31));
    assert_eq!((f.cases.active, f.cases.carried_over, f.cases.opened), (1, 1, 0), "the closed case is over");
    assert_eq!((f.clients.served, f.clients.new, f.clients.continuing), (2, 0, 2));
    assert_eq!(f.services.iter().map(|s| s.started).sum::<u64>(), 0, "nothing started in 2020");
    // The year before saw both cases opened.
    let f = figures(&[&open, &closed], date(2019, 1, 1), date(2019, 12, 31));
    assert_eq!((f.cases.active, f.cases.opened, f.cases.closed, f.cases.open_at_end), (2, 2, 1, 1));
    assert_eq!((f.clients.served, f.clients.new), (2, 2), "the same two people in both cases");
}

#[test]
fn a_client_served_in_an_earlier_case_is_continuing_in_a_new_one() {
    let mut w = World::new();
    let (_, first) = w.case_at(Stage::Ditutup);
    w.now = Utc.with_ymd_and_hms(2020, 2, 3, 1, 0, 0).single().expect("time");
    let (_, second) = w.case_at(Stage::Asesmen);
    let (from, to) = (date(2020, 1, 1), date(2020, 12, 31));
    // Fed the earlier case's events, or only its clients (what a store does
    // for a case wholly before the period), the answer is the same.
    let by_events = figures(&[&first, &second], from, to);
    let mut tally = UnitTally::new(&unit(), from, to).expect("a period");
    tally.add_earlier_clients([w.adult, w.child]);
    tally.add_case(&second);
    let by_clients = Report::of_units(from, to, None, vec![tally.finish(&BTreeMap::new())]).total;
    assert_eq!(by_events, by_clients);
    assert_eq!((by_events.cases.opened, by_events.clients.new, by_events.clients.continuing), (1, 0, 2));
}

#[test]
fn what_happens_after_the_period_does_not_change_its_report() {
    let mut w = World::new();
    let (mut case, mut events) = w.case_at(Stage::Evaluasi);
    let (from, to) = (date(2019, 3, 1), date(2019, 3, 31));
    let before = figures(&[&events], from, to);
    // A year later the case is terminated and closed.
    w.now += Duration::days(365);
    let peksos = w.actor(Role::PekerjaSosial, false);
    w.run(
        &mut case,
        &mut events,
        peksos,
        CaseCommand::Terminate { reason: lk3_core::vocab::TerminationReason::TujuanTercapai },
    );
    w.run(&mut case, &mut events, w.actor(Role::Ketua, false), CaseCommand::ApproveClosure {});
    assert_eq!(figures(&[&events], from, to), before);
    assert_eq!(before.by_stage, vec![Count { value: Stage::Evaluasi, count: 1 }]);
}

#[test]
fn a_case_closed_and_reopened_in_the_period_counts_both() {
    let mut w = World::new();
    let (mut case, mut events) = w.case_at(Stage::Ditutup);
    let cmd = CaseCommand::Reopen { reason: ReopenReason::Kambuh };
    w.run(&mut case, &mut events, w.actor(Role::Ketua, false), cmd);
    let f = figures(&[&events], date(2019, 3, 1), date(2019, 3, 31));
    assert_eq!((f.cases.closed, f.cases.reopened, f.cases.open_at_end), (1, 1, 1));
    // First served this month, but in a reopened case: continuing (klien binaan lanjutan).
    assert_eq!((f.clients.served, f.clients.new, f.clients.continuing), (2, 0, 2));
    // The next month: carried over (open at its start), neither closed nor reopened.
    let f = figures(&[&events], date(2019, 4, 1), date(2019, 4, 30));
    assert_eq!((f.cases.active, f.cases.carried_over, f.cases.reopened, f.cases.closed), (1, 1, 0, 0));
}

#[test]
fn a_late_evening_contact_counts_on_its_local_date() {
    let mut w = World::new();
    // 2019-12-31 23:29 WITA is 15:29 UTC; the first command comes a minute later.
    w.now = Utc.with_ymd_and_hms(2019, 12, 31, 15, 29, 0).single().expect("time");
    let (_, in_2019) = w.case_at(Stage::Kontak);
    // 00:30 WITA on 1 January 2020 is 16:30 UTC on 31 December.
    w.now = Utc.with_ymd_and_hms(2019, 12, 31, 16, 29, 0).single().expect("time");
    let (_, in_2020) = w.case_at(Stage::Kontak);
    let year = |y| figures(&[&in_2019, &in_2020], date(y, 1, 1), date(y, 12, 31)).cases.opened;
    assert_eq!((year(2019), year(2020)), (1, 1));
}

#[test]
fn group_informasi_is_an_activity_not_a_case_and_its_people_are_not_clients() {
    let mut w = World::new();
    let (mut case, mut ev) = w.case_at(Stage::Kontak);
    let participants = vec![
        ParticipantCount { count: 40, sasaran: Sasaran::Kelompok },
        ParticipantCount { count: 12, sasaran: Sasaran::Keluarga },
    ];
    let cmd = CaseCommand::ResolveOnSpot { service: ServiceKind::Informasi, problems: vec![], participants };
    w.run(&mut case, &mut ev, w.actor(Role::PekerjaSosial, false), cmd);
    let activity = ActivityRecord::from_case(&case, TimeZoneId::Wita).expect("an activity");
    assert_eq!(activity.service, ServiceKind::Informasi);
    let f = figures(&[&ev], date(2019, 1, 1), date(2019, 12, 31));
    assert_eq!((f.cases.active, f.clients.served, f.clients.unregistered_contacts), (0, 0, 0));
    assert_eq!(f.activities.len(), 1);
    assert_eq!((f.activities[0].activities, f.activities[0].people_reached), (1, 52));
}

#[test]
fn a_region_adds_its_units_up_and_the_document_is_valid() {
    let (from, to) = (date(2019, 1, 1), date(2019, 12, 31));
    let mut tallies = Vec::new();
    let mut per_unit = Vec::new();
    for (code, stage) in [("64.74", Stage::Intervensi), ("64.72", Stage::Ditutup), ("64.74-PKK", Stage::Asesmen)] {
        let mut w = World::new();
        w.unit = code;
        let (case, events): (Case, _) = w.case_at(stage);
        assert_eq!(case.unit().map(ToString::to_string).as_deref(), Some(code));
        let u: UnitCode = code.parse().expect("unit");
        let mut tally = UnitTally::new(&u, from, to).expect("a period");
        tally.add_case(&events);
        tallies.push(tally.finish(&BTreeMap::new()));
        per_unit.push(u);
    }
    let report = Report::of_units(from, to, Some("64".parse().expect("kode")), tallies);
    assert_eq!(report.units.iter().map(|u| u.unit).collect::<Vec<_>>(), {
        per_unit.sort();
        per_unit
    });
    assert_eq!(report.total.cases.active, 3);
    assert_eq!(report.total.clients.served, 6, "each unit keeps its own registry");
    for (i, s) in report.total.summary().iter().enumerate() {
        let sum: u64 = report.units.iter().map(|u| u.figures.summary()[i]).sum();
        assert_eq!(*s, sum, "{}", Figures::summary_columns()[i].name);
    }
    let names = report.section_names();
    assert_eq!(names.first(), Some(&"summary"));
    assert_eq!(names.last(), Some(&"units"));
    let json = serde_json::to_vec(&report).expect("json");
    let checked = lk3_core::validate::validate(&json, None, &lk3_core::validate::Limits::default());
    assert_eq!(checked.document.as_deref(), Some("report"));
    assert!(checked.valid, "{:?}", checked.findings);
    let back: Report = serde_json::from_slice(&json).expect("reads back");
    assert_eq!(back, report);
}

#[test]
fn a_period_that_cannot_be_reported_on_is_a_typed_error() {
    let e = UnitTally::new(&unit(), date(2019, 12, 31), date(2019, 1, 1)).expect_err("reversed");
    assert!(matches!(e, ReportError::PeriodReversed { .. }));
    assert_eq!(e.code(), ErrorCode::ReportPeriod);
    assert!(e.message_id().contains("sebelum"));
    let e = UnitTally::new(&unit(), date(1899, 12, 31), date(1900, 1, 31)).expect_err("before 1900");
    assert!(matches!(e, ReportError::PeriodOutOfRange { .. }));
}
