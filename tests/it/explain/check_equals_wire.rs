//! `CorsPolicy::check` is what the wire shows.
//!
//! The property test generates policies (exact origins, patterns, regexes, predicates, any
//! origin, `null`, credentials, wildcard, blocking, no preflight, no `Vary`, PNA, a 200
//! preflight status...) and requests (origins from a pool of allowed ones, near misses,
//! `null` and garbage; one, none or two `Origin` headers; preflight or not; methods; header
//! lists), then sends each request through `actix_web::test::init_service` with the policy
//! wrapped — as a `CorsPolicy` and as a `LiveCors` — and compares:
//!
//! - the CORS headers (`Access-Control-*` and `Vary`, every value, in order) with
//!   `Decision::headers`;
//! - the status with `Decision::status` when the middleware answers itself, and otherwise that
//!   the handler ran and its status (200, a handler's `Err`, an inner middleware's `Err`) came
//!   through;
//! - `is_allowed` and `refusal` with what the headers say.
//!
//! The named tests below are the README's examples: a policy pinned in a unit test.

use std::{
    cell::{Cell, RefCell},
    collections::BTreeMap,
    future::{ready, Ready},
    rc::Rc,
};

use actix_web::{
    body::BoxBody,
    dev::{Service, ServiceResponse},
    error,
    http::{
        header::{self, HeaderValue},
        Method, StatusCode,
    },
    test::{self, TestRequest},
    web, App, HttpResponse,
};
use corsair::{Cors, CorsPolicy, CorsRequest, MatchedBy, Refusal};
use proptest::{
    prelude::*,
    test_runner::{Config, RngAlgorithm, TestRng, TestRunner},
};

use crate::common::cors_headers;

// ---------------------------------------------------------------------------------------------
// policies
// ---------------------------------------------------------------------------------------------

const EXACT: &[&str] = &[
    "https://app.example.com",
    "https://staging.example.com",
    "http://localhost:5173",
    "http://127.0.0.1:8080",
];

/// How origins are allowed.
#[derive(Debug, Clone)]
enum Origins {
    /// Exact origins, plus optional pattern / regex / predicate rules.
    Rules {
        exact: Vec<&'static str>,
        pattern: bool,
        regex: bool,
        predicate: bool,
    },
    /// `allow_any_origin`, optionally with `send_wildcard`.
    Any { wildcard: bool },
}

#[derive(Debug, Clone)]
struct Spec {
    origins: Origins,
    null: bool,
    credentials: bool,
    /// `None`: any method.
    methods: Option<Vec<&'static str>>,
    /// `None`: any header.
    headers: Option<Vec<&'static str>>,
    /// `None`: expose any.
    expose: Option<Vec<&'static str>>,
    max_age: Option<usize>,
    vary: bool,
    preflight: bool,
    block: bool,
    private_network: bool,
    status_200: bool,
    /// Roll-out options: `trusted_proxies([127.0.0.1])`, outcomes in extensions, and
    /// observe-only (`LiveCors::observe_only`, which ignores every other field).
    trusted_proxy: bool,
    outcome_in_extensions: bool,
    observe_only: bool,
}

impl Spec {
    fn to_cors(&self) -> Cors {
        let mut c = Cors::default();
        match &self.origins {
            Origins::Rules {
                exact,
                pattern,
                regex,
                predicate,
            } => {
                for o in exact {
                    c = c.allowed_origin(o);
                }
                if *pattern {
                    c = c
                        .allowed_origin_pattern("https://*.preview.example.com")
                        .allowed_origin_pattern("http://localhost:*");
                }
                if *regex {
                    c = c.allowed_origin_regex(r"https://app-\d+\.example\.org");
                }
                if *predicate {
                    c = c.allowed_origin_fn(|origin, _| {
                        origin.as_bytes().ends_with(b".fn.example.net")
                    });
                }
            }
            Origins::Any { wildcard } => {
                c = c.allow_any_origin();
                if *wildcard {
                    c = c.send_wildcard();
                }
            }
        }
        if self.null {
            // With credentials, `null` needs the explicit dangerous opt-in.
            c = if self.credentials {
                c.allow_null_origin_with_credentials_dangerously()
            } else {
                c.allow_null_origin()
            };
        }
        if self.credentials {
            c = c.supports_credentials();
        }
        c = match &self.methods {
            None => c.allow_any_method(),
            Some(m) => c.allowed_methods(m.iter().copied()),
        };
        c = match &self.headers {
            None => c.allow_any_header(),
            Some(h) => c.allowed_headers(h.iter().copied()),
        };
        c = match &self.expose {
            None => c.expose_any_header(),
            Some(h) => c.expose_headers(h.iter().copied()),
        };
        c = c.max_age(self.max_age);
        if !self.vary {
            c = c.disable_vary_header();
        }
        if !self.preflight {
            c = c.disable_preflight();
        }
        if self.block {
            c = c.block_on_origin_mismatch(true);
        }
        if self.private_network {
            c = c.allow_private_network_access();
        }
        if self.status_200 {
            c = c.preflight_status(StatusCode::OK);
        }
        if self.trusted_proxy {
            c = c.trusted_proxies([std::net::IpAddr::from([127, 0, 0, 1])]);
        }
        if self.outcome_in_extensions {
            c = c.outcome_in_extensions();
        }
        c
    }

    fn build(&self) -> CorsPolicy {
        if self.observe_only {
            return corsair::LiveCors::observe_only().policy();
        }
        self.to_cors()
            .build()
            .unwrap_or_else(|e| panic!("generated policy {self:?} is invalid: {e}"))
    }
}

fn spec_strategy() -> impl Strategy<Value = Spec> {
    let origins = prop_oneof![
        4 => (
            prop::sample::subsequence(EXACT.to_vec(), 0..=EXACT.len()),
            any::<bool>(),
            any::<bool>(),
            prop::bool::weighted(0.3),
        )
            .prop_map(|(exact, pattern, regex, predicate)| Origins::Rules {
                exact,
                pattern,
                regex,
                predicate,
            }),
        1 => any::<bool>().prop_map(|wildcard| Origins::Any { wildcard }),
    ];
    let methods = prop::option::weighted(
        0.8,
        prop::sample::subsequence(vec!["PUT", "DELETE", "PATCH", "GET", "PROPFIND"], 0..=5),
    );
    let headers = prop::option::weighted(
        0.8,
        prop::sample::subsequence(vec!["x-api-key", "Content-Type", "authorization"], 0..=3),
    );
    let expose = prop::option::weighted(
        0.8,
        prop::sample::subsequence(vec!["x-request-id", "x-ratelimit-remaining"], 0..=2),
    );
    let max_age = prop::sample::select(vec![None, Some(0), Some(600), Some(86_400)]);
    (
        (origins, prop::bool::weighted(0.2), any::<bool>()),
        (methods, headers, expose, max_age),
        (
            prop::bool::weighted(0.85),
            prop::bool::weighted(0.85),
            prop::bool::weighted(0.25),
            prop::bool::weighted(0.3),
            prop::bool::weighted(0.2),
        ),
        (
            prop::bool::weighted(0.3),
            prop::bool::weighted(0.2),
            prop::bool::weighted(0.08),
        ),
    )
        .prop_map(
            |(
                (origins, null, credentials),
                (methods, headers, mut expose, max_age),
                (vary, preflight, block, private_network, status_200),
                (trusted_proxy, outcome_in_extensions, observe_only),
            )| {
                // Keep to valid combinations: credentials exclude any origin and expose-any;
                // Private Network Access excludes any origin and `null`.
                let credentials = credentials && matches!(origins, Origins::Rules { .. });
                let private_network =
                    private_network && !null && matches!(origins, Origins::Rules { .. });
                if credentials && expose.is_none() {
                    expose = Some(vec!["x-request-id"]);
                }
                Spec {
                    origins,
                    null,
                    credentials,
                    methods,
                    headers,
                    expose,
                    max_age,
                    vary,
                    preflight,
                    block,
                    private_network,
                    status_200,
                    trusted_proxy,
                    outcome_in_extensions,
                    observe_only,
                }
            },
        )
}

// ---------------------------------------------------------------------------------------------
// requests
// ---------------------------------------------------------------------------------------------

/// Allowed origins, near misses of them, `null`, and garbage.
const ORIGIN_POOL: &[&[u8]] = &[
    b"https://app.example.com",
    b"https://staging.example.com",
    b"http://localhost:5173",
    b"http://127.0.0.1:8080",
    b"https://pr-7.preview.example.com",
    b"https://a.b.preview.example.com",
    b"https://app-12.example.org",
    b"https://team.fn.example.net",
    // near misses
    b"http://localhost:5174",
    b"http://app.example.com",
    b"https://www.app.example.com",
    b"https://app.example.com:8443",
    b"https://APP.example.com",
    b"https://app.example.com/",
    b"https://app.exmple.com",
    b"https://preview.example.com",
    b"https://app-12.example.org.evil.net",
    b"https://app-x.example.org",
    b"https://fn.example.net.evil.org",
    b"http://localhost",
    b"https://localhost:5173",
    // the request's own origin (with `Host: api.example.com`): on the plain listener, and
    // as a trusted proxy that terminated TLS says
    b"http://api.example.com",
    b"https://api.example.com",
    // null and garbage
    b"null",
    b"NULL",
    b"",
    b"*",
    b"https://evil.example.net",
    b"https://b\xc3\xbccher.example",
    b"\xff\xfe",
    b" https://app.example.com",
    b"file://",
];

const ACRM_POOL: &[&str] = &[
    "GET",
    "HEAD",
    "POST",
    "PUT",
    "DELETE",
    "PATCH",
    "PROPFIND",
    "put",
    "OPTIONS",
    "bad method",
    "",
];

const ACRH_POOL: &[&str] = &[
    "x-api-key",
    "X-API-Key",
    "content-type",
    "authorization",
    "x-other",
    "bad header",
    "",
    " x-api-key ",
];

const PATHS: &[&str] = &["/ok", "/err", "/auth"];

/// Other request headers, added last: repeated CORS request headers, odd PNA values, a host.
const EXTRA_POOL: &[(&str, &str)] = &[
    ("access-control-request-method", "PUT"),
    ("access-control-request-headers", "x-api-key"),
    ("access-control-request-private-network", "true"),
    ("access-control-request-private-network", "TRUE"),
    ("access-control-request-private-network", "false"),
    ("origin", "https://app.example.com"),
    ("host", "api.example.com"),
];

#[derive(Debug, Clone)]
struct Req {
    origins: Vec<&'static [u8]>,
    preflight: bool,
    acrm: &'static str,
    method: Method,
    headers: Vec<&'static str>,
    private_network: bool,
    path: &'static str,
    extra: Vec<(&'static str, &'static str)>,
    /// `Host: api.example.com`.
    host: bool,
    /// From 127.0.0.1 with `X-Forwarded-Proto: https` (a proxy that terminated TLS).
    proxied: bool,
}

fn req_strategy() -> impl Strategy<Value = Req> {
    // Half the time one of the origins some generated policy allows (the pool's first 8).
    // Now and then the request's own origin (see `passes_as_own_origin`).
    let own: Vec<&'static [u8]> = vec![b"http://api.example.com", b"https://api.example.com"];
    let origin = prop_oneof![
        5 => prop::sample::select(ORIGIN_POOL[..8].to_vec()),
        5 => prop::sample::select(ORIGIN_POOL.to_vec()),
        1 => prop::sample::select(own),
    ];
    let origins = prop_oneof![
        1 => Just(Vec::new()),
        12 => origin.clone().prop_map(|o| vec![o]),
        1 => prop::collection::vec(origin, 2..=2),
    ];
    let method = prop::sample::select(vec![
        Method::GET,
        Method::POST,
        Method::PUT,
        Method::DELETE,
        Method::OPTIONS,
    ]);
    (
        origins,
        prop::bool::weighted(0.6),
        prop::sample::select(ACRM_POOL.to_vec()),
        method,
        prop_oneof![
            1 => Just(Vec::new()),
            1 => prop::collection::vec(prop::sample::select(ACRH_POOL.to_vec()), 1..=3),
        ],
        prop::bool::weighted(0.2),
        prop::sample::select(PATHS.to_vec()),
        prop::collection::vec(prop::sample::select(EXTRA_POOL.to_vec()), 0..=1),
        (prop::bool::weighted(0.4), prop::bool::weighted(0.3)),
    )
        .prop_map(
            |(
                origins,
                preflight,
                acrm,
                method,
                headers,
                private_network,
                path,
                extra,
                (host, proxied),
            )| Req {
                // A preflight needs an origin (`CorsRequest::preflight` takes one).
                preflight: preflight && !origins.is_empty(),
                origins,
                acrm,
                method,
                headers,
                private_network,
                path,
                // Mostly none.
                extra: if path == "/ok" && !host {
                    extra
                } else {
                    Vec::new()
                },
                host,
                proxied,
            },
        )
}

impl Req {
    fn has_origin(&self) -> bool {
        !self.origins.is_empty() || self.extra.iter().any(|(n, _)| *n == "origin")
    }

    /// The question for `check`.
    fn to_check(&self) -> CorsRequest {
        let mut r = match (self.origins.first(), self.preflight) {
            (None, _) => CorsRequest::without_origin().method(self.method.clone()),
            (Some(o), true) => CorsRequest::preflight(o, self.acrm),
            (Some(o), false) => CorsRequest::new(o).method(self.method.clone()),
        };
        for extra in self.origins.iter().skip(1) {
            r = r.extra_origin(extra);
        }
        r = r.requesting_headers(&self.headers);
        if self.private_network {
            r = r.private_network();
        }
        for (name, value) in &self.extra {
            r = r.with_header(
                header::HeaderName::from_static(name),
                HeaderValue::from_static(value),
            );
        }
        if self.host {
            r = r.with_header(header::HOST, HeaderValue::from_static("api.example.com"));
        }
        if self.proxied {
            r = r
                .with_header(
                    header::HeaderName::from_static("x-forwarded-proto"),
                    HeaderValue::from_static("https"),
                )
                .from_peer(([127, 0, 0, 1], 40_000).into());
        }
        r
    }

    /// The same request on the wire, built independently.
    fn to_wire(&self) -> actix_http::Request {
        let method = if self.preflight {
            Method::OPTIONS
        } else {
            self.method.clone()
        };
        let mut t = TestRequest::default().method(method).uri(self.path);
        for o in &self.origins {
            t = t.append_header((header::ORIGIN, HeaderValue::from_bytes(o).unwrap()));
        }
        if self.preflight {
            t = t.insert_header((header::ACCESS_CONTROL_REQUEST_METHOD, self.acrm));
        }
        if !self.headers.is_empty() {
            t = t.insert_header((
                header::ACCESS_CONTROL_REQUEST_HEADERS,
                self.headers.join(","),
            ));
        }
        if self.private_network {
            t = t.insert_header(("access-control-request-private-network", "true"));
        }
        for extra in &self.extra {
            t = t.append_header(*extra);
        }
        if self.host {
            t = t.insert_header((header::HOST, "api.example.com"));
        }
        if self.proxied {
            t = t
                .insert_header(("x-forwarded-proto", "https"))
                .peer_addr(([127, 0, 0, 1], 40_000).into());
        }
        t.to_request()
    }
}

// ---------------------------------------------------------------------------------------------
// the wire
// ---------------------------------------------------------------------------------------------

/// What the wire showed.
#[derive(Debug)]
struct Wire {
    status: StatusCode,
    cors: BTreeMap<String, Vec<String>>,
    handler_ran: bool,
}

/// An inner middleware that fails `/auth` like an authentication guard, without calling the
/// handler.
fn auth_guard<S>(
    req: actix_web::dev::ServiceRequest,
    srv: &S,
) -> futures_util::future::Either<
    Ready<Result<ServiceResponse<BoxBody>, actix_web::Error>>,
    S::Future,
>
where
    S: Service<
        actix_web::dev::ServiceRequest,
        Response = ServiceResponse<BoxBody>,
        Error = actix_web::Error,
    >,
{
    if req.path() == "/auth" {
        futures_util::future::Either::Left(ready(Err(error::ErrorUnauthorized("who are you"))))
    } else {
        futures_util::future::Either::Right(srv.call(req))
    }
}

/// Sends `req` through an app wrapped in `policy` (or in a `LiveCors` of it).
async fn send(policy: &CorsPolicy, live: bool, req: &Req) -> Wire {
    let hits = Rc::new(Cell::new(0usize));
    let h = Rc::clone(&hits);
    let handler = move |r: actix_web::HttpRequest| {
        h.set(h.get() + 1);
        let path = r.path().to_owned();
        async move {
            if path == "/err" {
                Err(error::ErrorImATeapot("handler failed"))
            } else {
                Ok(HttpResponse::Ok().body("handler"))
            }
        }
    };
    macro_rules! run {
        ($wrap:expr) => {{
            let app = test::init_service(
                App::new()
                    .wrap_fn(auth_guard)
                    .wrap($wrap)
                    .default_service(web::to(handler)),
            )
            .await;
            match test::try_call_service(&app, req.to_wire()).await {
                Ok(res) => (res.status(), cors_headers(res.headers())),
                Err(err) => {
                    let res = err.error_response();
                    (res.status(), cors_headers(res.headers()))
                }
            }
        }};
    }
    let (status, cors) = if live {
        run!(policy.clone().live())
    } else {
        run!(policy.clone())
    };
    Wire {
        status,
        cors,
        handler_ran: hits.get() > 0,
    }
}

/// The status the application gives when the middleware lets the request through.
fn app_status(path: &str) -> StatusCode {
    match path {
        "/err" => StatusCode::IM_A_TEAPOT,
        "/auth" => StatusCode::UNAUTHORIZED,
        _ => StatusCode::OK,
    }
}

fn assert_same(
    policy: &CorsPolicy,
    spec: &Spec,
    req: &Req,
    live: bool,
) -> Result<(), TestCaseError> {
    let decision = policy.check(&req.to_check());
    let wire = actix_rt::System::new().block_on(send(policy, live, req));
    let ctx = || {
        format!("\nspec: {spec:?}\nreq: {req:?}\nlive: {live}\ndecision: {decision} {decision:?}\nwire: {wire:?}")
    };

    prop_assert_eq!(
        &cors_headers(decision.headers()),
        &wire.cors,
        "check's headers differ from the wire's{}",
        ctx()
    );
    match decision.status() {
        Some(status) => {
            prop_assert_eq!(status, wire.status, "status{}", ctx());
            prop_assert!(
                !wire.handler_ran,
                "the middleware answered, yet the handler ran{}",
                ctx()
            );
        }
        None => {
            prop_assert_eq!(wire.status, app_status(req.path), "status{}", ctx());
            prop_assert!(
                wire.handler_ran || req.path == "/auth",
                "the request went on, yet the handler did not run{}",
                ctx()
            );
        }
    }
    // The typed answer agrees with the headers.
    let acao = decision
        .headers()
        .contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN);
    match decision.refusal() {
        Some(reason) => {
            prop_assert!(!decision.is_allowed());
            prop_assert!(
                !decision
                    .headers()
                    .keys()
                    .any(|n| n.as_str().starts_with("access-control-allow-")),
                "a refusal with Access-Control-Allow-*{}",
                ctx()
            );
            prop_assert!(decision.to_string().starts_with("refused: "));
            prop_assert!(decision.to_string().contains(&reason.to_string()));
            if let Some(status) = decision.status() {
                prop_assert_eq!(status, reason.status());
            }
            prop_assert_eq!(
                decision.refused_header().is_some(),
                reason == Refusal::HeaderNotAllowed,
                "refused_header{}",
                ctx()
            );
        }
        None if spec.observe_only || passes_as_own_origin(spec, req) => {
            // Not CORS: no `Access-Control-*` header (a same-origin answer still varies on
            // `Origin`), and the request goes on.
            prop_assert!(decision.is_allowed());
            prop_assert!(
                !decision
                    .headers()
                    .keys()
                    .any(|n| n.as_str().starts_with("access-control-")),
                "headers{}",
                ctx()
            );
            prop_assert_eq!(decision.status(), None, "status{}", ctx());
        }
        None => {
            prop_assert!(decision.is_allowed());
            prop_assert_eq!(acao, req.has_origin(), "ACAO on allowed{}", ctx());
            prop_assert_eq!(decision.matched_by().is_some(), req.has_origin());
        }
    }
    if spec.observe_only {
        prop_assert!(wire.cors.is_empty(), "observe-only wrote headers{}", ctx());
    }
    if passes_as_own_origin(spec, req) {
        prop_assert!(
            !wire.cors.contains_key("access-control-allow-origin"),
            "{}",
            ctx()
        );
        prop_assert_eq!(
            wire.status,
            app_status(req.path),
            "own origin blocked{}",
            ctx()
        );
    }
    Ok(())
}

/// The request's own origin, restated from the Fetch standard's definition (scheme and host
/// of the URL the request went to): `Host: api.example.com`, reached over plain HTTP, or over
/// HTTPS as the trusted proxy at 127.0.0.1 says. Only a single `Origin` on a request that is
/// not a preflight (browsers never preflight same-origin requests) and carries no extra
/// header that would make it one.
fn passes_as_own_origin(spec: &Spec, req: &Req) -> bool {
    let scheme = if spec.trusted_proxy && req.proxied {
        "https"
    } else {
        "http"
    };
    let own = format!("{scheme}://api.example.com");
    let host = req.host || req.extra == [("host", "api.example.com")];
    !spec.observe_only
        && host
        && req.extra.iter().all(|(name, _)| *name == "host")
        && !(req.preflight && spec.preflight)
        && !(spec.preflight && req.method == Method::OPTIONS && req.preflight)
        && req.origins.len() == 1
        && req.origins[0] == own.as_bytes()
}

/// What kind of case a generated pair was, to show the generator reaches every branch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    NoOrigin,
    AllowedActual,
    RefusedActual,
    BlockedActual,
    AllowedPreflight,
    RefusedPreflight,
    PreflightPassedOn,
    HandlerError,
    InnerMiddlewareError,
    Live,
    /// The request's own origin, under a policy that would refuse or block it otherwise.
    SameOriginPassed,
    ObserveOnly,
}

fn kinds(policy: &CorsPolicy, req: &Req, live: bool) -> Vec<Kind> {
    let d = policy.check(&req.to_check());
    let mut out = vec![match (
        !req.has_origin(),
        d.is_preflight(),
        d.is_allowed(),
        d.status(),
    ) {
        (true, ..) => Kind::NoOrigin,
        (false, true, true, _) => Kind::AllowedPreflight,
        (false, true, false, _) => Kind::RefusedPreflight,
        (false, false, _, _) if req.preflight => Kind::PreflightPassedOn,
        (false, false, true, _) => Kind::AllowedActual,
        (false, false, false, None) => Kind::RefusedActual,
        (false, false, false, Some(_)) => Kind::BlockedActual,
    }];
    if d.status().is_none() {
        match req.path {
            "/err" => out.push(Kind::HandlerError),
            "/auth" => out.push(Kind::InnerMiddlewareError),
            _ => {}
        }
    }
    if live {
        out.push(Kind::Live);
    }
    out
}

/// `check` gives exactly the CORS headers and status the middleware sends.
///
/// A fixed seed keeps the run reproducible; the tally at the end shows every branch was met.
#[test]
fn check_is_what_the_wire_shows() {
    let config = Config {
        cases: 2000,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::deterministic_rng(RngAlgorithm::ChaCha));
    let tally: RefCell<BTreeMap<Kind, usize>> = RefCell::default();
    let strategy = (spec_strategy(), req_strategy(), prop::bool::weighted(0.25));
    runner
        .run(&strategy, |(spec, req, live)| {
            let policy = spec.build();
            assert_same(&policy, &spec, &req, live)?;
            for k in kinds(&policy, &req, live) {
                *tally.borrow_mut().entry(k).or_default() += 1;
            }
            if passes_as_own_origin(&spec, &req) {
                *tally
                    .borrow_mut()
                    .entry(Kind::SameOriginPassed)
                    .or_default() += 1;
            }
            if spec.observe_only && req.has_origin() {
                *tally.borrow_mut().entry(Kind::ObserveOnly).or_default() += 1;
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
    let tally = tally.into_inner();
    println!("cases by kind: {tally:?}");
    for kind in [
        Kind::NoOrigin,
        Kind::AllowedActual,
        Kind::RefusedActual,
        Kind::BlockedActual,
        Kind::AllowedPreflight,
        Kind::RefusedPreflight,
        Kind::PreflightPassedOn,
        Kind::HandlerError,
        Kind::InnerMiddlewareError,
        Kind::Live,
        Kind::SameOriginPassed,
        Kind::ObserveOnly,
    ] {
        assert!(
            tally.get(&kind).copied().unwrap_or(0) >= 10,
            "too few {kind:?} cases: {tally:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// README-style examples: a policy pinned in unit tests
// ---------------------------------------------------------------------------------------------

fn api_policy() -> CorsPolicy {
    Cors::default()
        .allowed_origin("https://app.example.com")
        .allowed_origin("https://staging.example.com")
        .allowed_origin_pattern("https://*.preview.example.com")
        .allowed_methods(["GET", "POST", "PUT"])
        .allowed_headers(["content-type", "x-api-key"])
        .expose_headers(["x-request-id"])
        .supports_credentials()
        .max_age(3600)
        .build()
        .unwrap()
}

#[test]
fn the_staging_frontend_may_put_with_x_api_key() {
    let d = api_policy().check(
        &CorsRequest::preflight("https://staging.example.com", "PUT")
            .requesting_header("x-api-key"),
    );
    assert!(d.is_allowed(), "{d}");
    assert_eq!(d.matched_by(), Some(MatchedBy::Exact));
    assert_eq!(d.status(), Some(StatusCode::NO_CONTENT));
    assert_eq!(
        d.header(header::ACCESS_CONTROL_ALLOW_ORIGIN),
        Some("https://staging.example.com")
    );
    assert_eq!(
        d.header(header::ACCESS_CONTROL_ALLOW_CREDENTIALS),
        Some("true")
    );
    assert_eq!(
        d.header(header::ACCESS_CONTROL_ALLOW_METHODS),
        Some("GET, POST, PUT")
    );
    assert_eq!(
        d.header(header::ACCESS_CONTROL_ALLOW_HEADERS),
        Some("content-type, x-api-key")
    );
    assert_eq!(d.header(header::ACCESS_CONTROL_MAX_AGE), Some("3600"));
    assert_eq!(d.to_string(), "allowed preflight: origin matched by Exact");
}

#[test]
fn preview_deployments_may_read_the_request_id() {
    let d = api_policy().check(&CorsRequest::new("https://pr-42.preview.example.com"));
    assert_eq!(d.matched_by(), Some(MatchedBy::Pattern));
    assert_eq!(d.status(), None, "goes on to the handler");
    assert_eq!(
        d.header(header::ACCESS_CONTROL_ALLOW_ORIGIN),
        Some("https://pr-42.preview.example.com")
    );
    assert_eq!(
        d.header(header::ACCESS_CONTROL_EXPOSE_HEADERS),
        Some("x-request-id")
    );
}

#[test]
fn nobody_may_delete() {
    let d = api_policy().check(&CorsRequest::preflight("https://app.example.com", "DELETE"));
    assert_eq!(d.refusal(), Some(Refusal::MethodNotAllowed));
    assert_eq!(d.status(), Some(StatusCode::FORBIDDEN));
    let text = d.to_string();
    assert!(
        text.starts_with("refused: the requested method is not allowed; method `DELETE` is not allowed (allowed: GET, POST, PUT"),
        "{text}"
    );
    assert!(!d
        .headers()
        .contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN));
    assert_eq!(
        d.header(header::VARY),
        Some("Origin, Access-Control-Request-Method, Access-Control-Request-Headers")
    );
}

/// The detail of a method refusal names each allowed method once: listing a safelisted
/// method (`GET`, `POST`) must not make it appear twice.
#[test]
fn method_refusal_lists_each_allowed_method_once() {
    let d = api_policy().check(&CorsRequest::preflight("https://app.example.com", "DELETE"));
    let detail = d.detail().unwrap();
    for m in ["GET", "HEAD", "POST", "PUT"] {
        assert!(
            detail.matches(m).count() <= 1,
            "`{m}` appears more than once: {detail}"
        );
    }
}

#[test]
fn a_header_not_listed_is_named() {
    let d = api_policy().check(
        &CorsRequest::preflight("https://app.example.com", "POST")
            .requesting_headers(["Content-Type", "X-Debug-Token"]),
    );
    assert_eq!(d.refusal(), Some(Refusal::HeaderNotAllowed));
    assert_eq!(d.refused_header(), Some("X-Debug-Token"));
    let detail = d.detail().unwrap();
    assert!(detail.contains("`X-Debug-Token`"), "{detail}");
    assert!(
        detail.contains(".allowed_header(\"X-Debug-Token\")"),
        "{detail}"
    );
}

#[test]
fn safelisted_methods_need_no_listing() {
    let policy = Cors::default()
        .allowed_origin("https://app.example.com")
        .build()
        .unwrap();
    for m in ["GET", "HEAD", "POST"] {
        let d = policy.check(&CorsRequest::preflight("https://app.example.com", m));
        assert!(d.is_allowed(), "{m}: {d}");
    }
}

#[test]
fn near_misses_get_a_hint() {
    let policy = Cors::default()
        .allowed_origin("https://app.example.com")
        .allowed_origin("http://localhost:5173")
        .build()
        .unwrap();
    let cases = [
        (
            "http://localhost:5174",
            "did you mean `http://localhost:5173`? port differs (5174 vs 5173)",
        ),
        (
            "http://app.example.com",
            "did you mean `https://app.example.com`? scheme differs (http vs https)",
        ),
        (
            "https://www.app.example.com",
            "did you mean `https://app.example.com`? `www.` prefix differs",
        ),
        (
            "https://app.exmple.com",
            "did you mean `https://app.example.com`? 1 character(s) differ",
        ),
        (
            "https://evil.example.net",
            "`https://evil.example.net` matches no configured origin",
        ),
    ];
    for (origin, detail) in cases {
        let d = policy.check(&CorsRequest::new(origin));
        assert_eq!(d.refusal(), Some(Refusal::OriginNotAllowed), "{origin}");
        // The hint is the detail's start (its wording may add more after it).
        let got = d.detail().unwrap_or_else(|| panic!("{origin}: no detail"));
        assert!(got.starts_with(detail), "{origin}: {got}");
        assert_eq!(
            d.to_string(),
            format!("refused: the origin is not allowed; {got}")
        );
        // Not blocking: the handler runs, the response just carries no CORS grant.
        assert_eq!(d.status(), None);
        assert_eq!(d.header(header::VARY), Some("Origin"));
        assert_eq!(d.headers().len(), 1);
    }
}

#[test]
fn every_refusal_is_typed() {
    let policy = Cors::default()
        .allowed_origin("https://app.example.com")
        .allowed_methods(["PUT"])
        .allowed_header("x-api-key")
        .build()
        .unwrap();
    let app = "https://app.example.com";
    let cases: Vec<(CorsRequest, Refusal, StatusCode)> = vec![
        (
            CorsRequest::preflight(app, "PUT").extra_origin(app),
            Refusal::MultipleOrigins,
            StatusCode::BAD_REQUEST,
        ),
        (
            CorsRequest::preflight(b"https://\xffbad.com", "PUT"),
            Refusal::MalformedOrigin,
            StatusCode::BAD_REQUEST,
        ),
        (
            CorsRequest::preflight("null", "PUT"),
            Refusal::NullOrigin,
            StatusCode::FORBIDDEN,
        ),
        (
            CorsRequest::preflight("https://other.example.com", "PUT"),
            Refusal::OriginNotAllowed,
            StatusCode::FORBIDDEN,
        ),
        (
            CorsRequest::preflight(app, "P UT"),
            Refusal::MalformedMethod,
            StatusCode::BAD_REQUEST,
        ),
        (
            CorsRequest::preflight(app, "DELETE"),
            Refusal::MethodNotAllowed,
            StatusCode::FORBIDDEN,
        ),
        (
            CorsRequest::preflight(app, "PUT").requesting_header("x api key"),
            Refusal::MalformedHeaders,
            StatusCode::BAD_REQUEST,
        ),
        (
            CorsRequest::preflight(app, "PUT").requesting_header("x-other"),
            Refusal::HeaderNotAllowed,
            StatusCode::FORBIDDEN,
        ),
    ];
    for (req, reason, status) in cases {
        let d = policy.check(&req);
        assert_eq!(d.refusal(), Some(reason), "{req:?}: {d}");
        assert_eq!(d.status(), Some(status), "{req:?}");
        assert!(d.is_preflight());
        assert!(
            d.to_string().starts_with(&format!("refused: {reason}")),
            "{d}"
        );
    }
    // The null refusal names the opt-in.
    let d = policy.check(&CorsRequest::new("null"));
    assert!(d.to_string().contains("allow_null_origin"), "{d}");
}

#[test]
fn values_no_http_parser_accepts_are_refused_as_malformed_not_misattributed() {
    let policy = Cors::default()
        .allowed_origin("https://app.example.com")
        .allow_any_method()
        .allow_any_header()
        .build()
        .unwrap();
    let app = "https://app.example.com";
    let d = policy.check(&CorsRequest::new("https://app.example.com\n"));
    assert_eq!(d.refusal(), Some(Refusal::MalformedOrigin));
    assert_eq!(
        d.status(),
        None,
        "an actual request is not blocked by default"
    );
    let d = policy.check(&CorsRequest::preflight(app, "PU\rT"));
    assert_eq!(d.refusal(), Some(Refusal::MalformedMethod));
    assert_eq!(d.status(), Some(StatusCode::BAD_REQUEST));
    let d = policy.check(&CorsRequest::preflight(app, "PUT").requesting_header("x-a\0"));
    assert_eq!(d.refusal(), Some(Refusal::MalformedHeaders));
    assert_eq!(d.status(), Some(StatusCode::BAD_REQUEST));
    // Without an Origin it is not a CORS request at all.
    let d = policy.check(&CorsRequest::without_origin().requesting_header("x\n"));
    assert!(d.is_allowed());
    assert_eq!(d.refusal(), None);
}

#[test]
fn blocking_policies_answer_refused_actual_requests_themselves() {
    let policy = Cors::default()
        .allowed_origin("https://app.example.com")
        .block_on_origin_mismatch(true)
        .build()
        .unwrap();
    let d = policy.check(&CorsRequest::new("https://evil.example.net").method(Method::POST));
    assert_eq!(d.status(), Some(StatusCode::FORBIDDEN));
    assert!(!d.is_preflight());
    let d = policy.check(&CorsRequest::new("https://app.example.com").method(Method::POST));
    assert_eq!(d.status(), None);
}

#[test]
fn any_method_and_header_are_echoed_never_star() {
    let policy = Cors::default()
        .allowed_origin("https://app.example.com")
        .allow_any_method()
        .allow_any_header()
        .supports_credentials()
        .build()
        .unwrap();
    let d = policy.check(
        &CorsRequest::preflight("https://app.example.com", "PROPFIND")
            .requesting_headers(["authorization", "x-api-key"]),
    );
    assert_eq!(
        d.header(header::ACCESS_CONTROL_ALLOW_METHODS),
        Some("PROPFIND")
    );
    assert_eq!(
        d.header(header::ACCESS_CONTROL_ALLOW_HEADERS),
        Some("authorization,x-api-key")
    );
}

#[test]
fn private_network_preflights_are_explained() {
    let policy = Cors::default()
        .allowed_origin("https://app.example.com")
        .allow_private_network_access()
        .build()
        .unwrap();
    let d =
        policy.check(&CorsRequest::preflight("https://app.example.com", "GET").private_network());
    assert_eq!(
        d.header(header::HeaderName::from_static(
            "access-control-allow-private-network"
        )),
        Some("true")
    );
    let d = policy.check(&CorsRequest::preflight("https://app.example.com", "GET"));
    assert!(!d
        .headers()
        .contains_key("access-control-allow-private-network"));
}

#[test]
fn a_live_policy_is_checked_as_it_runs_now() {
    let live = Cors::default()
        .allowed_origin("https://a.example.com")
        .build()
        .unwrap()
        .live();
    assert!(live
        .policy()
        .check(&CorsRequest::new("https://a.example.com"))
        .is_allowed());
    live.set(
        Cors::default()
            .allowed_origin("https://b.example.com")
            .build()
            .unwrap(),
    );
    assert!(!live
        .policy()
        .check(&CorsRequest::new("https://a.example.com"))
        .is_allowed());
    assert!(live
        .policy()
        .check(&CorsRequest::new("https://b.example.com"))
        .is_allowed());
}

/// Predicates see the request's path and other headers; `check` lets a test set them, and
/// still agrees with the wire.
#[actix_rt::test]
async fn predicates_on_path_and_host_are_explained_as_on_the_wire() {
    use actix_web::http::{header::HOST, Uri};
    let policy = Cors::default()
        .allowed_origin_fn(|origin, head| {
            head.uri.path().starts_with("/public/")
                || head
                    .headers
                    .get(HOST)
                    .is_some_and(|h| origin.as_bytes().ends_with(h.as_bytes()))
        })
        .build()
        .unwrap();
    let app = test::init_service(
        App::new()
            .wrap(policy.clone())
            .default_service(web::to(HttpResponse::Ok)),
    )
    .await;
    let cases = [
        ("/public/logo.svg", "api.example.com", true),
        ("/private", "api.example.com", false),
        ("/private", "evil.example.com", true), // origin ends with the host
    ];
    for (path, host, allowed) in cases {
        let origin = "https://evil.example.com";
        let d = policy.check(
            &CorsRequest::new(origin)
                .uri(Uri::from_static(path))
                .with_header(HOST, HeaderValue::from_static(host)),
        );
        assert_eq!(d.is_allowed(), allowed, "{path} {host}: {d}");
        let res = test::call_service(
            &app,
            TestRequest::get()
                .uri(path)
                .insert_header((header::ORIGIN, origin))
                .insert_header((HOST, host))
                .to_request(),
        )
        .await;
        assert_eq!(
            cors_headers(d.headers()),
            cors_headers(res.headers()),
            "{path} {host}"
        );
    }
}

#[test]
fn check_equals_the_wire_under_observe_only() {
    let policy = corsair::LiveCors::observe_only().policy();
    let evil = CorsRequest::new("https://evil.example");
    let decision = policy.check(&evil);
    assert!(decision.headers().is_empty(), "{decision:?}");
    assert_eq!(decision.status(), None);
    let wire = actix_rt::System::new().block_on(async {
        let app = test::init_service(
            App::new()
                .wrap(policy.clone())
                .default_service(web::to(HttpResponse::Ok)),
        )
        .await;
        let req = TestRequest::get()
            .insert_header((header::ORIGIN, "https://evil.example"))
            .to_request();
        test::call_service(&app, req).await
    });
    assert_eq!(wire.status(), StatusCode::OK);
    assert!(cors_headers(wire.headers()).is_empty());
}

#[test]
fn check_equals_the_wire_for_a_same_origin_post_under_blocking() {
    let policy = Cors::default()
        .allowed_origin("https://app.example.com")
        .block_on_origin_mismatch(true)
        .build()
        .unwrap();
    // A form on http://api.example.com posting to itself (plain listener, as in the tests).
    let own = CorsRequest::new("http://api.example.com")
        .method(Method::POST)
        .with_header(header::HOST, HeaderValue::from_static("api.example.com"));
    let decision = policy.check(&own);
    assert_eq!(decision.status(), None, "{decision}");
    assert!(decision.to_string().contains("same origin"), "{decision}");
    let wire = actix_rt::System::new().block_on(async {
        let app = test::init_service(
            App::new()
                .wrap(policy.clone())
                .default_service(web::to(HttpResponse::Ok)),
        )
        .await;
        let req = TestRequest::post()
            .insert_header((header::ORIGIN, "http://api.example.com"))
            .insert_header((header::HOST, "api.example.com"))
            .to_request();
        test::call_service(&app, req).await
    });
    assert_eq!(wire.status(), StatusCode::OK);
    assert_eq!(
        cors_headers(decision.headers()),
        cors_headers(wire.headers())
    );
}
