//! Scenario (b), a KDRT case from contact through assessment: an emergency
//! referral to the police (UPPA) before any consent, a planned referral to
//! the UPTD PPA (P2TP2A) with the clients' consent, the partner's feedback,
//! evaluation and closure (seed reports 002, 004; DESIGN §5-6).
//!
//! `cargo run --example scenario_kdrt`

#[path = "common/office.rs"]
mod office;

use chrono::{TimeZone, Utc};
use lk3::core::case::{CaseClient, CaseCommand, CaseEvent, Consent, ConsentForm, PlanItem, RiskLevel};
use lk3::core::event::verify_chain;
use lk3::core::ids::{CaseId, CaseNumber, ClientId, ConsentId, PartnerId, ReferralId, ServiceId};
use lk3::core::service::{PartnerFeedback, ServiceCommand, ServiceState};
use lk3::core::vocab::{
    ConsentPurpose as P, ContactChannel, EmergencyReason, FeedbackOutcome, Problem, ProtectivePartner, Role, Sasaran,
    ServiceKind, Stage, TerminationReason,
};
use lk3::core::{ErrorCode, Lk3Error};
use office::{Folder, Office};

/// What the scenario ends with.
#[derive(Debug)]
pub struct Outcome {
    /// The case's final stage.
    pub stage: Option<Stage>,
    /// Events recorded.
    pub events: usize,
    /// Whether the emergency referral overrode missing consent.
    pub emergency_override: bool,
    /// The planned referral's final state.
    pub referral: Option<ServiceState>,
}

/// Runs the scenario and asserts its outcomes.
pub fn run() -> Outcome {
    let start = Utc.with_ymd_and_hms(2019, 3, 4, 13, 15, 0).single().expect("a time");
    let mut o = Office::new(
        "64.74",
        start,
        &[
            ("relawan", Role::Relawan),
            ("sekretaris", Role::Sekretaris),
            ("andi", Role::PekerjaSosial),
            ("dewi", Role::Psikolog),
            ("rahmat", Role::Konselor),
            ("ketua", Role::Ketua),
            ("mitra", Role::Mitra),
        ],
    );
    let polres = PartnerId::new_v7(start, o.seed());
    let uptd_ppa = PartnerId::new_v7(start, o.seed());
    o.works_for("mitra", uptd_ppa);
    let mut f = Folder::default();
    let case_id = CaseId::new_v7(start, o.seed());
    let (unit, number) = (o.unit, CaseNumber::new(o.unit, 2019, 1));
    o.run(
        &mut f,
        "relawan",
        CaseCommand::RecordContact {
            case_id,
            unit,
            case_number: number,
            channel: ContactChannel::TeleponHotline,
            sasaran: Sasaran::Keluarga,
            referred_by: None,
        },
    );
    // The night of the call: the police, before anyone consented.
    let referral_id = ReferralId::new_v7(o.at, o.seed());
    o.run(
        &mut f,
        "andi",
        CaseCommand::SendProtectiveReferral {
            referral_id,
            partner: ProtectivePartner::PolisiUppa,
            partner_id: Some(polres),
            reason: EmergencyReason::KekerasanBerlanjut,
        },
    );
    let (mother, child) = (ClientId::new_v7(o.at, o.seed()), ClientId::new_v7(o.at, o.seed()));
    o.run(
        &mut f,
        "sekretaris",
        CaseCommand::Register {
            clients: vec![
                CaseClient { client_id: mother, minor: false, role: None },
                CaseClient { client_id: child, minor: true, role: None },
            ],
            problems: vec![Problem::Kdrt],
        },
    );
    o.run(&mut f, "andi", CaseCommand::StartEngagement {});
    for (subject, guardian) in [(mother, None), (child, Some(mother))] {
        let consent = Consent {
            consent_id: ConsentId::new_v7(o.at, o.seed()),
            disclose_to: vec![uptd_ppa],
            form: ConsentForm::Tertulis,
            guardian,
            purposes: vec![P::Layanan, P::Asesmen, P::PengungkapanKeMitra],
            subject,
        };
        o.run(&mut f, "andi", CaseCommand::RecordConsent { consent });
    }
    o.run(&mut f, "andi", CaseCommand::AgreeContract {});
    o.run(&mut f, "dewi", CaseCommand::StartAssessment {});
    o.run(
        &mut f,
        "dewi",
        CaseCommand::CompleteAssessment {
            problems: vec![Problem::Kdrt, Problem::KekerasanAnak],
            risk: RiskLevel::Tinggi,
        },
    );
    let (counselling, referral) = (ServiceId::new_v7(o.at, o.seed()), ServiceId::new_v7(o.at, o.seed()));
    o.run(
        &mut f,
        "andi",
        CaseCommand::ProposePlan {
            items: vec![
                PlanItem { partner_id: None, service: ServiceKind::Konseling, service_id: counselling },
                PlanItem { partner_id: Some(uptd_ppa), service: ServiceKind::Rujukan, service_id: referral },
            ],
        },
    );
    o.run(&mut f, "ketua", CaseCommand::ApprovePlan { plan_version: 1 });
    let step = |service_id, step| CaseCommand::ServiceStep { service_id, step };
    o.run(
        &mut f,
        "andi",
        step(referral, ServiceCommand::Send { response_deadline: None, emergency: None, request: Default::default() }),
    );
    o.run(&mut f, "mitra", step(referral, ServiceCommand::Accept {}));
    o.run(&mut f, "mitra", step(referral, ServiceCommand::Process {}));
    for _ in 0..3 {
        o.run(&mut f, "rahmat", step(counselling, ServiceCommand::HoldSession {}));
    }
    o.run(&mut f, "rahmat", step(counselling, ServiceCommand::Complete { feedback: None }));
    // Evaluation waits for the referral's loop to close, with the partner's feedback.
    let err = o.try_run(&mut f, "andi", CaseCommand::BeginEvaluation {}).expect_err("referral open");
    assert_eq!(err.code(), ErrorCode::PlannedServicesOpen);
    let feedback = PartnerFeedback { note_digest: None, outcome: FeedbackOutcome::Tertangani };
    o.run(&mut f, "mitra", step(referral, ServiceCommand::Complete { feedback: Some(feedback) }));
    o.run(&mut f, "andi", CaseCommand::BeginEvaluation {});
    o.run(&mut f, "andi", CaseCommand::Terminate { reason: TerminationReason::TujuanTercapai });
    o.run(&mut f, "ketua", CaseCommand::ApproveClosure {});

    verify_chain(&f.events).expect("an intact chain");
    let emergency_override =
        f.events.iter().any(|e| matches!(e.payload, CaseEvent::ProtectiveReferralSent { consent_override: true, .. }));
    let outcome = Outcome {
        stage: f.case.stage(),
        events: f.events.len(),
        emergency_override,
        referral: f.case.service(referral).map(|s| s.state),
    };
    assert_eq!(outcome.stage, Some(Stage::Ditutup));
    assert!(outcome.emergency_override, "the police referral went before consent, flagged");
    assert_eq!(outcome.referral, Some(ServiceState::Selesai));
    assert_eq!(f.case.service(referral).and_then(|s| s.feedback).map(|f| f.outcome), Some(FeedbackOutcome::Tertangani));
    assert!(f.events.iter().filter(|e| e.payload.is_audit_flagged()).count() == 1);
    outcome
}

#[cfg_attr(test, allow(dead_code))]
fn main() {
    println!("{:?}", run());
}
