//! Allowed origins from the environment: the twelve-factor way to configure CORS.
//!
//! ```text
//! # the default (for this demo only): the Vite dev server
//! cargo run --example from_env
//!
//! # in production, from the deployment's environment
//! ALLOWED_ORIGINS="https://app.example.com, https://*.preview.example.com" cargo run --example from_env
//!
//! # see why a request is refused: one debug line per refusal, with near-miss hints
//! # (on by default here; RUST_LOG=warn turns them off)
//! curl -i http://127.0.0.1:8000/api/items -H "Origin: http://localhost:5173"   # allowed
//! curl -i http://127.0.0.1:8000/api/items -H "Origin: http://localhost:5174"   # refused: "port differs"
//!
//! # a mistake stops the server before it listens, naming the variable and the entry
//! ALLOWED_ORIGINS="https://app.example.com, app.example.com/" cargo run --example from_env
//! ```
//!
//! - `ALLOWED_ORIGINS` is a comma-separated list: white space around entries is trimmed,
//!   empty entries are ignored, an entry containing `*` is an origin pattern
//!   (`https://*.example.com`, `http://localhost:*`), and a lone `*` is refused (every
//!   origin is `.allow_any_origin()`, in code).
//!   Every entry is validated when the policy is built; an error names the variable and the
//!   entry's position (`in $ALLOWED_ORIGINS, entry 2`).
//! - When `ALLOWED_ORIGINS` is unset, this demo falls back to `http://localhost:5173`
//!   (`allowed_origins_from_env_or`). A production service would rather use
//!   `allowed_origins_from_env`, for which a missing variable is a start-up error.
//! - `PORT` sets the port (default 8000); the server listens on 127.0.0.1 only.
//! - Logs go to stderr through `env_logger`: `RUST_LOG` sets the filter, by default
//!   `warn,corsair=debug`, which shows why each request was refused.

use std::{env, io, process::ExitCode};

use actix_web::{http::header, web, App, HttpResponse, HttpServer};
use corsair::Cors;

async fn list_items() -> HttpResponse {
    HttpResponse::Ok().json(["apples", "pears"])
}

async fn create_item(body: String) -> HttpResponse {
    HttpResponse::Created().body(body)
}

/// The policy: origins from `$ALLOWED_ORIGINS`, the rest in code.
pub(crate) fn policy() -> Cors {
    Cors::default()
        .allowed_origins_from_env_or("ALLOWED_ORIGINS", "http://localhost:5173")
        .allowed_methods(["GET", "POST", "DELETE"])
        .allowed_header(header::CONTENT_TYPE)
        .expose_headers(["x-request-id"])
        .max_age(3600)
}

#[actix_web::main]
async fn main() -> ExitCode {
    // `RUST_LOG` as usual; by default corsair says why it refused each request.
    env_logger::Builder::from_env(
        env_logger::Env::default().default_filter_or("warn,corsair=debug"),
    )
    .init();
    // Build once, before the server starts: every problem is reported here, at once, and the
    // process exits instead of serving with a broken policy.
    let policy = policy().build();
    let result = match policy {
        Ok(policy) => serve(policy).await,
        Err(err) => Err(io::Error::other(err)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(policy: corsair::CorsPolicy) -> io::Result<()> {
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
