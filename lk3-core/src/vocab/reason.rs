use crate::label::labelled_enum;

labelled_enum! {
    /// Why a case is terminated. DESIGN §5 lists the reasons for leaving an
    /// active stage; Sekarsari practice reports resolved, referred, withdrew and
    /// unreachable \[R: domain.md §5, S10\].
    pub enum TerminationReason {
        /// Goals met: only from evaluasi, after the evaluation.
        TujuanTercapai = ("tujuan_tercapai", "Tujuan tercapai", "Goals met"),
        /// The client withdrew.
        KlienMengundurkanDiri = ("klien_mengundurkan_diri", "Klien mengundurkan diri", "Client withdrew"),
        /// The client cannot be reached.
        TidakDapatDihubungi = ("tidak_dapat_dihubungi", "Tidak dapat dihubungi", "Client unreachable"),
        /// The client moved away.
        Pindah = ("pindah", "Pindah domisili", "Client moved away"),
        /// The client died.
        Meninggal = ("meninggal", "Meninggal dunia", "Client died"),
        /// Handed over to a partner by referral.
        DialihkanRujukan = ("dialihkan_rujukan", "Dialihkan melalui rujukan", "Handed over by referral"),
        /// Outside the LK3's scope.
        DiLuarLingkup = ("di_luar_lingkup", "Di luar lingkup layanan", "Out of scope"),
    }
}

labelled_enum! {
    /// Why a case closes at pendekatan awal or kontrak without service
    /// (DESIGN §5: not eligible, client refuses).
    pub enum RefusalReason {
        /// The person is not eligible for LK3 service.
        TidakMemenuhiSyarat = ("tidak_memenuhi_syarat", "Tidak memenuhi syarat", "Not eligible"),
        /// The client refuses the service or the agreement.
        KlienMenolak = ("klien_menolak", "Klien menolak layanan", "Client refuses"),
        /// The problem belongs to another institution.
        DiLuarLingkup = ("di_luar_lingkup", "Di luar lingkup layanan", "Out of scope"),
    }
}

labelled_enum! {
    /// Why a closed case, or a case in aftercare, goes back to assessment.
    pub enum ReopenReason {
        /// The problem came back (relapse).
        Kambuh = ("kambuh", "Masalah kambuh", "Relapse"),
        /// A new problem in the same family.
        MasalahBaru = ("masalah_baru", "Masalah baru", "New problem"),
        /// The client asks for help again.
        PermintaanKlien = ("permintaan_klien", "Permintaan klien", "Client request"),
        /// A partner or the community reports new facts.
        LaporanBaru = ("laporan_baru", "Laporan baru", "New report"),
    }
}

labelled_enum! {
    /// Why a protective (emergency) referral is sent before the usual steps.
    pub enum EmergencyReason {
        /// The client's life or safety is in immediate danger.
        AncamanKeselamatan = ("ancaman_keselamatan", "Ancaman keselamatan jiwa", "Immediate danger to life or safety"),
        /// Violence is ongoing.
        KekerasanBerlanjut = ("kekerasan_berlanjut", "Kekerasan sedang berlangsung", "Ongoing violence"),
        /// Injuries need medical care now.
        CederaPerluMedis = ("cedera_perlu_medis", "Cedera memerlukan penanganan medis", "Injury needing medical care"),
        /// A child is in danger.
        AnakDalamBahaya = ("anak_dalam_bahaya", "Anak dalam bahaya", "Child in danger"),
        /// Risk of suicide or self-harm.
        RisikoBunuhDiri = ("risiko_bunuh_diri", "Risiko bunuh diri / menyakiti diri", "Risk of suicide or self-harm"),
    }
}

labelled_enum! {
    /// Why a service step ends or pauses the service: mandatory on a refused,
    /// cancelled, postponed or failed referral (as the HL7 SDOH referral Task
    /// requires `statusReason` \[R: peers.md §2\]) and on every stopped or
    /// failed service.
    pub enum ServiceReason {
        /// The client declined.
        KlienMenolak = ("klien_menolak", "Klien menolak", "Client declined"),
        /// The client cannot be reached.
        TidakDapatDihubungi = ("tidak_dapat_dihubungi", "Klien tidak dapat dihubungi", "Client unreachable"),
        /// The partner is not competent for the problem.
        DiLuarKewenanganMitra = ("di_luar_kewenangan_mitra", "Di luar kewenangan mitra", "Outside the partner's competence"),
        /// The partner has no capacity now.
        KapasitasPenuh = ("kapasitas_penuh", "Kapasitas mitra penuh", "Partner at capacity"),
        /// Documents or requirements are missing.
        PersyaratanTidakLengkap = ("persyaratan_tidak_lengkap", "Persyaratan tidak lengkap", "Requirements incomplete"),
        /// No longer needed.
        TidakDiperlukanLagi = ("tidak_diperlukan_lagi", "Tidak diperlukan lagi", "No longer needed"),
        /// Handed to another partner or service.
        DialihkanKeMitraLain = ("dialihkan_ke_mitra_lain", "Dialihkan ke mitra lain", "Redirected to another partner"),
        /// The resource (staff, room, budget) is not available.
        SumberDayaTidakTersedia = ("sumber_daya_tidak_tersedia", "Sumber daya tidak tersedia", "Resource not available"),
        /// The client's situation changed (moved, hospitalised ...).
        KeadaanKlienBerubah = ("keadaan_klien_berubah", "Keadaan klien berubah", "Client's situation changed"),
        /// Anything else.
        Lainnya = ("lainnya", "Lainnya", "Other"),
    }
}

labelled_enum! {
    /// Why a referral is voided as recorded in error (FHIR `entered-in-error`).
    pub enum VoidReason {
        /// Recorded for the wrong partner.
        MitraKeliru = ("mitra_keliru", "Mitra keliru", "Wrong partner"),
        /// Recorded in the wrong case, or for the wrong client.
        KasusKeliru = ("kasus_keliru", "Kasus atau klien keliru", "Wrong case or client"),
        /// Recorded twice.
        Ganda = ("ganda", "Tercatat ganda", "Recorded twice"),
        /// Any other recording error.
        Lainnya = ("lainnya", "Kesalahan pencatatan lain", "Other recording error"),
    }
}

labelled_enum! {
    /// Why the ketua hands a case to another worker (Primero's reassignment,
    /// OSCaR's case transfer between caseworkers; issue 15 \[I\]).
    pub enum AssignmentReason {
        /// The worker moved to another post or unit.
        PindahTugas = ("pindah_tugas", "Pekerja sosial pindah tugas", "Worker moved to another post"),
        /// The worker is on leave.
        Cuti = ("cuti", "Pekerja sosial cuti", "Worker on leave"),
        /// To balance the workers' caseloads.
        BebanKerja = ("beban_kerja", "Pemerataan beban kerja", "Caseload balancing"),
        /// The worker has a conflict of interest with the family.
        KonflikKepentingan = ("konflik_kepentingan", "Konflik kepentingan", "Conflict of interest"),
        /// The client asked for another worker.
        PermintaanKlien = ("permintaan_klien", "Permintaan klien", "Client's request"),
        /// Another reason.
        Lainnya = ("lainnya", "Alasan lain", "Other reason"),
    }
}

labelled_enum! {
    /// Why a unit's ketua hands a case to another LK3 unit (Primero's
    /// Transfer, OSCaR's case transfer between organisations; issue 15 \[I\]).
    pub enum TransferReason {
        /// The family moved into the other unit's area.
        KlienPindahDomisili = ("klien_pindah_domisili", "Klien pindah domisili ke wilayah unit tujuan", "The client moved to the receiving unit's area"),
        /// The other unit offers a service this one does not.
        LayananKhusus = ("layanan_khusus", "Unit tujuan memiliki layanan yang dibutuhkan", "The receiving unit offers the service needed"),
        /// Staff of this unit have a conflict of interest with the family.
        KonflikKepentingan = ("konflik_kepentingan", "Konflik kepentingan di unit asal", "Conflict of interest at the sending unit"),
        /// The client asked to be served elsewhere.
        PermintaanKlien = ("permintaan_klien", "Permintaan klien", "Client's request"),
        /// Another reason.
        Lainnya = ("lainnya", "Alasan lain", "Other reason"),
    }
}

labelled_enum! {
    /// Why the receiving unit's ketua refuses a case transferred to it.
    pub enum TransferRefusal {
        /// The family does not live in the unit's area.
        DiLuarWilayah = ("di_luar_wilayah", "Klien di luar wilayah layanan unit", "The client is outside the unit's area"),
        /// The unit has no capacity now.
        KapasitasPenuh = ("kapasitas_penuh", "Kapasitas layanan unit penuh", "The unit has no capacity"),
        /// The unit does not offer what the case needs.
        LayananTidakTersedia = ("layanan_tidak_tersedia", "Layanan yang dibutuhkan tidak tersedia di unit", "The unit does not offer the service needed"),
        /// Another reason.
        Lainnya = ("lainnya", "Alasan lain", "Other reason"),
    }
}
