"""Files from outside, as Python callers hand them over: a FIFO, a device or
an endless file behind a `.json` name, a huge file, links that loop, a
re-import whose events differ. Each is a typed error or a clean result,
never a hang and never a read of more than the size limit."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path
from types import FrameType
from typing import Iterator, Optional

import pytest

import lk3
from conftest import World

LIMIT = 32 * 1024 * 1024


@pytest.fixture(autouse=True)
def never_hangs() -> Iterator[None]:
    """A read that blocks (a FIFO with no writer) fails the test instead."""

    def hung(signum: int, frame: Optional[FrameType]) -> None:
        raise TimeoutError("the call blocked")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(20)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "case.json"
    os.mkfifo(fifo)
    for path in (fifo, str(fifo)):
        with pytest.raises(lk3.ValidationError) as e:
            lk3.validate(path)
        assert e.value.code == "LK3-E095"
        assert e.value.message_id != e.value.message_en


def test_a_device_behind_a_json_name_is_refused(tmp_path: Path) -> None:
    link = tmp_path / "zero.json"
    link.symlink_to("/dev/zero")
    with pytest.raises(lk3.ValidationError) as e:
        lk3.validate(link)
    assert e.value.code == "LK3-E095"


def test_a_file_over_the_limit_is_refused_after_the_limit(tmp_path: Path) -> None:
    # Sparse: 1.5 GB on paper, nothing on disk; only the limit plus one byte is read.
    huge = tmp_path / "huge.json"
    with open(huge, "wb") as f:
        f.truncate(1_500_000_000)
    with pytest.raises(lk3.ValidationError) as e:
        lk3.validate(huge)
    assert e.value.code == "LK3-E062"
    at_limit = tmp_path / "at-limit.json"
    with open(at_limit, "wb") as f:
        f.truncate(LIMIT)
    # Exactly at the limit it is read (and is simply not JSON).
    assert not lk3.validate(at_limit).valid


def test_import_walks_without_following_links_and_refuses_what_is_not_a_file(world: World, tmp_path: Path) -> None:
    case = world.closed()
    docs = tmp_path / "docs"
    (docs / "nested").mkdir(parents=True)
    (docs / "nested" / "case.json").write_text(world.store.export_case(case.case_id), encoding="utf-8")
    # Two links back up the tree: a walk that followed them would never end.
    (docs / "loop").symlink_to(docs)
    (docs / "nested" / "up").symlink_to("..")
    with lk3.Store.open("memory://") as other:
        assert other.import_documents(docs) == lk3.ImportReport(1, 0, case.version)
        os.mkfifo(docs / "pipe.json")
        # Named directly or inside a directory, a FIFO is refused, never
        # opened and never skipped in silence; so is a link under a document's name.
        for named in (docs / "pipe.json", docs):
            with pytest.raises(lk3.ValidationError) as e:
                other.import_documents(named)
            assert e.value.code == "LK3-E095" and "pipe.json" in e.value.message_en
        (docs / "pipe.json").unlink()
        (docs / "linked.json").symlink_to(docs / "nested" / "case.json")
        with pytest.raises(lk3.ValidationError) as e:
            other.import_documents(docs)
        assert e.value.code == "LK3-E095" and "linked.json" in e.value.message_en
        (docs / "linked.json").unlink()
        assert other.import_documents(docs) == lk3.ImportReport(0, 1, 0)


def test_a_reimport_whose_events_differ_is_a_conflict(world: World, tmp_path: Path) -> None:
    case = world.registered()
    prefix = world.store.export_case(case.case_id)
    command_id, at = lk3.new_id(world.now), world.at()
    docs = []
    # The same next command id in two stores, taken by two different workers: two histories.
    for actor in (world.pekerja_sosial, world.peksos2):
        with lk3.Store.open("memory://") as s:
            (tmp_path / "prefix.json").write_text(prefix, encoding="utf-8")
            s.import_documents(tmp_path / "prefix.json")
            s.execute(case.case_id, {"type": "start_engagement"}, actor=actor, at=at, command_id=command_id)
            docs.append(s.export_case(case.case_id))
    (tmp_path / "prefix.json").unlink()
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text(docs[0], encoding="utf-8")
    b.write_text(docs[1], encoding="utf-8")
    assert lk3.validate(a).valid and lk3.validate(b).valid
    with lk3.Store.open("memory://") as other:
        assert other.import_documents(a).imported == 1
        assert other.import_documents(a) == lk3.ImportReport(0, 1, 0), "the same document again: present"
        with pytest.raises(lk3.Conflict) as e:
            other.import_documents(b)
        assert e.value.code == "LK3-E082"
        assert other.export_case(case.case_id) == docs[0], "what is stored stays"
