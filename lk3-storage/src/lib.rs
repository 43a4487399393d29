//! # lk3-storage
//!
//! Where LK3 cases will be kept. This crate is the home of:
//!
//! - the async `CaseStore` trait: append events with an expected stream
//!   version in one transaction (a concurrent writer gets a typed conflict, a
//!   retried command id returns the first result), load and replay a case,
//!   verify every stream's hash chain, query projections keyed first by LK3
//!   unit;
//! - its adapters, one module each: `memory`, `sqlite` (the embedded default,
//!   bundled SQLite in WAL mode) and `postgres` (for a province or the nation);
//! - the client registry, the notes store addressed by digest, and erasure
//!   under UU 27/2022 that keeps every chain verifiable.
//!
//! None of that exists yet: it is the storage issue's work. Until then the
//! crate re-exports the core so that the dependency direction
//! (cli, py -> storage -> core) is in place from the start.

pub use lk3_core as core;
