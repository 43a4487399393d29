#!/usr/bin/env python3
"""Validation speed, lk3 against Python's jsonschema, in one run on the same files.

    python benches/validate_vs_jsonschema.py [N]

Generates N synthetic case documents with `lk3 demo --cases N --export DIR`
(release build), then validates the same files with
- `lk3 validate --format json DIR` (structure against the same published
  schema, plus the meaning checks: replay, hash chain, references), with one
  worker and with one per core;
- Python `jsonschema` Draft202012Validator with a FormatChecker, structure only,
  one process.
It also runs both over the committed fixture corpus (tests/fixtures). It prints
documents per second, MB per second and the ratio. Needs the venv that
scripts/test.sh makes (jsonschema installed).
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker

ROOT = Path(__file__).resolve().parents[1]
LK3 = ROOT / "target" / "release" / "lk3"


def run_lk3(paths, jobs):
    paths = paths if isinstance(paths, list) else [paths]
    start = time.perf_counter()
    out = subprocess.run([str(LK3), "validate", "--format", "json", "--jobs", str(jobs), *map(str, paths)], capture_output=True)
    elapsed = time.perf_counter() - start
    summary = json.loads(out.stdout)["summary"]
    return elapsed, summary


def run_python(files, kinds=None):
    """Structure only, one process. `kinds` maps a file to its document kind
    (the fixture manifest); otherwise every file is a case document."""
    validators = {}
    schemas = {p.name.removesuffix(".schema.json"): json.loads(p.read_text()) for p in (ROOT / "schemas").glob("*.schema.json")}
    start = time.perf_counter()
    valid = 0
    for f in files:
        try:
            doc = json.loads(f.read_bytes())
        except (ValueError, RecursionError):
            continue
        kind = kinds.get(f) if kinds is not None else "case"
        if kind is None:
            continue
        v = validators.get(kind) or validators.setdefault(kind, Draft202012Validator(schemas[kind], format_checker=FormatChecker()))
        valid += not any(True for _ in v.iter_errors(doc))
    return time.perf_counter() - start, valid


def report(name, files, total_bytes, timings):
    n = len(files)
    print(f"\n{name}: {n} documents, {total_bytes / 1e6:.1f} MB")
    base = None
    for label, seconds in timings:
        rate, mbs = n / seconds, total_bytes / 1e6 / seconds
        base = base or seconds
        print(f"  {label:<44} {seconds:8.2f} s  {rate:10.0f} docs/s  {mbs:8.1f} MB/s")
    py = timings[-1][1]
    for label, seconds in timings[:-1]:
        print(f"  ratio {label} vs python: {py / seconds:.1f}x")


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    subprocess.run(["cargo", "build", "-q", "--release", "-p", "lk3-cli"], cwd=ROOT, check=True)
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "cases"
        subprocess.run([str(LK3), "demo", "--no-db", "--cases", str(n), "--export", str(corpus)], check=True, stdout=subprocess.DEVNULL)
        files = sorted(corpus.glob("*.json"))
        total = sum(f.stat().st_size for f in files)
        one, s1 = run_lk3(corpus, 1)
        all_, s2 = run_lk3(corpus, cores)
        py, py_valid = run_python(files)
        # lk3 also reads the exported partner network (jejaring.ndjson), one document per partner.
        assert s1["valid"] == s1["documents"] == s2["valid"] and py_valid == len(files), (s1, s2, py_valid)
        report("generated case documents", files, total,
               [("lk3 validate, 1 worker (structure+meaning)", one), (f"lk3 validate, {cores} workers", all_), ("python jsonschema (structure only)", py)])
    base = ROOT / "tests" / "fixtures"
    manifest = json.loads((base / "manifest.json").read_text())
    fixtures = [base / e["file"] for e in manifest]
    kinds = {base / e["file"]: e["kind"] for e in manifest}
    total = sum(f.stat().st_size for f in fixtures)
    one, _ = run_lk3([base / "valid", base / "invalid"], 1)
    py, _ = run_python(fixtures, kinds)
    report("fixture corpus (every kind; python against the manifest's kind)", fixtures, total,
           [("lk3 validate, 1 worker (structure+meaning)", one), ("python jsonschema (structure only)", py)])


if __name__ == "__main__":
    main()
