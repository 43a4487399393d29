use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{Aid, CaseClient, CaseEvent, CaseEventRecord, Consent, PlanItem, RiskLevel};
use crate::event::Hash;
use crate::ids::{CaseId, CaseNumber, ClientId, PartnerId, ReferralId, ServiceId, StaffId, UnitCode};
use crate::rules::RuleSetId;
use crate::service::{
    ParticipantCount, PartnerFeedback, ReferralRequest, ServiceCommand, ServiceInstance, ServiceState,
};
use crate::vocab::{
    ConsentPurpose, ContactChannel, EmergencyReason, Problem, ProtectivePartner, RefusalReason, Sasaran, ServiceKind,
    ServiceReason, Stage, TerminationReason,
};

/// A consent and when it was given and withdrawn.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ConsentRecord {
    /// The consent.
    pub consent: Consent,
    /// When it was recorded.
    pub given_at: DateTime<Utc>,
    /// When it was withdrawn, if it was.
    pub withdrawn_at: Option<DateTime<Utc>>,
}

impl ConsentRecord {
    /// Whether it is in force and covers `purpose`.
    pub fn covers(&self, purpose: ConsentPurpose) -> bool {
        self.withdrawn_at.is_none() && self.consent.purposes.contains(&purpose)
    }
}

/// A plan awaiting approval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct PlanProposal {
    /// 1, 2, 3 ... per case.
    #[schemars(range(min = 1))]
    pub plan_version: u32,
    /// Who proposed it.
    pub proposed_by: StaffId,
    /// The services; at least one.
    #[schemars(length(min = 1), extend("uniqueItems" = true))]
    pub items: Vec<PlanItem>,
}

/// An emergency protective referral sent from the case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ProtectiveReferral {
    /// The referral's id.
    pub referral_id: ReferralId,
    /// Where to.
    pub partner: ProtectivePartner,
    /// The partner's registry id, when known.
    pub partner_id: Option<crate::ids::PartnerId>,
    /// Why.
    pub reason: EmergencyReason,
    /// Whether it overrode missing consent.
    pub consent_override: bool,
    /// When.
    pub sent_at: DateTime<Utc>,
    /// Who sent it.
    pub sent_by: StaffId,
    /// Where it stands in the referral service's machine: `dikirim` (sent)
    /// until a step moves it; absent from JSON while `dikirim`.
    #[serde(default = "sent", skip_serializing_if = "is_sent")]
    pub state: ServiceState,
    /// The reason of the last step that gave one (a rejection, a hold, a
    /// failure, a cancellation; a void's reason is its event's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step_reason: Option<ServiceReason>,
    /// The partner's feedback on completing it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub feedback: Option<PartnerFeedback>,
    /// Who approved its consent override.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub override_approved_by: Option<StaffId>,
}

fn sent() -> ServiceState {
    ServiceState::Dikirim
}

fn is_sent(state: &ServiceState) -> bool {
    *state == ServiceState::Dikirim
}

impl ProtectiveReferral {
    /// The referral as an instance of the referral service in the state it
    /// has reached (its id the referral's): what its steps are decided and
    /// folded against, so that a protective referral follows the same
    /// machine as any referral.
    pub fn as_service(&self) -> ServiceInstance {
        ServiceInstance {
            service_id: ServiceId::from_uuid(*self.referral_id.as_uuid()),
            kind: ServiceKind::Rujukan,
            state: self.state,
            plan_version: None,
            opened_at: self.sent_at,
            sessions: 0,
            last_session_at: None,
            actions: Vec::new(),
            reason: self.step_reason,
            partner_id: self.partner_id,
            sent: Some((self.sent_at, self.sent_by)),
            response_deadline: None,
            consent_override: self.consent_override,
            override_approved_by: self.override_approved_by,
            feedback: self.feedback,
            request: ReferralRequest::default(),
            replaced_by: None,
        }
    }
}

/// The state of a case: the fold of its events. `Case::default()` is the
/// state before the first event (no case yet).
///
/// ```
/// use lk3_core::case::Case;
/// let empty = Case::default();
/// assert_eq!(empty.stage(), None);
/// assert_eq!(empty.version(), 0);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, schemars::JsonSchema)]
pub struct Case {
    pub(super) case_id: Option<CaseId>,
    pub(super) opened_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) rule_set: Option<RuleSetId>,
    pub(super) stage: Option<Stage>,
    pub(super) version: u64,
    pub(super) last_hash: Hash,
    pub(super) last_at: Option<DateTime<Utc>>,
    pub(super) unit: Option<UnitCode>,
    pub(super) case_number: Option<CaseNumber>,
    pub(super) channel: Option<ContactChannel>,
    pub(super) sasaran: Option<Sasaran>,
    /// The organisation that referred the case, when another did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) referred_by: Option<super::IncomingReferral>,
    #[schemars(extend("uniqueItems" = true))]
    pub(super) clients: Vec<CaseClient>,
    pub(super) problems: Vec<Problem>,
    pub(super) risk: Option<RiskLevel>,
    pub(super) worker: Option<StaffId>,
    pub(super) consents: Vec<ConsentRecord>,
    pub(super) plan_versions: u32,
    pub(super) proposal: Option<PlanProposal>,
    pub(super) services: Vec<ServiceInstance>,
    pub(super) aid: Vec<Aid>,
    #[schemars(extend("uniqueItems" = true))]
    pub(super) participants: Vec<ParticipantCount>,
    #[schemars(transform = crate::schema::limits::on_spot_service)]
    pub(super) on_spot_service: Option<ServiceKind>,
    pub(super) refusal: Option<RefusalReason>,
    pub(super) termination: Option<(TerminationReason, StaffId)>,
    pub(super) continuing: bool,
    pub(super) reopen_count: u32,
    /// When the current stage was entered (derived for tasks; not in JSON).
    #[serde(skip)]
    pub(super) stage_since: Option<DateTime<Utc>>,
    /// When the assessment became due to be done: the contract, or a
    /// reassessment begun (derived for tasks; not in JSON).
    #[serde(skip)]
    pub(super) assessment_from: Option<DateTime<Utc>>,
    pub(super) protective_referrals: Vec<ProtectiveReferral>,
    /// Transfers to other units, in order; absent from JSON when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) transfers: Vec<super::Transfer>,
    /// The unit holding the case since a transfer was accepted; absent
    /// while the opening unit holds it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) holder: Option<UnitCode>,
    /// The notes kept with the case (digests only); absent from JSON when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) notes: Vec<super::Kept<super::CaseNote>>,
    /// The documents attached to the case (digests only); absent from JSON when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) attachments: Vec<super::Kept<super::CaseAttachment>>,
}

/// Why a disclosure to a partner lacks consent (see [`Case::disclosure_gap`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DisclosureGap {
    /// The case has no registered client: nobody could consent.
    NoClients,
    /// This client has no consent in force to disclose to the partner.
    Client(ClientId),
}

impl Case {
    /// The case's id, once opened.
    pub fn case_id(&self) -> Option<CaseId> {
        self.case_id
    }
    /// When the contact that opened the case was recorded.
    pub fn opened_at(&self) -> Option<DateTime<Utc>> {
        self.opened_at
    }
    /// The rule set the case was opened under (`None` before it is opened).
    pub fn rule_set(&self) -> Option<RuleSetId> {
        self.rule_set
    }
    /// The current stage (`None` before the first event).
    pub fn stage(&self) -> Option<Stage> {
        self.stage
    }
    /// The seq of the last event applied (0 before the first).
    pub fn version(&self) -> u64 {
        self.version
    }
    /// The hash of the last event applied.
    pub fn last_hash(&self) -> Hash {
        self.last_hash
    }
    /// When the last event happened.
    pub fn last_at(&self) -> Option<DateTime<Utc>> {
        self.last_at
    }
    /// The LK3 unit that opened the case: its history is stored there.
    pub fn unit(&self) -> Option<&UnitCode> {
        self.unit.as_ref()
    }
    /// The LK3 unit holding the case now: the opening unit until a transfer
    /// is accepted, then the unit that accepted the last one.
    pub fn holding_unit(&self) -> Option<UnitCode> {
        self.holder.or(self.unit)
    }
    /// When the case entered its current stage.
    pub fn stage_since(&self) -> Option<DateTime<Utc>> {
        self.stage_since
    }
    /// When the assessment became due to be done: the contract agreed, or a
    /// reassessment begun.
    pub fn assessment_from(&self) -> Option<DateTime<Utc>> {
        self.assessment_from
    }
    /// The notes kept with the case, in the order they were added.
    pub fn notes(&self) -> &[super::Kept<super::CaseNote>] {
        &self.notes
    }
    /// The documents attached to the case, in the order they were added.
    pub fn attachments(&self) -> &[super::Kept<super::CaseAttachment>] {
        &self.attachments
    }
    /// The transfers to other units, in the order they were asked.
    pub fn transfers(&self) -> &[super::Transfer] {
        &self.transfers
    }
    /// The transfer awaiting the receiving unit's answer, if any.
    pub fn pending_transfer(&self) -> Option<&super::Transfer> {
        self.transfers.last().filter(|t| t.state == super::TransferState::Diajukan)
    }
    /// The human case number.
    pub fn case_number(&self) -> Option<&CaseNumber> {
        self.case_number.as_ref()
    }
    /// How the contact came in.
    pub fn channel(&self) -> Option<ContactChannel> {
        self.channel
    }
    /// Who the service is for.
    pub fn sasaran(&self) -> Option<Sasaran> {
        self.sasaran
    }
    /// The organisation that referred the case (rujukan masuk), when another did.
    pub fn referred_by(&self) -> Option<&super::IncomingReferral> {
        self.referred_by.as_ref()
    }
    /// The registered clients.
    pub fn clients(&self) -> &[CaseClient] {
        &self.clients
    }
    /// The problems stated at registration, replaced by the last assessment's.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }
    /// The last assessment's risk.
    pub fn risk(&self) -> Option<RiskLevel> {
        self.risk
    }
    /// The worker who started the engagement.
    pub fn worker(&self) -> Option<StaffId> {
        self.worker
    }
    /// Every consent recorded, in order.
    pub fn consents(&self) -> &[ConsentRecord] {
        &self.consents
    }
    /// The plan awaiting approval.
    pub fn proposal(&self) -> Option<&PlanProposal> {
        self.proposal.as_ref()
    }
    /// Every service instance of the case, planned or not, in the order opened.
    pub fn services(&self) -> &[ServiceInstance] {
        &self.services
    }
    /// The service instances that approved plans planned.
    pub fn planned_services(&self) -> impl Iterator<Item = &ServiceInstance> {
        self.services.iter().filter(|s| s.plan_version.is_some())
    }
    /// A service instance by id.
    pub fn service(&self, service_id: crate::ids::ServiceId) -> Option<&ServiceInstance> {
        self.services.iter().find(|s| s.service_id == service_id)
    }
    /// Referrals waiting for the partner's answer past their deadline at
    /// `now`; none in a closed case (a closed case has nothing to chase, and
    /// only a history written before closing needed its referrals ended can
    /// hold one still `dikirim`).
    pub fn overdue_referrals(&self, now: DateTime<Utc>) -> impl Iterator<Item = &ServiceInstance> {
        let closed = self.is_closed();
        self.services.iter().filter(move |s| !closed && s.is_overdue(now))
    }
    /// The referrals (services of a partner) not yet in a terminal state of
    /// their machine under `rule_set`.
    pub fn open_referrals(&self, rule_set: RuleSetId) -> impl Iterator<Item = &ServiceInstance> {
        self.services.iter().filter(move |s| {
            rule_set.rules().service(s.kind).is_some_and(|spec| spec.partner && !spec.table.is_terminal(s.state))
        })
    }
    /// Open referrals the clients' consent no longer covers, in a stage whose
    /// service steps need it: a client's consent to services, or (for a
    /// referral sent with consent) to disclose to its partner, was withdrawn. Each must now be cancelled by
    /// the LK3 or ended by the partner; no other step is allowed on it
    /// ([`crate::rules::CaseRequirement::ConsentToContinue`]).
    pub fn referrals_to_end(&self) -> Vec<&ServiceInstance> {
        let Some(rule_set) = self.rule_set else { return Vec::new() };
        // Only where the stage's service steps ask for that consent at all.
        let asked = rule_set
            .rules()
            .transition(self.stage, super::CaseCommandKind::ServiceStep)
            .is_some_and(|row| row.requires.contains(&crate::rules::CaseRequirement::ConsentToContinue));
        if !asked {
            return Vec::new();
        }
        self.open_referrals(rule_set).filter(|s| self.consent_covers(s).is_err()).collect()
    }
    /// Whether the case is closed: its stage is terminal in its rule set's case table.
    pub fn is_closed(&self) -> bool {
        self.rule_set.zip(self.stage).is_some_and(|(r, s)| r.rules().case.is_terminal(s))
    }
    /// Material aid given, in order.
    pub fn aid(&self) -> &[Aid] {
        &self.aid
    }
    /// For a group contact resolved on the spot: people reached, by sasaran.
    pub fn participants(&self) -> &[ParticipantCount] {
        &self.participants
    }
    /// The service that resolved the contact on the spot, if any.
    pub fn on_spot_service(&self) -> Option<ServiceKind> {
        self.on_spot_service
    }
    /// Why the case closed without service, if it did.
    pub fn refusal(&self) -> Option<RefusalReason> {
        self.refusal
    }
    /// Why and by whom the case was terminated, while terminated.
    pub fn termination(&self) -> Option<(TerminationReason, StaffId)> {
        self.termination
    }
    /// Whether the client counts as continuing (klien binaan lanjutan): the
    /// case was reopened after closure.
    pub fn is_continuing(&self) -> bool {
        self.continuing
    }
    /// How many times the case was reopened.
    pub fn reopen_count(&self) -> u32 {
        self.reopen_count
    }
    /// Emergency protective referrals sent.
    pub fn protective_referrals(&self) -> &[ProtectiveReferral] {
        &self.protective_referrals
    }
    /// The protective referral with this id.
    pub fn protective_referral(&self, referral_id: ReferralId) -> Option<&ProtectiveReferral> {
        self.protective_referrals.iter().find(|r| r.referral_id == referral_id)
    }

    /// The valid consent to `purpose` for `client`, if any.
    pub fn consent_for(&self, client: ClientId, purpose: ConsentPurpose) -> Option<&ConsentRecord> {
        self.consents.iter().rev().find(|c| c.consent.subject == client && c.covers(purpose))
    }

    /// Why data may not go to `partner_id` without the emergency override, or
    /// `None` when it may: disclosure needs at least one registered client
    /// and every client's consent in force to disclose to that very partner
    /// (a check over zero clients must not pass by default).
    pub fn disclosure_gap(&self, partner_id: PartnerId) -> Option<DisclosureGap> {
        if self.clients.is_empty() {
            return Some(DisclosureGap::NoClients);
        }
        self.clients
            .iter()
            .map(|c| c.client_id)
            .find(|c| !self.consents_to_disclose(*c, partner_id))
            .map(DisclosureGap::Client)
    }

    /// Whether `client` has a consent in force to disclose to `partner_id`.
    pub fn consents_to_disclose(&self, client: ClientId, partner_id: PartnerId) -> bool {
        self.consents.iter().any(|r| {
            r.consent.subject == client
                && r.covers(ConsentPurpose::PengungkapanKeMitra)
                && r.consent.disclose_to.contains(&partner_id)
        })
    }

    /// Whether disclosing `client` to `partner_id` would tell a perpetrator's
    /// side where a victim is (issue 15 \[I\]): `client` is registered as a
    /// victim (`korban`) and a client registered as the perpetrator (`pelaku`)
    /// consented to disclose to that same partner, which then works with the
    /// perpetrator. Such a disclosure carries nothing that locates her: no
    /// NIK (its first six digits are the kecamatan that issued it), and, as
    /// every disclosure, no address ([`crate::fhir`]).
    pub fn discloses_to_perpetrator_side(&self, client: ClientId, partner_id: PartnerId) -> bool {
        let role = |id: ClientId| self.clients.iter().find(|c| c.client_id == id).and_then(|c| c.role);
        role(client) == Some(super::ClientRole::Korban)
            && self.clients.iter().any(|c| {
                c.role == Some(super::ClientRole::Pelaku) && self.consents_to_disclose(c.client_id, partner_id)
            })
    }

    /// Records the receiving unit's answer on the pending transfer.
    fn answer_transfer(
        &mut self,
        event: &CaseEventRecord,
        state: super::TransferState,
        refusal: Option<crate::vocab::TransferRefusal>,
    ) {
        if let Some(t) = self.transfers.last_mut().filter(|t| t.state == super::TransferState::Diajukan) {
            t.state = state;
            t.answered_at = Some(event.occurred_at);
            t.answered_by = Some(event.actor.staff_id);
            t.refusal = refusal;
        }
    }

    /// Folds one event into the state (the decider's `apply`). The stage the
    /// event leads to is read from the case's rule set.
    pub(super) fn fold(&mut self, event: &CaseEventRecord) {
        let rules = event.rule_set.rules();
        let before = self.stage;
        if let Some(t) = rules.transition(self.stage, event.payload.command_kind()) {
            self.stage = Some(t.to);
        }
        if self.stage != before {
            self.stage_since = Some(event.occurred_at);
            match self.stage {
                Some(Stage::Kontrak) => self.assessment_from = Some(event.occurred_at),
                Some(Stage::Asesmen) if before != Some(Stage::Kontrak) => {
                    self.assessment_from = Some(event.occurred_at);
                }
                _ => {}
            }
        }
        self.version = event.seq;
        self.last_hash = event.hash;
        self.last_at = Some(event.occurred_at);
        let actor = event.actor.staff_id;
        match &event.payload {
            CaseEvent::ContactRecorded { unit, case_number, channel, sasaran, referred_by } => {
                self.referred_by.clone_from(referred_by);
                self.case_id = Some(CaseId::from_uuid(event.stream_id));
                self.opened_at = Some(event.occurred_at);
                self.rule_set = Some(event.rule_set);
                self.unit = Some(*unit);
                self.case_number = Some(case_number.clone());
                self.channel = Some(*channel);
                self.sasaran = Some(*sasaran);
            }
            CaseEvent::Registered { clients, problems } => {
                self.clients.clone_from(clients);
                self.problems.clone_from(problems);
            }
            CaseEvent::ResolvedOnSpot { participants, problems, service } => {
                self.on_spot_service = Some(*service);
                self.problems.clone_from(problems);
                self.participants.clone_from(participants);
            }
            CaseEvent::EngagementStarted { worker } => self.worker = Some(*worker),
            CaseEvent::ConsentRecorded { consent } => self.consents.push(ConsentRecord {
                consent: consent.clone(),
                given_at: event.occurred_at,
                withdrawn_at: None,
            }),
            CaseEvent::ConsentWithdrawn { consent_id } => {
                if let Some(c) = self.consents.iter_mut().find(|c| c.consent.consent_id == *consent_id) {
                    c.withdrawn_at = Some(event.occurred_at);
                }
            }
            CaseEvent::ContractAgreed { .. } | CaseEvent::AssessmentStarted {} | CaseEvent::EvaluationStarted {} => {}
            CaseEvent::ServiceDeclined { reason } => self.refusal = Some(*reason),
            CaseEvent::AssessmentCompleted { problems, risk } => {
                self.problems.clone_from(problems);
                self.risk = Some(*risk);
            }
            CaseEvent::PlanProposed { plan_version, items } => {
                self.plan_versions = *plan_version;
                self.proposal =
                    Some(PlanProposal { plan_version: *plan_version, proposed_by: actor, items: items.clone() });
            }
            CaseEvent::PlanApproved { .. } => {
                if let Some(p) = self.proposal.take() {
                    let (rule_set, at) = (event.rule_set, event.occurred_at);
                    self.services.extend(p.items.iter().map(|item| {
                        ServiceInstance::open(
                            item.service_id,
                            item.service,
                            rule_set,
                            Some(p.plan_version),
                            item.partner_id,
                            at,
                        )
                    }));
                }
            }
            CaseEvent::ServiceOpened { kind, partner_id, service_id } => {
                let open =
                    ServiceInstance::open(*service_id, *kind, event.rule_set, None, *partner_id, event.occurred_at);
                self.services.push(open);
            }
            CaseEvent::ServiceStepRecorded { consent_override, service_id, step, .. } => {
                let rule_set = event.rule_set;
                if let Some(s) = self.services.iter_mut().find(|s| s.service_id == *service_id) {
                    s.apply_step(step, rule_set, event.occurred_at, actor, *consent_override);
                }
                // A referral sent instead of an earlier one: the earlier one says so.
                if let ServiceCommand::Send { request: ReferralRequest { replaces: Some(earlier), .. }, .. } = step
                    && let Some(s) = self.services.iter_mut().find(|s| s.service_id == *earlier)
                {
                    s.replaced_by = Some(*service_id);
                }
            }
            CaseEvent::AidGiven { aid } => self.aid.push(*aid),
            CaseEvent::ReassessmentStarted {} | CaseEvent::ReplanStarted {} => self.proposal = None,
            CaseEvent::Terminated { reason } => self.termination = Some((*reason, actor)),
            CaseEvent::AftercareStarted {} | CaseEvent::ClosureApproved { .. } => {}
            CaseEvent::RelapseReported {} => {
                self.termination = None;
                self.proposal = None;
            }
            CaseEvent::Reopened { .. } => {
                self.termination = None;
                self.proposal = None;
                self.continuing = true;
                self.reopen_count = self.reopen_count.saturating_add(1);
            }
            CaseEvent::ProtectiveReferralSent { referral_id, partner, partner_id, reason, consent_override } => {
                self.protective_referrals.push(ProtectiveReferral {
                    referral_id: *referral_id,
                    partner: *partner,
                    partner_id: *partner_id,
                    reason: *reason,
                    consent_override: *consent_override,
                    sent_at: event.occurred_at,
                    sent_by: actor,
                    state: ServiceState::Dikirim,
                    step_reason: None,
                    feedback: None,
                    override_approved_by: None,
                })
            }
            CaseEvent::WorkerAssigned { worker, .. } => self.worker = Some(*worker),
            CaseEvent::TransferRequested { from_unit, to_unit, reason } => self.transfers.push(super::Transfer {
                from_unit: *from_unit,
                to_unit: *to_unit,
                reason: *reason,
                requested_at: event.occurred_at,
                requested_by: actor,
                state: super::TransferState::Diajukan,
                answered_at: None,
                answered_by: None,
                refusal: None,
            }),
            CaseEvent::TransferAccepted { worker, to_unit, .. } => {
                self.worker = Some(*worker);
                // Back to the opening unit: held by it again, as before any transfer.
                self.holder = Some(*to_unit).filter(|u| Some(u) != self.unit.as_ref());
                self.answer_transfer(event, super::TransferState::Diterima, None);
            }
            CaseEvent::NoteAdded { note } => {
                self.notes.push(super::Kept { added_at: event.occurred_at, added_by: actor, record: note.clone() })
            }
            CaseEvent::AttachmentAdded { attachment } => self.attachments.push(super::Kept {
                added_at: event.occurred_at,
                added_by: actor,
                record: attachment.clone(),
            }),
            CaseEvent::ClientRoleSet { client_id, role, .. } => {
                if let Some(c) = self.clients.iter_mut().find(|c| c.client_id == *client_id) {
                    c.role = *role;
                }
            }
            CaseEvent::TransferRefused { reason, .. } => {
                self.answer_transfer(event, super::TransferState::Ditolak, Some(*reason));
            }
            CaseEvent::ProtectiveReferralStepRecorded { referral_id, step, .. } => {
                if let Some(r) = self.protective_referrals.iter_mut().find(|r| r.referral_id == *referral_id) {
                    // Folded as the referral service folds a step (no step
                    // here sends, so the override flag stays the sending's).
                    let mut service = r.as_service();
                    service.apply_step(step, event.rule_set, event.occurred_at, actor, r.consent_override);
                    r.state = service.state;
                    r.step_reason = service.reason;
                    r.feedback = service.feedback;
                    r.override_approved_by = service.override_approved_by;
                }
            }
        }
    }
}
