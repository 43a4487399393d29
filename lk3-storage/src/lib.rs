//! # lk3-storage
//!
//! Where LK3 cases are kept: an append-only, hash-chained event log per case
//! and outreach, the projections a Dinas queries, and personal data kept
//! apart from the events (DESIGN §7–8).
//!
//! - [`CaseStore`]: the async trait every adapter implements. An append
//!   carries the stream version it continues and is one transaction with
//!   its projection: a concurrent writer gets [`StoreError::VersionConflict`],
//!   never a silent overwrite; a retried command id returns the first result.
//! - [`CaseStoreExt`]: load (verified), append and execute, written once.
//! - Adapters, one module each: [`memory`], [`sqlite`] (the embedded
//!   default: bundled SQLite, WAL, durable commits) and [`postgres`] (feature
//!   `postgres`, for a province or the nation). [`open`] picks one by URL.
//! - [`verify`](verify::verify) re-reads a whole store and names every bad
//!   event; [`document`] exports and imports the schema documents.
//! - [`partners`]: each unit's partner network, and every partner a case
//!   names checked against it.
//! - [`trust`]: a store given its unit's key seals every batch it appends,
//!   keeps the public keys it trusts, and `verify` checks the seals.
//!
//! ```
//! use lk3_storage::{CaseStore, CaseStoreExt, memory::MemoryStore};
//! # tokio_test_runtime(async {
//! let store = MemoryStore::new();
//! let report = lk3_storage::verify::verify(&store).await?;
//! assert!(report.is_ok() && report.streams == 0);
//! # Ok::<(), lk3_storage::StoreError>(())
//! # });
//! # fn tokio_test_runtime<F: std::future::Future<Output = Result<(), lk3_storage::StoreError>>>(f: F) {
//! #     tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(f).unwrap()
//! # }
//! ```

pub mod access;
pub mod aggregate;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod audit_page;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod audit_store;
pub mod body;
pub mod caseload;
pub mod document;
mod error;
pub mod fhir;
pub mod files;
pub mod memory;
pub mod model;
mod open;
pub mod partners;
pub mod personal;
#[cfg(feature = "postgres")]
pub mod postgres;
pub mod projection;
pub mod pseudonym;
pub mod registry;
pub mod report;
pub mod rows;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod scan_page;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod sql;
#[cfg(feature = "sqlite")]
pub mod sqlite;
#[cfg(feature = "sqlite")]
mod sqlite_direct;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod statement;
mod store;
pub mod tasks;
#[cfg(test)]
#[path = "../../lk3-core/tests/common/mod.rs"]
mod test_world;
pub mod trust;
pub mod verify;

pub use aggregate::{Aggregate, Loaded};
pub use error::StoreError;
pub use lk3_core as core;
pub use open::{check_url, open, open_read_only, redact_url};
pub use projection::{CaseQuery, CaseSummary, Projection};
pub use store::{CaseStore, CaseStoreExt, Executed};
