//! The rule set `permensos-16-2013`: Permensos 16/2013 tentang LK3
//! (BN 2013 No. 1509), replaced by Permensos 25/2017.
//!
//! What is read in a source and what is our reading of practice is tagged as
//! in `shared/research/domain.md`: \[R\] read, \[I\] our reading, \[M\] recalled
//! and not checked against the official text.

pub mod case;
pub mod outreach;
pub mod services;

use chrono::{Duration, NaiveDate};

use super::{Deadline, Period, RuleSet};
use crate::label::Labelled;
use crate::vocab::{Sasaran, TaskKind};

/// Its name.
pub const NAME: &str = "permensos-16-2013";

/// The rule set.
pub fn rule_set() -> RuleSet {
    RuleSet {
        name: NAME.to_owned(),
        title_id: "Permensos 16/2013 tentang LK3".to_owned(),
        title_en: "Minister of Social Affairs Regulation 16/2013 on LK3".to_owned(),
        source: "Permensos 16/2013 (BN 2013/1509); stages per PP 39/2012 Pasal 7(2) and the Kemensos generalist process; see shared/research/domain.md".to_owned(),
        effective: Some(Period {
            // [I] BN 2013 No. 1509 places its promulgation in 2013; the day was
            // not read (domain.md §1): cases of 2013 are taken under it. It
            // ends the day before Permensos 25/2017 (see there).
            from: NaiveDate::from_ymd_opt(2013, 1, 1).unwrap_or_default(),
            until: NaiveDate::from_ymd_opt(2017, 12, 31),
            source: "[I] promulgated 2013 (BN 2013/1509, day not read); replaced by Permensos 25/2017 (BN 2018/49) [R: S2]".to_owned(),
        }),
        case: case::table(),
        services: services::services(),
        outreach: outreach::outreach(),
        // Sasaran as the older wording lists them [R: S7]; lk3's list (DESIGN §3).
        sasaran: Sasaran::ALL.to_vec(),
        deadlines: deadlines(),
    }
}

/// The deadlines on the work around a case. Only the consent withdrawal's
/// is law; the others are lk3's defaults for practice (no regulation read
/// sets them), kept here so a rule set can change them.
pub fn deadlines() -> Vec<Deadline> {
    let d = |task, within, source: &str| Deadline { task, within, source: source.to_owned() };
    vec![
        d(
            TaskKind::Asesmen,
            Duration::days(14),
            "[I] two weeks from the contract to a completed assessment (no regulation read sets one)",
        ),
        d(
            TaskKind::SesiKonseling,
            Duration::days(14),
            "[I] a counselling session at least every two weeks while the service is open",
        ),
        d(
            TaskKind::BimbinganLanjut,
            Duration::days(30),
            "[I] aftercare followed up within a month of its start (Kemensos generalist follow-up [R: S17, S18])",
        ),
        d(
            TaskKind::PencabutanPersetujuan,
            Duration::hours(72),
            "[R: S28] UU 27/2022: processing stops within 3x24 hours of a consent withdrawal",
        ),
    ]
}
