//! Over real TCP: what the bytes on the wire look like (one `Vary` field, no duplicated CORS
//! headers, duplicate `Origin` refused), with a raw HTTP/1.1 client and with `awc`.

use std::{net::SocketAddr, sync::mpsc, thread};

use actix_web::{dev::ServerHandle, http::header, web, App, HttpResponse, HttpServer};
use corsair::Cors;

use crate::common::raw_http::{self, values};

/// A running server on a free loopback port; stopped on drop.
struct Server {
    addr: SocketAddr,
    handle: ServerHandle,
    thread: Option<thread::JoinHandle<()>>,
}

impl Server {
    fn start() -> Server {
        let (tx, rx) = mpsc::channel();
        let thread = thread::spawn(move || {
            actix_rt::System::new().block_on(async move {
                let policy = Cors::default()
                    .allowed_origin("https://app.example.com")
                    .allowed_methods(["GET", "PUT"])
                    .allowed_header("x-api-key")
                    .supports_credentials()
                    .build()
                    .expect("valid policy");
                let server = HttpServer::new(move || {
                    App::new()
                        .wrap(policy.clone())
                        .route(
                            "/vary",
                            web::get().to(|| async {
                                HttpResponse::Ok()
                                    .insert_header((header::VARY, "Accept-Encoding"))
                                    .body("v")
                            }),
                        )
                        .route(
                            "/self-cors",
                            // A handler that (wrongly) sets its own CORS header.
                            web::get().to(|| async {
                                HttpResponse::Ok()
                                    .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"))
                                    .finish()
                            }),
                        )
                        .route(
                            "/",
                            web::get().to(|| async { HttpResponse::Ok().body("root") }),
                        )
                })
                .workers(1)
                .bind(("127.0.0.1", 0))
                .expect("bind loopback");
                let addr = server.addrs()[0];
                let server = server.run();
                tx.send((addr, server.handle())).unwrap();
                server.await.unwrap();
            });
        });
        let (addr, handle) = rx.recv().expect("server started");
        Server {
            addr,
            handle,
            thread: Some(thread),
        }
    }

    /// Sends raw request lines, returns (status line, header lines, body).
    fn raw(&self, request_head: &str) -> (String, Vec<(String, String)>, String) {
        raw_http::exchange(self.addr, request_head)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let handle = self.handle.clone();
        actix_rt::System::new().block_on(handle.stop(true));
        if let Some(t) = self.thread.take() {
            t.join().unwrap();
        }
    }
}

#[test]
fn vary_is_one_merged_field_on_the_wire() {
    let server = Server::start();
    let (status, headers, body) =
        server.raw("GET /vary HTTP/1.1\r\nOrigin: https://app.example.com\r\n");
    assert!(status.starts_with("HTTP/1.1 200"), "{status}");
    assert_eq!(values(&headers, "vary"), ["Accept-Encoding, Origin"]);
    assert_eq!(
        values(&headers, "access-control-allow-origin"),
        ["https://app.example.com"]
    );
    assert_eq!(body, "v");
}

#[test]
fn cors_headers_appear_once_even_if_the_handler_set_one() {
    let server = Server::start();
    let (_, headers, _) =
        server.raw("GET /self-cors HTTP/1.1\r\nOrigin: https://app.example.com\r\n");
    assert_eq!(
        values(&headers, "access-control-allow-origin"),
        ["https://app.example.com"]
    );
    assert_eq!(
        values(&headers, "access-control-allow-credentials"),
        ["true"]
    );
}

#[test]
fn duplicate_origin_headers_on_the_wire_are_refused() {
    let server = Server::start();
    let (status, headers, _) = server.raw(
        "GET / HTTP/1.1\r\nOrigin: https://app.example.com\r\nOrigin: https://evil.example.org\r\n",
    );
    assert!(status.starts_with("HTTP/1.1 200"), "{status}");
    assert!(values(&headers, "access-control-allow-origin").is_empty());
    let (status, headers, body) = server.raw(
        "OPTIONS / HTTP/1.1\r\nOrigin: https://app.example.com\r\nOrigin: https://app.example.com\r\nAccess-Control-Request-Method: PUT\r\n",
    );
    assert!(status.starts_with("HTTP/1.1 400"), "{status}");
    assert!(headers
        .iter()
        .all(|(k, _)| !k.starts_with("access-control-allow-")));
    assert_eq!(body, "");
}

#[test]
fn preflight_on_the_wire_has_each_header_exactly_once() {
    let server = Server::start();
    let (status, headers, body) = server.raw(
        "OPTIONS /anything HTTP/1.1\r\nOrigin: https://app.example.com\r\nAccess-Control-Request-Method: PUT\r\nAccess-Control-Request-Headers: X-Api-Key\r\n",
    );
    assert!(status.starts_with("HTTP/1.1 204"), "{status}");
    for name in [
        "access-control-allow-origin",
        "access-control-allow-credentials",
        "access-control-allow-methods",
        "access-control-allow-headers",
        "access-control-max-age",
        "vary",
    ] {
        assert_eq!(values(&headers, name).len(), 1, "{name}: {headers:?}");
    }
    assert_eq!(
        values(&headers, "access-control-allow-headers"),
        ["x-api-key"]
    );
    assert_eq!(body, "");
}

#[test]
fn awc_client_sees_the_allowed_origin() {
    let server = Server::start();
    let url = format!("http://{}/", server.addr);
    actix_rt::System::new().block_on(async move {
        let res = awc::Client::new()
            .get(url)
            .insert_header(("Origin", "https://app.example.com"))
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.headers().get("access-control-allow-origin").unwrap(),
            "https://app.example.com"
        );
        assert_eq!(res.headers().get("vary").unwrap(), "Origin");
    });
}

#[test]
fn a_server_with_an_invalid_policy_does_not_start() {
    let result = actix_rt::System::new().block_on(async {
        let server = HttpServer::new(|| {
            App::new()
                .wrap(Cors::default().allow_any_origin().supports_credentials())
                .route("/", web::get().to(HttpResponse::Ok))
        })
        .workers(1)
        .bind(("127.0.0.1", 0))
        .unwrap()
        .run();
        server.await
    });
    assert!(result.is_err(), "server must refuse to start");
}
