//! lk3-storage's integration tests, one binary: one link, and the
//! conformance suite and the shared world compiled once (they were compiled
//! into each of six binaries). A module per suite;
//! `cargo test -p lk3-storage --test store sqlite::` runs one of them.
//! `crash` (which runs itself as the writer it kills) and `third_rule_set`
//! (which registers a rule set for its whole process) stay binaries of their own.

#[macro_use]
mod conformance;

mod fhir;
mod forgery;
mod memory;
mod postgres;
mod sqlite;
mod sqlite_at_rest;
