//! The context a command is decided in: who, when, which command id, which
//! randomness for new ids, and the rule set for newly opened cases.

use chrono::{DateTime, SubsecRound, Utc};

use crate::event::Actor;
use crate::ids::{CommandId, IdSeed};
use crate::rules::RuleSetId;

/// Everything [`Case::decide`](crate::Decider::decide) needs from outside: the core has
/// no clock and no random source, so time and randomness come in here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommandContext {
    /// Who issues the command.
    pub actor: Actor,
    /// When (UTC). Truncated to microseconds, the precision every store keeps.
    pub at: DateTime<Utc>,
    /// The command's id, for idempotency.
    pub command_id: CommandId,
    /// Ten random bytes for the ids of the events the command produces.
    pub seed: IdSeed,
    /// The rule set a new case or outreach is opened under, when pinned;
    /// `None`: the one in force on the unit's local opening date
    /// ([`RuleSetId::in_force_on`]). An open stream always uses the rule set
    /// it was opened under, whatever this says.
    pub rule_set: Option<RuleSetId>,
}

impl CommandContext {
    /// A context; a stream it opens takes the rule set in force on its local
    /// opening date (pin one with [`CommandContext::under`]).
    pub fn new(actor: Actor, at: DateTime<Utc>, command_id: CommandId, seed: IdSeed) -> Self {
        CommandContext { actor, at: at.trunc_subsecs(6), command_id, seed, rule_set: None }
    }

    /// The context with a rule set pinned for a stream it opens.
    pub fn under(self, rule_set: RuleSetId) -> Self {
        CommandContext { rule_set: Some(rule_set), ..self }
    }
}
