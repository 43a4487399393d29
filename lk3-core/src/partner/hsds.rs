//! The mapping of partners to Open Referral HSDS 3.0 `organization` objects.
//! The table is in the module docs of [`crate::partner`].

use serde_json::{Map, Value};

use super::{Partner, PartnerDirectory, PartnerKind, PartnerLocation, PartnerService};
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
