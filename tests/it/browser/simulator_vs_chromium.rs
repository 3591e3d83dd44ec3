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
    path::PathBuf,
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
    testing::{Browser, Fetch},
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

    let profile = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("chromium-sim-{}", std::process::id()));
    fs::create_dir_all(&profile).unwrap();
    let log_path = profile.join("chromium.log");
    let mut child = Command::new(&chromium)
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
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("{page}/"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(fs::File::create(&log_path).unwrap())
        .process_group(0)
        .spawn()
        .expect("start chromium");
    let report = rx.recv_timeout(Duration::from_secs(40));
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
    actix_rt::System::new().block_on(async {
        api_handle.stop(false).await;
        page_handle.stop(false).await;
    });
    let _ = servers.join();
    let report =
        report.unwrap_or_else(|e| panic!("page never reported ({e}); Chromium said:\n{console}"));

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
                if !console.contains(&msg) {
                    failures.push(format!("{id}: Chromium's console lacks the simulator's message\n  {msg}"));
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
