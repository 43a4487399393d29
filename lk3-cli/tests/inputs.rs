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
    // Inside a directory the FIFO and the device link are skipped, never opened.
    std::fs::write(dir.path().join("ok.json"), br#"{"type":"start_assessment"}"#).expect("doc");
    std::fs::remove_file(&huge).expect("remove");
    let out = run(&["validate", "--format", "json", path(dir.path())]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(report["summary"]["documents"], 1, "{report}");
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
