//! The SQLite file at rest, tried as an auditor or an attacker would:
//! owner-only files, erased data gone from the raw bytes, read commands that
//! never write, every derived column and every checked row changed behind
//! lk3's back, and single-byte flips anywhere in the file.

use crate::conformance;

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use chrono::Duration;
use lk3_core::case::Case;
use lk3_core::schema::ClientRecord;
use lk3_core::vocab::{Sensitivity, Stage};
use lk3_core::{ErrorCode, Lk3Error};
use lk3_storage::personal::NewNote;
use lk3_storage::rows::{self, ColumnType};
use lk3_storage::sqlite::SqliteStore;
use lk3_storage::verify::verify;
use lk3_storage::{CaseStore, CaseStoreExt};
use sqlx::{Column, Row, TypeInfo, ValueRef};

/// What the populated store's personal data says, to look for in raw bytes.
const NAME: &str = "Sulastri Wulandari";
const NIK: &str = "6474015203850001";
const NO_KK: &str = "6474010101190007";
const BIRTH: &str = "1985-03-12";
const NOTE: &str = "Klien menceritakan kekerasan yang dialami sejak Lebaran.";

fn url(dir: &Path) -> String {
    format!("sqlite://{}", dir.join("lk3.db").display())
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).map(|m| m.permissions().mode() & 0o777).unwrap_or(0)
}

/// A store with cases at several stages (imported and executed), two
/// clients, notes, and one client erased; closed.
async fn populated(dir: &Path) -> conformance::world::World {
    let store = SqliteStore::open(&url(dir)).await.expect("open");
    let mut w = conformance::world::World::new();
    for stage in [Stage::Kontak, Stage::Intervensi, Stage::Ditutup] {
        let (_, events) = w.case_at(stage);
        let (batch, _) = lk3_storage::aggregate::encode(&Case::default(), &events).expect("encode");
        store.append_batches(&[batch]).await.expect("import");
    }
    // One case through `execute`, so that command fingerprints of both kinds are stored.
    let open = w.open_command();
    let lk3_core::case::CaseCommand::RecordContact { case_id, .. } = &open else { unreachable!() };
    let ctx = w.ctx(w.actor(lk3_core::vocab::Role::Sekretaris, false));
    store.execute_case(*case_id, &open, &ctx).await.expect("execute");
    let unit: lk3_core::ids::UnitCode = "64.74".parse().expect("unit");
    for (client, name) in [(w.adult, NAME), (w.child, "Anak Kedua")] {
        let record = ClientRecord {
            client_id: client,
            unit,
            name: name.into(),
            nik: (client == w.adult).then(|| NIK.parse().expect("nik")),
            no_kk: Some(NO_KK.parse().expect("no kk")),
            sex: None,
            birth_date: (client == w.adult).then(|| BIRTH.parse().expect("date")),
            domicile: None,
        };
        store.put_client(&record).await.expect("put");
    }
    let note =
        NewNote { unit, case_id: None, subjects: vec![w.adult], sensitivity: Sensitivity::Biasa, text: NOTE.into() };
    store.put_note(&note).await.expect("note");
    store.put_note(&NewNote { subjects: vec![w.child], text: "Catatan lain".into(), ..note }).await.expect("note");
    store.close().await;
    w
}

#[tokio::test]
async fn a_new_store_and_its_logs_are_owner_only() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = SqliteStore::open(&url(dir.path())).await.expect("open");
    let mut w = conformance::world::World::new();
    let (_, events) = w.case_at(Stage::Registrasi);
    let (batch, _) = lk3_storage::aggregate::encode(&Case::default(), &events).expect("encode");
    store.append_batches(&[batch]).await.expect("import");
    // While it is open, the write-ahead log and its index exist beside it.
    for name in ["lk3.db", "lk3.db-wal", "lk3.db-shm"] {
        let path = dir.path().join(name);
        assert!(path.exists(), "{name}");
        assert_eq!(mode(&path), 0o600, "{name} is owner-only");
    }
    store.close().await;
    assert!(!dir.path().join("lk3.db-wal").exists(), "closing leaves no log behind");
}

/// Every place erased data could hide: the file, its log, its free pages.
fn raw_bytes(dir: &Path) -> Vec<u8> {
    ["lk3.db", "lk3.db-wal", "lk3.db-shm"].iter().filter_map(|n| std::fs::read(dir.join(n)).ok()).flatten().collect()
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[tokio::test]
async fn an_erased_client_leaves_no_trace_in_the_raw_bytes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let w = populated(dir.path()).await;
    let before = raw_bytes(dir.path());
    for secret in [NAME, NIK, NO_KK, BIRTH, NOTE] {
        assert!(contains(&before, secret), "{secret} is stored before the erasure (the test would prove nothing)");
    }
    let store = SqliteStore::open(&url(dir.path())).await.expect("open");
    let unit = "64.74".parse().expect("unit");
    let erased = store.erase_client(&unit, w.adult, w.now + Duration::days(1)).await.expect("erase");
    assert!(erased.identity_removed && erased.notes_erased == 1);
    // Right after the erasure, with the store still open (its log beside it) ...
    let open = raw_bytes(dir.path());
    // ... and once it is closed.
    store.close().await;
    let closed = raw_bytes(dir.path());
    for bytes in [&open, &closed] {
        for secret in [NAME, NIK, BIRTH, NOTE] {
            assert!(!contains(bytes, secret), "{secret} is still in the raw bytes after the erasure");
        }
    }
    // The other client, on the same family card, is still there.
    assert!(contains(&closed, NO_KK) && contains(&closed, "Anak Kedua"));
    let store = SqliteStore::open_read_only(&url(dir.path())).await.expect("open");
    let report = verify(&store).await.expect("verify");
    assert!(report.is_ok(), "{report:?}");
}

#[tokio::test]
async fn reading_never_writes_and_what_is_not_a_store_is_said_so() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A missing file, an empty file, another program's database.
    let missing = dir.path().join("missing.db");
    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, b"").expect("empty");
    let foreign = dir.path().join("foreign.db");
    {
        let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}?mode=rwc", foreign.display())).await.expect("db");
        sqlx::query("CREATE TABLE kontak (nama TEXT)").execute(&pool).await.expect("table");
        pool.close().await;
    }
    let text = dir.path().join("notes.txt");
    std::fs::write(&text, b"not a database at all, just some text that is long enough").expect("text");
    for path in [&missing, &empty, &foreign, &text] {
        let before = std::fs::read(path).ok();
        let err = SqliteStore::open_read_only(&format!("sqlite://{}", path.display())).await.expect_err("not a store");
        assert_eq!(err.code(), ErrorCode::NotAStore, "{}: {err}", path.display());
        assert!(!err.message_id().is_empty() && err.message_id() != err.message_en());
        assert_eq!(std::fs::read(path).ok(), before, "{} unchanged", path.display());
        let log = PathBuf::from(format!("{}-wal", path.display()));
        assert!(!log.exists(), "no log left beside {}", path.display());
    }
    // The read-write open refuses another program's database too, rather than adding lk3's tables to it.
    let err = SqliteStore::open(&format!("sqlite://{}", foreign.display())).await.expect_err("foreign");
    assert_eq!(err.code(), ErrorCode::NotAStore);
    // An lk3 store read: the file's bytes do not change and no log is left.
    populated(dir.path()).await;
    let db = dir.path().join("lk3.db");
    let before = std::fs::read(&db).expect("bytes");
    let store = SqliteStore::open_read_only(&url(dir.path())).await.expect("open");
    assert!(verify(&store).await.expect("verify").is_ok());
    assert!(store.query_cases(&Default::default()).await.expect("cases").len() >= 4);
    store.close().await;
    assert_eq!(std::fs::read(&db).expect("bytes"), before, "reading changed the file");
    // A reader may not remove SQLite's log beside a store in WAL mode (a
    // writer could be using it); what it leaves holds nothing.
    let log = dir.path().join("lk3.db-wal");
    assert!(std::fs::metadata(&log).map_or(0, |m| m.len()) == 0, "the log a reader leaves is empty");
}

#[tokio::test]
async fn a_store_where_nothing_can_be_made_beside_it_is_still_read() {
    // Read-only media as a test can make it, even as root: the `-shm` index
    // SQLite needs beside a WAL store cannot be created (a directory holds
    // its name). Checked by hand on a read-only bind mount as well.
    let dir = tempfile::tempdir().expect("tempdir");
    populated(dir.path()).await;
    std::fs::create_dir(dir.path().join("lk3.db-shm")).expect("a directory in the way");
    let before = std::fs::read(dir.path().join("lk3.db")).expect("bytes");
    let store = SqliteStore::open_read_only(&url(dir.path())).await.expect("read as it is");
    let report = verify(&store).await.expect("verify");
    assert!(report.is_ok() && report.streams == 4, "{report:?}");
    store.close().await;
    assert_eq!(std::fs::read(dir.path().join("lk3.db")).expect("bytes"), before);
}

/// The byte offset of the row id of the `n`th cell (0-based) on the leaf
/// page at the root of `table`, in a file whose row ids are all below 128.
async fn rowid_byte(db: &Path, table: &str, n: usize) -> usize {
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}?mode=ro", db.display())).await.expect("db");
    let root: i64 = sqlx::query_scalar("SELECT rootpage FROM sqlite_schema WHERE name = ?1")
        .bind(table)
        .fetch_one(&pool)
        .await
        .expect("root");
    let page_size: i64 = sqlx::query_scalar("PRAGMA page_size").fetch_one(&pool).await.expect("size");
    pool.close().await;
    let bytes = std::fs::read(db).expect("bytes");
    let start = usize::try_from((root - 1) * page_size).expect("offset");
    let header = start + if root == 1 { 100 } else { 0 };
    assert_eq!(bytes[header], 0x0d, "{table}'s root is a table leaf");
    let pointer = header + 8 + 2 * n;
    let cell = start + usize::from(u16::from_be_bytes([bytes[pointer], bytes[pointer + 1]]));
    assert!(bytes[cell] < 0x80 && bytes[cell + 1] < 0x80, "one-byte varints");
    cell + 1
}

#[tokio::test]
async fn rows_handed_back_out_of_order_end_a_read_instead_of_going_round() {
    // A flip found by the byte-flip test: the third stream's row id 3
    // becomes 19, so the table's B-tree hands back 1, 2, 19, 4, and a reader
    // paging on "after the last one" (4) is handed 19, 4 again for ever.
    let dir = tempfile::tempdir().expect("tempdir");
    populated(dir.path()).await;
    let db = dir.path().join("lk3.db");
    let at = rowid_byte(&db, "streams", 2).await;
    let mut bytes = std::fs::read(&db).expect("bytes");
    assert_eq!(bytes[at], 3);
    bytes[at] = 19;
    std::fs::write(&db, &bytes).expect("write");
    let store = SqliteStore::open_read_only(&url(dir.path())).await.expect("open");
    let limit = std::time::Duration::from_secs(60);
    let report = tokio::time::timeout(limit, verify(&store)).await.expect("verify ends").expect("a report");
    assert!(!report.is_ok(), "the damage is reported");
    // Paging through the streams by id ends too: every page moves on, or the read fails.
    let mut after = None;
    let mut pages = 0;
    let paged = tokio::time::timeout(limit, async {
        loop {
            let page = store.streams(after, 1).await?;
            let Some(last) = page.last() else { return Ok::<_, lk3_storage::StoreError>(pages) };
            after = Some(last.stream_id);
            pages += 1;
        }
    });
    assert!(paged.await.expect("paging ends").map_or(true, |n| n <= 4));
    store.close().await;
}

#[tokio::test]
async fn a_migration_checksum_kept_as_text_instead_of_bytes_is_found() {
    // A flip found by the byte-flip test (LK3_FLIP_SEED=1796148878, offset 7832): in the record of
    // a migration, the checksum's serial type 108 (48 bytes of blob) became 109 (48 bytes of
    // text). It reads back as the same bytes, yet the record was changed behind lk3's back.
    let dir = tempfile::tempdir().expect("tempdir");
    populated(dir.path()).await;
    let pool = sqlx::SqlitePool::connect(&url(dir.path())).await.expect("db");
    let changed = sqlx::query(
        "UPDATE _sqlx_migrations SET checksum = CAST(checksum AS TEXT) \
         WHERE version = (SELECT MAX(version) FROM _sqlx_migrations)",
    )
    .execute(&pool)
    .await
    .expect("update");
    assert_eq!(changed.rows_affected(), 1);
    let kind: String = sqlx::query_scalar("SELECT typeof(checksum) FROM _sqlx_migrations ORDER BY version DESC")
        .fetch_one(&pool)
        .await
        .expect("type");
    assert_eq!(kind, "text");
    pool.close().await;
    let store = SqliteStore::open_read_only(&url(dir.path())).await.expect("open");
    let report = verify(&store).await.expect("verify");
    store.close().await;
    let found: Vec<_> = report.problems.iter().filter(|p| p.table.as_deref() == Some("_sqlx_migrations")).collect();
    assert_eq!(found.len(), 1, "{report:?}");
    assert!(found[0].message_en.contains("not lk3's"), "{:?}", found[0]);
}

/// A store written by lk3 before schema 2 (`lk3 demo` of that version, with
/// a client, a note and an erasure added as it wrote them).
const SCHEMA_1_STORE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/store-schema-1.db");

#[tokio::test]
async fn a_store_of_schema_1_is_upgraded_by_a_write_and_then_verifies_clean() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::copy(SCHEMA_1_STORE, dir.path().join("lk3.db")).expect("copy");
    let before = std::fs::read(dir.path().join("lk3.db")).expect("bytes");
    // A read does not upgrade it: it says what to do, and changes nothing.
    let err = SqliteStore::open_read_only(&url(dir.path())).await.expect_err("too old to read");
    assert_eq!(err.code(), ErrorCode::SchemaTooOld);
    assert!(err.to_string().contains("lk3 migrate"), "{err}");
    assert_eq!(std::fs::read(dir.path().join("lk3.db")).expect("bytes"), before);
    // Opened for writing, it is brought up to date: fingerprints, case numbers, counts and checks.
    let store = SqliteStore::open(&url(dir.path())).await.expect("upgrade");
    let report = verify(&store).await.expect("verify");
    assert!(report.is_ok(), "{report:#?}");
    assert_eq!((report.streams, report.events), (10, 112));
    for table in rows::CHECKED {
        let unchecked: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM {} WHERE row_check = ''",
            table.name
        )))
        .fetch_one(store.pool())
        .await
        .expect("count");
        assert_eq!(unchecked, 0, "{} rows left without their check", table.name);
    }
    let unit = "64.74".parse().expect("unit");
    let client = "0169b06a-2d80-7000-8000-000000000001".parse().expect("id");
    assert_eq!(store.client(&unit, client).await.expect("read").map(|r| r.name), Some("Klien Contoh".to_owned()));
    let digest = lk3_core::event::Hash::from_hex("2328fb925a8923464a3c1e95173b515e70048a7a4cba454ca3755a713db3faa7")
        .expect("hex");
    let note = store.note(&unit, digest).await.expect("read").expect("the note");
    assert_eq!(note.text.as_deref(), Some("Catatan sesi dari lk3 versi skema 1."));
    // A command stored by schema 1 is now a retry only with the same events.
    let stream = store.streams(None, 1).await.expect("list").remove(0);
    let (_, rows) = store.read_stream(stream.stream_id).await.expect("read").expect("stream");
    assert!(!rows.is_empty());
    store.close().await;
    let reader = SqliteStore::open_read_only(&url(dir.path())).await.expect("now readable");
    assert!(verify(&reader).await.expect("verify").is_ok());
}

/// The first row of a table (by row number, or by key in a table WITHOUT
/// ROWID), as a WHERE clause.
async fn first_row(pool: &sqlx::SqlitePool, table: &str) -> Option<String> {
    let key = row_order(pool, table).await;
    if key == "rowid" {
        return sqlx::query(sqlx::AssertSqlSafe(format!("SELECT rowid FROM {table} ORDER BY rowid LIMIT 1")))
            .fetch_optional(pool)
            .await
            .expect("select")
            .map(|r| format!("rowid = {}", r.get::<i64, _>(0)));
    }
    // Each key column's value as an SQL literal (quote()), to compare it with.
    let names: Vec<&str> = key.split(", ").collect();
    let quoted: Vec<String> = names.iter().map(|k| format!("quote({k})")).collect();
    let text = format!("SELECT {} FROM {table} ORDER BY {key} LIMIT 1", quoted.join(", "));
    let row = sqlx::query(sqlx::AssertSqlSafe(text)).fetch_optional(pool).await.expect("select")?;
    let equal: Vec<String> =
        names.iter().enumerate().map(|(i, k)| format!("{k} = {}", row.get::<String, _>(i))).collect();
    Some(equal.join(" AND "))
}

/// The order of a table's rows: `rowid`, or the primary key's columns of a
/// table WITHOUT ROWID.
async fn row_order(pool: &sqlx::SqlitePool, table: &str) -> String {
    let without_rowid: Option<(String,)> = sqlx::query_as(
        "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?1 AND sql LIKE '%WITHOUT ROWID'",
    )
    .bind(table)
    .fetch_optional(pool)
    .await
    .expect("schema");
    if without_rowid.is_none() {
        return "rowid".to_owned();
    }
    let keys: Vec<(String,)> = sqlx::query_as("SELECT name FROM pragma_table_info(?1) WHERE pk > 0 ORDER BY pk")
        .bind(table)
        .fetch_all(pool)
        .await
        .expect("keys");
    keys.into_iter().map(|(k,)| k).collect::<Vec<_>>().join(", ")
}

/// Changes one column of the first row of a table behind lk3's back and
/// returns whether verify names a problem.
async fn tamper(dir: &Path, pristine: &[u8], table: &str, column: &str, ty: ColumnType) -> Option<usize> {
    std::fs::write(dir.join("lk3.db"), pristine).expect("restore");
    let pool = sqlx::SqlitePool::connect(&url(dir)).await.expect("db");
    let first = first_row(&pool, table).await?;
    let change = match ty {
        ColumnType::Text => format!("{column} = COALESCE({column}, '') || 'x'"),
        ColumnType::Int => format!("{column} = COALESCE({column}, 0) + 1000003"),
        // Other bytes of the same length: what reads as another id or hash.
        _ => format!("{column} = zeroblob(length({column}))"),
    };
    sqlx::query(sqlx::AssertSqlSafe(format!("UPDATE {table} SET {change} WHERE {first}")))
        .execute(&pool)
        .await
        .expect("update");
    pool.close().await;
    let store = SqliteStore::open_read_only(&url(dir)).await.expect("open");
    let report = verify(&store).await.expect("verify");
    store.close().await;
    Some(report.problems.len())
}

#[tokio::test]
async fn every_column_changed_behind_lk3s_back_is_found() {
    let dir = tempfile::tempdir().expect("tempdir");
    populated(dir.path()).await;
    let pristine = std::fs::read(dir.path().join("lk3.db")).expect("bytes");
    let mut tried = 0;
    let derived = rows::DERIVED.iter().map(|t| (t.name, t.columns.to_vec()));
    let checked = rows::CHECKED.iter().map(|t| {
        let mut columns = t.columns.to_vec();
        columns.push(t.check_column());
        (t.name, columns)
    });
    let manifest = std::iter::once(("manifest", vec![rows::MANIFEST_STREAMS]));
    for (table, columns) in derived.chain(checked).chain(manifest) {
        for column in &columns {
            let Some(problems) = tamper(dir.path(), &pristine, table, column.name, column.ty).await else {
                continue;
            };
            assert!(problems > 0, "{table}.{} changed, and verify said nothing", column.name);
            tried += 1;
        }
    }
    assert!(tried > 50, "every table had a row to change ({tried} columns tried)");
}

/// Every row of every table, as text, in row order (sqlx's own bookkeeping
/// of when a migration ran is left out: nothing checks a date of that kind).
async fn dump(db: &Path) -> Result<BTreeMap<String, Vec<String>>, sqlx::Error> {
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}?mode=ro", db.display())).await?;
    let tables: Vec<String> = sqlx::query("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        .fetch_all(&pool)
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let mut out = BTreeMap::new();
    let schema: Vec<String> =
        sqlx::query("SELECT type || name || tbl_name || COALESCE(sql, '') FROM sqlite_schema ORDER BY name")
            .fetch_all(&pool)
            .await?
            .iter()
            .map(|r| r.try_get::<String, _>(0).unwrap_or_default())
            .collect();
    out.insert("sqlite_schema".to_owned(), schema);
    for table in tables {
        let order = row_order(&pool, &table).await;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT * FROM \"{table}\" ORDER BY {order}")))
            .fetch_all(&pool)
            .await?;
        let rendered = rows
            .iter()
            .map(|r| {
                r.columns()
                    .iter()
                    .filter(|c| !(table == "_sqlx_migrations" && matches!(c.name(), "installed_on" | "execution_time")))
                    .map(|c| {
                        let raw = r.try_get_raw(c.ordinal()).expect("raw");
                        if raw.is_null() {
                            return "NULL".to_owned();
                        }
                        match raw.type_info().name() {
                            "INTEGER" => r.try_get::<i64, _>(c.ordinal()).map(|v| v.to_string()).unwrap_or_default(),
                            "TEXT" => r
                                .try_get_unchecked::<Vec<u8>, _>(c.ordinal())
                                .map(|v| format!("{v:?}"))
                                .unwrap_or_default(),
                            other => format!(
                                "{other}:{:?}",
                                r.try_get_unchecked::<Vec<u8>, _>(c.ordinal()).unwrap_or_default()
                            ),
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("|")
            })
            .collect();
        out.insert(table, rendered);
    }
    pool.close().await;
    Ok(out)
}

/// What verify made of a store file with one byte changed.
#[derive(Debug, PartialEq, Eq)]
enum Verdict {
    /// Opening it failed with a typed error (not a store, unreadable).
    Refused,
    /// Verify named problems.
    Reported,
    /// Verify found nothing, and nothing lk3 keeps changed (free space, padding).
    CleanAndUnchanged,
    /// Verify found nothing though something lk3 keeps changed: a miss.
    Missed(String),
}

async fn flipped(
    dir: &Path,
    pristine: &[u8],
    reference: &BTreeMap<String, Vec<String>>,
    offset: usize,
    xor: u8,
) -> Verdict {
    let db = dir.join("lk3.db");
    let mut bytes = pristine.to_vec();
    bytes[offset] ^= xor;
    std::fs::write(&db, &bytes).expect("write");
    if let Ok(keep) = std::env::var("LK3_FLIP_KEEP") {
        // For a look at one flip by hand.
        std::fs::write(keep, &bytes).expect("keep");
    }
    let _ = std::fs::remove_file(dir.join("lk3.db-wal"));
    let _ = std::fs::remove_file(dir.join("lk3.db-shm"));
    let store = match SqliteStore::open_read_only(&url(dir)).await {
        Ok(s) => s,
        Err(_) => return Verdict::Refused,
    };
    let report = verify(&store).await;
    store.close().await;
    match report {
        Err(_) => Verdict::Refused,
        Ok(r) if !r.is_ok() => Verdict::Reported,
        Ok(_) => match dump(&db).await {
            Ok(now) if now == *reference => Verdict::CleanAndUnchanged,
            Ok(now) => {
                let table = now.iter().find(|(k, v)| reference.get(*k) != Some(*v)).map(|(k, _)| k.clone());
                Verdict::Missed(format!("offset {offset} (page {}): {table:?} changed", offset / 4096 + 1))
            }
            Err(e) => Verdict::Missed(format!("offset {offset}: clean, yet the file cannot be read: {e}")),
        },
    }
}

/// Offsets to flip: every `LK3_FLIP_STEP`-th byte (194 unless set; all of
/// them with 1), from a start that moves from run to run (`LK3_FLIP_SEED`
/// sets it, and is printed to replay a run), so that page headers, cell
/// pointers, cell contents and free space are all reached, and over runs
/// every byte. Returns the seed too.
fn offsets(len: usize) -> (Vec<usize>, u64) {
    if let Some(at) = std::env::var("LK3_FLIP_AT").ok().and_then(|v| v.parse().ok()) {
        return (vec![at], 0);
    }
    let step: usize = std::env::var("LK3_FLIP_STEP").ok().and_then(|v| v.parse().ok()).unwrap_or(194).max(1);
    let seed = std::env::var("LK3_FLIP_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
    });
    ((seed as usize % step..len).step_by(step).collect(), seed)
}

/// One flip's verdict, with a minute's limit on what verify may take.
async fn verdict(
    dir: &Path,
    pristine: &[u8],
    reference: &BTreeMap<String, Vec<String>>,
    i: usize,
    offset: usize,
) -> Verdict {
    // A different bit pattern each time, never zero.
    let xor = std::env::var("LK3_FLIP_XOR")
        .ok()
        .and_then(|v| u8::from_str_radix(&v, 16).ok())
        .unwrap_or([0x01, 0x80, 0xff, 0x10, 0x5a][i % 5]);
    let flip = flipped(dir, pristine, reference, offset, xor);
    tokio::time::timeout(std::time::Duration::from_secs(60), flip)
        .await
        .unwrap_or_else(|_| Verdict::Missed(format!("offset {offset}: verify hung")))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_single_byte_flip_is_reported_or_changes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    populated(dir.path()).await;
    let db = dir.path().join("lk3.db");
    let pristine = std::sync::Arc::new(std::fs::read(&db).expect("bytes"));
    let reference = std::sync::Arc::new(dump(&db).await.expect("dump"));
    let (offsets, seed) = offsets(pristine.len());
    // The flips are independent: each worker tries every n-th one in its own directory,
    // so that the test takes the machine's cores, not one of them.
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(1, 4);
    let mut tasks = tokio::task::JoinSet::new();
    for worker in 0..workers {
        let (pristine, reference) = (pristine.clone(), reference.clone());
        let mine: Vec<(usize, usize)> = offsets.iter().copied().enumerate().skip(worker).step_by(workers).collect();
        tasks.spawn(async move {
            let dir = tempfile::tempdir().expect("tempdir");
            let mut verdicts = Vec::with_capacity(mine.len());
            for (i, offset) in mine {
                verdicts.push(verdict(dir.path(), &pristine, &reference, i, offset).await);
            }
            verdicts
        });
    }
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut missed = Vec::new();
    while let Some(verdicts) = tasks.join_next().await {
        for verdict in verdicts.expect("a worker panicked") {
            match verdict {
                Verdict::Refused => *counts.entry("refused").or_default() += 1,
                Verdict::Reported => *counts.entry("reported").or_default() += 1,
                Verdict::CleanAndUnchanged => *counts.entry("clean, nothing changed").or_default() += 1,
                Verdict::Missed(what) => missed.push(what),
            }
        }
    }
    assert_eq!(counts.values().sum::<usize>() + missed.len(), offsets.len(), "every flip has a verdict");
    println!("{} bytes; LK3_FLIP_SEED={seed}; flips: {counts:?}; missed: {}", pristine.len(), missed.len());
    assert!(missed.is_empty(), "flips verify called clean (LK3_FLIP_SEED={seed} replays them): {missed:#?}");
    assert!(counts.get("reported").copied().unwrap_or(0) > 10, "{counts:?}");
}
