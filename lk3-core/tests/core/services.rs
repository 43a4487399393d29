//! The five in-case service machines: every (state, step) pair is accepted
//! exactly when the service's table allows it; the referral's closed loop.

use crate::common;

use common::World;
use common::services::{actor_for, machines, partner, service_in, step_of, table};
use lk3_core::Decider;
use lk3_core::case::{CaseCommand, CaseEvent, CaseEventRecord, CommandProblem, Violation};
use lk3_core::ids::ServiceId;
use lk3_core::rules::RuleSetId;
use lk3_core::service::{ReferralDraft, ServiceCommand, ServiceCommandKind as K, ServiceState};
use lk3_core::vocab::{EmergencyReason, FeedbackOutcome, Role, ServiceKind, Stage};
use lk3_core::{ErrorCode, Labelled, Lk3Error};

#[test]
fn every_state_and_step_pair_follows_the_service_table() {
    let mut checked = 0;
    for (rule_set, kind) in machines() {
        let t = table(rule_set, kind);
        for state in t.states() {
            let (mut w, case, _, service_id) = service_in(rule_set, kind, state).expect("every state is reachable");
            for step in K::ALL.iter().copied().filter(|s| *s != K::Open) {
                let row = t.row(Some(state), step);
                let ctx = w.ctx(actor_for(&w, kind, Some(state), step));
                let cmd = CaseCommand::ServiceStep { service_id, step: step_of(step) };
                match (row, case.decide(&cmd, &ctx)) {
                    (Some(row), Ok(events)) => {
                        let mut after = case.clone();
                        after.apply(&events[0]);
                        assert_eq!(after.service(service_id).map(|s| s.state), Some(row.to), "{kind} {state} {step}");
                        assert_eq!(after.stage(), case.stage(), "a service step does not move the case");
                    }
                    (Some(_), Err(e)) => panic!("{kind} {state} {step} is in the table but was refused: {e}"),
                    (None, Ok(_)) => panic!("{kind} {state} {step} is not in the table but was accepted"),
                    (None, Err(e)) => {
                        assert_eq!(e.code(), ErrorCode::ServiceStepNotAllowed, "{kind} {state} {step}: {e}");
                        let Violation::ServiceStepNotAllowed { allowed_steps, .. } = &e.violation else { panic!() };
                        assert_eq!(allowed_steps, &t.allowed(Some(state)));
                    }
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 500, "{checked}");
}

#[test]
fn roles_outside_a_service_row_are_refused() {
    for (rule_set, kind) in machines() {
        let t = table(rule_set, kind);
        for row in t.rows().iter().filter(|r| r.from.is_some() && r.command != K::ApproveOverride) {
            let state = row.from.unwrap_or(ServiceState::Diminta);
            let (mut w, case, _, service_id) = service_in(rule_set, kind, state).expect("reachable");
            // Roles the case lets take service steps, but this row does not.
            for role in [Role::Sekretaris, Role::Relawan, Role::Mitra, Role::Konselor, Role::TenagaProfesional] {
                if row.roles.contains(&role) {
                    continue;
                }
                let ctx = w.ctx(w.actor(role, true));
                let cmd = CaseCommand::ServiceStep { service_id, step: step_of(row.command) };
                let err = case.decide(&cmd, &ctx).expect_err("role outside the row");
                assert_eq!(err.code(), ErrorCode::RoleNotAllowed, "{kind} {state} {} by {role}", row.command);
            }
        }
    }
}

#[test]
fn the_seven_machines_of_16_2013_have_the_design_states() {
    let doc = lk3_core::rules::export::to_export(lk3_core::rules::RuleSet::get(RuleSetId::permensos_16_2013()));
    let states = |name: &str| -> Vec<String> {
        let m = doc.machines.iter().find(|m| m.name == name).expect(name);
        let mut s: Vec<String> = m.states.iter().map(|s| s.id.clone()).collect();
        s.sort();
        s
    };
    let sorted = |v: &[&str]| -> Vec<String> {
        let mut s: Vec<String> = v.iter().map(|s| s.to_string()).collect();
        s.sort();
        s
    };
    assert_eq!(states("informasi"), sorted(&["diminta", "diberikan", "tidak_tersedia"]));
    assert_eq!(states("konsultasi"), sorted(&["dijadwalkan", "dilaksanakan", "selesai", "tidak_hadir", "dibatalkan"]));
    assert_eq!(states("konseling"), sorted(&["direncanakan", "berlangsung", "ditunda", "selesai", "dihentikan"]));
    assert_eq!(
        states("advokasi"),
        sorted(&["direncanakan", "berlangsung", "berhasil", "tidak_berhasil", "dihentikan"])
    );
    assert_eq!(
        states("rujukan"),
        sorted(&[
            "draf",
            "dikirim",
            "diterima",
            "diproses",
            "ditunda",
            "selesai",
            "gagal",
            "ditolak",
            "dibatalkan",
            "salah_catat"
        ])
    );
    assert_eq!(
        states("penjangkauan"),
        sorted(&["dilaporkan", "dijadwalkan", "dilaksanakan", "bersedia", "menolak", "tidak_ditemukan", "ditutup"])
    );
    assert_eq!(doc.machines.len(), 7);
    // A reason on every negative referral step, feedback to complete, as the SDOH referral Task asks.
    let rujukan = machines().into_iter().filter(|(_, k)| *k == ServiceKind::Rujukan).map(|(r, k)| table(r, k));
    for row in rujukan.flat_map(|t| t.rows()) {
        let negative = matches!(
            row.to,
            ServiceState::Ditolak
                | ServiceState::Dibatalkan
                | ServiceState::Ditunda
                | ServiceState::Gagal
                | ServiceState::SalahCatat
        );
        if negative && row.from != Some(row.to) {
            assert!(row.requires.contains(&lk3_core::rules::ServiceRequirement::Reason), "{} {}", row.command, row.to);
        }
        if row.to == ServiceState::Selesai {
            assert!(row.requires.contains(&lk3_core::rules::ServiceRequirement::PartnerFeedback));
        }
    }
    for (rule_set, kind) in machines() {
        // Nothing leaves a terminal state but the void of a record made in error.
        for s in table(rule_set, kind).terminal() {
            let leaving = table(rule_set, kind).rows().iter().filter(|r| r.from == Some(*s));
            assert!(leaving.clone().all(|r| r.command == K::Void), "{kind}: {s} is terminal");
            assert!(
                leaving.clone().all(|r| r.to == ServiceState::SalahCatat && table(rule_set, kind).is_terminal(r.to))
            );
        }
        assert!(
            ServiceState::ALL
                .iter()
                .any(|s| s.id() == table(rule_set, kind).row(None, K::Open).map_or("", |r| r.to.id()))
        );
    }
}

/// The referral Task state diagram of the HL7 SDOH Clinical Care IG, as
/// parsed from its drawio source \[R: peers.md §2\]: (from, to) in FHIR codes;
/// `any` stands for every status.
const SDOHCC_EDGES: &[(&str, &str)] = &[
    ("draft", "requested"),
    ("requested", "accepted"),
    ("requested", "rejected"),
    ("requested", "cancelled"),
    ("accepted", "in-progress"),
    ("accepted", "on-hold"),
    ("accepted", "cancelled"),
    ("accepted", "completed"),
    ("accepted", "failed"),
    ("in-progress", "completed"),
    ("in-progress", "failed"),
    ("in-progress", "cancelled"),
    ("in-progress", "on-hold"),
    ("on-hold", "in-progress"),
    ("on-hold", "cancelled"),
    ("on-hold", "completed"),
    ("on-hold", "failed"),
    ("any", "entered-in-error"),
];

/// Who may set each status, per SDOHCC: the requester, the performer (the
/// referral's target), or either.
const SDOHCC_SETTER: &[(&str, &str)] = &[
    ("draft", "requester"),
    ("requested", "requester"),
    ("entered-in-error", "requester"),
    ("accepted", "performer"),
    ("rejected", "performer"),
    ("in-progress", "performer"),
    ("on-hold", "performer"),
    ("failed", "performer"),
    ("completed", "performer"),
    ("cancelled", "either"),
];

#[test]
fn every_referral_table_has_exactly_the_sdohcc_edges_and_setters() {
    use std::collections::BTreeSet;
    for (rule_set, kind) in machines().into_iter().filter(|(_, k)| *k == ServiceKind::Rujukan) {
        let t = table(rule_set, kind);
        let code = |s: ServiceState| s.fhir_task_status().unwrap_or_else(|| panic!("{s} has no FHIR status"));
        let states: BTreeSet<&str> = t.rows().iter().flat_map(|r| r.from.into_iter().chain([r.to])).map(code).collect();
        let mut expected: BTreeSet<(&str, &str)> = BTreeSet::new();
        for (from, to) in SDOHCC_EDGES {
            match *from {
                "any" => expected.extend(states.iter().filter(|s| *s != to).map(|s| (*s, *to))),
                _ => {
                    expected.insert((from, to));
                }
            }
        }
        // The one edge lk3 adds [I]: a draft never sent is cancelled.
        expected.insert(("draft", "cancelled"));
        let ours: BTreeSet<(&str, &str)> =
            t.rows().iter().filter_map(|r| r.from.filter(|f| *f != r.to).map(|f| (code(f), code(r.to)))).collect();
        assert_eq!(ours, expected, "{rule_set}: the referral's edges");
        // Who sets what: the requester is LK3 staff only, the performer's rows admit the
        // partner's own staff (and LK3 staff recording for it), cancel admits both.
        for row in t.rows().iter().filter(|r| r.from != Some(r.to)) {
            let setter = SDOHCC_SETTER.iter().find(|(s, _)| *s == code(row.to)).map(|(_, w)| *w);
            let partner = row.roles.contains(&Role::Mitra);
            let lk3 = row.roles.iter().any(|r| *r != Role::Mitra);
            match setter {
                Some("requester") => assert!(!partner && lk3, "{} by {:?}", row.command, row.roles),
                Some("performer") | Some("either") => assert!(partner && lk3, "{} by {:?}", row.command, row.roles),
                other => panic!("no setter for {}: {other:?}", row.to),
            }
        }
    }
}

#[test]
fn permensos_25_2017_adds_three_machines_each_state_and_row_tagged() {
    let rules = lk3_core::rules::RuleSet::get(RuleSetId::permensos_25_2017());
    let doc = lk3_core::rules::export::to_export(rules);
    let names: Vec<&str> = doc.machines.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "case",
            "informasi",
            "konsultasi",
            "konseling",
            "advokasi",
            "pendampingan",
            "pembelajaran",
            "perlindungan",
            "rujukan",
            "penjangkauan"
        ]
    );
    for new in ["pendampingan", "pembelajaran", "perlindungan"] {
        let m = doc.machines.iter().find(|m| m.name == new).expect(new);
        assert!(m.source.as_deref().is_some_and(|s| s.contains("[R: S6]")), "{new}: {:?}", m.source);
        assert!(m.states.iter().all(|s| s.source.is_some()), "{new}: every state tagged");
        assert!(m.transitions.iter().all(|t| t.source.is_some()), "{new}: every row tagged");
        assert!(
            m.states.iter().chain(&[]).all(|s| s.source.as_deref().is_some_and(|t| t.starts_with('['))),
            "{new}: tags are [R..], [I] or [M]"
        );
    }
    // Every service of the catalogue has a source; 16/2013's five keep their machines.
    let v16 = lk3_core::rules::RuleSet::get(RuleSetId::permensos_16_2013());
    for s in &rules.services {
        assert!(s.source.starts_with('['), "{}", s.kind);
        if let Some(old) = v16.service(s.kind) {
            assert_eq!(old.table.rows(), s.table.rows(), "{} unchanged", s.kind);
        }
    }
    assert!(v16.service(ServiceKind::Pendampingan).is_none());
}

#[test]
fn a_service_the_rule_set_does_not_offer_is_refused() {
    let mut w = World::new().under(RuleSetId::permensos_16_2013());
    let (case, _) = w.case_at(Stage::Intervensi);
    let ctx = w.ctx(w.actor(Role::PekerjaSosial, false));
    let service_id = ServiceId::new_v7(w.now, w.fresh_seed());
    let open = CaseCommand::OpenService { service_id, kind: ServiceKind::Perlindungan, referral: None };
    let err = case.decide(&open, &ctx).expect_err("16/2013 has no perlindungan");
    assert_eq!(err.code(), ErrorCode::InvalidCommand);
    assert!(matches!(err.violation, Violation::InvalidCommand { problem: CommandProblem::ServiceNotOffered }));
    // The same case opened under 25/2017 may.
    let mut w = World::new().under(RuleSetId::permensos_25_2017());
    let (case, _) = w.case_at(Stage::Intervensi);
    let ctx = w.ctx(w.actor(Role::PekerjaSosial, false));
    assert!(case.decide(&open, &ctx).is_ok());
}

fn code(r: Result<Vec<CaseEventRecord>, lk3_core::case::CommandError>) -> ErrorCode {
    r.expect_err("expected a refusal").code()
}

#[test]
fn a_referral_is_sent_only_with_consent_to_that_partner_or_an_audited_override() {
    let (mut w, mut case, mut ev, id) =
        service_in(RuleSetId::permensos_25_2017(), ServiceKind::Rujukan, ServiceState::Draf).expect("draft");
    let peksos = w.actor(Role::PekerjaSosial, false);
    let plain = CaseCommand::ServiceStep {
        service_id: id,
        step: ServiceCommand::Send { response_deadline: None, emergency: None, request: Default::default() },
    };
    let ctx = w.ctx(peksos);
    let err = case.decide(&plain, &ctx).expect_err("no consent to disclose");
    assert_eq!(err.code(), ErrorCode::DisclosureConsentRequired);
    assert!(
        matches!(err.violation, Violation::DisclosureConsentRequired { partner_id, .. } if partner_id == partner())
    );
    // Both clients consent to this partner: a plain sending goes, no override.
    for (subject, guardian) in [(w.adult, None), (w.child, Some(w.adult))] {
        let mut cmd = w.consent_command(subject, guardian);
        if let CaseCommand::RecordConsent { consent } = &mut cmd {
            consent.purposes.push(lk3_core::vocab::ConsentPurpose::PengungkapanKeMitra);
            consent.disclose_to.push(partner());
        }
        w.run(&mut case, &mut ev, peksos, cmd);
    }
    w.run(&mut case, &mut ev, peksos, plain);
    let CaseEvent::ServiceStepRecorded { consent_override, step, .. } = &ev.last().expect("event").payload else {
        panic!()
    };
    assert!(!consent_override);
    let ServiceCommand::Send { response_deadline: Some(deadline), .. } = step else { panic!("deadline resolved") };
    assert_eq!(*deadline, ev.last().expect("event").occurred_at + chrono::Duration::days(3));
    let s = case.service(id).expect("service");
    assert!(!s.is_overdue(*deadline) && s.is_overdue(*deadline + chrono::Duration::seconds(1)));
    assert_eq!(case.overdue_referrals(*deadline + chrono::Duration::hours(1)).count(), 1);
}

#[test]
fn an_override_needs_a_second_person_before_the_loop_closes() {
    let (mut w, mut case, mut ev, id) =
        service_in(RuleSetId::permensos_25_2017(), ServiceKind::Rujukan, ServiceState::Draf).expect("draft");
    let peksos = w.actor(Role::PekerjaSosial, false);
    let mitra = w.actor(Role::Mitra, false);
    let step = |s| CaseCommand::ServiceStep { service_id: id, step: s };
    w.run(&mut case, &mut ev, peksos, step(step_of(K::Send)));
    let last = ev.last().expect("event");
    assert!(last.payload.is_audit_flagged(), "an override is flagged for audit");
    // The sender cannot approve their own override.
    let ctx = w.ctx(w.actor(Role::Ketua, false));
    let mut as_sender = ctx;
    as_sender.actor.staff_id = peksos.staff_id;
    as_sender.actor.role = Role::Ketua;
    assert_eq!(
        code(case.decide(&step(ServiceCommand::ApproveOverride {}), &as_sender)),
        ErrorCode::SecondPersonRequired
    );
    for s in [K::Accept, K::Process] {
        w.run(&mut case, &mut ev, mitra, step(step_of(s)));
    }
    assert!(matches!(
        ev.last().expect("event").payload,
        CaseEvent::ServiceStepRecorded { on_behalf_of_partner: false, .. }
    ));
    let ctx = w.ctx(mitra);
    assert_eq!(code(case.decide(&step(step_of(K::Complete)), &ctx)), ErrorCode::OverrideNotApproved);
    w.run(&mut case, &mut ev, w.actor(Role::Ketua, true), step(ServiceCommand::ApproveOverride {}));
    let ctx = w.ctx(mitra);
    assert_eq!(
        code(case.decide(&step(ServiceCommand::Complete { feedback: None }), &ctx)),
        ErrorCode::FeedbackRequired
    );
    // Recorded by LK3 staff on the partner's behalf: the event says so.
    w.run(&mut case, &mut ev, peksos, step(step_of(K::Complete)));
    assert!(matches!(
        ev.last().expect("event").payload,
        CaseEvent::ServiceStepRecorded { on_behalf_of_partner: true, .. }
    ));
    let s = case.service(id).expect("service");
    assert_eq!((s.state, s.consent_override, s.override_approved_by.is_some()), (ServiceState::Selesai, true, true));
    assert_eq!(s.feedback.map(|f| f.outcome), Some(FeedbackOutcome::Tertangani));
}

#[test]
fn an_override_without_one_is_not_a_step() {
    let (mut w, mut case, mut ev, id) =
        service_in(RuleSetId::permensos_25_2017(), ServiceKind::Rujukan, ServiceState::Draf).expect("draft");
    let peksos = w.actor(Role::PekerjaSosial, false);
    for (subject, guardian) in [(w.adult, None), (w.child, Some(w.adult))] {
        let mut cmd = w.consent_command(subject, guardian);
        if let CaseCommand::RecordConsent { consent } = &mut cmd {
            consent.purposes.push(lk3_core::vocab::ConsentPurpose::PengungkapanKeMitra);
            consent.disclose_to.push(partner());
        }
        w.run(&mut case, &mut ev, peksos, cmd);
    }
    let send = ServiceCommand::Send { response_deadline: None, emergency: None, request: Default::default() };
    w.run(&mut case, &mut ev, peksos, CaseCommand::ServiceStep { service_id: id, step: send });
    let ctx = w.ctx(w.actor(Role::Ketua, true));
    let approve = CaseCommand::ServiceStep { service_id: id, step: ServiceCommand::ApproveOverride {} };
    assert_eq!(code(case.decide(&approve, &ctx)), ErrorCode::ServiceStepNotAllowed);
}

#[test]
fn a_deadline_must_come_after_the_sending() {
    let (mut w, case, _, id) =
        service_in(RuleSetId::permensos_25_2017(), ServiceKind::Rujukan, ServiceState::Draf).expect("draft");
    let ctx = w.ctx(w.actor(Role::PekerjaSosial, false));
    let send = ServiceCommand::Send {
        response_deadline: Some(ctx.at),
        emergency: Some(EmergencyReason::AncamanKeselamatan),
        request: Default::default(),
    };
    let err = case.decide(&CaseCommand::ServiceStep { service_id: id, step: send }, &ctx).expect_err("past deadline");
    assert_eq!(err.violation, Violation::InvalidCommand { problem: CommandProblem::DeadlineNotAfterSending });
}

#[test]
fn opening_services_checks_kind_partner_and_id() {
    let mut w = World::new();
    let (mut case, mut ev) = w.case_at(Stage::Intervensi);
    let peksos = w.actor(Role::PekerjaSosial, false);
    let open = |w: &mut World, kind, referral| CaseCommand::OpenService {
        service_id: ServiceId::new_v7(w.now, w.fresh_seed()),
        kind,
        referral,
    };
    let cmd = open(&mut w, ServiceKind::Penjangkauan, None);
    let ctx = w.ctx(peksos);
    assert_eq!(
        case.decide(&cmd, &ctx).expect_err("").violation,
        Violation::InvalidCommand { problem: CommandProblem::NotACaseService }
    );
    let cmd = open(&mut w, ServiceKind::Rujukan, None);
    let ctx = w.ctx(peksos);
    assert_eq!(
        case.decide(&cmd, &ctx).expect_err("").violation,
        Violation::InvalidCommand { problem: CommandProblem::NoPartner }
    );
    let cmd = open(&mut w, ServiceKind::Konseling, Some(ReferralDraft { partner_id: partner() }));
    let ctx = w.ctx(peksos);
    assert_eq!(
        case.decide(&cmd, &ctx).expect_err("").violation,
        Violation::InvalidCommand { problem: CommandProblem::ReferralOnlyForRujukan }
    );
    let planned = case.planned_services().next().map(|s| s.service_id).expect("planned");
    let ctx = w.ctx(peksos);
    let dup = CaseCommand::OpenService { service_id: planned, kind: ServiceKind::Informasi, referral: None };
    assert_eq!(
        case.decide(&dup, &ctx).expect_err("").violation,
        Violation::InvalidCommand { problem: CommandProblem::DuplicateId }
    );
    // A volunteer may open an informasi, not a referral.
    let cmd = open(&mut w, ServiceKind::Rujukan, Some(ReferralDraft { partner_id: partner() }));
    let ctx = w.ctx(w.actor(Role::Relawan, false));
    assert_eq!(code(case.decide(&cmd, &ctx)), ErrorCode::RoleNotAllowed);
    let cmd = open(&mut w, ServiceKind::Informasi, None);
    w.run(&mut case, &mut ev, w.actor(Role::Relawan, false), cmd);
    assert_eq!(case.services().len(), 3);
    assert_eq!(case.planned_services().count(), 2, "an opened service is not a planned one");
}

#[test]
fn counselling_counts_sessions_and_completes_only_after_one() {
    let (mut w, mut case, mut ev, id) =
        service_in(RuleSetId::permensos_25_2017(), ServiceKind::Konseling, ServiceState::Berlangsung)
            .expect("under way");
    let konselor = w.actor(Role::Konselor, false);
    for _ in 0..3 {
        w.run(
            &mut case,
            &mut ev,
            konselor,
            CaseCommand::ServiceStep { service_id: id, step: ServiceCommand::HoldSession {} },
        );
    }
    assert_eq!(case.service(id).map(|s| (s.state, s.sessions)), Some((ServiceState::Berlangsung, 4)));
    w.run(&mut case, &mut ev, konselor, CaseCommand::ServiceStep { service_id: id, step: step_of(K::Complete) });
    assert_eq!(case.service(id).map(|s| s.state), Some(ServiceState::Selesai));
}
