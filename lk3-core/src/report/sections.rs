//! The report as tables: every breakdown as one [`Section`] of labelled key
//! columns and counts, the one shape the CLI's table, CSV and XLSX and
//! Python's frames are drawn from.

use serde::Serialize;

use super::{Count, Figures, Report};
use crate::label::Labelled;
use crate::rules::RuleSetId;

/// A column of a section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Column {
    /// Its name (a frame's column name).
    pub name: &'static str,
    /// Its Indonesian heading.
    pub label_id: &'static str,
    /// Its English heading.
    pub label_en: &'static str,
}

/// A key cell: the id (as in the JSON) and its labels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Key {
    /// The id, as in the report's JSON (`tidak_diketahui` for unknown).
    pub id: String,
    /// Its Indonesian label.
    pub label_id: String,
    /// Its English label.
    pub label_en: String,
}

/// A row of a section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SectionRow {
    /// One key per key column.
    pub keys: Vec<Key>,
    /// One count per value column.
    pub values: Vec<u64>,
}

/// One breakdown as a table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Section {
    /// Its name (`summary`, `services`, `by_problem` ...): the frame's name.
    pub name: &'static str,
    /// Its Indonesian title.
    pub title_id: &'static str,
    /// Its English title.
    pub title_en: &'static str,
    /// The columns that say what a row is.
    pub key_columns: Vec<Column>,
    /// The columns that count.
    pub value_columns: Vec<Column>,
    /// The rows, in the vocabulary's order.
    pub rows: Vec<SectionRow>,
}

/// The id of an unknown value.
pub const UNKNOWN: &str = "tidak_diketahui";

const fn col(name: &'static str, label_id: &'static str, label_en: &'static str) -> Column {
    Column { name, label_id, label_en }
}

const COUNT: Column = col("count", "Jumlah", "Count");

fn key(id: impl ToString, label_id: impl ToString, label_en: impl ToString) -> Key {
    Key { id: id.to_string(), label_id: label_id.to_string(), label_en: label_en.to_string() }
}

fn vocab<T: Labelled>(v: T) -> Key {
    key(v.id(), v.label_id(), v.label_en())
}

fn unknown() -> Key {
    key(UNKNOWN, "Tidak diketahui", "Unknown")
}

/// A key cell for a breakdown value.
trait AsKey {
    fn as_key(&self) -> Key;
}

impl<T: Labelled> AsKey for T {
    fn as_key(&self) -> Key {
        vocab(*self)
    }
}

/// Optional values: `None` is unknown.
trait AsOptKey {
    fn as_key(&self) -> Key;
}

impl<T: Labelled> AsOptKey for Option<T> {
    fn as_key(&self) -> Key {
        self.map_or_else(unknown, vocab)
    }
}

fn plain<T: ToString>(v: &Option<T>) -> Key {
    v.as_ref().map_or_else(unknown, |v| key(v.to_string(), v.to_string(), v.to_string()))
}

fn rule_set(r: &RuleSetId) -> Key {
    let rules = r.rules();
    key(&rules.name, &rules.title_id, &rules.title_en)
}

fn one_key<T>(
    name: &'static str,
    title: (&'static str, &'static str),
    key_column: Column,
    counts: &[Count<T>],
    as_key: impl Fn(&T) -> Key,
) -> Section {
    Section {
        name,
        title_id: title.0,
        title_en: title.1,
        key_columns: vec![key_column],
        value_columns: vec![COUNT],
        rows: counts.iter().map(|c| SectionRow { keys: vec![as_key(&c.value)], values: vec![c.count] }).collect(),
    }
}

/// The headline figures, in the order a report shows them.
const SUMMARY: [Column; 22] = [
    col("cases_active", "Kasus ditangani", "Cases active"),
    col("cases_carried_over", "Kasus lanjutan dari periode lalu", "Cases carried over"),
    col("cases_opened", "Kasus baru", "Cases opened"),
    col("cases_reopened", "Kasus dibuka kembali", "Cases reopened"),
    col("cases_closed", "Kasus ditutup", "Cases closed"),
    col("cases_open_at_end", "Kasus masih berjalan di akhir periode", "Cases open at the period's end"),
    col("cases_transferred_in", "Kasus diterima dari unit lain", "Cases transferred in"),
    col("cases_transferred_out", "Kasus dialihkan ke unit lain", "Cases transferred out"),
    col("clients_served", "Klien dilayani", "Clients served"),
    col("clients_new", "Klien baru", "New clients"),
    col("clients_continuing", "Klien lanjutan", "Continuing clients"),
    col("unregistered_contacts", "Kontak tanpa registrasi klien", "Contacts without a registered client"),
    col("services_started", "Layanan dimulai", "Services started"),
    col("services_ended", "Layanan selesai", "Services ended"),
    col(
        "referrals_overdue_at_end",
        "Rujukan lewat batas waktu di akhir periode",
        "Referrals overdue at the period's end",
    ),
    col("protective_referrals", "Rujukan perlindungan darurat", "Emergency protective referrals"),
    col("aid_records", "Pemberian bantuan", "Aid handed out"),
    col("outreach_active", "Penjangkauan ditangani", "Outreach active"),
    col("outreach_reported", "Laporan penjangkauan baru", "Outreach reported"),
    col("outreach_visits", "Kunjungan penjangkauan", "Outreach visits"),
    col("activities", "Kegiatan kelompok (sosialisasi)", "Group activities"),
    col("people_reached", "Orang terjangkau kegiatan kelompok", "People reached by group activities"),
];

impl Figures {
    /// The headline figures, one per [`Figures::summary_columns`] entry.
    pub fn summary(&self) -> Vec<u64> {
        let sum = |f: fn(&super::ServiceFigures) -> u64| self.services.iter().map(f).sum::<u64>();
        vec![
            self.cases.active,
            self.cases.carried_over,
            self.cases.opened,
            self.cases.reopened,
            self.cases.closed,
            self.cases.open_at_end,
            self.cases.transferred_in,
            self.cases.transferred_out,
            self.clients.served,
            self.clients.new,
            self.clients.continuing,
            self.clients.unregistered_contacts,
            sum(|s| s.started),
            sum(|s| s.ended),
            self.referrals.overdue_at_end,
            self.referrals.protective,
            self.aid.iter().map(|a| a.records).sum(),
            self.outreach.active,
            self.outreach.reported,
            self.outreach.visits,
            self.activities.iter().map(|a| a.activities).sum(),
            self.activities.iter().map(|a| a.people_reached).sum(),
        ]
    }

    /// The names and labels of [`Figures::summary`].
    pub fn summary_columns() -> &'static [Column] {
        &SUMMARY
    }

    /// Every breakdown as a table, in the order a report shows them.
    pub fn sections(&self) -> Vec<Section> {
        let figure = col("figure", "Uraian", "Figure");
        let service = col("service", "Layanan", "Service");
        let state = col("state", "Status", "State");
        let mut out = vec![Section {
            name: "summary",
            title_id: "Ringkasan",
            title_en: "Summary",
            key_columns: vec![figure],
            value_columns: vec![COUNT],
            rows: SUMMARY
                .iter()
                .zip(self.summary())
                .map(|(c, v)| SectionRow { keys: vec![key(c.name, c.label_id, c.label_en)], values: vec![v] })
                .collect(),
        }];
        out.push(Section {
            name: "services",
            title_id: "Layanan",
            title_en: "Services",
            key_columns: vec![service.clone()],
            value_columns: vec![
                col("started", "Dimulai", "Started"),
                col("ended", "Selesai", "Ended"),
                col("on_the_spot", "Selesai di tempat", "Resolved on the spot"),
            ],
            rows: self
                .services
                .iter()
                .map(|s| SectionRow { keys: vec![s.service.as_key()], values: vec![s.started, s.ended, s.on_the_spot] })
                .collect(),
        });
        out.push(Section {
            name: "service_outcomes",
            title_id: "Hasil layanan",
            title_en: "Service outcomes",
            key_columns: vec![service, col("outcome", "Hasil", "Outcome")],
            value_columns: vec![COUNT],
            rows: self
                .services
                .iter()
                .flat_map(|s| {
                    s.outcomes
                        .iter()
                        .map(|o| SectionRow { keys: vec![s.service.as_key(), o.value.as_key()], values: vec![o.count] })
                })
                .collect(),
        });
        out.push(one_key("referrals", ("Rujukan", "Referrals"), state, &self.referrals.reached, AsKey::as_key));
        out.push(Section {
            name: "aid",
            title_id: "Bantuan",
            title_en: "Aid",
            key_columns: vec![col("item", "Barang", "Item"), col("funding", "Sumber dana", "Funding")],
            value_columns: vec![
                col("records", "Pemberian", "Handed out"),
                col("quantity", "Jumlah barang", "Quantity"),
            ],
            rows: self
                .aid
                .iter()
                .map(|a| SectionRow {
                    keys: vec![a.item.as_key(), a.funding.as_key()],
                    values: vec![a.records, a.quantity],
                })
                .collect(),
        });
        out.push(one_key(
            "outreach",
            ("Hasil penjangkauan", "Outreach outcomes"),
            col("outcome", "Hasil", "Outcome"),
            &self.outreach.outcomes,
            AsKey::as_key,
        ));
        out.push(Section {
            name: "activities",
            title_id: "Kegiatan kelompok",
            title_en: "Group activities",
            key_columns: vec![col("sasaran", "Sasaran", "Target group")],
            value_columns: vec![
                col("activities", "Kegiatan", "Activities"),
                col("people_reached", "Orang terjangkau", "People reached"),
            ],
            rows: self
                .activities
                .iter()
                .map(|a| SectionRow { keys: vec![a.sasaran.as_key()], values: vec![a.activities, a.people_reached] })
                .collect(),
        });
        out.push(one_key(
            "by_problem",
            ("Masalah", "Problem"),
            col("problem", "Masalah", "Problem"),
            &self.by_problem,
            AsKey::as_key,
        ));
        out.push(one_key(
            "by_pmks",
            ("Kategori PMKS", "PMKS category"),
            col("pmks", "PMKS", "PMKS"),
            &self.by_pmks,
            AsKey::as_key,
        ));
        out.push(one_key(
            "by_channel",
            ("Saluran kontak", "Channel"),
            col("channel", "Saluran", "Channel"),
            &self.by_channel,
            AsOptKey::as_key,
        ));
        out.push(one_key(
            "by_worker",
            ("Pekerja sosial", "Social worker"),
            col("worker", "Pekerja sosial", "Social worker"),
            &self.by_worker,
            plain,
        ));
        out.push(one_key(
            "by_stage",
            ("Tahap di akhir periode", "Stage at the period's end"),
            col("stage", "Tahap", "Stage"),
            &self.by_stage,
            AsKey::as_key,
        ));
        out.push(one_key(
            "by_rule_set",
            ("Aturan", "Rule set"),
            col("rule_set", "Aturan", "Rule set"),
            &self.by_rule_set,
            rule_set,
        ));
        out.push(one_key(
            "by_sex",
            ("Jenis kelamin klien", "Clients by sex"),
            col("sex", "Jenis kelamin", "Sex"),
            &self.by_sex,
            AsOptKey::as_key,
        ));
        out.push(one_key(
            "by_age_band",
            ("Kelompok umur klien", "Clients by age band"),
            col("age_band", "Kelompok umur", "Age band"),
            &self.by_age_band,
            AsOptKey::as_key,
        ));
        out.push(one_key(
            "by_kecamatan",
            ("Kecamatan domisili klien", "Clients by kecamatan"),
            col("kecamatan", "Kecamatan", "Kecamatan"),
            &self.by_kecamatan,
            plain,
        ));
        out.push(one_key(
            "by_kelurahan",
            ("Desa/kelurahan domisili klien", "Clients by desa/kelurahan"),
            col("kelurahan", "Desa/kelurahan", "Desa/kelurahan"),
            &self.by_kelurahan,
            plain,
        ));
        out
    }
}

impl Report {
    /// The sections of `unit`'s figures (the totals for `None`), then, for a
    /// report over more than one unit, the `units` section: a row per unit
    /// with its headline figures.
    pub fn sections(&self, unit: Option<&crate::ids::UnitCode>) -> Vec<Section> {
        let mut out = self.figures(unit).map(Figures::sections).unwrap_or_default();
        if unit.is_none() && self.units.len() > 1 {
            out.push(Section {
                name: "units",
                title_id: "Per unit",
                title_en: "By unit",
                key_columns: vec![col("unit", "Unit", "Unit")],
                value_columns: SUMMARY.to_vec(),
                rows: self
                    .units
                    .iter()
                    .map(|u| SectionRow { keys: vec![key(u.unit, u.unit, u.unit)], values: u.figures.summary() })
                    .collect(),
            });
        }
        out
    }

    /// The names of the sections, as [`Report::sections`] gives them.
    pub fn section_names(&self) -> Vec<&'static str> {
        self.sections(None).iter().map(|s| s.name).collect()
    }
}
