//! The partner network (jejaring): vocabularies, validation, the directory
//! and the HSDS 3.0 mapping.

use std::collections::BTreeSet;

use chrono::{TimeZone, Utc};
use lk3_core::ids::{IdSeed, PartnerId, UnitCode};
use lk3_core::partner::*;
use lk3_core::vocab::ProtectivePartner;
use lk3_core::{ErrorCode, Labelled, Lk3Error};
use proptest::prelude::*;
use serde_json::Value;

fn pid(n: u8) -> PartnerId {
    let at = Utc.with_ymd_and_hms(2019, 4, 8, 1, 0, 0).single().expect("valid time");
    PartnerId::new_v7(at, IdSeed::new([n; 10]))
}

fn unit(code: &str) -> UnitCode {
    code.parse().expect("valid unit code")
}

fn service(slug: &str, status: PartnerServiceStatus) -> PartnerService {
    PartnerService { service_id: slug.to_owned(), name: format!("Layanan {slug}"), status }
}

fn location(slug: &str) -> PartnerLocation {
    PartnerLocation {
        location_id: slug.to_owned(),
        kode_wilayah: Some("64.74.02".parse().expect("valid kode wilayah")),
        address: Some("Jl. Contoh No. 1, Bontang".to_owned()),
        kind: PartnerLocationKind::Fisik,
    }
}

/// A valid partner that accepts referrals.
fn partner(n: u8, kind: PartnerKind) -> Partner {
    Partner {
        partner_id: pid(n),
        unit: unit("64.74"),
        name: format!("Mitra {n}"),
        kind,
        services: vec![service("pendampingan", PartnerServiceStatus::Aktif)],
        locations: vec![location("kantor")],
        accepts_referrals: true,
        emergency_line: false,
        capacity: None,
    }
}

fn only_problem(p: &Partner) -> PartnerProblem {
    let problems = p.validate();
    assert_eq!(problems.len(), 1, "{problems:?}");
    problems.into_iter().next().expect("one problem")
}

// ---------------------------------------------------------------- vocabularies

fn assert_vocabulary<T: Labelled + std::fmt::Debug + PartialEq>() {
    let ids: BTreeSet<&str> = T::ALL.iter().map(|v| v.id()).collect();
    assert_eq!(ids.len(), T::ALL.len(), "duplicate id");
    for (i, v) in T::ALL.iter().enumerate() {
        assert!(!v.label_id().trim().is_empty() && !v.label_en().trim().is_empty(), "{v:?}");
        assert!(v.id().bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'), "{}", v.id());
        assert_eq!(v.index(), i);
        assert_eq!(T::from_id(v.id()).as_ref(), Some(v));
    }
}

#[test]
fn partner_kinds_have_unique_ids_and_both_labels() {
    assert_vocabulary::<PartnerKind>();
    let expected = [
        "rumah_sakit",
        "puskesmas",
        "polisi_uppa",
        "uptd_ppa",
        "rptc",
        "rpsa",
        "lbh_posbakum",
        "pengadilan_agama",
        "kejaksaan",
        "kua",
        "dinas_sosial",
        "dinas_kesehatan",
        "dukcapil",
        "baznas_laz",
        "shelter",
        "lainnya",
    ];
    let ids: Vec<&str> = PartnerKind::ALL.iter().map(|k| k.id()).collect();
    assert_eq!(ids, expected);
    for k in PartnerKind::ALL {
        assert_eq!(serde_json::to_value(k).expect("json"), Value::String(k.id().to_owned()));
        assert_eq!(k.to_string().parse::<PartnerKind>(), Ok(*k));
    }
    assert_eq!("rumah sakit".parse::<PartnerKind>().expect_err("not an id").code(), ErrorCode::UnknownValue);
}

#[test]
fn other_vocabularies_have_unique_ids_and_both_labels() {
    assert_vocabulary::<PartnerServiceStatus>();
    assert_vocabulary::<PartnerLocationKind>();
    assert_vocabulary::<PartnerProblemKind>();
}

#[test]
fn service_status_maps_onto_the_hsds_status_set() {
    let ids: Vec<&str> = PartnerServiceStatus::ALL.iter().map(|s| s.id()).collect();
    assert_eq!(ids, ["aktif", "tidak_aktif", "bubar", "tutup_sementara"]);
    let hsds: Vec<&str> = PartnerServiceStatus::ALL.iter().map(|s| s.hsds()).collect();
    assert_eq!(hsds, ["active", "inactive", "defunct", "temporarily closed"]);
    for s in PartnerServiceStatus::ALL {
        assert_eq!(PartnerServiceStatus::from_hsds(s.hsds()), Some(*s));
        assert_eq!(s.is_active(), *s == PartnerServiceStatus::Aktif);
    }
    assert_eq!(PartnerServiceStatus::from_hsds("temporarily_closed"), None);
    assert_eq!(PartnerServiceStatus::from_hsds("aktif"), None);
}

#[test]
fn location_kind_maps_onto_the_hsds_location_types() {
    let hsds: Vec<&str> = PartnerLocationKind::ALL.iter().map(|k| k.hsds()).collect();
    assert_eq!(hsds, ["physical", "postal", "virtual"]);
    for k in PartnerLocationKind::ALL {
        assert_eq!(PartnerLocationKind::from_hsds(k.hsds()), Some(*k));
    }
    assert_eq!(PartnerLocationKind::from_hsds("Physical"), None);
}

#[test]
fn protective_partners_are_partner_kinds_with_the_same_id() {
    for p in ProtectivePartner::ALL {
        assert_eq!(PartnerKind::from(*p).id(), p.id());
    }
}

// ---------------------------------------------------------------- validation

#[test]
fn a_complete_partner_is_valid() {
    let p = partner(1, PartnerKind::RumahSakit);
    assert_eq!(p.validate(), vec![]);
    assert!(p.is_valid());
    assert!(p.is_referral_target());
}

#[test]
fn an_empty_or_blank_name_is_a_problem() {
    for name in ["", "   ", "\t\n"] {
        let mut p = partner(1, PartnerKind::Kua);
        p.name = name.to_owned();
        assert_eq!(only_problem(&p), PartnerProblem { kind: PartnerProblemKind::NamaKosong, pointer: "/name".into() });
    }
}

#[test]
fn a_name_over_200_characters_is_a_problem() {
    let mut p = partner(1, PartnerKind::Kua);
    p.name = "é".repeat(MAX_NAME_CHARS);
    assert!(p.validate().is_empty(), "200 two-byte characters are within the limit");
    p.name.push('a');
    assert_eq!(
        only_problem(&p),
        PartnerProblem { kind: PartnerProblemKind::NamaTerlaluPanjang, pointer: "/name".into() }
    );
    assert_eq!(MAX_NAME_CHARS, 200);
    assert!(PartnerProblemKind::NamaTerlaluPanjang.label_en().contains("200"));
}

#[test]
fn a_service_name_is_checked_like_the_partner_name() {
    let mut p = partner(1, PartnerKind::Kua);
    p.services[0].name = " ".to_owned();
    assert_eq!(
        only_problem(&p),
        PartnerProblem { kind: PartnerProblemKind::NamaKosong, pointer: "/services/0/name".into() }
    );
    p.services[0].name = "x".repeat(201);
    assert_eq!(only_problem(&p).kind, PartnerProblemKind::NamaTerlaluPanjang);
}

#[test]
fn slugs_must_match_the_slug_pattern() {
    let longest = format!("a{}", "-".repeat(62));
    for good in ["a", "0", "igd", "visum-et-repertum", "a-", "24-jam", longest.as_str()] {
        assert!(is_valid_slug(good), "{good:?}");
    }
    let too_long = format!("a{}", "b".repeat(63));
    for bad in ["", "-a", "A", "kantor_pusat", "kantor pusat", "kántor", "kantor/pusat", "kantor\n", too_long.as_str()]
    {
        assert!(!is_valid_slug(bad), "{bad:?}");
    }

    let mut p = partner(1, PartnerKind::Kua);
    p.services[0].service_id = "Visum".to_owned();
    assert_eq!(
        only_problem(&p),
        PartnerProblem { kind: PartnerProblemKind::SlugTidakSah, pointer: "/services/0/service_id".into() }
    );
    let mut p = partner(1, PartnerKind::Kua);
    p.locations[0].location_id = String::new();
    assert_eq!(
        only_problem(&p),
        PartnerProblem { kind: PartnerProblemKind::SlugTidakSah, pointer: "/locations/0/location_id".into() }
    );
}

#[test]
fn duplicate_service_ids_are_a_problem() {
    let mut p = partner(1, PartnerKind::RumahSakit);
    p.services.push(service("visum", PartnerServiceStatus::Aktif));
    p.services.push(service("pendampingan", PartnerServiceStatus::TidakAktif));
    assert_eq!(
        only_problem(&p),
        PartnerProblem { kind: PartnerProblemKind::IdGanda, pointer: "/services/2/service_id".into() }
    );
}

#[test]
fn duplicate_location_ids_are_a_problem() {
    let mut p = partner(1, PartnerKind::RumahSakit);
    p.locations.push(location("kantor"));
    assert_eq!(
        only_problem(&p),
        PartnerProblem { kind: PartnerProblemKind::IdGanda, pointer: "/locations/1/location_id".into() }
    );
}

#[test]
fn a_service_and_a_location_may_share_a_slug() {
    let mut p = partner(1, PartnerKind::RumahSakit);
    p.locations[0].location_id = "pendampingan".to_owned();
    assert!(p.validate().is_empty());
}

#[test]
fn a_partner_accepting_referrals_needs_an_active_service() {
    let mut p = partner(1, PartnerKind::Shelter);
    p.services = vec![
        service("rumah-aman", PartnerServiceStatus::TutupSementara),
        service("konseling", PartnerServiceStatus::TidakAktif),
        service("lama", PartnerServiceStatus::Bubar),
    ];
    assert_eq!(
        only_problem(&p),
        PartnerProblem { kind: PartnerProblemKind::TanpaLayananAktif, pointer: "/services".into() }
    );
    p.services.clear();
    assert_eq!(only_problem(&p).kind, PartnerProblemKind::TanpaLayananAktif);
    p.accepts_referrals = false;
    assert!(p.validate().is_empty(), "a partner that takes no referrals needs no service");
    assert!(!p.is_referral_target());
}

#[test]
fn a_partner_needs_a_location() {
    let mut p = partner(1, PartnerKind::BaznasLaz);
    p.locations.clear();
    assert_eq!(
        only_problem(&p),
        PartnerProblem { kind: PartnerProblemKind::TanpaLokasi, pointer: "/locations".into() }
    );
}

#[test]
fn a_given_address_must_be_neither_blank_nor_too_long() {
    let mut p = partner(1, PartnerKind::Dukcapil);
    p.locations[0].address = Some("  ".to_owned());
    assert_eq!(
        only_problem(&p),
        PartnerProblem { kind: PartnerProblemKind::AlamatKosong, pointer: "/locations/0/address".into() }
    );
    p.locations[0].address = Some("j".repeat(MAX_ADDRESS_CHARS));
    assert!(p.validate().is_empty());
    p.locations[0].address = Some("j".repeat(MAX_ADDRESS_CHARS + 1));
    assert_eq!(only_problem(&p).kind, PartnerProblemKind::AlamatTerlaluPanjang);
    assert!(PartnerProblemKind::AlamatTerlaluPanjang.label_en().contains("500"));
    p.locations[0].address = None;
    assert!(p.validate().is_empty());
}

#[test]
fn several_problems_are_all_reported_in_field_order() {
    let mut p = partner(1, PartnerKind::Lainnya);
    p.name = String::new();
    p.services = vec![
        service("Bad Slug", PartnerServiceStatus::TidakAktif),
        service("ok", PartnerServiceStatus::Bubar),
        service("ok", PartnerServiceStatus::TidakAktif),
    ];
    p.services[1].name = String::new();
    p.locations.clear();
    let problems = p.validate();
    let got: Vec<(PartnerProblemKind, &str)> = problems.iter().map(|x| (x.kind, x.pointer.as_str())).collect();
    assert_eq!(
        got,
        [
            (PartnerProblemKind::NamaKosong, "/name"),
            (PartnerProblemKind::SlugTidakSah, "/services/0/service_id"),
            (PartnerProblemKind::NamaKosong, "/services/1/name"),
            (PartnerProblemKind::IdGanda, "/services/2/service_id"),
            (PartnerProblemKind::TanpaLayananAktif, "/services"),
            (PartnerProblemKind::TanpaLokasi, "/locations"),
        ]
    );
}

#[test]
fn problems_point_into_the_partner_json_and_speak_both_languages() {
    let mut p = partner(1, PartnerKind::Lainnya);
    p.name = "RAHASIA-0123456789012345".to_owned();
    p.services[0].service_id = "RAHASIA".to_owned();
    p.services.push(service("b", PartnerServiceStatus::Aktif));
    p.services[1].name = "x".repeat(300);
    let json = serde_json::to_value(&p).expect("json");
    for problem in p.validate() {
        assert!(json.pointer(&problem.pointer).is_some(), "{} does not point into the JSON", problem.pointer);
        assert_eq!(problem.message_en(), problem.to_string());
        assert!(problem.message_en().starts_with(&problem.pointer));
        assert!(problem.message_id().contains(problem.kind.label_id()));
        assert!(!problem.message_en().contains("RAHASIA") && !problem.message_id().contains("RAHASIA"));
    }
    let problem = PartnerProblem { kind: PartnerProblemKind::TanpaLokasi, pointer: "/locations".into() };
    assert_eq!(problem.message_id(), "/locations: mitra memerlukan paling sedikit satu lokasi");
    assert_eq!(problem.message_en(), "/locations: a partner needs at least one location");
    let json = serde_json::to_value(&problem).expect("json");
    assert_eq!(json, serde_json::json!({"kind": "tanpa_lokasi", "pointer": "/locations"}));
}

// ---------------------------------------------------------------- directory

#[test]
fn the_directory_refuses_a_duplicate_id() {
    let mut d = PartnerDirectory::new();
    d.insert(partner(1, PartnerKind::RumahSakit)).expect("first insert");
    let mut other = partner(1, PartnerKind::Puskesmas);
    other.name = "Another name".to_owned();
    let e = d.insert(other).expect_err("duplicate id");
    assert_eq!(e, PartnerError::Duplicate { partner_id: pid(1) });
    assert_eq!(e.code(), ErrorCode::InvalidCommand);
    assert_eq!(e.code().id(), "LK3-E033");
    assert!(e.problems().is_empty());
    assert!(e.to_string().contains(&pid(1).to_string()));
    assert!(e.message_id().contains("sudah ada"));
    assert_eq!(d.len(), 1);
    assert_eq!(d.get(pid(1)).map(|p| p.kind), Some(PartnerKind::RumahSakit), "the first record is kept");
}

#[test]
fn the_directory_refuses_an_invalid_partner_and_lists_every_problem() {
    let mut d = PartnerDirectory::new();
    let mut p = partner(2, PartnerKind::Rptc);
    p.name = String::new();
    p.locations.clear();
    let e = d.insert(p.clone()).expect_err("invalid");
    assert_eq!(e.code(), ErrorCode::InvalidCommand);
    assert_eq!(e, PartnerError::Invalid { partner_id: pid(2), problems: p.validate() });
    assert_eq!(e.problems().len(), 2);
    assert!(e.message_en().contains("/name: the name must not be empty"), "{e}");
    assert!(e.message_en().contains("/locations: a partner needs at least one location"), "{e}");
    assert!(e.message_id().contains("/name: nama tidak boleh kosong"), "{}", e.message_id());
    assert!(d.is_empty(), "a refused partner leaves the directory unchanged");
}

#[test]
fn the_directory_knows_unknown_partners() {
    let mut d = PartnerDirectory::new();
    d.insert(partner(1, PartnerKind::Kejaksaan)).expect("insert");
    assert_eq!(d.require(pid(1)).map(|p| p.kind), Ok(PartnerKind::Kejaksaan));
    let e = d.require(pid(9)).expect_err("unknown");
    assert_eq!(e.code(), ErrorCode::UnknownReference);
    assert_eq!(e, PartnerError::UnknownPartner { partner_id: pid(9) });
    assert!(d.get(pid(9)).is_none() && !d.contains(pid(9)) && d.contains(pid(1)));
}

#[test]
fn replace_and_remove() {
    let mut d = PartnerDirectory::new();
    let mut p = partner(1, PartnerKind::UptdPpa);
    assert_eq!(d.replace(p.clone()).expect_err("not there").code(), ErrorCode::UnknownReference);
    d.insert(p.clone()).expect("insert");
    p.capacity = Some(4);
    let old = d.replace(p.clone()).expect("replace");
    assert_eq!(old.capacity, None);
    assert_eq!(d.get(pid(1)).and_then(|p| p.capacity), Some(4));
    let mut bad = p.clone();
    bad.locations.clear();
    assert_eq!(d.replace(bad).expect_err("invalid").code(), ErrorCode::InvalidCommand);
    assert_eq!(d.get(pid(1)), Some(&p), "a refused replacement keeps the old record");
    assert_eq!(d.remove(pid(1)), Some(p));
    assert_eq!(d.remove(pid(1)), None);
    assert!(d.is_empty());
}

#[test]
fn the_directory_lists_in_id_order_and_filters_by_kind_and_unit() {
    let mut d = PartnerDirectory::new();
    let mut other_unit = partner(3, PartnerKind::RumahSakit);
    other_unit.unit = unit("13.71-RAUDAH");
    // Inserted out of order.
    for p in [other_unit, partner(1, PartnerKind::RumahSakit), partner(2, PartnerKind::Puskesmas)] {
        d.insert(p).expect("insert");
    }
    let order: Vec<PartnerId> = d.iter().map(|p| p.partner_id).collect();
    assert_eq!(order, [pid(1), pid(2), pid(3)]);
    assert_eq!((&d).into_iter().count(), 3);
    let hospitals: Vec<PartnerId> = d.by_kind(PartnerKind::RumahSakit).map(|p| p.partner_id).collect();
    assert_eq!(hospitals, [pid(1), pid(3)]);
    assert_eq!(d.by_kind(PartnerKind::Kua).count(), 0);
    let bontang = unit("64.74");
    let local: Vec<PartnerId> = d.by_unit(&bontang).map(|p| p.partner_id).collect();
    assert_eq!(local, [pid(1), pid(2)]);
    assert_eq!(d.len(), 3);
}

#[test]
fn referral_targets_accept_referrals_and_have_an_active_service() {
    let target = partner(1, PartnerKind::RumahSakit);
    let mut not_accepting = partner(2, PartnerKind::Dukcapil);
    not_accepting.accepts_referrals = false;
    let mut closed = partner(3, PartnerKind::Shelter);
    closed.accepts_referrals = false;
    closed.services[0].status = PartnerServiceStatus::TutupSementara;
    let mut mixed = partner(4, PartnerKind::LbhPosbakum);
    mixed.services.insert(0, service("posbakum", PartnerServiceStatus::Bubar));
    let d = PartnerDirectory::try_from_partners([target, not_accepting, closed, mixed]).expect("all valid");
    let targets: Vec<PartnerId> = d.referral_targets().map(|p| p.partner_id).collect();
    assert_eq!(targets, [pid(1), pid(4)]);
    let p4 = d.get(pid(4)).expect("present");
    assert_eq!(p4.active_services().map(|s| s.service_id.as_str()).collect::<Vec<_>>(), ["pendampingan"]);
    assert_eq!(p4.service("posbakum").map(|s| s.status), Some(PartnerServiceStatus::Bubar));
    assert!(p4.location("kantor").is_some() && p4.location("cabang").is_none());
}

#[test]
fn try_from_partners_stops_at_the_first_refusal() {
    let e = PartnerDirectory::try_from_partners([partner(1, PartnerKind::Kua), partner(1, PartnerKind::Kua)])
        .expect_err("duplicate");
    assert_eq!(e, PartnerError::Duplicate { partner_id: pid(1) });
}

// ---------------------------------------------------------------- HSDS

fn as_str<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or_else(|| panic!("`{key}` is not a string in {v}"))
}

fn rich_partner() -> Partner {
    let mut p = partner(7, PartnerKind::Shelter);
    p.services.push(service("konseling", PartnerServiceStatus::TutupSementara));
    p.services.push(service("lama", PartnerServiceStatus::Bubar));
    p.services.push(service("kelas", PartnerServiceStatus::TidakAktif));
    p.locations.push(PartnerLocation {
        location_id: "hotline".into(),
        kode_wilayah: None,
        address: None,
        kind: PartnerLocationKind::Daring,
    });
    p.locations.push(PartnerLocation {
        location_id: "pos".into(),
        kode_wilayah: Some("64.74".parse().expect("kode")),
        address: Some("Kotak Pos 1".into()),
        kind: PartnerLocationKind::Surat,
    });
    p.emergency_line = true;
    p.capacity = Some(12);
    p
}

#[test]
fn hsds_organization_has_the_required_fields() {
    let p = rich_partner();
    let org = p.to_hsds();
    assert_eq!(as_str(&org, "id"), p.partner_id.to_string());
    assert_eq!(as_str(&org, "id"), p.hsds_id());
    assert_eq!(as_str(&org, "name"), p.name);
    let description = as_str(&org, "description");
    assert!(description.contains("Shelter / rumah aman") && description.contains("64.74"), "{description}");
    assert!(org["services"].is_array() && org["locations"].is_array() && org["attributes"].is_array());
}

#[test]
fn hsds_services_have_id_name_and_an_allowed_status() {
    let p = rich_partner();
    let org = p.to_hsds();
    let services = org["services"].as_array().expect("array");
    assert_eq!(services.len(), p.services.len());
    let allowed = ["active", "inactive", "defunct", "temporarily closed"];
    let mut statuses = BTreeSet::new();
    for (svc, ours) in services.iter().zip(&p.services) {
        assert_eq!(as_str(svc, "id"), format!("{}/{}", p.partner_id, ours.service_id));
        assert_eq!(as_str(svc, "name"), ours.name);
        assert_eq!(as_str(svc, "organization_id"), p.partner_id.to_string());
        let status = as_str(svc, "status");
        assert!(allowed.contains(&status), "{status}");
        assert_eq!(PartnerServiceStatus::from_hsds(status), Some(ours.status));
        statuses.insert(status);
    }
    assert_eq!(statuses.len(), 4, "every status appears once");
}

#[test]
fn hsds_locations_have_id_and_an_allowed_location_type() {
    let p = rich_partner();
    let org = p.to_hsds();
    let locations = org["locations"].as_array().expect("array");
    assert_eq!(locations.len(), 3);
    for (loc, ours) in locations.iter().zip(&p.locations) {
        assert_eq!(as_str(loc, "id"), format!("{}/{}", p.partner_id, ours.location_id));
        let t = as_str(loc, "location_type");
        assert!(["physical", "postal", "virtual"].contains(&t), "{t}");
        assert_eq!(PartnerLocationKind::from_hsds(t), Some(ours.kind));
        assert_eq!(as_str(loc, "organization_id"), p.partner_id.to_string());
        assert_eq!(as_str(loc, "name"), p.name);
        assert_eq!(loc.get("description").and_then(Value::as_str), ours.address.as_deref());
        let kode = ours.kode_wilayah.map(|k| k.to_string());
        assert_eq!(loc.get("external_identifier").and_then(Value::as_str), kode.as_deref());
        assert_eq!(loc.get("external_identifier_type").is_some(), kode.is_some());
        assert!(loc.get("addresses").is_none());
    }
    assert_eq!(as_str(&locations[0], "external_identifier_type"), HSDS_KODE_WILAYAH_TYPE);
}

#[test]
fn hsds_ids_are_strings_and_unique_per_entity() {
    let org = rich_partner().to_hsds();
    for list in ["services", "locations", "attributes"] {
        let items = org[list].as_array().expect("array");
        let ids: BTreeSet<&str> = items.iter().map(|x| as_str(x, "id")).collect();
        assert_eq!(ids.len(), items.len(), "{list} ids are unique");
    }
}

#[test]
fn hsds_attributes_carry_the_kind_and_the_lk3_fields() {
    let p = rich_partner();
    let org = p.to_hsds();
    let attributes = org["attributes"].as_array().expect("array");
    let mut by_code = std::collections::BTreeMap::new();
    for a in attributes {
        assert!(as_str(a, "id").starts_with(&p.hsds_id()));
        assert_eq!(as_str(a, "link_id"), p.hsds_id());
        assert_eq!(as_str(a, "link_entity"), "organization");
        let term = &a["taxonomy_term"];
        for field in ["id", "name", "description", "code", "taxonomy"] {
            as_str(term, field);
        }
        assert_eq!(as_str(a, "taxonomy_term_id"), as_str(term, "id"));
        by_code.insert(as_str(term, "code"), a);
    }
    let kind = by_code["shelter"];
    assert_eq!(as_str(kind, "id"), format!("{}/attribute/jenis_mitra", p.hsds_id()), "stable when the kind changes");
    assert_eq!(as_str(&kind["taxonomy_term"], "taxonomy"), HSDS_KIND_TAXONOMY);
    assert_eq!(as_str(&kind["taxonomy_term"], "id"), "lk3-jenis-mitra/shelter");
    assert_eq!(as_str(&kind["taxonomy_term"], "name"), "Shelter / rumah aman");
    let value = |code: &str| by_code.get(code).map(|a| as_str(a, "value"));
    assert_eq!(value("unit_lk3"), Some("64.74"));
    assert_eq!(value("menerima_rujukan"), Some("true"));
    assert_eq!(value("layanan_24_jam"), Some("true"));
    assert_eq!(value("kapasitas"), Some("12"));
    for code in ["unit_lk3", "menerima_rujukan", "layanan_24_jam", "kapasitas"] {
        assert_eq!(as_str(&by_code[code]["taxonomy_term"], "taxonomy"), HSDS_ATTRIBUTE_TAXONOMY);
    }

    let mut plain = partner(1, PartnerKind::Kua);
    plain.accepts_referrals = false;
    let org = plain.to_hsds();
    let codes: Vec<&str> =
        org["attributes"].as_array().expect("array").iter().map(|a| as_str(&a["taxonomy_term"], "code")).collect();
    assert_eq!(codes, ["kua", "unit_lk3", "menerima_rujukan", "layanan_24_jam"], "no capacity when unknown");
    assert_eq!(org["attributes"][2]["value"], "false");
}

#[test]
fn every_kind_survives_the_hsds_mapping() {
    for (i, k) in PartnerKind::ALL.iter().enumerate() {
        let p = partner(u8::try_from(i).expect("few kinds"), *k);
        assert_eq!(partner_kind_from_hsds(&p.to_hsds()), Some(*k));
    }
    assert_eq!(partner_kind_from_hsds(&Value::Null), None);
    let foreign = serde_json::json!({"attributes": [{"taxonomy_term": {"taxonomy": "other", "code": "kua"}}]});
    assert_eq!(partner_kind_from_hsds(&foreign), None);
}

#[test]
fn hsds_directory_is_an_array_in_directory_order() {
    let d = PartnerDirectory::try_from_partners([partner(2, PartnerKind::Rpsa), partner(1, PartnerKind::Rptc)])
        .expect("valid");
    let out = d.to_hsds();
    let ids: Vec<&str> = out.as_array().expect("array").iter().map(|o| as_str(o, "id")).collect();
    assert_eq!(ids, [pid(1).to_string(), pid(2).to_string()]);
    assert_eq!(out[0], d.get(pid(1)).expect("present").to_hsds());
    assert_eq!(PartnerDirectory::new().to_hsds(), serde_json::json!([]));
}

// ---------------------------------------------------------------- serde

#[test]
fn partner_json_round_trips_with_indonesian_ids() {
    let p = rich_partner();
    let json = serde_json::to_value(&p).expect("json");
    assert_eq!(json["kind"], "shelter");
    assert_eq!(json["unit"], "64.74");
    assert_eq!(json["partner_id"], p.partner_id.to_string());
    assert_eq!(json["services"][1]["status"], "tutup_sementara");
    assert_eq!(json["locations"][0]["kind"], "fisik");
    assert_eq!(json["locations"][0]["kode_wilayah"], "64.74.02");
    assert_eq!(json["capacity"], 12);
    let back: Partner = serde_json::from_value(json).expect("parses");
    assert_eq!(back, p);
    let text = serde_json::to_string(&p).expect("json");
    assert_eq!(serde_json::from_str::<Partner>(&text).expect("parses"), p);
}

#[test]
fn missing_optional_fields_read_as_none() {
    let mut json = serde_json::to_value(partner(1, PartnerKind::Kua)).expect("json");
    let obj = json.as_object_mut().expect("object");
    obj.remove("capacity");
    let loc = obj["locations"][0].as_object_mut().expect("object");
    loc.remove("address");
    loc.remove("kode_wilayah");
    let p: Partner = serde_json::from_value(json).expect("parses");
    assert_eq!((p.capacity, p.locations[0].address.as_deref(), p.locations[0].kode_wilayah), (None, None, None));
}

#[test]
fn unknown_fields_and_bad_values_are_refused() {
    let good = serde_json::to_value(partner(1, PartnerKind::Kua)).expect("json");
    let refuse = |edit: &dyn Fn(&mut Value)| {
        let mut v = good.clone();
        edit(&mut v);
        assert!(serde_json::from_value::<Partner>(v.clone()).is_err(), "accepted {v}");
    };
    refuse(&|v| v["phone"] = "0548-1".into());
    refuse(&|v| v["services"][0]["fee"] = 0.into());
    refuse(&|v| v["locations"][0]["city"] = "Bontang".into());
    refuse(&|v| v["kind"] = "hospital".into());
    refuse(&|v| v["services"][0]["status"] = "active".into());
    refuse(&|v| v["locations"][0]["kind"] = "physical".into());
    refuse(&|v| v["locations"][0]["kode_wilayah"] = "64.7".into());
    refuse(&|v| v["unit"] = "64.74.01".into());
    refuse(&|v| v["partner_id"] = "not-a-uuid".into());
    refuse(&|v| v["capacity"] = (-1).into());
    assert!(
        serde_json::from_value::<PartnerProblem>(serde_json::json!({"kind": "tanpa_lokasi", "pointer": "", "x": 1}))
            .is_err()
    );
}

// ---------------------------------------------------------------- HSDS read back

#[test]
fn every_kind_status_and_location_type_reads_back_from_hsds() {
    for kind in PartnerKind::ALL {
        for status in PartnerServiceStatus::ALL {
            for location_kind in PartnerLocationKind::ALL {
                for capacity in [None, Some(0), Some(40)] {
                    let mut p = rich_partner();
                    p.kind = *kind;
                    p.services[0].status = *status;
                    p.locations[0].kind = *location_kind;
                    p.capacity = capacity;
                    p.accepts_referrals = capacity.is_some();
                    assert_eq!(Partner::from_hsds(&p.to_hsds()), Ok(p));
                }
            }
        }
    }
    let directory = PartnerDirectory::try_from_partners([rich_partner(), partner(9, PartnerKind::Kua)]).expect("valid");
    let back: Vec<Partner> =
        directory.to_hsds().as_array().expect("array").iter().map(|o| Partner::from_hsds(o).expect("reads")).collect();
    assert_eq!(back, directory.iter().cloned().collect::<Vec<_>>());
}

#[test]
fn an_organization_not_in_lk3_s_form_is_refused_with_where_and_what() {
    let org = rich_partner().to_hsds();
    type Breaks = Box<dyn Fn(&mut Value)>;
    let cases: Vec<(&str, Breaks)> = vec![
        ("/id", Box::new(|v| v["id"] = "not-a-uuid".into())),
        ("/id", Box::new(|v| v.as_object_mut().expect("object").remove("id").map(drop).unwrap_or_default())),
        ("/name", Box::new(|v| v["name"] = 7.into())),
        ("/attributes", Box::new(|v| v["attributes"] = serde_json::json!([]))),
        ("/services", Box::new(|v| v["services"] = "none".into())),
        ("/services/0/status", Box::new(|v| v["services"][0]["status"] = "aktif".into())),
        ("/services/0/id", Box::new(|v| v["services"][0]["id"] = "elsewhere/visum".into())),
        ("/locations/0/location_type", Box::new(|v| v["locations"][0]["location_type"] = "fisik".into())),
        ("/locations/0/external_identifier", Box::new(|v| v["locations"][0]["external_identifier"] = "64.7".into())),
    ];
    for (pointer, break_it) in cases {
        let mut broken = org.clone();
        break_it(&mut broken);
        let e = Partner::from_hsds(&broken).expect_err(pointer);
        assert_eq!(e.pointer, pointer, "{e}");
        assert_eq!(e.code(), ErrorCode::SchemaViolation);
        assert!(e.message_id().contains(pointer) && e.to_string().contains(pointer));
    }
    // Each lk3 attribute: a wrong value is named at its own index.
    for (i, attr) in org["attributes"].as_array().expect("attributes").iter().enumerate() {
        if attr["taxonomy_term"]["taxonomy"] != HSDS_ATTRIBUTE_TAXONOMY {
            continue;
        }
        let mut broken = org.clone();
        broken["attributes"][i]["value"] = "x".into();
        let e = Partner::from_hsds(&broken).expect_err("a bad value");
        assert_eq!(e.pointer, format!("/attributes/{i}/value"));
        let mut missing = org.clone();
        missing["attributes"].as_array_mut().expect("attributes").remove(i);
        let code = attr["taxonomy_term"]["code"].as_str().expect("code");
        // Only the capacity may be left out.
        assert_eq!(Partner::from_hsds(&missing).is_ok(), code == "kapasitas", "{code}");
    }
}

// ---------------------------------------------------------------- references

/// Every use a case names a partner for, by each check, against a partner
/// that is unknown, offers no such service, stopped taking referrals, has the
/// service closed, or takes it: the outcome follows the documented rule of
/// [`PartnerDirectory::check_reference`].
#[test]
fn every_reference_is_judged_by_the_one_rule() {
    let uses = [
        ReferenceUse::Referrer,
        ReferenceUse::Disclosure,
        ReferenceUse::Plan,
        ReferenceUse::Referral,
        ReferenceUse::RequestedService,
        ReferenceUse::ProtectiveReferral,
    ];
    let open = partner(1, PartnerKind::RumahSakit);
    let mut not_taking = partner(2, PartnerKind::UptdPpa);
    not_taking.accepts_referrals = false;
    let mut closed = partner(3, PartnerKind::LbhPosbakum);
    closed.services.push(service("mediasi", PartnerServiceStatus::TutupSementara));
    let directory =
        PartnerDirectory::try_from_partners([open.clone(), not_taking.clone(), closed.clone()]).expect("valid");
    let slug = |s: &str| Slug::parse(s).expect("slug");
    for used_for in uses {
        for check in [ReferenceCheck::Recorded, ReferenceCheck::New] {
            let judge = |partner_id, service: Option<Slug>| {
                let r = PartnerReference { pointer: "/x".into(), partner_id, used_for, service };
                directory.check_reference(&r, check).map_err(|e| e.code())
            };
            let asks_anew = check == ReferenceCheck::New || used_for != ReferenceUse::RequestedService;
            let strict = check == ReferenceCheck::New && used_for.sends_a_client();
            let unknown = if asks_anew { Err(ErrorCode::UnknownReference) } else { Ok(()) };
            assert_eq!(judge(pid(99), None), unknown, "{used_for:?} {check:?}");
            assert_eq!(judge(open.partner_id, None), Ok(()));
            assert_eq!(judge(open.partner_id, Some(slug("pendampingan"))), Ok(()));
            assert_eq!(judge(open.partner_id, Some(slug("tidak-ada"))), Err(ErrorCode::UnknownReference));
            let unavailable = if strict { Err(ErrorCode::PartnerUnavailable) } else { Ok(()) };
            assert_eq!(judge(not_taking.partner_id, Some(slug("pendampingan"))), unavailable, "{used_for:?} {check:?}");
            assert_eq!(judge(closed.partner_id, Some(slug("mediasi"))), unavailable, "{used_for:?} {check:?}");
            assert_eq!(judge(closed.partner_id, Some(slug("pendampingan"))), Ok(()));
        }
    }
    assert_eq!(uses.iter().filter(|u| u.sends_a_client()).count(), 4);
    // A partner taking no referrals but keeping a 24-hour line takes an emergency protective referral only.
    let mut hotline = partner(4, PartnerKind::PolisiUppa);
    hotline.accepts_referrals = false;
    hotline.emergency_line = true;
    let directory = PartnerDirectory::try_from_partners([hotline.clone()]).expect("valid");
    for used_for in uses.into_iter().filter(|u| u.sends_a_client()) {
        let r = PartnerReference { pointer: "/x".into(), partner_id: hotline.partner_id, used_for, service: None };
        let judged = directory.check_reference(&r, ReferenceCheck::New).map_err(|e| e.code());
        let expected =
            if used_for == ReferenceUse::ProtectiveReferral { Ok(()) } else { Err(ErrorCode::PartnerUnavailable) };
        assert_eq!(judged, expected, "{used_for:?}");
    }
}

#[test]
fn directory_refusals_speak_both_languages_and_name_the_partner() {
    let p = pid(7);
    let errors = [
        PartnerError::UnknownService { partner_id: p, service: Slug::parse("visum").expect("slug") },
        PartnerError::NotAcceptingReferrals { partner_id: p },
        PartnerError::ServiceUnavailable { partner_id: p, service: Slug::parse("visum").expect("slug") },
        PartnerError::OtherUnit { partner_id: p, unit: unit("64.72") },
    ];
    for e in errors {
        assert!(e.message_id().contains(&p.to_string()) && e.message_en().contains(&p.to_string()), "{e}");
        assert_ne!(e.message_id(), e.message_en());
    }
}

// ---------------------------------------------------------------- properties

fn arbitrary_partner() -> impl Strategy<Value = Partner> {
    let text = "\\PC{0,80}|[a-z0-9-]{0,70}|.{195,205}";
    (
        text,
        prop::collection::vec((text, text, 0usize..4), 0..4),
        prop::collection::vec((text, prop::option::of(text), 0usize..3), 0..4),
        any::<bool>(),
        any::<bool>(),
        prop::option::of(any::<u32>()),
        0usize..16,
    )
        .prop_map(|(name, services, locations, accepts_referrals, emergency_line, capacity, kind)| Partner {
            partner_id: pid(1),
            unit: unit("64.74"),
            name,
            kind: PartnerKind::ALL[kind % PartnerKind::ALL.len()],
            services: services
                .into_iter()
                .map(|(service_id, name, s)| PartnerService {
                    service_id,
                    name,
                    status: PartnerServiceStatus::ALL[s % PartnerServiceStatus::ALL.len()],
                })
                .collect(),
            locations: locations
                .into_iter()
                .map(|(location_id, address, k)| PartnerLocation {
                    location_id,
                    kode_wilayah: None,
                    address,
                    kind: PartnerLocationKind::ALL[k % PartnerLocationKind::ALL.len()],
                })
                .collect(),
            accepts_referrals,
            emergency_line,
            capacity,
        })
}

proptest! {
    #[test]
    fn validate_and_hsds_never_panic(p in arbitrary_partner()) {
        let problems = p.validate();
        let json = serde_json::to_value(&p).expect("json");
        for problem in &problems {
            prop_assert!(json.pointer(&problem.pointer).is_some(), "{}", problem.pointer);
            let _ = (problem.message_id(), problem.message_en());
        }
        let mut d = PartnerDirectory::new();
        match d.insert(p.clone()) {
            Ok(()) => prop_assert!(problems.is_empty()),
            Err(e) => {
                prop_assert_eq!(e.problems(), &problems[..]);
                let _ = (e.message_id(), e.message_en());
            }
        }
        let org = p.to_hsds();
        prop_assert_eq!(org["services"].as_array().map(Vec::len), Some(p.services.len()));
        let read_back = Partner::from_hsds(&org);
        prop_assert_eq!(read_back.as_ref(), Ok(&p));
        let back: Partner = serde_json::from_value(json).expect("round trip");
        prop_assert_eq!(back, p);
    }

    #[test]
    fn slug_check_agrees_with_the_pattern(s in "\\PC{0,70}|[a-z0-9-]{0,70}|[A-Za-z0-9_ -]{0,10}") {
        let bytes = s.as_bytes();
        let expected = !bytes.is_empty()
            && bytes.len() <= 63
            && bytes[0] != b'-'
            && bytes.iter().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-');
        prop_assert_eq!(is_valid_slug(&s), expected);
    }

    #[test]
    fn every_pattern_slug_is_valid(s in "[a-z0-9][a-z0-9-]{0,62}") {
        prop_assert!(is_valid_slug(&s));
    }
}
