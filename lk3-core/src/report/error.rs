//! Why a report cannot be made.

use chrono::NaiveDate;

use crate::error::{ErrorCode, Lk3Error};

/// A report asked for with a period or a scope lk3 cannot report on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    /// The period ends before it begins.
    #[error("the report period ends ({to}) before it begins ({from})")]
    PeriodReversed {
        /// The first day asked for.
        from: NaiveDate,
        /// The last day asked for.
        to: NaiveDate,
    },
    /// A unit whose province has no known time zone: its local dates are unknown.
    #[error("unit {unit} has no known time zone: its local dates cannot be reported on")]
    NoTimeZone {
        /// The unit code.
        unit: String,
    },
    /// A period whose bounds lk3 cannot place in time (years 1900–9999).
    #[error("the report period {from}..{to} is outside the years lk3 records")]
    PeriodOutOfRange {
        /// The first day asked for.
        from: NaiveDate,
        /// The last day asked for.
        to: NaiveDate,
    },
}

impl Lk3Error for ReportError {
    fn code(&self) -> ErrorCode {
        ErrorCode::ReportPeriod
    }

    fn message_id(&self) -> String {
        match self {
            Self::PeriodReversed { from, to } => {
                format!("periode laporan berakhir ({to}) sebelum dimulai ({from})")
            }
            Self::NoTimeZone { unit } => {
                format!("unit {unit} tidak punya zona waktu yang dikenal: tanggal setempatnya tidak dapat dilaporkan")
            }
            Self::PeriodOutOfRange { from, to } => {
                format!("periode laporan {from}..{to} di luar tahun yang dicatat lk3")
            }
        }
    }
}
