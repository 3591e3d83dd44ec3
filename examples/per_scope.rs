//! Per-scope policies in one app: a strict, credentialed `/api`; a public `/assets` that
//! answers `*`; and `/internal`, with no CORS at all.
//!
//! ```sh
//! cargo run --example per_scope
//! curl -si http://127.0.0.1:8080/api/me -H 'Origin: http://localhost:5173'
//! curl -si http://127.0.0.1:8080/assets/logo.svg -H 'Origin: https://anyone.example'
//! curl -si http://127.0.0.1:8080/internal/health -H 'Origin: http://localhost:5173'
//! curl -si http://127.0.0.1:8080/api/me -H 'Origin: http://localhost:5174'   # refused: see the log
//! ```
//!
//! Logs go to stderr through `env_logger`: `RUST_LOG` sets the filter, by default
//! `warn,corsair=debug`, which shows why each request was refused.

use actix_web::{web, App, HttpResponse, HttpServer};
use corsair::Cors;

#[actix_web::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // `RUST_LOG` as usual; by default corsair says why it refused each request.
    env_logger::Builder::from_env(
        env_logger::Env::default().default_filter_or("warn,corsair=debug"),
    )
    .init();
    // Build once (all problems reported here), clone into each worker.
    let api = Cors::default()
        .allowed_origin("http://localhost:5173")
        .allowed_origin("https://app.example.com")
        .allowed_methods(["GET", "POST", "DELETE"])
        .allowed_header("content-type")
        .supports_credentials()
        .build()?;
    let assets = Cors::default().allow_any_origin().send_wildcard().build()?;

    let port: u16 = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(8080);
    println!(
        "per_scope example on http://127.0.0.1:{port}: /api/me, /assets/logo.svg, /internal/health"
    );
    HttpServer::new(move || {
        App::new()
            .service(web::scope("/api").wrap(api.clone()).route(
                "/me",
                web::get().to(|| async { HttpResponse::Ok().json(["me"]) }),
            ))
            .service(web::scope("/assets").wrap(assets.clone()).route(
                "/logo.svg",
                web::get().to(|| async {
                    HttpResponse::Ok()
                        .content_type("image/svg+xml")
                        .body("<svg/>")
                }),
            ))
            .service(web::scope("/internal").route(
                "/health",
                web::get().to(|| async { HttpResponse::Ok().body("ok") }),
            ))
    })
    .bind(("127.0.0.1", port))?
    .run()
    .await?;
    Ok(())
}
