//! `lk3 keys`: a unit's signing keys and a reader's trust file
//! ([`lk3_core::seal`]).
//!
//! - `generate --unit U --out DIR` makes a key from the operating system's
//!   random source and writes `lk3-<unit>-<key id>.private.json` and
//!   `.public.json`, both new files, owner-only; an existing file is never
//!   overwritten.
//! - `show FILE` prints a key file's id, unit and public key (never the
//!   private key), or a trust file's keys.
//! - `trust PUBFILE... --trust FILE` adds public keys to a trust file
//!   (created if missing); `retire KEY_ID --from TIME --trust FILE` limits a
//!   key to heads that occurred before TIME; `revoke KEY_ID --trust FILE`
//!   removes it. With `--db URL` instead of `--trust FILE`, the same on the
//!   keys a store trusts ([`lk3_storage::trust`]; a revoked key stays,
//!   marked); `show --db URL` lists them; `seal --db URL --key KEYFILE`
//!   seals the heads a store already holds of the key's unit.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, SecondsFormat, SubsecRound, Utc};
use lk3_core::ids::UnitCode;
use lk3_core::seal::{
    KeyId, PRIVATE_KEY_DOCUMENT, PUBLIC_KEY_DOCUMENT, PrivateKeyFile, PublicKeyFile, SealError, SigningKey,
    TRUST_DOCUMENT, TrustedKey, TrustedKeys,
};
use lk3_storage::files;

use crate::CliError;
use crate::store::{Access, Db};

/// Key and trust files are small: read no more than this.
const KEY_FILE_LIMIT: u64 = 4 * 1024 * 1024;

/// A seal or key file error about the file at `path`.
fn refused(path: &Path) -> impl Fn(SealError) -> CliError + '_ {
    move |e| CliError::Seal { path: path.to_owned(), source: Box::new(e) }
}

fn stdout_error(source: std::io::Error) -> CliError {
    CliError::Io { path: PathBuf::from("<stdout>"), source }
}

/// The directory and plain name of a file path, for [`files`]' writes.
fn split(path: &Path) -> Result<(&Path, &str), CliError> {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| CliError::Usage(format!("{}: not a file name", path.display())))?;
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    Ok((dir, name))
}

/// `lk3 keys generate`: a new key for `unit`, its private and public key files in `out`.
pub fn generate(unit: &UnitCode, out: &Path) -> Result<(), CliError> {
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret)
        .map_err(|e| CliError::Usage(format!("the operating system gave no random bytes: {e}")))?;
    let key = SigningKey::from_secret(&secret, *unit);
    secret.fill(0);
    let file = PrivateKeyFile { key, created: Utc::now().trunc_subsecs(0) };
    let public = file.public();
    files::create_private_dir(out)?;
    let stem = format!("lk3-{}-{}", public.unit, public.key_id);
    let private_path = files::create_private(out, &format!("{stem}.private.json"), file.to_json().as_bytes())?;
    let public_path = match files::create_private(out, &format!("{stem}.public.json"), public.to_json().as_bytes()) {
        Ok(p) => p,
        Err(e) => {
            // Never a private key without its public half.
            let _ = std::fs::remove_file(&private_path);
            return Err(e.into());
        }
    };
    let mut o = std::io::stdout().lock();
    writeln!(o, "key id:      {}", public.key_id).map_err(stdout_error)?;
    writeln!(o, "unit:        {}", public.unit).map_err(stdout_error)?;
    writeln!(o, "public key:  {}", public.public_key).map_err(stdout_error)?;
    writeln!(o, "private key: {} (owner-only; keep it to the unit, never send it)", private_path.display())
        .map_err(stdout_error)?;
    writeln!(o, "public key:  {} (give it to your province over a trusted channel)", public_path.display())
        .map_err(stdout_error)?;
    Ok(())
}

/// Reads a private key file (for `--sign`).
pub fn load_signing_key(path: &Path) -> Result<SigningKey, CliError> {
    let bytes = files::read_limited(path, KEY_FILE_LIMIT)?;
    PrivateKeyFile::parse(&bytes).map(|f| f.key).map_err(refused(path))
}

/// Reads a trust file (for `--trust`).
pub fn load_trust(path: &Path) -> Result<TrustedKeys, CliError> {
    let bytes = files::read_limited(path, KEY_FILE_LIMIT)?;
    TrustedKeys::parse(&bytes).map_err(refused(path))
}

/// A trust file, or an empty set when there is none yet.
fn load_or_new_trust(path: &Path) -> Result<TrustedKeys, CliError> {
    match files::read_limited(path, KEY_FILE_LIMIT) {
        Err(files::FileError::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
            Ok(TrustedKeys::new())
        }
        Err(e) => Err(e.into()),
        Ok(bytes) => TrustedKeys::parse(&bytes).map_err(refused(path)),
    }
}

fn save_trust(path: &Path, keys: &TrustedKeys) -> Result<(), CliError> {
    let (dir, name) = split(path)?;
    files::write_private(dir, name, keys.to_json().as_bytes())?;
    Ok(())
}

fn key_line(k: &TrustedKey) -> String {
    let retired = k
        .retired_from
        .map_or_else(String::new, |t| format!("  retired from {}", t.to_rfc3339_opts(SecondsFormat::AutoSi, true)));
    format!("{}  unit {}  public key {}{retired}", k.key_id, k.unit, k.public_key)
}

/// `lk3 keys show`: what a key or trust file holds, never a private key.
pub fn show(path: &Path) -> Result<(), CliError> {
    let bytes = files::read_limited(path, KEY_FILE_LIMIT)?;
    #[derive(serde::Deserialize)]
    struct Kind {
        document: Option<String>,
    }
    let kind = serde_json::from_slice::<Kind>(&bytes).ok().and_then(|k| k.document);
    let mut o = std::io::stdout().lock();
    let (public, what) = match kind.as_deref() {
        Some(PRIVATE_KEY_DOCUMENT) => (
            PrivateKeyFile::parse(&bytes).map_err(refused(path))?.public(),
            "private key file (the private key is not shown)",
        ),
        Some(PUBLIC_KEY_DOCUMENT) => (PublicKeyFile::parse(&bytes).map_err(refused(path))?, "public key file"),
        Some(TRUST_DOCUMENT) => {
            let keys = TrustedKeys::parse(&bytes).map_err(refused(path))?;
            writeln!(o, "trust file: {} trusted keys", keys.len()).map_err(stdout_error)?;
            for k in keys.iter() {
                writeln!(o, "{}", key_line(k)).map_err(stdout_error)?;
            }
            return Ok(());
        }
        _ => {
            return Err(CliError::Usage(format!(
                "{}: not an lk3 key or trust file (`document` is not {PRIVATE_KEY_DOCUMENT}, {PUBLIC_KEY_DOCUMENT} or {TRUST_DOCUMENT})",
                path.display()
            )));
        }
    };
    writeln!(o, "file:        {what}").map_err(stdout_error)?;
    writeln!(o, "key id:      {}", public.key_id).map_err(stdout_error)?;
    writeln!(o, "unit:        {}", public.unit).map_err(stdout_error)?;
    writeln!(o, "public key:  {}", public.public_key).map_err(stdout_error)?;
    writeln!(o, "created:     {}", public.created.to_rfc3339_opts(SecondsFormat::AutoSi, true))
        .map_err(stdout_error)?;
    Ok(())
}

/// Where trusted keys are kept.
#[derive(Debug, Clone)]
pub enum Place {
    /// A trust file.
    File(PathBuf),
    /// A store, by URL.
    Store(String),
}

fn read_public(p: &Path) -> Result<TrustedKey, CliError> {
    let bytes = files::read_limited(p, KEY_FILE_LIMIT)?;
    let public = PublicKeyFile::parse(&bytes).map_err(refused(p))?;
    Ok(TrustedKey::from(&public))
}

fn said_trusted(new: bool, key: &TrustedKey) -> Result<(), CliError> {
    let line = key_line(key);
    let mut o = std::io::stdout().lock();
    writeln!(o, "{} {line}", if new { "trusted:        " } else { "already trusted:" }).map_err(stdout_error)
}

/// `lk3 keys trust`: adds public keys to a trust file or a store.
pub fn trust(public_files: &[PathBuf], place: &Place) -> Result<(), CliError> {
    match place {
        Place::File(trust_file) => {
            let mut keys = load_or_new_trust(trust_file)?;
            for p in public_files {
                let key = read_public(p)?;
                let new = keys.insert(key.clone()).map_err(refused(p))?;
                said_trusted(new, &key)?;
            }
            save_trust(trust_file, &keys)?;
            println!("{}: {} trusted keys", trust_file.display(), keys.len());
        }
        Place::Store(url) => {
            // Every file read first: a bad one adds nothing.
            let keys = public_files.iter().map(|p| read_public(p)).collect::<Result<Vec<_>, _>>()?;
            let db = Db::open(url, Access::Write)?;
            for key in keys {
                let new = db.run(lk3_storage::trust::trust_key(db.store(), key.clone()))?;
                said_trusted(new, &key)?;
            }
            let n = db.run(lk3_storage::trust::trusted_keys(db.store()))?.len();
            println!("{}: {n} trusted keys", db.url());
        }
    }
    Ok(())
}

/// `lk3 keys retire`: the key verifies only seals over heads before `from`.
pub fn retire(key_id: KeyId, from: DateTime<Utc>, place: &Place) -> Result<(), CliError> {
    let key = match place {
        Place::File(trust_file) => {
            let mut keys = load_trust(trust_file)?;
            keys.retire(&key_id, from).map_err(refused(trust_file))?;
            save_trust(trust_file, &keys)?;
            keys.get(&key_id).cloned()
        }
        Place::Store(url) => {
            let db = Db::open(url, Access::Write)?;
            db.run(lk3_storage::trust::retire_key(db.store(), &key_id, from))?;
            db.run(lk3_storage::trust::trusted_keys(db.store()))?.get(&key_id).cloned()
        }
    };
    if let Some(k) = key {
        println!("retired: {}", key_line(&k));
    }
    Ok(())
}

/// `lk3 keys revoke`: nothing the key sealed verifies any more; a trust file
/// drops it, a store marks it revoked.
pub fn revoke(key_id: KeyId, place: &Place) -> Result<(), CliError> {
    match place {
        Place::File(trust_file) => {
            let mut keys = load_trust(trust_file)?;
            let Some(k) = keys.remove(&key_id) else {
                return Err(refused(trust_file)(SealError::Untrusted { key_id }));
            };
            save_trust(trust_file, &keys)?;
            println!("revoked: {}", key_line(&k));
        }
        Place::Store(url) => {
            let db = Db::open(url, Access::Write)?;
            let at = Utc::now().trunc_subsecs(0);
            db.run(lk3_storage::trust::revoke_key(db.store(), &key_id, at))?;
            println!("revoked: {key_id} at {}", at.to_rfc3339_opts(SecondsFormat::AutoSi, true));
        }
    }
    Ok(())
}

/// `lk3 keys show --db`: the keys a store trusts, revoked ones marked.
pub fn show_store(url: &str) -> Result<(), CliError> {
    let db = Db::open(url, Access::Read)?;
    let records = db.run(db.store().trust_records())?;
    let mut o = std::io::stdout().lock();
    let revoked = records.iter().filter(|r| r.revoked_at.is_some()).count();
    writeln!(o, "{}: {} trusted keys, {revoked} revoked", db.url(), records.len() - revoked).map_err(stdout_error)?;
    for r in &records {
        let mark = r
            .revoked_at
            .map_or_else(String::new, |t| format!("  REVOKED at {}", t.to_rfc3339_opts(SecondsFormat::AutoSi, true)));
        writeln!(o, "{}{mark}", key_line(&r.key)).map_err(stdout_error)?;
    }
    Ok(())
}

/// `lk3 keys seal`: seals the heads a store holds of the key's unit.
pub fn seal_heads(url: &str, key_file: &Path) -> Result<(), CliError> {
    let key = load_signing_key(key_file)?;
    let db = Db::open(url, Access::Write)?;
    let done = db.run(lk3_storage::trust::seal_heads(db.store(), &key))?;
    println!(
        "{}: sealed {} streams of unit {} with key {} ({} already sealed, {} of other units left alone)",
        db.url(),
        done.sealed,
        key.unit(),
        key.key_id(),
        done.already,
        done.other_units
    );
    Ok(())
}
