//! Shared scenario definitions for corsair's benchmark binaries
//! (`throughput`, `instructions`, `allocations`) and `examples/bench_server.rs`.
//!
//! Every scenario is run against three variants of the *same* actix-web app:
//! no CORS middleware (the floor), actix-cors 0.7 and corsair, configured with
//! equivalent policies. Apps are built once; the request is built the same way
//! for every variant, from header values created once up front (cloning a
//! `HeaderValue` is then a reference-count bump, as it is for a request parsed
//! by actix's HTTP/1 decoder), so the only difference between variants is the
//! middleware.

#![allow(dead_code)]

mod floor;

pub use floor::Floor;

use std::{fmt, future::Future, pin::pin, sync::LazyLock, task::Poll};

use actix_web::{
    body::MessageBody,
    dev::{Service, ServiceRequest, ServiceResponse, Transform},
    http::{
        header::{self, HeaderName, HeaderValue},
        Method, StatusCode,
    },
    middleware::{Compress, DefaultHeaders},
    test::{self, TestRequest},
    web, App, HttpResponse,
};
use futures_util::task::noop_waker_ref;

/// The request type an initialised test service accepts.
pub type Request = actix_http::Request;

/// Which middleware wraps the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// No CORS middleware at all: the floor.
    None,
    /// actix-cors 0.7 (dev-dependency).
    ActixCors,
    /// This crate.
    Corsair,
    /// A do-nothing middleware (unboxed future, no header written): the floor cost of any
    /// actix middleware, for reference. Not in [`Variant::ALL`].
    Identity,
    /// actix-web's `DefaultHeaders` writing `Vary: Origin` only: roughly the floor of any
    /// middleware that must write one response header (reference; not in [`Variant::ALL`]).
    OneHeader,
    /// actix-web's `DefaultHeaders` writing the four headers an allowed actual request gets
    /// here (ACAO, ACAC, ACEH, Vary), with no CORS logic at all: roughly the floor of the
    /// allowed path (reference; not in [`Variant::ALL`]).
    FourHeaders,
    /// The floor of a CORS middleware on actual requests (`floor.rs`): one hash lookup of
    /// `Origin`, the request's own value echoed with `Access-Control-Allow-Credentials: true`
    /// on a match, one appended `Vary: Origin` line, nothing else. Only where
    /// [`Scenario::supports`] says so (exact origins, actual requests); not in
    /// [`Variant::ALL`].
    Floor,
}

impl Variant {
    /// All variants, in table order.
    pub const ALL: [Variant; 3] = [Variant::None, Variant::ActixCors, Variant::Corsair];

    /// Short name used on command lines and in tables.
    pub fn name(self) -> &'static str {
        match self {
            Variant::None => "none",
            Variant::ActixCors => "actix-cors",
            Variant::Corsair => "corsair",
            Variant::Identity => "identity",
            Variant::OneHeader => "1-header",
            Variant::FourHeaders => "4-headers",
            Variant::Floor => "floor",
        }
    }

    /// Parses [`Variant::name`].
    pub fn parse(s: &str) -> Option<Variant> {
        Variant::ALL
            .into_iter()
            .chain([
                Variant::Identity,
                Variant::OneHeader,
                Variant::FourHeaders,
                Variant::Floor,
            ])
            .find(|v| v.name() == s)
    }
}

impl fmt::Display for Variant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What the request looks like and which policy the middleware has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    /// `GET /` without `Origin` (same-origin / non-browser traffic).
    NoOrigin,
    /// Allowed origin, the only one of 1 exact origin.
    Allowed1,
    /// Allowed origin, the last of 100 exact origins.
    Allowed100,
    /// Allowed origin, the last of 10,000 exact origins.
    Allowed10k,
    /// Allowed via the only one of 1 wildcard pattern (`https://*.tenant0.example.com`).
    Pattern1,
    /// Allowed via the last of 1,000 wildcard patterns.
    Pattern1000,
    /// Allowed via one regex (`allowed_origin_regex`; actix-cors: `allowed_origin_fn` + `Regex`).
    Regex,
    /// `GET /` from an origin that is not allowed (handler still runs).
    Disallowed,
    /// Allowed preflight: `OPTIONS` + Origin + ACRM `PUT` + ACRH `content-type, x-api-key`.
    PreflightAllowed,
    /// Preflight from an origin that is not allowed.
    PreflightRejected,
    /// [`Scenario::Actual`]: an actual request (no `Origin`, allowed last of 100 exact
    /// origins, or disallowed) to a handler that sets a `Vary` of its own.
    Actual(Kind, HandlerVary),
    /// Allowed request (last of 100) with actix-web's `Compress` middleware (gzip, the request
    /// sends `Accept-Encoding: gzip`) wrapped outside corsair / actix-cors.
    CompressOutside,
    /// The same with `Compress` inside the CORS middleware (closer to the handler).
    CompressInside,
}

/// Which actual request a [`Scenario::Actual`] sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// No `Origin`.
    NoOrigin,
    /// `https://app99.example.com`, the last of 100 exact origins.
    Allowed,
    /// An origin that is not allowed (the handler still runs).
    Disallowed,
}

/// `X-Vary-Name-000, X-Vary-Name-001, ...`: `n` names of 15 bytes, comma-separated.
fn numbered_names(n: usize) -> &'static str {
    let names: Vec<String> = (0..n).map(|i| format!("X-Vary-Name-{i:03}")).collect();
    String::leak(names.join(", "))
}

/// [`HandlerVary::Huge`]: 70 names, 1,188 bytes.
static HUGE_VARY: LazyLock<&'static str> = LazyLock::new(|| numbered_names(70));
/// [`HandlerVary::Oversized`]: 300 names, 5,098 bytes.
static OVERSIZED_VARY: LazyLock<&'static str> = LazyLock::new(|| numbered_names(300));

/// The `Vary` the handler sets itself (content negotiation, caching layers...).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandlerVary {
    /// `Vary: Accept-Encoding`.
    One,
    /// `Vary: Accept-Encoding, Accept-Language, Cookie`.
    Three,
    /// `Vary: Accept-Encoding, Origin` (already varies on `Origin`).
    WithOrigin,
    /// `Vary: *`.
    Star,
    /// A long line: 7 names, 102 bytes (only with an allowed origin).
    Long,
    /// A very long line: 70 names, 1,188 bytes (only with an allowed origin).
    Huge,
    /// A line longer than corsair remembers per worker (over 4 KiB: 300 names), so it is
    /// merged on every response: the worst case of the merge (only with an allowed origin).
    Oversized,
}

impl HandlerVary {
    /// The handler's `Vary` value.
    pub fn value(self) -> &'static str {
        match self {
            HandlerVary::One => "Accept-Encoding",
            HandlerVary::Three => "Accept-Encoding, Accept-Language, Cookie",
            HandlerVary::WithOrigin => "Accept-Encoding, Origin",
            HandlerVary::Star => "*",
            HandlerVary::Long => {
                "Accept-Encoding, Accept-Language, Accept-Charset, Cookie, Authorization, X-Requested-With, X-Tenant-Id"
            }
            HandlerVary::Huge => *HUGE_VARY,
            HandlerVary::Oversized => *OVERSIZED_VARY,
        }
    }
}

impl Scenario {
    /// All scenarios, in table order.
    pub const ALL: [Scenario; 27] = [
        Scenario::NoOrigin,
        Scenario::Allowed1,
        Scenario::Allowed100,
        Scenario::Allowed10k,
        Scenario::Pattern1,
        Scenario::Pattern1000,
        Scenario::Regex,
        Scenario::Disallowed,
        Scenario::PreflightAllowed,
        Scenario::PreflightRejected,
        Scenario::Actual(Kind::NoOrigin, HandlerVary::One),
        Scenario::Actual(Kind::Allowed, HandlerVary::One),
        Scenario::Actual(Kind::Disallowed, HandlerVary::One),
        Scenario::Actual(Kind::NoOrigin, HandlerVary::Three),
        Scenario::Actual(Kind::Allowed, HandlerVary::Three),
        Scenario::Actual(Kind::Disallowed, HandlerVary::Three),
        Scenario::Actual(Kind::NoOrigin, HandlerVary::WithOrigin),
        Scenario::Actual(Kind::Allowed, HandlerVary::WithOrigin),
        Scenario::Actual(Kind::Disallowed, HandlerVary::WithOrigin),
        Scenario::Actual(Kind::NoOrigin, HandlerVary::Star),
        Scenario::Actual(Kind::Allowed, HandlerVary::Star),
        Scenario::Actual(Kind::Disallowed, HandlerVary::Star),
        Scenario::Actual(Kind::Allowed, HandlerVary::Long),
        Scenario::Actual(Kind::Allowed, HandlerVary::Huge),
        Scenario::Actual(Kind::Allowed, HandlerVary::Oversized),
        Scenario::CompressOutside,
        Scenario::CompressInside,
    ];

    /// Short name used on command lines and in tables.
    pub fn name(self) -> &'static str {
        match self {
            Scenario::NoOrigin => "no_origin",
            Scenario::Allowed1 => "allowed_1_of_1",
            Scenario::Allowed100 => "allowed_last_of_100",
            Scenario::Allowed10k => "allowed_last_of_10000",
            Scenario::Pattern1 => "pattern_1_of_1",
            Scenario::Pattern1000 => "pattern_last_of_1000",
            Scenario::Regex => "regex",
            Scenario::Disallowed => "disallowed",
            Scenario::PreflightAllowed => "preflight_allowed",
            Scenario::PreflightRejected => "preflight_rejected",
            Scenario::Actual(kind, vary) => match (kind, vary) {
                (Kind::NoOrigin, HandlerVary::One) => "vary1_no_origin",
                (Kind::Allowed, HandlerVary::One) => "vary1_allowed",
                (Kind::Disallowed, HandlerVary::One) => "vary1_disallowed",
                (Kind::NoOrigin, HandlerVary::Three) => "vary3_no_origin",
                (Kind::Allowed, HandlerVary::Three) => "vary3_allowed",
                (Kind::Disallowed, HandlerVary::Three) => "vary3_disallowed",
                (Kind::NoOrigin, HandlerVary::WithOrigin) => "vary_origin_no_origin",
                (Kind::Allowed, HandlerVary::WithOrigin) => "vary_origin_allowed",
                (Kind::Disallowed, HandlerVary::WithOrigin) => "vary_origin_disallowed",
                (Kind::NoOrigin, HandlerVary::Star) => "vary_star_no_origin",
                (Kind::Allowed, HandlerVary::Star) => "vary_star_allowed",
                (Kind::Disallowed, HandlerVary::Star) => "vary_star_disallowed",
                (_, HandlerVary::Long) => "vary_long_allowed",
                (_, HandlerVary::Huge) => "vary_huge_allowed",
                (_, HandlerVary::Oversized) => "vary_oversized_allowed",
            },
            Scenario::CompressOutside => "compress_outside",
            Scenario::CompressInside => "compress_inside",
        }
    }

    /// The `Vary` the handler sets, if any.
    pub fn handler_vary(self) -> Option<HandlerVary> {
        match self {
            Scenario::Actual(_, vary) => Some(vary),
            _ => None,
        }
    }

    /// Where actix-web's `Compress` sits, if it is used: `Some(true)` outside the CORS
    /// middleware, `Some(false)` inside it.
    pub fn compress_outside(self) -> Option<bool> {
        match self {
            Scenario::CompressOutside => Some(true),
            Scenario::CompressInside => Some(false),
            _ => None,
        }
    }

    /// Parses [`Scenario::name`].
    pub fn parse(s: &str) -> Option<Scenario> {
        Scenario::ALL.into_iter().find(|v| v.name() == s)
    }

    /// Whether `variant` has an equivalent feature for this scenario.
    /// actix-cors has no wildcard patterns, so those scenarios are skipped for it; the floor
    /// knows exact origins and actual requests only (and `Compress` is gzip noise).
    pub fn supports(self, variant: Variant) -> bool {
        match variant {
            Variant::ActixCors => !matches!(self, Scenario::Pattern1 | Scenario::Pattern1000),
            Variant::Floor => matches!(
                self,
                Scenario::NoOrigin
                    | Scenario::Allowed1
                    | Scenario::Allowed100
                    | Scenario::Allowed10k
                    | Scenario::Disallowed
                    | Scenario::Actual(..)
            ),
            _ => true,
        }
    }

    /// Whether the request should be granted CORS by a CORS middleware.
    pub fn is_allowed(self) -> bool {
        !matches!(
            self,
            Scenario::NoOrigin
                | Scenario::Disallowed
                | Scenario::PreflightRejected
                | Scenario::Actual(Kind::NoOrigin | Kind::Disallowed, _)
        )
    }

    /// Whether the request is a preflight.
    pub fn is_preflight(self) -> bool {
        matches!(
            self,
            Scenario::PreflightAllowed | Scenario::PreflightRejected
        )
    }

    /// Note printed next to results, if the comparison needs one.
    pub fn note(self) -> &'static str {
        match self {
            Scenario::Pattern1 | Scenario::Pattern1000 => "actix-cors: no equivalent, skipped",
            Scenario::Regex => "actix-cors: allowed_origin_fn + regex::Regex",
            _ => "",
        }
    }

    /// The `Origin` the request carries, if any.
    pub fn origin(self) -> Option<String> {
        match self {
            Scenario::NoOrigin => None,
            Scenario::Allowed1 | Scenario::PreflightAllowed => Some(exact_origin(0)),
            Scenario::Allowed100 => Some(exact_origin(99)),
            Scenario::Allowed10k => Some(exact_origin(9_999)),
            Scenario::Pattern1 => Some("https://api.tenant0.example.com".to_owned()),
            Scenario::Pattern1000 => Some("https://api.tenant999.example.com".to_owned()),
            Scenario::Regex => Some("https://app-4242.example.com".to_owned()),
            Scenario::Disallowed
            | Scenario::PreflightRejected
            | Scenario::Actual(Kind::Disallowed, _) => Some("https://evil.example.net".to_owned()),
            Scenario::Actual(Kind::NoOrigin, _) => None,
            Scenario::Actual(Kind::Allowed, _)
            | Scenario::CompressOutside
            | Scenario::CompressInside => Some(exact_origin(99)),
        }
    }

    /// Number of exact origins in the policy.
    fn exact_origins(self) -> usize {
        match self {
            Scenario::NoOrigin
            | Scenario::Disallowed
            | Scenario::Allowed100
            | Scenario::Actual(..)
            | Scenario::CompressOutside
            | Scenario::CompressInside => 100,
            Scenario::Allowed10k => 10_000,
            Scenario::Pattern1 | Scenario::Pattern1000 | Scenario::Regex => 0,
            _ => 1,
        }
    }

    /// Number of wildcard patterns in the policy.
    fn patterns(self) -> usize {
        match self {
            Scenario::Pattern1 => 1,
            Scenario::Pattern1000 => 1_000,
            _ => 0,
        }
    }
}

/// The i-th exact origin of a policy: `https://app{i}.example.com`.
pub fn exact_origin(i: usize) -> String {
    format!("https://app{i}.example.com")
}

/// The i-th wildcard pattern of a policy: `https://*.tenant{i}.example.com`.
pub fn pattern(i: usize) -> String {
    format!("https://*.tenant{i}.example.com")
}

/// The regex used by [`Scenario::Regex`].
pub const REGEX: &str = r"^https://app-\d+\.example\.com$";

const METHODS: [&str; 4] = ["GET", "POST", "PUT", "DELETE"];
const ALLOWED_HEADERS: [&str; 2] = ["content-type", "x-api-key"];
const EXPOSED_HEADERS: [&str; 1] = ["x-request-id"];
const MAX_AGE: usize = 3600;

/// The corsair policy for `scenario`.
pub fn corsair_policy(scenario: Scenario) -> corsair::CorsPolicy {
    let mut cors = corsair::Cors::default()
        .allowed_methods(METHODS)
        .allowed_headers(ALLOWED_HEADERS)
        .expose_headers(EXPOSED_HEADERS)
        .supports_credentials()
        .max_age(MAX_AGE);
    for i in 0..scenario.exact_origins() {
        cors = cors.allowed_origin(&exact_origin(i));
    }
    for i in 0..scenario.patterns() {
        cors = cors.allowed_origin_pattern(&pattern(i));
    }
    if scenario == Scenario::Regex {
        cors = cors.allowed_origin_regex(REGEX);
    }
    match cors.build() {
        Ok(policy) => policy,
        Err(err) => {
            for problem in err.problems() {
                eprintln!("corsair policy problem: {problem}");
            }
            panic!("invalid corsair benchmark policy for {}", scenario.name());
        }
    }
}

/// The equivalent actix-cors policy for `scenario` (refused origins reach the handler,
/// as with corsair's default).
pub fn actix_cors_policy(scenario: Scenario) -> actix_cors::Cors {
    let mut cors = actix_cors::Cors::default()
        .allowed_methods(METHODS)
        .allowed_headers(ALLOWED_HEADERS)
        .expose_headers(EXPOSED_HEADERS)
        .supports_credentials()
        .max_age(MAX_AGE)
        .block_on_origin_mismatch(false);
    for i in 0..scenario.exact_origins() {
        cors = cors.allowed_origin(&exact_origin(i));
    }
    assert_eq!(
        scenario.patterns(),
        0,
        "actix-cors has no wildcard patterns"
    );
    if scenario == Scenario::Regex {
        let re = regex::Regex::new(REGEX).expect("benchmark regex compiles");
        cors = cors.allowed_origin_fn(move |origin, _head| {
            origin.to_str().map(|o| re.is_match(o)).unwrap_or(false)
        });
    }
    cors
}

/// The handler every variant routes to (all methods, static body: no allocation of its own).
pub async fn handler() -> HttpResponse {
    HttpResponse::Ok().body("ok")
}

/// [`handler`], setting `Vary` to `vary` as content negotiation or a cache layer would.
fn vary_handler(vary: HandlerVary) -> actix_web::Route {
    web::to(move || async move {
        HttpResponse::Ok()
            .insert_header((header::VARY, HeaderValue::from_static(vary.value())))
            .body("ok")
    })
}

/// The route of `scenario`'s handler.
pub fn route(scenario: Scenario) -> actix_web::Route {
    match scenario.handler_vary() {
        Some(vary) => vary_handler(vary),
        None => web::to(handler),
    }
}

/// Builds requests for one scenario. Header values are created once; each request clones
/// them (a reference-count bump), exactly the same way for every variant.
pub struct RequestFactory {
    method: Method,
    headers: Vec<(HeaderName, HeaderValue)>,
}

impl RequestFactory {
    /// Prepares the header values of `scenario`'s request.
    pub fn new(scenario: Scenario) -> Self {
        let mut headers = Vec::new();
        if let Some(origin) = scenario.origin() {
            headers.push((header::ORIGIN, shared_value(&origin)));
        }
        let method = if scenario.is_preflight() {
            headers.push((header::ACCESS_CONTROL_REQUEST_METHOD, shared_value("PUT")));
            headers.push((
                header::ACCESS_CONTROL_REQUEST_HEADERS,
                shared_value("content-type, x-api-key"),
            ));
            Method::OPTIONS
        } else {
            Method::GET
        };
        if scenario.compress_outside().is_some() {
            headers.push((header::ACCEPT_ENCODING, shared_value("gzip")));
        }
        headers.push((header::USER_AGENT, shared_value("corsair-bench")));
        headers.push((header::ACCEPT, shared_value("*/*")));
        RequestFactory { method, headers }
    }

    /// A fresh request.
    #[inline]
    pub fn make(&self) -> Request {
        let mut req = TestRequest::default().method(self.method.clone()).uri("/");
        for (name, value) in &self.headers {
            req = req.insert_header((name.clone(), value.clone()));
        }
        req.to_request()
    }
}

/// A header value whose clones never allocate (its `Bytes` is already shared).
fn shared_value(s: &str) -> HeaderValue {
    let v = HeaderValue::from_str(s).expect("valid header value");
    // The first clone promotes a `Bytes` built from a Vec to a shared one; do it now.
    let promoted = v.clone();
    drop(v);
    promoted
}

/// Receives the initialised service of one variant; lets code be generic over the three
/// different service types without boxing them.
pub trait WithService {
    /// What the visitor returns.
    type Output;
    /// Called with the service (already initialised inside the actix system).
    fn with<S, B>(self, svc: S) -> Self::Output
    where
        S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
        B: MessageBody;
}

/// Builds the app for `variant` × `scenario` once, initialises it inside `sys`, and hands
/// the service to `visitor`.
pub fn with_service<V: WithService>(
    sys: &actix_rt::SystemRunner,
    variant: Variant,
    scenario: Scenario,
    visitor: V,
) -> V::Output {
    assert!(
        scenario.supports(variant),
        "{} has no equivalent of {}",
        variant,
        scenario.name()
    );
    // The app with `$cors` wrapped, and `Compress` where the scenario puts it (the last
    // `.wrap` is the outermost middleware).
    macro_rules! run_with {
        ($cors:expr) => {{
            let app = App::new().route("/", route(scenario));
            match scenario.compress_outside() {
                None => visitor.with(sys.block_on(test::init_service(app.wrap($cors)))),
                Some(true) => visitor.with(sys.block_on(test::init_service(
                    app.wrap($cors).wrap(Compress::default()),
                ))),
                Some(false) => visitor.with(sys.block_on(test::init_service(
                    app.wrap(Compress::default()).wrap($cors),
                ))),
            }
        }};
    }
    match variant {
        // No CORS middleware (only `Compress`, when the scenario has it): the floor.
        Variant::None => {
            let app = App::new().route("/", route(scenario));
            match scenario.compress_outside() {
                None => visitor.with(sys.block_on(test::init_service(app))),
                Some(_) => {
                    visitor.with(sys.block_on(test::init_service(app.wrap(Compress::default()))))
                }
            }
        }
        Variant::ActixCors => run_with!(actix_cors_policy(scenario)),
        Variant::Corsair => run_with!(corsair_policy(scenario)),
        Variant::Floor => {
            let app = App::new().route("/", route(scenario));
            let floor = Floor::new((0..scenario.exact_origins()).map(exact_origin));
            visitor.with(sys.block_on(test::init_service(app.wrap(floor))))
        }
        Variant::Identity => {
            let app = App::new().wrap(Identity).route("/", web::to(handler));
            visitor.with(sys.block_on(test::init_service(app)))
        }
        Variant::OneHeader => {
            let headers = DefaultHeaders::new().add((header::VARY, "Origin"));
            let app = App::new().wrap(headers).route("/", web::to(handler));
            visitor.with(sys.block_on(test::init_service(app)))
        }
        Variant::FourHeaders => {
            let headers = DefaultHeaders::new()
                .add((
                    header::ACCESS_CONTROL_ALLOW_ORIGIN,
                    "https://app0.example.com",
                ))
                .add((header::ACCESS_CONTROL_ALLOW_CREDENTIALS, "true"))
                .add((header::ACCESS_CONTROL_EXPOSE_HEADERS, "x-request-id"))
                .add((header::VARY, "Origin"));
            let app = App::new().wrap(headers).route("/", web::to(handler));
            visitor.with(sys.block_on(test::init_service(app)))
        }
    }
}

/// A middleware that does nothing: returns the inner service's future as is.
pub struct Identity;

/// The service [`Identity`] wraps around the app.
pub struct IdentityService<S>(S);

impl<S> Transform<S, ServiceRequest> for Identity
where
    S: Service<ServiceRequest>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Transform = IdentityService<S>;
    type InitError = ();
    type Future = std::future::Ready<Result<Self::Transform, ()>>;

    fn new_transform(&self, service: S) -> Self::Future {
        std::future::ready(Ok(IdentityService(service)))
    }
}

impl<S> Service<ServiceRequest> for IdentityService<S>
where
    S: Service<ServiceRequest>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&self, cx: &mut std::task::Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.0.poll_ready(cx)
    }

    fn call(&self, req: ServiceRequest) -> Self::Future {
        self.0.call(req)
    }
}

/// Calls the service once and returns the status and whether an
/// `Access-Control-Allow-Origin` header came back. Errors are turned into their response,
/// as actix-web's HTTP dispatcher does.
///
/// The future is polled once in place; every path benchmarked here completes on the first
/// poll, so no executor round-trip is measured. If it does not, it is finished with
/// `sys.block_on`.
#[inline]
pub fn call<S, B>(sys: &actix_rt::SystemRunner, svc: &S, req: Request) -> (StatusCode, bool)
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let mut fut = pin!(svc.call(req));
    let mut cx = std::task::Context::from_waker(noop_waker_ref());
    let res = match fut.as_mut().poll(&mut cx) {
        Poll::Ready(res) => res,
        Poll::Pending => sys.block_on(fut),
    };
    match res {
        Ok(res) => (
            res.status(),
            res.headers()
                .contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN),
        ),
        Err(err) => {
            let res = err.error_response();
            (
                res.status(),
                res.headers()
                    .contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN),
            )
        }
    }
}

/// Checks once, outside any measurement, that the scenario does what its name says for
/// this variant; panics with a clear message otherwise (a benchmark of the wrong path is
/// worse than none).
pub fn check<S, B>(
    sys: &actix_rt::SystemRunner,
    svc: &S,
    factory: &RequestFactory,
    variant: Variant,
    scenario: Scenario,
) where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let (status, acao) = call(sys, svc, factory.make());
    check_vary(sys, svc, factory, variant, scenario);
    check_floor(sys, svc, factory, variant, scenario);
    let ok = match (variant, scenario.is_allowed(), scenario.is_preflight()) {
        (Variant::None | Variant::Identity | Variant::OneHeader, _, _) => {
            status == StatusCode::OK && !acao
        }
        (Variant::FourHeaders, _, _) => status == StatusCode::OK && acao,
        (Variant::Floor, allowed, _) => status == StatusCode::OK && acao == allowed,
        (_, true, _) => status.is_success() && acao,
        (_, false, true) => !status.is_success() && !acao,
        (_, false, false) => status == StatusCode::OK && !acao,
    };
    assert!(
        ok,
        "{} / {}: unexpected response: status {status}, ACAO present: {acao}",
        variant,
        scenario.name()
    );
}

/// For the floor, checks that it does what it claims: the request's own `Origin` echoed with
/// `Access-Control-Allow-Credentials: true` when allowed, nothing when not, and `Vary: Origin`
/// appended as a line of its own after the handler's.
fn check_floor<S, B>(
    sys: &actix_rt::SystemRunner,
    svc: &S,
    factory: &RequestFactory,
    variant: Variant,
    scenario: Scenario,
) where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    if variant != Variant::Floor {
        return;
    }
    let res = sys
        .block_on(svc.call(factory.make()))
        .expect("benchmark request succeeds");
    let h = res.headers();
    let text = |v: &HeaderValue| v.to_str().expect("ASCII").to_owned();
    let acao = h.get(header::ACCESS_CONTROL_ALLOW_ORIGIN).map(text);
    let acac = h.get(header::ACCESS_CONTROL_ALLOW_CREDENTIALS).map(text);
    let vary: Vec<String> = h.get_all(header::VARY).map(text).collect();
    let mut expected_vary: Vec<String> = scenario
        .handler_vary()
        .map(|v| v.value().to_owned())
        .into_iter()
        .collect();
    expected_vary.push("Origin".to_owned());
    let (expected_acao, expected_acac) = if scenario.is_allowed() {
        (scenario.origin(), Some("true".to_owned()))
    } else {
        (None, None)
    };
    assert!(
        acao == expected_acao && acac == expected_acac && vary == expected_vary,
        "floor / {}: ACAO {acao:?}, ACAC {acac:?}, Vary {vary:?}; expected {expected_acao:?}, {expected_acac:?}, {expected_vary:?}",
        scenario.name()
    );
}

/// For corsair, checks the `Vary` of the response the scenario gets: the handler's names are
/// kept, `Origin` is added once, and everything is in one field, except where actix-web's
/// `Compress` appends its own line after corsair ran.
fn check_vary<S, B>(
    sys: &actix_rt::SystemRunner,
    svc: &S,
    factory: &RequestFactory,
    variant: Variant,
    scenario: Scenario,
) where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    if variant != Variant::Corsair || scenario.is_preflight() {
        return;
    }
    let res = sys
        .block_on(svc.call(factory.make()))
        .expect("benchmark request succeeds");
    let lines: Vec<String> = res
        .headers()
        .get_all(header::VARY)
        .map(|v| v.to_str().expect("ASCII Vary").to_ascii_lowercase())
        .collect();
    let names: Vec<&str> = lines
        .iter()
        .flat_map(|l| l.split(','))
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .collect();
    let expected: Vec<&str> = match (scenario.handler_vary(), scenario.compress_outside()) {
        (Some(HandlerVary::Star), _) => vec!["*"],
        (Some(HandlerVary::WithOrigin), _) => vec!["accept-encoding", "origin"],
        (Some(vary), _) => {
            let mut v: Vec<&str> = vary.value().split(", ").collect();
            v.push("Origin");
            v.iter_mut().for_each(|n| *n = leak_lower(n));
            v
        }
        (None, Some(true)) => vec!["origin", "accept-encoding"],
        (None, Some(false)) => vec!["accept-encoding", "origin"],
        (None, None) => vec!["origin"],
    };
    let one_field = scenario.compress_outside() != Some(true);
    assert!(
        names == expected && (!one_field || lines.len() == 1),
        "{}: corsair's Vary is {lines:?}, expected the names {expected:?}{}",
        scenario.name(),
        if one_field { " in one field" } else { "" }
    );
}

fn leak_lower(s: &str) -> &'static str {
    Box::leak(s.to_ascii_lowercase().into_boxed_str())
}
