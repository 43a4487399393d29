//! A case's referrals as FHIR R4 resources: the closed loop of the HL7 SDOH
//! Clinical Care referral Task \[R: peers.md §2\], the way hospitals, UPTD
//! PPA systems and SATUSEHAT meet lk3.
//!
//! Per referral (a service of a partner): a `Task` (profile
//! SDOHCC-TaskForReferralManagement, `code` fulfill, its status from the
//! state's [`crate::service::ServiceState::fhir_task_status`]) whose `focus` is a
//! `ServiceRequest` (what the sending asked: the partner's service,
//! problems, priority, the letter's digest, the referral it `replaces`);
//! the partner and the LK3 unit as `Organization`s; the clients as
//! `Patient`s (a `Group` of them when the case has several), each under a
//! pseudonym unless that client consented to disclosure to that very
//! partner; and a `Provenance` per recorded step (`onBehalfOf` the partner
//! for steps LK3 staff recorded for it). Times are UTC. Pure: identities and
//! pseudonyms come from the caller.

mod resources;
mod task_update;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::case::{Case, CaseEvent, CaseEventRecord};
use crate::ids::ClientId;
use crate::partner::PartnerDirectory;
use crate::schema::ClientRecord;
use crate::service::ServiceInstance;

pub use resources::{SDOHCC_TASK_PROFILE, service_request_status};
pub use task_update::{TaskError, TaskUpdate, read_task};

/// What an export needs besides the case.
pub struct FhirExport<'a> {
    /// The base of every `fullUrl` (`https://lk3.example/fhir`): the
    /// server the bundle will be read against.
    pub base: &'a str,
    /// The partner directory, for the partners' names and kinds.
    pub partners: Option<&'a PartnerDirectory>,
    /// A client's identity from the registry, disclosed only to a partner
    /// the client consented to.
    pub identity: &'a dyn Fn(ClientId) -> Option<ClientRecord>,
    /// A client's pseudonym (a FHIR id: letters, digits, `-`, `.`, at most 64).
    pub pseudonym: &'a dyn Fn(ClientId) -> String,
}

/// The FHIR R4 `Bundle` (type `collection`) of the referrals of `cases`
/// (each with its events), stamped `at`.
pub fn referral_bundle(cases: &[(Case, Vec<CaseEventRecord>)], export: &FhirExport<'_>, at: DateTime<Utc>) -> Value {
    let mut entries = resources::Entries::new(export.base);
    for (case, events) in cases {
        if case.referred_by().is_some() {
            resources::incoming(&mut entries, case, events, export);
        }
        for referral in referrals(case) {
            resources::referral(&mut entries, case, events, referral, export);
        }
    }
    json!({
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": resources::instant(at),
        "entry": entries.into_entries(),
    })
}

/// The LK3's answer to the referral a case was opened from, as the status of
/// the Task the referring partner requested (the LK3 is its performer),
/// read from the case, so that the answer is the work itself: `requested`
/// at kontak (received, not yet answered), `accepted` once the clients are
/// registered, `in-progress` from the contract on, `rejected` when the
/// service was declined, `completed` when resolved on the spot or closed
/// after the goals were met, `failed` when closed for another reason.
/// `None` for a case no partner referred.
pub fn incoming_referral_status(case: &Case) -> Option<&'static str> {
    use crate::vocab::{Stage, TerminationReason};
    case.referred_by()?;
    Some(match case.stage()? {
        Stage::Kontak => "requested",
        Stage::Registrasi | Stage::PendekatanAwal => "accepted",
        Stage::Ditutup if case.refusal().is_some() => "rejected",
        Stage::Ditutup if case.on_spot_service().is_some() => "completed",
        Stage::Ditutup => match case.termination() {
            Some((TerminationReason::TujuanTercapai, _)) => "completed",
            _ => "failed",
        },
        _ => "in-progress",
    })
}

/// The referrals of a case: its services of a partner.
pub fn referrals(case: &Case) -> impl Iterator<Item = &ServiceInstance> {
    let rule_set = case.rule_set();
    case.services()
        .iter()
        .filter(move |s| rule_set.and_then(|r| r.rules().service(s.kind)).is_some_and(|spec| spec.partner))
}

/// The events of a case that concern one service (its opening and steps).
fn service_events<'e>(
    events: &'e [CaseEventRecord],
    service: &ServiceInstance,
) -> impl Iterator<Item = &'e CaseEventRecord> {
    let planned = service.plan_version;
    events.iter().filter(move |e| match &e.payload {
        CaseEvent::ServiceOpened { service_id, .. } | CaseEvent::ServiceStepRecorded { service_id, .. } => {
            *service_id == service.service_id
        }
        CaseEvent::PlanApproved { plan_version, .. } => Some(*plan_version) == planned,
        _ => false,
    })
}
