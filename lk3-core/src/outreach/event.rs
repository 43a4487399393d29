use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{CaseLink, OutreachCloseReason, OutreachCommandKind, OutreachRefusalReason, ReporterKind};
use crate::ids::{ClientId, KodeWilayah, UnitCode};
use crate::vocab::{Problem, Sasaran};

/// What happened to an outreach: the payload of an [`crate::event::Event`].
///
/// Events hold ids and vocabulary values only, never a name, NIK, address or
/// a note's text (DESIGN §7). Each payload answers to exactly one command
/// kind; the state it leads to is read from the outreach table. (Fields are
/// declared in key order, so canonical JSON needs no reordering.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum OutreachEvent {
    /// A person was reported; the outreach is open.
    Reported {
        /// Where the person was seen, if known.
        kode_wilayah: Option<KodeWilayah>,
        /// The problems reported.
        problems: Vec<Problem>,
        /// Who reported.
        reported_by: ReporterKind,
        /// Who the outreach is for.
        sasaran: Sasaran,
        /// The LK3 unit.
        unit: UnitCode,
    },
    /// A visit was planned.
    Scheduled {
        /// Which visit this is: 1 for the first, then 2, 3 ... up to the
        /// rule set's limit.
        #[schemars(transform = crate::schema::limits::visit_number)]
        attempt: u32,
        /// Whether the mobile unit goes.
        mobile_unit: bool,
        /// When.
        planned_for: DateTime<Utc>,
    },
    /// The planned visit took place.
    CarriedOut {
        /// Which visit.
        #[schemars(transform = crate::schema::limits::visit_number)]
        attempt: u32,
    },
    /// The person agreed; a case is opened or joined.
    AgreementRecorded {
        /// The case.
        case: CaseLink,
        /// The person, by client registry id.
        client_id: ClientId,
    },
    /// The person refused.
    RefusalRecorded {
        /// Why.
        reason: OutreachRefusalReason,
    },
    /// The person was not found at the visit.
    NotFoundRecorded {
        /// Which visit.
        #[schemars(transform = crate::schema::limits::visit_number)]
        attempt: u32,
    },
    /// The outreach was closed.
    Closed {
        /// Why.
        reason: OutreachCloseReason,
    },
}

impl OutreachEvent {
    /// The command kind this event records.
    pub fn command_kind(&self) -> OutreachCommandKind {
        use OutreachCommandKind as K;
        match self {
            Self::Reported { .. } => K::Report,
            Self::Scheduled { .. } => K::Schedule,
            Self::CarriedOut { .. } => K::CarryOut,
            Self::AgreementRecorded { .. } => K::RecordAgreement,
            Self::RefusalRecorded { .. } => K::RecordRefusal,
            Self::NotFoundRecorded { .. } => K::RecordNotFound,
            Self::Closed { .. } => K::Close,
        }
    }

    /// The `type` tag, e.g. `"agreement_recorded"`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::Reported { .. } => "reported",
            Self::Scheduled { .. } => "scheduled",
            Self::CarriedOut { .. } => "carried_out",
            Self::AgreementRecorded { .. } => "agreement_recorded",
            Self::RefusalRecorded { .. } => "refusal_recorded",
            Self::NotFoundRecorded { .. } => "not_found_recorded",
            Self::Closed { .. } => "closed",
        }
    }
}
