//! `lk3 report`: a unit's or a region's report over a period, as a table
//! (Indonesian by default), JSON (the `report` document), CSV (one tidy row
//! per count) or an XLSX workbook (one sheet per breakdown). Every format is
//! drawn from the same sections ([`lk3_core::report::Section`]).

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use lk3_core::report::{Report, Section};
use lk3_storage::report::{ReportScope, report};

use crate::CliError;
use crate::store::{Access, Db};

/// How the report is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// Aligned text, one block per breakdown.
    Table,
    /// The `report` document (schemas/report.schema.json).
    Json,
    /// One row per count: section, unit, keys, measure, value.
    Csv,
    /// A workbook with one sheet per breakdown (needs --out).
    Xlsx,
}

/// The language of headings and labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    /// Bahasa Indonesia.
    Id,
    /// English.
    En,
}

impl Lang {
    fn pick<'a>(self, id: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Id => id,
            Lang::En => en,
        }
    }
}

/// What `lk3 report` was asked for.
pub struct Options {
    /// The store.
    pub db: String,
    /// The unit or region.
    pub scope: ReportScope,
    /// First local date.
    pub from: NaiveDate,
    /// Last local date.
    pub to: NaiveDate,
    /// The format.
    pub format: ReportFormat,
    /// Where to write it (standard output when `None`).
    pub out: Option<PathBuf>,
    /// The language of headings and labels.
    pub lang: Lang,
}

/// Runs `lk3 report`.
pub fn run(o: &Options) -> Result<(), CliError> {
    if o.format == ReportFormat::Xlsx && o.out.is_none() {
        return Err(CliError::Usage("--format xlsx writes a workbook: give --out FILE.xlsx".to_owned()));
    }
    let db = Db::open(&o.db, Access::Read)?;
    let report = db.run(report(db.store(), &o.scope, o.from, o.to))?;
    let bytes = match o.format {
        ReportFormat::Json => {
            let mut text = serde_json::to_string_pretty(&report)
                .map_err(|source| CliError::Json { what: "report".to_owned(), source })?;
            text.push('\n');
            text.into_bytes()
        }
        ReportFormat::Table => table(&report, o.lang).into_bytes(),
        ReportFormat::Csv => csv(&report, o.lang).into_bytes(),
        ReportFormat::Xlsx => xlsx(&report, o.lang)?,
    };
    match &o.out {
        Some(path) => write_file(path, &bytes),
        None => std::io::stdout()
            .lock()
            .write_all(&bytes)
            .map_err(|source| CliError::Io { path: PathBuf::from("<stdout>"), source }),
    }
}

/// Writes an owner-only file (a report names kecamatan and workers), renamed into place.
pub(crate) fn write_file(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| CliError::Usage(format!("--out {}: not a file name", path.display())))?;
    lk3_storage::files::write_private(dir, name, bytes)?;
    Ok(())
}

fn unit_count(n: usize, lang: Lang) -> String {
    format!("{n} {}", if n == 1 { "unit" } else { lang.pick("unit", "units") })
}

fn heading(report: &Report, lang: Lang) -> String {
    let scope = match (&report.region, report.units.as_slice()) {
        (None, [one]) => format!("{} {} ({})", lang.pick("Unit LK3", "LK3 unit"), one.unit, one.time_zone),
        (Some(r), units) => format!("{} {r}: {}", lang.pick("Wilayah", "Region"), unit_count(units.len(), lang)),
        (None, units) => format!("{}: {}", lang.pick("Nasional", "National"), unit_count(units.len(), lang)),
    };
    format!("{} {scope}, {} – {}", lang.pick("Laporan", "Report of"), report.from, report.to)
}

/// The sections a format shows: each unit's for a region, then the totals.
fn parts(report: &Report) -> Vec<(Option<String>, Vec<Section>)> {
    let mut out = Vec::new();
    if report.units.len() > 1 {
        for u in &report.units {
            out.push((Some(u.unit.to_string()), report.sections(Some(&u.unit))));
        }
    }
    out.push((None, report.sections(None)));
    out
}

fn table(report: &Report, lang: Lang) -> String {
    let mut out = format!("{}\n", heading(report, lang));
    // A region's table shows the totals and the per-unit figures; the CSV,
    // JSON and XLSX hold every unit's breakdowns.
    for s in report.sections(None) {
        out.push('\n');
        out.push_str(&format!("{}\n", lang.pick(s.title_id, s.title_en)));
        let mut rows: Vec<Vec<String>> = vec![
            s.key_columns
                .iter()
                .chain(&s.value_columns)
                .map(|c| lang.pick(c.label_id, c.label_en).to_owned())
                .collect(),
        ];
        for r in &s.rows {
            rows.push(
                r.keys
                    .iter()
                    .map(|k| lang.pick(&k.label_id, &k.label_en).to_owned())
                    .chain(r.values.iter().map(u64::to_string))
                    .collect(),
            );
        }
        if s.rows.is_empty() {
            out.push_str(&format!("  ({})\n", lang.pick("tidak ada", "none")));
            continue;
        }
        let widths: Vec<usize> = (0..rows[0].len())
            .map(|i| rows.iter().map(|r| r.get(i).map_or(0, |c| c.chars().count())).max().unwrap_or(0))
            .collect();
        let keys = s.key_columns.len();
        for r in rows {
            let cells: Vec<String> = r
                .iter()
                .enumerate()
                .map(
                    |(i, c)| {
                        if i < keys { format!("{c:<w$}", w = widths[i]) } else { format!("{c:>w$}", w = widths[i]) }
                    },
                )
                .collect();
            out.push_str(&format!("  {}\n", cells.join("  ").trim_end()));
        }
    }
    out
}

fn csv_cell(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_owned() }
}

/// One row per count: `section,unit,key,key_label,key2,key2_label,measure,measure_label,value`
/// (`unit` is empty for the totals).
fn csv(report: &Report, lang: Lang) -> String {
    let mut out = String::from("section,unit,key,key_label,key2,key2_label,measure,measure_label,value\n");
    for (unit, sections) in parts(report) {
        for s in sections {
            for r in &s.rows {
                for (c, v) in s.value_columns.iter().zip(&r.values) {
                    let key = |i: usize| {
                        r.keys.get(i).map_or((String::new(), String::new()), |k| {
                            (k.id.clone(), lang.pick(&k.label_id, &k.label_en).to_owned())
                        })
                    };
                    let ((k1, l1), (k2, l2)) = (key(0), key(1));
                    let cells = [
                        s.name.to_owned(),
                        unit.clone().unwrap_or_default(),
                        k1,
                        l1,
                        k2,
                        l2,
                        c.name.to_owned(),
                        lang.pick(c.label_id, c.label_en).to_owned(),
                        v.to_string(),
                    ];
                    let line: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
                    out.push_str(&line.join(","));
                    out.push('\n');
                }
            }
        }
    }
    out
}

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(title: &str, taken: &mut Vec<String>) -> String {
    let clean: String = title.chars().map(|c| if "[]:*?/\\".contains(c) { '-' } else { c }).take(28).collect();
    let mut name = clean.clone();
    let mut n = 2;
    while taken.iter().any(|t| t.eq_ignore_ascii_case(&name)) {
        name = format!("{clean} {n}");
        n += 1;
    }
    taken.push(name.clone());
    name
}

fn xlsx_error(e: rust_xlsxwriter::XlsxError) -> CliError {
    CliError::Usage(format!("could not write the workbook: {e}"))
}

/// One sheet per breakdown of the totals (with a `unit` column first for a
/// region, a row per unit and key), and the per-unit summary.
fn xlsx(report: &Report, lang: Lang) -> Result<Vec<u8>, CliError> {
    use rust_xlsxwriter::{Format, Workbook};
    let bold = Format::new().set_bold();
    let mut book = Workbook::new();
    let mut taken = Vec::new();
    let parts = parts(report);
    let Some((_, total)) = parts.last() else { return Ok(Vec::new()) };
    let region = report.units.len() > 1;
    for (i, s) in total.iter().enumerate() {
        let sheet = book.add_worksheet();
        sheet.set_name(sheet_name(lang.pick(s.title_id, s.title_en), &mut taken)).map_err(xlsx_error)?;
        sheet.write_string_with_format(0, 0, heading(report, lang), &bold).map_err(xlsx_error)?;
        let unit_col = u16::from(region && s.name != "units");
        let mut col = 0u16;
        if unit_col == 1 {
            sheet.write_string_with_format(2, 0, "Unit", &bold).map_err(xlsx_error)?;
            col = 1;
        }
        for c in s.key_columns.iter().chain(&s.value_columns) {
            sheet.write_string_with_format(2, col, lang.pick(c.label_id, c.label_en), &bold).map_err(xlsx_error)?;
            col += 1;
        }
        // The totals first, then (for a region) each unit's rows of the same breakdown.
        let mut rows: Vec<(String, &lk3_core::report::SectionRow)> =
            s.rows.iter().map(|r| (lang.pick("Total", "Total").to_owned(), r)).collect();
        if unit_col == 1 {
            for (unit, sections) in &parts[..parts.len() - 1] {
                if let Some(us) = sections.get(i).filter(|us| us.name == s.name) {
                    rows.extend(us.rows.iter().map(|r| (unit.clone().unwrap_or_default(), r)));
                }
            }
        }
        for (n, (unit, r)) in rows.iter().enumerate() {
            let row = 3 + u32::try_from(n).unwrap_or(u32::MAX - 3);
            let mut col = 0u16;
            if unit_col == 1 {
                sheet.write_string(row, 0, unit).map_err(xlsx_error)?;
                col = 1;
            }
            for k in &r.keys {
                sheet.write_string(row, col, lang.pick(&k.label_id, &k.label_en)).map_err(xlsx_error)?;
                col += 1;
            }
            for v in &r.values {
                // Counts stay far below 2^53: exact as a spreadsheet number.
                sheet.write_number(row, col, *v as f64).map_err(xlsx_error)?;
                col += 1;
            }
        }
        sheet.autofit();
    }
    book.save_to_buffer().map_err(xlsx_error)
}

#[cfg(test)]
mod tests {
    use super::*;
    use lk3_core::report::UnitTally;

    /// A region of two units with nothing in the period.
    fn region() -> Report {
        let (from, to) = (
            NaiveDate::from_ymd_opt(2019, 1, 1).expect("valid"),
            NaiveDate::from_ymd_opt(2019, 12, 31).expect("valid"),
        );
        let tallies = ["64.74", "64.72"]
            .iter()
            .map(|u| UnitTally::new(&u.parse().expect("valid"), from, to).expect("valid").finish(&Default::default()))
            .collect();
        Report::of_units(from, to, "64".parse().ok(), tallies)
    }

    #[test]
    fn a_region_shows_its_units_in_every_format() {
        let r = region();
        let table = table(&r, Lang::En);
        assert!(table.starts_with("Report of Region 64: 2 units, 2019-01-01 – 2019-12-31\n"), "{table}");
        assert!(table.contains("\nBy unit\n"));
        let csv = csv(&r, Lang::Id);
        for unit in ["64.72", "64.74", ""] {
            assert!(
                csv.contains(&format!("\nsummary,{unit},cases_active,Kasus ditangani,,,count,Jumlah,0\n")),
                "{csv}"
            );
        }
        assert!(csv.contains("\nunits,,64.72,64.72,,,cases_active,Kasus ditangani,0\n"));
        let book = xlsx(&r, Lang::Id).expect("valid");
        assert_eq!(&book[..2], b"PK");
    }

    #[test]
    fn sheet_names_are_ones_excel_accepts_and_unique() {
        let mut taken = Vec::new();
        let a = sheet_name("Desa/kelurahan domisili klien: [semua]", &mut taken);
        let b = sheet_name("Desa/kelurahan domisili klien: [semua]", &mut taken);
        assert!(a.chars().count() <= 31 && b.chars().count() <= 31);
        assert!(!a.contains(['/', '[', ']', ':']));
        assert_ne!(a, b);
        assert_eq!(csv_cell("a,\"b\""), "\"a,\"\"b\"\"\"");
    }
}
