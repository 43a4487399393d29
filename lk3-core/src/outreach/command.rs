use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{CaseId, ClientId, KodeWilayah, OutreachId, UnitCode};
use crate::label::labelled_enum;
pub use crate::vocab::OutreachCommandKind;
use crate::vocab::{Problem, Sasaran};

labelled_enum! {
    /// Who reported the person to the LK3. Outreach is usually set off by a
    /// neighbourhood head or the village police officer \[I: DESIGN §6\].
    pub enum ReporterKind {
        /// The head of the neighbourhood (Ketua RT).
        KetuaRt = ("ketua_rt", "Ketua RT", "Neighbourhood (RT) head"),
        /// The village police officer for community security (Bhabinkamtibmas).
        Bhabinkamtibmas = ("bhabinkamtibmas", "Bhabinkamtibmas", "Village community police officer"),
        /// The sub-district social welfare worker (Tenaga Kesejahteraan Sosial Kecamatan).
        Tksk = ("tksk", "TKSK", "Sub-district social welfare worker"),
        /// A resident.
        Warga = ("warga", "Warga", "Resident"),
        /// A partner institution of the network (jejaring).
        Mitra = ("mitra", "Mitra jejaring", "Network partner"),
        /// Anyone else.
        Lainnya = ("lainnya", "Lainnya", "Other"),
    }
}

labelled_enum! {
    /// Why a person met at an outreach visit refuses the LK3's help \[I\].
    pub enum OutreachRefusalReason {
        /// The person does not feel in need of help.
        TidakMerasaPerlu = ("tidak_merasa_perlu", "Tidak merasa membutuhkan bantuan", "Does not feel in need of help"),
        /// The person's family refuses on their behalf or stands in the way.
        KeluargaMenolak = ("keluarga_menolak", "Keluarga menolak", "The family refuses"),
        /// The person is already helped by someone else.
        SudahDibantuPihakLain = ("sudah_dibantu_pihak_lain", "Sudah dibantu pihak lain", "Already helped by others"),
        /// The person does not trust or want the institution's involvement.
        MenolakCampurTangan = ("menolak_campur_tangan", "Menolak campur tangan lembaga", "Refuses the institution's involvement"),
        /// Another reason (no free text: events hold no notes, DESIGN §7).
        Lainnya = ("lainnya", "Alasan lain", "Other reason"),
    }
}

labelled_enum! {
    /// Why an outreach is closed without the person's answer \[I\].
    pub enum OutreachCloseReason {
        /// Not found after the allowed visits.
        TidakDitemukanBerulang = ("tidak_ditemukan_berulang", "Tidak ditemukan setelah beberapa kali penjangkauan", "Not found after repeated visits"),
        /// The report turned out to be unfounded.
        LaporanTidakTerbukti = ("laporan_tidak_terbukti", "Laporan tidak terbukti", "Report unfounded"),
        /// The same person was already reported (another outreach or a case).
        LaporanGanda = ("laporan_ganda", "Laporan ganda", "Duplicate report"),
        /// Already handled by another institution (e.g. the village WKSBM, the police).
        DitanganiPihakLain = ("ditangani_pihak_lain", "Sudah ditangani pihak lain", "Handled by another institution"),
        /// The person moved away.
        Pindah = ("pindah", "Pindah domisili", "Moved away"),
        /// The person died.
        Meninggal = ("meninggal", "Meninggal dunia", "Died"),
        /// Outside the LK3's scope.
        DiLuarLingkup = ("di_luar_lingkup", "Di luar lingkup layanan", "Out of scope"),
    }
}

/// What an agreement at an outreach visit leads to: a new case, or a case the
/// person joins (e.g. their family already has one). The outreach only
/// records the link; the caller then records the contact
/// ([`crate::case::CaseCommand::RecordContact`] with channel `penjangkauan`)
/// or registers the person in the existing case.
///
/// In JSON: `{"link":"opens","case_id":"..."}` or `{"link":"joins","case_id":"..."}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "link", rename_all = "snake_case", deny_unknown_fields)]
pub enum CaseLink {
    /// A new case is opened with this id.
    Opens {
        /// The new case's id.
        case_id: CaseId,
    },
    /// The person joins an existing case.
    Joins {
        /// The existing case's id.
        case_id: CaseId,
    },
}

impl CaseLink {
    /// The linked case's id.
    pub fn case_id(&self) -> CaseId {
        match self {
            Self::Opens { case_id } | Self::Joins { case_id } => *case_id,
        }
    }

    /// Whether the link opens a new case.
    pub fn opens_case(&self) -> bool {
        matches!(self, Self::Opens { .. })
    }
}

/// A request to change an outreach. Build it, then pass it to
/// [`Outreach::decide`](crate::Decider::decide) with a [`crate::CommandContext`].
///
/// Commands never carry a name, NIK or address: the place is a kode wilayah
/// and the person, once they agree, a client registry id (DESIGN §7).
///
/// ```
/// use lk3_core::outreach::OutreachCommand;
/// let cmd: OutreachCommand = serde_json::from_str(r#"{"type":"record_refusal","reason":"keluarga_menolak"}"#)?;
/// assert_eq!(cmd.kind().to_string(), "record_refusal");
/// // A refusal without a reason does not parse.
/// assert!(serde_json::from_str::<OutreachCommand>(r#"{"type":"record_refusal"}"#).is_err());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum OutreachCommand {
    /// Record a report: opens the outreach.
    Report {
        /// The new outreach's id (the stream id of its events).
        outreach_id: OutreachId,
        /// The LK3 unit.
        unit: UnitCode,
        /// Who reported.
        reported_by: ReporterKind,
        /// Who the outreach is for.
        sasaran: Sasaran,
        /// The problems reported.
        #[serde(default)]
        problems: Vec<Problem>,
        /// Where the person was seen, as a kode wilayah (never an address).
        #[serde(default)]
        kode_wilayah: Option<KodeWilayah>,
    },
    /// Plan a visit (again, after a visit that did not find the person,
    /// while attempts remain).
    Schedule {
        /// When the visit is planned.
        planned_for: DateTime<Utc>,
        /// Whether the mobile unit (mobil LK3) goes.
        mobile_unit: bool,
    },
    /// Record that the planned visit took place.
    CarryOut {},
    /// The person agrees to be served.
    RecordAgreement {
        /// The case it opens or joins.
        case: CaseLink,
        /// The person, by client registry id.
        client_id: ClientId,
    },
    /// The person refuses.
    RecordRefusal {
        /// Why.
        reason: OutreachRefusalReason,
    },
    /// The person was not found.
    RecordNotFound {},
    /// Close the outreach.
    Close {
        /// Why.
        reason: OutreachCloseReason,
    },
}

impl OutreachCommand {
    /// The command's name in the outreach table.
    pub fn kind(&self) -> OutreachCommandKind {
        use OutreachCommandKind as K;
        match self {
            Self::Report { .. } => K::Report,
            Self::Schedule { .. } => K::Schedule,
            Self::CarryOut {} => K::CarryOut,
            Self::RecordAgreement { .. } => K::RecordAgreement,
            Self::RecordRefusal { .. } => K::RecordRefusal,
            Self::RecordNotFound {} => K::RecordNotFound,
            Self::Close { .. } => K::Close,
        }
    }
}
