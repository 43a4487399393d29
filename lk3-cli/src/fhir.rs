//! `lk3 fhir export`: a store's referrals as a FHIR R4 Bundle; `lk3 fhir
//! import`: a partner's Task updates applied as its steps.

use std::io::Write;
use std::path::{Path, PathBuf};

use lk3_core::ids::{CaseId, StaffId};
use lk3_core::validate::Limits;
use lk3_storage::fhir::{FhirOptions, TaskApplied, apply_task, fhir_bundle};

use crate::CliError;
use crate::store::{Access, Db};

/// What `lk3 fhir export` was asked.
pub struct ExportOptions {
    pub db: String,
    pub case: Option<CaseId>,
    pub partners: Option<PathBuf>,
    pub base: String,
    pub pseudonym_key: Option<PathBuf>,
    pub out: Option<PathBuf>,
}

/// Writes the Bundle (owner-only: it may name clients who consented to a partner).
pub fn export(o: &ExportOptions) -> Result<(), CliError> {
    let partners = o.partners.as_deref().map(crate::validate::load_partners).transpose()?;
    let key = match &o.pseudonym_key {
        Some(path) => read_key(path)?,
        // A fresh key: pseudonyms that link to no other export.
        None => {
            let mut key = vec![0u8; 32];
            getrandom::fill(&mut key)
                .map_err(|e| CliError::Usage(format!("the operating system gave no random bytes: {e}")))?;
            key
        }
    };
    let db = Db::open(&o.db, Access::Read)?;
    let partners = match partners {
        Some(file) => file,
        None => db.run(lk3_storage::CaseStoreExt::partner_directory(db.store(), None))?,
    };
    let options = FhirOptions { base: &o.base, partners: Some(&partners), pseudonym_key: &key };
    let bundle = db.run(fhir_bundle(db.store(), o.case, &options, chrono::Utc::now()))?;
    let mut text = serde_json::to_string_pretty(&bundle)
        .map_err(|source| CliError::Json { what: "the FHIR bundle".to_owned(), source })?;
    text.push('\n');
    match &o.out {
        Some(path) => crate::report::write_file(path, text.as_bytes()),
        None => std::io::stdout()
            .lock()
            .write_all(text.as_bytes())
            .map_err(|source| CliError::Io { path: PathBuf::from("<stdout>"), source }),
    }
}

/// A pseudonym key file: at least 16 bytes, used as they are.
fn read_key(path: &Path) -> Result<Vec<u8>, CliError> {
    let key = lk3_storage::files::read_limited(path, 4096)?;
    if key.len() < 16 {
        return Err(CliError::Usage(format!("--pseudonym-key {}: a key has at least 16 bytes", path.display())));
    }
    Ok(key)
}

/// `lk3 fhir import`: each Task of the files (a Bundle's Tasks, or a Task)
/// applied as its partner's step; `false` when any was refused.
pub fn import(db: &str, staff: StaffId, paths: &[PathBuf]) -> Result<bool, CliError> {
    let db = Db::open(db, Access::Write)?;
    let mut clean = true;
    for path in paths {
        let bytes = lk3_storage::files::read_limited(path, Limits::default().max_bytes as u64)?;
        let what = || path.display().to_string();
        let value: serde_json::Value = lk3_core::json::from_slice(&bytes, "a FHIR Bundle or Task")
            .map_err(|source| CliError::Document { what: what(), source })?;
        let tasks: Vec<&serde_json::Value> = match value["resourceType"].as_str() {
            Some("Bundle") => value["entry"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|e| &e["resource"])
                .filter(|r| r["resourceType"] == "Task")
                .collect(),
            _ => vec![&value],
        };
        for task in tasks {
            let id: String = task["id"].as_str().unwrap_or_default().chars().take(64).collect();
            match db.block_on(apply_task(db.store(), task, staff)) {
                Ok(TaskApplied { before, after, step: Some(step), .. }) => {
                    println!("Task {id}: {before} -> {after} ({step})");
                }
                Ok(TaskApplied { before, .. }) => println!("Task {id}: {before}, unchanged"),
                Err(e) => {
                    clean = false;
                    eprintln!("lk3: Task {id} not applied: {}", crate::store::bilingual(&e));
                }
            }
        }
    }
    Ok(clean)
}
