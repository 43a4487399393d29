//! The `lk3` binary run as a user runs it, one test binary (one link, the
//! helpers compiled once): a module per former test file;
//! `cargo test -p lk3-cli --test cli store::` runs one of them.

#[path = "../common/mod.rs"]
mod common;

mod cli;
mod inputs;
mod keys;
mod report;
mod store;
