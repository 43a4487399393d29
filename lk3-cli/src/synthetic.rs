//! Synthetic cases for `lk3 demo --cases N`: random but legal walks through
//! the lifecycle, with a progress bar on a terminal.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use indicatif::{ProgressBar, ProgressStyle};
use lk3_core::Labelled;
use lk3_core::case::{CaseClient, CaseCommand, Consent, ConsentForm, PlanItem, RiskLevel};
use lk3_core::event::verify_chain;
use lk3_core::ids::{ConsentId, ReferralId, ServiceId};
use lk3_core::vocab::{
    ConsentPurpose, ContactChannel, EmergencyReason, Problem, ProtectivePartner, RefusalReason, ReopenReason, Sasaran,
    ServiceKind, Stage, TerminationReason,
};
use rand::Rng;
use rand::seq::IndexedRandom;

use crate::CliError;
use crate::demo::{
    DemoCase, KETUA, KONSELOR, PEKSOS_ANDI, PEKSOS_SARI, PSIKOLOG, RELAWAN, SEKRETARIS, Unit, early_end, normal_path,
    wita,
};

/// What the synthetic run produced.
pub struct Stats {
    pub cases: u32,
    pub events: usize,
    pub refused: usize,
    pub chains_intact: usize,
    pub by_stage: BTreeMap<Stage, usize>,
}

/// Generates `n` cases into the unit; `None` when `n` is 0. Each case is
/// verified as soon as it is written and handed to `on_case` (the demo
/// stores it); its events are kept only when `keep_events` (an export wants
/// them), so that long runs stay small. An error of `on_case` ends the run.
pub fn generate(
    unit: &mut Unit,
    n: u32,
    keep_events: bool,
    mut on_case: impl FnMut(&DemoCase) -> Result<(), CliError>,
) -> Result<Option<Stats>, CliError> {
    if n == 0 {
        return Ok(None);
    }
    let bar = ProgressBar::new(u64::from(n));
    bar.set_style(
        ProgressStyle::with_template("{spinner} kasus sintetis {pos}/{len} [{bar:40}] {per_sec} eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut stats = Stats { cases: n, events: 0, refused: 0, chains_intact: 0, by_stage: BTreeMap::new() };
    unit.record_lines = false;
    for _ in 0..n {
        walk(unit);
        if let Some(c) = unit.cases.last_mut() {
            stats.events += c.events.len();
            stats.refused += c.steps.iter().filter(|s| s.outcome.is_err()).count();
            stats.chains_intact += usize::from(verify_chain(&c.events).is_ok());
            if let Some(s) = c.case.stage() {
                *stats.by_stage.entry(s).or_default() += 1;
            }
            if let Err(e) = on_case(c) {
                bar.finish_and_clear();
                return Err(e);
            }
            c.steps = Vec::new();
            if !keep_events {
                c.events = Vec::new();
            }
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    Ok(Some(stats))
}

fn later(unit: &mut Unit, at: &mut DateTime<Utc>, max_hours: i64) -> DateTime<Utc> {
    *at += Duration::hours(unit.rng().random_range(1..=max_hours));
    *at
}

fn walk(unit: &mut Unit) {
    let day = unit.rng().random_range(0..360);
    let mut at = wita(2019, 1, 1, 8, 0) + Duration::days(day);
    let channel = *ContactChannel::ALL.choose(unit.rng()).unwrap_or(&ContactChannel::DatangLangsung);
    let sasaran = if unit.rng().random_bool(0.6) { Sasaran::Keluarga } else { Sasaran::Individu };
    let receiver = if unit.rng().random_bool(0.3) { RELAWAN } else { SEKRETARIS };
    let c = unit.open("sintetis", receiver, at, channel, sasaran);
    let worker = if unit.rng().random_bool(0.5) { PEKSOS_ANDI } else { PEKSOS_SARI };
    let problem = *Problem::ALL.choose(unit.rng()).unwrap_or(&Problem::Lainnya);

    if unit.rng().random_bool(0.05) {
        let t = later(unit, &mut at, 1);
        let referral_id = ReferralId::new_v7(t, unit.seed());
        let partner = *ProtectivePartner::ALL.choose(unit.rng()).unwrap_or(&ProtectivePartner::PolisiUppa);
        unit.step(
            c,
            worker,
            t,
            CaseCommand::SendProtectiveReferral {
                referral_id,
                partner,
                partner_id: None,
                reason: EmergencyReason::AncamanKeselamatan,
            },
        );
    }
    if unit.rng().random_bool(0.15) {
        let service = if unit.rng().random_bool(0.5) { ServiceKind::Informasi } else { ServiceKind::Konsultasi };
        let t = later(unit, &mut at, 2);
        unit.step(
            c,
            KONSELOR,
            t,
            CaseCommand::ResolveOnSpot { service, problems: vec![problem], participants: vec![] },
        );
        return;
    }
    let members = if sasaran == Sasaran::Keluarga { unit.rng().random_range(2..=4) } else { 1 };
    let mut clients = Vec::new();
    for i in 0..members {
        let minor = i > 0 && unit.rng().random_bool(0.5);
        clients.push(CaseClient { client_id: unit.client(at), minor, role: None });
    }
    let t = later(unit, &mut at, 24);
    unit.step(c, SEKRETARIS, t, CaseCommand::Register { clients: clients.clone(), problems: vec![problem] });
    let t = later(unit, &mut at, 48);
    unit.step(c, worker, t, CaseCommand::StartEngagement {});
    if unit.rng().random_bool(0.1) {
        let t = later(unit, &mut at, 24);
        unit.step(c, worker, t, CaseCommand::DeclineService { reason: RefusalReason::KlienMenolak });
        return;
    }
    let adult = clients[0].client_id;
    for client in &clients {
        let guardian = client.minor.then_some(adult);
        let t = later(unit, &mut at, 2);
        let consent_id = ConsentId::new_v7(t, unit.seed());
        unit.step(
            c,
            worker,
            t,
            CaseCommand::RecordConsent {
                consent: Consent {
                    consent_id,
                    subject: client.client_id,
                    guardian,
                    purposes: vec![ConsentPurpose::Layanan, ConsentPurpose::Asesmen],
                    disclose_to: Vec::new(),
                    form: ConsentForm::Tertulis,
                },
            },
        );
    }
    let t = later(unit, &mut at, 2);
    unit.step(c, worker, t, CaseCommand::AgreeContract {});
    let t = later(unit, &mut at, 72);
    unit.step(c, PSIKOLOG, t, CaseCommand::StartAssessment {});
    let mut rounds = 0;
    loop {
        rounds += 1;
        let t = later(unit, &mut at, 120);
        let risk = *RiskLevel::ALL.choose(unit.rng()).unwrap_or(&RiskLevel::Sedang);
        unit.step(c, PSIKOLOG, t, CaseCommand::CompleteAssessment { problems: vec![problem], risk });
        let n_services = unit.rng().random_range(1..=3);
        let mut items = Vec::new();
        for _ in 0..n_services {
            let kinds =
                [ServiceKind::Konseling, ServiceKind::Advokasi, ServiceKind::Informasi, ServiceKind::Konsultasi];
            let service = *kinds.choose(unit.rng()).unwrap_or(&ServiceKind::Konseling);
            items.push(PlanItem { partner_id: None, service, service_id: ServiceId::new_v7(at, unit.seed()) });
        }
        let t = later(unit, &mut at, 24);
        unit.step(c, worker, t, CaseCommand::ProposePlan { items: items.clone() });
        let t = later(unit, &mut at, 48);
        let approve = crate::demo::approve_current(unit, c);
        unit.step(c, KETUA, t, approve);
        for item in &items {
            let path = if unit.rng().random_bool(0.9) {
                normal_path(item.service, worker)
            } else {
                vec![early_end(item.service, worker)]
            };
            for (staff, step) in path {
                let t = later(unit, &mut at, 120);
                unit.step(c, staff, t, CaseCommand::ServiceStep { service_id: item.service_id, step });
            }
        }
        let t = later(unit, &mut at, 48);
        unit.step(c, worker, t, CaseCommand::BeginEvaluation {});
        if rounds < 2 && unit.rng().random_bool(0.2) {
            let t = later(unit, &mut at, 24);
            unit.step(c, worker, t, CaseCommand::Reassess {});
            continue;
        }
        break;
    }
    let t = later(unit, &mut at, 48);
    unit.step(c, worker, t, CaseCommand::Terminate { reason: TerminationReason::TujuanTercapai });
    if unit.rng().random_bool(0.5) {
        let t = later(unit, &mut at, 24);
        unit.step(c, worker, t, CaseCommand::StartAftercare {});
    }
    let t = later(unit, &mut at, 240);
    unit.step(c, KETUA, t, CaseCommand::ApproveClosure {});
    if unit.rng().random_bool(0.1) {
        let t = later(unit, &mut at, 2000);
        unit.step(c, worker, t, CaseCommand::Reopen { reason: ReopenReason::Kambuh });
    }
}
