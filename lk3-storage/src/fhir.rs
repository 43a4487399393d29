//! A store's referrals as one FHIR R4 Bundle ([`lk3_core::fhir`]): the
//! cases read from the store, the clients' identities from its registry
//! (disclosed only to a partner the client consented to), every other
//! client under a keyed pseudonym ([`crate::pseudonym`]); and a partner's
//! Task updates applied back as the partner's steps ([`apply_task`]).

use chrono::{DateTime, Utc};
use lk3_core::CommandContext;
use lk3_core::case::{Case, CaseCommand, CaseEventRecord};
use lk3_core::event::Actor;
use lk3_core::fhir::{FhirExport, TaskError, TaskUpdate, read_task, referral_bundle};
use lk3_core::ids::{CaseId, ClientId, CommandId, IdSeed, StaffId};
use lk3_core::partner::PartnerDirectory;
use lk3_core::schema::ClientRecord;
use lk3_core::service::{ServiceCommandKind, ServiceState};
use lk3_core::vocab::ServiceKind;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::pseudonym::Keyed;
use crate::{CaseQuery, CaseStore, CaseStoreExt, StoreError};

/// How a bundle is written.
pub struct FhirOptions<'a> {
    /// The base of every `fullUrl`.
    pub base: &'a str,
    /// The partner directory, for the partners' names and kinds.
    pub partners: Option<&'a PartnerDirectory>,
    /// The pseudonym key: the same key gives a client the same pseudonym in
    /// every export; a fresh random key makes exports unlinkable.
    pub pseudonym_key: &'a [u8],
}

/// How many cases are read at a time.
const PAGE: u32 = 500;

/// The Bundle of the referrals of `case`, or of every case with one.
pub async fn fhir_bundle(
    store: &dyn CaseStore,
    case: Option<CaseId>,
    options: &FhirOptions<'_>,
    at: DateTime<Utc>,
) -> Result<Value, StoreError> {
    let ids = match case {
        Some(id) => vec![id],
        None => {
            let mut ids = Vec::new();
            let mut query = CaseQuery { service_kind: Some(ServiceKind::Rujukan), limit: PAGE, ..CaseQuery::default() };
            loop {
                let page = store.query_case_ids(&query).await?;
                let Some(last) = page.last() else { break };
                query.after = Some(*last);
                ids.extend(page);
            }
            ids
        }
    };
    let mut cases: Vec<(Case, Vec<CaseEventRecord>)> = Vec::with_capacity(ids.len());
    let mut identities: Vec<ClientRecord> = Vec::new();
    for id in ids {
        let loaded = store.load_case(id).await?;
        if let Some(unit) = loaded.state.unit() {
            let clients: Vec<ClientId> = loaded.state.clients().iter().map(|c| c.client_id).collect();
            identities.extend(store.clients(unit, &clients).await?);
        }
        cases.push((loaded.state, loaded.events));
    }
    let keyed = Keyed::new(options.pseudonym_key);
    let identity = |client: ClientId| identities.iter().find(|r| r.client_id == client).cloned();
    let pseudonym = |client: ClientId| format!("anon-{}", keyed.pseudonym(&client.to_string()));
    let export =
        FhirExport { base: options.base, partners: options.partners, identity: &identity, pseudonym: &pseudonym };
    Ok(referral_bundle(&cases, &export, at))
}

/// What importing one Task did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskApplied {
    /// The Task as read.
    pub update: TaskUpdate,
    /// The referral's state before.
    pub before: ServiceState,
    /// Its state after (equal to `before` when the Task was already there).
    pub after: ServiceState,
    /// The step taken, `None` when the Task was already there.
    pub step: Option<ServiceCommandKind>,
}

/// Why a Task was not applied.
#[derive(Debug, thiserror::Error)]
pub enum TaskImportError {
    /// The Task cannot be read as a partner's update.
    #[error(transparent)]
    Task(#[from] TaskError),
    /// The store refused it: no such case or referral, or `decide` refused the step.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl lk3_core::Lk3Error for TaskImportError {
    fn code(&self) -> lk3_core::ErrorCode {
        match self {
            Self::Task(e) => e.code(),
            Self::Store(e) => e.code(),
        }
    }

    fn message_id(&self) -> String {
        match self {
            Self::Task(e) => e.message_id(),
            Self::Store(e) => e.message_id(),
        }
    }
}

/// Applies a partner's update of a referral Task as the partner's step,
/// taken by `staff` of the Task's owner at the Task's `lastModified`. The
/// command id comes from the Task's id, status and time, so importing the
/// same update again changes nothing.
pub async fn apply_task(store: &dyn CaseStore, task: &Value, staff: StaffId) -> Result<TaskApplied, TaskImportError> {
    let update = read_task(task)?;
    let loaded = store.load_case(update.case_id).await?;
    let not_found = || StoreError::NotFound { what: "service", id: update.service_id.to_string() };
    let instance = loaded.state.service(update.service_id).ok_or_else(not_found)?;
    let table = loaded
        .state
        .rule_set()
        .and_then(|r| r.rules().service(instance.kind))
        .map(|spec| &spec.table)
        .ok_or_else(not_found)?;
    let before = instance.state;
    let Some(step) = update.step(before, table) else {
        return Ok(TaskApplied { update, before, after: before, step: None });
    };
    let kind = step.kind();
    let digest = Sha256::digest(format!("{}|{}|{}", update.service_id, update.state, update.at.to_rfc3339()));
    let mut seed = [0u8; 10];
    seed.copy_from_slice(&digest[..10]);
    let seed = IdSeed::new(seed);
    let ctx = CommandContext::new(
        Actor::mitra(staff, update.partner_id),
        update.at,
        CommandId::new_v7(update.at, seed),
        seed,
    );
    let command = CaseCommand::ServiceStep { service_id: update.service_id, step };
    store.execute_case(update.case_id, &command, &ctx).await?;
    let after = store.load_case(update.case_id).await?.state.service(update.service_id).map_or(before, |s| s.state);
    Ok(TaskApplied { update, before, after, step: Some(kind) })
}
