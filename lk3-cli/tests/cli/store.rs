//! The store commands as a user runs them: `lk3 demo --db`, `lk3 verify`,
//! `lk3 export`, `lk3 import`, `lk3 cases`.

use crate::common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{lk3_in, path, stderr, stdout};
use lk3_storage::CaseStore;
use sqlx::Row;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime")
}

/// Every file of a directory by name, with its bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.expect("entry").path())
        .map(|p| (p.file_name().and_then(|n| n.to_str()).expect("name").to_owned(), std::fs::read(&p).expect("read")))
        .collect()
}

fn is_case_document(bytes: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Value>(bytes).is_ok_and(|d| d["document"] == "lk3.case")
}

/// A demo written into `<dir>/<name>`; returns the store's path.
fn demo_store(dir: &Path, name: &str, extra: &[&str]) -> PathBuf {
    let db = dir.join(name);
    let mut args = vec!["demo", "--db", path(&db)];
    args.extend_from_slice(extra);
    let out = lk3_in(dir, &args);
    assert!(out.status.success(), "{}", stderr(&out));
    db
}

/// How many streams a store holds, read with the storage crate itself.
fn stream_count(db: &Path) -> usize {
    runtime().block_on(async {
        let store = lk3_storage::open(path(db)).await.expect("opens");
        store.streams(None, 10_000).await.expect("streams").len()
    })
}

#[test]
fn demo_stores_its_streams_and_verify_finds_them_clean() {
    let dir = tempfile::tempdir().expect("tempdir");
    // The default store is lk3.db in the current directory.
    let first = lk3_in(dir.path(), &["demo"]);
    assert!(first.status.success(), "{}", stderr(&first));
    let line = stdout(&first).lines().find(|l| l.starts_with("Stored in")).expect("the store line").to_owned();
    assert!(line.starts_with("Stored in lk3.db (sqlite): 10 cases, 1 outreach, "), "{line}");
    assert!(!line.contains("already"), "{line}");
    assert!(dir.path().join("lk3.db").exists());
    assert_eq!(stream_count(&dir.path().join("lk3.db")), 11);

    // Again, with the same seed: the same ids, found already there, nothing written, no failure.
    let again = lk3_in(dir.path(), &["demo", "--db", "lk3.db"]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(
        stdout(&again).contains(
            "Stored in lk3.db (sqlite): 0 cases, 0 outreaches, 0 events written; 10 cases and 1 outreach already there"
        ),
        "{}",
        stdout(&again)
    );
    assert_eq!(stream_count(&dir.path().join("lk3.db")), 11);

    let verify = lk3_in(dir.path(), &["verify", "--db", "sqlite://lk3.db"]);
    assert_eq!(verify.status.code(), Some(0), "{}{}", stdout(&verify), stderr(&verify));
    assert!(stdout(&verify).contains("11 streams") && stdout(&verify).contains("no problems"), "{}", stdout(&verify));
    let json = lk3_in(dir.path(), &["verify", "--format", "json"]);
    assert_eq!(json.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
    assert_eq!(report["ok"], true);
    assert_eq!(report["streams"], 11);
    assert!(report["events"].as_u64().is_some_and(|n| n > 50));
    assert_eq!(report["problems"], serde_json::json!([]));

    // --no-db writes nothing; a store that does not exist is not created by a read command.
    let elsewhere = tempfile::tempdir().expect("tempdir");
    assert!(lk3_in(elsewhere.path(), &["demo", "--no-db"]).status.success());
    assert!(!elsewhere.path().join("lk3.db").exists());
    let missing = lk3_in(elsewhere.path(), &["verify"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("[LK3-E093]") && stderr(&missing).contains("no such file"),
        "{}",
        stderr(&missing)
    );
    assert!(!elsewhere.path().join("lk3.db").exists());
}

#[test]
fn verify_names_an_edited_event_by_seq_and_id() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = demo_store(dir.path(), "lk3.db", &[]);
    let url = format!("sqlite://{}", path(&db));
    let (stream_id, seq, event_id) = runtime().block_on(async {
        let store = lk3_storage::sqlite::SqliteStore::open(&url).await.expect("opens");
        let row = sqlx::query("SELECT stream_id, seq, event_id, body FROM events WHERE seq = 3 ORDER BY stream_id LIMIT 1")
            .fetch_one(store.pool())
            .await
            .expect("a third event");
        // Stored as its 16 bytes (schema 14).
        let stream: Vec<u8> = row.get(0);
        let seq: i64 = row.get(1);
        // Stored as its 16 bytes (schema 13).
        let event_id = uuid::Uuid::from_slice(row.get::<&[u8], _>(2)).expect("an event id").to_string();
        let body: String = row.get(3);
        assert!(body.contains("\"occurred_at\":\"2019-"), "{body}");
        // The event now claims to have happened a year earlier; its stored hash is unchanged.
        let edit = sqlx::query(
            "UPDATE events SET body = replace(body, '\"occurred_at\":\"2019-', '\"occurred_at\":\"2018-') WHERE stream_id = ?1 AND seq = ?2",
        )
        .bind(&stream)
        .bind(seq)
        .execute(store.pool())
        .await
        .expect("update");
        assert_eq!(edit.rows_affected(), 1);
        let after: String = sqlx::query("SELECT body FROM events WHERE stream_id = ?1 AND seq = ?2")
            .bind(&stream)
            .bind(seq)
            .fetch_one(store.pool())
            .await
            .expect("row")
            .get(0);
        assert_ne!(after, body, "the edit changed the body");
        store.close().await;
        (uuid::Uuid::from_slice(&stream).expect("a stream id").to_string(), seq, event_id)
    });

    let out = lk3_in(dir.path(), &["verify", "--db", &url]);
    assert_eq!(out.status.code(), Some(1), "{}{}", stdout(&out), stderr(&out));
    let text = stdout(&out);
    let line = text.lines().find(|l| l.contains(&event_id)).unwrap_or_else(|| panic!("names {event_id}: {text}"));
    assert!(line.contains(&format!("stream {stream_id} seq {seq} event {event_id} table events: [LK3-E")), "{line}");
    assert!(text.contains("id: "), "the Indonesian message too: {text}");
    assert!(text.contains("11 streams") && text.contains("problem"), "{text}");

    let json = lk3_in(dir.path(), &["verify", "--db", &url, "--format", "json"]);
    assert_eq!(json.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
    assert_eq!(report["ok"], false);
    let problems = report["problems"].as_array().expect("problems");
    assert!(
        problems.iter().any(|p| p["event_id"] == event_id.as_str()
            && p["seq"] == seq
            && p["stream_id"] == stream_id.as_str()
            && p["code"].as_str().is_some_and(|c| c.starts_with("LK3-E"))
            && p["message_id"].as_str().is_some_and(|m| !m.is_empty())),
        "{problems:?}"
    );

    // Export skips the stream that fails verification and says so.
    let export = lk3_in(dir.path(), &["export", "--db", &url, "--out", path(&dir.path().join("out"))]);
    assert_eq!(export.status.code(), Some(1), "{}", stderr(&export));
    assert!(
        stdout(&export).contains("not exported, failing verification (see `lk3 verify`): 1 stream"),
        "{}",
        stdout(&export)
    );
}

#[test]
fn export_from_the_store_matches_demo_export_byte_for_byte_and_import_round_trips() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, b, c) = (dir.path().join("a"), dir.path().join("b"), dir.path().join("c"));
    let out = lk3_in(dir.path(), &["demo", "--no-db", "--cases", "30", "--export", path(&a)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let x = demo_store(dir.path(), "x.db", &["--cases", "30"]);
    let out = lk3_in(dir.path(), &["export", "--db", path(&x), "--out", path(&b)]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("Exported 40 case documents and 1 outreach document"), "{}", stdout(&out));

    // (c) Every case document of `demo --export` is the same bytes as the store's export.
    let from_demo = files(&a);
    let from_store = files(&b);
    let mut cases = 0;
    for (name, bytes) in &from_demo {
        if is_case_document(bytes) {
            cases += 1;
            assert!(from_store.get(name) == Some(bytes), "{name} differs or is missing");
        }
    }
    assert_eq!(cases, 40);
    assert_eq!(from_store.keys().filter(|n| n.starts_with("penjangkauan-")).count(), 1);
    assert_eq!(from_store.len(), 41, "40 cases and 1 outreach");

    // (d) Imported into a fresh store (the partner network, NDJSON, is skipped) and exported again: the same bytes.
    let y = dir.path().join("y.db");
    let network = a.join("jejaring.ndjson");
    let out = lk3_in(dir.path(), &["import", "--db", path(&y), path(&b), path(&network)]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("41 documents read, 41 streams imported, 0 already present"), "{}", stdout(&out));
    assert!(stderr(&out).contains("skipped") && stderr(&out).contains("jejaring.ndjson"), "{}", stderr(&out));
    let out = lk3_in(dir.path(), &["export", "--db", path(&y), "--out", path(&c)]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(files(&c) == from_store, "export → import → export changes nothing");
    let verify = lk3_in(dir.path(), &["verify", "--db", path(&y)]);
    assert_eq!(verify.status.code(), Some(0), "{}", stdout(&verify));

    // Importing the same documents again writes nothing and says they were there.
    let again = lk3_in(dir.path(), &["import", "--db", path(&y), path(&b)]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(stdout(&again).contains("0 streams imported, 41 already present, 0 events written"), "{}", stdout(&again));
    assert_eq!(stream_count(&y), 41);
}

#[test]
fn a_corrupted_document_refuses_the_whole_import() {
    let dir = tempfile::tempdir().expect("tempdir");
    let docs = dir.path().join("docs");
    let out = lk3_in(dir.path(), &["demo", "--no-db", "--export", path(&docs)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let victim = docs.join("64.74_2019_0004.json");
    let mut doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&victim).expect("read")).expect("json");
    assert_ne!(doc["events"][2]["hash"], serde_json::json!("0".repeat(64)));
    doc["events"][2]["hash"] = serde_json::json!("0".repeat(64));
    std::fs::write(&victim, serde_json::to_string_pretty(&doc).expect("json")).expect("write");

    let z = dir.path().join("z.db");
    let out = lk3_in(dir.path(), &["import", "--db", path(&z), path(&docs)]);
    assert_eq!(out.status.code(), Some(1), "{}{}", stdout(&out), stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("64.74_2019_0004.json") && err.contains("[LK3-E089]"), "{err}");
    assert!(err.contains("LK3-E051"), "the validator's code: {err}");
    assert!(err.contains("id: ") && err.contains("ditolak"), "in Indonesian too: {err}");
    assert!(err.contains("nothing was written"), "{err}");
    assert_eq!(stream_count(&z), 0, "all or nothing: the eight good cases were not written either");
}

/// The data rows of `lk3 cases` (the header and the count line left out).
fn table_rows(text: &str) -> Vec<Vec<String>> {
    let lines: Vec<&str> = text.lines().collect();
    lines[1..lines.len() - 1].iter().map(|l| l.split_whitespace().map(str::to_owned).collect()).collect()
}

fn count_line(text: &str) -> u64 {
    let last = text.lines().last().expect("a count line");
    last.split_whitespace().next().and_then(|n| n.parse().ok()).unwrap_or_else(|| panic!("count in {last:?}"))
}

#[test]
fn cases_lists_only_the_matching_cases_with_their_count() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = demo_store(dir.path(), "lk3.db", &[]);
    let db = path(&db);

    let all = lk3_in(dir.path(), &["cases", "--db", db]);
    assert!(all.status.success(), "{}", stderr(&all));
    assert_eq!(count_line(&stdout(&all)), 10);
    assert_eq!(table_rows(&stdout(&all)).len(), 10);

    let closed = lk3_in(dir.path(), &["cases", "--db", db, "--stage", "ditutup"]);
    assert!(closed.status.success(), "{}", stderr(&closed));
    let text = stdout(&closed);
    let rows = table_rows(&text);
    assert!(!rows.is_empty() && rows.len() < 10, "{text}");
    assert!(rows.iter().all(|r| r[1] == "ditutup"), "{text}");
    assert!(rows.iter().all(|r| r[0].starts_with("64.74/2019/") || r[0] == "64.74/2017/0010"), "{text}");
    let json = lk3_in(dir.path(), &["cases", "--db", db, "--stage", "ditutup", "--format", "json"]);
    assert!(json.status.success(), "{}", stderr(&json));
    let doc: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
    let listed = doc["cases"].as_array().expect("cases");
    assert_eq!(doc["count"].as_u64(), Some(count_line(&text)));
    assert_eq!(listed.len() as u64, count_line(&text));
    assert_eq!(listed.len(), rows.len());
    assert!(listed.iter().all(|c| c["stage"] == "ditutup"));
    let numbers: Vec<&str> = listed.iter().map(|c| c["case_number"].as_str().expect("number")).collect();
    assert_eq!(numbers, rows.iter().map(|r| r[0].as_str()).collect::<Vec<_>>());

    // --limit shows fewer; the count is still every match.
    let two = lk3_in(dir.path(), &["cases", "--db", db, "--stage", "ditutup", "--limit", "2"]);
    assert_eq!(table_rows(&stdout(&two)).len(), 2);
    assert_eq!(count_line(&stdout(&two)), count_line(&text));

    // Filters combine; the unanswered referral of the demo is overdue now.
    let overdue = lk3_in(dir.path(), &["cases", "--db", db, "--overdue", "--service", "rujukan", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&overdue.stdout).expect("json");
    assert_eq!(doc["count"], 1, "{doc}");
    let none = lk3_in(dir.path(), &["cases", "--db", db, "--opened-before", "2017-01-01", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&none.stdout).expect("json");
    assert_eq!(doc["count"], 0);
    let before = lk3_in(dir.path(), &["cases", "--db", db, "--opened-before", "2019-01-01", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&before.stdout).expect("json");
    assert_eq!(doc["count"], 1, "the 2017 case");
    let from = lk3_in(dir.path(), &["cases", "--db", db, "--opened-from", "2019-03-01T00:00:00+08:00"]);
    let rows = table_rows(&stdout(&from));
    assert!(rows.iter().all(|r| r[2].as_str() >= "2019-02-28"), "{}", stdout(&from));

    // Usage errors: exit 2, with the known values.
    let bad = lk3_in(dir.path(), &["cases", "--db", db, "--stage", "closed"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("ditutup"), "{}", stderr(&bad));
    let bad = lk3_in(dir.path(), &["cases", "--db", db, "--opened-from", "1/3/2019"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn cases_pages_through_more_than_one_page() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = demo_store(dir.path(), "lk3.db", &["--cases", "600"]);
    let out = lk3_in(dir.path(), &["cases", "--db", path(&db), "--limit", "1000", "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let ids: Vec<&str> =
        doc["cases"].as_array().expect("cases").iter().map(|c| c["case_id"].as_str().expect("id")).collect();
    assert_eq!(doc["count"], 610);
    assert_eq!(ids.len(), 610);
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "case id order, no repeats across pages");
    let out = lk3_in(dir.path(), &["cases", "--db", path(&db)]);
    assert_eq!(table_rows(&stdout(&out)).len(), 50, "50 by default");
    assert_eq!(count_line(&stdout(&out)), 610);
}

#[test]
fn an_unreachable_store_is_an_error_with_its_code_not_a_panic() {
    let dir = tempfile::tempdir().expect("tempdir");
    let started = std::time::Instant::now();
    let out = lk3_in(dir.path(), &["verify", "--db", "postgres://nobody:secret@127.0.0.1:1/x"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("[LK3-E085]") && err.contains("the store is unavailable"), "{err}");
    assert!(err.contains("penyimpanan tidak dapat dipakai"), "in Indonesian too: {err}");
    assert!(!err.contains("secret") && err.contains("nobody:***@"), "the password is not shown: {err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(started.elapsed().as_secs() < 20, "refused at once, not after the pool's timeout");

    let out = lk3_in(dir.path(), &["cases", "--db", "mysql://a@b/c"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("[LK3-E090]"), "{}", stderr(&out));
    let out = lk3_in(dir.path(), &["demo", "--db", "postgres://nobody@127.0.0.1:1/x"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stdout(&out).is_empty(), "the demo does not run without its store");
}

#[test]
fn fhir_export_then_a_partners_task_update_imported_moves_the_referral() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = demo_store(dir.path(), "lk3.db", &["--export", "out"]);
    let bundle_path = dir.path().join("bundle.json");
    let out = lk3_in(
        dir.path(),
        &["fhir", "export", "--db", path(&db), "--partners", "out/jejaring.ndjson", "--out", path(&bundle_path)],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&bundle_path).expect("written").permissions().mode();
        assert_eq!(mode & 0o077, 0, "a bundle may name clients: owner-only");
    }
    let bundle: serde_json::Value = serde_json::from_slice(&std::fs::read(&bundle_path).expect("read")).expect("json");
    let resources: Vec<&serde_json::Value> =
        bundle["entry"].as_array().expect("entries").iter().map(|e| &e["resource"]).collect();
    // Every partner is named from the network given.
    assert!(resources.iter().filter(|r| r["resourceType"] == "Organization").all(|r| r["name"].is_string()));
    let mut task = resources
        .iter()
        .find(|r| r["resourceType"] == "Task" && r["status"] == "requested")
        .map(|r| (*r).clone())
        .expect("a referral waiting for its partner");
    // The partner's system accepts it.
    task["status"] = serde_json::json!("accepted");
    task["lastModified"] = serde_json::json!("2019-12-30T01:00:00Z");
    std::fs::write(dir.path().join("task.json"), serde_json::to_vec(&task).expect("json")).expect("write");
    let staff = "01694b41-d740-7000-8000-00000000f00d";
    let out = lk3_in(dir.path(), &["fhir", "import", "--db", path(&db), "--staff", staff, "task.json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("dikirim -> diterima (accept)"), "{}", stdout(&out));
    let again = lk3_in(dir.path(), &["fhir", "import", "--db", path(&db), "--staff", staff, "task.json"]);
    assert!(again.status.success() && stdout(&again).contains("diterima, unchanged"), "{}", stdout(&again));
    let out = lk3_in(dir.path(), &["fhir", "export", "--db", path(&db)]);
    let after: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let same = after["entry"]
        .as_array()
        .expect("entries")
        .iter()
        .find(|e| e["resource"]["id"] == task["id"] && e["resource"]["resourceType"] == "Task");
    assert_eq!(same.map(|e| &e["resource"]["status"]), Some(&serde_json::json!("accepted")));
    assert!(lk3_in(dir.path(), &["verify", "--db", path(&db)]).status.success());
    // A status only the LK3 sets: refused with the usual code, exit 1, nothing written.
    task["status"] = serde_json::json!("entered-in-error");
    task["lastModified"] = serde_json::json!("2019-12-30T02:00:00Z");
    std::fs::write(dir.path().join("void.json"), serde_json::to_vec(&task).expect("json")).expect("write");
    let refused = lk3_in(dir.path(), &["fhir", "import", "--db", path(&db), "--staff", staff, "void.json"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(stderr(&refused).contains("LK3-E021"), "{}", stderr(&refused));
}

#[test]
fn partners_import_list_export_in_both_forms_and_the_network_checks_imports() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = demo_store(dir.path(), "lk3.db", &["--export", "out"]);
    let network: Vec<serde_json::Value> = std::fs::read_to_string(dir.path().join("out/jejaring.ndjson"))
        .expect("read")
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    // The demo keeps its network in the store: list shows each partner.
    let listed = lk3_in(dir.path(), &["partners", "list", "--db", path(&db), "--format", "json"]);
    assert!(listed.status.success(), "{}", stderr(&listed));
    let mut listed: Vec<serde_json::Value> = serde_json::from_slice(&listed.stdout).expect("json");
    let mut expected = network.clone();
    let by_id = |p: &serde_json::Value| p["partner_id"].as_str().expect("id").to_owned();
    listed.sort_by_key(by_id);
    expected.sort_by_key(by_id);
    assert_eq!(listed, expected);
    let other_unit = lk3_in(dir.path(), &["partners", "list", "--db", path(&db), "--unit", "64.72"]);
    assert!(stdout(&other_unit).contains("0 partners"), "{}", stdout(&other_unit));

    // Exported in lk3's form and in HSDS, each imports into a fresh store as the same network.
    for (format, file) in [("lk3", "jejaring-lk3.ndjson"), ("hsds", "jejaring-hsds.json")] {
        let out = lk3_in(dir.path(), &["partners", "export", "--db", path(&db), "--format", format, "--out", file]);
        assert!(out.status.success(), "{}", stderr(&out));
        let fresh = dir.path().join(format!("fresh-{format}.db"));
        let out = lk3_in(dir.path(), &["partners", "import", "--db", path(&fresh), "--format", format, file]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(stdout(&out).contains(&format!("{} added, 0 changed", network.len())), "{}", stdout(&out));
        let again = lk3_in(dir.path(), &["partners", "import", "--db", path(&fresh), "--format", format, file]);
        assert!(stdout(&again).contains(&format!("0 added, 0 changed, {} unchanged", network.len())));
        let round = lk3_in(dir.path(), &["partners", "export", "--db", path(&fresh)]);
        let original = lk3_in(dir.path(), &["partners", "export", "--db", path(&db)]);
        assert_eq!(stdout(&round), stdout(&original), "{format}");
    }
    let hsds: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("jejaring-hsds.json")).expect("read")).expect("json");
    assert_eq!(hsds.as_array().map(Vec::len), Some(network.len()));
    assert!(hsds[0]["services"][0]["status"].is_string() && hsds[0]["attributes"].is_array());

    // A broken organization refuses the whole file with its code; nothing is written.
    let mut broken = hsds.clone();
    broken[1]["services"][0]["status"] = serde_json::json!("aktif");
    std::fs::write(dir.path().join("broken.json"), serde_json::to_vec(&broken).expect("json")).expect("write");
    let empty = dir.path().join("empty.db");
    let out = lk3_in(dir.path(), &["partners", "import", "--db", path(&empty), "--format", "hsds", "broken.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("LK3-E070") && stderr(&out).contains("organization 2"), "{}", stderr(&out));
    // A network without the partner that referred case 0007: importing the
    // demo's cases into it is refused (LK3-E031), nothing written; with the
    // whole network, they import.
    let referrer = network.iter().find(|p| p["kind"] == "uptd_ppa").expect("the UPTD PPA");
    let partial: String =
        network.iter().filter(|p| *p != referrer).map(|p| serde_json::to_string(p).expect("json") + "\n").collect();
    std::fs::write(dir.path().join("partial.ndjson"), partial).expect("write");
    let checked = dir.path().join("checked.db");
    assert!(lk3_in(dir.path(), &["partners", "import", "--db", path(&checked), "partial.ndjson"]).status.success());
    let refused = lk3_in(dir.path(), &["import", "--db", path(&checked), "out"]);
    assert_eq!(refused.status.code(), Some(2), "{}", stdout(&refused));
    assert!(stderr(&refused).contains("LK3-E031"), "{}", stderr(&refused));
    assert_eq!(stream_count(&checked), 0);
    assert!(
        lk3_in(dir.path(), &["partners", "import", "--db", path(&checked), "out/jejaring.ndjson"]).status.success()
    );
    let imported = lk3_in(dir.path(), &["import", "--db", path(&checked), "out"]);
    assert!(imported.status.success(), "{}", stderr(&imported));
    assert!(lk3_in(dir.path(), &["verify", "--db", path(&checked)]).status.success());
}

#[test]
fn caseload_counts_the_open_cases_lk3_cases_lists_per_worker_and_stage() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = demo_store(dir.path(), "lk3.db", &["--cases", "120"]);
    let out = lk3_in(dir.path(), &["caseload", "--db", path(&db), "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let loads: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).expect("json");
    let listed = lk3_in(dir.path(), &["cases", "--db", path(&db), "--limit", "100000", "--format", "json"]);
    let listed: serde_json::Value = serde_json::from_slice(&listed.stdout).expect("json");
    let mut expected: BTreeMap<(String, String), BTreeMap<String, u64>> = BTreeMap::new();
    for case in listed["cases"].as_array().expect("cases").iter().filter(|c| c["stage"] != "ditutup") {
        let key = (case["unit"].as_str().expect("unit").to_owned(), case["worker"].to_string());
        *expected.entry(key).or_default().entry(case["stage"].as_str().expect("stage").to_owned()).or_default() += 1;
    }
    let got: BTreeMap<(String, String), BTreeMap<String, u64>> = loads
        .iter()
        .map(|l| {
            let by_stage: BTreeMap<String, u64> = serde_json::from_value(l["by_stage"].clone()).expect("counts");
            assert_eq!(l["open"].as_u64(), Some(by_stage.values().sum()));
            ((l["unit"].as_str().expect("unit").to_owned(), l["worker"].to_string()), by_stage)
        })
        .collect();
    assert!(!got.is_empty());
    assert_eq!(got, expected);
    let table = lk3_in(dir.path(), &["caseload", "--db", path(&db)]);
    let total: u64 = loads.iter().map(|l| l["open"].as_u64().expect("open")).sum();
    assert!(stdout(&table).contains(&format!("{total} kasus terbuka / open cases")), "{}", stdout(&table));
}

/// A demo case transferred from Bontang (64.74) to Samarinda (64.72): the
/// receiving unit's in-tray lists it, and once accepted `lk3 cases
/// --held-by`, `lk3 caseload --unit` and both units' reports follow it.
#[test]
fn a_transferred_case_shows_in_both_units_lists_caseloads_and_reports() {
    use lk3_core::case::{CaseCommand, TransferState};
    use lk3_core::event::Actor;
    use lk3_core::ids::{CommandId, IdSeed, StaffId, UnitCode};
    use lk3_core::vocab::{Role, TransferReason};
    use lk3_storage::CaseStoreExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let db = demo_store(dir.path(), "lk3.db", &[]);
    let cases = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["cases", "--db", path(&db), "--format", "json", "--limit", "1000"];
        all.extend_from_slice(args);
        let out = lk3_in(dir.path(), &all);
        assert!(out.status.success(), "{}", stderr(&out));
        let listed: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        let ids: Vec<String> =
            listed["cases"].as_array().expect("cases").iter().map(|c| c["case_id"].to_string()).collect();
        assert_eq!(listed["count"].as_u64(), Some(ids.len() as u64));
        ids
    };
    let open = cases(&["--stage", "intervensi"]);
    let case_id: lk3_core::ids::CaseId = serde_json::from_str(&open[0]).expect("an id");
    let (home, target): (UnitCode, UnitCode) = ("64.74".parse().expect("unit"), "64.72".parse().expect("unit"));
    let (ketua_here, ketua_there) = (
        StaffId::new_v7(chrono::Utc::now(), IdSeed::new([1; 10])),
        StaffId::new_v7(chrono::Utc::now(), IdSeed::new([2; 10])),
    );
    let run = |cmd: CaseCommand, actor: Actor| {
        runtime().block_on(async {
            let store = lk3_storage::open(path(&db)).await.expect("opens");
            let at = store.load_case(case_id).await.expect("loads").state.last_at().expect("a case")
                + chrono::Duration::days(1);
            let ctx = lk3_core::CommandContext::new(
                actor,
                at,
                CommandId::new_v7(at, IdSeed::new([3; 10])),
                IdSeed::new([4; 10]),
            );
            store.execute_case(case_id, &cmd, &ctx).await.map(|_| at).expect("executed")
        })
    };
    let to_samarinda = CaseCommand::TransferCase { to_unit: target, reason: TransferReason::KlienPindahDomisili };
    run(to_samarinda, Actor::staff(Role::Ketua, ketua_here).of_unit(home));
    let quoted = format!("\"{case_id}\"");
    assert_eq!(cases(&["--transfer-to", "64.72", "--transfer-state", "diajukan"]), vec![quoted.clone()]);
    assert!(cases(&["--held-by", "64.72"]).is_empty());
    let worker = StaffId::new_v7(chrono::Utc::now(), IdSeed::new([5; 10]));
    let at = run(CaseCommand::AcceptTransfer { worker }, Actor::staff(Role::Ketua, ketua_there).of_unit(target));
    assert!(cases(&["--transfer-to", "64.72", "--transfer-state", "diajukan"]).is_empty());
    assert_eq!(
        cases(&["--transfer-to", "64.72", "--transfer-state", TransferState::Diterima.to_string().as_str()]),
        vec![quoted.clone()]
    );
    assert_eq!(cases(&["--held-by", "64.72"]), vec![quoted.clone()]);
    assert!(!cases(&["--held-by", "64.74"]).contains(&quoted));
    assert!(cases(&["--unit", "64.74"]).contains(&quoted), "the history stays with the unit that opened it");
    let out = lk3_in(dir.path(), &["caseload", "--db", path(&db), "--unit", "64.72", "--format", "json"]);
    let loads: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(loads[0]["worker"], serde_json::json!(worker.to_string()));
    assert_eq!((loads[0]["open"].as_u64(), loads.as_array().map(Vec::len)), (Some(1), Some(1)));
    let day = at.date_naive().to_string();
    for (unit, key) in [("64.74", "transferred_out"), ("64.72", "transferred_in")] {
        let out = lk3_in(
            dir.path(),
            &["report", "--db", path(&db), "--unit", unit, "--from", &day, "--to", &day, "--format", "json"],
        );
        assert!(out.status.success(), "{}", stderr(&out));
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        assert_eq!(
            report["units"][0]["figures"]["cases"][key], 1,
            "{unit}: {}",
            report["units"][0]["figures"]["cases"]
        );
    }
    assert!(lk3_in(dir.path(), &["verify", "--db", path(&db)]).status.success());
    // A transfer state that is not one: refused by the argument parser.
    let out = lk3_in(dir.path(), &["cases", "--db", path(&db), "--transfer-to", "64.72", "--transfer-state", "hilang"]);
    assert!(!out.status.success());
}

/// `lk3 tasks --overdue --at D` lists exactly the overdue tasks of the demo
/// store: every open task of every exported case and outreach document,
/// folded on its own, that is due before D; and every referral waiting past
/// its deadline in the documents' own JSON is among them.
#[test]
fn tasks_overdue_lists_exactly_the_demo_s_overdue_work_at_a_date() {
    use lk3_core::case::{Case, CaseEventRecord};
    use lk3_core::decider::Decider;
    use lk3_core::outreach::{Outreach, OutreachEvent};
    let dir = tempfile::tempdir().expect("tempdir");
    let db = demo_store(dir.path(), "lk3.db", &["--export", "out"]);
    let mut expected_all: Vec<(String, String, String)> = Vec::new();
    let mut waiting_referrals: Vec<(String, String)> = Vec::new();
    for (_, bytes) in files(&dir.path().join("out")) {
        let Ok(doc) = serde_json::from_slice::<serde_json::Value>(&bytes) else { continue };
        let tasks = match doc["document"].as_str() {
            Some("lk3.case") => {
                let events: Vec<CaseEventRecord> = serde_json::from_value(doc["events"].clone()).expect("events");
                for s in doc["case"]["services"].as_array().into_iter().flatten() {
                    if s["state"] == "dikirim" && s["response_deadline"].is_string() {
                        waiting_referrals.push((
                            s["service_id"].as_str().expect("id").to_owned(),
                            s["response_deadline"].as_str().expect("time").to_owned(),
                        ));
                    }
                }
                Case::from_events(&events).tasks()
            }
            Some("lk3.outreach") => {
                let events: Vec<lk3_core::event::Event<OutreachEvent>> =
                    serde_json::from_value(doc["events"].clone()).expect("events");
                Outreach::from_events(&events).tasks()
            }
            _ => continue,
        };
        for t in tasks {
            let about = t.about.map(|a| a.to_string()).unwrap_or_default();
            expected_all.push((t.task.to_string(), about, t.due.timestamp_micros().to_string()));
        }
    }
    assert!(!expected_all.is_empty(), "the demo leaves work open");
    let first = expected_all.iter().map(|t| t.2.parse::<i64>().expect("micros")).min().expect("a task");
    let first = chrono::DateTime::from_timestamp_micros(first).expect("time") + chrono::Duration::seconds(1);
    // Just after the earliest due date, and long after the last.
    for at in [first.to_rfc3339(), "2030-01-01".to_owned()] {
        let at_time = lk3_cli_date(&at);
        let out = lk3_in(dir.path(), &["tasks", "--db", path(&db), "--overdue", "--at", &at, "--format", "json"]);
        assert!(out.status.success(), "{}", stderr(&out));
        let listed: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).expect("json");
        let mut got: Vec<(String, String, String)> = listed
            .iter()
            .map(|t| {
                let due = lk3_cli_date(t["due"].as_str().expect("due")).timestamp_micros().to_string();
                (t["task"].as_str().expect("task").to_owned(), t["about"].as_str().unwrap_or_default().to_owned(), due)
            })
            .collect();
        let before = |micros: &str| micros.parse::<i64>().expect("micros") < at_time.timestamp_micros();
        let mut expected: Vec<_> = expected_all.iter().filter(|t| before(&t.2)).cloned().collect();
        got.sort();
        expected.sort();
        assert_eq!(got, expected, "at {at}");
        for (service, deadline) in waiting_referrals.iter().filter(|(_, d)| lk3_cli_date(d) < at_time) {
            let deadline = lk3_cli_date(deadline).timestamp_micros().to_string();
            assert!(got.iter().any(|t| t.0 == "jawaban_rujukan" && &t.1 == service && t.2 == deadline), "{service}");
        }
    }
    let table = lk3_in(dir.path(), &["tasks", "--db", path(&db), "--overdue", "--at", "2030-01-01"]);
    assert!(stdout(&table).contains(&format!("terlambat / overdue: {}", expected_all.len())), "{}", stdout(&table));
}

/// A time as `lk3 tasks --at` reads it (a date is UTC midnight).
fn lk3_cli_date(s: &str) -> chrono::DateTime<chrono::Utc> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map(|d| d.and_hms_opt(0, 0, 0).expect("midnight").and_utc())
        .or_else(|_| chrono::DateTime::parse_from_rfc3339(s).map(|t| t.with_timezone(&chrono::Utc)))
        .expect("a time")
}

/// `lk3 clients find` names a demo client by her name typed otherwise, with
/// her files, and never prints the name; a malformed NIK is refused without
/// being echoed; `lk3 clients merge` records a merge that `lk3 verify`
/// accepts, and refuses a second. (The demo's registry holds no NIK: the
/// NIK path is the conformance suite's.)
#[test]
fn clients_find_by_name_then_merge_and_verify() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = demo_store(dir.path(), "lk3.db", &[]);
    let unit: lk3_core::ids::UnitCode = "64.74".parse().expect("unit");
    let registry = runtime().block_on(async {
        let store = lk3_storage::open(path(&db)).await.expect("opens");
        store.registry(&unit).await.expect("registry")
    });
    let someone = registry.first().expect("a record");
    let shouted = someone.name.to_uppercase().replace(' ', "  ");
    for args in [vec!["--name", shouted.as_str()], vec!["--name", shouted.as_str(), "--born", "1900-01-01"]] {
        let mut all = vec!["clients", "find", "--db", path(&db), "--unit", "64.74", "--format", "json"];
        all.extend_from_slice(&args);
        let out = lk3_in(dir.path(), &all);
        assert!(out.status.success(), "{}", stderr(&out));
        let text = stdout(&out);
        assert!(!text.contains(&someone.name), "no identity in the output");
        let found: Vec<serde_json::Value> = serde_json::from_str(&text).expect("json");
        if args.len() > 2 {
            assert!(
                found.iter().all(|f| f["client_id"] != serde_json::json!(someone.client_id.to_string())),
                "born apart"
            );
            continue;
        }
        assert_eq!(found[0]["client_id"], serde_json::json!(someone.client_id.to_string()), "{args:?}");
        assert_eq!(found[0]["score"], serde_json::json!(1.0));
        assert!(!found[0]["files"].as_array().expect("files").is_empty(), "her files");
    }
    let bad =
        lk3_in(dir.path(), &["clients", "find", "--db", path(&db), "--unit", "64.74", "--nik", "12345678901234567"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("LK3-E001") && !stderr(&bad).contains("12345678901234567"), "{}", stderr(&bad));
    let other = registry.iter().find(|r| r.client_id != someone.client_id).expect("another record");
    let merge = |db: &Path| {
        lk3_in(
            dir.path(),
            &[
                "clients",
                "merge",
                "--db",
                path(db),
                "--unit",
                "64.74",
                "--merged",
                &other.client_id.to_string(),
                "--into",
                &someone.client_id.to_string(),
                "--staff",
                "01694b41-d740-7000-8000-00000000f00d",
                "--reason",
                "dokumen_diperiksa",
            ],
        )
    };
    let out = merge(&db);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(lk3_in(dir.path(), &["verify", "--db", path(&db)]).status.success());
    let again = merge(&db);
    assert!(!again.status.success() && stderr(&again).contains("LK3-E081"), "{}", stderr(&again));
}

/// A demo case's secret note and attachment, kept in the store and named by
/// its events: `lk3 notes read` without a purpose is refused (`LK3-E150`), with
/// one it prints the text; `lk3 attachments read` writes the bytes owner-only;
/// `lk3 clients show` needs a purpose; and `lk3 access-log --client` lists
/// exactly those reads, refusals included, with ids and codes only.
#[test]
fn a_secret_note_is_read_only_for_a_purpose_and_every_read_is_in_the_access_log() {
    use lk3_core::case::{CaseAttachment, CaseCommand, CaseNote};
    use lk3_core::event::Actor;
    use lk3_core::ids::{CommandId, IdSeed, StaffId, UnitCode};
    use lk3_core::vocab::{AttachmentKind, ContentType, Role, Sensitivity};
    use lk3_storage::CaseStoreExt;
    use lk3_storage::personal::{NewAttachment, NewNote};
    use std::os::unix::fs::PermissionsExt;
    const PDF: &[u8] = b"%PDF-1.4\n% surat rujukan\n%%EOF\n";
    let dir = tempfile::tempdir().expect("tempdir");
    let db = demo_store(dir.path(), "lk3.db", &[]);
    let unit: UnitCode = "64.74".parse().expect("unit");
    let out = lk3_in(dir.path(), &["cases", "--db", path(&db), "--stage", "intervensi", "--format", "json"]);
    let listed: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let case_id: lk3_core::ids::CaseId =
        serde_json::from_value(listed["cases"][0]["case_id"].clone()).expect("an open case");
    let (note, attachment, client, worker) = runtime().block_on(async {
        let store = lk3_storage::open(path(&db)).await.expect("opens");
        let case = store.load_case(case_id).await.expect("loads").state;
        let client = case.clients()[0].client_id;
        let worker = case.worker().expect("a worker");
        let note = store
            .put_note(&NewNote {
                unit,
                case_id: Some(case_id),
                subjects: vec![client],
                sensitivity: Sensitivity::Rahasia,
                text: "Klien takut pulang ke rumah.".into(),
            })
            .await
            .expect("note");
        let attachment = store
            .put_attachment(&NewAttachment {
                unit,
                case_id: Some(case_id),
                subjects: vec![client],
                kind: AttachmentKind::SuratRujukan,
                content_type: ContentType::Pdf,
                sensitivity: Sensitivity::Rahasia,
                content: PDF.to_vec(),
            })
            .await
            .expect("attachment");
        let commands = [
            CaseCommand::AddNote { note: CaseNote { about: vec![client], note, sensitivity: Sensitivity::Rahasia } },
            CaseCommand::AddAttachment {
                attachment: CaseAttachment {
                    about: vec![client],
                    attachment,
                    bytes: PDF.len() as u64,
                    content_type: ContentType::Pdf,
                    kind: AttachmentKind::SuratRujukan,
                    sensitivity: Sensitivity::Rahasia,
                },
            },
        ];
        for (n, cmd) in commands.iter().enumerate() {
            let at = store.load_case(case_id).await.expect("loads").state.last_at().expect("a case")
                + chrono::Duration::hours(1);
            let seed = IdSeed::new([n as u8 + 1; 10]);
            let ctx = lk3_core::CommandContext::new(
                Actor::staff(Role::PekerjaSosial, worker),
                at,
                CommandId::new_v7(at, seed),
                seed,
            );
            store.execute_case(case_id, cmd, &ctx).await.expect("kept with the case");
        }
        (note, attachment, client, worker)
    });
    let reader = |purpose: Option<&str>, staff: &str, role: &str| {
        let mut args = vec!["--db".to_owned(), path(&db).to_owned(), "--unit".into(), "64.74".into()];
        args.extend(["--staff-unit".into(), "64.74".into()]);
        args.extend(["--staff".into(), staff.to_owned(), "--role".into(), role.to_owned()]);
        if let Some(p) = purpose {
            args.extend(["--purpose".into(), p.to_owned()]);
        }
        args
    };
    let run = |head: &[&str], tail: Vec<String>| {
        let mut all: Vec<String> = head.iter().map(|s| (*s).to_owned()).collect();
        all.extend(tail);
        let refs: Vec<&str> = all.iter().map(String::as_str).collect();
        lk3_in(dir.path(), &refs)
    };
    let worker_id = worker.to_string();
    let digest = note.to_string();
    let with_digest = |mut args: Vec<String>, d: &str| {
        args.extend(["--digest".into(), d.to_owned()]);
        args
    };
    // Without a purpose: refused, in both languages, with nothing of the note.
    let out = run(&["notes", "read"], with_digest(reader(None, &worker_id, "pekerja_sosial"), &digest));
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(stderr(&out).contains("LK3-E150") && stderr(&out).contains("tujuan"), "{}", stderr(&out));
    assert!(!stderr(&out).contains("takut"), "{}", stderr(&out));
    let out =
        run(&["notes", "read"], with_digest(reader(Some("penanganan_kasus"), &worker_id, "pekerja_sosial"), &digest));
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).trim(), "Klien takut pulang ke rumah.");
    // The admin reads no note, whatever the purpose.
    let admin = StaffId::new_v7(chrono::Utc::now(), IdSeed::new([9; 10])).to_string();
    let out = run(&["notes", "read"], with_digest(reader(Some("audit"), &admin, "admin"), &digest));
    assert!(stderr(&out).contains("LK3-E151"), "{}", stderr(&out));
    // The attachment, written owner-only.
    let file = dir.path().join("surat.pdf");
    let mut args = with_digest(reader(Some("rujukan"), &worker_id, "pekerja_sosial"), &attachment.to_string());
    args.extend(["--out".into(), path(&file).to_owned()]);
    let out = run(&["attachments", "read"], args);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(std::fs::read(&file).expect("written"), PDF);
    assert_eq!(std::fs::metadata(&file).expect("meta").permissions().mode() & 0o777, 0o600);
    // An identity: refused without a purpose.
    let mut args = reader(None, &worker_id, "pekerja_sosial");
    args.extend(["--client".into(), client.to_string()]);
    let out = run(&["clients", "show"], args);
    assert!(stderr(&out).contains("LK3-E150"), "{}", stderr(&out));
    // The log: those five reads of the client's data, in order, ids and codes only.
    let out =
        lk3_in(dir.path(), &["access-log", "--db", path(&db), "--client", &client.to_string(), "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let log: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).expect("json");
    let seen: Vec<(String, bool, Option<String>)> = log
        .iter()
        .map(|l| {
            let e = &l["entry"];
            (
                e["kind"].as_str().expect("kind").to_owned(),
                e["granted"] == true,
                e["purpose"].as_str().map(str::to_owned),
            )
        })
        .collect();
    let entry = |kind: &str, granted, purpose: Option<&str>| (kind.to_owned(), granted, purpose.map(str::to_owned));
    assert_eq!(
        seen,
        [
            entry("catatan", false, None),
            entry("catatan", true, Some("penanganan_kasus")),
            entry("catatan", false, Some("audit")),
            entry("lampiran", true, Some("rujukan")),
            entry("identitas", false, None),
        ]
    );
    assert_eq!(log[1]["entry"]["actor"]["staff_id"], serde_json::json!(worker_id));
    assert_eq!(log[1]["entry"]["target"], serde_json::json!(digest));
    let table = lk3_in(dir.path(), &["access-log", "--db", path(&db), "--client", &client.to_string()]);
    assert!(stdout(&table).contains("5 entri / entries") && stdout(&table).contains("LK3-E150"), "{}", stdout(&table));
    assert!(lk3_in(dir.path(), &["verify", "--db", path(&db)]).status.success());
}

/// `lk3 clients family --no-kk` lists the records of one Kartu Keluarga with
/// their cases and roles, and never prints the number or a name; a
/// malformed number is refused without being echoed.
#[test]
fn clients_family_lists_the_members_of_a_family_card_with_their_files() {
    use lk3_storage::CaseStoreExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let db = demo_store(dir.path(), "lk3.db", &[]);
    let unit: lk3_core::ids::UnitCode = "64.74".parse().expect("unit");
    const KK: &str = "6474010101190001";
    let members = runtime().block_on(async {
        let store = lk3_storage::open(path(&db)).await.expect("opens");
        let case = store.query_cases(&lk3_storage::CaseQuery { limit: 1, ..Default::default() }).await.expect("q");
        let case = store.load_case(case[0].case_id).await.expect("loads").state;
        let mut members = Vec::new();
        for c in case.clients() {
            let mut record = store.client(&unit, c.client_id).await.expect("read").expect("a record");
            record.no_kk = Some(KK.parse().expect("no kk"));
            store.put_client(&record).await.expect("put");
            members.push((c.client_id, case.case_id().expect("id")));
        }
        members
    });
    let out = lk3_in(
        dir.path(),
        &["clients", "family", "--db", path(&db), "--unit", "64.74", "--no-kk", KK, "--format", "json"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stdout(&out).contains(KK));
    let listed: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).expect("json");
    let mut got: Vec<String> = listed.iter().map(|m| m["client_id"].as_str().expect("id").to_owned()).collect();
    got.sort();
    let mut want: Vec<String> = members.iter().map(|(c, _)| c.to_string()).collect();
    want.sort();
    assert_eq!(got, want);
    for m in &listed {
        let files: Vec<&str> =
            m["files"].as_array().expect("files").iter().map(|f| f["case_id"].as_str().expect("id")).collect();
        assert!(files.contains(&members[0].1.to_string().as_str()), "{m}");
    }
    let bad = lk3_in(
        dir.path(),
        &["clients", "family", "--db", path(&db), "--unit", "64.74", "--no-kk", "64740101011900019"],
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("LK3-E005") && !stderr(&bad).contains("64740101011900019"), "{}", stderr(&bad));
}
