#!/usr/bin/env bash
# Coverage-guided fuzzing of the JSON entry points on the stable toolchain
# (FUZZING.md): libFuzzer from the libfuzzer-sys crate, with the coverage
# instrumentation cargo-fuzz would ask rustc for, passed as plain codegen
# flags so no nightly and no cargo-fuzz are needed.
#
#   scripts/fuzz.sh run [SECONDS] [TARGET...]   each target for SECONDS (default 15),
#                                               starting from fuzz/corpus/TARGET; CI runs this
#   scripts/fuzz.sh corpus [DIR...]             rebuild fuzz/corpus/ from the seeds (fixtures,
#                                               schemas, README commands), the committed corpus
#                                               and DIRs (e.g. a long run's), minimised (-merge=1)
#
# Exits non-zero on a crash (panic, abort, a run over -timeout, over -rss_limit_mb) and leaves
# the input in target/fuzz/artifacts/TARGET/; replay it with `target/fuzz/bin/TARGET FILE`.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

TARGETS=(validate import case_command outreach_command)
# A hang is an input that takes over 10 s; memory is capped below the machine's.
LIBFUZZER_OPTS=(-timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048 -print_final_stats=1)
OUT=target/fuzz

build() {
  local host
  host="$(rustc -vV | sed -n 's/^host: //p')"
  # Instrument like cargo-fuzz: 8-bit edge counters and their PC table (what libFuzzer's
  # coverage feedback reads), comparison tracing (so it learns the strings and numbers the
  # code compares against), debug assertions and overflow checks (an overflow is a crash).
  # `--target` keeps these flags off build scripts and proc-macros. Not `--locked`: fuzz/Cargo.lock
  # pins what it can, and cargo adds what the workspace's crates have come to need since.
  RUSTFLAGS="--cfg fuzzing -Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares -Cdebug-assertions -Coverflow-checks" \
    cargo build --release --manifest-path fuzz/Cargo.toml --target "$host" --target-dir "$OUT/build" \
    --bins
  mkdir -p "$OUT/bin"
  # Replaced by rename, never rewritten in place: a running fuzzer keeps its binary.
  for t in "${TARGETS[@]}"; do
    cp "$OUT/build/$host/release/$t" "$OUT/bin/$t.new" && mv -f "$OUT/bin/$t.new" "$OUT/bin/$t"
  done
}

# A libFuzzer dictionary of every member name and vocabulary value in the published schemas,
# quoted as JSON strings, so mutations swap one valid word for another (a reason, a role, a
# command type) instead of waiting for the comparisons to reveal them.
dictionary() {
  python3 - schemas/*.schema.json > "$OUT/lk3.dict" <<'PY'
import json, sys

words = set()
def walk(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict):
                words.update(value)
            if key in ("enum", "const"):
                words.update(v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str))
            walk(value)
    elif isinstance(node, list):
        for value in node:
            walk(value)
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as f:
        walk(json.load(f))
for word in sorted(words):
    print(json.dumps(json.dumps(word)))
PY
}

# One target for SECONDS: its corpus first, then new inputs.
fuzz_one() {
  local seconds="$1" t="$2"
  # New inputs go to a scratch directory: the committed corpus changes only by `corpus`.
  local work="$OUT/work/$t" artifacts="$OUT/artifacts/$t"
  mkdir -p "$work" "$artifacts"
  echo "fuzz $t for ${seconds} s"
  "$OUT/bin/$t" "${LIBFUZZER_OPTS[@]}" -max_total_time="$seconds" -dict="$OUT/lk3.dict" \
    -artifact_prefix="$artifacts/" \
    "$work" "fuzz/corpus/$t" 2>"$OUT/$t.log" || {
    tail -n 40 "$OUT/$t.log"
    echo "fuzz $t: CRASH, input in $artifacts/ (replay: $OUT/bin/$t FILE)"
    return 1
  }
  # The last status line and the final stats: executions, coverage, corpus.
  grep -E '^#[0-9]+[[:space:]]+DONE|^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)' \
    "$OUT/$t.log" || tail -n 5 "$OUT/$t.log"
}

run() {
  local seconds="${1:-15}"
  shift || true
  local targets=("$@")
  [ ${#targets[@]} -gt 0 ] || targets=("${TARGETS[@]}")
  build
  dictionary
  # A fuzzer is one process on one core: as many at once as the machine has cores, each
  # target's report printed whole, in order, once all are done.
  local cores
  cores="$(nproc 2>/dev/null || echo 1)"
  for t in "${targets[@]}"; do
    while [ "$(jobs -rp | wc -l)" -ge "$cores" ]; do wait -n || true; done
    rm -f "$OUT/$t.status"
    (if fuzz_one "$seconds" "$t"; then s=0; else s=1; fi; echo "$s" >"$OUT/$t.status") >"$OUT/$t.report" 2>&1 &
  done
  wait
  local failed=0
  for t in "${targets[@]}"; do
    cat "$OUT/$t.report"
    [ "$(cat "$OUT/$t.status" 2>/dev/null)" = 0 ] || failed=1
  done
  [ "$failed" = 0 ] || echo "fuzz: a target crashed (above)" >&2
  return "$failed"
}

# Every seed a target starts from: all fixtures (valid and invalid) and the README's command
# examples, minified where that keeps their meaning (smaller inputs run faster and keep the
# committed corpus small; the malformed ones are kept byte for byte). Merging then keeps, per
# target, only those that add coverage.
seeds() {
  python3 - "$1" tests/fixtures/valid/*.json tests/fixtures/invalid/*.json <<'PY'
import json, pathlib, sys

out = pathlib.Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
readme = {"readme-start-assessment": b'{"type":"start_assessment"}',
          "readme-terminate": b'{"type":"terminate","reason":"bosan"}'}
for name, data in readme.items():
    (out / f"{name}.json").write_bytes(data)

def pairs(items):
    if len({k for k, _ in items}) != len(items):
        raise ValueError("duplicate keys")
    return dict(items)

for path in map(pathlib.Path, sys.argv[2:]):
    data = path.read_bytes()
    try:
        value = json.loads(data.decode("ascii"), object_pairs_hook=pairs)
        small = json.dumps(value, separators=(",", ":")).encode()
        if json.loads(small) == value:
            data = small
    except ValueError:  # not JSON, not ASCII, or duplicate keys: keep as it is
        pass
    (out / f"{path.parent.name}-{path.name}").write_bytes(data)
PY
}

corpus() {
  build
  local seed="$OUT/seeds"
  rm -rf "$seed" && seeds "$seed"
  for t in "${TARGETS[@]}"; do
    local merged="$OUT/merged/$t"
    rm -rf "$merged" && mkdir -p "$merged" "fuzz/corpus/$t"
    local extra=()
    for d in "$@"; do [ -d "$d/$t" ] && extra+=("$d/$t"); done
    # -use_counters=0: one input per edge reached, not per hit-count bucket (a quarter of the size).
    "$OUT/bin/$t" "${LIBFUZZER_OPTS[@]}" -merge=1 -use_counters=0 "$merged" "fuzz/corpus/$t" "$seed" "${extra[@]}" \
      2>"$OUT/$t.merge.log" || { tail -n 40 "$OUT/$t.merge.log"; return 1; }
    rm -rf "fuzz/corpus/$t" && mv "$merged" "fuzz/corpus/$t"
    echo "corpus $t: $(ls "fuzz/corpus/$t" | wc -l) files, $(du -sh "fuzz/corpus/$t" | cut -f1)"
  done
}

case "${1:-run}" in
  run) shift || true; run "$@" ;;
  corpus) shift; corpus "$@" ;;
  *) echo "usage: $0 run [SECONDS] [TARGET...] | corpus [DIR...]" >&2; exit 2 ;;
esac
