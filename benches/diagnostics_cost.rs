//! What a refused request costs with `debug` logging on, against `warn`, for large policies:
//! the near-miss search behind the `debug` line ("did you mean ...?") must stay bounded, since
//! anyone can cause a refusal (issue 22 §4: at most 20 times the `warn` cost).
//!
//! `scripts/diagnostics-cost.sh` runs every SCENARIO × LEVEL at two run lengths under
//! `valgrind --tool=callgrind` and divides the difference by the difference in requests, so
//! start-up (building a policy of 10,000 origins) cancels out. Standalone (no `benches/common`).
//!
//! ```text
//! diagnostics_cost SCENARIO LEVEL N    # LEVEL: warn | debug
//! diagnostics_cost list                # every runnable pair
//! ```
//!
//! The logger formats each enabled record once into a reused buffer and drops it, like a
//! logger writing to a sink: the cost measured is corsair's (the search and the one line),
//! not a terminal's.

use std::{
    fmt::Write as _,
    hint::black_box,
    process::ExitCode,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Mutex,
    },
};

use actix_web::{
    dev::{Service, ServiceResponse},
    test::{self, TestRequest},
    web, App, HttpResponse,
};
use corsair::Cors;

/// Origins (or patterns) in the large policies.
const SIZE: usize = 10_000;

/// `SCENARIO`: the policy, and the refused origin sent.
const SCENARIOS: [(&str, &str); 6] = [
    // 10,000 exact origins; an origin unrelated to all of them.
    ("exact-unrelated", "https://evil.example.org"),
    // ... a port typo of one of them (the hint must still name it).
    ("exact-port", "https://tenant-4242.example.com:8443"),
    // ... plain http instead of https.
    ("exact-scheme", "http://tenant-4242.example.com"),
    // ... a one-letter typo in a host.
    ("exact-typo", "https://tenant-4242.exmple.com"),
    // 10,000 subdomain patterns; an unrelated origin.
    ("patterns-unrelated", "https://evil.example.org"),
    // ... the apex of one of them.
    ("patterns-apex", "https://tenant-4242.example.com"),
];
const LEVELS: [&str; 2] = ["warn", "debug"];

fn policy(scenario: &str) -> Cors {
    let mut cors = Cors::default();
    if scenario.starts_with("patterns") {
        for i in 0..SIZE {
            cors = cors.allowed_origin_pattern(&format!("https://*.tenant-{i}.example.com"));
        }
    } else {
        for i in 0..SIZE {
            cors = cors.allowed_origin(&format!("https://tenant-{i}.example.com"));
        }
    }
    cors
}

/// Formats every enabled record once and drops the text.
struct SinkLogger {
    line: Mutex<String>,
    lines: AtomicUsize,
}

static LOGGER: SinkLogger = SinkLogger {
    line: Mutex::new(String::new()),
    lines: AtomicUsize::new(0),
};

impl log::Log for SinkLogger {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        metadata.level() <= log::max_level()
    }

    fn log(&self, record: &log::Record<'_>) {
        if self.enabled(record.metadata()) {
            let mut line = self.line.lock().unwrap();
            line.clear();
            let _ = write!(line, "{} {}", record.level(), record.args());
            black_box(line.len());
            self.lines.fetch_add(1, Ordering::Relaxed);
        }
    }

    fn flush(&self) {}
}

#[inline(never)]
fn measured_loop<S, B>(sys: &actix_rt::SystemRunner, svc: &S, origin: &str, n: usize) -> usize
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
{
    let mut refused = 0;
    for _ in 0..n {
        let req = TestRequest::get()
            .uri("/items")
            .insert_header(("Origin", origin))
            .to_request();
        let res = sys.block_on(svc.call(req)).expect("answered");
        refused += usize::from(!res.headers().contains_key("access-control-allow-origin"));
        black_box(res);
    }
    refused
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("list") {
        for (s, _) in SCENARIOS {
            for l in LEVELS {
                println!("{s} {l}");
            }
        }
        return ExitCode::SUCCESS;
    }
    let [scenario, level, n] = args.as_slice() else {
        eprintln!("usage: diagnostics_cost SCENARIO LEVEL N | list");
        return ExitCode::SUCCESS; // a plain `cargo bench` runs nothing
    };
    let n: usize = n.parse().expect("N is a number");
    let origin = SCENARIOS
        .iter()
        .find(|(s, _)| s == scenario)
        .map(|(_, o)| *o)
        .unwrap_or_else(|| panic!("unknown scenario {scenario}"));
    let max = match level.as_str() {
        "warn" => log::LevelFilter::Warn,
        "debug" => log::LevelFilter::Debug,
        other => panic!("unknown level {other}"),
    };
    let logger = &LOGGER;
    log::set_logger(logger).expect("one logger");
    log::set_max_level(max);

    let sys = actix_rt::System::new();
    let app = App::new()
        .wrap(policy(scenario).build().expect("valid policy"))
        .route("/items", web::to(HttpResponse::Ok));
    let svc = sys.block_on(test::init_service(app));
    let before = logger.lines.load(Ordering::Relaxed);
    let refused = measured_loop(&sys, &svc, origin, n);
    assert_eq!(refused, n, "every request is refused");
    let lines = logger.lines.load(Ordering::Relaxed) - before;
    // One `debug` line per refusal at `debug`, none at `warn`.
    assert_eq!(lines, if max == log::LevelFilter::Debug { n } else { 0 });
    if std::env::var_os("DIAGNOSTICS_COST_SHOW").is_some() {
        eprintln!("{}", logger.line.lock().unwrap());
    }
    ExitCode::SUCCESS
}
