//! Projections: the rows a Dinas queries (cases by unit, stage, service,
//! problem, worker, dates, overdue referrals), derived from a stream's fold
//! and rewritten in the same transaction as its events. They are never the
//! truth: `verify` recomputes them from the events and names any that differ.

use chrono::{DateTime, Utc};
use lk3_core::case::{Case, RiskLevel, TransferState};
use lk3_core::ids::{CaseId, CaseNumber, ClientId, ConsentId, OutreachId, PartnerId, ServiceId, StaffId, UnitCode};
use lk3_core::outreach::{Outreach, OutreachState};
use lk3_core::report::{finished_in_every_rule_set, may_be_active_from};
use lk3_core::service::ServiceState;
use lk3_core::vocab::{ConsentPurpose, ContactChannel, Problem, Sasaran, ServiceKind, Stage};
use serde::{Deserialize, Serialize};

/// The query row of a stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
// Nearly every stream is a case: boxing its row would cost an allocation per append for nothing.
#[allow(clippy::large_enum_variant)]
pub enum Projection {
    /// A case's row.
    Case(CaseSummary),
    /// An outreach's row.
    Outreach(OutreachSummary),
}

/// A case as the queries see it: no personal data, only ids and vocabulary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseSummary {
    /// The LK3 unit.
    pub unit: UnitCode,
    /// The case.
    pub case_id: CaseId,
    /// The human case number.
    pub case_number: Option<CaseNumber>,
    /// The stage now.
    pub stage: Stage,
    /// When the case was opened (its first event).
    pub opened_at: DateTime<Utc>,
    /// Its last event.
    pub last_at: DateTime<Utc>,
    /// Its number of events.
    pub version: u64,
    /// The social worker in charge, once assigned.
    pub worker: Option<StaffId>,
    /// The assessed risk.
    pub risk: Option<RiskLevel>,
    /// The problems recorded.
    pub problems: Vec<Problem>,
    /// The clients (registry ids only).
    pub clients: Vec<ClientId>,
    /// The services opened.
    pub services: Vec<ServiceSummary>,
    /// The consents recorded.
    pub consents: Vec<ConsentSummary>,
    /// The unit holding the case, when a transfer moved it from `unit` (the
    /// unit that opened it and keeps its history); absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holder: Option<UnitCode>,
    /// Its transfers to other units, in order; absent when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transfers: Vec<TransferSummary>,
    /// How the case first reached the LK3 (absent in a summary written
    /// before schema 11 and not yet refreshed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<ContactChannel>,
    /// Whom the case concerns (absent as `channel` is).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sasaran: Option<Sasaran>,
}

/// A transfer inside a case summary: to which unit, and where it stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransferSummary {
    /// The unit asked to take the case over.
    pub to_unit: UnitCode,
    /// Asked, accepted or refused.
    pub state: TransferState,
}

/// A service instance inside a case summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceSummary {
    /// The instance.
    pub service_id: ServiceId,
    /// Which of the six services.
    pub kind: ServiceKind,
    /// Its state.
    pub state: ServiceState,
    /// For a sent referral: when the partner must answer by.
    pub response_deadline: Option<DateTime<Utc>>,
    /// The partner (an organisation) a referral is sent to, once chosen;
    /// absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partner_id: Option<PartnerId>,
}

/// A consent inside a case summary: who, for what, when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsentSummary {
    /// The consent.
    pub consent_id: ConsentId,
    /// Whose consent.
    pub subject: ClientId,
    /// The guardian who gave it for a child.
    pub guardian: Option<ClientId>,
    /// What it covers.
    pub purposes: Vec<ConsentPurpose>,
    /// When it was given.
    pub given_at: DateTime<Utc>,
    /// When it was withdrawn.
    pub withdrawn_at: Option<DateTime<Utc>>,
}

/// An outreach as the queries see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutreachSummary {
    /// The LK3 unit.
    pub unit: UnitCode,
    /// The outreach.
    pub outreach_id: OutreachId,
    /// Its state.
    pub state: OutreachState,
    /// When it was reported.
    pub reported_at: DateTime<Utc>,
    /// Its last event.
    pub last_at: DateTime<Utc>,
    /// Its number of events.
    pub version: u64,
}

impl CaseSummary {
    /// The summary of a case; `None` for a case with no events.
    pub fn of(case: &Case) -> Option<Self> {
        Some(CaseSummary {
            unit: *case.unit()?,
            case_id: case.case_id()?,
            case_number: case.case_number().cloned(),
            stage: case.stage()?,
            opened_at: case.opened_at()?,
            last_at: case.last_at()?,
            version: case.version(),
            worker: case.worker(),
            risk: case.risk(),
            problems: case.problems().to_vec(),
            clients: case.clients().iter().map(|c| c.client_id).collect(),
            services: case
                .services()
                .iter()
                .map(|s| ServiceSummary {
                    service_id: s.service_id,
                    kind: s.kind,
                    state: s.state,
                    response_deadline: s.response_deadline,
                    partner_id: s.partner_id,
                })
                .collect(),
            consents: case
                .consents()
                .iter()
                .map(|c| ConsentSummary {
                    consent_id: c.consent.consent_id,
                    subject: c.consent.subject,
                    guardian: c.consent.guardian,
                    purposes: c.consent.purposes.clone(),
                    given_at: c.given_at,
                    withdrawn_at: c.withdrawn_at,
                })
                .collect(),
            holder: case.holding_unit().filter(|h| Some(h) != case.unit()),
            transfers: case
                .transfers()
                .iter()
                .map(|t| TransferSummary { to_unit: t.to_unit, state: t.state })
                .collect(),
            channel: case.channel(),
            sasaran: case.sasaran(),
        })
    }

    /// The summary as schema 10 and before wrote it, without the fields
    /// schema 11 added (channel, sasaran, a referral's partner): what a
    /// refresh expects to find before it writes the whole summary.
    #[cfg(any(feature = "sqlite", feature = "postgres"))]
    pub(crate) fn before_schema_11(&self) -> Self {
        let mut old = self.clone();
        old.channel = None;
        old.sasaran = None;
        for s in &mut old.services {
            s.partner_id = None;
        }
        old
    }

    /// The unit holding the case now.
    pub fn holding_unit(&self) -> UnitCode {
        self.holder.unwrap_or(self.unit)
    }

    /// Whether a sent referral of the case waits past its deadline at `now`
    /// (the rule of `Case::overdue_referrals`: never in a closed case).
    pub fn has_overdue_referral(&self, now: DateTime<Utc>) -> bool {
        !finished_in_every_rule_set(self.stage)
            && self
                .services
                .iter()
                .any(|s| s.state == ServiceState::Dikirim && s.response_deadline.is_some_and(|d| now > d))
    }
}

impl OutreachSummary {
    /// The summary of an outreach; `None` for one with no events.
    pub fn of(outreach: &Outreach) -> Option<Self> {
        Some(OutreachSummary {
            unit: *outreach.unit()?,
            outreach_id: outreach.outreach_id()?,
            state: outreach.state()?,
            reported_at: outreach.reported_at()?,
            last_at: outreach.last_at()?,
            version: outreach.version(),
        })
    }
}

/// A query over case summaries. Every filter is optional and they combine
/// with AND; results come in case id order (UUID v7: opening order), a page
/// of `limit` at a time after the `after` cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseQuery {
    /// Only the cases this unit opened, whose history it stores (the first
    /// key of every index), wherever a transfer took them since.
    pub unit: Option<UnitCode>,
    /// Only the cases this client (registry id) is a client of.
    pub client: Option<ClientId>,
    /// Only the cases this unit holds now: the opening unit until a
    /// transfer is accepted, then the unit that accepted it.
    pub held_by: Option<UnitCode>,
    /// Only the cases with a transfer to this unit.
    pub transferred_to: Option<UnitCode>,
    /// With `transferred_to`: only a transfer to it in this state (one
    /// awaiting its answer: the receiving unit's in-tray).
    pub transfer_state: Option<TransferState>,
    /// Only cases in this stage.
    pub stage: Option<Stage>,
    /// Only cases with a service of this kind.
    pub service_kind: Option<ServiceKind>,
    /// Only cases with a service in this state (of `service_kind`, if given).
    pub service_state: Option<ServiceState>,
    /// Only cases with this problem.
    pub problem: Option<Problem>,
    /// Only cases of this worker.
    pub worker: Option<StaffId>,
    /// Only cases opened at or after this time.
    pub opened_from: Option<DateTime<Utc>>,
    /// Only cases opened before this time.
    pub opened_before: Option<DateTime<Utc>>,
    /// Only cases with a sent referral past its deadline at this time.
    pub overdue_at: Option<DateTime<Utc>>,
    /// Only cases that may be active from this time on: written to at or
    /// after it, or not finished (in every rule set). With `opened_before`,
    /// the cases a report of that period reads
    /// ([`lk3_core::report::UnitTally::may_be_active`]).
    pub active_from: Option<DateTime<Utc>>,
    /// Only cases after this one (the last id of the previous page).
    pub after: Option<CaseId>,
    /// At most this many cases.
    pub limit: u32,
}

impl Default for CaseQuery {
    fn default() -> Self {
        CaseQuery {
            unit: None,
            client: None,
            held_by: None,
            transferred_to: None,
            transfer_state: None,
            stage: None,
            service_kind: None,
            service_state: None,
            problem: None,
            worker: None,
            opened_from: None,
            opened_before: None,
            overdue_at: None,
            active_from: None,
            after: None,
            limit: 100,
        }
    }
}

impl CaseQuery {
    /// Whether a summary passes every filter except the cursor and the limit
    /// (the reference the SQL adapters are tested against).
    pub fn matches(&self, s: &CaseSummary) -> bool {
        self.unit.as_ref().is_none_or(|u| *u == s.unit)
            && self.client.is_none_or(|c| s.clients.contains(&c))
            && self.held_by.is_none_or(|u| u == s.holding_unit())
            && self.transferred_to.is_none_or(|u| {
                s.transfers.iter().any(|t| t.to_unit == u && self.transfer_state.is_none_or(|st| st == t.state))
            })
            && self.stage.is_none_or(|st| st == s.stage)
            && (self.service_kind.is_none() && self.service_state.is_none()
                || s.services.iter().any(|v| {
                    self.service_kind.is_none_or(|k| k == v.kind) && self.service_state.is_none_or(|st| st == v.state)
                }))
            && self.problem.is_none_or(|p| s.problems.contains(&p))
            && self.worker.is_none_or(|w| s.worker == Some(w))
            && self.opened_from.is_none_or(|t| s.opened_at >= t)
            && self.opened_before.is_none_or(|t| s.opened_at < t)
            && self.overdue_at.is_none_or(|t| s.has_overdue_referral(t))
            && self.active_from.is_none_or(|t| may_be_active_from(t, s.last_at, finished_in_every_rule_set(s.stage)))
    }
}

/// A consent as listed for a client, with the case it was given in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientConsent {
    /// The case.
    pub case_id: CaseId,
    /// The consent.
    pub consent: ConsentSummary,
}

/// A case summary refreshed for schema 11, from the stored summary and the
/// case's stored events: the whole summary as text when the events decode,
/// chain and fold to a summary that schema 10 wrote exactly as `stored`, and
/// `None` otherwise. A summary or an event changed outside lk3 is left as it
/// is, for `verify` to name, rather than rewritten to look right.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) fn refreshed_summary(
    stream_id: uuid::Uuid,
    stored: &str,
    events: &[crate::model::StoredEvent],
) -> Option<String> {
    use lk3_core::Decider;
    let events = crate::aggregate::decode::<lk3_core::case::CaseEvent>(stream_id, events).ok()?;
    if !lk3_core::event::chain_problems(&events, true).is_empty() {
        return None;
    }
    let mut case = Case::default();
    for e in &events {
        case.apply(e);
    }
    let summary = CaseSummary::of(&case)?;
    let old = serde_json::to_string(&summary.before_schema_11()).ok()?;
    (old == stored).then(|| serde_json::to_string(&summary).ok()).flatten()
}
