//! Minimal HTTP server for load tests (`scripts/loadtest.sh`): the same app with no CORS
//! middleware, actix-cors 0.7, or corsair, with equivalent policies (100 exact origins,
//! `https://app0.example.com` … `https://app99.example.com`, credentials, 4 methods,
//! 2 allowed headers, 1 exposed header).
//!
//! ```text
//! cargo run --release -p corsair-bench --bin bench_server -- corsair [127.0.0.1:8099] [workers=1]
//! curl -i -H 'Origin: https://app99.example.com' http://127.0.0.1:8099/
//! ```

mod common;

use std::process::ExitCode;

use actix_web::{web, App, HttpServer};
use common::{Scenario, Variant};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // `corsair-live`: corsair through a `LiveCors` (each worker re-checks the swap cell).
    let live = args.first().is_some_and(|v| v == "corsair-live");
    let Some(variant) = args
        .first()
        .and_then(|v| Variant::parse(if live { "corsair" } else { v }))
    else {
        eprintln!("usage: bench_server none|actix-cors|corsair|corsair-live|identity|floor [ADDR=127.0.0.1:8099] [WORKERS=1]");
        return ExitCode::from(2);
    };
    let addr = args
        .get(1)
        .cloned()
        .unwrap_or_else(|| "127.0.0.1:8099".to_owned());
    let workers: usize = match args.get(2).map(|w| w.parse()).unwrap_or(Ok(1)) {
        Ok(w) if w > 0 => w,
        _ => {
            eprintln!("WORKERS must be a positive integer");
            return ExitCode::from(2);
        }
    };
    if !addr.starts_with("127.") && !addr.starts_with("localhost") && !addr.starts_with("[::1]") {
        eprintln!("refusing to bind {addr}: the benchmark server listens on loopback only");
        return ExitCode::from(2);
    }

    let policy = Scenario::Allowed100;
    let result = actix_rt::System::new().block_on(async move {
        let server = match variant {
            Variant::None => HttpServer::new(|| App::new().route("/", web::to(common::handler)))
                .workers(workers)
                .shutdown_timeout(1)
                .bind(&addr)?
                .run(),
            // actix-cors' `Cors` is not `Send`: each worker builds its own.
            Variant::ActixCors => HttpServer::new(move || {
                App::new()
                    .wrap(common::actix_cors_policy(policy))
                    .route("/", web::to(common::handler))
            })
            .workers(workers)
            .shutdown_timeout(1)
            .bind(&addr)?
            .run(),
            // A do-nothing middleware: the floor cost of any actix middleware.
            Variant::Identity => HttpServer::new(|| {
                App::new()
                    .wrap(common::Identity)
                    .route("/", web::to(common::handler))
            })
            .workers(workers)
            .shutdown_timeout(1)
            .bind(&addr)?
            .run(),
            // The floor of a CORS middleware on actual requests (`common/floor.rs`).
            Variant::Floor => HttpServer::new(move || {
                App::new()
                    .wrap(common::Floor::new((0..100).map(common::exact_origin)))
                    .route("/", web::to(common::handler))
            })
            .workers(workers)
            .shutdown_timeout(1)
            .bind(&addr)?
            .run(),
            Variant::OneHeader | Variant::FourHeaders => {
                eprintln!("{variant} is a reference for the instruction counts only");
                return Ok(());
            }
            // corsair through `LiveCors`: one swap cell, a cached handle per worker.
            Variant::Corsair if live => {
                let live = common::corsair_policy(policy).live();
                HttpServer::new(move || {
                    App::new()
                        .wrap(live.clone())
                        .route("/", web::to(common::handler))
                })
                .workers(workers)
                .shutdown_timeout(1)
                .bind(&addr)?
                .run()
            }
            // corsair: build and validate once, clone (an `Arc`) into each worker.
            Variant::Corsair => {
                let cors = common::corsair_policy(policy);
                HttpServer::new(move || {
                    App::new()
                        .wrap(cors.clone())
                        .route("/", web::to(common::handler))
                })
                .workers(workers)
                .shutdown_timeout(1)
                .bind(&addr)?
                .run()
            }
        };
        let variant = if live {
            "corsair-live".to_owned()
        } else {
            variant.to_string()
        };
        eprintln!("bench_server: {variant} listening on http://{addr} ({workers} worker(s))");
        server.await
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench_server: {e}");
            ExitCode::FAILURE
        }
    }
}
