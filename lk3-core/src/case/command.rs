use serde::{Deserialize, Serialize};

use super::{Aid, CaseAttachment, CaseClient, CaseNote, ClientRole, Consent, IncomingReferral, PlanItem, RiskLevel};
use crate::ids::{CaseId, CaseNumber, ClientId, ConsentId, PartnerId, ReferralId, ServiceId, StaffId, UnitCode};
use crate::service::{ParticipantCount, ReferralDraft, ServiceCommand};
pub use crate::vocab::CaseCommandKind;
use crate::vocab::{
    AssignmentReason, ContactChannel, EmergencyReason, Problem, ProtectivePartner, RefusalReason, ReopenReason,
    Sasaran, ServiceKind, TerminationReason, TransferReason, TransferRefusal,
};

/// A request to change a case. Build it, then pass it to
/// [`Case::decide`](crate::Decider::decide) with a [`crate::CommandContext`].
///
/// In JSON a command is an object tagged by `type`:
///
/// ```
/// use lk3_core::case::CaseCommand;
/// let cmd: CaseCommand = serde_json::from_str(r#"{"type":"terminate","reason":"pindah"}"#)?;
/// assert_eq!(cmd.kind().to_string(), "terminate");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum CaseCommand {
    /// Open a case from a contact (kontak / pengaduan).
    RecordContact {
        /// The new case's id (the stream id of its events).
        case_id: CaseId,
        /// The LK3 unit.
        unit: UnitCode,
        /// The human case number, handed out by the store.
        case_number: CaseNumber,
        /// How the contact came in.
        channel: ContactChannel,
        /// Who the service is for.
        sasaran: Sasaran,
        /// The organisation that referred the case, when another did.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        referred_by: Option<IncomingReferral>,
    },
    /// Register the case and its clients (by registry id only).
    Register {
        /// The clients; at least one.
        #[schemars(length(min = 1), extend("uniqueItems" = true))]
        clients: Vec<CaseClient>,
        /// Problems stated at registration.
        #[serde(default)]
        problems: Vec<Problem>,
    },
    /// Close a contact with one informasi or konsultasi.
    ResolveOnSpot {
        /// `informasi` or `konsultasi`.
        #[schemars(transform = crate::schema::limits::on_spot_service)]
        service: ServiceKind,
        /// What it was about.
        #[serde(default)]
        problems: Vec<Problem>,
        /// For a group (kelompok, organisasi, masyarakat): how many people of
        /// each kind it reached, e.g. a sosialisasi to students and RT heads;
        /// each sasaran once.
        #[serde(default)]
        #[schemars(extend("uniqueItems" = true))]
        participants: Vec<ParticipantCount>,
    },
    /// Start the first engagement; the actor becomes the case's worker.
    StartEngagement {},
    /// Record a consent given now.
    RecordConsent {
        /// The consent.
        consent: Consent,
    },
    /// Withdraw a consent from now on.
    WithdrawConsent {
        /// Which consent.
        consent_id: ConsentId,
    },
    /// Make the service agreement.
    AgreeContract {},
    /// Close without service.
    DeclineService {
        /// Why.
        reason: RefusalReason,
    },
    /// Start the assessment.
    StartAssessment {},
    /// Complete the assessment.
    CompleteAssessment {
        /// The problems found; at least one.
        #[schemars(length(min = 1))]
        problems: Vec<Problem>,
        /// The risk found.
        risk: RiskLevel,
    },
    /// Propose an intervention plan (replaces an unapproved proposal).
    ProposePlan {
        /// The services planned; at least one.
        #[schemars(length(min = 1), extend("uniqueItems" = true))]
        items: Vec<PlanItem>,
    },
    /// Approve the proposed plan, naming the version reviewed: a plan
    /// changed since is not approved by accident.
    ApprovePlan {
        /// The proposal's version (1, 2, 3 ...).
        #[schemars(range(min = 1))]
        plan_version: u32,
    },
    /// Open a service instance. Planned services open when the plan is
    /// approved; this opens one outside the plan (or a referral).
    #[schemars(transform = crate::schema::limits::partner_iff_rujukan("kind", "referral"))]
    OpenService {
        /// The instance's id.
        service_id: ServiceId,
        /// Which service (not penjangkauan, which is its own aggregate).
        #[schemars(transform = crate::schema::limits::case_service)]
        kind: ServiceKind,
        /// For a referral (and only for one): the partner.
        #[serde(default)]
        referral: Option<ReferralDraft>,
    },
    /// Take a step of a service instance.
    ServiceStep {
        /// Which instance.
        service_id: ServiceId,
        /// The step.
        step: ServiceCommand,
    },
    /// Record material aid given to a client.
    RecordAid {
        /// The aid.
        aid: Aid,
    },
    /// Begin the evaluation.
    BeginEvaluation {},
    /// Go back to assessment.
    Reassess {},
    /// Go back to planning.
    Replan {},
    /// Terminate.
    Terminate {
        /// Why.
        reason: TerminationReason,
    },
    /// Start aftercare.
    StartAftercare {},
    /// Approve closure.
    ApproveClosure {},
    /// Report a relapse during aftercare.
    ReportRelapse {},
    /// Reopen a closed case.
    Reopen {
        /// Why.
        reason: ReopenReason,
    },
    /// Send an emergency protective referral.
    SendProtectiveReferral {
        /// The referral's id.
        referral_id: ReferralId,
        /// Where to.
        partner: ProtectivePartner,
        /// The partner's registry id, when known: a consent to disclose to
        /// it means the referral overrides nothing.
        #[serde(default)]
        partner_id: Option<PartnerId>,
        /// Why it cannot wait.
        reason: EmergencyReason,
    },
    /// Hand the case to another worker: the ketua reassigns it when staff
    /// move, go on leave, or caseloads are balanced.
    AssignWorker {
        /// The new worker (staff id), not the current one.
        worker: StaffId,
        /// Why.
        reason: AssignmentReason,
    },
    /// Take a step of a protective referral, decided by the referral
    /// service's own machine from `dikirim` on: the partner accepts, rejects,
    /// starts, holds, fails or completes it, either side cancels, the
    /// referrer voids it, a second person approves its consent override.
    ProtectiveReferralStep {
        /// Which protective referral.
        referral_id: ReferralId,
        /// The step.
        step: ServiceCommand,
    },
    /// Ask another LK3 unit to take the case over: the holding unit's
    /// ketua sends it; the case stays with them until the receiving unit
    /// answers, and its history goes with it.
    TransferCase {
        /// The receiving unit, not the one holding the case.
        to_unit: UnitCode,
        /// Why.
        reason: TransferReason,
    },
    /// Take over the case transferred to the actor's unit: its ketua names
    /// the worker now in charge.
    AcceptTransfer {
        /// The receiving unit's worker in charge (staff id).
        worker: StaffId,
    },
    /// Refuse the case transferred to the actor's unit; it stays where it was.
    RefuseTransfer {
        /// Why.
        reason: TransferRefusal,
    },
    /// Keep a note with the case (stored first in the personal data store,
    /// which gives its digest).
    AddNote {
        /// The note.
        note: CaseNote,
    },
    /// Attach a document to the case (stored first in the personal data
    /// store, which gives its digest).
    AddAttachment {
        /// The attachment.
        attachment: CaseAttachment,
    },
    /// Set or change a registered client's role in the case (or clear it).
    /// A client who is a child's guardian in a consent in force is never
    /// made its perpetrator.
    SetClientRole {
        /// The client.
        client_id: ClientId,
        /// The new role; absent to clear it.
        #[serde(default)]
        role: Option<ClientRole>,
    },
}

impl CaseCommand {
    /// The command's name in the rule-set table.
    pub fn kind(&self) -> CaseCommandKind {
        use CaseCommandKind as K;
        match self {
            Self::RecordContact { .. } => K::RecordContact,
            Self::Register { .. } => K::Register,
            Self::ResolveOnSpot { .. } => K::ResolveOnSpot,
            Self::StartEngagement {} => K::StartEngagement,
            Self::RecordConsent { .. } => K::RecordConsent,
            Self::WithdrawConsent { .. } => K::WithdrawConsent,
            Self::AgreeContract {} => K::AgreeContract,
            Self::DeclineService { .. } => K::DeclineService,
            Self::StartAssessment {} => K::StartAssessment,
            Self::CompleteAssessment { .. } => K::CompleteAssessment,
            Self::ProposePlan { .. } => K::ProposePlan,
            Self::ApprovePlan { .. } => K::ApprovePlan,
            Self::OpenService { .. } => K::OpenService,
            Self::ServiceStep { .. } => K::ServiceStep,
            Self::RecordAid { .. } => K::RecordAid,
            Self::BeginEvaluation {} => K::BeginEvaluation,
            Self::Reassess {} => K::Reassess,
            Self::Replan {} => K::Replan,
            Self::Terminate { .. } => K::Terminate,
            Self::StartAftercare {} => K::StartAftercare,
            Self::ApproveClosure {} => K::ApproveClosure,
            Self::ReportRelapse {} => K::ReportRelapse,
            Self::Reopen { .. } => K::Reopen,
            Self::SendProtectiveReferral { .. } => K::SendProtectiveReferral,
            Self::ProtectiveReferralStep { .. } => K::ProtectiveReferralStep,
            Self::AssignWorker { .. } => K::AssignWorker,
            Self::TransferCase { .. } => K::TransferCase,
            Self::AcceptTransfer { .. } => K::AcceptTransfer,
            Self::RefuseTransfer { .. } => K::RefuseTransfer,
            Self::AddNote { .. } => K::AddNote,
            Self::AddAttachment { .. } => K::AddAttachment,
            Self::SetClientRole { .. } => K::SetClientRole,
        }
    }
}
