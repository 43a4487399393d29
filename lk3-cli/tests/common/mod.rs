//! Running the `lk3` binary as a user does, for the CLI's test files.
#![allow(dead_code)] // each test file uses its own share

use std::path::Path;
use std::process::{Command, Output};

/// Runs `lk3` in `cwd`.
pub fn lk3_in(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lk3")).args(args).current_dir(cwd).output().expect("runs")
}

/// Its standard output (UTF-8).
pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8")
}

/// Its standard error.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A path as an argument.
pub fn path(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}
