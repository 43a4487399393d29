//! The embedded default: one SQLite file (bundled SQLite, no server), in
//! WAL mode with `synchronous = FULL`, so a committed append survives a
//! crash or a power cut. Writers take the write lock when their transaction
//! begins (`BEGIN IMMEDIATE`), so two appends never interleave.

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{AssertSqlSafe, Row};

use crate::StoreError;
use crate::sql::{self, sql_store};

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
}

impl SqliteStore {
    /// Bulk scans walk the table in row order (true) or the primary key.
    const SCAN_BY_ROW: bool = true;
    const BACKEND: &'static str = "sqlite";

    /// Opens (creating if missing) the store at `url` (`sqlite://PATH`,
    /// `sqlite:PATH` or `sqlite::memory:`) with durable commits, and brings
    /// its schema up to date.
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
            .foreign_keys(true);
        // Each connection to `:memory:` is its own empty database.
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        let pool =
            SqlitePoolOptions::new().max_connections(if in_memory { 1 } else { 4 }).connect_with(options).await?;
        let exists = sqlx::query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'")
            .fetch_optional(&pool)
            .await?
            .is_some();
        if exists {
            let found: Option<i64> =
                sqlx::query("SELECT MAX(version) FROM _sqlx_migrations").fetch_one(&pool).await?.try_get(0)?;
            sql::check_schema(found)?;
        }
        sql::migrator(&[
            include_str!("../migrations/sqlite/0001_init.sql"),
            include_str!("../migrations/sqlite/0002_retries_numbers_manifest.sql"),
        ])
        .run(&pool)
        .await?;
        Ok(SqliteStore { pool })
    }

    /// The connection pool, for tools that read the tables directly.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Closes the pool, checkpointing the WAL.
    pub async fn close(&self) {
        self.pool.close().await
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
