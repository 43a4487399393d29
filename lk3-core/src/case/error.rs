use std::fmt;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::CaseCommandKind;
use crate::error::{ErrorCode, Lk3Error};
use crate::ids::{CaseId, ClientId, PartnerId, ServiceId, StaffId, UnitCode};
use crate::label::{Labelled, labelled_enum};
use crate::rules::RuleSet;
use crate::service::{ServiceCommandKind, ServiceState};
use crate::vocab::{Role, ServiceKind, Stage, TerminationReason};

/// A refused command. It names the command, the stage, the rule broken and
/// the commands the stage allows. A refused command produces no event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct CommandError {
    /// The command refused.
    pub command: CaseCommandKind,
    /// The case's stage (`None`: the case does not exist).
    pub stage: Option<Stage>,
    /// The rule broken.
    pub violation: Violation,
    /// What the rule set allows in this stage.
    pub allowed: Vec<CaseCommandKind>,
}

labelled_enum! {
    /// The kind of record a command referred to.
    pub enum Reference {
        /// A client of the case.
        Klien = ("klien", "klien", "client"),
        /// A consent record.
        Persetujuan = ("persetujuan", "persetujuan", "consent"),
        /// A service instance.
        Layanan = ("layanan", "layanan", "service"),
        /// An emergency protective referral.
        RujukanPerlindungan = ("rujukan_perlindungan", "rujukan perlindungan", "protective referral"),
    }
}

labelled_enum! {
    /// What is inconsistent in a command's content.
    pub enum CommandProblem {
        /// Registration without clients.
        NoClients = ("tanpa_klien", "registrasi memerlukan paling sedikit satu klien", "registration needs at least one client"),
        /// The same client twice.
        DuplicateClient = ("klien_ganda", "klien yang sama tercantum dua kali", "the same client is listed twice"),
        /// On-the-spot resolution with a service the rule set does not let resolve a contact.
        OnSpotService = ("layanan_di_tempat", "penyelesaian di tempat hanya dengan layanan sekali selesai menurut aturan (informasi atau konsultasi)", "only a one-off service of the rule set (informasi or konsultasi) can resolve a contact on the spot"),
        /// Consent without a purpose.
        NoPurpose = ("tanpa_tujuan", "persetujuan memerlukan paling sedikit satu tujuan", "a consent needs at least one purpose"),
        /// An id already used in this case.
        DuplicateId = ("id_ganda", "id sudah dipakai dalam kasus ini", "the id is already used in this case"),
        /// A plan without services.
        EmptyPlan = ("rencana_kosong", "rencana memerlukan paling sedikit satu layanan", "a plan needs at least one service"),
        /// An assessment without problems.
        NoProblems = ("tanpa_masalah", "asesmen memerlukan paling sedikit satu masalah", "an assessment needs at least one problem"),
        /// Approving another version of the plan than the current proposal.
        PlanVersionMismatch = ("versi_rencana_berbeda", "rencana telah diubah sejak ditinjau; setujui versi yang berlaku", "the plan changed since it was reviewed; approve the current version"),
        /// A per-case counter would overflow (only reachable from forged history).
        CounterExhausted = ("penghitung_habis", "penghitung kasus sudah mencapai batas", "a counter of the case is exhausted"),
        /// A step that needs clients on a case without any.
        NoClientsRegistered = ("belum_ada_klien", "kasus belum memiliki klien terdaftar", "the case has no registered clients"),
        /// A referral without a partner.
        NoPartner = ("tanpa_mitra", "rujukan memerlukan mitra", "a referral needs a partner"),
        /// A partner given for a service that has none under the rule set.
        ReferralOnlyForRujukan = ("mitra_hanya_untuk_rujukan", "mitra hanya untuk layanan yang bermitra (rujukan)", "only a service with a partner (a referral) has one"),
        /// Penjangkauan opened as a service of a case.
        NotACaseService = ("bukan_layanan_kasus", "penjangkauan dicatat sebagai penjangkauan tersendiri, bukan layanan kasus", "penjangkauan is recorded as an outreach of its own, not a service of a case"),
        /// A response deadline not after the sending.
        DeadlineNotAfterSending = ("tenggat_tidak_sah", "tenggat jawaban harus sesudah waktu pengiriman", "the response deadline must come after the sending"),
        /// A group service without participant counts.
        ParticipantsRequired = ("jumlah_peserta_diperlukan", "layanan kelompok memerlukan jumlah peserta menurut sasaran", "a group service needs participant counts by sasaran"),
        /// Participant counts of zero or with a sasaran twice.
        InvalidParticipants = ("jumlah_peserta_tidak_sah", "jumlah peserta harus positif dan tiap sasaran sekali", "participant counts must be positive, each sasaran once"),
        /// Aid with a quantity of zero.
        InvalidQuantity = ("jumlah_tidak_sah", "jumlah bantuan paling sedikit satu", "the aid quantity must be at least one"),
        /// Completing a service that counts sessions before any session.
        NoSession = ("belum_ada_sesi", "layanan belum memiliki sesi", "the service has had no session"),
        /// Withdrawing a consent twice.
        ConsentAlreadyWithdrawn = ("persetujuan_sudah_dicabut", "persetujuan sudah dicabut", "the consent is already withdrawn"),
        /// A reassignment to the worker already in charge.
        SameWorker = ("pekerja_sama", "kasus sudah ditangani pekerja sosial ini", "the case is already this worker's"),
        /// A transfer to the unit already holding the case.
        SameUnit = ("unit_sama", "kasus sudah dipegang unit ini", "the case is already this unit's"),
        /// A transfer while another awaits its answer.
        TransferPending = ("pengalihan_menunggu", "pengalihan sebelumnya belum dijawab unit tujuan", "an earlier transfer awaits the receiving unit's answer"),
        /// An answer to a transfer when none awaits one.
        NoTransferPending = ("tidak_ada_pengalihan", "tidak ada pengalihan kasus yang menunggu jawaban", "no transfer of the case awaits an answer"),
        /// A case number of another unit than the case's.
        CaseNumberOfAnotherUnit = ("nomor_kasus_unit_lain", "nomor kasus milik unit lain", "the case number belongs to another unit"),
        /// A case number of another year than the one the case opens in.
        CaseNumberOfAnotherYear = ("nomor_kasus_tahun_lain", "tahun pada nomor kasus bukan tahun kasus dibuka (waktu setempat unit)", "the case number's year is not the year the case opens in (the unit's local time)"),
        /// A referral sent instead of one that has not ended unsuccessfully.
        ReplacesLiveReferral = ("menggantikan_rujukan_yang_belum_gagal", "rujukan yang digantikan belum berakhir tanpa hasil (ditolak, gagal, dibatalkan atau salah catat)", "the referral it replaces has not ended without result (rejected, failed, cancelled or voided)"),
        /// A referral sent instead of one another referral already replaced.
        AlreadyReplaced = ("rujukan_sudah_digantikan", "rujukan itu sudah digantikan rujukan lain", "that referral was already replaced by another"),
        /// A `mitra` actor that names no partner, or another role that names one.
        ActorPartner = ("pelaku_mitra_tidak_sah", "staf mitra harus menyebut mitranya, dan hanya staf mitra yang menyebut mitra", "a partner's staff must name their partner, and only a partner's staff name one"),
        /// A time or date lk3 cannot record (before 1900, after 9999, a leap second).
        TimeOutOfRange = ("waktu_di_luar_rentang", "waktu atau tanggal di luar yang dapat dicatat (tahun 1900 sampai 9999, tanpa detik kabisat)", "a time or date lk3 cannot record (years 1900 to 9999, no leap second)"),
        /// A case opened on a date no registered rule set covers, with none pinned.
        NoRuleSetInForce = ("tanpa_aturan_berlaku", "tidak ada aturan yang berlaku pada tanggal setempat itu; sebutkan aturannya", "no rule set is in force on that local date; name one"),
        /// A sasaran the rule set does not name.
        SasaranNotAccepted = ("sasaran_tidak_dikenal_aturan", "aturan ini tidak mengenal sasaran itu", "the rule set does not name that sasaran"),
        /// A service the case's rule set does not offer.
        ServiceNotOffered = ("layanan_tidak_tersedia_dalam_aturan", "aturan kasus ini tidak mengenal layanan itu", "the case's rule set does not offer that service"),
        /// Aid handed over on a date after the command's.
        AidDateAfterCommand = ("tanggal_bantuan_mendatang", "tanggal penyerahan bantuan sesudah tanggal pencatatannya", "the aid's hand-over date is after the date it is recorded"),
        /// An attachment of no bytes or over the size limit.
        AttachmentSize = ("ukuran_lampiran_tidak_sah", "lampiran harus berisi 1 byte sampai 10 MiB", "an attachment holds 1 byte to 10 MiB"),
        /// Setting a client's role to the one they have.
        SameRole = ("peran_sama", "klien sudah memiliki peran itu dalam kasus ini", "the client already has that role in the case"),
    }
}

/// The rule a refused command broke.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(tag = "rule", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Violation {
    /// The stage does not allow the command.
    TransitionNotAllowed,
    /// The actor's role may not issue the command.
    RoleNotAllowed {
        /// The actor's role.
        role: Role,
        /// The roles that may.
        allowed_roles: Vec<Role>,
    },
    /// A client has no valid consent to services.
    ConsentRequired {
        /// The client.
        client: ClientId,
    },
    /// A child's consent lacks a guardian.
    GuardianRequired {
        /// The child.
        client: ClientId,
    },
    /// A child's consent names as guardian a client the case registered as
    /// the perpetrator.
    GuardianIsPerpetrator {
        /// The child.
        client: ClientId,
        /// The guardian named.
        guardian: ClientId,
    },
    /// The approver is the proposer (or the one who terminated).
    SecondPersonRequired {
        /// Who proposed (or terminated).
        proposer: StaffId,
        /// The step they took: `propose_plan` or `terminate`.
        step: CaseCommandKind,
    },
    /// No plan was proposed.
    PlanRequired,
    /// Planned services are still open.
    PlannedServicesOpen {
        /// The open services.
        open: Vec<ServiceId>,
    },
    /// Referrals are still open where the case is to be terminated or closed.
    ReferralsOpen {
        /// The open referrals.
        open: Vec<ServiceId>,
    },
    /// A partner's staff acted on a referral to another partner.
    OtherPartner {
        /// The referral's partner.
        partner_id: PartnerId,
        /// The partner the actor works for.
        actor_partner: PartnerId,
    },
    /// A partner's staff acting on a protective referral that names no
    /// partner: LK3 staff record the partner's steps for it.
    UnnamedPartner {
        /// The partner the actor works for.
        actor_partner: PartnerId,
    },
    /// The actor names a unit other than the one acting on the case: the
    /// unit holding it, or, for an answer to a transfer, the receiving unit.
    OtherUnit {
        /// The unit whose staff act.
        unit: UnitCode,
        /// The unit the actor named (none: an answer to a transfer needs one).
        actor_unit: Option<UnitCode>,
    },
    /// The service's own machine does not allow the step in its state.
    ServiceStepNotAllowed {
        /// The instance.
        service_id: ServiceId,
        /// Which service.
        service: ServiceKind,
        /// Its state.
        state: ServiceState,
        /// The step refused.
        step: ServiceCommandKind,
        /// The steps its state allows.
        allowed_steps: Vec<ServiceCommandKind>,
    },
    /// A referral completed without the partner's feedback.
    FeedbackRequired,
    /// A referral completed while its consent override awaits approval.
    OverrideNotApproved,
    /// A client has not consented to disclosure to the partner.
    DisclosureConsentRequired {
        /// The client.
        client: ClientId,
        /// The partner.
        partner_id: PartnerId,
    },
    /// Data would go to a partner about a case with no registered client:
    /// nobody could have consented, so only the audited emergency path may.
    DisclosureWithoutClients {
        /// The partner.
        partner_id: PartnerId,
    },
    /// The reason does not fit the step.
    ReasonNotAllowed {
        /// The reason given.
        reason: TerminationReason,
    },
    /// The command is dated before the case's last event.
    TimeRunsBackwards {
        /// The last event's time.
        last: DateTime<Utc>,
        /// The command's time.
        at: DateTime<Utc>,
    },
    /// The case already exists.
    CaseExists {
        /// Its id.
        case_id: CaseId,
    },
    /// The case does not exist.
    CaseNotFound,
    /// The case was closed without service and cannot be reopened.
    NotReopenable,
    /// A referenced record is not in the case.
    UnknownReference {
        /// What kind of record.
        what: Reference,
        /// The id given.
        id: String,
    },
    /// The command's content is inconsistent.
    InvalidCommand {
        /// What is wrong.
        problem: CommandProblem,
    },
    /// An event could not be serialised for hashing.
    Serialization {
        /// The serialiser's message.
        message: String,
    },
}

use crate::label::id_list as list;

fn ids<T: fmt::Display>(items: &[T]) -> String {
    items.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
}

impl Violation {
    fn code(&self) -> ErrorCode {
        match self {
            Self::TransitionNotAllowed => ErrorCode::TransitionNotAllowed,
            Self::RoleNotAllowed { .. } => ErrorCode::RoleNotAllowed,
            Self::ConsentRequired { .. } => ErrorCode::ConsentRequired,
            Self::GuardianRequired { .. } | Self::GuardianIsPerpetrator { .. } => ErrorCode::GuardianRequired,
            Self::SecondPersonRequired { .. } => ErrorCode::SecondPersonRequired,
            Self::PlanRequired => ErrorCode::PlanRequired,
            Self::PlannedServicesOpen { .. } => ErrorCode::PlannedServicesOpen,
            Self::ReferralsOpen { .. } => ErrorCode::ReferralsOpen,
            Self::OtherPartner { .. } | Self::UnnamedPartner { .. } => ErrorCode::PartnerMismatch,
            Self::OtherUnit { .. } => ErrorCode::UnitMismatch,
            Self::ServiceStepNotAllowed { .. } => ErrorCode::ServiceStepNotAllowed,
            Self::FeedbackRequired => ErrorCode::FeedbackRequired,
            Self::OverrideNotApproved => ErrorCode::OverrideNotApproved,
            Self::DisclosureConsentRequired { .. } | Self::DisclosureWithoutClients { .. } => {
                ErrorCode::DisclosureConsentRequired
            }
            Self::ReasonNotAllowed { .. } => ErrorCode::ReasonNotAllowed,
            Self::TimeRunsBackwards { .. } => ErrorCode::TimeRunsBackwards,
            Self::CaseExists { .. } => ErrorCode::CaseExists,
            Self::CaseNotFound => ErrorCode::CaseNotFound,
            Self::NotReopenable => ErrorCode::NotReopenable,
            Self::UnknownReference { .. } => ErrorCode::UnknownReference,
            Self::InvalidCommand { .. } => ErrorCode::InvalidCommand,
            Self::Serialization { .. } => ErrorCode::Serialization,
        }
    }

    fn message_en(&self, command: CaseCommandKind) -> String {
        match self {
            Self::TransitionNotAllowed => "the rule set does not allow this step here".to_owned(),
            Self::RoleNotAllowed { role, allowed_roles } => {
                format!("role `{role}` may not do this; allowed roles: {}", list(allowed_roles))
            }
            Self::ConsentRequired { client } => {
                format!("client {client} has no valid consent to services (rule: every client has consented)")
            }
            Self::GuardianRequired { client } => {
                format!("client {client} is a child: the consent must name a guardian")
            }
            Self::GuardianIsPerpetrator { client, guardian } => format!(
                "client {guardian} is registered as the perpetrator in this case and cannot consent for child {client}; name another guardian"
            ),
            Self::SecondPersonRequired { proposer, step } => format!(
                "staff {proposer} did `{step}`, so someone else must approve it (rule: approvals need a second person)"
            ),
            Self::PlanRequired => "no intervention plan has been proposed".to_owned(),
            Self::PlannedServicesOpen { open } => {
                format!(
                    "planned services are still open: {}; bring each to an end (finished, or stopped or cancelled with a reason) first",
                    ids(open)
                )
            }
            Self::ReferralsOpen { open } => format!(
                "referrals are still open: {}; cancel each with a reason, or record the partner's answer, first",
                ids(open)
            ),
            Self::OtherPartner { partner_id, actor_partner } => format!(
                "the referral is to partner {partner_id}; staff of partner {actor_partner} act only on their own partner's referrals"
            ),
            Self::OtherUnit { unit, actor_unit } => crate::decider::other_unit_en(unit, actor_unit.as_ref()),
            Self::UnnamedPartner { actor_partner } => format!(
                "the protective referral names no partner, so staff of partner {actor_partner} cannot act on it; LK3 staff record the partner's steps for it"
            ),
            Self::ServiceStepNotAllowed { service_id, service, state, step, allowed_steps } => format!(
                "{service} {service_id} is `{state}`, where its machine does not allow `{step}`; allowed steps: {}",
                list(allowed_steps)
            ),
            Self::FeedbackRequired => {
                "a referral is completed only with the partner's feedback (umpan balik)".to_owned()
            }
            Self::OverrideNotApproved => {
                "the referral was sent under an emergency consent override that a second person has not yet approved"
                    .to_owned()
            }
            Self::DisclosureConsentRequired { client, partner_id } => format!(
                "client {client} has not consented to disclosure to partner {partner_id}; send only with that consent or as an emergency override"
            ),
            Self::DisclosureWithoutClients { partner_id } => format!(
                "the case has no registered client, so nobody consented to disclosure to partner {partner_id}; register the clients and their consent first, or send as an emergency override"
            ),
            Self::ReasonNotAllowed { reason } => {
                format!("reason `{reason}` is only allowed after an evaluation")
            }
            Self::TimeRunsBackwards { last, at } => {
                format!("the command is dated {at}, before the case's last event at {last}")
            }
            Self::CaseExists { case_id } => format!("case {case_id} already exists"),
            Self::NotReopenable => {
                "the case was closed on the spot or declined, never served: record a new contact instead".to_owned()
            }
            Self::CaseNotFound => {
                format!("there is no case yet; only `{}` can open one", CaseCommandKind::RecordContact)
            }
            Self::UnknownReference { what, id } => {
                format!("no {} `{id}` in this case", what.label_en())
            }
            Self::InvalidCommand { problem } => problem.label_en().to_owned(),
            Self::Serialization { message } => {
                format!("the event could not be serialised ({message}) for `{command}`")
            }
        }
    }

    fn message_id(&self, command: CaseCommandKind) -> String {
        match self {
            Self::TransitionNotAllowed => "aturan tidak mengizinkan langkah ini di sini".to_owned(),
            Self::RoleNotAllowed { role, allowed_roles } => {
                format!("peran `{role}` tidak berwenang; peran yang berwenang: {}", list(allowed_roles))
            }
            Self::ConsentRequired { client } => {
                format!(
                    "klien {client} belum memberi persetujuan layanan yang berlaku (aturan: setiap klien memberi persetujuan)"
                )
            }
            Self::GuardianRequired { client } => {
                format!("klien {client} adalah anak: persetujuan harus menyebut walinya")
            }
            Self::GuardianIsPerpetrator { client, guardian } => format!(
                "klien {guardian} tercatat sebagai pelaku dalam kasus ini dan tidak dapat memberi persetujuan untuk anak {client}; sebutkan wali lain"
            ),
            Self::SecondPersonRequired { proposer, step } => format!(
                "staf {proposer} yang melakukan `{step}`, jadi orang lain yang harus menyetujui (aturan: persetujuan oleh orang kedua)"
            ),
            Self::PlanRequired => "belum ada rencana intervensi yang diajukan".to_owned(),
            Self::PlannedServicesOpen { open } => format!(
                "layanan terencana masih terbuka: {}; tuntaskan masing-masing (selesai, atau dihentikan/dibatalkan dengan alasan) lebih dulu",
                ids(open)
            ),
            Self::ReferralsOpen { open } => format!(
                "rujukan masih terbuka: {}; batalkan masing-masing dengan alasan, atau catat jawaban mitra, lebih dulu",
                ids(open)
            ),
            Self::OtherPartner { partner_id, actor_partner } => format!(
                "rujukan ini ke mitra {partner_id}; staf mitra {actor_partner} hanya bertindak atas rujukan ke mitranya sendiri"
            ),
            Self::OtherUnit { unit, actor_unit } => crate::decider::other_unit_id(unit, actor_unit.as_ref()),
            Self::UnnamedPartner { actor_partner } => format!(
                "rujukan perlindungan ini tidak menyebut mitra, jadi staf mitra {actor_partner} tidak dapat bertindak atasnya; staf LK3 mencatat langkah mitra untuknya"
            ),
            Self::ServiceStepNotAllowed { service_id, service, state, step, allowed_steps } => format!(
                "{service} {service_id} berstatus `{state}`, yang tidak mengizinkan `{step}`; langkah yang diizinkan: {}",
                list(allowed_steps)
            ),
            Self::FeedbackRequired => "rujukan hanya dapat diselesaikan dengan umpan balik mitra".to_owned(),
            Self::OverrideNotApproved => {
                "rujukan dikirim dengan pengecualian persetujuan darurat yang belum disetujui orang kedua".to_owned()
            }
            Self::DisclosureConsentRequired { client, partner_id } => format!(
                "klien {client} belum setuju datanya diungkap ke mitra {partner_id}; kirim hanya dengan persetujuan itu atau sebagai pengecualian darurat"
            ),
            Self::DisclosureWithoutClients { partner_id } => format!(
                "kasus belum memiliki klien terdaftar, jadi belum ada yang setuju datanya diungkap ke mitra {partner_id}; daftarkan klien dan persetujuannya lebih dulu, atau kirim sebagai pengecualian darurat"
            ),
            Self::ReasonNotAllowed { reason } => {
                format!("alasan `{reason}` hanya boleh setelah evaluasi")
            }
            Self::TimeRunsBackwards { last, at } => {
                format!("perintah bertanggal {at}, sebelum peristiwa terakhir kasus pada {last}")
            }
            Self::CaseExists { case_id } => format!("kasus {case_id} sudah ada"),
            Self::NotReopenable => {
                "kasus ditutup di tempat atau ditolak, belum pernah dilayani: catat kontak baru".to_owned()
            }
            Self::CaseNotFound => {
                format!("kasus belum ada; hanya `{}` yang dapat membukanya", CaseCommandKind::RecordContact)
            }
            Self::UnknownReference { what, id } => {
                format!("tidak ada {} `{id}` dalam kasus ini", what.label_id())
            }
            Self::InvalidCommand { problem } => problem.label_id().to_owned(),
            Self::Serialization { message } => {
                format!("peristiwa tidak dapat diserialisasi ({message}) untuk `{command}`")
            }
        }
    }
}

impl CommandError {
    pub(crate) fn new(
        command: CaseCommandKind,
        stage: Option<Stage>,
        violation: Violation,
        rules: Option<&RuleSet>,
    ) -> Self {
        let allowed = match rules {
            Some(r) => r.allowed_commands(stage),
            // No rule set chosen (no case yet, none pinned): what any rule set allows.
            None => crate::rules::across_rule_sets(|r| r.allowed_commands(stage)),
        };
        CommandError { command, stage, violation, allowed }
    }
}

impl fmt::Display for CommandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let stage = self.stage.map_or("(no case)", Labelled::id);
        write!(
            f,
            "[{}] cannot `{}` in stage `{}`: {}; allowed in this stage: {}",
            self.code().id(),
            self.command,
            stage,
            self.violation.message_en(self.command),
            list(&self.allowed)
        )
    }
}

impl std::error::Error for CommandError {}

impl Lk3Error for CommandError {
    fn code(&self) -> ErrorCode {
        self.violation.code()
    }

    fn message_id(&self) -> String {
        let stage = self.stage.map_or("(belum ada kasus)", Labelled::id);
        format!(
            "[{}] tidak dapat `{}` pada tahap `{}`: {}; yang diizinkan pada tahap ini: {}",
            self.code().id(),
            self.command,
            stage,
            self.violation.message_id(self.command),
            list(&self.allowed)
        )
    }
}
