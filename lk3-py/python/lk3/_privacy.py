"""Pseudonymised tables a neighbour cannot re-identify.

A pseudonymised table has no name, NIK or id, but a neighbour who knows a
few facts about someone (a woman of 25-34 from the same kab/kota, who went
to the LK3 about domestic violence) may still find the one row that fits
her. Such facts are *quasi-identifiers*; a table is *k-anonymous* when
every combination of them that occurs is shared by at least ``k`` rows.

- times in pseudonymised tables are coarsened to a :data:`RESOLUTIONS`
  value (``Store.table(..., resolution="week")``), ages to bands taken on
  the client's own date;
- :func:`rare_combinations` lists the combinations fewer than ``k`` rows
  share, with their sizes, so the analyst sees them before sharing;
- :func:`class_sizes` gives each row the size of its combination, to keep
  only rows shared widely enough::

      frame = store.clients_frame(pseudonymise=True)
      print(lk3.rare_combinations(frame, k=5))     # what a neighbour could single out
      shared = frame[lk3.class_sizes(frame) >= 5]  # the rows 5 or more people share

Both take a pandas DataFrame (a frame of lk3's, or one you merged from
several) or an :class:`lk3.Table`, and use the :data:`QUASI_IDENTIFIERS`
columns it has unless told which. A list column (``problems``) counts as
the set of its values; missing values (NaN, None) are a value of their own.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any, Hashable, Iterable, List, Literal, Optional, Tuple, Union

from ._frames import Table, _pandas

if TYPE_CHECKING:
    import pandas

__all__ = ["QUASI_IDENTIFIERS", "RESOLUTIONS", "Resolution", "class_sizes", "rare_combinations"]

Resolution = Literal["date", "week", "month"]
"""How finely a table shows times: each becomes the start (00:00 UTC) of its
day, ISO week (a Monday) or month."""

RESOLUTIONS: Tuple[Resolution, ...] = ("date", "week", "month")
"""Every :data:`Resolution`, finest first."""

QUASI_IDENTIFIERS: Tuple[str, ...] = ("unit", "domicile_kab_kota", "sex", "age_band", "problems", "risk", "role")
"""The columns of lk3's tables that a neighbour may know of someone: the
region (the unit's kab/kota, the client's domicile), sex, age band, the
problems and the risk of the case, and the role of the staff who acted."""

FrameLike = Union["pandas.DataFrame", Table]
"""A pandas DataFrame or an :class:`lk3.Table`."""


def class_sizes(frame: FrameLike, quasi_identifiers: Optional[Iterable[str]] = None) -> pandas.Series[int]:
    """For each row of ``frame``, how many rows share its combination of
    quasi-identifiers (a Series named ``class_size`` on the frame's index):
    ``frame[lk3.class_sizes(frame) >= 5]`` keeps the rows 5 or more share.
    ``quasi_identifiers`` names the columns (default: the
    :data:`QUASI_IDENTIFIERS` the frame has)."""
    pd = _pandas()
    df = _as_frame(frame)
    names = _quasi_identifiers(df, quasi_identifiers)
    keys = _keys(df, names)
    counts = Counter(keys)
    sizes: pandas.Series[int] = pd.Series([counts[k] for k in keys], index=df.index, name="class_size", dtype="int64")
    return sizes


def rare_combinations(
    frame: FrameLike, k: int = 5, quasi_identifiers: Optional[Iterable[str]] = None
) -> pandas.DataFrame:
    """The combinations of quasi-identifiers that fewer than ``k`` rows of
    ``frame`` share (the equivalence classes that break k-anonymity), one
    row each: the quasi-identifier columns, then ``rows``, how many rows
    have it; the smallest first. Empty when the frame is k-anonymous.
    ``quasi_identifiers`` names the columns (default: the
    :data:`QUASI_IDENTIFIERS` the frame has); a list column's value is the
    sorted tuple of its items."""
    if isinstance(k, bool) or not isinstance(k, int) or k < 2:
        raise ValueError(f"`k` must be an int of at least 2, not {k!r}")
    pd = _pandas()
    df = _as_frame(frame)
    names = _quasi_identifiers(df, quasi_identifiers)
    counts = Counter(_keys(df, names))
    rare = sorted(((n, key) for key, n in counts.items() if n < k), key=lambda item: (item[0], repr(item[1])))
    rows = [dict(zip(names, key), rows=n) for n, key in rare]
    result: pandas.DataFrame = pd.DataFrame(rows, columns=[*names, "rows"])
    return result.astype({"rows": "int64"})


def _as_frame(frame: FrameLike) -> pandas.DataFrame:
    if isinstance(frame, Table):
        return frame.to_pandas()
    if not hasattr(frame, "columns") or not hasattr(frame, "index"):
        raise TypeError(f"expected a pandas DataFrame or an lk3.Table, not {type(frame).__name__}")
    return frame


def _quasi_identifiers(frame: pandas.DataFrame, given: Optional[Iterable[str]]) -> List[str]:
    if given is None:
        names = [c for c in QUASI_IDENTIFIERS if c in frame.columns]
        if not names:
            raise ValueError(
                f"the frame has none of the quasi-identifiers {', '.join(QUASI_IDENTIFIERS)}: "
                "name its columns with `quasi_identifiers=`"
            )
        return names
    names = [given] if isinstance(given, str) else list(given)
    missing = [c for c in names if c not in frame.columns]
    if missing or not names:
        raise ValueError(f"no such columns in the frame: {', '.join(missing) or '(none named)'}")
    return names


def _keys(frame: pandas.DataFrame, names: List[str]) -> List[Tuple[Hashable, ...]]:
    columns = [[_hashable(v) for v in frame[name].tolist()] for name in names]
    return list(zip(*columns))


def _hashable(value: Any) -> Hashable:
    """A value as a dictionary key: a list as the sorted tuple of its items,
    every kind of missing value as ``None``."""
    if isinstance(value, (list, tuple, set, frozenset)) or type(value).__name__ == "ndarray":
        return tuple(sorted((_hashable(v) for v in value), key=repr))
    if value is None or _pandas().isna(value):
        return None
    hashable: Hashable = value
    return hashable
