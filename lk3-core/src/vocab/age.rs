//! Age bands: how reports and pseudonymised frames show an age. The child
//! bands follow UU 35/2014 (a child is under 18) \[R\], the adult ones BPS's
//! usual groups \[I\].

use chrono::{Datelike, NaiveDate};

use crate::label::{Labelled, labelled_enum};

labelled_enum! {
    /// An age band, youngest first.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use lk3_core::vocab::AgeBand;
    /// let birth = NaiveDate::from_ymd_opt(2002, 12, 31).unwrap();
    /// let on = NaiveDate::from_ymd_opt(2019, 12, 31).unwrap();
    /// assert_eq!(AgeBand::on(birth, on), Some(AgeBand::Remaja));
    /// ```
    pub enum AgeBand {
        /// 0 to 4 years.
        Balita = ("0-4", "0–4 tahun", "0–4 years"),
        /// 5 to 9 years.
        AnakAwal = ("5-9", "5–9 tahun", "5–9 years"),
        /// 10 to 14 years.
        Anak = ("10-14", "10–14 tahun", "10–14 years"),
        /// 15 to 17 years: still a child in law.
        Remaja = ("15-17", "15–17 tahun", "15–17 years"),
        /// 18 to 24 years.
        DewasaMuda = ("18-24", "18–24 tahun", "18–24 years"),
        /// 25 to 34 years.
        Dewasa25 = ("25-34", "25–34 tahun", "25–34 years"),
        /// 35 to 44 years.
        Dewasa35 = ("35-44", "35–44 tahun", "35–44 years"),
        /// 45 to 59 years.
        Dewasa45 = ("45-59", "45–59 tahun", "45–59 years"),
        /// 60 years and older (lanjut usia).
        Lansia = ("60+", "60 tahun ke atas", "60 years and older"),
    }
}

/// Whole years from `birth` to `on`; `None` for a birth date after `on`.
pub fn age(birth: NaiveDate, on: NaiveDate) -> Option<u32> {
    let mut years = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    u32::try_from(years).ok()
}

impl AgeBand {
    /// The band of `age` whole years.
    pub fn of_age(age: u32) -> Self {
        match age {
            0..=4 => Self::Balita,
            5..=9 => Self::AnakAwal,
            10..=14 => Self::Anak,
            15..=17 => Self::Remaja,
            18..=24 => Self::DewasaMuda,
            25..=34 => Self::Dewasa25,
            35..=44 => Self::Dewasa35,
            45..=59 => Self::Dewasa45,
            _ => Self::Lansia,
        }
    }

    /// The band of someone born on `birth`, on `on`; `None` before their birth.
    pub fn on(birth: NaiveDate, on: NaiveDate) -> Option<Self> {
        age(birth, on).map(Self::of_age)
    }

    /// Every band's id, youngest first.
    pub fn ids() -> Vec<&'static str> {
        Self::ALL.iter().map(|b| b.id()).collect()
    }
}
