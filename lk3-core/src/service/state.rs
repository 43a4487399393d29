use crate::label::labelled_enum;

labelled_enum! {
    /// A state of a service instance. The ids are those of DESIGN §6; states
    /// with the same meaning share an id across services (`selesai`,
    /// `dibatalkan` ...). Which states a service uses is its table's business.
    pub enum ServiceState {
        /// Informasi: asked for.
        Diminta = ("diminta", "Diminta", "Requested"),
        /// Informasi: given.
        Diberikan = ("diberikan", "Diberikan", "Given"),
        /// Informasi: not available.
        TidakTersedia = ("tidak_tersedia", "Tidak tersedia", "Not available"),
        /// Konsultasi: scheduled.
        Dijadwalkan = ("dijadwalkan", "Dijadwalkan", "Scheduled"),
        /// Konsultasi: held.
        Dilaksanakan = ("dilaksanakan", "Dilaksanakan", "Held"),
        /// Konsultasi: the client did not come.
        TidakHadir = ("tidak_hadir", "Tidak hadir", "No-show"),
        /// Konseling, advokasi: planned.
        Direncanakan = ("direncanakan", "Direncanakan", "Planned"),
        /// Konseling, advokasi: under way.
        Berlangsung = ("berlangsung", "Berlangsung", "In progress"),
        /// Konseling, rujukan: on hold.
        Ditunda = ("ditunda", "Ditunda", "On hold"),
        /// Konseling: stopped before its end.
        Dihentikan = ("dihentikan", "Dihentikan", "Stopped"),
        /// Advokasi: succeeded.
        Berhasil = ("berhasil", "Berhasil", "Succeeded"),
        /// Advokasi: did not succeed.
        TidakBerhasil = ("tidak_berhasil", "Tidak berhasil", "Did not succeed"),
        /// Rujukan: drafted, not yet sent.
        Draf = ("draf", "Draf", "Draft"),
        /// Rujukan: sent to the partner.
        Dikirim = ("dikirim", "Dikirim", "Sent"),
        /// Rujukan: accepted by the partner.
        Diterima = ("diterima", "Diterima", "Accepted"),
        /// Rujukan: being handled by the partner.
        Diproses = ("diproses", "Diproses", "In progress at the partner"),
        /// Rujukan: refused by the partner.
        Ditolak = ("ditolak", "Ditolak", "Rejected"),
        /// Rujukan: failed.
        Gagal = ("gagal", "Gagal", "Failed"),
        /// Konsultasi, konseling, rujukan: finished.
        Selesai = ("selesai", "Selesai", "Completed"),
        /// Konsultasi, rujukan: cancelled.
        Dibatalkan = ("dibatalkan", "Dibatalkan", "Cancelled"),
    }
}

labelled_enum! {
    /// The name of a service step, as used in the service tables and as the
    /// `type` tag of [`super::ServiceCommand`].
    pub enum ServiceCommandKind {
        /// Open the service (the `open_service` case command).
        Open = ("open", "Buka layanan", "Open"),
        /// Informasi: give it.
        Provide = ("provide", "Berikan informasi", "Provide"),
        /// Informasi: not available.
        MarkUnavailable = ("mark_unavailable", "Nyatakan tidak tersedia", "Mark unavailable"),
        /// Konsultasi, konseling: hold a session.
        HoldSession = ("hold_session", "Laksanakan sesi", "Hold a session"),
        /// Konsultasi: the client did not come.
        MarkNoShow = ("mark_no_show", "Catat tidak hadir", "Mark no-show"),
        /// Konsultasi: schedule again after a no-show.
        Reschedule = ("reschedule", "Jadwalkan ulang", "Reschedule"),
        /// Finish the service.
        Complete = ("complete", "Selesaikan", "Complete"),
        /// Cancel with a reason.
        Cancel = ("cancel", "Batalkan", "Cancel"),
        /// Put on hold with a reason.
        Postpone = ("postpone", "Tunda", "Put on hold"),
        /// Resume after a hold.
        Resume = ("resume", "Lanjutkan", "Resume"),
        /// Stop before the end, with a reason.
        Stop = ("stop", "Hentikan", "Stop"),
        /// Advokasi: start.
        Start = ("start", "Mulai", "Start"),
        /// Advokasi: record an action (mediation, letter, accompaniment).
        RecordAction = ("record_action", "Catat tindakan advokasi", "Record an action"),
        /// Advokasi: succeeded.
        Succeed = ("succeed", "Nyatakan berhasil", "Succeed"),
        /// Advokasi, rujukan: failed, with a reason.
        Fail = ("fail", "Nyatakan gagal", "Fail"),
        /// Rujukan: send to the partner.
        Send = ("send", "Kirim rujukan", "Send"),
        /// Rujukan: the partner accepts.
        Accept = ("accept", "Terima rujukan", "Accept"),
        /// Rujukan: the partner refuses, with a reason.
        Reject = ("reject", "Tolak rujukan", "Reject"),
        /// Rujukan: the partner starts handling it.
        Process = ("process", "Proses rujukan", "Start handling"),
        /// Rujukan: a second person approves the consent override of the sending.
        ApproveOverride = ("approve_override", "Setujui pengecualian persetujuan", "Approve the consent override"),
    }
}

impl ServiceCommandKind {
    /// Steps the partner takes on a referral: recorded by the partner's own
    /// staff (`mitra`) or by LK3 staff on its behalf, which the event says.
    pub fn is_partner_step(self) -> bool {
        matches!(
            self,
            Self::Accept | Self::Reject | Self::Process | Self::Postpone | Self::Resume | Self::Complete | Self::Fail
        )
    }
}
