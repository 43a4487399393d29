//! `lk3 notes read`, `lk3 attachments read`, `lk3 clients show` and
//! `lk3 access-log`: personal data read through the access rule
//! (`lk3_core::access`) for a named reader and purpose, each read that needs a
//! purpose (and each refusal) logged in the unit's append-only access log;
//! and the log itself, which names ids, digests and codes only.

use std::io::Write;
use std::path::Path;

use lk3_core::Labelled;
use lk3_core::access::{AccessRequest, LoggedAccess};
use lk3_core::event::{Actor, Hash};
use lk3_core::ids::{ClientId, PartnerId, StaffId, UnitCode};
use lk3_core::vocab::{AccessPurpose, Role};
use lk3_storage::CaseStoreExt;

use crate::CliError;
use crate::store::{Access, CasesFormat, Db};

/// Who reads, and why (the flags every read takes).
pub struct Reader {
    /// The store URL.
    pub db: String,
    /// The unit whose data it is.
    pub unit: UnitCode,
    /// The reader's staff id.
    pub staff: StaffId,
    /// The role they read in.
    pub role: Role,
    /// The unit whose staff they are, when given.
    pub staff_unit: Option<UnitCode>,
    /// The partner a `mitra` reads for.
    pub partner: Option<PartnerId>,
    /// Why they read.
    pub purpose: Option<AccessPurpose>,
}

impl Reader {
    /// The store, opened for writing (the log is written) only once it is
    /// known to be an lk3 store: a read never creates one.
    fn open(&self) -> Result<Db, CliError> {
        drop(Db::open(&self.db, Access::Read)?);
        Db::open(&self.db, Access::Write)
    }

    fn request(&self) -> AccessRequest {
        let actor = Actor { partner_id: self.partner, role: self.role, staff_id: self.staff, unit: self.staff_unit };
        AccessRequest { actor, purpose: self.purpose, at: chrono::Utc::now() }
    }
}

fn stdout_error(e: std::io::Error) -> CliError {
    CliError::Io { path: "stdout".into(), source: e }
}

/// `lk3 notes read`: the note's text on standard output.
pub fn read_note(reader: &Reader, digest: Hash) -> Result<(), CliError> {
    let db = reader.open()?;
    let note = db.run(db.store().read_note(&reader.unit, digest, &reader.request()))?;
    let mut out = std::io::stdout().lock();
    match note.text {
        Some(text) => writeln!(out, "{text}"),
        None => writeln!(out, "(dihapus / erased)"),
    }
    .map_err(stdout_error)
}

/// `lk3 attachments read`: the attachment's bytes written owner-only to `out`.
pub fn read_attachment(reader: &Reader, digest: Hash, out: &Path) -> Result<(), CliError> {
    let db = reader.open()?;
    let attachment = db.run(db.store().read_attachment(&reader.unit, digest, &reader.request()))?;
    let Some(content) = attachment.content else {
        println!("lampiran dihapus / attachment erased");
        return Ok(());
    };
    let (dir, name) = match (out.parent(), out.file_name().and_then(|n| n.to_str())) {
        (Some(dir), Some(name)) => (if dir.as_os_str().is_empty() { Path::new(".") } else { dir }, name),
        _ => return Err(CliError::Usage(format!("--out {} is not a file name / bukan nama berkas", out.display()))),
    };
    let written = lk3_storage::files::write_private(dir, name, &content)?;
    println!(
        "{} ({} bytes, {}) -> {}",
        attachment.kind.id(),
        content.len(),
        attachment.content_type.id(),
        written.display()
    );
    Ok(())
}

/// `lk3 clients show`: a client's identity record as JSON.
pub fn show_client(reader: &Reader, client: ClientId) -> Result<(), CliError> {
    let db = reader.open()?;
    let record = db.run(db.store().read_client(&reader.unit, client, &reader.request()))?;
    let json = serde_json::to_string(&record).map_err(|source| CliError::Json { what: "client".to_owned(), source })?;
    writeln!(std::io::stdout().lock(), "{json}").map_err(stdout_error)
}

/// `lk3 access-log`: the entries of one unit's log, or of every unit's, about
/// one client when given; each unit's whole log is checked first.
pub fn access_log(
    url: &str,
    unit: Option<UnitCode>,
    client: Option<ClientId>,
    format: CasesFormat,
) -> Result<(), CliError> {
    let db = Db::open(url, Access::Read)?;
    let units = match unit {
        Some(u) => vec![u],
        None => db.run(db.store().units())?,
    };
    let mut entries: Vec<LoggedAccess> = Vec::new();
    for unit in &units {
        let log = db.run(lk3_storage::access::verified_log(db.store(), unit))?;
        entries.extend(log.into_iter().filter(|l| client.is_none_or(|c| l.entry.clients.contains(&c))));
    }
    let mut out = std::io::stdout().lock();
    match format {
        CasesFormat::Json => {
            let json = serde_json::to_string(&entries)
                .map_err(|source| CliError::Json { what: "access log".to_owned(), source })?;
            writeln!(out, "{json}").map_err(stdout_error)?;
        }
        CasesFormat::Table => {
            writeln!(
                out,
                "{:<6} {:>5} {:<20} {:<16} {:<36} {:<10} {:<14} {:<17} {:<8} sasaran / target",
                "unit",
                "no",
                "waktu / at (UTC)",
                "peran / role",
                "staf / staff",
                "jenis",
                "tingkat",
                "tujuan / purpose",
                "hasil"
            )
            .map_err(stdout_error)?;
            for l in &entries {
                let e = &l.entry;
                let outcome = match e.refusal {
                    None => "diberikan".to_owned(),
                    Some(code) => code.id().to_owned(),
                };
                writeln!(
                    out,
                    "{:<6} {:>5} {:<20} {:<16} {:<36} {:<10} {:<14} {:<17} {:<8} {}",
                    e.unit.to_string(),
                    l.seq,
                    e.at.format("%Y-%m-%d %H:%M:%S").to_string(),
                    e.actor.role.id(),
                    e.actor.staff_id.to_string(),
                    e.kind.id(),
                    e.sensitivity.id(),
                    e.purpose.map_or("-", |p| p.id()),
                    outcome,
                    e.target
                )
                .map_err(stdout_error)?;
            }
            writeln!(out, "{} entri / entries", entries.len()).map_err(stdout_error)?;
        }
    }
    Ok(())
}
