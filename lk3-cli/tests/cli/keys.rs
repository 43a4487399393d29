//! Signing and trust as a user runs them: `lk3 keys generate|show|trust|retire|revoke`,
//! `lk3 export --sign`, `lk3 validate --trust`, `lk3 import --trust`.

use crate::common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Output;

use common::{lk3_in, path, stderr, stdout};
use lk3_core::Decider;
use lk3_core::case::{Case, CaseEvent, CaseEventRecord};
use lk3_core::event::Hash;
use lk3_core::schema::CaseDocument;
use lk3_core::seal::Seal;
use lk3_core::vocab::ContactChannel;
use serde_json::Value;

fn mode(p: &Path) -> u32 {
    std::fs::symlink_metadata(p).expect("metadata").permissions().mode() & 0o777
}

fn ok(o: &Output) {
    assert!(o.status.success(), "{}{}", stdout(o), stderr(o));
}

/// `lk3 keys generate`: the private and public key files it wrote.
fn generate(dir: &Path, unit: &str, out: &str) -> (PathBuf, PathBuf) {
    let o = lk3_in(dir, &["keys", "generate", "--unit", unit, "--out", out]);
    ok(&o);
    let text = stdout(&o);
    let file = |suffix: &str| {
        let line = text.lines().find(|l| l.contains(suffix)).expect("names the file");
        let name = line.split_whitespace().nth(2).expect("a path");
        dir.join(name)
    };
    (file(".private.json"), file(".public.json"))
}

fn json(p: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(p).expect("read")).expect("json")
}

fn stream_count(db: &Path) -> usize {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    rt.block_on(async {
        let store = lk3_storage::open(path(db)).await.expect("opens");
        store.streams(None, 10_000).await.expect("streams").len()
    })
}

/// The case document at `p` with its first event's contact channel changed,
/// the chain computed again and the header folded again; `seal` as given.
fn forge(p: &Path, seal: Option<Seal>) {
    let doc = json(p);
    let mut events: Vec<CaseEventRecord> = serde_json::from_value(doc["events"].clone()).expect("events");
    match &mut events[0].payload {
        CaseEvent::ContactRecorded { channel, .. } => {
            *channel = if *channel == ContactChannel::DatangLangsung {
                ContactChannel::TeleponHotline
            } else {
                ContactChannel::DatangLangsung
            }
        }
        other => panic!("not a contact: {other:?}"),
    }
    for i in 0..events.len() {
        events[i].prev_hash = if i == 0 { Hash::GENESIS } else { events[i - 1].hash };
        events[i].seal_in_place().expect("hashes");
    }
    let mut forged = CaseDocument::new(Case::from_events(&events), events);
    forged.seal = seal;
    std::fs::write(p, serde_json::to_string_pretty(&forged).expect("json")).expect("write");
}

fn seal_of(p: &Path) -> Seal {
    serde_json::from_value(json(p)["seal"].clone()).expect("a seal")
}

#[test]
fn generated_keys_are_owner_only_never_overwritten_and_never_shown() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (private, public) = generate(dir.path(), "64.74", "keys");
    assert_eq!(mode(&dir.path().join("keys")), 0o700, "a new key directory is owner-only");
    assert_eq!(mode(&private), 0o600, "the private key file is owner-only");
    let secret = json(&private)["private_key"].as_str().expect("a private key").to_owned();
    assert_eq!(secret.len(), 64);
    let pubdoc = json(&public);
    assert_eq!(pubdoc["document"], "lk3.public-key");
    assert_eq!(pubdoc["unit"], "64.74");
    assert!(!std::fs::read_to_string(&public).expect("read").contains(&secret), "the public file has no secret");

    for file in [&private, &public] {
        let o = lk3_in(dir.path(), &["keys", "show", path(file)]);
        ok(&o);
        let out = stdout(&o) + &stderr(&o);
        assert!(!out.contains(&secret), "keys show never prints the private key: {out}");
        assert!(out.contains(pubdoc["key_id"].as_str().expect("id")), "{out}");
        assert!(out.contains(pubdoc["public_key"].as_str().expect("key")) && out.contains("64.74"), "{out}");
    }
    // `keys generate` itself never prints it either.
    let o = lk3_in(dir.path(), &["keys", "generate", "--unit", "64.74", "--out", "more"]);
    ok(&o);
    let more = std::fs::read_dir(dir.path().join("more")).expect("dir").count();
    assert_eq!(more, 2);
    for e in std::fs::read_dir(dir.path().join("more")).expect("dir") {
        let p = e.expect("entry").path();
        if p.to_string_lossy().ends_with(".private.json") {
            let s = json(&p)["private_key"].as_str().expect("secret").to_owned();
            assert!(!stdout(&o).contains(&s));
            assert_ne!(s, secret, "every key is new");
        }
    }

    // An existing name is never overwritten: a planted file (or link) stays as it is.
    let planted = private.with_file_name("lk3-64.74-0000000000000000.private.json");
    std::fs::write(&planted, "mine").expect("write");
    let e = lk3_storage::files::create_private(
        planted.parent().expect("dir"),
        "lk3-64.74-0000000000000000.private.json",
        b"x",
    )
    .expect_err("exists");
    assert!(e.to_string().contains("already exists"), "{e}");
    assert_eq!(std::fs::read_to_string(&planted).expect("read"), "mine");
    let link = planted.with_file_name("dangling.private.json");
    std::os::unix::fs::symlink(dir.path().join("nowhere"), &link).expect("link");
    assert!(lk3_storage::files::create_private(link.parent().expect("dir"), "dangling.private.json", b"x").is_err());
    assert!(!dir.path().join("nowhere").exists(), "never written through a link");

    // A file that is no key is refused with its code, not shown.
    let o = lk3_in(dir.path(), &["keys", "show", path(&planted)]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let mut tampered = json(&private);
    tampered["private_key"] = Value::String(format!("{}00", &secret[..62]));
    std::fs::write(&planted, tampered.to_string()).expect("write");
    let o = lk3_in(dir.path(), &["keys", "show", path(&planted)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("[LK3-E046]") && !stderr(&o).contains(&secret[..62]), "{}", stderr(&o));
}

#[test]
fn sealed_exports_verify_and_forgeries_are_refused_by_validate_and_import() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let db = d.join("x.db");
    ok(&lk3_in(d, &["demo", "--db", path(&db)]));
    let (unit_key, unit_pub) = generate(d, "64.74", "keys-unit");
    let (stranger_key, stranger_pub) = generate(d, "64.74", "keys-stranger");
    let (other_unit_key, _) = generate(d, "64.72", "keys-other");

    // The province trusts the unit's public key.
    let trust = d.join("province/trust.json");
    std::fs::create_dir_all(trust.parent().expect("dir")).expect("dir");
    let o = lk3_in(d, &["keys", "trust", path(&unit_pub), "--trust", path(&trust)]);
    ok(&o);
    assert!(stdout(&o).contains("1 trusted keys"), "{}", stdout(&o));
    let o = lk3_in(d, &["keys", "show", path(&trust)]);
    ok(&o);
    let unit_id = json(&unit_pub)["key_id"].as_str().expect("id").to_owned();
    assert!(stdout(&o).contains(&unit_id));

    // A sealed export verifies and imports under the trust file.
    let signed = d.join("signed");
    let o = lk3_in(d, &["export", "--db", path(&db), "--out", path(&signed), "--sign", path(&unit_key)]);
    ok(&o);
    assert!(stdout(&o).contains(&format!("sealed by key {unit_id} of unit 64.74")), "{}", stdout(&o));
    let o = lk3_in(d, &["validate", path(&signed), "--trust", path(&trust)]);
    ok(&o);
    assert!(
        stdout(&o).contains("11 documents: 11 valid, 0 invalid") && !stdout(&o).contains("LK3-W006"),
        "{}",
        stdout(&o)
    );
    // Without a trust file the seal is noted as not checked, and the documents stay valid.
    let o = lk3_in(d, &["validate", path(&signed)]);
    ok(&o);
    assert_eq!(stdout(&o).matches("warning [LK3-W006] /seal").count(), 11, "{}", stdout(&o));
    let y = d.join("y.db");
    ok(&lk3_in(d, &["import", "--db", path(&y), "--trust", path(&trust), path(&signed)]));
    assert_eq!(stream_count(&y), 11);
    // The sealed export of the imported store is the same bytes (Ed25519 is deterministic).
    let again = d.join("again");
    ok(&lk3_in(d, &["export", "--db", path(&y), "--out", path(&again), "--sign", path(&unit_key)]));
    for e in std::fs::read_dir(&signed).expect("dir") {
        let p = e.expect("entry").path();
        let name = p.file_name().expect("name");
        assert_eq!(std::fs::read(&p).expect("read"), std::fs::read(again.join(name)).expect("read"), "{name:?}");
    }

    // Refusals: each forgery in its own directory, validated and imported under the trust file.
    let victim = "64.74_2019_0004.json";
    let refused = |name: &str, edit: &dyn Fn(&Path), code: &str, pointer: &str| {
        let docs = d.join(name);
        std::fs::create_dir_all(&docs).expect("dir");
        for e in std::fs::read_dir(&signed).expect("dir") {
            let p = e.expect("entry").path();
            std::fs::copy(&p, docs.join(p.file_name().expect("name"))).expect("copy");
        }
        edit(&docs.join(victim));
        let o = lk3_in(d, &["validate", path(&docs), "--trust", path(&trust)]);
        assert_eq!(o.status.code(), Some(1), "{name}: {}", stdout(&o));
        let text = stdout(&o);
        assert!(text.contains(&format!("{victim}: INVALID")), "{name}: {text}");
        assert!(text.contains(&format!("[{code}] {pointer}:")), "{name}: {text}");
        assert!(text.contains("10 valid, 1 invalid"), "{name}: {text}");
        let z = d.join(format!("{name}.db"));
        let o = lk3_in(d, &["import", "--db", path(&z), "--trust", path(&trust), path(&docs)]);
        assert_eq!(o.status.code(), Some(1), "{name}: {}", stderr(&o));
        assert!(stderr(&o).contains(victim) && stderr(&o).contains(code), "{name}: {}", stderr(&o));
        assert!(stderr(&o).contains("nothing was written"), "{}", stderr(&o));
        assert_eq!(stream_count(&z), 0, "{name}: all or nothing");
    };
    // Re-hashed after an edit, the old seal kept: it is over another head.
    refused("kept", &|p| forge(p, Some(seal_of(p))), "LK3-E043", "/seal/head_hash");
    // ... the old seal moved onto the new head: the signature does not verify.
    refused(
        "moved",
        &|p| {
            let mut seal = seal_of(p);
            forge(p, None);
            let doc = json(p);
            let events = doc["events"].as_array().expect("events");
            seal.head_hash = serde_json::from_value(events[events.len() - 1]["hash"].clone()).expect("hash");
            let mut doc = doc;
            doc["seal"] = serde_json::to_value(&seal).expect("json");
            std::fs::write(p, doc.to_string()).expect("write");
        },
        "LK3-E042",
        "/seal/signature",
    );
    // ... the seal removed: unsigned.
    refused("removed", &|p| forge(p, None), "LK3-E040", "/");
    // ... sealed again with a key the province does not trust.
    refused(
        "stranger",
        &|p| {
            forge(p, None);
            let docs = p.parent().expect("dir");
            let db = docs.with_extension("resealed.db");
            ok(&lk3_in(docs, &["import", "--db", path(&db), path(p)]));
            let out = docs.with_extension("resealed");
            ok(&lk3_in(docs, &["export", "--db", path(&db), "--out", path(&out), "--sign", path(&stranger_key)]));
            std::fs::copy(out.join(victim), p).expect("copy");
        },
        "LK3-E041",
        "/seal/key_id",
    );

    // An export signed with another unit's key writes none of this unit's streams.
    let o = lk3_in(d, &["export", "--db", path(&db), "--out", path(&d.join("wrong")), "--sign", path(&other_unit_key)]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stderr(&o).contains("[LK3-E045]"), "{}", stderr(&o));
    assert!(stdout(&o).contains("not exported, of another unit than the key's: 11 streams"), "{}", stdout(&o));

    // The stranger's key, once trusted, verifies what it sealed; revoked, it does not.
    ok(&lk3_in(d, &["keys", "trust", path(&stranger_pub), "--trust", path(&trust)]));
    let stranger_id = json(&stranger_pub)["key_id"].as_str().expect("id").to_owned();
    let resealed = d.join("stranger.resealed");
    ok(&lk3_in(d, &["validate", path(&resealed), "--trust", path(&trust)]));
    ok(&lk3_in(d, &["keys", "revoke", &stranger_id, "--trust", path(&trust)]));
    let o = lk3_in(d, &["validate", path(&resealed), "--trust", path(&trust)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("[LK3-E041]"));

    // Rotation: the unit's key retired from a time after every demo event still
    // verifies; retired from a time before them, it does not.
    ok(&lk3_in(d, &["keys", "retire", &unit_id, "--from", "2030-01-01", "--trust", path(&trust)]));
    ok(&lk3_in(d, &["validate", path(&signed), "--trust", path(&trust)]));
    ok(&lk3_in(d, &["keys", "retire", &unit_id, "--from", "2019-01-01", "--trust", path(&trust)]));
    let o = lk3_in(d, &["validate", path(&signed), "--trust", path(&trust)]);
    assert_eq!(o.status.code(), Some(1));
    // The 2017 case ended before 2019: its seal still verifies.
    assert_eq!(stdout(&o).matches("[LK3-E044] /seal/key_id").count(), 10, "{}", stdout(&o));

    // A trust file that cannot be read is a usage error, not a pass.
    std::fs::write(&trust, "{}").expect("write");
    let o = lk3_in(d, &["validate", path(&signed), "--trust", path(&trust)]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(stderr(&o).contains("[LK3-E046]"), "{}", stderr(&o));
}

#[test]
fn the_demo_export_can_be_sealed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let (key, public) = generate(d, "64.74", "keys");
    let trust = d.join("trust.json");
    ok(&lk3_in(d, &["keys", "trust", path(&public), "--trust", path(&trust)]));
    let out = d.join("export");
    ok(&lk3_in(d, &["demo", "--no-db", "--export", path(&out), "--sign", path(&key)]));
    let o = lk3_in(d, &["validate", path(&out), "--trust", path(&trust)]);
    ok(&o);
    assert!(stdout(&o).contains("0 invalid"), "{}", stdout(&o));
    assert!(json(&out.join("64.74_2019_0001.json"))["seal"]["key_id"].is_string());
}

#[test]
fn a_store_seals_its_batches_trusts_keys_and_verify_and_import_check_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let (key, public) = generate(d, "64.74", "keys");
    let db = d.join("unit.db");
    // The unit's store seals every batch the demo writes.
    ok(&lk3_in(d, &["demo", "--db", path(&db), "--sign", path(&key)]));
    let streams = stream_count(&db);
    assert!(streams > 5);
    // Trusting no key: verify says the seals were not checked.
    let o = lk3_in(d, &["verify", "--db", path(&db)]);
    ok(&o);
    assert!(stdout(&o).contains("LK3-W006") && stdout(&o).contains("segel tidak diperiksa"), "{}", stdout(&o));
    // The store trusts the unit's key: every stream's head is sealed by it.
    let o = lk3_in(d, &["keys", "trust", path(&public), "--db", path(&db)]);
    ok(&o);
    assert!(stdout(&o).contains("trusted:") && stdout(&o).contains("1 trusted keys"), "{}", stdout(&o));
    let o = lk3_in(d, &["keys", "trust", path(&public), "--db", path(&db)]);
    assert!(stdout(&o).contains("already trusted:"), "{}", stdout(&o));
    let o = lk3_in(d, &["verify", "--db", path(&db), "--format", "json"]);
    ok(&o);
    let report: Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(report["seals_checked"], true);
    assert_eq!(report["sealed_streams"].as_u64(), Some(streams as u64));
    // Exports carry the store's seals: a province that trusts the key takes them.
    let out = d.join("export");
    ok(&lk3_in(d, &["export", "--db", path(&db), "--out", path(&out)]));
    let province_trust = d.join("province.trust.json");
    ok(&lk3_in(d, &["keys", "trust", path(&public), "--trust", path(&province_trust)]));
    let o = lk3_in(d, &["validate", path(&out), "--trust", path(&province_trust)]);
    ok(&o);
    let province = d.join("province.db");
    ok(&lk3_in(d, &["keys", "trust", path(&public), "--db", path(&province)]));
    // A document forged and re-hashed without the key: the province's own
    // trusted keys refuse it, and nothing is written.
    let first = std::fs::read_dir(&out)
        .expect("dir")
        .map(|e| e.expect("entry").path())
        .find(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("64.74_")))
        .expect("a case document");
    let sealed = seal_of(&first);
    let forged_dir = d.join("forged");
    std::fs::create_dir(&forged_dir).expect("mkdir");
    let forged = forged_dir.join("forged.json");
    std::fs::copy(&first, &forged).expect("copy");
    forge(&forged, Some(sealed));
    let o = lk3_in(d, &["import", "--db", path(&province), path(&forged)]);
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    assert!(stderr(&o).contains("LK3-E04"), "{}", stderr(&o));
    assert_eq!(stream_count(&province), 0);
    // The genuine documents go in, keep their seals, and verify.
    ok(&lk3_in(d, &["import", "--db", path(&province), path(&out)]));
    let o = lk3_in(d, &["verify", "--db", path(&province)]);
    ok(&o);
    assert!(stdout(&o).contains(&format!("seals: {streams} of {streams} streams sealed")), "{}", stdout(&o));
    // Revoked in the store: kept, marked, and nothing it sealed verifies.
    let key_id = json(&public)["key_id"].as_str().expect("key id").to_owned();
    ok(&lk3_in(d, &["keys", "revoke", &key_id, "--db", path(&province)]));
    let o = lk3_in(d, &["keys", "show", "--db", path(&province)]);
    ok(&o);
    assert!(stdout(&o).contains("0 trusted keys, 1 revoked") && stdout(&o).contains("REVOKED at"), "{}", stdout(&o));
    // Checked against the province's trust file instead: still good.
    ok(&lk3_in(d, &["verify", "--db", path(&province), "--trust", path(&province_trust)]));
    // Retired before the unit's last events: those heads no longer verify.
    ok(&lk3_in(d, &["keys", "retire", &key_id, "--from", "2019-01-01", "--trust", path(&province_trust)]));
    let o = lk3_in(d, &["verify", "--db", path(&province), "--trust", path(&province_trust)]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).contains("LK3-E044"), "{}", stdout(&o));
    // Where the keys are kept is one of a trust file or a store, never both or neither.
    let o = lk3_in(d, &["keys", "trust", path(&public)]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let o = lk3_in(d, &["keys", "trust", path(&public), "--db", path(&db), "--trust", path(&province_trust)]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn a_store_that_starts_sealing_late_seals_its_old_heads() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let (key, public) = generate(d, "64.74", "keys");
    let db = d.join("old.db");
    ok(&lk3_in(d, &["demo", "--db", path(&db)]));
    let streams = stream_count(&db);
    ok(&lk3_in(d, &["keys", "trust", path(&public), "--db", path(&db)]));
    let o = lk3_in(d, &["verify", "--db", path(&db)]);
    assert_eq!(o.status.code(), Some(1), "old heads are unsealed: {}", stdout(&o));
    assert_eq!(stdout(&o).matches("[LK3-E040]").count(), streams, "{}", stdout(&o));
    let o = lk3_in(d, &["keys", "seal", "--db", path(&db), "--key", path(&key)]);
    ok(&o);
    assert!(stdout(&o).contains(&format!("sealed {streams} streams of unit 64.74")), "{}", stdout(&o));
    let o = lk3_in(d, &["verify", "--db", path(&db)]);
    ok(&o);
    assert!(stdout(&o).contains(&format!("seals: {streams} of {streams} streams sealed")), "{}", stdout(&o));
}
