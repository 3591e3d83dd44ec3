//! Live reconfiguration with `LiveCors`.
//!
//! - Over real TCP (an `HttpServer` on 127.0.0.1 with two workers, an `awc` client): after a
//!   swap every worker serves the new policy; while another thread swaps the policy as fast
//!   as it can, every response is entirely policy A's or entirely policy B's (status and
//!   every CORS header), and no request fails.
//! - A request in flight during a swap finishes under the policy it started with, on the
//!   handler's success path and on an inner middleware's error path.
//! - A replacement that fails to build returns every problem and leaves the running policy
//!   untouched.
//!
//! Expected responses come from `CorsPolicy::check`, which `tests/it/explain/check_equals_wire.rs` shows equal to
//! the wire. No sleeps: the slow handler waits on a [`Gate`] the test opens.

use std::{
    collections::{BTreeMap, BTreeSet},
    future::{poll_fn, Future},
    sync::{
        atomic::{AtomicBool, AtomicUsize, Ordering},
        Arc, Mutex,
    },
    task::{Poll, Waker},
};

use crate::common::{
    cors_headers, env,
    server::{two_worker_server, worker_id},
};

use actix_web::{
    dev::{Service, ServiceResponse},
    error,
    http::{Method, StatusCode},
    test::{self, TestRequest},
    web, App, HttpResponse,
};
use corsair::{Cors, CorsPolicy, CorsRequest, Problem};
use futures_util::future::{join, join_all, Either};

const ORIGIN_A: &str = "https://a.example.com";
const ORIGIN_B: &str = "https://b.example.com";
const SHARED: &str = "https://shared.example.com";

/// Policy A: origins a and shared; PUT; `x-a`; max-age 100; exposes `x-from-a`.
fn cors_a() -> Cors {
    Cors::default()
        .allowed_origin(ORIGIN_A)
        .allowed_origin(SHARED)
        .allowed_methods(["PUT"])
        .allowed_header("x-a")
        .expose_headers(["x-from-a"])
        .max_age(100)
}

/// Policy B: origins b and shared; PATCH and DELETE; `x-b`; max-age 200; exposes `x-from-b`;
/// credentials.
fn cors_b() -> Cors {
    Cors::default()
        .allowed_origin(ORIGIN_B)
        .allowed_origin(SHARED)
        .allowed_methods(["PATCH", "DELETE"])
        .allowed_header("x-b")
        .expose_headers(["x-from-b"])
        .supports_credentials()
        .max_age(200)
}

/// A response as far as CORS goes: status and every `Access-Control-*` / `Vary` value.
type Shape = (StatusCode, BTreeMap<String, Vec<String>>);

/// The requests of the concurrency test, each as a `check` question and as wire parts.
#[derive(Debug, Clone, Copy)]
enum Probe {
    /// Preflight from the shared origin for `GET`: both allow it, with different methods,
    /// headers, max-age and credentials. The one that would show a mix.
    SharedPreflight,
    /// Actual `GET` from the shared origin: different exposed headers and credentials.
    SharedGet,
    /// Actual `GET` from a: granted by A only.
    GetFromA,
    /// Preflight from b for `DELETE`: 204 under B, 403 under A.
    DeleteFromB,
    /// Preflight from the shared origin for `PUT` with `x-a`: 204 under A, 403 under B.
    PutFromShared,
}

const PROBES: [Probe; 5] = [
    Probe::SharedPreflight,
    Probe::SharedGet,
    Probe::GetFromA,
    Probe::DeleteFromB,
    Probe::PutFromShared,
];

impl Probe {
    fn question(self) -> CorsRequest {
        match self {
            Probe::SharedPreflight => CorsRequest::preflight(SHARED, "GET"),
            Probe::SharedGet => CorsRequest::new(SHARED),
            Probe::GetFromA => CorsRequest::new(ORIGIN_A),
            Probe::DeleteFromB => CorsRequest::preflight(ORIGIN_B, "DELETE"),
            Probe::PutFromShared => CorsRequest::preflight(SHARED, "PUT").requesting_header("x-a"),
        }
    }

    /// Method and headers to send.
    fn wire(self) -> (Method, Vec<(&'static str, &'static str)>) {
        let origin = |o| ("origin", o);
        let acrm = |m| ("access-control-request-method", m);
        match self {
            Probe::SharedPreflight => (Method::OPTIONS, vec![origin(SHARED), acrm("GET")]),
            Probe::SharedGet => (Method::GET, vec![origin(SHARED)]),
            Probe::GetFromA => (Method::GET, vec![origin(ORIGIN_A)]),
            Probe::DeleteFromB => (Method::OPTIONS, vec![origin(ORIGIN_B), acrm("DELETE")]),
            Probe::PutFromShared => (
                Method::OPTIONS,
                vec![
                    origin(SHARED),
                    acrm("PUT"),
                    ("access-control-request-headers", "x-a"),
                ],
            ),
        }
    }

    /// What `policy` answers, with the handler's 200 when the middleware lets it through.
    fn expected(self, policy: &CorsPolicy) -> Shape {
        let d = policy.check(&self.question());
        (
            d.status().unwrap_or(StatusCode::OK),
            cors_headers(d.headers()),
        )
    }
}

/// Which whole policy a response belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Whose {
    A,
    B,
}

struct Expectations {
    a: Vec<Shape>,
    b: Vec<Shape>,
}

impl Expectations {
    fn new(a: &CorsPolicy, b: &CorsPolicy) -> Self {
        let e = Expectations {
            a: PROBES.iter().map(|p| p.expected(a)).collect(),
            b: PROBES.iter().map(|p| p.expected(b)).collect(),
        };
        // Every probe tells the two policies apart, so a response is attributable.
        for (i, p) in PROBES.iter().enumerate() {
            assert_ne!(e.a[i], e.b[i], "{p:?} does not tell A from B");
        }
        e
    }

    fn whose(&self, probe: usize, got: &Shape) -> Option<Whose> {
        if *got == self.a[probe] {
            Some(Whose::A)
        } else if *got == self.b[probe] {
            Some(Whose::B)
        } else {
            None
        }
    }
}

// ---------------------------------------------------------------------------------------------
// a gate to hold a handler in flight without sleeping
// ---------------------------------------------------------------------------------------------

/// Opens once; every waiter, on any thread, then proceeds.
#[derive(Clone, Default)]
struct Gate(Arc<Mutex<(bool, Vec<Waker>)>>);

impl Gate {
    fn open(&self) {
        let mut state = self.0.lock().unwrap();
        state.0 = true;
        for w in state.1.drain(..) {
            w.wake();
        }
    }

    fn wait(&self) -> impl Future<Output = ()> {
        let gate = self.clone();
        poll_fn(move |cx| {
            let mut state = gate.0.lock().unwrap();
            if state.0 {
                Poll::Ready(())
            } else {
                state.1.push(cx.waker().clone());
                Poll::Pending
            }
        })
    }
}

// ---------------------------------------------------------------------------------------------
// real TCP: two workers, swaps during traffic
// ---------------------------------------------------------------------------------------------

/// Sends one probe; returns what came back and which worker thread answered (when the
/// handler ran).
async fn send(client: &awc::Client, base: &str, probe: Probe) -> (Shape, Option<String>) {
    let (method, headers) = probe.wire();
    let mut req = client.request(method, format!("{base}/probe"));
    for h in headers {
        req = req.insert_header(h);
    }
    let mut res = req
        .send()
        .await
        .unwrap_or_else(|e| panic!("{probe:?}: request failed: {e}"));
    res.body()
        .await
        .unwrap_or_else(|e| panic!("{probe:?}: body failed: {e}"));
    let worker = res
        .headers()
        .get("x-worker")
        .map(|v| v.to_str().unwrap().to_owned());
    ((res.status(), cors_headers(res.headers())), worker)
}

#[actix_rt::test]
async fn swaps_during_traffic_show_only_whole_policies_on_every_worker() {
    let (a, b) = (cors_a().build().unwrap(), cors_b().build().unwrap());
    let expect = Expectations::new(&a, &b);
    let live = a.clone().live();

    let server_live = live.clone();
    let server = two_worker_server(move || {
        App::new()
            .wrap(server_live.clone())
            .default_service(web::to(worker_id))
    });
    let base = server.base.clone();

    let client = awc::Client::default();
    let mut workers = BTreeSet::new();

    // 1. Swaps take effect for the next requests on every worker.
    for (round, whose) in [Whose::A, Whose::B, Whose::A, Whose::B]
        .into_iter()
        .enumerate()
    {
        live.set(if whose == Whose::A {
            a.clone()
        } else {
            b.clone()
        });
        let batch = (0..40).map(|i| {
            let p = i % PROBES.len();
            let (client, base) = (&client, &base);
            async move { (p, send(client, base, PROBES[p]).await) }
        });
        for (p, (got, worker)) in join_all(batch).await {
            assert_eq!(
                expect.whose(p, &got),
                Some(whose),
                "round {round}: {:?} got {got:?}",
                PROBES[p]
            );
            workers.extend(worker);
        }
    }
    assert_eq!(
        workers.len(),
        2,
        "both workers served requests (so both saw each swap): {workers:?}"
    );

    // 2. Another thread swaps as fast as it can while requests run: each response is
    //    entirely A's or entirely B's, and none fails.
    let stop = Arc::new(AtomicBool::new(false));
    let swaps = Arc::new(AtomicUsize::new(0));
    let swapping = Gate::default();
    let swapper = {
        let (live, a, b, stop, swaps, swapping) = (
            live.clone(),
            a.clone(),
            b.clone(),
            Arc::clone(&stop),
            Arc::clone(&swaps),
            swapping.clone(),
        );
        std::thread::spawn(move || {
            for i in 0..2_000_000usize {
                match i % 64 {
                    // Now and then through validation, valid and invalid.
                    0 => live.set(cors_b().build().unwrap()),
                    1 => {
                        let err = cors_a()
                            .allowed_origin("a.example.com")
                            .build()
                            .unwrap_err();
                        assert_eq!(err.problems().len(), 1);
                    }
                    n if n % 2 == 0 => live.set(a.clone()),
                    _ => live.set(b.clone()),
                }
                if swaps.fetch_add(1, Ordering::Relaxed) == 100 {
                    swapping.open();
                }
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                std::thread::yield_now();
            }
        })
    };
    // Start the traffic once swapping is under way.
    swapping.wait().await;
    let mut seen = BTreeMap::<&str, usize>::new();
    for round in 0..25 {
        let batch = (0..40).map(|i| {
            let p = (i + round) % PROBES.len();
            let (client, base) = (&client, &base);
            async move { (p, send(client, base, PROBES[p]).await) }
        });
        for (p, (got, _)) in join_all(batch).await {
            match expect.whose(p, &got) {
                Some(Whose::A) => *seen.entry("A").or_default() += 1,
                Some(Whose::B) => *seen.entry("B").or_default() += 1,
                None => panic!(
                    "round {round}: {:?} got a mix of policies: {got:?}\nA: {:?}\nB: {:?}",
                    PROBES[p], expect.a[p], expect.b[p]
                ),
            }
        }
    }
    stop.store(true, Ordering::Relaxed);
    swapper.join().expect("the swapping thread did not panic");
    let total: usize = seen.values().sum();
    // Every answer above was whole (a mix panics); the swap must also have been visible:
    // both policies answered while the swapper ran, or this test proved nothing.
    for policy in ["A", "B"] {
        assert!(
            seen.get(policy).copied().unwrap_or(0) > 0,
            "policy {policy} never answered during the swaps: {seen:?}"
        );
    }
    assert!(swaps.load(Ordering::Relaxed) > 100);
    println!(
        "{} swaps during {total} requests; answers by policy: {seen:?}",
        swaps.load(Ordering::Relaxed)
    );

    server.stop().await;
}

/// A request held in its handler on a worker thread while the policy is swapped finishes
/// with the headers of the policy it started under; a request started after the swap gets
/// the new one.
#[actix_rt::test]
async fn over_tcp_an_in_flight_request_keeps_its_policy() {
    let (a, b) = (cors_a().build().unwrap(), cors_b().build().unwrap());
    let live = a.clone().live();
    let (entered, release) = (Gate::default(), Gate::default());

    let (server_live, e, r) = (live.clone(), entered.clone(), release.clone());
    let server = two_worker_server(move || {
        let (e, r) = (e.clone(), r.clone());
        App::new()
            .wrap(server_live.clone())
            .route(
                "/slow",
                web::get().to(move || {
                    let (e, r) = (e.clone(), r.clone());
                    async move {
                        e.open();
                        r.wait().await;
                        HttpResponse::Ok().finish()
                    }
                }),
            )
            .default_service(web::to(worker_id))
    });
    let base = server.base.clone();
    let client = awc::Client::default();

    let slow = async {
        let mut res = client
            .get(format!("{base}/slow"))
            .insert_header(("origin", SHARED))
            .send()
            .await
            .unwrap();
        res.body().await.unwrap();
        (res.status(), cors_headers(res.headers()))
    };
    let swap = async {
        entered.wait().await;
        live.set(b.clone());
        let (fresh, _) = send(&client, &base, Probe::SharedGet).await;
        release.open();
        fresh
    };
    let (slow, fresh) = join(slow, swap).await;
    assert_eq!(
        slow,
        Probe::SharedGet.expected(&a),
        "in flight: A's headers"
    );
    assert_eq!(fresh, Probe::SharedGet.expected(&b), "started after: B's");
    assert_eq!(
        slow.1.get("access-control-expose-headers"),
        Some(&vec!["\"x-from-a\"".to_owned()])
    );
    server.stop().await;
}

// ---------------------------------------------------------------------------------------------
// in process: in-flight requests, failed validation
// ---------------------------------------------------------------------------------------------

fn get(path: &str, origin: &str) -> actix_http::Request {
    TestRequest::get()
        .uri(path)
        .insert_header(("origin", origin))
        .to_request()
}

/// The future of a request held by [`hold_then_fail`].
type Held = std::pin::Pin<Box<dyn Future<Output = Result<ServiceResponse, actix_web::Error>>>>;

/// An inner middleware that holds `/held-error` until `release` opens, then fails it like
/// an authentication guard (the error path, where CORS headers are added by a response
/// mapper).
fn hold_then_fail<S>(
    entered: Gate,
    release: Gate,
) -> impl Clone + Fn(actix_web::dev::ServiceRequest, &S) -> Either<Held, S::Future>
where
    S: Service<
        actix_web::dev::ServiceRequest,
        Response = ServiceResponse,
        Error = actix_web::Error,
    >,
{
    move |req, srv| {
        if req.path() == "/held-error" {
            let (entered, release) = (entered.clone(), release.clone());
            Either::Left(Box::pin(async move {
                entered.open();
                release.wait().await;
                Err(error::ErrorUnauthorized("no"))
            }))
        } else {
            Either::Right(srv.call(req))
        }
    }
}

#[actix_rt::test]
async fn in_flight_requests_finish_under_the_policy_they_started_with() {
    let (a, b) = (cors_a().build().unwrap(), cors_b().build().unwrap());
    for path in ["/held", "/held-error"] {
        let live = a.clone().live();
        let (entered, release) = (Gate::default(), Gate::default());
        let (e, r) = (entered.clone(), release.clone());
        let app = test::init_service(
            App::new()
                .wrap_fn(hold_then_fail(entered.clone(), release.clone()))
                .wrap(live.clone())
                .route(
                    "/held",
                    web::get().to(move || {
                        let (e, r) = (e.clone(), r.clone());
                        async move {
                            e.open();
                            r.wait().await;
                            HttpResponse::Ok().finish()
                        }
                    }),
                )
                .default_service(web::to(HttpResponse::Ok)),
        )
        .await;

        let held = async {
            match test::try_call_service(&app, get(path, ORIGIN_A)).await {
                Ok(res) => (res.status(), cors_headers(res.headers())),
                Err(err) => {
                    let res = err.error_response();
                    (res.status(), cors_headers(res.headers()))
                }
            }
        };
        let swap = async {
            entered.wait().await;
            live.set(b.clone());
            // A request that starts now sees B: origin a is no longer allowed.
            let res = test::call_service(&app, get("/other", ORIGIN_A)).await;
            let now = (res.status(), cors_headers(res.headers()));
            release.open();
            now
        };
        let (held, now) = join(held, swap).await;

        let under_a = a.check(&CorsRequest::new(ORIGIN_A));
        let under_b = b.check(&CorsRequest::new(ORIGIN_A));
        let status = if path == "/held" {
            StatusCode::OK
        } else {
            StatusCode::UNAUTHORIZED
        };
        assert_eq!(held, (status, cors_headers(under_a.headers())), "{path}");
        assert_eq!(
            held.1.get("access-control-allow-origin"),
            Some(&vec![format!("{ORIGIN_A:?}")]),
            "{path}"
        );
        assert_eq!(
            now,
            (StatusCode::OK, cors_headers(under_b.headers())),
            "{path}"
        );
        assert!(!now.1.contains_key("access-control-allow-origin"), "{path}");
    }
}

#[actix_rt::test]
async fn a_reload_that_fails_to_build_keeps_the_running_policy_and_returns_every_problem() {
    let a = cors_a().build().unwrap();
    let live = a.clone().live();
    let app = test::init_service(
        App::new()
            .wrap(live.clone())
            .default_service(web::to(HttpResponse::Ok)),
    )
    .await;
    let preflight = || {
        TestRequest::default()
            .method(Method::OPTIONS)
            .uri("/x")
            .insert_header(("origin", SHARED))
            .insert_header(("access-control-request-method", "GET"))
            .to_request()
    };
    let shape = |res: ServiceResponse<_>| (res.status(), cors_headers(res.headers()));
    let before = shape(test::call_service(&app, preflight()).await);
    assert_eq!(before, Probe::SharedPreflight.expected(&a));

    let err = Cors::default()
        .allowed_origin("b.example.com")
        .allowed_origin("http://b.example.com")
        .supports_credentials()
        .allowed_methods(["TRACE"])
        .max_age(90_000)
        .build()
        .unwrap_err();
    let problems = err.problems();
    assert_eq!(problems.len(), 4, "{err}");
    assert!(
        matches!(problems[0], Problem::InvalidOrigin { .. }),
        "{err}"
    );
    assert!(
        matches!(&problems[1], Problem::InsecureCredentialedOrigin { value, .. } if value == "http://b.example.com"),
        "{err}"
    );
    assert_eq!(
        problems[2],
        Problem::ForbiddenMethod {
            value: "TRACE".into()
        }
    );
    assert_eq!(problems[3], Problem::MaxAgeTooLong { seconds: 90_000 });

    // The running policy is untouched: on the wire and when asked.
    let after = shape(test::call_service(&app, preflight()).await);
    assert_eq!(after, before);
    for probe in PROBES {
        assert_eq!(
            probe.expected(&live.policy()),
            probe.expected(&a),
            "{probe:?}"
        );
    }

    // A valid replacement then takes effect for the next request.
    live.set(cors_b().build().unwrap());
    let b = cors_b().build().unwrap();
    let now = shape(test::call_service(&app, preflight()).await);
    assert_eq!(now, Probe::SharedPreflight.expected(&b));
    assert_eq!(
        now.1.get("access-control-max-age"),
        Some(&vec!["\"200\"".to_owned()])
    );
}

#[test]
fn a_failed_reload_from_the_environment_keeps_the_running_policy() {
    let live = Cors::default()
        .allowed_origin(ORIGIN_A)
        .build()
        .unwrap()
        .live();
    // Building the new policy is where the environment is read.
    let err = env::with_var(
        "RELOAD_TEST_ORIGINS",
        "https://b.example.com, https://c.example.com/",
        || {
            Cors::default()
                .allowed_origins_from_env("RELOAD_TEST_ORIGINS")
                .build()
                .unwrap_err()
        },
    );
    assert!(
        err.to_string()
            .contains("(in $RELOAD_TEST_ORIGINS, entry 2)"),
        "{err}"
    );
    assert!(live
        .policy()
        .check(&CorsRequest::new(ORIGIN_A))
        .is_allowed());
    assert!(!live
        .policy()
        .check(&CorsRequest::new(ORIGIN_B))
        .is_allowed());

    env::with_var(
        "RELOAD_TEST_ORIGINS",
        "https://b.example.com, https://c.example.com",
        || {
            live.set(
                Cors::default()
                    .allowed_origins_from_env("RELOAD_TEST_ORIGINS")
                    .build()
                    .unwrap(),
            )
        },
    );
    assert!(!live
        .policy()
        .check(&CorsRequest::new(ORIGIN_A))
        .is_allowed());
    assert!(live
        .policy()
        .check(&CorsRequest::new(ORIGIN_B))
        .is_allowed());
}

#[test]
fn clones_share_one_policy_and_a_snapshot_does_not_move() {
    let a = cors_a().build().unwrap();
    let live = a.clone().live();
    let other_handle = live.clone();
    let snapshot = live.policy();
    other_handle.set(cors_b().build().unwrap());
    // Every clone sees the swap...
    assert!(live
        .policy()
        .check(&CorsRequest::new(ORIGIN_B))
        .is_allowed());
    // ...but a policy taken before it is a value, and stays what it was.
    assert!(snapshot.check(&CorsRequest::new(ORIGIN_A)).is_allowed());
    assert!(!snapshot.check(&CorsRequest::new(ORIGIN_B)).is_allowed());
}
