//! Benchmarks of the core decider (see BENCHMARKS.md for the numbers):
//!
//! - `decide_apply/100_commands`: decide + apply of a 100-command case, from
//!   contact through reopenings, every command accepted, services in play
//!   (each cycle plans konseling, advokasi, informasi and konsultasi and takes
//!   each through its own machine); includes building, hashing and sealing
//!   each event;
//! - `replay/fold_100_events`: folding 100 events into a case;
//! - `replay/verify_and_fold_100_events`: the same after verifying the hash chain.
//!
//! `cargo bench --bench case_lifecycle`

use lk3::core::Decider;
use std::hint::black_box;

use chrono::{DateTime, Duration, TimeZone, Utc};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use lk3::core::CommandContext;
use lk3::core::case::{Case, CaseClient, CaseCommand, CaseEventRecord, Consent, ConsentForm, PlanItem, RiskLevel};
use lk3::core::event::Actor;
use lk3::core::ids::{CaseId, CaseNumber, ClientId, CommandId, ConsentId, IdSeed, ServiceId, StaffId};
use lk3::core::service::ServiceCommand;
use lk3::core::vocab::{
    ConsentPurpose, ContactChannel, Problem, ReopenReason, Role, Sasaran, ServiceKind, TerminationReason,
};

struct Script {
    case: Case,
    steps: Vec<(CaseCommand, CommandContext)>,
    events: Vec<CaseEventRecord>,
    at: DateTime<Utc>,
    n: u64,
}

impl Script {
    fn seed(&mut self) -> IdSeed {
        self.n += 1;
        let mut b = [0u8; 10];
        b[2..].copy_from_slice(&self.n.to_be_bytes());
        IdSeed::new(b)
    }

    fn push(&mut self, actor: Actor, cmd: CaseCommand) {
        self.at += Duration::minutes(7);
        let ctx = CommandContext::new(actor, self.at, CommandId::new_v7(self.at, self.seed()), self.seed());
        let events = self.case.execute(&cmd, &ctx).unwrap_or_else(|e| panic!("script step refused: {e}"));
        self.events.extend(events);
        self.steps.push((cmd, ctx));
    }
}

/// A case of exactly `len` accepted commands: the full lifecycle, then
/// reopen-and-repeat cycles, with four services per plan.
fn script(len: usize) -> Script {
    let at = Utc.with_ymd_and_hms(2019, 3, 4, 1, 0, 0).single().unwrap_or_default();
    let mut s = Script { case: Case::default(), steps: Vec::new(), events: Vec::new(), at, n: 0 };
    let staff = |s: &mut Script, role| Actor::staff(role, StaffId::new_v7(at, s.seed()));
    let (sek, peksos, ketua) =
        (staff(&mut s, Role::Sekretaris), staff(&mut s, Role::PekerjaSosial), staff(&mut s, Role::Ketua));
    let (adult, child) = (ClientId::new_v7(at, s.seed()), ClientId::new_v7(at, s.seed()));
    let unit = "64.74".parse().unwrap_or_else(|_| unreachable!());
    let number = CaseNumber::new("64.74".parse().unwrap_or_else(|_| unreachable!()), 2019, 1);
    let case_id = CaseId::new_v7(at, s.seed());
    s.push(
        sek,
        CaseCommand::RecordContact {
            case_id,
            unit,
            case_number: number,
            channel: ContactChannel::TeleponHotline,
            sasaran: Sasaran::Keluarga,
            referred_by: None,
        },
    );
    s.push(
        sek,
        CaseCommand::Register {
            clients: vec![
                CaseClient { client_id: adult, minor: false, role: None },
                CaseClient { client_id: child, minor: true, role: None },
            ],
            problems: vec![Problem::Kdrt],
        },
    );
    s.push(peksos, CaseCommand::StartEngagement {});
    for (subject, guardian) in [(adult, None), (child, Some(adult))] {
        let consent_id = ConsentId::new_v7(at, s.seed());
        s.push(
            peksos,
            CaseCommand::RecordConsent {
                consent: Consent {
                    consent_id,
                    subject,
                    guardian,
                    purposes: vec![ConsentPurpose::Layanan, ConsentPurpose::Asesmen],
                    disclose_to: vec![],
                    form: ConsentForm::Tertulis,
                },
            },
        );
    }
    s.push(peksos, CaseCommand::AgreeContract {});
    s.push(peksos, CaseCommand::StartAssessment {});
    while s.steps.len() < len {
        s.push(peksos, CaseCommand::CompleteAssessment { problems: vec![Problem::Kdrt], risk: RiskLevel::Tinggi });
        let kinds = [ServiceKind::Konseling, ServiceKind::Advokasi, ServiceKind::Informasi, ServiceKind::Konsultasi];
        let items: Vec<PlanItem> = kinds
            .iter()
            .map(|k| PlanItem { partner_id: None, service: *k, service_id: ServiceId::new_v7(at, s.seed()) })
            .collect();
        s.push(peksos, CaseCommand::ProposePlan { items: items.clone() });
        let plan_version = s.case.proposal().map_or(0, |p| p.plan_version);
        s.push(ketua, CaseCommand::ApprovePlan { plan_version });
        // Each service to its normal end: 7 steps.
        for item in &items {
            let steps: &[ServiceCommand] = match item.service {
                ServiceKind::Advokasi => &[ServiceCommand::Start {}, ServiceCommand::Succeed {}],
                ServiceKind::Informasi => &[ServiceCommand::Provide {}],
                _ => &[ServiceCommand::HoldSession {}, ServiceCommand::Complete { feedback: None }],
            };
            for step in steps {
                s.push(peksos, CaseCommand::ServiceStep { service_id: item.service_id, step: step.clone() });
            }
        }
        s.push(peksos, CaseCommand::BeginEvaluation {});
        s.push(peksos, CaseCommand::Terminate { reason: TerminationReason::TujuanTercapai });
        s.push(peksos, CaseCommand::StartAftercare {});
        s.push(ketua, CaseCommand::ApproveClosure {});
        s.push(peksos, CaseCommand::Reopen { reason: ReopenReason::Kambuh });
    }
    s.steps.truncate(len);
    s.events.truncate(len);
    s
}

fn decide_apply(c: &mut Criterion) {
    let s = script(100);
    let mut group = c.benchmark_group("decide_apply");
    group.throughput(Throughput::Elements(s.steps.len() as u64));
    group.bench_function("100_commands", |b| {
        b.iter(|| {
            let mut case = Case::default();
            for (cmd, ctx) in &s.steps {
                let events = case.decide(black_box(cmd), ctx).unwrap_or_default();
                for e in &events {
                    case.apply(e);
                }
            }
            assert_eq!(case.version(), 100);
            case
        })
    });
    group.finish();
}

fn replay(c: &mut Criterion) {
    let s = script(100);
    assert_eq!(s.events.len(), 100);
    let mut group = c.benchmark_group("replay");
    group.throughput(Throughput::Elements(100));
    group.bench_function("fold_100_events", |b| b.iter(|| Case::from_events(black_box(&s.events))));
    group.bench_function("verify_and_fold_100_events", |b| b.iter(|| Case::replay(black_box(&s.events))));
    group.finish();
}

criterion_group!(benches, decide_apply, replay);
criterion_main!(benches);
