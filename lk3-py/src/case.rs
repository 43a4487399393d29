//! `NativeCase`: a case's verified fold, held in Rust and read by Python a
//! member at a time. Executing a command hands one back without reloading
//! the stream, so a command costs the same at a case's hundredth event as at
//! its first; `lk3.Case` (python/lk3/models.py) wraps it and turns only the
//! members a caller reads into Python objects.

use std::sync::Arc;

use lk3_core::Labelled;
use lk3_core::case::Case;
use pyo3::prelude::*;

use crate::error::{Failure, IntoPyResult};

/// A case as its events fold to, read-only.
#[pyclass(frozen, module = "lk3._lk3")]
pub struct NativeCase {
    pub(crate) state: Arc<Case>,
}

impl NativeCase {
    pub(crate) fn new(state: Arc<Case>) -> Self {
        NativeCase { state }
    }
}

fn text(v: Option<impl ToString>) -> Option<String> {
    v.map(|v| v.to_string())
}

fn rfc3339(t: Option<chrono::DateTime<chrono::Utc>>) -> Option<String> {
    t.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
}

#[pymethods]
impl NativeCase {
    /// The case id (`None` only for a case with no events).
    #[getter]
    fn case_id(&self) -> Option<String> {
        text(self.state.case_id())
    }
    /// The unit that opened the case and keeps its history.
    #[getter]
    fn unit(&self) -> Option<String> {
        text(self.state.unit())
    }
    /// The unit holding the case now.
    #[getter]
    fn holding_unit(&self) -> Option<String> {
        text(self.state.holding_unit())
    }
    /// The human case number.
    #[getter]
    fn case_number(&self) -> Option<String> {
        text(self.state.case_number())
    }
    /// The lifecycle stage.
    #[getter]
    fn stage(&self) -> Option<&'static str> {
        self.state.stage().map(|s| s.id())
    }
    /// The number of events.
    #[getter]
    fn version(&self) -> u64 {
        self.state.version()
    }
    /// The hash of the last event (64 hex digits).
    #[getter]
    fn last_hash(&self) -> String {
        self.state.last_hash().to_string()
    }
    /// The rule set the case is decided under.
    #[getter]
    fn rule_set(&self) -> Option<&'static str> {
        self.state.rule_set().map(|r| r.id())
    }
    /// When the case was opened (RFC 3339).
    #[getter]
    fn opened_at(&self) -> Option<String> {
        rfc3339(self.state.opened_at())
    }
    /// Its last event's time (RFC 3339).
    #[getter]
    fn last_at(&self) -> Option<String> {
        rfc3339(self.state.last_at())
    }
    /// How the case came in.
    #[getter]
    fn channel(&self) -> Option<&'static str> {
        self.state.channel().map(|c| c.id())
    }
    /// Who the service is for.
    #[getter]
    fn sasaran(&self) -> Option<&'static str> {
        self.state.sasaran().map(|s| s.id())
    }
    /// The social worker in charge.
    #[getter]
    fn worker(&self) -> Option<String> {
        text(self.state.worker())
    }
    /// The assessed risk.
    #[getter]
    fn risk(&self) -> Option<&'static str> {
        self.state.risk().map(|r| r.id())
    }
    /// The problems recorded.
    #[getter]
    fn problems(&self) -> Vec<&'static str> {
        self.state.problems().iter().map(|p| p.id()).collect()
    }
    /// The plan version awaiting approval, if one does.
    #[getter]
    fn proposal_version(&self) -> Option<u32> {
        self.state.proposal().map(|p| p.plan_version)
    }
    /// Reopened after closure.
    #[getter]
    fn continuing(&self) -> bool {
        self.state.is_continuing()
    }
    /// How many times the case was reopened.
    #[getter]
    fn reopen_count(&self) -> u32 {
        self.state.reopen_count()
    }

    /// One member of the case's JSON form (`clients`, `consents`,
    /// `services`, `aid` ...), as Python objects (what `json.loads` gives
    /// for it): a caller converts only what it reads.
    fn part<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
        use crate::objects;
        let s = &*self.state;
        match name {
            "clients" => objects(py, s.clients()),
            "consents" => objects(py, s.consents()),
            "services" => objects(py, s.services()),
            "aid" => objects(py, s.aid()),
            "participants" => objects(py, s.participants()),
            "protective_referrals" => objects(py, s.protective_referrals()),
            "transfers" => objects(py, s.transfers()),
            "notes" => objects(py, s.notes()),
            "attachments" => objects(py, s.attachments()),
            "referred_by" => objects(py, &s.referred_by()),
            other => Err(Failure::Value(format!("a case has no member `{other}`"))).py(py),
        }
    }

    /// The whole case as JSON text (the `case` of an export document).
    fn to_json(&self, py: Python<'_>) -> PyResult<String> {
        serde_json::to_string(&*self.state).map_err(|e| Failure::Internal(format!("serialisation failed: {e}"))).py(py)
    }

    /// The whole case as Python objects (what `json.loads` gives for [`NativeCase::to_json`]).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        crate::objects(py, &*self.state)
    }

    /// Whether both are the same fold: the same stream at the same event.
    fn same_as(&self, other: &NativeCase) -> bool {
        Arc::ptr_eq(&self.state, &other.state)
            || (self.state.case_id() == other.state.case_id()
                && self.state.version() == other.state.version()
                && self.state.last_hash() == other.state.last_hash())
    }
}
