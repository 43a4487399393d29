"""Analysis tables: columns built in Rust, turned into a pandas DataFrame
(``to_pandas``) or into plain records (``to_records``, no pandas needed).

Column kinds and their pandas dtypes:

==========  ===========================  ======================================
kind        pandas dtype                 records
==========  ===========================  ======================================
int64       ``int64``                    ``int``
Int64       ``Int64`` (nullable)         ``int`` or ``None``
date        ``datetime64[s]`` (midnight) ``datetime.date`` or ``None``
bool        ``bool``                     ``bool``
datetime    ``datetime64[us, UTC]``      aware ``datetime`` (UTC) or ``None``
category    ``category``                 ``str`` or ``None``
string      ``string``                   ``str`` or ``None``
list        ``object`` (lists of str)    ``list`` of ``str``
==========  ===========================  ======================================
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, Dict, Iterator, List, Optional, Sequence, Tuple

if TYPE_CHECKING:
    import pandas

__all__ = ["Table", "MissingDependency"]

_NAT = -(2**63)
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_EPOCH_DAY = date(1970, 1, 1)

Column = Tuple[str, str, Any, Optional[List[str]]]


class MissingDependency(ImportError):
    """An optional dependency (pandas, matplotlib) is not installed."""


def _pandas() -> Any:
    try:
        import pandas
    except ImportError as e:
        raise MissingDependency(
            "lk3: DataFrames need pandas, which is not installed: `pip install pandas` "
            "(or `pip install 'lk3[pandas]'`); Table.to_records() works without it "
            "/ DataFrame memerlukan pandas"
        ) from e
    return pandas


class Table:
    """A table lk3 built (``cases``, ``services``, ``referrals``, ``events``,
    ``clients``): ``to_pandas()`` for a DataFrame, ``to_records()`` for a
    list of dicts, ``len()`` for its rows."""

    def __init__(
        self, name: str, columns: Sequence[Column], pseudonymised: bool, resolution: Optional[str] = None
    ) -> None:
        self.name = name
        """Which table."""
        self.pseudonymised = pseudonymised
        """Whether ids are keyed pseudonyms and identities are left out."""
        self.resolution = resolution
        """The resolution times were coarsened to (``date``, ``week``,
        ``month``), or ``None`` for exact times."""
        self._columns = list(columns)

    @property
    def columns(self) -> Tuple[str, ...]:
        """The column names, in order."""
        return tuple(c[0] for c in self._columns)

    @property
    def kinds(self) -> Dict[str, str]:
        """Each column's kind (``int64``, ``Int64``, ``bool``, ``datetime``, ``date``, ``category``, ``string``, ``list``)."""
        return {c[0]: c[1] for c in self._columns}

    def __len__(self) -> int:
        if not self._columns:
            return 0
        _, kind, data, _ = self._columns[0]
        if kind in ("Int64", "date"):
            return len(data[1])
        width = {"int64": 8, "datetime": 8, "category": 4, "bool": 1}.get(kind)
        return len(data) // width if width else len(data)

    def __repr__(self) -> str:
        tag = ", pseudonymised" if self.pseudonymised else ""
        tag += f", times by {self.resolution}" if self.resolution else ""
        return f"<lk3.Table {self.name}: {len(self)} rows x {len(self._columns)} columns{tag}>"

    def to_dict(self) -> Dict[str, List[Any]]:
        """Column name to a list of Python values (the records' values)."""
        return {name: _values(kind, data, cats) for name, kind, data, cats in self._columns}

    def to_records(self) -> List[Dict[str, Any]]:
        """One dict per row, plain Python values; works without pandas."""
        cols = self.to_dict()
        names = list(cols)
        return [dict(zip(names, row)) for row in zip(*cols.values())]

    def __iter__(self) -> Iterator[Dict[str, Any]]:
        return iter(self.to_records())

    def to_pandas(self) -> pandas.DataFrame:
        """A pandas DataFrame (``MissingDependency``, an ``ImportError``, when
        pandas is not installed)."""
        pd = _pandas()
        import numpy as np

        data: Dict[str, Any] = {}
        for name, kind, raw, cats in self._columns:
            if kind == "int64":
                data[name] = np.frombuffer(raw, dtype=np.int64)
            elif kind == "Int64":
                values, mask = raw
                data[name] = pd.arrays.IntegerArray(
                    np.frombuffer(values, dtype=np.int64).copy(), np.frombuffer(mask, dtype=np.uint8).astype(bool)
                )
            elif kind == "date":
                values, mask = raw
                days = np.frombuffer(values, dtype=np.int64).view("datetime64[D]").copy()
                days[np.frombuffer(mask, dtype=np.uint8).astype(bool)] = np.datetime64("NaT")
                data[name] = pd.Series(days.astype("datetime64[s]"))
            elif kind == "bool":
                data[name] = np.frombuffer(raw, dtype=np.uint8).astype(bool)
            elif kind == "datetime":
                stamps = np.frombuffer(raw, dtype=np.int64).view("datetime64[us]")
                data[name] = pd.DatetimeIndex(stamps).tz_localize("UTC")
            elif kind == "category":
                codes = np.frombuffer(raw, dtype=np.int32)
                data[name] = pd.Categorical.from_codes(codes, categories=cats)
            elif kind == "string":
                data[name] = pd.array(raw, dtype="string")
            else:
                series = np.empty(len(raw), dtype=object)
                for i, v in enumerate(raw):
                    series[i] = v
                data[name] = series
        frame: pandas.DataFrame = pd.DataFrame(data)
        return frame


def _values(kind: str, data: Any, cats: Optional[List[str]]) -> List[Any]:
    if kind == "int64":
        return list(memoryview(data).cast("q"))
    if kind in ("Int64", "date"):
        values, mask = data
        out: List[Any] = [None if m else v for v, m in zip(memoryview(values).cast("q"), mask)]
        if kind == "date":
            return [None if v is None else _EPOCH_DAY + timedelta(days=v) for v in out]
        return out
    if kind == "bool":
        return [b != 0 for b in data]
    if kind == "datetime":
        return [None if v == _NAT else _EPOCH + timedelta(microseconds=v) for v in memoryview(data).cast("q")]
    if kind == "category":
        names = cats or []
        return [names[c] if c >= 0 else None for c in memoryview(data).cast("i")]
    return list(data)
