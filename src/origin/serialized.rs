//! Checking that a configured string is a serialized origin, exactly as a browser would send
//! it in the `Origin` header: `scheme "://" host [ ":" port ]`, lower case, no default port.

use crate::error::OriginFault;

/// The parts of a valid serialized origin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct OriginParts<'a> {
    pub(crate) scheme: &'a str,
    pub(crate) host: &'a str,
    pub(crate) port: Option<u16>,
}

/// The port a scheme implies when none is written.
pub(crate) fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" | "ws" => Some(80),
        "https" | "wss" => Some(443),
        "ftp" => Some(21),
        _ => None,
    }
}

/// The characters of an origin: not empty, no white space or control characters, ASCII,
/// no wildcard.
fn check_characters(s: &str) -> Result<(), OriginFault> {
    if s.is_empty() {
        return Err(OriginFault::Empty);
    }
    if s.bytes()
        .any(|b| b.is_ascii_whitespace() || b.is_ascii_control())
    {
        return Err(OriginFault::Whitespace);
    }
    if !s.is_ascii() {
        return Err(OriginFault::NonAscii);
    }
    if s == "*" {
        return Err(OriginFault::AnyOrigin);
    }
    if s.contains('*') {
        return Err(OriginFault::Wildcard {
            value: s.to_owned(),
        });
    }
    Ok(())
}

/// No user information in `authority` and nothing (path, query, fragment) in `tail`.
pub(crate) fn check_nothing_after_host(
    scheme: &str,
    authority: &str,
    tail: &str,
) -> Result<(), OriginFault> {
    if let Some(at) = authority.rfind('@') {
        return Err(OriginFault::Userinfo {
            suggestion: lower(&format!("{scheme}://{}", &authority[at + 1..])),
        });
    }
    let suggestion = || lower(&format!("{scheme}://{authority}"));
    match tail.as_bytes().first() {
        None => Ok(()),
        Some(b'/') if tail == "/" => Err(OriginFault::TrailingSlash {
            suggestion: suggestion(),
        }),
        Some(b'/') => Err(OriginFault::Path {
            suggestion: suggestion(),
        }),
        Some(b'?') => Err(OriginFault::Query {
            suggestion: suggestion(),
        }),
        Some(_) => Err(OriginFault::Fragment {
            suggestion: suggestion(),
        }),
    }
}

/// Validates `s` as a serialized origin, returning the first fault with a concrete fix.
pub(crate) fn parse_origin(s: &str) -> Result<OriginParts<'_>, OriginFault> {
    check_characters(s)?;
    let Some((scheme, rest)) = s.split_once("://") else {
        let host = s.trim_end_matches('/');
        return Err(OriginFault::MissingScheme {
            suggestion: format!("https://{}", host.to_ascii_lowercase()),
        });
    };
    if !is_scheme(scheme) {
        return Err(OriginFault::InvalidScheme);
    }
    // Split the authority from whatever follows it.
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    check_nothing_after_host(scheme, authority, tail)?;
    let (host, port_text) = split_host_port(authority)?;
    if !is_host(host) {
        return Err(OriginFault::InvalidHost);
    }
    let port = match port_text {
        None => None,
        Some(p) => Some(parse_port(p)?),
    };
    if let Some(canonical) = canonical_ip(&host.to_ascii_lowercase())? {
        if canonical != host {
            let port = port.map(|p| format!(":{p}")).unwrap_or_default();
            return Err(OriginFault::NonCanonicalIp {
                suggestion: lower(&format!("{scheme}://{canonical}{port}")),
            });
        }
    }
    let lower_scheme = scheme.to_ascii_lowercase();
    if let Some(port) = port {
        if default_port(&lower_scheme) == Some(port) {
            return Err(OriginFault::DefaultPort {
                scheme: lower_scheme.clone(),
                port,
                suggestion: lower(&format!("{scheme}://{host}")),
            });
        }
    }
    if s.bytes().any(|b| b.is_ascii_uppercase()) {
        return Err(OriginFault::Uppercase {
            suggestion: lower(s),
        });
    }
    Ok(OriginParts { scheme, host, port })
}

/// If `host` is an IP address (as the URL standard's host parser decides), its serialization
/// as browsers send it; `Ok(None)` for a domain; an error for a host the URL parser rejects
/// (a number-ending host that is not a valid IPv4 address).
///
/// IPv4 follows <https://url.spec.whatwg.org/#concept-ipv4-parser> (`127.1`, `0x7f.0.0.1`,
/// `0177.0.0.1` and `2130706433` are all `127.0.0.1`); IPv6 follows
/// <https://url.spec.whatwg.org/#concept-ipv6-serializer> (lower-case hex, no leading zeros,
/// the first longest run of two or more zero pieces compressed to `::`, no dotted tail).
pub(crate) fn canonical_ip(host: &str) -> Result<Option<String>, OriginFault> {
    if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        let ip: std::net::Ipv6Addr = inner.parse().map_err(|_| OriginFault::InvalidHost)?;
        return Ok(Some(format!("[{}]", serialize_ipv6(ip.segments()))));
    }
    if !ends_in_a_number(host) {
        return Ok(None);
    }
    parse_ipv4(host)
        .map(|ip| Some(std::net::Ipv4Addr::from(ip).to_string()))
        .ok_or(OriginFault::InvalidHost)
}

/// The URL standard's "ends in a number checker".
fn ends_in_a_number(host: &str) -> bool {
    let mut parts: Vec<&str> = host.split('.').collect();
    if parts.last() == Some(&"") {
        if parts.len() == 1 {
            return false;
        }
        parts.pop();
    }
    let last = parts.last().copied().unwrap_or("");
    (!last.is_empty() && last.bytes().all(|b| b.is_ascii_digit())) || ipv4_number(last).is_some()
}

/// The URL standard's "IPv4 number parser" (decimal, `0x` hex, leading-zero octal).
fn ipv4_number(part: &str) -> Option<u64> {
    if part.is_empty() {
        return None;
    }
    let (digits, radix) = if let Some(hex) = part.strip_prefix("0x").or(part.strip_prefix("0X")) {
        (hex, 16)
    } else if part.len() > 1 && part.starts_with('0') {
        (&part[1..], 8)
    } else {
        (part, 10)
    };
    if digits.is_empty() {
        return Some(0);
    }
    // Anything beyond 2^32 fails the IPv4 parser anyway; cap to stay in range.
    if digits.len() > 12 {
        return None;
    }
    u64::from_str_radix(digits, radix).ok()
}

/// The URL standard's "IPv4 parser".
fn parse_ipv4(host: &str) -> Option<u32> {
    let mut parts: Vec<&str> = host.split('.').collect();
    if parts.last() == Some(&"") && parts.len() > 1 {
        parts.pop();
    }
    if parts.len() > 4 {
        return None;
    }
    let numbers: Vec<u64> = parts
        .iter()
        .map(|p| ipv4_number(p))
        .collect::<Option<_>>()?;
    let (last, init) = numbers.split_last()?;
    if init.iter().any(|&n| n > 255) || *last >= 256u64.pow(5 - numbers.len() as u32) {
        return None;
    }
    let mut ip = *last;
    for (i, n) in init.iter().enumerate() {
        ip += n * 256u64.pow(3 - i as u32);
    }
    u32::try_from(ip).ok()
}

/// The URL standard's IPv6 serializer (without brackets).
fn serialize_ipv6(pieces: [u16; 8]) -> String {
    // The first longest run of two or more zero pieces is compressed.
    let (mut best, mut run) = (None::<(usize, usize)>, None::<(usize, usize)>);
    for (i, &p) in pieces.iter().enumerate() {
        if p == 0 {
            let r = run.map_or((i, 1), |(start, len)| (start, len + 1));
            run = Some(r);
            if r.1 >= 2 && best.is_none_or(|(_, len)| r.1 > len) {
                best = Some(r);
            }
        } else {
            run = None;
        }
    }
    let mut out = String::new();
    let mut i = 0;
    while i < 8 {
        if let Some((start, len)) = best {
            if i == start {
                out.push_str(if i == 0 { "::" } else { ":" });
                i += len;
                continue;
            }
        }
        out.push_str(&format!("{:x}", pieces[i]));
        if i < 7 {
            out.push(':');
        }
        i += 1;
    }
    out
}

fn lower(s: &str) -> String {
    s.to_ascii_lowercase()
}

/// `ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )` (RFC 3986).
fn is_scheme(s: &str) -> bool {
    let mut bytes = s.bytes();
    matches!(bytes.next(), Some(b) if b.is_ascii_alphabetic())
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
}

/// Splits `host[:port]`, handling bracketed IPv6 literals.
pub(crate) fn split_host_port(authority: &str) -> Result<(&str, Option<&str>), OriginFault> {
    if authority.starts_with('[') {
        let close = authority.find(']').ok_or(OriginFault::InvalidHost)?;
        let (host, after) = authority.split_at(close + 1);
        return match after {
            "" => Ok((host, None)),
            _ => after
                .strip_prefix(':')
                .map(|p| (host, Some(p)))
                .ok_or(OriginFault::InvalidHost),
        };
    }
    Ok(match authority.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    })
}

/// A port as browsers serialize it: 1 to 65535, no sign, no leading zero.
pub(crate) fn parse_port(p: &str) -> Result<u16, OriginFault> {
    let digits_only = !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if !digits_only || (p.len() > 1 && p.starts_with('0')) {
        return Err(OriginFault::InvalidPort);
    }
    match p.parse::<u16>() {
        Ok(0) | Err(_) => Err(OriginFault::InvalidPort),
        Ok(n) => Ok(n),
    }
}

/// A host name of LDH labels, an IPv4 address, or a bracketed IPv6 literal (case ignored:
/// upper case is reported separately with a suggestion).
pub(crate) fn is_host(host: &str) -> bool {
    check_host(host.as_bytes(), true)
}

/// Like [`is_host`], but upper case is refused: the form browsers send. Used on the request
/// path, so it is one table-driven pass over the bytes.
pub(crate) fn is_lowercase_host(host: &str) -> bool {
    check_host(host.as_bytes(), false)
}

/// [`is_lowercase_host`] on bytes (for values not yet known to be UTF-8).
#[inline]
pub(crate) fn is_lowercase_host_bytes(host: &[u8]) -> bool {
    check_host(host, false)
}

/// Bytes allowed in a host label, lower case only (`[0]`) or in any case (`[1]`): letters,
/// digits, `-`, `_`.
const LABEL_BYTE: [[bool; 256]; 2] = {
    let mut t = [[false; 256]; 2];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        let lower = b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_';
        t[0][i] = lower;
        t[1][i] = lower || b.is_ascii_uppercase();
        i += 1;
    }
    t
};

/// A label of 1 to 63 bytes that neither starts nor ends with `-` (its bytes are checked by
/// the caller).
#[inline]
pub(crate) fn is_label_bytes(label: &[u8]) -> bool {
    matches!(label, [first, .., last] | [first @ last] if *first != b'-' && *last != b'-')
        && label.len() <= 63
}

#[inline]
fn check_host(host: &[u8], fold_case: bool) -> bool {
    if let Some(inner) = host.strip_prefix(b"[").and_then(|h| h.strip_suffix(b"]")) {
        return !inner.is_empty()
            && std::str::from_utf8(inner).is_ok_and(|s| s.parse::<std::net::Ipv6Addr>().is_ok())
            && (fold_case || !inner.iter().any(u8::is_ascii_uppercase));
    }
    // A single trailing dot (`example.com.`) is a distinct origin that browsers do send.
    let host = match host.strip_suffix(b".") {
        Some(h) if !h.is_empty() => h,
        _ => host,
    };
    if host.is_empty() || host.len() > 253 {
        return false;
    }
    // Labels of 1 to 63 bytes, separated by single dots, neither starting nor ending with
    // `-`: one table lookup per byte, the label rules at each dot.
    let table = &LABEL_BYTE[usize::from(fold_case)];
    let mut start = 0;
    for (i, &b) in host.iter().enumerate() {
        if b == b'.' {
            if !is_label_bytes(&host[start..i]) {
                return false;
            }
            start = i + 1;
        } else if !table[usize::from(b)] {
            return false;
        }
    }
    is_label_bytes(&host[start..])
}

/// `localhost` (and its subdomains), `127.0.0.0/8` and `[::1]`, with or without a trailing dot.
pub(crate) fn is_loopback(host: &str) -> bool {
    let host = host.strip_suffix('.').unwrap_or(host);
    host == "localhost"
        || host.ends_with(".localhost")
        || host == "[::1]"
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts() {
        for h in [
            "localhost",
            "app.localhost",
            "127.0.0.1",
            "127.1.2.3",
            "[::1]",
        ] {
            assert!(is_loopback(h), "{h}");
        }
        for h in ["example.com", "10.0.0.1", "localhost.evil.org", "[::2]"] {
            assert!(!is_loopback(h), "{h}");
        }
    }

    fn fault(s: &str) -> OriginFault {
        parse_origin(s).unwrap_err()
    }

    #[test]
    fn accepts_serialized_origins() {
        for ok in [
            "https://app.example.com",
            "http://localhost:5173",
            "http://127.0.0.1:8000",
            "http://[::1]:3000",
            "https://xn--bcher-kva.example",
            "chrome-extension://abcdefghijklmnop",
            "tauri://localhost",
            "https://a.com:8443",
            "https://example.com.",
            "http://127.0.0.1:8080",
            "http://[2001:db8::1]",
        ] {
            assert!(parse_origin(ok).is_ok(), "{ok} should be valid");
        }
    }

    #[test]
    fn non_canonical_ip_literals_are_refused_with_the_canonical_form() {
        for (written, canonical) in [
            ("http://[0:0:0:0:0:0:0:1]:8080", "http://[::1]:8080"),
            ("http://127.1:8080", "http://127.0.0.1:8080"),
            ("http://0x7f.0.0.1", "http://127.0.0.1"),
            ("http://0177.0.0.1", "http://127.0.0.1"),
            ("http://2130706433", "http://127.0.0.1"),
            ("http://127.0.0.1.", "http://127.0.0.1"),
            (
                "http://[2001:db8:0:0:1:0:0:1]",
                "http://[2001:db8::1:0:0:1]",
            ),
            ("http://[2001:0db8::1]", "http://[2001:db8::1]"),
            ("http://[::ffff:1.2.3.4]", "http://[::ffff:102:304]"),
            ("http://[1:0:1:0:1:0:1:0]", "http://[1:0:1:0:1:0:1:0]"),
        ] {
            if written == canonical {
                assert!(parse_origin(written).is_ok(), "{written}");
                continue;
            }
            assert_eq!(
                fault(written),
                OriginFault::NonCanonicalIp {
                    suggestion: canonical.into()
                },
                "{written}"
            );
            assert!(parse_origin(canonical).is_ok(), "{canonical}");
        }
        // Number-ending hosts the URL parser rejects are not hosts at all.
        assert_eq!(fault("http://1.2.3.256"), OriginFault::InvalidHost);
        assert_eq!(fault("http://1.2.3.4.5"), OriginFault::InvalidHost);
    }

    #[test]
    fn names_each_fault_with_a_fix() {
        assert_eq!(
            fault("app.com"),
            OriginFault::MissingScheme {
                suggestion: "https://app.com".into()
            }
        );
        assert_eq!(
            fault("https://app.com/"),
            OriginFault::TrailingSlash {
                suggestion: "https://app.com".into()
            }
        );
        assert!(matches!(
            fault("https://app.com/x"),
            OriginFault::Path { .. }
        ));
        assert!(matches!(
            fault("https://app.com?x"),
            OriginFault::Query { .. }
        ));
        assert!(matches!(
            fault("https://app.com#x"),
            OriginFault::Fragment { .. }
        ));
        assert_eq!(
            fault("https://u:p@app.com"),
            OriginFault::Userinfo {
                suggestion: "https://app.com".into()
            }
        );
        assert_eq!(
            fault("https://a.com:443"),
            OriginFault::DefaultPort {
                scheme: "https".into(),
                port: 443,
                suggestion: "https://a.com".into()
            }
        );
        assert!(matches!(
            fault("http://a.com:80"),
            OriginFault::DefaultPort { port: 80, .. }
        ));
        assert_eq!(
            fault("https://App.com"),
            OriginFault::Uppercase {
                suggestion: "https://app.com".into()
            }
        );
        assert!(matches!(
            fault("https://*.a.com"),
            OriginFault::Wildcard { .. }
        ));
        assert_eq!(fault("*"), OriginFault::AnyOrigin);
        assert_eq!(fault("https://a.com:0"), OriginFault::InvalidPort);
        assert_eq!(fault("https://a.com:080"), OriginFault::InvalidPort);
        assert_eq!(fault("https://a.com:99999"), OriginFault::InvalidPort);
        assert_eq!(fault("https://a.com:"), OriginFault::InvalidPort);
        assert_eq!(fault("https://a..com"), OriginFault::InvalidHost);
        assert_eq!(fault("https://"), OriginFault::InvalidHost);
        assert_eq!(fault("https://bücher.de"), OriginFault::NonAscii);
        assert_eq!(fault(" https://a.com"), OriginFault::Whitespace);
        assert_eq!(fault(""), OriginFault::Empty);
        assert_eq!(fault("1http://a.com"), OriginFault::InvalidScheme);
    }

    mod properties {
        use proptest::prelude::*;

        use super::super::*;

        proptest! {
            /// Any text gets an answer (no panic); an accepted origin is what a browser
            /// serializes: ASCII, no white space, lower case, `scheme://host[:port]` with
            /// nothing after the host and port.
            #[test]
            fn any_text_is_answered_and_accepted_origins_are_serialized(
                input in "[a-zA-Z0-9:/.\\[\\]@?# %-]{0,40}",
            ) {
                if let Ok(parts) = parse_origin(&input) {
                    prop_assert!(input.is_ascii());
                    prop_assert!(!input.bytes().any(|b| b.is_ascii_uppercase() || b.is_ascii_whitespace()));
                    let rest = input.strip_prefix(parts.scheme).and_then(|r| r.strip_prefix("://"));
                    prop_assert!(rest.is_some(), "{input}");
                    prop_assert!(!rest.unwrap().contains(['/', '?', '#', '@']));
                    prop_assert!(rest.unwrap().starts_with(parts.host));
                }
            }

            /// Origins written as browsers write them are accepted, with their parts.
            #[test]
            fn browser_origins_are_accepted(
                labels in proptest::collection::vec("[a-z0-9]([a-z0-9-]{0,6}[a-z0-9])?", 1..4),
                tld in "[a-z]{2,6}",
                port in proptest::option::of(1u16..),
            ) {
                let host = format!("{}.{tld}", labels.join("."));
                let port = port.filter(|&p| p != 443);
                let origin = match port {
                    Some(p) => format!("https://{host}:{p}"),
                    None => format!("https://{host}"),
                };
                let parts = parse_origin(&origin).unwrap();
                prop_assert_eq!(parts.scheme, "https");
                prop_assert_eq!(parts.host, host.as_str());
                prop_assert_eq!(parts.port, port);
            }
        }
    }
}
