//! The partners a case's events name, and the one rule that checks them
//! against a unit's directory: written once, used by `validate` (a
//! document's history), by the store on every command and on import.

use super::{PartnerDirectory, PartnerError, Slug};
use crate::case::{Case, CaseEvent, CaseEventRecord};
use crate::decider::Decider;
use crate::ids::{PartnerId, UnitCode};
use crate::service::ServiceCommand;

/// What an event names a partner for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ReferenceUse {
    /// The partner referred the case to the LK3 (an incoming referral).
    Referrer,
    /// A consent to disclose to the partner.
    Disclosure,
    /// A plan item to be carried out by the partner.
    Plan,
    /// A referral (rujukan) opened to the partner.
    Referral,
    /// A referral's sending, asking the partner for one of its services.
    RequestedService,
    /// An emergency protective referral to the partner.
    ProtectiveReferral,
}

impl ReferenceUse {
    /// Whether the partner is asked to take the client: then, for a command
    /// issued now, it must accept referrals (and offer the service asked for
    /// as active).
    pub fn sends_a_client(self) -> bool {
        matches!(self, Self::Plan | Self::Referral | Self::RequestedService | Self::ProtectiveReferral)
    }
}

/// One partner named by one event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnerReference {
    /// Where in the event's payload (a JSON Pointer from the payload).
    pub pointer: String,
    /// The partner.
    pub partner_id: PartnerId,
    /// What for.
    pub used_for: ReferenceUse,
    /// The partner's service asked for, when the event asks for one.
    pub service: Option<Slug>,
}

impl PartnerReference {
    fn new(pointer: String, partner_id: PartnerId, used_for: ReferenceUse) -> Self {
        Self { pointer, partner_id, used_for, service: None }
    }
}

/// How strictly a reference is judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReferenceCheck {
    /// Recorded history (a document, an import): the partner and the service
    /// asked for must be in the directory; a partner that has since stopped
    /// taking referrals does not undo what was done.
    Recorded,
    /// A command issued now: besides, a partner sent a client must accept
    /// referrals and the service asked for must be active.
    New,
}

impl Case {
    /// The partners `event` names, read against this case as it stands
    /// before the event (a sending names its referral's partner), in payload
    /// order.
    pub fn partner_references(&self, event: &CaseEvent) -> Vec<PartnerReference> {
        use ReferenceUse as U;
        match event {
            CaseEvent::ContactRecorded { referred_by: Some(r), .. } => {
                vec![PartnerReference::new("/referred_by/partner_id".into(), r.partner_id, U::Referrer)]
            }
            CaseEvent::ConsentRecorded { consent } => consent
                .disclose_to
                .iter()
                .enumerate()
                .map(|(k, p)| PartnerReference::new(format!("/consent/disclose_to/{k}"), *p, U::Disclosure))
                .collect(),
            CaseEvent::PlanProposed { items, .. } => items
                .iter()
                .enumerate()
                .filter_map(|(k, item)| {
                    item.partner_id.map(|p| PartnerReference::new(format!("/items/{k}/partner_id"), p, U::Plan))
                })
                .collect(),
            CaseEvent::ServiceOpened { partner_id: Some(p), .. } => {
                vec![PartnerReference::new("/partner_id".into(), *p, U::Referral)]
            }
            CaseEvent::ProtectiveReferralSent { partner_id: Some(p), .. } => {
                vec![PartnerReference::new("/partner_id".into(), *p, U::ProtectiveReferral)]
            }
            CaseEvent::ServiceStepRecorded { service_id, step: ServiceCommand::Send { request, .. }, .. } => self
                .service(*service_id)
                .and_then(|s| s.partner_id)
                .map(|p| PartnerReference {
                    service: request.service.clone(),
                    ..PartnerReference::new("/step/request/service".into(), p, U::RequestedService)
                })
                .into_iter()
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// A partner an event names, with the event's place and the unit holding
/// the case then (whose network the partner must be in).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedPartner {
    /// The event's index in the events given.
    pub event: usize,
    /// The unit holding the case when the event happened.
    pub unit: UnitCode,
    /// The partner and what it is named for.
    pub reference: PartnerReference,
}

impl Case {
    /// The partners each of `events` names, each read against this case as
    /// the events before it leave it, with the unit holding the case then.
    pub fn partner_references_in(&self, events: &[CaseEventRecord]) -> Vec<NamedPartner> {
        let mut case = self.clone();
        let mut found = Vec::new();
        for (i, event) in events.iter().enumerate() {
            let named = case.partner_references(&event.payload);
            case.apply(event);
            // An event naming a partner never moves the case between units, so
            // the unit after it is the one it happened in (an opening event's too).
            if let Some(unit) = case.holding_unit() {
                found.extend(named.into_iter().map(|reference| NamedPartner { event: i, unit, reference }));
            }
        }
        found
    }
}

impl PartnerDirectory {
    /// Checks one reference: the partner is in the directory
    /// ([`PartnerError::UnknownPartner`]) and offers the service asked for
    /// ([`PartnerError::UnknownService`]); for a [`ReferenceCheck::New`]
    /// command that sends it a client, it accepts referrals, or has a 24-hour
    /// line for an emergency protective referral
    /// ([`PartnerError::NotAcceptingReferrals`]), and the service asked for
    /// is active ([`PartnerError::ServiceUnavailable`]).
    pub fn check_reference(&self, reference: &PartnerReference, check: ReferenceCheck) -> Result<(), PartnerError> {
        // A sending asking for no service names again the partner its
        // referral was opened to: in history, that was judged then.
        if check == ReferenceCheck::Recorded
            && reference.used_for == ReferenceUse::RequestedService
            && reference.service.is_none()
        {
            return Ok(());
        }
        let partner_id = reference.partner_id;
        let partner = self.require(partner_id)?;
        let service = match &reference.service {
            Some(wanted) => Some(
                partner
                    .service(wanted.as_str())
                    .ok_or_else(|| PartnerError::UnknownService { partner_id, service: wanted.clone() })?,
            ),
            None => None,
        };
        if check == ReferenceCheck::Recorded || !reference.used_for.sends_a_client() {
            return Ok(());
        }
        // An emergency protective referral may go to a partner's 24-hour line.
        let emergency = reference.used_for == ReferenceUse::ProtectiveReferral && partner.emergency_line;
        if !partner.is_referral_target() && !emergency {
            return Err(PartnerError::NotAcceptingReferrals { partner_id });
        }
        match (service, &reference.service) {
            (Some(offered), Some(wanted)) if !offered.status.is_active() => {
                Err(PartnerError::ServiceUnavailable { partner_id, service: wanted.clone() })
            }
            _ => Ok(()),
        }
    }
}
