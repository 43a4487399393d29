//! The stored form of an event (schema 12): its canonical JSON, the exact
//! bytes its hash is taken over, so that `SHA-256(body) = hash` holds for
//! every row and an auditor outside lk3 checks a chain without
//! re-serialising anything. The `hash` member is the one thing the
//! canonical form leaves out; the row's `hash` column holds it, and a reader
//! puts it back to decode the whole event.
//!
//! Stores written before schema 12 kept the whole event as `serde_json`
//! wrote it (struct order, `hash` included); the upgrade rewrites those
//! bodies, and a reader still takes either form (an old build's writer may
//! still be running when the upgrade is done).

use std::borrow::Cow;

use lk3_core::event::{ChainError, Event, Hash};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The body a store keeps for `event`, and its hash (the SHA-256 of it).
pub fn of_event<P: Serialize>(event: &Event<P>) -> Result<(String, Hash), ChainError> {
    let body = event.canonical_text()?;
    let hash = Hash::of(body.as_bytes());
    Ok((body, hash))
}

/// Whether `body` is in the form of stores before schema 12 (the whole
/// event in struct order: its first member is `event_id`; the canonical
/// form's first is `actor`).
pub fn is_whole_event(body: &str) -> bool {
    body.starts_with("{\"event_id\":")
}

/// The whole event as JSON: `body` with the row's `hash` put back (a body
/// of the older form is whole already).
pub fn event_json<'a>(body: &'a str, hash: &Hash) -> Cow<'a, str> {
    if is_whole_event(body) {
        return Cow::Borrowed(body);
    }
    // The canonical form is an object: its last byte closes it. A body that
    // is not one fails to decode, as it should.
    let open = body.strip_suffix('}').unwrap_or(body);
    let mut whole = String::with_capacity(body.len() + 76);
    whole.push_str(open);
    if open.len() > 1 {
        whole.push(',');
    }
    whole.push_str("\"hash\":\"");
    whole.push_str(std::str::from_utf8(&hash.to_hex()).unwrap_or_default());
    whole.push_str("\"}");
    Cow::Owned(whole)
}

/// The event a row holds: its body, with its `hash` column.
pub fn decode<P: DeserializeOwned>(body: &str, hash: &Hash) -> Result<Event<P>, serde_json::Error> {
    serde_json::from_str(&event_json(body, hash))
}

/// The canonical body for a body of the form before schema 12, if it is one
/// and it holds: its event's hash and the canonical JSON's are both the
/// row's `hash` column. `None` leaves the row as it is (for verify to name).
pub fn rewritten(body: &str, hash_column: &str) -> Option<String> {
    if !is_whole_event(body) {
        return None;
    }
    let hash = Hash::from_hex(hash_column)?;
    // The payload stays JSON: its canonical form is the same as the typed
    // payload's, as both were written from one value by serde_json.
    let event: Event<serde_json::Value> = serde_json::from_str(body).ok()?;
    let (canonical, computed) = of_event(&event).ok()?;
    (event.hash == hash && computed == hash).then_some(canonical)
}

#[cfg(test)]
mod tests {
    use super::*;
    use lk3_core::case::CaseEvent;

    fn events() -> Vec<Event<CaseEvent>> {
        let mut w = crate::test_world::World::new();
        w.case_at(lk3_core::vocab::Stage::Terminasi).1
    }

    #[test]
    fn a_body_hashes_to_its_event_and_decodes_back_to_it() {
        let events = events();
        assert!(events.len() > 5);
        for e in &events {
            let (body, hash) = of_event(e).expect("body");
            assert_eq!(hash, e.hash, "the body is the bytes the hash is taken over");
            assert!(!body.contains("\"hash\""), "{body}");
            assert!(!is_whole_event(&body));
            assert_eq!(&decode::<CaseEvent>(&body, &hash).expect("decode"), e);
            // The form of stores before schema 12 still reads.
            let whole = serde_json::to_string(e).expect("json");
            assert!(is_whole_event(&whole));
            assert_eq!(&decode::<CaseEvent>(&whole, &hash).expect("decode"), e);
        }
    }

    #[test]
    fn the_upgrade_rewrites_a_whole_event_that_holds_and_nothing_else() {
        for e in &events() {
            let (body, hash) = of_event(e).expect("body");
            let whole = serde_json::to_string(e).expect("json");
            let hex = hash.to_string();
            assert_eq!(rewritten(&whole, &hex).as_deref(), Some(body.as_str()));
            assert_eq!(rewritten(&body, &hex), None, "already canonical");
            let other = Hash::of(b"another").to_string();
            assert_eq!(rewritten(&whole, &other), None, "another hash in the column");
            let forged =
                whole.replacen("\"seq\":", "\"seq\": ", 1).replace("\"occurred_at\":\"20", "\"occurred_at\":\"19");
            assert_eq!(rewritten(&forged, &hex), None, "content the hash is not over");
        }
    }

    #[test]
    fn a_body_that_is_not_an_object_does_not_decode() {
        let hash = events()[0].hash;
        for body in ["", "{}", "[1]", "{\"actor\":1", "null"] {
            assert!(decode::<CaseEvent>(body, &hash).is_err(), "{body:?}");
        }
    }
}
