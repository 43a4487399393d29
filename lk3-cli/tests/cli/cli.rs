//! The `lk3` binary as a user runs it.

use lk3_core::Decider;
use std::path::Path;
use std::process::{Command, Output};

use lk3_core::case::{Case, CaseEventRecord};
use lk3_core::event::verify_chain;
use lk3_core::rules::{RuleSet, RuleSetId, export};

/// Runs `lk3` in a fresh directory of its own, so that `lk3 demo` writes its
/// default store (`lk3.db`) there rather than into the source tree.
fn lk3(args: &[&str]) -> Output {
    let cwd = tempfile::tempdir().expect("tempdir");
    Command::new(env!("CARGO_BIN_EXE_lk3")).args(args).current_dir(cwd.path()).output().expect("runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8")
}

#[test]
fn diagram_prints_the_enforced_table_in_each_format() {
    for rule_set in RuleSetId::all() {
        let name = rule_set.id();
        let rules = RuleSet::get(rule_set);
        let json = lk3(&["diagram", "--rule-set", name, "--format", "json"]);
        assert!(json.status.success());
        let doc: export::RuleSetExport = serde_json::from_str(&stdout(&json)).expect("valid JSON");
        assert_eq!(doc, export::to_export(rules));
        assert_eq!(doc.machines[0].states.len(), 11);
        assert_eq!(stdout(&lk3(&["diagram", "--rule-set", name, "--format", "mermaid"])), export::to_mermaid(rules));
        assert_eq!(stdout(&lk3(&["diagram", "--rule-set", name])), export::to_mermaid(rules), "mermaid is the default");
        assert_eq!(stdout(&lk3(&["diagram", "--rule-set", name, "--format", "dot"])), export::to_dot(rules));
        // The machines are the rule set's: the case, its catalogue, penjangkauan.
        let names: Vec<&str> = doc.machines.iter().map(|m| m.name.as_str()).collect();
        let mut want = vec!["case"];
        want.extend(rules.services.iter().map(|s| lk3_core::Labelled::id(s.kind)));
        want.push("penjangkauan");
        assert_eq!(names, want);
        let one = lk3(&["diagram", "--rule-set", name, "--format", "mermaid", "--machine", "rujukan"]);
        assert_eq!(stdout(&one), export::to_mermaid_machine(rules, "rujukan").expect("machine"));
        assert_eq!(lk3(&["diagram", "--rule-set", name, "--machine", "nope"]).status.code(), Some(2));
    }
    // 25/2017 lists its three new services with their sources.
    let doc: export::RuleSetExport =
        serde_json::from_str(&stdout(&lk3(&["diagram", "--rule-set", "permensos-25-2017", "--format", "json"])))
            .expect("json");
    for new in ["pendampingan", "perlindungan", "pembelajaran"] {
        let m = doc.machines.iter().find(|m| m.name == new).expect(new);
        assert!(m.source.as_deref().is_some_and(|s| s.contains("[R: S6]")), "{new}");
    }
    // No rule set is chosen for the caller: naming none, or an unknown one, is a usage error.
    assert_eq!(lk3(&["diagram"]).status.code(), Some(2));
    let unknown = lk3(&["diagram", "--rule-set", "permensos-99-2099"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("permensos-25-2017"), "lists the known ones");
}

#[test]
fn usage_errors_exit_2() {
    let bad = lk3(&["diagram", "--rule-set", "permensos-25-2017", "--format", "svg"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("svg"));
    assert_eq!(lk3(&["no-such-command"]).status.code(), Some(2));
}

#[test]
fn demo_tells_the_story_with_its_refusals() {
    let out = lk3(&["demo"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = stdout(&out);
    for code in [
        "LK3-E020", "LK3-E021", "LK3-E022", "LK3-E023", "LK3-E024", "LK3-E026", "LK3-E027", "LK3-E033", "LK3-E035",
        "LK3-E037", "LK3-E039",
    ] {
        assert!(text.contains(&format!("[{code}]")), "demo does not show {code}");
    }
    for n in 1..=9 {
        assert!(text.contains(&format!("64.74/2019/000{n}")), "case {n} missing");
    }
    assert!(text.contains("protective_referral_sent") && text.contains("⚑ audit"), "emergency referral flagged");
    assert!(text.contains("resolved_on_spot"), "one-off konsultasi");
    assert!(text.contains("reopened") && text.contains("binaan lanjutan"), "reopen makes a continuing client");
    assert_eq!(text.matches("hash chain intact").count(), 11, "ten cases and one outreach");
    // One unit across the change of regulation: a 2017 case under 16/2013, the 2019 ones under 25/2017,
    // chosen by date; 25/2017's pendampingan is refused in the 2017 case.
    assert!(text.contains("64.74/2017/0010") && text.contains("aturan / rule set permensos-16-2013"));
    assert_eq!(text.matches("aturan / rule set permensos-25-2017").count(), 9, "the nine 2019 cases");
    assert!(text.contains("aturan kasus ini tidak mengenal layanan itu"), "pendampingan is not a 16/2013 service");
    // All six services and the partner network are in play.
    for service in ["informasi", "konsultasi", "konseling", "advokasi", "rujukan"] {
        assert!(
            text.contains(&format!(" {service}: ")) || text.contains(&format!("resolved_on_spot {service}")),
            "{service}"
        );
    }
    assert!(text.contains("== penjangkauan") && text.contains("agreement_recorded"), "outreach opens a case");
    assert!(text.contains("Jejaring / partner network (7 mitra)"));
    assert!(text.contains("dicatat atas nama mitra") && text.contains("Staf LBH Bontang"), "partner steps");
    assert!(text.contains("kursi_roda ×3 (apbd_dpa)") && text.contains("kacamata ×2 (baznas)"), "Bontang 2019 aid");
    assert!(text.contains("peserta: kelompok 120, masyarakat 35"), "sosialisasi counts");
    assert!(text.contains("⏰ 1 terlambat"), "the unanswered referral is overdue");
    assert!(text.contains("tidak dapat") && text.contains("cannot"), "errors in both languages");
    assert!(!text.contains("CHAIN BROKEN"));
}

#[test]
fn demo_is_reproducible_for_a_seed() {
    assert_eq!(stdout(&lk3(&["demo", "--seed", "7"])), stdout(&lk3(&["demo", "--seed", "7"])));
    assert_ne!(stdout(&lk3(&["demo", "--seed", "7"])), stdout(&lk3(&["demo", "--seed", "8"])));
}

fn read_case(path: &Path) -> (serde_json::Value, Vec<CaseEventRecord>) {
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(path).expect("readable")).expect("JSON");
    let events: Vec<CaseEventRecord> = serde_json::from_value(doc["events"].clone()).expect("events parse");
    (doc, events)
}

#[test]
fn demo_exports_verifiable_case_documents() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = lk3(&["demo", "--cases", "40", "--export", dir.path().to_str().expect("utf-8 path")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout(&out).contains("chains intact: 40"));
    let files: Vec<_> = std::fs::read_dir(dir.path())
        .expect("dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    assert_eq!(files.len(), 50);
    assert!(dir.path().join("jejaring.ndjson").exists(), "the partner network is exported too");
    for f in &files {
        let (doc, events) = read_case(f);
        assert_eq!(doc["document"], "lk3.case");
        verify_chain(&events).expect("intact chain");
        let replayed = Case::replay(&events).expect("replays");
        assert_eq!(
            serde_json::to_value(&replayed).expect("json"),
            doc["case"],
            "{} header is the fold of its events",
            f.display()
        );
        let number = doc["case"]["case_number"].as_str().expect("number").replace('/', "_");
        assert_eq!(f.file_stem().and_then(|s| s.to_str()), Some(number.as_str()));
    }
    let (_, mut events) = read_case(&dir.path().join("64.74_2019_0001.json"));
    use lk3_core::vocab::Role;
    events[3].actor.role = if events[3].actor.role == Role::Ketua { Role::Relawan } else { Role::Ketua };
    assert!(verify_chain(&events).is_err(), "an edited export no longer verifies");
}

#[test]
fn export_into_a_file_is_an_io_error() {
    let file = tempfile::NamedTempFile::new().expect("file");
    let out = lk3(&["demo", "--export", file.path().to_str().expect("utf-8 path")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("[LK3-E085]"), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn schema_prints_and_writes_the_published_schemas() {
    let one = lk3(&["schema", "event"]);
    assert!(one.status.success());
    assert_eq!(stdout(&one), lk3_core::schema::to_json("event").expect("schema"));
    let list = stdout(&lk3(&["schema"]));
    assert_eq!(list.lines().count(), lk3_core::schema::DOCUMENTS.len());
    let dir = tempfile::tempdir().expect("tempdir");
    let out = lk3(&["schema", "--out", dir.path().to_str().expect("utf-8 path")]);
    assert!(out.status.success());
    for d in lk3_core::schema::DOCUMENTS {
        let written = std::fs::read_to_string(dir.path().join(format!("{}.schema.json", d.name))).expect("written");
        assert_eq!(Some(written), lk3_core::schema::to_json(d.name));
    }
    let bad = lk3(&["schema", "nope"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("known: case"));
}

#[test]
fn validate_reports_every_problem_with_pointers_and_exit_codes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let export = dir.path().join("export");
    assert!(lk3(&["demo", "--export", export.to_str().expect("utf-8")]).status.success());
    // A clean export: exit 0.
    let clean = lk3(&["validate", export.to_str().expect("utf-8")]);
    assert_eq!(clean.status.code(), Some(0), "{}", stdout(&clean));
    assert!(stdout(&clean).contains("17 documents: 17 valid, 0 invalid"), "10 cases and 7 partners");
    // With the network, every partner a case refers to must be in it; with an empty one, some are not.
    let network = export.join("jejaring.ndjson");
    let with = lk3(&["validate", "--partners", network.to_str().expect("utf-8"), export.to_str().expect("utf-8")]);
    assert_eq!(with.status.code(), Some(0), "{}", stdout(&with));
    let empty = dir.path().join("empty.json");
    std::fs::write(&empty, "[]").expect("write");
    let without = lk3(&["validate", "--partners", empty.to_str().expect("utf-8"), export.to_str().expect("utf-8")]);
    assert_eq!(without.status.code(), Some(1));
    assert!(stdout(&without).contains("[LK3-E031]") && stdout(&without).contains("is not in the directory"));
    // A corrupted copy: exit 1, JSON pointers, both languages.
    let text = std::fs::read_to_string(export.join("64.74_2019_0001.json")).expect("export");
    let mut doc: serde_json::Value = serde_json::from_str(&text).expect("json");
    doc["events"][4]["actor"]["role"] = serde_json::json!("relawan");
    doc["events"][7]["hash"] = serde_json::json!("0".repeat(64));
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, serde_json::to_string(&doc).expect("json")).expect("write");
    let out = lk3(&["validate", "--format", "json", bad.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json report");
    let findings = report["documents"][0]["findings"].as_array().expect("findings");
    let has = |code: &str, pointer: &str| findings.iter().any(|f| f["code"] == code && f["pointer"] == pointer);
    assert!(has("LK3-E051", "/events/7/hash"), "{findings:?}");
    assert!(has("LK3-E052", "/events/8/prev_hash"), "{findings:?}");
    assert!(findings.iter().all(|f| !f["message_id"].as_str().unwrap_or("").is_empty()));
    // NDJSON on standard input, and usage errors.
    let mut child = Command::new(env!("CARGO_BIN_EXE_lk3"))
        .args(["validate", "--ndjson", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    use std::io::Write;
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"{\"type\":\"reassess\"}\n\n{\"type\":\"terminate\",\"reason\":\"bosan\"}\n")
        .expect("write");
    let out = child.wait_with_output().expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("<stdin>:3: INVALID (command)") && stdout(&out).contains("/reason"));
    assert_eq!(lk3(&["validate", "/no/such/file.json"]).status.code(), Some(2));
    assert_eq!(lk3(&["validate"]).status.code(), Some(2));
}
