#!/usr/bin/env bash
# Instructions per request for every scenario × variant (none / actix-cors / corsair, and
# the floor: benches/common/floor.rs, the least a CORS middleware must do on an actual
# request), counted by callgrind and differenced between two run lengths so start-up and
# app construction cancel out. Prints the ratio tables against the performance targets
# (corsair ÷ actix-cors; corsair ÷ floor), then a callgrind profile of corsair's hot paths
# (functions and src/ lines, over no middleware and over the floor).
#
# Usage: scripts/bench-instructions.sh [--check] [--no-profile]
#   --check        exit 1 if a target is missed
#   --no-profile   skip the profile section
# Env: N1 (default 2000), N2 (default 10000) requests; REPEAT pairs of runs per scenario and
#      variant, the median taken (default 5: each process seeds its hash tables at random,
#      so a lookup that misses can cost one more key comparison in one process than in
#      another); JOBS parallel valgrind runs
#      (default: nproc); OUT output dir (default target/bench-instructions);
#      PREFLIGHT_BASELINE "ALLOWED REJECTED" whole-preflight instructions of corsair 0.1.0
#      (default "4261 2184", rustc 1.95), the preflight target;
#      INSTRUCTIONS_BIN a prebuilt benches/instructions.rs binary (skips the build);
#      SCENARIOS only these scenarios (space-separated names; default: all);
#      VARIANTS only these variants besides none, which every run measures (e.g.
#      "corsair floor"; default: all). To compare two builds, compare their Δ over none, each
#      from its own run: the none rows themselves move by up to about 80 instructions between
#      two builds of the bench (changing corsair changes how the bench crate's shared actix
#      code is compiled), so absolute counts from two builds do not compare;
#      PROFILE_SCENARIOS the scenarios profiled (default: a representative few).
set -euo pipefail
cd "$(dirname "$0")/.."

CHECK=0
PROFILE=1
for arg in "$@"; do
    case "$arg" in
        --check) CHECK=1 ;;
        --no-profile) PROFILE=0 ;;
        -h | --help) sed -n '2,26p' "$0"; exit 0 ;;
        *) echo "unknown argument: $arg" >&2; exit 2 ;;
    esac
done

N1=${N1:-2000}
N2=${N2:-10000}
REPEAT=${REPEAT:-5}
JOBS=${JOBS:-$(nproc)}
OUT=${OUT:-target/bench-instructions}
mkdir -p "$OUT"

if ! command -v valgrind >/dev/null; then
    echo "valgrind not found; installing it with apt-get (Debian package 'valgrind')" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y valgrind >&2
fi

# Line tables for corsair and for the bench crate (where the middleware's generic code is
# compiled) so callgrind can name src/ lines;
# this does not change the generated code.
CARGO_CONFIG=(--config 'profile.bench.package.corsair.debug="line-tables-only"'
    --config 'profile.bench.package.corsair-bench.debug="line-tables-only"')
if [[ -n "${INSTRUCTIONS_BIN:-}" ]]; then
    BIN=$INSTRUCTIONS_BIN # prebuilt binary (skips the build)
else
    echo "building benches/instructions.rs ..." >&2
    BIN=$(cargo bench "${CARGO_CONFIG[@]}" -p corsair-bench --bench instructions --no-run --message-format=json \
        | grep -o '"executable":"[^"]*instructions-[^"]*"' | tail -n1 | cut -d'"' -f4)
fi
if [[ -z "$BIN" || ! -x "$BIN" ]]; then
    echo "could not find the instructions bench binary" >&2
    exit 1
fi

# One callgrind run; prints "SCENARIO VARIANT N REP INSTRUCTIONS". Repetition 1 keeps the
# plain file names (the profile below reads them).
count() {
    local s=$1 v=$2 n=$3 r=$4 f="$OUT/$1.$2.$3.callgrind"
    [[ "$r" == 1 ]] || f="$OUT/$1.$2.$3.rep$r.callgrind"
    valgrind --tool=callgrind --callgrind-out-file="$f" "$BIN" "$s" "$v" "$n" \
        >"$OUT/$s.$v.$n.log" 2>&1 || { echo "run failed: $s $v $n (see $OUT/$s.$v.$n.log)" >&2; return 1; }
    echo "$s $v $n $r $(awk '/^totals:/ {print $2}' "$f")"
}
export -f count

export BIN OUT

echo "counting instructions (callgrind, $N1 and $N2 requests per run, $REPEAT pairs, $JOBS jobs) ..." >&2
"$BIN" list | awk -v only="${SCENARIOS:-}" 'only == "" || index(" " only " ", " " $1 " ")' \
    | awk -v only="${VARIANTS:-}" 'only == "" || $2 == "none" || index(" " only " ", " " $2 " ")' \
    | awk -v a="$N1" -v b="$N2" -v reps="$REPEAT" '{for (r = 1; r <= reps; r++) {print $1, $2, a, r; print $1, $2, b, r}}' \
    | xargs -P "$JOBS" -L1 bash -c 'count "$@"' _ >"$OUT/raw.txt"

# Per-request instructions of each pair of runs, (I(N2) - I(N1)) / (N2 - N1); then the
# median over the pairs.
awk -v a="$N1" -v b="$N2" '
    { ir[$1" "$2" "$3" "$4] = $5; key[$1" "$2" "$4] = 1 }
    END { for (k in key) { split(k, p, " "); printf "%s %s %.0f\n", p[1], p[2], (ir[p[1]" "p[2]" "b" "p[3]] - ir[p[1]" "p[2]" "a" "p[3]]) / (b - a) } }
' "$OUT/raw.txt" | sort -k1,1 -k2,2 -k3,3n | awk '
    function flush() { if (n) printf "%s %d\n", last, v[int((n + 1) / 2)]; n = 0 }
    { k = $1" "$2; if (k != last) { flush(); last = k } v[++n] = $3 }
    END { flush() }
' >"$OUT/per-request.txt"

MACHINE="$(nproc) CPU(s), $(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -n1)"
PREFLIGHT_BASELINE=${PREFLIGHT_BASELINE:-"4261 2184"}
awk -v machine="$MACHINE" -v check="$CHECK" -v baseline="$PREFLIGHT_BASELINE" '
function has(s, v) { return ((s" "v) in I) }
function ir(s, v) { return I[s" "v] }
function d(s, v) { return ir(s, v) - ir(s, "none") }
function fmtr(x) { return sprintf("%.2fx", x) }
function verdict(x, lim) { if (x <= lim) return "ok"; missed++; return "MISSED" }
{ I[$1" "$2] = $3; if (!seen[$1]++) order[++n] = $1 }
END {
    split(baseline, b, " "); base["preflight_allowed"] = b[1]; base["preflight_rejected"] = b[2]
    printf "\nInstructions per request (callgrind; %s)\n\n", machine
    printf "| scenario | none | actix-cors | corsair | request construction |\n|---|---:|---:|---:|---:|\n"
    for (i = 1; i <= n; i++) {
        s = order[i]
        printf "| %s | %d | %s | %d | %d |\n", s, ir(s, "none"), has(s, "actix-cors") ? ir(s, "actix-cors") : "n/a", ir(s, "corsair"), ir(s, "construct")
    }

    if (has("no_origin", "identity"))
        printf "\nReference floors (no CORS logic): a do-nothing middleware adds %+d instructions per request; actix-web DefaultHeaders writing Vary adds %+d (no_origin); writing the 4 headers of an allowed request (ACAO, ACAC, ACEH, Vary) adds %+d (allowed_1_of_1).\n", d("no_origin", "identity"), d("no_origin", "1-header"), d("allowed_1_of_1", "4-headers")
    printf "\nActual requests: middleware overhead over no middleware (target: corsair ≤ 0.7x actix-cors). Policy: 100 exact origins (1 or 10,000 where named), credentials, 4 methods, 2 allowed headers, 1 exposed header. Handler: no Vary, or the Vary named (vary1: Accept-Encoding; vary3: Accept-Encoding, Accept-Language, Cookie; vary_origin: Accept-Encoding, Origin; vary_star: *; vary_long: a 102-byte line of 7 names; vary_huge: a 1,188-byte line of 70 names; vary_oversized: a 5,098-byte line of 300 names, too long to remember, merged every time); compress_*: actix-web Compress (gzip) outside or inside the CORS middleware.\n\n"
    printf "| scenario | Δ actix-cors | Δ corsair | corsair ÷ actix-cors | target |\n|---|---:|---:|---:|---|\n"
    nact = split("no_origin allowed_1_of_1 allowed_last_of_100 allowed_last_of_10000 regex disallowed vary1_no_origin vary1_allowed vary1_disallowed vary3_no_origin vary3_allowed vary3_disallowed vary_origin_no_origin vary_origin_allowed vary_origin_disallowed vary_star_no_origin vary_star_allowed vary_star_disallowed vary_long_allowed vary_huge_allowed vary_oversized_allowed compress_outside compress_inside", actual, " ")
    for (i = 1; i <= nact; i++) {
        s = actual[i]
        if (!has(s, "actix-cors")) continue
        da = d(s, "actix-cors"); dc = d(s, "corsair")
        tgt = (s == "regex") ? "(info: regex engines differ)" : ""
        if (s == "vary_oversized_allowed") tgt = "(info: over 4 KiB, not remembered: see docs/performance.md)"
        if (da <= 0) r = "n/a"
        else { r = fmtr(dc / da); if (tgt == "") tgt = verdict(dc / da, 0.7) }
        printf "| %s | %+d | %+d | %s | %s |\n", s, da, dc, r, tgt
    }

    # The floor (benches/common/floor.rs): the least a CORS middleware must do on an actual
    # request. Targets (issue 24): corsair ≤ 1.5x the floor and ≤ 0.7x actix-cors.
    printf "\nActual requests against the floor (issue 24). The floor (benches/common/floor.rs) is the least a CORS middleware must do on an actual request: one hash lookup of Origin in a set; on a match, Access-Control-Allow-Origin set to the request'"'"'s own value and Access-Control-Allow-Credentials: true; one appended Vary: Origin line; no logging, counters or merging. Policy: 100 exact origins (10,000 where named), credentials; Δ = instructions over no middleware. Targets: corsair ÷ floor ≤ 1.5x, corsair ÷ actix-cors ≤ 0.7x.\n\n"
    printf "| request | handler Vary | Δ floor | Δ actix-cors | Δ corsair | corsair ÷ floor | corsair ÷ actix-cors | target |\n|---|---|---:|---:|---:|---:|---:|---|\n"
    nfl = split("no_origin:none:no_origin vary1_no_origin:Accept-Encoding:no_origin allowed_last_of_100:none:allowed vary1_allowed:Accept-Encoding:allowed disallowed:none:disallowed vary1_disallowed:Accept-Encoding:disallowed vary3_no_origin:3_names:no_origin vary3_allowed:3_names:allowed vary3_disallowed:3_names:disallowed vary_origin_no_origin:Accept-Encoding,_Origin:no_origin vary_origin_allowed:Accept-Encoding,_Origin:allowed vary_origin_disallowed:Accept-Encoding,_Origin:disallowed vary_star_no_origin:*:no_origin vary_star_allowed:*:allowed vary_star_disallowed:*:disallowed allowed_last_of_10000:none:allowed_(last_of_10,000) vary_long_allowed:7_names_(102_B):allowed vary_huge_allowed:70_names_(1,188_B):allowed vary_oversized_allowed:300_names_(5,098_B):allowed", fl, " ")
    for (i = 1; i <= nfl; i++) {
        split(fl[i], p, ":")
        s = p[1]; hv = p[2]; kind = p[3]
        gsub("_", " ", hv); gsub("_", " ", kind)
        if (!has(s, "floor") || !has(s, "corsair")) continue
        df = d(s, "floor"); dc = d(s, "corsair"); da = has(s, "actix-cors") ? d(s, "actix-cors") : 0
        rf = (df > 0) ? fmtr(dc / df) : "n/a"
        ra = (da > 0) ? fmtr(dc / da) : "n/a"
        if (s ~ /^vary_(long|huge|oversized)/) tgt = "(info: long lines)"
        else {
            v1 = (df > 0) ? verdict(dc / df, 1.5) : "n/a"
            v2 = (da > 0) ? verdict(dc / da, 0.7) : "n/a"
            tgt = (v1 == "ok" && v2 == "ok") ? "ok" : ("floor " v1 ", actix-cors " v2)
        }
        printf "| %s | %s | %+d | %+d | %+d | %s | %s | %s |\n", kind, hv, df, da, dc, rf, ra, tgt
    }

    printf "\nPreflight: whole cost = per-request instructions minus request construction. Target (issue 12): no more than corsair 0.1.0 before the performance work (allowed %d, rejected %d; measured with rustc 1.95 by this bench; override with PREFLIGHT_BASELINE=\"ALLOWED REJECTED\" for another toolchain)\n\n", base["preflight_allowed"], base["preflight_rejected"]
    printf "| scenario | actix-cors | corsair | corsair ÷ actix-cors | corsair 0.1.0 | corsair now ÷ 0.1.0 | target |\n|---|---:|---:|---:|---:|---:|---|\n"
    split("preflight_allowed preflight_rejected", pre, " ")
    for (i = 1; i <= 2; i++) {
        s = pre[i]
        if (!has(s, "corsair")) continue
        wa = ir(s, "actix-cors") - ir(s, "construct"); wc = ir(s, "corsair") - ir(s, "construct")
        printf "| %s | %d | %d | %s | %d | %s | %s |\n", s, wa, wc, fmtr(wc / wa), base[s], fmtr(wc / base[s]), verdict(wc / base[s], 1.0)
    }
    printf "\nPreflight overhead over no middleware (without middleware the OPTIONS request is routed to the handler; a negative Δ means answering it costs less than routing it). Targets (issue 24): allowed ≤ 0.3x actix-cors, rejected ≤ 1.0x.\n\n"
    printf "| scenario | Δ actix-cors | Δ corsair | corsair ÷ actix-cors | target |\n|---|---:|---:|---:|---|\n"
    for (i = 1; i <= 2; i++) {
        s = pre[i]
        if (!has(s, "corsair") || !has(s, "actix-cors")) continue
        da = d(s, "actix-cors"); dc = d(s, "corsair"); lim = (s == "preflight_allowed") ? 0.3 : 1.0
        if (da > 0) { r = fmtr(dc / da); tgt = verdict(dc / da, lim) }
        else { r = "n/a"; tgt = (dc <= da) ? "ok (Δ corsair ≤ Δ actix-cors)" : verdict(2, 1) }
        printf "| %s | %+d | %+d | %s | %s (≤ %.1fx) |\n", s, da, dc, r, tgt, lim
    }

    printf "\nFlat in policy size, corsair (target: within 1.2x; overhead = Δ over no middleware)\n\n"
    printf "| comparison | overhead ratio | whole-request ratio | target |\n|---|---:|---:|---|\n"
    nflat = split("allowed_last_of_10000:allowed_last_of_100 allowed_last_of_10000:allowed_1_of_1 allowed_last_of_100:allowed_1_of_1 pattern_last_of_1000:pattern_1_of_1", flat, " ")
    for (i = 1; i <= nflat; i++) {
        split(flat[i], p, ":")
        big = p[1]; small = p[2]
        if (!has(big, "corsair") || !has(small, "corsair")) continue
        ro = (d(small, "corsair") > 0) ? d(big, "corsair") / d(small, "corsair") : 0
        rw = ir(big, "corsair") / ir(small, "corsair")
        printf "| %s vs %s | %s | %s | %s |\n", big, small, (ro > 0 ? fmtr(ro) : "n/a"), fmtr(rw), verdict(ro > 0 ? ro : rw, 1.2)
    }
    printf "\n%s\n", missed ? missed " target(s) missed" : "all instruction-count targets met"
    exit (check && missed) ? 1 : 0
}' <(grep -v '^guard_' "$OUT/per-request.txt") | tee "$OUT/table.md"
status=${PIPESTATUS[0]}

# --- Cross-origin protection (issue 23): the `guard_*` scenarios of benches/protection/ ---
if grep -q '^guard_' "$OUT/per-request.txt"; then
    awk '
    { I[$1" "$2] = $3; if (!seen[$1]++) order[++n] = $1 }
    END {
        printf "\nCross-origin protection (benches/protection/): instructions per request. cors: a CORS policy (1 exact origin, credentials) without protection; cors-guard: the same with .cross_origin_protection(); guard: the standalone CrossOriginProtection alone.\n\n"
        printf "| scenario | none | cors | cors-guard | guard on a CORS policy (cors-guard - cors) | guard | standalone guard (guard - none) |\n|---|---:|---:|---:|---:|---:|---:|\n"
        for (i = 1; i <= n; i++) {
            s = order[i]
            printf "| %s | %d | %d | %d | %+d | %d | %+d |\n", s, I[s" none"], I[s" cors"], I[s" cors-guard"], I[s" cors-guard"] - I[s" cors"], I[s" guard"], I[s" guard"] - I[s" none"]
        }
    }' <(grep '^guard_' "$OUT/per-request.txt") | tee -a "$OUT/table.md"
fi

if [[ "$PROFILE" == 1 ]]; then
    # Where corsair's instructions go, from the same callgrind runs, differenced the same
    # way: (run at N2 - run at N1) / (N2 - N1) per function, per (function, inlined source
    # file) and per src/ line. callgrind_annotate has no line numbers, hence this parser.
    cat >"$OUT/cg.py" <<'PY'
import re, sys
from collections import defaultdict

def parse(path, root):
    names = {}
    kind = {"fl": "file", "fi": "file", "fe": "file", "cfi": "file", "cfl": "file",
            "fn": "fn", "cfn": "fn", "ob": "ob", "cob": "ob"}
    def name(k, v):
        m = re.match(r"\((\d+)\)(?: (.*))?$", v)
        if not m:
            return v
        space = names.setdefault(kind[k], {})
        if m.group(2) is not None:
            space[m.group(1)] = m.group(2)
        return space.get(m.group(1), "?")
    by_fn = defaultdict(int)
    by_line = defaultdict(lambda: [0, defaultdict(int)])
    global by_fnfile
    by_fnfile = defaultdict(int)
    fl = fi = fn = None
    last = 0
    skip = False
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
            skip = True
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
        if skip:
            skip = False
            continue
        fname = re.sub(r"::h[0-9a-f]{16}$", "", fn or "?")
        by_fn[fname] += ir
        f = fi or ""
        by_fnfile[(fname, f)] += ir
        rel = f[len(root) + 1:] if f.startswith(root + "/") else f
        if rel.startswith("src/"):
            e = by_line[(rel, last)]
            e[0] += ir
            e[1][fname] += ir
    return by_fn, by_line

def short(s, n=120):
    return s if len(s) <= n else s[:n - 1] + "…"

def per_request(n1, n2, root):
    """Self cost per request: (parse(n2) - parse(n1)) / (N2 - N1), for three groupings."""
    (fa, la), fila = parse(n1, root), dict(by_fnfile)
    (fb, lb), filb = parse(n2, root), dict(by_fnfile)
    def sub(x, y):
        return {k: x.get(k, 0) - y.get(k, 0) for k in set(x) | set(y)}
    return (sub(fb, fa), sub({k: v[0] for k, v in lb.items()}, {k: v[0] for k, v in la.items()}),
            sub(filb, fila), {k: max(v[1], key=v[1].get) for k, v in lb.items()})

mode = sys.argv[1]
if mode == "lines":
    path, per, top, root = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    _, by_line = parse(path, root)
    total = sum(v[0] for v in by_line.values())
    print(f"    {total / per:9.1f}  total self instructions on src/ lines")
    for (f, ln), (ir, fns) in sorted(by_line.items(), key=lambda kv: -kv[1][0])[:top]:
        main = max(fns, key=fns.get)
        print(f"    {ir / per:9.1f}  {f}:{ln}  (in {short(main, 100)})")
elif mode == "fnfile":
    path, per, top, root, pat = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6]
    parse(path, root)
    items = sorted(((v, k) for k, v in by_fnfile.items() if pat in k[0]), key=lambda t: -t[0])
    for v, (fn, f) in items[:top]:
        f = f.replace(root + "/", "")
        f = re.sub(r"^.*/registry/src/[^/]+/", "", f)
        f = re.sub(r"^/rustc/[0-9a-f]+/", "", f)
        print(f"    {v / per:9.1f}  {short(fn, 90)}  <- {f}")
elif mode == "diff":
    base, other, per, top, root = sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
    a, _ = parse(base, root)
    b, _ = parse(other, root)
    keys = set(a) | set(b)
    d = sorted(((b.get(k, 0) - a.get(k, 0), k) for k in keys), key=lambda t: -abs(t[0]))
    tot = sum(b.values()) - sum(a.values())
    print(f"    {tot / per:+9.1f}  total")
    for v, k in d[:top]:
        if v == 0:
            break
        print(f"    {v / per:+9.1f}  {short(k, 150)}")

if mode == "profile":
    # profile NONE_N1 NONE_N2 CORSAIR_N1 CORSAIR_N2 REQUESTS ROOT TOP [BASE_NAME]
    nn1, nn2, cn1, cn2, per, root, top = sys.argv[2:9]
    base_name = sys.argv[9] if len(sys.argv) > 9 else "no middleware"
    per, top = int(per), int(top)
    nf, _, _, _ = per_request(nn1, nn2, root)
    cf, cl, cff, owner = per_request(cn1, cn2, root)
    d = sorted(((cf.get(k, 0) - nf.get(k, 0), k) for k in set(cf) | set(nf)), key=lambda t: -abs(t[0]))
    print(f"  corsair minus {base_name}, self instructions per request by function (total {sum(v for v, _ in d) / per:+.0f}):")
    for v, k in d[:top]:
        if abs(v) / per >= 1:
            print(f"    {v / per:+8.0f}  {short(k, 140)}")
    print("  corsair's own functions, self instructions per request by (function <- source file of inlined code):")
    items = sorted(((v, k) for k, v in cff.items() if "corsair::" in k[0]), key=lambda t: -t[0])
    for v, (fn, f) in items[:top]:
        if v / per < 1:
            break
        f = f.replace(root + "/", "")
        f = re.sub(r"^.*/registry/src/[^/]+/", "", f)
        f = re.sub(r"^/rustc/[0-9a-f]+/", "", f)
        print(f"    {v / per:8.0f}  {short(fn, 90)}  <- {f}")
    print("  src/ lines, self instructions per request:")
    for (f, ln), v in sorted(cl.items(), key=lambda kv: -kv[1])[:top]:
        if v / per < 1:
            break
        print(f"    {v / per:8.0f}  {f}:{ln}  (in {short(re.sub(r'::h[0-9a-f]{16}$', '', owner.get((f, ln), '?')), 100)})")
PY
    echo
    echo "## Where corsair's instructions go (callgrind, per request, differenced $N1/$N2 runs)"
    for s in ${PROFILE_SCENARIOS:-no_origin allowed_last_of_100 disallowed vary1_no_origin vary1_allowed vary1_disallowed preflight_allowed preflight_rejected}; do
        echo
        echo "### $s"
        python3 "$OUT/cg.py" profile "$OUT/$s.none.$N1.callgrind" "$OUT/$s.none.$N2.callgrind" \
            "$OUT/$s.corsair.$N1.callgrind" "$OUT/$s.corsair.$N2.callgrind" $((N2 - N1)) "$PWD" 15
        if [[ -f "$OUT/$s.floor.$N2.callgrind" ]]; then
            # Where corsair's instructions over the floor go (issue 24).
            python3 "$OUT/cg.py" profile "$OUT/$s.floor.$N1.callgrind" "$OUT/$s.floor.$N2.callgrind" \
                "$OUT/$s.corsair.$N1.callgrind" "$OUT/$s.corsair.$N2.callgrind" $((N2 - N1)) "$PWD" 15 "the floor" \
                | sed -n '1,/^  corsair.s own functions/p' | sed '$d'
        fi
    done
fi
exit "$status"
