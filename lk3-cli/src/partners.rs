//! `lk3 partners import | list | export`: each unit's partner network
//! (jejaring) kept in the store ([`lk3_storage::partners`]), read from and
//! written as lk3 partner documents or Open Referral HSDS 3.0 organizations.

use std::io::Write;
use std::path::{Path, PathBuf};

use lk3_core::Labelled;
use lk3_core::ids::UnitCode;
use lk3_core::json;
use lk3_core::partner::Partner;
use lk3_core::validate::Limits;
use lk3_storage::CaseStoreExt;
use lk3_storage::files;

use crate::CliError;
use crate::store::{Access, Db, bilingual};

/// The form partners are read and written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// lk3 partner documents: a JSON array, or NDJSON with one partner a line
    /// (what `lk3 demo --export` writes as `jejaring.ndjson`).
    Lk3,
    /// Open Referral HSDS 3.0 `organization` objects (a JSON array, NDJSON,
    /// or one object), in lk3's mapping.
    Hsds,
}

/// The form `lk3 partners list` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ListFormat {
    /// One line a partner.
    Table,
    /// A JSON array of partners.
    Json,
}

/// Reads a file of partners: JSON (an array, or one object) or NDJSON,
/// each item an lk3 partner or an HSDS organization. A repeated key
/// anywhere is refused (`LK3-E066`).
pub fn read(path: &Path, format: Format) -> Result<Vec<Partner>, CliError> {
    let text = files::read_limited(path, Limits::default().max_bytes as u64)?;
    let document = |source| CliError::Document { what: path.display().to_string(), source };
    match format {
        Format::Lk3 => items::<Partner>(&text).map_err(document),
        Format::Hsds => items::<serde_json::Value>(&text)
            .map_err(document)?
            .iter()
            .enumerate()
            .map(|(i, organization)| {
                Partner::from_hsds(organization).map_err(|e| {
                    CliError::Usage(format!("{} (organization {}): {}", path.display(), i + 1, bilingual(&e)))
                })
            })
            .collect(),
    }
}

/// The items of a JSON array; else of one object (pretty or not); else of
/// one object a line.
fn items<T: serde::de::DeserializeOwned>(text: &[u8]) -> Result<Vec<T>, json::JsonError> {
    if text.trim_ascii_start().starts_with(b"[") {
        return json::from_slice(text, "a list of partners");
    }
    if let Ok(one) = json::from_slice(text, "a partner") {
        return Ok(vec![one]);
    }
    text.split(|b| *b == b'\n')
        .filter(|l| !l.trim_ascii().is_empty())
        .map(|line| json::from_slice(line, "a partner"))
        .collect()
}

/// `lk3 partners import`: every file's partners added to or replacing the
/// store's, all or none.
pub fn import(db: &str, paths: &[PathBuf], format: Format) -> Result<(), CliError> {
    let mut partners = Vec::new();
    for path in paths {
        partners.extend(read(path, format)?);
    }
    let db = Db::open(db, Access::Write)?;
    let report = db.run(db.store().import_partners(partners))?;
    println!(
        "partners: {} added, {} changed, {} unchanged (mitra: {} baru, {} diubah, {} tetap)",
        report.added, report.changed, report.unchanged, report.added, report.changed, report.unchanged
    );
    Ok(())
}

/// `lk3 partners list`: the partners of one unit or every unit.
pub fn list(db: &str, unit: Option<&UnitCode>, format: ListFormat) -> Result<(), CliError> {
    let db = Db::open(db, Access::Read)?;
    let directory = db.run(db.store().partner_directory(unit))?;
    let mut out = std::io::stdout().lock();
    let io = |source| CliError::Io { path: PathBuf::from("<stdout>"), source };
    match format {
        ListFormat::Json => {
            let partners: Vec<&Partner> = directory.iter().collect();
            let text = serde_json::to_string_pretty(&partners)
                .map_err(|source| CliError::Json { what: "the partners".to_owned(), source })?;
            writeln!(out, "{text}").map_err(io)
        }
        ListFormat::Table => {
            writeln!(
                out,
                "{:<36}  {:<8} {:<22} {:<8} {:<8} name",
                "partner_id", "unit", "kind", "referral", "services"
            )
            .map_err(io)?;
            for p in directory.iter() {
                let active = p.services.iter().filter(|s| s.status.is_active()).count();
                writeln!(
                    out,
                    "{:<36}  {:<8} {:<22} {:<8} {:<8} {}",
                    p.partner_id.to_string(),
                    p.unit.to_string(),
                    p.kind.id(),
                    if p.is_referral_target() { "yes" } else { "no" },
                    format!("{active}/{}", p.services.len()),
                    p.name
                )
                .map_err(io)?;
            }
            writeln!(out, "{} partners", directory.len()).map_err(io)
        }
    }
}

/// A network as NDJSON, one partner a line, in id order (what `read` and
/// `validate --partners` read back).
pub fn ndjson(directory: &lk3_core::partner::PartnerDirectory) -> Result<String, CliError> {
    let mut text = String::new();
    for p in directory.iter() {
        text.push_str(&serde_json::to_string(p).map_err(|source| CliError::Json { what: p.name.clone(), source })?);
        text.push('\n');
    }
    Ok(text)
}

/// `lk3 partners export`: the partners as lk3 NDJSON (one partner a line,
/// what `import --format lk3` reads) or as a JSON array of HSDS
/// organizations.
pub fn export(db: &str, unit: Option<&UnitCode>, format: Format, out: Option<&Path>) -> Result<(), CliError> {
    let db = Db::open(db, Access::Read)?;
    let directory = db.run(db.store().partner_directory(unit))?;
    let serialise = |source| CliError::Json { what: "the partners".to_owned(), source };
    let text = match format {
        Format::Lk3 => ndjson(&directory)?,
        Format::Hsds => serde_json::to_string_pretty(&directory.to_hsds()).map_err(serialise)? + "\n",
    };
    match out {
        Some(path) => crate::report::write_file(path, text.as_bytes()),
        None => std::io::stdout()
            .lock()
            .write_all(text.as_bytes())
            .map_err(|source| CliError::Io { path: PathBuf::from("<stdout>"), source }),
    }
}
