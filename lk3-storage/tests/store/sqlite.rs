//! The conformance suite on SQLite files, and what only SQL stores can be
//! asked: a row edited behind lk3's back, a schema from a newer lk3,
//! durability settings.

use crate::conformance;

use std::sync::Arc;

use lk3_core::{ErrorCode, Lk3Error};
use lk3_storage::CaseStore;
use lk3_storage::sqlite::SqliteStore;

/// A fresh store in its own temporary directory (kept alive for the test).
async fn store() -> Option<conformance::Store> {
    let dir = tempfile::tempdir().expect("tempdir").keep();
    let url = format!("sqlite://{}", dir.join("lk3.db").display());
    Some(Arc::new(SqliteStore::open(&url).await.expect("open")))
}

conformance_suite!(store);

async fn store_with_case() -> (SqliteStore, String, Vec<lk3_core::case::CaseEventRecord>) {
    let dir = tempfile::tempdir().expect("tempdir").keep();
    let url = format!("sqlite://{}", dir.join("lk3.db").display());
    let s = SqliteStore::open(&url).await.expect("open");
    let mut w = conformance::world::World::new();
    let (_, events) = w.case_at(lk3_core::vocab::Stage::Intervensi);
    let (batch, _) = lk3_storage::aggregate::encode(&lk3_core::case::Case::default(), &events).expect("encode");
    s.append_batches(&[batch]).await.expect("append");
    (s, url, events)
}

#[tokio::test]
async fn a_row_edited_behind_lk3s_back_is_named_by_verify() {
    let (s, _, events) = store_with_case().await;
    let victim = &events[3];
    let edited = sqlx::query("UPDATE events SET body = replace(body, '\"seq\":4,', '\"seq\":4, ') WHERE seq = 4")
        .execute(s.pool())
        .await
        .expect("edit");
    assert_eq!(edited.rows_affected(), 1);
    // A whitespace change keeps the content (the hash is over content), but
    // it is still a change made outside lk3: named, as that event's.
    let report = lk3_storage::verify::verify(&s).await.expect("verify");
    let named: Vec<_> = report.problems.iter().map(|p| (p.seq, p.code.as_str())).collect();
    assert_eq!(named, vec![(Some(4), "LK3-E086")], "{report:?}");
    let body = victim.canonical_text().expect("json");
    let forged = body.replace(&victim.occurred_at.format("%Y-%m-%dT%H:%M").to_string(), "2019-12-31T23:59");
    assert_ne!(forged, body);
    sqlx::query("UPDATE events SET body = ?1 WHERE seq = 4").bind(&forged).execute(s.pool()).await.expect("edit");
    let report = lk3_storage::verify::verify(&s).await.expect("verify");
    // The content no longer matches its hash, and the row's time column no longer matches the body.
    let mut codes: Vec<_> = report.problems.iter().map(|p| p.code.as_str()).collect();
    codes.sort();
    assert_eq!(codes, ["LK3-E051", "LK3-E086"], "{report:?}");
    for p in &report.problems {
        assert_eq!((p.seq, p.event_id), (Some(4), Some(*victim.event_id.as_uuid())));
        let (stream, event) = (victim.stream_id.to_string(), victim.event_id.to_string());
        assert!(p.message_en.contains(&stream) || p.message_en.contains(&event), "{p:?}");
    }
    // Loading the case refuses it too, with the same code.
    use lk3_storage::CaseStoreExt;
    let err = s.load::<lk3_core::case::Case>(victim.stream_id).await.expect_err("must fail");
    assert_eq!(err.code(), ErrorCode::HashMismatch);
}

#[tokio::test]
async fn a_partner_changed_in_the_file_is_found_and_not_read() {
    use lk3_storage::CaseStoreExt;
    let (s, url, _) = store_with_case().await;
    let mut jejaring = lk3_core::partner::PartnerDirectory::new();
    let at = chrono::DateTime::from_timestamp(1_554_685_200, 0).expect("time");
    let partner = lk3_core::partner::Partner {
        partner_id: lk3_core::ids::PartnerId::new_v7(at, lk3_core::ids::IdSeed::new([5; 10])),
        unit: "64.74".parse().expect("unit"),
        name: "UPTD PPA Kota Bontang".into(),
        kind: lk3_core::partner::PartnerKind::UptdPpa,
        services: vec![lk3_core::partner::PartnerService {
            service_id: "pendampingan".into(),
            name: "Pendampingan korban".into(),
            status: lk3_core::partner::PartnerServiceStatus::Aktif,
        }],
        locations: vec![lk3_core::partner::PartnerLocation {
            location_id: "kantor".into(),
            kode_wilayah: None,
            address: None,
            kind: lk3_core::partner::PartnerLocationKind::Fisik,
        }],
        accepts_referrals: true,
        emergency_line: true,
        capacity: None,
    };
    jejaring.insert(partner.clone()).expect("valid");
    s.import_partners(jejaring.iter().cloned().collect()).await.expect("imported");
    assert!(lk3_storage::verify::verify(&s).await.expect("verify").is_ok());
    // Renamed behind lk3's back: the row's check names it.
    sqlx::query("UPDATE partners SET record = replace(record, 'Bontang', 'Samarinda')")
        .execute(s.pool())
        .await
        .expect("edit");
    let report = lk3_storage::verify::verify(&s).await.expect("verify");
    let codes: Vec<_> = report.problems.iter().map(|p| p.code.as_str()).collect();
    assert_eq!(codes, ["LK3-E086"], "{report:?}");
    // A row slipped in without its check is not given one when the store is
    // opened for writing: lk3 never wrote a partner without one.
    let mut forged = partner.clone();
    forged.partner_id = lk3_core::ids::PartnerId::new_v7(at, lk3_core::ids::IdSeed::new([6; 10]));
    sqlx::query("INSERT INTO partners (unit, partner_id, record, row_check) VALUES (?1, ?2, ?3, '')")
        .bind(forged.unit.to_string())
        .bind(forged.partner_id.to_string())
        .bind(serde_json::to_string(&forged).expect("json"))
        .execute(s.pool())
        .await
        .expect("insert");
    let reopened = SqliteStore::open(&url).await.expect("reopen");
    let report = lk3_storage::verify::verify(&reopened).await.expect("verify");
    let codes: Vec<_> = report.problems.iter().map(|p| p.code.as_str()).collect();
    assert_eq!(codes, ["LK3-E086", "LK3-E086"], "{report:?}");
    // A record that no longer reads as a partner, or whose key columns are
    // not its own, is refused when read.
    sqlx::query("UPDATE partners SET unit = '64.72'").execute(s.pool()).await.expect("edit");
    let e = s.partners(None).await.expect_err("not its row");
    assert_eq!(e.code(), ErrorCode::CorruptRow);
}

#[tokio::test]
async fn a_removed_last_event_and_an_edited_projection_are_found() {
    let (s, _, events) = store_with_case().await;
    let last = events.len() as i64;
    sqlx::query("DELETE FROM events WHERE seq = ?1").bind(last).execute(s.pool()).await.expect("delete");
    sqlx::query("UPDATE cases SET summary = replace(summary, '\"intervensi\"', '\"ditutup\"')")
        .execute(s.pool())
        .await
        .expect("edit");
    let report = lk3_storage::verify::verify(&s).await.expect("verify");
    let codes: Vec<_> = report.problems.iter().map(|p| p.code.as_str()).collect();
    assert!(codes.contains(&"LK3-E087"), "{codes:?}");
    assert!(codes.contains(&"LK3-E088"), "{codes:?}");
}

#[tokio::test]
async fn a_store_from_a_newer_lk3_is_refused() {
    let (s, url, _) = store_with_case().await;
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (999, 'from the future', TRUE, X'00', 0)",
    )
    .execute(s.pool())
    .await
    .expect("insert");
    s.close().await;
    let err = SqliteStore::open(&url).await.expect_err("must fail");
    assert_eq!(err.code(), ErrorCode::SchemaTooNew);
    assert!(err.message_id().contains("perbarui"));
}

#[tokio::test]
async fn a_bad_url_or_an_unwritable_path_is_a_typed_error() {
    let err = lk3_storage::open("sqlite:///proc/nope/lk3.db").await.err().expect("fails");
    assert_eq!(err.code(), ErrorCode::StoreUnavailable);
    let err = lk3_storage::open("postgres://user:secret@127.0.0.1:1/x").await.err().expect("fails");
    assert_eq!(err.code(), ErrorCode::StoreUnavailable);
    assert!(!err.to_string().contains("secret"), "{err}");
}

#[tokio::test]
async fn the_default_store_is_durable_wal() {
    let (s, _, _) = store_with_case().await;
    let mode: String =
        sqlx::Row::get(&sqlx::query("PRAGMA journal_mode").fetch_one(s.pool()).await.expect("pragma"), 0);
    let sync: i64 = sqlx::Row::get(&sqlx::query("PRAGMA synchronous").fetch_one(s.pool()).await.expect("pragma"), 0);
    assert_eq!((mode.as_str(), sync), ("wal", 2), "WAL with synchronous = FULL");
}

#[tokio::test]
async fn a_seal_or_a_trusted_key_changed_in_the_file_is_found() {
    let dir = tempfile::tempdir().expect("tempdir").keep();
    let s = SqliteStore::open(&format!("sqlite://{}", dir.join("lk3.db").display())).await.expect("open");
    let mut w = conformance::world::World::new();
    let (case, events) = w.case_at(lk3_core::vocab::Stage::Intervensi);
    let unit = *case.unit().expect("unit");
    let key = lk3_core::seal::SigningKey::from_secret(&[21; 32], unit);
    let trusted = lk3_core::seal::TrustedKey::new(unit, key.public_key(), None);
    s.set_signer(Some(key));
    let (batch, _) = lk3_storage::aggregate::encode(&lk3_core::case::Case::default(), &events).expect("encode");
    s.append_batches(&[batch]).await.expect("append");
    lk3_storage::trust::trust_key(&s, trusted).await.expect("trust");
    assert!(lk3_storage::verify::verify(&s).await.expect("verify").is_ok());
    // One bit of the signature (stored as its 64 bytes) changed: the seal no longer verifies.
    let signature: Vec<u8> = sqlx::query_scalar("SELECT signature FROM seals").fetch_one(s.pool()).await.expect("read");
    assert_eq!(signature.len(), 64);
    let mut flipped = signature.clone();
    flipped[0] ^= 1;
    sqlx::query("UPDATE seals SET signature = ?1").bind(&flipped).execute(s.pool()).await.expect("edit");
    let report = lk3_storage::verify::verify(&s).await.expect("verify");
    let named: Vec<_> = report.problems.iter().map(|p| (p.seq, p.code.as_str())).collect();
    let last = events.len() as u64;
    assert_eq!(named, vec![(Some(last), "LK3-E042"), (Some(last), "LK3-E040")], "{report:?}");
    sqlx::query("UPDATE seals SET signature = ?1").bind(&signature).execute(s.pool()).await.expect("restore");
    // The trusted key swapped for another behind lk3's back: the row's check
    // finds it, and the seal no longer verifies.
    let other =
        lk3_core::seal::SigningKey::from_secret(&[22; 32], lk3_core::ids::UnitCode::parse("64.74").expect("unit"));
    sqlx::query("UPDATE trusted_keys SET public_key = ?1")
        .bind(other.public_key().to_string())
        .execute(s.pool())
        .await
        .expect("edit");
    let report = lk3_storage::verify::verify(&s).await.expect("verify");
    let codes: Vec<_> = report.problems.iter().map(|p| p.code.as_str()).collect();
    assert!(codes.contains(&"LK3-E046"), "the key row does not read as a trusted key: {codes:?}");
    assert!(codes.contains(&"LK3-E086"), "its row check: {codes:?}");
    assert!(!report.seals_checked);
}

#[tokio::test]
async fn a_store_of_schema_3_is_brought_to_the_current_schema_with_the_rows_verify_expects() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}", dir.path().join("lk3.db").display());
    let store: conformance::Store = Arc::new(SqliteStore::open(&url).await.expect("open"));
    conformance::a_store_of_schema_3_upgrades(store, || async {
        // What migrations 4 to 14 added goes, and so do their records.
        let pool = sqlx::SqlitePool::connect(&url).await.expect("connect");
        sqlx::raw_sql(
            "DROP TABLE access_log; DROP TABLE attachments; ALTER TABLE notes DROP COLUMN sensitivity; \
             DROP TABLE client_merges; DROP INDEX cases_by_holder; ALTER TABLE cases DROP COLUMN holder; DROP TABLE case_transfers; \
             DROP INDEX cases_by_activity; CREATE INDEX cases_by_opened ON cases (unit, opened_at); \
             ALTER TABLE cases DROP COLUMN last_at; ALTER TABLE outreaches DROP COLUMN last_at; \
             DROP TABLE case_clients; DROP TABLE partners; DROP TABLE summary_refresh; DROP TABLE body_rewrite; DELETE FROM _sqlx_migrations WHERE version >= 4",
        )
        .execute(&pool)
        .await
        .expect("rewind");
        back_to_schema_12(&pool).await;
        // Schema 12 rebuilt the commands table: back to the table migrations 1 and 2 made.
        let first = include_str!("../../migrations/sqlite/0001_init.sql");
        let made = &first[first.find("CREATE TABLE commands").expect("0001")..];
        let made = &made[..=made.find(");").expect("its end") + 1];
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "ALTER TABLE commands RENAME TO commands_12; {made} \
             ALTER TABLE commands ADD COLUMN fingerprint TEXT NOT NULL DEFAULT ''; \
             ALTER TABLE commands ADD COLUMN row_check TEXT NOT NULL DEFAULT ''; \
             CREATE UNIQUE INDEX commands_by_id ON commands (command_id); \
             INSERT INTO commands SELECT * FROM commands_12; DROP TABLE commands_12;"
        )))
        .execute(&pool)
        .await
        .expect("rewind");
        let stored: Vec<(String, String)> =
            sqlx::query_as("SELECT case_id, summary FROM cases").fetch_all(&pool).await.expect("summaries");
        for (case_id, summary) in conformance::summaries_of_schema_10(&stored) {
            sqlx::query("UPDATE cases SET summary = ?1 WHERE case_id = ?2")
                .bind(summary)
                .bind(case_id)
                .execute(&pool)
                .await
                .expect("summary of schema 10");
        }
        let stored: Vec<(String, String, i64, String, String)> =
            sqlx::query_as("SELECT unit, stream_id, seq, hash, body FROM events").fetch_all(&pool).await.expect("events");
        for (unit, stream_id, seq, body) in conformance::bodies_of_schema_11(&stored) {
            sqlx::query("UPDATE events SET body = ?1 WHERE unit = ?2 AND stream_id = ?3 AND seq = ?4")
                .bind(body)
                .bind(unit)
                .bind(stream_id)
                .bind(seq)
                .execute(&pool)
                .await
                .expect("body of schema 11");
        }
        pool.close().await;
        Arc::new(SqliteStore::open(&url).await.expect("upgrade")) as conformance::Store
    })
    .await;
}

/// The upgrade to schema 11 writes only the summaries schema 10 wrote for
/// the events, page after page: one changed outside lk3 before it stays as
/// it is, and so does the summary of a case whose event no longer reads,
/// for verify to name; the open still succeeds. Until the refresh is done (a
/// crash may come between the migration and it), a read-only open refuses
/// the store.
#[tokio::test]
async fn the_upgrade_to_schema_11_refreshes_summaries_but_leaves_a_forged_one_for_verify() {
    use lk3_core::case::Case;
    use lk3_core::vocab::Stage;
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}", dir.path().join("lk3.db").display());
    let s = SqliteStore::open(&url).await.expect("open");
    let mut w = conformance::world::World::new();
    // More cases than one page of the refresh reads.
    let stages = [Stage::Intervensi, Stage::Asesmen, Stage::Kontak].into_iter().chain([Stage::Kontak; 520]);
    let mut batches = Vec::new();
    for stage in stages {
        let (_, events) = w.case_at(stage);
        batches.push(lk3_storage::aggregate::encode(&Case::default(), &events).expect("encode").0);
    }
    s.append_batches(&batches).await.expect("append");
    let (forged, unreadable) = (batches[1].stream_id.to_string(), batches[2].stream_id.to_string());
    let summaries = "SELECT case_id, summary FROM cases ORDER BY case_id";
    let current: Vec<(String, String)> = sqlx::query_as(summaries).fetch_all(s.pool()).await.expect("summaries");
    let mut old = conformance::summaries_of_schema_10(&current);
    let at = old.iter().position(|(id, _)| *id == forged).expect("the forged case");
    assert!(old[at].1.contains("\"stage\":\"asesmen\""), "{}", old[at].1);
    old[at].1 = old[at].1.replace("\"stage\":\"asesmen\"", "\"stage\":\"ditutup\"");
    for (case_id, summary) in &old {
        sqlx::query("UPDATE cases SET summary = ?1 WHERE case_id = ?2")
            .bind(summary)
            .bind(case_id)
            .execute(s.pool())
            .await
            .expect("rewind");
    }
    sqlx::query("UPDATE events SET event_id = 'not an id' WHERE stream_id = unhex(replace(?1, '-', '')) AND seq = 1")
        .bind(&unreadable)
        .execute(s.pool())
        .await
        .expect("damage");
    sqlx::query("INSERT INTO summary_refresh (reason) VALUES ('schema 11')").execute(s.pool()).await.expect("mark");
    s.close().await;

    let err = SqliteStore::open_read_only(&url).await.expect_err("an unfinished upgrade");
    assert_eq!(err.code(), ErrorCode::SchemaTooOld);
    let s = SqliteStore::open(&url).await.expect("upgrade");
    let after: Vec<(String, String)> = sqlx::query_as(summaries).fetch_all(s.pool()).await.expect("summaries");
    for ((now, refreshed), left) in after.iter().zip(&current).zip(&old) {
        match &now.0 {
            id if *id == forged || *id == unreadable => assert_eq!(now, left, "left as it was"),
            _ => assert_eq!(now, refreshed, "refreshed whole"),
        }
    }
    let report = lk3_storage::verify::verify(&s).await.expect("verify");
    let mut named: Vec<String> = report.problems.iter().filter_map(|p| p.stream_id.map(|id| id.to_string())).collect();
    named.sort();
    named.dedup();
    assert_eq!(named.len(), 2, "{report:#?}");
    assert!(named.contains(&forged) && named.contains(&unreadable), "{report:#?}");
    let on_forged: Vec<_> =
        report.problems.iter().filter(|p| p.stream_id.map(|id| id.to_string()) == Some(forged.clone())).collect();
    assert!(on_forged.iter().all(|p| p.code == "LK3-E088") && !on_forged.is_empty(), "{report:#?}");
    s.close().await;
    assert!(SqliteStore::open_read_only(&url).await.is_ok(), "the upgrade is finished");
}

/// The upgrade to schema 12 rewrites each body schema 11 wrote as the
/// canonical JSON its hash is over, except one whose content the hash is not
/// over (changed outside lk3 before the upgrade): that one stays as it was,
/// for verify to name, and the open still succeeds. Until the rewrite is
/// done, a read-only open refuses the store.
#[tokio::test]
async fn the_upgrade_to_schema_12_rewrites_bodies_but_leaves_a_forged_one_for_verify() {
    use lk3_core::case::Case;
    use lk3_core::vocab::Stage;
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}", dir.path().join("lk3.db").display());
    let s = SqliteStore::open(&url).await.expect("open");
    let mut w = conformance::world::World::new();
    let mut batches = Vec::new();
    // More events than one page of the rewrite reads.
    for _ in 0..800 {
        let (_, events) = w.case_at(Stage::Asesmen);
        batches.push(lk3_storage::aggregate::encode(&Case::default(), &events).expect("encode").0);
    }
    s.append_batches(&batches).await.expect("append");
    let rows = format!(
        "SELECT unit, {}, seq, lower(hex(hash)), body FROM events ORDER BY unit, stream_id, seq",
        uuid_text("stream_id")
    );
    let rows = || sqlx::AssertSqlSafe(rows.as_str());
    let current: Vec<(String, String, i64, String, String)> =
        sqlx::query_as(rows()).fetch_all(s.pool()).await.expect("events");
    assert!(current.len() > 5_000, "{} events", current.len());
    let forged = batches[1].stream_id.to_string();
    for (unit, stream_id, seq, mut body) in conformance::bodies_of_schema_11(&current) {
        if stream_id == forged && seq == 2 {
            body = body.replacen("\"occurred_at\":\"20", "\"occurred_at\":\"19", 1);
        }
        sqlx::query(
            "UPDATE events SET body = ?1 WHERE unit = ?2 AND stream_id = unhex(replace(?3, '-', '')) AND seq = ?4",
        )
        .bind(body)
        .bind(unit)
        .bind(stream_id)
        .bind(seq)
        .execute(s.pool())
        .await
        .expect("rewind");
    }
    sqlx::query("INSERT INTO body_rewrite (reason) VALUES ('schema 12')").execute(s.pool()).await.expect("mark");
    // Whole events read as they did before the rewrite.
    use lk3_storage::CaseStoreExt;
    s.load::<Case>(batches[0].stream_id).await.expect("a body of schema 11 reads");
    s.close().await;

    let err = SqliteStore::open_read_only(&url).await.expect_err("an unfinished upgrade");
    assert_eq!(err.code(), ErrorCode::SchemaTooOld);
    let s = SqliteStore::open(&url).await.expect("upgrade");
    let after: Vec<(String, String, i64, String, String)> =
        sqlx::query_as(rows()).fetch_all(s.pool()).await.expect("events");
    let mut left = 0;
    for (now, was) in after.iter().zip(&current) {
        if now.1 == forged && now.2 == 2 {
            assert!(lk3_storage::body::is_whole_event(&now.4), "left as it was: {}", now.4);
            left += 1;
        } else {
            assert_eq!(now, was, "rewritten as the canonical JSON");
        }
    }
    assert_eq!((left, after.len()), (1, current.len()));
    let report = lk3_storage::verify::verify(&s).await.expect("verify");
    assert!(!report.problems.is_empty(), "{report:#?}");
    for p in &report.problems {
        assert_eq!((p.stream_id.map(|id| id.to_string()), p.seq), (Some(forged.clone()), Some(2)), "{report:#?}");
    }
    s.close().await;
    assert!(SqliteStore::open_read_only(&url).await.is_ok(), "the upgrade is finished");
}

/// A merge of registry records is an audited row: pointed at another record
/// behind lk3's back, `verify` names it by its check.
#[tokio::test]
async fn a_client_merge_redirected_in_the_file_is_found() {
    use lk3_core::ids::{ClientId, IdSeed, StaffId};
    use lk3_core::schema::{ClientMerge, ClientRecord, MergeReason};
    let (s, _, _) = store_with_case().await;
    let at = chrono::DateTime::from_timestamp(1_554_685_200, 0).expect("time");
    let unit: lk3_core::ids::UnitCode = "64.74".parse().expect("unit");
    let record = |n: u8| ClientRecord {
        client_id: ClientId::new_v7(at, IdSeed::new([n; 10])),
        unit,
        name: "Ibu Contoh".to_owned(),
        nik: None,
        no_kk: None,
        sex: None,
        birth_date: None,
        domicile: None,
    };
    for n in [1, 2, 3] {
        s.put_client(&record(n)).await.expect("registry");
    }
    let merge = ClientMerge {
        unit,
        merged: record(2).client_id,
        into: record(1).client_id,
        at,
        by: StaffId::new_v7(at, IdSeed::new([9; 10])),
        reason: MergeReason::DokumenDiperiksa,
    };
    s.merge_clients(&merge).await.expect("merged");
    assert!(lk3_storage::verify::verify(&s).await.expect("verify").is_ok());
    sqlx::query("UPDATE client_merges SET into_id = ?1")
        .bind(record(3).client_id.to_string())
        .execute(s.pool())
        .await
        .expect("edit");
    let report = lk3_storage::verify::verify(&s).await.expect("verify");
    let codes: Vec<_> = report.problems.iter().map(|p| p.code.as_str()).collect();
    assert_eq!(codes, ["LK3-E086"], "{report:?}");
}

/// A note written before schema 8 has no sensitivity: opened for writing,
/// the store makes it `rahasia` with its check again where the old check
/// held; a note changed behind lk3's back, or one stripped of its check as if
/// older than schema 2, stays without one, unread, named by verify.
#[tokio::test]
async fn a_note_of_schema_7_becomes_rahasia_only_where_its_check_held() {
    use lk3_storage::personal::NewNote;
    use lk3_storage::rows::{self, Value};
    let (s, url, events) = store_with_case().await;
    let unit: lk3_core::ids::UnitCode = "64.74".parse().expect("unit");
    let case_id = lk3_core::ids::CaseId::from_uuid(events[0].stream_id);
    let note = |text: &str| NewNote {
        unit,
        case_id: Some(case_id),
        subjects: vec![],
        sensitivity: lk3_core::vocab::Sensitivity::Biasa,
        text: text.into(),
    };
    let kept = s.put_note(&note("Catatan lama.")).await.expect("note");
    let edited = s.put_note(&note("Catatan lain.")).await.expect("note");
    let unchecked = s.put_note(&note("Catatan ketiga.")).await.expect("note");
    // Back to schema 7's form: no sensitivity, each row checked over the seven columns.
    use sqlx::Row;
    let columns = rows::NOTES.columns[..rows::NOTES_BEFORE_SENSITIVITY].iter().map(|c| c.name).collect::<Vec<_>>();
    assert_eq!(columns.join(", "), "unit, digest, case_id, subjects, salt, text, erased_at");
    for digest in [kept, edited] {
        let row =
            sqlx::query("SELECT unit, digest, case_id, subjects, salt, text, erased_at FROM notes WHERE digest = ?1")
                .bind(digest.to_string())
                .fetch_one(s.pool())
                .await
                .expect("row");
        let values: Vec<Value> = (0..columns.len())
            .map(|i| match row.try_get::<Option<String>, _>(i) {
                Ok(Some(t)) => Value::Text(t),
                Ok(None) => Value::Null,
                Err(_) => row.try_get::<Option<i64>, _>(i).expect("int").map_or(Value::Null, Value::Int),
            })
            .collect();
        sqlx::query("UPDATE notes SET sensitivity = NULL, row_check = ?1 WHERE digest = ?2")
            .bind(rows::row_check(&values))
            .bind(digest.to_string())
            .execute(s.pool())
            .await
            .expect("rewind");
    }
    sqlx::query("UPDATE notes SET text = 'Diubah.' WHERE digest = ?1")
        .bind(edited.to_string())
        .execute(s.pool())
        .await
        .expect("edit");
    sqlx::query("UPDATE notes SET sensitivity = NULL, row_check = '' WHERE digest = ?1")
        .bind(unchecked.to_string())
        .execute(s.pool())
        .await
        .expect("strip");
    s.close().await;
    let s = SqliteStore::open(&url).await.expect("reopen");
    let read = s.note(&unit, kept).await.expect("read").expect("note");
    assert_eq!(
        (read.sensitivity, read.text.as_deref()),
        (lk3_core::vocab::Sensitivity::Rahasia, Some("Catatan lama."))
    );
    for digest in [edited, unchecked] {
        let e = s.note(&unit, digest).await.expect_err("no sensitivity given");
        assert_eq!(e.code(), ErrorCode::CorruptRow);
    }
    let report = lk3_storage::verify::verify(&s).await.expect("verify");
    let named: Vec<_> = report.problems.iter().map(|p| (p.table.as_deref(), p.code.as_str())).collect();
    assert!(named.contains(&(Some("notes"), "LK3-E086")), "{named:?}");
    assert!(report.problems.iter().all(|p| !p.message_en.contains(&kept.to_string())), "{report:?}");
}

/// The access log only grows: the file refuses an update or a delete, and
/// an entry changed once its guards are dropped is found by verify.
#[tokio::test]
async fn the_access_log_is_append_only_and_an_edited_entry_is_found() {
    use lk3_core::access::AccessRequest;
    use lk3_core::vocab::{AccessPurpose, Role};
    use lk3_storage::CaseStoreExt;
    let (s, _, _) = store_with_case().await;
    let mut w = conformance::world::World::new();
    let unit: lk3_core::ids::UnitCode = "64.74".parse().expect("unit");
    s.put_client(&lk3_core::schema::ClientRecord {
        client_id: w.adult,
        unit,
        name: "Ibu Contoh".into(),
        nik: None,
        no_kk: None,
        sex: None,
        birth_date: None,
        domicile: None,
    })
    .await
    .expect("put");
    let actor = w.actor(Role::PekerjaSosial, false).of_unit(unit);
    for purpose in [Some(AccessPurpose::PenangananKasus), None, Some(AccessPurpose::Rujukan)] {
        let _ = s.read_client(&unit, w.adult, &AccessRequest { actor, purpose, at: w.now }).await;
    }
    w.now += chrono::Duration::hours(1);
    assert_eq!(s.access_log(&unit, None).await.expect("log").len(), 3);
    for statement in ["UPDATE access_log SET entry = entry", "DELETE FROM access_log WHERE seq = 2"] {
        let e = sqlx::query(statement).execute(s.pool()).await.expect_err("append-only");
        assert!(e.to_string().contains("append-only"), "{e}");
    }
    assert!(lk3_storage::verify::verify(&s).await.expect("verify").is_ok());
    sqlx::raw_sql(
        "DROP TRIGGER access_log_no_update; \
         UPDATE access_log SET entry = replace(entry, 'penanganan_kasus', 'audit') WHERE seq = 1",
    )
    .execute(s.pool())
    .await
    .expect("edit");
    let report = lk3_storage::verify::verify(&s).await.expect("verify");
    let named: Vec<_> = report.problems.iter().map(|p| (p.table.as_deref(), p.code.as_str())).collect();
    assert_eq!(named, [(Some("access_log"), "LK3-E153")], "{report:?}");
}

/// A note's sensitivity lowered in the file is not how it is read: the
/// sensitivity its event recorded stands.
#[tokio::test]
async fn a_sensitivity_lowered_in_the_file_does_not_open_a_note() {
    use lk3_core::access::AccessRequest;
    use lk3_core::case::{CaseCommand, CaseNote};
    use lk3_core::vocab::{AccessPurpose, Role, Sensitivity};
    use lk3_storage::CaseStoreExt;
    use lk3_storage::personal::NewNote;
    let (s, _, events) = store_with_case().await;
    let mut w = conformance::world::World::new();
    let unit: lk3_core::ids::UnitCode = "64.74".parse().expect("unit");
    let case_id = lk3_core::ids::CaseId::from_uuid(events[0].stream_id);
    let new = NewNote {
        unit,
        case_id: Some(case_id),
        subjects: vec![w.adult],
        sensitivity: Sensitivity::SangatRahasia,
        text: "Rumah aman di ...".into(),
    };
    let digest = s.put_note(&new).await.expect("note");
    let peksos = w.actor(Role::PekerjaSosial, false).of_unit(unit);
    let mut ctx = w.ctx(peksos);
    ctx.at = events.last().expect("events").occurred_at + chrono::Duration::hours(1);
    let add = CaseCommand::AddNote {
        note: CaseNote { about: vec![w.adult], note: digest, sensitivity: Sensitivity::SangatRahasia },
    };
    s.execute_case(case_id, &add, &ctx).await.expect("kept");
    sqlx::query("UPDATE notes SET sensitivity = 'biasa'").execute(s.pool()).await.expect("lowered");
    let relawan = w.actor(Role::Relawan, false).of_unit(unit);
    for (actor, purpose) in
        [(relawan, None), (w.actor(Role::PekerjaSosial, true).of_unit(unit), Some(AccessPurpose::Audit))]
    {
        let e =
            s.read_note(&unit, digest, &AccessRequest { actor, purpose, at: ctx.at }).await.expect_err("still secret");
        assert!(matches!(e.code(), ErrorCode::AccessNotAllowed | ErrorCode::AccessPurposeRequired), "{e}");
    }
    let report = lk3_storage::verify::verify(&s).await.expect("verify");
    assert!(report.problems.iter().any(|p| p.table.as_deref() == Some("notes")), "{report:?}");
}

/// An import of many streams that meets a unique key its checks did not
/// foresee (here a case row left without its stream, behind lk3's back; on
/// PostgreSQL, a case number another writer took meanwhile) is written again
/// one by one, in a new transaction, as a single document would be.
#[tokio::test]
async fn an_import_that_meets_an_unforeseen_row_is_written_one_by_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}", dir.path().join("lk3.db").display());
    let s = SqliteStore::open(&url).await.expect("open");
    let mut w = conformance::world::World::new();
    let case = lk3_core::case::Case::default();
    let batches: Vec<_> = [lk3_core::vocab::Stage::Registrasi, lk3_core::vocab::Stage::Asesmen]
        .into_iter()
        .map(|stage| lk3_storage::aggregate::encode(&case, &w.case_at(stage).1).expect("encode").0)
        .collect();
    // The second case's row, with no stream: the many-row insert of cases meets it.
    let id = batches[1].stream_id.to_string();
    sqlx::query(
        "INSERT INTO cases (unit, case_id, stage, opened_at, summary, last_at, holder) \
         VALUES ('64.74', ?1, 'kontak', 0, '{}', 0, '64.74')",
    )
    .bind(&id)
    .execute(s.pool())
    .await
    .expect("orphan row");
    let report = lk3_storage::document::import_documents(&s, &batches).await.expect("written one by one");
    assert_eq!(report.imported, 2);
    for b in &batches {
        let loaded = s.read_stream(b.stream_id).await.expect("read").expect("there");
        assert_eq!(loaded.1, b.events);
        assert_eq!(s.projection(b.stream_id).await.expect("read").as_ref(), Some(&b.projection));
    }
    assert!(lk3_storage::verify::verify(&s).await.expect("verify").is_ok());
}

/// A store holds one connection for its writes between them; `close` closes
/// it with the pool: the last connection to go checkpoints the log into the
/// file and removes it, and the file is whole for whoever opens it next.
#[tokio::test]
async fn closing_a_store_closes_its_writer_too() {
    let (s, url, events) = store_with_case().await;
    let path = url.trim_start_matches("sqlite://").to_owned();
    let log = format!("{path}-wal");
    assert!(std::path::Path::new(&log).exists(), "a store at work keeps its log");
    s.close().await;
    assert!(!std::path::Path::new(&log).exists(), "a connection stayed open after close");
    let again = SqliteStore::open_read_only(&url).await.expect("reopen");
    let case_id = lk3_core::ids::CaseId::from_uuid(events[0].stream_id);
    let loaded = lk3_storage::CaseStoreExt::load_case(&again, case_id).await.expect("load");
    assert_eq!(loaded.events, events);
}

/// A write dropped part way leaves its connection to be closed by the next
/// write or by `close`, which waits for it: after `close` no connection
/// is left (the log is gone), and a write on the closed store is refused
/// rather than opening one.
#[tokio::test]
async fn close_after_a_write_dropped_part_way_leaves_no_connection_open() {
    use std::future::Future;
    use std::task::Poll;
    let mut dropped_part_way = 0;
    for polls in 1..6 {
        let (s, url, events) = store_with_case().await;
        let mut w = conformance::world::World::new();
        let (_, other) = w.case_at(lk3_core::vocab::Stage::Registrasi);
        // The first command of another case: an append takes one command's events.
        let (empty, first) = (lk3_core::case::Case::default(), &other[..1]);
        {
            let mut write = std::pin::pin!(lk3_storage::CaseStoreExt::append(&s, &empty, first));
            let mut pending = true;
            for _ in 0..polls {
                pending = !std::future::poll_fn(|cx| Poll::Ready(write.as_mut().poll(cx).is_ready())).await;
                if !pending {
                    break;
                }
                tokio::task::yield_now().await;
            }
            dropped_part_way += usize::from(pending);
        }
        s.close().await;
        let log = format!("{}-wal", url.trim_start_matches("sqlite://"));
        assert!(!std::path::Path::new(&log).exists(), "a connection stayed open after close ({polls} polls)");
        let refused =
            lk3_storage::CaseStoreExt::append(&s, &empty, first).await.expect_err("a closed store writes nothing");
        assert_eq!(refused.code(), ErrorCode::StoreUnavailable, "{refused}");
        let again = SqliteStore::open_read_only(&url).await.expect("reopen");
        let case_id = lk3_core::ids::CaseId::from_uuid(events[0].stream_id);
        let loaded = lk3_storage::CaseStoreExt::load_case(&again, case_id).await.expect("load");
        assert_eq!(loaded.events, events, "the store is whole");
    }
    assert!(dropped_part_way > 0, "no write was dropped part way: the test tested nothing");
}

/// The conformance test of dropped writes on a store whose appends all go
/// through sqlx's connection thread (in memory: no file for a second
/// connection), where a write is pending between statements.
#[tokio::test]
async fn a_write_dropped_part_way_through_sqlx_writes_all_or_nothing() {
    let store: conformance::Store = Arc::new(SqliteStore::open("sqlite::memory:").await.expect("open"));
    let dropped = conformance::writes_dropped_part_way(store).await;
    assert!(dropped > 0, "no write was dropped part way: the test tested nothing");
}

/// A store in memory keeps its data when the pool's connection to it is
/// closed (as sqlx closes one after a write dropped part way, or one idle
/// too long): the database lives while the store does, and goes when it is
/// closed.
#[tokio::test]
async fn a_store_in_memory_outlives_its_pools_connections() {
    let store = SqliteStore::open("sqlite::memory:").await.expect("open");
    let mut w = conformance::world::World::new();
    let (_, events) = w.case_at(lk3_core::vocab::Stage::Intervensi);
    let (batch, _) = lk3_storage::aggregate::encode(&lk3_core::case::Case::default(), &events).expect("encode");
    store.append_batches(&[batch]).await.expect("append");
    let stream_id = events[0].stream_id;
    for _ in 0..3 {
        store.pool().acquire().await.expect("the pool's connection").close().await.expect("closed");
        let (_, stored) = store.read_stream(stream_id).await.expect("read").expect("the case is still there");
        assert_eq!(stored.len(), events.len());
    }
    let other = SqliteStore::open("sqlite::memory:").await.expect("open");
    assert!(other.read_stream(stream_id).await.expect("read").is_none(), "each store in memory is its own");
    store.close().await;
    assert!(store.read_stream(stream_id).await.is_err(), "closed");
}

/// The `CREATE TABLE` statement of `table` in a migration's text.
fn table_made_in(migration: &str, table: &str) -> String {
    let made = &migration[migration.find(&format!("CREATE TABLE {table} (")).expect("made there")..];
    made[..=made.find(';').expect("its end")].to_owned()
}

/// Schema 14's tables back as schemas 3 and 13 made them, their stream ids
/// (and the seals' head hashes) text again, and the record of migration 14
/// gone: the store as schema 13 left it.
async fn back_to_schema_13(pool: &sqlx::SqlitePool) {
    let (third, thirteenth) = (
        include_str!("../../migrations/sqlite/0003_seals_trusted_keys.sql"),
        include_str!("../../migrations/sqlite/0013_ids_and_hashes_as_bytes.sql"),
    );
    let made = |table: &str| table_made_in(thirteenth, table);
    let stream_id = uuid_text("stream_id");
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "ALTER TABLE streams RENAME TO streams_14; {streams} \
         INSERT INTO streams_13 (rowid, unit, stream_id, kind, version, head_hash) \
         SELECT rowid, unit, {stream_id}, kind, version, head_hash FROM streams_14; \
         DROP TABLE streams_14; ALTER TABLE streams_13 RENAME TO streams; \
         CREATE UNIQUE INDEX streams_by_id ON streams (stream_id); \
         ALTER TABLE events RENAME TO events_14; {events} \
         INSERT INTO events_13 (rowid, unit, stream_id, seq, event_id, command_id, occurred_at, hash, body) \
         SELECT rowid, unit, {stream_id}, seq, event_id, command_id, occurred_at, hash, body FROM events_14; \
         DROP TABLE events_14; ALTER TABLE events_13 RENAME TO events; \
         ALTER TABLE commands RENAME TO commands_14; {commands} \
         INSERT INTO commands_13 SELECT unit, command_id, {stream_id}, first_seq, last_seq, fingerprint, row_check \
         FROM commands_14; DROP TABLE commands_14; ALTER TABLE commands_13 RENAME TO commands; \
         ALTER TABLE seals RENAME TO seals_14; {seals} \
         INSERT INTO seals (rowid, unit, stream_id, seq, key_id, head_hash, signature) \
         SELECT rowid, unit, {stream_id}, seq, lower(hex(key_id)), lower(hex(head_hash)), lower(hex(signature)) \
         FROM seals_14; \
         DROP TABLE seals_14; \
         DELETE FROM _sqlx_migrations WHERE version >= 14;",
        seals = table_made_in(third, "seals"),
        streams = made("streams_13"),
        events = made("events_13"),
        commands = made("commands_13"),
    )))
    .execute(pool)
    .await
    .expect("back to schema 13");
}

/// Schema 13's tables back as schema 12 made them, their ids and hashes
/// text again, and the records of migrations 13 on gone: the store as
/// schema 12 left it.
async fn back_to_schema_12(pool: &sqlx::SqlitePool) {
    back_to_schema_13(pool).await;
    let (first, twelfth) = (
        include_str!("../../migrations/sqlite/0001_init.sql"),
        include_str!("../../migrations/sqlite/0012_canonical_bodies.sql"),
    );
    let made = table_made_in;
    let (event_id, command_id) = (uuid_text("event_id"), uuid_text("command_id"));
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "ALTER TABLE streams RENAME TO streams_13; {streams} \
         INSERT INTO streams SELECT unit, stream_id, kind, version, lower(hex(head_hash)) FROM streams_13; \
         DROP TABLE streams_13; CREATE UNIQUE INDEX streams_by_id ON streams (stream_id); \
         ALTER TABLE events RENAME TO events_13; {events} \
         INSERT INTO events SELECT unit, stream_id, seq, {event_id}, {command_id}, occurred_at, lower(hex(hash)), body \
         FROM events_13; DROP TABLE events_13; \
         ALTER TABLE commands RENAME TO commands_13; {commands} \
         INSERT INTO commands_keyed SELECT unit, {command_id}, stream_id, first_seq, last_seq, lower(hex(fingerprint)), \
         lower(hex(row_check)) FROM commands_13; DROP TABLE commands_13; ALTER TABLE commands_keyed RENAME TO commands; \
         DELETE FROM _sqlx_migrations WHERE version >= 13;",
        streams = made(first, "streams"),
        events = made(first, "events"),
        commands = made(twelfth, "commands_keyed"),
    )))
    .execute(pool)
    .await
    .expect("back to schema 12");
}

/// The upgrade to schema 13 stores every event id, command id, hash, head
/// hash, fingerprint and command row check as its bytes, and lk3 reads back what it wrote
/// (verify finds nothing else); a value changed outside lk3 before it (an
/// id that is not one, a hash in capitals) stays text, and verify names it.
#[tokio::test]
async fn the_upgrade_to_schema_13_stores_ids_and_hashes_as_bytes_but_leaves_a_damaged_one_for_verify() {
    let (s, url, events) = store_with_case().await;
    s.close().await;
    let pool = sqlx::SqlitePool::connect(&url).await.expect("connect");
    back_to_schema_12(&pool).await;
    pool.close().await;
    let s = SqliteStore::open(&url).await.expect("schema 12 as it was, upgraded");
    assert!(lk3_storage::verify::verify(&s).await.expect("verify").is_ok());
    let kinds = "SELECT typeof(event_id) || length(event_id), typeof(command_id) || length(command_id), \
                 typeof(hash) || length(hash) FROM events";
    let stored: Vec<(String, String, String)> = sqlx::query_as(kinds).fetch_all(s.pool()).await.expect("events");
    assert_eq!(stored.len(), events.len());
    assert!(stored.iter().all(|k| *k == ("blob16".into(), "blob16".into(), "blob32".into())), "{stored:?}");
    let (head, fingerprint): (String, String) = sqlx::query_as(
        "SELECT (SELECT group_concat(DISTINCT typeof(head_hash) || length(head_hash)) FROM streams), \
         (SELECT group_concat(DISTINCT typeof(command_id) || length(command_id) || typeof(fingerprint) || length(fingerprint) \
         || typeof(row_check) || length(row_check)) FROM commands)",
    )
    .fetch_one(s.pool())
    .await
    .expect("heads and commands");
    assert_eq!((head.as_str(), fingerprint.as_str()), ("blob32", "blob16blob32blob32"));
    s.close().await;

    // Damaged under schema 12, then upgraded.
    let pool = sqlx::SqlitePool::connect(&url).await.expect("connect");
    back_to_schema_12(&pool).await;
    sqlx::raw_sql(
        "UPDATE events SET event_id = 'not an id' WHERE seq = 2; UPDATE events SET hash = upper(hash) WHERE seq = 3",
    )
    .execute(&pool)
    .await
    .expect("damage");
    pool.close().await;
    let s = SqliteStore::open(&url).await.expect("upgraded");
    let kept: Vec<(i64, String, String)> =
        sqlx::query_as("SELECT seq, typeof(event_id), typeof(hash) FROM events WHERE seq IN (2, 3) ORDER BY seq")
            .fetch_all(s.pool())
            .await
            .expect("kept");
    assert_eq!(kept, vec![(2, "text".into(), "blob".into()), (3, "blob".into(), "text".into())]);
    let report = lk3_storage::verify::verify(&s).await.expect("verify");
    let mut named: Vec<_> = report.problems.iter().filter_map(|p| p.seq).collect();
    named.sort_unstable();
    named.dedup();
    assert_eq!(named, [2, 3], "{report:#?}");
}

/// The upgrade to schema 14 stores the event log's stream ids (in streams,
/// events and commands) as their 16 bytes, the query tables keep their text,
/// and lk3 reads back what it wrote (verify finds nothing else); a stream id
/// changed outside lk3 before it (in capitals) stays text, and verify names
/// its stream.
#[tokio::test]
async fn the_upgrade_to_schema_14_stores_stream_ids_as_bytes_but_leaves_a_damaged_one_for_verify() {
    let dir = tempfile::tempdir().expect("tempdir").keep();
    let url = format!("sqlite://{}", dir.join("lk3.db").display());
    let s = SqliteStore::open(&url).await.expect("open");
    s.set_signer(Some(lk3_core::seal::SigningKey::from_secret(&[22; 32], "64.74".parse().expect("unit"))));
    let (_, events) = conformance::world::World::new().case_at(lk3_core::vocab::Stage::Intervensi);
    let (batch, _) = lk3_storage::aggregate::encode(&lk3_core::case::Case::default(), &events).expect("encode");
    s.append_batches(&[batch]).await.expect("append");
    s.close().await;
    let pool = sqlx::SqlitePool::connect(&url).await.expect("connect");
    back_to_schema_13(&pool).await;
    let of = |column: &str, table: &str| {
        format!("(SELECT group_concat(DISTINCT typeof({column}) || length({column})) FROM {table})")
    };
    let kinds = format!(
        "SELECT {}, {}, {}, {}, {} || {} || {} || {}",
        of("stream_id", "streams"),
        of("stream_id", "events"),
        of("stream_id", "commands"),
        of("case_id", "cases"),
        of("stream_id", "seals"),
        of("head_hash", "seals"),
        of("key_id", "seals"),
        of("signature", "seals")
    );
    let kinds = || sqlx::query_as::<_, (String, String, String, String, String)>(sqlx::AssertSqlSafe(kinds.as_str()));
    let text = |s: &str| s.to_owned();
    assert_eq!(
        kinds().fetch_one(&pool).await.expect("kinds"),
        (text("text36"), text("text36"), text("text36"), text("text36"), text("text36text64text16text128"))
    );
    pool.close().await;
    let s = SqliteStore::open(&url).await.expect("schema 13 as it was, upgraded");
    let report = lk3_storage::verify::verify(&s).await.expect("verify");
    assert!(report.is_ok(), "{report:#?}");
    let seals = s.seals(events[0].stream_id).await.expect("seals");
    assert_eq!(seals.iter().map(|seal| seal.seq).collect::<Vec<_>>(), [events.len() as u64], "the seal read back");
    assert_eq!(
        kinds().fetch_one(s.pool()).await.expect("kinds"),
        (text("blob16"), text("blob16"), text("blob16"), text("text36"), text("blob16blob32blob8blob64"))
    );
    let stream_id = events[0].stream_id;
    use lk3_storage::CaseStoreExt;
    let case = s.load::<lk3_core::case::Case>(stream_id).await.expect("read back");
    assert_eq!(case.events.len(), events.len());
    s.close().await;

    // Damaged under schema 13, then upgraded.
    let pool = sqlx::SqlitePool::connect(&url).await.expect("connect");
    back_to_schema_13(&pool).await;
    sqlx::raw_sql("UPDATE events SET stream_id = upper(stream_id) WHERE seq = 2").execute(&pool).await.expect("damage");
    pool.close().await;
    let s = SqliteStore::open(&url).await.expect("upgraded");
    let kept: Vec<(i64, String)> =
        sqlx::query_as("SELECT seq, typeof(stream_id) FROM events WHERE seq IN (1, 2) ORDER BY seq")
            .fetch_all(s.pool())
            .await
            .expect("kept");
    assert_eq!(kept, vec![(1, "blob".into()), (2, "text".into())]);
    let report = lk3_storage::verify::verify(&s).await.expect("verify");
    assert!(!report.problems.is_empty(), "{report:#?}");
    assert!(report.problems.iter().any(|p| p.stream_id == Some(stream_id)), "{report:#?}");
}

/// SQL for the text of an id that `column` stores as its 16 bytes (schema 13
/// on; stream ids schema 14 on).
fn uuid_text(column: &str) -> String {
    let part = |from: usize, len: usize| format!("substr(hex({column}), {from}, {len})");
    format!(
        "lower({} || '-' || {} || '-' || {} || '-' || {} || '-' || {})",
        part(1, 8),
        part(9, 4),
        part(13, 4),
        part(17, 4),
        part(21, 12)
    )
}
