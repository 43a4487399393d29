//! Finding a person in a unit's client registry, and the duplicate check at
//! registration: the rule is [`lk3_core::lookup`]; this reads the registry
//! and names each candidate's files (the cases it is a client of), so staff
//! open the existing file instead of a second one; and a family, the
//! records under one Kartu Keluarga with their roles in each case
//! ([`family`]). Nothing here echoes a NIK, No. KK or name: candidates and
//! members are ids, scores, case numbers and roles.

use lk3_core::ids::{CaseId, CaseNumber, ClientId, UnitCode};
use lk3_core::lookup::{ClientLookup, ClientMatch, MatchKind};
use lk3_core::schema::{ClientMerge, ClientRecord};
use serde::Serialize;

use crate::error::StoreError;
use crate::projection::CaseQuery;
use crate::store::CaseStore;

/// A registry record that may be the person looked for, with its files.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    /// The record.
    pub client_id: ClientId,
    /// Why it was found.
    pub by: MatchKind,
    /// How well it matches (1: the same NIK).
    pub score: f64,
    /// The cases it is a client of, in opening order.
    pub files: Vec<CaseFile>,
}

/// A case a candidate is a client of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseFile {
    /// The case.
    pub case_id: CaseId,
    /// Its number.
    pub case_number: Option<CaseNumber>,
    /// Its stage now.
    pub stage: lk3_core::vocab::Stage,
}

/// The records of `unit`'s registry matching `lookup`, best first, each with
/// its files.
pub async fn find_clients<S: CaseStore + ?Sized>(
    store: &S,
    unit: &UnitCode,
    lookup: &ClientLookup,
) -> Result<Vec<Candidate>, StoreError> {
    let registry = store.registry(unit).await?;
    with_files(store, unit, lookup.find(&registry)).await
}

/// Stores a registry record (as [`CaseStore::put_client`]) and returns the
/// other records it may duplicate, with their files: a warning, never a
/// refusal (two people may share a name; only staff can tell).
pub async fn register_client<S: CaseStore + ?Sized>(
    store: &S,
    record: &ClientRecord,
) -> Result<Vec<Candidate>, StoreError> {
    let registry = store.registry(&record.unit).await?;
    let others = registry.iter().filter(|r| r.client_id != record.client_id);
    let found = ClientLookup::of(record).find(others);
    store.put_client(record).await?;
    with_files(store, &record.unit, found).await
}

/// Each match with its files: the cases naming it, or a record merged into it.
async fn with_files<S: CaseStore + ?Sized>(
    store: &S,
    unit: &UnitCode,
    found: Vec<ClientMatch>,
) -> Result<Vec<Candidate>, StoreError> {
    let aliases = aliases(store, unit).await?;
    let mut out = Vec::with_capacity(found.len());
    for m in found {
        let ids = std::iter::once(m.client_id)
            .chain(aliases.iter().filter(|(_, to)| **to == m.client_id).map(|(from, _)| *from));
        let mut files: Vec<CaseFile> = Vec::new();
        for id in ids {
            let query = CaseQuery { client: Some(id), limit: 1_000, ..CaseQuery::default() };
            for s in store.query_cases(&query).await? {
                if !files.iter().any(|f| f.case_id == s.case_id) {
                    files.push(CaseFile { case_id: s.case_id, case_number: s.case_number, stage: s.stage });
                }
            }
        }
        files.sort_by_key(|f| f.case_id);
        out.push(Candidate { client_id: m.client_id, by: m.by, score: m.score, files });
    }
    Ok(out)
}

/// Whether a merge may go ahead, from what the registry holds (the one check
/// every adapter makes inside its transaction): both records present, two
/// records, the kept one not merged away itself.
pub(crate) fn merge_check(
    merge: &ClientMerge,
    merged_present: bool,
    into_present: bool,
    into_merged_away: bool,
) -> Result<(), StoreError> {
    let refused =
        |reason, reason_id| StoreError::MergeRefused { merged: merge.merged, into: merge.into, reason, reason_id };
    if merge.merged == merge.into {
        return Err(refused("they are one record", "keduanya catatan yang sama"));
    }
    if into_merged_away {
        return Err(refused(
            "the record to keep was itself merged into another; merge into that one",
            "catatan yang dipertahankan sudah digabung ke catatan lain; gabungkan ke catatan itu",
        ));
    }
    for (present, id) in [(merged_present, merge.merged), (into_present, merge.into)] {
        if !present {
            return Err(StoreError::NotFound { what: "client", id: id.to_string() });
        }
    }
    Ok(())
}

/// The id each merged record of `unit` is read as (following merges of
/// merges), for lookups, files and reports.
pub async fn aliases<S: CaseStore + ?Sized>(
    store: &S,
    unit: &UnitCode,
) -> Result<std::collections::BTreeMap<ClientId, ClientId>, StoreError> {
    let merges = store.client_merges(unit).await?;
    let direct: std::collections::BTreeMap<ClientId, ClientId> = merges.iter().map(|m| (m.merged, m.into)).collect();
    Ok(direct
        .keys()
        .map(|from| {
            let mut to = direct[from];
            // A kept record is never merged away later (merge_check), but
            // one merged away may have received merges before: follow them.
            for _ in 0..direct.len() {
                match direct.get(&to) {
                    Some(next) => to = *next,
                    None => break,
                }
            }
            (*from, to)
        })
        .collect())
}

/// A member of a family (one Kartu Keluarga) in a unit's registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FamilyMember {
    /// The registry record.
    pub client_id: ClientId,
    /// The cases the member is a client of (or a record merged into it
    /// was), with the member's role in each, in case order.
    pub files: Vec<FamilyFile>,
}

/// A case a family member is a client of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FamilyFile {
    /// The case.
    pub case_id: CaseId,
    /// Its number.
    pub case_number: Option<CaseNumber>,
    /// Its stage now.
    pub stage: lk3_core::vocab::Stage,
    /// The member's role in it, when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<lk3_core::case::ClientRole>,
}

/// The family of a Kartu Keluarga in `unit`'s registry: every record under
/// `no_kk` (records merged away read as the kept one), each with its cases and
/// its role in each, so that a victim and a perpetrator of one household show
/// side by side. Ids, case numbers, stages and roles only.
pub async fn family<S: CaseStore + ?Sized>(
    store: &S,
    unit: &UnitCode,
    no_kk: lk3_core::ids::NoKk,
) -> Result<Vec<FamilyMember>, StoreError> {
    let registry = store.registry(unit).await?;
    let aliases = aliases(store, unit).await?;
    let mut members = Vec::new();
    for record in registry.iter().filter(|r| r.no_kk == Some(no_kk)) {
        let ids: Vec<ClientId> = std::iter::once(record.client_id)
            .chain(aliases.iter().filter(|(_, to)| **to == record.client_id).map(|(from, _)| *from))
            .collect();
        let mut files: Vec<FamilyFile> = Vec::new();
        for id in &ids {
            let query = CaseQuery { client: Some(*id), limit: 1_000, ..CaseQuery::default() };
            for s in store.query_cases(&query).await? {
                if files.iter().any(|f| f.case_id == s.case_id) {
                    continue;
                }
                let case = crate::store::CaseStoreExt::load_case(store, s.case_id).await?.state;
                let role = case.clients().iter().find(|c| ids.contains(&c.client_id)).and_then(|c| c.role);
                files.push(FamilyFile { case_id: s.case_id, case_number: s.case_number, stage: s.stage, role });
            }
        }
        files.sort_by_key(|f| f.case_id);
        members.push(FamilyMember { client_id: record.client_id, files });
    }
    members.sort_by_key(|m| m.client_id);
    Ok(members)
}
