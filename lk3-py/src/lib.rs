//! # lk3-py
//!
//! The Python package `lk3`, built by maturin: a thin layer over the Rust core
//! in the manner of pydantic-core. For now it exposes the package version and
//! the rule-set export; the Python issue adds stores, validation, typed case
//! objects, DataFrames and exceptions mirroring the Rust error areas.

use pyo3::prelude::*;

/// The rule set as JSON (`lk3 diagram --format json`), or Mermaid or DOT.
#[pyfunction]
#[pyo3(signature = (format = "json"))]
fn diagram(format: &str) -> PyResult<String> {
    use lk3_core::rules::{RuleSet, RuleSetId, export};
    let rules = RuleSet::get(RuleSetId::default());
    match format {
        "json" => Ok(export::to_json(rules)),
        "mermaid" => Ok(export::to_mermaid(rules)),
        "dot" => Ok(export::to_dot(rules)),
        other => Err(pyo3::exceptions::PyValueError::new_err(format!(
            "unknown format `{other}`: expected json, mermaid or dot / format tidak dikenal"
        ))),
    }
}

/// The compiled module `lk3._lk3` behind the `lk3` Python package.
#[pymodule]
mod _lk3 {
    #[pymodule_export]
    use super::diagram;

    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        m.add("__version__", env!("CARGO_PKG_VERSION"))
    }

    use pyo3::prelude::*;
}
