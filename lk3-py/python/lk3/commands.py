"""Typed commands: a ``TypedDict`` for every case command (``CaseCommand``)
and outreach command (``OutreachCommand``), and a ``Literal`` for every
vocabulary, so that a type checker checks a command before the core does::

    from lk3.commands import Terminate

    command: Terminate = {"type": "terminate", "reason": "tujuan_tercapai"}
    store.execute(case_id, command, actor=worker, at=now)

Generated from ``schemas/command.schema.json`` and
``schemas/outreach-command.schema.json`` by ``lk3-py/generate_commands.py``:
do not edit (a test fails when it is not current). Times may be aware
datetimes or RFC 3339 text, dates ``datetime.date`` or ``YYYY-MM-DD``.
What a type cannot say (a rule between two fields, as a planned service
naming a partner only when it is a referral) is the core's to check.
"""

# Generated file: lk3-py/generate_commands.py
from __future__ import annotations

from datetime import date, datetime
from typing import List, Literal, Optional, TypedDict, Union


CaseId = str
"""CaseId: a UUID (v7 when made by lk3)"""


CaseNumber = str
"""case number UNIT/YEAR/SERIAL, e.g. 64.74/2019/0007"""


ContactChannel = Literal[
    "datang_langsung",
    "telepon_hotline",
    "penjangkauan",
    "rujukan_masuk",
    "laporan_masyarakat",
    "media_sosial",
]
"""``datang_langsung``: Datang langsung (Walk-in); ``telepon_hotline``: Telepon / hotline
(Telephone or hotline); ``penjangkauan``: Penjangkauan (Outreach); ``rujukan_masuk``: Rujukan
masuk (Incoming referral); ``laporan_masyarakat``: Laporan masyarakat / RT (Community or RT
report); ``media_sosial``: Media sosial (Social media).
"""


PartnerId = str
"""PartnerId: a UUID (v7 when made by lk3)"""


ExternalReference = str
"""Another organisation's reference for a record"""


class _IncomingReferralRequired(TypedDict):
    partner_id: PartnerId


class IncomingReferral(_IncomingReferralRequired, total=False):
    """The organisation a case was referred by (rujukan masuk): the partner and its own reference
    for the referral, so that the LK3 can answer it (FHIR: the Task the partner is the requester
    of).
    """
    reference: Optional[ExternalReference]
    """The partner's reference for the referral (their letter or Task number)."""


Sasaran = Literal[
    "individu",
    "keluarga",
    "kelompok",
    "organisasi",
    "masyarakat",
]
"""``individu``: Individu (Individual); ``keluarga``: Keluarga (Family); ``kelompok``: Kelompok
(Group); ``organisasi``: Organisasi (Organisation); ``masyarakat``: Masyarakat (Community).
"""


UnitCode = str
"""LK3 unit: province or kab/kota code, optional -SUFFIX"""


class _RecordContactRequired(TypedDict):
    case_id: CaseId
    case_number: CaseNumber
    channel: ContactChannel
    sasaran: Sasaran
    type: Literal["record_contact"]
    unit: UnitCode


class RecordContact(_RecordContactRequired, total=False):
    """Open a case from a contact (kontak / pengaduan)."""
    referred_by: Optional[IncomingReferral]
    """The organisation that referred the case, when another did."""


ClientId = str
"""ClientId: a UUID (v7 when made by lk3)"""


ClientRole = Literal[
    "klien_utama",
    "korban",
    "pelaku",
    "wali",
    "saksi",
    "anggota_keluarga",
]
"""``klien_utama``: Klien utama (Primary client); ``korban``: Korban (Victim); ``pelaku``: Pelaku
(Perpetrator); ``wali``: Wali (Guardian); ``saksi``: Saksi (Witness); ``anggota_keluarga``:
Anggota keluarga (Family member).
"""


class _CaseClientRequired(TypedDict):
    client_id: ClientId
    minor: bool


class CaseClient(_CaseClientRequired, total=False):
    """A client of a case, by registry id. Identity (name, NIK, address) lives in the client
    registry, never in events (DESIGN §7).
    """
    role: Optional[ClientRole]
    """The client's part in the case (a KDRT case's victim and perpetrator are both clients);
    absent from JSON when not given.
    """


Problem = Literal[
    "kdrt",
    "konflik_keluarga",
    "perselingkuhan",
    "perceraian",
    "kekerasan_seksual",
    "kekerasan_anak",
    "penelantaran_anak",
    "anak_berhadapan_hukum",
    "perkawinan_anak",
    "anak_bekerja_di_jalan",
    "kemiskinan",
    "disabilitas",
    "sakit_memerlukan_bantuan",
    "lansia_terlantar",
    "trafficking",
    "napza",
    "perilaku_menyimpang",
    "psikososial_ruhani",
    "lainnya",
]
"""``kdrt``: Kekerasan dalam rumah tangga (Domestic violence); ``konflik_keluarga``: Konflik /
disharmoni keluarga (Family conflict); ``perselingkuhan``: Perselingkuhan (Infidelity);
``perceraian``: Perceraian (Divorce); ``kekerasan_seksual``: Kekerasan / pelecehan seksual
(Sexual violence); ``kekerasan_anak``: Kekerasan terhadap anak (Child abuse);
``penelantaran_anak``: Penelantaran anak (Child neglect); ``anak_berhadapan_hukum``: Anak
berhadapan dengan hukum (Child in conflict with the law); ``perkawinan_anak``: Perkawinan anak
(Child marriage); ``anak_bekerja_di_jalan``: Anak bekerja di jalan (Children working on the
street); ``kemiskinan``: Kemiskinan (Poverty); ``disabilitas``: Disabilitas (Disability);
``sakit_memerlukan_bantuan``: Sakit / stroke memerlukan bantuan (Illness needing aid);
``lansia_terlantar``: Lansia terlantar (Neglected older person); ``trafficking``: Perdagangan
orang (Trafficking); ``napza``: Penyalahgunaan NAPZA (Drug abuse); ``perilaku_menyimpang``:
Perilaku menyimpang (Deviant behaviour); ``psikososial_ruhani``: Masalah psikososial dan ruhani
(Psychosocial and spiritual problems); ``lainnya``: Lainnya (Other).
"""


class _RegisterRequired(TypedDict):
    clients: List[CaseClient]
    type: Literal["register"]


class Register(_RegisterRequired, total=False):
    """Register the case and its clients (by registry id only)."""
    problems: List[Problem]
    """Problems stated at registration."""


class ParticipantCount(TypedDict):
    """How many people of one kind a group service reached (a sosialisasi to students, to RT heads
    ...).
    """
    count: int
    """How many (at least one)."""
    sasaran: Sasaran
    """Who."""


ServiceKind = Literal[
    "informasi",
    "konsultasi",
    "konseling",
    "advokasi",
    "rujukan",
    "penjangkauan",
    "pendampingan",
    "perlindungan",
    "pembelajaran",
]
"""``informasi``: Informasi (Information); ``konsultasi``: Konsultasi (Consultation);
``konseling``: Konseling (Counselling); ``advokasi``: Advokasi (Advocacy); ``rujukan``: Rujukan
(Referral); ``penjangkauan``: Penjangkauan (Outreach); ``pendampingan``: Pendampingan
(Accompaniment); ``perlindungan``: Perlindungan (Protection); ``pembelajaran``: Pembelajaran
(Learning).
"""


class _ResolveOnSpotRequired(TypedDict):
    service: Literal["informasi", "konsultasi"]
    type: Literal["resolve_on_spot"]


class ResolveOnSpot(_ResolveOnSpotRequired, total=False):
    """Close a contact with one informasi or konsultasi."""
    participants: List[ParticipantCount]
    """For a group (kelompok, organisasi, masyarakat): how many people of each kind it reached,
    e.g. a sosialisasi to students and RT heads; each sasaran once.
    """
    problems: List[Problem]
    """What it was about."""


class StartEngagement(TypedDict):
    """Start the first engagement; the actor becomes the case's worker."""
    type: Literal["start_engagement"]


ConsentId = str
"""ConsentId: a UUID (v7 when made by lk3)"""


ConsentForm = Literal[
    "tertulis",
    "terekam",
]
"""``tertulis``: Tertulis (Written); ``terekam``: Terekam (Recorded)."""


ConsentPurpose = Literal[
    "layanan",
    "asesmen",
    "pengungkapan_ke_mitra",
    "statistik",
]
"""``layanan``: Layanan (Services); ``asesmen``: Asesmen (Assessment); ``pengungkapan_ke_mitra``:
Pengungkapan ke mitra (Disclosure to partners); ``statistik``: Statistik (Statistics).
"""


class _ConsentRequired(TypedDict):
    consent_id: ConsentId
    form: ConsentForm
    purposes: List[ConsentPurpose]
    subject: ClientId


class Consent(_ConsentRequired, total=False):
    """A consent record: who consents, for what, with which guardian (DESIGN §7). Fields are in key
    order, as in every event type. When it was given and withdrawn is taken from the events that
    record it.
    """
    disclose_to: List[PartnerId]
    """Partners (registry ids, never names) the subject agrees to disclose to, for
    `pengungkapan_ke_mitra`.
    """
    guardian: Optional[ClientId]
    """The guardian who consents for a child (a client id in the registry)."""


class RecordConsent(TypedDict):
    """Record a consent given now."""
    consent: Consent
    """The consent."""
    type: Literal["record_consent"]


class WithdrawConsent(TypedDict):
    """Withdraw a consent from now on."""
    consent_id: ConsentId
    """Which consent."""
    type: Literal["withdraw_consent"]


class AgreeContract(TypedDict):
    """Make the service agreement."""
    type: Literal["agree_contract"]


RefusalReason = Literal[
    "tidak_memenuhi_syarat",
    "klien_menolak",
    "di_luar_lingkup",
]
"""``tidak_memenuhi_syarat``: Tidak memenuhi syarat (Not eligible); ``klien_menolak``: Klien
menolak layanan (Client refuses); ``di_luar_lingkup``: Di luar lingkup layanan (Out of scope).
"""


class DeclineService(TypedDict):
    """Close without service."""
    reason: RefusalReason
    """Why."""
    type: Literal["decline_service"]


class StartAssessment(TypedDict):
    """Start the assessment."""
    type: Literal["start_assessment"]


RiskLevel = Literal[
    "rendah",
    "sedang",
    "tinggi",
    "kritis",
]
"""``rendah``: Rendah (Low); ``sedang``: Sedang (Medium); ``tinggi``: Tinggi (High); ``kritis``:
Kritis (Critical).
"""


class CompleteAssessment(TypedDict):
    """Complete the assessment."""
    problems: List[Problem]
    """The problems found; at least one."""
    risk: RiskLevel
    """The risk found."""
    type: Literal["complete_assessment"]


ServiceId = str
"""ServiceId: a UUID (v7 when made by lk3)"""


class _PlanItemRequired(TypedDict):
    service: Literal["informasi", "konsultasi", "konseling", "advokasi", "rujukan", "pendampingan", "perlindungan", "pembelajaran"]
    service_id: ServiceId


class PlanItem(_PlanItemRequired, total=False):
    """One service of an intervention plan. On approval it becomes a service instance of the case
    with the same id.
    """
    partner_id: Optional[PartnerId]
    """For a planned referral, the partner, if already chosen."""


class ProposePlan(TypedDict):
    """Propose an intervention plan (replaces an unapproved proposal)."""
    items: List[PlanItem]
    """The services planned; at least one."""
    type: Literal["propose_plan"]


class ApprovePlan(TypedDict):
    """Approve the proposed plan, naming the version reviewed: a plan changed since is not approved
    by accident.
    """
    plan_version: int
    """The proposal's version (1, 2, 3 ...)."""
    type: Literal["approve_plan"]


class ReferralDraft(TypedDict):
    """What a new referral is about: the partner, by registry id. Fields of event types are
    declared in key order.
    """
    partner_id: PartnerId
    """The partner in the unit's network (jejaring)."""


class _OpenServiceRequired(TypedDict):
    kind: Literal["informasi", "konsultasi", "konseling", "advokasi", "rujukan", "pendampingan", "perlindungan", "pembelajaran"]
    service_id: ServiceId
    type: Literal["open_service"]


class OpenService(_OpenServiceRequired, total=False):
    """Open a service instance. Planned services open when the plan is approved; this opens one
    outside the plan (or a referral).
    """
    referral: Optional[ReferralDraft]
    """For a referral (and only for one): the partner."""


class ServiceCommandProvide(TypedDict):
    """Informasi: give it."""
    type: Literal["provide"]


ServiceReason = Literal[
    "klien_menolak",
    "tidak_dapat_dihubungi",
    "di_luar_kewenangan_mitra",
    "kapasitas_penuh",
    "persyaratan_tidak_lengkap",
    "tidak_diperlukan_lagi",
    "dialihkan_ke_mitra_lain",
    "sumber_daya_tidak_tersedia",
    "keadaan_klien_berubah",
    "lainnya",
]
"""``klien_menolak``: Klien menolak (Client declined); ``tidak_dapat_dihubungi``: Klien tidak dapat
dihubungi (Client unreachable); ``di_luar_kewenangan_mitra``: Di luar kewenangan mitra (Outside
the partner's competence); ``kapasitas_penuh``: Kapasitas mitra penuh (Partner at capacity);
``persyaratan_tidak_lengkap``: Persyaratan tidak lengkap (Requirements incomplete);
``tidak_diperlukan_lagi``: Tidak diperlukan lagi (No longer needed);
``dialihkan_ke_mitra_lain``: Dialihkan ke mitra lain (Redirected to another partner);
``sumber_daya_tidak_tersedia``: Sumber daya tidak tersedia (Resource not available);
``keadaan_klien_berubah``: Keadaan klien berubah (Client's situation changed); ``lainnya``:
Lainnya (Other).
"""


class ServiceCommandMarkUnavailable(TypedDict):
    """Informasi: not available."""
    reason: ServiceReason
    """Why."""
    type: Literal["mark_unavailable"]


class ServiceCommandHoldSession(TypedDict):
    """Konsultasi, konseling: hold a session."""
    type: Literal["hold_session"]


class ServiceCommandMarkNoShow(TypedDict):
    """Konsultasi: the client did not come."""
    type: Literal["mark_no_show"]


class ServiceCommandReschedule(TypedDict):
    """Konsultasi: schedule again."""
    type: Literal["reschedule"]


Hash = str
"""SHA-256, 64 lowercase hex digits"""


FeedbackOutcome = Literal[
    "tertangani",
    "sebagian",
    "tidak_tertangani",
]
"""``tertangani``: Tertangani (Handled); ``sebagian``: Tertangani sebagian (Partly handled);
``tidak_tertangani``: Tidak tertangani (Not handled).
"""


class _PartnerFeedbackRequired(TypedDict):
    outcome: FeedbackOutcome


class PartnerFeedback(_PartnerFeedbackRequired, total=False):
    """The partner's feedback (umpan balik) that completes a referral. Its text, if any, lives in
    the notes store; the event holds only the digest.
    """
    note_digest: Optional[Hash]
    """The SHA-256 of the feedback note, if there is one."""


class _ServiceCommandCompleteRequired(TypedDict):
    type: Literal["complete"]


class ServiceCommandComplete(_ServiceCommandCompleteRequired, total=False):
    """Finish; a referral needs the partner's feedback."""
    feedback: Optional[PartnerFeedback]
    """The partner's feedback (referrals only)."""


class ServiceCommandCancel(TypedDict):
    """Cancel."""
    reason: ServiceReason
    """Why."""
    type: Literal["cancel"]


class ServiceCommandPostpone(TypedDict):
    """Put on hold."""
    reason: ServiceReason
    """Why."""
    type: Literal["postpone"]


class ServiceCommandResume(TypedDict):
    """Resume."""
    type: Literal["resume"]


class ServiceCommandStop(TypedDict):
    """Stop before the end."""
    reason: ServiceReason
    """Why."""
    type: Literal["stop"]


class ServiceCommandStart(TypedDict):
    """Advokasi: start."""
    type: Literal["start"]


AdvocacyAction = Literal[
    "mediasi",
    "surat",
    "pendampingan_ke_instansi",
]
"""``mediasi``: Mediasi (Mediation); ``surat``: Surat (Letter); ``pendampingan_ke_instansi``:
Pendampingan ke instansi (Accompanying to an institution).
"""


class ServiceCommandRecordAction(TypedDict):
    """Advokasi: record an action."""
    action: AdvocacyAction
    """Which."""
    type: Literal["record_action"]


class ServiceCommandSucceed(TypedDict):
    """Advokasi: succeeded."""
    type: Literal["succeed"]


class ServiceCommandFail(TypedDict):
    """Advokasi, rujukan: failed."""
    reason: ServiceReason
    """Why."""
    type: Literal["fail"]


EmergencyReason = Literal[
    "ancaman_keselamatan",
    "kekerasan_berlanjut",
    "cedera_perlu_medis",
    "anak_dalam_bahaya",
    "risiko_bunuh_diri",
]
"""``ancaman_keselamatan``: Ancaman keselamatan jiwa (Immediate danger to life or safety);
``kekerasan_berlanjut``: Kekerasan sedang berlangsung (Ongoing violence);
``cedera_perlu_medis``: Cedera memerlukan penanganan medis (Injury needing medical care);
``anak_dalam_bahaya``: Anak dalam bahaya (Child in danger); ``risiko_bunuh_diri``: Risiko bunuh
diri / menyakiti diri (Risk of suicide or self-harm).
"""


ReferralPriority = Literal[
    "rutin",
    "segera",
    "darurat",
]
"""``rutin``: Rutin (Routine); ``segera``: Segera (Urgent); ``darurat``: Darurat (Emergency)."""


Slug = str
"""A partner's service or location id"""


class ReferralRequest(TypedDict, total=False):
    """What a referral asks of the partner, as sent (FHIR: the ServiceRequest that is its Task's
    focus). Every part is optional; an empty request is left out of the event, so a sending
    without one reads as before.
    """
    letter_digest: Optional[Hash]
    """The SHA-256 of the referral letter (surat rujukan) kept in the notes store."""
    priority: Optional[ReferralPriority]
    """How soon the partner is needed; rutin when absent."""
    problems: List[Problem]
    """The problems the referral is for."""
    replaces: Optional[ServiceId]
    """The earlier referral of the case this one is sent instead of (it was rejected, failed,
    cancelled or voided).
    """
    service: Optional[Slug]
    """The partner's service asked for (its `service_id` in the directory)."""


class _ServiceCommandSendRequired(TypedDict):
    type: Literal["send"]


class ServiceCommandSend(_ServiceCommandSendRequired, total=False):
    """Rujukan: send."""
    emergency: Optional[EmergencyReason]
    """Sending without every client's consent to disclose to this partner: the emergency override,
    audited and to be approved by a second person.
    """
    request: ReferralRequest
    """What is asked of the partner (FHIR: the Task's ServiceRequest)."""
    response_deadline: Optional[Union[datetime, str]]
    """When the partner must answer by; the rule set's default response time after sending when
    absent.
    """


class ServiceCommandAccept(TypedDict):
    """Rujukan: the partner accepts."""
    type: Literal["accept"]


class ServiceCommandReject(TypedDict):
    """Rujukan: the partner refuses."""
    reason: ServiceReason
    """Why."""
    type: Literal["reject"]


class ServiceCommandProcess(TypedDict):
    """Rujukan: the partner starts handling it."""
    type: Literal["process"]


class ServiceCommandApproveOverride(TypedDict):
    """Rujukan: a second person approves the sending's consent override."""
    type: Literal["approve_override"]


VoidReason = Literal[
    "mitra_keliru",
    "kasus_keliru",
    "ganda",
    "lainnya",
]
"""``mitra_keliru``: Mitra keliru (Wrong partner); ``kasus_keliru``: Kasus atau klien keliru (Wrong
case or client); ``ganda``: Tercatat ganda (Recorded twice); ``lainnya``: Kesalahan pencatatan
lain (Other recording error).
"""


class ServiceCommandVoid(TypedDict):
    """Rujukan: the referrer voids a referral recorded in error."""
    reason: VoidReason
    """What the error was."""
    type: Literal["void"]


ServiceCommand = Union[
    ServiceCommandProvide,
    ServiceCommandMarkUnavailable,
    ServiceCommandHoldSession,
    ServiceCommandMarkNoShow,
    ServiceCommandReschedule,
    ServiceCommandComplete,
    ServiceCommandCancel,
    ServiceCommandPostpone,
    ServiceCommandResume,
    ServiceCommandStop,
    ServiceCommandStart,
    ServiceCommandRecordAction,
    ServiceCommandSucceed,
    ServiceCommandFail,
    ServiceCommandSend,
    ServiceCommandAccept,
    ServiceCommandReject,
    ServiceCommandProcess,
    ServiceCommandApproveOverride,
    ServiceCommandVoid,
]
"""One step of a service instance. In JSON an object tagged by `type`:"""


class ServiceStep(TypedDict):
    """Take a step of a service instance."""
    service_id: ServiceId
    """Which instance."""
    step: ServiceCommand
    """The step."""
    type: Literal["service_step"]


AidId = str
"""AidId: a UUID (v7 when made by lk3)"""


FundingSource = Literal[
    "baznas",
    "laz",
    "apbd_dpa",
    "kemensos",
    "lainnya",
]
"""``baznas``: Baznas (National zakat agency); ``laz``: LAZ (Zakat institution); ``apbd_dpa``: APBD
/ DPA (Regional budget (DPA)); ``kemensos``: Kemensos (Ministry of Social Affairs); ``lainnya``:
Lainnya (Other).
"""


AidItem = Literal[
    "kacamata",
    "sembako",
    "kursi_roda",
    "alat_bantu_jalan",
    "alat_bantu_dengar",
    "perlengkapan_sekolah",
    "lainnya",
]
"""``kacamata``: Kacamata (Glasses); ``sembako``: Paket sembako (Basic food package);
``kursi_roda``: Kursi roda (Wheelchair); ``alat_bantu_jalan``: Alat bantu jalan / tongkat
(Walking aid); ``alat_bantu_dengar``: Alat bantu dengar (Hearing aid); ``perlengkapan_sekolah``:
Perlengkapan sekolah (School supplies); ``lainnya``: Lainnya (Other).
"""


class Aid(TypedDict):
    """Material aid (bantuan) given to a client, with who paid for it (DESIGN §6)."""
    aid_id: AidId
    """The record's id."""
    funding: FundingSource
    """Who paid."""
    given_on: Union[date, str]
    """The unit's local date it was handed over."""
    item: AidItem
    """What."""
    quantity: int
    """How many (at least one)."""
    recipient: ClientId
    """The client who received it."""


class RecordAid(TypedDict):
    """Record material aid given to a client."""
    aid: Aid
    """The aid."""
    type: Literal["record_aid"]


class BeginEvaluation(TypedDict):
    """Begin the evaluation."""
    type: Literal["begin_evaluation"]


class Reassess(TypedDict):
    """Go back to assessment."""
    type: Literal["reassess"]


class Replan(TypedDict):
    """Go back to planning."""
    type: Literal["replan"]


TerminationReason = Literal[
    "tujuan_tercapai",
    "klien_mengundurkan_diri",
    "tidak_dapat_dihubungi",
    "pindah",
    "meninggal",
    "dialihkan_rujukan",
    "di_luar_lingkup",
]
"""``tujuan_tercapai``: Tujuan tercapai (Goals met); ``klien_mengundurkan_diri``: Klien
mengundurkan diri (Client withdrew); ``tidak_dapat_dihubungi``: Tidak dapat dihubungi (Client
unreachable); ``pindah``: Pindah domisili (Client moved away); ``meninggal``: Meninggal dunia
(Client died); ``dialihkan_rujukan``: Dialihkan melalui rujukan (Handed over by referral);
``di_luar_lingkup``: Di luar lingkup layanan (Out of scope).
"""


class Terminate(TypedDict):
    """Terminate."""
    reason: TerminationReason
    """Why."""
    type: Literal["terminate"]


class StartAftercare(TypedDict):
    """Start aftercare."""
    type: Literal["start_aftercare"]


class ApproveClosure(TypedDict):
    """Approve closure."""
    type: Literal["approve_closure"]


class ReportRelapse(TypedDict):
    """Report a relapse during aftercare."""
    type: Literal["report_relapse"]


ReopenReason = Literal[
    "kambuh",
    "masalah_baru",
    "permintaan_klien",
    "laporan_baru",
]
"""``kambuh``: Masalah kambuh (Relapse); ``masalah_baru``: Masalah baru (New problem);
``permintaan_klien``: Permintaan klien (Client request); ``laporan_baru``: Laporan baru (New
report).
"""


class Reopen(TypedDict):
    """Reopen a closed case."""
    reason: ReopenReason
    """Why."""
    type: Literal["reopen"]


ProtectivePartner = Literal[
    "polisi_uppa",
    "uptd_ppa",
    "rumah_sakit",
]
"""``polisi_uppa``: Polisi (UPPA) (Police (women and children unit)); ``uptd_ppa``: UPTD PPA /
P2TP2A (Women and child protection unit); ``rumah_sakit``: Rumah sakit (Hospital).
"""


ReferralId = str
"""ReferralId: a UUID (v7 when made by lk3)"""


class _SendProtectiveReferralRequired(TypedDict):
    partner: ProtectivePartner
    reason: EmergencyReason
    referral_id: ReferralId
    type: Literal["send_protective_referral"]


class SendProtectiveReferral(_SendProtectiveReferralRequired, total=False):
    """Send an emergency protective referral."""
    partner_id: Optional[PartnerId]
    """The partner's registry id, when known: a consent to disclose to it means the referral
    overrides nothing.
    """


AssignmentReason = Literal[
    "pindah_tugas",
    "cuti",
    "beban_kerja",
    "konflik_kepentingan",
    "permintaan_klien",
    "lainnya",
]
"""``pindah_tugas``: Pekerja sosial pindah tugas (Worker moved to another post); ``cuti``: Pekerja
sosial cuti (Worker on leave); ``beban_kerja``: Pemerataan beban kerja (Caseload balancing);
``konflik_kepentingan``: Konflik kepentingan (Conflict of interest); ``permintaan_klien``:
Permintaan klien (Client's request); ``lainnya``: Alasan lain (Other reason).
"""


StaffId = str
"""StaffId: a UUID (v7 when made by lk3)"""


class AssignWorker(TypedDict):
    """Hand the case to another worker: the ketua reassigns it when staff move, go on leave, or
    caseloads are balanced.
    """
    reason: AssignmentReason
    """Why."""
    type: Literal["assign_worker"]
    worker: StaffId
    """The new worker (staff id), not the current one."""


class ProtectiveReferralStep(TypedDict):
    """Take a step of a protective referral, decided by the referral service's own machine from
    `dikirim` on: the partner accepts, rejects, starts, holds, fails or completes it, either
    side cancels, the referrer voids it, a second person approves its consent override.
    """
    referral_id: ReferralId
    """Which protective referral."""
    step: ServiceCommand
    """The step."""
    type: Literal["protective_referral_step"]


TransferReason = Literal[
    "klien_pindah_domisili",
    "layanan_khusus",
    "konflik_kepentingan",
    "permintaan_klien",
    "lainnya",
]
"""``klien_pindah_domisili``: Klien pindah domisili ke wilayah unit tujuan (The client moved to the
receiving unit's area); ``layanan_khusus``: Unit tujuan memiliki layanan yang dibutuhkan (The
receiving unit offers the service needed); ``konflik_kepentingan``: Konflik kepentingan di unit
asal (Conflict of interest at the sending unit); ``permintaan_klien``: Permintaan klien
(Client's request); ``lainnya``: Alasan lain (Other reason).
"""


class TransferCase(TypedDict):
    """Ask another LK3 unit to take the case over: the holding unit's ketua sends it; the case
    stays with them until the receiving unit answers, and its history goes with it.
    """
    reason: TransferReason
    """Why."""
    to_unit: UnitCode
    """The receiving unit, not the one holding the case."""
    type: Literal["transfer_case"]


class AcceptTransfer(TypedDict):
    """Take over the case transferred to the actor's unit: its ketua names the worker now in
    charge.
    """
    type: Literal["accept_transfer"]
    worker: StaffId
    """The receiving unit's worker in charge (staff id)."""


TransferRefusal = Literal[
    "di_luar_wilayah",
    "kapasitas_penuh",
    "layanan_tidak_tersedia",
    "lainnya",
]
"""``di_luar_wilayah``: Klien di luar wilayah layanan unit (The client is outside the unit's area);
``kapasitas_penuh``: Kapasitas layanan unit penuh (The unit has no capacity);
``layanan_tidak_tersedia``: Layanan yang dibutuhkan tidak tersedia di unit (The unit does not
offer the service needed); ``lainnya``: Alasan lain (Other reason).
"""


class RefuseTransfer(TypedDict):
    """Refuse the case transferred to the actor's unit; it stays where it was."""
    reason: TransferRefusal
    """Why."""
    type: Literal["refuse_transfer"]


Sensitivity = Literal[
    "biasa",
    "rahasia",
    "sangat_rahasia",
]
"""``biasa``: Biasa (Ordinary); ``rahasia``: Rahasia (Secret); ``sangat_rahasia``: Sangat rahasia
(Top secret).
"""


class _CaseNoteRequired(TypedDict):
    note: Hash
    sensitivity: Sensitivity


class CaseNote(_CaseNoteRequired, total=False):
    """A note kept with a case. The event holds only the note's digest; its text is in the personal
    data store, where erasure removes it and the digest still verifies (DESIGN §7).
    """
    about: List[ClientId]
    """The clients it is about (the case's), if any in particular."""


class AddNote(TypedDict):
    """Keep a note with the case (stored first in the personal data store, which gives its digest)."""
    note: CaseNote
    """The note."""
    type: Literal["add_note"]


ContentType = Literal[
    "application/pdf",
    "image/jpeg",
    "image/png",
]
"""``application/pdf``: PDF (PDF); ``image/jpeg``: JPEG (JPEG); ``image/png``: PNG (PNG)."""


AttachmentKind = Literal[
    "formulir_persetujuan",
    "surat_rujukan",
    "foto_bantuan",
    "laporan",
    "lainnya",
]
"""``formulir_persetujuan``: Formulir persetujuan (Consent form); ``surat_rujukan``: Surat rujukan
(Referral letter); ``foto_bantuan``: Foto penyerahan bantuan (Photo of aid handed over);
``laporan``: Laporan (Report); ``lainnya``: Lainnya (Other).
"""


class _CaseAttachmentRequired(TypedDict):
    attachment: Hash
    bytes: int
    content_type: ContentType
    kind: AttachmentKind
    sensitivity: Sensitivity


class CaseAttachment(_CaseAttachmentRequired, total=False):
    """A document attached to a case: a scanned consent, a referral letter, a photo of aid handed
    over. The event holds its digest, size and type; its bytes are in the personal data store.
    """
    about: List[ClientId]
    """The clients it is about (the case's), if any in particular."""


class AddAttachment(TypedDict):
    """Attach a document to the case (stored first in the personal data store, which gives its
    digest).
    """
    attachment: CaseAttachment
    """The attachment."""
    type: Literal["add_attachment"]


class _SetClientRoleRequired(TypedDict):
    client_id: ClientId
    type: Literal["set_client_role"]


class SetClientRole(_SetClientRoleRequired, total=False):
    """Set or change a registered client's role in the case (or clear it). A client who is a
    child's guardian in a consent in force is never made its perpetrator.
    """
    role: Optional[ClientRole]
    """The new role; absent to clear it."""


KodeWilayah = str
"""kode wilayah PP[.KK[.CC[.DDDD]]] (Permendagri 137/2017)"""


OutreachId = str
"""OutreachId: a UUID (v7 when made by lk3)"""


ReporterKind = Literal[
    "ketua_rt",
    "bhabinkamtibmas",
    "tksk",
    "warga",
    "mitra",
    "lainnya",
]
"""``ketua_rt``: Ketua RT (Neighbourhood (RT) head); ``bhabinkamtibmas``: Bhabinkamtibmas (Village
community police officer); ``tksk``: TKSK (Sub-district social welfare worker); ``warga``: Warga
(Resident); ``mitra``: Mitra jejaring (Network partner); ``lainnya``: Lainnya (Other).
"""


class _OutreachReportRequired(TypedDict):
    outreach_id: OutreachId
    reported_by: ReporterKind
    sasaran: Sasaran
    type: Literal["report"]
    unit: UnitCode


class OutreachReport(_OutreachReportRequired, total=False):
    """Record a report: opens the outreach."""
    kode_wilayah: Optional[KodeWilayah]
    """Where the person was seen, as a kode wilayah (never an address)."""
    problems: List[Problem]
    """The problems reported."""


class OutreachSchedule(TypedDict):
    """Plan a visit (again, after a visit that did not find the person, while attempts remain)."""
    mobile_unit: bool
    """Whether the mobile unit (mobil LK3) goes."""
    planned_for: Union[datetime, str]
    """When the visit is planned."""
    type: Literal["schedule"]


class OutreachCarryOut(TypedDict):
    """Record that the planned visit took place."""
    type: Literal["carry_out"]


class CaseLinkOpens(TypedDict):
    """A new case is opened with this id."""
    case_id: CaseId
    """The new case's id."""
    link: Literal["opens"]


class CaseLinkJoins(TypedDict):
    """The person joins an existing case."""
    case_id: CaseId
    """The existing case's id."""
    link: Literal["joins"]


CaseLink = Union[
    CaseLinkOpens,
    CaseLinkJoins,
]
"""What an agreement at an outreach visit leads to: a new case, or a case the person joins (e.g.
their family already has one). The outreach only records the link; the caller then records the
contact ([`crate::case::CaseCommand::RecordContact`] with channel `penjangkauan`) or registers
the person in the existing case.

In JSON: `{"link":"opens","case_id":"..."}` or `{"link":"joins","case_id":"..."}`.
"""


class OutreachRecordAgreement(TypedDict):
    """The person agrees to be served."""
    case: CaseLink
    """The case it opens or joins."""
    client_id: ClientId
    """The person, by client registry id."""
    type: Literal["record_agreement"]


OutreachRefusalReason = Literal[
    "tidak_merasa_perlu",
    "keluarga_menolak",
    "sudah_dibantu_pihak_lain",
    "menolak_campur_tangan",
    "lainnya",
]
"""``tidak_merasa_perlu``: Tidak merasa membutuhkan bantuan (Does not feel in need of help);
``keluarga_menolak``: Keluarga menolak (The family refuses); ``sudah_dibantu_pihak_lain``: Sudah
dibantu pihak lain (Already helped by others); ``menolak_campur_tangan``: Menolak campur tangan
lembaga (Refuses the institution's involvement); ``lainnya``: Alasan lain (Other reason).
"""


class OutreachRecordRefusal(TypedDict):
    """The person refuses."""
    reason: OutreachRefusalReason
    """Why."""
    type: Literal["record_refusal"]


class OutreachRecordNotFound(TypedDict):
    """The person was not found."""
    type: Literal["record_not_found"]


OutreachCloseReason = Literal[
    "tidak_ditemukan_berulang",
    "laporan_tidak_terbukti",
    "laporan_ganda",
    "ditangani_pihak_lain",
    "pindah",
    "meninggal",
    "di_luar_lingkup",
]
"""``tidak_ditemukan_berulang``: Tidak ditemukan setelah beberapa kali penjangkauan (Not found
after repeated visits); ``laporan_tidak_terbukti``: Laporan tidak terbukti (Report unfounded);
``laporan_ganda``: Laporan ganda (Duplicate report); ``ditangani_pihak_lain``: Sudah ditangani
pihak lain (Handled by another institution); ``pindah``: Pindah domisili (Moved away);
``meninggal``: Meninggal dunia (Died); ``di_luar_lingkup``: Di luar lingkup layanan (Out of
scope).
"""


class OutreachClose(TypedDict):
    """Close the outreach."""
    reason: OutreachCloseReason
    """Why."""
    type: Literal["close"]


CaseCommand = Union[
    RecordContact,
    Register,
    ResolveOnSpot,
    StartEngagement,
    RecordConsent,
    WithdrawConsent,
    AgreeContract,
    DeclineService,
    StartAssessment,
    CompleteAssessment,
    ProposePlan,
    ApprovePlan,
    OpenService,
    ServiceStep,
    RecordAid,
    BeginEvaluation,
    Reassess,
    Replan,
    Terminate,
    StartAftercare,
    ApproveClosure,
    ReportRelapse,
    Reopen,
    SendProtectiveReferral,
    AssignWorker,
    ProtectiveReferralStep,
    TransferCase,
    AcceptTransfer,
    RefuseTransfer,
    AddNote,
    AddAttachment,
    SetClientRole,
]
"""A request to change a case, tagged by `type`; decided against the case's rule set."""


OutreachCommand = Union[
    OutreachReport,
    OutreachSchedule,
    OutreachCarryOut,
    OutreachRecordAgreement,
    OutreachRecordRefusal,
    OutreachRecordNotFound,
    OutreachClose,
]
"""A request to change an outreach, tagged by `type`."""

__all__ = [
    "AcceptTransfer",
    "AddAttachment",
    "AddNote",
    "AdvocacyAction",
    "AgreeContract",
    "Aid",
    "AidId",
    "AidItem",
    "ApproveClosure",
    "ApprovePlan",
    "AssignWorker",
    "AssignmentReason",
    "AttachmentKind",
    "BeginEvaluation",
    "CaseAttachment",
    "CaseClient",
    "CaseCommand",
    "CaseId",
    "CaseLink",
    "CaseLinkJoins",
    "CaseLinkOpens",
    "CaseNote",
    "CaseNumber",
    "ClientId",
    "ClientRole",
    "CompleteAssessment",
    "Consent",
    "ConsentForm",
    "ConsentId",
    "ConsentPurpose",
    "ContactChannel",
    "ContentType",
    "DeclineService",
    "EmergencyReason",
    "ExternalReference",
    "FeedbackOutcome",
    "FundingSource",
    "Hash",
    "IncomingReferral",
    "KodeWilayah",
    "OpenService",
    "OutreachCarryOut",
    "OutreachClose",
    "OutreachCloseReason",
    "OutreachCommand",
    "OutreachId",
    "OutreachRecordAgreement",
    "OutreachRecordNotFound",
    "OutreachRecordRefusal",
    "OutreachRefusalReason",
    "OutreachReport",
    "OutreachSchedule",
    "ParticipantCount",
    "PartnerFeedback",
    "PartnerId",
    "PlanItem",
    "Problem",
    "ProposePlan",
    "ProtectivePartner",
    "ProtectiveReferralStep",
    "Reassess",
    "RecordAid",
    "RecordConsent",
    "RecordContact",
    "ReferralDraft",
    "ReferralId",
    "ReferralPriority",
    "ReferralRequest",
    "RefusalReason",
    "RefuseTransfer",
    "Register",
    "Reopen",
    "ReopenReason",
    "Replan",
    "ReportRelapse",
    "ReporterKind",
    "ResolveOnSpot",
    "RiskLevel",
    "Sasaran",
    "SendProtectiveReferral",
    "Sensitivity",
    "ServiceCommand",
    "ServiceCommandAccept",
    "ServiceCommandApproveOverride",
    "ServiceCommandCancel",
    "ServiceCommandComplete",
    "ServiceCommandFail",
    "ServiceCommandHoldSession",
    "ServiceCommandMarkNoShow",
    "ServiceCommandMarkUnavailable",
    "ServiceCommandPostpone",
    "ServiceCommandProcess",
    "ServiceCommandProvide",
    "ServiceCommandRecordAction",
    "ServiceCommandReject",
    "ServiceCommandReschedule",
    "ServiceCommandResume",
    "ServiceCommandSend",
    "ServiceCommandStart",
    "ServiceCommandStop",
    "ServiceCommandSucceed",
    "ServiceCommandVoid",
    "ServiceId",
    "ServiceKind",
    "ServiceReason",
    "ServiceStep",
    "SetClientRole",
    "Slug",
    "StaffId",
    "StartAftercare",
    "StartAssessment",
    "StartEngagement",
    "Terminate",
    "TerminationReason",
    "TransferCase",
    "TransferReason",
    "TransferRefusal",
    "UnitCode",
    "VoidReason",
    "WithdrawConsent",
]
