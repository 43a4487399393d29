//! # lk3-core
//!
//! The pure domain of lk3: the service workflow of Indonesia's LK3 units
//! (Lembaga Konsultasi Kesejahteraan Keluarga, Permensos 16/2013) as typed
//! state machines.
//!
//! No I/O, no async, no clock, no randomness: time and randomness are inputs
//! ([`CommandContext`]). The core is a *decider*: [`case::Case::decide`] turns
//! a command into events or a typed error, [`case::Case::apply`] folds an
//! event into the state, and the events carry a per-stream SHA-256 hash chain
//! ([`event`]).
//!
//! | module | holds |
//! |---|---|
//! | [`vocab`] | stages, sasaran, channels, roles, PMKS, problems, reasons: each value with `label_id`/`label_en` |
//! | [`ids`] | NIK, No. KK, kode wilayah, unit codes, case numbers, UUID v7 ids |
//! | [`rules`] | rule sets as data (`permensos-16-2013`) and their export as JSON, Mermaid, DOT |
//! | [`case`] | the `Case` aggregate: commands, events, state, decide/apply |
//! | [`event`] | the event envelope, canonical JSON, the hash chain and its verification |
//! | [`seal`] | a unit's Ed25519 seal over a stream's head, trusted keys, key files |
//! | [`error`] | stable error codes `LK3-Exxx` and the bilingual error trait |
//! | [`json`] | the JSON reader of every entry point: repeated keys refused |
//! | [`fhir`] | a case's referrals as FHIR R4 resources (the SDOHCC referral Task) |

pub mod access;
pub mod case;
pub mod context;
pub mod decider;
pub mod error;
pub mod event;
pub mod fhir;
pub mod ids;
pub mod json;
pub mod label;
pub mod lookup;
pub mod outreach;
pub mod partner;
pub mod report;
pub mod rules;
pub mod schema;
pub mod seal;
pub mod service;
pub mod task;
pub mod time;
pub mod validate;
pub mod vocab;

pub use context::CommandContext;
pub use decider::{Decider, DomainError};
pub use error::{ErrorCode, Lk3Error};
pub use label::Labelled;
