"""Strict documents from Python: the README's hash recipe, run exactly as
the README prints it, gives the hash of every event lk3 exports; a document
whose text is not lk3's form (a time with +08:00), with a repeated key or
with a member no schema names is refused by validation and import alike."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Tuple

import pytest

import lk3
from conftest import CI, World, demo_export, populate, readme_function

Event = Dict[str, Any]


def readme_recipe() -> Callable[[Event], str]:
    """The `event_hash` function of the README's hash-recipe block, as printed."""
    recipe: Callable[[Event], str] = readme_function("hash-recipe", "event_hash")
    return recipe


def exported(world: World) -> List[Tuple[str, str]]:
    """Every case of a populated store, exported by lk3."""
    populate(world)
    return [(c.case_id, world.store.export_case(c.case_id)) for c in world.store.cases()]


def demo_documents() -> Iterator[Tuple[str, str]]:
    path = demo_export()
    if path is None:
        if CI:
            pytest.fail("LK3_DEMO_EXPORT is not set: scripts/test.sh exports the demo before pytest")
        pytest.skip("run through scripts/test.sh, which exports the demo first")
    files = sorted(path.glob("*.json"))
    assert len(files) >= 9, files
    for f in files:
        yield f.name, f.read_text(encoding="utf-8")


def check_every_hash(documents: List[Tuple[str, str]]) -> int:
    recipe = readme_recipe()
    checked = 0
    for name, text in documents:
        assert lk3.validate(text).valid, name
        doc = json.loads(text)
        prev = "0" * 64
        for event in doc["events"]:
            assert event["prev_hash"] == prev, (name, event["seq"])
            assert recipe(event) == event["hash"], (name, event["seq"])
            prev = event["hash"]
            checked += 1
    return checked


def test_the_readme_recipe_gives_the_hash_of_every_event_the_demo_exports() -> None:
    assert check_every_hash(list(demo_documents())) > 100


def test_the_readme_recipe_gives_the_hash_of_every_event_a_store_exports(world: World) -> None:
    assert check_every_hash(exported(world)) > 20


def test_the_readme_recipe_is_the_one_printed() -> None:
    recipe = readme_recipe()
    event = {"b": 1, "a": "é", "hash": "x"}
    text = json.dumps({"a": "é", "b": 1}, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert recipe(event) == hashlib.sha256(text.encode("utf-8")).hexdigest()


def in_wita(utc: str) -> str:
    t = datetime.fromisoformat(utc.replace("Z", "+00:00"))
    return t.astimezone(timezone(timedelta(hours=8))).isoformat()


def test_a_document_with_a_time_in_wita_is_refused_by_validation_and_import(world: World, tmp_path: Path) -> None:
    recipe = readme_recipe()
    case = world.in_contract()
    doc = json.loads(world.store.export_case(case.case_id))
    # An integrator writes the second event's time in WITA (the same instant)
    # and, hashing the text it exchanges with the README's recipe, rechains.
    doc["events"][1]["occurred_at"] = in_wita(doc["events"][1]["occurred_at"])
    assert doc["events"][1]["occurred_at"].endswith("+08:00")
    prev = doc["events"][0]["hash"]
    for event in doc["events"][1:]:
        event["prev_hash"] = prev
        event["hash"] = recipe(event)
        prev = event["hash"]
    doc["case"]["last_hash"] = prev
    report = lk3.validate(doc)
    assert not report.valid
    assert [(f.code, f.pointer) for f in report.errors] == [("LK3-E067", "/events/1/occurred_at")]
    f = report.errors[0]
    assert "+08:00" not in f.message_en and "+08:00" not in f.message_id
    assert "kanonis" in f.message_id and "canonical" in f.message_en
    path = tmp_path / "wita.json"
    path.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    with lk3.Store.open("memory://") as other:
        with pytest.raises(lk3.Lk3Error) as e:
            other.import_documents(path)
        assert "LK3-E067" in e.value.message_en and "LK3-E067" in e.value.message_id
        assert other.cases() == []


def first_adult_consent(doc: Event) -> int:
    return next(
        i
        for i, e in enumerate(doc["events"])
        if e["payload"]["type"] == "consent_recorded" and "guardian" not in e["payload"]["consent"]
    )


def with_guardian_null(doc: Event) -> str:
    """`guardian: null` written where lk3 leaves the member out (an adult's consent)."""
    i = first_adult_consent(doc)
    doc["events"][i]["payload"]["consent"]["guardian"] = None
    return json.dumps(doc)


GUARDIAN = "guardian"  # completed with the event's index in the test


@pytest.mark.parametrize(
    "what, forge, code, pointer",
    [
        (
            "an actor with two roles",
            lambda text, doc: text.replace('"role": "relawan"', '"role": "relawan", "role": "ketua"', 1),
            "LK3-E066",
            "/events/0/actor",
        ),
        (
            "a NIK in the header",
            lambda text, doc: json.dumps(dict(doc, case=dict(doc["case"], nik="6474015505850003"))),
            "LK3-E070",
            "/case",
        ),
        (
            "a name in an envelope",
            lambda text, doc: json.dumps(dict(doc, events=[dict(doc["events"][0], nama="Siti Aminah")] + doc["events"][1:])),
            "LK3-E070",
            "/events/0",
        ),
        ("an explicit null lk3 leaves out", lambda text, doc: with_guardian_null(doc), "LK3-E067", GUARDIAN),
    ],
)
def test_strict_documents_are_refused_the_same_way_everywhere(
    world: World, tmp_path: Path, what: str, forge: Callable[[str, Event], str], code: str, pointer: str
) -> None:
    case = world.in_contract()
    text = world.store.export_case(case.case_id)
    if pointer == GUARDIAN:
        pointer = f"/events/{first_adult_consent(json.loads(text))}/payload/consent/guardian"
    forged = forge(text, json.loads(text))
    assert forged != text, what
    report = lk3.validate(forged)
    assert not report.valid, what
    assert (code, pointer) in [(f.code, f.pointer) for f in report.errors], (what, report.findings)
    for f in report.findings:
        for secret in ("6474015505850003", "Siti Aminah"):
            assert secret not in f.message_en and secret not in f.message_id, (what, f)
    path = tmp_path / "forged.json"
    path.write_text(forged, encoding="utf-8")
    with lk3.Store.open("memory://") as other:
        with pytest.raises(lk3.Lk3Error) as e:
            other.import_documents(path)
        assert code in e.value.message_en, (what, e.value)


def test_a_command_with_a_repeated_key_is_refused() -> None:
    report = lk3.validate('{"type": "terminate", "reason": "pindah", "reason": "meninggal"}')
    assert [(f.code, f.pointer) for f in report.findings] == [("LK3-E066", "")]
    assert lk3.errors.error_class("LK3-E066") is lk3.ValidationError
    assert lk3.errors.error_class("LK3-E067") is lk3.ValidationError
