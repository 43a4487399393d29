use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{
    CaseLink, OutreachCloseReason, OutreachCommandKind, OutreachEvent, OutreachEventRecord, OutreachRefusalReason,
    ReporterKind,
};
use crate::event::Hash;
use crate::ids::{ClientId, KodeWilayah, OutreachId, StaffId, UnitCode};
use crate::rules::RuleSetId;
pub use crate::vocab::OutreachState;
use crate::vocab::{Problem, Sasaran};

/// One planned visit and what came of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct OutreachVisit {
    /// 1 for the first visit, then 2, 3 ...
    #[schemars(transform = crate::schema::limits::visit_number)]
    pub attempt: u32,
    /// When it was planned for.
    pub planned_for: DateTime<Utc>,
    /// Whether the mobile unit (mobil LK3) went.
    pub mobile_unit: bool,
    /// Who planned it.
    pub scheduled_by: StaffId,
    /// When it was recorded as carried out.
    pub carried_out_at: Option<DateTime<Utc>>,
    /// Who carried it out.
    pub carried_out_by: Option<StaffId>,
    /// Its outcome, once recorded: `bersedia`, `menolak` or `tidak_ditemukan`.
    pub outcome: Option<OutreachState>,
}

/// The state of an outreach: the fold of its events. `Outreach::default()` is
/// the state before the first event (no outreach yet).
///
/// ```
/// use lk3_core::outreach::Outreach;
/// let empty = Outreach::default();
/// assert_eq!(empty.state(), None);
/// assert_eq!(empty.attempts(), 0);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, schemars::JsonSchema)]
pub struct Outreach {
    pub(super) outreach_id: Option<OutreachId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) rule_set: Option<RuleSetId>,
    pub(super) state: Option<OutreachState>,
    pub(super) version: u64,
    pub(super) last_hash: Hash,
    pub(super) last_at: Option<DateTime<Utc>>,
    pub(super) reported_at: Option<DateTime<Utc>>,
    pub(super) unit: Option<UnitCode>,
    pub(super) reported_by: Option<ReporterKind>,
    pub(super) sasaran: Option<Sasaran>,
    pub(super) problems: Vec<Problem>,
    pub(super) kode_wilayah: Option<KodeWilayah>,
    #[schemars(transform = crate::schema::limits::visit_count)]
    pub(super) attempts: u32,
    pub(super) visits: Vec<OutreachVisit>,
    pub(super) case_link: Option<CaseLink>,
    pub(super) client_id: Option<ClientId>,
    pub(super) refusal: Option<OutreachRefusalReason>,
    pub(super) closure: Option<OutreachCloseReason>,
}

impl Outreach {
    /// The outreach's id, once reported.
    pub fn outreach_id(&self) -> Option<OutreachId> {
        self.outreach_id
    }
    /// The rule set the outreach was reported under.
    pub fn rule_set(&self) -> Option<RuleSetId> {
        self.rule_set
    }
    /// The current state (`None` before the report).
    pub fn state(&self) -> Option<OutreachState> {
        self.state
    }
    /// Whether the outreach's work is finished (`bersedia`, `menolak`, `ditutup`).
    pub fn is_finished(&self) -> bool {
        self.state.zip(self.rule_set).is_some_and(|(s, r)| r.rules().outreach.table.is_terminal(s))
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
    /// When the report was recorded.
    pub fn reported_at(&self) -> Option<DateTime<Utc>> {
        self.reported_at
    }
    /// The LK3 unit.
    pub fn unit(&self) -> Option<&UnitCode> {
        self.unit.as_ref()
    }
    /// Who reported.
    pub fn reported_by(&self) -> Option<ReporterKind> {
        self.reported_by
    }
    /// Who the outreach is for.
    pub fn sasaran(&self) -> Option<Sasaran> {
        self.sasaran
    }
    /// The problems reported.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }
    /// Where the person was seen.
    pub fn kode_wilayah(&self) -> Option<KodeWilayah> {
        self.kode_wilayah
    }
    /// How many visits were carried out.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
    /// How many visits the rule set allows (0 before the outreach is opened).
    pub fn max_attempts(&self) -> u32 {
        self.rule_set.map_or(0, |r| r.rules().outreach.max_attempts)
    }
    /// How many more visits may be carried out.
    pub fn attempts_left(&self) -> u32 {
        self.max_attempts().saturating_sub(self.attempts)
    }
    /// Every visit planned, in order.
    pub fn visits(&self) -> &[OutreachVisit] {
        &self.visits
    }
    /// Whether any visit went with the mobile unit.
    pub fn used_mobile_unit(&self) -> bool {
        self.visits.iter().any(|v| v.mobile_unit && v.carried_out_at.is_some())
    }
    /// The case the person's agreement opened or joined.
    pub fn case_link(&self) -> Option<CaseLink> {
        self.case_link
    }
    /// The person who agreed, by client registry id.
    pub fn client_id(&self) -> Option<ClientId> {
        self.client_id
    }
    /// Why the person refused, if they did.
    pub fn refusal(&self) -> Option<OutreachRefusalReason> {
        self.refusal
    }
    /// Why the outreach was closed, if it was.
    pub fn closure(&self) -> Option<OutreachCloseReason> {
        self.closure
    }

    /// The commands allowed now: the table's commands for the state, less
    /// `schedule` once the visits are used up.
    pub fn allowed_commands(&self) -> Vec<OutreachCommandKind> {
        self.allowed_under(self.rule_set)
    }

    /// Before the outreach is opened: the opening commands of every rule set.
    pub(super) fn allowed_under(&self, rule_set: Option<RuleSetId>) -> Vec<OutreachCommandKind> {
        let Some(rule_set) = rule_set else {
            return crate::rules::across_rule_sets(|r| r.outreach.table.allowed(None));
        };
        let outreach = &rule_set.rules().outreach;
        let exhausted = self.attempts >= outreach.max_attempts;
        outreach
            .table
            .allowed(self.state)
            .into_iter()
            .filter(|c| !(exhausted && *c == OutreachCommandKind::Schedule))
            .collect()
    }

    /// Folds one event into the state (the decider's `apply`). The state it
    /// leads to is read from the outreach table of the event's rule set.
    pub(super) fn fold(&mut self, event: &OutreachEventRecord) {
        if let Some(row) = event.rule_set.rules().outreach.table.row(self.state, event.payload.command_kind()) {
            self.state = Some(row.to);
        }
        self.version = event.seq;
        self.last_hash = event.hash;
        self.last_at = Some(event.occurred_at);
        let actor = event.actor.staff_id;
        match &event.payload {
            OutreachEvent::Reported { kode_wilayah, problems, reported_by, sasaran, unit } => {
                self.outreach_id = Some(OutreachId::from_uuid(event.stream_id));
                self.rule_set = Some(event.rule_set);
                self.reported_at = Some(event.occurred_at);
                self.unit = Some(*unit);
                self.reported_by = Some(*reported_by);
                self.sasaran = Some(*sasaran);
                self.problems.clone_from(problems);
                self.kode_wilayah = *kode_wilayah;
            }
            OutreachEvent::Scheduled { attempt, mobile_unit, planned_for } => self.visits.push(OutreachVisit {
                attempt: *attempt,
                planned_for: *planned_for,
                mobile_unit: *mobile_unit,
                scheduled_by: actor,
                carried_out_at: None,
                carried_out_by: None,
                outcome: None,
            }),
            OutreachEvent::CarriedOut { attempt } => {
                self.attempts = *attempt;
                if let Some(v) = self.visits.last_mut() {
                    v.carried_out_at = Some(event.occurred_at);
                    v.carried_out_by = Some(actor);
                }
            }
            OutreachEvent::AgreementRecorded { case, client_id } => {
                self.case_link = Some(*case);
                self.client_id = Some(*client_id);
                self.set_outcome(OutreachState::Bersedia);
            }
            OutreachEvent::RefusalRecorded { reason } => {
                self.refusal = Some(*reason);
                self.set_outcome(OutreachState::Menolak);
            }
            OutreachEvent::NotFoundRecorded { .. } => self.set_outcome(OutreachState::TidakDitemukan),
            OutreachEvent::Closed { reason } => self.closure = Some(*reason),
        }
    }

    fn set_outcome(&mut self, outcome: OutreachState) {
        if let Some(v) = self.visits.last_mut() {
            v.outcome = Some(outcome);
        }
    }
}
