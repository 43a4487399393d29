//! `lk3 demo`: LK3 Kota Bontang (kode wilayah 64.74, WITA) at work in 2019.
//!
//! The stories are drawn from the seed reports: a KDRT case handled with the
//! police, the UPTD PPA and the six services; a walk-in consultation; a
//! sosialisasi to students and RT heads; aid for blind and stroke clients
//! from Baznas and the DPA budget; a family conflict that comes back; a
//! report that is not for the LK3; a client who moves away; a referral the
//! partner refuses and that is re-sent elsewhere; an RT's report of a
//! neglected older woman found on the second visit. Refused steps are
//! attempted on purpose and shown with their errors.

mod stories;
mod unit;

use std::path::{Path, PathBuf};

use lk3_storage::files;

use lk3_core::schema::CaseDocument;

pub use unit::{DemoCase, DemoOutreach, Step, Unit, approve_current, early_end, normal_path, wita};
pub use unit::{KETUA, KONSELOR, PEKSOS_ANDI, PEKSOS_SARI, PSIKOLOG, RELAWAN, SEKRETARIS};

use crate::store::DemoWriter;
use crate::{CliError, render, synthetic};

/// Options of `lk3 demo`.
pub struct Options {
    pub export: Option<PathBuf>,
    pub cases: u32,
    pub seed: u64,
    /// The store URL to write every case and outreach into (`None`: `--no-db`).
    pub db: Option<String>,
    /// The key that seals every exported document and every stored batch.
    pub key: Option<lk3_core::seal::SigningKey>,
}

fn export(dir: &Path, cases: &[DemoCase], key: Option<&lk3_core::seal::SigningKey>) -> Result<usize, CliError> {
    use lk3_core::seal::{StreamHead, sign};
    files::create_private_dir(dir)?;
    for c in cases {
        let name = c.case.case_number().map_or_else(|| "case".to_owned(), |n| n.to_string().replace('/', "_"));
        let mut doc = CaseDocument::new(c.case.clone(), c.events.clone());
        if let (Some(key), Some(head)) = (key, StreamHead::of(c.case.unit(), &c.events)) {
            let path = dir.join(format!("{name}.json"));
            doc.seal = Some(sign(&head, key).map_err(|e| CliError::Seal { path, source: Box::new(e) })?);
        }
        let mut json =
            serde_json::to_string_pretty(&doc).map_err(|source| CliError::Json { what: name.clone(), source })?;
        json.push('\n');
        files::write_private(dir, &format!("{name}.json"), json.as_bytes())?;
    }
    Ok(cases.len())
}

/// Writes the unit's partner network as NDJSON, one partner a line.
fn export_network(dir: &Path, unit: &Unit) -> Result<(), CliError> {
    let text = crate::partners::ndjson(&unit.partners)?;
    files::write_private(dir, "jejaring.ndjson", text.as_bytes())?;
    Ok(())
}

/// Runs the demo.
pub fn run(options: &Options) -> Result<(), CliError> {
    // Opened first: a store that cannot be used ends the run before any work.
    let mut store = options.db.as_deref().map(|url| DemoWriter::open(url, options.key.clone())).transpose()?;
    let mut unit = Unit::new(options.seed);
    stories::all(&mut unit);
    let scripted = unit.cases.len();
    if let Some(w) = store.as_mut() {
        w.partners(&unit.partners)?;
        for c in &unit.cases {
            w.case(&c.events)?;
        }
        for o in &unit.outreaches {
            w.outreach(&o.events)?;
        }
        w.clients(&unit.registry)?;
    }
    // Synthetic cases are stored as they are made, in chunks, before their events are dropped.
    let synthetic =
        synthetic::generate(&mut unit, options.cases, options.export.is_some(), |c| match store.as_mut() {
            Some(w) => w.case(&c.events),
            None => Ok(()),
        })?;
    if let Some(w) = store.as_mut() {
        w.flush()?;
    }

    let mut out = std::io::stdout().lock();
    let io = |source| CliError::Io { path: PathBuf::from("<stdout>"), source };
    render::header(&mut out, &unit).map_err(io)?;
    for c in &unit.cases[..scripted] {
        render::case_timeline(&mut out, &unit, c).map_err(io)?;
    }
    for o in &unit.outreaches {
        render::outreach_timeline(&mut out, &unit, o).map_err(io)?;
    }
    render::summary(&mut out, &unit, &unit.cases[..scripted]).map_err(io)?;
    render::fhir(&mut out, &unit, &unit.cases[..scripted]).map_err(io)?;
    if let Some(stats) = synthetic {
        render::synthetic(&mut out, &stats).map_err(io)?;
    }
    use std::io::Write;
    if let Some(w) = &store {
        writeln!(out, "\n{}", w.summary()).map_err(io)?;
    }
    if let Some(dir) = &options.export {
        let n = export(dir, &unit.cases, options.key.as_ref())?;
        export_network(dir, &unit)?;
        writeln!(out, "\nExported {n} case documents and the partner network (jejaring.ndjson) to {}", dir.display())
            .map_err(io)?;
    }
    Ok(())
}
