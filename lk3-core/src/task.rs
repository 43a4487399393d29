//! Tasks: the work that falls due around a case or an outreach, derived from
//! its fold. A task exists while its work is not done and ends when the event
//! that does it is recorded; its due date comes from the rule set's
//! deadline (`RuleSet::deadlines`) or from the date the work was given (a
//! referral's response deadline, a visit's planned time).
//!
//! | task | arises | due | ends |
//! |---|---|---|---|
//! | `asesmen` | contract agreed (or a reassessment begun) | + deadline | assessment completed |
//! | `sesi_konseling` | a counselling service opened, or its last session | + deadline | next session, or the service ends |
//! | `bimbingan_lanjut` | aftercare started | + deadline | closure approved (or a relapse) |
//! | `jawaban_rujukan` | a referral sent | its response deadline | the partner answers (or it is withdrawn) |
//! | `pencabutan_persetujuan` | a consent to services withdrawn | + deadline | services ended, or consent in force again |
//! | `kunjungan_penjangkauan` | an outreach visit scheduled | its planned time | the visit is recorded (or the outreach closed) |

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::case::Case;
use crate::ids::StaffId;
use crate::outreach::Outreach;
use crate::rules::RuleSetId;
use crate::service::ServiceState;
use crate::vocab::{ConsentPurpose, OutreachState, ServiceKind, Stage, TaskKind};

/// One open task of a case or an outreach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Task {
    /// What is to be done.
    pub task: TaskKind,
    /// When the work arose.
    pub since: DateTime<Utc>,
    /// When it is due.
    pub due: DateTime<Utc>,
    /// The record it is about, when not the whole case: the service, the
    /// consent, or (for a visit) the outreach.
    pub about: Option<Uuid>,
    /// The worker in charge of the case (none for an outreach).
    pub worker: Option<StaffId>,
}

impl Task {
    /// Whether it is overdue at `now` (due before it).
    pub fn is_overdue(&self, now: DateTime<Utc>) -> bool {
        self.due < now
    }
}

/// `since + the rule set's deadline for `task``, if it sets one.
fn due(rule_set: RuleSetId, task: TaskKind, since: Option<DateTime<Utc>>) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let within: Duration = rule_set.rules().deadline(task)?;
    let since = since?;
    Some((since, since.checked_add_signed(within)?))
}

impl Case {
    /// The case's open tasks, in the order of the table above (a closed case
    /// has none).
    pub fn tasks(&self) -> Vec<Task> {
        let (Some(rule_set), Some(stage)) = (self.rule_set(), self.stage()) else { return Vec::new() };
        if rule_set.rules().case.is_terminal(stage) {
            return Vec::new();
        }
        let worker = self.worker();
        let mut out = Vec::new();
        let mut push = |task, about, window: Option<(DateTime<Utc>, DateTime<Utc>)>| {
            if let Some((since, due)) = window {
                out.push(Task { task, since, due, about, worker });
            }
        };
        if matches!(stage, Stage::Kontrak | Stage::Asesmen) {
            push(TaskKind::Asesmen, None, due(rule_set, TaskKind::Asesmen, self.assessment_from()));
        }
        for s in self.services().iter().filter(|s| s.kind == ServiceKind::Konseling && !s.is_closed(Some(rule_set))) {
            let since = s.last_session_at.or(Some(s.opened_at));
            push(TaskKind::SesiKonseling, Some(*s.service_id.as_uuid()), due(rule_set, TaskKind::SesiKonseling, since));
        }
        if stage == Stage::BimbinganLanjut {
            push(TaskKind::BimbinganLanjut, None, due(rule_set, TaskKind::BimbinganLanjut, self.stage_since()));
        }
        for s in self.services().iter().filter(|s| s.state == ServiceState::Dikirim) {
            if let (Some((sent, _)), Some(deadline)) = (s.sent, s.response_deadline) {
                push(TaskKind::JawabanRujukan, Some(*s.service_id.as_uuid()), Some((sent, deadline)));
            }
        }
        // Processing goes on after a withdrawal while a service is open and
        // the client has no consent to services in force again.
        let services_open = self.services().iter().any(|s| !s.is_closed(Some(rule_set)));
        for c in self.consents().iter().filter(|c| c.consent.purposes.contains(&ConsentPurpose::Layanan)) {
            let Some(withdrawn) = c.withdrawn_at else { continue };
            if services_open && self.consent_for(c.consent.subject, ConsentPurpose::Layanan).is_none() {
                let window = due(rule_set, TaskKind::PencabutanPersetujuan, Some(withdrawn));
                push(TaskKind::PencabutanPersetujuan, Some(*c.consent.consent_id.as_uuid()), window);
            }
        }
        out
    }
}

impl Outreach {
    /// The outreach's open task: its scheduled visit, while it is scheduled.
    pub fn tasks(&self) -> Vec<Task> {
        let (Some(OutreachState::Dijadwalkan), Some(visit), Some(id)) =
            (self.state(), self.visits().last(), self.outreach_id())
        else {
            return Vec::new();
        };
        let since = self.last_at().unwrap_or(visit.planned_for);
        vec![Task {
            task: TaskKind::KunjunganPenjangkauan,
            since,
            due: visit.planned_for,
            about: Some(*id.as_uuid()),
            worker: None,
        }]
    }
}
