//! Meaning checks, for documents that match their schema.

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::canonical::Read;
use super::{Finding, ReadStream, StreamDocument};
use crate::case::{Case, CaseEventRecord};
use crate::decider::{Decider, Rederived};
use crate::error::{ErrorCode, Lk3Error};
use crate::event::{ChainError, Event, Hash, chain_problems, chain_problems_with};
use crate::outreach::{Outreach, OutreachEventRecord};
use crate::partner::{Partner, PartnerDirectory, ReferenceCheck};
use crate::vocab::Role;

/// The meaning checks of a `kind` document; `read` is a stream's events as
/// the canonical-form check read them (read again here when `None`). With
/// `keep`, a stream's events, their canonical texts and their fold come
/// back with the findings ([`super::validate_stream`]).
pub(super) fn check(
    kind: &str,
    value: &Value,
    partners: Option<&PartnerDirectory>,
    read: Option<Read>,
    keep: bool,
) -> (Vec<Finding>, Option<StreamDocument>) {
    // A rule set no one registered: nothing else can be judged without it.
    let unknown = unknown_rule_sets(kind, value);
    if !unknown.is_empty() {
        return (unknown, None);
    }
    let (case_events, outreach_events) = match read {
        Some(Read::Case(events)) => (Some(events), None),
        Some(Read::Outreach(events)) => (None, Some(events)),
        None => (None, None),
    };
    match kind {
        "case" => {
            let (mut found, stream) = case(value, case_events, keep);
            if let Some(directory) = partners {
                found.extend(partner_references(value, directory));
            }
            (found, stream.map(|s| StreamDocument::Case(Box::new(s))))
        }
        "outreach" => {
            let (found, stream) = outreach(value, outreach_events, keep);
            (found, stream.map(|s| StreamDocument::Outreach(Box::new(s))))
        }
        "event" => (single_event::<crate::case::CaseEvent>(value), None),
        "outreach-event" => (single_event::<crate::outreach::OutreachEvent>(value), None),
        "partner" => (partner(value), None),
        "client" => (client(value), None),
        _ => (Vec::new(), None),
    }
}

/// Every `rule_set` of a stream's events (or of one event) that names no
/// registered rule set ([`crate::rules::RuleSetId::parse`]): the schema
/// checks only the name's form, since rule sets can be registered.
fn unknown_rule_sets(kind: &str, value: &Value) -> Vec<Finding> {
    let named: Vec<(String, &Value)> = match kind {
        "case" | "outreach" => value["events"]
            .as_array()
            .map(|events| {
                events.iter().enumerate().map(|(i, e)| (format!("/events/{i}/rule_set"), &e["rule_set"])).collect()
            })
            .unwrap_or_default(),
        "event" | "outreach-event" => vec![("/rule_set".to_owned(), &value["rule_set"])],
        _ => Vec::new(),
    };
    named
        .into_iter()
        .filter_map(|(pointer, v)| {
            let name = v.as_str()?;
            if crate::rules::RuleSetId::parse(name).is_some() {
                return None;
            }
            let e = crate::rules::RuleSetError::Unknown { name: crate::json::cut(name, 64) };
            Some(Finding::error(e.code(), &pointer, e.message_id(), e.message_en()))
        })
        .collect()
}

/// Parses a part the schema has already checked; a failure here means the
/// schema and the types disagree, which is reported rather than hidden.
fn parse<T: DeserializeOwned>(value: &Value, pointer: &str) -> Result<T, Finding> {
    // Read from the tree as it is: no copy of it is made.
    T::deserialize(value).map_err(|e| {
        Finding::error(
            ErrorCode::SchemaViolation,
            pointer,
            "tidak dapat dibaca sebagai bagian dokumen lk3 (skema dan tipe tidak sepakat)".to_owned(),
            format!("cannot be read: {e}"),
        )
    })
}

fn chain_finding(prefix: &str, index: usize, e: &ChainError) -> Finding {
    let field = match e {
        ChainError::SequenceGap { .. } => "/seq",
        ChainError::HashMismatch { .. } => "/hash",
        ChainError::ChainBroken { .. } => "/prev_hash",
        ChainError::StreamMismatch { .. } => "/stream_id",
        ChainError::RuleSetMismatch { .. } => "/rule_set",
        _ => "",
    };
    Finding::error(e.code(), format!("{prefix}/{index}{field}"), e.message_id(), e.message_en())
}

/// The chain's findings; with `keep`, each event's canonical text too (the
/// bytes its hash is over), written once and hashed from there.
fn chain<P: serde::Serialize>(events: &[Event<P>], keep: bool) -> (Vec<Finding>, Option<Vec<String>>) {
    let findings = |problems: Vec<(usize, ChainError)>| -> Vec<Finding> {
        problems.iter().map(|(i, e)| chain_finding("/events", *i, e)).collect()
    };
    if !keep {
        return (findings(chain_problems(events, false)), None);
    }
    let texts: Vec<Result<String, ChainError>> = events.iter().map(Event::canonical_text).collect();
    let problems = chain_problems_with(
        events,
        |i, _| texts[i].as_ref().map(|t| Hash::of(t.as_bytes())).map_err(Clone::clone),
        false,
    );
    (findings(problems), texts.into_iter().collect::<Result<Vec<_>, _>>().ok())
}

/// A stream read and judged, for the caller to keep.
fn kept<D: Decider>(events: Vec<Event<D::Payload>>, canonical: Option<Vec<String>>, state: D) -> Option<ReadStream<D>> {
    Some(ReadStream { events, canonical: canonical?, state, seal: None })
}

/// Re-decides every event from the command it records ([`Decider::rederive`]):
/// the same rules `decide` enforces, with the same codes and messages, for
/// events whoever wrote them. Folds the events as recorded (the header is
/// compared with the document's own history) and returns the fold.
fn rederive_all<D: Decider>(events: &[Event<D::Payload>], document: &Value, found: &mut Vec<Finding>) -> D {
    let mut state = D::default();
    for (i, e) in events.iter().enumerate() {
        if let Err(problem) = state.rederive(e) {
            found.push(rederived(i, &problem, document));
        }
        state.apply(e);
    }
    state
}

/// The finding for an event `decide` does not give back, at the event's
/// field the rule is about.
fn rederived<E: Lk3Error>(i: usize, problem: &Rederived<E>, document: &Value) -> Finding {
    match problem {
        Rederived::Refused(error) => {
            let field = match error.code() {
                ErrorCode::TransitionNotAllowed | ErrorCode::CaseExists | ErrorCode::CaseNotFound => "/payload/type",
                ErrorCode::RoleNotAllowed => "/actor/role",
                ErrorCode::SecondPersonRequired => "/actor/staff_id",
                ErrorCode::TimeRunsBackwards => "/occurred_at",
                _ => "/payload",
            };
            Finding::error(error.code(), format!("/events/{i}{field}"), error.message_id(), error.message_en())
        }
        Rederived::Differs { field } => Finding::error(
            ErrorCode::EventNotDerived,
            present(document, format!("/events/{i}/{field}")),
            format!("`{field}` bukan yang diputuskan oleh perintah yang dicatat peristiwa ini"),
            format!("`{field}` is not what the command this event records decides"),
        ),
    }
}

/// `pointer`, or the nearest member above it the document has (a member
/// `decide` writes may be missing from a forged event).
fn present(document: &Value, mut pointer: String) -> String {
    while document.pointer(&pointer).is_none() {
        match pointer.rfind('/') {
            Some(cut) => pointer.truncate(cut),
            None => return String::new(),
        }
    }
    pointer
}

/// The header of a document is the fold of its events: every member.
fn header(value: &Value, pointer: &str, fold: &impl serde::Serialize, found: &mut Vec<Finding>) {
    let expected = serde_json::to_value(fold).unwrap_or(Value::Null);
    let (Some(header), Some(expected)) = (value.as_object(), expected.as_object()) else {
        found.push(Finding::error(
            ErrorCode::HeaderMismatch,
            pointer,
            "kepala dokumen bukan objek".to_owned(),
            "the document's header is not an object".to_owned(),
        ));
        return;
    };
    let mut fields: Vec<&String> = expected.keys().chain(header.keys()).collect();
    fields.sort();
    fields.dedup();
    for field in fields {
        if header.get(field) != expected.get(field) {
            let at = if header.contains_key(field) { format!("{pointer}/{field}") } else { pointer.to_owned() };
            found.push(Finding::error(
                ErrorCode::HeaderMismatch,
                at,
                format!("`{field}` pada kepala dokumen tidak sama dengan hasil peristiwanya"),
                format!("the header's `{field}` is not what the events give"),
            ));
        }
    }
}

fn single_event<P: DeserializeOwned + serde::Serialize>(value: &Value) -> Vec<Finding> {
    let event: Event<P> = match parse(value, "") {
        Ok(e) => e,
        Err(f) => return vec![f],
    };
    match event.compute_hash() {
        Ok(h) if h == event.hash => Vec::new(),
        Ok(_) => vec![Finding::error(
            ErrorCode::HashMismatch,
            "/hash",
            "isi peristiwa tidak cocok dengan hash-nya".to_owned(),
            "the event's content does not match its hash".to_owned(),
        )],
        Err(e) => vec![Finding::error(e.code(), "", e.message_id(), e.message_en())],
    }
}

/// Replays a case's events: the chain, every event re-decided, the header.
fn case(value: &Value, read: Option<Vec<CaseEventRecord>>, keep: bool) -> (Vec<Finding>, Option<ReadStream<Case>>) {
    let events: Vec<CaseEventRecord> = match read.map_or_else(|| parse(&value["events"], "/events"), Ok) {
        Ok(e) => e,
        Err(f) => return (vec![f], None),
    };
    let (mut found, canonical) = chain(&events, keep);
    let state: Case = rederive_all(&events, value, &mut found);
    header(&value["case"], "/case", &state, &mut found);
    for (i, e) in events.iter().enumerate().filter(|(_, e)| e.payload.is_audit_flagged()) {
        found.push(Finding::warning(
            "LK3-W005",
            format!("/events/{i}"),
            format!("peristiwa nomor {}: langkah darurat atau pengecualian persetujuan; tinjau dalam audit", e.seq),
            format!("event {}: emergency step or consent override; review it in the audit", e.seq),
        ));
    }
    // Written before partner binding: whose staff they were cannot be checked.
    for (i, e) in events.iter().enumerate().filter(|(_, e)| e.actor.role == Role::Mitra && e.actor.partner_id.is_none())
    {
        found.push(Finding::warning(
            "LK3-W007",
            format!("/events/{i}/actor"),
            format!(
                "peristiwa nomor {}: staf mitra tanpa mitranya (ditulis sebelum staf mitra terikat pada mitranya); mitra mana tidak dapat diperiksa",
                e.seq
            ),
            format!(
                "event {}: a partner's staff naming no partner (written before partner binding); whose staff they were cannot be checked",
                e.seq
            ),
        ));
    }
    (found, kept(events, canonical, state))
}

/// Replays an outreach's events: the chain, every event re-decided, the header.
fn outreach(
    value: &Value,
    read: Option<Vec<OutreachEventRecord>>,
    keep: bool,
) -> (Vec<Finding>, Option<ReadStream<Outreach>>) {
    let events: Vec<OutreachEventRecord> = match read.map_or_else(|| parse(&value["events"], "/events"), Ok) {
        Ok(e) => e,
        Err(f) => return (vec![f], None),
    };
    let (mut found, canonical) = chain(&events, keep);
    let state: Outreach = rederive_all(&events, value, &mut found);
    header(&value["outreach"], "/outreach", &state, &mut found);
    (found, kept(events, canonical, state))
}

fn partner(value: &Value) -> Vec<Finding> {
    let partner: Partner = match parse(value, "") {
        Ok(p) => p,
        Err(f) => return vec![f],
    };
    partner
        .validate()
        .into_iter()
        .map(|p| Finding::error(ErrorCode::InvalidCommand, p.pointer.clone(), p.message_id(), p.message_en()))
        .collect()
}

fn client(value: &Value) -> Vec<Finding> {
    // Identifiers the pattern lets through but that cannot exist (a birth
    // day of 72, kab/kota 00): their own codes, at their own pointers.
    let mut found = Vec::new();
    let mut check = |field: &str, result: Option<Result<(), crate::ids::IdentifierError>>| {
        if let Some(Err(e)) = result {
            found.push(Finding::error(e.code(), format!("/{field}"), e.message_id(), e.message_en()));
        }
    };
    let text = |field: &str| value.get(field).and_then(Value::as_str);
    check("nik", text("nik").map(|s| crate::ids::Nik::parse(s).map(|_| ())));
    check("no_kk", text("no_kk").map(|s| crate::ids::NoKk::parse(s).map(|_| ())));
    check("domicile", text("domicile").map(|s| crate::ids::KodeWilayah::parse(s).map(|_| ())));
    check("unit", text("unit").map(|s| crate::ids::UnitCode::parse(s).map(|_| ())));
    if !found.is_empty() {
        return found;
    }
    let record: crate::schema::ClientRecord = match parse(value, "") {
        Ok(r) => r,
        Err(f) => return vec![f],
    };
    record
        .warnings()
        .into_iter()
        .map(|(pointer, w)| Finding::warning(w.code(), pointer, w.message_id().to_owned(), w.message_en().to_owned()))
        .collect()
}

/// Every partner a case names must be in its unit's network, with the
/// service a sending asks for (the one rule: [`PartnerDirectory::check_reference`]).
fn partner_references(value: &Value, directory: &PartnerDirectory) -> Vec<Finding> {
    let Ok(events) = Vec::<CaseEventRecord>::deserialize(&value["events"]) else {
        return Vec::new();
    };
    // The network of the unit holding the case at each event, as a store holds it.
    let mut networks: std::collections::BTreeMap<crate::ids::UnitCode, PartnerDirectory> = Default::default();
    Case::default()
        .partner_references_in(&events)
        .into_iter()
        .filter_map(|named| {
            let network = networks.entry(named.unit).or_insert_with(|| directory.of_unit(&named.unit));
            let refused = network.check_reference(&named.reference, ReferenceCheck::Recorded).err()?;
            Some(Finding::error(
                refused.code(),
                format!("/events/{}/payload{}", named.event, named.reference.pointer),
                refused.message_id(),
                refused.to_string(),
            ))
        })
        .collect()
}
