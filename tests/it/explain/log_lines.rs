//! Log output, captured: the `info` summary at build, one `debug` line per refused request
//! saying why (with near-miss hints), nothing above `trace` for allowed requests, and nothing
//! at all when the level is disabled.
//!
//! One capturing logger is installed for the whole binary. Tests run in parallel threads, so
//! each test uses its own request path (and origins) and only looks at records mentioning it.
//! A thread-local switch lets one test turn the logger "off" for its own thread: `actix_rt`
//! tests run the service on the test's thread, so the switch covers the middleware's calls.

use actix_web::{
    body::MessageBody,
    dev::{Service, ServiceResponse},
    http::{header, Method, StatusCode},
    test::{self, TestRequest},
    web, App, HttpResponse,
};
use corsair::Cors;
use log::Level;

use crate::common::logs::{
    asked_while_quiet, capture_logs as install, logged as records, set_quiet,
};

// ---------------------------------------------------------------------------------------------
// log records (the binary's capturing logger, `common::logs`)
// ---------------------------------------------------------------------------------------------

/// The single `debug` line about a request to `path`.
fn debug_line(path: &str) -> String {
    let lines: Vec<_> = records(&format!(" {path} "))
        .into_iter()
        .filter(|(level, _)| *level == Level::Debug)
        .collect();
    assert_eq!(
        lines.len(),
        1,
        "expected one debug line for {path}: {lines:?}"
    );
    lines[0].1.clone()
}

// ---------------------------------------------------------------------------------------------
// requests
// ---------------------------------------------------------------------------------------------

async fn service(
    cors: Cors,
) -> impl Service<
    actix_http::Request,
    Response = ServiceResponse<impl MessageBody>,
    Error = actix_web::Error,
> {
    install();
    test::init_service(
        App::new()
            .wrap(cors)
            .default_service(web::to(|| async { HttpResponse::Ok().body("handler") })),
    )
    .await
}

async fn get(cors: Cors, path: &str, origin: &str) -> StatusCode {
    let app = service(cors).await;
    let req = TestRequest::get()
        .uri(path)
        .insert_header((header::ORIGIN, origin))
        .to_request();
    test::call_service(&app, req).await.status()
}

async fn preflight(
    cors: Cors,
    path: &str,
    origin: &str,
    method: &str,
    headers: Option<&str>,
) -> StatusCode {
    let app = service(cors).await;
    let mut req = TestRequest::default()
        .method(Method::OPTIONS)
        .uri(path)
        .insert_header((header::ORIGIN, origin))
        .insert_header((header::ACCESS_CONTROL_REQUEST_METHOD, method));
    if let Some(h) = headers {
        req = req.insert_header((header::ACCESS_CONTROL_REQUEST_HEADERS, h));
    }
    test::call_service(&app, req.to_request()).await.status()
}

/// The debug line for an actual `GET` from `origin` refused by a policy allowing `allowed`.
async fn refusal_for(allowed: Cors, path: &str, origin: &str) -> String {
    assert_eq!(get(allowed, path, origin).await, StatusCode::OK);
    let line = debug_line(path);
    assert!(
        line.starts_with(&format!(
            "corsair: request GET {path} from `{origin}` refused: the origin is not allowed; "
        )),
        "{line}"
    );
    line
}

// ---------------------------------------------------------------------------------------------
// near misses
// ---------------------------------------------------------------------------------------------

#[actix_rt::test]
async fn scheme_difference_is_explained() {
    let cors = Cors::default().allowed_origin("https://scheme.example.com");
    let line = refusal_for(cors, "/near/scheme", "http://scheme.example.com").await;
    assert!(
        line.ends_with("did you mean `https://scheme.example.com`? scheme differs (http vs https)"),
        "{line}"
    );
}

#[actix_rt::test]
async fn port_difference_is_explained() {
    let cors = Cors::default()
        .allowed_origin("http://localhost:5174")
        .allowed_origin("https://unrelated.example");
    let line = refusal_for(cors, "/near/port", "http://localhost:5173").await;
    assert!(
        line.ends_with("did you mean `http://localhost:5174`? port differs (5173 vs 5174)"),
        "{line}"
    );
    let cors = Cors::default().allowed_origin("https://port.example.com");
    let line = refusal_for(cors, "/near/port-default", "https://port.example.com:8443").await;
    assert!(line.contains("port differs (8443 vs default)"), "{line}");
}

#[actix_rt::test]
async fn trailing_slash_is_explained() {
    let cors = Cors::default().allowed_origin("https://slash.example.com");
    let line = refusal_for(cors, "/near/slash", "https://slash.example.com/").await;
    assert!(
        line.contains("did you mean `https://slash.example.com`?"),
        "{line}"
    );
    assert!(
        line.contains("trailing `/` or a path, which browsers never send"),
        "{line}"
    );
}

#[actix_rt::test]
async fn www_prefix_is_explained_both_ways() {
    let cors = Cors::default().allowed_origin("https://www.www-one.example");
    let line = refusal_for(cors, "/near/www-missing", "https://www-one.example").await;
    assert!(
        line.ends_with("did you mean `https://www.www-one.example`? `www.` prefix differs"),
        "{line}"
    );
    let cors = Cors::default().allowed_origin("https://www-two.example");
    let line = refusal_for(cors, "/near/www-extra", "https://www.www-two.example").await;
    assert!(
        line.ends_with("did you mean `https://www-two.example`? `www.` prefix differs"),
        "{line}"
    );
}

#[actix_rt::test]
async fn letter_case_is_explained() {
    let cors = Cors::default().allowed_origin("https://case.example.com");
    let line = refusal_for(cors, "/near/case", "https://CASE.example.com").await;
    assert!(
        line.contains("did you mean `https://case.example.com`? only letter case differs"),
        "{line}"
    );
    // Case wins over the scheme comparison (`HTTPS` is not another scheme).
    let cors = Cors::default().allowed_origin("https://case2.example.com");
    let line = refusal_for(cors, "/near/case-scheme", "HTTPS://case2.example.com").await;
    assert!(line.contains("only letter case differs"), "{line}");
}

#[actix_rt::test]
async fn small_typo_is_explained() {
    let cors = Cors::default().allowed_origin("https://typo.example.com");
    let line = refusal_for(cors, "/near/typo", "https://typo.exmple.com").await;
    assert!(
        line.ends_with("did you mean `https://typo.example.com`? 1 character(s) differ"),
        "{line}"
    );
}

#[actix_rt::test]
async fn pattern_near_misses_are_explained() {
    let cors = || Cors::default().allowed_origin_pattern("https://*.apex.example");
    let line = refusal_for(cors(), "/near/apex", "https://apex.example").await;
    assert!(
        line.contains(
            "closest pattern `https://*.apex.example`: it covers subdomains of `apex.example` but not `apex.example` itself; add `.allowed_origin(\"https://apex.example\")`"
        ),
        "{line}"
    );
    let line = refusal_for(cors(), "/near/pattern-scheme", "http://a.apex.example").await;
    assert!(line.contains("scheme differs (http vs https)"), "{line}");
    let line = refusal_for(cors(), "/near/pattern-port", "https://a.apex.example:8443").await;
    assert!(line.contains("port differs (8443 vs none)"), "{line}");
}

#[actix_rt::test]
async fn an_unrelated_origin_gets_no_guess() {
    let cors = Cors::default().allowed_origin("https://app.example.com");
    let line = refusal_for(cors, "/near/none", "https://evil.example.org").await;
    assert!(
        line.ends_with(
            "`https://evil.example.org` matches no configured origin, pattern, regex or predicate"
        ),
        "{line}"
    );
    assert!(!line.contains("did you mean"), "{line}");
}

#[actix_rt::test]
async fn an_empty_policy_says_so() {
    let line = refusal_for(Cors::default(), "/near/empty", "https://lonely.example").await;
    assert!(
        line.contains("no origin is configured at all; add it with `.allowed_origin(\"https://lonely.example\")`"),
        "{line}"
    );
}

#[actix_rt::test]
async fn very_long_origins_are_cut_in_the_log() {
    let origin = format!("https://{}.example.com", "a".repeat(5_000));
    let cors = Cors::default().allowed_origin("https://app.example.com");
    assert_eq!(get(cors, "/near/long", &origin).await, StatusCode::OK);
    let line = debug_line("/near/long");
    assert!(line.len() < 1_000, "{} bytes", line.len());
    assert!(
        line.contains(&format!("... ({} bytes)", origin.len())),
        "{line}"
    );
}

// ---------------------------------------------------------------------------------------------
// methods, headers, other refusals
// ---------------------------------------------------------------------------------------------

#[actix_rt::test]
async fn method_not_allowed_lists_the_allowed_ones() {
    let cors = Cors::default()
        .allowed_origin("https://methods.example")
        .allowed_methods(["PUT", "DELETE"]);
    let status = preflight(
        cors,
        "/why/method",
        "https://methods.example",
        "PATCH",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        debug_line("/why/method"),
        "corsair: preflight OPTIONS /why/method from `https://methods.example` refused: \
         the requested method is not allowed; method `PATCH` is not allowed \
         (allowed: PUT, DELETE, plus GET, HEAD, POST); add it with `.allowed_methods([\"PATCH\"])`"
    );
}

#[actix_rt::test]
async fn method_not_allowed_without_a_list_names_the_safelisted_ones() {
    let cors = Cors::default().allowed_origin("https://nomethods.example");
    preflight(
        cors,
        "/why/no-methods",
        "https://nomethods.example",
        "PUT",
        None,
    )
    .await;
    let line = debug_line("/why/no-methods");
    assert!(line.contains("(allowed: GET, HEAD, POST only)"), "{line}");
}

#[actix_rt::test]
async fn method_not_allowed_adds_only_the_safelisted_methods_not_listed() {
    let cors = Cors::default()
        .allowed_origin("https://safelisted.example")
        .allowed_methods(["GET", "POST", "DELETE"]);
    preflight(
        cors,
        "/why/partly-safelisted",
        "https://safelisted.example",
        "PUT",
        None,
    )
    .await;
    let line = debug_line("/why/partly-safelisted");
    assert!(
        line.contains("(allowed: GET, POST, DELETE, plus HEAD)"),
        "{line}"
    );
}

#[actix_rt::test]
async fn method_case_is_explained() {
    let cors = Cors::default()
        .allowed_origin("https://patch.example")
        .allowed_methods(["PATCH"]);
    preflight(
        cors,
        "/why/method-case",
        "https://patch.example",
        "patch",
        None,
    )
    .await;
    let line = debug_line("/why/method-case");
    assert!(
        line.contains(
            "method `patch` was requested but `PATCH` is allowed, and methods are case-sensitive"
        ),
        "{line}"
    );
}

#[actix_rt::test]
async fn header_not_allowed_names_it() {
    let cors = Cors::default()
        .allowed_origin("https://headers.example")
        .allowed_header("content-type");
    let status = preflight(
        cors,
        "/why/header",
        "https://headers.example",
        "POST",
        Some("content-type,x-secret-token"),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        debug_line("/why/header"),
        "corsair: preflight OPTIONS /why/header from `https://headers.example` refused: \
         a requested header is not allowed; request header `x-secret-token` is not allowed; \
         add it with `.allowed_header(\"x-secret-token\")`"
    );
}

#[actix_rt::test]
async fn null_and_multiple_origins_are_explained() {
    let cors = Cors::default().allowed_origin("https://app.example.com");
    get(cors.clone(), "/why/null", "null").await;
    assert!(debug_line("/why/null")
        .ends_with("refused: origin `null` is not allowed (see `allow_null_origin`, or `allow_any_origin` for public data)"));
    let app = service(cors).await;
    let req = TestRequest::get()
        .uri("/why/two-origins")
        .append_header((header::ORIGIN, "https://app.example.com"))
        .append_header((header::ORIGIN, "https://evil.example"))
        .to_request();
    test::call_service(&app, req).await;
    assert!(debug_line("/why/two-origins")
        .ends_with("refused: the request has more than one Origin header"));
}

// ---------------------------------------------------------------------------------------------
// allowed requests, disabled levels, the summary
// ---------------------------------------------------------------------------------------------

#[actix_rt::test]
async fn allowed_requests_log_nothing_above_trace() {
    let cors = Cors::default()
        .allowed_origin("https://quiet.example")
        .allowed_methods(["PUT"])
        .allowed_header("x-quiet");
    assert_eq!(
        get(cors.clone(), "/ok/actual", "https://quiet.example").await,
        StatusCode::OK
    );
    assert_eq!(
        preflight(
            cors,
            "/ok/preflight",
            "https://quiet.example",
            "PUT",
            Some("x-quiet")
        )
        .await,
        StatusCode::NO_CONTENT
    );
    for path in ["/ok/actual", "/ok/preflight"] {
        let seen = records(&format!(" {path} "));
        assert!(
            seen.iter().all(|(level, _)| *level == Level::Trace),
            "{path}: {seen:?}"
        );
        // Trace is enabled in this binary, so the decision is there, at trace level.
        assert_eq!(seen.len(), 1, "{path}: {seen:?}");
    }
}

#[actix_rt::test]
async fn nothing_is_logged_or_formatted_when_the_level_is_disabled() {
    let cors = Cors::default().allowed_origin("https://disabled.example");
    set_quiet(true);
    get(cors.clone(), "/off/refused", "https://disabled.exmple").await;
    get(cors.clone(), "/off/allowed", "https://disabled.example").await;
    preflight(
        cors,
        "/off/preflight",
        "https://disabled.example",
        "PUT",
        None,
    )
    .await;
    set_quiet(false);
    // The logger was asked (by `log_enabled!`)...
    assert!(asked_while_quiet() >= 3);
    // ...and, told no, nothing was logged: the checks come before any formatting.
    for path in ["/off/refused", "/off/allowed", "/off/preflight"] {
        assert_eq!(records(&format!(" {path} ")), vec![], "{path}");
    }
}

#[actix_rt::test]
async fn build_logs_one_info_summary_with_counts_and_no_origins() {
    install();
    let policy = Cors::default()
        .allowed_origin("https://one.summary.example")
        .allowed_origin("https://two.summary.example")
        .allowed_origin_pattern("https://*.summary.example")
        .allowed_origin_regex(r"https://r\.summary\.example")
        .allowed_origin_fn(|_, _| false)
        .allowed_methods(["PUT", "DELETE"])
        .allowed_headers(["x-summary-probe", "content-type"])
        .max_age(4321)
        .supports_credentials()
        .build()
        .unwrap();
    let lines = records("x-summary-probe");
    assert_eq!(
        lines,
        vec![(
            Level::Info,
            "corsair: policy ready: 2 exact origin(s), 1 pattern(s), 1 regex(es), 1 predicate(s); \
             credentials on; methods: PUT, DELETE (and GET, HEAD, POST); \
             request headers: x-summary-probe, content-type; max-age: 4321 s"
                .to_owned()
        )]
    );
    assert!(
        !lines[0].1.contains("summary.example"),
        "origins are not logged"
    );

    // Passing the builder to `.wrap()` logs it when the service is built.
    let _app = service(
        Cors::default()
            .allow_any_origin()
            .allow_any_method()
            .allowed_header("x-summary-wrap")
            .max_age(None),
    )
    .await;
    assert_eq!(
        records("x-summary-wrap"),
        vec![(
            Level::Info,
            "corsair: policy ready: any origin; credentials off; methods: any; \
             request headers: x-summary-wrap; max-age: not sent"
                .to_owned()
        )]
    );
    drop(policy);
}

// ---------------------------------------------------------------------------------------------
// a bounded search: large policies keep the hints (issue 22 §4)
// ---------------------------------------------------------------------------------------------

/// With 10,000 exact origins the search for a near miss is bounded (benches/diagnostics_cost.rs
/// measures it), yet the realistic near misses are still named: port, scheme, trailing `/`,
/// letter case, `www.`, a typo early or late in the host.
#[test]
fn near_miss_hints_survive_a_policy_of_ten_thousand_origins() {
    let mut cors = Cors::default().allowed_origin("http://localhost:5174");
    for i in 0..10_000 {
        cors = cors.allowed_origin(&format!("https://tenant-{i}.example.com"));
    }
    let policy = cors.build().unwrap();
    let detail = |origin: &str| {
        policy
            .check(&corsair::CorsRequest::new(origin))
            .detail()
            .unwrap_or_default()
            .to_owned()
    };
    for (origin, hint) in [
        (
            "http://localhost:5173",
            "did you mean `http://localhost:5174`? port differs",
        ),
        (
            "https://tenant-4242.example.com:8443",
            "did you mean `https://tenant-4242.example.com`? port differs",
        ),
        (
            "http://tenant-4242.example.com",
            "did you mean `https://tenant-4242.example.com`? scheme differs (http vs https)",
        ),
        (
            "https://tenant-4242.example.com/",
            "did you mean `https://tenant-4242.example.com`? the request's origin has a trailing `/`",
        ),
        (
            "https://TENANT-4242.example.com",
            "did you mean `https://tenant-4242.example.com`? only letter case differs",
        ),
        (
            "https://www.tenant-4242.example.com",
            "did you mean `https://tenant-4242.example.com`? `www.` prefix differs",
        ),
        (
            "https://tenamt-4242.example.com",
            "did you mean `https://tenant-4242.example.com`? 1 character(s) differ",
        ),
        (
            "https://tenant-4242.exmple.com",
            "did you mean `https://tenant-4242.example.com`? 1 character(s) differ",
        ),
    ] {
        let got = detail(origin);
        assert!(got.starts_with(hint), "{origin}: {got}");
    }
    assert!(detail("https://evil.example.org").contains("matches no configured origin"));
}

#[test]
fn pattern_hints_survive_a_policy_of_ten_thousand_patterns() {
    let mut cors = Cors::default();
    for i in 0..10_000 {
        cors = cors.allowed_origin_pattern(&format!("https://*.tenant-{i}.example.com"));
    }
    let policy = cors.build().unwrap();
    let detail = |origin: &str| {
        policy
            .check(&corsair::CorsRequest::new(origin))
            .detail()
            .unwrap_or_default()
            .to_owned()
    };
    assert!(detail("https://tenant-42.example.com").contains("not `tenant-42.example.com` itself"));
    assert!(detail("http://app.tenant-42.example.com").contains("scheme differs (http vs https)"));
    assert!(detail("https://app.tenant-42.example.com:8443").contains("port differs"));
    assert!(detail("https://APP.tenant-42.example.com").contains("letter case"));
}
