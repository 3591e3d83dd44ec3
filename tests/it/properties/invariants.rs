//! Property tests: generated policies × generated (often hostile) requests.
//!
//! For every pair the response must satisfy:
//! - no panic, no 5xx;
//! - at most one `Access-Control-Allow-Origin`, and it is either `*` (only for an any-origin
//!   policy with `send_wildcard`, which can never have credentials) or exactly the request's
//!   `Origin` bytes — and only when the independent [`oracle`] below says the request may be
//!   granted; when the oracle says it must be granted, it is;
//! - `Access-Control-Allow-Credentials` only as `true`, only beside a non-`*` ACAO, only for a
//!   credentialed policy;
//! - preflight-only headers only on granted preflights; preflights never reach the handler;
//! - `Vary: Origin` on every response.
//!
//! The oracle is written from the contract and the Fetch Standard, not from corsair's code:
//! it only sees the generated [`Spec`] and [`Req`] values. Where the contract leaves a choice
//! open (e.g. an uppercase copy of an allowed origin) it answers [`Verdict::Either`], and only
//! the shape of a grant is checked.
//!
//! Case counts are fixed (not time-bounded) and sized to finish in well under 30 s.

use super::oracle::*;

use std::sync::{
    atomic::{AtomicUsize, Ordering},
    Arc,
};

use actix_web::{
    http::Method,
    test::{self},
    web, App, HttpResponse,
};
use proptest::{
    prelude::*,
    strategy::ValueTree,
    test_runner::{Config, TestCaseError, TestRunner},
};

// ---------------------------------------------------------------------------------------------
// generated policies
// ---------------------------------------------------------------------------------------------

const OTHER_ORIGINS: &[&str] = &[
    "https://evil.example.net",
    "http://[::1]:8080",
    "https://xn--bcher-kva.example",
    "https://app.example.com.evil.net",
    "null",
];

fn subset(pool: &'static [&'static str]) -> impl Strategy<Value = Vec<&'static str>> {
    prop::sample::subsequence(pool.to_vec(), 0..=pool.len())
}

fn spec_strategy() -> impl Strategy<Value = Spec> {
    let origins = prop_oneof![
        3 => prop::sample::subsequence(CONFIG_ORIGINS.to_vec(), 1..=CONFIG_ORIGINS.len())
            .prop_map(Origins::List),
        1 => any::<bool>().prop_map(|wildcard| Origins::Any { wildcard }),
    ];
    (
        origins,
        any::<bool>(),
        prop::bool::weighted(0.2),
        prop::option::weighted(0.7, subset(CONFIG_METHODS)),
        prop::option::weighted(0.7, subset(CONFIG_HEADERS)),
        prop::bool::weighted(0.2),
        prop::bool::weighted(0.3),
    )
        .prop_map(
            |(origins, credentials, null_origin, methods, headers, block, pna)| {
                let credentials = credentials && matches!(origins, Origins::List(_));
                // Plain http to a non-loopback host with credentials is a build error (anyone
                // on the path can forge it); keep such origins out of credentialed policies.
                let origins = match origins {
                    Origins::List(list) if credentials => {
                        let mut l: Vec<_> =
                            list.into_iter().filter(|o| *o != "http://a.com").collect();
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
                    null_origin,
                    methods,
                    headers,
                    block_mismatch: block,
                    pna,
                }
                .with_buildable_pna()
            },
        )
}

// ---------------------------------------------------------------------------------------------
// generated requests
// ---------------------------------------------------------------------------------------------

/// Drops the bytes `HeaderValue` cannot carry (CTLs other than HTAB, and DEL); keeps
/// non-ASCII bytes, which are valid (obs-text) and the interesting case.
fn header_safe(mut v: Vec<u8>) -> Vec<u8> {
    v.retain(|&b| b == b'\t' || (b >= 0x20 && b != 0x7f));
    v
}

fn mutate_origin(base: &str, how: u8) -> String {
    match how % 12 {
        0 => base.to_ascii_uppercase(),
        1 => format!("{base}/"),
        2 => format!("{base}.evil.net"),
        3 => format!("x{base}"),
        4 => base
            .replacen("https://", "http://", 1)
            .replacen("http://", "https://", 1),
        5 => format!("{base}:443"),
        6 => format!("{base}."),
        7 => format!(" {base}"),
        8 => format!("{base}\t"),
        9 => base[..base.len() - 1].to_owned(),
        10 => format!("{base}/path?q=1#f"),
        _ => base.replacen("://", "://user@", 1),
    }
}

fn origin_value() -> impl Strategy<Value = Vec<u8>> {
    let all: Vec<&'static str> = CONFIG_ORIGINS
        .iter()
        .chain(OTHER_ORIGINS)
        .copied()
        .collect();
    prop_oneof![
        6 => prop::sample::select(CONFIG_ORIGINS.to_vec()).prop_map(|s| s.as_bytes().to_vec()),
        3 => prop::sample::select(all.clone()).prop_map(|s| s.as_bytes().to_vec()),
        4 => (prop::sample::select(all), any::<u8>())
            .prop_map(|(s, how)| mutate_origin(s, how).into_bytes()),
        1 => Just(Vec::new()),
        3 => prop::collection::vec(any::<u8>(), 0..80).prop_map(header_safe),
        1 => (1000usize..20_000).prop_map(|n| format!("https://{}.com", "a".repeat(n)).into_bytes()),
    ]
}

fn method_strategy() -> impl Strategy<Value = Method> {
    prop_oneof![
        6 => Just(Method::OPTIONS),
        2 => Just(Method::GET),
        1 => Just(Method::POST),
        1 => Just(Method::PUT),
        1 => Just(Method::DELETE),
        1 => Just(Method::from_bytes(b"PROPFIND").unwrap()),
    ]
}

fn acrm_value() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        8 => prop::sample::select(vec![
            "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "PROPFIND", "patch", "put",
            "TRACE", "CONNECT", "track", "OPTIONS", "X-CUSTOM",
        ])
        .prop_map(|s| s.as_bytes().to_vec()),
        2 => prop::sample::select(vec!["", "GE T", "*", "PUT,GET", "P(UT", " PUT"])
            .prop_map(|s| s.as_bytes().to_vec()),
        1 => prop::collection::vec(any::<u8>(), 0..20).prop_map(header_safe),
    ]
}

const REQ_HEADER_NAMES: &[&str] = &[
    "x-api-key",
    "X-Api-Key",
    "content-type",
    "authorization",
    "x-custom",
    "x-other",
    "accept",
    "cookie",
    "Host",
    "sec-fetch-mode",
    "proxy-authorization",
    "access-control-allow-origin",
    "x(bad",
    "x bad",
    "",
];

fn acrh_value() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        8 => (prop::collection::vec(prop::sample::select(REQ_HEADER_NAMES.to_vec()), 1..5), any::<bool>())
            .prop_map(|(names, spaced)| names.join(if spaced { ", " } else { "," }).into_bytes()),
        1 => prop::collection::vec(any::<u8>(), 0..60).prop_map(header_safe),
        1 => (10usize..400).prop_map(|n| {
            (0..n).map(|i| format!("x-h{i}")).collect::<Vec<_>>().join(",").into_bytes()
        }),
    ]
}

fn req_strategy() -> impl Strategy<Value = Req> {
    let origins = prop_oneof![
        1 => Just(Vec::new()),
        8 => origin_value().prop_map(|o| vec![o]),
        1 => prop::collection::vec(origin_value(), 2..4),
        1 => prop::sample::select(CONFIG_ORIGINS.to_vec())
            .prop_map(|o| vec![o.as_bytes().to_vec(), o.as_bytes().to_vec()]),
    ];
    let acrm = prop_oneof![
        1 => Just(Vec::new()),
        6 => acrm_value().prop_map(|m| vec![m]),
        1 => prop::collection::vec(acrm_value(), 2..3),
    ];
    let acrh = prop_oneof![
        3 => Just(Vec::new()),
        5 => acrh_value().prop_map(|h| vec![h]),
        1 => prop::collection::vec(acrh_value(), 2..3),
    ];
    (
        method_strategy(),
        origins,
        acrm,
        acrh,
        prop::bool::weighted(0.3),
    )
        .prop_map(|(method, origins, acrm, acrh, pna)| Req {
            method,
            origins,
            acrm,
            acrh,
            pna,
        })
}

// ---------------------------------------------------------------------------------------------
// the independent oracle
// ---------------------------------------------------------------------------------------------

async fn exercise(spec: &Spec, req: &Req) -> Result<Seen, TestCaseError> {
    let policy = spec
        .to_cors()
        .build()
        .map_err(|e| TestCaseError::fail(format!("generated policy rejected: {e}")))?;
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let app = test::init_service(App::new().wrap(policy).default_service(web::to(move || {
        counter.fetch_add(1, Ordering::SeqCst);
        async {
            HttpResponse::Ok()
                .insert_header(("x-request-id", "7"))
                .body("ok")
        }
    })))
    .await;
    let (status, headers) =
        match test::try_call_service(&app, req.to_test_request().to_request()).await {
            Ok(r) => (r.status(), r.headers().clone()),
            Err(e) => {
                let r = e.as_response_error().error_response();
                (r.status(), r.headers().clone())
            }
        };
    Ok(Seen {
        status,
        headers,
        hits: hits.load(Ordering::SeqCst),
    })
}

fn run_property(cases: u32, strategy: impl Strategy<Value = (Spec, Req)>) {
    let system = actix_rt::System::new();
    let config = Config {
        cases,
        failure_persistence: None,
        max_shrink_iters: 2_000,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    let result = runner.run(&strategy, |(spec, req)| {
        system.block_on(async {
            let seen = exercise(&spec, &req).await?;
            check(&spec, &req, &seen).map_err(TestCaseError::fail)
        })
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

#[test]
fn grants_follow_the_oracle_for_any_policy_and_request() {
    run_property(4_000, (spec_strategy(), req_strategy()));
}

/// Preflights from a configured origin, so method/header decisions are exercised densely.
#[test]
fn preflight_grants_follow_the_oracle() {
    let strategy = (
        spec_strategy(),
        req_strategy(),
        prop::sample::select(CONFIG_ORIGINS.to_vec()),
    )
        .prop_map(|(spec, mut req, origin)| {
            req.method = Method::OPTIONS;
            req.origins = vec![origin.as_bytes().to_vec()];
            if req.acrm.is_empty() {
                req.acrm = vec![b"PUT".to_vec()];
            }
            (spec, req)
        });
    run_property(3_000, strategy);
}

/// The oracle itself must not be vacuous: over a fixed sample, it must say "grant" and
/// "refuse" both many times (otherwise the property above would prove little).
#[test]
fn oracle_is_not_vacuous() {
    let mut runner = TestRunner::deterministic();
    let (mut must, mut must_not) = (0, 0);
    for _ in 0..2_000 {
        let spec = spec_strategy().new_tree(&mut runner).unwrap().current();
        let req = req_strategy().new_tree(&mut runner).unwrap().current();
        match oracle(&spec, &req) {
            Verdict::Must => must += 1,
            Verdict::MustNot => must_not += 1,
            Verdict::Either => {}
        }
    }
    assert!(must > 100, "only {must} must-grant cases");
    assert!(must_not > 100, "only {must_not} must-refuse cases");
}

#[test]
fn canonical_origin_oracle_examples() {
    for ok in [
        "https://a.com",
        "http://localhost:8080",
        "http://127.0.0.1:3000",
        "https://b.org:8443",
    ] {
        assert!(is_canonical_origin(ok.as_bytes()), "{ok}");
    }
    for bad in [
        "https://a.com/",
        "https://A.com",
        "https://a.com:443",
        "http://a.com:80",
        "a.com",
        "https://a.com:0",
        "https://a.com:065",
        "https://",
        "ftp://a.com",
        "https://a..com",
        "https://user@a.com",
        "https://a.com:99999",
        "null",
        "",
    ] {
        assert!(!is_canonical_origin(bad.as_bytes()), "{bad}");
    }
}
