//! The bulk scan of events (`CaseStore::scan_events`) in SQL, for every
//! reader of it: the queries and the assembly of a page from the rows they
//! return. The sqlx drivers (`sql_store!`) and the SQLite file store's
//! reader in the caller's thread ([`crate::sqlite_direct`]) build a page
//! the same way.

use std::collections::HashMap;

use lk3_core::ids::UnitCode;
use uuid::Uuid;

use crate::StoreError;
use crate::model::{CursorPosition, EventCursor, ScannedEvent, StreamKind};
use crate::sql;

/// SQLite's scan, in row order (a plain walk of the table): `$1` the row
/// after which it goes on, `$2` how many, `$3` the unit (`''` for all).
pub(crate) const BY_ROW: &str = "SELECT e.rowid, e.unit, e.stream_id, e.seq, e.body FROM events e \
     WHERE e.rowid > $1 AND ($3 = '' OR e.unit = $3) ORDER BY e.rowid LIMIT $2";

/// PostgreSQL's scan, on the events' primary key (an index range): `$1`,
/// `$2`, `$3` the key after which it goes on, `$4` how many, `$5` the unit.
pub(crate) const BY_KEY: &str = "SELECT 0::BIGINT, e.unit, e.stream_id, e.seq, e.body FROM events e \
     WHERE (e.unit, e.stream_id, e.seq) > ($1, $2, $3) AND ($5 = '' OR e.unit = $5) \
     ORDER BY e.unit, e.stream_id, e.seq LIMIT $4";

/// A row of either scan.
pub(crate) struct ScanRow {
    /// The row number (SQLite; 0 on PostgreSQL).
    pub(crate) row: i64,
    pub(crate) unit: String,
    /// The stream id as stored ([`crate::rows::ColumnType::Uuid`]).
    pub(crate) stream: Vec<u8>,
    pub(crate) seq: i64,
    pub(crate) body: String,
}

/// The streams `rows` belong to, each once, sorted: whose kinds the page needs.
pub(crate) fn streams_of(rows: &[ScanRow]) -> Vec<&[u8]> {
    let mut ids: Vec<&[u8]> = Vec::new();
    for r in rows {
        if ids.last().is_none_or(|last| *last != r.stream) {
            ids.push(&r.stream);
        }
    }
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// The page of `rows`, given the kind of each of their streams (`kinds`),
/// checked to be in order after `after`.
pub(crate) fn page(
    rows: Vec<ScanRow>,
    kinds: &HashMap<Vec<u8>, String>,
    by_row: bool,
    after: Option<&EventCursor>,
) -> Result<Vec<ScannedEvent>, StoreError> {
    // Rows of one stream come together: parse its unit, id and kind once.
    let mut stream: Option<(Vec<u8>, UnitCode, Uuid, StreamKind)> = None;
    let page = rows
        .into_iter()
        .map(|r| {
            let (unit, stream_id, kind) = match &stream {
                Some((text, unit, id, kind)) if *text == r.stream => (*unit, *id, *kind),
                _ => {
                    let stream_id = sql::uuid_bytes(&r.stream)?;
                    let kind = kinds.get(&r.stream).map_or("", String::as_str);
                    let unit = UnitCode::parse(&r.unit).map_err(|e| sql::corrupt(stream_id, 0, e.to_string()))?;
                    let kind =
                        StreamKind::parse(kind).ok_or_else(|| sql::corrupt(stream_id, 0, format!("kind {kind:?}")))?;
                    stream = Some((r.stream.clone(), unit, stream_id, kind));
                    (unit, stream_id, kind)
                }
            };
            let seq = sql::unsigned(stream_id, r.seq)?;
            let cursor = if by_row { CursorPosition::Row(r.row) } else { CursorPosition::Key(unit, stream_id, seq) };
            Ok(ScannedEvent { unit, stream_id, kind, seq, body: r.body, cursor: EventCursor(cursor) })
        })
        .collect::<Result<Vec<ScannedEvent>, StoreError>>()?;
    sql::in_order("events", after.map(|a| &a.0), page.iter().map(|e| e.cursor.0.clone()))?;
    Ok(page)
}
