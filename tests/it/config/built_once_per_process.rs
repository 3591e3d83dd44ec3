//! An unbuilt `Cors` given to `.wrap()` inside `HttpServer::new` (whose closure runs once per
//! worker) is built once per process, over real TCP with two workers: one policy summary in
//! the log (one build, so one compile of its regex), both workers serving with it; and an
//! invalid one is reported once, not once per worker.

use std::collections::BTreeSet;

use actix_web::{web, App};
use corsair::Cors;
use log::Level;

use crate::common::{
    logs::{capture_logs as install_logger, lines},
    server::{two_worker_server, worker_id},
};

/// Log lines at `level` that contain `needle`.
fn count(level: Level, needle: &str) -> usize {
    lines()
        .iter()
        .filter(|l| l.level == level && l.message.contains(needle))
        .count()
}

#[actix_rt::test]
async fn two_workers_share_one_build_of_an_unbuilt_cors() {
    install_logger();
    // A max-age no other test uses marks this policy's summary line.
    let cors = || {
        Cors::default()
            .allowed_origin("https://app.example.com")
            .allowed_origin_regex(r"https://preview-[0-9]+\.example\.com")
            .max_age(4242)
    };
    let server = two_worker_server(move || {
        App::new()
            .wrap(cors()) // a new, equal builder in every worker
            .default_service(web::to(worker_id))
    });
    let base = server.base.clone();

    let client = awc::Client::default();
    let mut workers = BTreeSet::new();
    for i in 0..60 {
        // Fresh connections, so both workers get some.
        let client = if i % 2 == 0 {
            awc::Client::default()
        } else {
            client.clone()
        };
        let origin = if i % 3 == 0 {
            "https://preview-17.example.com"
        } else {
            "https://app.example.com"
        };
        let res = client
            .get(&base)
            .insert_header(("Origin", origin))
            .send()
            .await
            .expect("request over TCP");
        assert_eq!(
            res.headers()
                .get("access-control-allow-origin")
                .map(|v| v.to_str().unwrap().to_owned()),
            Some(origin.to_owned()),
        );
        workers.insert(
            res.headers()
                .get("x-worker")
                .unwrap()
                .to_str()
                .unwrap()
                .to_owned(),
        );
    }
    server.stop().await;
    assert_eq!(workers.len(), 2, "both workers served: {workers:?}");
    assert_eq!(
        count(Level::Info, "max-age: 4242 s"),
        1,
        "one policy summary for two workers (so one build and one regex compile)"
    );
}

#[actix_rt::test]
async fn an_invalid_unbuilt_cors_is_reported_once_for_two_workers() {
    install_logger();
    let result = two_worker_server(|| {
        App::new()
            .wrap(
                Cors::default()
                    .allowed_origin("https://once.example.com/")
                    .allow_any_origin()
                    .supports_credentials(),
            )
            .default_service(web::to(worker_id))
    })
    .exit()
    .await;
    assert!(result.is_err(), "the server must not start");
    assert_eq!(
        count(Level::Error, "https://once.example.com/"),
        1,
        "the problems are reported once, not once per worker"
    );
}
