//! The LK3 services as typed state machines (DESIGN §6).
//!
//! The services of a case's rule set live inside the case as service
//! instances (under 16/2013: informasi, konsultasi, konseling, advokasi and
//! rujukan; 25/2017 adds pendampingan, perlindungan and pembelajaran); a
//! case can hold many, of several kinds, planned by its intervention plan or
//! opened on their own. Penjangkauan (outreach) can exist before any case
//! and is its own aggregate, [`crate::outreach`].
//!
//! Each machine is a [`crate::rules::Table`] of the rule set's service
//! catalogue ([`crate::rules::RuleSet::service`]); [`Case::decide`](crate::Decider::decide) looks every service step up in
//! it, after the case's own table has allowed the step in the case's stage.
//! Rujukan follows the HL7 SDOH closed-loop referral Task \[R: peers.md §2\]:
//! a reason on every refusal, cancellation, hold and failure; the partner's
//! feedback to complete; the partner's steps may be recorded by LK3 staff on
//! its behalf, and the event says so; sending needs every client's consent to
//! disclose to that partner, or an audited emergency override that a second
//! person must approve before the referral can be completed; a response
//! deadline makes the referral overdue.

mod command;
mod instance;
mod state;

pub use crate::rules::ServiceTable;
pub use command::{ParticipantCount, PartnerFeedback, ReferralDraft, ReferralRequest, ServiceCommand};
pub use instance::ServiceInstance;
pub use state::{ServiceCommandKind, ServiceState};
