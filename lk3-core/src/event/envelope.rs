use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::ids::{CommandId, EventId, PartnerId, StaffId, UnitCode};
use crate::rules::RuleSetId;
use crate::vocab::Role;

/// Who issued a command: a staff member acting in a role; a partner's staff
/// (role `mitra`) also name their partner, and act only on its referrals.
/// (Fields of event types are declared in key order: canonical JSON then
/// needs no reordering. `partner_id` is left out when absent, so an LK3
/// staff member's actor, and every hash over one, reads as before.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Actor {
    /// The partner (directory id) a `mitra` acts for; absent for LK3 staff.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partner_id: Option<PartnerId>,
    /// The role they act in.
    pub role: Role,
    /// The staff member.
    pub staff_id: StaffId,
    /// The LK3 unit whose staff they are, when the caller's identity system
    /// says: such staff act only on a case their unit holds (or answer a
    /// transfer to it). Absent from JSON when unknown, so every earlier
    /// hash reads as before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<UnitCode>,
}

impl Actor {
    /// An LK3 staff member acting in `role`.
    pub fn staff(role: Role, staff_id: StaffId) -> Self {
        Actor { partner_id: None, role, staff_id, unit: None }
    }

    /// A partner's staff member (role `mitra`) acting for `partner_id`.
    pub fn mitra(staff_id: StaffId, partner_id: PartnerId) -> Self {
        Actor { partner_id: Some(partner_id), role: Role::Mitra, staff_id, unit: None }
    }

    /// The same actor, named as staff of `unit`.
    pub fn of_unit(self, unit: UnitCode) -> Self {
        Actor { unit: Some(unit), ..self }
    }

    /// Whether the actor is well formed: a `mitra` names its partner, and
    /// nobody else names one.
    pub fn is_consistent(&self) -> bool {
        (self.role == Role::Mitra) == self.partner_id.is_some()
    }
}

/// A SHA-256 digest, written as 64 lowercase hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Hash(pub [u8; 32]);

impl Hash {
    /// The `prev_hash` of a stream's first event: 64 zeros.
    pub const GENESIS: Hash = Hash([0; 32]);

    /// Parses 64 hex digits.
    pub fn from_hex(s: &str) -> Option<Self> {
        // Every stored event carries three hashes: the decoder (SIMD, no branch
        // per digit) is a report's largest cost after JSON. It takes either
        // case; the digits lk3 writes are lowercase only.
        if s.len() != 64 || s.bytes().fold(false, |upper, b| upper | b.is_ascii_uppercase()) {
            return None;
        }
        let mut out = [0u8; 32];
        const_hex::decode_to_slice(s, &mut out).ok()?;
        Some(Hash(out))
    }
}

impl Hash {
    /// The SHA-256 of `bytes` (an event's hash is that of its canonical JSON).
    pub fn of(bytes: &[u8]) -> Self {
        use sha2::Digest;
        Hash(sha2::Sha256::digest(bytes).into())
    }

    /// The 64 lowercase hex digits.
    pub fn to_hex(&self) -> [u8; 64] {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut out = [0u8; 64];
        for (i, b) in self.0.iter().enumerate() {
            out[2 * i] = DIGITS[usize::from(b >> 4)];
            out[2 * i + 1] = DIGITS[usize::from(b & 0xf)];
        }
        out
    }
}

impl fmt::Display for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hex = self.to_hex();
        f.write_str(std::str::from_utf8(&hex).map_err(|_| fmt::Error)?)
    }
}

impl fmt::Debug for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hash({self})")
    }
}

impl Serialize for Hash {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let hex = self.to_hex();
        s.serialize_str(std::str::from_utf8(&hex).map_err(serde::ser::Error::custom)?)
    }
}

impl schemars::JsonSchema for Hash {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Hash".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string", "pattern": "^[0-9a-f]{64}$", "description": "SHA-256, 64 lowercase hex digits" })
    }
}

impl<'de> Deserialize<'de> for Hash {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Hash::from_hex(&s).ok_or_else(|| serde::de::Error::custom("expected 64 lowercase hex digits"))
    }
}

/// The envelope of every event (DESIGN §7). `P` is the aggregate's payload,
/// e.g. [`crate::case::CaseEvent`], serialised under `payload` with its `type`
/// tag.
///
/// `hash` is the SHA-256 of the event's canonical JSON without the `hash`
/// member (see [`super::canonical_json`]); `prev_hash` is the previous
/// event's `hash`, or [`Hash::GENESIS`] for `seq` 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Event<P> {
    /// The event's id (UUID v7).
    pub event_id: EventId,
    /// The aggregate the event belongs to (a case id for cases).
    pub stream_id: Uuid,
    /// 1, 2, 3 ... within the stream, without gaps.
    #[schemars(range(min = 1))]
    pub seq: u64,
    /// When it happened (UTC, microsecond precision, from the caller).
    pub occurred_at: DateTime<Utc>,
    /// Who.
    pub actor: Actor,
    /// The command that produced it; a retried command id is answered with the first result.
    pub command_id: CommandId,
    /// The rule set the stream is governed by.
    pub rule_set: RuleSetId,
    /// What happened.
    pub payload: P,
    /// The previous event's hash.
    pub prev_hash: Hash,
    /// This event's hash.
    pub hash: Hash,
}
