//! Rolling out a strict policy without breaking clients nobody knew about.
//!
//! The server enforces today's permissive policy and runs a strict **candidate** in
//! report-only mode beside it. Every request the candidate would treat differently is
//! counted and logged (each origin once at `warn`); the access log shows each request's
//! verdict. When the differences are understood, the candidate is fixed and promoted live.
//!
//! ```text
//! cargo run --example rollout      # prints its routes and these steps
//!
//! # 1. the candidate runs in report-only mode: this caller is allowed today (the permissive
//! #    policy answers), and the candidate would refuse it (a `warn` line says so)
//! curl http://127.0.0.1:8000/api/items -H 'Origin: https://partner.example.com'
//! # 2. read the differences
//! curl http://127.0.0.1:8000/admin/cors
//! # 3. fix the candidate (an invalid one is refused with every problem, nothing changes)
//! curl -X PUT http://127.0.0.1:8000/admin/cors/candidate -d 'https://app.example.com, https://partner.example.com'
//! # 4. promote it: every worker enforces it from the next request, no restart
//! curl -X POST http://127.0.0.1:8000/admin/cors/promote
//! curl -si http://127.0.0.1:8000/api/items -H 'Origin: https://unknown.example' | head -1
//! ```
//!
//! The README's "Rolling out a strict policy" shows each command's output (checked by
//! `tests/it/readme_outputs.rs`).
//!
//! - Logs go to stderr through `env_logger`: `RUST_LOG` sets the filter, by default
//!   `warn,corsair=debug,actix_web::middleware::logger=info`: the candidate's differences
//!   (`warn` for each new origin, `debug` for repeats), why each request was refused, and the
//!   access log with each request's verdict. `RUST_LOG=off` silences them.
//! - `CANDIDATE_ORIGINS` sets the first candidate's origins (default
//!   `https://app.example.com`); `PORT` the port (default 8000).
//! - The admin routes are not under CORS and only answer loopback connections.

use std::{env, io, net::TcpListener};

use actix_web::{
    dev::Server,
    http::{header, StatusCode},
    middleware::Logger,
    web, App, HttpRequest, HttpResponse, HttpServer,
};
use corsair::{Cors, CorsOutcome, LiveCors};

/// Today's policy, still enforced during the roll-out.
pub fn enforced_today() -> Cors {
    Cors::permissive().outcome_in_extensions()
}

/// The first candidate's origins, unless `CANDIDATE_ORIGINS` says otherwise.
pub const FIRST_CANDIDATE: &str = "https://app.example.com";

/// Today's policy, enforced, with a report-only candidate allowing `candidate_origins`.
pub fn live_policy(candidate_origins: &str) -> LiveCors {
    let live = enforced_today()
        .build()
        .expect("today's policy is valid")
        .live();
    if let Err(err) = live.set_candidate(candidate(candidate_origins)) {
        eprintln!("rollout: invalid candidate, running without one:\n{err}");
    }
    live
}

/// What the example prints at start-up: its routes and the roll-out, step by step, with the
/// commands to type (the README shows each one's output).
pub fn walkthrough(base: &str, candidate_origins: &str) -> String {
    format!(
        "\
rollout: enforcing Cors::permissive(); report-only candidate allowing {candidate_origins}
rollout: listening on {base}
  GET  /api/items              the API, under CORS
  GET  /admin/cors             what the candidate would have done differently so far
  PUT  /admin/cors/candidate   replace the candidate (body: its origins, comma-separated)
  POST /admin/cors/promote     enforce the candidate, live
In another terminal:
  # 1. the candidate runs in report-only mode: this caller is allowed today (the permissive
  #    policy answers), and the candidate would refuse it (a warn line says so)
  curl {base}/api/items -H 'Origin: https://partner.example.com'
  # 2. read the differences
  curl {base}/admin/cors
  # 3. fix the candidate (an invalid one is refused with every problem, nothing changes)
  curl -X PUT {base}/admin/cors/candidate -d 'https://app.example.com, https://partner.example.com'
  # 4. promote it: every worker enforces it from the next request, no restart
  curl -X POST {base}/admin/cors/promote
  curl -si {base}/api/items -H 'Origin: https://unknown.example' | head -1
"
    )
}

/// The strict policy being rolled out, allowing exactly `origins` (comma-separated).
pub fn candidate(origins: &str) -> Cors {
    Cors::default()
        .allowed_origins_list(origins)
        .allowed_methods(["GET", "POST"])
        .allowed_header(header::CONTENT_TYPE)
        .block_on_origin_mismatch(true)
        .outcome_in_extensions()
}

/// Access log line with the CORS verdict of each request, e.g.
/// `"GET /api/items HTTP/1.1" 200 cors=allowed:any`.
pub fn access_log() -> Logger {
    Logger::new("\"%r\" %s cors=%{cors}xo").custom_response_replace("cors", |res| {
        CorsOutcome::of(res.request()).map_or_else(|| "-".to_owned(), |o| o.to_string())
    })
}

/// The server: `/api/items` under CORS, `/admin/cors*` to watch and promote the candidate.
pub fn server(live: LiveCors, listener: TcpListener) -> io::Result<Server> {
    Ok(HttpServer::new(move || {
        App::new()
            .service(
                web::scope("/admin/cors")
                    .app_data(web::Data::new(live.clone()))
                    .guard(actix_web::guard::fn_guard(|ctx| {
                        ctx.head().peer_addr.is_some_and(|a| a.ip().is_loopback())
                    }))
                    .route("", web::get().to(report))
                    .route("/candidate", web::put().to(set_candidate))
                    .route("/promote", web::post().to(promote)),
            )
            .service(
                web::scope("/api")
                    .wrap(live.clone())
                    .route("/items", web::to(items)),
            )
            .wrap(access_log())
    })
    .workers(2)
    .listen(listener)?
    .run())
}

async fn items(req: HttpRequest) -> HttpResponse {
    // Handlers can read the verdict too.
    let verdict = CorsOutcome::of(&req).map(|o| o.to_string());
    HttpResponse::Ok().body(format!("items (cors: {})\n", verdict.unwrap_or_default()))
}

/// The differences so far and the enforced policy's outcomes, as `key value` lines.
async fn report(live: web::Data<LiveCors>) -> HttpResponse {
    let shadow = live.shadow_counts();
    let enforced = live.policy().counts();
    HttpResponse::Ok().body(format!(
        "candidate {}\ncompared {}\ncandidate_refuses {}\ncandidate_allows {}\nheaders_differ {}\nenforced_allowed {}\nenforced_refused {}\n",
        if live.candidate().is_some() { "yes" } else { "no" },
        shadow.compared(),
        shadow.candidate_refuses(),
        shadow.candidate_allows(),
        shadow.headers_differ(),
        enforced.allowed_total(),
        enforced.refused_total(),
    ))
}

/// Replaces the candidate with one allowing the origins in the body.
async fn set_candidate(live: web::Data<LiveCors>, body: String) -> HttpResponse {
    match live.set_candidate(candidate(&body)) {
        Ok(()) => HttpResponse::Ok().body("candidate replaced\n"),
        Err(err) => HttpResponse::build(StatusCode::UNPROCESSABLE_ENTITY).body(format!("{err}\n")),
    }
}

/// Makes the candidate the enforced policy.
async fn promote(live: web::Data<LiveCors>) -> HttpResponse {
    if live.promote_candidate() {
        HttpResponse::Ok().body("candidate promoted\n")
    } else {
        HttpResponse::Conflict().body("no candidate to promote\n")
    }
}

#[allow(dead_code)] // `tests/it/rollout/report_only.rs` and `tests/it/readme_outputs.rs` include this file
#[actix_web::main]
async fn main() -> io::Result<()> {
    // `RUST_LOG` as in every example; by default the differences, refusals and access log.
    env_logger::Builder::from_env(
        env_logger::Env::default()
            .default_filter_or("warn,corsair=debug,actix_web::middleware::logger=info"),
    )
    .init();
    let origins = env::var("CANDIDATE_ORIGINS").unwrap_or_else(|_| FIRST_CANDIDATE.into());
    let live = live_policy(&origins);
    let port = env::var("PORT").unwrap_or_else(|_| "8000".into());
    let listener = TcpListener::bind(format!("127.0.0.1:{port}"))?;
    print!(
        "{}",
        walkthrough(&format!("http://{}", listener.local_addr()?), &origins)
    );
    server(live, listener)?.await
}
