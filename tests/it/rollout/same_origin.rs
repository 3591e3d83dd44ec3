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

// ---------------------------------------------------------------------------------------------
// Behind real proxies (issue 22, part 3).
// ---------------------------------------------------------------------------------------------

/// RFC 7239 §5.3: `host=` carries the `Host` the client sent, and a proxy may leave it out;
/// then the request's own host is its `Host` header, as in the `X-Forwarded-*` path and
/// actix-web's `ConnectionInfo`.
#[actix_rt::test]
async fn forwarded_proto_without_host_falls_back_to_the_host_header() {
    let trusted = serve_policy(
        strict()
            .trusted_proxies([IpAddr::V4(Ipv4Addr::LOCALHOST)])
            .build()
            .unwrap(),
    );
    let client = Client::default();
    for forwarded in [
        "for=1.2.3.4;proto=https",
        "for=1.2.3.4;proto=https, for=10.0.0.1;proto=http",
        "For=\"[2001:db8::1]\"; Proto=https",
    ] {
        let (status, got) = post(
            &client,
            &trusted.base,
            &[
                ("Forwarded", forwarded),
                ("Host", "api.example.com"),
                ("Origin", "https://api.example.com"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::OK, "Forwarded: {forwarded}");
        assert!(allow_headers(&got).is_empty(), "{got:?}");
        // The proxy said https: the plain-http page of that host is another origin.
        let (status, _) = post(
            &client,
            &trusted.base,
            &[
                ("Forwarded", forwarded),
                ("Host", "api.example.com"),
                ("Origin", "http://api.example.com"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "Forwarded: {forwarded}");
    }
    // A `Forwarded` host still wins over `Host`.
    let (status, _) = post(
        &client,
        &trusted.base,
        &[
            ("Forwarded", "proto=https;host=api.example.com"),
            ("Host", "internal:8080"),
            ("Origin", "https://api.example.com"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    trusted.stop().await;
}

#[actix_rt::test]
async fn trusted_proxy_ranges_match_the_peer_inside_them_and_not_outside() {
    let behind_proxy: &[(&str, &str)] = &[
        ("X-Forwarded-Proto", "https"),
        ("X-Forwarded-Host", "api.example.com"),
        ("Origin", "https://api.example.com"),
    ];
    let client = Client::default();
    // The peer is 127.0.0.1.
    for (ranges, trusted) in [
        (&["127.0.0.0/8"][..], true),
        (&["10.0.0.0/8", "127.0.0.1/32"][..], true),
        (&["::ffff:127.0.0.0/104"][..], true),
        (&["::/0"][..], true),
        (&["10.0.0.0/8", "fd00::/8"][..], false),
        (&["128.0.0.0/1"][..], false),
        (&["::1/128"][..], false),
    ] {
        let server = serve_policy(
            strict()
                .trusted_proxies(ranges.iter().copied())
                .build()
                .unwrap(),
        );
        let (status, _) = post(&client, &server.base, behind_proxy).await;
        let want = if trusted {
            StatusCode::OK
        } else {
            StatusCode::FORBIDDEN
        };
        assert_eq!(status, want, "trusted_proxies({ranges:?})");
        server.stop().await;
    }
}

/// A server bound to `[::]` accepts IPv4 clients as IPv4-mapped IPv6 peers
/// (`::ffff:127.0.0.1`, RFC 4291 §2.5.5.2); `trusted_proxies([127.0.0.1])` must still match.
#[actix_rt::test]
async fn a_trusted_ipv4_proxy_matches_on_a_dual_stack_listener() {
    let policy = strict()
        .trusted_proxies([IpAddr::V4(Ipv4Addr::LOCALHOST)])
        .build()
        .unwrap();
    let server =
        actix_web::HttpServer::new(move || App::new().wrap(policy.clone()).configure(routes))
            .workers(1)
            .disable_signals();
    let server = match server.bind(("::", 0)) {
        Ok(server) => server,
        Err(e) => {
            println!("skipped: cannot bind [::] here ({e})");
            return;
        }
    };
    let port = server.addrs()[0].port();
    let server = server.run();
    let handle = server.handle();
    actix_rt::spawn(server);
    let base = format!("http://127.0.0.1:{port}");
    let client = Client::default();
    let Ok(probe) = client.get(format!("{base}/x")).send().await else {
        println!("skipped: [::] does not accept IPv4 clients here (IPV6_V6ONLY)");
        handle.stop(true).await;
        return;
    };
    assert_eq!(probe.status(), StatusCode::OK);
    let (status, _) = post(
        &client,
        &base,
        &[
            ("X-Forwarded-Proto", "https"),
            ("X-Forwarded-Host", "api.example.com"),
            ("Origin", "https://api.example.com"),
        ],
    )
    .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the mapped peer is the trusted proxy"
    );
    handle.stop(true).await;
}

/// Behind a TLS terminator nobody named, the app listens on plain HTTP. The page the app is
/// served at is `https://api.example.com`; `http://api.example.com` is another origin (RFC
/// 6454: the scheme is part of it), one a network attacker can serve.
#[actix_rt::test]
async fn a_declared_public_origin_is_what_same_origin_compares_against() {
    let client = Client::default();
    let https_page = [
        ("Host", "api.example.com"),
        ("Origin", "https://api.example.com"),
    ];
    let http_page = [
        ("Host", "api.example.com"),
        ("Origin", "http://api.example.com"),
    ];

    // Guessing from the plain listener gets both wrong.
    let guessing = serve_policy(strict().build().unwrap());
    assert_eq!(
        post(&client, &guessing.base, &https_page).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        post(&client, &guessing.base, &http_page).await.0,
        StatusCode::OK
    );
    guessing.stop().await;

    let declared = serve_policy(
        strict()
            .public_origin("https://api.example.com")
            .build()
            .unwrap(),
    );
    let (status, got) = post(&client, &declared.base, &https_page).await;
    assert_eq!(status, StatusCode::OK);
    assert!(allow_headers(&got).is_empty(), "same-origin: {got:?}");
    assert_eq!(
        post(&client, &declared.base, &http_page).await.0,
        StatusCode::FORBIDDEN
    );
    // Declared origins replace the guess: the listener's own origin is no longer same-origin.
    let own = declared.base.clone();
    assert_eq!(
        post(&client, &declared.base, &[("Origin", &own)]).await.0,
        StatusCode::FORBIDDEN
    );
    // Several may be declared; proxies' headers are not consulted then.
    let several = serve_policy(
        strict()
            .public_origin("https://api.example.com")
            .public_origin("https://api.example.org")
            .trusted_proxies([IpAddr::V4(Ipv4Addr::LOCALHOST)])
            .build()
            .unwrap(),
    );
    let (status, _) = post(
        &client,
        &several.base,
        &[
            ("Host", "whatever:8080"),
            ("Origin", "https://api.example.org"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = post(
        &client,
        &several.base,
        &[
            ("X-Forwarded-Proto", "https"),
            ("X-Forwarded-Host", "other.example.com"),
            ("Origin", "https://other.example.com"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    declared.stop().await;
    several.stop().await;
}

#[actix_rt::test]
async fn blocking_without_a_public_origin_or_trusted_proxy_warns_at_build() {
    capture_logs();
    let needle = "declare the app's own origin with `.public_origin(";
    strict().build().unwrap();
    assert!(
        logged(needle)
            .iter()
            .any(|(level, _)| *level == log::Level::Warn),
        "a blocking policy that guesses its own origin says so at start-up"
    );
}
