//! The validator's meaning checks on forged histories: sealed correctly, so
//! the chain holds, but each breaking one rule that `decide` would refuse.

use crate::common;

use common::World;
use lk3_core::Decider;
use lk3_core::case::{CaseEvent, CaseEventRecord};
use lk3_core::event::Hash;
use lk3_core::schema::CaseDocument;
use lk3_core::validate::{Limits, validate};
use lk3_core::vocab::{Role, Stage};

/// Reseals every event from `from` on, so that only the forged rule is broken.
fn reseal(events: &mut [CaseEventRecord], from: usize) {
    let mut prev = if from == 0 { Hash::GENESIS } else { events[from - 1].hash };
    for e in events[from..].iter_mut() {
        e.prev_hash = prev;
        *e = e.clone().seal().expect("seals");
        prev = e.hash;
    }
}

fn codes(events: Vec<CaseEventRecord>) -> Vec<String> {
    let case = lk3_core::case::Case::from_events(&events);
    let doc = serde_json::to_vec(&CaseDocument::new(case, events)).expect("json");
    let report = validate(&doc, None, &Limits::default());
    let mut codes: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.severity == lk3_core::validate::Severity::Error)
        .map(|f| f.code.clone())
        .collect();
    codes.sort();
    codes.dedup();
    codes
}

fn index_of(events: &[CaseEventRecord], pred: impl Fn(&CaseEvent) -> bool) -> usize {
    events.iter().position(|e| pred(&e.payload)).expect("the event is there")
}

#[test]
fn an_honest_history_is_valid() {
    let (_, events) = World::new().case_at(Stage::Ditutup);
    assert!(codes(events).is_empty());
}

#[test]
fn a_plan_approved_by_its_proposer_is_found() {
    let mut w = World::new();
    let (_, mut events) = w.case_at(Stage::Intervensi);
    let i = index_of(&events, |p| matches!(p, CaseEvent::PlanApproved { .. }));
    let j = index_of(&events, |p| matches!(p, CaseEvent::PlanProposed { .. }));
    events[i].actor = events[j].actor;
    events[i].actor.role = Role::Ketua;
    // The proposer acting as ketua: the role passes, the second-person rule does not.
    events[j].actor.role = Role::PekerjaSosial;
    reseal(&mut events, i);
    assert_eq!(codes(events), ["LK3-E024"]);
}

#[test]
fn a_closure_approved_by_who_terminated_is_found() {
    let mut w = World::new();
    let (_, mut events) = w.case_at(Stage::Ditutup);
    let t = index_of(&events, |p| matches!(p, CaseEvent::Terminated { .. }));
    let c = index_of(&events, |p| matches!(p, CaseEvent::ClosureApproved { .. }));
    events[t].actor = w.actor(Role::Ketua, false);
    events[c].actor = w.actor(Role::Ketua, false);
    reseal(&mut events, t);
    assert_eq!(codes(events), ["LK3-E024"]);
}

#[test]
fn a_contract_without_consent_is_found() {
    let mut w = World::new();
    let (_, mut events) = w.case_at(Stage::Kontrak);
    // Drop both consents and renumber: the contract now rests on nothing.
    events.retain(|e| !matches!(e.payload, CaseEvent::ConsentRecorded { .. }));
    for (n, e) in events.iter_mut().enumerate() {
        e.seq = n as u64 + 1;
    }
    reseal(&mut events, 0);
    assert_eq!(codes(events), ["LK3-E022"]);
}

#[test]
fn a_service_step_by_a_role_its_machine_does_not_allow_is_found() {
    let mut w = World::new();
    let (_, mut events) = w.case_at(Stage::Evaluasi);
    let i = index_of(&events, |p| matches!(p, CaseEvent::ServiceStepRecorded { .. }));
    events[i].actor = w.actor(Role::Sekretaris, false);
    reseal(&mut events, i);
    assert_eq!(codes(events), ["LK3-E021"]);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 200, ..Default::default() })]

    /// Any bytes: a report, never a panic.
    #[test]
    fn any_bytes_give_a_report(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..2000)) {
        let report = validate(&bytes, None, &Limits::default());
        proptest::prop_assert!(report.valid || !report.findings.is_empty());
    }

    /// A real export with bytes flipped: a report, never a panic, and any
    /// finding's pointer resolves in the document when it is still JSON.
    #[test]
    fn damaged_exports_give_a_report(flips in proptest::collection::vec((proptest::prelude::any::<usize>(), proptest::prelude::any::<u8>()), 1..6)) {
        let (case, events) = World::new().case_at(Stage::Intervensi);
        let mut doc = serde_json::to_vec(&CaseDocument::new(case, events)).expect("json");
        for (at, b) in flips {
            let i = at % doc.len();
            doc[i] = b;
        }
        let report = validate(&doc, None, &Limits::default());
        if let Ok(value) = serde_json::from_slice::<serde_json::Value>(&doc) {
            for f in &report.findings {
                proptest::prop_assert!(value.pointer(&f.pointer).is_some(), "{} does not resolve", f.pointer);
            }
        }
    }
}

#[test]
fn partners_a_case_refers_to_must_be_in_the_network_when_it_is_given() {
    use lk3_core::validate::validate_with;
    let mut w = World::new();
    let (mut case, mut events) = w.case_at(Stage::Registrasi);
    let partner_id = lk3_core::ids::PartnerId::new_v7(w.now, w.fresh_seed());
    let mut cmd = w.consent_command(w.adult, None);
    if let lk3_core::case::CaseCommand::RecordConsent { consent } = &mut cmd {
        consent.purposes.push(lk3_core::vocab::ConsentPurpose::PengungkapanKeMitra);
        consent.disclose_to.push(partner_id);
    }
    w.run(&mut case, &mut events, w.actor(Role::PekerjaSosial, false), cmd);
    let doc = serde_json::to_vec(&CaseDocument::new(case, events)).expect("json");
    let empty = lk3_core::partner::PartnerDirectory::new();
    let without = validate(&doc, None, &Limits::default());
    assert!(without.valid, "no network given: nothing to check against");
    let with = validate_with(&doc, None, &Limits::default(), Some(&empty));
    assert!(!with.valid);
    let f = &with.findings[0];
    assert_eq!((f.code.as_str(), f.pointer.as_str()), ("LK3-E031", "/events/2/payload/consent/disclose_to/0"));
}
