//! Pseudonyms: keyed hashes of ids (HMAC-SHA256, RFC 2104), for analysis
//! frames (birth dates there are coarsened to `lk3_core::vocab::AgeBand`)
//! and for clients a FHIR export may not name.
//!
//! The same key gives the same pseudonym for the same id in every frame, so
//! frames made with one key join; without the key a pseudonym cannot be
//! turned back into an id, nor checked against a guessed one.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Hex digits of a pseudonym: 64 bits, collision-free in practice for the
/// millions of ids a national store holds.
pub const PSEUDONYM_HEX: usize = 16;

/// HMAC-SHA256 (the `hmac` crate) keyed once: each id clones the keyed
/// state, so it costs two SHA-256 blocks.
#[derive(Clone)]
pub struct Keyed(Hmac<Sha256>);

impl Keyed {
    /// Keys the hasher (any key length; keys longer than a block are hashed first).
    pub fn new(key: &[u8]) -> Self {
        Keyed(Hmac::new_from_slice(key).expect("HMAC takes a key of any length"))
    }

    /// The full HMAC of `message`.
    pub fn mac(&self, message: &[u8]) -> [u8; 32] {
        let mut mac = self.0.clone();
        mac.update(message);
        mac.finalize().into_bytes().into()
    }

    /// The pseudonym of an id: the first [`PSEUDONYM_HEX`] hex digits of its HMAC.
    pub fn pseudonym(&self, id: &str) -> String {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mac = self.mac(id.as_bytes());
        let mut out = String::with_capacity(PSEUDONYM_HEX);
        for b in &mac[..PSEUDONYM_HEX / 2] {
            out.push(char::from(DIGITS[usize::from(b >> 4)]));
            out.push(char::from(DIGITS[usize::from(b & 0xf)]));
        }
        out
    }
}
