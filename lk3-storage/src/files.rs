//! Files lk3 reads and writes for people: documents in, exports out. The
//! documents hold families' data, and the paths come from anyone, so:
//!
//! - a read takes at most the size limit plus one byte (a `.json` name in
//!   front of `/dev/zero`, or an endless standard input, is refused as too
//!   large, never read into memory), and never blocks on a FIFO or device:
//!   only regular files are read;
//! - a walk of a directory never follows a symbolic link (two links to `.`
//!   would make it endless) and takes only regular files: a FIFO, a device
//!   or a link under a document's name is reported, never opened or skipped
//!   in silence;
//! - a write never goes through a symbolic link: the file is written whole
//!   under a new name, owner-only (0600), then renamed over the target, so a
//!   planted link is replaced, not followed; new directories are owner-only
//!   (0700).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use lk3_core::{ErrorCode, Lk3Error};

/// What can go wrong with a file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FileError {
    /// Not a regular file (a FIFO, a device, a socket, a directory).
    #[error("{path}: not a regular file; lk3 reads documents only from regular files")]
    NotRegular {
        /// The path.
        path: PathBuf,
    },
    /// A symbolic link met inside a directory walk (never followed).
    #[error(
        "{path}: a symbolic link inside a directory; lk3 does not follow links when it walks a directory (name the file itself)"
    )]
    Link {
        /// The path of the link.
        path: PathBuf,
    },
    /// Larger than the limit (read no further than the limit plus one byte).
    #[error("{path}: larger than the limit of {limit} bytes")]
    TooLarge {
        /// The path (`<stdin>` for standard input).
        path: PathBuf,
        /// The limit in bytes.
        limit: u64,
    },
    /// A name that is not a plain file name (a path, `..`, empty).
    #[error("{name:?} is not a plain file name")]
    BadName {
        /// The name given.
        name: String,
    },
    /// A file lk3 will not overwrite (a key file) is already there.
    #[error("{path}: already exists; lk3 does not overwrite it")]
    Exists {
        /// The path.
        path: PathBuf,
    },
    /// The operating system refused.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

impl FileError {
    fn io(path: &Path) -> impl FnOnce(std::io::Error) -> FileError + '_ {
        move |source| FileError::Io { path: path.to_owned(), source }
    }
}

impl Lk3Error for FileError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::NotRegular { .. } | Self::Link { .. } | Self::BadName { .. } | Self::Exists { .. } => {
                ErrorCode::UnsafePath
            }
            Self::TooLarge { .. } => ErrorCode::DocumentTooLarge,
            Self::Io { .. } => ErrorCode::StoreUnavailable,
        }
    }

    fn message_id(&self) -> String {
        match self {
            Self::NotRegular { path } => {
                format!("{}: bukan berkas biasa; lk3 hanya membaca dokumen dari berkas biasa", path.display())
            }
            Self::Link { path } => format!(
                "{}: tautan simbolik di dalam direktori; lk3 tidak mengikuti tautan saat menelusuri direktori (sebut berkasnya langsung)",
                path.display()
            ),
            Self::TooLarge { path, limit } => format!("{}: lebih besar dari batas {limit} bita", path.display()),
            Self::BadName { name } => format!("{name:?} bukan nama berkas biasa"),
            Self::Exists { path } => format!("{}: sudah ada; lk3 tidak menimpanya", path.display()),
            Self::Io { path, source } => format!("{}: {source}", path.display()),
        }
    }
}

/// Reads a regular file of at most `limit` bytes. Opening does not wait for
/// a FIFO's writer (it is opened non-blocking, then refused as not regular).
pub fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, FileError> {
    let mut open = std::fs::OpenOptions::new();
    open.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut open, libc::O_NONBLOCK | libc::O_NOCTTY);
    let file = open.open(path).map_err(FileError::io(path))?;
    // Checked on the open file, not the name: nothing can be swapped in between.
    let meta = file.metadata().map_err(FileError::io(path))?;
    if !meta.is_file() {
        return Err(FileError::NotRegular { path: path.to_owned() });
    }
    // Room for the file as it is now (and one byte to see it grew past the
    // limit), so that it is read in one call, not grown into a probe at a time.
    let expected = meta.len().min(limit).saturating_add(1);
    take_limited(file, path, limit, usize::try_from(expected).unwrap_or(0))
}

/// Reads standard input, at most `limit` bytes.
pub fn read_stdin_limited(limit: u64) -> Result<Vec<u8>, FileError> {
    take_limited(std::io::stdin().lock(), Path::new("<stdin>"), limit, 0)
}

fn take_limited(source: impl Read, path: &Path, limit: u64, expected: usize) -> Result<Vec<u8>, FileError> {
    let mut bytes = Vec::with_capacity(expected);
    source.take(limit.saturating_add(1)).read_to_end(&mut bytes).map_err(FileError::io(path))?;
    if bytes.len() as u64 > limit {
        return Err(FileError::TooLarge { path: path.to_owned(), limit });
    }
    Ok(bytes)
}

/// The files under `root` whose name ends with one of `extensions` (`json`,
/// `ndjson` ...), in name order; `root` itself when it is a file, whatever
/// its name. Symbolic links inside `root` are not followed (a link named on
/// the command line is). Under a document's name, anything but a regular
/// file (a FIFO, a device, a socket, a link) is an error in the list, never
/// opened and never skipped in silence; other names are not documents and
/// are passed over. An unreadable directory is an error in the list; the walk
/// goes on.
pub fn walk(root: &Path, extensions: &[&str]) -> Vec<Result<PathBuf, FileError>> {
    let wanted = |p: &Path| p.extension().and_then(|e| e.to_str()).is_some_and(|e| extensions.contains(&e));
    walkdir::WalkDir::new(root)
        .follow_links(false)
        .follow_root_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_map(|entry| match entry {
            Ok(e) if e.depth() == 0 && !e.file_type().is_dir() => Some(Ok(e.into_path())),
            Ok(e) if e.file_type().is_dir() || !wanted(e.path()) => None,
            Ok(e) if e.file_type().is_file() => Some(Ok(e.into_path())),
            Ok(e) if e.file_type().is_symlink() => Some(Err(FileError::Link { path: e.into_path() })),
            Ok(e) => Some(Err(FileError::NotRegular { path: e.into_path() })),
            Err(err) => {
                let path = err.path().map_or_else(|| root.to_owned(), Path::to_owned);
                Some(Err(FileError::Io { path, source: err.into() }))
            }
        })
        .collect()
}

/// Creates `dir` and its missing parents, the new ones owner-only (0700).
pub fn create_private_dir(dir: &Path) -> Result<(), FileError> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(FileError::io(dir))
}

/// Writes `bytes` as the file `name` in `dir`, owner-only (0600): written
/// whole under a fresh name first, then renamed over `name`, so that a
/// symbolic link planted as `name` is replaced, never written through, and
/// a reader never sees half a file.
pub fn write_private(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf, FileError> {
    write_whole(dir, name, bytes, true)
}

/// [`write_private`] for a file that must not replace anything (a private
/// key): when `name` exists in `dir` (a file, a directory, a link, even a
/// dangling one), nothing is written and the answer is [`FileError::Exists`].
/// The new file appears whole, owner-only, or not at all.
pub fn create_private(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf, FileError> {
    write_whole(dir, name, bytes, false)
}

fn write_whole(dir: &Path, name: &str, bytes: &[u8], replace: bool) -> Result<PathBuf, FileError> {
    let plain = !name.is_empty()
        && name != "."
        && name != ".."
        && !name.contains('/')
        && !name.contains(std::path::MAIN_SEPARATOR);
    if !plain {
        return Err(FileError::BadName { name: name.to_owned() });
    }
    let target = dir.join(name);
    // `tempfile` creates the new file with O_EXCL and mode 0600.
    let mut file = tempfile::Builder::new().prefix(".lk3-").tempfile_in(dir).map_err(FileError::io(dir))?;
    file.write_all(bytes).map_err(FileError::io(&target))?;
    file.as_file().sync_all().map_err(FileError::io(&target))?;
    if replace {
        file.persist(&target).map_err(|e| FileError::Io { path: target.clone(), source: e.error })?;
    } else {
        // A hard link (or a rename that refuses to replace): never over an existing name.
        file.persist_noclobber(&target).map_err(|e| match e.error.kind() {
            std::io::ErrorKind::AlreadyExists => FileError::Exists { path: target.clone() },
            _ => FileError::Io { path: target.clone(), source: e.error },
        })?;
    }
    Ok(target)
}
