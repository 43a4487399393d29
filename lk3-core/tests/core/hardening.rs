//! Rules added after probing from outside (issue 10): case numbers that
//! belong to the case, disclosure that needs clients, aid not dated ahead.
//! Each is checked on `decide` (the store's path) and on the validator (a
//! document re-sealed by someone else), generated over the time zones and
//! the instants around each local new year.

use crate::common;

use chrono::{DateTime, Datelike, Duration, TimeZone, Utc};
use common::World;
use lk3_core::Decider;
use lk3_core::case::{Case, CaseCommand, CaseEvent, CommandProblem, Violation};
use lk3_core::ids::{CaseId, CaseNumber, PartnerId, ServiceId, TimeZoneId, UnitCode};
use lk3_core::service::{ReferralDraft, ServiceCommand};
use lk3_core::vocab::{AidItem, ContactChannel, EmergencyReason, FundingSource, Role, Sasaran, ServiceKind, Stage};
use lk3_core::{ErrorCode, Lk3Error};

/// One unit per time zone, with the zone lk3 must place it in.
const UNITS: [(&str, TimeZoneId); 3] =
    [("31.71", TimeZoneId::Wib), ("64.74", TimeZoneId::Wita), ("94.71", TimeZoneId::Wit)];

fn contact(w: &mut World, unit: &UnitCode, number: CaseNumber) -> CaseCommand {
    CaseCommand::RecordContact {
        case_id: CaseId::new_v7(w.now, w.fresh_seed()),
        unit: *unit,
        case_number: number,
        channel: ContactChannel::DatangLangsung,
        sasaran: Sasaran::Individu,
        referred_by: None,
    }
}

/// Records a contact at `at` and returns what decide says.
fn open_at(unit: &UnitCode, number: CaseNumber, at: DateTime<Utc>) -> Result<(), Violation> {
    let mut w = World::new();
    w.now = at - Duration::minutes(1);
    let cmd = contact(&mut w, unit, number);
    let ctx = w.ctx(w.actor(Role::Sekretaris, false));
    Case::default().decide(&cmd, &ctx).map(drop).map_err(|e| e.violation)
}

fn invalid(problem: CommandProblem) -> Result<(), Violation> {
    Err(Violation::InvalidCommand { problem })
}

#[test]
fn a_case_number_is_the_units_own_of_the_local_opening_year() {
    for (code, zone) in UNITS {
        let unit: UnitCode = code.parse().expect("a unit code");
        assert_eq!(unit.time_zone(), Some(zone), "{code}");
        for year in [2018, 2019, 2025] {
            // Local midnight of 1 January, and one minute either side of it.
            let midnight = zone.offset().with_ymd_and_hms(year, 1, 1, 0, 0, 0).single().expect("a time");
            for shift in [-1, 0, 1] {
                let at = (midnight + Duration::minutes(shift)).with_timezone(&Utc);
                let local_year = if shift < 0 { year - 1 } else { year };
                let number = |y: i32| CaseNumber::new(unit, u16::try_from(y).expect("a year"), 1);
                assert_eq!(open_at(&unit, number(local_year), at), Ok(()), "{code} at {at}");
                for wrong in [local_year - 1, local_year + 1, local_year + 12] {
                    assert_eq!(
                        open_at(&unit, number(wrong), at),
                        invalid(CommandProblem::CaseNumberOfAnotherYear),
                        "{code} at {at}: {wrong}"
                    );
                }
                // The UTC year differs from the local one just after local midnight.
                if at.year() != local_year {
                    assert_eq!(open_at(&unit, number(at.year()), at), invalid(CommandProblem::CaseNumberOfAnotherYear));
                }
                for (other, _) in UNITS.iter().filter(|(c, _)| *c != code) {
                    let theirs =
                        CaseNumber::new(other.parse().expect("a unit"), u16::try_from(local_year).unwrap_or(0), 1);
                    assert_eq!(open_at(&unit, theirs, at), invalid(CommandProblem::CaseNumberOfAnotherUnit));
                }
            }
        }
    }
}

#[test]
fn a_community_unit_has_numbers_of_its_own() {
    let at = Utc.with_ymd_and_hms(2019, 6, 1, 3, 0, 0).single().expect("a time");
    let community: UnitCode = "13.71-RAUDAH".parse().expect("a unit");
    let dinas: UnitCode = "13.71".parse().expect("a unit");
    assert_eq!(open_at(&community, CaseNumber::new(community, 2019, 1), at), Ok(()));
    assert_eq!(
        open_at(&community, CaseNumber::new(dinas, 2019, 1), at),
        invalid(CommandProblem::CaseNumberOfAnotherUnit)
    );
}

/// A case at kontak (no client registered) with a rujukan opened to a partner.
fn referral_at_kontak() -> (World, Case, ServiceId, PartnerId) {
    let mut w = World::new();
    let (mut case, mut events) = w.case_at(Stage::Kontak);
    assert!(case.clients().is_empty());
    let service_id = ServiceId::new_v7(w.now, w.fresh_seed());
    let partner_id = PartnerId::new_v7(w.now, w.fresh_seed());
    let open = CaseCommand::OpenService {
        service_id,
        kind: ServiceKind::Rujukan,
        referral: Some(ReferralDraft { partner_id }),
    };
    w.run(&mut case, &mut events, w.actor(Role::PekerjaSosial, false), open);
    (w, case, service_id, partner_id)
}

#[test]
fn a_referral_before_any_client_goes_out_only_as_an_audited_emergency() {
    let (mut w, case, service_id, partner_id) = referral_at_kontak();
    let send = |emergency| CaseCommand::ServiceStep {
        service_id,
        step: ServiceCommand::Send { response_deadline: None, emergency, request: Default::default() },
    };
    let ctx = w.ctx(w.actor(Role::PekerjaSosial, false));
    let err = case.decide(&send(None), &ctx).expect_err("no client consented");
    assert_eq!(err.violation, Violation::DisclosureWithoutClients { partner_id });
    assert_eq!(err.code(), ErrorCode::DisclosureConsentRequired);
    assert!(err.message_id().contains("klien") && err.to_string().contains("no registered client"));

    let events = case.decide(&send(Some(EmergencyReason::AncamanKeselamatan)), &ctx).expect("the emergency path");
    match &events[0].payload {
        CaseEvent::ServiceStepRecorded { consent_override, .. } => assert!(consent_override, "flagged for audit"),
        other => panic!("unexpected {other:?}"),
    }
    assert!(events[0].payload.is_audit_flagged());
}

#[test]
fn a_protective_referral_before_any_client_is_an_override() {
    let mut w = World::new();
    let (case, _) = w.case_at(Stage::Kontak);
    let cmd = CaseCommand::SendProtectiveReferral {
        referral_id: lk3_core::ids::ReferralId::new_v7(w.now, w.fresh_seed()),
        partner: lk3_core::vocab::ProtectivePartner::PolisiUppa,
        partner_id: Some(PartnerId::new_v7(w.now, w.fresh_seed())),
        reason: EmergencyReason::KekerasanBerlanjut,
    };
    let ctx = w.ctx(w.actor(Role::PekerjaSosial, false));
    let events = case.decide(&cmd, &ctx).expect("an emergency may always go");
    match &events[0].payload {
        CaseEvent::ProtectiveReferralSent { consent_override, .. } => assert!(consent_override),
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn aid_is_not_dated_after_the_day_it_is_recorded() {
    for (code, zone) in UNITS {
        let mut w = World::new();
        w.unit = code;
        let (case, _) = w.case_at(Stage::Intervensi);
        let ctx = w.ctx(w.actor(Role::Bendahara, false));
        let today = ctx.at.with_timezone(&zone.offset()).date_naive();
        for (days, accepted) in [(-30, true), (0, true), (1, false), (400, false)] {
            let aid = lk3_core::case::Aid {
                aid_id: lk3_core::ids::AidId::new_v7(w.now, w.fresh_seed()),
                funding: FundingSource::Baznas,
                given_on: today + Duration::days(days),
                item: AidItem::Sembako,
                quantity: 1,
                recipient: w.adult,
            };
            let got = case.decide(&CaseCommand::RecordAid { aid }, &ctx).map(drop).map_err(|e| e.violation);
            let want = if accepted { Ok(()) } else { invalid(CommandProblem::AidDateAfterCommand) };
            assert_eq!(got, want, "{code}: {days} days");
        }
    }
}

/// Times and dates lk3 cannot record (the fuzzer's finding: chrono reads a
/// leap second at any minute and years outside 0000–9999, RFC 3339 does
/// not), on every field of a command that holds one, and on the clock.
#[test]
fn times_lk3_cannot_record_are_refused_wherever_they_appear() {
    let out_of_range: Vec<DateTime<Utc>> = vec![
        "2058-03-05T01:00:60Z".parse().expect("a leap second"),
        Utc.with_ymd_and_hms(1899, 12, 31, 23, 0, 0).single().expect("a time"),
        "+10000-01-01T00:00:00Z".parse().expect("year 10000"),
    ];
    let refused = Err(Violation::InvalidCommand { problem: CommandProblem::TimeOutOfRange });
    for bad in &out_of_range {
        // The clock: any command at such a time.
        let mut w = World::new();
        let unit: UnitCode = "64.74".parse().expect("unit");
        let cmd = contact(&mut w, &unit, CaseNumber::new(unit, 2019, 1));
        let mut ctx = w.ctx(w.actor(Role::Sekretaris, false));
        ctx.at = *bad;
        assert_eq!(Case::default().decide(&cmd, &ctx).map(drop).map_err(|e| e.violation), refused, "clock {bad}");
        // A referral's response deadline.
        let (mut w, case, service_id, _) = referral_at_kontak();
        let send = CaseCommand::ServiceStep {
            service_id,
            step: ServiceCommand::Send {
                response_deadline: Some(*bad),
                emergency: Some(EmergencyReason::AncamanKeselamatan),
                request: Default::default(),
            },
        };
        let ctx = w.ctx(w.actor(Role::PekerjaSosial, false));
        assert_eq!(case.decide(&send, &ctx).map(drop).map_err(|e| e.violation), refused, "deadline {bad}");
        // An outreach visit's planned time.
        let mut w = World::new();
        let (outreach, at) = common_outreach(&mut w);
        let schedule = lk3_core::outreach::OutreachCommand::Schedule { planned_for: *bad, mobile_unit: true };
        let err = outreach.decide(&schedule, &at).expect_err("refused");
        assert_eq!(err.code(), ErrorCode::InvalidCommand, "planned {bad}");
    }
    // An aid's hand-over date before 1900.
    let mut w = World::new();
    let (case, _) = w.case_at(Stage::Intervensi);
    let ctx = w.ctx(w.actor(Role::Bendahara, false));
    let aid = lk3_core::case::Aid {
        aid_id: lk3_core::ids::AidId::new_v7(w.now, w.fresh_seed()),
        funding: FundingSource::Baznas,
        given_on: chrono::NaiveDate::from_ymd_opt(1899, 12, 31).expect("a date"),
        item: AidItem::Sembako,
        quantity: 1,
        recipient: w.adult,
    };
    assert_eq!(case.decide(&CaseCommand::RecordAid { aid }, &ctx).map(drop).map_err(|e| e.violation), refused);
}

/// A reported outreach and a context to decide its next command in.
fn common_outreach(w: &mut World) -> (lk3_core::outreach::Outreach, lk3_core::CommandContext) {
    use lk3_core::outreach::{Outreach, OutreachCommand};
    let report = OutreachCommand::Report {
        outreach_id: lk3_core::ids::OutreachId::new_v7(w.now, w.fresh_seed()),
        unit: "64.74".parse().expect("unit"),
        reported_by: lk3_core::outreach::ReporterKind::KetuaRt,
        sasaran: Sasaran::Individu,
        problems: vec![],
        kode_wilayah: None,
    };
    let mut outreach = Outreach::default();
    outreach.execute(&report, &w.ctx(w.actor(Role::Sekretaris, false))).expect("reported");
    (outreach, w.ctx(w.actor(Role::PekerjaSosial, false)))
}
