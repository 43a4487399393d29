"""A command's durable append through lk3 against a plain `sqlite3` script
writing the same rows in one transaction per command, side by side in one
run, in CPU seconds of this process (user + system).

    python benches/append_floor.py [--commands 200] [--rounds 5]

lk3: one case is taken to intervention with a konseling service (9
commands), the file is copied, then ``--commands`` counselling sessions are
recorded one command each through the Python package (`Store.service_step`:
decide against the kept case, append, return the case). The same commands
are then run on a second copy, with Python's `sqlite3` reading every query
table after each, to learn what each command changed (outside the run
timed). Baseline: on the copy, the rows lk3 wrote for each of
those commands (the command's claim, the stream's new head, the event, and
the query rows as that command left them: the case's row, a service's row
...) are written by Python's `sqlite3`, one `BEGIN IMMEDIATE ... COMMIT` per
command, with lk3's statements (a changed row upserted setting only the
columns that changed) and lk3's settings (WAL, `synchronous = FULL`,
`secure_delete`).
After each round the two files are checked to hold the same rows. The
figure is CPU µs per command, the best of ``--rounds``.

The same commands are run two more ways:

- through lk3's Rust API (`examples/append_floor.rs`, built here in release:
  `CaseStoreExt::execute_on` against the kept case, one durable transaction
  each) on another copy of the file: the store's own append, without the
  Python layer (reading the command from Python objects and checking it
  against its JSON Schema, the case handed back). Its query rows are checked
  to be the Python package's;
- through the Python package on an in-memory store (``memory://``): lk3's
  own work without SQLite's.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Dict, List, Tuple

import lk3
from py_lifecycle import intervention


ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "release" / "examples" / "append_floor"

# The event log's tables, written by the baseline's own statements; every
# other table is a query table, written as lk3 left it after each command.
LOG_TABLES = ("streams", "events", "commands", "_sqlx_migrations")

Snapshot = Dict[str, Dict[tuple, tuple]]


def table_names(db: sqlite3.Connection) -> List[str]:
    """Every table of lk3's schema (not SQLite's own)."""
    return [n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]


def query_tables(db: sqlite3.Connection) -> Dict[str, Tuple[List[str], List[str]]]:
    """Each query table's columns and primary-key columns."""
    tables = {}
    for name in table_names(db):
        if name not in LOG_TABLES:
            info = db.execute(f"PRAGMA table_info({name})").fetchall()
            tables[name] = ([c[1] for c in info], [c[1] for c in sorted(info, key=lambda c: c[5]) if c[5]])
    return tables


def snapshot(db: sqlite3.Connection, tables: Dict[str, Tuple[List[str], List[str]]]) -> Snapshot:
    """Every query table's rows, by primary key."""
    rows = {}
    for name, (columns, key) in tables.items():
        at = [columns.index(k) for k in key]
        rows[name] = {tuple(r[i] for i in at): r for r in db.execute(f"SELECT {', '.join(columns)} FROM {name}")}
    return rows


def changes(before: Snapshot, after: Snapshot, tables: Dict[str, Tuple[List[str], List[str]]]) -> List[Tuple[str, tuple]]:
    """The statements that take the query tables from ``before`` to
    ``after`` as lk3 writes them: a changed row upserted setting only the
    columns that differ, a new row inserted, a gone row deleted."""
    statements = []
    for name, (columns, key) in tables.items():
        old, new = before[name], after[name]
        marks = ", ".join("?" * len(columns))
        for k, row in new.items():
            if k not in old:
                statements.append((f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({marks})", row))
            elif old[k] != row:
                changed = [c for c, o, n in zip(columns, old[k], row) if o != n]
                statements.append((f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({marks}) "
                                   f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET "
                                   + ", ".join(f"{c} = excluded.{c}" for c in changed), row))
        for k in old.keys() - new.keys():
            statements.append((f"DELETE FROM {name} WHERE " + " AND ".join(f"{c} = ?" for c in key), k))
    return statements


def sessions(path: Path, case_id: str, at: datetime, commands: int, actor: lk3.Actor,
             watch: bool) -> Tuple[float, List[List[Tuple[str, tuple]]]]:
    """CPU seconds of ``commands`` session commands through lk3, one a
    minute after ``at``; if ``watch``, the statements that write each
    command's changes to the query tables (read after each command, so that
    its seconds count those reads too)."""
    with lk3.Store.open(f"sqlite://{path}") as s:
        sid = s.case(case_id).services[0].service_id
        reader = sqlite3.connect(path) if watch else None
        tables = query_tables(reader) if reader else {}
        before = snapshot(reader, tables) if reader else {}
        written = []
        start = time.process_time()
        for n in range(commands):
            when = at + timedelta(minutes=n + 1)
            case = s.service_step(case_id, sid, "hold_session", actor=actor, at=when)
            if reader:
                after = snapshot(reader, tables)
                written.append(changes(before, after, tables))
                before = after
        spent = time.process_time() - start
        if reader:
            reader.close()
    assert case.version == 9 + commands
    return spent, written


def lk3_run(path: Path, copy: Path, rust: Path, commands: int) -> Tuple[float, List[List[Tuple[str, tuple]]], float]:
    """CPU seconds of ``commands`` session commands through lk3's Python
    package, the statements that write each command's changes to the query
    tables, and CPU seconds of the same commands through lk3's Rust API
    (``rust``, a copy of the file from before them).

    The statements are learnt by running the same commands again on a copy
    of the file from before them, so that the reads between commands stay out
    of the run that is timed; the copy's ids are the same, and the query rows
    do not hold the ids lk3 makes for each command (``same_rows`` checks it
    after the baseline)."""
    with lk3.Store.open(f"sqlite://{path}") as s:
        case, at, staff = intervention(s)
    cid, sid, konselor = case.case_id, case.services[0].service_id, staff["konselor"]
    shutil.copy(path, copy)
    shutil.copy(path, rust)
    replay = copy.with_suffix(".replay.db")
    shutil.copy(path, replay)
    spent, _ = sessions(path, cid, at, commands, konselor, watch=False)
    _, written = sessions(replay, cid, at, commands, konselor, watch=True)
    out = subprocess.run([str(EXAMPLE), str(rust), cid, sid, konselor.staff_id, at.isoformat(), str(commands)],
                         capture_output=True, text=True, check=False)
    if out.returncode != 0:
        sys.exit(f"examples/append_floor.rs failed: {out.stderr[-2000:]}")
    # The Rust API's commands left the query tables as the Python package's did.
    assert same_rows(path, rust, query_only=True), "the Rust API's query rows differ from the Python package's"
    return spent, written, float(out.stdout)


def logic_run(commands: int) -> float:
    """CPU seconds of the same commands through lk3 on an in-memory store:
    lk3's own work (the command read and checked against its schema,
    decided, encoded and hashed, the case handed back) with no SQLite."""
    with lk3.Store.open("memory://") as s:
        case, at, staff = intervention(s)
        cid, sid, konselor = case.case_id, case.services[0].service_id, staff["konselor"]
        start = time.process_time()
        for n in range(commands):
            case = s.service_step(cid, sid, "hold_session", actor=konselor, at=at + timedelta(minutes=n + 1))
        spent = time.process_time() - start
    assert case.version == 9 + commands
    return spent


def rows_written(path: Path, after: int) -> Tuple[List[tuple], List[tuple]]:
    """The events and command rows lk3 wrote after seq ``after``."""
    db = sqlite3.connect(path)
    events = db.execute("SELECT * FROM events WHERE seq > ? ORDER BY seq", (after,)).fetchall()
    commands = db.execute("SELECT * FROM commands WHERE first_seq > ? ORDER BY first_seq", (after,)).fetchall()
    db.close()
    return events, commands


def baseline_run(copy: Path, events: List[tuple], commands: List[tuple],
                 written: List[List[Tuple[str, tuple]]]) -> float:
    """CPU seconds of writing lk3's rows, one durable transaction per command."""
    db = sqlite3.connect(copy, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = FULL")
    # lk3's other settings of its connections (an erased value leaves no residue).
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA secure_delete = ON")
    command_marks = ", ".join("?" * len(commands[0]))
    event_marks = ", ".join("?" * len(events[0]))
    t0 = time.process_time()
    prev = db.execute("SELECT version, head_hash FROM streams").fetchone()
    for event, command, statements in zip(events, commands, written):
        unit, stream, seq, _, _, _, hash_, _ = event
        db.execute("BEGIN IMMEDIATE")
        db.execute(f"INSERT INTO commands VALUES ({command_marks}) ON CONFLICT DO NOTHING", command)
        db.execute("UPDATE streams SET version = ?, head_hash = ? WHERE unit = ? AND stream_id = ? AND kind = ? "
                   "AND version = ? AND head_hash = ?", (seq, hash_, unit, stream, "case", prev[0], prev[1]))
        db.execute(f"INSERT INTO events VALUES ({event_marks})", event)
        for sql, params in statements:
            db.execute(sql, params)
        db.execute("COMMIT")
        prev = (seq, hash_)
    spent = time.process_time() - t0
    db.close()
    return spent


def same_rows(a: Path, b: Path, query_only: bool = False) -> bool:
    """Whether two files hold the same rows in every table (every query
    table, if ``query_only``)."""
    x, y = sqlite3.connect(a), sqlite3.connect(b)
    names = [n for n in table_names(x) if not (query_only and n in LOG_TABLES)]
    same = all(sorted(map(repr, x.execute(f"SELECT * FROM {n}"))) == sorted(map(repr, y.execute(f"SELECT * FROM {n}")))
               for n in names)
    x.close()
    y.close()
    return same


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--commands", type=int, default=200)
    p.add_argument("--rounds", type=int, default=5)
    args = p.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="lk3-append-"))
    subprocess.run(["cargo", "build", "-q", "--release", "--example", "append_floor"], cwd=ROOT, check=True)
    best = {"lk3": float("inf"), "baseline": float("inf"), "logic": float("inf"), "rust": float("inf")}
    for n in range(args.rounds):
        path, copy, rust = tmp / f"lk3-{n}.db", tmp / f"base-{n}.db", tmp / f"rust-{n}.db"
        spent, written, rust_spent = lk3_run(path, copy, rust, args.commands)
        best["lk3"] = min(best["lk3"], spent)
        best["rust"] = min(best["rust"], rust_spent)
        events, commands = rows_written(path, 9)
        assert len(events) == len(commands) == len(written) == args.commands
        best["baseline"] = min(best["baseline"], baseline_run(copy, events, commands, written))
        # The baseline wrote exactly lk3's rows, no fewer.
        assert same_rows(path, copy), "the baseline's file differs from lk3's"
        best["logic"] = min(best["logic"], logic_run(args.commands))
    shutil.rmtree(tmp)
    per = {k: v / args.commands * 1e6 for k, v in best.items()}
    print(f"{args.commands} hold_session commands, one durable transaction each; CPU µs per command, "
          f"best of {args.rounds}")
    print(f"{'lk3 (Python package, SQLite)':40} {per['lk3']:8.0f}")
    print(f"{'lk3 (Rust API, SQLite)':40} {per['rust']:8.0f}")
    print(f"{'baseline: the same rows, sqlite3':40} {per['baseline']:8.0f}")
    print(f"{'lk3 (Python) / baseline':40} {per['lk3'] / per['baseline']:8.2f}x")
    print(f"{'lk3 (Rust) / baseline':40} {per['rust'] / per['baseline']:8.2f}x")
    # What the ratio is made of: lk3's own work, and the rest (SQLite's, and
    # what the file store adds to the logic).
    print(f"{'lk3 on an in-memory store (no SQLite)':40} {per['logic']:8.0f}")
    print(f"{'(lk3 - in-memory) / baseline':40} {(per['lk3'] - per['logic']) / per['baseline']:8.2f}x")


if __name__ == "__main__":
    main()
