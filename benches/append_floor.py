"""A command's durable append through lk3 against a plain `sqlite3` script
writing the same rows in one transaction per command, side by side in one
run, in CPU seconds of this process (user + system).

    python benches/append_floor.py [--commands 200] [--rounds 5]

lk3: one case is taken to intervention with a konseling service (9
commands), the file is copied, then ``--commands`` counselling sessions are
recorded one command each through the Python package (`Store.service_step`:
decide against the kept case, append, return the case). Baseline: on the
copy, the rows lk3 wrote for those commands (the command's claim, the
stream's new head, the event, the case's query row) are written by Python's
`sqlite3`, one `BEGIN IMMEDIATE ... COMMIT` per command, with lk3's
statements (the case's row upserted setting only the columns the commands
changed) and lk3's durability (WAL, `synchronous = FULL`). The figure is
CPU µs per command, the best of ``--rounds``.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Dict, List, Tuple

import lk3
from py_lifecycle import actors, to_intervention


def lk3_run(path: Path, copy: Path, commands: int) -> float:
    """CPU seconds of ``commands`` session commands through lk3."""
    at = datetime(2019, 3, 4, 8, 0, tzinfo=timezone.utc)
    a = actors(at)

    def tick() -> datetime:
        nonlocal at
        at += timedelta(minutes=1)
        return at

    url = f"sqlite://{path}"
    with lk3.Store.open(url) as s:
        cid = to_intervention(s, a, tick).case_id
    shutil.copy(path, copy)
    with lk3.Store.open(url) as s:
        sid = s.case(cid).services[0].service_id
        t0 = time.process_time()
        for _ in range(commands):
            case = s.service_step(cid, sid, "hold_session", actor=a["konselor"], at=tick())
        spent = time.process_time() - t0
    assert case.version == 9 + commands
    return spent


def rows_written(path: Path, after: int) -> Tuple[List[tuple], Dict[str, List[tuple]]]:
    """The rows lk3 wrote for the events after seq ``after``."""
    db = sqlite3.connect(path)
    events = db.execute("SELECT * FROM events WHERE seq > ? ORDER BY seq", (after,)).fetchall()
    tables = {
        "commands": db.execute("SELECT * FROM commands WHERE first_seq > ? ORDER BY first_seq", (after,)).fetchall(),
        "cases": db.execute("SELECT * FROM cases").fetchall(),
        "columns": [tuple(r[1] for r in db.execute("PRAGMA table_info(cases)"))],
    }
    db.close()
    return events, tables


def baseline_run(copy: Path, events: List[tuple], tables: Dict[str, List[tuple]]) -> float:
    """CPU seconds of writing lk3's rows, one durable transaction per command."""
    db = sqlite3.connect(copy, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = FULL")
    (case,) = tables["cases"]
    columns = tables["columns"][0]
    # As lk3 writes it: only the columns the commands changed are set (the
    # case's row on the copy, before them, against the row after).
    (before,) = db.execute(f"SELECT {', '.join(columns)} FROM cases").fetchall()
    changed = [c for c, old, new in zip(columns, before, case) if old != new]
    upsert = (f"INSERT INTO cases ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) "
              f"ON CONFLICT (unit, case_id) DO UPDATE SET "
              + ", ".join(f"{c} = excluded.{c}" for c in changed))
    command_marks = ", ".join("?" * len(tables["commands"][0]))
    event_marks = ", ".join("?" * len(events[0]))
    t0 = time.process_time()
    prev = db.execute("SELECT version, head_hash FROM streams").fetchone()
    for event, command in zip(events, tables["commands"]):
        unit, stream, seq, _, _, _, hash_, _ = event
        db.execute("BEGIN IMMEDIATE")
        db.execute(f"INSERT INTO commands VALUES ({command_marks}) ON CONFLICT DO NOTHING", command)
        db.execute("UPDATE streams SET version = ?, head_hash = ? WHERE unit = ? AND stream_id = ? AND kind = ? "
                   "AND version = ? AND head_hash = ?", (seq, hash_, unit, stream, "case", prev[0], prev[1]))
        db.execute(f"INSERT INTO events VALUES ({event_marks})", event)
        db.execute(upsert, case)
        db.execute("COMMIT")
        prev = (seq, hash_)
    spent = time.process_time() - t0
    db.close()
    return spent


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--commands", type=int, default=200)
    p.add_argument("--rounds", type=int, default=5)
    args = p.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="lk3-append-"))
    best = {"lk3": float("inf"), "baseline": float("inf")}
    for n in range(args.rounds):
        path, copy = tmp / f"lk3-{n}.db", tmp / f"base-{n}.db"
        best["lk3"] = min(best["lk3"], lk3_run(path, copy, args.commands))
        events, tables = rows_written(path, 9)
        assert len(events) == len(tables["commands"]) == args.commands
        best["baseline"] = min(best["baseline"], baseline_run(copy, events, tables))
    shutil.rmtree(tmp)
    per = {k: v / args.commands * 1e6 for k, v in best.items()}
    print(f"{args.commands} hold_session commands, one durable transaction each; CPU µs per command, "
          f"best of {args.rounds}")
    print(f"{'lk3 (Python package, SQLite)':40} {per['lk3']:8.0f}")
    print(f"{'baseline: the same rows, sqlite3':40} {per['baseline']:8.0f}")
    print(f"{'lk3 / baseline':40} {per['lk3'] / per['baseline']:8.2f}x")


if __name__ == "__main__":
    main()
