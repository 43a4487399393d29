#!/usr/bin/env python3
"""Events to a pandas DataFrame: lk3 against json.loads + pandas.json_normalize,
in one run on the same events.

    python benches/frames_vs_json.py [--cases N] [--workdir DIR] [--keep]

Setup (not timed): `lk3 demo --cases N --db DIR/bench.db --export DIR/export`
(release build; N = 63,500 gives 1,009,055 events with the default seed)
writes the demo's cases into a SQLite store and the same cases as JSON
documents; their events are gathered into one NDJSON file, one event per
line: the events the store holds, as JSON (the store also holds the demo's
one outreach, 7 events, which lk3 reads and the case export leaves out).

Timed, each in a fresh process after one untimed warm-up read of the files:
- lk3: `lk3.Store.open("sqlite://DIR/bench.db").events_frame()`: the event
  log read and decoded in Rust, columns handed to pandas (categoricals,
  datetime64[us, UTC], strings);
- JSON: `[json.loads(line) for line in file]` then `pandas.json_normalize`:
  the usual way to get events into a DataFrame.
Both frames are checked to hold the same events (ids and times). Prints the
seconds, events per second, and the ratio. Needs the venv that scripts/test.sh
makes, with pandas.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LK3 = ROOT / "target" / "release" / "lk3"

LK3_RUN = """
import sys, time
t0 = time.perf_counter()
import lk3
with lk3.Store.open("sqlite://" + sys.argv[1]) as store:
    frame = store.events_frame()
elapsed = time.perf_counter() - t0
cases = frame[frame["stream_kind"] == "case"]
cases[["event_id", "occurred_at"]].to_pickle(sys.argv[2])
print(elapsed, len(frame), len(frame.columns))
"""

JSON_RUN = """
import sys, time
t0 = time.perf_counter()
import json
import pandas
with open(sys.argv[1], encoding="utf-8") as f:
    records = [json.loads(line) for line in f]
frame = pandas.json_normalize(records)
elapsed = time.perf_counter() - t0
frame[["event_id", "occurred_at"]].to_pickle(sys.argv[2])
print(elapsed, len(frame), len(frame.columns))
"""


def setup(workdir: Path, cases: int) -> tuple[Path, Path]:
    db, export, ndjson = workdir / "bench.db", workdir / "export", workdir / "events.ndjson"
    if db.exists() and ndjson.exists():
        return db, ndjson
    if not (db.exists() and export.is_dir()):
        make_store(db, export, cases)
    with open(ndjson, "w", encoding="utf-8") as out:
        for doc in sorted(export.glob("*.json")):
            for event in json.loads(doc.read_text(encoding="utf-8"))["events"]:
                out.write(json.dumps(event, separators=(",", ":"), ensure_ascii=False))
                out.write("\n")
    shutil.rmtree(export)
    return db, ndjson


def make_store(db: Path, export: Path, cases: int) -> None:
    if not LK3.exists():
        subprocess.run(["cargo", "build", "--release", "-q", "--workspace", "--bin", "lk3"], cwd=ROOT, check=True)
    for p in (db, export, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        if p.is_dir():
            shutil.rmtree(p)
        elif p.exists():
            p.unlink()
    print(f"setup: lk3 demo --cases {cases} into {db} and {export} ...", flush=True)
    subprocess.run(
        [str(LK3), "demo", "--cases", str(cases), "--db", f"sqlite://{db}", "--export", str(export)],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def run(code: str, source: Path, out: Path) -> tuple[float, int, int]:
    done = subprocess.run([sys.executable, "-c", code, str(source), str(out)], check=True, capture_output=True, text=True)
    elapsed, rows, cols = done.stdout.split()
    return float(elapsed), int(rows), int(cols)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", type=int, default=63_500, help="synthetic cases (63,500: about 1,000,000 events)")
    ap.add_argument("--workdir", type=Path, help="keep the store and the NDJSON here (reused when present)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = ap.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="lk3-frames-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        db, ndjson = setup(workdir, args.cases)
        for f in (db, ndjson):  # warm the page cache for both, untimed
            with open(f, "rb") as fh:
                while fh.read(1 << 24):
                    pass
        lk3_out, json_out = workdir / "lk3.pkl", workdir / "json.pkl"
        t_lk3, rows, cols = run(LK3_RUN, db, lk3_out)
        t_json, json_rows, json_cols = run(JSON_RUN, ndjson, json_out)

        import pandas

        a, b = pandas.read_pickle(lk3_out), pandas.read_pickle(json_out)
        # The store also holds the demo's outreach (a few events) that the case export leaves out.
        assert len(a) == json_rows and rows - json_rows < 100, (rows, len(a), json_rows)
        a = a.sort_values("event_id").reset_index(drop=True)
        b = b.sort_values("event_id").reset_index(drop=True)
        assert (a["event_id"].astype(str).to_numpy() == b["event_id"].astype(str).to_numpy()).all()
        times = pandas.to_datetime(b["occurred_at"], utc=True).dt.as_unit("us")
        assert (a["occurred_at"].dt.as_unit("us").to_numpy() == times.to_numpy()).all()

        mb = (db.stat().st_size + sum(p.stat().st_size for p in db.parent.glob(db.name + "-wal"))) / 1e6
        print(f"events: {rows:,} lk3, {json_rows:,} JSON (store {mb:,.0f} MB, NDJSON {ndjson.stat().st_size / 1e6:,.0f} MB)")
        print(f"lk3  events_frame():             {t_lk3:7.2f} s  {rows / t_lk3:12,.0f} events/s  {cols} columns")
        print(f"json.loads + json_normalize:     {t_json:7.2f} s  {json_rows / t_json:12,.0f} events/s  {json_cols} columns")
        print(f"ratio: lk3 is {t_json / t_lk3:.1f}x faster (same events: ids and times checked)")
        print(f"python {sys.version.split()[0]}, pandas {pandas.__version__}, {os.cpu_count()} cores")
    finally:
        if not args.keep and not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
