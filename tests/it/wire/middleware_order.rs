//! Middleware order: in actix-web the last `.wrap()` is the outermost and sees the request
//! first, so corsair must be wrapped after (outside) auth, sessions and rate limits.
//!
//! These tests pin both orders with a realistic bearer-token guard: wrapped inside corsair,
//! an allowed preflight is answered `204` without meeting the guard, and the guard's `401`
//! reaches the browser readable; wrapped outside, the same preflight gets the guard's `401`
//! with no CORS header, which a browser reports only as a bare "CORS error".

use crate::common::{
    from_origin,
    guard::{require_token, GuardCalls},
    header, preflight,
};
use actix_web::{
    body::MessageBody,
    dev::{Service, ServiceResponse},
    http::{header, header::HeaderMap, Method, StatusCode},
    middleware::from_fn,
    test, web, App, Error, HttpResponse,
};
use corsair::Cors;

const FRONTEND: &str = "http://localhost:5173";

fn cors() -> Cors {
    Cors::default()
        .allowed_origin(FRONTEND)
        .allowed_methods(["GET", "POST"])
        .allowed_headers(["authorization", "content-type"])
        .supports_credentials()
}

/// Right: the guard is wrapped first, corsair last, so corsair is outermost.
async fn guard_inside_cors(
    calls: &GuardCalls,
) -> impl Service<actix_http::Request, Response = ServiceResponse<impl MessageBody>, Error = Error>
{
    test::init_service(
        App::new()
            .app_data(web::Data::new(calls.clone()))
            .wrap(from_fn(require_token))
            .wrap(cors())
            .route("/api/items", web::post().to(HttpResponse::Created)),
    )
    .await
}

/// Wrong: corsair is wrapped first, the guard last, so the guard is outermost.
async fn guard_outside_cors(
    calls: &GuardCalls,
) -> impl Service<actix_http::Request, Response = ServiceResponse<impl MessageBody>, Error = Error>
{
    test::init_service(
        App::new()
            .app_data(web::Data::new(calls.clone()))
            .wrap(cors())
            .wrap(from_fn(require_token))
            .route("/api/items", web::post().to(HttpResponse::Created)),
    )
    .await
}

/// What the server sends for `req`: the response, or the error turned into its response (as
/// actix-web's HTTP layer does). Returns the status and the response headers.
async fn served<S, B>(app: &S, req: actix_http::Request) -> (StatusCode, HeaderMap)
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = Error>,
{
    match test::try_call_service(app, req).await {
        Ok(res) => (res.status(), res.headers().clone()),
        Err(err) => {
            let res = err.error_response();
            (res.status(), res.headers().clone())
        }
    }
}

fn allow_origin(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
        .map(|v| v.to_str().expect("header is text"))
}

fn allowed_preflight() -> actix_http::Request {
    preflight(
        "/api/items",
        FRONTEND,
        "POST",
        Some("authorization,content-type"),
    )
    .to_request()
}

#[actix_rt::test]
async fn guard_inside_cors_lets_an_allowed_preflight_through_without_calling_the_guard() {
    let calls = GuardCalls::default();
    let app = guard_inside_cors(&calls).await;
    let res = test::call_service(&app, allowed_preflight()).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        header(&res, "access-control-allow-origin").as_deref(),
        Some(FRONTEND)
    );
    assert_eq!(
        header(&res, "access-control-allow-headers").as_deref(),
        Some("authorization, content-type")
    );
    assert_eq!(
        calls.get(),
        0,
        "corsair answers the preflight; the guard never sees it"
    );
}

#[actix_rt::test]
async fn guard_outside_cors_turns_an_allowed_preflight_into_401_without_cors_headers() {
    let calls = GuardCalls::default();
    let app = guard_outside_cors(&calls).await;
    let (status, headers) = served(&app, allowed_preflight()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // The guard's answer never passed through corsair: not one CORS header.
    assert!(
        !headers
            .keys()
            .any(|k| k.as_str().starts_with("access-control-")),
        "{headers:?}"
    );
    assert_eq!(calls.get(), 1, "the preflight met the guard");
}

#[actix_rt::test]
async fn guard_inside_cors_its_401_is_readable_by_the_frontend() {
    let calls = GuardCalls::default();
    let app = guard_inside_cors(&calls).await;
    let req = from_origin(Method::POST, "/api/items", FRONTEND).to_request();
    let (status, headers) = served(&app, req).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(allow_origin(&headers), Some(FRONTEND));
    assert_eq!(
        headers
            .get(header::ACCESS_CONTROL_ALLOW_CREDENTIALS)
            .map(|v| v.as_bytes()),
        Some(&b"true"[..])
    );
    assert_eq!(calls.get(), 1);
}

#[actix_rt::test]
async fn guard_outside_cors_its_401_is_hidden_from_the_frontend() {
    let calls = GuardCalls::default();
    let app = guard_outside_cors(&calls).await;
    let req = from_origin(Method::POST, "/api/items", FRONTEND).to_request();
    let (status, headers) = served(&app, req).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(allow_origin(&headers), None, "{headers:?}");
}

#[actix_rt::test]
async fn both_orders_serve_an_authorized_request_with_cors_headers() {
    // With a valid token both orders reach the handler and corsair: the order only matters
    // for requests the guard refuses, and preflights (which never carry credentials) first.
    let req = || {
        from_origin(Method::POST, "/api/items", FRONTEND)
            .insert_header((header::AUTHORIZATION, "Bearer good-token"))
            .to_request()
    };
    let calls = GuardCalls::default();
    let (status, headers) = served(&guard_inside_cors(&calls).await, req()).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(allow_origin(&headers), Some(FRONTEND));
    assert_eq!(calls.get(), 1);

    let calls = GuardCalls::default();
    let (status, headers) = served(&guard_outside_cors(&calls).await, req()).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(allow_origin(&headers), Some(FRONTEND));
    assert_eq!(calls.get(), 1);
}
