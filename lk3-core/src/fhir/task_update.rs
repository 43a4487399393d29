//! A partner's update of a referral Task, read back from FHIR: which case
//! and referral, which partner, the status it now has and when, and the
//! step that brings the referral there, chosen from the referral's table.

use std::fmt;

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::error::{ErrorCode, Lk3Error};
use crate::ids::{CaseId, PartnerId, ServiceId};
use crate::label::Labelled;
use crate::rules::ServiceTable;
use crate::service::{PartnerFeedback, ServiceCommand, ServiceCommandKind as K, ServiceState};
use crate::vocab::{FeedbackOutcome, ServiceReason, VoidReason};

/// What a Task says, as lk3 reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskUpdate {
    /// The case (`Task.groupIdentifier`, system `urn:lk3:case`).
    pub case_id: CaseId,
    /// The referral (`Task.id`).
    pub service_id: ServiceId,
    /// The partner that owns the Task (`Task.owner`, `Organization/<id>`).
    pub partner_id: PartnerId,
    /// The state its `Task.status` names.
    pub state: ServiceState,
    /// When the partner changed it (`Task.lastModified`).
    pub at: DateTime<Utc>,
    /// The reason it gives (`Task.statusReason`, system `urn:lk3:service-reason`).
    pub reason: Option<ServiceReason>,
    /// The outcome it reports (`Task.output`, system `urn:lk3:feedback-outcome`).
    pub outcome: Option<FeedbackOutcome>,
}

/// Why a Task cannot be read as a partner's update.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TaskError {
    /// Not a Task (`resourceType` is another or missing).
    NotATask,
    /// A member lk3 needs is missing or not what FHIR says it is.
    Member {
        /// The member (`id`, `status`, `owner`, `groupIdentifier`, `lastModified`).
        member: &'static str,
    },
    /// A `Task.status` that no state of a referral has (`draft` included: a
    /// partner never sets it).
    NoStep {
        /// The status, cut to 40 characters.
        status: String,
    },
}

impl fmt::Display for TaskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotATask => write!(f, "[{}] not a FHIR Task", self.code().id()),
            Self::Member { member } => {
                write!(f, "[{}] the Task's `{member}` is missing or malformed", self.code().id())
            }
            Self::NoStep { status } => {
                write!(f, "[{}] no partner step leads a referral to Task status `{status}`", self.code().id())
            }
        }
    }
}

impl std::error::Error for TaskError {}

impl Lk3Error for TaskError {
    fn code(&self) -> ErrorCode {
        ErrorCode::FhirTaskInvalid
    }

    fn message_id(&self) -> String {
        let code = self.code().id();
        match self {
            Self::NotATask => format!("[{code}] bukan Task FHIR"),
            Self::Member { member } => format!("[{code}] anggota `{member}` pada Task tidak ada atau salah bentuk"),
            Self::NoStep { status } => {
                format!("[{code}] tidak ada langkah mitra yang membawa rujukan ke status Task `{status}`")
            }
        }
    }
}

fn text<'v>(value: &'v Value, member: &'static str) -> Result<&'v str, TaskError> {
    value.as_str().ok_or(TaskError::Member { member })
}

/// The code of the first coding of `system` in a CodeableConcept.
fn code_of<'v>(concept: &'v Value, system: &str) -> Option<&'v str> {
    concept["coding"].as_array()?.iter().find(|c| c["system"] == system).and_then(|c| c["code"].as_str())
}

/// Reads a Task as a partner's update.
pub fn read_task(task: &Value) -> Result<TaskUpdate, TaskError> {
    if task["resourceType"] != "Task" {
        return Err(TaskError::NotATask);
    }
    let member = |member| TaskError::Member { member };
    let service_id = ServiceId::parse(text(&task["id"], "id")?).map_err(|_| member("id"))?;
    let group = &task["groupIdentifier"];
    if group["system"] != "urn:lk3:case" {
        return Err(member("groupIdentifier"));
    }
    let case_id = CaseId::parse(text(&group["value"], "groupIdentifier")?).map_err(|_| member("groupIdentifier"))?;
    let owner = text(&task["owner"]["reference"], "owner")?;
    let partner_id =
        owner.strip_prefix("Organization/").and_then(|id| PartnerId::parse(id).ok()).ok_or(member("owner"))?;
    let status = text(&task["status"], "status")?;
    let state = ServiceState::ALL
        .iter()
        .copied()
        .find(|s| s.fhir_task_status() == Some(status) && *s != ServiceState::Draf)
        .ok_or_else(|| TaskError::NoStep { status: crate::json::cut(status, 40) })?;
    let at = DateTime::parse_from_rfc3339(text(&task["lastModified"], "lastModified")?)
        .map_err(|_| member("lastModified"))?
        .with_timezone(&Utc);
    let reason = code_of(&task["statusReason"], "urn:lk3:service-reason").and_then(ServiceReason::from_id);
    let outcome = task["output"]
        .as_array()
        .into_iter()
        .flatten()
        .find_map(|o| code_of(&o["valueCodeableConcept"], "urn:lk3:feedback-outcome"))
        .and_then(FeedbackOutcome::from_id);
    Ok(TaskUpdate { case_id, service_id, partner_id, state, at, reason, outcome })
}

impl TaskUpdate {
    /// The step that takes a referral in `current` to the Task's state:
    /// `None` when it is there already; else the command of the table's row
    /// from `current` into that state, or, when the table has none, of its
    /// first row into it, for `decide` to refuse with the usual error.
    pub fn step(&self, current: ServiceState, table: &ServiceTable) -> Option<ServiceCommand> {
        if current == self.state {
            return None;
        }
        let into = |r: &&crate::rules::Row<ServiceState, K, _>| r.to == self.state && r.from.is_some();
        let row = table
            .rows()
            .iter()
            .filter(into)
            .find(|r| r.from == Some(current))
            .or_else(|| table.rows().iter().find(into))?;
        let reason = self.reason.unwrap_or(ServiceReason::Lainnya);
        Some(match row.command {
            K::Accept => ServiceCommand::Accept {},
            K::Reject => ServiceCommand::Reject { reason },
            K::Process => ServiceCommand::Process {},
            K::Resume => ServiceCommand::Resume {},
            K::Postpone => ServiceCommand::Postpone { reason },
            K::Fail => ServiceCommand::Fail { reason },
            K::Cancel => ServiceCommand::Cancel { reason },
            K::Complete => ServiceCommand::Complete {
                feedback: self.outcome.map(|outcome| PartnerFeedback { note_digest: None, outcome }),
            },
            K::Void => ServiceCommand::Void { reason: VoidReason::Lainnya },
            K::Send => ServiceCommand::Send { response_deadline: None, emergency: None, request: Default::default() },
            _ => return None,
        })
    }
}
