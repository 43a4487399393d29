//! What the large-store benches share: the problems their cases carry and
//! the process's memory.

use lk3_core::vocab::Problem;

/// The problems the benches' registered cases take in turn.
pub const PROBLEMS: [Problem; 5] =
    [Problem::Kdrt, Problem::KonflikKeluarga, Problem::Kemiskinan, Problem::Disabilitas, Problem::PenelantaranAnak];

/// A memory figure of this process from `/proc/self/status` (`VmRSS:`, `VmHWM:`), in MB.
pub fn status(key: &str) -> u64 {
    let text = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let line = text.lines().find(|l| l.starts_with(key)).unwrap_or("");
    line.split_whitespace().nth(1).and_then(|v| v.parse().ok()).unwrap_or(0) / 1024
}
