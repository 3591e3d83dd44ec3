#!/usr/bin/env bash
# Instructions per request of the roll-out features (benches/rollout_cost.rs), counted by
# callgrind and differenced between two run lengths so start-up cancels out. Prints one table:
# per scenario, no middleware, a fixed policy, a LiveCors without and with a report-only
# candidate, and with the outcome in extensions, plus each variant's delta over `fixed`.
#
# Usage: scripts/rollout-cost.sh    Env: N1 (default 2000), N2 (default 6000), JOBS (nproc).
set -euo pipefail
cd "$(dirname "$0")/.."
N1=${N1:-2000}
N2=${N2:-6000}
JOBS=${JOBS:-$(nproc)}
OUT=${OUT:-target/rollout-cost}
mkdir -p "$OUT"

BIN=$(cargo bench -p corsair-bench --bench rollout_cost --no-run --message-format=json \
    | grep -o '"executable":"[^"]*rollout_cost-[^"]*"' | tail -n1 | cut -d'"' -f4)
[[ -x "$BIN" ]] || { echo "could not build benches/rollout_cost.rs" >&2; exit 1; }

count() {
    local s=$1 v=$2 n=$3 f="$OUT/$1.$2.$3.callgrind"
    valgrind --tool=callgrind --callgrind-out-file="$f" "$BIN" "$s" "$v" "$n" >/dev/null 2>&1
    echo "$s $v $n $(awk '/^totals:/ {print $2}' "$f")"
}
export -f count
export BIN OUT

"$BIN" list | awk -v a="$N1" -v b="$N2" '{print $1, $2, a; print $1, $2, b}' \
    | xargs -P "$JOBS" -L1 bash -c 'count "$@"' _ >"$OUT/raw.txt"

awk -v a="$N1" -v b="$N2" '
    { ir[$1" "$2" "$3] = $4; if (!seen[$1]++) order[++ns] = $1; if (!vs[$2]++) vorder[++nv] = $2 }
    END {
        printf "Instructions per request (callgrind, (I(%d) - I(%d)) / %d)\n\n", b, a, b - a
        printf "| scenario |"; for (j = 1; j <= nv; j++) printf " %s |", vorder[j]; printf "\n|---|"
        for (j = 1; j <= nv; j++) printf "---:|"; printf "\n"
        for (i = 1; i <= ns; i++) {
            s = order[i]; printf "| %s |", s
            for (j = 1; j <= nv; j++) { v = vorder[j]; per[s" "v] = (ir[s" "v" "b] - ir[s" "v" "a]) / (b - a); printf " %.0f |", per[s" "v] }
            printf "\n"
        }
        printf "\nDelta over `fixed` (the policy alone)\n\n| scenario |"
        for (j = 1; j <= nv; j++) if (vorder[j] != "none" && vorder[j] != "fixed") printf " %s |", vorder[j]
        printf "\n|---|"; for (j = 1; j <= nv; j++) if (vorder[j] != "none" && vorder[j] != "fixed") printf "---:|"; printf "\n"
        for (i = 1; i <= ns; i++) {
            s = order[i]; printf "| %s |", s
            for (j = 1; j <= nv; j++) { v = vorder[j]; if (v != "none" && v != "fixed") printf " %+.0f |", per[s" "v] - per[s" fixed"] }
            printf "\n"
        }
    }' "$OUT/raw.txt"
