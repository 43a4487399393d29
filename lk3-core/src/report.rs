//! Reports a Dinas asks of an LK3 unit, computed from its cases: pure
//! counting over case states, by the unit's local dates (WIB, WITA, WIT; no
//! daylight saving), so that a case opened at 23:30 WITA on 31 December
//! counts in that year (DESIGN §7).
//!
//! ```
//! use chrono::NaiveDate;
//! use lk3_core::ids::TimeZoneId;
//! use lk3_core::report::unit_report;
//! let unit = "64.74".parse()?;
//! let (from, to) = (NaiveDate::from_ymd_opt(2019, 1, 1).unwrap(), NaiveDate::from_ymd_opt(2019, 12, 31).unwrap());
//! let report = unit_report(&unit, TimeZoneId::Wita, from, to, &[]);
//! assert_eq!(report.cases_opened, 0);
//! # Ok::<(), lk3_core::ids::IdentifierError>(())
//! ```

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveTime};
use serde::Serialize;

use crate::case::Case;
use crate::ids::{CaseNumber, TimeZoneId, UnitCode};
use crate::service::{ParticipantCount, ServiceState};
use crate::vocab::{AidItem, ContactChannel, FundingSource, Pmks, Problem, Sasaran, ServiceKind, Stage};

/// How many of something.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Count<T> {
    /// What.
    pub value: T,
    /// How many.
    pub count: u32,
}

/// The services of one kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ServiceTally {
    /// Which service.
    pub service: ServiceKind,
    /// Instances opened (planned or not), plus on-the-spot ones.
    pub delivered: u32,
    /// Of those, at an end of their machine.
    pub closed: u32,
}

/// Aid handed out, by item and funding source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct AidTotal {
    /// What.
    pub item: AidItem,
    /// Who paid.
    pub funding: FundingSource,
    /// How many.
    pub quantity: u64,
}

/// A unit's report over a period of local dates (the `report` document).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct UnitReport {
    /// The unit.
    pub unit: UnitCode,
    /// The unit's time zone: the dates below are its local dates.
    pub time_zone: TimeZoneId,
    /// First day, inclusive.
    pub from: NaiveDate,
    /// Last day, inclusive.
    pub to: NaiveDate,
    /// Cases whose contact was recorded in the period.
    pub cases_opened: u32,
    /// Of those, clients counted as new (klien baru) ...
    pub clients_new: u32,
    /// ... and as continuing (klien binaan lanjutan: a reopened case).
    pub clients_continuing: u32,
    /// Where those cases stand now, by stage.
    pub by_stage: Vec<Count<Stage>>,
    /// How they came in.
    pub by_channel: Vec<Count<ContactChannel>>,
    /// Their problems, by PMKS category.
    pub by_pmks: Vec<Count<Pmks>>,
    /// Services delivered, by kind.
    pub services: Vec<ServiceTally>,
    /// Referrals, by where they ended (or stand).
    pub referrals: Vec<Count<ServiceState>>,
    /// Referrals still waiting for the partner past their deadline at the end of the period.
    pub overdue_referrals: u32,
    /// Emergency protective referrals sent.
    pub protective_referrals: u32,
    /// Material aid handed out.
    pub aid: Vec<AidTotal>,
    /// People reached by group informasi (sosialisasi), by sasaran.
    pub people_reached: Vec<Count<Sasaran>>,
}

fn counts<T: Ord + Copy>(map: BTreeMap<T, u32>) -> Vec<Count<T>> {
    map.into_iter().map(|(value, count)| Count { value, count }).collect()
}

/// The report of `unit` for local dates `from..=to`, over the given cases
/// (cases of other units are ignored).
pub fn unit_report(unit: &UnitCode, tz: TimeZoneId, from: NaiveDate, to: NaiveDate, cases: &[Case]) -> UnitReport {
    let local_date = |at: chrono::DateTime<chrono::Utc>| at.with_timezone(&tz.offset()).date_naive();
    let end_of_period = to
        .and_time(NaiveTime::MIN)
        .checked_add_days(chrono::Days::new(1))
        .and_then(|d| d.and_local_timezone(tz.offset()).single())
        .map(|t| t.with_timezone(&chrono::Utc));
    let in_period: Vec<&Case> = cases
        .iter()
        .filter(|c| c.unit() == Some(unit))
        .filter(|c| c.opened_at().map(local_date).is_some_and(|d| d >= from && d <= to))
        .collect();
    let (mut by_stage, mut by_channel, mut by_pmks) = (BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
    let (mut services, mut referrals, mut aid, mut reached) =
        (BTreeMap::new(), BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
    let (mut new, mut continuing, mut overdue, mut protective) = (0, 0, 0, 0);
    for c in &in_period {
        let clients = u32::try_from(c.clients().len()).unwrap_or(u32::MAX).max(1);
        if c.is_continuing() {
            continuing += clients;
        } else {
            new += clients;
        }
        if let Some(s) = c.stage() {
            *by_stage.entry(s).or_insert(0) += 1;
        }
        if let Some(ch) = c.channel() {
            *by_channel.entry(ch).or_insert(0) += 1;
        }
        let mut pmks: Vec<Pmks> = c.problems().iter().map(|p: &Problem| p.pmks()).collect();
        pmks.sort();
        pmks.dedup();
        for p in pmks {
            *by_pmks.entry(p).or_insert(0) += 1;
        }
        for s in c.services() {
            let t: &mut (u32, u32) = services.entry(s.kind).or_insert((0, 0));
            t.0 += 1;
            t.1 += u32::from(s.is_closed(c.rule_set()));
            if s.kind == ServiceKind::Rujukan {
                *referrals.entry(s.state).or_insert(0) += 1;
                overdue += u32::from(end_of_period.is_some_and(|end| s.is_overdue(end)));
            }
        }
        if let Some(kind) = c.on_spot_service() {
            let t = services.entry(kind).or_insert((0, 0));
            t.0 += 1;
            t.1 += 1;
        }
        protective += u32::try_from(c.protective_referrals().len()).unwrap_or(u32::MAX);
        for a in c.aid() {
            *aid.entry((a.item, a.funding)).or_insert(0u64) += u64::from(a.quantity);
        }
        for ParticipantCount { count, sasaran } in c.participants() {
            *reached.entry(*sasaran).or_insert(0) += count;
        }
    }
    UnitReport {
        unit: unit.clone(),
        time_zone: tz,
        from,
        to,
        cases_opened: u32::try_from(in_period.len()).unwrap_or(u32::MAX),
        clients_new: new,
        clients_continuing: continuing,
        by_stage: counts(by_stage),
        by_channel: counts(by_channel),
        by_pmks: counts(by_pmks),
        services: services
            .into_iter()
            .map(|(service, (delivered, closed))| ServiceTally { service, delivered, closed })
            .collect(),
        referrals: counts(referrals),
        overdue_referrals: overdue,
        protective_referrals: protective,
        aid: aid.into_iter().map(|((item, funding), quantity)| AidTotal { item, funding, quantity }).collect(),
        people_reached: counts(reached),
    }
}

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
            unit: case.unit()?.clone(),
            case_number: case.case_number()?.clone(),
            date: case.last_at()?.with_timezone(&tz.offset()).date_naive(),
            service: case.on_spot_service()?,
            sasaran: case.sasaran()?,
            participants: case.participants().to_vec(),
            problems: case.problems().to_vec(),
        })
    }
}
