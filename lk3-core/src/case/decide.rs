use super::{
    Case, CaseCommand, CaseCommandKind as K, CaseEvent, CaseEventRecord, CommandError, CommandProblem, Reference,
    Violation,
};
use chrono::SubsecRound;

use crate::context::CommandContext;
use crate::event::Event;
use crate::ids::{CaseId, CaseNumberMismatch};
use crate::rules::{Requirement, RuleSet};
use crate::vocab::{ConsentPurpose, Sasaran, ServiceKind, TerminationReason};

impl Case {
    /// Decides a command: returns the events it produces, or the rule it
    /// breaks. Nothing changes either way; apply the events to move on.
    ///
    /// The checks, in order: the case exists (or, for `record_contact`, does
    /// not); the rule set allows the command in the stage; the actor's role
    /// may issue it; the command is not dated before the last event; every
    /// requirement of the rule-set row holds; the content is consistent.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use lk3_core::case::{Case, CaseCommand};
    /// use lk3_core::event::Actor;
    /// use lk3_core::ids::*;
    /// use lk3_core::vocab::*;
    /// use lk3_core::{CommandContext, ErrorCode, Lk3Error};
    ///
    /// let at = Utc.with_ymd_and_hms(2019, 4, 8, 1, 0, 0).unwrap();
    /// let sekretaris = Actor { staff_id: StaffId::new_v7(at, IdSeed::new([1; 10])), role: Role::Sekretaris };
    /// let ctx = CommandContext::new(sekretaris, at, CommandId::new_v7(at, IdSeed::new([2; 10])), IdSeed::new([3; 10]));
    /// let open = CaseCommand::RecordContact {
    ///     case_id: CaseId::new_v7(at, IdSeed::new([4; 10])),
    ///     unit: "64.74".parse()?,
    ///     case_number: "64.74/2019/0001".parse()?,
    ///     channel: ContactChannel::TeleponHotline,
    ///     sasaran: Sasaran::Keluarga,
    /// };
    /// let mut case = Case::default();
    /// let events = case.decide(&open, &ctx)?;
    /// case.apply(&events[0]);
    /// assert_eq!(case.stage(), Some(Stage::Kontak));
    ///
    /// // A secretary cannot approve a plan, and there is none to approve.
    /// let err = case.decide(&CaseCommand::ApprovePlan { plan_version: 1 }, &ctx).unwrap_err();
    /// assert_eq!(err.code(), ErrorCode::TransitionNotAllowed);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn decide(&self, command: &CaseCommand, ctx: &CommandContext) -> Result<Vec<CaseEventRecord>, CommandError> {
        let kind = command.kind();
        let rules = RuleSet::get(if self.stage.is_some() { self.rule_set } else { ctx.rule_set });
        let refuse = |violation| CommandError::new(kind, self.stage, violation, rules);

        let stream_id = match (self.case_id, command) {
            (None, CaseCommand::RecordContact { case_id, .. }) => *case_id,
            (None, _) => return Err(refuse(Violation::CaseNotFound)),
            (Some(case_id), CaseCommand::RecordContact { .. }) => {
                return Err(refuse(Violation::CaseExists { case_id }));
            }
            (Some(case_id), _) => case_id,
        };
        let Some(row) = rules.transition(self.stage, kind) else {
            return Err(refuse(Violation::TransitionNotAllowed));
        };
        if !row.roles.contains(&ctx.actor.role) {
            return Err(refuse(Violation::RoleNotAllowed { role: ctx.actor.role, allowed_roles: row.roles.clone() }));
        }
        if !crate::time::instant_fits(ctx.at) {
            return Err(refuse(Violation::InvalidCommand { problem: CommandProblem::TimeOutOfRange }));
        }
        // Stores keep microseconds; a context built by hand may carry more.
        let at = ctx.at.trunc_subsecs(6);
        if let Some(last) = self.last_at.filter(|last| at < *last) {
            return Err(refuse(Violation::TimeRunsBackwards { last, at }));
        }
        for requirement in &row.requires {
            self.check(*requirement, command, ctx).map_err(refuse)?;
        }
        let payload = self.payload(command, ctx).map_err(refuse)?;
        let head = (self.version, self.last_hash);
        let event = match Event::next(*CaseId::as_uuid(&stream_id), head, ctx, rules.id(), payload) {
            None => return Err(refuse(Violation::InvalidCommand { problem: CommandProblem::CounterExhausted })),
            Some(sealed) => sealed.map_err(|e| refuse(Violation::Serialization { message: e.to_string() }))?,
        };
        Ok(vec![event])
    }

    /// Decides a command and applies its events: the usual way to drive an
    /// in-memory case. On refusal the case is unchanged.
    pub fn execute(
        &mut self,
        command: &CaseCommand,
        ctx: &CommandContext,
    ) -> Result<Vec<CaseEventRecord>, CommandError> {
        let events = self.decide(command, ctx)?;
        for e in &events {
            self.apply(e);
        }
        Ok(events)
    }

    fn check(&self, requirement: Requirement, command: &CaseCommand, ctx: &CommandContext) -> Result<(), Violation> {
        match (requirement, command) {
            // Reasons are typed fields: a command without one does not parse.
            (Requirement::Reason, _) => Ok(()),
            (Requirement::ConsentToServices, _) => {
                if self.clients.is_empty() {
                    return Err(Violation::InvalidCommand { problem: CommandProblem::NoClientsRegistered });
                }
                match self.clients.iter().find(|c| self.consent_for(c.client_id, ConsentPurpose::Layanan).is_none()) {
                    Some(c) => Err(Violation::ConsentRequired { client: c.client_id }),
                    None => Ok(()),
                }
            }
            (Requirement::ConsentToAssessment, _) => {
                match self.clients.iter().find(|c| self.consent_for(c.client_id, ConsentPurpose::Asesmen).is_none()) {
                    Some(c) => Err(Violation::ConsentRequired { client: c.client_id }),
                    None => Ok(()),
                }
            }
            (Requirement::GuardianForChild, CaseCommand::RecordConsent { consent }) => {
                let minor = self.clients.iter().any(|c| c.client_id == consent.subject && c.minor);
                if minor && !self.valid_guardian(consent) {
                    return Err(Violation::GuardianRequired { client: consent.subject });
                }
                Ok(())
            }
            (Requirement::GuardianForChild, _) => {
                let unguarded = self.clients.iter().filter(|c| c.minor).find(|c| {
                    self.consent_for(c.client_id, ConsentPurpose::Layanan)
                        .is_none_or(|r| !self.valid_guardian(&r.consent))
                });
                match unguarded {
                    Some(c) => Err(Violation::GuardianRequired { client: c.client_id }),
                    None => Ok(()),
                }
            }
            (Requirement::PlanProposed, _) => self.proposal.as_ref().map(|_| ()).ok_or(Violation::PlanRequired),
            (Requirement::SecondPerson, _) => {
                let (proposer, step) = match command.kind() {
                    K::ApprovePlan => (self.proposal.as_ref().map(|p| p.proposed_by), K::ProposePlan),
                    _ => (self.termination.map(|(_, by)| by), K::Terminate),
                };
                match proposer {
                    Some(p) if p == ctx.actor.staff_id => Err(Violation::SecondPersonRequired { proposer: p, step }),
                    _ => Ok(()),
                }
            }
            (Requirement::PlannedServicesClosed, _) => {
                let open: Vec<_> =
                    self.planned_services().filter(|s| !s.is_closed(self.rule_set)).map(|s| s.service_id).collect();
                if open.is_empty() { Ok(()) } else { Err(Violation::PlannedServicesOpen { open }) }
            }
            (
                Requirement::GoalsMetOnlyAfterEvaluation,
                CaseCommand::Terminate { reason: TerminationReason::TujuanTercapai },
            ) => Err(Violation::ReasonNotAllowed { reason: TerminationReason::TujuanTercapai }),
            (Requirement::GoalsMetOnlyAfterEvaluation, _) => Ok(()),
            (Requirement::KnownReference, _) => self.check_reference(command),
            // Requirements of the service machines, checked by the service step.
            (
                Requirement::AtLeastOneSession
                | Requirement::PartnerFeedback
                | Requirement::ConsentToDisclose
                | Requirement::OverrideReviewed,
                _,
            ) => Ok(()),
            // An outreach requirement: no case row names it.
            (Requirement::AttemptsRemaining, _) => Ok(()),
            // A contact resolved on the spot or a case declined before any
            // service was never served: a new contact opens a new case.
            (Requirement::ClosedAfterService, _) => {
                if self.on_spot_service.is_some() || self.refusal.is_some() {
                    Err(Violation::NotReopenable)
                } else {
                    Ok(())
                }
            }
        }
    }

    /// A guardian is named, is not the child, and is not a child of the case.
    fn valid_guardian(&self, consent: &super::Consent) -> bool {
        consent
            .guardian
            .is_some_and(|g| g != consent.subject && !self.clients.iter().any(|c| c.client_id == g && c.minor))
    }

    fn check_reference(&self, command: &CaseCommand) -> Result<(), Violation> {
        let unknown = |what, id: String| Err(Violation::UnknownReference { what, id });
        match command {
            CaseCommand::RecordConsent { consent } => {
                if !self.clients.iter().any(|c| c.client_id == consent.subject) {
                    return unknown(Reference::Klien, consent.subject.to_string());
                }
                Ok(())
            }
            CaseCommand::WithdrawConsent { consent_id } => {
                match self.consents.iter().find(|c| c.consent.consent_id == *consent_id) {
                    None => unknown(Reference::Persetujuan, consent_id.to_string()),
                    Some(c) if c.withdrawn_at.is_some() => {
                        Err(Violation::InvalidCommand { problem: CommandProblem::ConsentAlreadyWithdrawn })
                    }
                    Some(_) => Ok(()),
                }
            }
            CaseCommand::ServiceStep { service_id, .. } => match self.service(*service_id) {
                None => unknown(Reference::Layanan, service_id.to_string()),
                Some(_) => Ok(()),
            },
            CaseCommand::RecordAid { aid } => {
                if !self.clients.iter().any(|c| c.client_id == aid.recipient) {
                    return unknown(Reference::Klien, aid.recipient.to_string());
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// Checks the command's content and builds its event payload.
    fn payload(&self, command: &CaseCommand, ctx: &CommandContext) -> Result<CaseEvent, Violation> {
        let invalid = |problem| Err(Violation::InvalidCommand { problem });
        Ok(match command {
            CaseCommand::RecordContact { case_id: _, unit, case_number, channel, sasaran } => {
                match case_number.check_fits(unit, ctx.at) {
                    Ok(()) => {}
                    Err(CaseNumberMismatch::OtherUnit) => return invalid(CommandProblem::CaseNumberOfAnotherUnit),
                    Err(CaseNumberMismatch::OtherYear) => return invalid(CommandProblem::CaseNumberOfAnotherYear),
                }
                CaseEvent::ContactRecorded {
                    unit: unit.clone(),
                    case_number: case_number.clone(),
                    channel: *channel,
                    sasaran: *sasaran,
                }
            }
            CaseCommand::Register { clients, problems } => {
                if clients.is_empty() {
                    return invalid(CommandProblem::NoClients);
                }
                if clients.iter().enumerate().any(|(i, c)| clients[..i].iter().any(|d| d.client_id == c.client_id)) {
                    return invalid(CommandProblem::DuplicateClient);
                }
                CaseEvent::Registered { clients: clients.clone(), problems: problems.clone() }
            }
            CaseCommand::ResolveOnSpot { service, problems, participants } => {
                if !matches!(service, ServiceKind::Informasi | ServiceKind::Konsultasi) {
                    return invalid(CommandProblem::OnSpotService);
                }
                let group = matches!(self.sasaran, Some(Sasaran::Kelompok | Sasaran::Organisasi | Sasaran::Masyarakat));
                if group && participants.is_empty() {
                    return invalid(CommandProblem::ParticipantsRequired);
                }
                let repeated = participants
                    .iter()
                    .enumerate()
                    .any(|(i, p)| participants[..i].iter().any(|q| q.sasaran == p.sasaran));
                if repeated || participants.iter().any(|p| p.count == 0) {
                    return invalid(CommandProblem::InvalidParticipants);
                }
                CaseEvent::ResolvedOnSpot {
                    participants: participants.clone(),
                    problems: problems.clone(),
                    service: *service,
                }
            }
            CaseCommand::StartEngagement {} => CaseEvent::EngagementStarted { worker: ctx.actor.staff_id },
            CaseCommand::RecordConsent { consent } => {
                if consent.purposes.is_empty() {
                    return invalid(CommandProblem::NoPurpose);
                }
                if self.consents.iter().any(|c| c.consent.consent_id == consent.consent_id) {
                    return invalid(CommandProblem::DuplicateId);
                }
                CaseEvent::ConsentRecorded { consent: consent.clone() }
            }
            CaseCommand::WithdrawConsent { consent_id } => CaseEvent::ConsentWithdrawn { consent_id: *consent_id },
            CaseCommand::AgreeContract {} => CaseEvent::ContractAgreed {
                consents: self
                    .clients
                    .iter()
                    .filter_map(|c| self.consent_for(c.client_id, ConsentPurpose::Layanan))
                    .map(|r| r.consent.consent_id)
                    .collect(),
            },
            CaseCommand::DeclineService { reason } => CaseEvent::ServiceDeclined { reason: *reason },
            CaseCommand::StartAssessment {} => CaseEvent::AssessmentStarted {},
            CaseCommand::CompleteAssessment { problems, risk } => {
                if problems.is_empty() {
                    return invalid(CommandProblem::NoProblems);
                }
                CaseEvent::AssessmentCompleted { problems: problems.clone(), risk: *risk }
            }
            CaseCommand::ProposePlan { items } => {
                if items.is_empty() {
                    return invalid(CommandProblem::EmptyPlan);
                }
                let reused = items.iter().enumerate().any(|(i, item)| {
                    items[..i].iter().any(|o| o.service_id == item.service_id)
                        || self.service(item.service_id).is_some()
                });
                if reused {
                    return invalid(CommandProblem::DuplicateId);
                }
                if items.iter().any(|i| i.service == ServiceKind::Penjangkauan) {
                    return invalid(CommandProblem::NotACaseService);
                }
                if items.iter().any(|i| i.partner_id.is_some() && i.service != ServiceKind::Rujukan) {
                    return invalid(CommandProblem::ReferralOnlyForRujukan);
                }
                let Some(plan_version) = self.plan_versions.checked_add(1) else {
                    return invalid(CommandProblem::CounterExhausted);
                };
                CaseEvent::PlanProposed { plan_version, items: items.clone() }
            }
            CaseCommand::ApprovePlan { plan_version } => match &self.proposal {
                Some(p) if p.plan_version == *plan_version => {
                    CaseEvent::PlanApproved { plan_version: p.plan_version, proposed_by: p.proposed_by }
                }
                Some(_) => return invalid(CommandProblem::PlanVersionMismatch),
                None => return Err(Violation::PlanRequired),
            },
            CaseCommand::OpenService { service_id, kind, referral } => {
                self.open_service(*service_id, *kind, *referral, ctx)?
            }
            CaseCommand::ServiceStep { service_id, step } => self.service_step(*service_id, step, ctx)?,
            CaseCommand::RecordAid { aid } => {
                if aid.quantity == 0 {
                    return invalid(CommandProblem::InvalidQuantity);
                }
                if !crate::time::date_fits(aid.given_on) {
                    return invalid(CommandProblem::TimeOutOfRange);
                }
                if self.unit.as_ref().is_some_and(|unit| aid.given_on > unit.local_dates(ctx.at).1) {
                    return invalid(CommandProblem::AidDateAfterCommand);
                }
                if self.aid.iter().any(|a| a.aid_id == aid.aid_id) {
                    return invalid(CommandProblem::DuplicateId);
                }
                CaseEvent::AidGiven { aid: *aid }
            }
            CaseCommand::BeginEvaluation {} => CaseEvent::EvaluationStarted {},
            CaseCommand::Reassess {} => CaseEvent::ReassessmentStarted {},
            CaseCommand::Replan {} => CaseEvent::ReplanStarted {},
            CaseCommand::Terminate { reason } => CaseEvent::Terminated { reason: *reason },
            CaseCommand::StartAftercare {} => CaseEvent::AftercareStarted {},
            CaseCommand::ApproveClosure {} => match self.termination {
                Some((_, terminated_by)) => CaseEvent::ClosureApproved { terminated_by },
                // Unreachable under the table (closure follows termination), kept total.
                None => return Err(Violation::TransitionNotAllowed),
            },
            CaseCommand::ReportRelapse {} => CaseEvent::RelapseReported {},
            CaseCommand::Reopen { reason } => CaseEvent::Reopened { reason: *reason },
            CaseCommand::SendProtectiveReferral { referral_id, partner, partner_id, reason } => {
                if self.protective_referrals.iter().any(|r| r.referral_id == *referral_id) {
                    return invalid(CommandProblem::DuplicateId);
                }
                // Consent counts only when every client agreed to disclose to this very partner.
                let consented = partner_id.is_some_and(|partner_id| self.disclosure_gap(partner_id).is_none());
                CaseEvent::ProtectiveReferralSent {
                    referral_id: *referral_id,
                    partner: *partner,
                    partner_id: *partner_id,
                    reason: *reason,
                    consent_override: !consented,
                }
            }
        })
    }
}
