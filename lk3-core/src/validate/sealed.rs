//! The seal of a case or outreach document, against a trust set when one is
//! given ([`crate::seal`]).

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;
use uuid::Uuid;

use super::Finding;
use crate::error::Lk3Error;
use crate::event::Hash;
use crate::ids::UnitCode;
use crate::seal::{SEAL_NOT_CHECKED, Seal, SealError, StreamHead, TrustedKeys, verify};

/// The findings on the seal of a document whose header is the member
/// `header` (`case`, `outreach`): with a trust set, an error unless the seal
/// verifies; without one, a warning that a seal present was not checked.
pub(super) fn check(value: &Value, header: &str, trust: Option<&TrustedKeys>) -> Vec<Finding> {
    let seal = value.get("seal");
    let Some(trust) = trust else {
        return match seal {
            Some(_) => vec![Finding::warning(
                SEAL_NOT_CHECKED,
                "/seal",
                "segel dokumen tidak diperiksa: tidak ada daftar kunci tepercaya (`--trust`)".to_owned(),
                "the document's seal was not checked: no trusted keys were given (`--trust`)".to_owned(),
            )],
            None => Vec::new(),
        };
    };
    let result = match seal.filter(|s| !s.is_null()) {
        None => Err(SealError::Missing),
        Some(seal) => match (Seal::deserialize(seal), head(value, header)) {
            (Ok(seal), Some(head)) => verify(&seal, &head, trust).map(|_| ()),
            // A seal over a document without events is over no head.
            (Ok(seal), None) => Err(SealError::NotOverHead { seal_seq: seal.seq, head_seq: 0, same_seq: false }),
            // The schema has checked the seal: one that still does not read is none.
            (Err(_), _) => Err(SealError::Missing),
        },
    };
    match result {
        Ok(()) => Vec::new(),
        Err(e) => vec![Finding::error(e.code(), e.pointer(), e.message_id(), e.message_en())],
    }
}

/// The document's head: its last event and its header's unit.
fn head(value: &Value, header: &str) -> Option<StreamHead> {
    #[derive(Deserialize)]
    struct Last {
        stream_id: Uuid,
        seq: u64,
        occurred_at: DateTime<Utc>,
        hash: Hash,
    }
    let last = Last::deserialize(value.get("events")?.as_array()?.last()?).ok()?;
    let unit = value.get(header)?.get("unit").and_then(|u| UnitCode::deserialize(u).ok());
    Some(StreamHead { stream_id: last.stream_id, unit, seq: last.seq, hash: last.hash, occurred_at: last.occurred_at })
}
