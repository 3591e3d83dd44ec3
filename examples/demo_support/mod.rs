//! The two servers of the demo, shared by `examples/demo.rs` (run by a person) and
//! `tests/it/browser/demo_in_chromium.rs` (run by headless Chromium).
//!
//! - The **API** server: routes under `/api` protected by a corsair policy that allows exactly
//!   the page's origin with credentials; `/fresh`, the same with `max_age(0)`; `/public` with
//!   its own any-origin policy; `/internal` with no CORS at all. Every request is recorded in a [`RequestLog`] (outside the CORS
//!   middleware, so preflights answered by corsair are counted too).
//! - The **page** server: serves `page.html` (the same page on every origin it is reached by)
//!   and accepts the page's results as JSON on `POST /report`.

use std::{
    io,
    net::TcpListener,
    sync::{Arc, Mutex},
};

use actix_web::{
    body::MessageBody,
    cookie::{Cookie, SameSite},
    dev::{Server, Service as _, ServiceFactory, ServiceRequest, ServiceResponse},
    error::{self, InternalError},
    http::header,
    middleware::{from_fn, Next},
    web, App, Error, HttpRequest, HttpResponse, HttpServer,
};
use corsair::{Cors, CorsPolicy};
use serde_json::{json, Value};

/// The page; `/*CONFIG*/null` is replaced by the [`PageConfig`] as JSON.
const PAGE: &str = include_str!("page.html");

/// Where the page finds the API and which origins it is about.
#[derive(Clone, Debug)]
pub struct PageConfig {
    /// Base URL of the API, e.g. `http://localhost:8000`.
    pub api: String,
    /// The origin the API allows, e.g. `http://localhost:5173`.
    pub allowed: String,
    /// The same page server reached through another origin the API does not allow,
    /// e.g. `http://127.0.0.1:5173`.
    pub other: String,
}

impl PageConfig {
    /// The usual setup: page and API both on loopback, the page allowed as `http://localhost:PORT`
    /// and disallowed as `http://127.0.0.1:PORT`.
    pub fn loopback(page_port: u16, api_port: u16) -> Self {
        PageConfig {
            api: format!("http://localhost:{api_port}"),
            allowed: format!("http://localhost:{page_port}"),
            other: format!("http://127.0.0.1:{page_port}"),
        }
    }
}

/// One request as the API server received it (before any middleware ran).
#[derive(Clone, Debug)]
pub struct Seen {
    /// Request method, e.g. `OPTIONS`.
    pub method: String,
    /// Path with the query string.
    pub path_and_query: String,
    /// The `Origin` header, if any.
    pub origin: Option<String>,
    /// Status of the response the API sent back.
    pub status: u16,
    /// The response's `Access-Control-Max-Age`, if any.
    pub max_age: Option<String>,
}

/// Every request the API server received, in order.
#[derive(Clone, Debug, Default)]
pub struct RequestLog {
    seen: Arc<Mutex<Vec<Seen>>>,
    print: bool,
}

impl RequestLog {
    /// An empty log; with `print`, each request is also printed as it arrives (an access log).
    pub fn new(print: bool) -> Self {
        RequestLog {
            print,
            ..Self::default()
        }
    }

    fn push(&self, seen: Seen) {
        if self.print {
            let origin = seen.origin.as_deref().unwrap_or("-");
            let max_age = seen
                .max_age
                .as_deref()
                .map_or(String::new(), |m| format!(", max-age {m}"));
            println!(
                "  API  {:<7} {:<28} -> {}   (Origin: {origin}{max_age})",
                seen.method, seen.path_and_query, seen.status
            );
        }
        self.seen
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(seen);
    }

    /// How many recorded requests satisfy `pred`.
    pub fn count(&self, pred: impl Fn(&Seen) -> bool) -> usize {
        let seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        seen.iter().filter(|s| pred(s)).count()
    }
}

/// Called with each report the page posts (`{"origin": ..., "results": [...]}`).
pub type OnReport = Arc<dyn Fn(Value) + Send + Sync>;

/// The policy of the `/api` scope: exactly the page's origin, with credentials.
pub fn api_policy(page_origin: &str) -> Result<CorsPolicy, corsair::ConfigError> {
    Cors::default()
        .allowed_origin(page_origin)
        .allowed_methods(["GET", "POST", "PUT"])
        .allowed_headers(["content-type", "x-api-key", "authorization"])
        .expose_headers(["x-request-id"])
        .supports_credentials()
        .max_age(600)
        .build()
}

/// The policy of the `/fresh` scope: like `/api` but `max_age(0)`, so browsers must not cache
/// its preflights.
pub fn no_cache_policy(page_origin: &str) -> Result<CorsPolicy, corsair::ConfigError> {
    Cors::default()
        .allowed_origin(page_origin)
        .allowed_methods(["PUT"])
        .allowed_headers(["x-api-key"])
        .max_age(0)
        .build()
}

/// The policy of the `/public` scope: anyone may read it, no credentials.
pub fn public_policy() -> Result<CorsPolicy, corsair::ConfigError> {
    Cors::default()
        .allow_any_origin()
        .send_wildcard()
        .allowed_methods(["GET"])
        .build()
}

/// Starts (on the current actix system) the API server on `listener`, allowing `page_origin`.
pub fn api_server(listener: TcpListener, page_origin: &str, log: RequestLog) -> io::Result<Server> {
    let api = api_policy(page_origin).map_err(io::Error::other)?;
    let public = public_policy().map_err(io::Error::other)?;
    let fresh = no_cache_policy(page_origin).map_err(io::Error::other)?;
    let server =
        HttpServer::new(move || api_app(api.clone(), public.clone(), fresh.clone(), log.clone()))
            .workers(1)
            .listen(listener)?
            .run();
    Ok(server)
}

/// The API app itself (served by [`api_server`]; also run in-process by the browser
/// simulator in `tests/it/browser/demo_in_chromium.rs`): `/api` under `api`, `/fresh` under `fresh`, `/public`
/// under `public`, `/internal` without CORS, every request recorded in `log`.
pub fn api_app(
    api: CorsPolicy,
    public: CorsPolicy,
    fresh: CorsPolicy,
    log: RequestLog,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = Error,
        InitError = (),
    >,
> {
    App::new()
        .app_data(web::Data::new(log.clone()))
        // Outermost: records what the browser sent (preflights included) and the answer.
        .wrap_fn(move |req, srv| {
            let log = log.clone();
            let method = req.method().to_string();
            let path_and_query = req
                .uri()
                .path_and_query()
                .map_or_else(|| req.path().to_owned(), |p| p.to_string());
            let origin = req
                .headers()
                .get(header::ORIGIN)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let response = srv.call(req);
            async move {
                let response = response.await;
                let (status, max_age) = match &response {
                    Ok(res) => (
                        res.status().as_u16(),
                        res.headers()
                            .get(header::ACCESS_CONTROL_MAX_AGE)
                            .and_then(|v| v.to_str().ok())
                            .map(str::to_owned),
                    ),
                    Err(e) => (e.as_response_error().status_code().as_u16(), None),
                };
                log.push(Seen {
                    method,
                    path_and_query,
                    origin,
                    status,
                    max_age,
                });
                response
            }
        })
        .service(
            web::scope("/api")
                .wrap(api.clone())
                .service(
                    web::scope("/private")
                        .wrap(from_fn(require_token))
                        .route("", web::get().to(|| async { "the secret" })),
                )
                .route("/hello", web::get().to(|| async { "hello from the API" }))
                .route("/echo", web::post().to(echo))
                .route("/whoami", web::get().to(whoami))
                .route("/headers", web::get().to(with_headers))
                .route("/login", web::post().to(login))
                .route("/me", web::get().to(me))
                .route("/fail", web::get().to(fail))
                .route("/cached", web::put().to(|| async { "stored" }))
                .route("/stats", web::get().to(stats)),
        )
        .service(
            web::scope("/fresh")
                .wrap(fresh.clone())
                .route("/cached", web::put().to(|| async { "stored" })),
        )
        .service(
            web::scope("/public")
                .wrap(public.clone())
                .route("/status", web::get().to(|| async { "public status: ok" })),
        )
        .service(
            web::scope("/internal")
                .route("/metrics", web::get().to(|| async { "requests_total 42" })),
        )
}

/// Starts (on the current actix system) the page server on `listener`.
pub fn page_server(
    listener: TcpListener,
    config: &PageConfig,
    on_report: OnReport,
) -> io::Result<Server> {
    let cfg = json!({ "api": config.api, "allowed": config.allowed, "other": config.other });
    let html = PAGE.replacen("/*CONFIG*/null", &cfg.to_string(), 1);
    let server = HttpServer::new(move || {
        let html = html.clone();
        let on_report = on_report.clone();
        App::new()
            .route(
                "/",
                web::get().to(move || {
                    let html = html.clone();
                    async move {
                        HttpResponse::Ok()
                            .content_type("text/html; charset=utf-8")
                            .insert_header((header::CACHE_CONTROL, "no-store"))
                            .body(html)
                    }
                }),
            )
            .route(
                "/report",
                web::post().to(move |body: web::Bytes| {
                    let on_report = on_report.clone();
                    async move {
                        match serde_json::from_slice::<Value>(&body) {
                            Ok(report) => {
                                on_report(report);
                                HttpResponse::NoContent().finish()
                            }
                            Err(e) => HttpResponse::BadRequest().body(e.to_string()),
                        }
                    }
                }),
            )
    })
    .workers(1)
    .listen(listener)?
    .run();
    Ok(server)
}

/// Runs both servers until both have stopped.
pub async fn serve_both(api: Server, page: Server) -> io::Result<()> {
    futures_util::future::try_join(api, page).await.map(|_| ())
}

/// One line per scenario of a page report: `✓ id  {observation}` (`–` for a row the page
/// gave up waiting for), then a count.
pub fn summarize(report: &Value) -> String {
    let results = report["results"].as_array().cloned().unwrap_or_default();
    let mut out = String::new();
    let (mut good, mut late) = (0, 0);
    for r in &results {
        let id = r["id"].as_str().unwrap_or("?");
        if r["timedOut"].as_bool() == Some(true) {
            late += 1;
            let message = r["message"].as_str().unwrap_or("timed out");
            out.push_str(&format!("  – {id:<20} timed out: {message}\n"));
            continue;
        }
        let ok = r["ok"].as_bool() == Some(true);
        good += usize::from(ok);
        let mark = if ok { "✓" } else { "✗" };
        out.push_str(&format!("  {mark} {id:<20} {}\n", r["obs"]));
    }
    out.push_str(&format!(
        "  {good} of {} behaved as CORS intends (page origin {})",
        results.len() - late,
        report["origin"]
    ));
    if late > 0 {
        out.push_str(&format!("; {late} timed out"));
    }
    out
}

/// Auth guard wrapped *inside* the CORS middleware: its error must still get CORS headers.
async fn require_token(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let authorized = req
        .headers()
        .get(header::AUTHORIZATION)
        .is_some_and(|v| v == "Bearer demo-token");
    if !authorized {
        let response =
            HttpResponse::Unauthorized().json(json!({ "error": "missing bearer token" }));
        return Err(InternalError::from_response("missing bearer token", response).into());
    }
    next.call(req).await
}

async fn echo(body: web::Json<Value>) -> HttpResponse {
    HttpResponse::Ok().json(json!({ "you_sent": body.into_inner() }))
}

async fn whoami(req: HttpRequest) -> String {
    let key = req.headers().get("x-api-key").and_then(|v| v.to_str().ok());
    format!("api key: {}", key.unwrap_or("none"))
}

async fn with_headers() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("x-request-id", "req-42"))
        .insert_header(("x-internal-trace", "node-7"))
        .body("see the headers")
}

async fn login() -> HttpResponse {
    let cookie = Cookie::build("corsair_demo_session", "ada")
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .finish();
    HttpResponse::Ok().cookie(cookie).body("welcome")
}

async fn me(req: HttpRequest) -> HttpResponse {
    match req.cookie("corsair_demo_session") {
        Some(c) => HttpResponse::Ok().body(format!("signed in as {}", c.value())),
        None => HttpResponse::Unauthorized().body("not signed in"),
    }
}

async fn fail() -> Result<HttpResponse, Error> {
    Err(error::ErrorUnprocessableEntity("quantity must be positive"))
}

/// `GET /api/stats?path=/api/cached?run=x`: how many preflights the API saw for that exact URL.
async fn stats(req: HttpRequest, log: web::Data<RequestLog>) -> HttpResponse {
    let path =
        web::Query::<std::collections::HashMap<String, String>>::from_query(req.query_string())
            .ok()
            .and_then(|q| q.get("path").cloned())
            .unwrap_or_default();
    HttpResponse::Ok().json(
        json!({ "preflights": log.count(|s| s.method == "OPTIONS" && s.path_and_query == path) }),
    )
}
