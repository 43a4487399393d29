//! Personal data kept apart from the events (DESIGN §7): the client
//! registry, the notes store addressed by digest, and erasure.
//!
//! A note's digest is SHA-256 over a random 16-byte salt and the text, so a
//! short note ("klien menolak") cannot be guessed back from the digest an
//! event holds. Erasure deletes the text *and* the salt; the digest stays in
//! the events and every chain still verifies.

use chrono::{DateTime, Utc};
use lk3_core::event::Hash;
use lk3_core::ids::{CaseId, ClientId, UnitCode};
use sha2::{Digest, Sha256};

/// A note to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNote {
    /// The unit whose note it is.
    pub unit: UnitCode,
    /// The case it belongs to, if any.
    pub case_id: Option<CaseId>,
    /// The clients it is about: erasing any of them erases the text.
    pub subjects: Vec<ClientId>,
    /// The text.
    pub text: String,
}

/// A stored note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// Its digest (what events hold).
    pub digest: Hash,
    /// The case it belongs to.
    pub case_id: Option<CaseId>,
    /// The clients it is about.
    pub subjects: Vec<ClientId>,
    /// The text; `None` once erased.
    pub text: Option<String>,
    /// When it was erased.
    pub erased_at: Option<DateTime<Utc>>,
}

/// What [`crate::CaseStore::erase_client`] removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Erasure {
    /// Whether an identity record was removed (false when there was none, or
    /// it was erased before).
    pub identity_removed: bool,
    /// How many note texts were removed.
    pub notes_erased: u64,
}

/// The digest of a note with its salt.
pub fn note_digest(salt: &[u8; 16], text: &str) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update(salt);
    hasher.update(text.as_bytes());
    Hash(hasher.finalize().into())
}

/// A fresh random salt.
pub fn new_salt() -> [u8; 16] {
    *uuid::Uuid::new_v4().as_bytes()
}
