//! The published schemas are generated from the types, valid JSON Schema
//! documents, and the committed copies in `schemas/` are fresh.
//! `LK3_BLESS=1 cargo test -p lk3-core --test core schema::` rewrites them.

use lk3_core::schema::{DOCUMENTS, generate, to_json};

fn committed(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas").join(format!("{name}.schema.json"))
}

#[test]
fn committed_schemas_are_fresh() {
    let bless = std::env::var_os("LK3_BLESS").is_some();
    for doc in DOCUMENTS {
        let fresh = to_json(doc.name).expect("a schema");
        let path = committed(doc.name);
        if bless {
            std::fs::create_dir_all(path.parent().expect("dir")).expect("dir");
            std::fs::write(&path, &fresh).expect("writable");
            continue;
        }
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            current == fresh,
            "schemas/{}.schema.json is stale: run `LK3_BLESS=1 cargo test -p lk3-core --test core schema::`",
            doc.name
        );
    }
    if !bless {
        let files = std::fs::read_dir(committed("x").parent().expect("dir")).expect("schemas/").count();
        assert_eq!(files, DOCUMENTS.len(), "schemas/ holds exactly one file per document type");
    }
}

#[test]
fn every_schema_has_its_id_title_and_draft() {
    let mut ids = std::collections::HashSet::new();
    for doc in DOCUMENTS {
        let s = generate(doc.name).expect("a schema");
        assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
        assert_eq!(s["$id"], format!("urn:lk3:schema:{}:{}", doc.name, doc.revision));
        assert!(doc.revision >= 1);
        assert!(ids.insert(s["$id"].as_str().map(str::to_owned)));
        assert!(s["title"].as_str().is_some_and(|t| !t.is_empty()));
        assert!(s["description"].as_str().is_some_and(|t| !t.is_empty()));
    }
}

#[test]
fn vocabulary_values_carry_both_labels() {
    let s = generate("event").expect("a schema");
    // Rule sets are open (a registered one is known by name): a pattern, the shipped ones as examples.
    let rule_set = &s["$defs"]["RuleSetId"];
    assert_eq!(rule_set["pattern"], lk3_core::rules::NAME_PATTERN);
    assert_eq!(rule_set["examples"], serde_json::json!(["permensos-16-2013", "permensos-25-2017"]));
    let kinds = serde_json::to_string(&generate("case").expect("a schema")).expect("json");
    for (id, en) in [("pendampingan", "Accompaniment"), ("perlindungan", "Protection"), ("pembelajaran", "Learning")] {
        assert!(kinds.contains(&format!("\"{id}\"")) && kinds.contains(en), "{id}");
    }
    let roles = s["$defs"]["Role"]["oneOf"].as_array().expect("role values");
    let ketua = roles.iter().find(|v| v["const"] == "ketua").expect("ketua");
    assert_eq!((ketua["x-label-id"].as_str(), ketua["x-label-en"].as_str()), (Some("Ketua"), Some("Chair")));
    let text = serde_json::to_string(&generate("case").expect("a schema")).expect("json");
    assert!(text.contains("\"rencana_intervensi\"") && text.contains("Intervention planning"));
}

#[test]
fn unknown_fields_are_refused_by_the_event_schema() {
    let s = generate("event").expect("a schema");
    assert_eq!(s["additionalProperties"], false);
    let required: Vec<&str> = s["required"].as_array().expect("required").iter().filter_map(|v| v.as_str()).collect();
    for field in [
        "event_id",
        "stream_id",
        "seq",
        "occurred_at",
        "actor",
        "command_id",
        "rule_set",
        "payload",
        "prev_hash",
        "hash",
    ] {
        assert!(required.contains(&field), "{field}");
    }
}

#[test]
fn every_validated_kind_has_a_compiled_schema() {
    for kind in lk3_core::validate::KINDS {
        let report = lk3_core::validate::validate(b"{}", Some(kind), &lk3_core::validate::Limits::default());
        assert_eq!(report.document.as_deref(), Some(*kind));
        assert!(report.findings.iter().all(|f| f.code != "LK3-E065"), "{kind}: {:?}", report.findings);
        assert!(!report.valid, "{kind}: an empty object is never a valid document");
    }
}

#[test]
fn client_records_get_identifier_errors_and_warnings() {
    use lk3_core::validate::{Limits, Severity, validate};
    let bad =
        br#"{"client_id":"01694b41-d740-74fa-886a-acc24fe79c1b","unit":"64.74","name":"S","nik":"6474017203850002"}"#;
    let r = validate(bad, None, &Limits::default());
    assert_eq!((r.document.as_deref(), r.valid), (Some("client"), false));
    assert_eq!((r.findings[0].code.as_str(), r.findings[0].pointer.as_str()), ("LK3-E003", "/nik"));
    let odd = br#"{"client_id":"01694b41-d740-74fa-886a-acc24fe79c1b","unit":"64.74","name":"S","nik":"6474015203850002","sex":"laki_laki"}"#;
    let r = validate(odd, None, &Limits::default());
    assert!(r.valid);
    assert_eq!(r.findings.len(), 1);
    assert_eq!((r.findings[0].code.as_str(), r.findings[0].severity), ("LK3-W001", Severity::Warning));
    let deep = "[".repeat(200);
    let r = validate(deep.as_bytes(), None, &Limits::default());
    assert_eq!(r.findings[0].code, "LK3-E063");
    let r = validate(b"{\"a\":", None, &Limits { max_bytes: 4, max_depth: 64 });
    assert_eq!(r.findings[0].code, "LK3-E062");
}
