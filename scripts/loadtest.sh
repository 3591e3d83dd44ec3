#!/usr/bin/env bash
# HTTP load test on loopback: benches/bench_server.rs with no middleware, actix-cors 0.7
# and corsair, driven by wrk (installed with apt-get if missing). Variants are interleaved
# over several rounds (order alternating) and the median of the per-round ratios is
# reported, which keeps a busy shared machine from favouring whichever variant ran in a
# quiet moment. Any socket error or non-2xx response fails the run.
#
# Usage: scripts/loadtest.sh [--check]
#   --check   exit 1 if corsair's throughput is below 97% of no middleware
# Env: DURATION (wrk -d, default 10s), CONNECTIONS (default 64), THREADS (wrk -t,
#      default 1), ROUNDS (default 3), WORKERS (server workers, default 1),
#      SCENARIOS (space-separated from: allowed no_origin preflight; default "allowed"),
#      PORT (default 8099), SERVER_BIN (prebuilt bench_server; skips the build).
set -euo pipefail
cd "$(dirname "$0")/.."

CHECK=0
for arg in "$@"; do
    case "$arg" in
        --check) CHECK=1 ;;
        -h | --help) sed -n '2,14p' "$0"; exit 0 ;;
        *) echo "unknown argument: $arg" >&2; exit 2 ;;
    esac
done

DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-1}
ROUNDS=${ROUNDS:-3}
WORKERS=${WORKERS:-1}
SCENARIOS=${SCENARIOS:-allowed}
PORT=${PORT:-8099}
ADDR="127.0.0.1:$PORT"
OUT=${OUT:-target/loadtest}
mkdir -p "$OUT"

if ! command -v wrk >/dev/null; then
    echo "wrk not found; installing it with apt-get (Debian package 'wrk')" >&2
    if [[ $(id -u) -ne 0 ]] && command -v sudo >/dev/null; then SUDO=sudo; else SUDO=; fi
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y wrk >&2 \
        || { $SUDO apt-get update >&2 && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y wrk >&2; }
fi

if [[ -n "${SERVER_BIN:-}" ]]; then
    BIN=$SERVER_BIN
else
    echo "building benches/bench_server.rs ..." >&2
    cargo build --config 'profile.bench.package.corsair.debug="line-tables-only"' --profile bench -p corsair-bench --bin bench_server >&2
    BIN=target/release/bench_server
fi

# Pin server and load generator to different CPUs when there are at least two.
if command -v taskset >/dev/null && [[ $(nproc) -ge 2 ]]; then
    PIN_SERVER=(taskset -c 0)
    PIN_WRK=(taskset -c 1-$(($(nproc) - 1)))
else
    PIN_SERVER=()
    PIN_WRK=()
fi

SERVER_PID=
stop_server() {
    if [[ -n "$SERVER_PID" ]]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
        SERVER_PID=
    fi
}
trap stop_server EXIT

start_server() {
    "${PIN_SERVER[@]}" "$BIN" "$1" "$ADDR" "$WORKERS" 2>"$OUT/server.$1.log" &
    SERVER_PID=$!
    # Wait (bounded) until the port accepts connections.
    for _ in $(seq 1 200); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then return 0; fi
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then break; fi
        sleep 0.05
    done
    echo "bench_server $1 did not start; log:" >&2
    cat "$OUT/server.$1.log" >&2
    exit 1
}

# wrk Lua script per scenario.
lua_for() {
    local f="$OUT/$1.lua"
    case "$1" in
        allowed) printf 'wrk.method = "GET"\nwrk.headers["Origin"] = "https://app99.example.com"\n' >"$f" ;;
        no_origin) printf 'wrk.method = "GET"\n' >"$f" ;;
        preflight) printf 'wrk.method = "OPTIONS"\nwrk.headers["Origin"] = "https://app0.example.com"\nwrk.headers["Access-Control-Request-Method"] = "PUT"\nwrk.headers["Access-Control-Request-Headers"] = "content-type, x-api-key"\n' >"$f" ;;
        *) echo "unknown scenario $1 (allowed, no_origin, preflight)" >&2; exit 2 ;;
    esac
    echo "$f"
}

# One wrk run; prints requests/s, fails on any error or non-2xx response.
run_wrk() {
    local variant=$1 scenario=$2 round=$3 log="$OUT/wrk.$2.$1.$3.txt"
    "${PIN_WRK[@]}" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" -s "$(lua_for "$scenario")" \
        "http://$ADDR/" >"$log"
    if grep -qE 'Socket errors|Non-2xx or 3xx' "$log"; then
        echo "FAIL: $variant/$scenario round $round had errors or non-2xx responses:" >&2
        cat "$log" >&2
        exit 1
    fi
    awk '/^Requests\/sec:/ {print $2}' "$log"
}

# The path under test is the one intended: CORS variants grant CORS on allowed requests.
check_path() {
    command -v curl >/dev/null || return 0
    local headers
    case "$2" in
        allowed) headers=$(curl -s -D - -o /dev/null -H 'Origin: https://app99.example.com' "http://$ADDR/") ;;
        no_origin) headers=$(curl -s -D - -o /dev/null "http://$ADDR/") ;;
        preflight) headers=$(curl -s -D - -o /dev/null -X OPTIONS -H 'Origin: https://app0.example.com' \
            -H 'Access-Control-Request-Method: PUT' -H 'Access-Control-Request-Headers: content-type, x-api-key' "http://$ADDR/") ;;
    esac
    local want=0
    [[ "$1" != none && "$2" != no_origin ]] && want=1
    local got=0
    grep -qi '^access-control-allow-origin:' <<<"$headers" && got=1
    if [[ "$want" != "$got" ]]; then
        echo "FAIL: $1/$2: Access-Control-Allow-Origin expected: $want, present: $got; response:" >&2
        echo "$headers" >&2
        exit 1
    fi
}

median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

LOAD=$(cut -d" " -f1-3 /proc/loadavg)
echo "load test: wrk -t$THREADS -c$CONNECTIONS -d$DURATION, $ROUNDS interleaved round(s), server workers: $WORKERS, $(nproc) CPU(s)" >&2
missed=0
declare -A RPS
for scenario in $SCENARIOS; do
    for round in $(seq 1 "$ROUNDS"); do
        # Alternate the order so no variant always runs first or last.
        if ((round % 2)); then order="none actix-cors corsair"; else order="corsair actix-cors none"; fi
        for variant in $order; do
            start_server "$variant"
            check_path "$variant" "$scenario"
            rps=$(run_wrk "$variant" "$scenario" "$round")
            stop_server
            echo "  $scenario round $round: $variant $rps req/s" >&2
            RPS[$scenario.$variant.$round]=$rps
        done
    done
done

echo
echo "| scenario | none req/s | actix-cors req/s | corsair req/s | actix-cors ÷ none | corsair ÷ none | target (corsair ≥ 97%) |"
echo "|---|---:|---:|---:|---:|---:|---|"
for scenario in $SCENARIOS; do
    col() { for r in $(seq 1 "$ROUNDS"); do echo "${RPS[$scenario.$1.$r]}"; done | median; }
    # Ratios are paired per round (adjacent runs share the machine's load), then the median.
    ratio() { for r in $(seq 1 "$ROUNDS"); do awk -v x="${RPS[$scenario.$1.$r]}" -v n="${RPS[$scenario.none.$r]}" 'BEGIN {print x / n}'; done | median; }
    line=$(awk -v s="$scenario" -v n="$(col none)" -v a="$(col actix-cors)" -v c="$(col corsair)" \
        -v ra="$(ratio actix-cors)" -v rc="$(ratio corsair)" 'BEGIN {
        ok = (rc >= 0.97) ? "ok" : "MISSED"
        printf "| %s | %.0f | %.0f | %.0f | %.1f%% | %.1f%% | %s |", s, n, a, c, 100 * ra, 100 * rc, ok }')
    echo "$line"
    [[ "$line" == *MISSED* ]] && missed=1
done
echo
echo "(req/s: median of $ROUNDS interleaved rounds; ratios: median of per-round ratios; load average before: $LOAD; 0 socket errors and 0 non-2xx responses in every run)"
if [[ "$CHECK" == 1 && "$missed" == 1 ]]; then exit 1; fi
