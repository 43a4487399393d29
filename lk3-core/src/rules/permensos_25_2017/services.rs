//! The in-case services of `permensos-25-2017`.
//!
//! Dinas Sosial statements quoting 25/2017 list what families are served
//! with: informasi, konsultasi, advokasi, pendampingan, pembelajaran,
//! perlindungan and rujukan \[R: S6\]. Konseling is not in that list, but the
//! post-2017 framing is "penanganan psikososial di dalam keluarga"
//! \[R: S13, S14\], of which counselling is the core: it stays \[I\]. The machines
//! of the services 16/2013 had are unchanged \[I\]; the three new ones are
//! below, each state and row tagged.

use crate::rules::permensos_16_2013::services as v16;
use crate::rules::{Row, ServiceRequirement as Req, ServiceSpec, ServiceTable, Table};
use crate::vocab::{Role as R, ServiceCommandKind as C, ServiceKind, ServiceState as S};

const LIST: &str = "[R: S6] named among the services of Permensos 25/2017";

fn row(from: Option<S>, to: S, command: C, roles: &[R], requires: &[Req], source: &str) -> Row<S, C, Req> {
    Row::new(from, to, command, roles, requires).tagged(source)
}

/// Pendampingan: accompanying a client or family through a process over
/// several meetings (to the police, the court, a hospital, a school, at home).
pub fn pendampingan() -> ServiceTable {
    // [R: S7, S9] "perlindungan dan pendampingan" in the pre-2013 LK3 wording; [R: S6] in 25/2017's list.
    let w = v16::WORKERS;
    let i = "[I] the helping process's planned, under way, finished or stopped states";
    Table::new(
        vec![
            row(None, S::Direncanakan, C::Open, w, &[], LIST),
            // Each accompaniment is a meeting counted like a session; the first starts it [I].
            row(Some(S::Direncanakan), S::Berlangsung, C::HoldSession, w, &[], "[I] the first accompaniment starts it"),
            row(Some(S::Berlangsung), S::Berlangsung, C::HoldSession, w, &[], "[I] each accompaniment counted"),
            row(Some(S::Berlangsung), S::Ditunda, C::Postpone, w, &[Req::Reason], i),
            row(Some(S::Ditunda), S::Berlangsung, C::Resume, w, &[], i),
            row(
                Some(S::Berlangsung),
                S::Selesai,
                C::Complete,
                w,
                &[Req::AtLeastOneSession],
                "[I] finished after at least one accompaniment",
            ),
            row(Some(S::Direncanakan), S::Dihentikan, C::Stop, w, &[Req::Reason], i),
            row(Some(S::Berlangsung), S::Dihentikan, C::Stop, w, &[Req::Reason], i),
            row(Some(S::Ditunda), S::Dihentikan, C::Stop, w, &[Req::Reason], i),
        ],
        vec![S::Selesai, S::Dihentikan],
    )
    .with_state_sources(&[
        (S::Direncanakan, i),
        (S::Berlangsung, i),
        (S::Ditunda, i),
        (S::Selesai, i),
        (S::Dihentikan, i),
    ])
}

/// Perlindungan: measures that keep a client safe (a safety plan, a safe
/// placement, an escort), decided and ended by a social worker or the ketua.
pub fn perlindungan() -> ServiceTable {
    // [R: S8] the LK3's fungsi perlindungan: consultation and advocacy against
    // pressure, threats and violence; [R: S6] in 25/2017's list.
    let deciders = &[R::PekerjaSosial, R::Ketua];
    let carriers = &[R::PekerjaSosial, R::Ketua, R::TenagaProfesional];
    let i = "[I] protection in place until the risk is over, or stopped with a reason";
    Table::new(
        vec![
            row(None, S::Direncanakan, C::Open, deciders, &[], LIST),
            row(Some(S::Direncanakan), S::Berlangsung, C::Start, deciders, &[], i),
            row(
                Some(S::Berlangsung),
                S::Berlangsung,
                C::RecordAction,
                carriers,
                &[],
                "[I] escorts, placements and letters recorded",
            ),
            row(Some(S::Berlangsung), S::Selesai, C::Complete, deciders, &[], i),
            row(Some(S::Direncanakan), S::Dihentikan, C::Stop, deciders, &[Req::Reason], i),
            row(Some(S::Berlangsung), S::Dihentikan, C::Stop, deciders, &[Req::Reason], i),
        ],
        vec![S::Selesai, S::Dihentikan],
    )
    .with_state_sources(&[(S::Direncanakan, i), (S::Berlangsung, i), (S::Selesai, i), (S::Dihentikan, i)])
}

/// Pembelajaran: family learning sessions (psychoeducation, parenting),
/// scheduled, held one or more times, then finished.
pub fn pembelajaran() -> ServiceTable {
    let w = v16::WORKERS;
    let i = "[I] a series of learning sessions: scheduled, under way, finished, cancelled or stopped";
    Table::new(
        vec![
            row(None, S::Dijadwalkan, C::Open, w, &[], LIST),
            row(Some(S::Dijadwalkan), S::Berlangsung, C::HoldSession, w, &[], i),
            row(Some(S::Berlangsung), S::Berlangsung, C::HoldSession, w, &[], i),
            row(Some(S::Berlangsung), S::Selesai, C::Complete, w, &[Req::AtLeastOneSession], i),
            row(Some(S::Dijadwalkan), S::Dibatalkan, C::Cancel, w, &[Req::Reason], i),
            row(Some(S::Berlangsung), S::Dihentikan, C::Stop, w, &[Req::Reason], i),
        ],
        vec![S::Selesai, S::Dibatalkan, S::Dihentikan],
    )
    .with_state_sources(&[
        (S::Dijadwalkan, i),
        (S::Berlangsung, i),
        (S::Selesai, i),
        (S::Dibatalkan, i),
        (S::Dihentikan, i),
    ])
}

/// The services, in the order of the quoted list, konseling after konsultasi.
pub fn services() -> Vec<ServiceSpec> {
    let kept: Vec<ServiceSpec> = v16::services()
        .into_iter()
        .map(|s| {
            let source = match s.kind {
                ServiceKind::Konseling => {
                    "[I] not in the quoted list [R: S6]; kept as the core of psychosocial handling [R: S13, S14]"
                }
                _ => LIST,
            };
            ServiceSpec { source: source.to_owned(), ..s }
        })
        .collect();
    let of = |kind| kept.iter().find(|s| s.kind == kind).cloned();
    let new = |kind, table| ServiceSpec {
        kind,
        table,
        partner: false,
        resolves_contact: false,
        response_time: None,
        source: LIST.to_owned(),
    };
    [
        of(ServiceKind::Informasi),
        of(ServiceKind::Konsultasi),
        of(ServiceKind::Konseling),
        of(ServiceKind::Advokasi),
        Some(new(ServiceKind::Pendampingan, pendampingan())),
        Some(new(ServiceKind::Pembelajaran, pembelajaran())),
        Some(new(ServiceKind::Perlindungan, perlindungan())),
        of(ServiceKind::Rujukan),
    ]
    .into_iter()
    .flatten()
    .collect()
}
