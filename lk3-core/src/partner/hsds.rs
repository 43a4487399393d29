//! The mapping of partners to Open Referral HSDS 3.0 `organization` objects.
//! The table is in the module docs of [`crate::partner`].

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::{
    Partner, PartnerDirectory, PartnerKind, PartnerLocation, PartnerLocationKind, PartnerService, PartnerServiceStatus,
};
use crate::label::Labelled;

/// The HSDS `taxonomy_term.taxonomy` of the term that carries the partner's
/// [`PartnerKind`] (its `code` is the kind id, `rumah_sakit`).
pub const HSDS_KIND_TAXONOMY: &str = "lk3-jenis-mitra";

/// The HSDS `taxonomy_term.taxonomy` of the terms that carry the other lk3
/// partner fields HSDS 3.0 has no place for: `unit_lk3`, `menerima_rujukan`,
/// `layanan_24_jam` and `kapasitas`, each with its `value`.
pub const HSDS_ATTRIBUTE_TAXONOMY: &str = "lk3-atribut-mitra";

/// The HSDS `location.external_identifier_type` of a location's kode wilayah.
pub const HSDS_KODE_WILAYAH_TYPE: &str = "kode_wilayah";

fn s(text: impl Into<String>) -> Value {
    Value::String(text.into())
}

fn object<const N: usize>(pairs: [(&str, Value); N]) -> Map<String, Value> {
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

/// An HSDS `attribute` linking a taxonomy term (and an optional value) to the
/// organization. The attribute's id is `<org id>/attribute/<key>`.
fn attribute(
    org_id: &str,
    key: &str,
    (taxonomy, code): (&str, &str),
    (name, description): (&str, &str),
    value: Option<String>,
) -> Value {
    let term_id = format!("{taxonomy}/{code}");
    let term = object([
        ("id", s(term_id.as_str())),
        ("code", s(code)),
        ("name", s(name)),
        ("description", s(description)),
        ("taxonomy", s(taxonomy)),
    ]);
    let mut attr = object([
        ("id", s(format!("{org_id}/attribute/{key}"))),
        ("link_id", s(org_id)),
        ("link_entity", s("organization")),
        ("taxonomy_term_id", s(term_id)),
        ("taxonomy_term", Value::Object(term)),
    ]);
    if let Some(v) = value {
        attr.insert("value".to_owned(), s(v));
    }
    Value::Object(attr)
}

fn service(org_id: &str, svc: &PartnerService) -> Value {
    Value::Object(object([
        ("id", s(format!("{org_id}/{}", svc.service_id))),
        ("organization_id", s(org_id)),
        ("name", s(svc.name.as_str())),
        ("status", s(svc.status.hsds())),
    ]))
}

fn location(org_id: &str, org_name: &str, loc: &PartnerLocation) -> Value {
    let mut out = object([
        ("id", s(format!("{org_id}/{}", loc.location_id))),
        ("organization_id", s(org_id)),
        ("location_type", s(loc.kind.hsds())),
        ("name", s(org_name)),
    ]);
    if let Some(address) = &loc.address {
        out.insert("description".to_owned(), s(address.as_str()));
    }
    if let Some(kode) = loc.kode_wilayah {
        out.insert("external_identifier".to_owned(), s(kode.to_string()));
        out.insert("external_identifier_type".to_owned(), s(HSDS_KODE_WILAYAH_TYPE));
    }
    Value::Object(out)
}

impl Partner {
    /// The partner's HSDS id: its UUID, hyphenated.
    pub fn hsds_id(&self) -> String {
        self.partner_id.to_string()
    }

    /// The partner as an HSDS 3.0 `organization` object with nested
    /// `services`, `locations` and `attributes` (see the mapping table in
    /// [`crate::partner`]). The output is the same for the same partner.
    pub fn to_hsds(&self) -> Value {
        let id = self.hsds_id();
        let unit = self.unit.to_string();
        let description = format!(
            "{} dalam jejaring LK3 {unit}. {} in the network of LK3 unit {unit}.",
            self.kind.label_id(),
            self.kind.label_en()
        );
        let flag = |b: bool| Some(b.to_string());
        let mut attributes = vec![
            attribute(
                &id,
                "jenis_mitra",
                (HSDS_KIND_TAXONOMY, self.kind.id()),
                (self.kind.label_id(), self.kind.label_en()),
                None,
            ),
            attribute(
                &id,
                "unit_lk3",
                (HSDS_ATTRIBUTE_TAXONOMY, "unit_lk3"),
                ("Unit LK3", "The LK3 unit whose partner network this organization belongs to"),
                Some(unit),
            ),
            attribute(
                &id,
                "menerima_rujukan",
                (HSDS_ATTRIBUTE_TAXONOMY, "menerima_rujukan"),
                ("Menerima rujukan", "Accepts referrals from the LK3 unit"),
                flag(self.accepts_referrals),
            ),
            attribute(
                &id,
                "layanan_24_jam",
                (HSDS_ATTRIBUTE_TAXONOMY, "layanan_24_jam"),
                ("Layanan darurat 24 jam", "Has a 24-hour emergency line"),
                flag(self.emergency_line),
            ),
        ];
        if let Some(capacity) = self.capacity {
            attributes.push(attribute(
                &id,
                "kapasitas",
                (HSDS_ATTRIBUTE_TAXONOMY, "kapasitas"),
                ("Kapasitas", "How many clients the organization can take at a time"),
                Some(capacity.to_string()),
            ));
        }
        let services = self.services.iter().map(|svc| service(&id, svc)).collect();
        let locations = self.locations.iter().map(|loc| location(&id, &self.name, loc)).collect();
        Value::Object(object([
            ("id", s(id.as_str())),
            ("name", s(self.name.as_str())),
            ("description", s(description)),
            ("services", Value::Array(services)),
            ("locations", Value::Array(locations)),
            ("attributes", Value::Array(attributes)),
        ]))
    }
}

impl PartnerDirectory {
    /// Every partner as an HSDS 3.0 `organization` object, in directory
    /// (id) order, as a JSON array.
    pub fn to_hsds(&self) -> Value {
        Value::Array(self.iter().map(Partner::to_hsds).collect())
    }
}

/// The [`PartnerKind`] carried by an HSDS `organization` object made by
/// [`Partner::to_hsds`]: the `code` of the attribute's taxonomy term in
/// [`HSDS_KIND_TAXONOMY`]. `None` when there is no such attribute or its code
/// is not a kind id.
///
/// ```
/// use lk3_core::partner::{PartnerKind, partner_kind_from_hsds};
/// let org = serde_json::json!({"attributes": [{"id": "a", "taxonomy_term": {
///     "id": "lk3-jenis-mitra/rpsa", "code": "rpsa", "taxonomy": "lk3-jenis-mitra"}}]});
/// assert_eq!(partner_kind_from_hsds(&org), Some(PartnerKind::Rpsa));
/// assert_eq!(partner_kind_from_hsds(&serde_json::json!({})), None);
/// ```
pub fn partner_kind_from_hsds(organization: &Value) -> Option<PartnerKind> {
    organization.get("attributes")?.as_array()?.iter().find_map(|attr| {
        let term = attr.get("taxonomy_term")?;
        if term.get("taxonomy")?.as_str()? != HSDS_KIND_TAXONOMY {
            return None;
        }
        PartnerKind::from_id(term.get("code")?.as_str()?)
    })
}

/// An HSDS `organization` that does not read back as a partner: what is
/// missing or wrong, where ([`Partner::from_hsds`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("HSDS organization at {pointer}: expected {expected_en}")]
pub struct HsdsError {
    /// A JSON Pointer into the organization.
    pub pointer: String,
    /// What was expected there, in English.
    pub expected_en: &'static str,
    /// What was expected there, in Indonesian.
    pub expected_id: &'static str,
}

impl crate::error::Lk3Error for HsdsError {
    /// `LK3-E070` (schema violation).
    fn code(&self) -> crate::error::ErrorCode {
        crate::error::ErrorCode::SchemaViolation
    }

    fn message_id(&self) -> String {
        format!("organisasi HSDS pada {}: seharusnya {}", self.pointer, self.expected_id)
    }
}

fn expected(pointer: impl Into<String>, expected_en: &'static str, expected_id: &'static str) -> HsdsError {
    HsdsError { pointer: pointer.into(), expected_en, expected_id }
}

fn text<'a>(value: &'a Value, key: &str, at: &str) -> Result<&'a str, HsdsError> {
    value.get(key).and_then(Value::as_str).ok_or_else(|| expected(format!("{at}/{key}"), "a string", "teks"))
}

fn list<'a>(value: &'a Value, key: &str) -> Result<&'a [Value], HsdsError> {
    match value.get(key) {
        None => Ok(&[]),
        Some(Value::Array(items)) => Ok(items),
        Some(_) => Err(expected(format!("/{key}"), "an array", "larik")),
    }
}

/// The slug of an id `<organization id>/<slug>`.
fn slug_of<'a>(id: &'a str, org_id: &str, at: &str) -> Result<&'a str, HsdsError> {
    id.strip_prefix(org_id)
        .and_then(|rest| rest.strip_prefix('/'))
        .ok_or_else(|| expected(format!("{at}/id"), "\"<organization id>/<slug>\"", "\"<id organisasi>/<slug>\""))
}

impl Partner {
    /// Reads back an HSDS 3.0 `organization` in the form [`Partner::to_hsds`]
    /// writes (the mapping table in [`crate::partner`]): a network published
    /// by one system is imported by another. The partner is not validated
    /// here ([`Partner::validate`] is, by whoever keeps it).
    ///
    /// ```
    /// # use lk3_core::partner::*;
    /// # use lk3_core::ids::{IdSeed, PartnerId};
    /// # let at = chrono::DateTime::from_timestamp(1_554_685_200, 0).unwrap();
    /// let partner = Partner {
    ///     partner_id: PartnerId::new_v7(at, IdSeed::new([2; 10])),
    ///     unit: "64.74".parse()?,
    ///     name: "LBH APIK Kaltim".into(),
    ///     kind: PartnerKind::LbhPosbakum,
    ///     services: vec![PartnerService {
    ///         service_id: "pendampingan-hukum".into(),
    ///         name: "Pendampingan hukum".into(),
    ///         status: PartnerServiceStatus::Aktif,
    ///     }],
    ///     locations: vec![],
    ///     accepts_referrals: true,
    ///     emergency_line: false,
    ///     capacity: Some(12),
    /// };
    /// assert_eq!(Partner::from_hsds(&partner.to_hsds())?, partner);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_hsds(organization: &Value) -> Result<Partner, HsdsError> {
        let org_id = text(organization, "id", "")?;
        let partner_id = org_id.parse().map_err(|_| expected("/id", "a partner's UUID", "UUID mitra"))?;
        let name = text(organization, "name", "")?.to_owned();
        let kind = partner_kind_from_hsds(organization).ok_or_else(|| {
            expected("/attributes", "a term of taxonomy lk3-jenis-mitra", "istilah taksonomi lk3-jenis-mitra")
        })?;
        let mut values: BTreeMap<&str, (usize, &str)> = BTreeMap::new();
        for (i, attr) in list(organization, "attributes")?.iter().enumerate() {
            let term = attr.get("taxonomy_term");
            if term.and_then(|t| t.get("taxonomy")).and_then(Value::as_str) != Some(HSDS_ATTRIBUTE_TAXONOMY) {
                continue;
            }
            let at = format!("/attributes/{i}");
            let code = term.map_or(Ok(""), |t| text(t, "code", &format!("{at}/taxonomy_term")))?;
            values.insert(code, (i, text(attr, "value", &at)?));
        }
        let attribute = |code: &'static str| values.get(code).copied();
        let flag = |code: &'static str| match attribute(code) {
            Some((_, "true")) => Ok(true),
            Some((_, "false")) => Ok(false),
            Some((i, _)) => {
                Err(expected(format!("/attributes/{i}/value"), "\"true\" or \"false\"", "\"true\" atau \"false\""))
            }
            None => Err(expected("/attributes", "an attribute of this term", "atribut istilah ini")),
        };
        let unit = match attribute("unit_lk3") {
            Some((i, v)) => {
                v.parse().map_err(|_| expected(format!("/attributes/{i}/value"), "a unit code", "kode unit"))?
            }
            None => return Err(expected("/attributes", "the attribute unit_lk3", "atribut unit_lk3")),
        };
        let capacity = match attribute("kapasitas") {
            Some((i, v)) => Some(
                v.parse()
                    .map_err(|_| expected(format!("/attributes/{i}/value"), "a whole number", "bilangan bulat"))?,
            ),
            None => None,
        };
        let services = list(organization, "services")?
            .iter()
            .enumerate()
            .map(|(i, svc)| {
                let at = format!("/services/{i}");
                Ok(PartnerService {
                    service_id: slug_of(text(svc, "id", &at)?, org_id, &at)?.to_owned(),
                    name: text(svc, "name", &at)?.to_owned(),
                    status: PartnerServiceStatus::from_hsds(text(svc, "status", &at)?).ok_or_else(|| {
                        expected(format!("{at}/status"), "an HSDS service status", "status layanan HSDS")
                    })?,
                })
            })
            .collect::<Result<_, HsdsError>>()?;
        let locations = list(organization, "locations")?
            .iter()
            .enumerate()
            .map(|(i, loc)| {
                let at = format!("/locations/{i}");
                let kode_wilayah = match loc.get("external_identifier_type").and_then(Value::as_str) {
                    Some(HSDS_KODE_WILAYAH_TYPE) => {
                        Some(text(loc, "external_identifier", &at)?.parse().map_err(|_| {
                            expected(format!("{at}/external_identifier"), "a kode wilayah", "kode wilayah")
                        })?)
                    }
                    _ => None,
                };
                Ok(PartnerLocation {
                    location_id: slug_of(text(loc, "id", &at)?, org_id, &at)?.to_owned(),
                    kode_wilayah,
                    address: loc.get("description").and_then(Value::as_str).map(str::to_owned),
                    kind: PartnerLocationKind::from_hsds(text(loc, "location_type", &at)?).ok_or_else(|| {
                        expected(format!("{at}/location_type"), "an HSDS location type", "jenis lokasi HSDS")
                    })?,
                })
            })
            .collect::<Result<_, HsdsError>>()?;
        Ok(Partner {
            partner_id,
            unit,
            name,
            kind,
            services,
            locations,
            accepts_referrals: flag("menerima_rujukan")?,
            emergency_line: flag("layanan_24_jam")?,
            capacity,
        })
    }
}
