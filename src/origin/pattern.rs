//! Origin patterns: `https://*.example.com` (one or more subdomain labels) and
//! `http://localhost:*` (any port), parsed into a structured matcher.
//!
//! Matching never scans the pattern list: patterns are indexed by the domain after `*.` (or
//! the host before `:*`), and an origin is looked up once per dot in its host.
//!
//! # What a pattern matches
//! An origin matches `scheme://*.domain[:port]` when it is a well-formed serialized origin
//! (see [`split_origin`]) whose scheme is exactly `scheme`, whose port is exactly `port` (none
//! written: the origin has no port either; `:*`: any port or none) and whose host is
//! `label(s) "." domain`, with at least one non-empty label in front. `domain` itself (the
//! apex) never matches. `scheme://host:*` matches that exact host on any port. Comparison is
//! byte for byte: browsers serialize scheme and host in lower case and internationalized
//! names in punycode (`xn--...`), so patterns must be written that way, and a request origin
//! with upper-case letters or non-ASCII bytes matches no pattern.
//!
//! # Which wildcards are too broad (the exact rule)
//! `scheme://*` (the host `*` alone) is refused by [`OriginPattern::parse`] with
//! [`PatternError::TooBroad`]. For `scheme://*.domain`, [`OriginPattern::wildcard_reach`]
//! says whether the wildcard reaches names other people can register, by the rule of
//! [`public_suffix::wildcard_reach`] over the whole Public Suffix List (ICANN and private
//! sections): `domain` is a single label other than `localhost` (a top-level domain), or a
//! public suffix (`co.uk`, `github.io`, `vercel.app`), or has public suffixes below it
//! (`*.amazonaws.com` reaches `bucket.s3.amazonaws.com`). The build refuses such a pattern,
//! unless credentials are off and the user opted in. Additionally, a subdomain wildcard over
//! an IP address (`https://*.0.0.1`) is refused as invalid: addresses have no subdomains.

use std::{collections::HashMap, fmt};

use crate::error::OriginFault;

use super::{
    public_suffix::{self, Reach},
    serialized::{
        check_nothing_after_host, default_port, is_host, is_label_bytes, is_lowercase_host,
        is_lowercase_host_bytes, parse_port, split_host_port,
    },
};

/// Which ports a pattern accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ports {
    /// The origin's port must be exactly this (`None`: no port written).
    Exact(Option<u16>),
    /// `:*`: any port, or none.
    Any,
}

impl Ports {
    fn accepts(self, port: Option<u16>) -> bool {
        match self {
            Ports::Any => true,
            Ports::Exact(p) => p == port,
        }
    }
}

/// One parsed pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OriginPattern {
    scheme: Box<str>,
    /// The domain after `*.`, or the exact host when `subdomains` is false.
    host: Box<str>,
    /// True for `*.` patterns: one or more labels in front of `host`, never `host` itself.
    subdomains: bool,
    ports: Ports,
}

impl fmt::Display for OriginPattern {
    /// The pattern as it would be written (it is only accepted in canonical form).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let star = if self.subdomains { "*." } else { "" };
        write!(f, "{}://{star}{}", self.scheme, self.host)?;
        match self.ports {
            Ports::Any => f.write_str(":*"),
            Ports::Exact(Some(p)) => write!(f, ":{p}"),
            Ports::Exact(None) => Ok(()),
        }
    }
}

/// Why a pattern was refused at build time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PatternError {
    /// Not a well-formed pattern.
    Invalid(OriginFault),
    /// The host is `*` alone: every domain.
    TooBroad { suffix: String },
}

/// `ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )` in lower case, as browsers serialize it.
fn is_lower_scheme(s: &str) -> bool {
    is_lower_scheme_bytes(s.as_bytes())
}

fn is_lower_scheme_bytes(s: &[u8]) -> bool {
    matches!(s.first(), Some(b) if b.is_ascii_lowercase())
        && s.iter().all(|&b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.')
        })
}

/// The characters of a pattern: not empty, no white space or control characters, ASCII,
/// lower case.
fn check_characters(input: &str) -> Result<(), PatternError> {
    if input.is_empty() {
        return invalid(OriginFault::Empty);
    }
    if input
        .bytes()
        .any(|b| b.is_ascii_whitespace() || b.is_ascii_control())
    {
        return invalid(OriginFault::Whitespace);
    }
    if !input.is_ascii() {
        return invalid(OriginFault::NonAscii);
    }
    if input.bytes().any(|b| b.is_ascii_uppercase()) {
        return invalid(OriginFault::Uppercase {
            suggestion: input.to_ascii_lowercase(),
        });
    }
    Ok(())
}

/// The port part: none, `*`, or a number that is not the scheme's default.
fn parse_ports(
    scheme: &str,
    host_part: &str,
    port_part: Option<&str>,
) -> Result<Ports, PatternError> {
    match port_part {
        None => Ok(Ports::Exact(None)),
        Some("*") => Ok(Ports::Any),
        Some(p) => match parse_port(p) {
            Ok(n) if default_port(scheme) == Some(n) => invalid(OriginFault::DefaultPort {
                scheme: scheme.to_owned(),
                port: n,
                suggestion: format!("{scheme}://{host_part}"),
            }),
            Ok(n) => Ok(Ports::Exact(Some(n))),
            Err(_) => invalid(OriginFault::InvalidPort),
        },
    }
}

fn invalid<T>(fault: OriginFault) -> Result<T, PatternError> {
    Err(PatternError::Invalid(fault))
}

impl OriginPattern {
    /// Parses `scheme://*.domain[:port|:*]` or `scheme://host:*`.
    pub(crate) fn parse(input: &str) -> Result<Self, PatternError> {
        check_characters(input)?;
        let Some((scheme, rest)) = input.split_once("://") else {
            return invalid(OriginFault::MissingScheme {
                suggestion: format!("https://{input}"),
            });
        };
        if scheme.contains('*') {
            return invalid(OriginFault::WildcardScheme);
        }
        if !is_lower_scheme(scheme) {
            return invalid(OriginFault::InvalidScheme);
        }
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(end);
        check_nothing_after_host(scheme, authority, tail).map_err(PatternError::Invalid)?;
        let (host_part, port_part) = split_host_port(authority).map_err(PatternError::Invalid)?;
        let ports = parse_ports(scheme, host_part, port_part)?;
        let (subdomains, host) = match host_part.strip_prefix("*.") {
            Some(domain) => (true, domain),
            None if host_part == "*" => {
                return Err(PatternError::TooBroad {
                    suffix: "every domain".into(),
                })
            }
            None => (false, host_part),
        };
        if host.contains('*') {
            return invalid(OriginFault::MisplacedWildcard);
        }
        if !is_host(host) || host.ends_with('.') {
            return invalid(OriginFault::InvalidHost);
        }
        if !subdomains && ports != Ports::Any {
            return invalid(OriginFault::NoWildcard);
        }
        if subdomains {
            let last_label = host.rsplit('.').next().unwrap_or(host);
            if host.starts_with('[') || last_label.bytes().all(|b| b.is_ascii_digit()) {
                return invalid(OriginFault::IpAddress);
            }
        }
        Ok(OriginPattern {
            scheme: scheme.into(),
            host: host.into(),
            subdomains,
            ports,
        })
    }

    /// The registrable part the wildcard is anchored to (for diagnostics).
    pub(crate) fn host(&self) -> &str {
        &self.host
    }

    /// Whether the wildcard reaches names other people can register (see the module
    /// documentation); `None` for `host:*` patterns and for wildcards under a domain of
    /// one's own.
    pub(crate) fn wildcard_reach(&self) -> Option<Reach> {
        if !self.subdomains {
            return None;
        }
        public_suffix::wildcard_reach(&self.host, true)
    }

    /// True if the (already split) origin is matched by this pattern.
    fn accepts(&self, scheme: &str, host: &str, port: Option<u16>) -> bool {
        *self.scheme == *scheme && self.ports.accepts(port) && self.host_accepts(host)
    }

    fn host_accepts(&self, host: &str) -> bool {
        if !self.subdomains {
            return *self.host == *host;
        }
        host.strip_suffix(&*self.host)
            .and_then(|head| head.strip_suffix('.'))
            .is_some_and(|labels| !labels.is_empty())
    }
}

/// Splits a request origin into scheme, host and port without allocating, if and only if it is
/// a well-formed serialized origin as browsers send it: a lower-case scheme, `://`, a
/// lower-case host (LDH labels, an IPv4 address or a bracketed IPv6 literal) and an optional
/// port from 1 to 65535 without leading zeros. Anything else (user information, a path, a
/// query, white space, upper case, an empty label, a trailing dot) gives `None`.
///
/// Patterns and regexes only ever see origins that pass this check, so a regex such as
/// `https://.*\.example\.com` cannot be tricked by `https://evil.org/.example.com`.
pub(crate) fn split_origin(origin: &str) -> Option<(&str, &str, Option<u16>)> {
    // A scheme holds no `:`, so the first `:` must start `://` (a byte search is far cheaper
    // than a substring search here).
    let colon = origin.bytes().position(|b| b == b':')?;
    let (scheme, rest) = origin.split_at(colon);
    let authority = rest.strip_prefix("://")?;
    if !is_lower_scheme(scheme) {
        return None;
    }
    let (host, port) = split_host_port(authority).ok()?;
    if !is_lowercase_host(host) {
        return None;
    }
    let port = match port {
        None => None,
        Some(p) => Some(parse_port(p).ok()?),
    };
    Some((scheme, host, port))
}

/// Byte classes of an origin's host part, as browsers serialize it.
const LABEL: u8 = 1;
const DOT: u8 = 2;
const COLON: u8 = 3;
const HOST_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = if b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_' {
            LABEL
        } else if b == b'.' {
            DOT
        } else if b == b':' {
            COLON
        } else {
            0
        };
        i += 1;
    }
    t
};

/// True exactly when [`split_origin`] would split `origin` (the same scheme, host and port
/// rules), for a value not yet known to be UTF-8. What "any origin" checks before echoing a
/// value or answering `*` to it, on every such request, so it is one forward pass with a
/// table lookup per byte: no UTF-8 validation, no backward search, nothing allocated. A
/// bracketed IPv6 host (rare) takes the general path.
#[inline]
pub(crate) fn is_serialized_origin(origin: &[u8]) -> bool {
    let authority = if let Some(rest) = origin.strip_prefix(b"https://") {
        rest
    } else if let Some(rest) = origin.strip_prefix(b"http://") {
        rest
    } else {
        let Some(colon) = origin.iter().position(|&b| b == b':') else {
            return false;
        };
        let (scheme, rest) = origin.split_at(colon);
        match rest.strip_prefix(b"://") {
            Some(rest) if is_lower_scheme_bytes(scheme) => rest,
            _ => return false,
        }
    };
    let (host_ok, port) = if authority.first() == Some(&b'[') {
        // `[v6]` or `[v6]:port`: the `:`s inside the brackets are not a port separator.
        let Some(close) = authority.iter().position(|&b| b == b']') else {
            return false;
        };
        let port = match &authority[close + 1..] {
            [] => None,
            [b':', port @ ..] => Some(port),
            _ => return false,
        };
        (is_lowercase_host_bytes(&authority[..=close]), port)
    } else {
        // Labels of 1 to 63 bytes (not starting or ending with `-`) separated by single dots,
        // an optional trailing dot, then an optional `:port`: checked as the bytes go by.
        let mut label_start = 0;
        let mut end = authority.len();
        for (i, &b) in authority.iter().enumerate() {
            match HOST_CLASS[usize::from(b)] {
                LABEL => {}
                DOT => {
                    if !is_label_bytes(&authority[label_start..i]) {
                        return false;
                    }
                    label_start = i + 1;
                }
                COLON => {
                    end = i;
                    break;
                }
                _ => return false,
            }
        }
        let host = &authority[..end];
        // The last label, unless the host ends with its one allowed trailing dot (after a
        // label already checked at that dot).
        let last_ok = is_label_bytes(&host[label_start..]) || (label_start == end && end > 0);
        let len = host.len() - usize::from(host.last() == Some(&b'.'));
        let port = (end < authority.len()).then(|| &authority[end + 1..]);
        (last_ok && len <= 253, port)
    };
    // A port as browsers serialize it: 1 to 65535, digits only, no leading zero.
    host_ok
        && port.is_none_or(|p| {
            matches!(p.first(), Some(b'1'..=b'9'))
                && p.len() <= 5
                && p.iter().all(u8::is_ascii_digit)
                && p.iter().fold(0u32, |n, &d| n * 10 + u32::from(d - b'0')) <= 65_535
        })
}

/// All patterns of a policy, indexed by host.
#[derive(Debug, Default, Clone)]
pub(crate) struct PatternSet {
    /// `*.domain` patterns keyed by `domain`.
    subdomain: HashMap<Box<str>, Vec<OriginPattern>, foldhash::fast::RandomState>,
    /// `host:*` patterns keyed by `host`.
    any_port: HashMap<Box<str>, Vec<OriginPattern>, foldhash::fast::RandomState>,
    len: usize,
}

impl PatternSet {
    pub(crate) fn insert(&mut self, pattern: OriginPattern) {
        let index = if pattern.subdomains {
            &mut self.subdomain
        } else {
            &mut self.any_port
        };
        let entries = index.entry(pattern.host.clone()).or_default();
        if !entries.contains(&pattern) {
            entries.push(pattern);
            self.len += 1;
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// True if some pattern matches `origin`. Does not allocate; cost grows with the number of
    /// dots in the origin's host, not with the number of patterns.
    pub(crate) fn matches(&self, origin: &str) -> bool {
        if self.len == 0 {
            return false;
        }
        let Some((scheme, host, port)) = split_origin(origin) else {
            return false;
        };
        let fits = |candidates: Option<&Vec<OriginPattern>>| {
            candidates.is_some_and(|list| {
                list.iter()
                    .any(|p| &*p.scheme == scheme && p.ports.accepts(port))
            })
        };
        if fits(self.any_port.get(host)) {
            return true;
        }
        if self.subdomain.is_empty() {
            return false;
        }
        // Try every proper suffix that follows a dot: for `a.b.example.com`, look up
        // `b.example.com`, `example.com` and `com`. `split_origin` has checked that no label
        // is empty, so the part in front is never empty.
        host.char_indices()
            .filter(|&(i, c)| c == '.' && i > 0)
            .any(|(i, _)| fits(self.subdomain.get(&host[i + 1..])))
    }

    /// The patterns indexed under `host` (lower case) and under each domain it ends with: the
    /// only ones a near miss can come from. Bounded by the dots in `host`, not by the number of
    /// patterns (a refusal can be caused by anyone; diagnostics must not scan the policy).
    fn near_candidates<'a>(&'a self, host: &'a str) -> impl Iterator<Item = &'a OriginPattern> {
        /// Patterns taken per key: same domain, other schemes or ports.
        const PER_KEY: usize = 8;
        let keys =
            std::iter::once(host).chain(host.match_indices('.').map(|(i, _)| &host[i + 1..]));
        keys.flat_map(move |key| {
            self.any_port
                .get(key)
                .into_iter()
                .chain(self.subdomain.get(key))
                .flat_map(|list| list.iter().take(PER_KEY))
        })
    }

    /// The closest pattern to a refused `origin`, as a hint with a rank (lower is closer),
    /// when the difference is a classic mistake. For diagnostics only: it allocates. Only
    /// the patterns indexed under the origin's host and its parent domains are compared.
    pub(crate) fn near_miss(&self, origin: &str) -> Option<(u32, String)> {
        let (scheme, authority) = origin.split_once("://")?;
        let (host, port_text) = split_host_port(authority).ok()?;
        let lower_host = host.to_ascii_lowercase();
        let port = match port_text {
            None => None,
            Some(p) => Some(parse_port(p).ok()?),
        };
        let port_name = |p: Option<u16>| p.map_or_else(|| "none".to_owned(), |p| p.to_string());
        let lower = origin.to_ascii_lowercase();
        let why = |p: &&OriginPattern| {
            if origin != lower && p.matches_text(&lower) {
                Some((
                    0,
                    "only letter case differs; browsers send origins in lower case".to_owned(),
                ))
            } else if p.subdomains
                && *p.host == *host
                && *p.scheme == *scheme
                && p.ports.accepts(port)
            {
                Some((
                    1,
                    format!(
                        "it covers subdomains of `{}` but not `{}` itself; add `.allowed_origin(\"{scheme}://{host}{}\")`",
                        p.host,
                        p.host,
                        port_text.map(|t| format!(":{t}")).unwrap_or_default(),
                    ),
                ))
            } else if p.host_accepts(host) && p.ports.accepts(port) && *p.scheme != *scheme {
                Some((1, format!("scheme differs ({scheme} vs {})", p.scheme)))
            } else if p.host_accepts(host) && *p.scheme == *scheme && !p.ports.accepts(port) {
                let wanted = match p.ports {
                    Ports::Exact(want) => port_name(want),
                    Ports::Any => "any".to_owned(),
                };
                Some((1, format!("port differs ({} vs {wanted})", port_name(port))))
            } else {
                None
            }
        };
        super::closest(self.near_candidates(&lower_host), why, |p, text| {
            format!("closest pattern `{p}`: {text}")
        })
    }
}

impl OriginPattern {
    /// True if this one pattern matches `origin` (a well-formed origin only).
    fn matches_text(&self, origin: &str) -> bool {
        split_origin(origin).is_some_and(|(s, h, p)| self.accepts(s, h, p))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(patterns: &[&str]) -> PatternSet {
        let mut s = PatternSet::default();
        for p in patterns {
            s.insert(OriginPattern::parse(p).unwrap());
        }
        s
    }

    #[test]
    fn subdomain_pattern_matches_one_or_more_labels_but_not_the_apex() {
        let s = set(&["https://*.example.com"]);
        assert!(s.matches("https://app.example.com"));
        assert!(s.matches("https://a.b.example.com"));
        assert!(!s.matches("https://example.com"));
        assert!(!s.matches("https://evil-example.com"));
        assert!(!s.matches("https://example.com.evil.org"));
        assert!(!s.matches("https://app.example.com.evil.org"));
        assert!(!s.matches("http://app.example.com"));
        assert!(!s.matches("https://app.example.com:8443"));
        assert!(!s.matches("https://.example.com"));
    }

    #[test]
    fn malformed_request_origins_never_reach_a_pattern() {
        let s = set(&["https://*.example.com", "http://localhost:*"]);
        for origin in [
            "https://evil.org/x.example.com",
            "https://evil.org?.example.com",
            "https://evil.org#.example.com",
            "https://user@app.example.com",
            "https://evil.org@app.example.com",
            "https://a..example.com",
            "https://app.example.com.",
            "https://APP.example.com",
            "HTTPS://app.example.com",
            "https://a b.example.com",
            "https://app.example.com:0",
            "https://app.example.com:08443",
            "https://app.example.com:",
            "http://localhost:99999",
            "https:/app.example.com",
            "",
        ] {
            assert!(!s.matches(origin), "{origin:?} must not match");
        }
    }

    #[test]
    fn any_port_pattern_matches_every_port_of_that_host_only() {
        let s = set(&["http://localhost:*", "http://127.0.0.1:*", "http://[::1]:*"]);
        assert!(s.matches("http://localhost:5173"));
        assert!(s.matches("http://localhost"));
        assert!(s.matches("http://127.0.0.1:8000"));
        assert!(s.matches("http://[::1]:3000"));
        assert!(!s.matches("https://localhost:5173"));
        assert!(!s.matches("http://localhost.evil.org:5173"));
        assert!(!s.matches("http://evil-localhost:5173"));
        assert!(!s.matches("http://app.localhost:5173"));
    }

    #[test]
    fn subdomain_pattern_with_any_port() {
        let s = set(&["http://*.localhost:*"]);
        assert!(s.matches("http://app.localhost:3000"));
        assert!(s.matches("http://app.localhost"));
        assert!(!s.matches("http://localhost:3000"));
    }

    #[test]
    fn the_host_star_alone_is_refused_as_every_domain() {
        for p in ["https://*", "https://*:*"] {
            assert_eq!(
                OriginPattern::parse(p),
                Err(PatternError::TooBroad {
                    suffix: "every domain".into()
                }),
                "{p}"
            );
        }
    }

    #[test]
    fn wildcards_over_public_suffixes_reach_other_peoples_sites() {
        let reach = |p: &str| OriginPattern::parse(p).unwrap().wildcard_reach();
        for (p, suffix) in [
            ("https://*.com", "com"),
            ("https://*.co.uk", "co.uk"),
            ("https://*.github.io", "github.io"),
            ("https://*.xn--p1ai", "xn--p1ai"),
            ("https://*.internal", "internal"),
            ("https://*.myshopify.com", "myshopify.com"),
            ("https://*.githubusercontent.com", "githubusercontent.com"),
            ("https://*.edu.au", "edu.au"),
        ] {
            assert_eq!(reach(p), Some(Reach::PublicSuffix(suffix.into())), "{p}");
        }
        // The wildcard would reach public suffixes listed below the domain.
        for (p, domain) in [
            ("https://*.amazonaws.com", "amazonaws.com"),
            ("https://*.windows.net", "windows.net"),
            ("https://*.railway.app", "railway.app"),
            // The list has `*.run.app`: every `x.run.app` is a public suffix.
            ("https://*.run.app", "run.app"),
        ] {
            assert_eq!(reach(p), Some(Reach::SuffixesBelow(domain.into())), "{p}");
        }
        assert_eq!(reach("http://localhost:*"), None);
    }

    #[test]
    fn own_domains_under_public_suffixes_are_fine() {
        for p in [
            "https://*.example.co.uk",
            "https://*.myteam.github.io",
            "https://*.my-app.vercel.app",
            "https://*.localhost",
            "https://*.xn--bcher-kva.example",
            "https://*.eu-west-1.example.com:8443",
            "https://*.example.com",
            "https://*.mycompany.co.uk",
        ] {
            assert_eq!(
                OriginPattern::parse(p).unwrap().wildcard_reach(),
                None,
                "{p}"
            );
        }
    }

    #[test]
    fn malformed_patterns_are_refused() {
        for p in [
            "",
            "*.example.com",
            "https://*.example.com/",
            "https://app.*.example.com",
            "https://*example.com",
            "https://*.Example.com",
            "https://*.example.com:443",
            "http://*.example.com:80",
            "https://*.example.com:0",
            "https://app.example.com",
            "*://app.example.com",
            " https://*.example.com",
            "https://*.example.com ",
            "https://*.bücher.de",
            "1https://*.example.com",
            "https://*.0.0.1",
            "https://*.[::1]",
            "https://user@*.example.com",
            "https://*..example.com",
            "https://*.example.com:99999",
            "https://[::1:*",
            "https://*.exa_mple-.com",
        ] {
            match OriginPattern::parse(p) {
                Err(PatternError::Invalid(reason)) => assert!(
                    ["write", "remove", "use ", "list "]
                        .iter()
                        .any(|fix| reason.to_string().contains(fix)),
                    "{p:?}: the reason has no fix: {reason}"
                ),
                other => panic!("{p:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn is_serialized_origin_agrees_with_split_origin_on_edge_cases() {
        let long_label = "a".repeat(63);
        let too_long_label = "a".repeat(64);
        let host_253 = format!("{long_label}.{long_label}.{long_label}.{}", "b".repeat(61));
        let host_254 = format!("{host_253}c");
        let hosts = [
            "a",
            "a-",
            "-a",
            "a.",
            "a..",
            ".a",
            ".",
            "a.-b",
            "a-.b",
            "a-b",
            "a_b",
            "A",
            "aB",
            "a.b.c.",
            "a.b-",
            "127.0.0.1",
            "a:b",
            "",
            "[::1]",
            "[::1",
            "[::g]",
            "[::1]x",
            "[]",
            "[::FFFF:1]",
            "[::ffff:1]",
            "a[b",
            "é",
            &long_label,
            &too_long_label,
            &host_253,
            &host_254,
        ];
        let host_254_dot = format!("{host_253}.");
        for scheme in ["https", "http", "a1+.-", "1a", "A", ""] {
            for host in hosts.iter().copied().chain([host_254_dot.as_str()]) {
                for port in [
                    "", ":1", ":0", ":01", ":65535", ":65536", ":99999", ":", ":a",
                ] {
                    for tail in ["", "/", "/x", "?q", "#f", "@h"] {
                        let origin = format!("{scheme}://{host}{port}{tail}");
                        assert_eq!(
                            is_serialized_origin(origin.as_bytes()),
                            split_origin(&origin).is_some(),
                            "{origin:?}"
                        );
                    }
                }
            }
        }
        assert!(is_serialized_origin(b"https://app.example.com"));
        assert!(is_serialized_origin(b"http://[::1]:3000"));
        assert!(!is_serialized_origin(b"https://example.com/index.html"));
        assert!(!is_serialized_origin(b"invalid_origin"));
    }

    #[test]
    fn display_gives_back_the_pattern() {
        for p in [
            "https://*.example.com",
            "http://localhost:*",
            "https://*.example.com:8443",
            "http://*.localhost:*",
        ] {
            assert_eq!(OriginPattern::parse(p).unwrap().to_string(), p);
        }
    }

    #[test]
    fn near_misses_name_the_pattern_and_the_difference() {
        let s = set(&["https://*.example.com", "http://localhost:*"]);
        let hint = |o: &str| s.near_miss(o).map(|(_, h)| h).unwrap_or_default();
        assert!(hint("https://example.com").contains("not `example.com` itself"));
        assert!(hint("http://app.example.com").contains("scheme differs (http vs https)"));
        assert!(hint("https://app.example.com:8443").contains("port differs (8443 vs none)"));
        assert!(hint("https://APP.example.com").contains("letter case"));
        assert!(hint("https://localhost:3000").contains("scheme differs"));
        assert_eq!(s.near_miss("https://evil.org"), None);
    }

    mod properties {
        use proptest::prelude::*;

        use super::super::*;

        proptest! {
            /// The byte-level check accepts exactly what `split_origin` splits, on
            /// origin-like text (schemes, hosts, brackets, ports, paths, case) and on noise.
            #[test]
            fn is_serialized_origin_accepts_what_split_origin_splits(
                origin in prop_oneof![
                    3 => (
                        prop_oneof!["https?", "[a-z][a-z0-9+.-]{0,5}", "[A-Za-z0-9+.-]{0,4}"],
                        prop_oneof![
                            "[a-z0-9_]{1,8}(\\.[a-z0-9-]{1,8}){0,3}\\.?",
                            "\\[[0-9a-f:]{2,12}\\]",
                            "[a-zA-Z0-9._:\\[\\]-]{0,12}",
                        ],
                        prop_oneof![Just(String::new()), ":[0-9]{0,6}", ":0[0-9]{0,3}"],
                        prop_oneof![Just(String::new()), "[/?#@:][a-z]{0,3}"],
                    )
                        .prop_map(|(s, h, p, t)| format!("{s}://{h}{p}{t}")),
                    1 => "[ -~]{0,40}",
                ],
            ) {
                prop_assert_eq!(
                    is_serialized_origin(origin.as_bytes()),
                    split_origin(&origin).is_some(),
                    "{:?}", origin
                );
            }

            /// Any text gets an answer (no panic); an accepted pattern is lower-case ASCII
            /// without white space, has a scheme and a wildcard, and prints back as written.
            #[test]
            fn any_text_is_answered_and_accepted_patterns_print_back(
                input in "[a-zA-Z0-9*:/.\\[\\]@ -]{0,40}",
            ) {
                if let Ok(pattern) = OriginPattern::parse(&input) {
                    prop_assert!(input.is_ascii());
                    prop_assert!(!input.bytes().any(|b| b.is_ascii_uppercase() || b.is_ascii_whitespace()));
                    prop_assert!(input.contains("://"));
                    prop_assert!(input.contains('*'));
                    prop_assert_eq!(pattern.to_string(), input);
                }
            }

            /// `scheme://*.domain` matches every origin one or more labels below the domain,
            /// on the default port, and never the domain itself nor another scheme.
            #[test]
            fn subdomain_patterns_match_exactly_the_subdomains(
                labels in proptest::collection::vec("[a-z0-9]{1,8}", 1..4),
                domain in "[a-z]{3,10}\\.(com|org|net)",
            ) {
                let set = {
                    let mut set = PatternSet::default();
                    set.insert(OriginPattern::parse(&format!("https://*.{domain}")).unwrap());
                    set
                };
                let sub = format!("https://{}.{domain}", labels.join("."));
                prop_assert!(set.matches(&sub), "{sub}");
                let apex = format!("https://{domain}");
                prop_assert!(!set.matches(&apex));
                let http = format!("http://{}.{domain}", labels.join("."));
                prop_assert!(!set.matches(&http));
                let other_port = format!("{sub}:8443");
                prop_assert!(!set.matches(&other_port));
            }
        }
    }
}
