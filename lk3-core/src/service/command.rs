use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::ServiceCommandKind;
use crate::event::Hash;
use crate::ids::{PartnerId, ServiceId};
use crate::partner::Slug;
use crate::vocab::{
    AdvocacyAction, EmergencyReason, FeedbackOutcome, Problem, ReferralPriority, Sasaran, ServiceReason, VoidReason,
};

/// What a new referral is about: the partner, by registry id. Fields of event
/// types are declared in key order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReferralDraft {
    /// The partner in the unit's network (jejaring).
    pub partner_id: PartnerId,
}

/// The partner's feedback (umpan balik) that completes a referral. Its text,
/// if any, lives in the notes store; the event holds only the digest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PartnerFeedback {
    /// The SHA-256 of the feedback note, if there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note_digest: Option<Hash>,
    /// What the partner reports.
    pub outcome: FeedbackOutcome,
}

/// What a referral asks of the partner, as sent (FHIR: the ServiceRequest
/// that is its Task's focus). Every part is optional; an empty request
/// is left out of the event, so a sending without one reads as before.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReferralRequest {
    /// The SHA-256 of the referral letter (surat rujukan) kept in the notes store.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub letter_digest: Option<Hash>,
    /// How soon the partner is needed; rutin when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<ReferralPriority>,
    /// The problems the referral is for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<Problem>,
    /// The earlier referral of the case this one is sent instead of (it was
    /// rejected, failed, cancelled or voided).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaces: Option<ServiceId>,
    /// The partner's service asked for (its `service_id` in the directory).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<Slug>,
}

impl ReferralRequest {
    /// Whether nothing is asked beyond the referral itself.
    pub fn is_empty(&self) -> bool {
        *self == ReferralRequest::default()
    }
}

/// How many people of one kind a group service reached (a sosialisasi to
/// students, to RT heads ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ParticipantCount {
    /// How many (at least one).
    #[schemars(range(min = 1))]
    pub count: u32,
    /// Who.
    pub sasaran: Sasaran,
}

/// One step of a service instance. In JSON an object tagged by `type`:
///
/// ```
/// use lk3_core::service::ServiceCommand;
/// let step: ServiceCommand = serde_json::from_str(r#"{"type":"reject","reason":"kapasitas_penuh"}"#)?;
/// assert_eq!(step.kind().to_string(), "reject");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ServiceCommand {
    /// Informasi: give it.
    Provide {},
    /// Informasi: not available.
    MarkUnavailable {
        /// Why.
        reason: ServiceReason,
    },
    /// Konsultasi, konseling: hold a session.
    HoldSession {},
    /// Konsultasi: the client did not come.
    MarkNoShow {},
    /// Konsultasi: schedule again.
    Reschedule {},
    /// Finish; a referral needs the partner's feedback.
    Complete {
        /// The partner's feedback (referrals only).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        feedback: Option<PartnerFeedback>,
    },
    /// Cancel.
    Cancel {
        /// Why.
        reason: ServiceReason,
    },
    /// Put on hold.
    Postpone {
        /// Why.
        reason: ServiceReason,
    },
    /// Resume.
    Resume {},
    /// Stop before the end.
    Stop {
        /// Why.
        reason: ServiceReason,
    },
    /// Advokasi: start.
    Start {},
    /// Advokasi: record an action.
    RecordAction {
        /// Which.
        action: AdvocacyAction,
    },
    /// Advokasi: succeeded.
    Succeed {},
    /// Advokasi, rujukan: failed.
    Fail {
        /// Why.
        reason: ServiceReason,
    },
    /// Rujukan: send.
    Send {
        /// When the partner must answer by; the rule set's default response
        /// time after sending when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        response_deadline: Option<DateTime<Utc>>,
        /// Sending without every client's consent to disclose to this
        /// partner: the emergency override, audited and to be approved by a
        /// second person.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        emergency: Option<EmergencyReason>,
        /// What is asked of the partner (FHIR: the Task's ServiceRequest).
        #[serde(default, skip_serializing_if = "ReferralRequest::is_empty")]
        request: ReferralRequest,
    },
    /// Rujukan: the partner accepts.
    Accept {},
    /// Rujukan: the partner refuses.
    Reject {
        /// Why.
        reason: ServiceReason,
    },
    /// Rujukan: the partner starts handling it.
    Process {},
    /// Rujukan: a second person approves the sending's consent override.
    ApproveOverride {},
    /// Rujukan: the referrer voids a referral recorded in error.
    Void {
        /// What the error was.
        reason: VoidReason,
    },
}

impl ServiceCommand {
    /// The step's name in the service tables.
    pub fn kind(&self) -> ServiceCommandKind {
        use ServiceCommandKind as K;
        match self {
            Self::Provide {} => K::Provide,
            Self::MarkUnavailable { .. } => K::MarkUnavailable,
            Self::HoldSession {} => K::HoldSession,
            Self::MarkNoShow {} => K::MarkNoShow,
            Self::Reschedule {} => K::Reschedule,
            Self::Complete { .. } => K::Complete,
            Self::Cancel { .. } => K::Cancel,
            Self::Postpone { .. } => K::Postpone,
            Self::Resume {} => K::Resume,
            Self::Stop { .. } => K::Stop,
            Self::Start {} => K::Start,
            Self::RecordAction { .. } => K::RecordAction,
            Self::Succeed {} => K::Succeed,
            Self::Fail { .. } => K::Fail,
            Self::Send { .. } => K::Send,
            Self::Accept {} => K::Accept,
            Self::Reject { .. } => K::Reject,
            Self::Process {} => K::Process,
            Self::ApproveOverride {} => K::ApproveOverride,
            Self::Void { .. } => K::Void,
        }
    }

    /// The reason the step gives, if it gives one.
    pub fn reason(&self) -> Option<ServiceReason> {
        match self {
            Self::MarkUnavailable { reason }
            | Self::Cancel { reason }
            | Self::Postpone { reason }
            | Self::Stop { reason }
            | Self::Fail { reason }
            | Self::Reject { reason } => Some(*reason),
            _ => None,
        }
    }
}
