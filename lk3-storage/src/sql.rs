//! What the SQL adapters share: the schema version, value conversions, the
//! case query compiled to SQL, and the `CaseStore` implementation itself,
//! written once as a macro over the sqlx driver (statements are written with
//! PostgreSQL's `$n` placeholders; SQLite reads them as `?n`, and those of
//! [`crate::statement`], which are in order, as bare `?`).

use chrono::{DateTime, Utc};
use lk3_core::Labelled;
use lk3_core::event::Hash;
use uuid::Uuid;

use crate::StoreError;
use crate::projection::CaseQuery;

/// The newest schema version this build knows (the last migration's number).
pub(crate) const SCHEMA_VERSION: i64 = 14;

/// How many ids one bulk read binds (as one JSON array: no per-id parameters).
pub(crate) const IDS_PER_READ: usize = 1000;

/// Ids as the JSON array of text a bulk read binds (the driver's `json_text_array` unpacks it).
pub(crate) fn id_array<T: ToString>(ids: &[T]) -> Result<String, StoreError> {
    let ids: Vec<String> = ids.iter().map(ToString::to_string).collect();
    serde_json::to_string(&ids).map_err(|e| StoreError::Unavailable { message: e.to_string() })
}

/// The one connection a store writes with, held between writes. SQLite
/// has one writer a file anyway; a connection from the pool would cost each
/// write a wait for it and, when it goes back, a ping and a task to return it
/// (three thread switches). Clones of a store share it.
#[derive(Debug)]
pub(crate) struct WriterSlot<C>(std::sync::Arc<futures_util::lock::Mutex<Writer<C>>>);

/// What a [`WriterSlot`] holds.
#[derive(Debug)]
pub(crate) struct Writer<C> {
    /// The connection, from the first write on.
    pub(crate) conn: Option<C>,
    /// The last write on it ended neither in a commit nor in a rollback
    /// that returned (an error, a dropped future): the next write closes it,
    /// waiting for its thread, and opens another.
    pub(crate) suspect: bool,
    /// The store was closed: no write opens a connection again.
    pub(crate) closed: bool,
}

impl<C> Default for WriterSlot<C> {
    fn default() -> Self {
        WriterSlot(std::sync::Arc::new(futures_util::lock::Mutex::new(Writer {
            conn: None,
            suspect: false,
            closed: false,
        })))
    }
}

impl<C> Clone for WriterSlot<C> {
    fn clone(&self) -> Self {
        WriterSlot(std::sync::Arc::clone(&self.0))
    }
}

impl<C> WriterSlot<C> {
    /// Waits for the slot (one write at a time in this process).
    pub(crate) async fn lock(&self) -> futures_util::lock::MutexGuard<'_, Writer<C>> {
        self.0.lock().await
    }
}

/// A bound value: every column is TEXT or a 64-bit integer.
#[derive(Clone)]
pub(crate) enum Bind {
    Text(String),
    Int(i64),
    /// Bytes: a stream id in the event log ([`crate::rows::ColumnType::Uuid`]).
    Bytes(Vec<u8>),
}

/// A backend's SQL between a stream id's two stored forms: its 16 bytes in
/// the event log (`streams`, `events`, `commands`, `seals`) and its text in
/// the query tables ([`crate::rows::ColumnType`]), for the few reads that
/// join the two.
pub(crate) struct StreamIdSql {
    /// The lowercase hex digits of the bytes in `column`.
    pub(crate) hex: fn(column: &str) -> String,
    /// The bytes of the id whose text is in `column`; NULL, never an
    /// error, when it is not an id's text (a row changed outside lk3).
    pub(crate) bytes: fn(column: &str) -> String,
}

impl StreamIdSql {
    /// The hyphenated text of the id whose bytes are in `column`.
    pub(crate) fn text(&self, column: &str) -> String {
        let hex = (self.hex)(column);
        format!(
            "substr({hex}, 1, 8) || '-' || substr({hex}, 9, 4) || '-' || substr({hex}, 13, 4) || '-' || \
             substr({hex}, 17, 4) || '-' || substr({hex}, 21, 12)"
        )
    }
}

pub(crate) fn micros(t: DateTime<Utc>) -> i64 {
    t.timestamp_micros()
}

pub(crate) fn corrupt(stream_id: Uuid, seq: u64, message: impl Into<String>) -> StoreError {
    StoreError::CorruptRow { stream_id, seq, message: message.into() }
}

pub(crate) fn from_micros(stream_id: Uuid, v: i64) -> Result<DateTime<Utc>, StoreError> {
    DateTime::from_timestamp_micros(v).ok_or_else(|| corrupt(stream_id, 0, format!("time {v} out of range")))
}

pub(crate) fn uuid(text: &str) -> Result<Uuid, StoreError> {
    Uuid::try_parse(text).map_err(|e| corrupt(Uuid::nil(), 0, format!("id {text:?}: {e}")))
}

/// Binds `value` in a column of `ty` ([`crate::rows::Stored::of`]), moved
/// into the driver's arguments rather than copied; a NULL is bound with
/// its column's type (PostgreSQL checks it).
pub(crate) fn bind_value<'q, DB>(
    query: sqlx::query::Query<'q, DB, <DB as sqlx::Database>::Arguments>,
    value: crate::rows::Value,
    ty: crate::rows::ColumnType,
) -> sqlx::query::Query<'q, DB, <DB as sqlx::Database>::Arguments>
where
    DB: sqlx::Database,
    i64: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
    String: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
    Vec<u8>: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
    Option<i64>: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
    Option<String>: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
    Option<Vec<u8>>: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
{
    use crate::rows::{ColumnType, Stored};
    match Stored::of(value, ty) {
        Stored::Int(v) => query.bind(v),
        Stored::Text(v) => query.bind(v),
        Stored::Bytes(v) => query.bind(v),
        Stored::Null(ColumnType::Int) => query.bind(None::<i64>),
        Stored::Null(ColumnType::Text) => query.bind(None::<String>),
        Stored::Null(_) => query.bind(None::<Vec<u8>>),
    }
}

/// An id stored as its 16 bytes ([`crate::rows::ColumnType::Uuid`]).
pub(crate) fn uuid_bytes(bytes: &[u8]) -> Result<Uuid, StoreError> {
    Uuid::from_slice(bytes).map_err(|_| corrupt(Uuid::nil(), 0, format!("an id of {} bytes", bytes.len())))
}

/// A hash stored as its 32 bytes ([`crate::rows::ColumnType::Hash`]).
pub(crate) fn hash_bytes(stream_id: Uuid, bytes: &[u8]) -> Result<Hash, StoreError> {
    <[u8; 32]>::try_from(bytes).map(Hash).map_err(|_| corrupt(stream_id, 0, format!("a hash of {} bytes", bytes.len())))
}

pub(crate) fn unsigned(stream_id: Uuid, v: i64) -> Result<u64, StoreError> {
    u64::try_from(v).map_err(|_| corrupt(stream_id, 0, format!("negative count {v}")))
}

pub(crate) fn signed(v: u64) -> i64 {
    // Versions and seqs are counts of events: far below i64::MAX.
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// Checks that a page's keys come in strictly increasing order after the
/// cursor: a page read from a damaged B-tree can hand back a key it already
/// gave, and a caller paging on would go round for ever.
pub(crate) fn in_order<K: PartialOrd>(
    table: &str,
    after: Option<&K>,
    keys: impl IntoIterator<Item = K>,
) -> Result<(), StoreError> {
    let mut last: Option<K> = None;
    for key in keys {
        let behind = match &last {
            Some(l) => key <= *l,
            None => after.is_some_and(|a| key <= *a),
        };
        if behind {
            return Err(StoreError::Damaged { what: format!("the rows of {table} are out of order") });
        }
        last = Some(key);
    }
    Ok(())
}

/// A note's salt as stored: 32 hex digits.
pub(crate) fn salt_text(salt: &[u8; 16]) -> String {
    Uuid::from_bytes(*salt).simple().to_string()
}

/// An attachment's bytes as stored: standard base64.
pub(crate) fn base64_text(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Stored attachment bytes back to bytes.
pub(crate) fn base64_bytes(text: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.decode(text).ok()
}

/// A vocabulary value as stored (its id), `None` when absent or unknown.
pub(crate) fn vocab<T: lk3_core::Labelled>(text: Option<&str>) -> Option<T> {
    text.and_then(T::from_id)
}

/// A stored salt back to bytes.
pub(crate) fn salt_bytes(text: &str) -> Option<[u8; 16]> {
    Uuid::try_parse(text).ok().map(Uuid::into_bytes)
}

/// `{column} IN (marks...)` over `ids`, `mark(k)` naming the k-th value's
/// placeholder, with the values (`1 = 0` for no ids).
pub(crate) fn in_list(column: &str, ids: &[&str], mark: impl Fn(usize) -> String) -> (String, Vec<Bind>) {
    if ids.is_empty() {
        return ("1 = 0".to_owned(), Vec::new());
    }
    let marks: Vec<String> = (0..ids.len()).map(mark).collect();
    (format!("{column} IN ({})", marks.join(", ")), ids.iter().map(|id| Bind::Text((*id).to_owned())).collect())
}

/// The ids of the case stages finished in every rule set: what "finished"
/// means is the core's ([`lk3_core::report::finished_stages`]), never a list
/// written here.
pub(crate) fn finished_stages() -> Vec<&'static str> {
    lk3_core::report::finished_stages().iter().map(|s| s.id()).collect()
}

/// The ids of the outreach states finished in every rule set.
pub(crate) fn finished_outreach_states() -> Vec<&'static str> {
    lk3_core::report::finished_outreach_states().iter().map(|s| s.id()).collect()
}

/// The WHERE clause (with `$n` placeholders) and its values for a case
/// query; `cases` is aliased `c`.
pub(crate) fn case_filter(q: &CaseQuery, with_cursor: bool) -> (String, Vec<Bind>) {
    let mut sql = String::from("1 = 1");
    let mut binds = Vec::new();
    let mut push = |sql: &mut String, clause: &str, values: Vec<Bind>| {
        let mut clause = clause.to_owned();
        for (i, v) in values.into_iter().enumerate() {
            binds.push(v);
            clause = clause.replacen(&format!("${{{i}}}"), &format!("${}", binds.len()), 1);
        }
        sql.push_str(" AND ");
        sql.push_str(&clause);
    };
    if let Some(u) = &q.unit {
        push(&mut sql, "c.unit = ${0}", vec![Bind::Text(u.to_string())]);
    }
    if let Some(client) = q.client {
        push(
            &mut sql,
            "EXISTS (SELECT 1 FROM case_clients k WHERE k.unit = c.unit AND k.client_id = ${0} AND k.case_id = c.case_id)",
            vec![Bind::Text(client.to_string())],
        );
    }
    if let Some(u) = &q.held_by {
        push(&mut sql, "c.holder = ${0}", vec![Bind::Text(u.to_string())]);
    }
    if let Some(u) = &q.transferred_to {
        let mut clause = String::from(
            "EXISTS (SELECT 1 FROM case_transfers x WHERE x.unit = c.unit AND x.case_id = c.case_id AND x.to_unit = ${0}",
        );
        let mut values = vec![Bind::Text(u.to_string())];
        if let Some(state) = q.transfer_state {
            clause.push_str(" AND x.state = ${1}");
            values.push(Bind::Text(state.id().to_owned()));
        }
        clause.push(')');
        push(&mut sql, &clause, values);
    }
    if let Some(s) = q.stage {
        push(&mut sql, "c.stage = ${0}", vec![Bind::Text(s.id().to_owned())]);
    }
    if let Some(w) = q.worker {
        push(&mut sql, "c.worker = ${0}", vec![Bind::Text(w.to_string())]);
    }
    if let Some(t) = q.opened_from {
        push(&mut sql, "c.opened_at >= ${0}", vec![Bind::Int(micros(t))]);
    }
    if let Some(t) = q.opened_before {
        push(&mut sql, "c.opened_at < ${0}", vec![Bind::Int(micros(t))]);
    }
    if let Some(p) = q.problem {
        push(
            &mut sql,
            "EXISTS (SELECT 1 FROM case_problems p WHERE p.unit = c.unit AND p.problem = ${0} AND p.case_id = c.case_id)",
            vec![Bind::Text(p.id().to_owned())],
        );
    }
    match (q.service_kind, q.service_state) {
        (None, None) => {}
        (kind, state) => {
            let mut clause =
                String::from("EXISTS (SELECT 1 FROM case_services s WHERE s.unit = c.unit AND s.case_id = c.case_id");
            let mut values = Vec::new();
            if let Some(k) = kind {
                clause.push_str(&format!(" AND s.kind = ${{{}}}", values.len()));
                values.push(Bind::Text(k.id().to_owned()));
            }
            if let Some(s) = state {
                clause.push_str(&format!(" AND s.state = ${{{}}}", values.len()));
                values.push(Bind::Text(s.id().to_owned()));
            }
            clause.push(')');
            push(&mut sql, &clause, values);
        }
    }
    if let Some(t) = q.overdue_at {
        // Never a closed case's referral (`Case::overdue_referrals`).
        let (finished, mut values) = in_list("c.stage", &finished_stages(), |k| format!("${{{}}}", k + 1));
        values.insert(0, Bind::Int(micros(t)));
        push(
            &mut sql,
            &format!(
                "NOT ({finished}) AND EXISTS (SELECT 1 FROM case_services s WHERE s.unit = c.unit \
                 AND s.case_id = c.case_id AND s.state = 'dikirim' AND s.deadline < ${{0}})"
            ),
            values,
        );
    }
    if let Some(t) = q.active_from {
        let (finished, mut values) = in_list("c.stage", &finished_stages(), |k| format!("${{{}}}", k + 1));
        values.insert(0, Bind::Int(micros(t)));
        push(&mut sql, &format!("(c.last_at >= ${{0}} OR NOT ({finished}))"), values);
    }
    if let Some(a) = q.after.filter(|_| with_cursor) {
        push(&mut sql, "c.case_id > ${0}", vec![Bind::Text(a.to_string())]);
    }
    (sql, binds)
}

/// Implements `CaseStore` for a SQL store type with a `pool` field and an
/// associated `fn stmt(&'static str) -> impl SqlSafeStr` that adapts `$n`
/// placeholders to its driver. `$begin` opens a write transaction.
macro_rules! sql_store {
    ($store:ty, $db:ty, begin = $begin:expr) => {
        mod sql_impl {
            use async_trait::async_trait;
            use chrono::{DateTime, Utc};
            use lk3_core::event::Hash;
            use lk3_core::ids::{ClientId, CommandId, OutreachId, UnitCode};
            use lk3_core::schema::ClientRecord;
            use sqlx::Row;
            use uuid::Uuid;

            use super::*;
            use $crate::model::{
                AppendDecision, AppendOutcome, Batch, CommandRecord, CursorPosition, EventCursor, Fingerprint,
                ScannedEvent, StoredEvent, StreamInfo, StreamKind, decide_append,
            };
            use $crate::personal::{
                Attachment, Erasure, NewAttachment, NewNote, Note, attachment_digest, new_salt, note_digest,
            };
            use lk3_core::access::{AccessEntry, LoggedAccess};
            use $crate::projection::{CaseQuery, CaseSummary, ClientConsent, OutreachSummary, Projection};
            use $crate::rows::{self, ColumnType, Table, Value};
            use $crate::verify::{AuditPage, StoreAudit, StreamCursor};
            use $crate::sql::{self, Bind};
            use $crate::{CaseStore, StoreError};

            type Tx<'c> = sqlx::Transaction<'c, $db>;
            type Conn = <$db as sqlx::Database>::Connection;
            type DbRow = <$db as sqlx::Database>::Row;

            fn is_unique(e: &sqlx::Error) -> bool {
                e.as_database_error().is_some_and(|d| d.is_unique_violation())
            }

            fn stream_row(row: &DbRow) -> Result<StreamInfo, StoreError> {
                let stream_id = sql::uuid_bytes(row.try_get::<&[u8], _>(1)?)?;
                let kind: &str = row.try_get(2)?;
                Ok(StreamInfo {
                    unit: UnitCode::parse(row.try_get::<&str, _>(0)?)
                        .map_err(|e| sql::corrupt(stream_id, 0, e.to_string()))?,
                    stream_id,
                    kind: StreamKind::parse(kind).ok_or_else(|| sql::corrupt(stream_id, 0, format!("kind {kind:?}")))?,
                    version: sql::unsigned(stream_id, row.try_get(3)?)?,
                    head_hash: sql::hash_bytes(stream_id, row.try_get(4)?)?,
                })
            }

            fn event_row(stream_id: Uuid, row: &DbRow) -> Result<StoredEvent, StoreError> {
                let seq = sql::unsigned(stream_id, row.try_get(0)?)?;
                let at = row.try_get(2)?;
                Ok(StoredEvent {
                    seq,
                    event_id: row
                        .try_get(1)
                        .ok()
                        .and_then(|b| sql::uuid_bytes(b).ok())
                        .ok_or_else(|| sql::corrupt(stream_id, seq, "event id"))?,
                    occurred_at: sql::from_micros(stream_id, at).map_err(|_| sql::corrupt(stream_id, seq, "time"))?,
                    hash: row
                        .try_get(3)
                        .ok()
                        .and_then(|b| sql::hash_bytes(stream_id, b).ok())
                        .ok_or_else(|| sql::corrupt(stream_id, seq, "hash"))?,
                    body: row.try_get(4)?,
                })
            }

            fn command_row(row: &DbRow) -> Result<CommandRecord, StoreError> {
                let stream_id = sql::uuid_bytes(row.try_get(0)?)?;
                Ok(CommandRecord {
                    stream_id,
                    first_seq: sql::unsigned(stream_id, row.try_get(1)?)?,
                    last_seq: sql::unsigned(stream_id, row.try_get(2)?)?,
                    fingerprint: Fingerprint(sql::hash_bytes(stream_id, row.try_get(3)?)?),
                })
            }

            fn bind_all<'q>(
                mut query: sqlx::query::Query<'q, $db, <$db as sqlx::Database>::Arguments>,
                binds: Vec<Bind>,
            ) -> sqlx::query::Query<'q, $db, <$db as sqlx::Database>::Arguments> {
                for b in binds {
                    query = match b {
                        Bind::Text(s) => query.bind(s),
                        Bind::Int(i) => query.bind(i),
                        Bind::Bytes(b) => query.bind(b),
                    };
                }
                query
            }

            /// A page of a case query: `column` of each case, in case id order.
            async fn case_page(
                pool: &sqlx::Pool<$db>,
                query: &CaseQuery,
                column: &str,
            ) -> Result<Vec<DbRow>, StoreError> {
                let (filter, mut binds) = sql::case_filter(query, true);
                binds.push(Bind::Int(i64::from(query.limit)));
                // With a unit, (unit, case_id) is the same order and the primary key's:
                // the page is read off the index instead of filtered out of every unit's.
                let order = if query.unit.is_some() { "c.unit, c.case_id" } else { "c.case_id" };
                let text =
                    format!("SELECT {column} FROM cases c WHERE {filter} ORDER BY {order} LIMIT ${}", binds.len());
                Ok(bind_all(sqlx::query(<$store>::stmt_owned(text)), binds).fetch_all(pool).await?)
            }

            async fn read_events_in(
                conn: &mut <$db as sqlx::Database>::Connection,
                stream_id: Uuid,
                first: u64,
                last: u64,
            ) -> Result<Vec<StoredEvent>, StoreError> {
                let rows = sqlx::query(<$store>::stmt(
                    "SELECT seq, event_id, occurred_at, hash, body FROM events \
                     WHERE unit = (SELECT unit FROM streams WHERE stream_id = $1) AND stream_id = $1 \
                     AND seq >= $2 AND seq <= $3 ORDER BY seq",
                ))
                .bind(stream_id.as_bytes().as_slice())
                .bind(sql::signed(first))
                .bind(sql::signed(last))
                .fetch_all(&mut *conn)
                .await?;
                rows.iter().map(|r| event_row(stream_id, r)).collect()
            }

            /// A value of a row in its column's type, or what was found instead.
            fn read_value(row: &DbRow, i: usize, ty: ColumnType) -> Value {
                match ty {
                    ColumnType::Int => match row.try_get::<Option<i64>, _>(i) {
                        Ok(Some(v)) => Value::Int(v),
                        Ok(None) => Value::Null,
                        Err(e) => Value::Invalid(e.to_string()),
                    },
                    ColumnType::Text => match row.try_get::<Option<String>, _>(i) {
                        Ok(Some(v)) => Value::Text(v),
                        Ok(None) => Value::Null,
                        Err(e) => Value::Invalid(e.to_string()),
                    },
                    ColumnType::Uuid | ColumnType::Hash | ColumnType::Hex(_) => match row.try_get::<Option<&[u8]>, _>(i) {
                        Ok(Some(v)) => rows::from_bytes(v, ty),
                        Ok(None) => Value::Null,
                        Err(e) => Value::Invalid(e.to_string()),
                    },
                }
            }

            /// A row read in its table's columns, from column `offset` on.
            fn read_row(row: &DbRow, table: &Table, offset: usize) -> rows::Row {
                table.columns.iter().enumerate().map(|(i, c)| read_value(row, offset + i, c.ty)).collect()
            }

            /// The records rows of a checked table hold (its columns, without
            /// the check); a row that does not read as one is corrupt.
            fn records_of<T>(
                found: &[DbRow],
                table: &rows::CheckedTable,
                read: fn(&rows::Row) -> Option<T>,
                what: &str,
            ) -> Result<Vec<T>, StoreError> {
                found
                    .iter()
                    .map(|r| {
                        let row: rows::Row =
                            table.columns.iter().enumerate().map(|(i, c)| read_value(r, i, c.ty)).collect();
                        read(&row).ok_or_else(|| StoreError::CorruptRow {
                            stream_id: Uuid::nil(),
                            seq: 0,
                            message: format!("a row of {} does not read as {what}", table.name),
                        })
                    })
                    .collect()
            }

            /// The applied migrations whose record is not that of lk3's
            /// embedded migrations; `Err` (why) when the record cannot be read.
            async fn migration_record(tx: &mut Tx<'_>) -> Result<Vec<String>, String> {
                let applied = sqlx::query(
                    "SELECT version, description, success, checksum FROM _sqlx_migrations ORDER BY version",
                )
                .fetch_all(&mut **tx)
                .await
                .map_err(|e| e.to_string())?;
                let migrator = sql::migrator(<$store>::MIGRATIONS);
                let mut known = migrator.iter();
                let mut changed = Vec::new();
                for r in &applied {
                    let version = r.try_get::<i64, _>(0).unwrap_or(-1);
                    // Of the type the migrator wrote, too: SQLite keeps a type with each value,
                    // and a checksum turned from bytes into text reads the same yet was changed.
                    let stored_as = |i: usize, ty: <$db as sqlx::Database>::TypeInfo| {
                        r.try_get_raw(i).is_ok_and(|v| !sqlx::ValueRef::is_null(&v) && *sqlx::ValueRef::type_info(&v) == ty)
                    };
                    let same = known.next().is_some_and(|m| {
                        m.version == version
                            && r.try_get::<String, _>(1).is_ok_and(|d| d == m.description)
                            && stored_as(1, <String as sqlx::Type<$db>>::type_info())
                            && r.try_get::<bool, _>(2).unwrap_or(false)
                            && r.try_get::<Vec<u8>, _>(3).is_ok_and(|c| c.as_slice() == &*m.checksum)
                            && stored_as(3, <Vec<u8> as sqlx::Type<$db>>::type_info())
                    });
                    if !same {
                        changed.push(format!("the record of migration {version} is not lk3's"));
                    }
                }
                Ok(changed)
            }

            /// A statement as this driver's query.
            trait AsQuery {
                fn query(self) -> sqlx::query::Query<'static, $db, <$db as sqlx::Database>::Arguments>;
            }

            impl AsQuery for $crate::statement::Statement {
                fn query(self) -> sqlx::query::Query<'static, $db, <$db as sqlx::Database>::Arguments> {
                    debug_assert!(
                        $crate::statement::placeholders_fit(&self),
                        "placeholders not $1, $2, ... in order, one a value: {}",
                        self.text
                    );
                    let mut query = sqlx::query(<$store>::statement_text(&self.text));
                    for (value, ty) in self.values {
                        query = bind_value(query, value, ty);
                    }
                    query
                }
            }

            /// Inserts a checked row ([`rows::CheckedTable`]) with its check.
            async fn insert_checked(
                tx: &mut Tx<'_>,
                table: &rows::CheckedTable,
                values: rows::Row,
                on_conflict: &str,
            ) -> Result<u64, StoreError> {
                Ok($crate::statement::checked_insert(table, values, on_conflict).query().execute(&mut **tx).await?.rows_affected())
            }

            /// The clients a note or an attachment is about, as rows of
            /// `note_subjects` (which erasure looks them up by).
            async fn insert_subjects(
                tx: &mut Tx<'_>,
                unit: &str,
                digest: Hash,
                subjects: &[ClientId],
            ) -> Result<(), StoreError> {
                for s in subjects {
                    sqlx::query(<$store>::stmt(
                        "INSERT INTO note_subjects (unit, client_id, digest) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                    ))
                    .bind(unit)
                    .bind(s.to_string())
                    .bind(digest.to_string())
                    .execute(&mut **tx)
                    .await?;
                }
                Ok(())
            }

            use sql::bind_value;

            /// Writes the stream's own query row (`cases`, `outreaches`), new or
            /// replacing the one before.
            async fn upsert(tx: &mut Tx<'_>, table: &Table, row: &rows::Row) -> Result<(), sqlx::Error> {
                $crate::statement::upsert(table, row).query().execute(&mut **tx).await.map(drop)
            }

            /// Writes a stream's query rows ([`$crate::statement::projection_statements`]).
            async fn write_projection(
                tx: &mut Tx<'_>,
                projection: &Projection,
                previous: Option<&Projection>,
            ) -> Result<(), StoreError> {
                let (own, children) = $crate::statement::projection_statements(projection, previous)?;
                match (own.query().execute(&mut **tx).await, projection) {
                    // The one unique key an upsert of a case can break is (unit, case_number).
                    (Err(e), Projection::Case(c)) if is_unique(&e) => {
                        return Err(StoreError::CaseNumberTaken {
                            unit: c.unit.to_string(),
                            case_number: c.case_number.as_ref().map_or_else(String::new, ToString::to_string),
                        });
                    }
                    (written, _) => {
                        written?;
                    }
                }
                for statement in children {
                    statement.query().execute(&mut **tx).await?;
                }
                Ok(())
            }

            /// A transaction on `conn`, begun with `statement` (or a plain `BEGIN`).
            async fn begin_on<'c>(conn: &'c mut Conn, statement: Option<&'static str>) -> Result<Tx<'c>, StoreError> {
                Ok(match statement {
                    Some(statement) => sqlx::Connection::begin_with(conn, statement).await?,
                    None => sqlx::Connection::begin(conn).await?,
                })
            }

            /// A connection from the pool whose transactions begin
            /// cancel-safely: dropped while a `BEGIN` is on the wire, it is
            /// closed instead of going back to the pool. sqlx 0.9 counts a
            /// transaction only once the server has answered `BEGIN`, so a
            /// begin dropped before that leaves the session inside a
            /// transaction nothing rolls back, and the pool hands it to the
            /// next caller, whose statements run in it (sqlx issue #4393;
            /// fixed upstream after 0.9.0).
            struct Pooled {
                conn: Option<sqlx::pool::PoolConnection<$db>>,
                beginning: bool,
            }

            impl Pooled {
                async fn acquire(pool: &sqlx::Pool<$db>) -> Result<Self, StoreError> {
                    Ok(Pooled { conn: Some(pool.acquire().await?), beginning: false })
                }

                /// A transaction begun with `statement` (or a plain `BEGIN`).
                async fn begin(&mut self, statement: Option<&'static str>) -> Result<Tx<'_>, StoreError> {
                    let Pooled { conn, beginning } = self;
                    let conn = conn.as_mut().ok_or_else(|| StoreError::Unavailable { message: "no connection".into() })?;
                    // Left set when the begin fails or is dropped part way.
                    *beginning = true;
                    let tx = begin_on(&mut **conn, statement).await?;
                    *beginning = false;
                    Ok(tx)
                }
            }

            impl Drop for Pooled {
                fn drop(&mut self) {
                    if self.beginning
                        && let Some(conn) = self.conn.take()
                    {
                        // Out of the pool; dropped, its session ends and the server rolls back.
                        drop(conn.detach());
                    }
                }
            }

            /// The connection a write runs on: the store's held writer
            /// ([`sql::WriterSlot`]), or one from the pool.
            enum WriteConnection<'a> {
                /// The held writer; `settled` once a write committed or rolled back on it.
                Held { slot: futures_util::lock::MutexGuard<'a, sql::Writer<Conn>>, settled: bool },
                Pooled(Pooled),
            }

            impl WriteConnection<'_> {
                /// A transaction for writing (SQLite takes the write lock at once).
                async fn begin(&mut self) -> Result<Tx<'_>, StoreError> {
                    match self {
                        WriteConnection::Held { slot, .. } => {
                            let conn = slot
                                .conn
                                .as_mut()
                                .ok_or_else(|| StoreError::Unavailable { message: "no writer connection".into() })?;
                            begin_on(conn, $begin).await
                        }
                        WriteConnection::Pooled(pooled) => pooled.begin($begin).await,
                    }
                }

                /// Says that the write on this connection committed or rolled
                /// back: a held writer serves the next write as it is.
                fn settled(&mut self) {
                    if let WriteConnection::Held { settled, .. } = self {
                        *settled = true;
                    }
                }
            }

            impl Drop for WriteConnection<'_> {
                fn drop(&mut self) {
                    // A write that did not settle may have left its connection
                    // in any state (a rollback pending, a thread gone).
                    if let WriteConnection::Held { slot, settled: false } = self {
                        slot.suspect = true;
                    }
                }
            }

            impl $store {
                /// The connection to write with: the held writer, waited
                /// for and opened if need be, or one from the pool.
                async fn writer(&self) -> Result<WriteConnection<'_>, StoreError> {
                    match self.writer_slot() {
                        Some(held) => {
                            let mut slot = held.lock().await;
                            if slot.closed {
                                return Err(StoreError::Unavailable { message: "the store is closed".into() });
                            }
                            if std::mem::take(&mut slot.suspect) {
                                if let Some(conn) = slot.conn.take() {
                                    // It fails only on a connection already gone.
                                    let _ = sqlx::Connection::close(conn).await;
                                }
                            }
                            if slot.conn.is_none() {
                                // Detached: the pool neither counts nor pings it.
                                slot.conn = Some(self.pool.acquire().await?.detach());
                            }
                            Ok(WriteConnection::Held { slot, settled: false })
                        }
                        None => Ok(WriteConnection::Pooled(Pooled::acquire(&self.pool).await?)),
                    }
                }
            }

            async fn read_head(tx: &mut Tx<'_>, stream_id: Uuid) -> Result<Option<StreamInfo>, StoreError> {
                sqlx::query(<$store>::stmt(
                    "SELECT unit, stream_id, kind, version, head_hash FROM streams WHERE stream_id = $1",
                ))
                .bind(stream_id.as_bytes().as_slice())
                .fetch_optional(&mut **tx)
                .await?
                .map(|r| stream_row(&r))
                .transpose()
            }

            /// Claims a batch's command ids one by one: `None` for each id
            /// claimed now, the stored record for one already there (a retry
            /// or a reuse, which `decide_append` tells apart). On any error the
            /// caller's transaction is rolled back, claims included.
            async fn claim_commands(tx: &mut Tx<'_>, batch: &Batch) -> Result<Vec<Option<CommandRecord>>, StoreError> {
                let mut seen = Vec::with_capacity(batch.commands.len());
                for ((command_id, _), claim) in batch.command_records().zip($crate::statement::command_claims(batch)) {
                    let claimed = claim.query().execute(&mut **tx).await?.rows_affected();
                    seen.push(if claimed == 1 { None } else { stored_command(&mut **tx, command_id).await? });
                }
                Ok(seen)
            }

            async fn stored_command(
                conn: &mut <$db as sqlx::Database>::Connection,
                command_id: CommandId,
            ) -> Result<Option<CommandRecord>, StoreError> {
                sqlx::query(<$store>::stmt(
                    "SELECT stream_id, first_seq, last_seq, fingerprint FROM commands WHERE command_id = $1",
                ))
                .bind(command_id.as_uuid().as_bytes().as_slice())
                .fetch_optional(&mut *conn)
                .await?
                .map(|r| command_row(&r))
                .transpose()
            }

            async fn append_one(
                tx: &mut Tx<'_>,
                batch: &Batch,
                signer: Option<&lk3_core::seal::SigningKey>,
            ) -> Result<AppendOutcome, StoreError> {
                let seen = claim_commands(tx, batch).await?;
                append_claimed(tx, batch, &seen, signer).await
            }

            /// The rest of an append once its command ids are claimed (`seen`:
            /// the record of each one that was already there).
            async fn append_claimed(
                tx: &mut Tx<'_>,
                batch: &Batch,
                seen: &[Option<CommandRecord>],
                signer: Option<&lk3_core::seal::SigningKey>,
            ) -> Result<AppendOutcome, StoreError> {
                let unit = batch.unit.to_string();
                // A command seen before is answered before the head is looked at.
                if seen.iter().all(Option::is_some) {
                    if let AppendDecision::AlreadyApplied(r) = decide_append(batch, None, seen)? {
                        let events = read_events_in(&mut **tx, r.stream_id, r.first_seq, r.last_seq).await?;
                        return Ok(AppendOutcome::AlreadyApplied { events });
                    }
                }
                // Some commands stored and some not: refused, with the head to say why.
                if seen.iter().any(Option::is_some) {
                    let head = read_head(tx, batch.stream_id).await?;
                    decide_append(batch, head.as_ref(), seen)?;
                    let command_id = batch.commands.first().map_or(Uuid::nil(), |c| *c.command_id.as_uuid());
                    return Err(StoreError::CommandIdConflict { command_id, stream_id: batch.stream_id });
                }
                let moved = $crate::statement::head_move(batch).query().execute(&mut **tx).await?;
                if moved.rows_affected() != 1 {
                    // Only now read the head, to say precisely what is wrong.
                    let head = read_head(tx, batch.stream_id).await?;
                    decide_append(batch, head.as_ref(), seen)?;
                    return Err(StoreError::VersionConflict {
                        stream_id: batch.stream_id,
                        expected: batch.expected_version,
                        actual: head.map_or(0, |h| h.version),
                    });
                }
                if batch.expected_version == 0 {
                    $crate::statement::manifest_count(&unit, 1).query().execute(&mut **tx).await?;
                }
                if let Err(err) = insert_events(tx, &[batch]).await {
                    if is_unique(&err) {
                        return Err(StoreError::VersionConflict {
                            stream_id: batch.stream_id,
                            expected: batch.expected_version,
                            actual: batch.expected_version + 1,
                        });
                    }
                    return Err(err.into());
                }
                write_projection(tx, &batch.projection, batch.previous.as_ref()).await?;
                if let Some(seal) = $crate::statement::seal_upsert(batch, signer) {
                    seal.query().execute(&mut **tx).await?;
                }
                Ok(AppendOutcome::Written { version: batch.new_version() })
            }

            /// An append of one batch in one query, for a driver that runs
            /// many statements in one (SQLite; [`$crate::statement::at_once`]): a round trip
            /// to the connection's thread instead of one per statement. `None`
            /// when a claim or the head's move did not take, or a statement
            /// failed: the caller rolls back and appends one statement at a
            /// time, which says why.
            async fn append_at_once(
                tx: &mut Tx<'_>,
                batch: &Batch,
                signer: Option<&lk3_core::seal::SigningKey>,
            ) -> Result<Option<AppendOutcome>, StoreError> {
                // Whatever does not build here is answered by the one-at-a-time path.
                let Ok(Some((statement, expected))) = $crate::statement::at_once(batch, signer) else { return Ok(None) };
                match statement.query().fetch_all(&mut **tx).await {
                    Ok(returned) if returned.len() == expected => {
                        #[cfg(test)]
                        $crate::statement::WRITTEN_AT_ONCE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        Ok(Some(AppendOutcome::Written { version: batch.new_version() }))
                    }
                    _ => Ok(None),
                }
            }

            /// Runs `statements` in turn (each built when its turn comes),
            /// returning the rows they return (`RETURNING`).
            async fn run_all(
                tx: &mut Tx<'_>,
                statements: impl IntoIterator<Item = $crate::statement::Statement> + Send,
            ) -> Result<Vec<DbRow>, sqlx::Error> {
                let mut returned = Vec::new();
                for statement in statements {
                    returned.extend(statement.query().fetch_all(&mut **tx).await?);
                }
                Ok(returned)
            }

            /// Inserts rows of `types` in as few statements as the limit of
            /// bound values allows ([`$crate::statement::values_statements`]).
            async fn insert_many(
                tx: &mut Tx<'_>,
                into: &str,
                types: &[ColumnType],
                rows: &[rows::Row],
                tail: &str,
            ) -> Result<Vec<DbRow>, sqlx::Error> {
                run_all(tx, $crate::statement::values_statements(into, types, rows, tail)).await
            }

            /// [`insert_many`] into all of `table`'s columns.
            async fn insert_into(
                tx: &mut Tx<'_>,
                table: &Table,
                rows: &[rows::Row],
                tail: &str,
            ) -> Result<Vec<DbRow>, sqlx::Error> {
                run_all(tx, $crate::statement::table_statements(table, rows, tail)).await
            }

            /// The first column of rows an insert returned (`RETURNING id`),
            /// of type `ty`, as text.
            fn returned_ids(rows: Vec<DbRow>, ty: ColumnType) -> std::collections::HashSet<String> {
                rows.iter().filter_map(|r| read_value(r, 0, ty).as_text().map(str::to_owned)).collect()
            }

            /// The events of `batches`, in as few statements as the limit of
            /// bound values allows (8 values an event).
            async fn insert_events(tx: &mut Tx<'_>, batches: &[&Batch]) -> Result<(), sqlx::Error> {
                run_all(tx, $crate::statement::event_statements(batches)).await.map(drop)
            }

            /// Whether [`append_new_streams`] may write `batches` together:
            /// more than one, each opening a stream, no two with one stream or
            /// one command id (which the one-by-one path orders and refuses).
            fn writable_together(batches: &[Batch]) -> bool {
                let mut streams = std::collections::HashSet::with_capacity(batches.len());
                let mut commands = std::collections::HashSet::new();
                batches.len() > 1
                    && batches.iter().all(|b| {
                        b.expected_version == 0
                            && b.previous.is_none()
                            && streams.insert(b.stream_id)
                            && b.commands.iter().all(|c| commands.insert(c.command_id))
                    })
            }

            /// Appends batches that each open a stream (an import) with a few
            /// statements for all of them rather than a few for each: the
            /// command ids are claimed, the streams created, the events and the
            /// query rows inserted, each table in statements of many rows. A
            /// batch whose command ids were already there takes the one-by-one
            /// path (a re-import is answered as present; a partial one refused).
            async fn append_new_streams(
                tx: &mut Tx<'_>,
                batches: &[Batch],
                signer: Option<&lk3_core::seal::SigningKey>,
            ) -> Result<Option<Vec<AppendOutcome>>, StoreError> {
                // Claim every command id; those not returned were there before.
                let mut claims = Vec::new();
                for batch in batches {
                    for (command_id, record) in batch.command_records() {
                        claims.push(rows::checked(rows::command_row(&batch.unit, &command_id.to_string(), &record)));
                    }
                }
                let types = rows::CHECKED_COMMANDS.types();
                let into = format!("INSERT INTO commands ({}) ", rows::CHECKED_COMMANDS.column_list());
                let claimed = returned_ids(
                    insert_many(tx, &into, &types, &claims, " ON CONFLICT DO NOTHING RETURNING command_id").await?,
                    ColumnType::Uuid,
                );
                drop(claims);
                let mut outcomes: Vec<Option<AppendOutcome>> = vec![None; batches.len()];
                let (fresh, seen_before): (Vec<usize>, Vec<usize>) = (0..batches.len())
                    .partition(|&i| batches[i].commands.iter().all(|c| claimed.contains(&c.command_id.to_string())));
                // The records of the ids that were there, read together.
                let earlier: Vec<String> = seen_before
                    .iter()
                    .flat_map(|&i| batches[i].commands.iter().map(|c| c.command_id.to_string()))
                    .filter(|id| !claimed.contains(id))
                    .collect();
                let records = stored_commands(tx, &earlier).await?;
                // A batch all of whose commands are stored as it has them is
                // present (a re-import): its events are read together too.
                let mut present = Vec::new();
                for &i in &seen_before {
                    let batch = &batches[i];
                    let seen: Vec<Option<CommandRecord>> =
                        batch.commands.iter().map(|c| records.get(&c.command_id.to_string()).cloned()).collect();
                    match seen.iter().all(Option::is_some).then(|| decide_append(batch, None, &seen)) {
                        Some(Ok(AppendDecision::AlreadyApplied(r))) => present.push((i, r)),
                        _ => outcomes[i] = Some(append_claimed(tx, batch, &seen, signer).await?),
                    }
                }
                let mut units = std::collections::BTreeMap::<UnitCode, Vec<Uuid>>::new();
                for (i, r) in &present {
                    units.entry(batches[*i].unit).or_default().push(r.stream_id);
                }
                let mut stored = std::collections::HashMap::new();
                for (unit, streams) in units {
                    stored.extend(events_of_streams(&mut **tx, &unit, &streams).await?);
                }
                for (i, r) in present {
                    let events = stored
                        .remove(&r.stream_id)
                        .unwrap_or_default()
                        .into_iter()
                        .filter(|e| (r.first_seq..=r.last_seq).contains(&e.seq))
                        .collect();
                    outcomes[i] = Some(AppendOutcome::AlreadyApplied { events });
                }
                let written: Vec<&Batch> = fresh.iter().map(|&i| &batches[i]).collect();
                if !written.is_empty() && !write_new_streams(tx, &written, signer).await? {
                    return Ok(None);
                }
                for i in fresh {
                    outcomes[i] = Some(AppendOutcome::Written { version: batches[i].new_version() });
                }
                Ok(Some(outcomes.into_iter().flatten().collect()))
            }

            /// The stored records of command ids, by id.
            async fn stored_commands(
                tx: &mut Tx<'_>,
                command_ids: &[String],
            ) -> Result<std::collections::HashMap<String, CommandRecord>, StoreError> {
                let mut found = std::collections::HashMap::with_capacity(command_ids.len());
                for chunk in command_ids.chunks(sql::IDS_PER_READ) {
                    let mut q = sqlx::QueryBuilder::<$db>::new(
                        "SELECT stream_id, first_seq, last_seq, fingerprint, command_id FROM commands WHERE command_id IN (",
                    );
                    let mut ids = q.separated(", ");
                    for id in chunk {
                        ids.push_bind(rows::bytes_of(id, ColumnType::Uuid).unwrap_or_default());
                    }
                    q.push(")");
                    for r in q.build().fetch_all(&mut **tx).await? {
                        if let Value::Text(id) = read_value(&r, 4, ColumnType::Uuid) {
                            found.insert(id, command_row(&r)?);
                        }
                    }
                }
                Ok(found)
            }

            /// Every event of a unit's streams, each stream's in order.
            async fn events_of_streams(
                conn: &mut <$db as sqlx::Database>::Connection,
                unit: &UnitCode,
                stream_ids: &[Uuid],
            ) -> Result<std::collections::HashMap<Uuid, Vec<StoredEvent>>, StoreError> {
                let mut out: std::collections::HashMap<Uuid, Vec<StoredEvent>> = Default::default();
                for chunk in stream_ids.chunks(sql::IDS_PER_READ) {
                    let text = format!(
                        "SELECT seq, event_id, occurred_at, hash, body, stream_id FROM events \
                         WHERE unit = $1 AND stream_id IN ({})",
                        <$store>::json_uuid_array(2)
                    );
                    let rows = sqlx::query(<$store>::stmt_owned(text))
                        .bind(unit.to_string())
                        .bind(sql::id_array(chunk)?)
                        .fetch_all(&mut *conn)
                        .await?;
                    for r in &rows {
                        let stream_id = sql::uuid_bytes(r.try_get(5)?)?;
                        out.entry(stream_id).or_default().push(event_row(stream_id, r)?);
                    }
                }
                for events in out.values_mut() {
                    events.sort_unstable_by_key(|e| e.seq);
                }
                Ok(out)
            }

            /// The streams, manifest counts, events, query rows and seals of
            /// new streams whose command ids are claimed. `false` when a row
            /// met a unique key a concurrent writer took after the checks (a
            /// case number on PostgreSQL): the caller writes the batches one by
            /// one instead, which names what was taken.
            async fn write_new_streams(
                tx: &mut Tx<'_>,
                batches: &[&Batch],
                signer: Option<&lk3_core::seal::SigningKey>,
            ) -> Result<bool, StoreError> {
                let heads: Vec<rows::Row> = batches
                    .iter()
                    .map(|b| {
                        vec![
                            Value::Text(b.unit.to_string()),
                            Value::Text(b.stream_id.to_string()),
                            Value::Text(b.kind.as_str().to_owned()),
                            Value::Int(sql::signed(b.new_version())),
                            Value::Text(b.head_hash().to_string()),
                        ]
                    })
                    .collect();
                let created = returned_ids(
                    insert_into(tx, &rows::STREAMS, &heads, " ON CONFLICT DO NOTHING RETURNING stream_id").await?,
                    ColumnType::Uuid,
                );
                // A stream already there (under other command ids): refused as
                // the one-by-one path refuses it.
                if let Some(batch) = batches.iter().find(|b| !created.contains(&b.stream_id.to_string())) {
                    let head = read_head(tx, batch.stream_id).await?;
                    decide_append(batch, head.as_ref(), &vec![None; batch.commands.len()])?;
                    return Err(StoreError::VersionConflict {
                        stream_id: batch.stream_id,
                        expected: batch.expected_version,
                        actual: head.map_or(0, |h| h.version),
                    });
                }
                // Counted per unit, so that a stream deleted outside lk3 shows in `verify`.
                let mut per_unit = std::collections::BTreeMap::<String, i64>::new();
                for b in batches {
                    *per_unit.entry(b.unit.to_string()).or_default() += 1;
                }
                for (unit, count) in per_unit {
                    $crate::statement::manifest_count(&unit, count).query().execute(&mut **tx).await?;
                }
                match insert_events(tx, batches).await {
                    Err(e) if is_unique(&e) => return Ok(false),
                    written => written?,
                }
                // The query rows, table by table; a case number a unit has
                // given already is found first, to name it.
                let mut tables: Vec<(&'static Table, Vec<rows::Row>)> = Vec::new();
                for b in batches {
                    for (table, table_rows) in rows::projection_rows(&b.projection)? {
                        match tables.iter_mut().find(|(t, _)| t.name == table.name) {
                            Some((_, all)) => all.extend(table_rows),
                            None => tables.push((table, table_rows)),
                        }
                    }
                }
                check_case_numbers(tx, batches).await?;
                for (table, table_rows) in &tables {
                    match insert_into(tx, table, table_rows, "").await {
                        Err(e) if is_unique(&e) => return Ok(false),
                        written => drop(written?),
                    }
                }
                for batch in batches {
                    if let Some(seal) = $crate::trust::seal_of_batch(batch, signer) {
                        upsert(tx, &rows::SEALS, &rows::seal_row(&batch.unit, batch.stream_id, &seal)).await?;
                    }
                }
                Ok(true)
            }

            /// Refuses new cases whose number their unit has given already, in
            /// the store or among themselves.
            async fn check_case_numbers(tx: &mut Tx<'_>, batches: &[&Batch]) -> Result<(), StoreError> {
                let mut numbers = std::collections::HashSet::new();
                let mut asked = Vec::new();
                for b in batches {
                    let Projection::Case(c) = &b.projection else { continue };
                    let Some(number) = &c.case_number else { continue };
                    let key = (c.unit.to_string(), number.to_string());
                    if !numbers.insert(key.clone()) {
                        return Err(StoreError::CaseNumberTaken { unit: key.0, case_number: key.1 });
                    }
                    asked.push(key);
                }
                asked.sort_unstable();
                for (unit, numbers) in asked.chunk_by(|a, b| a.0 == b.0).map(|g| (&g[0].0, g)) {
                    for chunk in numbers.chunks(sql::IDS_PER_READ) {
                        let mut q =
                            sqlx::QueryBuilder::<$db>::new("SELECT case_number FROM cases WHERE unit = ");
                        q.push_bind(unit.as_str()).push(" AND case_number IN (");
                        let mut listed = q.separated(", ");
                        for (_, number) in chunk {
                            listed.push_bind(number.as_str());
                        }
                        q.push(") LIMIT 1");
                        if let Some(r) = q.build().fetch_optional(&mut **tx).await? {
                            return Err(StoreError::CaseNumberTaken { unit: unit.clone(), case_number: r.try_get(0)? });
                        }
                    }
                }
                Ok(())
            }

            impl $store {
                /// Gives note rows written before schema 8 their sensitivity,
                /// `rahasia` (what was never classified is read as secret);
                /// run whenever the store is opened for writing (a run cut
                /// short by a crash is finished by the next). `legacy`: the
                /// store is older than schema 2, its rows not yet checked.
                pub(crate) async fn check_note_sensitivity(&self, legacy: bool) -> Result<(), StoreError> {
                    let pending = sqlx::query("SELECT 1 FROM notes WHERE sensitivity IS NULL LIMIT 1")
                        .fetch_optional(&self.pool)
                        .await?;
                    if pending.is_none() {
                        return Ok(());
                    }
                    let mut writer = self.writer().await?;
                    let mut tx = writer.begin().await?;
                    // Note rows from before schema 8 have no sensitivity: each is
                    // `rahasia`, checked again, but only where its old check holds
                    // (one changed outside lk3 stays without, unreadable, for
                    // verify to name). Rows of a store older than schema 2 have
                    // no check yet: they are given one by check_legacy_rows.
                    if legacy {
                        sqlx::query(
                            "UPDATE notes SET sensitivity = 'rahasia' WHERE sensitivity IS NULL AND row_check = ''",
                        )
                        .execute(&mut *tx)
                        .await?;
                    }
                    let old_columns = &rows::NOTES.columns[..rows::NOTES_BEFORE_SENSITIVITY];
                    let names: Vec<&str> = old_columns.iter().map(|c| c.name).collect();
                    let text = format!("SELECT {}, row_check FROM notes WHERE sensitivity IS NULL", names.join(", "));
                    let old = sqlx::query(<$store>::stmt_owned(text)).fetch_all(&mut *tx).await?;
                    for r in &old {
                        let mut values: rows::Row =
                            old_columns.iter().enumerate().map(|(i, c)| read_value(r, i, c.ty)).collect();
                        let stored = read_value(r, old_columns.len(), ColumnType::Text);
                        if stored.as_text() != Some(rows::row_check(&values).as_str()) {
                            continue;
                        }
                        let (unit, digest) = (values[0].clone(), values[1].clone());
                        values.push(Value::Text(lk3_core::vocab::Sensitivity::Rahasia.to_string()));
                        let mut query = sqlx::query(<$store>::stmt(
                            "UPDATE notes SET sensitivity = 'rahasia', row_check = $1 WHERE unit = $2 AND digest = $3",
                        ))
                        .bind(rows::row_check(&values));
                        query = bind_value(query, unit.clone(), ColumnType::Text);
                        query = bind_value(query, digest.clone(), ColumnType::Text);
                        query.execute(&mut *tx).await?;
                    }
                    tx.commit().await?;
                    writer.settled();
                    Ok(())
                }

                /// Gives rows written before schema 2 their check (see
                /// [`rows::CheckedTable`]); run when the store is opened for writing.
                pub(crate) async fn check_legacy_rows(&self) -> Result<(), StoreError> {
                    let mut writer = self.writer().await?;
                    let mut tx = writer.begin().await?;
                    for table in rows::LEGACY_CHECKED {
                        let columns: Vec<&str> = table.columns.iter().map(|c| c.name).collect();
                        // A page at a time: each row checked leaves the selection.
                        let text =
                            format!("SELECT {} FROM {} WHERE row_check = '' LIMIT 10000", columns.join(", "), table.name);
                        let filter: Vec<String> =
                            table.key.iter().enumerate().map(|(i, k)| format!("{k} = ${}", i + 2)).collect();
                        let update = format!("UPDATE {} SET row_check = $1 WHERE {}", table.name, filter.join(" AND "));
                        loop {
                            let legacy = sqlx::query(<$store>::stmt_owned(text.clone())).fetch_all(&mut *tx).await?;
                            let mut checked = 0;
                            for r in &legacy {
                                let values: rows::Row =
                                    table.columns.iter().enumerate().map(|(i, c)| read_value(r, i, c.ty)).collect();
                                let check = Value::Text(rows::row_check(&values));
                                let mut query = bind_value(sqlx::query(<$store>::stmt_owned(update.clone())), check, table.check);
                                for (value, column) in values.iter().zip(table.columns).take(table.key.len()) {
                                    query = bind_value(query, value.clone(), column.ty);
                                }
                                checked += query.execute(&mut *tx).await?.rows_affected();
                            }
                            // Done, or rows whose key cannot be read back: leave those to verify.
                            if checked == 0 {
                                break;
                            }
                        }
                    }
                    tx.commit().await?;
                    writer.settled();
                    Ok(())
                }

                /// Finishes the upgrade to schema 11 (see its migration):
                /// every case summary written before it is folded again and
                /// written whole, in one transaction that also removes the
                /// mark, so that a crash leaves it for the next open.
                pub(crate) async fn refresh_summaries(&self) -> Result<(), StoreError> {
                    const CASES_PER_READ: i64 = 500;
                    if !summaries_pending(&self.pool).await? {
                        return Ok(());
                    }
                    let mut writer = self.writer().await?;
                    let mut tx = writer.begin().await?;
                    // Another writer opening the store at the same time did it first.
                    if sqlx::query("DELETE FROM summary_refresh").execute(&mut *tx).await?.rows_affected() == 0 {
                        return Ok(());
                    }
                    // A row, an event or a page that does not read is skipped, never
                    // an error: the open must succeed, so that verify can name it.
                    let mut after = String::new();
                    loop {
                        let page = sqlx::query(<$store>::stmt(
                            "SELECT unit, case_id, summary FROM cases WHERE case_id > $1 ORDER BY case_id LIMIT $2",
                        ))
                        .bind(&after)
                        .bind(CASES_PER_READ)
                        .fetch_all(&mut *tx)
                        .await?;
                        let keys: Vec<Option<String>> = page.iter().map(|r| r.try_get::<String, _>(1).ok()).collect();
                        // The end, a key that does not read, or a damaged index going round.
                        let Some(Some(last)) = keys.last().cloned() else { break };
                        if keys.iter().any(Option::is_none) || sql::in_order("cases", Some(&after.as_str()), keys.iter().flatten().map(String::as_str)).is_err() {
                            break;
                        }
                        after = last;
                        let mut by_unit: std::collections::BTreeMap<String, Vec<(Uuid, String)>> = Default::default();
                        for r in &page {
                            let cells = (r.try_get::<String, _>(0), r.try_get::<&str, _>(1), r.try_get::<String, _>(2));
                            if let (Ok(unit), Ok(case_id), Ok(summary)) = cells
                                && let Ok(case_id) = sql::uuid(case_id)
                            {
                                by_unit.entry(unit).or_default().push((case_id, summary));
                            }
                        }
                        for (unit, cases) in by_unit {
                            let Ok(unit_code) = unit.parse::<UnitCode>() else { continue };
                            let ids: Vec<Uuid> = cases.iter().map(|(id, _)| *id).collect();
                            // The page's events at once; if one of them does not read, case by case.
                            let events = match events_of_streams(&mut *tx, &unit_code, &ids).await {
                                Ok(events) => events,
                                Err(_) => {
                                    let mut one_by_one = std::collections::HashMap::new();
                                    for id in &ids {
                                        if let Ok(found) = events_of_streams(&mut *tx, &unit_code, &[*id]).await {
                                            one_by_one.extend(found);
                                        }
                                    }
                                    one_by_one
                                }
                            };
                            for (case_id, stored) in &cases {
                                let Some(events) = events.get(case_id) else { continue };
                                let Some(summary) = crate::projection::refreshed_summary(*case_id, stored, events)
                                else {
                                    continue;
                                };
                                // Only over the summary read: a writer of an older build
                                // still running may have moved the case on since.
                                sqlx::query(<$store>::stmt(
                                    "UPDATE cases SET summary = $1 WHERE unit = $2 AND case_id = $3 AND summary = $4",
                                ))
                                .bind(summary)
                                .bind(&unit)
                                .bind(case_id.to_string())
                                .bind(stored)
                                .execute(&mut *tx)
                                .await?;
                            }
                        }
                    }
                    tx.commit().await?;
                    writer.settled();
                    Ok(())
                }

                /// Finishes the upgrade to schema 12 (see its migration and
                /// [`crate::body`]): every body in the form stores kept before
                /// it, whose canonical JSON has the hash its row records, is
                /// rewritten as that canonical JSON, in one transaction that
                /// also removes the mark. A body that does not decode or whose
                /// hash does not hold is left as it is, for verify to name.
                pub(crate) async fn rewrite_bodies(&self) -> Result<(), StoreError> {
                    const EVENTS_PER_READ: i64 = 5_000;
                    if !bodies_pending(&self.pool).await? {
                        return Ok(());
                    }
                    let mut writer = self.writer().await?;
                    let mut tx = writer.begin().await?;
                    if sqlx::query("DELETE FROM body_rewrite").execute(&mut *tx).await?.rows_affected() == 0 {
                        return Ok(());
                    }
                    let (mut unit, mut stream, mut seq) = (String::new(), Vec::<u8>::new(), 0_i64);
                    loop {
                        let page = sqlx::query(<$store>::stmt(
                            "SELECT unit, stream_id, seq, hash, body FROM events \
                             WHERE (unit, stream_id, seq) > ($1, $2, $3) ORDER BY unit, stream_id, seq LIMIT $4",
                        ))
                        .bind(&unit)
                        .bind(&stream)
                        .bind(seq)
                        .bind(EVENTS_PER_READ)
                        .fetch_all(&mut *tx)
                        .await?;
                        let Some(last) = page.last() else { break };
                        let key = (last.try_get::<String, _>(0), last.try_get::<Vec<u8>, _>(1), last.try_get::<i64, _>(2));
                        let (Ok(next_unit), Ok(next_stream), Ok(next_seq)) = key else { break };
                        // A damaged index going round ends the walk.
                        if (next_unit.as_str(), next_stream.as_slice(), next_seq) <= (unit.as_str(), stream.as_slice(), seq) {
                            break;
                        }
                        (unit, stream, seq) = (next_unit, next_stream, next_seq);
                        for r in &page {
                            let (Ok(row_unit), Ok(row_stream), Ok(row_seq), Ok(hash), Ok(body)) = (
                                r.try_get::<&str, _>(0),
                                r.try_get::<&[u8], _>(1),
                                r.try_get::<i64, _>(2),
                                r.try_get::<&[u8], _>(3),
                                r.try_get::<&str, _>(4),
                            ) else {
                                continue;
                            };
                            let Value::Text(hash) = rows::from_bytes(hash, ColumnType::Hash) else { continue };
                            let Some(canonical) = crate::body::rewritten(body, &hash) else { continue };
                            sqlx::query(<$store>::stmt(
                                "UPDATE events SET body = $1 WHERE unit = $2 AND stream_id = $3 AND seq = $4 AND body = $5",
                            ))
                            .bind(canonical)
                            .bind(row_unit)
                            .bind(row_stream)
                            .bind(row_seq)
                            .bind(body)
                            .execute(&mut *tx)
                            .await?;
                        }
                    }
                    tx.commit().await?;
                    writer.settled();
                    Ok(())
                }
            }

            /// Whether the summaries still wait for the refresh of schema 11.
            pub(crate) async fn summaries_pending(pool: &sqlx::Pool<$db>) -> Result<bool, StoreError> {
                Ok(sqlx::query("SELECT 1 FROM summary_refresh LIMIT 1").fetch_optional(pool).await?.is_some())
            }

            /// Whether the bodies still wait for their rewrite of schema 12.
            pub(crate) async fn bodies_pending(pool: &sqlx::Pool<$db>) -> Result<bool, StoreError> {
                Ok(sqlx::query("SELECT 1 FROM body_rewrite LIMIT 1").fetch_optional(pool).await?.is_some())
            }

            /// The schema a store's data is still at while an upgrade's own
            /// work waits (a crash between the migration and it), if any.
            pub(crate) async fn unfinished_upgrade(pool: &sqlx::Pool<$db>) -> Result<Option<i64>, StoreError> {
                Ok(if summaries_pending(pool).await? {
                    Some(10)
                } else if bodies_pending(pool).await? {
                    Some(11)
                } else {
                    None
                })
            }

            #[async_trait]
            impl CaseStore for $store {
                fn backend(&self) -> &'static str {
                    <$store>::BACKEND
                }

                async fn close(&self) {
                    if let Some(held) = self.writer_slot() {
                        // Marked first: a write waiting for the slot finds the store closed.
                        let mut slot = held.lock().await;
                        slot.closed = true;
                        if let Some(conn) = slot.conn.take() {
                            // It fails only on a connection already gone.
                            let _ = sqlx::Connection::close(conn).await;
                        }
                    }
                    // After the slot is marked: no append begins in the caller's thread either.
                    self.close_in_thread();
                    self.pool.close().await
                }

                fn set_signer(&self, key: Option<lk3_core::seal::SigningKey>) {
                    self.signer.set(key)
                }

                fn signer(&self) -> Option<std::sync::Arc<lk3_core::seal::SigningKey>> {
                    self.signer.get()
                }

                async fn seals(&self, stream_id: Uuid) -> Result<Vec<lk3_core::seal::Seal>, StoreError> {
                    let text = format!(
                        "SELECT {} FROM seals WHERE stream_id = $1 ORDER BY seq",
                        rows::SEALS.column_list()
                    );
                    let found = sqlx::query(<$store>::stmt_owned(text))
                        .bind(stream_id.as_bytes().as_slice())
                        .fetch_all(&self.pool)
                        .await?;
                    found
                        .iter()
                        .map(|r| {
                            rows::seal_of_row(&read_row(r, &rows::SEALS, 0))
                                .ok_or_else(|| sql::corrupt(stream_id, 0, "a seal row does not read as a seal"))
                        })
                        .collect()
                }

                async fn put_seal(
                    &self,
                    unit: &UnitCode,
                    stream_id: Uuid,
                    seal: &lk3_core::seal::Seal,
                ) -> Result<(), StoreError> {
                    let mut writer = self.writer().await?;
                    let mut tx = writer.begin().await?;
                    upsert(&mut tx, &rows::SEALS, &rows::seal_row(unit, stream_id, seal)).await?;
                    tx.commit().await?;
                    writer.settled();
                    Ok(())
                }

                async fn trust_records(&self) -> Result<Vec<$crate::trust::TrustRecord>, StoreError> {
                    let table = &rows::TRUSTED_KEYS;
                    let names: Vec<&str> = table.columns.iter().map(|c| c.name).collect();
                    let text = format!("SELECT {} FROM {} ORDER BY key_id", names.join(", "), table.name);
                    let found = sqlx::query(<$store>::stmt_owned(text)).fetch_all(&self.pool).await?;
                    records_of(&found, table, rows::trust_of_row, "a trusted key")
                }

                async fn put_trust_record(&self, record: &$crate::trust::TrustRecord) -> Result<(), StoreError> {
                    let table = &rows::TRUSTED_KEYS;
                    let updates: Vec<String> = table
                        .columns
                        .iter()
                        .map(|c| c.name)
                        .chain(std::iter::once(rows::ROW_CHECK))
                        .filter(|name| !table.key.contains(name))
                        .map(|name| format!("{name} = excluded.{name}"))
                        .collect();
                    let on_conflict = format!("ON CONFLICT ({}) DO UPDATE SET {}", table.key.join(", "), updates.join(", "));
                    let mut writer = self.writer().await?;
                    let mut tx = writer.begin().await?;
                    insert_checked(&mut tx, table, rows::trust_row(record), &on_conflict).await?;
                    tx.commit().await?;
                    writer.settled();
                    Ok(())
                }

                async fn append_batches(&self, batches: &[Batch]) -> Result<Vec<AppendOutcome>, StoreError> {
                    let signer = self.signer.get();
                    let mut writer = self.writer().await?;
                    if let [batch] = batches
                        && let Some(outcome) = self.append_in_thread(batch, signer.as_deref())
                    {
                        writer.settled();
                        return Ok(vec![outcome]);
                    }
                    let mut tx = writer.begin().await?;
                    let mut together = None;
                    if writable_together(batches) {
                        together = append_new_streams(&mut tx, batches, signer.as_deref()).await?;
                        if together.is_none() {
                            // They met another writer: one by one, from the start.
                            tx.rollback().await?;
                            tx = writer.begin().await?;
                        }
                    }
                    if let ([batch], true, None) = (batches, <$store>::MANY_STATEMENTS_A_QUERY, &together) {
                        match append_at_once(&mut tx, batch, signer.as_deref()).await? {
                            Some(outcome) => together = Some(vec![outcome]),
                            None => {
                                // A claim or the head did not take, or a statement failed:
                                // one at a time, from the start, to say why.
                                tx.rollback().await?;
                                tx = writer.begin().await?;
                            }
                        }
                    }
                    let outcomes = match together {
                        Some(outcomes) => outcomes,
                        None => {
                            let mut outcomes = Vec::with_capacity(batches.len());
                            for batch in batches {
                                match append_one(&mut tx, batch, signer.as_deref()).await {
                                    Ok(outcome) => outcomes.push(outcome),
                                    Err(refused) => {
                                        // A refusal (a conflict, a reused command id) leaves
                                        // the connection as good as new once rolled back.
                                        if tx.rollback().await.is_ok() {
                                            writer.settled();
                                        }
                                        return Err(refused);
                                    }
                                }
                            }
                            outcomes
                        }
                    };
                    tx.commit().await?;
                    writer.settled();
                    Ok(outcomes)
                }

                async fn read_stream(
                    &self,
                    stream_id: Uuid,
                ) -> Result<Option<(StreamInfo, Vec<StoredEvent>)>, StoreError> {
                    let mut conn = self.pool.acquire().await?;
                    let Some(row) = sqlx::query(<$store>::stmt(
                        "SELECT unit, stream_id, kind, version, head_hash FROM streams WHERE stream_id = $1",
                    ))
                    .bind(stream_id.as_bytes().as_slice())
                    .fetch_optional(&mut *conn)
                    .await?
                    else {
                        return Ok(None);
                    };
                    let info = stream_row(&row)?;
                    // Events are append-only: reading up to the head's version is a consistent snapshot.
                    let events = read_events_in(&mut *conn, stream_id, 1, info.version).await?;
                    Ok(Some((info, events)))
                }

                async fn streams(&self, after: Option<Uuid>, limit: u32) -> Result<Vec<StreamInfo>, StoreError> {
                    let rows = sqlx::query(<$store>::stmt(
                        "SELECT unit, stream_id, kind, version, head_hash FROM streams \
                         WHERE stream_id > $1 ORDER BY stream_id LIMIT $2",
                    ))
                    // A UUID's bytes sort as its text: the order is the ids'.
                    .bind(after.map_or_else(Vec::new, |a| a.as_bytes().to_vec()))
                    .bind(i64::from(limit))
                    .fetch_all(&self.pool)
                    .await?;
                    let streams: Vec<StreamInfo> = rows.iter().map(stream_row).collect::<Result<_, _>>()?;
                    sql::in_order("streams", after.as_ref(), streams.iter().map(|s| s.stream_id))?;
                    Ok(streams)
                }

                async fn command(&self, command_id: CommandId) -> Result<Option<CommandRecord>, StoreError> {
                    stored_command(&mut *self.pool.acquire().await?, command_id).await
                }

                async fn read_events(&self, stream_id: Uuid, first: u64, last: u64) -> Result<Vec<StoredEvent>, StoreError> {
                    let mut conn = self.pool.acquire().await?;
                    read_events_in(&mut *conn, stream_id, first, last).await
                }

                async fn scan_events(
                    &self,
                    unit: Option<&UnitCode>,
                    after: Option<&EventCursor>,
                    limit: u32,
                ) -> Result<Vec<ScannedEvent>, StoreError> {
                    if let Some(page) = self.scan_events_in_thread(unit, after, limit) {
                        return page;
                    }
                    let unit = unit.map_or_else(String::new, |u| u.to_string());
                    let by_row = <$store>::SCAN_BY_ROW;
                    let rows = if by_row {
                        let row = match after.map(|a| &a.0) {
                            Some(CursorPosition::Row(r)) => *r,
                            _ => 0,
                        };
                        sqlx::query(<$store>::stmt($crate::scan_page::BY_ROW))
                            .bind(row)
                            .bind(i64::from(limit))
                            .bind(unit)
                            .fetch_all(&self.pool)
                            .await?
                    } else {
                        let (u, s, q) = match after.map(|a| &a.0) {
                            Some(CursorPosition::Key(u, s, q)) => (u.to_string(), s.as_bytes().to_vec(), sql::signed(*q)),
                            _ => (String::new(), Vec::new(), 0),
                        };
                        sqlx::query(<$store>::stmt($crate::scan_page::BY_KEY))
                            .bind(u)
                            .bind(s)
                            .bind(q)
                            .bind(i64::from(limit))
                            .bind(unit)
                            .fetch_all(&self.pool)
                            .await?
                    };
                    let rows = rows
                        .into_iter()
                        .map(|r| {
                            Ok($crate::scan_page::ScanRow {
                                row: r.try_get(0)?,
                                unit: r.try_get(1)?,
                                stream: r.try_get::<Vec<u8>, _>(2)?,
                                seq: r.try_get(3)?,
                                body: r.try_get(4)?,
                            })
                        })
                        .collect::<Result<Vec<_>, sqlx::Error>>()?;
                    // The kinds of the page's streams, in one query per 10,000 streams
                    // (a join would cost a lookup per event).
                    let mut kinds = std::collections::HashMap::new();
                    for chunk in $crate::scan_page::streams_of(&rows).chunks(10_000) {
                        let mut q = sqlx::QueryBuilder::<$db>::new("SELECT stream_id, kind FROM streams WHERE stream_id IN (");
                        let mut list = q.separated(", ");
                        for id in chunk {
                            list.push_bind(id.to_vec());
                        }
                        q.push(")");
                        for row in q.build().fetch_all(&self.pool).await? {
                            let (id, kind): (Vec<u8>, String) = (row.try_get(0)?, row.try_get(1)?);
                            kinds.insert(id, kind);
                        }
                    }
                    $crate::scan_page::page(rows, &kinds, by_row, after)
                }

                async fn audit_streams(&self, after: Option<&StreamCursor>, limit: u32) -> Result<AuditPage, StoreError> {
                    if let Some(page) = self.audit_streams_in_thread(after, limit) {
                        return page;
                    }
                    let by_row = <$store>::SCAN_BY_ROW;
                    let binds = vec![$crate::audit_page::first_key(after, by_row), Bind::Int(i64::from(limit))];
                    let (listed, reads) = $crate::audit_page::queries(by_row, &<$store>::STREAM_IDS);
                    // One snapshot for the whole page: a writer at work cannot make the
                    // rows of one moment disagree with those of another.
                    let mut reader = Pooled::acquire(&self.pool).await?;
                    let mut tx = reader.begin(Some(<$store>::READ_SNAPSHOT)).await?;
                    let listed = bind_all(sqlx::query(<$store>::stmt_owned(listed)), binds.clone()).fetch_all(&mut *tx).await?;
                    let key_type = if by_row { ColumnType::Int } else { ColumnType::Text };
                    let listed = listed
                        .iter()
                        .map(|r| std::iter::once(read_value(r, 0, key_type)).chain(read_row(r, &rows::STREAMS, 1)).collect())
                        .collect();
                    let mut page = $crate::audit_page::Page::listed(after, by_row, listed)?;
                    if page.is_empty() {
                        return Ok(page.finish());
                    }
                    for read in &reads {
                        let found = bind_all(sqlx::query(<$store>::stmt_owned(read.text.clone())), binds.clone())
                            .fetch_all(&mut *tx)
                            .await?;
                        for r in &found {
                            let owner = (read_value(r, 0, ColumnType::Text), read_value(r, 1, ColumnType::Text));
                            page.add(read, owner, read_row(r, read.table, 2));
                        }
                    }
                    if let Some(ids) = page.command_ids() {
                        let text = $crate::audit_page::commands_query(&<$store>::json_uuid_array(1));
                        let found = sqlx::query(<$store>::stmt_owned(text)).bind(ids).fetch_all(&mut *tx).await?;
                        for r in &found {
                            page.add_command(read_row(r, &rows::COMMANDS, 0));
                        }
                    }
                    tx.rollback().await?;
                    Ok(page.finish())
                }

                async fn audit_store(&self) -> Result<StoreAudit, StoreError> {
                    use futures_util::TryStreamExt;
                    let parts = $crate::audit_store::parts(<$store>::INTEGRITY_CHECK, &<$store>::STREAM_IDS);
                    let mut reader = Pooled::acquire(&self.pool).await?;
                    let mut tx = reader.begin(Some(<$store>::READ_SNAPSHOT)).await?;
                    let audit = match self.audit_store_in_thread(&parts) {
                        Some(audit) => audit,
                        None => {
                            let mut audit = $crate::audit_store::Audit::default();
                            // Each part is read on its own: one that fails is a finding, not the end.
                            for part in &parts {
                                audit.begin(part);
                                let mut found = sqlx::query(<$store>::stmt_owned(part.text.clone())).fetch(&mut *tx);
                                loop {
                                    match found.try_next().await {
                                        Ok(Some(r)) => audit.add(
                                            part,
                                            part.columns.iter().enumerate().map(|(i, ty)| read_value(&r, i, *ty)).collect(),
                                        ),
                                        Ok(None) => break,
                                        Err(e) => {
                                            audit.failed(part, e);
                                            break;
                                        }
                                    }
                                }
                            }
                            audit
                        }
                    };
                    // The record of migrations is sqlx's own table: read through sqlx either way.
                    let migrations = migration_record(&mut tx).await;
                    tx.rollback().await?;
                    Ok(audit.finish(migrations))
                }

                async fn projection(&self, stream_id: Uuid) -> Result<Option<Projection>, StoreError> {
                    let id = stream_id.to_string();
                    let case = sqlx::query(<$store>::stmt("SELECT summary FROM cases WHERE case_id = $1"))
                        .bind(&id)
                        .fetch_optional(&self.pool)
                        .await?;
                    if let Some(row) = case {
                        let s: &str = row.try_get(0)?;
                        return serde_json::from_str(s)
                            .map(|c| Some(Projection::Case(c)))
                            .map_err(|e| sql::corrupt(stream_id, 0, e.to_string()));
                    }
                    let outreach = sqlx::query(<$store>::stmt(
                        "SELECT summary FROM outreaches WHERE unit = (SELECT unit FROM streams WHERE stream_id = $1) \
                         AND outreach_id = $2",
                    ))
                    .bind(stream_id.as_bytes().as_slice())
                    .bind(&id)
                    .fetch_optional(&self.pool)
                    .await?;
                    match outreach {
                        Some(row) => serde_json::from_str(row.try_get::<&str, _>(0)?)
                            .map(|o| Some(Projection::Outreach(o)))
                            .map_err(|e| sql::corrupt(stream_id, 0, e.to_string())),
                        None => Ok(None),
                    }
                }

                async fn query_cases(&self, query: &CaseQuery) -> Result<Vec<CaseSummary>, StoreError> {
                    let rows = case_page(&self.pool, query, "c.summary").await?;
                    let cases: Vec<CaseSummary> = rows
                        .iter()
                        .map(|r| {
                            let s: &str = r.try_get(0)?;
                            serde_json::from_str(s).map_err(|e| sql::corrupt(Uuid::nil(), 0, e.to_string()))
                        })
                        .collect::<Result<_, StoreError>>()?;
                    sql::in_order("cases", query.after.as_ref(), cases.iter().map(|c| c.case_id))?;
                    Ok(cases)
                }

                async fn query_case_ids(&self, query: &CaseQuery) -> Result<Vec<lk3_core::ids::CaseId>, StoreError> {
                    let rows = case_page(&self.pool, query, "c.case_id").await?;
                    let ids: Vec<lk3_core::ids::CaseId> = rows
                        .iter()
                        .map(|r| Ok(lk3_core::ids::CaseId::from_uuid(sql::uuid(r.try_get(0)?)?)))
                        .collect::<Result<_, StoreError>>()?;
                    sql::in_order("cases", query.after.as_ref(), ids.iter().copied())?;
                    Ok(ids)
                }

                async fn count_cases(&self, query: &CaseQuery) -> Result<u64, StoreError> {
                    let (filter, binds) = sql::case_filter(query, false);
                    let text = format!("SELECT COUNT(*) FROM cases c WHERE {filter}");
                    let row = bind_all(sqlx::query(<$store>::stmt_owned(text)), binds).fetch_one(&self.pool).await?;
                    sql::unsigned(Uuid::nil(), row.try_get(0)?)
                }

                async fn query_outreaches(
                    &self,
                    unit: &UnitCode,
                    period: std::ops::Range<DateTime<Utc>>,
                    after: Option<OutreachId>,
                    limit: u32,
                ) -> Result<Vec<OutreachSummary>, StoreError> {
                    let (finished, states) = sql::in_list("state", &sql::finished_outreach_states(), |k| format!("${}", k + 6));
                    let text = format!(
                        "SELECT summary FROM outreaches WHERE unit = $1 AND reported_at < $2 \
                         AND (last_at >= $3 OR NOT ({finished})) AND outreach_id > $4 ORDER BY outreach_id LIMIT $5"
                    );
                    let query = sqlx::query(<$store>::stmt_owned(text))
                        .bind(unit.to_string())
                        .bind(sql::micros(period.end))
                        .bind(sql::micros(period.start))
                        .bind(after.map_or_else(String::new, |a| a.to_string()))
                        .bind(i64::from(limit));
                    let rows = bind_all(query, states).fetch_all(&self.pool).await?;
                    let found: Vec<OutreachSummary> = rows
                        .iter()
                        .map(|r| {
                            let s: &str = r.try_get(0)?;
                            serde_json::from_str(s).map_err(|e| sql::corrupt(Uuid::nil(), 0, e.to_string()))
                        })
                        .collect::<Result<_, StoreError>>()?;
                    sql::in_order("outreaches", after.as_ref(), found.iter().map(|o| o.outreach_id))?;
                    Ok(found)
                }

                async fn earlier_clients(
                    &self,
                    unit: &UnitCode,
                    before: DateTime<Utc>,
                    among: &[ClientId],
                ) -> Result<Vec<ClientId>, StoreError> {
                    let (finished, stages) = sql::in_list("c.stage", &sql::finished_stages(), |k| format!("${}", k + 4));
                    let mut out = Vec::new();
                    for chunk in among.chunks(sql::IDS_PER_READ) {
                        let text = format!(
                            "SELECT DISTINCT k.client_id FROM case_clients k \
                             JOIN cases c ON c.unit = k.unit AND c.case_id = k.case_id \
                             WHERE k.unit = $1 AND k.client_id IN ({}) AND c.last_at < $3 AND {finished} \
                             ORDER BY k.client_id",
                            <$store>::json_text_array(2)
                        );
                        let query = sqlx::query(<$store>::stmt_owned(text))
                            .bind(unit.to_string())
                            .bind(sql::id_array(chunk)?)
                            .bind(sql::micros(before));
                        for r in bind_all(query, stages.clone()).fetch_all(&self.pool).await? {
                            let id = sql::uuid(r.try_get(0)?)?;
                            out.push(ClientId::from_uuid(id));
                        }
                    }
                    // In client id order whatever order `among` came in (each chunk is sorted alone).
                    out.sort_unstable();
                    Ok(out)
                }

                async fn read_streams(
                    &self,
                    unit: &UnitCode,
                    stream_ids: &[Uuid],
                ) -> Result<Vec<(Uuid, Vec<StoredEvent>)>, StoreError> {
                    let mut conn = self.pool.acquire().await?;
                    let out = events_of_streams(&mut conn, unit, stream_ids).await?;
                    Ok(out.into_iter().collect::<std::collections::BTreeMap<_, _>>().into_iter().collect())
                }

                async fn clients(&self, unit: &UnitCode, clients: &[ClientId]) -> Result<Vec<ClientRecord>, StoreError> {
                    let mut out = Vec::with_capacity(clients.len());
                    for chunk in clients.chunks(sql::IDS_PER_READ) {
                        let text = format!(
                            "SELECT client_id, record FROM clients WHERE unit = $1 AND client_id IN ({}) ORDER BY client_id",
                            <$store>::json_text_array(2)
                        );
                        let rows = sqlx::query(<$store>::stmt_owned(text))
                            .bind(unit.to_string())
                            .bind(sql::id_array(chunk)?)
                            .fetch_all(&self.pool)
                            .await?;
                        for r in &rows {
                            let id = sql::uuid(r.try_get(0)?)?;
                            let record = serde_json::from_str(r.try_get::<&str, _>(1)?)
                                .map_err(|e| sql::corrupt(id, 0, e.to_string()))?;
                            out.push(record);
                        }
                    }
                    Ok(out)
                }

                async fn merge_clients(&self, merge: &lk3_core::schema::ClientMerge) -> Result<(), StoreError> {
                    let unit = merge.unit.to_string();
                    let (merged, into) = (merge.merged.to_string(), merge.into.to_string());
                    let mut writer = self.writer().await?;
                    let mut tx = writer.begin().await?;
                    let present = sqlx::query(<$store>::stmt("SELECT client_id FROM clients WHERE unit = $1 AND client_id IN ($2, $3)"))
                        .bind(&unit)
                        .bind(&merged)
                        .bind(&into)
                        .fetch_all(&mut *tx)
                        .await?;
                    let present: Vec<String> = present.iter().map(|r| r.try_get::<String, _>(0)).collect::<Result<_, _>>()?;
                    let into_merged_away = sqlx::query(<$store>::stmt("SELECT 1 FROM client_merges WHERE unit = $1 AND client_id = $2"))
                        .bind(&unit)
                        .bind(&into)
                        .fetch_optional(&mut *tx)
                        .await?
                        .is_some();
                    crate::registry::merge_check(merge, present.contains(&merged), present.contains(&into), into_merged_away)?;
                    let values = vec![
                        Value::Text(unit.clone()),
                        Value::Text(merged.clone()),
                        Value::Text(into),
                        Value::Int(sql::micros(merge.at)),
                        Value::Text(merge.by.to_string()),
                        Value::Text(lk3_core::Labelled::id(merge.reason).to_owned()),
                    ];
                    insert_checked(&mut tx, &rows::CLIENT_MERGES, values, "").await?;
                    sqlx::query(<$store>::stmt("DELETE FROM clients WHERE unit = $1 AND client_id = $2"))
                        .bind(&unit)
                        .bind(&merged)
                        .execute(&mut *tx)
                        .await?;
                    tx.commit().await?;
                    writer.settled();
                    Ok(())
                }

                async fn client_merges(&self, unit: &UnitCode) -> Result<Vec<lk3_core::schema::ClientMerge>, StoreError> {
                    let rows = sqlx::query(<$store>::stmt(
                        "SELECT client_id, into_id, merged_at, merged_by, reason FROM client_merges WHERE unit = $1 ORDER BY client_id",
                    ))
                    .bind(unit.to_string())
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter()
                        .map(|r| {
                            let merged = sql::uuid(r.try_get(0)?)?;
                            let bad = |e: String| sql::corrupt(merged, 0, e);
                            Ok(lk3_core::schema::ClientMerge {
                                unit: *unit,
                                merged: ClientId::from_uuid(merged),
                                into: ClientId::from_uuid(sql::uuid(r.try_get(1)?)?),
                                at: chrono::DateTime::from_timestamp_micros(r.try_get(2)?).ok_or_else(|| bad("merged_at".to_owned()))?,
                                by: lk3_core::ids::StaffId::from_uuid(sql::uuid(r.try_get(3)?)?),
                                reason: r.try_get::<&str, _>(4)?.parse().map_err(|e: lk3_core::label::UnknownValue| bad(e.to_string()))?,
                            })
                        })
                        .collect()
                }

                async fn registry(&self, unit: &UnitCode) -> Result<Vec<ClientRecord>, StoreError> {
                    let rows = sqlx::query(<$store>::stmt("SELECT client_id, record FROM clients WHERE unit = $1 ORDER BY client_id"))
                        .bind(unit.to_string())
                        .fetch_all(&self.pool)
                        .await?;
                    rows.iter()
                        .map(|r| {
                            let id = sql::uuid(r.try_get(0)?)?;
                            serde_json::from_str(r.try_get::<&str, _>(1)?).map_err(|e| sql::corrupt(id, 0, e.to_string()))
                        })
                        .collect()
                }

                async fn units(&self) -> Result<Vec<UnitCode>, StoreError> {
                    let rows = sqlx::query("SELECT unit FROM manifest ORDER BY unit").fetch_all(&self.pool).await?;
                    rows.iter()
                        .map(|r| {
                            let u: &str = r.try_get(0)?;
                            UnitCode::parse(u).map_err(|e| sql::corrupt(Uuid::nil(), 0, e.to_string()))
                        })
                        .collect()
                }

                async fn client_consents(
                    &self,
                    unit: &UnitCode,
                    client: ClientId,
                ) -> Result<Vec<ClientConsent>, StoreError> {
                    let rows = sqlx::query(<$store>::stmt(
                        "SELECT case_id, consent FROM case_consents WHERE unit = $1 AND client_id = $2 \
                         ORDER BY case_id, consent_id",
                    ))
                    .bind(unit.to_string())
                    .bind(client.to_string())
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter()
                        .map(|r| {
                            let case_id = sql::uuid(r.try_get(0)?)?;
                            let consent = serde_json::from_str(r.try_get::<&str, _>(1)?)
                                .map_err(|e| sql::corrupt(case_id, 0, e.to_string()))?;
                            Ok(ClientConsent { case_id: lk3_core::ids::CaseId::from_uuid(case_id), consent })
                        })
                        .collect()
                }

                async fn partners(
                    &self,
                    unit: Option<&UnitCode>,
                ) -> Result<Vec<lk3_core::partner::Partner>, StoreError> {
                    let table = &rows::PARTNERS;
                    let columns = table.columns.iter().map(|c| c.name).collect::<Vec<_>>().join(", ");
                    let found = match unit {
                        Some(unit) => {
                            let text = format!("SELECT {columns} FROM partners WHERE unit = $1 ORDER BY partner_id");
                            sqlx::query(<$store>::stmt_owned(text)).bind(unit.to_string()).fetch_all(&self.pool).await?
                        }
                        None => {
                            let text = format!("SELECT {columns} FROM partners ORDER BY partner_id");
                            sqlx::query(<$store>::stmt_owned(text)).fetch_all(&self.pool).await?
                        }
                    };
                    records_of(&found, table, rows::partner_of_row, "a partner")
                }

                async fn put_partners(&self, partners: &[lk3_core::partner::Partner]) -> Result<(), StoreError> {
                    let mut writer = self.writer().await?;
                    let mut tx = writer.begin().await?;
                    for partner in partners {
                        insert_checked(
                            &mut tx,
                            &rows::PARTNERS,
                            rows::partner_row(partner),
                            "ON CONFLICT (unit, partner_id) DO UPDATE SET record = excluded.record, row_check = excluded.row_check",
                        )
                        .await?;
                    }
                    tx.commit().await?;
                    writer.settled();
                    Ok(())
                }

                async fn put_client(&self, record: &ClientRecord) -> Result<(), StoreError> {
                    let json = serde_json::to_string(record).map_err(|e| StoreError::Unavailable { message: e.to_string() })?;
                    let values = vec![Value::Text(record.unit.to_string()), Value::Text(record.client_id.to_string()), Value::Text(json)];
                    let mut writer = self.writer().await?;
                    let mut tx = writer.begin().await?;
                    insert_checked(
                        &mut tx,
                        &rows::CLIENTS,
                        values,
                        "ON CONFLICT (unit, client_id) DO UPDATE SET record = excluded.record, row_check = excluded.row_check",
                    )
                    .await?;
                    tx.commit().await?;
                    writer.settled();
                    Ok(())
                }

                async fn client(&self, unit: &UnitCode, client: ClientId) -> Result<Option<ClientRecord>, StoreError> {
                    let row = sqlx::query(<$store>::stmt("SELECT record FROM clients WHERE unit = $1 AND client_id = $2"))
                        .bind(unit.to_string())
                        .bind(client.to_string())
                        .fetch_optional(&self.pool)
                        .await?;
                    row.map(|r| {
                        serde_json::from_str(r.try_get::<&str, _>(0)?)
                            .map_err(|e| sql::corrupt(*client.as_uuid(), 0, e.to_string()))
                    })
                    .transpose()
                }

                async fn put_note(&self, note: &NewNote) -> Result<Hash, StoreError> {
                    let salt = new_salt();
                    let digest = note_digest(&salt, &note.text);
                    let unit = note.unit.to_string();
                    let subjects = serde_json::to_string(&note.subjects)
                        .map_err(|e| StoreError::Unavailable { message: e.to_string() })?;
                    let mut writer = self.writer().await?;
                    let mut tx = writer.begin().await?;
                    let values = vec![
                        Value::Text(unit.clone()),
                        Value::Text(digest.to_string()),
                        note.case_id.map_or(Value::Null, |c| Value::Text(c.to_string())),
                        Value::Text(subjects),
                        Value::Text(sql::salt_text(&salt)),
                        Value::Text(note.text.clone()),
                        Value::Null,
                        Value::Text(note.sensitivity.to_string()),
                    ];
                    insert_checked(&mut tx, &rows::NOTES, values, "").await?;
                    insert_subjects(&mut tx, &unit, digest, &note.subjects).await?;
                    tx.commit().await?;
                    writer.settled();
                    Ok(digest)
                }

                async fn note(&self, unit: &UnitCode, digest: Hash) -> Result<Option<Note>, StoreError> {
                    let row = sqlx::query(<$store>::stmt(
                        "SELECT case_id, subjects, salt, text, erased_at, sensitivity FROM notes WHERE unit = $1 AND digest = $2",
                    ))
                    .bind(unit.to_string())
                    .bind(digest.to_string())
                    .fetch_optional(&self.pool)
                    .await?;
                    let Some(row) = row else { return Ok(None) };
                    let bad = |m: &str| sql::corrupt(Uuid::nil(), 0, format!("note {digest}: {m}"));
                    let case_id: Option<String> = row.try_get(0)?;
                    let salt: Option<String> = row.try_get(2)?;
                    let text: Option<String> = row.try_get(3)?;
                    if let (Some(salt), Some(text)) = (&salt, &text) {
                        // The text must still be the one the digest was made of.
                        let salt = sql::salt_bytes(salt).ok_or_else(|| bad("salt"))?;
                        if note_digest(&salt, text) != digest {
                            return Err(bad("the text does not match its digest"));
                        }
                    }
                    Ok(Some(Note {
                        digest,
                        case_id: case_id.as_deref().map(sql::uuid).transpose()?.map(lk3_core::ids::CaseId::from_uuid),
                        subjects: serde_json::from_str(row.try_get::<&str, _>(1)?).map_err(|_| bad("subjects"))?,
                        sensitivity: sql::vocab(row.try_get::<Option<&str>, _>(5)?).ok_or_else(|| bad("sensitivity"))?,
                        text,
                        erased_at: row
                            .try_get::<Option<i64>, _>(4)?
                            .map(|v| sql::from_micros(Uuid::nil(), v))
                            .transpose()?,
                    }))
                }

                async fn put_attachment(&self, attachment: &NewAttachment) -> Result<Hash, StoreError> {
                    attachment.check()?;
                    let salt = new_salt();
                    let digest = attachment_digest(&salt, &attachment.content);
                    let unit = attachment.unit.to_string();
                    let subjects = serde_json::to_string(&attachment.subjects)
                        .map_err(|e| StoreError::Unavailable { message: e.to_string() })?;
                    let mut writer = self.writer().await?;
                    let mut tx = writer.begin().await?;
                    let values = vec![
                        Value::Text(unit.clone()),
                        Value::Text(digest.to_string()),
                        attachment.case_id.map_or(Value::Null, |c| Value::Text(c.to_string())),
                        Value::Text(subjects),
                        Value::Text(attachment.kind.to_string()),
                        Value::Text(attachment.content_type.to_string()),
                        Value::Int(sql::signed(attachment.content.len() as u64)),
                        Value::Text(attachment.sensitivity.to_string()),
                        Value::Text(sql::salt_text(&salt)),
                        Value::Text(sql::base64_text(&attachment.content)),
                        Value::Null,
                    ];
                    insert_checked(&mut tx, &rows::ATTACHMENTS, values, "").await?;
                    insert_subjects(&mut tx, &unit, digest, &attachment.subjects).await?;
                    tx.commit().await?;
                    writer.settled();
                    Ok(digest)
                }

                async fn attachment(&self, unit: &UnitCode, digest: Hash) -> Result<Option<Attachment>, StoreError> {
                    let row = sqlx::query(<$store>::stmt(
                        "SELECT case_id, subjects, kind, content_type, bytes, sensitivity, salt, content, erased_at \
                         FROM attachments WHERE unit = $1 AND digest = $2",
                    ))
                    .bind(unit.to_string())
                    .bind(digest.to_string())
                    .fetch_optional(&self.pool)
                    .await?;
                    let Some(row) = row else { return Ok(None) };
                    let bad = |m: &str| sql::corrupt(Uuid::nil(), 0, format!("attachment {digest}: {m}"));
                    let case_id: Option<String> = row.try_get(0)?;
                    let salt: Option<String> = row.try_get(6)?;
                    let content: Option<String> = row.try_get(7)?;
                    let content = match (&salt, &content) {
                        (Some(salt), Some(content)) => {
                            // The bytes must still be the ones the digest was made of.
                            let salt = sql::salt_bytes(salt).ok_or_else(|| bad("salt"))?;
                            let bytes = sql::base64_bytes(content).ok_or_else(|| bad("content"))?;
                            if attachment_digest(&salt, &bytes) != digest {
                                return Err(bad("the content does not match its digest"));
                            }
                            Some(bytes)
                        }
                        _ => None,
                    };
                    Ok(Some(Attachment {
                        digest,
                        case_id: case_id.as_deref().map(sql::uuid).transpose()?.map(lk3_core::ids::CaseId::from_uuid),
                        subjects: serde_json::from_str(row.try_get::<&str, _>(1)?).map_err(|_| bad("subjects"))?,
                        kind: sql::vocab(row.try_get::<Option<&str>, _>(2)?).ok_or_else(|| bad("kind"))?,
                        content_type: sql::vocab(row.try_get::<Option<&str>, _>(3)?).ok_or_else(|| bad("content type"))?,
                        bytes: u64::try_from(row.try_get::<i64, _>(4)?).map_err(|_| bad("bytes"))?,
                        sensitivity: sql::vocab(row.try_get::<Option<&str>, _>(5)?).ok_or_else(|| bad("sensitivity"))?,
                        content,
                        erased_at: row
                            .try_get::<Option<i64>, _>(8)?
                            .map(|v| sql::from_micros(Uuid::nil(), v))
                            .transpose()?,
                    }))
                }

                async fn log_access(&self, entry: &AccessEntry) -> Result<LoggedAccess, StoreError> {
                    let unit = entry.unit.to_string();
                    let text = serde_json::to_string(entry).map_err(|e| StoreError::Unavailable { message: e.to_string() })?;
                    // Two readers logging at once: the second one's insert finds
                    // the place taken (the key) and tries the next.
                    let mut writer = self.writer().await?;
                    for _ in 0..16 {
                        let mut tx = writer.begin().await?;
                        let last = sqlx::query(<$store>::stmt(
                            "SELECT seq, hash FROM access_log WHERE unit = $1 ORDER BY seq DESC LIMIT 1",
                        ))
                        .bind(&unit)
                        .fetch_optional(&mut *tx)
                        .await?;
                        let (seq, previous) = match last {
                            Some(r) => {
                                let hash: String = r.try_get(1)?;
                                let previous = Hash::from_hex(&hash)
                                    .ok_or_else(|| StoreError::AccessLogBroken { unit: entry.unit, seq: 0 })?;
                                (r.try_get::<i64, _>(0)? + 1, previous)
                            }
                            None => (1, Hash::default()),
                        };
                        let hash = entry.hash(&previous);
                        let inserted = sqlx::query(<$store>::stmt(
                            "INSERT INTO access_log (unit, seq, entry, hash) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                        ))
                        .bind(&unit)
                        .bind(seq)
                        .bind(&text)
                        .bind(hash.to_string())
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                        if inserted == 1 {
                            tx.commit().await?;
                            writer.settled();
                            return Ok(LoggedAccess { seq: seq as u64, entry: entry.clone(), hash });
                        }
                        tx.rollback().await?;
                    }
                    Err(StoreError::Unavailable { message: "the access log is too busy: try again".to_owned() })
                }

                async fn access_log(
                    &self,
                    unit: &UnitCode,
                    client: Option<ClientId>,
                ) -> Result<Vec<LoggedAccess>, StoreError> {
                    let rows = sqlx::query(<$store>::stmt(
                        "SELECT seq, entry, hash FROM access_log WHERE unit = $1 ORDER BY seq",
                    ))
                    .bind(unit.to_string())
                    .fetch_all(&self.pool)
                    .await?;
                    let mut log = Vec::with_capacity(rows.len());
                    for r in &rows {
                        let seq: i64 = r.try_get(0)?;
                        let broken = || StoreError::AccessLogBroken { unit: *unit, seq: seq.max(0) as u64 };
                        let entry: AccessEntry = serde_json::from_str(r.try_get::<&str, _>(1)?).map_err(|_| broken())?;
                        let hash = Hash::from_hex(r.try_get::<&str, _>(2)?).ok_or_else(broken)?;
                        if client.is_none_or(|c| entry.clients.contains(&c)) {
                            log.push(LoggedAccess { seq: u64::try_from(seq).map_err(|_| broken())?, entry, hash });
                        }
                    }
                    Ok(log)
                }

                async fn erase_client(
                    &self,
                    unit: &UnitCode,
                    client: ClientId,
                    at: DateTime<Utc>,
                ) -> Result<Erasure, StoreError> {
                    let unit_text = unit.to_string();
                    let client_text = client.to_string();
                    let mut writer = self.writer().await?;
                    let mut tx = writer.begin().await?;
                    let removed = sqlx::query(<$store>::stmt("DELETE FROM clients WHERE unit = $1 AND client_id = $2"))
                        .bind(&unit_text)
                        .bind(&client_text)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                    // Each erased note keeps its check, made again without text and salt.
                    let erased = sqlx::query(<$store>::stmt(
                        "SELECT digest, case_id, subjects, sensitivity FROM notes \
                         WHERE unit = $1 AND text IS NOT NULL AND digest IN \
                         (SELECT digest FROM note_subjects WHERE unit = $1 AND client_id = $2)",
                    ))
                    .bind(&unit_text)
                    .bind(&client_text)
                    .fetch_all(&mut *tx)
                    .await?;
                    for r in &erased {
                        let digest: String = r.try_get(0)?;
                        let case_id: Option<String> = r.try_get(1)?;
                        let subjects: String = r.try_get(2)?;
                        let sensitivity: Option<String> = r.try_get(3)?;
                        let values = vec![
                            Value::Text(unit_text.clone()),
                            Value::Text(digest.clone()),
                            case_id.map_or(Value::Null, Value::Text),
                            Value::Text(subjects),
                            Value::Null,
                            Value::Null,
                            Value::Int(sql::micros(at)),
                            sensitivity.map_or(Value::Null, Value::Text),
                        ];
                        sqlx::query(<$store>::stmt(
                            "UPDATE notes SET text = NULL, salt = NULL, erased_at = $1, row_check = $2 \
                             WHERE unit = $3 AND digest = $4",
                        ))
                        .bind(sql::micros(at))
                        .bind(rows::row_check(&values))
                        .bind(&unit_text)
                        .bind(&digest)
                        .execute(&mut *tx)
                        .await?;
                    }
                    let notes = erased.len() as u64;
                    // Each erased attachment likewise, without its bytes and salt.
                    let erased = sqlx::query(<$store>::stmt(
                        "SELECT digest, case_id, subjects, kind, content_type, bytes, sensitivity FROM attachments \
                         WHERE unit = $1 AND content IS NOT NULL AND digest IN \
                         (SELECT digest FROM note_subjects WHERE unit = $1 AND client_id = $2)",
                    ))
                    .bind(&unit_text)
                    .bind(&client_text)
                    .fetch_all(&mut *tx)
                    .await?;
                    for r in &erased {
                        // The columns of `rows::ATTACHMENTS` after the unit, up to the salt.
                        let kept = [
                            ColumnType::Text,
                            ColumnType::Text,
                            ColumnType::Text,
                            ColumnType::Text,
                            ColumnType::Text,
                            ColumnType::Int,
                            ColumnType::Text,
                        ];
                        let mut values = vec![Value::Text(unit_text.clone())];
                        values.extend(kept.iter().enumerate().map(|(i, ty)| read_value(r, i, *ty)));
                        let digest = values[1].clone();
                        values.extend([Value::Null, Value::Null, Value::Int(sql::micros(at))]);
                        let mut query = sqlx::query(<$store>::stmt(
                            "UPDATE attachments SET content = NULL, salt = NULL, erased_at = $1, row_check = $2 \
                             WHERE unit = $3 AND digest = $4",
                        ))
                        .bind(sql::micros(at))
                        .bind(rows::row_check(&values))
                        .bind(&unit_text);
                        query = bind_value(query, digest.clone(), ColumnType::Text);
                        query.execute(&mut *tx).await?;
                    }
                    let attachments = erased.len() as u64;
                    let values = vec![
                        Value::Text(unit_text.clone()),
                        Value::Text(client_text.clone()),
                        Value::Int(sql::micros(at)),
                        Value::Int(i64::from(removed > 0)),
                        Value::Int(sql::signed(notes)),
                    ];
                    insert_checked(&mut tx, &rows::ERASURES, values, "ON CONFLICT DO NOTHING").await?;
                    tx.commit().await?;
                    writer.settled();
                    // Old page images with the erased data may still sit in the
                    // write-ahead log: copy them out and empty it.
                    if let Some(statement) = <$store>::AFTER_ERASURE {
                        sqlx::query(statement).execute(&self.pool).await?;
                    }
                    Ok(Erasure { identity_removed: removed > 0, notes_erased: notes, attachments_erased: attachments })
                }
            }
        }
    };
}

pub(crate) use sql_store;

/// The embedded migrations of a dialect, numbered from 1.
pub(crate) fn migrator(scripts: &[&'static str]) -> sqlx::migrate::Migrator {
    use sqlx::SqlSafeStr;
    use sqlx::migrate::{Migration, MigrationType, Migrator};
    let migrations = scripts
        .iter()
        .enumerate()
        .map(|(i, sql)| {
            let version = i as i64 + 1;
            Migration::new(
                version,
                format!("lk3 schema {version}").into(),
                MigrationType::Simple,
                sql.into_sql_str(),
                false,
            )
        })
        .collect();
    Migrator::with_migrations(migrations)
}

/// Refuses, for reading, a store whose upgrade a crash cut short (its
/// summaries still as schema 10 wrote them, or its bodies as schema 11 did):
/// opening it for writing finishes the upgrade.
pub(crate) fn refuse_unfinished_upgrade(data_at: Option<i64>) -> Result<(), StoreError> {
    match data_at {
        Some(found) => Err(StoreError::SchemaTooOld { found, supported: SCHEMA_VERSION }),
        None => Ok(()),
    }
}

/// Refuses a store whose newest applied migration is newer than this build.
pub(crate) fn check_schema(found: Option<i64>) -> Result<(), StoreError> {
    match found {
        Some(found) if found > SCHEMA_VERSION => Err(StoreError::SchemaTooNew { found, supported: SCHEMA_VERSION }),
        _ => Ok(()),
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        match e {
            sqlx::migrate::MigrateError::VersionMissing(found) if found > SCHEMA_VERSION => {
                StoreError::SchemaTooNew { found, supported: SCHEMA_VERSION }
            }
            other => StoreError::Unavailable { message: other.to_string() },
        }
    }
}
