//! Error codes and the bilingual error trait shared by every error enum.
//!
//! Each API area has its own error enum ([`crate::ids::IdentifierError`],
//! [`crate::case::CommandError`], [`crate::event::ChainError`], ...). Every
//! variant has a stable machine code from [`ErrorCode`] and a message in
//! English (its `Display`) and in Indonesian ([`Lk3Error::message_id`]).
//! Codes are never reused or renumbered; a removed error keeps its number.

use crate::label::labelled_enum;

labelled_enum! {
    /// The stable machine code of an error (`LK3-E001` ...). The labels are
    /// the short title of the error.
    ///
    /// ```
    /// use lk3_core::{ErrorCode, Labelled};
    /// assert_eq!(ErrorCode::TransitionNotAllowed.id(), "LK3-E020");
    /// ```
    pub enum ErrorCode {
        /// A NIK that is not 16 digits.
        NikFormat = ("LK3-E001", "Format NIK salah", "Malformed NIK"),
        /// A NIK whose region part cannot exist.
        NikRegion = ("LK3-E002", "Kode wilayah NIK tidak sah", "Invalid NIK region"),
        /// A NIK whose birth date part cannot exist.
        NikBirthDate = ("LK3-E003", "Tanggal lahir NIK tidak sah", "Invalid NIK birth date"),
        /// A NIK with serial 0000.
        NikSerial = ("LK3-E004", "Nomor urut NIK tidak sah", "Invalid NIK serial"),
        /// A No. KK that is not 16 digits.
        KkFormat = ("LK3-E005", "Format No. KK salah", "Malformed family card number"),
        /// A No. KK whose region part cannot exist.
        KkRegion = ("LK3-E006", "Kode wilayah No. KK tidak sah", "Invalid family card region"),
        /// A kode wilayah that does not match `PP.KK.CC.DDDD`.
        KodeWilayahFormat = ("LK3-E007", "Format kode wilayah salah", "Malformed region code"),
        /// A case number that does not parse.
        CaseNumberFormat = ("LK3-E008", "Format nomor kasus salah", "Malformed case number"),
        /// An LK3 unit code that does not parse.
        UnitCodeFormat = ("LK3-E009", "Format kode unit salah", "Malformed unit code"),
        /// A string that is not a value of a vocabulary.
        UnknownValue = ("LK3-E010", "Nilai tidak dikenal", "Unknown value"),
        /// An id that is not a UUID.
        IdFormat = ("LK3-E011", "Format id salah", "Malformed id"),
        /// A rule set name no registered rule set has.
        UnknownRuleSet = ("LK3-E012", "Aturan tidak dikenal", "Unknown rule set"),
        /// A rule set that cannot be registered (a malformed or taken name, inconsistent tables).
        RuleSetInvalid = ("LK3-E013", "Aturan tidak sah", "Invalid rule set"),
        /// The command is not allowed in the case's stage.
        TransitionNotAllowed = ("LK3-E020", "Langkah tidak diizinkan", "Step not allowed"),
        /// The actor's role may not issue the command.
        RoleNotAllowed = ("LK3-E021", "Peran tidak berwenang", "Role not permitted"),
        /// No valid consent covers the step.
        ConsentRequired = ("LK3-E022", "Persetujuan diperlukan", "Consent required"),
        /// A child's consent lacks a guardian.
        GuardianRequired = ("LK3-E023", "Persetujuan wali diperlukan", "Guardian consent required"),
        /// An approval by the person who proposed the thing approved.
        SecondPersonRequired = ("LK3-E024", "Persetujuan oleh orang lain diperlukan", "Second person required"),
        /// Approving a plan that was never proposed.
        PlanRequired = ("LK3-E025", "Rencana intervensi belum diajukan", "No plan proposed"),
        /// Leaving intervensi while planned services are open.
        PlannedServicesOpen = ("LK3-E026", "Layanan terencana masih berjalan", "Planned services still open"),
        /// A reason that does not fit the step.
        ReasonNotAllowed = ("LK3-E027", "Alasan tidak sesuai", "Reason not allowed"),
        /// A command dated before the case's last event.
        TimeRunsBackwards = ("LK3-E028", "Waktu mundur", "Time runs backwards"),
        /// Opening a case that already exists.
        CaseExists = ("LK3-E029", "Kasus sudah ada", "Case already exists"),
        /// A command to a case that does not exist.
        CaseNotFound = ("LK3-E030", "Kasus tidak ditemukan", "Case not found"),
        /// A reference to a planned service, consent or client the case lacks.
        UnknownReference = ("LK3-E031", "Rujukan data tidak dikenal", "Unknown reference"),
        /// Retired: a planned service line already closed (service steps now
        /// answer with [`ErrorCode::ServiceStepNotAllowed`]). Kept so the code is never reused.
        PlannedServiceClosed = ("LK3-E032", "Layanan terencana sudah selesai", "Planned service already closed"),
        /// A command whose content is inconsistent (empty plan, duplicate ids ...).
        InvalidCommand = ("LK3-E033", "Perintah tidak sah", "Invalid command"),
        /// Reopening a case that was never served.
        NotReopenable = ("LK3-E035", "Kasus tidak dapat dibuka kembali", "Case cannot be reopened"),
        /// A service step its machine does not allow in the service's state.
        ServiceStepNotAllowed = ("LK3-E036", "Langkah layanan tidak diizinkan", "Service step not allowed"),
        /// Completing a referral without the partner's feedback.
        FeedbackRequired = ("LK3-E037", "Umpan balik mitra diperlukan", "Partner feedback required"),
        /// Completing a referral whose consent override nobody approved.
        OverrideNotApproved = ("LK3-E038", "Pengecualian persetujuan belum disetujui", "Consent override not approved"),
        /// Sending a referral without consent to disclose to that partner.
        DisclosureConsentRequired = ("LK3-E039", "Persetujuan pengungkapan ke mitra diperlukan", "Consent to disclose required"),
        /// A case or outreach document without a seal, checked against a trust set.
        SealMissing = ("LK3-E040", "Dokumen tidak bersegel", "Document not sealed"),
        /// A seal by a key the trust set does not hold.
        SealKeyUntrusted = ("LK3-E041", "Kunci segel tidak dipercaya", "Seal key not trusted"),
        /// A seal whose signature does not verify with its key.
        SealSignatureInvalid = ("LK3-E042", "Tanda tangan segel tidak sah", "Seal signature invalid"),
        /// A seal over another seq or head hash than the document's last event.
        SealNotOverHead = ("LK3-E043", "Segel bukan atas kepala dokumen", "Seal not over the document's head"),
        /// A seal by a key retired before the sealed head's time.
        SealKeyRetired = ("LK3-E044", "Kunci segel sudah tidak berlaku", "Seal key retired"),
        /// A seal by a key of another unit than the document's.
        SealKeyOtherUnit = ("LK3-E045", "Kunci segel milik unit lain", "Seal key of another unit"),
        /// A key file, public key or trust file that is malformed or inconsistent.
        KeyFileInvalid = ("LK3-E046", "Berkas kunci tidak sah", "Invalid key file"),
        /// Retired: E034 once meant both a context of another rule set and an
        /// event of another rule set in a chain; the chain's is now
        /// [`ErrorCode::ChainRuleSetMismatch`]. Kept so the code is never reused.
        RuleSetMismatch = ("LK3-E034", "Aturan tidak sesuai (tidak dipakai lagi)", "Rule set mismatch (retired)"),
        /// Sequence numbers with a gap or out of order.
        SequenceGap = ("LK3-E050", "Nomor urut peristiwa terputus", "Event sequence gap"),
        /// An event whose hash does not match its content.
        HashMismatch = ("LK3-E051", "Hash peristiwa tidak cocok", "Event hash mismatch"),
        /// An event whose prev_hash is not its predecessor's hash.
        ChainBroken = ("LK3-E052", "Rantai hash terputus", "Hash chain broken"),
        /// An event that belongs to another stream.
        StreamMismatch = ("LK3-E053", "Peristiwa dari aliran lain", "Event from another stream"),
        /// An event is not what `decide` produces for the command it records.
        EventNotDerived = ("LK3-E054", "Peristiwa bukan hasil perintahnya", "Event is not what its command decides"),
        /// An event of a stream under another rule set than the stream's first event.
        ChainRuleSetMismatch = ("LK3-E055", "Peristiwa dari aturan lain", "Event under another rule set"),
        /// A document's header disagrees with the fold of its events.
        HeaderMismatch = ("LK3-E061", "Kepala dokumen tidak sesuai peristiwa", "Header disagrees with the events"),
        /// A document larger than the limit.
        DocumentTooLarge = ("LK3-E062", "Dokumen terlalu besar", "Document too large"),
        /// A document nested deeper than the limit.
        DocumentTooDeep = ("LK3-E063", "Dokumen terlalu dalam bersarang", "Document nested too deep"),
        /// Text that is not JSON.
        MalformedJson = ("LK3-E064", "JSON tidak sah", "Malformed JSON"),
        /// A JSON document of no known kind.
        UnknownDocument = ("LK3-E065", "Jenis dokumen tidak dikenal", "Unknown document kind"),
        /// A JSON object with two members of the same name (never "last one wins").
        DuplicateKey = ("LK3-E066", "Kunci objek ganda", "Duplicate object key"),
        /// An event whose text as exchanged is not the form lk3 writes (and hashes).
        NotCanonical = ("LK3-E067", "Peristiwa tidak dalam bentuk kanonis", "Event not in canonical form"),
        /// A check given nothing to check: no document found where it was pointed.
        NoDocuments = ("LK3-E068", "Tidak ada dokumen untuk diperiksa", "No documents to check"),
        /// A document that breaks its JSON Schema.
        SchemaViolation = ("LK3-E070", "Tidak sesuai skema", "Schema violation"),
        /// A value that could not be serialised.
        Serialization = ("LK3-E060", "Gagal serialisasi", "Serialisation failed"),
        /// An append whose expected stream version is not the stream's version: another writer was first.
        VersionConflict = ("LK3-E080", "Versi aliran sudah berubah", "Stream version conflict"),
        /// A case, outreach, client or note id the store does not hold.
        NotFound = ("LK3-E081", "Tidak ditemukan", "Not found"),
        /// A command id already used for another stream or with other events.
        CommandIdReused = ("LK3-E082", "Id perintah sudah dipakai", "Command id reused"),
        /// Events handed to a store that do not continue the stream's chain.
        BatchRejected = ("LK3-E083", "Peristiwa tidak menyambung ke aliran", "Events do not continue the stream"),
        /// A store written by a newer lk3 than this one.
        SchemaTooNew = ("LK3-E084", "Basis data dari versi lk3 yang lebih baru", "Store schema too new"),
        /// The database or file could not be used.
        StoreUnavailable = ("LK3-E085", "Penyimpanan tidak dapat dipakai", "Store unavailable"),
        /// A stored row that no longer decodes as what it should be.
        CorruptRow = ("LK3-E086", "Baris tersimpan rusak", "Corrupt stored row"),
        /// A stream whose recorded head disagrees with its last event: events were removed or added outside lk3.
        HeadMismatch = ("LK3-E087", "Kepala aliran tidak cocok dengan peristiwanya", "Stream head disagrees with its events"),
        /// A projection row that disagrees with the fold of its stream.
        ProjectionMismatch = ("LK3-E088", "Proyeksi tidak cocok dengan peristiwa", "Projection disagrees with the events"),
        /// A document refused by import.
        ImportRejected = ("LK3-E089", "Dokumen ditolak saat impor", "Document refused by import"),
        /// A store URL that names no known backend or is malformed.
        StoreUrl = ("LK3-E090", "Alamat penyimpanan tidak dikenal", "Unknown store URL"),
        /// A command sent to one stream that names another (a case id that is not the stream's).
        StreamIdMismatch = ("LK3-E091", "Perintah menyebut aliran lain", "Command names another stream"),
        /// A case number the unit already gave to another case.
        CaseNumberTaken = ("LK3-E092", "Nomor kasus sudah dipakai", "Case number already used"),
        /// A file or database that is not an lk3 store (empty, another program's, missing).
        NotAStore = ("LK3-E093", "Bukan penyimpanan lk3", "Not an lk3 store"),
        /// A store of an older schema opened for reading: it must be upgraded by opening it for writing.
        SchemaTooOld = ("LK3-E094", "Skema penyimpanan perlu diperbarui", "Store schema needs an upgrade"),
        /// An input or output path lk3 will not use: not a regular file, a symbolic link, too large.
        UnsafePath = ("LK3-E095", "Berkas tidak dapat dipakai", "File cannot be used"),
        /// A store used in a process forked from the one that opened it, when it cannot follow (`memory://`, or SQLite connections still open at the fork).
        StoreForked = ("LK3-E096", "Penyimpanan dibuka di proses lain", "Store opened in another process"),
        /// Opening an outreach that already exists.
        OutreachExists = ("LK3-E120", "Penjangkauan sudah ada", "Outreach already exists"),
        /// A command to an outreach that does not exist.
        OutreachNotFound = ("LK3-E121", "Penjangkauan tidak ditemukan", "Outreach not found"),
        /// Terminating or closing a case while a referral is open.
        ReferralsOpen = ("LK3-E140", "Rujukan masih terbuka", "Referrals still open"),
        /// A partner's staff acting on a referral to another partner.
        PartnerMismatch = ("LK3-E141", "Rujukan milik mitra lain", "Referral of another partner"),
        /// A FHIR Task that cannot be read as a partner's update of a referral.
        FhirTaskInvalid = ("LK3-E142", "Task FHIR tidak dapat dibaca", "Unreadable FHIR Task"),
        /// A client sent to a partner that does not take referrals now, or for a service it has closed.
        PartnerUnavailable = ("LK3-E143", "Mitra tidak menerima rujukan", "Partner not taking referrals"),
        /// Staff of one unit acting on a case another unit holds, or answering a transfer sent elsewhere.
        UnitMismatch = ("LK3-E144", "Kasus dipegang unit lain", "Case held by another unit"),
        /// Reading a client's identity, a secret note or an attachment without a purpose.
        AccessPurposeRequired = ("LK3-E150", "Tujuan akses diperlukan", "Purpose of access required"),
        /// Reading personal data the actor's role, unit or part in the case does not allow.
        AccessNotAllowed = ("LK3-E151", "Akses tidak diizinkan", "Access not allowed"),
        /// An attachment refused by the store: empty, too large, or bytes that are not its content type.
        AttachmentRefused = ("LK3-E152", "Lampiran ditolak", "Attachment refused"),
        /// A unit's access log whose entries do not hold together: one changed, removed or slipped in.
        AccessLogBroken = ("LK3-E153", "Log akses terputus", "Access log broken"),
        /// A report period that ends before it begins or cannot be placed in time, or a unit without a known time zone.
        ReportPeriod = ("LK3-E130", "Periode laporan tidak sah", "Invalid report period"),
    }
}

labelled_enum! {
    /// What an error is about: the area Python maps to its exception class,
    /// and the documentation groups codes by. Codes keep their numbers; the
    /// area, not the number, says what a code is.
    pub enum ErrorArea {
        /// An identifier, a vocabulary value, a rule set name or a report period.
        Identifier = ("identifier", "Pengenal", "Identifier"),
        /// A command refused by the rules.
        Command = ("command", "Perintah", "Command"),
        /// A seal, a key or a trust file.
        Seal = ("seal", "Segel", "Seal"),
        /// The event chain: a stream's events that do not hold together.
        Chain = ("chain", "Rantai peristiwa", "Event chain"),
        /// A document: its size, its JSON, its kind, its schema.
        Document = ("document", "Dokumen", "Document"),
        /// What a store holds that disagrees with its events.
        Integrity = ("integrity", "Keutuhan penyimpanan", "Store integrity"),
        /// Another writer, a taken number or id.
        Conflict = ("conflict", "Bentrokan", "Conflict"),
        /// A store or file that cannot be used.
        Store = ("store", "Penyimpanan", "Store"),
    }
}

impl ErrorCode {
    /// The area the code belongs to.
    ///
    /// ```
    /// use lk3_core::{ErrorCode, error::ErrorArea};
    /// assert_eq!(ErrorCode::HashMismatch.area(), ErrorArea::Chain);
    /// assert_eq!(ErrorCode::OutreachExists.area(), ErrorArea::Command);
    /// ```
    pub fn area(self) -> ErrorArea {
        use ErrorCode as C;
        match self {
            C::NikFormat
            | C::NikRegion
            | C::NikBirthDate
            | C::NikSerial
            | C::KkFormat
            | C::KkRegion
            | C::KodeWilayahFormat
            | C::CaseNumberFormat
            | C::UnitCodeFormat
            | C::UnknownValue
            | C::IdFormat
            | C::UnknownRuleSet
            | C::RuleSetInvalid
            | C::ReportPeriod => ErrorArea::Identifier,
            C::TransitionNotAllowed
            | C::RoleNotAllowed
            | C::ConsentRequired
            | C::GuardianRequired
            | C::SecondPersonRequired
            | C::PlanRequired
            | C::PlannedServicesOpen
            | C::ReasonNotAllowed
            | C::TimeRunsBackwards
            | C::CaseExists
            | C::CaseNotFound
            | C::UnknownReference
            | C::PlannedServiceClosed
            | C::InvalidCommand
            | C::RuleSetMismatch
            | C::NotReopenable
            | C::ServiceStepNotAllowed
            | C::FeedbackRequired
            | C::OverrideNotApproved
            | C::DisclosureConsentRequired
            | C::StreamIdMismatch
            | C::OutreachExists
            | C::OutreachNotFound
            | C::ReferralsOpen
            | C::UnitMismatch
            | C::AccessPurposeRequired
            | C::AccessNotAllowed
            | C::PartnerMismatch
            | C::PartnerUnavailable => ErrorArea::Command,
            C::SealMissing
            | C::SealKeyUntrusted
            | C::SealSignatureInvalid
            | C::SealNotOverHead
            | C::SealKeyRetired
            | C::SealKeyOtherUnit
            | C::KeyFileInvalid => ErrorArea::Seal,
            C::SequenceGap
            | C::HashMismatch
            | C::ChainBroken
            | C::StreamMismatch
            | C::EventNotDerived
            | C::ChainRuleSetMismatch => ErrorArea::Chain,
            C::Serialization
            | C::HeaderMismatch
            | C::DocumentTooLarge
            | C::DocumentTooDeep
            | C::MalformedJson
            | C::UnknownDocument
            | C::FhirTaskInvalid
            | C::DuplicateKey
            | C::NotCanonical
            | C::NoDocuments
            | C::SchemaViolation
            | C::AttachmentRefused
            | C::UnsafePath => ErrorArea::Document,
            C::BatchRejected | C::CorruptRow | C::HeadMismatch | C::ProjectionMismatch | C::AccessLogBroken => {
                ErrorArea::Integrity
            }
            C::VersionConflict | C::CommandIdReused | C::CaseNumberTaken => ErrorArea::Conflict,
            C::NotFound
            | C::SchemaTooNew
            | C::StoreUnavailable
            | C::ImportRejected
            | C::StoreUrl
            | C::NotAStore
            | C::SchemaTooOld
            | C::StoreForked => ErrorArea::Store,
        }
    }
}

/// What every lk3 error offers besides `Display` (the English message).
pub trait Lk3Error: std::error::Error {
    /// The stable machine code.
    fn code(&self) -> ErrorCode;
    /// The message in Indonesian.
    fn message_id(&self) -> String;
    /// The message in English (the same text as `Display`).
    fn message_en(&self) -> String {
        self.to_string()
    }
}
