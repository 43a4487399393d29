//! Store benchmarks, lk3 and a bare baseline side by side in one run.
//!
//! - `append_5_events`: one command of 5 events per durable transaction
//!   (SQLite WAL, synchronous = FULL) through `CaseStore::append_batches`,
//!   against the same rows inserted by plain SQL in the same kind of
//!   transaction on the same kind of file (no checks, no projection logic).
//! - `bulk_import`: 1,000 cases per transaction.
//! - `replay`: load (read, decode, verify chain, fold) a 101-event case.
//! - `postgres_8_writers` (with `LK3_BENCH_PG_URL`): 8 concurrent writers.
//!
//! Run: `cargo bench -p lk3-storage --bench store`.

use lk3_core::Decider;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use lk3_core::case::{Case, CaseCommand, CaseEventRecord};
use lk3_core::vocab::{Role, Stage};
use lk3_storage::model::Batch;
use lk3_storage::sqlite::SqliteStore;
use lk3_storage::{CaseStore, CaseStoreExt};

#[path = "../../lk3-core/tests/common/mod.rs"]
#[allow(clippy::unwrap_used)]
mod world;
use world::World;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime")
}

/// A new case whose first command wrote 5 events: contact, registration and
/// three consents under one command id (one batch, one transaction).
fn five_event_case(w: &mut World) -> Vec<CaseEventRecord> {
    let mut case = Case::default();
    let mut ctx = w.ctx(w.actor(Role::Sekretaris, false));
    let open = w.open_command();
    let mut events = case.execute(&open, &ctx).expect("open");
    ctx.actor = w.actor(Role::PekerjaSosial, false);
    let register = w.command(&case, lk3_core::case::CaseCommandKind::Register);
    events.extend(case.execute(&register, &ctx).expect("register"));
    for _ in 0..3 {
        ctx.seed = w.fresh_seed();
        let consent: CaseCommand = w.consent_command(w.adult, None);
        events.extend(case.execute(&consent, &ctx).expect("consent"));
    }
    assert_eq!(events.len(), 5);
    events
}

fn batches(w: &mut World, n: u64) -> Vec<Batch> {
    (0..n).map(|_| lk3_storage::aggregate::batch(&Case::default(), &five_event_case(w)).expect("batch").0).collect()
}

async fn sqlite(dir: &std::path::Path, name: &str) -> SqliteStore {
    SqliteStore::open(&format!("sqlite://{}", dir.join(name).display())).await.expect("open")
}

/// The baseline: the same rows, plain INSERTs, one transaction per batch
/// (ids and hashes as the bytes schema 13 stores).
async fn bare_insert(pool: &sqlx::SqlitePool, batch: &Batch) {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.expect("begin");
    let unit = batch.unit.to_string();
    let stream = batch.stream_id.to_string();
    for e in &batch.events {
        sqlx::query("INSERT INTO events (unit, stream_id, seq, event_id, command_id, occurred_at, hash, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
            .bind(&unit).bind(&stream).bind(e.seq as i64).bind(e.event_id.as_bytes().as_slice())
            .bind(batch.commands[0].command_id.as_uuid().as_bytes().as_slice()).bind(e.occurred_at.timestamp_micros())
            .bind(e.hash.0.as_slice()).bind(&e.body)
            .execute(&mut *tx).await.expect("event");
    }
    sqlx::query("INSERT INTO streams (unit, stream_id, kind, version, head_hash) VALUES (?1, ?2, 'case', ?3, ?4)")
        .bind(&unit)
        .bind(&stream)
        .bind(batch.new_version() as i64)
        .bind(batch.head_hash().0.to_vec())
        .execute(&mut *tx)
        .await
        .expect("stream");
    sqlx::query("INSERT INTO commands (unit, command_id, stream_id, first_seq, last_seq, fingerprint, row_check) VALUES (?1, ?2, ?3, 1, 5, ?4, ?4)")
        .bind(&unit)
        .bind(batch.commands[0].command_id.as_uuid().as_bytes().as_slice())
        .bind(&stream)
        .bind(batch.head_hash().0.to_vec())
        .execute(&mut *tx)
        .await
        .expect("command");
    let summary = serde_json::to_string(&batch.projection).expect("json");
    sqlx::query("INSERT INTO cases (unit, case_id, stage, worker, opened_at, summary) VALUES (?1, ?2, 'pendekatan_awal', NULL, 0, ?3)")
        .bind(&unit).bind(&stream).bind(summary)
        .execute(&mut *tx).await.expect("case");
    tx.commit().await.expect("commit");
}

fn append(c: &mut Criterion) {
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let ours = rt.block_on(sqlite(dir.path(), "lk3.db"));
    let bare = rt.block_on(sqlite(dir.path(), "bare.db"));
    let mut w = World::new();
    let mut group = c.benchmark_group("append_5_events_durable_sqlite");
    group.throughput(Throughput::Elements(5)).sample_size(30).measurement_time(Duration::from_secs(8));
    group.bench_function("lk3_append", |b| {
        b.iter_custom(|iters| {
            let work = batches(&mut w, iters);
            let start = Instant::now();
            rt.block_on(async {
                for batch in &work {
                    ours.append_batches(std::slice::from_ref(batch)).await.expect("append");
                }
            });
            start.elapsed()
        })
    });
    group.bench_function("bare_sql_insert", |b| {
        b.iter_custom(|iters| {
            let work = batches(&mut w, iters);
            let start = Instant::now();
            rt.block_on(async {
                for batch in &work {
                    bare_insert(bare.pool(), batch).await;
                }
            });
            start.elapsed()
        })
    });
    group.finish();

    let mut group = c.benchmark_group("bulk_import_sqlite");
    group.throughput(Throughput::Elements(5 * 1000)).sample_size(10).measurement_time(Duration::from_secs(10));
    group.bench_function("1000_cases_per_transaction", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let work = batches(&mut w, 1000);
                let start = Instant::now();
                rt.block_on(ours.append_batches(&work)).expect("import");
                total += start.elapsed();
            }
            total
        })
    });
    group.finish();
}

fn replay(c: &mut Criterion) {
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let store = rt.block_on(sqlite(dir.path(), "replay.db"));
    let mut w = World::new();
    let (mut case, mut events) = w.case_at(Stage::Registrasi);
    let peksos = w.actor(Role::PekerjaSosial, false);
    while events.len() < 101 {
        let cmd = w.consent_command(w.adult, None);
        w.run(&mut case, &mut events, peksos, cmd);
    }
    let (batch, _) = lk3_storage::aggregate::encode(&Case::default(), &events).expect("encode");
    rt.block_on(store.append_batches(&[batch])).expect("append");
    let case_id = case.case_id().expect("id");
    let mut group = c.benchmark_group("replay_sqlite");
    group.throughput(Throughput::Elements(events.len() as u64));
    group.bench_function("load_101_events", |b| {
        b.iter(|| rt.block_on(store.load_case(case_id)).expect("load").events.len())
    });
    group.finish();
}

fn postgres_writers(c: &mut Criterion) {
    let Ok(url) = std::env::var("LK3_BENCH_PG_URL") else {
        eprintln!("postgres_8_writers: set LK3_BENCH_PG_URL to run it");
        return;
    };
    let rt = runtime();
    let store = Arc::new(rt.block_on(lk3_storage::postgres::PostgresStore::open_with_pool(&url, 16)).expect("open"));
    let mut w = World::new();
    let mut group = c.benchmark_group("postgres");
    group.throughput(Throughput::Elements(5 * 8 * 50)).sample_size(10).measurement_time(Duration::from_secs(10));
    group.bench_function("8_writers_50_commands_of_5_events", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let work: Vec<Vec<Batch>> = (0..8).map(|_| batches(&mut w, 50)).collect();
                let start = Instant::now();
                rt.block_on(async {
                    let tasks: Vec<_> = work
                        .into_iter()
                        .map(|mine| {
                            let store = store.clone();
                            tokio::spawn(async move {
                                for batch in &mine {
                                    store.append_batches(std::slice::from_ref(batch)).await.expect("append");
                                }
                            })
                        })
                        .collect();
                    for t in tasks {
                        t.await.expect("writer");
                    }
                });
                total += start.elapsed();
            }
            total
        })
    });
    group.finish();
}

criterion_group!(benches, append, replay, postgres_writers);
criterion_main!(benches);
