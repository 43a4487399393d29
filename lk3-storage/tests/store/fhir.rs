//! FHIR end to end: a store's referral exported as a Task, updated as a
//! partner's system would, and imported back as the partner's step; refused
//! with the usual error when the step is not allowed.

use crate::conformance::world as common;

use chrono::Duration;
use common::World;
use common::services::partner;
use lk3_core::case::{Case, CaseCommand, CaseEventRecord};
use lk3_core::ids::{PartnerId, ServiceId, StaffId};
use lk3_core::service::{ReferralDraft, ServiceCommand, ServiceCommandKind, ServiceState};
use lk3_core::vocab::{EmergencyReason, Role, ServiceKind, Stage};
use lk3_core::{Decider, Labelled, Lk3Error};
use lk3_storage::CaseStoreExt;
use lk3_storage::fhir::{FhirOptions, apply_task, fhir_bundle};
use lk3_storage::memory::MemoryStore;
use serde_json::{Value, json};

/// A store holding one case with a referral sent to the test partner; the
/// case id, the referral's id and the time of its last event.
async fn store_with_a_sent_referral() -> (MemoryStore, lk3_core::ids::CaseId, ServiceId, chrono::DateTime<chrono::Utc>)
{
    let mut w = World::new();
    let (mut case, mut events) = w.case_at(Stage::Intervensi);
    let peksos = w.actor(Role::PekerjaSosial, false);
    let service_id = ServiceId::new_v7(w.now, w.fresh_seed());
    let referral = Some(ReferralDraft { partner_id: partner() });
    w.run(
        &mut case,
        &mut events,
        peksos,
        CaseCommand::OpenService { service_id, kind: ServiceKind::Rujukan, referral },
    );
    let send = ServiceCommand::Send {
        response_deadline: None,
        emergency: Some(EmergencyReason::AncamanKeselamatan),
        request: Default::default(),
    };
    w.run(&mut case, &mut events, peksos, CaseCommand::ServiceStep { service_id, step: send });
    let approve = CaseCommand::ServiceStep { service_id, step: ServiceCommand::ApproveOverride {} };
    w.run(&mut case, &mut events, w.actor(Role::Ketua, true), approve);
    let store = MemoryStore::new();
    for i in 0..events.len() {
        let before = Case::from_events(&events[..i]);
        store.append(&before, &events[i..=i]).await.expect("appends");
    }
    let last = events.last().map(|e: &CaseEventRecord| e.occurred_at).expect("events");
    (store, case.case_id().expect("an id"), service_id, last)
}

async fn task(store: &MemoryStore, case_id: lk3_core::ids::CaseId) -> Value {
    let options = FhirOptions { base: "https://fhir.example", partners: None, pseudonym_key: b"0123456789abcdef" };
    let at = chrono::DateTime::UNIX_EPOCH;
    let bundle = fhir_bundle(store, Some(case_id), &options, at).await.expect("a bundle");
    bundle["entry"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| e["resource"].clone())
        .find(|r| r["resourceType"] == "Task")
        .expect("a Task")
}

fn updated(task: &Value, status: &str, at: chrono::DateTime<chrono::Utc>) -> Value {
    let mut t = task.clone();
    t["status"] = json!(status);
    t["lastModified"] = json!(at.to_rfc3339());
    t
}

async fn state(store: &MemoryStore, case_id: lk3_core::ids::CaseId, service_id: ServiceId) -> ServiceState {
    store.load_case(case_id).await.expect("the case").state.service(service_id).expect("the referral").state
}

#[tokio::test]
async fn a_partners_task_update_moves_the_referral_once() {
    let (store, case_id, service_id, last) = store_with_a_sent_referral().await;
    let staff = StaffId::new_v7(last, lk3_core::ids::IdSeed::new([0x61; 10]));
    let task = task(&store, case_id).await;
    assert_eq!(task["status"], "requested");

    let accepted = updated(&task, "accepted", last + Duration::hours(1));
    let applied = apply_task(&store, &accepted, staff).await.expect("accepted");
    assert_eq!((applied.before, applied.after), (ServiceState::Dikirim, ServiceState::Diterima));
    assert_eq!(applied.step, Some(ServiceCommandKind::Accept));
    let loaded = store.load_case(case_id).await.expect("the case");
    let event = loaded.events.last().expect("the step");
    assert_eq!((event.actor.role, event.actor.partner_id, event.actor.staff_id), (Role::Mitra, Some(partner()), staff));
    // The same update again: nothing new.
    let again = apply_task(&store, &accepted, staff).await.expect("a no-op");
    assert_eq!((again.step, again.after), (None, ServiceState::Diterima));
    assert_eq!(store.load_case(case_id).await.expect("the case").events.len(), loaded.events.len());

    // In progress, then completed with the partner's outcome.
    let exported = self::task(&store, case_id).await;
    assert_eq!(exported["status"], "accepted");
    apply_task(&store, &updated(&exported, "in-progress", last + Duration::hours(2)), staff)
        .await
        .expect("in progress");
    let mut done = updated(&exported, "completed", last + Duration::hours(3));
    let refused = apply_task(&store, &done, staff).await.expect_err("no outcome");
    assert_eq!(refused.code().id(), "LK3-E037");
    done["output"] = json!([{ "type": { "text": "umpan balik" }, "valueCodeableConcept": { "coding": [
        { "system": "urn:lk3:feedback-outcome", "code": "tertangani" } ] } }]);
    apply_task(&store, &done, staff).await.expect("completed");
    assert_eq!(state(&store, case_id, service_id).await, ServiceState::Selesai);
}

#[tokio::test]
async fn a_task_update_the_rules_refuse_is_refused_with_the_usual_error() {
    let (store, case_id, service_id, last) = store_with_a_sent_referral().await;
    let staff = StaffId::new_v7(last, lk3_core::ids::IdSeed::new([0x62; 10]));
    let task = task(&store, case_id).await;
    let later = last + Duration::hours(1);
    // A status only the LK3 sets, a step the state does not allow, another partner, a time before the last event.
    let mut other = updated(&task, "accepted", later);
    other["owner"] = json!({ "reference": format!("Organization/{}", PartnerId::new_v7(later, lk3_core::ids::IdSeed::new([9; 10]))) });
    for (what, bad, code) in [
        ("entered in error by the partner", updated(&task, "entered-in-error", later), "LK3-E021"),
        ("on hold before accepted", updated(&task, "on-hold", later), "LK3-E036"),
        ("another partner", other, "LK3-E141"),
        ("dated before the last event", updated(&task, "accepted", last - Duration::hours(1)), "LK3-E028"),
        ("a draft", updated(&task, "draft", later), "LK3-E142"),
        ("not a Task", json!({ "resourceType": "Patient" }), "LK3-E142"),
    ] {
        let e = apply_task(&store, &bad, staff).await.expect_err(what);
        assert_eq!(e.code().id(), code, "{what}: {e}");
        assert!(!e.message_id().is_empty());
    }
    assert_eq!(state(&store, case_id, service_id).await, ServiceState::Dikirim, "nothing was written");
    let mut unknown = updated(&task, "accepted", later);
    unknown["id"] = json!(ServiceId::new_v7(later, lk3_core::ids::IdSeed::new([8; 10])).to_string());
    assert_eq!(apply_task(&store, &unknown, staff).await.expect_err("unknown").code().id(), "LK3-E081");
}
