//! `NativeStore`: an `lk3_storage` store and the tokio runtime that drives
//! it. Every method blocks on the runtime with the GIL released
//! (`Python::detach`), so other Python threads run while Rust works. The
//! Python class `lk3.Store` wraps it with the Pythonic API.
//!
//! A store survives `fork()`: the child has none of the runtime's threads,
//! so it never touches what the parent opened (it leaks it, see [`leak`])
//! and reopens the store from its URL on first use, with a runtime of its
//! own. SQLite connections must not cross a fork at all (SQLite's own
//! in-process lock state would make the child's connection lose writes), so
//! a hook `os.register_at_fork` runs closes every SQLite pool before the
//! fork; both processes reopen it when next used. A `memory://` store
//! cannot follow: its data stays in the parent, and the child gets LK3-E096.

use lk3_core::Decider;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, RwLock, Weak};
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, Utc};
use lk3_core::case::{Case, CaseCommand, CaseEvent};
use lk3_core::event::Actor;
use lk3_core::ids::{CaseId, ClientId, CommandId, IdSeed, OutreachId, PartnerId, StaffId, UnitCode};
use lk3_core::outreach::{Outreach, OutreachCommand};
use lk3_core::rules::RuleSetId;
use lk3_core::schema::ClientRecord;
use lk3_core::seal::{KeyId, PrivateKeyFile, PublicKeyFile, SigningKey, TrustedKey, TrustedKeys};
use lk3_core::service::ServiceState;
use lk3_core::validate::Limits;
use lk3_core::vocab::{Problem, Role, ServiceKind, Stage};
use lk3_core::{CommandContext, ErrorCode, Labelled, Lk3Error};
use lk3_storage::aggregate::Aggregate;
use lk3_storage::document::{export_stream, held_as_they_are, import_batch_trusted, import_documents};
use lk3_storage::model::StreamKind;
use lk3_storage::{CaseQuery, CaseStore, CaseStoreExt, CaseSummary, Executed, StoreError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use tokio::runtime::Runtime;

use crate::case::NativeCase;
use crate::error::{Failure, IntoPyResult, Outcome};
use crate::frames::{self, ClientRow, EventsBuilder, Options, Resolution};
use lk3_storage::pseudonym::Keyed;

/// Case rows read per query page, stream rows per page of the events table.
const PAGE: u32 = 500;

/// How long the fork hook waits for calls under way on a SQLite store
/// before it gives up closing it (the child then refuses that store).
const FORK_WAIT: Duration = Duration::from_secs(30);

/// A store opened by URL, with the runtime that drives it.
#[pyclass(frozen, module = "lk3._lk3")]
pub struct NativeStore {
    slot: Arc<Slot>,
    url: String,
    backend: &'static str,
}

/// What a store holds, shared with the fork hook's registry.
struct Slot {
    /// The URL as given (with its password: it never leaves the process),
    /// to reopen the store after a fork.
    source: String,
    state: RwLock<State>,
    /// The key the store seals its batches with, set again on a reopen.
    signer: RwLock<Option<SigningKey>>,
    /// The cases this handle last loaded or wrote, verified folds a
    /// command is decided against without reading the stream again.
    folds: Folds,
}

/// The most cases [`Folds`] keeps (then it starts again: a cache, not a copy).
const FOLDS_KEPT: usize = 4096;

/// Cases by stream id, as this handle last saw them. Never the truth: a
/// command decided against a fold another writer has since moved past is
/// refused by the append (a version conflict), and then decided again
/// against the stream as stored.
#[derive(Default)]
struct Folds(Mutex<HashMap<uuid::Uuid, Arc<Case>>>);

impl Folds {
    fn get(&self, stream_id: uuid::Uuid) -> Option<Arc<Case>> {
        self.0.lock().ok().and_then(|m| m.get(&stream_id).cloned())
    }

    fn put(&self, state: &Arc<Case>) {
        let Some(id) = state.case_id() else { return };
        if let Ok(mut m) = self.0.lock() {
            if m.len() >= FOLDS_KEPT && !m.contains_key(id.as_uuid()) {
                m.clear();
            }
            m.insert(*id.as_uuid(), Arc::clone(state));
        }
    }

    fn forget(&self, stream_id: uuid::Uuid) {
        if let Ok(mut m) = self.0.lock() {
            m.remove(&stream_id);
        }
    }

    fn clear(&self) {
        if let Ok(mut m) = self.0.lock() {
            m.clear();
        }
    }
}

enum State {
    /// Open, in the process [`Live::pid`].
    Open(Live),
    /// A SQLite store closed by the fork hook (in process `pid`, whose
    /// runtime `rt` is): reopened when next used.
    Suspended { rt: Arc<Runtime>, pid: u32 },
    /// Closed by `close`.
    Closed,
}

/// An open store and the runtime that drives it.
struct Live {
    /// The process that opened it.
    pid: u32,
    rt: Arc<Runtime>,
    store: Arc<dyn CaseStore>,
}

impl Live {
    /// Whether the store is a SQLite file (whose connections cannot cross a fork).
    fn is_sqlite(&self) -> bool {
        self.store.backend() == "sqlite"
    }

    /// Closes the store on its own runtime, waiting for its connections to close.
    fn close(self) {
        let Live { rt, store, .. } = self;
        rt.block_on(store.close());
        // Pools close their connections on the runtime that opened them.
        let _inside = rt.enter();
        drop(store);
    }
}

/// Leaves what the process this one was forked from opened untouched:
/// its runtime's threads and the other ends of its connections are there,
/// so dropping it here would wait for threads that do not exist (a hang)
/// or close the parent's PostgreSQL sessions (a Terminate sent on a shared
/// socket). It is the child's copy of the parent's memory: leaking it costs
/// nothing the fork did not already copy.
fn leak<T>(parent_owned: T) {
    std::mem::forget(parent_owned);
}

/// Every store opened in this process, for the fork hook.
static SLOTS: Mutex<Vec<Weak<Slot>>> = Mutex::new(Vec::new());

impl Slot {
    /// Closes a SQLite store before a fork, once the calls under way on it
    /// are done (they hold a clone of the store and need no GIL).
    fn suspend(&self) {
        let me = std::process::id();
        let Ok(mut state) = self.state.write() else { return };
        let State::Open(live) = &*state else { return };
        if live.pid != me || !live.is_sqlite() {
            return;
        }
        let deadline = Instant::now() + FORK_WAIT;
        while Arc::strong_count(&live.store) > 1 {
            if Instant::now() > deadline {
                return;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        if let State::Open(live) = std::mem::replace(&mut *state, State::Closed) {
            let rt = Arc::clone(&live.rt);
            live.close();
            *state = State::Suspended { rt, pid: me };
        }
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let me = std::process::id();
        let state = self.state.get_mut().map(|s| std::mem::replace(s, State::Closed));
        match state {
            Ok(State::Open(live)) if live.pid == me => {
                // Pools close their connections on the runtime that opened them.
                let _inside = live.rt.enter();
                drop(live.store);
            }
            Ok(State::Open(live)) => leak(live),
            Ok(State::Suspended { rt, pid }) if pid != me => leak(rt),
            _ => {}
        }
    }
}

/// Closes every SQLite store of this process before a fork (registered
/// with `os.register_at_fork` when the module loads).
#[pyfunction]
pub fn before_fork() {
    let slots: Vec<Arc<Slot>> = match SLOTS.lock() {
        Ok(mut slots) => {
            slots.retain(|s| s.strong_count() > 0);
            slots.iter().filter_map(Weak::upgrade).collect()
        }
        Err(_) => return,
    };
    for slot in slots {
        slot.suspend();
    }
}

/// Registers [`before_fork`] with `os.register_at_fork` (where there is one).
pub fn register_fork_hook(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    let os = py.import("os")?;
    if let Ok(register) = os.getattr("register_at_fork") {
        let hooks = PyDict::new(py);
        hooks.set_item("before", wrap_pyfunction!(before_fork, m)?)?;
        register.call((), Some(&hooks))?;
    }
    Ok(())
}

fn runtime() -> Outcome<Arc<Runtime>> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("lk3-store")
        .enable_all()
        .build()
        .map(Arc::new)
        .map_err(|e| Failure::Internal(format!("cannot start the runtime: {e}")))
}

/// Opens a store as `lk3_storage::open` does (`memory://` is its `memory:`).
async fn open_store(url: &str) -> Result<Arc<dyn CaseStore>, StoreError> {
    Ok(Arc::from(lk3_storage::open(if url == "memory://" { "memory:" } else { url }).await?))
}

/// Opens `url` on `rt`, in this process.
fn open_live(rt: Arc<Runtime>, url: &str) -> Result<Live, (Arc<Runtime>, StoreError)> {
    match rt.block_on(open_store(url)) {
        Ok(store) => Ok(Live { pid: std::process::id(), rt, store }),
        Err(e) => Err((rt, e)),
    }
}

impl NativeStore {
    /// The runtime and the store, reopened first if this process was
    /// forked since it was opened.
    fn live(&self) -> Outcome<(Arc<Runtime>, Arc<dyn CaseStore>)> {
        let me = std::process::id();
        let poisoned = || Failure::Internal("the store's lock is poisoned".into());
        let parts = |l: &Live| (Arc::clone(&l.rt), Arc::clone(&l.store));
        {
            let state = self.slot.state.read().map_err(|_| poisoned())?;
            match &*state {
                State::Open(live) if live.pid == me => return Ok(parts(live)),
                State::Closed => return Err(self.closed_error()),
                _ => {}
            }
        }
        // Reopened with the GIL held: releasing it while holding the write
        // lock would deadlock with a thread that holds the GIL and waits for
        // the lock.
        let mut state = self.slot.state.write().map_err(|_| poisoned())?;
        let rt = match &*state {
            State::Open(live) if live.pid == me => return Ok(parts(live)),
            State::Open(_) if self.backend != "postgres" => return Err(self.forked()),
            State::Suspended { rt, pid } if *pid == me => Arc::clone(rt),
            State::Open(_) | State::Suspended { .. } => runtime()?,
            State::Closed => return Err(self.closed_error()),
        };
        match std::mem::replace(&mut *state, State::Closed) {
            State::Open(live) => leak(live),
            State::Suspended { rt, pid } if pid != me => leak(rt),
            _ => {}
        }
        match open_live(rt, &self.slot.source) {
            Ok(live) => {
                live.store.set_signer(self.slot.signer.read().map_err(|_| poisoned())?.clone());
                let out = parts(&live);
                *state = State::Open(live);
                Ok(out)
            }
            Err((rt, e)) => {
                *state = State::Suspended { rt, pid: me };
                Err(e.into())
            }
        }
    }

    fn closed_error(&self) -> Failure {
        Failure::Value(format!("the store {} is closed / penyimpanan sudah ditutup", self.url))
    }

    fn forked(&self) -> Failure {
        let (en, id) = if self.backend == "memory" {
            ("its data stays in that process", "datanya tetap di proses itu")
        } else {
            (
                "its SQLite connections were still open at the fork (a call under way, or a fork that skipped \
                 Python's at-fork hooks), and a SQLite connection cannot cross a fork",
                "koneksi SQLite-nya masih terbuka saat fork (ada panggilan yang berjalan, atau fork yang melewati \
                 hook at-fork Python), dan koneksi SQLite tidak dapat melintasi fork",
            )
        };
        Failure::Lk3 {
            code: ErrorCode::StoreForked.id().to_owned(),
            message_en: format!(
                "the store {} was opened in the process this one was forked from and cannot be used here: {en}; \
                 open the store in this process, or start it with the spawn method",
                self.url
            ),
            message_id: format!(
                "penyimpanan {} dibuka di proses induk sebelum fork dan tidak dapat dipakai di sini: {id}; \
                 buka penyimpanan di proses ini, atau mulai proses dengan metode spawn",
                self.url
            ),
            findings: Vec::new(),
        }
    }

    /// Runs `f` on the store, on the runtime, with the GIL released.
    fn run<T, F, Fut>(&self, py: Python<'_>, f: F) -> PyResult<T>
    where
        T: Send,
        F: FnOnce(Arc<dyn CaseStore>) -> Fut + Send,
        Fut: Future<Output = Outcome<T>>,
    {
        let (rt, store) = self.live().py(py)?;
        py.detach(|| rt.block_on(f(store))).py(py)
    }

    /// [`NativeStore::run`], its result handed to Python as objects ([`crate::objects`]).
    fn run_objects<'py, T, F, Fut>(&self, py: Python<'py>, f: F) -> PyResult<Bound<'py, PyAny>>
    where
        T: Send + serde::Serialize,
        F: FnOnce(Arc<dyn CaseStore>) -> Fut + Send,
        Fut: Future<Output = Outcome<T>>,
    {
        let found = self.run(py, f)?;
        crate::objects(py, &found)
    }
}

/// A digest as Python passes it (64 hex digits).
fn digest_of(s: &str) -> Outcome<lk3_core::event::Hash> {
    lk3_core::event::Hash::from_hex(s).ok_or_else(|| Failure::Lk3 {
        code: ErrorCode::IdFormat.id().to_owned(),
        message_en: "a digest is 64 lowercase hex digits".to_owned(),
        message_id: "digest terdiri atas 64 digit heksadesimal huruf kecil".to_owned(),
        findings: Vec::new(),
    })
}

/// Who reads and why, as Python passes them.
#[allow(clippy::too_many_arguments)]
fn access_request(
    staff_id: &str,
    role: &str,
    partner_id: Option<&str>,
    actor_unit: Option<&str>,
    purpose: Option<&str>,
    at: &str,
) -> Outcome<lk3_core::access::AccessRequest> {
    let actor = Actor {
        partner_id: partner_id.map(PartnerId::parse).transpose()?,
        role: role.parse::<Role>()?,
        staff_id: StaffId::parse(staff_id)?,
        unit: actor_unit.map(UnitCode::parse).transpose()?,
    };
    let purpose = purpose.map(str::parse::<lk3_core::vocab::AccessPurpose>).transpose()?;
    let at = parse_time(at)?;
    Ok(lk3_core::access::AccessRequest { actor, purpose, at })
}

/// The clients a note or an attachment is about, as Python passes them.
fn client_ids(ids: &[String]) -> Outcome<Vec<ClientId>> {
    ids.iter().map(|c| ClientId::parse(c).map_err(Failure::from)).collect()
}

/// A stored note or attachment's description (JSON object), its content apart.
fn kept_json(
    digest: lk3_core::event::Hash,
    case_id: Option<CaseId>,
    subjects: &[ClientId],
    sensitivity: lk3_core::vocab::Sensitivity,
    erased_at: Option<DateTime<Utc>>,
) -> serde_json::Map<String, serde_json::Value> {
    let mut m = serde_json::Map::new();
    m.insert("digest".into(), digest.to_string().into());
    m.insert("case_id".into(), case_id.map(|c| c.to_string()).into());
    m.insert("subjects".into(), subjects.iter().map(ToString::to_string).collect::<Vec<_>>().into());
    m.insert("sensitivity".into(), sensitivity.id().into());
    m.insert("erased_at".into(), erased_at.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)).into());
    m
}

/// `N` seeds of ten random bytes (a UUID v7's randomness) for ids and
/// command seeds, drawn from the OS in one call (a command takes two: its
/// id's and its own).
pub fn random_seeds<const N: usize>() -> Outcome<[IdSeed; N]> {
    let mut bytes = [[0u8; 10]; N];
    getrandom::fill(bytes.as_flattened_mut())
        .map_err(|e| Failure::Internal(format!("the operating system gave no random bytes: {e}")))?;
    Ok(bytes.map(IdSeed::new))
}

/// A key id (16 lowercase hex digits).
fn key_id_of(s: &str) -> Outcome<KeyId> {
    KeyId::from_hex(s).ok_or_else(|| Failure::Lk3 {
        code: ErrorCode::KeyFileInvalid.id().to_owned(),
        message_en: "a key id is 16 lowercase hex digits".to_owned(),
        message_id: "id kunci terdiri atas 16 digit heksadesimal huruf kecil".to_owned(),
        findings: Vec::new(),
    })
}

/// An RFC 3339 time with its offset (the Python layer sends aware times only).
pub fn parse_time(s: &str) -> Outcome<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| Failure::Value(format!("not an RFC 3339 time with a UTC offset: {s:?} ({e})")))
}

fn parse_date(s: &str) -> Outcome<NaiveDate> {
    s.parse().map_err(|e| Failure::Value(format!("not a date (YYYY-MM-DD): {s:?} ({e})")))
}

/// Who issues a command, when, under which id and rule set.
fn command_context(
    staff_id: &str,
    role: &str,
    at: &str,
    command_id: Option<&str>,
    rule_set: Option<&str>,
    partner_id: Option<&str>,
    unit: Option<&str>,
) -> Outcome<CommandContext> {
    let actor = Actor {
        partner_id: partner_id.map(PartnerId::parse).transpose()?,
        role: role.parse::<Role>()?,
        staff_id: StaffId::parse(staff_id)?,
        unit: unit.map(UnitCode::parse).transpose()?,
    };
    let at = parse_time(at)?;
    let [id_seed, seed] = random_seeds()?;
    let command_id = match command_id {
        Some(id) => CommandId::parse(id)?,
        None => CommandId::new_v7(at, id_seed),
    };
    let ctx = CommandContext::new(actor, at, command_id, seed);
    Ok(match rule_set {
        Some(name) => ctx.under(name.parse::<RuleSetId>().map_err(|e| Failure::lk3(&e))?),
        None => ctx,
    })
}

/// A case command (Python data), checked against the `command` schema
/// (findings on failure) and decoded.
fn parse_command(command: &Bound<'_, PyAny>) -> Outcome<CaseCommand> {
    parse_checked(command, "command")
}

/// Python data read as a JSON tree ([`crate::pyjson`]), checked against the
/// schema `schema` (findings on failure) and decoded.
fn parse_checked<T: serde::de::DeserializeOwned>(data: &Bound<'_, PyAny>, schema: &str) -> Outcome<T> {
    let tree = crate::pyjson::json_of(data)?;
    let report = lk3_core::validate::validate_tree(&tree, Some(schema), &Limits::default());
    if !report.valid {
        let first = report.findings.first();
        return Err(Failure::Lk3 {
            code: first.map_or_else(|| ErrorCode::SchemaViolation.id().to_owned(), |f| f.code.clone()),
            message_en: first.map_or_else(
                || "the command is not valid".to_owned(),
                |f| format!("the command is not valid: {}", f.message_en),
            ),
            message_id: first
                .map_or_else(|| "perintah tidak sah".to_owned(), |f| format!("perintah tidak sah: {}", f.message_id)),
            findings: report.findings,
        });
    }
    lk3_core::json::from_value(tree, "a command").map_err(|e| Failure::Lk3 {
        code: e.code().id().to_owned(),
        message_en: format!("the command does not decode: {}", e.message_en()),
        message_id: format!("perintah tidak dapat dibaca: {}", e.message_id()),
        findings: Vec::new(),
    })
}

/// A case query from the Python filters (all strings).
fn case_query(filters: &HashMap<String, String>) -> Outcome<CaseQuery> {
    let mut q = CaseQuery::default();
    for (key, v) in filters {
        match key.as_str() {
            "unit" => q.unit = Some(UnitCode::parse(v)?),
            "held_by" => q.held_by = Some(UnitCode::parse(v)?),
            "transfer_to" => q.transferred_to = Some(UnitCode::parse(v)?),
            "transfer_state" => q.transfer_state = Some(v.parse::<lk3_core::case::TransferState>()?),
            "stage" => q.stage = Some(v.parse::<Stage>()?),
            "service_kind" => q.service_kind = Some(v.parse::<ServiceKind>()?),
            "service_state" => q.service_state = Some(v.parse::<ServiceState>()?),
            "problem" => q.problem = Some(v.parse::<Problem>()?),
            "worker" => q.worker = Some(StaffId::parse(v)?),
            "opened_from" => q.opened_from = Some(parse_time(v)?),
            "opened_before" => q.opened_before = Some(parse_time(v)?),
            "overdue_at" => q.overdue_at = Some(parse_time(v)?),
            "after" => q.after = Some(CaseId::parse(v)?),
            other => return Err(Failure::Value(format!("unknown case filter `{other}`"))),
        }
    }
    Ok(q)
}

/// Every case matching a query, folded from its events (as stored: `verify`
/// is what checks them), a page of streams per unit at a time.
async fn folded_cases(store: &dyn CaseStore, mut q: CaseQuery) -> Result<Vec<Case>, StoreError> {
    let mut out = Vec::new();
    q.limit = PAGE;
    loop {
        let page = store.query_cases(&q).await?;
        let mut by_unit: std::collections::BTreeMap<UnitCode, Vec<uuid::Uuid>> = Default::default();
        for s in &page {
            by_unit.entry(s.unit).or_default().push(*s.case_id.as_uuid());
        }
        for (unit, ids) in by_unit {
            for (id, rows) in store.read_streams(&unit, &ids).await? {
                out.push(Case::from_events(&lk3_storage::aggregate::decode::<CaseEvent>(id, &rows)?));
            }
        }
        match page.last() {
            Some(last) if page.len() == PAGE as usize => q.after = Some(last.case_id),
            _ => break,
        }
    }
    // Read by unit: back to the query's order, by case id.
    out.sort_by_key(|c| c.case_id());
    Ok(out)
}

/// Every case matching a query, page by page, at most `limit`.
async fn all_cases(
    store: &dyn CaseStore,
    mut q: CaseQuery,
    limit: Option<u64>,
    scope: Option<lk3_core::access::Scope>,
) -> Result<Vec<CaseSummary>, StoreError> {
    let mut out = Vec::new();
    loop {
        let left = limit.map_or(u64::from(PAGE), |l| l.saturating_sub(out.len() as u64));
        let want = u32::try_from(left.min(u64::from(PAGE))).unwrap_or(PAGE);
        if want == 0 {
            break;
        }
        q.limit = want;
        let page = match &scope {
            Some(scope) => store.cases_in_scope(scope, &q).await?,
            None => store.query_cases(&q).await?,
        };
        let n = page.len();
        q.after = page.last().map(|s| s.case_id);
        out.extend(page);
        if n < want as usize {
            break;
        }
    }
    Ok(out)
}

/// A case as stored, verified; an empty one when there is none yet.
async fn load_or_new<A: Aggregate>(store: &dyn CaseStore, stream_id: uuid::Uuid) -> Result<A, StoreError> {
    match store.load::<A>(stream_id).await {
        Ok(loaded) => Ok(loaded.state),
        Err(StoreError::NotFound { .. }) => Ok(A::default()),
        Err(e) => Err(e),
    }
}

/// The case as it was at `expected` events, refused with a version
/// conflict when the case has moved on since (optimistic concurrency).
async fn case_at(
    store: &dyn CaseStore,
    folds: &Folds,
    case_id: CaseId,
    expected: u64,
) -> Result<Arc<Case>, StoreError> {
    let stream_id = *case_id.as_uuid();
    if expected == 0 {
        return Ok(Arc::new(Case::default()));
    }
    if let Some(kept) = folds.get(stream_id).filter(|c| c.version() == expected) {
        return Ok(kept);
    }
    let loaded = store.load_case(case_id).await?;
    let actual = loaded.events.len() as u64;
    if actual < expected {
        return Err(StoreError::VersionConflict { stream_id, expected, actual });
    }
    Ok(Arc::new(Case::from_events(&loaded.events[..usize::try_from(expected).unwrap_or(usize::MAX)])))
}

/// Executes a case command and returns its events and the case after
/// them. The command is decided against the fold this handle kept of the
/// case, when it has one, without reading the stream; should the stream
/// have moved on past it (another writer) the command is decided again
/// against the stream as stored. With `expected`, it is decided against
/// the case at that version and refused with a conflict when the case has
/// moved on since.
async fn execute_kept(
    store: &dyn CaseStore,
    folds: &Folds,
    case_id: CaseId,
    command: &CaseCommand,
    ctx: &CommandContext,
    expected: Option<u64>,
) -> Result<(Executed<Case>, Arc<Case>), StoreError> {
    let stream_id = *case_id.as_uuid();
    let (state, kept) = match (expected, folds.get(stream_id)) {
        (Some(v), _) => (case_at(store, folds, case_id, v).await?, false),
        (None, Some(kept)) => (kept, true),
        (None, None) => (Arc::new(load_or_new::<Case>(store, stream_id).await?), false),
    };
    let mut outcome = store.execute_on(&*state, stream_id, command, ctx).await;
    let mut state = state;
    if kept && outcome.is_err() {
        // Decided against a fold another writer may have moved past: a
        // conflict, or a refusal the stream as stored might not give.
        folds.forget(stream_id);
        let fresh = load_or_new::<Case>(store, stream_id).await?;
        if fresh.version() != state.version() || fresh.last_hash() != state.last_hash() {
            state = Arc::new(fresh);
            outcome = store.execute_on(&*state, stream_id, command, ctx).await;
        }
    }
    let mut executed = match outcome {
        Ok(executed) => executed,
        Err(e) => {
            folds.forget(stream_id);
            return Err(e);
        }
    };
    let after = match executed.state.take() {
        Some(after) => Arc::new(after),
        // A retried command id: its events are its first run's, maybe long ago.
        None => Arc::new(load_or_new::<Case>(store, stream_id).await?),
    };
    folds.put(&after);
    Ok((executed, after))
}

/// An outreach and the commands it allows now, as JSON data.
fn outreach_value(state: &Outreach) -> serde_json::Value {
    let allowed: Vec<&str> = state.allowed_commands().into_iter().map(|k| k.id()).collect();
    serde_json::json!({
        "outreach": state,
        "allowed_commands": allowed,
        "max_attempts": state.max_attempts(),
    })
}

/// A result as JSON data, handed to Python as objects ([`crate::objects`]).
fn value<T: serde::Serialize>(found: &T) -> Outcome<serde_json::Value> {
    serde_json::to_value(found).map_err(|e| Failure::Internal(format!("serialisation failed: {e}")))
}

#[pymethods]
impl NativeStore {
    /// Opens (creating if needed) the store `url` names: `memory:`,
    /// `sqlite://PATH` (or a plain path), `postgres://...`.
    #[staticmethod]
    fn open(py: Python<'_>, url: &str) -> PyResult<Self> {
        let rt = runtime().py(py)?;
        let live = py.detach(|| open_live(rt, url)).map_err(|(_, e)| Failure::from(e).into_py(py))?;
        let backend = live.store.backend();
        let slot = Arc::new(Slot {
            source: url.to_owned(),
            state: RwLock::new(State::Open(live)),
            signer: RwLock::new(None),
            folds: Folds::default(),
        });
        if let Ok(mut slots) = SLOTS.lock() {
            slots.push(Arc::downgrade(&slot));
        }
        Ok(NativeStore { slot, url: lk3_storage::redact_url(url), backend })
    }

    /// The URL without its password.
    #[getter]
    fn url(&self) -> &str {
        &self.url
    }

    /// `memory`, `sqlite` or `postgres`.
    #[getter]
    fn backend(&self) -> &'static str {
        self.backend
    }

    /// Whether `close` was called.
    #[getter]
    fn closed(&self) -> bool {
        self.slot.state.read().map(|s| matches!(*s, State::Closed)).unwrap_or(true)
    }

    /// Closes the store: its connections are released; later calls fail.
    /// In a process forked from the one that opened it, what that process
    /// opened is left alone.
    fn close(&self, py: Python<'_>) {
        self.slot.folds.clear();
        let me = std::process::id();
        let taken = self.slot.state.write().ok().map(|mut s| std::mem::replace(&mut *s, State::Closed));
        match taken {
            Some(State::Open(live)) if live.pid == me => py.detach(|| live.close()),
            Some(State::Open(live)) => leak(live),
            Some(State::Suspended { rt, pid }) if pid != me => leak(rt),
            _ => {}
        }
    }

    /// Executes a case command (Python data: a dict tagged by `type`, the
    /// `command` schema) as `staff_id` in `role` at `at`
    /// (RFC 3339); returns the events (a list of dicts) and whether the
    /// command id had been seen before. With `expected_version`, the command is decided
    /// against the case at that version and refused with a conflict when
    /// the case has moved on. With `rule_set`, a case this command opens is
    /// pinned to it (else: the one in force on the unit's local date). With
    /// `events` false the events are not made into Python objects (an empty
    /// list comes back): for a caller that wants only the case.
    #[pyo3(signature = (case_id, command, staff_id, role, at, command_id=None, expected_version=None, rule_set=None, partner_id=None, unit=None, events=true))]
    #[allow(clippy::too_many_arguments)]
    fn execute<'py>(
        &self,
        py: Python<'py>,
        case_id: &str,
        command: &Bound<'py, PyAny>,
        staff_id: &str,
        role: &str,
        at: &str,
        command_id: Option<&str>,
        expected_version: Option<u64>,
        rule_set: Option<&str>,
        partner_id: Option<&str>,
        unit: Option<&str>,
        events: bool,
    ) -> PyResult<(Bound<'py, PyAny>, bool, NativeCase)> {
        let prepared = (|| -> Outcome<_> {
            let case_id = CaseId::parse(case_id)?;
            let command = parse_command(command)?;
            let ctx = command_context(staff_id, role, at, command_id, rule_set, partner_id, unit)?;
            Ok((case_id, command, ctx))
        })();
        let (case_id, command, ctx) = prepared.py(py)?;
        let slot = Arc::clone(&self.slot);
        let wanted = events;
        let (events, replayed, after) = self.run(py, move |store| async move {
            let (executed, after) =
                execute_kept(&*store, &slot.folds, case_id, &command, &ctx, expected_version).await?;
            Ok((executed.events, executed.replayed, after))
        })?;
        let events = if wanted { crate::objects(py, &events)? } else { PyList::empty(py).into_any() };
        Ok((events, replayed, NativeCase::new(after)))
    }

    /// A case loaded and verified (its chain and head).
    fn case(&self, py: Python<'_>, case_id: &str) -> PyResult<NativeCase> {
        let case_id = CaseId::parse(case_id).map_err(Failure::from).py(py)?;
        let slot = Arc::clone(&self.slot);
        self.run(py, move |store| async move {
            let state = Arc::new(store.load_case(case_id).await?.state);
            slot.folds.put(&state);
            Ok(NativeCase::new(state))
        })
    }

    /// A case's events (a list of dicts), loaded and verified.
    fn case_events<'py>(&self, py: Python<'py>, case_id: &str) -> PyResult<Bound<'py, PyAny>> {
        let case_id = CaseId::parse(case_id).map_err(Failure::from).py(py)?;
        self.run_objects(py, move |store| async move { Ok(store.load_case(case_id).await?.events) })
    }

    /// Executes an outreach command (Python data, the `outreach-command` schema):
    /// returns the events (a list of dicts), whether the command id had
    /// been seen before, and the outreach after them (a dict, as
    /// [`NativeStore::outreach`]).
    #[pyo3(signature = (outreach_id, command, staff_id, role, at, command_id=None, rule_set=None, partner_id=None, unit=None))]
    #[allow(clippy::too_many_arguments)]
    fn execute_outreach<'py>(
        &self,
        py: Python<'py>,
        outreach_id: &str,
        command: &Bound<'py, PyAny>,
        staff_id: &str,
        role: &str,
        at: &str,
        command_id: Option<&str>,
        rule_set: Option<&str>,
        partner_id: Option<&str>,
        unit: Option<&str>,
    ) -> PyResult<(Bound<'py, PyAny>, bool, Bound<'py, PyAny>)> {
        let prepared = (|| -> Outcome<_> {
            let id = OutreachId::parse(outreach_id)?;
            let command: OutreachCommand = parse_checked(command, "outreach-command")?;
            let ctx = command_context(staff_id, role, at, command_id, rule_set, partner_id, unit)?;
            Ok((id, command, ctx))
        })();
        let (id, command, ctx) = prepared.py(py)?;
        let (events, replayed, after) = self.run(py, move |store| async move {
            // One read of the stream: the outreach after the command is the append's, not loaded again.
            let stream_id = *id.as_uuid();
            let before: Outreach = load_or_new(&*store, stream_id).await?;
            let mut executed = store.execute_on(&before, stream_id, &command, &ctx).await?;
            let after = match executed.state.take() {
                Some(after) => after,
                None => load_or_new(&*store, stream_id).await?,
            };
            Ok((executed.events, executed.replayed, outreach_value(&after)))
        })?;
        Ok((crate::objects(py, &events)?, replayed, crate::objects(py, &after)?))
    }

    /// An outreach loaded and verified: `{"outreach": ..., "allowed_commands": [...]}` (a dict).
    fn outreach<'py>(&self, py: Python<'py>, outreach_id: &str) -> PyResult<Bound<'py, PyAny>> {
        let id = OutreachId::parse(outreach_id).map_err(Failure::from).py(py)?;
        self.run_objects(py, move |store| async move { Ok(outreach_value(&store.load_outreach(id).await?.state)) })
    }

    /// An outreach's events (a list of dicts), loaded and verified.
    fn outreach_events<'py>(&self, py: Python<'py>, outreach_id: &str) -> PyResult<Bound<'py, PyAny>> {
        let id = OutreachId::parse(outreach_id).map_err(Failure::from).py(py)?;
        self.run_objects(py, move |store| async move { Ok(store.load_outreach(id).await?.events) })
    }

    /// The summaries (a list of dicts) of `unit`'s outreaches that may be active
    /// from `active_from` to `active_to` (RFC 3339; every one without),
    /// in outreach id order after `after`, at most `limit`.
    #[pyo3(signature = (unit, active_from=None, active_to=None, after=None, limit=None))]
    fn outreaches<'py>(
        &self,
        py: Python<'py>,
        unit: &str,
        active_from: Option<&str>,
        active_to: Option<&str>,
        after: Option<&str>,
        limit: Option<u64>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let prepared = (|| -> Outcome<_> {
            let unit = UnitCode::parse(unit)?;
            let from = active_from.map(parse_time).transpose()?.unwrap_or(DateTime::<Utc>::MIN_UTC);
            let to = active_to.map(parse_time).transpose()?.unwrap_or(DateTime::<Utc>::MAX_UTC);
            let after = after.map(OutreachId::parse).transpose()?;
            Ok((unit, from..to, after))
        })();
        let (unit, period, mut after) = prepared.py(py)?;
        self.run_objects(py, move |store| async move {
            let mut out = Vec::new();
            loop {
                let left = limit.map_or(u64::from(PAGE), |l| l.saturating_sub(out.len() as u64));
                let want = u32::try_from(left.min(u64::from(PAGE))).unwrap_or(PAGE);
                if want == 0 {
                    break;
                }
                let page = store.query_outreaches(&unit, period.clone(), after, want).await?;
                let n = page.len();
                after = page.last().map(|o| o.outreach_id);
                out.extend(page);
                if n < want as usize {
                    break;
                }
            }
            Ok(out)
        })
    }

    /// Case summaries (a list of dicts) matching the filters, at most
    /// `limit`. With `reader` (staff id, role, partner id, unit), only the
    /// cases that reader's scope admits.
    #[pyo3(signature = (filters, limit=None, reader=None))]
    fn cases<'py>(
        &self,
        py: Python<'py>,
        filters: HashMap<String, String>,
        limit: Option<u64>,
        reader: Option<(String, String, Option<String>, Option<String>)>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let q = case_query(&filters).py(py)?;
        let scope = reader
            .map(|(staff_id, role, partner_id, unit)| -> Outcome<_> {
                let actor = Actor {
                    partner_id: partner_id.as_deref().map(PartnerId::parse).transpose()?,
                    role: role.parse::<Role>()?,
                    staff_id: StaffId::parse(&staff_id)?,
                    unit: unit.as_deref().map(UnitCode::parse).transpose()?,
                };
                Ok(lk3_storage::access::scope_of(&actor)?)
            })
            .transpose()
            .py(py)?;
        self.run_objects(py, move |store| async move { Ok(all_cases(&*store, q, limit, scope).await?) })
    }

    /// The family of a Kartu Keluarga in a unit's registry (a list of
    /// members, each with its cases and roles).
    fn family<'py>(&self, py: Python<'py>, unit: &str, no_kk: &str) -> PyResult<Bound<'py, PyAny>> {
        let args = (|| -> Outcome<_> { Ok((UnitCode::parse(unit)?, lk3_core::ids::NoKk::parse(no_kk)?)) })();
        let (unit, no_kk) = args.py(py)?;
        self.run_objects(
            py,
            move |store| async move { Ok(lk3_storage::registry::family(&*store, &unit, no_kk).await?) },
        )
    }

    /// How many cases match the filters.
    fn count_cases(&self, py: Python<'_>, filters: HashMap<String, String>) -> PyResult<u64> {
        let q = case_query(&filters).py(py)?;
        self.run(py, move |store| async move { Ok(store.count_cases(&q).await?) })
    }

    /// The FHIR R4 Bundle (a dict) of the referrals of one case, or of every
    /// case with one; partners (a list of partner documents) name the
    /// Organizations; the pseudonym key is fresh and random when `None`.
    #[pyo3(signature = (case_id=None, partners=None, base="https://lk3.invalid/fhir", key=None))]
    fn fhir_bundle<'py>(
        &self,
        py: Python<'py>,
        case_id: Option<&str>,
        partners: Option<&Bound<'py, PyAny>>,
        base: &str,
        key: Option<Vec<u8>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        use lk3_storage::fhir::{FhirOptions, fhir_bundle};
        let case_id = case_id.map(CaseId::parse).transpose().map_err(Failure::from).py(py)?;
        let partners = match partners {
            Some(given) => {
                let list: Vec<lk3_core::partner::Partner> = crate::pyjson::json_of(given)
                    .and_then(|data| {
                        lk3_core::json::from_value(data, "a list of partners").map_err(|e| Failure::lk3(&e))
                    })
                    .py(py)?;
                Some(
                    lk3_core::partner::PartnerDirectory::try_from_partners(list)
                        .map_err(|e| Failure::lk3(&e))
                        .py(py)?,
                )
            }
            None => None,
        };
        // A fresh key: pseudonyms that link to no other export.
        let key = match key {
            Some(given) => given,
            None => {
                let mut fresh = vec![0u8; 32];
                getrandom::fill(&mut fresh)
                    .map_err(|e| Failure::Internal(format!("the operating system gave no random bytes: {e}")))
                    .py(py)?;
                fresh
            }
        };
        let base = base.to_owned();
        self.run_objects(py, move |store| async move {
            // Without a network given, the store's names the partners.
            let partners = match partners {
                Some(given) => given,
                None => store.partner_directory(None).await?,
            };
            let options = FhirOptions { base: &base, partners: Some(&partners), pseudonym_key: &key };
            Ok(fhir_bundle(&*store, case_id, &options, DateTime::<Utc>::from(std::time::SystemTime::now())).await?)
        })
    }

    /// A report over local dates `from_..=to` (YYYY-MM-DD) of one `unit`, of
    /// every unit of a `region` (a province or kab/kota code), or of every
    /// unit: `{"report": <the report document>, "sections": {"": [the
    /// totals' sections], "<unit>": [...], ...}}`.
    #[pyo3(signature = (from_, to, unit=None, region=None))]
    fn report<'py>(
        &self,
        py: Python<'py>,
        from_: &str,
        to: &str,
        unit: Option<&str>,
        region: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        use lk3_storage::report::{ReportScope, report};
        let (from, to) = (parse_date(from_).py(py)?, parse_date(to).py(py)?);
        let scope = match (unit, region) {
            (Some(_), Some(_)) => return Err(Failure::Value("give a unit or a region, not both".to_owned())).py(py),
            (Some(u), None) => ReportScope::Unit(UnitCode::parse(u).map_err(Failure::from).py(py)?),
            (None, Some(r)) => {
                let code = lk3_core::ids::KodeWilayah::parse(r).map_err(Failure::from).py(py)?;
                ReportScope::region(code)
                    .ok_or_else(|| Failure::Value(format!("{r:?} is not a province (PP) or kab/kota (PP.KK) code")))
                    .py(py)?
            }
            (None, None) => ReportScope::National,
        };
        self.run_objects(py, move |store| async move {
            let r = report(&*store, &scope, from, to).await?;
            let mut sections = serde_json::Map::new();
            sections.insert(
                String::new(),
                serde_json::to_value(r.sections(None)).map_err(|e| Failure::Value(e.to_string()))?,
            );
            for u in &r.units {
                let value =
                    serde_json::to_value(r.sections(Some(&u.unit))).map_err(|e| Failure::Value(e.to_string()))?;
                sections.insert(u.unit.to_string(), value);
            }
            Ok(serde_json::json!({ "report": r, "sections": sections }))
        })
    }

    /// Each worker's open cases by stage (a list of caseloads: unit,
    /// worker or null, by_stage, open).
    #[pyo3(signature = (unit=None))]
    fn caseload<'py>(&self, py: Python<'py>, unit: Option<&str>) -> PyResult<Bound<'py, PyAny>> {
        let unit = unit.map(UnitCode::parse).transpose().map_err(Failure::from).py(py)?;
        self.run_objects(
            py,
            move |store| async move { Ok(lk3_storage::caseload::caseload(&*store, unit.as_ref()).await?) },
        )
    }

    /// The open tasks (a dict `{"kinds": [every task id], "tasks": [...]}`),
    /// by due date: of what `unit` holds, of `worker`'s cases, due before
    /// `due_before`, overdue at `overdue_at` (RFC 3339 times).
    #[pyo3(signature = (unit=None, worker=None, due_before=None, overdue_at=None))]
    fn tasks<'py>(
        &self,
        py: Python<'py>,
        unit: Option<&str>,
        worker: Option<&str>,
        due_before: Option<&str>,
        overdue_at: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let query = (|| -> Outcome<_> {
            Ok(lk3_storage::tasks::TaskQuery {
                unit: unit.map(UnitCode::parse).transpose()?,
                worker: worker.map(StaffId::parse).transpose()?,
                due_before: due_before.map(parse_time).transpose()?,
                overdue_at: overdue_at.map(parse_time).transpose()?,
            })
        })()
        .py(py)?;
        self.run_objects(py, move |store| async move {
            let tasks = lk3_storage::tasks::tasks(&*store, &query).await?;
            let kinds: Vec<&str> = lk3_core::vocab::TaskKind::ALL.iter().map(|k| k.id()).collect();
            Ok(serde_json::json!({ "kinds": kinds, "tasks": tasks }))
        })
    }

    /// The records of `unit`'s registry that may be the person (a list
    /// of candidates with their files): by NIK, No. KK, name (any spelling)
    /// and birth date (YYYY-MM-DD).
    #[pyo3(signature = (unit, nik=None, no_kk=None, name=None, birth_date=None))]
    fn find_clients<'py>(
        &self,
        py: Python<'py>,
        unit: &str,
        nik: Option<&str>,
        no_kk: Option<&str>,
        name: Option<String>,
        birth_date: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (unit, lookup) = (|| -> Outcome<_> {
            Ok((
                UnitCode::parse(unit)?,
                lk3_core::lookup::ClientLookup {
                    nik: nik.map(lk3_core::ids::Nik::parse).transpose()?,
                    no_kk: no_kk.map(lk3_core::ids::NoKk::parse).transpose()?,
                    name,
                    birth_date: birth_date.map(parse_date).transpose()?,
                },
            ))
        })()
        .py(py)?;
        self.run_objects(py, move |store| async move {
            Ok(lk3_storage::registry::find_clients(&*store, &unit, &lookup).await?)
        })
    }

    /// Merges registry record `merged` into `into` (both of `unit`), by staff
    /// `by` for `reason`, at `at` (RFC 3339): audited, events untouched.
    #[allow(clippy::too_many_arguments)]
    fn merge_clients(
        &self,
        py: Python<'_>,
        unit: &str,
        merged: &str,
        into: &str,
        by: &str,
        reason: &str,
        at: &str,
    ) -> PyResult<()> {
        let merge = (|| -> Outcome<_> {
            Ok(lk3_core::schema::ClientMerge {
                unit: UnitCode::parse(unit)?,
                merged: ClientId::parse(merged)?,
                into: ClientId::parse(into)?,
                at: parse_time(at)?,
                by: StaffId::parse(by)?,
                reason: reason.parse::<lk3_core::schema::MergeReason>()?,
            })
        })()
        .py(py)?;
        self.run(py, move |store| async move { Ok(store.merge_clients(&merge).await?) })
    }

    /// The merges of `unit`'s registry (a list of dicts).
    fn client_merges<'py>(&self, py: Python<'py>, unit: &str) -> PyResult<Bound<'py, PyAny>> {
        let unit = UnitCode::parse(unit).map_err(Failure::from).py(py)?;
        self.run_objects(py, move |store| async move { Ok(store.client_merges(&unit).await?) })
    }

    /// The partners of one unit's network, or of every unit's (a list of dicts),
    /// as lk3 partner documents or (`format="hsds"`) HSDS 3.0 organizations.
    #[pyo3(signature = (unit=None, format="lk3"))]
    fn partners<'py>(&self, py: Python<'py>, unit: Option<&str>, format: &str) -> PyResult<Bound<'py, PyAny>> {
        let unit = unit.map(UnitCode::parse).transpose().map_err(Failure::from).py(py)?;
        let hsds = partner_format(format).py(py)?;
        self.run_objects(py, move |store| async move {
            let directory = store.partner_directory(unit.as_ref()).await?;
            if hsds { value(&directory.to_hsds()) } else { value(&directory.iter().collect::<Vec<_>>()) }
        })
    }

    /// Adds or replaces partners (a list of partner documents, or with
    /// `format="hsds"` of HSDS organizations, as Python data), all or none;
    /// returns (added, changed, unchanged).
    #[pyo3(signature = (partners, format="lk3"))]
    fn import_partners(&self, py: Python<'_>, partners: &Bound<'_, PyAny>, format: &str) -> PyResult<(u64, u64, u64)> {
        let list = (|| -> Outcome<Vec<lk3_core::partner::Partner>> {
            let data = crate::pyjson::json_of(partners)?;
            if partner_format(format)? {
                let organizations: Vec<serde_json::Value> =
                    lk3_core::json::from_value(data, "a list of HSDS organizations").map_err(|e| Failure::lk3(&e))?;
                organizations
                    .iter()
                    .map(|o| lk3_core::partner::Partner::from_hsds(o).map_err(|e| Failure::lk3(&e)))
                    .collect()
            } else {
                lk3_core::json::from_value(data, "a list of partners").map_err(|e| Failure::lk3(&e))
            }
        })()
        .py(py)?;
        self.run(py, move |store| async move {
            let r = store.import_partners(list).await?;
            Ok((r.added, r.changed, r.unchanged))
        })
    }

    /// Adds or replaces a client's identity (a `client` document, JSON);
    /// returns the other records it may duplicate, with their files (a list of dicts).
    fn put_client<'py>(&self, py: Python<'py>, record: &Bound<'_, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let tree = crate::pyjson::json_of(record).py(py)?;
        let report = lk3_core::validate::validate_tree(&tree, Some("client"), &Limits::default());
        if !report.valid {
            let f = report.findings.first();
            return Err(Failure::Lk3 {
                code: f.map_or_else(|| ErrorCode::SchemaViolation.id().to_owned(), |f| f.code.clone()),
                message_en: f.map_or_else(String::new, |f| format!("the client record is not valid: {}", f.message_en)),
                message_id: f.map_or_else(String::new, |f| format!("data klien tidak sah: {}", f.message_id)),
                findings: report.findings.clone(),
            }
            .into_py(py));
        }
        let record: ClientRecord =
            lk3_core::json::from_value(tree, "a client record").map_err(|e| Failure::lk3(&e)).py(py)?;
        self.run_objects(
            py,
            move |store| async move { Ok(lk3_storage::registry::register_client(&*store, &record).await?) },
        )
    }

    /// Stores a note's text (its sensitivity with it); returns its digest.
    #[pyo3(signature = (unit, text, case_id=None, subjects=Vec::new(), sensitivity="biasa"))]
    fn put_note(
        &self,
        py: Python<'_>,
        unit: &str,
        text: &str,
        case_id: Option<&str>,
        subjects: Vec<String>,
        sensitivity: &str,
    ) -> PyResult<String> {
        let note = (|| -> Outcome<_> {
            Ok(lk3_storage::personal::NewNote {
                unit: UnitCode::parse(unit)?,
                case_id: case_id.map(CaseId::parse).transpose()?,
                subjects: client_ids(&subjects)?,
                sensitivity: sensitivity.parse()?,
                text: text.to_owned(),
            })
        })()
        .py(py)?;
        self.run(py, move |store| async move { Ok(store.put_note(&note).await?.to_string()) })
    }

    /// Stores an attachment (checked: size, content type); returns its digest.
    #[pyo3(signature = (unit, content, kind, content_type, case_id=None, subjects=Vec::new(), sensitivity="rahasia"))]
    #[allow(clippy::too_many_arguments)]
    fn put_attachment(
        &self,
        py: Python<'_>,
        unit: &str,
        content: Vec<u8>,
        kind: &str,
        content_type: &str,
        case_id: Option<&str>,
        subjects: Vec<String>,
        sensitivity: &str,
    ) -> PyResult<String> {
        let attachment = (|| -> Outcome<_> {
            Ok(lk3_storage::personal::NewAttachment {
                unit: UnitCode::parse(unit)?,
                case_id: case_id.map(CaseId::parse).transpose()?,
                subjects: client_ids(&subjects)?,
                kind: kind.parse()?,
                content_type: content_type.parse()?,
                sensitivity: sensitivity.parse()?,
                content,
            })
        })()
        .py(py)?;
        self.run(py, move |store| async move { Ok(store.put_attachment(&attachment).await?.to_string()) })
    }

    /// A note read through the access rule (a dict), logged when it must be.
    #[pyo3(signature = (unit, digest, staff_id, role, at, partner_id=None, actor_unit=None, purpose=None))]
    #[allow(clippy::too_many_arguments)]
    fn read_note<'py>(
        &self,
        py: Python<'py>,
        unit: &str,
        digest: &str,
        staff_id: &str,
        role: &str,
        at: &str,
        partner_id: Option<&str>,
        actor_unit: Option<&str>,
        purpose: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let args = (|| -> Outcome<_> {
            Ok((
                UnitCode::parse(unit)?,
                digest_of(digest)?,
                access_request(staff_id, role, partner_id, actor_unit, purpose, at)?,
            ))
        })();
        let (unit, digest, request) = args.py(py)?;
        self.run_objects(py, move |store| async move {
            let n = store.read_note(&unit, digest, &request).await?;
            let mut m = kept_json(n.digest, n.case_id, &n.subjects, n.sensitivity, n.erased_at);
            m.insert("text".into(), n.text.into());
            Ok(m)
        })
    }

    /// An attachment read through the access rule: its description (a dict)
    /// and its bytes (`None` once erased), logged.
    #[pyo3(signature = (unit, digest, staff_id, role, at, partner_id=None, actor_unit=None, purpose=None))]
    #[allow(clippy::too_many_arguments)]
    fn read_attachment<'py>(
        &self,
        py: Python<'py>,
        unit: &str,
        digest: &str,
        staff_id: &str,
        role: &str,
        at: &str,
        partner_id: Option<&str>,
        actor_unit: Option<&str>,
        purpose: Option<&str>,
    ) -> PyResult<(Bound<'py, PyAny>, Option<Py<pyo3::types::PyBytes>>)> {
        let args = (|| -> Outcome<_> {
            Ok((
                UnitCode::parse(unit)?,
                digest_of(digest)?,
                access_request(staff_id, role, partner_id, actor_unit, purpose, at)?,
            ))
        })();
        let (unit, digest, request) = args.py(py)?;
        let (meta, content) = self.run(py, move |store| async move {
            let a = store.read_attachment(&unit, digest, &request).await?;
            let mut m = kept_json(a.digest, a.case_id, &a.subjects, a.sensitivity, a.erased_at);
            m.insert("kind".into(), a.kind.id().into());
            m.insert("content_type".into(), a.content_type.id().into());
            m.insert("bytes".into(), a.bytes.into());
            Ok((m, a.content))
        })?;
        Ok((crate::objects(py, &meta)?, content.map(|c| pyo3::types::PyBytes::new(py, &c).unbind())))
    }

    /// A client's identity read through the access rule (a dict), logged.
    #[pyo3(signature = (unit, client_id, staff_id, role, at, partner_id=None, actor_unit=None, purpose=None))]
    #[allow(clippy::too_many_arguments)]
    fn read_client<'py>(
        &self,
        py: Python<'py>,
        unit: &str,
        client_id: &str,
        staff_id: &str,
        role: &str,
        at: &str,
        partner_id: Option<&str>,
        actor_unit: Option<&str>,
        purpose: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let args = (|| -> Outcome<_> {
            Ok((
                UnitCode::parse(unit)?,
                ClientId::parse(client_id)?,
                access_request(staff_id, role, partner_id, actor_unit, purpose, at)?,
            ))
        })();
        let (unit, client, request) = args.py(py)?;
        self.run_objects(py, move |store| async move { Ok(store.read_client(&unit, client, &request).await?) })
    }

    /// A unit's access log, checked link by link (a list of dicts), only the
    /// entries about `client_id` when given.
    #[pyo3(signature = (unit, client_id=None))]
    fn access_log<'py>(&self, py: Python<'py>, unit: &str, client_id: Option<&str>) -> PyResult<Bound<'py, PyAny>> {
        let args = (|| -> Outcome<_> { Ok((UnitCode::parse(unit)?, client_id.map(ClientId::parse).transpose()?)) })();
        let (unit, client) = args.py(py)?;
        self.run_objects(py, move |store| async move {
            let log = lk3_storage::access::verified_log(&*store, &unit).await?;
            Ok(log.into_iter().filter(|l| client.is_none_or(|c| l.entry.clients.contains(&c))).collect::<Vec<_>>())
        })
    }

    /// Erases a client's identity and note texts; returns (identity removed, notes erased).
    fn erase_client(&self, py: Python<'_>, unit: &str, client_id: &str, at: &str) -> PyResult<(bool, u64)> {
        let ids = (|| -> Outcome<_> { Ok((UnitCode::parse(unit)?, ClientId::parse(client_id)?, parse_time(at)?)) })();
        let (unit, client, at) = ids.py(py)?;
        self.run(py, move |store| async move {
            let e = store.erase_client(&unit, client, at).await?;
            Ok((e.identity_removed, e.notes_erased))
        })
    }

    /// Re-reads every stream: the verify report (a dict). Seals are checked
    /// against `trust` (a trust file's bytes) when given, else against the
    /// keys the store trusts.
    #[pyo3(signature = (trust = None))]
    fn verify<'py>(&self, py: Python<'py>, trust: Option<Vec<u8>>) -> PyResult<Bound<'py, PyAny>> {
        let trust = trust.map(|t| TrustedKeys::parse(&t)).transpose().map_err(|e| Failure::lk3(&e)).py(py)?;
        self.run_objects(py, move |store| async move {
            Ok(lk3_storage::verify::verify_trusted(&*store, trust.as_ref()).await?)
        })
    }

    /// Seals every batch appended from now on with the key of a private key
    /// file's bytes (`None`: no more sealing); returns the key id.
    #[pyo3(signature = (private_key = None))]
    fn set_signer(&self, py: Python<'_>, private_key: Option<Vec<u8>>) -> PyResult<Option<String>> {
        let key = private_key
            .map(|k| PrivateKeyFile::parse(&k).map(|f| f.key))
            .transpose()
            .map_err(|e| Failure::lk3(&e))
            .py(py)?;
        let key_id = key.as_ref().map(|k| k.key_id().to_string());
        *self.slot.signer.write().map_err(|_| Failure::Internal("the store's lock is poisoned".into())).py(py)? =
            key.clone();
        let (_, store) = self.live().py(py)?;
        store.set_signer(key);
        Ok(key_id)
    }

    /// The id of the key the store seals with, if any.
    #[getter]
    fn signer_key_id(&self, py: Python<'_>) -> PyResult<Option<String>> {
        let (_, store) = self.live().py(py)?;
        Ok(store.signer().map(|k| k.key_id().to_string()))
    }

    /// Trusts the key of a public key file's bytes; returns whether it is new.
    fn trust_key(&self, py: Python<'_>, public_key: Vec<u8>) -> PyResult<bool> {
        let file = PublicKeyFile::parse(&public_key).map_err(|e| Failure::lk3(&e)).py(py)?;
        self.run(
            py,
            move |store| async move { Ok(lk3_storage::trust::trust_key(&*store, TrustedKey::from(&file)).await?) },
        )
    }

    /// Every key the store records, revoked ones too: `(key_id, unit,
    /// public_key, created, retired_from, revoked_at)`, times RFC 3339.
    #[allow(clippy::type_complexity)]
    fn trusted_keys(
        &self,
        py: Python<'_>,
    ) -> PyResult<Vec<(String, String, String, Option<String>, Option<String>, Option<String>)>> {
        let records = self.run(py, |store| async move { Ok(store.trust_records().await?) })?;
        let time = |t: Option<DateTime<Utc>>| t.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true));
        Ok(records
            .into_iter()
            .map(|r| {
                let k = r.key;
                (
                    k.key_id.to_string(),
                    k.unit.to_string(),
                    k.public_key.to_string(),
                    time(k.created),
                    time(k.retired_from),
                    time(r.revoked_at),
                )
            })
            .collect())
    }

    /// Seals the heads the store holds of its signing key's unit that are
    /// not sealed yet: (sealed, already sealed, of other units).
    fn seal_heads(&self, py: Python<'_>) -> PyResult<(u64, u64, u64)> {
        self.run(py, |store| async move {
            let Some(key) = store.signer() else {
                return Err(Failure::Lk3 {
                    code: ErrorCode::KeyFileInvalid.id().to_owned(),
                    message_en: "the store has no signing key: set one first".to_owned(),
                    message_id: "penyimpanan tidak memiliki kunci penanda tangan: tetapkan dulu".to_owned(),
                    findings: Vec::new(),
                });
            };
            let done = lk3_storage::trust::seal_heads(&*store, &key).await?;
            Ok((done.sealed, done.already, done.other_units))
        })
    }

    /// Retires a trusted key from `from` (RFC 3339) on.
    fn retire_key(&self, py: Python<'_>, key_id: &str, from: &str) -> PyResult<()> {
        let (key_id, from) = (key_id_of(key_id).py(py)?, parse_time(from).py(py)?);
        self.run(py, move |store| async move { Ok(lk3_storage::trust::retire_key(&*store, &key_id, from).await?) })
    }

    /// Revokes a trusted key at `at` (RFC 3339).
    fn revoke_key(&self, py: Python<'_>, key_id: &str, at: &str) -> PyResult<()> {
        let (key_id, at) = (key_id_of(key_id).py(py)?, parse_time(at).py(py)?);
        self.run(py, move |store| async move { Ok(lk3_storage::trust::revoke_key(&*store, &key_id, at).await?) })
    }

    /// A case's export document (pretty JSON, as `lk3 export` writes it).
    fn export_case(&self, py: Python<'_>, case_id: &str) -> PyResult<String> {
        let id = CaseId::parse(case_id).map_err(Failure::from).py(py)?;
        self.run(py, move |store| async move { Ok(export_stream(&*store, StreamKind::Case, *id.as_uuid()).await?) })
    }

    /// Imports case and outreach documents `(name, bytes)` in one
    /// transaction; returns (imported, already present, events written).
    #[pyo3(signature = (documents, trust = None))]
    fn import_documents(
        &self,
        py: Python<'_>,
        documents: Vec<(String, Vec<u8>)>,
        trust: Option<Vec<u8>>,
    ) -> PyResult<(u64, u64, u64)> {
        // Nothing to import is an error, as in `lk3 import`: a pipeline must
        // not pass on an empty folder.
        if documents.is_empty() {
            return Err(Failure::Lk3 {
                code: ErrorCode::NoDocuments.id().to_owned(),
                message_en: "no documents to import: nothing was imported".to_owned(),
                message_id: "tidak ada dokumen untuk diimpor: tidak ada yang diimpor".to_owned(),
                findings: Vec::new(),
            }
            .into_py(py));
        }
        let trust = trust.map(|t| TrustedKeys::parse(&t)).transpose().map_err(|e| Failure::lk3(&e)).py(py)?;
        self.run(py, move |store| async move {
            // Without a trust file, the keys the store trusts, if any (as `lk3 import`).
            let trust = lk3_storage::trust::trust_for_import(&*store, trust.as_ref()).await?;
            let limits = Limits::default();
            // Those the store holds as they are (a re-import) are not judged again.
            let bytes: Vec<&[u8]> = documents.iter().map(|(_, bytes)| bytes.as_slice()).collect();
            let held = held_as_they_are(&*store, &bytes, &limits, trust.as_ref()).await?;
            let batches = documents
                .iter()
                .zip(&held)
                .filter(|(_, held)| !**held)
                .map(|((name, bytes), _)| import_batch_trusted(name, bytes, &limits, trust.as_ref()))
                .collect::<Result<Vec<_>, _>>()?;
            let r = import_documents(&*store, &batches).await?;
            let held = held.iter().filter(|h| **h).count() as u64;
            Ok((r.imported, r.already_present + held, r.events))
        })
    }

    /// An analysis table as columns (see `frames::Table::into_py`):
    /// `cases`, `services`, `referrals`, `events` or `clients`, for the
    /// cases matching the filters (`events`: `unit` only), pseudonymised
    /// with `key` when given. Referrals are judged overdue at `now`; ages
    /// on `age_as_of` (a date), else on each client's own date; times are
    /// floored to `resolution` (`date`, `week`, `month`) when given.
    /// The `clients` table with identities (no `key`) is a read of personal
    /// data: `reader` (staff id, role, partner id, unit, purpose) reads it,
    /// judged and logged once per unit.
    #[pyo3(signature = (name, filters, key, now, age_as_of=None, resolution=None, reader=None))]
    #[allow(clippy::too_many_arguments, clippy::type_complexity)]
    fn table<'py>(
        &self,
        py: Python<'py>,
        name: &str,
        filters: HashMap<String, String>,
        key: Option<Vec<u8>>,
        now: &str,
        age_as_of: Option<&str>,
        resolution: Option<&str>,
        reader: Option<(String, String, Option<String>, Option<String>, Option<String>)>,
    ) -> PyResult<Bound<'py, PyList>> {
        let prepared = (|| -> Outcome<_> {
            let resolution = resolution
                .map(|r| {
                    Resolution::parse(r).ok_or_else(|| {
                        Failure::Value(format!("unknown resolution `{r}`: expected date, week or month"))
                    })
                })
                .transpose()?;
            let o = Options {
                keyed: key.as_deref().map(Keyed::new),
                now: parse_time(now)?,
                age_as_of: age_as_of.map(parse_date).transpose()?,
                resolution,
            };
            let request = reader
                .as_ref()
                .map(|(staff, role, partner, unit, purpose)| {
                    access_request(staff, role, partner.as_deref(), unit.as_deref(), purpose.as_deref(), now)
                })
                .transpose()?;
            Ok((o, case_query(&filters)?, request))
        })();
        let (o, q, request) = prepared.py(py)?;
        let name = name.to_owned();
        let table = self.run(py, move |store| async move {
            let resolution = o.resolution;
            let mut table = match name.as_str() {
                "cases" => frames::cases(&all_cases(&*store, q, None, None).await?, &o),
                "services" => frames::services(&all_cases(&*store, q, None, None).await?, &o, false),
                "referrals" => frames::services(&all_cases(&*store, q, None, None).await?, &o, true),
                "aid" => frames::aid(&folded_cases(&*store, q).await?, &o),
                "protective_referrals" => frames::protective_referrals(&folded_cases(&*store, q).await?, &o),
                "clients" => {
                    let summaries = all_cases(&*store, q, None, None).await?;
                    let rows = client_rows(&store, &summaries).await?;
                    if o.keyed.is_none() {
                        // Identities: judged and logged per unit before they are handed out.
                        use lk3_core::access::{AccessRefusal, ReadKind};
                        let Some(request) = request else {
                            return Err(StoreError::Access(AccessRefusal::PurposeRequired {
                                kind: ReadKind::Identitas,
                                sensitivity: lk3_core::vocab::Sensitivity::Rahasia,
                            })
                            .into());
                        };
                        let mut units: Vec<UnitCode> = rows.iter().map(|r| r.record.unit).collect();
                        units.sort();
                        units.dedup();
                        for unit in units {
                            let clients = rows.iter().filter(|r| r.record.unit == unit).map(|r| r.record.client_id);
                            lk3_storage::access::read_identities(&*store, &unit, clients.collect(), &request).await?;
                        }
                    }
                    frames::clients(&rows, &o)
                }
                "events" => {
                    if filters.keys().any(|k| k != "unit") {
                        return Err(Failure::Value("the events table filters by `unit` only".into()));
                    }
                    events_table(&store, q.unit, o).await?
                }
                other => {
                    return Err(Failure::Value(format!(
                        "unknown table `{other}`: cases, services, referrals, aid, protective_referrals, events or clients"
                    )));
                }
            };
            if let Some(r) = resolution {
                table.coarsen(r);
            }
            Ok(table)
        })?;
        table.into_py(py)
    }
}

/// The registry records of the clients the cases name, with how many of the
/// cases name each and when the first of them was opened (erased or
/// unregistered clients are left out).
async fn client_rows(store: &Arc<dyn CaseStore>, cases: &[CaseSummary]) -> Outcome<Vec<ClientRow>> {
    let mut seen: Vec<(UnitCode, ClientId, u64, DateTime<Utc>)> = Vec::new();
    let mut index: HashMap<(String, ClientId), usize> = HashMap::new();
    for s in cases {
        for c in &s.clients {
            match index.get(&(s.unit.to_string(), *c)) {
                Some(i) => {
                    let row = &mut seen[*i];
                    row.2 += 1;
                    row.3 = row.3.min(s.opened_at);
                }
                None => {
                    index.insert((s.unit.to_string(), *c), seen.len());
                    seen.push((s.unit, *c, 1, s.opened_at));
                }
            }
        }
    }
    let handles: Vec<_> = seen
        .iter()
        .map(|(unit, client, ..)| {
            let (store, unit, client) = (Arc::clone(store), *unit, *client);
            tokio::spawn(async move { store.client(&unit, client).await })
        })
        .collect();
    let mut out = Vec::with_capacity(seen.len());
    for (h, (_, _, cases, since)) in handles.into_iter().zip(seen) {
        let record = h.await.map_err(|e| Failure::Internal(e.to_string()))??;
        if let Some(record) = record {
            out.push(ClientRow { record, cases, since });
        }
    }
    Ok(out)
}

/// Every stored event (of the unit's streams), decoded lightly into columns,
/// read by `CaseStore::scan_events` a page at a time, the next page fetched
/// while the current one is decoded.
async fn events_table(store: &Arc<dyn CaseStore>, unit: Option<UnitCode>, o: Options) -> Outcome<frames::Table> {
    const SCAN_PAGE: u32 = 20_000;
    let mut builder = EventsBuilder::new(o.keyed);
    let fetch = |after: Option<lk3_storage::model::EventCursor>| {
        let (store, unit) = (Arc::clone(store), unit);
        tokio::spawn(async move { store.scan_events(unit.as_ref(), after.as_ref(), SCAN_PAGE).await })
    };
    let mut next = Some(fetch(None));
    while let Some(pending) = next.take() {
        let page = pending.await.map_err(|e| Failure::Internal(e.to_string()))??;
        if page.len() == SCAN_PAGE as usize {
            next = page.last().map(|last| fetch(Some(last.cursor.clone())));
        }
        let mut unit = (None, String::new());
        for e in &page {
            if unit.0.as_ref() != Some(&e.unit) {
                unit = (Some(e.unit), e.unit.to_string());
            }
            builder.row(&e.body, |_| Some((unit.1.as_str(), e.kind.as_str()))).map_err(|message| {
                Failure::from(StoreError::CorruptRow { stream_id: e.stream_id, seq: e.seq, message })
            })?;
        }
    }
    Ok(builder.finish())
}

/// Whether a partner format names HSDS (`"hsds"`) rather than lk3's (`"lk3"`).
fn partner_format(format: &str) -> Outcome<bool> {
    match format {
        "lk3" => Ok(false),
        "hsds" => Ok(true),
        other => Err(Failure::Value(format!("format {other:?}: use \"lk3\" or \"hsds\""))),
    }
}
