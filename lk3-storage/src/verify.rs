//! `verify`: everything a store holds re-read and checked against the
//! events, the truth. For each stream, read in one snapshot (so that a
//! writer at work cannot make a false alarm): every row decodes, every
//! column agrees with its event's body, the hash chain, the head (no event
//! missing, none past it), and every derived row (the query row and its
//! child rows, the command rows) equals the same rows made again from the
//! fold of the events. Then the store as a whole: the database's own
//! integrity check, rows whose stream row is gone, the count of streams
//! per unit, note texts against their digests. A row that cannot be read is
//! a problem of that row, never the end of the run.

use std::collections::BTreeMap;

use lk3_core::case::Case;
use lk3_core::event::{Event, chain_problems_with};
use lk3_core::ids::UnitCode;
use lk3_core::outreach::Outreach;
use lk3_core::seal::{self, SealError, StreamHead, TrustedKeys};
use lk3_core::{ErrorCode, Labelled, Lk3Error};
use serde::Serialize;
use uuid::Uuid;

use crate::aggregate::{self, Aggregate};
use crate::error::StoreError;
use crate::model::{CursorPosition, StoredEvent, StreamKind};
use crate::rows::{self, Row, Table, Value};
use crate::store::CaseStore;

/// One thing wrong in a store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The stream, when the problem is a stream's (`None`: the store's).
    pub stream_id: Option<Uuid>,
    /// The event's seq, when the problem is an event's.
    pub seq: Option<u64>,
    /// The event's id, when its row still decodes.
    pub event_id: Option<Uuid>,
    /// The table the problem was found in.
    pub table: Option<String>,
    /// The stable code (`LK3-E051` ...).
    pub code: String,
    /// In English.
    pub message_en: String,
    /// In Indonesian.
    pub message_id: String,
}

/// What [`verify`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    /// Streams read.
    pub streams: u64,
    /// Events read.
    pub events: u64,
    /// Whether seals were checked against trusted keys: false when the store
    /// trusts no key and none was given (then only that each seal is over
    /// its event is checked).
    pub seals_checked: bool,
    /// Streams whose last event is sealed by a trusted key (when checked).
    pub sealed_streams: u64,
    /// Every problem: the streams' in listing order, then the store's.
    pub problems: Vec<Problem>,
}

impl VerifyReport {
    /// True when nothing is wrong.
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Where a listing of stream rows goes on (opaque; each adapter pages in
/// its cheapest order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamCursor(pub(crate) CursorPosition);

/// Everything a store holds of one stream, read in one snapshot, as stored
/// (each row in the columns of its [`Table`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StreamAudit {
    /// The stream's row.
    pub stream: Row,
    /// Every event row of the stream, in seq order, past the head too.
    pub events: Vec<Row>,
    /// The command rows of the command ids the events name.
    pub commands: Vec<Row>,
    /// The seal rows of the stream, in seq order.
    pub seals: Vec<Row>,
    /// The rows of each query table naming the stream (`cases` and its
    /// child tables, `outreaches`).
    pub projection: Vec<(&'static Table, Vec<Row>)>,
}

/// A page of streams as [`verify`] reads them, all in one snapshot.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditPage {
    /// The streams, in the listing's order.
    pub streams: Vec<StreamAudit>,
    /// Where the listing goes on (`None` on an empty page).
    pub next: Option<StreamCursor>,
}

/// What the store-wide checks found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoreAudit {
    /// Whether the backend has an integrity check of its own (SQLite's
    /// `integrity_check`), and what it reported besides "ok".
    pub engine: Option<Vec<String>>,
    /// Rows naming a stream that has no stream row: table, unit, stream id.
    pub orphans: Vec<(&'static str, Value, Value)>,
    /// Command rows whose first event is not there: unit, command id, stream id.
    pub dangling_commands: Vec<(Value, Value, Value)>,
    /// Streams per unit as recorded in the manifest.
    pub manifest: Vec<(Value, Value)>,
    /// Streams per unit as counted in `streams`.
    pub stream_counts: Vec<(Value, Value)>,
    /// Notes whose stored text, salt or subjects no longer match their
    /// digest or subject rows: unit, digest, what.
    pub notes: Vec<(Value, Value, &'static str)>,
    /// Applied migrations whose record is not that of lk3's migrations.
    pub migrations: Vec<String>,
    /// Checked rows whose check no longer matches them: table and key.
    pub changed: Vec<(&'static str, Row)>,
    /// Parts of the store that could not be read, and why.
    pub unreadable: Vec<String>,
}

/// Streams listed per page.
const PAGE: u32 = 500;

/// Verifies a whole store, its seals against the keys the store trusts.
/// Fails only when the store cannot be opened or listed at all; everything
/// found wrong is in the report.
pub async fn verify<S: CaseStore + ?Sized>(store: &S) -> Result<VerifyReport, StoreError> {
    verify_trusted(store, None).await
}

/// [`verify`], with seals checked against `trust` instead of the store's
/// own trusted keys (a province's trust file). With a trust set (given or
/// the store's), every seal kept must verify and every stream's last event
/// must be sealed ([`lk3_core::seal::verify`]); with none, the report says
/// that seals were not checked.
pub async fn verify_trusted<S: CaseStore + ?Sized>(
    store: &S,
    trust: Option<&TrustedKeys>,
) -> Result<VerifyReport, StoreError> {
    let mut unreadable_trust = None;
    let own;
    let trust = match trust {
        Some(t) => Some(t),
        None => {
            // Trusted keys that cannot be read are a finding, not the end.
            own = crate::trust::trusted_keys(store).await.unwrap_or_else(|e| {
                unreadable_trust = Some(store_problem(Some(rows::TRUSTED_KEYS.name), &e));
                TrustedKeys::new()
            });
            Some(&own)
        }
    }
    .filter(|t| !t.is_empty());
    let mut report = VerifyReport { seals_checked: trust.is_some(), ..VerifyReport::default() };
    report.problems.extend(unreadable_trust);
    let mut after: Option<StreamCursor> = None;
    let mut listing_failed = None;
    loop {
        let page = match store.audit_streams(after.as_ref(), PAGE).await {
            Ok(page) => page,
            Err(e) => {
                // The listing broke (a damaged page): say so, then run the store's checks.
                listing_failed = Some(e);
                break;
            }
        };
        for audit in &page.streams {
            report.streams += 1;
            check_stream(audit, trust, &mut report);
        }
        match page.next {
            Some(next) if !page.streams.is_empty() => after = Some(next),
            _ => break,
        }
    }
    let audit = store.audit_store().await;
    match (listing_failed, audit) {
        // Nothing at all could be read: the store, not its data, is the problem.
        (Some(e), Err(_)) if report.streams == 0 => return Err(e),
        (listing, audit) => {
            if let Some(e) = listing {
                report.problems.push(store_problem(Some(rows::STREAMS.name), &e));
            }
            match audit {
                Ok(audit) => check_store(&audit, &mut report.problems),
                Err(e) => report.problems.push(store_problem(None, &e)),
            }
        }
    }
    // Each unit's access log: every entry linked to the one before.
    match store.units().await {
        Ok(units) => {
            for unit in units {
                if let Err(e) = crate::access::verified_log(store, &unit).await {
                    report.problems.push(store_problem(Some("access_log"), &e));
                }
            }
        }
        Err(e) => report.problems.push(store_problem(Some("access_log"), &e)),
    }
    Ok(report)
}

fn problem(
    stream_id: Option<Uuid>,
    seq: Option<u64>,
    event_id: Option<Uuid>,
    table: &str,
    e: &dyn Lk3Error,
) -> Problem {
    let (code, message_en, message_id) = aggregate::describe(e);
    Problem { stream_id, seq, event_id, table: Some(table.to_owned()), code, message_en, message_id }
}

fn store_problem(table: Option<&str>, e: &dyn Lk3Error) -> Problem {
    let (code, message_en, message_id) = aggregate::describe(e);
    Problem {
        stream_id: None,
        seq: None,
        event_id: None,
        table: table.map(str::to_owned),
        code,
        message_en,
        message_id,
    }
}

/// A problem with a fixed code and both messages.
fn said(stream_id: Option<Uuid>, table: &str, code: ErrorCode, en: String, id: String) -> Problem {
    Problem {
        stream_id,
        seq: None,
        event_id: None,
        table: Some(table.to_owned()),
        code: code.id().to_owned(),
        message_en: en,
        message_id: id,
    }
}

fn corrupt(stream_id: Uuid, seq: u64, message: impl Into<String>) -> StoreError {
    StoreError::CorruptRow { stream_id, seq, message: message.into() }
}

/// A value as a message may show it: ids, codes and numbers only ever reach
/// these tables, never a name or a number of a person.
fn shown(v: &Value) -> String {
    match v {
        Value::Null => "NULL".to_owned(),
        Value::Int(i) => i.to_string(),
        Value::Text(s) => s.chars().take(64).collect(),
        Value::Invalid(_) => "(unreadable)".to_owned(),
    }
}

/// The stream row decoded: unit, id, kind, version, head.
struct StreamRow {
    unit: UnitCode,
    stream_id: Uuid,
    kind: StreamKind,
    version: u64,
    head_hash: lk3_core::event::Hash,
}

fn decode_stream(row: &Row) -> Result<StreamRow, String> {
    let text = |i: usize, what: &str| row.get(i).and_then(Value::as_text).ok_or_else(|| format!("{what} unreadable"));
    let stream_id = Uuid::try_parse(text(1, "stream id")?).map_err(|_| "the stream id is not a UUID".to_owned())?;
    Ok(StreamRow {
        unit: UnitCode::parse(text(0, "unit")?).map_err(|_| "the unit is not a unit code".to_owned())?,
        stream_id,
        kind: StreamKind::parse(text(2, "kind")?).ok_or_else(|| "the kind is neither case nor outreach".to_owned())?,
        version: row
            .get(3)
            .and_then(Value::as_int)
            .and_then(|v| u64::try_from(v).ok())
            .ok_or_else(|| "the version is not a count".to_owned())?,
        head_hash: lk3_core::event::Hash::from_hex(text(4, "head hash")?)
            .ok_or_else(|| "the head hash is not 64 hex digits".to_owned())?,
    })
}

fn check_stream(audit: &StreamAudit, trust: Option<&TrustedKeys>, report: &mut VerifyReport) {
    let stream = match decode_stream(&audit.stream) {
        Ok(s) => s,
        Err(why) => {
            // Its events, if any, show as rows without a stream row.
            let named = audit.stream.get(1).and_then(Value::as_text).and_then(|s| Uuid::try_parse(s).ok());
            let e = corrupt(named.unwrap_or_default(), 0, format!("the stream row does not decode: {why}"));
            report.problems.push(problem(named, None, None, rows::STREAMS.name, &e));
            return;
        }
    };
    report.events += audit.events.len() as u64;
    let (found, sealed) = match stream.kind {
        StreamKind::Case => check::<Case>(&stream, audit, trust),
        StreamKind::Outreach => check::<Outreach>(&stream, audit, trust),
    };
    report.sealed_streams += u64::from(sealed);
    report.problems.extend(found);
}

/// An event row: its body decoded, and whether its columns agree with it;
/// with the body's hash when the body is the event's canonical JSON (the
/// bytes the event's hash is over, so the chain need not serialise it again).
fn read_event<A: Aggregate>(
    stream: &StreamRow,
    index: usize,
    row: &Row,
    out: &mut Vec<Problem>,
) -> Option<(Event<A::Payload>, Option<lk3_core::event::Hash>)> {
    let stream_id = stream.stream_id;
    let seq = row.get(2).and_then(Value::as_int).and_then(|v| u64::try_from(v).ok()).unwrap_or(index as u64 + 1);
    let row_event_id = row.get(3).and_then(Value::as_text).and_then(|s| Uuid::try_parse(s).ok());
    let table = rows::EVENTS.name;
    let body = match row.get(7) {
        Some(Value::Text(body)) => body,
        _ => {
            let e = corrupt(stream_id, seq, "the body is not readable text (a damaged byte?)");
            out.push(problem(Some(stream_id), Some(seq), row_event_id, table, &e));
            return None;
        }
    };
    // The hash column completes the body; one that does not read is named
    // below as a column that disagrees, and the body's own hash stands in.
    let hash = row
        .get(6)
        .and_then(Value::as_text)
        .and_then(lk3_core::event::Hash::from_hex)
        .unwrap_or_else(|| lk3_core::event::Hash::of(body.as_bytes()));
    let event: Event<A::Payload> = match crate::body::decode(body, &hash) {
        Ok(e) => e,
        Err(err) => {
            let e = corrupt(stream_id, seq, format!("the body does not decode: {err}"));
            out.push(problem(Some(stream_id), Some(seq), row_event_id, table, &e));
            return None;
        }
    };
    let event_id = Some(*event.event_id.as_uuid());
    // The body must be exactly the canonical JSON of the event it decodes
    // to, the bytes its hash is over: a change that still decodes (an
    // unknown member, another spelling, white space) is a change.
    let canonical = !crate::body::is_whole_event(body) && event.canonical_text().ok().as_deref() == Some(body.as_str());
    if !canonical {
        let form = if crate::body::is_whole_event(body) {
            "the body is in the form of stores before schema 12, which lk3 no longer writes"
        } else {
            "the body is not in the form lk3 wrote it"
        };
        let e = corrupt(stream_id, seq, form);
        out.push(problem(Some(stream_id), Some(seq), event_id, table, &e));
    }
    let stored = StoredEvent {
        seq: event.seq,
        event_id: *event.event_id.as_uuid(),
        occurred_at: event.occurred_at,
        hash: event.hash,
        body: body.clone(),
    };
    let expected = rows::event_row(&stream.unit, stream_id, &event.command_id.to_string(), &stored);
    let differing: Vec<&str> = rows::EVENTS
        .columns
        .iter()
        .zip(expected.iter().zip(row))
        .filter(|(_, (want, got))| want != got)
        .map(|(c, _)| c.name)
        .collect();
    if !differing.is_empty() {
        let e = corrupt(stream_id, seq, format!("the row's columns disagree with its body: {}", differing.join(", ")));
        out.push(problem(Some(stream_id), Some(seq), event_id, table, &e));
    }
    let hashed = canonical.then(|| lk3_core::event::Hash::of(body.as_bytes()));
    Some((event, hashed))
}

/// The stream's problems, and whether its last event is sealed by a trusted key.
fn check<A: Aggregate>(stream: &StreamRow, audit: &StreamAudit, trust: Option<&TrustedKeys>) -> (Vec<Problem>, bool) {
    let (out, decodable, events) = check_events::<A>(stream, audit);
    let mut out = out;
    let sealed = decodable && check_seals(stream, &events, audit, trust, &mut out);
    if decodable {
        check_derived::<A>(stream, &events, audit, &mut out);
    }
    (out, sealed)
}

/// The seal rows: each over its event, and with a trust set each verifying
/// against it and the last event sealed. Returns whether the last event is
/// sealed by a trusted key.
fn check_seals<P>(
    stream: &StreamRow,
    events: &[Event<P>],
    audit: &StreamAudit,
    trust: Option<&TrustedKeys>,
    out: &mut Vec<Problem>,
) -> bool {
    let stream_id = stream.stream_id;
    let table = rows::SEALS.name;
    let refused = |seq: u64, source: SealError| {
        let event_id = events.get(seq.saturating_sub(1) as usize).map(|e| *e.event_id.as_uuid());
        let e = StoreError::Seal { stream_id, source: Box::new(source) };
        problem(Some(stream_id), Some(seq), event_id, table, &e)
    };
    let mut head_sealed = false;
    let mut last_good = None;
    for row in &audit.seals {
        let Some(seal) = rows::seal_of_row(row) else {
            let e = corrupt(stream_id, 0, "a seal row does not read as a seal");
            out.push(problem(Some(stream_id), None, None, table, &e));
            continue;
        };
        let Some(event) = events.get(seal.seq.saturating_sub(1) as usize).filter(|e| e.seq == seal.seq) else {
            let source = SealError::NotOverHead { seal_seq: seal.seq, head_seq: stream.version, same_seq: false };
            out.push(refused(seal.seq, source));
            continue;
        };
        let head = StreamHead {
            stream_id,
            unit: Some(stream.unit),
            seq: event.seq,
            hash: event.hash,
            occurred_at: event.occurred_at,
        };
        let verdict = match trust {
            Some(trust) => seal::verify(&seal, &head, trust).map(drop),
            None if seal.head_hash != event.hash => {
                Err(SealError::NotOverHead { seal_seq: seal.seq, head_seq: seal.seq, same_seq: true })
            }
            None => Ok(()),
        };
        match verdict {
            Ok(()) => {
                last_good = Some(seal.seq);
                head_sealed |= seal.seq == stream.version;
            }
            Err(source) => out.push(refused(seal.seq, source)),
        }
    }
    if trust.is_some() && !head_sealed && stream.version > 0 {
        let source = match last_good {
            None => SealError::Missing,
            Some(seq) => SealError::NotOverHead { seal_seq: seq, head_seq: stream.version, same_seq: false },
        };
        out.push(refused(stream.version, source));
    }
    trust.is_some() && head_sealed
}

/// Every event row read and checked (columns, chain, head): the problems,
/// whether every row decoded into an unbroken chain, and the events.
fn check_events<A: Aggregate>(stream: &StreamRow, audit: &StreamAudit) -> (Vec<Problem>, bool, Vec<Event<A::Payload>>) {
    let mut out = Vec::new();
    let stream_id = stream.stream_id;
    let mut events: Vec<Event<A::Payload>> = Vec::with_capacity(audit.events.len());
    let mut hashed = Vec::with_capacity(audit.events.len());
    let mut decodable = true;
    for (i, row) in audit.events.iter().enumerate() {
        match read_event::<A>(stream, i, row, &mut out) {
            Some((e, hash)) => {
                events.push(e);
                hashed.push(hash);
            }
            None => decodable = false,
        }
    }
    // With a row missing from the decoded list every later seq would look
    // wrong: the undecodable row is the finding.
    let hash_of = |i: usize, e: &Event<A::Payload>| hashed[i].map_or_else(|| e.compute_hash(), Ok);
    let chain = if decodable { chain_problems_with(&events, hash_of, false) } else { Vec::new() };
    decodable &= chain.is_empty();
    for (_, e) in chain {
        let (seq, event_id) = chain_subject(&e);
        out.push(problem(Some(stream_id), seq, event_id, rows::EVENTS.name, &e));
    }
    // The stream row records the head: an event removed, added or past it shows here.
    let head = audit.events.last().and_then(|r| r.get(6)).and_then(Value::as_text);
    let past_head = audit
        .events
        .iter()
        .filter(|r| {
            r.get(2).and_then(Value::as_int).is_some_and(|s| s > i64::try_from(stream.version).unwrap_or(i64::MAX))
        })
        .count();
    if audit.events.len() as u64 != stream.version
        || head != Some(stream.head_hash.to_string().as_str())
        || past_head > 0
    {
        let err = StoreError::HeadMismatch { stream_id, recorded: stream.version, found: audit.events.len() as u64 };
        out.push(problem(Some(stream_id), None, None, rows::STREAMS.name, &err));
    }
    // A fold of altered events says nothing about the derived rows.
    (out, decodable, events)
}

/// Every event re-decided, and the derived rows against the fold.
fn check_derived<A: Aggregate>(
    stream: &StreamRow,
    events: &[Event<A::Payload>],
    audit: &StreamAudit,
    out: &mut Vec<Problem>,
) {
    let stream_id = stream.stream_id;
    // Every event must be what `decide` gives for the command it records (a
    // history rewritten and resealed in the file is caught here).
    let mut state = A::default();
    for e in events {
        if let Err(rederived) = state.rederive(e) {
            let err = StoreError::NotDecided { stream_id, seq: e.seq, source: Box::new(rederived.map(Into::into)) };
            out.push(problem(Some(stream_id), Some(e.seq), Some(*e.event_id.as_uuid()), rows::EVENTS.name, &err));
        }
        state.apply(e);
    }
    if state.unit().is_some_and(|u| *u != stream.unit) {
        let e = corrupt(stream_id, 0, "the stream row's unit is not the events' unit");
        out.push(problem(Some(stream_id), None, None, rows::STREAMS.name, &e));
    }
    // Every derived row, made again from the fold, against what is stored.
    let expected = match state.projection().map(|p| rows::projection_rows(&p)).transpose() {
        Ok(tables) => tables.unwrap_or_default(),
        Err(e) => {
            out.push(problem(Some(stream_id), None, None, "projection", &e));
            return;
        }
    };
    let mut stored: BTreeMap<&str, Vec<Row>> =
        audit.projection.iter().map(|(t, r)| (t.name, rows::sorted(r.clone()))).collect();
    for (table, want) in &expected {
        let got = stored.remove(table.name).unwrap_or_default();
        if got != *want {
            out.push(mismatch(stream_id, table, &got, want));
        }
    }
    for (table, got) in stored.into_iter().filter(|(_, r)| !r.is_empty()) {
        let table = rows::DERIVED.iter().find(|t| t.name == table).copied().unwrap_or(&rows::CASES);
        out.push(mismatch(stream_id, table, &got, &[]));
    }
    check_commands(stream, events, audit, out);
}

/// A derived table whose stored rows are not the fold's.
fn mismatch(stream_id: Uuid, table: &Table, got: &[Row], want: &[Row]) -> Problem {
    // Name the first column that differs in the first differing row.
    let column = got
        .iter()
        .zip(want)
        .find(|(g, w)| g != w)
        .and_then(|(g, w)| table.columns.iter().zip(g.iter().zip(w.iter())).find(|(_, (a, b))| a != b))
        .map(|(c, (a, b))| format!(": column {} is {}, the events give {}", c.name, shown(a), shown(b)));
    let detail = column.unwrap_or_else(|| format!(": {} rows stored, {} from the events", got.len(), want.len()));
    let detail_id = detail
        .replace(": column", ": kolom")
        .replace(" is ", " berisi ")
        .replace(", the events give ", ", menurut peristiwa ")
        .replace(" rows stored, ", " baris tersimpan, ")
        .replace(" from the events", " menurut peristiwa");
    said(
        Some(stream_id),
        table.name,
        ErrorCode::ProjectionMismatch,
        format!("stream {stream_id}: the rows of {} disagree with the fold of its events{detail}", table.name),
        format!("aliran {stream_id}: baris {} tidak cocok dengan hasil lipatan peristiwanya{detail_id}", table.name),
    )
}

/// The command rows: one per command id the events name, spanning its
/// events, on this stream, with a fingerprint.
fn check_commands<P>(stream: &StreamRow, events: &[Event<P>], audit: &StreamAudit, out: &mut Vec<Problem>) {
    let mut spans: Vec<(String, u64, u64)> = Vec::new();
    for e in events {
        match spans.last_mut() {
            Some((id, _, last)) if *id == e.command_id.to_string() => *last = e.seq,
            _ => spans.push((e.command_id.to_string(), e.seq, e.seq)),
        }
    }
    let fingerprint_ok =
        |r: &Row| r.get(5).and_then(Value::as_text).is_some_and(|f| lk3_core::event::Hash::from_hex(f).is_some());
    let mut want: Vec<Row> = spans
        .iter()
        .map(|(id, first, last)| {
            vec![
                Value::Text(stream.unit.to_string()),
                Value::Text(id.clone()),
                Value::Text(stream.stream_id.to_string()),
                Value::Int(i64::try_from(*first).unwrap_or(i64::MAX)),
                Value::Int(i64::try_from(*last).unwrap_or(i64::MAX)),
            ]
        })
        .collect();
    want.sort();
    let got: Vec<Row> = rows::sorted(audit.commands.iter().map(|r| r.iter().take(5).cloned().collect()).collect());
    if got != want || !audit.commands.iter().all(fingerprint_ok) {
        out.push(mismatch(stream.stream_id, &rows::COMMANDS, &got, &want));
    }
}

fn check_store(audit: &StoreAudit, out: &mut Vec<Problem>) {
    let found = |message: String| StoreError::CorruptRow { stream_id: Uuid::nil(), seq: 0, message };
    if let Some(engine) = &audit.engine {
        for line in engine.iter().chain(&audit.unreadable) {
            let e = found(format!("the database's integrity check: {line}"));
            out.push(store_problem(None, &e));
        }
    }
    if audit.engine.is_none() {
        for line in &audit.unreadable {
            out.push(store_problem(None, &found(line.clone())));
        }
    }
    for (table, unit, stream) in &audit.orphans {
        let stream_id = stream.as_text().and_then(|s| Uuid::try_parse(s).ok());
        out.push(said(
            stream_id,
            table,
            ErrorCode::HeadMismatch,
            format!(
                "rows of stream {} (unit {}) in {table} have no stream row: a stream deleted or renamed outside lk3",
                shown(stream),
                shown(unit)
            ),
            format!(
                "baris aliran {} (unit {}) di {table} tidak memiliki baris aliran: aliran dihapus atau diubah di luar lk3",
                shown(stream),
                shown(unit)
            ),
        ));
    }
    for (unit, command, stream) in &audit.dangling_commands {
        let stream_id = stream.as_text().and_then(|s| Uuid::try_parse(s).ok());
        out.push(said(
            stream_id,
            rows::COMMANDS.name,
            ErrorCode::ProjectionMismatch,
            format!("command {} of unit {} names events that are not there", shown(command), shown(unit)),
            format!("perintah {} pada unit {} menyebut peristiwa yang tidak ada", shown(command), shown(unit)),
        ));
    }
    let recorded: BTreeMap<&Value, &Value> = audit.manifest.iter().map(|(u, n)| (u, n)).collect();
    let counted: BTreeMap<&Value, &Value> = audit.stream_counts.iter().map(|(u, n)| (u, n)).collect();
    let zero = Value::Int(0);
    for unit in recorded.keys().chain(counted.keys()).collect::<std::collections::BTreeSet<_>>() {
        let (r, c) = (recorded.get(unit).copied().unwrap_or(&zero), counted.get(unit).copied().unwrap_or(&zero));
        if r != c {
            out.push(said(
                None,
                "manifest",
                ErrorCode::HeadMismatch,
                format!(
                    "unit {} recorded {} streams but holds {}: streams were deleted or added outside lk3",
                    shown(unit),
                    shown(r),
                    shown(c)
                ),
                format!(
                    "unit {} mencatat {} aliran tetapi berisi {}: aliran dihapus atau ditambah di luar lk3",
                    shown(unit),
                    shown(r),
                    shown(c)
                ),
            ));
        }
    }
    for line in &audit.migrations {
        let e = found(format!("_sqlx_migrations: {line}"));
        out.push(store_problem(Some("_sqlx_migrations"), &e));
    }
    for (table, key) in &audit.changed {
        let key: Vec<String> = key.iter().map(shown).collect();
        let key = key.join(" ");
        out.push(said(
            None,
            table,
            ErrorCode::CorruptRow,
            format!("the row {key} of {table} was changed outside lk3: it no longer matches its check"),
            format!("baris {key} pada {table} diubah di luar lk3: tidak lagi cocok dengan pemeriksaannya"),
        ));
    }
    for (unit, digest, what) in &audit.notes {
        out.push(said(
            None,
            "notes",
            ErrorCode::CorruptRow,
            format!("note {} of unit {}: {what}", shown(digest), shown(unit)),
            format!("catatan {} pada unit {}: {}", shown(digest), shown(unit), note_problem_id(what)),
        ));
    }
}

/// What [`StoreAudit::notes`] says of a note.
pub(crate) const NOTE_TEXT: &str = "the text or salt does not match the digest";
/// What [`StoreAudit::notes`] says of a note.
pub(crate) const NOTE_SUBJECTS: &str = "the subject rows do not match the note's subjects";

fn note_problem_id(what: &str) -> &str {
    match what {
        NOTE_TEXT => "teks atau garamnya tidak cocok dengan digest",
        NOTE_SUBJECTS => "baris subjek tidak cocok dengan subjek catatan",
        _ => what,
    }
}

fn chain_subject(e: &lk3_core::event::ChainError) -> (Option<u64>, Option<Uuid>) {
    use lk3_core::event::ChainError as C;
    match e {
        C::SequenceGap { event_id, found, .. } => (Some(*found), Some(*event_id.as_uuid())),
        C::HashMismatch { event_id, seq }
        | C::ChainBroken { event_id, seq }
        | C::StreamMismatch { event_id, seq, .. }
        | C::RuleSetMismatch { event_id, seq } => (Some(*seq), Some(*event_id.as_uuid())),
        _ => (None, None),
    }
}
