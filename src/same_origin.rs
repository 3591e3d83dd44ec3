//! Same-origin requests are not CORS requests.
//!
//! Browsers send `Origin` on same-origin `POST`, `PUT` and `DELETE` too. A request whose
//! `Origin` is the request's own origin (its scheme plus its `Host` authority) is passed
//! through untouched: never blocked, never logged as refused, no `Access-Control-Allow-*`.
//! Behind proxies, `Forwarded` / `X-Forwarded-Proto` / `X-Forwarded-Host` are read only when
//! the direct peer is one of the proxies named with
//! [`Cors::trusted_proxies`](crate::Cors::trusted_proxies).
//!
//! Spoofing `Host` gains nothing: a script cannot set `Host` or `Origin`, so a browser's
//! cross-origin request always carries the real host and its real, different, origin.

use std::net::IpAddr;

use actix_web::{
    dev::RequestHead,
    http::header::{self, HeaderName},
};

const X_FORWARDED_PROTO: HeaderName = HeaderName::from_static("x-forwarded-proto");
const X_FORWARDED_HOST: HeaderName = HeaderName::from_static("x-forwarded-host");

/// True when `origin` (the request's single `Origin` value) is the request's own origin.
/// `secure`: whether the request reached this listener over TLS (asked only when needed).
///
/// Cheapest test first: without trusted proxies, an `Origin` whose scheme is not the
/// listener's (an `https://` page calling an app that sees plain HTTP behind TLS termination,
/// the usual cross-origin request) is answered inline, without looking `Host` up.
#[inline]
pub(crate) fn is_own_origin(
    origin: &[u8],
    trusted: &[IpAddr],
    head: &RequestHead,
    secure: impl FnOnce() -> bool,
) -> bool {
    if trusted.is_empty() {
        let scheme = listener_scheme(secure);
        return has_scheme(origin, scheme) && is_direct_origin(origin, scheme, head);
    }
    let behind_trusted_proxy = head
        .peer_addr
        .is_some_and(|peer| trusted.contains(&peer.ip()));
    if behind_trusted_proxy {
        if let Some((scheme, host)) = forwarded(head) {
            return host.is_some_and(|host| matches(origin, scheme, host));
        }
    }
    let scheme = listener_scheme(secure);
    has_scheme(origin, scheme) && is_direct_origin(origin, scheme, head)
}

/// `https` or `http`: the scheme the request reached this listener with.
#[inline]
fn listener_scheme(secure: impl FnOnce() -> bool) -> &'static [u8] {
    if secure() {
        b"https"
    } else {
        b"http"
    }
}

/// `origin` starts with `scheme` and `://` (the scheme as browsers serialize it: lower case).
#[inline]
fn has_scheme(origin: &[u8], scheme: &[u8]) -> bool {
    origin
        .strip_prefix(scheme)
        .is_some_and(|rest| rest.starts_with(b"://"))
}

/// `origin` is `scheme` plus the request's `Host` authority.
#[inline(never)]
fn is_direct_origin(origin: &[u8], scheme: &[u8], head: &RequestHead) -> bool {
    direct_host(head).is_some_and(|host| matches(origin, scheme, host))
}

/// The `Host` authority (or the URI's, in HTTP/2).
fn direct_host(head: &RequestHead) -> Option<&[u8]> {
    head.headers
        .get(header::HOST)
        .map(|h| h.as_bytes())
        .or_else(|| head.uri.authority().map(|a| a.as_str().as_bytes()))
}

/// Scheme and host as told by a trusted proxy: `Forwarded` first, then `X-Forwarded-*`.
/// The first (client-facing) element of each list is the one that counts.
fn forwarded(head: &RequestHead) -> Option<(&[u8], Option<&[u8]>)> {
    if let Some(value) = head.headers.get(header::FORWARDED) {
        let first = value.as_bytes().split(|b| *b == b',').next()?;
        let (mut proto, mut host) = (None, None);
        for pair in first.split(|b| *b == b';') {
            let pair = pair.trim_ascii();
            let Some(eq) = pair.iter().position(|b| *b == b'=') else {
                continue;
            };
            let (key, value) = (&pair[..eq], unquote(&pair[eq + 1..]));
            if key.eq_ignore_ascii_case(b"proto") {
                proto = Some(value);
            } else if key.eq_ignore_ascii_case(b"host") {
                host = Some(value);
            }
        }
        if proto.is_some() || host.is_some() {
            return Some((proto.unwrap_or(b"http"), host));
        }
    }
    let first = |name| {
        head.headers
            .get(name)
            .and_then(|v| v.as_bytes().split(|b| *b == b',').next())
            .map(|v| v.trim_ascii())
    };
    let proto = first(X_FORWARDED_PROTO);
    let host = first(X_FORWARDED_HOST);
    if proto.is_none() && host.is_none() {
        return None;
    }
    let host = host.or_else(|| head.headers.get(header::HOST).map(|h| h.as_bytes()));
    Some((proto.unwrap_or(b"http"), host))
}

fn unquote(v: &[u8]) -> &[u8] {
    v.strip_prefix(b"\"")
        .and_then(|v| v.strip_suffix(b"\""))
        .unwrap_or(v)
}

/// `origin == scheme "://" host`, with hosts compared case-insensitively and the scheme's
/// default port, if `host` names it, ignored (browsers never serialize a default port).
fn matches(origin: &[u8], scheme: &[u8], host: &[u8]) -> bool {
    let host = host.trim_ascii();
    let scheme = if scheme.eq_ignore_ascii_case(b"https") {
        &b"https"[..]
    } else if scheme.eq_ignore_ascii_case(b"http") {
        &b"http"[..]
    } else {
        return false;
    };
    let Some(rest) = origin
        .strip_prefix(scheme)
        .and_then(|r| r.strip_prefix(b"://"))
    else {
        return false;
    };
    let default_port: &[u8] = if scheme == b"https" { b":443" } else { b":80" };
    let host = host.strip_suffix(default_port).unwrap_or(host);
    !host.is_empty() && rest.eq_ignore_ascii_case(host)
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn origin_equal_to_scheme_and_host_is_same_origin() {
        assert!(matches(
            b"http://api.example.com",
            b"http",
            b"api.example.com"
        ));
        assert!(matches(
            b"http://api.example.com",
            b"http",
            b"API.example.com:80"
        ));
        assert!(matches(b"https://a.com:8443", b"https", b"a.com:8443"));
    }

    #[test]
    fn other_scheme_port_or_host_is_not_same_origin() {
        assert!(!matches(
            b"https://api.example.com",
            b"http",
            b"api.example.com"
        ));
        assert!(!matches(
            b"http://api.example.com:81",
            b"http",
            b"api.example.com"
        ));
        assert!(!matches(
            b"http://api.example.com",
            b"http",
            b"api.example.com.evil"
        ));
        assert!(!matches(b"http://evil.com", b"http", b"api.example.com"));
        assert!(!matches(b"http://", b"http", b""));
        assert!(!matches(b"null", b"http", b"null"));
    }
}
