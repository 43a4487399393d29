//! What a rule set says of each service and of outreach beyond their
//! tables: whether a service carries a partner, whether it can resolve a
//! contact on the spot, its default deadlines; outreach's visit limit.

use chrono::Duration;

use super::{OutreachRequirement, ServiceRequirement, Table};
use crate::vocab::{OutreachCommandKind, OutreachState, ServiceCommandKind, ServiceKind, ServiceState, TaskKind};

/// A service's state machine.
pub type ServiceTable = Table<ServiceState, ServiceCommandKind, ServiceRequirement>;

/// The outreach machine.
pub type OutreachTable = Table<OutreachState, OutreachCommandKind, OutreachRequirement>;

/// One service a rule set offers inside a case.
#[derive(Debug, Clone)]
pub struct ServiceSpec {
    /// The service.
    pub kind: ServiceKind,
    /// Its machine.
    pub table: ServiceTable,
    /// Whether it is delivered by a partner of the network, named when it is
    /// opened (a referral): opening it needs a referral draft, and only it may have one.
    pub partner: bool,
    /// Whether one instance of it can resolve a contact on the spot (a
    /// one-off service that needs no plan).
    pub resolves_contact: bool,
    /// How long a partner has to answer when the sender sets no deadline
    /// (services with a partner).
    pub response_time: Option<Duration>,
    /// Where the service and its machine come from, tagged `\[R\]`, `\[I\]` or `\[M\]`.
    pub source: String,
}

/// Outreach (penjangkauan) under a rule set: its own machine and stream.
#[derive(Debug, Clone)]
pub struct OutreachSpec {
    /// Its machine.
    pub table: OutreachTable,
    /// How many visits it may carry out before it must be closed.
    pub max_attempts: u32,
    /// Where it comes from, tagged.
    pub source: String,
}

/// How long after the work arises a task falls due, for the tasks whose due
/// date the rule set sets (a referral's answer and an outreach visit are due
/// when the referral and the schedule say).
#[derive(Debug, Clone)]
pub struct Deadline {
    /// The task.
    pub task: TaskKind,
    /// How long after the work arises it is due.
    pub within: Duration,
    /// Where the duration comes from, tagged.
    pub source: String,
}
