"""Shared fixtures: stores of every backend, a clock, staff in every role,
and a `World` that walks cases through the lifecycle with the Python API."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import uuid
from datetime import date, datetime, timedelta, timezone
from glob import glob
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional
from urllib.parse import urlparse

import pytest

import lk3

ROOT = Path(__file__).resolve().parents[2]


def readme_function(block: str, name: str) -> Any:
    """The function `name` of the README's python block marked `<!-- block -->`, as printed."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(rf"<!-- {block} -->\n```python\n(.*?)```\n<!-- /{block} -->", readme, re.S)
    assert found, f"README.md lacks the {block} block"
    scope: Dict[str, Any] = {}
    exec(compile(found.group(1), f"README.md#{block}", "exec"), scope)
    return scope[name]
UNIT = "64.74"
CI = os.environ.get("CI") == "true"

ROLES = [
    "relawan",
    "sekretaris",
    "pekerja_sosial",
    "psikolog",
    "konselor",
    "ketua",
    "penanggung_jawab",
    "mitra",
    "tenaga_profesional",
    "admin",
]


class World:
    """Staff, a clock and the lifecycle steps, over one store."""

    def __init__(self, store: lk3.Store, start: Optional[datetime] = None) -> None:
        self.store = store
        self.now = start or datetime(2019, 3, 4, 13, 15, tzinfo=timezone.utc)
        self.partner = lk3.new_id(self.now)
        # A partner's staff name their partner: the world's one partner.
        self.staff: Dict[str, lk3.Actor] = {
            r: lk3.Actor(lk3.new_id(self.now), r, self.partner if r == "mitra" else None) for r in ROLES
        }
        self.peksos2 = lk3.Actor(lk3.new_id(self.now), "pekerja_sosial")
        self.serial = 0

    def at(self) -> datetime:
        """The next moment: each command a minute after the one before."""
        self.now += timedelta(minutes=1)
        return self.now

    def __getattr__(self, role: str) -> lk3.Actor:
        try:
            return self.__dict__["staff"][role]
        except KeyError:
            raise AttributeError(role) from None

    def contact(self, sasaran: str = "keluarga", channel: str = "datang_langsung") -> lk3.Case:
        self.serial += 1
        return self.store.open_case(
            unit=UNIT,
            case_number=f"{UNIT}/2019/{self.serial:04d}",
            channel=channel,
            sasaran=sasaran,
            actor=self.relawan,
            at=self.at(),
        )

    def registered(self, problems: List[str] = ["kdrt"]) -> lk3.Case:
        case = self.contact()
        self.mother, self.child = lk3.new_id(self.now), lk3.new_id(self.now)
        return self.store.register(
            case.case_id,
            clients=[self.mother, (self.child, True)],
            problems=problems,
            actor=self.sekretaris,
            at=self.at(),
        )

    def consented(self, case: lk3.Case) -> lk3.Case:
        purposes = ["layanan", "asesmen", "pengungkapan_ke_mitra"]
        for subject, guardian in ((self.mother, None), (self.child, self.mother)):
            case = self.store.record_consent(
                case.case_id,
                subject=subject,
                guardian=guardian,
                purposes=purposes,
                disclose_to=[self.partner],
                actor=self.pekerja_sosial,
                at=self.at(),
            )
        return case

    def in_contract(self) -> lk3.Case:
        case = self.registered()
        self.store.start_engagement(case.case_id, actor=self.pekerja_sosial, at=self.at())
        case = self.consented(case)
        return self.store.agree_contract(case.case_id, actor=self.pekerja_sosial, at=self.at())

    def in_intervention(self, items: Optional[List[lk3.store.PlanItemLike]] = None) -> lk3.Case:
        case = self.in_contract()
        s, cid = self.store, case.case_id
        s.start_assessment(cid, actor=self.psikolog, at=self.at())
        s.complete_assessment(cid, problems=["kdrt", "kekerasan_anak"], risk="tinggi", actor=self.psikolog, at=self.at())
        plan = items if items is not None else ["konseling", {"service": "rujukan", "partner_id": self.partner}]
        case = s.propose_plan(cid, items=plan, actor=self.pekerja_sosial, at=self.at())
        assert case.proposal_version is not None
        return s.approve_plan(cid, plan_version=case.proposal_version, actor=self.ketua, at=self.at())

    def closed(self) -> lk3.Case:
        """A case taken through the whole lifecycle to `ditutup`."""
        case = self.in_intervention(items=["konseling"])
        s, cid = self.store, case.case_id
        sid = case.services[0].service_id
        s.service_step(cid, sid, "hold_session", actor=self.konselor, at=self.at())
        s.service_step(cid, sid, "complete", actor=self.konselor, at=self.at())
        s.begin_evaluation(cid, actor=self.pekerja_sosial, at=self.at())
        s.terminate(cid, reason="tujuan_tercapai", actor=self.pekerja_sosial, at=self.at())
        return s.approve_closure(cid, actor=self.ketua, at=self.at())


NIKS = ["6474015505850003", "6474011203100001"]
NAMES = ["Siti Aminah Binti Rahmat", "Budi Santoso"]
KK = "6474010101190007"
VILLAGE = "64.74.01.1001"


def populate(world: World) -> World:
    """A closed case, a case in intervention with a sent referral, a fresh
    contact; the first case's clients in the registry (with the identities
    above)."""
    s = world.store
    world.closed()
    mother, child = world.mother, world.child
    for client_id, name, nik, sex, born in (
        (mother, NAMES[0], NIKS[0], "perempuan", date(1985, 5, 15)),
        (child, NAMES[1], NIKS[1], "laki_laki", date(2010, 3, 12)),
    ):
        s.put_client({"client_id": client_id, "unit": UNIT, "name": name, "nik": nik, "no_kk": KK, "sex": sex,
                      "birth_date": born.isoformat(), "domicile": VILLAGE})
    case = world.in_intervention()
    referral = next(x for x in case.services if x.kind == "rujukan")
    s.service_step(case.case_id, referral.service_id, "send", response_deadline=world.now + timedelta(days=1),
                   actor=world.pekerja_sosial, at=world.at())
    world.contact()
    return world


@pytest.fixture(scope="session")
def mypy(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """`mypy --strict` on some files, as a finished process. One cache for the whole session:
    the standard library's stubs and lk3's are read once, not once per run (it starts empty,
    so nothing stale can be read from it)."""
    cache = tmp_path_factory.mktemp("mypy-cache")

    def run(*targets: str, cwd: Optional[Path] = None) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(cache), *targets]
        return subprocess.run(command, capture_output=True, text=True, cwd=cwd)

    return run


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[lk3.Store]:
    """A fresh store of each embedded backend."""
    url = "memory://" if request.param == "memory" else f"sqlite://{tmp_path / 'lk3.db'}"
    with lk3.Store.open(url) as s:
        yield s


@pytest.fixture
def world(store: lk3.Store) -> World:
    return World(store)


def _createdb() -> str:
    found = shutil.which("createdb") or next(iter(sorted(glob("/usr/lib/postgresql/*/bin/createdb"))), None)
    if not found:
        pytest.fail("createdb (PostgreSQL client) is not installed")
    return found


@pytest.fixture
def pg_url() -> str:
    """A URL to a fresh, empty database on the test server (LK3_TEST_PG_URL):
    PostgreSQL tests fail under CI=true without it and are skipped otherwise."""
    base = os.environ.get("LK3_TEST_PG_URL")
    if not base:
        if CI:
            pytest.fail("LK3_TEST_PG_URL is not set: under CI the PostgreSQL tests must run (scripts/test.sh starts a server)")
        pytest.skip("LK3_TEST_PG_URL is not set (scripts/test.sh starts a server and sets it)")
    u = urlparse(base)
    name = f"lk3_py_{uuid.uuid4().hex[:16]}"
    cmd = [_createdb(), "-h", u.hostname or "127.0.0.1", "-p", str(u.port or 5432), "-U", u.username or "postgres", name]
    env = dict(os.environ)
    if u.password:
        env["PGPASSWORD"] = u.password
    subprocess.run(cmd, check=True, env=env, capture_output=True)
    return re.sub(r"/[^/]*$", f"/{name}", base)


def demo_report_dir() -> Path:
    """The directory scripts/test.sh filled with the demo's store (lk3.db)
    and its 2019 report (report-2019.json, report-2019.xlsx) through the
    CLI (LK3_DEMO_DB). Required in CI; elsewhere the test is skipped."""
    path = os.environ.get("LK3_DEMO_DB")
    if not path:
        if CI:
            pytest.fail("LK3_DEMO_DB is not set: scripts/test.sh makes the demo's store and report")
        pytest.skip("LK3_DEMO_DB is not set (scripts/test.sh sets it)")
    return Path(path)


def demo_export() -> Optional[Path]:
    """The directory `lk3 demo --export` wrote (scripts/test.sh sets LK3_DEMO_EXPORT)."""
    path = os.environ.get("LK3_DEMO_EXPORT")
    return Path(path) if path else None
