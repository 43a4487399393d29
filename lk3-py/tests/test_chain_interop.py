"""An independent check of the hash chain: Python's json and hashlib agree
with the Rust core on every event that `lk3 demo --export` writes."""

import hashlib
import json
import os
from pathlib import Path

import pytest

EXPORT = os.environ.get("LK3_DEMO_EXPORT")


def events():
    if not EXPORT:
        if os.environ.get("CI") == "true":
            pytest.fail("LK3_DEMO_EXPORT is not set: scripts/test.sh exports the demo before pytest")
        pytest.skip("run through scripts/test.sh, which exports the demo first")
    files = sorted(Path(EXPORT).glob("*.json"))
    assert len(files) >= 9, files
    for f in files:
        doc = json.loads(f.read_text(encoding="utf-8"))
        yield f.name, doc["events"]


def canonical(event):
    body = {k: v for k, v in event.items() if k != "hash"}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def test_every_event_hash_is_the_sha256_of_its_canonical_json():
    checked = 0
    for name, stream in events():
        prev = "0" * 64
        for seq, event in enumerate(stream, start=1):
            assert event["seq"] == seq, name
            assert event["prev_hash"] == prev, (name, seq)
            assert hashlib.sha256(canonical(event)).hexdigest() == event["hash"], (name, seq)
            prev = event["hash"]
            checked += 1
    assert checked > 100


def test_a_changed_event_no_longer_matches_its_hash():
    name, stream = next(iter(events()))
    event = dict(stream[-1])
    event["actor"] = dict(event["actor"], role="ketua" if event["actor"]["role"] != "ketua" else "sekretaris")
    assert hashlib.sha256(canonical(event)).hexdigest() != event["hash"], name


def test_events_hold_no_personal_identifiers():
    for name, stream in events():
        text = json.dumps(stream)
        for key in ('"name"', '"nik"', '"no_kk"', '"address"', '"alamat"', '"phone"'):
            assert key not in text, (name, key)
