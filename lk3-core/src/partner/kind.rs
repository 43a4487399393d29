//! The partner vocabularies: what kind of institution a partner is, where a
//! partner's service stands, and what kind of place a location is.

use crate::label::labelled_enum;
use crate::vocab::ProtectivePartner;

labelled_enum! {
    /// The kind of a partner institution in an LK3 unit's network (jejaring).
    ///
    /// Sources are tagged as in `shared/research/domain.md` §7: **\[R: S10\]**
    /// the Sekarsari thesis (Pengadilan Agama, police, hospitals, trauma
    /// centre), **\[R: S13\]** Dinsos Kutai Kartanegara (Polres, Dinkes, DP3A),
    /// **\[R: S20\]** the Kemenkes 2023 KtP/A referral network; **\[I\]** our
    /// reading of practice (the LK3's own Dinas, DESIGN §1). KUA, Baznas/LAZ
    /// and posbakum were not seen in a source; DESIGN §1 and §6 name Baznas,
    /// LAZ and posbakum from practice \[I\].
    ///
    /// ```
    /// use lk3_core::Labelled;
    /// use lk3_core::partner::PartnerKind;
    /// assert_eq!(PartnerKind::UptdPpa.id(), "uptd_ppa");
    /// assert_eq!("rptc".parse::<PartnerKind>(), Ok(PartnerKind::Rptc));
    /// ```
    pub enum PartnerKind {
        /// Hospital, including its integrated crisis centre (PPT/PKT) and RS
        /// Bhayangkara \[R: S10, S20\].
        RumahSakit = ("rumah_sakit", "Rumah sakit", "Hospital"),
        /// Community health centre able to handle violence against women and
        /// children \[R: S20\].
        Puskesmas = ("puskesmas", "Puskesmas", "Community health centre"),
        /// The women-and-children service unit (UPPA / Unit PPA) of the Polres
        /// \[R: S10, S13, S20\].
        PolisiUppa = ("polisi_uppa", "Polisi (UPPA)", "Police (women and children unit)"),
        /// UPTD PPA, formerly P2TP2A: the regional women-and-child protection
        /// unit and its case-flow portal \[R: S13 (DP3A), S20\].
        UptdPpa = ("uptd_ppa", "UPTD PPA / P2TP2A", "Women and child protection unit (UPTD PPA / P2TP2A)"),
        /// Social protection home / trauma centre (Rumah Perlindungan dan
        /// Trauma Center) \[R: S10, S20\].
        Rptc = ("rptc", "Rumah Perlindungan dan Trauma Center (RPTC)", "Protection home and trauma centre"),
        /// Social protection home for children (Rumah Perlindungan Sosial
        /// Anak) \[R: S20\].
        Rpsa = ("rpsa", "Rumah Perlindungan Sosial Anak (RPSA)", "Child protection home"),
        /// Legal aid: LBH \[R: S20\] or a court's legal-aid post (posbakum) \[I\].
        LbhPosbakum = ("lbh_posbakum", "LBH / Posbakum", "Legal aid (LBH / court legal-aid post)"),
        /// Religious court: divorce, custody, child-marriage dispensation
        /// \[R: S10\].
        PengadilanAgama = ("pengadilan_agama", "Pengadilan Agama", "Religious court"),
        /// Public prosecutor's office \[R: S20\].
        Kejaksaan = ("kejaksaan", "Kejaksaan", "Public prosecutor's office"),
        /// Office of Religious Affairs of the kecamatan: marriage counselling
        /// and registration \[I\].
        Kua = ("kua", "Kantor Urusan Agama (KUA)", "Office of Religious Affairs"),
        /// The Dinas Sosial of the kab/kota or province, which usually runs
        /// the LK3 \[I: DESIGN §1; R: S13 for PKH and Puskesos under it\].
        DinasSosial = ("dinas_sosial", "Dinas Sosial", "Social affairs office"),
        /// The health office \[R: S13\].
        DinasKesehatan = ("dinas_kesehatan", "Dinas Kesehatan", "Health office"),
        /// The civil registry (Disdukcapil): NIK, family card, birth
        /// certificates for clients without documents \[I\].
        Dukcapil = ("dukcapil", "Dinas Kependudukan dan Pencatatan Sipil", "Civil registry office"),
        /// Zakat and alms funds (Baznas, LAZ) that finance material aid
        /// \[I: DESIGN §1, §6\].
        BaznasLaz = ("baznas_laz", "Baznas / LAZ", "Zakat and alms fund (Baznas / LAZ)"),
        /// Shelter or safe house (rumah aman) \[R: S20\].
        Shelter = ("shelter", "Shelter / rumah aman", "Shelter or safe house"),
        /// Any other partner: NGO or women's crisis centre, KPAI, LPSK,
        /// kecamatan, Satpol PP, other LK3s \[R: S10, S13, S20\].
        Lainnya = ("lainnya", "Lainnya", "Other"),
    }
}

impl From<ProtectivePartner> for PartnerKind {
    /// The partner kind an emergency (protective) referral goes to.
    fn from(p: ProtectivePartner) -> Self {
        match p {
            ProtectivePartner::PolisiUppa => PartnerKind::PolisiUppa,
            ProtectivePartner::UptdPpa => PartnerKind::UptdPpa,
            ProtectivePartner::RumahSakit => PartnerKind::RumahSakit,
        }
    }
}

labelled_enum! {
    /// Where one of a partner's services stands. Each value maps to one value
    /// of HSDS `service.status` ([`PartnerServiceStatus::hsds`]) [R: HSDS 3.0
    /// `schema/service.json`, research/peers.md §3].
    pub enum PartnerServiceStatus {
        /// Running: HSDS `active`.
        Aktif = ("aktif", "Aktif", "Active"),
        /// Not offered at present, with no date to resume: HSDS `inactive`.
        TidakAktif = ("tidak_aktif", "Tidak aktif", "Inactive"),
        /// Ended for good: HSDS `defunct`.
        Bubar = ("bubar", "Bubar / dihentikan", "Defunct"),
        /// Closed for a time (renovation, staff shortage): HSDS
        /// `temporarily closed`.
        TutupSementara = ("tutup_sementara", "Tutup sementara", "Temporarily closed"),
    }
}

impl PartnerServiceStatus {
    /// The HSDS 3.0 `service.status` value: `active`, `inactive`, `defunct`
    /// or `temporarily closed`.
    pub fn hsds(self) -> &'static str {
        match self {
            Self::Aktif => "active",
            Self::TidakAktif => "inactive",
            Self::Bubar => "defunct",
            Self::TutupSementara => "temporarily closed",
        }
    }

    /// The status for an HSDS `service.status` value, if it is one of the four.
    pub fn from_hsds(status: &str) -> Option<Self> {
        <Self as crate::label::Labelled>::ALL.iter().copied().find(|s| s.hsds() == status)
    }

    /// Whether the service is running now (only [`PartnerServiceStatus::Aktif`]).
    pub fn is_active(self) -> bool {
        self == Self::Aktif
    }
}

labelled_enum! {
    /// What kind of place a partner location is. Each value maps to one value
    /// of HSDS `location.location_type` ([`PartnerLocationKind::hsds`])
    /// \[R: HSDS 3.0 `schema/location.json`, research/peers.md §3\].
    pub enum PartnerLocationKind {
        /// An office or facility people can visit: HSDS `physical`.
        Fisik = ("fisik", "Lokasi fisik", "Physical location"),
        /// A mailing address only: HSDS `postal`.
        Surat = ("surat", "Alamat surat", "Postal address"),
        /// An online or telephone service: HSDS `virtual`.
        Daring = ("daring", "Layanan daring", "Virtual location"),
    }
}

impl PartnerLocationKind {
    /// The HSDS 3.0 `location.location_type` value: `physical`, `postal` or
    /// `virtual`.
    pub fn hsds(self) -> &'static str {
        match self {
            Self::Fisik => "physical",
            Self::Surat => "postal",
            Self::Daring => "virtual",
        }
    }

    /// The kind for an HSDS `location_type` value, if it is one of the three.
    pub fn from_hsds(location_type: &str) -> Option<Self> {
        <Self as crate::label::Labelled>::ALL.iter().copied().find(|k| k.hsds() == location_type)
    }
}
