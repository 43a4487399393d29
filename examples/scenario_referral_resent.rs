//! Scenario (e): a referral refused by the partner (no capacity), re-sent
//! to another partner, who accepts, handles it and reports back (DESIGN §6,
//! after the HL7 SDOH closed-loop referral Task).
//!
//! `cargo run --example scenario_referral_resent`

#[path = "common/office.rs"]
mod office;

use chrono::{TimeZone, Utc};
use lk3::core::case::{CaseClient, CaseCommand, Consent, ConsentForm, PlanItem, RiskLevel};
use lk3::core::event::verify_chain;
use lk3::core::ids::{CaseId, CaseNumber, ClientId, ConsentId, PartnerId, ServiceId};
use lk3::core::partner::{
    Partner, PartnerDirectory, PartnerKind, PartnerLocation, PartnerLocationKind, PartnerService, PartnerServiceStatus,
    Slug,
};
use lk3::core::service::{PartnerFeedback, ReferralDraft, ReferralRequest, ServiceCommand, ServiceState};
use lk3::core::vocab::{
    ConsentPurpose as P, ContactChannel, FeedbackOutcome, Problem, ReferralPriority, Role, Sasaran, ServiceKind,
    ServiceReason, Stage,
};
use office::{Folder, Office};

fn legal_aid(o: &mut Office, name: &str) -> Partner {
    Partner {
        partner_id: PartnerId::new_v7(o.at, o.seed()),
        unit: o.unit,
        name: name.to_owned(),
        kind: PartnerKind::LbhPosbakum,
        services: vec![PartnerService {
            service_id: "bantuan-hukum".into(),
            name: "Bantuan hukum".into(),
            status: PartnerServiceStatus::Aktif,
        }],
        locations: vec![PartnerLocation {
            location_id: "kantor".into(),
            kode_wilayah: "64.74".parse().ok(),
            address: None,
            kind: PartnerLocationKind::Fisik,
        }],
        accepts_referrals: true,
        emergency_line: false,
        capacity: Some(0),
    }
}

/// Runs the scenario and asserts its outcomes; returns the two referrals' final states.
pub fn run() -> (ServiceState, ServiceState) {
    let start = Utc.with_ymd_and_hms(2019, 9, 2, 1, 0, 0).single().expect("a time");
    let mut o = Office::new(
        "64.74",
        start,
        &[
            ("sekretaris", Role::Sekretaris),
            ("andi", Role::PekerjaSosial),
            ("ketua", Role::Ketua),
            ("lbh", Role::Mitra),
            ("posbakum", Role::Mitra),
        ],
    );
    let mut network = PartnerDirectory::new();
    let (lbh, posbakum) = (legal_aid(&mut o, "LBH Bontang"), legal_aid(&mut o, "Posbakum Pengadilan Agama Bontang"));
    let (lbh_id, posbakum_id) = (lbh.partner_id, posbakum.partner_id);
    o.works_for("lbh", lbh_id);
    o.works_for("posbakum", posbakum_id);
    network.insert(lbh).expect("a valid partner");
    network.insert(posbakum).expect("a valid partner");
    assert_eq!(network.referral_targets().count(), 2);

    let mut f = Folder::default();
    let case_id = CaseId::new_v7(start, o.seed());
    let (unit, case_number) = (o.unit, CaseNumber::new(o.unit, 2019, 8));
    o.run(
        &mut f,
        "sekretaris",
        CaseCommand::RecordContact {
            case_id,
            unit,
            case_number,
            channel: ContactChannel::DatangLangsung,
            sasaran: Sasaran::Individu,
            referred_by: None,
        },
    );
    let mother = ClientId::new_v7(o.at, o.seed());
    o.run(
        &mut f,
        "sekretaris",
        CaseCommand::Register {
            clients: vec![CaseClient { client_id: mother, minor: false, role: None }],
            problems: vec![Problem::Perceraian],
        },
    );
    o.run(&mut f, "andi", CaseCommand::StartEngagement {});
    let consent = Consent {
        consent_id: ConsentId::new_v7(o.at, o.seed()),
        disclose_to: vec![lbh_id, posbakum_id],
        form: ConsentForm::Tertulis,
        guardian: None,
        purposes: vec![P::Layanan, P::Asesmen, P::PengungkapanKeMitra],
        subject: mother,
    };
    o.run(&mut f, "andi", CaseCommand::RecordConsent { consent });
    o.run(&mut f, "andi", CaseCommand::AgreeContract {});
    o.run(&mut f, "andi", CaseCommand::StartAssessment {});
    o.run(
        &mut f,
        "andi",
        CaseCommand::CompleteAssessment { problems: vec![Problem::Perceraian], risk: RiskLevel::Rendah },
    );
    let first = ServiceId::new_v7(o.at, o.seed());
    o.run(
        &mut f,
        "andi",
        CaseCommand::ProposePlan {
            items: vec![PlanItem { partner_id: Some(lbh_id), service: ServiceKind::Rujukan, service_id: first }],
        },
    );
    o.run(&mut f, "ketua", CaseCommand::ApprovePlan { plan_version: 1 });
    let step = |service_id, step| CaseCommand::ServiceStep { service_id, step };
    o.run(
        &mut f,
        "andi",
        step(first, ServiceCommand::Send { response_deadline: None, emergency: None, request: Default::default() }),
    );
    // The LBH refuses, with a reason, recorded by its own staff.
    o.run(&mut f, "lbh", step(first, ServiceCommand::Reject { reason: ServiceReason::KapasitasPenuh }));
    // A refused referral stays refused: the case sends a new one elsewhere.
    assert!(
        o.try_run(
            &mut f,
            "andi",
            step(first, ServiceCommand::Send { response_deadline: None, emergency: None, request: Default::default() })
        )
        .is_err()
    );
    let second = ServiceId::new_v7(o.at, o.seed());
    o.run(
        &mut f,
        "andi",
        CaseCommand::OpenService {
            service_id: second,
            kind: ServiceKind::Rujukan,
            referral: Some(ReferralDraft { partner_id: posbakum_id }),
        },
    );
    // Sent instead of the refused one: the new referral says which it replaces.
    let request = ReferralRequest {
        letter_digest: None,
        priority: Some(ReferralPriority::Segera),
        problems: vec![Problem::Perceraian],
        replaces: Some(first),
        service: Slug::parse("bantuan-hukum"),
    };
    o.run(&mut f, "andi", step(second, ServiceCommand::Send { response_deadline: None, emergency: None, request }));
    o.run(&mut f, "posbakum", step(second, ServiceCommand::Accept {}));
    o.run(&mut f, "posbakum", step(second, ServiceCommand::Process {}));
    let feedback = PartnerFeedback { note_digest: None, outcome: FeedbackOutcome::Sebagian };
    o.run(&mut f, "posbakum", step(second, ServiceCommand::Complete { feedback: Some(feedback) }));
    // Both planned and unplanned referrals are closed; evaluation may begin.
    o.run(&mut f, "andi", CaseCommand::BeginEvaluation {});

    verify_chain(&f.events).expect("an intact chain");
    let state = |id| f.case.service(id).map(|s| s.state).expect("a service");
    assert_eq!(f.case.service(first).and_then(|s| s.reason), Some(ServiceReason::KapasitasPenuh));
    assert_eq!(f.case.service(second).and_then(|s| s.partner_id), Some(posbakum_id));
    assert_eq!(f.case.service(first).and_then(|s| s.replaced_by), Some(second));
    assert_eq!(f.case.stage(), Some(Stage::Evaluasi));
    let outcome = (state(first), state(second));
    assert_eq!(outcome, (ServiceState::Ditolak, ServiceState::Selesai));
    outcome
}

#[cfg_attr(test, allow(dead_code))]
fn main() {
    let (first, second) = run();
    println!("first referral {first}, second referral {second}");
}
