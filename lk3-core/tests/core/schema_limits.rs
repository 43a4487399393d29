//! Honest schemas: wherever a JSON Schema can say it, the published schemas
//! refuse what the deciders refuse, and nothing else.
//!
//! Every row of `common/limits.rs` breaks a valid document at one place: the
//! validator must report `LK3-E070` there and nowhere else (for an event
//! inside a case or outreach document, the event alone too), and its twin
//! must refuse it as well: `Case::decide` the broken command with the row's
//! problem, `Partner::validate` the broken partner at the same place. A
//! document row names the problem of the command that would have written the
//! value, and that command has a row of its own.
//!
//! Every `CommandProblem` and `PartnerProblemKind` is classified below
//! (`mirror`): in the schema, partly, or not expressible, with the reason.
//! The match has no wildcard, so a new refusal does not compile until it is
//! placed. The other refusals of `decide` (`Violation`, `OutreachViolation`)
//! all depend on the case's state, the actor or the time, none on the
//! command alone: the stage's rule-set row, the actor's role, consent and
//! guardians on record, a second person, open services, a known reference,
//! the time of the last event.

use crate::common;
use crate::limits;

use lk3_core::Decider;
use std::collections::BTreeSet;

use limits::{Base, Built, Twin, limits, most_attempts, partner_id};
use lk3_core::Labelled;
use lk3_core::case::{Case, CaseCommand, CommandProblem, Violation};
use lk3_core::event::Actor;
use lk3_core::outreach::{Outreach, OutreachCommand, OutreachViolation, ReporterKind};
use lk3_core::partner::{Partner, PartnerProblemKind, is_valid_slug};
use lk3_core::rules::RuleSetId;
use lk3_core::validate::{Finding, Limits, Severity, validate};
use lk3_core::vocab::{Role, Sasaran, ServiceKind};
use serde_json::{Value, json};

/// How far a schema mirrors a refusal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mirror {
    /// The schema refuses every command (and event) the refusal covers.
    Whole,
    /// The schema refuses part of it; the rest needs what the reason says.
    Partly(&'static str),
    /// A schema cannot express it, for the reason given.
    Not(&'static str),
}

const STATE: &str = "depends on the case's state, not on the command";
const BY_KEY: &str = "uniqueItems refuses an item listed twice alike; the same id (or sasaran) on two different \
                      items needs uniqueness by key, which JSON Schema lacks";

fn mirror(problem: CommandProblem) -> Mirror {
    use CommandProblem as P;
    match problem {
        P::NoClients
        | P::OnSpotService
        | P::NoPurpose
        | P::EmptyPlan
        | P::NoProblems
        | P::NoPartner
        | P::ReferralOnlyForRujukan
        | P::NotACaseService
        | P::InvalidQuantity
        | P::AttachmentSize => Mirror::Whole,
        P::DuplicateClient => Mirror::Partly(BY_KEY),
        P::DuplicateId => Mirror::Partly("a plan item listed twice alike; an id used before in the case is state"),
        P::InvalidParticipants => Mirror::Partly(BY_KEY),
        P::PlanVersionMismatch => Mirror::Partly("version 0 is never a proposal's; which one is current is state"),
        P::ActorPartner => Mirror::Not("the actor is the event envelope's (the command context's), not the command's"),
        P::CounterExhausted => Mirror::Not("a counter of the case's state at its type's maximum (forged history)"),
        P::NoClientsRegistered
        | P::NoSession
        | P::ConsentAlreadyWithdrawn
        | P::ReplacesLiveReferral
        | P::AlreadyReplaced
        | P::SameWorker
        | P::SameRole
        | P::SameUnit
        | P::TransferPending
        | P::NoTransferPending => Mirror::Not(STATE),
        P::ParticipantsRequired => Mirror::Not("depends on the case's sasaran, recorded by the contact before"),
        P::DeadlineNotAfterSending => Mirror::Not("compares the deadline with the command's time"),
        P::CaseNumberOfAnotherUnit => Mirror::Not("compares the case number with the unit, another field's value"),
        P::CaseNumberOfAnotherYear => Mirror::Not("compares the case number's year with the command's local date"),
        P::AidDateAfterCommand => Mirror::Not("compares the hand-over date with the command's local date"),
        P::NoRuleSetInForce => Mirror::Not("depends on the registered rule sets and the unit's local opening date"),
        P::ServiceNotOffered => Mirror::Not("which services a case may use is its rule set's catalogue: state"),
        P::SasaranNotAccepted => {
            Mirror::Not("which sasaran a rule set names is its own; the schema takes every rule set's")
        }
        P::TimeOutOfRange => Mirror::Partly(
            "the date and date-time formats refuse years past 9999 and most leap seconds; the first year, 1900, is decide's",
        ),
    }
}

fn partner_mirror(problem: PartnerProblemKind) -> Mirror {
    use PartnerProblemKind as P;
    match problem {
        P::NamaKosong
        | P::NamaTerlaluPanjang
        | P::SlugTidakSah
        | P::TanpaLayananAktif
        | P::TanpaLokasi
        | P::AlamatKosong
        | P::AlamatTerlaluPanjang => Mirror::Whole,
        P::IdGanda => Mirror::Not("service and location ids unique among objects: uniqueness by key"),
    }
}

fn errors(doc: &Value, kind: &str) -> Vec<Finding> {
    let bytes = serde_json::to_vec(doc).expect("serialisable");
    validate(&bytes, Some(kind), &Limits::default())
        .findings
        .into_iter()
        .filter(|f| f.severity == Severity::Error)
        .collect()
}

/// The schema's verdict: `Ok` when valid, else the pointers of its findings
/// (which must all be `LK3-E070`).
fn schema(doc: &Value, kind: &str) -> Result<(), BTreeSet<String>> {
    let found = errors(doc, kind);
    if found.is_empty() {
        return Ok(());
    }
    assert!(found.iter().all(|f| f.code == "LK3-E070"), "{kind}: not only schema findings: {found:#?}");
    Err(found.into_iter().map(|f| f.pointer).collect())
}

/// Decides `doc` as a command on the base's case.
fn decide(built: &mut Built, doc: &Value) -> Result<(), Violation> {
    let (case, actor): (Case, Actor) = built.case.clone().expect("a command base");
    let cmd: CaseCommand = serde_json::from_value(doc.clone()).expect("the broken command still parses");
    let ctx = built.world.ctx(actor);
    case.decide(&cmd, &ctx).map(|_| ()).map_err(|e| e.violation)
}

fn refused(problem: CommandProblem) -> Result<(), Violation> {
    Err(Violation::InvalidCommand { problem })
}

#[test]
fn every_limit_is_refused_by_the_schema_and_by_its_twin() {
    let table = limits();
    let mut names = BTreeSet::new();
    let command_twins: BTreeSet<String> =
        table.iter().filter(|l| l.base.is_command()).map(|l| format!("{:?}", l.twin)).collect();
    for limit in &table {
        let name = limit.name;
        assert!(names.insert(name), "{name} is in the table twice");
        let mut built = limit.base.build();
        let kind = built.kind;
        assert_eq!(limit.base.is_command(), kind == "command", "{name}: Base::is_command");
        assert_eq!(schema(&built.doc, kind), Ok(()), "{name}: the base is valid");
        let (broken, pointer, finding) = limit.apply(&built.doc);
        assert_eq!(schema(&broken, kind), Err(BTreeSet::from([finding.clone()])), "{name}: refused at {finding} only");

        // An event of a document: its schema refuses it alone too.
        if let Some(rest) = pointer.strip_prefix("/events/") {
            let (index, _) = rest.split_once('/').expect("a member of an event");
            let event = &broken["events"][index.parse::<usize>().expect("an index")];
            let alone = finding.strip_prefix(&format!("/events/{index}")).expect("the finding is in the event");
            let event_kind = if kind == "outreach" { "outreach-event" } else { "event" };
            assert_eq!(schema(event, event_kind), Err(BTreeSet::from([alone.to_owned()])), "{name}: the event alone");
        }

        match (limit.twin, kind) {
            (Twin::Decide(problem), "command") => {
                let base = built.doc.clone();
                assert_eq!(decide(&mut built, &base), Ok(()), "{name}: decide accepts the base");
                assert_eq!(decide(&mut built, &broken), refused(problem), "{name}: decide refuses it");
            }
            (Twin::Decide(_), _) => {
                let twin = format!("{:?}", limit.twin);
                assert!(command_twins.contains(&twin), "{name}: no command row refuses with {twin}");
            }
            (Twin::Partner(problem), "partner") => {
                let partner: Partner = serde_json::from_value(broken.clone()).expect("the broken partner parses");
                let problems: Vec<_> = partner.validate().into_iter().map(|p| (p.kind, p.pointer)).collect();
                assert_eq!(problems, [(problem, finding.clone())], "{name}: Partner::validate");
            }
            (Twin::AttemptsExhausted | Twin::Assigned, "case" | "outreach") => {}
            (twin, kind) => panic!("{name}: a {twin:?} row on a {kind} base"),
        }
    }
}

#[test]
fn every_refusal_is_classified_and_the_classification_holds() {
    let table = limits();
    let rows = |twin: Twin| table.iter().filter(|l| l.twin == twin).count();
    for problem in CommandProblem::ALL {
        let mirror = mirror(*problem);
        let commands = table.iter().filter(|l| l.twin == Twin::Decide(*problem) && l.base.is_command());
        match mirror {
            Mirror::Whole | Mirror::Partly(_) => {
                assert!(commands.count() > 0, "{problem:?} is in the schema ({mirror:?}) but has no command row");
            }
            Mirror::Not(_) => assert_eq!(rows(Twin::Decide(*problem)), 0, "{problem:?} is classified not expressible"),
        }
    }
    for problem in PartnerProblemKind::ALL {
        match partner_mirror(*problem) {
            Mirror::Whole | Mirror::Partly(_) => assert!(rows(Twin::Partner(*problem)) > 0, "{problem:?} has no row"),
            Mirror::Not(_) => assert_eq!(rows(Twin::Partner(*problem)), 0, "{problem:?} is not expressible"),
        }
    }
}

/// Every service kind in each place a command names one: the schema accepts
/// it exactly when `decide` does.
#[test]
fn service_kinds_agree_with_decide() {
    let partner = json!(partner_id());
    for kind in ServiceKind::ALL {
        let k = json!(kind.id());
        let referral = if *kind == ServiceKind::Rujukan { json!({ "partner_id": partner }) } else { Value::Null };
        let cases: [(Base, &[(&str, &Value)]); 4] = [
            (Base::ResolveOnSpot, &[("/service", &k)]),
            (Base::OpenService, &[("/kind", &k), ("/referral", &referral)]),
            (Base::ProposePlan, &[("/items/0/service", &k)]),
            (Base::ProposePlan, &[("/items/0/service", &k), ("/items/0/partner_id", &partner)]),
        ];
        for (base, changes) in cases {
            // The schema takes what some rule set's `decide` takes: which rule
            // set a case is under is its state, not the command's.
            let mut verdicts = Vec::new();
            let mut by_schema = None;
            for rule_set in RuleSetId::all() {
                let mut built = limits::built_under(rule_set, || base.build());
                let mut doc = built.doc.clone();
                for (pointer, value) in changes {
                    limits::set(&mut doc, pointer, (*value).clone());
                }
                by_schema = Some(schema(&doc, "command").is_ok());
                verdicts.push((rule_set, decide(&mut built, &doc)));
            }
            let by_schema = by_schema.expect("a rule set");
            let by_decide = verdicts.iter().any(|(_, v)| v.is_ok());
            assert_eq!(by_schema, by_decide, "{base:?} {changes:?}: schema {by_schema}, decide {verdicts:?}");
        }
    }
}

fn partner_with(pointer: &str, value: Value) -> (bool, Vec<PartnerProblemKind>) {
    let mut doc = Base::Partner.build().doc;
    *doc.pointer_mut(pointer).expect("a member") = value;
    let partner: Partner = serde_json::from_value(doc.clone()).expect("a partner");
    (schema(&doc, "partner").is_ok(), partner.validate().into_iter().map(|p| p.kind).collect())
}

/// Blank is what `str::trim` removes, to the schema as to `Partner::validate`:
/// every whitespace character, and characters other regex engines treat as
/// space but Rust does not.
#[test]
fn blank_means_the_same_to_the_schema_and_to_partner_validate() {
    let edges = ['\u{1c}', '\u{1f}', '\u{180e}', '\u{200b}', '\u{2060}', '\u{feff}', 'a', '.'];
    let chars = ('\0'..=char::MAX).filter(|c| c.is_whitespace()).chain(edges);
    for c in chars {
        for text in [c.to_string(), format!("{c}{c}")] {
            let (ok, problems) = partner_with("/name", json!(text));
            assert_eq!(ok, problems.is_empty(), "name {:?}: schema {ok}, validate {problems:?}", text);
            let (ok, problems) = partner_with("/locations/0/address", json!(text));
            assert_eq!(ok, problems.is_empty(), "address {:?}: schema {ok}, validate {problems:?}", text);
        }
    }
}

/// Lengths are counted in characters (code points), not bytes or UTF-16 units.
#[test]
fn lengths_count_characters() {
    for (c, n) in ['x', 'Ä', '😀'].into_iter().flat_map(|c| [199, 200, 201].map(|n| (c, n))) {
        let (ok, problems) = partner_with("/name", json!(c.to_string().repeat(n)));
        assert_eq!(ok, problems.is_empty(), "{n} × {c:?}");
        assert_eq!(ok, n <= lk3_core::partner::MAX_NAME_CHARS, "{n} × {c:?}");
    }
    for n in [499, 500, 501] {
        let (ok, problems) = partner_with("/locations/0/address", json!("😀".repeat(n)));
        assert_eq!((ok, problems.is_empty()), (n <= 500, n <= 500), "address of {n}");
    }
}

/// Every ASCII character in a slug, first and later, and the longest slugs.
#[test]
fn slugs_mean_the_same_to_the_schema_and_to_is_valid_slug() {
    let max = lk3_core::partner::MAX_SLUG_CHARS;
    let ascii = (0u8..128).map(char::from);
    let slugs = ascii.flat_map(|c| [c.to_string(), format!("a{c}"), format!("{c}1")]).chain([
        "a".repeat(max),
        "a".repeat(max + 1),
        "-".repeat(2),
        String::new(),
        "é".into(),
    ]);
    for slug in slugs {
        let (ok, _) = partner_with("/services/0/service_id", json!(slug));
        assert_eq!(ok, is_valid_slug(&slug), "service id {slug:?}");
        let (ok, _) = partner_with("/locations/0/location_id", json!(slug));
        assert_eq!(ok, is_valid_slug(&slug), "location id {slug:?}");
    }
}

/// The schema's last visit number is the rule set's: an outreach numbers its
/// visits 1 ... the schema takes each, and `decide` refuses the
/// next `schedule`.
#[test]
fn visits_stop_where_the_schema_stops() {
    let mut built = Base::Outreach.build();
    let rule_set = RuleSetId::permensos_25_2017();
    assert_eq!(rule_set.rules().outreach.max_attempts, most_attempts(), "one rule set: its limit is the schema's");
    let w = &mut built.world;
    let mut outreach = Outreach::default();
    let mut events = Vec::new();
    let run = |w: &mut common::World, outreach: &mut Outreach, cmd: OutreachCommand| {
        let ctx = w.ctx(w.actor(Role::PekerjaSosial, false));
        outreach.execute(&cmd, &ctx)
    };
    let report = OutreachCommand::Report {
        outreach_id: lk3_core::ids::OutreachId::new_v7(w.now, w.fresh_seed()),
        unit: "64.74".parse().expect("a unit code"),
        reported_by: ReporterKind::Warga,
        sasaran: Sasaran::Individu,
        problems: vec![],
        kode_wilayah: None,
    };
    events.extend(run(w, &mut outreach, report).expect("reported"));
    let schedule = |w: &common::World| OutreachCommand::Schedule { planned_for: w.now, mobile_unit: false };
    for _ in 0..rule_set.rules().outreach.max_attempts {
        let s = schedule(w);
        events.extend(run(w, &mut outreach, s).expect("a visit left"));
        events.extend(run(w, &mut outreach, OutreachCommand::CarryOut {}).expect("carried out"));
        events.extend(run(w, &mut outreach, OutreachCommand::RecordNotFound {}).expect("not found"));
    }
    for e in &events {
        assert_eq!(schema(&serde_json::to_value(e).expect("json"), "outreach-event"), Ok(()), "{e:?}");
    }
    let s = schedule(w);
    let refusal = run(w, &mut outreach, s).map(|_| ()).map_err(|e| e.violation);
    let max = rule_set.rules().outreach.max_attempts;
    assert_eq!(refusal, Err(OutreachViolation::AttemptsExhausted { attempts: max, max_attempts: max }));
    let doc = serde_json::to_value(lk3_core::schema::OutreachDocument::new(outreach, events)).expect("json");
    assert_eq!(doc["outreach"]["attempts"], json!(max));
    assert_eq!(schema(&doc, "outreach"), Ok(()), "a whole outreach to the last visit");
}
