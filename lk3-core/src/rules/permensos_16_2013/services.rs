//! The in-case service machines of `permensos-16-2013`: informasi,
//! konsultasi, konseling, advokasi and rujukan, the five services a case
//! plans and opens (penjangkauan is its own machine, [`super::outreach`]).
//! The service list is read in the 16/2013 model (Perda Tasikmalaya 8/2015
//! Pasal 21(7)) \[R: domain.md §4, S5\]; the states of each machine are DESIGN
//! §6; who performs each step is our reading of practice \[I\].

use chrono::Duration;

use crate::rules::{Row, ServiceRequirement as Req, ServiceSpec, ServiceTable, Table};
use crate::vocab::{Role as R, ServiceCommandKind as C, ServiceKind, ServiceState as S};

/// Case workers who deliver services.
pub(crate) const WORKERS: &[R] = &[R::PekerjaSosial, R::Konselor, R::Psikolog, R::TenagaProfesional];
/// LK3 staff who decide on referrals.
pub(crate) const REFERRERS: &[R] = &[R::PekerjaSosial, R::Ketua];
/// Who records a partner's step: the partner's own staff, or LK3 staff on its behalf.
pub(crate) const PARTNER_SIDE: &[R] = &[R::Mitra, R::PekerjaSosial, R::Ketua];

fn row(from: Option<S>, to: S, command: C, roles: &[R], requires: &[Req]) -> Row<S, C, Req> {
    Row::new(from, to, command, roles, requires)
}

pub(crate) fn informasi() -> ServiceTable {
    let open_roles = &[R::PekerjaSosial, R::Konselor, R::Psikolog, R::Sekretaris, R::Relawan, R::Ketua];
    Table::new(
        vec![
            row(None, S::Diminta, C::Open, open_roles, &[]),
            row(Some(S::Diminta), S::Diberikan, C::Provide, open_roles, &[]),
            row(Some(S::Diminta), S::TidakTersedia, C::MarkUnavailable, open_roles, &[Req::Reason]),
        ],
        vec![S::Diberikan, S::TidakTersedia],
    )
}

pub(crate) fn konsultasi() -> ServiceTable {
    Table::new(
        vec![
            row(None, S::Dijadwalkan, C::Open, WORKERS, &[]),
            row(Some(S::Dijadwalkan), S::Dilaksanakan, C::HoldSession, WORKERS, &[]),
            row(Some(S::Dijadwalkan), S::TidakHadir, C::MarkNoShow, WORKERS, &[]),
            row(Some(S::TidakHadir), S::Dijadwalkan, C::Reschedule, WORKERS, &[]),
            row(Some(S::Dilaksanakan), S::Selesai, C::Complete, WORKERS, &[]),
            row(Some(S::Dijadwalkan), S::Dibatalkan, C::Cancel, WORKERS, &[Req::Reason]),
            row(Some(S::TidakHadir), S::Dibatalkan, C::Cancel, WORKERS, &[Req::Reason]),
        ],
        vec![S::Selesai, S::Dibatalkan],
    )
}

pub(crate) fn konseling() -> ServiceTable {
    let counsellors = &[R::Konselor, R::Psikolog, R::PekerjaSosial];
    Table::new(
        vec![
            row(None, S::Direncanakan, C::Open, counsellors, &[]),
            row(Some(S::Direncanakan), S::Berlangsung, C::HoldSession, counsellors, &[]),
            // Further sessions are counted.
            row(Some(S::Berlangsung), S::Berlangsung, C::HoldSession, counsellors, &[]),
            row(Some(S::Berlangsung), S::Ditunda, C::Postpone, counsellors, &[Req::Reason]),
            row(Some(S::Ditunda), S::Berlangsung, C::Resume, counsellors, &[]),
            row(Some(S::Berlangsung), S::Selesai, C::Complete, counsellors, &[Req::AtLeastOneSession]),
            row(Some(S::Direncanakan), S::Dihentikan, C::Stop, counsellors, &[Req::Reason]),
            row(Some(S::Berlangsung), S::Dihentikan, C::Stop, counsellors, &[Req::Reason]),
            row(Some(S::Ditunda), S::Dihentikan, C::Stop, counsellors, &[Req::Reason]),
        ],
        vec![S::Selesai, S::Dihentikan],
    )
}

pub(crate) fn advokasi() -> ServiceTable {
    // Advocacy is the social worker's, with the legal expert among the partner professionals [I].
    let advocates = &[R::PekerjaSosial, R::TenagaProfesional, R::Ketua];
    Table::new(
        vec![
            row(None, S::Direncanakan, C::Open, advocates, &[]),
            row(Some(S::Direncanakan), S::Berlangsung, C::Start, advocates, &[]),
            row(Some(S::Berlangsung), S::Berlangsung, C::RecordAction, advocates, &[]),
            row(Some(S::Berlangsung), S::Berhasil, C::Succeed, advocates, &[]),
            row(Some(S::Berlangsung), S::TidakBerhasil, C::Fail, advocates, &[Req::Reason]),
            row(Some(S::Direncanakan), S::Dihentikan, C::Stop, advocates, &[Req::Reason]),
            row(Some(S::Berlangsung), S::Dihentikan, C::Stop, advocates, &[Req::Reason]),
        ],
        vec![S::Berhasil, S::TidakBerhasil, S::Dihentikan],
    )
}

/// The closed-loop referral of the HL7 SDOH referral Task \[R: peers.md §2\],
/// with the LK3's names: draf, dikirim (requested), diterima (accepted),
/// diproses (in-progress), ditunda (on-hold), selesai, gagal, ditolak,
/// dibatalkan, salah catat (entered-in-error). Every edge of the SDOHCC
/// referral Task diagram is a row, and SDOHCC's split of who sets which
/// status holds: the requester (the LK3's referrers) drafts, sends and voids;
/// the performer (the partner, or LK3 staff recording for it) accepts,
/// rejects, starts, holds, fails and completes; either side cancels. A
/// partner's staff act only on their own partner's referrals. One row
/// more than the diagram \[I\]: a draft never sent can be cancelled.
pub(crate) fn rujukan() -> ServiceTable {
    let complete: &[Req] = &[Req::PartnerFeedback, Req::OverrideReviewed, Req::OwnReferral];
    let mut rows = vec![
        row(None, S::Draf, C::Open, REFERRERS, &[Req::KnownReference]),
        row(Some(S::Draf), S::Dikirim, C::Send, REFERRERS, &[Req::ConsentToDisclose]),
        row(Some(S::Dikirim), S::Diterima, C::Accept, PARTNER_SIDE, &[Req::OwnReferral]),
        row(Some(S::Dikirim), S::Ditolak, C::Reject, PARTNER_SIDE, &[Req::Reason, Req::OwnReferral]),
        row(Some(S::Diterima), S::Diproses, C::Process, PARTNER_SIDE, &[Req::OwnReferral]),
        row(Some(S::Ditunda), S::Diproses, C::Resume, PARTNER_SIDE, &[Req::OwnReferral]),
    ];
    // Accepted, in progress or on hold, the partner may hold, complete or fail it.
    for from in [S::Diterima, S::Diproses, S::Ditunda] {
        if from != S::Ditunda {
            rows.push(row(Some(from), S::Ditunda, C::Postpone, PARTNER_SIDE, &[Req::Reason, Req::OwnReferral]));
        }
        rows.push(row(Some(from), S::Selesai, C::Complete, PARTNER_SIDE, complete));
        rows.push(row(Some(from), S::Gagal, C::Fail, PARTNER_SIDE, &[Req::Reason, Req::OwnReferral]));
    }
    // Any open referral can be cancelled, by the LK3 or the partner, with a reason.
    for from in [S::Draf, S::Dikirim, S::Diterima, S::Diproses, S::Ditunda] {
        rows.push(row(Some(from), S::Dibatalkan, C::Cancel, PARTNER_SIDE, &[Req::Reason, Req::OwnReferral]));
    }
    // An emergency sending's consent override is approved by a second person.
    for from in [S::Dikirim, S::Diterima, S::Diproses, S::Ditunda] {
        rows.push(row(Some(from), from, C::ApproveOverride, &[R::Ketua, R::PenanggungJawab], &[Req::SecondPerson]));
    }
    // A referral recorded in error is voided by the referrer, from any state,
    // ended or not (FHIR: any -> entered-in-error); its events stay.
    for from in
        [S::Draf, S::Dikirim, S::Diterima, S::Diproses, S::Ditunda, S::Selesai, S::Gagal, S::Ditolak, S::Dibatalkan]
    {
        rows.push(row(Some(from), S::SalahCatat, C::Void, REFERRERS, &[Req::Reason]));
    }
    Table::new(rows, vec![S::Selesai, S::Gagal, S::Ditolak, S::Dibatalkan, S::SalahCatat])
}

/// How long a partner has to answer a referral when the sender sets no
/// deadline: three days [I: a working-week rhythm; DESIGN §6 asks for a
/// deadline, no source sets one].
pub const RESPONSE_TIME_DAYS: i64 = 3;

/// The five services, in presentation order.
pub fn services() -> Vec<ServiceSpec> {
    let spec = |kind, table, partner, resolves_contact, source: &str| ServiceSpec {
        kind,
        table,
        partner,
        resolves_contact,
        response_time: partner.then(|| Duration::days(RESPONSE_TIME_DAYS)),
        source: source.to_owned(),
    };
    const LIST: &str = "[R: domain.md §4, S5] the 16/2013 model's service list";
    vec![
        spec(ServiceKind::Informasi, informasi(), false, true, LIST),
        spec(ServiceKind::Konsultasi, konsultasi(), false, true, LIST),
        spec(ServiceKind::Konseling, konseling(), false, false, LIST),
        spec(ServiceKind::Advokasi, advokasi(), false, false, LIST),
        spec(
            ServiceKind::Rujukan,
            rujukan(),
            true,
            false,
            "[R: domain.md §4, S5]; closed loop per the HL7 SDOH referral Task [R: peers.md §2]",
        ),
    ]
}
