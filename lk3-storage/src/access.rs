//! Reading personal data through the store: every read of a client's
//! identity, a note or an attachment is judged by the one access rule
//! ([`lk3_core::access::judge`]) with the case it belongs to, and logged in
//! the unit's append-only access log when it needed a purpose or was
//! refused. The log entry is written before the data is handed out: no read
//! without its record.
//!
//! Case queries and loads confined to a reader's scope (a unit's cases, a
//! worker's own, those referred to a partner: [`Scope`]) are
//! [`cases_in_scope`] and [`load_case_in_scope`].
//!
//! New notes and attachments a command names must be kept first
//! ([`check_kept`]): the personal data store holds them for the case at the
//! sensitivity the event says.

use lk3_core::Lk3Error;
use lk3_core::access::{
    AccessEntry, AccessRefusal, AccessRequest, LoggedAccess, ReadKind, Readable, Scope, is_logged, judge, verify_log,
};
use lk3_core::case::{Case, CaseEvent};
use lk3_core::event::{Event, Hash};
use lk3_core::ids::{CaseId, ClientId, StaffId, UnitCode};
use lk3_core::schema::ClientRecord;
use lk3_core::vocab::Sensitivity;

use crate::error::StoreError;
use crate::personal::{Attachment, Note};
use crate::projection::{CaseQuery, CaseSummary};
use crate::store::{CaseStore, CaseStoreExt};

/// A note or an attachment a case event names, as the event says it is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptRecord {
    /// A note or an attachment.
    pub kind: ReadKind,
    /// Its digest.
    pub digest: Hash,
    /// Its sensitivity, as the event says.
    pub sensitivity: Sensitivity,
    /// The clients it is about, as the event says: the stored record names
    /// each (so that erasing any of them erases it).
    pub about: Vec<ClientId>,
    /// An attachment's size, content type and kind, as the event says.
    pub attachment: Option<(u64, lk3_core::vocab::ContentType, lk3_core::vocab::AttachmentKind)>,
}

/// The notes and attachments `events` add.
pub fn kept_records(events: &[Event<CaseEvent>]) -> Vec<KeptRecord> {
    events
        .iter()
        .filter_map(|e| match &e.payload {
            CaseEvent::NoteAdded { note } => Some(KeptRecord {
                kind: ReadKind::Catatan,
                digest: note.note,
                sensitivity: note.sensitivity,
                about: note.about.clone(),
                attachment: None,
            }),
            CaseEvent::AttachmentAdded { attachment: a } => Some(KeptRecord {
                kind: ReadKind::Lampiran,
                digest: a.attachment,
                sensitivity: a.sensitivity,
                about: a.about.clone(),
                attachment: Some((a.bytes, a.content_type, a.kind)),
            }),
            _ => None,
        })
        .collect()
}

/// Refuses a new command's note or attachment that `unit`'s store does not
/// hold for `case_id` as the event says it (at its sensitivity, about its
/// clients, an attachment of its size, type and kind)
/// ([`StoreError::RecordNotKept`]): a digest in an event always names
/// something kept, and what a reader is judged by is what the case recorded.
pub async fn check_kept<S: CaseStore + ?Sized>(
    store: &S,
    unit: &UnitCode,
    case_id: CaseId,
    records: &[KeptRecord],
) -> Result<(), StoreError> {
    for r in records {
        // What the store holds, in the event's terms: case, sensitivity,
        // content still there, subjects, and an attachment's description.
        let found = match r.kind {
            ReadKind::Lampiran => store.attachment(unit, r.digest).await?.map(|a| {
                let description = Some((a.bytes, a.content_type, a.kind));
                (a.case_id, a.sensitivity, a.content.is_some(), a.subjects, description)
            }),
            _ => store
                .note(unit, r.digest)
                .await?
                .map(|n| (n.case_id, n.sensitivity, n.text.is_some(), n.subjects, None)),
        };
        let kept = found.is_some_and(|(case, sensitivity, present, subjects, description)| {
            case == Some(case_id)
                && sensitivity == r.sensitivity
                && present
                && r.about.iter().all(|c| subjects.contains(c))
                && description == r.attachment
        });
        if !kept {
            let what = if r.kind == ReadKind::Lampiran { "attachment" } else { "note" };
            return Err(StoreError::RecordNotKept { what, digest: r.digest });
        }
    }
    Ok(())
}

/// A note or an attachment as the rule sees it, with what its case says: the
/// unit holding the case now, its insiders (its worker and the record's
/// author), the partners it was referred to, and the sensitivity its event
/// recorded, which the stored one never lowers (a row edited to `biasa` is
/// still read as its event says).
async fn readable_in_case<S: CaseStore + ?Sized>(
    store: &S,
    kind: ReadKind,
    stored: Sensitivity,
    unit: &UnitCode,
    case_id: Option<CaseId>,
    digest: Hash,
) -> Result<Readable, StoreError> {
    let mut readable = Readable::new(kind, stored, *unit);
    let Some(case_id) = case_id else { return Ok(readable) };
    let case: Case = match store.load_case(case_id).await {
        Ok(loaded) => loaded.state,
        Err(StoreError::NotFound { .. }) => return Ok(readable),
        Err(e) => return Err(e),
    };
    let notes = case.notes().iter().filter(|n| n.record.note == digest).map(|n| (n.added_by, n.record.sensitivity));
    let attachments =
        case.attachments().iter().filter(|a| a.record.attachment == digest).map(|a| (a.added_by, a.record.sensitivity));
    let recorded: Vec<(StaffId, Sensitivity)> = notes.chain(attachments).collect();
    readable.sensitivity = recorded.iter().map(|(_, s)| *s).fold(stored, Sensitivity::max);
    readable.insiders = case.worker().into_iter().chain(recorded.iter().map(|(by, _)| *by)).collect();
    readable.holding_unit = case.holding_unit().filter(|h| Some(h) != case.unit());
    readable.partners = lk3_core::access::referred_partners(&case);
    Ok(readable)
}

/// Judges a read, logs it when it must be, and gives the refusal as the
/// store's error.
async fn judged<S: CaseStore + ?Sized>(
    store: &S,
    readable: &Readable,
    request: &AccessRequest,
    target: String,
    case_id: Option<CaseId>,
    clients: Vec<ClientId>,
) -> Result<(), StoreError> {
    let verdict = judge(readable, request);
    let entry = |granted: bool, refusal| AccessEntry {
        actor: request.actor,
        at: request.at,
        case_id,
        clients: clients.clone(),
        granted,
        kind: readable.kind,
        purpose: request.purpose,
        refusal,
        sensitivity: readable.read_at(),
        target: target.clone(),
        unit: readable.unit,
    };
    match verdict {
        Ok(at) => {
            if is_logged(at) {
                store.log_access(&entry(true, None)).await?;
            }
            Ok(())
        }
        Err(refusal) => {
            store.log_access(&entry(false, Some(refusal.code()))).await?;
            Err(StoreError::Access(refusal))
        }
    }
}

/// Reads a client's identity for `request`: judged at `rahasia` (a purpose
/// is required) and logged. Staff of a unit holding one of the client's
/// cases after a transfer read it too.
pub async fn read_client<S: CaseStore + ?Sized>(
    store: &S,
    unit: &UnitCode,
    client: ClientId,
    request: &AccessRequest,
) -> Result<ClientRecord, StoreError> {
    let record =
        store.client(unit, client).await?.ok_or(StoreError::NotFound { what: "client", id: client.to_string() })?;
    let mut readable = Readable::new(ReadKind::Identitas, Sensitivity::Rahasia, *unit);
    if let Some(actor_unit) = request.actor.unit.filter(|u| u != unit) {
        let query =
            CaseQuery { unit: Some(*unit), client: Some(client), held_by: Some(actor_unit), ..CaseQuery::default() };
        if store.count_cases(&query).await? > 0 {
            readable.holding_unit = Some(actor_unit);
        }
    }
    judged(store, &readable, request, client.to_string(), None, vec![client]).await?;
    Ok(record)
}

/// Judges and logs a read of many clients' identities of `unit` at once (an
/// analysis table of the registry): one log entry naming every client,
/// before anything is handed out.
pub async fn read_identities<S: CaseStore + ?Sized>(
    store: &S,
    unit: &UnitCode,
    clients: Vec<ClientId>,
    request: &AccessRequest,
) -> Result<(), StoreError> {
    let readable = Readable::new(ReadKind::Identitas, Sensitivity::Rahasia, *unit);
    judged(store, &readable, request, "registry".to_owned(), None, clients).await
}

/// Reads a note for `request`, judged at its sensitivity with its case, and
/// logged when secret or refused.
pub async fn read_note<S: CaseStore + ?Sized>(
    store: &S,
    unit: &UnitCode,
    digest: Hash,
    request: &AccessRequest,
) -> Result<Note, StoreError> {
    let note = store.note(unit, digest).await?.ok_or(StoreError::NotFound { what: "note", id: digest.to_string() })?;
    let readable = readable_in_case(store, ReadKind::Catatan, note.sensitivity, unit, note.case_id, digest).await?;
    judged(store, &readable, request, digest.to_string(), note.case_id, note.subjects.clone()).await?;
    Ok(note)
}

/// Reads an attachment for `request`, judged at its sensitivity (at least
/// `rahasia`) with its case, and logged.
pub async fn read_attachment<S: CaseStore + ?Sized>(
    store: &S,
    unit: &UnitCode,
    digest: Hash,
    request: &AccessRequest,
) -> Result<Attachment, StoreError> {
    let attachment = store
        .attachment(unit, digest)
        .await?
        .ok_or(StoreError::NotFound { what: "attachment", id: digest.to_string() })?;
    let readable =
        readable_in_case(store, ReadKind::Lampiran, attachment.sensitivity, unit, attachment.case_id, digest).await?;
    judged(store, &readable, request, digest.to_string(), attachment.case_id, attachment.subjects.clone()).await?;
    Ok(attachment)
}

/// A unit's whole access log, refused as [`StoreError::AccessLogBroken`]
/// where an entry does not follow from those before it.
pub async fn verified_log<S: CaseStore + ?Sized>(store: &S, unit: &UnitCode) -> Result<Vec<LoggedAccess>, StoreError> {
    let log = store.access_log(unit, None).await?;
    match verify_log(&log) {
        Some(seq) => Err(StoreError::AccessLogBroken { unit: *unit, seq }),
        None => Ok(log),
    }
}

/// The scope `actor` reads cases in ([`Scope::of`]), or the refusal when it
/// cannot be said (staff naming no unit, a partner's staff no partner).
pub fn scope_of(actor: &lk3_core::event::Actor) -> Result<Scope, StoreError> {
    Scope::of(actor).ok_or(StoreError::Access(AccessRefusal::ScopeUnknown))
}

/// The cases matching `query` that `scope` admits ([`Scope::admits`]), at
/// most `query.limit`, in the query's order: the caller's filters narrowed
/// by the scope, never widened. A unit's and a worker's scope are filters of
/// the query itself; a partner's cases are looked for among those its unit
/// holds (every case when the store holds no network naming it), each
/// judged on its events.
pub async fn cases_in_scope<S: CaseStore + ?Sized>(
    store: &S,
    scope: &Scope,
    query: &CaseQuery,
) -> Result<Vec<CaseSummary>, StoreError> {
    let clash = |wanted: Option<UnitCode>, unit: UnitCode| wanted.is_some_and(|w| w != unit);
    match *scope {
        Scope::Unit { unit } if !clash(query.held_by, unit) => {
            store.query_cases(&CaseQuery { held_by: Some(unit), ..query.clone() }).await
        }
        Scope::Worker { unit, worker } if !clash(query.held_by, unit) && query.worker.is_none_or(|w| w == worker) => {
            store.query_cases(&CaseQuery { held_by: Some(unit), worker: Some(worker), ..query.clone() }).await
        }
        Scope::Partner { partner } => {
            let home = store.partner_directory(None).await?.get(partner).map(|p| p.unit);
            if home.is_some_and(|h| clash(query.held_by, h)) {
                return Ok(Vec::new());
            }
            let mut page = CaseQuery { held_by: query.held_by.or(home), ..query.clone() };
            let mut found = Vec::new();
            loop {
                let listed = store.query_cases(&page).await?;
                let last = listed.last().map(|s| s.case_id);
                let full = listed.len() >= page.limit as usize;
                for summary in listed {
                    if found.len() >= query.limit as usize {
                        return Ok(found);
                    }
                    if scope.admits(&store.load_case(summary.case_id).await?.state) {
                        found.push(summary);
                    }
                }
                match last {
                    Some(last) if full => page.after = Some(last),
                    _ => return Ok(found),
                }
            }
        }
        _ => Ok(Vec::new()),
    }
}

/// Loads a case the scope admits; one it does not is refused
/// ([`AccessRefusal::OutOfScope`], `LK3-E151`).
pub async fn load_case_in_scope<S: CaseStore + ?Sized>(
    store: &S,
    scope: &Scope,
    case_id: CaseId,
) -> Result<crate::aggregate::Loaded<Case>, StoreError> {
    let loaded = store.load_case(case_id).await?;
    if scope.admits(&loaded.state) {
        Ok(loaded)
    } else {
        Err(StoreError::Access(AccessRefusal::OutOfScope { scope: scope.kind() }))
    }
}
