//! Origin patterns: `https://*.example.com` (one or more subdomain labels) and
//! `http://localhost:*` (any port), parsed into a structured matcher.
//!
//! Matching never scans the pattern list: patterns are indexed by the domain after `*.` (or
//! the host before `:*`), and an origin is looked up once per dot in its host.

use std::collections::HashMap;

use super::serialized::{default_port, is_host, parse_port, split_host_port};

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

/// Why a pattern was refused at build time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PatternError {
    /// Not a well-formed pattern; the text says what to change.
    Invalid(String),
    /// The wildcard covers a public suffix or top-level domain.
    TooBroad { suffix: String },
}

/// Multi-label public suffixes under which anyone can register a name. The single-label case
/// (any TLD: `*.com`, `*.dev`) is refused by rule, so only suffixes with a dot need listing.
/// This is a deliberately short list of the suffixes most often met in CORS configurations,
/// not the whole Public Suffix List.
const PUBLIC_SUFFIXES: &[&str] = &[
    "co.uk",
    "org.uk",
    "ac.uk",
    "gov.uk",
    "me.uk",
    "com.au",
    "net.au",
    "org.au",
    "co.nz",
    "co.jp",
    "ne.jp",
    "or.jp",
    "co.kr",
    "com.br",
    "com.cn",
    "com.mx",
    "co.in",
    "co.za",
    "com.tr",
    "com.sg",
    "com.hk",
    "com.tw",
    "co.il",
    "com.ar",
    "github.io",
    "gitlab.io",
    "vercel.app",
    "netlify.app",
    "pages.dev",
    "workers.dev",
    "herokuapp.com",
    "web.app",
    "firebaseapp.com",
    "appspot.com",
    "azurewebsites.net",
    "cloudfront.net",
    "fly.dev",
    "onrender.com",
    "s3.amazonaws.com",
    "blogspot.com",
    "ngrok.io",
    "ngrok-free.app",
];

impl OriginPattern {
    /// Parses `scheme://*.domain[:port|:*]` or `scheme://host:*`.
    pub(crate) fn parse(input: &str) -> Result<Self, PatternError> {
        let invalid = |why: &str| Err(PatternError::Invalid(why.to_owned()));
        if input.bytes().any(|b| b.is_ascii_uppercase()) {
            return invalid("it has upper-case letters; browsers send origins in lower case");
        }
        let Some((scheme, rest)) = input.split_once("://") else {
            return invalid("it has no scheme; write e.g. `https://*.example.com`");
        };
        if scheme.is_empty() || scheme.contains('*') {
            return invalid("the scheme cannot be a wildcard; write one pattern per scheme");
        }
        if rest.contains(['/', '?', '#', '@']) {
            return invalid("a pattern is only scheme, host and port: remove the path, query, fragment or user information");
        }
        let (host_part, port_part) = match split_host_port(rest) {
            Ok(parts) => parts,
            Err(_) => return invalid("its host is not valid"),
        };
        let ports = match port_part {
            None => Ports::Exact(None),
            Some("*") => Ports::Any,
            Some(p) => match parse_port(p) {
                Ok(n) if default_port(scheme) == Some(n) => {
                    return invalid("it writes out the scheme's default port, which browsers leave out; remove it");
                }
                Ok(n) => Ports::Exact(Some(n)),
                Err(_) => return invalid("its port is not a number from 1 to 65535 or `*`"),
            },
        };
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
            return invalid("only a leading `*.` label or a `:*` port may be a wildcard");
        }
        if !is_host(host) {
            return invalid("its host is not a valid host name");
        }
        if !subdomains && ports != Ports::Any {
            return invalid("it has no wildcard; use `.allowed_origin(..)` for a single origin");
        }
        if subdomains {
            let is_tld = !host.contains('.') && host != "localhost";
            if is_tld || PUBLIC_SUFFIXES.contains(&host) {
                return Err(PatternError::TooBroad {
                    suffix: host.to_owned(),
                });
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
}

/// An origin split into parts without allocating; `None` if it is not `scheme://host[:port]`.
fn split_origin(origin: &str) -> Option<(&str, &str, Option<u16>)> {
    let (scheme, authority) = origin.split_once("://")?;
    let (host, port) = split_host_port(authority).ok()?;
    let port = match port {
        None => None,
        Some(p) => Some(parse_port(p).ok()?),
    };
    Some((scheme, host, port))
}

/// All patterns of a policy, indexed by host.
#[derive(Debug, Default)]
pub(crate) struct PatternSet {
    /// `*.domain` patterns keyed by `domain`.
    subdomain: HashMap<Box<str>, Vec<OriginPattern>>,
    /// `host:*` patterns keyed by `host`.
    any_port: HashMap<Box<str>, Vec<OriginPattern>>,
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
        // `b.example.com`, `example.com` and `com`. The label in front is never empty.
        host.char_indices()
            .filter(|&(i, c)| c == '.' && i > 0)
            .any(|(i, _)| fits(self.subdomain.get(&host[i + 1..])))
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
    fn any_port_pattern_matches_every_port_of_that_host_only() {
        let s = set(&["http://localhost:*", "http://127.0.0.1:*"]);
        assert!(s.matches("http://localhost:5173"));
        assert!(s.matches("http://localhost"));
        assert!(s.matches("http://127.0.0.1:8000"));
        assert!(!s.matches("https://localhost:5173"));
        assert!(!s.matches("http://localhost.evil.org:5173"));
        assert!(!s.matches("http://evil-localhost:5173"));
    }

    #[test]
    fn too_broad_patterns_are_refused() {
        for p in [
            "https://*.com",
            "https://*.co.uk",
            "https://*",
            "https://*.github.io",
        ] {
            assert!(
                matches!(OriginPattern::parse(p), Err(PatternError::TooBroad { .. })),
                "{p}"
            );
        }
    }

    #[test]
    fn malformed_patterns_are_refused() {
        for p in [
            "*.example.com",
            "https://*.example.com/",
            "https://app.*.example.com",
            "https://*example.com",
            "https://*.Example.com",
            "https://*.example.com:443",
            "https://app.example.com",
            "*://app.example.com",
        ] {
            assert!(
                matches!(OriginPattern::parse(p), Err(PatternError::Invalid(_))),
                "{p}"
            );
        }
    }
}
