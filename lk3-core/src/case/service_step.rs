//! Deciding service steps: after the case's own table has allowed the step
//! in the case's stage, the service's machine decides it.

use chrono::SubsecRound;

use super::{Case, CaseCommandKind, CaseEvent, CommandProblem, DisclosureGap, Violation};
use crate::context::CommandContext;
use crate::ids::{ReferralId, ServiceId};
use crate::rules::{RuleSet, ServiceRequirement as Requirement};
use crate::service::{ReferralDraft, ServiceCommand, ServiceCommandKind, ServiceInstance};
use crate::vocab::{Role, ServiceKind};

impl Case {
    /// A referral sent instead of `earlier`: another referral of the case,
    /// ended without result (a terminal state of its machine that no
    /// `complete` reaches), not replaced yet.
    fn check_replaced(&self, service_id: ServiceId, earlier: ServiceId, rules: &RuleSet) -> Result<(), Violation> {
        let spec = self.service(earlier).and_then(|e| rules.service(e.kind).filter(|s| s.partner).map(|s| (e, s)));
        let Some((instance, spec)) = spec.filter(|_| earlier != service_id) else {
            return Err(Violation::UnknownReference { what: super::Reference::Layanan, id: earlier.to_string() });
        };
        let completed =
            spec.table.rows().iter().any(|r| r.command == ServiceCommandKind::Complete && r.to == instance.state);
        if !spec.table.is_terminal(instance.state) || completed {
            return Err(Violation::InvalidCommand { problem: CommandProblem::ReplacesLiveReferral });
        }
        if instance.replaced_by.is_some() {
            return Err(Violation::InvalidCommand { problem: CommandProblem::AlreadyReplaced });
        }
        Ok(())
    }

    pub(super) fn open_service(
        &self,
        service_id: ServiceId,
        kind: ServiceKind,
        referral: Option<ReferralDraft>,
        ctx: &CommandContext,
        rules: &RuleSet,
    ) -> Result<CaseEvent, Violation> {
        let invalid = |problem| Err(Violation::InvalidCommand { problem });
        if !kind.is_case_service() {
            return invalid(CommandProblem::NotACaseService);
        }
        let Some(spec) = rules.service(kind) else {
            return invalid(CommandProblem::ServiceNotOffered);
        };
        if self.service(service_id).is_some()
            || self.proposal.as_ref().is_some_and(|p| p.items.iter().any(|i| i.service_id == service_id))
        {
            return invalid(CommandProblem::DuplicateId);
        }
        match (spec.partner, referral) {
            (true, None) => return invalid(CommandProblem::NoPartner),
            (false, Some(_)) => return invalid(CommandProblem::ReferralOnlyForRujukan),
            _ => {}
        }
        let machine = &spec.table;
        if let Some(row) = machine.row(None, ServiceCommandKind::Open)
            && !row.roles.contains(&ctx.actor.role)
        {
            return Err(Violation::RoleNotAllowed { role: ctx.actor.role, allowed_roles: row.roles.clone() });
        }
        Ok(CaseEvent::ServiceOpened { kind, partner_id: referral.map(|r| r.partner_id), service_id })
    }

    pub(super) fn service_step(
        &self,
        service_id: ServiceId,
        step: &ServiceCommand,
        ctx: &CommandContext,
        rules: &RuleSet,
    ) -> Result<CaseEvent, Violation> {
        let Some(instance) = self.service(service_id) else {
            return Err(Violation::UnknownReference { what: super::Reference::Layanan, id: service_id.to_string() });
        };
        let (consent_override, on_behalf_of_partner, step) =
            self.decide_step(instance, step, CaseCommandKind::ServiceStep, ctx, rules)?;
        Ok(CaseEvent::ServiceStepRecorded { consent_override, on_behalf_of_partner, service_id, step })
    }

    /// A step of a protective referral, decided by the referral service's
    /// machine on the referral as an instance of it
    /// ([`super::ProtectiveReferral::as_service`]).
    pub(super) fn protective_referral_step(
        &self,
        referral_id: ReferralId,
        step: &ServiceCommand,
        ctx: &CommandContext,
        rules: &RuleSet,
    ) -> Result<CaseEvent, Violation> {
        let Some(referral) = self.protective_referral(referral_id) else {
            return Err(Violation::UnknownReference {
                what: super::Reference::RujukanPerlindungan,
                id: referral_id.to_string(),
            });
        };
        let (_, on_behalf_of_partner, step) =
            self.decide_step(&referral.as_service(), step, CaseCommandKind::ProtectiveReferralStep, ctx, rules)?;
        Ok(CaseEvent::ProtectiveReferralStepRecorded { on_behalf_of_partner, referral_id, step })
    }

    /// A step of a service instance by its service's table: the row, the
    /// role, the row's requirements and the step's content. Returns whether
    /// the step overrides missing consent, whether it is a partner's step
    /// recorded by LK3 staff, and the step as accepted.
    fn decide_step(
        &self,
        instance: &ServiceInstance,
        step: &ServiceCommand,
        command: CaseCommandKind,
        ctx: &CommandContext,
        rules: &RuleSet,
    ) -> Result<(bool, bool, ServiceCommand), Violation> {
        let invalid = |problem| Err(Violation::InvalidCommand { problem });
        let service_id = instance.service_id;
        let Some(spec) = rules.service(instance.kind) else {
            return invalid(CommandProblem::ServiceNotOffered);
        };
        let machine = &spec.table;
        let Some(row) = machine.row(Some(instance.state), step.kind()) else {
            return Err(Violation::ServiceStepNotAllowed {
                service_id,
                service: instance.kind,
                state: instance.state,
                step: step.kind(),
                allowed_steps: machine.allowed(Some(instance.state)),
            });
        };
        if !row.roles.contains(&ctx.actor.role) {
            return Err(Violation::RoleNotAllowed { role: ctx.actor.role, allowed_roles: row.roles.clone() });
        }
        let mut consent_override = false;
        for requirement in &row.requires {
            match requirement {
                Requirement::AtLeastOneSession if instance.sessions == 0 => return invalid(CommandProblem::NoSession),
                Requirement::PartnerFeedback if !matches!(step, ServiceCommand::Complete { feedback: Some(_) }) => {
                    return Err(Violation::FeedbackRequired);
                }
                Requirement::OverrideReviewed
                    if instance.consent_override && instance.override_approved_by.is_none() =>
                {
                    return Err(Violation::OverrideNotApproved);
                }
                Requirement::SecondPerson => {
                    if let Some((_, sender)) = instance.sent.filter(|(_, sender)| *sender == ctx.actor.staff_id) {
                        return Err(Violation::SecondPersonRequired { proposer: sender, step: command });
                    }
                }
                Requirement::OwnReferral => match (ctx.actor.partner_id, instance.partner_id) {
                    (Some(actor_partner), Some(partner_id)) if actor_partner != partner_id => {
                        return Err(Violation::OtherPartner { partner_id, actor_partner });
                    }
                    // A protective referral naming no partner: no partner's
                    // staff can show it is theirs; LK3 staff record for it.
                    (Some(actor_partner), None) => return Err(Violation::UnnamedPartner { actor_partner }),
                    _ => {}
                },
                Requirement::ConsentToDisclose => {
                    let Some(partner_id) = instance.partner_id else {
                        return invalid(CommandProblem::NoPartner);
                    };
                    match (self.disclosure_gap(partner_id), step) {
                        (None, _) => {}
                        (Some(_), ServiceCommand::Send { emergency: Some(_), .. }) => consent_override = true,
                        (Some(DisclosureGap::NoClients), _) => {
                            return Err(Violation::DisclosureWithoutClients { partner_id });
                        }
                        (Some(DisclosureGap::Client(client)), _) => {
                            return Err(Violation::DisclosureConsentRequired { client, partner_id });
                        }
                    }
                }
                _ => {}
            }
        }
        // A sending carries its resolved deadline; the approval of an override
        // only makes sense for a sending that overrode.
        let mut step = step.clone();
        match &mut step {
            ServiceCommand::Send { response_deadline, request, .. } => {
                if let Some(earlier) = request.replaces {
                    self.check_replaced(service_id, earlier, rules)?;
                }
                if response_deadline.is_some_and(|d| !crate::time::instant_fits(d)) {
                    return invalid(CommandProblem::TimeOutOfRange);
                }
                let at = ctx.at.trunc_subsecs(6);
                let Some(response_time) = spec.response_time else {
                    return invalid(CommandProblem::NoPartner);
                };
                let deadline = response_deadline.unwrap_or(at + response_time).trunc_subsecs(6);
                if deadline <= at {
                    return invalid(CommandProblem::DeadlineNotAfterSending);
                }
                *response_deadline = Some(deadline);
            }
            ServiceCommand::ApproveOverride {} if !instance.consent_override => {
                return Err(Violation::ServiceStepNotAllowed {
                    service_id,
                    service: instance.kind,
                    state: instance.state,
                    step: ServiceCommandKind::ApproveOverride,
                    allowed_steps: machine
                        .allowed(Some(instance.state))
                        .into_iter()
                        .filter(|s| *s != ServiceCommandKind::ApproveOverride)
                        .collect(),
                });
            }
            _ => {}
        }
        let on_behalf_of_partner = spec.partner && step.kind().is_partner_step() && ctx.actor.role != Role::Mitra;
        Ok((consent_override, on_behalf_of_partner, step))
    }
}
