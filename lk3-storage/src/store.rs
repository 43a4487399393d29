//! The `CaseStore` trait every adapter implements, and `CaseStoreExt`, the
//! typed operations written once on top of it (load, append, execute).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use lk3_core::CommandContext;
use lk3_core::case::Case;
use lk3_core::event::{Event, Hash};
use lk3_core::ids::{CaseId, ClientId, CommandId, OutreachId, UnitCode};
use lk3_core::outreach::Outreach;
use lk3_core::partner::{Partner, PartnerDirectory, ReferenceCheck};
use lk3_core::schema::{ClientMerge, ClientRecord};
use lk3_core::seal::{Seal, SigningKey};
use std::sync::Arc;
use uuid::Uuid;

use crate::aggregate::{self, Aggregate, Loaded};
use crate::error::StoreError;
use crate::model::{
    AppendOutcome, Batch, CommandRecord, EventCursor, Fingerprint, ScannedEvent, StoredEvent, StreamInfo,
};
use crate::personal::{Attachment, Erasure, NewAttachment, NewNote, Note};
use crate::projection::{CaseQuery, CaseSummary, ClientConsent, OutreachSummary, Projection};
use crate::trust::TrustRecord;
use crate::verify::{AuditPage, StoreAudit, StreamCursor};
use lk3_core::access::{AccessEntry, AccessRequest, LoggedAccess};

/// Where LK3 streams, their projections and personal data are kept.
///
/// Adapters implement these storage operations; the typed ones
/// ([`CaseStoreExt`]) are written once on top. Every method is one
/// transaction or a consistent read: nothing is ever half-written.
#[async_trait]
pub trait CaseStore: Send + Sync {
    /// The backend's name (`memory`, `sqlite`, `postgres`).
    fn backend(&self) -> &'static str;

    /// Closes the store's connections: SQLite checkpoints its WAL into the
    /// file and removes the `-wal` and `-shm` files. Using the store after
    /// this is an error ([`StoreError::Unavailable`]).
    async fn close(&self) {}

    /// Seals every batch appended from now on of `key`'s unit with `key`
    /// (`None`: seals no more). See [`crate::trust`].
    fn set_signer(&self, key: Option<SigningKey>);

    /// The key this store seals its batches with, if any.
    fn signer(&self) -> Option<Arc<SigningKey>>;

    /// The seals kept of a stream, in seq order (see [`crate::trust`]).
    async fn seals(&self, stream_id: Uuid) -> Result<Vec<Seal>, StoreError>;

    /// Keeps a seal over a stream's event `seal.seq` made outside an append
    /// ([`crate::trust::seal_heads`]); the caller has checked it.
    async fn put_seal(&self, unit: &UnitCode, stream_id: Uuid, seal: &Seal) -> Result<(), StoreError>;

    /// Every trusted key the store records, revoked ones too, by key id.
    async fn trust_records(&self) -> Result<Vec<TrustRecord>, StoreError>;

    /// Adds or replaces a trusted key's record (the rules of trusting,
    /// retiring and revoking are [`crate::trust`]'s).
    async fn put_trust_record(&self, record: &TrustRecord) -> Result<(), StoreError>;

    /// Appends every batch in one transaction, each continuing its stream
    /// at its `expected_version` and updating its projection. A batch whose
    /// command id was already appended to the same stream writes nothing and
    /// returns the first events ([`AppendOutcome::AlreadyApplied`]). Fails
    /// whole, writing nothing, with [`StoreError::VersionConflict`] when a
    /// stream moved on, [`StoreError::CommandIdReused`] for a command id of
    /// another stream, [`StoreError::BatchRejected`] when the first event
    /// does not chain to the stream's head.
    async fn append_batches(&self, batches: &[Batch]) -> Result<Vec<AppendOutcome>, StoreError>;

    /// A stream's row and its events up to that row's version (a consistent
    /// read: events appended meanwhile are not included).
    async fn read_stream(&self, stream_id: Uuid) -> Result<Option<(StreamInfo, Vec<StoredEvent>)>, StoreError>;

    /// Stream rows in stream id order, after `after`, at most `limit`.
    async fn streams(&self, after: Option<Uuid>, limit: u32) -> Result<Vec<StreamInfo>, StoreError>;

    /// Where a command id was appended, if it was.
    async fn command(&self, command_id: CommandId) -> Result<Option<CommandRecord>, StoreError>;

    /// Events `first..=last` of a stream.
    async fn read_events(&self, stream_id: Uuid, first: u64, last: u64) -> Result<Vec<StoredEvent>, StoreError>;

    /// Events of every stream (of `unit`, if given), a page of at most
    /// `limit` after `after` (the last event's `cursor`): the bulk read behind
    /// tables and analyses. Each event comes once, a stream's in seq order;
    /// the order across streams is the adapter's cheapest (see
    /// [`EventCursor`]). Rows come as stored; `verify` is what checks them.
    async fn scan_events(
        &self,
        unit: Option<&UnitCode>,
        after: Option<&EventCursor>,
        limit: u32,
    ) -> Result<Vec<ScannedEvent>, StoreError>;

    /// A page of at most `limit` streams after `after`, each with every row
    /// stored of it, read as stored and in one snapshot, for
    /// [`crate::verify::verify`] (a damaged row is a finding, not an error).
    async fn audit_streams(&self, after: Option<&StreamCursor>, limit: u32) -> Result<AuditPage, StoreError>;

    /// The store-wide checks of [`crate::verify::verify`], in one snapshot.
    async fn audit_store(&self) -> Result<StoreAudit, StoreError>;

    /// The stored projection of a stream.
    async fn projection(&self, stream_id: Uuid) -> Result<Option<Projection>, StoreError>;

    /// Case summaries matching a query, a page at a time.
    async fn query_cases(&self, query: &CaseQuery) -> Result<Vec<CaseSummary>, StoreError>;

    /// The ids of the cases matching a query, a page at a time, in the order
    /// of [`CaseStore::query_cases`]: what a caller that reads the events
    /// anyway needs, without the summaries.
    async fn query_case_ids(&self, query: &CaseQuery) -> Result<Vec<CaseId>, StoreError>;

    /// How many cases match a query (cursor and limit ignored).
    async fn count_cases(&self, query: &CaseQuery) -> Result<u64, StoreError>;

    /// The summaries of `unit`'s outreaches that may be active in `period`:
    /// reported before its end, and written to since its start or not
    /// finished ([`lk3_core::report::may_be_active_from`]); a page of at most
    /// `limit` after `after`, in outreach id order.
    async fn query_outreaches(
        &self,
        unit: &UnitCode,
        period: std::ops::Range<DateTime<Utc>>,
        after: Option<OutreachId>,
        limit: u32,
    ) -> Result<Vec<OutreachSummary>, StoreError>;

    /// Which of `among` are clients of a case of `unit` that is finished and
    /// was last written before `before` (so not active from then on,
    /// [`CaseQuery::active_from`]): the clients a report of a period starting
    /// at `before` counts as served before it. In client id order.
    async fn earlier_clients(
        &self,
        unit: &UnitCode,
        before: DateTime<Utc>,
        among: &[ClientId],
    ) -> Result<Vec<ClientId>, StoreError>;

    /// The events of many streams of `unit` in one read (as stored; a
    /// report's bulk read), in stream id order, each stream's in seq order;
    /// streams not found, or of another unit, are left out.
    async fn read_streams(
        &self,
        unit: &UnitCode,
        stream_ids: &[Uuid],
    ) -> Result<Vec<(Uuid, Vec<StoredEvent>)>, StoreError>;

    /// The registry records of many clients of `unit` in one read (erased or
    /// unknown clients are left out).
    async fn clients(&self, unit: &UnitCode, clients: &[ClientId]) -> Result<Vec<ClientRecord>, StoreError>;

    /// Merges registry record `merge.merged` into `merge.into`, both of
    /// `merge.unit`, in one transaction: the merge is recorded (checked,
    /// never deleted) and the merged record leaves the registry. Events are
    /// not touched. Refused when either record is missing (`NotFound`), or
    /// when they are one record or `into` was itself merged away
    /// (`MergeRefused`).
    async fn merge_clients(&self, merge: &ClientMerge) -> Result<(), StoreError>;

    /// The merges of `unit`'s registry, in merged id order.
    async fn client_merges(&self, unit: &UnitCode) -> Result<Vec<ClientMerge>, StoreError>;

    /// Every registry record of `unit`, in client id order (what a lookup
    /// searches: [`crate::registry`]).
    async fn registry(&self, unit: &UnitCode) -> Result<Vec<ClientRecord>, StoreError>;

    /// The units the store holds streams of, in order.
    async fn units(&self) -> Result<Vec<UnitCode>, StoreError>;

    /// Every consent recorded for a client in the unit's cases.
    async fn client_consents(&self, unit: &UnitCode, client: ClientId) -> Result<Vec<ClientConsent>, StoreError>;

    /// The partners of a unit's network (of every unit with `None`), in id
    /// order ([`crate::partners`]).
    async fn partners(&self, unit: Option<&UnitCode>) -> Result<Vec<Partner>, StoreError>;

    /// Writes partners, each replacing the row of its id, in one
    /// transaction. Unchecked: [`CaseStoreExt::import_partners`] checks them.
    async fn put_partners(&self, partners: &[Partner]) -> Result<(), StoreError>;

    /// Adds or replaces a client's identity in the registry.
    async fn put_client(&self, record: &ClientRecord) -> Result<(), StoreError>;

    /// A client's identity, if held (not after erasure). An adapter's
    /// primitive, neither judged nor logged: applications read identities
    /// with [`CaseStoreExt::read_client`].
    async fn client(&self, unit: &UnitCode, client: ClientId) -> Result<Option<ClientRecord>, StoreError>;

    /// Stores a note's text and returns its digest, for the event to hold.
    async fn put_note(&self, note: &NewNote) -> Result<Hash, StoreError>;

    /// A note by digest; its text is `None` once erased. An adapter's
    /// primitive, neither judged nor logged: applications read notes with
    /// [`CaseStoreExt::read_note`].
    async fn note(&self, unit: &UnitCode, digest: Hash) -> Result<Option<Note>, StoreError>;

    /// Stores an attachment, once [`NewAttachment::check`] passes, and
    /// returns its digest, for the event to hold.
    async fn put_attachment(&self, attachment: &NewAttachment) -> Result<Hash, StoreError>;

    /// An attachment by digest; its content is `None` once erased. An
    /// adapter's primitive, neither judged nor logged: applications read
    /// attachments with [`CaseStoreExt::read_attachment`].
    async fn attachment(&self, unit: &UnitCode, digest: Hash) -> Result<Option<Attachment>, StoreError>;

    /// Adds an entry to the end of its unit's access log, linked to the
    /// entry before it, and returns it as logged. Entries are never changed
    /// or removed.
    async fn log_access(&self, entry: &AccessEntry) -> Result<LoggedAccess, StoreError>;

    /// A unit's access log in order, every entry with its link (only the
    /// entries about `client` when given: [`lk3_core::access::verify_log`]
    /// needs the whole log).
    async fn access_log(&self, unit: &UnitCode, client: Option<ClientId>) -> Result<Vec<LoggedAccess>, StoreError>;

    /// Erases a person (UU 27/2022): their identity record, the text of
    /// every note and the bytes of every attachment about them. Events keep
    /// only ids and digests, so every chain still verifies; the access log
    /// keeps only ids and digests too, and stays. Erasing twice is not an error.
    async fn erase_client(&self, unit: &UnitCode, client: ClientId, at: DateTime<Utc>) -> Result<Erasure, StoreError>;
}

/// A command's events as the store holds them.
#[derive(Debug, Clone)]
pub struct Executed<A: Aggregate> {
    /// The events of the command (of its first run when `replayed`).
    pub events: Vec<Event<A::Payload>>,
    /// True when the command id had been appended before: nothing new was written.
    pub replayed: bool,
    /// The stream's fold after the events, when they were written now
    /// (`None` when `replayed`: the stream may have moved on since its
    /// first run).
    pub state: Option<A>,
}

/// The typed operations every store has: load and verify a stream, append
/// decided events, execute a command (load, decide, append).
#[async_trait]
pub trait CaseStoreExt: CaseStore {
    /// Loads a stream, verifies its chain and head, and folds it.
    async fn load<A: Aggregate>(&self, stream_id: Uuid) -> Result<Loaded<A>, StoreError> {
        match self.read_stream(stream_id).await? {
            Some((info, rows)) if info.kind == A::KIND => aggregate::load(&info, &rows),
            _ => Err(StoreError::NotFound { what: A::KIND.as_str(), id: stream_id.to_string() }),
        }
    }

    /// Loads a case.
    async fn load_case(&self, case_id: CaseId) -> Result<Loaded<Case>, StoreError> {
        self.load(*case_id.as_uuid()).await
    }

    /// Loads an outreach.
    async fn load_outreach(&self, outreach_id: OutreachId) -> Result<Loaded<Outreach>, StoreError> {
        self.load(*outreach_id.as_uuid()).await
    }

    /// Appends events decided against `before` (the stream's state they
    /// continue) and returns the events the store holds for their command:
    /// these, or the first run's when the same events were appended before
    /// under their command id. The events are the command's fingerprint here
    /// (see [`Fingerprint`]); [`CaseStoreExt::execute`] keeps the command's.
    async fn append<A: Aggregate>(&self, before: &A, events: &[Event<A::Payload>]) -> Result<Executed<A>, StoreError> {
        append_batch(self, before, events, None, ReferenceCheck::Recorded).await
    }

    /// [`CaseStoreExt::append`] for the events `decide` just gave a new
    /// command (a caller that decides against a version it chose): the
    /// partners they name are judged as a command's
    /// ([`ReferenceCheck::New`]), as [`CaseStoreExt::execute`] judges them.
    async fn append_decided<A: Aggregate>(
        &self,
        before: &A,
        events: &[Event<A::Payload>],
    ) -> Result<Executed<A>, StoreError> {
        append_batch(self, before, events, None, ReferenceCheck::New).await
    }

    /// Executes a command on a stream: answers a retried command id (the
    /// same command by the same actor) with its first events; otherwise loads
    /// the stream (a new one starts empty), decides, and appends. A refusal
    /// is [`StoreError::Refused`] (the machine's own error, once) and writes nothing; a
    /// concurrent writer's win is [`StoreError::VersionConflict`] and the
    /// caller may simply retry. A command id already used for another
    /// command is [`StoreError::CommandIdConflict`] (on this stream) or
    /// [`StoreError::CommandIdReused`] (on another), and a command that
    /// names another stream than `stream_id` is [`StoreError::StreamIdMismatch`].
    async fn execute<A: Aggregate>(
        &self,
        stream_id: Uuid,
        command: &A::Command,
        ctx: &CommandContext,
    ) -> Result<Executed<A>, StoreError> {
        let fingerprint = Fingerprint::of_command(&ctx.actor, command)?;
        if let Some(record) = self.command(ctx.command_id).await? {
            return answer_retry(self, ctx, stream_id, fingerprint, record).await;
        }
        let state = match self.load::<A>(stream_id).await {
            Ok(loaded) => loaded.state,
            Err(StoreError::NotFound { .. }) => A::default(),
            Err(e) => return Err(e),
        };
        decide_and_append(self, &state, stream_id, command, ctx, fingerprint).await
    }

    /// [`CaseStoreExt::execute`] decided against `state`, a verified fold of
    /// the stream the caller kept (from a load, or from the events of its
    /// last command), without reading the stream again: what keeps a long
    /// case's commands as cheap at the end as at the start. When the stream
    /// has moved on past `state` (another writer), the append is refused
    /// with [`StoreError::VersionConflict`] and nothing is written: load the
    /// stream again and retry.
    async fn execute_on<A: Aggregate>(
        &self,
        state: &A,
        stream_id: Uuid,
        command: &A::Command,
        ctx: &CommandContext,
    ) -> Result<Executed<A>, StoreError> {
        // No look-up of the command id first: the append claims it and
        // answers a retry with its first events, and whatever refuses a retry
        // before the append, `decide_and_append` answers from the stored
        // command. A new command costs no read.
        let fingerprint = Fingerprint::of_command(&ctx.actor, command)?;
        decide_and_append(self, state, stream_id, command, ctx, fingerprint).await
    }

    /// Adds or replaces partners of units' networks, all or none
    /// ([`crate::partners::import_partners`]).
    async fn import_partners(&self, partners: Vec<Partner>) -> Result<crate::partners::PartnerImport, StoreError> {
        crate::partners::import_partners(self, partners).await
    }

    /// A unit's partner network (every unit's with `None`).
    async fn partner_directory(&self, unit: Option<&UnitCode>) -> Result<PartnerDirectory, StoreError> {
        crate::partners::partner_directory(self, unit).await
    }

    /// Executes a case command (see [`CaseStoreExt::execute`]).
    async fn execute_case(
        &self,
        case_id: CaseId,
        command: &lk3_core::case::CaseCommand,
        ctx: &CommandContext,
    ) -> Result<Executed<Case>, StoreError> {
        self.execute::<Case>(*case_id.as_uuid(), command, ctx).await
    }

    /// Reads a client's identity for `request` (an actor and a purpose),
    /// judged and logged ([`crate::access`]).
    async fn read_client(
        &self,
        unit: &UnitCode,
        client: ClientId,
        request: &AccessRequest,
    ) -> Result<ClientRecord, StoreError> {
        crate::access::read_client(self, unit, client, request).await
    }

    /// Reads a note for `request`, judged at its sensitivity and logged
    /// when secret ([`crate::access`]).
    async fn read_note(&self, unit: &UnitCode, digest: Hash, request: &AccessRequest) -> Result<Note, StoreError> {
        crate::access::read_note(self, unit, digest, request).await
    }

    /// Reads an attachment for `request`, judged and logged ([`crate::access`]).
    async fn read_attachment(
        &self,
        unit: &UnitCode,
        digest: Hash,
        request: &AccessRequest,
    ) -> Result<Attachment, StoreError> {
        crate::access::read_attachment(self, unit, digest, request).await
    }

    /// The cases matching `query` that `scope` admits
    /// ([`crate::access::cases_in_scope`]); [`crate::access::scope_of`] gives
    /// an actor's scope.
    async fn cases_in_scope(
        &self,
        scope: &lk3_core::access::Scope,
        query: &CaseQuery,
    ) -> Result<Vec<CaseSummary>, StoreError> {
        crate::access::cases_in_scope(self, scope, query).await
    }

    /// Loads a case `scope` admits, refusing one it does not (`LK3-E151`).
    async fn load_case_in_scope(
        &self,
        scope: &lk3_core::access::Scope,
        case_id: CaseId,
    ) -> Result<Loaded<Case>, StoreError> {
        crate::access::load_case_in_scope(self, scope, case_id).await
    }

    /// Executes an outreach command.
    async fn execute_outreach(
        &self,
        outreach_id: OutreachId,
        command: &lk3_core::outreach::OutreachCommand,
        ctx: &CommandContext,
    ) -> Result<Executed<Outreach>, StoreError> {
        self.execute::<Outreach>(*outreach_id.as_uuid(), command, ctx).await
    }
}

impl<S: CaseStore + ?Sized> CaseStoreExt for S {}

/// The answer to a command id seen before: its first events when it is the
/// same command on the same stream, a refusal otherwise.
async fn answer_retry<A: Aggregate, S: CaseStore + ?Sized>(
    store: &S,
    ctx: &CommandContext,
    stream_id: Uuid,
    fingerprint: Fingerprint,
    record: CommandRecord,
) -> Result<Executed<A>, StoreError> {
    let command_id = *ctx.command_id.as_uuid();
    if record.stream_id != stream_id {
        return Err(StoreError::CommandIdReused { command_id, first_stream: record.stream_id });
    }
    if record.fingerprint != fingerprint {
        return Err(StoreError::CommandIdConflict { command_id, stream_id });
    }
    let rows = store.read_events(stream_id, record.first_seq, record.last_seq).await?;
    Ok(Executed { events: aggregate::decode(stream_id, &rows)?, replayed: true, state: None })
}

/// Decides a new command against `state` and appends its events. Whatever
/// refuses it (the decision, the stream it names, the partner or record
/// checks, the append), a command id already stored is answered as a retry:
/// with its first events, or refused as a reuse or a conflict.
async fn decide_and_append<A: Aggregate, S: CaseStore + ?Sized>(
    store: &S,
    state: &A,
    stream_id: Uuid,
    command: &A::Command,
    ctx: &CommandContext,
    fingerprint: Fingerprint,
) -> Result<Executed<A>, StoreError> {
    let decided = state.decide(command, ctx).map_err(|e| StoreError::from(e.into()));
    let appended = match decided {
        Ok(events) => match events.iter().map(|e| e.stream_id).find(|s| *s != stream_id) {
            Some(other) => Err(StoreError::StreamIdMismatch { stream_id, command_stream: other }),
            None => append_batch(store, state, &events, Some(fingerprint), ReferenceCheck::New).await,
        },
        Err(refusal) => Err(refusal),
    };
    match appended {
        // A retry decided again may be refused where its first run was not
        // (the stream moved on by it, a partner since withdrawn, a note since
        // erased): the stored command answers it.
        Err(refusal) => match store.command(ctx.command_id).await? {
            Some(record) => answer_retry(store, ctx, stream_id, fingerprint, record).await,
            None => Err(refusal),
        },
        done => done,
    }
}

/// Appends one command's events, once the partners they name pass the
/// unit's network ([`crate::partners`]). With `fingerprint` (the command's)
/// the store decided them just now, against `before`, and they are not
/// decided again; without, they are the caller's, and each is re-decided.
async fn append_batch<A: Aggregate, S: CaseStore + ?Sized>(
    store: &S,
    before: &A,
    events: &[Event<A::Payload>],
    fingerprint: Option<Fingerprint>,
    check: ReferenceCheck,
) -> Result<Executed<A>, StoreError> {
    let (mut batch, after) = match fingerprint {
        Some(_) => aggregate::batch_decided(before, events)?,
        None => aggregate::batch(before, events)?,
    };
    let references = A::partner_references(before, events);
    let mut directories = std::collections::BTreeMap::new();
    crate::partners::check_references(store, batch.stream_id, &references, check, &mut directories).await?;
    // A new command's note or attachment is kept before the event names it;
    // history (appended or imported) comes without the personal data store.
    let kept = A::kept_records(events);
    if check == ReferenceCheck::New && !kept.is_empty() {
        let case_id = lk3_core::ids::CaseId::from_uuid(batch.stream_id);
        crate::access::check_kept(store, &batch.unit, case_id, &kept).await?;
    }
    if let (Some(fingerprint), Some(span)) = (fingerprint, batch.commands.first_mut()) {
        span.fingerprint = fingerprint;
    }
    let stream_id = batch.stream_id;
    let outcome = store.append_batches(std::slice::from_ref(&batch)).await?;
    match outcome.into_iter().next() {
        Some(AppendOutcome::AlreadyApplied { events: rows }) => {
            Ok(Executed { events: aggregate::decode(stream_id, &rows)?, replayed: true, state: None })
        }
        _ => Ok(Executed { events: events.to_vec(), replayed: false, state: Some(after) }),
    }
}
