//! The service vocabulary's names live in [`crate::vocab`]; what the code
//! knows of them beyond the tables is here.

pub use crate::vocab::{ServiceCommandKind, ServiceState};

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

impl ServiceState {
    /// The FHIR R4 `Task.status` code a referral in this state has (the
    /// SDOHCC referral Task's value set), `None` for states of the other
    /// services.
    pub fn fhir_task_status(self) -> Option<&'static str> {
        Some(match self {
            Self::Draf => "draft",
            Self::Dikirim => "requested",
            Self::Diterima => "accepted",
            Self::Diproses => "in-progress",
            Self::Ditunda => "on-hold",
            Self::Selesai => "completed",
            Self::Gagal => "failed",
            Self::Ditolak => "rejected",
            Self::Dibatalkan => "cancelled",
            Self::SalahCatat => "entered-in-error",
            _ => return None,
        })
    }
}
