"""lk3 across processes: every exception pickles (so a multiprocessing
worker's lk3 error reaches the parent as itself, instead of hanging
`Pool.map`), and a store opened before `fork()` works in the child (SQLite
and PostgreSQL reopen themselves; `memory://` refuses with LK3-E096).

Every wait is bounded: a regression fails the test instead of hanging it."""

from __future__ import annotations

import copy
import ctypes
import faulthandler
import inspect
import multiprocessing
import os
import pickle
import select
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple, Type

import pytest

import lk3
import lk3.errors
from conftest import UNIT, World

TIMEOUT = 60.0
"""Seconds any child process, pool or wait may take before the test fails."""

AT = datetime(2019, 3, 4, 13, 15, tzinfo=timezone.utc)
# Fixed ids, so that a worker's error and the parent's own are the same error.
CASE = "01695a3b-0f38-7000-8000-000000000001"
RELAWAN = lk3.Actor("01695a3b-0f38-7000-8000-0000000000aa", "relawan")

ERROR_CLASSES: List[Type[lk3.Lk3Error]] = sorted(
    {c for _, c in inspect.getmembers(lk3.errors, inspect.isclass) if issubclass(c, lk3.Lk3Error)},
    key=lambda c: c.__name__,
)
CODES = sorted(lk3.errors.error_codes())
FINDING = lk3.Finding("LK3-E070", "error", "/reason", "not one of the reasons", "bukan salah satu alasan")


@pytest.fixture(autouse=True)
def watchdog() -> Iterator[None]:
    """The last guard: a test here that hangs past every bounded wait dumps
    its threads and ends the run, rather than hanging CI."""
    faulthandler.dump_traceback_later(TIMEOUT * 4, exit=True)
    yield
    faulthandler.cancel_dump_traceback_later()


def fields(e: lk3.Lk3Error) -> Tuple[Any, ...]:
    return (type(e), e.code, e.message_en, e.message_id, e.findings, e.args, str(e), getattr(e, "__notes__", None))


# -- pickling ---------------------------------------------------------------


def test_the_registry_lists_every_code() -> None:
    codes = lk3.errors.error_codes()
    assert codes["LK3-E020"] == ("Langkah tidak diizinkan", "Step not allowed")
    assert len(CODES) >= 50 and all(c.startswith("LK3-E") and len(c) == 8 for c in CODES)
    assert all(title_id and title_en for title_id, title_en in codes.values())


@pytest.mark.parametrize("cls", ERROR_CLASSES, ids=lambda c: c.__name__)
def test_every_exception_pickles_with_every_code(cls: Type[lk3.Lk3Error]) -> None:
    assert lk3.Lk3Error in ERROR_CLASSES and lk3.StoreError in ERROR_CLASSES
    for code in CODES:
        for findings in ((), (FINDING,)):
            e = cls("in English", code=code, message_id="dalam bahasa Indonesia", findings=findings)
            if hasattr(e, "add_note"):
                e.add_note("a note")
            for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
                assert fields(pickle.loads(pickle.dumps(e, protocol))) == fields(e), (code, protocol)
            assert fields(copy.deepcopy(e)) == fields(e) and fields(copy.copy(e)) == fields(e)


@pytest.mark.parametrize("code", CODES)
def test_the_exception_of_every_code_pickles(code: str) -> None:
    from lk3.errors import _from_code, error_class

    e = _from_code(code, f"[{code}] in English", f"[{code}] dalam bahasa Indonesia", [FINDING])
    back = pickle.loads(pickle.dumps(e))
    assert type(back) is error_class(code) and fields(back) == fields(e)
    assert back.findings == (FINDING,) and str(back) == f"[{code}] in English"


# -- a multiprocessing pool whose worker raises -----------------------------


def raise_lk3(kind: str) -> str:
    """Raises a genuine lk3 error in the worker (or returns, for `ok`)."""
    with lk3.Store.open("memory://") as store:
        store.open_case(unit=UNIT, case_number=f"{UNIT}/2019/0001", channel="datang_langsung",
                        sasaran="keluarga", actor=RELAWAN, at=AT, case_id=CASE)
        if kind == "refused":
            store.start_assessment(CASE, actor=RELAWAN, at=AT)
        elif kind == "invalid":
            store.execute(CASE, {"type": "terminate", "reason": "bosan"}, actor=RELAWAN, at=AT)
        elif kind == "store":
            lk3.Store.open("mysql://db/lk3")
    return kind


def caught(kind: str) -> Any:
    """The lk3 error `raise_lk3` raises, returned as a value."""
    try:
        return raise_lk3(kind)
    except lk3.Lk3Error as e:
        return e


KINDS = {"refused": lk3.TransitionRefused, "invalid": lk3.ValidationError, "store": lk3.StoreError}


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_a_pool_worker_s_lk3_error_reaches_the_parent(method: str) -> None:
    expected = {kind: caught(kind) for kind in KINDS}
    assert all(type(e) is cls for e, cls in zip(expected.values(), KINDS.values()))
    assert expected["invalid"].findings, "the validation error carries its findings"
    with multiprocessing.get_context(method).Pool(2) as pool:
        for kind, cls in KINDS.items():
            with pytest.raises(cls) as raised:
                pool.map_async(raise_lk3, ["ok", kind, "ok"]).get(timeout=TIMEOUT)
            assert fields(raised.value) == fields(expected[kind])
        returned = pool.map_async(caught, list(KINDS) + ["ok"]).get(timeout=TIMEOUT)
        assert [fields(e) for e in returned[:-1]] == [fields(e) for e in expected.values()]
        assert returned[-1] == "ok"


# -- a store opened before fork() -------------------------------------------


def read_within(fd: int) -> bytes:
    """One byte from a pipe, or a failure after TIMEOUT."""
    ready, _, _ = select.select([fd], [], [], TIMEOUT)
    if not ready:
        pytest.fail("no word from the other process")
    return os.read(fd, 1)


def in_child(work: Callable[[], Any], *, meanwhile: Callable[[], None] = lambda: None, raw_fork: bool = False) -> Any:
    """Runs `work` in a forked child (and `meanwhile` here); returns its
    result, or raises its exception here (pickled: an lk3 error arrives as
    itself). A child that does not finish within TIMEOUT is killed and
    fails the test."""
    read, write = os.pipe()
    # `raw_fork`: libc's fork(), which skips Python's at-fork hooks (as a fork
    # made by a C library would).
    pid = ctypes.CDLL(None).fork() if raw_fork else os.fork()
    if pid == 0:
        os.close(read)
        try:
            out: Tuple[str, Any] = ("ok", work())
        except BaseException as e:  # noqa: B036 - everything goes back to the parent
            out = ("raised", e)
        try:
            os.write(write, pickle.dumps(out))
        finally:
            os._exit(0)
    os.close(write)
    reaped = False
    try:
        meanwhile()
        deadline = time.monotonic() + TIMEOUT
        while os.waitpid(pid, os.WNOHANG) == (0, 0):
            if time.monotonic() > deadline:
                pytest.fail("the child process hung")
            time.sleep(0.01)
        reaped = True
    finally:
        if not reaped:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    with os.fdopen(read, "rb") as f:
        data = f.read()
    assert data, "the child died without an answer"
    status, value = pickle.loads(data)
    if status == "raised":
        raise value
    return value


def next_world(store: lk3.Store, world: World) -> World:
    """A World on `store` for a child process, with case numbers of its own
    (made in the parent, whose counter moves on)."""
    child = World(store, start=world.now)
    child.serial = world.serial
    world.serial += 10
    return child


@pytest.fixture(params=["sqlite", "postgres"])
def durable_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgres":
        url: str = request.getfixturevalue("pg_url")
        return url
    return f"sqlite://{tmp_path / 'lk3.db'}"


def test_a_store_used_in_a_forked_child_reopens_itself(durable_url: str) -> None:
    with lk3.Store.open(durable_url) as store:
        world = World(store)
        first = world.registered()

        for _ in range(2):
            other = next_world(store, world)
            seen, made = in_child(lambda: (store.case(first.case_id).stage, other.contact().case_id))
            assert seen == "registrasi"
            assert store.case(made).stage == "kontak", "the parent sees what the child wrote"
        assert store.verify()["problems"] == []
        assert world.contact().stage == "kontak", "the parent's store still works"


def test_a_child_s_writes_survive_the_parent_closing_the_store(durable_url: str) -> None:
    """The child's connection is its own: when the parent closes (SQLite's
    last connection checkpoints and removes the WAL), nothing the child
    writes afterwards is lost. A SQLite connection reopened over the
    parent's inherited one loses exactly these writes."""
    store = lk3.Store.open(durable_url)
    world = World(store)
    world.contact()
    from_parent, to_child = os.pipe()
    from_child, to_parent = os.pipe()
    other = next_world(store, world)

    def child() -> List[str]:
        made = [other.contact().case_id]
        os.write(to_parent, b"1")
        assert read_within(from_parent) == b"1"  # the parent has closed its store
        made.append(other.contact().case_id)
        return made

    def parent() -> None:
        assert read_within(from_child) == b"1"
        store.close()
        os.write(to_child, b"1")

    made = in_child(child, meanwhile=parent)
    with lk3.Store.open(durable_url) as again:
        assert [again.case(c).stage for c in made] == ["kontak", "kontak"]
        assert again.count_cases() == 3 and again.verify()["problems"] == []


def test_a_memory_store_refuses_in_a_forked_child() -> None:
    with lk3.Store.open("memory://") as store:
        world = World(store)
        case = world.contact()
        with pytest.raises(lk3.StoreError) as raised:
            in_child(lambda: store.case(case.case_id))
        e = raised.value
        assert e.code == "LK3-E096" and "memory://" in e.message_en and "memory://" in e.message_id
        assert "fork" in e.message_en and "spawn" in e.message_en
        assert in_child(lambda: store.close()) is None, "closing it in the child leaves the parent's alone"
        assert store.case(case.case_id).stage == "kontak", "the parent's store is untouched"


def test_a_sqlite_store_forked_without_lk3_s_hook_is_refused_not_reopened(tmp_path: Path) -> None:
    """A fork that skips Python's at-fork hooks leaves the SQLite pool open
    across it: reopening over it could lose writes, so the child refuses."""
    with lk3.Store.open(f"sqlite://{tmp_path / 'lk3.db'}") as store:
        case = World(store).contact()
        with pytest.raises(lk3.StoreError) as raised:
            in_child(lambda: store.case(case.case_id), raw_fork=True)
        assert raised.value.code == "LK3-E096" and "SQLite" in raised.value.message_en
        assert store.case(case.case_id).stage == "kontak"


SHARED: Optional[lk3.Store] = None
"""The parent's store, inherited by forked pool workers."""


def open_in_shared(serial: int) -> str:
    assert SHARED is not None
    case = SHARED.open_case(unit=UNIT, case_number=f"{UNIT}/2019/{serial:04d}", channel="datang_langsung",
                            sasaran="keluarga", actor=RELAWAN, at=AT, case_id=lk3.new_id(AT))
    return case.case_id


def test_forked_pool_workers_write_through_the_parent_s_store(durable_url: str) -> None:
    global SHARED
    with lk3.Store.open(durable_url) as store:
        World(store).contact()
        SHARED = store
        try:
            with multiprocessing.get_context("fork").Pool(3) as pool:
                made = pool.map_async(open_in_shared, range(2, 14)).get(timeout=TIMEOUT)
        finally:
            SHARED = None
        assert len(set(made)) == 12 and all(store.case(c).stage == "kontak" for c in made)
        assert store.count_cases() == 13 and store.verify()["problems"] == []


SCRIPT = """
import os, sys, lk3
store = lk3.Store.open(sys.argv[1])
store.count_cases()
pid = os.fork()
if pid == 0:
    if sys.argv[2] == "use":
        try:
            store.count_cases()
        except lk3.StoreError as e:
            assert e.code == "LK3-E096", e
    sys.exit(0)  # a normal exit: the interpreter finalises, dropping the store
_, status = os.waitpid(pid, 0)
store.count_cases()
sys.exit(os.waitstatus_to_exitcode(status))
"""


@pytest.mark.parametrize("use", ["use", "idle"])
@pytest.mark.parametrize("backend", ["memory", "sqlite", "postgres"])
def test_a_child_exits_normally_without_hanging_on_the_parent_s_store(
    backend: str, use: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = {"memory": "memory://", "sqlite": f"sqlite://{tmp_path / 'lk3.db'}"}.get(backend)
    if url is None:
        url = request.getfixturevalue("pg_url")
    script = subprocess.Popen([sys.executable, "-c", SCRIPT, url, use], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        _, err = script.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(script.pid, signal.SIGKILL)  # the script and its forked child
        script.communicate()
        pytest.fail("a forked child hung at exit on the store it inherited")
    assert script.returncode == 0, err
