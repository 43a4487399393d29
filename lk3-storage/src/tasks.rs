//! Tasks read from a store: the open cases a unit holds (or every unit's)
//! and its scheduled outreaches, each folded from its events and asked for
//! its tasks ([`lk3_core::task`]), so a task ends as soon as the event that
//! does it is stored. Nothing is kept besides the events.

use chrono::{DateTime, Utc};
use lk3_core::case::{Case, CaseEvent};
use lk3_core::decider::Decider;
use lk3_core::ids::{CaseId, CaseNumber, OutreachId, StaffId, UnitCode};
use lk3_core::outreach::{Outreach, OutreachEvent, OutreachState};
use lk3_core::task::Task;
use serde::Serialize;

use crate::aggregate::decode;
use crate::error::StoreError;
use crate::projection::CaseQuery;
use crate::store::CaseStore;

/// An open task with where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OpenTask {
    /// The unit holding the case (or running the outreach).
    pub unit: UnitCode,
    /// The case, for a case's task.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub case_id: Option<CaseId>,
    /// Its number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub case_number: Option<CaseNumber>,
    /// The outreach, for a visit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outreach_id: Option<OutreachId>,
    /// The task.
    #[serde(flatten)]
    pub task: Task,
}

/// Which tasks to list; every filter optional, combined with AND.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaskQuery {
    /// Only the tasks of what this unit holds.
    pub unit: Option<UnitCode>,
    /// Only the tasks of this worker's cases (outreach visits have no worker).
    pub worker: Option<StaffId>,
    /// Only the tasks due before this time.
    pub due_before: Option<DateTime<Utc>>,
    /// Only the tasks overdue at this time (due before it).
    pub overdue_at: Option<DateTime<Utc>>,
}

impl TaskQuery {
    fn keeps(&self, t: &Task) -> bool {
        self.worker.is_none_or(|w| t.worker == Some(w))
            && self.due_before.is_none_or(|d| t.due < d)
            && self.overdue_at.is_none_or(|now| t.is_overdue(now))
    }
}

/// How many streams a read takes.
const PAGE: u32 = 500;

/// The open tasks matching `query`, by due date (then case or outreach id).
pub async fn tasks<S: CaseStore + ?Sized>(store: &S, query: &TaskQuery) -> Result<Vec<OpenTask>, StoreError> {
    let mut found = Vec::new();
    // Only what is not finished in every rule set can have a task.
    let mut cases = CaseQuery {
        held_by: query.unit,
        worker: query.worker,
        active_from: Some(DateTime::<Utc>::MAX_UTC),
        limit: PAGE,
        ..CaseQuery::default()
    };
    loop {
        let page = store.query_cases(&cases).await?;
        let mut by_unit: std::collections::BTreeMap<UnitCode, Vec<uuid::Uuid>> = Default::default();
        for s in &page {
            by_unit.entry(s.unit).or_default().push(*s.case_id.as_uuid());
        }
        for (unit, ids) in by_unit {
            for (id, rows) in store.read_streams(&unit, &ids).await? {
                let case = Case::from_events(&decode::<CaseEvent>(id, &rows)?);
                let Some(holder) = case.holding_unit() else { continue };
                for task in case.tasks().into_iter().filter(|t| query.keeps(t)) {
                    found.push(OpenTask {
                        unit: holder,
                        case_id: case.case_id(),
                        case_number: case.case_number().cloned(),
                        outreach_id: None,
                        task,
                    });
                }
            }
        }
        match page.last() {
            Some(last) if page.len() == PAGE as usize => cases.after = Some(last.case_id),
            _ => break,
        }
    }
    // Outreach visits have no worker: listed only when no worker is asked for.
    if query.worker.is_none() {
        let units = match query.unit {
            Some(u) => vec![u],
            None => store.units().await?,
        };
        for unit in units {
            let mut after = None;
            loop {
                // Only the outreaches not finished in every rule set.
                let open = DateTime::<Utc>::MAX_UTC..DateTime::<Utc>::MAX_UTC;
                let page = store.query_outreaches(&unit, open, after, PAGE).await?;
                let scheduled: Vec<uuid::Uuid> = page
                    .iter()
                    .filter(|o| o.state == OutreachState::Dijadwalkan)
                    .map(|o| *o.outreach_id.as_uuid())
                    .collect();
                if !scheduled.is_empty() {
                    for (id, rows) in store.read_streams(&unit, &scheduled).await? {
                        let outreach = Outreach::from_events(&decode::<OutreachEvent>(id, &rows)?);
                        for task in outreach.tasks().into_iter().filter(|t| query.keeps(t)) {
                            found.push(OpenTask {
                                unit,
                                case_id: None,
                                case_number: None,
                                outreach_id: outreach.outreach_id(),
                                task,
                            });
                        }
                    }
                }
                match page.last() {
                    Some(last) if page.len() == PAGE as usize => after = Some(last.outreach_id),
                    _ => break,
                }
            }
        }
    }
    found.sort_by_key(|t| (t.task.due, t.case_id.map(|c| *c.as_uuid()).or(t.outreach_id.map(|o| *o.as_uuid()))));
    Ok(found)
}
