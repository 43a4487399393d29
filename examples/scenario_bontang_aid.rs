//! Scenario (a), Bontang 2019: at the LK3's annual meeting two blind clients
//! receive glasses and sembako from Baznas, and three stroke clients receive
//! wheelchairs from the LK3's DPA budget (seed report 000).
//!
//! `cargo run --example scenario_bontang_aid`

#[path = "common/office.rs"]
mod office;

use chrono::{Duration, TimeZone, Utc};
use lk3::core::case::{Aid, CaseClient, CaseCommand, Consent, ConsentForm, PlanItem, RiskLevel};
use lk3::core::event::verify_chain;
use lk3::core::ids::{AidId, CaseId, CaseNumber, ClientId, ConsentId, ServiceId};
use lk3::core::service::ServiceCommand;
use lk3::core::vocab::{
    AidItem, ConsentPurpose, ContactChannel, FundingSource, Problem, Role, Sasaran, ServiceKind, Stage,
};
use lk3::core::{ErrorCode, Lk3Error};
use office::{Folder, Office};

/// Runs the scenario, asserts its outcomes, and returns the aid handed out
/// as (item, funding, quantity), sorted.
pub fn run() -> Vec<(AidItem, FundingSource, u32)> {
    let start = Utc.with_ymd_and_hms(2019, 2, 11, 1, 0, 0).single().expect("a time");
    let mut o = Office::new(
        "64.74",
        start,
        &[
            ("sekretaris", Role::Sekretaris),
            ("peksos", Role::PekerjaSosial),
            ("ketua", Role::Ketua),
            ("bendahara", Role::Bendahara),
        ],
    );
    let mut f = Folder::default();
    let case_id = CaseId::new_v7(start, o.seed());
    let case_number = CaseNumber::new(o.unit, 2019, 4);
    let unit = o.unit;
    o.run(
        &mut f,
        "sekretaris",
        CaseCommand::RecordContact {
            case_id,
            unit,
            case_number,
            channel: ContactChannel::LaporanMasyarakat,
            sasaran: Sasaran::Kelompok,
            referred_by: None,
        },
    );
    let clients: Vec<ClientId> = (0..5).map(|_| ClientId::new_v7(start, o.seed())).collect();
    let (blind, stroke) = (&clients[..2], &clients[2..]);
    o.run(
        &mut f,
        "sekretaris",
        CaseCommand::Register {
            clients: clients.iter().map(|c| CaseClient { client_id: *c, minor: false, role: None }).collect(),
            problems: vec![Problem::Disabilitas, Problem::SakitMemerlukanBantuan],
        },
    );
    o.run(&mut f, "peksos", CaseCommand::StartEngagement {});
    for c in &clients {
        let consent = Consent {
            consent_id: ConsentId::new_v7(o.at, o.seed()),
            disclose_to: vec![],
            form: ConsentForm::Tertulis,
            guardian: None,
            purposes: vec![ConsentPurpose::Layanan, ConsentPurpose::Asesmen],
            subject: *c,
        };
        o.run(&mut f, "peksos", CaseCommand::RecordConsent { consent });
    }
    o.run(&mut f, "peksos", CaseCommand::AgreeContract {});
    o.run(&mut f, "peksos", CaseCommand::StartAssessment {});
    o.run(
        &mut f,
        "peksos",
        CaseCommand::CompleteAssessment { problems: vec![Problem::Disabilitas], risk: RiskLevel::Sedang },
    );
    let advocacy = ServiceId::new_v7(o.at, o.seed());
    o.run(
        &mut f,
        "peksos",
        CaseCommand::ProposePlan {
            items: vec![PlanItem { partner_id: None, service: ServiceKind::Advokasi, service_id: advocacy }],
        },
    );
    o.run(&mut f, "ketua", CaseCommand::ApprovePlan { plan_version: 1 });
    o.run(&mut f, "peksos", CaseCommand::ServiceStep { service_id: advocacy, step: ServiceCommand::Start {} });
    // The raker of 8 April 2019: the donations are handed over.
    o.later(Duration::days(40));
    let given_on = o.at.date_naive();
    let mut handouts = Vec::new();
    for c in blind {
        handouts.push((*c, AidItem::Kacamata, FundingSource::Baznas));
        handouts.push((*c, AidItem::Sembako, FundingSource::Baznas));
    }
    for c in stroke {
        handouts.push((*c, AidItem::KursiRoda, FundingSource::ApbdDpa));
    }
    for (recipient, item, funding) in handouts {
        let aid = Aid { aid_id: AidId::new_v7(o.at, o.seed()), funding, given_on, item, quantity: 1, recipient };
        o.run(&mut f, "bendahara", CaseCommand::RecordAid { aid });
    }
    // Aid to someone who is not a client of the case is refused.
    let stranger = Aid {
        aid_id: AidId::new_v7(o.at, o.seed()),
        funding: FundingSource::Baznas,
        given_on,
        item: AidItem::Sembako,
        quantity: 1,
        recipient: ClientId::new_v7(o.at, o.seed()),
    };
    let err = o.try_run(&mut f, "bendahara", CaseCommand::RecordAid { aid: stranger }).expect_err("not a client");
    assert_eq!(err.code(), ErrorCode::UnknownReference);
    o.run(&mut f, "peksos", CaseCommand::ServiceStep { service_id: advocacy, step: ServiceCommand::Succeed {} });
    o.run(&mut f, "peksos", CaseCommand::BeginEvaluation {});

    assert_eq!(f.case.stage(), Some(Stage::Evaluasi));
    verify_chain(&f.events).expect("an intact chain");
    let mut totals: Vec<(AidItem, FundingSource, u32)> = Vec::new();
    for a in f.case.aid() {
        match totals.iter_mut().find(|(i, s, _)| *i == a.item && *s == a.funding) {
            Some(t) => t.2 += a.quantity,
            None => totals.push((a.item, a.funding, a.quantity)),
        }
    }
    totals.sort();
    assert_eq!(
        totals,
        vec![
            (AidItem::Kacamata, FundingSource::Baznas, 2),
            (AidItem::Sembako, FundingSource::Baznas, 2),
            (AidItem::KursiRoda, FundingSource::ApbdDpa, 3),
        ]
    );
    assert!(f.case.aid().iter().filter(|a| a.item == AidItem::KursiRoda).all(|a| stroke.contains(&a.recipient)));
    totals
}

#[cfg_attr(test, allow(dead_code))]
fn main() {
    for (item, funding, n) in run() {
        println!("{item} ×{n} ({funding})");
    }
}
