//! Live reconfiguration: change the allowed origins of a running server, no restart.
//!
//! ```text
//! echo "http://localhost:5173" > cors-origins.txt
//! cargo run --example reload
//!
//! # in another terminal: allow a second origin, then reload
//! echo "https://staging.example.com" >> cors-origins.txt
//! curl -X POST http://127.0.0.1:8000/admin/reload
//! curl -i http://127.0.0.1:8000/api/hello -H "Origin: https://staging.example.com"
//!
//! # a mistake is refused, with every problem listed, and the running policy stays
//! echo "staging.example.com/" >> cors-origins.txt
//! curl -X POST http://127.0.0.1:8000/admin/reload
//!
//! # ask the running policy about a request
//! curl "http://127.0.0.1:8000/admin/check?origin=http://localhost:5174&method=PUT"
//! ```
//!
//! - Origins are read from the file named by `CORS_ORIGINS_FILE` (default
//!   `cors-origins.txt`): one or more per line, separated by commas; `#` starts a comment.
//!   If the file does not exist at start-up, `CORS_ORIGINS` (comma-separated) is used, and
//!   `http://localhost:5173` if that is unset too.
//! - `POST /admin/reload` re-reads the file, validates the new policy and swaps it in for every
//!   worker; requests already running finish under the old one. An invalid file is refused:
//!   the answer (and stderr) lists every problem, and the running policy is kept.
//! - `GET /admin/check?origin=..&method=..` explains what the running policy does with a
//!   preflight (or, without `method`, an actual request).
//! - The admin routes are not under CORS (browsers cannot call them cross-origin) and only
//!   answer connections from loopback; set `ADMIN_TOKEN` to also require an
//!   `X-Admin-Token` header.
//! - `PORT` sets the port (default 8000).

use std::{env, fs, io, net::SocketAddr};

use actix_web::{http::StatusCode, web, App, HttpRequest, HttpResponse, HttpServer, Responder};
use corsair::{ConfigError, Cors, CorsRequest, LiveCors};

/// Where the origins come from: a file, else (at start-up only) the environment.
#[derive(Clone)]
struct OriginsFile {
    file: String,
}

impl OriginsFile {
    /// The origins as one comma-separated list, from the file, else the environment.
    fn read(&self, at_start: bool) -> io::Result<String> {
        match fs::read_to_string(&self.file) {
            Ok(text) => Ok(text
                .lines()
                .map(|line| line.split('#').next().unwrap_or(""))
                .flat_map(|line| line.split(','))
                .map(str::trim)
                .filter(|entry| !entry.is_empty())
                .collect::<Vec<_>>()
                .join(", ")),
            Err(e) if at_start && e.kind() == io::ErrorKind::NotFound => {
                Ok(env::var("CORS_ORIGINS").unwrap_or_else(|_| "http://localhost:5173".into()))
            }
            Err(e) => Err(io::Error::new(e.kind(), format!("{}: {e}", self.file))),
        }
    }
}

/// The whole policy but the origins is fixed in code; only the origins are reloaded.
fn policy(origins: &str) -> Cors {
    Cors::default()
        .allowed_origins_list(origins)
        .allowed_methods(["GET", "POST", "PUT", "DELETE"])
        .allowed_headers(["content-type", "x-api-key"])
        .expose_headers(["x-request-id"])
        .supports_credentials()
}

struct Admin {
    live: LiveCors,
    source: OriginsFile,
    token: Option<String>,
}

impl Admin {
    /// Loopback only, and the token when one is configured.
    fn allowed(&self, req: &HttpRequest) -> bool {
        let local = req.peer_addr().is_some_and(|a| a.ip().is_loopback());
        let token_ok = match &self.token {
            None => true,
            Some(t) => req
                .headers()
                .get("x-admin-token")
                .is_some_and(|v| v.as_bytes() == t.as_bytes()),
        };
        local && token_ok
    }
}

async fn reload(req: HttpRequest, admin: web::Data<Admin>) -> impl Responder {
    if !admin.allowed(&req) {
        return HttpResponse::Forbidden().body("forbidden\n");
    }
    let origins = match admin.source.read(false) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("reload: cannot read origins, keeping the running policy: {e}");
            return HttpResponse::InternalServerError()
                .body(format!("cannot read origins, running policy kept: {e}\n"));
        }
    };
    match admin.live.replace(policy(&origins)) {
        Ok(()) => {
            println!("reload: new policy in effect: origins {origins:?}");
            HttpResponse::Ok().body(format!("reloaded; origins: {origins}\n"))
        }
        Err(err) => {
            eprintln!("reload: refused, keeping the running policy: {err}");
            HttpResponse::build(StatusCode::UNPROCESSABLE_ENTITY).body(problems_text(&err))
        }
    }
}

/// One line per problem, for the admin's terminal.
fn problems_text(err: &ConfigError) -> String {
    let mut out = format!(
        "refused ({} problem(s)); the running policy is unchanged:\n",
        err.problems().len()
    );
    for p in err.problems() {
        out.push_str(&format!("- {p}\n"));
    }
    out
}

/// The fields of `/admin/check`'s query.
struct CheckQuery {
    origin: String,
    method: Option<String>,
}

/// Parses `origin=..&method=..` (percent-decoded), without a serde dependency.
fn parse_query(query: &str) -> Option<CheckQuery> {
    let mut origin = None;
    let mut method = None;
    for pair in query.split('&') {
        let (key, value) = pair.split_once('=')?;
        let value = percent_decode(value)?;
        match key {
            "origin" => origin = Some(value),
            "method" => method = Some(value),
            _ => return None,
        }
    }
    Some(CheckQuery {
        origin: origin?,
        method,
    })
}

fn percent_decode(text: &str) -> Option<String> {
    let mut out = Vec::with_capacity(text.len());
    let mut bytes = text.bytes();
    while let Some(b) = bytes.next() {
        match b {
            b'%' => {
                let hex = [bytes.next()?, bytes.next()?];
                out.push(u8::from_str_radix(std::str::from_utf8(&hex).ok()?, 16).ok()?);
            }
            b'+' => out.push(b' '),
            _ => out.push(b),
        }
    }
    String::from_utf8(out).ok()
}

async fn check(req: HttpRequest, admin: web::Data<Admin>) -> impl Responder {
    if !admin.allowed(&req) {
        return HttpResponse::Forbidden().body("forbidden\n");
    }
    let Some(q) = parse_query(req.query_string()) else {
        return HttpResponse::BadRequest().body("usage: /admin/check?origin=..[&method=..]\n");
    };
    let question = match &q.method {
        Some(m) => CorsRequest::preflight(&q.origin, m),
        None => CorsRequest::new(&q.origin),
    };
    // The same decision the middleware makes, with the headers it would send.
    let decision = admin.live.policy().check(&question);
    let mut body = format!("{decision}\n");
    if let Some(status) = decision.status() {
        body.push_str(&format!("status: {status}\n"));
    }
    for (name, value) in decision.headers() {
        body.push_str(&format!("{name}: {}\n", value.to_str().unwrap_or("?")));
    }
    HttpResponse::Ok().body(body)
}

async fn hello() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("x-request-id", "42"))
        .body("hello\n")
}

#[actix_web::main]
async fn main() -> io::Result<()> {
    let source = OriginsFile {
        file: env::var("CORS_ORIGINS_FILE").unwrap_or_else(|_| "cors-origins.txt".into()),
    };
    let port: u16 = match env::var("PORT") {
        Ok(p) => p
            .parse()
            .map_err(|_| io::Error::other(format!("PORT={p:?} is not a port number")))?,
        Err(_) => 8000,
    };

    // At start-up an invalid policy is fatal: print every problem and stop.
    let origins = source.read(true)?;
    let live = match policy(&origins).build() {
        Ok(p) => p.live(),
        Err(err) => {
            eprintln!("reload: {err}");
            std::process::exit(1);
        }
    };
    println!("reload: serving origins {origins:?}");

    let admin = web::Data::new(Admin {
        live: live.clone(),
        source,
        token: env::var("ADMIN_TOKEN").ok().filter(|t| !t.is_empty()),
    });
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    println!("reload: listening on http://{addr} (POST /admin/reload, GET /admin/check)");
    HttpServer::new(move || {
        App::new()
            .app_data(admin.clone())
            // Every worker wraps a clone of the same `LiveCors`: one swap reaches them all.
            .service(
                web::scope("/api")
                    .wrap(live.clone())
                    .route("/hello", web::get().to(hello)),
            )
            .route("/admin/reload", web::post().to(reload))
            .route("/admin/check", web::get().to(check))
    })
    .bind(addr)?
    .run()
    .await
}
