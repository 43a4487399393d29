use crate::label::labelled_enum;

labelled_enum! {
    /// How a contact reached the LK3. The three entry routes of the generalist
    /// process (self, outreach, referral) \[R: domain.md §5 C, S17\], split as
    /// LK3 units report them \[I\].
    pub enum ContactChannel {
        /// The person came to the office.
        DatangLangsung = ("datang_langsung", "Datang langsung", "Walk-in"),
        /// Telephone or the 24-hour hotline.
        TeleponHotline = ("telepon_hotline", "Telepon / hotline", "Telephone or hotline"),
        /// Found by outreach (jemput bola, mobil LK3).
        Penjangkauan = ("penjangkauan", "Penjangkauan", "Outreach"),
        /// Referred in by a partner (rujukan masuk).
        RujukanMasuk = ("rujukan_masuk", "Rujukan masuk", "Incoming referral"),
        /// Reported by the community, an RT head or a Bhabinkamtibmas.
        LaporanMasyarakat = ("laporan_masyarakat", "Laporan masyarakat / RT", "Community or RT report"),
        /// Social media or messaging.
        MediaSosial = ("media_sosial", "Media sosial", "Social media"),
    }
}
