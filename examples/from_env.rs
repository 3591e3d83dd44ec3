//! Allowed origins from the environment: the twelve-factor way to configure CORS.
//!
//! ```text
//! # the default (for this demo only): the Vite dev server
//! cargo run --example from_env
//!
//! # in production, from the deployment's environment
//! ALLOWED_ORIGINS="https://app.example.com, https://*.preview.example.com" cargo run --example from_env
//!
//! # see why a request is refused (one debug line per refusal, with near-miss hints)
//! CORSAIR_LOG=debug cargo run --example from_env
//! curl -i http://127.0.0.1:8000/api/items -H "Origin: http://localhost:5173"   # allowed
//! curl -i http://127.0.0.1:8000/api/items -H "Origin: http://localhost:5174"   # refused: "port differs"
//!
//! # a mistake stops the server before it listens, naming the variable and the entry
//! ALLOWED_ORIGINS="https://app.example.com, app.example.com/" cargo run --example from_env
//! ```
//!
//! - `ALLOWED_ORIGINS` is a comma-separated list: white space around entries is trimmed,
//!   empty entries are ignored, an entry containing `*` is an origin pattern
//!   (`https://*.example.com`, `http://localhost:*`), and a lone `*` allows any origin.
//!   Every entry is validated when the policy is built; an error names the variable and the
//!   entry's position (`in $ALLOWED_ORIGINS, entry 2`).
//! - When `ALLOWED_ORIGINS` is unset, this demo falls back to `http://localhost:5173`
//!   (`allowed_origins_from_env_or`). A production service would rather use
//!   `allowed_origins_from_env`, for which a missing variable is a start-up error.
//! - `PORT` sets the port (default 8000); the server listens on 127.0.0.1 only.
//! - `CORSAIR_LOG` (`info` by default, `debug` to see each refusal) sets the level of the
//!   tiny stderr logger below; a real service would use `env_logger` or `tracing`.

use std::{env, io};

use actix_web::{http::header, web, App, HttpResponse, HttpServer};
use corsair::Cors;
use log::{LevelFilter, Log, Metadata, Record};

/// Prints log records to stderr; just enough to watch corsair's diagnostics.
struct StderrLogger;

impl Log for StderrLogger {
    fn enabled(&self, metadata: &Metadata) -> bool {
        metadata.level() <= log::max_level()
    }

    fn log(&self, record: &Record) {
        if self.enabled(record.metadata()) {
            eprintln!("[{:<5}] {}", record.level(), record.args());
        }
    }

    fn flush(&self) {}
}

static LOGGER: StderrLogger = StderrLogger;

async fn list_items() -> HttpResponse {
    HttpResponse::Ok().json(["apples", "pears"])
}

async fn create_item(body: String) -> HttpResponse {
    HttpResponse::Created().body(body)
}

#[actix_web::main]
async fn main() -> io::Result<()> {
    let level = env::var("CORSAIR_LOG")
        .ok()
        .and_then(|l| l.parse().ok())
        .unwrap_or(LevelFilter::Info);
    log::set_logger(&LOGGER).map_err(|e| io::Error::other(e.to_string()))?;
    log::set_max_level(level);

    // Build once, before the server starts: every problem is reported here, at once, and the
    // process exits instead of serving with a broken policy.
    let policy = Cors::default()
        .allowed_origins_from_env_or("ALLOWED_ORIGINS", "http://localhost:5173")
        .allowed_methods(["GET", "POST", "DELETE"])
        .allowed_header(header::CONTENT_TYPE)
        .expose_headers(["x-request-id"])
        .max_age(3600)
        .build()
        .map_err(|err| {
            eprintln!("{err}");
            io::Error::other("invalid CORS configuration")
        })?;

    let port: u16 = match env::var("PORT") {
        Ok(p) => p
            .parse()
            .map_err(|_| io::Error::other(format!("PORT={p:?} is not a port number")))?,
        Err(_) => 8000,
    };
    eprintln!("listening on http://127.0.0.1:{port} (try GET /api/items)");

    HttpServer::new(move || {
        App::new().wrap(policy.clone()).service(
            web::resource("/api/items")
                .route(web::get().to(list_items))
                .route(web::post().to(create_item)),
        )
    })
    .workers(2)
    .bind(("127.0.0.1", port))?
    .run()
    .await
}
