//! Client lookup: the old spellings read as today's, the normal form stable,
//! NIK before family card before name, and another birth date another person.

use lk3_core::ids::{ClientId, IdSeed, UnitCode};
use lk3_core::lookup::{ClientLookup, MatchKind, normal_name};
use lk3_core::schema::ClientRecord;
use proptest::prelude::*;

#[test]
fn the_old_spellings_read_as_todays() {
    for (old, new) in [
        ("Soekarno", "Sukarno"),
        ("Djoko", "Joko"),
        ("Tjipto", "Cipto"),
        ("Njoman", "Nyoman"),
        ("Sjahrir", "Syahrir"),
        ("Chairul", "Khairul"),
        ("Jusuf", "Yusuf"),
        ("Muhammad", "Muhamad"),
        ("Siti Nur'aini", "SITI  NURAINI"),
    ] {
        assert_eq!(normal_name(old), normal_name(new), "{old} / {new}");
    }
    assert_ne!(normal_name("Budi"), normal_name("Badu"));
}

proptest! {
    #[test]
    fn the_normal_form_is_stable_and_plain(name in "[A-Za-z' .,-]{0,40}") {
        let once = normal_name(&name);
        prop_assert_eq!(normal_name(&once), once.clone());
        prop_assert!(!once.contains("  ") && !once.starts_with(' ') && !once.ends_with(' '));
        prop_assert!(once.chars().all(|c| c == ' ' || c.is_lowercase()));
    }
}

fn record(n: u8, name: &str, nik: Option<&str>, kk: Option<&str>, born: Option<(i32, u32, u32)>) -> ClientRecord {
    let at = chrono::DateTime::from_timestamp(1_554_685_200, 0).expect("time");
    ClientRecord {
        client_id: ClientId::new_v7(at, IdSeed::new([n; 10])),
        unit: "64.74".parse::<UnitCode>().expect("unit"),
        name: name.to_owned(),
        nik: nik.map(|n| n.parse().expect("nik")),
        no_kk: kk.map(|k| k.parse().expect("no kk")),
        sex: None,
        birth_date: born.and_then(|(y, m, d)| chrono::NaiveDate::from_ymd_opt(y, m, d)),
        domicile: None,
    }
}

#[test]
fn a_nik_ranks_first_then_the_family_then_names_and_another_birth_date_is_another_person() {
    let registry = [
        record(1, "Siti Aminah", Some("6474015505850003"), Some("6474010101190007"), Some((1985, 5, 15))),
        record(2, "Budi Santoso", None, Some("6474010101190007"), Some((2010, 3, 12))),
        record(3, "Sitti Aminah", None, None, None),
        record(4, "Siti Aminah", None, None, Some((1971, 1, 1))),
        record(5, "Rahmat Hidayat", None, None, None),
    ];
    let wanted = ClientLookup {
        nik: Some("6474015505850003".parse().expect("nik")),
        no_kk: Some("6474010101190007".parse().expect("kk")),
        name: Some("SITI AMINAH".to_owned()),
        birth_date: chrono::NaiveDate::from_ymd_opt(1985, 5, 15),
    };
    let found: Vec<(u8, MatchKind)> = wanted
        .find(&registry)
        .iter()
        .map(|m| (registry.iter().position(|r| r.client_id == m.client_id).expect("in") as u8 + 1, m.by))
        .collect();
    // Record 4 shares the name but was born on another date; 5 shares nothing.
    assert_eq!(found, vec![(1, MatchKind::Nik), (3, MatchKind::Nama), (2, MatchKind::NoKk)]);
    let by_name = ClientLookup { name: Some("aminah siti".to_owned()), ..Default::default() }.find(&registry);
    assert_eq!(by_name.len(), 3, "1, 3 and 4: no birth date asked");
    assert!(by_name.iter().all(|m| m.by == MatchKind::Nama && m.score >= lk3_core::lookup::NAME_THRESHOLD));
}
