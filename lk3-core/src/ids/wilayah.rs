use std::fmt;
use std::str::FromStr;

use chrono::FixedOffset;

use super::IdentifierError;
use crate::label::labelled_enum;

/// A kode wilayah (Permendagri 137/2017): `PP`, `PP.KK`, `PP.KK.CC` or
/// `PP.KK.CC.DDDD` for a province, kab/kota, kecamatan or desa/kelurahan
/// \[R: domain.md §10, S24–S26\]. Kab/kota 01–69 are kabupaten, 71–99 kota;
/// a village code starts with 1 (kelurahan), 2 (desa) or 3 (desa adat).
///
/// ```
/// use lk3_core::ids::{KodeWilayah, TimeZoneId, VillageKind, WilayahLevel};
/// let k: KodeWilayah = "64.74.01.1001".parse()?;
/// assert_eq!(k.level(), WilayahLevel::DesaKelurahan);
/// assert_eq!(k.village_kind(), Some(VillageKind::Kelurahan));
/// assert!(k.is_kota());
/// assert_eq!(k.time_zone(), Some(TimeZoneId::Wita));
/// assert_eq!(k.to_string(), "64.74.01.1001");
/// assert!("64.7".parse::<KodeWilayah>().is_err());
/// # Ok::<(), lk3_core::ids::IdentifierError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KodeWilayah {
    province: u8,
    kab_kota: Option<u8>,
    kecamatan: Option<u8>,
    village: Option<u16>,
}

/// How deep a kode wilayah goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WilayahLevel {
    /// `PP`.
    Provinsi,
    /// `PP.KK`.
    KabKota,
    /// `PP.KK.CC`.
    Kecamatan,
    /// `PP.KK.CC.DDDD`.
    DesaKelurahan,
}

labelled_enum! {
    /// The kind of a village, from the first digit of its code \[R: S26\].
    pub enum VillageKind {
        /// 1xxx.
        Kelurahan = ("kelurahan", "Kelurahan", "Urban village"),
        /// 2xxx.
        Desa = ("desa", "Desa", "Village"),
        /// 3xxx.
        DesaAdat = ("desa_adat", "Desa adat", "Customary village"),
    }
}

labelled_enum! {
    /// Indonesia's three time zones; none observes daylight saving time.
    /// Reports count days by the unit's local date (DESIGN §7).
    pub enum TimeZoneId {
        /// UTC+7.
        Wib = ("WIB", "Waktu Indonesia Barat", "Western Indonesia Time"),
        /// UTC+8.
        Wita = ("WITA", "Waktu Indonesia Tengah", "Central Indonesia Time"),
        /// UTC+9.
        Wit = ("WIT", "Waktu Indonesia Timur", "Eastern Indonesia Time"),
    }
}

impl TimeZoneId {
    /// The fixed offset from UTC.
    pub fn offset(self) -> FixedOffset {
        match self {
            TimeZoneId::Wib => WIB,
            TimeZoneId::Wita => WITA,
            TimeZoneId::Wit => WIT,
        }
    }

    /// The time zone of a province code. Codes of the provinces formed in
    /// 2022 (92–97, the Papua split) are recalled \[M\]; the rest follow the
    /// Permendagri list \[R: S24–S26\].
    pub fn of_province(province: u8) -> Option<Self> {
        Some(match province {
            11..=19 | 21 | 31..=36 | 61 | 62 => TimeZoneId::Wib,
            51..=53 | 63..=65 | 71..=76 => TimeZoneId::Wita,
            81 | 82 | 91..=97 => TimeZoneId::Wit,
            _ => return None,
        })
    }
}

// Evaluated at compile time: an out-of-range offset would fail the build.
const fn hours_east(hours: i32) -> FixedOffset {
    match FixedOffset::east_opt(hours * 3600) {
        Some(offset) => offset,
        None => panic!("offset out of range"),
    }
}
const WIB: FixedOffset = hours_east(7);
const WITA: FixedOffset = hours_east(8);
const WIT: FixedOffset = hours_east(9);

fn format_err(input: &str, problem: &'static str) -> IdentifierError {
    IdentifierError::KodeWilayahFormat { input: super::error::echo(input), problem }
}

fn two_digits(part: &str) -> Option<u8> {
    (part.len() == 2 && part.bytes().all(|b| b.is_ascii_digit())).then(|| part.parse().ok()).flatten()
}

impl KodeWilayah {
    /// Parses `PP[.KK[.CC[.DDDD]]]`.
    pub fn parse(s: &str) -> Result<Self, IdentifierError> {
        if s.is_empty() {
            return Err(format_err(s, "empty"));
        }
        let parts: Vec<&str> = s.split('.').collect();
        if parts.len() > 4 {
            return Err(format_err(s, "too many parts"));
        }
        let wrong_digits = || format_err(s, "a part has the wrong number of digits");
        let province = two_digits(parts[0]).ok_or_else(wrong_digits)?;
        if province < 10 {
            return Err(format_err(s, "the province code cannot start with 0"));
        }
        let kab_kota = match parts.get(1) {
            None => None,
            Some(p) => match two_digits(p).ok_or_else(wrong_digits)? {
                0 | 70 => return Err(format_err(s, "kab/kota 00 or 70 does not exist")),
                v => Some(v),
            },
        };
        let kecamatan = match parts.get(2) {
            None => None,
            Some(p) => match two_digits(p).ok_or_else(wrong_digits)? {
                0 => return Err(format_err(s, "kecamatan 00 does not exist")),
                v => Some(v),
            },
        };
        let village = match parts.get(3) {
            None => None,
            Some(p) if p.len() == 4 && p.bytes().all(|b| b.is_ascii_digit()) => {
                if !matches!(p.as_bytes()[0], b'1'..=b'3') {
                    return Err(format_err(s, "a village code starts with 1, 2 or 3"));
                }
                p.parse().ok()
            }
            Some(_) => return Err(wrong_digits()),
        };
        Ok(KodeWilayah { province, kab_kota, kecamatan, village })
    }

    /// How deep the code goes.
    pub fn level(&self) -> WilayahLevel {
        match (self.kab_kota, self.kecamatan, self.village) {
            (None, _, _) => WilayahLevel::Provinsi,
            (Some(_), None, _) => WilayahLevel::KabKota,
            (Some(_), Some(_), None) => WilayahLevel::Kecamatan,
            (Some(_), Some(_), Some(_)) => WilayahLevel::DesaKelurahan,
        }
    }

    /// The province code.
    pub fn province(&self) -> u8 {
        self.province
    }

    /// The kab/kota part of the code, if any (`64.74` for `64.74.01.1001`).
    pub fn kab_kota_code(&self) -> Option<KodeWilayah> {
        self.kab_kota.map(|k| KodeWilayah {
            province: self.province,
            kab_kota: Some(k),
            kecamatan: None,
            village: None,
        })
    }

    /// The kecamatan part of the code, if any (`64.74.01` for `64.74.01.1001`).
    pub fn kecamatan_code(&self) -> Option<KodeWilayah> {
        self.kecamatan.map(|c| KodeWilayah {
            province: self.province,
            kab_kota: self.kab_kota,
            kecamatan: Some(c),
            village: None,
        })
    }

    /// Whether the kab/kota part is a kota (71–99).
    pub fn is_kota(&self) -> bool {
        self.kab_kota.is_some_and(|k| k >= 71)
    }

    /// The village kind, for a desa/kelurahan code.
    pub fn village_kind(&self) -> Option<VillageKind> {
        self.village.map(|v| match v / 1000 {
            1 => VillageKind::Kelurahan,
            2 => VillageKind::Desa,
            _ => VillageKind::DesaAdat,
        })
    }

    /// The province's time zone, when the province code is known.
    pub fn time_zone(&self) -> Option<TimeZoneId> {
        TimeZoneId::of_province(self.province)
    }
}

impl fmt::Display for KodeWilayah {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        super::write_padded(f, self.province.into(), 2)?;
        for (part, width) in [(self.kab_kota.map(u16::from), 2), (self.kecamatan.map(u16::from), 2), (self.village, 4)]
        {
            if let Some(part) = part {
                f.write_str(".")?;
                super::write_padded(f, part.into(), width)?;
            }
        }
        Ok(())
    }
}

impl FromStr for KodeWilayah {
    type Err = IdentifierError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}
