//! Helpers for the roll-out tests (`same_origin.rs`, `rollout.rs`, `outcome.rs`): a real TCP
//! server on 127.0.0.1 and a logger that captures corsair's records.
#![allow(dead_code)]

use std::sync::{Mutex, Once};

use actix_web::{dev::ServerHandle, web, HttpResponse};
use log::{Level, LevelFilter, Log, Metadata, Record};

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
        $crate::rollout_common::Server {
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

struct Capture;
static RECORDS: Mutex<Vec<(Level, String, String)>> = Mutex::new(Vec::new());
static CAPTURE: Capture = Capture;

impl Log for Capture {
    fn enabled(&self, _: &Metadata) -> bool {
        true
    }
    fn log(&self, record: &Record) {
        RECORDS.lock().unwrap().push((
            record.level(),
            record.target().to_owned(),
            record.args().to_string(),
        ));
    }
    fn flush(&self) {}
}

/// Installs the capturing logger (once per test binary), every level on.
pub fn capture_logs() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        log::set_logger(&CAPTURE).expect("no other logger in this binary");
        log::set_max_level(LevelFilter::Trace);
    });
}

/// Every captured corsair record whose message contains `needle`.
pub fn logged(needle: &str) -> Vec<(Level, String)> {
    logged_by("corsair", needle)
}

/// Every captured record of a target starting with `target` whose message contains `needle`.
pub fn logged_by(target: &str, needle: &str) -> Vec<(Level, String)> {
    RECORDS
        .lock()
        .unwrap()
        .iter()
        .filter(|(_, t, msg)| t.starts_with(target) && msg.contains(needle))
        .map(|(level, _, msg)| (*level, msg.clone()))
        .collect()
}
