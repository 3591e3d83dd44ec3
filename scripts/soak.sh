#!/usr/bin/env bash
# Bounded loopback soak of the corsair middleware.
#
# Starts examples/soak_server.rs on 127.0.0.1, drives it with wrk (installed from apt if
# missing) using a Lua script that rotates allowed, refused and malformed CORS requests, and
# samples the server's VmRSS once a second. Passes (exit 0) when:
#   - zero 5xx responses,
#   - zero socket errors (connect/read/write/timeout) reported by wrk,
#   - the server is still alive at the end,
#   - mean RSS of the last third <= mean RSS of the first third * (1 + SOAK_RSS_TOLERANCE)
#     (after a warm-up run that is not measured).
#
# Knobs (environment): SOAK_CONNECTIONS (256), SOAK_DURATION (30, seconds), SOAK_THREADS (2),
# SOAK_WARMUP (5, seconds), SOAK_PORT (18080), SOAK_WORKERS (2), SOAK_RSS_TOLERANCE (0.10).
set -euo pipefail

CONNS=${SOAK_CONNECTIONS:-256}
DURATION=${SOAK_DURATION:-30}
THREADS=${SOAK_THREADS:-2}
WARMUP=${SOAK_WARMUP:-5}
PORT=${SOAK_PORT:-18080}
WORKERS=${SOAK_WORKERS:-2}
TOLERANCE=${SOAK_RSS_TOLERANCE:-0.10}

cd "$(dirname "$0")/.."
WORK=$(mktemp -d /tmp/corsair-soak.XXXXXX)
SERVER_PID=""
SAMPLER_PID=""
cleanup() {
    [ -n "$SAMPLER_PID" ] && kill "$SAMPLER_PID" 2>/dev/null || true
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
}
trap cleanup EXIT

if ! command -v wrk >/dev/null 2>&1; then
    echo "[soak] installing wrk from apt"
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk >/dev/null
fi

echo "[soak] building examples/soak_server (release)"
cargo build --release --example soak_server --quiet

ulimit -n 65536 2>/dev/null || ulimit -n 4096 2>/dev/null || true

SOAK_ADDR="127.0.0.1:${PORT}" SOAK_WORKERS="$WORKERS" target/release/examples/soak_server \
    >"$WORK/server.log" 2>&1 &
SERVER_PID=$!

# Wait (bounded) until the port accepts connections.
for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/${PORT}") 2>/dev/null; then
        break
    fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        echo "[soak] server exited early:"; cat "$WORK/server.log"; exit 1
    fi
    sleep 0.1
done

# ------------------------------------------------------------------------------------------
# wrk script: a rotation of raw HTTP/1.1 requests (raw strings let us send duplicate and
# non-ASCII headers, which wrk.format cannot).
# ------------------------------------------------------------------------------------------
cat >"$WORK/mix.lua" <<'LUA'
local H = "Host: 127.0.0.1\r\n"
local function req(method, path, headers, body)
  local s = method .. " " .. path .. " HTTP/1.1\r\n" .. H
  for _, h in ipairs(headers) do s = s .. h .. "\r\n" end
  if body then
    s = s .. "Content-Length: " .. #body .. "\r\n\r\n" .. body
  else
    s = s .. "\r\n"
  end
  return s
end

local names = {}
for i = 1, 200 do names[#names + 1] = "x-h" .. i end
local huge_list = table.concat(names, ",")
local long_origin = "https://" .. string.rep("a", 4000) .. ".com"

local mix = {
  -- allowed simple request
  req("GET", "/api/items", {"Origin: https://app.example.com", "Accept: */*"}),
  -- refused origin
  req("GET", "/api/items", {"Origin: https://evil.example.net"}),
  -- allowed preflight
  req("OPTIONS", "/api/items", {"Origin: https://app.example.com",
      "Access-Control-Request-Method: PUT",
      "Access-Control-Request-Headers: content-type,x-api-key"}),
  -- preflight from refused origin
  req("OPTIONS", "/api/items", {"Origin: https://evil.example.net",
      "Access-Control-Request-Method: PUT"}),
  -- preflight with refused method
  req("OPTIONS", "/api/items", {"Origin: http://localhost:8080",
      "Access-Control-Request-Method: PATCH"}),
  -- preflight with malformed method
  req("OPTIONS", "/api/items", {"Origin: https://app.example.com",
      "Access-Control-Request-Method: GE(T"}),
  -- duplicate Origin headers
  req("GET", "/api/items", {"Origin: https://app.example.com", "Origin: https://app.example.com"}),
  -- non-ASCII origin (UTF-8 bytes for "https://évil.com")
  req("GET", "/api/items", {"Origin: https://\195\169vil.com"}),
  -- null origin (not opted in)
  req("GET", "/api/items", {"Origin: null"}),
  -- huge header list in a preflight
  req("OPTIONS", "/api/items", {"Origin: https://app.example.com",
      "Access-Control-Request-Method: POST",
      "Access-Control-Request-Headers: " .. huge_list}),
  -- allowed request with a body
  req("POST", "/api/items", {"Origin: http://localhost:8080", "Content-Type: text/plain"}, "{}"),
  -- no Origin at all
  req("GET", "/health", {}),
  -- OPTIONS without Access-Control-Request-Method (ordinary request)
  req("OPTIONS", "/api/items", {"Origin: https://app.example.com"}),
  -- very long origin
  req("GET", "/api/items", {"Origin: " .. long_origin}),
  -- private network access preflight
  req("OPTIONS", "/api/items", {"Origin: https://app.example.com",
      "Access-Control-Request-Method: GET",
      "Access-Control-Request-Private-Network: true"}),
}

local threads = {}
function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  n = id or 0
  c2xx, c3xx, c4xx, c5xx, cother = 0, 0, 0, 0, 0
end

function request()
  n = n + 1
  return mix[(n % #mix) + 1]
end

function response(status, headers, body)
  if status >= 500 then c5xx = c5xx + 1
  elseif status >= 400 then c4xx = c4xx + 1
  elseif status >= 300 then c3xx = c3xx + 1
  elseif status >= 200 then c2xx = c2xx + 1
  else cother = cother + 1 end
end

function done(summary, latency, requests)
  local t2, t3, t4, t5, to = 0, 0, 0, 0, 0
  for _, t in ipairs(threads) do
    t2 = t2 + t:get("c2xx"); t3 = t3 + t:get("c3xx"); t4 = t4 + t:get("c4xx")
    t5 = t5 + t:get("c5xx"); to = to + t:get("cother")
  end
  local e = summary.errors
  io.write(string.format(
    "SOAK requests=%d duration_us=%d 2xx=%d 3xx=%d 4xx=%d 5xx=%d other=%d " ..
    "connect_err=%d read_err=%d write_err=%d timeout=%d p50_us=%d p99_us=%d max_us=%d\n",
    summary.requests, summary.duration, t2, t3, t4, t5, to,
    e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
LUA

URL="http://127.0.0.1:${PORT}/"
echo "[soak] warm-up: ${WARMUP}s, ${CONNS} connections"
wrk -t"$THREADS" -c"$CONNS" -d"${WARMUP}s" -s "$WORK/mix.lua" "$URL" >"$WORK/warmup.txt" 2>&1 || true

( while kill -0 "$SERVER_PID" 2>/dev/null; do
      awk '/^VmRSS:/ {print $2}' "/proc/$SERVER_PID/status" 2>/dev/null || true
      sleep 1
  done ) >"$WORK/rss.log" &
SAMPLER_PID=$!

echo "[soak] measured run: ${DURATION}s, ${CONNS} connections, ${THREADS} wrk threads, ${WORKERS} server workers"
wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --timeout 5s -s "$WORK/mix.lua" "$URL" >"$WORK/wrk.txt" 2>&1

kill "$SAMPLER_PID" 2>/dev/null || true
wait "$SAMPLER_PID" 2>/dev/null || true
SAMPLER_PID=""

ALIVE=yes
kill -0 "$SERVER_PID" 2>/dev/null || ALIVE=no

cat "$WORK/wrk.txt"
LINE=$(grep '^SOAK ' "$WORK/wrk.txt" || true)
if [ -z "$LINE" ]; then
    echo "[soak] FAIL: no summary line from wrk"; exit 1
fi
field() { echo "$LINE" | tr ' ' '\n' | awk -F= -v k="$1" '$1 == k {print $2}'; }

FIVE=$(field 5xx)
ERRS=$(( $(field connect_err) + $(field read_err) + $(field write_err) + $(field timeout) ))

# RSS: mean of the first and last thirds of the samples (kB).
read -r N FIRST LAST < <(awk '
    { v[NR] = $1 }
    END {
        n = NR; t = int(n / 3); if (t < 1) t = 1
        for (i = 1; i <= t; i++) f += v[i]
        for (i = n - t + 1; i <= n; i++) l += v[i]
        printf "%d %.0f %.0f\n", n, f / t, l / t
    }' "$WORK/rss.log")
GROWTH=$(awk -v f="$FIRST" -v l="$LAST" 'BEGIN { printf "%.2f", (l - f) * 100 / f }')
FLAT=$(awk -v f="$FIRST" -v l="$LAST" -v tol="$TOLERANCE" 'BEGIN { print (l <= f * (1 + tol)) ? "yes" : "no" }')

echo "[soak] samples=$N rss_first_third_kB=$FIRST rss_last_third_kB=$LAST growth=${GROWTH}%"
echo "[soak] 5xx=$FIVE socket_errors=$ERRS server_alive=$ALIVE rss_flat=$FLAT"

STATUS=0
[ "$FIVE" -eq 0 ] || { echo "[soak] FAIL: $FIVE 5xx responses"; STATUS=1; }
[ "$ERRS" -eq 0 ] || { echo "[soak] FAIL: $ERRS socket errors"; STATUS=1; }
[ "$ALIVE" = yes ] || { echo "[soak] FAIL: server died"; cat "$WORK/server.log"; STATUS=1; }
[ "$FLAT" = yes ] || { echo "[soak] FAIL: RSS grew by ${GROWTH}%"; STATUS=1; }
[ "$STATUS" -eq 0 ] && echo "[soak] PASS"
exit "$STATUS"
