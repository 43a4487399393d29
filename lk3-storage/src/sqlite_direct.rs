//! The SQLite file store's appends, `verify`'s pages and store-wide checks,
//! and the bulk scan of events, in the caller's thread.
//!
//! sqlx runs each SQLite connection on a thread of its own and hands every
//! statement to it over a channel: a durable append (`BEGIN IMMEDIATE`, the
//! statements, `COMMIT`) then costs three round trips between threads, each
//! two context switches, which measured more than SQLite's own work. This
//! writer holds a second connection to the same file (rusqlite, the same
//! bundled SQLite) and runs an append of one batch where it is called: the
//! statements of [`crate::statement::append_statements`], each prepared once
//! and kept.
//!
//! It only ever writes what the one-query path writes, under the store's
//! writer slot (so never beside another of the store's writes), and it
//! answers only the case where every claim and the head's move take: any
//! other outcome (a retried command id, a conflict, a failed statement, an
//! I/O error) is rolled back and left to the sqlx path, which says why. An
//! append here has no await point, so a dropped future cannot leave it half
//! done. It blocks its thread for the commit (an `fsync` under
//! `synchronous = FULL`), as SQLite called from any thread does.
//!
//! [`DirectReader`] reads `verify`'s pages of streams, its store-wide
//! checks and the bulk scan of events the same way, with the queries and
//! the assembly of [`crate::audit_page`], [`crate::audit_store`] and
//! [`crate::scan_page`] that the sqlx path runs, and blocks its thread for
//! a page (about 50 ms for 20,000 events), or for the whole store-wide
//! check (seconds on a store of millions of rows). A read it cannot make
//! (the file unreadable so, another read at work on it) goes the sqlx way.

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use lk3_core::ids::UnitCode;

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags, OptionalExtension};

use crate::StoreError;
use crate::audit_page;
use crate::audit_store;
use crate::model::{AppendOutcome, Batch, CursorPosition, EventCursor, ScannedEvent};
use crate::rows::{self, ColumnType, Row, Table, Value};
use crate::scan_page::{self, ScanRow};
use crate::sql::Bind;
use crate::sqlite::{Durability, SqliteStore};
use crate::statement::{self, Statement};
use crate::verify::{AuditPage, StreamCursor};

/// Statements kept prepared: an append's claims, head, events, query rows
/// and seal, in the few shapes a case's batches take.
const STATEMENTS_KEPT: usize = 64;

/// A connection that appends in the caller's thread.
#[derive(Debug)]
pub(crate) struct DirectWriter {
    conn: Connection,
}

impl DirectWriter {
    /// A connection to the store file at `path` (which exists, with lk3's
    /// schema), set as the store's own connections are.
    pub(crate) fn open(path: &Path, durability: Durability) -> rusqlite::Result<Self> {
        let conn =
            Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
        conn.busy_timeout(Duration::from_secs(30))?;
        conn.pragma_update(
            None,
            "synchronous",
            match durability {
                Durability::Full => "FULL",
                Durability::Normal => "NORMAL",
            },
        )?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.pragma_update(None, "secure_delete", "ON")?;
        conn.set_prepared_statement_cache_capacity(STATEMENTS_KEPT);
        Ok(DirectWriter { conn })
    }

    /// Appends `batch` in one transaction if every claim of its command ids
    /// and the move of its stream's head take: `Some` once committed,
    /// `None` (nothing written) otherwise, for the caller's other path.
    /// `Err` only when the connection could not be brought back to no
    /// transaction: the caller drops it.
    pub(crate) fn append(
        &mut self,
        batch: &Batch,
        signer: Option<&lk3_core::seal::SigningKey>,
    ) -> Result<Option<AppendOutcome>, rusqlite::Error> {
        let Ok((parts, returning)) = statement::append_statements(batch, signer) else { return Ok(None) };
        if self.kept("BEGIN IMMEDIATE").is_err() {
            // Busy past the timeout, or the file unwritable: the other path says which.
            return Ok(None);
        }
        let written = self.run(&parts, returning).and_then(|()| self.kept("COMMIT"));
        match written {
            Ok(()) => Ok(Some(AppendOutcome::Written { version: batch.new_version() })),
            Err(_) => {
                if !self.conn.is_autocommit() {
                    self.conn.execute_batch("ROLLBACK")?;
                }
                Ok(None)
            }
        }
    }

    /// Runs a statement without values, prepared once and kept (as the
    /// append's own are), rather than parsed again each time.
    fn kept(&self, text: &str) -> rusqlite::Result<()> {
        self.conn.prepare_cached(text)?.raw_execute().map(|_| ())
    }

    /// Runs `parts` in order; the first `returning` of them must each
    /// return a row (a claim or the head's move that took).
    fn run(&self, parts: &[Statement], returning: usize) -> rusqlite::Result<()> {
        for (k, part) in parts.iter().enumerate() {
            // `$1` to `$n` in order: to SQLite, named parameters numbered as
            // they first appear, so bound by position as bare `?` would be.
            debug_assert!(statement::placeholders_fit(part), "{}", part.text);
            let mut prepared = self.conn.prepare_cached(&part.text)?;
            for (i, (value, ty)) in part.values.iter().enumerate() {
                match value {
                    Value::Null => prepared.raw_bind_parameter(i + 1, rusqlite::types::Null)?,
                    Value::Int(n) => prepared.raw_bind_parameter(i + 1, n)?,
                    // An id or a hash as its bytes ([`rows::Stored::of`]).
                    Value::Text(t) => match rows::bytes_of(t, *ty) {
                        Some(bytes) => prepared.raw_bind_parameter(i + 1, bytes.as_slice())?,
                        None => prepared.raw_bind_parameter(i + 1, t.as_str())?,
                    },
                    Value::Invalid(_) => return Err(rusqlite::Error::InvalidQuery),
                }
            }
            if k < returning {
                // Stepped to its end, so that the statement finishes.
                let mut rows = prepared.raw_query();
                let mut returned = 0;
                while rows.next()?.is_some() {
                    returned += 1;
                }
                if returned != 1 {
                    return Err(rusqlite::Error::QueryReturnedNoRows);
                }
            } else {
                prepared.raw_execute()?;
            }
        }
        Ok(())
    }
}

/// A read-only connection that reads `verify`'s pages in the caller's
/// thread: the queries of [`crate::audit_page`], each page in one read
/// transaction (one snapshot), rows read straight into [`Value`]s rather
/// than copied for, and sent from, sqlx's connection thread.
#[derive(Debug)]
pub(crate) struct DirectReader {
    conn: Connection,
}

impl DirectReader {
    /// A read-only connection to the store file at `path`.
    pub(crate) fn open(path: &Path) -> rusqlite::Result<Self> {
        let conn =
            Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
        conn.busy_timeout(Duration::from_secs(30))?;
        Ok(DirectReader { conn })
    }

    /// A page of `limit` streams after `after`: `Err(Ok(..))` when the
    /// database could not be read (the caller reads through sqlx, which
    /// says why), `Err(Err(..))` when it was and the rows are damaged.
    pub(crate) fn audit_streams(
        &self,
        after: Option<&StreamCursor>,
        limit: u32,
    ) -> Result<Result<AuditPage, StoreError>, rusqlite::Error> {
        self.conn.execute_batch("BEGIN")?;
        let page = self.read_page(after, limit);
        // A read transaction: nothing to keep, nothing to lose.
        let ended = self.conn.execute_batch("ROLLBACK");
        let page = page?;
        ended?;
        Ok(page)
    }

    fn read_page(
        &self,
        after: Option<&StreamCursor>,
        limit: u32,
    ) -> Result<Result<AuditPage, StoreError>, rusqlite::Error> {
        let (listed, reads) = audit_page::queries(true, &SqliteStore::STREAM_IDS);
        let Bind::Int(from) = audit_page::first_key(after, true) else { return Err(rusqlite::Error::InvalidQuery) };
        let limit = i64::from(limit);
        let mut rows = Vec::new();
        self.each_row(&listed, from, limit, |row| {
            rows.push(
                std::iter::once(value(row.get_ref(0)?, ColumnType::Int))
                    .chain(read_row(row, &rows::STREAMS, 1)?)
                    .collect(),
            );
            Ok(())
        })?;
        let mut page = match audit_page::Page::listed(after, true, rows) {
            Ok(page) => page,
            Err(damaged) => return Ok(Err(damaged)),
        };
        if !page.is_empty() {
            for read in &reads {
                self.each_row(&read.text, from, limit, |row| {
                    let owner = (value(row.get_ref(0)?, ColumnType::Text), value(row.get_ref(1)?, ColumnType::Text));
                    page.add(read, owner, read_row(row, read.table, 2)?);
                    Ok(())
                })?;
            }
            if let Some(ids) = page.command_ids() {
                let text = audit_page::commands_query(&SqliteStore::json_uuid_array(1));
                let mut commands = self.conn.prepare_cached(&statement::bare(&text))?;
                commands.raw_bind_parameter(1, ids)?;
                let mut found = commands.raw_query();
                while let Some(row) = found.next()? {
                    page.add_command(read_row(row, &rows::COMMANDS, 0)?);
                }
            }
        }
        Ok(Ok(page.finish()))
    }

    /// `verify`'s store-wide checks ([`crate::audit_store`]), every part in
    /// one read transaction: `Err` when a part could not be read (the caller
    /// reads them all through sqlx, which reports it).
    pub(crate) fn audit_store(&self, parts: &[audit_store::Part]) -> rusqlite::Result<audit_store::Audit> {
        self.conn.execute_batch("BEGIN")?;
        let mut audit = audit_store::Audit::default();
        let read = parts.iter().try_for_each(|part| -> rusqlite::Result<()> {
            audit.begin(part);
            let mut statement = self.conn.prepare(&part.text)?;
            let mut found = statement.raw_query();
            while let Some(r) = found.next()? {
                let row = (0..part.columns.len())
                    .map(|i| Ok(value(r.get_ref(i)?, part.columns[i])))
                    .collect::<rusqlite::Result<Row>>()?;
                audit.add(part, row);
            }
            Ok(())
        });
        // A read transaction: nothing to keep, nothing to lose.
        let ended = self.conn.execute_batch("ROLLBACK");
        read?;
        ended?;
        Ok(audit)
    }

    /// A page of the bulk scan of events ([`crate::scan_page`]): `Err(Ok(..))`
    /// when the database could not be read (the caller reads through sqlx,
    /// which says why), `Err(Err(..))` when it was and the rows are damaged.
    pub(crate) fn scan_events(
        &self,
        unit: Option<&UnitCode>,
        after: Option<&EventCursor>,
        limit: u32,
    ) -> Result<Result<Vec<ScannedEvent>, StoreError>, rusqlite::Error> {
        let row = match after.map(|a| &a.0) {
            Some(CursorPosition::Row(r)) => *r,
            _ => 0,
        };
        let mut scan = self.conn.prepare_cached(&scan_page::BY_ROW.replace('$', "?"))?;
        scan.raw_bind_parameter(1, row)?;
        scan.raw_bind_parameter(2, i64::from(limit))?;
        scan.raw_bind_parameter(3, unit.map_or_else(String::new, |u| u.to_string()))?;
        let mut found = scan.raw_query();
        let mut rows = Vec::with_capacity(usize::try_from(limit).unwrap_or(0).min(100_000));
        while let Some(r) = found.next()? {
            rows.push(ScanRow { row: r.get(0)?, unit: r.get(1)?, stream: r.get(2)?, seq: r.get(3)?, body: r.get(4)? });
        }
        drop(found);
        // Each stream's kind, one look-up each (in this thread, a call, not a round trip).
        let mut kind_of = self.conn.prepare_cached("SELECT kind FROM streams WHERE stream_id = ?1")?;
        let mut kinds = HashMap::new();
        for stream in scan_page::streams_of(&rows) {
            let kind: Option<String> = kind_of.query_row([stream], |r| r.get(0)).optional()?;
            kinds.insert(stream.to_owned(), kind.unwrap_or_default());
        }
        Ok(scan_page::page(rows, &kinds, true, after))
    }

    /// Runs `text` (placeholders `$1`, `$2`) with `first` and `second`,
    /// handing each row to `each`.
    fn each_row(
        &self,
        text: &str,
        first: i64,
        second: i64,
        mut each: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<()>,
    ) -> rusqlite::Result<()> {
        let mut prepared = self.conn.prepare_cached(&statement::bare(text))?;
        prepared.raw_bind_parameter(1, first)?;
        prepared.raw_bind_parameter(2, second)?;
        let mut rows = prepared.raw_query();
        while let Some(row) = rows.next()? {
            each(row)?;
        }
        Ok(())
    }
}

/// A row read in `table`'s columns, from column `offset` on.
fn read_row(row: &rusqlite::Row<'_>, table: &Table, offset: usize) -> rusqlite::Result<Row> {
    table.columns.iter().enumerate().map(|(i, c)| Ok(value(row.get_ref(offset + i)?, c.ty))).collect()
}

/// A value in its column's type, or what was found instead.
fn value(found: ValueRef<'_>, ty: ColumnType) -> Value {
    match (found, ty) {
        (ValueRef::Null, _) => Value::Null,
        (ValueRef::Integer(n), ColumnType::Int) => Value::Int(n),
        (ValueRef::Text(bytes), ColumnType::Text) => match std::str::from_utf8(bytes) {
            Ok(text) => Value::Text(text.to_owned()),
            Err(e) => Value::Invalid(format!("text that is not UTF-8: {e}")),
        },
        (ValueRef::Blob(bytes), ColumnType::Uuid | ColumnType::Hash | ColumnType::Hex(_)) => {
            rows::from_bytes(bytes, ty)
        }
        (other, ty) => {
            let belongs = match ty {
                ColumnType::Int => "an integer",
                ColumnType::Text => "text",
                ColumnType::Uuid | ColumnType::Hash | ColumnType::Hex(_) => "a blob",
            };
            Value::Invalid(format!("{} where {belongs} belongs", other.data_type()))
        }
    }
}

#[cfg(test)]
mod tests {
    use lk3_core::seal::SigningKey;
    use lk3_core::vocab::Stage;

    use crate::rows::Value;
    use crate::verify::{AuditPage, StreamCursor};
    use crate::{CaseStore, CaseStoreExt};

    /// A store in a file of its own (kept while the directory is).
    async fn file_store() -> (tempfile::TempDir, crate::sqlite::SqliteStore) {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite://{}", dir.path().join("store.db").display());
        (dir, crate::sqlite::SqliteStore::open(&url).await.expect("open"))
    }

    /// Appends `events` one command at a time; the case after them.
    async fn append_each(
        store: &crate::sqlite::SqliteStore,
        events: &[lk3_core::case::CaseEventRecord],
    ) -> lk3_core::case::Case {
        let mut before = lk3_core::case::Case::default();
        for e in events {
            store.append(&before, std::slice::from_ref(e)).await.expect("append");
            lk3_core::Decider::apply(&mut before, e);
        }
        before
    }

    /// Every page, `limit` streams at a time, with each unreadable value's
    /// wording (which says what the driver found) left out.
    async fn pages(store: &crate::sqlite::SqliteStore, limit: u32) -> Vec<AuditPage> {
        let mut pages = Vec::new();
        let mut after: Option<StreamCursor> = None;
        loop {
            let mut page = store.audit_streams(after.as_ref(), limit).await.expect("page");
            let Some(next) = page.next.clone() else { break };
            for stream in &mut page.streams {
                let rows = std::iter::once(&mut stream.stream)
                    .chain(&mut stream.events)
                    .chain(&mut stream.seals)
                    .chain(&mut stream.commands)
                    .chain(stream.projection.iter_mut().flat_map(|(_, rows)| rows));
                for value in rows.flatten() {
                    if let Value::Invalid(_) = value {
                        *value = Value::Invalid(String::new());
                    }
                }
            }
            pages.push(page);
            after = Some(next);
        }
        pages
    }

    /// The bulk scan in the caller's thread reads, page by page, exactly
    /// what the sqlx path reads, for every unit and for each one, at page
    /// sizes of one event to more than there are; a stream whose kind was
    /// changed behind lk3's back is the same error either way.
    #[tokio::test]
    async fn the_scan_in_the_callers_thread_reads_what_sqlx_reads() {
        let (_dir, store) = file_store().await;
        let mut world = crate::test_world::World::new();
        let mut units = Vec::new();
        for stage in [Stage::Registrasi, Stage::Ditutup] {
            for other_unit in [false, true] {
                world.unit = if other_unit { "64.72" } else { "64.74" };
                let (_, events) = world.case_at(stage);
                let after = append_each(&store, &events).await;
                units.push(*after.unit().expect("unit"));
            }
        }
        units.sort();
        units.dedup();
        assert_eq!(units.len(), 2);
        let through_sqlx = store.reading_through_sqlx();
        let scan = |store: crate::sqlite::SqliteStore, unit: Option<lk3_core::ids::UnitCode>, limit: u32| async move {
            let mut all = Vec::new();
            let mut after = None;
            loop {
                let page = store.scan_events(unit.as_ref(), after.as_ref(), limit).await?;
                let Some(last) = page.last() else { break };
                after = Some(last.cursor.clone());
                all.push(page);
            }
            Ok::<_, crate::StoreError>(all)
        };
        let every: usize = scan(store.clone(), None, 1000).await.expect("scan").iter().map(Vec::len).sum();
        assert!(every > 20, "{every} events");
        for unit in std::iter::once(None).chain(units.iter().copied().map(Some)) {
            for limit in [1, 7, 1000] {
                let read_before = store.pages_read_in_thread();
                let in_thread = scan(store.clone(), unit, limit).await.expect("scan");
                assert_eq!(store.pages_read_in_thread() - read_before, in_thread.len() + 1, "a page went through sqlx");
                assert_eq!(in_thread, scan(through_sqlx.clone(), unit, limit).await.expect("scan"), "{unit:?} {limit}");
                assert!(in_thread.iter().all(|p| p.len() <= limit as usize));
            }
        }
        sqlx::query("UPDATE streams SET kind = 'kasus' WHERE rowid = 2").execute(store.pool()).await.expect("damage");
        let (in_thread, sqlx_read) = (scan(store.clone(), None, 1000).await, scan(through_sqlx, None, 1000).await);
        let in_thread = in_thread.expect_err("a kind that is none");
        assert_eq!(in_thread.to_string(), sqlx_read.expect_err("a kind that is none").to_string());
    }

    /// The reader in the caller's thread reads, page by page, exactly what
    /// the sqlx path reads: streams of every stage, sealed, with rows
    /// damaged behind lk3's back (a time that is text, a seq that is text, a
    /// body that is not UTF-8, an event gone), and `verify` names the same
    /// problems either way.
    #[tokio::test]
    async fn the_reader_in_the_callers_thread_reads_what_sqlx_reads() {
        let (_dir, store) = file_store().await;
        let mut world = crate::test_world::World::new();
        for (k, stage) in [Stage::Kontak, Stage::Registrasi, Stage::Intervensi, Stage::Ditutup].into_iter().enumerate()
        {
            let (case, events) = world.case_at(stage);
            if k == 1 {
                store.set_signer(Some(SigningKey::from_secret(&[9; 32], *case.unit().expect("unit"))));
            }
            append_each(&store, &events).await;
            store.set_signer(None);
        }
        for damage in [
            "UPDATE events SET occurred_at = 'kemarin' WHERE seq = 2 AND rowid = (SELECT MIN(rowid) FROM events)",
            "UPDATE seals SET seq = 'tiga' WHERE seq = 3",
            "UPDATE events SET body = CAST(X'FF7B' AS TEXT) WHERE seq = 3 AND rowid = (SELECT MAX(rowid) FROM events)",
            "DELETE FROM events WHERE seq = 2 AND rowid = (SELECT MAX(rowid) FROM events WHERE seq = 2)",
        ] {
            sqlx::query(damage).execute(store.pool()).await.expect(damage);
        }
        let through_sqlx = store.reading_through_sqlx();
        for limit in [1, 3, 500] {
            let read_before = store.pages_read_in_thread();
            let in_thread = pages(&store, limit).await;
            // Each page, and the empty one that ends the listing.
            assert_eq!(store.pages_read_in_thread() - read_before, in_thread.len() + 1, "a page went through sqlx");
            assert_eq!(in_thread, pages(&through_sqlx, limit).await, "{limit} a page");
            assert_eq!(in_thread.iter().map(|p| p.streams.len()).sum::<usize>(), 4);
        }
        let (in_thread, sqlx_read) = (
            crate::verify::verify(&store).await.expect("verify"),
            crate::verify::verify(&through_sqlx).await.expect("verify"),
        );
        assert!(!in_thread.is_ok(), "the damage was not seen: {in_thread:?}");
        assert_eq!(in_thread, sqlx_read);
    }

    /// `verify`'s store-wide checks read in the caller's thread find, part
    /// by part, what the sqlx path finds: on a sound store, and on one
    /// damaged behind lk3's back in every part (an orphaned stream, a
    /// dangling command, a manifest that miscounts, a changed checked row, a
    /// note whose text changed, a subject row of no note). A part that cannot
    /// be read (a table gone) sends the whole audit through sqlx, which says why.
    #[tokio::test]
    async fn the_store_audit_in_the_callers_thread_finds_what_sqlx_finds() {
        let (_dir, store) = file_store().await;
        let mut world = crate::test_world::World::new();
        let mut cases = Vec::new();
        for stage in [Stage::Registrasi, Stage::Intervensi, Stage::Ditutup] {
            let (_, events) = world.case_at(stage);
            cases.push(append_each(&store, &events).await);
        }
        let unit = *cases[0].unit().expect("unit");
        for text in ["Catatan pertama.", "Catatan kedua."] {
            let note = crate::personal::NewNote {
                unit,
                case_id: None,
                subjects: vec![],
                sensitivity: lk3_core::vocab::Sensitivity::Biasa,
                text: text.into(),
            };
            store.put_note(&note).await.expect("note");
        }
        let through_sqlx = store.reading_through_sqlx();
        let audits = || async {
            let read_before = store.pages_read_in_thread();
            let in_thread = store.audit_store().await.expect("audit");
            let read = store.pages_read_in_thread() - read_before;
            (in_thread, read, through_sqlx.audit_store().await.expect("audit"))
        };
        let (sound, read, sqlx_read) = audits().await;
        assert_eq!(read, 1, "read in the caller's thread");
        assert_eq!(sound, sqlx_read);
        assert_eq!(sound, crate::verify::StoreAudit { engine: Some(vec![]), ..sound.clone() });
        assert!(sound.orphans.is_empty() && sound.changed.is_empty() && sound.notes.is_empty(), "{sound:?}");
        assert_eq!(sound.manifest, sound.stream_counts);
        for damage in [
            "DELETE FROM streams WHERE rowid = (SELECT MIN(rowid) FROM streams)",
            "UPDATE commands SET first_seq = 99 WHERE command_id = (SELECT MAX(command_id) FROM commands)",
            "UPDATE manifest SET streams = streams + 1",
            "UPDATE notes SET text = 'Diubah.' WHERE digest = (SELECT MIN(digest) FROM notes)",
            "INSERT INTO note_subjects (unit, digest, client_id) VALUES ('64.74', 'ab', 'cd')",
        ] {
            sqlx::query(damage).execute(store.pool()).await.expect(damage);
        }
        let (damaged, read, sqlx_read) = audits().await;
        assert_eq!(read, 1, "read in the caller's thread");
        assert_eq!(damaged, sqlx_read);
        let tables: std::collections::BTreeSet<&str> = damaged.orphans.iter().map(|(t, _, _)| *t).collect();
        assert!(tables.contains("events") && tables.contains("commands"), "{damaged:?}");
        assert_eq!(damaged.dangling_commands.len(), 1, "{damaged:?}");
        assert_eq!(damaged.changed.iter().filter(|(t, _)| *t == "commands").count(), 1, "{damaged:?}");
        assert_ne!(damaged.manifest, damaged.stream_counts);
        let notes: Vec<&str> = damaged.notes.iter().map(|(_, _, what)| *what).collect();
        assert_eq!(notes, [crate::verify::NOTE_TEXT, crate::verify::NOTE_SUBJECTS], "{damaged:?}");
        assert!(damaged.unreadable.is_empty() && damaged.migrations.is_empty(), "{damaged:?}");
        sqlx::query("DROP TABLE attachments").execute(store.pool()).await.expect("drop");
        let (gone, read, sqlx_read) = audits().await;
        assert_eq!(read, 0, "a part that cannot be read goes through sqlx");
        assert_eq!(gone, sqlx_read);
        // Its checked rows, and the notes' part that reads attachments.
        let what: Vec<&str> = gone.unreadable.iter().filter_map(|u| u.split(" could not be read").next()).collect();
        assert_eq!(what, ["attachments", "notes"], "{:?}", gone.unreadable);
    }
}
