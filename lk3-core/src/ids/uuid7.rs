use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::IdentifierError;

/// Caller-supplied randomness for UUID v7 ids: the core has no random source
/// of its own (DESIGN §2), so the caller passes ten random bytes per command.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use lk3_core::ids::{CaseId, IdSeed};
/// let at = Utc.with_ymd_and_hms(2019, 4, 8, 1, 0, 0).unwrap();
/// let id = CaseId::new_v7(at, IdSeed::new([7; 10]));
/// assert_eq!(id.as_uuid().get_version_num(), 7);
/// assert_eq!(id.timestamp_millis(), at.timestamp_millis() as u64);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct IdSeed([u8; 10]);

impl IdSeed {
    /// Wraps ten random bytes.
    pub const fn new(bytes: [u8; 10]) -> Self {
        IdSeed(bytes)
    }

    /// A distinct seed for the `index`-th id made from this one, so that one
    /// command's several events get distinct ids.
    pub fn derive(self, index: u16) -> Self {
        let mut b = self.0;
        let [hi, lo] = index.to_be_bytes();
        b[8] ^= hi;
        b[9] ^= lo;
        IdSeed(b)
    }

    /// The bytes.
    pub fn bytes(self) -> [u8; 10] {
        self.0
    }
}

fn v7(at: DateTime<Utc>, seed: IdSeed) -> Uuid {
    // Times before 1970 cannot be in a v7 id; they clamp to the epoch.
    let millis = u64::try_from(at.timestamp_millis()).unwrap_or(0);
    uuid::Builder::from_unix_timestamp_millis(millis, &seed.0).into_uuid()
}

macro_rules! uuid_id {
    ($($(#[$meta:meta])* $name:ident),* $(,)?) => {$(
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// A UUID v7 made from the given time and randomness.
            pub fn new_v7(at: DateTime<Utc>, seed: IdSeed) -> Self {
                $name(v7(at, seed))
            }
            /// Wraps an existing UUID.
            pub const fn from_uuid(uuid: Uuid) -> Self {
                $name(uuid)
            }
            /// The UUID.
            pub const fn as_uuid(&self) -> &Uuid {
                &self.0
            }
            /// The milliseconds since the Unix epoch encoded in the id (0 when the UUID carries no timestamp).
            pub fn timestamp_millis(&self) -> u64 {
                self.0.get_timestamp().map(|t| { let (s, n) = t.to_unix(); s * 1000 + u64::from(n / 1_000_000) }).unwrap_or(0)
            }
            /// Parses the hyphenated form.
            pub fn parse(s: &str) -> Result<Self, IdentifierError> {
                Uuid::try_parse(s).map($name).map_err(|_| IdentifierError::IdFormat { input: super::error::echo(s) })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0.hyphenated(), f)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "({})"), self.0.hyphenated())
            }
        }

        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({ "type": "string", "format": "uuid", "description": concat!(stringify!($name), ": a UUID (v7 when made by lk3)") })
            }
        }

        impl FromStr for $name {
            type Err = IdentifierError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }
    )*};
}

uuid_id! {
    /// A case (the stream id of its events).
    CaseId,
    /// A person in the client registry. Events refer to clients only by this id.
    ClientId,
    /// A staff member.
    StaffId,
    /// A command, for idempotency: a retried command id returns the first result.
    CommandId,
    /// An event.
    EventId,
    /// A consent record.
    ConsentId,
    /// One service line of an intervention plan.
    PlanItemId,
    /// A referral to a partner.
    ReferralId,
    /// A partner institution in the unit's network (jejaring).
    PartnerId,
    /// An outreach (penjangkauan), which can exist before any case.
    OutreachId,
    /// A service instance inside a case (informasi, konsultasi ...).
    ServiceId,
    /// A record of material aid (bantuan).
    AidId,
}
