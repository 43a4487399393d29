//! Export and import of streams as the JSON documents of `lk3-core`'s
//! schemas (`lk3.case`, `lk3.outreach`). An exported document imported into
//! another store exports to the same bytes.

use std::collections::BTreeMap;

use lk3_core::case::{Case, CaseEvent};
use lk3_core::event::Hash;
use lk3_core::ids::UnitCode;
use lk3_core::outreach::Outreach;
use lk3_core::seal::{Seal, SigningKey, StreamHead, TrustedKeys, sign, verify};
use lk3_core::validate::{Limits, StreamDocument, validate_stream};
use serde::Deserialize;
use uuid::Uuid;

use crate::aggregate::{self, Aggregate};
use crate::error::StoreError;
use crate::model::{AppendOutcome, Batch, StoredEvent, StreamInfo, StreamKind};
use crate::projection::Projection;
use crate::store::{CaseStore, CaseStoreExt};

/// A stream's export document: pretty JSON ending in a newline, the form
/// `lk3 demo --export` writes.
pub async fn export_stream<S: CaseStore + ?Sized>(
    store: &S,
    kind: StreamKind,
    stream_id: Uuid,
) -> Result<String, StoreError> {
    export_stream_sealed(store, kind, stream_id, None).await
}

/// [`export_stream`], sealed with a unit's key when one is given: the
/// document's `seal` signs its last event ([`lk3_core::seal::sign`]). A
/// stream of another unit than the key's is refused ([`StoreError::Seal`]).
/// Without a key, the document carries the seal the store keeps over the
/// stream's last event, if any ([`crate::trust`]).
pub async fn export_stream_sealed<S: CaseStore + ?Sized>(
    store: &S,
    kind: StreamKind,
    stream_id: Uuid,
    key: Option<&SigningKey>,
) -> Result<String, StoreError> {
    match kind {
        StreamKind::Case => render::<Case, _>(store, stream_id, key).await,
        StreamKind::Outreach => render::<Outreach, _>(store, stream_id, key).await,
    }
}

async fn render<A: Aggregate, S: CaseStore + ?Sized>(
    store: &S,
    stream_id: Uuid,
    key: Option<&SigningKey>,
) -> Result<String, StoreError> {
    let loaded = store.load::<A>(stream_id).await?;
    let seal = key.map_or(SealWith::Kept, SealWith::Key);
    Ok(render_loaded(store, stream_id, loaded, seal).await?.0)
}

/// The seal a rendered document carries.
#[derive(Clone, Copy)]
enum SealWith<'a> {
    /// A new one, by this key.
    Key(&'a SigningKey),
    /// The one the store keeps over the head, if any.
    Kept,
    /// None.
    Nothing,
}

/// A loaded stream's export document, and its seal with the head the seal
/// is over, if it has one.
async fn render_loaded<A: Aggregate, S: CaseStore + ?Sized>(
    store: &S,
    stream_id: Uuid,
    loaded: aggregate::Loaded<A>,
    with: SealWith<'_>,
) -> Result<(String, Option<(Seal, StreamHead)>), StoreError> {
    let head = StreamHead::of(loaded.state.unit(), &loaded.events);
    let seal = match (with, &head) {
        (SealWith::Key(key), Some(head)) => {
            Some(sign(head, key).map_err(|e| StoreError::Seal { stream_id, source: Box::new(e) })?)
        }
        (SealWith::Kept, Some(head)) => {
            store.seals(stream_id).await?.into_iter().rev().find(|s| s.seq == head.seq && s.head_hash == head.hash)
        }
        _ => None,
    };
    let sealed = seal.clone().zip(head);
    let doc = loaded.state.sealed_document(loaded.events, seal);
    let mut json = serde_json::to_string_pretty(&doc).map_err(|e| StoreError::CorruptRow {
        stream_id,
        seq: 0,
        message: e.to_string(),
    })?;
    json.push('\n');
    Ok((json, sealed))
}

/// The stream a document names, read without judging the document: its
/// kind, unit, id and head, as its header states them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Named {
    kind: StreamKind,
    unit: UnitCode,
    stream_id: Uuid,
    version: u64,
    last_hash: Hash,
    /// Whether it carries a seal.
    sealed: bool,
}

impl Named {
    /// `None` for anything that does not read as a case or outreach
    /// document's header (the full check then says what is wrong).
    fn of(bytes: &[u8]) -> Option<Named> {
        #[derive(Deserialize)]
        struct Header {
            case_id: Option<Uuid>,
            outreach_id: Option<Uuid>,
            unit: Option<UnitCode>,
            version: u64,
            last_hash: Hash,
        }
        #[derive(Deserialize)]
        struct Document {
            document: String,
            case: Option<Header>,
            outreach: Option<Header>,
            seal: Option<serde::de::IgnoredAny>,
        }
        let doc: Document = serde_json::from_slice(bytes).ok()?;
        let (kind, header) = match doc.document.as_str() {
            "lk3.case" => (StreamKind::Case, doc.case?),
            "lk3.outreach" => (StreamKind::Outreach, doc.outreach?),
            _ => return None,
        };
        let stream_id = match kind {
            StreamKind::Case => header.case_id?,
            StreamKind::Outreach => header.outreach_id?,
        };
        Some(Named {
            kind,
            unit: header.unit?,
            stream_id,
            version: header.version,
            last_hash: header.last_hash,
            sealed: doc.seal.is_some(),
        })
    }
}

/// Which of `documents` the store already holds exactly as they are: each
/// is, byte for byte, the document the store exports for the stream it
/// names, with the seal the store keeps (which, with a trust set, must
/// verify against it), or with none when it carries none and no trust set
/// is given (no seal is asked for then, and an import writes none).
/// Importing such a document again would write nothing, so it need not be
/// judged again: it is the store's own stream, judged when it was written
/// and loaded (chain and rules checked) to be compared.
/// Anything else is `false`, for [`import_batch_trusted`] to judge in full:
/// a stream the store does not hold or holds at another head, a document
/// laid out otherwise (another program's export), over `limits`, or that
/// does not read.
///
/// A re-import of an export is a fast no-op this way: the streams are read
/// in one query per unit, and no document is validated.
pub async fn held_as_they_are<S: CaseStore + ?Sized>(
    store: &S,
    documents: &[&[u8]],
    limits: &Limits,
    trust: Option<&TrustedKeys>,
) -> Result<Vec<bool>, StoreError> {
    let named: Vec<Option<Named>> =
        documents.iter().map(|bytes| if bytes.len() > limits.max_bytes { None } else { Named::of(bytes) }).collect();
    let mut by_unit: BTreeMap<UnitCode, Vec<Uuid>> = BTreeMap::new();
    for n in named.iter().flatten() {
        by_unit.entry(n.unit).or_default().push(n.stream_id);
    }
    let mut held = vec![false; documents.len()];
    for (unit, ids) in by_unit {
        let found: BTreeMap<Uuid, Vec<StoredEvent>> = store.read_streams(&unit, &ids).await?.into_iter().collect();
        for ((n, bytes), held) in named.iter().zip(documents).zip(held.iter_mut()) {
            let Some(n) = n.filter(|n| n.unit == unit) else { continue };
            let Some(rows) = found.get(&n.stream_id) else { continue };
            if rows.last().is_none_or(|last| last.seq != n.version || last.hash != n.last_hash) {
                continue;
            }
            *held = match n.kind {
                StreamKind::Case => is_export::<Case, _>(store, &n, rows, bytes, trust).await?,
                StreamKind::Outreach => is_export::<Outreach, _>(store, &n, rows, bytes, trust).await?,
            };
        }
    }
    Ok(held)
}

/// Whether `bytes` are the export of the stored stream `rows`.
async fn is_export<A: Aggregate, S: CaseStore + ?Sized>(
    store: &S,
    named: &Named,
    rows: &[StoredEvent],
    bytes: &[u8],
    trust: Option<&TrustedKeys>,
) -> Result<bool, StoreError> {
    let info = StreamInfo {
        unit: named.unit,
        stream_id: named.stream_id,
        kind: A::KIND,
        version: named.version,
        head_hash: named.last_hash,
    };
    // A stream that does not load clean is for the full check (and `verify`) to judge.
    let Ok(loaded) = aggregate::load::<A>(&info, rows) else { return Ok(false) };
    // An unsealed document, where no seal is asked for, is compared unsealed: no read of seals.
    let with = if named.sealed || trust.is_some() { SealWith::Kept } else { SealWith::Nothing };
    let (json, sealed) = render_loaded(store, named.stream_id, loaded, with).await?;
    Ok(json.as_bytes() == bytes
        && match (trust, sealed) {
            (None, _) => true,
            (Some(trust), Some((seal, head))) => verify(&seal, &head, trust).is_ok(),
            (Some(_), None) => false,
        })
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

/// A document checked and turned into a batch, ready to append. A seal is
/// not checked here (see [`import_batch_trusted`]) but kept with the events,
/// for `verify` to check against the store's trusted keys.
pub fn import_batch(name: &str, bytes: &[u8], limits: &Limits) -> Result<Batch, StoreError> {
    import_batch_trusted(name, bytes, limits, None)
}

/// [`import_batch`], and with a trust set the document must carry a seal
/// that verifies against it: an unsigned document, or one sealed by a key
/// the set does not trust, is refused with the seal's code.
pub fn import_batch_trusted(
    name: &str,
    bytes: &[u8],
    limits: &Limits,
    trust: Option<&TrustedKeys>,
) -> Result<Batch, StoreError> {
    let refuse = |reason: String| StoreError::ImportRejected {
        source_name: name.to_owned(),
        reason_id: format!("dokumen tidak dapat dipakai: {reason}"),
        reason,
    };
    // Read, decided and hashed once: the validator hands on what it read.
    let (report, stream) = validate_stream(bytes, limits, trust);
    if let Some(f) = report.errors().next() {
        return Err(StoreError::ImportRejected {
            source_name: name.to_owned(),
            reason: format!("{} at {:?}: {}", f.code, f.pointer, f.message_en),
            reason_id: format!("{} pada {:?}: {}", f.code, f.pointer, f.message_id),
        });
    }
    match stream {
        Some(StreamDocument::Case(read)) => aggregate::encode_read(*read).map_err(|e| refuse(e.to_string())),
        Some(StreamDocument::Outreach(read)) => aggregate::encode_read(*read).map_err(|e| refuse(e.to_string())),
        // Valid, yet not handed on: only a seal the schema let through and that does not read.
        _ if matches!(report.document.as_deref(), Some("case" | "outreach")) => {
            Err(refuse("the document's seal cannot be read".to_owned()))
        }
        _ => Err(refuse(format!("a {} document is not a stream", report.document.as_deref().unwrap_or("unknown")))),
    }
}

/// Imports documents in one transaction: all of them or, on any error,
/// none. A document whose stream is already in the store from the same
/// first command is counted as present and not written again. The partners
/// a case names are checked as history against its unit's network, when the
/// store holds one ([`crate::partners`]).
pub async fn import_documents<S: CaseStore + ?Sized>(store: &S, batches: &[Batch]) -> Result<ImportReport, StoreError> {
    let mut directories = std::collections::BTreeMap::new();
    for batch in batches.iter().filter(|b| b.kind == StreamKind::Case) {
        if let std::collections::btree_map::Entry::Vacant(e) = directories.entry(batch.unit) {
            let directory = store.partner_directory(Some(&batch.unit)).await?;
            e.insert(directory);
        }
        // A case that never left its unit is checked only if that unit has a network.
        let transferred = matches!(&batch.projection, Projection::Case(c) if !c.transfers.is_empty());
        if !transferred && directories.get(&batch.unit).is_none_or(|d| d.is_empty()) {
            continue;
        }
        let events = aggregate::decode::<CaseEvent>(batch.stream_id, &batch.events)?;
        let references = Case::default().partner_references_in(&events);
        crate::partners::check_references(
            store,
            batch.stream_id,
            &references,
            lk3_core::partner::ReferenceCheck::Recorded,
            &mut directories,
        )
        .await?;
    }
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
