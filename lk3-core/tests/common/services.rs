//! Service instances for tests: a well-formed step of every kind, who takes
//! it, and a case with a service brought to any state of its table.

use lk3_core::case::{Case, CaseCommand, CaseEventRecord};
use lk3_core::event::Actor;
use lk3_core::ids::{IdSeed, PartnerId, ServiceId};
use lk3_core::rules::RuleSetId;
use lk3_core::service::{
    PartnerFeedback, ReferralDraft, ServiceCommand, ServiceCommandKind as K, ServiceState, ServiceTable,
};
use lk3_core::vocab::{AdvocacyAction, EmergencyReason, FeedbackOutcome, Role, ServiceKind, ServiceReason, Stage};

use super::World;

/// Every service machine: each registered rule set with each service of its catalogue.
pub fn machines() -> Vec<(RuleSetId, ServiceKind)> {
    RuleSetId::all().into_iter().flat_map(|r| r.rules().service_kinds().into_iter().map(move |k| (r, k))).collect()
}

pub fn partner() -> PartnerId {
    PartnerId::new_v7(chrono::DateTime::UNIX_EPOCH, IdSeed::new([0x77; 10]))
}

/// A well-formed step of the given kind.
pub fn step_of(kind: K) -> ServiceCommand {
    let reason = ServiceReason::Lainnya;
    match kind {
        K::Open => ServiceCommand::Provide {},
        K::Provide => ServiceCommand::Provide {},
        K::MarkUnavailable => ServiceCommand::MarkUnavailable { reason },
        K::HoldSession => ServiceCommand::HoldSession {},
        K::MarkNoShow => ServiceCommand::MarkNoShow {},
        K::Reschedule => ServiceCommand::Reschedule {},
        K::Complete => ServiceCommand::Complete {
            feedback: Some(PartnerFeedback { note_digest: None, outcome: FeedbackOutcome::Tertangani }),
        },
        K::Cancel => ServiceCommand::Cancel { reason },
        K::Postpone => ServiceCommand::Postpone { reason },
        K::Resume => ServiceCommand::Resume {},
        K::Stop => ServiceCommand::Stop { reason },
        K::Start => ServiceCommand::Start {},
        K::RecordAction => ServiceCommand::RecordAction { action: AdvocacyAction::Surat },
        K::Succeed => ServiceCommand::Succeed {},
        K::Fail => ServiceCommand::Fail { reason },
        // Nobody consented to disclose to the test partner: an emergency override.
        K::Send => ServiceCommand::Send {
            response_deadline: None,
            emergency: Some(EmergencyReason::AncamanKeselamatan),
            request: Default::default(),
        },
        K::Accept => ServiceCommand::Accept {},
        K::Reject => ServiceCommand::Reject { reason },
        K::Process => ServiceCommand::Process {},
        K::ApproveOverride => ServiceCommand::ApproveOverride {},
        K::Void => ServiceCommand::Void { reason: lk3_core::vocab::VoidReason::Ganda },
    }
}

/// Who takes a step: the first role of its row; approvals by the ketua (never the sender).
pub fn actor_for(w: &World, kind: ServiceKind, state: Option<ServiceState>, step: K) -> Actor {
    let role = table(w.rule_set(), kind).row(state, step).map_or(Role::PekerjaSosial, |r| r.roles[0]);
    let role = if step == K::ApproveOverride { Role::Ketua } else { role };
    w.actor(role, step != K::Send)
}

/// A service's machine under a rule set (the rule sets tested offer it).
pub fn table(rule_set: RuleSetId, kind: ServiceKind) -> &'static ServiceTable {
    &rule_set.rules().service(kind).unwrap_or_else(|| panic!("{rule_set} offers no {kind}")).table
}

/// The shortest path of steps from the open state to `target`, by the table.
pub fn path_to(rule_set: RuleSetId, kind: ServiceKind, target: ServiceState) -> Option<Vec<K>> {
    let start = table(rule_set, kind).row(None, K::Open)?.to;
    path_from(rule_set, kind, start, target)
}

/// The shortest path of steps from `start` to `target`, by the table.
pub fn path_from(rule_set: RuleSetId, kind: ServiceKind, start: ServiceState, target: ServiceState) -> Option<Vec<K>> {
    let t = table(rule_set, kind);
    let mut queue = std::collections::VecDeque::from([(start, Vec::new())]);
    let mut seen = vec![start];
    while let Some((state, path)) = queue.pop_front() {
        if state == target {
            return Some(path);
        }
        for row in t.rows().iter().filter(|r| r.from == Some(state)) {
            if !seen.contains(&row.to) {
                seen.push(row.to);
                let mut p = path.clone();
                p.push(row.command);
                queue.push_back((row.to, p));
            }
        }
    }
    None
}

/// A case in intervensi under `rule_set` with a service of `kind` brought to `state`.
pub fn service_in(
    rule_set: RuleSetId,
    kind: ServiceKind,
    state: ServiceState,
) -> Option<(World, Case, Vec<CaseEventRecord>, ServiceId)> {
    let path = path_to(rule_set, kind, state)?;
    let mut w = World::new().under(rule_set);
    let (mut case, mut ev) = w.case_at(Stage::Intervensi);
    let service_id = ServiceId::new_v7(w.now, w.fresh_seed());
    let referral = rule_set.rules().service(kind)?.partner.then(|| ReferralDraft { partner_id: partner() });
    let opener = actor_for(&w, kind, None, K::Open);
    w.run(&mut case, &mut ev, opener, CaseCommand::OpenService { service_id, kind, referral });
    for step in path {
        let actor = actor_for(&w, kind, case.service(service_id).map(|s| s.state), step);
        w.run(&mut case, &mut ev, actor, CaseCommand::ServiceStep { service_id, step: step_of(step) });
        // An emergency sending is approved by a second person at once, so that the loop can close.
        if step == K::Send {
            let ketua = w.actor(Role::Ketua, true);
            w.run(
                &mut case,
                &mut ev,
                ketua,
                CaseCommand::ServiceStep { service_id, step: ServiceCommand::ApproveOverride {} },
            );
        }
    }
    assert_eq!(case.service(service_id).map(|s| s.state), Some(state));
    Some((w, case, ev, service_id))
}
