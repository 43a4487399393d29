"""An auditor's check of a store without lk3: the README's store-audit
recipe, run exactly as the README prints it, checks every event of the
demo's store and of a store written from Python (SHA-256 of each stored
body is its hash, each body names the previous hash, each head is its
stream's last event), agrees with lk3's own verify on how many events there
are, and fails on a store changed behind lk3's back."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import uuid
from pathlib import Path
from typing import Callable

import pytest

import lk3
from conftest import World, demo_report_dir, populate, readme_function


def readme_audit() -> Callable[[str], int]:
    """The `audit_store` function of the README's store-audit-recipe block, as printed."""
    recipe: Callable[[str], int] = readme_function("store-audit-recipe", "audit_store")
    return recipe


def events_lk3_counts(path: Path) -> int:
    with lk3.Store.open(f"sqlite://{path}") as store:
        report = store.verify()
    assert report["problems"] == [], report["problems"]
    events: int = report["events"]
    return events


def test_the_recipe_checks_every_event_of_the_demo_store(tmp_path: Path) -> None:
    # A copy: the demo's store is shared by other tests and stays as it is.
    source = demo_report_dir() / "lk3.db"
    copy = tmp_path / "demo.db"
    with sqlite3.connect(source) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    kinds = {k for (k,) in sqlite3.connect(copy).execute("SELECT DISTINCT kind FROM streams")}
    assert kinds == {"case", "outreach"}, kinds
    checked = readme_audit()(str(copy))
    assert checked > 100
    assert checked == events_lk3_counts(copy)


def test_the_recipe_checks_a_store_written_from_python(tmp_path: Path) -> None:
    path = tmp_path / "lk3.db"
    with lk3.Store.open(f"sqlite://{path}") as store:
        populate(World(store))
    checked = readme_audit()(str(path))
    assert checked > 20
    assert checked == events_lk3_counts(path)


@pytest.mark.parametrize(
    "change",
    [
        # The content: a problem changed, the hash left as it was.
        "UPDATE events SET body = replace(body, '\"kdrt\"', '\"napza\"') WHERE seq = 2",
        # The form only: white space the hash is not over.
        "UPDATE events SET body = replace(body, '\"seq\":3,', '\"seq\":3, ') WHERE seq = 3",
        # A whole stream's tail: the head no longer the last event.
        "DELETE FROM events WHERE rowid = (SELECT max(rowid) FROM events)",
        # An event moved to another stream (stream ids are 16 bytes since schema 14).
        "UPDATE events SET stream_id = randomblob(16) WHERE rowid = (SELECT min(rowid) FROM events WHERE seq = 2)",
    ],
)
def test_the_recipe_and_lk3_both_find_a_store_changed_behind_lk3s_back(tmp_path: Path, change: str) -> None:
    path = tmp_path / "lk3.db"
    with lk3.Store.open(f"sqlite://{path}") as store:
        populate(World(store))
    with sqlite3.connect(path) as db:
        assert db.execute(change).rowcount >= 1
    with pytest.raises(AssertionError):
        readme_audit()(str(path))
    with lk3.Store.open(f"sqlite://{path}") as store:
        assert store.verify()["problems"], change


def test_a_body_is_the_canonical_json_of_the_event_lk3_exports(tmp_path: Path) -> None:
    """The stored body, the bytes hashed, is the exported event without its
    hash, in canonical form (the README's hash recipe, done by hand)."""
    path = tmp_path / "lk3.db"
    with lk3.Store.open(f"sqlite://{path}") as store:
        populate(World(store))
        exported = {c.case_id: json.loads(store.export_case(c.case_id)) for c in store.cases()}
    rows = sqlite3.connect(path).execute("SELECT stream_id, seq, hash, body FROM events").fetchall()
    assert len(rows) > 20
    for stream, seq, hash_, body in rows:
        # The stream id stored as its 16 bytes (schema 14).
        event = exported[str(uuid.UUID(bytes=stream))]["events"][seq - 1]
        # Stored as its 32 bytes (schema 13).
        assert event["hash"] == hash_.hex() == hashlib.sha256(body.encode("utf-8")).hexdigest()
        without = {k: v for k, v in event.items() if k != "hash"}
        assert body == json.dumps(without, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
