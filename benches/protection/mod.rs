//! The instruction cost of cross-origin protection (issue 23), for `benches/instructions.rs`:
//! scenarios of their own (`guard_*`), each run through four variants of one app:
//! - `none`: no middleware;
//! - `cors`: a corsair CORS policy without protection (1 exact origin, credentials);
//! - `cors-guard`: the same policy with `.cross_origin_protection()`;
//! - `guard`: the standalone `CrossOriginProtection`, built, alone.
//!
//! `cors-guard` minus `cors` is what turning protection on costs a CORS app; `guard` minus
//! `none` what the standalone guard costs. What an app that does not turn it on pays is the
//! `corsair` variant of the usual scenarios, measured before and after this code.

use std::hint::black_box;

use actix_web::{
    body::MessageBody,
    dev::{Service, ServiceResponse},
    http::{
        header::{self, HeaderName, HeaderValue},
        Method, StatusCode,
    },
    test::{self, TestRequest},
    web, App,
};

use crate::common::{self, Request};

/// One scenario: name, method, `Origin`, `Sec-Fetch-Site`, what it shows.
type GuardScenario = (
    &'static str,
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
    &'static str,
);

/// Every scenario.
const SCENARIOS: [GuardScenario; 5] = [
    (
        "guard_get",
        "GET",
        Some(ALLOWED),
        Some("same-site"),
        "a read from the allowed origin: passed on its method",
    ),
    (
        "guard_post_same_origin",
        "POST",
        Some(OWN),
        Some("same-origin"),
        "a same-origin form post: passed on Sec-Fetch-Site",
    ),
    (
        "guard_post_old_browser",
        "POST",
        Some(OWN),
        None,
        "a same-origin post without Sec-Fetch-Site: Origin compared with Host",
    ),
    (
        "guard_post_allowed",
        "POST",
        Some(ALLOWED),
        Some("same-site"),
        "a write from the allowed origin: Origin looked up",
    ),
    (
        "guard_post_refused",
        "POST",
        Some("https://evil.example.net"),
        Some("cross-site"),
        "a cross-site form post: refused (403) by the guards, served by none and cors",
    ),
];

const ALLOWED: &str = "https://app0.example.com";
const HOST: &str = "api.example.com";
const OWN: &str = "http://api.example.com";
const VARIANTS: [&str; 4] = ["none", "cors", "cors-guard", "guard"];

/// Prints every runnable `SCENARIO VARIANT` pair, one per line.
pub fn list() {
    for (name, ..) in SCENARIOS {
        for variant in VARIANTS {
            println!("{name} {variant}");
        }
    }
}

/// Runs `n` requests of `scenario` through `variant`, if `scenario` is one of these;
/// `Some(Err)` for an unknown variant.
pub fn run(scenario: &str, variant: &str, n: usize) -> Option<Result<u64, String>> {
    let &(name, method, origin, site, _) = SCENARIOS.iter().find(|s| s.0 == scenario)?;
    let factory = Factory::new(method, origin, site);
    let sys = actix_rt::System::new();
    let cors = || {
        corsair::Cors::default()
            .allowed_origin(ALLOWED)
            .allowed_methods(["GET", "POST", "PUT", "DELETE"])
            .allowed_headers(["content-type", "x-api-key"])
            .expose_headers(["x-request-id"])
            .supports_credentials()
            .max_age(3600)
    };
    let app = App::new().route("/", web::to(common::handler));
    let refused = name == "guard_post_refused";
    Some(match variant {
        "none" => Ok(measure(&sys, test::init_service(app), &factory, n, false)),
        "cors" => {
            let policy = cors().build().expect("valid policy");
            let svc = test::init_service(app.wrap(policy));
            Ok(measure(&sys, svc, &factory, n, false))
        }
        "cors-guard" => {
            let policy = cors()
                .cross_origin_protection()
                .build()
                .expect("valid policy");
            let svc = test::init_service(app.wrap(policy));
            Ok(measure(&sys, svc, &factory, n, refused))
        }
        "guard" => {
            let guard = corsair::CrossOriginProtection::default()
                .trusted_origin(ALLOWED)
                .build()
                .expect("valid guard");
            let svc = test::init_service(app.wrap(guard));
            Ok(measure(&sys, svc, &factory, n, refused))
        }
        other => Err(format!("unknown variant {other:?} for {name}")),
    })
}

/// Initialises the service, checks once that the scenario takes the path its name says
/// (`refused`: answered 403), warms up, then runs the measured loop.
fn measure<F, S, B>(
    sys: &actix_rt::SystemRunner,
    init: F,
    factory: &Factory,
    n: usize,
    refused: bool,
) -> u64
where
    F: std::future::Future<Output = S>,
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let svc = sys.block_on(init);
    let (status, _) = common::call(sys, &svc, factory.make());
    let want = if refused {
        StatusCode::FORBIDDEN
    } else {
        StatusCode::OK
    };
    assert_eq!(status, want, "the scenario does not take its path");
    for _ in 0..100 {
        black_box(common::call(sys, &svc, factory.make()));
    }
    measured_loop_guard(sys, &svc, factory, n)
}

/// The loop callgrind measures.
#[inline(never)]
fn measured_loop_guard<S, B>(
    sys: &actix_rt::SystemRunner,
    svc: &S,
    factory: &Factory,
    n: usize,
) -> u64
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let mut ok = 0;
    for _ in 0..n {
        let (status, _) = common::call(sys, svc, black_box(factory.make()));
        ok += u64::from(status == StatusCode::OK);
    }
    ok
}

/// Builds one scenario's requests from header values made once (clones share their bytes).
struct Factory {
    method: Method,
    headers: Vec<(HeaderName, HeaderValue)>,
}

impl Factory {
    fn new(method: &str, origin: Option<&str>, site: Option<&str>) -> Self {
        let shared = |s: &str| {
            let v = HeaderValue::from_str(s).expect("valid header value");
            let promoted = v.clone();
            drop(v);
            promoted
        };
        let mut headers = vec![(header::HOST, shared(HOST))];
        if let Some(origin) = origin {
            headers.push((header::ORIGIN, shared(origin)));
        }
        if let Some(site) = site {
            headers.push((HeaderName::from_static("sec-fetch-site"), shared(site)));
        }
        headers.push((header::USER_AGENT, shared("corsair-bench")));
        headers.push((header::ACCEPT, shared("*/*")));
        Factory {
            method: Method::from_bytes(method.as_bytes()).expect("a method"),
            headers,
        }
    }

    #[inline]
    fn make(&self) -> Request {
        let mut req = TestRequest::default().method(self.method.clone()).uri("/");
        for (name, value) in &self.headers {
            req = req.insert_header((name.clone(), value.clone()));
        }
        req.to_request()
    }
}
