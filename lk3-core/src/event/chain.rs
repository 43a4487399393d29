use serde::Serialize;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{Event, Hash};
use crate::error::{ErrorCode, Lk3Error};
use crate::ids::EventId;

/// A broken event stream. Each variant names the first bad event.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ChainError {
    /// An event is missing, duplicated or out of order.
    #[error(
        "event {event_id} has seq {found} where {expected} was expected: an event is missing, duplicated or out of order"
    )]
    SequenceGap {
        /// The event found at that position.
        event_id: EventId,
        /// The seq that should be there.
        expected: u64,
        /// The seq found.
        found: u64,
    },
    /// The event's content does not match its hash: it was changed.
    #[error("event {event_id} (seq {seq}) was changed: its content does not match its hash")]
    HashMismatch {
        /// The changed event.
        event_id: EventId,
        /// Its seq.
        seq: u64,
    },
    /// The event's prev_hash is not its predecessor's hash.
    #[error(
        "event {event_id} (seq {seq}) does not follow its predecessor: prev_hash does not match"
    )]
    ChainBroken {
        /// The event.
        event_id: EventId,
        /// Its seq.
        seq: u64,
    },
    /// The event belongs to another stream.
    #[error("event {event_id} (seq {seq}) belongs to stream {found}, not {expected}")]
    StreamMismatch {
        /// The event.
        event_id: EventId,
        /// Its seq.
        seq: u64,
        /// The stream being verified.
        expected: Uuid,
        /// The stream the event names.
        found: Uuid,
    },
    /// The event names another rule set than the stream's first event.
    #[error("event {event_id} (seq {seq}) names another rule set than the stream's first event")]
    RuleSetMismatch {
        /// The event.
        event_id: EventId,
        /// Its seq.
        seq: u64,
    },
    /// The event could not be serialised for hashing.
    #[error("an event could not be serialised: {0}")]
    Serialization(String),
}

impl Lk3Error for ChainError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::SequenceGap { .. } => ErrorCode::SequenceGap,
            Self::HashMismatch { .. } => ErrorCode::HashMismatch,
            Self::ChainBroken { .. } => ErrorCode::ChainBroken,
            Self::StreamMismatch { .. } => ErrorCode::StreamMismatch,
            Self::RuleSetMismatch { .. } => ErrorCode::RuleSetMismatch,
            Self::Serialization(_) => ErrorCode::Serialization,
        }
    }

    fn message_id(&self) -> String {
        match self {
            Self::SequenceGap {
                event_id,
                expected,
                found,
            } => format!(
                "peristiwa {event_id} bernomor urut {found}, seharusnya {expected}: ada peristiwa yang hilang, ganda atau tertukar urutannya"
            ),
            Self::HashMismatch { event_id, seq } => {
                format!(
                    "peristiwa {event_id} (nomor {seq}) telah diubah: isinya tidak cocok dengan hash-nya"
                )
            }
            Self::ChainBroken { event_id, seq } => format!(
                "peristiwa {event_id} (nomor {seq}) tidak menyambung ke peristiwa sebelumnya: prev_hash tidak cocok"
            ),
            Self::StreamMismatch {
                event_id,
                seq,
                expected,
                found,
            } => {
                format!("peristiwa {event_id} (nomor {seq}) milik aliran {found}, bukan {expected}")
            }
            Self::RuleSetMismatch { event_id, seq } => format!(
                "peristiwa {event_id} (nomor {seq}) menyebut aturan yang berbeda dari peristiwa pertama alirannya"
            ),
            Self::Serialization(e) => format!("peristiwa tidak dapat diserialisasi: {e}"),
        }
    }
}

fn ser_err(e: serde_json::Error) -> ChainError {
    ChainError::Serialization(e.to_string())
}

/// Writes the event's canonical JSON, the bytes its hash is taken over: the
/// event without its `hash` member, object keys sorted by code point at every
/// depth, no white space, strings as serde_json writes them (UTF-8, minimal
/// escapes). Events hold no floating-point numbers, so this is the JSON
/// Canonicalization Scheme (RFC 8785) of the event for every value it can
/// hold; Python reproduces it with
/// `json.dumps(event_without_hash, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`.
///
/// The envelope's keys are written in sorted order by hand (it is the hot
/// path); the payload goes through `serde_json::Value`, whose maps are sorted.
pub fn canonical_json<P: Serialize>(event: &Event<P>, out: &mut Vec<u8>) -> Result<(), ChainError> {
    fn field<T: Serialize + ?Sized>(
        out: &mut Vec<u8>,
        key: &str,
        value: &T,
        first: bool,
    ) -> Result<(), ChainError> {
        if !first {
            out.push(b',');
        }
        out.push(b'"');
        out.extend_from_slice(key.as_bytes());
        out.extend_from_slice(b"\":");
        serde_json::to_writer(&mut *out, value).map_err(ser_err)
    }
    out.extend_from_slice(b"{\"actor\":{");
    field(out, "role", &event.actor.role, true)?;
    field(out, "staff_id", &event.actor.staff_id, false)?;
    out.push(b'}');
    field(out, "command_id", &event.command_id, false)?;
    field(out, "event_id", &event.event_id, false)?;
    field(out, "occurred_at", &event.occurred_at, false)?;
    let payload = serde_json::to_value(&event.payload).map_err(ser_err)?;
    field(out, "payload", &payload, false)?;
    field(out, "prev_hash", &event.prev_hash, false)?;
    field(out, "rule_set", &event.rule_set, false)?;
    field(out, "seq", &event.seq, false)?;
    field(out, "stream_id", &event.stream_id, false)?;
    out.push(b'}');
    Ok(())
}

impl<P: Serialize> Event<P> {
    /// The SHA-256 of the event's canonical JSON.
    pub fn compute_hash(&self) -> Result<Hash, ChainError> {
        let mut buf = Vec::with_capacity(512);
        canonical_json(self, &mut buf)?;
        Ok(Hash(Sha256::digest(&buf).into()))
    }

    /// Sets `hash` from the content.
    pub fn seal(mut self) -> Result<Self, ChainError> {
        self.hash = self.compute_hash()?;
        Ok(self)
    }
}

/// Checks a whole stream from its first event: seq 1, 2, 3 ... without gaps,
/// one stream id, one rule set, every hash matching its content and every
/// `prev_hash` its predecessor's hash. Returns the first problem, naming the
/// event.
///
/// ```
/// # use lk3_core::event::{verify_chain, ChainError};
/// # let events: Vec<lk3_core::event::Event<lk3_core::case::CaseEvent>> = Vec::new();
/// assert!(verify_chain(&events).is_ok()); // an empty stream is intact
/// ```
pub fn verify_chain<P: Serialize>(events: &[Event<P>]) -> Result<(), ChainError> {
    let Some(first) = events.first() else {
        return Ok(());
    };
    let mut prev = Hash::GENESIS;
    for (i, e) in events.iter().enumerate() {
        let expected = i as u64 + 1;
        if e.seq != expected {
            return Err(ChainError::SequenceGap {
                event_id: e.event_id,
                expected,
                found: e.seq,
            });
        }
        if e.stream_id != first.stream_id {
            return Err(ChainError::StreamMismatch {
                event_id: e.event_id,
                seq: e.seq,
                expected: first.stream_id,
                found: e.stream_id,
            });
        }
        if e.rule_set != first.rule_set {
            return Err(ChainError::RuleSetMismatch {
                event_id: e.event_id,
                seq: e.seq,
            });
        }
        if e.compute_hash()? != e.hash {
            return Err(ChainError::HashMismatch {
                event_id: e.event_id,
                seq: e.seq,
            });
        }
        if e.prev_hash != prev {
            return Err(ChainError::ChainBroken {
                event_id: e.event_id,
                seq: e.seq,
            });
        }
        prev = e.hash;
    }
    Ok(())
}
