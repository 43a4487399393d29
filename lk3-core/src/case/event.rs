use serde::{Deserialize, Serialize};

use super::{Aid, CaseClient, CaseCommandKind, Consent, IncomingReferral, PlanItem, RiskLevel};
use crate::ids::{CaseNumber, ConsentId, PartnerId, ReferralId, ServiceId, StaffId, UnitCode};
use crate::service::{ParticipantCount, ServiceCommand};
use crate::vocab::{
    AssignmentReason, ContactChannel, EmergencyReason, Problem, ProtectivePartner, RefusalReason, ReopenReason,
    Sasaran, ServiceKind, TerminationReason, TransferReason, TransferRefusal,
};

/// What happened to a case: the payload of an [`crate::event::Event`].
///
/// Events hold ids and vocabulary values only, never a client's name, NIK,
/// address or a note's text (DESIGN §7). Each payload answers to exactly one
/// command kind; the stage it leads to is read from the case's rule set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum CaseEvent {
    /// A case was opened from a contact.
    ContactRecorded {
        /// The unit.
        unit: UnitCode,
        /// The human case number.
        case_number: CaseNumber,
        /// How the contact came in.
        channel: ContactChannel,
        /// Who the service is for.
        sasaran: Sasaran,
        /// The organisation that referred the case, when another did.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        referred_by: Option<IncomingReferral>,
    },
    /// The case and its clients were registered.
    Registered {
        /// The clients; at least one, each once.
        #[schemars(length(min = 1), extend("uniqueItems" = true))]
        clients: Vec<CaseClient>,
        /// Problems stated.
        problems: Vec<Problem>,
    },
    /// The contact was resolved on the spot.
    ResolvedOnSpot {
        /// For a group: how many people of each kind it reached (absent when none).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        #[schemars(extend("uniqueItems" = true))]
        participants: Vec<ParticipantCount>,
        /// What it was about.
        problems: Vec<Problem>,
        /// `informasi` or `konsultasi`.
        #[schemars(transform = crate::schema::limits::on_spot_service)]
        service: ServiceKind,
    },
    /// Engagement started; the actor is the case's worker.
    EngagementStarted {
        /// The worker.
        worker: StaffId,
    },
    /// A consent was given.
    ConsentRecorded {
        /// The consent.
        consent: Consent,
    },
    /// A consent was withdrawn.
    ConsentWithdrawn {
        /// Which.
        consent_id: ConsentId,
    },
    /// The service agreement was made.
    ContractAgreed {
        /// The consents it rests on.
        consents: Vec<ConsentId>,
    },
    /// The case closed without service.
    ServiceDeclined {
        /// Why.
        reason: RefusalReason,
    },
    /// Assessment started.
    AssessmentStarted {},
    /// Assessment completed.
    AssessmentCompleted {
        /// Problems found; at least one.
        #[schemars(length(min = 1))]
        problems: Vec<Problem>,
        /// Risk found.
        risk: RiskLevel,
    },
    /// A plan was proposed.
    PlanProposed {
        /// 1 for the first proposal of the case, then 2, 3 ...
        #[schemars(range(min = 1))]
        plan_version: u32,
        /// The services planned; at least one.
        #[schemars(length(min = 1), extend("uniqueItems" = true))]
        items: Vec<PlanItem>,
    },
    /// The proposed plan was approved.
    PlanApproved {
        /// Which proposal.
        #[schemars(range(min = 1))]
        plan_version: u32,
        /// Who proposed it (never the approver).
        proposed_by: StaffId,
    },
    /// A service instance was opened (outside the plan; planned ones open
    /// with `plan_approved`).
    #[schemars(transform = crate::schema::limits::partner_iff_rujukan("kind", "partner_id"))]
    ServiceOpened {
        /// Which service (not penjangkauan).
        #[schemars(transform = crate::schema::limits::case_service)]
        kind: ServiceKind,
        /// For a referral (and only for one): the partner.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        partner_id: Option<PartnerId>,
        /// The instance.
        service_id: ServiceId,
    },
    /// A step of a service instance was taken.
    #[schemars(transform = crate::schema::limits::recorded_step)]
    ServiceStepRecorded {
        /// True when a sending overrode missing consent to disclose (emergency):
        /// flagged for audit. Absent from JSON when false.
        #[serde(default, skip_serializing_if = "is_false")]
        consent_override: bool,
        /// True when LK3 staff recorded a partner's step on its behalf. Absent
        /// from JSON when false.
        #[serde(default, skip_serializing_if = "is_false")]
        on_behalf_of_partner: bool,
        /// The instance.
        service_id: ServiceId,
        /// The step, as accepted (a sending carries its resolved deadline).
        step: ServiceCommand,
    },
    /// Material aid was given.
    AidGiven {
        /// The aid.
        aid: Aid,
    },
    /// Evaluation started.
    EvaluationStarted {},
    /// Back to assessment after evaluation.
    ReassessmentStarted {},
    /// Back to planning after evaluation.
    ReplanStarted {},
    /// The case was terminated.
    Terminated {
        /// Why.
        reason: TerminationReason,
    },
    /// Aftercare started.
    AftercareStarted {},
    /// Closure was approved.
    ClosureApproved {
        /// Who terminated (never the approver).
        terminated_by: StaffId,
    },
    /// A relapse was reported during aftercare.
    RelapseReported {},
    /// A closed case was reopened; its client now counts as continuing.
    Reopened {
        /// Why.
        reason: ReopenReason,
    },
    /// An emergency protective referral was sent. Always flagged for audit.
    ProtectiveReferralSent {
        /// The referral's id.
        referral_id: ReferralId,
        /// Where to.
        partner: ProtectivePartner,
        /// The partner's registry id, when known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        partner_id: Option<PartnerId>,
        /// Why it could not wait.
        reason: EmergencyReason,
        /// True when no consent to disclose covered it: the audited override.
        consent_override: bool,
    },
    /// The case was handed to another worker.
    WorkerAssigned {
        /// The new worker.
        worker: StaffId,
        /// The worker before (derived from the case).
        previous: StaffId,
        /// Why.
        reason: AssignmentReason,
    },
    /// A step of a protective referral was taken.
    #[schemars(transform = crate::schema::limits::recorded_step)]
    ProtectiveReferralStepRecorded {
        /// True when LK3 staff recorded a partner's step on its behalf. Absent
        /// from JSON when false.
        #[serde(default, skip_serializing_if = "is_false")]
        on_behalf_of_partner: bool,
        /// The protective referral.
        referral_id: ReferralId,
        /// The step.
        step: ServiceCommand,
    },
    /// The holding unit asked another to take the case over.
    TransferRequested {
        /// The unit holding the case (derived from the case).
        from_unit: UnitCode,
        /// The receiving unit.
        to_unit: UnitCode,
        /// Why.
        reason: TransferReason,
    },
    /// The receiving unit took the case over.
    TransferAccepted {
        /// The unit that held it (derived).
        from_unit: UnitCode,
        /// The unit holding it now (derived: the pending transfer's).
        to_unit: UnitCode,
        /// The receiving unit's worker in charge.
        worker: StaffId,
        /// The sending unit's worker before (derived), if one was in charge.
        previous: Option<StaffId>,
    },
    /// The receiving unit refused the case; it stays where it was.
    TransferRefused {
        /// The unit that refused (derived: the pending transfer's).
        to_unit: UnitCode,
        /// Why.
        reason: TransferRefusal,
    },
    /// A note was kept with the case.
    NoteAdded {
        /// The note.
        note: super::CaseNote,
    },
    /// A document was attached to the case.
    AttachmentAdded {
        /// The attachment.
        attachment: super::CaseAttachment,
    },
    /// A client's role in the case was set, changed or cleared.
    ClientRoleSet {
        /// The client.
        client_id: crate::ids::ClientId,
        /// The role before (derived); absent when none.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        previous: Option<super::ClientRole>,
        /// The new role; absent when cleared.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        role: Option<super::ClientRole>,
    },
}

impl CaseEvent {
    /// The command kind this event records.
    pub fn command_kind(&self) -> CaseCommandKind {
        use CaseCommandKind as K;
        match self {
            Self::ContactRecorded { .. } => K::RecordContact,
            Self::Registered { .. } => K::Register,
            Self::ResolvedOnSpot { .. } => K::ResolveOnSpot,
            Self::EngagementStarted { .. } => K::StartEngagement,
            Self::ConsentRecorded { .. } => K::RecordConsent,
            Self::ConsentWithdrawn { .. } => K::WithdrawConsent,
            Self::ContractAgreed { .. } => K::AgreeContract,
            Self::ServiceDeclined { .. } => K::DeclineService,
            Self::AssessmentStarted {} => K::StartAssessment,
            Self::AssessmentCompleted { .. } => K::CompleteAssessment,
            Self::PlanProposed { .. } => K::ProposePlan,
            Self::PlanApproved { .. } => K::ApprovePlan,
            Self::ServiceOpened { .. } => K::OpenService,
            Self::ServiceStepRecorded { .. } => K::ServiceStep,
            Self::AidGiven { .. } => K::RecordAid,
            Self::EvaluationStarted {} => K::BeginEvaluation,
            Self::ReassessmentStarted {} => K::Reassess,
            Self::ReplanStarted {} => K::Replan,
            Self::Terminated { .. } => K::Terminate,
            Self::AftercareStarted {} => K::StartAftercare,
            Self::ClosureApproved { .. } => K::ApproveClosure,
            Self::RelapseReported {} => K::ReportRelapse,
            Self::Reopened { .. } => K::Reopen,
            Self::ProtectiveReferralSent { .. } => K::SendProtectiveReferral,
            Self::ProtectiveReferralStepRecorded { .. } => K::ProtectiveReferralStep,
            Self::WorkerAssigned { .. } => K::AssignWorker,
            Self::TransferRequested { .. } => K::TransferCase,
            Self::TransferAccepted { .. } => K::AcceptTransfer,
            Self::TransferRefused { .. } => K::RefuseTransfer,
            Self::NoteAdded { .. } => K::AddNote,
            Self::AttachmentAdded { .. } => K::AddAttachment,
            Self::ClientRoleSet { .. } => K::SetClientRole,
        }
    }

    /// The `type` tag, e.g. `"plan_approved"`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::ContactRecorded { .. } => "contact_recorded",
            Self::Registered { .. } => "registered",
            Self::ResolvedOnSpot { .. } => "resolved_on_spot",
            Self::EngagementStarted { .. } => "engagement_started",
            Self::ConsentRecorded { .. } => "consent_recorded",
            Self::ConsentWithdrawn { .. } => "consent_withdrawn",
            Self::ContractAgreed { .. } => "contract_agreed",
            Self::ServiceDeclined { .. } => "service_declined",
            Self::AssessmentStarted {} => "assessment_started",
            Self::AssessmentCompleted { .. } => "assessment_completed",
            Self::PlanProposed { .. } => "plan_proposed",
            Self::PlanApproved { .. } => "plan_approved",
            Self::ServiceOpened { .. } => "service_opened",
            Self::ServiceStepRecorded { .. } => "service_step_recorded",
            Self::AidGiven { .. } => "aid_given",
            Self::EvaluationStarted {} => "evaluation_started",
            Self::ReassessmentStarted {} => "reassessment_started",
            Self::ReplanStarted {} => "replan_started",
            Self::Terminated { .. } => "terminated",
            Self::AftercareStarted {} => "aftercare_started",
            Self::ClosureApproved { .. } => "closure_approved",
            Self::RelapseReported {} => "relapse_reported",
            Self::Reopened { .. } => "reopened",
            Self::ProtectiveReferralSent { .. } => "protective_referral_sent",
            Self::ProtectiveReferralStepRecorded { .. } => "protective_referral_step_recorded",
            Self::WorkerAssigned { .. } => "worker_assigned",
            Self::TransferRequested { .. } => "transfer_requested",
            Self::TransferAccepted { .. } => "transfer_accepted",
            Self::TransferRefused { .. } => "transfer_refused",
            Self::NoteAdded { .. } => "note_added",
            Self::AttachmentAdded { .. } => "attachment_added",
            Self::ClientRoleSet { .. } => "client_role_set",
        }
    }

    /// Whether the event must stand out in an audit (emergency overrides).
    pub fn is_audit_flagged(&self) -> bool {
        matches!(self, Self::ProtectiveReferralSent { .. } | Self::ServiceStepRecorded { consent_override: true, .. })
    }
}

/// Flags that are usually false are left out of the JSON (and so out of the
/// hashed canonical form), which keeps the common event small.
fn is_false(b: &bool) -> bool {
    !*b
}
