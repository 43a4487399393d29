//! The limits the deciders enforce that a JSON Schema can express, as
//! schemars transforms. The types name them (`#[schemars(transform = ...)]`)
//! next to the plain ones (`range`, `length`, `uniqueItems`), so that a
//! published schema refuses what [`crate::case::Case::decide`],
//! [`crate::outreach::Outreach::decide`] or [`crate::partner::Partner::validate`]
//! refuses: `validate`, any JSON Schema validator and the stores agree.
//!
//! Limits relative to the case's state or comparing two values (a deadline
//! after the sending, an id not used before) stay with the deciders and the
//! validator's meaning checks. `lk3-core/tests/core/schema_limits.rs` lists every
//! limit with the refusal it mirrors and holds the two together.

use schemars::Schema;
use serde_json::{Value, json};

use crate::label::Labelled;
use crate::partner::MAX_SLUG_CHARS;
use crate::rules::RuleSetId;
use crate::service::ServiceCommandKind;
use crate::vocab::ServiceKind;

/// Whether the schema also admits `null` (an `Option` field: schemars writes
/// `"type": [.., "null"]` or an `anyOf` with a `null` branch).
fn nullable(schema: &Schema) -> bool {
    let null = |s: &Value| match s.get("type") {
        Some(Value::Array(types)) => types.iter().any(|t| t == "null"),
        Some(t) => t == "null",
        None => false,
    };
    null(schema.as_value())
        || schema.get("anyOf").and_then(Value::as_array).is_some_and(|branches| branches.iter().any(null))
}

/// Restricts a vocabulary field to the values `keep` accepts (and `null`
/// where the field is optional). The `$ref` stays, with the labels.
fn only<T: Labelled>(schema: &mut Schema, keep: fn(T) -> bool) {
    let mut values: Vec<Value> = T::ALL.iter().copied().filter(|v| keep(*v)).map(|v| Value::from(v.id())).collect();
    if nullable(schema) {
        values.push(Value::Null);
    }
    schema.insert("enum".into(), Value::Array(values));
}

/// Adds a subschema every instance must also match, beside those already there.
fn also(schema: &mut Schema, sub: Value) {
    let all = schema.ensure_object().entry("allOf").or_insert_with(|| Value::Array(Vec::new()));
    if let Value::Array(all) = all {
        all.push(sub);
    }
}

/// Whether some registered rule set's catalogue says `test` of the service.
fn in_some_catalogue(kind: ServiceKind, test: fn(&crate::rules::ServiceSpec) -> bool) -> bool {
    RuleSetId::all().iter().any(|r| r.rules().service(kind).is_some_and(test))
}

/// A service a contact is resolved on the spot with under some rule set
/// ([`crate::rules::ServiceSpec::resolves_contact`]).
pub(crate) fn on_spot_service(schema: &mut Schema) {
    only(schema, |k| in_some_catalogue(k, |s| s.resolves_contact));
}

/// The services that carry a partner under some rule set.
fn partner_kinds() -> Vec<&'static str> {
    let kinds = crate::rules::across_rule_sets(|r| r.services.iter().filter(|s| s.partner).map(|s| s.kind).collect());
    kinds.into_iter().map(|k| k.id()).collect()
}

/// A service a case plans or opens ([`ServiceKind::is_case_service`]).
pub(crate) fn case_service(schema: &mut Schema) {
    only(schema, ServiceKind::is_case_service);
}

/// `{"required": [member], member not null}`: the member is given.
fn given(member: &str) -> Value {
    json!({ "required": [member], "properties": { member: { "not": { "type": "null" } } } })
}

/// On an object: a partner (`partner`, when given) only for a service with a
/// partner (`rujukan`). A planned referral may name its partner later.
pub(crate) fn partner_only_for_rujukan(kind: &'static str, partner: &'static str) -> impl FnMut(&mut Schema) {
    move |schema| {
        let with_partner = partner_kinds();
        also(schema, json!({ "if": given(partner), "then": { "properties": { kind: { "enum": with_partner } } } }));
    }
}

/// On an object: `partner` is given exactly when `kind` is a service with a
/// partner (a referral opened outside the plan names its partner; nothing
/// else has one).
pub(crate) fn partner_iff_rujukan(kind: &'static str, partner: &'static str) -> impl FnMut(&mut Schema) {
    move |schema| {
        let with_partner = partner_kinds();
        also(
            schema,
            json!({
                "if": { "required": [kind], "properties": { kind: { "enum": with_partner } } },
                "then": given(partner),
                "else": { "properties": { partner: { "type": "null" } } },
            }),
        );
    }
}

/// On a recorded service step (`service_step_recorded`), what `decide`
/// writes itself: a sending carries its resolved deadline; the consent
/// override flags only a sending under an emergency; a step recorded on the
/// partner's behalf is a partner's step.
pub(crate) fn recorded_step(schema: &mut Schema) {
    let send = ServiceCommandKind::Send.id();
    let flag = |name: &str| json!({ "required": [name], "properties": { name: { "const": true } } });
    let step = |sub: Value| json!({ "properties": { "step": sub } });
    let partner_steps: Vec<&str> =
        ServiceCommandKind::ALL.iter().filter(|k| k.is_partner_step()).map(|k| k.id()).collect();
    let sending = json!({ "required": ["type"], "properties": { "type": { "const": send } } });
    also(schema, step(json!({ "if": sending, "then": given("response_deadline") })));
    let emergency = json!({ "allOf": [sending, given("emergency")] });
    also(schema, json!({ "if": flag("consent_override"), "then": step(emergency) }));
    let partner_step = json!({ "properties": { "type": { "enum": partner_steps } } });
    also(schema, json!({ "if": flag("on_behalf_of_partner"), "then": step(partner_step) }));
}

/// The most visits any rule set allows an outreach.
fn most_attempts() -> u32 {
    RuleSetId::all().iter().map(|r| r.rules().outreach.max_attempts).max().unwrap_or(0)
}

/// A visit's number: 1 for the first, up to the most visits a rule set allows.
pub(crate) fn visit_number(schema: &mut Schema) {
    schema.insert("minimum".into(), 1.into());
    schema.insert("maximum".into(), most_attempts().into());
}

/// A count of visits: at most the most visits a rule set allows.
pub(crate) fn visit_count(schema: &mut Schema) {
    schema.insert("maximum".into(), most_attempts().into());
}

/// A character class of every character Rust's `char::is_whitespace`
/// accepts (what `str::trim` removes), written `\uXXXX` (they are all in the
/// Basic Multilingual Plane) so that Rust, ECMA 262 and Python regular
/// expressions read it alike: their own `\s` differ at the edges.
fn whitespace_class() -> String {
    let mut class = String::new();
    let mut chars = ('\0'..=char::MAX).filter(|c| c.is_whitespace()).peekable();
    while let Some(first) = chars.next() {
        let mut last = first;
        while let Some(next) = chars.next_if(|n| u32::from(*n) == u32::from(last) + 1) {
            last = next;
        }
        class.push_str(&format!("\\u{:04X}", u32::from(first)));
        if last != first {
            class.push_str(&format!("-\\u{:04X}", u32::from(last)));
        }
    }
    class
}

/// A text that is not blank: it has a character that is not whitespace.
pub(crate) fn not_blank(schema: &mut Schema) {
    schema.insert("pattern".into(), format!("[^{}]", whitespace_class()).into());
}

/// A slug ([`crate::partner::is_valid_slug`]).
pub(crate) fn slug(schema: &mut Schema) {
    schema.insert("pattern".into(), format!("^[a-z0-9][a-z0-9-]{{0,{}}}$", MAX_SLUG_CHARS - 1).into());
}

/// On a partner: one that accepts referrals has an active service.
pub(crate) fn referral_target(schema: &mut Schema) {
    let active: Vec<&str> =
        crate::partner::PartnerServiceStatus::ALL.iter().filter(|s| s.is_active()).map(|s| s.id()).collect();
    also(
        schema,
        json!({
            "if": { "required": ["accepts_referrals"], "properties": { "accepts_referrals": { "const": true } } },
            "then": { "properties": { "services": { "contains": { "properties": { "status": { "enum": active } } } } } },
        }),
    );
}
