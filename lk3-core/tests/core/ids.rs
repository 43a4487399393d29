//! Identifiers: what cannot exist is an error with its code; what is odd is a warning.

use chrono::{NaiveDate, TimeZone, Utc};
use lk3_core::ids::*;
use lk3_core::{ErrorCode, Labelled, Lk3Error};
use proptest::prelude::*;

fn nik_code(s: &str) -> ErrorCode {
    Nik::parse(s).expect_err(s).code()
}

#[test]
fn nik_errors_have_their_codes() {
    assert_eq!(nik_code("647401520385000"), ErrorCode::NikFormat);
    assert_eq!(nik_code("64740152038500021"), ErrorCode::NikFormat);
    assert_eq!(nik_code("64740152038500O2"), ErrorCode::NikFormat);
    assert_eq!(nik_code(""), ErrorCode::NikFormat);
    assert_eq!(nik_code("6474015203850\u{0663}02"), ErrorCode::NikFormat);
    assert_eq!(nik_code("0974015203850002"), ErrorCode::NikRegion);
    assert_eq!(nik_code("6400015203850002"), ErrorCode::NikRegion);
    assert_eq!(nik_code("6474005203850002"), ErrorCode::NikRegion);
    assert_eq!(nik_code("6474013203850002"), ErrorCode::NikBirthDate,);
    assert_eq!(nik_code("6474017203850002"), ErrorCode::NikBirthDate);
    assert_eq!(nik_code("6474013102850002"), ErrorCode::NikBirthDate);
    assert_eq!(nik_code("6474012902850002"), ErrorCode::NikBirthDate);
    assert_eq!(nik_code("6474011213850002"), ErrorCode::NikBirthDate);
    assert_eq!(nik_code("6474011203850000"), ErrorCode::NikSerial);
    assert!(Nik::parse("6474012902840002").is_ok(), "29 Feb in a leap year");
    assert!(Nik::parse("6474016902000002").is_ok(), "29 Feb for a woman, year 00");
}

#[test]
fn error_messages_never_repeat_the_number() {
    for bad in ["647401520385000", "6474013203850002", "6474011203850000", "0974015203850002"] {
        let e = Nik::parse(bad).expect_err(bad);
        assert!(!e.message_en().contains(bad) && !e.message_id().contains(bad));
    }
}

#[test]
fn echoed_inputs_never_carry_a_personal_number() {
    for (e, secret) in [
        (KodeWilayah::parse("6474015203850002").expect_err(""), "6474015203850002"),
        (KodeWilayah::parse("6474 0152 0385 0002").expect_err(""), "0385"),
        (CaseNumber::parse("6474015203850002/2019/1").expect_err(""), "6474015203850002"),
        (UnitCode::parse("64.74.0152.0385.0002").expect_err(""), "0385"),
        (CaseId::parse("6474015203850002").expect_err(""), "6474015203850002"),
    ] {
        assert!(!e.message_en().contains(secret) && !e.message_id().contains(secret), "{e}");
        assert!(!format!("{e:?}").contains(secret));
    }
    // Short, harmless inputs are still echoed to help the user.
    assert!(KodeWilayah::parse("64.7").expect_err("").message_en().contains("`64.7`"));
    // A NIK error does not reveal the birth date or sex it encodes.
    let e = Nik::parse("6474017203850002").expect_err("day 72");
    assert!(!e.message_en().contains("72") && !e.message_id().contains("72"));
}

#[test]
fn nik_facts_and_warnings() {
    let man = Nik::parse("6474010712990015").expect("valid");
    let f = man.facts();
    assert_eq!((f.province, f.kab_kota, f.kecamatan), (64, 74, 1));
    assert_eq!((f.birth_day, f.birth_month, f.birth_year_2d, f.sex, f.serial), (7, 12, 99, Sex::LakiLaki, 15));
    let born = NaiveDate::from_ymd_opt(1999, 12, 7).expect("date");
    assert!(man.check_against(Some(Sex::LakiLaki), Some(born)).is_empty());
    let wrong = NaiveDate::from_ymd_opt(1999, 12, 8).expect("date");
    assert_eq!(
        man.check_against(Some(Sex::Perempuan), Some(wrong)),
        vec![IdentifierWarning::NikSexMismatch, IdentifierWarning::NikBirthDateMismatch]
    );
    assert_eq!(IdentifierWarning::NikSexMismatch.code(), "LK3-W001");
    assert_eq!(man.to_string(), "6474010712990015");
    assert!(!format!("{man:?}").contains("0712990"));
    let json = serde_json::to_string(&man).expect("json");
    assert_eq!(serde_json::from_str::<Nik>(&json).expect("parses"), man);
    assert!(serde_json::from_str::<Nik>("\"6474013203850002\"").is_err());
}

#[test]
fn no_kk_checks_the_region_and_warns_on_the_rest() {
    assert!(NoKk::parse("6474012005100003").expect("valid").warnings().is_empty());
    assert_eq!(NoKk::parse("647401200510000").expect_err("").code(), ErrorCode::KkFormat);
    assert_eq!(NoKk::parse("6400012005100003").expect_err("").code(), ErrorCode::KkRegion);
    let odd = NoKk::parse("6474013513100000").expect("possible");
    assert_eq!(odd.warnings(), vec![IdentifierWarning::KkDateOdd, IdentifierWarning::KkSerialZero]);
    assert_eq!(odd.region(), "64.74.01");
}

#[test]
fn kode_wilayah_levels_and_errors() {
    for (s, level) in [
        ("64", WilayahLevel::Provinsi),
        ("64.74", WilayahLevel::KabKota),
        ("33.73.04", WilayahLevel::Kecamatan),
        ("33.73.04.1001", WilayahLevel::DesaKelurahan),
    ] {
        let k = KodeWilayah::parse(s).expect(s);
        assert_eq!(k.level(), level);
        assert_eq!(k.to_string(), s);
    }
    assert!(!KodeWilayah::parse("64.05").expect("kab").is_kota());
    assert_eq!(KodeWilayah::parse("32.04.05.2001").expect("desa").village_kind(), Some(VillageKind::Desa));
    assert_eq!(KodeWilayah::parse("13.71").expect("Padang").time_zone(), Some(TimeZoneId::Wib));
    assert_eq!(KodeWilayah::parse("91.01").expect("Papua").time_zone(), Some(TimeZoneId::Wit));
    for bad in [
        "",
        "6",
        "064",
        "04.74",
        "64.7",
        "64.00",
        "64.70",
        "64.74.00",
        "64.74.01.4001",
        "64.74.01.100",
        "64.74.01.1001.1",
        "64-74",
        "६४.74",
    ] {
        let e = KodeWilayah::parse(bad).expect_err(bad);
        assert_eq!(e.code(), ErrorCode::KodeWilayahFormat, "{bad}");
    }
    assert_eq!(TimeZoneId::Wita.offset().local_minus_utc(), 8 * 3600);
}

#[test]
fn unit_codes_and_case_numbers() {
    let n = CaseNumber::parse("13.71-RAUDAH/2018/0042").expect("valid");
    assert_eq!(n.unit().suffix(), Some("RAUDAH"));
    assert_eq!(n.to_string(), "13.71-RAUDAH/2018/0042");
    assert_eq!(CaseNumber::parse("64.74/2019/12345").expect("wide serial").serial(), 12345);
    for bad in [
        "64.74/2019",
        "64.74/19/0001",
        "64.74/2019/0000",
        "64.74.01/2019/0001",
        "64.74-raudah/2019/0001",
        "64.74/2019/-1",
        "x/y/z/w",
    ] {
        assert_eq!(CaseNumber::parse(bad).expect_err(bad).code(), ErrorCode::CaseNumberFormat, "{bad}");
    }
    assert_eq!(UnitCode::parse("64.74-").expect_err("").code(), ErrorCode::UnitCodeFormat);
    let json = serde_json::to_string(&n).expect("json");
    assert_eq!(json, "\"13.71-RAUDAH/2018/0042\"");
}

#[test]
fn uuid_v7_ids_come_from_the_caller_and_sort_by_time() {
    let t1 = Utc.with_ymd_and_hms(2019, 4, 8, 1, 0, 0).single().expect("time");
    let t2 = t1 + chrono::Duration::milliseconds(1);
    let a = EventId::new_v7(t1, IdSeed::new([0xFF; 10]));
    let b = EventId::new_v7(t2, IdSeed::new([0; 10]));
    assert!(a < b, "later ids sort after earlier ones");
    assert_eq!(a, EventId::new_v7(t1, IdSeed::new([0xFF; 10])), "same inputs, same id");
    assert_ne!(IdSeed::new([1; 10]).derive(0), IdSeed::new([1; 10]).derive(1));
    assert_eq!(a.as_uuid().get_version_num(), 7);
    assert_eq!(EventId::parse(&a.to_string()).expect("round trip"), a);
    assert_eq!(CaseId::parse("not-a-uuid").expect_err("").code(), ErrorCode::IdFormat);
}

#[test]
fn error_codes_are_unique_and_well_formed() {
    let mut seen = std::collections::HashSet::new();
    for code in ErrorCode::ALL {
        assert!(seen.insert(code.id()), "duplicate {}", code.id());
        let digits = code.id().strip_prefix("LK3-E").expect("prefix");
        assert!(digits.len() == 3 && digits.bytes().all(|b| b.is_ascii_digit()), "{}", code.id());
        assert!(!code.label_id().is_empty() && !code.label_en().is_empty());
    }
}

proptest! {
    #[test]
    fn parsers_never_panic(s in "\\PC{0,40}") {
        let _ = Nik::parse(&s);
        let _ = NoKk::parse(&s);
        let _ = KodeWilayah::parse(&s);
        let _ = UnitCode::parse(&s);
        let _ = CaseNumber::parse(&s);
        let _ = CaseId::parse(&s);
    }

    #[test]
    fn digit_strings_never_panic(s in "[0-9.\\-/]{0,24}") {
        let _ = Nik::parse(&s);
        let _ = NoKk::parse(&s);
        let _ = KodeWilayah::parse(&s);
        let _ = CaseNumber::parse(&s);
    }

    /// Every kode wilayah, unit code and case number the parsers take is
    /// written back as it was read: each part zero-padded to its width (a
    /// serial to at least four digits), a suffix after a dash.
    #[test]
    fn valid_codes_and_case_numbers_round_trip(
        pp in 11u8..=99, kk in prop_oneof![1u8..=69, 71u8..=99], cc in 1u8..=99, village in 1000u16..=3999,
        depth in 1usize..=4, suffix in prop::option::of("[A-Z0-9]{1,16}"),
        year in 1900u16..=9999, serial in prop_oneof![1u32..=20_000, 1u32..=u32::MAX],
    ) {
        let parts = [format!("{pp:02}"), format!("{kk:02}"), format!("{cc:02}"), format!("{village:04}")];
        let kode = parts[..depth].join(".");
        prop_assert_eq!(KodeWilayah::parse(&kode).expect("a kode wilayah").to_string(), kode.clone());
        let mut unit = parts[..depth.min(2)].join(".");
        if let Some(suffix) = &suffix {
            unit = format!("{unit}-{suffix}");
        }
        prop_assert_eq!(UnitCode::parse(&unit).expect("a unit").to_string(), unit.clone());
        let number = format!("{unit}/{year}/{serial:04}");
        prop_assert_eq!(CaseNumber::parse(&number).expect("a case number").to_string(), number);
    }

    #[test]
    fn valid_niks_round_trip(pp in 11u8..=94, kk in 1u8..=69, cc in 1u8..=99, day in 1u8..=28, female: bool, mm in 1u8..=12, yy in 0u8..=99, serial in 1u16..=9999) {
        let dd = if female { day + 40 } else { day };
        let s = format!("{pp:02}{kk:02}{cc:02}{dd:02}{mm:02}{yy:02}{serial:04}");
        let nik = Nik::parse(&s).expect("valid by construction");
        prop_assert_eq!(nik.to_string(), s);
        let f = nik.facts();
        prop_assert_eq!(f.birth_day, day);
        prop_assert_eq!(f.sex == Sex::Perempuan, female);
        prop_assert_eq!(f.serial, serial);
    }
}
