//! The partner network (jejaring) of an LK3 unit: hospitals and puskesmas,
//! the police women-and-children unit, UPTD PPA / P2TP2A, trauma centres,
//! legal aid, religious courts, Baznas and LAZ ... (DESIGN §1,
//! `research/domain.md` §7).
//!
//! - [`PartnerKind`], [`PartnerServiceStatus`], [`PartnerLocationKind`]: the
//!   vocabularies, each value with an Indonesian id and two labels.
//! - [`Partner`]: one institution with its [`PartnerService`]s and
//!   [`PartnerLocation`]s. It holds institutional data only, never a
//!   client's. [`Partner::validate`] lists every [`PartnerProblem`], each with
//!   a JSON Pointer and a message in Indonesian and English.
//! - [`PartnerDirectory`]: an in-memory registry keyed by
//!   [`PartnerId`](crate::ids::PartnerId) that holds only valid partners and
//!   answers "where can this client be referred?"
//!   ([`PartnerDirectory::referral_targets`]).
//! - [`Partner::to_hsds`] and [`PartnerDirectory::to_hsds`]: the partners as
//!   Open Referral HSDS 3.0 `organization` objects, so a network can be
//!   published in the directory standard (`research/peers.md` §3).
//!
//! # HSDS 3.0 mapping
//!
//! | lk3 | HSDS 3.0 |
//! |---|---|
//! | `Partner.partner_id` | `organization.id` (the UUID, hyphenated) |
//! | `Partner.name` | `organization.name` |
//! | `Partner.kind` (labels) and `unit` | `organization.description`: `"<label_id> dalam jejaring LK3 <unit>. <label_en> in the network of LK3 unit <unit>."` |
//! | `Partner.kind` | `organization.attributes[]`: `taxonomy_term {taxonomy: "lk3-jenis-mitra", code: <kind id>, name: <label_id>, description: <label_en>}` |
//! | `Partner.unit` | attribute, term code `unit_lk3` in taxonomy `lk3-atribut-mitra`, `value` the unit code (`"64.74"`) |
//! | `Partner.accepts_referrals` | attribute, term code `menerima_rujukan`, `value` `"true"` / `"false"` |
//! | `Partner.emergency_line` | attribute, term code `layanan_24_jam`, `value` `"true"` / `"false"` |
//! | `Partner.capacity` | attribute, term code `kapasitas`, `value` the number; absent when unknown |
//! | `PartnerService` | `organization.services[]`: `{id: "<partner uuid>/<service_id>", organization_id, name, status}` |
//! | `PartnerServiceStatus` | `service.status`: `aktif` → `active`, `tidak_aktif` → `inactive`, `bubar` → `defunct`, `tutup_sementara` → `temporarily closed` |
//! | `PartnerLocation` | `organization.locations[]`: `{id: "<partner uuid>/<location_id>", organization_id, location_type, name}` (the name is the partner's) |
//! | `PartnerLocationKind` | `location.location_type`: `fisik` → `physical`, `surat` → `postal`, `daring` → `virtual` |
//! | `PartnerLocation.address` | `location.description` (free text; see below) |
//! | `PartnerLocation.kode_wilayah` | `location.external_identifier`, with `external_identifier_type` `"kode_wilayah"` |
//!
//! Every attribute has `id` `"<partner uuid>/attribute/<key>"` (the key is
//! `jenis_mitra` for the kind, the term code for the others), `link_id`
//! (the organization id), `link_entity` `"organization"`, `taxonomy_term_id`
//! `"<taxonomy>/<code>"` and the nested `taxonomy_term` (`id`, `code`,
//! `name`, `description`, `taxonomy`). [`partner_kind_from_hsds`] reads the
//! kind back.
//!
//! Notes on the mapping:
//! - All ids are strings. HSDS annotates its ids with `format: uuid`; only
//!   `organization.id` is a UUID. The service, location and attribute ids are
//!   `<partner uuid>/<slug>`, stable and unique in a dataset but not UUIDs, so
//!   a validator that asserts `format` would refuse them.
//! - The free-text address goes to `location.description`, not to
//!   `location.addresses[]`: an HSDS `address` requires `address_1`, `city`,
//!   `state_province`, `postal_code` and `country`, which a free-text address
//!   does not split into.
//! - HSDS 3.0 has no service capacity (3.1 adds `service_capacity`); the
//!   capacity is an attribute of the organization.
//!
//! # Example
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use lk3_core::ErrorCode;
//! use lk3_core::Lk3Error;
//! use lk3_core::ids::{IdSeed, PartnerId};
//! use lk3_core::partner::*;
//!
//! let at = Utc.with_ymd_and_hms(2019, 4, 8, 1, 0, 0).unwrap();
//! let rsud = Partner {
//!     partner_id: PartnerId::new_v7(at, IdSeed::new([1; 10])),
//!     unit: "64.74".parse()?,
//!     name: "RSUD Taman Husada Bontang".into(),
//!     kind: PartnerKind::RumahSakit,
//!     services: vec![PartnerService {
//!         service_id: "visum-et-repertum".into(),
//!         name: "Visum et repertum".into(),
//!         status: PartnerServiceStatus::Aktif,
//!     }],
//!     locations: vec![PartnerLocation {
//!         location_id: "igd".into(),
//!         kode_wilayah: Some("64.74.02".parse()?),
//!         address: None,
//!         kind: PartnerLocationKind::Fisik,
//!     }],
//!     accepts_referrals: true,
//!     emergency_line: true,
//!     capacity: None,
//! };
//! assert!(rsud.validate().is_empty());
//!
//! let mut jejaring = PartnerDirectory::new();
//! jejaring.insert(rsud.clone())?;
//! assert_eq!(jejaring.referral_targets().count(), 1);
//! let again = jejaring.insert(rsud.clone()).unwrap_err();
//! assert_eq!(again.code(), ErrorCode::InvalidCommand);
//!
//! let org = rsud.to_hsds();
//! assert_eq!(org["services"][0]["status"], "active");
//! assert_eq!(org["locations"][0]["location_type"], "physical");
//! assert_eq!(partner_kind_from_hsds(&org), Some(PartnerKind::RumahSakit));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod directory;
mod hsds;
mod kind;
mod model;
mod reference;

pub use directory::{PartnerDirectory, PartnerError};
pub use hsds::{
    HSDS_ATTRIBUTE_TAXONOMY, HSDS_KIND_TAXONOMY, HSDS_KODE_WILAYAH_TYPE, HsdsError, partner_kind_from_hsds,
};
pub use kind::{PartnerKind, PartnerLocationKind, PartnerServiceStatus};
pub use model::{
    MAX_ADDRESS_CHARS, MAX_NAME_CHARS, MAX_SLUG_CHARS, Partner, PartnerLocation, PartnerProblem, PartnerProblemKind,
    PartnerService, Slug, is_valid_slug,
};
pub use reference::{NamedPartner, PartnerReference, ReferenceCheck, ReferenceUse};
