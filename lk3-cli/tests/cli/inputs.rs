//! Files and stores from outside, as someone careless or hostile hands them
//! to `lk3`: links planted where exports go, `/dev/zero` behind a `.json`
//! name, an endless standard input, a FIFO, directories that link back up,
//! empty and foreign databases given to the read commands, a password in
//! a URL's parameters. Each gets a typed error or a clean result; nothing
//! hangs, reads more than the limit, writes through a link or into a file
//! that is not a store.

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

fn lk3() -> Command {
    Command::new(env!("CARGO_BIN_EXE_lk3"))
}

fn path(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// Waits for a child at most `limit`: a hang fails the test instead of stalling it.
fn finish(mut child: Child, limit: Duration) -> Output {
    let started = Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            return child.wait_with_output().expect("output");
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("lk3 did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn run(args: &[&str]) -> Output {
    let child = lk3().args(args).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn();
    finish(child.expect("spawn"), Duration::from_secs(60))
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn mode(p: &Path) -> u32 {
    std::fs::symlink_metadata(p).expect("metadata").permissions().mode() & 0o777
}

#[test]
fn export_replaces_a_planted_link_and_never_writes_through_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("lk3.db");
    assert!(run(&["demo", "--db", path(&db)]).status.success());
    assert_eq!(mode(&db), 0o600, "a new store is owner-only");
    for log in ["lk3.db-wal", "lk3.db-shm"] {
        assert!(!dir.path().join(log).exists(), "{log} left behind after the command");
    }
    let out = dir.path().join("export");
    assert!(run(&["export", "--db", path(&db), "--out", path(&out)]).status.success());
    assert_eq!(mode(&out), 0o700, "a new export directory is owner-only");
    let names: Vec<String> = std::fs::read_dir(&out)
        .expect("dir")
        .map(|e| e.expect("entry").file_name().into_string().expect("name"))
        .collect();
    assert!(names.len() > 5);
    for name in &names {
        assert_eq!(mode(&out.join(name)), 0o600, "{name} is owner-only");
    }
    // Someone plants links where the next export writes, to files of their choosing.
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, b"precious").expect("victim");
    for name in &names {
        std::fs::remove_file(out.join(name)).expect("remove");
        std::os::unix::fs::symlink(&victim, out.join(name)).expect("plant");
    }
    let again = run(&["export", "--db", path(&db), "--out", path(&out)]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert_eq!(std::fs::read(&victim).expect("victim"), b"precious", "nothing written through a link");
    for name in &names {
        let meta = std::fs::symlink_metadata(out.join(name)).expect("metadata");
        assert!(meta.file_type().is_file(), "{name}: the link was replaced by the document");
        assert_eq!(mode(&out.join(name)), 0o600);
    }
}

#[test]
fn validate_reads_no_more_than_the_limit_and_never_waits_on_a_fifo() {
    let dir = tempfile::tempdir().expect("tempdir");
    let zero = dir.path().join("zero.json");
    std::os::unix::fs::symlink("/dev/zero", &zero).expect("link");
    let huge = dir.path().join("huge.json");
    std::fs::File::create(&huge).expect("file").set_len(1_500_000_000).expect("sparse");
    let fifo = dir.path().join("pipe.json");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    for (file, code) in [(&zero, "[LK3-E095]"), (&huge, "[LK3-E062]"), (&fifo, "[LK3-E095]")] {
        let out = run(&["validate", path(file)]);
        assert_eq!(out.status.code(), Some(2), "{}: {}", file.display(), stderr(&out));
        let said = format!("{}{}", stdout(&out), stderr(&out));
        assert!(said.contains(code), "{}: {said}", file.display());
    }
    // Inside a directory the FIFO and the device link are refused by name,
    // never opened and never passed over in silence: the run fails (exit 2).
    std::fs::write(dir.path().join("ok.json"), br#"{"type":"start_assessment"}"#).expect("doc");
    std::fs::remove_file(&huge).expect("remove");
    let out = run(&["validate", "--format", "json", path(dir.path())]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(report["summary"]["documents"], 1, "{report}");
    assert_eq!(report["summary"]["unreadable"], 2, "{report}");
    let errors = report["errors"].to_string();
    for name in ["pipe.json", "zero.json"] {
        assert!(errors.contains(name) && errors.contains("[LK3-E095]"), "{name}: {errors}");
    }
    // The import walk alike: refused before any store is opened.
    let db = dir.path().join("lk3.db");
    let imported = run(&["import", "--db", path(&db), path(dir.path())]);
    assert_eq!(imported.status.code(), Some(2), "{}", stderr(&imported));
    assert!(stderr(&imported).contains("[LK3-E095]"), "{}", stderr(&imported));
    assert!(!db.exists(), "no store made for an import that cannot start");
}

#[test]
fn anything_but_a_regular_file_under_a_document_name_in_a_folder_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let docs = dir.path().join("docs");
    std::fs::create_dir_all(docs.join("sub")).expect("dirs");
    std::fs::write(docs.join("ok.json"), br#"{"type":"start_assessment"}"#).expect("doc");
    std::fs::write(dir.path().join("target.json"), br#"{"type":"start_assessment"}"#).expect("doc");
    /// Makes a thing at a path.
    type Make = Box<dyn Fn(&Path)>;
    let make: Vec<(&str, Make)> = vec![
        ("fifo.json", Box::new(|p: &Path| assert!(Command::new("mkfifo").arg(p).status().expect("mkfifo").success()))),
        (
            "sub/fifo.ndjson",
            Box::new(|p: &Path| assert!(Command::new("mkfifo").arg(p).status().expect("mkfifo").success())),
        ),
        ("null.json", Box::new(|p: &Path| std::os::unix::fs::symlink("/dev/null", p).expect("link"))),
        ("link.json", Box::new(|p: &Path| std::os::unix::fs::symlink("../target.json", p).expect("link"))),
        ("sub/socket.json", Box::new(|p: &Path| drop(std::os::unix::net::UnixListener::bind(p).expect("socket")))),
    ];
    for (name, make) in &make {
        let at = docs.join(name);
        make(&at);
        for args in [vec!["validate", path(&docs)], vec!["import", "--db", "memory:", path(&docs)]] {
            let out = run(&args);
            assert_eq!(out.status.code(), Some(2), "{name} {args:?}: {}", stderr(&out));
            let said = format!("{}{}", stdout(&out), stderr(&out));
            assert!(said.contains("[LK3-E095]") && said.contains(name.rsplit('/').next().unwrap_or(name)), "{said}");
        }
        std::fs::remove_file(&at).expect("remove");
    }
    // Names that are not documents' are passed over; the folder is fine again.
    std::fs::write(docs.join("notes.txt"), b"not a document").expect("file");
    std::os::unix::fs::symlink("..", docs.join("up")).expect("link");
    assert_eq!(run(&["validate", path(&docs)]).status.code(), Some(0));
}

#[test]
fn a_check_of_nothing_never_passes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let empty = dir.path().join("empty");
    let only_text = dir.path().join("only-text");
    let only_streams = dir.path().join("only-streams");
    for d in [&empty, &only_text, &only_streams] {
        std::fs::create_dir_all(d).expect("dir");
    }
    std::fs::write(only_text.join("readme.txt"), b"{}").expect("file");
    std::fs::write(only_streams.join("blank.ndjson"), b"\n  \n").expect("file");
    let doc = dir.path().join("doc.json");
    std::fs::write(&doc, br#"{"type":"start_assessment"}"#).expect("doc");
    let db = dir.path().join("lk3.db");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["validate", path(&empty)], "[LK3-E068]"),
        (vec!["validate", path(&only_text)], "[LK3-E068]"),
        (vec!["validate", path(&only_streams)], "[LK3-E068]"),
        (vec!["validate", "--format", "json", path(&empty)], "[LK3-E068]"),
        (vec!["validate", "--kind", "kasus", path(&doc)], "[LK3-E065]"),
        (vec!["validate", "--kind", "", path(&doc)], "[LK3-E065]"),
        (vec!["import", "--db", path(&db), path(&empty)], "[LK3-E068]"),
        (vec!["import", "--db", path(&db), path(&only_streams)], "[LK3-E068]"),
    ];
    for (args, code) in cases {
        let out = run(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(code), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("id: "), "both languages: {}", stderr(&out));
    }
    assert!(!db.exists(), "an import of nothing makes no store");
    // The known kinds still work.
    assert_eq!(run(&["validate", "--kind", "command", path(&doc)]).status.code(), Some(0));
}

#[test]
fn strict_documents_are_refused_by_validate_and_import_alike() {
    let dir = tempfile::tempdir().expect("tempdir");
    let export = dir.path().join("export");
    assert!(run(&["demo", "--no-db", "--export", path(&export)]).status.success());
    let text = std::fs::read_to_string(export.join("64.74_2019_0001.json")).expect("a case");
    let doc: serde_json::Value = serde_json::from_str(&text).expect("json");
    let role = doc["events"][0]["actor"]["role"].as_str().expect("a role").to_owned();
    let with = |pointer: &str, key: &str, value: serde_json::Value| {
        let mut d = doc.clone();
        d.pointer_mut(pointer).and_then(|v| v.as_object_mut()).expect("an object").insert(key.to_owned(), value);
        serde_json::to_string_pretty(&d).expect("json")
    };
    let at = doc["events"][1]["occurred_at"].as_str().expect("a time").to_owned();
    let wita = chrono::DateTime::parse_from_rfc3339(&at)
        .expect("a time")
        .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).expect("offset"))
        .to_rfc3339();
    let table: Vec<(&str, String, &str, &str)> = vec![
        (
            "repeated key in an actor",
            text.replacen(&format!("\"role\": \"{role}\""), &format!("\"role\": \"{role}\", \"role\": \"ketua\""), 1),
            "LK3-E066",
            "/events/0/actor",
        ),
        (
            "repeated key at the top",
            text.replacen("\"version\": 1", "\"version\": 1, \"version\": 1", 1),
            "LK3-E066",
            "",
        ),
        (
            "repeated key in a payload",
            text.replacen(
                "\"type\": \"contact_recorded\"",
                "\"type\": \"contact_recorded\", \"type\": \"registered\"",
                1,
            ),
            "LK3-E066",
            "/events/0/payload",
        ),
        ("a NIK in the header", with("/case", "nik", serde_json::json!("6474015505850003")), "LK3-E070", "/case"),
        ("a name in an envelope", with("/events/1", "nama", serde_json::json!("Siti Aminah")), "LK3-E070", "/events/1"),
        ("an address at the top", with("", "alamat", serde_json::json!("Jl. Mawar 3")), "LK3-E070", ""),
        (
            "a time in WITA",
            {
                let mut d = doc.clone();
                d["events"][1]["occurred_at"] = serde_json::json!(wita);
                serde_json::to_string_pretty(&d).expect("json")
            },
            "LK3-E067",
            "/events/1/occurred_at",
        ),
    ];
    for (what, forged, code, pointer) in table {
        assert_ne!(forged, text, "{what}: the forgery changed nothing");
        let file = dir.path().join("forged.json");
        std::fs::write(&file, &forged).expect("write");
        let out = run(&["validate", "--format", "json", path(&file)]);
        assert_eq!(out.status.code(), Some(1), "{what}: {}", stdout(&out));
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        let findings = report["documents"][0]["findings"].as_array().expect("findings");
        assert!(findings.iter().any(|f| f["code"] == code && f["pointer"] == pointer), "{what}: {findings:#?}");
        let said = out.stdout.clone();
        for secret in ["6474015505850003", "Siti Aminah", "Jl. Mawar"] {
            assert!(!String::from_utf8_lossy(&said).contains(secret), "{what}: {secret} repeated");
        }
        let db = dir.path().join("lk3.db");
        let imported = run(&["import", "--db", path(&db), path(&file)]);
        assert_eq!(imported.status.code(), Some(1), "{what}: {}", stderr(&imported));
        assert!(stderr(&imported).contains(code), "{what}: {}", stderr(&imported));
        assert!(stderr(&imported).contains("nothing was written"), "{}", stderr(&imported));
    }
    // The untouched document imports.
    let db = dir.path().join("clean.db");
    assert!(run(&["import", "--db", path(&db), path(&export.join("64.74_2019_0001.json"))]).status.success());
}

#[test]
fn a_partner_network_with_a_repeated_key_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let export = dir.path().join("export");
    assert!(run(&["demo", "--no-db", "--export", path(&export)]).status.success());
    let network = std::fs::read_to_string(export.join("jejaring.ndjson")).expect("network");
    let first = network.lines().next().expect("a partner");
    let forged = first.replacen("{", "{\"name\":\"Polres Palsu\",", 1);
    assert_ne!(forged, first);
    let file = dir.path().join("jejaring.ndjson");
    std::fs::write(&file, format!("{forged}\n")).expect("write");
    let out = run(&["validate", "--partners", path(&file), path(&export)]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("[LK3-E066]"), "{}", stderr(&out));
}

#[test]
fn an_endless_standard_input_is_refused_at_the_limit() {
    let mut child = lk3()
        .args(["validate", "--max-bytes", "1048576", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdin = child.stdin.take().expect("stdin");
    // Feeds far more than the limit; lk3 stops reading, so the writes end with a broken pipe.
    let feeder = std::thread::spawn(move || {
        let chunk = vec![b' '; 64 * 1024];
        let mut written = 0usize;
        while written < 64 * 1024 * 1024 {
            if stdin.write_all(&chunk).is_err() {
                break;
            }
            written += chunk.len();
        }
        written
    });
    let out = finish(child, Duration::from_secs(60));
    let written = feeder.join().expect("feeder");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(format!("{}{}", stdout(&out), stderr(&out)).contains("[LK3-E062]"));
    assert!(written < 64 * 1024 * 1024, "lk3 read everything it was given ({written} bytes)");
}

#[test]
fn a_walk_never_follows_links_back_up() {
    let dir = tempfile::tempdir().expect("tempdir");
    let docs = dir.path().join("docs");
    std::fs::create_dir_all(docs.join("a")).expect("dirs");
    std::fs::write(docs.join("a").join("one.json"), br#"{"type":"start_assessment"}"#).expect("doc");
    std::os::unix::fs::symlink(".", docs.join("self")).expect("link");
    std::os::unix::fs::symlink("..", docs.join("a").join("up")).expect("link");
    let out = run(&["validate", "--format", "json", path(&docs)]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(report["summary"]["documents"], 1, "each document once: {report}");
    // The import walk too: no document is found twice, and it finishes.
    let db = dir.path().join("lk3.db");
    let imported = run(&["import", "--db", path(&db), path(&docs)]);
    assert!(!stderr(&imported).contains("did not finish"));
}

#[test]
fn read_commands_never_write_and_name_what_is_not_a_store() {
    let dir = tempfile::tempdir().expect("tempdir");
    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, b"").expect("empty");
    let text = dir.path().join("notes.db");
    std::fs::write(&text, b"some notes, not a database, long enough to have a header of sorts.").expect("text");
    let foreign = dir.path().join("foreign.db");
    let made = Command::new("python3")
        .args(["-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('CREATE TABLE x (y)'); c.commit()"])
        .arg(&foreign)
        .status()
        .expect("python3");
    assert!(made.success());
    for db in [&empty, &text, &foreign] {
        let before = std::fs::read(db).expect("bytes");
        let out_dir = dir.path().join("out");
        for args in [
            vec!["verify", "--db", path(db)],
            vec!["cases", "--db", path(db)],
            vec!["export", "--db", path(db), "--out", path(&out_dir)],
        ] {
            let out = run(&args);
            assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
            assert!(stderr(&out).contains("[LK3-E093]"), "{args:?}: {}", stderr(&out));
            assert!(stderr(&out).contains("bukan penyimpanan lk3"), "in Indonesian too");
            assert_eq!(std::fs::read(db).expect("bytes"), before, "{args:?} changed {}", db.display());
        }
        assert!(!out_dir.exists(), "nothing exported from {}", db.display());
    }
}

#[test]
fn a_password_in_url_parameters_is_never_shown() {
    let out = run(&["verify", "--db", "postgres://lk3@127.0.0.1:1/lk3?password=rahasia-sekali&connect_timeout=2"]);
    assert_eq!(out.status.code(), Some(2));
    let said = format!("{}{}", stdout(&out), stderr(&out));
    assert!(!said.contains("rahasia-sekali"), "{said}");
    assert!(said.contains("password=***"), "{said}");
}
