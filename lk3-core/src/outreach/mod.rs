//! Penjangkauan (outreach, "jemput bola") as its own aggregate (DESIGN §6).
//!
//! An outreach exists before any case: someone (usually a Ketua RT or a
//! Bhabinkamtibmas) reports a person who may need help, a social worker
//! visits, often with the mobile unit (mobil LK3), and when the person agrees
//! the outreach opens a case or joins one. Its machine, per rule set
//! (the rule set's [`crate::rules::OutreachSpec`]):
//!
//! ```text
//! report -> dilaporkan -> dijadwalkan -> dilaksanakan -> bersedia (opens or joins a case)
//!                                                      -> menolak (with a reason)
//!                                                      -> tidak_ditemukan -> dijadwalkan (another visit)
//!                                                                         -> ditutup (with a reason)
//!           dilaporkan -> ditutup (with a reason)
//! ```
//!
//! Visits are limited: after the rule set's
//! [`max_attempts`](crate::rules::OutreachSpec::max_attempts) visits carried
//! out (3 under both shipped rule sets), `schedule` is refused with
//! [`OutreachViolation::AttemptsExhausted`] and only `close` is left.
//!
//! [`Outreach::decide`](crate::Decider::decide) checks an [`OutreachCommand`] against the state and
//! the table and returns the events or an [`OutreachError`] and no events;
//! [`Outreach::apply`](crate::Decider::apply) folds an event in. Events use the same envelope and
//! hash chain as cases ([`crate::event`]), with the outreach id as stream id.
//! They never hold a name, NIK or address: the place is a kode wilayah and the
//! person, once they agree, a client registry id (DESIGN §7).
//!
//! An RT head reports a neglected older woman; the first visit does not find
//! her, the second does, and she agrees: the event links the new case.
//!
//! ```
//! use chrono::{Duration, TimeZone, Utc};
//! use lk3_core::event::Actor;
//! use lk3_core::ids::*;
//! use lk3_core::outreach::*;
//! use lk3_core::vocab::{Problem, Role, Sasaran};
//! use lk3_core::{CommandContext, Decider};
//!
//! let start = Utc.with_ymd_and_hms(2019, 4, 8, 1, 0, 0).unwrap();
//! let seed = |n: u8| IdSeed::new([n; 10]);
//! let sekretaris = Actor::staff(Role::Sekretaris, StaffId::new_v7(start, seed(1)));
//! let peksos = Actor::staff(Role::PekerjaSosial, StaffId::new_v7(start, seed(2)));
//! let case_id = CaseId::new_v7(start, seed(4));
//! let visit = |days| OutreachCommand::Schedule { planned_for: start + Duration::days(days), mobile_unit: true };
//! let steps = [
//!     (sekretaris, OutreachCommand::Report {
//!         outreach_id: OutreachId::new_v7(start, seed(3)),
//!         unit: "13.71".parse()?,
//!         reported_by: ReporterKind::KetuaRt,
//!         sasaran: Sasaran::Individu,
//!         problems: vec![Problem::LansiaTerlantar],
//!         kode_wilayah: Some("13.71.01.1001".parse()?),
//!     }),
//!     (peksos, visit(1)),
//!     (peksos, OutreachCommand::CarryOut {}),
//!     (peksos, OutreachCommand::RecordNotFound {}),
//!     (peksos, visit(3)),
//!     (peksos, OutreachCommand::CarryOut {}),
//!     (peksos, OutreachCommand::RecordAgreement {
//!         case: CaseLink::Opens { case_id },
//!         client_id: ClientId::new_v7(start, seed(5)),
//!     }),
//! ];
//!
//! let mut outreach = Outreach::default();
//! let mut events = Vec::new();
//! for (i, (actor, command)) in steps.iter().enumerate() {
//!     let (at, n) = (start + Duration::hours(i as i64), 10 + 2 * i as u8);
//!     let ctx = CommandContext::new(*actor, at, CommandId::new_v7(at, seed(n)), seed(n + 1));
//!     events.extend(outreach.execute(command, &ctx)?);
//! }
//!
//! assert_eq!(outreach.state(), Some(OutreachState::Bersedia));
//! assert_eq!(outreach.attempts(), 2);
//! assert_eq!(outreach.case_link(), Some(CaseLink::Opens { case_id }));
//! assert_eq!(Outreach::replay(&events)?, outreach);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod command;
mod decide;
mod error;
mod event;
mod state;

pub use command::{
    CaseLink, OutreachCloseReason, OutreachCommand, OutreachCommandKind, OutreachRefusalReason, ReporterKind,
};
pub use error::{OutreachError, OutreachProblem, OutreachViolation};
pub use event::OutreachEvent;
pub use state::{Outreach, OutreachState, OutreachVisit};

/// An event of an outreach, in its envelope.
pub type OutreachEventRecord = crate::event::Event<OutreachEvent>;
