//! Personal data kept apart from the events (DESIGN §7): the client
//! registry, notes and attachments addressed by digest, each with its
//! sensitivity, and erasure. Reading them is [`crate::access`]'s.
//!
//! A note's digest is SHA-256 over a random 16-byte salt and the text, so a
//! short note ("klien menolak") cannot be guessed back from the digest an
//! event holds. Erasure deletes the text *and* the salt; the digest stays in
//! the events and every chain still verifies.

use chrono::{DateTime, Utc};
use lk3_core::case::MAX_ATTACHMENT_BYTES;
use lk3_core::event::Hash;
use lk3_core::ids::{CaseId, ClientId, UnitCode};
use lk3_core::vocab::{AttachmentKind, ContentType, Sensitivity};
use sha2::{Digest, Sha256};

use crate::error::StoreError;

/// A note to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNote {
    /// The unit whose note it is.
    pub unit: UnitCode,
    /// The case it belongs to, if any.
    pub case_id: Option<CaseId>,
    /// The clients it is about: erasing any of them erases the text (a note
    /// about the whole case names all its clients).
    pub subjects: Vec<ClientId>,
    /// How secret it is: who reads it ([`lk3_core::access`]).
    pub sensitivity: Sensitivity,
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
    /// How secret it is.
    pub sensitivity: Sensitivity,
    /// The text; `None` once erased.
    pub text: Option<String>,
    /// When it was erased.
    pub erased_at: Option<DateTime<Utc>>,
}

/// An attachment to store: a scanned form, a letter, a photo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAttachment {
    /// The unit whose attachment it is.
    pub unit: UnitCode,
    /// The case it belongs to, if any.
    pub case_id: Option<CaseId>,
    /// The clients it is about: erasing any of them erases the bytes (a
    /// scanned form about the whole case names all its clients).
    pub subjects: Vec<ClientId>,
    /// What it is.
    pub kind: AttachmentKind,
    /// Its content type: the bytes must be of it ([`ContentType::sniff`]).
    pub content_type: ContentType,
    /// How secret it is (read at `rahasia` at least).
    pub sensitivity: Sensitivity,
    /// The bytes, 1 to [`MAX_ATTACHMENT_BYTES`].
    pub content: Vec<u8>,
}

/// A stored attachment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// Its digest (what events hold).
    pub digest: Hash,
    /// The case it belongs to.
    pub case_id: Option<CaseId>,
    /// The clients it is about.
    pub subjects: Vec<ClientId>,
    /// What it is.
    pub kind: AttachmentKind,
    /// Its content type.
    pub content_type: ContentType,
    /// Its size in bytes (kept after erasure).
    pub bytes: u64,
    /// How secret it is.
    pub sensitivity: Sensitivity,
    /// The bytes; `None` once erased.
    pub content: Option<Vec<u8>>,
    /// When it was erased.
    pub erased_at: Option<DateTime<Utc>>,
}

impl NewAttachment {
    /// Refuses what the store does not keep: no bytes, more than
    /// [`MAX_ATTACHMENT_BYTES`], or bytes that are not the content type
    /// declared (a renamed executable is not a PDF).
    pub fn check(&self) -> Result<(), StoreError> {
        let refused = |problem, problem_id| Err(StoreError::AttachmentRefused { problem, problem_id });
        if self.content.is_empty() {
            return refused("it holds no bytes", "lampiran tidak berisi apa pun");
        }
        if self.content.len() as u64 > MAX_ATTACHMENT_BYTES {
            return refused("it is larger than 10 MiB", "lampiran lebih besar dari 10 MiB");
        }
        if ContentType::sniff(&self.content) != Some(self.content_type) {
            return refused(
                "its bytes are not of the content type declared (PDF, JPEG or PNG)",
                "isinya bukan jenis yang disebut (PDF, JPEG atau PNG)",
            );
        }
        Ok(())
    }
}

/// What [`crate::CaseStore::erase_client`] removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Erasure {
    /// Whether an identity record was removed (false when there was none, or
    /// it was erased before).
    pub identity_removed: bool,
    /// How many note texts were removed.
    pub notes_erased: u64,
    /// How many attachments' bytes were removed.
    pub attachments_erased: u64,
}

/// The digest of a note with its salt.
pub fn note_digest(salt: &[u8; 16], text: &str) -> Hash {
    attachment_digest(salt, text.as_bytes())
}

/// The digest of an attachment with its salt (as for a note: a photo's
/// digest cannot be matched against a copy of the photo).
pub fn attachment_digest(salt: &[u8; 16], content: &[u8]) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update(salt);
    hasher.update(content);
    Hash(hasher.finalize().into())
}

/// A fresh random salt.
pub fn new_salt() -> [u8; 16] {
    *uuid::Uuid::new_v4().as_bytes()
}
