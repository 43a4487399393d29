//! What the SQL adapters share: the schema version, value conversions, the
//! case query compiled to SQL, and the `CaseStore` implementation itself,
//! written once as a macro over the sqlx driver (statements are written with
//! PostgreSQL's `$n` placeholders; SQLite reads them as `?n`).

use chrono::{DateTime, Utc};
use lk3_core::Labelled;
use lk3_core::event::Hash;
use uuid::Uuid;

use crate::StoreError;
use crate::projection::CaseQuery;

/// The newest schema version this build knows (the last migration's number).
pub(crate) const SCHEMA_VERSION: i64 = 2;

/// A bound value: every column is TEXT or a 64-bit integer.
pub(crate) enum Bind {
    Text(String),
    Int(i64),
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

pub(crate) fn hash(stream_id: Uuid, text: &str) -> Result<Hash, StoreError> {
    Hash::from_hex(text).ok_or_else(|| corrupt(stream_id, 0, format!("hash {text:?} is not 64 hex digits")))
}

pub(crate) fn unsigned(stream_id: Uuid, v: i64) -> Result<u64, StoreError> {
    u64::try_from(v).map_err(|_| corrupt(stream_id, 0, format!("negative count {v}")))
}

pub(crate) fn signed(v: u64) -> i64 {
    // Versions and seqs are counts of events: far below i64::MAX.
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// A note's salt as stored: 32 hex digits.
pub(crate) fn salt_text(salt: &[u8; 16]) -> String {
    Uuid::from_bytes(*salt).simple().to_string()
}

/// A stored salt back to bytes.
pub(crate) fn salt_bytes(text: &str) -> Option<[u8; 16]> {
    Uuid::try_parse(text).ok().map(Uuid::into_bytes)
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
        push(
            &mut sql,
            "EXISTS (SELECT 1 FROM case_services s WHERE s.unit = c.unit AND s.case_id = c.case_id \
             AND s.state = 'dikirim' AND s.deadline < ${0})",
            vec![Bind::Int(micros(t))],
        );
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
            use lk3_core::ids::{ClientId, CommandId, UnitCode};
            use lk3_core::schema::ClientRecord;
            use lk3_core::Labelled;
            use sqlx::Row;
            use uuid::Uuid;

            use super::*;
            use $crate::model::{
                AppendDecision, AppendOutcome, Batch, CommandRecord, CursorPosition, EventCursor, Fingerprint,
                ScannedEvent, StoredEvent, StreamInfo, StreamKind, decide_append,
            };
            use $crate::personal::{Erasure, NewNote, Note, new_salt, note_digest};
            use $crate::projection::{CaseQuery, CaseSummary, ClientConsent, Projection};
            use $crate::sql::{self, Bind};
            use $crate::{CaseStore, StoreError};

            type Tx = sqlx::Transaction<'static, $db>;
            type DbRow = <$db as sqlx::Database>::Row;

            fn is_unique(e: &sqlx::Error) -> bool {
                e.as_database_error().is_some_and(|d| d.is_unique_violation())
            }

            fn stream_row(row: &DbRow) -> Result<StreamInfo, StoreError> {
                let stream_id = sql::uuid(row.try_get::<&str, _>(1)?)?;
                let kind: &str = row.try_get(2)?;
                Ok(StreamInfo {
                    unit: UnitCode::parse(row.try_get::<&str, _>(0)?)
                        .map_err(|e| sql::corrupt(stream_id, 0, e.to_string()))?,
                    stream_id,
                    kind: StreamKind::parse(kind).ok_or_else(|| sql::corrupt(stream_id, 0, format!("kind {kind:?}")))?,
                    version: sql::unsigned(stream_id, row.try_get(3)?)?,
                    head_hash: sql::hash(stream_id, row.try_get(4)?)?,
                })
            }

            fn event_row(stream_id: Uuid, row: &DbRow) -> Result<StoredEvent, StoreError> {
                let seq = sql::unsigned(stream_id, row.try_get(0)?)?;
                let at = row.try_get(2)?;
                Ok(StoredEvent {
                    seq,
                    event_id: sql::uuid(row.try_get(1)?).map_err(|_| sql::corrupt(stream_id, seq, "event id"))?,
                    occurred_at: sql::from_micros(stream_id, at).map_err(|_| sql::corrupt(stream_id, seq, "time"))?,
                    hash: sql::hash(stream_id, row.try_get(3)?).map_err(|_| sql::corrupt(stream_id, seq, "hash"))?,
                    body: row.try_get(4)?,
                })
            }

            fn command_row(row: &DbRow) -> Result<CommandRecord, StoreError> {
                let stream_id = sql::uuid(row.try_get(0)?)?;
                Ok(CommandRecord {
                    stream_id,
                    first_seq: sql::unsigned(stream_id, row.try_get(1)?)?,
                    last_seq: sql::unsigned(stream_id, row.try_get(2)?)?,
                    fingerprint: Fingerprint(sql::hash(stream_id, row.try_get(3)?)?),
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
                    };
                }
                query
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
                .bind(stream_id.to_string())
                .bind(sql::signed(first))
                .bind(sql::signed(last))
                .fetch_all(&mut *conn)
                .await?;
                rows.iter().map(|r| event_row(stream_id, r)).collect()
            }

            async fn write_projection(
                tx: &mut Tx,
                projection: &Projection,
                previous: Option<&Projection>,
            ) -> Result<(), StoreError> {
                match projection {
                    Projection::Case(c) => {
                        let before = match previous {
                            Some(Projection::Case(p)) => Some(p),
                            _ => None,
                        };
                        write_case(tx, c, before).await
                    }
                    Projection::Outreach(o) => {
                        let summary = serde_json::to_string(o)
                            .map_err(|e| StoreError::Unavailable { message: e.to_string() })?;
                        sqlx::query(<$store>::stmt(
                            "INSERT INTO outreaches (unit, outreach_id, state, reported_at, summary) \
                             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (unit, outreach_id) \
                             DO UPDATE SET state = excluded.state, summary = excluded.summary",
                        ))
                        .bind(o.unit.to_string())
                        .bind(o.outreach_id.to_string())
                        .bind(o.state.id())
                        .bind(sql::micros(o.reported_at))
                        .bind(summary)
                        .execute(&mut **tx)
                        .await?;
                        Ok(())
                    }
                }
            }

            /// Deletes a case's rows of one child table.
            async fn clear(tx: &mut Tx, delete: &'static str, unit: &str, case_id: &str) -> Result<(), StoreError> {
                sqlx::query(<$store>::stmt(delete)).bind(unit).bind(case_id).execute(&mut **tx).await?;
                Ok(())
            }

            /// Rewrites the case row, and of its child rows only the kinds
            /// that changed (all of them for a new case, none deleted).
            async fn write_case(tx: &mut Tx, c: &CaseSummary, before: Option<&CaseSummary>) -> Result<(), StoreError> {
                let unit = c.unit.to_string();
                let case_id = c.case_id.to_string();
                let summary = serde_json::to_string(c).map_err(|e| StoreError::Unavailable { message: e.to_string() })?;
                let written = sqlx::query(<$store>::stmt(
                    "INSERT INTO cases (unit, case_id, stage, worker, opened_at, case_number, summary) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) \
                     ON CONFLICT (unit, case_id) DO UPDATE SET stage = excluded.stage, worker = excluded.worker, \
                     summary = excluded.summary",
                ))
                .bind(&unit)
                .bind(&case_id)
                .bind(c.stage.id())
                .bind(c.worker.map(|w| w.to_string()))
                .bind(sql::micros(c.opened_at))
                .bind(c.case_number.as_ref().map(ToString::to_string))
                .bind(summary)
                .execute(&mut **tx)
                .await;
                match written {
                    // The one unique key an upsert of this case can break: (unit, case_number).
                    Err(e) if is_unique(&e) => {
                        return Err(StoreError::CaseNumberTaken {
                            unit,
                            case_number: c.case_number.as_ref().map_or_else(String::new, ToString::to_string),
                        });
                    }
                    other => {
                        other?;
                    }
                }
                let changed = |same: bool| before.is_none() || !same;
                if changed(before.is_some_and(|b| b.problems == c.problems)) {
                    if before.is_some() {
                        clear(tx, "DELETE FROM case_problems WHERE unit = $1 AND case_id = $2", &unit, &case_id).await?;
                    }
                    if !c.problems.is_empty() {
                        let mut q = sqlx::QueryBuilder::<$db>::new("INSERT INTO case_problems (unit, problem, case_id) ");
                        q.push_values(&c.problems, |mut row, p| {
                            row.push_bind(unit.clone()).push_bind(p.id()).push_bind(case_id.clone());
                        });
                        q.push(" ON CONFLICT DO NOTHING");
                        q.build().execute(&mut **tx).await?;
                    }
                }
                if changed(before.is_some_and(|b| b.services == c.services)) {
                    if before.is_some() {
                        clear(tx, "DELETE FROM case_services WHERE unit = $1 AND case_id = $2", &unit, &case_id).await?;
                    }
                    if !c.services.is_empty() {
                        let mut q = sqlx::QueryBuilder::<$db>::new(
                            "INSERT INTO case_services (unit, case_id, service_id, kind, state, deadline) ",
                        );
                        q.push_values(&c.services, |mut row, s| {
                            row.push_bind(unit.clone())
                                .push_bind(case_id.clone())
                                .push_bind(s.service_id.to_string())
                                .push_bind(s.kind.id())
                                .push_bind(s.state.id())
                                .push_bind(s.response_deadline.map(sql::micros));
                        });
                        q.build().execute(&mut **tx).await?;
                    }
                }
                if changed(before.is_some_and(|b| b.consents == c.consents)) {
                    if before.is_some() {
                        clear(tx, "DELETE FROM case_consents WHERE unit = $1 AND case_id = $2", &unit, &case_id).await?;
                    }
                    if !c.consents.is_empty() {
                        let mut rows = Vec::with_capacity(c.consents.len());
                        for k in &c.consents {
                            let json = serde_json::to_string(k)
                                .map_err(|e| StoreError::Unavailable { message: e.to_string() })?;
                            rows.push((k, json));
                        }
                        let mut q = sqlx::QueryBuilder::<$db>::new(
                            "INSERT INTO case_consents (unit, client_id, consent_id, case_id, consent) ",
                        );
                        q.push_values(rows, |mut row, (k, json)| {
                            row.push_bind(unit.clone())
                                .push_bind(k.subject.to_string())
                                .push_bind(k.consent_id.to_string())
                                .push_bind(case_id.clone())
                                .push_bind(json);
                        });
                        q.build().execute(&mut **tx).await?;
                    }
                }
                Ok(())
            }

            /// A transaction for writing (SQLite takes the write lock at once).
            async fn begin_write(pool: &sqlx::Pool<$db>) -> Result<Tx, StoreError> {
                Ok(match $begin {
                    Some(statement) => pool.begin_with(statement).await?,
                    None => pool.begin().await?,
                })
            }

            async fn read_head(tx: &mut Tx, stream: &str) -> Result<Option<StreamInfo>, StoreError> {
                sqlx::query(<$store>::stmt(
                    "SELECT unit, stream_id, kind, version, head_hash FROM streams WHERE stream_id = $1",
                ))
                .bind(stream)
                .fetch_optional(&mut **tx)
                .await?
                .map(|r| stream_row(&r))
                .transpose()
            }

            async fn append_one(tx: &mut Tx, batch: &Batch) -> Result<AppendOutcome, StoreError> {
                let stream = batch.stream_id.to_string();
                let unit = batch.unit.to_string();
                // Claim the command ids; a claim that finds one already there is
                // a retry or a reuse, which `decide_append` tells apart. On any
                // error the caller's transaction is rolled back, claims included.
                let mut seen = Vec::with_capacity(batch.commands.len());
                for span in &batch.commands {
                    let claimed = sqlx::query(<$store>::stmt(
                        "INSERT INTO commands (unit, command_id, stream_id, first_seq, last_seq, fingerprint) \
                         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
                    ))
                    .bind(&unit)
                    .bind(span.command_id.to_string())
                    .bind(&stream)
                    .bind(sql::signed(span.first_seq))
                    .bind(sql::signed(span.last_seq))
                    .bind(span.fingerprint.0.to_string())
                    .execute(&mut **tx)
                    .await?
                    .rows_affected();
                    if claimed == 1 {
                        seen.push(None);
                        continue;
                    }
                    let found = sqlx::query(<$store>::stmt(
                        "SELECT stream_id, first_seq, last_seq, fingerprint FROM commands WHERE command_id = $1",
                    ))
                    .bind(span.command_id.to_string())
                    .fetch_optional(&mut **tx)
                    .await?
                    .map(|r| command_row(&r))
                    .transpose()?;
                    seen.push(found);
                }
                // A command seen before is answered before the head is looked at.
                if seen.iter().all(Option::is_some) {
                    if let AppendDecision::AlreadyApplied(r) = decide_append(batch, None, &seen)? {
                        let events = read_events_in(&mut **tx, r.stream_id, r.first_seq, r.last_seq).await?;
                        return Ok(AppendOutcome::AlreadyApplied { events });
                    }
                }
                // Some commands stored and some not: refused, with the head to say why.
                if seen.iter().any(Option::is_some) {
                    let head = read_head(tx, &stream).await?;
                    decide_append(batch, head.as_ref(), &seen)?;
                    let command_id = batch.commands.first().map_or(Uuid::nil(), |c| *c.command_id.as_uuid());
                    return Err(StoreError::CommandIdConflict { command_id, stream_id: batch.stream_id });
                }
                let new_version = sql::signed(batch.new_version());
                let head_hash = batch.head_hash().to_string();
                let moved = if batch.expected_version == 0 {
                    sqlx::query(<$store>::stmt(
                        "INSERT INTO streams (unit, stream_id, kind, version, head_hash) VALUES ($1, $2, $3, $4, $5) \
                         ON CONFLICT DO NOTHING",
                    ))
                    .bind(&unit)
                    .bind(&stream)
                    .bind(batch.kind.as_str())
                    .bind(new_version)
                    .bind(&head_hash)
                    .execute(&mut **tx)
                    .await?
                } else {
                    // The conditional update is the check: it locks the row, and a
                    // writer that waited for another's commit finds the version moved.
                    sqlx::query(<$store>::stmt(
                        "UPDATE streams SET version = $1, head_hash = $2 \
                         WHERE unit = $3 AND stream_id = $4 AND kind = $5 AND version = $6 AND head_hash = $7",
                    ))
                    .bind(new_version)
                    .bind(&head_hash)
                    .bind(&unit)
                    .bind(&stream)
                    .bind(batch.kind.as_str())
                    .bind(sql::signed(batch.expected_version))
                    .bind(batch.prev_hash.to_string())
                    .execute(&mut **tx)
                    .await?
                };
                if moved.rows_affected() != 1 {
                    // Only now read the head, to say precisely what is wrong.
                    let head = read_head(tx, &stream).await?;
                    decide_append(batch, head.as_ref(), &seen)?;
                    return Err(StoreError::VersionConflict {
                        stream_id: batch.stream_id,
                        expected: batch.expected_version,
                        actual: head.map_or(0, |h| h.version),
                    });
                }
                if batch.expected_version == 0 {
                    // Counted per unit, so that a stream deleted outside lk3 shows in `verify`.
                    sqlx::query(<$store>::stmt(
                        "INSERT INTO manifest (unit, streams) VALUES ($1, 1) \
                         ON CONFLICT (unit) DO UPDATE SET streams = manifest.streams + 1",
                    ))
                    .bind(&unit)
                    .execute(&mut **tx)
                    .await?;
                }
                // One statement for the batch's events (at most 8 values each, far
                // below either driver's limit of bound parameters per batch).
                let mut q = sqlx::QueryBuilder::<$db>::new(
                    "INSERT INTO events (unit, stream_id, seq, event_id, command_id, occurred_at, hash, body) ",
                );
                q.push_values(&batch.events, |mut row, e| {
                    let span = batch.commands.iter().rev().find(|c| c.first_seq <= e.seq);
                    row.push_bind(unit.clone())
                        .push_bind(stream.clone())
                        .push_bind(sql::signed(e.seq))
                        .push_bind(e.event_id.to_string())
                        .push_bind(span.map(|c| c.command_id.to_string()).unwrap_or_default())
                        .push_bind(sql::micros(e.occurred_at))
                        .push_bind(e.hash.to_string())
                        .push_bind(e.body.clone());
                });
                if let Err(err) = q.build().execute(&mut **tx).await {
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
                Ok(AppendOutcome::Written { version: batch.new_version() })
            }

            #[async_trait]
            impl CaseStore for $store {
                fn backend(&self) -> &'static str {
                    <$store>::BACKEND
                }

                async fn append_batches(&self, batches: &[Batch]) -> Result<Vec<AppendOutcome>, StoreError> {
                    let mut tx = begin_write(&self.pool).await?;
                    let mut outcomes = Vec::with_capacity(batches.len());
                    for batch in batches {
                        outcomes.push(append_one(&mut tx, batch).await?);
                    }
                    tx.commit().await?;
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
                    .bind(stream_id.to_string())
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
                    .bind(after.map_or_else(String::new, |a| a.to_string()))
                    .bind(i64::from(limit))
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter().map(stream_row).collect()
                }

                async fn command(&self, command_id: CommandId) -> Result<Option<CommandRecord>, StoreError> {
                    sqlx::query(<$store>::stmt(
                        "SELECT stream_id, first_seq, last_seq, fingerprint FROM commands WHERE command_id = $1",
                    ))
                        .bind(command_id.to_string())
                        .fetch_optional(&self.pool)
                        .await?
                        .map(|r| command_row(&r))
                        .transpose()
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
                    let unit = unit.map_or_else(String::new, |u| u.to_string());
                    // Keyset paging: SQLite in row order (a plain walk of the table),
                    // PostgreSQL on the events' primary key (an index range).
                    let rows = if <$store>::SCAN_BY_ROW {
                        let row = match after.map(|a| &a.0) {
                            Some(CursorPosition::Row(r)) => *r,
                            _ => 0,
                        };
                        sqlx::query(<$store>::stmt(
                            "SELECT e.rowid, e.unit, e.stream_id, e.seq, e.body FROM events e \
                             WHERE e.rowid > $1 AND ($3 = '' OR e.unit = $3) ORDER BY e.rowid LIMIT $2",
                        ))
                        .bind(row)
                        .bind(i64::from(limit))
                        .bind(unit)
                        .fetch_all(&self.pool)
                        .await?
                    } else {
                        let (u, s, q) = match after.map(|a| &a.0) {
                            Some(CursorPosition::Key(u, s, q)) => (u.to_string(), s.to_string(), sql::signed(*q)),
                            _ => (String::new(), String::new(), 0),
                        };
                        sqlx::query(<$store>::stmt(
                            "SELECT 0::BIGINT, e.unit, e.stream_id, e.seq, e.body FROM events e \
                             WHERE (e.unit, e.stream_id, e.seq) > ($1, $2, $3) AND ($5 = '' OR e.unit = $5) \
                             ORDER BY e.unit, e.stream_id, e.seq LIMIT $4",
                        ))
                        .bind(u)
                        .bind(s)
                        .bind(q)
                        .bind(i64::from(limit))
                        .bind(unit)
                        .fetch_all(&self.pool)
                        .await?
                    };
                    // The kinds of the page's streams, in one query per 10,000 streams
                    // (a join would cost a lookup per event).
                    let mut ids: Vec<String> = Vec::new();
                    for r in &rows {
                        let id: &str = r.try_get(2)?;
                        if ids.last().is_none_or(|last| last != id) {
                            ids.push(id.to_owned());
                        }
                    }
                    ids.sort_unstable();
                    ids.dedup();
                    let mut kinds = std::collections::HashMap::with_capacity(ids.len());
                    for chunk in ids.chunks(10_000) {
                        let mut q = sqlx::QueryBuilder::<$db>::new("SELECT stream_id, kind FROM streams WHERE stream_id IN (");
                        let mut list = q.separated(", ");
                        for id in chunk {
                            list.push_bind(id.clone());
                        }
                        q.push(")");
                        for row in q.build().fetch_all(&self.pool).await? {
                            let (id, kind): (String, String) = (row.try_get(0)?, row.try_get(1)?);
                            kinds.insert(id, kind);
                        }
                    }
                    // Rows of one stream come together: parse its unit, id and kind once.
                    let mut stream: Option<(String, UnitCode, Uuid, StreamKind)> = None;
                    rows.iter()
                        .map(|r| {
                            let stream_text: &str = r.try_get(2)?;
                            if stream.as_ref().is_none_or(|(t, ..)| t != stream_text) {
                                let stream_id = sql::uuid(stream_text)?;
                                let kind = kinds.get(stream_text).map_or("", String::as_str);
                                let unit = UnitCode::parse(r.try_get::<&str, _>(1)?)
                                    .map_err(|e| sql::corrupt(stream_id, 0, e.to_string()))?;
                                let kind = StreamKind::parse(kind)
                                    .ok_or_else(|| sql::corrupt(stream_id, 0, format!("kind {kind:?}")))?;
                                stream = Some((stream_text.to_owned(), unit, stream_id, kind));
                            }
                            let Some((_, unit, stream_id, kind)) = &stream else { unreachable!("set above") };
                            let (stream_id, kind) = (*stream_id, *kind);
                            let seq = sql::unsigned(stream_id, r.try_get(3)?)?;
                            let cursor = if <$store>::SCAN_BY_ROW {
                                CursorPosition::Row(r.try_get(0)?)
                            } else {
                                CursorPosition::Key(unit.clone(), stream_id, seq)
                            };
                            Ok(ScannedEvent {
                                unit: unit.clone(),
                                stream_id,
                                kind,
                                seq,
                                body: r.try_get(4)?,
                                cursor: EventCursor(cursor),
                            })
                        })
                        .collect()
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
                         AND outreach_id = $1",
                    ))
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
                    let (filter, mut binds) = sql::case_filter(query, true);
                    binds.push(Bind::Int(i64::from(query.limit)));
                    let text = format!(
                        "SELECT c.summary FROM cases c WHERE {filter} ORDER BY c.case_id LIMIT ${}",
                        binds.len()
                    );
                    let rows = bind_all(sqlx::query(<$store>::stmt_owned(text)), binds).fetch_all(&self.pool).await?;
                    rows.iter()
                        .map(|r| {
                            let s: &str = r.try_get(0)?;
                            serde_json::from_str(s).map_err(|e| sql::corrupt(Uuid::nil(), 0, e.to_string()))
                        })
                        .collect()
                }

                async fn count_cases(&self, query: &CaseQuery) -> Result<u64, StoreError> {
                    let (filter, binds) = sql::case_filter(query, false);
                    let text = format!("SELECT COUNT(*) FROM cases c WHERE {filter}");
                    let row = bind_all(sqlx::query(<$store>::stmt_owned(text)), binds).fetch_one(&self.pool).await?;
                    sql::unsigned(Uuid::nil(), row.try_get(0)?)
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

                async fn put_client(&self, record: &ClientRecord) -> Result<(), StoreError> {
                    let json = serde_json::to_string(record).map_err(|e| StoreError::Unavailable { message: e.to_string() })?;
                    sqlx::query(<$store>::stmt(
                        "INSERT INTO clients (unit, client_id, record) VALUES ($1, $2, $3) \
                         ON CONFLICT (unit, client_id) DO UPDATE SET record = excluded.record",
                    ))
                    .bind(record.unit.to_string())
                    .bind(record.client_id.to_string())
                    .bind(json)
                    .execute(&self.pool)
                    .await?;
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
                    let mut tx = self.pool.begin().await?;
                    sqlx::query(<$store>::stmt(
                        "INSERT INTO notes (unit, digest, case_id, subjects, salt, text) VALUES ($1, $2, $3, $4, $5, $6)",
                    ))
                    .bind(&unit)
                    .bind(digest.to_string())
                    .bind(note.case_id.map(|c| c.to_string()))
                    .bind(subjects)
                    .bind(sql::salt_text(&salt))
                    .bind(&note.text)
                    .execute(&mut *tx)
                    .await?;
                    for s in &note.subjects {
                        sqlx::query(<$store>::stmt(
                            "INSERT INTO note_subjects (unit, client_id, digest) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                        ))
                        .bind(&unit)
                        .bind(s.to_string())
                        .bind(digest.to_string())
                        .execute(&mut *tx)
                        .await?;
                    }
                    tx.commit().await?;
                    Ok(digest)
                }

                async fn note(&self, unit: &UnitCode, digest: Hash) -> Result<Option<Note>, StoreError> {
                    let row = sqlx::query(<$store>::stmt(
                        "SELECT case_id, subjects, salt, text, erased_at FROM notes WHERE unit = $1 AND digest = $2",
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
                        text,
                        erased_at: row
                            .try_get::<Option<i64>, _>(4)?
                            .map(|v| sql::from_micros(Uuid::nil(), v))
                            .transpose()?,
                    }))
                }

                async fn erase_client(
                    &self,
                    unit: &UnitCode,
                    client: ClientId,
                    at: DateTime<Utc>,
                ) -> Result<Erasure, StoreError> {
                    let unit_text = unit.to_string();
                    let client_text = client.to_string();
                    let mut tx = begin_write(&self.pool).await?;
                    let removed = sqlx::query(<$store>::stmt("DELETE FROM clients WHERE unit = $1 AND client_id = $2"))
                        .bind(&unit_text)
                        .bind(&client_text)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                    let notes = sqlx::query(<$store>::stmt(
                        "UPDATE notes SET text = NULL, salt = NULL, erased_at = $1 \
                         WHERE unit = $2 AND text IS NOT NULL AND digest IN \
                         (SELECT digest FROM note_subjects WHERE unit = $2 AND client_id = $3)",
                    ))
                    .bind(sql::micros(at))
                    .bind(&unit_text)
                    .bind(&client_text)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    sqlx::query(<$store>::stmt(
                        "INSERT INTO erasures (unit, client_id, erased_at, identity_removed, notes_erased) \
                         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
                    ))
                    .bind(&unit_text)
                    .bind(&client_text)
                    .bind(sql::micros(at))
                    .bind(i64::from(removed > 0))
                    .bind(sql::signed(notes))
                    .execute(&mut *tx)
                    .await?;
                    tx.commit().await?;
                    Ok(Erasure { identity_removed: removed > 0, notes_erased: notes })
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
