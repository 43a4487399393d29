//! A group activity (sosialisasi) as its own record (the `activity` document).

use chrono::NaiveDate;
use serde::Serialize;

use crate::case::Case;
use crate::ids::{CaseNumber, TimeZoneId, UnitCode};
use crate::service::ParticipantCount;
use crate::vocab::{Problem, Sasaran, ServiceKind};

/// A group activity (sosialisasi) as its own record: a contact with a group
/// resolved on the spot by informasi or konsultasi, with participant counts
/// (the `activity` document).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ActivityRecord {
    /// The unit.
    pub unit: UnitCode,
    /// The case that records it.
    pub case_number: CaseNumber,
    /// The unit's local date it took place.
    pub date: NaiveDate,
    /// `informasi` or `konsultasi`.
    pub service: ServiceKind,
    /// The group it was for.
    pub sasaran: Sasaran,
    /// People reached, by sasaran.
    pub participants: Vec<ParticipantCount>,
    /// What it was about.
    pub problems: Vec<Problem>,
}

impl ActivityRecord {
    /// The activity a case records, if it is a group contact resolved on the spot.
    pub fn from_case(case: &Case, tz: TimeZoneId) -> Option<Self> {
        if case.participants().is_empty() {
            return None;
        }
        Some(ActivityRecord {
            unit: *case.unit()?,
            case_number: case.case_number()?.clone(),
            date: case.last_at()?.with_timezone(&tz.offset()).date_naive(),
            service: case.on_spot_service()?,
            sasaran: case.sasaran()?,
            participants: case.participants().to_vec(),
            problems: case.problems().to_vec(),
        })
    }
}
