//! `NativeStore`: an `lk3_storage` store and the tokio runtime that drives
//! it. Every method blocks on the runtime with the GIL released
//! (`Python::detach`), so other Python threads run while Rust works. The
//! Python class `lk3.Store` wraps it with the Pythonic API.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, RwLock};

use chrono::{DateTime, NaiveDate, Utc};
use lk3_core::case::{Case, CaseCommand};
use lk3_core::event::Actor;
use lk3_core::ids::{CaseId, ClientId, CommandId, IdSeed, StaffId, UnitCode};
use lk3_core::schema::ClientRecord;
use lk3_core::service::ServiceState;
use lk3_core::validate::{Limits, validate};
use lk3_core::vocab::{Problem, Role, ServiceKind, Stage};
use lk3_core::{CommandContext, ErrorCode, Labelled};
use lk3_storage::aggregate::{self, Aggregate};
use lk3_storage::document::{export_stream, import_batch, import_documents};
use lk3_storage::model::StreamKind;
use lk3_storage::{CaseQuery, CaseStore, CaseStoreExt, CaseSummary, Executed, StoreError};
use pyo3::prelude::*;
use pyo3::types::PyList;

use crate::error::{Failure, IntoPyResult, Outcome};
use crate::frames::{self, EventsBuilder, Options};
use crate::pseudo::Keyed;

/// Case rows read per query page, stream rows per page of the events table.
const PAGE: u32 = 500;

/// A store opened by URL, with the runtime that drives it.
#[pyclass(frozen, module = "lk3._lk3")]
pub struct NativeStore {
    rt: tokio::runtime::Runtime,
    store: RwLock<Option<Arc<dyn CaseStore>>>,
    url: String,
    backend: &'static str,
}

impl NativeStore {
    fn get(&self) -> Outcome<Arc<dyn CaseStore>> {
        let guard = self.store.read().map_err(|_| Failure::Internal("the store's lock is poisoned".into()))?;
        guard
            .clone()
            .ok_or_else(|| Failure::Value(format!("the store {} is closed / penyimpanan sudah ditutup", self.url)))
    }

    /// Runs `f` on the store, on the runtime, with the GIL released.
    fn run<T, F, Fut>(&self, py: Python<'_>, f: F) -> PyResult<T>
    where
        T: Send,
        F: FnOnce(Arc<dyn CaseStore>) -> Fut + Send,
        Fut: Future<Output = Outcome<T>>,
    {
        let store = self.get().py(py)?;
        py.detach(|| self.rt.block_on(f(store))).py(py)
    }
}

impl Drop for NativeStore {
    fn drop(&mut self) {
        // Pools close their connections on the runtime that opened them.
        let _inside = self.rt.enter();
        if let Ok(mut s) = self.store.write() {
            s.take();
        }
    }
}

/// Opens a store as `lk3_storage::open` does; `memory://` is its `memory:`.
async fn open_store(url: &str) -> Result<Box<dyn CaseStore>, StoreError> {
    lk3_storage::open(if url == "memory://" { "memory:" } else { url }).await
}

/// Ten random bytes (UUID v4 randomness) for ids and command seeds.
pub fn random_seed() -> IdSeed {
    let a = uuid::Uuid::new_v4().into_bytes();
    let b = uuid::Uuid::new_v4().into_bytes();
    // Bytes 6 and 8 of a v4 carry its version and variant bits: skip them.
    IdSeed::new([a[0], a[1], a[2], a[3], a[4], a[5], a[7], b[0], b[1], b[2]])
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

/// A command document, checked against the `command` schema (findings on
/// failure) and decoded.
fn parse_command(json: &str) -> Outcome<CaseCommand> {
    let report = validate(json.as_bytes(), Some("command"), &Limits::default());
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
    serde_json::from_str(json).map_err(|e| Failure::Lk3 {
        code: ErrorCode::SchemaViolation.id().to_owned(),
        message_en: format!("the command does not decode: {e}"),
        message_id: format!("perintah tidak dapat dibaca: {e}"),
        findings: Vec::new(),
    })
}

/// A case query from the Python filters (all strings).
fn case_query(filters: &HashMap<String, String>) -> Outcome<CaseQuery> {
    let mut q = CaseQuery::default();
    for (key, v) in filters {
        match key.as_str() {
            "unit" => q.unit = Some(UnitCode::parse(v)?),
            "stage" => q.stage = Some(v.parse::<Stage>()?),
            "service_kind" => q.service_kind = Some(v.parse::<ServiceKind>()?),
            "service_state" => q.service_state = Some(v.parse::<ServiceState>()?),
            "problem" => q.problem = Some(v.parse::<Problem>()?),
            "worker" => q.worker = Some(StaffId::parse(v)?),
            "opened_from" => q.opened_from = Some(parse_time(v)?),
            "opened_before" => q.opened_before = Some(parse_time(v)?),
            "overdue_at" => q.overdue_at = Some(parse_time(v)?),
            other => return Err(Failure::Value(format!("unknown case filter `{other}`"))),
        }
    }
    Ok(q)
}

/// Every case matching a query, page by page, at most `limit`.
async fn all_cases(
    store: &dyn CaseStore,
    mut q: CaseQuery,
    limit: Option<u64>,
) -> Result<Vec<CaseSummary>, StoreError> {
    let mut out = Vec::new();
    loop {
        let left = limit.map_or(u64::from(PAGE), |l| l.saturating_sub(out.len() as u64));
        let want = u32::try_from(left.min(u64::from(PAGE))).unwrap_or(PAGE);
        if want == 0 {
            break;
        }
        q.limit = want;
        let page = store.query_cases(&q).await?;
        let n = page.len();
        q.after = page.last().map(|s| s.case_id);
        out.extend(page);
        if n < want as usize {
            break;
        }
    }
    Ok(out)
}

/// Executes a case command decided against the case as it was at
/// `expected` events: the store refuses it with a version conflict when the
/// case has moved on since (optimistic concurrency).
async fn execute_at(
    store: &dyn CaseStore,
    case_id: CaseId,
    command: &CaseCommand,
    ctx: &CommandContext,
    expected: u64,
) -> Result<Executed<Case>, StoreError> {
    let stream_id = *case_id.as_uuid();
    if let Some(record) = store.command(ctx.command_id).await? {
        if record.stream_id != stream_id {
            return Err(StoreError::CommandIdReused {
                command_id: *ctx.command_id.as_uuid(),
                first_stream: record.stream_id,
            });
        }
        let rows = store.read_events(stream_id, record.first_seq, record.last_seq).await?;
        return Ok(Executed { events: aggregate::decode(stream_id, &rows)?, replayed: true });
    }
    let state = if expected == 0 {
        Case::default()
    } else {
        let loaded = store.load_case(case_id).await?;
        let actual = loaded.events.len() as u64;
        if actual < expected {
            return Err(StoreError::VersionConflict { stream_id, expected, actual });
        }
        Case::from_events(&loaded.events[..usize::try_from(expected).unwrap_or(usize::MAX)])
    };
    let events = Aggregate::decide(&state, command, ctx)?;
    store.append(&state, &events).await
}

fn json<T: serde::Serialize>(value: &T) -> Outcome<String> {
    serde_json::to_string(value).map_err(|e| Failure::Internal(format!("serialisation failed: {e}")))
}

#[pymethods]
impl NativeStore {
    /// Opens (creating if needed) the store `url` names: `memory:`,
    /// `sqlite://PATH` (or a plain path), `postgres://...`.
    #[staticmethod]
    fn open(py: Python<'_>, url: &str) -> PyResult<Self> {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("lk3-store")
            .enable_all()
            .build()
            .map_err(|e| Failure::Internal(format!("cannot start the runtime: {e}")).into_py(py))?;
        let store = py.detach(|| rt.block_on(open_store(url))).map_err(|e| Failure::from(e).into_py(py))?;
        let backend = store.backend();
        Ok(NativeStore { rt, store: RwLock::new(Some(Arc::from(store))), url: lk3_storage::redact_url(url), backend })
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
        self.store.read().map(|s| s.is_none()).unwrap_or(true)
    }

    /// Closes the store: its connections are released; later calls fail.
    fn close(&self, py: Python<'_>) {
        let taken = self.store.write().ok().and_then(|mut s| s.take());
        if let Some(store) = taken {
            py.detach(|| {
                let _inside = self.rt.enter();
                drop(store);
            });
        }
    }

    /// Executes a case command (JSON) as `staff_id` in `role` at `at`
    /// (RFC 3339); returns the events (JSON) and whether the command id had
    /// been seen before. With `expected_version`, the command is decided
    /// against the case at that version and refused with a conflict when
    /// the case has moved on.
    #[pyo3(signature = (case_id, command, staff_id, role, at, command_id=None, expected_version=None))]
    #[allow(clippy::too_many_arguments)]
    fn execute(
        &self,
        py: Python<'_>,
        case_id: &str,
        command: &str,
        staff_id: &str,
        role: &str,
        at: &str,
        command_id: Option<&str>,
        expected_version: Option<u64>,
    ) -> PyResult<(String, bool)> {
        let prepared = (|| -> Outcome<_> {
            let case_id = CaseId::parse(case_id)?;
            let command = parse_command(command)?;
            let actor = Actor { role: role.parse::<Role>()?, staff_id: StaffId::parse(staff_id)? };
            let at = parse_time(at)?;
            let command_id = match command_id {
                Some(id) => CommandId::parse(id)?,
                None => CommandId::new_v7(at, random_seed()),
            };
            Ok((case_id, command, CommandContext::new(actor, at, command_id, random_seed())))
        })();
        let (case_id, command, ctx) = prepared.py(py)?;
        self.run(py, move |store| async move {
            let executed = match expected_version {
                Some(v) => execute_at(&*store, case_id, &command, &ctx, v).await?,
                None => store.execute_case(case_id, &command, &ctx).await?,
            };
            Ok((json(&executed.events)?, executed.replayed))
        })
    }

    /// A case loaded and verified: `{"case": ..., "events": [...]}` (JSON);
    /// the events only when asked for.
    #[pyo3(signature = (case_id, events=false))]
    fn case(&self, py: Python<'_>, case_id: &str, events: bool) -> PyResult<String> {
        let case_id = CaseId::parse(case_id).map_err(Failure::from).py(py)?;
        self.run(py, move |store| async move {
            let loaded = store.load_case(case_id).await?;
            let events = if events { Some(&loaded.events) } else { None };
            json(&serde_json::json!({ "case": loaded.state, "events": events }))
        })
    }

    /// Case summaries (JSON list) matching the filters, at most `limit`.
    #[pyo3(signature = (filters, limit=None))]
    fn cases(&self, py: Python<'_>, filters: HashMap<String, String>, limit: Option<u64>) -> PyResult<String> {
        let q = case_query(&filters).py(py)?;
        self.run(py, move |store| async move { json(&all_cases(&*store, q, limit).await?) })
    }

    /// How many cases match the filters.
    fn count_cases(&self, py: Python<'_>, filters: HashMap<String, String>) -> PyResult<u64> {
        let q = case_query(&filters).py(py)?;
        self.run(py, move |store| async move { Ok(store.count_cases(&q).await?) })
    }

    /// Adds or replaces a client's identity (a `client` document, JSON).
    fn put_client(&self, py: Python<'_>, record: &str) -> PyResult<()> {
        let report = validate(record.as_bytes(), Some("client"), &Limits::default());
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
        let record: ClientRecord = serde_json::from_str(record)
            .map_err(|e| Failure::Value(format!("the client record does not decode: {e}")))
            .py(py)?;
        self.run(py, move |store| async move { Ok(store.put_client(&record).await?) })
    }

    /// A client's identity (JSON), or `None` (never held, or erased).
    fn client(&self, py: Python<'_>, unit: &str, client_id: &str) -> PyResult<Option<String>> {
        let ids = (|| -> Outcome<_> { Ok((UnitCode::parse(unit)?, ClientId::parse(client_id)?)) })();
        let (unit, client) = ids.py(py)?;
        self.run(py, move |store| async move { store.client(&unit, client).await?.as_ref().map(json).transpose() })
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

    /// Re-reads every stream: the verify report (JSON).
    fn verify(&self, py: Python<'_>) -> PyResult<String> {
        self.run(py, |store| async move { json(&lk3_storage::verify::verify(&*store).await?) })
    }

    /// A case's export document (pretty JSON, as `lk3 export` writes it).
    fn export_case(&self, py: Python<'_>, case_id: &str) -> PyResult<String> {
        let id = CaseId::parse(case_id).map_err(Failure::from).py(py)?;
        self.run(py, move |store| async move { Ok(export_stream(&*store, StreamKind::Case, *id.as_uuid()).await?) })
    }

    /// Imports case and outreach documents `(name, bytes)` in one
    /// transaction; returns (imported, already present, events written).
    fn import_documents(&self, py: Python<'_>, documents: Vec<(String, Vec<u8>)>) -> PyResult<(u64, u64, u64)> {
        self.run(py, move |store| async move {
            let limits = Limits::default();
            let batches = documents
                .iter()
                .map(|(name, bytes)| import_batch(name, bytes, &limits))
                .collect::<Result<Vec<_>, _>>()?;
            let r = import_documents(&*store, &batches).await?;
            Ok((r.imported, r.already_present, r.events))
        })
    }

    /// An analysis table as columns (see `frames::Table::into_py`):
    /// `cases`, `services`, `referrals`, `events` or `clients`, for the
    /// cases matching the filters (`events`: `unit` only), pseudonymised
    /// with `key` when given. Referrals are judged overdue at `now`, ages on `as_of`.
    #[pyo3(signature = (name, filters, key, now, as_of))]
    fn table<'py>(
        &self,
        py: Python<'py>,
        name: &str,
        filters: HashMap<String, String>,
        key: Option<Vec<u8>>,
        now: &str,
        as_of: &str,
    ) -> PyResult<Bound<'py, PyList>> {
        let prepared = (|| -> Outcome<_> {
            let o = Options { keyed: key.as_deref().map(Keyed::new), now: parse_time(now)?, as_of: parse_date(as_of)? };
            Ok((o, case_query(&filters)?))
        })();
        let (o, q) = prepared.py(py)?;
        let name = name.to_owned();
        let table = self.run(py, move |store| async move {
            match name.as_str() {
                "cases" => Ok(frames::cases(&all_cases(&*store, q, None).await?, &o)),
                "services" => Ok(frames::services(&all_cases(&*store, q, None).await?, &o, false)),
                "referrals" => Ok(frames::services(&all_cases(&*store, q, None).await?, &o, true)),
                "clients" => {
                    let summaries = all_cases(&*store, q, None).await?;
                    Ok(frames::clients(&client_records(&store, &summaries).await?, &o))
                }
                "events" => {
                    if filters.keys().any(|k| k != "unit") {
                        return Err(Failure::Value("the events table filters by `unit` only".into()));
                    }
                    events_table(&store, q.unit, o).await
                }
                other => Err(Failure::Value(format!(
                    "unknown table `{other}`: cases, services, referrals, events or clients"
                ))),
            }
        })?;
        table.into_py(py)
    }
}

/// The registry records of the clients the cases name, with how many of the
/// cases name each (erased or unregistered clients are left out).
async fn client_records(store: &Arc<dyn CaseStore>, cases: &[CaseSummary]) -> Outcome<Vec<(ClientRecord, u64)>> {
    let mut counts: Vec<((UnitCode, ClientId), u64)> = Vec::new();
    let mut index: HashMap<(String, ClientId), usize> = HashMap::new();
    for s in cases {
        for c in &s.clients {
            match index.get(&(s.unit.to_string(), *c)) {
                Some(i) => counts[*i].1 += 1,
                None => {
                    index.insert((s.unit.to_string(), *c), counts.len());
                    counts.push(((s.unit.clone(), *c), 1));
                }
            }
        }
    }
    let handles: Vec<_> = counts
        .iter()
        .map(|((unit, client), _)| {
            let (store, unit, client) = (Arc::clone(store), unit.clone(), *client);
            tokio::spawn(async move { store.client(&unit, client).await })
        })
        .collect();
    let mut out = Vec::with_capacity(counts.len());
    for (h, (_, n)) in handles.into_iter().zip(&counts) {
        let record = h.await.map_err(|e| Failure::Internal(e.to_string()))??;
        if let Some(r) = record {
            out.push((r, *n));
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
        let (store, unit) = (Arc::clone(store), unit.clone());
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
                unit = (Some(e.unit.clone()), e.unit.to_string());
            }
            builder.row(&e.body, |_| Some((unit.1.as_str(), e.kind.as_str()))).map_err(|message| {
                Failure::from(StoreError::CorruptRow { stream_id: e.stream_id, seq: e.seq, message })
            })?;
        }
    }
    Ok(builder.finish())
}
