//! corsair around the handlers and middleware real applications have: handlers that set
//! `Vary` (one name, several, several fields, `*`, already `Origin`), handlers returning
//! `Err`, an auth guard inside corsair, `DefaultHeaders`, actix-web's `Compress`, and a
//! two-worker server over real TCP. Promises pinned (README "What goes on the wire",
//! SECURITY.md "What corsair guarantees"):
//! * errors carry CORS headers; a refused preflight carries none and reaches no handler;
//! * `Vary` is one field, the handler's names kept, `Origin` added once, nothing duplicated.

use std::sync::{
    atomic::{AtomicUsize, Ordering},
    Arc,
};

use actix_web::{
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    http::{
        header::{self, HeaderValue},
        Method, StatusCode,
    },
    middleware::{from_fn, DefaultHeaders, Next},
    test as atest, web, App, HttpResponse, ResponseError,
};
use corsair::Cors;

use crate::common::{
    guard::{require_token, GuardCalls},
    raw_http::{self, values},
    server::two_worker_server,
};

const APP: &str = "https://app.example.com";
const EVIL: &str = "https://evil.example";

fn policy() -> Cors {
    Cors::default()
        .allowed_origin(APP)
        .allowed_methods(["GET", "PUT"])
        .allowed_headers(["authorization", "content-type"])
        .expose_headers(["x-request-id"])
        .supports_credentials()
}

fn get(path: &str, origin: Option<&str>) -> atest::TestRequest {
    let r = atest::TestRequest::get().uri(path);
    match origin {
        Some(o) => r.insert_header((header::ORIGIN, o)),
        None => r,
    }
}

fn preflight(path: &str, origin: &str, method: &str, headers: &str) -> atest::TestRequest {
    atest::TestRequest::default()
        .method(Method::OPTIONS)
        .uri(path)
        .insert_header((header::ORIGIN, origin))
        .insert_header((header::ACCESS_CONTROL_REQUEST_METHOD, method))
        .insert_header((header::ACCESS_CONTROL_REQUEST_HEADERS, headers))
}

/// Every `Vary` field line of a response.
fn vary_fields(h: &header::HeaderMap) -> Vec<String> {
    h.get_all(header::VARY)
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

/// The names in the single `Vary` field, lower-cased; fails on zero or several fields and
/// on a name listed twice.
fn one_vary(h: &header::HeaderMap) -> Vec<String> {
    let fields = vary_fields(h);
    assert_eq!(fields.len(), 1, "want exactly one Vary field: {fields:?}");
    let names: Vec<String> = fields[0]
        .split(',')
        .map(|s| s.trim().to_ascii_lowercase())
        .filter(|s| !s.is_empty())
        .collect();
    let mut dedup = names.clone();
    dedup.sort();
    dedup.dedup();
    assert_eq!(
        dedup.len(),
        names.len(),
        "a name is listed twice: {fields:?}"
    );
    names
}

fn acao(h: &header::HeaderMap) -> Option<&str> {
    h.get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
        .map(|v| v.to_str().unwrap())
}

fn no_cors_grant(h: &header::HeaderMap) -> bool {
    !h.keys().any(|k| {
        let k = k.as_str();
        k.starts_with("access-control-allow-") || k == "access-control-expose-headers"
    })
}

/// The grant a credentialed request from `APP` needs (Fetch CORS check).
fn assert_granted(h: &header::HeaderMap, ctx: &str) {
    assert_eq!(acao(h), Some(APP), "{ctx}: {h:?}");
    assert_eq!(
        h.get(header::ACCESS_CONTROL_ALLOW_CREDENTIALS)
            .map(|v| v.as_bytes()),
        Some(&b"true"[..]),
        "{ctx}"
    );
    assert_eq!(
        h.get(header::ACCESS_CONTROL_EXPOSE_HEADERS)
            .map(|v| v.as_bytes()),
        Some(&b"x-request-id"[..]),
        "{ctx}"
    );
}

// ---------------------------------------------------------------------------------------------
// Handlers that set `Vary`
// ---------------------------------------------------------------------------------------------

/// A handler that sets the given `Vary` field lines (appended, so several lines are possible).
fn vary_app(
    fields: &'static [&'static str],
) -> App<
    impl actix_web::dev::ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    App::new()
        .wrap(policy())
        .default_service(web::to(move || async move {
            let mut res = HttpResponse::Ok().body("v");
            for f in fields {
                res.headers_mut()
                    .append(header::VARY, HeaderValue::from_static(f));
            }
            res
        }))
}

#[actix_rt::test]
async fn handler_vary_of_one_or_several_names_is_kept_and_origin_added_once() {
    let cases: [(&[&str], &[&str]); 9] = [
        (&["Accept-Encoding"], &["accept-encoding"]),
        (&["Accept-Encoding, Cookie"], &["accept-encoding", "cookie"]),
        // Two field lines from the handler: merged into one, both names kept.
        (
            &["Accept-Encoding", "Cookie"],
            &["accept-encoding", "cookie"],
        ),
        (
            &["Accept-Language", "Accept-Encoding, Cookie"],
            &["accept-language", "accept-encoding", "cookie"],
        ),
        // Already `Origin` (in another case): not added a second time.
        (&["origin, Accept-Encoding"], &["accept-encoding"]),
        (&["ORIGIN"], &[]),
        (&["Accept-Encoding", "Origin"], &["accept-encoding"]),
        // Odd but legal list syntax: empty elements, no space after the comma.
        (
            &["Accept-Encoding,,Cookie ,"],
            &["accept-encoding", "cookie"],
        ),
        (&[""], &[]),
    ];
    for (handler, kept) in cases {
        let app = atest::init_service(vary_app(handler)).await;
        for origin in [Some(APP), Some(EVIL), None] {
            let res = atest::call_service(&app, get("/x", origin).to_request()).await;
            let ctx = format!("handler Vary {handler:?}, Origin {origin:?}");
            assert_eq!(res.status(), StatusCode::OK, "{ctx}");
            if origin == Some(APP) {
                assert_granted(res.headers(), &ctx);
            } else {
                assert!(no_cors_grant(res.headers()), "{ctx}");
            }
            let names_origin = handler
                .iter()
                .flat_map(|f| f.split(','))
                .any(|n| n.trim().eq_ignore_ascii_case("origin"));
            if names_origin {
                // Already varies on Origin: corsair leaves the handler's field lines as they
                // are (nothing to add, so nothing to merge or duplicate).
                assert_eq!(vary_fields(res.headers()), handler, "{ctx}");
                continue;
            }
            let names = one_vary(res.headers());
            for k in kept {
                assert!(
                    names.contains(&k.to_string()),
                    "{ctx}: lost `{k}`: {names:?}"
                );
            }
            assert!(names.contains(&"origin".to_owned()), "{ctx}: {names:?}");
        }
    }
}

#[actix_rt::test]
async fn handler_vary_star_stays_star_without_a_second_field() {
    let app = atest::init_service(vary_app(&["*"])).await;
    for origin in [Some(APP), Some(EVIL), None] {
        let res = atest::call_service(&app, get("/x", origin).to_request()).await;
        // `Vary: *` already says "varies on everything" (RFC 9110 §12.5.5).
        assert_eq!(vary_fields(res.headers()), ["*"], "Origin {origin:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

#[derive(Debug)]
struct Invalid;

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("validation failed")
    }
}

impl ResponseError for Invalid {
    fn status_code(&self) -> StatusCode {
        StatusCode::UNPROCESSABLE_ENTITY
    }
    fn error_response(&self) -> HttpResponse {
        HttpResponse::build(self.status_code())
            .insert_header((header::VARY, "Accept-Language"))
            .body("validation failed")
    }
}

#[actix_rt::test]
async fn handler_err_keeps_status_body_type_vary_and_gets_cors_headers() {
    // An outer middleware (outside corsair) checks that the error keeps its type.
    let typed = Arc::new(AtomicUsize::new(0));
    let seen = typed.clone();
    let app = atest::init_service(
        App::new()
            .wrap(policy())
            .wrap(from_fn(move |req: ServiceRequest, next: Next<_>| {
                let seen = seen.clone();
                async move {
                    let res = next.call(req).await?;
                    if res
                        .response()
                        .error()
                        .is_some_and(|e| e.as_error::<Invalid>().is_some())
                    {
                        seen.fetch_add(1, Ordering::SeqCst);
                    }
                    Ok::<_, actix_web::Error>(res)
                }
            }))
            .route(
                "/items",
                web::post().to(|| async { Err::<HttpResponse, _>(Invalid) }),
            ),
    )
    .await;
    let req = atest::TestRequest::post()
        .uri("/items")
        .insert_header((header::ORIGIN, APP));
    let res = atest::call_service(&app, req.to_request()).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_granted(res.headers(), "handler Err");
    let names = one_vary(res.headers());
    assert!(names.contains(&"accept-language".into()) && names.contains(&"origin".into()));
    assert_eq!(typed.load(Ordering::SeqCst), 1, "the error lost its type");
    assert_eq!(atest::read_body(res).await, "validation failed");

    // A refused origin: the same error, no CORS grant.
    let req = atest::TestRequest::post()
        .uri("/items")
        .insert_header((header::ORIGIN, EVIL));
    let res = atest::call_service(&app, req.to_request()).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_cors_grant(res.headers()));
    assert!(one_vary(res.headers()).contains(&"origin".into()));
}

/// What a handler put in its response's extensions (a request id, a metrics label).
#[derive(Clone, Debug, PartialEq)]
struct RouteLabel(&'static str);

#[actix_rt::test]
async fn the_handlers_response_reaches_outer_middleware_whole_status_body_and_extensions() {
    // corsair rebuilds the handler's response around a wider body type: nothing else of it
    // may be lost on the way (an outer middleware reads what the handler left there).
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = seen.clone();
    let app = atest::init_service(
        App::new()
            .wrap(policy())
            .wrap(from_fn(move |req: ServiceRequest, next: Next<_>| {
                let log = log.clone();
                async move {
                    let res = next.call(req).await?;
                    let label = res.response().extensions().get::<RouteLabel>().cloned();
                    log.lock().unwrap().push(label);
                    Ok::<_, actix_web::Error>(res)
                }
            }))
            .route(
                "/labelled",
                web::get().to(|| async {
                    let mut res = HttpResponse::Accepted()
                        .insert_header(("x-request-id", "42"))
                        .body("labelled body");
                    res.extensions_mut().insert(RouteLabel("labelled"));
                    res
                }),
            ),
    )
    .await;
    for origin in [Some(APP), Some(EVIL), None] {
        seen.lock().unwrap().clear();
        let res = atest::call_service(&app, get("/labelled", origin).to_request()).await;
        assert_eq!(res.status(), StatusCode::ACCEPTED, "{origin:?}");
        assert_eq!(
            res.headers().get("x-request-id").unwrap(),
            "42",
            "{origin:?}"
        );
        assert_eq!(
            res.response().extensions().get::<RouteLabel>(),
            Some(&RouteLabel("labelled")),
            "{origin:?}: the handler's extensions are gone"
        );
        assert_eq!(acao(res.headers()), (origin == Some(APP)).then_some(APP));
        assert_eq!(atest::read_body(res).await, "labelled body", "{origin:?}");
        assert_eq!(
            *seen.lock().unwrap(),
            [Some(RouteLabel("labelled"))],
            "{origin:?}"
        );
    }
}

#[actix_rt::test]
async fn auth_guard_inside_corsair_401_is_readable_and_never_sees_the_preflight() {
    let calls = GuardCalls::default();
    let app = atest::init_service(
        App::new()
            .app_data(web::Data::new(calls.clone()))
            .wrap(from_fn(require_token))
            .wrap(policy())
            .route("/items", web::put().to(HttpResponse::Ok)),
    )
    .await;
    // Preflight: answered by corsair, the guard is not called.
    let res = atest::call_service(
        &app,
        preflight("/items", APP, "PUT", "authorization, content-type").to_request(),
    )
    .await;
    assert!(res.status().is_success(), "{}", res.status());
    assert_eq!(acao(res.headers()), Some(APP));
    assert_eq!(calls.get(), 0, "guard saw the preflight");

    // A refused preflight: no CORS headers, and still not the guard.
    let res = atest::call_service(
        &app,
        preflight("/items", EVIL, "PUT", "authorization").to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(no_cors_grant(res.headers()), "{:?}", res.headers());
    assert_eq!(calls.get(), 0);
    assert!(atest::read_body(res).await.is_empty());

    // The actual request without a token: the guard's `Err(401)` goes on as an error (outer
    // middleware can still downcast it); the response the server makes of it carries the
    // grant.
    let req = atest::TestRequest::put()
        .uri("/items")
        .insert_header((header::ORIGIN, APP));
    let err = atest::try_call_service(&app, req.to_request())
        .await
        .expect_err("the guard's Err goes on as an Err");
    let res = err.error_response();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_granted(res.headers(), "guard 401");
    assert_eq!(one_vary(res.headers()), ["origin"]);
    assert_eq!(calls.get(), 1);
}

// ---------------------------------------------------------------------------------------------
// DefaultHeaders and compression
// ---------------------------------------------------------------------------------------------

#[actix_rt::test]
async fn default_headers_inside_corsair_vary_is_merged_and_its_headers_kept() {
    let app = atest::init_service(
        App::new()
            .wrap(
                DefaultHeaders::new()
                    .add((header::VARY, "Accept-Encoding"))
                    .add(("x-frame-options", "DENY")),
            )
            .wrap(policy())
            .default_service(web::to(HttpResponse::Ok)),
    )
    .await;
    let res = atest::call_service(&app, get("/", Some(APP)).to_request()).await;
    assert_granted(res.headers(), "DefaultHeaders inside");
    assert_eq!(one_vary(res.headers()), ["accept-encoding", "origin"]);
    assert_eq!(res.headers().get("x-frame-options").unwrap(), "DENY");
}

#[actix_rt::test]
async fn default_headers_outside_corsair_do_not_break_the_grant_or_vary() {
    let app = atest::init_service(
        App::new()
            .wrap(policy())
            .wrap(DefaultHeaders::new().add(("x-frame-options", "DENY")))
            .default_service(web::to(HttpResponse::Ok)),
    )
    .await;
    let res = atest::call_service(&app, get("/", Some(APP)).to_request()).await;
    assert_granted(res.headers(), "DefaultHeaders outside");
    assert_eq!(one_vary(res.headers()), ["origin"]);
    let res = atest::call_service(
        &app,
        preflight("/", APP, "PUT", "content-type").to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(res.headers().get("x-frame-options").unwrap(), "DENY");
    let names = one_vary(res.headers());
    for n in [
        "origin",
        "access-control-request-method",
        "access-control-request-headers",
    ] {
        assert!(names.contains(&n.to_owned()), "{names:?}");
    }
}

/// A body long enough that gzip is worth it (actix-web's `Compress` encodes any body, but a
/// realistic one makes the test read like the real case).
fn compressible_body() -> String {
    "corsair compresses well; ".repeat(100)
}

/// `GET path` with `Accept-Encoding: gzip`, from `origin` if any.
fn get_gzip(path: &str, origin: Option<&str>) -> atest::TestRequest {
    get(path, origin).insert_header((header::ACCEPT_ENCODING, "gzip"))
}

/// The response was gzip-encoded by `Compress` (so it did run and did add its `Vary`).
fn assert_gzipped(h: &header::HeaderMap, ctx: &str) {
    assert_eq!(
        h.get(header::CONTENT_ENCODING).map(|v| v.to_str().unwrap()),
        Some("gzip"),
        "{ctx}: Compress did not encode the body: {h:?}"
    );
}

#[actix_rt::test]
async fn actix_compress_inside_corsair_gets_one_merged_vary() {
    // `Compress` appends `Vary: accept-encoding` to the handler's response (actix-http's
    // encoder); corsair, outside it, merges everything into one field.
    let app = atest::init_service(
        App::new()
            .wrap(actix_web::middleware::Compress::default())
            .wrap(policy())
            .route(
                "/items",
                web::get().to(|| async {
                    HttpResponse::Ok()
                        .insert_header((header::VARY, "Cookie"))
                        .body(compressible_body())
                }),
            ),
    )
    .await;
    for origin in [Some(APP), Some(EVIL), None] {
        let res = atest::call_service(&app, get_gzip("/items", origin).to_request()).await;
        let ctx = format!("Compress inside, origin {origin:?}");
        assert_gzipped(res.headers(), &ctx);
        let names = one_vary(res.headers());
        assert_eq!(names, ["cookie", "accept-encoding", "origin"], "{ctx}");
        if origin == Some(APP) {
            assert_granted(res.headers(), &ctx);
        } else {
            assert!(no_cors_grant(res.headers()), "{ctx}: {:?}", res.headers());
        }
        let body = atest::read_body(res).await;
        assert!(
            body.len() < compressible_body().len(),
            "{ctx}: body not compressed"
        );
    }
    // A preflight is answered by corsair (inside `Compress`): empty, so nothing to encode.
    let res = atest::call_service(
        &app,
        preflight("/items", APP, "PUT", "content-type")
            .insert_header((header::ACCEPT_ENCODING, "gzip"))
            .to_request(),
    )
    .await;
    assert!(res.status().is_success(), "{:?}", res.status());
    assert_eq!(acao(res.headers()), Some(APP));
}

#[actix_rt::test]
async fn actix_compress_outside_corsair_keeps_the_grant_but_adds_its_own_vary_line() {
    // Outside corsair, `Compress` appends after corsair has merged: two field lines, which
    // HTTP defines as one comma-joined list (RFC 9110 §5.3). corsair cannot merge what is
    // added after it; wrap corsair last (outermost), as the README says.
    let app = atest::init_service(
        App::new()
            .wrap(policy())
            .wrap(actix_web::middleware::Compress::default())
            .route(
                "/items",
                web::get().to(|| async { HttpResponse::Ok().body(compressible_body()) }),
            ),
    )
    .await;
    let res = atest::call_service(&app, get_gzip("/items", Some(APP)).to_request()).await;
    assert_gzipped(res.headers(), "Compress outside");
    assert_granted(res.headers(), "Compress outside");
    assert_eq!(vary_fields(res.headers()), ["Origin", "accept-encoding"]);
}

// ---------------------------------------------------------------------------------------------
// A handler that sets CORS headers itself
// ---------------------------------------------------------------------------------------------

#[actix_rt::test]
async fn a_handler_setting_its_own_cors_headers_is_overridden_when_allowed_and_left_alone_when_refused(
) {
    // SECURITY.md / README: for an allowed origin corsair's values *replace* what the app
    // set; for a refused origin corsair adds nothing, and does not remove what the app set
    // itself (see also the nested-policies test below). An app that
    // writes `Access-Control-Allow-Origin: *` itself therefore widens the policy: the docs
    // say so, and this pins both halves.
    let app = atest::init_service(App::new().wrap(policy()).default_service(web::to(|| async {
        HttpResponse::Ok()
            .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"))
            .insert_header((header::ACCESS_CONTROL_ALLOW_CREDENTIALS, "true"))
            .insert_header((header::ACCESS_CONTROL_EXPOSE_HEADERS, "x-secret"))
            .finish()
    })))
    .await;
    let res = atest::call_service(&app, get("/", Some(APP)).to_request()).await;
    assert_granted(res.headers(), "own headers, allowed origin");
    for name in [
        "access-control-allow-origin",
        "access-control-allow-credentials",
    ] {
        assert_eq!(res.headers().get_all(name).count(), 1, "{name} duplicated");
    }
    let res = atest::call_service(&app, get("/", Some(EVIL)).to_request()).await;
    let acao: Vec<_> = res
        .headers()
        .get_all(header::ACCESS_CONTROL_ALLOW_ORIGIN)
        .collect();
    assert_eq!(
        acao,
        ["*"],
        "corsair added or removed something: {:?}",
        res.headers()
    );
    assert_eq!(
        res.headers()
            .get_all(header::ACCESS_CONTROL_ALLOW_CREDENTIALS)
            .count(),
        1
    );
}

#[actix_rt::test]
async fn a_handler_with_many_headers_own_cors_headers_and_vary_lines_gets_each_promise() {
    // A response of a dozen headers is written by looking each header up rather than in one
    // walk over the response (issue 24): both ways must keep the same promises. Each case is
    // tried with few and with many other headers, and twice, so that the second response
    // takes the remembered `Vary` merge.
    let cases: [&'static [&'static str]; 4] = [
        &[],
        &["Accept-Encoding"],
        &["Accept-Encoding", "Cookie"],
        &["Cookie, origin"],
    ];
    for vary in cases {
        for others in [0usize, 12] {
            let app = atest::init_service(App::new().wrap(policy()).default_service(web::to(
                move || async move {
                    let mut res = HttpResponse::Ok().body("v");
                    let h = res.headers_mut();
                    for i in 0..others {
                        h.insert(
                            header::HeaderName::try_from(format!("x-other-{i}")).unwrap(),
                            HeaderValue::from_static("1"),
                        );
                    }
                    h.insert(
                        header::ACCESS_CONTROL_ALLOW_ORIGIN,
                        HeaderValue::from_static("*"),
                    );
                    h.insert(
                        header::ACCESS_CONTROL_EXPOSE_HEADERS,
                        HeaderValue::from_static("x-secret"),
                    );
                    for line in vary {
                        h.append(header::VARY, HeaderValue::from_static(line));
                    }
                    res
                },
            )))
            .await;
            for round in 0..2 {
                for origin in [Some(APP), Some(EVIL), None] {
                    let res = atest::call_service(&app, get("/", origin).to_request()).await;
                    let h = res.headers();
                    let ctx = format!("Vary {vary:?}, {others} others, {origin:?}, round {round}");
                    if origin == Some(APP) {
                        // Ours replace the handler's, once each.
                        assert_granted(h, &ctx);
                        for name in [
                            header::ACCESS_CONTROL_ALLOW_ORIGIN,
                            header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
                            header::ACCESS_CONTROL_EXPOSE_HEADERS,
                        ] {
                            assert_eq!(h.get_all(&name).count(), 1, "{ctx}: {name} twice");
                        }
                    } else {
                        // Refused or not CORS: the handler's own headers left alone.
                        assert_eq!(acao(h), Some("*"), "{ctx}");
                        assert_eq!(
                            h.get(header::ACCESS_CONTROL_EXPOSE_HEADERS).unwrap(),
                            "x-secret",
                            "{ctx}"
                        );
                    }
                    assert_eq!(
                        h.get_all("x-other-0").count(),
                        usize::from(others > 0),
                        "{ctx}"
                    );
                    if vary == ["Cookie, origin"] {
                        assert_eq!(vary_fields(h), vary, "{ctx}: already varies on Origin");
                        continue;
                    }
                    let mut want: Vec<String> =
                        vary.iter().map(|l| l.to_ascii_lowercase()).collect();
                    want.push("origin".to_owned());
                    assert_eq!(one_vary(h), want, "{ctx}");
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Two workers over real TCP
// ---------------------------------------------------------------------------------------------

fn raw(addr: std::net::SocketAddr, head: &str) -> (String, Vec<(String, String)>) {
    let (status, headers, _) = raw_http::exchange(addr, head);
    (status, headers)
}

#[actix_rt::test]
async fn two_workers_over_tcp_keep_every_promise_on_every_connection() {
    let built = policy().build().expect("valid");
    let threads = Arc::new(std::sync::Mutex::new(std::collections::HashSet::new()));
    let seen_threads = threads.clone();
    let server = two_worker_server(move || {
        let threads = seen_threads.clone();
        App::new()
            .wrap(from_fn(require_token))
            .wrap(built.clone())
            // Outermost, and only to see which worker thread answered each connection.
            .wrap(from_fn(move |req: ServiceRequest, next: Next<_>| {
                threads.lock().unwrap().insert(std::thread::current().id());
                next.call(req)
            }))
            .route(
                "/items",
                web::get().to(|| async {
                    HttpResponse::Ok()
                        .insert_header((header::VARY, "Accept-Encoding"))
                        .body("ok")
                }),
            )
    });
    let addr = server.addr;

    let checks = actix_rt::task::spawn_blocking(move || {
        // Many fresh connections, so both workers answer some.
        for i in 0..24 {
            let ctx = format!("connection {i}");
            let (status, h) = raw(
                addr,
                &format!("GET /items HTTP/1.1\r\nOrigin: {APP}\r\nAuthorization: Bearer t\r\n"),
            );
            assert!(status.starts_with("HTTP/1.1 200"), "{ctx}: {status}");
            assert_eq!(values(&h, "access-control-allow-origin"), [APP], "{ctx}");
            assert_eq!(
                values(&h, "access-control-allow-credentials"),
                ["true"],
                "{ctx}"
            );
            assert_eq!(values(&h, "vary"), ["Accept-Encoding, Origin"], "{ctx}");

            let (status, h) = raw(addr, &format!("GET /items HTTP/1.1\r\nOrigin: {APP}\r\n"));
            assert!(status.starts_with("HTTP/1.1 401"), "{ctx}: {status}");
            assert_eq!(values(&h, "access-control-allow-origin"), [APP], "{ctx}");
            assert_eq!(values(&h, "vary"), ["Origin"], "{ctx}");

            let (status, h) = raw(
                addr,
                &format!(
                    "OPTIONS /items HTTP/1.1\r\nOrigin: {EVIL}\r\n\
                     Access-Control-Request-Method: PUT\r\n\
                     Access-Control-Request-Headers: authorization\r\n"
                ),
            );
            assert!(status.starts_with("HTTP/1.1 403"), "{ctx}: {status}");
            assert!(
                !h.iter().any(|(n, _)| n.starts_with("access-control-")),
                "{ctx}: refused preflight carries CORS headers: {h:?}"
            );

            let (status, h) = raw(
                addr,
                &format!(
                    "OPTIONS /items HTTP/1.1\r\nOrigin: {APP}\r\n\
                     Access-Control-Request-Method: PUT\r\n\
                     Access-Control-Request-Headers: authorization\r\n"
                ),
            );
            assert!(status.starts_with("HTTP/1.1 204"), "{ctx}: {status}");
            assert_eq!(values(&h, "access-control-allow-origin"), [APP], "{ctx}");
            assert_eq!(values(&h, "vary").len(), 1, "{ctx}: {h:?}");
        }
    })
    .await;
    server.stop().await;
    if let Err(e) = checks {
        std::panic::resume_unwind(e.into_panic());
    }
    assert_eq!(
        threads.lock().unwrap().len(),
        2,
        "both workers must have answered"
    );
}

// ---------------------------------------------------------------------------------------------
// Nested policies
// ---------------------------------------------------------------------------------------------

#[actix_rt::test]
async fn nested_policies_are_not_intersected_so_wrap_sibling_scopes_instead() {
    // README: per-scope policies are sibling scopes. Nesting one corsair inside another does
    // not intersect them: the outer one answers every preflight before routing, and on actual
    // requests each grants what it allows (the outer does not strip the inner's grant, and
    // replaces the inner's values with its own). This pins that, so the docs can warn.
    const INNER: &str = "https://inner.example.com";
    let app = atest::init_service(
        App::new()
            .wrap(
                Cors::default()
                    .allowed_origin(APP)
                    .allowed_methods(["PUT"])
                    .allowed_header("content-type"),
            )
            .service(
                web::scope("/s")
                    .wrap(
                        Cors::default()
                            .allowed_origin(INNER)
                            .allowed_methods(["PUT"]),
                    )
                    .default_service(web::to(HttpResponse::Ok)),
            ),
    )
    .await;
    // Allowed by the outer policy only: granted.
    let res = atest::call_service(&app, get("/s/x", Some(APP)).to_request()).await;
    assert_eq!(acao(res.headers()), Some(APP));
    // Allowed by the inner policy only: granted on actual requests...
    let res = atest::call_service(&app, get("/s/x", Some(INNER)).to_request()).await;
    assert_eq!(acao(res.headers()), Some(INNER));
    // ...but its preflight is refused by the outer policy, which answers it (the outer
    // policy's own origin passes the same preflight).
    let res = atest::call_service(
        &app,
        preflight("/s/x", APP, "PUT", "content-type").to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let res = atest::call_service(
        &app,
        preflight("/s/x", INNER, "PUT", "content-type").to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // And `Vary` still holds `Origin` once.
    let res = atest::call_service(&app, get("/s/x", Some(EVIL)).to_request()).await;
    assert_eq!(one_vary(res.headers()), ["origin"]);
    assert!(no_cors_grant(res.headers()));
}
