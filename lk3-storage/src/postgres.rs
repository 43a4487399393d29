//! PostgreSQL, for a province or the nation: many writers, one server.
//! An append moves the stream's head with one conditional `UPDATE` (only at
//! the expected version): the row lock orders concurrent writers and the
//! later one finds the version moved, a typed conflict. Every table is keyed first by unit, ready for a distributed
//! PostgreSQL (Citus, distribution key = unit).

use std::str::FromStr;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{AssertSqlSafe, ConnectOptions, Connection, Row};

use crate::StoreError;
use crate::sql::{self, sql_store};

/// How long opening waits for the server to answer.
const CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// A store in a PostgreSQL database.
#[derive(Debug, Clone)]
pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    /// Bulk scans walk the table in row order (true) or the primary key.
    const SCAN_BY_ROW: bool = false;
    const BACKEND: &'static str = "postgres";

    /// Connects to `postgres://...` and brings the schema up to date.
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        Self::open_with_pool(url, 16).await
    }

    /// [`PostgresStore::open`] with at most `connections` connections.
    pub async fn open_with_pool(url: &str, connections: u32) -> Result<Self, StoreError> {
        let unavailable =
            |e: sqlx::Error| StoreError::Unavailable { message: format!("{}: {e}", crate::redact_url(url)) };
        let options = PgConnectOptions::from_str(url).map_err(|_| StoreError::Url { url: crate::redact_url(url) })?;
        // One direct connection first: a refused or unknown server fails at
        // once instead of after the pool's acquire timeout.
        let probe =
            tokio::time::timeout(CONNECT_TIMEOUT, options.connect()).await.map_err(|_| StoreError::Unavailable {
                message: format!("{}: no answer within {} s", crate::redact_url(url), CONNECT_TIMEOUT.as_secs()),
            })?;
        probe.map_err(unavailable)?.close().await.map_err(unavailable)?;
        let pool =
            PgPoolOptions::new().max_connections(connections).connect_with(options).await.map_err(unavailable)?;
        let exists: bool =
            sqlx::query("SELECT to_regclass('_sqlx_migrations') IS NOT NULL").fetch_one(&pool).await?.try_get(0)?;
        if exists {
            let found: Option<i64> =
                sqlx::query("SELECT MAX(version) FROM _sqlx_migrations").fetch_one(&pool).await?.try_get(0)?;
            sql::check_schema(found)?;
        }
        sql::migrator(&[
            include_str!("../migrations/postgres/0001_init.sql"),
            include_str!("../migrations/postgres/0002_retries_numbers_manifest.sql"),
        ])
        .run(&pool)
        .await?;
        Ok(PostgresStore { pool })
    }

    /// The connection pool, for tools that read the tables directly.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Closes the pool.
    pub async fn close(&self) {
        self.pool.close().await
    }

    fn stmt(text: &'static str) -> &'static str {
        text
    }

    fn stmt_owned(text: String) -> AssertSqlSafe<String> {
        AssertSqlSafe(text)
    }
}

sql_store!(PostgresStore, sqlx::Postgres, begin = None::<&'static str>);
