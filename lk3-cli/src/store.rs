//! The store subcommands (`lk3 verify`, `lk3 export`, `lk3 import`,
//! `lk3 cases`) and the writer `lk3 demo` stores its cases with.
//!
//! A store is named by URL (`sqlite://PATH` or a plain path, `postgres://...`,
//! `memory:`) and opened with `lk3_storage::open`. The store is async; each
//! command builds one tokio runtime and blocks on it, so the rest of the CLI
//! stays synchronous. Messages name the store by its URL without password.

use std::collections::HashSet;
use std::future::Future;
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, Utc};
use lk3_core::case::{Case, CaseEventRecord};
use lk3_core::event::Event;
use lk3_core::outreach::{Outreach, OutreachEvent};
use lk3_core::validate::Limits;
use lk3_core::{Labelled, Lk3Error};
use lk3_storage::document::{
    ImportReport, export_stream_sealed, held_as_they_are, import_batch_trusted, import_documents,
};
use lk3_storage::files;
use lk3_storage::model::{Batch, StreamKind};
use lk3_storage::{CaseQuery, CaseStore, CaseSummary, Projection, StoreError, aggregate, redact_url};
use serde::Serialize;
use tokio::runtime::Runtime;

use crate::CliError;

/// Streams written per transaction by `lk3 demo`.
const DEMO_CHUNK: usize = 1000;
/// Stream rows read per page by `lk3 export`, case rows per page by `lk3 cases`.
const PAGE: u32 = 500;

/// An open store with the runtime that drives it.
pub struct Db {
    rt: Runtime,
    store: Box<dyn CaseStore>,
    /// The URL without its password, for messages.
    url: String,
}

/// How a command uses its store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Reads only: nothing is created or written (`verify`, `cases`, `export`).
    Read,
    /// Writes, creating a new store when there is none (`demo`, `import`, `migrate`).
    Write,
}

impl Db {
    /// Opens the store `url` names. A reading command never writes: a
    /// missing, empty or foreign file is "not an lk3 store", not a new one.
    pub fn open(url: &str, access: Access) -> Result<Self, CliError> {
        let redacted = redact_url(url);
        lk3_storage::check_url(url).map_err(|source| CliError::Store { url: redacted.clone(), source })?;
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|source| CliError::Io { path: PathBuf::from("<tokio runtime>"), source })?;
        let opened = match access {
            Access::Read => rt.block_on(lk3_storage::open_read_only(url)),
            Access::Write => rt.block_on(lk3_storage::open(url)),
        };
        let store = opened.map_err(|source| CliError::Store { url: redacted.clone(), source })?;
        Ok(Db { rt, store, url: redacted })
    }

    /// The store.
    pub fn store(&self) -> &dyn CaseStore {
        &*self.store
    }

    /// The URL without its password.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Runs a future to completion, its error left as it is.
    pub fn block_on<T>(&self, f: impl Future<Output = T>) -> T {
        self.rt.block_on(f)
    }

    /// Runs one store operation to completion.
    pub fn run<T>(&self, f: impl Future<Output = Result<T, StoreError>>) -> Result<T, CliError> {
        self.rt.block_on(f).map_err(|source| self.error(source))
    }

    fn error(&self, source: StoreError) -> CliError {
        CliError::Store { url: self.url.clone(), source }
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        // Closed, SQLite folds its write-ahead log into the file and removes
        // the -wal and -shm files: nothing is left beside the store.
        self.rt.block_on(self.store.close());
    }
}

impl Db {
    /// `sqlite`, `postgres` or `memory`.
    fn backend(&self) -> &'static str {
        self.store.backend()
    }
}

/// An error's code and its messages in both languages, the way every store
/// problem is printed: `[LK3-E085] English` and, on the next line, `id: Indonesian`.
pub fn bilingual(e: &dyn Lk3Error) -> String {
    format!("[{}] {}\n     id: {}", e.code().id(), e.message_en(), e.message_id())
}

/// A store error as the CLI prints it: prefixed with the store's URL unless
/// the message already names it.
pub fn store_error(url: &str, e: &StoreError) -> String {
    if e.message_en().contains(url) { bilingual(e) } else { format!("{url}: {}", bilingual(e)) }
}

/// `1 case`, `2 cases`.
fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn stdout_error(source: std::io::Error) -> CliError {
    CliError::Io { path: PathBuf::from("<stdout>"), source }
}

fn json_error(what: &str) -> impl Fn(serde_json::Error) -> CliError + '_ {
    move |source| CliError::Json { what: what.to_owned(), source }
}

// ---------------------------------------------------------------------------
// lk3 demo --db

/// What the demo stored, per stream kind.
#[derive(Debug, Default, Clone, Copy)]
struct Totals {
    cases: ImportReport,
    outreaches: ImportReport,
}

/// Writes the demo's streams into a store, [`DEMO_CHUNK`] streams per
/// transaction, so that a large synthetic run keeps little in memory.
pub struct DemoWriter {
    db: Db,
    pending: Vec<Batch>,
    pending_kind: StreamKind,
    totals: Totals,
}

impl DemoWriter {
    /// Opens (creating if needed) the store the demo writes into; with a
    /// key, the store seals every batch it writes.
    pub fn open(url: &str, key: Option<lk3_core::seal::SigningKey>) -> Result<Self, CliError> {
        let db = Db::open(url, Access::Write)?;
        db.store.set_signer(key);
        Ok(DemoWriter {
            db,
            pending: Vec::with_capacity(DEMO_CHUNK),
            pending_kind: StreamKind::Case,
            totals: Totals::default(),
        })
    }

    /// Queues a case's events (already decided and chained).
    pub fn case(&mut self, events: &[CaseEventRecord]) -> Result<(), CliError> {
        if events.is_empty() {
            return Ok(());
        }
        let (batch, _) = aggregate::encode(&Case::default(), events).map_err(|e| self.db.error(e))?;
        self.push(StreamKind::Case, batch)
    }

    /// Writes the unit's partner network, before any case that names one:
    /// the store then checks every partner a case names against it.
    pub fn partners(&mut self, partners: &lk3_core::partner::PartnerDirectory) -> Result<(), CliError> {
        self.db.run(lk3_storage::CaseStoreExt::import_partners(&*self.db.store, partners.iter().cloned().collect()))?;
        Ok(())
    }

    /// Writes the registry records of the demo's clients (again, for a
    /// repeated run: the registry keeps the latest record).
    pub fn clients(&mut self, records: &[lk3_core::schema::ClientRecord]) -> Result<(), CliError> {
        for r in records {
            self.db.run(self.db.store.put_client(r))?;
        }
        Ok(())
    }

    /// Queues an outreach's events.
    pub fn outreach(&mut self, events: &[Event<OutreachEvent>]) -> Result<(), CliError> {
        if events.is_empty() {
            return Ok(());
        }
        let (batch, _) = aggregate::encode(&Outreach::default(), events).map_err(|e| self.db.error(e))?;
        self.push(StreamKind::Outreach, batch)
    }

    fn push(&mut self, kind: StreamKind, batch: Batch) -> Result<(), CliError> {
        // One kind per transaction, so that the report can count each kind.
        if kind != self.pending_kind {
            self.flush()?;
            self.pending_kind = kind;
        }
        self.pending.push(batch);
        if self.pending.len() >= DEMO_CHUNK { self.flush() } else { Ok(()) }
    }

    /// Writes what is queued, in one transaction.
    pub fn flush(&mut self) -> Result<(), CliError> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let report = self.db.run(import_documents(&*self.db.store, &self.pending))?;
        self.pending.clear();
        let total = match self.pending_kind {
            StreamKind::Case => &mut self.totals.cases,
            StreamKind::Outreach => &mut self.totals.outreaches,
        };
        total.imported += report.imported;
        total.already_present += report.already_present;
        total.events += report.events;
        Ok(())
    }

    /// The line the demo prints: what was written where, and what was already there.
    pub fn summary(&self) -> String {
        let Totals { cases, outreaches } = self.totals;
        let mut line = format!(
            "Stored in {} ({}): {}, {}, {} written",
            self.db.url,
            self.db.backend(),
            count(cases.imported, "case", "cases"),
            count(outreaches.imported, "outreach", "outreaches"),
            count(cases.events + outreaches.events, "event", "events")
        );
        if self.db.backend() == "memory" {
            line.push_str(" (kept only while lk3 runs)");
        }
        if cases.already_present + outreaches.already_present > 0 {
            line.push_str(&format!(
                "; {} and {} already there (same seed), not written again",
                count(cases.already_present, "case", "cases"),
                count(outreaches.already_present, "outreach", "outreaches")
            ));
        }
        line
    }
}

// ---------------------------------------------------------------------------
// lk3 verify

/// Output formats of `lk3 verify`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum VerifyFormat {
    /// Each problem in both languages, then a summary line.
    Text,
    /// One JSON object: `ok`, `streams`, `events`, `problems`.
    Json,
}

/// `lk3 verify`: re-reads every stream; returns whether the store is clean.
/// Seals are checked against `trust` when given, else against the keys the
/// store trusts.
pub fn verify(url: &str, format: VerifyFormat, trust: Option<&lk3_core::seal::TrustedKeys>) -> Result<bool, CliError> {
    let db = Db::open(url, Access::Read)?;
    let report = db.run(lk3_storage::verify::verify_trusted(&*db.store, trust))?;
    let mut out = std::io::stdout().lock();
    match format {
        VerifyFormat::Json => {
            #[derive(Serialize)]
            struct Output<'a> {
                ok: bool,
                store: &'a str,
                #[serde(flatten)]
                report: &'a lk3_storage::verify::VerifyReport,
            }
            let doc = Output { ok: report.is_ok(), store: &db.url, report: &report };
            let json = serde_json::to_string(&doc).map_err(json_error("verify report"))?;
            writeln!(out, "{json}").map_err(stdout_error)?;
        }
        VerifyFormat::Text => {
            for p in &report.problems {
                let shown = |v: Option<String>| v.unwrap_or_else(|| "-".to_owned());
                let stream = shown(p.stream_id.map(|s| s.to_string()));
                let (seq, event) = (shown(p.seq.map(|s| s.to_string())), shown(p.event_id.map(|e| e.to_string())));
                let table = shown(p.table.clone());
                writeln!(out, "stream {stream} seq {seq} event {event} table {table}: [{}] {}", p.code, p.message_en)
                    .map_err(stdout_error)?;
                writeln!(out, "     id: {}", p.message_id).map_err(stdout_error)?;
            }
            if report.seals_checked {
                writeln!(
                    out,
                    "seals: {} of {} streams sealed by a trusted key / segel: {} dari {} aliran disegel kunci tepercaya",
                    report.sealed_streams, report.streams, report.sealed_streams, report.streams
                )
                .map_err(stdout_error)?;
            } else {
                writeln!(
                    out,
                    "[{}] seals not checked: the store trusts no key (`lk3 keys trust --db`) and no --trust file was given\n     id: segel tidak diperiksa: penyimpanan tidak memercayai kunci apa pun dan tidak ada berkas --trust",
                    lk3_core::seal::SEAL_NOT_CHECKED
                )
                .map_err(stdout_error)?;
            }
            let verdict = match report.problems.len() {
                0 => "no problems / tidak ada masalah".to_owned(),
                1 => "1 problem / 1 masalah".to_owned(),
                n => format!("{n} problems / {n} masalah"),
            };
            writeln!(
                out,
                "{} ({}): {} streams, {} events checked: {verdict}",
                db.url,
                db.backend(),
                report.streams,
                report.events
            )
            .map_err(stdout_error)?;
        }
    }
    Ok(report.is_ok())
}

// ---------------------------------------------------------------------------
// lk3 migrate

/// `lk3 migrate`: opens the store for writing, which brings its schema up
/// to date (and gives rows of older schemas their checks).
pub fn migrate(url: &str) -> Result<(), CliError> {
    let db = Db::open(url, Access::Write)?;
    println!("{} ({}): the schema is up to date / skema sudah terbaru", db.url, db.backend());
    Ok(())
}

// ---------------------------------------------------------------------------
// lk3 export

/// Whether a store error is about one stream's data (the export goes on
/// without it) rather than about the store itself.
fn is_stream_problem(e: &StoreError) -> bool {
    matches!(e, StoreError::Chain { .. } | StoreError::HeadMismatch { .. } | StoreError::CorruptRow { .. })
}

/// The file name of a stream's document: the case number with `/` as `_`
/// (as `lk3 demo --export` names it), else the stream id;
/// `penjangkauan-<id>` for an outreach.
fn file_stem(kind: StreamKind, stream_id: impl std::fmt::Display, projection: Option<&Projection>) -> String {
    match (kind, projection) {
        (StreamKind::Case, Some(Projection::Case(CaseSummary { case_number: Some(n), .. }))) => {
            n.to_string().replace('/', "_")
        }
        (StreamKind::Case, _) => stream_id.to_string(),
        (StreamKind::Outreach, _) => format!("penjangkauan-{stream_id}"),
    }
}

/// `lk3 export`: every stream as a document into `dir`; returns false when
/// some stream could not be exported (it fails verification).
/// With a key, every document is sealed by it; a stream of another unit is
/// not exported (counted as not exported).
pub fn export(url: &str, dir: &Path, key: Option<&lk3_core::seal::SigningKey>) -> Result<bool, CliError> {
    let db = Db::open(url, Access::Read)?;
    files::create_private_dir(dir)?;
    let (mut cases, mut outreaches, mut failed, mut unsealable) = (0u64, 0u64, 0u64, 0u64);
    let mut names = HashSet::new();
    let mut after = None;
    loop {
        let page = db.run(db.store.streams(after, PAGE))?;
        let Some(last) = page.last() else { break };
        after = Some(last.stream_id);
        for info in &page {
            let doc = match db.rt.block_on(export_stream_sealed(&*db.store, info.kind, info.stream_id, key)) {
                Ok(doc) => doc,
                Err(e) if is_stream_problem(&e) => {
                    eprintln!("lk3: not exported: {}", bilingual(&e));
                    failed += 1;
                    continue;
                }
                Err(e @ StoreError::Seal { .. }) => {
                    eprintln!("lk3: not exported: {}", bilingual(&e));
                    unsealable += 1;
                    continue;
                }
                Err(e) => return Err(db.error(e)),
            };
            let projection = match info.kind {
                StreamKind::Case => db.run(db.store.projection(info.stream_id))?,
                StreamKind::Outreach => None,
            };
            let mut stem = file_stem(info.kind, info.stream_id, projection.as_ref());
            if !names.insert(stem.clone()) {
                // Two cases with one number (e.g. demo runs with different seeds in one store).
                stem = format!("{stem}_{}", info.stream_id);
                eprintln!("lk3: case number used twice in the store; writing {stem}.json");
                names.insert(stem.clone());
            }
            files::write_private(dir, &format!("{stem}.json"), doc.as_bytes())?;
            match info.kind {
                StreamKind::Case => cases += 1,
                StreamKind::Outreach => outreaches += 1,
            }
        }
    }
    println!(
        "Exported {} and {} from {} to {}{}{}{}",
        count(cases, "case document", "case documents"),
        count(outreaches, "outreach document", "outreach documents"),
        db.url,
        dir.display(),
        match key {
            Some(k) => format!(", sealed by key {} of unit {}", k.key_id(), k.unit()),
            None => String::new(),
        },
        if failed > 0 {
            format!("; not exported, failing verification (see `lk3 verify`): {}", count(failed, "stream", "streams"))
        } else {
            String::new()
        },
        if unsealable > 0 {
            format!("; not exported, of another unit than the key's: {}", count(unsealable, "stream", "streams"))
        } else {
            String::new()
        }
    );
    Ok(failed == 0 && unsealable == 0)
}

// ---------------------------------------------------------------------------
// lk3 import

fn is_stream_file(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "ndjson" || e == "jsonl")
}

/// Collects the `.json` files under `path` (a file named directly, whatever
/// its name), noting the NDJSON files that are skipped. Links inside a
/// directory are not followed.
fn collect_documents(path: &Path, out: &mut Vec<PathBuf>, skipped: &mut Vec<PathBuf>) -> Result<(), CliError> {
    for found in files::walk(path, &["json", "ndjson", "jsonl"]) {
        let found = found?;
        if is_stream_file(&found) { skipped.push(found) } else { out.push(found) }
    }
    Ok(())
}

/// Whether a store error means the documents conflict with the store's
/// data (exit 1) rather than that the store could not be used (exit 2).
fn is_data_conflict(e: &StoreError) -> bool {
    matches!(
        e,
        StoreError::VersionConflict { .. }
            | StoreError::CommandIdReused { .. }
            | StoreError::CommandIdConflict { .. }
            | StoreError::CaseNumberTaken { .. }
            | StoreError::BatchRejected { .. }
            | StoreError::ImportRejected { .. }
    )
}

/// `lk3 import`: every document in one transaction, or none; returns false
/// when a document was refused (nothing is written then).
/// With a trust set, every document must be sealed by one of its keys.
/// Without one, the keys the store trusts are the trust set, if it has any.
/// With a signing key, the store seals every unsealed document of the key's
/// unit as it writes it.
pub fn import(
    url: &str,
    paths: &[PathBuf],
    trust: Option<&lk3_core::seal::TrustedKeys>,
    key: Option<lk3_core::seal::SigningKey>,
) -> Result<bool, CliError> {
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    for p in paths {
        collect_documents(p, &mut files, &mut skipped)?;
    }
    for s in &skipped {
        eprintln!("lk3: skipped {} (NDJSON, e.g. the partner network, is not a stream document)", s.display());
    }
    // Nothing to import is a usage error (exit 2), found before any store is opened or made.
    if files.is_empty() {
        return Err(crate::validate::InputError::no_documents(paths).into());
    }
    let db = Db::open(url, Access::Write)?;
    db.store.set_signer(key);
    let trust = db.run(lk3_storage::trust::trust_for_import(&*db.store, trust))?;
    let trust = trust.as_ref();
    let limits = Limits::default();
    let mut batches = Vec::with_capacity(files.len());
    let mut refused = 0usize;
    let mut held = 0u64;
    // A few hundred documents at a time: those the store holds as they are (a re-import)
    // are found in one read and not judged again; the rest are judged in full.
    for chunk in files.chunks(256) {
        let read =
            chunk.iter().map(|f| files::read_limited(f, limits.max_bytes as u64)).collect::<Result<Vec<_>, _>>()?;
        let documents: Vec<&[u8]> = read.iter().map(Vec::as_slice).collect();
        let as_they_are = db.run(held_as_they_are(&*db.store, &documents, &limits, trust))?;
        for ((f, bytes), held_as_is) in chunk.iter().zip(&documents).zip(as_they_are) {
            if held_as_is {
                held += 1;
                continue;
            }
            match import_batch_trusted(&f.display().to_string(), bytes, &limits, trust) {
                Ok(batch) => batches.push(batch),
                Err(e) => {
                    refused += 1;
                    eprintln!("lk3: {}", bilingual(&e));
                }
            }
        }
    }
    if refused > 0 {
        eprintln!(
            "lk3: {refused} of {} documents refused; nothing was written to {} / tidak ada yang ditulis",
            files.len(),
            db.url
        );
        return Ok(false);
    }
    let report = match db.rt.block_on(import_documents(&*db.store, &batches)) {
        Ok(report) => ImportReport { already_present: report.already_present + held, ..report },
        Err(e) if is_data_conflict(&e) => {
            eprintln!("lk3: {}: {}", db.url, bilingual(&e));
            eprintln!("lk3: nothing was written to {} / tidak ada yang ditulis", db.url);
            return Ok(false);
        }
        Err(e) => return Err(db.error(e)),
    };
    println!(
        "Imported into {} ({}): {} documents read, {} streams imported, {} already present, {} events written",
        db.url,
        db.backend(),
        files.len(),
        report.imported,
        report.already_present,
        report.events
    );
    Ok(true)
}

// ---------------------------------------------------------------------------
// lk3 cases

/// Output formats of `lk3 cases`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum CasesFormat {
    /// One line per case, then the count.
    Table,
    /// One JSON object: `count` (every match) and `cases` (the summaries shown).
    Json,
}

/// Parses a vocabulary value by its id, listing the known ids when it is not one.
pub fn vocabulary<T: Labelled>(s: &str) -> Result<T, String> {
    T::from_id(s).ok_or_else(|| {
        let known: Vec<&str> = T::ALL.iter().map(|v| v.id()).collect();
        format!("`{s}` is not known; use one of {}", known.join(", "))
    })
}

/// Parses `YYYY-MM-DD` (UTC midnight) or an RFC 3339 time.
pub fn date_time(s: &str) -> Result<DateTime<Utc>, String> {
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Ok(d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc());
    }
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("`{s}` is neither YYYY-MM-DD nor an RFC 3339 time: {e}"))
}

/// `lk3 caseload`: each worker's open cases by stage.
pub fn caseload(url: &str, unit: Option<&lk3_core::ids::UnitCode>, format: CasesFormat) -> Result<(), CliError> {
    use lk3_core::vocab::Stage;
    let db = Db::open(url, Access::Read)?;
    let loads = db.run(lk3_storage::caseload::caseload(&*db.store, unit))?;
    let mut out = std::io::stdout().lock();
    match format {
        CasesFormat::Json => {
            let json = serde_json::to_string(&loads).map_err(json_error("caseload"))?;
            writeln!(out, "{json}").map_err(stdout_error)?;
        }
        CasesFormat::Table => {
            let stages: Vec<Stage> = Stage::ALL.iter().copied().filter(|s| *s != Stage::Ditutup).collect();
            let head: Vec<String> = stages.iter().map(|s| format!("{:>8}", short_stage(*s))).collect();
            writeln!(out, "{:<8} {:<36} {} {:>8}", "unit", "pekerja sosial / worker", head.join(" "), "terbuka/open")
                .map_err(stdout_error)?;
            for load in &loads {
                let counts: Vec<String> =
                    stages.iter().map(|s| format!("{:>8}", load.by_stage.get(s).copied().unwrap_or(0))).collect();
                let worker = load.worker.map_or_else(|| "(belum ditetapkan / none yet)".to_owned(), |w| w.to_string());
                writeln!(out, "{:<8} {:<36} {} {:>8}", load.unit.to_string(), worker, counts.join(" "), load.open)
                    .map_err(stdout_error)?;
            }
            let total: u64 = loads.iter().map(|l| l.open).sum();
            writeln!(out, "{total} kasus terbuka / open cases").map_err(stdout_error)?;
        }
    }
    Ok(())
}

/// `lk3 tasks`: the open tasks, by due date, `now` marking the overdue.
pub fn tasks(
    url: &str,
    query: &lk3_storage::tasks::TaskQuery,
    now: DateTime<Utc>,
    format: CasesFormat,
) -> Result<(), CliError> {
    let db = Db::open(url, Access::Read)?;
    let tasks = db.run(lk3_storage::tasks::tasks(&*db.store, query))?;
    let mut out = std::io::stdout().lock();
    match format {
        CasesFormat::Json => {
            let json = serde_json::to_string(&tasks).map_err(json_error("tasks"))?;
            writeln!(out, "{json}").map_err(stdout_error)?;
        }
        CasesFormat::Table => {
            writeln!(
                out,
                "{:<17} {:<8} {:<24} {:<36} {:<36} tugas / task",
                "jatuh tempo / due", "", "kasus / case", "tentang / about", "pekerja sosial / worker"
            )
            .map_err(stdout_error)?;
            for t in &tasks {
                let what = t.case_number.as_ref().map(ToString::to_string).or(t.case_id.map(|c| c.to_string()));
                let what = what.or(t.outreach_id.map(|o| format!("penjangkauan {o}"))).unwrap_or_default();
                let about = t.task.about.map_or_else(|| "-".to_owned(), |a| a.to_string());
                let worker = t.task.worker.map_or_else(|| "-".to_owned(), |w| w.to_string());
                let late = if t.task.is_overdue(now) { "TERLAMBAT" } else { "" };
                writeln!(
                    out,
                    "{:<17} {late:<8} {what:<24} {about:<36} {worker:<36} {} / {}",
                    t.task.due.format("%Y-%m-%d %H:%M"),
                    t.task.task.label_id(),
                    t.task.task.label_en()
                )
                .map_err(stdout_error)?;
            }
            let overdue = tasks.iter().filter(|t| t.task.is_overdue(now)).count();
            writeln!(out, "{} tugas / tasks; terlambat / overdue: {overdue}", tasks.len()).map_err(stdout_error)?;
        }
    }
    Ok(())
}

/// A stage's id cut to a column's width.
fn short_stage(stage: lk3_core::vocab::Stage) -> String {
    stage.id().chars().take(8).collect()
}

/// `lk3 cases`: the cases matching `query`, at most `limit`, and how many
/// match in all. Written page by page as it is read: the memory it takes is
/// one page's, however many cases it lists.
pub fn cases(url: &str, query: CaseQuery, limit: u32, format: CasesFormat) -> Result<(), CliError> {
    let db = Db::open(url, Access::Read)?;
    let count = db.run(db.store.count_cases(&query))?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match format {
        CasesFormat::Json => write!(out, "{{\"count\":{count},\"cases\":[").map_err(stdout_error)?,
        CasesFormat::Table => writeln!(
            out,
            "{:<22} {:<20} {:<10} {:<36} {:<24} layanan / services",
            "nomor kasus / case", "tahap / stage", "dibuka", "pekerja sosial / worker", "masalah / problems"
        )
        .map_err(stdout_error)?,
    }
    let mut shown = 0u32;
    let mut page_query = CaseQuery { after: None, ..query };
    while shown < limit {
        let want = (limit - shown).min(PAGE);
        page_query.limit = want;
        let page = db.run(db.store.query_cases(&page_query))?;
        for s in &page {
            match format {
                CasesFormat::Json => {
                    if shown > 0 {
                        out.write_all(b",").map_err(stdout_error)?;
                    }
                    serde_json::to_writer(&mut out, s).map_err(|e| match e.io_error_kind() {
                        Some(kind) => stdout_error(kind.into()),
                        None => json_error("cases")(e),
                    })?;
                }
                CasesFormat::Table => writeln!(out, "{}", table_row(s)).map_err(stdout_error)?,
            }
            shown += 1;
        }
        page_query.after = page.last().map(|s| s.case_id);
        if page.len() < want as usize || page_query.after.is_none() {
            break;
        }
    }
    match format {
        CasesFormat::Json => writeln!(out, "]}}").map_err(stdout_error)?,
        CasesFormat::Table => {
            writeln!(out, "{count} kasus cocok / cases match; ditampilkan / shown: {shown}").map_err(stdout_error)?
        }
    }
    out.flush().map_err(stdout_error)
}

fn table_row(s: &CaseSummary) -> String {
    let number = s.case_number.as_ref().map_or_else(|| s.case_id.to_string(), ToString::to_string);
    let worker = s.worker.map_or_else(|| "-".to_owned(), |w| w.to_string());
    let problems: Vec<&str> = s.problems.iter().map(|p| p.id()).collect();
    let problems = if problems.is_empty() { "-".to_owned() } else { problems.join(",") };
    let services: Vec<String> = s.services.iter().map(|v| format!("{}:{}", v.kind.id(), v.state.id())).collect();
    let services = if services.is_empty() { "-".to_owned() } else { services.join(", ") };
    format!(
        "{number:<22} {:<20} {:<10} {worker:<36} {problems:<24} {services}",
        s.stage.id(),
        s.opened_at.format("%Y-%m-%d")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_utc_midnight_or_rfc3339() {
        assert_eq!(date_time("2019-03-01").map(|t| t.to_rfc3339()), Ok("2019-03-01T00:00:00+00:00".to_owned()));
        assert_eq!(
            date_time("2019-03-01T08:00:00+08:00").map(|t| t.to_rfc3339()),
            Ok("2019-03-01T00:00:00+00:00".to_owned())
        );
        assert!(date_time("01/03/2019").is_err());
    }

    #[test]
    fn vocabulary_errors_list_the_known_values() {
        assert_eq!(vocabulary::<lk3_core::vocab::Stage>("ditutup"), Ok(lk3_core::vocab::Stage::Ditutup));
        let e = vocabulary::<lk3_core::vocab::Stage>("closed").expect_err("unknown");
        assert!(e.contains("kontak") && e.contains("ditutup"), "{e}");
    }
}
