"""Stubs of the compiled module ``lk3._lk3`` (Rust, pyo3). Use the package
``lk3`` instead: this low-level layer takes Python data and returns Python
objects built in Rust (events, case summaries, reports) or native classes;
only documents meant to be written as they are (an export, a diagram) are text."""

import os
from typing import Any, Dict, List, Mapping, Optional, Tuple, Union

__version__: str

def rule_sets() -> List[Tuple[str, Optional[str], Optional[str]]]:
    """The registered rule sets: ``(name, effective from, effective until)``, ISO dates."""

def rule_set_in_force(date: str) -> Optional[str]:
    """The rule set in force on a local date ``YYYY-MM-DD``, if any."""

def diagram(rule_set: str, format: str = "json", machine: Optional[str] = None) -> str:
    """The rule set as ``json``, ``mermaid`` or ``dot``; one ``machine`` (json, mermaid)."""

def schema_names() -> List[str]:
    """The names of the published JSON Schemas."""

def schema(name: str) -> Optional[Dict[str, Any]]:
    """The JSON Schema ``name`` as data, or ``None``."""

def rule_set(name: str) -> Dict[str, Any]:
    """The rule set ``name`` as data (``diagram(name, "json")`` as objects); ``ValueError`` for an unknown name."""

class Finding:
    """One problem the validator found in a document (``lk3.Finding``):
    frozen, compared and hashed by its fields, pickled whole."""

    def __init__(self, code: str, severity: str, pointer: str, message_en: str, message_id: str) -> None: ...
    @property
    def code(self) -> str:
        """The stable code (``LK3-E070``, ``LK3-W001`` ...)."""
    @property
    def severity(self) -> str:
        """``error`` (the document is invalid) or ``warning``."""
    @property
    def pointer(self) -> str:
        """Where, as a JSON Pointer (RFC 6901); ``""`` is the whole document."""
    @property
    def message_en(self) -> str:
        """The message in English."""
    @property
    def message_id(self) -> str:
        """The message in Indonesian."""

def validate_bytes(
    data: bytes, kind: Optional[str] = None, trust: Optional[bytes] = None
) -> Tuple[Optional[str], bool, bool, List[Finding]]:
    """Validates a JSON document, its seal against a trust file's bytes if given: the document
    kind, valid, structurally valid, and every finding (GIL released)."""

def validate_data(
    data: Any, kind: Optional[str] = None, trust: Optional[bytes] = None
) -> Tuple[Optional[str], bool, bool, List[Finding]]:
    """``validate_bytes`` of a document given as Python data (dicts, lists, text, numbers), read as it
    is, never written out as text: nesting past 64 levels is the finding ``LK3-E063``; an object that
    is not JSON data raises ``TypeError``."""

def read_document(path: Union[str, "os.PathLike[str]"]) -> bytes:
    """A document file's bytes, at most the size limit; a FIFO or device is refused (GIL released)."""

def walk_documents(path: Union[str, "os.PathLike[str]"]) -> List["os.PathLike[str]"]:
    """The ``*.json`` files under ``path`` in name order (``path`` itself if a file); links inside not followed."""

def new_id(at: str) -> str:
    """A UUID v7 for the RFC 3339 time ``at``, with random bits."""

def pseudonym(key: bytes, id: str) -> str:
    """The keyed pseudonym (HMAC-SHA256, 16 hex digits) of ``id``."""

def age_bands() -> List[str]:
    """The age bands of pseudonymised frames, youngest first."""

def access_rules() -> Dict[str, Any]:
    """The access rule's table as data: ``{"rules": [...], "floors": {...}, "heads": [...], "scopes": {...}}``."""

def resolutions() -> List[str]:
    """The resolutions times are coarsened to (``date``, ``week``, ``month``), finest first."""

def error_codes() -> List[Tuple[str, str, str, str]]:
    """Every code of the core's error registry: ``(code, title in Indonesian, title in English)``."""

ColumnData = Tuple[str, str, object, Optional[List[str]]]

class NativeCase:
    """A case's verified fold, held in Rust; ``lk3.Case`` wraps it."""

    @property
    def case_id(self) -> Optional[str]: ...
    @property
    def unit(self) -> Optional[str]: ...
    @property
    def holding_unit(self) -> Optional[str]: ...
    @property
    def case_number(self) -> Optional[str]: ...
    @property
    def stage(self) -> Optional[str]: ...
    @property
    def version(self) -> int: ...
    @property
    def last_hash(self) -> str: ...
    @property
    def rule_set(self) -> Optional[str]: ...
    @property
    def opened_at(self) -> Optional[str]: ...
    @property
    def last_at(self) -> Optional[str]: ...
    @property
    def channel(self) -> Optional[str]: ...
    @property
    def sasaran(self) -> Optional[str]: ...
    @property
    def worker(self) -> Optional[str]: ...
    @property
    def risk(self) -> Optional[str]: ...
    @property
    def problems(self) -> List[str]: ...
    @property
    def proposal_version(self) -> Optional[int]: ...
    @property
    def continuing(self) -> bool: ...
    @property
    def reopen_count(self) -> int: ...
    def part(self, name: str) -> Any:
        """One member (``clients``, ``consents``, ``services``, ``aid`` ...) as Python objects built in Rust."""
    def to_json(self) -> str:
        """The whole case as JSON text."""
    def to_dict(self) -> Dict[str, Any]:
        """The whole case as Python objects built in Rust (what ``json.loads`` gives for :meth:`to_json`)."""
    def same_as(self, other: "NativeCase") -> bool:
        """The same case at the same event."""

class NativeStore:
    """An lk3 store and the tokio runtime that drives it. Used in a process
    forked from the one that opened it, it reopens itself from its URL
    (SQLite, PostgreSQL; SQLite stores are closed before every ``fork()``)
    or raises ``lk3.StoreError`` LK3-E096 (``memory://``)."""

    @staticmethod
    def open(url: str) -> "NativeStore": ...
    @property
    def url(self) -> str: ...
    @property
    def backend(self) -> str: ...
    @property
    def closed(self) -> bool: ...
    def close(self) -> None: ...
    def execute(
        self,
        case_id: str,
        command: Mapping[str, Any],
        staff_id: str,
        role: str,
        at: str,
        command_id: Optional[str] = None,
        expected_version: Optional[int] = None,
        rule_set: Optional[str] = None,
        partner_id: Optional[str] = None,
        unit: Optional[str] = None,
        events: bool = True,
    ) -> Tuple[List[Dict[str, Any]], bool, "NativeCase"]:
        """Executes a case command (a dict tagged by ``type``, read in Rust as JSON data:
        an aware datetime as RFC 3339 text, a date as ISO text, a tuple or set as a
        list; another object is a ``TypeError``, nesting past 64 levels ``LK3-E063``):
        its events (dicts, built in Rust; an empty list with ``events=False``,
        for a caller that wants only the case), whether its id
        was seen before, and the case after it. Decided against the fold this
        handle kept of the case when it has one (the stream is not read again)."""
    def case(self, case_id: str) -> "NativeCase":
        """A case loaded and verified."""
    def case_events(self, case_id: str) -> List[Dict[str, Any]]:
        """A case's events (dicts, built in Rust), loaded and verified."""
    def execute_outreach(
        self,
        outreach_id: str,
        command: Mapping[str, Any],
        staff_id: str,
        role: str,
        at: str,
        command_id: Optional[str] = None,
        rule_set: Optional[str] = None,
        partner_id: Optional[str] = None,
        unit: Optional[str] = None,
    ) -> Tuple[List[Dict[str, Any]], bool, Dict[str, Any]]:
        """Executes an outreach command (a dict, read as :meth:`execute` reads one): its
        events (dicts), whether its id was
        seen before, and the outreach after it (a dict, as :meth:`outreach`)."""
    def outreach(self, outreach_id: str) -> Dict[str, Any]:
        """``{"outreach": ..., "allowed_commands": [...], "max_attempts": n}``, loaded and verified."""
    def outreach_events(self, outreach_id: str) -> List[Dict[str, Any]]:
        """An outreach's events (dicts, built in Rust), loaded and verified."""
    def outreaches(
        self,
        unit: str,
        active_from: Optional[str] = None,
        active_to: Optional[str] = None,
        after: Optional[str] = None,
        limit: Optional[int] = None,
    ) -> List[Dict[str, Any]]:
        """Summaries (dicts) of the unit's outreaches that may be active in the period."""
    def cases(
        self,
        filters: Dict[str, str],
        limit: Optional[int] = None,
        reader: Optional[Tuple[str, str, Optional[str], Optional[str]]] = None,
    ) -> List[Dict[str, Any]]:
        """Case summaries (dicts, built in Rust) matching the filters."""
    def family(self, unit: str, no_kk: str) -> List[Dict[str, Any]]: ...
    def count_cases(self, filters: Dict[str, str]) -> int: ...
    def fhir_bundle(
        self,
        case_id: Optional[str] = None,
        partners: Optional[List[Dict[str, Any]]] = None,
        base: str = "https://lk3.invalid/fhir",
        key: Optional[bytes] = None,
    ) -> Dict[str, Any]: ...
    def report(
        self, from_: str, to: str, unit: Optional[str] = None, region: Optional[str] = None
    ) -> Dict[str, Any]:
        """A report over local dates ``from_..=to`` (YYYY-MM-DD) of a unit, a
        region (province or kab/kota code) or every unit: JSON
        ``{"report": <lk3.report document>, "sections": {"": [...], "<unit>": [...]}}``."""
    def caseload(self, unit: Optional[str] = None) -> List[Dict[str, Any]]: ...
    def tasks(
        self,
        unit: Optional[str] = None,
        worker: Optional[str] = None,
        due_before: Optional[str] = None,
        overdue_at: Optional[str] = None,
    ) -> Dict[str, Any]: ...
    def partners(self, unit: Optional[str] = None, format: str = "lk3") -> List[Dict[str, Any]]: ...
    def import_partners(self, partners: List[Dict[str, Any]], format: str = "lk3") -> Tuple[int, int, int]: ...
    def put_client(self, record: Mapping[str, Any]) -> List[Dict[str, Any]]: ...
    def find_clients(
        self,
        unit: str,
        nik: Optional[str] = None,
        no_kk: Optional[str] = None,
        name: Optional[str] = None,
        birth_date: Optional[str] = None,
    ) -> List[Dict[str, Any]]: ...
    def merge_clients(self, unit: str, merged: str, into: str, by: str, reason: str, at: str) -> None: ...
    def client_merges(self, unit: str) -> List[Dict[str, Any]]: ...
    def read_client(
        self,
        unit: str,
        client_id: str,
        staff_id: str,
        role: str,
        at: str,
        partner_id: Optional[str] = None,
        actor_unit: Optional[str] = None,
        purpose: Optional[str] = None,
    ) -> Dict[str, Any]: ...
    def put_note(
        self,
        unit: str,
        text: str,
        case_id: Optional[str] = None,
        subjects: List[str] = ...,
        sensitivity: str = "biasa",
    ) -> str: ...
    def put_attachment(
        self,
        unit: str,
        content: bytes,
        kind: str,
        content_type: str,
        case_id: Optional[str] = None,
        subjects: List[str] = ...,
        sensitivity: str = "rahasia",
    ) -> str: ...
    def read_note(
        self,
        unit: str,
        digest: str,
        staff_id: str,
        role: str,
        at: str,
        partner_id: Optional[str] = None,
        actor_unit: Optional[str] = None,
        purpose: Optional[str] = None,
    ) -> Dict[str, Any]: ...
    def read_attachment(
        self,
        unit: str,
        digest: str,
        staff_id: str,
        role: str,
        at: str,
        partner_id: Optional[str] = None,
        actor_unit: Optional[str] = None,
        purpose: Optional[str] = None,
    ) -> Tuple[Dict[str, Any], Optional[bytes]]: ...
    def access_log(self, unit: str, client_id: Optional[str] = None) -> List[Dict[str, Any]]: ...
    def erase_client(self, unit: str, client_id: str, at: str) -> Tuple[bool, int]: ...
    def verify(self, trust: Optional[bytes] = None) -> Dict[str, Any]: ...
    def set_signer(self, private_key: Optional[bytes] = None) -> Optional[str]: ...
    @property
    def signer_key_id(self) -> Optional[str]: ...
    def trust_key(self, public_key: bytes) -> bool: ...
    def trusted_keys(
        self,
    ) -> List[Tuple[str, str, str, Optional[str], Optional[str], Optional[str]]]: ...
    def seal_heads(self) -> Tuple[int, int, int]: ...
    def retire_key(self, key_id: str, from_: str) -> None: ...
    def revoke_key(self, key_id: str, at: str) -> None: ...
    def export_case(self, case_id: str) -> str: ...
    def import_documents(
        self, documents: List[Tuple[str, bytes]], trust: Optional[bytes] = None
    ) -> Tuple[int, int, int]: ...
    def table(
        self,
        name: str,
        filters: Dict[str, str],
        key: Optional[bytes],
        now: str,
        age_as_of: Optional[str] = None,
        resolution: Optional[str] = None,
        reader: Optional[Tuple[str, str, Optional[str], Optional[str], Optional[str]]] = None,
    ) -> List[ColumnData]: ...
