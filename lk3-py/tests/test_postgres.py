"""The same API on PostgreSQL (a real server: scripts/test.sh starts one and
sets LK3_TEST_PG_URL; each test gets a database of its own). Without the URL
these tests fail under CI=true and are skipped elsewhere."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import List

import pytest

import lk3
from conftest import World


def test_lifecycle_queries_and_frames_on_postgres(pg_url: str) -> None:
    with lk3.Store.open(pg_url) as s:
        assert s.backend == "postgres"
        w = World(s)
        closed = w.closed()
        assert closed.stage == "ditutup" and s.case(closed.case_id) == closed
        w.in_intervention()
        assert [c.stage for c in s.cases()] == ["ditutup", "intervensi"]
        assert s.count_cases(stage="intervensi") == 1
        events = s.events_frame()
        assert len(events) == sum(c.version for c in s.cases())
        assert str(events["occurred_at"].dtype) == "datetime64[us, UTC]"
        assert list(s.services_frame()["kind"]) == ["konseling", "konseling", "rujukan"]
        pseudo = s.events_frame(pseudonymise=True)
        assert closed.case_id not in set(pseudo["stream_id"].astype(str))
        assert s.verify()["problems"] == []
        with pytest.raises(lk3.TransitionRefused):
            s.start_assessment(closed.case_id, actor=w.psikolog, at=w.at())


def test_a_conflict_between_two_writers_on_postgres(pg_url: str) -> None:
    with lk3.Store.open(pg_url) as a, lk3.Store.open(pg_url) as b:
        w = World(a)
        case = w.registered()
        version = b.case(case.case_id).version
        a.start_engagement(case.case_id, actor=w.pekerja_sosial, at=w.at())
        with pytest.raises(lk3.Conflict) as e:
            b.execute(case.case_id, {"type": "terminate", "reason": "pindah"}, actor=w.pekerja_sosial, at=w.at(),
                      expected_version=version)
        assert e.value.code == "LK3-E080"
        assert b.case(case.case_id).version == version + 1


def test_concurrent_writers_on_postgres_lose_nothing(pg_url: str) -> None:
    with lk3.Store.open(pg_url) as s:
        w = World(s)
        case = w.in_contract()
        before = s.case(case.case_id).version
        at = w.at() + timedelta(days=1)
        landed: List[str] = []
        refused: List[str] = []

        def write(n: int) -> None:
            with lk3.Store.open(pg_url) as mine:
                for i in range(5):
                    consent = {"consent_id": lk3.new_id(), "form": "terekam", "purposes": ["statistik"],
                               "subject": w.mother}
                    try:
                        done = mine.execute(case.case_id, {"type": "record_consent", "consent": consent},
                                            actor=w.pekerja_sosial, at=at + timedelta(seconds=n * 10 + i))
                        landed.append(done.events[0]["event_id"])
                    except (lk3.Conflict, lk3.CommandRefused) as e:
                        refused.append(e.code)

        threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert landed and set(refused) <= {"LK3-E080", "LK3-E028"}
        assert s.case(case.case_id).version == before + len(landed)
        assert s.verify()["problems"] == []
