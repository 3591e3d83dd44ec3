#!/usr/bin/env bash
# Instructions per request for every scenario × variant (none / actix-cors / corsair),
# counted by callgrind and differenced between two run lengths so start-up and app
# construction cancel out. Prints the ratio table against the performance targets, then
# a callgrind profile of corsair's hot paths (functions and src/ lines).
#
# Usage: scripts/bench-instructions.sh [--check] [--no-profile]
#   --check        exit 1 if a target is missed
#   --no-profile   skip the profile section
# Env: N1 (default 2000), N2 (default 10000) requests; JOBS parallel valgrind runs
#      (default: nproc); OUT output dir (default target/bench-instructions);
#      INSTRUCTIONS_BIN a prebuilt benches/instructions.rs binary (skips the build).
set -euo pipefail
cd "$(dirname "$0")/.."

CHECK=0
PROFILE=1
for arg in "$@"; do
    case "$arg" in
        --check) CHECK=1 ;;
        --no-profile) PROFILE=0 ;;
        -h | --help) sed -n '2,12p' "$0"; exit 0 ;;
        *) echo "unknown argument: $arg" >&2; exit 2 ;;
    esac
done

N1=${N1:-2000}
N2=${N2:-10000}
JOBS=${JOBS:-$(nproc)}
OUT=${OUT:-target/bench-instructions}
mkdir -p "$OUT"

if ! command -v valgrind >/dev/null; then
    echo "valgrind not found; installing it with apt-get (Debian package 'valgrind')" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y valgrind >&2
fi

# Line tables for corsair (library and bench binaries) so callgrind can name src/ lines;
# this does not change the generated code.
CARGO_CONFIG=(--config 'profile.bench.package.corsair.debug="line-tables-only"')
if [[ -n "${INSTRUCTIONS_BIN:-}" ]]; then
    BIN=$INSTRUCTIONS_BIN # prebuilt binary (skips the build)
else
    echo "building benches/instructions.rs ..." >&2
    BIN=$(cargo bench "${CARGO_CONFIG[@]}" --bench instructions --no-run --message-format=json \
        | grep -o '"executable":"[^"]*instructions-[^"]*"' | tail -n1 | cut -d'"' -f4)
fi
if [[ -z "$BIN" || ! -x "$BIN" ]]; then
    echo "could not find the instructions bench binary" >&2
    exit 1
fi

# One callgrind run; prints "SCENARIO VARIANT N INSTRUCTIONS".
count() {
    local s=$1 v=$2 n=$3 f="$OUT/$1.$2.$3.callgrind"
    valgrind --tool=callgrind --callgrind-out-file="$f" "$BIN" "$s" "$v" "$n" \
        >"$OUT/$s.$v.$n.log" 2>&1 || { echo "run failed: $s $v $n (see $OUT/$s.$v.$n.log)" >&2; return 1; }
    echo "$s $v $n $(awk '/^totals:/ {print $2}' "$f")"
}
export -f count

# Self cost per src/ line from a callgrind out file (callgrind_annotate has no line
# numbers). Prints "Ir-per-request  file:line  function".
src_lines() {
    python3 - "$@" "$PWD" <<'PY'
import re, sys
path, per, top, root = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
names = {"file": {}, "fn": {}}
kind = {"fl": "file", "fi": "file", "fe": "file", "fn": "fn", "cfi": "file", "cfl": "file", "cfn": "fn", "cob": "ob", "ob": "ob"}
def name(k, v):
    m = re.match(r"\((\d+)\)(?: (.*))?$", v)
    if not m:
        return v
    space = names.setdefault(kind[k], {})
    if m.group(2) is not None:
        space[m.group(1)] = m.group(2)
    return space.get(m.group(1), "?")
cost = {}
fl = fi = fn = None
last = 0
skip_next = False
for raw in open(path, errors="replace"):
    line = raw.rstrip("\n")
    m = re.match(r"^(fl|fi|fe|fn|cfi|cfl|cfn|ob|cob)=(.*)$", line)
    if m:
        k, v = m.groups()
        n = name(k, v)
        if k == "fl":
            fl = fi = n
        elif k in ("fi", "fe"):
            fi = n
        elif k == "fn":
            fn = n
            fi = fl
        continue
    if line.startswith("calls="):
        skip_next = True
        continue
    m = re.match(r"^([+-]?\d+|\*)\s+(\d+)", line)
    if not m:
        continue
    pos, ir = m.group(1), int(m.group(2))
    if pos == "*":
        pass
    elif pos[0] in "+-":
        last += int(pos)
    else:
        last = int(pos)
    if skip_next:
        skip_next = False
        continue
    f = fi or ""
    rel = f[len(root) + 1:] if f.startswith(root + "/") else f
    if rel.startswith("src/"):
        key = (rel, last)
        c = cost.setdefault(key, [0, {}])
        c[0] += ir
        c[1][fn] = c[1].get(fn, 0) + ir
for (f, ln), (ir, fns) in sorted(cost.items(), key=lambda kv: -kv[1][0])[:top]:
    main = max(fns, key=fns.get)
    main = re.sub(r"::h[0-9a-f]{16}$", "", main)
    print(f"{ir / per:9.1f}  {f}:{ln}  (in {main[:110]})")
if not cost:
    print("(no instructions attributed to src/; is corsair built with line tables?)")
PY
}
export BIN OUT

echo "counting instructions (callgrind, $N1 and $N2 requests per run, $JOBS jobs) ..." >&2
"$BIN" list | awk -v a="$N1" -v b="$N2" '{print $1, $2, a; print $1, $2, b}' \
    | xargs -P "$JOBS" -L1 bash -c 'count "$@"' _ >"$OUT/raw.txt"

# Per-request instructions: (I(N2) - I(N1)) / (N2 - N1).
awk -v a="$N1" -v b="$N2" '
    { ir[$1" "$2" "$3] = $4; key[$1" "$2] = 1 }
    END { for (k in key) printf "%s %.0f\n", k, (ir[k" "b] - ir[k" "a]) / (b - a) }
' "$OUT/raw.txt" | sort >"$OUT/per-request.txt"

MACHINE="$(nproc) CPU(s), $(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -n1)"
awk -v machine="$MACHINE" -v check="$CHECK" '
function has(s, v) { return ((s" "v) in I) }
function ir(s, v) { return I[s" "v] }
function d(s, v) { return ir(s, v) - ir(s, "none") }
function fmtr(x) { return sprintf("%.2fx", x) }
function verdict(x, lim) { if (x <= lim) return "ok"; missed++; return "MISSED" }
{ I[$1" "$2] = $3; if (!seen[$1]++) order[++n] = $1 }
END {
    printf "\nInstructions per request (callgrind; %s)\n\n", machine
    printf "| scenario | none | actix-cors | corsair | request construction |\n|---|---:|---:|---:|---:|\n"
    for (i = 1; i <= n; i++) {
        s = order[i]
        printf "| %s | %d | %s | %d | %d |\n", s, ir(s, "none"), has(s, "actix-cors") ? ir(s, "actix-cors") : "n/a", ir(s, "corsair"), ir(s, "construct")
    }

    printf "\nActual requests: middleware overhead over no middleware (target: corsair ≤ 0.3x actix-cors)\n\n"
    printf "| scenario | Δ actix-cors | Δ corsair | corsair ÷ actix-cors | target |\n|---|---:|---:|---:|---|\n"
    split("no_origin allowed_1_of_1 allowed_last_of_100 allowed_last_of_10000 regex disallowed", actual, " ")
    for (i = 1; i <= 6; i++) {
        s = actual[i]
        if (!has(s, "actix-cors")) continue
        da = d(s, "actix-cors"); dc = d(s, "corsair")
        tgt = (s == "regex") ? "(info: regex engines differ)" : ""
        if (da <= 0) r = "n/a"
        else { r = fmtr(dc / da); if (tgt == "") tgt = verdict(dc / da, 0.3) }
        printf "| %s | %+d | %+d | %s | %s |\n", s, da, dc, r, tgt
    }

    printf "\nPreflight: whole cost = per-request instructions minus request construction (target: corsair ≤ 0.5x actix-cors)\n\n"
    printf "| scenario | actix-cors | corsair | corsair ÷ actix-cors | target |\n|---|---:|---:|---:|---|\n"
    split("preflight_allowed preflight_rejected", pre, " ")
    for (i = 1; i <= 2; i++) {
        s = pre[i]
        wa = ir(s, "actix-cors") - ir(s, "construct"); wc = ir(s, "corsair") - ir(s, "construct")
        printf "| %s | %d | %d | %s | %s |\n", s, wa, wc, fmtr(wc / wa), verdict(wc / wa, 0.5)
    }

    printf "\nFlat in policy size, corsair (target: within 1.2x; overhead = Δ over no middleware)\n\n"
    printf "| comparison | overhead ratio | whole-request ratio | target |\n|---|---:|---:|---|\n"
    split("allowed_last_of_10000:allowed_1_of_1 allowed_last_of_100:allowed_1_of_1 pattern_last_of_1000:pattern_1_of_1", flat, " ")
    for (i = 1; i <= 3; i++) {
        split(flat[i], p, ":")
        big = p[1]; small = p[2]
        ro = (d(small, "corsair") > 0) ? d(big, "corsair") / d(small, "corsair") : 0
        rw = ir(big, "corsair") / ir(small, "corsair")
        printf "| %s vs %s | %s | %s | %s |\n", big, small, (ro > 0 ? fmtr(ro) : "n/a"), fmtr(rw), verdict(ro > 0 ? ro : rw, 1.2)
    }
    printf "\n%s\n", missed ? missed " target(s) missed" : "all instruction-count targets met"
    exit (check && missed) ? 1 : 0
}' "$OUT/per-request.txt" | tee "$OUT/table.md"
status=${PIPESTATUS[0]}

if [[ "$PROFILE" == 1 ]]; then
    # Collect only inside the measured request loop, then attribute to functions and to
    # corsair's source lines (inlined code keeps its src/ file:line).
    NP=2000
    echo
    echo "Profile of corsair (callgrind, measured loop only; instructions per request = Ir / $NP)"
    for s in no_origin allowed_1_of_1 disallowed preflight_allowed preflight_rejected; do
        f="$OUT/profile.$s.callgrind"
        valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*measured_loop*' \
            --dump-instr=no --callgrind-out-file="$f" "$BIN" "$s" corsair "$NP" >/dev/null 2>&1
        total=$(awk '/^totals:/ {print $2}' "$f")
        echo
        echo "### $s: $((total / NP)) instructions per request in the loop (request construction included)"
        echo "Inclusive Ir per request, corsair functions (top 15):"
        callgrind_annotate --inclusive=yes --auto=no --show-percs=no --threshold=100 "$f" 2>/dev/null \
            | awk -v np="$NP" '/^ *[0-9,]+ / && /corsair::/ && !/measured_loop/ {
                v = $1; gsub(",", "", v); $1 = ""; printf "%10.1f %s\n", v / np, substr($0, 2) }' \
            | head -n 15 | cut -c1-200 | sed 's/^/    /' || true
        echo "Self cost by src/ line (Ir per request, top 20):"
        src_lines "$f" "$NP" 20 | sed 's/^/    /' || true
    done
fi
exit "$status"
