//! Strict documents: what the validator (and so `lk3 validate`, import and
//! the Python package, which all go through it) refuses however a document
//! is handed over, each generated over every place it can happen rather than
//! at a few hand-picked ones:
//!
//! - an object with a repeated key, at any depth (`LK3-E066`, the object's pointer);
//! - a member no schema names, in any object: header, envelope, payload (`LK3-E070`);
//! - an event whose text is not the form lk3 writes and hashes (`LK3-E067`);
//! - and no finding ever repeats a NIK, a No. KK or a long run of digits, or
//!   more than a short cut of a huge value; Indonesian messages are Indonesian.

use std::collections::BTreeSet;
use std::path::Path;

use lk3_core::schema::{DOCUMENTS, generate};
use lk3_core::validate::{Limits, Report, validate};
use serde_json::{Value, json};

const NIK: &str = "3374015505850003";
const NO_KK_DOTTED: &str = "3374.0101.0119.0007";

/// A few documents of every kind the validator reads, from the fixture corpus.
const DOCS: &[&str] = &[
    "case-intervensi-rujukan-consented",
    "case-kontak",
    "outreach-dilaksanakan",
    "event-consent-recorded",
    "event-service-step-recorded",
    "outreach-event-2-scheduled",
    "command-record-consent-disclosure",
    "command-propose-plan",
    "outreach-command-report",
    "partner-uptd-ppa",
];

fn fixture(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/valid").join(format!("{name}.json"));
    serde_json::from_slice(&std::fs::read(&path).expect("a fixture")).expect("JSON")
}

fn check(doc: &[u8]) -> Report {
    validate(doc, None, &Limits::default())
}

fn errors(report: &Report) -> BTreeSet<(String, String)> {
    report.errors().map(|f| (f.code.clone(), f.pointer.clone())).collect()
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Every object of `v` with its JSON Pointer, outermost first.
fn objects(v: &Value) -> Vec<String> {
    fn walk(v: &Value, at: String, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                out.push(at.clone());
                for (k, x) in m {
                    walk(x, format!("{at}/{}", escape(k)), out);
                }
            }
            Value::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    walk(x, format!("{at}/{i}"), out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(v, String::new(), &mut out);
    out
}

/// Every scalar of `v` with its JSON Pointer.
fn leaves(v: &Value) -> Vec<String> {
    fn walk(v: &Value, at: String, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => m.iter().for_each(|(k, x)| walk(x, format!("{at}/{}", escape(k)), out)),
            Value::Array(a) => a.iter().enumerate().for_each(|(i, x)| walk(x, format!("{at}/{i}"), out)),
            _ => out.push(at),
        }
    }
    let mut out = Vec::new();
    walk(v, String::new(), &mut out);
    out
}

/// `v` as JSON text, with the first member of the object at `target` written
/// a second time (with `second` as its value, or the same value again).
fn with_repeated_key(v: &Value, target: &str, second: Option<&Value>) -> String {
    fn write(v: &Value, at: &str, target: &str, second: Option<&Value>, out: &mut String) {
        match v {
            Value::Object(m) => {
                out.push('{');
                for (i, (k, x)) in m.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&serde_json::to_string(k).expect("a key"));
                    out.push(':');
                    write(x, &format!("{at}/{}", escape(k)), target, second, out);
                }
                if at == target
                    && let Some((k, x)) = m.iter().next()
                {
                    out.push(',');
                    out.push_str(&serde_json::to_string(k).expect("a key"));
                    out.push(':');
                    out.push_str(&serde_json::to_string(second.unwrap_or(x)).expect("a value"));
                }
                out.push('}');
            }
            Value::Array(a) => {
                out.push('[');
                for (i, x) in a.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write(x, &format!("{at}/{i}"), target, second, out);
                }
                out.push(']');
            }
            other => out.push_str(&serde_json::to_string(other).expect("a scalar")),
        }
    }
    let mut out = String::new();
    write(v, "", target, second, &mut out);
    out
}

// ------------------------------------------------------------ repeated keys

#[test]
fn a_repeated_key_is_refused_in_every_object_of_every_kind() {
    let mut checked = 0;
    for name in DOCS {
        let doc = fixture(name);
        assert!(check(&serde_json::to_vec(&doc).expect("json")).valid, "{name} is valid as it is");
        for target in objects(&doc)
            .into_iter()
            .filter(|p| doc.pointer(p).and_then(Value::as_object).is_some_and(|o| !o.is_empty()))
        {
            for second in [None, Some(&json!(NIK))] {
                let text = with_repeated_key(&doc, &target, second);
                let report = check(text.as_bytes());
                let want = BTreeSet::from([("LK3-E066".to_owned(), target.clone())]);
                assert_eq!(errors(&report), want, "{name}: a key repeated in {target:?}");
                assert!(!report.valid && !report.structurally_valid && report.document.is_none());
                let f = &report.findings[0];
                assert!(!f.message_en.contains(NIK) && !f.message_id.contains(NIK), "{f:?}");
                assert!(f.message_id.contains("kunci") && f.message_en.contains("key"), "{f:?}");
                checked += 1;
            }
        }
    }
    assert!(checked > 200, "only {checked} repeated keys tried");
}

#[test]
fn an_actor_with_two_roles_is_refused_whichever_comes_last() {
    let doc = fixture("case-kontak");
    let role = doc["events"][0]["actor"]["role"].clone();
    for second in [json!("ketua"), json!("pekerja_sosial"), role] {
        // `{"role":"…","staff_id":"…","role":"…"}`: two readers could see two roles.
        let text = with_repeated_key(&doc, "/events/0/actor", Some(&second));
        let report = check(text.as_bytes());
        assert_eq!(errors(&report), BTreeSet::from([("LK3-E066".to_owned(), "/events/0/actor".to_owned())]));
        assert!(report.findings[0].message_en.contains("`role`"), "{:?}", report.findings[0]);
    }
}

// ----------------------------------------------------------- closed objects

#[test]
fn every_object_of_every_published_schema_is_closed() {
    fn walk(v: &Value, at: String, open: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                let is_object = m
                    .get("type")
                    .is_some_and(|t| t == "object" || t.as_array().is_some_and(|a| a.contains(&json!("object"))));
                if is_object && m.contains_key("properties") && m.get("additionalProperties") != Some(&json!(false)) {
                    open.push(at.clone());
                }
                m.iter().for_each(|(k, x)| walk(x, format!("{at}/{k}"), open));
            }
            Value::Array(a) => a.iter().enumerate().for_each(|(i, x)| walk(x, format!("{at}/{i}"), open)),
            _ => {}
        }
    }
    let mut open = Vec::new();
    for doc in DOCUMENTS {
        walk(&generate(doc.name).expect("a schema"), doc.name.to_owned(), &mut open);
    }
    assert!(open.is_empty(), "objects that take unknown members: {open:#?}");
}

#[test]
fn a_member_no_schema_names_is_refused_in_every_object_of_every_kind() {
    let mut checked = 0;
    for name in DOCS {
        let doc = fixture(name);
        for target in objects(&doc) {
            // A NIK, a name or an address riding along where nobody reads it.
            // A NIK as a member's name, too.
            for (key, value) in
                [("nik", json!(NIK)), ("nama", json!("Siti Aminah")), ("alamat", json!("Jl. Mawar 3")), (NIK, json!(1))]
            {
                let mut forged = doc.clone();
                let object = forged.pointer_mut(&target).and_then(Value::as_object_mut).expect("an object");
                if object.contains_key(key) {
                    continue;
                }
                object.insert(key.to_owned(), value);
                let report = check(&serde_json::to_vec(&forged).expect("json"));
                assert!(!report.valid && !report.structurally_valid, "{name}: `{key}` accepted in {target:?}");
                assert!(
                    errors(&report).contains(&("LK3-E070".to_owned(), target.clone())),
                    "{name}: `{key}` in {target:?}: {:#?}",
                    report.findings
                );
                for f in &report.findings {
                    assert!(!f.message_en.contains(NIK) && !f.message_id.contains(NIK), "{f:?}");
                    for english in ENGLISH {
                        assert!(!f.message_id.contains(english), "English in {:?}", f.message_id);
                    }
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 300, "only {checked} unknown members tried");
}

// ----------------------------------------------------------- canonical form

/// The same instant, written another way than lk3 writes it.
fn other_forms(utc: &str) -> Vec<String> {
    let t = chrono::DateTime::parse_from_rfc3339(utc).expect("a time");
    let wita = chrono::FixedOffset::east_opt(8 * 3600).expect("an offset");
    vec![
        t.with_timezone(&wita).to_rfc3339(),
        t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        t.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
    ]
}

#[test]
fn an_event_not_in_lk3s_form_is_refused_where_it_differs() {
    let mut table: Vec<(&str, String, Value)> = Vec::new();
    let case = fixture("case-intervensi-rujukan-consented");
    let events = case["events"].as_array().expect("events").len();
    for i in 0..events {
        let at = format!("/events/{i}");
        for form in other_forms(case["events"][i]["occurred_at"].as_str().expect("a time")) {
            table.push(("case-intervensi-rujukan-consented", format!("{at}/occurred_at"), json!(form)));
        }
        table.push(("case-intervensi-rujukan-consented", format!("{at}/seq"), json!((i + 1) as f64)));
    }
    let leaves_of = |name: &'static str, table: &mut Vec<(&str, String, Value)>| {
        let doc = fixture(name);
        for p in leaves(&doc) {
            match doc.pointer(&p) {
                Some(Value::Number(n)) if n.as_u64().is_some() => {
                    table.push((name, p.clone(), json!(n.as_u64().expect("an integer") as f64)))
                }
                Some(Value::String(s)) if chrono::DateTime::parse_from_rfc3339(s).is_ok() => {
                    for form in other_forms(s) {
                        table.push((name, p.clone(), json!(form)));
                    }
                }
                _ => {}
            }
        }
    };
    leaves_of("event-service-step-recorded", &mut table);
    leaves_of("outreach-event-2-scheduled", &mut table);
    leaves_of("outreach-dilaksanakan", &mut table);
    let mut checked = 0;
    for (name, pointer, written) in &table {
        let mut doc = fixture(name);
        if doc.get("document").is_some() && !pointer.starts_with("/events/") {
            continue; // only events are hashed; a header is compared with their fold
        }
        *doc.pointer_mut(pointer).expect("a member") = written.clone();
        let report = check(&serde_json::to_vec(&doc).expect("json"));
        assert_eq!(
            errors(&report),
            BTreeSet::from([("LK3-E067".to_owned(), pointer.clone())]),
            "{name}: {pointer} written {written}: {:#?}",
            report.findings
        );
        assert!(report.structurally_valid, "{name}: {pointer}: the schema allows {written}");
        let f = &report.findings[0];
        let shown = written.to_string();
        let shown = shown.trim_matches('"');
        assert!(!f.message_en.contains(shown) && !f.message_id.contains(shown), "the value is echoed: {f:?}");
        checked += 1;
    }
    assert!(checked > 60, "only {checked} forms tried");
}

#[test]
fn a_member_lk3_leaves_out_written_as_null_or_false_is_refused() {
    let table = [
        ("event-consent-recorded", "/payload/consent", "guardian", json!(null)),
        ("event-consent-recorded", "/payload/consent", "disclose_to", json!([])),
    ];
    for (name, object, key, value) in table {
        let mut doc = fixture(name);
        let target = doc.pointer_mut(object).and_then(Value::as_object_mut).expect("an object");
        assert!(!target.contains_key(key), "{name}: {object}/{key} is there already");
        target.insert(key.to_owned(), value.clone());
        let report = check(&serde_json::to_vec(&doc).expect("json"));
        let pointer = format!("{object}/{key}");
        assert_eq!(
            errors(&report),
            BTreeSet::from([("LK3-E067".to_owned(), pointer.clone())]),
            "{name}: {pointer} = {value}: {:#?}",
            report.findings
        );
    }
    // `on_behalf_of_partner: false`, left out by lk3 when false.
    let mut step = fixture("event-service-step-recorded");
    step["payload"]["on_behalf_of_partner"] = json!(false);
    let report = check(&serde_json::to_vec(&step).expect("json"));
    assert_eq!(errors(&report), BTreeSet::from([("LK3-E067".to_owned(), "/payload/on_behalf_of_partner".to_owned())]));
}

#[test]
fn the_same_values_written_with_other_spacing_order_and_escapes_are_lk3s_form() {
    for name in DOCS.iter().filter(|n| n.starts_with("case") || n.contains("event") || n.starts_with("outreach-d")) {
        let doc = fixture(name);
        let compact = serde_json::to_string(&doc).expect("json");
        // Keys in reverse order, every `a` in a string escaped: other text, the same value.
        fn reversed(v: &Value) -> String {
            match v {
                Value::Object(m) => {
                    let members: Vec<String> = m
                        .iter()
                        .rev()
                        .map(|(k, x)| format!("{} : {}", serde_json::to_string(k).expect("key"), reversed(x)))
                        .collect();
                    format!("{{ {} }}", members.join(" ,\n "))
                }
                Value::Array(a) => format!("[ {} ]", a.iter().map(reversed).collect::<Vec<_>>().join(" , ")),
                Value::String(s) => serde_json::to_string(s).expect("a string").replace('a', "\\u0061"),
                other => other.to_string(),
            }
        }
        for text in [compact.clone(), serde_json::to_string_pretty(&doc).expect("json"), reversed(&doc)] {
            let report = check(text.as_bytes());
            assert!(report.valid, "{name}: {:#?}", report.findings);
        }
    }
}

// -------------------------------------------------------- no personal data

/// English the validator's own messages would have put into an Indonesian one.
const ENGLISH: &[&str] = &[
    " is not ",
    "does not match",
    "required property",
    "Additional properties",
    "was expected",
    "is not valid under",
    "is longer than",
    "is shorter than",
    "has less than",
    "has more than",
    "is less than",
    "is greater than",
    "withheld",
];

#[test]
fn schema_findings_never_repeat_a_personal_number_and_speak_indonesian() {
    let huge = format!("{}{}", "Jl. Mawar ".repeat(20_000), NIK);
    let bad_values = [
        json!(NIK),
        json!(NO_KK_DOTTED),
        json!(format!("NIK {NIK} milik ibu")),
        json!(3374015505850003u64),
        json!(huge),
        json!({"nik": NIK}),
        json!([NIK, NIK]),
    ];
    let mut findings = 0;
    for name in DOCS {
        let doc = fixture(name);
        for pointer in leaves(&doc) {
            for bad in &bad_values {
                let mut forged = doc.clone();
                *forged.pointer_mut(&pointer).expect("a leaf") = bad.clone();
                let report = check(&serde_json::to_vec(&forged).expect("json"));
                for f in &report.findings {
                    for text in [&f.message_en, &f.message_id] {
                        let digits: String = text.chars().filter(char::is_ascii_digit).collect();
                        assert!(!digits.contains("3374015505850003"), "{name} {pointer}: a NIK repeated: {f:?}");
                        assert!(!digits.contains("3374010101190007"), "{name} {pointer}: a No. KK repeated: {f:?}");
                        assert!(
                            !text.contains("Mawar Jl. Mawar Jl. Mawar"),
                            "{name} {pointer}: a huge value echoed: {f:?}"
                        );
                        assert!(text.len() < 1_000, "{name} {pointer}: a message of {} bytes", text.len());
                    }
                    if f.code == "LK3-E070" {
                        for english in ENGLISH {
                            assert!(!f.message_id.contains(english), "{name} {pointer}: English in {:?}", f.message_id);
                        }
                        assert!(f.message_id.contains("skema"), "{f:?}");
                    }
                    findings += 1;
                }
            }
        }
    }
    assert!(findings > 1_000, "only {findings} findings looked at");
}

#[test]
fn a_bad_value_is_shown_cut_once_per_language() {
    let mut doc = fixture("command-propose-plan");
    let long = "x".repeat(10_000);
    doc["items"][0]["service"] = json!(long);
    let report = check(&serde_json::to_vec(&doc).expect("json"));
    let f = report.findings.iter().find(|f| f.code == "LK3-E070").expect("a schema finding");
    for text in [&f.message_en, &f.message_id] {
        assert_eq!(text.matches(&"x".repeat(40)).count(), 1, "{text}");
        assert!(!text.contains(&"x".repeat(41)), "{text}");
        assert!(text.contains("10000"), "the length is told: {text}");
    }
}
