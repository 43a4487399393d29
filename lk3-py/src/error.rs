//! lk3 errors as Python exceptions. The exception classes live in Python
//! (`lk3/errors.py`, where the stubs and docs are); `lk3.errors._from_code`
//! picks the class for a code, so the mapping is written once, in Python.

use lk3_core::validate::Finding;
use lk3_core::{Labelled, Lk3Error};
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;

/// What went wrong in a call, before it becomes a Python exception (built
/// without the GIL, raised with it).
#[derive(Debug)]
pub enum Failure {
    /// An lk3 error: code and both messages, and the findings of a validation.
    Lk3 {
        /// `LK3-Exxx`.
        code: String,
        /// In English.
        message_en: String,
        /// In Indonesian.
        message_id: String,
        /// The validator's findings, when the error is a refused document.
        findings: Vec<Finding>,
    },
    /// A malformed argument (a naive time, a key of the wrong type ...): `ValueError`.
    Value(String),
    /// An argument of a type lk3 does not take (an object that is not JSON data): `TypeError`.
    Type(String),
    /// Something that should not happen (a runtime that cannot start): `RuntimeError`.
    Internal(String),
}

impl Failure {
    /// The failure of an lk3 error.
    pub fn lk3(e: &dyn Lk3Error) -> Self {
        Failure::Lk3 {
            code: e.code().id().to_owned(),
            message_en: e.message_en(),
            message_id: e.message_id(),
            findings: Vec::new(),
        }
    }

    /// The Python exception.
    pub fn into_py(self, py: Python<'_>) -> PyErr {
        match self {
            Failure::Lk3 { code, message_en, message_id, findings } => {
                let findings: Vec<crate::finding::Finding> = findings.iter().map(Into::into).collect();
                match build(py, &code, &message_en, &message_id, findings) {
                    Ok(err) | Err(err) => err,
                }
            }
            Failure::Value(message) => PyValueError::new_err(message),
            Failure::Type(message) => pyo3::exceptions::PyTypeError::new_err(message),
            Failure::Internal(message) => PyRuntimeError::new_err(message),
        }
    }
}

impl From<lk3_storage::StoreError> for Failure {
    fn from(e: lk3_storage::StoreError) -> Self {
        Failure::lk3(&e)
    }
}

impl From<lk3_core::ids::IdentifierError> for Failure {
    fn from(e: lk3_core::ids::IdentifierError) -> Self {
        Failure::lk3(&e)
    }
}

impl From<lk3_core::label::UnknownValue> for Failure {
    fn from(e: lk3_core::label::UnknownValue) -> Self {
        Failure::lk3(&e)
    }
}

fn build(py: Python<'_>, code: &str, en: &str, id: &str, findings: Vec<crate::finding::Finding>) -> PyResult<PyErr> {
    let exc = py.import("lk3.errors")?.getattr("_from_code")?.call1((code, en, id, findings))?;
    Ok(PyErr::from_value(exc))
}

/// Results of calls that fail with a [`Failure`].
pub type Outcome<T> = Result<T, Failure>;

/// Raises a [`Failure`] as its Python exception.
pub trait IntoPyResult<T> {
    /// The `PyResult`.
    fn py(self, py: Python<'_>) -> PyResult<T>;
}

impl<T> IntoPyResult<T> for Outcome<T> {
    fn py(self, py: Python<'_>) -> PyResult<T> {
        self.map_err(|f| f.into_py(py))
    }
}
