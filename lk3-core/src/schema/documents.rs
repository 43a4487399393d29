use serde::Serialize;

use crate::case::{Case, CaseEventRecord};
use crate::outreach::{Outreach, OutreachEventRecord};

/// A case as `lk3 demo --export` (and later the stores) write it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseDocument {
    /// Always `lk3.case`.
    #[schemars(extend("const" = "lk3.case"))]
    pub document: String,
    /// The document format's version (the schema's major version).
    #[schemars(extend("const" = 1))]
    pub version: u32,
    /// The case's state: the fold of `events`.
    pub case: Case,
    /// Every event of the case, seq 1, 2, 3 ...
    pub events: Vec<CaseEventRecord>,
    /// The unit's seal over the last event (Ed25519, see `lk3_core::seal`), when the document was exported signed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "crate::seal::Seal")]
    pub seal: Option<crate::seal::Seal>,
}

impl CaseDocument {
    /// The document of a case and its events.
    pub fn new(case: Case, events: Vec<CaseEventRecord>) -> Self {
        CaseDocument { document: "lk3.case".to_owned(), version: super::MAJOR, case, events, seal: None }
    }
}

/// An outreach as exported.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OutreachDocument {
    /// Always `lk3.outreach`.
    #[schemars(extend("const" = "lk3.outreach"))]
    pub document: String,
    /// The document format's version.
    #[schemars(extend("const" = 1))]
    pub version: u32,
    /// The outreach's state: the fold of `events`.
    pub outreach: Outreach,
    /// Every event of the outreach.
    pub events: Vec<OutreachEventRecord>,
    /// The unit's seal over the last event (Ed25519, see `lk3_core::seal`), when the document was exported signed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "crate::seal::Seal")]
    pub seal: Option<crate::seal::Seal>,
}

impl OutreachDocument {
    /// The document of an outreach and its events.
    pub fn new(outreach: Outreach, events: Vec<OutreachEventRecord>) -> Self {
        OutreachDocument { document: "lk3.outreach".to_owned(), version: super::MAJOR, outreach, events, seal: None }
    }
}
