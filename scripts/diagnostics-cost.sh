#!/usr/bin/env bash
# Instructions per refused request at `warn` and at `debug` logging, with policies of 10,000
# exact origins or patterns (benches/diagnostics_cost.rs), counted by callgrind and
# differenced between two run lengths so start-up cancels out. Prints one table with the
# debug/warn ratio per scenario; with --check, exits 1 when a ratio exceeds 20 (issue 22 §4).
#
# Usage: scripts/diagnostics-cost.sh [--check]   Env: N1 (default 40), N2 (default 120),
#        JOBS (nproc), OUT (target/diagnostics-cost).
set -euo pipefail
cd "$(dirname "$0")/.."
CHECK=0
[[ "${1:-}" == "--check" ]] && CHECK=1
N1=${N1:-40}
N2=${N2:-120}
JOBS=${JOBS:-$(nproc)}
OUT=${OUT:-target/diagnostics-cost}
mkdir -p "$OUT"

if ! command -v valgrind >/dev/null; then
    echo "valgrind not found; installing it with apt-get (Debian package 'valgrind')" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y valgrind >&2
fi

BIN=$(cargo bench -p corsair-bench --bench diagnostics_cost --no-run --message-format=json \
    | grep -o '"executable":"[^"]*diagnostics_cost-[^"]*"' | tail -n1 | cut -d'"' -f4)
[[ -x "$BIN" ]] || { echo "could not build benches/diagnostics_cost.rs" >&2; exit 1; }

count() {
    local s=$1 v=$2 n=$3 f="$OUT/$1.$2.$3.callgrind"
    valgrind --tool=callgrind --callgrind-out-file="$f" "$BIN" "$s" "$v" "$n" >/dev/null 2>&1
    echo "$s $v $n $(awk '/^totals:/ {print $2}' "$f")"
}
export -f count
export BIN OUT

"$BIN" list | awk -v a="$N1" -v b="$N2" '{print $1, $2, a; print $1, $2, b}' \
    | xargs -P "$JOBS" -L1 bash -c 'count "$@"' _ >"$OUT/raw.txt"

awk -v a="$N1" -v b="$N2" -v check="$CHECK" '
    { ir[$1" "$2" "$3] = $4; if (!seen[$1]++) order[++ns] = $1 }
    END {
        printf "Instructions per refused request, 10,000 origins or patterns (callgrind, (I(%d) - I(%d)) / %d)\n\n", b, a, b - a
        printf "| scenario | warn | debug | debug / warn |\n|---|---:|---:|---:|\n"
        bad = 0
        for (i = 1; i <= ns; i++) {
            s = order[i]
            w = (ir[s" warn "b] - ir[s" warn "a]) / (b - a)
            d = (ir[s" debug "b] - ir[s" debug "a]) / (b - a)
            r = d / w
            printf "| %s | %.0f | %.0f | %.1fx |\n", s, w, d, r
            if (r > 20) bad = 1
        }
        if (check && bad) { print "\na debug/warn ratio exceeds 20" > "/dev/stderr"; exit 1 }
    }' "$OUT/raw.txt"
