//! What a misconfigured policy looks like: every problem at once, each with its fix.
//!
//! ```sh
//! cargo run --example misconfigured           # `build()?`: the error lists every problem
//! cargo run --example misconfigured -- --wrap # the builder passed straight to `.wrap()`
//! ```
//!
//! With `--wrap` the invalid builder goes straight to `.wrap()` in a two-worker server, and
//! no logger is installed: corsair prints the problems once, on standard error, and the
//! server refuses to start.

use actix_web::{web, App, HttpResponse, HttpServer};
use corsair::Cors;

fn policy() -> Cors {
    Cors::default()
        .allowed_origin("https://app.example.com/") // trailing slash
        .allowed_origin("app.example.com") // no scheme
        .allowed_origin("http://localhost:5173")
        .allowed_origin("https://api.example.com:443") // default port
        .allowed_methods(["GET", "TRACE"]) // browsers never send TRACE: forbidden by Fetch
        .allow_any_header()
        .max_age(604_800) // a week: no browser honours that
        .supports_credentials()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    if std::env::args().any(|a| a == "--wrap") {
        return serve_with_unbuilt_policy();
    }
    let policy = policy().build()?; // fails here, listing all five problems

    println!("unreachable: {policy:?}");
    Ok(())
}

#[actix_web::main]
async fn serve_with_unbuilt_policy() -> Result<(), Box<dyn std::error::Error>> {
    let server = HttpServer::new(|| {
        App::new()
            .wrap(policy()) // built when each worker starts: fails, so the server does not start
            .route("/", web::get().to(HttpResponse::Ok))
    })
    .workers(2)
    .bind(("127.0.0.1", 0))?
    .run();
    server.await.map_err(|e| {
        format!("the server did not start ({e}); the CORS problems are listed above").into()
    })
}
