//! # lk3-py
//!
//! The Python package `lk3`, built by maturin: a thin layer over the Rust core
//! in the manner of pydantic-core. This crate is the compiled module
//! `lk3._lk3`: the rule set and its diagrams, the JSON Schemas, the document
//! validator, ids, and `NativeStore` (an `lk3_storage` store driven by a
//! tokio runtime, with the GIL released while Rust works) with its analysis
//! tables built column by column. The Pythonic API (`lk3.Store`, case
//! objects, DataFrames, exceptions) is the package's Python layer in
//! `python/lk3`, typed by `.pyi` stubs.

mod case;
mod error;
mod finding;
mod frames;
mod pyjson;
mod store;

use lk3_core::Labelled;
use lk3_core::rules::{RuleSetId, export};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::error::IntoPyResult;

/// The registered rule sets: `(name, effective from, effective until)`, dates ISO.
#[pyfunction]
fn rule_sets() -> Vec<(String, Option<String>, Option<String>)> {
    RuleSetId::all()
        .into_iter()
        .map(|r| {
            let period = r.rules().effective.as_ref();
            (r.id().to_owned(), period.map(|p| p.from.to_string()), period.and_then(|p| p.until).map(|d| d.to_string()))
        })
        .collect()
}

/// The rule set in force on a local date (ISO `YYYY-MM-DD`), if any.
#[pyfunction]
fn rule_set_in_force(date: &str) -> PyResult<Option<String>> {
    let date = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .map_err(|_| PyValueError::new_err(format!("`{date}` is not a date YYYY-MM-DD / bukan tanggal")))?;
    Ok(RuleSetId::in_force_on(date).map(|r| r.id().to_owned()))
}

/// The rule set named `rule_set`; `ValueError` naming the known ones.
fn rules_named(rule_set: &str) -> PyResult<&'static lk3_core::rules::RuleSet> {
    RuleSetId::parse(rule_set).map(|r| r.rules()).ok_or_else(|| {
        let known: Vec<String> = RuleSetId::all().iter().map(ToString::to_string).collect();
        PyValueError::new_err(format!(
            "unknown rule set `{rule_set}`: expected one of {} / aturan tidak dikenal",
            known.join(", ")
        ))
    })
}

/// A rule set as data (what `lk3 diagram --format json` writes), as Python
/// objects.
#[pyfunction]
fn rule_set<'py>(py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
    objects(py, &export::to_export(rules_named(name)?))
}

/// A rule set as JSON (`lk3 diagram --format json`), or Mermaid or DOT;
/// with `machine`, only that machine (JSON and Mermaid).
#[pyfunction]
#[pyo3(signature = (rule_set, format = "json", machine = None))]
fn diagram(rule_set: &str, format: &str, machine: Option<&str>) -> PyResult<String> {
    let rules = rules_named(rule_set)?;
    let unknown_machine = |m: &str| {
        let names = rules.machine_names().join(", ");
        PyValueError::new_err(format!("unknown machine `{m}`: expected {names} / mesin tidak dikenal"))
    };
    match (format, machine) {
        ("json", None) => Ok(export::to_json(rules)),
        ("json", Some(m)) => {
            let doc = export::to_export(rules);
            let found = doc.machines.iter().find(|x| x.name == m).ok_or_else(|| unknown_machine(m))?;
            serde_json::to_string_pretty(found).map_err(|e| PyValueError::new_err(e.to_string()))
        }
        ("mermaid", None) => Ok(export::to_mermaid(rules)),
        ("mermaid", Some(m)) => export::to_mermaid_machine(rules, m).ok_or_else(|| unknown_machine(m)),
        ("dot", None) => Ok(export::to_dot(rules)),
        ("dot", Some(_)) => Err(PyValueError::new_err("`machine` is for the json and mermaid formats")),
        (other, _) => Err(PyValueError::new_err(format!(
            "unknown format `{other}`: expected json, mermaid or dot / format tidak dikenal"
        ))),
    }
}

/// The names of the published JSON Schemas.
#[pyfunction]
fn schema_names() -> Vec<&'static str> {
    lk3_core::schema::DOCUMENTS.iter().map(|d| d.name).collect()
}

/// A value as Python's own objects (dicts, lists, str, int, float, bool,
/// None), built directly rather than parsed from text: what `json.loads`
/// gives for its JSON, members in the same order.
pub(crate) fn objects<'py, T: serde::Serialize + ?Sized>(py: Python<'py>, value: &T) -> PyResult<Bound<'py, PyAny>> {
    let built = pythonize::pythonize(py, value)
        .map_err(|e| error::Failure::Internal(format!("conversion failed: {e}")).into_py(py))?;
    as_json_gives(built)
}

/// `pythonize` makes a Rust tuple a Python tuple; JSON has only arrays,
/// which `json.loads` reads as lists.
fn as_json_gives(value: Bound<'_, PyAny>) -> PyResult<Bound<'_, PyAny>> {
    use pyo3::types::{PyDict, PyList, PyTuple};
    if let Ok(tuple) = value.cast::<PyTuple>() {
        let items = tuple.iter().map(as_json_gives).collect::<PyResult<Vec<_>>>()?;
        return Ok(PyList::new(value.py(), items)?.into_any());
    }
    // Scalars are left in place; only containers may hold a tuple.
    let nested = |item: &Bound<'_, PyAny>| {
        item.is_instance_of::<PyTuple>() || item.is_instance_of::<PyList>() || item.is_instance_of::<PyDict>()
    };
    if let Ok(list) = value.cast::<PyList>() {
        for (i, item) in list.iter().enumerate().filter(|(_, item)| nested(item)) {
            list.set_item(i, as_json_gives(item)?)?;
        }
    } else if let Ok(dict) = value.cast::<PyDict>() {
        let members: Vec<_> = dict.iter().filter(|(_, item)| nested(item)).collect();
        for (key, item) in members {
            dict.set_item(key, as_json_gives(item)?)?;
        }
    }
    Ok(value)
}

/// The JSON Schema named `name` as Python objects, or `None`.
#[pyfunction]
fn schema<'py>(py: Python<'py>, name: &str) -> PyResult<Option<Bound<'py, PyAny>>> {
    lk3_core::schema::generate(name).map(|schema| objects(py, &schema)).transpose()
}

/// What [`validate_bytes`] and [`validate_data`] found: the document kind,
/// valid, structurally valid, and every finding as a native
/// [`finding::Finding`].
type Validated = (Option<String>, bool, bool, Vec<finding::Finding>);

/// Validates one JSON document (bytes); returns the report's fields (those
/// of the `validation-result` document), the findings as native objects.
/// With `trust` (a trust file's bytes), a case or outreach document must
/// carry a seal by one of its keys. Runs with the GIL released.
#[pyfunction]
#[pyo3(signature = (data, kind = None, trust = None))]
fn validate_bytes(py: Python<'_>, data: Vec<u8>, kind: Option<String>, trust: Option<Vec<u8>>) -> PyResult<Validated> {
    let trust = validation_inputs(py, kind.as_deref(), trust)?;
    let report = py.detach(|| {
        let limits = lk3_core::validate::Limits::default();
        lk3_core::validate::validate_trusted(&data, kind.as_deref(), &limits, None, trust.as_ref())
    });
    Ok(validated(report))
}

/// [`validate_bytes`] of a document given as Python data (dicts, lists,
/// text, numbers), read as a tree ([`pyjson`]) and never written out as
/// text: the same checks and findings. Nesting past the limit is the
/// finding `LK3-E063`, as in text; an object that is not JSON data raises
/// `TypeError`, as `json.dumps` would.
#[pyfunction]
#[pyo3(signature = (data, kind = None, trust = None))]
fn validate_data(
    py: Python<'_>,
    data: &Bound<'_, PyAny>,
    kind: Option<String>,
    trust: Option<Vec<u8>>,
) -> PyResult<Validated> {
    let trust = validation_inputs(py, kind.as_deref(), trust)?;
    let limits = lk3_core::validate::Limits::default();
    let tree = match pyjson::json_of(data) {
        Ok(tree) => tree,
        // Read only to the nesting limit: past it, the validator's finding.
        Err(error::Failure::Lk3 { code, .. }) if code == lk3_core::ErrorCode::DocumentTooDeep.id() => {
            let finding = lk3_core::validate::too_deep(&limits);
            return Ok((None, false, false, vec![finding::Finding::from(&finding)]));
        }
        Err(other) => return Err(other.into_py(py)),
    };
    let report =
        py.detach(|| lk3_core::validate::validate_tree_trusted(&tree, kind.as_deref(), &limits, trust.as_ref()));
    Ok(validated(report))
}

/// The trust set of a validation, read from its file's bytes, once `kind`
/// (if given) is known to be a document kind.
fn validation_inputs(
    py: Python<'_>,
    kind: Option<&str>,
    trust: Option<Vec<u8>>,
) -> PyResult<Option<lk3_core::seal::TrustedKeys>> {
    if let Some(k) = kind.filter(|k| !lk3_core::validate::KINDS.contains(k)) {
        return Err(PyValueError::new_err(format!(
            "unknown document kind `{k}`: expected one of {}",
            lk3_core::validate::KINDS.join(", ")
        )));
    }
    trust.map(|t| lk3_core::seal::TrustedKeys::parse(&t)).transpose().map_err(|e| error::Failure::lk3(&e)).py(py)
}

fn validated(report: lk3_core::validate::Report) -> Validated {
    let findings = report.findings.iter().map(finding::Finding::from).collect();
    (report.document, report.valid, report.structurally_valid, findings)
}

/// A document file's bytes, at most the validator's size limit (a FIFO, a
/// device or `/dev/zero` behind a `.json` name is refused, never read
/// whole). Runs with the GIL released.
#[pyfunction]
fn read_document(py: Python<'_>, path: std::path::PathBuf) -> PyResult<std::borrow::Cow<'static, [u8]>> {
    let limit = lk3_core::validate::Limits::default().max_bytes as u64;
    let read = py.detach(|| lk3_storage::files::read_limited(&path, limit));
    read.map(std::borrow::Cow::Owned).map_err(|e| error::Failure::lk3(&e)).py(py)
}

/// The document files under `path` (`*.json`, in name order; `path` itself
/// when it is a file), never following a link inside a directory.
#[pyfunction]
fn walk_documents(py: Python<'_>, path: std::path::PathBuf) -> PyResult<Vec<std::path::PathBuf>> {
    let found = py.detach(|| lk3_storage::files::walk(&path, &["json"]));
    found.into_iter().map(|f| f.map_err(|e| error::Failure::lk3(&e)).py(py)).collect()
}

/// A new UUID v7 for the time `at` (RFC 3339), with random bits.
#[pyfunction]
fn new_id(py: Python<'_>, at: &str) -> PyResult<String> {
    let at = store::parse_time(at).py(py)?;
    let [seed] = store::random_seeds().py(py)?;
    Ok(lk3_core::ids::CaseId::new_v7(at, seed).to_string())
}

/// The pseudonym of `id` under `key` (what the pseudonymised frames hold).
#[pyfunction]
fn pseudonym(key: &[u8], id: &str) -> String {
    lk3_storage::pseudonym::Keyed::new(key).pseudonym(id)
}

/// The age bands of pseudonymised frames, youngest first.
#[pyfunction]
fn age_bands() -> Vec<&'static str> {
    lk3_core::vocab::AgeBand::ids()
}

/// The resolutions pseudonymised frames coarsen times to, finest first.
#[pyfunction]
fn resolutions() -> Vec<&'static str> {
    frames::Resolution::ALL.iter().map(|r| r.name()).collect()
}

/// The access rule's table as Python objects: per sensitivity, the roles
/// that read at it, whether a purpose is required (and the read logged),
/// whether only the case's insiders (and the unit's heads) read it; each
/// kind's floor; each role's scope of cases.
#[pyfunction]
fn access_rules(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    let floors: serde_json::Map<String, serde_json::Value> = lk3_core::access::ReadKind::ALL
        .iter()
        .map(|k| (k.id().to_owned(), serde_json::Value::from(k.floor().id())))
        .collect();
    let scopes: serde_json::Map<String, serde_json::Value> =
        lk3_core::access::SCOPES.iter().map(|(role, kind)| (role.id().to_owned(), kind.id().into())).collect();
    let table = serde_json::json!({
        "rules": lk3_core::access::READ_RULES,
        "floors": floors,
        "heads": lk3_core::access::HEADS,
        "scopes": scopes,
    });
    objects(py, &table)
}

/// Every code of the core's error registry with its short titles
/// (Indonesian, English) and its area, for `lk3.errors.error_codes`.
#[pyfunction]
fn error_codes() -> Vec<(&'static str, &'static str, &'static str, &'static str)> {
    lk3_core::ErrorCode::ALL.iter().map(|c| (c.id(), c.label_id(), c.label_en(), c.area().id())).collect()
}

/// The compiled module `lk3._lk3` behind the `lk3` Python package.
#[pymodule]
mod _lk3 {
    #[pymodule_export]
    use super::{
        access_rules, age_bands, diagram, error_codes, new_id, pseudonym, read_document, resolutions, rule_set,
        rule_set_in_force, rule_sets, schema, schema_names, validate_bytes, validate_data, walk_documents,
    };

    #[pymodule_export]
    use super::case::NativeCase;
    #[pymodule_export]
    use super::finding::Finding;
    #[pymodule_export]
    use super::store::{NativeStore, before_fork};

    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        m.add("__version__", env!("CARGO_PKG_VERSION"))?;
        super::store::register_fork_hook(m)
    }

    use pyo3::prelude::*;
}
