"""``Store.report``: the same report as ``lk3 report`` (its JSON), the
workbook ``lk3 report --format xlsx`` writes read back by openpyxl with every
section's rows and numbers, frames per breakdown, and the period's rules."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest

import lk3
from conftest import UNIT, World, demo_report_dir

FROM, TO = date(2019, 1, 1), date(2019, 12, 31)


@pytest.fixture
def demo_store(tmp_path: Path) -> Iterator[lk3.Store]:
    """A copy of the demo's SQLite store (its cases, outreach and registry)."""
    source = demo_report_dir() / "lk3.db"
    shutil.copyfile(source, tmp_path / "lk3.db")
    with lk3.Store.open(tmp_path / "lk3.db") as store:
        yield store


def cli_report() -> Dict[str, Any]:
    report: Dict[str, Any] = json.loads((demo_report_dir() / "report-2019.json").read_text())
    return report


def test_the_report_document_meets_its_published_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    root = Path(__file__).resolve().parents[2]
    schema = json.loads((root / "schemas" / "report.schema.json").read_text())
    assert schema["$id"] == "urn:lk3:schema:report:3"
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    document = cli_report()
    assert list(validator.iter_errors(document)) == []
    # Closed objects: a figure the schema does not name is refused.
    document["total"]["cases"]["guessed"] = 1
    assert list(validator.iter_errors(document))
    assert lk3.validate(json.dumps(cli_report())).valid


def test_the_python_report_is_the_cli_report(demo_store: lk3.Store) -> None:
    report = demo_store.report(FROM, TO, unit=UNIT)
    assert report.to_dict() == cli_report()
    assert report.units == (UNIT,) and report.region is None
    assert (report.from_, report.to) == (FROM, TO)
    assert report.total["cases"]["active"] == 8
    assert report.figures(UNIT) == report.total
    with pytest.raises(KeyError):
        report.figures("13.71")
    # The same with dates as text, and for the province: one unit in it.
    province = demo_store.report("2019-01-01", "2019-12-31", region="64")
    assert province.region == "64" and province.units == (UNIT,)
    assert province.total == report.total
    assert "Report(64" in repr(province)


def test_every_section_is_a_frame_with_its_counts(demo_store: lk3.Store) -> None:
    pd = pytest.importorskip("pandas")
    report = demo_store.report(FROM, TO, unit=UNIT)
    assert report.sections()[0] == "summary" and "units" not in report.sections()
    for name in report.sections():
        frame = report.to_frame(name)
        rows = report.table(name)
        assert list(frame.columns) == list(report.columns(name))
        assert len(frame) == len(rows)
        for column in frame.columns:
            if column.endswith("_label") or column in {r for row in rows for r in row if isinstance(row[r], str)}:
                continue
            assert frame[column].dtype == "int64", (name, column)
            assert list(frame[column]) == [row[column] for row in rows]
    summary = report.to_frame("summary").set_index("figure")["count"]
    assert summary["cases_active"] == report.total["cases"]["active"]
    assert summary["clients_new"] == report.total["clients"]["new"] == 12
    assert summary["people_reached"] == 155
    problems = report.to_frame("by_problem", lang="en")
    assert problems.set_index("problem")["count"]["perceraian"] == 2
    assert "Divorce" in set(problems["problem_label"])
    outcomes = report.to_frame("service_outcomes")
    assert list(outcomes.columns) == ["service", "service_label", "outcome", "outcome_label", "count"]
    assert isinstance(outcomes, pd.DataFrame)
    with pytest.raises(KeyError, match="no section"):
        report.to_frame("by_favourite_colour")
    with pytest.raises(ValueError):
        report.to_frame("summary", lang="fr")


def sheet_rows(sheet: Any) -> List[List[Any]]:
    """The table under a sheet's heading (row 3 is the header)."""
    rows = [list(r) for r in sheet.iter_rows(min_row=3, values_only=True)]
    return [[c for c in r] for r in rows if any(c is not None for c in r)]


def test_the_workbook_has_a_sheet_per_section_with_the_same_numbers(demo_store: lk3.Store) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.load_workbook(demo_report_dir() / "report-2019.xlsx", read_only=True)
    report = demo_store.report(FROM, TO, unit=UNIT)
    names = report.sections()
    assert len(book.sheetnames) == len(names)
    for name, sheet_name in zip(names, book.sheetnames):
        title = report.title(name)
        assert sheet_name == title.replace("/", "-")[:28], (name, sheet_name)
        sheet = book[sheet_name]
        assert str(sheet.cell(row=1, column=1).value).startswith("Laporan Unit LK3 64.74")
        header, *rows = sheet_rows(sheet)
        columns = report.columns(name)
        keys = [c for c in columns if c.endswith("_label")]
        values = [c for c in columns if c not in keys and c + "_label" not in columns]
        assert len(header) == len(keys) + len(values)
        expected = [[row[k] for k in keys] + [row[v] for v in values] for row in report.table(name)]
        assert rows == expected, name
    # The headline numbers, as a Dinas reads them.
    summary = {r[0]: r[1] for r in sheet_rows(book["Ringkasan"])[1:]}
    assert summary["Kasus ditangani"] == 8
    assert summary["Klien baru"] == 12
    assert summary["Orang terjangkau kegiatan kelompok"] == 155


def test_a_report_is_counted_from_the_events_in_any_store(store: lk3.Store) -> None:
    w = World(store)
    w.closed()
    w.in_intervention()
    report = store.report(date(2019, 1, 1), date(2019, 12, 31), unit=UNIT)
    cases = report.total["cases"]
    assert cases["active"] == 2 and cases["closed"] == 1 and cases["open_at_end"] == 1
    assert report.total["clients"]["served"] == 4
    # Before the cases, nothing; the same period again, the same report.
    assert store.report(date(2018, 1, 1), date(2018, 12, 31), unit=UNIT).total["cases"]["active"] == 0
    assert store.report(date(2019, 1, 1), date(2019, 12, 31), unit=UNIT).to_dict() == report.to_dict()


def test_a_period_or_scope_lk3_cannot_report_on_is_refused(store: lk3.Store) -> None:
    with pytest.raises(lk3.ValidationError) as e:
        store.report(date(2019, 12, 31), date(2019, 1, 1), unit=UNIT)
    assert e.value.code == "LK3-E130"
    assert "sebelum" in e.value.message_id
    with pytest.raises(lk3.ValidationError):
        store.report(FROM, TO, unit="not a unit")
    with pytest.raises(ValueError):
        store.report(FROM, TO, region="64.74.01")
    with pytest.raises(ValueError):
        store.report(FROM, TO, unit=UNIT, region="64")
    with pytest.raises(TypeError):
        store.report(20190101, TO, unit=UNIT)  # type: ignore[arg-type]
