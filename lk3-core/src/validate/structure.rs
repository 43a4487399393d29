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
        .map(|(pointer, Message { id, en })| {
            Finding::error(
                ErrorCode::SchemaViolation,
                pointer.clone(),
                format!("tidak sesuai skema `{kind}` di `{pointer}`: {id}"),
                format!("breaks the `{kind}` schema at `{pointer}`: {en}"),
            )
        })
        .collect()
}

/// One finding's message in both languages.
struct Message {
    id: String,
    en: String,
}

/// Turns a validator error into findings with the most precise pointer: for
/// a tagged union (`oneOf` over variants keyed by `type`), the errors of the
/// variant whose tag matches, or the tag itself when no variant's does; for
/// an optional member that is given, the errors inside it.
fn expand(e: &jsonschema::ValidationError<'_>, out: &mut Vec<(String, Message)>) {
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
                _ => out.push((e.instance_path().to_string(), message(e))),
            }
            return;
        }
        _ => {
            out.push((e.instance_path().to_string(), message(e)));
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
            let tag = e.instance().get("type").map_or_else(|| Shown::of(&Value::Null), Shown::of);
            out.push((
                pointer,
                Message {
                    id: format!("tag `type` {} bukan salah satu nilai yang dikenal", tag.id),
                    en: format!("the `type` tag {} is not one of the known values", tag.en),
                },
            ));
        }
        _ => out.push((e.instance_path().to_string(), message(e))),
    }
}

/// The value a finding is about, as a message may show it: never a NIK, a
/// No. KK or another run of 12 or more digits, never more than 40
/// characters of a text, never an object's or array's content.
struct Shown {
    id: String,
    en: String,
}

impl Shown {
    const MAX: usize = 40;

    fn of(v: &Value) -> Self {
        let both = |s: String| Shown { id: s.clone(), en: s };
        match v {
            Value::String(s) if crate::ids::holds_personal_number(s) => {
                let n = s.chars().count();
                Shown {
                    id: format!("teks {n} karakter (isinya disembunyikan)"),
                    en: format!("a text of {n} characters (withheld)"),
                }
            }
            Value::String(s) => {
                let n = s.chars().count();
                let mut text: String = s
                    .chars()
                    .take(Self::MAX)
                    .flat_map(|c| {
                        let escaped: Vec<char> = if c.is_control() { c.escape_default().collect() } else { vec![c] };
                        escaped
                    })
                    .collect();
                if n > Self::MAX {
                    text.push('…');
                    Shown { id: format!("`{text}` ({n} karakter)"), en: format!("`{text}` ({n} characters)") }
                } else {
                    both(format!("`{text}`"))
                }
            }
            Value::Number(x) => {
                let text = x.to_string();
                if crate::ids::holds_personal_number(&text) || text.len() > Self::MAX {
                    Shown { id: "angka (disembunyikan)".to_owned(), en: "a number (withheld)".to_owned() }
                } else {
                    both(text)
                }
            }
            Value::Bool(b) => both(b.to_string()),
            Value::Null => both("null".to_owned()),
            Value::Array(a) => {
                Shown { id: format!("larik {} elemen", a.len()), en: format!("an array of {} items", a.len()) }
            }
            Value::Object(_) => Shown { id: "objek".to_owned(), en: "an object".to_owned() },
        }
    }
}

/// A value of the schema (a constant, an allowed value): not personal data,
/// but cut all the same.
fn schema_value(v: &Value) -> String {
    let text = match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    crate::json::cut(&text, Shown::MAX)
}

fn type_names(kind: &jsonschema::error::TypeKind) -> (String, String) {
    use jsonschema::JsonType as T;
    let names = |t: T| match t {
        T::Null => ("null", "null"),
        T::Boolean => ("boolean", "boolean"),
        T::Integer => ("bilangan bulat", "integer"),
        T::Number => ("angka", "number"),
        T::String => ("teks", "string"),
        T::Array => ("larik", "array"),
        T::Object => ("objek", "object"),
    };
    let types: Vec<(&str, &str)> = match kind {
        jsonschema::error::TypeKind::Single(t) => vec![names(*t)],
        jsonschema::error::TypeKind::Multiple(set) => set.iter().map(names).collect(),
    };
    let id = types.iter().map(|(id, _)| *id).collect::<Vec<_>>().join(" atau ");
    let en = types.iter().map(|(_, en)| *en).collect::<Vec<_>>().join(" or ");
    (id, en)
}

fn format_names(format: &str) -> (String, String) {
    match format {
        "date-time" => ("waktu RFC 3339 (date-time)".to_owned(), "an RFC 3339 date-time".to_owned()),
        "date" => ("tanggal YYYY-MM-DD (date)".to_owned(), "a YYYY-MM-DD date".to_owned()),
        "uuid" => ("UUID".to_owned(), "a UUID".to_owned()),
        "uri" => ("URI".to_owned(), "a URI".to_owned()),
        "email" => ("alamat email".to_owned(), "an email address".to_owned()),
        other => (format!("berformat `{other}`"), format!("of the format `{other}`")),
    }
}

/// A list of member names, at most `max` of them, each cut to 40
/// characters and withheld when it holds a long run of digits.
fn listed(names: impl ExactSizeIterator<Item = String>, max: usize) -> (String, String) {
    let n = names.len();
    let (mut id, mut en) = (Vec::new(), Vec::new());
    for k in names.take(max) {
        if crate::ids::holds_personal_number(&k) {
            id.push("(nama disembunyikan)".to_owned());
            en.push("(a name withheld)".to_owned());
        } else {
            let shown = format!("`{}`", crate::ids::echo(&k));
            id.push(shown.clone());
            en.push(shown);
        }
    }
    let (id, en) = (id.join(", "), en.join(", "));
    if n > max { (format!("{id} … ({n} semuanya)"), format!("{en} … ({n} in all)")) } else { (id, en) }
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The message of one validator error, in Indonesian and English, built from
/// the kind of error (never from the validator's English text, which quotes
/// the value in full).
fn message(e: &jsonschema::ValidationError<'_>) -> Message {
    use jsonschema::error::ValidationErrorKind as K;
    let what = Shown::of(e.instance());
    let (w_id, w_en) = (&what.id, &what.en);
    let (id, en) = match e.kind() {
        K::Type { kind } => {
            let (t_id, t_en) = type_names(kind);
            (format!("{w_id} bukan {t_id}"), format!("{w_en} is not of type {t_en}"))
        }
        K::Required { property } => {
            let p = schema_value(property);
            (format!("anggota wajib `{p}` tidak ada"), format!("the required member `{p}` is missing"))
        }
        K::AdditionalProperties { unexpected } | K::UnevaluatedProperties { unexpected } => {
            let (l_id, l_en) = listed(unexpected.iter().cloned(), 5);
            (
                format!("anggota yang tidak dikenal skema tidak diizinkan: {l_id}"),
                format!("members the schema does not know are not allowed: {l_en}"),
            )
        }
        K::Enum { options } => {
            let values: Vec<String> =
                options.as_array().map_or_else(Vec::new, |a| a.iter().map(schema_value).collect());
            let n = values.len();
            let list = values.iter().take(8).map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", ");
            let (more_id, more_en) =
                if n > 8 { (format!(" … ({n} semuanya)"), format!(" … ({n} in all)")) } else { Default::default() };
            (
                format!("{w_id} bukan salah satu nilai yang diizinkan: {list}{more_id}"),
                format!("{w_en} is not one of the allowed values: {list}{more_en}"),
            )
        }
        K::Constant { expected_value } => {
            let v = schema_value(expected_value);
            (format!("{w_id} seharusnya `{v}`"), format!("{w_en} should be `{v}`"))
        }
        K::Pattern { pattern } => (
            format!("{w_id} tidak cocok dengan pola `{pattern}`"),
            format!("{w_en} does not match the pattern `{pattern}`"),
        ),
        K::Format { format } => {
            let (f_id, f_en) = format_names(format);
            (format!("{w_id} bukan {f_id}"), format!("{w_en} is not {f_en}"))
        }
        K::MinLength { limit } => (
            format!("{w_id} lebih pendek dari {}", plural(*limit, "karakter", "karakter")),
            format!("{w_en} is shorter than {}", plural(*limit, "character", "characters")),
        ),
        K::MaxLength { limit } => (
            format!("{w_id} lebih panjang dari {}", plural(*limit, "karakter", "karakter")),
            format!("{w_en} is longer than {}", plural(*limit, "character", "characters")),
        ),
        K::MinItems { limit } => (
            format!("{w_id}: kurang dari {}", plural(*limit, "elemen", "elemen")),
            format!("{w_en} has fewer than {}", plural(*limit, "item", "items")),
        ),
        K::MaxItems { limit } => (
            format!("{w_id}: lebih dari {}", plural(*limit, "elemen", "elemen")),
            format!("{w_en} has more than {}", plural(*limit, "item", "items")),
        ),
        K::MinProperties { limit } => (
            format!("{w_id}: kurang dari {}", plural(*limit, "anggota", "anggota")),
            format!("{w_en} has fewer than {}", plural(*limit, "member", "members")),
        ),
        K::MaxProperties { limit } => (
            format!("{w_id}: lebih dari {}", plural(*limit, "anggota", "anggota")),
            format!("{w_en} has more than {}", plural(*limit, "member", "members")),
        ),
        K::Minimum { limit } => {
            let l = schema_value(limit);
            (format!("{w_id} kurang dari batas bawah {l}"), format!("{w_en} is less than the minimum of {l}"))
        }
        K::Maximum { limit } => {
            let l = schema_value(limit);
            (format!("{w_id} lebih dari batas atas {l}"), format!("{w_en} is greater than the maximum of {l}"))
        }
        K::ExclusiveMinimum { limit } => {
            let l = schema_value(limit);
            (format!("{w_id} harus lebih dari {l}"), format!("{w_en} must be greater than {l}"))
        }
        K::ExclusiveMaximum { limit } => {
            let l = schema_value(limit);
            (format!("{w_id} harus kurang dari {l}"), format!("{w_en} must be less than {l}"))
        }
        K::MultipleOf { multiple_of } => {
            (format!("{w_id} bukan kelipatan {multiple_of}"), format!("{w_en} is not a multiple of {multiple_of}"))
        }
        K::UniqueItems => (format!("{w_id} berisi elemen ganda"), format!("{w_en} has repeated items")),
        K::AnyOf { .. } | K::OneOfNotValid { .. } => (
            format!("{w_id} tidak cocok dengan satu pun bentuk yang diizinkan"),
            format!("{w_en} matches none of the allowed forms"),
        ),
        K::OneOfMultipleValid { .. } => (
            format!("{w_id} cocok dengan lebih dari satu bentuk yang diizinkan"),
            format!("{w_en} matches more than one of the allowed forms"),
        ),
        K::Not { .. } => (format!("{w_id} tidak diizinkan di sini"), format!("{w_en} is not allowed here")),
        K::FalseSchema => (format!("{w_id} tidak diizinkan di sini"), format!("{w_en} is not allowed here")),
        K::Contains => {
            (format!("{w_id}: tidak ada elemen yang memenuhi syarat"), format!("{w_en}: no item meets the requirement"))
        }
        K::AdditionalItems { limit } => (
            format!("{w_id}: lebih dari {}", plural(*limit as u64, "elemen", "elemen")),
            format!("{w_en} has more than {}", plural(*limit as u64, "item", "items")),
        ),
        other => {
            let keyword = other.keyword();
            (
                format!("{w_id} melanggar kata kunci skema `{keyword}`"),
                format!("{w_en} breaks the schema keyword `{keyword}`"),
            )
        }
    };
    Message { id, en }
}
