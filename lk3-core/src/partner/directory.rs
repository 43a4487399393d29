//! The in-memory partner directory and its errors.

use std::collections::BTreeMap;

use super::{Partner, PartnerKind, PartnerProblem, Slug};
use crate::error::{ErrorCode, Lk3Error};
use crate::ids::{PartnerId, UnitCode};

/// A refused directory operation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PartnerError {
    /// A partner with this id is already in the directory (use
    /// [`PartnerDirectory::replace`] to change it).
    #[error("partner {partner_id} is already in the directory")]
    Duplicate {
        /// The id given.
        partner_id: PartnerId,
    },
    /// The partner breaks one or more rules of [`Partner::validate`].
    #[error("partner {partner_id} is invalid: {}", list_en(problems))]
    Invalid {
        /// The partner's id.
        partner_id: PartnerId,
        /// Every problem found, in field order.
        problems: Vec<PartnerProblem>,
    },
    /// No partner with this id is in the directory.
    #[error("partner {partner_id} is not in the directory")]
    UnknownPartner {
        /// The id given.
        partner_id: PartnerId,
    },
    /// The partner offers no service with this id.
    #[error("partner {partner_id} offers no service `{service}`")]
    UnknownService {
        /// The partner.
        partner_id: PartnerId,
        /// The service asked for.
        service: Slug,
    },
    /// A client sent to a partner that does not take referrals now (it does
    /// not accept them, or none of its services is active).
    #[error("partner {partner_id} does not take referrals now")]
    NotAcceptingReferrals {
        /// The partner.
        partner_id: PartnerId,
    },
    /// A service asked for that is not active now (closed, temporarily or
    /// for good).
    #[error("service `{service}` of partner {partner_id} is not active")]
    ServiceUnavailable {
        /// The partner.
        partner_id: PartnerId,
        /// The service asked for.
        service: Slug,
    },
    /// A partner already in another unit's network: a partner id belongs to
    /// one unit (register the other unit's copy under its own id).
    #[error("partner {partner_id} is in the network of unit {unit}")]
    OtherUnit {
        /// The partner.
        partner_id: PartnerId,
        /// The unit whose network holds it.
        unit: UnitCode,
    },
}

fn list_en(problems: &[PartnerProblem]) -> String {
    problems.iter().map(PartnerProblem::message_en).collect::<Vec<_>>().join("; ")
}

fn list_id(problems: &[PartnerProblem]) -> String {
    problems.iter().map(PartnerProblem::message_id).collect::<Vec<_>>().join("; ")
}

impl PartnerError {
    /// The problems of an [`PartnerError::Invalid`] partner (empty for the
    /// other errors).
    pub fn problems(&self) -> &[PartnerProblem] {
        match self {
            Self::Invalid { problems, .. } => problems,
            _ => &[],
        }
    }
}

impl Lk3Error for PartnerError {
    /// `LK3-E033` (invalid command) for a duplicate or invalid partner or
    /// one of another unit, `LK3-E031` (unknown reference) for a partner or
    /// service not in the directory, `LK3-E143` for a partner or service
    /// that does not take referrals now.
    fn code(&self) -> ErrorCode {
        match self {
            Self::Duplicate { .. } | Self::Invalid { .. } | Self::OtherUnit { .. } => ErrorCode::InvalidCommand,
            Self::UnknownPartner { .. } | Self::UnknownService { .. } => ErrorCode::UnknownReference,
            Self::NotAcceptingReferrals { .. } | Self::ServiceUnavailable { .. } => ErrorCode::PartnerUnavailable,
        }
    }

    fn message_id(&self) -> String {
        match self {
            Self::Duplicate { partner_id } => format!("mitra {partner_id} sudah ada dalam direktori"),
            Self::Invalid { partner_id, problems } => format!("mitra {partner_id} tidak sah: {}", list_id(problems)),
            Self::UnknownPartner { partner_id } => format!("mitra {partner_id} tidak ada dalam direktori"),
            Self::UnknownService { partner_id, service } => {
                format!("mitra {partner_id} tidak memiliki layanan `{service}`")
            }
            Self::NotAcceptingReferrals { partner_id } => format!("mitra {partner_id} sedang tidak menerima rujukan"),
            Self::ServiceUnavailable { partner_id, service } => {
                format!("layanan `{service}` mitra {partner_id} sedang tidak aktif")
            }
            Self::OtherUnit { partner_id, unit } => format!("mitra {partner_id} terdaftar dalam jejaring unit {unit}"),
        }
    }
}

/// The partners of one or more LK3 units, keyed by [`PartnerId`].
///
/// Every partner in it is valid ([`Partner::validate`] finds nothing).
/// Iteration is in id order, which for UUID v7 ids is the order the partners
/// were registered in: the same content always lists the same way.
///
/// ```
/// use lk3_core::partner::PartnerDirectory;
/// let directory = PartnerDirectory::new();
/// assert!(directory.is_empty());
/// assert_eq!(directory.to_hsds(), serde_json::json!([]));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PartnerDirectory {
    partners: BTreeMap<PartnerId, Partner>,
}

impl PartnerDirectory {
    /// An empty directory.
    pub fn new() -> Self {
        Self::default()
    }

    /// A directory holding these partners; refuses on the first duplicate or
    /// invalid one.
    pub fn try_from_partners(partners: impl IntoIterator<Item = Partner>) -> Result<Self, PartnerError> {
        let mut directory = Self::new();
        for p in partners {
            directory.insert(p)?;
        }
        Ok(directory)
    }

    fn check(partner: &Partner) -> Result<(), PartnerError> {
        let problems = partner.validate();
        if problems.is_empty() {
            Ok(())
        } else {
            Err(PartnerError::Invalid { partner_id: partner.partner_id, problems })
        }
    }

    /// Adds a partner. Refuses a partner whose id is already present
    /// ([`PartnerError::Duplicate`]) and an invalid partner
    /// ([`PartnerError::Invalid`], listing every problem). A refused partner
    /// leaves the directory unchanged.
    pub fn insert(&mut self, partner: Partner) -> Result<(), PartnerError> {
        if self.partners.contains_key(&partner.partner_id) {
            return Err(PartnerError::Duplicate { partner_id: partner.partner_id });
        }
        Self::check(&partner)?;
        self.partners.insert(partner.partner_id, partner);
        Ok(())
    }

    /// Replaces the partner with the same id and returns the old record.
    /// Refuses an id not in the directory ([`PartnerError::UnknownPartner`])
    /// and an invalid partner ([`PartnerError::Invalid`]).
    pub fn replace(&mut self, partner: Partner) -> Result<Partner, PartnerError> {
        let Some(slot) = self.partners.get_mut(&partner.partner_id) else {
            return Err(PartnerError::UnknownPartner { partner_id: partner.partner_id });
        };
        Self::check(&partner)?;
        Ok(std::mem::replace(slot, partner))
    }

    /// Removes a partner and returns it.
    pub fn remove(&mut self, partner_id: PartnerId) -> Option<Partner> {
        self.partners.remove(&partner_id)
    }

    /// The partner with this id.
    pub fn get(&self, partner_id: PartnerId) -> Option<&Partner> {
        self.partners.get(&partner_id)
    }

    /// The partner with this id, or [`PartnerError::UnknownPartner`] (for a
    /// referral or consent that names a partner).
    pub fn require(&self, partner_id: PartnerId) -> Result<&Partner, PartnerError> {
        self.get(partner_id).ok_or(PartnerError::UnknownPartner { partner_id })
    }

    /// Whether a partner with this id is present.
    pub fn contains(&self, partner_id: PartnerId) -> bool {
        self.partners.contains_key(&partner_id)
    }

    /// The partners of this kind, in id order.
    pub fn by_kind(&self, kind: PartnerKind) -> impl Iterator<Item = &Partner> {
        self.iter().filter(move |p| p.kind == kind)
    }

    /// The partners in this LK3 unit's network, in id order.
    pub fn by_unit<'a>(&'a self, unit: &'a UnitCode) -> impl Iterator<Item = &'a Partner> {
        self.iter().filter(move |p| &p.unit == unit)
    }

    /// The directory of one unit's network (its partners are valid already).
    pub fn of_unit(&self, unit: &UnitCode) -> PartnerDirectory {
        PartnerDirectory {
            partners: self.partners.iter().filter(|(_, p)| &p.unit == unit).map(|(id, p)| (*id, p.clone())).collect(),
        }
    }

    /// The partners a client can be referred to now: those that accept
    /// referrals and have an active service ([`Partner::is_referral_target`]),
    /// in id order.
    pub fn referral_targets(&self) -> impl Iterator<Item = &Partner> {
        self.iter().filter(|p| p.is_referral_target())
    }

    /// How many partners the directory holds.
    pub fn len(&self) -> usize {
        self.partners.len()
    }

    /// Whether the directory is empty.
    pub fn is_empty(&self) -> bool {
        self.partners.is_empty()
    }

    /// Every partner, in id order.
    pub fn iter(&self) -> impl Iterator<Item = &Partner> {
        self.partners.values()
    }
}

impl<'a> IntoIterator for &'a PartnerDirectory {
    type Item = &'a Partner;
    type IntoIter = std::collections::btree_map::Values<'a, PartnerId, Partner>;

    fn into_iter(self) -> Self::IntoIter {
        self.partners.values()
    }
}
