use crate::label::labelled_enum;

labelled_enum! {
    /// How secret a case note or an attachment is (issue 15 \[I\]: the
    /// classification Indonesian offices give a letter, biasa / rahasia /
    /// sangat rahasia, applied to what a worker writes; UU 27/2022 on
    /// personal data). Who may read each class, and whether a purpose must be
    /// given, is [`crate::access`]'s table.
    pub enum Sensitivity {
        /// Routine: any of the unit's staff reads it.
        Biasa = ("biasa", "Biasa", "Ordinary"),
        /// Secret: the unit's case staff read it, for a stated purpose, logged.
        Rahasia = ("rahasia", "Rahasia", "Secret"),
        /// Top secret: only the case's worker and the unit's ketua or
        /// penanggung jawab read it, for a stated purpose, logged.
        SangatRahasia = ("sangat_rahasia", "Sangat rahasia", "Top secret"),
    }
}

labelled_enum! {
    /// What a document attached to a case is (issue 15 \[I\]: the papers a
    /// case file holds in practice).
    pub enum AttachmentKind {
        /// A signed consent form, scanned.
        FormulirPersetujuan = ("formulir_persetujuan", "Formulir persetujuan", "Consent form"),
        /// A referral letter, sent or received.
        SuratRujukan = ("surat_rujukan", "Surat rujukan", "Referral letter"),
        /// A photo of aid handed over.
        FotoBantuan = ("foto_bantuan", "Foto penyerahan bantuan", "Photo of aid handed over"),
        /// An assessment or a report written for the case.
        Laporan = ("laporan", "Laporan", "Report"),
        /// Another document.
        Lainnya = ("lainnya", "Lainnya", "Other"),
    }
}

labelled_enum! {
    /// The content types an attachment may have: documents and photos a
    /// scanner or a phone makes, each recognised by its first bytes
    /// ([`ContentType::sniff`]).
    pub enum ContentType {
        /// PDF.
        Pdf = ("application/pdf", "PDF", "PDF"),
        /// JPEG photo or scan.
        Jpeg = ("image/jpeg", "JPEG", "JPEG"),
        /// PNG image.
        Png = ("image/png", "PNG", "PNG"),
    }
}

impl ContentType {
    /// The content type the bytes are, by their signature; `None` for
    /// anything else (an attachment is never stored under a type its bytes
    /// are not).
    ///
    /// ```
    /// use lk3_core::vocab::ContentType;
    /// assert_eq!(ContentType::sniff(b"%PDF-1.7\n..."), Some(ContentType::Pdf));
    /// assert_eq!(ContentType::sniff(b"MZ\x90\x00"), None);
    /// ```
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        const SIGNATURES: [(&[u8], ContentType); 3] = [
            (b"%PDF-", ContentType::Pdf),
            (&[0xFF, 0xD8, 0xFF], ContentType::Jpeg),
            (&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A], ContentType::Png),
        ];
        SIGNATURES.iter().find(|(signature, _)| bytes.starts_with(signature)).map(|(_, t)| *t)
    }
}

labelled_enum! {
    /// Why someone reads a client's identity, a secret note or an
    /// attachment: what the access log records (UU 27/2022 Pasal 16: personal
    /// data processed for a stated purpose \[I\]).
    pub enum AccessPurpose {
        /// Working the case: assessment, plan, services.
        PenangananKasus = ("penanganan_kasus", "Penanganan kasus", "Case work"),
        /// Supervising the case's worker.
        Supervisi = ("supervisi", "Supervisi", "Supervision"),
        /// Preparing a referral to a partner.
        Rujukan = ("rujukan", "Rujukan", "Referral"),
        /// Preparing a report to the Dinas.
        Pelaporan = ("pelaporan", "Pelaporan", "Reporting"),
        /// An audit of the unit's records.
        Audit = ("audit", "Audit", "Audit"),
        /// The client asked to see their own data.
        PermintaanKlien = ("permintaan_klien", "Permintaan klien", "Client's own request"),
        /// A court order or a request under the law.
        PerintahHukum = ("perintah_hukum", "Perintah hukum", "Legal order"),
    }
}
