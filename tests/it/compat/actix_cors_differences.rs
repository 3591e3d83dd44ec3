//! Every observable difference from actix-cors 0.7 that the README's "Coming from actix-cors"
//! lists, pinned side by side: the same request answered by both crates, configured with the
//! same builder chain, and, where one exists, the corsair setting that restores the old answer.

use actix_web::{
    http::{
        header::{self, HeaderMap},
        Method, StatusCode,
    },
    test::{self as atest, TestRequest},
    web, App, HttpResponse,
};

const APP: &str = "https://app.example.com";

/// Status, headers and body of what `cors` (either crate's builder) answers to `req`.
macro_rules! answer {
    ($cors:expr, $req:expr) => {{
        let app = atest::init_service(
            App::new()
                .wrap($cors)
                .default_service(web::to(|| async { HttpResponse::Ok().body("handler") })),
        )
        .await;
        let res = atest::call_service(&app, $req.to_request()).await;
        let (status, headers) = (res.status(), res.headers().clone());
        (status, headers, atest::read_body(res).await)
    }};
}

/// The chain both crates get, written once.
macro_rules! chain {
    ($cors:ty) => {
        <$cors>::default()
            .allowed_origin(APP)
            .allowed_methods(["GET", "PUT"])
            .allowed_header(header::CONTENT_TYPE)
            .supports_credentials()
    };
}

fn get_from(origin: &str) -> TestRequest {
    TestRequest::get()
        .uri("/items")
        .insert_header((header::ORIGIN, origin))
}

fn preflight(origin: &str, method: &str) -> TestRequest {
    TestRequest::default()
        .method(Method::OPTIONS)
        .uri("/items")
        .insert_header((header::ORIGIN, origin))
        .insert_header((header::ACCESS_CONTROL_REQUEST_METHOD, method))
}

fn text(headers: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    headers.get(name).map(|v| v.to_str().unwrap())
}

#[actix_rt::test]
async fn allowed_preflight_is_204_where_actix_cors_says_200_and_preflight_status_restores_200() {
    let (old, ..) = answer!(chain!(actix_cors::Cors), preflight(APP, "PUT"));
    let (new, ..) = answer!(chain!(corsair::Cors), preflight(APP, "PUT"));
    assert_eq!(old, StatusCode::OK);
    assert_eq!(new, StatusCode::NO_CONTENT);
    let (restored, headers, _) = answer!(
        chain!(corsair::Cors).preflight_status(StatusCode::OK),
        preflight(APP, "PUT")
    );
    assert_eq!(restored, StatusCode::OK);
    assert_eq!(
        text(&headers, header::ACCESS_CONTROL_ALLOW_ORIGIN),
        Some(APP)
    );
}

#[actix_rt::test]
async fn refused_preflight_is_403_with_an_empty_body_where_actix_cors_says_400_with_text() {
    let (old, _, old_body) = answer!(
        chain!(actix_cors::Cors),
        preflight("https://evil.example", "PUT")
    );
    let (new, headers, new_body) = answer!(
        chain!(corsair::Cors),
        preflight("https://evil.example", "PUT")
    );
    assert_eq!(old, StatusCode::BAD_REQUEST);
    assert!(!old_body.is_empty());
    assert_eq!(new, StatusCode::FORBIDDEN);
    assert!(new_body.is_empty());
    assert_eq!(text(&headers, header::ACCESS_CONTROL_ALLOW_ORIGIN), None);

    // The same for an actual request under `block_on_origin_mismatch(true)`.
    let (old, ..) = answer!(
        chain!(actix_cors::Cors).block_on_origin_mismatch(true),
        get_from("https://evil.example")
    );
    let (new, _, body) = answer!(
        chain!(corsair::Cors).block_on_origin_mismatch(true),
        get_from("https://evil.example")
    );
    assert_eq!(old, StatusCode::BAD_REQUEST);
    assert_eq!(new, StatusCode::FORBIDDEN);
    assert_ne!(body, "handler");
}

#[actix_rt::test]
async fn actual_requests_vary_on_origin_only_where_actix_cors_adds_the_preflight_names() {
    let (_, old, _) = answer!(chain!(actix_cors::Cors), get_from(APP));
    let (_, new, _) = answer!(chain!(corsair::Cors), get_from(APP));
    assert_eq!(
        text(&old, header::VARY),
        Some("Origin, Access-Control-Request-Method, Access-Control-Request-Headers")
    );
    assert_eq!(text(&new, header::VARY), Some("Origin"));
    // Preflights vary on all three in both crates.
    let (_, new, _) = answer!(chain!(corsair::Cors), preflight(APP, "PUT"));
    assert_eq!(
        text(&new, header::VARY),
        Some("Origin, Access-Control-Request-Method, Access-Control-Request-Headers")
    );
}

#[actix_rt::test]
async fn allow_credentials_is_sent_only_beside_an_allowed_origin() {
    // A refused origin: actix-cors still says credentials are allowed; corsair says nothing.
    let (_, old, _) = answer!(chain!(actix_cors::Cors), get_from("https://evil.example"));
    let (_, new, _) = answer!(chain!(corsair::Cors), get_from("https://evil.example"));
    assert_eq!(
        text(&old, header::ACCESS_CONTROL_ALLOW_CREDENTIALS),
        Some("true")
    );
    assert_eq!(text(&old, header::ACCESS_CONTROL_ALLOW_ORIGIN), None);
    assert_eq!(text(&new, header::ACCESS_CONTROL_ALLOW_CREDENTIALS), None);
    // No `Origin` at all: the same.
    let (_, old, _) = answer!(chain!(actix_cors::Cors), TestRequest::get().uri("/items"));
    let (_, new, _) = answer!(chain!(corsair::Cors), TestRequest::get().uri("/items"));
    assert_eq!(
        text(&old, header::ACCESS_CONTROL_ALLOW_CREDENTIALS),
        Some("true")
    );
    assert_eq!(text(&new, header::ACCESS_CONTROL_ALLOW_CREDENTIALS), None);
    // An allowed origin gets it from both.
    let (_, new, _) = answer!(chain!(corsair::Cors), get_from(APP));
    assert_eq!(
        text(&new, header::ACCESS_CONTROL_ALLOW_CREDENTIALS),
        Some("true")
    );
}

#[actix_rt::test]
async fn permissive_allows_no_credentials_and_a_localhost_pattern_is_the_dev_replacement() {
    let dev = "http://localhost:3000";
    let (_, old, _) = answer!(actix_cors::Cors::permissive(), get_from(dev));
    let (_, new, _) = answer!(corsair::Cors::permissive(), get_from(dev));
    assert_eq!(text(&old, header::ACCESS_CONTROL_ALLOW_ORIGIN), Some(dev));
    assert_eq!(
        text(&old, header::ACCESS_CONTROL_ALLOW_CREDENTIALS),
        Some("true")
    );
    assert_eq!(text(&new, header::ACCESS_CONTROL_ALLOW_ORIGIN), Some(dev));
    assert_eq!(text(&new, header::ACCESS_CONTROL_ALLOW_CREDENTIALS), None);
    // Any origin with credentials is refused at build time...
    assert!(corsair::Cors::permissive()
        .supports_credentials()
        .build()
        .is_err());
    // ...and local development with cookies names its origins instead.
    let (status, headers, _) = answer!(
        corsair::Cors::default()
            .allowed_origin_pattern("http://localhost:*")
            .allow_any_method()
            .allow_any_header()
            .supports_credentials(),
        preflight(dev, "PATCH").insert_header((header::ACCESS_CONTROL_REQUEST_HEADERS, "x-csrf"))
    );
    assert!(status.is_success());
    assert_eq!(
        text(&headers, header::ACCESS_CONTROL_ALLOW_ORIGIN),
        Some(dev)
    );
    assert_eq!(
        text(&headers, header::ACCESS_CONTROL_ALLOW_CREDENTIALS),
        Some("true")
    );
}

#[actix_rt::test]
async fn max_age_defaults_to_600_where_actix_cors_omits_it_and_max_age_none_restores_that() {
    let (_, old, _) = answer!(chain!(actix_cors::Cors), preflight(APP, "PUT"));
    let (_, new, _) = answer!(chain!(corsair::Cors), preflight(APP, "PUT"));
    let (_, restored, _) = answer!(chain!(corsair::Cors).max_age(None), preflight(APP, "PUT"));
    assert_eq!(text(&old, header::ACCESS_CONTROL_MAX_AGE), None);
    assert_eq!(text(&new, header::ACCESS_CONTROL_MAX_AGE), Some("600"));
    assert_eq!(text(&restored, header::ACCESS_CONTROL_MAX_AGE), None);
}

#[actix_rt::test]
async fn null_origin_is_answered_by_allow_any_origin_as_in_actix_cors() {
    // Not a difference (any more): a public any-origin policy answers sandboxed iframes and
    // `file:` pages too; the README's table of differences has no row for it.
    let (_, old, _) = answer!(
        actix_cors::Cors::default()
            .allow_any_origin()
            .allowed_methods(["GET"]),
        get_from("null")
    );
    let (_, new, _) = answer!(
        corsair::Cors::default()
            .allow_any_origin()
            .allowed_methods(["GET"]),
        get_from("null")
    );
    assert_eq!(
        text(&old, header::ACCESS_CONTROL_ALLOW_ORIGIN),
        Some("null")
    );
    assert_eq!(
        text(&new, header::ACCESS_CONTROL_ALLOW_ORIGIN),
        Some("null")
    );
}

#[actix_rt::test]
async fn safelisted_methods_pass_a_preflight_even_when_not_listed() {
    // The chain lists GET and PUT; a preflight asking for POST (CORS-safelisted).
    let (old, ..) = answer!(chain!(actix_cors::Cors), preflight(APP, "POST"));
    let (new, ..) = answer!(chain!(corsair::Cors), preflight(APP, "POST"));
    assert_eq!(old, StatusCode::BAD_REQUEST);
    assert_eq!(new, StatusCode::NO_CONTENT);
}

#[actix_rt::test]
async fn permissive_max_age_is_600_where_actix_cors_sends_3600_and_max_age_restores_it() {
    let dev = "http://localhost:3000";
    let (_, old, _) = answer!(actix_cors::Cors::permissive(), preflight(dev, "PUT"));
    let (_, new, _) = answer!(corsair::Cors::permissive(), preflight(dev, "PUT"));
    let (_, restored, _) = answer!(
        corsair::Cors::permissive().max_age(3600),
        preflight(dev, "PUT")
    );
    assert_eq!(text(&old, header::ACCESS_CONTROL_MAX_AGE), Some("3600"));
    assert_eq!(text(&new, header::ACCESS_CONTROL_MAX_AGE), Some("600"));
    assert_eq!(
        text(&restored, header::ACCESS_CONTROL_MAX_AGE),
        Some("3600")
    );
}

/// The comma-separated items of a header value, trimmed.
fn items(value: Option<&str>) -> Vec<String> {
    let mut out: Vec<String> = value
        .unwrap_or_default()
        .split(',')
        .map(|i| i.trim().to_owned())
        .filter(|i| !i.is_empty())
        .collect();
    out.sort();
    out
}

#[actix_rt::test]
async fn permissive_preflight_allows_the_requested_method_where_actix_cors_lists_every_method() {
    let dev = "http://localhost:3000";
    let (old_status, old, _) = answer!(actix_cors::Cors::permissive(), preflight(dev, "PATCH"));
    let (new_status, new, _) = answer!(corsair::Cors::permissive(), preflight(dev, "PATCH"));
    assert!(old_status.is_success() && new_status.is_success());
    // actix-cors: its fixed list of nine, `CONNECT` and `TRACE` included (in hash order).
    assert_eq!(
        items(text(&old, header::ACCESS_CONTROL_ALLOW_METHODS)),
        ["CONNECT", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "TRACE"]
    );
    // corsair: the method asked for. The Fetch standard's CORS-preflight check only looks for
    // the requested method in the list, so browsers accept both answers alike.
    assert_eq!(
        text(&new, header::ACCESS_CONTROL_ALLOW_METHODS),
        Some("PATCH")
    );
    // A listed set is sent as listed.
    let (_, listed, _) = answer!(
        corsair::Cors::permissive().allowed_methods(["GET", "PATCH", "PUT"]),
        preflight(dev, "PATCH")
    );
    assert_eq!(
        items(text(&listed, header::ACCESS_CONTROL_ALLOW_METHODS)),
        ["GET", "PATCH", "PUT"]
    );
}

#[actix_rt::test]
async fn permissive_exposes_star_where_actix_cors_lists_the_response_header_names() {
    let dev = "http://localhost:3000";
    let (_, old, _) = answer!(actix_cors::Cors::permissive(), get_from(dev));
    let (_, new, _) = answer!(corsair::Cors::permissive(), get_from(dev));
    // actix-cors names the headers the response has when it passes through (here its own
    // `Access-Control-Allow-Origin`), never `*`.
    let named = items(text(&old, header::ACCESS_CONTROL_EXPOSE_HEADERS));
    assert!(!named.is_empty());
    for name in &named {
        assert_ne!(name, "*");
        assert!(old.contains_key(name.as_str()), "{name} is not in {old:?}");
    }
    // corsair sends `*`: every header, for requests without credentials (Fetch standard), the
    // only ones `permissive()` answers with `Access-Control-Allow-Origin`.
    assert_eq!(text(&new, header::ACCESS_CONTROL_EXPOSE_HEADERS), Some("*"));
    assert_eq!(text(&new, header::ACCESS_CONTROL_ALLOW_CREDENTIALS), None);
    // Naming the headers sends those names.
    let (_, listed, _) = answer!(
        corsair::Cors::permissive().expose_headers(["x-request-id"]),
        get_from(dev)
    );
    assert_eq!(
        text(&listed, header::ACCESS_CONTROL_EXPOSE_HEADERS),
        Some("x-request-id")
    );
}

#[actix_rt::test]
async fn allowed_origin_star_stops_both_at_start_up_and_corsair_names_the_two_fixes() {
    use actix_web::dev::Transform;
    // Both refuse to create the middleware (the app does not start).
    let old = actix_cors::Cors::default()
        .allowed_origin("*")
        .new_transform(atest::ok_service())
        .await;
    let new = corsair::Cors::default()
        .allowed_origin("*")
        .new_transform(atest::ok_service())
        .await;
    assert!(old.is_err());
    assert!(new.is_err());
    let err = corsair::Cors::default()
        .allowed_origin("*")
        .build()
        .unwrap_err()
        .to_string();
    assert!(err.contains("`.allow_any_origin()`"), "{err}");
    assert!(err.contains("`.send_wildcard()`"), "{err}");
    // The two fixes: echo any origin, or send `*`.
    let origin = "https://any.example";
    let (_, echo, _) = answer!(
        corsair::Cors::default().allow_any_origin(),
        get_from(origin)
    );
    let (_, star, _) = answer!(
        corsair::Cors::default().allow_any_origin().send_wildcard(),
        get_from(origin)
    );
    assert_eq!(
        text(&echo, header::ACCESS_CONTROL_ALLOW_ORIGIN),
        Some(origin)
    );
    assert_eq!(text(&star, header::ACCESS_CONTROL_ALLOW_ORIGIN), Some("*"));
    // actix-cors's own fix, `send_wildcard()` with any origin, answers the same `*`.
    let (_, old_star, _) = answer!(
        actix_cors::Cors::default()
            .allow_any_origin()
            .send_wildcard(),
        get_from(origin)
    );
    assert_eq!(
        text(&old_star, header::ACCESS_CONTROL_ALLOW_ORIGIN),
        Some("*")
    );
}
