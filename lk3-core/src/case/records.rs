//! The records a case holds besides its stage: clients, consents, plan items.

use serde::{Deserialize, Serialize};

use chrono::NaiveDate;

use crate::ids::{AidId, ClientId, ConsentId, PartnerId, ServiceId};
use crate::label::labelled_enum;
use crate::vocab::{AidItem, ConsentPurpose, FundingSource, ServiceKind};

/// A client of a case, by registry id. Identity (name, NIK, address) lives in
/// the client registry, never in events (DESIGN §7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseClient {
    /// The registry id.
    pub client_id: ClientId,
    /// Whether the client is a child (under 18) when registered: a child's
    /// consent needs a guardian.
    pub minor: bool,
    /// The client's part in the case (a KDRT case's victim and perpetrator
    /// are both clients); absent from JSON when not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<ClientRole>,
}

labelled_enum! {
    /// A client's part in a case (issue 15 \[I\]: Primero's case roles). In a
    /// KDRT or child-abuse case the difference is safety: a perpetrator is
    /// never a child's guardian in the case.
    pub enum ClientRole {
        /// The person the case is about (the default reading of a client).
        KlienUtama = ("klien_utama", "Klien utama", "Primary client"),
        /// A victim.
        Korban = ("korban", "Korban", "Victim"),
        /// A (suspected) perpetrator.
        Pelaku = ("pelaku", "Pelaku", "Perpetrator"),
        /// A child's guardian.
        Wali = ("wali", "Wali", "Guardian"),
        /// A witness.
        Saksi = ("saksi", "Saksi", "Witness"),
        /// Another family member.
        AnggotaKeluarga = ("anggota_keluarga", "Anggota keluarga", "Family member"),
    }
}

labelled_enum! {
    /// How a consent was given (UU 27/2022 Pasal 22: written or recorded \[R: S28\]).
    pub enum ConsentForm {
        /// Signed on paper.
        Tertulis = ("tertulis", "Tertulis", "Written"),
        /// Recorded (audio, video, electronic).
        Terekam = ("terekam", "Terekam", "Recorded"),
    }
}

/// A consent record: who consents, for what, with which guardian (DESIGN §7).
/// Fields are in key order, as in every event type.
/// When it was given and withdrawn is taken from the events that record it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Consent {
    /// The consent's id.
    pub consent_id: ConsentId,
    /// Partners (registry ids, never names) the subject agrees to disclose
    /// to, for `pengungkapan_ke_mitra`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub disclose_to: Vec<PartnerId>,
    /// How it was given.
    pub form: ConsentForm,
    /// The guardian who consents for a child (a client id in the registry).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guardian: Option<ClientId>,
    /// What it covers; at least one purpose.
    #[schemars(length(min = 1))]
    pub purposes: Vec<ConsentPurpose>,
    /// The client who is the subject of the data.
    pub subject: ClientId,
}

/// One service of an intervention plan. On approval it becomes a service
/// instance of the case with the same id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = crate::schema::limits::partner_only_for_rujukan("service", "partner_id"))]
pub struct PlanItem {
    /// For a planned referral, the partner, if already chosen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partner_id: Option<PartnerId>,
    /// The service planned (not penjangkauan).
    #[schemars(transform = crate::schema::limits::case_service)]
    pub service: ServiceKind,
    /// The id the service instance will have.
    pub service_id: ServiceId,
}

/// Material aid (bantuan) given to a client, with who paid for it (DESIGN §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Aid {
    /// The record's id.
    pub aid_id: AidId,
    /// Who paid.
    pub funding: FundingSource,
    /// The unit's local date it was handed over.
    pub given_on: NaiveDate,
    /// What.
    pub item: AidItem,
    /// How many (at least one).
    #[schemars(range(min = 1))]
    pub quantity: u32,
    /// The client who received it.
    pub recipient: ClientId,
}

labelled_enum! {
    /// The risk found by the assessment.
    pub enum RiskLevel {
        /// Low.
        Rendah = ("rendah", "Rendah", "Low"),
        /// Medium.
        Sedang = ("sedang", "Sedang", "Medium"),
        /// High.
        Tinggi = ("tinggi", "Tinggi", "High"),
        /// Critical: immediate protection needed.
        Kritis = ("kritis", "Kritis", "Critical"),
    }
}

/// The organisation a case was referred by (rujukan masuk): the partner and
/// its own reference for the referral, so that the LK3 can answer it
/// (FHIR: the Task the partner is the requester of).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IncomingReferral {
    /// The referring partner (directory id).
    pub partner_id: crate::ids::PartnerId,
    /// The partner's reference for the referral (their letter or Task number).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<ExternalReference>,
}

/// The longest reference another organisation's record may carry.
pub const MAX_REFERENCE_CHARS: usize = 64;

/// Another organisation's reference for a record: 1 to
/// [`MAX_REFERENCE_CHARS`] letters, digits or `.` `/` `-` `_`
/// (`B/045/PPA/IX/2019`); no spaces, so no name fits.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ExternalReference(String);

impl ExternalReference {
    /// The reference, if `s` is one.
    pub fn parse(s: &str) -> Option<Self> {
        let ok = (1..=MAX_REFERENCE_CHARS).contains(&s.len())
            && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'/' | b'-' | b'_'));
        ok.then(|| ExternalReference(s.to_owned()))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for ExternalReference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for ExternalReference {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for ExternalReference {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        ExternalReference::parse(&s)
            .ok_or_else(|| serde::de::Error::custom("expected 1 to 64 letters, digits or . / - _"))
    }
}

impl schemars::JsonSchema for ExternalReference {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ExternalReference".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": format!("^[A-Za-z0-9./_-]{{1,{MAX_REFERENCE_CHARS}}}$"),
            "description": "Another organisation's reference for a record",
        })
    }
}

labelled_enum! {
    /// Where a transfer of a case to another unit stands.
    pub enum TransferState {
        /// Sent; the receiving unit has not answered.
        Diajukan = ("diajukan", "Menunggu jawaban unit tujuan", "Awaiting the receiving unit"),
        /// The receiving unit took the case over.
        Diterima = ("diterima", "Diterima unit tujuan", "Accepted by the receiving unit"),
        /// The receiving unit refused it; the case stayed.
        Ditolak = ("ditolak", "Ditolak unit tujuan", "Refused by the receiving unit"),
    }
}

/// A transfer of the case to another LK3 unit: asked by the holding unit's
/// ketua, answered by the receiving unit's. The history stays one stream,
/// stored where the case was opened; the unit holding it acts on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Transfer {
    /// The unit that held the case.
    pub from_unit: crate::ids::UnitCode,
    /// The unit asked to take it over.
    pub to_unit: crate::ids::UnitCode,
    /// Why.
    pub reason: crate::vocab::TransferReason,
    /// When it was asked.
    pub requested_at: chrono::DateTime<chrono::Utc>,
    /// Who asked (the sending unit's ketua).
    pub requested_by: crate::ids::StaffId,
    /// Where it stands.
    pub state: TransferState,
    /// When the receiving unit answered.
    pub answered_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Who answered (the receiving unit's ketua).
    pub answered_by: Option<crate::ids::StaffId>,
    /// Why it was refused.
    pub refusal: Option<crate::vocab::TransferRefusal>,
}

/// The largest attachment a case keeps, in bytes (10 MiB: a scanned
/// multi-page form or a phone photo; issue 15 \[I\]).
pub const MAX_ATTACHMENT_BYTES: u64 = 10 * 1024 * 1024;

/// A note kept with a case. The event holds only the note's digest; its
/// text is in the personal data store, where erasure removes it and the
/// digest still verifies (DESIGN §7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseNote {
    /// The clients it is about (the case's), if any in particular.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(extend("uniqueItems" = true))]
    pub about: Vec<ClientId>,
    /// The note's digest in the personal data store.
    pub note: crate::event::Hash,
    /// How secret it is.
    pub sensitivity: crate::vocab::Sensitivity,
}

/// A document attached to a case: a scanned consent, a referral letter, a
/// photo of aid handed over. The event holds its digest, size and type; its
/// bytes are in the personal data store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseAttachment {
    /// The clients it is about (the case's), if any in particular.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(extend("uniqueItems" = true))]
    pub about: Vec<ClientId>,
    /// The attachment's digest in the personal data store.
    pub attachment: crate::event::Hash,
    /// Its size in bytes, 1 to [`MAX_ATTACHMENT_BYTES`].
    #[schemars(range(min = 1, max = 10485760))]
    pub bytes: u64,
    /// Its content type.
    pub content_type: crate::vocab::ContentType,
    /// What it is.
    pub kind: crate::vocab::AttachmentKind,
    /// How secret it is.
    pub sensitivity: crate::vocab::Sensitivity,
}

/// A note or an attachment as a case keeps it: what was added, when, by whom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Kept<T> {
    /// When it was added.
    pub added_at: chrono::DateTime<chrono::Utc>,
    /// Who added it.
    pub added_by: crate::ids::StaffId,
    /// What was added.
    pub record: T,
}
