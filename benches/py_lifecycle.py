"""A case's commands from Python cost the same at its end as at its start.

One case is taken to intervention with a konseling service, then 200
counselling sessions are recorded one command each (``service_step
hold_session``), each returning the case. The figure is CPU time per command
(this process, user + system) over the first and the last 20 commands, best
of ``--rounds`` runs; "peer" is the same loop that reads the case back after
each command (``store.case``), as lk3-py did before it returned the case it
produced (every read loads and verifies the whole stream).

    python benches/py_lifecycle.py [--commands 200] [--rounds 5] [--backend sqlite|memory]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, List, Tuple

import lk3

UNIT = "64.74"


def actors(at: datetime) -> dict:
    return {r: lk3.Actor(lk3.new_id(at), r) for r in ("relawan", "sekretaris", "pekerja_sosial", "psikolog",
                                                       "konselor", "ketua")}


def to_intervention(s: "lk3.Store", a: dict, tick: Callable[[], datetime]) -> "lk3.Case":
    """A case of one client taken to intervention with a konseling service (9 commands)."""
    case = s.open_case(unit=UNIT, case_number=f"{UNIT}/2019/0001", channel="datang_langsung",
                       sasaran="keluarga", actor=a["relawan"], at=tick())
    cid = case.case_id
    mother = lk3.new_id(tick())
    s.register(cid, clients=[mother], problems=["kdrt"], actor=a["sekretaris"], at=tick())
    s.start_engagement(cid, actor=a["pekerja_sosial"], at=tick())
    s.record_consent(cid, subject=mother, purposes=["layanan", "asesmen"], actor=a["pekerja_sosial"], at=tick())
    s.agree_contract(cid, actor=a["pekerja_sosial"], at=tick())
    s.start_assessment(cid, actor=a["psikolog"], at=tick())
    s.complete_assessment(cid, problems=["kdrt"], risk="sedang", actor=a["psikolog"], at=tick())
    case = s.propose_plan(cid, items=["konseling"], actor=a["pekerja_sosial"], at=tick())
    return s.approve_plan(cid, plan_version=case.proposal_version or 1, actor=a["ketua"], at=tick())


def intervention(s: "lk3.Store") -> Tuple["lk3.Case", datetime, dict]:
    """:func:`to_intervention` from 2019-03-04 08:00 UTC, a command a minute:
    the case, the time of its last command, and the staff (:func:`actors`)."""
    at = datetime(2019, 3, 4, 8, 0, tzinfo=timezone.utc)
    a = actors(at)

    def tick() -> datetime:
        nonlocal at
        at += timedelta(minutes=1)
        return at

    return to_intervention(s, a, tick), at, a


def run(url: str, commands: int, read_back: bool) -> List[float]:
    """CPU seconds of each of ``commands`` session commands on one case, a
    minute apart."""
    with lk3.Store.open(url) as s:
        case, at, a = intervention(s)
        cid = case.case_id
        sid = case.services[0].service_id
        out = []
        for n in range(commands):
            t0 = time.process_time()
            case = s.service_step(cid, sid, "hold_session", actor=a["konselor"], at=at + timedelta(minutes=n + 1))
            if read_back:
                case = s.case(cid)
            out.append(time.process_time() - t0)
        assert case.version == 9 + commands and case.service(sid).sessions == commands
    return out


def measure(url_of: Callable[[], str], commands: int, rounds: int, read_back: bool) -> Tuple[float, float]:
    """Best-of-rounds median CPU µs per command over the first and the last 20."""
    firsts, lasts = [], []
    for _ in range(rounds):
        t = run(url_of(), commands, read_back)
        firsts.append(statistics.median(t[:20]))
        lasts.append(statistics.median(t[-20:]))
    return min(firsts) * 1e6, min(lasts) * 1e6


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--commands", type=int, default=200)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--backend", choices=["sqlite", "memory"], default="sqlite")
    args = p.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="lk3-bench-"))
    n = 0

    def url_of() -> str:
        nonlocal n
        n += 1
        return "memory://" if args.backend == "memory" else f"sqlite://{tmp / f'lk3-{n}.db'}"

    print(f"{args.commands} hold_session commands on one case, {args.backend}, CPU µs per command "
          f"(median of the first / last 20, best of {args.rounds})")
    print(f"{'':34} {'first 20':>10} {'last 20':>10} {'last/first':>11}")
    for label, read_back in (("lk3: the case each command returns", False),
                             ("peer: reload the case after each", True)):
        first, last = measure(url_of, args.commands, args.rounds, read_back)
        print(f"{label:34} {first:10.0f} {last:10.0f} {last / first:10.2f}x")


if __name__ == "__main__":
    main()
