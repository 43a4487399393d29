//! The statements an append writes, built once for both SQL drivers as text
//! in `$n` form with their values: the `sql_store!` macro runs them one at a
//! time, or, on a driver that runs many statements in one query (SQLite),
//! joins them ([`at_once`]) so that a command costs one round trip to the
//! connection's thread instead of one per statement.
//!
//! Every statement here names its values `$1, $2, ...` in order, each once,
//! so that SQLite can take them as bare `?` ([`bare`]): SQLite looks a
//! numbered placeholder's name up in a list for each value bound, which in a
//! statement of 30,000 values costs more than the rest of an import.

use std::collections::HashMap;
use std::sync::{LazyLock, RwLock};

use lk3_core::seal::SigningKey;

use crate::StoreError;
use crate::model::{Batch, StoredEvent};
use crate::projection::Projection;
use crate::rows::{self, CheckedTable, ColumnType, Row, Table, Value};
use crate::sql;

/// A statement in `$n` form (in order, each once) and its values, each with
/// its column's type (a NULL is bound typed: PostgreSQL checks it).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Statement {
    pub(crate) text: String,
    pub(crate) values: Vec<(Value, ColumnType)>,
}

/// Appends the SQLite store wrote in one query (the tests' view of which
/// path an append took).
#[cfg(test)]
pub(crate) static WRITTEN_AT_ONCE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Bound values per statement of many rows: far below either driver's
/// limit (SQLite 32,766, PostgreSQL 65,535).
pub(crate) const VALUES_PER_STATEMENT: usize = 30_000;

/// Rows a statement of rows `width` values wide may hold.
fn rows_per_statement(width: usize) -> usize {
    (VALUES_PER_STATEMENT / width.max(1)).max(1)
}

/// What shapes the text of one of an append's statements: the statements of
/// a case's appends take a few shapes, made once and kept ([`kept_text`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Shape {
    /// The claim of a command id, a row of `values` values.
    Claim { values: usize },
    /// The insert of `rows` rows into all of a table's columns (the table
    /// named by its name and the address of its columns).
    Rows { table: &'static str, columns: usize, rows: usize },
    /// The upsert of a row of a table setting, on a conflict, the columns of
    /// `set` (bit k: column k).
    Upsert { table: &'static str, columns: usize, set: u64 },
}

/// Texts kept, at most: the shapes an application's appends take are a few
/// dozen.
const TEXTS_KEPT: usize = 512;

/// Statements of at most this many rows have their text kept (an import's,
/// of thousands of rows, do not).
const ROWS_KEPT: usize = 16;

/// The text of a statement of `shape`: made by `make` the first time, then
/// kept. Making a text (a placeholder and a column name at a time) costs
/// more than finding it again, and an append makes four or five.
fn kept_text(shape: Shape, make: impl FnOnce() -> String) -> String {
    // Read by every writer at once (a server's appends), written the few
    // times a shape is new.
    static KEPT: LazyLock<RwLock<HashMap<Shape, String>>> = LazyLock::new(Default::default);
    if let Some(text) = KEPT.read().ok().and_then(|kept| kept.get(&shape).cloned()) {
        return text;
    }
    let text = make();
    if let Ok(mut kept) = KEPT.write()
        && kept.len() < TEXTS_KEPT
    {
        kept.insert(shape, text.clone());
    }
    text
}

/// `$first, $first+1, ...`, `n` placeholders, written onto `out`: one
/// string for them all (an append builds its statements for every command).
fn push_placeholders(out: &mut String, first: usize, n: usize) {
    use std::fmt::Write;
    for k in first..first + n {
        if k > first {
            out.push_str(", ");
        }
        // Writing to a `String` does not fail.
        let _ = write!(out, "${k}");
    }
}

/// `{into}VALUES ($1, ...), (...){tail}` for `rows` rows `width` values wide.
fn values_text(into: &str, width: usize, rows: usize, tail: &str) -> String {
    let mut text = String::with_capacity(into.len() + tail.len() + 8 + rows * width * 7);
    text.push_str(into);
    text.push_str("VALUES ");
    for r in 0..rows {
        if r > 0 {
            text.push_str(", ");
        }
        text.push('(');
        push_placeholders(&mut text, r * width + 1, width);
        text.push(')');
    }
    text.push_str(tail);
    text
}

/// The insert of `chunk`, rows of `types`, after `into`, with `tail` after
/// the values.
fn values_statement(into: &str, types: &[ColumnType], chunk: &[Row], tail: &str) -> Statement {
    let values = chunk.iter().flat_map(|row| row.iter().cloned().zip(types.iter().copied())).collect();
    Statement { text: values_text(into, types.len().max(1), chunk.len(), tail), values }
}

/// Inserts of `rows`, each of `types`, after `into` (`INSERT INTO t (columns) `)
/// with `tail` after the values: as few statements as the limit of bound
/// values allows, none for no rows, each built when it is taken (an import
/// holds one statement's values at a time).
pub(crate) fn values_statements<'a>(
    into: &'a str,
    types: &'a [ColumnType],
    rows: &'a [Row],
    tail: &'a str,
) -> impl Iterator<Item = Statement> + Send + 'a {
    rows.chunks(rows_per_statement(types.len())).map(move |chunk| values_statement(into, types, chunk, tail))
}

/// [`values_statements`] into all of `table`'s columns.
pub(crate) fn table_statements<'a>(
    table: &Table,
    rows: &'a [Row],
    tail: &'a str,
) -> impl Iterator<Item = Statement> + Send + 'a {
    let types: Vec<ColumnType> = table.columns.iter().map(|c| c.ty).collect();
    let into = format!("INSERT INTO {} ({}) ", table.name, table.column_list());
    rows.chunks(rows_per_statement(types.len())).map(move |chunk| values_statement(&into, &types, chunk, tail))
}

/// The text of an insert of `rows` rows into all of `table`'s columns, kept
/// for a few rows ([`kept_text`]).
fn rows_text(table: &Table, rows: usize) -> String {
    let make = || {
        values_text(&format!("INSERT INTO {} ({}) ", table.name, table.column_list()), table.columns.len(), rows, "")
    };
    if rows > ROWS_KEPT {
        return make();
    }
    kept_text(Shape::Rows { table: table.name, columns: table.columns.as_ptr() as usize, rows }, make)
}

/// The insert of a checked row ([`rows::CheckedTable`]) with its check.
pub(crate) fn checked_insert(table: &CheckedTable, values: Row, on_conflict: &str) -> Statement {
    checked_insert_as(table, values, |n| checked_insert_text(table, n, on_conflict))
}

/// [`checked_insert`] with the text `text` gives for the row's number of values.
fn checked_insert_as(table: &CheckedTable, values: Row, text: impl FnOnce(usize) -> String) -> Statement {
    let row = rows::checked(values);
    Statement { text: text(row.len()), values: row.into_iter().zip(table.types()).collect() }
}

/// The text of [`checked_insert`] of a row of `values` values.
fn checked_insert_text(table: &CheckedTable, values: usize, on_conflict: &str) -> String {
    let mut text = format!("INSERT INTO {} ({}) VALUES (", table.name, table.column_list());
    push_placeholders(&mut text, 1, values);
    text.push_str(") ");
    text.push_str(on_conflict);
    text
}

/// A row of `table` written new or over the one with its key.
pub(crate) fn upsert(table: &Table, row: &Row) -> Statement {
    upsert_over(table, row, None)
}

/// [`upsert`], which over `before` (the row as it stands, with the same
/// key) sets only the columns that differ from it: SQLite rewrites the
/// entry of every index on a column an upsert sets, changed or not (four
/// pages more of a case's append written and synced).
fn upsert_over(table: &Table, row: &Row, before: Option<&Row>) -> Statement {
    let values = row.iter().cloned().zip(table.columns.iter().map(|c| c.ty)).collect();
    let set =
        |k: usize, c: &rows::Column| !table.key.contains(&c.name) && before.is_none_or(|b| b.get(k) != row.get(k));
    if table.columns.len() > 64 {
        return Statement { text: upsert_text(table, set), values };
    }
    let mask = table.columns.iter().enumerate().filter(|(k, c)| set(*k, c)).fold(0u64, |m, (k, _)| m | 1 << k);
    let shape = Shape::Upsert { table: table.name, columns: table.columns.as_ptr() as usize, set: mask };
    Statement { text: kept_text(shape, || upsert_text(table, set)), values }
}

/// The text of an upsert into `table` setting, on a conflict, the columns
/// `set` says (by position and column).
fn upsert_text(table: &Table, set: impl Fn(usize, &rows::Column) -> bool) -> String {
    let mut text = format!("INSERT INTO {} ({}) VALUES (", table.name, table.column_list());
    push_placeholders(&mut text, 1, table.columns.len());
    text.push_str(") ON CONFLICT (");
    text.push_str(&table.key.join(", "));
    text.push_str(") ");
    let mut changed = table.columns.iter().enumerate().filter(|(k, c)| set(*k, c)).peekable();
    // The key named either way: any other unique index (a case number
    // already given) still refuses the row.
    if changed.peek().is_none() {
        text.push_str("DO NOTHING");
    } else {
        text.push_str("DO UPDATE SET ");
        for (n, (_, c)) in changed.enumerate() {
            if n > 0 {
                text.push_str(", ");
            }
            text.push_str(c.name);
            text.push_str(" = excluded.");
            text.push_str(c.name);
        }
    }
    text
}

/// A stream's query rows ([`rows::projection_rows`]): the upsert of its own
/// row (apart, so that the caller can name a case number already given),
/// setting over `previous`'s only the columns that changed, and for each
/// child table whose rows changed since `previous`, the delete of the old
/// rows and the insert of the new (the child rows not made at all when what
/// they are made of is the same).
pub(crate) fn projection_statements(
    projection: &Projection,
    previous: Option<&Projection>,
) -> Result<(Statement, Vec<Statement>), StoreError> {
    let (own, own_row) = rows::own_row(projection)?;
    // The row before, when it is this stream's (same key): its summary is
    // left unserialised, so the summary column always counts as changed.
    let own_before = previous
        .map(rows::own_row_unsummarised)
        .filter(|b| own.key.iter().filter_map(|k| own.position(k)).all(|k| b.get(k) == own_row.get(k)));
    let upsert = upsert_over(own, &own_row, own_before.as_ref());
    if own_before.is_some() && previous.is_some_and(|p| rows::same_child_rows(p, projection)) {
        return Ok((upsert, Vec::new()));
    }
    let children = rows::child_rows(projection)?;
    let before = previous.map(rows::child_rows).transpose()?;
    let key = |k: usize| Value::Text(own_row.get(k).and_then(Value::as_text).unwrap_or_default().to_owned());
    let mut changed = Vec::new();
    for (k, (table, table_rows)) in children.iter().enumerate() {
        let old = before.as_ref().and_then(|b| b.get(k)).map(|(_, r)| r);
        if old == Some(table_rows) {
            continue;
        }
        if old.is_some_and(|o| !o.is_empty()) {
            changed.push(Statement {
                text: format!("DELETE FROM {} WHERE unit = $1 AND {} = $2", table.name, table.stream_column),
                values: vec![(key(0), ColumnType::Text), (key(1), ColumnType::Text)],
            });
        }
        changed.extend(table_statements(table, table_rows, ""));
    }
    Ok((upsert, changed))
}

/// The move of the stream's head: created at the batch's version when it
/// opens the stream (nothing when it exists), else moved only from the
/// version and hash the batch was decided on. The conditional update is
/// the check: it locks the row, and a writer that waited for another's
/// commit finds the version moved.
pub(crate) fn head_move(batch: &Batch) -> Statement {
    let text = |s: String| (Value::Text(s), ColumnType::Text);
    let int = |v: u64| (Value::Int(sql::signed(v)), ColumnType::Int);
    let stream = (Value::Text(batch.stream_id.to_string()), ColumnType::Uuid);
    let (unit, kind) = (text(batch.unit.to_string()), text(batch.kind.as_str().to_owned()));
    let hash = |h: lk3_core::event::Hash| (Value::Text(h.to_string()), ColumnType::Hash);
    let (version, head) = (int(batch.new_version()), hash(batch.head_hash()));
    if batch.expected_version == 0 {
        Statement {
            text: "INSERT INTO streams (unit, stream_id, kind, version, head_hash) VALUES ($1, $2, $3, $4, $5) \
                   ON CONFLICT DO NOTHING"
                .to_owned(),
            values: vec![unit, stream, kind, version, head],
        }
    } else {
        Statement {
            text: "UPDATE streams SET version = $1, head_hash = $2 \
                   WHERE unit = $3 AND stream_id = $4 AND kind = $5 AND version = $6 AND head_hash = $7"
                .to_owned(),
            values: vec![version, head, unit, stream, kind, int(batch.expected_version), hash(batch.prev_hash)],
        }
    }
}

/// `streams` more streams of `unit` counted: counted per unit, so that a
/// stream deleted outside lk3 shows in `verify`.
pub(crate) fn manifest_count(unit: &str, streams: i64) -> Statement {
    Statement {
        text: "INSERT INTO manifest (unit, streams) VALUES ($1, $2) \
               ON CONFLICT (unit) DO UPDATE SET streams = manifest.streams + excluded.streams"
            .to_owned(),
        values: vec![(Value::Text(unit.to_owned()), ColumnType::Text), (Value::Int(streams), ColumnType::Int)],
    }
}

/// One event's row: its command is the batch's last one that began at or
/// before it.
fn event_row(batch: &Batch, e: &StoredEvent) -> Row {
    let span = batch.commands.iter().rev().find(|c| c.first_seq <= e.seq);
    let command_id = span.map(|c| c.command_id.to_string()).unwrap_or_default();
    rows::event_row(&batch.unit, batch.stream_id, &command_id, e)
}

/// The inserts of the events of `batches`, each built when it is taken.
pub(crate) fn event_statements<'a>(batches: &'a [&'a Batch]) -> impl Iterator<Item = Statement> + Send + 'a {
    let events: Vec<(&Batch, &StoredEvent)> =
        batches.iter().flat_map(|b| b.events.iter().map(move |e| (*b, e))).collect();
    let types: Vec<ColumnType> = rows::EVENTS.columns.iter().map(|c| c.ty).collect();
    let per = rows_per_statement(types.len());
    (0..events.len()).step_by(per).map(move |start| {
        let chunk = &events[start..events.len().min(start + per)];
        let values = chunk.iter().flat_map(|(b, e)| event_row(b, e).into_iter().zip(types.iter().copied())).collect();
        Statement { text: rows_text(&rows::EVENTS, chunk.len()), values }
    })
}

/// The upsert of the seal a signing store puts on the batch's head.
pub(crate) fn seal_upsert(batch: &Batch, signer: Option<&SigningKey>) -> Option<Statement> {
    crate::trust::seal_of_batch(batch, signer)
        .map(|seal| upsert(&rows::SEALS, &rows::seal_row(&batch.unit, batch.stream_id, &seal)))
}

/// The claim of each of the batch's command ids (nothing when one is there).
pub(crate) fn command_claims(batch: &Batch) -> Vec<Statement> {
    batch
        .command_records()
        .map(|(command_id, record)| {
            let table = &rows::CHECKED_COMMANDS;
            checked_insert_as(table, rows::command_row(&batch.unit, &command_id.to_string(), &record), |n| {
                kept_text(Shape::Claim { values: n }, || checked_insert_text(table, n, "ON CONFLICT DO NOTHING"))
            })
        })
        .collect()
}

/// Every statement of a batch's append, in the order the one-at-a-time path
/// runs them, the claims and the head's move each returning a row when they
/// take; and how many rows that makes.
pub(crate) fn append_statements(
    batch: &Batch,
    signer: Option<&SigningKey>,
) -> Result<(Vec<Statement>, usize), StoreError> {
    let mut parts = command_claims(batch);
    parts.push(head_move(batch));
    for taking in &mut parts {
        taking.text.push_str(" RETURNING 1");
    }
    let returning = parts.len();
    if batch.expected_version == 0 {
        parts.push(manifest_count(&batch.unit.to_string(), 1));
    }
    parts.extend(event_statements(&[batch]));
    let (own, children) = projection_statements(&batch.projection, batch.previous.as_ref())?;
    parts.push(own);
    parts.extend(children);
    parts.extend(seal_upsert(batch, signer));
    Ok((parts, returning))
}

/// [`append_statements`] joined into one SQLite query with bare `?`: SQLite
/// (through sqlx) binds those in order across the statements of a query,
/// where each statement's own `$1` would take the query's first value.
/// `None` when the values are more than one query may bind.
pub(crate) fn at_once(batch: &Batch, signer: Option<&SigningKey>) -> Result<Option<(Statement, usize)>, StoreError> {
    let (parts, returning) = append_statements(batch, signer)?;
    if parts.iter().map(|p| p.values.len()).sum::<usize>() > VALUES_PER_STATEMENT {
        return Ok(None);
    }
    Ok(joined(parts).map(|statement| (statement, returning)))
}

/// Statements as one text with bare `?` and one list of values; `None` if
/// one of them breaks the rule of placeholders in order.
fn joined(parts: Vec<Statement>) -> Option<Statement> {
    let mut text = String::new();
    let mut values = Vec::new();
    for part in parts {
        text.push_str(&in_order(&part.text, part.values.len())?);
        text.push_str(";\n");
        values.extend(part.values);
    }
    Some(Statement { text, values })
}

/// Whether a statement's placeholders fit its values: `$1` to `$n` in
/// order, or (a [`joined`] one) as many bare `?`.
pub(crate) fn placeholders_fit(statement: &Statement) -> bool {
    let n = statement.values.len();
    in_order(&statement.text, n).is_some()
        || (!statement.text.contains('$') && statement.text.matches('?').count() == n)
}

/// A statement's text with each placeholder `$n` made a bare `?` (SQLite
/// binds those in order).
pub(crate) fn bare(text: &str) -> String {
    made_bare(text).0
}

/// `text` with each `$n` made `?` (a `$` without digits kept), and the
/// numbers it had, in order (`None` for a `$` without digits).
fn made_bare(text: &str) -> (String, Vec<Option<usize>>) {
    let mut out = String::with_capacity(text.len());
    let mut numbers = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        rest = &rest[at + 1..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        out.push(if digits > 0 { '?' } else { '$' });
        numbers.push(rest[..digits].parse::<usize>().ok());
        rest = &rest[digits..];
    }
    out.push_str(rest);
    (out, numbers)
}

/// `text` with its placeholders `$1` to `$count`, in that order, made `?`;
/// `None` when they are not so (the rule every statement here keeps, which
/// the drivers check in debug builds, [`placeholders_fit`]).
fn in_order(text: &str, count: usize) -> Option<String> {
    let (out, numbers) = made_bare(text);
    let in_order = numbers.len() == count && numbers.iter().enumerate().all(|(k, n)| *n == Some(k + 1));
    in_order.then_some(out)
}

/// How many placeholders a statement names.
#[cfg(test)]
fn count_marks(text: &str) -> usize {
    text.matches('$').count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ints(text: &str, values: std::ops::Range<i64>) -> Statement {
        Statement { text: text.into(), values: values.map(|v| (Value::Int(v), ColumnType::Int)).collect() }
    }

    /// A kept text is the text that would be made: for every table a
    /// store derives, every column set on its own, none and all, asked for
    /// in turn and again (so that the second comes from what was kept); and
    /// inserts of 1 to more rows than are kept.
    #[test]
    fn kept_texts_are_the_texts_made() {
        for table in rows::DERIVED {
            let row: Row = table.columns.iter().map(|c| Value::Text(c.name.to_owned())).collect();
            let other: Row = row.iter().map(|_| Value::Int(0)).collect();
            let single = |k: usize| -> Row {
                row.iter().enumerate().map(|(i, v)| if i == k { Value::Int(0) } else { v.clone() }).collect()
            };
            let befores: Vec<Option<Row>> = [None, Some(row.clone()), Some(other)]
                .into_iter()
                .chain((0..row.len()).map(|k| Some(single(k))))
                .collect();
            for _ in 0..2 {
                for before in &befores {
                    let set = |k: usize, c: &rows::Column| {
                        !table.key.contains(&c.name) && before.as_ref().is_none_or(|b| b.get(k) != row.get(k))
                    };
                    assert_eq!(
                        upsert_over(table, &row, before.as_ref()).text,
                        upsert_text(table, set),
                        "{}",
                        table.name
                    );
                }
                for rows in 1..=ROWS_KEPT + 1 {
                    let into = format!("INSERT INTO {} ({}) ", table.name, table.column_list());
                    assert_eq!(rows_text(table, rows), values_text(&into, table.columns.len(), rows, ""));
                }
            }
        }
        // A command's row: a value for each column (the check is added).
        let command_row = || -> Row { rows::CHECKED_COMMANDS.columns.iter().map(|_| Value::Null).collect() };
        let claim = || {
            checked_insert_as(&rows::CHECKED_COMMANDS, command_row(), |n| {
                kept_text(Shape::Claim { values: n }, || {
                    checked_insert_text(&rows::CHECKED_COMMANDS, n, "ON CONFLICT DO NOTHING")
                })
            })
        };
        for _ in 0..2 {
            assert_eq!(
                claim().text,
                checked_insert(&rows::CHECKED_COMMANDS, command_row(), "ON CONFLICT DO NOTHING").text
            );
        }
    }

    #[test]
    fn placeholders_in_order_become_bare_and_any_other_order_is_refused() {
        assert_eq!(
            in_order("UPDATE t SET a = $1 WHERE b = $2 AND c = $3", 3).as_deref(),
            Some("UPDATE t SET a = ? WHERE b = ? AND c = ?")
        );
        assert_eq!(in_order("SELECT 1", 0).as_deref(), Some("SELECT 1"));
        for (text, count) in
            [("A $2 $1", 2), ("A $1 $1", 2), ("A $1 $3", 2), ("A $1 $2", 3), ("A $1 $2", 1), ("A $ $1", 1)]
        {
            assert_eq!(in_order(text, count), None, "{text} with {count} values");
        }
    }

    #[test]
    fn joined_statements_keep_their_values_in_order_and_render_bare() {
        let j = joined(vec![ints("A $1 $2", 1..3), ints("B $1 $2 $3", 3..6)]).expect("in order");
        assert_eq!(j.text, "A ? ?;\nB ? ? ?;\n");
        assert_eq!(bare(&j.text), j.text);
        assert_eq!(j.values, ints("", 1..6).values);
        assert!(placeholders_fit(&j));
        assert_eq!(joined(vec![ints("A $1", 1..2), ints("B $2 $1", 2..4)]), None);
        assert!(!placeholders_fit(&ints("A $2 $1", 1..3)) && !placeholders_fit(&ints("A ? ?", 1..4)));
        assert_eq!(bare("a $ b $x $12"), "a $ b $x ?");
    }

    #[test]
    fn many_rows_are_split_at_the_limit_of_bound_values_and_each_statement_binds_what_it_names() {
        let types = [ColumnType::Int, ColumnType::Text, ColumnType::Int];
        let per = VALUES_PER_STATEMENT / types.len();
        for n in [0, 1, 2, per - 1, per, per + 1, 2 * per + 5] {
            let rows: Vec<Row> =
                (0..n).map(|i| vec![Value::Int(i as i64), Value::Text(format!("r{i}")), Value::Null]).collect();
            let statements: Vec<Statement> =
                values_statements("INSERT INTO t (a, b, c) ", &types, &rows, " ON CONFLICT DO NOTHING").collect();
            assert_eq!(statements.len(), n.div_ceil(per), "{n} rows");
            let mut all = Vec::new();
            for s in &statements {
                assert!(s.values.len() <= VALUES_PER_STATEMENT);
                assert_eq!(count_marks(&s.text), s.values.len());
                assert!(in_order(&s.text, s.values.len()).is_some());
                assert!(s.text.starts_with("INSERT INTO t (a, b, c) VALUES ($1, $2, $3)"));
                assert!(s.text.ends_with(&format!("${}) ON CONFLICT DO NOTHING", s.values.len())));
                all.extend(s.values.iter().map(|(v, _)| v.clone()));
            }
            assert_eq!(all, rows.concat(), "every value once, in row order");
        }
    }
}

#[cfg(all(test, feature = "sqlite"))]
mod on_sqlite {
    use super::*;
    use crate::CaseStoreExt;
    use lk3_core::case::{Case, CaseEventRecord};
    use lk3_core::vocab::Stage;

    async fn run(tx: &mut sqlx::SqliteConnection, statement: &Statement) -> Result<usize, sqlx::Error> {
        let mut query = sqlx::query(sqlx::AssertSqlSafe(bare(&statement.text)));
        for (value, ty) in &statement.values {
            query = crate::sql::bind_value(query, value.clone(), *ty);
        }
        Ok(query.fetch_all(&mut *tx).await?.len())
    }

    /// A new store in a temporary directory (kept while the test runs) and a
    /// closed case's events.
    async fn store_and_case() -> (tempfile::TempDir, crate::sqlite::SqliteStore, Case, Vec<CaseEventRecord>) {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite://{}", dir.path().join("store.db").display());
        let store = crate::sqlite::SqliteStore::open(&url).await.expect("open");
        let (case, events) = crate::test_world::World::new().case_at(Stage::Ditutup);
        (dir, store, case, events)
    }

    /// What the SQLite store's one-query append stands on: on a real file,
    /// each batch of a case's life, joined, returns one row for each claim
    /// and the head, and the stream written so is whole for `verify`; the
    /// same batch again does not (it fails or returns fewer), so a retry
    /// goes the one-at-a-time way, which answers it.
    #[tokio::test]
    async fn a_batch_at_once_returns_a_row_for_each_claim_and_the_head_and_a_retry_does_not() {
        let (_dir, store, case, events) = store_and_case().await;
        // Signed, so that each batch also writes its head's seal.
        let unit = *case.unit().expect("unit");
        let key = SigningKey::from_secret(&[7; 32], unit);
        let mut before = Case::default();
        for e in &events {
            let (batch, after) = crate::aggregate::encode(&before, std::slice::from_ref(e)).expect("encode");
            let (parts, _) = append_statements(&batch, Some(&key)).expect("statements");
            for part in &parts {
                assert!(in_order(&part.text, part.values.len()).is_some(), "{}", part.text);
            }
            let (joined, returning) = at_once(&batch, Some(&key)).expect("statements").expect("within the limit");
            assert_eq!(returning, batch.commands.len() + 1);
            let mut conn = store.pool().acquire().await.expect("connection");
            sqlx::query("BEGIN IMMEDIATE").execute(&mut *conn).await.expect("begin");
            assert_eq!(run(&mut conn, &joined).await.expect("written"), returning, "event {}", e.seq);
            sqlx::query("COMMIT").execute(&mut *conn).await.expect("commit");
            sqlx::query("BEGIN IMMEDIATE").execute(&mut *conn).await.expect("begin");
            let again = run(&mut conn, &joined).await;
            assert!(again.as_ref().map_or(true, |rows| *rows < returning), "a retry took: {again:?}");
            sqlx::query("ROLLBACK").execute(&mut *conn).await.expect("rollback");
            before = after;
        }
        let loaded = store.load_case(case.case_id().expect("id")).await.expect("load");
        assert_eq!(loaded.events, events);
        let report = crate::verify::verify(&store).await.expect("verify");
        assert!(report.is_ok(), "{report:?}");
        let seals = crate::CaseStore::seals(&store, *case.case_id().expect("id").as_uuid()).await.expect("seals");
        assert_eq!(seals.len(), events.len(), "a seal for each batch's head");
    }

    /// Every row of `table`, read by its column types.
    async fn stored(conn: &mut sqlx::SqliteConnection, table: &Table) -> Vec<Row> {
        use sqlx::Row as _;
        let select = format!("SELECT {} FROM {}", table.column_list(), table.name);
        let found = sqlx::query(sqlx::AssertSqlSafe(select)).fetch_all(&mut *conn).await.expect("read");
        let value = |r: &sqlx::sqlite::SqliteRow, k: usize| match table.columns[k].ty {
            ColumnType::Int => Value::Int(r.get(k)),
            ColumnType::Text => Value::Text(r.get(k)),
            ty => rows::from_bytes(r.get::<&[u8], _>(k), ty),
        };
        found.iter().map(|r| (0..table.columns.len()).map(|k| value(r, k)).collect()).collect()
    }

    /// A stream's own row written over the one before sets exactly the
    /// columns that differ from it (so the indexes on the others are left
    /// alone), and leaves the row as it is meant to be: for each table of
    /// own rows and each of its columns, on the store's own schema. With no
    /// row before, the row is written whole; over an equal one, nothing is set.
    #[tokio::test]
    async fn an_own_row_over_the_one_before_sets_only_the_columns_that_changed() {
        let (_dir, store, _, _) = store_and_case().await;
        let mut conn = store.pool().acquire().await.expect("connection");
        for table in [&rows::CASES, &rows::OUTREACHES] {
            let row_of = |tag: i64| -> Row {
                let text = |c: &rows::Column| Value::Text(format!("{}-{tag}", c.name));
                table.columns.iter().map(|c| if c.ty == ColumnType::Int { Value::Int(tag) } else { text(c) }).collect()
            };
            let before = row_of(1);
            let whole = upsert_over(table, &before, None);
            run(&mut conn, &whole).await.expect("written whole");
            assert_eq!(stored(&mut conn, table).await, vec![before.clone()], "{}: a new row", table.name);
            let same = upsert_over(table, &before, Some(&before));
            assert!(
                same.text.ends_with(&format!("ON CONFLICT ({}) DO NOTHING", table.key.join(", "))),
                "{}",
                same.text
            );
            for (k, column) in table.columns.iter().enumerate().filter(|(_, c)| !table.key.contains(&c.name)) {
                let mut after = before.clone();
                after[k] = row_of(2).swap_remove(k);
                let over = upsert_over(table, &after, Some(&before));
                assert!(
                    over.text.ends_with(&format!("DO UPDATE SET {0} = excluded.{0}", column.name)),
                    "{}.{}: {}",
                    table.name,
                    column.name,
                    over.text
                );
                run(&mut conn, &over).await.expect("written over");
                assert_eq!(stored(&mut conn, table).await, vec![after.clone()], "{}.{}", table.name, column.name);
                run(&mut conn, &upsert_over(table, &before, Some(&after))).await.expect("and back");
                assert_eq!(stored(&mut conn, table).await, vec![before.clone()], "{}.{} back", table.name, column.name);
            }
            if table.name == rows::CASES.name {
                // Another case (another key) with the same number: refused, whichever action the
                // upsert takes on its own key.
                let id = table.position("case_id").expect("case_id");
                let mut other = before.clone();
                other[id] = Value::Text("case_id-other".into());
                for over in [None, Some(&other)] {
                    assert!(run(&mut conn, &upsert_over(table, &other, over)).await.is_err(), "{over:?}");
                }
            }
            sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {}", table.name)))
                .execute(&mut *conn)
                .await
                .expect("emptied");
            // A row gone (deleted outside lk3) is written whole again by the next append.
            run(&mut conn, &upsert_over(table, &before, Some(&row_of(3)))).await.expect("written again");
            assert_eq!(stored(&mut conn, table).await, vec![before.clone()], "{}: written again", table.name);
        }
    }

    /// A file store's appends are written in the caller's thread, one
    /// transaction for each batch of a case's life (counted by the store); a
    /// retry of the last command, which that path cannot take, is still
    /// answered with its first events.
    #[tokio::test]
    async fn a_file_store_s_appends_are_written_in_the_callers_thread_and_a_retry_is_still_answered() {
        let (_dir, store, case, events) = store_and_case().await;
        appends_take(|| store.appended_in_thread(), &store, &case, &events).await;
    }

    /// A store in memory (no file to open a second connection to) sends an
    /// append's statements to sqlx's connection thread in one query.
    #[tokio::test]
    async fn an_in_memory_store_s_appends_go_in_one_query_each_and_a_retry_is_still_answered() {
        let store = crate::sqlite::SqliteStore::open("sqlite::memory:").await.expect("open");
        let (case, events) = crate::test_world::World::new().case_at(Stage::Ditutup);
        appends_take(|| WRITTEN_AT_ONCE.load(std::sync::atomic::Ordering::Relaxed), &store, &case, &events).await;
    }

    /// Appends each of `events` (a case's life) to `store`, checking that
    /// every one was counted by `path` (a count other tests may add to,
    /// never take from), then retries the last.
    async fn appends_take(
        path: impl Fn() -> usize,
        store: &crate::sqlite::SqliteStore,
        case: &Case,
        events: &[CaseEventRecord],
    ) {
        use lk3_core::Decider;
        let counted = path();
        let mut before = Case::default();
        let mut before_last = Case::default();
        for e in events {
            before_last = before.clone();
            let written = store.append(&before, std::slice::from_ref(e)).await.expect("append");
            assert!(!written.replayed);
            before.apply(e);
        }
        assert!(path() - counted >= events.len(), "an append went another way");
        let last = events.last().expect("events");
        let retried = store.append(&before_last, std::slice::from_ref(last)).await.expect("a retry is answered");
        assert!(retried.replayed);
        assert_eq!(retried.events, vec![last.clone()]);
        let loaded = store.load_case(case.case_id().expect("id")).await.expect("load");
        assert_eq!(loaded.events, events);
    }
}
