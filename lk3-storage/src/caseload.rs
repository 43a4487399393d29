//! Caseload: how many open cases each worker holds, by stage, read from the
//! case summaries (the worker is the fold's: the one who started the
//! engagement, or the last one the ketua assigned).

use std::collections::BTreeMap;

use lk3_core::ids::{StaffId, UnitCode};
use lk3_core::vocab::Stage;
use serde::Serialize;

use crate::error::StoreError;
use crate::projection::CaseQuery;
use crate::store::CaseStore;

/// One worker's open cases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Caseload {
    /// The unit holding the cases (after a transfer, the receiving unit).
    pub unit: UnitCode,
    /// The worker; `None` for the cases no worker holds yet (kontak, registrasi).
    pub worker: Option<StaffId>,
    /// Open cases by stage (stages without any left out), in lifecycle order.
    pub by_stage: BTreeMap<Stage, u64>,
    /// Every open case of the worker.
    pub open: u64,
}

/// How many cases a page of the summaries holds.
const PAGE: u32 = 1_000;

/// The open (not closed) cases one unit holds, or every unit, counted per
/// worker and stage (a case transferred counts where it is held now): one [`Caseload`] per (unit, worker), in unit order, the
/// unassigned first, then by worker id.
pub async fn caseload<S: CaseStore + ?Sized>(store: &S, unit: Option<&UnitCode>) -> Result<Vec<Caseload>, StoreError> {
    let mut loads: BTreeMap<(UnitCode, Option<StaffId>), Caseload> = BTreeMap::new();
    // One pass in case id order: each case counted once, in the stage it
    // has when its page is read.
    let mut query = CaseQuery { held_by: unit.copied(), limit: PAGE, ..Default::default() };
    loop {
        let page = store.query_cases(&query).await?;
        for summary in page.iter().filter(|s| s.stage != Stage::Ditutup) {
            let load = loads.entry((summary.holding_unit(), summary.worker)).or_insert_with(|| Caseload {
                unit: summary.holding_unit(),
                worker: summary.worker,
                by_stage: BTreeMap::new(),
                open: 0,
            });
            *load.by_stage.entry(summary.stage).or_default() += 1;
            load.open += 1;
        }
        match page.last() {
            Some(last) if page.len() as u32 == PAGE => query.after = Some(last.case_id),
            _ => break,
        }
    }
    Ok(loads.into_values().collect())
}
