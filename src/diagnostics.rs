//! Log output that says *why*: a summary of the policy at start-up, and for each refused
//! request the reason, with the closest configured origin when it is a near miss.
//!
//! Nothing here runs on the hot path unless `debug` logging is enabled for this crate.

use actix_web::{dev::RequestHead, http::header};

use crate::{
    origin::serialized::split_host_port,
    policy::{Compiled, Refusal},
};

/// One `info` line at start-up: counts and kinds, never the origins themselves.
pub(crate) fn log_summary(policy: &Compiled) {
    if !log::log_enabled!(log::Level::Info) {
        return;
    }
    let o = &policy.origins;
    let origins = if o.any {
        "any origin".to_owned()
    } else if o.is_empty() {
        "no origin at all (every cross-origin request will be refused)".to_owned()
    } else {
        format!(
            "{} exact origin(s), {} pattern(s), {} regex(es), {} predicate(s)",
            o.exact.len(),
            o.patterns.len(),
            o.regexes.len(),
            o.predicates.len()
        )
    };
    let methods = if policy.methods.any {
        "any".to_owned()
    } else {
        policy
            .methods
            .value
            .as_ref()
            .and_then(|v| v.to_str().ok())
            .unwrap_or("GET, HEAD, POST only")
            .to_owned()
    };
    let headers = if policy.headers.any {
        "any".to_owned()
    } else {
        policy.headers.list.len().to_string()
    };
    log::info!(
        "corsair: policy ready: {origins}{null}; credentials {cred}; methods: {methods}; request headers: {headers}; max-age: {age}",
        null = if o.allow_null { ", null allowed" } else { "" },
        cred = if policy.credentials { "on" } else { "off" },
        age = policy
            .max_age
            .as_ref()
            .and_then(|v| v.to_str().ok())
            .map_or_else(|| "not sent".to_owned(), |s| format!("{s} s")),
    );
}

/// Logs a refused request at `debug` level, saying why.
pub(crate) fn log_refusal(policy: &Compiled, head: &RequestHead, reason: Refusal, preflight: bool) {
    if !log::log_enabled!(log::Level::Debug) {
        return;
    }
    let origin = head
        .headers
        .get(header::ORIGIN)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .unwrap_or_default();
    let kind = if preflight { "preflight" } else { "request" };
    match detail(policy, head, reason) {
        Some(detail) => log::debug!(
            "corsair: {kind} {} {} from `{origin}` refused: {reason}; {detail}",
            head.method,
            head.uri.path()
        ),
        None => log::debug!(
            "corsair: {kind} {} {} from `{origin}` refused: {reason}",
            head.method,
            head.uri.path()
        ),
    }
}

/// Details for a refusal: the near miss, the allowed methods, or the refused header.
pub(crate) fn detail(policy: &Compiled, head: &RequestHead, reason: Refusal) -> Option<String> {
    let origin = head.headers.get(header::ORIGIN)?.to_str().ok();
    match reason {
        Refusal::OriginNotAllowed => {
            let origin = origin?;
            Some(match near_miss(origin, policy.origins.exact_origins()) {
                Some(hint) => hint,
                None => format!("`{origin}` matches no configured origin"),
            })
        }
        Refusal::MethodNotAllowed => {
            let method = head
                .headers
                .get(header::ACCESS_CONTROL_REQUEST_METHOD)?
                .to_str()
                .ok()?;
            let allowed = policy
                .methods
                .value
                .as_ref()
                .and_then(|v| v.to_str().ok())
                .unwrap_or("none besides GET, HEAD, POST");
            Some(format!(
                "method `{method}` is not allowed (allowed: {allowed})"
            ))
        }
        Refusal::HeaderNotAllowed => {
            let name = policy.first_refused_header(head)?;
            Some(format!(
                "request header `{name}` is not allowed; add it with `.allowed_header(\"{name}\")`"
            ))
        }
        _ => None,
    }
}

/// The closest configured origin to `origin`, phrased as a hint, when the difference is a
/// classic mistake (scheme, port, `www.`, a typo of a character or two).
pub(crate) fn near_miss<'a>(
    origin: &str,
    configured: impl Iterator<Item = &'a str>,
) -> Option<String> {
    let req = Parts::of(origin)?;
    let mut best: Option<(u32, String)> = None;
    for candidate in configured {
        let Some(cfg) = Parts::of(candidate) else {
            continue;
        };
        let why = if req.host == cfg.host && req.port == cfg.port && req.scheme != cfg.scheme {
            Some((
                0,
                format!("scheme differs ({} vs {})", req.scheme, cfg.scheme),
            ))
        } else if req.scheme == cfg.scheme && req.host == cfg.host && req.port != cfg.port {
            Some((
                1,
                format!("port differs ({} vs {})", req.port_text(), cfg.port_text()),
            ))
        } else if req.scheme == cfg.scheme
            && req.port == cfg.port
            && (req.host.strip_prefix("www.") == Some(cfg.host)
                || cfg.host.strip_prefix("www.") == Some(req.host))
        {
            Some((2, "`www.` prefix differs".to_owned()))
        } else if origin.eq_ignore_ascii_case(candidate) {
            Some((2, "only letter case differs".to_owned()))
        } else {
            let d = edit_distance(origin, candidate);
            (d <= 2).then(|| (2 + d as u32, format!("{d} character(s) differ")))
        };
        if let Some((rank, text)) = why {
            if best.as_ref().is_none_or(|(r, _)| rank < *r) {
                best = Some((rank, format!("did you mean `{candidate}`? {text}")));
            }
        }
    }
    best.map(|(_, hint)| hint)
}

struct Parts<'a> {
    scheme: &'a str,
    host: &'a str,
    port: Option<&'a str>,
}

impl<'a> Parts<'a> {
    fn of(origin: &'a str) -> Option<Self> {
        let (scheme, authority) = origin.split_once("://")?;
        let (host, port) = split_host_port(authority).ok()?;
        Some(Parts { scheme, host, port })
    }

    fn port_text(&self) -> &str {
        self.port.unwrap_or("default")
    }
}

/// Levenshtein distance over bytes, stopping early past 3 (only small distances matter).
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len().abs_diff(b.len()) > 3 {
        return 4;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, &ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hint(origin: &str, configured: &[&str]) -> Option<String> {
        near_miss(origin, configured.iter().copied())
    }

    #[test]
    fn port_typo_is_named() {
        let h = hint(
            "http://localhost:5173",
            &["http://localhost:5174", "https://x.org"],
        )
        .unwrap();
        assert!(h.contains("did you mean `http://localhost:5174`"), "{h}");
        assert!(h.contains("port differs (5173 vs 5174)"), "{h}");
    }

    #[test]
    fn scheme_difference_is_named() {
        let h = hint("http://app.example.com", &["https://app.example.com"]).unwrap();
        assert!(h.contains("scheme differs (http vs https)"), "{h}");
    }

    #[test]
    fn www_prefix_is_named() {
        let h = hint("https://www.example.com", &["https://example.com"]).unwrap();
        assert!(h.contains("`www.` prefix differs"), "{h}");
    }

    #[test]
    fn small_typo_is_named_and_unrelated_origins_are_not() {
        let h = hint("https://app.exmple.com", &["https://app.example.com"]).unwrap();
        assert!(h.contains("1 character(s) differ"), "{h}");
        assert_eq!(hint("https://evil.org", &["https://app.example.com"]), None);
    }
}
