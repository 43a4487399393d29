//! The case lifecycle of `permensos-16-2013` (DESIGN §5).
//!
//! What is read in a source and what is our reading of practice is tagged as in
//! `shared/research/domain.md`. The stage list and its order come from the
//! generalist process and PP 39/2012 Pasal 7(2) \[R: §5\]; the LK3 structure
//! (ketua, sekretaris, tenaga profesional) from the Permensos 16/2013 model as
//! copied in Perda Tasikmalaya 8/2015 Pasal 21 \[R: §6\]; who performs each
//! step is our reading of practice \[I: §5 table "Performer"\]; the emergency
//! route and the second-person approvals are design decisions (DESIGN §5, §7).

use crate::label::Labelled;
use crate::rules::{CaseRequirement as Req, CaseTable, Table, Transition};
use crate::vocab::{CaseCommandKind as C, Role as R, Stage as S};

/// Social worker, counsellor, psychologist: the case workers.
const CASEWORKERS: &[R] = &[R::PekerjaSosial, R::Konselor, R::Psikolog];

fn row(from: Option<S>, to: S, command: C, roles: &[R], requires: &[Req]) -> Transition {
    Transition::new(from, to, command, roles, requires)
}

/// Builds the table. Order: the main path first, then branches, then the
/// rows that repeat across stages. Permensos 25/2017 keeps this lifecycle
/// (its stage list was not read either, domain.md §8): it builds on these rows.
pub fn table() -> CaseTable {
    Table::new(rows(), vec![S::Ditutup])
}

/// The rows of [`table`].
pub fn rows() -> Vec<Transition> {
    // Every step of the work itself needs every client's consent to services
    // in force: a withdrawal stops the work from then on (UU 27/2022 [R: S28]).
    const WORK: &[Req] = &[Req::ConsentToServices, Req::GuardianForChild];
    // Assessing needs the assessment purpose as well (DESIGN §7: consent names its purposes).
    const ASSESS: &[Req] = &[Req::ConsentToServices, Req::ConsentToAssessment, Req::GuardianForChild];
    let mut t = vec![
        // A contact is recorded by whoever receives it, including a volunteer on the hotline.
        row(
            None,
            S::Kontak,
            C::RecordContact,
            &[R::Sekretaris, R::PekerjaSosial, R::Konselor, R::Psikolog, R::Ketua, R::Relawan],
            &[],
        ),
        // The secretary keeps the register [R: S10, S19].
        row(Some(S::Kontak), S::Registrasi, C::Register, &[R::Sekretaris, R::PekerjaSosial, R::Ketua], &[]),
        // One-off informasi or konsultasi closes the contact and still counts in reports.
        row(
            Some(S::Kontak),
            S::Ditutup,
            C::ResolveOnSpot,
            &[R::PekerjaSosial, R::Konselor, R::Psikolog, R::Ketua, R::TenagaProfesional],
            &[Req::ReferralsEnded],
        ),
        row(Some(S::Registrasi), S::PendekatanAwal, C::StartEngagement, CASEWORKERS, &[]),
        // The written agreement needs consent, a child's with a guardian [R: S17; UU 27/2022 Pasal 25].
        row(Some(S::PendekatanAwal), S::Kontrak, C::AgreeContract, CASEWORKERS, WORK),
        row(
            Some(S::PendekatanAwal),
            S::Ditutup,
            C::DeclineService,
            &[R::PekerjaSosial, R::Konselor, R::Psikolog, R::Ketua],
            &[Req::Reason, Req::ReferralsEnded],
        ),
        row(
            Some(S::Kontrak),
            S::Ditutup,
            C::DeclineService,
            &[R::PekerjaSosial, R::Konselor, R::Psikolog, R::Ketua],
            &[Req::Reason, Req::ReferralsEnded],
        ),
        row(Some(S::Kontrak), S::Asesmen, C::StartAssessment, &[R::PekerjaSosial, R::Psikolog], ASSESS),
        row(Some(S::Asesmen), S::RencanaIntervensi, C::CompleteAssessment, &[R::PekerjaSosial, R::Psikolog], ASSESS),
        row(Some(S::RencanaIntervensi), S::RencanaIntervensi, C::ProposePlan, CASEWORKERS, WORK),
        // The ketua decides [R: S10]; never the plan's own author.
        row(
            Some(S::RencanaIntervensi),
            S::Intervensi,
            C::ApprovePlan,
            &[R::Ketua],
            &[Req::PlanProposed, Req::SecondPerson, Req::ConsentToServices, Req::GuardianForChild],
        ),
        row(Some(S::Intervensi), S::Evaluasi, C::BeginEvaluation, &[R::PekerjaSosial], &[Req::PlannedServicesClosed]),
        row(Some(S::Evaluasi), S::Asesmen, C::Reassess, &[R::PekerjaSosial, R::Psikolog], ASSESS),
        row(Some(S::Evaluasi), S::RencanaIntervensi, C::Replan, &[R::PekerjaSosial], WORK),
        row(Some(S::Terminasi), S::BimbinganLanjut, C::StartAftercare, &[R::PekerjaSosial], &[]),
        // Closure needs the ketua's approval, by someone other than who terminated.
        // The penanggung jawab may approve too, so that a case the ketua
        // terminated can still be closed by a second person [I].
        row(
            Some(S::Terminasi),
            S::Ditutup,
            C::ApproveClosure,
            &[R::Ketua, R::PenanggungJawab],
            &[Req::SecondPerson, Req::ReferralsEnded],
        ),
        row(
            Some(S::BimbinganLanjut),
            S::Ditutup,
            C::ApproveClosure,
            &[R::Ketua, R::PenanggungJawab],
            &[Req::SecondPerson, Req::ReferralsEnded],
        ),
        row(Some(S::BimbinganLanjut), S::Asesmen, C::ReportRelapse, &[R::PekerjaSosial], ASSESS),
        // Reopening makes the client a continuing one (klien binaan lanjutan) [R: S9];
        // only a case that was served can be reopened, and only with consent in force.
        row(
            Some(S::Ditutup),
            S::Asesmen,
            C::Reopen,
            &[R::PekerjaSosial, R::Ketua],
            &[
                Req::Reason,
                Req::ClosedAfterService,
                Req::ConsentToServices,
                Req::ConsentToAssessment,
                Req::GuardianForChild,
            ],
        ),
    ];
    // Any active stage may be terminated with a reason; "goals met" only after evaluation.
    // A case is neither terminated nor closed (any way into ditutup) with a
    // referral open: the LK3 cancels each with a reason, or records the
    // partner's answer, first, so that no partner is left working on (and no
    // overdue list keeps) a case the LK3 has ended [I: issue 14].
    for from in
        [S::Kontak, S::Registrasi, S::PendekatanAwal, S::Kontrak, S::Asesmen, S::RencanaIntervensi, S::Intervensi]
    {
        t.push(row(
            Some(from),
            S::Terminasi,
            C::Terminate,
            &[R::PekerjaSosial, R::Ketua],
            &[Req::Reason, Req::GoalsMetOnlyAfterEvaluation, Req::ReferralsEnded],
        ));
    }
    t.push(row(
        Some(S::Evaluasi),
        S::Terminasi,
        C::Terminate,
        &[R::PekerjaSosial, R::Ketua],
        &[Req::Reason, Req::ReferralsEnded],
    ));
    // Consent can be recorded or withdrawn once the clients are registered
    // (every stage after kontak), also in a closed case (a new consent
    // before reopening it).
    for s in S::ALL.iter().copied().filter(|s| *s != S::Kontak) {
        t.push(row(
            Some(s),
            s,
            C::RecordConsent,
            &[R::PekerjaSosial, R::Konselor, R::Psikolog, R::Ketua],
            &[Req::KnownReference, Req::GuardianForChild],
        ));
        t.push(row(
            Some(s),
            s,
            C::WithdrawConsent,
            &[R::PekerjaSosial, R::Konselor, R::Psikolog, R::Ketua, R::Sekretaris],
            &[Req::KnownReference],
        ));
    }
    // Services run inside the case in every stage but a closed one; each
    // step is then decided by the service's own machine (crate::service).
    // Before the contract only what needs no consent to services is possible
    // (an informasi or konsultasi for a contact); from the contract on, a
    // step that carries a service on needs that consent in force, and a
    // referral's its disclosure consent too, while a step that ends a service
    // needs none: after a withdrawal the LK3 cancels, or the partner ends,
    // each open referral (UU 27/2022 [R: S28]; issue 14 [I]).
    let service_openers =
        &[R::PekerjaSosial, R::Konselor, R::Psikolog, R::TenagaProfesional, R::Ketua, R::Sekretaris, R::Relawan];
    let service_steppers = &[
        R::PekerjaSosial,
        R::Konselor,
        R::Psikolog,
        R::TenagaProfesional,
        R::Ketua,
        R::PenanggungJawab,
        R::Sekretaris,
        R::Relawan,
        R::Mitra,
    ];
    for s in [S::Kontak, S::Registrasi, S::PendekatanAwal] {
        t.push(row(Some(s), s, C::OpenService, service_openers, &[]));
        t.push(row(Some(s), s, C::ServiceStep, service_steppers, &[Req::KnownReference]));
    }
    for s in
        [S::Kontrak, S::Asesmen, S::RencanaIntervensi, S::Intervensi, S::Evaluasi, S::Terminasi, S::BimbinganLanjut]
    {
        t.push(row(Some(s), s, C::OpenService, service_openers, WORK));
        t.push(row(Some(s), s, C::ServiceStep, service_steppers, &[Req::KnownReference, Req::ConsentToContinue]));
    }
    // Material aid during and after the intervention, recorded by the
    // worker, the ketua or the treasurer who pays it out [I].
    for s in [S::Intervensi, S::Evaluasi, S::BimbinganLanjut] {
        t.push(row(
            Some(s),
            s,
            C::RecordAid,
            &[R::PekerjaSosial, R::Ketua, R::Bendahara],
            &[Req::KnownReference, Req::ConsentToServices, Req::GuardianForChild],
        ));
    }
    // The ketua (or the penanggung jawab) hands a case to another worker
    // once one is in charge, until it closes (issue 15 [I]: Primero's
    // reassignment, OSCaR's transfer between caseworkers).
    for s in [
        S::PendekatanAwal,
        S::Kontrak,
        S::Asesmen,
        S::RencanaIntervensi,
        S::Intervensi,
        S::Evaluasi,
        S::Terminasi,
        S::BimbinganLanjut,
    ] {
        t.push(row(Some(s), s, C::AssignWorker, &[R::Ketua, R::PenanggungJawab], &[Req::Reason]));
        // Over the same span, the holding unit's ketua may hand the case to
        // another LK3 unit (a family that moves, a service only another unit
        // runs); only the receiving unit's ketua answers (issue 15 [I]:
        // Primero's transfer, accepted or rejected by the receiving side).
        t.push(row(Some(s), s, C::TransferCase, &[R::Ketua, R::PenanggungJawab], &[Req::Reason]));
        t.push(row(Some(s), s, C::AcceptTransfer, &[R::Ketua, R::PenanggungJawab], &[Req::ReceivingUnitStaff]));
        t.push(row(
            Some(s),
            s,
            C::RefuseTransfer,
            &[R::Ketua, R::PenanggungJawab],
            &[Req::Reason, Req::ReceivingUnitStaff],
        ));
    }
    // Emergency: a protective referral from any stage but a closed one (reopen
    // it first), before consent, by a peksos or the ketua, with a reason;
    // flagged in the audit.
    // Its response and outcome follow the referral service's own machine
    // from `dikirim` (issue 14 [I]), recorded while the case is open, by the
    // partner's staff or LK3 staff for it; no consent is asked (a partner's
    // answer is never blocked, and the emergency rests on no consent), and an
    // unanswered emergency handover does not hold the case open.
    for s in S::ALL.iter().copied().filter(|s| *s != S::Ditutup) {
        t.push(row(Some(s), s, C::SendProtectiveReferral, &[R::PekerjaSosial, R::Ketua], &[Req::Reason]));
        t.push(row(Some(s), s, C::ProtectiveReferralStep, service_steppers, &[Req::KnownReference]));
        // Notes and documents (a scanned consent, a referral letter, a photo
        // of aid handed over) are kept by the case staff who write or receive
        // them, the secretary who files them included, while the case is open
        // (issue 15 [I]); the clients they are about must be the case's. How
        // secret each is and who reads it is the access table's
        // (lk3_core::access), not the case's.
        let keepers = &[R::PekerjaSosial, R::Ketua, R::Konselor, R::Psikolog, R::Sekretaris];
        t.push(row(Some(s), s, C::AddNote, keepers, &[Req::KnownReference]));
        t.push(row(Some(s), s, C::AddAttachment, keepers, &[Req::KnownReference]));
        // A client's role is set or changed once the case has clients; making
        // a child's guardian the perpetrator is refused (issue 15 [I]: a
        // perpetrator is never a child's guardian in the case).
        if s != S::Kontak {
            t.push(row(
                Some(s),
                s,
                C::SetClientRole,
                &[R::PekerjaSosial, R::Ketua, R::Sekretaris],
                &[Req::KnownReference, Req::GuardianForChild],
            ));
        }
    }
    t
}
