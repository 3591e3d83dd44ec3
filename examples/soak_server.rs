//! Loopback server for the soak test (`scripts/soak.sh`).
//!
//! Serves every path with a small 200 response behind a credentialed corsair policy, so a
//! load generator can hammer it with a mix of allowed, refused and malformed CORS requests.
//!
//! Environment:
//! - `SOAK_ADDR` — listen address, default `127.0.0.1:18080` (loopback only).
//! - `SOAK_WORKERS` — actix worker threads, default 2.
//!
//! Run: `cargo run --release --example soak_server`

use actix_web::{web, App, HttpResponse, HttpServer};
use corsair::Cors;

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::var("SOAK_ADDR").unwrap_or_else(|_| "127.0.0.1:18080".to_owned());
    let workers: usize = std::env::var("SOAK_WORKERS")
        .ok()
        .and_then(|w| w.parse().ok())
        .unwrap_or(2);

    // Built once, validated once, cloned (an Arc) into each worker.
    let policy = match Cors::default()
        .allowed_origin("https://app.example.com")
        .allowed_origin("http://localhost:8080")
        .allowed_methods(["GET", "POST", "PUT", "DELETE"])
        .allowed_headers(["content-type", "x-api-key"])
        .expose_headers(["x-request-id"])
        .supports_credentials()
        .allow_private_network_access()
        .max_age(600)
        .build()
    {
        Ok(policy) => policy,
        Err(err) => {
            eprintln!("invalid CORS policy: {err}");
            std::process::exit(2);
        }
    };

    eprintln!("soak_server listening on {addr} with {workers} worker(s)");
    HttpServer::new(move || {
        App::new()
            .wrap(policy.clone())
            .default_service(web::to(|| async {
                HttpResponse::Ok()
                    .insert_header(("x-request-id", "soak"))
                    .body("ok")
            }))
    })
    .workers(workers)
    .backlog(2048)
    .max_connections(10_000)
    .bind(addr)?
    .run()
    .await
}
