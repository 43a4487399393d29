//! The decider kernel: one pipeline for every machine that keeps its own
//! event stream (a [`crate::case::Case`], an [`crate::outreach::Outreach`]).
//!
//! A machine says what is its own (its table, how a requirement is checked,
//! how a command becomes an event payload, how an event folds, and which
//! command an event records); the kernel runs the steps every machine shares,
//! in one order: the stream exists (or, for the opening command, does not) →
//! a table row for (state, command) → the actor's role → the clock → each
//! requirement of the row → the payload → the seal.
//!
//! The same pipeline judges events that were not decided here: [`Decider::replay`]
//! re-decides every event from the command it records, with its recorded
//! actor, time and ids, and accepts it only when `decide` gives that very
//! event back. A rule is therefore written once, in the table or in the
//! machine's checks, and holds for every event, whoever wrote it.

use chrono::{DateTime, SubsecRound, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::context::CommandContext;
use crate::error::{ErrorCode, Lk3Error};
use crate::event::{ChainError, Event, Hash, verify_chain};
use crate::ids::{EventId, IdSeed, UnitCode};
use crate::label::Labelled;
use crate::rules::{RuleSetId, Table};
use crate::vocab::Role;

/// Whether a command is issued now or re-decided from a recorded event:
/// the one difference is the actor written before partner binding.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// A command issued now.
    Now,
    /// A command an event in a history records.
    History,
}

/// A refusal of the shared pipeline, turned into the machine's own
/// violation type by `From`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The stream does not exist and the command does not open one.
    NotFound,
    /// The command opens a stream that already exists.
    Exists(Uuid),
    /// The table has no row for the command in the state.
    TransitionNotAllowed,
    /// The row does not list the actor's role.
    RoleNotAllowed {
        /// The actor's role.
        role: Role,
        /// The roles the row lists.
        allowed_roles: Vec<Role>,
    },
    /// A `mitra` actor without its partner, or another role naming one.
    ActorPartner,
    /// The actor names a unit other than the one that acts on the stream.
    OtherUnit {
        /// The unit whose staff act on it.
        unit: UnitCode,
        /// The actor's unit.
        actor_unit: Option<UnitCode>,
    },
    /// The command's time is one lk3 cannot record.
    TimeOutOfRange,
    /// The command is dated before the stream's last event.
    TimeRunsBackwards {
        /// The last event's time.
        last: DateTime<Utc>,
        /// The command's time.
        at: DateTime<Utc>,
    },
    /// The stream's event counter is exhausted.
    CounterExhausted,
    /// An opening command with no rule set pinned, on a local date no rule set covers.
    NoRuleSetInForce,
    /// The event could not be serialised for hashing.
    Serialization(String),
}

/// Why staff of `actor_unit` may not act where `unit`'s staff do (English).
pub(crate) fn other_unit_en(unit: &UnitCode, actor_unit: Option<&UnitCode>) -> String {
    match actor_unit {
        Some(actor) => format!("staff of unit {actor} act only on what their unit holds; this is unit {unit}'s"),
        None => format!("only staff naming unit {unit} as theirs answer a transfer to it"),
    }
}

/// Why staff of `actor_unit` may not act where `unit`'s staff do (Indonesian).
pub(crate) fn other_unit_id(unit: &UnitCode, actor_unit: Option<&UnitCode>) -> String {
    match actor_unit {
        Some(actor) => {
            format!("staf unit {actor} hanya bertindak atas yang dipegang unitnya; ini dipegang unit {unit}")
        }
        None => format!("hanya staf yang menyebut unit {unit} sebagai unitnya yang menjawab pengalihan ke unit itu"),
    }
}

/// Implements `From<Refusal>` for a machine's violation type, whose shared
/// variants (`TransitionNotAllowed`, `RoleNotAllowed`, `TimeRunsBackwards`,
/// `InvalidCommand { problem }`, `Serialization`) have the same names in every
/// machine; the machine names its own "not found" and "exists".
macro_rules! refusal_into {
    ($violation:ident, $problem:ident, $not_found:expr, |$id:ident| $exists:expr) => {
        impl From<$crate::decider::Refusal> for $violation {
            fn from(refusal: $crate::decider::Refusal) -> Self {
                use $crate::decider::Refusal as R;
                match refusal {
                    R::NotFound => $not_found,
                    R::Exists($id) => $exists,
                    R::TransitionNotAllowed => $violation::TransitionNotAllowed,
                    R::RoleNotAllowed { role, allowed_roles } => $violation::RoleNotAllowed { role, allowed_roles },
                    R::ActorPartner => $violation::InvalidCommand { problem: $problem::ActorPartner },
                    R::OtherUnit { unit, actor_unit } => $violation::OtherUnit { unit, actor_unit },
                    R::TimeOutOfRange => $violation::InvalidCommand { problem: $problem::TimeOutOfRange },
                    R::TimeRunsBackwards { last, at } => $violation::TimeRunsBackwards { last, at },
                    R::CounterExhausted => $violation::InvalidCommand { problem: $problem::CounterExhausted },
                    R::NoRuleSetInForce => $violation::InvalidCommand { problem: $problem::NoRuleSetInForce },
                    R::Serialization(message) => $violation::Serialization { message },
                }
            }
        }
    };
}
pub(crate) use refusal_into;

/// Where a stream stands: what the pipeline needs of its fold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Head<S> {
    /// The stream's id, once opened.
    pub stream_id: Option<Uuid>,
    /// The machine's state (`None`: not opened yet).
    pub state: Option<S>,
    /// The rule set the stream was opened under (`None` before it is opened).
    pub rule_set: Option<RuleSetId>,
    /// The seq of the last event (0 before the first).
    pub version: u64,
    /// The last event's hash.
    pub last_hash: Hash,
    /// When the last event happened.
    pub last_at: Option<DateTime<Utc>>,
}

impl<S> Head<S> {
    /// A head from its parts, in field order.
    pub fn new(
        stream_id: Option<Uuid>,
        state: Option<S>,
        rule_set: Option<RuleSetId>,
        (version, last_hash, last_at): (u64, Hash, Option<DateTime<Utc>>),
    ) -> Self {
        Head { stream_id, state, rule_set, version, last_hash, last_at }
    }
}

/// The rule set in force on `unit`'s local date at `at`; `None` when no
/// registered rule set covers it, or when the unit's zone is unknown and the
/// possible local dates fall under different rule sets.
pub fn in_force(unit: &UnitCode, at: DateTime<Utc>) -> Option<RuleSetId> {
    let (earliest, latest) = unit.local_dates(at);
    let chosen = RuleSetId::in_force_on(earliest);
    (chosen == RuleSetId::in_force_on(latest)).then_some(chosen).flatten()
}

/// A machine with its own event stream, decided by one pipeline.
///
/// Implementors supply the machine's parts; `decide`, `execute`, `replay`
/// and `from_events` are written once here.
pub trait Decider: Default + Clone {
    /// The machine's commands.
    type Command;
    /// The payload of its events.
    type Payload: Serialize + Clone + PartialEq;
    /// Its states.
    type State: Labelled + PartialEq;
    /// Its command kinds (the table's column).
    type Kind: Labelled + PartialEq;
    /// What its table rows may require: a closed, machine-own type, so a
    /// requirement the machine does not check cannot be put in its table.
    type Requirement: Copy + 'static;
    /// The rule a refused command broke.
    type Violation: From<Refusal>;
    /// A refused command, as callers see it.
    type Error: Lk3Error + Into<DomainError>;

    /// The machine's table under `rule_set`.
    fn table(rule_set: RuleSetId) -> &'static Table<Self::State, Self::Kind, Self::Requirement>;
    /// The command's kind.
    fn kind(command: &Self::Command) -> Self::Kind;
    /// The stream the command opens, when it is the machine's opening command.
    fn opens(command: &Self::Command) -> Option<Uuid>;
    /// The unit an opening command opens the stream in: its local date
    /// chooses the rule set when the context pins none.
    fn opening_unit(command: &Self::Command) -> Option<&UnitCode>;
    /// The unit whose staff act on `command`: the one holding the stream
    /// (the opening unit for a command that opens it). An actor who names
    /// another unit is refused (`LK3-E144`); one who names none is not asked.
    fn acting_unit(&self, command: &Self::Command) -> Option<UnitCode>;
    /// Where the stream stands.
    fn head(&self) -> Head<Self::State>;
    /// Checks one requirement of the row.
    fn check(
        &self,
        requirement: Self::Requirement,
        command: &Self::Command,
        ctx: &CommandContext,
        rule_set: RuleSetId,
    ) -> Result<(), Self::Violation>;
    /// Checks the command's content and builds the payload of its event.
    fn payload(
        &self,
        command: &Self::Command,
        ctx: &CommandContext,
        rule_set: RuleSetId,
    ) -> Result<Self::Payload, Self::Violation>;
    /// The error for a refusal of `kind` under `rule_set` (`None`: no rule
    /// set could be chosen).
    fn refuse(&self, kind: Self::Kind, rule_set: Option<RuleSetId>, violation: Self::Violation) -> Self::Error;
    /// Folds one event. Trusts its input: events from outside go through
    /// [`Decider::replay`].
    fn apply(&mut self, event: &Event<Self::Payload>);
    /// The command an event records (every event kind maps back to one:
    /// an exhaustive match, so a new event kind cannot be forgotten).
    fn command_of(event: &Event<Self::Payload>) -> Self::Command;

    /// Decides a command: the events it produces, or the rule it breaks.
    /// Nothing changes either way; apply the events to move on.
    fn decide(&self, command: &Self::Command, ctx: &CommandContext) -> Result<Vec<Event<Self::Payload>>, Self::Error> {
        let decided = self.decide_unsealed(command, ctx)?;
        let refuse = |r: Refusal| self.refuse(Self::kind(command), Some(decided.rule_set), r.into());
        let head = self.head();
        let mut event = Event {
            event_id: EventId::new_v7(decided.at, ctx.seed.derive(0)),
            stream_id: decided.stream_id,
            seq: head.version.checked_add(1).ok_or_else(|| refuse(Refusal::CounterExhausted))?,
            occurred_at: decided.at,
            actor: ctx.actor,
            command_id: ctx.command_id,
            rule_set: decided.rule_set,
            payload: decided.payload,
            prev_hash: head.last_hash,
            hash: Hash::GENESIS,
        };
        event.seal_in_place().map_err(|e| refuse(Refusal::Serialization(e.to_string())))?;
        Ok(vec![event])
    }

    /// The pipeline without the seal: what [`Decider::decide`] seals and
    /// [`Decider::replay`] compares.
    #[doc(hidden)]
    fn decide_unsealed(
        &self,
        command: &Self::Command,
        ctx: &CommandContext,
    ) -> Result<Decided<Self::Payload>, Self::Error> {
        self.decide_written(command, ctx, Written::Now)
    }

    /// The pipeline for a command issued now or one recorded in history.
    #[doc(hidden)]
    fn decide_written(
        &self,
        command: &Self::Command,
        ctx: &CommandContext,
        written: Written,
    ) -> Result<Decided<Self::Payload>, Self::Error> {
        let kind = Self::kind(command);
        let head = self.head();
        // An open stream keeps its rule set for ever; a new one takes the
        // context's, else the one in force on its unit's local date.
        let rule_set = match head.state {
            Some(_) => head.rule_set,
            None => ctx.rule_set.or_else(|| Self::opening_unit(command).and_then(|u| in_force(u, ctx.at))),
        };
        let refuse_early = |v: Self::Violation| self.refuse(Self::kind(command), rule_set, v);
        let stream_id = match (head.stream_id, Self::opens(command)) {
            (None, Some(opened)) => opened,
            (None, None) => return Err(refuse_early(Refusal::NotFound.into())),
            (Some(existing), Some(_)) => return Err(refuse_early(Refusal::Exists(existing).into())),
            (Some(existing), None) => existing,
        };
        let Some(rule_set) = rule_set else {
            // A time lk3 cannot record has no local date to choose by.
            let refusal =
                if crate::time::instant_fits(ctx.at) { Refusal::NoRuleSetInForce } else { Refusal::TimeOutOfRange };
            return Err(refuse_early(refusal.into()));
        };
        let refuse = |v: Self::Violation| self.refuse(Self::kind(command), Some(rule_set), v);
        let Some(row) = Self::table(rule_set).row(head.state, kind) else {
            return Err(refuse(Refusal::TransitionNotAllowed.into()));
        };
        if !row.roles.contains(&ctx.actor.role) {
            let allowed_roles = row.roles.clone();
            return Err(refuse(Refusal::RoleNotAllowed { role: ctx.actor.role, allowed_roles }.into()));
        }
        // A partner's staff say whose staff they are; LK3 staff do not. A
        // history may hold a `mitra` naming no partner, written before lk3
        // bound partner staff to their partner: it stands (validate warns,
        // `LK3-W007`), while a command issued now must name one.
        let unbound_history = written == Written::History && ctx.actor.partner_id.is_none();
        if !ctx.actor.is_consistent() && !unbound_history {
            return Err(refuse(Refusal::ActorPartner.into()));
        }
        // Staff who name their unit act only for the unit the stream is with.
        if let (Some(actor_unit), Some(unit)) = (ctx.actor.unit, self.acting_unit(command))
            && actor_unit != unit
        {
            return Err(refuse(Refusal::OtherUnit { unit, actor_unit: Some(actor_unit) }.into()));
        }
        if !crate::time::instant_fits(ctx.at) {
            return Err(refuse(Refusal::TimeOutOfRange.into()));
        }
        // Stores keep microseconds; a context built by hand may carry more.
        let at = ctx.at.trunc_subsecs(6);
        if let Some(last) = head.last_at.filter(|last| at < *last) {
            return Err(refuse(Refusal::TimeRunsBackwards { last, at }.into()));
        }
        for requirement in &row.requires {
            self.check(*requirement, command, ctx, rule_set).map_err(refuse)?;
        }
        let payload = self.payload(command, ctx, rule_set).map_err(refuse)?;
        Ok(Decided { stream_id, rule_set, at, payload })
    }

    /// Decides a command and applies its events: the usual way to drive an
    /// in-memory machine. On refusal the state is unchanged.
    fn execute(
        &mut self,
        command: &Self::Command,
        ctx: &CommandContext,
    ) -> Result<Vec<Event<Self::Payload>>, Self::Error> {
        let events = self.decide(command, ctx)?;
        for e in &events {
            self.apply(e);
        }
        Ok(events)
    }

    /// Folds events without checking them (for streams already replayed,
    /// and for benchmarks).
    fn from_events<'a>(events: impl IntoIterator<Item = &'a Event<Self::Payload>>) -> Self
    where
        Self::Payload: 'a,
    {
        let mut state = Self::default();
        for e in events {
            state.apply(e);
        }
        state
    }

    /// Checks a whole stream and folds it: the hash chain and sequence, then
    /// every event re-decided from the command it records (see
    /// [`Decider::rederive`]). The first problem is returned.
    fn replay(events: &[Event<Self::Payload>]) -> Result<Self, ReplayError<Self::Error>> {
        verify_chain(events).map_err(ReplayError::Chain)?;
        let mut state = Self::default();
        for (index, e) in events.iter().enumerate() {
            state.rederive(e).map_err(|problem| ReplayError::Event { index, seq: e.seq, problem })?;
            state.apply(e);
        }
        Ok(state)
    }

    /// What `decide` gives for the command `event` records, with its recorded
    /// actor, time, command id and rule set (before the seal).
    fn redecide(&self, event: &Event<Self::Payload>) -> Result<Decided<Self::Payload>, Self::Error> {
        let ctx = CommandContext {
            actor: event.actor,
            at: event.occurred_at,
            command_id: event.command_id,
            seed: IdSeed::new([0; 10]),
            rule_set: Some(event.rule_set),
        };
        self.decide_written(&Self::command_of(event), &ctx, Written::History)
    }

    /// Whether `decide`, given the command `event` records with its recorded
    /// actor, time, command id and rule set, produces exactly `event`: the
    /// same payload (every field `decide` derives itself included), stream,
    /// time and rule set. Its seq, predecessor and hash are the chain's to
    /// check ([`verify_chain`], run first by every caller); the event id is
    /// the writer's.
    fn rederive(&self, event: &Event<Self::Payload>) -> Result<(), Rederived<Self::Error>> {
        let decided = self.redecide(event).map_err(Rederived::Refused)?;
        let field = if decided.payload != event.payload {
            differing_member("payload", &decided.payload, &event.payload)
        } else if decided.stream_id != event.stream_id {
            "stream_id".to_owned()
        } else if decided.rule_set != event.rule_set {
            "rule_set".to_owned()
        } else if decided.at != event.occurred_at {
            "occurred_at".to_owned()
        } else {
            return Ok(());
        };
        Err(Rederived::Differs { field })
    }
}

/// The JSON Pointer (below the event, without the leading slash) of the
/// first member where two payloads differ: `payload/consent_override`.
fn differing_member<P: Serialize>(at: &str, decided: &P, recorded: &P) -> String {
    use serde_json::Value;
    fn walk(at: String, a: &Value, b: &Value) -> String {
        match (a, b) {
            (Value::Object(x), Value::Object(y)) => {
                let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
                keys.sort();
                keys.dedup();
                match keys.into_iter().find(|k| x.get(*k) != y.get(*k)) {
                    Some(k) => match (x.get(k), y.get(k)) {
                        (Some(p), Some(q)) => walk(format!("{at}/{k}"), p, q),
                        _ => format!("{at}/{k}"),
                    },
                    None => at,
                }
            }
            (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
                match x.iter().zip(y).position(|(p, q)| p != q) {
                    Some(i) => walk(format!("{at}/{i}"), &x[i], &y[i]),
                    None => at,
                }
            }
            _ => at,
        }
    }
    match (serde_json::to_value(decided), serde_json::to_value(recorded)) {
        (Ok(a), Ok(b)) => walk(at.to_owned(), &a, &b),
        _ => at.to_owned(),
    }
}

/// What the pipeline decided, before the seal.
#[doc(hidden)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decided<P> {
    /// The stream.
    pub stream_id: Uuid,
    /// The rule set it is governed by.
    pub rule_set: RuleSetId,
    /// The command's time, as recorded.
    pub at: DateTime<Utc>,
    /// The payload.
    pub payload: P,
}

/// Why one event is not what `decide` gives for the command it records.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Rederived<E: Lk3Error> {
    /// `decide` refuses the recorded command: the event breaks a rule.
    #[error(transparent)]
    Refused(E),
    /// `decide` accepts the command but produces another event: a field it
    /// derives itself was written otherwise.
    #[error("`{field}` is not what the command this event records decides")]
    Differs {
        /// The first field that differs, as a JSON Pointer below the event
        /// without its leading slash (`payload/consent_override`, `stream_id`).
        field: String,
    },
}

impl<E: Lk3Error> Rederived<E> {
    /// The same problem with the refusal converted (e.g. into [`DomainError`]).
    pub fn map<F: Lk3Error>(self, f: impl FnOnce(E) -> F) -> Rederived<F> {
        match self {
            Rederived::Refused(e) => Rederived::Refused(f(e)),
            Rederived::Differs { field } => Rederived::Differs { field },
        }
    }
}

impl<E: Lk3Error> Lk3Error for Rederived<E> {
    fn code(&self) -> ErrorCode {
        match self {
            Self::Refused(e) => e.code(),
            Self::Differs { .. } => ErrorCode::EventNotDerived,
        }
    }

    fn message_id(&self) -> String {
        match self {
            Self::Refused(e) => e.message_id(),
            Self::Differs { field } => {
                format!("`{field}` bukan yang diputuskan oleh perintah yang dicatat peristiwa ini")
            }
        }
    }
}

/// Why a stream does not replay: the first problem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReplayError<E: Lk3Error> {
    /// The hash chain or sequence is broken.
    #[error(transparent)]
    Chain(ChainError),
    /// An event is not what `decide` gives for the command it records.
    #[error("event {seq}: {problem}")]
    Event {
        /// Its position in the stream (0-based).
        index: usize,
        /// Its seq.
        seq: u64,
        /// What is wrong with it.
        problem: Rederived<E>,
    },
}

impl<E: Lk3Error> Lk3Error for ReplayError<E> {
    fn code(&self) -> ErrorCode {
        match self {
            Self::Chain(e) => e.code(),
            Self::Event { problem, .. } => problem.code(),
        }
    }

    fn message_id(&self) -> String {
        match self {
            Self::Chain(e) => e.message_id(),
            Self::Event { seq, problem, .. } => format!("peristiwa nomor {seq}: {}", problem.message_id()),
        }
    }
}

/// A command refused by any of the machines: what a store wraps, once.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DomainError {
    /// A case refused it.
    #[error(transparent)]
    Case(crate::case::CommandError),
    /// An outreach refused it.
    #[error(transparent)]
    Outreach(crate::outreach::OutreachError),
}

impl From<crate::case::CommandError> for DomainError {
    fn from(e: crate::case::CommandError) -> Self {
        DomainError::Case(e)
    }
}

impl From<crate::outreach::OutreachError> for DomainError {
    fn from(e: crate::outreach::OutreachError) -> Self {
        DomainError::Outreach(e)
    }
}

impl Lk3Error for DomainError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::Case(e) => e.code(),
            Self::Outreach(e) => e.code(),
        }
    }

    fn message_id(&self) -> String {
        match self {
            Self::Case(e) => e.message_id(),
            Self::Outreach(e) => e.message_id(),
        }
    }

    fn message_en(&self) -> String {
        match self {
            Self::Case(e) => e.message_en(),
            Self::Outreach(e) => e.message_en(),
        }
    }
}
