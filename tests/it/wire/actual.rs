//! Actual (non-preflight) requests: headers on success and on every kind of error, `Vary`
//! merged, refused origins left without CORS headers, hostile input never a 5xx.

use std::{
    future::{ready, Ready},
    marker::PhantomData,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
};

use crate::common::{self, all, assert_cors, from_origin, header};
use actix_web::{
    dev::{Service, ServiceRequest, ServiceResponse, Transform},
    error::ErrorUnauthorized,
    http::{header, Method, StatusCode},
    test, web, App, Error, HttpResponse,
};
use corsair::Cors;
use futures_util::future::LocalBoxFuture;

fn strict() -> Cors {
    Cors::default()
        .allowed_origin("https://app.example.com")
        .allowed_methods(["GET", "POST"])
        .expose_headers(["x-request-id"])
        .supports_credentials()
}

#[actix_rt::test]
async fn allowed_origin_gets_origin_credentials_expose_and_vary() {
    let app = test::init_service(App::new().wrap(strict()).route(
        "/",
        web::get().to(|| async {
            HttpResponse::Ok()
                .insert_header(("x-request-id", "42"))
                .body("hi")
        }),
    ))
    .await;
    let res = test::call_service(
        &app,
        from_origin(Method::GET, "/", "https://app.example.com").to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_cors(
        &res,
        &[
            ("access-control-allow-origin", "https://app.example.com"),
            ("access-control-allow-credentials", "true"),
            ("access-control-expose-headers", "x-request-id"),
        ],
    );
    assert_eq!(header(&res, "vary").unwrap(), "Origin");
    assert_eq!(test::read_body(res).await, "hi");
}

#[actix_rt::test]
async fn request_without_origin_passes_through_with_vary_only() {
    let app = test::init_service(
        App::new()
            .wrap(strict())
            .route("/", web::get().to(HttpResponse::Ok)),
    )
    .await;
    let res = test::call_service(&app, test::TestRequest::get().uri("/").to_request()).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_cors(&res, &[]);
    assert_eq!(header(&res, "vary").unwrap(), "Origin");
}

#[actix_rt::test]
async fn disable_vary_header_adds_no_vary() {
    let app = test::init_service(
        App::new()
            .wrap(strict().disable_vary_header())
            .route("/", web::get().to(HttpResponse::Ok)),
    )
    .await;
    let res = test::call_service(
        &app,
        from_origin(Method::GET, "/", "https://app.example.com").to_request(),
    )
    .await;
    assert_eq!(header(&res, "vary"), None);
}

#[actix_rt::test]
async fn vary_set_by_the_handler_is_merged_not_overwritten_or_duplicated() {
    let app = test::init_service(
        App::new()
            .wrap(strict())
            .route(
                "/enc",
                web::get().to(|| async {
                    HttpResponse::Ok()
                        .insert_header((header::VARY, "Accept-Encoding"))
                        .finish()
                }),
            )
            .route(
                "/dup",
                web::get().to(|| async {
                    HttpResponse::Ok()
                        .insert_header((header::VARY, "origin, Cookie"))
                        .finish()
                }),
            ),
    )
    .await;
    let res = test::call_service(
        &app,
        from_origin(Method::GET, "/enc", "https://app.example.com").to_request(),
    )
    .await;
    assert_eq!(all(&res, "vary"), ["Accept-Encoding, Origin"]);
    let res = test::call_service(
        &app,
        from_origin(Method::GET, "/dup", "https://app.example.com").to_request(),
    )
    .await;
    assert_eq!(all(&res, "vary"), ["origin, Cookie"]);
}

#[actix_rt::test]
async fn refused_origin_reaches_the_handler_but_gets_no_cors_headers() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let app = test::init_service(App::new().wrap(strict()).route(
        "/",
        web::get().to(move || {
            counter.fetch_add(1, Ordering::SeqCst);
            HttpResponse::Ok()
        }),
    ))
    .await;
    let res = test::call_service(
        &app,
        from_origin(Method::GET, "/", "https://evil.example.org").to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_cors(&res, &[]);
    assert_eq!(header(&res, "vary").unwrap(), "Origin");
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[actix_rt::test]
async fn block_on_origin_mismatch_answers_403_without_calling_the_handler() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let app = test::init_service(
        App::new()
            .wrap(strict().block_on_origin_mismatch(true))
            .route(
                "/",
                web::get().to(move || {
                    counter.fetch_add(1, Ordering::SeqCst);
                    HttpResponse::Ok()
                }),
            ),
    )
    .await;
    let res = test::call_service(
        &app,
        from_origin(Method::GET, "/", "https://evil.example.org").to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_cors(&res, &[]);
    assert_eq!(calls.load(Ordering::SeqCst), 0);
    // Allowed origins and requests without Origin still reach the handler.
    let ok = test::call_service(
        &app,
        from_origin(Method::GET, "/", "https://app.example.com").to_request(),
    )
    .await;
    assert_eq!(ok.status(), StatusCode::OK);
    let plain = test::call_service(&app, test::TestRequest::get().uri("/").to_request()).await;
    assert_eq!(plain.status(), StatusCode::OK);
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[actix_rt::test]
async fn handler_error_keeps_its_status_body_and_cors_headers() {
    let app = test::init_service(App::new().wrap(strict()).route(
        "/",
        web::get().to(|| async { Err::<HttpResponse, _>(ErrorUnauthorized("token expired")) }),
    ))
    .await;
    let res = test::call_service(
        &app,
        from_origin(Method::GET, "/", "https://app.example.com").to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_cors(
        &res,
        &[
            ("access-control-allow-origin", "https://app.example.com"),
            ("access-control-allow-credentials", "true"),
            ("access-control-expose-headers", "x-request-id"),
        ],
    );
    assert_eq!(test::read_body(res).await, "token expired");
}

/// An auth guard that refuses every request with `Err(401)`, like a typical inner middleware.
struct DenyAll;

impl<S, B> Transform<S, ServiceRequest> for DenyAll
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: 'static,
{
    type Response = ServiceResponse<B>;
    type Error = Error;
    type Transform = DenyAllMiddleware<B>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, ()>>;

    fn new_transform(&self, _service: S) -> Self::Future {
        ready(Ok(DenyAllMiddleware(PhantomData)))
    }
}

struct DenyAllMiddleware<B>(PhantomData<B>);

impl<B: 'static> Service<ServiceRequest> for DenyAllMiddleware<B> {
    type Response = ServiceResponse<B>;
    type Error = Error;
    type Future = LocalBoxFuture<'static, Result<Self::Response, Error>>;

    actix_web::dev::always_ready!();

    fn call(&self, _req: ServiceRequest) -> Self::Future {
        Box::pin(async { Err(ErrorUnauthorized("login required")) })
    }
}

#[actix_rt::test]
async fn inner_middleware_error_reaches_the_browser_with_cors_headers() {
    let app = test::init_service(
        App::new()
            .wrap(DenyAll)
            .wrap(strict())
            .route("/", web::get().to(HttpResponse::Ok)),
    )
    .await;
    // `call_service` would panic on Err; `try_call_service` + conversion is what the server does.
    let req = from_origin(Method::GET, "/", "https://app.example.com").to_request();
    let err = test::try_call_service(&app, req).await.unwrap_err();
    // The error is still the original one for anything that inspects it...
    assert_eq!(
        err.as_response_error().status_code(),
        StatusCode::UNAUTHORIZED
    );
    // ...and the response the server will send carries the CORS headers.
    let res = err.error_response();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        res.headers().get("access-control-allow-origin").unwrap(),
        "https://app.example.com"
    );
    assert_eq!(res.headers().get("vary").unwrap(), "Origin");
}

#[actix_rt::test]
async fn not_found_inside_a_wrapped_scope_has_cors_headers() {
    let app = test::init_service(
        App::new().service(
            web::scope("/api")
                .wrap(strict())
                .route("/items", web::get().to(HttpResponse::Ok)),
        ),
    )
    .await;
    let res = test::call_service(
        &app,
        from_origin(Method::GET, "/api/missing", "https://app.example.com").to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_cors(
        &res,
        &[
            ("access-control-allow-origin", "https://app.example.com"),
            ("access-control-allow-credentials", "true"),
            ("access-control-expose-headers", "x-request-id"),
        ],
    );
}

#[actix_rt::test]
async fn two_origin_headers_are_refused_not_resolved() {
    let app = test::init_service(
        App::new()
            .wrap(strict())
            .route("/", web::get().to(HttpResponse::Ok)),
    )
    .await;
    let req = test::TestRequest::get()
        .uri("/")
        .append_header(("Origin", "https://app.example.com"))
        .append_header(("Origin", "https://evil.example.org"))
        .to_request();
    let res = test::call_service(&app, req).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_cors(&res, &[]);
    // And a preflight with two origins is refused outright.
    let req = common::preflight("/", "https://app.example.com", "GET", None)
        .append_header(("Origin", "https://app.example.com"))
        .to_request();
    let res = test::call_service(&app, req).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_cors(&res, &[]);
}

#[actix_rt::test]
async fn hostile_origins_never_panic_or_5xx() {
    let app = test::init_service(
        App::new()
            .wrap(Cors::default().allowed_origin_pattern("https://*.example.com"))
            .route("/", web::get().to(HttpResponse::Ok)),
    )
    .await;
    let long = format!("https://{}.example.com.evil.org", "a".repeat(10_000));
    let hostile: Vec<&[u8]> = vec![
        b"null",
        b"",
        b"   ",
        "https://bücher.example.com".as_bytes(),
        b"https://\xff\xfe.example.com",
        b"https://",
        b"://",
        b"https://[::1",
        b"https://a.example.com:99999",
        long.as_bytes(),
    ];
    for origin in hostile {
        let mut req = test::TestRequest::get().uri("/").to_request();
        req.headers_mut().insert(
            header::ORIGIN,
            header::HeaderValue::from_bytes(origin).unwrap(),
        );
        let res = test::call_service(&app, req).await;
        assert_eq!(
            res.status(),
            StatusCode::OK,
            "{:?}",
            String::from_utf8_lossy(origin)
        );
        assert_cors(&res, &[]);
    }
}

#[actix_rt::test]
async fn null_origin_is_refused_by_a_list_unless_opted_in_and_answered_by_any_origin() {
    let listed = test::init_service(
        App::new()
            .wrap(Cors::default().allowed_origin("https://app.example.com"))
            .route("/", web::get().to(HttpResponse::Ok)),
    )
    .await;
    let res = test::call_service(&listed, from_origin(Method::GET, "/", "null").to_request()).await;
    assert_cors(&res, &[]);

    // Public data is public to sandboxed iframes and `file:` pages too.
    let any = test::init_service(
        App::new()
            .wrap(Cors::default().allow_any_origin())
            .route("/", web::get().to(HttpResponse::Ok)),
    )
    .await;
    let res = test::call_service(&any, from_origin(Method::GET, "/", "null").to_request()).await;
    assert_cors(&res, &[("access-control-allow-origin", "null")]);
    let wild = test::init_service(
        App::new()
            .wrap(Cors::default().allow_any_origin().send_wildcard())
            .route("/", web::get().to(HttpResponse::Ok)),
    )
    .await;
    let res = test::call_service(&wild, from_origin(Method::GET, "/", "null").to_request()).await;
    assert_cors(&res, &[("access-control-allow-origin", "*")]);

    let opted = test::init_service(
        App::new()
            .wrap(Cors::default().allow_null_origin())
            .route("/", web::get().to(HttpResponse::Ok)),
    )
    .await;
    let res = test::call_service(&opted, from_origin(Method::GET, "/", "null").to_request()).await;
    assert_cors(&res, &[("access-control-allow-origin", "null")]);
}

#[actix_rt::test]
async fn wrapping_a_single_resource_works() {
    let app = test::init_service(
        App::new().service(
            web::resource("/one")
                .wrap(strict())
                .route(web::get().to(HttpResponse::Ok)),
        ),
    )
    .await;
    let res = test::call_service(
        &app,
        from_origin(Method::GET, "/one", "https://app.example.com").to_request(),
    )
    .await;
    assert_cors(
        &res,
        &[
            ("access-control-allow-origin", "https://app.example.com"),
            ("access-control-allow-credentials", "true"),
            ("access-control-expose-headers", "x-request-id"),
        ],
    );
}
