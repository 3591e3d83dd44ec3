//! Origin matching through the middleware: exact origins, patterns, regexes and predicates,
//! against tables of ordinary and hostile `Origin` values; the evaluation order; build errors
//! for patterns and regexes; and property tests for patterns.
//!
//! Every table case is sent twice through `actix_web::test::init_service`: as an actual `GET`
//! (allowed: `Access-Control-Allow-Origin` echoes the origin; refused: no CORS header, the
//! handler still answers 200) and as a preflight (allowed: 204 with the origin echoed;
//! refused: 400 or 403, no `Access-Control-Allow-*` header).

use std::sync::{
    atomic::{AtomicUsize, Ordering},
    Arc,
};

use actix_web::{
    body::MessageBody,
    dev::{Service, ServiceResponse},
    http::{
        header::{self, HeaderValue},
        StatusCode,
    },
    test::{self, TestRequest},
    web, App, HttpResponse,
};
use corsair::{Cors, CorsRequest, MatchedBy, OriginFault, Problem};
use proptest::{prelude::*, strategy::ValueTree, test_runner::TestRunner};

// ---------------------------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------------------------

async fn service(
    cors: Cors,
) -> impl Service<
    actix_http::Request,
    Response = ServiceResponse<impl MessageBody>,
    Error = actix_web::Error,
> {
    test::init_service(App::new().wrap(cors).route(
        "/",
        web::get().to(|| async { HttpResponse::Ok().body("handler") }),
    ))
    .await
}

/// What one `Origin` value gets, as an actual request and as a preflight.
#[derive(Debug, PartialEq, Eq)]
struct Seen {
    actual_acao: Option<String>,
    actual_status: StatusCode,
    preflight_acao: Option<String>,
    preflight_status: StatusCode,
}

async fn send<S, B>(app: &S, origin: &[u8]) -> Seen
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let value = HeaderValue::from_bytes(origin).expect("table origins are header values");
    let acao = |res: &ServiceResponse<B>| {
        res.headers()
            .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
    };
    let actual = test::call_service(
        app,
        TestRequest::get()
            .uri("/")
            .insert_header((header::ORIGIN, value.clone()))
            .to_request(),
    )
    .await;
    let preflight = test::call_service(
        app,
        TestRequest::default()
            .method(actix_web::http::Method::OPTIONS)
            .uri("/")
            .insert_header((header::ORIGIN, value))
            .insert_header((header::ACCESS_CONTROL_REQUEST_METHOD, "GET"))
            .to_request(),
    )
    .await;
    Seen {
        actual_acao: acao(&actual),
        actual_status: actual.status(),
        preflight_acao: acao(&preflight),
        preflight_status: preflight.status(),
    }
}

/// Sends every case and checks it is allowed (origin echoed) or refused (no CORS header).
async fn run_table(cors: Cors, cases: &[(&[u8], bool)]) {
    let app = service(cors).await;
    for &(origin, allowed) in cases {
        let seen = send(&app, origin).await;
        let shown = String::from_utf8_lossy(origin);
        let shown = if shown.len() > 80 {
            format!("{}... ({} bytes)", &shown[..80], origin.len())
        } else {
            shown.into_owned()
        };
        assert_eq!(seen.actual_status, StatusCode::OK, "{shown:?}: {seen:?}");
        if allowed {
            let echoed = Some(String::from_utf8_lossy(origin).into_owned());
            assert_eq!(seen.actual_acao, echoed, "{shown:?} should be allowed");
            assert_eq!(seen.preflight_acao, echoed, "{shown:?} should be allowed");
            assert_eq!(seen.preflight_status, StatusCode::NO_CONTENT, "{shown:?}");
        } else {
            assert_eq!(seen.actual_acao, None, "{shown:?} should be refused");
            assert_eq!(seen.preflight_acao, None, "{shown:?} should be refused");
            assert!(
                matches!(
                    seen.preflight_status,
                    StatusCode::FORBIDDEN | StatusCode::BAD_REQUEST
                ),
                "{shown:?}: {seen:?}"
            );
        }
    }
}

fn long_host(len: usize) -> Vec<u8> {
    let mut origin = b"https://".to_vec();
    while origin.len() < len {
        origin.extend_from_slice(b"a.");
    }
    origin.extend_from_slice(b"example.com");
    origin
}

/// Hostile or malformed values that must never be allowed, whatever the policy lists.
fn hostile() -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = [
        &b"null"[..],
        b"",
        b" ",
        b"\t",
        b"*",
        b"https://",
        b"https:",
        b"//app.example.com",
        b"app.example.com",
        b"https://evil.org",
        b"https://evil.org/.example.com",
        b"https://evil.org?.example.com",
        b"https://evil.org#.example.com",
        b"https://evil.org\\.example.com",
        b"https://evil.org%2eexample.com",
        b"https://app.example.com, https://evil.org",
        b"https://app.example.com https://evil.org",
        "https://b\u{fc}cher.example.com".as_bytes(),
        b"https://b\xfccher.example.com",
        b"https://app.example.com\x80",
    ]
    .iter()
    .map(|o| o.to_vec())
    .collect();
    out.push(long_host(9_000));
    out.push([b"https://".as_slice(), &[b'a'; 8_000], b".example.com"].concat());
    out
}

// ---------------------------------------------------------------------------------------------
// tables
// ---------------------------------------------------------------------------------------------

#[actix_rt::test]
async fn exact_origins_match_byte_for_byte_and_nothing_else() {
    let cors = Cors::default()
        .allowed_origin("https://app.example.com")
        .allowed_origin("http://localhost:5173")
        .allowed_origin("https://xn--bcher-kva.example")
        .allowed_origin("http://[::1]:3000");
    let mut cases: Vec<(&[u8], bool)> = vec![
        (b"https://app.example.com", true),
        (b"http://localhost:5173", true),
        (b"https://xn--bcher-kva.example", true),
        (b"http://[::1]:3000", true),
        // suffix and prefix attacks
        (b"https://app.example.com.evil.org", false),
        (b"https://evilapp.example.com", false),
        (b"https://app.example.comevil.org", false),
        (b"https://sub.app.example.com", false),
        (b"https://example.com", false),
        // scheme downgrade / other scheme
        (b"http://app.example.com", false),
        (b"wss://app.example.com", false),
        (b"https://localhost:5173", false),
        // other port, default port written out
        (b"https://app.example.com:8443", false),
        (b"https://app.example.com:443", false),
        (b"http://localhost:5174", false),
        (b"http://localhost", false),
        // userinfo, path, query, fragment, trailing dot
        (b"https://user@app.example.com", false),
        (b"https://user:pass@app.example.com", false),
        (b"https://evil.org@app.example.com", false),
        (b"https://app.example.com/", false),
        (b"https://app.example.com/path", false),
        (b"https://app.example.com?", false),
        (b"https://app.example.com#", false),
        (b"https://app.example.com.", false),
        // upper case: browsers always send lower case
        (b"HTTPS://APP.EXAMPLE.COM", false),
        (b"https://App.example.com", false),
        (b"HTTP://localhost:5173", false),
        (b"https://XN--BCHER-KVA.example", false),
        // white space
        (b" https://app.example.com", false),
        (b"https://app.example.com ", false),
        (b"https://app.example.com\t", false),
        (b"https://app. example.com", false),
        // IPv6 spelled differently
        (b"http://[0:0:0:0:0:0:0:1]:3000", false),
    ];
    let hostile = hostile();
    cases.extend(hostile.iter().map(|o| (o.as_slice(), false)));
    run_table(cors, &cases).await;
}

#[actix_rt::test]
async fn subdomain_and_any_port_patterns_match_structurally() {
    let cors = Cors::default()
        .allowed_origin_pattern("https://*.example.com")
        .allowed_origin_pattern("http://localhost:*")
        .allowed_origin_pattern("https://*.xn--bcher-kva.example");
    let long_ok = format!(
        "https://{}.{}.{}.example.com",
        "a".repeat(63),
        "b".repeat(63),
        "c".repeat(63)
    );
    let mut cases: Vec<(&[u8], bool)> = vec![
        (b"https://app.example.com", true),
        (b"https://a.b.c.example.com", true),
        (b"https://pr-42.preview.example.com", true),
        (b"https://xn--bcher-kva.example.com", true),
        (b"https://shop.xn--bcher-kva.example", true),
        (long_ok.as_bytes(), true),
        (b"http://localhost:5173", true),
        (b"http://localhost:1", true),
        (b"http://localhost:65535", true),
        (b"http://localhost", true),
        // the apex is never covered
        (b"https://example.com", false),
        (b"https://xn--bcher-kva.example", false),
        // suffix and prefix attacks
        (b"https://app.example.com.evil.org", false),
        (b"https://example.com.evil.org", false),
        (b"https://evilexample.com", false),
        (b"https://evil-example.com", false),
        (b"https://app.evilexample.com", false),
        (b"http://localhost.evil.org:5173", false),
        (b"http://evillocalhost:5173", false),
        (b"http://app.localhost:5173", false),
        // scheme downgrade, other scheme
        (b"http://app.example.com", false),
        (b"wss://app.example.com", false),
        (b"https://localhost:5173", false),
        // other port, default port, bad ports
        (b"https://app.example.com:8443", false),
        (b"https://app.example.com:443", false),
        (b"http://localhost:0", false),
        (b"http://localhost:65536", false),
        (b"http://localhost:05173", false),
        (b"http://localhost:", false),
        (b"http://localhost:+80", false),
        // userinfo, path, empty labels, trailing dot
        (b"https://user@app.example.com", false),
        (b"https://evil.org@app.example.com", false),
        (b"https://app.example.com/", false),
        (b"https://.example.com", false),
        (b"https://a..example.com", false),
        (b"https://app.example.com.", false),
        (b"https://-app.example.com", false),
        // upper case
        (b"https://APP.example.com", false),
        (b"https://app.EXAMPLE.com", false),
        (b"HTTPS://app.example.com", false),
        (b"HTTP://localhost:5173", false),
        // white space
        (b"https://app .example.com", false),
        (b"https://app.example.com ", false),
    ];
    let hostile = hostile();
    cases.extend(hostile.iter().map(|o| (o.as_slice(), false)));
    run_table(cors, &cases).await;
}

#[actix_rt::test]
async fn regexes_match_whole_well_formed_origins_only() {
    let cors = Cors::default()
        .allowed_origin_regex(r"https://app-\d+\.example\.com")
        .allowed_origin_regex(r"https://(?:www\.)?example\.org")
        .allowed_origin_regex(r"https://.*\.example\.net");
    let mut cases: Vec<(&[u8], bool)> = vec![
        (b"https://app-1.example.com", true),
        (b"https://app-12345.example.com", true),
        (b"https://www.example.org", true),
        (b"https://example.org", true),
        (b"https://a.b.example.net", true),
        // full-match: suffix and prefix attacks
        (b"https://app-1.example.com.evil.org", false),
        (b"https://evilapp-1.example.com", false),
        (b"xhttps://app-1.example.com", false),
        (b"https://www.example.org.evil.org", false),
        // an escaped dot is a dot
        (b"https://app-1Xexample.com", false),
        (b"https://wwwXexample.org", false),
        (b"https://app-x.example.com", false),
        // scheme, port, userinfo, path, case
        (b"http://app-1.example.com", false),
        (b"https://app-1.example.com:8443", false),
        (b"https://user@app-1.example.com", false),
        (b"https://app-1.example.com/", false),
        (b"https://APP-1.example.com", false),
        // `.*` cannot be stretched over a path, a query, user information or white space
        (b"https://evil.org/.example.net", false),
        (b"https://evil.org?.example.net", false),
        (b"https://evil.org#.example.net", false),
        (b"https://u@evil.org/x.example.net", false),
        (b"https://evil org.example.net", false),
    ];
    let hostile = hostile();
    cases.extend(hostile.iter().map(|o| (o.as_slice(), false)));
    run_table(cors, &cases).await;
}

#[actix_rt::test]
async fn null_origin_is_refused_by_every_listed_rule_unless_opted_in() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let predicate = Cors::default().allowed_origin_fn(move |_, _| {
        counter.fetch_add(1, Ordering::SeqCst);
        true
    });
    run_table(
        predicate.clone(),
        &[(b"null", false), (b"https://x.org", true)],
    )
    .await;
    // `null` is decided before any rule: the predicate only saw `https://x.org` (twice).
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    // A regex that spells `null` out still never sees it (`.*` itself is refused as too
    // broad: its host has no fixed domain).
    let wide = Cors::default()
        .allowed_origin_pattern("https://*.example.com")
        .allowed_origin_regex(r"null|https://x\.org");
    run_table(wide.clone(), &[(b"null", false), (b"https://x.org", true)]).await;
    // A public any-origin policy answers `null` like every other origin.
    run_table(Cors::default().allow_any_origin(), &[(b"null", true)]).await;
    run_table(wide.allow_null_origin(), &[(b"null", true)]).await;
    run_table(predicate.allow_null_origin(), &[(b"null", true)]).await;
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

/// HTML's serialization of an origin is `scheme "://" host [":" port]` (or `null`): a value
/// with a path, no scheme, or anything else is no origin, and "any origin" does not stretch
/// to it. Echo mode must not reflect it and wildcard mode must not answer `*`.
#[actix_rt::test]
async fn any_origin_refuses_values_that_are_not_origins_in_echo_and_wildcard_modes() {
    let not_origins: Vec<Vec<u8>> = [
        &b"https://example.com/index.html"[..],
        b"invalid_origin",
        b"https://example.com/",
        b"https://user@example.com",
        b"https://example.com?q",
        b"example.com",
        b"https://",
        b"https://EXAMPLE.com",
    ]
    .iter()
    .map(|o| o.to_vec())
    .chain(
        hostile()
            .into_iter()
            .filter(|o| o != b"null" && o != b"https://evil.org"),
    )
    .collect();
    let origins = [
        &b"https://example.com"[..],
        b"http://localhost:9090",
        b"http://[::1]:3000",
        b"chrome-extension://abcdefghijklmnopabcdefghijklmnop",
        b"null",
    ];
    for wildcard in [false, true] {
        let cors = Cors::default().allow_any_origin();
        let app = service(if wildcard { cors.send_wildcard() } else { cors }).await;
        for origin in &not_origins {
            let seen = send(&app, origin).await;
            let shown = String::from_utf8_lossy(&origin[..origin.len().min(60)]);
            assert_eq!(seen.actual_status, StatusCode::OK, "{shown}");
            assert_eq!(seen.actual_acao, None, "wildcard {wildcard}: {shown}");
            assert_eq!(seen.preflight_acao, None, "wildcard {wildcard}: {shown}");
            assert_eq!(seen.preflight_status, StatusCode::BAD_REQUEST, "{shown}");
        }
        for origin in origins {
            let seen = send(&app, origin).await;
            let want = if wildcard {
                "*".to_owned()
            } else {
                String::from_utf8_lossy(origin).into_owned()
            };
            assert_eq!(seen.actual_acao.as_deref(), Some(want.as_str()));
            assert_eq!(seen.preflight_status, StatusCode::NO_CONTENT);
        }
    }
}

#[actix_rt::test]
async fn multiple_origin_headers_are_refused() {
    let app = service(Cors::default().allowed_origin("https://app.example.com")).await;
    let res = test::call_service(
        &app,
        TestRequest::get()
            .uri("/")
            .append_header((header::ORIGIN, "https://app.example.com"))
            .append_header((header::ORIGIN, "https://app.example.com"))
            .to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(!res
        .headers()
        .contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN));
}

// ---------------------------------------------------------------------------------------------
// evaluation order
// ---------------------------------------------------------------------------------------------

/// A policy where one origin is covered by several rules, with a counting predicate that
/// allows `https://fn.example.net`.
fn layered(calls: &Arc<AtomicUsize>) -> Cors {
    let counter = Arc::clone(calls);
    Cors::default()
        .allowed_origin("https://exact.example.com")
        .allowed_origin_pattern("https://*.example.com")
        .allowed_origin_regex(r"https://[a-z]+\.example\.(?:com|org)")
        .allowed_origin_fn(move |origin, _| {
            counter.fetch_add(1, Ordering::SeqCst);
            origin.as_bytes() == b"https://fn.example.net" || origin.as_bytes().ends_with(b".com")
        })
}

#[test]
fn evaluation_order_is_exact_then_patterns_then_regexes_then_predicates() {
    let calls = Arc::new(AtomicUsize::new(0));
    let policy = layered(&calls).build().unwrap();
    let by = |origin: &str| policy.check(&CorsRequest::new(origin)).matched_by();
    // Matched by all four rules: the exact entry wins.
    assert_eq!(by("https://exact.example.com"), Some(MatchedBy::Exact));
    // Matched by pattern, regex and predicate: the pattern wins.
    assert_eq!(by("https://pat.example.com"), Some(MatchedBy::Pattern));
    // Matched by regex and predicate... the regex wins.
    assert_eq!(by("https://re.example.org"), Some(MatchedBy::Regex));
    assert_eq!(calls.load(Ordering::SeqCst), 0, "no predicate call so far");
    assert_eq!(by("https://fn.example.net"), Some(MatchedBy::Predicate));
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert_eq!(by("https://nobody.example.net"), None);
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[actix_rt::test]
async fn predicate_is_not_called_when_an_earlier_rule_matched() {
    let calls = Arc::new(AtomicUsize::new(0));
    let app = service(layered(&calls)).await;
    for origin in [
        "https://exact.example.com",
        "https://pat.example.com",
        "https://a.b.example.com",
        "https://re.example.org",
    ] {
        let seen = send(&app, origin.as_bytes()).await;
        assert_eq!(seen.actual_acao.as_deref(), Some(origin));
        assert_eq!(seen.preflight_acao.as_deref(), Some(origin));
    }
    assert_eq!(calls.load(Ordering::SeqCst), 0, "earlier rules matched");

    let seen = send(&app, b"https://fn.example.net").await;
    assert_eq!(seen.actual_acao.as_deref(), Some("https://fn.example.net"));
    // One actual request and one preflight.
    assert_eq!(calls.load(Ordering::SeqCst), 2);

    let seen = send(&app, b"https://nobody.example.net").await;
    assert_eq!(seen.actual_acao, None);
    assert_eq!(calls.load(Ordering::SeqCst), 4);
}

#[actix_rt::test]
async fn predicates_run_in_the_order_added_and_stop_at_the_first_yes() {
    let first = Arc::new(AtomicUsize::new(0));
    let second = Arc::new(AtomicUsize::new(0));
    let (f, s) = (Arc::clone(&first), Arc::clone(&second));
    let cors = Cors::default()
        .allowed_origin_fn(move |origin, _| {
            f.fetch_add(1, Ordering::SeqCst);
            origin.as_bytes() == b"https://one.example"
        })
        .allowed_origin_fn(move |_, _| {
            s.fetch_add(1, Ordering::SeqCst);
            false
        });
    let app = service(cors).await;
    let seen = send(&app, b"https://one.example").await;
    assert_eq!(seen.actual_acao.as_deref(), Some("https://one.example"));
    assert_eq!(
        (first.load(Ordering::SeqCst), second.load(Ordering::SeqCst)),
        (2, 0)
    );
    let seen = send(&app, b"https://two.example").await;
    assert_eq!(seen.actual_acao, None);
    assert_eq!(
        (first.load(Ordering::SeqCst), second.load(Ordering::SeqCst)),
        (4, 2)
    );
}

// ---------------------------------------------------------------------------------------------
// build errors: case, IDN, patterns, regexes
// ---------------------------------------------------------------------------------------------

#[test]
fn upper_case_and_unicode_origins_are_build_errors_with_the_browser_form() {
    let err = Cors::default()
        .allowed_origin("https://App.Example.com")
        .allowed_origin("https://bücher.example")
        .build()
        .unwrap_err();
    assert_eq!(
        err.problems()[0],
        Problem::InvalidOrigin {
            value: "https://App.Example.com".into(),
            source: corsair::Source::Code,
            fault: OriginFault::Uppercase {
                suggestion: "https://app.example.com".into()
            },
        }
    );
    assert!(matches!(
        &err.problems()[1],
        Problem::InvalidOrigin {
            fault: OriginFault::NonAscii,
            ..
        }
    ));
    assert!(err.to_string().contains("punycode (`xn--...`)"), "{err}");
}

/// The build error of a policy whose only rule is the origin pattern `pattern`.
fn refused_pattern(pattern: &str) -> corsair::ConfigError {
    Cors::default()
        .allowed_origin_pattern(pattern)
        .build()
        .expect_err(pattern)
}

#[test]
fn too_broad_patterns_are_build_errors_naming_the_suffix() {
    for (pattern, suffix) in [
        ("https://*.com", "com"),
        ("https://*.dev", "dev"),
        ("https://*.co.uk", "co.uk"),
        ("https://*", "every domain"),
        ("https://*.github.io", "github.io"),
        ("https://*.vercel.app", "vercel.app"),
        ("https://*.myshopify.com", "myshopify.com"),
        ("https://*.githubusercontent.com", "githubusercontent.com"),
        ("https://*.edu.au", "edu.au"),
        ("https://*.org.br", "org.br"),
    ] {
        let err = refused_pattern(pattern);
        assert_eq!(
            err.problems(),
            &[Problem::PatternTooBroad {
                value: pattern.into(),
                source: corsair::Source::Code,
                suffix: suffix.into(),
            }],
            "{pattern}"
        );
        assert!(err.to_string().contains("https://*.example.com"), "{err}");
    }
}

#[test]
fn own_domains_below_a_public_suffix_are_accepted() {
    let policy = Cors::default()
        .allowed_origin_pattern("https://*.example.co.uk")
        .allowed_origin_pattern("https://*.my-team.github.io")
        .allowed_origin_pattern("http://*.localhost:*")
        .build()
        .unwrap();
    for origin in [
        "https://shop.example.co.uk",
        "https://docs.my-team.github.io",
        "http://api.localhost:8080",
    ] {
        assert!(
            policy.check(&CorsRequest::new(origin)).is_allowed(),
            "{origin}"
        );
    }
    assert!(!policy
        .check(&CorsRequest::new("https://other-team.github.io"))
        .is_allowed());
}

#[test]
fn malformed_patterns_are_build_errors_with_a_reason() {
    for pattern in [
        "*.example.com",
        "https://*.example.com/",
        "https://app.*.example.com",
        "https://*example.com",
        "https://*.Example.com",
        "https://*.bücher.example",
        "https://*.example.com:443",
        "https://app.example.com",
        "*://app.example.com",
        "https://*.127.0.0.1",
    ] {
        let err = refused_pattern(pattern);
        match err.problems() {
            [Problem::InvalidPattern { value, fault, .. }] => {
                assert_eq!(value, pattern);
                assert!(!fault.to_string().is_empty());
            }
            other => panic!("{pattern}: {other:?}"),
        }
    }
}

/// A pattern with what an origin may not have (a slash, a path, a query, user information,
/// the default port, upper case, no scheme) gets the same fault as an exact origin, and the
/// pattern it suggests builds and matches what the user meant.
#[test]
fn malformed_patterns_get_the_origin_fault_with_a_pattern_to_write() {
    let fixed = "https://*.example.com";
    for (pattern, expected) in [
        (
            "https://*.example.com/",
            OriginFault::TrailingSlash {
                suggestion: fixed.into(),
            },
        ),
        (
            "https://*.example.com/app",
            OriginFault::Path {
                suggestion: fixed.into(),
            },
        ),
        (
            "https://*.example.com?x=1",
            OriginFault::Query {
                suggestion: fixed.into(),
            },
        ),
        (
            "https://*.example.com#top",
            OriginFault::Fragment {
                suggestion: fixed.into(),
            },
        ),
        (
            "https://me@*.example.com",
            OriginFault::Userinfo {
                suggestion: fixed.into(),
            },
        ),
        (
            "https://*.example.com:443",
            OriginFault::DefaultPort {
                scheme: "https".into(),
                port: 443,
                suggestion: fixed.into(),
            },
        ),
        (
            "https://*.Example.com",
            OriginFault::Uppercase {
                suggestion: fixed.into(),
            },
        ),
        (
            "*.example.com",
            OriginFault::MissingScheme {
                suggestion: fixed.into(),
            },
        ),
    ] {
        let err = refused_pattern(pattern);
        assert_eq!(
            err.problems(),
            &[Problem::InvalidPattern {
                value: pattern.into(),
                source: corsair::Source::Code,
                fault: expected,
            }],
            "{pattern}"
        );
        assert!(
            err.to_string().contains(&format!("write `{fixed}`")),
            "{err}"
        );
    }
    let policy = Cors::default()
        .allowed_origin_pattern(fixed)
        .build()
        .unwrap();
    assert!(policy
        .check(&CorsRequest::new("https://app.example.com"))
        .is_allowed());
}

#[test]
fn unescaped_dot_in_a_regex_host_is_a_build_error_with_the_fix() {
    let err = Cors::default()
        .allowed_origin_regex("https://app.example.com")
        .allowed_origin_regex(r"https://a\.example\.com|https://b.example.com")
        .build()
        .unwrap_err();
    assert_eq!(
        err.problems(),
        &[
            Problem::RegexUnescapedDot {
                value: "https://app.example.com".into(),
                source: corsair::Source::Code,
                suggestion: r"https://app\.example\.com".into(),
            },
            Problem::RegexUnescapedDot {
                value: r"https://a\.example\.com|https://b.example.com".into(),
                source: corsair::Source::Code,
                suggestion: r"https://a\.example\.com|https://b\.example\.com".into(),
            },
        ]
    );
}

#[test]
fn an_invalid_regex_is_a_build_error_naming_it() {
    let err = Cors::default()
        .allowed_origin_regex(r"https://(app\.example\.com")
        .allowed_origin_regex(r"https://ok\.example\.com")
        .build()
        .unwrap_err();
    match err.problems() {
        [Problem::InvalidRegex { value, error, .. }] => {
            assert_eq!(value, r"https://(app\.example\.com");
            assert!(error.to_string().contains("unclosed group"), "{error}");
        }
        other => panic!("{other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// property tests
// ---------------------------------------------------------------------------------------------

/// The host a URL parser would see in `origin`: after `://`, before the first `/`, `?`, `#`
/// or `\`, after the last `@`, without a `:port`.
fn host_of(origin: &str) -> Option<&str> {
    let (_, rest) = origin.split_once("://")?;
    let authority = &rest[..rest.find(['/', '?', '#', '\\']).unwrap_or(rest.len())];
    let host_port = authority.rsplit('@').next().unwrap_or(authority);
    Some(match host_port.rfind(':') {
        Some(i) if !host_port[i..].contains(']') => &host_port[..i],
        _ => host_port,
    })
}

/// A registrable-looking domain: two or three labels, the last alphabetic.
fn domain() -> impl Strategy<Value = String> {
    (
        prop::collection::vec("[a-z0-9]([a-z0-9-]{0,6}[a-z0-9])?", 1..3),
        "[a-z]{2,6}",
    )
        .prop_map(|(labels, tld)| format!("{}.{tld}", labels.join(".")))
        .prop_filter("a pattern over it must build", |d| {
            Cors::default()
                .allowed_origin_pattern(&format!("https://*.{d}"))
                .build()
                .is_ok()
        })
}

/// Hosts near `domain` (itself, glued to it, around it) and random ones.
fn host_near(domain: String) -> impl Strategy<Value = String> {
    let d = domain.clone();
    let d2 = domain.clone();
    let d3 = domain.clone();
    let d4 = domain.clone();
    prop_oneof![
        1 => Just(domain),
        1 => "[a-z0-9-]{1,8}".prop_map(move |p| format!("{p}{d}")),
        6 => "[a-z0-9.-]{0,12}".prop_map(move |p| format!("{p}.{d2}")),
        1 => "[a-z0-9.-]{1,12}".prop_map(move |s| format!("{d3}.{s}")),
        1 => ("[ -~]{0,8}", "[ -~]{0,8}").prop_map(move |(a, b)| format!("{a}{d4}{b}")),
        1 => "[ -~]{0,24}",
    ]
}

/// Origins built around `domain`: several schemes, ports, user information and paths.
fn origin_near(domain: String) -> impl Strategy<Value = String> {
    (
        prop_oneof![
            6 => Just("https"),
            2 => Just("http"),
            1 => Just("HTTPS"),
            1 => Just("wss")
        ],
        prop_oneof![
            6 => Just(""),
            1 => Just("user@"),
            1 => Just("evil.org@"),
            1 => Just("a:b@")
        ],
        host_near(domain),
        prop_oneof![
            8 => Just(String::new()),
            1 => Just(":*".to_owned()),
            1 => Just(":".to_owned()),
            2 => "[0-9]{1,6}".prop_map(|p| format!(":{p}")),
        ],
        prop_oneof![
            12 => Just(""),
            1 => Just("/"),
            1 => Just("/x"),
            1 => Just("?q"),
            1 => Just("#f"),
            1 => Just("."),
            1 => Just(" ")
        ],
    )
        .prop_map(|(scheme, userinfo, host, port, tail)| {
            format!("{scheme}://{userinfo}{host}{port}{tail}")
        })
}

fn domain_and_origin() -> impl Strategy<Value = (String, String)> {
    domain().prop_flat_map(|d| (Just(d.clone()), origin_near(d)))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

    /// Completeness: every well-formed lower-case subdomain is allowed.
    #[test]
    fn a_subdomain_pattern_matches_every_well_formed_subdomain(
        domain in domain(),
        labels in prop::collection::vec("[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?", 1..4),
    ) {
        let policy = Cors::default()
            .allowed_origin_pattern(&format!("https://*.{domain}"))
            .build()
            .unwrap();
        let origin = format!("https://{}.{domain}", labels.join("."));
        prop_assert!(policy.check(&CorsRequest::new(&origin)).is_allowed(), "{}", origin);
        let apex = format!("https://{domain}");
        prop_assert!(!policy.check(&CorsRequest::new(&apex)).is_allowed());
    }

    /// `scheme://host:*` allows only that very host, on any port.
    #[test]
    fn an_any_port_pattern_never_matches_another_host(
        (domain, origin) in domain_and_origin()
    ) {
        let policy = Cors::default()
            .allowed_origin_pattern(&format!("http://{domain}:*"))
            .build()
            .unwrap();
        if policy.check(&CorsRequest::new(&origin)).is_allowed() {
            prop_assert_eq!(host_of(&origin), Some(domain.as_str()), "{}", origin);
            prop_assert!(origin.starts_with(&format!("http://{domain}")), "{}", origin);
        }
    }
}

/// Soundness: `https://*.D` never allows an origin whose host does not end with `.D`, nor
/// anything but exactly `https://` + host. The generator is biased so that a good share of
/// the cases are allowed (checked at the end), or the property would hold vacuously.
#[test]
fn a_subdomain_pattern_never_matches_a_host_outside_its_domain() {
    let allowed = AtomicUsize::new(0);
    let mut runner = TestRunner::new(ProptestConfig {
        cases: 3_000,
        ..ProptestConfig::default()
    });
    runner
        .run(&domain_and_origin(), |(domain, origin)| {
            let policy = Cors::default()
                .allowed_origin_pattern(&format!("https://*.{domain}"))
                .build()
                .unwrap();
            if policy.check(&CorsRequest::new(&origin)).is_allowed() {
                allowed.fetch_add(1, Ordering::Relaxed);
                let host = host_of(&origin).unwrap();
                prop_assert!(
                    host.ends_with(&format!(".{domain}")),
                    "{origin} allowed, host {host}"
                );
                prop_assert_eq!(&origin, &format!("https://{host}"));
                let labels = &host[..host.len() - domain.len() - 1];
                prop_assert!(labels.split('.').all(|l| !l.is_empty()), "{}", origin);
            }
            Ok(())
        })
        .unwrap();
    let allowed = allowed.into_inner();
    assert!(allowed >= 60, "only {allowed} of 3000 cases were allowed");
}

/// The soundness property again, through the middleware, on generated samples.
#[actix_rt::test]
async fn subdomain_pattern_soundness_holds_through_the_middleware() {
    let mut runner = TestRunner::deterministic();
    let strategy = domain_and_origin();
    let mut checked = 0;
    for _ in 0..64 {
        let (domain, origin) = strategy.new_tree(&mut runner).unwrap().current();
        let Ok(value) = HeaderValue::from_str(&origin) else {
            continue;
        };
        let app =
            service(Cors::default().allowed_origin_pattern(&format!("https://*.{domain}"))).await;
        let seen = send(&app, value.as_bytes()).await;
        if seen.actual_acao.is_some() {
            let host = host_of(&origin).unwrap();
            assert!(host.ends_with(&format!(".{domain}")), "{origin}");
            assert_eq!(origin, format!("https://{host}"));
        }
        checked += 1;
    }
    assert!(
        checked > 32,
        "too few samples were header values: {checked}"
    );
}
