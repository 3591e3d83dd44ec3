#!/usr/bin/env bash
# Reproduces every performance measurement of corsair against actix-cors 0.7 and no
# middleware (about 10 minutes on 2 cores):
#   1. allocations per request (cargo bench -p corsair-bench --bench allocations; fails if corsair adds
#      any allocation on the no-Origin or allowed path),
#   2. instructions per request under callgrind, with ratios and a profile
#      (scripts/bench-instructions.sh),
#   3. wall-clock criterion benchmarks (cargo bench -p corsair-bench --bench throughput),
#   4. HTTP load test with wrk on loopback (scripts/loadtest.sh).
# Usage: scripts/bench-all.sh [--quick]
#   --quick   shorter criterion and load-test runs (smoke test of the tooling)
# Results are also written to target/bench-all/.
set -euo pipefail
cd "$(dirname "$0")/.."

QUICK=0
for arg in "$@"; do
    case "$arg" in
        --quick) QUICK=1 ;;
        -h | --help) sed -n '2,13p' "$0"; exit 0 ;;
        *) echo "unknown argument: $arg" >&2; exit 2 ;;
    esac
done

OUT=target/bench-all
mkdir -p "$OUT"
status=0
# Same profile settings as scripts/bench-instructions.sh (line tables for corsair and the bench crate), so
# the bench binaries are built once.
CARGO_CONFIG=(--config 'profile.bench.package.corsair.debug="line-tables-only"'
    --config 'profile.bench.package.corsair-bench.debug="line-tables-only"')

echo "# corsair performance run, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: $(nproc) CPU(s), $(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -n1); rustc $(rustc --version | cut -d' ' -f2)"
echo

echo "## 1. Allocations per request"
cargo bench "${CARGO_CONFIG[@]}" -p corsair-bench --bench allocations | tee "$OUT/allocations.md" || status=1
echo

echo "## 2. Instructions per request (callgrind)"
if [[ "$QUICK" == 1 ]]; then export N1=500 N2=2500; fi
scripts/bench-instructions.sh | tee "$OUT/instructions.md" || status=1
echo

echo "## 3. Wall clock (criterion)"
CRITERION_ARGS=()
if [[ "$QUICK" == 1 ]]; then CRITERION_ARGS=(--warm-up-time 0.2 --measurement-time 0.5 --sample-size 10); fi
cargo bench "${CARGO_CONFIG[@]}" -p corsair-bench --bench throughput -- "${CRITERION_ARGS[@]}" >"$OUT/throughput.txt" 2>&1 || {
    status=1
    tail -n 30 "$OUT/throughput.txt"
}
# Summary from criterion's own estimates (median time per request; overhead over none).
python3 - target/criterion <<'PY' | tee "$OUT/throughput.md"
import json, os, sys
root = sys.argv[1]
def median(group, bench):
    f = os.path.join(root, group, bench, "new", "estimates.json")
    return json.load(open(f))["median"]["point_estimate"] if os.path.exists(f) else None
order = ["no_origin", "allowed_1_of_1", "allowed_last_of_100", "allowed_last_of_10000",
         "pattern_1_of_1", "pattern_last_of_1000", "regex", "disallowed",
         "preflight_allowed", "preflight_rejected", "vary1_no_origin", "vary1_allowed",
         "vary1_disallowed", "compress_outside", "compress_inside"]
base = median("baseline", "construct_request")
print("Median wall-clock time per request (criterion; noisy on a shared machine, prefer the instruction counts)")
if base is not None:
    print(f"building the preflight request alone: {base:.0f} ns (every row includes building its request)")
print()
print("| scenario | none | actix-cors | corsair | Δ actix-cors | Δ corsair |")
print("|---|---:|---:|---:|---:|---:|")
for g in order:
    n, a, c = (median(g, v) for v in ("none", "actix-cors", "corsair"))
    if n is None or c is None:
        continue
    fa = f"{a:.0f} ns" if a is not None else "n/a"
    da = f"{a - n:+.0f} ns" if a is not None else "n/a"
    print(f"| {g} | {n:.0f} ns | {fa} | {c:.0f} ns | {da} | {c - n:+.0f} ns |")
PY
echo

echo "## 4. Load test (wrk, loopback)"
if [[ "$QUICK" == 1 ]]; then export DURATION=2s ROUNDS=1; fi
SCENARIOS=${SCENARIOS:-"allowed no_origin preflight"} scripts/loadtest.sh | tee "$OUT/loadtest.md" || status=1

exit "$status"
