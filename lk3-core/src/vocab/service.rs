use crate::label::labelled_enum;

labelled_enum! {
    /// The LK3 services: the six of Permensos 16/2013 (as copied in Perda
    /// Tasikmalaya 8/2015 Pasal 21(7)) \[R: domain.md §4, S5\], and the three
    /// Permensos 25/2017 adds (pendampingan, perlindungan, pembelajaran, as
    /// Dinas Sosial statements quote it) \[R: domain.md §3, §8, S6\]. Which a
    /// case may use is its rule set's catalogue.
    pub enum ServiceKind {
        /// Information, including on the service network.
        Informasi = ("informasi", "Informasi", "Information"),
        /// Consultation: advice, often one session.
        Konsultasi = ("konsultasi", "Konsultasi", "Consultation"),
        /// Counselling: multi-session helping.
        Konseling = ("konseling", "Konseling", "Counselling"),
        /// Social advocacy.
        Advokasi = ("advokasi", "Advokasi", "Advocacy"),
        /// Referral to a partner.
        Rujukan = ("rujukan", "Rujukan", "Referral"),
        /// Outreach (jemput bola).
        Penjangkauan = ("penjangkauan", "Penjangkauan", "Outreach"),
        /// Accompaniment of a client or family through a process (court,
        /// hospital, school, home) over several meetings.
        Pendampingan = ("pendampingan", "Pendampingan", "Accompaniment"),
        /// Protection: measures that keep a client safe from violence,
        /// threats or pressure (safety plan, safe placement, escort).
        Perlindungan = ("perlindungan", "Perlindungan", "Protection"),
        /// Learning: family education sessions (psychoeducation, parenting).
        Pembelajaran = ("pembelajaran", "Pembelajaran", "Learning"),
    }
}

impl ServiceKind {
    /// Whether a case can plan or open this service: every service but
    /// `penjangkauan`, which is an aggregate of its own (its own stream).
    pub fn is_case_service(self) -> bool {
        self != Self::Penjangkauan
    }
}

labelled_enum! {
    /// What a consent covers (DESIGN §7; UU 27/2022 Pasal 20–22 \[R: S28\]).
    pub enum ConsentPurpose {
        /// Receiving LK3 services.
        Layanan = ("layanan", "Layanan", "Services"),
        /// Being assessed.
        Asesmen = ("asesmen", "Asesmen", "Assessment"),
        /// Disclosure to the named partners.
        PengungkapanKeMitra = ("pengungkapan_ke_mitra", "Pengungkapan ke mitra", "Disclosure to partners"),
        /// Use in pseudonymised statistics.
        Statistik = ("statistik", "Statistik", "Statistics"),
    }
}

labelled_enum! {
    /// Where a protective (emergency) referral may go (DESIGN §5: police,
    /// P2TP2A, hospital) \[R: Kemenkes 2023 KtP/A network, domain.md §7\].
    pub enum ProtectivePartner {
        /// Police women-and-children unit (UPPA Polres).
        PolisiUppa = ("polisi_uppa", "Polisi (UPPA)", "Police (women and children unit)"),
        /// UPTD PPA / P2TP2A.
        UptdPpa = ("uptd_ppa", "UPTD PPA / P2TP2A", "Women and child protection unit"),
        /// Hospital (including its PPT/PKT).
        RumahSakit = ("rumah_sakit", "Rumah sakit", "Hospital"),
    }
}

labelled_enum! {
    /// How soon a referral needs the partner (FHIR `Task.priority`: see
    /// [`ReferralPriority::fhir_code`]). Absent on a sending: rutin.
    pub enum ReferralPriority {
        /// Routine.
        Rutin = ("rutin", "Rutin", "Routine"),
        /// Soon: within days, not weeks.
        Segera = ("segera", "Segera", "Urgent"),
        /// Now: a danger to someone's safety or health.
        Darurat = ("darurat", "Darurat", "Emergency"),
    }
}

impl ReferralPriority {
    /// The FHIR R4 `request-priority` code.
    pub fn fhir_code(self) -> &'static str {
        match self {
            Self::Rutin => "routine",
            Self::Segera => "urgent",
            Self::Darurat => "stat",
        }
    }
}
