#!/usr/bin/env python3
"""Validation speed, lk3 against Python's jsonschema and Node's ajv, in one run on the same files.

    python benches/validate_vs_jsonschema.py [N]

Generates N synthetic case documents with `lk3 demo --cases N --export DIR`
(release build), then validates the same files with
- `lk3 validate --format json DIR` (structure against the same published
  schema, plus the meaning checks: replay, hash chain, references), with one
  worker and with one per core;
- Python `jsonschema` Draft202012Validator with a FormatChecker, structure only,
  one process;
- ajv (Node, `ajv/dist/2020` with ajv-formats), structure only, one process:
  benches/ajv_validate.mjs, which compiles the schema once and reads, parses
  and validates every file (its options are described there).
It also runs all three over the committed fixture corpus (tests/fixtures) and
counts each checker's verdicts there. It prints documents per second, MB per
second and the ratios. Needs the venv that scripts/test.sh makes (jsonschema
installed); installs Node and ajv itself (scripts/bench-peers.sh). The lk3
binary is looked for under $CARGO_TARGET_DIR (default: target/).
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
LK3 = Path(os.environ.get("CARGO_TARGET_DIR") or ROOT / "target").resolve() / "release" / "lk3"
AJV = ROOT / "benches" / "ajv_validate.mjs"


def run_lk3(paths, jobs):
    paths = paths if isinstance(paths, list) else [paths]
    start = time.perf_counter()
    out = subprocess.run([str(LK3), "validate", "--format", "json", "--jobs", str(jobs), *map(str, paths)], capture_output=True)
    elapsed = time.perf_counter() - start
    summary = json.loads(out.stdout)["summary"]
    return elapsed, summary


def run_ajv(args):
    """Wall time of the whole Node process (start-up and compiling the schema
    included, as for lk3) and its JSON summary."""
    start = time.perf_counter()
    out = subprocess.run(["node", str(AJV), *map(str, args)], capture_output=True, check=True)
    elapsed = time.perf_counter() - start
    return elapsed, json.loads(out.stdout)


def run_python(files, kinds=None, verdicts=None):
    """Structure only, one process. `kinds` maps a file to its document kind
    (the fixture manifest); otherwise every file is a case document. Files
    found valid are added to `verdicts` when given."""
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
        ok = not any(True for _ in v.iter_errors(doc))
        valid += ok
        if ok and verdicts is not None:
            verdicts.add(f)
    return time.perf_counter() - start, valid


def note(text):
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def report(name, files, total_bytes, timings, peers):
    """`timings`: (label, seconds) rows, lk3's first; the last `peers` rows
    are the peers, and each lk3 row gets a ratio against each of them."""
    n = len(files)
    print(f"\n{name}: {n} documents, {total_bytes / 1e6:.1f} MB")
    for label, seconds in timings:
        rate, mbs = n / seconds, total_bytes / 1e6 / seconds
        print(f"  {label:<44} {seconds:8.2f} s  {rate:10.0f} docs/s  {mbs:8.1f} MB/s")
    for label, seconds in timings[:-peers]:
        for peer, peer_seconds in timings[-peers:]:
            print(f"  ratio {label} vs {peer.split(' (')[0]}: {peer_seconds / seconds:.1f}x")


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    subprocess.run(["cargo", "build", "-q", "--release", "-p", "lk3-cli"], cwd=ROOT, check=True)
    subprocess.run([str(ROOT / "scripts" / "bench-peers.sh")], check=True)
    node = subprocess.run(["node", "--version"], capture_output=True, text=True, check=True).stdout.strip()
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "cases"
        subprocess.run([str(LK3), "demo", "--no-db", "--cases", str(n), "--export", str(corpus)], check=True, stdout=subprocess.DEVNULL)
        note(f"{n} cases generated")
        files = sorted(corpus.glob("*.json"))
        total = sum(f.stat().st_size for f in files)
        # Each time as soon as it is known (stderr), so that a long run's lk3 and ajv rows survive an interrupted Python one.
        one, s1 = run_lk3(corpus, 1)
        note(f"lk3 validate, 1 worker: {one:.2f} s")
        all_, s2 = run_lk3(corpus, cores)
        note(f"lk3 validate, {cores} workers: {all_:.2f} s")
        ajv, sa = run_ajv(["--kind", "case", corpus])
        note(f"ajv: {ajv:.2f} s; python jsonschema next, at about 50 documents/s")
        py, py_valid = run_python(files)
        # lk3 also reads the exported partner network (jejaring.ndjson), one document per partner.
        assert s1["valid"] == s1["documents"] == s2["valid"] and py_valid == len(files) == sa["valid"] == sa["documents"], (s1, s2, py_valid, sa)
        report("generated case documents", files, total,
               [("lk3 validate, 1 worker (structure+meaning)", one), (f"lk3 validate, {cores} workers", all_),
                (f"ajv (Node {node}, structure only)", ajv), ("python jsonschema (structure only)", py)], 2)
        print(f"  (ajv: compiling the case schema {sa['compile_seconds']:.2f} s, the loop over the files {sa['seconds']:.2f} s"
              f" = {len(files) / sa['seconds']:.0f} docs/s; lk3 counted {s1['documents']} documents with the partner network)")
    base = ROOT / "tests" / "fixtures"
    manifest = json.loads((base / "manifest.json").read_text())
    fixtures = [base / e["file"] for e in manifest]
    kinds = {base / e["file"]: e["kind"] for e in manifest}
    total = sum(f.stat().st_size for f in fixtures)
    lk3_start = time.perf_counter()
    out = subprocess.run([str(LK3), "validate", "--format", "json", "--jobs", "1", base / "valid", base / "invalid"], capture_output=True)
    one = time.perf_counter() - lk3_start
    lk3_report = json.loads(out.stdout)
    ajv, sa = run_ajv(["--list", "--manifest", base / "manifest.json"])
    py_valid = set()
    py, _ = run_python(fixtures, kinds, py_valid)
    report("fixture corpus (every kind; ajv and python against the manifest's kind)", fixtures, total,
           [("lk3 validate, 1 worker (structure+meaning)", one), (f"ajv (Node {node}, structure only)", ajv),
            ("python jsonschema (structure only)", py)], 2)
    # Verdicts on the fixtures: each checker's count, and where the two
    # structure-only peers differ from each other or from the manifest's
    # structurally_valid (lk3 also refuses on meaning, hence its lower count).
    ajv_valid = {Path(f).resolve() for f in sa["valid_files"]}
    py_valid = {f.resolve() for f in py_valid}
    lk3_valid = {Path(d["source"]).resolve() for d in lk3_report["documents"] if d["valid"]}
    structurally = {(base / e["file"]).resolve() for e in manifest if e["structurally_valid"]}
    n = len(fixtures)
    print(f"  verdicts over {n} fixtures (valid / not valid):")
    for label, valid in [("manifest, structurally_valid", structurally), ("manifest, valid/ directory", {f.resolve() for f in fixtures if f.parent.name == "valid"}),
                         ("lk3 validate (structure+meaning)", lk3_valid), ("ajv", ajv_valid), ("python jsonschema", py_valid)]:
        print(f"    {label:<36} {len(valid):4} / {n - len(valid)}")
    for f in sorted(ajv_valid ^ py_valid | (ajv_valid | py_valid) ^ structurally):
        print(f"    differs: {f.relative_to(base.resolve())}: ajv {f in ajv_valid}, python {f in py_valid}, manifest {f in structurally}")


if __name__ == "__main__":
    main()
