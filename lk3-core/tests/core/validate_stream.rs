//! `validate_stream` judges every document of the fixture corpus as
//! `validate_trusted` does, and hands on exactly what a valid case or
//! outreach document holds: its events as they decode, each event's
//! canonical text (what its hash is over), the fold equal to its header,
//! and its seal; nothing for any other document.

use std::path::Path;

use lk3_core::event::{Event, Hash};
use lk3_core::validate::{Limits, ReadStream, StreamDocument, validate_stream, validate_trusted};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

fn corpus() -> Vec<(String, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures");
    let mut all = Vec::new();
    for part in ["valid", "invalid"] {
        for entry in std::fs::read_dir(root.join(part)).expect("the corpus") {
            let path = entry.expect("entry").path();
            all.push((path.display().to_string(), std::fs::read(&path).expect("read")));
        }
    }
    all.sort();
    all
}

/// What the document holds, read the plain way, against what was handed on.
fn assert_handed_on<D>(name: &str, doc: &Value, header: &str, read: &ReadStream<D>)
where
    D: lk3_core::Decider + Serialize,
    D::Payload: DeserializeOwned + std::fmt::Debug,
{
    let events: Vec<Event<D::Payload>> = serde_json::from_value(doc["events"].clone()).expect("events decode");
    assert_eq!(read.events(), events.as_slice(), "{name}: the events");
    assert_eq!(read.canonical().len(), events.len(), "{name}: one text per event");
    for (e, text) in events.iter().zip(read.canonical()) {
        assert_eq!(text, &e.canonical_text().expect("canonical"), "{name}: event {}", e.seq);
        assert_eq!(Hash::of(text.as_bytes()), e.hash, "{name}: event {} hashes to its hash", e.seq);
    }
    assert_eq!(serde_json::to_value(read.state()).expect("state"), doc[header], "{name}: the fold is the header");
    let seal = doc.get("seal").map(|s| serde_json::to_value(s).expect("seal"));
    assert_eq!(read.seal().map(|s| serde_json::to_value(s).expect("seal")), seal, "{name}: the seal");
}

#[test]
fn every_fixture_is_judged_as_validate_judges_it_and_a_valid_stream_is_handed_on_whole() {
    let (mut cases, mut outreaches) = (0, 0);
    for (name, bytes) in corpus() {
        let limits = Limits::default();
        let expected = validate_trusted(&bytes, None, &limits, None, None);
        let (report, stream) = validate_stream(&bytes, &limits, None);
        assert_eq!(report, expected, "{name}");
        let stream_kind = matches!(expected.document.as_deref(), Some("case" | "outreach"));
        assert_eq!(stream.is_some(), expected.valid && stream_kind, "{name}: handed on only when a valid stream");
        let Some(stream) = stream else { continue };
        let doc: Value = serde_json::from_slice(&bytes).expect("parses");
        match stream {
            StreamDocument::Case(read) => {
                assert_handed_on(&name, &doc, "case", &read);
                cases += 1;
            }
            StreamDocument::Outreach(read) => {
                assert_handed_on(&name, &doc, "outreach", &read);
                outreaches += 1;
            }
            _ => panic!("{name}: a stream of another kind"),
        }
    }
    assert!(cases >= 40 && outreaches >= 10, "{cases} cases, {outreaches} outreaches handed on");
}
