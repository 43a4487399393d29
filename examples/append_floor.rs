//! The store's own per-command append, for `benches/append_floor.py`: the
//! counselling sessions that script records through the Python package,
//! recorded here through the Rust API (`CaseStoreExt::execute_on`: decide
//! against the kept case, append in one durable transaction, keep the case
//! it returns), on a copy of the same SQLite file. Prints the CPU seconds of
//! this process over the sessions (user + system), nothing else.
//!
//! ```text
//! cargo run --release --example append_floor -- DB CASE_ID SERVICE_ID STAFF_ID START COMMANDS
//! ```
//!
//! `STAFF_ID` is a konselor's, `START` an RFC 3339 time: session `n` is
//! recorded `n` minutes after it, as the script's are. Without arguments it
//! takes a case of its own to intervention (the script's nine commands) in
//! a new store in a temporary directory, and records 200 sessions.

use std::error::Error;

use chrono::{DateTime, Duration, TimeZone, Utc};
use lk3::core::CommandContext;
use lk3::core::case::{Case, CaseClient, CaseCommand, Consent, ConsentForm, PlanItem, RiskLevel};
use lk3::core::event::Actor;
use lk3::core::ids::{CaseId, CaseNumber, ClientId, CommandId, ConsentId, IdSeed, ServiceId, StaffId, UnitCode};
use lk3::core::service::ServiceCommand;
use lk3::core::vocab::{ConsentPurpose, ContactChannel, Problem, Role, Sasaran, ServiceKind};
use lk3::storage::{CaseStore, CaseStoreExt};

type Outcome<T> = Result<T, Box<dyn Error>>;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Outcome<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let seconds = match args.as_slice() {
        [db, case_id, service_id, staff_id, start, commands] => {
            let store = lk3::storage::open(&format!("sqlite://{db}")).await?;
            let case_id = CaseId::parse(case_id)?;
            let service_id = ServiceId::parse(service_id)?;
            let konselor = Actor::staff(Role::Konselor, StaffId::parse(staff_id)?);
            let start = DateTime::parse_from_rfc3339(start)?.with_timezone(&Utc);
            sessions(&*store, case_id, service_id, konselor, start, commands.parse()?).await?
        }
        [] => {
            let dir = tempfile::tempdir()?;
            let store = lk3::storage::open(&format!("sqlite://{}", dir.path().join("lk3.db").display())).await?;
            let (case_id, service_id, konselor, start) = to_intervention(&*store).await?;
            sessions(&*store, case_id, service_id, konselor, start, 200).await?
        }
        _ => return Err("usage: append_floor [DB CASE_ID SERVICE_ID STAFF_ID START COMMANDS]".into()),
    };
    println!("{seconds}");
    Ok(())
}

/// CPU seconds of `commands` counselling sessions of the case's service,
/// one command and one durable transaction each.
async fn sessions(
    store: &dyn CaseStore,
    case_id: CaseId,
    service_id: ServiceId,
    konselor: Actor,
    start: DateTime<Utc>,
    commands: i64,
) -> Outcome<f64> {
    let stream_id = *case_id.as_uuid();
    let command = CaseCommand::ServiceStep { service_id, step: ServiceCommand::HoldSession {} };
    let mut case: Case = store.load(stream_id).await?.state;
    let cpu = cpu_time::ProcessTime::now();
    for n in 1..=commands {
        let at = start + Duration::minutes(n);
        let ctx = context(konselor, at)?;
        let executed = store.execute_on(&case, stream_id, &command, &ctx).await?;
        case = executed.state.ok_or("a new command was answered as a retry")?;
    }
    Ok(cpu.elapsed().as_secs_f64())
}

/// A command's context: two random seeds from the OS in one call (its id's
/// and its own), as the Python package draws them.
fn context(actor: Actor, at: DateTime<Utc>) -> Outcome<CommandContext> {
    let [id, seed] = seeds()?;
    Ok(CommandContext::new(actor, at, CommandId::new_v7(at, id), seed))
}

/// `N` random seeds, from the OS in one call.
fn seeds<const N: usize>() -> Outcome<[IdSeed; N]> {
    let mut bytes = [[0u8; 10]; N];
    getrandom::fill(bytes.as_flattened_mut()).map_err(|e| e.to_string())?;
    Ok(bytes.map(IdSeed::new))
}

/// A case of one client taken to intervention with a konseling service, by
/// the nine commands of `benches/py_lifecycle.py`'s `to_intervention`: the
/// case, its service, its konselor and the time of its last command.
async fn to_intervention(store: &dyn CaseStore) -> Outcome<(CaseId, ServiceId, Actor, DateTime<Utc>)> {
    let mut at = Utc.with_ymd_and_hms(2019, 3, 4, 8, 0, 0).single().ok_or("a time")?;
    let [s1, s2, s3, s4, s5, s6, case_seed, mother_seed, service_seed, consent_seed] = seeds()?;
    let staff = |role, seed| Actor::staff(role, StaffId::new_v7(at, seed));
    let (relawan, sekretaris, peksos) =
        (staff(Role::Relawan, s1), staff(Role::Sekretaris, s2), staff(Role::PekerjaSosial, s3));
    let (psikolog, konselor, ketua) = (staff(Role::Psikolog, s4), staff(Role::Konselor, s5), staff(Role::Ketua, s6));
    let unit: UnitCode = "64.74".parse()?;
    let case_id = CaseId::new_v7(at, case_seed);
    let mother = ClientId::new_v7(at, mother_seed);
    let service_id = ServiceId::new_v7(at, service_seed);
    let steps = [
        (
            relawan,
            CaseCommand::RecordContact {
                case_id,
                unit,
                case_number: CaseNumber::new(unit, 2019, 1),
                channel: ContactChannel::DatangLangsung,
                sasaran: Sasaran::Keluarga,
                referred_by: None,
            },
        ),
        (
            sekretaris,
            CaseCommand::Register {
                clients: vec![CaseClient { client_id: mother, minor: false, role: None }],
                problems: vec![Problem::Kdrt],
            },
        ),
        (peksos, CaseCommand::StartEngagement {}),
        (
            peksos,
            CaseCommand::RecordConsent {
                consent: Consent {
                    consent_id: ConsentId::new_v7(at, consent_seed),
                    disclose_to: Vec::new(),
                    form: ConsentForm::Tertulis,
                    guardian: None,
                    purposes: vec![ConsentPurpose::Layanan, ConsentPurpose::Asesmen],
                    subject: mother,
                },
            },
        ),
        (peksos, CaseCommand::AgreeContract {}),
        (psikolog, CaseCommand::StartAssessment {}),
        (psikolog, CaseCommand::CompleteAssessment { problems: vec![Problem::Kdrt], risk: RiskLevel::Sedang }),
        (
            peksos,
            CaseCommand::ProposePlan {
                items: vec![PlanItem { partner_id: None, service: ServiceKind::Konseling, service_id }],
            },
        ),
        (ketua, CaseCommand::ApprovePlan { plan_version: 1 }),
    ];
    for (actor, command) in steps {
        at += Duration::minutes(1);
        store.execute::<Case>(*case_id.as_uuid(), &command, &context(actor, at)?).await?;
    }
    Ok((case_id, service_id, konselor, at))
}
