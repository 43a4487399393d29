"""`lk3 import` into SQLite against plain-`sqlite3` baselines, side by side in
one run, in CPU seconds (user + system of each whole process).

    python benches/import_floor.py [--cases 2000] [--rounds 3] [--workdir DIR]

The corpus is `lk3 demo --no-db --cases N --export` (one case document per
case), made once in `--workdir` (a temporary directory without one). A
reference import gives lk3's rows, which are dumped once to a JSON file.
Each round then writes a new database file with each of:

- `lk3 import` (reads, validates and replays every document, writes every
  table), and the same import again into that store (every document is
  already there: a no-op per document);
- baseline "lk3's rows": a Python script that reads and parses every document
  (as any importer must), then inserts the dumped rows into every one of
  lk3's tables, created from lk3's own schema, in one transaction;
- baseline "events only": a Python script that parses every document and
  inserts its events (stream, seq, hash, body) into one table keyed by
  (stream, seq), in one transaction.

All three use WAL with `synchronous = FULL` (lk3's default durability). The
figure is each one's CPU seconds, its best round.

The per-command append is measured by `benches/append_floor.py` (one
durable transaction per command).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "release"


def cpu(cmd: list) -> float:
    """CPU seconds of a child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(cmd, capture_output=True, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if out.returncode != 0:
        sys.exit(f"{cmd[:3]} failed: {out.stderr.decode()[-2000:]}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def durable(db: sqlite3.Connection) -> None:
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = FULL")


def documents(corpus: Path) -> list:
    return [json.loads(f.read_bytes()) for f in sorted(corpus.glob("*.json"))]


def write_rows(corpus: Path, dump: Path, out: Path) -> None:
    """The baseline that writes lk3's rows (run in its own process)."""
    documents(corpus)
    tables = json.loads(dump.read_bytes())
    db = sqlite3.connect(out, isolation_level=None)
    durable(db)
    db.execute("BEGIN")
    for sql in tables["schema"]:
        db.execute(sql)
    for name, rows in tables["rows"].items():
        if rows:
            marks = ", ".join("?" * len(rows[0]))
            rows = [[bytes.fromhex(v["x"]) if isinstance(v, dict) else v for v in r] for r in rows]
            db.executemany(f'INSERT INTO "{name}" VALUES ({marks})', rows)
    db.execute("COMMIT")
    db.close()


def write_events(corpus: Path, out: Path) -> None:
    """The baseline that writes only the events (run in its own process)."""
    db = sqlite3.connect(out, isolation_level=None)
    durable(db)
    db.execute("BEGIN")
    db.execute("CREATE TABLE events (stream_id TEXT, seq INTEGER, hash TEXT, body TEXT, PRIMARY KEY (stream_id, seq))")
    for doc in documents(corpus):
        db.executemany(
            "INSERT INTO events VALUES (?, ?, ?, ?)",
            [(e["stream_id"], e["seq"], e["hash"], json.dumps(e, separators=(",", ":"))) for e in doc["events"]],
        )
    db.execute("COMMIT")
    db.close()


def dump_rows(db_path: Path, dump: Path) -> int:
    """lk3's schema and every row of a store, for the rows baseline."""
    db = sqlite3.connect(db_path)
    schema = [sql for (sql,) in db.execute(
        "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' "
        "ORDER BY type = 'index', rowid")]
    rows = {}
    for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"):
        # Bytes (ids and hashes since schemas 13 and 14, _sqlx_migrations' checksum) as {"x": hex}, written back as bytes.
        rows[name] = [[{"x": v.hex()} if isinstance(v, bytes) else v for v in r] for r in db.execute(f'SELECT * FROM "{name}"')]
    dump.write_text(json.dumps({"schema": schema, "rows": rows}))
    db.close()
    return len(rows.get("events", []))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--cases", type=int, default=2000)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--workdir")
    p.add_argument("--baseline", choices=["rows", "events"], help=argparse.SUPPRESS)
    p.add_argument("--corpus", help=argparse.SUPPRESS)
    p.add_argument("--dump", help=argparse.SUPPRESS)
    p.add_argument("--out", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.baseline == "rows":
        return write_rows(Path(args.corpus), Path(args.dump), Path(args.out))
    if args.baseline == "events":
        return write_events(Path(args.corpus), Path(args.out))

    subprocess.run(["cargo", "build", "-q", "--release", "-p", "lk3-cli"], cwd=ROOT, check=True)
    lk3 = str(TARGET / "lk3")
    work = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="lk3-import-"))
    corpus = work / f"cases-{args.cases}"
    if not corpus.exists():
        subprocess.run([lk3, "demo", "--no-db", "--cases", str(args.cases), "--export", str(corpus)],
                       check=True, stdout=subprocess.DEVNULL)
    files = sorted(corpus.glob("*.json"))
    reference, dump = work / "reference.db", work / "rows.json"
    for f in work.glob("*.db*"):
        f.unlink()
    subprocess.run([lk3, "import", "--db", str(reference), str(corpus)], check=True, capture_output=True)
    events = dump_rows(reference, dump)
    me = [sys.executable, __file__, "--corpus", str(corpus)]
    runs = {
        "lk3 import": lambda out: [lk3, "import", "--db", str(out), str(corpus)],
        "lk3 import again (all present)": lambda out: [lk3, "import", "--db", str(work / "run0.db"), str(corpus)],
        "baseline: lk3's rows, sqlite3": lambda out: me + ["--baseline", "rows", "--dump", str(dump), "--out", str(out)],
        "baseline: events only, sqlite3": lambda out: me + ["--baseline", "events", "--out", str(out)],
    }
    best = {name: float("inf") for name in runs}
    size = {}
    for _ in range(args.rounds):
        for i, (name, cmd) in enumerate(runs.items()):
            out = work / f"run{i}.db"
            for f in work.glob(f"run{i}.db*"):
                f.unlink()
            best[name] = min(best[name], cpu(cmd(out)))
            size[name] = out.stat().st_size if out.exists() else 0
    print(f"{len(files)} case documents, {events} events; CPU seconds, best of {args.rounds}")
    rows = best["baseline: lk3's rows, sqlite3"]
    print(f"{'':34} {'CPU s':>8} {'x rows baseline':>16} {'file MB':>8} {'bytes/event':>12}")
    for name, spent in best.items():
        written = f"{size[name] / 1e6:8.1f} {size[name] / events:12.0f}" if size[name] else ""
        print(f"{name:34} {spent:8.2f} {spent / rows:16.2f} {written}")


if __name__ == "__main__":
    main()
