//! Clients' roles in a case: a perpetrator is never a child's guardian in
//! that case, for every rule set and every stage that records a consent.

use crate::common;

use common::World;
use lk3_core::Labelled;
use lk3_core::case::{Case, CaseClient, CaseCommandKind as K, ClientRole};
use lk3_core::decider::Decider;
use lk3_core::ids::{ClientId, IdSeed};
use lk3_core::rules::RuleSetId;
use lk3_core::{ErrorCode, Lk3Error};

/// Every row of the case table that records a consent: a child's consent
/// naming the registered perpetrator as guardian is refused (`LK3-E023`,
/// naming both), naming another adult of the case is accepted.
#[test]
fn a_perpetrator_never_consents_for_a_child_of_the_case() {
    let mut rows = 0;
    for rule_set in RuleSetId::all() {
        for row in rule_set.rules().transitions().iter().filter(|t| t.command == K::RecordConsent) {
            let Some(stage) = row.from else { continue };
            let mut w = World::new().under(rule_set);
            let father = ClientId::new_v7(w.now, IdSeed::new([0x66; 10]));
            w.perpetrator = Some(father);
            let (mut case, mut events) = w.case_at(stage);
            assert!(case.clients().iter().any(|c| c.client_id == father && c.role == Some(ClientRole::Pelaku)));
            let by = w.permitted_actor(Some(stage), K::RecordConsent);
            let child = w.child;
            let to_father = w.consent_command(child, Some(father));
            let e = case.decide(&to_father, &w.ctx(by)).expect_err("the perpetrator as guardian");
            assert_eq!(e.code(), ErrorCode::GuardianRequired, "{rule_set} {stage}: {e}");
            assert!(e.message_en().contains("perpetrator") && e.message_en().contains(&father.to_string()), "{e}");
            assert!(e.message_id().contains("pelaku"), "{}", e.message_id());
            let to_mother = w.consent_command(child, Some(w.adult));
            let ok = case.decide(&to_mother, &w.ctx(by)).expect("the mother as guardian");
            case.apply(&ok[0]);
            events.extend(ok);
            assert_eq!(Case::replay(&events).expect("replays"), case);
            rows += 1;
        }
    }
    let expected: usize = RuleSetId::all()
        .iter()
        .map(|r| r.rules().transitions().iter().filter(|t| t.command == K::RecordConsent && t.from.is_some()).count())
        .sum();
    assert_eq!(rows, expected);
}

/// A role is part of the event when given, and absent from the JSON (so
/// from the hash) when not: earlier histories read as before.
#[test]
fn a_role_is_recorded_when_given_and_absent_when_not() {
    let at = chrono::DateTime::from_timestamp(1_554_685_200, 0).expect("time");
    let id = ClientId::new_v7(at, IdSeed::new([1; 10]));
    let plain = serde_json::to_value(CaseClient { client_id: id, minor: false, role: None }).expect("json");
    assert!(plain.get("role").is_none(), "{plain}");
    for role in ClientRole::ALL {
        let with = CaseClient { client_id: id, minor: false, role: Some(*role) };
        let json = serde_json::to_value(with).expect("json");
        assert_eq!(json["role"], role.id());
        assert_eq!(serde_json::from_value::<CaseClient>(json).expect("reads back"), with);
    }
}

/// Every row of the case table that sets a role: a role is set, changed and
/// cleared (the event saying the role before), setting the role a client has
/// is refused, and a child's guardian in a consent in force is never made the
/// perpetrator (`LK3-E023`).
#[test]
fn a_role_is_set_changed_and_never_makes_a_guardian_the_perpetrator() {
    use lk3_core::case::{CaseCommand, CaseEvent};
    let mut rows = 0;
    for rule_set in RuleSetId::all() {
        for row in rule_set.rules().transitions().iter().filter(|t| t.command == K::SetClientRole) {
            let Some(stage) = row.from else { continue };
            let mut w = World::new().under(rule_set);
            let (mut case, mut events) = w.case_at(stage);
            let by = w.permitted_actor(Some(stage), K::SetClientRole);
            let adult = w.adult;
            let set = |role| CaseCommand::SetClientRole { client_id: adult, role };
            let guards = case.consents().iter().any(|c| c.withdrawn_at.is_none() && c.consent.guardian == Some(adult));
            if guards {
                let e = case.decide(&set(Some(ClientRole::Pelaku)), &w.ctx(by)).expect_err("guardian as perpetrator");
                assert_eq!(e.code(), ErrorCode::GuardianRequired, "{rule_set} {stage}: {e}");
            }
            for (role, previous) in [
                (Some(ClientRole::Wali), None),
                (Some(ClientRole::Saksi), Some(ClientRole::Wali)),
                (None, Some(ClientRole::Saksi)),
            ] {
                let ok = case.decide(&set(role), &w.ctx(by)).expect("set");
                assert_eq!(ok[0].payload, CaseEvent::ClientRoleSet { client_id: adult, previous, role });
                case.apply(&ok[0]);
                events.extend(ok);
                assert_eq!(case.clients().iter().find(|c| c.client_id == adult).and_then(|c| c.role), role);
            }
            let e = case.decide(&set(None), &w.ctx(by)).expect_err("the same role");
            assert_eq!(e.code(), ErrorCode::InvalidCommand, "{e}");
            assert_eq!(Case::replay(&events).expect("replays"), case);
            rows += 1;
        }
    }
    assert!(rows >= 18, "{rows} rows");
}
