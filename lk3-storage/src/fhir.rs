//! A store's referrals as one FHIR R4 Bundle ([`lk3_core::fhir`]): the
//! cases read from the store, the clients' identities from its registry
//! (disclosed only to a partner the client consented to), every other
//! client under a keyed pseudonym ([`crate::pseudonym`]).

use chrono::{DateTime, Utc};
use lk3_core::case::{Case, CaseEventRecord};
use lk3_core::fhir::{FhirExport, referral_bundle};
use lk3_core::ids::{CaseId, ClientId};
use lk3_core::partner::PartnerDirectory;
use lk3_core::schema::ClientRecord;
use lk3_core::vocab::ServiceKind;
use serde_json::Value;

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
