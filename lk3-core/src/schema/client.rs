use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ids::{ClientId, KodeWilayah, Nik, NoKk, Sex, UnitCode};

/// A person in an LK3 unit's client registry: the identity that events never
/// hold (DESIGN §7). Events refer to the person by `client_id` only; erasing
/// a person (UU 27/2022) removes this record and keeps every chain valid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientRecord {
    /// The registry id events refer to.
    pub client_id: ClientId,
    /// The unit whose registry it is.
    pub unit: UnitCode,
    /// The person's name as they give it.
    #[schemars(length(min = 1, max = 200))]
    pub name: String,
    /// The NIK, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nik: Option<Nik>,
    /// The family card number, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_kk: Option<NoKk>,
    /// Sex as declared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex: Option<Sex>,
    /// Birth date as declared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<NaiveDate>,
    /// Where the person lives, as a kode wilayah (no street address here).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domicile: Option<KodeWilayah>,
}

impl ClientRecord {
    /// Possible-but-odd identifiers: a NIK that disagrees with the declared
    /// sex or birth date, a No. KK with an odd date or serial.
    pub fn warnings(&self) -> Vec<(&'static str, crate::ids::IdentifierWarning)> {
        let mut out = Vec::new();
        if let Some(nik) = &self.nik {
            out.extend(nik.check_against(self.sex, self.birth_date).into_iter().map(|w| ("/nik", w)));
        }
        if let Some(kk) = &self.no_kk {
            out.extend(kk.warnings().into_iter().map(|w| ("/no_kk", w)));
        }
        out
    }
}
