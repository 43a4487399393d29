//! `lk3 demo`: LK3 Kota Bontang (kode wilayah 64.74, WITA) at work in 2019.
//!
//! The cases are drawn from the seed reports (KDRT handled with the police,
//! a walk-in consultation, a divorce conflict that comes back, a report that
//! turns out not to be for the LK3, a client who moves away). Refused steps
//! are attempted on purpose and shown with their errors: they are as much a
//! part of the story as the accepted ones.

use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone, Utc};
use lk3_core::CommandContext;
use lk3_core::case::{
    Case, CaseClient, CaseCommand, CaseCommandKind, CaseEventRecord, CommandError, Consent, ConsentForm, PlanItem,
    RiskLevel,
};
use lk3_core::event::Actor;
use lk3_core::ids::{
    CaseId, CaseNumber, ClientId, CommandId, ConsentId, IdSeed, PlanItemId, ReferralId, StaffId, TimeZoneId, UnitCode,
};
use lk3_core::vocab::{
    ConsentPurpose as P, ContactChannel, EmergencyReason, Problem, ProtectivePartner, RefusalReason, ReopenReason,
    Role, Sasaran, ServiceKind, TerminationReason,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;

use crate::{CliError, render, synthetic};

/// Options of `lk3 demo`.
pub struct Options {
    pub export: Option<PathBuf>,
    pub cases: u32,
    pub seed: u64,
}

/// A member of the unit's staff. Staff names are not client data.
pub struct Staff {
    pub id: StaffId,
    pub name: &'static str,
    pub role: Role,
}

/// One attempted command and what came of it.
pub struct Step {
    pub at: DateTime<Utc>,
    pub staff: usize,
    pub command: CaseCommandKind,
    pub outcome: Result<Vec<CaseEventRecord>, CommandError>,
}

/// A case of the demo with everything attempted on it.
pub struct DemoCase {
    pub title: &'static str,
    pub case: Case,
    pub events: Vec<CaseEventRecord>,
    pub steps: Vec<Step>,
}

/// The LK3 unit: its staff, its cases, and the sources of time and ids.
pub struct Unit {
    rng: StdRng,
    pub code: UnitCode,
    pub tz: FixedOffset,
    pub staff: Vec<Staff>,
    pub cases: Vec<DemoCase>,
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
        ] {
            staff.push(Staff { id: StaffId::new_v7(hired, IdSeed::new(rng.random())), name, role });
        }
        let code = UnitCode::parse("64.74").unwrap_or_else(|_| unreachable!("a valid literal"));
        let tz = code.region().time_zone().unwrap_or(TimeZoneId::Wita).offset();
        Unit { rng, code, tz, staff, cases: Vec::new(), serial: 0 }
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

    /// Opens a case from a contact and returns its index.
    pub fn open(
        &mut self,
        title: &'static str,
        staff: usize,
        at: DateTime<Utc>,
        channel: ContactChannel,
        sasaran: Sasaran,
    ) -> usize {
        self.serial += 1;
        let year = u16::try_from(
            at.with_timezone(&self.tz).date_naive().format("%Y").to_string().parse::<u32>().unwrap_or(2019),
        )
        .unwrap_or(2019);
        let command = CaseCommand::RecordContact {
            case_id: CaseId::new_v7(at, self.seed()),
            unit: self.code.clone(),
            case_number: CaseNumber::new(self.code.clone(), year, self.serial),
            channel,
            sasaran,
        };
        self.cases.push(DemoCase { title, case: Case::default(), events: Vec::new(), steps: Vec::new() });
        let index = self.cases.len() - 1;
        self.step(index, staff, at, command);
        index
    }

    /// Attempts a command on a case; returns whether it was accepted.
    pub fn step(&mut self, case: usize, staff: usize, at: DateTime<Utc>, command: CaseCommand) -> bool {
        let actor = Actor { staff_id: self.staff[staff].id, role: self.staff[staff].role };
        let ctx = CommandContext::new(actor, at, CommandId::new_v7(at, self.seed()), self.seed());
        let c = &mut self.cases[case];
        let outcome = c.case.execute(&command, &ctx);
        if let Ok(events) = &outcome {
            c.events.extend(events.iter().cloned());
        }
        let accepted = outcome.is_ok();
        c.steps.push(Step { at: ctx.at, staff, command: command.kind(), outcome });
        accepted
    }
}

/// A time in Bontang (WITA, UTC+8) as UTC.
pub fn wita(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    let local = NaiveDate::from_ymd_opt(y, m, d).and_then(|date| date.and_hms_opt(h, min, 0)).unwrap_or_default();
    TimeZoneId::Wita.offset().from_local_datetime(&local).single().map(|t| t.with_timezone(&Utc)).unwrap_or_default()
}

fn consent(u: &mut Unit, subject: ClientId, guardian: Option<ClientId>, purposes: &[P]) -> CaseCommand {
    let at = wita(2019, 1, 1, 0, 0);
    CaseCommand::RecordConsent {
        consent: Consent {
            consent_id: ConsentId::new_v7(at, u.seed()),
            subject,
            guardian,
            purposes: purposes.to_vec(),
            disclose_to: Vec::new(),
            form: ConsentForm::Tertulis,
        },
    }
}

fn plan(u: &mut Unit, services: &[ServiceKind]) -> (CaseCommand, Vec<PlanItemId>) {
    let at = wita(2019, 1, 1, 0, 0);
    let items: Vec<PlanItem> =
        services.iter().map(|s| PlanItem { item_id: PlanItemId::new_v7(at, u.seed()), service: *s }).collect();
    let ids = items.iter().map(|i| i.item_id).collect();
    (CaseCommand::ProposePlan { items }, ids)
}

/// Approval of the plan currently proposed in a case, naming its version.
pub fn approve_current(u: &Unit, case: usize) -> CaseCommand {
    CaseCommand::ApprovePlan { plan_version: u.cases[case].case.proposal().map_or(0, |p| p.plan_version) }
}

/// KDRT: a night hotline call, an emergency referral to the police before any
/// consent, then the full lifecycle with its approvals.
fn kdrt(u: &mut Unit) {
    let c = u.open(
        "KDRT: ibu dan anak, rujukan darurat ke UPPA",
        RELAWAN,
        wita(2019, 3, 4, 21, 15),
        ContactChannel::TeleponHotline,
        Sasaran::Keluarga,
    );
    let referral = ReferralId::new_v7(wita(2019, 3, 4, 21, 40), u.seed());
    u.step(
        c,
        PEKSOS_ANDI,
        wita(2019, 3, 4, 21, 40),
        CaseCommand::SendProtectiveReferral {
            referral_id: referral,
            partner: ProtectivePartner::PolisiUppa,
            partner_id: None,
            reason: EmergencyReason::KekerasanBerlanjut,
        },
    );
    let mother = u.client(wita(2019, 3, 5, 8, 30));
    let child = u.client(wita(2019, 3, 5, 8, 30));
    u.step(
        c,
        SEKRETARIS,
        wita(2019, 3, 5, 8, 30),
        CaseCommand::Register {
            clients: vec![CaseClient { client_id: mother, minor: false }, CaseClient { client_id: child, minor: true }],
            problems: vec![Problem::Kdrt],
        },
    );
    u.step(c, PEKSOS_ANDI, wita(2019, 3, 5, 10, 0), CaseCommand::StartEngagement {});
    // Refused: assessment before the service agreement.
    u.step(c, PEKSOS_ANDI, wita(2019, 3, 5, 10, 30), CaseCommand::StartAssessment {});
    // Refused: no consent recorded yet.
    u.step(c, PEKSOS_ANDI, wita(2019, 3, 5, 10, 35), CaseCommand::AgreeContract {});
    let cmd = consent(u, mother, None, &[P::Layanan, P::Asesmen, P::PengungkapanKeMitra]);
    u.step(c, PEKSOS_ANDI, wita(2019, 3, 5, 10, 40), cmd);
    // Refused: a child's consent without a guardian.
    let cmd = consent(u, child, None, &[P::Layanan, P::Asesmen]);
    u.step(c, PEKSOS_ANDI, wita(2019, 3, 5, 10, 45), cmd);
    let cmd = consent(u, child, Some(mother), &[P::Layanan, P::Asesmen]);
    u.step(c, PEKSOS_ANDI, wita(2019, 3, 5, 10, 50), cmd);
    u.step(c, PEKSOS_ANDI, wita(2019, 3, 5, 11, 0), CaseCommand::AgreeContract {});
    u.step(c, PSIKOLOG, wita(2019, 3, 7, 9, 0), CaseCommand::StartAssessment {});
    u.step(
        c,
        PSIKOLOG,
        wita(2019, 3, 12, 14, 0),
        CaseCommand::CompleteAssessment {
            problems: vec![Problem::Kdrt, Problem::KekerasanAnak],
            risk: RiskLevel::Tinggi,
        },
    );
    let (cmd, items) = plan(u, &[ServiceKind::Konseling, ServiceKind::Advokasi, ServiceKind::Rujukan]);
    u.step(c, PEKSOS_ANDI, wita(2019, 3, 13, 9, 0), cmd);
    // Refused: a social worker cannot approve a plan.
    let approve = approve_current(u, c);
    u.step(c, PEKSOS_ANDI, wita(2019, 3, 13, 9, 5), approve.clone());
    u.step(c, KETUA, wita(2019, 3, 14, 8, 0), approve);
    u.step(c, KONSELOR, wita(2019, 4, 18, 15, 0), CaseCommand::FinishPlannedService { item_id: items[0] });
    u.step(c, PEKSOS_ANDI, wita(2019, 4, 25, 11, 0), CaseCommand::FinishPlannedService { item_id: items[1] });
    // Refused: the referral line is still open.
    u.step(c, PEKSOS_ANDI, wita(2019, 4, 26, 9, 0), CaseCommand::BeginEvaluation {});
    u.step(c, PEKSOS_ANDI, wita(2019, 5, 2, 10, 0), CaseCommand::FinishPlannedService { item_id: items[2] });
    u.step(c, PEKSOS_ANDI, wita(2019, 5, 3, 9, 0), CaseCommand::BeginEvaluation {});
    u.step(
        c,
        PEKSOS_ANDI,
        wita(2019, 5, 20, 9, 0),
        CaseCommand::Terminate { reason: TerminationReason::TujuanTercapai },
    );
    u.step(c, PEKSOS_ANDI, wita(2019, 5, 21, 9, 0), CaseCommand::StartAftercare {});
    u.step(c, KETUA, wita(2019, 8, 20, 9, 0), CaseCommand::ApproveClosure {});
}

/// A walk-in asking about maintenance after divorce: one konsultasi, closed on the spot.
fn one_off(u: &mut Unit) {
    let c = u.open(
        "Konsultasi sekali: nafkah anak setelah cerai",
        SEKRETARIS,
        wita(2019, 3, 11, 10, 0),
        ContactChannel::DatangLangsung,
        Sasaran::Individu,
    );
    u.step(
        c,
        KONSELOR,
        wita(2019, 3, 11, 10, 20),
        CaseCommand::ResolveOnSpot { service: ServiceKind::Konsultasi, problems: vec![Problem::Perceraian] },
    );
}

/// A family conflict, closed, then reopened when it flares up again.
fn reopened(u: &mut Unit) {
    let c = u.open(
        "Konflik rumah tangga, dibuka kembali",
        SEKRETARIS,
        wita(2019, 1, 14, 9, 0),
        ContactChannel::DatangLangsung,
        Sasaran::Keluarga,
    );
    let wife = u.client(wita(2019, 1, 14, 9, 0));
    let husband = u.client(wita(2019, 1, 14, 9, 0));
    u.step(
        c,
        SEKRETARIS,
        wita(2019, 1, 14, 9, 10),
        CaseCommand::Register {
            clients: vec![
                CaseClient { client_id: wife, minor: false },
                CaseClient { client_id: husband, minor: false },
            ],
            problems: vec![Problem::KonflikKeluarga, Problem::Perselingkuhan],
        },
    );
    u.step(c, PEKSOS_SARI, wita(2019, 1, 15, 9, 0), CaseCommand::StartEngagement {});
    for client in [wife, husband] {
        let cmd = consent(u, client, None, &[P::Layanan, P::Asesmen]);
        u.step(c, PEKSOS_SARI, wita(2019, 1, 15, 9, 30), cmd);
    }
    u.step(c, PEKSOS_SARI, wita(2019, 1, 15, 10, 0), CaseCommand::AgreeContract {});
    u.step(c, PEKSOS_SARI, wita(2019, 1, 17, 9, 0), CaseCommand::StartAssessment {});
    u.step(
        c,
        PEKSOS_SARI,
        wita(2019, 1, 22, 9, 0),
        CaseCommand::CompleteAssessment { problems: vec![Problem::KonflikKeluarga], risk: RiskLevel::Sedang },
    );
    let (cmd, items) = plan(u, &[ServiceKind::Konseling]);
    u.step(c, PEKSOS_SARI, wita(2019, 1, 23, 9, 0), cmd);
    let approve = approve_current(u, c);
    u.step(c, KETUA, wita(2019, 1, 24, 9, 0), approve);
    u.step(c, KONSELOR, wita(2019, 2, 28, 16, 0), CaseCommand::FinishPlannedService { item_id: items[0] });
    u.step(c, PEKSOS_SARI, wita(2019, 3, 1, 9, 0), CaseCommand::BeginEvaluation {});
    u.step(
        c,
        PEKSOS_SARI,
        wita(2019, 3, 4, 9, 0),
        CaseCommand::Terminate { reason: TerminationReason::TujuanTercapai },
    );
    // Refused: the secretary cannot approve a closure.
    u.step(c, SEKRETARIS, wita(2019, 3, 4, 9, 30), CaseCommand::ApproveClosure {});
    u.step(c, KETUA, wita(2019, 3, 5, 9, 0), CaseCommand::ApproveClosure {});
    // Three months later the conflict flares up again: the client now counts as continuing.
    u.step(c, PEKSOS_SARI, wita(2019, 6, 10, 9, 0), CaseCommand::Reopen { reason: ReopenReason::Kambuh });
}

/// A community report that turns out not to be for the LK3.
fn declined(u: &mut Unit) {
    let c = u.open(
        "Laporan RT: bukan lingkup LK3",
        RELAWAN,
        wita(2019, 2, 6, 16, 0),
        ContactChannel::LaporanMasyarakat,
        Sasaran::Individu,
    );
    let person = u.client(wita(2019, 2, 7, 9, 0));
    u.step(
        c,
        SEKRETARIS,
        wita(2019, 2, 7, 9, 0),
        CaseCommand::Register {
            clients: vec![CaseClient { client_id: person, minor: false }],
            problems: vec![Problem::Lainnya],
        },
    );
    u.step(c, PEKSOS_SARI, wita(2019, 2, 8, 10, 0), CaseCommand::StartEngagement {});
    u.step(
        c,
        PEKSOS_SARI,
        wita(2019, 2, 8, 11, 0),
        CaseCommand::DeclineService { reason: RefusalReason::DiLuarLingkup },
    );
}

/// A client who moves away during the assessment.
fn moved(u: &mut Unit) {
    let c = u.open(
        "Anak putus sekolah, klien pindah",
        SEKRETARIS,
        wita(2019, 4, 1, 13, 0),
        ContactChannel::RujukanMasuk,
        Sasaran::Keluarga,
    );
    let parent = u.client(wita(2019, 4, 1, 13, 0));
    let child = u.client(wita(2019, 4, 1, 13, 0));
    u.step(
        c,
        SEKRETARIS,
        wita(2019, 4, 1, 13, 10),
        CaseCommand::Register {
            clients: vec![CaseClient { client_id: parent, minor: false }, CaseClient { client_id: child, minor: true }],
            problems: vec![Problem::PenelantaranAnak],
        },
    );
    u.step(c, PEKSOS_ANDI, wita(2019, 4, 2, 9, 0), CaseCommand::StartEngagement {});
    let cmd = consent(u, parent, None, &[P::Layanan]);
    u.step(c, PEKSOS_ANDI, wita(2019, 4, 2, 9, 30), cmd);
    let cmd = consent(u, child, Some(parent), &[P::Layanan]);
    u.step(c, PEKSOS_ANDI, wita(2019, 4, 2, 9, 35), cmd);
    u.step(c, PEKSOS_ANDI, wita(2019, 4, 2, 10, 0), CaseCommand::AgreeContract {});
    u.step(c, PEKSOS_ANDI, wita(2019, 4, 4, 9, 0), CaseCommand::StartAssessment {});
    // Refused: "goals met" is not a reason before an evaluation.
    u.step(
        c,
        PEKSOS_ANDI,
        wita(2019, 4, 20, 9, 0),
        CaseCommand::Terminate { reason: TerminationReason::TujuanTercapai },
    );
    u.step(c, KETUA, wita(2019, 4, 20, 9, 5), CaseCommand::Terminate { reason: TerminationReason::Pindah });
    // Refused: the ketua terminated, so someone else must approve the closure ...
    u.step(c, KETUA, wita(2019, 4, 22, 9, 0), CaseCommand::ApproveClosure {});
    // ... the penanggung jawab does.
    u.step(c, PJ, wita(2019, 4, 23, 9, 0), CaseCommand::ApproveClosure {});
}

/// The document `--export` writes for each case.
#[derive(Serialize)]
struct CaseDocument<'a> {
    document: &'static str,
    version: u32,
    case: &'a Case,
    events: &'a [CaseEventRecord],
}

fn export(dir: &Path, cases: &[DemoCase]) -> Result<usize, CliError> {
    std::fs::create_dir_all(dir).map_err(|source| CliError::Io { path: dir.to_owned(), source })?;
    for c in cases {
        let name = c.case.case_number().map_or_else(|| "case".to_owned(), |n| n.to_string().replace('/', "_"));
        let path = dir.join(format!("{name}.json"));
        let doc = CaseDocument { document: "lk3.case", version: 1, case: &c.case, events: &c.events };
        let mut json =
            serde_json::to_string_pretty(&doc).map_err(|source| CliError::Json { what: name.clone(), source })?;
        json.push('\n');
        std::fs::write(&path, json).map_err(|source| CliError::Io { path, source })?;
    }
    Ok(cases.len())
}

/// Runs the demo.
pub fn run(options: &Options) -> Result<(), CliError> {
    let mut unit = Unit::new(options.seed);
    kdrt(&mut unit);
    one_off(&mut unit);
    reopened(&mut unit);
    declined(&mut unit);
    moved(&mut unit);
    let scripted = unit.cases.len();
    let synthetic = synthetic::generate(&mut unit, options.cases);

    let mut out = std::io::stdout().lock();
    render::header(&mut out, &unit).map_err(io_stdout)?;
    for c in &unit.cases[..scripted] {
        render::timeline(&mut out, &unit, c).map_err(io_stdout)?;
    }
    render::summary(&mut out, &unit.cases[..scripted]).map_err(io_stdout)?;
    if let Some(stats) = synthetic {
        render::synthetic(&mut out, &stats).map_err(io_stdout)?;
    }
    if let Some(dir) = &options.export {
        let n = export(dir, &unit.cases)?;
        use std::io::Write;
        writeln!(out, "\nExported {n} case documents to {}", dir.display()).map_err(io_stdout)?;
    }
    Ok(())
}

fn io_stdout(source: std::io::Error) -> CliError {
    CliError::Io { path: PathBuf::from("<stdout>"), source }
}
