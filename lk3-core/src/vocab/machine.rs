//! The names of every machine's states and commands: the columns of a rule
//! set's tables ([`crate::rules`]). They live here, below the rules, so that
//! a rule set depends on the vocabulary only, never on the machines that
//! enforce it.

use crate::label::labelled_enum;

labelled_enum! {
    /// The name of a case command, as used in the rule-set table, in errors
    /// and as the `type` tag of [`crate::case::CaseCommand`] in JSON.
    pub enum CaseCommandKind {
        /// Open a case from a contact.
        RecordContact = ("record_contact", "Catat kontak / pengaduan", "Record a contact"),
        /// Register the case and its clients.
        Register = ("register", "Registrasi", "Register"),
        /// Resolve a contact on the spot with one informasi or konsultasi.
        ResolveOnSpot = ("resolve_on_spot", "Selesai di tempat", "Resolve on the spot"),
        /// Start the first engagement.
        StartEngagement = ("start_engagement", "Mulai pendekatan awal", "Start engagement"),
        /// Record a consent.
        RecordConsent = ("record_consent", "Catat persetujuan", "Record consent"),
        /// Withdraw a consent.
        WithdrawConsent = ("withdraw_consent", "Cabut persetujuan", "Withdraw consent"),
        /// Make the service agreement.
        AgreeContract = ("agree_contract", "Sepakati kontrak layanan", "Agree the service contract"),
        /// Close without service: not eligible or refused.
        DeclineService = ("decline_service", "Tutup tanpa layanan", "Decline service"),
        /// Start the assessment.
        StartAssessment = ("start_assessment", "Mulai asesmen", "Start assessment"),
        /// Complete the assessment.
        CompleteAssessment = ("complete_assessment", "Selesaikan asesmen", "Complete assessment"),
        /// Propose an intervention plan.
        ProposePlan = ("propose_plan", "Ajukan rencana intervensi", "Propose a plan"),
        /// Approve the proposed plan (the ketua, not the plan's author).
        ApprovePlan = ("approve_plan", "Setujui rencana intervensi", "Approve the plan"),
        /// Open a service instance (informasi, konsultasi, konseling, advokasi, rujukan).
        OpenService = ("open_service", "Buka layanan", "Open a service"),
        /// Take a step of a service instance, checked against the service's own machine.
        ServiceStep = ("service_step", "Langkah layanan", "Service step"),
        /// Record material aid given to a client.
        RecordAid = ("record_aid", "Catat bantuan", "Record aid"),
        /// Begin the evaluation.
        BeginEvaluation = ("begin_evaluation", "Mulai evaluasi", "Begin evaluation"),
        /// Go back to assessment after evaluation.
        Reassess = ("reassess", "Asesmen ulang", "Re-assess"),
        /// Go back to planning after evaluation.
        Replan = ("replan", "Susun ulang rencana", "Re-plan"),
        /// Terminate with a reason.
        Terminate = ("terminate", "Terminasi", "Terminate"),
        /// Start aftercare.
        StartAftercare = ("start_aftercare", "Mulai bimbingan lanjut", "Start aftercare"),
        /// Approve closure (the ketua, not who terminated).
        ApproveClosure = ("approve_closure", "Setujui penutupan kasus", "Approve closure"),
        /// Report a relapse during aftercare.
        ReportRelapse = ("report_relapse", "Laporkan kekambuhan", "Report a relapse"),
        /// Reopen a closed case with a reason.
        Reopen = ("reopen", "Buka kembali kasus", "Reopen"),
        /// Send an emergency protective referral.
        SendProtectiveReferral = ("send_protective_referral", "Kirim rujukan perlindungan darurat", "Send a protective referral"),
        /// Hand the case to another worker (the ketua), with a reason.
        AssignWorker = ("assign_worker", "Tetapkan pekerja sosial kasus", "Assign the case's worker"),
        /// Record a step of a protective referral: the partner's response and outcome, by the referral's own table.
        ProtectiveReferralStep = ("protective_referral_step", "Catat langkah rujukan perlindungan", "Record a protective referral step"),
        /// Ask another LK3 unit to take the case over (the holding unit's ketua), with a reason.
        TransferCase = ("transfer_case", "Alihkan kasus ke unit lain", "Transfer the case to another unit"),
        /// Take over a case transferred to the unit (its ketua), naming the worker in charge.
        AcceptTransfer = ("accept_transfer", "Terima pengalihan kasus", "Accept the case's transfer"),
        /// Refuse a case transferred to the unit (its ketua), with a reason.
        RefuseTransfer = ("refuse_transfer", "Tolak pengalihan kasus", "Refuse the case's transfer"),
        /// Keep a note with the case: its digest in the personal data store and how secret it is.
        AddNote = ("add_note", "Tambah catatan kasus", "Add a case note"),
        /// Attach a document to the case: its digest, size, type and how secret it is.
        AddAttachment = ("add_attachment", "Lampirkan dokumen", "Attach a document"),
        /// Set or change a client's role in the case.
        SetClientRole = ("set_client_role", "Tetapkan peran klien", "Set a client's role"),
    }
}

labelled_enum! {
    /// A state of a service instance. The ids are those of DESIGN §6; states
    /// with the same meaning share an id across services (`selesai`,
    /// `dibatalkan` ...). Which states a service uses is its table's business.
    pub enum ServiceState {
        /// Informasi: asked for.
        Diminta = ("diminta", "Diminta", "Requested"),
        /// Informasi: given.
        Diberikan = ("diberikan", "Diberikan", "Given"),
        /// Informasi: not available.
        TidakTersedia = ("tidak_tersedia", "Tidak tersedia", "Not available"),
        /// Konsultasi: scheduled.
        Dijadwalkan = ("dijadwalkan", "Dijadwalkan", "Scheduled"),
        /// Konsultasi: held.
        Dilaksanakan = ("dilaksanakan", "Dilaksanakan", "Held"),
        /// Konsultasi: the client did not come.
        TidakHadir = ("tidak_hadir", "Tidak hadir", "No-show"),
        /// Konseling, advokasi: planned.
        Direncanakan = ("direncanakan", "Direncanakan", "Planned"),
        /// Konseling, advokasi: under way.
        Berlangsung = ("berlangsung", "Berlangsung", "In progress"),
        /// Konseling, rujukan: on hold.
        Ditunda = ("ditunda", "Ditunda", "On hold"),
        /// Konseling: stopped before its end.
        Dihentikan = ("dihentikan", "Dihentikan", "Stopped"),
        /// Advokasi: succeeded.
        Berhasil = ("berhasil", "Berhasil", "Succeeded"),
        /// Advokasi: did not succeed.
        TidakBerhasil = ("tidak_berhasil", "Tidak berhasil", "Did not succeed"),
        /// Rujukan: drafted, not yet sent.
        Draf = ("draf", "Draf", "Draft"),
        /// Rujukan: sent to the partner.
        Dikirim = ("dikirim", "Dikirim", "Sent"),
        /// Rujukan: accepted by the partner.
        Diterima = ("diterima", "Diterima", "Accepted"),
        /// Rujukan: being handled by the partner.
        Diproses = ("diproses", "Diproses", "In progress at the partner"),
        /// Rujukan: refused by the partner.
        Ditolak = ("ditolak", "Ditolak", "Rejected"),
        /// Rujukan: failed.
        Gagal = ("gagal", "Gagal", "Failed"),
        /// Konsultasi, konseling, rujukan: finished.
        Selesai = ("selesai", "Selesai", "Completed"),
        /// Konsultasi, rujukan: cancelled.
        Dibatalkan = ("dibatalkan", "Dibatalkan", "Cancelled"),
        /// Rujukan: voided, recorded in error (FHIR `entered-in-error`); the
        /// events stay, the referral counts for nothing.
        SalahCatat = ("salah_catat", "Salah catat", "Entered in error"),
    }
}

labelled_enum! {
    /// The name of a service step, as used in the service tables and as the
    /// `type` tag of [`crate::service::ServiceCommand`].
    pub enum ServiceCommandKind {
        /// Open the service (the `open_service` case command).
        Open = ("open", "Buka layanan", "Open"),
        /// Informasi: give it.
        Provide = ("provide", "Berikan informasi", "Provide"),
        /// Informasi: not available.
        MarkUnavailable = ("mark_unavailable", "Nyatakan tidak tersedia", "Mark unavailable"),
        /// Konsultasi, konseling: hold a session.
        HoldSession = ("hold_session", "Laksanakan sesi", "Hold a session"),
        /// Konsultasi: the client did not come.
        MarkNoShow = ("mark_no_show", "Catat tidak hadir", "Mark no-show"),
        /// Konsultasi: schedule again after a no-show.
        Reschedule = ("reschedule", "Jadwalkan ulang", "Reschedule"),
        /// Finish the service.
        Complete = ("complete", "Selesaikan", "Complete"),
        /// Cancel with a reason.
        Cancel = ("cancel", "Batalkan", "Cancel"),
        /// Put on hold with a reason.
        Postpone = ("postpone", "Tunda", "Put on hold"),
        /// Resume after a hold.
        Resume = ("resume", "Lanjutkan", "Resume"),
        /// Stop before the end, with a reason.
        Stop = ("stop", "Hentikan", "Stop"),
        /// Advokasi: start.
        Start = ("start", "Mulai", "Start"),
        /// Advokasi: record an action (mediation, letter, accompaniment).
        RecordAction = ("record_action", "Catat tindakan advokasi", "Record an action"),
        /// Advokasi: succeeded.
        Succeed = ("succeed", "Nyatakan berhasil", "Succeed"),
        /// Advokasi, rujukan: failed, with a reason.
        Fail = ("fail", "Nyatakan gagal", "Fail"),
        /// Rujukan: send to the partner.
        Send = ("send", "Kirim rujukan", "Send"),
        /// Rujukan: the partner accepts.
        Accept = ("accept", "Terima rujukan", "Accept"),
        /// Rujukan: the partner refuses, with a reason.
        Reject = ("reject", "Tolak rujukan", "Reject"),
        /// Rujukan: the partner starts handling it.
        Process = ("process", "Proses rujukan", "Start handling"),
        /// Rujukan: a second person approves the consent override of the sending.
        ApproveOverride = ("approve_override", "Setujui pengecualian persetujuan", "Approve the consent override"),
        /// Rujukan: the referrer voids a referral recorded in error, with a reason.
        Void = ("void", "Batalkan karena salah catat", "Void (entered in error)"),
    }
}

labelled_enum! {
    /// The state of an outreach (penjangkauan), DESIGN §6. Terminal:
    /// `bersedia`, `menolak`, `ditutup`.
    pub enum OutreachState {
        /// Reported, no visit planned yet.
        Dilaporkan = ("dilaporkan", "Dilaporkan", "Reported"),
        /// A visit is planned.
        Dijadwalkan = ("dijadwalkan", "Dijadwalkan", "Scheduled"),
        /// The visit took place; its outcome is not recorded yet.
        Dilaksanakan = ("dilaksanakan", "Dilaksanakan", "Carried out"),
        /// The person agreed: a case was opened or joined.
        Bersedia = ("bersedia", "Bersedia", "Agreed"),
        /// The person refused.
        Menolak = ("menolak", "Menolak", "Refused"),
        /// The person was not found at the last visit.
        TidakDitemukan = ("tidak_ditemukan", "Tidak ditemukan", "Not found"),
        /// Closed without the person's answer.
        Ditutup = ("ditutup", "Ditutup", "Closed"),
    }
}

labelled_enum! {
    /// The name of an outreach command, as used in the outreach table, in
    /// errors and as the `type` tag of [`crate::outreach::OutreachCommand`] in JSON.
    pub enum OutreachCommandKind {
        /// Record a report of someone who may need the LK3 (opens the outreach).
        Report = ("report", "Catat laporan penjangkauan", "Report for outreach"),
        /// Plan a visit.
        Schedule = ("schedule", "Jadwalkan penjangkauan", "Schedule a visit"),
        /// Record that the visit took place.
        CarryOut = ("carry_out", "Laksanakan penjangkauan", "Carry out the visit"),
        /// The person agrees to be served: a case is opened or joined.
        RecordAgreement = ("record_agreement", "Catat kesediaan", "Record agreement"),
        /// The person refuses.
        RecordRefusal = ("record_refusal", "Catat penolakan", "Record refusal"),
        /// The person was not found at the visit.
        RecordNotFound = ("record_not_found", "Catat tidak ditemukan", "Record not found"),
        /// Close the outreach without a visit or after fruitless visits.
        Close = ("close", "Tutup penjangkauan", "Close the outreach"),
    }
}
