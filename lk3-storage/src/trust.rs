//! Seals and trust inside a store ([`lk3_core::seal`]): the key a store
//! seals its append batches with, the seals it keeps, and the public keys it
//! trusts.
//!
//! - A store given a signing key ([`CaseStore::set_signer`]) seals every
//!   batch it appends of the key's unit: the seal signs the stream's head
//!   after the batch and is kept beside the events (`seals`, one row per
//!   sealed head). A batch that arrives sealed (an imported document's seal)
//!   keeps its own seal.
//! - The keys a store trusts are rows of `trusted_keys`: trusting, retiring
//!   and revoking are written once here over two adapter operations. A
//!   revoked key keeps its row (with the time of revocation), so that the
//!   store still shows who was trusted when; it verifies nothing any more.
//! - [`crate::verify::verify`] checks every kept seal against the trusted
//!   keys, and that the last event of every stream is sealed.
//! - A store that starts sealing late seals the heads it already holds with
//!   [`seal_heads`] (`lk3 keys seal`), each stream loaded and re-decided
//!   first: a key vouches only for a history lk3 accepts.

use std::sync::{Arc, RwLock};

use chrono::{DateTime, Utc};
use lk3_core::seal::{KeyId, Seal, SealError, SigningKey, StreamHead, TrustedKey, TrustedKeys, sign};

use crate::error::StoreError;
use crate::model::Batch;
use crate::store::CaseStore;

/// The signing key of a store, shared by its clones and set after opening.
#[derive(Debug, Clone, Default)]
pub struct SignerSlot(Arc<RwLock<Option<Arc<SigningKey>>>>);

impl SignerSlot {
    /// The key, if one is set.
    pub fn get(&self) -> Option<Arc<SigningKey>> {
        self.0.read().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    /// Sets or clears the key.
    pub fn set(&self, key: Option<SigningKey>) {
        *self.0.write().unwrap_or_else(|poisoned| poisoned.into_inner()) = key.map(Arc::new);
    }
}

/// The head of a stream after a batch: what its seal signs.
pub fn batch_head(batch: &Batch) -> Option<StreamHead> {
    batch.events.last().map(|e| StreamHead {
        stream_id: batch.stream_id,
        unit: Some(batch.unit),
        seq: e.seq,
        hash: e.hash,
        occurred_at: e.occurred_at,
    })
}

/// The seal a batch is stored with: its own (an imported document's), else
/// one made with the store's key when the batch is of the key's unit, else
/// none (a store seals only its own unit's streams).
pub fn seal_of_batch(batch: &Batch, signer: Option<&SigningKey>) -> Option<Seal> {
    if batch.seal.is_some() {
        return batch.seal.clone();
    }
    let key = signer.filter(|k| *k.unit() == batch.unit)?;
    batch_head(batch).and_then(|head| sign(&head, key).ok())
}

/// A trusted key as a store keeps it: revoked keys stay, marked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustRecord {
    /// The key, with its retirement if any.
    pub key: TrustedKey,
    /// When it was revoked: from then on it verifies nothing.
    pub revoked_at: Option<DateTime<Utc>>,
}

fn refused(e: SealError) -> StoreError {
    StoreError::Trust { source: Box::new(e) }
}

/// The keys a store trusts now (revoked keys left out).
pub async fn trusted_keys<S: CaseStore + ?Sized>(store: &S) -> Result<TrustedKeys, StoreError> {
    let mut keys = TrustedKeys::new();
    for record in store.trust_records().await?.into_iter().filter(|r| r.revoked_at.is_none()) {
        keys.insert(record.key).map_err(refused)?;
    }
    Ok(keys)
}

/// The keys documents are checked against on import: the trust set given
/// (a trust file), else the keys the store trusts when it has any, else none
/// (seals not checked).
pub async fn trust_for_import<S: CaseStore + ?Sized>(
    store: &S,
    given: Option<&TrustedKeys>,
) -> Result<Option<TrustedKeys>, StoreError> {
    match given {
        Some(t) => Ok(Some(t.clone())),
        None => Ok(Some(trusted_keys(store).await?).filter(|t| !t.is_empty())),
    }
}

/// Trusts a key; returns whether it is new. A key revoked before cannot be
/// trusted again (a lost key stays lost); another key with the same id, or
/// the same key for another unit, is refused.
pub async fn trust_key<S: CaseStore + ?Sized>(store: &S, key: TrustedKey) -> Result<bool, StoreError> {
    let records = store.trust_records().await?;
    // The set's own checks: the id is the key's, one key per id and unit.
    let mut all = TrustedKeys::new();
    for r in &records {
        all.insert(r.key.clone()).map_err(refused)?;
    }
    let new = all.insert(TrustedKey { retired_from: None, ..key.clone() }).map_err(refused)?;
    match records.iter().find(|r| r.key.key_id == key.key_id) {
        Some(r) if r.revoked_at.is_some() => Err(refused(SealError::KeyFile {
            what: "trusted key",
            reason: format!("key {} was revoked and cannot be trusted again", key.key_id),
            reason_id: format!("kunci {} telah dicabut dan tidak dapat dipercaya lagi", key.key_id),
        })),
        Some(_) => Ok(false),
        None => {
            store.put_trust_record(&TrustRecord { key, revoked_at: None }).await?;
            Ok(new)
        }
    }
}

async fn record_of<S: CaseStore + ?Sized>(store: &S, key_id: &KeyId) -> Result<TrustRecord, StoreError> {
    store
        .trust_records()
        .await?
        .into_iter()
        .find(|r| r.key.key_id == *key_id && r.revoked_at.is_none())
        .ok_or_else(|| refused(SealError::Untrusted { key_id: *key_id }))
}

/// Retires a key from `from` on: it still verifies seals over heads that
/// occurred before then (the documents and batches it sealed stay valid).
pub async fn retire_key<S: CaseStore + ?Sized>(
    store: &S,
    key_id: &KeyId,
    from: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut record = record_of(store, key_id).await?;
    record.key.retired_from = Some(from);
    store.put_trust_record(&record).await
}

/// Revokes a key (lost or stolen) at `at`: nothing it sealed verifies any
/// more; its row stays, marked, as the trace of the revocation.
pub async fn revoke_key<S: CaseStore + ?Sized>(store: &S, key_id: &KeyId, at: DateTime<Utc>) -> Result<(), StoreError> {
    let mut record = record_of(store, key_id).await?;
    record.revoked_at = Some(at);
    store.put_trust_record(&record).await
}

/// What [`seal_heads`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SealedHeads {
    /// Streams whose head it sealed.
    pub sealed: u64,
    /// Streams of the key's unit whose head was sealed already.
    pub already: u64,
    /// Streams of other units, left alone.
    pub other_units: u64,
}

/// Seals the head of every stream of `key`'s unit that is not sealed at
/// its last event, each stream first loaded, its chain verified and every
/// event re-decided (a stream that fails is the error, and nothing more is
/// sealed). For a store that starts sealing with streams already in it.
pub async fn seal_heads<S: CaseStore + ?Sized>(store: &S, key: &SigningKey) -> Result<SealedHeads, StoreError> {
    use crate::aggregate::Aggregate;
    use crate::model::StreamKind;
    use crate::store::CaseStoreExt;
    use lk3_core::case::Case;
    use lk3_core::outreach::Outreach;

    async fn head_of<A: Aggregate, S: CaseStore + ?Sized>(store: &S, id: uuid::Uuid) -> Result<StreamHead, StoreError> {
        let loaded = store.load::<A>(id).await?;
        StreamHead::of(loaded.state.unit(), &loaded.events)
            .ok_or_else(|| StoreError::NotFound { what: A::KIND.as_str(), id: id.to_string() })
    }

    let mut done = SealedHeads::default();
    let mut after = None;
    loop {
        let page = store.streams(after, 500).await?;
        let Some(last) = page.last() else { break };
        after = Some(last.stream_id);
        for info in &page {
            if info.unit != *key.unit() {
                done.other_units += 1;
                continue;
            }
            let sealed = store.seals(info.stream_id).await?;
            if sealed.iter().any(|s| s.seq == info.version && s.head_hash == info.head_hash) {
                done.already += 1;
                continue;
            }
            let head = match info.kind {
                StreamKind::Case => head_of::<Case, S>(store, info.stream_id).await?,
                StreamKind::Outreach => head_of::<Outreach, S>(store, info.stream_id).await?,
            };
            let seal =
                sign(&head, key).map_err(|e| StoreError::Seal { stream_id: info.stream_id, source: Box::new(e) })?;
            store.put_seal(&info.unit, info.stream_id, &seal).await?;
            done.sealed += 1;
        }
    }
    Ok(done)
}
