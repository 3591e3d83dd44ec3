//! The simulator (`corsair::testing`) and headless Chromium on the same apps, including apps
//! at fault (auth middleware outside corsair, a handler answering OPTIONS, redirects): both
//! must agree on allowed/blocked, status, body and readable headers, and every simulator
//! console message must appear word for word in Chromium's console.
//!
//! Needs Chromium (`/usr/bin/chromium` or `$CHROMIUM`); fails without it unless
//! `CORSAIR_SKIP_BROWSER=1` opts out (see `tests/it/common/chromium.rs`).

#![cfg(all(unix, feature = "testing"))]

use crate::common::chromium;

use std::{
    fs,
    net::TcpListener,
    os::unix::process::CommandExt as _,
    path::{Path, PathBuf},
    process::{Command, Stdio},
    sync::{mpsc, Mutex},
    thread,
    time::Duration,
};

use actix_web::{
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    http::{header, Method},
    middleware::{from_fn, Next},
    web, App, HttpResponse, HttpServer,
};
use chromium::chromium_or_skip;
use corsair::{
    testing::{Browser, Fetch, Form, Reason, Step},
    Cors,
};
use serde_json::{json, Value};

async fn auth(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if req.headers().contains_key(header::AUTHORIZATION) {
        next.call(req).await
    } else {
        Err(actix_web::error::ErrorUnauthorized("no token"))
    }
}

/// The API, as both Chromium (over TCP) and the simulator (in-process) see it.
macro_rules! api_app {
    ($page:expr) => {{
        let page: String = $page;
        let cors = move || {
            Cors::default()
                .allowed_origin(&page)
                .allowed_methods(["GET", "PUT"])
                .allowed_headers(["authorization", "content-type"])
                .expose_headers(["x-request-id"])
                .supports_credentials()
        };
        App::new()
            // Wrong order: the guard is outside corsair and answers the preflight with 401.
            .service(
                web::scope("/wrong")
                    .wrap(cors())
                    .wrap(from_fn(auth))
                    .route("/items", web::put().to(|| async { "stored" })),
            )
            // Right order: corsair outside, answers the preflight before the guard runs.
            .service(
                web::scope("/right")
                    .wrap(from_fn(auth))
                    .wrap(cors())
                    .route("/items", web::put().to(|| async { "stored" })),
            )
            // A handler that answers OPTIONS itself, outside the CORS middleware.
            .route(
                "/opt/items",
                web::method(Method::OPTIONS).to(|| async {
                    HttpResponse::Ok()
                        .insert_header((header::ALLOW, "PUT"))
                        .finish()
                }),
            )
            .service(
                web::scope("/opt")
                    .wrap(cors())
                    .route("/items", web::put().to(|| async { "stored" })),
            )
            // A redirect outside any CORS middleware (preflights redirected too).
            .service(web::scope("/bounce").default_service(web::to(|| async {
                HttpResponse::TemporaryRedirect()
                    .insert_header((header::LOCATION, "/api/new"))
                    .finish()
            })))
            // Any origin with `*`, no credentials.
            .service(
                web::scope("/star")
                    .wrap(Cors::default().allow_any_origin().send_wildcard())
                    .route("/x", web::get().to(|| async { "star" })),
            )
            .service(
                web::scope("/api")
                    .wrap(cors())
                    .route(
                        "/old",
                        web::get().to(|| async {
                            HttpResponse::Found()
                                .insert_header((header::LOCATION, "/api/new"))
                                .finish()
                        }),
                    )
                    .route("/new", web::get().to(|| async { "new" }))
                    // Into the CORS-less /bounce scope: blocked at its redirect.
                    .route(
                        "/to_bounce",
                        web::get().to(|| async {
                            HttpResponse::Found()
                                .insert_header((header::LOCATION, "/bounce/x"))
                                .finish()
                        }),
                    )
                    // 303 after a preflighted PUT: followed as a GET.
                    .route(
                        "/put_moved",
                        web::put().to(|| async {
                            HttpResponse::SeeOther()
                                .insert_header((header::LOCATION, "/api/new"))
                                .finish()
                        }),
                    )
                    .route(
                        "/headers",
                        web::get().to(|| async {
                            HttpResponse::Ok()
                                .insert_header(("x-request-id", "r1"))
                                .insert_header(("x-internal", "i"))
                                .body("h")
                        }),
                    ),
            )
    }};
}

/// (id, method, path, headers, credentials include, JSON body)
type Scenario = (
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
    bool,
    bool,
);

const SCENARIOS: [Scenario; 12] = [
    (
        "redirect_into_no_cors",
        "GET",
        "/api/to_bounce",
        &[],
        false,
        false,
    ),
    ("put_see_other", "PUT", "/api/put_moved", &[], true, true),
    (
        "auth_outside_cors",
        "PUT",
        "/wrong/items",
        &[("Authorization", "Bearer t")],
        false,
        false,
    ),
    (
        "auth_inside_cors",
        "PUT",
        "/right/items",
        &[("Authorization", "Bearer t")],
        false,
        false,
    ),
    (
        "handler_answers_options",
        "PUT",
        "/opt/items",
        &[],
        false,
        false,
    ),
    ("redirect_same_app", "GET", "/api/old", &[], true, false),
    (
        "redirect_without_cors",
        "GET",
        "/bounce/x",
        &[],
        false,
        false,
    ),
    (
        "preflight_redirected",
        "PUT",
        "/bounce/x",
        &[],
        false,
        false,
    ),
    (
        "wildcard_with_credentials",
        "GET",
        "/star/x",
        &[],
        true,
        false,
    ),
    (
        "wildcard_without_credentials",
        "GET",
        "/star/x",
        &[],
        false,
        false,
    ),
    (
        "exposed_and_unexposed",
        "GET",
        "/api/headers",
        &[],
        true,
        false,
    ),
    (
        "json_put_credentials",
        "PUT",
        "/right/items",
        &[("Authorization", "Bearer t")],
        true,
        true,
    ),
];

const PAGE_JS: &str = r#"
async function run() {
  const out = [];
  for (const [id, method, path, headers, cred, json] of SCENARIOS) {
    const init = { method, headers: Object.fromEntries(headers), credentials: cred ? 'include' : 'same-origin' };
    if (json) { init.headers['Content-Type'] = 'application/json'; init.body = '{}'; }
    try {
      const r = await fetch(API + path, init);
      out.push({ id, status: r.status, body: await r.text(),
        headers: { 'x-request-id': r.headers.get('x-request-id'), 'x-internal': r.headers.get('x-internal') } });
    } catch (e) { out.push({ id, error: e.name }); }
  }
  await fetch('/report', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(out) });
}
run();
"#;

#[test]
fn simulator_agrees_with_chromium() {
    let Some(chromium) = chromium_or_skip("simulator vs Chromium") else {
        return;
    };
    let page_l = TcpListener::bind("127.0.0.1:0").unwrap();
    let api_l = TcpListener::bind("127.0.0.1:0").unwrap();
    let page = format!("http://localhost:{}", page_l.local_addr().unwrap().port());
    let api = format!("http://localhost:{}", api_l.local_addr().unwrap().port());
    let scenarios = json!(SCENARIOS
        .iter()
        .map(|(id, m, p, h, c, j)| json!([
            id,
            m,
            p,
            h.iter().map(|(n, v)| [n, v]).collect::<Vec<_>>(),
            c,
            j
        ]))
        .collect::<Vec<_>>());
    let html = format!(
        "<!doctype html><script>const API = {api:?}; const SCENARIOS = {scenarios};{PAGE_JS}</script>"
    );
    let (tx, rx) = mpsc::channel::<Value>();
    let tx = web::Data::new(Mutex::new(tx));
    let (handles_tx, handles_rx) = mpsc::channel();
    let page_origin = page.clone();
    let servers = thread::spawn(move || {
        actix_rt::System::new().block_on(async move {
            let p = page_origin.clone();
            let api = HttpServer::new(move || api_app!(p.clone()))
                .workers(1)
                .listen(api_l)
                .unwrap()
                .run();
            let page = HttpServer::new(move || {
                let html = html.clone();
                App::new()
                    .app_data(tx.clone())
                    .route("/", web::get().to(move || {
                        let html = html.clone();
                        async move { HttpResponse::Ok().content_type("text/html").body(html) }
                    }))
                    .route("/report", web::post().to(|body: web::Json<Value>, tx: web::Data<Mutex<mpsc::Sender<Value>>>| async move {
                        let _ = tx.lock().unwrap().send(body.into_inner());
                        HttpResponse::NoContent().finish()
                    }))
            })
            .workers(1)
            .listen(page_l)
            .unwrap()
            .run();
            handles_tx.send((api.handle(), page.handle())).unwrap();
            let _ = futures_util::future::join(api, page).await;
        })
    });
    let (api_handle, page_handle) = handles_rx.recv().unwrap();

    let (report, console) = open_in_chromium(&chromium, &format!("{page}/"), &[], &rx);
    actix_rt::System::new().block_on(async {
        api_handle.stop(false).await;
        page_handle.stop(false).await;
    });
    let _ = servers.join();
    let report = report.unwrap_or_else(|| panic!("page never reported; Chromium said:\n{console}"));

    // The simulator, same scenarios, one browser (one preflight cache) as in Chromium.
    let failures = actix_rt::System::new().block_on(async {
        let app = actix_web::test::init_service(api_app!(page.clone())).await;
        let browser = Browser::new(&page).app_origin(&api);
        let mut failures = Vec::new();
        for (id, method, path, headers, cred, json_body) in SCENARIOS {
            let mut f = Fetch::new(method, path);
            for (n, v) in headers {
                f = f.header(n, v);
            }
            if json_body {
                f = f.json();
            }
            if cred {
                f = f.credentials();
            }
            let sim = browser.fetch(&app, f).await;
            let chrome = report.as_array().unwrap().iter().find(|r| r["id"] == id).cloned().unwrap_or(Value::Null);
            let sim_view = if sim.is_blocked() {
                json!({ "id": id, "error": "TypeError" })
            } else {
                json!({ "id": id, "status": sim.status(), "body": sim.text(),
                        "headers": { "x-request-id": sim.header("x-request-id"), "x-internal": sim.header("x-internal") } })
            };
            if sim_view != chrome {
                failures.push(format!("{id}: simulator {sim_view}, Chromium {chrome}\n  simulator said: {sim}"));
                continue;
            }
            if let Some(msg) = sim.console_message() {
                // Word for word: one of Chromium's messages is the whole message, not more.
                if !chromium_messages(&console).any(|theirs| theirs == msg) {
                    failures.push(format!("{id}: no message in Chromium's console is exactly\n  {msg}"));
                    continue;
                }
            }
            println!("agree {id}: {sim}");
        }
        failures
    });
    let messages: Vec<&str> = console
        .lines()
        .filter(|l| l.contains("Access to fetch"))
        .collect();
    assert!(
        failures.is_empty(),
        "simulator and Chromium disagree:\n{}\n\nChromium console:\n{}",
        failures.join("\n"),
        messages.join("\n")
    );
}

/// Opens `url` in a fresh headless Chromium profile, waits (at most 40 s) for the page's report
/// on `done`, closes Chromium, and returns the report and Chromium's log (console lines
/// included).
fn open_in_chromium(
    chromium: &Path,
    url: &str,
    extra_args: &[&str],
    done: &mpsc::Receiver<Value>,
) -> (Option<Value>, String) {
    static PROFILES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = PROFILES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let profile = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("chromium-sim-{}-{n}", std::process::id()));
    fs::create_dir_all(&profile).unwrap();
    let log_path = profile.join("chromium.log");
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--disable-extensions",
            "--disable-background-networking",
            "--no-proxy-server",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .args(extra_args)
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(fs::File::create(&log_path).unwrap())
        .process_group(0)
        .spawn()
        .expect("start chromium");
    let report = done.recv_timeout(Duration::from_secs(40)).ok();
    // Console lines are flushed as they are logged; give the last ones a moment.
    thread::sleep(Duration::from_millis(300));
    let pid = child.id();
    let _ = Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status();
    let _ = child.wait();
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{pid}")])
        .stderr(Stdio::null())
        .status();
    let console = fs::read_to_string(&log_path).unwrap_or_default();
    let _ = fs::remove_dir_all(&profile);
    (report, console)
}

/// Every CORS message in Chromium's console, from "Access to fetch" to the end of the message.
fn chromium_messages(console: &str) -> impl Iterator<Item = &str> {
    console.lines().filter_map(|l| {
        let rest = &l[l.find("Access to fetch at '")?..];
        Some(rest.split("\", source:").next().unwrap_or(rest))
    })
}

/// The console message Chromium logged for a fetch of exactly `url`.
fn chromium_message<'a>(console: &'a str, url: &str) -> Option<&'a str> {
    let needle = format!("Access to fetch at '{url}'");
    chromium_messages(console).find(|m| m.starts_with(&needle))
}

// ---------------------------------------------------------------------------------------------
// Generated scenarios: a scripted server answers each request with headers drawn by a seeded
// generator, and Chromium and the simulator must agree on every one of them.

/// How a scripted answer sets `Access-Control-Allow-Origin`.
#[derive(Clone, Copy, Debug)]
enum AllowOrigin {
    Page,
    Star,
    Other,
    Missing,
    /// The page's origin on two header lines.
    Twice,
    /// Not an origin at all.
    Invalid,
}

/// One scripted answer (to the preflight, or to the actual request).
#[derive(Clone, Debug)]
struct Answer {
    status: u16,
    allow_origin: AllowOrigin,
    allow_credentials: bool,
    allow_methods: Option<&'static str>,
    allow_headers: Option<&'static str>,
    expose_headers: Option<&'static str>,
    location: bool,
}

/// One generated `fetch` and the server's scripted answers to it.
#[derive(Clone, Debug)]
struct Generated {
    method: &'static str,
    headers: &'static [(&'static str, &'static str)],
    json: bool,
    credentials: bool,
    preflight: Answer,
    actual: Answer,
}

/// A small deterministic generator (xorshift64*): the same scenarios on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// One of `choices`, each weighted by its first field.
    fn pick<T: Copy>(&mut self, choices: &[(u64, T)]) -> T {
        let total: u64 = choices.iter().map(|(w, _)| w).sum();
        let mut n = self.next() % total;
        for &(w, c) in choices {
            if n < w {
                return c;
            }
            n -= w;
        }
        unreachable!()
    }
}

/// How many scenarios one Chromium page load runs.
const GENERATED: usize = 56;

fn generate() -> Vec<Generated> {
    let mut rng = Rng(0x00c0_45a1_2026_0022);
    (0..GENERATED)
        .map(|_| {
            let method = rng.pick(&[
                (3, "GET"),
                (1, "POST"),
                (2, "PUT"),
                (1, "DELETE"),
                (1, "PATCH"),
            ]);
            let headers: &'static [(&str, &str)] = rng.pick(&[
                (3, &[][..]),
                (2, &[("Authorization", "Bearer t")][..]),
                (1, &[("X-A", "1")][..]),
                (1, &[("X-A", "1"), ("X-B", "2")][..]),
                (1, &[("X-Zeta", "1"), ("X-Alpha", "2")][..]),
                (1, &[("Authorization", "Bearer t"), ("X-A", "1")][..]),
            ]);
            let json = rng.pick(&[(3, false), (1, true)]);
            let credentials = rng.pick(&[(2, false), (1, true)]);
            let mut answer = |preflight: bool| Answer {
                status: if preflight {
                    rng.pick(&[
                        (14, 204),
                        (4, 200),
                        (1, 304),
                        (1, 302),
                        (1, 301),
                        (1, 403),
                        (1, 500),
                    ])
                } else {
                    rng.pick(&[(5, 200), (1, 201), (1, 404), (1, 500)])
                },
                allow_origin: rng.pick(&[
                    (30, AllowOrigin::Page),
                    (3, AllowOrigin::Star),
                    (1, AllowOrigin::Other),
                    (2, AllowOrigin::Missing),
                    (1, AllowOrigin::Twice),
                    (1, AllowOrigin::Invalid),
                ]),
                allow_credentials: rng.pick(&[(4, true), (1, false)]),
                allow_methods: rng.pick(&[
                    (1, None),
                    (2, Some("*")),
                    (6, Some(method)),
                    (2, Some("PUT, DELETE, PATCH")),
                    (1, Some("put, patch")),
                ]),
                allow_headers: rng.pick(&[
                    (2, None),
                    (6, Some("*")),
                    (1, Some("x-a")),
                    (3, Some("x-a, x-b, authorization, content-type")),
                    (1, Some("authorization")),
                ]),
                expose_headers: rng.pick(&[
                    (2, None),
                    (1, Some("x-a")),
                    (1, Some("*")),
                    (1, Some("x-a, x-b")),
                ]),
                location: rng.pick(&[(3, true), (1, false)]),
            };
            let preflight = answer(true);
            let actual = answer(false);
            Generated {
                method,
                headers,
                json,
                credentials,
                preflight,
                actual,
            }
        })
        .collect()
}

/// What the scripted server saw of one request: path, method, and the headers the comparison
/// covers (`Origin`, the `Sec-Fetch-*` triple, `Access-Control-Request-*`).
type SeenRequest = (String, String, Vec<Option<String>>);

const RECORDED: [&str; 6] = [
    "origin",
    "sec-fetch-site",
    "sec-fetch-mode",
    "sec-fetch-dest",
    "access-control-request-method",
    "access-control-request-headers",
];

/// The scripted server: `/g/{i}` answers as scenario `i` says, and every request is recorded.
macro_rules! scripted_app {
    ($scenarios:expr, $page:expr, $seen:expr) => {{
        let scenarios: Vec<Generated> = $scenarios;
        let page: String = $page;
        let seen: std::sync::Arc<Mutex<Vec<SeenRequest>>> = $seen;
        App::new().default_service(web::to(move |req: actix_web::HttpRequest| {
            let (scenarios, page, seen) = (scenarios.clone(), page.clone(), seen.clone());
            async move {
                let recorded = RECORDED
                    .iter()
                    .map(|n| {
                        req.headers()
                            .get(*n)
                            .map(|v| v.to_str().unwrap().to_owned())
                    })
                    .collect();
                seen.lock().unwrap().push((
                    req.path().to_owned(),
                    req.method().to_string(),
                    recorded,
                ));
                let i: usize = match req.path().strip_prefix("/g/").map(str::parse) {
                    Some(Ok(i)) if i < scenarios.len() => i,
                    _ => return HttpResponse::NotFound().finish(),
                };
                let s = &scenarios[i];
                let a = if req.method() == Method::OPTIONS {
                    &s.preflight
                } else {
                    &s.actual
                };
                let mut res =
                    HttpResponse::build(actix_web::http::StatusCode::from_u16(a.status).unwrap());
                match a.allow_origin {
                    AllowOrigin::Page => {
                        res.append_header(("access-control-allow-origin", page.as_str()));
                    }
                    AllowOrigin::Star => {
                        res.append_header(("access-control-allow-origin", "*"));
                    }
                    AllowOrigin::Other => {
                        res.append_header(("access-control-allow-origin", "https://other.example"));
                    }
                    AllowOrigin::Missing => {}
                    AllowOrigin::Invalid => {
                        res.append_header(("access-control-allow-origin", "example.com"));
                    }
                    AllowOrigin::Twice => {
                        res.append_header(("access-control-allow-origin", page.as_str()));
                        res.append_header(("access-control-allow-origin", page.as_str()));
                    }
                }
                if a.allow_credentials {
                    res.append_header(("access-control-allow-credentials", "true"));
                }
                for (name, value) in [
                    ("access-control-allow-methods", a.allow_methods),
                    ("access-control-allow-headers", a.allow_headers),
                    ("access-control-expose-headers", a.expose_headers),
                ] {
                    if let Some(v) = value {
                        res.append_header((name, v));
                    }
                }
                if a.location {
                    res.append_header(("location", format!("/moved/{i}")));
                }
                res.append_header(("x-a", "1"))
                    .append_header(("x-b", "2"))
                    .content_type("text/plain; charset=utf-8")
                    .body(format!("g{i}"))
            }
        }))
    }};
}

const GENERATED_JS: &str = r#"
async function run() {
  const out = [];
  for (let i = 0; i < SCENARIOS.length; i++) {
    const [method, headers, json, cred] = SCENARIOS[i];
    const init = { method, headers: Object.fromEntries(headers), credentials: cred ? 'include' : 'same-origin' };
    if (json) { init.headers['Content-Type'] = 'application/json'; init.body = '{}'; }
    try {
      const r = await fetch(API + '/g/' + i, init);
      out.push({ i, status: r.status, body: await r.text(),
        headers: ['x-a', 'x-b', 'content-type'].map(n => r.headers.get(n)) });
    } catch (e) { out.push({ i, error: e.name }); }
  }
  await fetch('/report', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(out) });
}
run();
"#;

/// Generated scenarios (a seeded generator over methods, request headers, credentials, and the
/// server's status and CORS headers for the preflight and the actual request) against a
/// scripted server, in headless Chromium and in the simulator: they must agree on what the
/// script sees (allowed or not, status, body, readable headers), on what reached the server
/// (each request, its `Origin`, `Sec-Fetch-*` and `Access-Control-Request-*`), and on the
/// console message. The page is on `127.0.0.1` and the API on `localhost`: cross-site.
#[test]
fn simulator_agrees_with_chromium_on_generated_scripted_answers() {
    let Some(chromium) = chromium_or_skip("simulator vs Chromium, generated") else {
        return;
    };
    let scenarios = generate();
    let page_l = TcpListener::bind("127.0.0.1:0").unwrap();
    let api_l = TcpListener::bind("127.0.0.1:0").unwrap();
    let page = format!("http://127.0.0.1:{}", page_l.local_addr().unwrap().port());
    let api = format!("http://localhost:{}", api_l.local_addr().unwrap().port());
    let table = json!(scenarios
        .iter()
        .map(|s| json!([
            s.method,
            s.headers.iter().map(|(n, v)| [n, v]).collect::<Vec<_>>(),
            s.json,
            s.credentials
        ]))
        .collect::<Vec<_>>());
    let html = format!(
        "<!doctype html><script>const API = {api:?}; const SCENARIOS = {table};{GENERATED_JS}</script>"
    );
    let chromium_seen = std::sync::Arc::new(Mutex::new(Vec::<SeenRequest>::new()));
    let (tx, rx) = mpsc::channel::<Value>();
    let tx = web::Data::new(Mutex::new(tx));
    let (handles_tx, handles_rx) = mpsc::channel();
    let (p, s, seen) = (page.clone(), scenarios.clone(), chromium_seen.clone());
    let servers = thread::spawn(move || {
        actix_rt::System::new().block_on(async move {
            let api = HttpServer::new(move || scripted_app!(s.clone(), p.clone(), seen.clone()))
                .workers(1)
                .listen(api_l)
                .unwrap()
                .run();
            let page = HttpServer::new(move || {
                let html = html.clone();
                App::new()
                    .app_data(tx.clone())
                    .route("/", web::get().to(move || {
                        let html = html.clone();
                        async move { HttpResponse::Ok().content_type("text/html").body(html) }
                    }))
                    .route("/report", web::post().to(|body: web::Json<Value>, tx: web::Data<Mutex<mpsc::Sender<Value>>>| async move {
                        let _ = tx.lock().unwrap().send(body.into_inner());
                        HttpResponse::NoContent().finish()
                    }))
            })
            .workers(1)
            .listen(page_l)
            .unwrap()
            .run();
            handles_tx.send((api.handle(), page.handle())).unwrap();
            let _ = futures_util::future::join(api, page).await;
        })
    });
    let (api_handle, page_handle) = handles_rx.recv().unwrap();
    let (report, console) = open_in_chromium(&chromium, &format!("{page}/"), &[], &rx);
    actix_rt::System::new().block_on(async {
        api_handle.stop(false).await;
        page_handle.stop(false).await;
    });
    let _ = servers.join();
    let report = report.unwrap_or_else(|| panic!("page never reported; Chromium said:\n{console}"));
    let chromium_seen = chromium_seen.lock().unwrap().clone();

    let sim_seen = std::sync::Arc::new(Mutex::new(Vec::<SeenRequest>::new()));
    let (failures, agreed, blocked, covered) = actix_rt::System::new().block_on(async {
        let app = actix_web::test::init_service(scripted_app!(
            scenarios.clone(),
            page.clone(),
            sim_seen.clone()
        ))
        .await;
        let browser = Browser::new(&page).app_origin(&api);
        let (mut failures, mut agreed, mut blocked) = (Vec::new(), 0, 0);
        // The cases issue 22 §5 names, counted among the agreeing scenarios.
        let mut covered = [0usize; 4];
        for (i, s) in scenarios.iter().enumerate() {
            let mut f = Fetch::new(s.method, &format!("/g/{i}"));
            for (n, v) in s.headers {
                f = f.header(n, v);
            }
            if s.json {
                f = f.json();
            }
            if s.credentials {
                f = f.credentials();
            }
            let sim = browser.fetch(&app, f).await;
            let chrome = &report[i];
            let sim_view = if sim.is_blocked() {
                json!({ "i": i, "error": "TypeError" })
            } else {
                let readable = ["x-a", "x-b", "content-type"].map(|n| sim.header(n));
                json!({ "i": i, "status": sim.status(), "body": sim.text(), "headers": readable })
            };
            let path = format!("/g/{i}");
            let on_path = |seen: &[SeenRequest]| -> Vec<SeenRequest> {
                seen.iter().filter(|r| r.0 == path).cloned().collect()
            };
            let (sim_requests, chrome_requests) =
                (on_path(&sim_seen.lock().unwrap()), on_path(&chromium_seen));
            let url = format!("{api}/g/{i}");
            let chrome_msg = chromium_message(&console, &url);
            let thrown = sim.blocked().is_some_and(|b| b.step == Step::Call);
            let message_agrees = match (sim.console_message(), chrome_msg) {
                (None, None) => true,
                // fetch() threw before sending: no CORS message in the console.
                (Some(_), None) => thrown,
                (Some(ours), Some(theirs)) if sim.refused_headers().len() > 1 => {
                    // Chromium names one refused header in an order of its own.
                    sim.refused_headers().iter().any(|h| {
                        ours.replace(
                            &format!("field {} is", sim.refused_headers()[0]),
                            &format!("field {h} is"),
                        ) == theirs
                    })
                }
                (Some(ours), Some(theirs)) => ours == theirs,
                _ => false,
            };
            if &sim_view != chrome || sim_requests != chrome_requests || !message_agrees {
                failures.push(format!(
                    "scenario {i}: {s:?}\n  simulator: {sim_view}\n  Chromium:  {chrome}\n  \
                     requests, simulator: {sim_requests:?}\n  requests, Chromium:  \
                     {chrome_requests:?}\n  simulator said: {sim}\n  Chromium said: {chrome_msg:?}"
                ));
            } else {
                agreed += 1;
                blocked += usize::from(sim.is_blocked());
                let reason = sim.blocked().map(|b| &b.reason);
                covered[0] += usize::from(!sim.warnings().is_empty());
                covered[1] += usize::from(
                    matches!(reason, Some(Reason::PreflightNotOk(s)) if (300..400).contains(s)),
                );
                covered[2] += usize::from(sim.refused_headers().len() > 1);
                covered[3] += usize::from(!sim.hidden_headers().is_empty());
            }
        }
        (failures, agreed, blocked, covered)
    });
    println!(
        "generated scenarios: {agreed} of {GENERATED} agree ({blocked} blocked, {} allowed); \
         Authorization under *: {}, 3xx preflight not ok: {}, several refused headers: {}, \
         hidden headers: {}",
        agreed - blocked,
        covered[0],
        covered[1],
        covered[2],
        covered[3]
    );
    assert!(
        covered.iter().all(|&n| n > 0),
        "the generator no longer covers every case it is meant to: {covered:?}"
    );
    assert!(
        failures.is_empty(),
        "simulator and Chromium disagree on {} of {GENERATED} generated scenarios:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

// ---------------------------------------------------------------------------------------------
// Cross-origin writes and sockets: what the browser sends for a form submission and a
// WebSocket handshake, and what a hand-written guard makes of it, in Chromium and in the
// simulator.

/// The cookies `/login` sets: no `SameSite`, `Lax` and `Strict`.
const LOGIN_COOKIES: [&str; 3] = [
    "session=s1; Path=/; HttpOnly",
    "lax=1; Path=/; SameSite=Lax",
    "strict=1; Path=/; SameSite=Strict",
];

/// What the guarded app saw of one request: path, method, then `Origin`, the four
/// `Sec-Fetch-*` headers, `Content-Type`, `Upgrade`, and the names of the cookies sent.
type GuardSeen = (String, String, Vec<Option<String>>, String);

const GUARD_RECORDED: [&str; 7] = [
    "origin",
    "sec-fetch-site",
    "sec-fetch-mode",
    "sec-fetch-dest",
    "sec-fetch-user",
    "content-type",
    "upgrade",
];

/// An app with a hand-written stand-in for a cross-origin write guard: a write or a WebSocket
/// handshake whose `Origin` is not the app's own is refused with 403 (the 403 page sends the
/// tab on to the app's own page, so one Chromium run covers both sides).
macro_rules! guarded_app {
    ($own:expr, $evil:expr, $seen:expr, $done:expr) => {{
        let own: String = $own;
        let evil: String = $evil;
        let seen: std::sync::Arc<Mutex<Vec<GuardSeen>>> = $seen;
        let done: web::Data<Mutex<mpsc::Sender<Value>>> = $done;
        let own_guard = own.clone();
        App::new()
            .app_data(done)
            .wrap(from_fn(
                move |req: ServiceRequest, next: Next<actix_web::body::BoxBody>| {
                    let (own, seen) = (own_guard.clone(), seen.clone());
                    async move {
                        let h =
                            |n: &str| req.headers().get(n).map(|v| v.to_str().unwrap().to_owned());
                        let mut cookies: Vec<String> = h("cookie")
                            .unwrap_or_default()
                            .split("; ")
                            .filter_map(|c| c.split_once('=').map(|(n, _)| n.to_owned()))
                            .collect();
                        cookies.sort();
                        seen.lock().unwrap().push((
                            req.path().to_owned(),
                            req.method().to_string(),
                            GUARD_RECORDED.iter().map(|n| h(n)).collect(),
                            cookies.join(","),
                        ));
                        let foreign = h("origin").is_some_and(|o| o != own);
                        let write = !matches!(req.method().as_str(), "GET" | "HEAD" | "OPTIONS");
                        if foreign && (write || h("upgrade").is_some()) {
                            let res = HttpResponse::Forbidden()
                                .content_type("text/html")
                                .body("<script>location = '/app'</script>refused");
                            return Ok(req.into_response(res));
                        }
                        next.call(req).await
                    }
                },
            ))
            .route(
                "/login",
                web::get().to(move || {
                    let evil = evil.clone();
                    async move {
                        let mut res = HttpResponse::Ok();
                        for c in LOGIN_COOKIES {
                            res.append_header(("set-cookie", c));
                        }
                        res.content_type("text/html").body(format!(
                            "<script>location = {:?}</script>",
                            format!("{evil}/attack")
                        ))
                    }
                }),
            )
            .route(
                "/app",
                web::get()
                    .to(|| async { HttpResponse::Ok().content_type("text/html").body(APP_PAGE) }),
            )
            .route("/report-app", web::post().to(HttpResponse::NoContent))
            .route(
                "/transfer",
                web::post().to(|req: actix_web::HttpRequest| async move {
                    match req.cookie("session") {
                        Some(_) => HttpResponse::SeeOther()
                            .insert_header((header::LOCATION, "/done"))
                            .finish(),
                        None => HttpResponse::Unauthorized().body("log in first"),
                    }
                }),
            )
            .route(
                "/done",
                web::get().to(|done: web::Data<Mutex<mpsc::Sender<Value>>>| async move {
                    let _ = done.lock().unwrap().send(json!("done"));
                    HttpResponse::Ok().body("transfer done")
                }),
            )
            .route(
                "/ws",
                web::get().to(|req: actix_web::HttpRequest| async move {
                    match actix_http::ws::handshake(req.head()) {
                        // Keep the socket open until the page closes it.
                        Ok(mut res) => HttpResponse::from(res.body(
                            actix_web::body::BodyStream::new(futures_util::stream::pending::<
                                Result<actix_web::web::Bytes, actix_web::Error>,
                            >()),
                        ))
                        .map_into_boxed_body(),
                        Err(_) => HttpResponse::BadRequest().finish(),
                    }
                }),
            )
    }};
}

/// Opens a socket and resolves to `open` or `error`.
const OPEN_SOCKET_JS: &str = "const socket = url => new Promise(res => { const w = new \
     WebSocket(url); w.onopen = () => { w.close(); res('open'); }; w.onerror = () => \
     res('error'); });";

/// The app's own page: opens a socket, reports, then submits the form.
const APP_PAGE: &str = "<!doctype html><form id=f method=post action=/transfer><input name=to \
     value=alice></form><script>const socket = url => new Promise(res => { const w = new \
     WebSocket(url); w.onopen = () => { w.close(); res('open'); }; w.onerror = () => \
     res('error'); }); (async () => { const ws = await socket('ws://' + location.host + \
     '/ws'); await fetch('/report-app', { method: 'POST', headers: { 'Content-Type': \
     'application/json' }, body: JSON.stringify({ ws }) }); \
     document.getElementById('f').submit(); })();</script>";

/// Issue 23's browser results, side by side with the simulator: a page on another site cannot
/// open the app's socket and its form POST is refused, while the app's own page opens the socket
/// and its form POST passes. Every request the app saw must match, header for header: `Origin`,
/// `Sec-Fetch-Site`/`-Mode`/`-Dest`/`-User`, `Content-Type`, `Upgrade` and which cookies went
/// (the cross-site POST carries only the young cookie without `SameSite`; the socket from the
/// other site carries none).
#[test]
fn form_posts_sockets_and_fetch_metadata_agree_with_chromium() {
    let Some(chromium) = chromium_or_skip("simulator vs Chromium, forms and sockets") else {
        return;
    };
    let evil_l = TcpListener::bind("127.0.0.1:0").unwrap();
    let api_l = TcpListener::bind("127.0.0.1:0").unwrap();
    let evil = format!("http://127.0.0.1:{}", evil_l.local_addr().unwrap().port());
    let api = format!("http://localhost:{}", api_l.local_addr().unwrap().port());
    let attack = format!(
        "<!doctype html><form id=f method=post action={api}/transfer><input name=to \
         value=mallory></form><script>{OPEN_SOCKET_JS} (async () => {{ const ws = await \
         socket({ws:?}); await fetch('/report-evil', {{ method: 'POST', body: JSON.stringify({{ \
         ws }}) }}); document.getElementById('f').submit(); }})();</script>",
        ws = format!("{}/ws", api.replace("http://", "ws://"))
    );
    let chromium_seen = std::sync::Arc::new(Mutex::new(Vec::<GuardSeen>::new()));
    let evil_reports = std::sync::Arc::new(Mutex::new(Vec::<String>::new()));
    let (tx, rx) = mpsc::channel::<Value>();
    let done = web::Data::new(Mutex::new(tx));
    let (handles_tx, handles_rx) = mpsc::channel();
    let (own, ev, seen, reports) = (
        api.clone(),
        evil.clone(),
        chromium_seen.clone(),
        evil_reports.clone(),
    );
    let servers = thread::spawn(move || {
        actix_rt::System::new().block_on(async move {
            let ev2 = ev.clone();
            let api = HttpServer::new(move || {
                guarded_app!(own.clone(), ev2.clone(), seen.clone(), done.clone())
            })
            .workers(1)
            .listen(api_l)
            .unwrap()
            .run();
            let page = HttpServer::new(move || {
                let (attack, reports) = (attack.clone(), reports.clone());
                App::new()
                    .route(
                        "/attack",
                        web::get().to(move || {
                            let attack = attack.clone();
                            async move { HttpResponse::Ok().content_type("text/html").body(attack) }
                        }),
                    )
                    .route(
                        "/report-evil",
                        web::post().to(move |body: String| {
                            let reports = reports.clone();
                            async move {
                                reports.lock().unwrap().push(body);
                                HttpResponse::NoContent().finish()
                            }
                        }),
                    )
            })
            .workers(1)
            .listen(evil_l)
            .unwrap()
            .run();
            handles_tx.send((api.handle(), page.handle())).unwrap();
            let _ = futures_util::future::join(api, page).await;
        })
    });
    let (api_handle, page_handle) = handles_rx.recv().unwrap();
    let (finished, console) = open_in_chromium(&chromium, &format!("{api}/login"), &[], &rx);
    actix_rt::System::new().block_on(async {
        api_handle.stop(false).await;
        page_handle.stop(false).await;
    });
    let _ = servers.join();
    assert!(
        finished.is_some(),
        "Chromium never reached /done; the app saw {:?}\n{console}",
        chromium_seen.lock().unwrap()
    );
    let skip = |r: &&GuardSeen| !["/login", "/app", "/favicon.ico"].contains(&r.0.as_str());
    let chromium_seen: Vec<GuardSeen> = chromium_seen
        .lock()
        .unwrap()
        .iter()
        .filter(skip)
        .cloned()
        .collect();

    let sim_seen = std::sync::Arc::new(Mutex::new(Vec::<GuardSeen>::new()));
    let (sim_evil_ws, sim_own_ws, evil_status, own_status) =
        actix_rt::System::new().block_on(async {
            let (tx, _rx) = mpsc::channel::<Value>();
            let app = actix_web::test::init_service(guarded_app!(
                api.clone(),
                evil.clone(),
                sim_seen.clone(),
                web::Data::new(Mutex::new(tx))
            ))
            .await;
            let attacker = Browser::new(&evil).app_origin(&api);
            let own = Browser::new(&api).app_origin(&api);
            for c in LOGIN_COOKIES {
                attacker.set_cookie(c);
                own.set_cookie(c);
            }
            let evil_ws = attacker.websocket(&app, "/ws").await;
            let evil_nav = attacker
                .submit(&app, Form::post("/transfer").field("to", "mallory"))
                .await;
            let own_ws = own.websocket(&app, "/ws").await;
            own.fetch(
                &app,
                Fetch::post("/report-app").json_body(r#"{"ws":"open"}"#),
            )
            .await;
            let own_nav = own
                .submit(&app, Form::post("/transfer").field("to", "alice"))
                .await;
            (evil_ws, own_ws, evil_nav, own_nav)
        });
    let sim_seen: Vec<GuardSeen> = sim_seen
        .lock()
        .unwrap()
        .iter()
        .filter(skip)
        .cloned()
        .collect();

    assert_eq!(
        evil_reports.lock().unwrap().as_slice(),
        [r#"{"ws":"error"}"#],
        "Chromium: the other site's socket must not open"
    );
    assert!(!sim_evil_ws.is_open(), "{sim_evil_ws}");
    assert!(sim_own_ws.is_open(), "{sim_own_ws}");
    assert_eq!(evil_status.status(), 403, "{evil_status}");
    assert_eq!(own_status.status(), 200, "{own_status}");
    assert_eq!(
        sim_seen.len(),
        chromium_seen.len(),
        "\nsimulator: {sim_seen:#?}\nChromium: {chromium_seen:#?}"
    );
    for (sim, chrome) in sim_seen.iter().zip(&chromium_seen) {
        assert_eq!(
            sim, chrome,
            "\nsimulator: {sim_seen:#?}\nChromium: {chromium_seen:#?}"
        );
    }
    println!(
        "forms and sockets: {} requests agree, header for header: {sim_seen:?}",
        sim_seen.len()
    );
}
