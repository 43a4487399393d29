//! Inputs the fuzzer found (`fuzz/`, FUZZING.md), each kept as a test of the
//! normal suite.

use chrono::{Datelike, Duration};
use lk3_core::CommandContext;
use lk3_core::Decider;
use lk3_core::case::{Case, CaseCommand, CaseEvent};
use lk3_core::event::{Actor, Event};
use lk3_core::ids::{CommandId, IdSeed, StaffId};
use lk3_core::outreach::{Outreach, OutreachCommand, OutreachEvent};
use lk3_core::schema::{CaseDocument, OutreachDocument};
use lk3_core::validate::{Limits, validate};
use lk3_core::vocab::Role;
use serde::de::DeserializeOwned;

fn fixture_events<P: DeserializeOwned>(name: &str) -> Vec<Event<P>> {
    #[derive(serde::Deserialize)]
    struct Doc<P> {
        events: Vec<Event<P>>,
    }
    let path = format!("{}/../tests/fixtures/valid/{name}", env!("CARGO_MANIFEST_DIR"));
    let doc: Doc<P> = serde_json::from_slice(&std::fs::read(&path).expect("the fixture")).expect("its events");
    doc.events
}

fn ctx(role: Role, last: &Event<impl Sized>) -> CommandContext {
    let at = last.occurred_at + Duration::days(1);
    let seed = IdSeed::new([7; 10]);
    CommandContext::new(Actor::staff(role, StaffId::new_v7(at, seed)), at, CommandId::new_v7(at, seed), seed)
}

/// The values of `values` for which a command built from `template` (its
/// `{}` replaced) is accepted by `decide` but the export of the stream after
/// it is refused by `validate`. A value refused on parsing or by `decide` is
/// fine: what the core accepts, it must be able to export and import again.
fn accepted_but_unexportable(
    values: &[String],
    template: &str,
    decide_and_export: impl Fn(&str) -> Option<Vec<u8>>,
) -> Vec<String> {
    values
        .iter()
        .filter(|value| {
            let json = template.replace("{}", value);
            decide_and_export(&json).is_some_and(|export| !validate(&export, None, &Limits::default()).valid)
        })
        .cloned()
        .collect()
}

/// Dates and times chrono reads but RFC 3339 does not allow: second 60 at
/// any minute (a leap second to chrono), a year before 0 or after 9999.
/// `decide` accepts them, the schemas' `date` / `date-time` formats refuse
/// the export, so the store would write what it cannot import again.
/// Whatever the core does with such a value (refuse it, or normalise it),
/// the export of what it accepts must validate.
#[test]
fn dates_and_times_outside_rfc_3339_never_make_an_export_invalid() {
    let years = ["-019", "+10000", "-0001"];

    let outreach_events = fixture_events::<OutreachEvent>("outreach-dilaporkan.json");
    let state = Outreach::replay(&outreach_events).expect("a valid fixture");
    let octx = ctx(Role::PekerjaSosial, outreach_events.last().expect("events"));
    let year = octx.at.year() + 1;
    // The fuzzer's input first, then other years outside 0000-9999 and a
    // leap second at every kind of minute (only 23:59:60 UTC is RFC 3339's).
    let times: Vec<String> = ["3058-03-05T01:00:60Z".to_owned()]
        .into_iter()
        .chain(years.map(|y| format!("{y}-03-05T01:00:00Z")))
        .chain(["01:00:60Z", "12:30:60.5Z", "23:59:60Z", "23:59:60+07:00"].map(|t| format!("{year}-03-05T{t}")))
        .collect();
    let planned =
        accepted_but_unexportable(&times, r#"{"mobile_unit":false,"planned_for":"{}","type":"schedule"}"#, |json| {
            let command: OutreachCommand = serde_json::from_str(json).ok()?;
            let events = state.decide(&command, &octx).ok()?;
            let mut after = state.clone();
            events.iter().for_each(|e| after.apply(e));
            let stream = outreach_events.iter().cloned().chain(events).collect();
            Some(serde_json::to_vec(&OutreachDocument::new(after, stream)).expect("serialises"))
        });

    let case_events = fixture_events::<CaseEvent>("case-bimbingan-lanjut-aid.json");
    let case = Case::replay(&case_events).expect("a valid fixture");
    let cctx = ctx(Role::Bendahara, case_events.last().expect("events"));
    let dates: Vec<String> = years.iter().map(|y| format!("{y}-03-04")).collect();
    let given = accepted_but_unexportable(
        &dates,
        r#"{"aid":{"aid_id":"01694640-1a40-7000-8000-000000000035","funding":"baznas","given_on":"{}",
            "item":"kacamata","quantity":1,"recipient":"01694636-f280-7101-8101-010101010101"},"type":"record_aid"}"#,
        |json| {
            let command: CaseCommand = serde_json::from_str(json).ok()?;
            let events = case.decide(&command, &cctx).ok()?;
            let mut after = case.clone();
            events.iter().for_each(|e| after.apply(e));
            let stream = case_events.iter().cloned().chain(events).collect();
            Some(serde_json::to_vec(&CaseDocument::new(after, stream)).expect("serialises"))
        },
    );

    assert!(
        planned.is_empty() && given.is_empty(),
        "accepted by decide, refused by validate in the export: planned_for {planned:?}, given_on {given:?}"
    );
}
