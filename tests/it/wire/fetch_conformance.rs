//! Conformance matrix against the WHATWG Fetch Standard (https://fetch.spec.whatwg.org/).
//!
//! The Fetch Standard specifies the *browser's* side of CORS. A server conforms when every
//! response it sends makes the browser's algorithms reach the verdict the server's policy
//! intends. So each test below names one step of the browser algorithm, sends the request a
//! browser would send at that point, and asserts on what that step reads from the response.
//!
//! Sections followed (anchors of the living standard):
//! - "CORS protocol" — #http-cors-protocol (HTTP requests, HTTP responses, new-header syntax,
//!   CORS protocol and credentials)
//! - "CORS check" — #concept-cors-check (8 steps)
//! - "CORS-preflight fetch" — #cors-preflight-fetch (8 steps, step 7 has sub-steps)
//! - "CORS-preflight cache" — #cors-preflight-cache
//! - "CORS protocol and HTTP caches" — #cors-protocol-and-http-caches
//! - "Methods" (CORS-safelisted method, forbidden method) — #methods
//! - "Headers" (CORS-safelisted request-header, CORS non-wildcard request-header name,
//!   forbidden request-header) — #terminology-headers
//!
//! A small model of the browser's CORS check lives at the bottom of this file
//! (`browser_cors_check`), written from the standard's steps, so tests can also assert "the
//! browser would accept / reject this response".

use std::sync::{
    atomic::{AtomicUsize, Ordering},
    Arc,
};

use actix_web::{
    dev::ServiceResponse,
    http::{
        header::{self, HeaderMap},
        Method, StatusCode,
    },
    test::{self, TestRequest},
    web, App, HttpResponse,
};
use corsair::{Cors, CorsPolicy};

const APP: &str = "https://app.example.com";
const EVIL: &str = "https://evil.example.net";

const ACAO: &str = "access-control-allow-origin";
const ACAC: &str = "access-control-allow-credentials";
const ACAM: &str = "access-control-allow-methods";
const ACAH: &str = "access-control-allow-headers";
const ACMA: &str = "access-control-max-age";
const ACEH: &str = "access-control-expose-headers";
const ACAPN: &str = "access-control-allow-private-network";
const ACRM: &str = "access-control-request-method";
const ACRH: &str = "access-control-request-headers";
const ACRPN: &str = "access-control-request-private-network";

/// A constructor of a (fresh) builder; `Cors` is consumed by `build()`.
type MakeCors = fn() -> Cors;

// ---------------------------------------------------------------------------------------------
// harness
// ---------------------------------------------------------------------------------------------

struct Outcome {
    status: StatusCode,
    headers: HeaderMap,
    /// How many times the inner handler ran.
    hits: usize,
}

impl Outcome {
    fn all(&self, name: &str) -> Vec<String> {
        self.headers
            .get_all(name)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .collect()
    }

    fn one(&self, name: &str) -> Option<String> {
        let all = self.all(name);
        assert!(
            all.len() <= 1,
            "header {name} appears {} times: {all:?}",
            all.len()
        );
        all.into_iter().next()
    }

    /// Comma-separated list elements of every `name` header, trimmed.
    fn list(&self, name: &str) -> Vec<String> {
        self.all(name)
            .iter()
            .flat_map(|v| {
                v.split(',')
                    .map(|s| s.trim().to_owned())
                    .collect::<Vec<_>>()
            })
            .filter(|s| !s.is_empty())
            .collect()
    }

    fn list_lower(&self, name: &str) -> Vec<String> {
        self.list(name)
            .into_iter()
            .map(|s| s.to_ascii_lowercase())
            .collect()
    }

    fn vary(&self) -> Vec<String> {
        self.list_lower("vary")
    }

    fn has_no_cors_grant(&self) -> bool {
        [ACAO, ACAC, ACAM, ACAH, ACMA, ACEH, ACAPN]
            .iter()
            .all(|h| self.headers.get(*h).is_none())
    }
}

fn policy(cors: Cors) -> CorsPolicy {
    match cors.build() {
        Ok(p) => p,
        Err(e) => panic!("test policy must be valid: {e}"),
    }
}

/// Runs `req` through an app wrapped in `cors`; every path is routed to a handler that counts
/// its calls, answers 200 with `x-request-id` and `Vary: Accept-Encoding` headers.
async fn run(cors: Cors, req: TestRequest) -> Outcome {
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let app = test::init_service(App::new().wrap(policy(cors)).default_service(web::to(
        move || {
            counter.fetch_add(1, Ordering::SeqCst);
            async {
                HttpResponse::Ok()
                    .insert_header(("x-request-id", "42"))
                    .insert_header((header::VARY, "Accept-Encoding"))
                    .body("handler body")
            }
        },
    )))
    .await;
    let res = test::try_call_service(&app, req.to_request()).await;
    finish(res, &hits)
}

fn finish<B>(res: Result<ServiceResponse<B>, actix_web::Error>, hits: &AtomicUsize) -> Outcome {
    let (status, headers) = match res {
        Ok(r) => (r.status(), r.headers().clone()),
        Err(e) => {
            let r = e.as_response_error().error_response();
            (r.status(), r.headers().clone())
        }
    };
    assert!(
        !status.is_server_error(),
        "a CORS decision must never produce a 5xx (got {status})"
    );
    Outcome {
        status,
        headers,
        hits: hits.load(Ordering::SeqCst),
    }
}

fn get(origin: &str) -> TestRequest {
    TestRequest::get()
        .uri("/data")
        .insert_header((header::ORIGIN, origin))
}

fn preflight(origin: &str, method: &str) -> TestRequest {
    TestRequest::default()
        .method(Method::OPTIONS)
        .uri("/data")
        .insert_header((header::ORIGIN, origin))
        .insert_header((ACRM, method))
}

fn preflight_with_headers(origin: &str, method: &str, headers: &str) -> TestRequest {
    preflight(origin, method).insert_header((ACRH, headers))
}

fn app_policy() -> Cors {
    Cors::default()
        .allowed_origin(APP)
        .allowed_methods(["GET", "POST", "PUT", "PATCH"])
        .allowed_headers(["x-api-key", "content-type"])
        .expose_headers(["x-request-id"])
}

fn credentialed_policy() -> Cors {
    app_policy().supports_credentials()
}

fn assert_refused_preflight(out: &Outcome, why: &str) {
    assert!(
        out.status.is_client_error(),
        "{why}: refused preflight must be 4xx, got {}",
        out.status
    );
    assert!(
        out.has_no_cors_grant(),
        "{why}: refused preflight must carry no Access-Control-Allow-* header: {:?}",
        out.headers
    );
    assert_eq!(out.hits, 0, "{why}: preflight must not reach the handler");
    assert!(
        out.vary().contains(&"origin".to_owned()),
        "{why}: refused preflight still needs Vary: Origin (got {:?})",
        out.vary()
    );
}

// ---------------------------------------------------------------------------------------------
// CORS check — https://fetch.spec.whatwg.org/#concept-cors-check
// ---------------------------------------------------------------------------------------------

// Step 1: "Let origin be the result of getting `Access-Control-Allow-Origin` from response's
// header list." Getting combines repeated headers with ", ", which never equals an origin, so
// a granted response must carry exactly one ACAO.
#[actix_rt::test]
async fn cors_check_step1_granted_response_has_exactly_one_acao() {
    let out = run(app_policy(), get(APP)).await;
    assert_eq!(out.all(ACAO).len(), 1, "{:?}", out.headers);
    assert!(browser_cors_check(&out, APP, false));
}

// Step 2: "If origin is null, then return failure." (Null — absent — is not `null`.)
// A refused origin gets no ACAO at all, rather than some other value.
#[actix_rt::test]
async fn cors_check_step2_refused_origin_gets_no_acao() {
    let out = run(app_policy(), get(EVIL)).await;
    assert_eq!(out.one(ACAO), None);
    assert!(!browser_cors_check(&out, EVIL, false));
    // Contract: a refused origin still reaches the handler (no block_on_origin_mismatch).
    assert_eq!(out.hits, 1);
    assert_eq!(out.status, StatusCode::OK);
}

// Step 2 note "Null is not `null`": the literal `null` origin (sandboxed iframes, file: URLs,
// redirects) is only granted to listed policies on explicit opt-in.
#[actix_rt::test]
async fn cors_check_step2_null_origin_refused_without_opt_in() {
    let out = run(app_policy(), get("null")).await;
    assert_eq!(out.one(ACAO), None, "`Origin: null` granted without opt-in");
}

// A public any-origin policy answers `null` like any other origin (everyone is already
// allowed): the echo, or `*` under send_wildcard. The CORS check passes either way.
#[actix_rt::test]
async fn cors_check_any_origin_answers_null_echo_or_wildcard() {
    let out = run(Cors::default().allow_any_origin(), get("null")).await;
    assert_eq!(out.one(ACAO).as_deref(), Some("null"));
    assert!(browser_cors_check(&out, "null", false));
    let wild = Cors::default().allow_any_origin().send_wildcard();
    let out = run(wild, get("null")).await;
    assert_eq!(out.one(ACAO).as_deref(), Some("*"));
    assert!(browser_cors_check(&out, "null", false));
}

#[actix_rt::test]
async fn cors_check_step2_null_origin_granted_with_opt_in() {
    let out = run(app_policy().allow_null_origin(), get("null")).await;
    assert_eq!(out.one(ACAO).as_deref(), Some("null"));
    assert!(browser_cors_check(&out, "null", false));
}

// Step 3: "If request's credentials mode is not "include" and origin is `*`, then return
// success."
#[actix_rt::test]
async fn cors_check_step3_wildcard_for_uncredentialed_any_origin() {
    let out = run(
        Cors::default().allow_any_origin().send_wildcard(),
        get(EVIL),
    )
    .await;
    assert_eq!(out.one(ACAO).as_deref(), Some("*"));
    assert_eq!(out.one(ACAC), None, "ACAC must never accompany `*`");
    assert!(browser_cors_check(&out, EVIL, false));
}

// Step 3 (contrapositive) and "CORS protocol and credentials" table: with credentials mode
// "include", `*` fails. A credentialed policy therefore always names the origin.
#[actix_rt::test]
async fn cors_check_step3_credentialed_policy_never_sends_wildcard() {
    let out = run(credentialed_policy(), get(APP)).await;
    assert_eq!(out.one(ACAO).as_deref(), Some(APP));
    assert!(browser_cors_check(&out, APP, true));
}

// Step 4: "If the result of byte-serializing a request origin with request is not origin,
// then return failure." ACAO must be the request's origin byte for byte: no trailing slash,
// no case change, no list.
#[actix_rt::test]
async fn cors_check_step4_acao_is_byte_exact_request_origin() {
    for origin in [APP, "http://localhost:8080", "http://127.0.0.1:3000"] {
        let cors = Cors::default()
            .allowed_origin(APP)
            .allowed_origin("http://localhost:8080")
            .allowed_origin("http://127.0.0.1:3000");
        let out = run(cors, get(origin)).await;
        assert_eq!(out.one(ACAO).as_deref(), Some(origin));
        assert!(browser_cors_check(&out, origin, false));
    }
}

// Step 4, mirrored: allow_any_origin without send_wildcard echoes the request origin.
#[actix_rt::test]
async fn cors_check_step4_any_origin_mirrors_request_origin() {
    let out = run(Cors::default().allow_any_origin(), get(EVIL)).await;
    assert_eq!(out.one(ACAO).as_deref(), Some(EVIL));
}

// Step 4: origins that merely resemble an allowed one are different origins and must fail.
#[actix_rt::test]
async fn cors_check_step4_lookalike_origins_refused() {
    let lookalikes = [
        "https://app.example.com.evil.net", // suffix appended
        "https://evilapp.example.com",      // prefix glued on
        "https://app.example.co",           // truncated
        "http://app.example.com",           // other scheme
        "https://app.example.com:8443",     // other port
        "https://app.example.com.",         // trailing dot
        "https://app.example.com/",         // not a serialized origin
        "https://app.example.com/path",     // not a serialized origin
        "https://sub.app.example.com",      // subdomain
        "https://app%2eexample.com",        // escaped dot
        "https://app.example.com\t",        // trailing tab
        " https://app.example.com",         // leading space
    ];
    for origin in lookalikes {
        let out = run(credentialed_policy(), get(origin)).await;
        assert_eq!(out.one(ACAO), None, "look-alike {origin:?} was granted");
        assert_eq!(out.one(ACAC), None, "look-alike {origin:?} got ACAC");
    }
}

// Step 4: "byte-serializing a request origin" yields `null` or `scheme://host[:port]`; nothing
// else is an origin. Under allow_any_origin, values that are not origins are refused rather
// than mirrored — in particular `*`, which mirrored would be a wildcard.
#[actix_rt::test]
async fn cors_check_step4_non_origins_never_mirrored_under_any_origin() {
    let policies: [MakeCors; 2] = [
        || Cors::default().allow_any_origin(),
        || Cors::default().allow_any_origin().send_wildcard(),
    ];
    for cors in policies {
        for bad in [
            "",
            "*",
            "https://a b.com",
            "https://a.com\t",
            "\thttps://a.com",
        ] {
            let out = run(cors(), get(bad)).await;
            assert_eq!(out.one(ACAO), None, "{bad:?} mirrored");
        }
    }
}

// Step 5: "If request's credentials mode is not "include", then return success." The
// server need not (and, without supports_credentials, must not) send ACAC.
#[actix_rt::test]
async fn cors_check_step5_no_acac_without_credentials() {
    let out = run(app_policy(), get(APP)).await;
    assert_eq!(out.one(ACAC), None);
    assert!(browser_cors_check(&out, APP, false));
    assert!(
        !browser_cors_check(&out, APP, true),
        "uncredentialed policy shared with credentials"
    );
}

// Steps 6–7: "Let credentials be the result of getting `Access-Control-Allow-Credentials`
// ... If credentials is `true`, then return success." The value is case-sensitive `true`.
#[actix_rt::test]
async fn cors_check_step6_7_acac_is_exactly_true() {
    let out = run(credentialed_policy(), get(APP)).await;
    assert_eq!(out.one(ACAC).as_deref(), Some("true"));
    assert!(browser_cors_check(&out, APP, true));
}

// Step 8: "Return failure." A refused origin under a credentialed policy gets neither ACAO
// nor ACAC, so nothing is shared.
#[actix_rt::test]
async fn cors_check_step8_refused_origin_gets_no_acac() {
    let out = run(credentialed_policy(), get(EVIL)).await;
    assert_eq!(out.one(ACAO), None);
    assert_eq!(out.one(ACAC), None);
    assert!(!browser_cors_check(&out, EVIL, true));
}

// CORS protocol, "HTTP responses": a successful response to a CORS request "can use any
// status" — the grant is added to error responses from the handler too.
#[actix_rt::test]
async fn cors_protocol_grant_added_to_handler_errors() {
    let app = test::init_service(
        App::new().wrap(policy(app_policy())).route(
            "/boom",
            web::get()
                .to(|| async { Err::<HttpResponse, _>(actix_web::error::ErrorUnauthorized("no")) }),
        ),
    )
    .await;
    let hits = AtomicUsize::new(0);
    let req = TestRequest::get()
        .uri("/boom")
        .insert_header((header::ORIGIN, APP))
        .to_request();
    let out = finish(test::try_call_service(&app, req).await, &hits);
    assert_eq!(out.status, StatusCode::UNAUTHORIZED);
    assert_eq!(out.one(ACAO).as_deref(), Some(APP));
}

// CORS protocol, "HTTP responses": Access-Control-Expose-Headers on the actual response.
#[actix_rt::test]
async fn cors_protocol_expose_headers_on_actual_response() {
    let out = run(app_policy(), get(APP)).await;
    assert!(
        out.list_lower(ACEH).contains(&"x-request-id".to_owned()),
        "{:?}",
        out.all(ACEH)
    );
}

// CORS protocol, "HTTP requests": a CORS request is one that includes `Origin`; duplicates are
// not a serialized origin, so they are refused (contract) — never merged, never 5xx.
#[actix_rt::test]
async fn cors_protocol_duplicate_origin_headers_refused() {
    let req = TestRequest::get()
        .uri("/data")
        .append_header((header::ORIGIN, APP))
        .append_header((header::ORIGIN, APP));
    let out = run(credentialed_policy(), req).await;
    assert_eq!(out.one(ACAO), None);
    assert_eq!(out.one(ACAC), None);
}

#[actix_rt::test]
async fn cors_protocol_no_origin_passes_through_without_grant() {
    let out = run(app_policy(), TestRequest::get().uri("/data")).await;
    assert_eq!(out.hits, 1);
    assert_eq!(out.status, StatusCode::OK);
    assert!(out.has_no_cors_grant(), "{:?}", out.headers);
}

#[actix_rt::test]
async fn cors_protocol_block_on_origin_mismatch_is_403_without_handler() {
    let out = run(app_policy().block_on_origin_mismatch(true), get(EVIL)).await;
    assert_eq!(out.status, StatusCode::FORBIDDEN);
    assert_eq!(out.hits, 0);
    assert!(out.has_no_cors_grant());
}

// ---------------------------------------------------------------------------------------------
// CORS-preflight fetch — https://fetch.spec.whatwg.org/#cors-preflight-fetch
// ---------------------------------------------------------------------------------------------

// Step 1: the preflight is an OPTIONS request, mode "cors", carrying Origin. Step 3 appends
// Access-Control-Request-Method. Together ("CORS protocol" > "HTTP requests") that is a
// CORS-preflight request, answered by the middleware: the handler is not called and the route
// need not exist.
#[actix_rt::test]
async fn preflight_step1_answered_by_middleware_even_without_route() {
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let app = test::init_service(App::new().wrap(policy(app_policy())).route(
        "/only-get",
        web::get().to(move || {
            counter.fetch_add(1, Ordering::SeqCst);
            async { HttpResponse::Ok().finish() }
        }),
    ))
    .await;
    let req = TestRequest::default()
        .method(Method::OPTIONS)
        .uri("/no/such/route")
        .insert_header((header::ORIGIN, APP))
        .insert_header((ACRM, "PUT"))
        .to_request();
    let out = finish(test::try_call_service(&app, req).await, &hits);
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    assert_eq!(out.hits, 0);
    assert_eq!(out.one(ACAO).as_deref(), Some(APP));
}

// "HTTP requests": a CORS-preflight request *includes* Access-Control-Request-Method; an
// OPTIONS request without it is an ordinary request and reaches the handler.
#[actix_rt::test]
async fn preflight_step1_options_without_acrm_is_ordinary_request() {
    let req = TestRequest::default()
        .method(Method::OPTIONS)
        .uri("/data")
        .insert_header((header::ORIGIN, APP));
    let out = run(app_policy(), req).await;
    assert_eq!(out.hits, 1);
    assert_eq!(
        out.one(ACAM),
        None,
        "no preflight answer for a plain OPTIONS"
    );
}

// Step 2: the browser appends (`Accept`, `*/*`). The answer must not depend on it.
#[actix_rt::test]
async fn preflight_step2_accept_header_does_not_change_answer() {
    let with = run(
        app_policy(),
        preflight(APP, "PUT").insert_header((header::ACCEPT, "*/*")),
    )
    .await;
    let without = run(app_policy(), preflight(APP, "PUT")).await;
    assert_eq!(with.status, without.status);
    assert_eq!(with.one(ACAO), without.one(ACAO));
    assert_eq!(with.list(ACAM), without.list(ACAM));
}

// Step 3: ACRM is the request's method. Methods are case-sensitive; the browser normalizes only
// DELETE/GET/HEAD/OPTIONS/POST/PUT, so a script's "patch" arrives as `patch`. Step 7.5
// compares byte-exactly, so a grant must list the method exactly as requested.
#[actix_rt::test]
async fn preflight_step3_acrm_granted_method_is_listed_exactly() {
    let out = run(app_policy(), preflight(APP, "PUT")).await;
    assert!(out.status.is_success());
    assert!(
        out.list(ACAM).contains(&"PUT".to_owned()),
        "{:?}",
        out.all(ACAM)
    );

    let out = run(app_policy(), preflight(APP, "patch")).await;
    if out.status.is_success() {
        assert!(
            out.list(ACAM).contains(&"patch".to_owned()),
            "granted `patch` but ACAM {:?} does not list it byte-exactly, so the browser's \
             step 7.5 fails anyway",
            out.all(ACAM)
        );
    } else {
        assert_refused_preflight(&out, "lowercase patch");
    }
}

// Steps 4–5: ACRH is the sorted, lowercased CORS-unsafe names joined by "," with no space
// ("0x20 following 0x2C is not the way this was implemented"). Servers must parse both forms.
#[actix_rt::test]
async fn preflight_step4_5_acrh_comma_without_space_is_parsed() {
    for value in [
        "content-type,x-api-key",
        "content-type, x-api-key",
        "x-api-key ,content-type",
    ] {
        let out = run(app_policy(), preflight_with_headers(APP, "PUT", value)).await;
        assert!(out.status.is_success(), "{value:?} refused: {}", out.status);
        let granted = out.list_lower(ACAH);
        for name in ["content-type", "x-api-key"] {
            assert!(
                granted.contains(&name.to_owned()),
                "{value:?}: ACAH {granted:?} lacks {name}"
            );
        }
    }
}

// Step 7.7 matches names byte-case-insensitively, so a mixed-case ACRH is the same request.
#[actix_rt::test]
async fn preflight_step4_5_acrh_names_are_case_insensitive() {
    let out = run(
        app_policy(),
        preflight_with_headers(APP, "PUT", "X-Api-Key"),
    )
    .await;
    assert!(out.status.is_success(), "{}", out.status);
    assert!(out.list_lower(ACAH).contains(&"x-api-key".to_owned()));
}

// Step 4: "Let headers be the CORS-unsafe request-header names" — CORS-safelisted headers are
// never listed, so a preflight without ACRH must succeed even if no header is allowed.
#[actix_rt::test]
async fn preflight_step5_no_acrh_when_only_safelisted_headers() {
    let cors = Cors::default().allowed_origin(APP).allowed_methods(["PUT"]);
    let out = run(cors, preflight(APP, "PUT")).await;
    assert!(out.status.is_success(), "{}", out.status);
}

// Step 7: "If a CORS check for request and response returns success and response's status is
// an ok status" — a granted preflight is 2xx: 204 by default, configurable within 2xx.
#[actix_rt::test]
async fn preflight_step7_ok_status() {
    let out = run(app_policy(), preflight(APP, "PUT")).await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    let out = run(
        app_policy().preflight_status(StatusCode::OK),
        preflight(APP, "PUT"),
    )
    .await;
    assert_eq!(out.status, StatusCode::OK);
}

// Step 7 note: "The CORS check is done on request rather than preflight to ensure the correct
// credentials mode is used." The preflight has no credentials but the actual request may, so
// the preflight answer must already pass a credentialed CORS check.
#[actix_rt::test]
async fn preflight_step7_cors_check_uses_actual_request_credentials() {
    let out = run(credentialed_policy(), preflight(APP, "PUT")).await;
    assert!(out.status.is_success());
    assert!(browser_cors_check(&out, APP, true), "{:?}", out.headers);
}

// Steps 7.1–7.3: ACAM and ACAH are extracted as `#method` / `#field-name` lists; a parse
// failure is a network error. Every element must be a token.
#[actix_rt::test]
async fn preflight_step7_1_3_acam_acah_parse_as_token_lists() {
    let out = run(
        app_policy(),
        preflight_with_headers(APP, "PUT", "x-api-key"),
    )
    .await;
    assert!(out.status.is_success());
    for name in [ACAM, ACAH] {
        let values = out.all(name);
        assert!(!values.is_empty(), "{name} missing");
        for value in values {
            for element in value.split(',') {
                let element = element.trim();
                assert!(
                    is_token(element),
                    "{name} element {element:?} is not a token"
                );
            }
        }
    }
}

// Step 7.5: "If request's method is not in methods, request's method is not a CORS-safelisted
// method, and request's credentials mode is "include" or methods does not contain `*`, then
// return a network error." The server refuses unlisted methods outright.
#[actix_rt::test]
async fn preflight_step7_5_unlisted_method_refused() {
    let out = run(app_policy(), preflight(APP, "DELETE")).await;
    assert_refused_preflight(&out, "DELETE not allowed");
}

// Step 7.5 / "Methods": GET, HEAD and POST are CORS-safelisted methods, acceptable whatever
// the method list says.
#[actix_rt::test]
async fn preflight_step7_5_safelisted_methods_always_acceptable() {
    let cors = || Cors::default().allowed_origin(APP).allowed_methods(["PUT"]);
    for m in ["GET", "HEAD", "POST"] {
        let out = run(cors(), preflight(APP, m)).await;
        assert!(out.status.is_success(), "{m}: {}", out.status);
        assert_eq!(out.one(ACAO).as_deref(), Some(APP));
    }
}

// Step 7.5: with credentials, `*` in ACAM is not a wildcard — the requested method itself
// must be listed.
#[actix_rt::test]
async fn preflight_step7_5_any_method_with_credentials_lists_the_method() {
    let cors = Cors::default()
        .allowed_origin(APP)
        .allow_any_method()
        .supports_credentials();
    let out = run(cors, preflight(APP, "PROPFIND")).await;
    assert!(out.status.is_success(), "{}", out.status);
    let methods = out.list(ACAM);
    assert!(methods.contains(&"PROPFIND".to_owned()), "{methods:?}");
    assert!(!methods.contains(&"*".to_owned()), "{methods:?}");
}

// Step 7.6: "If one of request's header list's names is a CORS non-wildcard request-header
// name [Authorization] and is not a byte-case-insensitive match for an item in headerNames,
// then return a network error." Even `*` does not cover Authorization, so allow_any_header
// must name it.
#[actix_rt::test]
async fn preflight_step7_6_authorization_is_listed_explicitly() {
    let cors = Cors::default()
        .allowed_origin(APP)
        .allowed_methods(["GET"])
        .allow_any_header();
    let out = run(cors, preflight_with_headers(APP, "GET", "authorization")).await;
    assert!(out.status.is_success(), "{}", out.status);
    assert!(
        out.list_lower(ACAH).contains(&"authorization".to_owned()),
        "{:?}",
        out.all(ACAH)
    );
}

// Step 7.7: every CORS-unsafe name must match an item in headerNames (or `*` without
// credentials). An unlisted header fails the whole preflight.
#[actix_rt::test]
async fn preflight_step7_7_unlisted_header_refused() {
    let out = run(
        app_policy(),
        preflight_with_headers(APP, "PUT", "x-api-key,x-secret"),
    )
    .await;
    assert_refused_preflight(&out, "x-secret not allowed");
}

// Step 7.7 with allow_any_header: every requested header is echoed, and never as `*` (which
// would fail for credentialed requests).
#[actix_rt::test]
async fn preflight_step7_7_any_header_echoes_each_requested_name() {
    let cors = Cors::default()
        .allowed_origin(APP)
        .allowed_methods(["PUT"])
        .allow_any_header()
        .supports_credentials();
    let out = run(
        cors,
        preflight_with_headers(APP, "PUT", "x-one,x-two,x-three"),
    )
    .await;
    assert!(out.status.is_success(), "{}", out.status);
    let granted = out.list_lower(ACAH);
    for name in ["x-one", "x-two", "x-three"] {
        assert!(
            granted.contains(&name.to_owned()),
            "{granted:?} lacks {name}"
        );
    }
    assert!(!granted.contains(&"*".to_owned()));
}

// Steps 7.8–7.10: max-age is extracted as delta-seconds; failure or null means 5 s, and the
// browser caps it. The server sends a plain decimal (600 by default) or nothing.
#[actix_rt::test]
async fn preflight_step7_8_10_max_age_is_delta_seconds() {
    let out = run(app_policy(), preflight(APP, "PUT")).await;
    assert_eq!(out.one(ACMA).as_deref(), Some("600"));
    let out = run(app_policy().max_age(3600), preflight(APP, "PUT")).await;
    assert_eq!(out.one(ACMA).as_deref(), Some("3600"));
    let out = run(app_policy().max_age(None), preflight(APP, "PUT")).await;
    assert_eq!(out.one(ACMA), None);
}

// Step 8: "Otherwise, return a network error." — a refused origin gets a 4xx with no grant.
#[actix_rt::test]
async fn preflight_step8_refused_origin_is_network_error() {
    let out = run(credentialed_policy(), preflight(EVIL, "PUT")).await;
    assert_refused_preflight(&out, "evil origin");
}

// "HTTP new-header syntax": Access-Control-Request-Method = method (a token). Malformed
// preflight input is rejected as 400, without a grant.
#[actix_rt::test]
async fn preflight_malformed_acrm_is_400() {
    for bad in ["GE T", "", "PUT,GET", "P(UT"] {
        let any_method = Cors::default().allowed_origin(APP).allow_any_method();
        let out = run(any_method, preflight(APP, bad)).await;
        assert_eq!(out.status, StatusCode::BAD_REQUEST, "ACRM {bad:?}");
        assert!(out.has_no_cors_grant());
    }
}

// "HTTP new-header syntax": Access-Control-Request-Headers = 1#field-name.
#[actix_rt::test]
async fn preflight_malformed_acrh_is_400() {
    for bad in ["x(a)", "x a", "x-api-key,\"quoted\""] {
        let cors = Cors::default()
            .allowed_origin(APP)
            .allowed_methods(["PUT"])
            .allow_any_header();
        let out = run(cors, preflight_with_headers(APP, "PUT", bad)).await;
        assert_eq!(out.status, StatusCode::BAD_REQUEST, "ACRH {bad:?}");
        assert!(out.has_no_cors_grant());
    }
}

// "HTTP new-header syntax" + "extract header list values" step 2: ACRM's ABNF allows a single
// header, so two of them are a failure.
#[actix_rt::test]
async fn preflight_repeated_acrm_is_400() {
    let two_methods = TestRequest::default()
        .method(Method::OPTIONS)
        .uri("/data")
        .insert_header((header::ORIGIN, APP))
        .append_header((ACRM, "PUT"))
        .append_header((ACRM, "PUT"));
    let out = run(app_policy(), two_methods).await;
    assert_eq!(out.status, StatusCode::BAD_REQUEST);
    assert!(out.has_no_cors_grant());
}

// ACRH is `1#field-name`, a list: RFC 9110 §5.3 lets a list header come as several field lines,
// which mean their combination in order, joined with ", " (the Fetch standard's "get" does
// the same). So a preflight whose ACRH comes on two lines asks for every name on either line,
// within the limits of one line (64 names, 4 KiB once combined).
#[actix_rt::test]
async fn preflight_acrh_field_lines_are_one_combined_list() {
    let lines = |values: &[&str]| {
        values.iter().fold(preflight(APP, "PUT"), |req, v| {
            req.append_header((ACRH, *v))
        })
    };
    let with_authorization = || app_policy().allowed_header("authorization");
    let out = run(
        with_authorization(),
        lines(&["authorization", "authorization"]),
    )
    .await;
    assert_eq!(
        out.status,
        StatusCode::NO_CONTENT,
        "authorization on two lines"
    );
    assert_eq!(out.one(ACAO).as_deref(), Some(APP));

    let out = run(app_policy(), lines(&["x-api-key", "", " content-type "])).await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    // One name not allowed on any line refuses the whole list, as on one line.
    let out = run(app_policy(), lines(&["x-api-key", "x-other"])).await;
    assert_refused_preflight(&out, "x-other on a second line");
    assert_eq!(out.status, StatusCode::FORBIDDEN);
    let out = run(app_policy(), lines(&["x-api-key", "x b"])).await;
    assert_eq!(
        out.status,
        StatusCode::BAD_REQUEST,
        "a non-token on a second line"
    );

    // "Any header" echoes what was asked: the combined list.
    let any = || {
        Cors::default()
            .allowed_origin(APP)
            .allowed_methods(["PUT"])
            .allow_any_header()
    };
    let out = run(any(), lines(&["x-a", "x-b, x-c"])).await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    assert_eq!(out.list_lower(ACAH), ["x-a", "x-b", "x-c"]);
    let out = run(any(), lines(&["", "x-a", " "])).await;
    assert_eq!(out.list_lower(ACAH), ["x-a"]);

    // The limits count the combined value: 32 + 32 names pass, a 65th is refused.
    let names = |from: usize| {
        (from..from + 32)
            .map(|i| format!("x-{i}"))
            .collect::<Vec<_>>()
    };
    let (first, second) = (names(0).join(","), names(32).join(","));
    let out = run(any(), lines(&[&first, &second])).await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    assert_eq!(out.list_lower(ACAH).len(), 64);
    let out = run(any(), lines(&[&first, &second, "x-64"])).await;
    assert_eq!(out.status, StatusCode::BAD_REQUEST);
    // 4096 bytes once joined with a comma pass; 4097 are refused.
    let a = "a".repeat(2048);
    let out = run(any(), lines(&[&a, &"b".repeat(4096 - 2048 - 1)])).await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    let out = run(any(), lines(&[&a, &"b".repeat(4096 - 2048)])).await;
    assert_eq!(out.status, StatusCode::BAD_REQUEST);
}

// ---------------------------------------------------------------------------------------------
// CORS-preflight cache — https://fetch.spec.whatwg.org/#cors-preflight-cache
// CORS protocol and HTTP caches — https://fetch.spec.whatwg.org/#cors-protocol-and-http-caches
// ---------------------------------------------------------------------------------------------

// The CORS-preflight cache keys entries by byte-serialized origin, URL and credentials; an HTTP
// cache in between only knows what Vary says. A preflight answer depends on Origin, ACRM and
// ACRH, so it varies on all three.
#[actix_rt::test]
async fn preflight_cache_answer_varies_on_origin_acrm_acrh() {
    let out = run(
        app_policy(),
        preflight_with_headers(APP, "PUT", "x-api-key"),
    )
    .await;
    let vary = out.vary();
    for token in ["origin", ACRM, ACRH] {
        assert!(
            vary.contains(&token.to_owned()),
            "Vary {vary:?} lacks {token}"
        );
    }
}

// "If `Access-Control-Allow-Origin` is set to [the request origin] ... `Vary` is to be used
// ... to avoid the HTTP cache serving the no-CORS response to a CORS request." That means
// Vary: Origin on responses to requests *without* Origin and to refused origins too.
#[actix_rt::test]
async fn http_cache_vary_origin_on_every_response() {
    let no_origin = run(app_policy(), TestRequest::get().uri("/data")).await;
    let refused = run(app_policy(), get(EVIL)).await;
    let granted = run(app_policy(), get(APP)).await;
    for (name, out) in [
        ("no origin", no_origin),
        ("refused", refused),
        ("granted", granted),
    ] {
        assert!(
            out.vary().contains(&"origin".to_owned()),
            "{name}: Vary {:?}",
            out.vary()
        );
    }
}

// Vary is merged with the handler's own Vary, never overwritten nor duplicated.
#[actix_rt::test]
async fn http_cache_vary_merged_not_overwritten() {
    let out = run(app_policy(), get(APP)).await;
    let vary = out.vary();
    assert!(
        vary.contains(&"accept-encoding".to_owned()),
        "handler's Vary lost: {vary:?}"
    );
    assert_eq!(
        vary.iter().filter(|v| *v == "origin").count(),
        1,
        "{vary:?}"
    );
}

// CORS-preflight cache: "There is a method cache entry match ... [when] its method is method or
// `*`", and a header-name entry `*` matches any name but Authorization. A `*` in ACAM/ACAH is a
// wildcard for uncredentialed requests (preflight fetch steps 7.5 and 7.7, "HTTP new-header
// syntax" note) and, once cached, lets later requests with *other* methods and headers skip the
// preflight for max-age seconds. A policy must therefore never send `*` there unless it allows
// every method / header: `*` inside a configured list must be refused at build time or never
// reach the wire.
#[actix_rt::test]
async fn preflight_cache_never_gets_a_wildcard_from_a_list() {
    // `*` inside a list is refused at build, typed as `WildcardInList` naming the list and the
    // "any" method to use instead, so it can never reach the wire.
    let cases: [(Cors, &str, &str); 3] = [
        (
            Cors::default().allowed_origin(APP).allowed_methods(["*"]),
            "allowed_methods",
            "allow_any_method",
        ),
        (
            Cors::default().allowed_origin(APP).allowed_headers(["*"]),
            "allowed_headers",
            "allow_any_header",
        ),
        (
            Cors::default().allowed_origin(APP).expose_headers(["*"]),
            "expose_headers",
            "expose_any_header",
        ),
    ];
    for (cors, list, any) in cases {
        let err = cors.build().expect_err(list);
        assert!(
            matches!(
                err.problems(),
                [corsair::Problem::WildcardInList { list: l }] if l.to_string() == list && l.any_call() == any
            ),
            "{list}: {err}"
        );
    }
    // The "any" methods themselves echo what was asked, never a literal `*`.
    let any = Cors::default()
        .allowed_origin(APP)
        .allow_any_method()
        .allow_any_header();
    let out = run(any, preflight_with_headers(APP, "PROPFIND", "x-custom")).await;
    assert!(out.status.is_success(), "{}", out.status);
    assert_eq!(out.list(ACAM), ["PROPFIND"]);
    assert_eq!(out.list_lower(ACAH), ["x-custom"]);
}

// ---------------------------------------------------------------------------------------------
// Origin patterns and regexes (SECURITY.md, "Regex and pattern pitfalls")
// ---------------------------------------------------------------------------------------------

#[actix_rt::test]
async fn pattern_matches_subdomains_only_on_label_boundaries() {
    let cors = || Cors::default().allowed_origin_pattern("https://*.example.com");
    for ok in ["https://a.example.com", "https://a.b.example.com"] {
        assert_eq!(
            run(cors(), get(ok)).await.one(ACAO).as_deref(),
            Some(ok),
            "{ok}"
        );
    }
    for bad in [
        "https://example.com",            // the apex is not a subdomain
        "https://evilexample.com",        // no label boundary
        "https://a.example.com.evil.net", // suffix appended
        "http://a.example.com",           // other scheme
        "https://a.example.com:8443",     // other port
        "https://.example.com",           // empty label
        "https://a.example.com/",         // not a serialized origin
        "https://A.example.com",          // browsers send lower case
    ] {
        assert_eq!(
            run(cors(), get(bad)).await.one(ACAO),
            None,
            "pattern matched {bad}"
        );
    }
}

#[actix_rt::test]
async fn regex_must_match_the_whole_origin() {
    let cors = || Cors::default().allowed_origin_regex(r"https://app-\d+\.example\.com");
    assert_eq!(
        run(cors(), get("https://app-7.example.com"))
            .await
            .one(ACAO)
            .as_deref(),
        Some("https://app-7.example.com")
    );
    for bad in [
        "https://app-7.example.com.evil.net",
        "https://evil.net/https://app-7.example.com",
        "xhttps://app-7.example.com",
        "https://app-.example.com",
    ] {
        assert_eq!(
            run(cors(), get(bad)).await.one(ACAO),
            None,
            "regex matched {bad}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Methods and headers — https://fetch.spec.whatwg.org/#methods, #terminology-headers
// ---------------------------------------------------------------------------------------------

// "A forbidden method is a method that is a byte-case-insensitive match for `CONNECT`,
// `TRACE`, or `TRACK`." fetch() throws for them, so a browser never preflights them; a server
// that grants them to a "preflight" is talking to something that is not a browser.
#[actix_rt::test]
async fn forbidden_methods_never_granted_even_with_any_method() {
    for m in ["CONNECT", "TRACE", "TRACK", "trace"] {
        let cors = Cors::default().allowed_origin(APP).allow_any_method();
        let out = run(cors, preflight(APP, m)).await;
        assert!(
            !out.list(ACAM).iter().any(|x| x.eq_ignore_ascii_case(m)),
            "forbidden method {m} granted: ACAM {:?}",
            out.all(ACAM)
        );
    }
}

// "CORS-safelisted request-header": `content-type` is only safelisted for three MIME types.
// A browser lists `content-type` in ACRH exactly when its value is *not* safelisted (e.g.
// application/json), so it must be allowed explicitly like any other header.
#[actix_rt::test]
async fn safelisted_header_name_in_acrh_needs_explicit_allowance() {
    let cors = Cors::default()
        .allowed_origin(APP)
        .allowed_methods(["POST"])
        .allowed_headers(["x-api-key"]);
    let out = run(cors, preflight_with_headers(APP, "POST", "content-type")).await;
    assert_refused_preflight(&out, "content-type not allowed");
}

// "Forbidden request-header" / request-header smuggling: with allow_any_header the requested
// list is echoed, so what is echoed must be bounded and validated. Browsers send at most a
// few dozen lowercase tokens; a list that is not `1#field-name`, or absurdly long, is refused
// as malformed (400) and nothing is echoed.
#[actix_rt::test]
async fn acrh_echo_is_validated_and_bounded() {
    let cors = || {
        Cors::default()
            .allowed_origin(APP)
            .allowed_methods(["GET"])
            .allow_any_header()
    };
    let many = (0..500)
        .map(|i| format!("x-h{i}"))
        .collect::<Vec<_>>()
        .join(",");
    let long = format!("x-{}", "a".repeat(10_000));
    for bad in [
        many.as_str(),
        long.as_str(),
        "x-a, x b",
        "x-a;x-b",
        "x-a,\"x-b\"",
    ] {
        let out = run(cors(), preflight_with_headers(APP, "GET", bad)).await;
        assert_eq!(
            out.status,
            StatusCode::BAD_REQUEST,
            "ACRH of {} bytes",
            bad.len()
        );
        assert!(out.has_no_cors_grant(), "{:?}", out.headers);
    }
    // A normal list is echoed as requested.
    let out = run(cors(), preflight_with_headers(APP, "GET", "x-a,x-b")).await;
    assert!(out.status.is_success());
    assert_eq!(out.list_lower(ACAH), ["x-a", "x-b"]);
}

// "Forbidden request-header": scripts can never set Cookie, Host, Sec-*, Proxy-*, ..., so a
// browser never lists them in ACRH. Even allow_any_header must not grant them (the same names
// are a build error in allowed_headers).
#[actix_rt::test]
async fn forbidden_request_header_names_never_granted_under_any_header() {
    let cors = || {
        Cors::default()
            .allowed_origin(APP)
            .allowed_methods(["GET"])
            .allow_any_header()
    };
    for name in [
        "cookie",
        "Host",
        "sec-fetch-mode",
        "proxy-authorization",
        "origin",
        "access-control-request-method",
        "x-api-key,cookie",
    ] {
        let out = run(cors(), preflight_with_headers(APP, "GET", name)).await;
        assert_refused_preflight(&out, name);
    }
}

// ---------------------------------------------------------------------------------------------
// Private Network Access (WICG draft) — https://wicg.github.io/private-network-access/
// ---------------------------------------------------------------------------------------------

#[actix_rt::test]
async fn pna_granted_only_when_enabled_requested_and_origin_allowed() {
    let pna = || preflight(APP, "GET").insert_header((ACRPN, "true"));
    let out = run(app_policy(), pna()).await;
    assert_eq!(
        out.one(ACAPN),
        None,
        "PNA granted without allow_private_network_access()"
    );

    let out = run(app_policy().allow_private_network_access(), pna()).await;
    assert_eq!(out.one(ACAPN).as_deref(), Some("true"));

    let out = run(
        app_policy().allow_private_network_access(),
        preflight(APP, "GET"),
    )
    .await;
    assert_eq!(out.one(ACAPN), None, "PNA granted though not requested");

    // The answer depends on the PNA request header, so caches must key on it.
    let out = run(app_policy().allow_private_network_access(), pna()).await;
    assert!(
        out.vary().contains(&ACRPN.to_owned()),
        "Vary {:?}",
        out.vary()
    );

    let evil = preflight(EVIL, "GET").insert_header((ACRPN, "true"));
    let out = run(app_policy().allow_private_network_access(), evil).await;
    assert_refused_preflight(&out, "PNA from refused origin");
}

// ---------------------------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------------------------

/// The browser's CORS check (https://fetch.spec.whatwg.org/#concept-cors-check), steps 1–8,
/// over a response's headers, for a request with `origin` and the given credentials mode.
fn browser_cors_check(out: &Outcome, origin: &str, include_credentials: bool) -> bool {
    // 1. origin = get(ACAO): values of all ACAO headers joined by ", ".
    let values = out.all(ACAO);
    // 2. null => failure
    if values.is_empty() {
        return false;
    }
    let acao = values.join(", ");
    // 3. not include && `*` => success
    if !include_credentials && acao == "*" {
        return true;
    }
    // 4. byte-serialized request origin != origin => failure
    if acao != origin {
        return false;
    }
    // 5. not include => success
    if !include_credentials {
        return true;
    }
    // 6-7. credentials == `true` => success
    let acac = out.all(ACAC);
    if !acac.is_empty() && acac.join(", ") == "true" {
        return true;
    }
    // 8.
    false
}

/// RFC 9110 token.
fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}
