//! The outreach machine of each rule set, as data.
//!
//! The states and their order come from DESIGN §6 (row "penjangkauan"); that
//! penjangkauan is an LK3 service is read in Permensos 08/2012 and the
//! Permensos 16/2013 model [R: domain.md §4, S4, S5]; "jemput bola" as the
//! way clients are found, against coming in alone, from LK3 practice
//! [R: domain.md §5 D, S11]. Who performs each step and the attempt limit
//! are our reading of practice [I].

use std::sync::LazyLock;

use super::{OutreachCommandKind as C, OutreachState as S};
use crate::rules::export::MachineExport;
use crate::rules::{OutreachRequirement as Req, Row, RuleSetId, Table};
use crate::vocab::Role as R;

/// How many visits an outreach may carry out before it must be closed, under
/// `permensos-16-2013` [I: no source sets a number; three tries is common
/// practice for home visits and keeps an unreachable person from holding a
/// worker's list open indefinitely].
pub const MAX_ATTEMPTS: u32 = 3;

/// How many visits an outreach may carry out under `rule_set`: once that
/// many visits have not found the person, a new visit cannot be scheduled and
/// the only step left is `close`. Checked by [`Outreach::decide`](crate::Decider::decide) on
/// every `schedule`.
///
/// ```
/// use lk3_core::outreach::{max_attempts, MAX_ATTEMPTS};
/// use lk3_core::rules::RuleSetId;
/// assert_eq!(max_attempts(RuleSetId::Permensos16_2013), MAX_ATTEMPTS);
/// ```
pub fn max_attempts(rule_set: RuleSetId) -> u32 {
    match rule_set {
        RuleSetId::Permensos16_2013 => MAX_ATTEMPTS,
    }
}

/// The outreach machine of `rule_set`, built once.
///
/// ```
/// use lk3_core::outreach::{table, OutreachCommandKind, OutreachState};
/// use lk3_core::rules::RuleSetId;
/// use lk3_core::vocab::Role;
/// let t = table(RuleSetId::Permensos16_2013);
/// let row = t.row(Some(OutreachState::TidakDitemukan), OutreachCommandKind::Schedule).unwrap();
/// assert_eq!(row.to, OutreachState::Dijadwalkan);
/// assert_eq!(row.roles, vec![Role::PekerjaSosial]);
/// assert!(t.is_terminal(OutreachState::Bersedia));
/// ```
pub fn table(rule_set: RuleSetId) -> &'static Table<S, C, Req> {
    static PERMENSOS_16_2013: LazyLock<Table<S, C, Req>> = LazyLock::new(permensos_16_2013);
    match rule_set {
        RuleSetId::Permensos16_2013 => &PERMENSOS_16_2013,
    }
}

/// The outreach machine of `rule_set` in the exported form shared with the
/// case table (JSON, and from it Mermaid and DOT), named `penjangkauan`.
///
/// ```
/// use lk3_core::outreach::machine_export;
/// use lk3_core::rules::RuleSetId;
/// let m = machine_export(RuleSetId::Permensos16_2013);
/// assert_eq!(m.name, "penjangkauan");
/// assert_eq!(m.states.len(), 7);
/// ```
pub fn machine_export(rule_set: RuleSetId) -> MachineExport {
    crate::rules::export::machine("penjangkauan", table(rule_set))
}

/// Builds the `permensos-16-2013` table. Order: the main path, then the
/// outcomes of a visit, then another attempt and the closures.
fn permensos_16_2013() -> Table<S, C, Req> {
    let rows = vec![
        // Whoever takes the report records it: the secretariat, a social
        // worker, the ketua, or a volunteer on the hotline [I].
        Row::new(None, S::Dilaporkan, C::Report, &[R::Sekretaris, R::PekerjaSosial, R::Relawan, R::Ketua], &[]),
        Row::new(Some(S::Dilaporkan), S::Dijadwalkan, C::Schedule, &[R::PekerjaSosial], &[]),
        // The visit is a professional service: the social worker on the visit
        // records it. A volunteer may ride along on the mobile unit, but does
        // not record the visit: its outcome (agreement, refusal, not found)
        // is the social worker's judgement, recorded by whoever made the
        // visit [I].
        Row::new(Some(S::Dijadwalkan), S::Dilaksanakan, C::CarryOut, &[R::PekerjaSosial], &[]),
        Row::new(Some(S::Dilaksanakan), S::Bersedia, C::RecordAgreement, &[R::PekerjaSosial], &[]),
        Row::new(Some(S::Dilaksanakan), S::Menolak, C::RecordRefusal, &[R::PekerjaSosial], &[Req::Reason]),
        Row::new(Some(S::Dilaksanakan), S::TidakDitemukan, C::RecordNotFound, &[R::PekerjaSosial], &[]),
        // Another attempt, while visits remain (`max_attempts`).
        Row::new(Some(S::TidakDitemukan), S::Dijadwalkan, C::Schedule, &[R::PekerjaSosial], &[Req::AttemptsRemaining]),
        Row::new(Some(S::TidakDitemukan), S::Ditutup, C::Close, &[R::PekerjaSosial, R::Ketua], &[Req::Reason]),
        // A report closed without a visit (unfounded, duplicate, handled by others),
        // or a planned visit that became pointless (the person moved, the police
        // already acted) [I].
        Row::new(Some(S::Dilaporkan), S::Ditutup, C::Close, &[R::PekerjaSosial, R::Ketua], &[Req::Reason]),
        Row::new(Some(S::Dijadwalkan), S::Ditutup, C::Close, &[R::PekerjaSosial, R::Ketua], &[Req::Reason]),
    ];
    Table::new(rows, vec![S::Bersedia, S::Menolak, S::Ditutup])
}
