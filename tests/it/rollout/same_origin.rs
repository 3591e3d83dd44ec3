//! Same-origin requests are not CORS requests (issue 14, part 3), over real TCP.
//!
//! Oracle (Fetch standard): a request's origin is its scheme, host and port; a browser sends
//! `Origin` on same-origin `POST`/`PUT`/`DELETE` too, and CORS only governs cross-origin
//! responses. So a request whose `Origin` is the server's own origin (the scheme it was
//! reached with plus the `Host` it was sent to) must be served normally even when blocking
//! is on, be neither refused nor logged as refused, and carry no `Access-Control-Allow-*`.
//! `Forwarded` / `X-Forwarded-*` only count when the direct peer is a named trusted proxy.

use std::net::{IpAddr, Ipv4Addr};

use crate::common::{
    logs::{capture_logs, logged},
    server::{routes, two_worker_server, Server},
};
use actix_web::{http::StatusCode, App};
use awc::Client;
use corsair::{Cors, CorsPolicy};

fn strict() -> Cors {
    Cors::default()
        .allowed_origin("https://app.example.com")
        .allowed_methods(["GET", "POST"])
        .block_on_origin_mismatch(true)
}

async fn post(
    client: &Client,
    base: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, Vec<(String, String)>) {
    let mut req = client.post(format!("{base}/x"));
    for (name, value) in headers {
        req = req.insert_header((*name, *value));
    }
    let res = req.send_body("payload").await.expect("request sent");
    let headers = res
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap().to_owned()))
        .collect();
    (res.status(), headers)
}

fn allow_headers(headers: &[(String, String)]) -> Vec<&str> {
    headers
        .iter()
        .filter(|(k, _)| k.starts_with("access-control-allow-"))
        .map(|(k, _)| k.as_str())
        .collect()
}

fn serve_policy(policy: CorsPolicy) -> Server {
    two_worker_server(move || App::new().wrap(policy.clone()).configure(routes))
}

#[actix_rt::test]
async fn same_origin_post_is_served_with_blocking_on_and_not_counted_as_refused() {
    capture_logs();
    let policy = strict().build().unwrap();
    let server = serve_policy(policy.clone());
    let client = Client::default();
    let own = server.base.clone(); // awc sends `Host: 127.0.0.1:PORT`

    let (status, headers) = post(&client, &server.base, &[("Origin", &own)]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(allow_headers(&headers), Vec::<&str>::new());
    assert!(
        headers
            .iter()
            .any(|(k, v)| k == "vary" && v.contains("Origin")),
        "the answer differs for other origins, so it still varies on Origin: {headers:?}"
    );
    assert_eq!(policy.counts().same_origin(), 1);
    assert_eq!(policy.counts().refused_total(), 0);
    assert!(
        logged(&format!("from `{own}` refused")).is_empty(),
        "a same-origin request is never logged as refused"
    );
    server.stop().await;
}

#[actix_rt::test]
async fn issue_scenario_page_on_api_host_posts_to_api() {
    let server = serve_policy(strict().build().unwrap());
    let client = Client::default();
    let (status, headers) = post(
        &client,
        &server.base,
        &[
            ("Host", "api.example.com"),
            ("Origin", "http://api.example.com"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(allow_headers(&headers).is_empty());
    // Host with the scheme's default port names the same origin.
    let (status, _) = post(
        &client,
        &server.base,
        &[
            ("Host", "api.example.com:80"),
            ("Origin", "http://api.example.com"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    server.stop().await;
}

#[actix_rt::test]
async fn other_origins_are_still_blocked() {
    let server = serve_policy(strict().build().unwrap());
    let client = Client::default();
    let other_port = format!("http://127.0.0.1:{}", server.port.wrapping_add(1));
    let other_scheme = format!("https://127.0.0.1:{}", server.port);
    for origin in [
        "http://evil.example",
        other_port.as_str(),
        other_scheme.as_str(),
        "http://127.0.0.1",
        "null",
    ] {
        let (status, headers) = post(&client, &server.base, &[("Origin", origin)]).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{origin} is cross-origin");
        assert!(allow_headers(&headers).is_empty(), "{origin}: {headers:?}");
    }
    // The allowed cross-origin caller still gets its headers.
    let (status, headers) = post(
        &client,
        &server.base,
        &[("Origin", "https://app.example.com")],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(allow_headers(&headers).contains(&"access-control-allow-origin"));
    server.stop().await;
}

#[actix_rt::test]
async fn an_allowed_same_origin_request_gets_no_allow_headers_it_does_not_need() {
    let server = serve_policy(Cors::default().allow_any_origin().build().unwrap());
    let client = Client::default();
    let own = server.base.clone();
    let (status, headers) = post(&client, &server.base, &[("Origin", &own)]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(allow_headers(&headers).is_empty(), "{headers:?}");
    let (_, headers) = post(&client, &server.base, &[("Origin", "https://x.example")]).await;
    assert_eq!(allow_headers(&headers), ["access-control-allow-origin"]);
    server.stop().await;
}

#[actix_rt::test]
async fn forwarded_headers_are_ignored_unless_the_peer_is_a_trusted_proxy() {
    let client = Client::default();
    let behind_proxy: [&[(&str, &str)]; 2] = [
        &[
            ("X-Forwarded-Proto", "https"),
            ("X-Forwarded-Host", "api.example.com"),
            ("Origin", "https://api.example.com"),
        ],
        &[
            (
                "Forwarded",
                "for=1.2.3.4;proto=https;host=\"api.example.com\", for=10.0.0.1",
            ),
            ("Origin", "https://api.example.com"),
        ],
    ];

    // Nobody trusted: the headers prove nothing, the origin is cross-origin.
    let untrusted = serve_policy(strict().build().unwrap());
    // A trusted proxy, but not the peer (127.0.0.1).
    let other_proxy = serve_policy(
        strict()
            .trusted_proxies([IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1))])
            .build()
            .unwrap(),
    );
    for server in [&untrusted, &other_proxy] {
        for headers in behind_proxy {
            let (status, _) = post(&client, &server.base, headers).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{headers:?}");
        }
    }

    // The peer is the trusted proxy: its headers name the request's own origin.
    let trusted = serve_policy(
        strict()
            .trusted_proxies([IpAddr::V4(Ipv4Addr::LOCALHOST)])
            .build()
            .unwrap(),
    );
    for headers in behind_proxy {
        let (status, got) = post(&client, &trusted.base, headers).await;
        assert_eq!(status, StatusCode::OK, "{headers:?}");
        assert!(allow_headers(&got).is_empty());
    }
    // Behind the trusted proxy, the direct Host no longer names the origin.
    let (status, _) = post(
        &client,
        &trusted.base,
        &[
            ("X-Forwarded-Proto", "https"),
            ("X-Forwarded-Host", "api.example.com"),
            ("Origin", &trusted.base.clone()),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    for server in [untrusted, other_proxy, trusted] {
        server.stop().await;
    }
}

#[actix_rt::test]
async fn a_preflight_from_the_own_origin_is_still_decided_by_the_policy() {
    let server = serve_policy(strict().build().unwrap());
    let res = Client::default()
        .request(
            actix_web::http::Method::OPTIONS,
            format!("{}/x", server.base),
        )
        .insert_header(("Origin", server.base.as_str()))
        .insert_header(("Access-Control-Request-Method", "PUT"))
        .send()
        .await
        .unwrap();
    // Browsers never preflight same-origin requests; this one is refused like any other.
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res.headers().get("access-control-allow-origin").is_none());
    server.stop().await;
}
