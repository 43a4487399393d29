use crate::label::labelled_enum;

labelled_enum! {
    /// Material aid (bantuan) LK3 units report handing out [R: seeds, Bontang 2019: glasses,
    /// sembako, wheelchairs].
    pub enum AidItem {
        /// Glasses.
        Kacamata = ("kacamata", "Kacamata", "Glasses"),
        /// A basic food package.
        Sembako = ("sembako", "Paket sembako", "Basic food package"),
        /// A wheelchair.
        KursiRoda = ("kursi_roda", "Kursi roda", "Wheelchair"),
        /// A walking aid.
        AlatBantuJalan = ("alat_bantu_jalan", "Alat bantu jalan / tongkat", "Walking aid"),
        /// A hearing aid.
        AlatBantuDengar = ("alat_bantu_dengar", "Alat bantu dengar", "Hearing aid"),
        /// School supplies.
        PerlengkapanSekolah = ("perlengkapan_sekolah", "Perlengkapan sekolah", "School supplies"),
        /// Anything else.
        Lainnya = ("lainnya", "Lainnya", "Other"),
    }
}

labelled_enum! {
    /// Who pays for the aid (DESIGN §6) \[R: seeds, Bontang 2019: Baznas, DPA LK3\].
    pub enum FundingSource {
        /// Badan Amil Zakat Nasional.
        Baznas = ("baznas", "Baznas", "National zakat agency"),
        /// A lembaga amil zakat.
        Laz = ("laz", "LAZ", "Zakat institution"),
        /// The regional budget (APBD), through the unit's DPA.
        ApbdDpa = ("apbd_dpa", "APBD / DPA", "Regional budget (DPA)"),
        /// The Ministry of Social Affairs.
        Kemensos = ("kemensos", "Kemensos", "Ministry of Social Affairs"),
        /// Anything else (CSR, donors ...).
        Lainnya = ("lainnya", "Lainnya", "Other"),
    }
}

labelled_enum! {
    /// An action taken during advocacy (DESIGN §6).
    pub enum AdvocacyAction {
        /// Mediation between the parties.
        Mediasi = ("mediasi", "Mediasi", "Mediation"),
        /// A letter to an institution.
        Surat = ("surat", "Surat", "Letter"),
        /// Accompanying the client to an institution (police, court, hospital ...).
        PendampinganKeInstansi = ("pendampingan_ke_instansi", "Pendampingan ke instansi", "Accompanying to an institution"),
    }
}

labelled_enum! {
    /// The partner's feedback (umpan balik) that closes a referral's loop.
    pub enum FeedbackOutcome {
        /// The problem was handled.
        Tertangani = ("tertangani", "Tertangani", "Handled"),
        /// Partly handled.
        Sebagian = ("sebagian", "Tertangani sebagian", "Partly handled"),
        /// Not handled.
        TidakTertangani = ("tidak_tertangani", "Tidak tertangani", "Not handled"),
    }
}
