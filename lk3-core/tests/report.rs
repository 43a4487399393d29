//! The unit report counts by the unit's local dates.

mod common;

use chrono::{NaiveDate, TimeZone, Utc};
use common::World;
use lk3_core::case::CaseCommand;
use lk3_core::ids::TimeZoneId;
use lk3_core::report::{ActivityRecord, unit_report};
use lk3_core::service::ParticipantCount;
use lk3_core::vocab::{Role, Sasaran, ServiceKind, Stage};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a date")
}

#[test]
fn cases_count_by_the_units_local_date_and_their_figures_add_up() {
    let unit = "64.74".parse().expect("unit");
    let mut cases = Vec::new();
    for stage in [Stage::Kontak, Stage::Intervensi, Stage::Ditutup] {
        let mut w = World::new();
        cases.push(w.case_at(stage).0);
    }
    // The World starts at 2019-03-04 01:00 UTC = 09:00 WITA.
    let report = unit_report(&unit, TimeZoneId::Wita, date(2019, 3, 4), date(2019, 3, 4), &cases);
    assert_eq!(report.cases_opened, 3);
    assert_eq!(report.clients_new, 1 + 2 + 2, "an unregistered contact counts as one");
    assert_eq!(report.by_stage.iter().map(|c| c.count).sum::<u32>(), 3);
    let konseling = report.services.iter().find(|s| s.service == ServiceKind::Konseling).expect("konseling");
    assert_eq!((konseling.delivered, konseling.closed), (2, 1), "open in intervensi, closed in the closed case");
    assert!(report.referrals.is_empty());
    // A day earlier in WITA, nothing.
    assert_eq!(unit_report(&unit, TimeZoneId::Wita, date(2019, 3, 3), date(2019, 3, 3), &cases).cases_opened, 0);
    // Another unit's report does not see these cases.
    let other = "13.71".parse().expect("unit");
    assert_eq!(unit_report(&other, TimeZoneId::Wib, date(2019, 1, 1), date(2019, 12, 31), &cases).cases_opened, 0);
}

#[test]
fn a_late_evening_contact_counts_on_its_local_date() {
    let mut w = World::new();
    // 2019-12-31 23:30 WITA is 15:30 UTC the same day; 00:30 WITA on 1 January is 16:30 UTC on 31 December.
    w.now = Utc.with_ymd_and_hms(2019, 12, 31, 16, 29, 0).single().expect("time");
    let (case, _) = w.case_at(Stage::Kontak);
    let unit = "64.74".parse().expect("unit");
    let in_2020 =
        unit_report(&unit, TimeZoneId::Wita, date(2020, 1, 1), date(2020, 1, 31), std::slice::from_ref(&case));
    let in_2019 =
        unit_report(&unit, TimeZoneId::Wita, date(2019, 1, 1), date(2019, 12, 31), std::slice::from_ref(&case));
    assert_eq!((in_2019.cases_opened, in_2020.cases_opened), (0, 1));
}

#[test]
fn group_informasi_is_an_activity_and_people_reached() {
    let mut w = World::new();
    let (mut case, mut ev) = w.case_at(Stage::Kontak);
    let participants = vec![ParticipantCount { count: 40, sasaran: Sasaran::Kelompok }];
    let cmd = CaseCommand::ResolveOnSpot { service: ServiceKind::Informasi, problems: vec![], participants };
    w.run(&mut case, &mut ev, w.actor(Role::PekerjaSosial, false), cmd);
    let activity = ActivityRecord::from_case(&case, TimeZoneId::Wita).expect("an activity");
    assert_eq!((activity.service, activity.participants[0].count), (ServiceKind::Informasi, 40));
    let report =
        unit_report(&"64.74".parse().expect("unit"), TimeZoneId::Wita, date(2019, 1, 1), date(2019, 12, 31), &[case]);
    assert_eq!(report.people_reached[0].count, 40);
    let json = serde_json::to_vec(&report).expect("json");
    let checked = lk3_core::validate::validate(&json, None, &lk3_core::validate::Limits::default());
    assert_eq!(checked.document.as_deref(), Some("report"));
    assert!(checked.valid, "{:?}", checked.findings);
}
