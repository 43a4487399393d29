//! The `Case` aggregate: a case's lifecycle (DESIGN §5) as a decider.
//!
//! [`Case::decide`](crate::Decider::decide) checks a [`CaseCommand`] against the case's state and its
//! rule set and returns the events it produces, or a [`CommandError`] and no
//! events. [`Case::apply`](crate::Decider::apply) folds an event into the state. The state is always
//! the fold of its events, so the audit trail is the data itself.

mod command;
mod decide;
mod error;
mod event;
mod records;
mod service_step;
mod state;

pub use command::{CaseCommand, CaseCommandKind};
pub use error::{CommandError, CommandProblem, Reference, Violation};
pub use event::CaseEvent;
pub use records::{
    Aid, CaseAttachment, CaseClient, CaseNote, ClientRole, Consent, ConsentForm, ExternalReference, IncomingReferral,
    Kept, MAX_ATTACHMENT_BYTES, MAX_REFERENCE_CHARS, PlanItem, RiskLevel, Transfer, TransferState,
};
pub use state::{Case, ConsentRecord, DisclosureGap, PlanProposal, ProtectiveReferral};

/// An event of a case, in its envelope.
pub type CaseEventRecord = crate::event::Event<CaseEvent>;
