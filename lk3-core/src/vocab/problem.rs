use super::Pmks;
use crate::label::labelled_enum;

labelled_enum! {
    /// The psychosocial problems LK3 units report handling. No regulatory list
    /// was read; each value is from news reports and theses
    /// \[R: domain.md §3, sources S6, S8, S10–S13; seeds\].
    pub enum Problem {
        /// Domestic violence (KDRT) \[R: S8, S12, S13\].
        Kdrt = ("kdrt", "Kekerasan dalam rumah tangga", "Domestic violence"),
        /// Family conflict and disharmony \[R: S10–S12\].
        KonflikKeluarga = ("konflik_keluarga", "Konflik / disharmoni keluarga", "Family conflict"),
        /// Infidelity \[R: seeds\].
        Perselingkuhan = ("perselingkuhan", "Perselingkuhan", "Infidelity"),
        /// Divorce conflict \[R: S10–S12\].
        Perceraian = ("perceraian", "Perceraian", "Divorce"),
        /// Sexual violence or harassment, including by relatives \[R: S6, S13\].
        KekerasanSeksual = ("kekerasan_seksual", "Kekerasan / pelecehan seksual", "Sexual violence"),
        /// Child abuse \[I: PMKS 6\].
        KekerasanAnak = ("kekerasan_anak", "Kekerasan terhadap anak", "Child abuse"),
        /// Child neglect \[R: S8, S12\].
        PenelantaranAnak = ("penelantaran_anak", "Penelantaran anak", "Child neglect"),
        /// A child in conflict with the law \[R: S12\].
        AnakBerhadapanHukum = ("anak_berhadapan_hukum", "Anak berhadapan dengan hukum", "Child in conflict with the law"),
        /// Child marriage \[R: S6, S12\].
        PerkawinanAnak = ("perkawinan_anak", "Perkawinan anak", "Child marriage"),
        /// Children busking or working on the street \[R: S13\].
        AnakBekerjaDiJalan = ("anak_bekerja_di_jalan", "Anak bekerja di jalan", "Children working on the street"),
        /// Poverty-driven crisis \[R: S8, S12\].
        Kemiskinan = ("kemiskinan", "Kemiskinan", "Poverty"),
        /// Disability \[R: seeds, Bontang 2019\].
        Disabilitas = ("disabilitas", "Disabilitas", "Disability"),
        /// Illness needing aid, e.g. stroke patients \[R: seeds, Bontang 2019\].
        SakitMemerlukanBantuan = ("sakit_memerlukan_bantuan", "Sakit / stroke memerlukan bantuan", "Illness needing aid"),
        /// A neglected older person \[I: PMKS 8\].
        LansiaTerlantar = ("lansia_terlantar", "Lansia terlantar", "Neglected older person"),
        /// Trafficking \[R: S8\].
        Trafficking = ("trafficking", "Perdagangan orang", "Trafficking"),
        /// Drug abuse (NAPZA) \[R: S8\].
        Napza = ("napza", "Penyalahgunaan NAPZA", "Drug abuse"),
        /// Deviant behaviour \[R: S6\].
        PerilakuMenyimpang = ("perilaku_menyimpang", "Perilaku menyimpang", "Deviant behaviour"),
        /// Psychosocial and spiritual (ruhani) problems \[R: S12\].
        PsikososialRuhani = ("psikososial_ruhani", "Masalah psikososial dan ruhani", "Psychosocial and spiritual problems"),
        /// Anything else.
        Lainnya = ("lainnya", "Lainnya", "Other"),
    }
}

impl Problem {
    /// The PMKS category a problem usually maps to for reporting \[I: domain.md §3\].
    pub fn pmks(self) -> Pmks {
        match self {
            Problem::Kdrt | Problem::KekerasanSeksual => Pmks::KorbanTindakKekerasan,
            Problem::KekerasanAnak => Pmks::AnakKorbanKekerasan,
            Problem::PenelantaranAnak => Pmks::AnakTerlantar,
            Problem::AnakBerhadapanHukum => Pmks::AnakBerhadapanHukum,
            Problem::PerkawinanAnak => Pmks::AnakPerlindunganKhusus,
            Problem::AnakBekerjaDiJalan => Pmks::AnakJalanan,
            Problem::Kemiskinan => Pmks::FakirMiskin,
            Problem::Disabilitas | Problem::SakitMemerlukanBantuan => Pmks::PenyandangDisabilitas,
            Problem::LansiaTerlantar => Pmks::LanjutUsiaTerlantar,
            Problem::Trafficking => Pmks::KorbanTrafficking,
            Problem::Napza => Pmks::KorbanNapza,
            Problem::KonflikKeluarga
            | Problem::Perselingkuhan
            | Problem::Perceraian
            | Problem::PerilakuMenyimpang
            | Problem::PsikososialRuhani
            | Problem::Lainnya => Pmks::KeluargaBermasalahSosialPsikologis,
        }
    }
}
