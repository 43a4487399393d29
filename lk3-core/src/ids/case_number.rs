use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};

use super::{IdentifierError, KodeWilayah, TimeZoneId, wilayah::WilayahLevel};

/// The code of an LK3 unit: the kode wilayah of the province or kab/kota that
/// runs it, with an optional suffix for a community-based unit (LK3 berbasis
/// masyarakat) or a second unit in the same region: `64.74`, `13.71-RAUDAH`.
///
/// Every stored row is keyed first by unit (DESIGN §8).
///
/// ```
/// use lk3_core::ids::UnitCode;
/// let unit: UnitCode = "13.71-RAUDAH".parse()?;
/// assert_eq!(unit.region().to_string(), "13.71");
/// assert_eq!(unit.suffix(), Some("RAUDAH"));
/// assert!("64.74.01".parse::<UnitCode>().is_err());
/// # Ok::<(), lk3_core::ids::IdentifierError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnitCode {
    region: KodeWilayah,
    suffix: Option<Suffix>,
}

/// A unit code's suffix (1 to 16 capitals and digits), kept inline so that a
/// unit code is a plain value (an [`Actor`](crate::event::Actor) names one).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct Suffix {
    len: u8,
    bytes: [u8; 16],
}

impl Suffix {
    fn new(s: &str) -> Option<Self> {
        let ok = (1..=16).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
        ok.then(|| {
            let mut bytes = [0; 16];
            bytes[..s.len()].copy_from_slice(s.as_bytes());
            Suffix { len: s.len() as u8, bytes }
        })
    }

    fn as_str(&self) -> &str {
        // Only ASCII capitals and digits are ever stored.
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or_default()
    }
}

impl Ord for Suffix {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl PartialOrd for Suffix {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Debug for Suffix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl UnitCode {
    /// Parses `PP[.KK][-SUFFIX]`.
    pub fn parse(s: &str) -> Result<Self, IdentifierError> {
        let err = || IdentifierError::UnitCodeFormat { input: super::error::echo(s) };
        let (region, suffix) = match s.split_once('-') {
            Some((r, suf)) => (r, Some(suf)),
            None => (s, None),
        };
        let region = KodeWilayah::parse(region).map_err(|_| err())?;
        if !matches!(region.level(), WilayahLevel::Provinsi | WilayahLevel::KabKota) {
            return Err(err());
        }
        let suffix = match suffix {
            Some(suf) => Some(Suffix::new(suf).ok_or_else(err)?),
            None => None,
        };
        Ok(UnitCode { region, suffix })
    }

    /// The province or kab/kota that runs the unit.
    pub fn region(&self) -> KodeWilayah {
        self.region
    }

    /// The suffix after `-`, if any.
    pub fn suffix(&self) -> Option<&str> {
        self.suffix.as_ref().map(Suffix::as_str)
    }

    /// The unit's time zone (its province's); `None` for a province code
    /// lk3 does not place.
    pub fn time_zone(&self) -> Option<TimeZoneId> {
        self.region.time_zone()
    }

    /// The unit's local date at `at`, as the earliest and latest it can be:
    /// one date in a known time zone; for a province lk3 does not place, the
    /// dates in Indonesia's westernmost and easternmost zones.
    ///
    /// ```
    /// use chrono::{NaiveDate, TimeZone, Utc};
    /// use lk3_core::ids::UnitCode;
    /// let bontang: UnitCode = "64.74".parse()?; // WITA, UTC+8
    /// let at = Utc.with_ymd_and_hms(2019, 12, 31, 17, 0, 0).unwrap();
    /// let new_year = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
    /// assert_eq!(bontang.local_dates(at), (new_year, new_year));
    /// # Ok::<(), lk3_core::ids::IdentifierError>(())
    /// ```
    pub fn local_dates(&self, at: DateTime<Utc>) -> (NaiveDate, NaiveDate) {
        let on = |tz: TimeZoneId| at.with_timezone(&tz.offset()).date_naive();
        match self.time_zone() {
            Some(tz) => (on(tz), on(tz)),
            None => (on(TimeZoneId::Wib), on(TimeZoneId::Wit)),
        }
    }
}

/// Why a case number cannot be that of a case (see [`CaseNumber::check_fits`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseNumberMismatch {
    /// The number is another unit's.
    OtherUnit,
    /// The number's year is not the year the case is opened in.
    OtherYear,
}

impl fmt::Display for UnitCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.region, f)?;
        if let Some(s) = &self.suffix {
            f.write_str("-")?;
            f.write_str(s.as_str())?;
        }
        Ok(())
    }
}

impl FromStr for UnitCode {
    type Err = IdentifierError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// A human case number, counted per LK3 unit and year: `64.74/2019/0007`.
///
/// The core only formats and parses numbers; handing out the next serial
/// without gaps or duplicates is the store's job.
///
/// ```
/// use lk3_core::ids::CaseNumber;
/// let n: CaseNumber = "64.74/2019/0007".parse()?;
/// assert_eq!((n.year(), n.serial()), (2019, 7));
/// assert_eq!(n.next().to_string(), "64.74/2019/0008");
/// # Ok::<(), lk3_core::ids::IdentifierError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CaseNumber {
    unit: UnitCode,
    year: u16,
    serial: u32,
}

impl CaseNumber {
    /// A case number from its parts; `serial` 0 is raised to 1.
    pub fn new(unit: UnitCode, year: u16, serial: u32) -> Self {
        CaseNumber { unit, year, serial: serial.max(1) }
    }

    /// Parses `UNIT/YEAR/SERIAL`.
    pub fn parse(s: &str) -> Result<Self, IdentifierError> {
        let err = |problem| IdentifierError::CaseNumberFormat { input: super::error::echo(s), problem };
        let parts: Vec<&str> = s.split('/').collect();
        let [unit, year, serial] = parts[..] else {
            return Err(err("expected three parts separated by /"));
        };
        let unit = UnitCode::parse(unit).map_err(|_| err("the unit code is invalid"))?;
        let year = (year.len() == 4 && year.bytes().all(|b| b.is_ascii_digit()))
            .then(|| year.parse::<u16>().ok())
            .flatten()
            .filter(|y| *y >= 1900)
            .ok_or_else(|| err("the year is not a four-digit year"))?;
        let serial = serial
            .bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| serial.parse::<u32>().ok())
            .flatten()
            .filter(|n| *n >= 1)
            .ok_or_else(|| err("the serial is not a positive number"))?;
        Ok(CaseNumber { unit, year, serial })
    }

    /// The unit.
    pub fn unit(&self) -> &UnitCode {
        &self.unit
    }
    /// The year the case was opened (in the unit's local time).
    pub fn year(&self) -> u16 {
        self.year
    }
    /// The serial within the unit and year, from 1.
    pub fn serial(&self) -> u32 {
        self.serial
    }
    /// Checks that this can be the number of a case of `unit` opened at
    /// `opened_at`: the unit's own number, of the year of that moment in the
    /// unit's local time (numbers are counted per unit and year).
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use lk3_core::ids::{CaseNumber, CaseNumberMismatch, UnitCode};
    /// let unit: UnitCode = "64.74".parse()?;
    /// let at = Utc.with_ymd_and_hms(2019, 4, 8, 1, 0, 0).unwrap();
    /// let n: CaseNumber = "64.74/2019/0001".parse()?;
    /// assert_eq!(n.check_fits(&unit, at), Ok(()));
    /// let other: CaseNumber = "64.72/2019/0001".parse()?;
    /// assert_eq!(other.check_fits(&unit, at), Err(CaseNumberMismatch::OtherUnit));
    /// let later: CaseNumber = "64.74/2031/0001".parse()?;
    /// assert_eq!(later.check_fits(&unit, at), Err(CaseNumberMismatch::OtherYear));
    /// # Ok::<(), lk3_core::ids::IdentifierError>(())
    /// ```
    pub fn check_fits(&self, unit: &UnitCode, opened_at: DateTime<Utc>) -> Result<(), CaseNumberMismatch> {
        use chrono::Datelike;
        if self.unit != *unit {
            return Err(CaseNumberMismatch::OtherUnit);
        }
        let (earliest, latest) = unit.local_dates(opened_at);
        let year = i32::from(self.year);
        if year < earliest.year() || year > latest.year() {
            return Err(CaseNumberMismatch::OtherYear);
        }
        Ok(())
    }

    /// The following number in the same unit and year.
    pub fn next(&self) -> Self {
        CaseNumber { unit: self.unit, year: self.year, serial: self.serial.saturating_add(1) }
    }
}

impl fmt::Display for CaseNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.unit, f)?;
        f.write_str("/")?;
        super::write_padded(f, self.year.into(), 1)?;
        f.write_str("/")?;
        super::write_padded(f, self.serial, 4)
    }
}

impl FromStr for CaseNumber {
    type Err = IdentifierError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}
