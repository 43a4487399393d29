use crate::label::labelled_enum;

labelled_enum! {
    /// Work that falls due around a case or an outreach (issue 15 \[I\]:
    /// OSCaR's overdue reminders, Primero's follow-ups). Each is derived from
    /// the fold and a rule set's deadline or the date the work was given;
    /// it ends when the event that does it is recorded.
    pub enum TaskKind {
        /// Complete the assessment, once the contract is agreed (or a
        /// reassessment begun).
        Asesmen = ("asesmen", "Selesaikan asesmen", "Complete the assessment"),
        /// Hold the next session of an open counselling service.
        SesiKonseling = ("sesi_konseling", "Sesi konseling berikutnya", "Next counselling session"),
        /// Follow up the family in aftercare and decide on closure.
        BimbinganLanjut = ("bimbingan_lanjut", "Tindak lanjut bimbingan lanjut", "Aftercare follow-up"),
        /// Carry out a scheduled outreach visit.
        KunjunganPenjangkauan = ("kunjungan_penjangkauan", "Kunjungan penjangkauan terjadwal", "Scheduled outreach visit"),
        /// The partner answers a sent referral (by its response deadline).
        JawabanRujukan = ("jawaban_rujukan", "Jawaban mitra atas rujukan", "Partner's answer to a referral"),
        /// Stop the services a withdrawn consent covered, or record consent
        /// again (UU 27/2022: processing stops within 3×24 hours).
        PencabutanPersetujuan = ("pencabutan_persetujuan", "Tindak lanjut pencabutan persetujuan", "Act on a consent withdrawal"),
    }
}
