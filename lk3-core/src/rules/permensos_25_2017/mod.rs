//! The rule set `permensos-25-2017`: Permensos 25/2017 tentang LK3
//! (BN 2018 No. 49, "KEMENSOS. LK3. Pencabutan"), which revoked and
//! replaced Permensos 16/2013 \[R: domain.md §1, §8, S2\].
//!
//! Tags as in `shared/research/domain.md`: \[R: Sx\] read in source Sx, \[I\] our
//! reading, \[M\] recalled and not checked. Only the regulation's first page
//! was read (domain.md §0): its service list comes from Dinas Sosial
//! statements quoting it \[R: S6\]; its stage list was not read, and the case
//! lifecycle is 16/2013's generalist process unchanged \[I\].

pub mod services;

use chrono::NaiveDate;

use super::{OutreachSpec, Period, RuleSet, permensos_16_2013};
use crate::vocab::Sasaran;

/// Its name.
pub const NAME: &str = "permensos-25-2017";

/// The first local date under 25/2017 \[I\]: it is gazetted as BN 2018 No. 49,
/// an early number of 2018, and takes effect when promulgated ("mulai
/// berlaku pada tanggal diundangkan" is the regulation form \[M\]); the day
/// itself was not read, so the year's first day is taken until the official
/// text is checked (domain.md §1).
pub const EFFECTIVE_FROM: (i32, u32, u32) = (2018, 1, 1);

/// The rule set.
pub fn rule_set() -> RuleSet {
    let (y, m, d) = EFFECTIVE_FROM;
    RuleSet {
        name: NAME.to_owned(),
        title_id: "Permensos 25/2017 tentang LK3".to_owned(),
        title_en: "Minister of Social Affairs Regulation 25/2017 on LK3".to_owned(),
        source: "Permensos 25/2017 (BN 2018/49) [R: S2]; services as quoted by Dinas Sosial [R: S6]; lifecycle of 16/2013 [I]; see shared/research/domain.md §8".to_owned(),
        effective: Some(Period {
            from: NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default(),
            until: None,
            source: "[R: S2] BN 2018 No. 49; [I] the first day of 2018 (the promulgation day was not read); [R: S12] still cited in 2025".to_owned(),
        }),
        // [I] The stage list of 25/2017 was not read (domain.md §8): the
        // generalist lifecycle of 16/2013 stands.
        case: permensos_16_2013::case::table(),
        services: services::services(),
        outreach: OutreachSpec {
            source: "[I] penjangkauan is not in the quoted 25/2017 list [R: S6] but stays LK3 practice (jemput bola) [R: domain.md §5 D, S11]".to_owned(),
            ..permensos_16_2013::outreach::outreach()
        },
        // [R: S6] individu, keluarga, kelompok, organisasi, masyarakat.
        sasaran: vec![Sasaran::Individu, Sasaran::Keluarga, Sasaran::Kelompok, Sasaran::Organisasi, Sasaran::Masyarakat],
        // [I] The same defaults and the same law (UU 27/2022 applies to both).
        deadlines: permensos_16_2013::deadlines(),
    }
}
