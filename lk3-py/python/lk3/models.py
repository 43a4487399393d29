"""Read-only objects for what a store holds: cases, their services, clients
and consents, case summaries, executed commands.

They are read-only: attributes cannot be assigned, and ``to_dict()`` gives
the JSON form the Rust core writes (the ``case`` header of an export
document, the summary row of a query). A :class:`Case` is held by the Rust
core and its members are turned into Python objects only when read.
"""

from __future__ import annotations

import copy
import json
from dataclasses import FrozenInstanceError, dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Callable, Dict, NamedTuple, Optional, Tuple, TypeVar, Union

from . import _lk3, _time
from .commands import ContactChannel, Sasaran

__all__ = [
    "Actor",
    "ActorLike",
    "Aid",
    "Case",
    "CaseClient",
    "Consent",
    "Service",
    "ProtectiveReferral",
    "Outreach",
    "OutreachVisit",
    "OutreachSummary",
    "CaseSummary",
    "ServiceSummary",
    "Executed",
    "ImportReport",
]


class Actor(NamedTuple):
    """Who issues a command: a staff member (id) acting in a role
    (``relawan``, ``sekretaris``, ``pekerja_sosial``, ``ketua`` ...).

    A partner's staff act in role ``mitra`` and name their partner (its
    directory id) in ``partner_id``; they may then act only on referrals to
    that partner (:class:`lk3.CommandRefused` ``LK3-E141`` otherwise). LK3
    staff name no partner; when they record a partner's step the event says
    it was on the partner's behalf.

    ``unit`` names the LK3 unit (``64.74``, ``13.71-RAUDAH``) whose staff they
    are, when your identity system knows it: such staff act only on cases
    their unit holds, and only a receiving unit's ketua answers a transfer
    to it (``LK3-E144``). Left out, the event records no unit."""

    staff_id: str
    role: str
    partner_id: Optional[str] = None
    unit: Optional[str] = None


ActorLike = Union[Actor, Tuple[str, str], Tuple[str, str, str]]
"""An :class:`Actor`, a ``(staff_id, role)`` tuple, or a
``(staff_id, "mitra", partner_id)`` tuple."""


@dataclass(frozen=True)
class CaseClient:
    """A client of a case, by registry id (identity lives in the client registry)."""

    client_id: str
    minor: bool
    """Under 18 when registered: the consent needs a guardian."""
    role: Optional[str] = None
    """The client's part in the case (``korban``, ``pelaku``, ``wali`` ...), when given."""


@dataclass(frozen=True)
class Consent:
    """A consent recorded in a case."""

    consent_id: str
    subject: str
    """The client whose data it covers."""
    purposes: Tuple[str, ...]
    form: str
    guardian: Optional[str]
    disclose_to: Tuple[str, ...]
    """Partners (registry ids) the subject agrees to disclose to."""
    given_at: datetime
    withdrawn_at: Optional[datetime]

    @property
    def in_force(self) -> bool:
        """Not withdrawn."""
        return self.withdrawn_at is None

    @classmethod
    def _from_json(cls, c: Dict[str, Any]) -> Consent:
        return cls(
            consent_id=c["consent"]["consent_id"],
            subject=c["consent"]["subject"],
            purposes=tuple(c["consent"]["purposes"]),
            form=c["consent"]["form"],
            guardian=c["consent"].get("guardian"),
            disclose_to=tuple(c["consent"].get("disclose_to", ())),
            given_at=_time.parse_required(c["given_at"]),
            withdrawn_at=_time.parse(c.get("withdrawn_at")),
        )


@dataclass(frozen=True)
class Service:
    """A service instance inside a case (informasi, konsultasi, konseling,
    advokasi, rujukan) and where it stands."""

    service_id: str
    kind: str
    state: str
    plan_version: Optional[int]
    """The plan version that planned it; ``None`` when opened outside a plan."""
    opened_at: datetime
    sessions: int
    partner_id: Optional[str]
    """For a referral: the partner (registry id)."""
    response_deadline: Optional[datetime]
    """For a sent referral: when the partner must answer by."""
    consent_override: bool
    """A referral sent without consent to disclose (emergency), for audit."""
    feedback_outcome: Optional[str]
    """The partner's feedback on a completed referral."""
    priority: Optional[str] = None
    """For a sent referral: ``rutin``, ``segera`` or ``darurat`` as asked
    (``None``: sent without one, which means rutin)."""
    requested_service: Optional[str] = None
    """For a sent referral: the partner's service asked for (its directory slug)."""
    problems: Tuple[str, ...] = ()
    """For a sent referral: the problems it is for."""
    letter_digest: Optional[str] = None
    """For a sent referral: the SHA-256 of its letter in the notes store."""
    replaces: Optional[str] = None
    """The earlier referral this one was sent instead of."""
    replaced_by: Optional[str] = None
    """The referral sent instead of this one."""

    @classmethod
    def _from_json(cls, d: Dict[str, Any]) -> Service:
        feedback = d.get("feedback")
        request = d.get("request") or {}
        return cls(
            service_id=d["service_id"],
            kind=d["kind"],
            state=d["state"],
            plan_version=d.get("plan_version"),
            opened_at=_time.parse_required(d["opened_at"]),
            sessions=int(d.get("sessions", 0)),
            partner_id=d.get("partner_id"),
            response_deadline=_time.parse(d.get("response_deadline")),
            consent_override=bool(d.get("consent_override", False)),
            feedback_outcome=feedback.get("outcome") if feedback else None,
            priority=request.get("priority"),
            requested_service=request.get("service"),
            problems=tuple(request.get("problems", ())),
            letter_digest=request.get("letter_digest"),
            replaces=request.get("replaces"),
            replaced_by=d.get("replaced_by"),
        )


@dataclass(frozen=True)
class ProtectiveReferral:
    """An emergency protective referral sent from a case, and where it stands:
    ``dikirim`` (sent) until the partner's response and outcome move it by
    the referral service's table (``diterima``, ``ditolak``, ``selesai`` ...)."""

    referral_id: str
    partner: str
    """Where to: ``polisi_uppa``, ``uptd_ppa``, ``rumah_sakit`` ..."""
    partner_id: Optional[str]
    """The partner's directory id, when known."""
    reason: str
    """Why it could not wait (an emergency reason)."""
    consent_override: bool
    """Sent without every client's consent to disclose to that partner: audited."""
    sent_at: datetime
    sent_by: str
    state: str
    step_reason: Optional[str]
    """The reason of the last step that gave one (a rejection, hold, failure, cancellation;
    a void's reason is in its event)."""
    feedback_outcome: Optional[str]
    """The partner's feedback on completing it."""
    override_approved_by: Optional[str]

    @classmethod
    def _from_json(cls, d: Dict[str, Any]) -> ProtectiveReferral:
        feedback = d.get("feedback")
        return cls(
            referral_id=d["referral_id"],
            partner=d["partner"],
            partner_id=d.get("partner_id"),
            reason=d["reason"],
            consent_override=bool(d["consent_override"]),
            sent_at=_time.parse_required(d["sent_at"]),
            sent_by=d["sent_by"],
            state=d.get("state", "dikirim"),
            step_reason=d.get("step_reason"),
            feedback_outcome=feedback.get("outcome") if feedback else None,
            override_approved_by=d.get("override_approved_by"),
        )


@dataclass(frozen=True)
class Transfer:
    """A transfer of the case to another LK3 unit: asked by the holding
    unit's ketua, accepted or refused by the receiving unit's."""

    from_unit: str
    to_unit: str
    reason: str
    """``klien_pindah_domisili``, ``layanan_khusus``, ``konflik_kepentingan``, ``permintaan_klien``, ``lainnya``."""
    requested_at: datetime
    requested_by: str
    state: str
    """``diajukan`` (awaiting the answer), ``diterima`` or ``ditolak``."""
    answered_at: Optional[datetime]
    answered_by: Optional[str]
    refusal: Optional[str]
    """Why it was refused: ``di_luar_wilayah``, ``kapasitas_penuh``, ``layanan_tidak_tersedia``, ``lainnya``."""

    @classmethod
    def _from_json(cls, d: Dict[str, Any]) -> Transfer:
        return cls(
            from_unit=d["from_unit"],
            to_unit=d["to_unit"],
            reason=d["reason"],
            requested_at=_time.parse_required(d["requested_at"]),
            requested_by=d["requested_by"],
            state=d["state"],
            answered_at=_time.parse(d.get("answered_at")),
            answered_by=d.get("answered_by"),
            refusal=d.get("refusal"),
        )


@dataclass(frozen=True)
class KeptRecord:
    """A note or an attachment kept with a case: its digest (the text or the
    bytes are in the personal data store, read with :meth:`lk3.Store.read_note`
    / :meth:`lk3.Store.read_attachment`), how secret it is, who added it and when."""

    digest: str
    sensitivity: str
    """``biasa``, ``rahasia`` or ``sangat_rahasia``."""
    about: Tuple[str, ...]
    """The clients (registry ids) it is about."""
    added_at: datetime
    added_by: str
    kind: Optional[str] = None
    """An attachment's kind: ``formulir_persetujuan``, ``surat_rujukan``, ``foto_bantuan``, ``laporan``, ``lainnya``."""
    content_type: Optional[str] = None
    """An attachment's content type: ``application/pdf``, ``image/jpeg``, ``image/png``."""
    bytes: Optional[int] = None
    """An attachment's size."""

    @classmethod
    def _from_json(cls, d: Dict[str, Any]) -> KeptRecord:
        r = d["record"]
        return cls(
            digest=r.get("note") or r["attachment"],
            sensitivity=r["sensitivity"],
            about=tuple(r.get("about", ())),
            added_at=_time.parse_required(d["added_at"]),
            added_by=d["added_by"],
            kind=r.get("kind"),
            content_type=r.get("content_type"),
            bytes=r.get("bytes"),
        )


@dataclass(frozen=True)
class Aid:
    """Material aid handed over in a case (bantuan), for the report's counts."""

    aid_id: str
    funding: str
    """Who paid: ``baznas``, ``laz``, ``apbd_dpa``, ``kemensos``, ``lainnya``."""
    given_on: date
    """The unit's local date it was handed over."""
    item: str
    """What: ``kacamata``, ``sembako``, ``kursi_roda``, ``alat_bantu_jalan``,
    ``alat_bantu_dengar``, ``perlengkapan_sekolah``, ``lainnya``."""
    quantity: int
    recipient: str
    """The client (registry id) who received it."""

    @classmethod
    def _from_json(cls, d: Dict[str, Any]) -> Aid:
        return cls(
            aid_id=d["aid_id"],
            funding=d["funding"],
            given_on=date.fromisoformat(d["given_on"]),
            item=d["item"],
            quantity=int(d["quantity"]),
            recipient=d["recipient"],
        )


_T = TypeVar("_T")


class _CaseData:
    """A case's JSON form read as :class:`_lk3.NativeCase` is (an unpickled
    :class:`Case` is no longer held by the Rust core)."""

    __slots__ = ("_d",)

    def __init__(self, d: Dict[str, Any]) -> None:
        self._d = d

    def _get(self, key: str) -> Any:
        return self._d.get(key)

    case_id = property(lambda self: self._get("case_id"))
    unit = property(lambda self: self._get("unit"))
    holding_unit = property(lambda self: self._get("holder") or self._get("unit"))
    case_number = property(lambda self: self._get("case_number"))
    stage = property(lambda self: self._get("stage"))
    version = property(lambda self: int(self._get("version") or 0))
    last_hash = property(lambda self: str(self._get("last_hash") or ""))
    rule_set = property(lambda self: self._get("rule_set"))
    opened_at = property(lambda self: self._get("opened_at"))
    last_at = property(lambda self: self._get("last_at"))
    channel = property(lambda self: self._get("channel"))
    sasaran = property(lambda self: self._get("sasaran"))
    worker = property(lambda self: self._get("worker"))
    risk = property(lambda self: self._get("risk"))
    problems = property(lambda self: list(self._get("problems") or ()))
    proposal_version = property(lambda self: (self._get("proposal") or {}).get("plan_version"))
    continuing = property(lambda self: bool(self._get("continuing")))
    reopen_count = property(lambda self: int(self._get("reopen_count") or 0))

    def part(self, name: str) -> Any:
        default: Any = None if name == "referred_by" else []
        return copy.deepcopy(self._d.get(name, default))

    def to_json(self) -> str:
        return json.dumps(self._d)

    def to_dict(self) -> Dict[str, Any]:
        return copy.deepcopy(self._d)


def _case_from_dict(d: Dict[str, Any]) -> Case:
    return Case(_CaseData(d))


class Case:
    """A case as the store holds it: the verified fold of its events, held by
    the Rust core. Members are read when asked for (a case of a thousand
    events costs no more to hand back than a new one), and are read-only.

    >>> case.stage, case.version
    ('registrasi', 2)
    """

    __slots__ = ("_native", "_members")
    _native: Union[_lk3.NativeCase, _CaseData]
    _members: Dict[str, Any]

    def __init__(self, native: Union[_lk3.NativeCase, _CaseData]) -> None:
        """Cases come from a :class:`lk3.Store` (:meth:`lk3.Store.case`, every command)."""
        object.__setattr__(self, "_native", native)
        object.__setattr__(self, "_members", {})

    if not TYPE_CHECKING:  # so that a type checker still sees assignments as errors

        def __setattr__(self, name: str, value: Any) -> None:
            raise FrozenInstanceError(f"cannot assign to field {name!r}")

        def __delattr__(self, name: str) -> None:
            raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __copy__(self) -> Case:
        return self  # read-only: a copy would be the same

    def __deepcopy__(self, memo: Dict[int, Any]) -> Case:
        return self

    def __reduce__(self) -> Tuple[Any, Tuple[Dict[str, Any]]]:
        """Pickles as its JSON form (a ``multiprocessing`` worker can return a case)."""
        return (_case_from_dict, (self.to_dict(),))

    def __eq__(self, other: object) -> bool:
        """The same case at the same event (same id, version and last hash)."""
        if not isinstance(other, Case):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def _key(self) -> Tuple[str, int, str]:
        return (self.case_id, self.version, self._native.last_hash)

    def __repr__(self) -> str:
        return f"Case(case_id={self.case_id!r}, unit={self.unit!r}, stage={self.stage!r}, version={self.version})"

    def _member(self, name: str, build: Callable[[Any], _T]) -> _T:
        members: Dict[str, Any] = self._members
        if name not in members:
            members[name] = build(self._native.part(name))
        value: _T = members[name]
        return value

    @property
    def case_id(self) -> str:
        return self._native.case_id or ""

    @property
    def unit(self) -> str:
        """The unit that opened the case and keeps its history."""
        return self._native.unit or ""

    @property
    def case_number(self) -> Optional[str]:
        return self._native.case_number

    @property
    def stage(self) -> str:
        """The lifecycle stage: ``kontak``, ``registrasi``, ``pendekatan_awal``,
        ``kontrak``, ``asesmen``, ``rencana_intervensi``, ``intervensi``,
        ``evaluasi``, ``terminasi``, ``bimbingan_lanjut``, ``ditutup``."""
        return self._native.stage or ""

    @property
    def version(self) -> int:
        """The number of events: the expected version for the next command."""
        return self._native.version

    @property
    def rule_set(self) -> str:
        """The rule set the case is decided under, for ever (``permensos-25-2017`` ...)."""
        return self._native.rule_set or ""

    @property
    def opened_at(self) -> datetime:
        return _time.parse_required(self._native.opened_at or "")

    @property
    def last_at(self) -> datetime:
        """Its last event's time."""
        return _time.parse_required(self._native.last_at or "")

    @property
    def channel(self) -> Optional[str]:
        """How the case came in: ``datang_langsung``, ``telepon_hotline``,
        ``penjangkauan``, ``rujukan_masuk``, ``laporan_masyarakat``, ``media_sosial``."""
        return self._native.channel

    @property
    def sasaran(self) -> Optional[str]:
        """Who the service is for: ``individu``, ``keluarga``, ``kelompok``, ``organisasi``, ``masyarakat``."""
        return self._native.sasaran

    @property
    def worker(self) -> Optional[str]:
        """The social worker who started the engagement (staff id)."""
        return self._native.worker

    @property
    def risk(self) -> Optional[str]:
        """The assessed risk: ``rendah``, ``sedang``, ``tinggi``, ``kritis``."""
        return self._native.risk

    @property
    def problems(self) -> Tuple[str, ...]:
        return tuple(self._native.problems)

    @property
    def clients(self) -> Tuple[CaseClient, ...]:
        return self._member(
            "clients", lambda d: tuple(CaseClient(c["client_id"], bool(c["minor"]), c.get("role")) for c in d)
        )

    @property
    def consents(self) -> Tuple[Consent, ...]:
        return self._member("consents", lambda d: tuple(Consent._from_json(c) for c in d))

    @property
    def services(self) -> Tuple[Service, ...]:
        return self._member("services", lambda d: tuple(Service._from_json(s) for s in d))

    @property
    def aid(self) -> Tuple[Aid, ...]:
        """The aid handed over, in order."""
        return self._member("aid", lambda d: tuple(Aid._from_json(a) for a in d))

    @property
    def proposal_version(self) -> Optional[int]:
        """The plan version awaiting approval, if one does."""
        return self._native.proposal_version

    @property
    def continuing(self) -> bool:
        """Reopened after closure: the client counts as continuing (binaan lanjutan)."""
        return self._native.continuing

    @property
    def reopen_count(self) -> int:
        return self._native.reopen_count

    @property
    def referred_by(self) -> Optional[Dict[str, Any]]:
        """The organisation that referred the case (``partner_id``, ``reference``), when another did."""
        referred: Optional[Dict[str, Any]] = self._member("referred_by", lambda d: d)
        return referred

    @property
    def protective_referrals(self) -> Tuple[ProtectiveReferral, ...]:
        """Emergency protective referrals sent, each with its state."""
        return self._member(
            "protective_referrals", lambda d: tuple(ProtectiveReferral._from_json(r) for r in d)
        )

    @property
    def holding_unit(self) -> str:
        """The unit holding the case now: ``unit`` (which opened it and keeps its
        history) until a transfer is accepted, then the unit that accepted it."""
        return self._native.holding_unit or self.unit

    @property
    def transfers(self) -> Tuple[Transfer, ...]:
        """Transfers to other units, in the order they were asked."""
        return self._member("transfers", lambda d: tuple(Transfer._from_json(t) for t in d))

    @property
    def notes(self) -> Tuple[KeptRecord, ...]:
        """The notes kept with the case, in order (digests only)."""
        return self._member("notes", lambda d: tuple(KeptRecord._from_json(n) for n in d))

    @property
    def attachments(self) -> Tuple[KeptRecord, ...]:
        """The documents attached to the case, in order (digests only)."""
        return self._member("attachments", lambda d: tuple(KeptRecord._from_json(a) for a in d))

    @property
    def pending_transfer(self) -> Optional[Transfer]:
        """The transfer awaiting the receiving unit's answer, if any."""
        transfers = self.transfers
        return transfers[-1] if transfers and transfers[-1].state == "diajukan" else None

    def to_dict(self) -> Dict[str, Any]:
        """The case as JSON data (a new copy each call): the ``case`` of an export document."""
        d: Dict[str, Any] = self._native.to_dict()
        return d

    def service(self, service_id: str) -> Service:
        """The service instance with this id (``KeyError`` if none)."""
        for s in self.services:
            if s.service_id == service_id:
                return s
        raise KeyError(service_id)


@dataclass(frozen=True)
class OutreachVisit:
    """One planned outreach visit and what came of it."""

    attempt: int
    """1 for the first visit, then 2, 3 ..."""
    planned_for: datetime
    mobile_unit: bool
    """Whether the mobile unit (mobil LK3) went."""
    scheduled_by: str
    carried_out_at: Optional[datetime]
    carried_out_by: Optional[str]
    outcome: Optional[str]
    """``bersedia``, ``menolak`` or ``tidak_ditemukan``, once recorded."""


@dataclass(frozen=True)
class Outreach:
    """An outreach (penjangkauan) as the store holds it: the verified fold of
    its events. It starts from a report, plans visits, and ends with the
    person's agreement (linked to a case), a refusal, or a closure."""

    outreach_id: str
    unit: str
    rule_set: str
    state: str
    """``dilaporkan``, ``dijadwalkan``, ``dilaksanakan``, ``bersedia``, ``menolak``, ``tidak_ditemukan``, ``ditutup``."""
    version: int
    """The number of events."""
    reported_at: datetime
    last_at: datetime
    reported_by: str
    """``ketua_rt``, ``bhabinkamtibmas``, ``tksk``, ``warga``, ``mitra``, ``lainnya``."""
    sasaran: str
    """Who it is for: ``individu``, ``keluarga``, ``kelompok``, ``organisasi``, ``masyarakat``."""
    problems: Tuple[str, ...]
    kode_wilayah: Optional[str]
    """Where the person was seen, as a kode wilayah (never an address)."""
    attempts: int
    max_attempts: int
    visits: Tuple[OutreachVisit, ...]
    case_id: Optional[str]
    """The case an agreement opened or joined."""
    opens_case: Optional[bool]
    """Whether the agreement opens a new case (``False``: joins one)."""
    client_id: Optional[str]
    """The person, by client registry id, once they agreed."""
    refusal: Optional[str]
    """Why the person refused: ``tidak_merasa_perlu``, ``keluarga_menolak``,
    ``sudah_dibantu_pihak_lain``, ``menolak_campur_tangan``, ``lainnya``."""
    closure: Optional[str]
    """Why it was closed: ``tidak_ditemukan_berulang``, ``laporan_tidak_terbukti``,
    ``laporan_ganda``, ``ditangani_pihak_lain``, ``pindah``, ``meninggal``, ``di_luar_lingkup``."""
    allowed_commands: Tuple[str, ...]
    """The commands the outreach's table allows now (``schedule`` left out once the visits are used up)."""

    @property
    def finished(self) -> bool:
        """No command is allowed any more."""
        return not self.allowed_commands

    @classmethod
    def _from_json(cls, d: Dict[str, Any], allowed: Any, max_attempts: int) -> Outreach:
        link = d.get("case_link")
        return cls(
            outreach_id=d["outreach_id"],
            unit=d["unit"],
            rule_set=d.get("rule_set", ""),
            state=d["state"],
            version=int(d["version"]),
            reported_at=_time.parse_required(d["reported_at"]),
            last_at=_time.parse_required(d["last_at"]),
            reported_by=d["reported_by"],
            sasaran=d["sasaran"],
            problems=tuple(d.get("problems", ())),
            kode_wilayah=d.get("kode_wilayah"),
            attempts=int(d.get("attempts", 0)),
            max_attempts=max_attempts,
            visits=tuple(
                OutreachVisit(
                    attempt=int(v["attempt"]),
                    planned_for=_time.parse_required(v["planned_for"]),
                    mobile_unit=bool(v["mobile_unit"]),
                    scheduled_by=v["scheduled_by"],
                    carried_out_at=_time.parse(v.get("carried_out_at")),
                    carried_out_by=v.get("carried_out_by"),
                    outcome=v.get("outcome"),
                )
                for v in d.get("visits", ())
            ),
            case_id=link["case_id"] if link else None,
            opens_case=link["link"] == "opens" if link else None,
            client_id=d.get("client_id"),
            refusal=d.get("refusal"),
            closure=d.get("closure"),
            allowed_commands=tuple(allowed),
        )


@dataclass(frozen=True)
class OutreachSummary:
    """An outreach as the queries see it."""

    outreach_id: str
    unit: str
    state: str
    reported_at: datetime
    last_at: datetime
    version: int

    @classmethod
    def _from_json(cls, d: Dict[str, Any]) -> OutreachSummary:
        return cls(
            outreach_id=d["outreach_id"],
            unit=d["unit"],
            state=d["state"],
            reported_at=_time.parse_required(d["reported_at"]),
            last_at=_time.parse_required(d["last_at"]),
            version=int(d["version"]),
        )


@dataclass(frozen=True)
class ServiceSummary:
    """A service inside a case summary."""

    service_id: str
    kind: str
    state: str
    response_deadline: Optional[datetime]
    partner_id: Optional[str] = None
    """The partner (an organisation) a referral is sent to, once chosen."""


@dataclass(frozen=True)
class CaseSummary:
    """A case as the queries see it: ids and vocabulary, no personal data."""

    case_id: str
    unit: str
    case_number: Optional[str]
    stage: str
    opened_at: datetime
    last_at: datetime
    version: int
    worker: Optional[str]
    risk: Optional[str]
    problems: Tuple[str, ...]
    clients: Tuple[str, ...]
    services: Tuple[ServiceSummary, ...]
    _raw: Dict[str, Any] = field(repr=False, compare=False)
    holding_unit: str = ""
    """The unit holding the case now (``unit`` opened it and keeps its history)."""
    channel: Optional[ContactChannel] = None
    """How the case first reached the LK3."""
    sasaran: Optional[Sasaran] = None
    """Whom the case concerns."""

    def to_dict(self) -> Dict[str, Any]:
        """The summary as JSON data (a copy)."""
        return copy.deepcopy(self._raw)

    @classmethod
    def _from_json(cls, d: Dict[str, Any]) -> CaseSummary:
        return cls(
            case_id=d["case_id"],
            unit=d["unit"],
            case_number=d.get("case_number"),
            stage=d["stage"],
            opened_at=_time.parse_required(d["opened_at"]),
            last_at=_time.parse_required(d["last_at"]),
            version=int(d["version"]),
            worker=d.get("worker"),
            risk=d.get("risk"),
            problems=tuple(d.get("problems", ())),
            clients=tuple(d.get("clients", ())),
            services=tuple(
                ServiceSummary(
                    service_id=s["service_id"],
                    kind=s["kind"],
                    state=s["state"],
                    response_deadline=_time.parse(s.get("response_deadline")),
                    partner_id=s.get("partner_id"),
                )
                for s in d.get("services", ())
            ),
            _raw=d,
            holding_unit=d.get("holder") or d["unit"],
            channel=d.get("channel"),
            sasaran=d.get("sasaran"),
        )


@dataclass(frozen=True)
class Executed:
    """What a command did: its events (JSON data, as stored), whether the
    command id had been executed before (then nothing new was written and
    these are the first run's events), and the case after it."""

    case_id: str
    events: Tuple[Dict[str, Any], ...]
    replayed: bool
    case: Case = field(repr=False, compare=False)
    """The case as the command left it (as it is now, for a replayed command)."""

    @property
    def version(self) -> int:
        """The case's version after the command's events."""
        return int(self.events[-1]["seq"]) if self.events else 0

    @property
    def event_types(self) -> Tuple[str, ...]:
        """The ``type`` of each event's payload."""
        return tuple(str(e["payload"]["type"]) for e in self.events)


class ImportReport(NamedTuple):
    """What :meth:`lk3.Store.import_documents` did."""

    imported: int
    """Streams written."""
    already_present: int
    """Streams already in the store from the same first command."""
    events: int
    """Events written."""
