//! Python objects as JSON data, for the validator: native methods take the
//! caller's dicts and lists, never JSON text (pydantic-core's way). Dicts
//! with text keys, lists, tuples, text, whole numbers, floats, booleans and
//! `None` are read as they are; anything else goes through
//! `lk3.rules._json_default` (an aware datetime as RFC 3339 text, a date as
//! ISO text, a set as a list; else `TypeError`), as `json.dumps` would.
//! Nesting past the validator's limit is `LK3-E063`, found while reading,
//! so a hostile object never costs more than 64 levels of stack.

use lk3_core::validate::Limits;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::{Map, Number, Value};

use crate::error::{Failure, Outcome};

/// `lk3.rules._json_default`, looked up once (each command is read with it).
static JSON_DEFAULT: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// `obj` as a JSON tree.
pub(crate) fn json_of(obj: &Bound<'_, PyAny>) -> Outcome<Value> {
    let default =
        JSON_DEFAULT.import(obj.py(), "lk3.rules", "_json_default").map_err(|e| Failure::Internal(e.to_string()))?;
    read(obj, default, Limits::default().max_depth)
}

fn read(obj: &Bound<'_, PyAny>, default: &Bound<'_, PyAny>, levels: usize) -> Outcome<Value> {
    if obj.is_none() {
        return Ok(Value::Null);
    }
    // A bool is an int to Python: asked first.
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if obj.is_instance_of::<PyInt>() {
        if let Ok(n) = obj.extract::<i64>() {
            return Ok(Value::from(n));
        }
        if let Ok(n) = obj.extract::<u64>() {
            return Ok(Value::from(n));
        }
        // Past 64 bits, as JSON text would read it: a float (the schema refuses it).
        return float(obj);
    }
    if obj.is_instance_of::<PyFloat>() {
        return float(obj);
    }
    if let Ok(text) = obj.cast::<PyString>() {
        return Ok(Value::String(text.to_cow().map_err(|e| Failure::Value(e.to_string()))?.into_owned()));
    }
    let contained = || levels.checked_sub(1).ok_or_else(too_deep);
    if let Ok(dict) = obj.cast::<PyDict>() {
        let inner = contained()?;
        let mut members = Map::new();
        for (key, value) in dict.iter() {
            let Ok(key) = key.cast::<PyString>() else {
                return Err(type_error(format!("a key of {} is not text", type_name(&key))));
            };
            let key = key.to_cow().map_err(|e| Failure::Value(e.to_string()))?.into_owned();
            members.insert(key, read(&value, default, inner)?);
        }
        return Ok(Value::Object(members));
    }
    if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        let inner = contained()?;
        let items = obj.try_iter().map_err(|e| Failure::Internal(e.to_string()))?;
        return items
            .map(|item| item.map_err(|e| Failure::Internal(e.to_string())).and_then(|i| read(&i, default, inner)))
            .collect::<Outcome<Vec<_>>>()
            .map(Value::Array);
    }
    // Times, dates and sets as `json.dumps(default=...)` would write them.
    let plain = default.call1((obj,)).map_err(|e| match e.is_instance_of::<PyTypeError>(obj.py()) {
        true => type_error(e.value(obj.py()).to_string()),
        false => Failure::Value(e.value(obj.py()).to_string()),
    })?;
    read(&plain, default, contained()?)
}

fn float(obj: &Bound<'_, PyAny>) -> Outcome<Value> {
    obj.extract::<f64>()
        .ok()
        .and_then(Number::from_f64)
        .map(Value::Number)
        .ok_or_else(|| Failure::Value("a number that is not a finite JSON number".to_owned()))
}

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type().name().map_or_else(|_| "an object".to_owned(), |n| n.to_string())
}

fn type_error(message: String) -> Failure {
    Failure::Type(message)
}

/// The validator's own finding on a tree past the nesting limit, as the error.
fn too_deep() -> Failure {
    let finding = lk3_core::validate::too_deep(&Limits::default());
    Failure::Lk3 {
        code: finding.code,
        message_en: finding.message_en,
        message_id: finding.message_id,
        findings: Vec::new(),
    }
}
