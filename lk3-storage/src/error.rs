//! The store's errors: one enum, each variant with a stable `LK3-E08x` code
//! and messages in English (`Display`) and Indonesian.

use lk3_core::DomainError;
use lk3_core::case::CommandError;
use lk3_core::decider::Rederived;
use lk3_core::event::ChainError;
use lk3_core::outreach::OutreachError;
use lk3_core::{ErrorCode, Lk3Error};
use uuid::Uuid;

/// What can go wrong in a [`crate::CaseStore`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// Another writer appended to the stream first: reload, decide again, retry.
    #[error("stream {stream_id} is at version {actual}, not the expected {expected}: another writer was first")]
    VersionConflict {
        /// The stream.
        stream_id: Uuid,
        /// The version the append expected.
        expected: u64,
        /// The version the store holds.
        actual: u64,
    },
    /// No stream, client or note with this id.
    #[error("{what} {id} is not in the store")]
    NotFound {
        /// `case`, `outreach`, `client`, `note` or `stream`.
        what: &'static str,
        /// The id asked for.
        id: String,
    },
    /// The command id was used before for another stream.
    #[error("command id {command_id} was already used for stream {first_stream}")]
    CommandIdReused {
        /// The command id.
        command_id: Uuid,
        /// The stream it was first used for.
        first_stream: Uuid,
    },
    /// The command id was used before on this stream for another command
    /// (or by another actor), or a re-imported document's events differ
    /// from the stored ones: not a retry, so nothing is answered from the
    /// first use.
    #[error(
        "command id {command_id} was already used on stream {stream_id} for a different command or actor (a retry must repeat the same command)"
    )]
    CommandIdConflict {
        /// The command id.
        command_id: Uuid,
        /// The stream.
        stream_id: Uuid,
    },
    /// A command sent to one stream names another as its own.
    #[error("the command was sent to stream {stream_id} but names stream {command_stream} as its own")]
    StreamIdMismatch {
        /// The stream the command was sent to.
        stream_id: Uuid,
        /// The stream the command names.
        command_stream: Uuid,
    },
    /// A case number the unit already gave to another case.
    #[error("case number {case_number} is already used by another case of unit {unit}")]
    CaseNumberTaken {
        /// The unit.
        unit: String,
        /// The case number.
        case_number: String,
    },
    /// A file or database that is not an lk3 store.
    #[error("{location} is not an lk3 store: {reason}")]
    NotAStore {
        /// The file or URL (credentials removed).
        location: String,
        /// What was found, in English.
        reason: String,
    },
    /// A store of an older schema opened for reading only.
    #[error(
        "the store's schema is version {found}, older than this lk3's {supported}: open it for writing once to upgrade it (lk3 migrate --db URL)"
    )]
    SchemaTooOld {
        /// The schema version found.
        found: i64,
        /// The version this build writes.
        supported: i64,
    },
    /// Events that do not continue the stream (wrong seq, broken chain,
    /// mixed command ids or streams, a bad hash).
    #[error("events refused for stream {stream_id}: {reason}")]
    BatchRejected {
        /// The stream.
        stream_id: Uuid,
        /// What is wrong, in English.
        reason: String,
    },
    /// The store was written by a newer lk3.
    #[error("the store's schema is version {found}; this lk3 knows versions up to {supported}: upgrade lk3")]
    SchemaTooNew {
        /// The schema version found.
        found: i64,
        /// The newest version this build knows.
        supported: i64,
    },
    /// The database could not be opened, read or written.
    #[error("the store is unavailable: {message}")]
    Unavailable {
        /// The driver's message.
        message: String,
    },
    /// A stored row that is damaged: it does not decode, or its columns
    /// disagree with what it holds.
    #[error("stream {stream_id}, event {seq}: the stored row is damaged: {message}")]
    CorruptRow {
        /// The stream.
        stream_id: Uuid,
        /// The seq of the row (0 for the stream's own row).
        seq: u64,
        /// The decoder's message.
        message: String,
    },
    /// The store's own schema (its tables and indexes) is not what lk3's
    /// migrations made: changed outside lk3, or damaged.
    #[error("the store's schema was changed outside lk3 or is damaged ({what}); it is not read further")]
    SchemaChanged {
        /// Which part differs.
        what: String,
    },
    /// The store's file is damaged in a way that stops a read (rows out of
    /// their table's order, a B-tree that loops): run `lk3 verify`.
    #[error("the store is damaged: {what}; `lk3 verify` says more")]
    Damaged {
        /// What was found.
        what: String,
    },
    /// A stream's events fail chain verification on load.
    #[error("stream {stream_id} fails verification: {source}")]
    Chain {
        /// The stream.
        stream_id: Uuid,
        /// The first problem.
        source: ChainError,
    },
    /// A stream whose recorded head is not its last event.
    #[error("stream {stream_id} records version {recorded} but holds {found} events")]
    HeadMismatch {
        /// The stream.
        stream_id: Uuid,
        /// The version in the stream's row.
        recorded: u64,
        /// The events found.
        found: u64,
    },
    /// The machine refused the command (the domain error, wrapped once).
    #[error(transparent)]
    Refused(Box<DomainError>),
    /// A stored or supplied event is not what `decide` gives for the command
    /// it records: it breaks a rule, or a field `decide` derives was written
    /// otherwise.
    #[error("stream {stream_id}, event {seq}: {source}")]
    NotDecided {
        /// The stream.
        stream_id: Uuid,
        /// The event's seq.
        seq: u64,
        /// What is wrong.
        source: Box<Rederived<DomainError>>,
    },
    /// A stream that cannot be sealed with the key given (a key of another unit).
    #[error("stream {stream_id}: {source}")]
    Seal {
        /// The stream.
        stream_id: Uuid,
        /// Why.
        source: Box<lk3_core::seal::SealError>,
    },
    /// A change to the store's trusted keys that cannot be made (an unknown
    /// or revoked key, another key under the same id).
    #[error("trusted keys: {source}")]
    Trust {
        /// Why.
        source: Box<lk3_core::seal::SealError>,
    },
    /// A document refused by import.
    #[error("{source_name}: refused by import: {reason}")]
    ImportRejected {
        /// The file or document.
        source_name: String,
        /// Why, in English (with the validator's first code).
        reason: String,
        /// Why, in Indonesian.
        reason_id: String,
    },
    /// A partner a case names that its unit's network in the store does not
    /// hold or that does not take referrals now, or a change to the network
    /// refused ([`crate::partners`]).
    #[error("{}{source}", .stream_id.map(|s| format!("stream {s}: ")).unwrap_or_default())]
    Partner {
        /// The stream whose events name the partner (none for a change to the network).
        stream_id: Option<Uuid>,
        /// Why.
        source: Box<lk3_core::partner::PartnerError>,
    },
    /// A merge of two registry records refused: the same record, or one
    /// already merged into another.
    #[error("client {merged} cannot be merged into {into}: {reason}")]
    MergeRefused {
        /// The record to merge away.
        merged: lk3_core::ids::ClientId,
        /// The record to keep.
        into: lk3_core::ids::ClientId,
        /// Why, in English.
        reason: &'static str,
        /// Why, in Indonesian.
        reason_id: &'static str,
    },
    /// A report asked for with a period or a unit lk3 cannot report on.
    #[error(transparent)]
    Report(lk3_core::report::ReportError),
    /// A read of personal data the access rule refuses
    /// ([`lk3_core::access::judge`]); the refusal is in the access log.
    #[error(transparent)]
    Access(lk3_core::access::AccessRefusal),
    /// An attachment the store will not keep.
    #[error("the attachment is refused: {problem}")]
    AttachmentRefused {
        /// Why, in English.
        problem: &'static str,
        /// Why, in Indonesian.
        problem_id: &'static str,
    },
    /// A note or an attachment a new command names that the unit's personal
    /// data store does not hold as the command says (another case, another
    /// sensitivity, or not at all): store it first.
    #[error("the {what} {digest} is not in the unit's store for this case at that sensitivity: store it first")]
    RecordNotKept {
        /// `note` or `attachment`.
        what: &'static str,
        /// Its digest.
        digest: lk3_core::event::Hash,
    },
    /// A unit's access log whose entries do not hold together.
    #[error("the access log of unit {unit} breaks at entry {seq}: an entry was changed, removed or slipped in")]
    AccessLogBroken {
        /// The unit.
        unit: lk3_core::ids::UnitCode,
        /// The first entry that does not follow from those before it.
        seq: u64,
    },
    /// A store URL that is not `memory:`, `sqlite://...` or `postgres://...`.
    #[error("unknown store URL {url:?}: use sqlite://PATH, postgres://... or memory:")]
    Url {
        /// The URL given (credentials removed).
        url: String,
    },
}

impl From<DomainError> for StoreError {
    fn from(e: DomainError) -> Self {
        StoreError::Refused(Box::new(e))
    }
}

impl From<CommandError> for StoreError {
    fn from(e: CommandError) -> Self {
        DomainError::from(e).into()
    }
}

impl From<OutreachError> for StoreError {
    fn from(e: OutreachError) -> Self {
        DomainError::from(e).into()
    }
}

#[cfg(any(feature = "sqlite", feature = "postgres"))]
impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        StoreError::Unavailable { message: e.to_string() }
    }
}

impl Lk3Error for StoreError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::VersionConflict { .. } => ErrorCode::VersionConflict,
            Self::NotFound { .. } => ErrorCode::NotFound,
            Self::CommandIdReused { .. } | Self::CommandIdConflict { .. } => ErrorCode::CommandIdReused,
            Self::StreamIdMismatch { .. } => ErrorCode::StreamIdMismatch,
            Self::CaseNumberTaken { .. } => ErrorCode::CaseNumberTaken,
            Self::NotAStore { .. } => ErrorCode::NotAStore,
            Self::SchemaTooOld { .. } => ErrorCode::SchemaTooOld,
            Self::BatchRejected { .. } => ErrorCode::BatchRejected,
            Self::SchemaTooNew { .. } => ErrorCode::SchemaTooNew,
            Self::Unavailable { .. } => ErrorCode::StoreUnavailable,
            Self::CorruptRow { .. } | Self::SchemaChanged { .. } | Self::Damaged { .. } => ErrorCode::CorruptRow,
            Self::Chain { source, .. } => source.code(),
            Self::HeadMismatch { .. } => ErrorCode::HeadMismatch,
            Self::Refused(e) => e.code(),
            Self::NotDecided { source, .. } => source.code(),
            Self::Seal { source, .. } | Self::Trust { source } => source.code(),
            Self::ImportRejected { .. } => ErrorCode::ImportRejected,
            Self::Url { .. } => ErrorCode::StoreUrl,
            Self::Report(e) => e.code(),
            Self::Partner { source, .. } => source.code(),
            Self::MergeRefused { .. } => ErrorCode::InvalidCommand,
            Self::Access(e) => e.code(),
            Self::AttachmentRefused { .. } => ErrorCode::AttachmentRefused,
            Self::RecordNotKept { .. } => ErrorCode::UnknownReference,
            Self::AccessLogBroken { .. } => ErrorCode::AccessLogBroken,
        }
    }

    fn message_id(&self) -> String {
        match self {
            Self::VersionConflict { stream_id, expected, actual } => format!(
                "aliran {stream_id} sudah pada versi {actual}, bukan {expected} seperti yang diharapkan: ada penulis lain yang lebih dulu; muat ulang lalu coba lagi"
            ),
            Self::NotFound { what, id } => format!("{} {id} tidak ada di penyimpanan", what_id(what)),
            Self::CommandIdReused { command_id, first_stream } => {
                format!("id perintah {command_id} sudah dipakai untuk aliran {first_stream}")
            }
            Self::CommandIdConflict { command_id, stream_id } => format!(
                "id perintah {command_id} sudah dipakai pada aliran {stream_id} untuk perintah atau pelaku lain (pengulangan harus mengirim perintah yang sama)"
            ),
            Self::StreamIdMismatch { stream_id, command_stream } => {
                format!(
                    "perintah dikirim ke aliran {stream_id} tetapi menyebut aliran {command_stream} sebagai miliknya"
                )
            }
            Self::CaseNumberTaken { unit, case_number } => {
                format!("nomor kasus {case_number} sudah dipakai kasus lain pada unit {unit}")
            }
            Self::NotAStore { location, reason } => {
                format!("{location} bukan penyimpanan lk3: {}", not_a_store_id(reason))
            }
            Self::SchemaTooOld { found, supported } => format!(
                "skema penyimpanan versi {found}, lebih lama dari versi {supported} milik lk3 ini: buka sekali untuk menulis agar diperbarui (lk3 migrate --db URL)"
            ),
            Self::BatchRejected { stream_id, reason } => {
                format!("peristiwa untuk aliran {stream_id} ditolak karena tidak menyambung ke aliran ({reason})")
            }
            Self::SchemaTooNew { found, supported } => format!(
                "skema penyimpanan versi {found}; lk3 ini hanya mengenal sampai versi {supported}: perbarui lk3"
            ),
            Self::Unavailable { message } => format!("penyimpanan tidak dapat dipakai: {message}"),
            Self::CorruptRow { stream_id, seq, message } => {
                format!("aliran {stream_id}, peristiwa {seq}: baris tersimpan rusak: {message}")
            }
            Self::Damaged { what } => {
                format!("penyimpanan rusak: {}; `lk3 verify` menjelaskan lebih lanjut", damaged_id(what))
            }
            Self::SchemaChanged { what } => {
                format!("skema penyimpanan diubah di luar lk3 atau rusak ({what}); tidak dibaca lebih lanjut")
            }
            Self::Chain { stream_id, source } => {
                format!("aliran {stream_id} gagal verifikasi: {}", source.message_id())
            }
            Self::HeadMismatch { stream_id, recorded, found } => {
                format!("aliran {stream_id} mencatat versi {recorded} tetapi berisi {found} peristiwa")
            }
            Self::Refused(e) => e.message_id(),
            Self::Seal { stream_id, source } => format!("aliran {stream_id}: {}", source.message_id()),
            Self::Trust { source } => format!("kunci tepercaya: {}", source.message_id()),
            Self::NotDecided { stream_id, seq, source } => {
                format!("aliran {stream_id}, peristiwa {seq}: {}", source.message_id())
            }
            Self::ImportRejected { source_name, reason_id, .. } => {
                format!("{source_name}: ditolak saat impor: {reason_id}")
            }
            Self::Url { url } => {
                format!("alamat penyimpanan {url:?} tidak dikenal: pakai sqlite://PATH, postgres://... atau memory:")
            }
            Self::Report(e) => e.message_id(),
            Self::MergeRefused { merged, into, reason_id, .. } => {
                format!("klien {merged} tidak dapat digabung ke {into}: {reason_id}")
            }
            Self::Partner { stream_id, source } => match stream_id {
                Some(s) => format!("aliran {s}: {}", source.message_id()),
                None => source.message_id(),
            },
            Self::Access(e) => e.message_id(),
            Self::AttachmentRefused { problem_id, .. } => format!("lampiran ditolak: {problem_id}"),
            Self::RecordNotKept { what, digest } => format!(
                "{} {digest} tidak tersimpan di unit untuk kasus ini dengan tingkat kerahasiaan itu: simpan dahulu",
                what_id(what)
            ),
            Self::AccessLogBroken { unit, seq } => format!(
                "log akses unit {unit} terputus pada entri {seq}: ada entri yang diubah, dihapus atau disisipkan"
            ),
        }
    }
}

/// What [`StoreError::Damaged`] says, in Indonesian.
fn damaged_id(what: &str) -> String {
    match what.strip_prefix("the rows of ").and_then(|w| w.strip_suffix(" are out of order")) {
        Some(table) => format!("baris-baris {table} tidak lagi berurutan"),
        None => what.to_owned(),
    }
}

/// The reasons [`StoreError::NotAStore`] gives, in Indonesian.
fn not_a_store_id(reason: &str) -> &str {
    match reason {
        NOT_FOUND => "berkasnya tidak ada",
        NO_LK3_TABLES => "tidak berisi tabel lk3 (berkas kosong atau basis data program lain)",
        NOT_A_DATABASE => "bukan berkas basis data SQLite",
        _ => reason,
    }
}

/// [`StoreError::NotAStore`]: the file does not exist.
pub(crate) const NOT_FOUND: &str = "there is no such file";
/// [`StoreError::NotAStore`]: a database without lk3's tables.
pub(crate) const NO_LK3_TABLES: &str = "it holds no lk3 tables (an empty file or another program's database)";
/// [`StoreError::NotAStore`]: not a SQLite file at all.
pub(crate) const NOT_A_DATABASE: &str = "it is not a SQLite database file";

fn what_id(what: &str) -> &str {
    match what {
        "case" => "kasus",
        "outreach" => "penjangkauan",
        "client" => "klien",
        "note" => "catatan",
        "attachment" => "lampiran",
        _ => "aliran",
    }
}
