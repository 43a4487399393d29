use std::fmt;

use chrono::{DateTime, Datelike, Timelike, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::canonical::write_canonical;
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
        "event {event_id} has seq {} where {expected} was expected: an event is missing, duplicated or out of order",
        Seq(*found, "a number withheld")
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
    #[error("event {event_id} (seq {}) was changed: its content does not match its hash", Seq(*seq, "withheld"))]
    HashMismatch {
        /// The changed event.
        event_id: EventId,
        /// Its seq.
        seq: u64,
    },
    /// The event's prev_hash is not its predecessor's hash.
    #[error(
        "event {event_id} (seq {}) does not follow its predecessor: prev_hash does not match",
        Seq(*seq, "withheld")
    )]
    ChainBroken {
        /// The event.
        event_id: EventId,
        /// Its seq.
        seq: u64,
    },
    /// The event belongs to another stream.
    #[error("event {event_id} (seq {}) belongs to stream {found}, not {expected}", Seq(*seq, "withheld"))]
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
    #[error("event {event_id} (seq {}) names another rule set than the stream's first event", Seq(*seq, "withheld"))]
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
            Self::RuleSetMismatch { .. } => ErrorCode::ChainRuleSetMismatch,
            Self::Serialization(_) => ErrorCode::Serialization,
        }
    }

    fn message_id(&self) -> String {
        match self {
            Self::SequenceGap { event_id, expected, found } => format!(
                "peristiwa {event_id} bernomor urut {}, seharusnya {expected}: ada peristiwa yang hilang, ganda atau tertukar urutannya",
                Seq(*found, "angka yang disembunyikan")
            ),
            Self::HashMismatch { event_id, seq } => format!(
                "peristiwa {event_id} (nomor {}) telah diubah: isinya tidak cocok dengan hash-nya",
                Seq(*seq, "disembunyikan")
            ),
            Self::ChainBroken { event_id, seq } => format!(
                "peristiwa {event_id} (nomor {}) tidak menyambung ke peristiwa sebelumnya: prev_hash tidak cocok",
                Seq(*seq, "disembunyikan")
            ),
            Self::StreamMismatch { event_id, seq, expected, found } => format!(
                "peristiwa {event_id} (nomor {}) milik aliran {found}, bukan {expected}",
                Seq(*seq, "disembunyikan")
            ),
            Self::RuleSetMismatch { event_id, seq } => format!(
                "peristiwa {event_id} (nomor {}) menyebut aturan yang berbeda dari peristiwa pertama alirannya",
                Seq(*seq, "disembunyikan")
            ),
            Self::Serialization(e) => format!("peristiwa tidak dapat diserialisasi: {e}"),
        }
    }
}

/// A seq as a message shows it: a forged seq of 12 digits or more could be a
/// NIK or No. KK put in its place, and is withheld (`withheld` says so).
struct Seq(u64, &'static str);

impl fmt::Display for Seq {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 >= 100_000_000_000 { f.write_str(self.1) } else { write!(f, "{}", self.0) }
    }
}

/// Writes the event's canonical JSON, the bytes its hash is taken over: the
/// event without its `hash` member, object keys sorted by UTF-16 code units at
/// every depth (RFC 8785), no white space, strings as serde_json writes them
/// (UTF-8, minimal escapes). Events hold no floating-point numbers, so this is
/// the JSON Canonicalization Scheme of the event for every value it can hold.
/// Every key in an event is ASCII, where code-unit and code-point order agree,
/// so Python reproduces it with
/// `json.dumps(event_without_hash, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`.
pub fn canonical_json<P: Serialize>(event: &Event<P>, out: &mut Vec<u8>) -> Result<(), ChainError> {
    // The envelope's keys are known and written in sorted order by hand, and
    // so are its ids, hash and vocabulary values, none of which needs escaping
    // (the hot path); the payload goes through the canonical serializer.
    fn raw(out: &mut Vec<u8>, key: &[u8], text: &[u8]) {
        out.extend_from_slice(key);
        out.push(b'"');
        out.extend_from_slice(text);
        out.push(b'"');
    }
    fn uuid(out: &mut Vec<u8>, key: &[u8], id: &Uuid) {
        let mut buf = Uuid::encode_buffer();
        raw(out, key, id.hyphenated().encode_lower(&mut buf).as_bytes());
    }
    use crate::label::Labelled;
    // A partner's staff name their partner: first, in key order; nothing for LK3 staff.
    match &event.actor.partner_id {
        Some(partner) => {
            uuid(out, b"{\"actor\":{\"partner_id\":", partner.as_uuid());
            raw(out, b",\"role\":", event.actor.role.id().as_bytes());
        }
        None => raw(out, b"{\"actor\":{\"role\":", event.actor.role.id().as_bytes()),
    }
    uuid(out, b",\"staff_id\":", event.actor.staff_id.as_uuid());
    // A unit's staff name their unit, last in key order; nothing when unknown.
    // Its code is digits, dots, a dash and capitals: nothing to escape.
    if let Some(unit) = &event.actor.unit {
        raw(out, b",\"unit\":", unit.to_string().as_bytes());
    }
    uuid(out, b"},\"command_id\":", event.command_id.as_uuid());
    uuid(out, b",\"event_id\":", event.event_id.as_uuid());
    out.extend_from_slice(b",\"occurred_at\":");
    write_canonical(&Rfc3339(&event.occurred_at), out).map_err(|e| ChainError::Serialization(e.to_string()))?;
    out.extend_from_slice(b",\"payload\":");
    write_canonical(&event.payload, out).map_err(|e| ChainError::Serialization(e.to_string()))?;
    raw(out, b",\"prev_hash\":", &event.prev_hash.to_hex());
    raw(out, b",\"rule_set\":", event.rule_set.id().as_bytes());
    out.extend_from_slice(b",\"seq\":");
    out.extend_from_slice(event.seq.to_string().as_bytes());
    uuid(out, b",\"stream_id\":", &event.stream_id);
    out.push(b'}');
    Ok(())
}

/// A UTC time written exactly as chrono's serde writes it (RFC 3339, `Z`,
/// no fraction or 3, 6 or 9 digits), without going through `fmt`.
struct Rfc3339<'a>(&'a DateTime<Utc>);

impl Serialize for Rfc3339<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let t = self.0.naive_utc();
        let (year, nanos) = (t.year(), t.nanosecond());
        if !(0..=9999).contains(&year) || nanos >= 1_000_000_000 {
            return self.0.serialize(s);
        }
        let mut out = [0u8; 30];
        let year = year as u32;
        for (i, slot) in out[..4].iter_mut().enumerate() {
            *slot = b'0' + (year / 10u32.pow(3 - i as u32) % 10) as u8;
        }
        let mut len = 4;
        for (c, value) in [(b'-', t.month()), (b'-', t.day()), (b'T', t.hour()), (b':', t.minute()), (b':', t.second())]
        {
            out[len] = c;
            out[len + 1] = b'0' + (value / 10) as u8;
            out[len + 2] = b'0' + (value % 10) as u8;
            len += 3;
        }
        let (digits, value) = if nanos == 0 {
            (0, 0)
        } else if nanos % 1_000_000 == 0 {
            (3, nanos / 1_000_000)
        } else if nanos % 1_000 == 0 {
            (6, nanos / 1_000)
        } else {
            (9, nanos)
        };
        if digits > 0 {
            out[len] = b'.';
            len += 1;
            for i in 0..digits {
                out[len + i] = b'0' + (value / 10u32.pow((digits - 1 - i) as u32) % 10) as u8;
            }
            len += digits;
        }
        out[len] = b'Z';
        len += 1;
        s.serialize_str(std::str::from_utf8(&out[..len]).map_err(serde::ser::Error::custom)?)
    }
}

impl<P: Serialize> Event<P> {
    /// The event's canonical JSON (see [`canonical_json`]) as text: the
    /// bytes its hash is taken over, and the form a store keeps it in.
    pub fn canonical_text(&self) -> Result<String, ChainError> {
        let mut out = Vec::with_capacity(768);
        canonical_json(self, &mut out)?;
        // Built from UTF-8 text and ASCII punctuation only.
        String::from_utf8(out).map_err(|e| ChainError::Serialization(e.to_string()))
    }

    /// The SHA-256 of the event's canonical JSON.
    pub fn compute_hash(&self) -> Result<Hash, ChainError> {
        // One buffer per thread: hashing is the hot path of every decided
        // and every verified event.
        thread_local! {
            static BUFFER: std::cell::RefCell<Vec<u8>> = std::cell::RefCell::new(Vec::with_capacity(1024));
        }
        BUFFER.with(|cell| match cell.try_borrow_mut() {
            Ok(mut buf) => {
                buf.clear();
                canonical_json(self, &mut buf)?;
                Ok(Hash(Sha256::digest(buf.as_slice()).into()))
            }
            // Re-entered (a Serialize impl hashing an event): use a fresh buffer.
            Err(_) => {
                let mut buf = Vec::with_capacity(1024);
                canonical_json(self, &mut buf)?;
                Ok(Hash(Sha256::digest(&buf).into()))
            }
        })
    }

    /// The next event of a stream whose head is (`version`, `head_hash`): seq
    /// `version + 1`, chained to the head, its id and time from the context
    /// (time truncated to microseconds, the precision stores keep), sealed.
    /// `None` when the seq would overflow (only reachable from forged history).
    pub fn next(
        stream_id: Uuid,
        (version, head_hash): (u64, Hash),
        ctx: &crate::CommandContext,
        rule_set: crate::rules::RuleSetId,
        payload: P,
    ) -> Option<Result<Self, ChainError>> {
        use chrono::SubsecRound;
        let seq = version.checked_add(1)?;
        let at = ctx.at.trunc_subsecs(6);
        let mut event = Event {
            event_id: EventId::new_v7(at, ctx.seed.derive(0)),
            stream_id,
            seq,
            occurred_at: at,
            actor: ctx.actor,
            command_id: ctx.command_id,
            rule_set,
            payload,
            prev_hash: head_hash,
            hash: Hash::GENESIS,
        };
        Some(event.seal_in_place().map(|()| event))
    }

    /// Sets `hash` from the content.
    pub fn seal(mut self) -> Result<Self, ChainError> {
        self.seal_in_place()?;
        Ok(self)
    }

    /// Sets `hash` from the content, in place.
    pub fn seal_in_place(&mut self) -> Result<(), ChainError> {
        self.hash = self.compute_hash()?;
        Ok(())
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
    match chain_problems(events, true).into_iter().next() {
        Some((_, e)) => Err(e),
        None => Ok(()),
    }
}

/// Every problem of a stream, with the index of the event it concerns (a
/// validator reports them all). After a problem the check goes on from that
/// event, so that one removed event is one finding, not one per later event.
pub fn chain_problems<P: Serialize>(events: &[Event<P>], first_only: bool) -> Vec<(usize, ChainError)> {
    chain_problems_with(events, |_, e| e.compute_hash(), first_only)
}

/// [`chain_problems`] with each event's hash as `hash_of(index, event)`
/// gives it: for a caller that already holds the canonical bytes of an
/// event (a store's body, checked to be that event's canonical JSON) and
/// need not serialise it again.
pub fn chain_problems_with<P>(
    events: &[Event<P>],
    hash_of: impl Fn(usize, &Event<P>) -> Result<Hash, ChainError>,
    first_only: bool,
) -> Vec<(usize, ChainError)> {
    let mut found = Vec::new();
    let Some(first) = events.first() else {
        return found;
    };
    let mut prev = Hash::GENESIS;
    for (i, e) in events.iter().enumerate() {
        let expected = i as u64 + 1;
        let mut problems = Vec::new();
        if e.seq != expected {
            problems.push(ChainError::SequenceGap { event_id: e.event_id, expected, found: e.seq });
        }
        if e.stream_id != first.stream_id {
            problems.push(ChainError::StreamMismatch {
                event_id: e.event_id,
                seq: e.seq,
                expected: first.stream_id,
                found: e.stream_id,
            });
        }
        if e.rule_set != first.rule_set {
            problems.push(ChainError::RuleSetMismatch { event_id: e.event_id, seq: e.seq });
        }
        match hash_of(i, e) {
            Ok(h) if h != e.hash => problems.push(ChainError::HashMismatch { event_id: e.event_id, seq: e.seq }),
            Ok(_) => {}
            Err(err) => problems.push(err),
        }
        if e.prev_hash != prev {
            problems.push(ChainError::ChainBroken { event_id: e.event_id, seq: e.seq });
        }
        for p in problems {
            found.push((i, p));
            if first_only {
                return found;
            }
        }
        prev = e.hash;
    }
    found
}
