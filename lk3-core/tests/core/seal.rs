//! Seals (`lk3_core::seal`): a unit's key over a document's head, checked
//! against a trust set; forgeries that keep the hash chain whole are refused
//! by the signature, keys of other units and retired keys by the trust rule.

use crate::common;

use chrono::{Duration, TimeZone, Utc};
use lk3_core::Decider;
use lk3_core::case::{Case, CaseEvent, CaseEventRecord};
use lk3_core::event::{Event, Hash};
use lk3_core::ids::UnitCode;
use lk3_core::schema::CaseDocument;
use lk3_core::seal::{
    KeyId, PrivateKeyFile, PublicKey, PublicKeyFile, Seal, SealError, SigningKey, StreamHead, TrustedKey, TrustedKeys,
    sign, verify,
};
use lk3_core::validate::{Limits, Report, Severity, validate, validate_tree_trusted, validate_trusted};
use lk3_core::vocab::{ContactChannel, Stage};
use lk3_core::{ErrorCode, Labelled, Lk3Error};
use serde::Serialize;
use sha2::{Digest, Sha256};

fn unit(s: &str) -> UnitCode {
    s.parse().expect("unit code")
}

fn key(byte: u8, unit_code: &str) -> SigningKey {
    SigningKey::from_secret(&[byte; 32], unit(unit_code))
}

fn trust(keys: &[&SigningKey]) -> TrustedKeys {
    let mut set = TrustedKeys::new();
    for k in keys {
        assert!(set.insert(TrustedKey::new(*k.unit(), k.public_key(), None)).expect("a good key"));
    }
    set
}

fn case() -> (Case, Vec<CaseEventRecord>) {
    common::World::new().case_at(Stage::Intervensi)
}

fn head(case: &Case, events: &[CaseEventRecord]) -> StreamHead {
    StreamHead::of(case.unit(), events).expect("events")
}

/// The document of a case, sealed by `key` when given.
fn document(case: &Case, events: &[CaseEventRecord], key: Option<&SigningKey>) -> CaseDocument {
    let mut doc = CaseDocument::new(case.clone(), events.to_vec());
    doc.seal = key.map(|k| sign(&head(case, events), k).expect("seals"));
    doc
}

fn bytes(doc: &impl Serialize) -> Vec<u8> {
    serde_json::to_vec_pretty(doc).expect("serialises")
}

/// The report on `doc` as text; a binding's tree of it (`validate_tree_trusted`)
/// must be judged the same.
fn check(doc: &impl Serialize, trust: Option<&TrustedKeys>) -> Report {
    let report = validate_trusted(&bytes(doc), None, &Limits::default(), None, trust);
    let tree = serde_json::to_value(doc).expect("a tree");
    let as_tree = validate_tree_trusted(&tree, None, &Limits::default(), trust);
    assert_eq!((as_tree.valid, &as_tree.findings), (report.valid, &report.findings), "judged as a tree");
    report
}

fn errors(report: &Report) -> Vec<(String, String)> {
    report.errors().map(|f| (f.code.clone(), f.pointer.clone())).collect()
}

fn one_error(report: &Report, code: ErrorCode, pointer: &str) {
    assert_eq!(errors(report), [(code.id().to_owned(), pointer.to_owned())], "{:#?}", report.findings);
    assert!(!report.valid && report.structurally_valid);
}

/// Chains `events` again from `from` on: what anyone can do after an edit.
fn rechain<P: Serialize>(events: &mut [Event<P>], from: usize) {
    for i in from..events.len() {
        events[i].prev_hash = if i == 0 { Hash::GENESIS } else { events[i - 1].hash };
        events[i].seal_in_place().expect("hashes");
    }
}

/// The case with its first event's contact channel changed, the chain
/// computed again and the header folded again: a perfect forgery but for the seal.
fn forged(events: &[CaseEventRecord]) -> (Case, Vec<CaseEventRecord>) {
    let mut events = events.to_vec();
    match &mut events[0].payload {
        CaseEvent::ContactRecorded { channel, .. } => {
            assert_ne!(*channel, ContactChannel::DatangLangsung);
            *channel = ContactChannel::DatangLangsung;
        }
        other => panic!("the first event records the contact, not {other:?}"),
    }
    rechain(&mut events, 0);
    (Case::from_events(&events), events)
}

#[test]
fn the_signed_message_and_the_keys_are_plain_ed25519() {
    // RFC 8032, section 7.1, test 1: the secret and its public key.
    let secret: [u8; 32] =
        hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60").try_into().expect("32 bytes");
    let k = SigningKey::from_secret(&secret, unit("64.74"));
    assert_eq!(k.public_key().to_string(), "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    // The key id: the first 16 hex digits of SHA-256 over the 32 public key bytes.
    let digest = Sha256::digest(k.public_key().to_bytes());
    assert_eq!(k.key_id().to_string(), to_hex(&digest[..8]));
    assert_eq!(KeyId::from_hex(&k.key_id().to_string()), Some(k.key_id()));

    let (case, events) = case();
    let h = head(&case, &events);
    let last = events.last().expect("events");
    let text = format!("lk3-seal-v1\n{}\n{}\n{}", last.stream_id, last.seq, last.hash);
    assert_eq!(h.message(), text.as_bytes());
    let seal = sign(&h, &k).expect("seals");
    assert_eq!((seal.seq, seal.head_hash, seal.key_id), (last.seq, last.hash, k.key_id()));
    // Deterministic (RFC 8032): the same head, the same signature.
    assert_eq!(sign(&h, &k).expect("seals"), seal);
    // Verified by the Ed25519 implementation itself over the documented bytes.
    let vk = ed25519_dalek::VerifyingKey::from_bytes(&k.public_key().to_bytes()).expect("key");
    vk.verify_strict(text.as_bytes(), &ed25519_dalek::Signature::from_bytes(&seal.signature.0)).expect("verifies");
    // In JSON: four members, hex throughout.
    let json = serde_json::to_value(&seal).expect("json");
    assert_eq!(json["key_id"].as_str().map(str::len), Some(16));
    assert_eq!(json["signature"].as_str().map(str::len), Some(128));
    assert_eq!(json.as_object().map(|o| o.len()), Some(4));
    assert_eq!(serde_json::from_value::<Seal>(json).expect("reads"), seal);
}

#[test]
fn a_sealed_export_verifies_against_its_units_key() {
    let (case, events) = case();
    let k = key(7, "64.74");
    let doc = document(&case, &events, Some(&k));
    let seal = doc.seal.clone().expect("sealed");
    assert_eq!(verify(&seal, &head(&case, &events), &trust(&[&k])), Ok(k.key_id()));
    let report = check(&doc, Some(&trust(&[&k])));
    assert!(report.valid && report.findings.is_empty(), "{:#?}", report.findings);
    // The schema knows the member; without a trust set the seal is only noted.
    let report = validate(&bytes(&doc), None, &Limits::default());
    assert!(report.valid, "{:#?}", report.findings);
    let codes: Vec<(&str, &str, Severity)> =
        report.findings.iter().map(|f| (f.code.as_str(), f.pointer.as_str(), f.severity)).collect();
    assert_eq!(codes, [("LK3-W006", "/seal", Severity::Warning)]);
    // An unsigned document has no seal member at all, and nothing to note.
    let plain = bytes(&document(&case, &events, None));
    assert!(!String::from_utf8_lossy(&plain).contains("seal"));
    let report = validate(&plain, None, &Limits::default());
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
}

#[test]
fn a_document_resealed_without_the_units_key_is_refused() {
    let (case, events) = case();
    let k = key(7, "64.74");
    let trusted = trust(&[&k]);
    let original = document(&case, &events, Some(&k));
    let (fcase, fevents) = forged(&events);
    assert_ne!(fevents.last().map(|e| e.hash), events.last().map(|e| e.hash));

    // Without the seal the forgery is perfect: every other check passes.
    let unsealed = document(&fcase, &fevents, None);
    let report = validate(&bytes(&unsealed), None, &Limits::default());
    assert!(report.valid, "{:#?}", report.findings);
    // ... and with a trust set it is refused as unsigned.
    one_error(&check(&unsealed, Some(&trusted)), ErrorCode::SealMissing, "");

    // The old seal kept: it is over another head.
    let kept = CaseDocument { seal: original.seal.clone(), ..document(&fcase, &fevents, None) };
    one_error(&check(&kept, Some(&trusted)), ErrorCode::SealNotOverHead, "/seal/head_hash");

    // The old seal moved onto the new head: the signature does not verify.
    let mut moved = kept.clone();
    if let Some(s) = moved.seal.as_mut() {
        s.head_hash = fevents.last().expect("events").hash;
    }
    one_error(&check(&moved, Some(&trusted)), ErrorCode::SealSignatureInvalid, "/seal/signature");

    // Events cut off after sealing: the seal is over a later seq.
    let cut = &events[..events.len() - 1];
    let short = CaseDocument { seal: original.seal.clone(), ..document(&Case::from_events(cut), cut, None) };
    one_error(&check(&short, Some(&trusted)), ErrorCode::SealNotOverHead, "/seal/seq");

    // A signature with one bit flipped.
    let mut flipped = original.clone();
    if let Some(s) = flipped.seal.as_mut() {
        s.signature.0[5] ^= 1;
    }
    one_error(&check(&flipped, Some(&trusted)), ErrorCode::SealSignatureInvalid, "/seal/signature");
}

#[test]
fn a_document_resealed_with_another_key_is_refused() {
    let (_, events) = case();
    let unit_key = key(7, "64.74");
    let (fcase, fevents) = forged(&events);
    // A key nobody trusts, even one that claims the unit.
    let stranger = key(8, "64.74");
    let resealed = document(&fcase, &fevents, Some(&stranger));
    let e = check(&resealed, Some(&trust(&[&unit_key])));
    one_error(&e, ErrorCode::SealKeyUntrusted, "/seal/key_id");
    assert!(e.findings[0].message_en.contains(&stranger.key_id().to_string()));

    // Another unit's key, trusted for that unit only: it cannot vouch for 64.74.
    let neighbour = key(9, "64.72");
    assert!(
        matches!(sign(&head(&fcase, &fevents), &neighbour), Err(SealError::OtherUnit { .. })),
        "sign refuses a head of another unit"
    );
    let seal = {
        let mut h = head(&fcase, &fevents);
        h.unit = Some(unit("64.72"));
        sign(&h, &neighbour).expect("seals")
    };
    let by_neighbour = CaseDocument { seal: Some(seal), ..document(&fcase, &fevents, None) };
    one_error(
        &check(&by_neighbour, Some(&trust(&[&unit_key, &neighbour]))),
        ErrorCode::SealKeyOtherUnit,
        "/seal/key_id",
    );
}

#[test]
fn a_retired_key_verifies_what_it_sealed_before_its_retirement_only() {
    let (case, events) = case();
    let old = key(7, "64.74");
    let doc = document(&case, &events, Some(&old));
    let at = events.last().expect("events").occurred_at;
    let retired = |from| {
        let mut t = trust(&[&old]);
        t.retire(&old.key_id(), from).expect("a trusted key");
        t
    };
    // Retired after the sealed head: still verifies.
    assert!(check(&doc, Some(&retired(at + Duration::seconds(1)))).valid);
    // Retired at or before it: refused.
    one_error(&check(&doc, Some(&retired(at))), ErrorCode::SealKeyRetired, "/seal/key_id");
    one_error(&check(&doc, Some(&retired(at - Duration::days(30)))), ErrorCode::SealKeyRetired, "/seal/key_id");

    // The stream went on after the retirement: the old key's seal over the
    // new head is refused, the new key's verifies.
    let new = key(11, "64.74");
    let mut w = common::World::new();
    let (mut c, mut ev) = w.case_at(Stage::Intervensi);
    let from = ev.last().expect("events").occurred_at + Duration::seconds(30);
    w.now = from;
    let peksos = w.actor(lk3_core::vocab::Role::PekerjaSosial, false);
    w.run(
        &mut c,
        &mut ev,
        peksos,
        lk3_core::case::CaseCommand::Terminate { reason: lk3_core::vocab::TerminationReason::Pindah },
    );
    assert!(ev.last().expect("events").occurred_at >= from);
    let mut both = retired(from);
    both.insert(TrustedKey::new(unit("64.74"), new.public_key(), None)).expect("new key");
    one_error(&check(&document(&c, &ev, Some(&old)), Some(&both)), ErrorCode::SealKeyRetired, "/seal/key_id");
    assert!(check(&document(&c, &ev, Some(&new)), Some(&both)).valid);
    // Sealed before the retirement (the head before the termination): still good.
    let before = &ev[..ev.len() - 1];
    assert!(check(&document(&Case::from_events(before), before, Some(&old)), Some(&both)).valid);
    // Revoked: nothing it sealed verifies.
    both.remove(&old.key_id());
    one_error(&check(&doc, Some(&both)), ErrorCode::SealKeyUntrusted, "/seal/key_id");
}

#[test]
fn key_and_trust_files_round_trip_and_check_their_ids() {
    let k = key(7, "64.74");
    let created = Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).single().expect("time");
    let private = PrivateKeyFile { key: k.clone(), created };
    let text = private.to_json();
    let secret_hex = to_hex(&[7u8; 32]);
    assert!(text.contains(&secret_hex) && text.contains("\"lk3.private-key\""));
    let back = PrivateKeyFile::parse(text.as_bytes()).expect("reads");
    assert_eq!((back.key.key_id(), back.key.unit(), back.created), (k.key_id(), k.unit(), created));
    // Debug never shows the secret.
    let debug = format!("{private:?} {k:?}");
    assert!(!debug.contains(&secret_hex) && debug.contains(&k.key_id().to_string()), "{debug}");

    // A private key file whose secret was changed: refused, the secret not repeated.
    let tampered = text.replace(&secret_hex, &to_hex(&[8u8; 32]));
    let e = PrivateKeyFile::parse(tampered.as_bytes()).expect_err("not its public key");
    assert_eq!(e.code(), ErrorCode::KeyFileInvalid);
    let bad = text.replace(&secret_hex, &format!("{}zz", &secret_hex[..62]));
    let e = PrivateKeyFile::parse(bad.as_bytes()).expect_err("not hex");
    assert!(!e.message_en().contains(&secret_hex[..62]) && !e.message_id().contains(&secret_hex[..62]), "{e}");
    let e = PrivateKeyFile::parse(text.replace("\"version\": 1", "\"version\": \"x\"").as_bytes()).expect_err("bad");
    assert!(!e.message_en().contains(&secret_hex), "{e}");

    let public = private.public();
    let public_text = public.to_json();
    assert!(!public_text.contains(&secret_hex));
    assert_eq!(PublicKeyFile::parse(public_text.as_bytes()).expect("reads"), public);
    let other = key(8, "64.74").key_id().to_string();
    let e = PublicKeyFile::parse(public_text.replace(&k.key_id().to_string(), &other).as_bytes()).expect_err("id");
    assert_eq!(e.code(), ErrorCode::KeyFileInvalid);

    let mut set = TrustedKeys::new();
    assert!(set.insert(TrustedKey::from(&public)).expect("inserts"));
    assert!(!set.insert(TrustedKey::from(&public)).expect("the same key again"), "already there");
    set.retire(&k.key_id(), created + Duration::days(365)).expect("retires");
    let file = set.to_json();
    assert_eq!(TrustedKeys::parse(file.as_bytes()).expect("reads"), set);
    let forged_id = file.replace(&k.key_id().to_string(), &other);
    assert_eq!(TrustedKeys::parse(forged_id.as_bytes()).expect_err("id").code(), ErrorCode::KeyFileInvalid);
    assert_eq!(
        TrustedKeys::parse(br#"{"document":"lk3.case","version":1,"keys":[]}"#).expect_err("kind").code(),
        ErrorCode::KeyFileInvalid
    );
    // A small-order point is no public key.
    let mut identity = [0u8; 32];
    identity[0] = 1;
    assert!(PublicKey::from_bytes(&identity).is_none());
}

#[test]
fn seal_errors_have_their_codes_and_both_languages() {
    let id = key(7, "64.74").key_id();
    let at = Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).single().expect("time");
    let all = [
        (SealError::Missing, "LK3-E040"),
        (SealError::Untrusted { key_id: id }, "LK3-E041"),
        (SealError::BadSignature { key_id: id }, "LK3-E042"),
        (SealError::NotOverHead { seal_seq: 3, head_seq: 4, same_seq: false }, "LK3-E043"),
        (SealError::Retired { key_id: id, retired_from: at, head_at: at }, "LK3-E044"),
        (SealError::OtherUnit { key_id: id, key_unit: unit("64.72"), document_unit: Some(unit("64.74")) }, "LK3-E045"),
        (SealError::KeyFile { what: "trust file", reason: "r".into(), reason_id: "r".into() }, "LK3-E046"),
    ];
    for (e, code) in all {
        assert_eq!(e.code().id(), code);
        assert!(!e.message_en().is_empty() && e.message_id() != e.message_en(), "{code}");
    }
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex")).collect()
}

fn to_hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// The sealed document and trust file Python checks with its own Ed25519
/// (`lk3-py/tests/test_seal_interop.py`): a case sealed by a test key whose
/// secret is 32 bytes of 0x42 (a test key: never trust it). Deterministic;
/// `LK3_BLESS=1 cargo test -p lk3-core --test core seal::` rewrites them.
#[test]
fn the_python_interop_fixture_is_fresh() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../lk3-py/tests/data");
    // A 16/2013 case, as it was first written: the fixture's bytes stay.
    let (case, events) =
        common::World::new().under(lk3_core::rules::RuleSetId::permensos_16_2013()).case_at(Stage::Kontrak);
    let k = key(0x42, "64.74");
    let mut doc = serde_json::to_string_pretty(&document(&case, &events, Some(&k))).expect("json");
    doc.push('\n');
    let trust = trust(&[&k]).to_json();
    let files = [("sealed-case.json", doc), ("trust.json", trust)];
    if std::env::var_os("LK3_BLESS").is_some() {
        std::fs::create_dir_all(&dir).expect("dir");
        for (name, text) in &files {
            std::fs::write(dir.join(name), text).expect("writable");
        }
    }
    for (name, text) in &files {
        let current = std::fs::read_to_string(dir.join(name)).unwrap_or_default();
        assert!(
            &current == text,
            "lk3-py/tests/data/{name} is stale: run `LK3_BLESS=1 cargo test -p lk3-core --test core seal::`"
        );
    }
    let report = validate_trusted(
        files[0].1.as_bytes(),
        None,
        &Limits::default(),
        None,
        Some(&TrustedKeys::parse(files[1].1.as_bytes()).expect("trust file")),
    );
    assert!(report.valid && report.findings.is_empty(), "{:#?}", report.findings);
}
