use std::fmt;
use std::str::FromStr;

use super::{IdentifierError, KodeWilayah, wilayah::WilayahLevel};

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
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnitCode {
    region: KodeWilayah,
    suffix: Option<String>,
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
        if let Some(suf) = suffix {
            let ok = (1..=16).contains(&suf.len()) && suf.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
            if !ok {
                return Err(err());
            }
        }
        Ok(UnitCode { region, suffix: suffix.map(str::to_owned) })
    }

    /// The province or kab/kota that runs the unit.
    pub fn region(&self) -> KodeWilayah {
        self.region
    }

    /// The suffix after `-`, if any.
    pub fn suffix(&self) -> Option<&str> {
        self.suffix.as_deref()
    }
}

impl fmt::Display for UnitCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.region)?;
        if let Some(s) = &self.suffix {
            write!(f, "-{s}")?;
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
    /// The following number in the same unit and year.
    pub fn next(&self) -> Self {
        CaseNumber { unit: self.unit.clone(), year: self.year, serial: self.serial.saturating_add(1) }
    }
}

impl fmt::Display for CaseNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}/{:04}", self.unit, self.year, self.serial)
    }
}

impl FromStr for CaseNumber {
    type Err = IdentifierError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}
