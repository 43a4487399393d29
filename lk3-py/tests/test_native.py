"""What crosses the boundary as Python objects built in Rust rather than JSON
text: findings are a native class (frozen, compared and hashed by value,
pickled whole); events, case summaries and a case's members are the dicts
``json.loads`` would give for the stored JSON."""

from __future__ import annotations

import json
import pickle

import pytest

import lk3
from conftest import World, populate


def test_findings_are_native_frozen_values_that_pickle() -> None:
    report = lk3.validate({"type": "terminate", "reason": "bosan"})
    found = report.findings[0]
    assert type(found) is lk3.Finding and type(found).__module__ == "lk3._lk3"
    assert (found.code, found.severity, found.pointer) == ("LK3-E070", "error", "/reason")
    same = lk3.Finding(found.code, found.severity, found.pointer, found.message_en, found.message_id)
    assert same == found and hash(same) == hash(found) and len({same, found}) == 1
    assert same != lk3.Finding(found.code, "warning", found.pointer, found.message_en, found.message_id)
    with pytest.raises(AttributeError):
        found.code = "LK3-E000"  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(found)) == found
    assert "LK3-E070" in repr(found) and "/reason" in repr(found)
    with pytest.raises(lk3.ValidationError) as raised:
        report.raise_for_errors()
    assert raised.value.findings == report.findings


def test_a_refusal_from_the_core_carries_native_findings(world: World) -> None:
    with pytest.raises(lk3.ValidationError) as raised:
        world.store.execute(lk3.new_id(world.now), {"type": "terminate", "reason": "bosan"},
                            actor=world.pekerja_sosial, at=world.at())
    findings = raised.value.findings
    assert findings and all(type(f) is lk3.Finding for f in findings)
    assert any(f.pointer == "/reason" and f.severity == "error" for f in findings)
    again = pickle.loads(pickle.dumps(raised.value))
    assert type(again) is lk3.ValidationError and again.findings == findings


def test_events_and_summaries_are_the_objects_their_json_gives(world: World) -> None:
    populate(world)
    store = world.store
    for summary in store.cases():
        exported = json.loads(store.export_case(summary.case_id))
        events = store.events(summary.case_id)
        assert events == exported["events"], "the same values, types and members as the stored JSON"
        assert json.dumps(events) == json.dumps(exported["events"]), "members in the same order"
        assert all(type(e) is dict and type(e["seq"]) is int for e in events)
        case = store.case(summary.case_id).to_dict()
        assert case == exported["case"] and json.dumps(case) == json.dumps(exported["case"])
    case = world.registered()
    done = store.execute(case.case_id, {"type": "start_engagement"}, actor=world.pekerja_sosial, at=world.at())
    assert done.events and list(done.events) == store.events(case.case_id)[-len(done.events):]
    listed = store.cases()
    assert [c.to_dict() for c in listed] == json.loads(json.dumps([c.to_dict() for c in listed]))
