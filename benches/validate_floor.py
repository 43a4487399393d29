"""`lk3 validate` against the floor of merely parsing the same files into
`serde_json::Value` (`examples/parse_floor.rs`; `parse_floor_mimalloc` is
the same with the allocator the `lk3` binary uses) and against ajv, side by
side in one run, in CPU seconds (user + system of each whole process).

    python benches/validate_floor.py [--cases 20000] [--rounds 3] [--workdir DIR]

The corpus is `lk3 demo --no-db --cases N --export` (one case document per
case, and the partner network); it is made once in `--workdir` (a temporary
directory without one) and reused. Each round runs the three in turn; the
figure is each one's fastest round. lk3 runs with one worker (`--jobs 1`):
the same single core the others use.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "release"


def cpu(cmd: list) -> tuple:
    """CPU seconds of a child process, and its stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(cmd, capture_output=True, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    spent = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if out.returncode not in (0, 1):
        sys.exit(f"{cmd[0]} failed: {out.stderr.decode()[-2000:]}")
    return spent, out.stdout


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--cases", type=int, default=20_000)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--workdir")
    args = p.parse_args()
    subprocess.run(["cargo", "build", "-q", "--release", "-p", "lk3-cli"], cwd=ROOT, check=True)
    for example in ("parse_floor", "parse_floor_mimalloc"):
        subprocess.run(["cargo", "build", "-q", "--release", "--example", example], cwd=ROOT, check=True)
    subprocess.run([str(ROOT / "scripts" / "bench-peers.sh")], check=True)
    work = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="lk3-validate-"))
    corpus = work / f"cases-{args.cases}"
    if not corpus.exists():
        subprocess.run([str(TARGET / "lk3"), "demo", "--no-db", "--cases", str(args.cases), "--export", str(corpus)],
                       check=True, stdout=subprocess.DEVNULL)
    files = sorted(corpus.glob("*.json"))
    size = sum(f.stat().st_size for f in files)
    runs = {
        "serde_json::Value parse (floor)": [str(TARGET / "examples" / "parse_floor"), str(corpus)],
        "the floor with mimalloc (lk3's allocator)": [str(TARGET / "examples" / "parse_floor_mimalloc"), str(corpus)],
        "lk3 validate --jobs 1 (structure and meaning)": [str(TARGET / "lk3"), "validate", "--format", "json",
                                                            "--jobs", "1", str(corpus)],
        "ajv (structure only)": ["node", str(ROOT / "benches" / "ajv_validate.mjs"), "--kind", "case", str(corpus)],
    }
    best = {name: float("inf") for name in runs}
    for _ in range(args.rounds):
        for name, cmd in runs.items():
            spent, out = cpu(cmd)
            best[name] = min(best[name], spent)
            if name.startswith("lk3"):
                verdict = json.loads(out)["summary"]
                assert verdict["valid"] == verdict["documents"], "every generated document is valid"
    floor = best["serde_json::Value parse (floor)"]
    lk3 = best["lk3 validate --jobs 1 (structure and meaning)"]
    print(f"{len(files)} case documents, {size / 1e6:.1f} MB; CPU seconds, best of {args.rounds}")
    mi = best["the floor with mimalloc (lk3's allocator)"]
    print(f"{'':48} {'CPU s':>8} {'x floor':>8} {'x mimalloc floor':>17}")
    for name, spent in best.items():
        print(f"{name:48} {spent:8.2f} {spent / floor:8.2f} {spent / mi:17.2f}")
    print(f"lk3 vs ajv: {best['ajv (structure only)'] / lk3:.2f}x less CPU")


if __name__ == "__main__":
    main()
