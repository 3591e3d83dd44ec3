//! Cross-origin protection for a same-origin app with session cookies (no CORS at all), with
//! exemptions by scoping: only the scopes to protect are wrapped, and `/webhooks` (called by
//! a payment provider's servers, and checked by its own signature) is left outside.
//!
//! ```sh
//! cargo run --example csrf
//! # open http://127.0.0.1:8080/ and submit the form: same-origin, it passes
//! # a form on another site posting here: refused before the handler runs
//! curl -si http://127.0.0.1:8080/account/email -H 'Origin: https://evil.example' \
//!   -H 'Sec-Fetch-Site: cross-site' -d email=attacker@evil.example
//! # the webhook is outside the guard
//! curl -si http://127.0.0.1:8080/webhooks/payments -H 'Origin: https://evil.example' -d '{}'
//! # what the guard did
//! curl -s http://127.0.0.1:8080/stats
//! ```
//!
//! `REPORT_ONLY=1` runs the guard report-only: it refuses nothing and logs (at `debug`) and
//! counts what it would refuse. `PORT` sets the port (default 8080). Logs go to stderr; by
//! default `warn,corsair=debug`.

use actix_web::{web, App, HttpResponse, HttpServer};
use corsair::{CrossOriginGuard, CrossOriginProtection};

/// The form, posting to its own origin.
const PAGE: &str = r#"<!doctype html><meta charset="utf-8"><title>corsair csrf</title>
<form method="post" action="/account/email">
  <input name="email" value="me@example.com"> <button>Change e-mail</button>
</form>"#;

/// The app: the guarded scope and the exempt one.
fn app(
    guard: CrossOriginGuard,
) -> App<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let stats = guard.clone();
    App::new()
        // Exempt: registered first, so it is matched before the catch-all scope below.
        .service(web::scope("/webhooks").route(
            "/payments",
            web::post().to(|| async { HttpResponse::Ok().body("webhook received\n") }),
        ))
        // Everything else is guarded.
        .service(
            web::scope("")
                .wrap(guard)
                .route(
                    "/",
                    web::get().to(|| async {
                        HttpResponse::Ok()
                            .content_type("text/html; charset=utf-8")
                            .body(PAGE)
                    }),
                )
                .route(
                    "/account/email",
                    web::post().to(|| async { HttpResponse::Ok().body("e-mail changed\n") }),
                )
                .route(
                    "/stats",
                    web::get().to(move || {
                        let counts = stats.counts();
                        async move {
                            HttpResponse::Ok().body(format!(
                                "looked at {} write(s): {} refused, {} would be refused (report-only)\n",
                                counts.total(),
                                counts.refused_total(),
                                counts.would_refuse_total()
                            ))
                        }
                    }),
                ),
        )
}

#[actix_web::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    env_logger::Builder::from_env(
        env_logger::Env::default().default_filter_or("warn,corsair=debug"),
    )
    .init();
    let mut protection = CrossOriginProtection::default();
    if std::env::var("REPORT_ONLY").as_deref() == Ok("1") {
        protection = protection.report_only();
    }
    // Built once: every problem is reported here, and every worker shares the counters.
    let guard = protection.build()?;
    let port: u16 = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(8080);
    println!("csrf example on http://127.0.0.1:{port}/ (/account/email guarded, /webhooks exempt)");
    HttpServer::new(move || app(guard.clone()))
        .bind(("127.0.0.1", port))?
        .run()
        .await?;
    Ok(())
}
