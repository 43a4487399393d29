//! Meaning checks, for documents that match their schema.

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::Finding;
use crate::case::{Case, CaseEvent, CaseEventRecord, CommandProblem, DisclosureGap};
use crate::error::{ErrorCode, Lk3Error};
use crate::event::{ChainError, Event, chain_problems};
use crate::ids::CaseNumberMismatch;
use crate::label::Labelled;
use crate::outreach::{Outreach, OutreachEventRecord};
use crate::partner::Partner;
use crate::rules::RuleSet;
use crate::service::{ServiceCommand, table};
use crate::vocab::ConsentPurpose;

pub(super) fn check(kind: &str, value: &Value, partners: Option<&crate::partner::PartnerDirectory>) -> Vec<Finding> {
    match kind {
        "case" => {
            let mut found = case(value);
            if let Some(directory) = partners {
                found.extend(partner_references(value, directory));
            }
            found
        }
        "outreach" => outreach(value),
        "event" => single_event::<crate::case::CaseEvent>(value),
        "outreach-event" => single_event::<crate::outreach::OutreachEvent>(value),
        "partner" => partner(value),
        "client" => client(value),
        _ => Vec::new(),
    }
}

/// Parses a part the schema has already checked; a failure here means the
/// schema and the types disagree, which is reported rather than hidden.
fn parse<T: DeserializeOwned>(value: &Value, pointer: &str) -> Result<T, Finding> {
    serde_json::from_value(value.clone()).map_err(|e| {
        Finding::error(
            ErrorCode::SchemaViolation,
            pointer,
            format!("tidak dapat dibaca: {e}"),
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

fn chain<P: serde::Serialize>(events: &[Event<P>]) -> Vec<Finding> {
    let mut found: Vec<Finding> =
        chain_problems(events, false).iter().map(|(i, e)| chain_finding("/events", *i, e)).collect();
    for (i, pair) in events.windows(2).enumerate() {
        if pair[1].occurred_at < pair[0].occurred_at {
            found.push(Finding::error(
                ErrorCode::TimeRunsBackwards,
                format!("/events/{}/occurred_at", i + 1),
                format!("peristiwa nomor {} lebih awal dari peristiwa sebelumnya", pair[1].seq),
                format!("event {} happened before the event before it", pair[1].seq),
            ));
        }
    }
    found
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

/// Replays a case's events and checks each step against the rule set.
fn case(value: &Value) -> Vec<Finding> {
    let events: Vec<CaseEventRecord> = match parse(&value["events"], "/events") {
        Ok(e) => e,
        Err(f) => return vec![f],
    };
    let mut found = chain(&events);
    let mut state = Case::default();
    for (i, e) in events.iter().enumerate() {
        let at = |field: &str| format!("/events/{i}{field}");
        let rules = RuleSet::get(e.rule_set);
        let kind = e.payload.command_kind();
        match rules.transition(state.stage(), kind) {
            None => found.push(Finding::error(
                ErrorCode::TransitionNotAllowed,
                at("/payload/type"),
                format!(
                    "`{}` tidak diizinkan pada tahap `{}`",
                    e.payload.type_name(),
                    state.stage().map_or("-", Labelled::id)
                ),
                format!(
                    "`{}` is not allowed in stage `{}`",
                    e.payload.type_name(),
                    state.stage().map_or("-", Labelled::id)
                ),
            )),
            Some(row) if !row.roles.contains(&e.actor.role) => found.push(Finding::error(
                ErrorCode::RoleNotAllowed,
                at("/actor/role"),
                format!("peran `{}` tidak berwenang untuk `{kind}`", e.actor.role),
                format!("role `{}` may not do `{kind}`", e.actor.role),
            )),
            Some(_) => {}
        }
        let allowed = rules.transition(state.stage(), kind).is_some_and(|row| row.roles.contains(&e.actor.role));
        found.extend(references(&state, e, i, allowed));
        state.apply(e);
    }
    // The header is the fold of the events.
    let header = &value["case"];
    let expected = serde_json::to_value(&state).unwrap_or(Value::Null);
    for field in ["stage", "version", "case_id", "case_number", "rule_set", "last_hash"] {
        if header.get(field) != expected.get(field) {
            let pointer = if header.get(field).is_some() { format!("/case/{field}") } else { "/case".to_owned() };
            found.push(Finding::error(
                ErrorCode::HeaderMismatch,
                pointer,
                format!("`{field}` pada kepala dokumen tidak sama dengan hasil peristiwanya ({})", expected[field]),
                format!("the header's `{field}` is not what the events give ({})", expected[field]),
            ));
        }
    }
    found
}

/// References inside an event: services, consents, disclosure consent.
/// `allowed`: the step itself was legal; its requirements are only worth
/// checking then (an illegal step is one finding, not several).
fn references(state: &Case, e: &CaseEventRecord, i: usize, allowed: bool) -> Vec<Finding> {
    let mut found = Vec::new();
    let unknown = |field: &str, what: &str, id: String| {
        Finding::error(
            ErrorCode::UnknownReference,
            format!("/events/{i}/payload/{field}"),
            format!("{what} `{id}` tidak ada dalam kasus pada saat itu"),
            format!("no {what} `{id}` in the case at that point"),
        )
    };
    match &e.payload {
        CaseEvent::ServiceStepRecorded { service_id, step, consent_override, .. } => match state.service(*service_id) {
            None => found.push(unknown("service_id", "layanan / service", service_id.to_string())),
            Some(s) => {
                match table(e.rule_set, s.kind).row(Some(s.state), step.kind()) {
                    None => found.push(Finding::error(
                        ErrorCode::ServiceStepNotAllowed,
                        format!("/events/{i}/payload/step/type"),
                        format!("{} berstatus `{}` tidak mengizinkan `{}`", s.kind, s.state, step.kind()),
                        format!("{} in state `{}` does not allow `{}`", s.kind, s.state, step.kind()),
                    )),
                    Some(row) if !row.roles.contains(&e.actor.role) => found.push(Finding::error(
                        ErrorCode::RoleNotAllowed,
                        format!("/events/{i}/actor/role"),
                        format!("peran `{}` tidak berwenang untuk `{}` pada {}", e.actor.role, step.kind(), s.kind),
                        format!("role `{}` may not take `{}` on {}", e.actor.role, step.kind(), s.kind),
                    )),
                    Some(_) => {}
                }
                if let (ServiceCommand::Send { .. }, false, Some(partner)) = (step, consent_override, s.partner_id) {
                    found.extend(disclosure(state, partner, i));
                }
                if matches!(step, ServiceCommand::ApproveOverride {})
                    && s.sent.is_some_and(|(_, by)| by == e.actor.staff_id)
                {
                    found.push(second_person(i));
                }
                if matches!(step, ServiceCommand::Complete { .. })
                    && s.consent_override
                    && s.override_approved_by.is_none()
                {
                    found.push(Finding::error(
                        ErrorCode::OverrideNotApproved,
                        format!("/events/{i}/payload/step"),
                        "rujukan diselesaikan padahal pengecualian persetujuannya belum disetujui orang kedua"
                            .to_owned(),
                        "the referral was completed while its consent override was never approved by a second person"
                            .to_owned(),
                    ));
                }
            }
        },
        CaseEvent::PlanApproved { .. }
            if allowed && state.proposal().is_some_and(|p| p.proposed_by == e.actor.staff_id) =>
        {
            found.push(second_person(i));
        }
        CaseEvent::ClosureApproved { .. }
            if allowed && state.termination().is_some_and(|(_, by)| by == e.actor.staff_id) =>
        {
            found.push(second_person(i));
        }
        CaseEvent::ContractAgreed { .. } if allowed => {
            for c in state.clients() {
                if state.consent_for(c.client_id, ConsentPurpose::Layanan).is_none() {
                    found.push(Finding::error(
                        ErrorCode::ConsentRequired,
                        format!("/events/{i}"),
                        format!("kontrak disepakati tanpa persetujuan layanan dari klien {}", c.client_id),
                        format!("the contract was agreed without client {}'s consent to services", c.client_id),
                    ));
                }
            }
        }
        CaseEvent::ContactRecorded { unit, case_number, .. } => match case_number.check_fits(unit, e.occurred_at) {
            Ok(()) => {}
            Err(CaseNumberMismatch::OtherUnit) => {
                found.push(invalid(i, "case_number", CommandProblem::CaseNumberOfAnotherUnit))
            }
            Err(CaseNumberMismatch::OtherYear) => {
                found.push(invalid(i, "case_number", CommandProblem::CaseNumberOfAnotherYear))
            }
        },
        CaseEvent::AidGiven { aid } => {
            if !state.clients().iter().any(|c| c.client_id == aid.recipient) {
                found.push(unknown("aid/recipient", "klien / client", aid.recipient.to_string()));
            }
            if state.unit().is_some_and(|unit| aid.given_on > unit.local_dates(e.occurred_at).1) {
                found.push(invalid(i, "aid/given_on", CommandProblem::AidDateAfterCommand));
            }
        }
        CaseEvent::ConsentWithdrawn { consent_id }
            if !state.consents().iter().any(|c| c.consent.consent_id == *consent_id) =>
        {
            found.push(unknown("consent_id", "persetujuan / consent", consent_id.to_string()));
        }
        CaseEvent::ProtectiveReferralSent { consent_override: false, partner_id, .. } => match partner_id {
            Some(p) => found.extend(disclosure(state, *p, i)),
            None => found.push(Finding::error(
                ErrorCode::DisclosureConsentRequired,
                format!("/events/{i}/payload/consent_override"),
                "rujukan tanpa mitra tertentu harus dicatat sebagai pengecualian persetujuan".to_owned(),
                "a referral without a named partner must be recorded as a consent override".to_owned(),
            )),
        },
        _ => {}
    }
    if e.payload.is_audit_flagged() {
        found.push(Finding::warning(
            "LK3-W005",
            format!("/events/{i}"),
            "peristiwa darurat atau pengecualian persetujuan: tinjau dalam audit".to_owned(),
            "emergency step or consent override: review it in the audit".to_owned(),
        ));
    }
    found
}

fn second_person(i: usize) -> Finding {
    Finding::error(
        ErrorCode::SecondPersonRequired,
        format!("/events/{i}/actor/staff_id"),
        "persetujuan diberikan oleh orang yang mengajukan atau melakukan langkahnya sendiri".to_owned(),
        "the approval was given by the person who proposed or took the step".to_owned(),
    )
}

/// A disclosure without override needs clients, each with consent to that partner.
fn disclosure(state: &Case, partner: crate::ids::PartnerId, i: usize) -> Vec<Finding> {
    let (message_id, message_en) = match state.disclosure_gap(partner) {
        None => return Vec::new(),
        Some(DisclosureGap::NoClients) => (
            format!(
                "data diungkap ke mitra {partner} padahal kasus belum memiliki klien terdaftar, dan ini bukan pengecualian"
            ),
            format!("data went to partner {partner} while the case had no registered client, and this is no override"),
        ),
        Some(DisclosureGap::Client(client)) => (
            format!("klien {client} belum setuju datanya diungkap ke mitra {partner}, dan ini bukan pengecualian"),
            format!("client {client} had not consented to disclosure to partner {partner}, and this is no override"),
        ),
    };
    vec![Finding::error(ErrorCode::DisclosureConsentRequired, format!("/events/{i}/payload"), message_id, message_en)]
}

/// A problem with the content of an event, as `decide` words it.
fn invalid(i: usize, field: &str, problem: CommandProblem) -> Finding {
    Finding::error(
        ErrorCode::InvalidCommand,
        format!("/events/{i}/payload/{field}"),
        problem.label_id().to_owned(),
        problem.label_en().to_owned(),
    )
}

fn outreach(value: &Value) -> Vec<Finding> {
    let events: Vec<OutreachEventRecord> = match parse(&value["events"], "/events") {
        Ok(e) => e,
        Err(f) => return vec![f],
    };
    let mut found = chain(&events);
    let mut state = Outreach::default();
    for (i, e) in events.iter().enumerate() {
        let kind = e.payload.command_kind();
        if let Some(row) = crate::outreach::table(e.rule_set).row(state.state(), kind)
            && !row.roles.contains(&e.actor.role)
        {
            found.push(Finding::error(
                ErrorCode::RoleNotAllowed,
                format!("/events/{i}/actor/role"),
                format!("peran `{}` tidak berwenang untuk `{kind}`", e.actor.role),
                format!("role `{}` may not do `{kind}`", e.actor.role),
            ));
        }
        if crate::outreach::table(e.rule_set).row(state.state(), kind).is_none() {
            found.push(Finding::error(
                ErrorCode::TransitionNotAllowed,
                format!("/events/{i}/payload/type"),
                format!(
                    "`{}` tidak diizinkan pada status `{}`",
                    e.payload.type_name(),
                    state.state().map_or("-", Labelled::id)
                ),
                format!(
                    "`{}` is not allowed in state `{}`",
                    e.payload.type_name(),
                    state.state().map_or("-", Labelled::id)
                ),
            ));
        }
        state.apply(e);
    }
    let expected = serde_json::to_value(&state).unwrap_or(Value::Null);
    for field in ["state", "version", "outreach_id", "last_hash"] {
        if value["outreach"].get(field) != expected.get(field) {
            found.push(Finding::error(
                ErrorCode::HeaderMismatch,
                format!("/outreach/{field}"),
                format!("`{field}` pada kepala dokumen tidak sama dengan hasil peristiwanya"),
                format!("the header's `{field}` is not what the events give"),
            ));
        }
    }
    found
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

/// Every partner id a case refers to must be in the unit's network.
fn partner_references(value: &Value, directory: &crate::partner::PartnerDirectory) -> Vec<Finding> {
    let Ok(events) = serde_json::from_value::<Vec<CaseEventRecord>>(value["events"].clone()) else {
        return Vec::new();
    };
    let mut refs: Vec<(String, crate::ids::PartnerId)> = Vec::new();
    for (i, e) in events.iter().enumerate() {
        match &e.payload {
            CaseEvent::ConsentRecorded { consent } => refs.extend(
                consent
                    .disclose_to
                    .iter()
                    .enumerate()
                    .map(|(k, p)| (format!("/events/{i}/payload/consent/disclose_to/{k}"), *p)),
            ),
            CaseEvent::PlanProposed { items, .. } => refs.extend(items.iter().enumerate().filter_map(|(k, item)| {
                item.partner_id.map(|p| (format!("/events/{i}/payload/items/{k}/partner_id"), p))
            })),
            CaseEvent::ServiceOpened { partner_id: Some(p), .. }
            | CaseEvent::ProtectiveReferralSent { partner_id: Some(p), .. } => {
                refs.push((format!("/events/{i}/payload/partner_id"), *p));
            }
            _ => {}
        }
    }
    refs.into_iter()
        .filter(|(_, p)| !directory.contains(*p))
        .map(|(pointer, p)| {
            Finding::error(
                ErrorCode::UnknownReference,
                pointer,
                format!("mitra `{p}` tidak ada dalam jejaring"),
                format!("partner `{p}` is not in the network"),
            )
        })
        .collect()
}
