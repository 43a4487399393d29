"""A standard validator (Python's jsonschema, Draft 2020-12) accepts every
published schema and agrees with lk3 on the documents lk3 writes."""

import copy
import json
import re
import os
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = sorted((ROOT / "schemas").glob("*.schema.json"))
EXPORT = os.environ.get("LK3_DEMO_EXPORT")


def load(name):
    return json.loads((ROOT / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8"))


def exported_cases():
    if not EXPORT:
        if os.environ.get("CI") == "true":
            pytest.fail("LK3_DEMO_EXPORT is not set: scripts/test.sh exports the demo before pytest")
        pytest.skip("run through scripts/test.sh, which exports the demo first")
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(Path(EXPORT).glob("*.json"))]


def test_there_is_a_schema_per_document_type():
    names = {p.name.removesuffix(".schema.json") for p in SCHEMAS}
    assert {"case", "event", "command", "outreach", "partner", "rule-set"} <= names


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda p: p.name)
def test_every_schema_passes_the_2020_12_meta_schema(path):
    schema = json.loads(path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    name = path.name.removesuffix(".schema.json")
    # The revision rises when the documents a schema accepts widen (2: open rule sets, 25/2017).
    assert re.fullmatch(rf"urn:lk3:schema:{re.escape(name)}:[1-9][0-9]*", schema["$id"]), schema["$id"]
    import lk3

    assert lk3.schema(name)["$id"] == schema["$id"], "the committed copy is the package's"


def test_exported_cases_validate_and_their_events_too():
    case_schema = Draft202012Validator(load("case"), format_checker=FormatChecker())
    event_schema = Draft202012Validator(load("event"), format_checker=FormatChecker())
    docs = exported_cases()
    assert len(docs) >= 9
    for doc in docs:
        errors = sorted(case_schema.iter_errors(doc), key=lambda e: e.json_path)
        assert not errors, [f"{e.json_path}: {e.message}" for e in errors]
        for event in doc["events"]:
            assert not list(event_schema.iter_errors(event))


def test_a_corrupted_case_is_rejected_with_a_path():
    validator = Draft202012Validator(load("case"), format_checker=FormatChecker())
    doc = copy.deepcopy(next(d for d in exported_cases() if len(d["events"]) >= 3))
    doc["events"][0]["rule_set"] = "Permensos 99/2099"
    doc["events"][1]["payload"]["type"] = "no_such_event"
    doc["case"]["stage"] = "rehabilitasi"
    doc["events"][2]["surprise"] = True
    paths = {e.json_path for e in validator.iter_errors(doc)}
    assert "$.events[0].rule_set" in paths
    assert "$.case.stage" in paths
    assert any(p.startswith("$.events[1].payload") for p in paths)
    assert "$.events[2]" in paths


def test_the_rule_set_export_validates():
    import lk3

    validator = Draft202012Validator(load("rule-set"))
    for rule_set in lk3.rule_sets():
        assert not list(validator.iter_errors(json.loads(lk3.diagram(rule_set["name"], "json"))))
