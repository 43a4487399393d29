"""External agreement: Python's jsonschema (Draft 2020-12, with format
checking) gives the same structural verdict as lk3 on every fixture of the
corpus in tests/fixtures, valid and invalid alike."""

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
MANIFEST = json.loads((FIXTURES / "manifest.json").read_text(encoding="utf-8"))
VALIDATORS = {
    p.name.removesuffix(".schema.json"): Draft202012Validator(json.loads(p.read_text(encoding="utf-8")), format_checker=FormatChecker())
    for p in (ROOT / "schemas").glob("*.schema.json")
}


def test_the_corpus_is_large_enough():
    valid = [e for e in MANIFEST if not e["codes"]]
    invalid = [e for e in MANIFEST if e["codes"]]
    assert len(valid) >= 50 and len(invalid) >= 100, (len(valid), len(invalid))


@pytest.mark.parametrize("entry", MANIFEST, ids=lambda e: e["file"])
def test_python_jsonschema_agrees_with_lk3_on_structure(entry):
    raw = (FIXTURES / entry["file"]).read_bytes()
    try:
        doc = json.loads(raw)
    except (ValueError, RecursionError):
        # Not JSON to Python either (or nested beyond its parser): not structurally valid.
        assert not entry["structurally_valid"], entry
        return
    if entry["kind"] is None:
        # No document kind: no schema applies, and lk3 says so.
        assert not entry["structurally_valid"], entry
        return
    python_says_valid = VALIDATORS[entry["kind"]].is_valid(doc)
    assert python_says_valid == entry["structurally_valid"], entry
