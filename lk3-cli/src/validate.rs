//! `lk3 validate PATH...`: files, directories (recursive, in parallel across
//! cores), `-` for standard input, and NDJSON streams (`.ndjson`/`.jsonl`
//! files, or `--ndjson` for standard input), one report per document.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use indicatif::{ProgressBar, ProgressStyle};
use lk3_core::partner::PartnerDirectory;
use lk3_core::validate::{KINDS, Limits, Report, Severity, validate_trusted};
use lk3_core::{ErrorCode, Lk3Error};
use lk3_storage::files;
use serde::Serialize;

use crate::store::bilingual;

use crate::CliError;

/// Output formats.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// One line per document, then its findings in both languages.
    Text,
    /// One JSON object: every document's report and a summary.
    Json,
}

/// Options of `lk3 validate`.
pub struct Options {
    pub paths: Vec<PathBuf>,
    pub format: Format,
    pub kind: Option<String>,
    pub ndjson: bool,
    pub limits: Limits,
    pub jobs: Option<usize>,
    pub partners: Option<PartnerDirectory>,
    /// With a trust file, every case and outreach document must be sealed by one of its keys.
    pub trust: Option<lk3_core::seal::TrustedKeys>,
}

/// A command line that gives lk3 nothing it can check: exit 2, so that a
/// CI gate never passes on nothing.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// `--kind` names no document kind.
    #[error("--kind `{kind}` is no document kind; known: {}", KINDS.join(", "))]
    UnknownKind {
        /// What was given.
        kind: String,
    },
    /// The paths given hold no document.
    #[error("no documents found in {paths}: nothing was checked")]
    NoDocuments {
        /// The paths given, as written.
        paths: String,
    },
}

impl Lk3Error for InputError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::UnknownKind { .. } => ErrorCode::UnknownDocument,
            Self::NoDocuments { .. } => ErrorCode::NoDocuments,
        }
    }

    fn message_id(&self) -> String {
        match self {
            Self::UnknownKind { kind } => {
                format!("--kind `{kind}` bukan jenis dokumen; yang dikenal: {}", KINDS.join(", "))
            }
            Self::NoDocuments { paths } => format!("tidak ada dokumen di {paths}: tidak ada yang diperiksa"),
        }
    }
}

impl InputError {
    /// No document in `paths`.
    pub fn no_documents(paths: &[PathBuf]) -> Self {
        let paths = paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ");
        InputError::NoDocuments { paths }
    }
}

/// Checks `--kind`: absent, or one of the kinds the validator knows.
pub fn check_kind(kind: Option<&str>) -> Result<(), InputError> {
    match kind {
        Some(k) if !KINDS.contains(&k) => Err(InputError::UnknownKind { kind: k.to_owned() }),
        _ => Ok(()),
    }
}

/// Reads a partner network: a JSON array of partners, or NDJSON with one
/// partner a line (as `lk3 demo --export` writes `jejaring.ndjson`), each
/// valid; a repeated key anywhere is refused (`LK3-E066`).
pub fn load_partners(path: &Path) -> Result<PartnerDirectory, CliError> {
    let partners = crate::partners::read(path, crate::partners::Format::Lk3)?;
    PartnerDirectory::try_from_partners(partners)
        .map_err(|e| CliError::Usage(format!("{}: {}", path.display(), crate::store::bilingual(&e))))
}

/// Where a worker leaves one source's result (or the reason it could not be read).
type Slot = std::sync::Mutex<Option<Result<Vec<Entry>, String>>>;

/// One input: a file, a line of an NDJSON stream, or standard input.
enum Source {
    File(PathBuf),
    Stdin,
}

#[derive(Serialize)]
struct Entry {
    source: String,
    #[serde(flatten)]
    report: Report,
}

#[derive(Serialize)]
struct Summary {
    documents: usize,
    valid: usize,
    invalid: usize,
    unreadable: usize,
}

#[derive(Serialize)]
struct Output<'a> {
    summary: &'a Summary,
    documents: &'a [Entry],
    errors: &'a [String],
}

fn collect(path: &Path, out: &mut Vec<Source>, errors: &mut Vec<String>) {
    if path == Path::new("-") {
        out.push(Source::Stdin);
        return;
    }
    for found in files::walk(path, &["json", "ndjson", "jsonl"]) {
        match found {
            Ok(p) => out.push(Source::File(p)),
            Err(e) => errors.push(bilingual(&e)),
        }
    }
}

fn is_stream(name: &str) -> bool {
    name.ends_with(".ndjson") || name.ends_with(".jsonl")
}

/// Validates one source; an NDJSON stream gives one entry per non-empty line.
fn check(source: &Source, options: &Options) -> Result<Vec<Entry>, String> {
    // Never more than the limit plus one byte, never a FIFO or a device:
    // an NDJSON stream is limited as a whole, like any document.
    let limit = options.limits.max_bytes as u64;
    let (name, bytes) = match source {
        Source::File(p) => (p.display().to_string(), files::read_limited(p, limit).map_err(|e| bilingual(&e))?),
        Source::Stdin => ("<stdin>".to_owned(), files::read_stdin_limited(limit).map_err(|e| bilingual(&e))?),
    };
    let kind = options.kind.as_deref();
    if is_stream(&name) || (matches!(source, Source::Stdin) && options.ndjson) {
        Ok(bytes
            .split(|b| *b == b'\n')
            .enumerate()
            .filter(|(_, line)| line.iter().any(|b| !b.is_ascii_whitespace()))
            .map(|(i, line)| Entry {
                source: format!("{name}:{}", i + 1),
                report: validate_trusted(
                    line,
                    kind,
                    &options.limits,
                    options.partners.as_ref(),
                    options.trust.as_ref(),
                ),
            })
            .collect())
    } else {
        Ok(vec![Entry {
            source: name,
            report: validate_trusted(&bytes, kind, &options.limits, options.partners.as_ref(), options.trust.as_ref()),
        }])
    }
}

/// Runs `lk3 validate`; returns whether every document was valid.
pub fn run(options: &Options) -> Result<bool, CliError> {
    let mut sources = Vec::new();
    let mut errors = Vec::new();
    for p in &options.paths {
        collect(p, &mut sources, &mut errors);
    }
    // In parallel across cores, each worker taking the next source; results keep input order.
    let results: Vec<Slot> = sources.iter().map(|_| std::sync::Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    let bar = if sources.len() > 200 { ProgressBar::new(sources.len() as u64) } else { ProgressBar::hidden() };
    bar.set_style(
        ProgressStyle::with_template("{spinner} validasi {pos}/{len} [{bar:40}] {per_sec} eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let workers = options.jobs.unwrap_or(cores).max(1).min(sources.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(source) = sources.get(i) else { break };
                    let result = check(source, options);
                    if let Ok(mut slot) = results[i].lock() {
                        *slot = Some(result);
                    }
                    bar.inc(1);
                }
            });
        }
    });
    bar.finish_and_clear();
    let mut entries = Vec::new();
    for slot in results {
        match slot.into_inner().ok().flatten() {
            Some(Ok(e)) => entries.extend(e),
            Some(Err(e)) => errors.push(e),
            None => errors.push("a document was not validated".to_owned()),
        }
    }
    // Nothing found and nothing unreadable: a usage error, never a pass.
    if entries.is_empty() && errors.is_empty() {
        return Err(InputError::no_documents(&options.paths).into());
    }
    let valid = entries.iter().filter(|e| e.report.valid).count();
    let summary = Summary { documents: entries.len(), valid, invalid: entries.len() - valid, unreadable: errors.len() };
    let mut out = std::io::stdout().lock();
    let io = |source| CliError::Io { path: PathBuf::from("<stdout>"), source };
    match options.format {
        Format::Json => {
            let doc = Output { summary: &summary, documents: &entries, errors: &errors };
            let json =
                serde_json::to_string(&doc).map_err(|source| CliError::Json { what: "report".into(), source })?;
            writeln!(out, "{json}").map_err(io)?;
        }
        Format::Text => {
            for e in &entries {
                let kind = e.report.document.as_deref().unwrap_or("?");
                let verdict = if e.report.valid { "valid" } else { "INVALID" };
                writeln!(out, "{}: {verdict} ({kind})", e.source).map_err(io)?;
                for f in &e.report.findings {
                    let level = if f.severity == Severity::Error { "error" } else { "warning" };
                    writeln!(out, "  {level} [{}] {}: {}", f.code, display_pointer(&f.pointer), f.message_en)
                        .map_err(io)?;
                    writeln!(out, "        id: {}", f.message_id).map_err(io)?;
                }
            }
            for e in &errors {
                writeln!(out, "error: {e}").map_err(io)?;
            }
            writeln!(
                out,
                "{} documents: {} valid, {} invalid{}",
                summary.documents,
                summary.valid,
                summary.invalid,
                if errors.is_empty() { String::new() } else { format!(", {} unreadable", errors.len()) }
            )
            .map_err(io)?;
        }
    }
    if !errors.is_empty() {
        return Err(CliError::Usage(format!("{} input(s) could not be read", errors.len())));
    }
    Ok(summary.invalid == 0)
}

fn display_pointer(p: &str) -> &str {
    if p.is_empty() { "/" } else { p }
}
