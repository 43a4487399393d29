"""Case listings of a PostgreSQL store of 1,000,000 cases, through the Python
package (the same `CaseStore` queries as `lk3 cases` and every embedder).

    cargo build --release -p lk3-cli   # the seed is stored by target/release/lk3
    python benches/pg_listing.py [--cases 1000000] [--seed-cases 2000] [--rounds 5] [--pg-url URL]

The store is built once in a new database `lk3_bench_listing` on the server of
`--pg-url` (default: `$LK3_TEST_PG_URL`, which `. scripts/postgres.sh`
sets). `lk3 demo --cases N` stores N real cases of unit 64.74 (every event,
summary and query row written by lk3); SQL then copies their query rows
(`cases`, `case_problems`, `case_services`, `case_clients`) to 200 units
until the table holds `--cases` cases: each copy gets a new unit, a new
UUIDv7-shaped id from the same millisecond (so id order stays opening
order) and its own case number, in the columns and in the summary. Events
are not copied (a listing reads only these tables), so `verify` would
refuse the copies: this database is for reading speed only.

Each figure is the median wall time of `--rounds` calls from Python, the
result parsed into `CaseSummary` objects:

- nationwide: the count of every case; the first page of 100; a page of
  100 after a cursor half way through; the first page of 100 of the cases
  of the commonest (open stage, problem) pair, with its count;
- one unit's year: the count, the first page of 100, every case of it
  (`iter_cases`, pages of 500) and its `cases_frame`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Callable, List, Tuple

import lk3

ROOT = Path(__file__).resolve().parents[1]
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "release"
DATABASE = "lk3_bench_listing"
# 34 provinces, six kab/kota codes each: the first 200 are the units.
PROVINCES = [11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53, 61, 62, 63, 64, 65,
             71, 72, 73, 74, 75, 76, 81, 82, 91, 94]
UNITS = [f"{p}.{k:02d}" for p in PROVINCES for k in (1, 2, 3, 4, 5, 71)][:200]

# Copies of the seed rows: `copy` n goes to unit n % 200, and is the
# (n / 200)-th copy there (its serials are raised by that many 100,000s).
COPY = """
CREATE TEMP TABLE units (u int PRIMARY KEY, code text NOT NULL);
INSERT INTO units SELECT ordinality - 1, code FROM unnest(%(units)s::text[]) WITH ORDINALITY AS t(code);
CREATE TEMP TABLE copies AS
SELECT n, u.code AS unit, n / 200 AS round
FROM generate_series(1, %(copies)s) AS n JOIN units u ON u.u = n %% 200;
CREATE TEMP TABLE ids AS
SELECT c.unit AS old_unit, c.case_id AS old_id, k.unit,
       substr(m, 1, 8) || '-' || substr(m, 9, 4) || '-7' || substr(r, 1, 3) || '-8' || substr(r, 4, 3) || '-'
         || substr(r, 7, 12) AS case_id,
       CASE WHEN c.case_number IS NULL THEN NULL ELSE
         k.unit || '/' || split_part(c.case_number, '/', 2) || '/'
         || lpad(v.serial, greatest(4, length(v.serial)), '0') END AS case_number,
       c.case_number AS old_number
FROM cases c CROSS JOIN copies k,
     LATERAL (SELECT substr(c.case_id, 1, 8) || substr(c.case_id, 10, 4) AS m,
                     md5(c.case_id || ':' || k.n) AS r) AS x,
     LATERAL (SELECT (split_part(c.case_number, '/', 3)::int + k.round * 100000)::text AS serial) AS v
WHERE c.unit = '64.74';
INSERT INTO cases (unit, case_id, stage, worker, opened_at, case_number, summary, last_at, holder)
SELECT i.unit, i.case_id, c.stage, c.worker, c.opened_at, i.case_number,
       replace(replace(replace(c.summary,
         '"case_id":"' || c.case_id || '"', '"case_id":"' || i.case_id || '"'),
         '"unit":"' || c.unit || '"', '"unit":"' || i.unit || '"'),
         coalesce('"case_number":"' || i.old_number || '"', '-'), coalesce('"case_number":"' || i.case_number || '"', '-')),
       c.last_at, i.unit
FROM cases c JOIN ids i ON i.old_unit = c.unit AND i.old_id = c.case_id;
INSERT INTO case_problems (unit, problem, case_id)
SELECT i.unit, p.problem, i.case_id FROM case_problems p JOIN ids i ON i.old_unit = p.unit AND i.old_id = p.case_id;
INSERT INTO case_services (unit, case_id, service_id, kind, state, deadline)
SELECT i.unit, i.case_id, s.service_id, s.kind, s.state, s.deadline
FROM case_services s JOIN ids i ON i.old_unit = s.unit AND i.old_id = s.case_id;
INSERT INTO case_clients (unit, client_id, case_id)
SELECT i.unit, k.client_id, i.case_id FROM case_clients k JOIN ids i ON i.old_unit = k.unit AND i.old_id = k.case_id;
ANALYZE;
"""


def psql(url: str, sql: str) -> str:
    out = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-At", url, "-c", sql],
                         capture_output=True, text=True, check=False)
    if out.returncode != 0:
        sys.exit(f"psql failed: {out.stderr[-2000:]}")
    return out.stdout.strip()


def database_url(server_url: str, name: str) -> str:
    base, _, _ = server_url.rpartition("/")
    return f"{base}/{name}"


def build(url: str, total: int, seed_cases: int) -> None:
    """The store of `total` cases, made unless it is already there."""
    server = database_url(url, "postgres")
    exists = psql(server, f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'")
    target = database_url(url, DATABASE)
    if exists and psql(target, "SELECT count(*) FROM cases") == str(total):
        return
    psql(server, f"DROP DATABASE IF EXISTS {DATABASE}")
    psql(server, f"CREATE DATABASE {DATABASE}")
    started = time.perf_counter()
    demo = subprocess.run([str(TARGET / "lk3"), "demo", "--db", target, "--cases", str(seed_cases)],
                          capture_output=True, text=True, check=False)
    if demo.returncode != 0:
        sys.exit(f"lk3 demo failed: {demo.stderr[-2000:]}")
    seeded = int(psql(target, "SELECT count(*) FROM cases"))
    print(f"seed: {seeded} cases stored by lk3 demo in {time.perf_counter() - started:.0f} s", flush=True)
    started = time.perf_counter()
    copies = -(-(total - seeded) // seeded)
    units = "{" + ",".join(UNITS) + "}"
    psql(target, COPY % {"units": f"'{units}'", "copies": copies})
    # Trim to exactly `total`: the cases opened last (highest ids) among the copies go.
    psql(target, f"""
        CREATE TEMP TABLE extra AS SELECT unit, case_id FROM cases WHERE unit <> '64.74'
          ORDER BY case_id DESC LIMIT (SELECT greatest(count(*) - {total}, 0) FROM cases);
        DELETE FROM case_problems p USING extra e WHERE p.unit = e.unit AND p.case_id = e.case_id;
        DELETE FROM case_services s USING extra e WHERE s.unit = e.unit AND s.case_id = e.case_id;
        DELETE FROM case_clients k USING extra e WHERE k.unit = e.unit AND k.case_id = e.case_id;
        DELETE FROM cases c USING extra e WHERE c.unit = e.unit AND c.case_id = e.case_id;""")
    psql(target, "VACUUM ANALYZE")
    print(f"copied to {psql(target, 'SELECT count(*) FROM cases')} cases in {time.perf_counter() - started:.0f} s",
          flush=True)


def median_seconds(rounds: int, f: Callable[[], object]) -> Tuple[float, object]:
    times: List[float] = []
    result: object = None
    for _ in range(rounds):
        started = time.perf_counter()
        result = f()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", type=int, default=1_000_000)
    ap.add_argument("--seed-cases", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--pg-url", default=os.environ.get("LK3_TEST_PG_URL"))
    args = ap.parse_args()
    if not args.pg_url:
        sys.exit("no server: give --pg-url or run `. scripts/postgres.sh` first")
    build(args.pg_url, args.cases, args.seed_cases)
    store = lk3.Store.open(database_url(args.pg_url, DATABASE))
    total = store.count_cases()
    # The case id half way through, for a deep cursor.
    half = psql(database_url(args.pg_url, DATABASE),
                f"SELECT case_id FROM cases ORDER BY case_id OFFSET {total // 2} LIMIT 1")
    unit = UNITS[7]
    years = psql(database_url(args.pg_url, DATABASE),
                 f"SELECT extract(year FROM to_timestamp(opened_at / 1e6) AT TIME ZONE 'UTC')::int AS y, count(*) "
                 f"FROM cases WHERE unit = '{unit}' GROUP BY y ORDER BY count(*) DESC LIMIT 1")
    year = int(years.split("|")[0])
    span = {"unit": unit, "opened_from": date(year, 1, 1), "opened_before": date(year + 1, 1, 1)}
    # The commonest (open stage, problem) pair: a caseworker's filter that finds cases.
    pair = psql(database_url(args.pg_url, DATABASE),
                "SELECT c.stage, p.problem FROM cases c JOIN case_problems p ON p.unit = c.unit "
                "AND p.case_id = c.case_id WHERE c.stage NOT IN ('ditutup', 'kontak') "
                "GROUP BY 1, 2 ORDER BY count(*) DESC LIMIT 1")
    stage, problem = pair.split("|")
    both = {"stage": stage, "problem": problem}
    rows = [
        ("nationwide: count", lambda: store.count_cases()),
        ("nationwide: first page of 100", lambda: len(store.cases(limit=100))),
        ("nationwide: page of 100 after a cursor half way", lambda: len(store.cases(limit=100, after=half))),
        (f"nationwide: {stage} with {problem}, count", lambda: store.count_cases(**both)),
        (f"nationwide: {stage} with {problem}, first page of 100", lambda: len(store.cases(limit=100, **both))),
        (f"unit {unit}, {year}: count", lambda: store.count_cases(**span)),
        (f"unit {unit}, {year}: first page of 100", lambda: len(store.cases(limit=100, **span))),
        (f"unit {unit}, {year}: every case (iter_cases)", lambda: sum(1 for _ in store.iter_cases(**span))),
        (f"unit {unit}, {year}: cases_frame", lambda: len(store.cases_frame(**span))),
    ]
    print(f"PostgreSQL store of {total:,} cases in {len(UNITS) + 1} units; median of {args.rounds} rounds, wall time")
    print(f"{'listing':58} {'result':>9} {'seconds':>9}")
    for name, f in rows:
        seconds, result = median_seconds(args.rounds, f)
        print(f"{name:58} {result:>9,} {seconds:>9.3f}", flush=True)
    store.close()


if __name__ == "__main__":
    main()
