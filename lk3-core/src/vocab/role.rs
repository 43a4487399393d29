use crate::label::labelled_enum;

labelled_enum! {
    /// A staff role. The minimum structure of an LK3 (penanggung jawab, ketua,
    /// sekretaris, bendahara, tenaga profesional) is from the Permensos 16/2013
    /// model as copied in Perda Kota Tasikmalaya 8/2015 Pasal 21(2)
    /// \[R: domain.md §6, S5\]; counsellors, psychologists, volunteers, partners
    /// and the system admin are practice \[R: S9, S12, S13; I\].
    ///
    /// Which role may issue which command is rule-set data, see
    /// [`crate::rules`].
    pub enum Role {
        /// Head of the Dinas Sosial, accountable for the unit.
        PenanggungJawab = ("penanggung_jawab", "Penanggung jawab", "Responsible official"),
        /// Chair: coordinates, decides, approves plans and closures.
        Ketua = ("ketua", "Ketua", "Chair"),
        /// Secretary: registration, records and reports.
        Sekretaris = ("sekretaris", "Sekretaris", "Secretary"),
        /// Treasurer.
        Bendahara = ("bendahara", "Bendahara", "Treasurer"),
        /// Professional social worker (peksos).
        PekerjaSosial = ("pekerja_sosial", "Pekerja sosial", "Social worker"),
        /// Counsellor.
        Konselor = ("konselor", "Konselor", "Counsellor"),
        /// Psychologist.
        Psikolog = ("psikolog", "Psikolog", "Psychologist"),
        /// Partner professional: doctor, police officer, lawyer, religious or
        /// education expert \[R: Pasal 21(3), S5\].
        TenagaProfesional = ("tenaga_profesional", "Tenaga profesional", "Partner professional"),
        /// Volunteer.
        Relawan = ("relawan", "Relawan", "Volunteer"),
        /// Staff of a partner institution recording its own steps.
        Mitra = ("mitra", "Mitra", "Partner staff"),
        /// System administrator: no case work.
        Admin = ("admin", "Admin", "Administrator"),
    }
}

labelled_enum! {
    /// The profession of a [`Role::TenagaProfesional`]
    /// \[R: Perda Tasikmalaya 8/2015 Pasal 21(3), domain.md §6\].
    pub enum Profession {
        /// Doctor or health worker.
        Dokter = ("dokter", "Dokter / tenaga kesehatan", "Doctor or health worker"),
        /// Police officer.
        Polisi = ("polisi", "Polisi", "Police officer"),
        /// Legal expert.
        AhliHukum = ("ahli_hukum", "Ahli hukum", "Legal expert"),
        /// Religious expert.
        AhliAgama = ("ahli_agama", "Ahli agama", "Religious expert"),
        /// Education expert.
        AhliPendidikan = ("ahli_pendidikan", "Ahli pendidikan", "Education expert"),
    }
}
