//! Live reconfiguration: change the allowed origins of a running server, no restart.
//!
//! ```text
//! cargo run --example reload     # writes a starter cors-origins.txt if there is none
//!
//! # in another terminal: allow a second origin, then reload
//! echo "https://staging.example.com" >> cors-origins.txt
//! curl -X POST http://127.0.0.1:8000/admin/reload
//! curl -i http://127.0.0.1:8000/api/hello -H "Origin: https://staging.example.com"
//!
//! # a mistake is refused, with every problem listed by line, and the running policy stays
//! echo "staging.example.com/" >> cors-origins.txt
//! curl -X POST http://127.0.0.1:8000/admin/reload
//!
//! # ask the running policy about a request (a preflight when `method` is given)
//! curl "http://127.0.0.1:8000/admin/check?origin=http://localhost:5174"
//! curl "http://127.0.0.1:8000/admin/check?origin=http://localhost:5173&method=PUT&headers=x-api-key,x-debug"
//! ```
//!
//! - Origins are read from `cors-origins.txt` in the working directory (`CORS_ORIGINS_FILE`
//!   names another file): one or more per line, separated by commas; `#` starts a comment.
//!   If the file does not exist at start-up, a starter file allowing `http://localhost:5173`
//!   is written. Problems name the file and the line (`in cors-origins.txt, line 4`).
//! - `GET /api/hello` is the CORS-protected API.
//! - `POST /admin/reload` re-reads the file, validates the new policy and swaps it in for every
//!   worker; requests already running finish under the old one. An invalid file is refused:
//!   the answer (and the log) lists every problem, and the running policy is kept.
//! - `GET /admin/check?origin=..[&method=..][&headers=a,b]` explains what the running policy
//!   does with an actual request, or with a preflight when `method` is given (`headers` are
//!   its `Access-Control-Request-Headers`).
//! - The admin routes are not under CORS (browsers cannot call them cross-origin) and only
//!   answer connections from loopback; set `ADMIN_TOKEN` to also require an
//!   `X-Admin-Token` header.
//! - `PORT` sets the port (default 8000). `RUST_LOG` sets the log filter (default
//!   `warn,corsair=debug`: corsair says why it refused each request).

use std::{env, fs, io, net::SocketAddr};

use actix_web::{http::StatusCode, web, App, HttpRequest, HttpResponse, HttpServer, Responder};
use corsair::{ConfigError, Cors, CorsRequest, LiveCors};

/// The file the origins are read from.
#[derive(Clone)]
pub(crate) struct OriginsFile {
    pub(crate) file: String,
}

/// What a new `cors-origins.txt` holds.
pub(crate) const STARTER: &str = "\
# Origins allowed to call /api, for `cargo run --example reload`.
# One or more per line, separated by commas; `#` starts a comment; `*` in an entry makes it a
# pattern (https://*.example.com). Edit, then: curl -X POST http://127.0.0.1:8000/admin/reload
http://localhost:5173
";

impl OriginsFile {
    /// The file's text.
    fn read(&self) -> io::Result<String> {
        fs::read_to_string(&self.file)
            .map_err(|e| io::Error::new(e.kind(), format!("cannot read {}: {e}", self.file)))
    }

    /// Writes the starter file if there is none; true if it did.
    fn create_if_missing(&self) -> io::Result<bool> {
        match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&self.file)
        {
            Ok(mut f) => {
                io::Write::write_all(&mut f, STARTER.as_bytes())?;
                Ok(true)
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(false),
            Err(e) => Err(io::Error::new(
                e.kind(),
                format!("cannot create {}: {e}", self.file),
            )),
        }
    }

    /// The policy the file describes: problems name the file and the line.
    pub(crate) fn policy(&self, text: &str) -> Cors {
        policy().allowed_origins_list_from(&self.file, text)
    }
}

/// The whole policy but the origins is fixed in code; only the origins are reloaded.
fn policy() -> Cors {
    Cors::default()
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
    let text = match admin.source.read() {
        Ok(text) => text,
        Err(e) => {
            log::error!("reload: keeping the running policy: {e}");
            return HttpResponse::InternalServerError()
                .body(format!("{e}; the running policy is unchanged\n"));
        }
    };
    match admin.source.policy(&text).build() {
        Ok(policy) => {
            admin.live.set(policy);
            println!("reload: new policy from {} in effect", admin.source.file);
            HttpResponse::Ok().body(format!("reloaded {}\n", admin.source.file))
        }
        Err(err) => {
            log::error!("reload: refused, keeping the running policy: {err}");
            HttpResponse::build(StatusCode::UNPROCESSABLE_ENTITY).body(problems_text(&err))
        }
    }
}

/// One line per problem, for the admin's terminal.
pub(crate) fn problems_text(err: &ConfigError) -> String {
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
    /// `Access-Control-Request-Headers` of the preflight, comma-separated.
    headers: Option<String>,
}

/// Parses `origin=..&method=..&headers=..` (percent-decoded), without a serde dependency.
fn parse_query(query: &str) -> Option<CheckQuery> {
    let mut origin = None;
    let mut method = None;
    let mut headers = None;
    for pair in query.split('&') {
        let (key, value) = pair.split_once('=')?;
        let value = percent_decode(value)?;
        match key {
            "origin" => origin = Some(value),
            "method" => method = Some(value),
            "headers" => headers = Some(value),
            _ => return None,
        }
    }
    Some(CheckQuery {
        origin: origin?,
        method,
        headers,
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
        return HttpResponse::BadRequest()
            .body("usage: /admin/check?origin=..[&method=..][&headers=a,b]\n");
    };
    let question = match (&q.method, &q.headers) {
        (Some(m), Some(h)) => CorsRequest::preflight(&q.origin, m)
            .requesting_headers(h.split(',').map(str::trim).filter(|h| !h.is_empty())),
        (Some(m), None) => CorsRequest::preflight(&q.origin, m),
        (None, Some(_)) => {
            return HttpResponse::BadRequest()
                .body("`headers` are those of a preflight: give its `method` too\n")
        }
        (None, None) => CorsRequest::new(&q.origin),
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
async fn main() -> std::process::ExitCode {
    // `RUST_LOG` as usual; by default corsair says why it refused each request.
    env_logger::Builder::from_env(
        env_logger::Env::default().default_filter_or("warn,corsair=debug"),
    )
    .init();
    match run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("reload: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run() -> io::Result<()> {
    let source = OriginsFile {
        file: env::var("CORS_ORIGINS_FILE").unwrap_or_else(|_| "cors-origins.txt".into()),
    };
    let port: u16 = match env::var("PORT") {
        Ok(p) => p
            .parse()
            .map_err(|_| io::Error::other(format!("PORT={p:?} is not a port number")))?,
        Err(_) => 8000,
    };

    if source.create_if_missing()? {
        println!(
            "reload: wrote a starter {} (allows http://localhost:5173)",
            source.file
        );
    }
    // At start-up an invalid policy is fatal: print every problem and stop.
    let live = source
        .policy(&source.read()?)
        .build()
        .map_err(|err| io::Error::other(format!("{err}\nfix {} and start again", source.file)))?
        .live();

    let admin = web::Data::new(Admin {
        live: live.clone(),
        source: source.clone(),
        token: env::var("ADMIN_TOKEN").ok().filter(|t| !t.is_empty()),
    });
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let here = env::current_dir().map_or_else(|_| ".".into(), |d| d.display().to_string());
    println!("reload: origins from {} (in {here})", source.file);
    println!("reload: listening on http://{addr}");
    println!("  GET  /api/hello     the API, under CORS");
    println!(
        "  POST /admin/reload  re-reads {} and swaps the policy in",
        source.file
    );
    println!("  GET  /admin/check?origin=..[&method=..][&headers=a,b]  explains a request");
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
