//! Preflight requests (Fetch standard, "CORS-preflight fetch"): answered by the middleware
//! before routing, with exactly the headers the policy allows, or refused with none.

use std::sync::{
    atomic::{AtomicUsize, Ordering},
    Arc,
};

use crate::common::{assert_cors, header, preflight};
use actix_web::{http::StatusCode, test, web, App, HttpResponse};
use corsair::Cors;

fn strict() -> Cors {
    Cors::default()
        .allowed_origin("https://app.example.com")
        .allowed_methods(["GET", "POST", "PUT"])
        .allowed_headers(["content-type", "x-api-key"])
        .supports_credentials()
        .max_age(3600)
}

#[actix_rt::test]
async fn allowed_preflight_is_answered_204_with_every_allow_header() {
    let app = test::init_service(App::new().wrap(strict())).await;
    let res = test::call_service(
        &app,
        preflight(
            "/items",
            "https://app.example.com",
            "PUT",
            Some("Content-Type, X-Api-Key"),
        )
        .to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_cors(
        &res,
        &[
            ("access-control-allow-origin", "https://app.example.com"),
            ("access-control-allow-credentials", "true"),
            ("access-control-allow-methods", "GET, POST, PUT"),
            ("access-control-allow-headers", "content-type, x-api-key"),
            ("access-control-max-age", "3600"),
        ],
    );
    assert_eq!(
        header(&res, "vary").unwrap(),
        "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"
    );
    let body = test::read_body(res).await;
    assert!(body.is_empty());
}

#[actix_rt::test]
async fn preflight_never_reaches_the_handler_and_needs_no_route() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let app = test::init_service(App::new().wrap(strict()).route(
        "/items",
        web::route().to(move || {
            counter.fetch_add(1, Ordering::SeqCst);
            HttpResponse::Ok()
        }),
    ))
    .await;
    for path in ["/items", "/no/such/route"] {
        let res = test::call_service(
            &app,
            preflight(path, "https://app.example.com", "PUT", None).to_request(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT, "{path}");
    }
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}

#[actix_rt::test]
async fn refused_origin_gets_403_without_any_allow_header_but_with_vary() {
    let app = test::init_service(App::new().wrap(strict())).await;
    let res = test::call_service(
        &app,
        preflight("/items", "https://evil.example.org", "PUT", None).to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_cors(&res, &[]);
    assert!(header(&res, "vary").unwrap().contains("Origin"));
}

#[actix_rt::test]
async fn refused_method_gets_403_without_any_allow_header() {
    let app = test::init_service(App::new().wrap(strict())).await;
    let res = test::call_service(
        &app,
        preflight("/items", "https://app.example.com", "DELETE", None).to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_cors(&res, &[]);
}

#[actix_rt::test]
async fn one_refused_request_header_refuses_the_whole_preflight() {
    let app = test::init_service(App::new().wrap(strict())).await;
    let res = test::call_service(
        &app,
        preflight(
            "/items",
            "https://app.example.com",
            "POST",
            Some("x-api-key, x-secret"),
        )
        .to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_cors(&res, &[]);
}

#[actix_rt::test]
async fn request_headers_are_parsed_case_insensitively_with_white_space_and_empty_items() {
    let app = test::init_service(App::new().wrap(strict())).await;
    let res = test::call_service(
        &app,
        preflight(
            "/",
            "https://app.example.com",
            "POST",
            Some(" X-API-KEY ,, content-type ,"),
        )
        .to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
}

#[actix_rt::test]
async fn malformed_or_absurd_request_header_lists_get_400() {
    let app = test::init_service(App::new().wrap(Cors::permissive())).await;
    let huge = vec!["x-a"; 200].join(",");
    for bad in ["x-a, x b", "x-a;y", huge.as_str()] {
        let res = test::call_service(
            &app,
            preflight("/", "https://a.example.com", "POST", Some(bad)).to_request(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{bad:.40}");
        assert_cors(&res, &[]);
    }
}

#[actix_rt::test]
async fn safelisted_methods_are_always_acceptable_in_a_preflight() {
    // Fetch: a preflight's method check passes for CORS-safelisted methods even when they
    // are not listed, so refusing them would only confuse.
    let app = test::init_service(
        App::new().wrap(
            Cors::default()
                .allowed_origin("https://app.example.com")
                .allowed_header("x-api-key"),
        ),
    )
    .await;
    for m in ["GET", "HEAD", "POST"] {
        let res = test::call_service(
            &app,
            preflight("/", "https://app.example.com", m, Some("x-api-key")).to_request(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT, "{m}");
    }
}

#[actix_rt::test]
async fn any_method_and_any_header_echo_the_request_never_star() {
    let app = test::init_service(
        App::new().wrap(
            Cors::default()
                .allowed_origin("https://app.example.com")
                .allow_any_method()
                .allow_any_header()
                .supports_credentials(),
        ),
    )
    .await;
    let res = test::call_service(
        &app,
        preflight(
            "/",
            "https://app.example.com",
            "PATCH",
            Some("authorization,x-trace"),
        )
        .to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_cors(
        &res,
        &[
            ("access-control-allow-origin", "https://app.example.com"),
            ("access-control-allow-credentials", "true"),
            // The request's own list, echoed as sent (never `*`).
            ("access-control-allow-methods", "PATCH"),
            ("access-control-allow-headers", "authorization,x-trace"),
            ("access-control-max-age", "600"),
        ],
    );
}

#[actix_rt::test]
async fn send_wildcard_answers_star_without_credentials() {
    let app = test::init_service(
        App::new().wrap(
            Cors::default()
                .allow_any_origin()
                .send_wildcard()
                .allowed_methods(["PUT"]),
        ),
    )
    .await;
    let res = test::call_service(
        &app,
        preflight("/", "https://anyone.example.net", "PUT", None).to_request(),
    )
    .await;
    // No `Access-Control-Allow-Credentials`: never beside `*`.
    assert_cors(
        &res,
        &[
            ("access-control-allow-origin", "*"),
            ("access-control-allow-methods", "PUT"),
            ("access-control-max-age", "600"),
        ],
    );
}

#[actix_rt::test]
async fn options_without_request_method_is_an_ordinary_request() {
    let app = test::init_service(
        App::new().wrap(strict()).route(
            "/items",
            web::method(actix_web::http::Method::OPTIONS)
                .to(|| async { HttpResponse::Ok().body("handler") }),
        ),
    )
    .await;
    let req = test::TestRequest::default()
        .method(actix_web::http::Method::OPTIONS)
        .uri("/items")
        .insert_header(("Origin", "https://app.example.com"))
        .to_request();
    let res = test::call_service(&app, req).await;
    assert_eq!(res.status(), StatusCode::OK);
    // An actual request's grant: no preflight fields.
    assert_cors(
        &res,
        &[
            ("access-control-allow-origin", "https://app.example.com"),
            ("access-control-allow-credentials", "true"),
        ],
    );
    assert_eq!(test::read_body(res).await, "handler");
}

#[actix_rt::test]
async fn private_network_access_is_granted_only_when_enabled_and_requested() {
    let enabled =
        test::init_service(App::new().wrap(strict().allow_private_network_access())).await;
    let disabled = test::init_service(App::new().wrap(strict())).await;
    let req = || {
        preflight("/", "https://app.example.com", "GET", None)
            .insert_header(("Access-Control-Request-Private-Network", "true"))
            .to_request()
    };
    let res = test::call_service(&enabled, req()).await;
    assert_cors(
        &res,
        &[
            ("access-control-allow-origin", "https://app.example.com"),
            ("access-control-allow-credentials", "true"),
            ("access-control-allow-methods", "GET, POST, PUT"),
            ("access-control-allow-headers", "content-type, x-api-key"),
            ("access-control-max-age", "3600"),
            ("access-control-allow-private-network", "true"),
        ],
    );
    assert!(header(&res, "vary")
        .unwrap()
        .contains("Access-Control-Request-Private-Network"));
    let res = test::call_service(&disabled, req()).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(header(&res, "access-control-allow-private-network"), None);
    let plain = test::call_service(
        &enabled,
        preflight("/", "https://app.example.com", "GET", None).to_request(),
    )
    .await;
    assert_eq!(header(&plain, "access-control-allow-private-network"), None);
}

#[actix_rt::test]
async fn preflight_status_is_configurable() {
    let app = test::init_service(App::new().wrap(strict().preflight_status(StatusCode::OK))).await;
    let res = test::call_service(
        &app,
        preflight("/", "https://app.example.com", "PUT", None).to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[actix_rt::test]
async fn disabled_preflight_passes_options_to_the_application() {
    let app = test::init_service(
        App::new().wrap(strict().disable_preflight()).route(
            "/",
            web::method(actix_web::http::Method::OPTIONS)
                .to(|| async { HttpResponse::Accepted().finish() }),
        ),
    )
    .await;
    let res = test::call_service(
        &app,
        preflight("/", "https://app.example.com", "PUT", None).to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    // Answered as an actual request: no preflight fields.
    assert_cors(
        &res,
        &[
            ("access-control-allow-origin", "https://app.example.com"),
            ("access-control-allow-credentials", "true"),
        ],
    );
}

#[actix_rt::test]
async fn max_age_none_omits_the_header() {
    let app = test::init_service(App::new().wrap(strict().max_age(None))).await;
    let res = test::call_service(
        &app,
        preflight("/", "https://app.example.com", "PUT", None).to_request(),
    )
    .await;
    assert_eq!(header(&res, "access-control-max-age"), None);
}

#[actix_rt::test]
async fn default_max_age_is_600_seconds_like_fastapi() {
    let app = test::init_service(
        App::new().wrap(Cors::default().allowed_origin("https://app.example.com")),
    )
    .await;
    let res = test::call_service(
        &app,
        preflight("/", "https://app.example.com", "GET", None).to_request(),
    )
    .await;
    assert_cors(
        &res,
        &[
            ("access-control-allow-origin", "https://app.example.com"),
            ("access-control-max-age", "600"),
        ],
    );
}
