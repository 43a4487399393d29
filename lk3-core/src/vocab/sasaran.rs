use crate::label::labelled_enum;

labelled_enum! {
    /// Who a service is for (sasaran), as quoted from Permensos 25/2017 by
    /// Dinsos Tanjungpinang \[R: domain.md §3, S6\].
    pub enum Sasaran {
        /// One person.
        Individu = ("individu", "Individu", "Individual"),
        /// A family (the KK is the natural unit).
        Keluarga = ("keluarga", "Keluarga", "Family"),
        /// A group, e.g. students at a sosialisasi.
        Kelompok = ("kelompok", "Kelompok", "Group"),
        /// An organisation or institution.
        Organisasi = ("organisasi", "Organisasi", "Organisation"),
        /// The community at large.
        Masyarakat = ("masyarakat", "Masyarakat", "Community"),
    }
}
