use super::{
    Case, CaseCommand, CaseCommandKind as K, CaseEvent, CaseEventRecord, CommandError, CommandProblem, Reference,
    Violation,
};

use crate::context::CommandContext;
use crate::decider::{Decider, Head, refusal_into};
use crate::ids::{CaseId, CaseNumberMismatch};
use crate::rules::{CaseRequirement as Requirement, CaseTable, RuleSetId};
use crate::service::ReferralDraft;
use crate::vocab::{ConsentPurpose, Sasaran, TerminationReason};

refusal_into!(Violation, CommandProblem, Violation::CaseNotFound, |id| Violation::CaseExists {
    case_id: CaseId::from_uuid(id)
});

/// A case is decided by the kernel's pipeline ([`Decider`]): its table is the
/// rule set's case table; what is its own is below.
///
/// `decide` checks, in order: the case exists (or, for `record_contact`,
/// does not); the rule set allows the command in the stage; the actor's role
/// may issue it; the command is not dated before the last event; every
/// requirement of the rule-set row holds; the content is consistent.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use lk3_core::case::{Case, CaseCommand};
/// use lk3_core::event::Actor;
/// use lk3_core::ids::*;
/// use lk3_core::vocab::*;
/// use lk3_core::{CommandContext, Decider, ErrorCode, Lk3Error};
///
/// let at = Utc.with_ymd_and_hms(2019, 4, 8, 1, 0, 0).unwrap();
/// let sekretaris = Actor::staff(Role::Sekretaris, StaffId::new_v7(at, IdSeed::new([1; 10])));
/// let ctx = CommandContext::new(sekretaris, at, CommandId::new_v7(at, IdSeed::new([2; 10])), IdSeed::new([3; 10]));
/// let open = CaseCommand::RecordContact {
///     case_id: CaseId::new_v7(at, IdSeed::new([4; 10])),
///     unit: "64.74".parse()?,
///     case_number: "64.74/2019/0001".parse()?,
///     channel: ContactChannel::TeleponHotline,
///     sasaran: Sasaran::Keluarga,
///     referred_by: None,
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
impl Decider for Case {
    type Command = CaseCommand;
    type Payload = CaseEvent;
    type State = crate::vocab::Stage;
    type Kind = K;
    type Requirement = Requirement;
    type Violation = Violation;
    type Error = CommandError;

    fn table(rule_set: RuleSetId) -> &'static CaseTable {
        &rule_set.rules().case
    }

    fn kind(command: &CaseCommand) -> K {
        command.kind()
    }

    fn opens(command: &CaseCommand) -> Option<uuid::Uuid> {
        match command {
            CaseCommand::RecordContact { case_id, .. } => Some(*case_id.as_uuid()),
            _ => None,
        }
    }

    fn opening_unit(command: &CaseCommand) -> Option<&crate::ids::UnitCode> {
        match command {
            CaseCommand::RecordContact { unit, .. } => Some(unit),
            _ => None,
        }
    }

    fn acting_unit(&self, command: &CaseCommand) -> Option<crate::ids::UnitCode> {
        match command {
            // The receiving unit answers a transfer; whether one is pending
            // is `ReceivingUnitStaff`'s to say.
            CaseCommand::AcceptTransfer { .. } | CaseCommand::RefuseTransfer { .. } => {
                self.pending_transfer().map(|t| t.to_unit)
            }
            _ => self.holding_unit().or_else(|| Self::opening_unit(command).copied()),
        }
    }

    fn head(&self) -> Head<crate::vocab::Stage> {
        let last = (self.version, self.last_hash, self.last_at);
        Head::new(self.case_id.map(|id| *id.as_uuid()), self.stage, self.rule_set, last)
    }

    fn check(
        &self,
        requirement: Requirement,
        command: &CaseCommand,
        ctx: &CommandContext,
        rule_set: RuleSetId,
    ) -> Result<(), Violation> {
        self.check_requirement(requirement, command, ctx, rule_set)
    }

    fn payload(
        &self,
        command: &CaseCommand,
        ctx: &CommandContext,
        rule_set: RuleSetId,
    ) -> Result<CaseEvent, Violation> {
        self.content(command, ctx, rule_set)
    }

    fn refuse(&self, kind: K, rule_set: Option<RuleSetId>, violation: Violation) -> CommandError {
        CommandError::new(kind, self.stage, violation, rule_set.map(RuleSetId::rules))
    }

    fn apply(&mut self, event: &CaseEventRecord) {
        self.fold(event);
    }

    fn command_of(event: &CaseEventRecord) -> CaseCommand {
        match &event.payload {
            CaseEvent::ContactRecorded { unit, case_number, channel, sasaran, referred_by } => {
                CaseCommand::RecordContact {
                    case_id: CaseId::from_uuid(event.stream_id),
                    unit: *unit,
                    case_number: case_number.clone(),
                    channel: *channel,
                    sasaran: *sasaran,
                    referred_by: referred_by.clone(),
                }
            }
            CaseEvent::Registered { clients, problems } => {
                CaseCommand::Register { clients: clients.clone(), problems: problems.clone() }
            }
            CaseEvent::ResolvedOnSpot { participants, problems, service } => CaseCommand::ResolveOnSpot {
                service: *service,
                problems: problems.clone(),
                participants: participants.clone(),
            },
            CaseEvent::EngagementStarted { .. } => CaseCommand::StartEngagement {},
            CaseEvent::ConsentRecorded { consent } => CaseCommand::RecordConsent { consent: consent.clone() },
            CaseEvent::ConsentWithdrawn { consent_id } => CaseCommand::WithdrawConsent { consent_id: *consent_id },
            CaseEvent::ContractAgreed { .. } => CaseCommand::AgreeContract {},
            CaseEvent::ServiceDeclined { reason } => CaseCommand::DeclineService { reason: *reason },
            CaseEvent::AssessmentStarted {} => CaseCommand::StartAssessment {},
            CaseEvent::AssessmentCompleted { problems, risk } => {
                CaseCommand::CompleteAssessment { problems: problems.clone(), risk: *risk }
            }
            CaseEvent::PlanProposed { items, .. } => CaseCommand::ProposePlan { items: items.clone() },
            CaseEvent::PlanApproved { plan_version, .. } => CaseCommand::ApprovePlan { plan_version: *plan_version },
            CaseEvent::ServiceOpened { kind, partner_id, service_id } => CaseCommand::OpenService {
                service_id: *service_id,
                kind: *kind,
                referral: partner_id.map(|partner_id| ReferralDraft { partner_id }),
            },
            CaseEvent::ServiceStepRecorded { service_id, step, .. } => {
                CaseCommand::ServiceStep { service_id: *service_id, step: step.clone() }
            }
            CaseEvent::AidGiven { aid } => CaseCommand::RecordAid { aid: *aid },
            CaseEvent::EvaluationStarted {} => CaseCommand::BeginEvaluation {},
            CaseEvent::ReassessmentStarted {} => CaseCommand::Reassess {},
            CaseEvent::ReplanStarted {} => CaseCommand::Replan {},
            CaseEvent::Terminated { reason } => CaseCommand::Terminate { reason: *reason },
            CaseEvent::AftercareStarted {} => CaseCommand::StartAftercare {},
            CaseEvent::ClosureApproved { .. } => CaseCommand::ApproveClosure {},
            CaseEvent::RelapseReported {} => CaseCommand::ReportRelapse {},
            CaseEvent::Reopened { reason } => CaseCommand::Reopen { reason: *reason },
            CaseEvent::ProtectiveReferralSent { referral_id, partner, partner_id, reason, .. } => {
                CaseCommand::SendProtectiveReferral {
                    referral_id: *referral_id,
                    partner: *partner,
                    partner_id: *partner_id,
                    reason: *reason,
                }
            }
            CaseEvent::ProtectiveReferralStepRecorded { referral_id, step, .. } => {
                CaseCommand::ProtectiveReferralStep { referral_id: *referral_id, step: step.clone() }
            }
            CaseEvent::WorkerAssigned { worker, reason, .. } => {
                CaseCommand::AssignWorker { worker: *worker, reason: *reason }
            }
            CaseEvent::TransferRequested { to_unit, reason, .. } => {
                CaseCommand::TransferCase { to_unit: *to_unit, reason: *reason }
            }
            CaseEvent::TransferAccepted { worker, .. } => CaseCommand::AcceptTransfer { worker: *worker },
            CaseEvent::TransferRefused { reason, .. } => CaseCommand::RefuseTransfer { reason: *reason },
            CaseEvent::NoteAdded { note } => CaseCommand::AddNote { note: note.clone() },
            CaseEvent::AttachmentAdded { attachment } => CaseCommand::AddAttachment { attachment: attachment.clone() },
            CaseEvent::ClientRoleSet { client_id, role, .. } => {
                CaseCommand::SetClientRole { client_id: *client_id, role: *role }
            }
        }
    }
}

impl Case {
    fn check_requirement(
        &self,
        requirement: Requirement,
        command: &CaseCommand,
        ctx: &CommandContext,
        rule_set: RuleSetId,
    ) -> Result<(), Violation> {
        match (requirement, command) {
            // Reasons are typed fields: a command without one does not parse.
            (Requirement::Reason, _) => Ok(()),
            (Requirement::ConsentToServices, _) => self.consent_to_services(),
            (Requirement::ConsentToContinue, CaseCommand::ServiceStep { service_id, step }) => {
                self.consent_to_continue(*service_id, step, rule_set)
            }
            (Requirement::ConsentToContinue, _) => {
                self.consent_to_services()?;
                self.guardians_in_force()
            }
            (Requirement::ReferralsEnded, _) => {
                let open: Vec<_> = self.open_referrals(rule_set).map(|s| s.service_id).collect();
                if open.is_empty() { Ok(()) } else { Err(Violation::ReferralsOpen { open }) }
            }
            (Requirement::ConsentToAssessment, _) => {
                match self.clients.iter().find(|c| self.consent_for(c.client_id, ConsentPurpose::Asesmen).is_none()) {
                    Some(c) => Err(Violation::ConsentRequired { client: c.client_id }),
                    None => Ok(()),
                }
            }
            (Requirement::GuardianForChild, CaseCommand::RecordConsent { consent }) => {
                let minor = self.clients.iter().any(|c| c.client_id == consent.subject && c.minor);
                if let Some(guardian) = self.perpetrator_guardian(consent).filter(|_| minor) {
                    return Err(Violation::GuardianIsPerpetrator { client: consent.subject, guardian });
                }
                if minor && !self.valid_guardian(consent) {
                    return Err(Violation::GuardianRequired { client: consent.subject });
                }
                Ok(())
            }
            (Requirement::GuardianForChild, CaseCommand::SetClientRole { client_id, role }) => {
                // Making a child's guardian (in a consent in force) its perpetrator.
                if *role != Some(super::ClientRole::Pelaku) {
                    return Ok(());
                }
                let minors = self.clients.iter().filter(|c| c.minor).map(|c| c.client_id);
                match self
                    .consents
                    .iter()
                    .filter(|c| c.withdrawn_at.is_none())
                    .find(|c| c.consent.guardian == Some(*client_id) && minors.clone().any(|m| m == c.consent.subject))
                {
                    Some(c) => {
                        Err(Violation::GuardianIsPerpetrator { client: c.consent.subject, guardian: *client_id })
                    }
                    None => Ok(()),
                }
            }
            (Requirement::GuardianForChild, _) => self.guardians_in_force(),
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
            (Requirement::ReceivingUnitStaff, _) => match self.pending_transfer() {
                None => Err(Violation::InvalidCommand { problem: CommandProblem::NoTransferPending }),
                Some(t) if ctx.actor.unit == Some(t.to_unit) => Ok(()),
                Some(t) => Err(Violation::OtherUnit { unit: t.to_unit, actor_unit: ctx.actor.unit }),
            },
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

    /// Every registered client has a consent to services in force.
    fn consent_to_services(&self) -> Result<(), Violation> {
        if self.clients.is_empty() {
            return Err(Violation::InvalidCommand { problem: CommandProblem::NoClientsRegistered });
        }
        match self.clients.iter().find(|c| self.consent_for(c.client_id, ConsentPurpose::Layanan).is_none()) {
            Some(c) => Err(Violation::ConsentRequired { client: c.client_id }),
            None => Ok(()),
        }
    }

    /// Every child client's consent to services in force names a valid guardian.
    fn guardians_in_force(&self) -> Result<(), Violation> {
        let unguarded = self.clients.iter().filter(|c| c.minor).find(|c| {
            self.consent_for(c.client_id, ConsentPurpose::Layanan).is_none_or(|r| !self.valid_guardian(&r.consent))
        });
        match unguarded {
            Some(c) => Err(Violation::GuardianRequired { client: c.client_id }),
            None => Ok(()),
        }
    }

    /// [`Requirement::ConsentToContinue`] for a service step: nothing for a
    /// step into a terminal state of the service's machine or the review of
    /// an emergency override; otherwise consent to services (a child's with
    /// a guardian) and, on a referral sent with disclosure consent, that
    /// consent still in force. A step the machine does not allow is left to
    /// the machine to refuse.
    fn consent_to_continue(
        &self,
        service_id: crate::ids::ServiceId,
        step: &crate::service::ServiceCommand,
        rule_set: RuleSetId,
    ) -> Result<(), Violation> {
        let Some(instance) = self.service(service_id) else { return Ok(()) };
        let Some(spec) = rule_set.rules().service(instance.kind) else { return Ok(()) };
        let Some(row) = spec.table.row(Some(instance.state), step.kind()) else { return Ok(()) };
        if spec.table.is_terminal(row.to) || step.kind() == crate::service::ServiceCommandKind::ApproveOverride {
            return Ok(());
        }
        self.consent_covers(instance)
    }

    /// Whether the clients' consent still covers carrying `instance` on:
    /// consent to services in force (a child's naming a guardian) and, for
    /// a referral sent with disclosure consent, that consent still in force.
    pub(super) fn consent_covers(&self, instance: &crate::service::ServiceInstance) -> Result<(), Violation> {
        self.consent_to_services()?;
        self.guardians_in_force()?;
        match (instance.partner_id, instance.sent) {
            (Some(partner_id), Some(_)) if !instance.consent_override => match self.disclosure_gap(partner_id) {
                Some(super::DisclosureGap::Client(client)) => {
                    Err(Violation::DisclosureConsentRequired { client, partner_id })
                }
                Some(super::DisclosureGap::NoClients) => Err(Violation::DisclosureWithoutClients { partner_id }),
                None => Ok(()),
            },
            _ => Ok(()),
        }
    }

    /// A guardian is named, is not the child, is not a child of the case,
    /// and is not the case's perpetrator (in a case of violence against the
    /// child, the person who harmed them never consents for them).
    fn valid_guardian(&self, consent: &super::Consent) -> bool {
        consent.guardian.is_some_and(|g| {
            g != consent.subject
                && !self.clients.iter().any(|c| c.client_id == g && c.minor)
                && self.perpetrator_guardian(consent).is_none()
        })
    }

    /// The guardian a consent names, when the case registered them as a perpetrator.
    fn perpetrator_guardian(&self, consent: &super::Consent) -> Option<crate::ids::ClientId> {
        let g = consent.guardian?;
        self.clients.iter().any(|c| c.client_id == g && c.role == Some(super::ClientRole::Pelaku)).then_some(g)
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
            CaseCommand::ProtectiveReferralStep { referral_id, .. } => match self.protective_referral(*referral_id) {
                None => unknown(Reference::RujukanPerlindungan, referral_id.to_string()),
                Some(_) => Ok(()),
            },
            CaseCommand::RecordAid { aid } => {
                if !self.clients.iter().any(|c| c.client_id == aid.recipient) {
                    return unknown(Reference::Klien, aid.recipient.to_string());
                }
                Ok(())
            }
            CaseCommand::AddNote { note: super::CaseNote { about, .. } }
            | CaseCommand::AddAttachment { attachment: super::CaseAttachment { about, .. } } => {
                match about.iter().find(|a| !self.clients.iter().any(|c| c.client_id == **a)) {
                    Some(a) => unknown(Reference::Klien, a.to_string()),
                    None => Ok(()),
                }
            }
            CaseCommand::SetClientRole { client_id, .. } => {
                if !self.clients.iter().any(|c| c.client_id == *client_id) {
                    return unknown(Reference::Klien, client_id.to_string());
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// Checks the command's content and builds its event payload.
    fn content(
        &self,
        command: &CaseCommand,
        ctx: &CommandContext,
        rule_set: RuleSetId,
    ) -> Result<CaseEvent, Violation> {
        let rules = rule_set.rules();
        let invalid = |problem| Err(Violation::InvalidCommand { problem });
        Ok(match command {
            CaseCommand::RecordContact { case_id: _, unit, case_number, channel, sasaran, referred_by } => {
                if !rules.sasaran.contains(sasaran) {
                    return invalid(CommandProblem::SasaranNotAccepted);
                }
                match case_number.check_fits(unit, ctx.at) {
                    Ok(()) => {}
                    Err(CaseNumberMismatch::OtherUnit) => return invalid(CommandProblem::CaseNumberOfAnotherUnit),
                    Err(CaseNumberMismatch::OtherYear) => return invalid(CommandProblem::CaseNumberOfAnotherYear),
                }
                CaseEvent::ContactRecorded {
                    unit: *unit,
                    case_number: case_number.clone(),
                    channel: *channel,
                    sasaran: *sasaran,
                    referred_by: referred_by.clone(),
                }
            }
            CaseCommand::Register { clients, problems } => {
                if clients.is_empty() {
                    return invalid(CommandProblem::NoClients);
                }
                if has_duplicates(&clients.iter().map(|c| c.client_id).collect::<Vec<_>>()) {
                    return invalid(CommandProblem::DuplicateClient);
                }
                CaseEvent::Registered { clients: clients.clone(), problems: problems.clone() }
            }
            CaseCommand::ResolveOnSpot { service, problems, participants } => {
                if !rules.service(*service).is_some_and(|s| s.resolves_contact) {
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
                if items.iter().any(|i| !i.service.is_case_service()) {
                    return invalid(CommandProblem::NotACaseService);
                }
                if items.iter().any(|i| rules.service(i.service).is_none()) {
                    return invalid(CommandProblem::ServiceNotOffered);
                }
                if items.iter().any(|i| i.partner_id.is_some() && !rules.service(i.service).is_some_and(|s| s.partner))
                {
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
                self.open_service(*service_id, *kind, *referral, ctx, rules)?
            }
            CaseCommand::ServiceStep { service_id, step } => self.service_step(*service_id, step, ctx, rules)?,
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
            CaseCommand::ProtectiveReferralStep { referral_id, step } => {
                self.protective_referral_step(*referral_id, step, ctx, rules)?
            }
            CaseCommand::AssignWorker { worker, reason } => match self.worker {
                Some(previous) if previous != *worker => {
                    CaseEvent::WorkerAssigned { worker: *worker, previous, reason: *reason }
                }
                Some(_) => return invalid(CommandProblem::SameWorker),
                // Unreachable under the table (assignment follows engagement), kept total.
                None => return Err(Violation::TransitionNotAllowed),
            },
            CaseCommand::TransferCase { to_unit, reason } => {
                let Some(from_unit) = self.holding_unit() else { return Err(Violation::TransitionNotAllowed) };
                if self.pending_transfer().is_some() {
                    return invalid(CommandProblem::TransferPending);
                }
                if *to_unit == from_unit {
                    return invalid(CommandProblem::SameUnit);
                }
                CaseEvent::TransferRequested { from_unit, to_unit: *to_unit, reason: *reason }
            }
            CaseCommand::AcceptTransfer { worker } => {
                let Some(t) = self.pending_transfer() else { return invalid(CommandProblem::NoTransferPending) };
                CaseEvent::TransferAccepted {
                    from_unit: t.from_unit,
                    to_unit: t.to_unit,
                    worker: *worker,
                    previous: self.worker,
                }
            }
            CaseCommand::RefuseTransfer { reason } => {
                let Some(t) = self.pending_transfer() else { return invalid(CommandProblem::NoTransferPending) };
                CaseEvent::TransferRefused { to_unit: t.to_unit, reason: *reason }
            }
            CaseCommand::AddNote { note } => {
                if has_duplicates(&note.about) {
                    return invalid(CommandProblem::DuplicateClient);
                }
                if self.notes.iter().any(|n| n.record.note == note.note) {
                    return invalid(CommandProblem::DuplicateId);
                }
                CaseEvent::NoteAdded { note: note.clone() }
            }
            CaseCommand::AddAttachment { attachment } => {
                if has_duplicates(&attachment.about) {
                    return invalid(CommandProblem::DuplicateClient);
                }
                if !(1..=super::MAX_ATTACHMENT_BYTES).contains(&attachment.bytes) {
                    return invalid(CommandProblem::AttachmentSize);
                }
                if self.attachments.iter().any(|a| a.record.attachment == attachment.attachment) {
                    return invalid(CommandProblem::DuplicateId);
                }
                CaseEvent::AttachmentAdded { attachment: attachment.clone() }
            }
            CaseCommand::SetClientRole { client_id, role } => {
                // Known under the table's KnownReference; kept total.
                let previous = self.clients.iter().find(|c| c.client_id == *client_id).and_then(|c| c.role);
                if previous == *role {
                    return invalid(CommandProblem::SameRole);
                }
                CaseEvent::ClientRoleSet { client_id: *client_id, previous, role: *role }
            }
        })
    }
}

/// Whether a list names a client twice.
fn has_duplicates(clients: &[crate::ids::ClientId]) -> bool {
    clients.iter().enumerate().any(|(i, c)| clients[..i].contains(c))
}
