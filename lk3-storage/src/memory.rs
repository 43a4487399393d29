//! The in-memory store: for tests, examples and short-lived tools. Nothing
//! survives the process. One lock serialises writers, so an append is
//! trivially atomic; it is checked in full before anything is changed.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use lk3_core::event::Hash;
use lk3_core::ids::{CaseId, CaseNumber, ClientId, CommandId, OutreachId, UnitCode};
use lk3_core::schema::{ClientMerge, ClientRecord};
use uuid::Uuid;

use crate::StoreError;
use crate::model::{
    AppendDecision, AppendOutcome, Batch, CommandRecord, CursorPosition, EventCursor, ScannedEvent, StoredEvent,
    StreamInfo, decide_append,
};
use crate::personal::{Attachment, Erasure, NewAttachment, NewNote, Note, attachment_digest, new_salt, note_digest};
use crate::projection::{CaseQuery, CaseSummary, ClientConsent, OutreachSummary, Projection};
use crate::rows;
use crate::store::CaseStore;
use crate::trust::{SignerSlot, TrustRecord, seal_of_batch};
use crate::verify::{AuditPage, StoreAudit, StreamAudit, StreamCursor};
use lk3_core::access::{AccessEntry, LoggedAccess};
use lk3_core::seal::{KeyId, Seal, SigningKey};

#[derive(Default)]
struct Inner {
    streams: BTreeMap<Uuid, StreamInfo>,
    events: HashMap<Uuid, Vec<StoredEvent>>,
    commands: HashMap<CommandId, CommandRecord>,
    projections: HashMap<Uuid, Projection>,
    clients: HashMap<(UnitCode, ClientId), ClientRecord>,
    merges: BTreeMap<(UnitCode, ClientId), ClientMerge>,
    partners: BTreeMap<lk3_core::ids::PartnerId, lk3_core::partner::Partner>,
    notes: HashMap<(UnitCode, Hash), Note>,
    attachments: HashMap<(UnitCode, Hash), Attachment>,
    access_log: BTreeMap<UnitCode, Vec<LoggedAccess>>,
    seals: HashMap<Uuid, Vec<Seal>>,
    trust: BTreeMap<KeyId, TrustRecord>,
}

/// A store held in memory.
#[derive(Default)]
pub struct MemoryStore {
    inner: Mutex<Inner>,
    signer: SignerSlot,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while the lock was held cannot leave a half-applied append
        // (appends are checked before they change anything), so go on.
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Inner {
    fn cases(&self) -> impl Iterator<Item = &CaseSummary> {
        self.streams.keys().filter_map(|id| match self.projections.get(id) {
            Some(Projection::Case(c)) => Some(c),
            _ => None,
        })
    }

    /// The case of `unit` numbered `number`, if any.
    fn case_with_number(&self, unit: &UnitCode, number: &CaseNumber) -> Option<Uuid> {
        self.cases().find(|c| c.unit == *unit && c.case_number.as_ref() == Some(number)).map(|c| *c.case_id.as_uuid())
    }
}

#[async_trait]
impl CaseStore for MemoryStore {
    fn backend(&self) -> &'static str {
        "memory"
    }

    fn set_signer(&self, key: Option<SigningKey>) {
        self.signer.set(key)
    }

    fn signer(&self) -> Option<std::sync::Arc<SigningKey>> {
        self.signer.get()
    }

    async fn seals(&self, stream_id: Uuid) -> Result<Vec<Seal>, StoreError> {
        Ok(self.lock().seals.get(&stream_id).cloned().unwrap_or_default())
    }

    async fn put_seal(&self, _unit: &UnitCode, stream_id: Uuid, seal: &Seal) -> Result<(), StoreError> {
        let mut inner = self.lock();
        let seals = inner.seals.entry(stream_id).or_default();
        seals.retain(|s| s.seq != seal.seq);
        seals.push(seal.clone());
        seals.sort_by_key(|s| s.seq);
        Ok(())
    }

    async fn trust_records(&self) -> Result<Vec<TrustRecord>, StoreError> {
        Ok(self.lock().trust.values().cloned().collect())
    }

    async fn put_trust_record(&self, record: &TrustRecord) -> Result<(), StoreError> {
        self.lock().trust.insert(record.key.key_id, record.clone());
        Ok(())
    }

    async fn append_batches(&self, batches: &[Batch]) -> Result<Vec<AppendOutcome>, StoreError> {
        let signer = self.signer.get();
        let mut inner = self.lock();
        // First pass: decide every batch against the heads as the earlier
        // batches of this call leave them; change nothing yet.
        let mut heads: HashMap<Uuid, StreamInfo> = HashMap::new();
        let mut new_commands: HashMap<CommandId, CommandRecord> = HashMap::new();
        let mut numbers: HashMap<(UnitCode, CaseNumber), Uuid> = HashMap::new();
        let mut decisions = Vec::with_capacity(batches.len());
        for batch in batches {
            let head = heads.get(&batch.stream_id).or_else(|| inner.streams.get(&batch.stream_id)).cloned();
            let seen: Vec<Option<CommandRecord>> = batch
                .commands
                .iter()
                .map(|c| inner.commands.get(&c.command_id).or_else(|| new_commands.get(&c.command_id)).copied())
                .collect();
            let decision = decide_append(batch, head.as_ref(), &seen)?;
            if decision == AppendDecision::Write {
                new_commands.extend(batch.command_records());
                if let Projection::Case(CaseSummary { case_number: Some(number), .. }) = &batch.projection {
                    let key = (batch.unit, number.clone());
                    let holder = numbers.get(&key).copied().or_else(|| inner.case_with_number(&batch.unit, number));
                    if holder.is_some_and(|h| h != batch.stream_id) {
                        return Err(StoreError::CaseNumberTaken {
                            unit: batch.unit.to_string(),
                            case_number: number.to_string(),
                        });
                    }
                    numbers.insert(key, batch.stream_id);
                }
                heads.insert(batch.stream_id, batch.stream_after());
            }
            decisions.push(decision);
        }
        // Second pass: apply.
        let mut outcomes = Vec::with_capacity(batches.len());
        for (batch, decision) in batches.iter().zip(decisions) {
            match decision {
                AppendDecision::AlreadyApplied(r) => {
                    let events = inner.events.get(&r.stream_id).map_or(&[][..], |v| v.as_slice());
                    let picked = events.iter().filter(|e| (r.first_seq..=r.last_seq).contains(&e.seq)).cloned();
                    outcomes.push(AppendOutcome::AlreadyApplied { events: picked.collect() });
                }
                AppendDecision::Write => {
                    inner.streams.insert(batch.stream_id, batch.stream_after());
                    inner.events.entry(batch.stream_id).or_default().extend(batch.events.iter().cloned());
                    inner.commands.extend(batch.command_records());
                    inner.projections.insert(batch.stream_id, batch.projection.clone());
                    if let Some(seal) = seal_of_batch(batch, signer.as_deref()) {
                        inner.seals.entry(batch.stream_id).or_default().push(seal);
                    }
                    outcomes.push(AppendOutcome::Written { version: batch.new_version() });
                }
            }
        }
        Ok(outcomes)
    }

    async fn read_stream(&self, stream_id: Uuid) -> Result<Option<(StreamInfo, Vec<StoredEvent>)>, StoreError> {
        let inner = self.lock();
        Ok(inner.streams.get(&stream_id).map(|info| {
            let events = inner.events.get(&stream_id).cloned().unwrap_or_default();
            (info.clone(), events)
        }))
    }

    async fn streams(&self, after: Option<Uuid>, limit: u32) -> Result<Vec<StreamInfo>, StoreError> {
        let inner = self.lock();
        let range = match after {
            Some(a) => inner.streams.range((std::ops::Bound::Excluded(a), std::ops::Bound::Unbounded)),
            None => inner.streams.range(..),
        };
        Ok(range.take(limit as usize).map(|(_, s)| s.clone()).collect())
    }

    async fn command(&self, command_id: CommandId) -> Result<Option<CommandRecord>, StoreError> {
        Ok(self.lock().commands.get(&command_id).copied())
    }

    async fn read_events(&self, stream_id: Uuid, first: u64, last: u64) -> Result<Vec<StoredEvent>, StoreError> {
        let inner = self.lock();
        let events = inner.events.get(&stream_id).map_or(&[][..], |v| v.as_slice());
        Ok(events.iter().filter(|e| (first..=last).contains(&e.seq)).cloned().collect())
    }

    async fn scan_events(
        &self,
        unit: Option<&UnitCode>,
        after: Option<&EventCursor>,
        limit: u32,
    ) -> Result<Vec<ScannedEvent>, StoreError> {
        let inner = self.lock();
        let mut streams: Vec<&StreamInfo> =
            inner.streams.values().filter(|s| unit.is_none_or(|u| *u == s.unit)).collect();
        streams.sort_by(|a, b| (&a.unit, a.stream_id).cmp(&(&b.unit, b.stream_id)));
        let mut out = Vec::new();
        for s in streams {
            for e in inner.events.get(&s.stream_id).map_or(&[][..], |v| v.as_slice()) {
                let position = CursorPosition::Key(s.unit, s.stream_id, e.seq);
                if after.is_some_and(|a| position <= a.0) {
                    continue;
                }
                if out.len() == limit as usize {
                    return Ok(out);
                }
                out.push(ScannedEvent {
                    unit: s.unit,
                    stream_id: s.stream_id,
                    kind: s.kind,
                    seq: e.seq,
                    body: e.body.clone(),
                    cursor: EventCursor(position),
                });
            }
        }
        Ok(out)
    }

    async fn audit_streams(&self, after: Option<&StreamCursor>, limit: u32) -> Result<AuditPage, StoreError> {
        let inner = self.lock();
        let from = match after.map(|a| &a.0) {
            Some(CursorPosition::Key(_, id, _)) => std::ops::Bound::Excluded(*id),
            _ => std::ops::Bound::Unbounded,
        };
        let mut page = AuditPage::default();
        for (id, info) in inner.streams.range((from, std::ops::Bound::Unbounded)).take(limit as usize) {
            let commands: Vec<(&CommandId, &CommandRecord)> =
                inner.commands.iter().filter(|(_, r)| r.stream_id == *id).collect();
            let command_of = |seq: u64| {
                commands.iter().find(|(_, r)| (r.first_seq..=r.last_seq).contains(&seq)).map(|(c, _)| c.to_string())
            };
            let events = inner.events.get(id).map_or(&[][..], |v| v.as_slice());
            page.streams.push(StreamAudit {
                stream: rows::stream_row(info),
                events: events
                    .iter()
                    .map(|e| rows::event_row(&info.unit, *id, &command_of(e.seq).unwrap_or_default(), e))
                    .collect(),
                commands: commands.iter().map(|(c, r)| rows::command_row(&info.unit, &c.to_string(), r)).collect(),
                seals: inner
                    .seals
                    .get(id)
                    .map_or(&[][..], |v| v.as_slice())
                    .iter()
                    .map(|seal| rows::seal_row(&info.unit, *id, seal))
                    .collect(),
                projection: inner.projections.get(id).map(rows::projection_rows).transpose()?.unwrap_or_default(),
            });
            page.next = Some(StreamCursor(CursorPosition::Key(info.unit, *id, 0)));
        }
        Ok(page)
    }

    async fn audit_store(&self) -> Result<StoreAudit, StoreError> {
        // One lock holds everything together: no row can lose its stream,
        // and note salts are not kept, so there is nothing more to compare.
        let inner = self.lock();
        let mut counts: BTreeMap<String, i64> = BTreeMap::new();
        for s in inner.streams.values() {
            *counts.entry(s.unit.to_string()).or_default() += 1;
        }
        let counts: Vec<(rows::Value, rows::Value)> =
            counts.into_iter().map(|(u, n)| (rows::Value::Text(u), rows::Value::Int(n))).collect();
        Ok(StoreAudit { manifest: counts.clone(), stream_counts: counts, ..StoreAudit::default() })
    }

    async fn projection(&self, stream_id: Uuid) -> Result<Option<Projection>, StoreError> {
        Ok(self.lock().projections.get(&stream_id).cloned())
    }

    async fn query_cases(&self, query: &CaseQuery) -> Result<Vec<CaseSummary>, StoreError> {
        let inner = self.lock();
        Ok(inner
            .cases()
            .filter(|c| query.after.is_none_or(|a| c.case_id > a) && query.matches(c))
            .take(query.limit as usize)
            .cloned()
            .collect())
    }

    async fn query_case_ids(&self, query: &CaseQuery) -> Result<Vec<CaseId>, StoreError> {
        Ok(self.query_cases(query).await?.iter().map(|c| c.case_id).collect())
    }

    async fn count_cases(&self, query: &CaseQuery) -> Result<u64, StoreError> {
        Ok(self.lock().cases().filter(|c| query.matches(c)).count() as u64)
    }

    async fn query_outreaches(
        &self,
        unit: &UnitCode,
        period: std::ops::Range<DateTime<Utc>>,
        after: Option<OutreachId>,
        limit: u32,
    ) -> Result<Vec<OutreachSummary>, StoreError> {
        use lk3_core::report::{may_be_active_from, outreach_finished_in_every_rule_set};
        let inner = self.lock();
        Ok(inner
            .streams
            .keys()
            .filter_map(|id| match inner.projections.get(id) {
                Some(Projection::Outreach(o)) => Some(o),
                _ => None,
            })
            .filter(|o| {
                o.unit == *unit
                    && o.reported_at < period.end
                    && may_be_active_from(period.start, o.last_at, outreach_finished_in_every_rule_set(o.state))
                    && after.is_none_or(|a| o.outreach_id > a)
            })
            .take(limit as usize)
            .cloned()
            .collect())
    }

    async fn earlier_clients(
        &self,
        unit: &UnitCode,
        before: DateTime<Utc>,
        among: &[ClientId],
    ) -> Result<Vec<ClientId>, StoreError> {
        let among: std::collections::BTreeSet<&ClientId> = among.iter().collect();
        let earlier = CaseQuery { unit: Some(*unit), active_from: Some(before), ..CaseQuery::default() };
        let found: std::collections::BTreeSet<ClientId> = self
            .lock()
            .cases()
            .filter(|c| c.unit == *unit && !earlier.matches(c))
            .flat_map(|c| c.clients.iter().copied())
            .filter(|k| among.contains(k))
            .collect();
        Ok(found.into_iter().collect())
    }

    async fn read_streams(
        &self,
        unit: &UnitCode,
        stream_ids: &[Uuid],
    ) -> Result<Vec<(Uuid, Vec<StoredEvent>)>, StoreError> {
        let inner = self.lock();
        let found: BTreeMap<Uuid, Vec<StoredEvent>> = stream_ids
            .iter()
            .filter(|id| inner.streams.get(id).is_some_and(|s| s.unit == *unit))
            .filter_map(|id| inner.events.get(id).map(|e| (*id, e.clone())))
            .collect();
        Ok(found.into_iter().collect())
    }

    async fn clients(&self, unit: &UnitCode, clients: &[ClientId]) -> Result<Vec<ClientRecord>, StoreError> {
        let inner = self.lock();
        Ok(clients.iter().filter_map(|c| inner.clients.get(&(*unit, *c)).cloned()).collect())
    }

    async fn merge_clients(&self, merge: &ClientMerge) -> Result<(), StoreError> {
        let mut inner = self.lock();
        let present = |id| inner.clients.contains_key(&(merge.unit, id));
        let into_merged_away = inner.merges.contains_key(&(merge.unit, merge.into));
        crate::registry::merge_check(merge, present(merge.merged), present(merge.into), into_merged_away)?;
        inner.clients.remove(&(merge.unit, merge.merged));
        inner.merges.insert((merge.unit, merge.merged), *merge);
        Ok(())
    }

    async fn client_merges(&self, unit: &UnitCode) -> Result<Vec<ClientMerge>, StoreError> {
        Ok(self.lock().merges.iter().filter(|((u, _), _)| u == unit).map(|(_, m)| *m).collect())
    }

    async fn registry(&self, unit: &UnitCode) -> Result<Vec<ClientRecord>, StoreError> {
        let inner = self.lock();
        let mut records: Vec<ClientRecord> =
            inner.clients.iter().filter(|((u, _), _)| u == unit).map(|(_, r)| r.clone()).collect();
        records.sort_by_key(|r| r.client_id);
        Ok(records)
    }

    async fn units(&self) -> Result<Vec<UnitCode>, StoreError> {
        let units: std::collections::BTreeSet<UnitCode> = self.lock().streams.values().map(|s| s.unit).collect();
        Ok(units.into_iter().collect())
    }

    async fn client_consents(&self, unit: &UnitCode, client: ClientId) -> Result<Vec<ClientConsent>, StoreError> {
        let inner = self.lock();
        Ok(inner
            .cases()
            .filter(|c| c.unit == *unit)
            .flat_map(|c| {
                c.consents
                    .iter()
                    .filter(|k| k.subject == client)
                    .map(|k| ClientConsent { case_id: c.case_id, consent: k.clone() })
            })
            .collect())
    }

    async fn partners(&self, unit: Option<&UnitCode>) -> Result<Vec<lk3_core::partner::Partner>, StoreError> {
        Ok(self.lock().partners.values().filter(|p| unit.is_none_or(|u| &p.unit == u)).cloned().collect())
    }

    async fn put_partners(&self, partners: &[lk3_core::partner::Partner]) -> Result<(), StoreError> {
        let mut inner = self.lock();
        for p in partners {
            inner.partners.insert(p.partner_id, p.clone());
        }
        Ok(())
    }

    async fn put_client(&self, record: &ClientRecord) -> Result<(), StoreError> {
        self.lock().clients.insert((record.unit, record.client_id), record.clone());
        Ok(())
    }

    async fn client(&self, unit: &UnitCode, client: ClientId) -> Result<Option<ClientRecord>, StoreError> {
        Ok(self.lock().clients.get(&(*unit, client)).cloned())
    }

    async fn put_note(&self, note: &NewNote) -> Result<Hash, StoreError> {
        let digest = note_digest(&new_salt(), &note.text);
        let stored = Note {
            digest,
            case_id: note.case_id,
            subjects: note.subjects.clone(),
            sensitivity: note.sensitivity,
            text: Some(note.text.clone()),
            erased_at: None,
        };
        self.lock().notes.insert((note.unit, digest), stored);
        Ok(digest)
    }

    async fn note(&self, unit: &UnitCode, digest: Hash) -> Result<Option<Note>, StoreError> {
        Ok(self.lock().notes.get(&(*unit, digest)).cloned())
    }

    async fn put_attachment(&self, attachment: &NewAttachment) -> Result<Hash, StoreError> {
        attachment.check()?;
        let digest = attachment_digest(&new_salt(), &attachment.content);
        let stored = Attachment {
            digest,
            case_id: attachment.case_id,
            subjects: attachment.subjects.clone(),
            kind: attachment.kind,
            content_type: attachment.content_type,
            bytes: attachment.content.len() as u64,
            sensitivity: attachment.sensitivity,
            content: Some(attachment.content.clone()),
            erased_at: None,
        };
        self.lock().attachments.insert((attachment.unit, digest), stored);
        Ok(digest)
    }

    async fn attachment(&self, unit: &UnitCode, digest: Hash) -> Result<Option<Attachment>, StoreError> {
        Ok(self.lock().attachments.get(&(*unit, digest)).cloned())
    }

    async fn log_access(&self, entry: &AccessEntry) -> Result<LoggedAccess, StoreError> {
        let mut inner = self.lock();
        let log = inner.access_log.entry(entry.unit).or_default();
        let previous = log.last().map(|l| l.hash).unwrap_or_default();
        let logged = LoggedAccess { seq: log.len() as u64 + 1, entry: entry.clone(), hash: entry.hash(&previous) };
        log.push(logged.clone());
        Ok(logged)
    }

    async fn access_log(&self, unit: &UnitCode, client: Option<ClientId>) -> Result<Vec<LoggedAccess>, StoreError> {
        let inner = self.lock();
        let log = inner.access_log.get(unit).map(Vec::as_slice).unwrap_or_default();
        Ok(log.iter().filter(|l| client.is_none_or(|c| l.entry.clients.contains(&c))).cloned().collect())
    }

    async fn erase_client(&self, unit: &UnitCode, client: ClientId, at: DateTime<Utc>) -> Result<Erasure, StoreError> {
        let mut inner = self.lock();
        let identity_removed = inner.clients.remove(&(*unit, client)).is_some();
        let mut notes_erased = 0;
        for ((u, _), note) in inner.notes.iter_mut() {
            if u == unit && note.text.is_some() && note.subjects.contains(&client) {
                note.text = None;
                note.erased_at = Some(at);
                notes_erased += 1;
            }
        }
        let mut attachments_erased = 0;
        for ((u, _), attachment) in inner.attachments.iter_mut() {
            if u == unit && attachment.content.is_some() && attachment.subjects.contains(&client) {
                attachment.content = None;
                attachment.erased_at = Some(at);
                attachments_erased += 1;
            }
        }
        Ok(Erasure { identity_removed, notes_erased, attachments_erased })
    }
}
