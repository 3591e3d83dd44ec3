//! The header values a policy sends (echoed exact origins, the joined method, header and
//! exposed-header lists, max-age) are stored once per process with `'static` bytes, not in a
//! buffer owned by the policy behind a reference count (`src/header_value.rs`). With a
//! per-policy count, every worker would write that count on every response (the cache line
//! bouncing between cores that a shared `Arc` causes); with `'static` bytes no count exists.
//!
//! Observable through the wire: two policies built separately from the same configuration
//! send bytes at the same address. With per-policy buffers they would not.

use actix_web::{
    http::header::{HeaderName, HeaderValue},
    test, web, App, HttpResponse,
};
use corsair::Cors;

fn policy() -> Cors {
    Cors::default()
        .allowed_origin("https://per-process.example")
        .allowed_methods(["GET", "PUT"])
        .allowed_headers(["x-per-process"])
        .expose_headers(["x-per-process-exposed"])
        .max_age(4321)
}

/// The values of `names` in the response to `req`, through a fresh app on its own policy.
async fn values(req: test::TestRequest, names: &[&str]) -> Vec<HeaderValue> {
    let app = test::init_service(
        App::new()
            .wrap(policy().build().expect("valid"))
            .route("/", web::get().to(HttpResponse::Ok)),
    )
    .await;
    let res = test::call_service(&app, req.to_request()).await;
    names
        .iter()
        .map(|n| {
            res.headers()
                .get(HeaderName::from_bytes(n.as_bytes()).unwrap())
                .unwrap_or_else(|| panic!("{n} missing"))
                .clone()
        })
        .collect()
}

fn same_bytes(a: &[HeaderValue], b: &[HeaderValue]) {
    for (a, b) in a.iter().zip(b) {
        assert_eq!(a, b);
        assert_eq!(
            a.as_bytes().as_ptr(),
            b.as_bytes().as_ptr(),
            "{a:?}: two policies own two copies, so each response updates a per-policy count"
        );
    }
}

#[actix_rt::test]
async fn actual_request_values_are_stored_once_per_process_not_per_policy() {
    let req = || test::TestRequest::get().insert_header(("Origin", "https://per-process.example"));
    let names = [
        "access-control-allow-origin",
        "access-control-expose-headers",
    ];
    let first = values(req(), &names).await;
    let second = values(req(), &names).await;
    same_bytes(&first, &second);
}

#[actix_rt::test]
async fn preflight_values_are_stored_once_per_process_not_per_policy() {
    let req = || {
        test::TestRequest::default()
            .method(actix_web::http::Method::OPTIONS)
            .insert_header(("Origin", "https://per-process.example"))
            .insert_header(("Access-Control-Request-Method", "PUT"))
            .insert_header(("Access-Control-Request-Headers", "x-per-process"))
    };
    let names = [
        "access-control-allow-origin",
        "access-control-allow-methods",
        "access-control-allow-headers",
        "access-control-max-age",
    ];
    let first = values(req(), &names).await;
    let second = values(req(), &names).await;
    same_bytes(&first, &second);
}
