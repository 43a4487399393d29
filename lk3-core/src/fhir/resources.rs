//! The resources of one referral, and the bundle's entries (each resource once).

use std::collections::BTreeMap;

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};

use super::{FhirExport, service_events};
use crate::case::{Case, CaseEvent, CaseEventRecord};
use crate::ids::{ClientId, PartnerId, Sex};
use crate::label::Labelled;
use crate::service::{ServiceInstance, ServiceState};
use crate::vocab::Role;

/// The SDOHCC profile every referral Task claims.
pub const SDOHCC_TASK_PROFILE: &str =
    "http://hl7.org/fhir/us/sdoh-clinicalcare/StructureDefinition/SDOHCC-TaskForReferralManagement";
/// lk3's own code systems: `urn:lk3:<vocabulary>`.
const LK3: &str = "urn:lk3";
/// The NIK as SATUSEHAT names it.
const NIK_SYSTEM: &str = "https://fhir.kemkes.go.id/id/nik";

/// A FHIR instant (UTC, microseconds when there are any).
pub(super) fn instant(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// The `ServiceRequest.status` of a referral in `state`: the request is
/// active while the Task is open.
pub fn service_request_status(state: ServiceState) -> &'static str {
    request_status(state.fhir_task_status().unwrap_or("draft"))
}

/// The `ServiceRequest.status` of the request a Task in `task_status` is for.
fn request_status(task_status: &str) -> &'static str {
    match task_status {
        "draft" => "draft",
        "completed" => "completed",
        "entered-in-error" => "entered-in-error",
        "failed" | "rejected" | "cancelled" => "revoked",
        _ => "active",
    }
}

/// What every referral Task has: the SDOHCC profile, the case as its group,
/// intent `order`, code `fulfill`, its request as focus, who asked whom, for whom.
struct TaskBase<'t> {
    id: &'t str,
    case_id: String,
    status: &'t str,
    focus: &'t str,
    authored: String,
    last: String,
    requester: &'t str,
    owner: &'t str,
    subject: &'t str,
}

impl TaskBase<'_> {
    fn resource(&self) -> Value {
        json!({
            "resourceType": "Task",
            "id": self.id,
            "meta": { "profile": [SDOHCC_TASK_PROFILE] },
            "groupIdentifier": { "system": format!("{LK3}:case"), "value": self.case_id },
            "status": self.status,
            "intent": "order",
            "code": { "coding": [{ "system": "http://hl7.org/fhir/CodeSystem/task-code", "code": "fulfill" }] },
            "focus": reference(self.focus),
            "authoredOn": self.authored,
            "lastModified": self.last,
            "requester": reference(self.requester),
            "owner": reference(self.owner),
            "for": reference(self.subject),
        })
    }
}

/// The Provenance of one recorded event on `task`: what was done (`activity`,
/// a code of `urn:lk3:<vocabulary>`), by whom, on whose behalf.
fn provenance(entries: &mut Entries<'_>, e: &CaseEventRecord, task: &str, activity: (&str, &str), on_behalf_of: &str) {
    entries.add(json!({
        "resourceType": "Provenance",
        "id": e.event_id.to_string(),
        "target": [reference(task)],
        "recorded": instant(e.occurred_at),
        "activity": { "coding": [{ "system": format!("{LK3}:{}", activity.0), "code": activity.1 }] },
        "agent": [{
            "role": [{ "coding": [coding("role", e.actor.role)] }],
            "who": { "identifier": { "system": format!("{LK3}:staff"), "value": e.actor.staff_id.to_string() } },
            "onBehalfOf": reference(on_behalf_of),
        }],
    }));
}

/// The bundle's entries, each resource once, in the order first added.
pub(super) struct Entries<'a> {
    base: &'a str,
    order: Vec<(String, String)>,
    resources: BTreeMap<(String, String), Value>,
}

impl<'a> Entries<'a> {
    pub(super) fn new(base: &'a str) -> Self {
        Entries { base: base.trim_end_matches('/'), order: Vec::new(), resources: BTreeMap::new() }
    }

    fn add(&mut self, resource: Value) -> String {
        let kind = resource["resourceType"].as_str().unwrap_or_default().to_owned();
        let id = resource["id"].as_str().unwrap_or_default().to_owned();
        let reference = format!("{kind}/{id}");
        let key = (kind, id);
        if !self.resources.contains_key(&key) {
            self.order.push(key.clone());
            self.resources.insert(key, resource);
        }
        reference
    }

    pub(super) fn into_entries(mut self) -> Vec<Value> {
        let base = self.base;
        self.order
            .iter()
            .filter_map(|key| {
                let resource = self.resources.remove(key)?;
                Some(json!({ "fullUrl": format!("{base}/{}/{}", key.0, key.1), "resource": resource }))
            })
            .collect()
    }
}

fn coding(vocabulary: &str, value: impl Labelled) -> Value {
    json!({ "system": format!("{LK3}:{vocabulary}"), "code": value.id(), "display": value.label_id() })
}

fn reference(to: &str) -> Value {
    json!({ "reference": to })
}

/// The LK3 unit as an Organization.
fn unit_organization(entries: &mut Entries<'_>, case: &Case) -> String {
    let unit = case.unit().map(ToString::to_string).unwrap_or_default();
    entries.add(json!({
        "resourceType": "Organization",
        "id": format!("lk3-{unit}"),
        "identifier": [{ "system": format!("{LK3}:unit"), "value": unit }],
        "active": true,
        "name": format!("LK3 {unit}"),
    }))
}

/// A partner as an Organization, named from the directory when it is there.
fn partner_organization(entries: &mut Entries<'_>, partner_id: PartnerId, export: &FhirExport<'_>) -> String {
    let mut org = json!({
        "resourceType": "Organization",
        "id": partner_id.to_string(),
        "identifier": [{ "system": format!("{LK3}:partner"), "value": partner_id.to_string() }],
        "active": true,
    });
    if let Some(p) = export.partners.and_then(|d| d.get(partner_id)) {
        org["name"] = json!(p.name);
        org["type"] = json!([{ "coding": [coding("partner-kind", p.kind)], "text": p.kind.label_id() }]);
        org["active"] = json!(p.accepts_referrals);
    }
    entries.add(org)
}

/// A client as a Patient for `partner_id`: identified (registry id, NIK,
/// name, sex, birth date) when the client consented to disclose to that
/// partner, else only a pseudonym. Never an address; and a victim disclosed
/// to a partner the case's perpetrator also consented to
/// ([`Case::discloses_to_perpetrator_side`]) without her NIK, which names the
/// kecamatan that issued it.
fn patient(
    entries: &mut Entries<'_>,
    case: &Case,
    client: ClientId,
    partner_id: PartnerId,
    export: &FhirExport<'_>,
) -> String {
    if !case.consents_to_disclose(client, partner_id) {
        return entries.add(json!({ "resourceType": "Patient", "id": (export.pseudonym)(client) }));
    }
    let mut patient = json!({
        "resourceType": "Patient",
        "id": client.to_string(),
        "identifier": [{ "system": format!("{LK3}:client"), "value": client.to_string() }],
    });
    if let Some(who) = (export.identity)(client) {
        let locates = case.discloses_to_perpetrator_side(client, partner_id);
        if let (Some(nik), Some(ids), false) = (who.nik, patient["identifier"].as_array_mut(), locates) {
            ids.push(json!({ "system": NIK_SYSTEM, "value": nik.to_string() }));
        }
        patient["name"] = json!([{ "text": who.name }]);
        if let Some(sex) = who.sex {
            patient["gender"] = json!(match sex {
                Sex::LakiLaki => "male",
                Sex::Perempuan => "female",
            });
        }
        if let Some(born) = who.birth_date {
            patient["birthDate"] = json!(born.format("%Y-%m-%d").to_string());
        }
    }
    entries.add(patient)
}

/// Who a Task is for: the one client, or a Group (`group_id`) of the
/// case's clients, an empty one while none is registered (FHIR requires a
/// subject).
fn subject(
    entries: &mut Entries<'_>,
    case: &Case,
    group_id: String,
    partner_id: PartnerId,
    export: &FhirExport<'_>,
) -> String {
    let patients: Vec<String> =
        case.clients().iter().map(|c| patient(entries, case, c.client_id, partner_id, export)).collect();
    match patients.as_slice() {
        [one] => one.clone(),
        many => {
            let mut group = json!({
                "resourceType": "Group",
                "id": group_id,
                "type": "person",
                "actual": true,
                "quantity": many.len(),
            });
            if !many.is_empty() {
                group["member"] = json!(many.iter().map(|p| json!({ "entity": reference(p) })).collect::<Vec<_>>());
            }
            entries.add(group)
        }
    }
}

/// The Task, its ServiceRequest, the organizations, the clients and a
/// Provenance per recorded step of one referral.
pub(super) fn referral(
    entries: &mut Entries<'_>,
    case: &Case,
    events: &[CaseEventRecord],
    service: &ServiceInstance,
    export: &FhirExport<'_>,
) {
    let Some(partner_id) = service.partner_id else { return };
    let sid = service.service_id.to_string();
    let lk3 = unit_organization(entries, case);
    let partner = partner_organization(entries, partner_id, export);
    let subject = subject(entries, case, format!("{sid}-klien"), partner_id, export);
    let steps: Vec<&CaseEventRecord> = service_events(events, service).collect();
    let authored = service.sent.map(|(at, _)| at).unwrap_or(service.opened_at);
    let last = steps.last().map_or(service.opened_at, |e| e.occurred_at);
    let request = &service.request;

    let mut sr = json!({
        "resourceType": "ServiceRequest",
        "id": sid,
        "status": service_request_status(service.state),
        "intent": "order",
        "category": [{ "coding": [coding("service", service.kind)] }],
        "authoredOn": instant(authored),
        "requester": reference(&lk3),
        "performer": [reference(&partner)],
        "subject": reference(&subject),
    });
    if let Some(wanted) = &request.service {
        sr["code"] = json!({ "coding": [{ "system": format!("{LK3}:partner-service:{partner_id}"), "code": wanted.as_str() }], "text": wanted.as_str() });
    }
    if let Some(p) = request.priority {
        sr["priority"] = json!(p.fhir_code());
    }
    if !request.problems.is_empty() {
        sr["reasonCode"] =
            json!(request.problems.iter().map(|p| json!({ "coding": [coding("problem", *p)] })).collect::<Vec<_>>());
    }
    if let Some(earlier) = request.replaces {
        sr["replaces"] = json!([reference(&format!("ServiceRequest/{earlier}"))]);
    }
    if let Some(digest) = request.letter_digest {
        sr["note"] = json!([{ "text": format!("surat rujukan sha256:{digest}") }]);
    }
    let sr = entries.add(sr);

    let mut task = TaskBase {
        id: &sid,
        case_id: case.case_id().map(|c| c.to_string()).unwrap_or_default(),
        status: service.state.fhir_task_status().unwrap_or("draft"),
        focus: &sr,
        authored: instant(authored),
        last: instant(last),
        requester: &lk3,
        owner: &partner,
        subject: &subject,
    }
    .resource();
    task["businessStatus"] = json!({ "coding": [coding("service-state", service.state)] });
    if let Some(p) = request.priority {
        task["priority"] = json!(p.fhir_code());
    }
    if let Some(reason) = service.reason {
        task["statusReason"] = json!({ "coding": [coding("service-reason", reason)], "text": reason.label_id() });
    }
    if let Some(deadline) = service.response_deadline {
        task["restriction"] = json!({ "period": { "end": instant(deadline) } });
    }
    if let Some(feedback) = service.feedback {
        task["output"] = json!([{
            "type": { "text": "umpan balik mitra" },
            "valueCodeableConcept": { "coding": [coding("feedback-outcome", feedback.outcome)] },
        }]);
    }
    let task = entries.add(task);

    for e in steps {
        let (activity, on_behalf) = match &e.payload {
            CaseEvent::ServiceStepRecorded { step, on_behalf_of_partner, .. } => {
                (step.kind().id(), *on_behalf_of_partner)
            }
            CaseEvent::ServiceOpened { .. } | CaseEvent::PlanApproved { .. } => ("open", false),
            _ => continue,
        };
        let for_partner = on_behalf || e.actor.role == Role::Mitra;
        provenance(entries, e, &task, ("service-step", activity), if for_partner { &partner } else { &lk3 });
    }
}

/// The Task a referring partner requested of the LK3 (rujukan masuk): the
/// partner is its requester, the LK3 unit its owner, its status the case's
/// answer ([`super::incoming_referral_status`]).
pub(super) fn incoming(entries: &mut Entries<'_>, case: &Case, events: &[CaseEventRecord], export: &FhirExport<'_>) {
    let (Some(referral), Some(case_id), Some(status)) =
        (case.referred_by(), case.case_id(), super::incoming_referral_status(case))
    else {
        return;
    };
    let lk3 = unit_organization(entries, case);
    let partner = partner_organization(entries, referral.partner_id, export);
    let id = format!("{case_id}-masuk");
    let subject = subject(entries, case, format!("{case_id}-klien"), referral.partner_id, export);
    let opened = case.opened_at().map(instant).unwrap_or_default();
    let mut sr = json!({
        "resourceType": "ServiceRequest",
        "id": id,
        "status": request_status(status),
        "intent": "order",
        "authoredOn": opened,
        "requester": reference(&partner),
        "performer": [reference(&lk3)],
    });
    let mut identifier = Vec::new();
    if let Some(theirs) = &referral.reference {
        identifier.push(
            json!({ "system": format!("{LK3}:partner-reference:{}", referral.partner_id), "value": theirs.as_str() }),
        );
        sr["identifier"] = json!(identifier);
    }
    sr["subject"] = reference(&subject);
    let sr = entries.add(sr);
    let mut task = TaskBase {
        id: &id,
        case_id: case_id.to_string(),
        status,
        focus: &sr,
        authored: opened,
        last: case.last_at().map(instant).unwrap_or_default(),
        requester: &partner,
        owner: &lk3,
        subject: &subject,
    }
    .resource();
    if !identifier.is_empty() {
        task["identifier"] = json!(identifier);
    }
    if let Some(stage) = case.stage() {
        task["businessStatus"] = json!({ "coding": [coding("stage", stage)] });
    }
    let task = entries.add(task);
    // Who received it: the contact's Provenance.
    if let Some(e) = events.first() {
        provenance(entries, e, &task, ("case-command", "record_contact"), &lk3);
    }
}
