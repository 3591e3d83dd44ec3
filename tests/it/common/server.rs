//! A real TCP server on 127.0.0.1 for the tests that need one (`serve!`).
#![allow(dead_code)]

use actix_web::{dev::ServerHandle, web, HttpResponse};

/// A running server: its base URL (`http://127.0.0.1:PORT`) and a handle to stop it.
pub struct Server {
    pub base: String,
    pub port: u16,
    pub handle: ServerHandle,
}

impl Server {
    pub async fn stop(self) {
        self.handle.stop(true).await;
    }
}

/// Starts an `HttpServer` on 127.0.0.1 (two workers) whose apps `factory` builds.
#[macro_export]
macro_rules! serve {
    ($factory:expr) => {{
        let server = actix_web::HttpServer::new($factory)
            .workers(2)
            .disable_signals()
            .bind(("127.0.0.1", 0))
            .unwrap();
        let port = server.addrs()[0].port();
        let server = server.run();
        let handle = server.handle();
        actix_rt::spawn(server);
        $crate::common::server::Server {
            base: format!("http://127.0.0.1:{port}"),
            port,
            handle,
        }
    }};
}

/// The handler every roll-out test serves.
pub async fn ok() -> HttpResponse {
    HttpResponse::Ok().body("ok")
}

/// Routes `/x` (any method) to [`ok`].
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/x", web::to(ok));
}
