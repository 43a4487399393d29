//! Each unit's partner network (jejaring) kept in the store, and the check of
//! every partner a case names against it.
//!
//! - The directory is a table keyed by unit and partner id (`partners`, one
//!   [`Partner`] record a row, institutional data only). A partner id belongs
//!   to one unit's network. [`import_partners`] adds and replaces partners,
//!   all or none, each checked by [`Partner::validate`]; nothing removes one:
//!   cases keep naming it, so a partner that stops working with the unit is
//!   marked (`accepts_referrals: false`, its services `bubar` or
//!   `tidak_aktif`).
//! - **The rule**: a store that holds a unit's network checks every partner a
//!   case of that unit names against it, by
//!   [`PartnerDirectory::check_reference`]: a command executed now
//!   ([`ReferenceCheck::New`]: the partner is known, and one sent a client
//!   takes referrals and offers the service asked for as active), and events
//!   appended or imported as history ([`ReferenceCheck::Recorded`]: the
//!   partner and the service asked for are known). A unit without a network
//!   in the store is not checked: its cases may name partners kept
//!   elsewhere, as before the store held partners.
//! - [`Partner::to_hsds`] publishes a network in Open Referral HSDS 3.0
//!   (`lk3 partners export --format hsds`); [`Partner::from_hsds`] reads
//!   that form back.

use std::collections::{BTreeMap, HashMap};

use lk3_core::ids::{PartnerId, UnitCode};
use lk3_core::partner::{NamedPartner, Partner, PartnerDirectory, PartnerError, ReferenceCheck};
use uuid::Uuid;

use crate::error::StoreError;
use crate::store::CaseStore;

/// What [`import_partners`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PartnerImport {
    /// Partners not in the store before.
    pub added: u64,
    /// Partners whose record changed.
    pub changed: u64,
    /// Partners already in the store as they are.
    pub unchanged: u64,
}

/// Adds or replaces partners in the store, in one transaction: every partner
/// valid ([`PartnerError::Invalid`]), no id twice ([`PartnerError::Duplicate`])
/// and none already in another unit's network ([`PartnerError::OtherUnit`]),
/// or nothing is written.
pub async fn import_partners<S: CaseStore + ?Sized>(
    store: &S,
    partners: Vec<Partner>,
) -> Result<PartnerImport, StoreError> {
    let incoming = PartnerDirectory::try_from_partners(partners).map_err(refused)?;
    let held: HashMap<PartnerId, Partner> =
        store.partners(None).await?.into_iter().map(|p| (p.partner_id, p)).collect();
    let mut report = PartnerImport::default();
    let mut write = Vec::new();
    for partner in incoming.iter() {
        match held.get(&partner.partner_id) {
            Some(old) if old.unit != partner.unit => {
                return Err(refused(PartnerError::OtherUnit { partner_id: partner.partner_id, unit: old.unit }));
            }
            Some(old) if old == partner => report.unchanged += 1,
            Some(_) => {
                report.changed += 1;
                write.push(partner.clone());
            }
            None => {
                report.added += 1;
                write.push(partner.clone());
            }
        }
    }
    if !write.is_empty() {
        store.put_partners(&write).await?;
    }
    Ok(report)
}

/// The partners of a unit's network (of every unit with `None`) as a
/// directory. A stored record that is no longer valid is
/// [`StoreError::CorruptRow`]: the store writes only valid ones.
pub async fn partner_directory<S: CaseStore + ?Sized>(
    store: &S,
    unit: Option<&UnitCode>,
) -> Result<PartnerDirectory, StoreError> {
    PartnerDirectory::try_from_partners(store.partners(unit).await?).map_err(|e| StoreError::CorruptRow {
        stream_id: Uuid::nil(),
        seq: 0,
        message: format!("a stored partner is not valid: {e}"),
    })
}

fn refused(source: PartnerError) -> StoreError {
    StoreError::Partner { stream_id: None, source: Box::new(source) }
}

/// Checks the partners a stream's events name (as
/// [`crate::Aggregate::partner_references`] gives them) against the network
/// of the unit holding the stream at each, when the store holds one; the
/// first refusal is [`StoreError::Partner`]. `directories` caches each
/// unit's network across the streams of one call.
pub(crate) async fn check_references<S: CaseStore + ?Sized>(
    store: &S,
    stream_id: Uuid,
    references: &[NamedPartner],
    check: ReferenceCheck,
    directories: &mut BTreeMap<UnitCode, PartnerDirectory>,
) -> Result<(), StoreError> {
    for named in references {
        if let std::collections::btree_map::Entry::Vacant(e) = directories.entry(named.unit) {
            e.insert(partner_directory(store, Some(&named.unit)).await?);
        }
        let Some(directory) = directories.get(&named.unit).filter(|d| !d.is_empty()) else {
            continue;
        };
        directory
            .check_reference(&named.reference, check)
            .map_err(|source| StoreError::Partner { stream_id: Some(stream_id), source: Box::new(source) })?;
    }
    Ok(())
}
