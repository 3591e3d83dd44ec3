//! Promises the review found stated but not pinned at their edges:
//! * README / SECURITY.md: `Access-Control-Request-Headers` is parsed "with bounded work: at
//!   most 64 names and 4 096 bytes, otherwise the preflight is refused as malformed" — tested
//!   at 64 / 65 names and 4 096 / 4 097 bytes, under "any header" so that only the bound can
//!   refuse;
//! * SECURITY.md, Private Network Access: `Access-Control-Allow-Private-Network: true` "only
//!   on a preflight that asked for it *and* whose origin, method and headers are all allowed".

use actix_web::{
    http::{header, Method, StatusCode},
    test as atest, web, App, HttpResponse,
};
use corsair::Cors;

const APP: &str = "https://app.example.com";
const ACRPN: &str = "access-control-request-private-network";
const ACAPN: &str = "access-control-allow-private-network";

async fn preflight(
    cors: Cors,
    method: &str,
    acrh: Option<&str>,
    pna: bool,
) -> (StatusCode, header::HeaderMap) {
    let app = atest::init_service(
        App::new()
            .wrap(cors)
            .default_service(web::to(HttpResponse::Ok)),
    )
    .await;
    let mut req = atest::TestRequest::default()
        .method(Method::OPTIONS)
        .uri("/")
        .insert_header((header::ORIGIN, APP))
        .insert_header((header::ACCESS_CONTROL_REQUEST_METHOD, method));
    if let Some(h) = acrh {
        req = req.insert_header((header::ACCESS_CONTROL_REQUEST_HEADERS, h));
    }
    if pna {
        req = req.insert_header((ACRPN, "true"));
    }
    let res = atest::call_service(&app, req.to_request()).await;
    (res.status(), res.headers().clone())
}

fn grants_nothing(h: &header::HeaderMap) -> bool {
    !h.keys()
        .any(|k| k.as_str().starts_with("access-control-allow-"))
}

fn names(n: usize) -> String {
    (0..n)
        .map(|i| format!("x-h{i:02}"))
        .collect::<Vec<_>>()
        .join(",")
}

fn any_header() -> Cors {
    Cors::default()
        .allowed_origin(APP)
        .allowed_methods(["PUT"])
        .allow_any_header()
}

#[actix_rt::test]
async fn sixty_four_requested_headers_are_granted_and_sixty_five_are_refused_as_malformed() {
    let at = names(64);
    let (status, h) = preflight(any_header(), "PUT", Some(&at), false).await;
    assert!(status.is_success(), "{status}");
    let granted = h
        .get(header::ACCESS_CONTROL_ALLOW_HEADERS)
        .unwrap()
        .to_str()
        .unwrap();
    assert_eq!(granted.split(',').count(), 64, "{granted}");

    let over = names(65);
    let (status, h) = preflight(any_header(), "PUT", Some(&over), false).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(grants_nothing(&h), "{h:?}");
}

#[actix_rt::test]
async fn a_4096_byte_request_header_list_is_granted_and_4097_bytes_are_refused_as_malformed() {
    // One name, so the name count cannot be what refuses.
    let at = format!("x-{}", "a".repeat(4096 - 2));
    assert_eq!(at.len(), 4096);
    let (status, h) = preflight(any_header(), "PUT", Some(&at), false).await;
    assert!(status.is_success(), "{status}");
    assert_eq!(
        h.get(header::ACCESS_CONTROL_ALLOW_HEADERS).unwrap(),
        at.as_str()
    );

    let over = format!("x-{}", "a".repeat(4097 - 2));
    let (status, h) = preflight(any_header(), "PUT", Some(&over), false).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(grants_nothing(&h), "{h:?}");
}

#[actix_rt::test]
async fn private_network_access_is_withheld_when_the_method_or_a_header_is_refused() {
    let pna = || {
        Cors::default()
            .allowed_origin(APP)
            .allowed_methods(["PUT"])
            .allowed_header("x-a")
            .allow_private_network_access()
    };
    // Everything allowed: granted (so the refusals below are about method and headers).
    let (status, h) = preflight(pna(), "PUT", Some("x-a"), true).await;
    assert!(status.is_success());
    assert_eq!(h.get(ACAPN).unwrap(), "true");

    for (method, acrh, why) in [
        ("DELETE", Some("x-a"), "method not allowed"),
        ("PUT", Some("x-b"), "header not allowed"),
    ] {
        let (status, h) = preflight(pna(), method, acrh, true).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{why}");
        assert!(grants_nothing(&h), "{why}: {h:?}");
        assert!(h.get(ACAPN).is_none(), "{why}");
    }
}

#[actix_rt::test]
async fn block_on_origin_mismatch_answers_403_with_vary_and_no_grant_and_skips_the_handler() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static RAN: AtomicUsize = AtomicUsize::new(0);
    let app = atest::init_service(
        App::new()
            .wrap(
                Cors::default()
                    .allowed_origin(APP)
                    .supports_credentials()
                    .block_on_origin_mismatch(true),
            )
            .default_service(web::to(|| async {
                RAN.fetch_add(1, Ordering::SeqCst);
                HttpResponse::Ok().finish()
            })),
    )
    .await;
    for origin in ["https://evil.example", "null", "https://app.example.com/"] {
        let req = atest::TestRequest::post()
            .uri("/transfer")
            .insert_header((header::ORIGIN, origin));
        let res = atest::call_service(&app, req.to_request()).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{origin}");
        assert!(
            grants_nothing(res.headers()),
            "{origin}: {:?}",
            res.headers()
        );
        // The answer depends on `Origin`, so a cache must know (SECURITY.md: "Vary: Origin is
        // on every response").
        assert_eq!(
            res.headers().get(header::VARY).unwrap(),
            "Origin",
            "{origin}"
        );
        assert!(atest::read_body(res).await.is_empty(), "{origin}");
    }
    assert_eq!(
        RAN.load(Ordering::SeqCst),
        0,
        "the handler ran for a refused origin"
    );
    // The allowed origin still reaches the handler.
    let req = atest::TestRequest::post()
        .uri("/transfer")
        .insert_header((header::ORIGIN, APP));
    let res = atest::call_service(&app, req.to_request()).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(RAN.load(Ordering::SeqCst), 1);
}
