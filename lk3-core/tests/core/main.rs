//! lk3-core's integration tests, as one test binary: one link, and the
//! shared world (`tests/common`) compiled once rather than once per file.
//! Each module is what was a test file of its own; `cargo test -p lk3-core
//! --test core seal::` runs one of them.

#[path = "../common/mod.rs"]
mod common;
#[path = "../common/limits.rs"]
mod limits;

mod access;
mod assignment;
mod chain;
mod fhir;
mod fixtures;
mod fuzz_found;
mod hardening;
mod ids;
mod lookup;
mod outreach;
mod partner;
mod partner_staff;
mod properties;
mod protective_referral;
mod referral_request;
mod report;
mod requirements;
mod roles;
mod rules;
mod schema;
mod schema_limits;
mod seal;
mod services;
mod strict;
mod tasks;
mod transfer;
mod transitions;
mod validate;
mod validate_stream;
mod validate_tree;
mod withdrawal_and_closure;
