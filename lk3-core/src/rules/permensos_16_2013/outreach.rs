//! The outreach machine of `permensos-16-2013`, as data.
//!
//! The states and their order come from DESIGN §6 (row "penjangkauan"); that
//! penjangkauan is an LK3 service is read in Permensos 08/2012 and the
//! Permensos 16/2013 model \[R: domain.md §4, S4, S5\]; "jemput bola" as the
//! way clients are found, against coming in alone, from LK3 practice
//! \[R: domain.md §5 D, S11\]. Who performs each step and the attempt limit
//! are our reading of practice \[I\].

use crate::rules::{OutreachRequirement as Req, OutreachSpec, OutreachTable, Row, Table};
use crate::vocab::{OutreachCommandKind as C, OutreachState as S, Role as R};

/// How many visits an outreach may carry out before it must be closed [I: no
/// source sets a number; three tries is common practice for home visits and
/// keeps an unreachable person from holding a worker's list open indefinitely].
pub const MAX_ATTEMPTS: u32 = 3;

/// Outreach under the rule set.
pub fn outreach() -> OutreachSpec {
    OutreachSpec {
        table: table(),
        max_attempts: MAX_ATTEMPTS,
        source: "[R: domain.md §4, S4, S5]; states DESIGN §6; roles and limit [I]".to_owned(),
    }
}

/// Builds the outreach table. Order: the main path, then the
/// outcomes of a visit, then another attempt and the closures.
pub fn table() -> OutreachTable {
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
