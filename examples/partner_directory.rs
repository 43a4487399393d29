//! Builds the partner network (jejaring) of the LK3 unit of Kota Bontang
//! (unit code `64.74`), shows which partners a client can be referred to, how
//! an invalid partner record is refused (with every problem, in Indonesian
//! and English), and prints the network as Open Referral HSDS 3.0
//! `organization` objects.
//!
//! `cargo run --example partner_directory`
//!
//! The institutions are the kinds a Bontang network would hold; their
//! services, kecamatan codes, addresses and capacities are illustrative, not
//! checked against the offices themselves.

use std::error::Error;

use chrono::{TimeZone, Utc};
use lk3::core::Labelled;
use lk3::core::Lk3Error;
use lk3::core::ids::{IdSeed, PartnerId, UnitCode};
use lk3::core::partner::{
    Partner, PartnerDirectory, PartnerKind, PartnerLocation, PartnerLocationKind, PartnerService,
    PartnerServiceStatus as Status,
};

/// Bontang Selatan, Bontang Utara, Bontang Barat.
const SELATAN: &str = "64.74.01";
const UTARA: &str = "64.74.02";
const BARAT: &str = "64.74.03";

fn service(slug: &str, name: &str, status: Status) -> PartnerService {
    PartnerService { service_id: slug.to_owned(), name: name.to_owned(), status }
}

fn office(slug: &str, kecamatan: &str, address: Option<&str>) -> Result<PartnerLocation, Box<dyn Error>> {
    Ok(PartnerLocation {
        location_id: slug.to_owned(),
        kode_wilayah: Some(kecamatan.parse()?),
        address: address.map(str::to_owned),
        kind: PartnerLocationKind::Fisik,
    })
}

fn hotline(slug: &str) -> PartnerLocation {
    PartnerLocation {
        location_id: slug.to_owned(),
        kode_wilayah: None,
        address: None,
        kind: PartnerLocationKind::Daring,
    }
}

/// What the directory needs beyond the name and kind.
struct Extra {
    services: Vec<PartnerService>,
    locations: Vec<PartnerLocation>,
    accepts_referrals: bool,
    emergency_line: bool,
    capacity: Option<u32>,
}

fn main() -> Result<(), Box<dyn Error>> {
    let unit: UnitCode = "64.74".parse()?;
    // Ids are inputs: a fixed time and fixed randomness make the output the
    // same on every run.
    let registered = Utc.with_ymd_and_hms(2019, 4, 8, 1, 0, 0).single().ok_or("invalid time")?;
    let mut seed = 0u8;
    let mut partner = |name: &str, kind: PartnerKind, extra: Extra| {
        seed += 1;
        Partner {
            partner_id: PartnerId::new_v7(registered, IdSeed::new([seed; 10])),
            unit,
            name: name.to_owned(),
            kind,
            services: extra.services,
            locations: extra.locations,
            accepts_referrals: extra.accepts_referrals,
            emergency_line: extra.emergency_line,
            capacity: extra.capacity,
        }
    };

    let partners = vec![
        partner(
            "RSUD Taman Husada Bontang",
            PartnerKind::RumahSakit,
            Extra {
                services: vec![
                    service("igd", "Instalasi Gawat Darurat", Status::Aktif),
                    service("ppt", "Pusat Pelayanan Terpadu korban kekerasan", Status::Aktif),
                    service("visum", "Visum et repertum", Status::Aktif),
                ],
                locations: vec![office("rsud", UTARA, Some("Jl. Contoh No. 1 (alamat ilustrasi)"))?],
                accepts_referrals: true,
                emergency_line: true,
                capacity: None,
            },
        ),
        partner(
            "Unit PPA Satreskrim Polres Bontang",
            PartnerKind::PolisiUppa,
            Extra {
                services: vec![service("laporan", "Penerimaan laporan dan pemeriksaan korban", Status::Aktif)],
                locations: vec![office("polres", SELATAN, None)?],
                accepts_referrals: true,
                emergency_line: true,
                capacity: None,
            },
        ),
        partner(
            "UPTD PPA Kota Bontang",
            PartnerKind::UptdPpa,
            Extra {
                services: vec![
                    service("pengaduan", "Pengaduan dan penjangkauan korban", Status::Aktif),
                    service("rumah-aman", "Rumah aman sementara", Status::TutupSementara),
                ],
                locations: vec![office("kantor", UTARA, None)?, hotline("hotline")],
                accepts_referrals: true,
                emergency_line: true,
                capacity: Some(6),
            },
        ),
        partner(
            "Pengadilan Agama Bontang",
            PartnerKind::PengadilanAgama,
            Extra {
                services: vec![
                    service("mediasi", "Mediasi perkara perceraian", Status::Aktif),
                    service("dispensasi-kawin", "Permohonan dispensasi kawin", Status::Aktif),
                ],
                locations: vec![office("kantor", BARAT, None)?],
                // The LK3 informs and accompanies clients; the court takes no referrals.
                accepts_referrals: false,
                emergency_line: false,
                capacity: None,
            },
        ),
        partner(
            "Baznas Kota Bontang",
            PartnerKind::BaznasLaz,
            Extra {
                services: vec![service("bantuan", "Bantuan konsumtif bagi keluarga miskin", Status::Aktif)],
                locations: vec![office("kantor", UTARA, None)?],
                accepts_referrals: true,
                emergency_line: false,
                capacity: None,
            },
        ),
        partner(
            "Disdukcapil Kota Bontang",
            PartnerKind::Dukcapil,
            Extra {
                services: vec![
                    service("akta-kelahiran", "Penerbitan akta kelahiran", Status::Aktif),
                    service("jemput-bola", "Pelayanan keliling (jemput bola)", Status::TidakAktif),
                ],
                locations: vec![office("kantor", UTARA, None)?],
                // Clients go themselves, with a letter from the LK3.
                accepts_referrals: false,
                emergency_line: false,
                capacity: None,
            },
        ),
    ];
    let mut jejaring = PartnerDirectory::new();
    for p in partners {
        jejaring.insert(p)?;
    }

    println!("Jejaring LK3 {unit} ({} mitra)\n", jejaring.len());
    println!("  {:<36} {:<40} {:<8} 24 jam", "mitra", "jenis", "rujukan");
    for p in &jejaring {
        let yes_no = |b: bool| if b { "ya" } else { "tidak" };
        println!(
            "  {:<36} {:<40} {:<8} {}",
            p.name,
            p.kind.label_id(),
            yes_no(p.is_referral_target()),
            yes_no(p.emergency_line)
        );
        for s in &p.services {
            println!("      - {} [{}]", s.name, s.status.label_id());
        }
    }

    println!("\nTujuan rujukan (referral targets):");
    for p in jejaring.referral_targets() {
        let services: Vec<&str> = p.active_services().map(|s| s.name.as_str()).collect();
        println!("  {}: {}", p.name, services.join("; "));
    }

    // A record with a bad slug, a duplicate location and no active service is
    // refused, with every problem listed.
    let refused = partner(
        "Shelter Harapan",
        PartnerKind::Shelter,
        Extra {
            services: vec![service("Rumah_Aman", "Rumah aman", Status::TutupSementara)],
            locations: vec![office("kantor", BARAT, None)?, office("kantor", BARAT, None)?],
            accepts_referrals: true,
            emergency_line: false,
            capacity: Some(4),
        },
    );
    if let Err(e) = jejaring.insert(refused) {
        println!("\nDitolak / refused ({}):", e.code().id());
        for problem in e.problems() {
            println!("  {}\n  {}", problem.message_id(), problem.message_en());
        }
    }

    println!("\nHSDS 3.0 (organization[]):");
    println!("{}", serde_json::to_string_pretty(&jejaring.to_hsds())?);
    Ok(())
}
