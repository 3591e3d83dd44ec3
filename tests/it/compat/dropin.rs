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
    // actix-cors starts with this and echoes any origin with credentials; corsair refuses,
    // naming the call the user made (`permissive()`), not calls they never made.
    let err = corsair::Cors::permissive()
        .supports_credentials()
        .build()
        .unwrap_err();
    assert_eq!(err.problems().len(), 2, "{err}");
    assert!(err
        .problems()
        .iter()
        .all(|p| matches!(p, corsair::Problem::PermissiveWithCredentials { .. })));
    let text = err.to_string();
    assert!(text.contains("Cors::permissive()"), "{text}");
    for never_called in ["allow_any_origin", "expose_any_header", "send_wildcard"] {
        assert!(
            !text.contains(never_called),
            "mentions `{never_called}`: {text}"
        );
    }
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

/// User code written against actix-cors 0.7 that names every public item of the crate
/// (`Cors`, `CorsError`, `CorsMiddleware`) and passes every argument type its builder
/// accepts. The same text is compiled twice, once per crate: the one-line `use` switch.
macro_rules! actix_cors_user_code {
    ($module:ident, $krate:ident) => {
        mod $module {
            use actix_web::{
                http::{header, header::HeaderName, Method},
                HttpResponse, ResponseError,
            };
            use $krate::{Cors, CorsError, CorsMiddleware};

            /// A type of the user's own that converts into a header name.
            pub struct TraceHeader;
            impl TryFrom<TraceHeader> for HeaderName {
                type Error = header::InvalidHeaderName;
                fn try_from(_: TraceHeader) -> Result<Self, Self::Error> {
                    HeaderName::from_bytes(b"x-trace-id")
                }
            }

            pub fn cors() -> Cors {
                let owned = String::from("x-owned");
                Cors::default()
                    .allowed_origin("https://app.example.com")
                    .allowed_methods(["GET", "PUT"])
                    .allowed_methods([&b"DELETE"[..]])
                    .allowed_methods(vec![Method::PATCH])
                    .allowed_header("x-str")
                    .allowed_header(String::from("x-string"))
                    .allowed_header(&owned)
                    .allowed_header(&b"x-bytes"[..])
                    .allowed_header(b"x-vec".to_vec())
                    .allowed_header(header::CONTENT_TYPE)
                    .allowed_header(TraceHeader)
                    .allowed_headers(vec![b"x-list".to_vec()])
                    .expose_headers([&b"x-request-id"[..]])
                    .expose_headers(vec![String::from("x-ratelimit")])
                    .expose_headers([TraceHeader])
            }

            pub fn describe(err: &CorsError) -> &'static str {
                match err {
                    CorsError::OriginNotAllowed => "origin",
                    CorsError::MethodNotAllowed => "method",
                    CorsError::HeadersNotAllowed => "headers",
                    _ => "other",
                }
            }

            pub fn respond(err: CorsError) -> HttpResponse {
                err.error_response()
            }

            pub type Middleware<S> = CorsMiddleware<S>;
        }
    };
}

actix_cors_user_code!(with_actix_cors, actix_cors);
actix_cors_user_code!(with_corsair, corsair);

#[test]
fn actix_cors_user_code_compiles_after_the_one_line_use_switch() {
    // Both modules compiled (that is the point); the corsair one also builds and behaves.
    let _peer = with_actix_cors::cors();
    let policy = with_corsair::cors()
        .build()
        .expect("every argument converts");
    let asks = corsair::CorsRequest::preflight("https://app.example.com", "PATCH")
        .requesting_headers([
            "x-str",
            "x-string",
            "x-owned",
            "x-bytes",
            "x-vec",
            "x-trace-id",
            "x-list",
        ]);
    assert!(
        policy.check(&asks).is_allowed(),
        "{:?}",
        policy.check(&asks)
    );
    let actual = policy.check(&corsair::CorsRequest::new("https://app.example.com"));
    assert_eq!(
        actual.header(header::ACCESS_CONTROL_EXPOSE_HEADERS),
        Some("x-request-id, x-ratelimit, x-trace-id")
    );
    let err = corsair::CorsError::from(corsair::Refusal::HeaderNotAllowed);
    assert_eq!(with_corsair::describe(&err), "headers");
    assert_eq!(
        with_actix_cors::describe(&actix_cors::CorsError::HeadersNotAllowed),
        "headers"
    );
    let (ours, peer) = (
        with_corsair::respond(err),
        with_actix_cors::respond(actix_cors::CorsError::HeadersNotAllowed),
    );
    assert_eq!(ours.status(), peer.status());
    let _: Option<with_corsair::Middleware<()>> = None;
    let _: Option<with_actix_cors::Middleware<()>> = None;
}

#[test]
fn arguments_that_do_not_convert_are_typed_build_errors() {
    let err = corsair::Cors::default()
        .allowed_methods(["GET", "BAD METHOD"])
        .allowed_header("bad header")
        .expose_headers([&b"x-ok"[..], &b"bad\n"[..]])
        .build()
        .unwrap_err();
    let mut problems: Vec<_> = err
        .problems()
        .iter()
        .map(|p| match p {
            corsair::Problem::Unconvertible { call, position, .. } => (*call, *position),
            other => panic!("unexpected problem: {other}"),
        })
        .collect();
    problems.sort();
    assert_eq!(
        problems,
        [
            ("allowed_header", 1),
            ("allowed_methods", 2),
            ("expose_headers", 2)
        ]
    );
    assert!(
        err.to_string()
            .contains("entry 2 given to `.allowed_methods(..)`"),
        "{err}"
    );
}
