"""``lk3.Store``: cases kept in a store (in memory, a SQLite file or
PostgreSQL), commands decided by the Rust core, and analysis tables.

Every method is synchronous and releases the GIL while Rust works, so
threads can share a store or use stores of their own.
"""

from __future__ import annotations

import os
from array import array
from datetime import date, datetime, timezone
from pathlib import Path
from types import TracebackType
from typing import (
    TYPE_CHECKING,
    Any,
    Dict,
    Iterable,
    Iterator,
    List,
    Literal,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    Type,
    Union,
)

from . import _lk3, _time, commands
from ._frames import Table
from ._time import DateLike, TimeLike
from ._privacy import RESOLUTIONS, Resolution
from .errors import NotFound
from .models import Actor, ActorLike, Case, CaseSummary, Executed, ImportReport, Outreach, OutreachSummary
from .report import Report
from .rules import Document, _bytes, new_id

if TYPE_CHECKING:
    import pandas

__all__ = ["Store", "ClientLike", "PlanItemLike", "PartnerFormat", "TABLES"]

PartnerFormat = Literal["lk3", "hsds"]
"""The form partners are read and written in: lk3 partner documents, or Open
Referral HSDS 3.0 ``organization`` objects in lk3's mapping."""

ClientLike = Union[str, Tuple[str, bool], Tuple[str, bool, str], Mapping[str, Any]]
"""A client to register: a client id (an adult), ``(client_id, minor)``,
``(client_id, minor, role)``, or ``{"client_id": ..., "minor": ..., "role": ...}``;
``role`` is the client's part in the case: ``klien_utama``, ``korban``,
``pelaku``, ``wali``, ``saksi``, ``anggota_keluarga`` (a perpetrator is never
a child's guardian in the case: ``LK3-E023``)."""

PlanItemLike = Union[str, Mapping[str, Any]]
"""A planned service: its kind (``"konseling"``; a new service id is made),
or ``{"service": kind, "service_id": ..., "partner_id": ...}``."""

TABLES = ("cases", "services", "referrals", "aid", "protective_referrals", "events", "clients")
"""The analysis tables a store builds."""

PathLike = Union[str, "os.PathLike[str]"]


def _date_text(value: DateLike, what: str) -> str:
    """A local date as YYYY-MM-DD (a datetime is refused: a report's period is dates)."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, str):
        return value
    raise TypeError(f"`{what}` must be a date or YYYY-MM-DD text, not {type(value).__name__}")


def _now(at: Optional[TimeLike]) -> str:
    """``at`` as RFC 3339, now when not given."""
    return _time.to_rfc3339(datetime.now(timezone.utc) if at is None else at)


def _actor(actor: ActorLike) -> Actor:
    if isinstance(actor, Actor):
        return actor
    if isinstance(actor, tuple) and len(actor) == 2:
        return Actor(str(actor[0]), str(actor[1]))
    if isinstance(actor, tuple) and len(actor) == 3:
        return Actor(str(actor[0]), str(actor[1]), str(actor[2]))
    raise TypeError("`actor` must be an lk3.Actor, a (staff_id, role) or a (staff_id, role, partner_id) tuple")


class Store:
    """Cases kept in a store. Open one with :meth:`Store.open`::

        with lk3.Store.open("sqlite://lk3.db") as store:
            case = store.open_case(unit="64.74", case_number="64.74/2019/0001",
                                   channel="datang_langsung", sasaran="keluarga",
                                   actor=relawan, at=now)
            print(case.stage)            # kontak
            frame = store.cases_frame()  # a pandas DataFrame

    Commands are checked by the Rust core against the rule set and appended
    in one transaction; a refusal raises an :class:`lk3.Lk3Error` subclass
    and writes nothing. Executing a command again with the same
    ``command_id`` returns the first result and writes nothing.

    Across processes: a store opened before ``os.fork()`` (or a
    ``multiprocessing`` pool started with ``fork``) works in the child,
    which reopens a SQLite or PostgreSQL store from its URL on first use
    (SQLite connections are closed before every fork and reopened after, in
    both processes). A ``memory://`` store cannot follow: its data stays in
    the parent, and the child gets :class:`lk3.StoreError` ``LK3-E096``.
    Stores do not pickle: with ``spawn``, open one in each worker.
    """

    def __init__(self, native: _lk3.NativeStore) -> None:
        """Use :meth:`Store.open`."""
        self._native = native

    @classmethod
    def open(cls, url: PathLike, *, signing_key: Optional[Document] = None) -> Store:
        """Opens the store ``url`` names, creating it if needed:

        - ``memory://`` (or ``memory:``): in memory, gone when closed;
        - ``sqlite://PATH``, or a plain path: a SQLite file (WAL, durable commits);
        - ``postgres://user@host:port/db``: a PostgreSQL database.

        With ``signing_key`` (a private key file of ``lk3 keys generate``: a
        path, its text or bytes), the store seals every batch it appends of
        the key's unit (see :meth:`set_signing_key`).
        """
        store = cls(_lk3.NativeStore.open(os.fspath(url)))
        if signing_key is not None:
            store.set_signing_key(signing_key)
        return store

    # -- seals and trust ----------------------------------------------------

    def set_signing_key(self, private_key: Optional[Document]) -> Optional[str]:
        """Seals every batch appended from now on of the key's unit with
        the key (Ed25519 over the stream's head, kept beside the events and
        carried by exported documents); ``None`` stops sealing. Returns the
        key id. A malformed key file raises :class:`ValidationError` LK3-E046."""
        return self._native.set_signer(None if private_key is None else _bytes(private_key))

    @property
    def signing_key_id(self) -> Optional[str]:
        """The id of the key the store seals with, if any."""
        return self._native.signer_key_id

    def trust_key(self, public_key: Document) -> bool:
        """Trusts a unit's public key file (received over a trusted
        channel); returns whether it is new. From then on :meth:`verify`
        requires every stream's last event to be sealed by a trusted key,
        and :meth:`import_documents` requires every document to be."""
        return self._native.trust_key(_bytes(public_key))

    def trusted_keys(self) -> List[Dict[str, Any]]:
        """Every key the store records, revoked ones too: dicts with
        ``key_id``, ``unit``, ``public_key``, ``created``, ``retired_from``
        and ``revoked_at`` (aware datetimes or ``None``)."""
        names = ("key_id", "unit", "public_key", "created", "retired_from", "revoked_at")
        out: List[Dict[str, Any]] = []
        for row in self._native.trusted_keys():
            record: Dict[str, Any] = dict(zip(names, row))
            for t in names[3:]:
                if record[t] is not None:
                    record[t] = datetime.fromisoformat(str(record[t]).replace("Z", "+00:00"))
            out.append(record)
        return out

    def seal_heads(self) -> Dict[str, int]:
        """Seals, with the store's signing key, the last event of every
        stream of the key's unit that is not sealed yet (a store that starts
        sealing late), each stream verified and re-decided first. Returns
        ``{"sealed": n, "already": n, "other_units": n}``."""
        sealed, already, other_units = self._native.seal_heads()
        return {"sealed": sealed, "already": already, "other_units": other_units}

    def retire_key(self, key_id: str, from_: TimeLike) -> None:
        """Retires a trusted key from ``from_`` on: it still verifies seals
        over heads that occurred before then (key rotation)."""
        self._native.retire_key(key_id, _time.to_rfc3339(from_))

    def revoke_key(self, key_id: str, at: Optional[TimeLike] = None) -> None:
        """Revokes a trusted key (lost or stolen) at ``at`` (now if not
        given): nothing it sealed verifies any more; its record stays,
        marked, as the trace."""
        from datetime import timezone

        when = datetime.now(timezone.utc) if at is None else at
        self._native.revoke_key(key_id, _time.to_rfc3339(when))

    @property
    def url(self) -> str:
        """The URL, without its password."""
        return self._native.url

    @property
    def backend(self) -> str:
        """``memory``, ``sqlite`` or ``postgres``."""
        return self._native.backend

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._native.closed

    def close(self) -> None:
        """Releases the store's connections; later calls raise ``ValueError``."""
        self._native.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        state = " (closed)" if self.closed else ""
        return f"<lk3.Store {self.backend} {self.url}{state}>"

    # -- commands ---------------------------------------------------------

    def execute(
        self,
        case_id: str,
        command: Union[commands.CaseCommand, Mapping[str, Any]],
        *,
        actor: ActorLike,
        at: TimeLike,
        command_id: Optional[str] = None,
        expected_version: Optional[int] = None,
        rule_set: Optional[str] = None,
    ) -> Executed:
        """Executes a case command given as JSON data tagged by ``type``
        (the ``command`` schema, :func:`lk3.schema` ``("command")``; typed,
        field by field and value by value, in :mod:`lk3.commands`)::

            store.execute(case_id, {"type": "terminate", "reason": "pindah"},
                          actor=("0190...", "pekerja_sosial"), at=now)

        ``at`` is when it happened (an aware datetime). ``command_id`` makes
        retries safe: the same id again returns the first result (``replayed``).
        With ``expected_version`` (a :attr:`Case.version` you read), the
        command is refused with :class:`lk3.Conflict` if the case moved on.
        Raises :class:`lk3.ValidationError` for a malformed command and a
        :class:`lk3.CommandRefused` subclass when the rules refuse it.

        A case is decided under the rule set it was opened under; a
        ``record_contact`` opens it under the one in force on the unit's
        local date (:func:`lk3.rule_set_in_force`) unless ``rule_set`` pins one.
        """
        events, replayed, case = self._execute(case_id, command, actor, at, command_id, expected_version, rule_set, True)
        return Executed(case_id=case_id, events=tuple(events), replayed=replayed, case=Case(case))

    def _execute(
        self,
        case_id: str,
        command: Union[commands.CaseCommand, Mapping[str, Any]],
        actor: ActorLike,
        at: TimeLike,
        command_id: Optional[str],
        expected_version: Optional[int],
        rule_set: Optional[str],
        events: bool,
    ) -> Tuple[List[Dict[str, Any]], bool, _lk3.NativeCase]:
        a = _actor(actor)
        return self._native.execute(
            case_id,
            dict(command),
            a.staff_id,
            a.role,
            _time.to_rfc3339(at),
            command_id,
            expected_version,
            rule_set,
            a.partner_id,
            a.unit,
            events=events,
        )

    def _run(
        self,
        case_id: str,
        command: Dict[str, Any],
        actor: ActorLike,
        at: TimeLike,
        command_id: Optional[str],
        expected_version: Optional[int] = None,
    ) -> Case:
        # Only the case is returned: its events are not made into Python objects.
        _, _, case = self._execute(case_id, command, actor, at, command_id, expected_version, None, False)
        return Case(case)

    def open_case(
        self,
        *,
        unit: str,
        case_number: str,
        channel: str,
        sasaran: str,
        actor: ActorLike,
        at: TimeLike,
        case_id: Optional[str] = None,
        command_id: Optional[str] = None,
        rule_set: Optional[str] = None,
        referred_by: Optional[Mapping[str, Any]] = None,
    ) -> Case:
        """Opens a case from a contact (``record_contact``): ``channel`` is
        how it came in (``datang_langsung``, ``telepon_hotline`` ...),
        ``sasaran`` who the service is for (``individu``, ``keluarga`` ...).
        A new case id is made unless given. Returns the case (stage ``kontak``).
        The case is under the rule set in force on the unit's local date
        (``permensos-25-2017`` since 2018) unless ``rule_set`` pins one; it
        stays under it for ever (:attr:`Case.rule_set`). A case another
        organisation referred names it: ``referred_by={"partner_id": ...,
        "reference": "B/045/PPA/IV/2019"}`` (their reference: letters, digits,
        ``. / - _``); the case then answers that referral in FHIR
        (:meth:`fhir_bundle`) with the status its stage gives."""
        case_id = case_id or new_id(at)
        command: Dict[str, Any] = {
            "type": "record_contact",
            "case_id": case_id,
            "unit": unit,
            "case_number": case_number,
            "channel": channel,
            "sasaran": sasaran,
        }
        if referred_by is not None:
            command["referred_by"] = dict(referred_by)
        done = self.execute(case_id, command, actor=actor, at=at, command_id=command_id, rule_set=rule_set)
        return done.case

    def register(
        self,
        case_id: str,
        *,
        clients: Sequence[ClientLike],
        problems: Iterable[str] = (),
        actor: ActorLike,
        at: TimeLike,
        command_id: Optional[str] = None,
    ) -> Case:
        """Registers the case's clients (registry ids; identities go to
        :meth:`put_client`) and the problems stated (``kdrt`` ...)."""
        listed: List[Dict[str, Any]] = []
        for c in clients:
            if isinstance(c, str):
                listed.append({"client_id": c, "minor": False})
            elif isinstance(c, tuple) and len(c) == 3:
                listed.append({"client_id": c[0], "minor": bool(c[1]), "role": c[2]})
            elif isinstance(c, tuple):
                listed.append({"client_id": c[0], "minor": bool(c[1])})
            else:
                listed.append(dict(c))
        command = {"type": "register", "clients": listed, "problems": list(problems)}
        return self._run(case_id, command, actor, at, command_id)

    def start_engagement(
        self, case_id: str, *, actor: ActorLike, at: TimeLike, command_id: Optional[str] = None
    ) -> Case:
        """Starts the first engagement; the actor becomes the case's worker."""
        return self._run(case_id, {"type": "start_engagement"}, actor, at, command_id)

    def record_consent(
        self,
        case_id: str,
        *,
        subject: str,
        purposes: Iterable[str],
        form: str = "tertulis",
        guardian: Optional[str] = None,
        disclose_to: Iterable[str] = (),
        consent_id: Optional[str] = None,
        actor: ActorLike,
        at: TimeLike,
        command_id: Optional[str] = None,
    ) -> Case:
        """Records a client's consent for ``purposes`` (``layanan``,
        ``asesmen``, ``pengungkapan_ke_mitra`` ...), given ``tertulis``
        (written) or ``terekam`` (recorded); a child's needs a ``guardian``."""
        consent: Dict[str, Any] = {
            "consent_id": consent_id or new_id(at),
            "form": form,
            "purposes": list(purposes),
            "subject": subject,
        }
        if guardian is not None:
            consent["guardian"] = guardian
        partners = list(disclose_to)
        if partners:
            consent["disclose_to"] = partners
        return self._run(case_id, {"type": "record_consent", "consent": consent}, actor, at, command_id)

    def withdraw_consent(
        self, case_id: str, consent_id: str, *, actor: ActorLike, at: TimeLike, command_id: Optional[str] = None
    ) -> Case:
        """Withdraws a consent from now on."""
        return self._run(case_id, {"type": "withdraw_consent", "consent_id": consent_id}, actor, at, command_id)

    def agree_contract(
        self, case_id: str, *, actor: ActorLike, at: TimeLike, command_id: Optional[str] = None
    ) -> Case:
        """Makes the service agreement (every client's consent needed)."""
        return self._run(case_id, {"type": "agree_contract"}, actor, at, command_id)

    def start_assessment(
        self, case_id: str, *, actor: ActorLike, at: TimeLike, command_id: Optional[str] = None
    ) -> Case:
        """Starts the assessment (consent to assessment needed)."""
        return self._run(case_id, {"type": "start_assessment"}, actor, at, command_id)

    def complete_assessment(
        self,
        case_id: str,
        *,
        problems: Iterable[str],
        risk: str,
        actor: ActorLike,
        at: TimeLike,
        command_id: Optional[str] = None,
    ) -> Case:
        """Completes the assessment with the problems and the risk
        (``rendah``, ``sedang``, ``tinggi``, ``kritis``) found."""
        command = {"type": "complete_assessment", "problems": list(problems), "risk": risk}
        return self._run(case_id, command, actor, at, command_id)

    def propose_plan(
        self,
        case_id: str,
        *,
        items: Sequence[PlanItemLike],
        actor: ActorLike,
        at: TimeLike,
        command_id: Optional[str] = None,
    ) -> Case:
        """Proposes an intervention plan; each planned service becomes a
        service instance (same id) when the ketua approves the plan."""
        planned: List[Dict[str, Any]] = []
        for item in items:
            if isinstance(item, str):
                planned.append({"service": item, "service_id": new_id(at)})
            else:
                d = dict(item)
                d.setdefault("service_id", new_id(at))
                planned.append(d)
        return self._run(case_id, {"type": "propose_plan", "items": planned}, actor, at, command_id)

    def approve_plan(
        self,
        case_id: str,
        *,
        plan_version: int,
        actor: ActorLike,
        at: TimeLike,
        command_id: Optional[str] = None,
    ) -> Case:
        """Approves the proposed plan (the ketua, not its author), naming the
        version reviewed (:attr:`Case.proposal_version`)."""
        return self._run(case_id, {"type": "approve_plan", "plan_version": plan_version}, actor, at, command_id)

    def open_service(
        self,
        case_id: str,
        *,
        kind: str,
        partner_id: Optional[str] = None,
        service_id: Optional[str] = None,
        actor: ActorLike,
        at: TimeLike,
        command_id: Optional[str] = None,
    ) -> Case:
        """Opens a service instance outside the plan: ``informasi``,
        ``konsultasi``, ``konseling``, ``advokasi``, or ``rujukan`` (a
        referral, to ``partner_id``). Returns the case; the new service is
        ``case.services[-1]``."""
        command: Dict[str, Any] = {"type": "open_service", "kind": kind, "service_id": service_id or new_id(at)}
        if partner_id is not None:
            command["referral"] = {"partner_id": partner_id}
        return self._run(case_id, command, actor, at, command_id)

    def service_step(
        self,
        case_id: str,
        service_id: str,
        step: str,
        *,
        actor: ActorLike,
        at: TimeLike,
        command_id: Optional[str] = None,
        **fields: Any,
    ) -> Case:
        """Takes a step of a service instance, checked against the service's
        own machine: ``store.service_step(case_id, sid, "hold_session", ...)``,
        ``store.service_step(case_id, sid, "reject", reason="kapasitas_penuh", ...)``,
        ``store.service_step(case_id, sid, "complete", feedback={"outcome": "tertangani"}, ...)``.
        A referral's sending may say what it asks of the partner and which
        earlier referral it is sent instead of: ``store.service_step(case_id,
        sid, "send", request={"priority": "segera", "service": "bantuan-hukum",
        "problems": ["kdrt"], "replaces": earlier_sid}, ...)``."""
        command = {"type": "service_step", "service_id": service_id, "step": {"type": step, **fields}}
        return self._run(case_id, command, actor, at, command_id)

    def begin_evaluation(
        self, case_id: str, *, actor: ActorLike, at: TimeLike, command_id: Optional[str] = None
    ) -> Case:
        """Begins the evaluation (every planned service finished or cancelled)."""
        return self._run(case_id, {"type": "begin_evaluation"}, actor, at, command_id)

    def terminate(
        self, case_id: str, *, reason: str, actor: ActorLike, at: TimeLike, command_id: Optional[str] = None
    ) -> Case:
        """Terminates the case with a reason (``tujuan_tercapai``, ``pindah`` ...)."""
        return self._run(case_id, {"type": "terminate", "reason": reason}, actor, at, command_id)

    def approve_closure(
        self, case_id: str, *, actor: ActorLike, at: TimeLike, command_id: Optional[str] = None
    ) -> Case:
        """Approves the closure (the ketua or penanggung jawab, not who terminated)."""
        return self._run(case_id, {"type": "approve_closure"}, actor, at, command_id)

    def assign_worker(
        self,
        case_id: str,
        *,
        worker: str,
        reason: str,
        actor: ActorLike,
        at: TimeLike,
        command_id: Optional[str] = None,
    ) -> Case:
        """Hands the case to another worker (``worker``, a staff id): the
        ketua or the penanggung jawab, from pendekatan awal to aftercare,
        with a reason (``pindah_tugas``, ``cuti``, ``beban_kerja``,
        ``konflik_kepentingan``, ``permintaan_klien``, ``lainnya``). The case's
        ``worker`` is then the new one; the event keeps the previous one."""
        return self._run(case_id, {"type": "assign_worker", "worker": worker, "reason": reason}, actor, at, command_id)

    def transfer_case(
        self,
        case_id: str,
        *,
        to_unit: str,
        reason: str,
        actor: ActorLike,
        at: TimeLike,
        command_id: Optional[str] = None,
    ) -> Case:
        """Asks another LK3 unit (``to_unit``, e.g. ``64.72``) to take the
        case over: the holding unit's ketua (or penanggung jawab), from
        pendekatan awal to aftercare, with a reason (``klien_pindah_domisili``,
        ``layanan_khusus``, ``konflik_kepentingan``, ``permintaan_klien``,
        ``lainnya``). The case stays with its unit until the receiving unit
        answers; its history stays where it was opened."""
        command = {"type": "transfer_case", "to_unit": to_unit, "reason": reason}
        return self._run(case_id, command, actor, at, command_id)

    def accept_transfer(
        self,
        case_id: str,
        *,
        worker: str,
        actor: ActorLike,
        at: TimeLike,
        command_id: Optional[str] = None,
    ) -> Case:
        """Takes over the case transferred to the actor's unit, naming its
        worker in charge. The actor is the receiving unit's ketua and names
        that unit (``lk3.Actor(staff_id, "ketua", unit="64.72")``); anyone
        else is refused with ``LK3-E144``."""
        return self._run(case_id, {"type": "accept_transfer", "worker": worker}, actor, at, command_id)

    def refuse_transfer(
        self,
        case_id: str,
        *,
        reason: str,
        actor: ActorLike,
        at: TimeLike,
        command_id: Optional[str] = None,
    ) -> Case:
        """Refuses the case transferred to the actor's unit (its ketua, naming
        the unit), with a reason (``di_luar_wilayah``, ``kapasitas_penuh``,
        ``layanan_tidak_tersedia``, ``lainnya``); the case stays where it was."""
        return self._run(case_id, {"type": "refuse_transfer", "reason": reason}, actor, at, command_id)

    def send_protective_referral(
        self,
        case_id: str,
        *,
        partner: str,
        reason: str,
        partner_id: Optional[str] = None,
        referral_id: Optional[str] = None,
        actor: ActorLike,
        at: TimeLike,
        command_id: Optional[str] = None,
    ) -> Case:
        """Sends an emergency protective referral, in any stage but a closed
        one, before any consent: ``partner`` is where to (``polisi_uppa``,
        ``uptd_ppa``, ``rumah_sakit`` ...), ``reason`` why it cannot wait
        (``kekerasan_berlanjut``, ``anak_dalam_bahaya`` ...), ``partner_id``
        its directory id when known. Audited as a consent override unless
        every client consented to disclose to that very partner. The new
        referral is ``case.protective_referrals[-1]``."""
        command: Dict[str, Any] = {
            "type": "send_protective_referral",
            "referral_id": referral_id or new_id(at),
            "partner": partner,
            "partner_id": partner_id,
            "reason": reason,
        }
        return self._run(case_id, command, actor, at, command_id)

    def protective_referral_step(
        self,
        case_id: str,
        referral_id: str,
        step: str,
        *,
        actor: ActorLike,
        at: TimeLike,
        command_id: Optional[str] = None,
        **fields: Any,
    ) -> Case:
        """Takes a step of a protective referral by the referral service's own
        table, from ``dikirim`` on: the partner's response and outcome
        (``accept``, ``reject`` with ``reason=``, ``process``, ``postpone``,
        ``fail``, ``complete`` with ``feedback={"outcome": ...}``), a
        ``cancel`` by either side, a ``void`` by the referrer,
        ``approve_override`` by a second person. Never blocked by a consent
        withdrawal; not in a closed case."""
        command = {"type": "protective_referral_step", "referral_id": referral_id, "step": {"type": step, **fields}}
        return self._run(case_id, command, actor, at, command_id)

    # -- outreach (penjangkauan) ------------------------------------------

    def report_outreach(
        self,
        *,
        unit: str,
        reported_by: str,
        sasaran: str,
        actor: ActorLike,
        at: TimeLike,
        problems: Iterable[str] = (),
        kode_wilayah: Optional[str] = None,
        outreach_id: Optional[str] = None,
        command_id: Optional[str] = None,
        rule_set: Optional[str] = None,
    ) -> Outreach:
        """Records a report that opens an outreach: ``reported_by`` is who
        reported the person (``ketua_rt``, ``bhabinkamtibmas``, ``tksk``,
        ``warga``, ``mitra``, ``lainnya``), ``sasaran`` who it is for, and
        ``kode_wilayah`` where the person was seen (a region code, never an
        address). A new outreach id is made unless given. Then plan visits
        and record what came of them with :meth:`execute_outreach`."""
        outreach_id = outreach_id or new_id(at)
        command: Dict[str, Any] = {
            "type": "report",
            "outreach_id": outreach_id,
            "unit": unit,
            "reported_by": reported_by,
            "sasaran": sasaran,
            "problems": list(problems),
        }
        if kode_wilayah is not None:
            command["kode_wilayah"] = kode_wilayah
        return self.execute_outreach(
            outreach_id, command, actor=actor, at=at, command_id=command_id, rule_set=rule_set
        )

    def execute_outreach(
        self,
        outreach_id: str,
        command: Union[commands.OutreachCommand, Mapping[str, Any]],
        *,
        actor: ActorLike,
        at: TimeLike,
        command_id: Optional[str] = None,
        rule_set: Optional[str] = None,
    ) -> Outreach:
        """Executes an outreach command given as JSON data tagged by ``type``
        (the ``outreach-command`` schema, :func:`lk3.schema`; typed in
        :mod:`lk3.commands` as ``OutreachCommand``), and returns the outreach
        after it::

            store.execute_outreach(o.outreach_id, {"type": "schedule",
                "planned_for": visit_at, "mobile_unit": True}, actor=worker, at=now)

        Commands: ``schedule`` (``planned_for``, ``mobile_unit``),
        ``carry_out``, ``record_agreement`` (``case``: ``{"link": "opens" |
        "joins", "case_id": ...}``, ``client_id``), ``record_refusal``
        (``reason``), ``record_not_found``, ``close`` (``reason``);
        :attr:`Outreach.allowed_commands` lists those allowed now. After an
        agreement that opens a case, open it with :meth:`open_case`
        (``channel="penjangkauan"``, ``case_id=outreach.case_id``). The same
        ``command_id`` again returns the outreach and writes nothing;
        a refusal raises a :class:`lk3.CommandRefused` subclass."""
        a = _actor(actor)
        _, _, state = self._native.execute_outreach(
            outreach_id, dict(command), a.staff_id, a.role, _time.to_rfc3339(at), command_id, rule_set, a.partner_id, a.unit
        )
        return _outreach(state)

    def outreach(self, outreach_id: str) -> Outreach:
        """An outreach, loaded and verified; :class:`lk3.NotFound` if none."""
        return _outreach(self._native.outreach(outreach_id))

    def outreach_events(self, outreach_id: str) -> List[Dict[str, Any]]:
        """An outreach's events (JSON data), verified."""
        events: List[Dict[str, Any]] = self._native.outreach_events(outreach_id)
        return events

    def outreaches(
        self,
        unit: str,
        *,
        active_from: Optional[DateLike] = None,
        active_to: Optional[DateLike] = None,
        after: Optional[str] = None,
        limit: Optional[int] = None,
    ) -> List[OutreachSummary]:
        """The unit's outreaches, in outreach id (report) order: every one,
        or those that may have been active between ``active_from`` and
        ``active_to`` (reported before its end; written to since its start,
        or not finished). ``after`` (the last ``outreach_id`` of a page) and
        ``limit`` page through them."""
        found = self._native.outreaches(
            unit,
            None if active_from is None else _time.to_bound(active_from, "active_from"),
            None if active_to is None else _time.to_bound(active_to, "active_to"),
            after,
            limit,
        )
        return [OutreachSummary._from_json(d) for d in found]

    # -- reading ----------------------------------------------------------

    def case(self, case_id: str) -> Case:
        """A case, loaded and verified (its chain and head); :class:`lk3.NotFound` if none."""
        return Case(self._native.case(case_id))

    def events(self, case_id: str) -> List[Dict[str, Any]]:
        """A case's events (JSON data: seq, time, actor, payload, hashes), verified."""
        events: List[Dict[str, Any]] = self._native.case_events(case_id)
        return events

    def cases(
        self,
        *,
        unit: Optional[str] = None,
        stage: Optional[str] = None,
        service_kind: Optional[str] = None,
        service_state: Optional[str] = None,
        problem: Optional[str] = None,
        worker: Optional[str] = None,
        opened_from: Optional[DateLike] = None,
        opened_before: Optional[DateLike] = None,
        overdue_at: Optional[DateLike] = None,
        limit: Optional[int] = None,
        held_by: Optional[str] = None,
        transfer_to: Optional[str] = None,
        transfer_state: Optional[str] = None,
        reader: Optional[ActorLike] = None,
        after: Optional[str] = None,
    ) -> List[CaseSummary]:
        """Case summaries matching every filter given, in case id (opening)
        order, at most ``limit``: ``store.cases(stage="intervensi", problem="kdrt")``.
        ``after`` (a case id, the last of the page before) pages through them:
        ``store.cases(limit=500, after=page[-1].case_id)``; :meth:`iter_cases`
        does it for you.
        ``reader``: only the cases that actor's scope admits (by role, from
        :func:`lk3.access_rules` ``["scopes"]``: the cases their unit holds, a
        social worker's own cases, a partner's staff the cases referred to
        their partner, the admin none); staff name their ``unit`` (a
        partner's staff their partner), else :class:`lk3.PermissionDenied`
        ``LK3-E151``. The filters only narrow it.
        ``overdue_at``: cases with a sent referral past its deadline then.
        ``unit``: the cases a unit opened (and keeps the history of);
        ``held_by``: the cases a unit holds now; ``transfer_to`` (with
        ``transfer_state`` ``diajukan``, ``diterima`` or ``ditolak``): the
        cases with a transfer to a unit, e.g. its in-tray of transfers
        awaiting an answer."""
        filters = _filters(unit, stage, service_kind, service_state, problem, worker, opened_from, opened_before, overdue_at)
        filters.update(_transfer_filters(held_by, transfer_to, transfer_state))
        if after is not None:
            filters["after"] = after
        scope = None
        if reader is not None:
            r = _actor(reader)
            scope = (r.staff_id, r.role, r.partner_id, r.unit)
        return [CaseSummary._from_json(d) for d in self._native.cases(filters, limit, scope)]

    def iter_cases(
        self,
        *,
        page_size: int = 500,
        unit: Optional[str] = None,
        stage: Optional[str] = None,
        service_kind: Optional[str] = None,
        service_state: Optional[str] = None,
        problem: Optional[str] = None,
        worker: Optional[str] = None,
        opened_from: Optional[DateLike] = None,
        opened_before: Optional[DateLike] = None,
        overdue_at: Optional[DateLike] = None,
        held_by: Optional[str] = None,
        transfer_to: Optional[str] = None,
        transfer_state: Optional[str] = None,
        reader: Optional[ActorLike] = None,
    ) -> Iterator[CaseSummary]:
        """Every case summary :meth:`cases` gives for the same filters, read a
        page of ``page_size`` at a time (memory stays flat however many there are)."""
        if page_size < 1:
            raise ValueError("`page_size` must be at least 1")
        after: Optional[str] = None
        while True:
            page = self.cases(
                limit=page_size, after=after, unit=unit, stage=stage, service_kind=service_kind,
                service_state=service_state, problem=problem, worker=worker, opened_from=opened_from,
                opened_before=opened_before, overdue_at=overdue_at, held_by=held_by, transfer_to=transfer_to,
                transfer_state=transfer_state, reader=reader,
            )
            yield from page
            if len(page) < page_size:
                return
            after = page[-1].case_id

    def family(self, unit: str, no_kk: str) -> List[Dict[str, Any]]:
        """The family of a Kartu Keluarga in ``unit``'s registry: every
        record under ``no_kk`` (a merged record read as the kept one), each
        ``{"client_id", "files": [{"case_id", "case_number", "stage",
        "role"}]}`` with its role in each case (``korban``, ``pelaku`` ...).
        Ids, numbers and roles only: the No. KK is never echoed."""
        members = self._native.family(unit, no_kk)
        return members

    def caseload(self, unit: Optional[str] = None) -> List[Dict[str, Any]]:
        """Each worker's open (not closed) cases, by stage, where the cases
        are held now (a transferred case counts in the receiving unit): one
        entry per unit and worker, ``{"unit", "worker", "by_stage": {stage: n}, "open": n}``,
        the cases no worker holds yet under ``worker`` ``None``.
        ``pandas.json_normalize(store.caseload())`` is a frame of them."""
        loads = self._native.caseload(unit)
        return loads

    def tasks(
        self,
        *,
        unit: Optional[str] = None,
        worker: Optional[str] = None,
        due_before: Optional[DateLike] = None,
        overdue_at: Optional[DateLike] = None,
    ) -> Table:
        """The open tasks, by due date, as a table (``.to_pandas()``):
        ``task`` (``asesmen``, ``sesi_konseling``, ``bimbingan_lanjut``,
        ``jawaban_rujukan``, ``pencabutan_persetujuan``,
        ``kunjungan_penjangkauan``), ``since`` and ``due`` (UTC), the
        ``unit`` holding the case, ``case_id`` / ``case_number`` or
        ``outreach_id``, ``about`` (the service, consent or outreach it is
        about) and the case's ``worker``. Filters: what ``unit`` holds,
        ``worker``'s cases, due before ``due_before``, overdue at
        ``overdue_at``. A task ends when the event that does it is stored."""
        data = self._native.tasks(
            unit,
            worker,
            None if due_before is None else _time.to_bound(due_before, "due_before"),
            None if overdue_at is None else _time.to_bound(overdue_at, "overdue_at"),
        )
        return _tasks_table(data["kinds"], data["tasks"])

    def count_cases(
        self,
        *,
        unit: Optional[str] = None,
        stage: Optional[str] = None,
        service_kind: Optional[str] = None,
        service_state: Optional[str] = None,
        problem: Optional[str] = None,
        worker: Optional[str] = None,
        opened_from: Optional[DateLike] = None,
        opened_before: Optional[DateLike] = None,
        overdue_at: Optional[DateLike] = None,
        held_by: Optional[str] = None,
        transfer_to: Optional[str] = None,
        transfer_state: Optional[str] = None,
    ) -> int:
        """How many cases match the filters (see :meth:`cases`)."""
        filters = _filters(unit, stage, service_kind, service_state, problem, worker, opened_from, opened_before, overdue_at)
        filters.update(_transfer_filters(held_by, transfer_to, transfer_state))
        return self._native.count_cases(filters)

    def fhir_bundle(
        self,
        case_id: Optional[str] = None,
        *,
        partners: Optional[Sequence[Mapping[str, Any]]] = None,
        base: str = "https://lk3.invalid/fhir",
        key: Optional[bytes] = None,
    ) -> Dict[str, Any]:
        """The referrals of one case, or of every case with one, as a FHIR R4
        ``Bundle`` (type ``collection``): per referral a ``Task``
        (SDOHCC-TaskForReferralManagement) whose focus is a ``ServiceRequest``
        (what the sending asked), the partner and the LK3 unit as
        ``Organization`` resources (named from ``partners``, partner documents, or
        else from the store's network: :meth:`import_partners`),
        the clients as ``Patient`` resources (a ``Group`` for several), and a
        ``Provenance`` per step. A client is named (registry id, NIK, name)
        only to a partner they consented to disclose to, and otherwise appears
        under a pseudonym keyed by ``key``: the same key gives the same
        pseudonym in every bundle; without one, a fresh random key links to
        no other export. ``base`` starts every entry's ``fullUrl``."""
        result = self._native.fhir_bundle(
            case_id,
            None if partners is None else [dict(p) for p in partners],
            base,
            key,
        )
        return result

    def report(
        self,
        from_: DateLike,
        to: DateLike,
        *,
        unit: Optional[str] = None,
        region: Optional[str] = None,
    ) -> Report:
        """The report over local dates ``from_`` to ``to`` (both included) of
        one ``unit`` (``"64.74"``), of every unit of a ``region`` (a province
        ``"64"`` or kab/kota ``"64.74"`` code, community-based units
        included), or, with neither, of every unit in the store. Counted from
        the events: a closed period reads the same when run again later.
        ``report.to_frame("by_problem")`` gives a breakdown as a DataFrame."""
        data = self._native.report(_date_text(from_, "from_"), _date_text(to, "to"), unit, region)
        return Report(data["report"], data["sections"])

    # -- partner network ------------------------------------------------------

    def partners(self, unit: Optional[str] = None, *, format: PartnerFormat = "lk3") -> List[Dict[str, Any]]:
        """The partners of one unit's network (``"64.74"``), or of every
        unit's, in id order: lk3 partner documents (``partner_id``, ``unit``,
        ``name``, ``kind``, ``services``, ``locations``,
        ``accepts_referrals``, ``emergency_line``, ``capacity``), or with
        ``format="hsds"`` Open Referral HSDS 3.0 ``organization`` objects.
        ``pandas.DataFrame(store.partners())`` is a frame of them."""
        partners = self._native.partners(unit, format)
        return partners

    def import_partners(
        self, partners: Iterable[Mapping[str, Any]], *, format: PartnerFormat = "lk3"
    ) -> Dict[str, int]:
        """Adds partners to their units' networks or replaces them (by
        ``partner_id``), all or none: each valid, no id twice, none already in
        another unit's network (else :class:`CommandRefused`, ``LK3-E033``,
        and nothing is written). ``format="hsds"`` reads HSDS organizations as
        :meth:`partners` writes them. Returns ``{"added": n, "changed": n,
        "unchanged": n}``.

        A store that holds a unit's network checks every partner that unit's
        cases name against it: an unknown partner or service is refused with
        ``LK3-E031``, a referral to a partner that takes none now (or for a
        service it closed) with ``LK3-E143``. Nothing removes a partner (cases
        keep naming it): mark one that stopped (``accepts_referrals`` false,
        services ``bubar``)."""
        added, changed, unchanged = self._native.import_partners([dict(p) for p in partners], format)
        return {"added": added, "changed": changed, "unchanged": unchanged}

    # -- personal data ----------------------------------------------------

    def put_client(self, record: Mapping[str, Any]) -> List[Dict[str, Any]]:
        """Adds or replaces a client's identity in the unit's registry (a
        ``client`` document: client_id, unit, name, nik, no_kk, sex,
        birth_date, domicile). Events never hold it; analysis frames leave it
        out when pseudonymised.

        Returns the other records it may duplicate (the duplicate check at
        registration: a warning, never a refusal), best first, as
        ``{"client_id", "by": "nik"|"no_kk"|"nama", "score", "files":
        [{"case_id", "case_number", "stage"}]}``: open the existing file, or
        :meth:`merge_clients` the two records."""
        return self._native.put_client(dict(record))

    def find_clients(
        self,
        unit: str,
        *,
        nik: Optional[str] = None,
        no_kk: Optional[str] = None,
        name: Optional[str] = None,
        birth_date: Optional[date] = None,
    ) -> List[Dict[str, Any]]:
        """The records of ``unit``'s registry that may be the person, best
        first, each with its files (as :meth:`put_client` returns them): the
        same NIK (score 1), the same family card, or a similar name (any case,
        spacing or old spelling: ``Soekarno`` is ``Sukarno``; a known birth
        date that differs rules a name out)."""
        born = None if birth_date is None else birth_date.isoformat()
        found = self._native.find_clients(unit, nik, no_kk, name, born)
        return found

    def merge_clients(self, unit: str, *, merged: str, into: str, by: str, reason: str, at: TimeLike) -> None:
        """Merges registry record ``merged`` into ``into`` (one person):
        recorded with who (``by``, a staff id), when and why (``nik_sama``,
        ``dokumen_diperiksa``, ``konfirmasi_klien``), checked by
        :meth:`verify`; ``merged`` leaves the registry and is read as
        ``into`` from then on (lookups, files, reports). No event changes."""
        self._native.merge_clients(unit, merged, into, by, reason, _time.to_rfc3339(at))

    def client_merges(self, unit: str) -> List[Dict[str, Any]]:
        """The merges of ``unit``'s registry: ``{"unit", "merged", "into", "at", "by", "reason"}``."""
        merges = self._native.client_merges(unit)
        return merges

    def client(
        self,
        unit: str,
        client_id: str,
        *,
        actor: ActorLike,
        purpose: Optional[str] = None,
        at: Optional[TimeLike] = None,
    ) -> Optional[Dict[str, Any]]:
        """A client's identity record read by ``actor`` for ``purpose``
        (``penanganan_kasus``, ``supervisi``, ``rujukan``, ``pelaporan``,
        ``audit``, ``permintaan_klien``, ``perintah_hukum``), or ``None``
        (never held, or erased). ``at`` defaults to now.

        The read goes through the access rule (:func:`lk3.access_rules`) and
        into the unit's access log (:meth:`access_log`), a refusal too:
        without a purpose :class:`lk3.PermissionDenied` ``LK3-E150``; a role
        that reads no identity (``admin``, ``relawan``, ``mitra`` ...), staff
        naming no unit (``Actor(unit=)``) or another unit ``LK3-E151``."""
        a = _actor(actor)
        try:
            record = self._native.read_client(
                unit, client_id, a.staff_id, a.role, _now(at), a.partner_id, a.unit, purpose
            )
        except NotFound:
            return None
        return record

    def put_note(
        self,
        unit: str,
        text: str,
        *,
        case_id: Optional[str] = None,
        about: Sequence[str] = (),
        sensitivity: str = "biasa",
    ) -> str:
        """Keeps a note's text in the personal data store and returns its
        digest (salted SHA-256: the text cannot be guessed back from it).
        ``sensitivity``: ``biasa`` (any of the unit's staff read it),
        ``rahasia`` (case staff, for a purpose, logged), ``sangat_rahasia``
        (the case's worker, its author and the unit's heads, for a purpose,
        logged). :meth:`add_note` also records it in the case."""
        return self._native.put_note(unit, text, case_id, list(about), sensitivity)

    def add_note(
        self,
        case_id: str,
        *,
        text: str,
        actor: ActorLike,
        at: TimeLike,
        sensitivity: str = "biasa",
        about: Sequence[str] = (),
        command_id: Optional[str] = None,
    ) -> Case:
        """Keeps a note with the case: the text in the personal data store
        (:meth:`put_note`), its digest and sensitivity in an ``add_note``
        event (by the case staff, the secretary included, while the case is
        open; ``about`` names the case's clients it concerns). The text is
        kept under those clients, every client of the case when ``about``
        names none, so that erasing any of them erases it. A refused command
        leaves the stored text behind, under those clients."""
        # Read as stored (not the fold this handle kept): a client another
        # writer registered since must be among the subjects erasure reaches.
        case = self.case(case_id)
        # Kept under every client it concerns (all the case's when ``about`` names none), so
        # that erasing any of them erases it.
        subjects = list(about) or [c.client_id for c in case.clients]
        digest = self._native.put_note(case.unit, text, case_id, subjects, sensitivity)
        note = {"about": list(about), "note": digest, "sensitivity": sensitivity}
        return self._run(case_id, {"type": "add_note", "note": note}, actor, at, command_id)

    def add_attachment(
        self,
        case_id: str,
        *,
        content: bytes,
        kind: str,
        content_type: str,
        actor: ActorLike,
        at: TimeLike,
        sensitivity: str = "rahasia",
        about: Sequence[str] = (),
        command_id: Optional[str] = None,
    ) -> Case:
        """Attaches a document to the case: ``kind`` is
        ``formulir_persetujuan``, ``surat_rujukan``, ``foto_bantuan``,
        ``laporan`` or ``lainnya``; ``content_type`` ``application/pdf``,
        ``image/jpeg`` or ``image/png``, and the bytes must be of it (1 byte to
        10 MiB; :class:`lk3.ValidationError` ``LK3-E152`` otherwise). The bytes
        go to the personal data store, the digest, size and type into an
        ``add_attachment`` event. Any attachment is read for a purpose."""
        case = self.case(case_id)  # as stored: see add_note
        subjects = list(about) or [c.client_id for c in case.clients]
        digest = self._native.put_attachment(
            case.unit, bytes(content), kind, content_type, case_id, subjects, sensitivity
        )
        attachment = {
            "about": list(about),
            "attachment": digest,
            "bytes": len(content),
            "content_type": content_type,
            "kind": kind,
            "sensitivity": sensitivity,
        }
        return self._run(case_id, {"type": "add_attachment", "attachment": attachment}, actor, at, command_id)

    def read_note(
        self,
        unit: str,
        digest: str,
        *,
        actor: ActorLike,
        purpose: Optional[str] = None,
        at: Optional[TimeLike] = None,
    ) -> Dict[str, Any]:
        """A note read by ``actor`` through the access rule:
        ``{"digest", "case_id", "subjects", "sensitivity", "text",
        "erased_at"}`` (``text`` is ``None`` once erased). A ``rahasia`` or
        ``sangat_rahasia`` note needs a ``purpose`` (:class:`lk3.PermissionDenied`
        ``LK3-E150``) and the read is logged (:meth:`access_log`); a refusal
        is logged too."""
        a = _actor(actor)
        note = self._native.read_note(unit, digest, a.staff_id, a.role, _now(at), a.partner_id, a.unit, purpose)
        return note

    def read_attachment(
        self,
        unit: str,
        digest: str,
        *,
        actor: ActorLike,
        purpose: Optional[str] = None,
        at: Optional[TimeLike] = None,
    ) -> Dict[str, Any]:
        """An attachment read by ``actor`` for ``purpose`` (always needed),
        logged: ``{"digest", "case_id", "subjects", "sensitivity", "kind",
        "content_type", "bytes", "erased_at", "content"}``, ``content`` the
        bytes (``None`` once erased)."""
        a = _actor(actor)
        attachment, content = self._native.read_attachment(
            unit, digest, a.staff_id, a.role, _now(at), a.partner_id, a.unit, purpose
        )
        attachment["content"] = content
        return attachment

    def access_log(self, unit: str, *, client: Optional[str] = None) -> List[Dict[str, Any]]:
        """The unit's access log, oldest first, checked link by link
        (:class:`lk3.IntegrityError` ``LK3-E153`` where an entry was changed,
        removed or slipped in): ``{"seq", "entry": {"actor", "at", "case_id",
        "clients", "granted", "kind", "purpose", "refusal", "sensitivity",
        "target", "unit"}, "hash"}``; with ``client``, only the entries about
        that client. Ids, digests and codes only: never an identity."""
        log = self._native.access_log(unit, client)
        return log

    def set_client_role(
        self,
        case_id: str,
        *,
        client_id: str,
        role: Optional[str],
        actor: ActorLike,
        at: TimeLike,
        command_id: Optional[str] = None,
    ) -> Case:
        """Sets, changes or (``None``) clears a registered client's role in
        the case (``klien_utama``, ``korban``, ``pelaku``, ``wali``, ``saksi``,
        ``anggota_keluarga``). A child's guardian in a consent in force is
        never made the perpetrator (:class:`lk3.ConsentRequired` ``LK3-E023``)."""
        return self._run(
            case_id, {"type": "set_client_role", "client_id": client_id, "role": role}, actor, at, command_id
        )

    def erase_client(self, unit: str, client_id: str, *, at: TimeLike) -> Tuple[bool, int]:
        """Erases a person (UU 27/2022): their identity, the text of every
        note and the bytes of every attachment about them; every chain and
        the access log still verify. Returns (identity removed, notes erased)."""
        return self._native.erase_client(unit, client_id, _time.to_rfc3339(at))

    # -- integrity, export, import -----------------------------------------

    def verify(self, *, trust: Optional[Document] = None) -> Dict[str, Any]:
        """Re-reads every stream: rows, hashes, chains, heads, query rows,
        seals. ``{"streams": n, "events": n, "seals_checked": bool,
        "sealed_streams": n, "problems": [...]}``: no problems, all good.

        Seals are checked against ``trust`` (a trust file, as for
        :func:`lk3.validate`) when given, else against the keys the store
        trusts (:meth:`trust_key`); with either, every stream's last event
        must be sealed by a trusted key. With neither, ``seals_checked`` is
        false."""
        trusted = None if trust is None else _bytes(trust)
        report = self._native.verify(trusted)
        return report

    def export_case(self, case_id: str) -> str:
        """A case's export document (``lk3.case``, pretty JSON)."""
        return self._native.export_case(case_id)

    def import_documents(
        self, paths: Union[PathLike, Iterable[PathLike]], *, trust: Optional[Document] = None
    ) -> ImportReport:
        """Imports ``lk3.case`` / ``lk3.outreach`` documents (files, or every
        ``*.json`` under a directory, links inside it not followed) in one
        transaction: all or none. Documents already in the store, the same,
        count as present; a document whose events differ from the stored
        stream is a :class:`Conflict`. A file that is not a regular file or is
        over the size limit raises :class:`ValidationError` (LK3-E095, E062),
        and so does finding no document at all (LK3-E068).

        With ``trust`` (a trust file: a path, its text, bytes or data, as for
        :func:`lk3.validate`), or else when the store trusts keys
        (:meth:`trust_key`), every document must carry a seal by one of
        those keys, else nothing is imported: :class:`StoreError` LK3-E089
        naming the seal's code (LK3-E040 to E045). A document's seal is kept
        with its events."""
        items: List[PathLike]
        if isinstance(paths, (str, os.PathLike)):
            items = [paths]
        else:
            items = list(paths)
        # Read in Rust: never more than the size limit, never a FIFO, never
        # through a link inside a directory.
        files = [f for p in items for f in _lk3.walk_documents(os.fspath(p))]
        docs = [(str(f), _lk3.read_document(f)) for f in files]
        trusted = None if trust is None else _bytes(trust)
        return ImportReport(*self._native.import_documents(docs, trusted))

    # -- analysis tables ---------------------------------------------------

    def table(
        self,
        name: str,
        *,
        pseudonymise: bool = False,
        key: Optional[bytes] = None,
        now: Optional[TimeLike] = None,
        age_as_of: Optional[date] = None,
        resolution: Optional[Resolution] = None,
        unit: Optional[str] = None,
        stage: Optional[str] = None,
        service_kind: Optional[str] = None,
        service_state: Optional[str] = None,
        problem: Optional[str] = None,
        worker: Optional[str] = None,
        opened_from: Optional[DateLike] = None,
        opened_before: Optional[DateLike] = None,
        reader: Optional[ActorLike] = None,
        purpose: Optional[str] = None,
    ) -> Table:
        """An analysis table (``cases``, ``services``, ``referrals``, ``aid``,
        ``protective_referrals``, ``events``, ``clients``) for the cases
        matching the filters (the events table takes ``unit`` only), built
        column by column in Rust.

        The ``clients`` table with identities (not pseudonymised) is a read
        of personal data: ``reader`` (an actor naming their unit) reads it for
        a ``purpose``, judged by the access rule and logged once per unit
        (:meth:`access_log`); without them :class:`lk3.PermissionDenied`
        ``LK3-E150``.

        ``pseudonymise=True`` (or a ``key``) makes a table fit to analyse
        outside the unit: ids become keyed pseudonyms (HMAC-SHA256 under
        ``key``, see :func:`lk3.pseudonym`), case numbers, names, NIK, No. KK
        and birth dates are left out, ages become bands and domiciles their
        kab/kota, and every time is coarsened to ``resolution``. Without a
        ``key`` a random one is made for the call, so two calls' tables do
        not link to each other (nor to anything else): pass one key to join
        the tables of several calls, and keep it apart. Before sharing one,
        look for rows a neighbour could single out:
        :func:`lk3.rare_combinations`.

        ``resolution`` (``"date"``, ``"week"`` or ``"month"``, see
        :data:`lk3.RESOLUTIONS`): every time becomes the start (00:00 UTC) of
        its day, ISO week (a Monday) or month. Pseudonymised tables are
        always coarsened, to ``"date"`` unless told otherwise; plain tables
        keep exact times unless a resolution is given.

        ``now`` is when referrals are judged overdue (default: now). Ages
        (``age``, ``age_band``) are each client's age on the day the first of
        their selected cases was opened, not on the day the table is made;
        ``age_as_of`` computes every age on that date instead.
        """
        if name not in TABLES:
            raise ValueError(f"unknown table `{name}`: expected one of {', '.join(TABLES)}")
        if resolution is not None and resolution not in RESOLUTIONS:
            raise ValueError(f"unknown resolution `{resolution}`: expected one of {', '.join(RESOLUTIONS)}")
        if key is not None:
            if not isinstance(key, (bytes, bytearray)) or len(key) < 16:
                raise ValueError("`key` must be at least 16 bytes (e.g. os.urandom(32))")
            pseudonymise = True
        elif pseudonymise:
            key = os.urandom(32)
        if pseudonymise and resolution is None:
            resolution = "date"
        if isinstance(age_as_of, datetime):
            age_as_of = age_as_of.date()
        elif age_as_of is not None and not isinstance(age_as_of, date):
            raise TypeError(f"`age_as_of` must be a datetime.date, not {type(age_as_of).__name__}")
        moment = now if now is not None else _time.now()
        filters = _filters(unit, stage, service_kind, service_state, problem, worker, opened_from, opened_before, None)
        who = None
        if reader is not None:
            r = _actor(reader)
            who = (r.staff_id, r.role, r.partner_id, r.unit, purpose)
        columns = self._native.table(
            name,
            filters,
            bytes(key) if key is not None else None,
            _time.to_rfc3339(moment, "now"),
            age_as_of.isoformat() if age_as_of is not None else None,
            resolution,
            who,
        )
        return Table(name, columns, pseudonymised=key is not None, resolution=resolution)

    def cases_frame(
        self,
        *,
        pseudonymise: bool = False,
        key: Optional[bytes] = None,
        now: Optional[TimeLike] = None,
        resolution: Optional[Resolution] = None,
        unit: Optional[str] = None,
        stage: Optional[str] = None,
        service_kind: Optional[str] = None,
        problem: Optional[str] = None,
        opened_from: Optional[DateLike] = None,
        opened_before: Optional[DateLike] = None,
    ) -> pandas.DataFrame:
        """One row per case: unit, case_id, case_number, stage, opened_at,
        last_at, events, worker, risk, channel (how the case first reached the
        LK3), sasaran, problems, counts of clients, services, referrals and
        consents, overdue_referral. See :meth:`table`."""
        return self.table(
            "cases",
            pseudonymise=pseudonymise,
            key=key,
            now=now,
            resolution=resolution,
            unit=unit,
            stage=stage,
            service_kind=service_kind,
            problem=problem,
            opened_from=opened_from,
            opened_before=opened_before,
        ).to_pandas()

    def services_frame(
        self,
        *,
        pseudonymise: bool = False,
        key: Optional[bytes] = None,
        now: Optional[TimeLike] = None,
        resolution: Optional[Resolution] = None,
        unit: Optional[str] = None,
        service_kind: Optional[str] = None,
        opened_from: Optional[DateLike] = None,
        opened_before: Optional[DateLike] = None,
    ) -> pandas.DataFrame:
        """One row per service instance: unit, case_id, service_id, kind,
        state, partner_id (of a referral, once chosen), response_deadline,
        overdue, case_stage, case_opened_at.
        ``service_kind`` selects the cases that have one (their other
        services come too). See :meth:`table`."""
        return self.table(
            "services",
            pseudonymise=pseudonymise,
            key=key,
            now=now,
            resolution=resolution,
            unit=unit,
            service_kind=service_kind,
            opened_from=opened_from,
            opened_before=opened_before,
        ).to_pandas()

    def referrals_frame(
        self,
        *,
        pseudonymise: bool = False,
        key: Optional[bytes] = None,
        now: Optional[TimeLike] = None,
        resolution: Optional[Resolution] = None,
        unit: Optional[str] = None,
        opened_from: Optional[DateLike] = None,
        opened_before: Optional[DateLike] = None,
    ) -> pandas.DataFrame:
        """One row per referral (rujukan): unit, case_id, service_id, state
        (the rujukan machine's states), partner_id (the organisation, kept
        as is when pseudonymised), response_deadline, overdue, closed,
        case_stage, case_opened_at. See :meth:`table`."""
        return self.table(
            "referrals",
            pseudonymise=pseudonymise,
            key=key,
            now=now,
            resolution=resolution,
            unit=unit,
            opened_from=opened_from,
            opened_before=opened_before,
        ).to_pandas()

    def aid_frame(
        self,
        *,
        pseudonymise: bool = False,
        key: Optional[bytes] = None,
        resolution: Optional[Resolution] = None,
        unit: Optional[str] = None,
        opened_from: Optional[DateLike] = None,
        opened_before: Optional[DateLike] = None,
    ) -> pandas.DataFrame:
        """One row per aid handed over (bantuan): unit (that opened the case),
        case_id, aid_id, funding, given_on (a date), item, quantity,
        recipient (client id), case_stage. See :meth:`table`."""
        return self.table("aid", pseudonymise=pseudonymise, key=key, resolution=resolution, unit=unit,
                          opened_from=opened_from, opened_before=opened_before).to_pandas()

    def protective_referrals_frame(
        self,
        *,
        pseudonymise: bool = False,
        key: Optional[bytes] = None,
        resolution: Optional[Resolution] = None,
        unit: Optional[str] = None,
        opened_from: Optional[DateLike] = None,
        opened_before: Optional[DateLike] = None,
    ) -> pandas.DataFrame:
        """One row per emergency protective referral: unit (that opened the
        case), case_id, referral_id, partner (``polisi_uppa`` ...),
        partner_id, reason, state (in the referral machine), consent_override,
        sent_at, case_stage. See :meth:`table`."""
        return self.table("protective_referrals", pseudonymise=pseudonymise, key=key, resolution=resolution,
                          unit=unit, opened_from=opened_from, opened_before=opened_before).to_pandas()

    def events_frame(
        self,
        *,
        pseudonymise: bool = False,
        key: Optional[bytes] = None,
        resolution: Optional[Resolution] = None,
        unit: Optional[str] = None,
    ) -> pandas.DataFrame:
        """One row per stored event (cases and outreaches): unit,
        stream_kind, stream_id, seq, event_id, occurred_at, type, role,
        staff_id, partner_id (the partner a ``mitra`` acted for, else
        missing), command_id, rule_set, service_id, step, consent_override.
        Events hold no personal data; pseudonymised, every id is a keyed
        pseudonym. See :meth:`table`."""
        return self.table("events", pseudonymise=pseudonymise, key=key, resolution=resolution, unit=unit).to_pandas()

    def clients_frame(
        self,
        *,
        pseudonymise: bool = False,
        key: Optional[bytes] = None,
        age_as_of: Optional[date] = None,
        unit: Optional[str] = None,
        reader: Optional[ActorLike] = None,
        purpose: Optional[str] = None,
    ) -> pandas.DataFrame:
        """One row per registered client of the unit's cases: unit,
        client_id, sex, cases, and either the identity (name, nik, no_kk,
        birth_date, age, domicile), read by ``reader`` for ``purpose`` and
        logged, or, pseudonymised, only age_band and domicile_kab_kota. Ages
        are taken when the client's first case was opened, or on
        ``age_as_of``. See :meth:`table`."""
        return self.table(
            "clients",
            pseudonymise=pseudonymise,
            key=key,
            age_as_of=age_as_of,
            unit=unit,
            reader=reader,
            purpose=purpose,
        ).to_pandas()


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def _outreach(d: Dict[str, Any]) -> Outreach:
    return Outreach._from_json(d["outreach"], d["allowed_commands"], int(d["max_attempts"]))


def _tasks_table(kinds: List[str], tasks: List[Dict[str, Any]]) -> Table:
    """The tasks as a table: vocabularies as categories, times as UTC microseconds."""

    def micros(text: str) -> int:
        stamp = _time.parse_required(text) - _EPOCH
        return (stamp.days * 86_400 + stamp.seconds) * 1_000_000 + stamp.microseconds

    def times(key: str) -> bytes:
        return array("q", [micros(t[key]) for t in tasks]).tobytes()

    units = sorted({t["unit"] for t in tasks})
    columns = [
        ("unit", "category", array("i", [units.index(t["unit"]) for t in tasks]).tobytes(), units),
        ("task", "category", array("i", [kinds.index(t["task"]) for t in tasks]).tobytes(), kinds),
        ("since", "datetime", times("since"), None),
        ("due", "datetime", times("due"), None),
        ("case_id", "string", [t.get("case_id") for t in tasks], None),
        ("case_number", "string", [t.get("case_number") for t in tasks], None),
        ("outreach_id", "string", [t.get("outreach_id") for t in tasks], None),
        ("about", "string", [t.get("about") for t in tasks], None),
        ("worker", "string", [t.get("worker") for t in tasks], None),
    ]
    return Table("tasks", columns, pseudonymised=False)


def _transfer_filters(
    held_by: Optional[str], transfer_to: Optional[str], transfer_state: Optional[str]
) -> Dict[str, str]:
    pairs = (("held_by", held_by), ("transfer_to", transfer_to), ("transfer_state", transfer_state))
    return {k: str(v) for k, v in pairs if v is not None}


def _filters(
    unit: Optional[str],
    stage: Optional[str],
    service_kind: Optional[str],
    service_state: Optional[str],
    problem: Optional[str],
    worker: Optional[str],
    opened_from: Optional[DateLike],
    opened_before: Optional[DateLike],
    overdue_at: Optional[DateLike],
) -> Dict[str, str]:
    out: Dict[str, str] = {}
    for k, v in (
        ("unit", unit),
        ("stage", stage),
        ("service_kind", service_kind),
        ("service_state", service_state),
        ("problem", problem),
        ("worker", worker),
    ):
        if v is not None:
            out[k] = str(v)
    for k, t in (("opened_from", opened_from), ("opened_before", opened_before), ("overdue_at", overdue_at)):
        if t is not None:
            out[k] = _time.to_bound(t, k)
    return out
