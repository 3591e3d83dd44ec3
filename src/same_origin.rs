//! Same-origin requests are not CORS requests.
//!
//! Browsers send `Origin` on same-origin `POST`, `PUT` and `DELETE` too. A request whose
//! `Origin` is the request's own origin is passed through untouched: never blocked, never
//! logged as refused, no `Access-Control-Allow-*`. The request's own origin is, in order:
//! - one of the app's declared public origins ([`Cors::public_origin`](crate::Cors::public_origin)),
//!   when any is declared: nothing is inferred then;
//! - behind a trusted proxy ([`Cors::trusted_proxies`](crate::Cors::trusted_proxies): addresses
//!   or CIDR ranges, compared in canonical form, so `::ffff:127.0.0.1` is `127.0.0.1`), the
//!   scheme and host it forwarded, field by field as actix-web's `ConnectionInfo` reads them:
//!   `Forwarded` (`proto=`, `host=`), then `X-Forwarded-Proto` / `X-Forwarded-Host`, then the
//!   listener's scheme and the `Host` header;
//! - otherwise the listener's scheme plus the `Host` authority.
//!
//! Spoofing `Host` gains nothing: a script cannot set `Host` or `Origin`, so a browser's
//! cross-origin request always carries the real host and its real, different, origin.

use std::{
    fmt,
    net::{IpAddr, Ipv4Addr, Ipv6Addr},
};

use actix_web::{
    dev::RequestHead,
    http::header::{self, HeaderName},
};

use crate::{
    error::{Problem, ProxyFault},
    origin::serialized::parse_origin,
};

const X_FORWARDED_PROTO: HeaderName = HeaderName::from_static("x-forwarded-proto");
const X_FORWARDED_HOST: HeaderName = HeaderName::from_static("x-forwarded-host");

/// One entry of [`Cors::trusted_proxies`](crate::Cors::trusted_proxies): an IP address, or a
/// CIDR range such as `10.0.0.0/8` or `fd00::/8`.
///
/// Made from an [`IpAddr`], [`Ipv4Addr`], [`Ipv6Addr`], `&str` or `String`. A string that is
/// neither an address nor a range is reported by [`Cors::build`](crate::Cors::build)
/// ([`Problem::InvalidTrustedProxy`]), with the other problems. IPv4-mapped IPv6 forms
/// (`::ffff:10.0.0.1`, `::ffff:10.0.0.0/104`) mean their IPv4 address or range, as peers do
/// on a server bound to `[::]`.
///
/// # Example
/// ```
/// use std::net::Ipv4Addr;
/// use corsair::{Cors, TrustedProxy};
/// let proxies: [TrustedProxy; 3] = [
///     Ipv4Addr::LOCALHOST.into(),
///     "10.0.0.0/8".into(),
///     "fd00::/8".into(),
/// ];
/// let cors = Cors::default().allowed_origin("https://app.example.com").trusted_proxies(proxies);
/// assert!(cors.build().is_ok());
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct TrustedProxy(Entry);

#[derive(Clone, PartialEq, Eq)]
enum Entry {
    Range(Range),
    Invalid { written: String, fault: ProxyFault },
}

/// An address range, in canonical form (an IPv4-mapped range is its IPv4 range), with the
/// bits after the prefix cleared.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Range {
    V4 { net: u32, prefix: u8 },
    V6 { net: u128, prefix: u8 },
}

fn mask32(prefix: u8) -> u32 {
    u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0)
}

fn mask128(prefix: u8) -> u128 {
    u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0)
}

impl Range {
    fn of(ip: IpAddr) -> Range {
        match ip.to_canonical() {
            IpAddr::V4(a) => Range::V4 {
                net: a.into(),
                prefix: 32,
            },
            IpAddr::V6(a) => Range::V6 {
                net: a.into(),
                prefix: 128,
            },
        }
    }

    /// True if `ip` (in any form) is in the range.
    #[inline]
    fn contains(self, ip: IpAddr) -> bool {
        match (self, ip.to_canonical()) {
            (Range::V4 { net, prefix }, IpAddr::V4(a)) => u32::from(a) & mask32(prefix) == net,
            (Range::V6 { net, prefix }, IpAddr::V6(a)) => u128::from(a) & mask128(prefix) == net,
            // A range written in IPv6 that covers the mapped block (`::/0`, `::ffff:0:0/96`).
            (Range::V6 { net, prefix }, IpAddr::V4(a)) => {
                u128::from(a.to_ipv6_mapped()) & mask128(prefix) == net
            }
            (Range::V4 { .. }, IpAddr::V6(_)) => false,
        }
    }
}

impl fmt::Display for Range {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Range::V4 { net, prefix } => write!(f, "{}/{prefix}", Ipv4Addr::from(net)),
            Range::V6 { net, prefix } => write!(f, "{}/{prefix}", Ipv6Addr::from(net)),
        }
    }
}

impl fmt::Debug for TrustedProxy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Entry::Range(range) => write!(f, "TrustedProxy({range})"),
            Entry::Invalid { written, .. } => write!(f, "TrustedProxy({written:?}, invalid)"),
        }
    }
}

impl From<IpAddr> for TrustedProxy {
    fn from(ip: IpAddr) -> Self {
        TrustedProxy(Entry::Range(Range::of(ip)))
    }
}

impl From<Ipv4Addr> for TrustedProxy {
    fn from(ip: Ipv4Addr) -> Self {
        IpAddr::V4(ip).into()
    }
}

impl From<Ipv6Addr> for TrustedProxy {
    fn from(ip: Ipv6Addr) -> Self {
        IpAddr::V6(ip).into()
    }
}

impl From<&str> for TrustedProxy {
    fn from(written: &str) -> Self {
        TrustedProxy(match parse_range(written.trim()) {
            Ok(range) => Entry::Range(range),
            Err(fault) => Entry::Invalid {
                written: written.to_owned(),
                fault,
            },
        })
    }
}

impl From<String> for TrustedProxy {
    fn from(written: String) -> Self {
        written.as_str().into()
    }
}

/// `address` or `address/prefix`, with no bits set after the prefix.
fn parse_range(written: &str) -> Result<Range, ProxyFault> {
    let (address, prefix) = match written.split_once('/') {
        Some((address, prefix)) => (address, Some(prefix)),
        None => (written, None),
    };
    let ip: IpAddr = address.parse().map_err(|_| ProxyFault::NotAnAddress)?;
    let Some(prefix) = prefix else {
        return Ok(Range::of(ip));
    };
    let max: u8 = if ip.is_ipv4() { 32 } else { 128 };
    let prefix = prefix
        .bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| prefix.parse::<u8>().ok())
        .flatten()
        .filter(|p| *p <= max)
        .ok_or(ProxyFault::Prefix { max })?;
    let (written_net, bits) = match ip {
        IpAddr::V4(a) => (
            Range::V4 {
                net: u32::from(a) & mask32(prefix),
                prefix,
            },
            u128::from(u32::from(a) & !mask32(prefix)),
        ),
        IpAddr::V6(a) => (
            Range::V6 {
                net: u128::from(a) & mask128(prefix),
                prefix,
            },
            u128::from(a) & !mask128(prefix),
        ),
    };
    if bits != 0 {
        return Err(ProxyFault::HostBits {
            suggestion: written_net.to_string(),
        });
    }
    // `::ffff:a.b.c.d/96+n` is the IPv4 range `a.b.c.d/n`: peers are compared canonically.
    Ok(match (ip, written_net) {
        (IpAddr::V6(a), Range::V6 { prefix, .. }) if prefix >= 96 => match a.to_ipv4_mapped() {
            Some(v4) => Range::V4 {
                net: v4.into(),
                prefix: prefix - 96,
            },
            None => written_net,
        },
        _ => written_net,
    })
}

/// What same-origin detection reads (see the [module docs](self)): the app's declared
/// public origins and its trusted proxies, as the builder recorded them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct SameOriginRule {
    pub(crate) trusted_proxies: Vec<TrustedProxy>,
    /// Validated by [`SameOriginRule::check`] when the policy is built.
    pub(crate) public_origins: Vec<String>,
}

impl SameOriginRule {
    /// Reports every entry that is not an address, range or origin.
    pub(crate) fn check(&self, problems: &mut Vec<Problem>) {
        for proxy in &self.trusted_proxies {
            if let Entry::Invalid { written, fault } = &proxy.0 {
                problems.push(Problem::InvalidTrustedProxy {
                    value: written.clone(),
                    fault: fault.clone(),
                });
            }
        }
        for origin in &self.public_origins {
            if let Err(fault) = parse_origin(origin) {
                problems.push(Problem::InvalidPublicOrigin {
                    value: origin.clone(),
                    fault,
                });
            }
        }
    }

    /// Warns, once per build, when blocking relies on guessing the request's own origin from
    /// the listener and `Host`: behind a TLS terminator nobody named, a plain listener takes
    /// `http://` for its own scheme, so the real `https://` page is blocked while an
    /// `http://` page (which a network attacker can inject) passes as same-origin.
    pub(crate) fn warn_if_guessing(&self, block_on_origin_mismatch: bool) {
        if block_on_origin_mismatch
            && self.public_origins.is_empty()
            && self.trusted_proxies.is_empty()
        {
            log::warn!(
                "corsair: block_on_origin_mismatch(true) recognises same-origin requests from the listener's scheme and the Host header; behind a TLS terminator or proxy that is wrong (a plain listener takes `http://` pages for its own and blocks the real `https://` page): declare the app's own origin with `.public_origin(\"https://api.example.com\")`, or name the proxy with `.trusted_proxies([..])`"
            );
        }
    }

    /// True if `peer` is one of the trusted proxies.
    #[inline]
    fn trusts(&self, peer: IpAddr) -> bool {
        self.trusted_proxies.iter().any(|proxy| match proxy.0 {
            Entry::Range(range) => range.contains(peer),
            Entry::Invalid { .. } => false,
        })
    }
}

/// True when `origin` (the request's single `Origin` value) is the request's own origin.
/// `secure`: whether the request reached this listener over TLS (asked only when needed).
///
/// Cheapest test first: with declared public origins, a comparison with each; without
/// trusted proxies, an `Origin` whose scheme is not the listener's (an `https://` page calling
/// an app that sees plain HTTP behind TLS termination, the usual cross-origin request) is
/// answered inline, without looking `Host` up.
///
/// The usual set-up (neither declared) is tested inline; the others out of line.
#[inline(always)]
pub(crate) fn is_own_origin(
    origin: &[u8],
    rule: &SameOriginRule,
    head: &RequestHead,
    secure: impl FnOnce() -> bool,
) -> bool {
    if rule.public_origins.is_empty() && rule.trusted_proxies.is_empty() {
        let secure = secure();
        let scheme: &'static [u8] = if secure { b"https" } else { b"http" };
        return has_listener_scheme(origin, secure) && is_direct_origin(origin, scheme, head);
    }
    is_own_origin_declared(origin, rule, head, secure)
}

/// [`is_own_origin`] with public origins or trusted proxies declared.
#[inline(never)]
fn is_own_origin_declared(
    origin: &[u8],
    rule: &SameOriginRule,
    head: &RequestHead,
    secure: impl FnOnce() -> bool,
) -> bool {
    if !rule.public_origins.is_empty() {
        return rule
            .public_origins
            .iter()
            .any(|own| own.as_bytes() == origin);
    }
    // Trusted proxies, then (not from one, or it told nothing) as a direct request.
    let secure = secure();
    let scheme: &'static [u8] = if secure { b"https" } else { b"http" };
    let behind_trusted_proxy = head.peer_addr.is_some_and(|peer| rule.trusts(peer.ip()));
    if behind_trusted_proxy {
        if let Some((scheme, host)) = forwarded(head, scheme) {
            return host.is_some_and(|host| matches(origin, scheme, host));
        }
    }
    has_listener_scheme(origin, secure) && is_direct_origin(origin, scheme, head)
}

/// `origin` starts with `https://` (`secure`: the request reached this listener over TLS) or
/// `http://` (the scheme as browsers serialize it: lower case). Each a comparison with a
/// constant: a foreign origin of the other scheme (an `https://` page calling an app behind
/// TLS termination, the usual case) is told apart in a few instructions.
#[inline]
fn has_listener_scheme(origin: &[u8], secure: bool) -> bool {
    if secure {
        origin.starts_with(b"https://")
    } else {
        origin.starts_with(b"http://")
    }
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

/// Scheme and host as told by a trusted proxy, or `None` when it told neither. Each is read
/// on its own, as actix-web's `ConnectionInfo` does: the scheme from `Forwarded`'s `proto=`,
/// else `X-Forwarded-Proto`, else the listener's `scheme`; the host from `Forwarded`'s
/// `host=`, else `X-Forwarded-Host`, else `Host` (a proxy that keeps `Host` need not repeat
/// it). The first (client-facing) element of each list is the one that counts.
fn forwarded<'a>(
    head: &'a RequestHead,
    scheme: &'static [u8],
) -> Option<(&'a [u8], Option<&'a [u8]>)> {
    let (mut proto, mut host) = (None, None);
    if let Some(value) = head.headers.get(header::FORWARDED) {
        let first = value
            .as_bytes()
            .split(|b| *b == b',')
            .next()
            .unwrap_or_default();
        for pair in first.split(|b| *b == b';') {
            let pair = pair.trim_ascii();
            let Some(eq) = pair.iter().position(|b| *b == b'=') else {
                continue;
            };
            let (key, value) = (
                pair[..eq].trim_ascii(),
                unquote(pair[eq + 1..].trim_ascii()),
            );
            if key.eq_ignore_ascii_case(b"proto") && proto.is_none() {
                proto = Some(value);
            } else if key.eq_ignore_ascii_case(b"host") && host.is_none() {
                host = Some(value);
            }
        }
    }
    let first = |name| {
        head.headers
            .get(name)
            .and_then(|v| v.as_bytes().split(|b| *b == b',').next())
            .map(|v| v.trim_ascii())
    };
    let proto = proto.or_else(|| first(X_FORWARDED_PROTO));
    let host = host.or_else(|| first(X_FORWARDED_HOST));
    if proto.is_none() && host.is_none() {
        return None;
    }
    Some((proto.unwrap_or(scheme), host.or_else(|| direct_host(head))))
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
    use super::*;

    fn trusts(written: &str, peer: &str) -> bool {
        let rule = SameOriginRule {
            trusted_proxies: vec![written.into()],
            ..SameOriginRule::default()
        };
        rule.trusts(peer.parse().unwrap())
    }

    fn fault(written: &str) -> Option<ProxyFault> {
        match TrustedProxy::from(written).0 {
            Entry::Range(_) => None,
            Entry::Invalid { fault, .. } => Some(fault),
        }
    }

    #[test]
    fn a_range_holds_the_addresses_sharing_its_prefix() {
        // RFC 4632 §3.1: a prefix of n bits names every address whose first n bits are its.
        assert!(trusts("10.0.0.0/8", "10.255.3.4"));
        assert!(!trusts("10.0.0.0/8", "11.0.0.0"));
        assert!(trusts("192.168.4.0/22", "192.168.7.255"));
        assert!(!trusts("192.168.4.0/22", "192.168.8.0"));
        assert!(trusts("0.0.0.0/0", "203.0.113.9"));
        assert!(trusts("fd00::/8", "fd12:3456::1"));
        assert!(!trusts("fd00::/8", "fe80::1"));
        assert!(trusts("2001:db8::/32", "2001:db8:ffff::1"));
        assert!(trusts("::/0", "2001:db8::1"));
        // A lone address is its own /32 or /128.
        assert!(trusts("127.0.0.1", "127.0.0.1"));
        assert!(!trusts("127.0.0.1", "127.0.0.2"));
        assert!(trusts(" 10.0.0.1 ", "10.0.0.1"));
    }

    #[test]
    fn ipv4_mapped_peers_and_ranges_are_their_ipv4_form() {
        // RFC 4291 §2.5.5.2: `::ffff:a.b.c.d` is the IPv4 address a.b.c.d.
        assert!(trusts("127.0.0.1", "::ffff:127.0.0.1"));
        assert!(trusts("10.0.0.0/8", "::ffff:10.1.2.3"));
        assert!(trusts("::ffff:10.0.0.0/104", "10.1.2.3"));
        assert!(trusts("::ffff:127.0.0.1", "127.0.0.1"));
        assert!(trusts("::ffff:0:0/96", "192.0.2.1"));
        assert!(!trusts("::1", "127.0.0.1"));
        assert!(!trusts("127.0.0.1", "::1"));
    }

    #[test]
    fn entries_that_are_not_addresses_or_ranges_are_faults_with_a_fix() {
        assert_eq!(fault("10.0.0.0/8"), None);
        assert_eq!(fault("fd00::/8"), None);
        assert_eq!(fault("proxy.internal"), Some(ProxyFault::NotAnAddress));
        assert_eq!(fault("10.0.0/8"), Some(ProxyFault::NotAnAddress));
        assert_eq!(fault(""), Some(ProxyFault::NotAnAddress));
        assert_eq!(fault("10.0.0.0/33"), Some(ProxyFault::Prefix { max: 32 }));
        assert_eq!(fault("fd00::/129"), Some(ProxyFault::Prefix { max: 128 }));
        assert_eq!(fault("10.0.0.0/+8"), Some(ProxyFault::Prefix { max: 32 }));
        assert_eq!(fault("10.0.0.0/"), Some(ProxyFault::Prefix { max: 32 }));
        assert_eq!(
            fault("10.0.0.1/8"),
            Some(ProxyFault::HostBits {
                suggestion: "10.0.0.0/8".into()
            })
        );
        assert_eq!(
            fault("fd00::1/8"),
            Some(ProxyFault::HostBits {
                suggestion: "fd00::/8".into()
            })
        );
    }

    proptest::proptest! {
        /// Against the definition, written out bit by bit: a peer is in `net/prefix` when
        /// its first `prefix` bits equal the network's.
        #[test]
        fn ipv4_membership_is_equality_of_the_first_prefix_bits(
            net: u32, prefix in 0u8..=32, peer: u32,
        ) {
            let bit = |x: u32, i: u8| (x >> (31 - i)) & 1;
            let net = (0..prefix).fold(0u32, |acc, i| acc | (bit(net, i) << (31 - i)));
            let inside = (0..prefix).all(|i| bit(net, i) == bit(peer, i));
            let written = format!("{}/{prefix}", Ipv4Addr::from(net));
            proptest::prop_assert_eq!(trusts(&written, &Ipv4Addr::from(peer).to_string()), inside);
        }
    }

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
    fn the_listeners_scheme_decides_which_origin_of_the_host_is_its_own() {
        // A request to `api.example.com:8443` over TLS (`secure`) comes from its own origin
        // only when `Origin` is `https://api.example.com:8443`; over plain HTTP, only the
        // `http://` one. Every other origin of that host, or of another, is foreign.
        let req = actix_web::test::TestRequest::get()
            .insert_header((header::HOST, "api.example.com:8443"))
            .to_http_request();
        let rule = SameOriginRule::default();
        for (origin, own_over_tls, own_over_http) in [
            ("https://api.example.com:8443", true, false),
            ("http://api.example.com:8443", false, true),
            ("https://api.example.com", false, false),
            ("https:/api.example.com:8443", false, false),
            ("http:/api.example.com:8443", false, false),
            ("httpss://api.example.com:8443", false, false),
            ("ws://api.example.com:8443", false, false),
            ("https://evil.example:8443", false, false),
            ("https", false, false),
            ("", false, false),
        ] {
            let own = |secure| is_own_origin(origin.as_bytes(), &rule, req.head(), || secure);
            assert_eq!(own(true), own_over_tls, "{origin} over TLS");
            assert_eq!(own(false), own_over_http, "{origin} over plain HTTP");
        }
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
