use crate::label::labelled_enum;

labelled_enum! {
    /// A stage (tahapan pelayanan) of a case's lifecycle.
    ///
    /// The list follows the generalist social-work process used by Kemensos
    /// (engagement, intake, contract, assessment, planning, intervention,
    /// evaluation, termination, follow-up) \[R: domain.md §5 C\] and PP 39/2012
    /// Pasal 7(2) \[R: §5 A\], with a contact stage in front for the LK3's
    /// pengaduan and one-off services \[I\].
    ///
    /// ```
    /// use lk3_core::{Labelled, vocab::Stage};
    /// assert_eq!(Stage::RencanaIntervensi.id(), "rencana_intervensi");
    /// assert_eq!(Stage::RencanaIntervensi.label_en(), "Intervention planning");
    /// assert_eq!("ditutup".parse::<Stage>(), Ok(Stage::Ditutup));
    /// ```
    pub enum Stage {
        /// Contact or complaint received.
        Kontak = ("kontak", "Kontak / pengaduan", "Contact"),
        /// Registered with a case number.
        Registrasi = ("registrasi", "Registrasi", "Registration"),
        /// First engagement: screening and eligibility.
        PendekatanAwal = ("pendekatan_awal", "Pendekatan awal", "Engagement"),
        /// Service agreement, with recorded consent.
        Kontrak = ("kontrak", "Kontrak layanan", "Service agreement"),
        /// Assessment (pengungkapan dan pemahaman masalah).
        Asesmen = ("asesmen", "Asesmen", "Assessment"),
        /// Intervention planning (penyusunan rencana pemecahan masalah).
        RencanaIntervensi = ("rencana_intervensi", "Rencana intervensi", "Intervention planning"),
        /// Intervention: the planned services are delivered.
        Intervensi = ("intervensi", "Intervensi", "Intervention"),
        /// Evaluation of the intervention.
        Evaluasi = ("evaluasi", "Evaluasi", "Evaluation"),
        /// Termination, awaiting the ketua's closure approval.
        Terminasi = ("terminasi", "Terminasi", "Termination"),
        /// Aftercare (bimbingan lanjut).
        BimbinganLanjut = ("bimbingan_lanjut", "Bimbingan lanjut", "Aftercare"),
        /// Closed.
        Ditutup = ("ditutup", "Ditutup", "Closed"),
    }
}

impl Stage {
    /// Whether work on the case is under way: every stage before terminasi.
    /// Any active stage may be terminated with a reason.
    pub fn is_active(self) -> bool {
        !matches!(self, Stage::Terminasi | Stage::BimbinganLanjut | Stage::Ditutup)
    }
}
