//! Verify's page of streams in SQL, for every reader of it: the queries
//! (in `$n` form) and the assembly of the rows they return into an
//! [`AuditPage`]. The sqlx drivers (`sql_store!`) and the SQLite file
//! store's reader in the caller's thread ([`crate::sqlite_direct`]) run the
//! same text and build the page the same way; only how a row is fetched
//! differs.

use std::collections::HashMap;

use crate::StoreError;
use crate::model::CursorPosition;
use crate::rows::{self, ColumnType, Row, Table, Value};
use crate::sql::{self, Bind};
use crate::verify::{AuditPage, StreamAudit, StreamCursor};

/// One read of a page: the rows of `table` owned by the page's streams,
/// each prefixed by its stream's unit and id (as text); `projection` names the
/// query table it fills (none for events, seals and commands).
pub(crate) struct Read {
    pub(crate) projection: Option<&'static Table>,
    pub(crate) table: &'static Table,
    pub(crate) text: String,
}

/// The queries of a page, each bound to `$1` (the key after which the page
/// begins, [`first_key`]) and `$2` (how many streams): the listing (the
/// key, then the stream's row), then each [`Read`]. SQLite pages by row
/// number (`by_row`), which a damaged id cannot upset; PostgreSQL by id
/// (its bytes sort as its text). `ids` is the backend's SQL for the two
/// forms of a stream id.
pub(crate) fn queries(by_row: bool, ids: &sql::StreamIdSql) -> (String, Vec<Read>) {
    let key = if by_row { "rowid" } else { "stream_id" };
    // The key as the cursor holds it: a row number, or the id's bytes in hex.
    let listed_key = if by_row { key.to_owned() } else { (ids.hex)(key) };
    let listed = format!(
        "SELECT {listed_key}, {} FROM streams WHERE {key} > $1 ORDER BY {key} LIMIT $2",
        rows::STREAMS.column_list()
    );
    // The page again, as a table the other tables join: every row below
    // names the listed stream it belongs to first. Rows come in no order
    // (sorting a page's events in SQL took a temporary B-tree of their
    // bodies); [`Page::finish`] puts events and seals in order. The id is
    // there in both its forms: a table joins on the one it stores.
    let of_page = format!(
        "(SELECT unit, stream_id, {} AS stream_text FROM streams WHERE {key} > $1 ORDER BY {key} LIMIT $2) p",
        ids.text("stream_id")
    );
    let read = |table: &'static Table, projection| {
        let columns: Vec<String> = table.columns.iter().map(|c| format!("x.{}", c.name)).collect();
        let joined = match table.position(table.stream_column).map(|i| table.columns[i].ty) {
            Some(ColumnType::Uuid) => "p.stream_id",
            _ => "p.stream_text",
        };
        Read {
            projection,
            table,
            text: format!(
                "SELECT p.unit, p.stream_text, {} FROM {of_page} JOIN {} x ON x.unit = p.unit AND x.{} = {joined}",
                columns.join(", "),
                table.name,
                table.stream_column
            ),
        }
    };
    // The command rows are read by [`commands_query`], by the ids the
    // page's events name.
    let mut reads = vec![read(&rows::EVENTS, None), read(&rows::SEALS, None)];
    reads.extend(rows::PROJECTED.into_iter().map(|table| read(table, Some(table))));
    (listed, reads)
}

/// The command rows of the ids a page's events name, bound as `$1`
/// ([`Page::command_ids`]); `ids` is the driver's subquery of a JSON array's
/// text values bound as `$1`. The ids come from the events the page already
/// read: joining the events again read every event's row twice, and sorting
/// out repeats took a temporary B-tree.
pub(crate) fn commands_query(ids: &str) -> String {
    let columns: Vec<String> = rows::COMMANDS.columns.iter().map(|c| format!("x.{}", c.name)).collect();
    format!("SELECT {} FROM commands x WHERE x.command_id IN ({ids})", columns.join(", "))
}

/// The value `$1` of [`queries`] takes after `after`.
pub(crate) fn first_key(after: Option<&StreamCursor>, by_row: bool) -> Bind {
    match (after.map(|a| &a.0), by_row) {
        (Some(CursorPosition::Row(r)), true) => Bind::Int(*r),
        (_, true) => Bind::Int(0),
        // The bytes of the listed key (whatever they are: a damaged id's too).
        (Some(CursorPosition::Text(hex)), false) => Bind::Bytes(const_hex::decode(hex).unwrap_or_default()),
        (_, false) => Bind::Bytes(Vec::new()),
    }
}

/// A page being assembled.
pub(crate) struct Page {
    page: AuditPage,
    /// Where each listed stream (unit, stream id) is in the page.
    index: HashMap<(Value, Value), usize>,
    /// The streams (where in the page) whose events name each command id.
    named: HashMap<String, Vec<usize>>,
}

impl Page {
    /// The page of the listing's rows (each the key, then the stream's
    /// row), checked to be in order after `after`.
    pub(crate) fn listed(after: Option<&StreamCursor>, by_row: bool, listed: Vec<Row>) -> Result<Self, StoreError> {
        let key = |row: &Row| match row.first() {
            Some(Value::Int(i)) => CursorPosition::Row(*i),
            v => CursorPosition::Text(v.and_then(Value::as_text).unwrap_or_default().to_owned()),
        };
        sql::in_order("streams", after.map(|a| &a.0), listed.iter().map(key))?;
        let mut page = AuditPage::default();
        let mut index = HashMap::with_capacity(listed.len());
        for mut row in listed {
            let first = row.first().cloned();
            let stream: Row = row.drain(1..).collect();
            page.next = Some(StreamCursor(match (by_row, first) {
                (true, Some(Value::Int(r))) => CursorPosition::Row(r),
                (true, _) => CursorPosition::Row(i64::MAX),
                (false, key) => {
                    CursorPosition::Text(key.as_ref().and_then(Value::as_text).unwrap_or_default().to_owned())
                }
            }));
            index.insert((stream[0].clone(), stream[1].clone()), page.streams.len());
            let projection = rows::PROJECTED.into_iter().map(|t| (t, Vec::new())).collect();
            page.streams.push(StreamAudit { stream, projection, ..StreamAudit::default() });
        }
        Ok(Page { page, index, named: HashMap::new() })
    }

    /// Whether the listing found no stream (and no read is needed).
    pub(crate) fn is_empty(&self) -> bool {
        self.page.streams.is_empty()
    }

    /// A row `read` returned: the owner's unit and stream id, then the
    /// row in its table's columns. A row of no listed stream is ignored.
    pub(crate) fn add(&mut self, read: &Read, owner: (Value, Value), row: Row) {
        let Some(&i) = self.index.get(&owner) else { return };
        let stream = &mut self.page.streams[i];
        match read.projection {
            None if read.table.name == rows::SEALS.name => stream.seals.push(row),
            None => stream.events.push(row),
            Some(t) => {
                if let Some((_, rows)) = stream.projection.iter_mut().find(|(p, _)| p.name == t.name) {
                    rows.push(row);
                }
            }
        }
    }

    /// The command ids the page's events name, as the JSON array
    /// [`commands_query`] binds; `None` when they name none. Call once every
    /// event is in.
    pub(crate) fn command_ids(&mut self) -> Option<String> {
        let at = rows::EVENTS.position("command_id").unwrap_or(usize::MAX);
        for (i, stream) in self.page.streams.iter().enumerate() {
            for event in &stream.events {
                // A damaged id (not text) names no row, as in a join.
                if let Some(Value::Text(id)) = event.get(at) {
                    let streams = self.named.entry(id.clone()).or_default();
                    if streams.last() != Some(&i) {
                        streams.push(i);
                    }
                }
            }
        }
        let mut ids: Vec<&String> = self.named.keys().collect();
        // In id order: ids of the same time (UUIDv7) are near each other in the table.
        ids.sort();
        (!ids.is_empty()).then(|| serde_json::to_string(&ids).unwrap_or_default())
    }

    /// A row [`commands_query`] returned, in the commands table's columns:
    /// given to each stream whose events name it.
    pub(crate) fn add_command(&mut self, row: Row) {
        let at = rows::COMMANDS.position("command_id").unwrap_or(usize::MAX);
        let Some(streams) = row.get(at).and_then(Value::as_text).and_then(|id| self.named.get(id)) else { return };
        for &i in streams {
            self.page.streams[i].commands.push(row.clone());
        }
    }

    /// The page, each stream's events and seals in order of `seq`.
    pub(crate) fn finish(mut self) -> AuditPage {
        for stream in &mut self.page.streams {
            by_seq(&mut stream.events);
            by_seq(&mut stream.seals);
        }
        self.page
    }
}

/// Rows of `events` or `seals` (whose third column is `seq`) in order of
/// `seq`, a damaged one (not an integer) after the rest, as SQL orders text
/// after numbers.
fn by_seq(rows: &mut [Row]) {
    debug_assert_eq!(rows::EVENTS.position("seq"), Some(2));
    debug_assert_eq!(rows::SEALS.position("seq"), Some(2));
    rows.sort_by_key(|row| match row.get(2) {
        Some(Value::Int(seq)) => (false, *seq),
        _ => (true, 0),
    });
}
