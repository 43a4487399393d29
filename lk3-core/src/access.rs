//! Who may read personal data, and the record of each read (issue 15;
//! UU 27/2022 on personal data: processed for a stated purpose, by those who
//! need it, with a record).
//!
//! What the personal data store holds is read in three kinds ([`ReadKind`]):
//! a client's identity, a note, an attachment. Each is read at a
//! [`Sensitivity`]: a note's or an attachment's own, raised to the kind's
//! floor (an identity and any attachment are at least `rahasia`). One table,
//! [`READ_RULES`], says per sensitivity who reads and whether a purpose must
//! be given; [`judge`] applies it, and a store logs every read that needed a
//! purpose and every refused one ([`AccessEntry`]) in an append-only log
//! whose entries are chained by SHA-256 ([`AccessEntry::hash`]).
//!
//! ```
//! use lk3_core::access::{AccessRequest, ReadKind, Readable, judge};
//! use lk3_core::event::Actor;
//! use lk3_core::ids::{StaffId, UnitCode};
//! use lk3_core::vocab::{AccessPurpose, Role, Sensitivity};
//! let unit = UnitCode::parse("64.72")?;
//! let worker = Actor::staff(Role::PekerjaSosial, StaffId::from_uuid(uuid::Uuid::from_u128(7))).of_unit(unit);
//! let secret = Readable::new(ReadKind::Catatan, Sensitivity::Rahasia, unit);
//! let at = chrono::DateTime::UNIX_EPOCH;
//! // Without a purpose: refused.
//! assert!(judge(&secret, &AccessRequest { actor: worker, purpose: None, at }).is_err());
//! // With one: granted, at `rahasia` (so it is logged).
//! let request = AccessRequest { actor: worker, purpose: Some(AccessPurpose::PenangananKasus), at };
//! assert_eq!(judge(&secret, &request)?, Sensitivity::Rahasia);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{ErrorCode, Lk3Error};
use crate::event::{Actor, Hash};
use crate::ids::{CaseId, ClientId, StaffId, UnitCode};
use crate::label::{Labelled, labelled_enum};
use crate::vocab::{AccessPurpose, Role, Sensitivity};

labelled_enum! {
    /// What is read from the personal data store.
    pub enum ReadKind {
        /// A client's identity: name, NIK, No. KK, birth date, address.
        Identitas = ("identitas", "Identitas klien", "Client identity"),
        /// A note's text.
        Catatan = ("catatan", "Catatan", "Note"),
        /// An attachment's bytes.
        Lampiran = ("lampiran", "Lampiran", "Attachment"),
    }
}

impl ReadKind {
    /// The least sensitivity the kind is read at: an identity and an
    /// attachment (a scanned form, a photo: identities in them) are always
    /// at least `rahasia`; a note is read at its own.
    pub fn floor(self) -> Sensitivity {
        match self {
            ReadKind::Identitas | ReadKind::Lampiran => Sensitivity::Rahasia,
            ReadKind::Catatan => Sensitivity::Biasa,
        }
    }
}

/// Who reads at one sensitivity (a row of [`READ_RULES`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ReadRule {
    /// The sensitivity.
    pub sensitivity: Sensitivity,
    /// The roles that read at it.
    pub roles: &'static [Role],
    /// Whether a purpose must be given (and the read is logged).
    pub purpose_required: bool,
    /// Whether, of the case staff roles, only the case's insiders (its
    /// worker, and whoever added the note or attachment) read it; the ketua
    /// and the penanggung jawab always do.
    pub insiders_only: bool,
}

/// The roles that head a unit: at `sangat_rahasia` they read what the
/// unit holds without being the case's insiders.
pub const HEADS: [Role; 2] = [Role::Ketua, Role::PenanggungJawab];

/// The case staff: who read secrets (for a purpose), top secrets only as
/// the case's insiders or its unit's heads.
const CASE_STAFF: &[Role] =
    &[Role::PenanggungJawab, Role::Ketua, Role::Sekretaris, Role::PekerjaSosial, Role::Konselor, Role::Psikolog];

/// Who reads what, by sensitivity (issue 15 \[I\]; UU 27/2022: personal data
/// for a stated purpose, by those who need it). Routine notes are read by
/// all the unit's staff and by the staff of a partner the case was referred
/// to (a partner's feedback); secret ones by the case staff, the secretary
/// who files them included; top secret ones by the case's worker, their
/// author (a secretary who filed one included) and the unit's heads. The
/// system administrator reads none: administration is no case work.
pub const READ_RULES: [ReadRule; 3] = [
    ReadRule {
        sensitivity: Sensitivity::Biasa,
        roles: &[
            Role::PenanggungJawab,
            Role::Ketua,
            Role::Sekretaris,
            Role::Bendahara,
            Role::PekerjaSosial,
            Role::Konselor,
            Role::Psikolog,
            Role::TenagaProfesional,
            Role::Relawan,
            Role::Mitra,
        ],
        purpose_required: false,
        insiders_only: false,
    },
    ReadRule { sensitivity: Sensitivity::Rahasia, roles: CASE_STAFF, purpose_required: true, insiders_only: false },
    ReadRule {
        sensitivity: Sensitivity::SangatRahasia,
        roles: CASE_STAFF,
        purpose_required: true,
        insiders_only: true,
    },
];

/// The rule of a sensitivity.
pub fn rule(sensitivity: Sensitivity) -> &'static ReadRule {
    &READ_RULES[sensitivity.index()]
}

/// Something to read, as the rule sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Readable {
    /// What kind of thing.
    pub kind: ReadKind,
    /// Its own sensitivity (an identity's is `rahasia`).
    pub sensitivity: Sensitivity,
    /// The unit whose store holds it.
    pub unit: UnitCode,
    /// The unit holding its case now, when another than `unit` (a case
    /// transferred): its staff read it too.
    pub holding_unit: Option<UnitCode>,
    /// Who reads it at `sangat_rahasia` besides the unit's heads: the case's
    /// worker and whoever added it.
    pub insiders: Vec<StaffId>,
    /// The partners its case was referred to ([`referred_partners`]): only
    /// their staff, of all partners', read it.
    pub partners: Vec<crate::ids::PartnerId>,
}

impl Readable {
    /// A thing of `kind` at `sensitivity`, held by `unit`, with no case
    /// context (no insiders, no other holding unit, no partner).
    pub fn new(kind: ReadKind, sensitivity: Sensitivity, unit: UnitCode) -> Self {
        Readable { kind, sensitivity, unit, holding_unit: None, insiders: Vec::new(), partners: Vec::new() }
    }

    /// The sensitivity it is read at: its own, raised to its kind's floor.
    pub fn read_at(&self) -> Sensitivity {
        self.sensitivity.max(self.kind.floor())
    }
}

/// A request to read: who, why, when.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessRequest {
    /// Who reads.
    pub actor: Actor,
    /// Why; required for anything read at `rahasia` or above.
    pub purpose: Option<AccessPurpose>,
    /// When.
    pub at: DateTime<Utc>,
}

/// A read refused by [`judge`]. Messages name the kind and the role, never
/// what was to be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AccessRefusal {
    /// No purpose given for a read that needs one.
    #[error("reading a {} at {} needs a purpose", .kind.label_en().to_lowercase(), .sensitivity)]
    PurposeRequired {
        /// What was to be read.
        kind: ReadKind,
        /// The sensitivity it is read at.
        sensitivity: Sensitivity,
    },
    /// The actor's role does not read at that sensitivity.
    #[error("the role {role} does not read a {} at {}", .kind.label_en().to_lowercase(), .sensitivity)]
    RoleNotAllowed {
        /// The actor's role.
        role: Role,
        /// What was to be read.
        kind: ReadKind,
        /// The sensitivity it is read at.
        sensitivity: Sensitivity,
    },
    /// A `sangat_rahasia` read by case staff who are not the case's worker
    /// nor its author.
    #[error("only the case's worker, its author and the unit's heads read a {} at {}", .kind.label_en().to_lowercase(), .sensitivity)]
    NotAnInsider {
        /// What was to be read.
        kind: ReadKind,
        /// The sensitivity it is read at.
        sensitivity: Sensitivity,
    },
    /// Staff of another unit than the one holding it (or its case).
    #[error("staff of another unit do not read a {} this unit holds", .kind.label_en().to_lowercase())]
    OtherUnit {
        /// What was to be read.
        kind: ReadKind,
    },
    /// A case outside the reader's [`Scope`].
    #[error("the case is outside the cases the reader sees ({})", .scope.label_en().to_lowercase())]
    OutOfScope {
        /// The reader's scope.
        scope: ScopeKind,
    },
    /// A reader whose scope cannot be said: LK3 staff naming no unit, a
    /// partner's staff naming no partner.
    #[error("to read cases, staff name their unit (a partner's staff their partner)")]
    ScopeUnknown,
}

impl Lk3Error for AccessRefusal {
    fn code(&self) -> ErrorCode {
        match self {
            AccessRefusal::PurposeRequired { .. } => ErrorCode::AccessPurposeRequired,
            AccessRefusal::RoleNotAllowed { .. }
            | AccessRefusal::NotAnInsider { .. }
            | AccessRefusal::OtherUnit { .. }
            | AccessRefusal::OutOfScope { .. }
            | AccessRefusal::ScopeUnknown => ErrorCode::AccessNotAllowed,
        }
    }

    fn message_id(&self) -> String {
        match self {
            AccessRefusal::PurposeRequired { kind, sensitivity } => {
                format!("membaca {} ({}) memerlukan tujuan", kind.label_id().to_lowercase(), sensitivity)
            }
            AccessRefusal::RoleNotAllowed { role, kind, sensitivity } => {
                format!("peran {role} tidak berwenang membaca {} ({})", kind.label_id().to_lowercase(), sensitivity)
            }
            AccessRefusal::NotAnInsider { kind, sensitivity } => format!(
                "{} ({}) hanya dibaca pekerja sosial kasus, penulisnya, dan pimpinan unit",
                kind.label_id(),
                sensitivity
            ),
            AccessRefusal::OtherUnit { kind } => {
                format!("staf unit lain tidak membaca {} yang dipegang unit ini", kind.label_id().to_lowercase())
            }
            AccessRefusal::OutOfScope { scope } => {
                format!("kasus ini di luar kasus yang boleh dibaca ({})", scope.label_id().to_lowercase())
            }
            AccessRefusal::ScopeUnknown => {
                "untuk membaca kasus, staf menyebut unitnya (staf mitra menyebut mitranya)".to_owned()
            }
        }
    }
}

/// Judges a read: `Ok` with the sensitivity it is read at (a store logs it
/// when that needs a purpose), or the refusal. The checks, in order: who
/// reads is known (LK3 staff name their unit, which holds the thing or its
/// case; a partner's staff name their partner, which the case was referred
/// to);
/// a purpose is given where the rule needs one; the role reads at that
/// sensitivity; at `sangat_rahasia`, case staff other than the unit's heads
/// are its insiders.
pub fn judge(readable: &Readable, request: &AccessRequest) -> Result<Sensitivity, AccessRefusal> {
    let kind = readable.kind;
    let sensitivity = readable.read_at();
    let rule = rule(sensitivity);
    // Who reads must be known: a partner's staff by their partner (and they
    // read only what their partner was referred), LK3 staff by their unit.
    match (request.actor.role, request.actor.partner_id, request.actor.unit) {
        (Role::Mitra, Some(partner), _) if !readable.partners.contains(&partner) => {
            return Err(AccessRefusal::OutOfScope { scope: ScopeKind::Partner });
        }
        (Role::Mitra, Some(_), _) => {}
        (Role::Mitra, None, _) | (_, _, None) => return Err(AccessRefusal::ScopeUnknown),
        (_, _, Some(unit)) if unit != readable.unit && Some(unit) != readable.holding_unit => {
            return Err(AccessRefusal::OtherUnit { kind });
        }
        _ => {}
    }
    if rule.purpose_required && request.purpose.is_none() {
        return Err(AccessRefusal::PurposeRequired { kind, sensitivity });
    }
    let role = request.actor.role;
    if !rule.roles.contains(&role) {
        return Err(AccessRefusal::RoleNotAllowed { role, kind, sensitivity });
    }
    if rule.insiders_only && !HEADS.contains(&role) && !readable.insiders.contains(&request.actor.staff_id) {
        return Err(AccessRefusal::NotAnInsider { kind, sensitivity });
    }
    Ok(sensitivity)
}

/// Whether a read at `sensitivity` goes in the access log when granted (a
/// refused read always does).
pub fn is_logged(sensitivity: Sensitivity) -> bool {
    rule(sensitivity).purpose_required
}

/// One entry of the access log: who read (or tried to read) what, when and
/// why. It names ids and digests, never an identity, so it outlives an
/// erasure. Fields in key order (the JSON hashed is the struct's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AccessEntry {
    /// Who.
    pub actor: Actor,
    /// When.
    pub at: DateTime<Utc>,
    /// The case it belongs to, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_id: Option<CaseId>,
    /// The clients whose data it is.
    pub clients: Vec<ClientId>,
    /// Whether it was read; false for a refused read.
    pub granted: bool,
    /// What kind of thing.
    pub kind: ReadKind,
    /// Why, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<AccessPurpose>,
    /// The refusal's code, for a refused read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refusal: Option<ErrorCode>,
    /// The sensitivity it was read at.
    pub sensitivity: Sensitivity,
    /// What was read: the client id, or the note's or attachment's digest.
    pub target: String,
    /// The unit whose store holds it.
    pub unit: UnitCode,
}

impl AccessEntry {
    /// The entry's link in its unit's log: SHA-256 over `lk3.access\n`, the
    /// previous entry's hash (zeros for the first) and the entry's JSON.
    /// An entry changed, removed or slipped in breaks every later link.
    pub fn hash(&self, previous: &Hash) -> Hash {
        use sha2::{Digest, Sha256};
        let mut hasher = Sha256::new();
        hasher.update(b"lk3.access\n");
        hasher.update(previous.0);
        // A struct of plain values: serialising cannot fail.
        hasher.update(serde_json::to_vec(self).unwrap_or_default());
        Hash(hasher.finalize().into())
    }
}

/// An entry as its log holds it: its place, the entry and its link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LoggedAccess {
    /// Its place in the unit's log, from 1.
    pub seq: u64,
    /// The entry.
    pub entry: AccessEntry,
    /// Its link ([`AccessEntry::hash`] over the previous entry's).
    pub hash: Hash,
}

/// Where a unit's access log first breaks: an entry whose place or link is
/// not what the entries before it make. `None` when it holds together.
pub fn verify_log(entries: &[LoggedAccess]) -> Option<u64> {
    let mut previous = Hash::default();
    for (i, logged) in entries.iter().enumerate() {
        if logged.seq != i as u64 + 1 || logged.entry.hash(&previous) != logged.hash {
            return Some(i as u64 + 1);
        }
        previous = logged.hash;
    }
    None
}

labelled_enum! {
    /// Whose cases a reader's queries are confined to (see [`SCOPES`]).
    pub enum ScopeKind {
        /// The cases the reader's unit holds.
        Unit = ("unit", "Kasus yang dipegang unit", "The unit's cases"),
        /// The cases the reader is the worker in charge of, in their unit.
        Worker = ("pekerja", "Kasus yang ditangani sendiri", "The worker's own cases"),
        /// The cases that send a client to the reader's partner.
        Partner = ("mitra", "Kasus yang dirujuk ke mitra", "The cases referred to the partner"),
        /// No case at all.
        None = ("tidak_ada", "Tidak ada kasus", "No case"),
    }
}

/// Whose cases each role reads (issue 15 \[I\]: Primero's user scopes by
/// agency, own cases and referrals): the unit's heads and administrative
/// staff, counsellors, psychologists, partner professionals and volunteers
/// read the cases their unit holds; a social worker the cases they are in
/// charge of; a partner's staff the cases that refer a client to their
/// partner; the system administrator none.
pub const SCOPES: [(Role, ScopeKind); 11] = [
    (Role::PenanggungJawab, ScopeKind::Unit),
    (Role::Ketua, ScopeKind::Unit),
    (Role::Sekretaris, ScopeKind::Unit),
    (Role::Bendahara, ScopeKind::Unit),
    (Role::PekerjaSosial, ScopeKind::Worker),
    (Role::Konselor, ScopeKind::Unit),
    (Role::Psikolog, ScopeKind::Unit),
    (Role::TenagaProfesional, ScopeKind::Unit),
    (Role::Relawan, ScopeKind::Unit),
    (Role::Mitra, ScopeKind::Partner),
    (Role::Admin, ScopeKind::None),
];

/// The cases a reader may list and load.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "scope", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Scope {
    /// The cases `unit` holds.
    Unit {
        /// The unit.
        unit: UnitCode,
    },
    /// The cases `worker` is in charge of, held by `unit`.
    Worker {
        /// The unit.
        unit: UnitCode,
        /// The worker (staff id).
        worker: StaffId,
    },
    /// The cases with a referral sent to `partner`, or a protective referral naming it.
    Partner {
        /// The partner.
        partner: crate::ids::PartnerId,
    },
    /// No case.
    Nothing,
}

impl Scope {
    /// Its kind.
    pub fn kind(&self) -> ScopeKind {
        match self {
            Scope::Unit { .. } => ScopeKind::Unit,
            Scope::Worker { .. } => ScopeKind::Worker,
            Scope::Partner { .. } => ScopeKind::Partner,
            Scope::Nothing => ScopeKind::None,
        }
    }

    /// The scope `actor` reads in, by its role's row of [`SCOPES`]: `None`
    /// when it cannot be said (LK3 staff naming no unit; a `mitra` naming no
    /// partner).
    ///
    /// ```
    /// use lk3_core::access::Scope;
    /// use lk3_core::event::Actor;
    /// use lk3_core::ids::{StaffId, UnitCode};
    /// use lk3_core::vocab::Role;
    /// let unit = UnitCode::parse("64.74")?;
    /// let worker = StaffId::from_uuid(uuid::Uuid::from_u128(7));
    /// let peksos = Actor::staff(Role::PekerjaSosial, worker).of_unit(unit);
    /// assert_eq!(Scope::of(&peksos), Some(Scope::Worker { unit, worker }));
    /// assert_eq!(Scope::of(&Actor::staff(Role::Ketua, worker)), None, "a unit must be named");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn of(actor: &Actor) -> Option<Scope> {
        let kind = SCOPES.iter().find(|(role, _)| *role == actor.role).map_or(ScopeKind::None, |(_, k)| *k);
        match kind {
            ScopeKind::Unit => actor.unit.map(|unit| Scope::Unit { unit }),
            ScopeKind::Worker => actor.unit.map(|unit| Scope::Worker { unit, worker: actor.staff_id }),
            ScopeKind::Partner => actor.partner_id.map(|partner| Scope::Partner { partner }),
            ScopeKind::None => Some(Scope::Nothing),
        }
    }

    /// Whether the scope takes in `case`: the one rule a store's scoped
    /// queries and loads answer to.
    pub fn admits(&self, case: &crate::case::Case) -> bool {
        match *self {
            Scope::Unit { unit } => case.holding_unit() == Some(unit),
            Scope::Worker { unit, worker } => case.holding_unit() == Some(unit) && case.worker() == Some(worker),
            Scope::Partner { partner } => referred_partners(case).contains(&partner),
            Scope::Nothing => false,
        }
    }
}

/// The partners a case was referred to: those of its referrals sent, and
/// those its protective referrals name. Their staff read the case (its
/// [`Scope::Partner`]) and its routine notes.
pub fn referred_partners(case: &crate::case::Case) -> Vec<crate::ids::PartnerId> {
    let sent = case.services().iter().filter(|s| s.sent.is_some()).filter_map(|s| s.partner_id);
    let mut partners: Vec<_> = sent.chain(case.protective_referrals().iter().filter_map(|r| r.partner_id)).collect();
    partners.sort();
    partners.dedup();
    partners
}
