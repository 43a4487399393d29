//! # lk3
//!
//! The service workflow of Indonesia's LK3 units (Lembaga Konsultasi
//! Kesejahteraan Keluarga; Permensos 16/2013, replaced by Permensos 25/2017)
//! as typed state machines.
//!
//! This facade re-exports the pure domain ([`core`], the crate `lk3-core`) and
//! the storage layer ([`storage`], the crate `lk3-storage`), the way the
//! `sqlx` crate re-exports its drivers.
//!
//! ```
//! use chrono::NaiveDate;
//! use lk3::core::rules::{RuleSet, RuleSetId};
//! // The rule set in force on a date: a case opened then is decided under it for ever.
//! let in_2019 = RuleSetId::in_force_on(NaiveDate::from_ymd_opt(2019, 3, 4).unwrap()).unwrap();
//! assert_eq!(in_2019.to_string(), "permensos-25-2017");
//! assert!(RuleSet::get(in_2019).services.len() > RuleSet::get(RuleSetId::permensos_16_2013()).services.len());
//! ```

pub use lk3_core as core;
pub use lk3_storage as storage;

// The README's Rust examples are compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
