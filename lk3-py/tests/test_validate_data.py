"""`lk3.validate` of Python data: the native validator reads the dicts and
lists as they are (never `json.dumps` first) and judges every document of the
fixture corpus as it judges the document's text."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any, List, Tuple

import pytest

import lk3
import lk3.rules

ROOT = Path(__file__).resolve().parents[2]


def _not_json(constant: str) -> Any:
    raise ValueError(f"{constant} is not JSON: Python data holds it as a float lk3 refuses")


def _no_repeated_keys(pairs: List[Tuple[str, Any]]) -> dict:
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise ValueError("a repeated key: Python data cannot hold one")
    return dict(pairs)


# Where in the text a parse error is: data has no lines and columns.
_AT = re.compile(r" \((found at|ditemukan pada) [^)]*\)$")


def _judged(report: lk3.ValidationResult) -> tuple:
    return (
        report.document,
        report.valid,
        report.structurally_valid,
        [(f.code, f.severity, f.pointer, _AT.sub("", f.message_en), _AT.sub("", f.message_id)) for f in report.findings],
    )


@pytest.fixture
def no_text(monkeypatch: pytest.MonkeyPatch) -> None:
    """Writing a document out as JSON text in the Python layer fails the test."""

    def refuse(*args: Any, **kwargs: Any) -> str:
        raise AssertionError("the document was written out as JSON text")

    monkeypatch.setattr(lk3.rules.json, "dumps", refuse)


def test_every_fixture_is_judged_the_same_as_data_as_as_text() -> None:
    compared = 0
    for part in ("valid", "invalid"):
        for path in sorted((ROOT / "tests" / "fixtures" / part).glob("*.json")):
            raw = path.read_bytes()
            try:
                data = json.loads(raw, object_pairs_hook=_no_repeated_keys, parse_constant=_not_json)
            except (ValueError, RecursionError):
                continue  # not JSON data Python can hold (bad text, a repeated key, NaN)
            if isinstance(data, str):
                continue  # text given to `validate` is a path or JSON text, by its contract
            as_text = lk3.validate(raw)
            as_data = lk3.validate(data)
            assert _judged(as_data) == _judged(as_text), path.name
            compared += 1
    assert compared > 400, compared


def test_data_is_never_written_out_as_text(no_text: None) -> None:
    good = {"type": "terminate", "reason": "pindah"}
    assert lk3.validate(good).valid
    (f,) = lk3.validate({"type": "terminate", "reason": "bosan"}).findings
    assert (f.code, f.pointer) == ("LK3-E070", "/reason")
    assert lk3.validate([good]).findings[0].code == "LK3-E065"


def test_times_in_data_are_read_as_the_text_lk3_would_write() -> None:
    case = json.loads((ROOT / "tests" / "fixtures" / "valid" / "case-asesmen-relapse.json").read_bytes())
    for event in case["events"]:
        event["occurred_at"] = datetime.fromisoformat(event["occurred_at"].replace("Z", "+00:00"))
    as_text = lk3.validate(json.dumps(case, default=lk3.rules._json_default))
    as_data = lk3.validate(case)
    assert _judged(as_data) == _judged(as_text)
    assert as_data.findings, "times written with an offset, not Z: the events' hashes no longer hold"


@pytest.mark.parametrize("depth", [65, 66, 1_000, 100_000])
def test_data_nested_past_the_limit_is_a_finding_not_an_exception(depth: int) -> None:
    doc: Any = None
    for _ in range(depth):
        doc = [doc]
    report = lk3.validate(doc)
    assert [(f.code, f.pointer) for f in report.findings] == [("LK3-E063", "")]
    assert not report.valid and report.document is None
    within: Any = None
    for _ in range(63):
        within = [within]
    assert "LK3-E063" not in {f.code for f in lk3.validate({"type": "terminate", "x": within}).findings}


def test_data_that_is_not_json_raises() -> None:
    with pytest.raises(TypeError, match="object"):
        lk3.validate({"type": "terminate", "reason": object()})
    with pytest.raises(TypeError, match="key"):
        lk3.validate({1: "terminate"})
    with pytest.raises(ValueError, match="finite"):
        lk3.validate({"type": "terminate", "reason": float("nan")})
    with pytest.raises(ValueError, match="unknown document kind"):
        lk3.validate({"type": "terminate"}, kind="novel")
