//! The rows a store keeps and hands back: streams, encoded events, the
//! batches appended, and what appending returns.

use chrono::{DateTime, Utc};
use lk3_core::event::{Actor, Hash, write_canonical};
use lk3_core::ids::{CommandId, UnitCode};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::projection::Projection;

/// The kind of aggregate a stream holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StreamKind {
    /// A case (`lk3_core::case::Case`).
    Case,
    /// An outreach (`lk3_core::outreach::Outreach`).
    Outreach,
}

impl StreamKind {
    /// The name kept in the `kind` column.
    pub fn as_str(self) -> &'static str {
        match self {
            StreamKind::Case => "case",
            StreamKind::Outreach => "outreach",
        }
    }

    /// The kind named `s`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "case" => Some(StreamKind::Case),
            "outreach" => Some(StreamKind::Outreach),
            _ => None,
        }
    }
}

/// An event as stored: the envelope's key columns and the event's canonical
/// JSON (see [`crate::body`]). The body and the hash are the truth
/// (`SHA-256(body) = hash`); the other columns are for indexes, and `verify`
/// checks each against the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEvent {
    /// The seq within the stream.
    pub seq: u64,
    /// The event id.
    pub event_id: Uuid,
    /// When it happened.
    pub occurred_at: DateTime<Utc>,
    /// The event's hash.
    pub hash: Hash,
    /// The event's canonical JSON without its `hash` member, the bytes the
    /// hash is taken over ([`crate::body::decode`] reads it back whole).
    pub body: String,
}

/// A stream's row: where it belongs and its head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamInfo {
    /// The LK3 unit (the first key of every table).
    pub unit: UnitCode,
    /// The stream (case or outreach id).
    pub stream_id: Uuid,
    /// Case or outreach.
    pub kind: StreamKind,
    /// The number of events: the seq of the last one.
    pub version: u64,
    /// The last event's hash.
    pub head_hash: Hash,
}

/// The events of one command for one stream, checked to continue each other
/// (see [`crate::aggregate`]), with the projection of the stream after them.
/// Adapters write it whole or not at all.
#[derive(Debug, Clone)]
pub struct Batch {
    /// The stream's unit.
    pub unit: UnitCode,
    /// The stream.
    pub stream_id: Uuid,
    /// Case or outreach.
    pub kind: StreamKind,
    /// The commands the events come from, in order: one for an append, one
    /// per run of events for an imported stream.
    pub commands: Vec<CommandSpan>,
    /// The stream version the events continue (0 for a new stream).
    pub expected_version: u64,
    /// The hash the first event chains to (the stream's head).
    pub prev_hash: Hash,
    /// The events, seq `expected_version + 1` on.
    pub events: Vec<StoredEvent>,
    /// The stream's query row after the events.
    pub projection: Projection,
    /// The query row before them (`None` for a new stream): adapters rewrite
    /// only the parts that changed. It is the projection of the state the
    /// batch continues, so it is what the store holds whenever the expected
    /// version matches.
    pub previous: Option<Projection>,
    /// A seal over the stream's head after the batch, when it arrives sealed
    /// (an imported document's); otherwise the store seals it with its own
    /// key, if it has one ([`crate::trust`]).
    pub seal: Option<lk3_core::seal::Seal>,
}

impl Batch {
    /// The version after the batch.
    pub fn new_version(&self) -> u64 {
        self.expected_version + self.events.len() as u64
    }

    /// The hash of the batch's last event.
    pub fn head_hash(&self) -> Hash {
        self.events.last().map_or(self.prev_hash, |e| e.hash)
    }

    /// Where each of the batch's commands is appended: `(id, record)`.
    pub fn command_records(&self) -> impl Iterator<Item = (CommandId, CommandRecord)> + '_ {
        self.commands.iter().map(|span| {
            let record = CommandRecord {
                stream_id: self.stream_id,
                first_seq: span.first_seq,
                last_seq: span.last_seq,
                fingerprint: span.fingerprint,
            };
            (span.command_id, record)
        })
    }

    /// The stream's row after the batch.
    pub fn stream_after(&self) -> StreamInfo {
        StreamInfo {
            unit: self.unit,
            stream_id: self.stream_id,
            kind: self.kind,
            version: self.new_version(),
            head_hash: self.head_hash(),
        }
    }
}

/// What an append did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppendOutcome {
    /// The events were written; the stream is now at `version`.
    Written {
        /// The stream's new version.
        version: u64,
    },
    /// The command id was seen before for this stream: nothing was written,
    /// and these are the events of the first time.
    AlreadyApplied {
        /// The events the command wrote the first time.
        events: Vec<StoredEvent>,
    },
}

/// An event as a bulk scan returns it: where it belongs and its body (the
/// event's canonical JSON, the truth; the envelope's other columns are left
/// out, which makes a scan cheaper). A scan does not verify: the body's
/// hash is `Hash::of(body)`, and [`crate::body::decode`] with it reads the
/// whole event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScannedEvent {
    /// The stream's unit.
    pub unit: UnitCode,
    /// The stream.
    pub stream_id: Uuid,
    /// Case or outreach.
    pub kind: StreamKind,
    /// The seq within the stream.
    pub seq: u64,
    /// The event's canonical JSON without its `hash` member (see [`crate::body`]).
    pub body: String,
    /// Where the scan goes on after this event.
    pub cursor: EventCursor,
}

/// Where a bulk scan goes on. Opaque: each adapter scans in the order that
/// is cheapest for it (SQLite: the order rows were written; PostgreSQL and
/// memory: unit, stream, seq). Within a stream, events always come in seq
/// order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventCursor(pub(crate) CursorPosition);

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum CursorPosition {
    /// After this (unit, stream, seq).
    Key(UnitCode, Uuid, u64),
    /// After this row number (SQLite).
    #[cfg_attr(not(feature = "sqlite"), allow(dead_code))]
    Row(i64),
    /// After this text key (PostgreSQL).
    #[cfg_attr(not(feature = "postgres"), allow(dead_code))]
    Text(String),
}

/// The events of one command within a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommandSpan {
    /// The command id.
    pub command_id: CommandId,
    /// The seq of its first event.
    pub first_seq: u64,
    /// The seq of its last event.
    pub last_seq: u64,
    /// What the command id stands for, kept with it so that a retry is
    /// recognised only when it is the same command (see [`Fingerprint`]).
    pub fingerprint: Fingerprint,
}

/// Where a command id was used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommandRecord {
    /// The stream it was appended to.
    pub stream_id: Uuid,
    /// The seq of its first event.
    pub first_seq: u64,
    /// The seq of its last event.
    pub last_seq: u64,
    /// The fingerprint it was appended with.
    pub fingerprint: Fingerprint,
}

/// What a command id stands for: a SHA-256 over the command and its actor
/// (for a command executed by the store) or the hash of its last event (for
/// events appended or imported as they are, whose chain hash already covers
/// every event before). A command id seen again is a retry only with the
/// same fingerprint; anything else is a reuse ([`crate::StoreError::CommandIdConflict`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint(pub Hash);

impl Fingerprint {
    /// The fingerprint of a command issued by `actor` (canonical JSON, so
    /// the same command written with other white space, key order or
    /// explicit defaults has the same fingerprint).
    pub fn of_command<C: Serialize>(actor: &Actor, command: &C) -> Result<Self, crate::StoreError> {
        #[derive(Serialize)]
        struct Issued<'a, C> {
            actor: &'a Actor,
            command: &'a C,
        }
        let mut bytes = b"lk3.command\n".to_vec();
        write_canonical(&Issued { actor, command }, &mut bytes)
            .map_err(|e| crate::StoreError::Unavailable { message: format!("command fingerprint: {e}") })?;
        Ok(Fingerprint(Hash(Sha256::digest(&bytes).into())))
    }

    /// The fingerprint of events appended as they are: the last one's hash.
    pub fn of_events(last_hash: Hash) -> Self {
        Fingerprint(last_hash)
    }
}

/// What an adapter does with a batch, given what it holds: the stream's
/// head (version, hash, unit, kind) and the records of the batch's command
/// ids. The rule is written once here; adapters read the inputs inside
/// their transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppendDecision {
    /// Write the batch.
    Write,
    /// Every command of the batch was appended before, the same: return the
    /// events from the first one's first to the last one's last.
    AlreadyApplied(CommandRecord),
}

/// Decides an append (see [`AppendDecision`]). `seen` holds, for each of
/// the batch's commands in order, where its id was appended before (`None`:
/// never). A retry is recognised only when every command id of the batch is
/// there, on this stream, with the same fingerprint: a reused id with
/// another command is refused, never answered with the first command's
/// events; a re-import of a document whose events differ from the stored
/// stream is refused too.
pub fn decide_append(
    batch: &Batch,
    head: Option<&StreamInfo>,
    seen: &[Option<CommandRecord>],
) -> Result<AppendDecision, crate::StoreError> {
    use crate::StoreError;
    let stream_id = batch.stream_id;
    for (span, record) in batch.commands.iter().zip(seen) {
        let Some(record) = record else { continue };
        let command_id = *span.command_id.as_uuid();
        if record.stream_id != stream_id {
            return Err(StoreError::CommandIdReused { command_id, first_stream: record.stream_id });
        }
        if record.fingerprint != span.fingerprint {
            return Err(StoreError::CommandIdConflict { command_id, stream_id });
        }
    }
    let found: Vec<&CommandRecord> = seen.iter().flatten().collect();
    if let (Some(first), Some(last)) = (found.first(), found.last())
        && found.len() == batch.commands.len()
    {
        return Ok(AppendDecision::AlreadyApplied(CommandRecord { last_seq: last.last_seq, ..**first }));
    }
    let actual = head.map_or(0, |h| h.version);
    if actual != batch.expected_version {
        return Err(StoreError::VersionConflict { stream_id, expected: batch.expected_version, actual });
    }
    if let Some(h) = head.filter(|h| h.unit != batch.unit || h.kind != batch.kind) {
        return Err(StoreError::BatchRejected {
            stream_id,
            reason: format!("the stream is a {} of unit {}", h.kind.as_str(), h.unit),
        });
    }
    if head.map_or(Hash::GENESIS, |h| h.head_hash) != batch.prev_hash {
        return Err(StoreError::BatchRejected {
            stream_id,
            reason: "the first event does not chain to the head".into(),
        });
    }
    // Some of the batch's commands are on the stream and some are not: a
    // document that only partly matches what is stored.
    if let Some(first) = found.first() {
        let command_id = batch
            .commands
            .iter()
            .zip(seen)
            .find(|(_, r)| r.is_some())
            .map_or(Uuid::nil(), |(s, _)| *s.command_id.as_uuid());
        debug_assert_eq!(first.stream_id, stream_id);
        return Err(StoreError::CommandIdConflict { command_id, stream_id });
    }
    Ok(AppendDecision::Write)
}
