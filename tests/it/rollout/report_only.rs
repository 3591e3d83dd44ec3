//! Report-only (shadow) mode and live promotion (issue 14, part 1).
//!
//! Oracle, from the issue: the enforced policy alone shapes the response; the candidate is
//! evaluated on the same request and only counted and logged when it would decide
//! differently (refuse what is allowed, allow what is refused, or send other
//! `Access-Control-Allow-*` values); each distinct (origin, difference) pair is logged once
//! at `warn`, repeats at `debug`, with bounded memory; an invalid candidate is refused with
//! `ConfigError`; promotion goes through `LiveCors`, without a restart.

#[allow(dead_code)]
#[path = "../../../examples/rollout.rs"]
pub(crate) mod example;

use std::net::TcpListener;

use crate::common::logs::{capture_logs, logged, logged_by};
use actix_web::{
    http::{Method, StatusCode},
    test, web, App, HttpResponse,
};
use awc::Client;
use corsair::{Cors, LiveCors, Refusal};
use log::Level;

struct Reply {
    status: StatusCode,
    allow_origin: Option<String>,
    vary: Option<String>,
    body: String,
}

async fn get(client: &Client, url: &str, origin: &str) -> Reply {
    let mut res = client
        .get(url)
        .insert_header(("Origin", origin))
        .send()
        .await
        .expect("request sent");
    let text = |name: &str| {
        res.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    };
    let (allow_origin, vary) = (text("access-control-allow-origin"), text("vary"));
    let body = String::from_utf8(res.body().await.unwrap().to_vec()).unwrap();
    Reply {
        status: res.status(),
        allow_origin,
        vary,
        body,
    }
}

async fn admin(client: &Client, method: Method, url: &str, body: &str) -> (StatusCode, String) {
    let mut res = client
        .request(method, url)
        .send_body(body.to_owned())
        .await
        .unwrap();
    let text = String::from_utf8(res.body().await.unwrap().to_vec()).unwrap();
    (res.status(), text)
}

fn line(report: &str, key: &str) -> u64 {
    report
        .lines()
        .find_map(|l| l.strip_prefix(key)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or_else(|| panic!("no `{key}` in {report}"))
}

#[actix_rt::test]
async fn example_walks_the_four_steps_over_tcp() {
    capture_logs();
    let live = example::enforced_today().build().unwrap().live();
    live.set_candidate(example::candidate("https://app.example.com"))
        .unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let server = example::server(live.clone(), listener).unwrap();
    let handle = server.handle();
    actix_rt::spawn(server);
    let client = Client::default();
    let items = format!("{base}/api/items");

    // 1. Candidate in shadow: the response is today's (permissive) one, for everybody.
    // An origin of this test only: other tests of this binary replay the example with the
    // README's `https://partner.example.com`, through the same logger.
    let partner = "https://partner-walk.example.com";
    for _ in 0..3 {
        let r = get(&client, &items, partner).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.allow_origin.as_deref(), Some(partner));
        assert_eq!(r.body, "items (cors: allowed:any)\n");
        assert_eq!(r.vary.as_deref(), Some("Origin"));
    }
    let r = get(&client, &items, "https://app.example.com").await;
    assert_eq!(r.allow_origin.as_deref(), Some("https://app.example.com"));

    // 2. The differences, from the counters (admin route) and the log.
    let (status, report) = admin(&client, Method::GET, &format!("{base}/admin/cors"), "").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(line(&report, "candidate_refuses"), 3, "{report}");
    assert_eq!(line(&report, "candidate_allows"), 0);
    assert_eq!(line(&report, "compared"), 4);
    let warned = logged(&format!(
        "from `{partner}`: the candidate policy would refuse it"
    ));
    assert_eq!(
        warned.iter().filter(|(l, _)| *l == Level::Warn).count(),
        1,
        "{warned:?}"
    );
    assert_eq!(
        warned.iter().filter(|(l, _)| *l == Level::Debug).count(),
        2,
        "{warned:?}"
    );
    // The access log line carries the enforced verdict.
    assert!(!logged_by("actix_web::middleware::logger", "cors=allowed:any").is_empty());

    // 3. Fix the candidate. A broken fix is refused with the problem; nothing changes.
    let url = format!("{base}/admin/cors/candidate");
    let (status, text) = admin(&client, Method::PUT, &url, "partner.example.com").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text.contains("partner.example.com"), "{text}");
    let fixed = "https://app.example.com, https://partner-walk.example.com";
    let (status, _) = admin(&client, Method::PUT, &url, fixed).await;
    assert_eq!(status, StatusCode::OK);
    get(&client, &items, partner).await;
    let (_, report) = admin(&client, Method::GET, &format!("{base}/admin/cors"), "").await;
    // A new candidate starts a new reporting window: only the request since, and it is no
    // longer refused.
    assert_eq!(line(&report, "compared"), 1, "{report}");
    assert_eq!(
        line(&report, "candidate_refuses"),
        0,
        "no new refusal: {report}"
    );

    // 4. Promote: from the next request, on both workers, the candidate enforces.
    let promote = format!("{base}/admin/cors/promote");
    assert_eq!(
        admin(&client, Method::POST, &promote, "").await.0,
        StatusCode::OK
    );
    assert_eq!(
        admin(&client, Method::POST, &promote, "").await.0,
        StatusCode::CONFLICT,
        "nothing left to promote"
    );
    for _ in 0..6 {
        let r = get(&client, &items, "https://unknown.example").await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert_eq!(r.allow_origin, None);
        let r = get(&client, &items, partner).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.allow_origin.as_deref(), Some(partner));
        assert_eq!(r.body, "items (cors: allowed:exact)\n");
    }
    assert_eq!(live.policy().counts().refused(Refusal::OriginNotAllowed), 6);
    handle.stop(true).await;
}

const PROBES: [(&str, Option<&str>); 6] = [
    ("https://a.example", None),
    ("https://b.example", None),
    ("https://a.example", Some("PUT")),
    ("https://a.example", Some("DELETE")),
    ("null", None),
    ("https://evil.example", Some("GET")),
];

fn probe(origin: &str, preflight: Option<&str>) -> test::TestRequest {
    let req = test::TestRequest::default().insert_header(("Origin", origin));
    match preflight {
        Some(m) => req
            .method(Method::OPTIONS)
            .insert_header(("Access-Control-Request-Method", m)),
        None => req,
    }
}

/// Status and every header of the answer to each probe.
async fn answers(live: &LiveCors) -> Vec<(StatusCode, Vec<(String, Vec<u8>)>)> {
    let app = test::init_service(
        App::new()
            .wrap(live.clone())
            .default_service(web::to(HttpResponse::Ok)),
    )
    .await;
    let mut out = Vec::new();
    for (origin, preflight) in PROBES {
        let res = test::call_service(&app, probe(origin, preflight).to_request()).await;
        let mut headers: Vec<_> = res
            .headers()
            .iter()
            .map(|(k, v)| (k.to_string(), v.as_bytes().to_vec()))
            .collect();
        headers.sort();
        out.push((res.status(), headers));
    }
    out
}

fn enforced() -> Cors {
    Cors::default()
        .allowed_origin("https://a.example")
        .allowed_methods(["GET", "PUT"])
        .supports_credentials()
}

#[actix_rt::test]
async fn a_candidate_never_changes_a_response() {
    let plain = enforced().build().unwrap().live();
    let shadowed = enforced().build().unwrap().live();
    shadowed
        .set_candidate(
            Cors::default()
                .allowed_origin("https://b.example")
                .allow_null_origin()
                .allow_any_method()
                .block_on_origin_mismatch(true),
        )
        .unwrap();
    assert_eq!(answers(&plain).await, answers(&shadowed).await);
    assert!(shadowed.shadow_counts().differences() > 0);
    assert_eq!(plain.shadow_counts().compared(), 0);
}

#[actix_rt::test]
async fn each_kind_of_difference_is_counted() {
    let live = enforced().build().unwrap().live();
    live.set_candidate(
        Cors::default()
            .allowed_origin("https://b.example")
            .allowed_origin("https://a.example")
            .allowed_methods(["GET"]),
    )
    .unwrap();
    answers(&live).await;
    let counts = live.shadow_counts();
    assert_eq!(counts.compared(), PROBES.len() as u64);
    // b.example: refused today, allowed by the candidate.
    assert_eq!(counts.candidate_allows(), 1);
    // PUT preflight from a.example: allowed today, the candidate does not allow PUT.
    assert_eq!(counts.candidate_refuses_for(Refusal::MethodNotAllowed), 1);
    assert_eq!(counts.candidate_refuses(), 1);
    // a.example actual request: both allow, but credentials differ.
    assert_eq!(counts.headers_differ(), 1);
    assert_eq!(counts.differences(), 3);
}

#[actix_rt::test]
async fn first_difference_per_origin_warns_and_repeats_go_to_debug() {
    capture_logs();
    let live = Cors::permissive().build().unwrap().live();
    live.set_candidate(Cors::default()).unwrap();
    let app = test::init_service(
        App::new()
            .wrap(live.clone())
            .route("/warn-once", web::get().to(HttpResponse::Ok)),
    )
    .await;
    for origin in [
        "https://w1.example",
        "https://w1.example",
        "https://w2.example",
        "https://w1.example",
    ] {
        let req = test::TestRequest::get()
            .uri("/warn-once")
            .insert_header(("Origin", origin));
        test::call_service(&app, req.to_request()).await;
    }
    let lines = logged("/warn-once from `https://w");
    let at = |level| lines.iter().filter(|(l, _)| *l == level).count();
    assert_eq!(at(Level::Warn), 2, "one per origin: {lines:?}");
    assert_eq!(at(Level::Debug), 2, "{lines:?}");
    assert_eq!(live.shadow_counts().candidate_refuses(), 4);
}

#[actix_rt::test]
async fn an_attacker_cycling_origins_cannot_flood_the_warn_log() {
    capture_logs();
    let live = Cors::permissive().build().unwrap().live();
    live.set_candidate(Cors::default()).unwrap();
    let app = test::init_service(
        App::new()
            .wrap(live.clone())
            .route("/cycle", web::get().to(HttpResponse::Ok)),
    )
    .await;
    let n = 1100;
    for i in 0..n {
        let req = test::TestRequest::get()
            .uri("/cycle")
            .insert_header(("Origin", format!("https://o{i}.attacker.example")));
        test::call_service(&app, req.to_request()).await;
    }
    let lines = logged("GET /cycle from `https://o");
    let warns = lines.iter().filter(|(l, _)| *l == Level::Warn).count();
    assert!(warns <= 1024, "the seen set is bounded: {warns} warn lines");
    assert!(warns >= 1000, "new pairs warn until it is full: {warns}");
    let counts = live.shadow_counts();
    assert_eq!(counts.candidate_refuses(), n);
    assert_eq!(counts.suppressed_warnings(), n - warns as u64);
}

#[actix_rt::test]
async fn observe_only_writes_nothing_and_reports_what_the_candidate_would_refuse() {
    let live = LiveCors::observe_only();
    live.set_candidate(Cors::default().allowed_origin("https://a.example"))
        .unwrap();
    let app = test::init_service(
        App::new()
            .wrap(live.clone())
            .default_service(web::to(HttpResponse::Ok)),
    )
    .await;
    for (origin, preflight) in PROBES {
        let res = test::call_service(&app, probe(origin, preflight).to_request()).await;
        assert_eq!(res.status(), StatusCode::OK, "reaches the handler");
        assert!(
            !res.headers()
                .keys()
                .any(|k| k.as_str().starts_with("access-control-") || k == "vary"),
            "{origin}: {:?}",
            res.headers()
        );
    }
    let counts = live.shadow_counts();
    // b.example, null, evil.example, and both preflights (the candidate lists no method).
    assert_eq!(counts.candidate_refuses(), 5);
    assert_eq!(counts.candidate_refuses_for(Refusal::OriginNotAllowed), 2);
    assert_eq!(counts.candidate_refuses_for(Refusal::NullOrigin), 1);
    assert_eq!(counts.candidate_refuses_for(Refusal::MethodNotAllowed), 2);

    assert!(live.promote_candidate());
    let res = test::call_service(&app, probe("https://a.example", None).to_request()).await;
    assert_eq!(
        res.headers().get("access-control-allow-origin").unwrap(),
        "https://a.example"
    );
    let res = test::call_service(
        &app,
        probe("https://a.example", Some("DELETE")).to_request(),
    )
    .await;
    assert_eq!(
        res.status(),
        StatusCode::FORBIDDEN,
        "preflights are answered now"
    );
}

#[actix_rt::test]
async fn an_invalid_candidate_is_refused_and_the_running_one_kept() {
    let live = enforced().build().unwrap().live();
    live.set_candidate(Cors::default().allowed_origin("https://b.example"))
        .unwrap();
    let err = live
        .set_candidate(
            Cors::default()
                .allowed_origin("b.example")
                .allow_any_origin()
                .supports_credentials(),
        )
        .unwrap_err();
    assert!(err.problems().len() >= 2, "every problem: {err}");
    let kept = live.candidate().expect("the earlier candidate still runs");
    assert!(kept
        .check(&corsair::CorsRequest::new("https://b.example"))
        .is_allowed());
    answers(&live).await;
    assert_eq!(live.shadow_counts().compared(), PROBES.len() as u64);
    assert!(live.clear_candidate());
    answers(&live).await;
    assert_eq!(
        live.shadow_counts().compared(),
        PROBES.len() as u64,
        "no candidate, no work"
    );
}

/// Sends a GET from `origin` through `app`.
async fn get_from<S, B>(app: &S, origin: &str)
where
    S: actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse<B>,
        Error = actix_web::Error,
    >,
    B: actix_web::body::MessageBody,
{
    let req = test::TestRequest::get()
        .uri("/")
        .insert_header(("Origin", origin))
        .to_request();
    test::call_service(app, req).await;
}

#[actix_rt::test]
async fn a_fresh_candidate_warns_again_after_a_flood_filled_the_last_window() {
    capture_logs();
    let live = Cors::permissive().build().unwrap().live();
    let candidate = || Cors::default().allowed_origin("https://flood-app.example.com");
    live.set_candidate(candidate()).unwrap();
    let app = test::init_service(
        App::new()
            .wrap(live.clone())
            .route("/", web::get().to(HttpResponse::Ok)),
    )
    .await;
    // A flood of distinct hostile origins fills the window's set of pairs seen.
    for i in 0..1100 {
        get_from(&app, &format!("https://flood-{i}.evil.example")).await;
    }
    assert!(
        live.shadow_counts().suppressed_warnings() > 0,
        "the flood filled the set"
    );
    // The operator sets the (same) candidate again: a new window.
    live.set_candidate(candidate()).unwrap();
    let client = "https://real-client-after-flood.example.com";
    get_from(&app, client).await;
    let warned = logged(&format!(
        "from `{client}`: the candidate policy would refuse it"
    ));
    assert_eq!(
        warned.iter().filter(|(l, _)| *l == Level::Warn).count(),
        1,
        "{warned:?}"
    );
    assert_eq!(
        live.shadow_counts().compared(),
        1,
        "a new window counts from zero"
    );
}

#[actix_rt::test]
async fn two_live_cors_from_clones_of_one_policy_have_their_own_candidates() {
    let policy = Cors::permissive().build().unwrap();
    let (first, second) = (policy.clone().live(), policy.live());
    second
        .set_candidate(Cors::default().allowed_origin("https://only-second.example.com"))
        .unwrap();
    assert!(first.candidate().is_none());
    let app = |live: LiveCors| {
        test::init_service(
            App::new()
                .wrap(live)
                .route("/", web::get().to(HttpResponse::Ok)),
        )
    };
    let (app_first, app_second) = (app(first.clone()).await, app(second.clone()).await);
    get_from(&app_second, "https://someone.example.com").await;
    get_from(&app_first, "https://someone.example.com").await;
    assert_eq!(second.shadow_counts().candidate_refuses(), 1);
    assert_eq!(
        second.shadow_counts().compared(),
        1,
        "counted once, on the second"
    );
    assert_eq!(
        first.shadow_counts().compared(),
        0,
        "the first has no candidate"
    );
}

/// One request without `Origin` and one from `https://a.example` through `live`, both
/// answered by the handler.
async fn one_without_and_one_with_origin(live: LiveCors) {
    let app = test::init_service(
        App::new()
            .wrap(live)
            .default_service(web::to(HttpResponse::Ok)),
    )
    .await;
    for origin in [None, Some("https://a.example")] {
        let mut req = test::TestRequest::get();
        if let Some(origin) = origin {
            req = req.insert_header(("Origin", origin));
        }
        let res = test::call_service(&app, req.to_request()).await;
        assert_eq!(res.status(), StatusCode::OK);
    }
}

#[actix_rt::test]
async fn observe_only_counts_no_request_with_or_without_origin() {
    // Observe-only decides nothing, so it counts nothing: not the CORS requests, and not the
    // requests without `Origin` either, which a policy with default options counts as "not
    // CORS" on a path of their own.
    let live = LiveCors::observe_only();
    one_without_and_one_with_origin(live.clone()).await;
    assert_eq!(live.policy().counts().total(), 0);
    // The same requests under a policy with default options are counted.
    let live = Cors::default()
        .allowed_origin("https://a.example")
        .build()
        .unwrap()
        .live();
    one_without_and_one_with_origin(live.clone()).await;
    assert_eq!(live.policy().counts().total(), 2);
    assert_eq!(live.policy().counts().not_cors(), 1);
}
