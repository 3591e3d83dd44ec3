//! A WebSocket endpoint that only the app's own pages and the allowed frontend can open.
//!
//! A WebSocket handshake is a `GET` that browsers send with `Origin` and without any CORS
//! check: without protection, any website a user visits can open a socket to this server
//! with the user's cookies (cross-site WebSocket hijacking). With
//! `.cross_origin_protection()`, the CORS allowlist decides who may open it too.
//!
//! ```sh
//! cargo run --example websocket
//! # open http://127.0.0.1:8080/ : the page opens /ws and shows the echo
//! # a handshake from another site: refused with 403 before the handler upgrades
//! curl -si http://127.0.0.1:8080/ws -H 'Origin: https://evil.example' \
//!   -H 'Sec-Fetch-Site: cross-site' -H 'Connection: Upgrade' -H 'Upgrade: websocket' \
//!   -H 'Sec-WebSocket-Version: 13' -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=='
//! ```
//!
//! `FRONTEND` names the allowed frontend origin (default `http://localhost:5173`), `PORT` the
//! port (default 8080). Logs go to stderr; by default `warn,corsair=debug`, which says why
//! each request was refused.

use actix_web::{rt, web, App, HttpRequest, HttpResponse, HttpServer};
use actix_ws::Message;
use corsair::Cors;

/// The CORS policy, with cross-origin protection: `frontend` may call the API and open the
/// socket; every other site may do neither.
pub fn policy(frontend: &str) -> Cors {
    Cors::default()
        .allowed_origin(frontend)
        .allowed_methods(["GET", "POST"])
        .allowed_header("content-type")
        .supports_credentials()
        .cross_origin_protection()
}

/// `/ws`: echoes every text message back.
pub async fn echo(req: HttpRequest, body: web::Payload) -> actix_web::Result<HttpResponse> {
    let (response, mut session, mut messages) = actix_ws::handle(&req, body)?;
    rt::spawn(async move {
        while let Some(Ok(message)) = messages.recv().await {
            let sent = match message {
                Message::Text(text) => session.text(text).await,
                Message::Ping(bytes) => session.pong(&bytes).await,
                Message::Close(reason) => {
                    let _ = session.close(reason).await;
                    return;
                }
                _ => Ok(()),
            };
            if sent.is_err() {
                return; // the client has gone
            }
        }
    });
    Ok(response)
}

/// The page: opens `/ws` on its own origin, sends a greeting, shows the echo.
const PAGE: &str = r#"<!doctype html><meta charset="utf-8"><title>corsair websocket</title>
<pre id="log"></pre>
<script>
const log = (line) => { document.getElementById('log').textContent += line + '\n'; };
const ws = new WebSocket(`ws://${location.host}/ws`);
ws.onopen = () => { log('open'); ws.send('hello'); };
ws.onmessage = (e) => log('echo: ' + e.data);
ws.onclose = (e) => log('closed (' + e.code + ')');
</script>"#;

/// `/` (the page) and `/ws` (the socket).
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/",
        web::get().to(|| async {
            HttpResponse::Ok()
                .content_type("text/html; charset=utf-8")
                .body(PAGE)
        }),
    )
    .route("/ws", web::get().to(echo));
}

#[allow(dead_code)] // the browser tests include this file for `policy` and `routes`
#[actix_web::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    env_logger::Builder::from_env(
        env_logger::Env::default().default_filter_or("warn,corsair=debug"),
    )
    .init();
    let frontend = std::env::var("FRONTEND").unwrap_or_else(|_| "http://localhost:5173".into());
    let policy = policy(&frontend).build()?; // every problem reported here, before serving
    let port: u16 = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(8080);
    println!("websocket example on http://127.0.0.1:{port}/ (frontend allowed: {frontend})");
    HttpServer::new(move || App::new().wrap(policy.clone()).configure(routes))
        .bind(("127.0.0.1", port))?
        .run()
        .await?;
    Ok(())
}
