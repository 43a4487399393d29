"""``lk3.Report``: a unit's or a region's report over a period of local
dates, counted by the Rust core from the events (``Store.report``).

The report is the ``lk3.report`` document (``schemas/report.schema.json``):
:attr:`Report.total` and each unit's figures are plain dicts of it. Every
breakdown is also a table (a *section*, the same tables ``lk3 report``
prints and writes to CSV and XLSX): :meth:`Report.to_frame` gives one as a
pandas DataFrame, :meth:`Report.table` as a list of rows without pandas.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple

from ._frames import _pandas

if TYPE_CHECKING:
    import pandas

__all__ = ["Report"]

_LANGS = ("id", "en")


class Report:
    """A report (read-only). ``report.total["cases"]["active"]``,
    ``report.to_frame("by_problem")``, ``report.to_frame("services", unit="64.74")``."""

    __slots__ = ("_doc", "_sections")

    def __init__(self, document: Dict[str, Any], sections: Dict[str, List[Dict[str, Any]]]) -> None:
        self._doc = document
        self._sections = sections

    @property
    def from_(self) -> date:
        """The first local date."""
        return date.fromisoformat(self._doc["from"])

    @property
    def to(self) -> date:
        """The last local date, included."""
        return date.fromisoformat(self._doc["to"])

    @property
    def region(self) -> Optional[str]:
        """The province or kab/kota rolled up (``None``: one unit, or national)."""
        region: Optional[str] = self._doc["region"]
        return region

    @property
    def units(self) -> Tuple[str, ...]:
        """The units reported on, in order."""
        return tuple(u["unit"] for u in self._doc["units"])

    @property
    def total(self) -> Dict[str, Any]:
        """The totals over the units (the figures of a one-unit report)."""
        total: Dict[str, Any] = self._doc["total"]
        return total

    def figures(self, unit: Optional[str] = None) -> Dict[str, Any]:
        """One unit's figures (``KeyError`` if it is not in the report), or the totals."""
        if unit is None:
            return self.total
        for u in self._doc["units"]:
            if u["unit"] == unit:
                figures: Dict[str, Any] = u["figures"]
                return figures
        raise KeyError(unit)

    def sections(self, unit: Optional[str] = None) -> Tuple[str, ...]:
        """The names of the tables :meth:`to_frame` gives (``summary``,
        ``services``, ``service_outcomes``, ``referrals``, ``aid``,
        ``outreach``, ``activities``, ``by_problem`` ... ``by_kelurahan``,
        and ``units`` for a report over more than one unit)."""
        return tuple(s["name"] for s in self._section_list(unit))

    def _section_list(self, unit: Optional[str]) -> List[Dict[str, Any]]:
        key = "" if unit is None else unit
        if key not in self._sections:
            raise KeyError(unit)
        return self._sections[key]

    def _section(self, name: str, unit: Optional[str]) -> Dict[str, Any]:
        for s in self._section_list(unit):
            if s["name"] == name:
                return s
        raise KeyError(f"no section {name!r}; sections: {', '.join(self.sections(unit))}")

    def title(self, name: str, lang: str = "id") -> str:
        """A section's title in Indonesian (``id``) or English (``en``)."""
        s = self._section(name, None)
        return str(s["title_id"] if _lang(lang) == "id" else s["title_en"])

    def table(self, name: str, unit: Optional[str] = None, lang: str = "id") -> List[Dict[str, Any]]:
        """A section as rows: each key column as its id (``tidak_diketahui``
        for unknown) and its label in ``<column>_label``, then the counts."""
        s = self._section(name, unit)
        label = "label_id" if _lang(lang) == "id" else "label_en"
        rows = []
        for r in s["rows"]:
            row: Dict[str, Any] = {}
            for c, k in zip(s["key_columns"], r["keys"]):
                row[c["name"]] = k["id"]
                row[c["name"] + "_label"] = k[label]
            for c, v in zip(s["value_columns"], r["values"]):
                row[c["name"]] = v
            rows.append(row)
        return rows

    def columns(self, name: str) -> Tuple[str, ...]:
        """The column names of a section's table."""
        s = self._section(name, None)
        keys = [n for c in s["key_columns"] for n in (c["name"], c["name"] + "_label")]
        return tuple(keys + [c["name"] for c in s["value_columns"]])

    def to_frame(self, name: str, unit: Optional[str] = None, lang: str = "id") -> pandas.DataFrame:
        """A section as a pandas DataFrame (see :meth:`table`); counts are
        ``int64``. ``MissingDependency`` without pandas."""
        pd = _pandas()
        frame: pandas.DataFrame = pd.DataFrame(self.table(name, unit, lang), columns=list(self.columns(name)))
        s = self._section(name, unit)
        for c in s["value_columns"]:
            frame[c["name"]] = frame[c["name"]].astype("int64")
        return frame

    def to_dict(self) -> Dict[str, Any]:
        """The ``lk3.report`` document (JSON data)."""
        return self._doc

    def __repr__(self) -> str:
        scope = self.region or (self.units[0] if len(self.units) == 1 else "national")
        return f"Report({scope}, {self.from_}..{self.to}, units={len(self.units)})"


def _lang(lang: str) -> str:
    if lang not in _LANGS:
        raise ValueError(f"lang must be 'id' or 'en', not {lang!r}")
    return lang
