//! `lk3 fhir export`: a store's referrals as a FHIR R4 Bundle.

use std::io::Write;
use std::path::{Path, PathBuf};

use lk3_core::ids::CaseId;
use lk3_storage::fhir::{FhirOptions, fhir_bundle};

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
    let options = FhirOptions { base: &o.base, partners: partners.as_ref(), pseudonym_key: &key };
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
