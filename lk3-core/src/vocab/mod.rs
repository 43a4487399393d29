//! The domain vocabulary: every closed list a user reads in the regulation or
//! says at work, each value with an Indonesian id and two labels.
//!
//! Sources are tagged as in `shared/research/domain.md`: **\[R\]** read in a
//! source, **\[I\]** our reading of practice, **\[M\]** recalled and not yet checked
//! against the official text.

mod age;
mod aid;
mod channel;
mod machine;
mod pmks;
mod problem;
mod reason;
mod record;
mod role;
mod sasaran;
mod service;
mod stage;
mod task;

pub use age::{AgeBand, age};
pub use aid::{AdvocacyAction, AidItem, FeedbackOutcome, FundingSource};
pub use channel::ContactChannel;
pub use machine::{CaseCommandKind, OutreachCommandKind, OutreachState, ServiceCommandKind, ServiceState};
pub use pmks::Pmks;
pub use problem::Problem;
pub use reason::{
    AssignmentReason, EmergencyReason, RefusalReason, ReopenReason, ServiceReason, TerminationReason, TransferReason,
    TransferRefusal, VoidReason,
};
pub use record::{AccessPurpose, AttachmentKind, ContentType, Sensitivity};
pub use role::{Profession, Role};
pub use sasaran::Sasaran;
pub use service::{ConsentPurpose, ProtectivePartner, ReferralPriority, ServiceKind};
pub use stage::Stage;
pub use task::TaskKind;
