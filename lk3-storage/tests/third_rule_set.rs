//! A rule set lk3 does not ship, defined here through the public API only,
//! registered, and used end to end: a case under it through a store,
//! validation (every event re-decided under it), export and import, the
//! diagram export. Nothing in lk3's sources names it.

use std::sync::{Arc, OnceLock};

use chrono::{TimeZone, Utc};
use lk3_core::case::{CaseCommand, CaseCommandKind as K};
use lk3_core::event::Actor;
use lk3_core::ids::{CaseId, CommandId, IdSeed, ServiceId, StaffId, UnitCode};
use lk3_core::rules::{self, CaseRequirement as Req, Row, RuleSet, RuleSetId, Table, export};
use lk3_core::service::ServiceCommand;
use lk3_core::validate::{Limits, validate};
use lk3_core::vocab::{ContactChannel, Role, Sasaran, ServiceKind, Stage as S, TerminationReason};
use lk3_core::{CommandContext, ErrorCode, Lk3Error};
use lk3_storage::document::{export_stream, import_batch, import_documents};
use lk3_storage::model::StreamKind;
use lk3_storage::{CaseStore, CaseStoreExt};

const NAME: &str = "contoh-provinsi-2024";

/// A province's short pilot procedure: a contact is registered, given
/// information, terminated with a reason and closed by the ketua; nothing
/// else. Its only service is 16/2013's informasi; its outreach allows two
/// visits. It is never chosen by date, only pinned.
fn pilot() -> RuleSet {
    let shipped = RuleSet::get(RuleSetId::permensos_16_2013());
    let staff = &[Role::Sekretaris, Role::PekerjaSosial];
    let case = Table::new(
        vec![
            Row::new(None, S::Kontak, K::RecordContact, staff, &[]).tagged("[I] test"),
            Row::new(Some(S::Kontak), S::Registrasi, K::Register, staff, &[]).tagged("[I] test"),
            Row::new(Some(S::Registrasi), S::Registrasi, K::OpenService, staff, &[]),
            Row::new(Some(S::Registrasi), S::Registrasi, K::ServiceStep, staff, &[Req::KnownReference]),
            Row::new(Some(S::Registrasi), S::Terminasi, K::Terminate, &[Role::PekerjaSosial], &[Req::Reason]),
            Row::new(Some(S::Terminasi), S::Ditutup, K::ApproveClosure, &[Role::Ketua], &[Req::SecondPerson]),
        ],
        vec![S::Ditutup],
    );
    let informasi = shipped.service(ServiceKind::Informasi).expect("16/2013 has informasi").clone();
    RuleSet {
        name: NAME.to_owned(),
        title_id: "Uji coba provinsi".to_owned(),
        title_en: "A province's pilot".to_owned(),
        source: "[I] defined in lk3-storage/tests/third_rule_set.rs".to_owned(),
        effective: None,
        case,
        services: vec![informasi],
        outreach: rules::OutreachSpec { max_attempts: 2, ..shipped.outreach.clone() },
        sasaran: vec![Sasaran::Individu, Sasaran::Keluarga],
        // A province that wants assessments within a week, and nothing else timed.
        deadlines: vec![rules::Deadline {
            task: lk3_core::vocab::TaskKind::Asesmen,
            within: chrono::Duration::days(7),
            source: "[I] the pilot's own".to_owned(),
        }],
    }
}

/// Registered once per test process.
fn pilot_id() -> RuleSetId {
    static ID: OnceLock<RuleSetId> = OnceLock::new();
    *ID.get_or_init(|| rules::register(pilot()).expect("registers"))
}

struct Clock {
    at: chrono::DateTime<Utc>,
    n: u8,
}

impl Clock {
    fn ctx(&mut self, role: Role, who: u8) -> CommandContext {
        self.at += chrono::Duration::minutes(1);
        self.n += 1;
        let actor = Actor::staff(role, StaffId::new_v7(self.at, IdSeed::new([who; 10])));
        CommandContext::new(
            actor,
            self.at,
            CommandId::new_v7(self.at, IdSeed::new([self.n; 10])),
            IdSeed::new([self.n ^ 0x5a; 10]),
        )
        .under(pilot_id())
    }
}

#[test]
fn a_rule_set_defined_outside_lk3_runs_a_case_end_to_end() {
    let id = pilot_id();
    assert_eq!(RuleSetId::parse(NAME), Some(id));
    assert!(RuleSetId::all().contains(&id));
    // Never chosen by date: a 2019 case is still under 25/2017 unless pinned.
    let day = chrono::NaiveDate::from_ymd_opt(2019, 3, 4).expect("date");
    assert_eq!(RuleSetId::in_force_on(day), Some(RuleSetId::permensos_25_2017()));
    // Registering twice, or an inconsistent rule set, is refused with a code.
    let again = rules::register(pilot()).expect_err("taken");
    assert_eq!(again.code(), ErrorCode::RuleSetInvalid);
    let mut twice = pilot();
    twice.name = "contoh-ganda".to_owned();
    twice.services.push(twice.services[0].clone());
    assert_eq!(rules::register(twice).expect_err("informasi twice").code(), ErrorCode::RuleSetInvalid);

    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    rt.block_on(async {
        let dir = tempfile::tempdir().expect("tempdir");
        let store =
            lk3_storage::sqlite::SqliteStore::open(&format!("sqlite://{}", dir.path().join("lk3.db").display()))
                .await
                .expect("opens");
        let mut clock = Clock { at: Utc.with_ymd_and_hms(2019, 3, 4, 1, 0, 0).single().expect("time"), n: 0 };
        let unit: UnitCode = "64.74".parse().expect("unit");
        let case_id = CaseId::new_v7(clock.at, IdSeed::new([9; 10]));
        let open = CaseCommand::RecordContact {
            case_id,
            unit,
            case_number: "64.74/2019/0001".parse().expect("number"),
            channel: ContactChannel::DatangLangsung,
            sasaran: Sasaran::Keluarga,
            referred_by: None,
        };
        // A sasaran this rule set does not name is refused.
        let group = CaseCommand::RecordContact {
            case_id,
            unit,
            case_number: "64.74/2019/0001".parse().expect("number"),
            channel: ContactChannel::DatangLangsung,
            sasaran: Sasaran::Kelompok,
            referred_by: None,
        };
        let err = store.execute_case(case_id, &group, &clock.ctx(Role::Sekretaris, 1)).await.expect_err("kelompok");
        assert_eq!(err.code(), ErrorCode::InvalidCommand);
        let done = store.execute_case(case_id, &open, &clock.ctx(Role::Sekretaris, 1)).await.expect("opens");
        assert_eq!(done.events[0].rule_set, id, "the events record the pinned rule set");
        let register = CaseCommand::Register {
            clients: vec![lk3_core::case::CaseClient {
                client_id: lk3_core::ids::ClientId::new_v7(clock.at, IdSeed::new([7; 10])),
                minor: false,
                role: None,
            }],
            problems: vec![],
        };
        store.execute_case(case_id, &register, &clock.ctx(Role::Sekretaris, 1)).await.expect("registers");
        // A step 16/2013 allows here but this rule set does not: refused, naming only its own commands.
        let err = store
            .execute_case(case_id, &CaseCommand::StartEngagement {}, &clock.ctx(Role::PekerjaSosial, 2))
            .await
            .expect_err("not in this table");
        assert_eq!(err.code(), ErrorCode::TransitionNotAllowed);
        // A service it does not offer is refused; the one it offers runs on its machine.
        let service_id = ServiceId::new_v7(clock.at, IdSeed::new([8; 10]));
        let konseling = CaseCommand::OpenService { service_id, kind: ServiceKind::Konseling, referral: None };
        let err =
            store.execute_case(case_id, &konseling, &clock.ctx(Role::PekerjaSosial, 2)).await.expect_err("not offered");
        assert_eq!(err.code(), ErrorCode::InvalidCommand);
        let informasi = CaseCommand::OpenService { service_id, kind: ServiceKind::Informasi, referral: None };
        store.execute_case(case_id, &informasi, &clock.ctx(Role::PekerjaSosial, 2)).await.expect("opens informasi");
        let provide = CaseCommand::ServiceStep { service_id, step: ServiceCommand::Provide {} };
        store.execute_case(case_id, &provide, &clock.ctx(Role::PekerjaSosial, 2)).await.expect("provides");
        let terminate = CaseCommand::Terminate { reason: TerminationReason::Pindah };
        store.execute_case(case_id, &terminate, &clock.ctx(Role::PekerjaSosial, 2)).await.expect("terminates");
        let close = CaseCommand::ApproveClosure {};
        store.execute_case(case_id, &close, &clock.ctx(Role::Ketua, 3)).await.expect("closes");
        let loaded = store.load_case(case_id).await.expect("loads, re-deciding every event");
        assert_eq!((loaded.state.stage(), loaded.state.rule_set()), (Some(S::Ditutup), Some(id)));
        assert!(lk3_storage::verify::verify(&store).await.expect("verify").is_ok());

        // Validation re-decides every event under the rule set the document names.
        let doc = export_stream(&store, StreamKind::Case, *case_id.as_uuid()).await.expect("exports");
        assert!(doc.contains(NAME));
        let report = validate(doc.as_bytes(), None, &Limits::default());
        assert!(report.errors().next().is_none(), "{:?}", report.findings);
        // An event forged into it that this rule set forbids is refused by re-derivation.
        let mut forged: serde_json::Value = serde_json::from_str(&doc).expect("json");
        forged["events"][1]["payload"] =
            serde_json::json!({ "type": "engagement_started", "worker": forged["events"][1]["actor"]["staff_id"] });
        let report = validate(&serde_json::to_vec(&forged).expect("json"), None, &Limits::default());
        assert!(report.errors().next().is_some(), "a forged event is refused");
        // A rule set nobody registered: named, not guessed.
        let unknown = doc.replace(NAME, "contoh-tidak-terdaftar");
        let report = validate(unknown.as_bytes(), None, &Limits::default());
        assert!(
            report.findings.iter().any(|f| f.code == "LK3-E012" && f.pointer == "/events/0/rule_set"),
            "{:?}",
            report.findings
        );

        // Export and import into another store, and the same bytes back.
        let other: Arc<dyn CaseStore> = Arc::new(lk3_storage::memory::MemoryStore::new());
        let batch = import_batch("pilot", doc.as_bytes(), &Limits::default()).expect("imports");
        import_documents(&*other, &[batch]).await.expect("written");
        assert_eq!(export_stream(&*other, StreamKind::Case, *case_id.as_uuid()).await.expect("exports"), doc);
    });

    // The diagram export lists its own machines, from its own tables.
    let exported = export::to_export(id.rules());
    let names: Vec<&str> = exported.machines.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["case", "informasi", "penjangkauan"]);
    assert_eq!(exported.machines[0].transitions.len(), 6);
    assert_eq!(exported.machines[2].max_attempts, Some(2));
    assert!(export::to_mermaid(id.rules()).contains("terminasi --> ditutup : approve_closure"));
}
