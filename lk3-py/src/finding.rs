//! A validator's finding as a native Python class (`lk3.Finding`): what a
//! validation report and a refused document's exception hold, made from the
//! core's [`lk3_core::validate::Finding`] without a JSON round trip.

use pyo3::prelude::*;
use pyo3::types::PyTuple;

/// One problem the validator found in a document: its stable code, its
/// severity (`error` or `warning`), where (a JSON Pointer) and both messages.
#[pyclass(frozen, eq, hash, module = "lk3._lk3", name = "Finding")]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Finding {
    /// The stable code (`LK3-E070`, `LK3-W001` ...).
    #[pyo3(get)]
    code: String,
    /// `error` (the document is invalid) or `warning`.
    #[pyo3(get)]
    severity: String,
    /// Where, as a JSON Pointer (RFC 6901); `""` is the whole document.
    #[pyo3(get)]
    pointer: String,
    /// The message in English.
    #[pyo3(get)]
    message_en: String,
    /// The message in Indonesian.
    #[pyo3(get)]
    message_id: String,
}

#[pymethods]
impl Finding {
    #[new]
    fn new(code: String, severity: String, pointer: String, message_en: String, message_id: String) -> Self {
        Finding { code, severity, pointer, message_en, message_id }
    }

    fn __repr__(&self) -> String {
        format!(
            "Finding(code={:?}, severity={:?}, pointer={:?}, message_en={:?}, message_id={:?})",
            self.code, self.severity, self.pointer, self.message_en, self.message_id
        )
    }

    /// Pickles as its class and fields (an exception carrying findings
    /// crosses to a worker process whole).
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyTuple>)> {
        let f = slf.get();
        let fields = (&f.code, &f.severity, &f.pointer, &f.message_en, &f.message_id);
        Ok((slf.get_type().into_any(), fields.into_pyobject(slf.py())?))
    }
}

impl From<&lk3_core::validate::Finding> for Finding {
    fn from(f: &lk3_core::validate::Finding) -> Self {
        Finding {
            code: f.code.clone(),
            // The name the report's JSON gives it (serde's), not a second list.
            severity: serde_json::to_value(f.severity)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            pointer: f.pointer.clone(),
            message_en: f.message_en.clone(),
            message_id: f.message_id.clone(),
        }
    }
}
