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

crate::label::labelled_enum! {
    /// Why two registry records were found to be one person.
    pub enum MergeReason {
        /// Both carry the same NIK.
        NikSama = ("nik_sama", "NIK sama", "Same NIK"),
        /// Staff checked the person's documents (KTP, KK, akta).
        DokumenDiperiksa = ("dokumen_diperiksa", "Dokumen kependudukan diperiksa", "Civil documents checked"),
        /// The person confirmed both files are theirs.
        KonfirmasiKlien = ("konfirmasi_klien", "Dikonfirmasi klien", "Confirmed by the client"),
    }
}

/// Two registry records of a unit found to be one person: from `at` on,
/// `merged` is read as `into` (lookups, files, reports). The events that
/// name `merged` are never rewritten, so every chain stays as it was;
/// `merged`'s record leaves the registry, and this record stays, audited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientMerge {
    /// The unit whose registry it is.
    pub unit: UnitCode,
    /// The record merged away.
    pub merged: ClientId,
    /// The record it is read as.
    pub into: ClientId,
    /// When.
    pub at: chrono::DateTime<chrono::Utc>,
    /// Who merged them (staff id).
    pub by: crate::ids::StaffId,
    /// Why.
    pub reason: MergeReason,
}
