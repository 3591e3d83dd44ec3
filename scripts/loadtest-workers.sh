#!/usr/bin/env bash
# Multi-worker HTTP load test: does the CORS middleware scale with actix workers?
#
# For each worker count N, runs benches/bench_server.rs with N workers and no middleware,
# actix-cors 0.7, corsair (a built policy) and corsair through LiveCors, and drives it with
# wrk (allowed cross-origin GETs: Origin https://app99.example.com, the last of 100 exact
# origins, credentials). Variants are interleaved per round and the median of ROUNDS is kept.
# Any socket error or non-2xx response fails the run.
#
# Usage: scripts/loadtest-workers.sh
# Env: WORKER_COUNTS (default: "1 2 4 ... up to half the CPUs"), DURATION (wrk -d, default
#      10s), CONNECTIONS_PER_WORKER (default 32), ROUNDS (default 3), VARIANTS (default
#      "none actix-cors corsair corsair-live"), PORT (default 8098), SERVER_BIN (prebuilt
#      bench_server; skips the build).
#
# What it prints: one row per (N, variant) with requests/s, the ratio to no middleware at
# the same N ("÷ none"), and the scaling from 1 worker ("÷ own N=1", ideally close to N).
# How to read it: a middleware that writes shared memory per request (an atomic count on
# one cache line, a lock) shows a "÷ none" that falls as N grows, and a scaling column that
# flattens before no middleware's does. A flat "÷ none" across N means the middleware adds
# a constant per-request cost and no cross-core contention. Give the server and wrk their
# own cores: with fewer than 2N CPUs the server and the load generator compete, and the
# numbers then measure the machine, not the middleware (the script says so when it happens).
set -euo pipefail
cd "$(dirname "$0")/.."

CPUS=$(nproc)
if [[ -z "${WORKER_COUNTS:-}" ]]; then
    WORKER_COUNTS=1
    n=2
    while ((n <= CPUS / 2)); do WORKER_COUNTS="$WORKER_COUNTS $n"; n=$((n * 2)); done
fi
DURATION=${DURATION:-10s}
CONNECTIONS_PER_WORKER=${CONNECTIONS_PER_WORKER:-32}
ROUNDS=${ROUNDS:-3}
VARIANTS=${VARIANTS:-"none actix-cors corsair corsair-live"}
PORT=${PORT:-8098}
ADDR="127.0.0.1:$PORT"
OUT=${OUT:-target/loadtest-workers}
mkdir -p "$OUT"

command -v wrk >/dev/null || {
    echo "wrk not found; installing it with apt-get (Debian package 'wrk')" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y wrk >&2
}
if [[ -n "${SERVER_BIN:-}" ]]; then
    BIN=$SERVER_BIN
else
    echo "building benches/bench_server.rs ..." >&2
    cargo build --profile bench -p corsair-bench --bin bench_server >&2
    BIN=target/release/bench_server
fi

printf 'wrk.method = "GET"\nwrk.headers["Origin"] = "https://app99.example.com"\n' >"$OUT/allowed.lua"

SERVER_PID=
stop_server() {
    if [[ -n "$SERVER_PID" ]]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
        SERVER_PID=
    fi
}
trap stop_server EXIT

median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

declare -A RPS
shared_cpus=0
for n in $WORKER_COUNTS; do
    # Server on CPUs 0..n-1, wrk on the rest, when there are enough CPUs for both.
    if ((CPUS >= 2 * n)) && command -v taskset >/dev/null; then
        PIN_SERVER=(taskset -c "0-$((n - 1))")
        PIN_WRK=(taskset -c "$n-$((CPUS - 1))")
        threads=$((CPUS - n < n ? CPUS - n : n))
    else
        PIN_SERVER=()
        PIN_WRK=()
        threads=$n
        shared_cpus=1
    fi
    conns=$((CONNECTIONS_PER_WORKER * n))
    for round in $(seq 1 "$ROUNDS"); do
        order=$VARIANTS
        ((round % 2)) || order=$(tr ' ' '\n' <<<"$VARIANTS" | tac | tr '\n' ' ')
        for variant in $order; do
            "${PIN_SERVER[@]}" "$BIN" "$variant" "$ADDR" "$n" 2>"$OUT/server.$variant.$n.log" &
            SERVER_PID=$!
            for _ in $(seq 1 200); do
                (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
                sleep 0.05
            done
            log="$OUT/wrk.$variant.$n.$round.txt"
            "${PIN_WRK[@]}" wrk -t"$threads" -c"$conns" -d"$DURATION" -s "$OUT/allowed.lua" "http://$ADDR/" >"$log"
            stop_server
            if grep -qE 'Socket errors|Non-2xx or 3xx' "$log"; then
                echo "FAIL: $variant with $n worker(s), round $round: errors or non-2xx responses" >&2
                cat "$log" >&2
                exit 1
            fi
            RPS[$variant.$n.$round]=$(awk '/^Requests\/sec:/ {print $2}' "$log")
            echo "  N=$n round $round: $variant ${RPS[$variant.$n.$round]} req/s" >&2
        done
    done
done

echo
echo "Allowed cross-origin GETs, wrk ${DURATION} per run, $CONNECTIONS_PER_WORKER connections per worker, median of $ROUNDS interleaved round(s); $CPUS CPU(s), $(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -n1)"
echo
echo "| workers | variant | req/s | ÷ none (same N) | ÷ own N=1 |"
echo "|---:|---|---:|---:|---:|"
first=${WORKER_COUNTS%% *}
for n in $WORKER_COUNTS; do
    for variant in $VARIANTS; do
        med() { for r in $(seq 1 "$ROUNDS"); do echo "${RPS[$1.$2.$r]}"; done | median; }
        rps=$(med "$variant" "$n")
        none=$(med none "$n" 2>/dev/null || echo 0)
        base=$(med "$variant" "$first")
        awk -v n="$n" -v v="$variant" -v r="$rps" -v z="$none" -v b="$base" \
            'BEGIN { printf "| %d | %s | %.0f | %s | %.2fx |\n", n, v, r, (z > 0 ? sprintf("%.1f%%", 100 * r / z) : "n/a"), r / b }'
    done
done
if ((shared_cpus)); then
    echo
    echo "note: fewer than 2 CPUs per worker: server and wrk shared CPUs, so these numbers show the machine's limit, not cross-core contention in the middleware."
fi
