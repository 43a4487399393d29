"""The store's read paths at scale against plain Python floors, side by side
in one run: `lk3 verify` against a script that reads every event row,
re-canonicalises it and checks the SHA-256 chain, and against one that
hashes each stored body as it is (schema 12 keeps the bytes the hash is
over); `lk3 cases --format json`
of every case against a script that writes the stored summary text. CPU
seconds (user + system) and peak memory of each whole process.

    python benches/read_floor.py [--cases 60000] [--rounds 1] [--workdir DIR] [--compare LK3 ...]

The store is `lk3 demo --cases N --db` (SQLite), made once in `--workdir` (a
temporary directory without one) and reused. Each figure is the best round.
`--compare` names other `lk3` binaries (earlier builds, copied aside) whose
`verify` runs in the same rounds, interleaved, each against the first floor.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "release"

VERIFY_FLOOR = """
import hashlib, json, sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
prev_stream, prev_hash, n, bad = None, "0" * 64, 0, 0
rows = db.execute("SELECT stream_id, seq, hash, body FROM events ORDER BY unit, stream_id, seq")
for stream, seq, hash_, body in rows:
    e = json.loads(body)
    e.pop("hash", None)  # a body of schema 11 held it; since schema 12 the row does
    text = json.dumps(e, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    digest = hashlib.sha256(text.encode()).hexdigest()
    hash_ = hash_.hex()  # stored as its 32 bytes since schema 13
    if stream != prev_stream:
        prev_hash = "0" * 64
    bad += digest != hash_ or e["prev_hash"] != prev_hash
    prev_stream, prev_hash = stream, hash_
    n += 1
assert bad == 0, bad
print(n)
"""

# Since schema 12 a body is the bytes its hash is over: the README's
# store-audit recipe hashes them as they are.
VERIFY_BYTES_FLOOR = """
import hashlib, json, sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
prev_stream, prev_hash, n, bad = None, "0" * 64, 0, 0
rows = db.execute("SELECT stream_id, seq, hash, body FROM events ORDER BY unit, stream_id, seq")
for stream, seq, hash_, body in rows:
    digest = hashlib.sha256(body.encode()).hexdigest()
    hash_ = hash_.hex()  # stored as its 32 bytes since schema 13
    if stream != prev_stream:
        prev_hash = "0" * 64
    bad += digest != hash_ or json.loads(body)["prev_hash"] != prev_hash
    prev_stream, prev_hash = stream, hash_
    n += 1
assert bad == 0, bad
print(n)
"""

CASES_FLOOR = """
import sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
out = sys.stdout
(count,) = db.execute("SELECT COUNT(*) FROM cases").fetchone()
out.write('{"count":%d,"cases":[' % count)
for i, (summary,) in enumerate(db.execute("SELECT summary FROM cases ORDER BY case_id")):
    if i:
        out.write(",")
    out.write(summary)
out.write("]}\\n")
"""


def run(cmd: list) -> tuple:
    """CPU seconds and peak resident MB of one child process."""
    with open(os.devnull, "wb") as sink:
        child = subprocess.Popen(cmd, stdout=sink, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(child.pid, 0)
        err = child.stderr.read() if child.stderr else b""
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{cmd[:3]} failed: {err.decode()[-2000:]}")
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--cases", type=int, default=60_000)
    p.add_argument("--rounds", type=int, default=1)
    p.add_argument("--workdir")
    p.add_argument("--compare", nargs="*", default=[], help="other lk3 binaries whose verify runs beside")
    args = p.parse_args()
    subprocess.run(["cargo", "build", "-q", "--release", "-p", "lk3-cli"], cwd=ROOT, check=True)
    lk3 = str(TARGET / "lk3")
    work = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="lk3-reads-"))
    db = work / f"demo-{args.cases}.db"
    if not db.exists():
        subprocess.run([lk3, "demo", "--cases", str(args.cases), "--db", str(db)], check=True,
                       stdout=subprocess.DEVNULL)
    subprocess.run([lk3, "migrate", "--db", str(db)], check=True, stdout=subprocess.DEVNULL)
    py = sys.executable
    runs = {
        "lk3 verify": [lk3, "verify", "--db", str(db)],
        "floor: read, re-canonicalise, SHA-256 chain (Python)": [py, "-c", VERIFY_FLOOR, str(db)],
        "lk3 verify (again, against the next floor)": [lk3, "verify", "--db", str(db)],
        "floor: SHA-256 of the stored bytes, chain (Python)": [py, "-c", VERIFY_BYTES_FLOOR, str(db)],
        "lk3 cases --format json (every case)": [lk3, "cases", "--db", str(db), "--format", "json",
                                                 "--limit", "4000000000"],
        "floor: the stored summary text (Python)": [py, "-c", CASES_FLOOR, str(db)],
    }
    compared = {f"lk3 verify, {path}": [path, "verify", "--db", str(db)] for path in args.compare}
    runs.update(compared)
    best = {name: (float("inf"), 0.0) for name in runs}
    for _ in range(args.rounds):
        for name, cmd in runs.items():
            spent, peak = run(cmd)
            if spent < best[name][0]:
                best[name] = (spent, peak)
    print(f"{db.name}: {db.stat().st_size / 1e6:.0f} MB; CPU seconds and peak MB, best of {args.rounds}")
    print(f"{'':54} {'CPU s':>8} {'peak MB':>8} {'x floor':>8}")
    # Each measure is followed by its floor: pairs (0, 1), (2, 3), (4, 5).
    names = [name for name in runs if name not in compared]
    for i, name in enumerate(names):
        floor = best[names[i | 1]][0]
        print(f"{name:54} {best[name][0]:8.2f} {best[name][1]:8.0f} {best[name][0] / floor:8.2f}")
    for name in compared:
        floor = best[names[1]][0]
        print(f"{name:54} {best[name][0]:8.2f} {best[name][1]:8.0f} {best[name][0] / floor:8.2f}")


if __name__ == "__main__":
    main()
