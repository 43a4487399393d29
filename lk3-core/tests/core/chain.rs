//! The hash chain finds any changed, removed or reordered event and names it.

use crate::common;

use common::World;
use lk3_core::Decider;
use lk3_core::case::{Case, CaseEvent, CaseEventRecord};
use lk3_core::event::{ChainError, Hash, canonical_json, verify_chain};
use lk3_core::vocab::{RefusalReason, Stage};
use lk3_core::{ErrorCode, Lk3Error};

fn closed_case() -> Vec<CaseEventRecord> {
    let (_, events) = World::new().case_at(Stage::Ditutup);
    assert!(events.len() > 10);
    events
}

#[test]
fn an_intact_stream_verifies_and_replays() {
    let events = closed_case();
    assert_eq!(events[0].prev_hash, Hash::GENESIS);
    verify_chain(&events).expect("intact");
    let replayed = Case::replay(&events).expect("replays");
    assert_eq!(replayed.stage(), Some(Stage::Ditutup));
    assert_eq!(replayed.version(), events.len() as u64);
}

#[test]
fn a_changed_event_is_named() {
    let mut events = closed_case();
    events[4].payload = CaseEvent::ServiceDeclined { reason: RefusalReason::KlienMenolak };
    let err = verify_chain(&events).expect_err("changed");
    assert_eq!(err, ChainError::HashMismatch { event_id: events[4].event_id, seq: 5 });
    assert_eq!(err.code(), ErrorCode::HashMismatch);
    assert!(err.message_id().contains(&events[4].event_id.to_string()));
}

#[test]
fn a_changed_and_resealed_event_breaks_the_link_to_its_successor() {
    let mut events = closed_case();
    events[4].occurred_at += chrono::Duration::seconds(1);
    events[4] = events[4].clone().seal().expect("seals");
    let err = verify_chain(&events).expect_err("relinked");
    assert_eq!(err, ChainError::ChainBroken { event_id: events[5].event_id, seq: 6 });
}

#[test]
fn a_removed_or_reordered_event_is_named() {
    let events = closed_case();
    let mut removed = events.clone();
    removed.remove(3);
    assert_eq!(
        verify_chain(&removed).expect_err("gap"),
        ChainError::SequenceGap { event_id: events[4].event_id, expected: 4, found: 5 }
    );
    let mut swapped = events.clone();
    swapped.swap(2, 3);
    assert_eq!(
        verify_chain(&swapped).expect_err("order"),
        ChainError::SequenceGap { event_id: events[3].event_id, expected: 3, found: 4 }
    );
    let mut truncated_head = events.clone();
    truncated_head.remove(0);
    assert!(matches!(verify_chain(&truncated_head), Err(ChainError::SequenceGap { expected: 1, .. })));
}

#[test]
fn events_from_another_stream_are_named() {
    let mut events = closed_case();
    let mut w = World::new();
    w.fresh_seed(); // another case id than the first world's
    let (_, other) = w.case_at(Stage::Ditutup);
    events[2] = other[2].clone();
    assert!(matches!(verify_chain(&events), Err(ChainError::StreamMismatch { seq: 3, .. })));
}

#[test]
fn canonical_json_is_sorted_compact_json_without_the_hash() {
    for e in closed_case() {
        let mut ours = Vec::new();
        canonical_json(&e, &mut ours).expect("serialises");
        // serde_json's Value keeps object keys sorted: an independent route to the same bytes.
        let mut value = serde_json::to_value(&e).expect("value");
        value.as_object_mut().expect("object").remove("hash");
        assert_eq!(String::from_utf8(ours).expect("utf-8"), serde_json::to_string(&value).expect("json"));
    }
}

#[test]
fn events_round_trip_through_json_and_still_verify() {
    let events = closed_case();
    let json = serde_json::to_string(&events).expect("serialises");
    let back: Vec<CaseEventRecord> = serde_json::from_str(&json).expect("parses");
    assert_eq!(back, events);
    verify_chain(&back).expect("still intact");
    let tampered = json.replacen("\"tujuan_tercapai\"", "\"meninggal\"", 1);
    let back: Vec<CaseEventRecord> = serde_json::from_str(&tampered).expect("parses");
    assert!(matches!(verify_chain(&back), Err(ChainError::HashMismatch { .. })));
}

#[test]
fn unknown_fields_and_bad_hashes_do_not_parse() {
    let events = closed_case();
    let mut v = serde_json::to_value(&events[0]).expect("value");
    v["extra"] = serde_json::json!(1);
    assert!(serde_json::from_value::<CaseEventRecord>(v).is_err());
    let mut v = serde_json::to_value(&events[0]).expect("value");
    v["hash"] = serde_json::json!("not-hex");
    assert!(serde_json::from_value::<CaseEventRecord>(v).is_err());
}

proptest::proptest! {
    #[test]
    fn timestamps_are_written_as_chrono_writes_them(secs in 0i64..253_402_300_799, nanos in 0u32..1_000_000_000, shape in 0u8..4) {
        let nanos = match shape { 0 => 0, 1 => nanos / 1_000_000 * 1_000_000, 2 => nanos / 1_000 * 1_000, _ => nanos };
        let mut e = closed_case().remove(0);
        e.occurred_at = chrono::DateTime::from_timestamp(secs, nanos).expect("in range");
        let mut ours = Vec::new();
        canonical_json(&e, &mut ours).expect("serialises");
        let mut value = serde_json::to_value(&e).expect("value");
        value.as_object_mut().expect("object").remove("hash");
        proptest::prop_assert_eq!(String::from_utf8(ours).expect("utf-8"), serde_json::to_string(&value).expect("json"));
    }
}

#[test]
fn hashes_parse_only_as_lowercase_hex() {
    let h = closed_case()[0].hash;
    let hex = h.to_string();
    assert_eq!(Hash::from_hex(&hex), Some(h));
    assert_eq!(Hash::from_hex(&hex.to_uppercase()), None);
    assert_eq!(Hash::from_hex(&format!("+{}", &hex[1..])), None);
    // Neither a `0x` prefix, a digit beyond f, a byte of a multi-byte character nor a short string.
    assert_eq!(Hash::from_hex(&format!("0x{}", &hex[2..])), None);
    assert_eq!(Hash::from_hex(&format!("g{}", &hex[1..])), None);
    assert_eq!(Hash::from_hex(&format!("é{}", &hex[2..])), None);
    assert_eq!(Hash::from_hex(&hex[1..]), None);
}
