//! Structural checks: the published JSON Schemas, compiled once.

use std::sync::OnceLock;

use serde_json::Value;

use super::Finding;
use crate::error::ErrorCode;

/// One compiled validator per document kind, compiled the first time that
/// kind is seen (a run over case files never compiles the partner schema).
static VALIDATORS: [OnceLock<Option<jsonschema::Validator>>; super::KINDS.len()] =
    [const { OnceLock::new() }; super::KINDS.len()];

fn validator(kind: &str) -> Option<&'static jsonschema::Validator> {
    let index = super::KINDS.iter().position(|k| *k == kind)?;
    VALIDATORS[index]
        .get_or_init(|| {
            let schema = crate::schema::generate(kind)?;
            jsonschema::options().should_validate_formats(true).build(&schema).ok()
        })
        .as_ref()
}

/// Every schema violation of `value` as a `kind` document.
pub(super) fn check(kind: &str, value: &Value) -> Vec<Finding> {
    let Some(validator) = validator(kind) else {
        return vec![Finding::error(
            ErrorCode::UnknownDocument,
            "",
            format!("tidak ada skema untuk `{kind}`"),
            format!("there is no schema for `{kind}`"),
        )];
    };
    let mut found = Vec::new();
    for e in validator.iter_errors(value) {
        expand(&e, &mut found);
    }
    found
        .into_iter()
        .map(|(pointer, message)| {
            Finding::error(
                ErrorCode::SchemaViolation,
                pointer.clone(),
                format!("tidak sesuai skema `{kind}` di `{pointer}`: {message}"),
                format!("breaks the `{kind}` schema at `{pointer}`: {message}"),
            )
        })
        .collect()
}

/// Turns a validator error into findings with the most precise pointer: for
/// a tagged union (`oneOf` over variants keyed by `type`), the errors of the
/// variant whose tag matches, or the tag itself when no variant's does; for
/// an optional member that is given, the errors inside it.
fn expand(e: &jsonschema::ValidationError<'_>, out: &mut Vec<(String, String)>) {
    use jsonschema::error::{TypeKind, ValidationErrorKind as K};
    let branches = match e.kind() {
        K::OneOfNotValid { context } => context,
        // An optional member (its schema or `null`) that is given: the errors
        // of its schema, which point inside it.
        K::AnyOf { context } if !e.instance().is_null() => {
            let wants_null = |b: &jsonschema::ValidationError<'_>| {
                matches!(b.kind(), K::Type { kind: TypeKind::Single(jsonschema::JsonType::Null) })
            };
            let given: Vec<_> =
                context.iter().filter(|branch| !matches!(branch.as_slice(), [b] if wants_null(b))).collect();
            match given.as_slice() {
                [given] if context.len() == 2 => given.iter().for_each(|b| expand(b, out)),
                _ => out.push((e.instance_path().to_string(), e.to_string())),
            }
            return;
        }
        _ => {
            out.push((e.instance_path().to_string(), e.to_string()));
            return;
        }
    };
    let tag_mismatch = |branch: &Vec<jsonschema::ValidationError<'_>>| {
        branch
            .iter()
            .any(|b| matches!(b.kind(), K::Constant { .. }) && b.instance_path().to_string().ends_with("/type"))
    };
    let matching: Vec<_> = branches.iter().filter(|b| !tag_mismatch(b)).collect();
    match matching.as_slice() {
        [one] => one.iter().for_each(|b| expand(b, out)),
        [] if !branches.is_empty() => {
            let pointer = format!("{}/type", e.instance_path());
            out.push((pointer, "the `type` tag is not one of the known values".to_owned()));
        }
        _ => out.push((e.instance_path().to_string(), e.to_string())),
    }
}
