//! The period semantics: one unit's streams folded up to the period's end,
//! and what changed inside the period counted as it happened.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

use super::{
    ActivityFigures, AidTotal, CaseFigures, ClientFigures, Count, Figures, OutreachFigures, ReferralFigures,
    ReportError, ServiceFigures, UnitReport,
};
use crate::Labelled;
use crate::case::{Case, CaseEvent};
use crate::decider::Decider;
use crate::event::Event;
use crate::ids::{ClientId, KodeWilayah, ServiceId, Sex, StaffId, TimeZoneId, UnitCode};
use crate::outreach::{Outreach, OutreachEvent};
use crate::rules::RuleSetId;
use crate::service::ServiceState;
use crate::vocab::{
    AgeBand, AidItem, ContactChannel, FundingSource, OutreachState, Pmks, Problem, Sasaran, ServiceKind, Stage,
};

/// What the client registry says of a served client, for the breakdowns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientProfile {
    /// Sex as declared.
    pub sex: Option<Sex>,
    /// Birth date as declared.
    pub birth_date: Option<NaiveDate>,
    /// Domicile as a kode wilayah.
    pub domicile: Option<KodeWilayah>,
}

impl From<&crate::schema::ClientRecord> for ClientProfile {
    fn from(r: &crate::schema::ClientRecord) -> Self {
        ClientProfile { sex: r.sex, birth_date: r.birth_date, domicile: r.domicile }
    }
}

/// Whether a case in `stage` is finished in every registered rule set: a
/// store may skip reading such a case's events when its last event came
/// before the period (it cannot be active in it), whatever its rule set.
pub fn finished_in_every_rule_set(stage: Stage) -> bool {
    RuleSetId::all().iter().all(|r| r.rules().case.is_terminal(stage))
}

/// The stages finished in every registered rule set ([`finished_in_every_rule_set`]),
/// for a store to select by.
pub fn finished_stages() -> Vec<Stage> {
    Stage::ALL.iter().copied().filter(|s| finished_in_every_rule_set(*s)).collect()
}

/// The outreach states finished in every registered rule set.
pub fn finished_outreach_states() -> Vec<OutreachState> {
    OutreachState::ALL.iter().copied().filter(|s| outreach_finished_in_every_rule_set(*s)).collect()
}

/// Whether a stream last written at `last_at` and `finished` now may be
/// active from `start` on: written to since, or not finished. What happened
/// to a stream that fails this was all before `start`.
pub fn may_be_active_from(start: DateTime<Utc>, last_at: DateTime<Utc>, finished: bool) -> bool {
    last_at >= start || !finished
}

/// Whether an outreach in `state` is finished in every registered rule set.
pub fn outreach_finished_in_every_rule_set(state: OutreachState) -> bool {
    RuleSetId::all().iter().all(|r| r.rules().outreach.table.is_terminal(state))
}

/// One unit's report in the making: feed it every stream of the unit that may
/// be active in the period ([`UnitTally::may_be_active`]), the clients of its
/// other cases, then the registry's profiles of the clients served.
#[derive(Debug, Clone)]
pub struct UnitTally {
    unit: UnitCode,
    tz: TimeZoneId,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    from: NaiveDate,
    to: NaiveDate,
    counts: Counts,
    /// When the unit first served each client it has served up to the period's end.
    first_served: BTreeMap<ClientId, DateTime<Utc>>,
    /// The clients of the active cases.
    served: BTreeSet<ClientId>,
    /// The clients of active cases reopened by the period's end: continuing,
    /// whenever they were first served (klien binaan lanjutan).
    reopened: BTreeSet<ClientId>,
    /// Registry records merged into another: counted as the one they are read as.
    aliases: BTreeMap<ClientId, ClientId>,
}

/// A unit's tally with the registry's profiles counted in.
#[derive(Debug, Clone)]
pub struct FinishedTally {
    unit: UnitCode,
    tz: TimeZoneId,
    counts: Counts,
}

impl FinishedTally {
    /// The unit.
    pub fn unit(&self) -> &UnitCode {
        &self.unit
    }

    pub(super) fn counts(&self) -> &Counts {
        &self.counts
    }

    pub(super) fn unit_report(&self) -> UnitReport {
        UnitReport { unit: self.unit, time_zone: self.tz, figures: self.counts.figures() }
    }
}

/// The first instant of local date `d` in `tz`.
fn start_of(d: NaiveDate, tz: TimeZoneId) -> Option<DateTime<Utc>> {
    d.and_time(NaiveTime::MIN).and_local_timezone(tz.offset()).single().map(|t| t.with_timezone(&Utc))
}

impl UnitTally {
    /// A tally of `unit` over its local dates `from..=to`.
    pub fn new(unit: &UnitCode, from: NaiveDate, to: NaiveDate) -> Result<Self, ReportError> {
        if to < from {
            return Err(ReportError::PeriodReversed { from, to });
        }
        let tz = unit.time_zone().ok_or_else(|| ReportError::NoTimeZone { unit: unit.to_string() })?;
        let out_of_range = || ReportError::PeriodOutOfRange { from, to };
        let start = start_of(from, tz).filter(|t| crate::time::instant_fits(*t)).ok_or_else(out_of_range)?;
        let end = to
            .succ_opt()
            .and_then(|d| start_of(d, tz))
            .filter(|t| crate::time::instant_fits(*t))
            .ok_or_else(out_of_range)?;
        Ok(UnitTally {
            unit: *unit,
            tz,
            start,
            end,
            from,
            to,
            counts: Counts::default(),
            first_served: BTreeMap::new(),
            served: BTreeSet::new(),
            reopened: BTreeSet::new(),
            aliases: BTreeMap::new(),
        })
    }

    /// The period's first instant (UTC).
    pub fn start(&self) -> DateTime<Utc> {
        self.start
    }

    /// The instant after the period (UTC): the first instant of the day after `to`.
    pub fn end(&self) -> DateTime<Utc> {
        self.end
    }

    /// Whether a stream opened at `opened_at`, last written at `last_at` and
    /// `finished` now may be active in the period, so its events must be read:
    /// opened before the period's end, and written to since the period began
    /// or not finished. A stream that fails this is wholly before the period
    /// (or after it): only its clients matter ([`UnitTally::add_earlier_clients`]).
    pub fn may_be_active(&self, opened_at: DateTime<Utc>, last_at: DateTime<Utc>, finished: bool) -> bool {
        opened_at < self.end && may_be_active_from(self.start, last_at, finished)
    }

    /// Registry records merged into another (merged id → kept id): each is
    /// counted as the client it is read as. Give them before any case.
    pub fn set_aliases(&mut self, aliases: BTreeMap<ClientId, ClientId>) {
        self.aliases = aliases;
    }

    /// The client `id` is counted as.
    fn client(&self, id: ClientId) -> ClientId {
        self.aliases.get(&id).copied().unwrap_or(id)
    }

    /// The clients of a case of the unit wholly before the period: they were
    /// served before it.
    pub fn add_earlier_clients(&mut self, clients: impl IntoIterator<Item = ClientId>) {
        for c in clients {
            let c = self.client(c);
            self.first_served.entry(c).or_insert(DateTime::<Utc>::MIN_UTC);
        }
    }

    fn in_period(&self, at: DateTime<Utc>) -> bool {
        at >= self.start && at < self.end
    }

    /// Counts one case of the unit from its events (in seq order). Events
    /// after the period are not read. A case counts for each unit that held
    /// it in the period; what happened in it counts for the unit holding it
    /// then (a transfer: out for the sender, in for the receiver).
    pub fn add_case(&mut self, events: &[Event<CaseEvent>]) {
        let Some(first) = events.first() else { return };
        if first.occurred_at >= self.end {
            return;
        }
        let rules = first.rule_set.rules();
        let terminal = |s: Option<Stage>| s.is_some_and(|s| rules.case.is_terminal(s));
        let mut case = Case::default();
        let mut stage_at_start = None;
        let mut held_at_start = false;
        let (mut touched, mut opened, mut reopened, mut closed) = (false, false, false, false);
        let (mut moved_in, mut moved_out) = (false, false);
        let mut on_spot_in_period = false;
        let mut first_seen: BTreeMap<ClientId, DateTime<Utc>> = BTreeMap::new();
        // The aid recorded while this unit held the case (by position).
        let mut own_aid: Vec<bool> = Vec::new();
        let mut c = Counts::default();
        for e in events.iter().take_while(|e| e.occurred_at < self.end) {
            let before_stage = case.stage();
            let before_services: Vec<(ServiceId, ServiceState)> =
                case.services().iter().map(|s| (s.service_id, s.state)).collect();
            let before_on_spot = case.on_spot_service();
            let before_protective = case.protective_referrals().len();
            let held_before = case.holding_unit() == Some(self.unit);
            case.apply(e);
            let held = case.holding_unit() == Some(self.unit);
            own_aid.resize(case.aid().len(), held);
            for client in case.clients() {
                first_seen.entry(self.client(client.client_id)).or_insert(e.occurred_at);
            }
            if e.occurred_at < self.start {
                stage_at_start = case.stage();
                held_at_start = held;
                continue;
            }
            touched |= held || held_before;
            moved_in |= held && !held_before && before_stage.is_some();
            moved_out |= held_before && !held;
            if !held {
                continue;
            }
            let after_stage = case.stage();
            opened |= before_stage.is_none();
            reopened |= terminal(before_stage) && !terminal(after_stage);
            closed |= !terminal(before_stage) && terminal(after_stage);
            if before_on_spot.is_none() && case.on_spot_service().is_some() {
                on_spot_in_period = true;
            }
            c.referrals.2 += (case.protective_referrals().len().saturating_sub(before_protective)) as u64;
            for s in case.services() {
                let before = before_services.iter().find(|(id, _)| *id == s.service_id).map(|(_, st)| *st);
                if before == Some(s.state) {
                    continue;
                }
                let spec = rules.service(s.kind);
                let tally = c.services.entry(s.kind).or_default();
                tally.started += u64::from(before.is_none());
                if spec.is_some_and(|spec| spec.table.is_terminal(s.state)) {
                    tally.ended += 1;
                    *tally.outcomes.entry(s.state).or_insert(0) += 1;
                }
                if spec.is_some_and(|spec| spec.partner) {
                    *c.referrals.0.entry(s.state).or_insert(0) += 1;
                }
            }
        }
        let held_at_end = case.holding_unit() == Some(self.unit);
        for (client, at) in &first_seen {
            let earliest = self.first_served.entry(*client).or_insert(*at);
            *earliest = (*earliest).min(*at);
        }
        let open_at_start = held_at_start && stage_at_start.is_some() && !terminal(stage_at_start);
        if !(touched || open_at_start) {
            return;
        }
        if !case.participants().is_empty() {
            // A group activity: people reached, not clients, not a case.
            if on_spot_in_period {
                let sasaran = case.sasaran().or_else(|| case.participants().first().map(|p| p.sasaran));
                if let Some(sasaran) = sasaran {
                    let a = self.counts.activities.entry(sasaran).or_default();
                    a.0 += 1;
                    a.1 += case.participants().iter().map(|p| u64::from(p.count)).sum::<u64>();
                }
            }
            return;
        }
        let cases = &mut c.cases;
        cases.active += 1;
        cases.carried_over += u64::from(open_at_start);
        cases.opened += u64::from(opened);
        cases.reopened += u64::from(reopened);
        cases.closed += u64::from(closed);
        cases.open_at_end += u64::from(held_at_end && !terminal(case.stage()));
        cases.transferred_in += u64::from(moved_in);
        cases.transferred_out += u64::from(moved_out);
        if on_spot_in_period && let Some(kind) = case.on_spot_service() {
            c.services.entry(kind).or_default().on_the_spot += 1;
        }
        if case.clients().is_empty() {
            c.clients.unregistered_contacts += 1;
        }
        let clients: Vec<ClientId> = case.clients().iter().map(|cl| self.client(cl.client_id)).collect();
        self.served.extend(clients.iter().copied());
        if case.is_continuing() {
            self.reopened.extend(clients);
        }
        if held_at_end {
            c.referrals.1 += case.overdue_referrals(self.end).count() as u64;
        }
        let aid = case.aid().iter().zip(&own_aid).filter(|(_, own)| **own).map(|(a, _)| a);
        for a in aid.filter(|a| a.given_on >= self.from && a.given_on <= self.to) {
            let t = c.aid.entry((a.item, a.funding)).or_insert((0, 0));
            t.0 += 1;
            t.1 += u64::from(a.quantity);
        }
        let problems: BTreeSet<Problem> = case.problems().iter().copied().collect();
        let pmks: BTreeSet<Pmks> = problems.iter().map(|p| p.pmks()).collect();
        for p in problems {
            *c.by_problem.entry(p).or_insert(0) += 1;
        }
        for p in pmks {
            *c.by_pmks.entry(p).or_insert(0) += 1;
        }
        *c.by_channel.entry(case.channel()).or_insert(0) += 1;
        *c.by_worker.entry(case.worker()).or_insert(0) += 1;
        if let Some(stage) = case.stage() {
            *c.by_stage.entry(stage).or_insert(0) += 1;
        }
        *c.by_rule_set.entry(first.rule_set).or_insert(0) += 1;
        self.counts.merge(&c);
    }

    /// Counts one outreach of the unit from its events (in seq order).
    pub fn add_outreach(&mut self, events: &[Event<OutreachEvent>]) {
        let Some(first) = events.first() else { return };
        if first.occurred_at >= self.end {
            return;
        }
        let table = &first.rule_set.rules().outreach.table;
        let finished = |s: Option<OutreachState>| s.is_some_and(|s| table.is_terminal(s));
        let mut outreach = Outreach::default();
        let (mut state_at_start, mut touched, mut reported) = (None, false, false);
        let mut outcomes: BTreeMap<OutreachState, u64> = BTreeMap::new();
        for e in events.iter().take_while(|e| e.occurred_at < self.end) {
            let before = outreach.state();
            outreach.apply(e);
            if e.occurred_at < self.start {
                state_at_start = outreach.state();
                continue;
            }
            touched = true;
            reported |= before.is_none();
            let after = outreach.state();
            if !finished(before)
                && finished(after)
                && let Some(s) = after
            {
                *outcomes.entry(s).or_insert(0) += 1;
            }
        }
        let open_at_start = state_at_start.is_some() && !finished(state_at_start);
        if !(touched || open_at_start) {
            return;
        }
        let visits = outreach.visits().iter().filter(|v| v.carried_out_at.is_some_and(|at| self.in_period(at))).count();
        let o = &mut self.counts.outreach;
        o.0 += 1;
        o.1 += u64::from(reported);
        o.2 += visits as u64;
        add_map(&mut o.3, &outcomes);
    }

    /// The clients served in the period, whose profiles the breakdowns need.
    pub fn clients_served(&self) -> impl Iterator<Item = ClientId> + '_ {
        self.served.iter().copied()
    }

    /// The tally with the clients counted: new or continuing, and by the
    /// registry's `profiles` (a client without one counts as unknown).
    pub fn finish(mut self, profiles: &BTreeMap<ClientId, ClientProfile>) -> FinishedTally {
        let c = &mut self.counts;
        for client in &self.served {
            c.clients.served += 1;
            let new =
                self.first_served.get(client).is_some_and(|at| *at >= self.start) && !self.reopened.contains(client);
            c.clients.new += u64::from(new);
            c.clients.continuing += u64::from(!new);
            let p = profiles.get(client).cloned().unwrap_or_default();
            *c.by_sex.entry(p.sex).or_insert(0) += 1;
            *c.by_age_band.entry(p.birth_date.and_then(|b| AgeBand::on(b, self.to))).or_insert(0) += 1;
            *c.by_kecamatan.entry(p.domicile.and_then(|d| d.kecamatan_code())).or_insert(0) += 1;
            let kelurahan = p.domicile.filter(|d| d.level() == crate::ids::WilayahLevel::DesaKelurahan);
            *c.by_kelurahan.entry(kelurahan).or_insert(0) += 1;
        }
        FinishedTally { unit: self.unit, tz: self.tz, counts: self.counts }
    }
}

/// The services of one kind, as counted.
#[derive(Debug, Clone, Default)]
pub(super) struct ServiceCounts {
    started: u64,
    ended: u64,
    on_the_spot: u64,
    outcomes: BTreeMap<ServiceState, u64>,
}

/// Every figure as maps that add up: a unit's, or the sum of many.
#[derive(Debug, Clone, Default)]
pub(super) struct Counts {
    cases: CaseFigures,
    clients: ClientFigures,
    services: BTreeMap<ServiceKind, ServiceCounts>,
    /// States reached, overdue at the end, protective.
    referrals: (BTreeMap<ServiceState, u64>, u64, u64),
    /// Records, quantity.
    aid: BTreeMap<(AidItem, FundingSource), (u64, u64)>,
    /// Active, reported, visits, outcomes.
    outreach: (u64, u64, u64, BTreeMap<OutreachState, u64>),
    /// Activities, people reached.
    activities: BTreeMap<Sasaran, (u64, u64)>,
    by_problem: BTreeMap<Problem, u64>,
    by_pmks: BTreeMap<Pmks, u64>,
    by_channel: BTreeMap<Option<ContactChannel>, u64>,
    by_worker: BTreeMap<Option<StaffId>, u64>,
    by_stage: BTreeMap<Stage, u64>,
    by_rule_set: BTreeMap<RuleSetId, u64>,
    by_sex: BTreeMap<Option<Sex>, u64>,
    by_age_band: BTreeMap<Option<AgeBand>, u64>,
    by_kecamatan: BTreeMap<Option<KodeWilayah>, u64>,
    by_kelurahan: BTreeMap<Option<KodeWilayah>, u64>,
}

fn add_map<K: Ord + Clone>(into: &mut BTreeMap<K, u64>, from: &BTreeMap<K, u64>) {
    for (k, v) in from {
        *into.entry(k.clone()).or_insert(0) += v;
    }
}

fn counts<K: Clone>(map: &BTreeMap<K, u64>) -> Vec<Count<K>> {
    map.iter().map(|(value, count)| Count { value: value.clone(), count: *count }).collect()
}

impl Counts {
    /// Adds `other` in.
    pub(super) fn merge(&mut self, other: &Counts) {
        let (a, b) = (&mut self.cases, &other.cases);
        a.active += b.active;
        a.carried_over += b.carried_over;
        a.opened += b.opened;
        a.reopened += b.reopened;
        a.closed += b.closed;
        a.open_at_end += b.open_at_end;
        a.transferred_in += b.transferred_in;
        a.transferred_out += b.transferred_out;
        let (a, b) = (&mut self.clients, &other.clients);
        a.served += b.served;
        a.new += b.new;
        a.continuing += b.continuing;
        a.unregistered_contacts += b.unregistered_contacts;
        for (kind, s) in &other.services {
            let t = self.services.entry(*kind).or_default();
            t.started += s.started;
            t.ended += s.ended;
            t.on_the_spot += s.on_the_spot;
            add_map(&mut t.outcomes, &s.outcomes);
        }
        add_map(&mut self.referrals.0, &other.referrals.0);
        self.referrals.1 += other.referrals.1;
        self.referrals.2 += other.referrals.2;
        for (k, (records, quantity)) in &other.aid {
            let t = self.aid.entry(*k).or_insert((0, 0));
            t.0 += records;
            t.1 += quantity;
        }
        self.outreach.0 += other.outreach.0;
        self.outreach.1 += other.outreach.1;
        self.outreach.2 += other.outreach.2;
        add_map(&mut self.outreach.3, &other.outreach.3);
        for (k, (n, people)) in &other.activities {
            let t = self.activities.entry(*k).or_insert((0, 0));
            t.0 += n;
            t.1 += people;
        }
        add_map(&mut self.by_problem, &other.by_problem);
        add_map(&mut self.by_pmks, &other.by_pmks);
        add_map(&mut self.by_channel, &other.by_channel);
        add_map(&mut self.by_worker, &other.by_worker);
        add_map(&mut self.by_stage, &other.by_stage);
        add_map(&mut self.by_rule_set, &other.by_rule_set);
        add_map(&mut self.by_sex, &other.by_sex);
        add_map(&mut self.by_age_band, &other.by_age_band);
        add_map(&mut self.by_kecamatan, &other.by_kecamatan);
        add_map(&mut self.by_kelurahan, &other.by_kelurahan);
    }

    /// The published figures.
    pub(super) fn figures(&self) -> Figures {
        Figures {
            cases: self.cases.clone(),
            clients: self.clients.clone(),
            services: self
                .services
                .iter()
                .map(|(kind, s)| ServiceFigures {
                    service: *kind,
                    started: s.started,
                    ended: s.ended,
                    on_the_spot: s.on_the_spot,
                    outcomes: counts(&s.outcomes),
                })
                .collect(),
            referrals: ReferralFigures {
                reached: counts(&self.referrals.0),
                overdue_at_end: self.referrals.1,
                protective: self.referrals.2,
            },
            aid: self
                .aid
                .iter()
                .map(|((item, funding), (records, quantity))| AidTotal {
                    item: *item,
                    funding: *funding,
                    records: *records,
                    quantity: *quantity,
                })
                .collect(),
            outreach: OutreachFigures {
                active: self.outreach.0,
                reported: self.outreach.1,
                visits: self.outreach.2,
                outcomes: counts(&self.outreach.3),
            },
            activities: self
                .activities
                .iter()
                .map(|(sasaran, (activities, people))| ActivityFigures {
                    sasaran: *sasaran,
                    activities: *activities,
                    people_reached: *people,
                })
                .collect(),
            by_problem: counts(&self.by_problem),
            by_pmks: counts(&self.by_pmks),
            by_channel: counts(&self.by_channel),
            by_worker: counts(&self.by_worker),
            by_stage: counts(&self.by_stage),
            by_rule_set: counts(&self.by_rule_set),
            by_sex: counts(&self.by_sex),
            by_age_band: counts(&self.by_age_band),
            by_kecamatan: counts(&self.by_kecamatan),
            by_kelurahan: counts(&self.by_kelurahan),
        }
    }
}
