use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{PartnerFeedback, ReferralRequest, ServiceCommand, ServiceState};
use crate::ids::{PartnerId, ServiceId, StaffId};
use crate::rules::RuleSetId;
use crate::vocab::{AdvocacyAction, ServiceKind, ServiceReason};

/// A service inside a case and where it stands: the fold of its steps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[schemars(transform = crate::schema::limits::partner_only_for_rujukan("kind", "partner_id"))]
pub struct ServiceInstance {
    /// Its id (a plan item's id for a planned service).
    pub service_id: ServiceId,
    /// Which service (not penjangkauan).
    #[schemars(transform = crate::schema::limits::case_service)]
    pub kind: ServiceKind,
    /// Where it stands.
    pub state: ServiceState,
    /// The plan version that planned it, if the plan did.
    #[schemars(range(min = 1))]
    pub plan_version: Option<u32>,
    /// When it was opened.
    pub opened_at: DateTime<Utc>,
    /// Sessions held (konsultasi, konseling).
    pub sessions: u32,
    /// When the last session was held (derived for tasks; not in JSON).
    #[serde(skip)]
    pub last_session_at: Option<DateTime<Utc>>,
    /// Advocacy actions taken, in order.
    pub actions: Vec<AdvocacyAction>,
    /// The reason of the last step that gave one.
    pub reason: Option<ServiceReason>,
    /// The partner of a referral (only a referral has one).
    pub partner_id: Option<PartnerId>,
    /// When a referral was sent, and by whom.
    pub sent: Option<(DateTime<Utc>, StaffId)>,
    /// When the partner must answer by.
    pub response_deadline: Option<DateTime<Utc>>,
    /// Whether the sending overrode missing consent (emergency).
    pub consent_override: bool,
    /// Who approved that override.
    pub override_approved_by: Option<StaffId>,
    /// The partner's feedback.
    pub feedback: Option<PartnerFeedback>,
    /// What a referral asked of the partner when it was sent.
    #[serde(default, skip_serializing_if = "ReferralRequest::is_empty")]
    pub request: ReferralRequest,
    /// The referral sent instead of this one, if one was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaced_by: Option<ServiceId>,
}

impl ServiceInstance {
    pub(crate) fn open(
        service_id: ServiceId,
        kind: ServiceKind,
        rule_set: RuleSetId,
        plan_version: Option<u32>,
        partner_id: Option<PartnerId>,
        at: DateTime<Utc>,
    ) -> Self {
        // A service the rule set does not offer is never decided; a forged
        // event naming one folds to its machine's first state name.
        let state = rule_set
            .rules()
            .service(kind)
            .and_then(|s| s.table.row(None, super::ServiceCommandKind::Open))
            .map_or(ServiceState::Diminta, |r| r.to);
        ServiceInstance {
            service_id,
            kind,
            state,
            plan_version,
            opened_at: at,
            sessions: 0,
            last_session_at: None,
            actions: Vec::new(),
            reason: None,
            partner_id,
            sent: None,
            response_deadline: None,
            consent_override: false,
            override_approved_by: None,
            feedback: None,
            request: ReferralRequest::default(),
            replaced_by: None,
        }
    }

    /// Folds one step in; the next state is read from the service's table.
    pub(crate) fn apply_step(
        &mut self,
        step: &ServiceCommand,
        rule_set: RuleSetId,
        at: DateTime<Utc>,
        actor: StaffId,
        consent_override: bool,
    ) {
        if let Some(row) = rule_set.rules().service(self.kind).and_then(|s| s.table.row(Some(self.state), step.kind()))
        {
            self.state = row.to;
        }
        if let Some(reason) = step.reason() {
            self.reason = Some(reason);
        }
        match step {
            ServiceCommand::HoldSession {} => {
                self.sessions = self.sessions.saturating_add(1);
                self.last_session_at = Some(at);
            }
            ServiceCommand::RecordAction { action } => self.actions.push(*action),
            ServiceCommand::Send { response_deadline, request, .. } => {
                self.sent = Some((at, actor));
                self.response_deadline = *response_deadline;
                self.request = request.clone();
                self.consent_override = consent_override;
            }
            ServiceCommand::ApproveOverride {} => self.override_approved_by = Some(actor),
            ServiceCommand::Complete { feedback } => self.feedback = *feedback,
            _ => {}
        }
    }

    /// Whether the instance's work is over (a terminal state of its machine
    /// under the case's rule set; `None` before the case is opened).
    pub fn is_closed(&self, rule_set: Option<RuleSetId>) -> bool {
        rule_set.and_then(|r| r.rules().service(self.kind)).is_some_and(|s| s.table.is_terminal(self.state))
    }

    /// Whether a referral waits for the partner's answer past its deadline at `now`.
    ///
    /// Overdue means: sent, not yet accepted or refused, and `now` after the
    /// response deadline.
    pub fn is_overdue(&self, now: DateTime<Utc>) -> bool {
        self.state == ServiceState::Dikirim && self.response_deadline.is_some_and(|d| now > d)
    }
}
