//! Scenario (d), Tanjungpinang 2017: LK3 Bina Sejahtera holds a sosialisasi
//! for students of the SLTP and RT heads of the city at the Dinas Sosial hall
//! (seed report 001), recorded as group informasi with participant counts by
//! sasaran. The report says "hundreds"; the counts here are illustrative.
//!
//! `cargo run --example scenario_sosialisasi`

#[path = "common/office.rs"]
mod office;

use chrono::{TimeZone, Utc};
use lk3::core::case::{CaseCommand, CommandProblem, Violation};
use lk3::core::ids::{CaseId, CaseNumber, KodeWilayah, TimeZoneId};
use lk3::core::service::ParticipantCount;
use lk3::core::vocab::{ContactChannel, Problem, Role, Sasaran, ServiceKind, Stage};
use office::{Folder, Office};

/// Runs the scenario, asserts its outcomes, returns the people reached.
pub fn run() -> u32 {
    // Kota Tanjungpinang, Kepulauan Riau: WIB. 23 May 2017, 09:00 local.
    let region: KodeWilayah = "21.72".parse().expect("a kode wilayah");
    assert_eq!(region.time_zone(), Some(TimeZoneId::Wib));
    let start = Utc.with_ymd_and_hms(2017, 5, 23, 2, 0, 0).single().expect("a time");
    let mut o = Office::new("21.72", start, &[("sekretaris", Role::Sekretaris), ("peksos", Role::PekerjaSosial)]);
    let mut f = Folder::default();
    let case_id = CaseId::new_v7(start, o.seed());
    let (unit, case_number) = (o.unit, CaseNumber::new(o.unit, 2017, 31));
    o.run(
        &mut f,
        "sekretaris",
        CaseCommand::RecordContact {
            case_id,
            unit,
            case_number,
            channel: ContactChannel::DatangLangsung,
            sasaran: Sasaran::Kelompok,
            referred_by: None,
        },
    );
    let resolve = |participants| CaseCommand::ResolveOnSpot {
        service: ServiceKind::Informasi,
        problems: vec![Problem::KonflikKeluarga, Problem::PsikososialRuhani],
        participants,
    };
    // A group informasi without counts is refused, and so is a zero count.
    let err = o.try_run(&mut f, "peksos", resolve(vec![])).expect_err("counts needed");
    assert_eq!(err.violation, Violation::InvalidCommand { problem: CommandProblem::ParticipantsRequired });
    let zero = vec![ParticipantCount { count: 0, sasaran: Sasaran::Kelompok }];
    assert!(o.try_run(&mut f, "peksos", resolve(zero)).is_err());
    let counts = vec![
        ParticipantCount { count: 240, sasaran: Sasaran::Kelompok }, // students of the SLTP
        ParticipantCount { count: 85, sasaran: Sasaran::Masyarakat }, // RT heads
    ];
    o.run(&mut f, "peksos", resolve(counts));
    assert_eq!(f.case.stage(), Some(Stage::Ditutup));
    assert_eq!(f.case.on_spot_service(), Some(ServiceKind::Informasi));
    let reached: u32 = f.case.participants().iter().map(|p| p.count).sum();
    assert_eq!(reached, 325);
    reached
}

#[cfg_attr(test, allow(dead_code))]
fn main() {
    println!("sosialisasi reached {} people", run());
}
