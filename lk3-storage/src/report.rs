//! Reports over a store: which streams a period needs, read once, and
//! counted by [`lk3_core::report::UnitTally`] (the period semantics live
//! there, not here).
//!
//! A unit's report reads the ids of only the unit's cases that may be active
//! in the period (opened before its end, and written to since it began or not
//! finished: the store selects them), their events, the outreaches
//! likewise, which of the clients served were clients of a case wholly
//! before the period, and the registry's record of each client served.
//!
//! ```
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! use chrono::NaiveDate;
//! use lk3_storage::memory::MemoryStore;
//! use lk3_storage::report::{ReportScope, report};
//! let store = MemoryStore::new();
//! let (from, to) = (NaiveDate::from_ymd_opt(2019, 1, 1).unwrap(), NaiveDate::from_ymd_opt(2019, 12, 31).unwrap());
//! let r = report(&store, &ReportScope::Unit("64.74".parse().unwrap()), from, to).await.unwrap();
//! assert_eq!(r.units.len(), 1);
//! assert_eq!(r.total.cases.active, 0);
//! # });
//! ```

use std::collections::BTreeMap;

use chrono::NaiveDate;
use futures_util::{StreamExt, TryStreamExt};
use lk3_core::case::{CaseEvent, TransferState};
use lk3_core::event::Event;
use lk3_core::ids::{KodeWilayah, UnitCode, WilayahLevel};
use lk3_core::outreach::OutreachEvent;
use lk3_core::report::{ClientProfile, FinishedTally, Report, UnitTally};

use crate::aggregate::decode;
use crate::model::StoredEvent;
use crate::projection::CaseQuery;
use crate::{CaseStore, StoreError};

/// What a report covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportScope {
    /// One unit.
    Unit(UnitCode),
    /// Every unit whose code lies in a province or kab/kota (`64`, `64.74`),
    /// community-based units (`64.74-PKK`) included.
    Region(KodeWilayah),
    /// Every unit in the store.
    National,
}

impl ReportScope {
    /// The roll-up of a province or kab/kota; `None` for a deeper code (a
    /// kecamatan or desa runs no unit).
    pub fn region(code: KodeWilayah) -> Option<Self> {
        matches!(code.level(), WilayahLevel::Provinsi | WilayahLevel::KabKota).then_some(Self::Region(code))
    }

    /// Whether `unit` is in the scope.
    pub fn covers(&self, unit: &UnitCode) -> bool {
        let region = unit.region();
        match self {
            Self::Unit(u) => u == unit,
            Self::National => true,
            Self::Region(r) => match r.level() {
                WilayahLevel::Provinsi => region.province() == r.province(),
                _ => region.kab_kota_code() == r.kab_kota_code() && region.province() == r.province(),
            },
        }
    }
}

/// How many summaries, or streams' events, a read takes.
const PAGE: u32 = 1000;

/// How many case ids a page reads (one query finds a unit-year's candidates).
const ID_PAGE: u32 = 10_000;

/// How many units of a roll-up are read at once.
const UNITS_AT_ONCE: usize = 4;

/// The report of `scope` over local dates `from..=to`.
pub async fn report<S: CaseStore + ?Sized>(
    store: &S,
    scope: &ReportScope,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Report, StoreError> {
    let units: Vec<UnitCode> = match scope {
        ReportScope::Unit(u) => vec![*u],
        _ => store.units().await?.into_iter().filter(|u| scope.covers(u)).collect(),
    };
    // Units are independent: a few at once keep the server and the decoding busy together.
    let tallies: Vec<FinishedTally> = futures_util::stream::iter(units.iter().map(|u| unit_tally(store, u, from, to)))
        .buffered(UNITS_AT_ONCE)
        .try_collect()
        .await?;
    let region = match scope {
        ReportScope::Region(r) => Some(*r),
        _ => None,
    };
    Ok(Report::of_units(from, to, region, tallies))
}

/// One unit's tally over local dates `from..=to`, read from the store.
pub async fn unit_tally<S: CaseStore + ?Sized>(
    store: &S,
    unit: &UnitCode,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<FinishedTally, StoreError> {
    let mut tally = UnitTally::new(unit, from, to).map_err(StoreError::Report)?;
    // A record merged into another counts as that client.
    let aliases = crate::registry::aliases(store, unit).await?;
    tally.set_aliases(aliases.clone());
    // The store selects what may be active (UnitTally::may_be_active): what is
    // wholly before the period is never read, only asked about its clients.
    let mut query = CaseQuery {
        unit: Some(*unit),
        opened_before: Some(tally.end()),
        active_from: Some(tally.start()),
        limit: ID_PAGE,
        ..CaseQuery::default()
    };
    loop {
        let page = store.query_case_ids(&query).await?;
        let wanted: Vec<_> = page.iter().map(|id| *id.as_uuid()).collect();
        // Each read is in flight while the one before is counted: the server
        // works while this side decodes.
        let mut read: Option<Vec<(uuid::Uuid, Vec<StoredEvent>)>> = None;
        for streams in wanted.chunks(PAGE as usize) {
            let previous = read.take();
            let (next, counted) = futures_util::future::join(read_all(store, unit, "case", streams), async {
                add_cases(&mut tally, previous)
            })
            .await;
            counted?;
            read = Some(next?);
        }
        add_cases(&mut tally, read)?;
        match page.last() {
            Some(last) if page.len() == ID_PAGE as usize => query.after = Some(*last),
            _ => break,
        }
    }
    // The cases other units opened and this one took over (their histories
    // stay with the opening unit): counted for what happened while held here.
    let mut query = CaseQuery {
        transferred_to: Some(*unit),
        transfer_state: Some(TransferState::Diterima),
        opened_before: Some(tally.end()),
        active_from: Some(tally.start()),
        limit: PAGE,
        ..CaseQuery::default()
    };
    loop {
        let page = store.query_cases(&query).await?;
        for summary in page.iter().filter(|s| s.unit != *unit) {
            add_cases(&mut tally, Some(read_all(store, &summary.unit, "case", &[*summary.case_id.as_uuid()]).await?))?;
        }
        match page.last() {
            Some(last) if page.len() == PAGE as usize => query.after = Some(last.case_id),
            _ => break,
        }
    }
    let mut after = None;
    loop {
        let page = store.query_outreaches(unit, tally.start()..tally.end(), after, PAGE).await?;
        let wanted: Vec<_> = page.iter().map(|o| *o.outreach_id.as_uuid()).collect();
        for events in decode_all::<OutreachEvent>(read_all(store, unit, "outreach", &wanted).await?)? {
            tally.add_outreach(&events);
        }
        match page.last() {
            Some(last) if page.len() == PAGE as usize => after = Some(last.outreach_id),
            _ => break,
        }
    }
    let served: Vec<_> = tally.clients_served().collect();
    // Earlier cases may name a served client by a record since merged into it.
    let mut asked = served.clone();
    asked.extend(aliases.iter().filter(|(_, into)| served.contains(into)).map(|(merged, _)| *merged));
    let (earlier, records) =
        futures_util::future::join(store.earlier_clients(unit, tally.start(), &asked), store.clients(unit, &served))
            .await;
    tally.add_earlier_clients(earlier?);
    let profiles: BTreeMap<_, _> = records?.into_iter().map(|r| (r.client_id, ClientProfile::from(&r))).collect();
    Ok(tally.finish(&profiles))
}

/// Counts the cases of a read, if any.
fn add_cases(tally: &mut UnitTally, read: Option<Vec<(uuid::Uuid, Vec<StoredEvent>)>>) -> Result<(), StoreError> {
    for events in decode_all::<CaseEvent>(read.unwrap_or_default())? {
        tally.add_case(&events);
    }
    Ok(())
}

/// The events of many streams, decoded, in the order given.
fn decode_all<P: serde::de::DeserializeOwned>(
    streams: Vec<(uuid::Uuid, Vec<StoredEvent>)>,
) -> Result<Vec<Vec<Event<P>>>, StoreError> {
    streams.iter().map(|(id, rows)| decode::<P>(*id, rows)).collect()
}

/// The stored events of the streams a query named, in one read; a stream
/// named that has no events is a damaged store.
async fn read_all<S: CaseStore + ?Sized>(
    store: &S,
    unit: &UnitCode,
    what: &'static str,
    ids: &[uuid::Uuid],
) -> Result<Vec<(uuid::Uuid, Vec<StoredEvent>)>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let found = store.read_streams(unit, ids).await?;
    if found.len() != ids.len() {
        let missing = ids.iter().find(|id| !found.iter().any(|(f, _)| f == *id)).copied().unwrap_or_default();
        return Err(StoreError::NotFound { what, id: missing.to_string() });
    }
    Ok(found)
}
