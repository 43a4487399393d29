//! What the store needs to know of an aggregate (a case, an outreach): its
//! events' payload, how to fold and decide, its unit and query row. Turning
//! typed events into a checked [`Batch`] and stored rows back into a
//! verified fold is written once here, not once per adapter.

use lk3_core::case::{Case, CaseEvent};
use lk3_core::decider::Rederived;
use lk3_core::event::{Event, chain_problems};
use lk3_core::ids::UnitCode;
use lk3_core::outreach::{Outreach, OutreachEvent};
use lk3_core::partner::NamedPartner;
use lk3_core::schema::{CaseDocument, OutreachDocument};
use lk3_core::seal::Seal;
use lk3_core::validate::ReadStream;
use lk3_core::{Decider, DomainError, Lk3Error};
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::error::StoreError;
use crate::model::{Batch, CommandSpan, Fingerprint, StoredEvent, StreamInfo, StreamKind};
use crate::projection::{CaseSummary, OutreachSummary, Projection};

/// What a store needs of a machine beyond its [`Decider`] (which decides,
/// folds and re-decides in lk3-core): how it is stored, its unit, its query
/// row and its export document.
pub trait Aggregate:
    Decider<
        Payload: Serialize + DeserializeOwned + Send + Sync + 'static,
        Command: Serialize + Send + Sync,
        Error: Into<DomainError>,
    > + Serialize
    + Send
    + Sync
    + 'static
{
    /// The stream kind it is stored as.
    const KIND: StreamKind;
    /// The unit it belongs to, once opened.
    fn unit(&self) -> Option<&UnitCode>;
    /// Its query row, once opened.
    fn projection(&self) -> Option<Projection>;
    /// The export document of the state and its events.
    fn document(self, events: Vec<Event<Self::Payload>>) -> impl Serialize;
    /// The export document with a seal over its head ([`lk3_core::seal`]).
    fn sealed_document(self, events: Vec<Event<Self::Payload>>, seal: Option<Seal>) -> impl Serialize;
    /// The partners `events` name, continuing `before`, each with the unit
    /// holding the stream then, for the store to check against that unit's
    /// network ([`crate::partners`]). None by default.
    fn partner_references(before: &Self, events: &[Event<Self::Payload>]) -> Vec<NamedPartner> {
        let _ = (before, events);
        Vec::new()
    }

    /// The notes and attachments `events` add, for the store to find kept
    /// ([`crate::access::check_kept`]). None by default.
    fn kept_records(events: &[Event<Self::Payload>]) -> Vec<crate::access::KeptRecord> {
        let _ = events;
        Vec::new()
    }
}

impl Aggregate for Case {
    const KIND: StreamKind = StreamKind::Case;
    fn unit(&self) -> Option<&UnitCode> {
        Case::unit(self)
    }
    fn projection(&self) -> Option<Projection> {
        CaseSummary::of(self).map(Projection::Case)
    }
    fn document(self, events: Vec<Event<CaseEvent>>) -> impl Serialize {
        CaseDocument::new(self, events)
    }
    fn sealed_document(self, events: Vec<Event<CaseEvent>>, seal: Option<Seal>) -> impl Serialize {
        CaseDocument { seal, ..CaseDocument::new(self, events) }
    }
    fn partner_references(before: &Self, events: &[Event<CaseEvent>]) -> Vec<NamedPartner> {
        before.partner_references_in(events)
    }
    fn kept_records(events: &[Event<CaseEvent>]) -> Vec<crate::access::KeptRecord> {
        crate::access::kept_records(events)
    }
}

impl Aggregate for Outreach {
    const KIND: StreamKind = StreamKind::Outreach;
    fn unit(&self) -> Option<&UnitCode> {
        Outreach::unit(self)
    }
    fn projection(&self) -> Option<Projection> {
        OutreachSummary::of(self).map(Projection::Outreach)
    }
    fn document(self, events: Vec<Event<OutreachEvent>>) -> impl Serialize {
        OutreachDocument::new(self, events)
    }
    fn sealed_document(self, events: Vec<Event<OutreachEvent>>, seal: Option<Seal>) -> impl Serialize {
        OutreachDocument { seal, ..OutreachDocument::new(self, events) }
    }
}

/// The store's error for an event `decide` does not give back.
fn not_decided<A: Aggregate>(stream_id: Uuid, seq: u64, problem: Rederived<A::Error>) -> StoreError {
    StoreError::NotDecided { stream_id, seq, source: Box::new(problem.map(Into::into)) }
}

/// A stream loaded from a store: its fold, verified, and its events.
#[derive(Debug, Clone)]
pub struct Loaded<A: Aggregate> {
    /// The fold of `events`.
    pub state: A,
    /// Every event, seq 1, 2, 3 ...
    pub events: Vec<Event<A::Payload>>,
}

/// Checks that `events` are one command's events continuing the stream whose
/// fold *before* them is `before` (seq, chain, hashes, one stream, one
/// command id, each event what `decide` gives for the command it records),
/// and encodes them with the projection after them.
pub fn batch<A: Aggregate>(before: &A, events: &[Event<A::Payload>]) -> Result<(Batch, A), StoreError> {
    one_command(encode(before, events)?)
}

/// [`batch`] of the events `decide` has just given for a command against
/// `before`, in this process: they are what the rules give by their
/// making, so they are not decided a second time (their seq, chain and
/// hashes are still checked).
pub(crate) fn batch_decided<A: Aggregate>(before: &A, events: &[Event<A::Payload>]) -> Result<(Batch, A), StoreError> {
    one_command(encode_events(before, events, Judge::Decided)?)
}

/// Whose events are encoded: anyone's, re-decided one by one, or those
/// `decide` gave just now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Judge {
    Rederive,
    Decided,
}

/// The batch, if its events are one command's.
fn one_command<A>((batch, after): (Batch, A)) -> Result<(Batch, A), StoreError> {
    if batch.commands.len() > 1 {
        return Err(StoreError::BatchRejected {
            stream_id: batch.stream_id,
            reason: "events of more than one command".into(),
        });
    }
    Ok((batch, after))
}

/// Like [`batch`], for a whole stream being imported: the events may come
/// from many commands, each a run of consecutive events.
pub fn encode<A: Aggregate>(before: &A, events: &[Event<A::Payload>]) -> Result<(Batch, A), StoreError> {
    encode_events(before, events, Judge::Rederive)
}

fn encode_events<A: Aggregate>(
    before: &A,
    events: &[Event<A::Payload>],
    judge: Judge,
) -> Result<(Batch, A), StoreError> {
    let Some(first) = events.first() else {
        return Err(StoreError::BatchRejected { stream_id: Uuid::nil(), reason: "no events".into() });
    };
    let stream_id = first.stream_id;
    let reject = |reason: String| StoreError::BatchRejected { stream_id, reason };
    let expected_version = before.head().version;
    if first.seq != expected_version + 1 {
        return Err(reject(format!(
            "the first event has seq {}, the state is at version {expected_version}",
            first.seq
        )));
    }
    let mut after = before.clone();
    let mut prev = first.prev_hash;
    let mut stored = Vec::with_capacity(events.len());
    let commands = command_spans(events).map_err(reject)?;
    for (i, e) in events.iter().enumerate() {
        if e.stream_id != stream_id {
            return Err(reject(format!("event {} belongs to another stream", e.seq)));
        }
        if e.seq != first.seq + i as u64 || (i > 0 && e.prev_hash != prev) {
            return Err(reject(format!("event {} does not follow the one before it", e.seq)));
        }
        // The canonical bytes are hashed once and kept as the body.
        let (body, hash) = crate::body::of_event(e).map_err(|err| reject(err.to_string()))?;
        if hash != e.hash {
            return Err(reject(format!("event {} does not match its hash", e.seq)));
        }
        prev = e.hash;
        if judge == Judge::Rederive {
            after.rederive(e).map_err(|problem| not_decided::<A>(stream_id, e.seq, problem))?;
        }
        stored.push(StoredEvent {
            seq: e.seq,
            event_id: *e.event_id.as_uuid(),
            occurred_at: e.occurred_at,
            hash: e.hash,
            body,
        });
        after.apply(e);
    }
    let (Some(unit), Some(projection)) = (after.unit().cloned(), after.projection()) else {
        return Err(reject("the events do not open the stream".into()));
    };
    let batch = Batch {
        unit,
        stream_id,
        kind: A::KIND,
        commands,
        expected_version,
        prev_hash: first.prev_hash,
        events: stored,
        projection,
        previous: before.projection(),
        seal: None,
    };
    Ok((batch, after))
}

/// [`encode`] of a whole stream the validator read and judged
/// ([`lk3_core::validate::validate_stream`]): every event was re-decided,
/// chained and hashed there, so its canonical text is stored as its body
/// and nothing is decided or hashed again. The command spans are made here.
pub fn encode_read<A: Aggregate>(read: ReadStream<A>) -> Result<Batch, StoreError> {
    let (events, canonical, after, seal) = read.into_parts();
    let Some(first) = events.first() else {
        return Err(StoreError::BatchRejected { stream_id: Uuid::nil(), reason: "no events".into() });
    };
    let (stream_id, prev_hash) = (first.stream_id, first.prev_hash);
    let reject = |reason: String| StoreError::BatchRejected { stream_id, reason };
    let commands = command_spans(&events).map_err(reject)?;
    let (Some(unit), Some(projection)) = (after.unit().cloned(), after.projection()) else {
        return Err(reject("the events do not open the stream".into()));
    };
    let stored = events
        .iter()
        .zip(canonical)
        .map(|(e, body)| StoredEvent {
            seq: e.seq,
            event_id: *e.event_id.as_uuid(),
            occurred_at: e.occurred_at,
            hash: e.hash,
            body,
        })
        .collect();
    Ok(Batch {
        unit,
        stream_id,
        kind: A::KIND,
        commands,
        expected_version: 0,
        prev_hash,
        events: stored,
        projection,
        previous: None,
        seal,
    })
}

/// The commands `events` record, each a run of consecutive events under
/// one command id (an id met again after another's run is refused).
fn command_spans<P>(events: &[Event<P>]) -> Result<Vec<CommandSpan>, String> {
    let mut commands: Vec<CommandSpan> = Vec::with_capacity(1);
    for e in events {
        match commands.last_mut() {
            Some(span) if span.command_id == e.command_id => {
                span.last_seq = e.seq;
                span.fingerprint = Fingerprint::of_events(e.hash);
            }
            _ => {
                if commands.iter().any(|c| c.command_id == e.command_id) {
                    return Err(format!("event {} repeats an earlier command id", e.seq));
                }
                commands.push(CommandSpan {
                    command_id: e.command_id,
                    first_seq: e.seq,
                    last_seq: e.seq,
                    fingerprint: Fingerprint::of_events(e.hash),
                })
            }
        }
    }
    Ok(commands)
}

/// Decodes stored rows of a stream, naming the first row that does not decode.
pub fn decode<P: DeserializeOwned>(stream_id: Uuid, rows: &[StoredEvent]) -> Result<Vec<Event<P>>, StoreError> {
    rows.iter()
        .map(|row| {
            crate::body::decode(&row.body, &row.hash).map_err(|e| StoreError::CorruptRow {
                stream_id,
                seq: row.seq,
                message: e.to_string(),
            })
        })
        .collect()
}

/// Decodes, verifies (chain and head), re-decides every event and folds a
/// stream read from a store.
pub fn load<A: Aggregate>(info: &StreamInfo, rows: &[StoredEvent]) -> Result<Loaded<A>, StoreError> {
    let stream_id = info.stream_id;
    let events: Vec<Event<A::Payload>> = decode(stream_id, rows)?;
    if let Some((_, source)) = chain_problems(&events, true).into_iter().next() {
        return Err(StoreError::Chain { stream_id, source });
    }
    if events.first().is_some_and(|e| e.stream_id != stream_id) {
        return Err(StoreError::CorruptRow { stream_id, seq: 1, message: "event of another stream".into() });
    }
    let head = events.last().map(|e| e.hash);
    if events.len() as u64 != info.version || head != Some(info.head_hash) {
        return Err(StoreError::HeadMismatch { stream_id, recorded: info.version, found: events.len() as u64 });
    }
    let mut state = A::default();
    for e in &events {
        state.rederive(e).map_err(|problem| not_decided::<A>(stream_id, e.seq, problem))?;
        state.apply(e);
    }
    Ok(Loaded { state, events })
}

/// The code and bilingual messages of an error, for reports.
pub(crate) fn describe(e: &dyn Lk3Error) -> (String, String, String) {
    use lk3_core::Labelled;
    (e.code().id().to_owned(), e.message_en(), e.message_id())
}

#[cfg(test)]
mod tests {
    use lk3_core::validate::{Limits, StreamDocument, validate_stream};

    use super::*;

    /// The batch the validator's stream encodes to, against [`encode`] of
    /// the same document's events read the plain way (decided and hashed again).
    fn both<A: Aggregate>(read: ReadStream<A>, doc: &serde_json::Value) -> (String, String) {
        let events: Vec<Event<A::Payload>> = serde_json::from_value(doc["events"].clone()).expect("events");
        let seal: Option<Seal> = doc.get("seal").map(|s| serde_json::from_value(s.clone()).expect("seal"));
        let (plain, _) = encode(&A::default(), &events).expect("encodes");
        let plain = Batch { seal, ..plain };
        (format!("{:?}", encode_read(read).expect("encodes")), format!("{plain:?}"))
    }

    #[test]
    fn every_valid_stream_fixture_encodes_from_what_the_validator_read_as_from_its_events() {
        let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/valid");
        let mut compared = 0;
        for entry in std::fs::read_dir(corpus).expect("the corpus") {
            let path = entry.expect("entry").path();
            let bytes = std::fs::read(&path).expect("read");
            let doc: serde_json::Value = serde_json::from_slice(&bytes).expect("parses");
            let (read, plain) = match validate_stream(&bytes, &Limits::default(), None).1 {
                Some(StreamDocument::Case(read)) => both(*read, &doc),
                Some(StreamDocument::Outreach(read)) => both(*read, &doc),
                _ => continue,
            };
            assert_eq!(read, plain, "{}", path.display());
            compared += 1;
        }
        assert!(compared >= 50, "{compared} documents compared");
    }

    #[test]
    fn a_command_id_met_again_after_another_is_refused() {
        let mut w = crate::test_world::World::new();
        let (_, mut events) = w.case_at(lk3_core::vocab::Stage::Terminasi);
        let first = events[0].command_id;
        let last = events.len() - 1;
        events[last].command_id = first;
        let refused = command_spans(&events).expect_err("a repeated id");
        assert!(refused.contains("repeats an earlier command id"), "{refused}");
        let spans = command_spans(&events[..last]).expect("each id once");
        assert_eq!(spans.first().map(|s| s.first_seq), Some(1));
        assert_eq!(spans.last().map(|s| s.last_seq), Some(last as u64));
    }
}
