//! The conformance suite: the same behaviour asked of every adapter. Each
//! adapter's test file calls `conformance_suite!(factory)`, which makes one
//! test per function here.
#![allow(dead_code)]

#[path = "../../../../lk3-core/tests/common/mod.rs"]
pub mod world;

use lk3_core::Decider;
use std::collections::HashSet;
use std::sync::Arc;

use chrono::Duration;
use lk3_core::case::{Case, CaseCommand, CaseCommandKind as K, CaseEventRecord};
use lk3_core::event::Hash;
use lk3_core::ids::{ClientId, CommandId, IdSeed, PartnerId, ServiceId, UnitCode};
use lk3_core::partner::{
    Partner, PartnerKind, PartnerLocation, PartnerLocationKind, PartnerService, PartnerServiceStatus, Slug,
};
use lk3_core::schema::ClientRecord;
use lk3_core::seal::{SigningKey, TrustedKey, TrustedKeys};
use lk3_core::service::{ReferralDraft, ServiceCommand, ServiceState};
use lk3_core::validate::Limits;
use lk3_core::vocab::{EmergencyReason, Problem, Role, ServiceKind, Stage};
use lk3_core::{CommandContext, ErrorCode, Labelled, Lk3Error};
use lk3_storage::aggregate::encode;
use lk3_storage::document::{export_stream, held_as_they_are, import_batch, import_batch_trusted, import_documents};
use lk3_storage::memory::MemoryStore;
use lk3_storage::model::{AppendOutcome, Fingerprint, StreamKind};
use lk3_storage::personal::NewNote;
use lk3_storage::verify::verify;
use lk3_storage::{CaseQuery, CaseStore, CaseStoreExt, CaseSummary, StoreError};
use world::World;

pub type Store = Arc<dyn CaseStore>;

/// Makes one `#[tokio::test]` per conformance check for a store factory
/// (an async fn returning `Option<Store>`; `None` skips outside CI).
#[macro_export]
macro_rules! conformance_suite {
    ($factory:path: $($name:ident),* $(,)?) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
        async fn $name() {
            if let Some(store) = $factory().await {
                conformance::$name(store).await;
            }
        }
    )*};
    ($factory:path) => {
        conformance_suite!($factory:
            a_case_appended_step_by_step_loads_back_equal,
            execute_decides_appends_and_refuses_without_writing,
            a_stale_writer_gets_a_typed_conflict_and_writes_nothing,
            a_command_decided_on_a_kept_state_needs_it_current,
            a_retried_command_id_returns_the_first_result,
            a_command_id_of_another_stream_is_refused,
            a_command_id_reused_for_another_command_is_refused,
            a_command_naming_another_case_is_refused,
            a_case_number_is_given_once_per_unit,
            events_that_do_not_continue_the_chain_are_refused,
            a_failed_multi_stream_append_writes_nothing,
            an_import_of_many_writes_what_appends_one_by_one_write,
            queries_agree_with_the_reference_filter,
            a_bulk_scan_pages_through_every_event_once,
            verify_s_pages_list_every_stream_once_with_its_rows,
            every_stored_body_is_the_canonical_json_its_hash_is_over,
            overdue_referrals_are_found_by_deadline,
            personal_data_is_kept_apart_and_erasure_keeps_chains_valid,
            export_import_round_trips_byte_for_byte,
            eight_writers_on_one_case_lose_and_duplicate_nothing,
            eight_writers_on_many_cases_lose_and_duplicate_nothing,
            verify_while_writers_append_finds_nothing_wrong,
            a_write_dropped_part_way_writes_all_or_nothing_and_the_next_one_lands,
            a_reimport_whose_events_differ_is_a_conflict,
            a_reimported_export_is_found_held_and_anything_else_is_judged_in_full,
            a_store_with_a_key_seals_every_batch_and_verify_checks_the_seals,
            verify_with_trusted_keys_requires_every_head_sealed,
            an_imported_document_keeps_its_seal,
            a_store_that_starts_sealing_late_seals_its_old_heads,
            a_report_is_counted_from_the_events_and_a_closed_period_stays_as_it_was,
            a_region_report_rolls_up_its_units,
            a_unit_s_partner_network_is_kept_and_changed_all_or_none,
            every_partner_a_case_names_is_checked_against_its_unit_s_network,
            caseload_counts_each_worker_s_open_cases_by_stage,
            a_case_transferred_to_another_unit_is_held_listed_and_reported_there,
            clients_are_found_a_second_registration_warns_and_a_merge_keeps_every_chain,
            notes_and_attachments_are_read_by_the_access_rule_and_every_read_is_logged,
            a_reader_s_scope_confines_every_case_query_and_load,
            a_family_lists_its_members_with_their_roles_in_each_case,
        );
    };
}

fn code(e: &StoreError) -> ErrorCode {
    e.code()
}

/// A case at `stage` in a fresh world.
fn case_at(w: &mut World, stage: Stage) -> (Case, Vec<CaseEventRecord>) {
    w.case_at(stage)
}

async fn import_case(store: &Store, events: &[CaseEventRecord]) {
    let (batch, _) = encode(&Case::default(), events).expect("encodes");
    let out = store.append_batches(&[batch]).await.expect("imports");
    assert!(matches!(out[0], AppendOutcome::Written { .. }));
}

pub async fn a_case_appended_step_by_step_loads_back_equal(store: Store) {
    let mut w = World::new();
    let (case, events) = case_at(&mut w, Stage::Ditutup);
    let mut before = Case::default();
    for e in &events {
        let done = store.append(&before, std::slice::from_ref(e)).await.expect("append");
        assert!(!done.replayed);
        before.apply(e);
        assert_eq!(done.state.as_ref(), Some(&before), "an append's state is the fold after its events");
    }
    let loaded = store.load_case(case.case_id().expect("id")).await.expect("load");
    assert_eq!(loaded.events, events);
    assert_eq!(loaded.state, case);
    let missing = lk3_core::ids::CaseId::new_v7(w.now, w.fresh_seed());
    assert_eq!(store.load_case(missing).await.map(|_| ()).map_err(|e| code(&e)), Err(ErrorCode::NotFound));
    let report = verify(&*store).await.expect("verify");
    assert!(report.is_ok(), "{report:?}");
    assert_eq!((report.streams, report.events), (1, events.len() as u64));
}

pub async fn execute_decides_appends_and_refuses_without_writing(store: Store) {
    let mut w = World::new();
    let open = w.open_command();
    let CaseCommand::RecordContact { case_id, .. } = &open else { unreachable!() };
    let case_id = *case_id;
    let ctx = w.ctx(w.actor(Role::Sekretaris, false));
    let done = store.execute_case(case_id, &open, &ctx).await.expect("opens");
    assert_eq!(done.events.len(), 1);
    // A step the stage does not allow: refused, typed, nothing written.
    let ctx = w.ctx(w.actor(Role::Ketua, false));
    let err =
        store.execute_case(case_id, &CaseCommand::ApprovePlan { plan_version: 1 }, &ctx).await.expect_err("must fail");
    assert_eq!(code(&err), ErrorCode::TransitionNotAllowed);
    assert!(!err.message_id().is_empty() && err.message_id() != err.message_en());
    assert_eq!(store.load_case(case_id).await.expect("load").events.len(), 1);
    assert!(store.command(ctx.command_id).await.expect("read").is_none());
    // A command on a case that does not exist.
    let other = lk3_core::ids::CaseId::new_v7(w.now, w.fresh_seed());
    let ctx = w.ctx(w.actor(Role::Sekretaris, false));
    let cmd = w.command(&Case::default(), K::Register);
    let err = store.execute_case(other, &cmd, &ctx).await.expect_err("must fail");
    assert_eq!(code(&err), ErrorCode::CaseNotFound);
    assert!(store.read_stream(*other.as_uuid()).await.expect("read").is_none());
}

pub async fn a_stale_writer_gets_a_typed_conflict_and_writes_nothing(store: Store) {
    let mut w = World::new();
    let (case, events) = case_at(&mut w, Stage::Registrasi);
    import_case(&store, &events).await;
    let peksos = w.actor(Role::PekerjaSosial, false);
    let first = case.decide(&w.consent_command(w.adult, None), &w.ctx(peksos)).expect("decides");
    let second = case.decide(&w.consent_command(w.adult, None), &w.ctx(peksos)).expect("decides");
    store.append(&case, &first).await.expect("first wins");
    let err = store.append(&case, &second).await.expect_err("must fail");
    assert_eq!(code(&err), ErrorCode::VersionConflict);
    let StoreError::VersionConflict { expected, actual, .. } = err else { unreachable!() };
    assert_eq!((expected, actual), (case.version(), case.version() + 1));
    let loaded = store.load_case(case.case_id().expect("id")).await.expect("load");
    assert_eq!(loaded.events.len(), events.len() + 1);
    assert_eq!(loaded.events.last().map(|e| e.event_id), first.last().map(|e| e.event_id));
    assert!(store.command(second[0].command_id).await.expect("read").is_none());
}

/// `execute_on` decides against a state the caller kept, without reading
/// the stream: as `execute` when the state is current, a typed conflict that
/// writes nothing when another writer moved the stream on.
pub async fn a_command_decided_on_a_kept_state_needs_it_current(store: Store) {
    let mut w = World::new();
    let (case, events) = case_at(&mut w, Stage::Registrasi);
    import_case(&store, &events).await;
    let case_id = case.case_id().expect("id");
    let stream_id = *case_id.as_uuid();
    let peksos = w.actor(Role::PekerjaSosial, false);
    let command = w.consent_command(w.adult, None);
    let ctx = w.ctx(peksos);
    let done = store.execute_on(&case, stream_id, &command, &ctx).await.expect("current: appended");
    assert!(!done.replayed);
    let mut kept = case.clone();
    for e in &done.events {
        kept.apply(e);
    }
    assert_eq!(store.load_case(case_id).await.expect("load").state, kept, "the kept state folds to the stored one");
    assert_eq!(done.state.as_ref(), Some(&kept), "the state it produced is the stored one's fold");
    // The same command id again: its first events, nothing new, and no state (the stream may have moved on).
    let again = store.execute_on(&case, stream_id, &command, &ctx).await.expect("retry");
    assert!(again.replayed && again.events == done.events);
    assert!(again.state.is_none());
    // Decided on the state before that command: the stream moved on.
    let stale = w.ctx(peksos);
    let err = store.execute_on(&case, stream_id, &w.consent_command(w.adult, None), &stale).await.expect_err("stale");
    assert_eq!(code(&err), ErrorCode::VersionConflict);
    assert!(store.command(stale.command_id).await.expect("read").is_none());
    assert_eq!(store.load_case(case_id).await.expect("load").events.len(), events.len() + done.events.len());
    // On the kept, current state it goes through.
    let next = w.ctx(peksos);
    let consented = store.execute_on(&kept, stream_id, &w.consent_command(w.adult, None), &next).await;
    for e in &consented.expect("current again").events {
        kept.apply(e);
    }
    // A retry decided on the state after its first run, which refuses it
    // (the stage has moved on): answered from the stored command all the same.
    let engage = w.command(&kept, K::StartEngagement);
    let engaged_ctx = w.ctx(peksos);
    let engaged = store.execute_on(&kept, stream_id, &engage, &engaged_ctx).await.expect("engaged");
    let before_engagement = kept.clone();
    for e in &engaged.events {
        kept.apply(e);
    }
    assert!(kept.decide(&engage, &engaged_ctx).is_err(), "the state after refuses the command again");
    let retried = store.execute_on(&kept, stream_id, &engage, &engaged_ctx).await.expect("answered");
    assert!(retried.replayed && retried.events == engaged.events);
    // The same command id sent to another stream with a state of this case
    // that decides it: the events name this case, and the stored command
    // says it ran here.
    let (other, other_events) = case_at(&mut w, Stage::Registrasi);
    import_case(&store, &other_events).await;
    let elsewhere = *other.case_id().expect("id").as_uuid();
    let err = store.execute_on(&before_engagement, elsewhere, &engage, &engaged_ctx).await.expect_err("another stream");
    assert_eq!(code(&err), ErrorCode::CommandIdReused, "{err}");
    assert!(verify(&*store).await.expect("verify").is_ok());
}

pub async fn a_retried_command_id_returns_the_first_result(store: Store) {
    let mut w = World::new();
    let (case, events) = case_at(&mut w, Stage::Registrasi);
    import_case(&store, &events).await;
    let case_id = case.case_id().expect("id");
    let cmd = w.consent_command(w.adult, None);
    let ctx = w.ctx(w.actor(Role::PekerjaSosial, false));
    let first = store.execute_case(case_id, &cmd, &ctx).await.expect("first");
    assert!(!first.replayed);
    // The same command id again, even decided later with other randomness: the first result.
    let mut retry_ctx = ctx;
    retry_ctx.at += Duration::minutes(5);
    retry_ctx.seed = w.fresh_seed();
    let again = store.execute_case(case_id, &cmd, &retry_ctx).await.expect("retry");
    assert!(again.replayed);
    assert_eq!(again.events, first.events);
    // A retry racing in with the stale state (past `execute`'s first check,
    // so decided and handed to the store) is answered the same way.
    let stale = case.decide(&cmd, &retry_ctx).expect("decides");
    let (mut batch, _) = lk3_storage::aggregate::batch(&case, &stale).expect("a batch");
    batch.commands[0].fingerprint = Fingerprint::of_command(&retry_ctx.actor, &cmd).expect("a fingerprint");
    let raced = store.append_batches(std::slice::from_ref(&batch)).await.expect("answered");
    assert!(matches!(&raced[0], AppendOutcome::AlreadyApplied { events } if events.len() == first.events.len()));
    // Events appended as they are, under the same id, are not the command: refused.
    let err = store.append(&case, &stale).await.expect_err("not the same");
    assert_eq!(code(&err), ErrorCode::CommandIdReused);
    assert_eq!(store.load_case(case_id).await.expect("load").events.len(), events.len() + 1);
}

/// Every command the table allows at a stage, as a second command sent
/// under the id of the first: never answered with the first's events.
pub async fn a_command_id_reused_for_another_command_is_refused(store: Store) {
    let mut w = World::new();
    let open = w.open_command();
    let CaseCommand::RecordContact { case_id, .. } = &open else { unreachable!() };
    let case_id = *case_id;
    let sekretaris = w.actor(Role::Sekretaris, false);
    let ctx = w.ctx(sekretaris);
    store.execute_case(case_id, &open, &ctx).await.expect("opens");
    let register = w.command(&store.load_case(case_id).await.expect("load").state, K::Register);
    let reg_ctx = w.ctx(w.actor(Role::Sekretaris, false));
    store.execute_case(case_id, &register, &reg_ctx).await.expect("registers");
    let state = store.load_case(case_id).await.expect("load").state;
    let rules = lk3_core::rules::RuleSet::get(state.rule_set().expect("opened"));
    let mut tried = 0;
    for kind in rules.allowed_commands(state.stage()) {
        let other = w.command(&state, kind);
        // The same id, another command (terminate, register again ...): E082, nothing written.
        let mut reuse = w.ctx(w.permitted_actor(state.stage(), kind));
        reuse.command_id = reg_ctx.command_id;
        let err = store.execute_case(case_id, &other, &reuse).await.expect_err("a reuse, not a retry");
        assert_eq!(code(&err), ErrorCode::CommandIdReused, "{kind}: {err}");
        assert!(matches!(err, StoreError::CommandIdConflict { .. }), "{kind}");
        tried += 1;
    }
    assert!(tried >= 3, "the stage allows several commands");
    // The same command by another actor is not a retry either.
    let mut other_actor = reg_ctx;
    other_actor.actor = w.actor(Role::Sekretaris, true);
    let err = store.execute_case(case_id, &register, &other_actor).await.expect_err("another actor");
    assert!(matches!(err, StoreError::CommandIdConflict { .. }));
    // The true retry still answers with the first events.
    assert!(store.execute_case(case_id, &register, &reg_ctx).await.expect("retry").replayed);
    assert_eq!(store.load_case(case_id).await.expect("load").events.len(), 2);
    let report = verify(&*store).await.expect("verify");
    assert!(report.is_ok(), "{report:?}");
}

/// A command sent to one case that names another as its own.
pub async fn a_command_naming_another_case_is_refused(store: Store) {
    let mut w = World::new();
    let open = w.open_command();
    let stream = lk3_core::ids::CaseId::new_v7(w.now, w.fresh_seed());
    let ctx = w.ctx(w.actor(Role::Sekretaris, false));
    let err = store.execute_case(stream, &open, &ctx).await.expect_err("names another case");
    assert_eq!(code(&err), ErrorCode::StreamIdMismatch);
    assert!(store.streams(None, 10).await.expect("list").is_empty(), "nothing written");
}

/// A unit gives a case number once, in every store.
pub async fn a_case_number_is_given_once_per_unit(store: Store) {
    let mut w = World::new();
    let first = w.open_command();
    let CaseCommand::RecordContact { case_id, .. } = &first else { unreachable!() };
    store.execute_case(*case_id, &first, &w.ctx(w.actor(Role::Sekretaris, false))).await.expect("first");
    let mut again = w.open_command();
    let CaseCommand::RecordContact { case_id: second_id, case_number, .. } = &mut again else { unreachable!() };
    let CaseCommand::RecordContact { case_number: taken, .. } = &first else { unreachable!() };
    *case_number = taken.clone();
    let second_id = *second_id;
    let err = store
        .execute_case(second_id, &again, &w.ctx(w.actor(Role::Sekretaris, false)))
        .await
        .expect_err("the number is taken");
    assert_eq!(code(&err), ErrorCode::CaseNumberTaken);
    assert!(store.read_stream(*second_id.as_uuid()).await.expect("read").is_none(), "nothing written");
    // The same serial in another unit is another number.
    w.unit = "31.71";
    let mut elsewhere = w.open_command();
    let CaseCommand::RecordContact { case_number, case_id, .. } = &mut elsewhere else { unreachable!() };
    *case_number = lk3_core::ids::CaseNumber::new("31.71".parse().expect("unit"), taken.year(), taken.serial());
    let elsewhere_id = *case_id;
    store.execute_case(elsewhere_id, &elsewhere, &w.ctx(w.actor(Role::Sekretaris, false))).await.expect("another unit");
}

pub async fn a_command_id_of_another_stream_is_refused(store: Store) {
    let mut w = World::new();
    let (a, a_events) = case_at(&mut w, Stage::Registrasi);
    let (b, b_events) = case_at(&mut w, Stage::Registrasi);
    import_case(&store, &a_events).await;
    import_case(&store, &b_events).await;
    let ctx = w.ctx(w.actor(Role::PekerjaSosial, false));
    let cmd = w.consent_command(w.adult, None);
    store.execute_case(a.case_id().expect("id"), &cmd, &ctx).await.expect("on a");
    let err = store.execute_case(b.case_id().expect("id"), &cmd, &ctx).await.expect_err("must fail");
    assert_eq!(code(&err), ErrorCode::CommandIdReused);
    // The raw path says the same.
    let events = b.decide(&cmd, &ctx).expect("decides");
    let err = store.append(&b, &events).await.expect_err("must fail");
    assert_eq!(code(&err), ErrorCode::CommandIdReused);
    assert_eq!(store.load_case(b.case_id().expect("id")).await.expect("load").events.len(), b_events.len());
}

pub async fn events_that_do_not_continue_the_chain_are_refused(store: Store) {
    let mut w = World::new();
    let (case, events) = case_at(&mut w, Stage::Registrasi);
    import_case(&store, &events).await;
    let ctx = w.ctx(w.actor(Role::PekerjaSosial, false));
    let good = case.decide(&w.consent_command(w.adult, None), &ctx).expect("decides");
    // Content changed after sealing.
    let mut changed = good.clone();
    changed[0].occurred_at += Duration::seconds(1);
    assert_eq!(code(&store.append(&case, &changed).await.expect_err("must fail")), ErrorCode::BatchRejected);
    // Resealed but chained to nothing.
    let mut unchained = good.clone();
    unchained[0].prev_hash = Hash([7; 32]);
    let unchained = vec![unchained.remove(0).seal().expect("seal")];
    assert_eq!(code(&store.append(&case, &unchained).await.expect_err("must fail")), ErrorCode::BatchRejected);
    // An empty batch.
    assert_eq!(code(&store.append(&case, &[]).await.expect_err("must fail")), ErrorCode::BatchRejected);
    assert_eq!(store.load_case(case.case_id().expect("id")).await.expect("load").events, events);
    store.append(&case, &good).await.expect("the good one still goes");
}

pub async fn a_failed_multi_stream_append_writes_nothing(store: Store) {
    let mut w = World::new();
    let (_, a) = case_at(&mut w, Stage::Kontrak);
    let (_, b) = case_at(&mut w, Stage::Asesmen);
    let (c, c_events) = case_at(&mut w, Stage::Registrasi);
    import_case(&store, &c_events).await;
    let batches = vec![
        encode(&Case::default(), &a).expect("a").0,
        encode(&Case::default(), &b).expect("b").0,
        // Opening c again: c exists, so the whole call fails.
        encode(&Case::default(), &c_events).expect("c").0,
    ];
    let mut renamed = batches[2].clone();
    // Same stream, new command ids: not a re-import but a conflict.
    for span in &mut renamed.commands {
        span.command_id = CommandId::new_v7(w.now, w.fresh_seed());
    }
    let err = store.append_batches(&[batches[0].clone(), batches[1].clone(), renamed]).await.expect_err("must fail");
    assert_eq!(code(&err), ErrorCode::VersionConflict);
    let streams = store.streams(None, 100).await.expect("list");
    assert_eq!(streams.len(), 1, "only c, from before");
    assert_eq!(streams[0].stream_id, *c.case_id().expect("id").as_uuid());
    for events in [&a, &b] {
        assert!(store.command(events[0].command_id).await.expect("read").is_none());
    }
    // The same three as a re-import: a and b written, c already present.
    let report = import_documents(&*store, &batches).await.expect("import");
    assert_eq!((report.imported, report.already_present), (2, 1));
}

/// Many streams imported in one call are written as appends one by one
/// write them: the same events, command records, query rows and answers
/// (the memory store, which appends one by one, is the reference). Imported
/// again, each is present with its events; a case number given twice, among
/// the documents or against the store, is refused and nothing is written.
pub async fn an_import_of_many_writes_what_appends_one_by_one_write(store: Store) {
    let mut w = World::new();
    let reference = MemoryStore::new();
    // Both seal what they write, with one key: the seals must agree too.
    let (key, _) = unit_key(&"64.74".parse().expect("unit"), 9);
    store.set_signer(Some(key.clone()));
    reference.set_signer(Some(key));
    let mut batches = Vec::new();
    for (unit, stage) in [
        ("64.74", Stage::Registrasi),
        ("64.74", Stage::Asesmen),
        ("64.74", Stage::Intervensi),
        ("64.74", Stage::Ditutup),
        ("31.71", Stage::Kontrak),
        ("31.71", Stage::Intervensi),
    ] {
        w.unit = unit;
        let (_, events) = case_at(&mut w, stage);
        batches.push(encode(&Case::default(), &events).expect("encode").0);
    }
    // An outreach among the cases.
    w.unit = "64.74";
    let outreach = refused_outreach(&mut w);
    batches.insert(3, encode(&lk3_core::outreach::Outreach::default(), &outreach).expect("encode").0);
    for b in &batches {
        reference.append_batches(std::slice::from_ref(b)).await.expect("one by one");
    }
    let report = import_documents(&*store, &batches).await.expect("import");
    assert_eq!((report.imported, report.already_present), (batches.len() as u64, 0));
    for b in &batches {
        let id = b.stream_id;
        assert_eq!(store.read_stream(id).await.expect("read"), reference.read_stream(id).await.expect("read"));
        assert_eq!(store.projection(id).await.expect("read"), reference.projection(id).await.expect("read"));
        let seals = store.seals(id).await.expect("read");
        let own_unit = b.unit.to_string() == "64.74";
        assert_eq!(seals.len(), usize::from(own_unit), "one seal per batch of the key's unit, none of another's");
        assert_eq!(seals, reference.seals(id).await.expect("read"));
        for c in &b.commands {
            let (ours, theirs) = (store.command(c.command_id).await, reference.command(c.command_id).await);
            assert_eq!(ours.expect("read"), theirs.expect("read"));
        }
    }
    for unit in ["64.74", "31.71"] {
        let q = CaseQuery { unit: Some(unit.parse().expect("unit")), ..CaseQuery::default() };
        assert_eq!(store.query_cases(&q).await.expect("query"), reference.query_cases(&q).await.expect("query"));
    }
    // Again, with one new document among them: the rest are present, with their events.
    w.unit = "64.74";
    let (_, fresh) = case_at(&mut w, Stage::Asesmen);
    let mut again = batches.clone();
    again.insert(2, encode(&Case::default(), &fresh).expect("encode").0);
    let outcomes = store.append_batches(&again).await.expect("again");
    for (b, outcome) in again.iter().zip(&outcomes) {
        match outcome {
            AppendOutcome::AlreadyApplied { events } => assert_eq!(events, &b.events),
            AppendOutcome::Written { version } => {
                assert_eq!((b.stream_id, *version), (again[2].stream_id, b.new_version()));
            }
        }
    }
    assert_eq!(outcomes.iter().filter(|o| matches!(o, AppendOutcome::Written { .. })).count(), 1);
    // Two new cases with one number, and a new case with a number the store holds.
    let (_, first) = case_at(&mut w, Stage::Registrasi);
    let (_, second) = case_at(&mut w, Stage::Registrasi);
    let stored = store.streams(None, 100).await.expect("list").len();
    for taken in [case_number_of(&encode(&Case::default(), &first).expect("encode").0), case_number_of(&batches[0])] {
        let group = [
            encode(&Case::default(), &first).expect("encode").0,
            encode(&Case::default(), &renumbered(&second, &taken)).expect("encode").0,
        ];
        let err = store.append_batches(&group).await.expect_err("a number given twice");
        assert_eq!(code(&err), ErrorCode::CaseNumberTaken, "{err}");
        assert_eq!(store.streams(None, 100).await.expect("list").len(), stored, "nothing written");
    }
    // A document of a stored case with one more command, among new ones: the
    // stored commands match but the stream is there, so all is refused.
    let (mut grown, mut grown_events) = w.case_at(Stage::Registrasi);
    import_case(&store, &grown_events).await;
    w.run(&mut grown, &mut grown_events, w.actor(Role::PekerjaSosial, false), CaseCommand::StartEngagement {});
    let (_, another) = case_at(&mut w, Stage::Asesmen);
    let group = [
        encode(&Case::default(), &another).expect("encode").0,
        encode(&Case::default(), &grown_events).expect("encode").0,
    ];
    let stored = store.streams(None, 1000).await.expect("list").len();
    let err = store.append_batches(&group).await.expect_err("partly stored");
    assert_eq!(code(&err), ErrorCode::VersionConflict, "{err}");
    assert_eq!(store.streams(None, 1000).await.expect("list").len(), stored, "nothing written");
    // More events than one statement's bound values hold: written in several.
    let mut many = Vec::new();
    while many.iter().map(|b: &lk3_storage::model::Batch| b.events.len()).sum::<usize>() < 4_000 {
        let (_, events) = case_at(&mut w, Stage::Ditutup);
        many.push(encode(&Case::default(), &events).expect("encode").0);
    }
    let report = import_documents(&*store, &many).await.expect("import");
    assert_eq!(report.imported, many.len() as u64);
    for b in [&many[0], &many[many.len() - 1]] {
        assert_eq!(store.read_stream(b.stream_id).await.expect("read").expect("there").1, b.events);
    }
    assert!(verify(&*store).await.expect("verify").is_ok());
}

/// The case number a batch's case was given.
fn case_number_of(batch: &lk3_storage::model::Batch) -> lk3_core::ids::CaseNumber {
    match &batch.projection {
        lk3_storage::Projection::Case(c) => c.case_number.clone().expect("a number"),
        _ => panic!("a case"),
    }
}

/// A case's events with its number changed, sealed and chained again.
fn renumbered(events: &[CaseEventRecord], number: &lk3_core::ids::CaseNumber) -> Vec<CaseEventRecord> {
    let mut out: Vec<CaseEventRecord> = Vec::with_capacity(events.len());
    for e in events {
        let mut e = e.clone();
        if let lk3_core::case::CaseEvent::ContactRecorded { case_number, .. } = &mut e.payload {
            *case_number = number.clone();
        }
        e.prev_hash = out.last().map_or(Hash::GENESIS, |p| p.hash);
        e.seal_in_place().expect("seal");
        out.push(e);
    }
    out
}

/// Cases in two units, at several stages, with problems and services.
async fn populate(store: &Store, w: &mut World) -> Vec<CaseSummary> {
    let mut summaries = Vec::new();
    for (unit, stage) in [
        ("64.74", Stage::Registrasi),
        ("64.74", Stage::Asesmen),
        ("64.74", Stage::Intervensi),
        ("64.74", Stage::Ditutup),
        ("31.71", Stage::Intervensi),
        ("31.71", Stage::Evaluasi),
        ("31.71", Stage::Kontak),
    ] {
        w.unit = unit;
        let (case, events) = case_at(w, stage);
        import_case(store, &events).await;
        summaries.push(CaseSummary::of(&case).expect("summary"));
    }
    w.unit = "64.74";
    summaries.sort_by_key(|s| s.case_id);
    summaries
}

pub async fn queries_agree_with_the_reference_filter(store: Store) {
    let mut w = World::new();
    let all = populate(&store, &mut w).await;
    let bontang: UnitCode = "64.74".parse().expect("unit");
    let worker = all.iter().find_map(|s| s.worker);
    assert!(
        worker.is_some() && all.iter().any(|s| !s.services.is_empty()) && all.iter().any(|s| !s.problems.is_empty())
    );
    let mid = all[all.len() / 2].opened_at;
    let closed = all.iter().find(|s| s.stage == Stage::Ditutup).expect("a closed case");
    let after_closed = closed.last_at + chrono::Duration::microseconds(1);
    let queries = vec![
        CaseQuery::default(),
        CaseQuery { unit: Some(bontang), ..Default::default() },
        CaseQuery { stage: Some(Stage::Intervensi), ..Default::default() },
        CaseQuery { unit: Some(bontang), stage: Some(Stage::Intervensi), ..Default::default() },
        CaseQuery { problem: Some(Problem::Kemiskinan), ..Default::default() },
        CaseQuery { problem: Some(Problem::Trafficking), ..Default::default() },
        CaseQuery { service_kind: Some(ServiceKind::Konseling), ..Default::default() },
        CaseQuery { service_state: Some(ServiceState::Selesai), ..Default::default() },
        CaseQuery { worker, ..Default::default() },
        CaseQuery { opened_from: Some(mid), ..Default::default() },
        CaseQuery { opened_before: Some(mid), unit: Some(bontang), ..Default::default() },
        CaseQuery { active_from: Some(closed.last_at), ..Default::default() },
        CaseQuery { active_from: Some(after_closed), ..Default::default() },
        CaseQuery {
            active_from: Some(after_closed),
            opened_before: Some(mid),
            unit: Some(bontang),
            ..Default::default()
        },
    ];
    let mut nonempty = 0;
    for q in &queries {
        let expected: Vec<_> = all.iter().filter(|s| q.matches(s)).cloned().collect();
        let got = store.query_cases(q).await.expect("query");
        assert_eq!(got, expected, "{q:?}");
        let ids: Vec<_> = expected.iter().map(|s| s.case_id).collect();
        assert_eq!(store.query_case_ids(q).await.expect("ids"), ids, "ids of {q:?}");
        assert_eq!(store.count_cases(q).await.expect("count"), expected.len() as u64, "{q:?}");
        nonempty += usize::from(!expected.is_empty() && expected.len() < all.len());
        // Page by two: the pages put together are the whole answer.
        let mut paged = Vec::new();
        let mut page = CaseQuery { limit: 2, ..q.clone() };
        loop {
            let got = store.query_cases(&page).await.expect("page");
            let Some(last) = got.last() else { break };
            page.after = Some(last.case_id);
            paged.extend(got);
        }
        assert_eq!(paged, expected, "paged {q:?}");
        let (mut paged_ids, mut page) = (Vec::new(), CaseQuery { limit: 2, ..q.clone() });
        loop {
            let got = store.query_case_ids(&page).await.expect("page");
            let Some(&last) = got.last() else { break };
            page.after = Some(last);
            paged_ids.extend(got);
        }
        assert_eq!(paged_ids, ids, "paged ids of {q:?}");
    }
    assert!(nonempty >= 6, "the queries must discriminate");
    // What may be active from just after the closed case's last event is everything but it.
    let active = store.query_cases(&CaseQuery { active_from: Some(after_closed), ..Default::default() }).await;
    assert_eq!(active.expect("query").len(), all.len() - 1);
    // Its clients, and only its, were served before then; not before its last event.
    let everyone: Vec<_> = all.iter().flat_map(|s| s.clients.iter().copied()).collect();
    assert!(!closed.clients.is_empty() && everyone.len() > closed.clients.len());
    for at in [closed.last_at, after_closed, mid, chrono::DateTime::<chrono::Utc>::MAX_UTC] {
        let not_active = CaseQuery { unit: Some(bontang), active_from: Some(at), ..Default::default() };
        let mut expected: Vec<_> = all
            .iter()
            .filter(|s| s.unit == bontang && !not_active.matches(s))
            .flat_map(|s| s.clients.iter().copied())
            .collect();
        expected.sort();
        expected.dedup();
        let got = store.earlier_clients(&bontang, at, &everyone).await.expect("earlier clients");
        assert_eq!(got, expected, "served before {at}");
    }
    let got = store.earlier_clients(&bontang, after_closed, &everyone).await.expect("earlier clients");
    let mut theirs = closed.clients.clone();
    theirs.sort();
    assert_eq!(got, theirs);
    assert!(store.earlier_clients(&bontang, after_closed, &[]).await.expect("none asked").is_empty());
}

pub async fn a_bulk_scan_pages_through_every_event_once(store: Store) {
    let mut w = World::new();
    let all = populate(&store, &mut w).await;
    let mut expected = Vec::new();
    for s in &all {
        let (_, rows) = store.read_stream(*s.case_id.as_uuid()).await.expect("read").expect("stream");
        expected.extend(rows.into_iter().map(|r| (s.unit, *s.case_id.as_uuid(), r.seq, r.body)));
    }
    for unit in [None, Some("31.71".parse::<UnitCode>().expect("unit"))] {
        let mut got = Vec::new();
        let mut after = None;
        loop {
            let page = store.scan_events(unit.as_ref(), after.as_ref(), 7).await.expect("scan");
            assert!(page.len() <= 7);
            let Some(last) = page.last() else { break };
            after = Some(last.cursor.clone());
            got.extend(page.into_iter().map(|e| {
                assert_eq!(e.kind, StreamKind::Case);
                (e.unit, e.stream_id, e.seq, e.body)
            }));
        }
        // A stream's events in seq order, whatever the order across streams.
        for pair in got.windows(2) {
            if pair[0].1 == pair[1].1 {
                assert_eq!(pair[0].2 + 1, pair[1].2, "seq order within a stream");
            }
        }
        let mut want: Vec<_> =
            expected.iter().filter(|(u, ..)| unit.as_ref().is_none_or(|x| x == u)).cloned().collect();
        assert!(want.len() > 7, "more than one page");
        got.sort_by_key(|e| (e.1, e.2));
        want.sort_by_key(|e| (e.1, e.2));
        assert_eq!(got, want, "unit {unit:?}: every event once");
    }
}

/// Verify's pages of streams, a few at a time: every stream once, each with
/// every row of its own in the event log (stream ids as bytes since schema
/// 14) and in the query tables (as text), none of another's; the cursor
/// goes on from where the last page ended.
pub async fn verify_s_pages_list_every_stream_once_with_its_rows(store: Store) {
    use lk3_storage::rows::{self, Value};
    let mut w = World::new();
    let mut streams: Vec<uuid::Uuid> = populate(&store, &mut w).await.iter().map(|s| *s.case_id.as_uuid()).collect();
    let outreach = refused_outreach(&mut w);
    import_outreach(&store, &outreach).await;
    streams.push(outreach[0].stream_id);
    let text = |row: &[Value], column: &str, table: &rows::Table| {
        row[table.position(column).expect("a column")].as_text().map(str::to_owned)
    };
    let (mut listed, mut pages, mut after) = (Vec::new(), 0, None);
    loop {
        let page = store.audit_streams(after.as_ref(), 3).await.expect("page");
        assert!(page.streams.len() <= 3);
        if page.streams.is_empty() {
            break;
        }
        pages += 1;
        for audit in &page.streams {
            let id = text(&audit.stream, "stream_id", &rows::STREAMS).expect("a stream id");
            let version = audit.stream[rows::STREAMS.position("version").expect("version")].as_int();
            let (info, events) = store.read_stream(id.parse().expect("an id")).await.expect("read").expect("there");
            assert_eq!(version, Some(i64::try_from(info.version).expect("version")));
            assert_eq!(audit.events.len(), events.len(), "{id}: every event");
            assert!(audit.events.iter().all(|e| text(e, "stream_id", &rows::EVENTS).as_ref() == Some(&id)));
            assert!(
                !audit.commands.is_empty()
                    && audit.commands.iter().all(|c| text(c, "stream_id", &rows::COMMANDS).as_ref() == Some(&id))
            );
            let own: Vec<_> =
                audit.projection.iter().filter(|(t, _)| ["cases", "outreaches"].contains(&t.name)).collect();
            assert_eq!(own.iter().map(|(_, r)| r.len()).sum::<usize>(), 1, "{id}: its own query row");
            for (table, found) in &audit.projection {
                assert!(
                    found.iter().all(|r| text(r, table.stream_column, table).as_ref() == Some(&id)),
                    "{}",
                    table.name
                );
            }
            listed.push(id);
        }
        after = page.next;
    }
    assert!(pages > 1, "more than one page");
    let mut want: Vec<String> = streams.iter().map(ToString::to_string).collect();
    want.sort();
    let mut got = listed.clone();
    got.sort();
    assert_eq!(got, want, "every stream once");
}

/// What an auditor outside lk3 checks of every stored event, of either
/// kind: the body is the exact bytes its hash is taken over
/// (`SHA-256(body) = hash`), canonical JSON that names the previous event's
/// hash, and it decodes (with its hash put back) to the event appended.
pub async fn every_stored_body_is_the_canonical_json_its_hash_is_over(store: Store) {
    let mut w = World::new();
    let mut streams: Vec<uuid::Uuid> = populate(&store, &mut w).await.iter().map(|s| *s.case_id.as_uuid()).collect();
    let (_, events, _) = sent_referral(&mut w);
    import_case(&store, &events).await;
    streams.push(events[0].stream_id);
    let outreach = refused_outreach(&mut w);
    import_outreach(&store, &outreach).await;
    streams.push(outreach[0].stream_id);
    let mut checked = 0;
    for stream_id in streams {
        let (info, rows) = store.read_stream(stream_id).await.expect("read").expect("stream");
        let mut prev = Hash::GENESIS;
        for row in &rows {
            assert_eq!(Hash::of(row.body.as_bytes()), row.hash, "{stream_id} {}: {}", row.seq, row.body);
            let members: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(&row.body).expect("a JSON object");
            assert!(!members.contains_key("hash"), "the hash is the row's, not the body's");
            assert_eq!(members["prev_hash"].as_str(), Some(prev.to_string().as_str()));
            let keys: Vec<&String> = members.keys().collect();
            assert!(keys.windows(2).all(|k| k[0] < k[1]), "keys in order");
            prev = row.hash;
            checked += 1;
        }
        assert_eq!(Some(prev), Some(info.head_hash));
        match info.kind {
            StreamKind::Case => {
                let decoded =
                    lk3_storage::aggregate::decode::<lk3_core::case::CaseEvent>(stream_id, &rows).expect("decodes");
                assert_eq!(
                    decoded.iter().map(|e| e.hash).collect::<Vec<_>>(),
                    rows.iter().map(|r| r.hash).collect::<Vec<_>>()
                );
            }
            StreamKind::Outreach => {
                let decoded = lk3_storage::aggregate::decode::<lk3_core::outreach::OutreachEvent>(stream_id, &rows)
                    .expect("decodes");
                assert_eq!(decoded, outreach);
            }
        }
    }
    assert!(checked > 20, "{checked} events");
}

/// Every event body of a store as schema 11 wrote it (the whole event, in
/// struct order), for a rewind: `(unit, stream_id, seq, body)` from
/// `(unit, stream_id, seq, hash, body)` rows of either kind.
pub fn bodies_of_schema_11(rows: &[(String, String, i64, String, String)]) -> Vec<(String, String, i64, String)> {
    use lk3_storage::body;
    rows.iter()
        .map(|(unit, stream_id, seq, hash, canonical)| {
            let hash = Hash::from_hex(hash).expect("a hash");
            let whole = match body::decode::<lk3_core::case::CaseEvent>(canonical, &hash) {
                Ok(e) => serde_json::to_string(&e),
                Err(_) => serde_json::to_string(
                    &body::decode::<lk3_core::outreach::OutreachEvent>(canonical, &hash).expect("an event"),
                ),
            }
            .expect("json");
            assert!(body::is_whole_event(&whole) && whole.contains("\"hash\":"));
            (unit.clone(), stream_id.clone(), *seq, whole)
        })
        .collect()
}

/// A case with a referral sent under an emergency override, due in 3 days.
fn sent_referral(w: &mut World) -> (Case, Vec<CaseEventRecord>, ServiceId) {
    let (mut case, mut ev) = w.case_at(Stage::Intervensi);
    let service_id = ServiceId::new_v7(w.now, w.fresh_seed());
    let partner_id = PartnerId::new_v7(w.now, IdSeed::new([0x77; 10]));
    let peksos = w.actor(Role::PekerjaSosial, false);
    let open = CaseCommand::OpenService {
        service_id,
        kind: ServiceKind::Rujukan,
        referral: Some(ReferralDraft { partner_id }),
    };
    w.run(&mut case, &mut ev, peksos, open);
    let send = ServiceCommand::Send {
        response_deadline: None,
        emergency: Some(EmergencyReason::AncamanKeselamatan),
        request: Default::default(),
    };
    w.run(&mut case, &mut ev, peksos, CaseCommand::ServiceStep { service_id, step: send });
    (case, ev, service_id)
}

pub async fn overdue_referrals_are_found_by_deadline(store: Store) {
    let mut w = World::new();
    populate(&store, &mut w).await;
    let (case, events, service_id) = sent_referral(&mut w);
    import_case(&store, &events).await;
    let deadline = case.service(service_id).and_then(|s| s.response_deadline).expect("deadline");
    let at = |t| CaseQuery { overdue_at: Some(t), ..Default::default() };
    assert!(store.query_cases(&at(deadline)).await.expect("query").is_empty());
    let late = store.query_cases(&at(deadline + Duration::seconds(1))).await.expect("query");
    assert_eq!(late.iter().map(|s| s.case_id).collect::<Vec<_>>(), vec![case.case_id().expect("id")]);
    assert_eq!(case.overdue_referrals(deadline + Duration::seconds(1)).count(), 1);
    // The partner answers: no longer overdue.
    let ctx = w.ctx(w.actor(Role::PekerjaSosial, false));
    let accept = CaseCommand::ServiceStep { service_id, step: ServiceCommand::Accept {} };
    store.execute_case(case.case_id().expect("id"), &accept, &ctx).await.expect("accepted");
    assert!(store.query_cases(&at(deadline + Duration::days(30))).await.expect("query").is_empty());
}

pub async fn personal_data_is_kept_apart_and_erasure_keeps_chains_valid(store: Store) {
    let mut w = World::new();
    let (case, events) = case_at(&mut w, Stage::Intervensi);
    import_case(&store, &events).await;
    let unit = *case.unit().expect("unit");
    let record = ClientRecord {
        client_id: w.adult,
        unit,
        name: "Siti Aminah".into(),
        nik: Some("6474015203850001".parse().expect("nik")),
        no_kk: None,
        sex: None,
        birth_date: None,
        domicile: None,
    };
    store.put_client(&record).await.expect("put");
    assert_eq!(store.client(&unit, w.adult).await.expect("get"), Some(record.clone()));
    // Identity never reaches the events or the projections.
    let (_, rows) = store.read_stream(*case.case_id().expect("id").as_uuid()).await.expect("read").expect("stream");
    assert!(rows.iter().all(|r| !r.body.contains("Siti") && !r.body.contains("6474015203850001")));
    let text = "Klien menceritakan kekerasan yang dialami sejak 2017.";
    let about_adult = NewNote {
        unit,
        case_id: case.case_id(),
        subjects: vec![w.adult],
        sensitivity: lk3_core::vocab::Sensitivity::Biasa,
        text: text.into(),
    };
    let digest = store.put_note(&about_adult).await.expect("note");
    let other_client = ClientId::new_v7(w.now, w.fresh_seed());
    let about_other = NewNote { subjects: vec![other_client], text: "Lain".into(), ..about_adult.clone() };
    let other_digest = store.put_note(&about_other).await.expect("note");
    // The same text twice gets two digests (salted): a digest cannot be guessed from a text.
    assert_ne!(store.put_note(&about_adult).await.expect("note"), digest);
    let note = store.note(&unit, digest).await.expect("read").expect("note");
    assert_eq!((note.text.as_deref(), note.subjects.as_slice()), (Some(text), &[w.adult][..]));
    // Consent records, by client.
    let consents = store.client_consents(&unit, w.adult).await.expect("consents");
    assert!(!consents.is_empty() && consents.iter().all(|c| c.consent.subject == w.adult));
    let at = w.now + Duration::days(1);
    let erased = store.erase_client(&unit, w.adult, at).await.expect("erase");
    assert!(erased.identity_removed);
    assert_eq!(erased.notes_erased, 2);
    assert_eq!(store.client(&unit, w.adult).await.expect("get"), None);
    let note = store.note(&unit, digest).await.expect("read").expect("digest kept");
    assert_eq!((note.text, note.erased_at), (None, Some(at)));
    assert!(store.note(&unit, other_digest).await.expect("read").expect("note").text.is_some(), "others kept");
    let again = store.erase_client(&unit, w.adult, at + Duration::seconds(1)).await.expect("twice");
    assert_eq!((again.identity_removed, again.notes_erased), (false, 0));
    let report = verify(&*store).await.expect("verify");
    assert!(report.is_ok() && report.streams == 1, "{report:?}");
    store.load_case(case.case_id().expect("id")).await.expect("still loads");
}

pub async fn export_import_round_trips_byte_for_byte(store: Store) {
    let mut w = World::new();
    let summaries = populate(&store, &mut w).await;
    let mut docs = Vec::new();
    for s in &summaries {
        docs.push(export_stream(&*store, StreamKind::Case, *s.case_id.as_uuid()).await.expect("export"));
    }
    let target: Store = Arc::new(lk3_storage::memory::MemoryStore::new());
    let batches: Vec<_> = docs
        .iter()
        .enumerate()
        .map(|(i, d)| import_batch(&format!("doc{i}"), d.as_bytes(), &Default::default()).expect("valid"))
        .collect();
    let report = import_documents(&*target, &batches).await.expect("import");
    assert_eq!(report.imported, summaries.len() as u64);
    for (s, doc) in summaries.iter().zip(&docs) {
        let again = export_stream(&*target, StreamKind::Case, *s.case_id.as_uuid()).await.expect("export");
        assert_eq!(&again, doc);
    }
    // And into the store under test from another: the same bytes back.
    let fresh_docs: Vec<_> = {
        let mut w2 = World::new();
        w2.now += Duration::days(400);
        let (_, events) = case_at(&mut w2, Stage::Evaluasi);
        let src: Store = Arc::new(lk3_storage::memory::MemoryStore::new());
        import_case(&src, &events).await;
        vec![(export_stream(&*src, StreamKind::Case, events[0].stream_id).await.expect("export"), events[0].stream_id)]
    };
    for (doc, id) in &fresh_docs {
        let batch = import_batch("fresh", doc.as_bytes(), &Default::default()).expect("valid");
        import_documents(&*store, &[batch]).await.expect("import");
        assert_eq!(&export_stream(&*store, StreamKind::Case, *id).await.expect("export"), doc);
    }
    // A document with one changed hash is refused, naming the rule.
    let mut v: serde_json::Value = serde_json::from_str(&docs[0]).expect("json");
    v["events"][1]["occurred_at"] = serde_json::Value::String("2030-01-01T00:00:00Z".into());
    let tampered = serde_json::to_string_pretty(&v).expect("json");
    let err = import_batch("tampered", tampered.as_bytes(), &Default::default()).expect_err("must fail");
    assert_eq!(code(&err), ErrorCode::ImportRejected);
    assert!(err.to_string().contains("LK3-E0"), "{err}");
}

/// The consent command a writer issues: its own command id and seed.
fn consent_by(w: &mut World) -> (CaseCommand, CommandContext) {
    let cmd = w.consent_command(w.adult, None);
    let ctx = w.ctx(w.actor(Role::PekerjaSosial, false));
    (cmd, ctx)
}

/// Each writer executes its commands on `cases`, retrying on conflict; every
/// accepted command must be in the store exactly once.
async fn writers(store: Store, cases: Vec<lk3_core::ids::CaseId>, per_writer: usize) {
    let mut w = World::new();
    w.now += Duration::days(3650);
    let mut plans = Vec::new();
    for i in 0..8 {
        let mut plan = Vec::new();
        for j in 0..per_writer {
            let (cmd, ctx) = consent_by(&mut w);
            plan.push((cases[(i + j) % cases.len()], cmd, ctx));
        }
        plans.push(plan);
    }
    // One time for all: concurrent writers share a clock, and none may be
    // refused for coming after another.
    for (_, _, ctx) in plans.iter_mut().flatten() {
        ctx.at = w.now;
    }
    let mut tasks = Vec::new();
    for plan in plans {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let mut conflicts = 0u32;
            let mut done = Vec::new();
            for (case_id, cmd, ctx) in plan {
                loop {
                    match store.execute_case(case_id, &cmd, &ctx).await {
                        Ok(executed) => {
                            done.push((case_id, ctx.command_id, executed.events[0].event_id));
                            break;
                        }
                        Err(e) if e.code() == ErrorCode::VersionConflict => {
                            conflicts += 1;
                            tokio::task::yield_now().await;
                        }
                        Err(e) => panic!("untyped or unexpected failure: {} {e}", lk3_core::Labelled::id(e.code())),
                    }
                }
            }
            (done, conflicts)
        }));
    }
    let mut accepted = Vec::new();
    for t in tasks {
        let (done, _) = t.await.expect("writer");
        accepted.extend(done);
    }
    assert_eq!(accepted.len(), 8 * per_writer);
    let mut seen = HashSet::new();
    for case_id in &cases {
        let loaded = store.load_case(*case_id).await.expect("verifies");
        for e in &loaded.events {
            assert!(seen.insert(e.event_id), "duplicated event {}", e.event_id);
        }
    }
    for (case_id, command_id, event_id) in accepted {
        let record = store.command(command_id).await.expect("read").expect("recorded");
        assert_eq!(record.stream_id, *case_id.as_uuid());
        assert!(seen.contains(&event_id), "lost event {event_id}");
    }
    assert!(verify(&*store).await.expect("verify").is_ok());
}

pub async fn eight_writers_on_one_case_lose_and_duplicate_nothing(store: Store) {
    let mut w = World::new();
    let (case, events) = case_at(&mut w, Stage::Registrasi);
    import_case(&store, &events).await;
    writers(store.clone(), vec![case.case_id().expect("id")], 6).await;
    let loaded = store.load_case(case.case_id().expect("id")).await.expect("load");
    assert_eq!(loaded.events.len(), events.len() + 48);
}

pub async fn eight_writers_on_many_cases_lose_and_duplicate_nothing(store: Store) {
    let mut w = World::new();
    let mut ids = Vec::new();
    for _ in 0..5 {
        let (case, events) = case_at(&mut w, Stage::Registrasi);
        import_case(&store, &events).await;
        ids.push(case.case_id().expect("id"));
    }
    writers(store.clone(), ids, 10).await;
}

/// `verify` while writers append, event by event, to cases whose query rows
/// change at every step: never a false alarm (each stream and its rows are
/// read in one snapshot).
pub async fn verify_while_writers_append_finds_nothing_wrong(store: Store) {
    let mut w = World::new();
    let streams: Vec<Vec<CaseEventRecord>> = (0..6).map(|_| case_at(&mut w, Stage::Ditutup).1).collect();
    let writing = Arc::new(std::sync::atomic::AtomicUsize::new(2));
    let mut writers = Vec::new();
    for share in [streams[..3].to_vec(), streams[3..].to_vec()] {
        let (store, writing) = (store.clone(), writing.clone());
        writers.push(tokio::spawn(async move {
            for events in share {
                let mut before = Case::default();
                for e in &events {
                    store.append(&before, std::slice::from_ref(e)).await.expect("append");
                    before.apply(e);
                    tokio::task::yield_now().await;
                }
            }
            writing.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
        }));
    }
    let mut runs = 0;
    while writing.load(std::sync::atomic::Ordering::SeqCst) > 0 || runs < 3 {
        let report = verify(&*store).await.expect("verify");
        assert!(report.is_ok(), "a false alarm while writers append: {:#?}", report.problems);
        runs += 1;
    }
    for writer in writers {
        writer.await.expect("writer");
    }
    let report = verify(&*store).await.expect("verify");
    assert!(report.is_ok() && report.streams == 6, "{report:?}");
    assert!(runs >= 3);
}

/// A write whose future is dropped part way (a caller's timeout, a task
/// cancelled), after one poll, then two, and so on: each time it wrote all
/// of its events or none, and the same append then lands (a store that holds
/// a connection for its writes must not keep one a dropped write left in a
/// transaction).
pub async fn a_write_dropped_part_way_writes_all_or_nothing_and_the_next_one_lands(store: Store) {
    let dropped_part_way = writes_dropped_part_way(store.clone()).await;
    // The memory store's append never waits, nor does a SQLite file's
    // append of one batch (in the caller's thread): nothing of it is ever
    // pending. `sqlite.rs` runs this on a store whose appends go through sqlx.
    if store.backend() == "postgres" {
        assert!(dropped_part_way > 0, "no write was dropped part way: the test tested nothing");
    }
}

/// The body of [`a_write_dropped_part_way_writes_all_or_nothing_and_the_next_one_lands`]:
/// how many of the writes were dropped while pending.
pub async fn writes_dropped_part_way(store: Store) -> usize {
    use std::future::Future;
    use std::task::Poll;
    let mut w = World::new();
    let (case, events) = case_at(&mut w, Stage::Ditutup);
    let stream_id = *case.case_id().expect("id").as_uuid();
    let stored =
        |store: Store| async move { store.read_stream(stream_id).await.expect("read").map_or(0, |(_, e)| e.len()) };
    let mut before = Case::default();
    let mut dropped_before_writing = 0;
    // Writes dropped while pending after one poll or more: part way, not before they began.
    let mut dropped_part_way = 0;
    for (polls, e) in events.iter().enumerate() {
        {
            let mut write = std::pin::pin!(store.append(&before, std::slice::from_ref(e)));
            let mut pending = false;
            for _ in 0..polls % 12 {
                let polled = std::future::poll_fn(|cx| Poll::Ready(write.as_mut().poll(cx).is_ready())).await;
                pending = !polled;
                if polled {
                    break;
                }
                tokio::task::yield_now().await;
            }
            dropped_part_way += usize::from(pending);
        }
        let after_drop = stored(store.clone()).await;
        if after_drop == polls {
            dropped_before_writing += 1;
            store.append(&before, std::slice::from_ref(e)).await.expect("the next write lands");
        } else {
            assert_eq!(after_drop, polls + 1, "a dropped write wrote part of a batch");
        }
        assert_eq!(stored(store.clone()).await, polls + 1);
        before.apply(e);
    }
    assert!(dropped_before_writing > 0, "no write was dropped before it wrote: the test tested nothing");
    let loaded = store.load_case(case.case_id().expect("id")).await.expect("load");
    assert_eq!(loaded.events, events);
    let report = verify(&*store).await.expect("verify");
    assert!(report.is_ok(), "{report:#?}");
    dropped_part_way
}

/// A document re-imported: the same events are "already present"; events
/// that differ from the stored stream under the same command ids are a
/// conflict, and nothing is written.
pub async fn a_reimport_whose_events_differ_is_a_conflict(store: Store) {
    let mut w = World::new();
    let (case, events) = case_at(&mut w, Stage::Kontrak);
    let (stored, _) = encode(&Case::default(), &events).expect("encode");
    let report = import_documents(&*store, std::slice::from_ref(&stored)).await.expect("import");
    assert_eq!((report.imported, report.already_present), (1, 0));
    let again = import_documents(&*store, std::slice::from_ref(&stored)).await.expect("again");
    assert_eq!((again.imported, again.already_present), (0, 1));
    // The same history up to its last command, whose event is another: same ids, other events.
    let mut other = events.clone();
    let last = other.len() - 1;
    other[last].occurred_at += Duration::seconds(1);
    other[last].seal_in_place().expect("seal");
    let (changed, _) = encode(&Case::default(), &other).expect("encode");
    let err = import_documents(&*store, &[changed]).await.expect_err("a conflict");
    assert_eq!(code(&err), ErrorCode::CommandIdReused, "{err}");
    let loaded = store.load_case(case.case_id().expect("id")).await.expect("load");
    assert_eq!(loaded.events, events, "what is stored stays");
}

pub async fn a_reimported_export_is_found_held_and_anything_else_is_judged_in_full(store: Store) {
    let mut w = World::new();
    let summaries = populate(&store, &mut w).await;
    let outreach = refused_outreach(&mut w);
    import_outreach(&store, &outreach).await;
    let mut docs = Vec::new();
    for s in &summaries {
        docs.push(export_stream(&*store, StreamKind::Case, *s.case_id.as_uuid()).await.expect("export"));
    }
    docs.push(export_stream(&*store, StreamKind::Outreach, outreach[0].stream_id).await.expect("export"));
    let limits = Limits::default();
    let held = |docs: Vec<String>, limits: Limits, trust: Option<TrustedKeys>| {
        let store = store.clone();
        async move {
            let bytes: Vec<&[u8]> = docs.iter().map(|d| d.as_bytes()).collect();
            held_as_they_are(&*store, &bytes, &limits, trust.as_ref()).await.expect("read")
        }
    };
    // Every export, of either kind and any unit, is held as it is ...
    assert_eq!(held(docs.clone(), limits, None).await, vec![true; docs.len()]);
    // ... as the full check finds too: judged and appended, each is already present, nothing is written.
    let batches: Vec<_> = docs.iter().map(|d| import_batch("doc", d.as_bytes(), &limits).expect("valid")).collect();
    let report = import_documents(&*store, &batches).await.expect("again");
    assert_eq!((report.imported, report.already_present, report.events), (0, docs.len() as u64, 0));
    // A store that does not hold them holds none of them.
    let empty: Store = Arc::new(MemoryStore::new());
    let bytes: Vec<&[u8]> = docs.iter().map(|d| d.as_bytes()).collect();
    assert_eq!(held_as_they_are(&*empty, &bytes, &limits, None).await.expect("read"), vec![false; docs.len()]);

    // Anything but the store's own export is left to the full check.
    let doc = &docs[0];
    let value: serde_json::Value = serde_json::from_str(doc).expect("json");
    let pretty = |v: &serde_json::Value| serde_json::to_string_pretty(v).expect("json") + "\n";
    let edited = |edit: &dyn Fn(&mut serde_json::Value)| {
        let mut v = value.clone();
        edit(&mut v);
        pretty(&v)
    };
    let events = value["events"].as_array().expect("events").len();
    assert!(events >= 2, "a stream to cut short");
    let others = [
        // The same document laid out otherwise: the full check finds it present.
        ("compact", serde_json::to_string(&value).expect("json")),
        // An event changed: the full check refuses it.
        ("tampered", edited(&|v| v["events"][0]["occurred_at"] = "2030-01-01T00:00:00Z".into())),
        // Its header naming another unit, or another stream.
        ("another unit", edited(&|v| v["case"]["unit"] = "31.71".into())),
        ("another stream", edited(&|v| v["case"]["case_id"] = outreach[0].stream_id.to_string().into())),
        // At an earlier head than the store's.
        (
            "earlier head",
            edited(&|v| {
                let events = v["events"].as_array_mut().expect("events");
                events.pop();
                let head = events.last().expect("event")["hash"].clone();
                v["case"]["version"] = (events.len() as u64).into();
                v["case"]["last_hash"] = head;
            }),
        ),
        ("not JSON", doc[..doc.len() / 2].to_owned()),
        ("another kind", edited(&|v| v["document"] = "lk3.outreach".into())),
    ];
    let found = held(others.iter().map(|(_, d)| d.clone()).collect(), limits, None).await;
    for ((what, _), held) in others.iter().zip(found) {
        assert!(!held, "{what} is not held as it is");
    }
    let compact = import_batch("compact", others[0].1.as_bytes(), &limits).expect("valid as it is");
    let report = import_documents(&*store, &[compact]).await.expect("again");
    assert_eq!((report.imported, report.already_present), (0, 1));
    assert!(import_batch("tampered", others[1].1.as_bytes(), &limits).is_err());
    // Over the limits: judged in full, and refused there.
    let tight = Limits { max_bytes: doc.len() - 1, ..limits };
    assert_eq!(held(vec![doc.clone()], tight, None).await, vec![false]);
    assert!(import_batch("big", doc.as_bytes(), &tight).is_err());
    // With a trust set, an unsealed stream is not held as it is, and the full check refuses it.
    assert_eq!(held(vec![doc.clone()], limits, Some(TrustedKeys::new())).await, vec![false]);
    assert!(import_batch_trusted("doc", doc.as_bytes(), &limits, Some(&TrustedKeys::new())).is_err());
    let report = verify(&*store).await.expect("verify");
    assert!(report.is_ok() && report.streams == docs.len() as u64, "{report:?}");
}

/// A unit's signing key and the trusted key of its public half.
fn unit_key(unit: &UnitCode, secret: u8) -> (SigningKey, TrustedKey) {
    let key = SigningKey::from_secret(&[secret; 32], *unit);
    let trusted = TrustedKey::new(*unit, key.public_key(), None);
    (key, trusted)
}

fn problem_codes(report: &lk3_storage::verify::VerifyReport) -> Vec<String> {
    report.problems.iter().map(|p| p.code.clone()).collect()
}

pub async fn a_store_with_a_key_seals_every_batch_and_verify_checks_the_seals(store: Store) {
    let mut w = World::new();
    let (case, events) = case_at(&mut w, Stage::Intervensi);
    let unit = *case.unit().expect("unit");
    let stream = events[0].stream_id;
    let (key, trusted) = unit_key(&unit, 7);
    store.set_signer(Some(key.clone()));
    assert_eq!(store.signer().map(|k| k.key_id()), Some(key.key_id()));
    let mut before = Case::default();
    for e in &events {
        store.append(&before, std::slice::from_ref(e)).await.expect("append");
        before.apply(e);
    }
    // One seal per batch, each over the event it ended on.
    let seals = store.seals(stream).await.expect("seals");
    assert_eq!(seals.iter().map(|s| s.seq).collect::<Vec<_>>(), events.iter().map(|e| e.seq).collect::<Vec<_>>());
    for (seal, e) in seals.iter().zip(&events) {
        assert_eq!((seal.key_id, seal.head_hash), (key.key_id(), e.hash));
    }
    // No trusted key: the seals are not checked, and the report says so.
    let report = verify(&*store).await.expect("verify");
    assert!(report.is_ok() && !report.seals_checked, "{report:?}");
    // The store trusts its unit's key: every seal verifies, the head is sealed.
    assert!(lk3_storage::trust::trust_key(&*store, trusted.clone()).await.expect("trust"));
    assert!(!lk3_storage::trust::trust_key(&*store, trusted.clone()).await.expect("again"), "already trusted");
    let report = verify(&*store).await.expect("verify");
    assert!(report.is_ok() && report.seals_checked, "{report:?}");
    assert_eq!(report.sealed_streams, 1);
    // The export carries the stored seal, and it verifies as a document's.
    let doc = export_stream(&*store, StreamKind::Case, stream).await.expect("export");
    let mut trust = TrustedKeys::new();
    trust.insert(trusted.clone()).expect("insert");
    let checked = lk3_core::validate::validate_trusted(doc.as_bytes(), None, &Default::default(), None, Some(&trust));
    assert!(checked.findings.iter().all(|f| f.severity != lk3_core::validate::Severity::Error), "{checked:?}");
    assert!(doc.contains(&seals.last().expect("seal").signature.to_string()));
    // A trust set given instead of the store's: an empty one checks nothing,
    // another unit's key makes every seal untrusted.
    let (_, stranger) = unit_key(&UnitCode::parse("13.71").expect("unit"), 9);
    let mut others = TrustedKeys::new();
    others.insert(stranger).expect("insert");
    let report = lk3_storage::verify::verify_trusted(&*store, Some(&others)).await.expect("verify");
    let codes = problem_codes(&report);
    assert_eq!(codes.len(), events.len() + 1, "each seal untrusted and the head unsealed: {codes:?}");
    assert!(codes[..events.len()].iter().all(|c| c == ErrorCode::SealKeyUntrusted.id()), "{codes:?}");
    assert_eq!(codes[events.len()], ErrorCode::SealMissing.id());
    // Retired before the last event: the earlier seals still verify, the
    // head's does not, and verify names that seal.
    let last = events.last().expect("event");
    lk3_storage::trust::retire_key(&*store, &key.key_id(), last.occurred_at).await.expect("retire");
    let report = verify(&*store).await.expect("verify");
    let codes = problem_codes(&report);
    assert_eq!(codes, vec![ErrorCode::SealKeyRetired.id().to_owned(), ErrorCode::SealNotOverHead.id().to_owned()]);
    assert_eq!(report.problems[0].seq, Some(last.seq));
    // Revoked: nothing it sealed verifies; the key's record stays, marked,
    // and a revoked key cannot be trusted again.
    lk3_storage::trust::revoke_key(&*store, &key.key_id(), w.now).await.expect("revoke");
    let records = store.trust_records().await.expect("records");
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].revoked_at.map(|t| t.timestamp_micros()), Some(w.now.timestamp_micros()));
    assert!(lk3_storage::trust::trusted_keys(&*store).await.expect("keys").is_empty());
    let err = lk3_storage::trust::trust_key(&*store, trusted).await.expect_err("revoked stays revoked");
    assert_eq!(code(&err), ErrorCode::KeyFileInvalid);
    let err = lk3_storage::trust::retire_key(&*store, &key.key_id(), w.now).await.expect_err("revoked");
    assert_eq!(code(&err), ErrorCode::SealKeyUntrusted);
    let report = verify(&*store).await.expect("verify");
    assert!(!report.seals_checked, "no key is trusted any more: {report:?}");
}

pub async fn verify_with_trusted_keys_requires_every_head_sealed(store: Store) {
    let mut w = World::new();
    let (case, events) = case_at(&mut w, Stage::Asesmen);
    let unit = *case.unit().expect("unit");
    let stream = events[0].stream_id;
    let (key, trusted) = unit_key(&unit, 11);
    // Written before the store had a key: unsealed.
    let (last, earlier) = events.split_last().expect("events");
    import_case(&store, earlier).await;
    assert!(lk3_storage::trust::trust_key(&*store, trusted).await.expect("trust"));
    let report = verify(&*store).await.expect("verify");
    assert_eq!(problem_codes(&report), vec![ErrorCode::SealMissing.id().to_owned()]);
    assert_eq!(report.problems[0].stream_id, Some(stream));
    // The next batch, appended with the key, seals the head: the chain
    // vouches for every event before it.
    store.set_signer(Some(key));
    store.append(&Case::from_events(earlier), std::slice::from_ref(last)).await.expect("append");
    let report = verify(&*store).await.expect("verify");
    assert!(report.is_ok() && report.sealed_streams == 1, "{report:?}");
    // A key of another unit seals nothing of this unit's streams.
    let mut w2 = World::new();
    w2.now += Duration::days(400);
    let (other_case, other_events) = case_at(&mut w2, Stage::Registrasi);
    store.set_signer(Some(unit_key(&UnitCode::parse("13.71").expect("unit"), 12).0));
    import_case(&store, &other_events).await;
    assert!(store.seals(other_events[0].stream_id).await.expect("seals").is_empty());
    assert_eq!(other_case.unit(), Some(&unit));
    let report = verify(&*store).await.expect("verify");
    assert_eq!(problem_codes(&report), vec![ErrorCode::SealMissing.id().to_owned()]);
    assert_eq!(report.problems[0].stream_id, Some(other_events[0].stream_id));
}

pub async fn an_imported_document_keeps_its_seal(store: Store) {
    let mut w = World::new();
    let (case, events) = case_at(&mut w, Stage::Kontrak);
    let unit = *case.unit().expect("unit");
    let stream = events[0].stream_id;
    let (key, trusted) = unit_key(&unit, 13);
    // Sealed at the unit, exported, imported at the province.
    let unit_store: Store = Arc::new(lk3_storage::memory::MemoryStore::new());
    unit_store.set_signer(Some(key));
    import_case(&unit_store, &events).await;
    let doc = export_stream(&*unit_store, StreamKind::Case, stream).await.expect("export");
    let sealed = unit_store.seals(stream).await.expect("seals");
    assert_eq!(sealed.len(), 1, "an imported stream is one batch, one seal");
    let batch = import_batch("doc", doc.as_bytes(), &Default::default()).expect("valid");
    assert_eq!(batch.seal.as_ref(), sealed.first());
    // The province's own key does not replace the unit's seal.
    store.set_signer(Some(unit_key(&unit, 14).0));
    import_documents(&*store, &[batch]).await.expect("import");
    assert_eq!(store.seals(stream).await.expect("seals"), sealed);
    assert!(lk3_storage::trust::trust_key(&*store, trusted.clone()).await.expect("trust"));
    let report = verify(&*store).await.expect("verify");
    assert!(report.is_ok() && report.sealed_streams == 1, "{report:?}");
    assert_eq!(export_stream(&*store, StreamKind::Case, stream).await.expect("export"), doc);
    // Imported again: held as it is, with its seal verified against a trust set when one is given.
    let limits = Limits::default();
    let held = |document: &str, trust: Option<TrustedKeys>| {
        let (store, document) = (store.clone(), document.to_owned());
        async move { held_as_they_are(&*store, &[document.as_bytes()], &limits, trust.as_ref()).await.expect("read") }
    };
    let mut unit_trusted = TrustedKeys::new();
    unit_trusted.insert(trusted).expect("trusted");
    let mut other_trusted = TrustedKeys::new();
    other_trusted.insert(unit_key(&unit, 16).1).expect("trusted");
    assert_eq!(held(&doc, None).await, vec![true]);
    assert_eq!(held(&doc, Some(unit_trusted)).await, vec![true]);
    assert_eq!(held(&doc, Some(other_trusted.clone())).await, vec![false], "a seal the trust set does not trust");
    assert!(import_batch_trusted("doc", doc.as_bytes(), &limits, Some(&other_trusted)).is_err());
    // The same document without its seal (the last member): held as it is when no seal is asked
    // for (importing it writes nothing), not when a trust set asks for one.
    let at = doc.find(",\n  \"seal\": ").expect("the seal is the last member");
    let unsealed = format!("{}\n}}\n", &doc[..at]);
    assert_eq!(held(&unsealed, None).await, vec![true]);
    let mut unit_trusted = TrustedKeys::new();
    unit_trusted.insert(unit_key(&unit, 13).1).expect("trusted");
    assert_eq!(held(&unsealed, Some(unit_trusted.clone())).await, vec![false]);
    assert!(import_batch_trusted("doc", unsealed.as_bytes(), &limits, Some(&unit_trusted)).is_err());
    let batch = import_batch("doc", unsealed.as_bytes(), &limits).expect("valid");
    let report = import_documents(&*store, &[batch]).await.expect("again");
    assert_eq!((report.imported, report.already_present), (0, 1));
    assert_eq!(store.seals(stream).await.expect("seals"), sealed, "the kept seal stays");
}

pub async fn a_store_that_starts_sealing_late_seals_its_old_heads(store: Store) {
    let mut w = World::new();
    let summaries = populate(&store, &mut w).await;
    let unit = UnitCode::parse("64.74").expect("unit");
    let mine = summaries.iter().filter(|s| s.unit == unit).count() as u64;
    let others = summaries.len() as u64 - mine;
    assert!(mine > 0 && others > 0);
    let (key, trusted) = unit_key(&unit, 15);
    lk3_storage::trust::trust_key(&*store, trusted).await.expect("trust");
    let report = verify(&*store).await.expect("verify");
    assert_eq!(report.problems.len() as u64, mine + others, "every old head unsealed: {report:?}");
    let done = lk3_storage::trust::seal_heads(&*store, &key).await.expect("seal");
    assert_eq!((done.sealed, done.already, done.other_units), (mine, 0, others));
    // The unit's heads verify; the other unit's stay unsealed (its key is not this store's).
    let report = verify(&*store).await.expect("verify");
    assert_eq!(report.sealed_streams, mine, "{report:?}");
    assert!(report.problems.iter().all(|p| p.code == ErrorCode::SealMissing.id()), "{report:?}");
    assert_eq!(report.problems.len() as u64, others);
    // Once is enough.
    let again = lk3_storage::trust::seal_heads(&*store, &key).await.expect("seal");
    assert_eq!((again.sealed, again.already), (0, mine));
}

// ---------------------------------------------------------------------------
// Reports

fn day(y: i32, m: u32, d: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(y, m, d).expect("a date")
}

/// An outreach of `w`'s unit reported now, visited, and refused: its events.
fn refused_outreach(w: &mut World) -> Vec<lk3_core::event::Event<lk3_core::outreach::OutreachEvent>> {
    use lk3_core::outreach::{Outreach, OutreachCommand, OutreachRefusalReason, ReporterKind};
    use lk3_core::vocab::Sasaran;
    let peksos = w.actor(Role::PekerjaSosial, false);
    let mut outreach = Outreach::default();
    let mut events = Vec::new();
    let outreach_id = lk3_core::ids::OutreachId::new_v7(w.now, w.fresh_seed());
    let unit: UnitCode = w.unit.parse().expect("unit");
    let planned_for = w.now + Duration::hours(2);
    for cmd in [
        OutreachCommand::Report {
            outreach_id,
            unit,
            reported_by: ReporterKind::KetuaRt,
            sasaran: Sasaran::Individu,
            problems: vec![Problem::LansiaTerlantar],
            kode_wilayah: None,
        },
        OutreachCommand::Schedule { planned_for, mobile_unit: true },
        OutreachCommand::CarryOut {},
        OutreachCommand::RecordRefusal { reason: OutreachRefusalReason::TidakMerasaPerlu },
    ] {
        let ctx = w.ctx(peksos);
        let new = outreach.execute(&cmd, &ctx).expect("an outreach step");
        events.extend(new);
    }
    events
}

async fn import_outreach(store: &Store, events: &[lk3_core::event::Event<lk3_core::outreach::OutreachEvent>]) {
    let (batch, _) = encode(&lk3_core::outreach::Outreach::default(), events).expect("encodes");
    let out = store.append_batches(&[batch]).await.expect("imports");
    assert!(matches!(out[0], AppendOutcome::Written { .. }));
}

/// An adapter's upgrade from schema 3: a store with cases at several stages
/// in two units and an outreach is taken back to schema 3 and opened again
/// by `rewind_and_reopen` (the adapter's SQL); the migration must fill what
/// schema 4 added so that `verify` finds the rows it derives, and the reports
/// of 2018–2020 stay as they were.
pub async fn a_store_of_schema_3_upgrades<F, Fut>(store: Store, rewind_and_reopen: F)
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Store>,
{
    let mut w = World::new();
    let mut summaries = populate(&store, &mut w).await;
    let (referral, events, _) = sent_referral(&mut w);
    import_case(&store, &events).await;
    summaries.push(CaseSummary::of(&referral).expect("summary"));
    import_outreach(&store, &refused_outreach(&mut w)).await;
    let before = reports_2018_to_2020(&store).await;
    store.close().await;
    let store = rewind_and_reopen().await;
    let report = verify(&*store).await.expect("verify");
    assert!(report.is_ok(), "{report:#?}");
    assert_eq!(reports_2018_to_2020(&store).await, before);
    // Every summary is whole again: channel, sasaran, the referral's partner.
    let mut refreshed = store.query_cases(&CaseQuery::default()).await.expect("query");
    refreshed.sort_by_key(|s| s.case_id);
    summaries.sort_by_key(|s| s.case_id);
    assert_eq!(refreshed, summaries);
}

/// The summaries of a store as schema 10 wrote them, for a rewind: each
/// `(case_id, summary)` without channel, sasaran and referral partners.
/// Panics unless every summary held a channel and some a sasaran.
pub fn summaries_of_schema_10(rows: &[(String, String)]) -> Vec<(String, String)> {
    let (mut channels, mut sasaran) = (0, 0);
    let old = rows
        .iter()
        .map(|(case_id, text)| {
            let mut s: CaseSummary = serde_json::from_str(text).expect("a summary");
            channels += usize::from(s.channel.take().is_some());
            sasaran += usize::from(s.sasaran.take().is_some());
            for v in &mut s.services {
                v.partner_id = None;
            }
            (case_id.clone(), serde_json::to_string(&s).expect("json"))
        })
        .collect();
    assert!(
        channels == rows.len() && sasaran > 0,
        "{channels} of {} with a channel, {sasaran} with sasaran",
        rows.len()
    );
    old
}

/// The national report of each year 2018–2020.
async fn reports_2018_to_2020(store: &Store) -> Vec<lk3_core::report::Report> {
    use lk3_storage::report::{ReportScope, report};
    let mut out = Vec::new();
    for year in 2018..=2020 {
        let r = report(&**store, &ReportScope::National, day(year, 1, 1), day(year, 12, 31)).await.expect("a report");
        out.push(r);
    }
    assert!(out[1].total.cases.active > 0 && out[1].total.outreach.active > 0);
    out
}

/// The reference: the same events counted by the core alone.
fn reference(
    unit: &UnitCode,
    cases: &[&[CaseEventRecord]],
    outreaches: &[&[lk3_core::event::Event<lk3_core::outreach::OutreachEvent>]],
    profiles: &std::collections::BTreeMap<ClientId, lk3_core::report::ClientProfile>,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> lk3_core::report::FinishedTally {
    let mut tally = lk3_core::report::UnitTally::new(unit, from, to).expect("a period");
    for c in cases {
        tally.add_case(c);
    }
    for o in outreaches {
        tally.add_outreach(o);
    }
    tally.finish(profiles)
}

pub async fn a_report_is_counted_from_the_events_and_a_closed_period_stays_as_it_was(store: Store) {
    use lk3_core::ids::Sex;
    use lk3_core::report::{ClientProfile, Report};
    use lk3_storage::report::{ReportScope, report};
    let mut w = World::new();
    let unit: UnitCode = w.unit.parse().expect("unit");
    // March 2019: one case to evaluation, one closed, one contact only, an outreach refused.
    let (mut evaluating, mut evaluating_events) = case_at(&mut w, Stage::Evaluasi);
    let (_, closed) = case_at(&mut w, Stage::Ditutup);
    let (_, contact) = case_at(&mut w, Stage::Kontak);
    let outreach = refused_outreach(&mut w);
    for events in [&evaluating_events, &closed, &contact] {
        import_case(&store, events).await;
    }
    import_outreach(&store, &outreach).await;
    let born = day(2012, 5, 1);
    let adult = ClientRecord {
        client_id: w.adult,
        unit,
        name: "Ibu Contoh".to_owned(),
        nik: None,
        no_kk: None,
        sex: Some(Sex::Perempuan),
        birth_date: Some(day(1990, 1, 1)),
        domicile: "64.74.02.1004".parse().ok(),
    };
    let child = ClientRecord {
        client_id: w.child,
        name: "Anak Contoh".to_owned(),
        sex: None,
        birth_date: Some(born),
        domicile: "64.74.02".parse().ok(),
        ..adult.clone()
    };
    for r in [&adult, &child] {
        store.put_client(r).await.expect("registry");
    }
    let profiles: std::collections::BTreeMap<_, _> =
        [&adult, &child].iter().map(|r| (r.client_id, ClientProfile::from(*r))).collect();
    let (from, to) = (day(2019, 3, 1), day(2019, 3, 31));
    let scope = ReportScope::Unit(unit);
    let march = report(&*store, &scope, from, to).await.expect("a report");
    let expected = Report::of_units(
        from,
        to,
        None,
        vec![reference(&unit, &[&evaluating_events, &closed, &contact], &[&outreach], &profiles, from, to)],
    );
    assert_eq!(march, expected, "the store reads exactly the events the core counts");
    let t = &march.total;
    assert_eq!((t.cases.active, t.cases.opened, t.cases.closed, t.cases.open_at_end), (3, 3, 1, 2));
    assert_eq!((t.clients.served, t.clients.new, t.clients.unregistered_contacts), (2, 2, 1));
    assert_eq!((t.outreach.active, t.outreach.reported, t.outreach.visits), (1, 1, 1));
    assert_eq!(t.outreach.outcomes.len(), 1);
    assert_eq!(t.by_sex.iter().map(|c| c.count).sum::<u64>(), 2);
    assert!(t.by_sex.iter().any(|c| c.value.is_none() && c.count == 1), "the child's sex is not recorded");
    assert!(t.by_kelurahan.iter().any(|c| c.value.is_none() && c.count == 1), "the child's domicile is a kecamatan");
    assert_eq!(t.by_kecamatan.len(), 1, "both live in kecamatan 64.74.02");

    // A year later: the open case ends, a new case opens with the same people.
    w.now += Duration::days(365);
    let peksos = w.actor(Role::PekerjaSosial, false);
    let before = evaluating.version();
    w.run(
        &mut evaluating,
        &mut evaluating_events,
        peksos,
        CaseCommand::Terminate { reason: lk3_core::vocab::TerminationReason::TujuanTercapai },
    );
    store
        .append(
            &Case::replay(&evaluating_events[..before as usize]).expect("replays"),
            &evaluating_events[before as usize..],
        )
        .await
        .expect("appends");
    let (_, later) = case_at(&mut w, Stage::Asesmen);
    import_case(&store, &later).await;
    assert_eq!(report(&*store, &scope, from, to).await.expect("a report"), march, "March 2019 reads the same");
    // The new year sees the two cases still open (the one in evaluation, the
    // contact) carried over and the new one, with continuing clients.
    let year = report(&*store, &scope, day(2020, 1, 1), day(2020, 12, 31)).await.expect("a report");
    let t = &year.total;
    assert_eq!((t.cases.active, t.cases.carried_over, t.cases.opened), (3, 2, 1));
    assert_eq!((t.clients.served, t.clients.new, t.clients.continuing), (2, 0, 2));
    let reversed = report(&*store, &scope, to, from).await.expect_err("reversed");
    assert_eq!(code(&reversed), ErrorCode::ReportPeriod);
}

pub async fn a_region_report_rolls_up_its_units(store: Store) {
    use lk3_storage::report::{ReportScope, report};
    let codes = ["64.74", "64.72", "64.74-PKK", "13.71"];
    let mut w = World::new();
    for (i, code) in codes.iter().enumerate() {
        w.unit = code;
        for stage in [Stage::Intervensi, Stage::Ditutup].iter().take(1 + i % 2) {
            let (_, events) = case_at(&mut w, *stage);
            import_case(&store, &events).await;
        }
        import_outreach(&store, &refused_outreach(&mut w)).await;
    }
    let units: Vec<String> = store.units().await.expect("units").iter().map(ToString::to_string).collect();
    assert_eq!(units, ["13.71", "64.72", "64.74", "64.74-PKK"]);
    let (from, to) = (day(2019, 1, 1), day(2019, 12, 31));
    let province = report(&*store, &ReportScope::Region("64".parse().expect("kode")), from, to).await.expect("report");
    let listed: Vec<String> = province.units.iter().map(|u| u.unit.to_string()).collect();
    assert_eq!(listed, ["64.72", "64.74", "64.74-PKK"], "the community-based unit is in its province");
    assert_eq!(province.total.cases.active, 1 + 2 + 1);
    assert_eq!(province.total.outreach.active, 3);
    for (i, total) in province.total.summary().iter().enumerate() {
        assert_eq!(*total, province.units.iter().map(|u| u.figures.summary()[i]).sum::<u64>());
    }
    for u in &province.units {
        let alone = report(&*store, &ReportScope::Unit(u.unit), from, to).await.expect("report");
        assert_eq!(alone.units[0], *u, "a unit's row is its own report");
    }
    let kota = report(&*store, &ReportScope::Region("64.74".parse().expect("kode")), from, to).await.expect("report");
    assert_eq!(kota.units.len(), 2);
    let national = report(&*store, &ReportScope::National, from, to).await.expect("report");
    assert_eq!(national.units.len(), 4);
    assert_eq!(national.total.cases.active, province.total.cases.active + 2);
    // Bulk reads keep to their unit: another unit's stream and an unknown id are left out.
    let samarinda = CaseQuery { unit: Some("64.72".parse().expect("unit")), ..CaseQuery::default() };
    let theirs = *store.query_cases(&samarinda).await.expect("cases")[0].case_id.as_uuid();
    let bontang = CaseQuery { unit: Some("64.74".parse().expect("unit")), ..CaseQuery::default() };
    let ours = *store.query_cases(&bontang).await.expect("cases")[0].case_id.as_uuid();
    let unit: UnitCode = "64.74".parse().expect("unit");
    let read = store.read_streams(&unit, &[theirs, ours, uuid::Uuid::nil()]).await.expect("bulk read");
    assert_eq!(read.iter().map(|(id, _)| *id).collect::<Vec<_>>(), [ours]);
    // Many streams come back in id order, each whole and in seq order, however asked.
    let (start, end) = (chrono::DateTime::<chrono::Utc>::MIN_UTC, chrono::DateTime::<chrono::Utc>::MAX_UTC);
    let mut all_ours: Vec<_> =
        store.query_case_ids(&bontang).await.expect("ids").iter().map(|c| *c.as_uuid()).collect();
    let outreaches = store.query_outreaches(&unit, start..end, None, 10).await.expect("outreaches");
    all_ours.extend(outreaches.iter().map(|o| *o.outreach_id.as_uuid()));
    all_ours.sort();
    assert!(all_ours.len() > 1);
    let backwards: Vec<_> = all_ours.iter().rev().copied().collect();
    let read = store.read_streams(&unit, &backwards).await.expect("bulk read");
    assert_eq!(read.iter().map(|(id, _)| *id).collect::<Vec<_>>(), all_ours);
    for (id, events) in &read {
        let (_, alone) = store.read_stream(*id).await.expect("read").expect("a stream");
        assert_eq!(*events, alone);
    }
    let (_, alone) = store.read_stream(ours).await.expect("read").expect("a stream");
    assert_eq!(read[0].1, alone, "the same rows as a single read");
    assert!(store.clients(&unit, &[ClientId::new_v7(w.now, w.fresh_seed())]).await.expect("clients").is_empty());
    // Outreach pages: one at a time, in id order, each once.
    let first = store.query_outreaches(&unit, start..end, None, 1).await.expect("page");
    assert_eq!(first.len(), 1);
    let next = store.query_outreaches(&unit, start..end, Some(first[0].outreach_id), 1).await.expect("page");
    assert!(next.is_empty());
    assert!(store.query_outreaches(&unit, start..first[0].reported_at, None, 10).await.expect("page").is_empty());
    // A finished outreach is not active after its last event, and is up to it.
    let last = first[0].last_at;
    assert!(lk3_core::report::outreach_finished_in_every_rule_set(first[0].state));
    let to_last = store.query_outreaches(&unit, last..end, None, 10).await.expect("page");
    assert_eq!(to_last.len(), 1);
    let after = last + chrono::Duration::microseconds(1);
    assert!(store.query_outreaches(&unit, after..end, None, 10).await.expect("page").is_empty());
}

// ---------------------------------------------------------------- partners

fn network_partner(unit: &str, n: u8, services: &[(&str, PartnerServiceStatus)]) -> Partner {
    let at = chrono::DateTime::from_timestamp(1_554_685_200, 0).expect("time");
    Partner {
        partner_id: PartnerId::new_v7(at, IdSeed::new([n; 10])),
        unit: unit.parse().expect("unit"),
        name: format!("Mitra {n}"),
        kind: PartnerKind::UptdPpa,
        services: services
            .iter()
            .map(|(slug, status)| PartnerService {
                service_id: (*slug).to_owned(),
                name: format!("Layanan {slug}"),
                status: *status,
            })
            .collect(),
        locations: vec![PartnerLocation {
            location_id: "kantor".into(),
            kode_wilayah: None,
            address: Some("Jl. Contoh".into()),
            kind: PartnerLocationKind::Fisik,
        }],
        accepts_referrals: true,
        emergency_line: false,
        capacity: None,
    }
}

pub async fn a_unit_s_partner_network_is_kept_and_changed_all_or_none(store: Store) {
    let active = [("pendampingan", PartnerServiceStatus::Aktif)];
    let a = network_partner("64.74", 1, &active);
    let b = network_partner("64.72", 2, &active);
    let report = store.import_partners(vec![b.clone(), a.clone()]).await.expect("imported");
    assert_eq!((report.added, report.changed, report.unchanged), (2, 0, 0));
    assert_eq!(store.partners(None).await.expect("read"), vec![a.clone(), b.clone()], "id order");
    assert_eq!(store.partners(Some(&a.unit)).await.expect("read"), vec![a.clone()]);
    let again = store.import_partners(vec![a.clone(), b.clone()]).await.expect("imported");
    assert_eq!((again.added, again.changed, again.unchanged), (0, 0, 2));

    // One bad partner refuses the whole import: nothing changes.
    let mut a2 = a.clone();
    a2.accepts_referrals = false;
    let mut invalid = network_partner("64.74", 3, &active);
    invalid.name = String::new();
    let before = store.partners(None).await.expect("read");
    for refused in [
        vec![a2.clone(), invalid],
        vec![a2.clone(), a2.clone()],
        vec![a2.clone(), Partner { unit: b.unit, ..a.clone() }],
        vec![Partner { unit: "64.72".parse().expect("unit"), ..a2.clone() }],
    ] {
        let e = store.import_partners(refused).await.expect_err("refused");
        assert_eq!(code(&e), ErrorCode::InvalidCommand, "{e}");
        assert_eq!(store.partners(None).await.expect("read"), before, "nothing written");
    }
    let changed = store.import_partners(vec![a2.clone()]).await.expect("imported");
    assert_eq!((changed.added, changed.changed, changed.unchanged), (0, 1, 0));
    let directory = store.partner_directory(Some(&a.unit)).await.expect("read");
    assert_eq!(directory.iter().cloned().collect::<Vec<_>>(), vec![a2]);
    assert!(verify(&*store).await.expect("verify").is_ok());
}

pub async fn every_partner_a_case_names_is_checked_against_its_unit_s_network(store: Store) {
    let mut w = World::new();
    let (case, events) = w.case_at(Stage::Intervensi);
    import_case(&store, &events).await;
    // A referral to a partner kept nowhere: history from before the network.
    let (_, elsewhere, _) = sent_referral(&mut w);
    let elsewhere = encode(&Case::default(), &elsewhere).expect("encodes").0;
    let taking = network_partner(
        w.unit,
        1,
        &[("pendampingan", PartnerServiceStatus::Aktif), ("mediasi", PartnerServiceStatus::TutupSementara)],
    );
    let mut not_taking = network_partner(w.unit, 2, &[("pendampingan", PartnerServiceStatus::Aktif)]);
    not_taking.accepts_referrals = false;
    store.import_partners(vec![taking.clone(), not_taking.clone()]).await.expect("imported");

    let case_id = case.case_id().expect("id");
    let version = |store: Store| async move { store.load_case(case_id).await.expect("loads").events.len() };
    let written = version(store.clone()).await;
    let peksos = w.actor(Role::PekerjaSosial, false);
    let opened_at = w.now;
    let open = |partner_id: u8| CaseCommand::OpenService {
        service_id: ServiceId::new_v7(opened_at, IdSeed::new([partner_id; 10])),
        kind: ServiceKind::Rujukan,
        referral: Some(ReferralDraft {
            partner_id: PartnerId::new_v7(
                chrono::DateTime::from_timestamp(1_554_685_200, 0).expect("time"),
                IdSeed::new([partner_id; 10]),
            ),
        }),
    };
    for (partner, refused) in [(99, ErrorCode::UnknownReference), (2, ErrorCode::PartnerUnavailable)] {
        let ctx = w.ctx(peksos);
        let e = store.execute_case(case_id, &open(partner), &ctx).await.expect_err("refused");
        assert_eq!(code(&e), refused, "{e}");
        assert!(e.message_en().contains(&case_id.to_string()) && e.message_id().starts_with("aliran "), "{e}");
        assert_eq!(version(store.clone()).await, written, "nothing written");
    }
    let referral = open(1);
    let CaseCommand::OpenService { service_id, .. } = referral else { unreachable!("an opening") };
    let ctx = w.ctx(peksos);
    store.execute_case(case_id, &referral, &ctx).await.expect("a partner that takes referrals");
    let send = |service: &str| CaseCommand::ServiceStep {
        service_id,
        step: ServiceCommand::Send {
            response_deadline: None,
            emergency: Some(EmergencyReason::AncamanKeselamatan),
            request: lk3_core::service::ReferralRequest {
                service: Some(Slug::parse(service).expect("slug")),
                ..Default::default()
            },
        },
    };
    for (service, refused) in [("tidak-ada", ErrorCode::UnknownReference), ("mediasi", ErrorCode::PartnerUnavailable)] {
        let ctx = w.ctx(peksos);
        let e = store.execute_case(case_id, &send(service), &ctx).await.expect_err("refused");
        assert_eq!(code(&e), refused, "{e}");
    }
    let ctx = w.ctx(peksos);
    store.execute_case(case_id, &send("pendampingan"), &ctx).await.expect("an active service");

    // Imported history is checked too: the partner must be in the network.
    let e = import_documents(&*store, std::slice::from_ref(&elsewhere)).await.expect_err("an unknown partner");
    assert_eq!(code(&e), ErrorCode::UnknownReference, "{e}");
    assert!(store.read_stream(elsewhere.stream_id).await.expect("read").is_none(), "nothing written");
    // A partner that has since stopped taking referrals does not undo history.
    let exported = export_stream(&*store, StreamKind::Case, *case_id.as_uuid()).await.expect("export");
    let mut stopped = taking.clone();
    stopped.accepts_referrals = false;
    store.import_partners(vec![stopped]).await.expect("changed");
    let other = MemoryStore::new();
    other.import_partners(store.partners(None).await.expect("read")).await.expect("imported");
    let batch = import_batch("case.json", exported.as_bytes(), &Default::default()).expect("valid");
    let report = import_documents(&other, &[batch]).await.expect("history stands");
    assert_eq!(report.imported, 1);
}

// ---------------------------------------------------------------- caseload

/// The caseload the summaries give: open cases per (unit, worker) and stage.
fn reference_caseload(
    summaries: &[CaseSummary],
) -> std::collections::BTreeMap<(UnitCode, Option<lk3_core::ids::StaffId>), std::collections::BTreeMap<Stage, u64>> {
    let mut loads = std::collections::BTreeMap::new();
    for s in summaries.iter().filter(|s| s.stage != Stage::Ditutup) {
        let by_stage: &mut std::collections::BTreeMap<Stage, u64> = loads.entry((s.unit, s.worker)).or_default();
        *by_stage.entry(s.stage).or_default() += 1;
    }
    loads
}

fn as_map(
    loads: &[lk3_storage::caseload::Caseload],
) -> std::collections::BTreeMap<(UnitCode, Option<lk3_core::ids::StaffId>), std::collections::BTreeMap<Stage, u64>> {
    loads
        .iter()
        .map(|l| {
            assert_eq!(l.open, l.by_stage.values().sum::<u64>());
            ((l.unit, l.worker), l.by_stage.clone())
        })
        .collect()
}

pub async fn caseload_counts_each_worker_s_open_cases_by_stage(store: Store) {
    use lk3_storage::caseload::caseload;
    let mut w = World::new();
    let summaries = populate(&store, &mut w).await;
    let all = caseload(&*store, None).await.expect("caseload");
    assert_eq!(as_map(&all), reference_caseload(&summaries));
    let unit: UnitCode = "64.74".parse().expect("unit");
    let one = caseload(&*store, Some(&unit)).await.expect("caseload");
    assert!(one.iter().all(|l| l.unit == unit) && !one.is_empty());
    assert_eq!(one.len(), all.iter().filter(|l| l.unit == unit).count());
    // The ketua hands the 64.74 intervention to the other worker: it moves.
    let moved = summaries.iter().find(|s| s.unit == unit && s.stage == Stage::Intervensi).expect("a case");
    let case = store.load_case(moved.case_id).await.expect("loads").state;
    let cmd = w.command(&case, K::AssignWorker);
    let ctx = w.ctx(w.actor(Role::Ketua, true));
    store.execute_case(moved.case_id, &cmd, &ctx).await.expect("reassigned");
    let after = store.query_cases(&CaseQuery { limit: 1000, ..Default::default() }).await.expect("summaries");
    let CaseCommand::AssignWorker { worker, .. } = cmd else { unreachable!("an assignment") };
    assert_eq!(after.iter().find(|s| s.case_id == moved.case_id).and_then(|s| s.worker), Some(worker));
    assert_eq!(as_map(&caseload(&*store, None).await.expect("caseload")), reference_caseload(&after));
    assert!(verify(&*store).await.expect("verify").is_ok());
}

/// A transfer from Bontang (64.74) to Samarinda (64.72): refused once, then
/// accepted. The history stays in Bontang's rows; the queries, the
/// caseload and both units' reports follow the unit holding the case, and
/// staff of the unit that let it go can no longer act on it.
pub async fn a_case_transferred_to_another_unit_is_held_listed_and_reported_there(store: Store) {
    use lk3_core::case::TransferState as T;
    use lk3_core::report::UnitTally;
    use lk3_storage::caseload::caseload;
    use lk3_storage::report::{ReportScope, report};
    let mut w = World::new();
    let mut histories: Vec<Vec<CaseEventRecord>> = Vec::new();
    for stage in [Stage::Asesmen, Stage::Intervensi] {
        let (_, events) = case_at(&mut w, stage);
        import_case(&store, &events).await;
        histories.push(events);
    }
    let (home, target): (UnitCode, UnitCode) = ("64.74".parse().expect("unit"), "64.72".parse().expect("unit"));
    let case_id = Case::from_events(&histories[1]).case_id().expect("id");
    let ketua = w.actor(Role::Ketua, false);
    let run = |cmd: CaseCommand, ctx: CommandContext| {
        let store = store.clone();
        async move { store.execute_case(case_id, &cmd, &ctx).await }
    };
    let ids = |found: Vec<CaseSummary>| found.iter().map(|s| s.case_id).collect::<Vec<_>>();
    let query = |held_by: Option<UnitCode>, to: Option<(UnitCode, Option<T>)>| CaseQuery {
        held_by,
        transferred_to: to.map(|t| t.0),
        transfer_state: to.and_then(|t| t.1),
        limit: 100,
        ..Default::default()
    };
    // Asked, then refused by Samarinda: the case never left Bontang.
    let case = store.load_case(case_id).await.expect("loads").state;
    run(w.command(&case, K::TransferCase), w.ctx(ketua.of_unit(home))).await.expect("asked");
    let pending = store.query_cases(&query(None, Some((target, Some(T::Diajukan))))).await.expect("in-tray");
    assert_eq!(ids(pending), vec![case_id]);
    let case = store.load_case(case_id).await.expect("loads").state;
    run(w.command(&case, K::RefuseTransfer), w.ctx(ketua.of_unit(target))).await.expect("refused");
    assert!(store.query_cases(&query(None, Some((target, Some(T::Diajukan))))).await.expect("q").is_empty());
    assert_eq!(ids(store.query_cases(&query(Some(home), None)).await.expect("q")).len(), 2);
    // Asked again: Bontang's ketua cannot answer for Samarinda, and nothing is written.
    let case = store.load_case(case_id).await.expect("loads").state;
    run(w.command(&case, K::TransferCase), w.ctx(ketua.of_unit(home))).await.expect("asked again");
    let version = store.load_case(case_id).await.expect("loads").state.version();
    let case = store.load_case(case_id).await.expect("loads").state;
    let accept = w.command(&case, K::AcceptTransfer);
    let e = run(accept.clone(), w.ctx(ketua.of_unit(home))).await.expect_err("not the receiving unit");
    assert_eq!(code(&e), ErrorCode::UnitMismatch, "{e}");
    assert_eq!(store.load_case(case_id).await.expect("loads").state.version(), version);
    run(accept.clone(), w.ctx(ketua.of_unit(target))).await.expect("accepted");
    let CaseCommand::AcceptTransfer { worker } = accept else { unreachable!("an acceptance") };
    // Samarinda holds it; Bontang keeps its history and lists it as opened there.
    let loaded = store.load_case(case_id).await.expect("loads").state;
    assert_eq!((loaded.holding_unit(), loaded.unit()), (Some(target), Some(&home)));
    assert_eq!(ids(store.query_cases(&query(Some(target), None)).await.expect("q")), vec![case_id]);
    assert!(!ids(store.query_cases(&query(Some(home), None)).await.expect("q")).contains(&case_id));
    let opened_here = CaseQuery { unit: Some(home), limit: 100, ..Default::default() };
    assert!(ids(store.query_cases(&opened_here).await.expect("q")).contains(&case_id));
    let all = store.query_cases(&CaseQuery { limit: 100, ..Default::default() }).await.expect("q");
    for q in [
        query(Some(target), None),
        query(Some(home), None),
        query(None, Some((target, None))),
        query(None, Some((target, Some(T::Diterima)))),
        query(None, Some((target, Some(T::Ditolak)))),
        query(None, Some((home, None))),
    ] {
        let expected: Vec<_> = all.iter().filter(|s| q.matches(s)).map(|s| s.case_id).collect();
        assert_eq!(ids(store.query_cases(&q).await.expect("q")), expected, "{q:?}");
    }
    let samarinda = caseload(&*store, Some(&target)).await.expect("caseload");
    assert_eq!(samarinda.len(), 1);
    assert_eq!((samarinda[0].worker, samarinda[0].open, samarinda[0].unit), (Some(worker), 1, target));
    let bontang = caseload(&*store, Some(&home)).await.expect("caseload");
    assert_eq!(bontang.iter().map(|l| l.open).sum::<u64>(), 1);
    let reassign = w.command(&loaded, K::AssignWorker);
    let e = run(reassign.clone(), w.ctx(ketua.of_unit(home))).await.expect_err("Bontang let it go");
    assert_eq!(code(&e), ErrorCode::UnitMismatch);
    run(reassign, w.ctx(ketua.of_unit(target))).await.expect("Samarinda reassigns it");
    // Samarinda's network now judges the partners the case names (Bontang has none).
    let partner = network_partner("64.72", 7, &[("pendampingan", PartnerServiceStatus::Aktif)]);
    store.import_partners(vec![partner.clone()]).await.expect("Samarinda's network");
    let opened_at = w.now;
    let open = |seed: u8, partner_id: PartnerId| CaseCommand::OpenService {
        service_id: ServiceId::new_v7(opened_at, IdSeed::new([seed; 10])),
        kind: ServiceKind::Rujukan,
        referral: Some(ReferralDraft { partner_id }),
    };
    let peksos = w.actor(Role::PekerjaSosial, false);
    let stranger = PartnerId::new_v7(opened_at, IdSeed::new([99; 10]));
    let e = run(open(1, stranger), w.ctx(peksos)).await.expect_err("not in Samarinda's network");
    assert_eq!(code(&e), ErrorCode::UnknownReference, "{e}");
    run(open(2, partner.partner_id), w.ctx(peksos)).await.expect("Samarinda's own partner");
    // Both units' reports, each the tally of the events it was fed (the
    // store's selection of streams is what is tested here).
    let events = store.load_case(case_id).await.expect("loads").events;
    histories[1] = events;
    let (from, to) = (day(2019, 1, 1), day(2019, 12, 31));
    for (unit, transferred_in, transferred_out) in [(home, 0, 1), (target, 1, 0)] {
        let got = report(&*store, &ReportScope::Unit(unit), from, to).await.expect("report");
        let mut tally = UnitTally::new(&unit, from, to).expect("a period");
        for h in &histories {
            tally.add_case(h);
        }
        let expected = tally.finish(&Default::default());
        let cases = &got.units[0].figures.cases;
        assert_eq!(cases, &lk3_core::report::Report::of_units(from, to, None, vec![expected]).units[0].figures.cases);
        assert_eq!((cases.transferred_in, cases.transferred_out), (transferred_in, transferred_out), "{unit}");
        // Bontang: its assessment still open, the transferred case active
        // before it left; Samarinda: only the case it took over.
        assert_eq!(cases.open_at_end, 1, "{unit}: {cases:?}");
        assert_eq!(cases.active, if unit == target { 1 } else { 2 }, "{unit}");
    }
    assert!(verify(&*store).await.expect("verify").is_ok());
}

/// The registry: found by NIK, by family card and by name in its old
/// spelling; a second registration of the same NIK warns with the first
/// file; the merge of the two records is audited, leaves the events as they
/// were (verify stays clean) and counts the person once in the report.
pub async fn clients_are_found_a_second_registration_warns_and_a_merge_keeps_every_chain(store: Store) {
    use lk3_core::ids::{Nik, NoKk, Sex, StaffId};
    use lk3_core::lookup::{ClientLookup, MatchKind};
    use lk3_core::schema::{ClientMerge, MergeReason};
    use lk3_storage::registry::{find_clients, register_client};
    use lk3_storage::report::{ReportScope, report};
    let mut w = World::new();
    let unit: UnitCode = w.unit.parse().expect("unit");
    let (first, first_events) = case_at(&mut w, Stage::Intervensi);
    import_case(&store, &first_events).await;
    let nik: Nik = "6474014101900001".parse().expect("a NIK");
    let kk: NoKk = "6474010101100001".parse().expect("a No. KK");
    let mother = ClientRecord {
        client_id: w.adult,
        unit,
        name: "Siti Aminah".to_owned(),
        nik: Some(nik),
        no_kk: Some(kk),
        sex: Some(Sex::Perempuan),
        birth_date: chrono::NaiveDate::from_ymd_opt(1990, 1, 1),
        domicile: None,
    };
    let son = ClientRecord {
        client_id: w.child,
        name: "Budi Santoso".to_owned(),
        nik: None,
        sex: Some(Sex::LakiLaki),
        birth_date: chrono::NaiveDate::from_ymd_opt(2012, 5, 1),
        ..mother.clone()
    };
    for r in [&mother, &son] {
        assert!(register_client(&*store, r).await.expect("registers").iter().all(|c| c.by == MatchKind::NoKk));
    }
    let find = |lookup: ClientLookup| {
        let store = store.clone();
        async move { find_clients(&*store, &unit, &lookup).await.expect("lookup") }
    };
    let by_nik = find(ClientLookup { nik: Some(nik), ..Default::default() }).await;
    assert_eq!(
        by_nik.iter().map(|c| (c.client_id, c.by, c.score)).collect::<Vec<_>>(),
        vec![(w.adult, MatchKind::Nik, 1.0)]
    );
    assert_eq!(by_nik[0].files.iter().map(|f| f.case_id).collect::<Vec<_>>(), vec![first.case_id().expect("id")]);
    let family = find(ClientLookup { no_kk: Some(kk), ..Default::default() }).await;
    assert_eq!(family.len(), 2);
    // The old spelling, other case and spacing, and the words swapped.
    for name in ["SITI  AMINAH", "Siti Aminah.", "Aminah Siti", "Sitti Aminah"] {
        let found = find(ClientLookup { name: Some(name.to_owned()), ..Default::default() }).await;
        assert_eq!(found.first().map(|c| (c.client_id, c.by)), Some((w.adult, MatchKind::Nama)), "{name}");
    }
    let born_apart = ClientLookup {
        name: Some("Siti Aminah".to_owned()),
        birth_date: chrono::NaiveDate::from_ymd_opt(1971, 3, 3),
        ..Default::default()
    };
    assert!(find(born_apart).await.is_empty(), "another birth date is another person");
    // A second file opened for her under a new record: the registration warns with the first file.
    let mut w2 = World::new();
    w2.now = w.now + chrono::Duration::days(1);
    w2.adult = ClientId::new_v7(w2.now, IdSeed::new([0x41; 10]));
    w2.child = ClientId::new_v7(w2.now, IdSeed::new([0x42; 10]));
    w2.cases_opened = 1;
    let (second, second_events) = case_at(&mut w2, Stage::Asesmen);
    import_case(&store, &second_events).await;
    let again = ClientRecord { client_id: w2.adult, ..mother.clone() };
    let warned = register_client(&*store, &again).await.expect("registers, with a warning");
    assert_eq!(warned[0].client_id, w.adult);
    assert_eq!((warned[0].by, warned[0].files.len()), (MatchKind::Nik, 1));
    assert_eq!(warned[0].files[0].case_id, first.case_id().expect("id"));
    let served = |store: Store| async move {
        let (from, to) = (
            chrono::NaiveDate::from_ymd_opt(2019, 1, 1).expect("day"),
            chrono::NaiveDate::from_ymd_opt(2019, 12, 31).expect("day"),
        );
        report(&*store, &ReportScope::Unit(unit), from, to).await.expect("report").units[0].figures.clients.served
    };
    let before = served(store.clone()).await;
    // Merged: audited, the second record gone, the events untouched.
    let merge = ClientMerge {
        unit,
        merged: w2.adult,
        into: w.adult,
        at: w2.now,
        by: StaffId::new_v7(w2.now, IdSeed::new([0x43; 10])),
        reason: MergeReason::NikSama,
    };
    let nobody = ClientId::new_v7(w2.now, IdSeed::new([0x44; 10]));
    for refused in [ClientMerge { merged: w.adult, ..merge }, ClientMerge { merged: nobody, ..merge }] {
        let before = store.registry(&unit).await.expect("registry");
        let e = store.merge_clients(&refused).await.expect_err("refused");
        assert!(matches!(code(&e), ErrorCode::InvalidCommand | ErrorCode::NotFound), "{e}");
        assert_eq!(store.registry(&unit).await.expect("registry"), before, "nothing written");
    }
    store.merge_clients(&merge).await.expect("merged");
    assert_eq!(store.client_merges(&unit).await.expect("merges"), vec![merge]);
    assert!(store.client(&unit, w2.adult).await.expect("read").is_none());
    let e = store
        .merge_clients(&ClientMerge { merged: w.child, into: w2.adult, ..merge })
        .await
        .expect_err("into a merged record");
    assert_eq!(code(&e), ErrorCode::InvalidCommand, "{e}");
    let found = find(ClientLookup { nik: Some(nik), ..Default::default() }).await;
    assert_eq!(found.len(), 1);
    let files: Vec<_> = found[0].files.iter().map(|f| f.case_id).collect();
    assert_eq!(files, vec![first.case_id().expect("id"), second.case_id().expect("id")]);
    assert_eq!(served(store.clone()).await, before - 1, "one person, counted once");
    assert_eq!(store.load_case(second.case_id().expect("id")).await.expect("loads").events, second_events);
    let checked = verify(&*store).await.expect("verify");
    assert!(checked.is_ok(), "{checked:?}");
}

/// A one-page PDF, as far as its signature goes.
pub const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";

/// Notes and attachments with their sensitivity, read through the access
/// rule: a secret note without a purpose is refused and logged, with one it
/// is read and logged; a top-secret note only by the case's insiders and the
/// ketua; an attachment is checked for size and type, kept by digest, and
/// erased with its client while every chain and the access log verify.
pub async fn notes_and_attachments_are_read_by_the_access_rule_and_every_read_is_logged(store: Store) {
    use lk3_core::access::{AccessRequest, ReadKind, verify_log};
    use lk3_core::case::{CaseAttachment, CaseNote};
    use lk3_core::vocab::{AccessPurpose, AttachmentKind, ContentType, Sensitivity};
    use lk3_storage::personal::NewAttachment;
    let mut w = World::new();
    let (case, events) = case_at(&mut w, Stage::Intervensi);
    import_case(&store, &events).await;
    let unit = *case.unit().expect("unit");
    let case_id = case.case_id().expect("id");
    // Readers name their unit (staff who name none read nothing: LK3-E151).
    let worker = w.actor(Role::PekerjaSosial, false).of_unit(unit);
    assert_eq!(case.worker(), Some(worker.staff_id), "the fixture's worker is the first peksos");
    let other_peksos = w.actor(Role::PekerjaSosial, true).of_unit(unit);
    let ketua = w.actor(Role::Ketua, false).of_unit(unit);
    let (adult, now) = (w.adult, w.now);
    let store_note = |sensitivity, text: &str| NewNote {
        unit,
        case_id: Some(case_id),
        subjects: vec![adult],
        sensitivity,
        text: text.into(),
    };
    let secret = store.put_note(&store_note(Sensitivity::Rahasia, "Klien takut pulang.")).await.expect("note");
    let top = store.put_note(&store_note(Sensitivity::SangatRahasia, "Alamat rumah aman.")).await.expect("note");
    let routine = store.put_note(&store_note(Sensitivity::Biasa, "Jadwal sesi berikut.")).await.expect("note");
    let add_note =
        |note: Hash, sensitivity| CaseCommand::AddNote { note: CaseNote { about: vec![adult], note, sensitivity } };
    for (digest, sensitivity) in
        [(secret, Sensitivity::Rahasia), (top, Sensitivity::SangatRahasia), (routine, Sensitivity::Biasa)]
    {
        store.execute_case(case_id, &add_note(digest, sensitivity), &w.ctx(worker)).await.expect("kept");
    }
    // A note never stored, or stored at another sensitivity, is refused; nothing is written.
    let version = store.load_case(case_id).await.expect("loads").state.version();
    let unsaid = store.put_note(&store_note(Sensitivity::Rahasia, "Belum dicatat.")).await.expect("note");
    for (digest, sensitivity) in [(Hash([7; 32]), Sensitivity::Biasa), (unsaid, Sensitivity::Biasa)] {
        let e =
            store.execute_case(case_id, &add_note(digest, sensitivity), &w.ctx(worker)).await.expect_err("not kept");
        assert_eq!(code(&e), ErrorCode::UnknownReference, "{e}");
    }
    assert_eq!(store.load_case(case_id).await.expect("loads").state.version(), version);
    let request = |actor, purpose| AccessRequest { actor, purpose, at: now };
    let case_work = Some(AccessPurpose::PenangananKasus);
    // A secret note: refused without a purpose, read with one; both logged.
    let e = store.read_note(&unit, secret, &request(worker, None)).await.expect_err("no purpose");
    assert_eq!(code(&e), ErrorCode::AccessPurposeRequired, "{e}");
    let note = store.read_note(&unit, secret, &request(worker, case_work)).await.expect("read");
    assert_eq!(note.text.as_deref(), Some("Klien takut pulang."));
    // A routine note is read without a purpose, and not logged.
    store.read_note(&unit, routine, &request(other_peksos, None)).await.expect("routine");
    // Top secret: the case's worker and the ketua, not another peksos nor the admin.
    let e = store.read_note(&unit, top, &request(other_peksos, case_work)).await.expect_err("not an insider");
    assert_eq!(code(&e), ErrorCode::AccessNotAllowed, "{e}");
    let admin = w.actor(Role::Admin, false).of_unit(unit);
    let e = store.read_note(&unit, top, &request(admin, Some(AccessPurpose::Audit))).await.expect_err("admin");
    assert_eq!(code(&e), ErrorCode::AccessNotAllowed, "{e}");
    store.read_note(&unit, top, &request(worker, case_work)).await.expect("the worker");
    store.read_note(&unit, top, &request(ketua, Some(AccessPurpose::Supervisi))).await.expect("the ketua");
    // Staff naming another unit, or none, read nothing of this one's; nor do
    // a partner's staff when the case was not referred to their partner.
    let elsewhere = worker.of_unit("64.01".parse().expect("unit"));
    let nameless = lk3_core::event::Actor::staff(Role::PekerjaSosial, worker.staff_id);
    let stranger_partner =
        lk3_core::event::Actor::mitra(worker.staff_id, PartnerId::new_v7(now, IdSeed::new([0x52; 10])));
    for (who, kind_read) in [(elsewhere, secret), (nameless, secret), (stranger_partner, routine)] {
        let e = store.read_note(&unit, kind_read, &request(who, case_work)).await.expect_err("not theirs");
        assert_eq!(code(&e), ErrorCode::AccessNotAllowed, "{e}");
    }
    // An identity: a purpose always.
    store
        .put_client(&ClientRecord {
            client_id: w.adult,
            unit,
            name: "Siti Aminah".into(),
            nik: None,
            no_kk: None,
            sex: None,
            birth_date: None,
            domicile: None,
        })
        .await
        .expect("put");
    let e = store.read_client(&unit, w.adult, &request(worker, None)).await.expect_err("no purpose");
    assert_eq!(code(&e), ErrorCode::AccessPurposeRequired, "{e}");
    assert_eq!(store.read_client(&unit, w.adult, &request(worker, case_work)).await.expect("read").name, "Siti Aminah");
    // Attachments: size and type checked, nothing kept when refused.
    let attachment = |content: Vec<u8>| NewAttachment {
        unit,
        case_id: Some(case_id),
        subjects: vec![adult],
        kind: AttachmentKind::FormulirPersetujuan,
        content_type: ContentType::Pdf,
        sensitivity: Sensitivity::Biasa,
        content,
    };
    for bad in [Vec::new(), b"MZ\x90\x00 not a pdf".to_vec(), [PDF, &vec![0u8; 10 * 1024 * 1024]].concat()] {
        let e = store.put_attachment(&attachment(bad)).await.expect_err("refused");
        assert_eq!(code(&e), ErrorCode::AttachmentRefused, "{e}");
    }
    let digest = store.put_attachment(&attachment(PDF.to_vec())).await.expect("kept");
    let attach = CaseCommand::AddAttachment {
        attachment: CaseAttachment {
            about: vec![adult],
            attachment: digest,
            bytes: PDF.len() as u64,
            content_type: ContentType::Pdf,
            kind: AttachmentKind::FormulirPersetujuan,
            sensitivity: Sensitivity::Biasa,
        },
    };
    store.execute_case(case_id, &attach, &w.ctx(worker)).await.expect("attached");
    // Even a routine attachment needs a purpose (it is read at rahasia).
    let e = store.read_attachment(&unit, digest, &request(worker, None)).await.expect_err("no purpose");
    assert_eq!(code(&e), ErrorCode::AccessPurposeRequired, "{e}");
    let read = store.read_attachment(&unit, digest, &request(worker, case_work)).await.expect("read");
    assert_eq!((read.content.as_deref(), read.bytes), (Some(PDF), PDF.len() as u64));
    // The log: every read that needed a purpose and every refusal, in order, chained.
    let log = store.access_log(&unit, Some(w.adult)).await.expect("log");
    let seen: Vec<(ReadKind, bool, Option<AccessPurpose>)> =
        log.iter().map(|l| (l.entry.kind, l.entry.granted, l.entry.purpose)).collect();
    let (c, i, a) = (ReadKind::Catatan, ReadKind::Identitas, ReadKind::Lampiran);
    let supervision = Some(AccessPurpose::Supervisi);
    assert_eq!(
        seen,
        [
            (c, false, None),
            (c, true, case_work),
            (c, false, case_work),
            (c, false, Some(AccessPurpose::Audit)),
            (c, true, case_work),
            (c, true, supervision),
            (c, false, case_work),
            (c, false, case_work),
            (c, false, case_work),
            (i, false, None),
            (i, true, case_work),
            (a, false, None),
            (a, true, case_work),
        ]
    );
    assert!(log.iter().all(|l| l.entry.case_id == Some(case_id) || l.entry.kind == ReadKind::Identitas));
    assert_eq!(log[1].entry.actor, worker);
    assert_eq!(log[1].entry.target, secret.to_string());
    let whole = store.access_log(&unit, None).await.expect("log");
    assert_eq!(verify_log(&whole), None);
    assert_eq!(whole.iter().map(|l| l.seq).collect::<Vec<_>>(), (1..=whole.len() as u64).collect::<Vec<_>>());
    // Erasure removes the bytes and the texts; the chains and the log still verify.
    let erased = store.erase_client(&unit, w.adult, w.now + Duration::days(1)).await.expect("erase");
    assert_eq!((erased.notes_erased, erased.attachments_erased), (4, 1));
    let read = store.read_attachment(&unit, digest, &request(worker, case_work)).await.expect("read");
    assert_eq!(read.content, None);
    let report = verify(&*store).await.expect("verify");
    assert!(report.is_ok(), "{report:?}");
    assert_eq!(store.load_case(case_id).await.expect("loads").state.attachments().len(), 1);
}

/// Every scope (a unit's, each worker's, a partner's, none) over cases of two
/// units, a reassigned one, a transferred one, one with a protective referral
/// to a partner: `cases_in_scope` lists exactly the cases `Scope::admits`
/// (the reference, on each loaded case), a query's own filters only narrow
/// it, and `load_case_in_scope` refuses the others (`LK3-E151`).
pub async fn a_reader_s_scope_confines_every_case_query_and_load(store: Store) {
    use lk3_core::access::Scope;
    use lk3_storage::access::scope_of;
    let mut w = World::new();
    let (home, target): (UnitCode, UnitCode) = ("64.74".parse().expect("unit"), "64.72".parse().expect("unit"));
    let ketua = w.actor(Role::Ketua, false);
    let peksos = w.actor(Role::PekerjaSosial, false);
    let partner = PartnerId::new_v7(w.now, IdSeed::new([0x51; 10]));
    let mut histories = Vec::new();
    // One in intervention; one reassigned; one sending a protective referral; one transferred.
    for n in 0..4 {
        let stage = if n % 2 == 0 { Stage::Intervensi } else { Stage::Asesmen };
        let (mut case, mut events) = case_at(&mut w, stage);
        match n {
            1 => {
                let cmd = w.command(&case, K::AssignWorker);
                w.run(&mut case, &mut events, ketua, cmd);
            }
            2 => {
                let cmd = CaseCommand::SendProtectiveReferral {
                    referral_id: lk3_core::ids::ReferralId::new_v7(w.now, w.fresh_seed()),
                    partner: lk3_core::vocab::ProtectivePartner::UptdPpa,
                    partner_id: Some(partner),
                    reason: EmergencyReason::AnakDalamBahaya,
                };
                w.run(&mut case, &mut events, peksos, cmd);
            }
            3 => {
                let cmd = w.command(&case, K::TransferCase);
                w.run(&mut case, &mut events, ketua.of_unit(home), cmd);
                let cmd = w.command(&case, K::AcceptTransfer);
                w.run(&mut case, &mut events, ketua.of_unit(target), cmd);
            }
            _ => {}
        }
        import_case(&store, &events).await;
        histories.push(case);
    }
    assert_eq!(histories[3].holding_unit(), Some(target));
    let second = w.actor(Role::PekerjaSosial, true).staff_id;
    let scopes = [
        Scope::Unit { unit: home },
        Scope::Unit { unit: target },
        Scope::Worker { unit: home, worker: peksos.staff_id },
        Scope::Worker { unit: home, worker: second },
        Scope::Worker { unit: target, worker: histories[3].worker().expect("the receiving worker") },
        Scope::Partner { partner },
        Scope::Nothing,
    ];
    let all = CaseQuery { limit: 100, ..Default::default() };
    for scope in scopes {
        let mut expected: Vec<_> =
            histories.iter().filter(|c| scope.admits(c)).map(|c| c.case_id().expect("id")).collect();
        expected.sort();
        let listed: Vec<_> =
            store.cases_in_scope(&scope, &all).await.expect("scoped").iter().map(|s| s.case_id).collect();
        assert_eq!(listed, expected, "{scope:?}");
        // A filter of the caller's narrows, never widens: one page of one case.
        let one = CaseQuery { limit: 1, ..Default::default() };
        let first: Vec<_> =
            store.cases_in_scope(&scope, &one).await.expect("scoped").iter().map(|s| s.case_id).collect();
        assert_eq!(first, expected.iter().take(1).copied().collect::<Vec<_>>(), "{scope:?}");
        let elsewhere = CaseQuery { held_by: Some("64.01".parse().expect("unit")), ..all.clone() };
        assert!(store.cases_in_scope(&scope, &elsewhere).await.expect("scoped").is_empty(), "{scope:?}");
        for case in &histories {
            let id = case.case_id().expect("id");
            match store.load_case_in_scope(&scope, id).await {
                Ok(loaded) => assert!(expected.contains(&id) && loaded.state == *case, "{scope:?}"),
                Err(e) => assert!(!expected.contains(&id) && code(&e) == ErrorCode::AccessNotAllowed, "{scope:?}: {e}"),
            }
        }
    }
    assert!(!store.cases_in_scope(&Scope::Partner { partner }, &all).await.expect("scoped").is_empty());
    // An actor's scope is its role's: a worker's own cases, a partner's referred ones.
    assert_eq!(
        scope_of(&peksos.of_unit(home)).expect("a scope"),
        Scope::Worker { unit: home, worker: peksos.staff_id }
    );
    assert_eq!(code(&scope_of(&ketua).expect_err("no unit named")), ErrorCode::AccessNotAllowed);
}

/// The records of one Kartu Keluarga, with their roles in each case: a
/// mother registered as the victim and a father as the perpetrator in one
/// case show as one family; a record of another family does not.
pub async fn a_family_lists_its_members_with_their_roles_in_each_case(store: Store) {
    use lk3_core::case::ClientRole;
    use lk3_storage::registry::family;
    let mut w = World::new();
    let father = ClientId::new_v7(w.now, IdSeed::new([0x66; 10]));
    w.perpetrator = Some(father);
    let (case, events) = case_at(&mut w, Stage::Asesmen);
    import_case(&store, &events).await;
    let unit = *case.unit().expect("unit");
    let kk: lk3_core::ids::NoKk = "6474010101190001".parse().expect("no kk");
    let other_kk: lk3_core::ids::NoKk = "6474010101190002".parse().expect("no kk");
    let stranger = ClientId::new_v7(w.now, IdSeed::new([0x67; 10]));
    for (client, no_kk) in [(w.adult, kk), (father, kk), (w.child, kk), (stranger, other_kk)] {
        let record = ClientRecord {
            client_id: client,
            unit,
            name: "Anggota Keluarga".into(),
            nik: None,
            no_kk: Some(no_kk),
            sex: None,
            birth_date: None,
            domicile: None,
        };
        store.put_client(&record).await.expect("put");
    }
    let members = family(&*store, &unit, kk).await.expect("family");
    let mut expected = vec![w.adult, father, w.child];
    expected.sort();
    assert_eq!(members.iter().map(|m| m.client_id).collect::<Vec<_>>(), expected);
    let role = |client| {
        let m = members.iter().find(|m| m.client_id == client).expect("a member");
        assert_eq!(m.files.iter().map(|f| f.case_id).collect::<Vec<_>>(), vec![case.case_id().expect("id")]);
        m.files[0].role
    };
    assert_eq!(
        (role(w.adult), role(father), role(w.child)),
        (Some(ClientRole::Korban), Some(ClientRole::Pelaku), Some(ClientRole::Korban))
    );
    assert_eq!(family(&*store, &unit, other_kk).await.expect("family").len(), 1);
}
