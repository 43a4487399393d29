//! The rows a store keeps and hands back: streams, encoded events, the
//! batches appended, and what appending returns.

use chrono::{DateTime, Utc};
use lk3_core::event::Hash;
use lk3_core::ids::{CommandId, UnitCode};
use serde::{Deserialize, Serialize};
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

/// An event as stored: the envelope's key columns and the whole event as
/// JSON. The body is the truth; the columns are for indexes, and `verify`
/// recomputes every hash from the body.
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
    /// The whole event as JSON (compact, as `serde_json` writes it).
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

    /// The stream's row after the batch.
    pub fn stream_after(&self) -> StreamInfo {
        StreamInfo {
            unit: self.unit.clone(),
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
/// whole event as JSON, the truth; the envelope's other columns are left
/// out, which makes a scan cheaper).
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
    /// The whole event as JSON.
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
    /// After this row number.
    Row(i64),
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
}

/// What an adapter does with a batch, given what it holds: the stream's
/// head (version, hash, unit, kind) and the record of the batch's first
/// command id. The rule is written once here; adapters read the inputs
/// inside their transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppendDecision {
    /// Write the batch.
    Write,
    /// The command was appended before: return its events.
    AlreadyApplied(CommandRecord),
}

/// Decides an append (see [`AppendDecision`]).
pub fn decide_append(
    batch: &Batch,
    head: Option<&StreamInfo>,
    first_command: Option<CommandRecord>,
) -> Result<AppendDecision, crate::StoreError> {
    use crate::StoreError;
    let stream_id = batch.stream_id;
    if let Some(record) = first_command {
        if record.stream_id == stream_id {
            return Ok(AppendDecision::AlreadyApplied(record));
        }
        let command_id = batch.commands.first().map_or(Uuid::nil(), |c| *c.command_id.as_uuid());
        return Err(StoreError::CommandIdReused { command_id, first_stream: record.stream_id });
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
    Ok(AppendDecision::Write)
}
