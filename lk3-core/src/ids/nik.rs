use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};

use super::{IdentifierError, IdentifierWarning};
use crate::label::labelled_enum;

labelled_enum! {
    /// Sex as recorded in the civil registry.
    pub enum Sex {
        /// Male.
        LakiLaki = ("laki_laki", "Laki-laki", "Male"),
        /// Female.
        Perempuan = ("perempuan", "Perempuan", "Female"),
    }
}

/// A NIK (Nomor Induk Kependudukan), the 16-digit national identity number:
/// `PP KK CC DD MM YY SSSS` = province, kab/kota and kecamatan of first
/// registration, birth day (plus 40 for women), month, two-digit year, serial
/// \[R: PP 37/2007 Pasal 37, domain.md §10\].
///
/// `Debug` masks the middle digits so that a NIK does not leak into logs.
///
/// ```
/// use lk3_core::ids::{Nik, Sex};
/// let nik: Nik = "6474015203850002".parse()?;
/// let facts = nik.facts();
/// assert_eq!(facts.sex, Sex::Perempuan);
/// assert_eq!((facts.birth_day, facts.birth_month, facts.birth_year_2d), (12, 3, 85));
/// assert_eq!(format!("{nik:?}"), "Nik(6474**********02)");
/// assert!("647401520385000".parse::<Nik>().is_err());
/// # Ok::<(), lk3_core::ids::IdentifierError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Nik([u8; 16]);

/// What a NIK encodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NikFacts {
    /// Province code of first registration (`PP`).
    pub province: u8,
    /// Kab/kota code of first registration (`KK`).
    pub kab_kota: u8,
    /// Kecamatan code of first registration (`CC`).
    pub kecamatan: u8,
    /// Day of birth (40 already subtracted for women).
    pub birth_day: u8,
    /// Month of birth.
    pub birth_month: u8,
    /// Year of birth modulo 100; the century is not encoded.
    pub birth_year_2d: u8,
    /// Sex, from the day part.
    pub sex: Sex,
    /// Serial number (1 to 9999).
    pub serial: u16,
}

pub(super) fn digits16(s: &str) -> Result<[u8; 16], (usize, usize)> {
    let length = s.chars().count();
    let non_digits = s.chars().filter(|c| !c.is_ascii_digit()).count();
    if length != 16 || non_digits != 0 {
        return Err((length, non_digits));
    }
    let mut out = [0u8; 16];
    for (slot, b) in out.iter_mut().zip(s.bytes()) {
        *slot = b - b'0';
    }
    Ok(out)
}

pub(super) fn pair(d: &[u8; 16], at: usize) -> u8 {
    d[at] * 10 + d[at + 1]
}

/// Whether a region triple (province, kab/kota, kecamatan) can exist.
pub(super) fn check_region(d: &[u8; 16]) -> Result<(), (&'static str, u8)> {
    let (pp, kk, cc) = (pair(d, 0), pair(d, 2), pair(d, 4));
    if pp < 11 {
        return Err(("province", pp));
    }
    if kk == 0 || kk == 70 {
        return Err(("kab/kota", kk));
    }
    if cc == 0 {
        return Err(("kecamatan", cc));
    }
    Ok(())
}

/// Whether day/month can be a date in some year ending in `yy` (the century
/// is unknown, so 29 February is accepted in any year divisible by four).
pub(super) fn plausible_date(day: u8, month: u8, yy: u8) -> bool {
    let max = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if yy.is_multiple_of(4) => 29,
        2 => 28,
        _ => return false,
    };
    (1..=max).contains(&day)
}

impl Nik {
    /// Parses and checks a NIK. Spaces and dots are not accepted: strip them first.
    pub fn parse(s: &str) -> Result<Self, IdentifierError> {
        let d = digits16(s).map_err(|(length, non_digits)| IdentifierError::NikFormat { length, non_digits })?;
        check_region(&d).map_err(|(part, _)| IdentifierError::NikRegion { part })?;
        let (dd, mm, yy) = (pair(&d, 6), pair(&d, 8), pair(&d, 10));
        let day = if dd > 40 { dd - 40 } else { dd };
        if !(1..=31).contains(&dd) && !(41..=71).contains(&dd) || !plausible_date(day, mm, yy) {
            return Err(IdentifierError::NikBirthDate);
        }
        if d[12..].iter().all(|x| *x == 0) {
            return Err(IdentifierError::NikSerial);
        }
        Ok(Nik(d))
    }

    /// What the number encodes.
    pub fn facts(&self) -> NikFacts {
        let d = &self.0;
        let dd = pair(d, 6);
        NikFacts {
            province: pair(d, 0),
            kab_kota: pair(d, 2),
            kecamatan: pair(d, 4),
            birth_day: if dd > 40 { dd - 40 } else { dd },
            birth_month: pair(d, 8),
            birth_year_2d: pair(d, 10),
            sex: if dd > 40 { Sex::Perempuan } else { Sex::LakiLaki },
            serial: d[12..].iter().fold(0u16, |acc, x| acc * 10 + u16::from(*x)),
        }
    }

    /// Compares the NIK with a declared sex and birth date. Disagreement is a
    /// warning, not an error: registry data is sometimes wrong, and people
    /// are not refused service over it.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use lk3_core::ids::{IdentifierWarning, Nik, Sex};
    /// let nik = Nik::parse("6474015203850002")?;
    /// let born = NaiveDate::from_ymd_opt(1985, 3, 12).unwrap();
    /// assert!(nik.check_against(Some(Sex::Perempuan), Some(born)).is_empty());
    /// assert_eq!(nik.check_against(Some(Sex::LakiLaki), None), vec![IdentifierWarning::NikSexMismatch]);
    /// # Ok::<(), lk3_core::ids::IdentifierError>(())
    /// ```
    pub fn check_against(&self, sex: Option<Sex>, birth_date: Option<NaiveDate>) -> Vec<IdentifierWarning> {
        let f = self.facts();
        let mut warnings = Vec::new();
        if sex.is_some_and(|s| s != f.sex) {
            warnings.push(IdentifierWarning::NikSexMismatch);
        }
        if let Some(b) = birth_date {
            let same = b.day() == u32::from(f.birth_day)
                && b.month() == u32::from(f.birth_month)
                && b.year().rem_euclid(100) == i32::from(f.birth_year_2d);
            if !same {
                warnings.push(IdentifierWarning::NikBirthDateMismatch);
            }
        }
        warnings
    }

    fn write_digits(&self, f: &mut fmt::Formatter<'_>, mask: bool) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if mask && (4..14).contains(&i) {
                f.write_str("*")?;
            } else {
                write!(f, "{d}")?;
            }
        }
        Ok(())
    }
}

impl fmt::Display for Nik {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_digits(f, false)
    }
}

impl fmt::Debug for Nik {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Nik(")?;
        self.write_digits(f, true)?;
        f.write_str(")")
    }
}

impl FromStr for Nik {
    type Err = IdentifierError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}
