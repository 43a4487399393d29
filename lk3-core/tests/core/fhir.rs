//! The FHIR R4 export of referrals, held to the tables: every state of every
//! referral machine gives its Task and ServiceRequest status; a client is
//! named only to a partner they consented to; a Provenance per step.

use crate::common;

use chrono::{TimeZone, Utc};
use common::World;
use common::services::{machines, partner, service_in, table};
use lk3_core::case::{Case, CaseCommand, CaseEvent, CaseEventRecord};
use lk3_core::fhir::{FhirExport, SDOHCC_TASK_PROFILE, referral_bundle, service_request_status};
use lk3_core::ids::{ClientId, ServiceId};
use lk3_core::schema::ClientRecord;
use lk3_core::service::{ReferralDraft, ReferralRequest, ServiceCommand};
use lk3_core::vocab::{ConsentPurpose, Problem, ReferralPriority, Role, ServiceKind, Stage};
use lk3_core::{Decider, Labelled};
use serde_json::Value;

fn identity(client: ClientId) -> Option<ClientRecord> {
    Some(ClientRecord {
        client_id: client,
        unit: "64.74".parse().expect("a unit"),
        name: "Nama Rahasia".to_owned(),
        nik: Some("6474015505850003".parse().expect("a NIK")),
        no_kk: None,
        sex: None,
        birth_date: None,
        domicile: None,
    })
}

fn pseudonym(client: ClientId) -> String {
    format!("anon-{}", &client.to_string()[24..])
}

fn bundle(cases: &[(Case, Vec<CaseEventRecord>)]) -> Value {
    let export =
        FhirExport { base: "https://fhir.example/", partners: None, identity: &identity, pseudonym: &pseudonym };
    referral_bundle(cases, &export, Utc.with_ymd_and_hms(2020, 1, 1, 0, 0, 0).single().expect("a time"))
}

fn resources<'b>(bundle: &'b Value, kind: &str) -> Vec<&'b Value> {
    bundle["entry"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| &e["resource"])
        .filter(|r| r["resourceType"] == kind)
        .collect()
}

#[test]
fn every_state_of_every_referral_machine_gives_its_task_and_request_status() {
    let mut checked = 0;
    for (rule_set, kind) in machines().into_iter().filter(|(r, k)| r.rules().service(*k).is_some_and(|s| s.partner)) {
        for state in table(rule_set, kind).states() {
            let (_, case, events, service_id) = service_in(rule_set, kind, state).expect("reachable");
            let b = bundle(&[(case, events.clone())]);
            let tasks = resources(&b, "Task");
            assert_eq!(tasks.len(), 1);
            let task = tasks[0];
            assert_eq!(task["id"], service_id.to_string());
            assert_eq!(task["status"], state.fhir_task_status().expect("a referral state"), "{kind} {state}");
            assert_eq!(task["meta"]["profile"][0], SDOHCC_TASK_PROFILE);
            assert_eq!(task["intent"], "order");
            assert_eq!(task["code"]["coding"][0]["code"], "fulfill");
            assert_eq!(task["owner"]["reference"], format!("Organization/{}", partner()));
            let request = resources(&b, "ServiceRequest")[0];
            assert_eq!(task["focus"]["reference"], format!("ServiceRequest/{service_id}"));
            assert_eq!(request["status"], service_request_status(state));
            // One Provenance per step of the referral (its opening included).
            let steps = events
                .iter()
                .filter(|e| {
                    matches!(&e.payload, CaseEvent::ServiceOpened { service_id: s, .. }
                        | CaseEvent::ServiceStepRecorded { service_id: s, .. } if *s == service_id)
                })
                .count();
            let provenance = resources(&b, "Provenance");
            assert_eq!(provenance.len(), steps, "{kind} {state}");
            for p in provenance {
                assert_eq!(p["target"][0]["reference"], format!("Task/{service_id}"));
            }
            // Every entry's fullUrl is the base, the type and the id.
            for e in b["entry"].as_array().expect("entries") {
                let r = &e["resource"];
                let url = format!(
                    "https://fhir.example/{}/{}",
                    r["resourceType"].as_str().expect("a type"),
                    r["id"].as_str().expect("an id")
                );
                assert_eq!(e["fullUrl"], url);
            }
            checked += 1;
        }
    }
    assert!(checked >= 20, "{checked}");
}

#[test]
fn a_client_is_named_only_to_a_partner_they_consented_to() {
    let mut w = World::new();
    let (mut case, mut events) = w.case_at(Stage::Intervensi);
    let peksos = w.actor(Role::PekerjaSosial, false);
    // The adult consents to disclose to the partner; the child does not.
    let mut cmd = w.consent_command(w.adult, None);
    if let CaseCommand::RecordConsent { consent } = &mut cmd {
        consent.purposes = vec![ConsentPurpose::PengungkapanKeMitra];
        consent.disclose_to = vec![partner()];
    }
    w.run(&mut case, &mut events, peksos, cmd);
    let (first, second) = (ServiceId::new_v7(w.now, w.fresh_seed()), ServiceId::new_v7(w.now, w.fresh_seed()));
    let referral = Some(ReferralDraft { partner_id: partner() });
    for id in [first, second] {
        w.run(
            &mut case,
            &mut events,
            peksos,
            CaseCommand::OpenService { service_id: id, kind: ServiceKind::Rujukan, referral },
        );
    }
    let emergency = Some(lk3_core::vocab::EmergencyReason::AncamanKeselamatan);
    let send = |request| ServiceCommand::Send { response_deadline: None, emergency, request };
    w.run(
        &mut case,
        &mut events,
        peksos,
        CaseCommand::ServiceStep { service_id: first, step: send(ReferralRequest::default()) },
    );
    w.run(
        &mut case,
        &mut events,
        w.actor(Role::Ketua, true),
        CaseCommand::ServiceStep { service_id: first, step: ServiceCommand::ApproveOverride {} },
    );
    // Recorded by LK3 staff for the partner.
    let reject = ServiceCommand::Reject { reason: lk3_core::vocab::ServiceReason::KapasitasPenuh };
    w.run(&mut case, &mut events, peksos, CaseCommand::ServiceStep { service_id: first, step: reject });
    let request = ReferralRequest {
        letter_digest: None,
        priority: Some(ReferralPriority::Darurat),
        problems: vec![Problem::Kdrt],
        replaces: Some(first),
        service: lk3_core::partner::Slug::parse("visum"),
    };
    w.run(&mut case, &mut events, peksos, CaseCommand::ServiceStep { service_id: second, step: send(request) });

    let b = bundle(&[(case, events)]);
    let text = b.to_string();
    let patients = resources(&b, "Patient");
    let named: Vec<_> = patients.iter().filter(|p| p["id"] == w.adult.to_string()).collect();
    assert_eq!(named.len(), 1);
    assert_eq!(named[0]["name"][0]["text"], "Nama Rahasia");
    assert_eq!(named[0]["identifier"][1]["value"], "6474015505850003");
    let hidden: Vec<_> = patients.iter().filter(|p| p["id"] == pseudonym(w.child)).collect();
    assert_eq!(hidden.len(), 1);
    assert_eq!(hidden[0].as_object().map(|o| o.len()), Some(2), "a pseudonymous Patient holds only its id");
    assert!(!text.contains(&w.child.to_string()), "the child's registry id never appears");
    assert_eq!(text.matches("Nama Rahasia").count(), 1, "only the consenting adult is named");
    // The two clients as a Group; the re-sent request replaces the first.
    let group = resources(&b, "Group");
    assert_eq!(group.len(), 2);
    assert_eq!(group[0]["member"].as_array().map(Vec::len), Some(2));
    let requests = resources(&b, "ServiceRequest");
    let resent = requests.iter().find(|r| r["id"] == second.to_string()).expect("the re-sent request");
    assert_eq!(resent["replaces"][0]["reference"], format!("ServiceRequest/{first}"));
    assert_eq!(resent["priority"], "stat");
    assert_eq!(resent["reasonCode"][0]["coding"][0]["code"], "kdrt");
    // The rejection recorded for the partner: on its behalf.
    let on_behalf: Vec<_> =
        resources(&b, "Provenance").into_iter().filter(|p| p["activity"]["coding"][0]["code"] == "reject").collect();
    assert_eq!(on_behalf.len(), 1);
    assert_eq!(on_behalf[0]["agent"][0]["onBehalfOf"]["reference"], format!("Organization/{}", partner()));
    let task = resources(&b, "Task").into_iter().find(|t| t["id"] == first.to_string()).expect("the first task");
    assert_eq!(task["status"], "rejected");
    assert_eq!(task["statusReason"]["coding"][0]["code"], "kapasitas_penuh");
}

/// The case at `stage` as if a partner had referred it, with their reference.
fn referred_at(w: &mut World, stage: Stage) -> (Case, Vec<CaseEventRecord>) {
    let (_, mut events) = w.case_at(stage);
    if let CaseEvent::ContactRecorded { referred_by, .. } = &mut events[0].payload {
        *referred_by = Some(lk3_core::case::IncomingReferral {
            partner_id: partner(),
            reference: lk3_core::case::ExternalReference::parse("B/045/PPA/IX/2019"),
        });
    }
    (Case::from_events(&events), events)
}

#[test]
fn a_referred_case_answers_its_referrer_with_the_performer_status_of_its_stage() {
    use lk3_core::fhir::incoming_referral_status;
    use lk3_core::vocab::Stage as S;
    for stage in S::ALL {
        let mut w = World::new();
        let (case, events) = referred_at(&mut w, *stage);
        let expected = match stage {
            S::Kontak => "requested",
            S::Registrasi | S::PendekatanAwal => "accepted",
            // The fixture closes after the goals were met.
            S::Ditutup => "completed",
            _ => "in-progress",
        };
        assert_eq!(incoming_referral_status(&case), Some(expected), "{stage}");
        let b = bundle(&[(case.clone(), events)]);
        let task = resources(&b, "Task")
            .into_iter()
            .find(|t| t["id"] == format!("{}-masuk", case.case_id().expect("an id")))
            .expect("the incoming Task");
        assert_eq!(task["status"], expected);
        assert_eq!(task["requester"]["reference"], format!("Organization/{}", partner()));
        assert_eq!(task["owner"]["reference"], "Organization/lk3-64.74");
        assert_eq!(task["identifier"][0]["value"], "B/045/PPA/IX/2019");
        // FHIR requires a subject: at kontak, an empty Group of the clients to come.
        let subject = task["for"]["reference"].as_str().expect("a subject");
        let request = resources(&b, "ServiceRequest").into_iter().find(|r| r["id"] == task["id"]).expect("its request");
        assert_eq!(request["subject"]["reference"], subject);
        if *stage == S::Kontak {
            let group = resources(&b, "Group")[0];
            assert_eq!((group["quantity"].as_u64(), group.get("member")), (Some(0), None));
        }
    }
    // Declined: rejected; closed for another reason than goals met: failed.
    let mut w = World::new();
    let (mut case, mut events) = referred_at(&mut w, Stage::PendekatanAwal);
    let decline = CaseCommand::DeclineService { reason: lk3_core::vocab::RefusalReason::KlienMenolak };
    w.run(&mut case, &mut events, w.actor(Role::Ketua, false), decline);
    assert_eq!(incoming_referral_status(&case), Some("rejected"));
    let (mut case, mut events) = referred_at(&mut w, Stage::Intervensi);
    w.close_planned(&mut case, &mut events);
    let moved = CaseCommand::Terminate { reason: lk3_core::vocab::TerminationReason::Pindah };
    w.run(&mut case, &mut events, w.actor(Role::PekerjaSosial, false), moved);
    w.run(&mut case, &mut events, w.actor(Role::Ketua, true), CaseCommand::ApproveClosure {});
    assert_eq!(incoming_referral_status(&case), Some("failed"));
    // A case no partner referred answers nobody.
    let (plain, _) = World::new().case_at(Stage::Intervensi);
    assert_eq!(incoming_referral_status(&plain), None);
}

#[test]
fn a_referrer_is_recorded_by_the_contact_and_left_out_when_there_is_none() {
    let mut w = World::new();
    let mut cmd = w.open_command();
    let plain = serde_json::to_value(&cmd).expect("json");
    assert!(plain.get("referred_by").is_none(), "no referrer: the command reads as before");
    if let CaseCommand::RecordContact { referred_by, .. } = &mut cmd {
        *referred_by = Some(lk3_core::case::IncomingReferral { partner_id: partner(), reference: None });
    }
    let ctx = w.ctx(w.actor(Role::Sekretaris, false));
    let mut case = Case::default();
    let events = case.execute(&cmd, &ctx).expect("recorded");
    assert_eq!(case.referred_by().map(|r| r.partner_id), Some(partner()));
    assert!(Case::replay(&events).is_ok());
    // A reference is a reference, not a name.
    for bad in ["Ibu Siti", "", &"x".repeat(65)] {
        assert!(lk3_core::case::ExternalReference::parse(bad).is_none(), "{bad:?}");
        let json = serde_json::json!({ "partner_id": partner().to_string(), "reference": bad });
        assert!(serde_json::from_value::<lk3_core::case::IncomingReferral>(json).is_err());
    }
}

/// The disclosure rule of roles: a victim disclosed to a partner the case's
/// perpetrator also consented to (the perpetrator's side) is named without
/// her NIK, which locates her; to a partner only she consented to, with it;
/// the perpetrator keeps his. No Patient ever carries an address.
#[test]
fn a_victim_is_never_located_for_the_perpetrator_s_side() {
    for perpetrator_consents in [false, true] {
        let mut w = World::new();
        let father = ClientId::new_v7(w.now, w.fresh_seed());
        w.perpetrator = Some(father);
        let (mut case, mut events) = w.case_at(Stage::Intervensi);
        let peksos = w.actor(Role::PekerjaSosial, false);
        let mut who = vec![w.adult, w.child];
        if perpetrator_consents {
            who.push(father);
        }
        for client in who {
            let guardian = (client == w.child).then_some(w.adult);
            let mut cmd = w.consent_command(client, guardian);
            if let CaseCommand::RecordConsent { consent } = &mut cmd {
                consent.purposes = vec![ConsentPurpose::Layanan, ConsentPurpose::PengungkapanKeMitra];
                consent.disclose_to = vec![partner()];
            }
            w.run(&mut case, &mut events, peksos, cmd);
        }
        let service_id = ServiceId::new_v7(w.now, w.fresh_seed());
        let referral = Some(ReferralDraft { partner_id: partner() });
        w.run(
            &mut case,
            &mut events,
            peksos,
            CaseCommand::OpenService { service_id, kind: ServiceKind::Rujukan, referral },
        );
        // Without his consent to disclose, only as an emergency (an audited override).
        let emergency = (!perpetrator_consents).then_some(lk3_core::vocab::EmergencyReason::AncamanKeselamatan);
        let send = ServiceCommand::Send { response_deadline: None, emergency, request: ReferralRequest::default() };
        w.run(&mut case, &mut events, peksos, CaseCommand::ServiceStep { service_id, step: send });
        assert_eq!(case.discloses_to_perpetrator_side(w.adult, partner()), perpetrator_consents);
        assert!(!case.discloses_to_perpetrator_side(father, partner()), "he is no victim");
        let b = bundle(&[(case, events)]);
        let patients = resources(&b, "Patient");
        let nik_of = |id: ClientId| {
            let p = patients.iter().find(|p| p["id"] == id.to_string()).expect("named: she consented");
            assert!(p.get("address").is_none(), "never an address");
            p["identifier"].as_array().expect("ids").iter().any(|i| i["value"] == "6474015505850003")
        };
        assert_eq!(nik_of(w.adult), !perpetrator_consents, "the victim's NIK only away from his side");
        assert!(nik_of(w.child) != perpetrator_consents, "the child is a victim too");
        if perpetrator_consents {
            assert!(nik_of(father), "the perpetrator's own NIK is his to disclose");
        }
    }
}
