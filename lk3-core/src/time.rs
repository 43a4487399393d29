//! The times and dates lk3 records: what RFC 3339 writes and a family's
//! file can hold, so that whatever a decider accepts exports and imports
//! again. chrono reads more (second 60 at any minute as a leap second,
//! years before 0 and after 9999); the schemas' `date-time` and `date`
//! formats do not, and no record of a person predates 1900.

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};

/// The first year lk3 records (case numbers and birth dates start there too).
pub const FIRST_YEAR: i32 = 1900;
/// The last year RFC 3339 can write.
pub const LAST_YEAR: i32 = 9999;

/// Whether lk3 records this instant: a year from [`FIRST_YEAR`] to
/// [`LAST_YEAR`], and not a leap second.
///
/// ```
/// use chrono::{DateTime, TimeZone, Utc};
/// use lk3_core::time::instant_fits;
/// assert!(instant_fits(Utc.with_ymd_and_hms(2019, 3, 4, 1, 0, 0).unwrap()));
/// let leap: DateTime<Utc> = "2058-03-05T01:00:60Z".parse().unwrap();
/// assert!(!instant_fits(leap));
/// assert!(!instant_fits(Utc.with_ymd_and_hms(1850, 1, 1, 0, 0, 0).unwrap()));
/// ```
pub fn instant_fits(at: DateTime<Utc>) -> bool {
    (FIRST_YEAR..=LAST_YEAR).contains(&at.year()) && at.nanosecond() < 1_000_000_000
}

/// Whether lk3 records this date: a year from [`FIRST_YEAR`] to [`LAST_YEAR`].
pub fn date_fits(on: NaiveDate) -> bool {
    (FIRST_YEAR..=LAST_YEAR).contains(&on.year())
}
