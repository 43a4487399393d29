//! Canonical form: an event is accepted only in the form lk3 writes.
//!
//! An event's hash is the SHA-256 of the canonical JSON (RFC 8785: keys
//! sorted, no white space) of the event as lk3 writes it. If lk3 accepted
//! another text for the same event (a time with a `+08:00` offset, an
//! explicit `null` where lk3 leaves the member out, a number written `1.0`)
//! and hashed what it read back, a program hashing the text it was given, as
//! the README's Python recipe does, would get another hash for a document lk3
//! calls valid. So the rule: the canonical JSON of an event's value as
//! received must be the canonical JSON of that event read by lk3 and written
//! again. Otherwise `LK3-E067`, pointing at the first member (in key order)
//! that differs, and never repeating its value.

use std::collections::BTreeSet;

use serde::de::DeserializeOwned;
use serde::{Deserialize as _, Serialize};
use serde_json::Value;

use super::Finding;
use crate::case::CaseEvent;
use crate::error::ErrorCode;
use crate::event::Event;
use crate::outreach::OutreachEvent;

/// A stream document's events as this check read them into their type:
/// the meaning checks go on from these instead of reading them again.
pub(super) enum Read {
    /// A case's events.
    Case(Vec<Event<CaseEvent>>),
    /// An outreach's events.
    Outreach(Vec<Event<OutreachEvent>>),
}

/// Every event of a `kind` document that is not in lk3's form, one finding
/// each; and a stream's events in their type, when every one of them read.
pub(super) fn check(kind: &str, value: &Value) -> (Vec<Finding>, Option<Read>) {
    match kind {
        "case" => {
            let (found, read) = events::<CaseEvent>(value);
            (found, read.map(Read::Case))
        }
        "outreach" => {
            let (found, read) = events::<OutreachEvent>(value);
            (found, read.map(Read::Outreach))
        }
        "event" => (one::<CaseEvent>(value, "").1.into_iter().collect(), None),
        "outreach-event" => (one::<OutreachEvent>(value, "").1.into_iter().collect(), None),
        _ => (Vec::new(), None),
    }
}

fn events<P: DeserializeOwned + Serialize>(doc: &Value) -> (Vec<Finding>, Option<Vec<Event<P>>>) {
    let Some(events) = doc.get("events").and_then(Value::as_array) else { return (Vec::new(), None) };
    let mut found = Vec::new();
    let mut read = Some(Vec::with_capacity(events.len()));
    for (i, e) in events.iter().enumerate() {
        let (event, finding) = one::<P>(e, &format!("/events/{i}"));
        found.extend(finding);
        match (event, read.as_mut()) {
            (Some(event), Some(all)) => all.push(event),
            _ => read = None,
        }
    }
    (found, read)
}

/// How a member differs from lk3's form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Difference {
    /// A member lk3 does not write (an explicit `null`, for instance).
    Extra,
    /// A member lk3 writes that is not there.
    Missing,
    /// A number with a fraction or an exponent.
    Number,
    /// Another text for the same value (a time, an id).
    Form,
}

/// The event as read (when it reads), and the finding when it is not in lk3's form.
fn one<P: DeserializeOwned + Serialize>(received: &Value, at: &str) -> (Option<Event<P>>, Option<Finding>) {
    let mut path = Vec::new();
    match Event::<P>::deserialize(received) {
        Ok(event) => {
            let difference = match serde_json::to_value(&event) {
                Ok(written) if *received == written => None,
                Ok(written) => first_difference(received, &written, &mut path),
                Err(_) => None,
            };
            (Some(event), difference.map(|d| finding(at, &path, d)))
        }
        // Not readable as an event at all: a number with a fraction is this
        // check's to report (the schema lets `1.0` pass as an integer); any
        // other reason is the meaning checks'.
        Err(_) => (None, first_float(received, &mut path).map(|()| finding(at, &path, Difference::Number))),
    }
}

/// The first member, in key order, where `received` is not `written`.
fn first_difference(received: &Value, written: &Value, path: &mut Vec<String>) -> Option<Difference> {
    if received == written {
        return None;
    }
    match (received, written) {
        (Value::Object(a), Value::Object(b)) => {
            let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for key in keys {
                match (a.get(key), b.get(key)) {
                    (Some(x), Some(y)) => {
                        path.push(key.clone());
                        if let Some(d) = first_difference(x, y, path) {
                            return Some(d);
                        }
                        path.pop();
                    }
                    (Some(_), None) => {
                        path.push(key.clone());
                        return Some(Difference::Extra);
                    }
                    (None, Some(_)) => {
                        path.push(key.clone());
                        return Some(Difference::Missing);
                    }
                    (None, None) => {}
                }
            }
            None
        }
        (Value::Array(a), Value::Array(b)) => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                path.push(i.to_string());
                if let Some(d) = first_difference(x, y, path) {
                    return Some(d);
                }
                path.pop();
            }
            (a.len() != b.len()).then_some(Difference::Form)
        }
        (Value::Number(n), _) if n.is_f64() => Some(Difference::Number),
        _ => Some(Difference::Form),
    }
}

/// The path of the first number with a fraction or an exponent.
fn first_float(v: &Value, path: &mut Vec<String>) -> Option<()> {
    match v {
        Value::Number(n) if n.is_f64() => Some(()),
        Value::Object(m) => m.iter().find_map(|(k, x)| {
            path.push(k.clone());
            first_float(x, path).or_else(|| {
                path.pop();
                None
            })
        }),
        Value::Array(a) => a.iter().enumerate().find_map(|(i, x)| {
            path.push(i.to_string());
            first_float(x, path).or_else(|| {
                path.pop();
                None
            })
        }),
        _ => None,
    }
}

fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

fn finding(at: &str, path: &[String], difference: Difference) -> Finding {
    let member = path.iter().map(|s| escape(s)).collect::<Vec<_>>().join("/");
    // A missing member has no pointer of its own: point at its object.
    let shown = if difference == Difference::Missing { &path[..path.len().saturating_sub(1)] } else { path };
    let pointer: String =
        std::iter::once(at.to_owned()).chain(shown.iter().map(|s| format!("/{}", escape(s)))).collect();
    let event = if at.is_empty() { "/" } else { at };
    let (why_id, why_en) = match difference {
        Difference::Extra => (
            "tidak pernah ditulis lk3 (misalnya null yang ditulis untuk nilai kosong, yang oleh lk3 dihilangkan)",
            "is not one lk3 writes (an explicit null for an empty value, for instance, which lk3 leaves out)",
        ),
        Difference::Missing => {
            ("selalu ditulis lk3 tetapi tidak ada di sini", "is always written by lk3 but missing here")
        }
        Difference::Number => (
            "berisi angka dengan pecahan atau eksponen; lk3 hanya menulis bilangan bulat",
            "holds a number with a fraction or an exponent; lk3 writes integers only",
        ),
        Difference::Form => (
            "ditulis dalam bentuk lain daripada bentuk lk3 (waktu dalam UTC berakhiran `Z` dengan 0, 3, 6 atau 9 digit pecahan detik, id dalam huruf kecil)",
            "is written otherwise than lk3 writes it (times in UTC ending in `Z` with 0, 3, 6 or 9 fraction digits, ids in lowercase)",
        ),
    };
    Finding::error(
        ErrorCode::NotCanonical,
        pointer,
        format!(
            "peristiwa di `{event}` tidak dalam bentuk kanonis: anggota `{member}` {why_id}; hash dihitung atas bentuk yang ditulis lk3, jadi teks yang dipertukarkan harus persis bentuk itu"
        ),
        format!(
            "the event at `{event}` is not in canonical form: its member `{member}` {why_en}; the hash is taken over the form lk3 writes, so the text exchanged must be that form"
        ),
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{Difference, first_difference};

    #[test]
    fn the_first_difference_in_key_order() {
        let cases = [
            (json!({"a": 1, "b": 2}), json!({"a": 1, "b": 2}), None),
            (json!({"a": 1, "z": "x"}), json!({"a": 1, "z": "y"}), Some(("z", Difference::Form))),
            (json!({"b": null, "c": 1}), json!({"c": 1}), Some(("b", Difference::Extra))),
            (json!({"c": 1}), json!({"b": null, "c": 1}), Some(("b", Difference::Missing))),
            (json!({"p": {"q": [1, 1.0]}}), json!({"p": {"q": [1, 1]}}), Some(("p/q/1", Difference::Number))),
            (json!({"a": [1]}), json!({"a": [1, 2]}), Some(("a", Difference::Form))),
            (json!({"a": "1", "b": 1.5}), json!({"a": 1, "b": 2}), Some(("a", Difference::Form))),
        ];
        for (received, written, expected) in cases {
            let mut path = Vec::new();
            let found = first_difference(&received, &written, &mut path);
            let found = found.map(|d| (path.join("/"), d));
            assert_eq!(found, expected.map(|(p, d)| (p.to_owned(), d)), "{received} vs {written}");
        }
    }
}
