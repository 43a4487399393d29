//! The embedded default: one SQLite file (bundled SQLite, no server), in
//! WAL mode with `synchronous = FULL`, so a committed append survives a
//! crash or a power cut. Writers take the write lock when their transaction
//! begins (`BEGIN IMMEDIATE`), so two appends never interleave. A store
//! writes through one connection it holds between writes, so the writers of
//! one store (and its clones) wait for each other in turn rather than on the
//! file's lock; an append of one batch is written in the caller's thread
//! (`sqlite_direct`), and otherwise goes as one query.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{AssertSqlSafe, Row};

use crate::StoreError;
use crate::model::{AppendOutcome, Batch};
use crate::rows;
use crate::sql::{self, sql_store};
use crate::sqlite_direct::{DirectReader, DirectWriter};

/// Durability of a commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Durability {
    /// Every commit is on disk before it returns (`synchronous = FULL`). The default.
    #[default]
    Full,
    /// Commits may be lost on a power cut, never corrupted (`synchronous = NORMAL`):
    /// for bulk loads that can be rerun.
    Normal,
}

/// A store in one SQLite file.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    signer: crate::trust::SignerSlot,
    /// `None` for `:memory:` (whose pool has its one connection) and for a
    /// store opened read-only.
    writer: Option<sql::WriterSlot<SqliteConnection>>,
    /// The connection that appends one batch in the caller's thread
    /// ([`crate::sqlite_direct`]), used only under the writer slot: `None`
    /// where `writer` is.
    direct: Option<Arc<Mutex<DirectSlot>>>,
    /// The file `verify` reads in the caller's thread ([`DirectReader`]),
    /// opened on its first page; `None` in memory and on read-only media.
    reader: Option<Arc<Mutex<ReaderSlot>>>,
    /// In memory: a connection of the store's own, never the pool's, held
    /// until the store is closed. A database in memory lives as long as a
    /// connection to it: without this one, the pool closing its connection
    /// (after a write dropped part way, or idle too long) would lose it all.
    memory: Option<Arc<Mutex<Option<SqliteConnection>>>>,
}

/// Where the store's [`DirectReader`] is opened from, and the reader once it is.
#[derive(Debug)]
struct ReaderSlot {
    path: PathBuf,
    reader: Option<DirectReader>,
    closed: bool,
    /// Reads it answered (the tests' view of which path a read took).
    pages: usize,
}

impl ReaderSlot {
    fn of(path: &Path) -> Arc<Mutex<ReaderSlot>> {
        Arc::new(Mutex::new(ReaderSlot { path: path.to_owned(), reader: None, closed: false, pages: 0 }))
    }
}

/// Where the store's [`DirectWriter`] is opened from, and the writer once it is.
#[derive(Debug)]
struct DirectSlot {
    path: PathBuf,
    durability: Durability,
    writer: Option<DirectWriter>,
    closed: bool,
    /// Appends written by it (the tests' view of which path an append took).
    appended: usize,
}

impl SqliteStore {
    /// How `verify` opens its read of one snapshot.
    const READ_SNAPSHOT: &'static str = "BEGIN";
    /// What runs after an erasure, so that no copy of the erased data stays
    /// in a log beside the database.
    const AFTER_ERASURE: Option<&'static str> = Some("PRAGMA wal_checkpoint(TRUNCATE)");
    /// The database's own integrity check, if it has one, between the
    /// statements that set the page cache it reads with and the cache after
    /// it: with the default 2 MB it reads pages again and again (a 1.4 GB
    /// store: 13 s, with 64 MB 8 s).
    const INTEGRITY_CHECK: Option<[&'static str; 3]> =
        Some(["PRAGMA cache_size = -65536", "PRAGMA integrity_check", "PRAGMA cache_size = -2000"]);
    /// Bulk scans walk the table in row order (true) or the primary key.
    const SCAN_BY_ROW: bool = true;
    /// Runs many statements in one query: an append is one round trip to
    /// the connection's thread ([`crate::statement::at_once`]).
    const MANY_STATEMENTS_A_QUERY: bool = true;
    const BACKEND: &'static str = "sqlite";
    /// The values of a JSON array of text bound as parameter `param`, as a subquery.
    pub(crate) fn json_text_array(param: usize) -> String {
        format!("SELECT value FROM json_each(${param})")
    }

    /// The ids of a JSON array of their text bound as parameter `param`, as
    /// a subquery of their stored bytes ([`rows::ColumnType::Uuid`]).
    pub(crate) fn json_uuid_array(param: usize) -> String {
        format!("SELECT unhex(replace(value, '-', '')) FROM json_each(${param})")
    }

    /// A stream id's two forms ([`sql::StreamIdSql`]); `unhex` is NULL for
    /// what is not hex.
    pub(crate) const STREAM_IDS: sql::StreamIdSql = sql::StreamIdSql {
        hex: |column| format!("lower(hex({column}))"),
        bytes: |column| format!("unhex(replace({column}, '-', ''))"),
    };

    /// The migrations, in order: the schema of a store of this build.
    const MIGRATIONS: &'static [&'static str] = &[
        include_str!("../migrations/sqlite/0001_init.sql"),
        include_str!("../migrations/sqlite/0002_retries_numbers_manifest.sql"),
        include_str!("../migrations/sqlite/0003_seals_trusted_keys.sql"),
        include_str!("../migrations/sqlite/0004_last_written_case_clients.sql"),
        include_str!("../migrations/sqlite/0005_partners.sql"),
        include_str!("../migrations/sqlite/0006_transfers.sql"),
        include_str!("../migrations/sqlite/0007_client_merges.sql"),
        include_str!("../migrations/sqlite/0008_sensitivity_attachments_access_log.sql"),
        include_str!("../migrations/sqlite/0009_unclassified_notes_secret.sql"),
        include_str!("../migrations/sqlite/0010_case_clients_covering.sql"),
        include_str!("../migrations/sqlite/0011_summary_channel_sasaran_partner.sql"),
        include_str!("../migrations/sqlite/0012_canonical_bodies.sql"),
        include_str!("../migrations/sqlite/0013_ids_and_hashes_as_bytes.sql"),
        include_str!("../migrations/sqlite/0014_stream_ids_as_bytes.sql"),
    ];

    /// Opens (creating if missing) the store at `url` (`sqlite://PATH`,
    /// `sqlite:PATH` or `sqlite::memory:`) with durable commits, and brings
    /// its schema up to date. A new file is created readable and writable by
    /// its owner only (0600), and so are its `-wal` and `-shm` files, which
    /// take the file's permissions; deleted content is overwritten with
    /// zeros (`secure_delete`), so that erased personal data leaves no trace
    /// in free pages.
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        Self::open_with(url, Durability::Full).await
    }

    /// [`SqliteStore::open`] with a chosen durability.
    pub async fn open_with(url: &str, durability: Durability) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|_| StoreError::Url { url: crate::redact_url(url) })?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(match durability {
                Durability::Full => SqliteSynchronous::Full,
                Durability::Normal => SqliteSynchronous::Normal,
            })
            .busy_timeout(Duration::from_secs(30))
            .row_buffer_size(ROWS_BUFFERED)
            .pragma("secure_delete", "ON")
            .foreign_keys(true);
        // A database in memory is shared by the connections of this store
        // (sqlx names `:memory:` uniquely, with a shared cache) while one is open.
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        let path = options.get_filename().to_owned();
        let memory = match in_memory {
            true => {
                let held = sqlx::ConnectOptions::connect(&options).await.map_err(|e| not_a_store(url, e))?;
                Some(Arc::new(Mutex::new(Some(held))))
            }
            false => {
                create_owner_only(&path)?;
                None
            }
        };
        // A file needs no ping before each use: that is a round trip to the
        // connection's thread on every command.
        let pool = SqlitePoolOptions::new()
            .test_before_acquire(false)
            .max_connections(if in_memory { 1 } else { 4 })
            .connect_with(options)
            .await
            .map_err(|e| not_a_store(url, e))?;
        let before = schema_version(&pool).await.map_err(|e| not_a_store(url, e))?;
        match before {
            Some(found) => {
                sql::check_schema(Some(found))?;
                check_schema_text(&pool, found).await?;
            }
            // lk3 makes its tables only in an empty file, never in another program's database.
            None if has_tables(&pool).await? => return Err(not_a_store_reason(url, crate::error::NO_LK3_TABLES)),
            None => {}
        }
        sql::migrator(Self::MIGRATIONS).run(&pool).await?;
        let writer = (!in_memory).then(sql::WriterSlot::default);
        let reader = (!in_memory).then(|| ReaderSlot::of(&path));
        let direct = (!in_memory)
            .then(|| Arc::new(Mutex::new(DirectSlot { path, durability, writer: None, closed: false, appended: 0 })));
        let store = SqliteStore { pool, signer: Default::default(), writer, direct, reader, memory };
        store.check_note_sensitivity(before.is_some_and(|v| v < 2)).await?;
        if before.is_some_and(|v| v < 2) {
            store.check_legacy_rows().await?;
        }
        store.refresh_summaries().await?;
        store.rewrite_bodies().await?;
        Ok(store)
    }

    /// Opens the store at `url` for reading only (`mode=ro`): nothing is
    /// created or written, not even on a missing, empty or foreign file,
    /// which is refused as [`StoreError::NotAStore`]; a store of an older
    /// schema is refused as [`StoreError::SchemaTooOld`] (opening it for
    /// writing upgrades it). Works on read-only media.
    pub async fn open_read_only(url: &str) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|_| StoreError::Url { url: crate::redact_url(url) })?
            .read_only(true)
            .create_if_missing(false)
            .busy_timeout(Duration::from_secs(30))
            .row_buffer_size(ROWS_BUFFERED)
            .foreign_keys(true);
        let path = options.get_filename().to_owned();
        match std::fs::metadata(&path) {
            Ok(meta) if meta.is_file() => {}
            Ok(_) => return Err(not_a_store_reason(url, "it is not a regular file")),
            Err(_) => return Err(not_a_store_reason(url, crate::error::NOT_FOUND)),
        }
        let pool = SqlitePoolOptions::new().max_connections(4).connect_with(options.clone()).await;
        let read = match pool {
            Ok(pool) => schema_version(&pool).await.map(|found| (pool, found)),
            Err(e) => Err(e),
        };
        // The reader in the caller's thread opens as `mode=ro` does; not immutable.
        let mut reader = Some(ReaderSlot::of(&path));
        let (pool, found) = match read {
            Ok(read) => read,
            // A store in WAL mode on read-only media: SQLite cannot create the
            // `-shm` index beside it, and no writer can be at work there (a
            // writer would have made one), so the file is read as it is.
            Err(e) if cannot_open(&e) => {
                let pool = SqlitePoolOptions::new()
                    .max_connections(4)
                    .connect_with(options.immutable(true))
                    .await
                    .map_err(|e| not_a_store(url, e))?;
                reader = None;
                let found = schema_version(&pool).await.map_err(|e| not_a_store(url, e))?;
                (pool, found)
            }
            Err(e) => return Err(not_a_store(url, e)),
        };
        match found {
            None => Err(not_a_store_reason(url, crate::error::NO_LK3_TABLES)),
            Some(found) if found < sql::SCHEMA_VERSION => {
                Err(StoreError::SchemaTooOld { found, supported: sql::SCHEMA_VERSION })
            }
            Some(found) => {
                sql::check_schema(Some(found))?;
                check_schema_text(&pool, found).await?;
                sql::refuse_unfinished_upgrade(sql_impl::unfinished_upgrade(&pool).await?)?;
                Ok(SqliteStore { pool, signer: Default::default(), writer: None, direct: None, reader, memory: None })
            }
        }
    }

    /// The connection pool, for tools that read the tables directly.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    fn writer_slot(&self) -> Option<&sql::WriterSlot<SqliteConnection>> {
        self.writer.as_ref()
    }

    /// Appends one batch in the caller's thread ([`crate::sqlite_direct`]),
    /// opening that connection on the first append: `None` (nothing
    /// written) when that path does not answer, for the sqlx path. Called
    /// only with the writer slot held.
    fn append_in_thread(&self, batch: &Batch, signer: Option<&lk3_core::seal::SigningKey>) -> Option<AppendOutcome> {
        let mut slot = self.direct.as_ref()?.lock().ok()?;
        if slot.closed {
            return None;
        }
        if slot.writer.is_none() {
            slot.writer = DirectWriter::open(&slot.path, slot.durability).ok();
        }
        match slot.writer.as_mut()?.append(batch, signer) {
            Ok(outcome) => {
                slot.appended += usize::from(outcome.is_some());
                outcome
            }
            Err(_) => {
                // Left inside a transaction it could not end: closed, and opened again next time.
                slot.writer = None;
                None
            }
        }
    }

    /// A page of `verify` read in the caller's thread ([`DirectReader`]):
    /// `None` when the file could not be read so (the sqlx path then reads
    /// it, and says why), or another read is at work on the reader.
    fn audit_streams_in_thread(
        &self,
        after: Option<&crate::verify::StreamCursor>,
        limit: u32,
    ) -> Option<Result<crate::verify::AuditPage, StoreError>> {
        self.read_in_thread(|reader| reader.audit_streams(after, limit))
    }

    /// `verify`'s store-wide checks read in the caller's thread
    /// ([`DirectReader`]): `None` as for [`SqliteStore::audit_streams_in_thread`],
    /// and when any part could not be read (the sqlx path reports it).
    fn audit_store_in_thread(&self, parts: &[crate::audit_store::Part]) -> Option<crate::audit_store::Audit> {
        self.read_in_thread(|reader| reader.audit_store(parts).map(Ok))?.ok()
    }

    /// A page of the bulk scan of events read in the caller's thread
    /// ([`DirectReader`]): `None` as for [`SqliteStore::audit_streams_in_thread`].
    fn scan_events_in_thread(
        &self,
        unit: Option<&lk3_core::ids::UnitCode>,
        after: Option<&crate::model::EventCursor>,
        limit: u32,
    ) -> Option<Result<Vec<crate::model::ScannedEvent>, StoreError>> {
        self.read_in_thread(|reader| reader.scan_events(unit, after, limit))
    }

    /// Runs `read` on the reader in the caller's thread, opening it on the
    /// first read: `None` when the file could not be read so (the sqlx path
    /// then reads it, and says why), or another read is at work on it.
    fn read_in_thread<T>(
        &self,
        read: impl FnOnce(&DirectReader) -> Result<Result<T, StoreError>, rusqlite::Error>,
    ) -> Option<Result<T, StoreError>> {
        let mut slot = self.reader.as_ref()?.try_lock().ok()?;
        if slot.closed {
            return None;
        }
        if slot.reader.is_none() {
            slot.reader = DirectReader::open(&slot.path).ok();
        }
        match read(slot.reader.as_ref()?) {
            Ok(found) => {
                slot.pages += 1;
                Some(found)
            }
            Err(_) => {
                slot.reader = None;
                None
            }
        }
    }

    /// How many reads [`SqliteStore::read_in_thread`] answered.
    #[cfg(test)]
    pub(crate) fn pages_read_in_thread(&self) -> usize {
        self.reader.as_ref().and_then(|r| r.lock().ok()).map_or(0, |slot| slot.pages)
    }

    /// The store without its reader in the caller's thread: every page
    /// read through sqlx.
    #[cfg(test)]
    pub(crate) fn reading_through_sqlx(&self) -> Self {
        SqliteStore { reader: None, ..self.clone() }
    }

    /// How many appends [`SqliteStore::append_in_thread`] wrote.
    #[cfg(test)]
    pub(crate) fn appended_in_thread(&self) -> usize {
        self.direct.as_ref().and_then(|d| d.lock().ok()).map_or(0, |slot| slot.appended)
    }

    /// Closes the connections of [`SqliteStore::append_in_thread`] and
    /// [`SqliteStore::audit_streams_in_thread`] for good.
    fn close_in_thread(&self) {
        if let Some(mut slot) = self.direct.as_ref().and_then(|d| d.lock().ok()) {
            slot.closed = true;
            slot.writer = None;
        }
        if let Some(mut slot) = self.reader.as_ref().and_then(|r| r.lock().ok()) {
            slot.closed = true;
            slot.reader = None;
        }
        // The database in memory goes with its last connection.
        if let Some(mut held) = self.memory.as_ref().and_then(|m| m.lock().ok()) {
            held.take();
        }
    }

    // The statements of `crate::statement` (in order, each value once) as
    // bare `?`: a numbered one costs SQLite a search of its names per value.
    fn statement_text(text: &str) -> AssertSqlSafe<String> {
        AssertSqlSafe(crate::statement::bare(text))
    }

    fn stmt(text: &'static str) -> AssertSqlSafe<String> {
        Self::stmt_owned(text.to_owned())
    }

    // Statements are written with `$n`; SQLite's numbered form is `?n`.
    fn stmt_owned(text: String) -> AssertSqlSafe<String> {
        AssertSqlSafe(text.replace('$', "?"))
    }
}

sql_store!(SqliteStore, sqlx::Sqlite, begin = Some("BEGIN IMMEDIATE"));

/// Rows a connection's thread may read ahead of the caller (sqlx's default
/// is 50): with a short channel, the thread and the caller wake each other
/// every few rows of a long read (verify, the events table, `lk3 cases`).
const ROWS_BUFFERED: usize = 4096;

/// The newest migration applied, `None` when the file has no lk3 schema.
async fn schema_version(pool: &SqlitePool) -> Result<Option<i64>, sqlx::Error> {
    let exists = sqlx::query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'")
        .fetch_optional(pool)
        .await?
        .is_some();
    if !exists {
        return Ok(None);
    }
    sqlx::query("SELECT MAX(version) FROM _sqlx_migrations").fetch_one(pool).await?.try_get(0)
}

/// The schema entries (type, name, table, SQL) of a database, as stored.
async fn schema_entries(pool: &SqlitePool) -> Result<Vec<Vec<rows::Value>>, StoreError> {
    let found =
        sqlx::query("SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name").fetch_all(pool).await?;
    Ok(found
        .iter()
        .map(|r| {
            (0..4)
                .map(|i| match r.try_get::<Option<String>, _>(i) {
                    Ok(Some(v)) => rows::Value::Text(v),
                    Ok(None) => rows::Value::Null,
                    Err(e) => rows::Value::Invalid(e.to_string()),
                })
                .collect()
        })
        .collect())
}

/// Refuses a store whose schema is not the one lk3's migrations make (the
/// text SQLite keeps of every table and index): a schema changed outside
/// lk3 is found before any query reads through it.
async fn check_schema_text(pool: &SqlitePool, version: i64) -> Result<(), StoreError> {
    let stored = schema_entries(pool).await?;
    let reference = reference_schema(version).await?;
    match stored.iter().zip(&reference).find(|(a, b)| a != b) {
        None if stored.len() == reference.len() => Ok(()),
        found => {
            let name = found
                .and_then(|(a, _)| a.get(1))
                .and_then(rows::Value::as_text)
                .map_or_else(|| "an entry".to_owned(), |n| n.chars().take(64).collect());
            Err(StoreError::SchemaChanged { what: format!("sqlite_schema: {name}") })
        }
    }
}

/// The schema entries a store of `version` has: made once per version in a
/// database in memory by the same migrations.
async fn reference_schema(version: i64) -> Result<Vec<Vec<rows::Value>>, StoreError> {
    static MADE: std::sync::Mutex<Vec<(i64, Vec<Vec<rows::Value>>)>> = std::sync::Mutex::new(Vec::new());
    if let Some((_, entries)) = MADE.lock().ok().and_then(|m| m.iter().find(|(v, _)| *v == version).cloned()) {
        return Ok(entries);
    }
    let upto = usize::try_from(version).unwrap_or(0).min(SqliteStore::MIGRATIONS.len());
    let pool = SqlitePoolOptions::new().max_connections(1).connect("sqlite::memory:").await?;
    sql::migrator(&SqliteStore::MIGRATIONS[..upto]).run(&pool).await?;
    let entries = schema_entries(&pool).await?;
    pool.close().await;
    if let Ok(mut made) = MADE.lock() {
        made.push((version, entries.clone()));
    }
    Ok(entries)
}

/// Whether the database holds any table at all.
async fn has_tables(pool: &SqlitePool) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query("SELECT 1 FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' LIMIT 1")
        .fetch_optional(pool)
        .await?
        .is_some())
}

/// Creates a missing store file, empty, owner-only (SQLite then creates its
/// `-wal` and `-shm` with the same permissions). An existing file is left
/// as it is.
fn create_owner_only(path: &Path) -> Result<(), StoreError> {
    let mut create = std::fs::OpenOptions::new();
    create.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut create, 0o600);
    match create.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(StoreError::Unavailable { message: format!("{}: {e}", path.display()) }),
    }
}

fn not_a_store_reason(url: &str, reason: &str) -> StoreError {
    StoreError::NotAStore { location: crate::redact_url(url), reason: reason.to_owned() }
}

/// SQLite could not open the file or a file beside it (`SQLITE_CANTOPEN`).
fn cannot_open(e: &sqlx::Error) -> bool {
    e.as_database_error().is_some_and(|d| d.message().contains("unable to open"))
}

/// A file SQLite will not read as a database is not a store; other errors
/// (locked, unreadable) are what they are.
fn not_a_store(url: &str, e: sqlx::Error) -> StoreError {
    let is_not_db = e
        .as_database_error()
        .is_some_and(|d| d.message().contains("not a database") || d.message().contains("malformed"));
    if is_not_db {
        return not_a_store_reason(url, crate::error::NOT_A_DATABASE);
    }
    StoreError::from(e)
}
