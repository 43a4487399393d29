//! The rows a store derives from a stream, in their stored form, written
//! once: the SQL adapters write exactly these rows, and `verify` compares
//! what a store holds with the same rows made again from the fold of the
//! events. A table's columns are listed here and nowhere else.

use lk3_core::Labelled;
use lk3_core::ids::{CaseId, ClientId, UnitCode};
use lk3_core::vocab::Problem;
use uuid::Uuid;

use crate::error::StoreError;
use crate::model::{CommandRecord, StoredEvent, StreamInfo};
use crate::projection::{CaseSummary, ConsentSummary, OutreachSummary, Projection, ServiceSummary, TransferSummary};

/// A value of a row: text, a 64-bit integer, or NULL. Ids and hashes are
/// their text here whatever the column stores ([`ColumnType::Uuid`],
/// [`ColumnType::Hash`]): rows are derived, compared and checked as text,
/// and only binding and reading convert.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Value {
    /// SQL NULL.
    Null,
    /// An integer (times are microseconds since the Unix epoch, UTC).
    Int(i64),
    /// Text.
    Text(String),
    /// What a read found where the column's type should be (bytes that are
    /// not UTF-8, text where a number belongs): read, never written.
    Invalid(String),
}

impl Value {
    /// The text, if the value is text.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(s) => Some(s),
            _ => None,
        }
    }

    /// The integer, if the value is one.
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }
}

/// A row: its values in the order of its table's [`Table::columns`].
pub type Row = Vec<Value>;

/// The SQL type of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// TEXT.
    Text,
    /// A 64-bit integer.
    Int,
    /// A UUID stored as its 16 bytes (SQLite BLOB, PostgreSQL bytea); its
    /// hyphenated lowercase text in a [`Row`].
    Uuid,
    /// A SHA-256 stored as its 32 bytes (SQLite BLOB, PostgreSQL bytea);
    /// its 64 lowercase hex digits in a [`Row`].
    Hash,
    /// Bytes of this length (a seal's key id, its signature) stored as they
    /// are (SQLite BLOB, PostgreSQL bytea); their lowercase hex digits in a
    /// [`Row`].
    Hex(usize),
}

/// A value as it is handed to the database in a column of its type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Stored {
    /// NULL, of the column's type (PostgreSQL checks it).
    Null(ColumnType),
    /// An integer.
    Int(i64),
    /// Text.
    Text(String),
    /// Bytes.
    Bytes(Vec<u8>),
}

impl Stored {
    /// `value` in a column of `ty`. An id or a hash is stored as its bytes
    /// when it is lk3's text of one; any other text is stored as it is, so
    /// that a read finds it out of place ([`Value::Invalid`]) rather than
    /// finding another value.
    pub(crate) fn of(value: Value, ty: ColumnType) -> Stored {
        match value {
            Value::Int(i) => Stored::Int(i),
            Value::Text(text) => match bytes_of(&text, ty) {
                Some(bytes) => Stored::Bytes(bytes),
                None => Stored::Text(text),
            },
            Value::Null | Value::Invalid(_) => Stored::Null(ty),
        }
    }
}

/// The bytes a column of `ty` stores for `text`: `None` for a text column,
/// or text that is not lk3's text of a UUID (hyphenated, lowercase) or a
/// hash (64 lowercase hex digits).
pub(crate) fn bytes_of(text: &str, ty: ColumnType) -> Option<Vec<u8>> {
    match ty {
        ColumnType::Uuid => {
            let id = Uuid::try_parse(text).ok()?;
            let mut canonical = [0u8; uuid::fmt::Hyphenated::LENGTH];
            (id.hyphenated().encode_lower(&mut canonical) == text).then(|| id.as_bytes().to_vec())
        }
        ColumnType::Hash => lk3_core::event::Hash::from_hex(text).map(|h| h.0.to_vec()),
        ColumnType::Hex(len) => (text.len() == 2 * len && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
            .then(|| const_hex::decode(text).ok())
            .flatten(),
        ColumnType::Text | ColumnType::Int => None,
    }
}

/// The row value of bytes read from a column of `ty`: the id's or hash's
/// text, or [`Value::Invalid`] when they are not one (or the column holds
/// no bytes). Written without `fmt`: verify reads several a row.
pub(crate) fn from_bytes(bytes: &[u8], ty: ColumnType) -> Value {
    match ty {
        ColumnType::Uuid => match Uuid::from_slice(bytes) {
            Ok(id) => Value::Text(id.hyphenated().encode_lower(&mut [0u8; uuid::fmt::Hyphenated::LENGTH]).to_owned()),
            Err(_) => Value::Invalid(format!("{} bytes where a UUID's 16 belong", bytes.len())),
        },
        ColumnType::Hash => match <[u8; 32]>::try_from(bytes) {
            Ok(h) => {
                let hex = lk3_core::event::Hash(h).to_hex();
                match std::str::from_utf8(&hex) {
                    Ok(text) => Value::Text(text.to_owned()),
                    Err(e) => Value::Invalid(e.to_string()),
                }
            }
            Err(_) => Value::Invalid(format!("{} bytes where a hash's 32 belong", bytes.len())),
        },
        ColumnType::Hex(len) if bytes.len() == len => Value::Text(const_hex::encode(bytes)),
        ColumnType::Hex(len) => Value::Invalid(format!("{} bytes where {len} belong", bytes.len())),
        ColumnType::Text | ColumnType::Int => Value::Invalid(format!("{} bytes where a value belongs", bytes.len())),
    }
}

/// A column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// Its name.
    pub name: &'static str,
    /// Its type.
    pub ty: ColumnType,
}

const fn text(name: &'static str) -> Column {
    Column { name, ty: ColumnType::Text }
}

const fn int(name: &'static str) -> Column {
    Column { name, ty: ColumnType::Int }
}

const fn uuid(name: &'static str) -> Column {
    Column { name, ty: ColumnType::Uuid }
}

const fn hash(name: &'static str) -> Column {
    Column { name, ty: ColumnType::Hash }
}

const fn hex(name: &'static str, len: usize) -> Column {
    Column { name, ty: ColumnType::Hex(len) }
}

/// A table of rows derived from streams. Every such table starts with the
/// unit and has one column naming the stream a row belongs to.
#[derive(Debug, PartialEq, Eq)]
pub struct Table {
    /// Its name.
    pub name: &'static str,
    /// Its columns, in row order.
    pub columns: &'static [Column],
    /// The column holding the stream id.
    pub stream_column: &'static str,
    /// The columns of its primary key.
    pub key: &'static [&'static str],
}

/// `names` separated by commas, built in one string (the append's
/// statements name every column of each table they write).
fn names_joined<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let mut out = String::with_capacity(256);
    for name in names {
        if !out.is_empty() {
            out.push_str(", ");
        }
        out.push_str(name);
    }
    out
}

impl Table {
    /// The comma-separated column names.
    pub fn column_list(&self) -> String {
        names_joined(self.columns.iter().map(|c| c.name))
    }

    /// The position of a column.
    pub fn position(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }
}

/// `streams`: one row per stream, its head.
pub const STREAMS: Table = Table {
    name: "streams",
    columns: &[text("unit"), uuid("stream_id"), text("kind"), int("version"), hash("head_hash")],
    stream_column: "stream_id",
    key: &["unit", "stream_id"],
};

/// `events`: the append-only log; `body` is the truth, the other columns are
/// taken from it.
pub const EVENTS: Table = Table {
    name: "events",
    columns: &[
        text("unit"),
        uuid("stream_id"),
        int("seq"),
        uuid("event_id"),
        uuid("command_id"),
        int("occurred_at"),
        hash("hash"),
        text("body"),
    ],
    stream_column: "stream_id",
    key: &["unit", "stream_id", "seq"],
};

/// `commands`: where each command id was appended, with its fingerprint.
pub const COMMANDS: Table = Table {
    name: "commands",
    columns: &[
        text("unit"),
        uuid("command_id"),
        uuid("stream_id"),
        int("first_seq"),
        int("last_seq"),
        hash("fingerprint"),
    ],
    stream_column: "stream_id",
    key: &["unit", "command_id"],
};

/// `cases`: a case's query row.
pub const CASES: Table = Table {
    name: "cases",
    columns: &[
        text("unit"),
        text("case_id"),
        text("stage"),
        text("worker"),
        int("opened_at"),
        text("case_number"),
        text("summary"),
        int("last_at"),
        text("holder"),
    ],
    stream_column: "case_id",
    key: &["unit", "case_id"],
};

/// `case_transfers`: each transfer of a case to another unit, by its place
/// in the case's order, with where it stands.
pub const CASE_TRANSFERS: Table = Table {
    name: "case_transfers",
    columns: &[text("unit"), text("case_id"), int("n"), text("to_unit"), text("state")],
    stream_column: "case_id",
    key: &["unit", "case_id", "n"],
};

/// `case_clients`: the clients of a case, by client (who was served where).
pub const CASE_CLIENTS: Table = Table {
    name: "case_clients",
    columns: &[text("unit"), text("client_id"), text("case_id")],
    stream_column: "case_id",
    key: &["unit", "client_id", "case_id"],
};

/// `case_problems`: the problems of a case.
pub const CASE_PROBLEMS: Table = Table {
    name: "case_problems",
    columns: &[text("unit"), text("problem"), text("case_id")],
    stream_column: "case_id",
    key: &["unit", "problem", "case_id"],
};

/// `case_services`: the services of a case.
pub const CASE_SERVICES: Table = Table {
    name: "case_services",
    columns: &[text("unit"), text("case_id"), text("service_id"), text("kind"), text("state"), int("deadline")],
    stream_column: "case_id",
    key: &["unit", "case_id", "service_id"],
};

/// `case_consents`: the consents recorded in a case, by client.
pub const CASE_CONSENTS: Table = Table {
    name: "case_consents",
    columns: &[text("unit"), text("client_id"), text("consent_id"), text("case_id"), text("consent")],
    stream_column: "case_id",
    key: &["unit", "client_id", "consent_id"],
};

/// `outreaches`: an outreach's query row.
pub const OUTREACHES: Table = Table {
    name: "outreaches",
    columns: &[text("unit"), text("outreach_id"), text("state"), int("reported_at"), text("summary"), int("last_at")],
    stream_column: "outreach_id",
    key: &["unit", "outreach_id"],
};

/// `seals`: a unit's signature over a stream's head, one row per sealed
/// head (each append batch of a store with a key, an imported document's
/// seal). Not derived from the events, and needing no row check: the
/// signature is its own check ([`crate::trust`]).
pub const SEALS: Table = Table {
    name: "seals",
    columns: &[
        text("unit"),
        uuid("stream_id"),
        int("seq"),
        hex("key_id", lk3_core::seal::KeyId::LEN),
        hash("head_hash"),
        hex("signature", lk3_core::seal::Signature::LEN),
    ],
    stream_column: "stream_id",
    key: &["unit", "stream_id", "seq"],
};

/// Every table of rows kept per stream, the streams first: the rows derived
/// from the events, and the seals over them.
pub const DERIVED: [&Table; 11] = [
    &STREAMS,
    &EVENTS,
    &COMMANDS,
    &CASES,
    &CASE_PROBLEMS,
    &CASE_SERVICES,
    &CASE_CONSENTS,
    &CASE_CLIENTS,
    &CASE_TRANSFERS,
    &OUTREACHES,
    &SEALS,
];

/// The query rows' tables ([`projection_rows`] writes rows of these only).
pub const PROJECTED: [&Table; 7] =
    [&CASES, &CASE_PROBLEMS, &CASE_SERVICES, &CASE_CONSENTS, &CASE_CLIENTS, &CASE_TRANSFERS, &OUTREACHES];

fn t(s: impl ToString) -> Value {
    Value::Text(s.to_string())
}

fn opt(v: Option<Value>) -> Value {
    v.unwrap_or(Value::Null)
}

fn micros(at: chrono::DateTime<chrono::Utc>) -> Value {
    Value::Int(at.timestamp_micros())
}

fn count(v: u64) -> Value {
    // Versions and seqs count events: far below i64::MAX.
    Value::Int(i64::try_from(v).unwrap_or(i64::MAX))
}

/// Room for a stream's summary JSON: most are under 1 KB.
const SUMMARY_BYTES: usize = 1024;

fn json<T: serde::Serialize>(v: &T) -> Result<Value, StoreError> {
    json_in(v, 128)
}

/// [`json`] written into a buffer of `capacity` bytes to start with: a
/// stream's summary (most under 1 KB) is not grown and copied three times
/// on every append.
fn json_in<T: serde::Serialize>(v: &T, capacity: usize) -> Result<Value, StoreError> {
    let mut out = Vec::with_capacity(capacity);
    serde_json::to_writer(&mut out, v)
        .map_err(|e| StoreError::Unavailable { message: e.to_string() })
        .and_then(|()| String::from_utf8(out).map_err(|e| StoreError::Unavailable { message: e.to_string() }))
        .map(Value::Text)
}

/// The query rows of a projection, table by table: the stream's own row
/// first, then its child rows (sorted, as [`sorted`] orders them).
pub fn projection_rows(p: &Projection) -> Result<Vec<(&'static Table, Vec<Row>)>, StoreError> {
    let (table, row) = own_row(p)?;
    let mut tables = vec![(table, vec![row])];
    tables.extend(child_rows(p)?);
    Ok(tables)
}

/// The stream's own row of [`projection_rows`], and its table.
pub(crate) fn own_row(p: &Projection) -> Result<(&'static Table, Row), StoreError> {
    Ok(match p {
        Projection::Case(c) => (&CASES, case_row(c, json_in(c, SUMMARY_BYTES)?)),
        Projection::Outreach(o) => (&OUTREACHES, outreach_row(o, json_in(o, SUMMARY_BYTES)?)),
    })
}

/// The stream's own row of [`projection_rows`], its summary left
/// unserialised (`Value::Null`): enough to tell which other columns a
/// command changed, without writing the summary's JSON again.
pub(crate) fn own_row_unsummarised(p: &Projection) -> Row {
    match p {
        Projection::Case(c) => case_row(c, Value::Null),
        Projection::Outreach(o) => outreach_row(o, Value::Null),
    }
}

/// [`projection_rows`] without the stream's own row: its child rows, table
/// by table (none for an outreach).
pub fn child_rows(p: &Projection) -> Result<Vec<(&'static Table, Vec<Row>)>, StoreError> {
    match p {
        Projection::Case(c) => case_child_rows(case_children(c)),
        Projection::Outreach(_) => Ok(Vec::new()),
    }
}

/// Whether two projections make the same [`child_rows`], told without
/// making them (most commands change none): what they are made of is the
/// same. `false` may still mean the same rows.
pub(crate) fn same_child_rows(a: &Projection, b: &Projection) -> bool {
    match (a, b) {
        (Projection::Case(a), Projection::Case(b)) => case_children(a) == case_children(b),
        (Projection::Outreach(_), Projection::Outreach(_)) => true,
        _ => false,
    }
}

/// The parts of a case summary its child rows are made of:
/// [`case_child_rows`] is given these and nothing else, so that
/// [`same_child_rows`] compares all it reads.
#[derive(PartialEq)]
struct CaseChildren<'a> {
    unit: UnitCode,
    case_id: CaseId,
    problems: &'a [Problem],
    services: &'a [ServiceSummary],
    consents: &'a [ConsentSummary],
    clients: &'a [ClientId],
    transfers: &'a [TransferSummary],
}

fn case_children(c: &CaseSummary) -> CaseChildren<'_> {
    CaseChildren {
        unit: c.unit,
        case_id: c.case_id,
        problems: &c.problems,
        services: &c.services,
        consents: &c.consents,
        clients: &c.clients,
        transfers: &c.transfers,
    }
}

/// A case's row, `summary` its summary column.
fn case_row(c: &CaseSummary, summary: Value) -> Row {
    vec![
        t(c.unit),
        t(c.case_id),
        t(c.stage.id()),
        opt(c.worker.map(t)),
        micros(c.opened_at),
        opt(c.case_number.as_ref().map(t)),
        summary,
        micros(c.last_at),
        t(c.holding_unit()),
    ]
}

fn case_child_rows(c: CaseChildren<'_>) -> Result<Vec<(&'static Table, Vec<Row>)>, StoreError> {
    let (unit, case_id) = (t(c.unit), t(c.case_id));
    let problems = c.problems.iter().map(|p| vec![unit.clone(), t(p.id()), case_id.clone()]).collect();
    let services = c
        .services
        .iter()
        .map(|s| {
            vec![
                unit.clone(),
                case_id.clone(),
                t(s.service_id),
                t(s.kind.id()),
                t(s.state.id()),
                opt(s.response_deadline.map(micros)),
            ]
        })
        .collect();
    let consents = c
        .consents
        .iter()
        .map(|k| Ok(vec![unit.clone(), t(k.subject), t(k.consent_id), case_id.clone(), json(k)?]))
        .collect::<Result<_, StoreError>>()?;
    let clients = c.clients.iter().map(|k| vec![unit.clone(), t(k), case_id.clone()]).collect();
    let transfers = c
        .transfers
        .iter()
        .enumerate()
        .map(|(n, x)| vec![unit.clone(), case_id.clone(), count(n as u64), t(x.to_unit), t(x.state.id())])
        .collect();
    Ok(vec![
        (&CASE_PROBLEMS, sorted(problems)),
        (&CASE_SERVICES, sorted(services)),
        (&CASE_CONSENTS, sorted(consents)),
        (&CASE_CLIENTS, sorted(clients)),
        (&CASE_TRANSFERS, sorted(transfers)),
    ])
}

/// An outreach's row, `summary` its summary column.
fn outreach_row(o: &OutreachSummary, summary: Value) -> Row {
    vec![t(o.unit), t(o.outreach_id), t(o.state.id()), micros(o.reported_at), summary, micros(o.last_at)]
}

/// The stream's row.
pub fn stream_row(s: &StreamInfo) -> Row {
    vec![t(s.unit), t(s.stream_id), t(s.kind.as_str()), count(s.version), t(s.head_hash)]
}

/// An event's row, its command id given.
pub fn event_row(unit: &UnitCode, stream_id: Uuid, command_id: &str, e: &StoredEvent) -> Row {
    vec![
        t(unit),
        t(stream_id),
        count(e.seq),
        t(e.event_id),
        t(command_id),
        micros(e.occurred_at),
        t(e.hash),
        t(&e.body),
    ]
}

/// A command's row.
pub fn command_row(unit: &UnitCode, command_id: &str, r: &CommandRecord) -> Row {
    vec![t(unit), t(command_id), t(r.stream_id), count(r.first_seq), count(r.last_seq), t(r.fingerprint.0)]
}

/// A seal's row.
pub fn seal_row(unit: &UnitCode, stream_id: Uuid, seal: &lk3_core::seal::Seal) -> Row {
    vec![t(unit), t(stream_id), count(seal.seq), t(seal.key_id), t(seal.head_hash), t(seal.signature)]
}

/// The seal a row holds, `None` when a column does not read as one.
pub fn seal_of_row(row: &Row) -> Option<lk3_core::seal::Seal> {
    use lk3_core::seal::{KeyId, Seal, Signature};
    let text = |i: usize| row.get(i).and_then(Value::as_text);
    Some(Seal {
        seq: row.get(2).and_then(Value::as_int).and_then(|v| u64::try_from(v).ok())?,
        key_id: KeyId::from_hex(text(3)?)?,
        head_hash: lk3_core::event::Hash::from_hex(text(4)?)?,
        signature: Signature::from_hex(text(5)?)?,
    })
}

/// Rows in one order and each once (a table's key holds each once), so
/// that stored and derived rows compare as sets.
pub fn sorted(mut rows: Vec<Row>) -> Vec<Row> {
    rows.sort();
    rows.dedup();
    rows
}

/// A table whose rows cannot be made again from the events (personal data,
/// command fingerprints, erasure records): each row carries a `row_check`,
/// a SHA-256 over its other columns, so that a change made outside lk3 is
/// found by `verify` all the same.
#[derive(Debug, PartialEq, Eq)]
pub struct CheckedTable {
    /// Its name.
    pub name: &'static str,
    /// The columns the check covers, in order (`row_check` is not one).
    pub columns: &'static [Column],
    /// The columns of its primary key (a prefix of `columns`).
    pub key: &'static [&'static str],
    /// How its `row_check` is stored: as text, or (`commands`, one row a
    /// command, since schema 13) as its bytes.
    pub check: ColumnType,
}

impl CheckedTable {
    /// The comma-separated column names, `row_check` last.
    pub fn column_list(&self) -> String {
        names_joined(self.columns.iter().map(|c| c.name).chain([ROW_CHECK]))
    }

    /// Its `row_check` column.
    pub fn check_column(&self) -> Column {
        Column { name: ROW_CHECK, ty: self.check }
    }

    /// The type of each column of [`CheckedTable::column_list`], the check's last.
    pub fn types(&self) -> Vec<ColumnType> {
        self.columns.iter().map(|c| c.ty).chain([self.check]).collect()
    }
}

/// The name of the check column.
pub const ROW_CHECK: &str = "row_check";

/// The column of `manifest` (keyed by unit) that counts a unit's streams.
pub const MANIFEST_STREAMS: Column = int("streams");

/// `commands`, checked: its fingerprint is the one column not derived from events.
pub const CHECKED_COMMANDS: CheckedTable =
    CheckedTable { name: "commands", columns: COMMANDS.columns, key: &["unit", "command_id"], check: ColumnType::Hash };

/// `clients`: the client registry.
pub const CLIENTS: CheckedTable = CheckedTable {
    name: "clients",
    columns: &[text("unit"), text("client_id"), text("record")],
    key: &["unit", "client_id"],
    check: ColumnType::Text,
};

/// `notes`: note texts by digest.
pub const NOTES: CheckedTable = CheckedTable {
    name: "notes",
    columns: &[
        text("unit"),
        text("digest"),
        text("case_id"),
        text("subjects"),
        text("salt"),
        text("text"),
        int("erased_at"),
        text("sensitivity"),
    ],
    key: &["unit", "digest"],
    check: ColumnType::Text,
};

/// How many of [`NOTES`]'s columns a note row written before schema 8 was
/// checked over (all but `sensitivity`).
pub const NOTES_BEFORE_SENSITIVITY: usize = 7;

/// `attachments`: attachments by digest, their bytes as base64.
pub const ATTACHMENTS: CheckedTable = CheckedTable {
    name: "attachments",
    columns: &[
        text("unit"),
        text("digest"),
        text("case_id"),
        text("subjects"),
        text("kind"),
        text("content_type"),
        int("bytes"),
        text("sensitivity"),
        text("salt"),
        text("content"),
        int("erased_at"),
    ],
    key: &["unit", "digest"],
    check: ColumnType::Text,
};

/// `erasures`: who was erased, when, what was removed.
pub const ERASURES: CheckedTable = CheckedTable {
    name: "erasures",
    columns: &[text("unit"), text("client_id"), int("erased_at"), int("identity_removed"), int("notes_erased")],
    key: &["unit", "client_id", "erased_at"],
    check: ColumnType::Text,
};

/// `client_merges`: a registry record merged into another (one person), by
/// whom and why; never deleted.
pub const CLIENT_MERGES: CheckedTable = CheckedTable {
    name: "client_merges",
    columns: &[text("unit"), text("client_id"), text("into_id"), int("merged_at"), text("merged_by"), text("reason")],
    key: &["unit", "client_id"],
    check: ColumnType::Text,
};

/// `trusted_keys`: the public keys a store trusts to seal units' streams;
/// a revoked key keeps its row, with the time of revocation.
pub const TRUSTED_KEYS: CheckedTable = CheckedTable {
    name: "trusted_keys",
    columns: &[
        text("key_id"),
        text("unit"),
        text("public_key"),
        int("created"),
        int("retired_from"),
        int("revoked_at"),
    ],
    key: &["key_id"],
    check: ColumnType::Text,
};

/// `partners`: each unit's partner network, one partner record a row.
pub const PARTNERS: CheckedTable = CheckedTable {
    name: "partners",
    columns: &[text("unit"), text("partner_id"), text("record")],
    key: &["unit", "partner_id"],
    check: ColumnType::Text,
};

/// Every checked table.
pub const CHECKED: [&CheckedTable; 8] =
    [&CHECKED_COMMANDS, &CLIENTS, &NOTES, &ERASURES, &TRUSTED_KEYS, &PARTNERS, &CLIENT_MERGES, &ATTACHMENTS];

/// The checked tables that held rows before schema 2 gave rows a check:
/// only their rows without one are given one when a store is opened for
/// writing. A later table's row without its check was never written by lk3.
pub const LEGACY_CHECKED: [&CheckedTable; 4] = [&CHECKED_COMMANDS, &CLIENTS, &NOTES, &ERASURES];

/// A partner's row (without its check): the record as compact JSON.
pub fn partner_row(partner: &lk3_core::partner::Partner) -> Row {
    let record = serde_json::to_string(partner).unwrap_or_default();
    vec![t(partner.unit), t(partner.partner_id), Value::Text(record)]
}

/// The partner a row holds, `None` when it does not read as one or its
/// key columns are not its record's.
pub fn partner_of_row(row: &Row) -> Option<lk3_core::partner::Partner> {
    let partner: lk3_core::partner::Partner = serde_json::from_str(row.get(2)?.as_text()?).ok()?;
    (row.first()?.as_text()? == partner.unit.to_string() && row.get(1)?.as_text()? == partner.partner_id.to_string())
        .then_some(partner)
}

/// The check of a row's values: SHA-256 over each value tagged with its
/// type and length, as 64 hex digits.
pub fn row_check(values: &[Value]) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    hasher.update(b"lk3.row\n");
    for v in values {
        let int;
        let (tag, bytes): (u8, &[u8]) = match v {
            Value::Null => (0, &[]),
            Value::Int(i) => {
                int = i.to_be_bytes();
                (1, &int)
            }
            Value::Text(s) => (2, s.as_bytes()),
            Value::Invalid(s) => (3, s.as_bytes()),
        };
        hasher.update([tag]);
        hasher.update((bytes.len() as u64).to_be_bytes());
        hasher.update(bytes);
    }
    lk3_core::event::Hash(hasher.finalize().into()).to_string()
}

/// A checked row: its values and their check.
pub fn checked(values: Row) -> Row {
    let check = row_check(&values);
    let mut row = values;
    row.push(Value::Text(check));
    row
}

/// A trusted key's row (without its check).
pub fn trust_row(r: &crate::trust::TrustRecord) -> Row {
    let k = &r.key;
    vec![
        t(k.key_id),
        t(k.unit),
        t(k.public_key),
        opt(k.created.map(micros)),
        opt(k.retired_from.map(micros)),
        opt(r.revoked_at.map(micros)),
    ]
}

/// The trusted key a row holds, `None` when a column does not read as one.
pub fn trust_of_row(row: &Row) -> Option<crate::trust::TrustRecord> {
    use lk3_core::seal::{KeyId, PublicKey, TrustedKey};
    let text = |i: usize| row.get(i).and_then(Value::as_text);
    let time = |i: usize| match row.get(i) {
        Some(Value::Null) => Some(None),
        Some(Value::Int(v)) => chrono::DateTime::from_timestamp_micros(*v).map(Some),
        _ => None,
    };
    Some(crate::trust::TrustRecord {
        key: TrustedKey {
            key_id: KeyId::from_hex(text(0)?)?,
            unit: UnitCode::parse(text(1)?).ok()?,
            public_key: PublicKey::from_hex(text(2)?)?,
            created: time(3)?,
            retired_from: time(4)?,
        },
        revoked_at: time(5)?,
    })
}

/// A command's row with its check.
pub fn checked_command_row(unit: &UnitCode, command_id: &str, r: &CommandRecord) -> Row {
    checked(command_row(unit, command_id, r))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Along every event of cases taken to each stage (and across two
    /// cases), two projections said to make the same child rows make them,
    /// and two whose child rows differ are never said to: the shortcut of
    /// an append never leaves a child row stale. Both answers occur.
    #[test]
    fn projections_said_to_make_the_same_child_rows_make_them() {
        use crate::aggregate::Aggregate;
        let mut world = crate::test_world::World::new();
        let mut projections = Vec::new();
        for stage in lk3_core::vocab::Stage::ALL {
            let (_, events) = world.case_at(*stage);
            let mut case = lk3_core::case::Case::default();
            for e in &events {
                lk3_core::Decider::apply(&mut case, e);
                projections.extend(case.projection());
            }
        }
        let (mut same, mut differ) = (0, 0);
        for pair in projections.windows(2) {
            let rows_equal = child_rows(&pair[0]).expect("rows") == child_rows(&pair[1]).expect("rows");
            if same_child_rows(&pair[0], &pair[1]) {
                assert!(rows_equal, "said the same, made differently: {pair:?}");
                same += 1;
            } else {
                differ += 1;
            }
        }
        assert!(same > 0 && differ > 0, "{same} said the same, {differ} not");
    }

    /// lk3's text of an id, a hash or a signature goes to its bytes and back unchanged;
    /// any other text (another spelling of the same id or hash included) is
    /// stored as text, and bytes of another length read as what they are not.
    #[test]
    fn an_id_a_hash_or_a_signature_is_stored_as_its_bytes_and_read_back_as_its_text() {
        let id = Uuid::from_bytes([0xab; 16]).to_string();
        let hash = lk3_core::event::Hash([0xcd; 32]).to_string();
        let signature = const_hex::encode([0xef; 64]);
        for (ty, text, len) in
            [(ColumnType::Uuid, &id, 16), (ColumnType::Hash, &hash, 32), (ColumnType::Hex(64), &signature, 64)]
        {
            let bytes = bytes_of(text, ty).expect("lk3's text");
            assert_eq!(bytes.len(), len);
            assert_eq!(from_bytes(&bytes, ty), Value::Text(text.clone()));
            assert_eq!(Stored::of(Value::Text(text.clone()), ty), Stored::Bytes(bytes.clone()));
            let others =
                [text.to_uppercase(), text.replace('-', ""), format!("{{{text}}}"), format!("{text}0"), String::new()];
            for other in others.into_iter().filter(|o| o != text) {
                assert_eq!(bytes_of(&other, ty), None, "{other}");
                assert_eq!(Stored::of(Value::Text(other.clone()), ty), Stored::Text(other));
            }
            for wrong in [&bytes[1..], &[bytes.as_slice(), &[0]].concat()] {
                assert!(matches!(from_bytes(wrong, ty), Value::Invalid(_)), "{} bytes", wrong.len());
            }
            assert_eq!(Stored::of(Value::Null, ty), Stored::Null(ty));
        }
        for ty in [ColumnType::Text, ColumnType::Int] {
            assert_eq!(bytes_of(&id, ty), None);
            assert!(matches!(from_bytes(&[0; 16], ty), Value::Invalid(_)));
        }
    }
}
