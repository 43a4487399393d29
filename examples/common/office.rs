//! A small LK3 office for the scenario examples: named staff, a clock that
//! moves forward, ids from a counter, and a way to run commands.
#![allow(dead_code)]

use chrono::{DateTime, Duration, Utc};
use lk3::core::CommandContext;
use lk3::core::Decider;
use lk3::core::case::{Case, CaseCommand, CaseEventRecord, CommandError};
use lk3::core::event::Actor;
use lk3::core::ids::{CommandId, IdSeed, PartnerId, StaffId, UnitCode};
use lk3::core::outreach::{Outreach, OutreachCommand, OutreachError, OutreachEventRecord};
use lk3::core::vocab::Role;

/// The office: its unit, its staff, its clock.
pub struct Office {
    /// The unit.
    pub unit: UnitCode,
    /// Now.
    pub at: DateTime<Utc>,
    n: u64,
    staff: Vec<(&'static str, Actor)>,
}

/// A case with its events.
#[derive(Default)]
pub struct Folder {
    /// The case.
    pub case: Case,
    /// Its events, in order.
    pub events: Vec<CaseEventRecord>,
}

impl Office {
    /// An office of `unit` starting at `start`, with named staff.
    pub fn new(unit: &str, start: DateTime<Utc>, staff: &[(&'static str, Role)]) -> Self {
        let unit = unit.parse().expect("a valid unit code");
        let mut o = Office { unit, at: start, n: 0, staff: Vec::new() };
        for (name, role) in staff {
            let id = StaffId::new_v7(start, o.seed());
            o.staff.push((name, Actor::staff(*role, id)));
        }
        o
    }

    /// Fresh randomness (a counter: scenarios are reproducible).
    pub fn seed(&mut self) -> IdSeed {
        self.n += 1;
        let mut b = [0u8; 10];
        b[2..].copy_from_slice(&self.n.to_be_bytes());
        IdSeed::new(b)
    }

    /// Binds a partner's staff member (role `mitra`) to the partner they work for.
    pub fn works_for(&mut self, name: &str, partner_id: PartnerId) {
        let (_, actor) = self.staff.iter_mut().find(|(n, _)| *n == name).expect("a staff member of the office");
        *actor = Actor::mitra(actor.staff_id, partner_id);
    }

    /// A staff member by name.
    pub fn who(&self, name: &str) -> Actor {
        self.staff.iter().find(|(n, _)| *n == name).map(|(_, a)| *a).expect("a staff member of the office")
    }

    /// Moves the clock on.
    pub fn later(&mut self, duration: Duration) -> DateTime<Utc> {
        self.at += duration;
        self.at
    }

    fn ctx(&mut self, who: &str) -> CommandContext {
        self.at += Duration::minutes(10);
        let actor = self.who(who);
        let (command, seed) = (self.seed(), self.seed());
        CommandContext::new(actor, self.at, CommandId::new_v7(self.at, command), seed)
    }

    /// Tries a command on a case.
    pub fn try_run(&mut self, folder: &mut Folder, who: &str, cmd: CaseCommand) -> Result<(), CommandError> {
        let ctx = self.ctx(who);
        let events = folder.case.execute(&cmd, &ctx)?;
        folder.events.extend(events);
        Ok(())
    }

    /// Runs a command the scenario expects to be accepted.
    pub fn run(&mut self, folder: &mut Folder, who: &str, cmd: CaseCommand) {
        let kind = cmd.kind();
        if let Err(e) = self.try_run(folder, who, cmd) {
            panic!("the scenario expected `{kind}` by {who} to be accepted: {e}");
        }
    }

    /// Tries a command on an outreach.
    pub fn try_outreach(
        &mut self,
        outreach: &mut Outreach,
        events: &mut Vec<OutreachEventRecord>,
        who: &str,
        cmd: OutreachCommand,
    ) -> Result<(), OutreachError> {
        let ctx = self.ctx(who);
        events.extend(outreach.execute(&cmd, &ctx)?);
        Ok(())
    }
}
