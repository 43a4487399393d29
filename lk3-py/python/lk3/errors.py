"""Exceptions mirroring the error areas of the Rust core.

Every exception lk3 raises for a rule, a document or a store is an
:class:`Lk3Error` carrying the stable code (``LK3-Exxx``) and the message in
English and in Indonesian; catch the subclass for the area you handle::

    try:
        store.execute(case_id, {"type": "start_assessment"}, actor=peksos, at=now)
    except lk3.TransitionRefused as e:
        print(e.code, e.message_id)       # LK3-E020, "[LK3-E020] tidak dapat ..."

=================  ==========================================================
class              codes
=================  ==========================================================
ValidationError    identifiers and rule set names (E001-E013), a report period
                   (E130), documents (E060-E070: a repeated key in
                   an object E066, an event not in lk3's canonical form E067), seals and
                   key files (E040-E046), a file lk3 will not read (a FIFO, a device, a
                   link in a folder, too large: E095), an attachment refused (empty,
                   over 10 MiB, not its content type: E152)
CommandRefused     any refused command (E020-E039, E091: it names another case,
                   E140: a referral still open where the case is to end,
                   E143: a partner of the store's network that takes no referrals now),
                   and more precisely:
TransitionRefused  a step the stage or service state does not allow (E020, E036)
PermissionDenied   the actor's role may not issue the command (E021), a
                   partner's staff act on another partner's referral (E141),
                   or a unit's staff act on a case another unit holds, or
                   answer a transfer sent to another unit (E144); a read of
                   personal data without a purpose (E150) or that the role,
                   unit or part in the case does not allow (E151)
ConsentRequired    no consent in force, a guardian missing, no consent to disclose (E022, E023, E039)
NotFound           no such case, client or stream (E030, E081)
Conflict           another writer was first (E080), a command id reused for another
                   case or command (E082), a case number the unit already gave (E092)
IntegrityError     a broken chain, an event that is not what its command decides, or stored
                   data changed behind lk3's back (E050-E054, E083, E086-E088), an
                   access log whose entries do not hold together (E153)
StoreError         the store cannot be used (E084, E085, E089, E090), is not an lk3
                   store (E093), needs an upgrade to be read (E094), or was
                   opened in another process and cannot follow a fork (E096)
=================  ==========================================================

Messages never repeat a NIK or No. KK: they are safe to log. Every exception
pickles with its class, code, messages and findings, so an error raised in a
``multiprocessing`` worker reaches the parent as the same exception.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, Optional, Sequence, Tuple, Type

from . import _lk3

__all__ = [
    "Lk3Error",
    "ValidationError",
    "CommandRefused",
    "TransitionRefused",
    "PermissionDenied",
    "ConsentRequired",
    "NotFound",
    "Conflict",
    "IntegrityError",
    "StoreError",
    "Finding",
    "error_class",
    "error_codes",
    "error_areas",
]


Finding = _lk3.Finding
"""One problem the validator found in a document (a native class; see
:class:`lk3._lk3.Finding`)."""


class Lk3Error(Exception):
    """An error of the lk3 core or a store: a stable code and both messages."""

    code: str
    """The stable machine code, ``LK3-Exxx``."""
    message_en: str
    """The message in English."""
    message_id: str
    """The message in Indonesian (Bahasa Indonesia)."""
    findings: Tuple[Finding, ...]
    """For a refused document or command: every finding of the validator."""

    def __init__(
        self,
        message_en: str,
        *,
        code: str,
        message_id: str = "",
        findings: Sequence[Finding] = (),
    ) -> None:
        text = message_en if message_en.startswith(f"[{code}]") else f"[{code}] {message_en}"
        super().__init__(text)
        self.code = code
        self.message_en = message_en
        self.message_id = message_id or message_en
        self.findings = tuple(findings)

    def __reduce__(self) -> Tuple[Callable[..., Lk3Error], Tuple[Any, ...], Dict[str, Any]]:
        # Exception's own pickling calls ``cls(*self.args)``, which lacks the
        # keyword-only ``code``: the unpickling failed, and a multiprocessing
        # pool whose worker raised an lk3 error waited for ever. Rebuild from
        # the fields instead; the state carries anything else set on the
        # exception (``__notes__`` ...).
        fields = (type(self), self.message_en, self.code, self.message_id, self.findings)
        return (_rebuild, fields, dict(self.__dict__))


class ValidationError(Lk3Error, ValueError):
    """A malformed identifier or vocabulary value, or a document (or command)
    that breaks its schema or meaning; ``findings`` lists every problem."""


class CommandRefused(Lk3Error):
    """The rules refused a command: nothing was written."""


class TransitionRefused(CommandRefused):
    """The case's stage (or the service's state) does not allow the step."""


class PermissionDenied(CommandRefused):
    """The actor's role may not issue the command."""


class ConsentRequired(CommandRefused):
    """No consent in force covers the step, a child's consent lacks a
    guardian, or a referral lacks consent to disclose to that partner."""


class NotFound(Lk3Error, LookupError):
    """No such case, client, note or stream."""


class Conflict(Lk3Error):
    """Another writer appended first (reload and retry), or a command id was
    already used for another case."""


class IntegrityError(Lk3Error):
    """Stored events that fail verification: a broken chain, a changed or
    missing event, a projection that disagrees with its events."""


class StoreError(Lk3Error):
    """The store cannot be used: unreachable, written by a newer lk3, an
    unknown URL, a document refused by import."""


def _rebuild(
    cls: Type[Lk3Error], message_en: str, code: str, message_id: str, findings: Sequence[Finding]
) -> Lk3Error:
    """An unpickled exception (see :meth:`Lk3Error.__reduce__`), built by
    :class:`Lk3Error`'s own ``__init__`` so a subclass with another
    signature unpickles too."""
    e = cls.__new__(cls)
    Lk3Error.__init__(e, message_en, code=code, message_id=message_id, findings=findings)
    return e


_BY_CODE: Dict[str, Type[Lk3Error]] = {
    "LK3-E020": TransitionRefused,
    "LK3-E036": TransitionRefused,
    "LK3-E021": PermissionDenied,
    "LK3-E141": PermissionDenied,
    "LK3-E144": PermissionDenied,
    "LK3-E150": PermissionDenied,
    "LK3-E151": PermissionDenied,
    "LK3-E022": ConsentRequired,
    "LK3-E023": ConsentRequired,
    "LK3-E039": ConsentRequired,
    "LK3-E030": NotFound,
    "LK3-E081": NotFound,
    "LK3-E121": NotFound,
    "LK3-E080": Conflict,
    "LK3-E082": Conflict,
    "LK3-E091": CommandRefused,
    "LK3-E092": Conflict,
    "LK3-E066": ValidationError,
    "LK3-E067": ValidationError,
    "LK3-E068": ValidationError,
    "LK3-E095": ValidationError,
    "LK3-E096": StoreError,
}


# The class of each area of the core's registry (``lk3_core::error::ErrorArea``).
_BY_AREA: Dict[str, Type[Lk3Error]] = {
    "identifier": ValidationError,
    "document": ValidationError,
    "seal": ValidationError,
    "command": CommandRefused,
    "chain": IntegrityError,
    "integrity": IntegrityError,
    "conflict": Conflict,
    "store": StoreError,
}


def _areas() -> Dict[str, str]:
    global _AREAS
    if _AREAS is None:
        _AREAS = {code: area for code, _, _, area in _lk3.error_codes()}
    return _AREAS


_AREAS: Optional[Dict[str, str]] = None


def error_class(code: str) -> Type[Lk3Error]:
    """The exception class lk3 raises for ``code``: a finer class for some
    codes, else the class of the code's area in the core's registry (a
    tampered chain is an :class:`IntegrityError` whatever its number)."""
    if code in _BY_CODE:
        return _BY_CODE[code]
    return _BY_AREA.get(_areas().get(code, ""), Lk3Error)


def error_codes() -> Dict[str, Tuple[str, str]]:
    """Every code the Rust core knows (its registry, ``lk3_core::ErrorCode``),
    with its short title in Indonesian and in English::

        >>> lk3.errors.error_codes()["LK3-E020"]
        ('Langkah tidak diizinkan', 'Step not allowed')
    """
    return {code: (title_id, title_en) for code, title_id, title_en, _ in _lk3.error_codes()}


def error_areas() -> Dict[str, str]:
    """The area of every code (``identifier``, ``command``, ``seal``,
    ``chain``, ``document``, ``integrity``, ``conflict``, ``store``), as the
    core's registry says."""
    return dict(_areas())


def _from_code(code: str, message_en: str, message_id: str, findings: Sequence[Finding] = ()) -> Lk3Error:
    """Builds the exception for an error of the Rust core (called from Rust)."""
    return error_class(code)(message_en, code=code, message_id=message_id, findings=findings)
