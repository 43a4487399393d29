//! The service machines of each rule set.

use std::sync::LazyLock;

use chrono::Duration;

use super::{ServiceCommandKind as C, ServiceState as S};
use crate::rules::export::{MachineExport, machine};
use crate::rules::{Row, RuleSetId, ServiceRequirement as Req, Table};
use crate::vocab::{Role as R, ServiceKind};

/// A service's state machine.
pub type ServiceTable = Table<S, C, Req>;

/// Case workers who deliver services.
const WORKERS: &[R] = &[R::PekerjaSosial, R::Konselor, R::Psikolog, R::TenagaProfesional];
/// LK3 staff who decide on referrals.
const REFERRERS: &[R] = &[R::PekerjaSosial, R::Ketua];
/// Who records a partner's step: the partner's own staff, or LK3 staff on its behalf.
const PARTNER_SIDE: &[R] = &[R::Mitra, R::PekerjaSosial, R::Ketua];

fn row(from: Option<S>, to: S, command: C, roles: &[R], requires: &[Req]) -> Row<S, C, Req> {
    Row::new(from, to, command, roles, requires)
}

fn informasi() -> ServiceTable {
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

fn konsultasi() -> ServiceTable {
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

fn konseling() -> ServiceTable {
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

fn advokasi() -> ServiceTable {
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

/// The closed-loop referral of the HL7 SDOH referral Task [R: peers.md §2],
/// with the LK3's names: draf, dikirim (requested), diterima (accepted),
/// diproses (in-progress), ditunda (on-hold), selesai, gagal, ditolak,
/// dibatalkan.
fn rujukan() -> ServiceTable {
    let mut rows = vec![
        row(None, S::Draf, C::Open, REFERRERS, &[Req::KnownReference]),
        row(Some(S::Draf), S::Dikirim, C::Send, REFERRERS, &[Req::ConsentToDisclose]),
        row(Some(S::Dikirim), S::Diterima, C::Accept, PARTNER_SIDE, &[]),
        row(Some(S::Dikirim), S::Ditolak, C::Reject, PARTNER_SIDE, &[Req::Reason]),
        row(Some(S::Diterima), S::Diproses, C::Process, PARTNER_SIDE, &[]),
        row(Some(S::Diproses), S::Ditunda, C::Postpone, PARTNER_SIDE, &[Req::Reason]),
        row(Some(S::Ditunda), S::Diproses, C::Resume, PARTNER_SIDE, &[]),
        row(Some(S::Diproses), S::Selesai, C::Complete, PARTNER_SIDE, &[Req::PartnerFeedback, Req::OverrideReviewed]),
        row(Some(S::Diproses), S::Gagal, C::Fail, PARTNER_SIDE, &[Req::Reason]),
        row(Some(S::Ditunda), S::Gagal, C::Fail, PARTNER_SIDE, &[Req::Reason]),
    ];
    // Any open referral can be cancelled, by the LK3 or the partner, with a reason.
    for from in [S::Draf, S::Dikirim, S::Diterima, S::Diproses, S::Ditunda] {
        rows.push(row(Some(from), S::Dibatalkan, C::Cancel, PARTNER_SIDE, &[Req::Reason]));
    }
    // An emergency sending's consent override is approved by a second person.
    for from in [S::Dikirim, S::Diterima, S::Diproses, S::Ditunda] {
        rows.push(row(Some(from), from, C::ApproveOverride, &[R::Ketua, R::PenanggungJawab], &[Req::SecondPerson]));
    }
    Table::new(rows, vec![S::Selesai, S::Gagal, S::Ditolak, S::Dibatalkan])
}

/// The five in-case services, in presentation order.
const KINDS: [ServiceKind; 5] = [
    ServiceKind::Informasi,
    ServiceKind::Konsultasi,
    ServiceKind::Konseling,
    ServiceKind::Advokasi,
    ServiceKind::Rujukan,
];

struct Machines {
    informasi: ServiceTable,
    konsultasi: ServiceTable,
    konseling: ServiceTable,
    advokasi: ServiceTable,
    rujukan: ServiceTable,
}

static PERMENSOS_16_2013: LazyLock<Machines> = LazyLock::new(|| Machines {
    informasi: informasi(),
    konsultasi: konsultasi(),
    konseling: konseling(),
    advokasi: advokasi(),
    rujukan: rujukan(),
});

/// The machine of a service under a rule set. Penjangkauan is not a service
/// inside a case ([`crate::outreach`]); asking for it yields informasi's
/// table, which has no row for any case step of outreach.
pub fn table(rule_set: RuleSetId, kind: ServiceKind) -> &'static ServiceTable {
    let m: &Machines = match rule_set {
        RuleSetId::Permensos16_2013 => &PERMENSOS_16_2013,
    };
    match kind {
        ServiceKind::Informasi | ServiceKind::Penjangkauan => &m.informasi,
        ServiceKind::Konsultasi => &m.konsultasi,
        ServiceKind::Konseling => &m.konseling,
        ServiceKind::Advokasi => &m.advokasi,
        ServiceKind::Rujukan => &m.rujukan,
    }
}

/// How long a partner has to answer a referral when the sender sets no
/// deadline: three days [I: a working-week rhythm; DESIGN §6 asks for a
/// deadline, no source sets one].
pub fn default_response_time(rule_set: RuleSetId) -> Duration {
    match rule_set {
        RuleSetId::Permensos16_2013 => Duration::days(3),
    }
}

/// The five in-case service machines, exported, named by their service id.
pub fn machine_exports(rule_set: RuleSetId) -> Vec<MachineExport> {
    use crate::label::Labelled;
    KINDS.iter().map(|k| machine(k.id(), table(rule_set, *k))).collect()
}
