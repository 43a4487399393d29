//! The partner record and its validation.

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::{PartnerKind, PartnerLocationKind, PartnerServiceStatus};
use crate::ids::{KodeWilayah, PartnerId, UnitCode};
use crate::label::{Labelled, labelled_enum};

/// The longest partner or service name accepted, in characters (Unicode
/// scalar values, not bytes).
pub const MAX_NAME_CHARS: usize = 200;

/// The longest location address accepted, in characters.
pub const MAX_ADDRESS_CHARS: usize = 500;

/// The longest slug accepted (`service_id`, `location_id`), in characters.
pub const MAX_SLUG_CHARS: usize = 63;

/// A partner institution in an LK3 unit's network (jejaring): a hospital, the
/// police women-and-children unit, a religious court ...
///
/// A partner record holds institutional data only (the organisation's name,
/// its services and offices), never a client's. Deserialising does not
/// validate: call [`Partner::validate`], or insert the partner into a
/// [`super::PartnerDirectory`], which refuses invalid partners.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = crate::schema::limits::referral_target)]
pub struct Partner {
    /// The partner's id in the registry; cases and consents refer to partners
    /// only by this id.
    pub partner_id: PartnerId,
    /// The LK3 unit whose network the partner belongs to.
    pub unit: UnitCode,
    /// The organisation's official or public name (1 to [`MAX_NAME_CHARS`]
    /// characters).
    #[schemars(length(max = MAX_NAME_CHARS), transform = crate::schema::limits::not_blank)]
    pub name: String,
    /// What kind of institution it is.
    pub kind: PartnerKind,
    /// The services the LK3 can refer clients to.
    pub services: Vec<PartnerService>,
    /// Where the partner can be reached; at least one.
    #[schemars(length(min = 1))]
    pub locations: Vec<PartnerLocation>,
    /// Whether the partner takes referrals from the LK3 (a referral target
    /// needs at least one active service as well).
    pub accepts_referrals: bool,
    /// Whether the partner has a 24-hour emergency line.
    pub emergency_line: bool,
    /// How many clients the partner can take at a time (shelter beds, for
    /// example), when known.
    pub capacity: Option<u32>,
}

/// One service a partner offers (visum, legal aid, safe-house stay ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PartnerService {
    /// A short slug, unique within the partner (`visum-et-repertum`): see
    /// [`is_valid_slug`].
    #[schemars(transform = crate::schema::limits::slug)]
    pub service_id: String,
    /// The service's name (1 to [`MAX_NAME_CHARS`] characters).
    #[schemars(length(max = MAX_NAME_CHARS), transform = crate::schema::limits::not_blank)]
    pub name: String,
    /// Whether it is running.
    pub status: PartnerServiceStatus,
}

/// One place where a partner can be reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PartnerLocation {
    /// A short slug, unique within the partner (`kantor-pusat`): see
    /// [`is_valid_slug`].
    #[schemars(transform = crate::schema::limits::slug)]
    pub location_id: String,
    /// The region of the location, at any level (kab/kota, kecamatan or
    /// desa/kelurahan).
    pub kode_wilayah: Option<KodeWilayah>,
    /// The office's street address as free text (1 to [`MAX_ADDRESS_CHARS`]
    /// characters when given).
    #[schemars(length(max = MAX_ADDRESS_CHARS), transform = crate::schema::limits::not_blank)]
    pub address: Option<String>,
    /// Physical, postal or virtual.
    pub kind: PartnerLocationKind,
}

labelled_enum! {
    /// The rule a partner record breaks. The labels are the messages.
    pub enum PartnerProblemKind {
        /// A name (of the partner or of a service) that is empty or blank.
        NamaKosong = ("nama_kosong", "nama tidak boleh kosong", "the name must not be empty"),
        /// A name longer than [`MAX_NAME_CHARS`].
        NamaTerlaluPanjang = ("nama_terlalu_panjang", "nama lebih dari 200 karakter", "the name is longer than 200 characters"),
        /// A service or location id that is not a slug (see [`is_valid_slug`]).
        SlugTidakSah = ("slug_tidak_sah", "id harus 1 sampai 63 huruf kecil, angka atau tanda hubung, diawali huruf kecil atau angka", "the id must be 1 to 63 lowercase letters, digits or hyphens, starting with a lowercase letter or digit"),
        /// A service id used by an earlier service, or a location id used by an
        /// earlier location, of the same partner.
        IdGanda = ("id_ganda", "id sudah dipakai oleh entri sebelumnya dalam daftar yang sama", "the id is already used by an earlier entry of the same list"),
        /// A partner that accepts referrals without any active service.
        TanpaLayananAktif = ("tanpa_layanan_aktif", "mitra yang menerima rujukan memerlukan paling sedikit satu layanan aktif", "a partner that accepts referrals needs at least one active service"),
        /// A partner without any location.
        TanpaLokasi = ("tanpa_lokasi", "mitra memerlukan paling sedikit satu lokasi", "a partner needs at least one location"),
        /// An address that is given but blank (leave it out instead).
        AlamatKosong = ("alamat_kosong", "alamat diisi tetapi kosong; hapus saja jika tidak diketahui", "the address is given but blank; leave it out when unknown"),
        /// An address longer than [`MAX_ADDRESS_CHARS`].
        AlamatTerlaluPanjang = ("alamat_terlalu_panjang", "alamat lebih dari 500 karakter", "the address is longer than 500 characters"),
    }
}

/// One problem found by [`Partner::validate`]: the rule broken and where, as a
/// JSON Pointer into the partner's JSON (`/services/1/service_id`).
///
/// Messages never repeat the offending value, only its place.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PartnerProblem {
    /// The rule broken.
    pub kind: PartnerProblemKind,
    /// Where, as a JSON Pointer (RFC 6901) into the partner's JSON.
    pub pointer: String,
}

impl PartnerProblem {
    fn new(kind: PartnerProblemKind, pointer: impl Into<String>) -> Self {
        PartnerProblem { kind, pointer: pointer.into() }
    }

    /// The message in Indonesian: `/name: nama tidak boleh kosong`.
    pub fn message_id(&self) -> String {
        format!("{}: {}", self.pointer, self.kind.label_id())
    }

    /// The message in English: `/name: the name must not be empty`.
    pub fn message_en(&self) -> String {
        format!("{}: {}", self.pointer, self.kind.label_en())
    }
}

impl fmt::Display for PartnerProblem {
    /// The English message.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.pointer, self.kind.label_en())
    }
}

/// Whether `s` is a slug as used for `service_id` and `location_id`: it
/// matches `^[a-z0-9][a-z0-9-]{0,62}$` (1 to 63 ASCII lowercase letters,
/// digits or hyphens, not starting with a hyphen).
///
/// ```
/// use lk3_core::partner::is_valid_slug;
/// assert!(is_valid_slug("visum-et-repertum"));
/// assert!(!is_valid_slug("-igd"));
/// assert!(!is_valid_slug("Kantor_Pusat"));
/// ```
pub fn is_valid_slug(s: &str) -> bool {
    let bytes = s.as_bytes();
    let Some((&first, rest)) = bytes.split_first() else {
        return false;
    };
    let alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    bytes.len() <= MAX_SLUG_CHARS && alnum(first) && rest.iter().all(|&b| alnum(b) || b == b'-')
}

fn check_name(name: &str, pointer: &str, out: &mut Vec<PartnerProblem>) {
    if name.trim().is_empty() {
        out.push(PartnerProblem::new(PartnerProblemKind::NamaKosong, pointer));
    } else if name.chars().count() > MAX_NAME_CHARS {
        out.push(PartnerProblem::new(PartnerProblemKind::NamaTerlaluPanjang, pointer));
    }
}

/// Checks one slug: its format, then whether an earlier sibling used it.
fn check_slug<'a>(slug: &'a str, pointer: String, seen: &mut BTreeSet<&'a str>, out: &mut Vec<PartnerProblem>) {
    if !is_valid_slug(slug) {
        out.push(PartnerProblem::new(PartnerProblemKind::SlugTidakSah, pointer));
    } else if !seen.insert(slug) {
        out.push(PartnerProblem::new(PartnerProblemKind::IdGanda, pointer));
    }
}

impl Partner {
    /// Every problem of the record, in field order (an empty list: the
    /// partner is valid). Never panics, whatever the strings hold.
    ///
    /// The rules: the name is not blank and has at most [`MAX_NAME_CHARS`]
    /// characters (so has each service name); service and location ids are
    /// slugs ([`is_valid_slug`]), unique among the partner's services and
    /// among its locations; an address, when given, is not blank and has at
    /// most [`MAX_ADDRESS_CHARS`] characters; a partner that accepts referrals
    /// has at least one active service; every partner has at least one
    /// location.
    pub fn validate(&self) -> Vec<PartnerProblem> {
        let mut out = Vec::new();
        check_name(&self.name, "/name", &mut out);

        let mut seen = BTreeSet::new();
        for (i, s) in self.services.iter().enumerate() {
            check_slug(&s.service_id, format!("/services/{i}/service_id"), &mut seen, &mut out);
            check_name(&s.name, &format!("/services/{i}/name"), &mut out);
        }

        let mut seen = BTreeSet::new();
        for (i, l) in self.locations.iter().enumerate() {
            check_slug(&l.location_id, format!("/locations/{i}/location_id"), &mut seen, &mut out);
            if let Some(address) = &l.address {
                let pointer = format!("/locations/{i}/address");
                if address.trim().is_empty() {
                    out.push(PartnerProblem::new(PartnerProblemKind::AlamatKosong, pointer));
                } else if address.chars().count() > MAX_ADDRESS_CHARS {
                    out.push(PartnerProblem::new(PartnerProblemKind::AlamatTerlaluPanjang, pointer));
                }
            }
        }

        if self.accepts_referrals && !self.has_active_service() {
            out.push(PartnerProblem::new(PartnerProblemKind::TanpaLayananAktif, "/services"));
        }
        if self.locations.is_empty() {
            out.push(PartnerProblem::new(PartnerProblemKind::TanpaLokasi, "/locations"));
        }
        out
    }

    /// Whether [`Partner::validate`] finds nothing.
    pub fn is_valid(&self) -> bool {
        self.validate().is_empty()
    }

    /// The services that are running now.
    pub fn active_services(&self) -> impl Iterator<Item = &PartnerService> {
        self.services.iter().filter(|s| s.status.is_active())
    }

    /// Whether at least one service is running now.
    pub fn has_active_service(&self) -> bool {
        self.active_services().next().is_some()
    }

    /// Whether the LK3 can refer a client here now: the partner accepts
    /// referrals and has an active service.
    pub fn is_referral_target(&self) -> bool {
        self.accepts_referrals && self.has_active_service()
    }

    /// The service with this slug.
    pub fn service(&self, service_id: &str) -> Option<&PartnerService> {
        self.services.iter().find(|s| s.service_id == service_id)
    }

    /// The location with this slug.
    pub fn location(&self, location_id: &str) -> Option<&PartnerLocation> {
        self.locations.iter().find(|l| l.location_id == location_id)
    }
}

/// A slug as a value: a partner's service or location id
/// ([`is_valid_slug`]), as a referral names the service it requests.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Slug(String);

impl Slug {
    /// The slug, if `s` is one.
    pub fn parse(s: &str) -> Option<Self> {
        is_valid_slug(s).then(|| Slug(s.to_owned()))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Slug {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl serde::Serialize for Slug {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Slug {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Slug::parse(&s)
            .ok_or_else(|| serde::de::Error::custom("expected a slug: 1 to 63 lowercase letters, digits or hyphens"))
    }
}

impl schemars::JsonSchema for Slug {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Slug".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let mut schema =
            schemars::json_schema!({ "type": "string", "description": "A partner's service or location id" });
        crate::schema::limits::slug(&mut schema);
        schema
    }
}
