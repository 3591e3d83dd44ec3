//! `corsair::testing`: the simulator's own correctness, one test per Fetch standard step it
//! pins (<https://fetch.spec.whatwg.org/>; each test's doc line names the section and its
//! anchor). Oracles are hand-written servers whose answers are spelled out here, plus corsair
//! and actix-cors.

#![cfg(feature = "testing")]

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use actix_web::{
    dev::ServiceResponse,
    http::header,
    middleware::{from_fn, Next},
    test, web, App, HttpRequest, HttpResponse,
};
use corsair::{
    testing::{Browser, Credentials, Fetch, Form, Preflight, Reason, SocketFailure, Step, Warning},
    Cors,
};

const PAGE: &str = "http://localhost:5173";
const API: &str = "http://localhost:8080";

/// What the scripted server received: method and (lower-case name, value) headers.
type Seen = Arc<Mutex<Vec<(String, Vec<(String, String)>)>>>;

/// A server that answers `OPTIONS` with `preflight` (status, headers) and anything else with
/// `actual`, and records every request. No CORS middleware: the headers are the oracle.
macro_rules! scripted {
    ($seen:expr, $preflight:expr, $actual:expr) => {{
        let seen: Seen = $seen.clone();
        let preflight: (u16, Vec<(&'static str, &'static str)>) = $preflight;
        let actual: (u16, Vec<(&'static str, &'static str)>) = $actual;
        test::init_service(App::new().default_service(web::to(move |req: HttpRequest| {
            let seen = seen.clone();
            let (preflight, actual) = (preflight.clone(), actual.clone());
            async move {
                let headers = req
                    .headers()
                    .iter()
                    .map(|(n, v)| (n.to_string(), v.to_str().unwrap().to_owned()))
                    .collect();
                seen.lock()
                    .unwrap()
                    .push((req.method().to_string(), headers));
                let (status, headers) = if req.method() == "OPTIONS" {
                    preflight
                } else {
                    actual
                };
                let mut res =
                    HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap());
                for (n, v) in headers {
                    res.append_header((n, v));
                }
                res.body("body")
            }
        })))
        .await
    }};
}

fn header<'a>(seen: &'a [(String, String)], name: &str) -> Option<&'a str> {
    seen.iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// A scripted response's headers.
type Headers = Vec<(&'static str, &'static str)>;

const ALLOW_PAGE: (&str, &str) = ("access-control-allow-origin", PAGE);

/// "CORS-safelisted method" (#cors-safelisted-method) / "CORS-safelisted request-header"
/// (#cors-safelisted-request-header): a simple GET and a
/// text/plain POST go without a preflight.
#[actix_rt::test]
async fn cors_safelisted_requests_send_no_preflight() {
    let seen = Seen::default();
    let app = scripted!(seen, (204, vec![]), (200, vec![ALLOW_PAGE]));
    let b = Browser::new(PAGE);
    for f in [
        Fetch::get("/a"),
        Fetch::post("/a").body("hi"),
        Fetch::post("/a").form("a=1"),
        Fetch::get("/a").header("Accept-Language", "en-GB,en;q=0.8"),
        Fetch::get("/a").header("Content-Type", "multipart/form-data; boundary=x"),
    ] {
        let out = b.fetch(&app, f).await;
        assert!(out.is_allowed(), "{out}");
        assert_eq!(out.preflight(), Preflight::NotNeeded);
    }
    assert!(seen.lock().unwrap().iter().all(|(m, _)| m != "OPTIONS"));
}

/// "CORS-safelisted request-header" and "CORS-unsafe request-header names"
/// (#cors-unsafe-request-header-names): value rules (JSON content type, an unsafe byte in
/// Accept, `_` in Accept-Language) and the 1024-byte total make a request preflighted.
#[actix_rt::test]
async fn cors_safelisted_request_header_value_rules_and_1024_byte_total() {
    let seen = Seen::default();
    let app = scripted!(seen, (403, vec![]), (200, vec![ALLOW_PAGE]));
    let b = Browser::new(PAGE);
    let long = "a".repeat(100);
    let mut eleven = Fetch::get("/a");
    for i in 0..11 {
        // 11 safelisted Accept-Language values of 100 bytes: 1100 > 1024.
        eleven = eleven.header("Accept-Language", &long[..100 - (i % 2)]);
    }
    for f in [
        Fetch::post("/a").json(),
        Fetch::get("/a").header("Accept", "text/html(x)"),
        Fetch::get("/a").header("Accept-Language", "en_GB"),
        Fetch::get("/a").header("Content-Language", &"a".repeat(129)),
        eleven,
    ] {
        let out = b.fetch(&app, f).await;
        assert_eq!(out.preflight(), Preflight::Sent(403), "{out}");
        assert!(out.is_blocked());
    }
}

/// "CORS-preflight fetch" (#cors-preflight-fetch) steps 1–3: OPTIONS with Origin, Access-Control-Request-Method and
/// sorted, lower-case, comma-joined Access-Control-Request-Headers; no cookies.
#[actix_rt::test]
async fn cors_preflight_fetch_sends_what_a_browser_sends() {
    let seen = Seen::default();
    let app = scripted!(
        seen,
        (
            204,
            vec![
                ALLOW_PAGE,
                ("access-control-allow-credentials", "true"),
                ("access-control-allow-methods", "PUT"),
                ("access-control-allow-headers", "x-b, X-A, content-type"),
            ]
        ),
        (
            200,
            vec![
                ALLOW_PAGE,
                ("access-control-allow-credentials", "true"),
                ("set-cookie", "sid=42; Path=/; HttpOnly")
            ]
        )
    );
    let b = Browser::new(PAGE);
    let login = b.fetch(&app, Fetch::post("/login").credentials()).await;
    assert!(login.is_allowed(), "{login}");
    assert_eq!(b.cookies(), ["sid=42"]);
    let out = b
        .fetch(
            &app,
            Fetch::put("/a?x=1")
                .header("X-B", "1")
                .header("x-a", "2")
                .json()
                .credentials(),
        )
        .await;
    assert!(out.is_allowed(), "{out}");
    let seen = seen.lock().unwrap();
    let (method, pre) = &seen[1];
    assert_eq!(method, "OPTIONS");
    assert_eq!(header(pre, "origin"), Some(PAGE));
    assert_eq!(header(pre, "access-control-request-method"), Some("PUT"));
    assert_eq!(
        header(pre, "access-control-request-headers"),
        Some("content-type,x-a,x-b")
    );
    assert_eq!(
        header(pre, "cookie"),
        None,
        "preflights never carry cookies"
    );
    let (method, actual) = &seen[2];
    assert_eq!(method, "PUT");
    assert_eq!(header(actual, "cookie"), Some("sid=42"));
    assert_eq!(header(actual, "origin"), Some(PAGE));
}

/// "CORS check" (#concept-cors-check): each Access-Control-Allow-Origin fault, with Chromium's reason.
#[actix_rt::test]
async fn cors_check_reasons_for_allow_origin_and_credentials() {
    let cases: [(Headers, Credentials, Reason); 6] = [
        (vec![], Credentials::SameOrigin, Reason::MissingAllowOrigin),
        (
            vec![("access-control-allow-origin", "*")],
            Credentials::Include,
            Reason::WildcardOriginWithCredentials,
        ),
        (
            vec![(
                "access-control-allow-origin",
                "http://localhost:5173, http://x.test",
            )],
            Credentials::SameOrigin,
            Reason::MultipleAllowOriginValues("http://localhost:5173, http://x.test".into()),
        ),
        (
            vec![("access-control-allow-origin", "http://localhost:5173/")],
            Credentials::SameOrigin,
            Reason::AllowOriginMismatch("http://localhost:5173/".into()),
        ),
        (
            vec![("access-control-allow-origin", "localhost")],
            Credentials::SameOrigin,
            Reason::InvalidAllowOrigin("localhost".into()),
        ),
        (
            vec![ALLOW_PAGE],
            Credentials::Include,
            Reason::AllowCredentialsNotTrue(String::new()),
        ),
    ];
    for (headers, credentials, reason) in cases {
        let seen = Seen::default();
        let app = scripted!(seen, (204, vec![]), (200, headers.clone()));
        let out = Browser::new(PAGE)
            .fetch(&app, Fetch::get("/a").credentials_mode(credentials))
            .await;
        let blocked = out
            .blocked()
            .unwrap_or_else(|| panic!("{headers:?}: {out}"));
        assert_eq!((blocked.step, &blocked.reason), (Step::Actual, &reason));
        assert_eq!(out.status(), 0);
        assert_eq!(
            out.server_status(),
            Some(200),
            "the request reached the app"
        );
        assert!(out.body().is_empty());
    }
    // `*` without credentials passes.
    let seen = Seen::default();
    let app = scripted!(
        seen,
        (204, vec![]),
        (200, vec![("access-control-allow-origin", "*")])
    );
    assert!(Browser::new(PAGE)
        .fetch(&app, Fetch::get("/a"))
        .await
        .is_allowed());
}

/// "CORS-preflight fetch" (#cors-preflight-fetch) step 7: the CORS check first, then an ok status (Chromium's order):
/// a 401 without CORS headers reads "No 'Access-Control-Allow-Origin' header", a 401 with
/// them "It does not have HTTP ok status."; and the actual request is never sent.
#[actix_rt::test]
async fn cors_preflight_fetch_needs_cors_check_then_ok_status() {
    for (headers, reason) in [
        (vec![], Reason::MissingAllowOrigin),
        (vec![ALLOW_PAGE], Reason::PreflightNotOk(401)),
    ] {
        let seen = Seen::default();
        let app = scripted!(seen, (401, headers), (200, vec![ALLOW_PAGE]));
        let out = Browser::new(PAGE).fetch(&app, Fetch::put("/a")).await;
        let blocked = out.blocked().unwrap();
        assert_eq!((blocked.step, &blocked.reason), (Step::Preflight, &reason));
        assert_eq!(seen.lock().unwrap().len(), 1, "only the preflight was sent");
        let msg = out.console_message().unwrap();
        assert!(
            msg.starts_with(
                "Access to fetch at 'http://localhost:8080/a' from origin 'http://localhost:5173' \
                 has been blocked by CORS policy: Response to preflight request doesn't pass \
                 access control check: "
            ),
            "{msg}"
        );
    }
}

/// "CORS-preflight fetch" (#cors-preflight-fetch) steps 7.6–7.8: methods case-sensitive, `*` only without
/// credentials, header names case-insensitive. The standard says `*` never covers
/// Authorization, but Chromium and Firefox let it through (whatwg/fetch#1919): allowed, with a
/// warning that names the fix.
#[actix_rt::test]
async fn cors_preflight_fetch_methods_headers_wildcards_and_authorization() {
    let any = vec![
        ALLOW_PAGE,
        ("access-control-allow-credentials", "true"),
        ("access-control-allow-methods", "*"),
        ("access-control-allow-headers", "*"),
    ];
    let seen = Seen::default();
    let app = scripted!(
        seen,
        (204, any.clone()),
        (
            200,
            vec![ALLOW_PAGE, ("access-control-allow-credentials", "true")]
        )
    );
    let b = Browser::new(PAGE);
    assert!(b
        .fetch(&app, Fetch::put("/a").header("X-Y", "1"))
        .await
        .is_allowed());
    let auth = b
        .fetch(&app, Fetch::get("/b").header("Authorization", "Bearer t"))
        .await;
    assert!(auth.is_allowed(), "{auth}");
    assert_eq!(auth.warnings(), [Warning::AuthorizationCoveredByWildcard]);
    assert!(
        auth.to_string()
            .contains("list `Authorization` explicitly, the standard says `*` does not cover it"),
        "{auth}"
    );
    let cached = b
        .fetch(&app, Fetch::get("/b").header("Authorization", "Bearer t"))
        .await;
    assert_eq!(cached.preflight(), Preflight::Cached);
    assert_eq!(
        cached.warnings(),
        [Warning::AuthorizationCoveredByWildcard],
        "from the cache too"
    );
    // Under credentials `*` is a literal name: Authorization is refused.
    let auth_cred = b
        .fetch(
            &app,
            Fetch::get("/b2")
                .header("Authorization", "Bearer t")
                .credentials(),
        )
        .await;
    assert_eq!(
        auth_cred.blocked().unwrap().reason,
        Reason::HeaderNotAllowed("authorization".into())
    );
    let cred = b.fetch(&app, Fetch::put("/c").credentials()).await;
    assert_eq!(
        cred.blocked().unwrap().reason,
        Reason::MethodNotAllowed("PUT".into())
    );
    assert_eq!(
        cred.console_message().unwrap(),
        "Access to fetch at 'http://localhost:8080/c' from origin 'http://localhost:5173' has \
         been blocked by CORS policy: Method PUT is not allowed by Access-Control-Allow-Methods \
         in preflight response."
    );

    let seen = Seen::default();
    let listed = scripted!(
        seen,
        (
            204,
            vec![
                ALLOW_PAGE,
                ("access-control-allow-methods", "put"),
                ("access-control-allow-headers", "X-Y, Authorization"),
            ]
        ),
        (200, vec![ALLOW_PAGE])
    );
    let out = b.fetch(&listed, Fetch::new("patch", "/d")).await;
    assert_eq!(
        out.blocked().unwrap().reason,
        Reason::MethodNotAllowed("patch".into())
    );
    let out = b.fetch(&listed, Fetch::put("/d")).await;
    assert_eq!(
        out.blocked().unwrap().reason,
        Reason::MethodNotAllowed("PUT".into()),
        "case-sensitive"
    );
    let out = b
        .fetch(
            &listed,
            Fetch::post("/d")
                .header("x-y", "1")
                .header("authorization", "t"),
        )
        .await;
    assert!(out.is_allowed(), "{out}");
    assert!(
        out.warnings().is_empty(),
        "Authorization listed by name: no warning"
    );
}

/// "CORS-preflight cache" (#concept-cache): entries live max-age seconds (5 when absent, at most 2 hours as in
/// Chromium), keyed by origin and URL, credentials-aware, and max-age 0 caches nothing.
#[actix_rt::test]
async fn cors_preflight_cache_lifetime_key_and_credentials() {
    async fn sequence(max_age: Option<&'static str>, wait: u64) -> Preflight {
        let mut pre = vec![
            ALLOW_PAGE,
            ("access-control-allow-credentials", "true"),
            ("access-control-allow-methods", "PUT"),
        ];
        if let Some(m) = max_age {
            pre.push(("access-control-max-age", m));
        }
        let seen = Seen::default();
        let app = scripted!(
            seen,
            (204, pre),
            (
                200,
                vec![ALLOW_PAGE, ("access-control-allow-credentials", "true")]
            )
        );
        let b = Browser::new(PAGE);
        assert_eq!(
            b.fetch(&app, Fetch::put("/a")).await.preflight(),
            Preflight::Sent(204)
        );
        b.advance(Duration::from_secs(wait));
        b.fetch(&app, Fetch::put("/a")).await.preflight()
    }
    assert_eq!(sequence(None, 4).await, Preflight::Cached);
    assert_eq!(sequence(None, 5).await, Preflight::Sent(204));
    assert_eq!(sequence(Some("600"), 599).await, Preflight::Cached);
    assert_eq!(sequence(Some("600"), 600).await, Preflight::Sent(204));
    assert_eq!(sequence(Some("86400"), 7199).await, Preflight::Cached);
    assert_eq!(
        sequence(Some("86400"), 7200).await,
        Preflight::Sent(204),
        "2-hour cap"
    );
    assert_eq!(sequence(Some("0"), 0).await, Preflight::Sent(204));
    assert_eq!(
        sequence(Some("ten"), 4).await,
        Preflight::Cached,
        "invalid: 5 s"
    );

    let seen = Seen::default();
    let app = scripted!(
        seen,
        (
            204,
            vec![
                ALLOW_PAGE,
                ("access-control-allow-credentials", "true"),
                ("access-control-allow-methods", "PUT"),
                ("access-control-max-age", "600")
            ]
        ),
        (
            200,
            vec![ALLOW_PAGE, ("access-control-allow-credentials", "true")]
        )
    );
    let b = Browser::new(PAGE);
    assert_eq!(
        b.fetch(&app, Fetch::put("/a")).await.preflight(),
        Preflight::Sent(204)
    );
    // Another URL (the query is part of it): its own entry.
    assert_eq!(
        b.fetch(&app, Fetch::put("/a?x")).await.preflight(),
        Preflight::Sent(204)
    );
    // An entry made without credentials does not serve a credentialed request...
    assert_eq!(
        b.fetch(&app, Fetch::put("/a").credentials())
            .await
            .preflight(),
        Preflight::Sent(204)
    );
    // ...but a credentialed one serves both.
    assert_eq!(
        b.fetch(&app, Fetch::put("/a")).await.preflight(),
        Preflight::Cached
    );
    // Another page origin has its own entries.
    let other = Browser::new("http://127.0.0.1:5173");
    assert_eq!(
        other.fetch(&app, Fetch::put("/a")).await.preflight(),
        Preflight::Sent(204)
    );
}

/// "CORS-filtered response" (#concept-filtered-response-cors): safelisted headers and Access-Control-Expose-Headers; `*`
/// exposes everything only without credentials; Set-Cookie never.
#[actix_rt::test]
async fn cors_filtered_response_exposes_safelisted_and_listed_headers() {
    let seen = Seen::default();
    let app = scripted!(
        seen,
        (204, vec![]),
        (
            200,
            vec![
                ALLOW_PAGE,
                ("access-control-allow-credentials", "true"),
                ("access-control-expose-headers", "x-request-id"),
                ("content-type", "text/plain"),
                ("x-request-id", "r1"),
                ("x-trace", "t"),
                ("set-cookie", "a=1"),
            ]
        )
    );
    let out = Browser::new(PAGE)
        .fetch(&app, Fetch::get("/a").credentials())
        .await;
    assert_eq!(out.header("content-type"), Some("text/plain"));
    assert_eq!(out.header("x-request-id"), Some("r1"));
    assert_eq!(out.header("x-trace"), None);
    assert_eq!(out.header("set-cookie"), None);

    let star = vec![
        ALLOW_PAGE,
        ("access-control-allow-credentials", "true"),
        ("access-control-expose-headers", "*"),
        ("x-trace", "t"),
        ("set-cookie", "a=1"),
    ];
    let seen = Seen::default();
    let app = scripted!(seen, (204, vec![]), (200, star));
    let b = Browser::new(PAGE);
    let plain = b.fetch(&app, Fetch::get("/a")).await;
    assert_eq!(plain.header("x-trace"), Some("t"));
    assert_eq!(plain.header("set-cookie"), None);
    let cred = b.fetch(&app, Fetch::get("/a").credentials()).await;
    assert_eq!(
        cred.header("x-trace"),
        None,
        "`*` is a literal name under credentials"
    );
}

/// "HTTP fetch" and "HTTP-redirect fetch" (#http-redirect-fetch): the CORS check applies to the redirect response; same-app
/// redirects are followed (303 turns PUT into GET); a preflight redirect is refused; a
/// redirect to another origin is reported, not followed.
#[actix_rt::test]
async fn http_redirect_fetch_rules() {
    let app = test::init_service(
        App::new()
            .wrap(
                Cors::default()
                    .allowed_origin(PAGE)
                    .allowed_methods(["PUT", "GET"]),
            )
            .route(
                "/old",
                web::get().to(|| async {
                    HttpResponse::Found()
                        .insert_header((header::LOCATION, "/new"))
                        .finish()
                }),
            )
            .route(
                "/put",
                web::put().to(|| async {
                    HttpResponse::SeeOther()
                        .insert_header((header::LOCATION, "/new"))
                        .finish()
                }),
            )
            .route(
                "/away",
                web::get().to(|| async {
                    HttpResponse::Found()
                        .insert_header((header::LOCATION, "https://elsewhere.test/x"))
                        .finish()
                }),
            )
            .route("/new", web::get().to(|| async { "new" })),
    )
    .await;
    let b = Browser::new(PAGE);
    let out = b.fetch(&app, Fetch::get("/old")).await;
    assert!(out.is_allowed(), "{out}");
    assert_eq!(out.text(), "new");
    let out = b.fetch(&app, Fetch::put("/put")).await;
    assert!(out.is_allowed(), "{out}");
    assert_eq!(
        out.requests_sent()
            .iter()
            .map(|r| r.0.as_str())
            .collect::<Vec<_>>(),
        ["OPTIONS", "PUT", "GET"]
    );
    let out = b.fetch(&app, Fetch::get("/away")).await;
    assert_eq!(
        out.blocked().unwrap().reason,
        Reason::RedirectLeavesApp("https://elsewhere.test/x".into())
    );

    // No CORS headers on the redirect itself: blocked at the redirect.
    let bare = test::init_service(App::new().route(
        "/old",
        web::get().to(|| async {
            HttpResponse::Found()
                .insert_header((header::LOCATION, "/new"))
                .finish()
        }),
    ))
    .await;
    let out = b.fetch(&bare, Fetch::get("/old")).await;
    assert_eq!(out.blocked().unwrap().step, Step::Redirect);

    // A preflight answered with a redirect.
    let seen = Seen::default();
    let redirecting = scripted!(
        seen,
        (308, vec![ALLOW_PAGE, ("location", "/b")]),
        (200, vec![ALLOW_PAGE])
    );
    let out = b.fetch(&redirecting, Fetch::put("/a")).await;
    assert_eq!(out.blocked().unwrap().reason, Reason::PreflightRedirect);
}

/// "main fetch" (#main-fetch): a same-origin request is not a CORS request: no preflight, every header
/// readable, cookies sent under the default `same-origin` credentials mode.
#[actix_rt::test]
async fn main_fetch_same_origin_requests_skip_cors() {
    let seen = Seen::default();
    let app = scripted!(seen, (204, vec![]), (200, vec![("x-trace", "t")]));
    let b = Browser::new(API);
    let out = b.fetch(&app, Fetch::put("/a").json()).await;
    assert!(out.is_allowed(), "{out}");
    assert_eq!(out.preflight(), Preflight::NotNeeded);
    assert_eq!(out.header("x-trace"), Some("t"));
}

/// The app, not the policy, at fault: an auth guard wrapped outside corsair turns the
/// preflight into a 401 without CORS headers.
#[actix_rt::test]
async fn auth_middleware_outside_cors_blocks_the_preflight() {
    async fn auth(
        req: actix_web::dev::ServiceRequest,
        next: Next<impl actix_web::body::MessageBody>,
    ) -> Result<ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
        if req.headers().contains_key(header::AUTHORIZATION) {
            next.call(req).await
        } else {
            Err(actix_web::error::ErrorUnauthorized("no token"))
        }
    }
    let cors = || {
        Cors::default()
            .allowed_origin(PAGE)
            .allowed_methods(["PUT"])
            .allowed_header("authorization")
    };
    let wrong = test::init_service(
        App::new()
            .wrap(cors())
            .wrap(from_fn(auth)) // outermost: runs before corsair
            .route("/a", web::put().to(|| async { "ok" })),
    )
    .await;
    let right = test::init_service(
        App::new()
            .wrap(from_fn(auth))
            .wrap(cors())
            .route("/a", web::put().to(|| async { "ok" })),
    )
    .await;
    let f = || Fetch::put("/a").header("Authorization", "Bearer t");
    let out = Browser::new(PAGE).fetch(&wrong, f()).await;
    assert_eq!(out.preflight(), Preflight::Sent(401));
    assert_eq!(out.blocked().unwrap().reason, Reason::MissingAllowOrigin);
    let out = Browser::new(PAGE).fetch(&right, f()).await;
    assert!(out.is_allowed(), "{out}");
    // Same with actix-cors: the simulator is a client, not a corsair test.
    let actix = test::init_service(
        App::new()
            .wrap(
                actix_cors::Cors::default()
                    .allowed_origin(PAGE)
                    .allowed_methods(["PUT"])
                    .allowed_header("authorization"),
            )
            .wrap(from_fn(auth))
            .route("/a", web::put().to(|| async { "ok" })),
    )
    .await;
    let out = Browser::new(PAGE).fetch(&actix, f()).await;
    assert_eq!(out.blocked().unwrap().reason, Reason::MissingAllowOrigin);
}

/// The app at fault: a route that answers OPTIONS itself, outside any CORS middleware.
#[actix_rt::test]
async fn a_handler_answering_options_itself_blocks_the_preflight() {
    let app = test::init_service(
        App::new()
            .route(
                "/a",
                web::method(actix_web::http::Method::OPTIONS).to(|| async {
                    HttpResponse::Ok()
                        .insert_header((header::ALLOW, "GET, PUT"))
                        .finish()
                }),
            )
            .service(
                web::scope("")
                    .wrap(
                        Cors::default()
                            .allowed_origin(PAGE)
                            .allowed_methods(["PUT"]),
                    )
                    .route("/a", web::put().to(|| async { "ok" })),
            ),
    )
    .await;
    let out = Browser::new(PAGE).fetch(&app, Fetch::put("/a")).await;
    assert_eq!(out.preflight(), Preflight::Sent(200));
    assert_eq!(out.blocked().unwrap().reason, Reason::MissingAllowOrigin);
}

/// corsair and actix-cors, same policy: the simulator sees the same for both.
#[actix_rt::test]
async fn corsair_and_actix_cors_look_the_same_to_the_browser() {
    let corsair_app = test::init_service(
        App::new()
            .wrap(
                Cors::default()
                    .allowed_origin(PAGE)
                    .allowed_methods(["GET", "PUT"])
                    .allowed_header("content-type")
                    .expose_headers(["x-id"])
                    .supports_credentials(),
            )
            .route(
                "/a",
                web::to(|| async { HttpResponse::Ok().insert_header(("x-id", "1")).body("a") }),
            ),
    )
    .await;
    let actix_app = test::init_service(
        App::new()
            .wrap(
                actix_cors::Cors::default()
                    .allowed_origin(PAGE)
                    .allowed_methods(["GET", "PUT"])
                    .allowed_header("content-type")
                    .expose_headers(["x-id"])
                    .supports_credentials(),
            )
            .route(
                "/a",
                web::to(|| async { HttpResponse::Ok().insert_header(("x-id", "1")).body("a") }),
            ),
    )
    .await;
    for (page, f) in [
        (PAGE, Fetch::get("/a").credentials()),
        (PAGE, Fetch::put("/a").json().credentials()),
        (PAGE, Fetch::put("/a").header("x-other", "1")),
        ("http://evil.test", Fetch::get("/a")),
        ("http://evil.test", Fetch::put("/a").json()),
    ] {
        let a = Browser::new(page).fetch(&corsair_app, f.clone()).await;
        let b = Browser::new(page).fetch(&actix_app, f).await;
        assert_eq!(
            a.is_allowed(),
            b.is_allowed(),
            "corsair: {a}\nactix-cors: {b}"
        );
        assert_eq!(
            (a.status(), a.header("x-id")),
            (b.status(), b.header("x-id"))
        );
    }
}

/// "CORS-preflight fetch" (#cors-preflight-fetch) step 7 and "redirect status" (#redirect-status):
/// only 301, 302, 303, 307 and 308 with a `Location` are redirects. A 3xx without `Location`,
/// a 300 and a 304 are plain answers that fail the ok-status check, which is what Chromium 156
/// says for each of them ("It does not have HTTP ok status."); a 301 with `Location` is a
/// refused preflight redirect; and the CORS check still comes first.
#[actix_rt::test]
async fn a_3xx_without_location_and_a_304_fail_the_preflight_ok_status_check() {
    let not_ok = "Response to preflight request doesn't pass access control check: It does not \
                  have HTTP ok status.";
    let redirect = "Response to preflight request doesn't pass access control check: Redirect is \
                    not allowed for a preflight request.";
    let cases: [(u16, Headers, Reason, &str); 6] = [
        (304, vec![ALLOW_PAGE], Reason::PreflightNotOk(304), not_ok),
        (302, vec![ALLOW_PAGE], Reason::PreflightNotOk(302), not_ok),
        (
            300,
            vec![ALLOW_PAGE, ("location", "/x")],
            Reason::PreflightNotOk(300),
            not_ok,
        ),
        (
            301,
            vec![ALLOW_PAGE, ("location", "/x")],
            Reason::PreflightRedirect,
            redirect,
        ),
        (
            303,
            vec![],
            Reason::MissingAllowOrigin,
            "Response to preflight request doesn't pass access control check: No \
             'Access-Control-Allow-Origin' header is present on the requested resource.",
        ),
        (
            304,
            vec![],
            Reason::MissingAllowOrigin,
            "Response to preflight request doesn't pass access control check: No \
             'Access-Control-Allow-Origin' header is present on the requested resource.",
        ),
    ];
    for (status, headers, reason, tail) in cases {
        let seen = Seen::default();
        let app = scripted!(seen, (status, headers), (200, vec![ALLOW_PAGE]));
        let out = Browser::new(PAGE).fetch(&app, Fetch::put("/a")).await;
        let blocked = out.blocked().unwrap_or_else(|| panic!("{status}: {out}"));
        assert_eq!((blocked.step, &blocked.reason), (Step::Preflight, &reason));
        assert!(out.console_message().unwrap().ends_with(tail), "{out}");
        assert_eq!(seen.lock().unwrap().len(), 1, "only the preflight was sent");
    }
}

/// "CORS-preflight fetch" (#cors-preflight-fetch) step 7.8: with several refused request
/// headers the request is refused for each of them. Chromium names one of them, in an order of
/// its own (with `x-zeta` and `x-alpha` refused it names `x-zeta`; with `x-m`, `x-b`, `x-y`,
/// `x-m`), so the outcome lists all of them and says the named one may differ.
#[actix_rt::test]
async fn several_refused_headers_are_all_listed_and_the_named_one_may_differ() {
    let seen = Seen::default();
    let app = scripted!(
        seen,
        (
            204,
            vec![ALLOW_PAGE, ("access-control-allow-headers", "x-allowed")]
        ),
        (200, vec![ALLOW_PAGE])
    );
    let out = Browser::new(PAGE)
        .fetch(
            &app,
            Fetch::get("/a")
                .header("X-Zeta", "1")
                .header("X-Allowed", "1")
                .header("X-Alpha", "1"),
        )
        .await;
    assert_eq!(out.refused_headers(), ["x-alpha", "x-zeta"]);
    assert!(matches!(
        &out.blocked().unwrap().reason,
        Reason::HeaderNotAllowed(h) if out.refused_headers().contains(h)
    ));
    assert!(
        out.to_string()
            .contains("every request header the preflight refused: x-alpha, x-zeta"),
        "{out}"
    );
    let one = Browser::new(PAGE)
        .fetch(&app, Fetch::get("/b").header("X-Zeta", "1"))
        .await;
    assert_eq!(one.refused_headers(), ["x-zeta"]);
    assert!(!one.to_string().contains("every request header"), "{one}");
}

/// "CORS-filtered response" (#concept-filtered-response-cors): a header the app sent but did
/// not expose is `None` to the script; the outcome says it was sent, hidden, and how to expose
/// it, and says why when `*` met credentials.
#[actix_rt::test]
async fn an_unexposed_header_is_reported_as_sent_but_hidden_with_its_fix() {
    let seen = Seen::default();
    let app = scripted!(
        seen,
        (204, vec![]),
        (
            200,
            vec![
                ALLOW_PAGE,
                ("access-control-allow-credentials", "true"),
                ("access-control-expose-headers", "x-exposed"),
                ("x-request-id", "r1"),
                ("x-exposed", "e"),
                ("vary", "Origin"),
                ("set-cookie", "a=1"),
            ]
        )
    );
    let b = Browser::new(PAGE);
    let out = b.fetch(&app, Fetch::get("/a")).await;
    assert_eq!(out.header("x-request-id"), None);
    assert_eq!(out.header("x-exposed"), Some("e"));
    assert_eq!(out.hidden_headers(), ["x-request-id"]);
    let shown = out.to_string();
    assert!(
        shown.contains("sent by the app but hidden from the script: x-request-id"),
        "{shown}"
    );
    assert!(
        shown.contains(r#"`.expose_headers(["x-request-id"])`"#),
        "{shown}"
    );

    let star = scripted!(
        seen,
        (204, vec![]),
        (
            200,
            vec![
                ALLOW_PAGE,
                ("access-control-allow-credentials", "true"),
                ("access-control-expose-headers", "*"),
                ("x-request-id", "r1"),
            ]
        )
    );
    let without = b.fetch(&star, Fetch::get("/a")).await;
    assert_eq!(without.header("x-request-id"), Some("r1"));
    assert!(without.hidden_headers().is_empty(), "{without}");
    let with = b.fetch(&star, Fetch::get("/a").credentials()).await;
    assert_eq!(with.hidden_headers(), ["x-request-id"]);
    assert!(
        with.to_string()
            .contains("`Access-Control-Expose-Headers: *` exposes nothing under credentials"),
        "{with}"
    );
    let same_origin = Browser::new(API).fetch(&app, Fetch::get("/a")).await;
    assert!(same_origin.hidden_headers().is_empty());
}

/// The headers of one request as the scripted server saw them.
fn request(seen: &Seen, i: usize) -> (String, Vec<(String, String)>) {
    seen.lock().unwrap()[i].clone()
}

fn metadata(headers: &[(String, String)]) -> [Option<&str>; 4] {
    [
        "sec-fetch-site",
        "sec-fetch-mode",
        "sec-fetch-dest",
        "sec-fetch-user",
    ]
    .map(|n| header(headers, n))
}

/// Fetch Metadata (w3c.github.io/webappsec-fetch-metadata, "append the Fetch metadata headers
/// for a request"): `Sec-Fetch-Site` is same-origin, same-site (same scheme and registrable
/// domain) or cross-site, over the whole redirect chain; `Sec-Fetch-Mode` is the request's
/// mode (`cors` for every `fetch()`, same-origin ones too); `Sec-Fetch-Dest` is `empty` for
/// `fetch()`; preflights carry them too; and URLs that are not potentially trustworthy get
/// none. Checked against Chromium 156 in tests/it/browser/simulator_vs_chromium.rs.
#[actix_rt::test]
async fn every_request_carries_fetch_metadata_as_chromium_sends_it() {
    let seen = Seen::default();
    let app = scripted!(
        seen,
        (
            204,
            vec![
                ("access-control-allow-origin", "https://app.example.com"),
                ("access-control-allow-methods", "PUT")
            ]
        ),
        (
            200,
            vec![("access-control-allow-origin", "https://app.example.com")]
        )
    );
    let site = |page: &str, api: &str| Browser::new(page).app_origin(api);
    let cases = [
        (
            site("https://api.example.com", "https://api.example.com"),
            "same-origin",
        ),
        (
            site("https://app.example.com", "https://api.example.com"),
            "same-site",
        ),
        (
            site("http://localhost:5173", "http://localhost:8080"),
            "same-site",
        ),
        (
            site("https://evil.example", "https://api.example.com"),
            "cross-site",
        ),
        (
            site("http://api.example.com", "https://api.example.com"),
            "cross-site",
        ),
        (
            site("https://alice.github.io", "https://bob.github.io"),
            "cross-site",
        ),
    ];
    for (browser, expected) in cases {
        seen.lock().unwrap().clear();
        browser.fetch(&app, Fetch::get("/a")).await;
        let (_, h) = request(&seen, 0);
        assert_eq!(
            metadata(&h),
            [Some(expected), Some("cors"), Some("empty"), None],
            "{}",
            browser.origin()
        );
    }
    // Preflight and actual request both carry them.
    seen.lock().unwrap().clear();
    site("https://app.example.com", "https://api.example.com")
        .fetch(&app, Fetch::put("/a"))
        .await;
    for i in 0..2 {
        let (m, h) = request(&seen, i);
        assert_eq!(
            metadata(&h),
            [Some("same-site"), Some("cors"), Some("empty"), None],
            "{m}"
        );
    }
    // Not potentially trustworthy: no Sec-Fetch-* at all.
    seen.lock().unwrap().clear();
    site("http://app.example.com", "http://api.example.com")
        .fetch(&app, Fetch::get("/a"))
        .await;
    let (_, h) = request(&seen, 0);
    assert_eq!(metadata(&h), [None; 4]);
}

/// Fetch Metadata, `Sec-Fetch-Site` over a redirect chain: a same-origin request redirected
/// through the app stays same-origin; the value is recomputed on each hop.
#[actix_rt::test]
async fn sec_fetch_site_is_recomputed_on_every_redirect_hop() {
    let seen = Seen::default();
    let app = scripted!(seen, (204, vec![]), (302, vec![("location", "/b")]));
    let b = Browser::new(API);
    let out = b.fetch(&app, Fetch::get("/a")).await;
    assert_eq!(
        out.blocked().map(|b| &b.reason),
        Some(&Reason::TooManyRedirects)
    );
    let (_, h) = request(&seen, 5);
    assert_eq!(header(&h, "sec-fetch-site"), Some("same-origin"));
}

/// A stand-in for a cross-origin write guard, written by hand for these tests: writes and
/// WebSocket handshakes whose `Origin` is present and not the app's own are refused with 403.
/// Everything it saw is recorded.
macro_rules! guarded_bank {
    ($seen:expr) => {{
        let seen: Seen = $seen.clone();
        test::init_service(
            App::new()
                .app_data(web::Data::new(seen))
                .wrap(from_fn(
                    |req: actix_web::dev::ServiceRequest, next: Next<_>| async move {
                        let seen = req.app_data::<web::Data<Seen>>().unwrap().clone();
                        let headers = req
                            .headers()
                            .iter()
                            .map(|(n, v)| (n.to_string(), v.to_str().unwrap().to_owned()))
                            .collect();
                        seen.lock()
                            .unwrap()
                            .push((req.method().to_string(), headers));
                        let foreign = req
                            .headers()
                            .get("origin")
                            .is_some_and(|o| o != "https://bank.example");
                        let write = !matches!(req.method().as_str(), "GET" | "HEAD" | "OPTIONS");
                        let socket = req.headers().contains_key("upgrade");
                        if foreign && (write || socket) {
                            let res =
                                HttpResponse::Forbidden().body("cross-origin request refused");
                            return Ok(req.into_response(res).map_into_right_body());
                        }
                        next.call(req).await.map(|r| r.map_into_left_body())
                    },
                ))
                .route(
                    "/transfer",
                    web::post().to(|req: HttpRequest| async move {
                        match req.cookie("session") {
                            Some(_) => HttpResponse::SeeOther()
                                .insert_header((header::LOCATION, "/done"))
                                .finish(),
                            None => HttpResponse::Unauthorized().body("log in first"),
                        }
                    }),
                )
                .route("/done", web::get().to(|| async { "transfer done" }))
                .route(
                    "/ws",
                    web::get().to(|req: HttpRequest| async move {
                        match actix_http::ws::handshake(req.head()) {
                            Ok(mut res) => HttpResponse::from(res.finish()).map_into_boxed_body(),
                            Err(_) => HttpResponse::BadRequest().finish(),
                        }
                    }),
                ),
        )
        .await
    }};
}

const BANK: &str = "https://bank.example";

/// What a user of the simulator can now write: a cross-site form POST is refused, a same-origin
/// one passes, and a socket from evil.example does not open while the app's own does.
#[actix_rt::test]
async fn a_cross_site_form_post_is_refused_and_a_same_origin_one_passes() {
    let seen = Seen::default();
    let app = guarded_bank!(seen);
    let evil = Browser::new("https://evil.example").app_origin(BANK);
    evil.set_cookie("session=s1; Secure; HttpOnly; SameSite=None");
    let nav = evil
        .submit(&app, Form::post("/transfer").field("to", "mallory"))
        .await;
    assert_eq!(nav.status(), 403, "{nav}");
    assert_eq!(nav.requests_sent().len(), 1);

    let own = Browser::new(BANK).app_origin(BANK);
    own.set_cookie("session=s1; Secure; HttpOnly; SameSite=Lax");
    let nav = own
        .submit(&app, Form::post("/transfer").field("to", "alice").by_user())
        .await;
    assert_eq!(nav.status(), 200, "{nav}");
    assert_eq!(nav.text(), "transfer done");
    assert_eq!(
        nav.requests_sent(),
        [
            ("POST".to_owned(), "/transfer".to_owned(), 303),
            ("GET".to_owned(), "/done".to_owned(), 200)
        ]
    );
}

/// See above: a socket from evil.example does not open, the app's own does.
#[actix_rt::test]
async fn a_socket_from_evil_example_does_not_open() {
    let seen = Seen::default();
    let app = guarded_bank!(seen);
    let evil = Browser::new("https://evil.example").app_origin(BANK);
    let socket = evil.websocket(&app, "/ws").await;
    assert!(!socket.is_open());
    assert_eq!(
        socket.failure(),
        Some(&SocketFailure::UnexpectedStatus(403))
    );
    assert_eq!(
        socket.to_string(),
        "WebSocket connection to 'wss://bank.example/ws' failed: Error during WebSocket \
         handshake: Unexpected response code: 403 (from origin 'https://evil.example')"
    );
    let own = Browser::new(BANK).app_origin(BANK);
    let socket = own.websocket(&app, "wss://bank.example/ws").await;
    assert!(socket.is_open(), "{socket}");
    assert_eq!(socket.status(), 101);
}

/// HTML "form submission" + Fetch Metadata + RFC 6265bis `SameSite`: a form is a navigation
/// (`navigate`, `document` or `iframe`, `Sec-Fetch-User` only when the user submitted it),
/// with `Origin` on POST only and `Upgrade-Insecure-Requests: 1`; cross-site, a POST carries
/// `SameSite=None` cookies and young cookies without `SameSite` (Chromium's 2-minute
/// "Lax-allowing-unsafe"), a top-level GET carries `Lax` ones too, and `Strict` ones never go.
#[actix_rt::test]
async fn form_submissions_send_what_chromium_sends() {
    let seen = Seen::default();
    let app = scripted!(seen, (204, vec![]), (200, vec![]));
    let evil = Browser::new("https://evil.example").app_origin(BANK);
    for c in [
        "strict=1; SameSite=Strict; Secure",
        "lax=1; SameSite=Lax; Secure",
        "none=1; SameSite=None; Secure",
        "plain=1; Secure",
    ] {
        evil.set_cookie(c);
    }
    let sent = |i: usize| request(&seen, i).1;

    evil.submit(&app, Form::post("/t").field("a", "1 2")).await;
    let h = sent(0);
    assert_eq!(
        metadata(&h),
        [Some("cross-site"), Some("navigate"), Some("document"), None]
    );
    assert_eq!(header(&h, "origin"), Some("https://evil.example"));
    assert_eq!(
        header(&h, "content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(header(&h, "upgrade-insecure-requests"), Some("1"));
    assert_eq!(header(&h, "cookie"), Some("none=1; plain=1"));

    evil.submit(&app, Form::get("/t").field("q", "x").by_user())
        .await;
    let h = sent(1);
    assert_eq!(
        metadata(&h),
        [
            Some("cross-site"),
            Some("navigate"),
            Some("document"),
            Some("?1")
        ]
    );
    assert_eq!(header(&h, "origin"), None, "no Origin on a GET navigation");
    assert_eq!(header(&h, "cookie"), Some("lax=1; none=1; plain=1"));

    evil.submit(&app, Form::get("/t").in_iframe()).await;
    let h = sent(2);
    assert_eq!(header(&h, "sec-fetch-dest"), Some("iframe"));
    assert_eq!(
        header(&h, "cookie"),
        Some("none=1"),
        "a frame is not top-level"
    );

    evil.advance(Duration::from_secs(121));
    evil.submit(&app, Form::post("/t")).await;
    assert_eq!(
        header(&sent(3), "cookie"),
        Some("none=1"),
        "older than 2 minutes"
    );

    let own = Browser::new(BANK).app_origin(BANK);
    own.set_cookie("strict=1; SameSite=Strict");
    own.submit(&app, Form::post("/t").text_plain().field("a", "b"))
        .await;
    let h = sent(4);
    assert_eq!(header(&h, "sec-fetch-site"), Some("same-origin"));
    assert_eq!(header(&h, "content-type"), Some("text/plain"));
    assert_eq!(header(&h, "cookie"), Some("strict=1"));
}

/// Fetch "establish a WebSocket connection" and RFC 6455 §4.1: the handshake is a GET with
/// `Upgrade`, `Connection`, `Sec-WebSocket-Version: 13`, a key, and the page's `Origin` (any
/// origin, no CORS check), no `Sec-Fetch-*` (Chromium 156 sends none), cookies as for a
/// cross-site subresource; it opens only on 101 with the right `Sec-WebSocket-Accept`.
#[actix_rt::test]
async fn a_websocket_handshake_sends_origin_and_opens_only_on_a_correct_101() {
    let seen = Seen::default();
    let app = guarded_bank!(seen);
    let own = Browser::new(BANK).app_origin(BANK);
    own.set_cookie("session=s1; SameSite=Lax");
    let socket = own.websocket(&app, "/ws").await;
    assert!(socket.is_open(), "{socket}");
    let (m, h) = request(&seen, 0);
    assert_eq!(m, "GET");
    assert_eq!(header(&h, "upgrade"), Some("websocket"));
    assert_eq!(header(&h, "connection"), Some("Upgrade"));
    assert_eq!(header(&h, "sec-websocket-version"), Some("13"));
    assert_eq!(header(&h, "origin"), Some(BANK));
    assert_eq!(header(&h, "cookie"), Some("session=s1"));
    assert_eq!(metadata(&h), [None; 4]);
    let key = header(&h, "sec-websocket-key").unwrap().to_owned();
    assert_eq!(key.len(), 24, "base64 of 16 bytes");

    // A 101 without the right accept value, or a plain 200, does not open.
    let seen = Seen::default();
    let wrong = scripted!(
        seen,
        (204, vec![]),
        (
            101,
            vec![
                ("upgrade", "websocket"),
                ("connection", "Upgrade"),
                ("sec-websocket-accept", "AAAA")
            ]
        )
    );
    let socket = own.websocket(&wrong, "/ws").await;
    assert_eq!(
        socket.failure(),
        Some(&SocketFailure::BadAccept(Some("AAAA".into())))
    );
    let plain = scripted!(seen, (204, vec![]), (200, vec![]));
    let socket = own.websocket(&plain, "/ws").await;
    assert_eq!(
        socket.failure(),
        Some(&SocketFailure::UnexpectedStatus(200))
    );
}

/// Fetch "main fetch" for `mode: 'no-cors'`: no preflight, no CORS check, an opaque response;
/// non-safelisted headers are dropped and non-safelisted methods throw before sending.
#[actix_rt::test]
async fn a_no_cors_fetch_is_sent_without_asking_and_is_opaque() {
    let seen = Seen::default();
    let app = scripted!(seen, (204, vec![]), (200, vec![("x-secret", "s")]));
    let evil = Browser::new("https://evil.example").app_origin(BANK);
    let out = evil
        .fetch(
            &app,
            Fetch::post("/t")
                .body("a=1")
                .header("X-Custom", "dropped")
                .no_cors(),
        )
        .await;
    assert!(out.is_allowed() && out.is_opaque(), "{out}");
    assert_eq!((out.status(), out.server_status()), (0, Some(200)));
    assert!(out.readable_headers().is_empty() && out.body().is_empty());
    let (m, h) = request(&seen, 0);
    assert_eq!(m, "POST", "no preflight");
    assert_eq!(header(&h, "x-custom"), None);
    assert_eq!(header(&h, "origin"), Some("https://evil.example"));
    assert_eq!(
        metadata(&h),
        [Some("cross-site"), Some("no-cors"), Some("empty"), None]
    );

    let put = evil.fetch(&app, Fetch::put("/t").no_cors()).await;
    assert_eq!(
        put.blocked().unwrap().reason,
        Reason::NoCorsMethod("PUT".into())
    );
    assert_eq!(seen.lock().unwrap().len(), 1, "nothing sent");
}
