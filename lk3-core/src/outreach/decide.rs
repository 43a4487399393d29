use chrono::SubsecRound;

use super::{
    Outreach, OutreachCommand, OutreachError, OutreachEvent, OutreachEventRecord, OutreachProblem,
    OutreachViolation as Violation, max_attempts, table,
};
use crate::context::CommandContext;
use crate::event::Event;
use crate::ids::OutreachId;
use crate::rules::{Requirement, RuleSetId};

impl Outreach {
    /// Decides a command: returns the events it produces, or the rule it
    /// breaks. Nothing changes either way; apply the events to move on.
    ///
    /// The checks, in order: the outreach exists (or, for `report`, does
    /// not); the outreach table allows the command in the state; the actor's
    /// role may issue it; the command is not dated before the last event;
    /// every requirement of the table row holds; for `schedule`, a visit is
    /// left ([`super::max_attempts`]).
    ///
    /// ```
    /// use chrono::{Duration, TimeZone, Utc};
    /// use lk3_core::event::Actor;
    /// use lk3_core::ids::*;
    /// use lk3_core::outreach::{Outreach, OutreachCommand, OutreachState, ReporterKind};
    /// use lk3_core::vocab::*;
    /// use lk3_core::{CommandContext, ErrorCode, Lk3Error};
    ///
    /// let at = Utc.with_ymd_and_hms(2019, 4, 8, 1, 0, 0).unwrap();
    /// let sekretaris = Actor { staff_id: StaffId::new_v7(at, IdSeed::new([1; 10])), role: Role::Sekretaris };
    /// let ctx = CommandContext::new(sekretaris, at, CommandId::new_v7(at, IdSeed::new([2; 10])), IdSeed::new([3; 10]));
    /// let mut outreach = Outreach::default();
    /// outreach.execute(
    ///     &OutreachCommand::Report {
    ///         outreach_id: OutreachId::new_v7(at, IdSeed::new([4; 10])),
    ///         unit: "64.74".parse()?,
    ///         reported_by: ReporterKind::Bhabinkamtibmas,
    ///         sasaran: Sasaran::Keluarga,
    ///         problems: vec![Problem::Kdrt],
    ///         kode_wilayah: Some("64.74.01.1001".parse()?),
    ///     },
    ///     &ctx,
    /// )?;
    /// assert_eq!(outreach.state(), Some(OutreachState::Dilaporkan));
    ///
    /// // Planning the visit is a social worker's step.
    /// let plan = OutreachCommand::Schedule { planned_for: at + Duration::days(1), mobile_unit: true };
    /// let err = outreach.decide(&plan, &ctx).unwrap_err();
    /// assert_eq!(err.code(), ErrorCode::RoleNotAllowed);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn decide(
        &self,
        command: &OutreachCommand,
        ctx: &CommandContext,
    ) -> Result<Vec<OutreachEventRecord>, OutreachError> {
        let kind = command.kind();
        let rule_set = if self.state.is_some() { self.rule_set } else { ctx.rule_set };
        let refuse = |violation| OutreachError::new(kind, self.state, violation, self.allowed_under(rule_set));

        let stream_id = match (self.outreach_id, command) {
            (None, OutreachCommand::Report { outreach_id, .. }) => *outreach_id,
            (None, _) => return Err(refuse(Violation::OutreachNotFound)),
            (Some(outreach_id), OutreachCommand::Report { .. }) => {
                return Err(refuse(Violation::OutreachExists { outreach_id }));
            }
            (Some(outreach_id), _) => outreach_id,
        };
        let Some(row) = table(rule_set).row(self.state, kind) else {
            return Err(refuse(Violation::TransitionNotAllowed));
        };
        if !row.roles.contains(&ctx.actor.role) {
            return Err(refuse(Violation::RoleNotAllowed { role: ctx.actor.role, allowed_roles: row.roles.clone() }));
        }
        if !crate::time::instant_fits(ctx.at) {
            return Err(refuse(Violation::InvalidCommand { problem: OutreachProblem::TimeOutOfRange }));
        }
        // Stores keep microseconds; a context built by hand may carry more.
        let at = ctx.at.trunc_subsecs(6);
        if let Some(last) = self.last_at.filter(|last| at < *last) {
            return Err(refuse(Violation::TimeRunsBackwards { last, at }));
        }
        for requirement in &row.requires {
            match requirement {
                // Reasons are typed fields: a command without one does not parse.
                Requirement::Reason => {}
                // Also enforced when the visit number is assigned; named here so
                // that the exported table shows the limit.
                Requirement::AttemptsRemaining => {
                    let max = super::max_attempts(rule_set);
                    if self.attempts >= max {
                        return Err(refuse(Violation::AttemptsExhausted {
                            attempts: self.attempts,
                            max_attempts: max,
                        }));
                    }
                }
                other => return Err(refuse(Violation::RequirementUnsupported { requirement: *other })),
            }
        }
        let payload = self.payload(command, rule_set).map_err(refuse)?;
        let head = (self.version, self.last_hash);
        let event = match Event::next(*OutreachId::as_uuid(&stream_id), head, ctx, rule_set, payload) {
            None => return Err(refuse(Violation::InvalidCommand { problem: OutreachProblem::CounterExhausted })),
            Some(sealed) => sealed.map_err(|e| refuse(Violation::Serialization { message: e.to_string() }))?,
        };
        Ok(vec![event])
    }

    /// Decides a command and applies its events: the usual way to drive an
    /// in-memory outreach. On refusal the outreach is unchanged.
    pub fn execute(
        &mut self,
        command: &OutreachCommand,
        ctx: &CommandContext,
    ) -> Result<Vec<OutreachEventRecord>, OutreachError> {
        let events = self.decide(command, ctx)?;
        for e in &events {
            self.apply(e);
        }
        Ok(events)
    }

    /// The number of the next visit, while the rule set allows one more.
    fn next_attempt(&self, rule_set: RuleSetId) -> Result<u32, Violation> {
        let max = max_attempts(rule_set);
        if self.attempts >= max {
            return Err(Violation::AttemptsExhausted { attempts: self.attempts, max_attempts: max });
        }
        self.attempts.checked_add(1).ok_or(Violation::InvalidCommand { problem: OutreachProblem::CounterExhausted })
    }

    /// Checks the command's content and builds its event payload.
    fn payload(&self, command: &OutreachCommand, rule_set: RuleSetId) -> Result<OutreachEvent, Violation> {
        Ok(match command {
            OutreachCommand::Report { outreach_id: _, unit, reported_by, sasaran, problems, kode_wilayah } => {
                OutreachEvent::Reported {
                    kode_wilayah: *kode_wilayah,
                    problems: problems.clone(),
                    reported_by: *reported_by,
                    sasaran: *sasaran,
                    unit: unit.clone(),
                }
            }
            OutreachCommand::Schedule { planned_for, .. } if !crate::time::instant_fits(*planned_for) => {
                return Err(Violation::InvalidCommand { problem: OutreachProblem::TimeOutOfRange });
            }
            OutreachCommand::Schedule { planned_for, mobile_unit } => OutreachEvent::Scheduled {
                attempt: self.next_attempt(rule_set)?,
                mobile_unit: *mobile_unit,
                planned_for: *planned_for,
            },
            // The visit planned by the last `schedule`; the table puts one
            // right before every `carry_out`.
            OutreachCommand::CarryOut {} => OutreachEvent::CarriedOut {
                attempt: self
                    .attempts
                    .checked_add(1)
                    .ok_or(Violation::InvalidCommand { problem: OutreachProblem::CounterExhausted })?,
            },
            OutreachCommand::RecordAgreement { case, client_id } => {
                OutreachEvent::AgreementRecorded { case: *case, client_id: *client_id }
            }
            OutreachCommand::RecordRefusal { reason } => OutreachEvent::RefusalRecorded { reason: *reason },
            OutreachCommand::RecordNotFound {} => OutreachEvent::NotFoundRecorded { attempt: self.attempts },
            OutreachCommand::Close { reason } => OutreachEvent::Closed { reason: *reason },
        })
    }
}
