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
use corsair::Cors;
use proptest::{
    prelude::*,
    strategy::ValueTree,
    test_runner::{Config, TestCaseError, TestRunner},
};

// ---------------------------------------------------------------------------------------------
// generated policies
// ---------------------------------------------------------------------------------------------

const CONFIG_ORIGINS: &[&str] = &[
    "https://app.example.com",
    "http://localhost:8080",
    "https://a.com",
    "http://a.com",
    "https://b.org:8443",
    "http://127.0.0.1:3000",
];

const OTHER_ORIGINS: &[&str] = &[
    "https://evil.example.net",
    "http://[::1]:8080",
    "https://xn--bcher-kva.example",
    "https://app.example.com.evil.net",
    "null",
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

/// A generated policy, in the test's own vocabulary.
#[derive(Debug, Clone)]
struct Spec {
    origins: Origins,
    /// Only ever true together with `Origins::List` (the other combination is invalid).
    credentials: bool,
    null_origin: bool,
    /// `None` = allow_any_method.
    methods: Option<Vec<&'static str>>,
    /// `None` = allow_any_header.
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
}

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
            },
        )
}

// ---------------------------------------------------------------------------------------------
// generated requests
// ---------------------------------------------------------------------------------------------

#[derive(Clone)]
struct Req {
    method: Method,
    /// Raw values of every `Origin` header (0, 1 or more).
    origins: Vec<Vec<u8>>,
    /// Raw values of every `Access-Control-Request-Method` header.
    acrm: Vec<Vec<u8>>,
    /// Raw values of every `Access-Control-Request-Headers` header.
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

    fn to_test_request(&self) -> TestRequest {
        let mut r = TestRequest::default().method(self.method.clone()).uri("/r");
        for (name, values) in [
            ("origin", &self.origins),
            ("access-control-request-method", &self.acrm),
            ("access-control-request-headers", &self.acrh),
        ] {
            for v in values {
                r = r.append_header((
                    HeaderName::from_static(name),
                    HeaderValue::from_bytes(v).expect("generator yields valid header bytes"),
                ));
            }
        }
        if self.pna {
            r = r.append_header(("access-control-request-private-network", "true"));
        }
        r
    }
}

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

// ---------------------------------------------------------------------------------------------
// the property
// ---------------------------------------------------------------------------------------------

struct Seen {
    status: StatusCode,
    headers: actix_web::http::header::HeaderMap,
    hits: usize,
}

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
