//! Per-scope policies: a strict credentialed `/api`, a public `/assets` answering `*`, and an
//! unwrapped `/internal`, in one app, each behaving independently.

use actix_web::{
    http::{Method, StatusCode},
    test, web, App, HttpResponse,
};
use corsair::Cors;

async fn app() -> impl actix_web::dev::Service<
    actix_http::Request,
    Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
    Error = actix_web::Error,
> {
    test::init_service(
        App::new()
            .service(
                web::scope("/api")
                    .wrap(
                        Cors::default()
                            .allowed_origin("https://app.example.com")
                            .allowed_methods(["GET", "POST", "DELETE"])
                            .supports_credentials(),
                    )
                    .route(
                        "/me",
                        web::get().to(|| async { HttpResponse::Ok().body("me") }),
                    ),
            )
            .service(
                web::scope("/assets")
                    .wrap(Cors::default().allow_any_origin().send_wildcard())
                    .route(
                        "/logo.svg",
                        web::get().to(|| async { HttpResponse::Ok().body("svg") }),
                    ),
            )
            .service(web::scope("/internal").route(
                "/health",
                web::get().to(|| async { HttpResponse::Ok().body("ok") }),
            )),
    )
    .await
}

fn get(path: &str, origin: &str) -> actix_http::Request {
    test::TestRequest::get()
        .uri(path)
        .insert_header(("Origin", origin))
        .to_request()
}

fn acao<B>(res: &actix_web::dev::ServiceResponse<B>) -> Option<&str> {
    res.headers()
        .get("access-control-allow-origin")
        .map(|v| v.to_str().unwrap())
}

#[actix_rt::test]
async fn api_scope_is_strict_and_credentialed() {
    let app = app().await;
    let res = test::call_service(&app, get("/api/me", "https://app.example.com")).await;
    assert_eq!(acao(&res), Some("https://app.example.com"));
    assert_eq!(
        res.headers()
            .get("access-control-allow-credentials")
            .unwrap(),
        "true"
    );
    let res = test::call_service(&app, get("/api/me", "https://other.example.org")).await;
    assert_eq!(acao(&res), None);
}

#[actix_rt::test]
async fn assets_scope_is_public_with_star_and_no_credentials() {
    let app = app().await;
    for origin in ["https://app.example.com", "https://other.example.org"] {
        let res = test::call_service(&app, get("/assets/logo.svg", origin)).await;
        assert_eq!(acao(&res), Some("*"));
        assert!(res
            .headers()
            .get("access-control-allow-credentials")
            .is_none());
    }
}

#[actix_rt::test]
async fn unwrapped_scope_has_no_cors_at_all() {
    let app = app().await;
    let res = test::call_service(&app, get("/internal/health", "https://app.example.com")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res
        .headers()
        .keys()
        .all(|k| !k.as_str().starts_with("access-control-")));
    assert!(res.headers().get("vary").is_none());
    // Its preflights are not answered by any CORS middleware: the router decides (404 here).
    let req = test::TestRequest::default()
        .method(Method::OPTIONS)
        .uri("/internal/health")
        .insert_header(("Origin", "https://app.example.com"))
        .insert_header(("Access-Control-Request-Method", "GET"))
        .to_request();
    let res = test::call_service(&app, req).await;
    assert!(res.headers().get("access-control-allow-origin").is_none());
}

#[actix_rt::test]
async fn each_scope_answers_its_own_preflights() {
    let app = app().await;
    let pre = |path: &str, method: &str| {
        test::TestRequest::default()
            .method(Method::OPTIONS)
            .uri(path)
            .insert_header(("Origin", "https://app.example.com"))
            .insert_header(("Access-Control-Request-Method", method))
            .to_request()
    };
    let res = test::call_service(&app, pre("/api/me", "DELETE")).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let res = test::call_service(&app, pre("/assets/logo.svg", "DELETE")).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}
