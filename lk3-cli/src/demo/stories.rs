//! The stories of the demo, in the order they are printed.

use chrono::Duration;
use lk3_core::case::{
    Aid, CaseClient, CaseCommand, Consent, ConsentForm, ExternalReference, IncomingReferral, PlanItem, RiskLevel,
};
use lk3_core::ids::{AidId, ClientId, ConsentId, OutreachId, PartnerId, ReferralId, ServiceId, Sex};
use lk3_core::outreach::{CaseLink, OutreachCommand, ReporterKind};
use lk3_core::partner::{
    Partner, PartnerKind, PartnerLocation, PartnerLocationKind, PartnerService, PartnerServiceStatus, Slug,
};
use lk3_core::service::{ParticipantCount, PartnerFeedback, ReferralDraft, ReferralRequest, ServiceCommand};
use lk3_core::vocab::{
    AdvocacyAction, AidItem, ConsentPurpose as P, ContactChannel, EmergencyReason, FeedbackOutcome, FundingSource,
    Problem, ProtectivePartner, ReferralPriority, RefusalReason, ReopenReason, Sasaran, ServiceKind, ServiceReason,
    TerminationReason,
};

use super::unit::{BENDAHARA, MITRA_LBH, PJ};
use super::{KETUA, KONSELOR, PEKSOS_ANDI, PEKSOS_SARI, PSIKOLOG, RELAWAN, SEKRETARIS, Unit, approve_current, wita};

/// Every story, in order.
pub fn all(u: &mut Unit) {
    kdrt(u);
    one_off(u);
    sosialisasi(u);
    aid(u);
    reopened(u);
    declined(u);
    moved(u);
    refused_referral(u);
    outreach(u);
    before_the_change(u);
}

/// The unit's partner network (jejaring) in Bontang.
pub fn partner_network(u: &mut Unit) {
    let at = wita(2019, 1, 2, 8, 0);
    let add = |u: &mut Unit, name: &str, kind: PartnerKind, service: (&str, &str), emergency: bool| {
        let partner_id = PartnerId::new_v7(at, u.seed());
        let partner = Partner {
            partner_id,
            unit: u.code,
            name: name.to_owned(),
            kind,
            services: vec![PartnerService {
                service_id: service.0.to_owned(),
                name: service.1.to_owned(),
                status: PartnerServiceStatus::Aktif,
            }],
            locations: vec![PartnerLocation {
                location_id: "kantor".to_owned(),
                kode_wilayah: "64.74".parse().ok(),
                address: None,
                kind: PartnerLocationKind::Fisik,
            }],
            accepts_referrals: true,
            emergency_line: emergency,
            capacity: None,
        };
        // The names and slugs above are valid; a refusal here would be a bug in the demo.
        u.partners.insert(partner).map(|_| partner_id).ok()
    };
    u.network.rsud =
        add(u, "RSUD Taman Husada Bontang", PartnerKind::RumahSakit, ("igd", "Instalasi gawat darurat"), true);
    u.network.polres_uppa =
        add(u, "Unit PPA Polres Bontang", PartnerKind::PolisiUppa, ("laporan-kekerasan", "Pengaduan kekerasan"), true);
    u.network.uptd_ppa =
        add(u, "UPTD PPA Kota Bontang", PartnerKind::UptdPpa, ("pendampingan-korban", "Pendampingan korban"), true);
    u.network.lbh = add(u, "LBH Bontang", PartnerKind::LbhPosbakum, ("bantuan-hukum", "Bantuan hukum"), false);
    u.network.posbakum = add(
        u,
        "Posbakum Pengadilan Agama Bontang",
        PartnerKind::LbhPosbakum,
        ("konsultasi-hukum", "Konsultasi hukum"),
        false,
    );
    u.network.baznas =
        add(u, "Baznas Kota Bontang", PartnerKind::BaznasLaz, ("bantuan-mustahik", "Bantuan bagi mustahik"), false);
    u.network.puskesmas = add(
        u,
        "Puskesmas Bontang Utara I",
        PartnerKind::Puskesmas,
        ("layanan-ktpa", "Layanan korban kekerasan"),
        false,
    );
}

fn consent(
    u: &mut Unit,
    subject: ClientId,
    guardian: Option<ClientId>,
    purposes: &[P],
    disclose_to: &[Option<PartnerId>],
) -> CaseCommand {
    let at = wita(2019, 1, 1, 0, 0);
    CaseCommand::RecordConsent {
        consent: Consent {
            consent_id: ConsentId::new_v7(at, u.seed()),
            disclose_to: disclose_to.iter().flatten().copied().collect(),
            form: ConsentForm::Tertulis,
            guardian,
            purposes: purposes.to_vec(),
            subject,
        },
    }
}

fn plan(u: &mut Unit, services: &[(ServiceKind, Option<PartnerId>)]) -> (CaseCommand, Vec<ServiceId>) {
    let at = wita(2019, 1, 1, 0, 0);
    let items: Vec<PlanItem> = services
        .iter()
        .map(|(s, partner_id)| PlanItem {
            partner_id: *partner_id,
            service: *s,
            service_id: ServiceId::new_v7(at, u.seed()),
        })
        .collect();
    let ids = items.iter().map(|i| i.service_id).collect();
    (CaseCommand::ProposePlan { items }, ids)
}

fn step(service_id: ServiceId, step: ServiceCommand) -> CaseCommand {
    CaseCommand::ServiceStep { service_id, step }
}

/// (b) KDRT: a night hotline call, an emergency referral to the police before
/// any consent, the full lifecycle with counselling, advocacy and a closed-loop
/// referral to the UPTD PPA.
fn kdrt(u: &mut Unit) {
    let net = (u.network.polres_uppa, u.network.uptd_ppa);
    let c = u.open(
        "KDRT: ibu dan anak, rujukan darurat ke UPPA",
        RELAWAN,
        wita(2019, 3, 4, 21, 15),
        ContactChannel::TeleponHotline,
        Sasaran::Keluarga,
    );
    let referral_id = ReferralId::new_v7(wita(2019, 3, 4, 21, 40), u.seed());
    u.step(
        c,
        PEKSOS_ANDI,
        wita(2019, 3, 4, 21, 40),
        CaseCommand::SendProtectiveReferral {
            referral_id,
            partner: ProtectivePartner::PolisiUppa,
            partner_id: net.0,
            reason: EmergencyReason::KekerasanBerlanjut,
        },
    );
    // The police phone back that night: the worker records their answer for
    // them; the ketua reviews the override in the morning, and the UPPA's
    // report of the child's safe placement closes the emergency loop.
    let protective = |step| CaseCommand::ProtectiveReferralStep { referral_id, step };
    u.step(c, PEKSOS_ANDI, wita(2019, 3, 4, 22, 5), protective(ServiceCommand::Accept {}));
    u.step(c, KETUA, wita(2019, 3, 5, 7, 45), protective(ServiceCommand::ApproveOverride {}));
    let mother = u.person(wita(2019, 3, 5, 8, 30), "Ibu N. (demo)", Sex::Perempuan, (1988, 6, 12), "64.74.02.1004");
    let child = u.person(wita(2019, 3, 5, 8, 30), "Anak N. (demo)", Sex::LakiLaki, (2011, 4, 3), "64.74.02.1004");
    u.step(
        c,
        SEKRETARIS,
        wita(2019, 3, 5, 8, 30),
        CaseCommand::Register {
            clients: vec![
                CaseClient { client_id: mother, minor: false, role: None },
                CaseClient { client_id: child, minor: true, role: None },
            ],
            problems: vec![Problem::Kdrt],
        },
    );
    u.step(c, PEKSOS_ANDI, wita(2019, 3, 5, 10, 0), CaseCommand::StartEngagement {});
    // Refused: assessment before the service agreement; the agreement before consent.
    u.step(c, PEKSOS_ANDI, wita(2019, 3, 5, 10, 30), CaseCommand::StartAssessment {});
    u.step(c, PEKSOS_ANDI, wita(2019, 3, 5, 10, 35), CaseCommand::AgreeContract {});
    let cmd = consent(u, mother, None, &[P::Layanan, P::Asesmen, P::PengungkapanKeMitra], &[net.0, net.1]);
    u.step(c, PEKSOS_ANDI, wita(2019, 3, 5, 10, 40), cmd);
    // Refused: a child's consent without a guardian.
    let cmd = consent(u, child, None, &[P::Layanan, P::Asesmen], &[]);
    u.step(c, PEKSOS_ANDI, wita(2019, 3, 5, 10, 45), cmd);
    let cmd = consent(u, child, Some(mother), &[P::Layanan, P::Asesmen, P::PengungkapanKeMitra], &[net.0, net.1]);
    u.step(c, PEKSOS_ANDI, wita(2019, 3, 5, 10, 50), cmd);
    u.step(c, PEKSOS_ANDI, wita(2019, 3, 5, 11, 0), CaseCommand::AgreeContract {});
    let feedback = PartnerFeedback { note_digest: None, outcome: FeedbackOutcome::Tertangani };
    u.step(c, PEKSOS_ANDI, wita(2019, 3, 7, 8, 0), protective(ServiceCommand::Complete { feedback: Some(feedback) }));
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
    let (cmd, ids) =
        plan(u, &[(ServiceKind::Konseling, None), (ServiceKind::Advokasi, None), (ServiceKind::Rujukan, net.1)]);
    let (konseling, advokasi, rujukan) = (ids[0], ids[1], ids[2]);
    u.step(c, PEKSOS_ANDI, wita(2019, 3, 13, 9, 0), cmd);
    // Refused: a social worker cannot approve a plan.
    let approve = approve_current(u, c);
    u.step(c, PEKSOS_ANDI, wita(2019, 3, 13, 9, 5), approve.clone());
    u.step(c, KETUA, wita(2019, 3, 14, 8, 0), approve);
    // The referral to the UPTD PPA: sent with both clients' consent to disclose to it.
    u.step(
        c,
        PEKSOS_ANDI,
        wita(2019, 3, 14, 10, 0),
        step(rujukan, ServiceCommand::Send { response_deadline: None, emergency: None, request: Default::default() }),
    );
    u.step(c, PEKSOS_ANDI, wita(2019, 3, 15, 9, 0), step(rujukan, ServiceCommand::Accept {}));
    u.step(c, PEKSOS_ANDI, wita(2019, 3, 18, 9, 0), step(rujukan, ServiceCommand::Process {}));
    for (day, session) in [(19, 1), (26, 2), (2, 3)] {
        let month = if session == 3 { 4 } else { 3 };
        u.step(c, KONSELOR, wita(2019, month, day, 15, 0), step(konseling, ServiceCommand::HoldSession {}));
    }
    u.step(c, KONSELOR, wita(2019, 4, 18, 15, 0), step(konseling, ServiceCommand::Complete { feedback: None }));
    u.step(c, PEKSOS_ANDI, wita(2019, 4, 18, 16, 0), step(advokasi, ServiceCommand::Start {}));
    u.step(
        c,
        PEKSOS_ANDI,
        wita(2019, 4, 20, 10, 0),
        step(advokasi, ServiceCommand::RecordAction { action: AdvocacyAction::PendampinganKeInstansi }),
    );
    u.step(
        c,
        PEKSOS_ANDI,
        wita(2019, 4, 24, 10, 0),
        step(advokasi, ServiceCommand::RecordAction { action: AdvocacyAction::Mediasi }),
    );
    u.step(c, PEKSOS_ANDI, wita(2019, 4, 25, 11, 0), step(advokasi, ServiceCommand::Succeed {}));
    // Refused: the referral is still open at the UPTD PPA.
    u.step(c, PEKSOS_ANDI, wita(2019, 4, 26, 9, 0), CaseCommand::BeginEvaluation {});
    // Refused: a referral is completed only with the partner's feedback.
    u.step(c, PEKSOS_ANDI, wita(2019, 5, 2, 9, 0), step(rujukan, ServiceCommand::Complete { feedback: None }));
    let feedback = PartnerFeedback { note_digest: None, outcome: FeedbackOutcome::Tertangani };
    u.step(
        c,
        PEKSOS_ANDI,
        wita(2019, 5, 2, 10, 0),
        step(rujukan, ServiceCommand::Complete { feedback: Some(feedback) }),
    );
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
        CaseCommand::ResolveOnSpot {
            service: ServiceKind::Konsultasi,
            problems: vec![Problem::Perceraian],
            participants: vec![],
        },
    );
}

/// A consultation of 2017, before Permensos 25/2017: the same unit's case is
/// opened under 16/2013, the rule set in force on its local date, and stays
/// under it; the 2019 cases are under 25/2017. Nobody names a rule set.
fn before_the_change(u: &mut Unit) {
    let c = u.open(
        "Konsultasi 2017 (sebelum Permensos 25/2017): konflik keluarga",
        SEKRETARIS,
        wita(2017, 11, 20, 9, 0),
        ContactChannel::DatangLangsung,
        Sasaran::Keluarga,
    );
    // Pendampingan is a service of 25/2017: refused in a 16/2013 case.
    let service_id = ServiceId::new_v7(wita(2017, 11, 20, 9, 20), u.seed());
    u.step(
        c,
        KONSELOR,
        wita(2017, 11, 20, 9, 20),
        CaseCommand::OpenService { service_id, kind: ServiceKind::Pendampingan, referral: None },
    );
    u.step(
        c,
        KONSELOR,
        wita(2017, 11, 20, 9, 25),
        CaseCommand::ResolveOnSpot {
            service: ServiceKind::Konsultasi,
            problems: vec![Problem::KonflikKeluarga],
            participants: vec![],
        },
    );
}

/// (d) Sosialisasi to students and RT heads, recorded as group informasi with counts.
fn sosialisasi(u: &mut Unit) {
    let c = u.open(
        "Sosialisasi LK3 ke pelajar dan ketua RT",
        SEKRETARIS,
        wita(2019, 4, 10, 9, 0),
        ContactChannel::DatangLangsung,
        Sasaran::Kelompok,
    );
    // Refused: a group informasi needs its participant counts.
    u.step(
        c,
        PEKSOS_SARI,
        wita(2019, 4, 10, 11, 0),
        CaseCommand::ResolveOnSpot {
            service: ServiceKind::Informasi,
            problems: vec![Problem::PerkawinanAnak, Problem::KekerasanSeksual],
            participants: vec![],
        },
    );
    u.step(
        c,
        PEKSOS_SARI,
        wita(2019, 4, 10, 11, 5),
        CaseCommand::ResolveOnSpot {
            service: ServiceKind::Informasi,
            problems: vec![Problem::PerkawinanAnak, Problem::KekerasanSeksual],
            participants: vec![
                ParticipantCount { count: 120, sasaran: Sasaran::Kelompok },
                ParticipantCount { count: 35, sasaran: Sasaran::Masyarakat },
            ],
        },
    );
}

/// (a) Bontang 2019: two blind clients receive glasses and sembako from
/// Baznas, three stroke clients receive wheelchairs from the DPA budget.
fn aid(u: &mut Unit) {
    let c = u.open(
        "Bantuan: kacamata, sembako, kursi roda",
        SEKRETARIS,
        wita(2019, 2, 11, 9, 0),
        ContactChannel::LaporanMasyarakat,
        Sasaran::Kelompok,
    );
    // Two blind clients (glasses, sembako) and three after a stroke (wheelchairs).
    let people = [
        ("Bapak A. (demo)", Sex::LakiLaki, (1957, 2, 1), "64.74.01.1002"),
        ("Ibu B. (demo)", Sex::Perempuan, (1962, 8, 17), "64.74.01.1002"),
        ("Bapak C. (demo)", Sex::LakiLaki, (1950, 5, 5), "64.74.03.1001"),
        ("Ibu D. (demo)", Sex::Perempuan, (1955, 11, 30), "64.74.03.1003"),
        ("Bapak E. (demo)", Sex::LakiLaki, (1948, 1, 20), "64.74.02.1001"),
    ];
    let clients: Vec<ClientId> = people
        .iter()
        .map(|(name, sex, born, home)| u.person(wita(2019, 2, 11, 9, 0), name, *sex, *born, home))
        .collect();
    u.step(
        c,
        SEKRETARIS,
        wita(2019, 2, 11, 9, 30),
        CaseCommand::Register {
            clients: clients.iter().map(|id| CaseClient { client_id: *id, minor: false, role: None }).collect(),
            problems: vec![Problem::Disabilitas, Problem::SakitMemerlukanBantuan, Problem::Kemiskinan],
        },
    );
    u.step(c, PEKSOS_SARI, wita(2019, 2, 12, 9, 0), CaseCommand::StartEngagement {});
    for id in &clients {
        let cmd = consent(u, *id, None, &[P::Layanan, P::Asesmen], &[]);
        u.step(c, PEKSOS_SARI, wita(2019, 2, 12, 10, 0), cmd);
    }
    u.step(c, PEKSOS_SARI, wita(2019, 2, 12, 11, 0), CaseCommand::AgreeContract {});
    u.step(c, PEKSOS_SARI, wita(2019, 2, 14, 9, 0), CaseCommand::StartAssessment {});
    u.step(
        c,
        PEKSOS_SARI,
        wita(2019, 2, 18, 9, 0),
        CaseCommand::CompleteAssessment {
            problems: vec![Problem::Disabilitas, Problem::SakitMemerlukanBantuan],
            risk: RiskLevel::Sedang,
        },
    );
    let (cmd, ids) = plan(u, &[(ServiceKind::Advokasi, None)]);
    u.step(c, PEKSOS_SARI, wita(2019, 2, 19, 9, 0), cmd);
    let approve = approve_current(u, c);
    u.step(c, KETUA, wita(2019, 2, 20, 9, 0), approve);
    u.step(c, PEKSOS_SARI, wita(2019, 2, 21, 9, 0), step(ids[0], ServiceCommand::Start {}));
    u.step(
        c,
        PEKSOS_SARI,
        wita(2019, 2, 25, 9, 0),
        step(ids[0], ServiceCommand::RecordAction { action: AdvocacyAction::Surat }),
    );
    let given_on = wita(2019, 4, 8, 10, 0).with_timezone(&u.tz).date_naive();
    let handouts = [
        (0, AidItem::Kacamata, FundingSource::Baznas),
        (0, AidItem::Sembako, FundingSource::Baznas),
        (1, AidItem::Kacamata, FundingSource::Baznas),
        (1, AidItem::Sembako, FundingSource::Baznas),
        (2, AidItem::KursiRoda, FundingSource::ApbdDpa),
        (3, AidItem::KursiRoda, FundingSource::ApbdDpa),
        (4, AidItem::KursiRoda, FundingSource::ApbdDpa),
    ];
    // Refused: aid of zero items.
    let zero = Aid {
        aid_id: AidId::new_v7(wita(2019, 4, 8, 10, 0), u.seed()),
        funding: FundingSource::Baznas,
        given_on,
        item: AidItem::Sembako,
        quantity: 0,
        recipient: clients[0],
    };
    u.step(c, BENDAHARA, wita(2019, 4, 8, 10, 0), CaseCommand::RecordAid { aid: zero });
    for (i, (who, item, funding)) in handouts.into_iter().enumerate() {
        let at = wita(2019, 4, 8, 10, 5) + Duration::minutes(i as i64);
        let aid =
            Aid { aid_id: AidId::new_v7(at, u.seed()), funding, given_on, item, quantity: 1, recipient: clients[who] };
        u.step(c, BENDAHARA, at, CaseCommand::RecordAid { aid });
    }
    u.step(c, PEKSOS_SARI, wita(2019, 4, 9, 9, 0), step(ids[0], ServiceCommand::Succeed {}));
    u.step(c, PEKSOS_SARI, wita(2019, 4, 10, 9, 0), CaseCommand::BeginEvaluation {});
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
    let wife = u.person(wita(2019, 1, 14, 9, 0), "Ibu F. (demo)", Sex::Perempuan, (1985, 3, 3), "64.74.03.1002");
    let husband = u.person(wita(2019, 1, 14, 9, 0), "Bapak F. (demo)", Sex::LakiLaki, (1982, 9, 9), "64.74.03.1002");
    u.step(
        c,
        SEKRETARIS,
        wita(2019, 1, 14, 9, 10),
        CaseCommand::Register {
            clients: vec![
                CaseClient { client_id: wife, minor: false, role: None },
                CaseClient { client_id: husband, minor: false, role: None },
            ],
            problems: vec![Problem::KonflikKeluarga, Problem::Perselingkuhan],
        },
    );
    u.step(c, PEKSOS_SARI, wita(2019, 1, 15, 9, 0), CaseCommand::StartEngagement {});
    for client in [wife, husband] {
        let cmd = consent(u, client, None, &[P::Layanan, P::Asesmen], &[]);
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
    let (cmd, ids) = plan(u, &[(ServiceKind::Konseling, None), (ServiceKind::Konsultasi, None)]);
    u.step(c, PEKSOS_SARI, wita(2019, 1, 23, 9, 0), cmd);
    let approve = approve_current(u, c);
    u.step(c, KETUA, wita(2019, 1, 24, 9, 0), approve);
    u.step(c, KONSELOR, wita(2019, 1, 30, 16, 0), step(ids[0], ServiceCommand::HoldSession {}));
    // Postponed while the husband works offshore, then resumed.
    u.step(
        c,
        KONSELOR,
        wita(2019, 2, 1, 16, 0),
        step(ids[0], ServiceCommand::Postpone { reason: ServiceReason::KeadaanKlienBerubah }),
    );
    u.step(c, KONSELOR, wita(2019, 2, 20, 16, 0), step(ids[0], ServiceCommand::Resume {}));
    u.step(c, KONSELOR, wita(2019, 2, 27, 16, 0), step(ids[0], ServiceCommand::HoldSession {}));
    u.step(c, KONSELOR, wita(2019, 2, 28, 16, 0), step(ids[0], ServiceCommand::Complete { feedback: None }));
    u.step(c, PEKSOS_SARI, wita(2019, 2, 28, 17, 0), step(ids[1], ServiceCommand::MarkNoShow {}));
    u.step(
        c,
        PEKSOS_SARI,
        wita(2019, 2, 28, 17, 5),
        step(ids[1], ServiceCommand::Cancel { reason: ServiceReason::TidakDiperlukanLagi }),
    );
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
    let person = u.person(wita(2019, 2, 7, 9, 0), "Bapak G. (demo)", Sex::LakiLaki, (1979, 12, 12), "64.74.01.1003");
    u.step(
        c,
        SEKRETARIS,
        wita(2019, 2, 7, 9, 0),
        CaseCommand::Register {
            clients: vec![CaseClient { client_id: person, minor: false, role: None }],
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
    // Refused: a case closed without service cannot be reopened.
    u.step(c, PEKSOS_SARI, wita(2019, 5, 8, 11, 0), CaseCommand::Reopen { reason: ReopenReason::LaporanBaru });
}

/// A client who moves away during the assessment.
fn moved(u: &mut Unit) {
    // Referred by the UPTD PPA, under its own letter number.
    let referral = u
        .network
        .uptd_ppa
        .map(|partner_id| IncomingReferral { partner_id, reference: ExternalReference::parse("B/045/PPA/IV/2019") });
    let c = match referral {
        Some(referral) => u.open_referred(
            "Anak putus sekolah, klien pindah",
            SEKRETARIS,
            wita(2019, 4, 1, 13, 0),
            Sasaran::Keluarga,
            referral,
        ),
        None => u.open(
            "Anak putus sekolah, klien pindah",
            SEKRETARIS,
            wita(2019, 4, 1, 13, 0),
            ContactChannel::RujukanMasuk,
            Sasaran::Keluarga,
        ),
    };
    let parent = u.person(wita(2019, 4, 1, 13, 0), "Ibu H. (demo)", Sex::Perempuan, (1990, 1, 15), "64.74.02.1001");
    let child = u.person(wita(2019, 4, 1, 13, 0), "Anak H. (demo)", Sex::Perempuan, (2009, 7, 7), "64.74.02.1001");
    u.step(
        c,
        SEKRETARIS,
        wita(2019, 4, 1, 13, 10),
        CaseCommand::Register {
            clients: vec![
                CaseClient { client_id: parent, minor: false, role: None },
                CaseClient { client_id: child, minor: true, role: None },
            ],
            problems: vec![Problem::PenelantaranAnak],
        },
    );
    u.step(c, PEKSOS_ANDI, wita(2019, 4, 2, 9, 0), CaseCommand::StartEngagement {});
    let cmd = consent(u, parent, None, &[P::Layanan, P::Asesmen], &[]);
    u.step(c, PEKSOS_ANDI, wita(2019, 4, 2, 9, 30), cmd);
    let cmd = consent(u, child, Some(parent), &[P::Layanan, P::Asesmen], &[]);
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

/// (e) A referral refused by the partner, re-sent elsewhere; the second
/// partner has not answered by the end of the year: the referral is overdue.
fn refused_referral(u: &mut Unit) {
    let (lbh, posbakum) = (u.network.lbh, u.network.posbakum);
    let c = u.open(
        "Sengketa hak asuh: rujukan hukum ditolak, dikirim ulang",
        SEKRETARIS,
        wita(2019, 9, 2, 9, 0),
        ContactChannel::DatangLangsung,
        Sasaran::Individu,
    );
    let mother = u.person(wita(2019, 9, 2, 9, 0), "Ibu J. (demo)", Sex::Perempuan, (1993, 5, 20), "64.74.01.1001");
    u.step(
        c,
        SEKRETARIS,
        wita(2019, 9, 2, 9, 10),
        CaseCommand::Register {
            clients: vec![CaseClient { client_id: mother, minor: false, role: None }],
            problems: vec![Problem::Perceraian],
        },
    );
    u.step(c, PEKSOS_ANDI, wita(2019, 9, 3, 9, 0), CaseCommand::StartEngagement {});
    let cmd = consent(u, mother, None, &[P::Layanan, P::Asesmen, P::PengungkapanKeMitra], &[lbh]);
    u.step(c, PEKSOS_ANDI, wita(2019, 9, 3, 9, 30), cmd);
    u.step(c, PEKSOS_ANDI, wita(2019, 9, 3, 10, 0), CaseCommand::AgreeContract {});
    u.step(c, PEKSOS_ANDI, wita(2019, 9, 5, 9, 0), CaseCommand::StartAssessment {});
    u.step(
        c,
        PEKSOS_ANDI,
        wita(2019, 9, 9, 9, 0),
        CaseCommand::CompleteAssessment { problems: vec![Problem::Perceraian], risk: RiskLevel::Rendah },
    );
    let (cmd, ids) = plan(u, &[(ServiceKind::Rujukan, lbh)]);
    u.step(c, PEKSOS_ANDI, wita(2019, 9, 10, 9, 0), cmd);
    let approve = approve_current(u, c);
    u.step(c, KETUA, wita(2019, 9, 11, 9, 0), approve);
    u.step(
        c,
        PEKSOS_ANDI,
        wita(2019, 9, 11, 10, 0),
        step(ids[0], ServiceCommand::Send { response_deadline: None, emergency: None, request: Default::default() }),
    );
    // The LBH's own staff refuse it: no capacity this quarter.
    u.step(
        c,
        MITRA_LBH,
        wita(2019, 9, 12, 14, 0),
        step(ids[0], ServiceCommand::Reject { reason: ServiceReason::KapasitasPenuh }),
    );
    // Re-sent to the Posbakum: refused first, the client has not consented to disclosure to it ...
    let second = ServiceId::new_v7(wita(2019, 9, 13, 9, 0), u.seed());
    u.step(
        c,
        PEKSOS_ANDI,
        wita(2019, 9, 13, 9, 0),
        CaseCommand::OpenService {
            service_id: second,
            kind: ServiceKind::Rujukan,
            referral: posbakum.map(|partner_id| ReferralDraft { partner_id }),
        },
    );
    u.step(
        c,
        PEKSOS_ANDI,
        wita(2019, 9, 13, 9, 5),
        step(second, ServiceCommand::Send { response_deadline: None, emergency: None, request: Default::default() }),
    );
    // ... so she consents first.
    let cmd = consent(u, mother, None, &[P::PengungkapanKeMitra], &[posbakum]);
    u.step(c, PEKSOS_ANDI, wita(2019, 9, 13, 9, 30), cmd);
    let deadline = Some(wita(2019, 9, 20, 16, 0));
    u.step(
        c,
        PEKSOS_ANDI,
        wita(2019, 9, 13, 10, 0),
        step(
            second,
            ServiceCommand::Send {
                response_deadline: deadline,
                emergency: None,
                // Sent instead of the LBH's refused referral, for the Posbakum's legal advice.
                request: ReferralRequest {
                    letter_digest: None,
                    priority: Some(ReferralPriority::Segera),
                    problems: vec![Problem::Perceraian],
                    replaces: Some(ids[0]),
                    service: Slug::parse("konsultasi-hukum"),
                },
            },
        ),
    );
}

/// (c) An RT head reports a neglected older woman; the mobile unit does not
/// find her on the first visit, finds her on the second; she agrees and a
/// case opens.
fn outreach(u: &mut Unit) {
    let at = wita(2019, 7, 1, 9, 0);
    let outreach_id = OutreachId::new_v7(at, u.seed());
    let unit = u.code;
    let o = u.report_outreach(
        "Laporan ketua RT: lansia terlantar",
        SEKRETARIS,
        at,
        OutreachCommand::Report {
            outreach_id,
            unit,
            reported_by: ReporterKind::KetuaRt,
            sasaran: Sasaran::Individu,
            problems: vec![Problem::LansiaTerlantar],
            kode_wilayah: "64.74.01.1001".parse().ok(),
        },
    );
    u.outreach_step(
        o,
        PEKSOS_SARI,
        wita(2019, 7, 1, 11, 0),
        OutreachCommand::Schedule { planned_for: wita(2019, 7, 2, 9, 0), mobile_unit: true },
    );
    u.outreach_step(o, PEKSOS_SARI, wita(2019, 7, 2, 9, 0), OutreachCommand::CarryOut {});
    u.outreach_step(o, PEKSOS_SARI, wita(2019, 7, 2, 11, 0), OutreachCommand::RecordNotFound {});
    u.outreach_step(
        o,
        PEKSOS_SARI,
        wita(2019, 7, 2, 13, 0),
        OutreachCommand::Schedule { planned_for: wita(2019, 7, 4, 8, 0), mobile_unit: true },
    );
    u.outreach_step(o, PEKSOS_SARI, wita(2019, 7, 4, 8, 0), OutreachCommand::CarryOut {});
    let case_id = lk3_core::ids::CaseId::new_v7(wita(2019, 7, 4, 10, 0), u.seed());
    let client_id =
        u.person(wita(2019, 7, 4, 10, 0), "Nenek K. (demo)", Sex::Perempuan, (1941, 10, 10), "64.74.03.1001");
    if u.outreach_step(
        o,
        PEKSOS_SARI,
        wita(2019, 7, 4, 10, 0),
        OutreachCommand::RecordAgreement { case: CaseLink::Opens { case_id }, client_id },
    ) {
        let c = u.open_with_id(
            "Lansia terlantar dari penjangkauan",
            PEKSOS_SARI,
            wita(2019, 7, 4, 10, 5),
            ContactChannel::Penjangkauan,
            Sasaran::Individu,
            case_id,
            None,
        );
        u.step(
            c,
            SEKRETARIS,
            wita(2019, 7, 4, 14, 0),
            CaseCommand::Register {
                clients: vec![CaseClient { client_id, minor: false, role: None }],
                problems: vec![Problem::LansiaTerlantar],
            },
        );
    }
}
