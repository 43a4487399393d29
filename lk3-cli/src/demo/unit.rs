//! The demo's LK3 unit: staff, partner network, cases, outreaches, and the
//! log of every attempted step.

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone, Utc};
use lk3_core::Decider;
use lk3_core::case::{Case, CaseCommand, CaseEvent, CaseEventRecord, CommandError, IncomingReferral};
use lk3_core::event::{Actor, Event};
use lk3_core::ids::{
    CaseId, CaseNumber, ClientId, CommandId, IdSeed, KodeWilayah, PartnerId, Sex, StaffId, TimeZoneId, UnitCode,
};
use lk3_core::outreach::{Outreach, OutreachCommand, OutreachError, OutreachEvent};
use lk3_core::partner::PartnerDirectory;
use lk3_core::schema::ClientRecord;
use lk3_core::service::ServiceCommand;
use lk3_core::vocab::{AdvocacyAction, ContactChannel, Role, Sasaran, ServiceKind, ServiceReason};
use lk3_core::{CommandContext, Labelled, Lk3Error};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// A member of the unit's staff (or a partner's). Staff names are not client data.
pub struct Staff {
    pub id: StaffId,
    pub name: &'static str,
    pub role: Role,
}

/// One event as the timeline shows it.
pub struct EventLine {
    pub seq: u64,
    pub what: String,
    pub state: &'static str,
    pub flagged: bool,
}

/// One attempted command and what came of it.
pub struct Step {
    pub at: DateTime<Utc>,
    pub staff: usize,
    pub command: &'static str,
    /// The events, or the refusal in Indonesian and English.
    pub outcome: Result<Vec<EventLine>, (String, String)>,
}

/// A case of the demo with everything attempted on it.
pub struct DemoCase {
    pub title: &'static str,
    pub case: Case,
    pub events: Vec<CaseEventRecord>,
    pub steps: Vec<Step>,
}

/// An outreach of the demo.
pub struct DemoOutreach {
    pub title: &'static str,
    pub outreach: Outreach,
    pub events: Vec<Event<OutreachEvent>>,
    pub steps: Vec<Step>,
}

/// The partners the stories refer to, by role in the network.
#[derive(Default)]
pub struct Network {
    pub rsud: Option<PartnerId>,
    pub polres_uppa: Option<PartnerId>,
    pub uptd_ppa: Option<PartnerId>,
    pub lbh: Option<PartnerId>,
    pub posbakum: Option<PartnerId>,
    pub baznas: Option<PartnerId>,
    pub puskesmas: Option<PartnerId>,
}

/// The LK3 unit: its staff, partners, cases and outreaches, and the sources of ids.
pub struct Unit {
    rng: StdRng,
    pub code: UnitCode,
    pub tz: FixedOffset,
    pub staff: Vec<Staff>,
    pub partners: PartnerDirectory,
    pub network: Network,
    pub cases: Vec<DemoCase>,
    pub outreaches: Vec<DemoOutreach>,
    /// The client registry the stories fill (identities stay out of the events).
    pub registry: Vec<ClientRecord>,
    /// Whether steps are logged for the timelines (not for synthetic cases).
    pub record_lines: bool,
    serial: u32,
}

// Staff indexes, in the order `Unit::new` creates them.
pub const PJ: usize = 0;
pub const KETUA: usize = 1;
pub const SEKRETARIS: usize = 2;
pub const PEKSOS_ANDI: usize = 3;
pub const PEKSOS_SARI: usize = 4;
pub const PSIKOLOG: usize = 5;
pub const KONSELOR: usize = 6;
pub const RELAWAN: usize = 7;
pub const BENDAHARA: usize = 8;
pub const MITRA_LBH: usize = 9;

impl Unit {
    pub fn new(seed: u64) -> Self {
        let mut rng = StdRng::seed_from_u64(seed);
        let hired = wita(2019, 1, 2, 8, 0);
        let mut staff = Vec::new();
        for (name, role) in [
            ("Kabid Rehabilitasi Sosial", Role::PenanggungJawab),
            ("Ketua LK3", Role::Ketua),
            ("Sekretaris LK3", Role::Sekretaris),
            ("Peksos Andi", Role::PekerjaSosial),
            ("Peksos Sari", Role::PekerjaSosial),
            ("Psikolog Dewi", Role::Psikolog),
            ("Konselor Rahmat", Role::Konselor),
            ("Relawan hotline", Role::Relawan),
            ("Bendahara LK3", Role::Bendahara),
            ("Staf LBH Bontang", Role::Mitra),
        ] {
            staff.push(Staff { id: StaffId::new_v7(hired, IdSeed::new(rng.random())), name, role });
        }
        let code = UnitCode::parse("64.74").unwrap_or_else(|_| unreachable!("a valid literal"));
        let tz = code.region().time_zone().unwrap_or(TimeZoneId::Wita).offset();
        let mut unit = Unit {
            rng,
            code,
            tz,
            staff,
            partners: PartnerDirectory::new(),
            network: Network::default(),
            cases: Vec::new(),
            outreaches: Vec::new(),
            registry: Vec::new(),
            record_lines: true,
            serial: 0,
        };
        super::stories::partner_network(&mut unit);
        unit
    }

    pub fn seed(&mut self) -> IdSeed {
        IdSeed::new(self.rng.random())
    }

    pub fn rng(&mut self) -> &mut StdRng {
        &mut self.rng
    }

    /// A new id in the client registry (identity itself is never in events).
    pub fn client(&mut self, at: DateTime<Utc>) -> ClientId {
        ClientId::new_v7(at, self.seed())
    }

    /// A new client with a registry record: a fictional name (the registry's
    /// personal data), sex, birth date and domicile (kode wilayah).
    pub fn person(
        &mut self,
        at: DateTime<Utc>,
        name: &str,
        sex: Sex,
        born: (i32, u32, u32),
        domicile: &str,
    ) -> ClientId {
        let client_id = self.client(at);
        self.registry.push(ClientRecord {
            client_id,
            unit: self.code,
            name: name.to_owned(),
            nik: None,
            no_kk: None,
            sex: Some(sex),
            birth_date: NaiveDate::from_ymd_opt(born.0, born.1, born.2),
            domicile: KodeWilayah::parse(domicile).ok(),
        });
        client_id
    }

    fn context(&mut self, staff: usize, at: DateTime<Utc>) -> CommandContext {
        let (id, role) = (self.staff[staff].id, self.staff[staff].role);
        // The demo's one partner staff member works for the LBH.
        let actor = match self.network.lbh.filter(|_| role == Role::Mitra) {
            Some(lbh) => Actor::mitra(id, lbh),
            None => Actor::staff(role, id),
        };
        CommandContext::new(actor, at, CommandId::new_v7(at, self.seed()), self.seed())
    }

    /// Opens a case from a contact and returns its index.
    pub fn open(
        &mut self,
        title: &'static str,
        staff: usize,
        at: DateTime<Utc>,
        channel: ContactChannel,
        sasaran: Sasaran,
    ) -> usize {
        let case_id = CaseId::new_v7(at, self.seed());
        self.open_with_id(title, staff, at, channel, sasaran, case_id, None)
    }

    /// Opens a case another organisation referred (rujukan masuk).
    pub fn open_referred(
        &mut self,
        title: &'static str,
        staff: usize,
        at: DateTime<Utc>,
        sasaran: Sasaran,
        referral: IncomingReferral,
    ) -> usize {
        let case_id = CaseId::new_v7(at, self.seed());
        self.open_with_id(title, staff, at, ContactChannel::RujukanMasuk, sasaran, case_id, Some(referral))
    }

    /// Opens a case with a given id (an outreach decided it beforehand).
    #[allow(clippy::too_many_arguments)] // the contact's own fields, as the stories read
    pub fn open_with_id(
        &mut self,
        title: &'static str,
        staff: usize,
        at: DateTime<Utc>,
        channel: ContactChannel,
        sasaran: Sasaran,
        case_id: CaseId,
        referred_by: Option<IncomingReferral>,
    ) -> usize {
        self.serial += 1;
        let year = at.with_timezone(&self.tz).date_naive().format("%Y").to_string().parse::<u16>().unwrap_or(2019);
        let command = CaseCommand::RecordContact {
            case_id,
            unit: self.code,
            case_number: CaseNumber::new(self.code, year, self.serial),
            channel,
            sasaran,
            referred_by,
        };
        self.cases.push(DemoCase { title, case: Case::default(), events: Vec::new(), steps: Vec::new() });
        let index = self.cases.len() - 1;
        self.step(index, staff, at, command);
        index
    }

    /// Attempts a command on a case; returns whether it was accepted.
    pub fn step(&mut self, case: usize, staff: usize, at: DateTime<Utc>, command: CaseCommand) -> bool {
        let ctx = self.context(staff, at);
        let record = self.record_lines;
        let c = &mut self.cases[case];
        let outcome = match c.case.decide(&command, &ctx) {
            Ok(events) => {
                let mut lines = Vec::new();
                for e in events {
                    c.case.apply(&e);
                    if record {
                        lines.push(case_line(&c.case, &e));
                    }
                    c.events.push(e);
                }
                Ok(lines)
            }
            Err(e) => Err(if record { refusal(&e) } else { (String::new(), String::new()) }),
        };
        let accepted = outcome.is_ok();
        c.steps.push(Step { at: ctx.at, staff, command: command.kind().id(), outcome });
        accepted
    }

    /// Starts an outreach and returns its index.
    pub fn report_outreach(
        &mut self,
        title: &'static str,
        staff: usize,
        at: DateTime<Utc>,
        report: OutreachCommand,
    ) -> usize {
        self.outreaches.push(DemoOutreach {
            title,
            outreach: Outreach::default(),
            events: Vec::new(),
            steps: Vec::new(),
        });
        let index = self.outreaches.len() - 1;
        self.outreach_step(index, staff, at, report);
        index
    }

    /// Attempts a command on an outreach; returns whether it was accepted.
    pub fn outreach_step(&mut self, index: usize, staff: usize, at: DateTime<Utc>, command: OutreachCommand) -> bool {
        let ctx = self.context(staff, at);
        let o = &mut self.outreaches[index];
        let outcome = match o.outreach.decide(&command, &ctx) {
            Ok(events) => {
                let mut lines = Vec::new();
                for e in events {
                    o.outreach.apply(&e);
                    lines.push(EventLine {
                        seq: e.seq,
                        what: e.payload.type_name().to_owned(),
                        state: o.outreach.state().map_or("-", Labelled::id),
                        flagged: false,
                    });
                    o.events.push(e);
                }
                Ok(lines)
            }
            Err(e) => Err(outreach_refusal(&e)),
        };
        let accepted = outcome.is_ok();
        o.steps.push(Step { at: ctx.at, staff, command: command.kind().id(), outcome });
        accepted
    }
}

fn refusal(e: &CommandError) -> (String, String) {
    (e.message_id(), e.message_en())
}

fn outreach_refusal(e: &OutreachError) -> (String, String) {
    (e.message_id(), e.message_en())
}

/// How an accepted case event reads in the timeline.
fn case_line(case: &Case, e: &CaseEventRecord) -> EventLine {
    let detail = match &e.payload {
        CaseEvent::ServiceOpened { kind, service_id, .. } => {
            let state = case.service(*service_id).map_or("-", |s| s.state.id());
            format!(" {kind} → {state}")
        }
        CaseEvent::ServiceStepRecorded { service_id, step, on_behalf_of_partner, .. } => {
            let (kind, state, sessions) =
                case.service(*service_id).map_or(("-", "-", 0), |s| (s.kind.id(), s.state.id(), s.sessions));
            let sessions = if matches!(step, ServiceCommand::HoldSession {}) {
                format!(" (sesi {sessions})")
            } else {
                String::new()
            };
            let reason = match step {
                ServiceCommand::RecordAction { action } => format!(" [{action}]"),
                _ => step.reason().map(|r| format!(" [{r}]")).unwrap_or_default(),
            };
            let behalf = if *on_behalf_of_partner { " (dicatat atas nama mitra)" } else { "" };
            format!(" {kind}: {} → {state}{sessions}{reason}{behalf}", step.kind())
        }
        CaseEvent::PlanApproved { plan_version, .. } => {
            let kinds: Vec<&str> = case
                .planned_services()
                .filter(|s| s.plan_version == Some(*plan_version))
                .map(|s| s.kind.id())
                .collect();
            format!(" v{plan_version}: {}", kinds.join(", "))
        }
        CaseEvent::AidGiven { aid } => format!(" {} ×{} ({})", aid.item, aid.quantity, aid.funding),
        CaseEvent::ResolvedOnSpot { service, participants, .. } => {
            let who: Vec<String> = participants.iter().map(|p| format!("{} {}", p.sasaran, p.count)).collect();
            if who.is_empty() { format!(" {service}") } else { format!(" {service}, peserta: {}", who.join(", ")) }
        }
        CaseEvent::ProtectiveReferralSent { partner, consent_override, .. } => {
            format!(" {partner}{}", if *consent_override { " (tanpa persetujuan)" } else { "" })
        }
        CaseEvent::ProtectiveReferralStepRecorded { referral_id, step, on_behalf_of_partner } => {
            let state = case.protective_referral(*referral_id).map_or("-", |r| r.state.id());
            let reason = step.reason().map(|r| format!(" [{r}]")).unwrap_or_default();
            let behalf = if *on_behalf_of_partner { " (dicatat atas nama mitra)" } else { "" };
            format!(" {} → {state}{reason}{behalf}", step.kind())
        }
        CaseEvent::Terminated { reason } => format!(" [{reason}]"),
        _ => String::new(),
    };
    EventLine {
        seq: e.seq,
        what: format!("{}{detail}", e.payload.type_name()),
        state: case.stage().map_or("-", Labelled::id),
        flagged: e.payload.is_audit_flagged(),
    }
}

/// A time in Bontang (WITA, UTC+8) as UTC.
pub fn wita(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    let local = NaiveDate::from_ymd_opt(y, m, d).and_then(|date| date.and_hms_opt(h, min, 0)).unwrap_or_default();
    TimeZoneId::Wita.offset().from_local_datetime(&local).single().map(|t| t.with_timezone(&Utc)).unwrap_or_default()
}

/// Approval of the plan currently proposed in a case, naming its version.
pub fn approve_current(u: &Unit, case: usize) -> CaseCommand {
    CaseCommand::ApprovePlan { plan_version: u.cases[case].case.proposal().map_or(0, |p| p.plan_version) }
}

/// The steps that take a service to its normal end, with who takes them.
pub fn normal_path(kind: ServiceKind, worker: usize) -> Vec<(usize, ServiceCommand)> {
    match kind {
        ServiceKind::Informasi => vec![(worker, ServiceCommand::Provide {})],
        ServiceKind::Konsultasi => {
            vec![(worker, ServiceCommand::HoldSession {}), (worker, ServiceCommand::Complete { feedback: None })]
        }
        ServiceKind::Konseling => vec![
            (KONSELOR, ServiceCommand::HoldSession {}),
            (KONSELOR, ServiceCommand::HoldSession {}),
            (KONSELOR, ServiceCommand::Complete { feedback: None }),
        ],
        ServiceKind::Advokasi => vec![
            (worker, ServiceCommand::Start {}),
            (worker, ServiceCommand::RecordAction { action: AdvocacyAction::Mediasi }),
            (worker, ServiceCommand::Succeed {}),
        ],
        ServiceKind::Pendampingan => vec![
            (worker, ServiceCommand::HoldSession {}),
            (worker, ServiceCommand::HoldSession {}),
            (worker, ServiceCommand::Complete { feedback: None }),
        ],
        ServiceKind::Perlindungan => vec![
            (worker, ServiceCommand::Start {}),
            (worker, ServiceCommand::RecordAction { action: AdvocacyAction::PendampinganKeInstansi }),
            (worker, ServiceCommand::Complete { feedback: None }),
        ],
        ServiceKind::Pembelajaran => {
            vec![(worker, ServiceCommand::HoldSession {}), (worker, ServiceCommand::Complete { feedback: None })]
        }
        ServiceKind::Rujukan | ServiceKind::Penjangkauan => {
            vec![(worker, ServiceCommand::Cancel { reason: ServiceReason::TidakDiperlukanLagi })]
        }
    }
}

/// The step that ends a service early, with a reason.
pub fn early_end(kind: ServiceKind, worker: usize) -> (usize, ServiceCommand) {
    let reason = ServiceReason::TidakDiperlukanLagi;
    let step = match kind {
        ServiceKind::Informasi => ServiceCommand::MarkUnavailable { reason },
        ServiceKind::Konsultasi | ServiceKind::Rujukan | ServiceKind::Penjangkauan | ServiceKind::Pembelajaran => {
            ServiceCommand::Cancel { reason }
        }
        ServiceKind::Konseling | ServiceKind::Advokasi | ServiceKind::Pendampingan | ServiceKind::Perlindungan => {
            ServiceCommand::Stop { reason }
        }
    };
    (worker, step)
}
