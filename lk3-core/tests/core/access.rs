//! The access rule, generated from its table: every kind × sensitivity ×
//! role × purpose given or not × insider or not × the actor's unit, judged
//! against the table's row, and the table's own invariants.

use lk3_core::access::{AccessRefusal, AccessRequest, READ_RULES, ReadKind, Readable, is_logged, judge, rule};
use lk3_core::event::Actor;
use lk3_core::ids::{PartnerId, StaffId, UnitCode};
use lk3_core::vocab::{AccessPurpose, Role, Sensitivity};
use lk3_core::{ErrorCode, Labelled, Lk3Error};

fn staff(n: u128) -> StaffId {
    StaffId::from_uuid(uuid::Uuid::from_u128(n))
}

fn actor(role: Role, n: u128) -> Actor {
    match role {
        Role::Mitra => Actor::mitra(staff(n), PartnerId::from_uuid(uuid::Uuid::from_u128(99))),
        _ => Actor::staff(role, staff(n)),
    }
}

#[test]
fn every_combination_is_judged_as_its_row_says() {
    let home: UnitCode = "64.74".parse().expect("unit");
    let holder: UnitCode = "64.72".parse().expect("unit");
    let stranger: UnitCode = "64.01".parse().expect("unit");
    let insider = staff(1);
    let mut judged = 0;
    let partner = PartnerId::from_uuid(uuid::Uuid::from_u128(99));
    for (kind, sensitivity, referred) in every_readable() {
        let (kind, sensitivity) = (&kind, &sensitivity);
        {
            let readable = Readable {
                kind: *kind,
                sensitivity: *sensitivity,
                unit: home,
                holding_unit: Some(holder),
                insiders: vec![insider],
                partners: if referred { vec![partner] } else { Vec::new() },
            };
            let at = readable.read_at();
            assert_eq!(at, (*sensitivity).max(kind.floor()), "read at the stricter of its own and its kind's");
            let row = rule(at);
            for role in Role::ALL {
                for purpose in [None, Some(AccessPurpose::PenangananKasus)] {
                    for n in [1, 2] {
                        for unit in [None, Some(home), Some(holder), Some(stranger)] {
                            let mut a = actor(*role, n);
                            a.unit = unit;
                            let request = AccessRequest { actor: a, purpose, at: chrono::DateTime::UNIX_EPOCH };
                            let got = judge(&readable, &request);
                            // A partner's staff are known by their partner (whatever
                            // unit they name), LK3 staff by their unit.
                            let unknown =
                                if *role == Role::Mitra { !referred } else { unit.is_none() || unit == Some(stranger) };
                            let expected = if unknown {
                                Err(ErrorCode::AccessNotAllowed)
                            } else if row.purpose_required && purpose.is_none() {
                                Err(ErrorCode::AccessPurposeRequired)
                            } else if !row.roles.contains(role)
                                || (row.insiders_only
                                    && ![Role::Ketua, Role::PenanggungJawab].contains(role)
                                    && staff(n) != insider)
                            {
                                Err(ErrorCode::AccessNotAllowed)
                            } else {
                                Ok(at)
                            };
                            let what =
                                format!("{kind} {sensitivity} {role} {purpose:?} staff {n} unit {unit:?} {referred}");
                            assert_eq!(got.map_err(|e| e.code()), expected, "{what}");
                            if let Err(e) = got {
                                // Both languages, naming the kind; never empty.
                                assert!(!e.to_string().is_empty() && !e.message_id().is_empty(), "{what}");
                                assert!(e.message_id() != e.to_string(), "{what}: a message of its own in Indonesian");
                            }
                            judged += 1;
                        }
                    }
                }
            }
        }
    }
    assert_eq!(judged, ReadKind::ALL.len() * Sensitivity::ALL.len() * 2 * Role::ALL.len() * 2 * 2 * 4);
}

/// Every kind × sensitivity × whether the case was referred to the partner.
fn every_readable() -> Vec<(ReadKind, Sensitivity, bool)> {
    let mut all = Vec::new();
    for kind in ReadKind::ALL {
        for sensitivity in Sensitivity::ALL {
            for referred in [false, true] {
                all.push((*kind, *sensitivity, referred));
            }
        }
    }
    all
}

#[test]
fn the_table_has_one_row_per_sensitivity_and_gets_stricter() {
    assert_eq!(READ_RULES.len(), Sensitivity::ALL.len());
    for (row, sensitivity) in READ_RULES.iter().zip(Sensitivity::ALL) {
        assert_eq!(row.sensitivity, *sensitivity, "rows in the vocabulary's order");
        assert_eq!(is_logged(*sensitivity), row.purpose_required, "logged exactly when a purpose is needed");
    }
    for pair in READ_RULES.windows(2) {
        let (lower, higher) = (&pair[0], &pair[1]);
        assert!(higher.roles.iter().all(|r| lower.roles.contains(r)), "{:?} reads at {:?}", higher, lower);
        assert!(higher.purpose_required >= lower.purpose_required && higher.insiders_only >= lower.insiders_only);
    }
    // Administration is no case work; a secret is read for a purpose.
    assert!(READ_RULES.iter().all(|r| !r.roles.contains(&Role::Admin)));
    assert!(READ_RULES.iter().filter(|r| r.sensitivity > Sensitivity::Biasa).all(|r| r.purpose_required));
    // An identity and an attachment are never read without a purpose.
    for kind in [ReadKind::Identitas, ReadKind::Lampiran] {
        assert!(rule(kind.floor()).purpose_required, "{kind}");
    }
}

#[test]
fn a_refusal_says_what_was_refused_without_the_data() {
    let e = AccessRefusal::PurposeRequired { kind: ReadKind::Catatan, sensitivity: Sensitivity::Rahasia };
    assert_eq!(e.code().id(), "LK3-E150");
    assert!(e.to_string().contains("purpose") && e.message_id().contains("tujuan"), "{e}");
    let e = AccessRefusal::RoleNotAllowed {
        role: Role::Admin,
        kind: ReadKind::Identitas,
        sensitivity: Sensitivity::Rahasia,
    };
    assert_eq!(e.code().id(), "LK3-E151");
}

#[test]
fn every_role_reads_cases_in_its_row_s_scope() {
    use lk3_core::access::{SCOPES, Scope, ScopeKind};
    let unit: UnitCode = "64.74".parse().expect("unit");
    for role in Role::ALL {
        let rows: Vec<_> = SCOPES.iter().filter(|(r, _)| r == role).collect();
        assert_eq!(rows.len(), 1, "{role}: one row");
        let kind = rows[0].1;
        let named = actor(*role, 1).of_unit(unit);
        let scope = Scope::of(&named).expect("a unit (and a partner) named");
        assert_eq!(scope.kind(), kind, "{role}");
        match scope {
            Scope::Unit { unit: u } | Scope::Worker { unit: u, .. } => assert_eq!(u, unit),
            Scope::Partner { partner } => assert_eq!(Some(partner), named.partner_id),
            _ => {}
        }
        // Without a unit, staff have no scope to read in (a partner's staff
        // read by their partner; the admin reads nothing either way).
        let unnamed = Scope::of(&actor(*role, 1));
        assert_eq!(unnamed.is_some(), matches!(kind, ScopeKind::Partner | ScopeKind::None), "{role}");
    }
    assert_eq!(Scope::of(&Actor::staff(Role::Admin, staff(1))), Some(Scope::Nothing));
}
