//! Stable-toolchain fuzzer for the CORS middleware.
//!
//! No nightly, no libFuzzer: a small seeded PRNG and a mutator of our own over a corpus of
//! real browser requests (simple requests, preflights, credentialed, Private Network Access,
//! no-Origin). Mutations: bit flips, interesting-byte substitution, byte insertion/deletion,
//! truncation, duplicated / dropped / renamed headers, splices between requests, case
//! toggles, method swaps, and huge header lists. Every mutant goes through the real
//! middleware (in-process, `actix_web::test`) wrapped around one of several policies —
//! fixed ones and randomly generated ones rotated in — and the response is checked against
//! the same invariants and independent oracle as `tests/it/properties/invariants.rs`:
//! no panic, no 5xx, ACAO absent / `*` (wildcard, never with credentials) / exactly the
//! request origin and only when the oracle allows it, ACAC never beside `*` or on a refusal.
//!
//! - `fuzz_bounded_slice` runs in the normal suite: a fixed seed and a fixed iteration
//!   count (`FUZZ_SLICE_ITERS`, default 20 000), so it is deterministic and takes seconds.
//! - `fuzz_long` is `#[ignore]`d: `FUZZ_ITERS` iterations (default: effectively unbounded),
//!   seed from `FUZZ_SEED` (default: clock). Run it with `FUZZ_ITERS=50000000 cargo test
//!   --release --test it -- properties::fuzz::fuzz_long --exact --ignored --nocapture`.
//!   It prints progress every 1 000 000 executions and a summary at the end; every distinct
//!   violation is printed with its seed, iteration, policy and request, and the test fails.
//! - `wire_fuzz_bounded_slice` / `wire_fuzz_long` (`FUZZ_WIRE_ITERS`): the same mutants, plus
//!   damage to the HTTP framing itself, as raw bytes over loopback TCP to a real `HttpServer`,
//!   so actix's HTTP/1 parser and corsair are exercised together: no 5xx, ACAO only for a
//!   configured origin that was sent (never `*` from the credentialed policy), ACAC only beside
//!   it, and the server still answers a well-formed preflight at the end.

use super::oracle::*;

use std::sync::{
    atomic::{AtomicUsize, Ordering},
    Arc,
};

use actix_web::{
    http::{
        header::{HeaderName, HeaderValue},
        Method,
    },
    test::{self, TestRequest},
    web, App, HttpResponse,
};
use corsair::CorsPolicy;

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

impl Spec {
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
        .with_buildable_pna()
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
            // Private Network Access with every origin is a build error (issue 22).
            pna: false,
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
// the oracle and invariants (kept in step with tests/it/properties/invariants.rs)
// ---------------------------------------------------------------------------------------------

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
