//! Stable-toolchain fuzzer for the CORS middleware.
//!
//! No nightly, no libFuzzer: a small seeded PRNG and a mutator of our own over a corpus of
//! real browser requests (simple requests, preflights, credentialed, Private Network Access,
//! no-Origin). Mutations: bit flips, interesting-byte substitution, byte insertion/deletion,
//! truncation, duplicated / dropped / renamed headers, splices between requests, case
//! toggles, method swaps, and huge header lists. Every mutant goes through the real
//! middleware (in-process, `actix_web::test`) wrapped around one of several policies —
//! fixed ones and randomly generated ones rotated in — and the response is checked against
//! the same invariants and independent oracle as `tests/properties.rs`:
//! no panic, no 5xx, ACAO absent / `*` (wildcard, never with credentials) / exactly the
//! request origin and only when the oracle allows it, ACAC never beside `*` or on a refusal.
//!
//! - `fuzz_bounded_slice` runs in the normal suite: a fixed seed and a fixed iteration
//!   count (`FUZZ_SLICE_ITERS`, default 20 000), so it is deterministic and takes seconds.
//! - `fuzz_long` is `#[ignore]`d: `FUZZ_ITERS` iterations (default: effectively unbounded),
//!   seed from `FUZZ_SEED` (default: clock). Run it with
//!   `FUZZ_ITERS=50000000 cargo test --release --test fuzz -- fuzz_long --exact --ignored --nocapture`.
//!   It prints progress every 1 000 000 executions and a summary at the end; every distinct
//!   violation is printed with its seed, iteration, policy and request, and the test fails.
//! - `wire_fuzz_bounded_slice` / `wire_fuzz_long` (`FUZZ_WIRE_ITERS`): the same mutants, plus
//!   damage to the HTTP framing itself, as raw bytes over loopback TCP to a real `HttpServer`,
//!   so actix's HTTP/1 parser and corsair are exercised together: no 5xx, ACAO only for a
//!   configured origin that was sent (never `*` from the credentialed policy), ACAC only beside
//!   it, and the server still answers a well-formed preflight at the end.

use std::sync::{
    atomic::{AtomicUsize, Ordering},
    Arc,
};

use actix_web::{
    http::{
        header::{HeaderName, HeaderValue},
        Method, StatusCode,
    },
    test::{self, TestRequest},
    web, App, HttpResponse,
};
use corsair::{Cors, CorsPolicy};

// ---------------------------------------------------------------------------------------------
// PRNG (SplitMix64) — deterministic per seed, no dependency
// ---------------------------------------------------------------------------------------------

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

// ---------------------------------------------------------------------------------------------
// policies
// ---------------------------------------------------------------------------------------------

const CONFIG_ORIGINS: &[&str] = &[
    "https://app.example.com",
    "http://localhost:8080",
    "https://a.com",
    "http://a.com",
    "https://b.org:8443",
    "http://127.0.0.1:3000",
];
const CONFIG_METHODS: &[&str] = &["GET", "POST", "PUT", "DELETE", "PATCH", "PROPFIND"];
const CONFIG_HEADERS: &[&str] = &[
    "x-api-key",
    "content-type",
    "authorization",
    "x-custom",
    "x-requested-with",
];

#[derive(Debug, Clone)]
enum Origins {
    List(Vec<&'static str>),
    Any { wildcard: bool },
}

/// A policy in the test's own vocabulary (same shape as in tests/properties.rs).
#[derive(Debug, Clone)]
struct Spec {
    origins: Origins,
    credentials: bool,
    null_origin: bool,
    methods: Option<Vec<&'static str>>,
    headers: Option<Vec<&'static str>>,
    block_mismatch: bool,
    pna: bool,
}

impl Spec {
    fn to_cors(&self) -> Cors {
        let mut c = Cors::default();
        match &self.origins {
            Origins::List(list) => {
                for o in list {
                    c = c.allowed_origin(o);
                }
            }
            Origins::Any { wildcard } => {
                c = c.allow_any_origin();
                if *wildcard {
                    c = c.send_wildcard();
                }
            }
        }
        if self.credentials {
            c = c.supports_credentials();
        }
        if self.null_origin {
            c = c.allow_null_origin();
        }
        c = match &self.methods {
            None => c.allow_any_method(),
            Some(m) => c.allowed_methods(m.iter().copied()),
        };
        c = match &self.headers {
            None => c.allow_any_header(),
            Some(h) => c.allowed_headers(h.iter().copied()),
        };
        if self.block_mismatch {
            c = c.block_on_origin_mismatch(true);
        }
        if self.pna {
            c = c.allow_private_network_access();
        }
        c.expose_headers(["x-request-id"])
    }

    fn random(rng: &mut Rng) -> Spec {
        let subset = |rng: &mut Rng, pool: &'static [&'static str], min: usize| {
            let mut v: Vec<&'static str> = pool.iter().copied().filter(|_| rng.chance(2)).collect();
            while v.len() < min {
                v.push(*rng.pick(pool));
            }
            v.dedup();
            v
        };
        let origins = if rng.chance(4) {
            Origins::Any {
                wildcard: rng.chance(2),
            }
        } else {
            Origins::List(subset(rng, CONFIG_ORIGINS, 1))
        };
        let credentials = matches!(origins, Origins::List(_)) && rng.chance(2);
        // Plain http to a non-loopback host with credentials is a build error.
        let origins = match origins {
            Origins::List(list) if credentials => {
                let mut l: Vec<_> = list.into_iter().filter(|o| *o != "http://a.com").collect();
                if l.is_empty() {
                    l.push("https://a.com");
                }
                Origins::List(l)
            }
            other => other,
        };
        Spec {
            origins,
            credentials,
            null_origin: rng.chance(5),
            methods: if rng.chance(3) {
                None
            } else {
                Some(subset(rng, CONFIG_METHODS, 0))
            },
            headers: if rng.chance(3) {
                None
            } else {
                Some(subset(rng, CONFIG_HEADERS, 0))
            },
            block_mismatch: rng.chance(5),
            pna: rng.chance(3),
        }
    }
}

fn fixed_specs() -> Vec<Spec> {
    vec![
        Spec {
            origins: Origins::List(vec!["https://app.example.com", "http://localhost:8080"]),
            credentials: true,
            null_origin: false,
            methods: Some(vec!["GET", "POST", "PUT"]),
            headers: Some(vec!["x-api-key", "content-type"]),
            block_mismatch: false,
            pna: true,
        },
        Spec {
            origins: Origins::Any { wildcard: true },
            credentials: false,
            null_origin: false,
            methods: None,
            headers: None,
            block_mismatch: false,
            pna: false,
        },
        Spec {
            origins: Origins::Any { wildcard: false },
            credentials: false,
            null_origin: true,
            methods: None,
            headers: None,
            block_mismatch: false,
            pna: true,
        },
        Spec {
            origins: Origins::List(vec!["https://a.com"]),
            credentials: true,
            null_origin: true,
            methods: None,
            headers: None,
            block_mismatch: true,
            pna: false,
        },
        Spec {
            origins: Origins::List(vec!["http://127.0.0.1:3000", "https://b.org:8443"]),
            credentials: false,
            null_origin: false,
            methods: Some(vec![]),
            headers: Some(vec![]),
            block_mismatch: true,
            pna: false,
        },
    ]
}

// ---------------------------------------------------------------------------------------------
// requests: corpus and mutator
// ---------------------------------------------------------------------------------------------

/// A request as bytes, before the HTTP layer validates anything.
#[derive(Clone)]
struct RawReq {
    method: Vec<u8>,
    headers: Vec<(Vec<u8>, Vec<u8>)>,
}

/// Shows bytes as (lossy, escaped, shortened) text so a failing input can be read and replayed.
impl std::fmt::Debug for RawReq {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = |v: &[u8]| {
            let s = format!("{:?}", String::from_utf8_lossy(v));
            if s.len() > 200 {
                format!(
                    "{}…({} bytes)",
                    &s[..s.char_indices().nth(150).map_or(s.len(), |c| c.0)],
                    v.len()
                )
            } else {
                s
            }
        };
        f.debug_struct("RawReq")
            .field("method", &text(&self.method))
            .field(
                "headers",
                &self
                    .headers
                    .iter()
                    .map(|(n, v)| format!("{}: {}", text(n), text(v)))
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

fn raw(method: &str, headers: &[(&str, &str)]) -> RawReq {
    RawReq {
        method: method.as_bytes().to_vec(),
        headers: headers
            .iter()
            .map(|(n, v)| (n.as_bytes().to_vec(), v.as_bytes().to_vec()))
            .collect(),
    }
}

/// Requests as browsers send them (Chrome/Firefox shapes).
fn corpus() -> Vec<RawReq> {
    vec![
        raw(
            "GET",
            &[
                ("Origin", "https://app.example.com"),
                ("Accept", "*/*"),
                ("Sec-Fetch-Mode", "cors"),
            ],
        ),
        raw(
            "POST",
            &[
                ("Origin", "http://localhost:8080"),
                ("Content-Type", "text/plain;charset=UTF-8"),
            ],
        ),
        raw("GET", &[("Accept", "text/html")]),
        raw(
            "OPTIONS",
            &[
                ("Origin", "https://app.example.com"),
                ("Access-Control-Request-Method", "PUT"),
                ("Access-Control-Request-Headers", "content-type,x-api-key"),
                ("Accept", "*/*"),
                ("Sec-Fetch-Mode", "cors"),
            ],
        ),
        raw(
            "OPTIONS",
            &[
                ("Origin", "https://a.com"),
                ("Access-Control-Request-Method", "DELETE"),
            ],
        ),
        raw(
            "OPTIONS",
            &[
                ("Origin", "http://127.0.0.1:3000"),
                ("Access-Control-Request-Method", "GET"),
                ("Access-Control-Request-Private-Network", "true"),
            ],
        ),
        raw(
            "OPTIONS",
            &[
                ("Origin", "null"),
                ("Access-Control-Request-Method", "POST"),
                ("Access-Control-Request-Headers", "authorization"),
            ],
        ),
        raw("OPTIONS", &[("Origin", "https://b.org:8443")]),
        raw(
            "PUT",
            &[
                ("Origin", "https://evil.example.net"),
                ("Cookie", "session=1"),
            ],
        ),
        raw(
            "PATCH",
            &[("Origin", "https://b.org:8443"), ("X-Api-Key", "k")],
        ),
        raw(
            "DELETE",
            &[("Origin", "http://a.com"), ("Authorization", "Bearer t")],
        ),
        raw("GET", &[("Origin", "null")]),
    ]
}

const INTERESTING: &[u8] = &[
    0x00, b'\t', b' ', b',', b':', b'*', b'/', b'.', b'"', b'(', 0x7f, 0x80, 0xc3, 0xff, b'A',
    b'z', b'0',
];
const METHODS: &[&str] = &[
    "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "PROPFIND", "TRACE", "CONNECT",
    "patch", "options", "X",
];
const NAMES: &[&str] = &[
    "origin",
    "access-control-request-method",
    "access-control-request-headers",
    "access-control-request-private-network",
    "vary",
    "cookie",
    "authorization",
];
const VALUES: &[&str] = &[
    "https://app.example.com",
    "https://app.example.com/",
    "HTTPS://APP.EXAMPLE.COM",
    "https://app.example.com.evil.net",
    "null",
    "*",
    "",
    "PUT",
    "x-api-key, X-API-KEY",
    "true",
    "https://a.com, https://evil.net",
    "cookie",
    "x-api-key,Host",
    "sec-fetch-mode, x-custom",
    "access-control-allow-origin",
    "CONNECT",
    "track",
];

fn mutate_bytes(rng: &mut Rng, v: &mut Vec<u8>) {
    match rng.below(7) {
        0 if !v.is_empty() => {
            let i = rng.below(v.len());
            v[i] ^= 1 << rng.below(8);
        }
        1 if !v.is_empty() => {
            let i = rng.below(v.len());
            v[i] = *rng.pick(INTERESTING);
        }
        2 => {
            let i = rng.below(v.len() + 1);
            v.insert(i, *rng.pick(INTERESTING));
        }
        3 if !v.is_empty() => {
            let i = rng.below(v.len());
            v.remove(i);
        }
        4 => {
            let n = rng.below(v.len() + 1);
            v.truncate(n);
        }
        5 => {
            if rng.chance(2) {
                v.make_ascii_uppercase()
            } else {
                v.make_ascii_lowercase()
            }
        }
        _ => {
            // repeat a slice: grows values towards huge lists
            if !v.is_empty() {
                let a = rng.below(v.len());
                let b = a + rng.below(v.len() - a) + 1;
                let chunk = v[a..b].to_vec();
                for _ in 0..rng.below(64) + 1 {
                    v.extend_from_slice(&chunk);
                }
            }
        }
    }
}

fn mutate(rng: &mut Rng, r: &mut RawReq, corpus: &[RawReq]) {
    for _ in 0..rng.below(4) + 1 {
        match rng.below(12) {
            0 => r.method = rng.pick(METHODS).as_bytes().to_vec(),
            1 => mutate_bytes(rng, &mut r.method),
            2 | 3 if !r.headers.is_empty() => {
                let i = rng.below(r.headers.len());
                mutate_bytes(rng, &mut r.headers[i].1);
            }
            4 if !r.headers.is_empty() => {
                let i = rng.below(r.headers.len());
                let dup = r.headers[i].clone();
                r.headers.push(dup);
            }
            5 if !r.headers.is_empty() => {
                let i = rng.below(r.headers.len());
                r.headers.remove(i);
            }
            6 if !r.headers.is_empty() => {
                let i = rng.below(r.headers.len());
                r.headers[i].0 = rng.pick(NAMES).as_bytes().to_vec();
            }
            7 => r.headers.push((
                rng.pick(NAMES).as_bytes().to_vec(),
                rng.pick(VALUES).as_bytes().to_vec(),
            )),
            8 => {
                // splice: a header from another corpus entry
                let other = rng.pick(corpus);
                if !other.headers.is_empty() {
                    r.headers.push(rng.pick(&other.headers).clone());
                }
            }
            9 => {
                // huge header list
                let n = rng.below(2_000) + 50;
                let list = (0..n)
                    .map(|i| format!("x-h{i}"))
                    .collect::<Vec<_>>()
                    .join(",");
                r.headers.push((
                    b"access-control-request-headers".to_vec(),
                    list.into_bytes(),
                ));
            }
            10 if !r.headers.is_empty() => {
                let i = rng.below(r.headers.len());
                mutate_bytes(rng, &mut r.headers[i].0);
            }
            _ => {
                // random bytes as an Origin value
                let n = rng.below(48);
                let v = (0..n).map(|_| rng.next() as u8).collect();
                r.headers.push((b"origin".to_vec(), v));
            }
        }
    }
}

/// What the HTTP layer would accept, as a test request plus the oracle's view of it. `None`
/// when the method is not a valid token (the HTTP parser rejects it before any middleware).
/// Headers whose name or value is invalid are dropped, as the parser would reject them too.
fn lower(r: &RawReq) -> Option<(TestRequest, Req)> {
    let method = Method::from_bytes(&r.method).ok()?;
    let mut tr = TestRequest::default().method(method.clone()).uri("/f");
    let mut req = Req {
        method,
        origins: vec![],
        acrm: vec![],
        acrh: vec![],
        pna: false,
    };
    for (n, v) in &r.headers {
        let (Ok(name), Ok(value)) = (HeaderName::from_bytes(n), HeaderValue::from_bytes(v)) else {
            continue;
        };
        match name.as_str() {
            "origin" => req.origins.push(v.clone()),
            "access-control-request-method" => req.acrm.push(v.clone()),
            "access-control-request-headers" => req.acrh.push(v.clone()),
            "access-control-request-private-network" => req.pna = true,
            _ => {}
        }
        tr = tr.append_header((name, value));
    }
    Some((tr, req))
}

// ---------------------------------------------------------------------------------------------
// the oracle and invariants (kept in step with tests/properties.rs)
// ---------------------------------------------------------------------------------------------

#[derive(Clone)]
struct Req {
    method: Method,
    origins: Vec<Vec<u8>>,
    acrm: Vec<Vec<u8>>,
    acrh: Vec<Vec<u8>>,
    pna: bool,
}

/// Shows header bytes as (lossy) text, so failures are readable.
impl std::fmt::Debug for Req {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = |vs: &Vec<Vec<u8>>| {
            vs.iter()
                .map(|v| {
                    let s = String::from_utf8_lossy(v);
                    if s.len() > 120 {
                        format!(
                            "{}…({} bytes)",
                            &s[..s.char_indices().nth(100).map_or(s.len(), |c| c.0)],
                            v.len()
                        )
                    } else {
                        format!("{s:?}")
                    }
                })
                .collect::<Vec<_>>()
        };
        f.debug_struct("Req")
            .field("method", &self.method)
            .field("origins", &text(&self.origins))
            .field("acrm", &text(&self.acrm))
            .field("acrh", &text(&self.acrh))
            .field("pna", &self.pna)
            .finish()
    }
}

impl Req {
    fn is_preflight(&self) -> bool {
        self.method == Method::OPTIONS && !self.origins.is_empty() && !self.acrm.is_empty()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    /// The request must be granted.
    Must,
    /// The request must not be granted.
    MustNot,
    /// The contract leaves it open; only the shape of a grant is checked.
    Either,
}

fn both(a: Verdict, b: Verdict) -> Verdict {
    use Verdict::*;
    match (a, b) {
        (MustNot, _) | (_, MustNot) => MustNot,
        (Either, _) | (_, Either) => Either,
        (Must, Must) => Must,
    }
}

fn is_token(s: &[u8]) -> bool {
    !s.is_empty()
        && s.iter()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(b))
}

/// A serialized origin as a browser sends it: lowercase http(s) scheme, lowercase DNS-ish host
/// or IPv4, optional non-default port without leading zeros.
fn is_canonical_origin(o: &[u8]) -> bool {
    let Ok(s) = std::str::from_utf8(o) else {
        return false;
    };
    let (scheme, rest) = if let Some(r) = s.strip_prefix("https://") {
        ("https", r)
    } else if let Some(r) = s.strip_prefix("http://") {
        ("http", r)
    } else {
        return false;
    };
    let (host, port) = match rest.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (rest, None),
    };
    let labels_ok = !host.is_empty()
        && host.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        });
    if !labels_ok || host.len() > 253 {
        return false;
    }
    match port {
        None => true,
        Some(p) => {
            if p.is_empty() || p.starts_with('0') || !p.bytes().all(|b| b.is_ascii_digit()) {
                return false;
            }
            match p.parse::<u32>() {
                Ok(n) if n <= 65535 => !matches!((scheme, n), ("https", 443) | ("http", 80)),
                _ => false,
            }
        }
    }
}

fn origin_verdict(spec: &Spec, req: &Req) -> Verdict {
    if req.origins.len() != 1 {
        return Verdict::MustNot; // absent, or duplicated (contract: refused)
    }
    let o = req.origins[0].as_slice();
    if o == b"*" {
        return Verdict::MustNot; // never an origin; echoing it would be a wildcard
    }
    if o == b"null" {
        return if spec.null_origin {
            Verdict::Must
        } else {
            Verdict::MustNot
        };
    }
    if o.is_empty() || !o.iter().all(|b| (0x21..=0x7e).contains(b)) {
        return Verdict::MustNot; // empty, whitespace, control or non-ASCII
    }
    match &spec.origins {
        Origins::List(list) => {
            if list.iter().any(|l| l.as_bytes() == o) {
                Verdict::Must
            } else if list.iter().any(|l| l.as_bytes().eq_ignore_ascii_case(o)) {
                Verdict::Either
            } else {
                Verdict::MustNot
            }
        }
        Origins::Any { .. } => {
            if is_canonical_origin(o) {
                Verdict::Must
            } else {
                Verdict::Either
            }
        }
    }
}

fn is_forbidden_method(m: &[u8]) -> bool {
    [&b"CONNECT"[..], b"TRACE", b"TRACK"]
        .iter()
        .any(|f| f.eq_ignore_ascii_case(m))
}

fn method_verdict(spec: &Spec, req: &Req) -> Verdict {
    if req.acrm.len() != 1 {
        return Verdict::Either;
    }
    let m = req.acrm[0].as_slice();
    if !is_token(m) {
        return Verdict::MustNot;
    }
    if matches!(m, b"GET" | b"HEAD" | b"POST") {
        return Verdict::Must;
    }
    if is_forbidden_method(m) {
        return Verdict::MustNot; // Fetch "forbidden method": not even under any-method
    }
    match &spec.methods {
        None => Verdict::Must,
        Some(list) => {
            if list.iter().any(|l| l.as_bytes() == m) {
                Verdict::Must
            } else if list.iter().any(|l| l.as_bytes().eq_ignore_ascii_case(m)) {
                Verdict::Either
            } else {
                Verdict::MustNot
            }
        }
    }
}

/// Parsed ACRH names (lowercased), or `None` when some element is not a token.
fn acrh_names(value: &[u8]) -> Option<(Vec<Vec<u8>>, bool)> {
    let mut names = Vec::new();
    let mut had_empty = false;
    for element in value.split(|&b| b == b',') {
        let t = trim_ows(element);
        if t.is_empty() {
            had_empty = true;
            continue;
        }
        if !is_token(t) {
            return None;
        }
        names.push(t.to_ascii_lowercase());
    }
    Some((names, had_empty))
}

fn trim_ows(mut s: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = s {
        s = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = s {
        s = rest;
    }
    s
}

fn is_forbidden_request_header(name: &[u8]) -> bool {
    const LIST: &[&str] = &[
        "accept-charset",
        "accept-encoding",
        "access-control-request-headers",
        "access-control-request-method",
        "connection",
        "content-length",
        "cookie",
        "cookie2",
        "date",
        "dnt",
        "expect",
        "host",
        "keep-alive",
        "origin",
        "referer",
        "set-cookie",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "via",
    ];
    LIST.iter().any(|f| f.as_bytes() == name)
        || name.starts_with(b"proxy-")
        || name.starts_with(b"sec-")
}

fn is_safelisted_name(name: &[u8]) -> bool {
    matches!(
        name,
        b"accept" | b"accept-language" | b"content-language" | b"content-type" | b"range"
    )
}

fn headers_verdict(spec: &Spec, req: &Req) -> Verdict {
    match req.acrh.len() {
        0 => return Verdict::Must,
        1 => {}
        _ => return Verdict::Either,
    }
    let value = &req.acrh[0];
    let Some((names, had_empty)) = acrh_names(value) else {
        return Verdict::MustNot;
    };
    let mut v = if had_empty || names.len() > 64 || value.len() > 1024 {
        Verdict::Either
    } else {
        Verdict::Must
    };
    for n in &names {
        let this = match &spec.headers {
            None if is_forbidden_request_header(n) => Verdict::MustNot,
            // corsair also keeps the CORS protocol's own names out of "any"
            None if n.starts_with(b"access-control-") => Verdict::Either,
            None => Verdict::Must,
            Some(list) if list.iter().any(|l| l.as_bytes() == n.as_slice()) => Verdict::Must,
            Some(_) if is_safelisted_name(n) => Verdict::Either,
            Some(_) => Verdict::MustNot,
        };
        v = both(v, this);
    }
    v
}

/// Whether the request may/must be granted CORS access.
fn oracle(spec: &Spec, req: &Req) -> Verdict {
    let o = origin_verdict(spec, req);
    if !req.is_preflight() {
        return o;
    }
    both(
        o,
        both(method_verdict(spec, req), headers_verdict(spec, req)),
    )
}

struct Seen {
    status: StatusCode,
    headers: actix_web::http::header::HeaderMap,
    hits: usize,
}

fn values(h: &actix_web::http::header::HeaderMap, name: &str) -> Vec<Vec<u8>> {
    h.get_all(name).map(|v| v.as_bytes().to_vec()).collect()
}

fn list_lower(h: &actix_web::http::header::HeaderMap, name: &str) -> Vec<Vec<u8>> {
    values(h, name)
        .iter()
        .flat_map(|v| {
            v.split(|&b| b == b',')
                .map(|e| trim_ows(e).to_ascii_lowercase())
                .collect::<Vec<_>>()
        })
        .filter(|e| !e.is_empty())
        .collect()
}

/// Checks every invariant; returns a description of the first violation.
fn check(spec: &Spec, req: &Req, seen: &Seen) -> Result<(), String> {
    let verdict = oracle(spec, req);
    let h = &seen.headers;
    if seen.status.is_server_error() {
        return Err(format!("5xx: {}", seen.status));
    }
    let acao = values(h, "access-control-allow-origin");
    if acao.len() > 1 {
        return Err(format!("{} ACAO headers", acao.len()));
    }
    let acao = acao.into_iter().next();
    let acac = values(h, "access-control-allow-credentials");

    match (&acao, verdict) {
        (Some(v), Verdict::MustNot) => {
            return Err(format!(
                "ACAO {:?} but oracle says refuse",
                String::from_utf8_lossy(v)
            ))
        }
        (None, Verdict::Must) => return Err("no ACAO but oracle says grant".into()),
        _ => {}
    }
    if let Some(v) = &acao {
        let wildcard = matches!(spec.origins, Origins::Any { wildcard: true });
        let origin = &req.origins[0];
        let ok = if v == b"*" {
            wildcard && !spec.credentials
        } else {
            v == origin
        };
        if !ok {
            return Err(format!(
                "ACAO {:?} is neither the request origin {:?} nor a permitted `*`",
                String::from_utf8_lossy(v),
                String::from_utf8_lossy(origin)
            ));
        }
        if wildcard && v != b"*" && origin.as_slice() != b"null" {
            return Err("send_wildcard policy echoed the origin instead of `*`".into());
        }
    }
    if !acac.is_empty() {
        match &acao {
            None => return Err("ACAC on a refused request".into()),
            Some(v) if v == b"*" => return Err("ACAC beside `*`".into()),
            _ => {}
        }
        if !spec.credentials {
            return Err("ACAC from a policy without credentials".into());
        }
        if acac != [b"true".to_vec()] {
            return Err(format!("ACAC is {acac:?}, not exactly one `true`"));
        }
    } else if acao.is_some() && spec.credentials {
        return Err("credentialed grant without ACAC".into());
    }

    let preflight_only = [
        "access-control-allow-methods",
        "access-control-allow-headers",
        "access-control-max-age",
        "access-control-allow-private-network",
    ];
    if acao.is_none() || !req.is_preflight() {
        for name in preflight_only {
            if h.contains_key(name) {
                return Err(format!("{name} outside a granted preflight"));
            }
        }
    }
    if h.contains_key("access-control-allow-private-network") && !(spec.pna && req.pna) {
        return Err("ACAPN without opt-in and request".into());
    }

    if req.is_preflight() {
        if seen.hits != 0 {
            return Err("preflight reached the handler".into());
        }
        if acao.is_some() {
            if !seen.status.is_success() {
                return Err(format!("granted preflight with status {}", seen.status));
            }
            if verdict == Verdict::Must {
                let m = &req.acrm[0];
                let methods: Vec<Vec<u8>> = values(h, "access-control-allow-methods")
                    .iter()
                    .flat_map(|v| {
                        v.split(|&b| b == b',')
                            .map(|e| trim_ows(e).to_vec())
                            .collect::<Vec<_>>()
                    })
                    .collect();
                if !matches!(m.as_slice(), b"GET" | b"HEAD" | b"POST") && !methods.contains(m) {
                    return Err("granted method not listed in ACAM".into());
                }
                let granted = list_lower(h, "access-control-allow-headers");
                if let Some(v) = req.acrh.first() {
                    for n in acrh_names(v).map(|x| x.0).unwrap_or_default() {
                        if !granted.contains(&n) {
                            return Err(format!(
                                "requested header {:?} missing from ACAH",
                                String::from_utf8_lossy(&n)
                            ));
                        }
                    }
                }
            }
        } else if !seen.status.is_client_error() {
            return Err(format!("refused preflight answered {}", seen.status));
        }
    } else {
        let expect_blocked = spec.block_mismatch && !req.origins.is_empty() && acao.is_none();
        if expect_blocked {
            // 403, or 400 when the Origin itself is malformed (contract).
            let refused_status =
                matches!(seen.status, StatusCode::FORBIDDEN | StatusCode::BAD_REQUEST);
            if !refused_status || seen.hits != 0 {
                return Err(format!(
                    "block_on_origin_mismatch: refused origin got {} with {} handler call(s)",
                    seen.status, seen.hits
                ));
            }
        } else if seen.hits != 1 {
            return Err(format!(
                "actual request reached the handler {} times",
                seen.hits
            ));
        }
    }

    if !list_lower(h, "vary").contains(&b"origin".to_vec()) {
        return Err("no Vary: Origin".into());
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// the driver
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Default)]
struct Stats {
    executions: u64,
    unrepresentable: u64,
    preflights: u64,
    granted: u64,
    refused_4xx: u64,
    corpus_size: usize,
    policies_tried: u64,
    /// Responses that broke an invariant.
    violations: u64,
    /// The first example of each distinct violation.
    violation_classes: Vec<String>,
}

impl Stats {
    fn assert_clean(&self) {
        assert!(
            self.violation_classes.is_empty(),
            "{} invariant violation(s) in {} executions, {} distinct:\n\n{}",
            self.violations,
            self.executions,
            self.violation_classes.len(),
            self.violation_classes.join("\n\n")
        );
    }
}

/// A coarse behaviour signature; mutants that produce a new one join the corpus.
fn signature(
    spec_idx: usize,
    req: &Req,
    seen: &Seen,
    verdict: Verdict,
) -> (usize, u16, bool, u8, bool, u8) {
    let acao = seen
        .headers
        .get("access-control-allow-origin")
        .map(|v| v.as_bytes().to_vec());
    let acao_kind = match acao.as_deref() {
        None => 0,
        Some(b"*") => 1,
        Some(b"null") => 2,
        Some(_) => 3,
    };
    let extra = [
        "access-control-allow-methods",
        "access-control-allow-headers",
        "access-control-max-age",
        "access-control-allow-private-network",
        "access-control-allow-credentials",
        "access-control-expose-headers",
    ]
    .iter()
    .enumerate()
    .fold(0u8, |acc, (i, n)| {
        acc | ((seen.headers.contains_key(*n) as u8) << i)
    });
    (
        spec_idx.min(5),
        seen.status.as_u16(),
        req.is_preflight(),
        acao_kind,
        verdict == Verdict::Either,
        extra,
    )
}

fn fuzz(iterations: u64, seed: u64, progress: bool) -> Stats {
    let system = actix_rt::System::new();
    system.block_on(async move {
        use futures_util::FutureExt;
        use std::collections::HashSet;
        use std::panic::AssertUnwindSafe;

        let make = |policy: CorsPolicy, hits: Arc<AtomicUsize>| async move {
            test::init_service(App::new().wrap(policy).default_service(web::to(move || {
                hits.fetch_add(1, Ordering::SeqCst);
                async {
                    HttpResponse::Ok()
                        .insert_header(("x-request-id", "1"))
                        .body("fuzz")
                }
            })))
            .await
        };

        let mut rng = Rng(seed);
        let mut stats = Stats::default();
        let mut corpus = corpus();
        let seed_corpus = corpus.clone();
        let mut seen_sigs = HashSet::new();
        let mut violations: Vec<(String, String)> = Vec::new();
        let fixed = fixed_specs();
        let n_fixed = fixed.len();
        let mut specs = fixed;
        for _ in 0..3 {
            specs.push(Spec::random(&mut rng));
        }
        let mut slots = Vec::new();
        let mut hits = Vec::new();
        for s in &specs {
            let h = Arc::new(AtomicUsize::new(0));
            let policy = s.to_cors().build().unwrap_or_else(|e| panic!("policy {s:?}: {e}"));
            slots.push(make(policy, h.clone()).await);
            hits.push(h);
            stats.policies_tried += 1;
        }
        let started = std::time::Instant::now();

        for i in 0..iterations {
            // rotate a random policy in now and then
            if i % 5_000 == 4_999 {
                let k = n_fixed + rng.below(specs.len() - n_fixed);
                specs[k] = Spec::random(&mut rng);
                let policy = specs[k]
                    .to_cors()
                    .build()
                    .unwrap_or_else(|e| panic!("policy {:?}: {e}", specs[k]));
                hits[k] = Arc::new(AtomicUsize::new(0));
                slots[k] = make(policy, hits[k].clone()).await;
                stats.policies_tried += 1;
            }

            let mut raw_req = rng.pick(&corpus).clone();
            if !rng.chance(16) {
                mutate(&mut rng, &mut raw_req, &seed_corpus);
            }
            let Some((test_req, req)) = lower(&raw_req) else {
                stats.unrepresentable += 1;
                continue;
            };
            let k = rng.below(slots.len());
            hits[k].store(0, Ordering::SeqCst);

            let call = AssertUnwindSafe(test::try_call_service(&slots[k], test_req.to_request()))
                .catch_unwind()
                .await;
            let res = match call {
                Ok(res) => res,
                Err(_) => panic!(
                    "PANIC in the middleware\nseed={seed} iteration={i}\npolicy={:?}\nrequest={raw_req:?}",
                    specs[k]
                ),
            };
            let (status, headers) = match res {
                Ok(r) => (r.status(), r.headers().clone()),
                Err(e) => {
                    let r = e.as_response_error().error_response();
                    (r.status(), r.headers().clone())
                }
            };
            let seen = Seen {
                status,
                headers,
                hits: hits[k].load(Ordering::SeqCst),
            };
            if let Err(msg) = check(&specs[k], &req, &seen) {
                // Keep going: record the first example of each distinct violation (keyed by
                // the message up to its first quoted value), fail at the end.
                let class = msg.split('"').next().unwrap_or(&msg).trim().to_owned();
                stats.violations += 1;
                if !violations.iter().any(|(c, _)| *c == class) && violations.len() < 32 {
                    let example = format!(
                        "INVARIANT VIOLATED: {msg}\nseed={seed} iteration={i}\npolicy={:?}\n\
                         request={raw_req:?}\nlowered={req:?}\nstatus={}\nheaders={:?}",
                        specs[k], seen.status, seen.headers
                    );
                    if progress {
                        eprintln!("[fuzz] new violation class: {example}");
                    }
                    violations.push((class, example));
                }
            }

            stats.executions += 1;
            if req.is_preflight() {
                stats.preflights += 1;
            }
            if seen.headers.contains_key("access-control-allow-origin") {
                stats.granted += 1;
            } else if seen.status.is_client_error() {
                stats.refused_4xx += 1;
            }
            let verdict = oracle(&specs[k], &req);
            if seen_sigs.insert(signature(k, &req, &seen, verdict)) && corpus.len() < 512 {
                corpus.push(raw_req);
            }
            if progress && stats.executions % 1_000_000 == 0 {
                let secs = started.elapsed().as_secs_f64();
                eprintln!(
                    "[fuzz] {} executions in {:.0} s ({:.0}/s), corpus {}, policies {}, seed {seed}",
                    stats.executions,
                    secs,
                    stats.executions as f64 / secs,
                    corpus.len(),
                    stats.policies_tried
                );
            }
        }
        stats.corpus_size = corpus.len();
        stats.violation_classes = violations.iter().map(|(_, e)| e.clone()).collect();
        if progress {
            let secs = started.elapsed().as_secs_f64();
            eprintln!(
                "[fuzz] done: {} executions ({} unrepresentable, {} preflights, {} granted, \
                 {} refused with 4xx, corpus {}, policies {}, violations {} in {} classes) \
                 in {secs:.1} s ({:.0}/s), seed {seed}",
                stats.executions,
                stats.unrepresentable,
                stats.preflights,
                stats.granted,
                stats.refused_4xx,
                stats.corpus_size,
                stats.policies_tried,
                stats.violations,
                stats.violation_classes.len(),
                stats.executions as f64 / secs.max(1e-9)
            );
        }
        stats
    })
}

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok())
}

/// Short deterministic slice for the normal test suite: bounded by iteration count.
#[test]
fn fuzz_bounded_slice() {
    let iters = env_u64("FUZZ_SLICE_ITERS").unwrap_or(20_000);
    let stats = fuzz(iters, 0xC0_25A1_F0CC, false);
    stats.assert_clean();
    assert!(
        stats.executions > iters / 2,
        "most mutants must reach the middleware: {stats:?}"
    );
    assert!(
        stats.granted > 0 && stats.refused_4xx > 0 && stats.preflights > 0,
        "{stats:?}"
    );
}

/// Long-running fuzzer: `FUZZ_ITERS` (default: effectively unbounded), `FUZZ_SEED`.
#[test]
#[ignore = "long-running fuzzer; run with --ignored"]
fn fuzz_long() {
    let iters = env_u64("FUZZ_ITERS").unwrap_or(u64::MAX);
    let seed = env_u64("FUZZ_SEED").unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(1)
    });
    eprintln!("[fuzz] seed {seed}, iterations {iters}");
    let stats = fuzz(iters, seed, true);
    eprintln!("[fuzz] total executions: {}", stats.executions);
    stats.assert_clean();
}

#[test]
fn mutator_is_deterministic_per_seed() {
    let corpus = corpus();
    let run = |seed| {
        let mut rng = Rng(seed);
        (0..200)
            .map(|_| {
                let mut r = rng.pick(&corpus).clone();
                mutate(&mut rng, &mut r, &corpus);
                format!("{r:?}")
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(run(7), run(7));
    assert_ne!(run(7), run(8));
}

// ---------------------------------------------------------------------------------------------
// over the wire: the same mutants as raw bytes through actix's HTTP/1 parser and corsair
// ---------------------------------------------------------------------------------------------

/// Serializes a request for the wire, `Connection: close` so each exchange ends at EOF.
fn to_wire(r: &RawReq) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    out.extend_from_slice(&r.method);
    out.extend_from_slice(b" /w HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for (n, v) in &r.headers {
        out.extend_from_slice(n);
        out.extend_from_slice(b": ");
        out.extend_from_slice(v);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"Connection: close\r\n\r\n");
    out
}

#[derive(Debug, Default)]
struct WireStats {
    exchanges: u64,
    answered: u64,
    closed_without_answer: u64,
    status_4xx: u64,
}

/// Sends `iterations` mutated raw requests to a real server on 127.0.0.1 (one connection
/// each) and checks: no 5xx, ACAO absent / `*` / one of the `Origin` values sent, ACAC never
/// beside `*`, and the server still answers a well-formed preflight at the end.
fn wire_fuzz(iterations: u64, seed: u64) -> WireStats {
    use std::io::{Read, Write};
    use std::net::{Shutdown, TcpListener, TcpStream};
    use std::time::Duration;

    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let addr = listener.local_addr().unwrap();
    let spec = fixed_specs().remove(0); // credentialed list policy
    let Origins::List(allowed) = spec.origins.clone() else {
        unreachable!("fixed spec 0 lists its origins")
    };
    let policy = spec.to_cors().build().expect("valid policy");
    let (tx, rx) = std::sync::mpsc::channel();
    let server = std::thread::spawn(move || {
        actix_rt::System::new().block_on(async move {
            let srv = actix_web::HttpServer::new(move || {
                App::new()
                    .wrap(policy.clone())
                    .default_service(web::to(|| async { HttpResponse::Ok().body("wire") }))
            })
            .workers(1)
            .disable_signals()
            .listen(listener)
            .expect("listen")
            .run();
            tx.send(srv.handle()).unwrap();
            srv.await
        })
    });
    let handle = rx.recv().expect("server handle");

    let exchange = |bytes: &[u8]| -> Vec<u8> {
        let mut s = TcpStream::connect(addr).expect("connect to loopback server");
        // A safety net against a hung exchange, not a timing assertion.
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let _ = s.write_all(bytes);
        let _ = s.shutdown(Shutdown::Write);
        let mut buf = Vec::new();
        let _ = s.read_to_end(&mut buf);
        buf
    };

    let mut rng = Rng(seed);
    let corpus = corpus();
    let mut stats = WireStats::default();
    for i in 0..iterations {
        let mut r = rng.pick(&corpus).clone();
        mutate(&mut rng, &mut r, &corpus);
        let mut bytes = to_wire(&r);
        let framing_damaged = rng.chance(4);
        if framing_damaged {
            mutate_bytes(&mut rng, &mut bytes); // damage the framing itself sometimes
        }
        // Only when no CR/LF/NUL can re-frame the message do we know which headers the
        // server saw; otherwise check what holds whatever it saw.
        let framing_known = !framing_damaged
            && r.method.iter().all(|b| !b" \r\n\0".contains(b))
            && r.headers.iter().all(|(n, v)| {
                n.iter().chain(v).all(|b| !b"\r\n\0".contains(b)) && !n.contains(&b':')
            });
        let response = exchange(&bytes);
        stats.exchanges += 1;
        let Some(head_end) = response.windows(4).position(|w| w == b"\r\n\r\n") else {
            stats.closed_without_answer += 1;
            continue;
        };
        stats.answered += 1;
        let head = String::from_utf8_lossy(&response[..head_end]).into_owned();
        let status: u16 = head
            .get(9..12)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("unparseable status line: {head:?}"));
        let fail = |why: &str| -> ! {
            panic!("WIRE INVARIANT VIOLATED: {why}\nseed={seed} iteration={i}\nrequest={r:?}\nsent={:?}\nresponse head:\n{head}", String::from_utf8_lossy(&bytes))
        };
        if status >= 500 {
            fail("5xx");
        }
        if (400..500).contains(&status) {
            stats.status_4xx += 1;
        }
        let header = |name: &str| -> Vec<String> {
            head.lines()
                .skip(1)
                .filter_map(|l| l.split_once(':'))
                .filter(|(n, _)| n.trim().eq_ignore_ascii_case(name))
                .map(|(_, v)| v.trim().to_owned())
                .collect()
        };
        let acao = header("access-control-allow-origin");
        let acac = header("access-control-allow-credentials");
        if acao.len() > 1 {
            fail("several ACAO headers");
        }
        if let Some(v) = acao.first() {
            let sent: Vec<String> = r
                .headers
                .iter()
                .filter(|(n, _)| n.eq_ignore_ascii_case(b"origin"))
                .map(|(_, v)| String::from_utf8_lossy(v).trim().to_owned())
                .collect();
            if v == "*" {
                fail("ACAO `*` from a credentialed policy");
            }
            if framing_known && !sent.contains(v) {
                fail("ACAO is not an Origin value that was sent");
            }
            if framing_known && sent.len() != 1 {
                fail("ACAO granted to a request with several Origin headers");
            }
            if !allowed.contains(&v.as_str()) {
                fail("ACAO granted to an origin that is not configured");
            }
        } else if !acac.is_empty() {
            fail("ACAC without ACAO");
        }
    }

    // Still alive and still right.
    let ok = exchange(
        b"OPTIONS /w HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: https://app.example.com\r\n\
          Access-Control-Request-Method: PUT\r\nConnection: close\r\n\r\n",
    );
    let ok = String::from_utf8_lossy(&ok);
    assert!(
        ok.starts_with("HTTP/1.1 204"),
        "server no longer answers preflights: {ok:?}"
    );

    actix_rt::System::new().block_on(handle.stop(false));
    server.join().expect("server thread").expect("server ran");
    stats
}

/// A bounded wire slice for the normal suite (iteration count, not time).
#[test]
fn wire_fuzz_bounded_slice() {
    let iters = env_u64("FUZZ_WIRE_SLICE_ITERS").unwrap_or(1_500);
    let stats = wire_fuzz(iters, 0x005E_ED0F_3173);
    assert!(stats.answered > iters / 2, "{stats:?}");
    assert!(stats.status_4xx > 0, "{stats:?}");
}

/// Long wire run: `FUZZ_WIRE_ITERS` (default 1 000 000), `FUZZ_SEED`.
#[test]
#[ignore = "long-running wire fuzzer; run with --ignored"]
fn wire_fuzz_long() {
    let iters = env_u64("FUZZ_WIRE_ITERS").unwrap_or(1_000_000);
    let seed = env_u64("FUZZ_SEED").unwrap_or(7);
    let stats = wire_fuzz(iters, seed);
    eprintln!("[wire] {stats:?}, seed {seed}");
}
