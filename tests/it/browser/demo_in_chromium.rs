//! End-to-end: what a real browser (headless Chromium) accepts from corsair.
//!
//! Starts the demo's API and page servers in-process on free ports, opens the page in one
//! headless Chromium, and waits for the page to `POST /report` what each `fetch` observed.
//! Every scenario is then checked here against the raw observations (not the page's own
//! verdict), plus server-side facts the browser cannot report (how many preflights it sent,
//! which requests reached the API).
//!
//! Needs Chromium (`apt-get install chromium`; override the binary with env `CHROMIUM`).
//! Without it the test fails, saying how to fix that; set `CORSAIR_SKIP_BROWSER=1` to skip it
//! on purpose (a line on stderr says it was skipped).

#![cfg(unix)]

#[path = "../../../examples/demo_support/mod.rs"]
mod demo_support;

use crate::common::chromium;

use std::{
    net::TcpListener,
    sync::{mpsc, Arc, Mutex},
    thread,
    time::Duration,
};

use actix_web::dev::ServerHandle;
use chromium::{chromium_or_skip, Browser};
use demo_support::{api_server, page_server, serve_both, summarize, PageConfig, RequestLog, Seen};
use serde_json::{json, Value};

/// Upper bound for the page to finish; a failure guard, not synchronisation (we wait on the
/// page's report). A healthy run takes about a second.
const REPORT_TIMEOUT: Duration = Duration::from_secs(40);

/// The API and page servers, running on their own actix system in a background thread.
struct Servers {
    config: PageConfig,
    log: RequestLog,
    reports: mpsc::Receiver<Value>,
    handles: (ServerHandle, ServerHandle),
    thread: Option<thread::JoinHandle<()>>,
}

impl Servers {
    fn start() -> Servers {
        let page_listener = TcpListener::bind("127.0.0.1:0").expect("bind page server");
        let api_listener = TcpListener::bind("127.0.0.1:0").expect("bind API server");
        let config = PageConfig::loopback(
            page_listener.local_addr().unwrap().port(),
            api_listener.local_addr().unwrap().port(),
        );
        let log = RequestLog::new(false);
        let (report_tx, reports) = mpsc::channel();
        let report_tx = Mutex::new(report_tx);
        let (handles_tx, handles_rx) = mpsc::channel();
        let (cfg, api_log) = (config.clone(), log.clone());
        let thread = thread::spawn(move || {
            actix_rt::System::new().block_on(async move {
                let api = api_server(api_listener, &cfg.allowed, api_log).expect("API server");
                let page = page_server(
                    page_listener,
                    &cfg,
                    Arc::new(move |report| {
                        let _ = report_tx.lock().unwrap().send(report);
                    }),
                )
                .expect("page server");
                handles_tx.send((api.handle(), page.handle())).unwrap();
                serve_both(api, page).await.expect("servers ran");
            })
        });
        let handles = handles_rx.recv().expect("servers started");
        Servers {
            config,
            log,
            reports,
            handles,
            thread: Some(thread),
        }
    }
}

impl Drop for Servers {
    fn drop(&mut self) {
        let (api, page) = self.handles.clone();
        actix_rt::System::new().block_on(async move {
            api.stop(false).await;
            page.stop(false).await;
        });
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// What each scenario must have observed in the browser (the page's raw `obs` object).
fn expected() -> Vec<(&'static str, Value)> {
    let type_error = |obs: &str| json!({ "error": "TypeError", "message": obs });
    vec![
        // Allowed origin succeeds with the right body.
        (
            "simple_get",
            json!({ "status": 200, "body": "hello from the API" }),
        ),
        (
            "json_post",
            json!({ "status": 200, "body": r#"{"you_sent":{"greeting":"hi"}}"# }),
        ),
        (
            "custom_header",
            json!({ "status": 200, "body": "api key: demo-key" }),
        ),
        // Exposed header readable, unexposed one null.
        (
            "exposed_header",
            json!({ "status": 200, "exposed": "req-42", "unexposed": null }),
        ),
        // Cookie set and sent back with credentials: 'include'; not sent without.
        (
            "cookies",
            json!({ "login": 200, "me": 200, "body": "signed in as ada", "anon": 401 }),
        ),
        // Errors from an inner middleware and from handlers are readable with their status.
        (
            "guard_401",
            json!({ "status": 401, "body": r#"{"error":"missing bearer token"}"# }),
        ),
        (
            "handler_error",
            json!({ "status": 422, "body": "quantity must be positive" }),
        ),
        ("not_found", json!({ "status": 404 })),
        // Second identical preflighted request within max-age: no new OPTIONS.
        (
            "preflight_cache",
            json!({ "first": 200, "second": 200, "preflights": 1,
                    "fresh1": 200, "fresh2": 200, "fresh_preflights": 2 }),
        ),
        // Per-scope policies.
        (
            "public_scope",
            json!({ "status": 200, "body": "public status: ok" }),
        ),
        ("unprotected_scope", type_error("Failed to fetch")),
        // Disallowed origin: network error for simple and preflighted requests.
        ("foreign_simple_get", type_error("Failed to fetch")),
        ("foreign_json_post", type_error("Failed to fetch")),
        (
            "foreign_public",
            json!({ "status": 200, "body": "public status: ok" }),
        ),
    ]
}

/// What, method, path, origin, condition on the recorded request and response, count.
type ServerCheck<'a> = (&'a str, &'a str, &'a str, &'a str, fn(&Seen) -> bool, usize);

#[test]
fn chromium_sees_what_cors_intends() {
    let Some(chromium) = chromium_or_skip("browser suite") else {
        return;
    };

    let servers = Servers::start();
    let mut browser = Browser::open(&chromium, &format!("{}/", servers.config.allowed));
    let report = match servers.reports.recv_timeout(REPORT_TIMEOUT) {
        Ok(report) => report,
        Err(e) => panic!(
            "the page never reported ({e}); Chromium exit status: {:?}; API saw {:?}\n\
             Chromium said:\n{}",
            browser.child.try_wait(),
            servers.log,
            browser.log_tail()
        ),
    };
    drop(browser);
    println!("{}", summarize(&report));
    assert_eq!(
        report["origin"],
        json!(servers.config.allowed),
        "page opened on the allowed origin"
    );

    let results = report["results"].as_array().expect("results array");
    let mut failures = Vec::new();
    // The page holds its load event until every row has settled, so a tool that captures it
    // once loaded (`chromium --headless --screenshot`, docs/demo.md) sees no row waiting.
    if report["loaded_before_settled"] != json!(false) {
        failures.push(format!(
            "the page's load event fired before every row settled ({}): a headless screenshot \
             would show rows still waiting",
            report["loaded_before_settled"]
        ));
    }
    for (id, want) in expected() {
        let Some(got) = results.iter().find(|r| r["id"] == id) else {
            failures.push(format!("{id}: missing from the page's report"));
            continue;
        };
        let obs = &got["obs"];
        let matches = want.as_object().unwrap().iter().all(|(k, v)| &obs[k] == v);
        if matches && got["ok"] == json!(true) {
            println!("ok   {id}");
        } else {
            failures.push(format!(
                "{id}: browser saw {obs}, expected {want} (page verdict ok={})",
                got["ok"]
            ));
        }
    }
    if results.len() != expected().len() {
        failures.push(format!(
            "page reported {} scenarios, expected {}",
            results.len(),
            expected().len()
        ));
    }

    // The simulated browser (`corsair::testing`) must see exactly what Chromium saw.
    #[cfg(feature = "testing")]
    for (id, sim) in simulated::observations(
        &servers.config.api,
        &servers.config.allowed,
        &servers.config.other,
    ) {
        let chromium = results.iter().find(|r| r["id"] == id).map(|r| &r["obs"]);
        if chromium == Some(&sim) {
            println!("ok   simulator agrees: {id}");
        } else {
            failures.push(format!(
                "{id}: simulator saw {sim}, Chromium saw {}",
                chromium.unwrap_or(&Value::Null)
            ));
        }
    }

    // Server-side facts the browser cannot report: (what, method, path, origin, condition on
    // the recorded request/response, how many requests must match).
    let (allowed, other) = (
        servers.config.allowed.as_str(),
        servers.config.other.as_str(),
    );
    let any: fn(&Seen) -> bool = |_| true;
    let server_checks: [ServerCheck; 8] = [
        ("PUTs to /api/cached", "PUT", "/api/cached", allowed, any, 2),
        (
            "preflights for them: one, 204 with Access-Control-Max-Age: 600",
            "OPTIONS",
            "/api/cached",
            allowed,
            |s| s.status == 204 && s.max_age.as_deref() == Some("600"),
            1,
        ),
        (
            "PUTs to /fresh/cached",
            "PUT",
            "/fresh/cached",
            allowed,
            any,
            2,
        ),
        (
            "preflights for them under max_age(0): two",
            "OPTIONS",
            "/fresh/cached",
            allowed,
            any,
            2,
        ),
        // A refused simple request still reaches the API: the browser hides the answer.
        (
            "refused origin's GET reached the handler",
            "GET",
            "/api/hello",
            other,
            |s| s.status == 200,
            1,
        ),
        // A refused preflight stops the browser from sending the actual request.
        (
            "refused origin's preflight answered 403",
            "OPTIONS",
            "/api/echo",
            other,
            |s| s.status == 403,
            1,
        ),
        (
            "refused origin's POST never sent",
            "POST",
            "/api/echo",
            other,
            any,
            0,
        ),
        (
            "allowed origin's POST sent once",
            "POST",
            "/api/echo",
            allowed,
            any,
            1,
        ),
    ];
    for (what, method, path, origin, condition, want) in server_checks {
        let got = servers.log.count(|s| {
            s.method == method
                && s.path_and_query.split('?').next() == Some(path)
                && s.origin.as_deref() == Some(origin)
                && condition(s)
        });
        if got == want {
            println!("ok   server: {what}");
        } else {
            failures.push(format!(
                "server: {what}: {got} matching {method} {path} from {origin}, expected {want}; log: {:?}",
                servers.log
            ));
        }
    }

    assert!(
        failures.is_empty(),
        "{} browser check(s) failed:\n  {}",
        failures.len(),
        failures.join("\n  ")
    );
}

/// Every scenario of the page, run through `corsair::testing`'s simulated browser against the
/// same API app in-process, producing the page's `obs` object for each (same shapes as the
/// JavaScript in `page.html`).
#[cfg(feature = "testing")]
mod simulated {
    use corsair::testing::{Browser, Fetch, Outcome};
    use serde_json::{json, Value};

    use super::demo_support::{api_app, api_policy, no_cache_policy, public_policy, RequestLog};

    /// `plain(r)` of the page: `{status, body}`, or the `TypeError` of a blocked fetch.
    fn plain(o: &Outcome) -> Value {
        if o.is_blocked() {
            json!({ "error": "TypeError", "message": "Failed to fetch" })
        } else {
            json!({ "status": o.status(), "body": o.text() })
        }
    }

    /// `statusOf(r)` of the page.
    fn status_of(o: &Outcome) -> Value {
        if o.is_blocked() {
            json!("TypeError")
        } else {
            json!(o.status())
        }
    }

    /// (scenario id, observation) for every scenario of the page, allowed origin first.
    pub fn observations(api: &str, allowed: &str, other: &str) -> Vec<(&'static str, Value)> {
        actix_rt::System::new().block_on(async {
            let app = actix_web::test::init_service(api_app(
                api_policy(allowed).unwrap(),
                public_policy().unwrap(),
                no_cache_policy(allowed).unwrap(),
                RequestLog::new(false),
            ))
            .await;
            let b = Browser::new(allowed).app_origin(api);
            let echo = || Fetch::post("/api/echo").json_body(r#"{"greeting":"hi"}"#);
            let mut out = vec![
                ("simple_get", plain(&b.fetch(&app, Fetch::get("/api/hello")).await)),
                ("json_post", plain(&b.fetch(&app, echo()).await)),
                (
                    "custom_header",
                    plain(&b.fetch(&app, Fetch::get("/api/whoami").header("X-Api-Key", "demo-key")).await),
                ),
            ];
            let h = b.fetch(&app, Fetch::get("/api/headers")).await;
            out.push((
                "exposed_header",
                if h.is_blocked() {
                    plain(&h)
                } else {
                    json!({ "status": h.status(), "exposed": h.header("x-request-id"),
                            "unexposed": h.header("x-internal-trace") })
                },
            ));
            let login = b.fetch(&app, Fetch::post("/api/login").credentials()).await;
            let me = b.fetch(&app, Fetch::get("/api/me").credentials()).await;
            let anon = b.fetch(&app, Fetch::get("/api/me")).await;
            out.push((
                "cookies",
                json!({ "login": status_of(&login), "me": status_of(&me),
                        "body": if me.is_blocked() { Value::Null } else { json!(me.text()) },
                        "anon": status_of(&anon) }),
            ));
            for (id, path) in [
                ("guard_401", "/api/private"),
                ("handler_error", "/api/fail"),
                ("not_found", "/api/nope"),
            ] {
                out.push((id, plain(&b.fetch(&app, Fetch::get(path)).await)));
            }
            let mut twice = Vec::new();
            for path in ["/api/cached", "/fresh/cached"] {
                let url = format!("{path}?run=simulated");
                let put = || Fetch::put(&url).header("X-Api-Key", "demo-key");
                let first = b.fetch(&app, put()).await;
                let second = b.fetch(&app, put()).await;
                let stats = b
                    .fetch(&app, Fetch::get(&format!("/api/stats?path={}", url.replace('/', "%2F").replace('?', "%3F").replace('=', "%3D"))))
                    .await;
                let preflights = if stats.is_blocked() {
                    json!("TypeError")
                } else {
                    serde_json::from_slice::<Value>(stats.body()).unwrap()["preflights"].clone()
                };
                twice.push((status_of(&first), status_of(&second), preflights));
            }
            out.push((
                "preflight_cache",
                json!({ "first": twice[0].0, "second": twice[0].1, "preflights": twice[0].2,
                        "fresh1": twice[1].0, "fresh2": twice[1].1, "fresh_preflights": twice[1].2 }),
            ));
            out.push(("public_scope", plain(&b.fetch(&app, Fetch::get("/public/status")).await)));
            out.push((
                "unprotected_scope",
                plain(&b.fetch(&app, Fetch::get("/internal/metrics")).await),
            ));
            let foreign = Browser::new(other).app_origin(api);
            out.push(("foreign_simple_get", plain(&foreign.fetch(&app, Fetch::get("/api/hello")).await)));
            out.push(("foreign_json_post", plain(&foreign.fetch(&app, echo()).await)));
            out.push(("foreign_public", plain(&foreign.fetch(&app, Fetch::get("/public/status")).await)));
            out
        })
    }
}

/// The simulator alone, on every scenario of the page: it must see what `expected()` says a
/// browser sees (runs without Chromium; `chromium_sees_what_cors_intends` then requires the
/// simulator and Chromium to agree observation for observation).
#[cfg(feature = "testing")]
#[test]
fn simulator_sees_what_cors_intends() {
    let config = demo_support::PageConfig::loopback(5173, 8000);
    let got = simulated::observations(&config.api, &config.allowed, &config.other);
    assert_eq!(got.len(), expected().len(), "one observation per scenario");
    for (id, want) in expected() {
        let obs = &got.iter().find(|(g, _)| *g == id).expect(id).1;
        let matches = want.as_object().unwrap().iter().all(|(k, v)| &obs[k] == v);
        assert!(matches, "{id}: simulator saw {obs}, expected {want}");
    }
}

// ---------------------------------------------------------------------------------------------
// Same origin (issue 14): page and API on one origin, blocking on, `POST` works.
// ---------------------------------------------------------------------------------------------

/// The page: one same-origin `POST` (the browser adds `Origin` to it), then its report.
const SAME_ORIGIN_PAGE: &str = r#"<!doctype html><meta charset="utf-8"><title>same origin</title>
<script>
(async () => {
  let obs;
  try {
    const r = await fetch('/api/echo', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"n":1}',
    });
    obs = { status: r.status, body: await r.text() };
  } catch (e) {
    obs = { error: e.name, message: e.message };
  }
  await fetch('/report', { method: 'POST', body: JSON.stringify({ origin: location.origin, obs }) });
})();
</script>"#;

/// What the server saw: method, path, `Origin`, status, `Access-Control-Allow-Origin`.
type SameOriginSeen = (String, String, Option<String>, u16, Option<String>);

#[test]
fn chromium_same_origin_post_works_with_blocking_on() {
    use actix_web::{dev::Service as _, web, App, HttpResponse, HttpServer};

    let Some(chromium) = chromium_or_skip("same-origin browser test") else {
        return;
    };
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let base = format!("http://{}", listener.local_addr().unwrap());
    let seen: Arc<Mutex<Vec<SameOriginSeen>>> = Arc::default();
    let (report_tx, reports) = mpsc::channel::<Value>();
    let (handle_tx, handle_rx) = mpsc::channel();
    let server_seen = Arc::clone(&seen);
    let thread = thread::spawn(move || {
        actix_rt::System::new().block_on(async move {
            let report_tx = Arc::new(Mutex::new(report_tx));
            let server = HttpServer::new(move || {
                let (seen, report_tx) = (Arc::clone(&server_seen), Arc::clone(&report_tx));
                App::new()
                    // Strict: the page's own origin is not in the list, and blocking is on.
                    .wrap(
                        corsair::Cors::default()
                            .allowed_origin("https://app.example.com")
                            .allowed_methods(["GET", "POST"])
                            .block_on_origin_mismatch(true),
                    )
                    .wrap_fn(move |req, srv| {
                        let (method, path) = (req.method().to_string(), req.path().to_owned());
                        let origin = req
                            .headers()
                            .get("origin")
                            .map(|v| v.to_str().unwrap_or("?").to_owned());
                        let fut = srv.call(req);
                        let seen = Arc::clone(&seen);
                        async move {
                            let res = fut.await?;
                            let acao = res
                                .headers()
                                .get("access-control-allow-origin")
                                .map(|v| v.to_str().unwrap_or("?").to_owned());
                            let status = res.status().as_u16();
                            seen.lock()
                                .unwrap()
                                .push((method, path, origin, status, acao));
                            Ok(res)
                        }
                    })
                    .route(
                        "/",
                        web::get().to(|| async {
                            HttpResponse::Ok()
                                .content_type("text/html; charset=utf-8")
                                .body(SAME_ORIGIN_PAGE)
                        }),
                    )
                    .route(
                        "/api/echo",
                        web::post().to(|body: String| async move { body }),
                    )
                    .route(
                        "/report",
                        web::post().to(move |body: String| {
                            let report_tx = Arc::clone(&report_tx);
                            async move {
                                if let Ok(v) = serde_json::from_str(&body) {
                                    let _ = report_tx.lock().unwrap().send(v);
                                }
                                HttpResponse::NoContent().finish()
                            }
                        }),
                    )
            })
            .workers(1)
            .disable_signals()
            .listen(listener)
            .expect("listen")
            .run();
            handle_tx.send(server.handle()).unwrap();
            server.await.expect("server ran");
        })
    });
    let handle = handle_rx.recv().expect("server started");

    let browser = Browser::open(&chromium, &format!("{base}/"));
    let report = reports.recv_timeout(REPORT_TIMEOUT);
    let chromium_log = browser.log_tail();
    drop(browser);
    actix_rt::System::new().block_on(handle.stop(false));
    let _ = thread.join();

    let report = report.unwrap_or_else(|e| {
        panic!(
            "the page never reported ({e}); server saw {:?}\nChromium said:\n{chromium_log}",
            seen.lock().unwrap()
        )
    });
    assert_eq!(
        report["origin"],
        json!(base),
        "page and API share one origin"
    );
    assert_eq!(
        report["obs"],
        json!({ "status": 200, "body": "{\"n\":1}" }),
        "the same-origin POST worked"
    );
    let seen = seen.lock().unwrap();
    let posts: Vec<_> = seen
        .iter()
        .filter(|(m, p, ..)| m == "POST" && p == "/api/echo")
        .collect();
    assert_eq!(posts.len(), 1, "{seen:?}");
    let (_, _, origin, status, acao) = posts[0];
    assert_eq!(
        origin.as_deref(),
        Some(base.as_str()),
        "the browser sent Origin on its same-origin POST"
    );
    assert_eq!(*status, 200);
    assert_eq!(
        *acao, None,
        "no Access-Control-Allow-Origin for a same-origin request"
    );
    assert!(
        !seen.iter().any(|(m, ..)| m == "OPTIONS"),
        "no preflight: {seen:?}"
    );
}
