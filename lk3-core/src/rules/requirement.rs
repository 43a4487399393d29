use crate::label::labelled_enum;

labelled_enum! {
    /// A condition a step needs beyond being allowed in the stage and issued
    /// by a permitted role: the published vocabulary (ids and labels, as the
    /// rule-set export lists them). Each machine's table holds its own typed
    /// subset ([`CaseRequirement`], [`ServiceRequirement`],
    /// [`OutreachRequirement`]), so a machine cannot name one it does not check.
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
        /// A step that carries a service on (not into a terminal state of its
        /// machine, not the review of an emergency override) needs every
        /// client's consent to services in force, a child's naming a guardian,
        /// and, for a referral sent with consent, every client's consent to
        /// disclose to its partner still in force. A step that ends the
        /// service needs none: a withdrawal never keeps a service, or a
        /// partner's answer to a referral, from ending.
        ConsentToContinue = ("persetujuan_untuk_melanjutkan", "Langkah yang melanjutkan layanan memerlukan persetujuan layanan (dan pengungkapan ke mitra rujukan) yang masih berlaku; langkah yang mengakhiri layanan tidak", "A step that carries a service on needs consent to services (and to disclose to a referral's partner) still in force; a step that ends it does not"),
        /// A partner's staff (`mitra`) act only on referrals to their own
        /// partner; LK3 staff may record any partner's step, flagged as on
        /// its behalf.
        OwnReferral = ("rujukan_mitra_sendiri", "Staf mitra hanya bertindak atas rujukan ke mitranya sendiri", "A partner's staff act only on referrals to their own partner"),
        /// Every referral of the case has ended (a terminal state of its
        /// machine): a case is not terminated or closed with a referral open.
        ReferralsEnded = ("rujukan_berakhir", "Setiap rujukan telah berakhir", "Every referral has ended"),
        /// A transfer awaits an answer, and the actor names the unit it
        /// was sent to as theirs: only the receiving unit answers it.
        ReceivingUnitStaff = ("staf_unit_penerima", "Dijawab staf unit tujuan pengalihan yang sedang menunggu", "Answered by staff of the unit a pending transfer was sent to"),
    }
}

/// Declares a machine's own requirement type, a subset of [`Requirement`]
/// with the same variant names, and its mapping into the vocabulary.
macro_rules! machine_requirements {
    ($(#[$meta:meta])* $name:ident { $($variant:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[allow(missing_docs)] // each variant is documented on `Requirement`
        pub enum $name { $($variant),+ }

        impl crate::label::Labelled for $name {
            const ALL: &'static [$name] = &[$($name::$variant),+];
            fn id(self) -> &'static str {
                Requirement::from(self).id()
            }
            fn label_id(self) -> &'static str {
                Requirement::from(self).label_id()
            }
            fn label_en(self) -> &'static str {
                Requirement::from(self).label_en()
            }
            fn index(self) -> usize {
                self as usize
            }
        }

        impl From<$name> for Requirement {
            fn from(r: $name) -> Requirement {
                match r { $($name::$variant => Requirement::$variant),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(crate::label::Labelled::id(*self))
            }
        }
    };
}

machine_requirements! {
    /// What a row of a case table may require: checked by
    /// [`crate::case::Case`]'s decider.
    CaseRequirement {
        Reason, ConsentToServices, ConsentToAssessment, GuardianForChild, PlanProposed, SecondPerson,
        PlannedServicesClosed, GoalsMetOnlyAfterEvaluation, ClosedAfterService, KnownReference, ConsentToContinue,
        ReferralsEnded, ReceivingUnitStaff,
    }
}

machine_requirements! {
    /// What a row of a service table may require: checked when a case
    /// decides a service step.
    ServiceRequirement {
        Reason, AtLeastOneSession, PartnerFeedback, ConsentToDisclose, OverrideReviewed, SecondPerson, KnownReference,
        OwnReferral,
    }
}

machine_requirements! {
    /// What a row of the outreach table may require: checked by
    /// [`crate::outreach::Outreach`]'s decider.
    OutreachRequirement { Reason, AttemptsRemaining }
}
