//! The `lk3` command.
//!
//! - `lk3 demo`: a realistic run of one LK3 unit (Kota Bontang) through the
//!   case lifecycle, printing each case's timeline and a summary.
//! - `lk3 diagram`: the rule set as JSON, Mermaid or DOT, from the table the
//!   code enforces.
//!
//! - `lk3 schema`: the JSON Schemas of the documents.
//! - `lk3 validate`: structure and meaning of case, event, command, outreach,
//!   partner and rule-set documents.
//! - Stores (`--db URL`: `sqlite://PATH` or a plain path, `postgres://...`,
//!   `memory:`; default `lk3.db` in the current directory): `lk3 demo`
//!   writes its cases and outreaches into one; `lk3 verify` re-checks every
//!   stored event; `lk3 export` writes every stream as a document;
//!   `lk3 import` loads documents (all or nothing); `lk3 cases` queries the
//!   case projections; `lk3 report` gives a unit's or a region's report over
//!   a period (table, JSON, CSV or XLSX).
//! - `lk3 keys`: a unit's signing keys (`generate`, `show`) and the keys a
//!   reader trusts (`trust`, `retire`, `revoke`), in a trust file or a store
//!   (`--db`); `lk3 export --sign` seals documents, `lk3 demo --sign` and
//!   `lk3 import --sign` make the store seal its batches, `lk3 validate
//!   --trust`, `lk3 import` and `lk3 verify` check seals.
//!
//! Exit codes: 0 success (all valid), 1 a check failed (some invalid, a
//! store with problems, a refused import), 2 usage, I/O or store error
//! (`validate` and `import` given no document, or an unknown `--kind`, too:
//! a check of nothing never passes).

mod access;
mod clients;
mod demo;
mod diagram;
mod fhir;
mod keys;
mod partners;
mod render;
mod report;
mod store;
mod synthetic;
mod validate;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use lk3_core::case::TransferState;
use lk3_core::ids::{CaseId, ClientId, StaffId, UnitCode};
use lk3_core::service::ServiceState;
use lk3_core::vocab::{Problem, ServiceKind, Stage};
use lk3_storage::StoreError;

/// mimalloc: `validate`, `import` and `verify` build a JSON tree per document,
/// many small allocations that glibc's malloc spent a quarter of `lk3
/// validate`'s time on (BENCHMARKS.md, issue 16).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The store the commands use when `--db` is not given: a SQLite file in the current directory.
const DEFAULT_DB: &str = "lk3.db";

/// lk3: the LK3 service workflow (Permensos 16/2013) as typed state machines.
#[derive(Debug, Parser)]
#[command(name = "lk3", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run one LK3 unit (Kota Bontang, 64.74, WITA) through a realistic set of cases.
    Demo {
        /// Write each case as a JSON document (events included) into this directory.
        #[arg(long, value_name = "DIR")]
        export: Option<PathBuf>,
        /// Also generate this many synthetic cases (shows progress on a terminal).
        #[arg(long, default_value_t = 0, value_name = "N")]
        cases: u32,
        /// Seed for ids and synthetic cases, so runs are reproducible.
        #[arg(long, default_value_t = 2019)]
        seed: u64,
        /// Store every case and outreach here: sqlite://PATH or a plain path, postgres://..., memory:.
        /// Running again with the same seed finds them already there.
        #[arg(long, value_name = "URL", default_value = DEFAULT_DB)]
        db: String,
        /// Do not store the cases anywhere.
        #[arg(long, conflicts_with = "db")]
        no_db: bool,
        /// Seal every exported document, and every batch the store writes, with this private key
        /// file (`lk3 keys generate`; unit 64.74).
        #[arg(long, value_name = "KEYFILE")]
        sign: Option<PathBuf>,
    },
    /// Re-read every stream of a store: hashes, chains, heads and query rows; name every bad event.
    Verify {
        /// The store: sqlite://PATH or a plain path, postgres://..., memory:.
        #[arg(long, value_name = "URL", default_value = DEFAULT_DB)]
        db: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = store::VerifyFormat::Text)]
        format: store::VerifyFormat,
        /// Check seals against this trust file (`lk3 keys trust`) instead of the keys the store
        /// trusts (`lk3 keys trust --db`). With either, every stream's last event must be sealed.
        #[arg(long, value_name = "FILE")]
        trust: Option<PathBuf>,
    },
    /// Bring a store written by an older lk3 up to this lk3's schema (the read commands never do).
    Migrate {
        /// The store: sqlite://PATH or a plain path, postgres://....
        #[arg(long, value_name = "URL")]
        db: String,
    },
    /// Write every stream of a store as a JSON document (the form `lk3 demo --export` writes).
    Export {
        /// The store: sqlite://PATH or a plain path, postgres://..., memory:.
        #[arg(long, value_name = "URL", default_value = DEFAULT_DB)]
        db: String,
        /// The directory to write into (created if missing).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Seal every document with this private key file (`lk3 keys generate`); streams of
        /// another unit than the key's are not exported.
        #[arg(long, value_name = "KEYFILE")]
        sign: Option<PathBuf>,
    },
    /// Import case and outreach documents into a store, in one transaction: all of them or none.
    Import {
        /// The store: sqlite://PATH or a plain path, postgres://..., memory: (created if missing).
        #[arg(long, value_name = "URL", default_value = DEFAULT_DB)]
        db: String,
        /// Files or directories (recursive, `.json` files); `.ndjson`/`.jsonl` files are skipped.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Import only documents sealed by a key of this trust file (`lk3 keys trust`): an
        /// unsigned or untrusted document refuses the whole import. Without it, the keys the
        /// store trusts (`lk3 keys trust --db`) are the trust set, when it has any.
        #[arg(long, value_name = "FILE")]
        trust: Option<PathBuf>,
        /// The store seals every unsealed document of this key's unit as it writes it (a
        /// private key file, `lk3 keys generate`).
        #[arg(long, value_name = "KEYFILE")]
        sign: Option<PathBuf>,
    },
    /// List the cases of a store that match every filter given.
    Cases {
        /// The store: sqlite://PATH or a plain path, postgres://..., memory:.
        #[arg(long, value_name = "URL", default_value = DEFAULT_DB)]
        db: String,
        /// Only the cases this unit opened, whose history it keeps (kode wilayah, e.g. 64.74).
        #[arg(long, value_name = "U", value_parser = parse_unit)]
        unit: Option<UnitCode>,
        /// Only the cases this unit holds now (after a transfer, the receiving unit).
        #[arg(long, value_name = "U", value_parser = parse_unit)]
        held_by: Option<UnitCode>,
        /// Only the cases transferred (or asked to be) to this unit.
        #[arg(long, value_name = "U", value_parser = parse_unit)]
        transfer_to: Option<UnitCode>,
        /// With --transfer-to: only transfers in this state (diajukan: awaiting the unit's answer, diterima, ditolak).
        #[arg(long, value_name = "S", value_parser = store::vocabulary::<TransferState>, requires = "transfer_to")]
        transfer_state: Option<TransferState>,
        /// Only cases in this stage (kontak, registrasi, ..., ditutup).
        #[arg(long, value_name = "S", value_parser = store::vocabulary::<Stage>)]
        stage: Option<Stage>,
        /// Only cases with a service of this kind (informasi, konsultasi, konseling, advokasi, rujukan, penjangkauan).
        #[arg(long, value_name = "KIND", value_parser = store::vocabulary::<ServiceKind>)]
        service: Option<ServiceKind>,
        /// Only cases with a service in this state (of --service, if given).
        #[arg(long, value_name = "STATE", value_parser = store::vocabulary::<ServiceState>)]
        service_state: Option<ServiceState>,
        /// Only cases with this problem.
        #[arg(long, value_name = "P", value_parser = store::vocabulary::<Problem>)]
        problem: Option<Problem>,
        /// Only cases of this social worker (staff id).
        #[arg(long, value_name = "STAFF_ID", value_parser = parse_staff)]
        worker: Option<StaffId>,
        /// Only cases opened at or after this time (YYYY-MM-DD is UTC midnight, or RFC 3339).
        #[arg(long, value_name = "DATE", value_parser = store::date_time)]
        opened_from: Option<chrono::DateTime<chrono::Utc>>,
        /// Only cases opened before this time (YYYY-MM-DD is UTC midnight, or RFC 3339).
        #[arg(long, value_name = "DATE", value_parser = store::date_time)]
        opened_before: Option<chrono::DateTime<chrono::Utc>>,
        /// Only cases with a sent referral past its response deadline now.
        #[arg(long)]
        overdue: bool,
        /// Show at most this many cases.
        #[arg(long, value_name = "N", default_value_t = 50)]
        limit: u32,
        /// Output format. Cases are written a page at a time as they are read, so memory stays
        /// flat however many there are; a read that fails part way ends the output where it
        /// got to (JSON left unclosed) and lk3 exits non-zero with the error on stderr.
        #[arg(long, value_enum, default_value_t = store::CasesFormat::Table)]
        format: store::CasesFormat,
    },
    /// Each worker's open cases, by stage (the cases no worker holds yet on a line of their own).
    Caseload {
        /// The store: sqlite://PATH or a plain path, postgres://..., memory:.
        #[arg(long, value_name = "URL", default_value = DEFAULT_DB)]
        db: String,
        /// Only the cases this unit holds (a transferred case counts where it is held now).
        #[arg(long, value_name = "U", value_parser = parse_unit)]
        unit: Option<UnitCode>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = store::CasesFormat::Table)]
        format: store::CasesFormat,
    },
    /// The work due around open cases and outreaches (assessment, counselling session, aftercare,
    /// referral answer, consent withdrawal, outreach visit), by due date.
    Tasks {
        /// The store: sqlite://PATH or a plain path, postgres://..., memory:.
        #[arg(long, value_name = "URL", default_value = DEFAULT_DB)]
        db: String,
        /// Only the tasks of what this unit holds.
        #[arg(long, value_name = "U", value_parser = parse_unit)]
        unit: Option<UnitCode>,
        /// Only the tasks of this worker's cases (staff id).
        #[arg(long, value_name = "STAFF_ID", value_parser = parse_staff)]
        worker: Option<StaffId>,
        /// Only the tasks overdue (due before now, or before --at).
        #[arg(long)]
        overdue: bool,
        /// The time "now" is for --overdue (YYYY-MM-DD is UTC midnight, or RFC 3339).
        #[arg(long, value_name = "DATE", value_parser = store::date_time)]
        at: Option<chrono::DateTime<chrono::Utc>>,
        /// Only the tasks due before this time (YYYY-MM-DD is UTC midnight, or RFC 3339).
        #[arg(long, value_name = "DATE", value_parser = store::date_time)]
        due_before: Option<chrono::DateTime<chrono::Utc>>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = store::CasesFormat::Table)]
        format: store::CasesFormat,
    },
    /// A unit's or a region's report over a period of local dates, from the events.
    #[command(group(clap::ArgGroup::new("scope").required(true).args(["unit", "province", "national"])))]
    Report {
        /// The store: sqlite://PATH or a plain path, postgres://..., memory:.
        #[arg(long, value_name = "URL", default_value = DEFAULT_DB)]
        db: String,
        /// One unit's report (its code, e.g. 64.74).
        #[arg(long, value_name = "U", value_parser = parse_unit)]
        unit: Option<UnitCode>,
        /// A roll-up over every unit of a province or kab/kota (64, 64.74), community-based units included.
        #[arg(long, value_name = "KODE", value_parser = parse_region)]
        province: Option<lk3_storage::report::ReportScope>,
        /// A roll-up over every unit in the store.
        #[arg(long)]
        national: bool,
        /// The first day (the unit's local date, YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        from: chrono::NaiveDate,
        /// The last day, included.
        #[arg(long, value_name = "DATE")]
        to: chrono::NaiveDate,
        /// Output format.
        #[arg(long, value_enum, default_value_t = report::ReportFormat::Table)]
        format: report::ReportFormat,
        /// Write to this file (owner-only) instead of standard output; required for xlsx.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// The language of headings and labels.
        #[arg(long, value_enum, default_value_t = report::Lang::Id)]
        lang: report::Lang,
    },
    /// Referrals in FHIR R4 (the HL7 SDOH Clinical Care referral Task).
    Fhir {
        #[command(subcommand)]
        command: FhirCommand,
    },
    /// Validate case, event, command, outreach, partner and rule-set documents: structure and meaning.
    Validate {
        /// Files, directories (recursive), `-` for standard input; `.ndjson`/`.jsonl` files are streams.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = validate::Format::Text)]
        format: validate::Format,
        /// Treat every document as this kind (case, outreach, event, command, partner, rule-set ...);
        /// any other value is a usage error (exit 2).
        #[arg(long)]
        kind: Option<String>,
        /// Read standard input as an NDJSON stream.
        #[arg(long)]
        ndjson: bool,
        /// Refuse documents larger than this many bytes.
        #[arg(long, default_value_t = 32 * 1024 * 1024)]
        max_bytes: usize,
        /// Worker threads (default: one per core).
        #[arg(long)]
        jobs: Option<usize>,
        /// The unit's partner network (a JSON array of partners): every partner a case refers to must be in it.
        #[arg(long, value_name = "FILE")]
        partners: Option<PathBuf>,
        /// A trust file (`lk3 keys trust`): every case and outreach document must carry a seal by
        /// one of its keys. Without it, a seal is not checked (warning LK3-W006).
        #[arg(long, value_name = "FILE")]
        trust: Option<PathBuf>,
    },
    /// A unit's client registry: find a person before opening a file (by NIK, No. KK or name), and
    /// merge two records of one person (audited; events untouched).
    Clients {
        #[command(subcommand)]
        command: ClientsCommand,
    },
    /// A case note's text, read through the access rule: a secret one for a stated purpose, logged.
    Notes {
        #[command(subcommand)]
        command: NotesCommand,
    },
    /// An attachment's bytes (a scanned form, a letter, a photo), read for a stated purpose, logged.
    Attachments {
        #[command(subcommand)]
        command: AttachmentsCommand,
    },
    /// Who read a client's identity, a secret note or an attachment (or was refused), when and why:
    /// each unit's append-only log, checked link by link.
    AccessLog {
        /// The store: sqlite://PATH or a plain path, postgres://..., memory:.
        #[arg(long, value_name = "URL", default_value = DEFAULT_DB)]
        db: String,
        /// Only this unit's log (default: every unit's).
        #[arg(long, value_name = "U", value_parser = parse_unit)]
        unit: Option<UnitCode>,
        /// Only the entries about this client.
        #[arg(long, value_name = "ID", value_parser = parse_client)]
        client: Option<ClientId>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = store::CasesFormat::Table)]
        format: store::CasesFormat,
    },
    /// Each unit's partner network (jejaring) in the store: import, list, export (lk3 or HSDS 3.0).
    /// A store holding a unit's network checks every partner its cases name against it.
    Partners {
        #[command(subcommand)]
        command: PartnersCommand,
    },
    /// Signing keys of a unit and the trust file of whoever reads its documents.
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
    /// Print or write the JSON Schemas (draft 2020-12) of lk3's documents.
    Schema {
        /// One schema by name (case, event, command, outreach, outreach-event, outreach-command, partner, rule-set); all with --out.
        name: Option<String>,
        /// Write `<name>.schema.json` files into this directory instead of printing.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Print the rule set's state machines, generated from the enforced table.
    Diagram {
        /// The rule set (permensos-16-2013, permensos-25-2017).
        #[arg(long, value_name = "NAME", value_parser = parse_rule_set)]
        rule_set: lk3_core::rules::RuleSetId,
        /// Output format.
        #[arg(long, value_enum, default_value_t = diagram::Format::Mermaid)]
        format: diagram::Format,
        /// Only this machine (Mermaid): case, a service of the rule set, or penjangkauan.
        #[arg(long, value_name = "NAME")]
        machine: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum FhirCommand {
    /// Write a Bundle of the referrals of one case, or of every case with one: per referral a Task
    /// (SDOHCC-TaskForReferralManagement) with its ServiceRequest, the partner and the LK3 unit as
    /// Organizations, the clients as Patients (a Group for several), a Provenance per step. A
    /// client is named only to a partner they consented to disclose to; otherwise a keyed pseudonym.
    Export {
        /// The store: sqlite://PATH or a plain path, postgres://..., memory:.
        #[arg(long, value_name = "URL", default_value = DEFAULT_DB)]
        db: String,
        /// Only this case's referrals.
        #[arg(long, value_name = "CASE_ID", value_parser = parse_case_id)]
        case: Option<CaseId>,
        /// A partner network (JSON array or NDJSON of partners), for the partners' names and kinds;
        /// without it, the store's (`lk3 partners import`).
        #[arg(long, value_name = "FILE")]
        partners: Option<PathBuf>,
        /// The base of every entry's fullUrl: the FHIR server the bundle is meant for.
        #[arg(long, value_name = "URL", default_value = "https://lk3.invalid/fhir")]
        base: String,
        /// A file of at least 16 secret bytes: the same key gives a client the same pseudonym in
        /// every export. Without it, a fresh random key: pseudonyms link to no other export.
        #[arg(long, value_name = "FILE")]
        pseudonym_key: Option<PathBuf>,
        /// Write to this file (owner-only) instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Apply a partner's updates of referral Tasks (a Bundle's Tasks, or a Task) as the partner's
    /// steps: each Task's status becomes the step its referral's table leads there by, taken by
    /// the partner's staff member `--staff` at the Task's lastModified; refused with the usual
    /// error when the step is not allowed. The same update imported again changes nothing.
    Import {
        /// The store: sqlite://PATH or a plain path, postgres://..., memory:.
        #[arg(long, value_name = "URL", default_value = DEFAULT_DB)]
        db: String,
        /// The partner's staff member who made the updates (a staff id).
        #[arg(long, value_name = "STAFF_ID", value_parser = parse_staff)]
        staff: StaffId,
        /// FHIR JSON files: Bundles or Tasks.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum ClientsCommand {
    /// The records that may be the person, best first, each with its files (ids, scores and case
    /// numbers only). Names match in any case, spacing or old spelling (Soekarno = Sukarno).
    Find {
        /// The store: sqlite://PATH or a plain path, postgres://..., memory:.
        #[arg(long, value_name = "URL", default_value = DEFAULT_DB)]
        db: String,
        /// The unit whose registry to search.
        #[arg(long, value_name = "U", value_parser = parse_unit)]
        unit: UnitCode,
        /// The NIK (16 digits).
        #[arg(long, value_name = "NIK")]
        nik: Option<String>,
        /// The family card number (16 digits): the family's records.
        #[arg(long, value_name = "NO_KK")]
        no_kk: Option<String>,
        /// A name.
        #[arg(long, value_name = "NAME")]
        name: Option<String>,
        /// A birth date (YYYY-MM-DD): a similar name born on another known date does not match.
        #[arg(long, value_name = "DATE")]
        born: Option<chrono::NaiveDate>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = store::CasesFormat::Table)]
        format: store::CasesFormat,
    },
    /// Merge one registry record into another of the same person: recorded (who, when, why) and
    /// checked by `lk3 verify`; the merged record leaves the registry; no event changes.
    Merge {
        /// The store: sqlite://PATH or a plain path, postgres://..., memory:.
        #[arg(long, value_name = "URL", default_value = DEFAULT_DB)]
        db: String,
        /// The unit whose registry it is.
        #[arg(long, value_name = "U", value_parser = parse_unit)]
        unit: UnitCode,
        /// The record to merge away (client id).
        #[arg(long, value_name = "ID", value_parser = parse_client)]
        merged: ClientId,
        /// The record to keep (client id).
        #[arg(long, value_name = "ID", value_parser = parse_client)]
        into: ClientId,
        /// Who merges them (staff id).
        #[arg(long, value_name = "STAFF_ID", value_parser = parse_staff)]
        staff: StaffId,
        /// Why: nik_sama, dokumen_diperiksa, konfirmasi_klien.
        #[arg(long, value_name = "R", value_parser = store::vocabulary::<lk3_core::schema::MergeReason>)]
        reason: lk3_core::schema::MergeReason,
        /// When (default: now; YYYY-MM-DD is UTC midnight, or RFC 3339).
        #[arg(long, value_name = "DATE", value_parser = store::date_time)]
        at: Option<chrono::DateTime<chrono::Utc>>,
    },
    /// A family: the records under one Kartu Keluarga, each with its cases and its role in each
    /// (ids, case numbers, stages and roles; never the No. KK or a name).
    Family {
        /// The store: sqlite://PATH or a plain path, postgres://..., memory:.
        #[arg(long, value_name = "URL", default_value = DEFAULT_DB)]
        db: String,
        /// The unit whose registry it is.
        #[arg(long, value_name = "U", value_parser = parse_unit)]
        unit: UnitCode,
        /// The family card number (16 digits).
        #[arg(long, value_name = "NO_KK")]
        no_kk: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = store::CasesFormat::Table)]
        format: store::CasesFormat,
    },
    /// A client's identity record (JSON), read for a stated purpose and logged.
    Show {
        #[command(flatten)]
        reader: ReaderArgs,
        /// The client id.
        #[arg(long, value_name = "ID", value_parser = parse_client)]
        client: ClientId,
    },
}

/// Who reads personal data, and why: every read through the access rule names them.
#[derive(Debug, clap::Args)]
struct ReaderArgs {
    /// The store: sqlite://PATH or a plain path, postgres://....
    #[arg(long, value_name = "URL", default_value = DEFAULT_DB)]
    db: String,
    /// The unit whose data it is.
    #[arg(long, value_name = "U", value_parser = parse_unit)]
    unit: UnitCode,
    /// The reader (staff id).
    #[arg(long, value_name = "STAFF_ID", value_parser = parse_staff)]
    staff: StaffId,
    /// The role they read in (pekerja_sosial, ketua, sekretaris, konselor, psikolog, ...).
    #[arg(long, value_name = "ROLE", value_parser = store::vocabulary::<lk3_core::vocab::Role>)]
    role: lk3_core::vocab::Role,
    /// The unit whose staff they are (staff of another unit read nothing of this one's).
    #[arg(long, value_name = "U", value_parser = parse_unit)]
    staff_unit: Option<UnitCode>,
    /// The partner a `mitra` reads for (partner id).
    #[arg(long, value_name = "ID")]
    partner: Option<lk3_core::ids::PartnerId>,
    /// Why: penanganan_kasus, supervisi, rujukan, pelaporan, audit, permintaan_klien, perintah_hukum.
    /// Required for an identity, a secret note and any attachment.
    #[arg(long, value_name = "P", value_parser = store::vocabulary::<lk3_core::vocab::AccessPurpose>)]
    purpose: Option<lk3_core::vocab::AccessPurpose>,
}

impl ReaderArgs {
    fn reader(self) -> access::Reader {
        access::Reader {
            db: self.db,
            unit: self.unit,
            staff: self.staff,
            role: self.role,
            staff_unit: self.staff_unit,
            partner: self.partner,
            purpose: self.purpose,
        }
    }
}

#[derive(Debug, Subcommand)]
enum NotesCommand {
    /// Print a note's text (by digest, as its event names it).
    Read {
        #[command(flatten)]
        reader: ReaderArgs,
        /// The note's digest (64 hex digits).
        #[arg(long, value_name = "SHA256", value_parser = parse_digest)]
        digest: lk3_core::event::Hash,
    },
}

#[derive(Debug, Subcommand)]
enum AttachmentsCommand {
    /// Write an attachment's bytes to a file (owner-only).
    Read {
        #[command(flatten)]
        reader: ReaderArgs,
        /// The attachment's digest (64 hex digits).
        #[arg(long, value_name = "SHA256", value_parser = parse_digest)]
        digest: lk3_core::event::Hash,
        /// The file to write.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum PartnersCommand {
    /// Add partners to the store or replace them (by partner id), all or none: each valid, each
    /// in one unit's network. Nothing removes a partner (cases keep naming it): mark one that
    /// stopped working with the unit (`accepts_referrals: false`, services `bubar`).
    Import {
        /// The store: sqlite://PATH or a plain path, postgres://..., memory:.
        #[arg(long, value_name = "URL", default_value = DEFAULT_DB)]
        db: String,
        /// The files' form: lk3 partner documents, or HSDS 3.0 organizations as lk3 exports them.
        #[arg(long, value_enum, default_value_t = partners::Format::Lk3)]
        format: partners::Format,
        /// Files of partners: a JSON array, one object, or NDJSON.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// List the partners of one unit, or of every unit.
    List {
        /// The store: sqlite://PATH or a plain path, postgres://..., memory:.
        #[arg(long, value_name = "URL", default_value = DEFAULT_DB)]
        db: String,
        /// Only this unit's network.
        #[arg(long, value_name = "U", value_parser = parse_unit)]
        unit: Option<UnitCode>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = partners::ListFormat::Table)]
        format: partners::ListFormat,
    },
    /// Write the partners as lk3 NDJSON (one partner a line) or as HSDS 3.0 organizations (a JSON array).
    Export {
        /// The store: sqlite://PATH or a plain path, postgres://..., memory:.
        #[arg(long, value_name = "URL", default_value = DEFAULT_DB)]
        db: String,
        /// Only this unit's network.
        #[arg(long, value_name = "U", value_parser = parse_unit)]
        unit: Option<UnitCode>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = partners::Format::Lk3)]
        format: partners::Format,
        /// Write to this file instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum KeysCommand {
    /// Make a unit's signing key: a private key file (owner-only, never overwritten) and a public key file.
    Generate {
        /// The unit the key seals for (e.g. 64.74).
        #[arg(long, value_name = "U", value_parser = parse_unit)]
        unit: UnitCode,
        /// The directory to write both files into (created if missing).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// Print a key file's id, unit and public key (never the private key), a trust file's keys,
    /// or the keys a store trusts (`--db`), revoked ones marked.
    Show {
        /// A private or public key file, or a trust file.
        #[arg(required_unless_present = "db", conflicts_with = "db")]
        file: Option<PathBuf>,
        /// The store whose trusted keys to list.
        #[arg(long, value_name = "URL")]
        db: Option<String>,
    },
    /// Add units' public key files to a trust file (created if missing) or to a store's trusted keys.
    Trust {
        /// Public key files (`lk3 keys generate` writes them), received over a trusted channel.
        #[arg(required = true)]
        public_keys: Vec<PathBuf>,
        #[command(flatten)]
        place: TrustPlace,
    },
    /// Retire a key from a time on: it still verifies seals over heads that occurred before it.
    Retire {
        /// The key's id (16 hex digits).
        key_id: lk3_core::seal::KeyId,
        /// The time the key is retired from (YYYY-MM-DD is UTC midnight, or RFC 3339).
        #[arg(long, value_name = "TIME", value_parser = store::date_time)]
        from: chrono::DateTime<chrono::Utc>,
        #[command(flatten)]
        place: TrustPlace,
    },
    /// Seal the heads a store already holds of the key's unit (a store that starts sealing late):
    /// each stream is verified and re-decided first.
    Seal {
        /// The store (sqlite://PATH or a plain path, postgres://...).
        #[arg(long, value_name = "URL")]
        db: String,
        /// The unit's private key file (`lk3 keys generate`).
        #[arg(long, value_name = "KEYFILE")]
        key: PathBuf,
    },
    /// Revoke a key (lost or stolen): nothing it sealed verifies any more. A trust file drops it;
    /// a store keeps it, marked revoked, as the trace.
    Revoke {
        /// The key's id (16 hex digits).
        key_id: lk3_core::seal::KeyId,
        #[command(flatten)]
        place: TrustPlace,
    },
}

/// Where trusted keys are kept: a trust file or a store (exactly one).
#[derive(Debug, clap::Args)]
#[group(required = true, multiple = false)]
struct TrustPlace {
    /// The trust file.
    #[arg(long, value_name = "FILE")]
    trust: Option<PathBuf>,
    /// The store (sqlite://PATH or a plain path, postgres://...).
    #[arg(long, value_name = "URL")]
    db: Option<String>,
}

impl From<TrustPlace> for keys::Place {
    fn from(place: TrustPlace) -> Self {
        match (place.trust, place.db) {
            (Some(file), _) => keys::Place::File(file),
            (None, db) => keys::Place::Store(db.unwrap_or_else(|| DEFAULT_DB.to_owned())),
        }
    }
}

/// An error that ends the command with exit code 2.
#[derive(Debug, thiserror::Error)]
enum CliError {
    #[error("I/O error on {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("could not serialise {what}: {source}")]
    Json { what: String, source: serde_json::Error },
    #[error("{0}")]
    Usage(String),
    #[error("{}", store::store_error(url, source))]
    Store { url: String, source: StoreError },
    #[error("{}", store::bilingual(.0))]
    File(#[from] lk3_storage::files::FileError),
    #[error("{what}: {}", store::bilingual(source))]
    Document { what: String, source: lk3_core::json::JsonError },
    #[error("{}", store::bilingual(.0))]
    Input(#[from] validate::InputError),
    #[error("{}: {}", path.display(), store::bilingual(&**source))]
    Seal { path: PathBuf, source: Box<lk3_core::seal::SealError> },
}

fn parse_unit(s: &str) -> Result<UnitCode, String> {
    UnitCode::parse(s).map_err(|e| e.to_string())
}

fn parse_region(s: &str) -> Result<lk3_storage::report::ReportScope, String> {
    let code = lk3_core::ids::KodeWilayah::parse(s).map_err(|e| e.to_string())?;
    lk3_storage::report::ReportScope::region(code)
        .ok_or_else(|| format!("`{s}` is not a province (PP) or kab/kota (PP.KK) code"))
}

fn parse_rule_set(s: &str) -> Result<lk3_core::rules::RuleSetId, String> {
    s.parse().map_err(|_| {
        let known: Vec<String> = lk3_core::rules::RuleSetId::all().iter().map(ToString::to_string).collect();
        format!("unknown rule set `{s}`; known: {}", known.join(", "))
    })
}

fn parse_case_id(s: &str) -> Result<CaseId, String> {
    CaseId::parse(s).map_err(|e| e.to_string())
}

fn parse_client(s: &str) -> Result<ClientId, String> {
    ClientId::parse(s).map_err(|e| e.to_string())
}

fn parse_digest(s: &str) -> Result<lk3_core::event::Hash, String> {
    lk3_core::event::Hash::from_hex(s).ok_or_else(|| format!("`{s}` is not a SHA-256 digest (64 hex digits)"))
}

fn parse_staff(s: &str) -> Result<StaffId, String> {
    s.parse().map_err(|e: lk3_core::ids::IdentifierError| e.to_string())
}

/// The exit code of a command that checks something: 0 clean, 1 not, 2 an error.
fn checked(result: Result<bool, CliError>) -> ExitCode {
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("lk3: {e}");
            ExitCode::from(2)
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Command::Validate { paths, format, kind, ndjson, max_bytes, jobs, partners, trust } = cli.command {
        if let Err(e) = validate::check_kind(kind.as_deref()) {
            eprintln!("lk3: {}", CliError::from(e));
            return ExitCode::from(2);
        }
        let limits = lk3_core::validate::Limits { max_bytes, ..Default::default() };
        let partners = match partners.as_deref().map(validate::load_partners).transpose() {
            Ok(p) => p,
            Err(e) => {
                eprintln!("lk3: {e}");
                return ExitCode::from(2);
            }
        };
        let trust = match trust.as_deref().map(keys::load_trust).transpose() {
            Ok(t) => t,
            Err(e) => {
                eprintln!("lk3: {e}");
                return ExitCode::from(2);
            }
        };
        let options = validate::Options { paths, format, kind, ndjson, limits, jobs, partners, trust };
        return match validate::run(&options) {
            Ok(true) => ExitCode::SUCCESS,
            Ok(false) => ExitCode::from(1),
            Err(e) => {
                eprintln!("lk3: {e}");
                ExitCode::from(2)
            }
        };
    }
    let result = match cli.command {
        Command::Demo { export, cases, seed, db, no_db, sign } => match sign.as_deref().map(keys::load_signing_key) {
            Some(Err(e)) => Err(e),
            key => demo::run(&demo::Options {
                export,
                cases,
                seed,
                db: (!no_db).then_some(db),
                key: key.and_then(Result::ok),
            }),
        },
        Command::Verify { db, format, trust } => {
            return checked(
                trust.as_deref().map(keys::load_trust).transpose().and_then(|t| store::verify(&db, format, t.as_ref())),
            );
        }
        Command::Migrate { db } => store::migrate(&db),
        Command::Export { db, out, sign } => {
            return checked(
                sign.as_deref()
                    .map(keys::load_signing_key)
                    .transpose()
                    .and_then(|k| store::export(&db, &out, k.as_ref())),
            );
        }
        Command::Import { db, paths, trust, sign } => {
            return checked((|| {
                let trust = trust.as_deref().map(keys::load_trust).transpose()?;
                let key = sign.as_deref().map(keys::load_signing_key).transpose()?;
                store::import(&db, &paths, trust.as_ref(), key)
            })());
        }
        Command::Fhir { command: FhirCommand::Import { db, staff, paths } } => {
            return checked(fhir::import(&db, staff, &paths));
        }
        Command::Keys { command } => match command {
            KeysCommand::Generate { unit, out } => keys::generate(&unit, &out),
            KeysCommand::Show { file: Some(file), .. } => keys::show(&file),
            KeysCommand::Show { db, .. } => keys::show_store(db.as_deref().unwrap_or(DEFAULT_DB)),
            KeysCommand::Trust { public_keys, place } => keys::trust(&public_keys, &place.into()),
            KeysCommand::Retire { key_id, from, place } => keys::retire(key_id, from, &place.into()),
            KeysCommand::Revoke { key_id, place } => keys::revoke(key_id, &place.into()),
            KeysCommand::Seal { db, key } => keys::seal_heads(&db, &key),
        },
        Command::Caseload { db, unit, format } => store::caseload(&db, unit.as_ref(), format),
        Command::Tasks { db, unit, worker, overdue, at, due_before, format } => {
            let now = at.unwrap_or_else(chrono::Utc::now);
            let query = lk3_storage::tasks::TaskQuery { unit, worker, due_before, overdue_at: overdue.then_some(now) };
            store::tasks(&db, &query, now, format)
        }
        Command::Cases {
            db,
            unit,
            held_by,
            transfer_to,
            transfer_state,
            stage,
            service,
            service_state,
            problem,
            worker,
            opened_from,
            opened_before,
            overdue,
            limit,
            format,
        } => {
            let query = lk3_storage::CaseQuery {
                unit,
                held_by,
                transferred_to: transfer_to,
                transfer_state,
                stage,
                service_kind: service,
                service_state,
                problem,
                worker,
                opened_from,
                opened_before,
                overdue_at: overdue.then(chrono::Utc::now),
                ..Default::default()
            };
            store::cases(&db, query, limit, format)
        }
        Command::Report { db, unit, province, national: _, from, to, format, out, lang } => {
            let scope = match (unit, province) {
                (Some(u), _) => lk3_storage::report::ReportScope::Unit(u),
                (None, Some(region)) => region,
                (None, None) => lk3_storage::report::ReportScope::National,
            };
            report::run(&report::Options { db, scope, from, to, format, out, lang })
        }
        Command::Schema { name, out } => schema(name.as_deref(), out.as_deref()),
        Command::Clients { command } => match command {
            ClientsCommand::Find { db, unit, nik, no_kk, name, born, format } => {
                clients::find(&db, &unit, clients::Wanted { nik, no_kk, name, born }, format)
            }
            ClientsCommand::Merge { db, unit, merged, into, staff, reason, at } => {
                clients::merge(&db, unit, merged, into, staff, reason, at)
            }
            ClientsCommand::Show { reader, client } => access::show_client(&reader.reader(), client),
            ClientsCommand::Family { db, unit, no_kk, format } => clients::family(&db, &unit, &no_kk, format),
        },
        Command::Notes { command: NotesCommand::Read { reader, digest } } => {
            access::read_note(&reader.reader(), digest)
        }
        Command::Attachments { command: AttachmentsCommand::Read { reader, digest, out } } => {
            access::read_attachment(&reader.reader(), digest, &out)
        }
        Command::AccessLog { db, unit, client, format } => access::access_log(&db, unit, client, format),
        Command::Partners { command } => match command {
            PartnersCommand::Import { db, format, paths } => partners::import(&db, &paths, format),
            PartnersCommand::List { db, unit, format } => partners::list(&db, unit.as_ref(), format),
            PartnersCommand::Export { db, unit, format, out } => {
                partners::export(&db, unit.as_ref(), format, out.as_deref())
            }
        },
        Command::Fhir { command: FhirCommand::Export { db, case, partners, base, pseudonym_key, out } } => {
            fhir::export(&fhir::ExportOptions { db, case, partners, base, pseudonym_key, out })
        }
        Command::Validate { .. } => Ok(()),
        Command::Diagram { rule_set, format, machine } => match diagram::render(rule_set, format, machine.as_deref()) {
            Some(text) => {
                print!("{text}");
                Ok(())
            }
            None => Err(CliError::Usage(format!(
                "--machine takes one of {} under {rule_set}, with --format mermaid (got `{}`)",
                rule_set.rules().machine_names().join(", "),
                machine.unwrap_or_default()
            ))),
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("lk3: {e}");
            ExitCode::from(2)
        }
    }
}

/// `lk3 schema`: one schema to stdout, or files into a directory; without a
/// name and a directory, the list of schema names.
fn schema(name: Option<&str>, out: Option<&std::path::Path>) -> Result<(), CliError> {
    use lk3_core::schema::{DOCUMENTS, to_json};
    let names: Vec<&str> = match name {
        Some(n) if DOCUMENTS.iter().any(|d| d.name == n) => vec![n],
        Some(n) => {
            let known: Vec<&str> = DOCUMENTS.iter().map(|d| d.name).collect();
            return Err(CliError::Usage(format!("no schema named `{n}`; known: {}", known.join(", "))));
        }
        None => DOCUMENTS.iter().map(|d| d.name).collect(),
    };
    match out {
        Some(dir) => {
            std::fs::create_dir_all(dir).map_err(|source| CliError::Io { path: dir.to_owned(), source })?;
            for n in names {
                let path = dir.join(format!("{n}.schema.json"));
                std::fs::write(&path, to_json(n).unwrap_or_default())
                    .map_err(|source| CliError::Io { path, source })?;
            }
        }
        None if name.is_some() => print!("{}", names.first().and_then(|n| to_json(n)).unwrap_or_default()),
        None => {
            for d in DOCUMENTS {
                println!("{:<18} {}", d.name, d.title);
            }
        }
    }
    Ok(())
}
