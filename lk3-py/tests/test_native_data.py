"""Commands and client records cross into Rust as Python objects, never JSON
text (and results come back as objects), and are read there as JSON data: times, dates, tuples and sets as
json.dumps(default=...) would write them; anything else a TypeError; a bool
is never a number; nesting past 64 levels, however deep, LK3-E063 (never a
crash); whatever is read is then judged by the same schema as a document."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any, Callable, Dict

import pytest

import lk3
from conftest import UNIT, World


def contact(case_id: str, number: int) -> Dict[str, Any]:
    return {"type": "record_contact", "case_id": case_id, "unit": UNIT, "case_number": f"{UNIT}/2019/{number:04d}",
            "channel": "telepon_hotline", "sasaran": "individu"}


def nested(depth: int) -> Dict[str, Any]:
    """A dict `depth` levels deep, built without recursion."""
    inner: Dict[str, Any] = {}
    for _ in range(depth):
        inner = {"x": inner}
    return inner


def test_a_command_of_tuples_and_times_is_read_as_its_json_would_be(world: World) -> None:
    s = world.store
    case = world.in_intervention()
    referral = next(x for x in case.services if x.kind == "rujukan")
    deadline = datetime(2019, 4, 20, 9, 0, tzinfo=timezone(timedelta(hours=8)))
    done = s.execute(case.case_id, {"type": "service_step", "service_id": referral.service_id,
                                    "step": {"type": "send", "response_deadline": deadline}},
                     actor=world.pekerja_sosial, at=world.at())
    assert len(done.events) == 1
    assert s.case(case.case_id).service(referral.service_id).state != referral.state, "the referral was sent"
    # The deadline was read as the aware time it is, in UTC in the event.
    assert "2019-04-20T01:00:00" in str(done.events[0]["payload"]), done.events[0]["payload"]


@pytest.mark.parametrize(
    "make, error",
    [
        (lambda c: {**c, "channel": object()}, TypeError),
        (lambda c: {**c, 7: "a key that is not text"}, TypeError),
        (lambda c: {**c, "unit": date(2019, 1, 1)}, lk3.ValidationError),
        (lambda c: {**c, "case_number": True}, lk3.ValidationError),
        (lambda c: {**c, "case_number": 10**40}, lk3.ValidationError),
        (lambda c: {**c, "case_number": float("nan")}, ValueError),
        (lambda c: {**c, "extra": ("a", "tuple")}, lk3.ValidationError),
    ],
)
def test_data_that_is_not_a_command_is_refused_with_a_typed_error_and_writes_nothing(
    world: World, make: Callable[[Dict[str, Any]], Dict[Any, Any]], error: type
) -> None:
    s = world.store
    case_id = lk3.new_id(world.at())
    with pytest.raises(error):
        s.execute(case_id, make(contact(case_id, 7)), actor=world.relawan, at=world.at())
    with pytest.raises(lk3.NotFound):
        s.case(case_id)


@pytest.mark.parametrize("depth", [65, 1_000, 100_000])
def test_a_command_nested_past_the_limit_is_lk3_e063_however_deep(world: World, depth: int) -> None:
    s = world.store
    case_id = lk3.new_id(world.at())
    with pytest.raises(lk3.ValidationError) as refused:
        s.execute(case_id, {**contact(case_id, 8), "deep": nested(depth)}, actor=world.relawan, at=world.at())
    assert refused.value.code == "LK3-E063"
    with pytest.raises(lk3.ValidationError) as refused:
        s.put_client({"client_id": lk3.new_id(), "unit": UNIT, "name": "x", "deep": nested(depth)})
    assert refused.value.code == "LK3-E063"


def test_a_command_within_the_limit_is_judged_by_the_schema(world: World) -> None:
    s = world.store
    case_id = lk3.new_id(world.at())
    with pytest.raises(lk3.ValidationError) as refused:
        s.execute(case_id, {**contact(case_id, 9), "deep": nested(60)}, actor=world.relawan, at=world.at())
    assert refused.value.code != "LK3-E063", "60 levels are within the limit: the unknown member is the finding"
    assert refused.value.findings, "the schema's findings come with it"


def test_a_client_record_with_a_date_of_birth_as_a_date(world: World) -> None:
    s = world.store
    client_id = lk3.new_id()
    s.put_client({"client_id": client_id, "unit": UNIT, "name": "Ibu Contoh", "sex": "perempuan",
                  "birth_date": date(1985, 5, 15)})
    with pytest.raises(TypeError):
        s.put_client({"client_id": lk3.new_id(), "unit": UNIT, "name": "Ibu Contoh", "birth_date": object()})


def test_results_come_back_from_rust_as_python_objects_not_json_text(world: World) -> None:
    """The native layer hands dicts and lists to Python (pydantic-core's way),
    built in Rust: nothing in between is JSON text for Python to parse."""
    s = world.store
    case = world.in_intervention()
    native = s._native
    duplicates = native.put_client({"client_id": lk3.new_id(), "unit": UNIT, "name": "Ibu Contoh", "sex": "perempuan"})
    assert isinstance(duplicates, list)
    results = {
        "verify": native.verify(None),
        "tasks": native.tasks(UNIT, None, None, None),
        "caseload": native.caseload(UNIT),
        "partners": native.partners(UNIT, "lk3"),
        "client_merges": native.client_merges(UNIT),
        "access_log": native.access_log(UNIT, None),
        "outreaches": native.outreaches(UNIT, None, None, None, None),
        "fhir_bundle": native.fhir_bundle(case.case_id, None, "https://lk3.invalid/fhir", None),
    }
    for name, found in results.items():
        assert isinstance(found, (dict, list)), (name, type(found))
    assert results["verify"]["streams"] >= 1
    assert results["fhir_bundle"]["resourceType"] == "Bundle"
    assert results["tasks"]["kinds"], "every task kind is named"
