//! # lk3
//!
//! The service workflow of Indonesia's LK3 units (Lembaga Konsultasi
//! Kesejahteraan Keluarga, Permensos 16/2013) as typed state machines.
//!
//! This facade re-exports the pure domain ([`core`], the crate `lk3-core`) and
//! the storage layer ([`storage`], the crate `lk3-storage`), the way the
//! `sqlx` crate re-exports its drivers.
//!
//! ```
//! use lk3::core::rules::{RuleSet, RuleSetId};
//! let rules = RuleSet::get(RuleSetId::default());
//! assert_eq!(rules.id().to_string(), "permensos-16-2013");
//! ```

pub use lk3_core as core;
pub use lk3_storage as storage;

// The README's Rust examples are compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
