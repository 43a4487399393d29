//! Verify's store-wide checks in SQL, for every reader of them: each part's
//! query, and what its rows add to the [`StoreAudit`]. The sqlx drivers
//! (`sql_store!`) and the SQLite file store's reader in the caller's thread
//! ([`crate::sqlite_direct`]) run the same parts in one read transaction and
//! judge their rows the same way; only how a row is fetched differs.
//!
//! The record of applied migrations is not a part: it is sqlx's own table,
//! and is checked through sqlx by the driver.

use std::collections::BTreeMap;

use lk3_core::event::Hash;

use crate::personal::attachment_digest;
use crate::rows::{self, CheckedTable, ColumnType, Row, Value};
use crate::sql;
use crate::verify::{NOTE_SUBJECTS, NOTE_TEXT, StoreAudit};

/// One query of the audit and how its rows are read.
pub(crate) struct Part {
    /// What it reads, as a failure to read it is reported.
    pub(crate) what: &'static str,
    /// The query (no placeholders).
    pub(crate) text: String,
    /// The type each column of its rows is read as.
    pub(crate) columns: Vec<ColumnType>,
    read: Read,
}

enum Read {
    /// A setting of the connection (the integrity check's cache): no rows, and
    /// failing to set it is no finding.
    Setting,
    /// The engine's own integrity check: every line but "ok" is a finding.
    Engine,
    /// Rows of the table named that name a stream with no stream row.
    Orphans(&'static str),
    /// Command rows whose first event is not there.
    Dangling,
    Manifest,
    StreamCounts,
    /// Rows whose check no longer matches them.
    Changed(&'static CheckedTable),
    /// The subject rows of notes and attachments, read before them.
    Subjects,
    /// Notes (text as it is) or attachments (bytes as base64).
    Notes {
        base64: bool,
    },
}

impl Part {
    /// Whether a failure to run it is no finding.
    pub(crate) fn optional(&self) -> bool {
        matches!(self.read, Read::Setting)
    }
}

/// The parts, in the order they run; `integrity` is the backend's integrity
/// check (setting the cache, the check, setting it back), if it has one;
/// `ids` its SQL for the two forms of a stream id.
pub(crate) fn parts(integrity: Option<[&str; 3]>, ids: &sql::StreamIdSql) -> Vec<Part> {
    let part = |what, text: String, columns: &[ColumnType], read| Part { what, text, columns: columns.to_vec(), read };
    let (text, int) = (ColumnType::Text, ColumnType::Int);
    let mut parts = Vec::new();
    if let Some([cache, check, cache_after]) = integrity {
        parts.push(part("the cache size", cache.to_owned(), &[], Read::Setting));
        parts.push(part("the integrity check", check.to_owned(), &[text], Read::Engine));
        parts.push(part("the cache size", cache_after.to_owned(), &[], Read::Setting));
    }
    for table in rows::DERIVED.iter().skip(1) {
        let col = table.stream_column;
        let ty = table.position(col).map_or(ColumnType::Text, |i| table.columns[i].ty);
        // A query table names the stream by its text, the log by its bytes.
        let id = if ty == ColumnType::Uuid { format!("x.{col}") } else { (ids.bytes)(&format!("x.{col}")) };
        // The distinct streams first, then each looked up once: a table's
        // rows per stream are many, and its key index lists them in order.
        let text = format!(
            "SELECT x.unit, x.{col} FROM (SELECT DISTINCT unit, {col} FROM {}) x WHERE NOT EXISTS \
             (SELECT 1 FROM streams s WHERE s.stream_id = {id} AND s.unit = x.unit)",
            table.name
        );
        parts.push(part(table.name, text, &[ColumnType::Text, ty], Read::Orphans(table.name)));
    }
    parts.push(part(
        rows::COMMANDS.name,
        "SELECT c.unit, c.command_id, c.stream_id FROM commands c WHERE NOT EXISTS \
         (SELECT 1 FROM events e WHERE e.unit = c.unit AND e.stream_id = c.stream_id \
         AND e.seq = c.first_seq AND e.command_id = c.command_id)"
            .to_owned(),
        &[text, ColumnType::Uuid, ColumnType::Uuid],
        Read::Dangling,
    ));
    parts.push(part(
        "manifest",
        "SELECT unit, streams FROM manifest ORDER BY unit".to_owned(),
        &[text, int],
        Read::Manifest,
    ));
    parts.push(part(
        rows::STREAMS.name,
        "SELECT unit, COUNT(*) FROM streams GROUP BY unit ORDER BY unit".to_owned(),
        &[text, int],
        Read::StreamCounts,
    ));
    for table in rows::CHECKED {
        let columns = table.types();
        let text = format!("SELECT {} FROM {}", table.column_list(), table.name);
        parts.push(Part { what: table.name, text, columns, read: Read::Changed(table) });
    }
    parts.push(part(
        "notes",
        "SELECT unit, digest, client_id FROM note_subjects".to_owned(),
        &[text; 3],
        Read::Subjects,
    ));
    parts.push(part(
        "notes",
        "SELECT unit, digest, salt, text, subjects FROM notes ORDER BY unit, digest".to_owned(),
        &[text; 5],
        Read::Notes { base64: false },
    ));
    parts.push(part(
        "notes",
        "SELECT unit, digest, salt, content, subjects FROM attachments ORDER BY unit, digest".to_owned(),
        &[text; 5],
        Read::Notes { base64: true },
    ));
    parts
}

/// The audit as its parts' rows come in.
#[derive(Default)]
pub(crate) struct Audit {
    audit: StoreAudit,
    /// Subject rows by (unit, digest), each taken by its note as it is read.
    subjects: BTreeMap<(String, String), Vec<String>>,
    /// A part of the notes could not be read: their findings are not given.
    notes_failed: bool,
}

impl Audit {
    /// `part` is about to be read.
    pub(crate) fn begin(&mut self, part: &Part) {
        if let Read::Engine = part.read {
            self.audit.engine = Some(Vec::new());
        }
    }

    /// A row of `part`, its columns read as `part.columns`.
    pub(crate) fn add(&mut self, part: &Part, row: Row) {
        let text = |i: usize| row.get(i).cloned().unwrap_or(Value::Null);
        let owned = |i: usize| row.get(i).and_then(Value::as_text).map(str::to_owned).unwrap_or_default();
        match part.read {
            Read::Setting => {}
            Read::Engine => {
                let line = match text(0) {
                    Value::Text(line) => line,
                    other => format!("{other:?}"),
                };
                if line != "ok" {
                    self.audit.engine.get_or_insert_with(Vec::new).push(line);
                }
            }
            Read::Orphans(table) => self.audit.orphans.push((table, text(0), text(1))),
            Read::Dangling => self.audit.dangling_commands.push((text(0), text(1), text(2))),
            Read::Manifest => self.audit.manifest.push((text(0), text(1))),
            Read::StreamCounts => self.audit.stream_counts.push((text(0), text(1))),
            Read::Changed(table) => {
                let (values, stored) = row.split_at(table.columns.len());
                if stored.first().and_then(Value::as_text) != Some(rows::row_check(values).as_str()) {
                    self.audit.changed.push((table.name, values[..table.key.len()].to_vec()));
                }
            }
            Read::Subjects => self.subjects.entry((owned(0), owned(1))).or_default().push(owned(2)),
            Read::Notes { base64 } => self.note(base64, row),
        }
    }

    /// `part` could not be read: why, as the report gives it.
    pub(crate) fn failed(&mut self, part: &Part, why: impl std::fmt::Display) {
        if part.optional() {
            return;
        }
        let what = format!("{} could not be read: {why}", part.what);
        match part.read {
            Read::Engine => self.audit.engine = Some(vec![what]),
            Read::Subjects | Read::Notes { .. } => {
                // One finding for the notes, as one read of them.
                if !self.notes_failed {
                    self.audit.unreadable.push(what);
                }
                self.notes_failed = true;
            }
            _ => self.audit.unreadable.push(what),
        }
    }

    /// The audit, with `migrations` (the driver's check of its record).
    pub(crate) fn finish(mut self, migrations: Result<Vec<String>, String>) -> StoreAudit {
        match migrations {
            Ok(found) => self.audit.migrations = found,
            Err(why) => self.audit.unreadable.push(format!("_sqlx_migrations could not be read: {why}")),
        }
        if self.notes_failed {
            self.audit.notes.clear();
        } else {
            // Subject rows of no note nor attachment.
            for ((unit, digest), _) in std::mem::take(&mut self.subjects) {
                self.audit.notes.push((Value::Text(unit), Value::Text(digest), NOTE_SUBJECTS));
            }
        }
        self.audit
    }

    fn note(&mut self, base64: bool, row: Row) {
        let mut row = row.into_iter();
        let mut next = || row.next().unwrap_or(Value::Null);
        let (unit, digest, salt, content, listed) = (next(), next(), next(), next(), next());
        let matches = match (&salt, &content, digest.as_text().and_then(Hash::from_hex)) {
            (Value::Text(salt), Value::Text(content), Some(d)) => {
                let bytes = if base64 { sql::base64_bytes(content) } else { Some(content.as_bytes().to_vec()) };
                match (sql::salt_bytes(salt), bytes) {
                    (Some(salt), Some(bytes)) => attachment_digest(&salt, &bytes) == d,
                    _ => false,
                }
            }
            // Erased: no content and no salt.
            (Value::Null, Value::Null, Some(_)) => true,
            _ => false,
        };
        if !matches {
            self.audit.notes.push((unit, digest, NOTE_TEXT));
            return;
        }
        let mut want: Vec<String> = listed
            .as_text()
            .and_then(|l| serde_json::from_str::<Vec<String>>(l).ok())
            .unwrap_or_else(|| vec![String::from("(unreadable)")]);
        want.sort();
        want.dedup();
        let key = (unit.as_text().unwrap_or_default().to_owned(), digest.as_text().unwrap_or_default().to_owned());
        let mut got = self.subjects.remove(&key).unwrap_or_default();
        got.sort();
        if got != want {
            self.audit.notes.push((unit, digest, NOTE_SUBJECTS));
        }
    }
}
