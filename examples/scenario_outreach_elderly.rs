//! Scenario (c): an RT head reports a neglected older woman; the outreach
//! does not find her on the first visit, finds her on the second; she agrees
//! and a case opens from the outreach (DESIGN §6, penjangkauan).
//!
//! `cargo run --example scenario_outreach_elderly`

#[path = "common/office.rs"]
mod office;

use chrono::{Duration, TimeZone, Utc};
use lk3::core::case::{CaseClient, CaseCommand};
use lk3::core::event::verify_chain;
use lk3::core::ids::{CaseId, CaseNumber, ClientId, OutreachId};
use lk3::core::outreach::{CaseLink, Outreach, OutreachCommand, OutreachState, ReporterKind};
use lk3::core::vocab::{ContactChannel, Problem, Role, Sasaran, Stage};
use office::{Folder, Office};

/// Runs the scenario, asserts its outcomes, returns the visits made.
pub fn run() -> u32 {
    let start = Utc.with_ymd_and_hms(2019, 7, 1, 1, 0, 0).single().expect("a time");
    let mut o = Office::new("64.74", start, &[("sekretaris", Role::Sekretaris), ("sari", Role::PekerjaSosial)]);
    let mut outreach = Outreach::default();
    let mut events = Vec::new();
    let report = OutreachCommand::Report {
        outreach_id: OutreachId::new_v7(start, o.seed()),
        unit: o.unit,
        reported_by: ReporterKind::KetuaRt,
        sasaran: Sasaran::Individu,
        problems: vec![Problem::LansiaTerlantar],
        kode_wilayah: "64.74.01.1001".parse().ok(),
    };
    o.try_outreach(&mut outreach, &mut events, "sekretaris", report).expect("reported");
    let visit = |o: &mut Office, outreach: &mut Outreach, events: &mut Vec<_>, found: bool| {
        let planned_for = o.at + Duration::days(1);
        o.try_outreach(outreach, events, "sari", OutreachCommand::Schedule { planned_for, mobile_unit: true })
            .expect("scheduled");
        o.later(Duration::days(1));
        o.try_outreach(outreach, events, "sari", OutreachCommand::CarryOut {}).expect("carried out");
        if !found {
            o.try_outreach(outreach, events, "sari", OutreachCommand::RecordNotFound {}).expect("not found");
        }
    };
    visit(&mut o, &mut outreach, &mut events, false);
    assert_eq!(outreach.state(), Some(OutreachState::TidakDitemukan));
    visit(&mut o, &mut outreach, &mut events, true);
    let case_id = CaseId::new_v7(o.at, o.seed());
    let client_id = ClientId::new_v7(o.at, o.seed());
    o.try_outreach(
        &mut outreach,
        &mut events,
        "sari",
        OutreachCommand::RecordAgreement { case: CaseLink::Opens { case_id }, client_id },
    )
    .expect("agreed");
    // The outreach opens the case it names.
    let mut f = Folder::default();
    let (unit, case_number) = (o.unit, CaseNumber::new(o.unit, 2019, 9));
    o.run(
        &mut f,
        "sari",
        CaseCommand::RecordContact {
            case_id,
            unit,
            case_number,
            channel: ContactChannel::Penjangkauan,
            sasaran: Sasaran::Individu,
            referred_by: None,
        },
    );
    o.run(
        &mut f,
        "sekretaris",
        CaseCommand::Register {
            clients: vec![CaseClient { client_id, minor: false, role: None }],
            problems: vec![Problem::LansiaTerlantar],
        },
    );

    verify_chain(&events).expect("the outreach's chain is intact");
    assert_eq!(outreach.state(), Some(OutreachState::Bersedia));
    assert_eq!(outreach.attempts(), 2);
    assert_eq!(outreach.case_link(), Some(CaseLink::Opens { case_id }));
    assert_eq!(f.case.case_id(), Some(case_id));
    assert_eq!(f.case.channel(), Some(ContactChannel::Penjangkauan));
    assert_eq!(f.case.stage(), Some(Stage::Registrasi));
    assert_eq!(f.case.clients()[0].client_id, client_id);
    outreach.attempts()
}

#[cfg_attr(test, allow(dead_code))]
fn main() {
    println!("found and agreed after {} visits", run());
}
