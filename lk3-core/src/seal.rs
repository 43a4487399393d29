//! Seals: a unit's Ed25519 signature over the head of a stream.
//!
//! The hash chain ([`crate::event`]) finds any event changed, removed or
//! reordered *behind a head hash it is given*, but whoever edits a document
//! can compute every hash again. A [`Seal`] closes that gap: the unit signs
//! its stream's head (the last event's seq and hash, which the chain binds to
//! every earlier event) with a private key only the unit holds, and a reader
//! who trusts the unit's public key ([`TrustedKeys`]) verifies it. A document
//! edited and re-hashed without that key no longer verifies.
//!
//! Pure, like the rest of the core: a key is made from 32 bytes the caller
//! draws (`lk3 keys generate` takes them from the operating system), and
//! times are inputs.
//!
//! # The signed message
//!
//! A seal's `signature` is Ed25519 (RFC 8032, pure Ed25519: no pre-hash, no
//! context) over exactly these bytes, all ASCII:
//!
//! ```text
//! lk3-seal-v1 LF <stream id> LF <seq> LF <head hash>
//! ```
//!
//! `lk3-seal-v1`, a line feed (0x0A), the stream id (the `stream_id` of the
//! document's events: the case or outreach id) as a lowercase hyphenated
//! UUID (36 characters), a line feed, the seq of the last event in decimal
//! (no sign, no leading zeros), a line feed, the last event's `hash` as 64
//! lowercase hex digits. No trailing line feed. [`message`] builds it:
//!
//! ```
//! use lk3_core::event::Hash;
//! let stream: uuid::Uuid = "0191d5a2-7c00-7000-8000-000000000001".parse().unwrap();
//! let m = lk3_core::seal::message(&stream, 12, &Hash([0xab; 32]));
//! assert_eq!(m, format!("lk3-seal-v1\n0191d5a2-7c00-7000-8000-000000000001\n12\n{}", "ab".repeat(32)).into_bytes());
//! ```
//!
//! In a document, the seal is the top-level member `seal`:
//!
//! ```json
//! "seal": { "key_id": "<16 hex>", "seq": 12, "head_hash": "<64 hex>", "signature": "<128 hex>" }
//! ```
//!
//! `key_id` ([`KeyId`]) is the first 16 hex digits of the SHA-256 of the
//! 32-byte public key; `signature` is the 64-byte signature (R ‖ S) in
//! lowercase hex. Any Ed25519 implementation verifies it; in Python, with
//! the `cryptography` package:
//!
//! ```python
//! from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
//! seal, head = doc["seal"], doc["events"][-1]
//! assert (seal["seq"], seal["head_hash"]) == (head["seq"], head["hash"])
//! msg = f"lk3-seal-v1\n{head['stream_id']}\n{seal['seq']}\n{seal['head_hash']}".encode("ascii")
//! Ed25519PublicKey.from_public_bytes(bytes.fromhex(key["public_key"])).verify(bytes.fromhex(seal["signature"]), msg)
//! ```
//!
//! # Verification, and the rotation rule
//!
//! [`verify`] accepts a seal against a trust set when, checked in this order:
//!
//! 1. its `seq` and `head_hash` are the document's last event's seq and hash
//!    (else [`SealError::NotOverHead`], `LK3-E043`);
//! 2. the trust set holds its `key_id` (else [`SealError::Untrusted`], `LK3-E041`);
//! 3. the signature verifies over the message with that key, strictly (RFC 8032,
//!    non-canonical encodings and small-order keys refused; else
//!    [`SealError::BadSignature`], `LK3-E042`);
//! 4. the key belongs to the document's unit (else [`SealError::OtherUnit`], `LK3-E045`);
//! 5. the key is not retired, or the last event's `occurred_at` is strictly
//!    before the key's `retired_from` (else [`SealError::Retired`], `LK3-E044`).
//!
//! A seal says nothing of a chain that does not hold: the validator checks the
//! chain and every event as well, and a document is valid only when all pass.
//!
//! **Rotation.** A unit changing keys makes a new key, has the province trust
//! it, and the old key is *retired from* a time T (`lk3 keys retire`). A
//! document sealed by the old key still verifies when its last event occurred
//! before T; a stream that goes on past T must be sealed again with the new
//! key (export it again with `--sign`). The time is the sealed event's own
//! `occurred_at`, bound by its hash, not a time the sealer claims.
//! Retirement is for keys taken out of use, not for keys lost or stolen: a
//! thief could write events dated before T. A compromised key is removed from
//! the trust set (`lk3 keys revoke`), and every document it sealed is refused
//! (`LK3-E041`) until the unit exports it again under a trusted key.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, Utc};
use ed25519_dalek::Signer;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::error::{ErrorCode, Lk3Error};
use crate::event::{Event, Hash};
use crate::ids::UnitCode;

/// The first line of every signed message: the seal format's version.
pub const DOMAIN: &str = "lk3-seal-v1";

/// The warning `lk3 validate` gives a sealed document when no trust set was
/// given: the seal is there, but nobody checked it.
pub const SEAL_NOT_CHECKED: &str = "LK3-W006";

/// The `document` member of a public key file.
pub const PUBLIC_KEY_DOCUMENT: &str = "lk3.public-key";
/// The `document` member of a private key file.
pub const PRIVATE_KEY_DOCUMENT: &str = "lk3.private-key";
/// The `document` member of a trust file.
pub const TRUST_DOCUMENT: &str = "lk3.trust";
/// The version of the key and trust file formats.
pub const KEY_FILE_VERSION: u32 = 1;

// ---------------------------------------------------------------------------
// hex

fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    out
}

/// Exactly `2 * N` lowercase hex digits.
fn from_hex<const N: usize>(s: &str) -> Option<[u8; N]> {
    let digit = |b: u8| match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        _ => None,
    };
    let bytes = s.as_bytes();
    if bytes.len() != 2 * N {
        return None;
    }
    let mut out = [0u8; N];
    for (i, slot) in out.iter_mut().enumerate() {
        *slot = (digit(bytes[2 * i])? << 4) | digit(bytes[2 * i + 1])?;
    }
    Some(out)
}

/// Serde and JSON Schema of a type written as fixed-length lowercase hex.
macro_rules! hex_string {
    ($t:ty, $n:literal, $pattern:literal, $description:literal) => {
        impl Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.to_string())
            }
        }
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                <$t>::from_hex(&s).ok_or_else(|| {
                    serde::de::Error::custom(concat!("expected ", stringify!($n), " lowercase hex digits"))
                })
            }
        }
        impl schemars::JsonSchema for $t {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($t).into()
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({ "type": "string", "pattern": $pattern, "description": $description })
            }
        }
    };
}

// ---------------------------------------------------------------------------
// key ids, public keys, signatures

/// A key's id: the first 8 bytes of the SHA-256 of its 32-byte public key,
/// written as 16 lowercase hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyId(pub [u8; 8]);

impl KeyId {
    /// Its length in bytes.
    pub const LEN: usize = 8;

    /// The id of a public key.
    pub fn of(public_key: &PublicKey) -> Self {
        let digest = Sha256::digest(public_key.to_bytes());
        let mut id = [0u8; 8];
        id.copy_from_slice(&digest[..8]);
        KeyId(id)
    }

    /// Parses 16 lowercase hex digits.
    pub fn from_hex(s: &str) -> Option<Self> {
        from_hex(s).map(KeyId)
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&to_hex(&self.0))
    }
}

impl fmt::Debug for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyId({self})")
    }
}

impl std::str::FromStr for KeyId {
    type Err = SealError;
    fn from_str(s: &str) -> Result<Self, SealError> {
        KeyId::from_hex(s).ok_or_else(|| SealError::KeyFile {
            what: "key id",
            reason: "expected 16 lowercase hex digits".to_owned(),
            reason_id: "seharusnya 16 digit heksadesimal huruf kecil".to_owned(),
        })
    }
}

hex_string!(KeyId, 16, "^[0-9a-f]{16}$", "A key id: the first 16 hex digits of the SHA-256 of the Ed25519 public key");

/// An Ed25519 public key (32 bytes, written as 64 lowercase hex digits): a
/// point of the curve that is not of small order.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PublicKey(ed25519_dalek::VerifyingKey);

impl PublicKey {
    /// The key of 32 bytes, if they encode a usable Ed25519 public key.
    pub fn from_bytes(bytes: &[u8; 32]) -> Option<Self> {
        ed25519_dalek::VerifyingKey::from_bytes(bytes).ok().filter(|k| !k.is_weak()).map(PublicKey)
    }

    /// Parses 64 lowercase hex digits.
    pub fn from_hex(s: &str) -> Option<Self> {
        PublicKey::from_bytes(&from_hex(s)?)
    }

    /// The 32 bytes.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    /// The key's id.
    pub fn key_id(&self) -> KeyId {
        KeyId::of(self)
    }
}

impl fmt::Display for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&to_hex(&self.to_bytes()))
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({self})")
    }
}

hex_string!(PublicKey, 64, "^[0-9a-f]{64}$", "An Ed25519 public key, 64 lowercase hex digits");

/// An Ed25519 signature (64 bytes, R ‖ S, written as 128 lowercase hex digits).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Signature(pub [u8; 64]);

impl Signature {
    /// Its length in bytes.
    pub const LEN: usize = 64;

    /// Parses 128 lowercase hex digits.
    pub fn from_hex(s: &str) -> Option<Self> {
        from_hex(s).map(Signature)
    }
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&to_hex(&self.0))
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Signature({self})")
    }
}

hex_string!(Signature, 128, "^[0-9a-f]{128}$", "An Ed25519 signature (R and S), 128 lowercase hex digits");

// ---------------------------------------------------------------------------
// seals and stream heads

/// A unit's signature over a stream's head: the `seal` member of a case or
/// outreach document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Seal {
    /// The signing key's id.
    pub key_id: KeyId,
    /// The seq of the stream's last event when it was sealed.
    #[schemars(range(min = 1))]
    pub seq: u64,
    /// The hash of that event.
    pub head_hash: Hash,
    /// Ed25519 over the bytes `lk3-seal-v1`, LF, the stream id, LF, `seq` in decimal, LF, `head_hash`.
    pub signature: Signature,
}

/// What a seal is over, and what verifying it needs: the stream, its unit
/// and its last event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamHead {
    /// The stream (the case or outreach id).
    pub stream_id: Uuid,
    /// The unit the stream belongs to (`None` for a stream without one).
    pub unit: Option<UnitCode>,
    /// The last event's seq.
    pub seq: u64,
    /// The last event's hash.
    pub hash: Hash,
    /// When the last event occurred (the rotation rule's time).
    pub occurred_at: DateTime<Utc>,
}

impl StreamHead {
    /// The head of a stream of events (its last event), `None` when empty.
    /// The events' chain is not checked here: that is [`crate::event::verify_chain`]'s work.
    pub fn of<P>(unit: Option<&UnitCode>, events: &[Event<P>]) -> Option<Self> {
        events.last().map(|e| StreamHead {
            stream_id: e.stream_id,
            unit: unit.cloned(),
            seq: e.seq,
            hash: e.hash,
            occurred_at: e.occurred_at,
        })
    }

    /// The bytes a seal over this head signs.
    pub fn message(&self) -> Vec<u8> {
        message(&self.stream_id, self.seq, &self.hash)
    }
}

/// The bytes a seal signs: `lk3-seal-v1\n<stream id>\n<seq>\n<head hash>`
/// (see the [module documentation](self)).
pub fn message(stream_id: &Uuid, seq: u64, head_hash: &Hash) -> Vec<u8> {
    let mut buf = Uuid::encode_buffer();
    let mut out = Vec::with_capacity(DOMAIN.len() + 36 + 20 + 64 + 3);
    out.extend_from_slice(DOMAIN.as_bytes());
    out.push(b'\n');
    out.extend_from_slice(stream_id.hyphenated().encode_lower(&mut buf).as_bytes());
    out.push(b'\n');
    out.extend_from_slice(seq.to_string().as_bytes());
    out.push(b'\n');
    out.extend_from_slice(&head_hash.to_hex());
    out
}

// ---------------------------------------------------------------------------
// signing keys

/// A unit's private signing key. Its `Debug` never shows the secret, and the
/// secret is wiped from memory when the key is dropped.
#[derive(Clone)]
pub struct SigningKey {
    key: ed25519_dalek::SigningKey,
    unit: UnitCode,
}

impl SigningKey {
    /// The key whose secret (the RFC 8032 private key) is `secret`: 32 bytes
    /// the caller draws from a cryptographically secure random source.
    pub fn from_secret(secret: &[u8; 32], unit: UnitCode) -> Self {
        SigningKey { key: ed25519_dalek::SigningKey::from_bytes(secret), unit }
    }

    /// Its public key.
    pub fn public_key(&self) -> PublicKey {
        PublicKey(self.key.verifying_key())
    }

    /// Its key id.
    pub fn key_id(&self) -> KeyId {
        self.public_key().key_id()
    }

    /// The unit it belongs to.
    pub fn unit(&self) -> &UnitCode {
        &self.unit
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey").field("key_id", &self.key_id()).field("unit", &self.unit).finish_non_exhaustive()
    }
}

/// Seals a stream's head with a unit's key. Refused when the stream belongs
/// to another unit than the key ([`SealError::OtherUnit`]): such a seal
/// would never verify.
pub fn sign(head: &StreamHead, key: &SigningKey) -> Result<Seal, SealError> {
    if head.unit.as_ref() != Some(&key.unit) {
        return Err(SealError::OtherUnit { key_id: key.key_id(), key_unit: key.unit, document_unit: head.unit });
    }
    let signature = key.key.sign(&head.message());
    Ok(Seal { key_id: key.key_id(), seq: head.seq, head_hash: head.hash, signature: Signature(signature.to_bytes()) })
}

/// Verifies a seal over a stream's head against a trust set (the rule in the
/// [module documentation](self)); returns the id of the key that sealed it.
pub fn verify(seal: &Seal, head: &StreamHead, trusted: &TrustedKeys) -> Result<KeyId, SealError> {
    if seal.seq != head.seq || seal.head_hash != head.hash {
        return Err(SealError::NotOverHead { seal_seq: seal.seq, head_seq: head.seq, same_seq: seal.seq == head.seq });
    }
    let Some(key) = trusted.get(&seal.key_id) else {
        return Err(SealError::Untrusted { key_id: seal.key_id });
    };
    let signature = ed25519_dalek::Signature::from_bytes(&seal.signature.0);
    if key.public_key.0.verify_strict(&message(&head.stream_id, seal.seq, &seal.head_hash), &signature).is_err() {
        return Err(SealError::BadSignature { key_id: seal.key_id });
    }
    if head.unit.as_ref() != Some(&key.unit) {
        return Err(SealError::OtherUnit { key_id: seal.key_id, key_unit: key.unit, document_unit: head.unit });
    }
    if let Some(from) = key.retired_from
        && head.occurred_at >= from
    {
        return Err(SealError::Retired { key_id: seal.key_id, retired_from: from, head_at: head.occurred_at });
    }
    Ok(seal.key_id)
}

// ---------------------------------------------------------------------------
// trust

/// A public key trusted to seal one unit's documents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TrustedKey {
    /// The key's id (checked against the public key when read).
    pub key_id: KeyId,
    /// The unit whose documents it seals.
    pub unit: UnitCode,
    /// The public key.
    pub public_key: PublicKey,
    /// When the key was made, as its public key file says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<DateTime<Utc>>,
    /// When set, the key verifies only seals over heads that occurred before this time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retired_from: Option<DateTime<Utc>>,
}

impl TrustedKey {
    /// A key trusted for a unit, not retired.
    pub fn new(unit: UnitCode, public_key: PublicKey, created: Option<DateTime<Utc>>) -> Self {
        TrustedKey { key_id: public_key.key_id(), unit, public_key, created, retired_from: None }
    }
}

impl From<&PublicKeyFile> for TrustedKey {
    fn from(file: &PublicKeyFile) -> Self {
        TrustedKey::new(file.unit, file.public_key, Some(file.created))
    }
}

/// The keys a reader trusts, by key id: what a province publishes as its
/// trust file (`{"document": "lk3.trust", "version": 1, "keys": [...]}`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedKeys {
    keys: BTreeMap<KeyId, TrustedKey>,
}

impl TrustedKeys {
    /// An empty trust set: every seal is untrusted.
    pub fn new() -> Self {
        TrustedKeys::default()
    }

    /// Adds a key; returns whether it is new. Refused when its id is not its
    /// public key's, or another key already has its id.
    pub fn insert(&mut self, key: TrustedKey) -> Result<bool, SealError> {
        if key.key_id != key.public_key.key_id() {
            return Err(SealError::KeyFile {
                what: "trusted key",
                reason: format!("key id {} is not the id of its public key ({})", key.key_id, key.public_key.key_id()),
                reason_id: format!("id kunci {} bukan id kunci publiknya ({})", key.key_id, key.public_key.key_id()),
            });
        }
        match self.keys.get(&key.key_id) {
            Some(old) if old.public_key != key.public_key || old.unit != key.unit => Err(SealError::KeyFile {
                what: "trusted key",
                reason: format!("key id {} is already trusted for another key or unit", key.key_id),
                reason_id: format!("id kunci {} sudah dipercaya untuk kunci atau unit lain", key.key_id),
            }),
            Some(_) => Ok(false),
            None => {
                self.keys.insert(key.key_id, key);
                Ok(true)
            }
        }
    }

    /// The key with this id.
    pub fn get(&self, key_id: &KeyId) -> Option<&TrustedKey> {
        self.keys.get(key_id)
    }

    /// Retires a key from `from` on: it verifies only seals over heads that
    /// occurred before then.
    pub fn retire(&mut self, key_id: &KeyId, from: DateTime<Utc>) -> Result<(), SealError> {
        let key = self.keys.get_mut(key_id).ok_or(SealError::Untrusted { key_id: *key_id })?;
        key.retired_from = Some(from);
        Ok(())
    }

    /// Removes a key (a revocation: nothing it sealed verifies any more).
    pub fn remove(&mut self, key_id: &KeyId) -> Option<TrustedKey> {
        self.keys.remove(key_id)
    }

    /// The keys, by id.
    pub fn iter(&self) -> impl Iterator<Item = &TrustedKey> {
        self.keys.values()
    }

    /// How many keys.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Reads a trust file; every key's id must be its public key's.
    pub fn parse(bytes: &[u8]) -> Result<Self, SealError> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct File {
            document: String,
            version: u32,
            keys: Vec<TrustedKey>,
        }
        let file: File = serde_json::from_slice(bytes).map_err(|e| SealError::key_file("trust file", &e))?;
        check_header("trust file", &file.document, TRUST_DOCUMENT, file.version)?;
        let mut keys = TrustedKeys::new();
        for key in file.keys {
            keys.insert(key)?;
        }
        Ok(keys)
    }

    /// The trust file: pretty JSON ending in a newline, keys by id.
    pub fn to_json(&self) -> String {
        #[derive(Serialize)]
        struct File<'a> {
            document: &'a str,
            version: u32,
            keys: Vec<&'a TrustedKey>,
        }
        let file = File { document: TRUST_DOCUMENT, version: KEY_FILE_VERSION, keys: self.keys.values().collect() };
        let mut s = serde_json::to_string_pretty(&file).unwrap_or_default();
        s.push('\n');
        s
    }
}

// ---------------------------------------------------------------------------
// key files

fn check_header(what: &'static str, document: &str, expected: &str, version: u32) -> Result<(), SealError> {
    if document != expected || version != KEY_FILE_VERSION {
        return Err(SealError::KeyFile {
            what,
            reason: format!("expected `document` {expected:?} and `version` {KEY_FILE_VERSION}"),
            reason_id: format!("seharusnya `document` {expected:?} dan `version` {KEY_FILE_VERSION}"),
        });
    }
    Ok(())
}

/// A unit's public key as `lk3 keys generate` writes it: what the unit
/// hands its province over a trusted channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicKeyFile {
    /// Always `lk3.public-key`.
    pub document: String,
    /// The format's version (1).
    pub version: u32,
    /// The key's id.
    pub key_id: KeyId,
    /// The unit the key seals for.
    pub unit: UnitCode,
    /// The public key.
    pub public_key: PublicKey,
    /// When the key was made.
    pub created: DateTime<Utc>,
}

impl PublicKeyFile {
    /// The public key file of a key.
    pub fn new(unit: UnitCode, public_key: PublicKey, created: DateTime<Utc>) -> Self {
        PublicKeyFile {
            document: PUBLIC_KEY_DOCUMENT.to_owned(),
            version: KEY_FILE_VERSION,
            key_id: public_key.key_id(),
            unit,
            public_key,
            created,
        }
    }

    /// Reads a public key file; its key id must be its public key's.
    pub fn parse(bytes: &[u8]) -> Result<Self, SealError> {
        let file: PublicKeyFile =
            serde_json::from_slice(bytes).map_err(|e| SealError::key_file("public key file", &e))?;
        check_header("public key file", &file.document, PUBLIC_KEY_DOCUMENT, file.version)?;
        if file.key_id != file.public_key.key_id() {
            return Err(SealError::KeyFile {
                what: "public key file",
                reason: format!("key id {} is not the id of its public key", file.key_id),
                reason_id: format!("id kunci {} bukan id kunci publiknya", file.key_id),
            });
        }
        Ok(file)
    }

    /// The file: pretty JSON ending in a newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }
}

/// A unit's private key file: the key and when it was made. Kept by the
/// unit only (`lk3 keys generate` writes it owner-only); `Debug` never shows
/// the secret.
#[derive(Debug, Clone)]
pub struct PrivateKeyFile {
    /// The key.
    pub key: SigningKey,
    /// When it was made.
    pub created: DateTime<Utc>,
}

/// The private key file's form on disk.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PrivateKeyJson {
    document: String,
    version: u32,
    key_id: KeyId,
    unit: UnitCode,
    public_key: PublicKey,
    /// The 32-byte RFC 8032 private key (the seed), 64 lowercase hex digits.
    private_key: String,
    created: DateTime<Utc>,
}

impl PrivateKeyFile {
    /// Reads a private key file; its key id and public key must be its
    /// secret's. A refusal never repeats the file's content.
    pub fn parse(bytes: &[u8]) -> Result<Self, SealError> {
        const WHAT: &str = "private key file";
        let file: PrivateKeyJson = serde_json::from_slice(bytes).map_err(|e| SealError::KeyFile {
            what: WHAT,
            // serde's message may quote a value: only where, never what.
            reason: format!("not an lk3 private key file (line {}, column {})", e.line(), e.column()),
            reason_id: format!("bukan berkas kunci privat lk3 (baris {}, kolom {})", e.line(), e.column()),
        })?;
        check_header(WHAT, &file.document, PRIVATE_KEY_DOCUMENT, file.version)?;
        let secret: [u8; 32] = from_hex(&file.private_key).ok_or_else(|| SealError::KeyFile {
            what: WHAT,
            reason: "the private key is not 64 lowercase hex digits".to_owned(),
            reason_id: "kunci privat bukan 64 digit heksadesimal huruf kecil".to_owned(),
        })?;
        let key = SigningKey::from_secret(&secret, file.unit);
        if key.public_key() != file.public_key || key.key_id() != file.key_id {
            return Err(SealError::KeyFile {
                what: WHAT,
                reason: "the public key or key id is not the private key's".to_owned(),
                reason_id: "kunci publik atau id kunci bukan milik kunci privatnya".to_owned(),
            });
        }
        Ok(PrivateKeyFile { key, created: file.created })
    }

    /// The file: pretty JSON ending in a newline. It holds the secret: write
    /// it owner-only.
    pub fn to_json(&self) -> String {
        let file = PrivateKeyJson {
            document: PRIVATE_KEY_DOCUMENT.to_owned(),
            version: KEY_FILE_VERSION,
            key_id: self.key.key_id(),
            unit: self.key.unit,
            public_key: self.key.public_key(),
            private_key: to_hex(self.key.key.as_bytes()),
            created: self.created,
        };
        let mut s = serde_json::to_string_pretty(&file).unwrap_or_default();
        s.push('\n');
        s
    }

    /// Its public key file.
    pub fn public(&self) -> PublicKeyFile {
        PublicKeyFile::new(self.key.unit, self.key.public_key(), self.created)
    }
}

// ---------------------------------------------------------------------------
// errors

/// A seal that does not verify, or a key file that cannot be used. No
/// message holds personal data: key ids, units, seqs and times only.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SealError {
    /// The document has no seal, and a trust set was given.
    #[error("the document is not sealed: a trusted unit key must seal it (`lk3 export --sign`)")]
    Missing,
    /// No trusted key has the seal's key id.
    #[error("the seal's key {key_id} is not a trusted key")]
    Untrusted {
        /// The seal's key id.
        key_id: KeyId,
    },
    /// The signature does not verify with the key: the document was changed
    /// after it was sealed, or sealed by another key.
    #[error(
        "the seal's signature does not verify with key {key_id}: the document was changed or not sealed by that key"
    )]
    BadSignature {
        /// The seal's key id.
        key_id: KeyId,
    },
    /// The seal is over another head than the document's last event.
    #[error(
        "the seal is over seq {seal_seq}{}, but the document's last event is seq {head_seq}: events were added or changed after sealing",
        if *same_seq { " with another hash" } else { "" }
    )]
    NotOverHead {
        /// The seal's seq.
        seal_seq: u64,
        /// The last event's seq.
        head_seq: u64,
        /// Whether the seqs agree (then the hashes differ).
        same_seq: bool,
    },
    /// The key was retired before the sealed head occurred.
    #[error("key {key_id} is retired from {retired_from}, and the sealed last event occurred at {head_at}")]
    Retired {
        /// The seal's key id.
        key_id: KeyId,
        /// When the key was retired.
        retired_from: DateTime<Utc>,
        /// When the sealed last event occurred.
        head_at: DateTime<Utc>,
    },
    /// The key belongs to another unit than the document.
    #[error("key {key_id} seals for unit {key_unit}, not for the document's unit {}", unit_or_none(document_unit))]
    OtherUnit {
        /// The key's id.
        key_id: KeyId,
        /// The unit the key belongs to.
        key_unit: UnitCode,
        /// The document's unit.
        document_unit: Option<UnitCode>,
    },
    /// A key file, a public key or a trust file that is malformed or inconsistent.
    #[error("{what}: {reason}")]
    KeyFile {
        /// Which file or part.
        what: &'static str,
        /// Why, in English.
        reason: String,
        /// Why, in Indonesian.
        reason_id: String,
    },
}

fn unit_or_none(unit: &Option<UnitCode>) -> String {
    unit.as_ref().map_or_else(|| "(none)".to_owned(), ToString::to_string)
}

impl SealError {
    /// A key or trust file serde could not read (public data: the message may quote it).
    fn key_file(what: &'static str, e: &serde_json::Error) -> Self {
        SealError::KeyFile {
            what,
            reason: e.to_string(),
            reason_id: format!("tidak dapat dibaca (baris {}, kolom {}): {e}", e.line(), e.column()),
        }
    }

    /// The member of the seal the problem is about, as a JSON Pointer
    /// under the document's `/seal` (`""` for a missing seal).
    pub fn pointer(&self) -> &'static str {
        match self {
            Self::Missing => "",
            Self::Untrusted { .. } | Self::Retired { .. } | Self::OtherUnit { .. } => "/seal/key_id",
            Self::BadSignature { .. } => "/seal/signature",
            Self::NotOverHead { same_seq: true, .. } => "/seal/head_hash",
            Self::NotOverHead { .. } => "/seal/seq",
            Self::KeyFile { .. } => "/seal",
        }
    }
}

impl Lk3Error for SealError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::Missing => ErrorCode::SealMissing,
            Self::Untrusted { .. } => ErrorCode::SealKeyUntrusted,
            Self::BadSignature { .. } => ErrorCode::SealSignatureInvalid,
            Self::NotOverHead { .. } => ErrorCode::SealNotOverHead,
            Self::Retired { .. } => ErrorCode::SealKeyRetired,
            Self::OtherUnit { .. } => ErrorCode::SealKeyOtherUnit,
            Self::KeyFile { .. } => ErrorCode::KeyFileInvalid,
        }
    }

    fn message_id(&self) -> String {
        match self {
            Self::Missing => {
                "dokumen tidak bersegel: kunci unit yang dipercaya harus menyegelnya (`lk3 export --sign`)".to_owned()
            }
            Self::Untrusted { key_id } => format!("kunci segel {key_id} bukan kunci yang dipercaya"),
            Self::BadSignature { key_id } => format!(
                "tanda tangan segel tidak cocok dengan kunci {key_id}: dokumen telah diubah atau tidak disegel dengan kunci itu"
            ),
            Self::NotOverHead { seal_seq, head_seq, same_seq } => format!(
                "segel dibuat atas nomor {seal_seq}{}, tetapi peristiwa terakhir dokumen bernomor {head_seq}: ada peristiwa yang ditambah atau diubah setelah disegel",
                if *same_seq { " dengan hash lain" } else { "" }
            ),
            Self::Retired { key_id, retired_from, head_at } => format!(
                "kunci {key_id} tidak berlaku sejak {retired_from}, sedangkan peristiwa terakhir yang disegel terjadi pada {head_at}"
            ),
            Self::OtherUnit { key_id, key_unit, document_unit } => format!(
                "kunci {key_id} menyegel untuk unit {key_unit}, bukan untuk unit dokumen {}",
                document_unit.as_ref().map_or_else(|| "(tidak ada)".to_owned(), ToString::to_string)
            ),
            Self::KeyFile { what, reason_id, .. } => {
                let what = match *what {
                    "trust file" => "berkas kepercayaan",
                    "public key file" => "berkas kunci publik",
                    "private key file" => "berkas kunci privat",
                    "key id" => "id kunci",
                    _ => "kunci tepercaya",
                };
                format!("{what}: {reason_id}")
            }
        }
    }
}
