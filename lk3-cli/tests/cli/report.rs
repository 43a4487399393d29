//! `lk3 report` on the demo: the Bontang unit's 2019 report, every number
//! derived by hand from the demo's stories (lk3-cli/src/demo/stories.rs).
//!
//! The 2019 stories, with what each one contributes:
//!
//! | story | opened (WITA) | channel | clients | problems at the year's end | services | stage on 31 Dec |
//! |---|---|---|---|---|---|---|
//! | kdrt | 4 Mar | telepon_hotline | Ibu N., Anak N. | kdrt, kekerasan_anak | konseling (selesai), advokasi (berhasil), rujukan (dikirim, diterima, diproses, selesai); a protective referral | ditutup (20 Aug) |
//! | one_off | 11 Mar | datang_langsung | none (a contact) | perceraian | konsultasi on the spot | ditutup |
//! | sosialisasi | 10 Apr | | (120 kelompok + 35 masyarakat reached) | | informasi to a group: an activity, not a case | |
//! | aid | 11 Feb | laporan_masyarakat | Bapak A., Ibu B., Bapak C., Ibu D., Bapak E. | disabilitas, sakit_memerlukan_bantuan | advokasi (berhasil); 7 handouts on 8 Apr | evaluasi |
//! | reopened | 14 Jan | datang_langsung | Ibu F., Bapak F. | konflik_keluarga | konseling (selesai), konsultasi (tidak_hadir, dibatalkan); closed 5 Mar, reopened 10 Jun | asesmen |
//! | declined | 6 Feb | laporan_masyarakat | Bapak G. | lainnya | none; declined | ditutup |
//! | moved | 1 Apr | rujukan_masuk | Ibu H., Anak H. | penelantaran_anak | none; terminated (pindah), closed | ditutup |
//! | refused_referral | 2 Sep | datang_langsung | Ibu J. | perceraian | rujukan to the LBH (dikirim, ditolak), rujukan to the Posbakum (dikirim, deadline 20 Sep, unanswered) | intervensi |
//! | outreach | 4 Jul | penjangkauan | Nenek K. | lansia_terlantar | none | registrasi |
//!
//! The outreach itself: reported 1 Jul, visited 2 Jul (not found) and 4 Jul
//! (found, agrees: `bersedia`). The 2017 consultation is outside 2019.

use crate::common;

use common::{lk3_in, path, stdout};
use serde_json::Value;

fn demo_report(args: &[&str]) -> (tempfile::TempDir, std::process::Output) {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("lk3.db");
    let demo = lk3_in(dir.path(), &["demo", "--db", path(&db)]);
    assert!(demo.status.success(), "demo: {}", common::stderr(&demo));
    let mut all = vec!["report", "--db", path(&db)];
    all.extend_from_slice(args);
    let out = lk3_in(dir.path(), &all);
    assert!(out.status.success(), "report: {}", common::stderr(&out));
    (dir, out)
}

/// `value` with a count for each listed id (the list given in the report's order).
fn counts(list: &Value, key: &str) -> Vec<(String, u64)> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|c| {
            let v = &c[key];
            (v.as_str().map_or_else(|| v.to_string(), str::to_owned), c["count"].as_u64().expect("a count"))
        })
        .collect()
}

fn pairs(items: &[(&str, u64)]) -> Vec<(String, u64)> {
    items.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect()
}

#[test]
fn the_demo_units_2019_report_holds_the_numbers_of_its_stories() {
    let (_dir, out) =
        demo_report(&["--unit", "64.74", "--from", "2019-01-01", "--to", "2019-12-31", "--format", "json"]);
    let report: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(report["document"], "lk3.report");
    assert_eq!(report["units"].as_array().map(Vec::len), Some(1));
    assert_eq!(report["units"][0]["time_zone"], "WITA");
    let t = &report["total"];
    assert_eq!(report["units"][0]["figures"], *t, "one unit: its figures are the totals");

    // Cases: the eight 2019 stories that are cases (sosialisasi is an activity).
    // Closed in 2019: kdrt, one_off, reopened (5 Mar), declined, moved = 5;
    // reopened in 2019: reopened = 1; open on 31 Dec: aid, reopened,
    // refused_referral, outreach = 4. Nothing was open on 1 Jan 2019.
    let cases = &t["cases"];
    let got: Vec<u64> = ["active", "carried_over", "opened", "reopened", "closed", "open_at_end"]
        .iter()
        .map(|k| cases[*k].as_u64().expect("a number"))
        .collect();
    assert_eq!(got, [8, 0, 8, 1, 5, 4]);

    // Clients: 2 (kdrt) + 5 (aid) + 2 (reopened) + 1 (declined) + 2 (moved)
    // + 1 (refused_referral) + 1 (outreach) = 14 people, all first served in
    // 2019; Ibu F. and Bapak F. are continuing (their case was reopened), the
    // other 12 new; one_off's walk-in never registered.
    let clients = &t["clients"];
    assert_eq!(
        [&clients["served"], &clients["new"], &clients["continuing"], &clients["unregistered_contacts"]],
        [14, 12, 2, 1]
    );

    // Services started: konsultasi 1 (reopened), konseling 2 (kdrt,
    // reopened), advokasi 2 (kdrt, aid), rujukan 3 (kdrt, LBH, Posbakum).
    // Ended: all but the Posbakum referral. On the spot: one_off's konsultasi.
    let services: Vec<(String, u64, u64, u64)> = t["services"]
        .as_array()
        .expect("services")
        .iter()
        .map(|s| {
            let n = |k: &str| s[k].as_u64().expect("a number");
            (s["service"].as_str().expect("kind").to_owned(), n("started"), n("ended"), n("on_the_spot"))
        })
        .collect();
    let expected = [("konsultasi", 1, 1, 1), ("konseling", 2, 2, 0), ("advokasi", 2, 2, 0), ("rujukan", 3, 2, 0)];
    assert_eq!(services, expected.map(|(k, a, b, c)| (k.to_owned(), a, b, c)));
    let outcomes: Vec<(String, Vec<(String, u64)>)> = t["services"]
        .as_array()
        .expect("services")
        .iter()
        .map(|s| (s["service"].as_str().expect("kind").to_owned(), counts(&s["outcomes"], "value")))
        .collect();
    assert_eq!(
        outcomes,
        vec![
            ("konsultasi".to_owned(), pairs(&[("dibatalkan", 1)])),
            ("konseling".to_owned(), pairs(&[("selesai", 2)])),
            ("advokasi".to_owned(), pairs(&[("berhasil", 2)])),
            ("rujukan".to_owned(), pairs(&[("ditolak", 1), ("selesai", 1)])),
        ]
    );

    // Referrals: each of the three starts as a draft and is sent; the UPTD
    // PPA accepts, handles and completes; the LBH refuses; the Posbakum has
    // not answered by its deadline (20 Sep): overdue on 31 Dec. kdrt's
    // emergency referral to the police is the protective one.
    let referrals = &t["referrals"];
    assert_eq!(
        counts(&referrals["reached"], "value"),
        pairs(&[("draf", 3), ("dikirim", 3), ("diterima", 1), ("diproses", 1), ("ditolak", 1), ("selesai", 1)])
    );
    assert_eq!([&referrals["overdue_at_end"], &referrals["protective"]], [1, 1]);

    // Aid on 8 Apr: glasses and sembako from Baznas for the two blind
    // clients, a wheelchair from the DPA for each of the three after a stroke.
    let aid: Vec<(String, String, u64, u64)> = t["aid"]
        .as_array()
        .expect("aid")
        .iter()
        .map(|a| {
            let s = |k: &str| a[k].as_str().expect("text").to_owned();
            (s("item"), s("funding"), a["records"].as_u64().expect("n"), a["quantity"].as_u64().expect("n"))
        })
        .collect();
    let expected = [("kacamata", "baznas", 2, 2), ("sembako", "baznas", 2, 2), ("kursi_roda", "apbd_dpa", 3, 3)];
    assert_eq!(aid, expected.map(|(i, f, r, q)| (i.to_owned(), f.to_owned(), r, q)));

    // Outreach: one, reported in July, two visits, she agreed.
    let o = &t["outreach"];
    assert_eq!([&o["active"], &o["reported"], &o["visits"]], [1, 1, 2]);
    assert_eq!(counts(&o["outcomes"], "value"), pairs(&[("bersedia", 1)]));

    // Sosialisasi: one group activity, 120 + 35 people reached.
    let a = &t["activities"];
    assert_eq!(a.as_array().map(Vec::len), Some(1));
    assert_eq!(a[0]["sasaran"], "kelompok");
    assert_eq!([&a[0]["activities"], &a[0]["people_reached"]], [1, 155]);

    // Problems (each case once per problem, as they stand on 31 Dec; the
    // assessments replaced aid's kemiskinan and reopened's perselingkuhan).
    assert_eq!(
        counts(&t["by_problem"], "value"),
        pairs(&[
            ("kdrt", 1),
            ("konflik_keluarga", 1),
            ("perceraian", 2),
            ("kekerasan_anak", 1),
            ("penelantaran_anak", 1),
            ("disabilitas", 1),
            ("sakit_memerlukan_bantuan", 1),
            ("lansia_terlantar", 1),
            ("lainnya", 1),
        ])
    );
    // PMKS: each case's problems mapped by the vocabulary, once per case.
    use lk3_core::vocab::Problem as P;
    let per_case: [&[P]; 8] = [
        &[P::Kdrt, P::KekerasanAnak],
        &[P::Perceraian],
        &[P::Disabilitas, P::SakitMemerlukanBantuan],
        &[P::KonflikKeluarga],
        &[P::Lainnya],
        &[P::PenelantaranAnak],
        &[P::Perceraian],
        &[P::LansiaTerlantar],
    ];
    let mut pmks = std::collections::BTreeMap::new();
    for problems in per_case {
        let set: std::collections::BTreeSet<_> = problems.iter().map(|p| p.pmks()).collect();
        for p in set {
            *pmks.entry(p).or_insert(0u64) += 1;
        }
    }
    let expected: Vec<(String, u64)> = pmks.into_iter().map(|(p, n)| (p.to_string(), n)).collect();
    assert_eq!(counts(&t["by_pmks"], "value"), expected);
    assert_eq!(
        counts(&t["by_channel"], "value"),
        pairs(&[
            ("datang_langsung", 3),
            ("telepon_hotline", 1),
            ("penjangkauan", 1),
            ("rujukan_masuk", 1),
            ("laporan_masyarakat", 2)
        ])
    );
    // Workers: Peksos Andi started engagement in kdrt, moved and
    // refused_referral, Peksos Sari in aid, reopened and declined; one_off
    // and the outreach case have no worker.
    let mut workers: Vec<u64> = counts(&t["by_worker"], "value").into_iter().map(|(_, n)| n).collect();
    assert_eq!(counts(&t["by_worker"], "value")[0], ("null".to_owned(), 2));
    workers.sort_unstable();
    assert_eq!(workers, [2, 3, 3]);
    assert_eq!(
        counts(&t["by_stage"], "value"),
        pairs(&[("registrasi", 1), ("asesmen", 1), ("intervensi", 1), ("evaluasi", 1), ("ditutup", 4)])
    );
    assert_eq!(counts(&t["by_rule_set"], "value"), pairs(&[("permensos-25-2017", 8)]));

    // The registry (the demo's fictional people), on 31 Dec 2019:
    // men: Anak N., A., C., E., Bapak F., G.; women: the other eight.
    assert_eq!(counts(&t["by_sex"], "value"), pairs(&[("laki_laki", 6), ("perempuan", 8)]));
    // Ages: Anak N. 8; Anak H. 10; Ibu H. 29, Ibu J. 26, Ibu N. 31, Ibu F. 34;
    // Bapak F. 37, Bapak G. 40; Ibu B. 57; A. 62, D. 64, C. 69, E. 71, Nenek K. 78.
    assert_eq!(
        counts(&t["by_age_band"], "value"),
        pairs(&[("5-9", 1), ("10-14", 1), ("25-34", 4), ("35-44", 2), ("45-59", 1), ("60+", 5)])
    );
    // Kecamatan 01: A., B., G., J.; 02: Ibu N., Anak N., E., Ibu H., Anak H.;
    // 03: C., D., both F., Nenek K.
    assert_eq!(counts(&t["by_kecamatan"], "value"), pairs(&[("64.74.01", 4), ("64.74.02", 5), ("64.74.03", 5)]));
    assert_eq!(
        counts(&t["by_kelurahan"], "value"),
        pairs(&[
            ("64.74.01.1001", 1),
            ("64.74.01.1002", 2),
            ("64.74.01.1003", 1),
            ("64.74.02.1001", 3),
            ("64.74.02.1004", 2),
            ("64.74.03.1001", 2),
            ("64.74.03.1002", 2),
            ("64.74.03.1003", 1),
        ])
    );
}

#[test]
fn the_table_is_the_golden_one_and_says_the_same_in_csv() {
    let args = ["--unit", "64.74", "--from", "2019-01-01", "--to", "2019-12-31"];
    let (_dir, out) = demo_report(&args);
    let table = stdout(&out);
    let golden = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/report-64.74-2019.txt");
    if std::env::var_os("LK3_BLESS").is_some() {
        std::fs::write(&golden, &table).expect("writes the golden file");
    }
    let expected = std::fs::read_to_string(&golden).expect("the golden file");
    assert_eq!(table, expected, "LK3_BLESS=1 rewrites tests/golden/report-64.74-2019.txt after a deliberate change");
    assert!(table.starts_with("Laporan Unit LK3 64.74 (WITA), 2019-01-01 – 2019-12-31\n"), "Indonesian by default");
    let line = table.lines().find(|l| l.trim_start().starts_with("Kasus ditangani")).expect("the cases line");
    assert!(line.trim_end().ends_with(" 8"), "{line}");

    let mut csv_args = args.to_vec();
    csv_args.extend(["--format", "csv", "--lang", "en"]);
    let (_dir, out) = demo_report(&csv_args);
    let csv = stdout(&out);
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("section,unit,key,key_label,key2,key2_label,measure,measure_label,value"));
    assert!(csv.contains("\nsummary,,cases_active,Cases active,,,count,Count,8\n"));
    assert!(csv.contains("\nservice_outcomes,,rujukan,Referral,ditolak,Rejected,count,Count,1\n"), "{csv}");
    assert!(csv.contains("\nby_age_band,,60+,60 years and older,,,count,Count,5\n"));
}

#[test]
fn bad_report_arguments_are_refused_with_a_code_and_write_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("lk3.db");
    let demo = lk3_in(dir.path(), &["demo", "--db", path(&db)]);
    assert!(demo.status.success());
    let run = |args: &[&str]| {
        let mut all = vec!["report", "--db", path(&db)];
        all.extend_from_slice(args);
        lk3_in(dir.path(), &all)
    };
    let reversed = run(&["--unit", "64.74", "--from", "2019-12-31", "--to", "2019-01-01"]);
    assert_eq!(reversed.status.code(), Some(2));
    assert!(common::stderr(&reversed).contains("LK3-E130"), "{}", common::stderr(&reversed));
    let no_scope = run(&["--from", "2019-01-01", "--to", "2019-12-31"]);
    assert_eq!(no_scope.status.code(), Some(2), "a unit, a province or --national");
    let kecamatan = run(&["--province", "64.74.01", "--from", "2019-01-01", "--to", "2019-12-31"]);
    assert_eq!(kecamatan.status.code(), Some(2));
    let no_out = run(&["--unit", "64.74", "--from", "2019-01-01", "--to", "2019-12-31", "--format", "xlsx"]);
    assert_eq!(no_out.status.code(), Some(2));
    let missing = lk3_in(
        dir.path(),
        &["report", "--db", "nope.db", "--unit", "64.74", "--from", "2019-01-01", "--to", "2019-12-31"],
    );
    assert_eq!(missing.status.code(), Some(2));
    assert!(!dir.path().join("nope.db").exists(), "a report never creates a store");
    // An xlsx written owner-only.
    let book = dir.path().join("r.xlsx");
    let ok = run(&[
        "--unit",
        "64.74",
        "--from",
        "2019-01-01",
        "--to",
        "2019-12-31",
        "--format",
        "xlsx",
        "--out",
        path(&book),
    ]);
    assert!(ok.status.success(), "{}", common::stderr(&ok));
    let bytes = std::fs::read(&book).expect("the workbook");
    assert_eq!(&bytes[..2], b"PK", "an xlsx is a zip");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&book).expect("meta").permissions().mode() & 0o777, 0o600);
    }
}
