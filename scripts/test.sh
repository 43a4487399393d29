#!/usr/bin/env bash
# Runs every check CI runs, from a fresh clone, with only the Rust toolchain
# and python3 on the machine. Installs what it needs itself (a Python virtual
# environment in .venv) and is safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
# CI builds everything once from a clean checkout: incremental compilation's bookkeeping
# would only cost there.
[ "${CI:-}" != true ] || export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
started=$SECONDS
# Each step says when it starts, so that a slow one shows in the log.
step() { printf '\n== %s (at %d s)\n' "$*" "$((SECONDS - started))"; }

step "Python virtual environment (.venv)"
[ -x .venv/bin/python ] || python3 -m venv .venv
# Activated once for every step: pyo3 rebuilds when the interpreter changes.
. .venv/bin/activate
python -m pip install -q --disable-pip-version-check -r scripts/requirements-test.txt
# The lk3-py build links libpython; use the interpreter's own.
LIBDIR="$(python -c 'import sysconfig; print(sysconfig.get_config_var("LIBDIR") or "")')"
export LD_LIBRARY_PATH="${LIBDIR}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export PYO3_PYTHON="$(command -v python)"

step "PostgreSQL (a throwaway cluster for the storage tests)"
. scripts/postgres.sh
cleanup() {
  [ -z "${WHEEL_BUILD:-}" ] || kill -- "-$WHEEL_BUILD" 2>/dev/null || true
  stop_postgres
  rm -rf "${LK3_DEMO_EXPORT:-}" "${LK3_DEMO_DB:-}"
}
trap cleanup EXIT

step "Python wheel from source (pip, PEP 517: maturin), manylinux2014 abi3 (zig), in the background"
# The wheel a user gets from `pip install ./lk3-py`, linked by zig against glibc 2.17 so that it
# installs on any Linux from RHEL 7 / Ubuntu 14.04 on (the tag is checked below). Its release
# build is the longest step: it runs beside the others at the lowest priority, on the cores they
# leave idle (test runs, single-process tools), in a session of its own (stopped on exit), and
# pytest waits for it. Where the kernel groups each session's processes for the scheduler
# (autogroup), the session's group is set to the lowest priority too: `nice` alone then only
# ranks processes within the session.
rm -rf target/wheels
mkdir -p target
ZIG_DIR="$(python -c 'import os, ziglang; print(os.path.dirname(ziglang.__file__))')"
PATH="$ZIG_DIR:$PATH" CARGO_TARGET_DIR="$PWD/target/maturin" \
  MATURIN_PEP517_ARGS="--zig --compatibility manylinux2014" \
  setsid -w sh -c '{ echo 19 > /proc/self/autogroup; } 2>/dev/null; exec nice -n 19 "$@"' wheel \
  python -m pip wheel -q --disable-pip-version-check --no-deps ./lk3-py -w target/wheels \
  > target/wheel-build.log 2>&1 &
WHEEL_BUILD=$!

step "cargo fmt"
cargo fmt --all -- --check

step "cargo clippy"
cargo clippy --workspace --all-targets -- -D warnings

step "cargo test (unit, property, integration, CLI; benches run once as tests)"
cargo test --workspace --all-targets

step "cargo test --doc (every public item's example and the README)"
cargo test --workspace --doc

step "cargo doc (no broken or private intra-doc link)"
# The facade `lk3` and the binary `lk3` share a doc path (cargo#6313): the binary's docs are skipped.
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --lib

step "fuzz: each target over its corpus, then 15 s of new inputs (FUZZING.md)"
scripts/fuzz.sh run 15

# The CLI as `cargo test` built it, and the examples built with the whole workspace's features
# as `cargo test` resolved them: `cargo run -p lk3-cli` or `cargo run --example` would build the
# dependencies again with one package's features alone (about a minute). (`cargo test` builds
# the examples as test harnesses, not as the programs they are.)
BUILT="${CARGO_TARGET_DIR:-target}/debug"

step "examples run"
cargo build -q --workspace --examples
for example in examples/*.rs; do
  name="$(basename "$example" .rs)"
  "$BUILT/examples/$name" > /dev/null
  echo "example $name: ok"
done

step "demo export for the external checks"
LK3_DEMO_EXPORT="$(mktemp -d -t lk3-demo.XXXXXX)"
export LK3_DEMO_EXPORT
LK3_DEMO_DB="$(mktemp -d -t lk3-db.XXXXXX)"
export LK3_DEMO_DB
lk3() { "$BUILT/lk3" "$@"; }
lk3 demo --db "$LK3_DEMO_DB/lk3.db" --export "$LK3_DEMO_EXPORT" > /dev/null
ls "$LK3_DEMO_EXPORT" | wc -l

step "the demo's SQLite store verifies, exports the same documents, and imports into PostgreSQL"
lk3 verify --db "$LK3_DEMO_DB/lk3.db"
lk3 export --db "$LK3_DEMO_DB/lk3.db" --out "$LK3_DEMO_DB/export" > /dev/null
for f in "$LK3_DEMO_DB"/export/*.json; do
  name="$(basename "$f")"
  [ -f "$LK3_DEMO_EXPORT/$name" ] || continue
  cmp "$f" "$LK3_DEMO_EXPORT/$name"
done
# The network first: PostgreSQL then checks every partner the imported cases name.
lk3 partners import --db "$LK3_TEST_PG_URL" "$LK3_DEMO_EXPORT/jejaring.ndjson"
lk3 import --db "$LK3_TEST_PG_URL" "$LK3_DEMO_DB/export"
lk3 partners export --db "$LK3_TEST_PG_URL" --format hsds > /dev/null
lk3 verify --db "$LK3_TEST_PG_URL"
lk3 cases --db "$LK3_TEST_PG_URL" --limit 5

step "the demo unit's 2019 report (read back by pytest: openpyxl, the Python API)"
lk3 report --db "$LK3_DEMO_DB/lk3.db" --unit 64.74 --from 2019-01-01 --to 2019-12-31
lk3 report --db "$LK3_DEMO_DB/lk3.db" --unit 64.74 --from 2019-01-01 --to 2019-12-31 --format json --out "$LK3_DEMO_DB/report-2019.json"
lk3 report --db "$LK3_DEMO_DB/lk3.db" --unit 64.74 --from 2019-01-01 --to 2019-12-31 --format xlsx --out "$LK3_DEMO_DB/report-2019.xlsx"
lk3 report --db "$LK3_TEST_PG_URL" --province 64 --from 2019-01-01 --to 2019-12-31 --format json > /dev/null

step "the demo's referrals as a FHIR R4 Bundle (parsed back by pytest with fhir.resources)"
lk3 fhir export --db "$LK3_DEMO_DB/lk3.db" --out "$LK3_DEMO_DB/fhir-bundle.json"

step "Python wheel: its build (started above) done, installed, and pytest"
if ! wait "$WHEEL_BUILD"; then
  cat target/wheel-build.log
  echo "the wheel did not build"
  exit 1
fi
WHEEL_BUILD=
cat target/wheel-build.log
WHEEL="$(ls target/wheels/lk3-*-cp39-abi3-*.whl)"
echo "wheel: $(basename "$WHEEL")"
case "$WHEEL" in
  *manylinux2014*|*manylinux_2_17*) ;;
  *) echo "the wheel is not tagged manylinux2014 (glibc 2.17)"; exit 1 ;;
esac
python -m pip install -q --disable-pip-version-check --force-reinstall --no-deps "$WHEEL"
# Among them `mypy --strict` on the package's stubs and on a typed usage example (test_typing.py).
python -m pytest -q lk3-py/tests

step "the wheel in a new virtual environment runs the README's Python quickstart"
CLEAN="$(mktemp -d -t lk3-clean.XXXXXX)"
trap 'cleanup; rm -rf "$CLEAN"' EXIT
python3 -m venv "$CLEAN/venv"
"$CLEAN/venv/bin/python" -m pip install -q --disable-pip-version-check "$WHEEL[pandas]"
sed -n '/<!-- python-quickstart -->/,/<!-- \/python-quickstart -->/p' README.md \
  | awk '/^```python$/{f=1; next} /^```$/{f=0} f' > "$CLEAN/quickstart.py"
(cd "$CLEAN" && venv/bin/python quickstart.py > out.txt)
head -1 "$CLEAN/out.txt" | grep -qx "registrasi 2"
echo "quickstart: ok"
rm -rf "$CLEAN"

step "done in $((SECONDS - started)) s"
