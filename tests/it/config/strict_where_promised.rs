//! Regression tests for issue 11, "strict where it promises, permissive where the standard
//! is": each test is named for the behaviour it pins, and would fail if the gap came back.
//! README and SECURITY.md point here.

use actix_web::{
    http::{header, Method, StatusCode},
    test as atest, web, App, HttpResponse,
};
use corsair::{Cors, CorsRequest, OriginFault, Problem, Source};

const APP: &str = "https://app.example.com";

fn problems(cors: Cors) -> Vec<Problem> {
    cors.build().expect_err("must not build").into_problems()
}

/// Sends one request through an app wrapped in `cors`; returns status and headers.
async fn wire(cors: Cors, req: atest::TestRequest) -> (StatusCode, header::HeaderMap) {
    let app = atest::init_service(
        App::new()
            .wrap(cors)
            .default_service(web::to(HttpResponse::Ok)),
    )
    .await;
    let res = atest::call_service(&app, req.to_request()).await;
    (res.status(), res.headers().clone())
}

fn get(origin: &str) -> atest::TestRequest {
    atest::TestRequest::get()
        .uri("/")
        .insert_header((header::ORIGIN, origin))
}

fn preflight(origin: &str, method: &str, headers: &str) -> atest::TestRequest {
    let mut r = atest::TestRequest::default()
        .method(Method::OPTIONS)
        .uri("/")
        .insert_header((header::ORIGIN, origin))
        .insert_header((header::ACCESS_CONTROL_REQUEST_METHOD, method));
    if !headers.is_empty() {
        r = r.insert_header((header::ACCESS_CONTROL_REQUEST_HEADERS, headers));
    }
    r
}

fn value(h: &header::HeaderMap, name: header::HeaderName) -> Option<&str> {
    h.get(name).and_then(|v| v.to_str().ok())
}

// ---------------------------------------------------------------------------------------------
// 1. `null` with credentials
// ---------------------------------------------------------------------------------------------

#[test]
fn null_origin_with_credentials_is_a_build_error_with_a_fix() {
    for cors in [
        Cors::default().allow_null_origin().supports_credentials(),
        Cors::default().supports_credentials().allow_null_origin(),
        Cors::default()
            .allowed_origin(APP)
            .allowed_origin("null")
            .allow_null_origin()
            .supports_credentials(),
        Cors::default()
            .allowed_origins_list("https://app.example.com, null")
            .allow_null_origin()
            .supports_credentials(),
    ] {
        let p = problems(cors);
        assert_eq!(p, [Problem::CredentialedNullOrigin]);
        let text = p[0].to_string();
        assert!(text.contains("sandboxed iframe"), "{text}");
        assert!(text.contains("drop `.allow_null_origin()`"), "{text}");
        assert!(
            text.contains("allow_null_origin_with_credentials_dangerously"),
            "{text}"
        );
    }
}

#[actix_rt::test]
async fn the_danger_named_null_opt_in_echoes_null_with_credentials() {
    let cors = Cors::default()
        .allowed_origin(APP)
        .allow_null_origin_with_credentials_dangerously()
        .supports_credentials();
    let (_, h) = wire(cors, get("null")).await;
    assert_eq!(value(&h, header::ACCESS_CONTROL_ALLOW_ORIGIN), Some("null"));
    assert_eq!(
        value(&h, header::ACCESS_CONTROL_ALLOW_CREDENTIALS),
        Some("true")
    );
}

// ---------------------------------------------------------------------------------------------
// 2. regexes get the credential checks
// ---------------------------------------------------------------------------------------------

#[test]
fn credentialed_regex_that_can_match_plain_http_is_refused() {
    for regex in [
        r"http://[a-z]+\.example\.com",
        r"https?://[a-z]+\.example\.com",
        r"(?:https|http)://app\.example\.com",
    ] {
        let p = problems(
            Cors::default()
                .allowed_origin_regex(regex)
                .supports_credentials(),
        );
        assert!(
            matches!(&p[..], [Problem::CredentialedInsecureRegex { value, .. }] if value == regex),
            "{regex}: {p:?}"
        );
        // The same regex without credentials is fine, and the opt-out works as for origins.
        assert!(Cors::default().allowed_origin_regex(regex).build().is_ok());
        assert!(Cors::default()
            .allowed_origin_regex(regex)
            .supports_credentials()
            .allow_insecure_credentialed_origins()
            .build()
            .is_ok());
    }
    // The exact origin and the pattern are refused alike (same rule for every kind).
    assert!(matches!(
        &problems(
            Cors::default()
                .allowed_origin("http://app.example.com")
                .supports_credentials()
        )[..],
        [Problem::InsecureCredentialedOrigin { .. }]
    ));
    assert!(matches!(
        &problems(
            Cors::default()
                .allowed_origin_pattern("http://*.example.com")
                .supports_credentials()
        )[..],
        [Problem::InsecureCredentialedOrigin { .. }]
    ));
}

#[test]
fn credentialed_regex_for_https_or_loopback_builds() {
    for regex in [
        r"https://[a-z0-9-]+\.example\.com",
        r"https?://localhost:\d+",
        r"http://127\.0\.0\.1:\d+",
    ] {
        assert!(
            Cors::default()
                .allowed_origin_regex(regex)
                .supports_credentials()
                .build()
                .is_ok(),
            "{regex}"
        );
    }
}

#[test]
fn regex_without_a_fixed_domain_of_ones_own_is_refused_with_or_without_credentials() {
    use corsair::RegexBreadth::{self, NoFixedDomain};
    let under = |suffix: &str| RegexBreadth::PublicSuffix {
        suffix: suffix.into(),
    };
    for (regex, reason) in [
        (r"https?://.+", NoFixedDomain),
        (r"https://.*", NoFixedDomain),
        (r"https://[a-z0-9-]+\.invalid", under("invalid")),
        (r"https://[a-z0-9-]+\.com", under("com")),
        (r"https://[a-z.]+", NoFixedDomain),
        (
            r"https://app\.example\.com|https://.+\.co\.uk",
            under("co.uk"),
        ),
    ] {
        for credentials in [false, true] {
            let mut cors = Cors::default().allowed_origin_regex(regex);
            if credentials {
                cors = cors.supports_credentials();
            }
            let p = problems(cors);
            assert!(
                p.contains(&Problem::RegexTooBroad {
                    value: regex.into(),
                    source: corsair::Source::Code,
                    reason: reason.clone(),
                }),
                "{regex} (credentials: {credentials}): {p:?}"
            );
        }
    }
}

#[test]
fn public_suffix_opt_in_accepts_wildcards_without_credentials_only() {
    let broad = || {
        Cors::default()
            .allowed_origin_pattern("https://*.vercel.app")
            .allowed_origin_pattern("https://*.amazonaws.com")
            .allowed_origin_regex(r"https://[a-z0-9-]+\.github\.io")
    };
    // Refused without the opt-in, with and without credentials.
    assert_eq!(problems(broad()).len(), 3);
    assert_eq!(problems(broad().supports_credentials()).len(), 3);
    // Accepted without credentials once opted in.
    let policy = broad()
        .dangerously_allow_subdomains_of_public_suffixes()
        .build()
        .unwrap();
    for origin in [
        "https://anyone.vercel.app",
        "https://bucket.s3.amazonaws.com",
        "https://anyone.github.io",
    ] {
        assert!(
            policy.check(&CorsRequest::new(origin)).is_allowed(),
            "{origin}"
        );
    }
    // Never with credentials, in either order.
    assert_eq!(
        problems(
            broad()
                .supports_credentials()
                .dangerously_allow_subdomains_of_public_suffixes()
        )
        .len(),
        3
    );
    // `https://*` is every domain, never a public suffix to tolerate.
    assert!(Cors::default()
        .allowed_origin_pattern("https://*")
        .dangerously_allow_subdomains_of_public_suffixes()
        .build()
        .is_err());
}

#[actix_rt::test]
async fn the_issue_regex_no_longer_echoes_evil_with_credentials() {
    // Issue 11: `https?://.+` with credentials built and echoed https://evil.example.
    assert!(Cors::default()
        .allowed_origin_regex(r"https?://.+")
        .supports_credentials()
        .build()
        .is_err());
    let narrow = Cors::default()
        .allowed_origin_regex(r"https://[a-z0-9-]+\.example\.com")
        .supports_credentials();
    let (_, h) = wire(narrow, get("https://evil.example")).await;
    assert_eq!(value(&h, header::ACCESS_CONTROL_ALLOW_ORIGIN), None);
}

// ---------------------------------------------------------------------------------------------
// 3. "any" and a list: one rule, whatever the order
// ---------------------------------------------------------------------------------------------

type Step = fn(Cors) -> Cors;

/// Every "any" / list pair: (any call, list call, the any step, the list step).
fn pairs() -> Vec<(&'static str, &'static str, Step, Step)> {
    vec![
        (
            "allow_any_method",
            "allowed_methods",
            |c| c.allow_any_method(),
            |c| c.allowed_methods(["PUT"]),
        ),
        (
            "allow_any_header",
            "allowed_header(s)",
            |c| c.allow_any_header(),
            |c| c.allowed_header("x-a"),
        ),
        (
            "allow_any_header",
            "allowed_header(s)",
            |c| c.allow_any_header(),
            |c| c.allowed_headers(["x-a"]),
        ),
        (
            "expose_any_header",
            "expose_headers",
            |c| c.expose_any_header(),
            |c| c.expose_headers(["x-id"]),
        ),
    ]
}

#[test]
fn an_explicit_any_and_a_list_fail_the_build_in_both_orders_naming_both_calls() {
    for (any, list, any_step, list_step) in pairs() {
        let base = || Cors::default().allowed_origin(APP);
        for (order, cors) in [
            ("any then list", list_step(any_step(base()))),
            ("list then any", any_step(list_step(base()))),
        ] {
            let p = problems(cors);
            assert_eq!(
                p,
                [Problem::AnyAndList { any, list }],
                "{any}/{list}, {order}"
            );
            let text = p[0].to_string();
            assert!(text.contains(&format!("`.{any}()`")), "{text}");
            assert!(text.contains(&format!("`.{list}(..)`")), "{text}");
        }
    }
}

#[test]
fn any_origin_and_every_origin_kind_fail_the_build_in_both_orders() {
    let kinds: [Step; 6] = [
        |c| c.allowed_origin(APP),
        |c| c.allowed_origin_pattern("https://*.example.com"),
        |c| c.allowed_origin_regex(r"https://[a-z]+\.example\.com"),
        |c| c.allowed_origin_fn(|_, _| true),
        |c| c.allowed_origins_list("https://app.example.com"),
        |c| c.allowed_origins_list("https://*.example.com, https://*.example.org"),
    ];
    for (i, kind) in kinds.iter().enumerate() {
        for cors in [
            kind(Cors::default().allow_any_origin()),
            kind(Cors::default()).allow_any_origin(),
        ] {
            let p = problems(cors);
            assert!(
                matches!(&p[..], [Problem::AnyOriginConflict { .. }]),
                "kind {i}: {p:?}"
            );
        }
    }
}

#[actix_rt::test]
async fn permissive_then_lists_narrow_each_part_on_the_wire() {
    // Request headers: `x-a` only, not `x-evil` (issue 11's first example).
    let cors = Cors::permissive().allowed_header("x-a");
    let (status, _) = wire(cors, preflight(APP, "PUT", "x-evil")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let cors = Cors::permissive().allowed_header("x-a");
    let (status, h) = wire(cors, preflight(APP, "PUT", "x-a")).await;
    assert!(status.is_success());
    assert_eq!(value(&h, header::ACCESS_CONTROL_ALLOW_HEADERS), Some("x-a"));

    // Exposed headers: the list, not `*`.
    let cors = Cors::permissive().expose_headers(["x-id"]);
    let (_, h) = wire(cors, get(APP)).await;
    assert_eq!(
        value(&h, header::ACCESS_CONTROL_EXPOSE_HEADERS),
        Some("x-id")
    );

    // Methods: PUT, not DELETE.
    let cors = Cors::permissive().allowed_methods(["PUT"]);
    let (status, _) = wire(cors, preflight(APP, "DELETE", "")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Origins: the list only.
    let cors = Cors::permissive().allowed_origin(APP);
    let (_, h) = wire(cors, get("https://evil.example")).await;
    assert_eq!(value(&h, header::ACCESS_CONTROL_ALLOW_ORIGIN), None);
}

#[test]
fn permissive_with_credentials_names_only_permissive_and_what_is_still_open() {
    let with = |c: Cors| problems(c.supports_credentials());
    // Nothing narrowed: origins and exposed headers are still wide open.
    let p = with(Cors::permissive());
    assert_eq!(p.len(), 2, "{p:?}");
    // Origins narrowed: only the exposed headers remain.
    let p = with(Cors::permissive().allowed_origin(APP));
    assert!(
        matches!(&p[..], [Problem::PermissiveWithCredentials { fix, .. }] if fix.contains("expose_headers")),
        "{p:?}"
    );
    // Exposed headers narrowed: only the origins remain.
    let p = with(Cors::permissive().expose_headers(["x-id"]));
    assert!(
        matches!(
            &p[..],
            [Problem::PermissiveWithCredentials {
                what: "any origin",
                ..
            }]
        ),
        "{p:?}"
    );
    for p in with(Cors::permissive()) {
        let text = p.to_string();
        assert!(text.contains("Cors::permissive()"), "{text}");
        for never_called in ["allow_any_origin", "expose_any_header"] {
            assert!(!text.contains(never_called), "{text}");
        }
    }
    // Both narrowed: credentials are fine, in either order of the narrowing calls.
    for cors in [
        Cors::permissive()
            .allowed_origin(APP)
            .expose_headers(["x-id"]),
        Cors::permissive()
            .expose_headers(["x-id"])
            .allowed_origin(APP),
    ] {
        assert!(cors.supports_credentials().build().is_ok());
    }
}

// ---------------------------------------------------------------------------------------------
// 4. PATCH is not normalized
// ---------------------------------------------------------------------------------------------

#[actix_rt::test]
async fn lowercase_patch_is_accepted_and_matched_byte_for_byte() {
    let cors = || {
        Cors::default()
            .allowed_origin(APP)
            .allowed_methods(["patch"])
    };
    assert!(cors().build().is_ok());
    // `fetch(url, {method: "patch"})` preflights with `patch`, which is granted...
    let (status, h) = wire(cors(), preflight(APP, "patch", "")).await;
    assert!(status.is_success(), "{status}");
    assert_eq!(
        value(&h, header::ACCESS_CONTROL_ALLOW_METHODS),
        Some("patch")
    );
    // ...while `PATCH` is another method.
    let (status, _) = wire(cors(), preflight(APP, "PATCH", "")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // The six normalized methods still must be written in upper case.
    for m in ["delete", "get", "head", "options", "post", "put"] {
        let p = problems(Cors::default().allowed_methods([m]));
        assert!(
            matches!(&p[..], [Problem::LowercaseMethod { .. }]),
            "{m}: {p:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// 5. any origin answers `null`
// ---------------------------------------------------------------------------------------------

#[actix_rt::test]
async fn any_origin_answers_null_echoed_or_wildcard() {
    let (_, h) = wire(Cors::default().allow_any_origin(), get("null")).await;
    assert_eq!(value(&h, header::ACCESS_CONTROL_ALLOW_ORIGIN), Some("null"));
    let (_, h) = wire(
        Cors::default().allow_any_origin().send_wildcard(),
        get("null"),
    )
    .await;
    assert_eq!(value(&h, header::ACCESS_CONTROL_ALLOW_ORIGIN), Some("*"));
    // Lists, patterns, regexes and predicates still need the opt-in.
    for cors in [
        Cors::default().allowed_origin(APP),
        Cors::default().allowed_origin_pattern("https://*.example.com"),
        Cors::default().allowed_origin_regex(r"https://[a-z]+\.example\.com"),
        Cors::default().allowed_origin_fn(|_, _| true),
    ] {
        let (_, h) = wire(cors, get("null")).await;
        assert_eq!(value(&h, header::ACCESS_CONTROL_ALLOW_ORIGIN), None);
    }
}

// ---------------------------------------------------------------------------------------------
// 6. any header: every name a script can set
// ---------------------------------------------------------------------------------------------

#[actix_rt::test]
async fn any_header_grants_every_name_a_script_can_set() {
    let cors = || {
        Cors::default()
            .allowed_origin(APP)
            .allowed_methods(["PUT"])
            .allow_any_header()
    };
    let settable = "access-control-allow-origin, x-http-method-override, user-agent, \
                    access-control-request-private-network, cookie2, x-anything";
    let (status, h) = wire(cors(), preflight(APP, "PUT", settable)).await;
    assert!(status.is_success(), "{status}");
    assert_eq!(
        value(&h, header::ACCESS_CONTROL_ALLOW_HEADERS),
        Some(settable)
    );
    // The standard's forbidden names (and prefixes) stay out of reach.
    for forbidden in [
        "cookie",
        "origin",
        "sec-fetch-mode",
        "proxy-authorization",
        "via",
    ] {
        let (status, _) = wire(cors(), preflight(APP, "PUT", forbidden)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{forbidden}");
    }
}

#[test]
fn an_explicit_access_control_allow_origin_request_header_is_valid() {
    let policy = Cors::default()
        .allowed_origin(APP)
        .allowed_header("access-control-allow-origin")
        .build()
        .expect("a name scripts can set is a valid request header");
    let d = policy.check(
        &CorsRequest::preflight(APP, "POST").requesting_header("access-control-allow-origin"),
    );
    assert!(d.is_allowed(), "{d}");
}

// ---------------------------------------------------------------------------------------------
// 7. origins as browsers serialize them
// ---------------------------------------------------------------------------------------------

#[test]
fn non_canonical_ip_origins_are_refused_with_the_canonical_form() {
    for (written, canonical) in [
        ("http://[0:0:0:0:0:0:0:1]:8080", "http://[::1]:8080"),
        ("http://127.1:8080", "http://127.0.0.1:8080"),
        ("http://0x7f.0.0.1:3000", "http://127.0.0.1:3000"),
        ("http://[2001:DB8::1]", "http://[2001:db8::1]"),
    ] {
        let p = problems(Cors::default().allowed_origin(written));
        let fault = match &p[..] {
            [Problem::InvalidOrigin { fault, .. }] => fault.clone(),
            other => panic!("{written}: {other:?}"),
        };
        let suggestion = match fault {
            OriginFault::NonCanonicalIp { suggestion } => suggestion,
            OriginFault::Uppercase { suggestion } => suggestion,
            other => panic!("{written}: {other:?}"),
        };
        assert_eq!(suggestion, canonical, "{written}");
        // The suggested form is what browsers send, and it works.
        let policy = Cors::default().allowed_origin(canonical).build().unwrap();
        assert!(policy.check(&CorsRequest::new(canonical)).is_allowed());
    }
}

#[actix_rt::test]
async fn a_trailing_dot_host_is_a_distinct_origin_that_can_be_allowed() {
    let cors = || Cors::default().allowed_origin("https://example.com.");
    assert!(cors().build().is_ok());
    let (_, h) = wire(cors(), get("https://example.com.")).await;
    assert_eq!(
        value(&h, header::ACCESS_CONTROL_ALLOW_ORIGIN),
        Some("https://example.com.")
    );
    let (_, h) = wire(cors(), get("https://example.com")).await;
    assert_eq!(value(&h, header::ACCESS_CONTROL_ALLOW_ORIGIN), None);
    // Loopback with a trailing dot is still loopback for the credential rule.
    assert!(Cors::default()
        .allowed_origin("http://localhost.:3000")
        .supports_credentials()
        .build()
        .is_ok());
}

#[test]
fn a_lone_star_origin_is_a_build_error_naming_allow_any_origin_and_send_wildcard() {
    // actix-cors 0.7 refuses `allowed_origin("*")` at start-up ("Wildcard in `allowed_origin`
    // is not allowed"); a drop-in must not read it as "every origin", wherever it is written.
    let var = "CORSAIR_T_STRICT_PROMISES_STAR";
    let cases: [(Cors, Source); 5] = [
        (Cors::default().allowed_origin("*"), Source::Code),
        (
            Cors::default().allowed_origins_list("https://app.example.com,*"),
            Source::Code,
        ),
        (
            Cors::default().allowed_origins_from_env(var),
            Source::Env {
                var: var.into(),
                position: 2,
            },
        ),
        (
            Cors::default().allowed_origins_from_env_or("CORSAIR_T_SURELY_UNSET", " * "),
            Source::EnvDefault {
                var: "CORSAIR_T_SURELY_UNSET".into(),
                position: 1,
            },
        ),
        (
            Cors::default()
                .allowed_origins_list_from("origins.txt", "https://app.example.com\n*\n"),
            Source::Named {
                name: "origins.txt".into(),
                line: 2,
            },
        ),
    ];
    crate::common::env::with_var(var, "https://app.example.com, *", || {
        for (cors, source) in cases {
            let p = problems(cors);
            assert_eq!(
                p,
                [Problem::InvalidOrigin {
                    value: "*".into(),
                    source,
                    fault: OriginFault::AnyOrigin,
                }]
            );
            let text = p[0].to_string();
            assert!(text.contains("`.allow_any_origin()`"), "{text}");
            assert!(text.contains("`.send_wildcard()`"), "{text}");
        }
        // Under `permissive()` too: the `*` narrows nothing, it is refused.
        assert!(matches!(
            &problems(Cors::permissive().allowed_origin("*"))[..],
            [Problem::InvalidOrigin {
                fault: OriginFault::AnyOrigin,
                ..
            }]
        ));
        // What the message names works, and answers what `*` was meant to.
        let echo = Cors::default().allow_any_origin().build().unwrap();
        let star = Cors::default()
            .allow_any_origin()
            .send_wildcard()
            .build()
            .unwrap();
        let d = echo.check(&CorsRequest::new("https://any.example"));
        assert_eq!(
            d.header(header::ACCESS_CONTROL_ALLOW_ORIGIN),
            Some("https://any.example")
        );
        let d = star.check(&CorsRequest::new("https://any.example"));
        assert_eq!(d.header(header::ACCESS_CONTROL_ALLOW_ORIGIN), Some("*"));
    });
}
