use crate::label::labelled_enum;

labelled_enum! {
    /// A condition a step needs beyond being allowed in the stage and issued
    /// by a permitted role. Each is checked by [`crate::case::Case::decide`]
    /// when the rule-set row lists it.
    pub enum Requirement {
        /// A typed reason is given (the command cannot be built without one).
        Reason = ("alasan", "Alasan wajib diisi", "A reason is required"),
        /// Every client of the case has a valid consent to services.
        ConsentToServices = ("persetujuan_layanan", "Setiap klien telah memberi persetujuan layanan", "Every client has consented to services"),
        /// Every client has a consent in force to be assessed.
        ConsentToAssessment = ("persetujuan_asesmen", "Setiap klien memberi persetujuan asesmen yang berlaku", "Every client has consented to assessment"),
        /// A child's consent names a guardian.
        GuardianForChild = ("persetujuan_wali_anak", "Persetujuan anak disertai wali", "A child's consent names a guardian"),
        /// A plan has been proposed.
        PlanProposed = ("rencana_diajukan", "Rencana intervensi telah diajukan", "A plan has been proposed"),
        /// The approver is not the person who proposed (or terminated).
        SecondPerson = ("orang_kedua", "Disetujui oleh orang lain, bukan pengusul", "Approved by someone other than the proposer"),
        /// Every planned service is finished or cancelled with a reason.
        PlannedServicesClosed = ("layanan_terencana_tuntas", "Semua layanan terencana selesai atau dibatalkan dengan alasan", "Every planned service is finished or cancelled with a reason"),
        /// "Goals met" can only be the reason after an evaluation.
        GoalsMetOnlyAfterEvaluation = ("tujuan_tercapai_setelah_evaluasi", "Alasan tujuan tercapai hanya setelah evaluasi", "Goals met only after an evaluation"),
        /// The case was closed after service (not on the spot, not declined).
        ClosedAfterService = ("ditutup_setelah_layanan", "Kasus ditutup setelah mendapat layanan", "The case was closed after service"),
        /// A counselling has had at least one session.
        AtLeastOneSession = ("minimal_satu_sesi", "Paling sedikit satu sesi telah dilaksanakan", "At least one session was held"),
        /// A referral is completed with the partner's feedback.
        PartnerFeedback = ("umpan_balik_mitra", "Disertai umpan balik mitra", "With the partner's feedback"),
        /// Every client consented to disclosure to this partner, or the sending is an audited emergency override.
        ConsentToDisclose = ("persetujuan_pengungkapan", "Setiap klien setuju data diungkap ke mitra ini, atau pengecualian darurat yang diaudit", "Every client consented to disclosure to this partner, or an audited emergency override"),
        /// An emergency override of consent was approved by a second person.
        OverrideReviewed = ("pengecualian_disetujui", "Pengecualian persetujuan telah disetujui orang kedua", "A consent override was approved by a second person"),
        /// An outreach has visits left under the rule set's limit.
        AttemptsRemaining = ("kunjungan_tersisa", "Masih ada sisa kesempatan kunjungan", "Visits remain under the limit"),
        /// The referenced client, consent or service line exists in the case.
        KnownReference = ("rujukan_data_dikenal", "Data yang dirujuk ada dalam kasus", "Referenced records exist in the case"),
    }
}
