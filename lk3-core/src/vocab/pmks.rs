use crate::label::labelled_enum;

labelled_enum! {
    /// The 26 PMKS categories (Penyandang Masalah Kesejahteraan Sosial) of
    /// Permensos 08/2012 [M, corroborated by S35: domain.md §9]. The LK3's main
    /// category is [`Pmks::KeluargaBermasalahSosialPsikologis`] (no. 25).
    ///
    /// ```
    /// use lk3_core::{Labelled, vocab::Pmks};
    /// assert_eq!(Pmks::ALL.len(), 26);
    /// assert_eq!(Pmks::KeluargaBermasalahSosialPsikologis.number(), 25);
    /// ```
    pub enum Pmks {
        /// 1.
        AnakBalitaTerlantar = ("anak_balita_terlantar", "Anak balita terlantar", "Neglected child under five"),
        /// 2.
        AnakTerlantar = ("anak_terlantar", "Anak terlantar", "Neglected child"),
        /// 3.
        AnakBerhadapanHukum = ("anak_berhadapan_hukum", "Anak yang berhadapan dengan hukum", "Child in conflict with the law"),
        /// 4.
        AnakJalanan = ("anak_jalanan", "Anak jalanan", "Street child"),
        /// 5.
        AnakDisabilitas = ("anak_disabilitas", "Anak dengan kedisabilitasan", "Child with a disability"),
        /// 6.
        AnakKorbanKekerasan = ("anak_korban_kekerasan", "Anak yang menjadi korban tindak kekerasan atau diperlakukan salah", "Child victim of violence or mistreatment"),
        /// 7.
        AnakPerlindunganKhusus = ("anak_perlindungan_khusus", "Anak yang memerlukan perlindungan khusus", "Child needing special protection"),
        /// 8.
        LanjutUsiaTerlantar = ("lanjut_usia_terlantar", "Lanjut usia terlantar", "Neglected older person"),
        /// 9.
        PenyandangDisabilitas = ("penyandang_disabilitas", "Penyandang disabilitas", "Person with a disability"),
        /// 10.
        TunaSusila = ("tuna_susila", "Tuna susila", "Sex worker"),
        /// 11.
        Gelandangan = ("gelandangan", "Gelandangan", "Homeless person"),
        /// 12.
        Pengemis = ("pengemis", "Pengemis", "Beggar"),
        /// 13.
        Pemulung = ("pemulung", "Pemulung", "Scavenger"),
        /// 14.
        KelompokMinoritas = ("kelompok_minoritas", "Kelompok minoritas", "Minority group"),
        /// 15.
        BekasWargaBinaanLapas = ("bekas_warga_binaan_lapas", "Bekas warga binaan lembaga pemasyarakatan", "Former prison inmate"),
        /// 16.
        OrangDenganHivAids = ("orang_dengan_hiv_aids", "Orang dengan HIV/AIDS", "Person living with HIV/AIDS"),
        /// 17.
        KorbanNapza = ("korban_napza", "Korban penyalahgunaan NAPZA", "Victim of drug abuse"),
        /// 18.
        KorbanTrafficking = ("korban_trafficking", "Korban trafficking", "Trafficking victim"),
        /// 19.
        KorbanTindakKekerasan = ("korban_tindak_kekerasan", "Korban tindak kekerasan", "Victim of violence"),
        /// 20.
        PekerjaMigranBermasalah = ("pekerja_migran_bermasalah", "Pekerja migran bermasalah sosial", "Migrant worker with social problems"),
        /// 21.
        KorbanBencanaAlam = ("korban_bencana_alam", "Korban bencana alam", "Natural disaster victim"),
        /// 22.
        KorbanBencanaSosial = ("korban_bencana_sosial", "Korban bencana sosial", "Social disaster victim"),
        /// 23.
        PerempuanRawanSosialEkonomi = ("perempuan_rawan_sosial_ekonomi", "Perempuan rawan sosial ekonomi", "Socio-economically vulnerable woman"),
        /// 24.
        FakirMiskin = ("fakir_miskin", "Fakir miskin", "Person in poverty"),
        /// 25: the LK3's main category.
        KeluargaBermasalahSosialPsikologis = ("keluarga_bermasalah_sosial_psikologis", "Keluarga bermasalah sosial psikologis", "Family with psychosocial problems"),
        /// 26.
        KomunitasAdatTerpencil = ("komunitas_adat_terpencil", "Komunitas adat terpencil", "Remote indigenous community"),
    }
}

impl Pmks {
    /// The category's number (1 to 26) in Permensos 08/2012.
    pub fn number(self) -> u8 {
        // ALL is in regulation order; the position is the number.
        let position = <Self as crate::label::Labelled>::ALL.iter().position(|p| *p == self).unwrap_or_default();
        position as u8 + 1
    }
}
