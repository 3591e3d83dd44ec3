//! A real TCP server on 127.0.0.1 with two workers, for the tests that need one: whatever is
//! per worker (each worker builds its own app) only shows with two of them.
#![allow(dead_code)]

use std::{fmt, io, net::SocketAddr};

use actix_http::{body::MessageBody, Request, Response};
use actix_service::{IntoServiceFactory, Service, ServiceFactory};
use actix_web::{
    dev::{AppConfig, ServerHandle},
    web, HttpResponse, HttpServer,
};

/// A running server: its address, base URL (`http://127.0.0.1:PORT`) and a handle to stop it.
pub struct Server {
    pub addr: SocketAddr,
    pub base: String,
    pub port: u16,
    pub handle: ServerHandle,
    running: actix_rt::task::JoinHandle<io::Result<()>>,
}

impl Server {
    /// Stops the server, letting requests in flight finish.
    pub async fn stop(self) {
        self.handle.stop(true).await;
    }

    /// Waits until the server exits by itself: `Err` if its workers failed to start.
    pub async fn exit(self) -> io::Result<()> {
        self.running.await.expect("the server task ran to its end")
    }
}

/// Starts an `HttpServer` on 127.0.0.1 with two workers, each serving the app `factory`
/// builds (`factory` runs once per worker, as in production).
pub fn two_worker_server<F, I, S, B>(factory: F) -> Server
where
    F: Fn() -> I + Send + Clone + 'static,
    I: IntoServiceFactory<S, Request>,
    S: ServiceFactory<Request, Config = AppConfig> + 'static,
    S::Error: Into<actix_web::Error> + 'static,
    S::InitError: fmt::Debug,
    S::Response: Into<Response<B>> + 'static,
    <S::Service as Service<Request>>::Future: 'static,
    S::Service: 'static,
    B: MessageBody + 'static,
{
    let server = HttpServer::new(factory)
        .workers(2)
        .disable_signals()
        .bind(("127.0.0.1", 0))
        .expect("a free port on 127.0.0.1");
    let addr = server.addrs()[0];
    let server = server.run();
    let handle = server.handle();
    Server {
        addr,
        base: format!("http://{addr}"),
        port: addr.port(),
        handle,
        running: actix_rt::spawn(server),
    }
}

/// The handler every roll-out test serves.
pub async fn ok() -> HttpResponse {
    HttpResponse::Ok().body("ok")
}

/// Routes `/x` (any method) to [`ok`].
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/x", web::to(ok));
}

/// A handler that names the worker thread that answered, in `x-worker`.
pub async fn worker_id() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("x-worker", format!("{:?}", std::thread::current().id())))
        .finish()
}
