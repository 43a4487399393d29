//! Queries over 1,000,000 cases in one SQLite file: counts and a paged scan
//! by unit, stage and problem, with the process's peak memory before and
//! after. The file is built once (bulk import, 5,000 cases a transaction)
//! and kept under `target/lk3-bench/` for later runs.
//!
//! Run: `cargo bench -p lk3-storage --bench store_scale` (set
//! `LK3_BENCH_CASES` for another size). Under `cargo test` it runs on 2,000
//! cases as a smoke test.

use lk3_core::Decider;
use std::time::Instant;

use lk3_core::case::{Case, CaseCommand, CaseCommandKind as K};
use lk3_core::vocab::{Problem, Role, Stage};
use lk3_storage::sqlite::{Durability, SqliteStore};
use lk3_storage::{CaseQuery, CaseStore};

#[path = "../../lk3-core/tests/common/mod.rs"]
#[allow(clippy::unwrap_used)]
mod world;

mod scale;

const UNITS: [&str; 10] = ["64.74", "31.71", "32.73", "33.74", "35.78", "51.71", "61.71", "73.71", "91.71", "12.71"];
use scale::{PROBLEMS, status};

async fn populate(store: &SqliteStore, n: u64) {
    let mut w = world::World::new();
    let sekretaris = w.actor(Role::Sekretaris, false);
    let peksos = w.actor(Role::PekerjaSosial, false);
    let started = Instant::now();
    let mut batch = Vec::with_capacity(5000);
    for i in 0..n {
        w.unit = UNITS[(i % 10) as usize];
        let mut case = Case::default();
        let open = w.open_command();
        let mut events = case.execute(&open, &w.ctx(sekretaris)).expect("open");
        // Two cases in three are registered, with one of five problems.
        if i % 3 != 0 {
            let mut register = w.command(&case, K::Register);
            if let CaseCommand::Register { problems, .. } = &mut register {
                problems.push(PROBLEMS[(i / 10 % 5) as usize]);
            }
            events.extend(case.execute(&register, &w.ctx(peksos)).expect("register"));
        }
        batch.push(lk3_storage::aggregate::encode(&Case::default(), &events).expect("encode").0);
        if batch.len() == 5000 || i + 1 == n {
            store.append_batches(&batch).await.expect("import");
            batch.clear();
        }
    }
    let s = started.elapsed().as_secs_f64();
    println!("built {n} cases in {s:.1} s ({:.0} cases/s)", n as f64 / s);
}

/// Reads every summary a query matches, 500 a page; returns how many.
async fn scan(store: &SqliteStore, name: &str, mut q: CaseQuery) -> usize {
    let t = Instant::now();
    q.limit = 500;
    let mut rows = 0;
    loop {
        let page = store.query_cases(&q).await.expect("page");
        let Some(last) = page.last() else { break };
        q.after = Some(last.case_id);
        rows += page.len();
    }
    println!("paged scan: {name}: {rows} summaries in {:.3} s", t.elapsed().as_secs_f64());
    rows
}

fn main() {
    let bench = std::env::args().any(|a| a == "--bench");
    let n: u64 = std::env::var("LK3_BENCH_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(if bench {
        1_000_000
    } else {
        2_000
    });
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/lk3-bench");
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join(format!("cases-{n}.db"));
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    rt.block_on(async {
        let url = format!("sqlite://{}", path.display());
        let store = SqliteStore::open_with(&url, Durability::Normal).await.expect("open");
        let have = store.count_cases(&CaseQuery::default()).await.expect("count");
        if have != n {
            assert_eq!(have, 0, "{} holds {have} cases, not {n}: delete it", path.display());
            populate(&store, n).await;
        }
        let bontang = Some("64.74".parse().expect("unit"));
        let rss_before = status("VmRSS:");
        let queries = [
            (
                "count: unit 64.74, registrasi, kdrt",
                CaseQuery {
                    unit: bontang,
                    stage: Some(Stage::Registrasi),
                    problem: Some(Problem::Kdrt),
                    ..Default::default()
                },
            ),
            ("count: all units, kdrt", CaseQuery { problem: Some(Problem::Kdrt), ..Default::default() }),
            ("count: all units, stage kontak", CaseQuery { stage: Some(Stage::Kontak), ..Default::default() }),
        ];
        for (name, q) in &queries {
            let t = Instant::now();
            let count = store.count_cases(q).await.expect("count");
            println!("{name}: {count} cases in {:.3} s", t.elapsed().as_secs_f64());
        }
        // Every case of a unit with a problem, then of all units, page by page.
        scan(
            &store,
            "unit 64.74, kemiskinan",
            CaseQuery { unit: bontang, problem: Some(Problem::Kemiskinan), ..Default::default() },
        )
        .await;
        let rows = scan(
            &store,
            "all units, disabilitas",
            CaseQuery { problem: Some(Problem::Disabilitas), ..Default::default() },
        )
        .await;
        println!(
            "memory: RSS {rss_before} MB before the queries, {} MB after; peak {} MB (building included)",
            status("VmRSS:"),
            status("VmHWM:")
        );
        assert!(rows > 0);
    });
}
