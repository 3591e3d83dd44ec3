//! What report-only mode and the roll-out features cost per request, for callgrind.
//!
//! `scripts/rollout-cost.sh` runs every SCENARIO × VARIANT at two run lengths under
//! `valgrind --tool=callgrind` and divides the difference by the difference in requests, so
//! start-up cancels out. Standalone on purpose (it does not depend on `benches/common`).
//!
//! ```text
//! rollout_cost SCENARIO VARIANT N     # SCENARIO: no_origin | allowed | preflight | refused
//! rollout_cost list                   # every runnable pair
//! ```
//!
//! Variants: `none` (no middleware), `fixed` (a built `CorsPolicy`), `live` (the same policy
//! in a `LiveCors`, no candidate), `candidate` (`live` plus a report-only candidate that
//! decides the same way: the common case), `candidate-diff` (a candidate that refuses every
//! origin, so every CORS request is a difference; logging off), `outcome` (`fixed` plus
//! `outcome_in_extensions`).

use std::{hint::black_box, process::ExitCode};

use actix_web::{
    dev::{Service, ServiceResponse},
    http::Method,
    test::{self, TestRequest},
    web, App, HttpResponse,
};
use corsair::{Cors, LiveCors};

const SCENARIOS: [&str; 4] = ["no_origin", "allowed", "preflight", "refused"];
const VARIANTS: [&str; 6] = [
    "none",
    "fixed",
    "live",
    "candidate",
    "candidate-diff",
    "outcome",
];

fn policy() -> Cors {
    Cors::default()
        .allowed_origin("https://app.example.com")
        .allowed_origin("https://admin.example.com")
        .allowed_methods(["GET", "POST", "PUT"])
        .allowed_header("content-type")
}

fn request(scenario: &str) -> actix_http::Request {
    let req = TestRequest::get().uri("/items");
    match scenario {
        "no_origin" => req,
        "allowed" => req.insert_header(("Origin", "https://app.example.com")),
        "refused" => req.insert_header(("Origin", "https://evil.example.com")),
        "preflight" => req
            .method(Method::OPTIONS)
            .insert_header(("Origin", "https://app.example.com"))
            .insert_header(("Access-Control-Request-Method", "PUT"))
            .insert_header(("Access-Control-Request-Headers", "content-type")),
        other => panic!("unknown scenario {other}"),
    }
    .to_request()
}

#[inline(never)]
fn measured_loop<S, B>(sys: &actix_rt::SystemRunner, svc: &S, scenario: &str, n: usize) -> usize
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
{
    let mut ok = 0;
    for _ in 0..n {
        let res = sys.block_on(svc.call(request(scenario))).expect("answered");
        ok += usize::from(res.status().is_success());
        black_box(res);
    }
    ok
}

/// Builds the app (`/items`, optionally wrapped) and runs the measured loop on it.
macro_rules! measure {
    ($sys:expr, $scenario:expr, $n:expr) => {{
        let app = App::new().route("/items", web::to(HttpResponse::Ok));
        let svc = $sys.block_on(test::init_service(app));
        measured_loop(&$sys, &svc, $scenario, $n)
    }};
    ($sys:expr, $scenario:expr, $n:expr, $wrap:expr) => {{
        let app = App::new()
            .wrap($wrap)
            .route("/items", web::to(HttpResponse::Ok));
        let svc = $sys.block_on(test::init_service(app));
        measured_loop(&$sys, &svc, $scenario, $n)
    }};
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("list") {
        for s in SCENARIOS {
            for v in VARIANTS {
                println!("{s} {v}");
            }
        }
        return ExitCode::SUCCESS;
    }
    let [scenario, variant, n] = args.as_slice() else {
        eprintln!("usage: rollout_cost SCENARIO VARIANT N | list");
        return ExitCode::SUCCESS; // a plain `cargo bench` runs nothing
    };
    let n: usize = n.parse().expect("N is a number");
    let sys = actix_rt::System::new();
    let ok = match variant.as_str() {
        "none" => measure!(sys, scenario, n),
        "fixed" => measure!(sys, scenario, n, policy().build().unwrap()),
        "outcome" => measure!(
            sys,
            scenario,
            n,
            policy().outcome_in_extensions().build().unwrap()
        ),
        "live" => measure!(sys, scenario, n, policy().build().unwrap().live()),
        "candidate" => {
            let live = policy().build().unwrap().live();
            live.set_candidate(policy()).unwrap();
            measure!(sys, scenario, n, live)
        }
        "candidate-diff" => {
            let live: LiveCors = policy().build().unwrap().live();
            live.set_candidate(Cors::default()).unwrap();
            measure!(sys, scenario, n, live)
        }
        other => panic!("unknown variant {other}"),
    };
    black_box(ok);
    ExitCode::SUCCESS
}
