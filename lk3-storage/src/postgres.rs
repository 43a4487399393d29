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
    signer: crate::trust::SignerSlot,
}

impl PostgresStore {
    /// How `verify` opens its read of one snapshot.
    const READ_SNAPSHOT: &'static str = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
    /// What runs after an erasure, so that no copy of the erased data stays
    /// in a log beside the database.
    const AFTER_ERASURE: Option<&'static str> = None;
    /// The database's own integrity check, if it has one.
    const INTEGRITY_CHECK: Option<[&'static str; 3]> = None;
    /// Bulk scans walk the table in row order (true) or the primary key.
    const SCAN_BY_ROW: bool = false;
    /// One statement a query (the extended protocol).
    const MANY_STATEMENTS_A_QUERY: bool = false;
    const BACKEND: &'static str = "postgres";
    /// The values of a JSON array of text bound as parameter `param`, as a subquery.
    fn json_text_array(param: usize) -> String {
        format!("SELECT jsonb_array_elements_text(CAST(${param} AS jsonb))")
    }

    /// The ids of a JSON array of their text bound as parameter `param`, as
    /// a subquery of their stored bytes ([`rows::ColumnType::Uuid`]).
    fn json_uuid_array(param: usize) -> String {
        format!(
            "SELECT decode(replace(v, '-', ''), 'hex') FROM jsonb_array_elements_text(CAST(${param} AS jsonb)) AS v"
        )
    }

    /// A stream id's two forms ([`sql::StreamIdSql`]); `decode` fails on
    /// what is not hex, so only an id's text is decoded.
    const STREAM_IDS: sql::StreamIdSql = sql::StreamIdSql {
        hex: |column| format!("encode({column}, 'hex')"),
        bytes: |column| {
            format!(
                "(CASE WHEN {column} ~ '^[0-9a-f]{{8}}-[0-9a-f]{{4}}-[0-9a-f]{{4}}-[0-9a-f]{{4}}-[0-9a-f]{{12}}$' \
                 THEN decode(replace({column}, '-', ''), 'hex') END)"
            )
        },
    };

    /// The migrations, in order: the schema of a store of this build.
    const MIGRATIONS: &'static [&'static str] = &[
        include_str!("../migrations/postgres/0001_init.sql"),
        include_str!("../migrations/postgres/0002_retries_numbers_manifest.sql"),
        include_str!("../migrations/postgres/0003_seals_trusted_keys.sql"),
        include_str!("../migrations/postgres/0004_last_written_case_clients.sql"),
        include_str!("../migrations/postgres/0005_partners.sql"),
        include_str!("../migrations/postgres/0006_transfers.sql"),
        include_str!("../migrations/postgres/0007_client_merges.sql"),
        include_str!("../migrations/postgres/0008_sensitivity_attachments_access_log.sql"),
        include_str!("../migrations/postgres/0009_unclassified_notes_secret.sql"),
        include_str!("../migrations/postgres/0010_case_clients_covering.sql"),
        include_str!("../migrations/postgres/0011_summary_channel_sasaran_partner.sql"),
        include_str!("../migrations/postgres/0012_canonical_bodies.sql"),
        include_str!("../migrations/postgres/0013_ids_and_hashes_as_bytes.sql"),
        include_str!("../migrations/postgres/0014_stream_ids_as_bytes.sql"),
    ];

    /// Connects to `postgres://...` and brings the schema up to date.
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        Self::open_with_pool(url, 16).await
    }

    /// [`PostgresStore::open`] with at most `connections` connections.
    pub async fn open_with_pool(url: &str, connections: u32) -> Result<Self, StoreError> {
        let pool = connect(url, connections, false).await?;
        let before = schema_version(&pool).await?;
        match before {
            Some(found) => sql::check_schema(Some(found))?,
            // lk3 makes its tables only in an empty database, never beside another program's.
            None if has_tables(&pool).await? => return Err(not_a_store(url)),
            None => {}
        }
        sql::migrator(Self::MIGRATIONS).run(&pool).await?;
        let store = PostgresStore { pool, signer: Default::default() };
        store.check_note_sensitivity(before.is_some_and(|v| v < 2)).await?;
        if before.is_some_and(|v| v < 2) {
            store.check_legacy_rows().await?;
        }
        store.refresh_summaries().await?;
        store.rewrite_bodies().await?;
        Ok(store)
    }

    /// Connects for reading only: every transaction is read-only, nothing is
    /// migrated; a database without lk3's tables is [`StoreError::NotAStore`],
    /// one of an older schema [`StoreError::SchemaTooOld`].
    pub async fn open_read_only(url: &str) -> Result<Self, StoreError> {
        let pool = connect(url, 4, true).await?;
        match schema_version(&pool).await? {
            None => Err(not_a_store(url)),
            Some(found) if found < sql::SCHEMA_VERSION => {
                Err(StoreError::SchemaTooOld { found, supported: sql::SCHEMA_VERSION })
            }
            Some(found) => {
                sql::check_schema(Some(found))?;
                sql::refuse_unfinished_upgrade(sql_impl::unfinished_upgrade(&pool).await?)?;
                Ok(PostgresStore { pool, signer: Default::default() })
            }
        }
    }

    /// The connection pool, for tools that read the tables directly.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Writers take connections from the pool: the server orders them.
    fn writer_slot(&self) -> Option<&sql::WriterSlot<sqlx::PgConnection>> {
        None
    }

    /// Every append goes through the pool (no connection in the caller's thread).
    fn append_in_thread(
        &self,
        _: &crate::model::Batch,
        _: Option<&lk3_core::seal::SigningKey>,
    ) -> Option<crate::model::AppendOutcome> {
        None
    }

    /// Nothing to close: see [`PostgresStore::append_in_thread`].
    fn close_in_thread(&self) {}

    /// Every page of the bulk scan is read through the pool.
    fn scan_events_in_thread(
        &self,
        _: Option<&lk3_core::ids::UnitCode>,
        _: Option<&crate::model::EventCursor>,
        _: u32,
    ) -> Option<Result<Vec<crate::model::ScannedEvent>, StoreError>> {
        None
    }

    /// Every page of `verify` is read through the pool.
    fn audit_streams_in_thread(
        &self,
        _: Option<&crate::verify::StreamCursor>,
        _: u32,
    ) -> Option<Result<crate::verify::AuditPage, StoreError>> {
        None
    }

    /// `verify`'s store-wide checks are read through the pool.
    fn audit_store_in_thread(&self, _: &[crate::audit_store::Part]) -> Option<crate::audit_store::Audit> {
        None
    }

    fn statement_text(text: &str) -> AssertSqlSafe<String> {
        AssertSqlSafe(text.to_owned())
    }

    fn stmt(text: &'static str) -> &'static str {
        text
    }

    fn stmt_owned(text: String) -> AssertSqlSafe<String> {
        AssertSqlSafe(text)
    }
}

sql_store!(PostgresStore, sqlx::Postgres, begin = None::<&'static str>);

/// A pool to `url`, after one direct connection: a refused or unknown
/// server fails at once instead of after the pool's acquire timeout.
async fn connect(url: &str, connections: u32, read_only: bool) -> Result<PgPool, StoreError> {
    let unavailable = |e: sqlx::Error| StoreError::Unavailable { message: format!("{}: {e}", crate::redact_url(url)) };
    let mut options = PgConnectOptions::from_str(url).map_err(|_| StoreError::Url { url: crate::redact_url(url) })?;
    if read_only {
        options = options.options([("default_transaction_read_only", "on")]);
    }
    let probe =
        tokio::time::timeout(CONNECT_TIMEOUT, options.connect()).await.map_err(|_| StoreError::Unavailable {
            message: format!("{}: no answer within {} s", crate::redact_url(url), CONNECT_TIMEOUT.as_secs()),
        })?;
    probe.map_err(unavailable)?.close().await.map_err(unavailable)?;
    PgPoolOptions::new().max_connections(connections).connect_with(options).await.map_err(unavailable)
}

/// The newest migration applied, `None` when the database has no lk3 schema.
async fn schema_version(pool: &PgPool) -> Result<Option<i64>, StoreError> {
    let exists: bool =
        sqlx::query("SELECT to_regclass('_sqlx_migrations') IS NOT NULL").fetch_one(pool).await?.try_get(0)?;
    if !exists {
        return Ok(None);
    }
    Ok(sqlx::query("SELECT MAX(version) FROM _sqlx_migrations").fetch_one(pool).await?.try_get(0)?)
}

/// Whether the database's current schema holds any table.
async fn has_tables(pool: &PgPool) -> Result<bool, StoreError> {
    Ok(sqlx::query("SELECT 1 FROM pg_tables WHERE schemaname = current_schema() LIMIT 1")
        .fetch_optional(pool)
        .await?
        .is_some())
}

fn not_a_store(url: &str) -> StoreError {
    StoreError::NotAStore { location: crate::redact_url(url), reason: crate::error::NO_LK3_TABLES.to_owned() }
}
