//! The bodies of the fuzz targets (one function per target, called by the
//! thin binaries in `fuzz_targets/`) and the fixed states commands are
//! decided against. See FUZZING.md.
//!
//! A crash is a panic, an abort, a hang or running out of memory; the bodies
//! also panic when an invariant the store relies on breaks: a report that
//! calls itself valid with errors in it, a parsed command that does not
//! round-trip through JSON, events from `decide` that the store's own batch
//! check refuses, or an export of decided events that does not validate and
//! import again.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use chrono::{DateTime, Duration, TimeZone, Utc};
use lk3_core::{CommandContext, DomainError};
use lk3_core::case::{Case, CaseCommand};
use lk3_core::event::{Actor, Event};
use lk3_core::ids::{CommandId, IdSeed, StaffId};
use lk3_core::outreach::{Outreach, OutreachCommand, OutreachViolation};
use lk3_core::validate::{Finding, KINDS, Limits, Report, Severity, validate};
use lk3_core::vocab::Role;
use lk3_storage::aggregate::{self, Aggregate};
use lk3_storage::document;
use serde::de::DeserializeOwned;

/// `validate` with the kind detected (`None`), and forced to the kind the
/// input's length picks: every kind is tried across the corpus, and the
/// fuzzer moves a document to another schema by adding a space. (All eleven
/// kinds for every input would cut the executions a second sixfold.)
pub fn validate_target(data: &[u8]) {
    let limits = Limits::default();
    let forced = KINDS[data.len() % KINDS.len()];
    for kind in [None, Some(forced)] {
        check_report(&validate(data, kind, &limits), kind);
    }
}

/// The import of one export document, as `lk3 import` does it.
pub fn import_target(data: &[u8]) {
    if let Ok(batch) = document::import_batch("fuzz.json", data, &Limits::default()) {
        assert!(!batch.events.is_empty(), "an imported stream without events");
        assert_eq!(batch.expected_version, 0, "an imported stream continues another");
    }
}

/// A case command parsed as the CLI and Python do, then decided against
/// every fixed case state.
pub fn case_command_target(data: &[u8]) {
    if let Ok(command) = lk3_core::json::from_slice::<CaseCommand>(data, "a command") {
        round_trips(&command);
        for state in &states().cases {
            decide_as_staff(state, &command);
        }
    }
}

/// An outreach command parsed, then decided against every fixed outreach
/// state.
pub fn outreach_command_target(data: &[u8]) {
    if let Ok(command) = lk3_core::json::from_slice::<OutreachCommand>(data, "a command") {
        round_trips(&command);
        for state in &states().outreaches {
            decide_as_staff(state, &command);
        }
    }
}

fn check_report(report: &Report, kind: Option<&str>) {
    let errors = report.findings.iter().any(|f| f.severity == Severity::Error);
    assert_eq!(report.valid, !errors, "valid disagrees with the findings under {kind:?}: {report:?}");
    assert!(!report.valid || report.structurally_valid, "valid but not structurally valid under {kind:?}");
    assert!(report.valid || !report.findings.is_empty(), "invalid without a finding under {kind:?}");
}

/// What the CLI accepts, it can write back and read again unchanged.
fn round_trips<T: serde::Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(command: &T) {
    let json = serde_json::to_vec(command).expect("a parsed command serialises");
    let back: T = serde_json::from_slice(&json).expect("a serialised command parses");
    assert_eq!(&back, command, "a command changed on the way through JSON");
}

/// A state built from a valid fixture, with the time a next command is
/// decided at and the staff who acted last (to be refused where a second
/// person is required).
pub struct Fixed<A: Aggregate> {
    /// The fixture file it comes from (for a crash report).
    pub name: String,
    /// The fold of the fixture's events.
    pub state: A,
    /// One day after its last event.
    pub at: DateTime<Utc>,
    /// The staff member of the last event, if any.
    pub last_staff: Option<StaffId>,
    /// The fixture's events.
    pub events: Vec<Event<A::Payload>>,
}

/// Every fixed state, read once.
pub struct States {
    /// Case states: a new case and every valid case fixture.
    pub cases: Vec<Fixed<Case>>,
    /// Outreach states: a new outreach and every valid outreach fixture.
    pub outreaches: Vec<Fixed<Outreach>>,
}

/// The fixed states, built on first use from `tests/fixtures/valid`.
pub fn states() -> &'static States {
    static STATES: OnceLock<States> = OnceLock::new();
    STATES.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/valid");
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|entry| entry.expect("a fixture directory entry").path())
            .collect();
        files.sort();
        let named = |prefix: &str, not: &[&str]| {
            files
                .iter()
                .filter(|p| {
                    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
                    name.starts_with(prefix) && !not.iter().any(|n| name.starts_with(n))
                })
                .cloned()
                .collect::<Vec<_>>()
        };
        let states = States {
            cases: fixed(&named("case-", &[])),
            outreaches: fixed(&named("outreach-", &["outreach-command-", "outreach-event-"])),
        };
        assert!(states.cases.len() > 10 && states.outreaches.len() > 5, "too few fixture states");
        states
    })
}

fn fixed<A: Aggregate>(files: &[PathBuf]) -> Vec<Fixed<A>> {
    #[derive(serde::Deserialize)]
    struct Events<P> {
        events: Vec<Event<P>>,
    }
    let new = Fixed {
        name: "(new)".to_owned(),
        state: A::default(),
        at: Utc.with_ymd_and_hms(2019, 3, 4, 1, 0, 0).single().expect("a fixed time"),
        last_staff: None,
        events: Vec::new(),
    };
    let mut states = vec![new];
    for file in files {
        let bytes = std::fs::read(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let doc: Events<A::Payload> =
            serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let (_, state) =
            aggregate::encode(&A::default(), &doc.events).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let last = doc.events.last().expect("a fixture stream has events");
        states.push(Fixed {
            name: file.display().to_string(),
            state,
            at: last.occurred_at + Duration::days(1),
            last_staff: Some(last.actor.staff_id),
            events: doc.events.clone(),
        });
    }
    states
}

/// Decides the command as a new staff member and as the last one to act,
/// each in every role the rule set allows for it (the first try, as a
/// ketua, reports which roles those are), so a command gets past the role
/// check to the rules behind it.
fn decide_as_staff<A: Aggregate>(fixed: &Fixed<A>, command: &A::Command) {
    let seed = IdSeed::new([7; 10]);
    let fresh = StaffId::new_v7(fixed.at, IdSeed::new([9; 10]));
    for staff_id in std::iter::once(fresh).chain(fixed.last_staff) {
        let ctx =
            |role| CommandContext::new(Actor::staff(role, staff_id), fixed.at, CommandId::new_v7(fixed.at, seed), seed);
        match decide_checked(fixed, command, &ctx(Role::Ketua)) {
            Some(roles) => {
                for role in roles {
                    decide_checked(fixed, command, &ctx(role));
                }
            }
            None => continue,
        }
    }
}

/// Decides once. Accepted events must make a batch the store takes (one
/// command, chained to the state, seq continuing), and the stream's export
/// document must validate and import again, as `lk3 export` then `lk3
/// import` would. Returns the roles allowed when the actor's role was
/// refused.
fn decide_checked<A: Aggregate>(fixed: &Fixed<A>, command: &A::Command, ctx: &CommandContext) -> Option<Vec<Role>> {
    match fixed.state.decide(command, ctx).map_err(Into::into) {
        Ok(events) => {
            let name = &fixed.name;
            let (batch, after) = aggregate::batch(&fixed.state, &events)
                .unwrap_or_else(|e| panic!("{name}: decide's events are refused by the store: {e}"));
            assert_eq!(after.head().version, fixed.state.head().version + events.len() as u64, "{name}");
            assert_eq!(batch.events.len(), events.len(), "{name}");
            let mut stream = fixed.events.clone();
            stream.extend(events);
            let length = stream.len();
            let export = serde_json::to_vec(&after.document(stream)).expect("a document serialises");
            let report = validate(&export, None, &Limits::default());
            let errors: Vec<&Finding> = report.findings.iter().filter(|f| f.severity == Severity::Error).collect();
            assert!(report.valid, "{name}: decide accepted what validate refuses: {errors:?}");
            let imported = document::import_batch(name, &export, &Limits::default())
                .unwrap_or_else(|e| panic!("{name}: the export of decided events does not import: {e}"));
            assert_eq!(imported.events.len(), length, "{name}");
            None
        }
        Err(DomainError::Case(e)) => match e.violation {
            lk3_core::case::Violation::RoleNotAllowed { allowed_roles, .. } => Some(allowed_roles),
            _ => None,
        },
        Err(DomainError::Outreach(e)) => match e.violation {
            OutreachViolation::RoleNotAllowed { allowed_roles, .. } => Some(allowed_roles),
            _ => None,
        },
        Err(e) => panic!("{}: decide failed with an unknown refusal: {e}", fixed.name),
    }
}
