//! `verify`: every stream of a store re-read from its rows, every hash
//! recomputed, every chain link, head and projection checked; every problem
//! named by stream, seq and event id.

use lk3_core::case::Case;
use lk3_core::event::{Event, chain_problems};
use lk3_core::outreach::Outreach;
use lk3_core::{ErrorCode, Labelled, Lk3Error};
use serde::Serialize;
use uuid::Uuid;

use crate::aggregate::{self, Aggregate};
use crate::error::StoreError;
use crate::model::{StoredEvent, StreamInfo, StreamKind};
use crate::store::CaseStore;

/// One thing wrong in a store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The stream.
    pub stream_id: Uuid,
    /// The event's seq, when the problem is an event's.
    pub seq: Option<u64>,
    /// The event's id, when its row still decodes.
    pub event_id: Option<Uuid>,
    /// The stable code (`LK3-E051` ...).
    pub code: String,
    /// In English.
    pub message_en: String,
    /// In Indonesian.
    pub message_id: String,
}

/// What [`verify`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    /// Streams read.
    pub streams: u64,
    /// Events read.
    pub events: u64,
    /// Every problem, in stream order.
    pub problems: Vec<Problem>,
}

impl VerifyReport {
    /// True when nothing is wrong.
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Streams read per page.
const PAGE: u32 = 500;

/// Verifies every stream of a store. Fails only when the store cannot be
/// read; what is wrong with the data is in the report.
pub async fn verify<S: CaseStore + ?Sized>(store: &S) -> Result<VerifyReport, StoreError> {
    let mut report = VerifyReport::default();
    let mut after = None;
    loop {
        let page = store.streams(after, PAGE).await?;
        let Some(last) = page.last() else { break };
        after = Some(last.stream_id);
        for info in &page {
            let Some((info, rows)) = store.read_stream(info.stream_id).await? else { continue };
            report.streams += 1;
            report.events += rows.len() as u64;
            let stored = store.projection(info.stream_id).await?;
            match info.kind {
                StreamKind::Case => check::<Case>(&info, &rows, stored, &mut report.problems),
                StreamKind::Outreach => check::<Outreach>(&info, &rows, stored, &mut report.problems),
            }
        }
    }
    Ok(report)
}

fn problem(stream_id: Uuid, seq: Option<u64>, event_id: Option<Uuid>, e: &dyn Lk3Error) -> Problem {
    let (code, message_en, message_id) = aggregate::describe(e);
    Problem { stream_id, seq, event_id, code, message_en, message_id }
}

fn check<A: Aggregate>(
    info: &StreamInfo,
    rows: &[StoredEvent],
    stored: Option<crate::projection::Projection>,
    out: &mut Vec<Problem>,
) {
    let stream_id = info.stream_id;
    // Decode row by row so that one bad row is one problem, not the end of the check.
    let mut events: Vec<Event<A::Payload>> = Vec::with_capacity(rows.len());
    let mut decodable = true;
    for row in rows {
        match serde_json::from_str::<Event<A::Payload>>(&row.body) {
            Ok(e) => {
                if e.seq != row.seq || e.hash != row.hash || *e.event_id.as_uuid() != row.event_id {
                    let err = StoreError::CorruptRow {
                        stream_id,
                        seq: row.seq,
                        message: "the row's columns disagree with its body".into(),
                    };
                    out.push(problem(stream_id, Some(row.seq), Some(row.event_id), &err));
                }
                events.push(e)
            }
            Err(e) => {
                decodable = false;
                let err = StoreError::CorruptRow { stream_id, seq: row.seq, message: e.to_string() };
                out.push(problem(stream_id, Some(row.seq), Some(row.event_id), &err));
            }
        }
    }
    // With a row missing from the decoded list every later seq would look
    // wrong: the undecodable row is the finding.
    let chain = if decodable { chain_problems(&events, false) } else { Vec::new() };
    // A fold of altered events says nothing about the projection.
    decodable &= chain.is_empty();
    for (_, e) in chain {
        let (seq, event_id) = chain_subject(&e);
        out.push(problem(stream_id, seq, event_id, &e));
    }
    // The stream row records the head: a removed or added last event shows here.
    let head = rows.last().map(|r| r.hash);
    if rows.len() as u64 != info.version || head != Some(info.head_hash) {
        let err = StoreError::HeadMismatch { stream_id, recorded: info.version, found: rows.len() as u64 };
        out.push(problem(stream_id, None, None, &err));
    }
    if decodable {
        let mut state = A::default();
        for e in &events {
            state.apply(e);
        }
        if state.projection() != stored {
            out.push(Problem {
                stream_id,
                seq: None,
                event_id: None,
                code: ErrorCode::ProjectionMismatch.id().to_owned(),
                message_en: format!("stream {stream_id}: the query row disagrees with the fold of its events"),
                message_id: format!("aliran {stream_id}: baris kueri tidak cocok dengan hasil lipatan peristiwanya"),
            });
        }
    }
}

fn chain_subject(e: &lk3_core::event::ChainError) -> (Option<u64>, Option<Uuid>) {
    use lk3_core::event::ChainError as C;
    match e {
        C::SequenceGap { event_id, found, .. } => (Some(*found), Some(*event_id.as_uuid())),
        C::HashMismatch { event_id, seq }
        | C::ChainBroken { event_id, seq }
        | C::StreamMismatch { event_id, seq, .. }
        | C::RuleSetMismatch { event_id, seq } => (Some(*seq), Some(*event_id.as_uuid())),
        _ => (None, None),
    }
}
