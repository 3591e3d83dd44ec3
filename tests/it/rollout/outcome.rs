//! Decisions you can see and count (issue 14, part 2): the verdict in the request's
//! extensions, counters per policy instance, the `metrics` export, the `Logger` field.
//!
//! Oracle: each request's verdict says "no CORS" (no `Origin`), "allowed by RULE" with the
//! rule the test configured for that origin, or "refused because REASON" for the fault the
//! test put in the request; counters equal the number of requests of each kind sent.

use crate::common::{
    logs::{capture_logs, logged_by},
    server::{routes, two_worker_server},
};
use actix_web::{
    body::MessageBody,
    dev::{Service, ServiceRequest, ServiceResponse},
    http::{Method, StatusCode},
    middleware::Logger,
    test, web, App, HttpRequest, HttpResponse,
};
use corsair::{Cors, CorsOutcome, MatchedBy, Refusal};

async fn echo_outcome(req: HttpRequest) -> HttpResponse {
    HttpResponse::Ok().body(CorsOutcome::of(&req).map_or("none".into(), |o| o.to_string()))
}

fn rules() -> Cors {
    Cors::default()
        .allowed_origin("https://exact.example")
        .allowed_origin_pattern("https://*.pattern.example")
        .allowed_origin_regex(r"https://re-[0-9]+\.regex\.example")
        .allowed_origin_fn(|origin, _| origin.as_bytes() == b"https://predicate.example")
        .allow_null_origin()
        .allowed_methods(["GET", "PUT"])
        .outcome_in_extensions()
}

/// Sends `req` through `cors` to a handler echoing the outcome; the outermost `wrap_fn`
/// copies the outcome into `x-outcome` so answers the middleware gives itself show it too.
async fn outcome_of(cors: Cors, req: test::TestRequest) -> (StatusCode, String, String) {
    let app = test::init_service(
        App::new()
            .wrap(cors)
            .wrap_fn(|req: ServiceRequest, srv| {
                let fut = srv.call(req);
                async move {
                    let mut res: ServiceResponse<_> = fut.await?;
                    let seen =
                        CorsOutcome::of(res.request()).map_or("none".into(), |o| o.to_string());
                    res.headers_mut()
                        .insert("x-outcome".parse().unwrap(), seen.parse().unwrap());
                    Ok(res)
                }
            })
            .route("/", web::to(echo_outcome))
            .route(
                "/fail",
                web::to(|| async {
                    Err::<HttpResponse, _>(actix_web::error::ErrorUnauthorized("no"))
                }),
            ),
    )
    .await;
    let res = test::call_service(&app, req.to_request()).await;
    let status = res.status();
    let header = res
        .headers()
        .get("x-outcome")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let body = res.into_body().try_into_bytes().unwrap_or_default();
    (status, header, String::from_utf8(body.to_vec()).unwrap())
}

fn from(origin: &str) -> test::TestRequest {
    test::TestRequest::get().insert_header(("Origin", origin))
}

fn preflight(origin: &str, method: &str) -> test::TestRequest {
    test::TestRequest::default()
        .method(Method::OPTIONS)
        .insert_header(("Origin", origin))
        .insert_header(("Access-Control-Request-Method", method))
}

#[actix_rt::test]
async fn the_outcome_names_the_rule_that_allowed_the_origin() {
    for (origin, expected) in [
        ("https://exact.example", "allowed:exact"),
        ("https://a.pattern.example", "allowed:pattern"),
        ("https://re-42.regex.example", "allowed:regex"),
        ("https://predicate.example", "allowed:predicate"),
        ("null", "allowed:null"),
    ] {
        let (status, header, body) = outcome_of(rules(), from(origin)).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body, expected, "{origin}: handler view");
        assert_eq!(header, expected, "{origin}: outer middleware view");
    }
    let any = Cors::default().allow_any_origin().outcome_in_extensions();
    assert_eq!(
        outcome_of(any, from("https://x.example")).await.2,
        "allowed:any"
    );
}

#[actix_rt::test]
async fn the_outcome_says_why_a_request_was_refused() {
    let two_origins = from("https://exact.example").append_header(("Origin", "https://b.example"));
    for (req, expected) in [
        (from("https://nope.example"), "refused:origin-not-allowed"),
        (two_origins, "refused:multiple-origins"),
        (from("https://exact .example"), "refused:malformed-origin"),
    ] {
        let (status, header, body) = outcome_of(rules(), req).await;
        assert_eq!(status, StatusCode::OK, "not blocking: the handler runs");
        assert_eq!((header.as_str(), body.as_str()), (expected, expected));
    }
    let strict_null = Cors::default().outcome_in_extensions();
    assert_eq!(
        outcome_of(strict_null, from("null")).await.2,
        "refused:null-origin"
    );
    // Blocking: the middleware answers, the outcome is still there for outer layers.
    let blocking = rules().block_on_origin_mismatch(true);
    let (status, header, _) = outcome_of(blocking, from("https://nope.example")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(header, "refused:origin-not-allowed");
}

#[actix_rt::test]
async fn preflights_and_requests_without_origin_have_outcomes_too() {
    let (status, header, _) = outcome_of(rules(), preflight("https://exact.example", "PUT")).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(header, "preflight-allowed:exact");
    let (status, header, _) =
        outcome_of(rules(), preflight("https://exact.example", "DELETE")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(header, "preflight-refused:method-not-allowed");
    let (_, header, body) = outcome_of(rules(), test::TestRequest::get()).await;
    assert_eq!((header.as_str(), body.as_str()), ("not-cors", "not-cors"));
}

#[actix_rt::test]
async fn an_error_response_keeps_its_outcome() {
    let req = from("https://exact.example").uri("/fail");
    let (status, header, _) = outcome_of(rules(), req).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(header, "allowed:exact");
}

#[actix_rt::test]
async fn no_outcome_is_stored_unless_asked_for() {
    let cors = Cors::default().allowed_origin("https://exact.example");
    let (_, header, body) = outcome_of(cors, from("https://exact.example")).await;
    assert_eq!((header.as_str(), body.as_str()), ("none", "none"));
}

#[actix_rt::test]
async fn counters_belong_to_each_policy_instance_so_to_each_scope() {
    let public = Cors::default().allow_any_origin().build().unwrap();
    let private = Cors::default()
        .allowed_origin("https://app.example")
        .allowed_methods(["GET", "PUT"])
        .build()
        .unwrap();
    let app = test::init_service(
        App::new()
            .service(web::scope("/public").wrap(public.clone()).configure(routes))
            .service(
                web::scope("/private")
                    .wrap(private.clone())
                    .configure(routes),
            ),
    )
    .await;
    let send = |req: test::TestRequest| test::call_service(&app, req.to_request());
    for _ in 0..3 {
        send(from("https://any.example").uri("/public/x")).await;
    }
    send(test::TestRequest::get().uri("/public/x")).await;
    send(from("https://app.example").uri("/private/x")).await;
    send(from("https://any.example").uri("/private/x")).await;
    send(preflight("https://app.example", "PUT").uri("/private/x")).await;
    send(preflight("https://app.example", "PATCH").uri("/private/x")).await;
    send(from("null").uri("/private/x")).await;

    let p = public.counts();
    assert_eq!(
        (p.allowed(MatchedBy::Any), p.not_cors(), p.refused_total()),
        (3, 1, 0)
    );
    assert_eq!(p.total(), 4);
    let q = private.counts();
    assert_eq!(q.allowed(MatchedBy::Exact), 2);
    assert_eq!(q.preflights_allowed(), 1);
    assert_eq!(q.refused(Refusal::OriginNotAllowed), 1);
    assert_eq!(q.refused(Refusal::MethodNotAllowed), 1);
    assert_eq!(q.refused(Refusal::NullOrigin), 1);
    assert_eq!(q.preflights_refused(), 1);
    assert_eq!((q.allowed_total(), q.refused_total(), q.total()), (2, 3, 5));
}

#[actix_rt::test]
async fn counters_add_up_exactly_across_workers_over_tcp() {
    let policy = Cors::default()
        .allowed_origin("https://app.example")
        .build()
        .unwrap();
    let served = policy.clone();
    let server = two_worker_server(move || App::new().wrap(served.clone()).configure(routes));
    let client = awc::Client::default();
    let url = format!("{}/x", server.base);
    let requests = (0..60).map(|i| {
        let origin = if i % 3 == 0 {
            "https://evil.example"
        } else {
            "https://app.example"
        };
        client.get(&url).insert_header(("Origin", origin)).send()
    });
    for res in futures_util::future::join_all(requests).await {
        assert_eq!(res.unwrap().status(), StatusCode::OK);
    }
    let counts = policy.counts();
    assert_eq!(counts.allowed(MatchedBy::Exact), 40);
    assert_eq!(counts.refused(Refusal::OriginNotAllowed), 20);
    server.stop().await;
}

#[actix_rt::test]
async fn the_access_log_prints_the_verdict_through_a_custom_field() {
    capture_logs();
    let app = test::init_service(
        App::new()
            .wrap(
                Cors::default()
                    .allowed_origin("https://app.example")
                    .outcome_in_extensions(),
            )
            .wrap(
                Logger::new("%U cors=%{cors}xo").custom_response_replace("cors", |res| {
                    CorsOutcome::of(res.request()).map_or("-".into(), |o| o.to_string())
                }),
            )
            .route("/logged", web::get().to(HttpResponse::Ok)),
    )
    .await;
    test::call_service(
        &app,
        from("https://app.example").uri("/logged").to_request(),
    )
    .await;
    test::call_service(
        &app,
        from("https://evil.example").uri("/logged").to_request(),
    )
    .await;
    let log = |needle| logged_by("actix_web::middleware::logger", needle).len();
    assert_eq!(log("/logged cors=allowed:exact"), 1);
    assert_eq!(log("/logged cors=refused:origin-not-allowed"), 1);
}

#[cfg(feature = "metrics")]
mod metrics_export {
    use std::{
        collections::BTreeMap,
        sync::{Arc, Mutex},
    };

    use metrics::{
        Counter, CounterFn, Gauge, Histogram, Key, KeyName, Metadata, Recorder, SharedString, Unit,
    };

    use super::*;

    type Values = Arc<Mutex<BTreeMap<String, u64>>>;

    struct Absolute(String, Values);
    impl CounterFn for Absolute {
        fn increment(&self, v: u64) {
            *self.1.lock().unwrap().entry(self.0.clone()).or_default() += v;
        }
        fn absolute(&self, v: u64) {
            self.1.lock().unwrap().insert(self.0.clone(), v);
        }
    }

    #[derive(Default)]
    struct Capture(Values);
    impl Recorder for Capture {
        fn describe_counter(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
        fn describe_gauge(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
        fn describe_histogram(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
        fn register_counter(&self, key: &Key, _: &Metadata<'_>) -> Counter {
            let mut labels: Vec<_> = key
                .labels()
                .map(|l| format!("{}={}", l.key(), l.value()))
                .collect();
            labels.sort();
            let name = format!("{}{{{}}}", key.name(), labels.join(","));
            Counter::from_arc(Arc::new(Absolute(name, Arc::clone(&self.0))))
        }
        fn register_gauge(&self, _: &Key, _: &Metadata<'_>) -> Gauge {
            Gauge::noop()
        }
        fn register_histogram(&self, _: &Key, _: &Metadata<'_>) -> Histogram {
            Histogram::noop()
        }
    }

    #[actix_rt::test]
    async fn counts_are_published_through_the_metrics_facade_without_origin_labels() {
        let policy = Cors::default()
            .allowed_origin("https://app.example")
            .build()
            .unwrap();
        let app = test::init_service(App::new().wrap(policy.clone()).configure(routes)).await;
        for origin in ["https://app.example", "https://a.evil", "https://b.evil"] {
            test::call_service(&app, from(origin).uri("/x").to_request()).await;
        }
        let recorder = Capture::default();
        metrics::with_local_recorder(&recorder, || policy.counts().publish("api"));
        let values = recorder.0.lock().unwrap();
        assert_eq!(
            values["corsair_requests_total{outcome=allowed,rule=exact,scope=api}"],
            1
        );
        assert_eq!(
            values["corsair_requests_total{outcome=refused,reason=origin-not-allowed,scope=api}"],
            2
        );
        assert!(
            values
                .keys()
                .all(|k| !k.contains("evil") && !k.contains("app.example")),
            "never labelled by origin: {values:?}"
        );
    }
}
