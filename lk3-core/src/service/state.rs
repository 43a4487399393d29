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
