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

/// Validates `s` as a serialized origin, returning the first fault with a concrete fix.
pub(crate) fn parse_origin(s: &str) -> Result<OriginParts<'_>, OriginFault> {
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
    if s.contains('*') {
        return Err(OriginFault::Wildcard {
            value: s.to_owned(),
        });
    }
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
    let without_tail = || lower(&format!("{scheme}://{authority}"));
    if let Some(at) = authority.rfind('@') {
        return Err(OriginFault::Userinfo {
            suggestion: lower(&format!("{scheme}://{}", &authority[at + 1..])),
        });
    }
    match tail.as_bytes().first() {
        None => {}
        Some(b'/') if tail == "/" => {
            return Err(OriginFault::TrailingSlash {
                suggestion: without_tail(),
            })
        }
        Some(b'/') => {
            return Err(OriginFault::Path {
                suggestion: without_tail(),
            })
        }
        Some(b'?') => {
            return Err(OriginFault::Query {
                suggestion: without_tail(),
            })
        }
        Some(_) => {
            return Err(OriginFault::Fragment {
                suggestion: without_tail(),
            })
        }
    }
    let (host, port_text) = split_host_port(authority)?;
    if !is_host(host) {
        return Err(OriginFault::InvalidHost);
    }
    let port = match port_text {
        None => None,
        Some(p) => Some(parse_port(p)?),
    };
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
    check_host(host, true)
}

/// Like [`is_host`], but upper case is refused: the form browsers send. Used on the request
/// path, so it is one table-driven pass over the bytes.
pub(crate) fn is_lowercase_host(host: &str) -> bool {
    check_host(host, false)
}

/// Bytes allowed in a host label, lower case only: letters, digits, `-`, `_`.
const LABEL_BYTE: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_';
        i += 1;
    }
    t
};

fn check_host(host: &str, fold_case: bool) -> bool {
    if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return !inner.is_empty()
            && inner.parse::<std::net::Ipv6Addr>().is_ok()
            && !inner.bytes().any(|b| b.is_ascii_uppercase());
    }
    if host.is_empty() || host.len() > 253 {
        return false;
    }
    // Labels of 1 to 63 bytes, separated by single dots, neither starting nor ending
    // with `-`.
    let mut label_len = 0usize;
    let mut prev = b'.';
    for b in host.bytes() {
        if b == b'.' {
            if label_len == 0 || prev == b'-' {
                return false;
            }
            label_len = 0;
        } else {
            let c = if fold_case { b.to_ascii_lowercase() } else { b };
            if !LABEL_BYTE[usize::from(c)] || (label_len == 0 && b == b'-') {
                return false;
            }
            label_len += 1;
            if label_len > 63 {
                return false;
            }
        }
        prev = b;
    }
    label_len > 0 && prev != b'-'
}

#[cfg(test)]
mod tests {
    use super::*;

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
        ] {
            assert!(parse_origin(ok).is_ok(), "{ok} should be valid");
        }
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
}
