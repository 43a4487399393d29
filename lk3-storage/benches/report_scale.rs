//! Reports over a large store: one unit-year and a province roll-up of 20
//! units, timed, with the process's memory before and after.
//!
//! The store: `LK3_BENCH_CASES` cases (1,000,000 by default) spread over 20
//! units of province 64 (WITA) and ten years (2016–2025), one case every
//! ~105 minutes per unit. What becomes of a case (`LK3_BENCH_MIX`):
//!
//! - `typical` (the default): of each unit's cases, one in twenty stays a
//!   contact and one in twenty is registered and stays open (cases a unit
//!   never closed); the rest are registered and closed without service
//!   (declined) the same day;
//! - `stale`: case `i` (of unit `i % 20`) takes kind `i % 6`: 0 a contact
//!   left open, 1 registered and left open, 2–5 declined; so each unit sees
//!   three of the six kinds, and unit 64.74 leaves one case in three open
//!   for ever: open cases pile up and every report reads them all.
//!
//! Registered clients have a registry record. Built once into the store
//! `LK3_BENCH_URL` names (a PostgreSQL URL, one database per mix, or by
//! default a SQLite file under `target/lk3-bench/`) and reused.
//!
//! Run: `LK3_BENCH_URL=postgres://... cargo bench -p lk3-storage --bench report_scale`.
//! Under `cargo test` it runs on 2,000 cases in memory as a smoke test.

use std::time::Instant;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use lk3_core::Decider;
use lk3_core::case::{Case, CaseClient, CaseCommand};
use lk3_core::ids::{ClientId, Sex, UnitCode};
use lk3_core::schema::ClientRecord;
use lk3_core::vocab::{RefusalReason, Role};
use lk3_storage::report::{ReportScope, report};
use lk3_storage::{CaseQuery, CaseStore};

#[path = "../../lk3-core/tests/common/mod.rs"]
#[allow(clippy::unwrap_used)]
mod world;

mod scale;

/// 20 units of province 64 (Kalimantan Timur, WITA).
const UNITS: [&str; 20] = [
    "64.01", "64.02", "64.03", "64.04", "64.05", "64.06", "64.07", "64.08", "64.09", "64.10", "64.11", "64.12",
    "64.71", "64.72", "64.73", "64.74", "64.75", "64.76", "64.77", "64.78",
];
use scale::{PROBLEMS, status};

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2016, 1, 1, 1, 0, 0).single().expect("a time")
}

/// What becomes of case `i`: 0 a contact left open, 1 registered and left
/// open, 2 registered and declined.
fn kind(i: u64, stale: bool) -> u64 {
    if stale { (i % 6).min(2) } else { ((i / 20) % 20).min(2) }
}

async fn populate(store: &dyn CaseStore, n: u64, stale: bool) {
    let mut w = world::World::new();
    let (sekretaris, peksos) = (w.actor(Role::Sekretaris, false), w.actor(Role::PekerjaSosial, false));
    // Ten years of minutes over each unit's share of the cases.
    let step = Duration::minutes(3652 * 24 * 60 / (n as i64 / 20).max(1));
    let started = Instant::now();
    let (mut batch, mut records) = (Vec::with_capacity(5000), Vec::new());
    for i in 0..n {
        w.unit = UNITS[(i % 20) as usize];
        w.now = start() + step * (i / 20) as i32;
        let mut case = Case::default();
        let open = w.open_command();
        let mut events = case.execute(&open, &w.ctx(sekretaris)).expect("open");
        events.iter().for_each(|e| case.apply(e));
        if kind(i, stale) != 0 {
            let client_id = ClientId::new_v7(w.now, w.fresh_seed());
            let register = CaseCommand::Register {
                clients: vec![CaseClient { client_id, minor: false, role: None }],
                problems: vec![PROBLEMS[(i / 6 % 5) as usize]],
            };
            for cmd in [register, CaseCommand::StartEngagement {}] {
                let new = case.execute(&cmd, &w.ctx(peksos)).expect("a step");
                new.iter().for_each(|e| case.apply(e));
                events.extend(new);
            }
            if kind(i, stale) == 2 {
                let decline = CaseCommand::DeclineService { reason: RefusalReason::DiLuarLingkup };
                events.extend(case.execute(&decline, &w.ctx(peksos)).expect("decline"));
            }
            records.push(ClientRecord {
                client_id,
                unit: w.unit.parse().expect("unit"),
                name: format!("Klien {i}"),
                nik: None,
                no_kk: None,
                sex: Some(if i % 2 == 0 { Sex::Perempuan } else { Sex::LakiLaki }),
                birth_date: NaiveDate::from_ymd_opt(1950 + (i % 60) as i32, 1 + (i % 12) as u32, 1),
                domicile: format!("{}.{:02}.1{:03}", w.unit, 1 + i % 5, 1 + i % 7).parse().ok(),
            });
        }
        batch.push(lk3_storage::aggregate::encode(&Case::default(), &events).expect("encode").0);
        if batch.len() == 5000 || i + 1 == n {
            store.append_batches(&batch).await.expect("import");
            for r in &records {
                store.put_client(r).await.expect("a client");
            }
            batch.clear();
            records.clear();
        }
        if i % 100_000 == 99_999 {
            println!("  {} cases, {:.0} s", i + 1, started.elapsed().as_secs_f64());
        }
    }
    let s = started.elapsed().as_secs_f64();
    println!("built {n} cases in {s:.1} s ({:.0} cases/s)", n as f64 / s);
}

fn main() {
    let bench = std::env::args().any(|a| a == "--bench");
    let n: u64 = std::env::var("LK3_BENCH_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(if bench {
        1_000_000
    } else {
        2_000
    });
    let stale = std::env::var("LK3_BENCH_MIX").is_ok_and(|m| m == "stale");
    let url = match std::env::var("LK3_BENCH_URL") {
        Ok(url) => url,
        Err(_) if !bench => "memory:".to_owned(),
        Err(_) => {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/lk3-bench");
            std::fs::create_dir_all(&dir).expect("dir");
            let mix = if stale { "stale" } else { "typical" };
            format!("sqlite://{}", dir.join(format!("report-{mix}-{n}.db")).display())
        }
    };
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    rt.block_on(async {
        let opening = Instant::now();
        let store = lk3_storage::open(&url).await.expect("open");
        println!("store opened, migrations applied, in {:.1} s", opening.elapsed().as_secs_f64());
        let have = store.count_cases(&CaseQuery::default()).await.expect("count");
        if have != n {
            assert_eq!(have, 0, "{url} holds {have} cases, not {n}: empty it first");
            populate(&*store, n, stale).await;
        }
        let (from, to) = (NaiveDate::from_ymd_opt(2020, 1, 1).expect("d"), NaiveDate::from_ymd_opt(2020, 12, 31).expect("d"));
        let unit: UnitCode = "64.74".parse().expect("unit");
        let rss_before = status("VmRSS:");
        for round in 1..=2 {
            let t = Instant::now();
            let r = report(&*store, &ReportScope::Unit(unit), from, to).await.expect("a report");
            let c = &r.total.cases;
            println!(
                "round {round}: unit-year 64.74/2020: {:.3} s ({} active, {} carried over, {} opened, {} closed; {} clients)",
                t.elapsed().as_secs_f64(),
                c.active,
                c.carried_over,
                c.opened,
                c.closed,
                r.total.clients.served
            );
            assert!(c.active > 0);
            let t = Instant::now();
            let r = report(&*store, &ReportScope::Region("64".parse().expect("kode")), from, to).await.expect("report");
            println!(
                "round {round}: province 64, {} units, 2020: {:.3} s ({} active cases)",
                r.units.len(),
                t.elapsed().as_secs_f64(),
                r.total.cases.active
            );
            assert_eq!(r.units.len(), 20);
        }
        println!(
            "memory: RSS {rss_before} MB before the reports, {} MB after; peak {} MB (building included)",
            status("VmRSS:"),
            status("VmHWM:")
        );
        store.close().await;
    });
}
