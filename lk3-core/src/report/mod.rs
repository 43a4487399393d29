//! The reports a Dinas Sosial asks of its LK3 units, computed from the
//! events: what happened in a period of the unit's local dates (WIB, WITA,
//! WIT; no daylight saving), never what the cases look like today, so that a
//! closed period's report is the same when run again a year later.
//!
//! The period semantics, written once in [`UnitTally`]:
//!
//! - a stream is folded up to the end of the period (events after it are not
//!   seen); the state at the period's end is that fold;
//! - a case is **active** in the period when it had an event in it, or was
//!   open (its stage not terminal in its rule set's case table) when the
//!   period began: **carried over** (opened before and open at the start),
//!   **opened** (its first event in the period), **reopened** (it left a
//!   terminal stage in the period), **closed** (it entered one in the period);
//! - a group contact resolved on the spot with participant counts
//!   (sosialisasi) is an **activity**: its people reached are not clients and
//!   it is not counted among the cases;
//! - **clients** are distinct registry ids of the unit's active cases at the
//!   period's end: **new** (klien baru) when the unit first served them in
//!   the period, **continuing** (klien lanjutan) when it served them before
//!   or their case was reopened (klien binaan lanjutan);
//!   a contact with no registered client is counted apart, as a person lk3
//!   cannot tell from another;
//! - **services** started and ended in the period, by kind, and the states
//!   each service entered in it (an outcome is a terminal state of its
//!   table); **referrals** are the services the rule set sends to a partner;
//! - **aid** given on a date of the period; **outreach** reported, visits
//!   carried out and outcomes reached in the period;
//! - breakdowns by problem, PMKS, channel, worker, stage at the period's end
//!   and rule set (over the active cases), and by sex, age band at the
//!   period's end and domicile (over the clients served, from the registry).
//!
//! ```
//! use chrono::NaiveDate;
//! use lk3_core::report::{Report, UnitTally};
//! let unit = "64.74".parse()?;
//! let (from, to) = (NaiveDate::from_ymd_opt(2019, 1, 1).unwrap(), NaiveDate::from_ymd_opt(2019, 12, 31).unwrap());
//! let tally = UnitTally::new(&unit, from, to)?;
//! let report = Report::of_units(from, to, None, vec![tally.finish(&Default::default())]);
//! assert_eq!(report.total.cases.active, 0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod activity;
mod error;
mod sections;
mod tally;

pub use activity::ActivityRecord;
pub use error::ReportError;
pub use sections::{Column, Section, SectionRow};
pub use tally::{
    ClientProfile, FinishedTally, UnitTally, finished_in_every_rule_set, finished_outreach_states, finished_stages,
    may_be_active_from, outreach_finished_in_every_rule_set,
};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ids::{KodeWilayah, Sex, StaffId, TimeZoneId, UnitCode};
use crate::rules::RuleSetId;
use crate::service::ServiceState;
use crate::vocab::{
    AgeBand, AidItem, ContactChannel, FundingSource, OutreachState, Pmks, Problem, Sasaran, ServiceKind, Stage,
};

/// How many of something. `value` is `null` where it is unknown (a client
/// without a recorded sex, a case without a worker yet).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Count<T> {
    /// What.
    pub value: T,
    /// How many.
    pub count: u64,
}

/// The `report` document: one or more units' figures over a period of their
/// local dates, with the totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Report {
    /// Always `lk3.report`.
    #[schemars(extend("const" = "lk3.report"))]
    pub document: String,
    /// First day, inclusive (each unit's local date).
    pub from: NaiveDate,
    /// Last day, inclusive.
    pub to: NaiveDate,
    /// The province or kab/kota rolled up; `null` for one unit's report or a
    /// national roll-up.
    pub region: Option<KodeWilayah>,
    /// Each unit's figures, in unit order.
    pub units: Vec<UnitReport>,
    /// The sum over the units (clients are per unit: each unit keeps its own
    /// registry, so a person served by two units counts in both).
    pub total: Figures,
}

/// One unit's figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UnitReport {
    /// The unit.
    pub unit: UnitCode,
    /// Its time zone: the period is its local dates.
    pub time_zone: TimeZoneId,
    /// The figures.
    pub figures: Figures,
}

/// The figures of a period (one unit's, or a sum).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Figures {
    /// Cases.
    pub cases: CaseFigures,
    /// Clients (distinct registry ids).
    pub clients: ClientFigures,
    /// Services by kind.
    pub services: Vec<ServiceFigures>,
    /// Referrals to partners.
    pub referrals: ReferralFigures,
    /// Material aid given in the period.
    pub aid: Vec<AidTotal>,
    /// Outreach (penjangkauan).
    pub outreach: OutreachFigures,
    /// Group activities (sosialisasi) by sasaran.
    pub activities: Vec<ActivityFigures>,
    /// Active cases by problem (a case counts once per problem).
    pub by_problem: Vec<Count<Problem>>,
    /// Active cases by PMKS category (once per category).
    pub by_pmks: Vec<Count<Pmks>>,
    /// Active cases by how they came in.
    pub by_channel: Vec<Count<Option<ContactChannel>>>,
    /// Active cases by the social worker in charge at the period's end.
    pub by_worker: Vec<Count<Option<StaffId>>>,
    /// Active cases by stage at the period's end.
    pub by_stage: Vec<Count<Stage>>,
    /// Active cases by the rule set that governs them.
    pub by_rule_set: Vec<Count<RuleSetId>>,
    /// Clients served by sex.
    pub by_sex: Vec<Count<Option<Sex>>>,
    /// Clients served by age band on the period's last day.
    pub by_age_band: Vec<Count<Option<AgeBand>>>,
    /// Clients served by kecamatan of domicile.
    pub by_kecamatan: Vec<Count<Option<KodeWilayah>>>,
    /// Clients served by desa/kelurahan of domicile.
    pub by_kelurahan: Vec<Count<Option<KodeWilayah>>>,
}

/// Cases in the period.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseFigures {
    /// Active in the period: an event in it, or open when it began.
    pub active: u64,
    /// Opened before the period and open when it began.
    pub carried_over: u64,
    /// Opened in the period (first event).
    pub opened: u64,
    /// Reopened in the period (left a terminal stage).
    pub reopened: u64,
    /// Closed in the period (entered a terminal stage).
    pub closed: u64,
    /// Still open at the period's end (and held by the unit then).
    pub open_at_end: u64,
    /// Taken over from another unit in the period (a transfer accepted).
    #[serde(default)]
    pub transferred_in: u64,
    /// Handed to another unit in the period (its transfer accepted).
    #[serde(default)]
    pub transferred_out: u64,
}

/// Clients served in the period.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientFigures {
    /// Distinct clients of the active cases.
    pub served: u64,
    /// Of those, first served by the unit in the period (klien baru).
    pub new: u64,
    /// Of those, served by the unit before, or in a reopened case (klien lanjutan).
    pub continuing: u64,
    /// Active cases with no registered client (a contact only).
    pub unregistered_contacts: u64,
}

/// The services of one kind in the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceFigures {
    /// Which service.
    pub service: ServiceKind,
    /// Instances opened in the period.
    pub started: u64,
    /// Instances that reached a terminal state in the period.
    pub ended: u64,
    /// Contacts resolved on the spot by this service (not group activities).
    pub on_the_spot: u64,
    /// Terminal states reached in the period.
    pub outcomes: Vec<Count<ServiceState>>,
}

/// Referrals to partners in the period.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReferralFigures {
    /// The states referrals entered in the period (sent, accepted, completed, failed ...).
    pub reached: Vec<Count<ServiceState>>,
    /// Sent and still waiting for the partner past their deadline at the period's end.
    pub overdue_at_end: u64,
    /// Emergency protective referrals sent in the period.
    pub protective: u64,
}

/// Aid given, by item and funding source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AidTotal {
    /// What.
    pub item: AidItem,
    /// Who paid.
    pub funding: FundingSource,
    /// Handed out how many times.
    pub records: u64,
    /// How many items in all.
    pub quantity: u64,
}

/// Outreach in the period.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OutreachFigures {
    /// Active: an event in the period, or unfinished when it began.
    pub active: u64,
    /// Reported in the period.
    pub reported: u64,
    /// Visits carried out in the period.
    pub visits: u64,
    /// Terminal states reached in the period.
    pub outcomes: Vec<Count<OutreachState>>,
}

/// Group activities for one sasaran.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ActivityFigures {
    /// The group the activity was for.
    pub sasaran: Sasaran,
    /// Activities held in the period.
    pub activities: u64,
    /// People reached (all participant counts).
    pub people_reached: u64,
}

/// The document tag of [`Report`].
pub const REPORT_DOCUMENT: &str = "lk3.report";

impl Report {
    /// The report over finished unit tallies (sorted by unit), with their sum.
    pub fn of_units(
        from: NaiveDate,
        to: NaiveDate,
        region: Option<KodeWilayah>,
        mut units: Vec<FinishedTally>,
    ) -> Self {
        units.sort_by(|a, b| a.unit().cmp(b.unit()));
        let mut total = tally::Counts::default();
        for u in &units {
            total.merge(u.counts());
        }
        Report {
            document: REPORT_DOCUMENT.to_owned(),
            from,
            to,
            region,
            units: units.iter().map(FinishedTally::unit_report).collect(),
            total: total.figures(),
        }
    }

    /// The figures of `unit`, or the totals for `None`.
    pub fn figures(&self, unit: Option<&UnitCode>) -> Option<&Figures> {
        match unit {
            None => Some(&self.total),
            Some(u) => self.units.iter().find(|r| &r.unit == u).map(|r| &r.figures),
        }
    }
}
