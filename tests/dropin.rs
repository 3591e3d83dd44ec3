//! corsair is a drop-in for actix-cors: the same builder chains compile against both crates
//! (the macro below expands one source text twice, once per crate), and where both accept a
//! policy they answer the same way.

use actix_web::{
    http::{header, Method, StatusCode},
    test as atest, web, App, HttpResponse,
};

/// A realistic actix-cors configuration, written once, compiled against the `Cors` in scope.
macro_rules! realistic_chain {
    ($cors:ty) => {{
        <$cors>::default()
            .allowed_origin("https://www.rust-lang.org")
            .allowed_origin_fn(|origin, _req_head| origin.as_bytes().ends_with(b".rust-lang.org"))
            .allowed_methods(vec!["GET", "POST"])
            .allowed_headers(vec![header::AUTHORIZATION, header::ACCEPT])
            .allowed_header(header::CONTENT_TYPE)
            .expose_headers(vec![header::CONTENT_DISPOSITION])
            .max_age(3600)
            .supports_credentials()
            .block_on_origin_mismatch(false)
    }};
}

/// Every other builder method of the actix-cors surface, in chains each crate accepts.
macro_rules! other_methods {
    ($cors:ty) => {{
        let a = <$cors>::permissive();
        let b = <$cors>::default()
            .allow_any_origin()
            .allow_any_method()
            .allow_any_header()
            .expose_any_header()
            .send_wildcard()
            .max_age(None)
            .disable_vary_header()
            .disable_preflight();
        let c = <$cors>::default()
            .allowed_origin("https://app.example.com")
            .allowed_methods(vec![Method::GET, Method::PUT])
            .allowed_headers(["x-api-key"])
            .expose_headers(["x-request-id"])
            .max_age(Some(600));
        (a, b, c)
    }};
}

#[test]
fn every_actix_cors_builder_method_exists_with_the_same_shape() {
    let _ = realistic_chain!(actix_cors::Cors);
    let _ = realistic_chain!(corsair::Cors);
    let _ = other_methods!(actix_cors::Cors);
    let (a, b, c) = other_methods!(corsair::Cors);
    // corsair-only: private network access needs a cargo feature in actix-cors.
    let _ = corsair::Cors::default().allow_private_network_access();
    assert!(a.build().is_ok());
    assert!(b.build().is_ok());
    assert!(c.build().is_ok());
}

#[actix_rt::test]
async fn both_crates_answer_the_realistic_chain_alike() {
    let peer = atest::init_service(
        App::new()
            .wrap(realistic_chain!(actix_cors::Cors))
            .route("/", web::get().to(HttpResponse::Ok)),
    )
    .await;
    let ours = atest::init_service(
        App::new()
            .wrap(realistic_chain!(corsair::Cors))
            .route("/", web::get().to(HttpResponse::Ok)),
    )
    .await;
    let requests = || {
        vec![
            atest::TestRequest::get()
                .uri("/")
                .insert_header(("Origin", "https://www.rust-lang.org")),
            atest::TestRequest::get()
                .uri("/")
                .insert_header(("Origin", "https://blog.rust-lang.org")),
            atest::TestRequest::default()
                .method(Method::OPTIONS)
                .uri("/")
                .insert_header(("Origin", "https://www.rust-lang.org"))
                .insert_header(("Access-Control-Request-Method", "POST"))
                .insert_header(("Access-Control-Request-Headers", "authorization")),
        ]
    };
    for (p, o) in requests().into_iter().zip(requests()) {
        let p = atest::call_service(&peer, p.to_request()).await;
        let o = atest::call_service(&ours, o.to_request()).await;
        assert!(p.status().is_success() && o.status().is_success());
        for name in [
            "access-control-allow-origin",
            "access-control-allow-credentials",
            "access-control-max-age",
        ] {
            assert_eq!(
                p.headers().get(name),
                o.headers().get(name),
                "{name} differs"
            );
        }
    }
}

#[actix_rt::test]
async fn where_corsair_is_stricter_it_says_so_at_build() {
    // actix-cors starts with this and echoes any origin with credentials; corsair refuses.
    let err = corsair::Cors::permissive()
        .supports_credentials()
        .build()
        .unwrap_err();
    assert!(err
        .problems()
        .contains(&corsair::Problem::CredentialedAnyOrigin));
    let res = atest::call_service(
        &atest::init_service(
            App::new()
                .wrap(corsair::Cors::default().allowed_origin("https://a.example.com"))
                .route("/", web::get().to(HttpResponse::Ok)),
        )
        .await,
        atest::TestRequest::get()
            .uri("/")
            .insert_header(("Origin", "https://a.example.com"))
            .to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
}
