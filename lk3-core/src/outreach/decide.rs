use super::{
    Outreach, OutreachCommand, OutreachCommandKind as K, OutreachError, OutreachEvent, OutreachEventRecord,
    OutreachProblem, OutreachState, OutreachViolation as Violation,
};
use crate::context::CommandContext;
use crate::decider::{Decider, Head, refusal_into};
use crate::ids::OutreachId;
use crate::rules::{OutreachRequirement as Requirement, RuleSetId, Table};

refusal_into!(Violation, OutreachProblem, Violation::OutreachNotFound, |id| Violation::OutreachExists {
    outreach_id: OutreachId::from_uuid(id)
});

/// An outreach is decided by the kernel's pipeline ([`Decider`]) over its
/// own table (the rule set's [`crate::rules::OutreachSpec`]); for `schedule`,
/// a visit must be left under its `max_attempts`.
///
/// ```
/// use chrono::{Duration, TimeZone, Utc};
/// use lk3_core::event::Actor;
/// use lk3_core::ids::*;
/// use lk3_core::outreach::{Outreach, OutreachCommand, OutreachState, ReporterKind};
/// use lk3_core::vocab::*;
/// use lk3_core::{CommandContext, Decider, ErrorCode, Lk3Error};
///
/// let at = Utc.with_ymd_and_hms(2019, 4, 8, 1, 0, 0).unwrap();
/// let sekretaris = Actor::staff(Role::Sekretaris, StaffId::new_v7(at, IdSeed::new([1; 10])));
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
impl Decider for Outreach {
    type Command = OutreachCommand;
    type Payload = OutreachEvent;
    type State = OutreachState;
    type Kind = K;
    type Requirement = Requirement;
    type Violation = Violation;
    type Error = OutreachError;

    fn table(rule_set: RuleSetId) -> &'static Table<OutreachState, K, Requirement> {
        &rule_set.rules().outreach.table
    }

    fn kind(command: &OutreachCommand) -> K {
        command.kind()
    }

    fn opens(command: &OutreachCommand) -> Option<uuid::Uuid> {
        match command {
            OutreachCommand::Report { outreach_id, .. } => Some(*outreach_id.as_uuid()),
            _ => None,
        }
    }

    fn opening_unit(command: &OutreachCommand) -> Option<&crate::ids::UnitCode> {
        match command {
            OutreachCommand::Report { unit, .. } => Some(unit),
            _ => None,
        }
    }

    fn acting_unit(&self, command: &OutreachCommand) -> Option<crate::ids::UnitCode> {
        self.unit().copied().or_else(|| Self::opening_unit(command).copied())
    }

    fn head(&self) -> Head<OutreachState> {
        let last = (self.version, self.last_hash, self.last_at);
        Head::new(self.outreach_id.map(|id| *id.as_uuid()), self.state, self.rule_set, last)
    }

    fn check(
        &self,
        requirement: Requirement,
        _command: &OutreachCommand,
        _ctx: &CommandContext,
        rule_set: RuleSetId,
    ) -> Result<(), Violation> {
        match requirement {
            // Reasons are typed fields: a command without one does not parse.
            Requirement::Reason => Ok(()),
            // Also enforced when the visit number is assigned; named in the
            // table so that the exported table shows the limit.
            Requirement::AttemptsRemaining => self.next_attempt(rule_set).map(|_| ()),
        }
    }

    fn payload(
        &self,
        command: &OutreachCommand,
        _ctx: &CommandContext,
        rule_set: RuleSetId,
    ) -> Result<OutreachEvent, Violation> {
        self.content(command, rule_set)
    }

    fn refuse(&self, kind: K, rule_set: Option<RuleSetId>, violation: Violation) -> OutreachError {
        OutreachError::new(kind, self.state, violation, self.allowed_under(rule_set))
    }

    fn apply(&mut self, event: &OutreachEventRecord) {
        self.fold(event);
    }

    fn command_of(event: &OutreachEventRecord) -> OutreachCommand {
        match &event.payload {
            OutreachEvent::Reported { kode_wilayah, problems, reported_by, sasaran, unit } => OutreachCommand::Report {
                outreach_id: OutreachId::from_uuid(event.stream_id),
                unit: *unit,
                reported_by: *reported_by,
                sasaran: *sasaran,
                problems: problems.clone(),
                kode_wilayah: *kode_wilayah,
            },
            OutreachEvent::Scheduled { mobile_unit, planned_for, .. } => {
                OutreachCommand::Schedule { planned_for: *planned_for, mobile_unit: *mobile_unit }
            }
            OutreachEvent::CarriedOut { .. } => OutreachCommand::CarryOut {},
            OutreachEvent::AgreementRecorded { case, client_id } => {
                OutreachCommand::RecordAgreement { case: *case, client_id: *client_id }
            }
            OutreachEvent::RefusalRecorded { reason } => OutreachCommand::RecordRefusal { reason: *reason },
            OutreachEvent::NotFoundRecorded { .. } => OutreachCommand::RecordNotFound {},
            OutreachEvent::Closed { reason } => OutreachCommand::Close { reason: *reason },
        }
    }
}

impl Outreach {
    /// The number of the next visit, while the rule set allows one more.
    fn next_attempt(&self, rule_set: RuleSetId) -> Result<u32, Violation> {
        let max = rule_set.rules().outreach.max_attempts;
        if self.attempts >= max {
            return Err(Violation::AttemptsExhausted { attempts: self.attempts, max_attempts: max });
        }
        self.attempts.checked_add(1).ok_or(Violation::InvalidCommand { problem: OutreachProblem::CounterExhausted })
    }

    /// Checks the command's content and builds its event payload.
    fn content(&self, command: &OutreachCommand, rule_set: RuleSetId) -> Result<OutreachEvent, Violation> {
        Ok(match command {
            OutreachCommand::Report { outreach_id: _, unit, reported_by, sasaran, problems, kode_wilayah } => {
                if !rule_set.rules().sasaran.contains(sasaran) {
                    return Err(Violation::InvalidCommand { problem: OutreachProblem::SasaranNotAccepted });
                }
                OutreachEvent::Reported {
                    kode_wilayah: *kode_wilayah,
                    problems: problems.clone(),
                    reported_by: *reported_by,
                    sasaran: *sasaran,
                    unit: *unit,
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
