use std::fmt;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{OutreachCommandKind, OutreachState};
use crate::error::{ErrorCode, Lk3Error};
use crate::ids::{OutreachId, UnitCode};
use crate::label::{Labelled, labelled_enum};
use crate::vocab::Role;

/// A refused outreach command. It names the command, the outreach's state,
/// the rule broken and the commands allowed now. A refused command produces
/// no event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct OutreachError {
    /// The command refused.
    pub command: OutreachCommandKind,
    /// The outreach's state (`None`: there is no outreach yet).
    pub state: Option<OutreachState>,
    /// The rule broken.
    pub violation: OutreachViolation,
    /// The commands allowed now (the table's, less `schedule` once the visits
    /// are used up).
    pub allowed: Vec<OutreachCommandKind>,
}

labelled_enum! {
    /// What is inconsistent in an outreach command's content.
    pub enum OutreachProblem {
        /// The outreach's event counter would overflow (only reachable from forged history).
        CounterExhausted = ("penghitung_habis", "penghitung penjangkauan sudah mencapai batas", "a counter of the outreach is exhausted"),
        /// A sasaran the rule set does not name.
        SasaranNotAccepted = ("sasaran_tidak_dikenal_aturan", "aturan ini tidak mengenal sasaran itu", "the rule set does not name that sasaran"),
        /// An outreach opened on a date no registered rule set covers, with none pinned.
        NoRuleSetInForce = ("tanpa_aturan_berlaku", "tidak ada aturan yang berlaku pada tanggal setempat itu; sebutkan aturannya", "no rule set is in force on that local date; name one"),
        /// A `mitra` actor that names no partner, or another role that names one.
        ActorPartner = ("pelaku_mitra_tidak_sah", "staf mitra harus menyebut mitranya, dan hanya staf mitra yang menyebut mitra", "a partner's staff must name their partner, and only a partner's staff name one"),
        /// A time lk3 cannot record (before 1900, after 9999, a leap second).
        TimeOutOfRange = ("waktu_di_luar_rentang", "waktu di luar yang dapat dicatat (tahun 1900 sampai 9999, tanpa detik kabisat)", "a time lk3 cannot record (years 1900 to 9999, no leap second)"),
    }
}

/// The rule a refused outreach command broke.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(tag = "rule", rename_all = "snake_case")]
#[non_exhaustive]
pub enum OutreachViolation {
    /// The state does not allow the command.
    TransitionNotAllowed,
    /// The actor's role may not issue the command.
    RoleNotAllowed {
        /// The actor's role.
        role: Role,
        /// The roles that may.
        allowed_roles: Vec<Role>,
    },
    /// The command is dated before the outreach's last event.
    TimeRunsBackwards {
        /// The last event's time.
        last: DateTime<Utc>,
        /// The command's time.
        at: DateTime<Utc>,
    },
    /// The outreach already exists.
    OutreachExists {
        /// Its id.
        outreach_id: OutreachId,
    },
    /// There is no outreach yet.
    OutreachNotFound,
    /// The actor names a unit other than the one the outreach is with.
    OtherUnit {
        /// The outreach's unit.
        unit: UnitCode,
        /// The unit the actor named.
        actor_unit: Option<UnitCode>,
    },
    /// Every allowed visit was carried out: only `close` is left.
    AttemptsExhausted {
        /// Visits carried out.
        attempts: u32,
        /// Visits the rule set allows.
        max_attempts: u32,
    },
    /// The command's content is inconsistent.
    InvalidCommand {
        /// What is wrong.
        problem: OutreachProblem,
    },
    /// An event could not be serialised for hashing.
    Serialization {
        /// The serialiser's message.
        message: String,
    },
}

use crate::label::id_list as list;

impl OutreachViolation {
    fn code(&self) -> ErrorCode {
        match self {
            Self::TransitionNotAllowed => ErrorCode::TransitionNotAllowed,
            Self::RoleNotAllowed { .. } => ErrorCode::RoleNotAllowed,
            Self::TimeRunsBackwards { .. } => ErrorCode::TimeRunsBackwards,
            Self::OutreachExists { .. } => ErrorCode::OutreachExists,
            Self::OutreachNotFound => ErrorCode::OutreachNotFound,
            Self::OtherUnit { .. } => ErrorCode::UnitMismatch,
            Self::AttemptsExhausted { .. } | Self::InvalidCommand { .. } => ErrorCode::InvalidCommand,
            Self::Serialization { .. } => ErrorCode::Serialization,
        }
    }

    fn message_en(&self, command: OutreachCommandKind) -> String {
        match self {
            Self::TransitionNotAllowed => "the rule set does not allow this step here".to_owned(),
            Self::RoleNotAllowed { role, allowed_roles } => {
                format!("role `{role}` may not do this; allowed roles: {}", list(allowed_roles))
            }
            Self::TimeRunsBackwards { last, at } => {
                format!("the command is dated {at}, before the outreach's last event at {last}")
            }
            Self::OutreachExists { outreach_id } => format!("outreach {outreach_id} already exists"),
            Self::OutreachNotFound => {
                format!("there is no outreach yet; only `{}` can open one", OutreachCommandKind::Report)
            }
            Self::OtherUnit { unit, actor_unit } => crate::decider::other_unit_en(unit, actor_unit.as_ref()),
            Self::AttemptsExhausted { attempts, max_attempts } => format!(
                "{attempts} visits were carried out, the most the rule set allows ({max_attempts}) \
                 (rule: limited attempts); close the outreach instead"
            ),
            Self::InvalidCommand { problem } => problem.label_en().to_owned(),
            Self::Serialization { message } => {
                format!("the event could not be serialised ({message}) for `{command}`")
            }
        }
    }

    fn message_id(&self, command: OutreachCommandKind) -> String {
        match self {
            Self::TransitionNotAllowed => "aturan tidak mengizinkan langkah ini di sini".to_owned(),
            Self::RoleNotAllowed { role, allowed_roles } => {
                format!("peran `{role}` tidak berwenang; peran yang berwenang: {}", list(allowed_roles))
            }
            Self::TimeRunsBackwards { last, at } => {
                format!("perintah bertanggal {at}, sebelum peristiwa terakhir penjangkauan pada {last}")
            }
            Self::OutreachExists { outreach_id } => format!("penjangkauan {outreach_id} sudah ada"),
            Self::OutreachNotFound => {
                format!("penjangkauan belum ada; hanya `{}` yang dapat membukanya", OutreachCommandKind::Report)
            }
            Self::OtherUnit { unit, actor_unit } => crate::decider::other_unit_id(unit, actor_unit.as_ref()),
            Self::AttemptsExhausted { attempts, max_attempts } => format!(
                "sudah {attempts} kali penjangkauan dilaksanakan, batas yang diizinkan aturan ({max_attempts}) \
                 (aturan: jumlah upaya terbatas); tutup penjangkauan ini"
            ),
            Self::InvalidCommand { problem } => problem.label_id().to_owned(),
            Self::Serialization { message } => {
                format!("peristiwa tidak dapat diserialisasi ({message}) untuk `{command}`")
            }
        }
    }
}

impl OutreachError {
    pub(super) fn new(
        command: OutreachCommandKind,
        state: Option<OutreachState>,
        violation: OutreachViolation,
        allowed: Vec<OutreachCommandKind>,
    ) -> Self {
        OutreachError { command, state, violation, allowed }
    }
}

impl fmt::Display for OutreachError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state.map_or("(no outreach)", Labelled::id);
        write!(
            f,
            "[{}] cannot `{}` in outreach state `{}`: {}; allowed now: {}",
            self.code().id(),
            self.command,
            state,
            self.violation.message_en(self.command),
            list(&self.allowed)
        )
    }
}

impl std::error::Error for OutreachError {}

impl Lk3Error for OutreachError {
    fn code(&self) -> ErrorCode {
        self.violation.code()
    }

    fn message_id(&self) -> String {
        let state = self.state.map_or("(belum ada penjangkauan)", Labelled::id);
        format!(
            "[{}] tidak dapat `{}` pada status penjangkauan `{}`: {}; yang diizinkan sekarang: {}",
            self.code().id(),
            self.command,
            state,
            self.violation.message_id(self.command),
            list(&self.allowed)
        )
    }
}
