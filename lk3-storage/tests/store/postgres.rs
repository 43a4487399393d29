//! The conformance suite on a real PostgreSQL server. `scripts/test.sh`
//! starts a throwaway cluster and sets `LK3_TEST_PG_URL`; each test gets a
//! database of its own. Without the URL the tests fail under CI=true and
//! are skipped (with a message) elsewhere.

use crate::conformance;

use std::sync::Arc;

use lk3_core::{ErrorCode, Lk3Error};
use lk3_storage::CaseStore;
use lk3_storage::postgres::PostgresStore;

/// A URL to a fresh, empty database on the test server.
async fn fresh_database() -> Option<String> {
    let Ok(base) = std::env::var("LK3_TEST_PG_URL") else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "LK3_TEST_PG_URL is not set: under CI the PostgreSQL tests must run (scripts/test.sh starts a server)"
        );
        eprintln!("skipped: LK3_TEST_PG_URL is not set (scripts/test.sh sets it)");
        return None;
    };
    let admin = sqlx::PgPool::connect(&base).await.expect("connect to LK3_TEST_PG_URL");
    let name = format!("lk3_t_{}", uuid::Uuid::new_v4().simple());
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&admin).await.expect("create");
    admin.close().await;
    let (prefix, _) = base.rsplit_once('/').expect("a database in the URL");
    Some(format!("{prefix}/{name}"))
}

async fn store() -> Option<conformance::Store> {
    let url = fresh_database().await?;
    Some(Arc::new(PostgresStore::open(&url).await.expect("open")))
}

conformance_suite!(store);

/// A case `w` takes to `stage`, appended to `store` in one batch: its events.
async fn append_case_at(
    store: &PostgresStore,
    w: &mut conformance::world::World,
    stage: lk3_core::vocab::Stage,
) -> Vec<lk3_core::case::CaseEventRecord> {
    let (_, events) = w.case_at(stage);
    let (batch, _) = lk3_storage::aggregate::encode(&lk3_core::case::Case::default(), &events).expect("encode");
    store.append_batches(&[batch]).await.expect("append");
    events
}

#[tokio::test]
async fn a_row_edited_behind_lk3s_back_is_named_by_verify() {
    let Some(url) = fresh_database().await else { return };
    let s = PostgresStore::open(&url).await.expect("open");
    let mut w = conformance::world::World::new();
    let events = append_case_at(&s, &mut w, lk3_core::vocab::Stage::Asesmen).await;
    let victim = &events[2];
    let edited =
        sqlx::query("UPDATE events SET body = replace(body, '\"seq\":3,', '\"seq\":3,\"x\":1,') WHERE seq = 3")
            .execute(s.pool())
            .await
            .expect("edit");
    assert_eq!(edited.rows_affected(), 1);
    let report = lk3_storage::verify::verify(&s).await.expect("verify");
    assert_eq!(report.problems.len(), 1, "{report:?}");
    let p = &report.problems[0];
    assert_eq!((p.seq, p.event_id), (Some(3), Some(*victim.event_id.as_uuid())));
    assert_eq!(p.code, "LK3-E086", "an unknown field does not decode");
}

#[tokio::test]
async fn a_store_from_a_newer_lk3_is_refused() {
    let Some(url) = fresh_database().await else { return };
    let s = PostgresStore::open(&url).await.expect("open");
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (999, 'from the future', TRUE, '\\x00', 0)",
    )
    .execute(s.pool())
    .await
    .expect("insert");
    s.close().await;
    let err = PostgresStore::open(&url).await.expect_err("must fail");
    assert_eq!(err.code(), ErrorCode::SchemaTooNew);
}

#[tokio::test]
async fn a_read_only_open_never_writes_and_names_what_is_not_a_store() {
    let Some(url) = fresh_database().await else { return };
    // An empty database: not a store, and no table appears in it.
    let err = PostgresStore::open_read_only(&url).await.expect_err("empty");
    assert_eq!(err.code(), ErrorCode::NotAStore);
    let pool = sqlx::PgPool::connect(&url).await.expect("connect");
    let tables: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'")
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(tables, 0, "a read created tables");
    // Another program's table: refused by the read-write open too.
    sqlx::query("CREATE TABLE kontak (nama TEXT)").execute(&pool).await.expect("table");
    assert_eq!(PostgresStore::open(&url).await.map(drop).expect_err("foreign").code(), ErrorCode::NotAStore);
    sqlx::query("DROP TABLE kontak").execute(&pool).await.expect("drop");
    // A store, read: every transaction is read-only.
    let store = PostgresStore::open(&url).await.expect("open");
    let mut w = conformance::world::World::new();
    append_case_at(&store, &mut w, lk3_core::vocab::Stage::Registrasi).await;
    store.close().await;
    let reader = PostgresStore::open_read_only(&url).await.expect("read only");
    assert!(lk3_storage::verify::verify(&reader).await.expect("verify").is_ok());
    let (_, more) = w.case_at(lk3_core::vocab::Stage::Kontak);
    let (batch, _) = lk3_storage::aggregate::encode(&lk3_core::case::Case::default(), &more).expect("encode");
    assert!(reader.append_batches(&[batch]).await.is_err(), "a read-only store refuses a write");
    reader.close().await;
    pool.close().await;
}

#[tokio::test]
async fn a_store_of_schema_3_is_brought_to_the_current_schema_with_the_rows_verify_expects() {
    let Some(url) = fresh_database().await else { return };
    let store: conformance::Store = Arc::new(PostgresStore::open(&url).await.expect("open"));
    conformance::a_store_of_schema_3_upgrades(store, || async {
        // What migrations 4 to 14 added goes (its indexes with its columns), and so do their records.
        let pool = sqlx::PgPool::connect(&url).await.expect("connect");
        back_to_schema_12(&pool).await;
        sqlx::raw_sql(
            "DROP TABLE access_log; DROP FUNCTION lk3_access_log_append_only; DROP TABLE attachments; \
             ALTER TABLE notes DROP COLUMN sensitivity; DROP TABLE client_merges; ALTER TABLE cases DROP COLUMN holder; DROP TABLE case_transfers; \
             ALTER TABLE cases DROP COLUMN last_at; ALTER TABLE outreaches DROP COLUMN last_at; \
             CREATE UNIQUE INDEX cases_by_id ON cases (case_id); CREATE INDEX cases_by_opened ON cases (unit, opened_at); \
             DROP TABLE case_clients; DROP TABLE partners; DROP TABLE summary_refresh; DROP TABLE body_rewrite; DELETE FROM _sqlx_migrations WHERE version >= 4",
        )
        .execute(&pool)
        .await
        .expect("rewind");
        let stored: Vec<(String, String)> =
            sqlx::query_as("SELECT case_id, summary FROM cases").fetch_all(&pool).await.expect("summaries");
        for (case_id, summary) in conformance::summaries_of_schema_10(&stored) {
            sqlx::query("UPDATE cases SET summary = $1 WHERE case_id = $2")
                .bind(summary)
                .bind(case_id)
                .execute(&pool)
                .await
                .expect("summary of schema 10");
        }
        let stored: Vec<(String, String, i64, String, String)> =
            sqlx::query_as("SELECT unit, stream_id, seq, hash, body FROM events").fetch_all(&pool).await.expect("events");
        for (unit, stream_id, seq, body) in conformance::bodies_of_schema_11(&stored) {
            sqlx::query("UPDATE events SET body = $1 WHERE unit = $2 AND stream_id = $3 AND seq = $4")
                .bind(body)
                .bind(unit)
                .bind(stream_id)
                .bind(seq)
                .execute(&pool)
                .await
                .expect("body of schema 11");
        }
        pool.close().await;
        Arc::new(PostgresStore::open(&url).await.expect("upgrade")) as conformance::Store
    })
    .await;
}

#[tokio::test]
async fn a_password_in_the_url_is_never_shown() {
    let err = PostgresStore::open("postgres://lk3@127.0.0.1:1/lk3?password=rahasia&connect_timeout=1")
        .await
        .expect_err("nothing listens on port 1");
    for text in [err.to_string(), err.message_id()] {
        assert!(!text.contains("rahasia") && text.contains("password=***"), "{text}");
    }
}

/// The access log refuses TRUNCATE as well as UPDATE and DELETE.
#[tokio::test]
async fn the_access_log_refuses_truncate() {
    let Some(url) = fresh_database().await else { return };
    let store = PostgresStore::open(&url).await.expect("open");
    // One entry, so that the row triggers have a row to see.
    use lk3_core::access::{AccessEntry, ReadKind};
    let entry = AccessEntry {
        actor: lk3_core::event::Actor::staff(
            lk3_core::vocab::Role::Ketua,
            lk3_core::ids::StaffId::from_uuid(uuid::Uuid::from_u128(1)),
        ),
        at: chrono::DateTime::UNIX_EPOCH,
        case_id: None,
        clients: Vec::new(),
        granted: false,
        kind: ReadKind::Identitas,
        purpose: None,
        refusal: None,
        sensitivity: lk3_core::vocab::Sensitivity::Rahasia,
        target: "-".into(),
        unit: "64.74".parse().expect("unit"),
    };
    store.log_access(&entry).await.expect("logged");
    for statement in ["TRUNCATE access_log", "DELETE FROM access_log", "UPDATE access_log SET entry = entry"] {
        let e = sqlx::query(statement).execute(store.pool()).await.expect_err("append-only");
        assert!(e.to_string().contains("append-only"), "{statement}: {e}");
    }
    store.close().await;
}

/// A read or a write whose future is dropped while its `BEGIN` is on the
/// wire (a caller's timeout) must not hand the next caller a session still
/// inside that transaction (sqlx 0.9 counts a transaction only once the
/// server answers `BEGIN`: sqlx issue #4393). With one connection in the
/// pool, the next caller gets that very session: after each read and write
/// cut short by a timeout, a verify (a snapshot that must be the first
/// statement of its transaction) and the write again both succeed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_or_write_dropped_while_it_begins_leaves_no_transaction_for_the_next_caller() {
    use lk3_storage::CaseStoreExt;
    use std::future::Future;
    use std::task::Poll;
    use std::time::{Duration, Instant};
    /// Polls `f` again and again (the other worker drives the I/O) until it
    /// is done or `limit` has passed, and drops it; whether it was cut.
    /// (A timer's resolution is a millisecond: too coarse for a `BEGIN`.)
    async fn cut_after<F: Future>(f: F, limit: Duration) -> bool {
        let mut f = std::pin::pin!(f);
        let start = Instant::now();
        while start.elapsed() < limit {
            if std::future::poll_fn(|cx| Poll::Ready(f.as_mut().poll(cx).is_ready())).await {
                return false;
            }
            tokio::task::yield_now().await;
        }
        true
    }
    let Some(url) = fresh_database().await else { return };
    let s = PostgresStore::open_with_pool(&url, 1).await.expect("open");
    let mut w = conformance::world::World::new();
    let (mut reads_cut, mut writes_cut) = (0, 0);
    let mut cases = Vec::new();
    // Each read and write cut 20 µs later than the one before, over the
    // first 3 ms (a read's first snapshot and a write's `BEGIN` among them).
    for step in 0..150_u64 {
        let limit = Duration::from_micros(step * 20);
        if cut_after(lk3_storage::verify::verify(&s), limit).await {
            reads_cut += 1;
            // A statement outside a transaction first: in a session left
            // inside one, it runs there, and the snapshot's `BEGIN` fails.
            s.count_cases(&lk3_storage::CaseQuery::default()).await.expect("count");
            let report = lk3_storage::verify::verify(&s).await.expect("verify");
            assert!(report.is_ok(), "after a read cut at {limit:?}: {:#?}", report.problems);
        }
        if step % 2 == 1 {
            continue;
        }
        let (case, events) = w.case_at(lk3_core::vocab::Stage::Kontak);
        let new = lk3_core::case::Case::default();
        writes_cut += usize::from(cut_after(s.append(&new, &events), limit).await);
        s.count_cases(&lk3_storage::CaseQuery::default()).await.expect("count");
        let report = lk3_storage::verify::verify(&s).await.expect("verify");
        assert!(report.is_ok(), "after a write cut at {limit:?}: {:#?}", report.problems);
        s.append(&new, &events).await.expect("the write again, or its retry");
        let report = lk3_storage::verify::verify(&s).await.expect("verify");
        assert!(report.is_ok(), "after a write cut at {limit:?}: {:#?}", report.problems);
        cases.push((case, events));
    }
    assert!(
        reads_cut > 50 && writes_cut > 10,
        "{reads_cut} reads and {writes_cut} writes cut: the test tested nothing"
    );
    for (case, events) in &cases {
        let loaded = s.load::<lk3_core::case::Case>(*case.case_id().expect("id").as_uuid()).await.expect("load");
        assert_eq!(&loaded.events, events);
    }
}

/// Schema 14's stream ids (and the seals' head hashes) back to their text,
/// and the record of migration 14 gone: the store as schema 13 left it.
async fn back_to_schema_13(pool: &sqlx::PgPool) {
    let text = "TYPE text COLLATE \"C\" USING encode(stream_id, 'hex')::uuid::text";
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "ALTER TABLE streams ALTER COLUMN stream_id {text}; ALTER TABLE events ALTER COLUMN stream_id {text}; \
         ALTER TABLE commands ALTER COLUMN stream_id {text}; \
         ALTER TABLE seals ALTER COLUMN stream_id {text}, \
         ALTER COLUMN head_hash TYPE text COLLATE \"C\" USING encode(head_hash, 'hex'), \
         ALTER COLUMN key_id TYPE text COLLATE \"C\" USING encode(key_id, 'hex'), \
         ALTER COLUMN signature TYPE text COLLATE \"C\" USING encode(signature, 'hex'); \
         DELETE FROM _sqlx_migrations WHERE version >= 14"
    )))
    .execute(pool)
    .await
    .expect("back to schema 13");
}

/// Schema 13's ids and hashes back to their text, and the records of
/// migrations 13 on gone: the store as schema 12 left it.
async fn back_to_schema_12(pool: &sqlx::PgPool) {
    back_to_schema_13(pool).await;
    sqlx::raw_sql(
        "ALTER TABLE events ALTER COLUMN event_id TYPE text COLLATE \"C\" USING encode(event_id, 'hex')::uuid::text, \
         ALTER COLUMN command_id TYPE text COLLATE \"C\" USING encode(command_id, 'hex')::uuid::text, \
         ALTER COLUMN hash TYPE text COLLATE \"C\" USING encode(hash, 'hex'); \
         ALTER TABLE streams ALTER COLUMN head_hash TYPE text COLLATE \"C\" USING encode(head_hash, 'hex'); \
         ALTER TABLE commands ALTER COLUMN command_id TYPE text COLLATE \"C\" USING encode(command_id, 'hex')::uuid::text, \
         ALTER COLUMN fingerprint TYPE text COLLATE \"C\" USING encode(fingerprint, 'hex'), \
         ALTER COLUMN fingerprint SET DEFAULT '', \
         ALTER COLUMN row_check TYPE text COLLATE \"C\" USING encode(row_check, 'hex'), ALTER COLUMN row_check SET DEFAULT ''; \
         DELETE FROM _sqlx_migrations WHERE version >= 13",
    )
    .execute(pool)
    .await
    .expect("back to schema 12");
}

/// The upgrade to schema 13 stores ids and hashes as their bytes (16 and
/// 32), which lk3 reads back as it wrote them; a value changed outside lk3
/// before it (an id that is not one, a hash in capitals) keeps its text's
/// bytes, and verify names it.
#[tokio::test]
async fn the_upgrade_to_schema_13_stores_ids_and_hashes_as_bytes_but_leaves_a_damaged_one_for_verify() {
    let Some(url) = fresh_database().await else { return };
    let store = PostgresStore::open(&url).await.expect("open");
    let mut w = conformance::world::World::new();
    let events = append_case_at(&store, &mut w, lk3_core::vocab::Stage::Intervensi).await;
    store.close().await;
    let pool = sqlx::PgPool::connect(&url).await.expect("connect");
    back_to_schema_12(&pool).await;
    sqlx::raw_sql(
        "UPDATE events SET event_id = 'not an id' WHERE seq = 2; UPDATE events SET hash = upper(hash) WHERE seq = 3",
    )
    .execute(&pool)
    .await
    .expect("damage");
    pool.close().await;
    let store = PostgresStore::open(&url).await.expect("upgraded");
    let lengths: Vec<(i64, i32, i32, i32)> = sqlx::query_as(
        "SELECT seq, octet_length(event_id), octet_length(command_id), octet_length(hash) FROM events ORDER BY seq",
    )
    .fetch_all(store.pool())
    .await
    .expect("events");
    assert_eq!(lengths.len(), events.len());
    for (seq, event_id, command_id, hash) in lengths {
        let damaged = match seq {
            2 => (9, 16, 32),
            3 => (16, 16, 64),
            _ => (16, 16, 32),
        };
        assert_eq!((event_id, command_id, hash), damaged, "seq {seq}");
    }
    let report = lk3_storage::verify::verify(&store).await.expect("verify");
    let mut named: Vec<_> = report.problems.iter().filter_map(|p| p.seq).collect();
    named.sort_unstable();
    named.dedup();
    assert_eq!(named, [2, 3], "{report:#?}");
}

/// The upgrade to schema 14 stores the event log's stream ids (in streams,
/// events and commands) as their 16 bytes while the query tables keep their
/// text, and lk3 reads back what it wrote; a stream id changed outside lk3
/// before it (in capitals) keeps its text's bytes, and verify names its
/// stream.
#[tokio::test]
async fn the_upgrade_to_schema_14_stores_stream_ids_as_bytes_but_leaves_a_damaged_one_for_verify() {
    use lk3_storage::CaseStoreExt;
    let Some(url) = fresh_database().await else { return };
    let store = PostgresStore::open(&url).await.expect("open");
    store.set_signer(Some(lk3_core::seal::SigningKey::from_secret(&[22; 32], "64.74".parse().expect("unit"))));
    let mut w = conformance::world::World::new();
    let events = append_case_at(&store, &mut w, lk3_core::vocab::Stage::Intervensi).await;
    let stream_id = events[0].stream_id;
    store.close().await;
    let of = |column: &str, table: &str| {
        format!("(SELECT string_agg(DISTINCT pg_typeof({column})::text || octet_length({column}), ',') FROM {table})")
    };
    let lengths = format!(
        "SELECT {}, {}, {}, {}, {} || {} || {} || {}",
        of("stream_id", "streams"),
        of("stream_id", "events"),
        of("stream_id", "commands"),
        of("case_id", "cases"),
        of("stream_id", "seals"),
        of("head_hash", "seals"),
        of("key_id", "seals"),
        of("signature", "seals")
    );
    let lengths =
        || sqlx::query_as::<_, (String, String, String, String, String)>(sqlx::AssertSqlSafe(lengths.as_str()));
    let text = |s: &str| s.to_owned();
    let pool = sqlx::PgPool::connect(&url).await.expect("connect");
    back_to_schema_13(&pool).await;
    assert_eq!(
        lengths().fetch_one(&pool).await.expect("lengths"),
        (text("text36"), text("text36"), text("text36"), text("text36"), text("text36text64text16text128"))
    );
    pool.close().await;
    let store = PostgresStore::open(&url).await.expect("schema 13 as it was, upgraded");
    let report = lk3_storage::verify::verify(&store).await.expect("verify");
    assert!(report.is_ok(), "{report:#?}");
    let seals = store.seals(events[0].stream_id).await.expect("seals");
    assert_eq!(seals.iter().map(|seal| seal.seq).collect::<Vec<_>>(), [events.len() as u64], "the seal read back");
    assert_eq!(
        lengths().fetch_one(store.pool()).await.expect("lengths"),
        (text("bytea16"), text("bytea16"), text("bytea16"), text("text36"), text("bytea16bytea32bytea8bytea64"))
    );
    assert_eq!(store.load::<lk3_core::case::Case>(stream_id).await.expect("read back").events.len(), events.len());
    store.close().await;

    // Damaged under schema 13, then upgraded.
    let pool = sqlx::PgPool::connect(&url).await.expect("connect");
    back_to_schema_13(&pool).await;
    sqlx::raw_sql("UPDATE events SET stream_id = upper(stream_id) WHERE seq = 2").execute(&pool).await.expect("damage");
    pool.close().await;
    let store = PostgresStore::open(&url).await.expect("upgraded");
    let kept: Vec<(i64, i32)> =
        sqlx::query_as("SELECT seq, octet_length(stream_id) FROM events WHERE seq IN (1, 2) ORDER BY seq")
            .fetch_all(store.pool())
            .await
            .expect("kept");
    assert_eq!(kept, vec![(1, 16), (2, 36)]);
    let report = lk3_storage::verify::verify(&store).await.expect("verify");
    assert!(!report.problems.is_empty(), "{report:#?}");
    assert!(report.problems.iter().any(|p| p.stream_id == Some(stream_id)), "{report:#?}");
}

/// Verify's store-wide check on PostgreSQL meets a stream id that is no
/// id's text in a query table and other bytes in the event log (each
/// changed outside lk3): both are named as rows without their stream, and
/// the conversion between the two forms fails on neither.
#[tokio::test]
async fn rows_whose_stream_id_was_changed_outside_lk3_are_named_in_either_form() {
    let Some(url) = fresh_database().await else { return };
    let store = PostgresStore::open(&url).await.expect("open");
    let mut w = conformance::world::World::new();
    append_case_at(&store, &mut w, lk3_core::vocab::Stage::Intervensi).await;
    assert!(lk3_storage::verify::verify(&store).await.expect("verify").is_ok());
    sqlx::raw_sql(
        "UPDATE case_problems SET case_id = 'not an id'; \
         UPDATE events SET stream_id = '\\x00'::bytea WHERE seq = 2",
    )
    .execute(store.pool())
    .await
    .expect("damage");
    let report = lk3_storage::verify::verify(&store).await.expect("verify reads on");
    let messages: Vec<&str> = report.problems.iter().map(|p| p.message_en.as_str()).collect();
    for table in ["case_problems", "events"] {
        let orphan = format!("in {table} have no stream row");
        assert!(messages.iter().any(|m| m.contains(&orphan)), "{table}: {messages:#?}");
    }
}
