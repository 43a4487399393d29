//! The document validator: everything a schema can check, and what it cannot.
//!
//! [`validate`] takes raw bytes (a case export, an event, a command, an
//! outreach, a partner, a rule set), refuses what is too large or too deeply
//! nested before parsing, reads the JSON with [`crate::json::parse`] (an
//! object with a repeated key is refused, `LK3-E066`, never read "last one
//! wins"), checks the structure against the published JSON
//! Schema ([`crate::schema`]) and then the meaning: that a case's events
//! replay legally under its rule set and end where its header says, that
//! seq has no gaps and the hash chain holds, that times do not run
//! backwards, that referenced services and consents exist, that disclosure
//! to a partner had consent or was a flagged override. An event is accepted
//! only in the form lk3 writes and hashes (`LK3-E067`: a time in UTC with
//! `Z`, no explicit `null` where lk3 leaves a member out, integers without a
//! fraction); the meaning checks run when every event is. It reports every
//! finding, not only the first, each with a stable code, a severity, a JSON
//! Pointer and messages in Indonesian and English. It never panics.
//!
//! ```
//! use lk3_core::validate::{validate, Limits};
//! let report = validate(br#"{"type":"terminate","reason":"pindah"}"#, None, &Limits::default());
//! assert!(report.valid);
//! assert_eq!(report.document.as_deref(), Some("command"));
//! let report = validate(br#"{"type":"terminate","reason":"bosan"}"#, None, &Limits::default());
//! assert!(!report.valid);
//! assert_eq!(report.findings[0].code, "LK3-E070");
//! assert_eq!(report.findings[0].pointer, "/reason");
//! ```

mod canonical;
mod redact;
mod sealed;
mod semantic;
mod structure;

use serde::Serialize;
use serde_json::Value;

use crate::decider::Decider;
use crate::error::ErrorCode;
use crate::event::Event;
use crate::label::Labelled;
use crate::seal::Seal;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The document is invalid.
    Error,
    /// Worth a look; the document is still valid.
    Warning,
}

/// One problem found in a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Finding {
    /// The stable code (`LK3-E070`, `LK3-W005` ...).
    pub code: String,
    /// Error or warning.
    pub severity: Severity,
    /// Where, as a JSON Pointer (RFC 6901) into the document; `""` is the whole document.
    pub pointer: String,
    /// The message in Indonesian.
    pub message_id: String,
    /// The message in English.
    pub message_en: String,
}

impl Finding {
    pub(crate) fn error(code: ErrorCode, pointer: impl Into<String>, message_id: String, message_en: String) -> Self {
        Finding {
            code: code.id().to_owned(),
            severity: Severity::Error,
            pointer: pointer.into(),
            message_id,
            message_en,
        }
    }

    pub(crate) fn warning(code: &str, pointer: impl Into<String>, message_id: String, message_en: String) -> Self {
        Finding { code: code.to_owned(), severity: Severity::Warning, pointer: pointer.into(), message_id, message_en }
    }
}

/// The result of validating one document (the `validation-result` document).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Report {
    /// The document kind found (`case`, `event`, `command` ...), if it could be told.
    pub document: Option<String>,
    /// True when there is no error (warnings allowed).
    pub valid: bool,
    /// True when the document matches its JSON Schema, whatever the meaning checks say.
    pub structurally_valid: bool,
    /// Every finding, in document order.
    pub findings: Vec<Finding>,
}

impl Report {
    /// The findings that are errors (what makes the document invalid), in document order.
    pub fn errors(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.severity == Severity::Error)
    }
}

/// Limits that protect the validator from hostile input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest document accepted, in bytes.
    pub max_bytes: usize,
    /// Deepest nesting of arrays and objects accepted (`LK3-E063` past it).
    /// serde_json refuses nesting past 127 levels whatever this says: from
    /// 128 on, a deeper document is malformed JSON (`LK3-E064`) instead.
    pub max_depth: usize,
}

impl Default for Limits {
    /// 32 MiB and 64 levels: far above any real case, far below what hurts.
    fn default() -> Self {
        Limits { max_bytes: 32 * 1024 * 1024, max_depth: 64 }
    }
}

/// The kinds of document the validator knows, by schema name.
pub const KINDS: &[&str] = &[
    "case",
    "outreach",
    "event",
    "outreach-event",
    "command",
    "outreach-command",
    "client",
    "partner",
    "activity",
    "report",
    "rule-set",
];

/// Validates one JSON document. `kind` forces the document kind (a schema
/// name); otherwise it is told from the document itself.
pub fn validate(bytes: &[u8], kind: Option<&str>, limits: &Limits) -> Report {
    validate_with(bytes, kind, limits, None)
}

/// [`validate`], and with a partner directory every partner a case refers to
/// (consents, plans, referrals) must be in it.
pub fn validate_with(
    bytes: &[u8],
    kind: Option<&str>,
    limits: &Limits,
    partners: Option<&crate::partner::PartnerDirectory>,
) -> Report {
    validate_trusted(bytes, kind, limits, partners, None)
}

/// [`validate_with`], and with a trust set a case or outreach document must
/// carry a seal that verifies against it ([`crate::seal::verify`]: the error
/// at `/seal/...`, or `LK3-E040` for a document without a seal). Without a
/// trust set, a sealed document gets the warning `LK3-W006`: its seal was
/// not checked.
pub fn validate_trusted(
    bytes: &[u8],
    kind: Option<&str>,
    limits: &Limits,
    partners: Option<&crate::partner::PartnerDirectory>,
    trust: Option<&crate::seal::TrustedKeys>,
) -> Report {
    validate_parsed(bytes, kind, limits, partners, trust).0
}

/// [`validate_trusted`], handing back the document as parsed too (when it
/// parsed at all): a caller that goes on to decode it reads it from that
/// tree instead of parsing the bytes again (import takes a stream's events
/// as the checks read them: [`validate_stream`]).
pub fn validate_parsed(
    bytes: &[u8],
    kind: Option<&str>,
    limits: &Limits,
    partners: Option<&crate::partner::PartnerDirectory>,
    trust: Option<&crate::seal::TrustedKeys>,
) -> (Report, Option<Value>) {
    match parsed(bytes, limits) {
        Ok(value) => {
            let (report, _) = validate_value(&value, kind, partners, trust, empty_report(), false);
            (report, Some(value))
        }
        Err(report) => (report, None),
    }
}

fn empty_report() -> Report {
    Report { document: None, valid: false, structurally_valid: false, findings: Vec::new() }
}

/// The document's bytes read as JSON, or the report of why they are not.
fn parsed(bytes: &[u8], limits: &Limits) -> Result<Value, Report> {
    let mut report = empty_report();
    if bytes.len() > limits.max_bytes {
        report.findings.push(Finding::error(
            ErrorCode::DocumentTooLarge,
            "",
            format!("dokumen {} byte, melebihi batas {} byte", bytes.len(), limits.max_bytes),
            format!("the document is {} bytes, over the limit of {} bytes", bytes.len(), limits.max_bytes),
        ));
        return Err(report);
    }
    // Repeated keys are refused here, never resolved "last one wins"; the
    // nesting limit is checked as the parser goes.
    crate::json::parse_within(bytes, limits.max_depth).map_err(|e| {
        use crate::error::Lk3Error;
        report.findings.push(Finding::error(e.code(), e.pointer(), e.message_id(), e.message_en()));
        report
    })
}

/// A case or outreach document as [`validate_stream`] read and judged it:
/// its events in their type, each event's canonical JSON (the bytes its
/// hash is over, checked against it), the fold of the events (re-decided
/// one by one from the start, and equal to the document's header), and its
/// seal. Only the validator makes one, and only of a valid document: what
/// it holds has passed every check.
#[derive(Clone)]
pub struct ReadStream<D: Decider> {
    pub(crate) events: Vec<Event<D::Payload>>,
    pub(crate) canonical: Vec<String>,
    pub(crate) state: D,
    pub(crate) seal: Option<Seal>,
}

impl<D: Decider> ReadStream<D> {
    /// The events, seq 1, 2, 3 ...
    pub fn events(&self) -> &[Event<D::Payload>] {
        &self.events
    }

    /// Each event's canonical JSON without `hash`, in the events' order.
    pub fn canonical(&self) -> &[String] {
        &self.canonical
    }

    /// The fold of the events.
    pub fn state(&self) -> &D {
        &self.state
    }

    /// The document's seal, when it carries one.
    pub fn seal(&self) -> Option<&Seal> {
        self.seal.as_ref()
    }

    /// The events, their canonical texts, the fold and the seal.
    #[allow(clippy::type_complexity)]
    pub fn into_parts(self) -> (Vec<Event<D::Payload>>, Vec<String>, D, Option<Seal>) {
        (self.events, self.canonical, self.state, self.seal)
    }
}

impl<D: Decider> std::fmt::Debug for ReadStream<D> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadStream").field("events", &self.events.len()).finish_non_exhaustive()
    }
}

/// A stream document [`validate_stream`] read: a case's or an outreach's.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum StreamDocument {
    /// A case document (`lk3.case`).
    Case(Box<ReadStream<crate::case::Case>>),
    /// An outreach document (`lk3.outreach`).
    Outreach(Box<ReadStream<crate::outreach::Outreach>>),
}

/// [`validate_trusted`] of a document without a partner directory, handing
/// back, when it is a valid case or outreach document, what the checks
/// read of it ([`ReadStream`]): import stores that without reading,
/// deciding or hashing any event a second time. `None` for any other
/// document, and for one with an error.
pub fn validate_stream(
    bytes: &[u8],
    limits: &Limits,
    trust: Option<&crate::seal::TrustedKeys>,
) -> (Report, Option<StreamDocument>) {
    match parsed(bytes, limits) {
        Ok(value) => validate_value(&value, None, None, trust, empty_report(), true),
        Err(report) => (report, None),
    }
}

/// The finding on a tree nested deeper than `limits.max_depth`
/// (`LK3-E063`, at the whole document): what [`validate_tree`] reports, and
/// what a binding that builds the tree reports when it stops at the limit.
pub fn too_deep(limits: &Limits) -> Finding {
    Finding::error(
        ErrorCode::DocumentTooDeep,
        "",
        format!("dokumen bersarang lebih dari {} tingkat", limits.max_depth),
        format!("the document nests deeper than {} levels", limits.max_depth),
    )
}

/// [`validate`] of a document already held as a JSON tree (built by a
/// language binding from its own objects, never parsed from text): the same
/// checks, with nesting past `limits.max_depth` refused as `LK3-E063` before
/// any other (a tree has no byte size and no repeated key to check).
pub fn validate_tree(value: &Value, kind: Option<&str>, limits: &Limits) -> Report {
    validate_tree_trusted(value, kind, limits, None)
}

/// [`validate_tree`], and with a trust set a case or outreach document must
/// carry a seal that verifies against it, as in [`validate_trusted`].
pub fn validate_tree_trusted(
    value: &Value,
    kind: Option<&str>,
    limits: &Limits,
    trust: Option<&crate::seal::TrustedKeys>,
) -> Report {
    let mut report = empty_report();
    // Walked with a stack of its own: a hostile tree cannot exhaust the thread's.
    let mut pending: Vec<(&Value, usize)> = vec![(value, 0)];
    while let Some((v, depth)) = pending.pop() {
        let children: Box<dyn Iterator<Item = &Value>> = match v {
            Value::Array(items) => Box::new(items.iter()),
            Value::Object(members) => Box::new(members.values()),
            _ => continue,
        };
        if depth + 1 > limits.max_depth {
            report.findings.push(too_deep(limits));
            return report;
        }
        pending.extend(children.map(|c| (c, depth + 1)));
    }
    validate_value(value, kind, None, trust, report, false).0
}

fn validate_value(
    value: &Value,
    kind: Option<&str>,
    partners: Option<&crate::partner::PartnerDirectory>,
    trust: Option<&crate::seal::TrustedKeys>,
    mut report: Report,
    keep: bool,
) -> (Report, Option<StreamDocument>) {
    let Some(kind) = kind.filter(|k| KINDS.contains(k)).or_else(|| detect(value)) else {
        report.findings.push(Finding::error(
            ErrorCode::UnknownDocument,
            "",
            "jenis dokumen tidak dapat dikenali (case, outreach, event, command, partner, rule-set)".to_owned(),
            "the document kind cannot be told (case, outreach, event, command, partner, rule-set)".to_owned(),
        ));
        return (report, None);
    };
    report.document = Some(kind.to_owned());
    let structural = structure::check(kind, value);
    report.structurally_valid = structural.is_empty();
    report.findings.extend(structural);
    let mut stream = None;
    // The meaning checks read the events as lk3 writes them: only when that
    // is the form they were exchanged in (otherwise one finding per event).
    if report.structurally_valid {
        let (form, read) = canonical::check(kind, value);
        if form.is_empty() {
            let (found, kept) = semantic::check(kind, value, partners, read, keep);
            report.findings.extend(found);
            stream = kept;
        }
        report.findings.extend(form);
        if let header @ ("case" | "outreach") = kind {
            report.findings.extend(sealed::check(value, header, trust));
        }
    }
    redact::findings(&mut report.findings);
    report.valid = report.findings.iter().all(|f| f.severity == Severity::Warning);
    let stream = stream.filter(|_| report.valid).and_then(|s| with_seal(s, value));
    (report, stream)
}

/// The stream with the document's seal, when it carries one that reads
/// (the schema has checked it; `None` otherwise).
fn with_seal(stream: StreamDocument, value: &Value) -> Option<StreamDocument> {
    use serde::Deserialize as _;
    let seal = match value.get("seal").filter(|s| !s.is_null()) {
        Some(seal) => Some(Seal::deserialize(seal).ok()?),
        None => None,
    };
    Some(match stream {
        StreamDocument::Case(s) => StreamDocument::Case(Box::new(ReadStream { seal, ..*s })),
        StreamDocument::Outreach(s) => StreamDocument::Outreach(Box::new(ReadStream { seal, ..*s })),
    })
}

/// Tells a document's kind from its content.
fn detect(value: &Value) -> Option<&'static str> {
    let obj = value.as_object()?;
    match obj.get("document").and_then(Value::as_str) {
        Some("lk3.case") => return Some("case"),
        Some("lk3.outreach") => return Some("outreach"),
        Some(crate::report::REPORT_DOCUMENT) => return Some("report"),
        Some(_) => return None,
        None => {}
    }
    let payload_type = obj.get("payload").and_then(|p| p.get("type")).and_then(Value::as_str);
    if obj.contains_key("hash") && obj.contains_key("seq") {
        let outreach_events = [
            "reported",
            "scheduled",
            "carried_out",
            "agreement_recorded",
            "refusal_recorded",
            "not_found_recorded",
            "closed",
        ];
        return Some(if payload_type.is_some_and(|t| outreach_events.contains(&t)) {
            "outreach-event"
        } else {
            "event"
        });
    }
    if obj.contains_key("rule_set") && obj.contains_key("machines") {
        return Some("rule-set");
    }
    if obj.contains_key("partner_id") && obj.contains_key("kind") {
        return Some("partner");
    }
    if obj.contains_key("client_id") && obj.contains_key("name") {
        return Some("client");
    }
    if obj.contains_key("participants") && obj.contains_key("case_number") {
        return Some("activity");
    }
    let command = obj.get("type").and_then(Value::as_str)?;
    if crate::outreach::OutreachCommandKind::from_id(command).is_some() {
        return Some("outreach-command");
    }
    crate::case::CaseCommandKind::from_id(command).map(|_| "command")
}
