//! The rule set `permensos-16-2013` is the lifecycle of DESIGN §5, no more.

use std::collections::{BTreeSet, HashSet};

use lk3_core::Labelled;
use lk3_core::case::CaseCommandKind;
use lk3_core::rules::{RuleSet, RuleSetId, export};
use lk3_core::vocab::*;

fn rules() -> &'static RuleSet {
    RuleSet::get(RuleSetId::permensos_16_2013())
}

const DESIGN_STAGES: [&str; 11] = [
    "kontak",
    "registrasi",
    "pendekatan_awal",
    "kontrak",
    "asesmen",
    "rencana_intervensi",
    "intervensi",
    "evaluasi",
    "terminasi",
    "bimbingan_lanjut",
    "ditutup",
];

/// The stage changes DESIGN §5 allows, written out independently of the table.
fn design_stage_changes() -> BTreeSet<(&'static str, &'static str)> {
    let mut s: BTreeSet<_> = [
        ("kontak", "registrasi"),
        ("registrasi", "pendekatan_awal"),
        ("pendekatan_awal", "kontrak"),
        ("kontrak", "asesmen"),
        ("asesmen", "rencana_intervensi"),
        ("rencana_intervensi", "intervensi"),
        ("intervensi", "evaluasi"),
        ("evaluasi", "terminasi"),
        ("terminasi", "bimbingan_lanjut"),
        ("bimbingan_lanjut", "ditutup"),
        ("terminasi", "ditutup"),
        ("kontak", "ditutup"),          // one-off informasi / konsultasi
        ("pendekatan_awal", "ditutup"), // not eligible / refuses
        ("kontrak", "ditutup"),
        ("evaluasi", "asesmen"),            // re-assess
        ("evaluasi", "rencana_intervensi"), // re-plan
        ("bimbingan_lanjut", "asesmen"),    // relapse
        ("ditutup", "asesmen"),             // reopen
    ]
    .into_iter()
    .collect();
    // Any active stage -> terminasi.
    for active in ["kontak", "registrasi", "pendekatan_awal", "kontrak", "asesmen", "rencana_intervensi", "intervensi"]
    {
        s.insert((active, "terminasi"));
    }
    s
}

#[test]
fn the_json_export_has_the_eleven_stages_and_only_design_transitions() {
    let doc: export::RuleSetExport = serde_json::from_str(&export::to_json(rules())).expect("valid JSON");
    assert_eq!(doc.rule_set, RuleSetId::permensos_16_2013().id());
    let case = doc.machines.iter().find(|m| m.name == "case").expect("case machine");
    let ids: Vec<&str> = case.states.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, DESIGN_STAGES);
    for s in &case.states {
        let stage: Stage = s.id.parse().expect("a stage");
        assert_eq!((s.label_id.as_str(), s.label_en.as_str()), (stage.label_id(), stage.label_en()));
        assert_eq!(s.terminal, s.id == "ditutup");
    }
    let changes: BTreeSet<(&str, &str)> = case
        .transitions
        .iter()
        .filter_map(|t| t.from.as_deref().map(|f| (f, t.to.as_str())))
        .filter(|(f, t)| f != t)
        .collect();
    let design = design_stage_changes();
    assert_eq!(changes, design, "the table's stage changes are exactly the design's");
    let creators: Vec<_> = case.transitions.iter().filter(|t| t.from.is_none()).collect();
    assert_eq!(creators.len(), 1);
    assert_eq!((creators[0].to.as_str(), creators[0].command.as_str()), ("kontak", "record_contact"));
}

#[test]
fn in_stage_commands_are_exactly_the_design_ones() {
    let in_stage: HashSet<CaseCommandKind> =
        rules().transitions().iter().filter(|t| t.from == Some(t.to)).map(|t| t.command).collect();
    let expected: HashSet<CaseCommandKind> = [
        CaseCommandKind::RecordConsent,
        CaseCommandKind::WithdrawConsent,
        CaseCommandKind::ProposePlan,
        CaseCommandKind::OpenService,
        CaseCommandKind::ServiceStep,
        CaseCommandKind::RecordAid,
        CaseCommandKind::SendProtectiveReferral,
        CaseCommandKind::ProtectiveReferralStep,
        CaseCommandKind::AssignWorker,
        CaseCommandKind::TransferCase,
        CaseCommandKind::AcceptTransfer,
        CaseCommandKind::RefuseTransfer,
        CaseCommandKind::AddNote,
        CaseCommandKind::AddAttachment,
        CaseCommandKind::SetClientRole,
    ]
    .into_iter()
    .collect();
    assert_eq!(in_stage, expected);
    // Its steps in the same stages, by whoever takes service steps there.
    for stage in Stage::ALL {
        let t = rules().transition(Some(*stage), CaseCommandKind::ProtectiveReferralStep);
        let sending = rules().transition(Some(*stage), CaseCommandKind::SendProtectiveReferral);
        assert_eq!(t.is_some(), sending.is_some(), "{stage}");
        if let (Some(t), Some(steps)) = (t, rules().transition(Some(*stage), CaseCommandKind::ServiceStep)) {
            assert_eq!(t.roles, steps.roles, "{stage}");
        }
    }
    // The emergency route exists from every stage but a closed one, for peksos and ketua only.
    for stage in Stage::ALL {
        let t = rules().transition(Some(*stage), CaseCommandKind::SendProtectiveReferral);
        assert_eq!(t.is_some(), *stage != Stage::Ditutup, "{stage}");
        if let Some(t) = t {
            assert_eq!(t.roles, vec![Role::PekerjaSosial, Role::Ketua]);
        }
    }
}

#[test]
fn each_stage_and_command_pair_has_at_most_one_row() {
    let mut seen = HashSet::new();
    for t in rules().transitions() {
        assert!(seen.insert((t.from, t.command)), "duplicate row {:?}/{}", t.from, t.command);
        assert!(!t.roles.is_empty(), "{:?}/{} has no role", t.from, t.command);
    }
}

#[test]
fn approvals_belong_to_the_ketua_and_need_a_second_person() {
    use lk3_core::rules::CaseRequirement as Requirement;
    for t in rules()
        .transitions()
        .iter()
        .filter(|t| matches!(t.command, CaseCommandKind::ApprovePlan | CaseCommandKind::ApproveClosure))
    {
        assert!(t.roles.contains(&Role::Ketua));
        assert!(t.requires.contains(&Requirement::SecondPerson));
        assert!(!t.roles.contains(&Role::PekerjaSosial));
    }
    let contract = rules().transition(Some(Stage::PendekatanAwal), CaseCommandKind::AgreeContract).expect("row");
    assert!(contract.requires.contains(&Requirement::ConsentToServices));
    assert!(contract.requires.contains(&Requirement::GuardianForChild));
}

#[test]
fn every_stage_is_reachable_and_every_stage_can_reach_closure() {
    let reach = |from: Option<Stage>| {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from];
        while let Some(s) = todo.pop() {
            for t in rules().transitions().iter().filter(|t| t.from == s) {
                if seen.insert(t.to) {
                    todo.push(Some(t.to));
                }
            }
        }
        seen
    };
    assert_eq!(reach(None).len(), 11);
    for s in Stage::ALL {
        assert!(reach(Some(*s)).contains(&Stage::Ditutup), "{s} cannot reach ditutup");
    }
}

#[test]
fn diagrams_draw_every_stage_change() {
    let mermaid = export::to_mermaid(rules());
    let dot = export::to_dot(rules());
    for t in rules().transitions().iter().filter(|t| t.from != Some(t.to)) {
        let from = t.from.map_or("[*]", |s| s.id());
        assert!(
            mermaid.contains(&format!("    {from} --> {} : {}\n", t.to, t.command)),
            "mermaid lacks {from}->{}",
            t.to
        );
        let from_dot = t.from.map_or("case__start".to_owned(), |s| s.id().to_owned());
        assert!(
            dot.contains(&format!("\"{from_dot}\" -> \"{}\" [label=\"{}\"]", t.to, t.command)),
            "dot lacks {from_dot}->{}",
            t.to
        );
    }
    assert!(mermaid.contains("    ditutup --> [*]\n"));
}

fn check_vocabulary<T: Labelled + serde::Serialize + std::fmt::Debug + std::str::FromStr>() {
    let mut ids = HashSet::new();
    for v in T::ALL {
        assert!(ids.insert(v.id()), "duplicate id {}", v.id());
        assert!(!v.label_id().is_empty() && !v.label_en().is_empty());
        assert_eq!(serde_json::to_value(v).expect("json"), serde_json::json!(v.id()));
        assert!(v.id().parse::<T>().is_ok());
    }
    assert!("no-such-value".parse::<T>().is_err());
}

#[test]
fn an_unknown_vocabulary_value_has_its_code_in_both_languages() {
    use lk3_core::{ErrorCode, Lk3Error};
    let err = "rehabilitasi".parse::<Stage>().expect_err("not a stage");
    assert_eq!(err.code(), ErrorCode::UnknownValue);
    assert!(err.message_en().contains("`rehabilitasi` is not a known Stage value"));
    assert!(err.message_id().contains("`rehabilitasi` bukan nilai Stage"));
}

#[test]
fn every_vocabulary_has_unique_ids_and_two_labels() {
    check_vocabulary::<Stage>();
    check_vocabulary::<Sasaran>();
    check_vocabulary::<ContactChannel>();
    check_vocabulary::<Role>();
    check_vocabulary::<Profession>();
    check_vocabulary::<Pmks>();
    check_vocabulary::<Problem>();
    check_vocabulary::<TerminationReason>();
    check_vocabulary::<RefusalReason>();
    check_vocabulary::<ReopenReason>();
    check_vocabulary::<EmergencyReason>();
    check_vocabulary::<ServiceReason>();
    check_vocabulary::<AidItem>();
    check_vocabulary::<FundingSource>();
    check_vocabulary::<AdvocacyAction>();
    check_vocabulary::<FeedbackOutcome>();
    check_vocabulary::<lk3_core::service::ServiceState>();
    check_vocabulary::<lk3_core::service::ServiceCommandKind>();
    check_vocabulary::<ServiceKind>();
    check_vocabulary::<ConsentPurpose>();
    check_vocabulary::<CaseCommandKind>();
    assert_eq!(Sasaran::ALL.len(), 5);
    assert_eq!(ContactChannel::ALL.len(), 6);
    // Every service is some rule set's (or the outreach machine), and nothing else is one.
    let mut offered: Vec<ServiceKind> = lk3_core::rules::RuleSetId::all()
        .into_iter()
        .flat_map(|r| r.rules().service_kinds())
        .chain([ServiceKind::Penjangkauan])
        .collect();
    offered.sort_by_key(|k| k.index());
    offered.dedup();
    assert_eq!(offered, ServiceKind::ALL);
    assert_eq!(ServiceKind::ALL.len(), 9);
    assert_eq!(Pmks::ALL.len(), 26);
    let numbers: Vec<u8> = Pmks::ALL.iter().map(|p| p.number()).collect();
    assert_eq!(numbers, (1..=26).collect::<Vec<_>>());
    assert_eq!(Problem::Kdrt.pmks(), Pmks::KorbanTindakKekerasan);
}

/// A case is opened under the rule set in force on its unit's local date,
/// without the caller naming one; a pinned rule set wins; a date no rule set
/// covers is refused; the case stays under its rule set for ever.
#[test]
fn the_rule_set_is_chosen_by_the_local_opening_date() {
    use chrono::{TimeZone, Utc};
    use lk3_core::case::{Case, CaseCommand, CommandProblem, Violation};
    use lk3_core::event::Actor;
    use lk3_core::ids::{CaseId, CaseNumber, CommandId, IdSeed, StaffId, UnitCode};
    use lk3_core::vocab::{ContactChannel, Role, Sasaran};
    use lk3_core::{CommandContext, Decider};

    let unit: UnitCode = "64.74".parse().expect("unit"); // WITA, UTC+8
    let open_at = |at: chrono::DateTime<Utc>, pinned: Option<RuleSetId>| {
        let actor = Actor::staff(Role::Sekretaris, StaffId::new_v7(at, IdSeed::new([1; 10])));
        let ctx = CommandContext::new(actor, at, CommandId::new_v7(at, IdSeed::new([2; 10])), IdSeed::new([3; 10]));
        let ctx = match pinned {
            Some(r) => ctx.under(r),
            None => ctx,
        };
        let year = u16::try_from(chrono::Datelike::year(
            &at.with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).expect("tz")),
        ))
        .expect("year");
        let cmd = CaseCommand::RecordContact {
            case_id: CaseId::new_v7(at, IdSeed::new([4; 10])),
            unit,
            case_number: CaseNumber::new(unit, year, 1),
            channel: ContactChannel::DatangLangsung,
            sasaran: Sasaran::Keluarga,
            referred_by: None,
        };
        let mut case = Case::default();
        case.execute(&cmd, &ctx).map(|_| case.rule_set())
    };
    let v16 = RuleSetId::permensos_16_2013();
    let v25 = RuleSetId::permensos_25_2017();
    assert_eq!(open_at(Utc.with_ymd_and_hms(2017, 11, 20, 1, 0, 0).unwrap(), None).ok().flatten(), Some(v16));
    assert_eq!(open_at(Utc.with_ymd_and_hms(2019, 3, 4, 1, 0, 0).unwrap(), None).ok().flatten(), Some(v25));
    // 2017-12-31 16:30 UTC is already 2018-01-01 in Bontang: the unit's local date decides.
    assert_eq!(open_at(Utc.with_ymd_and_hms(2017, 12, 31, 16, 30, 0).unwrap(), None).ok().flatten(), Some(v25));
    assert_eq!(open_at(Utc.with_ymd_and_hms(2017, 12, 31, 15, 30, 0).unwrap(), None).ok().flatten(), Some(v16));
    // Pinned, the caller's choice stands.
    assert_eq!(open_at(Utc.with_ymd_and_hms(2019, 3, 4, 1, 0, 0).unwrap(), Some(v16)).ok().flatten(), Some(v16));
    // Before any rule set: refused, never defaulted.
    let err = open_at(Utc.with_ymd_and_hms(2010, 5, 1, 1, 0, 0).unwrap(), None).expect_err("no rule set in force");
    assert_eq!(err.violation, Violation::InvalidCommand { problem: CommandProblem::NoRuleSetInForce });
    assert!(open_at(Utc.with_ymd_and_hms(2010, 5, 1, 1, 0, 0).unwrap(), Some(v16)).is_ok(), "unless pinned");
    // Every shipped period ends the day before the next begins: no gap, no overlap.
    let periods: Vec<_> = RuleSetId::all().iter().filter_map(|r| r.rules().effective.clone()).collect();
    for pair in periods.windows(2) {
        assert_eq!(pair[0].until.and_then(|u| u.succ_opt()), Some(pair[1].from));
    }
}
