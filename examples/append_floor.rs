//! The store's own per-command append, for `benches/append_floor.py`: the
//! counselling sessions that script records through the Python package,
//! recorded here through the Rust API (`CaseStoreExt::execute_on`: decide
//! against the kept case, append in one durable transaction, keep the case
//! it returns), on a copy of the same SQLite file. Prints the CPU seconds of
//! this process over the commands (user + system), nothing else.
//!
//! ```text
//! cargo run --release --example append_floor -- DB CASE_ID SERVICE_ID STAFF_ID START COMMANDS
//! ```
//!
//! `STAFF_ID` is a konselor's, `START` an RFC 3339 time: session `n` is
//! recorded `n` minutes after it, as the script's are.

use std::error::Error;

use chrono::{DateTime, Duration, Utc};
use lk3::core::CommandContext;
use lk3::core::case::{Case, CaseCommand};
use lk3::core::event::Actor;
use lk3::core::ids::{CaseId, CommandId, IdSeed, ServiceId, StaffId};
use lk3::core::service::ServiceCommand;
use lk3::core::vocab::Role;
use lk3::storage::CaseStoreExt;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [db, case_id, service_id, staff_id, start, commands] = args.as_slice() else {
        return Err("usage: append_floor DB CASE_ID SERVICE_ID STAFF_ID START COMMANDS".into());
    };
    let store = lk3::storage::open(&format!("sqlite://{db}")).await?;
    let stream_id = *CaseId::parse(case_id)?.as_uuid();
    let konselor = Actor::staff(Role::Konselor, StaffId::parse(staff_id)?);
    let command =
        CaseCommand::ServiceStep { service_id: ServiceId::parse(service_id)?, step: ServiceCommand::HoldSession {} };
    let start: DateTime<Utc> = DateTime::parse_from_rfc3339(start)?.with_timezone(&Utc);
    let commands: i64 = commands.parse()?;
    let mut case: Case = store.load(stream_id).await?.state;
    let cpu = cpu_time::ProcessTime::now();
    for n in 1..=commands {
        let at = start + Duration::minutes(n);
        // Two random seeds a command, from the OS in one call, as the Python package draws them.
        let mut seeds = [[0u8; 10]; 2];
        getrandom::fill(seeds.as_flattened_mut()).map_err(|e| e.to_string())?;
        let ctx =
            CommandContext::new(konselor, at, CommandId::new_v7(at, IdSeed::new(seeds[0])), IdSeed::new(seeds[1]));
        let executed = store.execute_on(&case, stream_id, &command, &ctx).await?;
        case = executed.state.ok_or("a new command was answered as a retry")?;
    }
    println!("{}", cpu.elapsed().as_secs_f64());
    Ok(())
}
