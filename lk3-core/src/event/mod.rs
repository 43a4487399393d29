//! The event envelope and its per-stream SHA-256 hash chain.
//!
//! Every change to an aggregate is an [`Event`]: who did what, when, under
//! which rule set and command, numbered 1, 2, 3 ... within its stream, and
//! chained to its predecessor by hash. [`verify_chain`] finds any changed,
//! removed or reordered event and names the first bad one.

mod canonical;
mod chain;
mod envelope;

pub use canonical::{CanonicalError, write_canonical};
pub use chain::{ChainError, canonical_json, chain_problems, chain_problems_with, verify_chain};
pub use envelope::{Actor, Event, Hash};
