//! `lk3 clients find|merge`: a person looked for in a unit's client registry
//! (by NIK, No. KK or name) with the files of each candidate, and the audited
//! merge of two records of one person. Output names ids, scores and case
//! numbers only: never a NIK, No. KK or name.

use std::io::Write;

use chrono::{DateTime, Utc};
use lk3_core::Labelled;
use lk3_core::ids::{ClientId, Nik, NoKk, StaffId, UnitCode};
use lk3_core::lookup::ClientLookup;
use lk3_core::schema::{ClientMerge, MergeReason};
use lk3_storage::registry::Candidate;

use crate::CliError;
use crate::store::{Access, CasesFormat, Db, bilingual};

/// What `lk3 clients find` looks for (the identifiers as typed: parsed here,
/// so that a malformed one is refused without being echoed).
pub struct Wanted {
    /// The NIK.
    pub nik: Option<String>,
    /// The No. KK.
    pub no_kk: Option<String>,
    /// A name.
    pub name: Option<String>,
    /// A birth date.
    pub born: Option<chrono::NaiveDate>,
}

/// `lk3 clients find`.
pub fn find(url: &str, unit: &UnitCode, wanted: Wanted, format: CasesFormat) -> Result<(), CliError> {
    let identifier = |e: lk3_core::ids::IdentifierError| CliError::Usage(bilingual(&e));
    let lookup = ClientLookup {
        nik: wanted.nik.as_deref().map(Nik::parse).transpose().map_err(identifier)?,
        no_kk: wanted.no_kk.as_deref().map(NoKk::parse).transpose().map_err(identifier)?,
        name: wanted.name,
        birth_date: wanted.born,
    };
    if lookup.nik.is_none() && lookup.no_kk.is_none() && lookup.name.is_none() {
        return Err(CliError::Usage("give --nik, --no-kk or --name / sebutkan --nik, --no-kk atau --name".to_owned()));
    }
    let db = Db::open(url, Access::Read)?;
    let found = db.run(lk3_storage::registry::find_clients(db.store(), unit, &lookup))?;
    print(&found, format)
}

fn print(found: &[Candidate], format: CasesFormat) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    let write = |e: std::io::Error| CliError::Io { path: "stdout".into(), source: e };
    match format {
        CasesFormat::Json => {
            let json =
                serde_json::to_string(found).map_err(|source| CliError::Json { what: "clients".to_owned(), source })?;
            writeln!(out, "{json}").map_err(write)?;
        }
        CasesFormat::Table => {
            writeln!(out, "{:<36} {:<8} {:>5} berkas / files", "klien / client", "cocok", "skor").map_err(write)?;
            for c in found {
                let files: Vec<String> = c
                    .files
                    .iter()
                    .map(|f| {
                        let number = f.case_number.as_ref().map_or_else(|| f.case_id.to_string(), ToString::to_string);
                        format!("{number} ({})", f.stage.id())
                    })
                    .collect();
                let files = if files.is_empty() { "-".to_owned() } else { files.join(", ") };
                writeln!(out, "{:<36} {:<8} {:>5.2} {files}", c.client_id.to_string(), c.by.id(), c.score)
                    .map_err(write)?;
            }
            writeln!(out, "{} calon / candidates", found.len()).map_err(write)?;
        }
    }
    Ok(())
}

/// `lk3 clients merge`.
pub fn merge(
    url: &str,
    unit: UnitCode,
    merged: ClientId,
    into: ClientId,
    by: StaffId,
    reason: MergeReason,
    at: Option<DateTime<Utc>>,
) -> Result<(), CliError> {
    let db = Db::open(url, Access::Write)?;
    let merge = ClientMerge { unit, merged, into, at: at.unwrap_or_else(Utc::now), by, reason };
    db.run(db.store().merge_clients(&merge))?;
    println!("klien {merged} digabung ke / merged into {into}");
    Ok(())
}

/// `lk3 clients family`: the records under one Kartu Keluarga, each with its
/// cases and its role in each (ids, case numbers, stages and roles only).
pub fn family(url: &str, unit: &UnitCode, no_kk: &str, format: CasesFormat) -> Result<(), CliError> {
    let no_kk = NoKk::parse(no_kk).map_err(|e| CliError::Usage(bilingual(&e)))?;
    let db = Db::open(url, Access::Read)?;
    let members = db.run(lk3_storage::registry::family(db.store(), unit, no_kk))?;
    let mut out = std::io::stdout().lock();
    let write = |e: std::io::Error| CliError::Io { path: "stdout".into(), source: e };
    match format {
        CasesFormat::Json => {
            let json = serde_json::to_string(&members)
                .map_err(|source| CliError::Json { what: "family".to_owned(), source })?;
            writeln!(out, "{json}").map_err(write)?;
        }
        CasesFormat::Table => {
            writeln!(out, "{:<36} berkas (peran) / files (role)", "anggota / member").map_err(write)?;
            for m in &members {
                let files: Vec<String> = m
                    .files
                    .iter()
                    .map(|f| {
                        let number = f.case_number.as_ref().map_or_else(|| f.case_id.to_string(), ToString::to_string);
                        format!("{number} ({}, {})", f.stage.id(), f.role.map_or("-", |r| r.id()))
                    })
                    .collect();
                let files = if files.is_empty() { "-".to_owned() } else { files.join(", ") };
                writeln!(out, "{:<36} {files}", m.client_id.to_string()).map_err(write)?;
            }
            writeln!(out, "{} anggota / members", members.len()).map_err(write)?;
        }
    }
    Ok(())
}
