//! Export and import of streams as the JSON documents of `lk3-core`'s
//! schemas (`lk3.case`, `lk3.outreach`). An exported document imported into
//! another store exports to the same bytes.

use lk3_core::case::{Case, CaseEvent};
use lk3_core::event::Event;
use lk3_core::outreach::{Outreach, OutreachEvent};
use lk3_core::validate::{Limits, Severity, validate};
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::aggregate::{self, Aggregate};
use crate::error::StoreError;
use crate::model::{AppendOutcome, Batch, StreamKind};
use crate::store::{CaseStore, CaseStoreExt};

/// A stream's export document: pretty JSON ending in a newline, the form
/// `lk3 demo --export` writes.
pub async fn export_stream<S: CaseStore + ?Sized>(
    store: &S,
    kind: StreamKind,
    stream_id: Uuid,
) -> Result<String, StoreError> {
    match kind {
        StreamKind::Case => render::<Case, _>(store, stream_id).await,
        StreamKind::Outreach => render::<Outreach, _>(store, stream_id).await,
    }
}

async fn render<A: Aggregate, S: CaseStore + ?Sized>(store: &S, stream_id: Uuid) -> Result<String, StoreError> {
    let loaded = store.load::<A>(stream_id).await?;
    let doc = loaded.state.document(loaded.events);
    let mut json = serde_json::to_string_pretty(&doc).map_err(|e| StoreError::CorruptRow {
        stream_id,
        seq: 0,
        message: e.to_string(),
    })?;
    json.push('\n');
    Ok(json)
}

/// What [`import_documents`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Streams written.
    pub imported: u64,
    /// Streams already in the store with the same first command (a re-import).
    pub already_present: u64,
    /// Events written.
    pub events: u64,
}

/// A document checked and turned into a batch, ready to append.
pub fn import_batch(name: &str, bytes: &[u8], limits: &Limits) -> Result<Batch, StoreError> {
    let refuse = |reason: String| StoreError::ImportRejected {
        source_name: name.to_owned(),
        reason_id: format!("dokumen tidak dapat dipakai: {reason}"),
        reason,
    };
    let report = validate(bytes, None, limits);
    if let Some(f) = report.findings.iter().find(|f| f.severity == Severity::Error) {
        return Err(StoreError::ImportRejected {
            source_name: name.to_owned(),
            reason: format!("{} at {:?}: {}", f.code, f.pointer, f.message_en),
            reason_id: format!("{} pada {:?}: {}", f.code, f.pointer, f.message_id),
        });
    }
    match report.document.as_deref() {
        Some("case") => batch_of::<Case, CaseEvent>(bytes).map_err(refuse),
        Some("outreach") => batch_of::<Outreach, OutreachEvent>(bytes).map_err(refuse),
        other => Err(refuse(format!("a {} document is not a stream", other.unwrap_or("unknown")))),
    }
}

fn batch_of<A: Aggregate<Payload = P>, P: DeserializeOwned>(bytes: &[u8]) -> Result<Batch, String> {
    #[derive(serde::Deserialize)]
    struct Events<P> {
        events: Vec<Event<P>>,
    }
    let doc: Events<P> = lk3_core::json::from_slice(bytes, "a document's events").map_err(|e| e.to_string())?;
    aggregate::encode(&A::default(), &doc.events).map(|(batch, _)| batch).map_err(|e| e.to_string())
}

/// Imports documents in one transaction: all of them or, on any error,
/// none. A document whose stream is already in the store from the same
/// first command is counted as present and not written again.
pub async fn import_documents<S: CaseStore + ?Sized>(store: &S, batches: &[Batch]) -> Result<ImportReport, StoreError> {
    let outcomes = store.append_batches(batches).await?;
    let mut report = ImportReport::default();
    for (batch, outcome) in batches.iter().zip(outcomes) {
        match outcome {
            AppendOutcome::Written { .. } => {
                report.imported += 1;
                report.events += batch.events.len() as u64;
            }
            AppendOutcome::AlreadyApplied { .. } => report.already_present += 1,
        }
    }
    Ok(report)
}
