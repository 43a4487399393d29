//! A writer killed with SIGKILL in the middle of appending: the SQLite store
//! reopens, verifies, and holds only whole batches. The test binary runs
//! itself as the writer (`--crash-child DB`), so it has no harness.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

#[path = "../../lk3-core/tests/common/mod.rs"]
mod world;

use lk3_core::case::Case;
use lk3_core::vocab::Stage;
use lk3_storage::sqlite::SqliteStore;
use lk3_storage::{CaseStore, CaseStoreExt};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime")
}

/// Appends whole cases (each a batch of several commands' events) until killed.
fn child(db: &str, offset: i64) {
    runtime().block_on(async {
        let store = SqliteStore::open(&format!("sqlite://{db}")).await.expect("open");
        let mut w = world::World::new();
        w.now += chrono::Duration::days(offset);
        for i in 0.. {
            let (_, events) = w.case_at(Stage::Asesmen);
            let (batch, _) = lk3_storage::aggregate::encode(&Case::default(), &events).expect("encode");
            store.append_batches(&[batch]).await.expect("append");
            if i == 0 {
                println!("ready {}", events.len());
            }
        }
    })
}

fn parent() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("lk3.db");
    let exe = std::env::current_exe().expect("exe");
    let mut per_case = 0;
    for (round, wait_ms) in [(0i64, 150u64), (1, 220), (2, 370)] {
        let mut child = Command::new(&exe)
            .args(["--crash-child", db.to_str().expect("utf-8 path"), &(round * 1000).to_string()])
            .stdout(Stdio::piped())
            .spawn()
            .expect("spawn writer");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("ready line");
        per_case = line.trim().strip_prefix("ready ").and_then(|n| n.parse().ok()).expect("ready N");
        std::thread::sleep(Duration::from_millis(wait_ms));
        child.kill().expect("SIGKILL");
        let status = child.wait().expect("wait");
        assert!(!status.success(), "the writer was killed, not finished");
    }
    runtime().block_on(async {
        let store = SqliteStore::open(&format!("sqlite://{}", db.display())).await.expect("reopens");
        let report = lk3_storage::verify::verify(&store).await.expect("verify");
        assert!(report.is_ok(), "{report:?}");
        assert!(report.streams >= 3, "each writer committed at least one case");
        // Only whole batches: every case holds all its events and loads.
        let mut after = None;
        loop {
            let page = store.streams(after, 500).await.expect("streams");
            let Some(last) = page.last() else { break };
            after = Some(last.stream_id);
            for info in &page {
                assert_eq!(info.version, per_case as u64, "a partial batch in {}", info.stream_id);
                store.load::<Case>(info.stream_id).await.expect("loads");
            }
        }
        println!("crash: {} whole cases, {} events after 3 kills", report.streams, report.events);
    });
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--crash-child") {
        let offset = args.get(i + 2).and_then(|o| o.parse().ok()).unwrap_or(0);
        child(&args[i + 1], offset);
        return;
    }
    if args.iter().any(|a| a == "--list") {
        println!("sigkill_mid_append: test");
        return;
    }
    parent();
    println!("test sigkill_mid_append ... ok");
}
