"""Read-only objects for what a store holds: cases, their services, clients
and consents, case summaries, executed commands.

They are frozen dataclasses: attributes cannot be assigned, and
``to_dict()`` gives the JSON form the Rust core writes (the ``case`` header
of an export document, the summary row of a query).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Dict, NamedTuple, Optional, Tuple, Union

from . import _time

__all__ = [
    "Actor",
    "ActorLike",
    "Case",
    "CaseClient",
    "Consent",
    "Service",
    "ProtectiveReferral",
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
class Case:
    """A case as the store holds it: the verified fold of its events.

    >>> case.stage, case.version
    ('registrasi', 2)
    """

    case_id: str
    unit: str
    case_number: Optional[str]
    stage: str
    """The lifecycle stage (``kontak``, ``registrasi`` ... ``ditutup``)."""
    version: int
    """The number of events: the expected version for the next command."""
    rule_set: str
    opened_at: datetime
    last_at: datetime
    channel: Optional[str]
    sasaran: Optional[str]
    worker: Optional[str]
    """The social worker who started the engagement (staff id)."""
    risk: Optional[str]
    problems: Tuple[str, ...]
    clients: Tuple[CaseClient, ...]
    consents: Tuple[Consent, ...]
    services: Tuple[Service, ...]
    proposal_version: Optional[int]
    """The plan version awaiting approval, if one does."""
    continuing: bool
    """Reopened after closure: the client counts as continuing (binaan lanjutan)."""
    reopen_count: int
    _raw: Dict[str, Any] = field(repr=False, compare=False)
    referred_by: Optional[Dict[str, Any]] = None
    """The organisation that referred the case (``partner_id``, ``reference``), when another did."""
    protective_referrals: Tuple[ProtectiveReferral, ...] = ()
    """Emergency protective referrals sent, each with its state."""
    holding_unit: str = ""
    """The unit holding the case now: ``unit`` (which opened it and keeps its
    history) until a transfer is accepted, then the unit that accepted it."""
    transfers: Tuple[Transfer, ...] = ()
    """Transfers to other units, in the order they were asked."""
    notes: Tuple[KeptRecord, ...] = ()
    """The notes kept with the case, in order (digests only)."""
    attachments: Tuple[KeptRecord, ...] = ()
    """The documents attached to the case, in order (digests only)."""

    @property
    def pending_transfer(self) -> Optional[Transfer]:
        """The transfer awaiting the receiving unit's answer, if any."""
        return self.transfers[-1] if self.transfers and self.transfers[-1].state == "diajukan" else None

    def to_dict(self) -> Dict[str, Any]:
        """The case as JSON data (a copy): the ``case`` of an export document."""
        return copy.deepcopy(self._raw)

    def service(self, service_id: str) -> Service:
        """The service instance with this id (``KeyError`` if none)."""
        for s in self.services:
            if s.service_id == service_id:
                return s
        raise KeyError(service_id)

    @classmethod
    def _from_json(cls, d: Dict[str, Any]) -> Case:
        proposal = d.get("proposal")
        return cls(
            case_id=d["case_id"],
            unit=d["unit"],
            case_number=d.get("case_number"),
            stage=d["stage"],
            version=int(d["version"]),
            rule_set=d["rule_set"],
            opened_at=_time.parse_required(d["opened_at"]),
            last_at=_time.parse_required(d["last_at"]),
            channel=d.get("channel"),
            sasaran=d.get("sasaran"),
            referred_by=d.get("referred_by"),
            worker=d.get("worker"),
            risk=d.get("risk"),
            problems=tuple(d.get("problems", ())),
            clients=tuple(CaseClient(c["client_id"], bool(c["minor"]), c.get("role")) for c in d.get("clients", ())),
            consents=tuple(
                Consent(
                    consent_id=c["consent"]["consent_id"],
                    subject=c["consent"]["subject"],
                    purposes=tuple(c["consent"]["purposes"]),
                    form=c["consent"]["form"],
                    guardian=c["consent"].get("guardian"),
                    disclose_to=tuple(c["consent"].get("disclose_to", ())),
                    given_at=_time.parse_required(c["given_at"]),
                    withdrawn_at=_time.parse(c.get("withdrawn_at")),
                )
                for c in d.get("consents", ())
            ),
            services=tuple(Service._from_json(s) for s in d.get("services", ())),
            proposal_version=proposal["plan_version"] if proposal else None,
            continuing=bool(d.get("continuing", False)),
            reopen_count=int(d.get("reopen_count", 0)),
            protective_referrals=tuple(ProtectiveReferral._from_json(r) for r in d.get("protective_referrals", ())),
            holding_unit=d.get("holder") or d["unit"],
            transfers=tuple(Transfer._from_json(t) for t in d.get("transfers", ())),
            notes=tuple(KeptRecord._from_json(n) for n in d.get("notes", ())),
            attachments=tuple(KeptRecord._from_json(a) for a in d.get("attachments", ())),
            _raw=d,
        )


@dataclass(frozen=True)
class ServiceSummary:
    """A service inside a case summary."""

    service_id: str
    kind: str
    state: str
    response_deadline: Optional[datetime]


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
                )
                for s in d.get("services", ())
            ),
            _raw=d,
            holding_unit=d.get("holder") or d["unit"],
        )


@dataclass(frozen=True)
class Executed:
    """What a command did: its events (JSON data, as stored) and whether the
    command id had been executed before (then nothing new was written and
    these are the first run's events)."""

    case_id: str
    events: Tuple[Dict[str, Any], ...]
    replayed: bool

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
