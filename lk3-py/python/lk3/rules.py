"""The rule set, its diagrams, the JSON Schemas and the document validator:
the same tables and checks the Rust core enforces."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from . import _lk3, _time
from .errors import Finding, ValidationError

__all__ = [
    "rule_set",
    "rule_set_in_force",
    "rule_sets",
    "diagram",
    "schema",
    "schema_names",
    "validate",
    "ValidationResult",
    "Document",
    "new_id",
    "pseudonym",
    "age_bands",
    "access_rules",
]

Document = Union[Mapping[str, Any], Sequence[Any], str, bytes, "os.PathLike[str]"]
"""What :func:`validate` reads: JSON data (a dict), JSON text (``str`` or
``bytes``), or a path (``pathlib.Path``, or a ``str`` that is not JSON text)."""


def rule_sets() -> List[Dict[str, Any]]:
    """The registered rule sets, each ``{"name", "effective_from", "effective_until"}``
    (``datetime.date`` or ``None``): ``permensos-16-2013`` and
    ``permensos-25-2017``, which replaced it.

    >>> [r["name"] for r in lk3.rule_sets()]
    ['permensos-16-2013', 'permensos-25-2017']
    """
    from datetime import date as _date

    def day(text: Optional[str]) -> Optional[_date]:
        return None if text is None else _date.fromisoformat(text)

    return [
        {"name": name, "effective_from": day(start), "effective_until": day(end)}
        for name, start, end in _lk3.rule_sets()
    ]


def rule_set_in_force(on: date) -> Optional[str]:
    """The name of the rule set in force on a local date (a case opened then
    is decided under it for ever), or ``None`` before the first.

    >>> lk3.rule_set_in_force(date(2019, 3, 4))
    'permensos-25-2017'
    """
    return _lk3.rule_set_in_force(on.isoformat())


def rule_set(name: str) -> Dict[str, Any]:
    """A rule set as data: its state machines (``case``, its services,
    ``penjangkauan``), each with its states and transitions (from, to,
    command, roles, requirements, sources), and its effective dates.
    ``name`` is required: no rule set is chosen for you.

    >>> [m["name"] for m in lk3.rule_set("permensos-16-2013")["machines"]][:2]
    ['case', 'informasi']
    """
    result: Dict[str, Any] = _lk3.rule_set(name)
    return result


def diagram(rule_set: str, format: str = "json", machine: Optional[str] = None) -> str:
    """A rule set as a diagram: ``mermaid`` (``stateDiagram-v2``), ``dot``
    (Graphviz) or ``json``; ``machine`` (``case``, ``rujukan`` ...) draws one
    machine (mermaid, json). Generated from the table the core enforces."""
    return _lk3.diagram(rule_set, format, machine)


def schema_names() -> List[str]:
    """The names of the published JSON Schemas (``case``, ``event``, ``command`` ...)."""
    return _lk3.schema_names()


def schema(name: str) -> Dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a document type, e.g. ``schema("case")``;
    ``ValueError`` for an unknown name."""
    result = _lk3.schema(name)
    if result is None:
        raise ValueError(f"unknown schema `{name}`: expected one of {', '.join(schema_names())}")
    return result


@dataclass(frozen=True)
class ValidationResult:
    """What :func:`validate` found in one document. True when valid."""

    document: Optional[str]
    """The document kind found (``case``, ``event``, ``command`` ...), if it could be told."""
    valid: bool
    """No error (warnings allowed)."""
    structurally_valid: bool
    """The document matches its JSON Schema, whatever the meaning checks say."""
    findings: Tuple[Finding, ...]
    """Every finding, in document order."""

    def __bool__(self) -> bool:
        return self.valid

    @property
    def errors(self) -> Tuple[Finding, ...]:
        """The findings of severity ``error``."""
        return tuple(f for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> Tuple[Finding, ...]:
        """The findings of severity ``warning``."""
        return tuple(f for f in self.findings if f.severity == "warning")

    def raise_for_errors(self) -> None:
        """Raises :class:`lk3.ValidationError` (with every finding) unless valid."""
        if self.valid:
            return
        first = self.errors[0]
        raise ValidationError(
            f"{first.message_en} (at {first.pointer!r})",
            code=first.code,
            message_id=f"{first.message_id} (pada {first.pointer!r})",
            findings=self.findings,
        )


def _bytes(doc: Document) -> bytes:
    if isinstance(doc, bytes):
        return doc
    if isinstance(doc, str):
        if doc.lstrip()[:1] in ("{", "["):
            return doc.encode("utf-8")
        return _lk3.read_document(doc)
    if isinstance(doc, os.PathLike):
        return _lk3.read_document(os.fspath(doc))
    return json.dumps(doc, ensure_ascii=False, default=_json_default).encode("utf-8")


def _json_default(value: Any) -> Any:
    from datetime import date, datetime

    if isinstance(value, datetime):
        return _time.to_rfc3339(value, "a time in the document")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON data")


def validate(doc: Document, *, kind: Optional[str] = None, trust: Optional[Document] = None) -> ValidationResult:
    """Validates a document: structure (the published JSON Schema, with JSON
    Pointers into tagged unions) and meaning (a case's events replay legally
    and end where its header says, seq, the hash chain, times, references,
    disclosure only with consent). Never raises for a bad document: the
    findings say what is wrong. ``kind`` forces the document kind (a schema
    name); otherwise it is told from the document.

    ``doc`` is a path, JSON text or bytes (read as they are: a repeated key is
    ``LK3-E066``), or Python data (dicts, lists, text, numbers, times), which
    the validator reads as it is, never writing it out as text first. Data
    that is not JSON raises: ``TypeError`` for an object of another kind or
    a key that is not text, ``ValueError`` for a number that is not finite.

    ``trust`` is a trust file (``lk3 keys trust`` writes it; a path, its
    text or bytes, or its data): a case or outreach document must then carry
    a seal by one of its keys (``LK3-E040`` ... ``LK3-E045`` at ``/seal``).
    Without it, a sealed document gets the warning ``LK3-W006`` (its seal
    was not checked). A trust file that cannot be used raises
    :class:`ValidationError` (``LK3-E046``).

    >>> r = lk3.validate({"type": "terminate", "reason": "bosan"})
    >>> r.valid, r.findings[0].code, r.findings[0].pointer
    (False, 'LK3-E070', '/reason')
    """
    trusted = None if trust is None else _bytes(trust)
    if isinstance(doc, (bytes, str, os.PathLike)):
        document, valid, structurally_valid, findings = _lk3.validate_bytes(_bytes(doc), kind, trusted)
    else:
        # Data is read by the native validator as it is, never written out as text first.
        document, valid, structurally_valid, findings = _lk3.validate_data(doc, kind, trusted)
    return ValidationResult(
        document=document, valid=valid, structurally_valid=structurally_valid, findings=tuple(findings)
    )


def new_id(at: Optional[_time.TimeLike] = None) -> str:
    """A new UUID v7 (time-ordered, random bits) for a case, client, consent
    or service id; ``at`` defaults to now."""
    return _lk3.new_id(_time.to_rfc3339(at if at is not None else _time.now()))


def pseudonym(key: bytes, id: str) -> str:
    """The pseudonym pseudonymised frames give ``id`` under ``key``:
    HMAC-SHA256(key, id) as hex, truncated to 16 digits. With the key, a
    holder of the original data can link their own rows to a frame."""
    return _lk3.pseudonym(bytes(key), id)


def age_bands() -> List[str]:
    """The age bands of pseudonymised client frames, youngest first."""
    return _lk3.age_bands()


def access_rules() -> Dict[str, Any]:
    """Who reads personal data, from the one table the store enforces
    (``lk3_core::access::READ_RULES``): ``{"rules": [{"sensitivity",
    "roles", "purpose_required", "insiders_only"}, ...], "floors": {"identitas":
    "rahasia", "catatan": "biasa", "lampiran": "rahasia"}, "heads": ["ketua",
    "penanggung_jawab"], "scopes": {role: "unit" | "pekerja" | "mitra" |
    "tidak_ada"}}`` (``scopes``: whose cases each role lists, see
    :meth:`lk3.Store.cases` ``reader=``). A note or an attachment is read at the stricter of
    its own sensitivity and its kind's floor; where ``insiders_only``, only the
    case's worker, the record's author and the unit's ``heads`` read it; a read
    that needs a purpose is logged."""
    return _lk3.access_rules()
