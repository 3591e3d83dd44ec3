//! Sites and Fetch Metadata: which requests are same-origin, same-site or cross-site, which
//! URLs are secure enough to carry `Sec-Fetch-*`, and the values of those headers.
//!
//! Restated from:
//! - HTML, "same site" (<https://html.spec.whatwg.org/multipage/browsers.html#same-site>):
//!   same scheme, and the same host or the same registrable domain (the Public Suffix List,
//!   private section included, as Chromium's `SameDomainOrHost` uses it);
//! - Secure Contexts, "potentially trustworthy URL"
//!   (<https://w3c.github.io/webappsec-secure-contexts/#is-url-trustworthy>): `https`, `wss`,
//!   `127.0.0.0/8`, `::1`, `localhost` and `*.localhost`;
//! - Fetch Metadata (<https://w3c.github.io/webappsec-fetch-metadata/>), "append the Fetch
//!   metadata headers for a request": nothing for a URL that is not potentially trustworthy;
//!   otherwise `Sec-Fetch-Dest`, `Sec-Fetch-Mode`, `Sec-Fetch-Site` and, for a navigation
//!   the user started, `Sec-Fetch-User: ?1`.

/// The scheme and host of a serialized origin (`scheme://host[:port]`), lower case. `ws` and
/// `wss` count as `http` and `https`, as the Fetch standard maps them before it fetches.
fn scheme_host(origin: &str) -> (&str, &str) {
    let (scheme, rest) = origin.split_once("://").unwrap_or(("", origin));
    let host = if let Some(v6) = rest.strip_prefix('[') {
        v6.split(']').next().unwrap_or(v6)
    } else {
        rest.rsplit_once(':').map_or(rest, |(h, _)| h)
    };
    let scheme = match scheme {
        "ws" => "http",
        "wss" => "https",
        s => s,
    };
    (scheme, host)
}

/// Secure Contexts, "potentially trustworthy origin", for a serialized origin.
pub(crate) fn is_potentially_trustworthy(origin: &str) -> bool {
    let (scheme, host) = scheme_host(origin);
    if scheme == "https" {
        return true;
    }
    if let Ok(ip) = host.parse::<std::net::IpAddr>() {
        return ip.is_loopback();
    }
    host == "localhost" || host.ends_with(".localhost")
}

/// The host's registrable domain, or `None` for an IP address or a host that is itself a
/// public suffix (then only the same host is the same site).
fn registrable_domain(host: &str) -> Option<&str> {
    if host.parse::<std::net::IpAddr>().is_ok() {
        return None;
    }
    psl::domain_str(host.trim_end_matches('.'))
}

/// HTML's "same site" for two serialized origins (schemeful, as Chromium compares them).
pub(crate) fn same_site(a: &str, b: &str) -> bool {
    let ((sa, ha), (sb, hb)) = (scheme_host(a), scheme_host(b));
    if sa != sb {
        return false;
    }
    if ha == hb {
        return true;
    }
    match (registrable_domain(ha), registrable_domain(hb)) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

/// Fetch Metadata, `Sec-Fetch-Site`: `same-origin` while every URL of the request's URL list
/// (each redirect hop so far) is same-origin with the initiator, else `same-site` while each
/// is same-site, else `cross-site`. (`none`, for a navigation the user typed, is never
/// produced: every request the simulator makes comes from the page.)
pub(crate) fn sec_fetch_site(initiator: &str, url_list: &[String]) -> &'static str {
    let mut value = "same-origin";
    for origin in url_list {
        if origin == initiator {
            continue;
        }
        if same_site(origin, initiator) {
            value = "same-site";
            continue;
        }
        return "cross-site";
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_site_compares_scheme_and_registrable_domain() {
        assert!(same_site("http://localhost:5173", "http://localhost:8080"));
        assert!(same_site(
            "https://app.example.com",
            "https://api.example.com"
        ));
        assert!(same_site(
            "https://a.example.co.uk",
            "https://b.example.co.uk"
        ));
        assert!(!same_site(
            "http://app.example.com",
            "https://app.example.com"
        ));
        assert!(!same_site("https://example.co.uk", "https://other.co.uk"));
        assert!(!same_site(
            "https://alice.github.io",
            "https://bob.github.io"
        ));
        assert!(!same_site("http://127.0.0.1:1", "http://localhost:1"));
        assert!(!same_site("http://a.localhost", "http://b.localhost"));
    }

    #[test]
    fn trustworthy_origins_are_https_and_loopback() {
        for yes in [
            "https://x.example",
            "wss://x.example",
            "http://localhost:8080",
            "http://app.localhost",
            "http://127.0.0.1:1",
            "http://127.9.9.9",
            "http://[::1]:80",
        ] {
            assert!(is_potentially_trustworthy(yes), "{yes}");
        }
        for no in ["http://x.example", "ws://x.example", "http://10.0.0.1"] {
            assert!(!is_potentially_trustworthy(no), "{no}");
        }
    }

    #[test]
    fn sec_fetch_site_takes_the_whole_redirect_chain() {
        let page = "https://app.example.com";
        let own = "https://app.example.com".to_owned();
        let api = "https://api.example.com".to_owned();
        let evil = "https://evil.example".to_owned();
        assert_eq!(
            sec_fetch_site(page, std::slice::from_ref(&own)),
            "same-origin"
        );
        assert_eq!(
            sec_fetch_site(page, &[own.clone(), api.clone()]),
            "same-site"
        );
        assert_eq!(sec_fetch_site(page, &[evil, own]), "cross-site");
    }
}
