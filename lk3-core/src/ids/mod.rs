//! Identifiers: Indonesian civil-registry numbers (NIK, No. KK, kode wilayah),
//! LK3 unit codes and case numbers, and the UUID v7 ids of aggregates, events
//! and commands.
//!
//! Parsing is strict about what cannot exist (a 17-digit NIK, a birth day of
//! 35) and returns an [`IdentifierError`]; what is possible but odd (a NIK
//! whose sex or birth date disagrees with the declared one) is an
//! [`IdentifierWarning`].

/// Serialises a type through its `Display` and deserialises it through its
/// `parse`, so JSON holds the same text users read.
macro_rules! serde_as_string {
    ($($t:ty => ($pattern:literal, $description:literal)),* $(,)?) => {$(
        impl serde::Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
        impl<'de> serde::Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                <$t>::parse(&s).map_err(serde::de::Error::custom)
            }
        }
        impl schemars::JsonSchema for $t {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($t).into()
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({ "type": "string", "pattern": $pattern, "description": $description })
            }
        }
    )*};
}

/// `n` in decimal, zero-padded to at least `width` digits (`{n:0width$}`),
/// written in one piece: unit codes and case numbers are written into every
/// row lk3 stores, and the formatter's padding costs more than the rest.
pub(crate) fn write_padded(f: &mut std::fmt::Formatter<'_>, n: u32, width: usize) -> std::fmt::Result {
    let mut digits = [b'0'; 10];
    let mut start = digits.len();
    let mut rest = n;
    loop {
        start -= 1;
        digits[start] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    let start = start.min(digits.len().saturating_sub(width));
    f.write_str(std::str::from_utf8(&digits[start..]).map_err(|_| std::fmt::Error)?)
}

mod case_number;
mod error;
mod nik;
mod no_kk;
mod uuid7;
mod wilayah;

pub use case_number::{CaseNumber, CaseNumberMismatch, UnitCode};
pub use error::{IdentifierError, IdentifierWarning};
pub(crate) use error::{echo, holds_personal_number};
pub use nik::{Nik, NikFacts, Sex};
pub use no_kk::NoKk;
pub use uuid7::{
    AidId, CaseId, ClientId, CommandId, ConsentId, EventId, IdSeed, OutreachId, PartnerId, PlanItemId, ReferralId,
    ServiceId, StaffId,
};
pub use wilayah::{KodeWilayah, TimeZoneId, VillageKind, WilayahLevel};

serde_as_string!(
    Nik => ("^[0-9]{16}$", "NIK: 16 digits PP KK CC DD MM YY SSSS (day + 40 for women); semantic checks beyond the pattern"),
    NoKk => ("^[0-9]{16}$", "No. KK: 16 digits, the first six the issuing region"),
    KodeWilayah => ("^[1-9][0-9](\\.[0-9]{2}(\\.[0-9]{2}(\\.[123][0-9]{3})?)?)?$", "kode wilayah PP[.KK[.CC[.DDDD]]] (Permendagri 137/2017)"),
    UnitCode => ("^[1-9][0-9](\\.[0-9]{2})?(-[A-Z0-9]{1,16})?$", "LK3 unit: province or kab/kota code, optional -SUFFIX"),
    CaseNumber => ("^[1-9][0-9](\\.[0-9]{2})?(-[A-Z0-9]{1,16})?/[0-9]{4}/[0-9]+$", "case number UNIT/YEAR/SERIAL, e.g. 64.74/2019/0007"),
);
