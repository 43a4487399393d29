"""Times across the boundary: aware datetimes (or RFC 3339 text) in, aware
UTC datetimes out. The core has no clock: every command says when it happened."""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Optional, Union

TimeLike = Union[datetime, str]
"""A timezone-aware :class:`datetime.datetime`, or RFC 3339 text with an offset."""

DateLike = Union[datetime, date, str]
"""A time as :data:`TimeLike`, or a :class:`datetime.date` (midnight UTC)."""


def to_rfc3339(at: TimeLike, what: str = "at") -> str:
    """RFC 3339 text of an aware datetime; text is checked by the core."""
    if isinstance(at, datetime):
        if at.tzinfo is None or at.utcoffset() is None:
            raise ValueError(
                f"`{what}` is a naive datetime: give a timezone, e.g. datetime.now(timezone.utc) "
                "or ZoneInfo('Asia/Makassar') / waktu tanpa zona waktu"
            )
        return at.isoformat()
    if isinstance(at, str):
        return at
    raise TypeError(f"`{what}` must be an aware datetime or RFC 3339 text, not {type(at).__name__}")


def to_bound(value: DateLike, what: str) -> str:
    """A filter bound: a date is midnight UTC that day."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day, tzinfo=timezone.utc).isoformat()
    return to_rfc3339(value, what)


def parse(text: Optional[str]) -> Optional[datetime]:
    """An aware datetime from the core's RFC 3339 text (``Z`` or an offset)."""
    if text is None:
        return None
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    # Python < 3.11 reads at most 6 fractional digits: the core writes at most 6.
    return datetime.fromisoformat(text)


def parse_required(text: str) -> datetime:
    """Like :func:`parse`, for a value that is always there."""
    t = parse(text)
    assert t is not None
    return t


def now() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(timezone.utc)
