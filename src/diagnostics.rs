//! Log output that says *why*: a summary of the policy at start-up, and for each refused
//! request the reason, with the closest configured origin when it is a near miss.
//!
//! - At build time, one `info` line: counts and kinds of origin rules (never the origins
//!   themselves), the methods, the request-header names, credentials and max-age.
//! - For each refused request, one `debug` line: `corsair: {preflight|request} METHOD PATH
//!   from `ORIGIN` refused: REASON; DETAIL`, where DETAIL names the closest configured origin or
//!   pattern for a near miss (letter case, a path or trailing `/`, scheme, port, `www.`, a typo
//!   of one or two characters), the allowed methods, or the refused header. The search is
//!   bounded whatever the policy size (anyone can cause a refusal): a policy of more than 64
//!   exact origins is searched through an index ([`ExactIndex`]), patterns by their domain.
//! - Allowed requests log nothing above `trace`.
//!
//! Nothing here runs, formats or allocates unless its level is enabled for this crate: each
//! entry point checks `log::log_enabled!` first, and the request path only calls in here for
//! refusals.

mod candidates;

use std::borrow::Cow;

use actix_web::{
    dev::RequestHead,
    http::{header, Method},
};

pub(crate) use self::candidates::ExactIndex;
use crate::{
    fetch::{NORMALIZED_METHODS, SAFELISTED_METHODS},
    origin::{closest, serialized::split_host_port},
    policy::{Compiled, Refusal},
};

/// Request origins longer than this are cut short in log lines.
const SHOWN_ORIGIN_LEN: usize = 200;

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
            .map_or_else(
                || "GET, HEAD, POST only".to_owned(),
                |m| match safelisted_missing(&policy.methods.list) {
                    None => m.to_owned(),
                    Some(rest) => format!("{m} (and {rest})"),
                },
            )
    };
    let headers = if policy.headers.any {
        "any".to_owned()
    } else {
        policy
            .headers
            .value
            .as_ref()
            .and_then(|v| v.to_str().ok())
            .unwrap_or("CORS-safelisted only")
            .to_owned()
    };
    log::info!(
        "corsair: policy ready: {origins}{null}; credentials {cred}; methods: {methods}; request headers: {headers}; max-age: {age}",
        null = if o.allow_null { ", null allowed" } else { "" },
        cred = if policy.flags.credentials { "on" } else { "off" },
        age = policy
            .max_age
            .as_ref()
            .and_then(|v| v.to_str().ok())
            .map_or_else(|| "not sent".to_owned(), |s| format!("{s} s")),
    );
}

/// The CORS-safelisted methods (always allowed in a preflight) missing from `list`, joined.
fn safelisted_missing(list: &[Method]) -> Option<String> {
    let missing: Vec<&str> = SAFELISTED_METHODS
        .into_iter()
        .filter(|m| !list.iter().any(|l| l.as_str() == *m))
        .collect();
    (!missing.is_empty()).then(|| missing.join(", "))
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
    let origin = shown(&origin);
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

/// `origin`, cut short (on a character boundary) when it is very long.
fn shown(origin: &str) -> Cow<'_, str> {
    if origin.len() <= SHOWN_ORIGIN_LEN {
        return Cow::Borrowed(origin);
    }
    let mut cut = SHOWN_ORIGIN_LEN;
    while !origin.is_char_boundary(cut) {
        cut -= 1;
    }
    Cow::Owned(format!("{}... ({} bytes)", &origin[..cut], origin.len()))
}

/// The request headers Starlette (FastAPI) allows in every preflight without listing them
/// (its `SAFELISTED_HEADERS`), in the lower case browsers send. `CorsConfig` keeps that
/// meaning; the builder (actix-cors semantics) does not, and its refusals say so.
pub(crate) const STARLETTE_ALWAYS_ALLOWED_HEADERS: [&str; 4] = [
    "accept",
    "accept-language",
    "content-language",
    "content-type",
];

/// Details for a refusal: the near miss, the allowed methods, or the refused header.
pub(crate) fn detail(policy: &Compiled, head: &RequestHead, reason: Refusal) -> Option<String> {
    let origin = head.headers.get(header::ORIGIN)?.to_str().ok();
    match reason {
        Refusal::OriginNotAllowed => Some(origin_detail(policy, origin?)),
        Refusal::MethodNotAllowed => method_detail(policy, head),
        Refusal::HeaderNotAllowed => header_detail(policy, head),
        _ => None,
    }
}

/// Why `origin` was refused: nothing configured, the closest near miss, or no match at all.
fn origin_detail(policy: &Compiled, origin: &str) -> String {
    let o = &policy.origins;
    if o.is_empty()
        || (o.allow_null
            && o.exact.is_empty()
            && o.patterns.is_empty()
            && o.regexes.is_empty()
            && o.predicates.is_empty())
    {
        return format!(
            "no origin is configured at all; add it with `.allowed_origin(\"{}\")`",
            shown(origin)
        );
    }
    // A bounded search: every origin of a small policy, indexed candidates in a large one.
    let exact = if o.exact.len() <= candidates::SCAN_ALL {
        exact_near_miss(origin, o.exact_origins())
    } else {
        let index = o
            .near_miss_index
            .get_or_init(|| ExactIndex::new(o.exact_origins()));
        exact_near_miss(origin, index.candidates(origin).into_iter())
    };
    let pattern = o.patterns.near_miss(origin);
    // The exact origin wins a tie.
    // The closer hint; the exact origin's on a tie (`min_by_key` keeps the first).
    let best = [exact, pattern]
        .into_iter()
        .flatten()
        .min_by_key(|(rank, _)| *rank);
    match best {
        Some((_, hint)) => hint,
        None => format!(
            "`{}` matches no configured origin, pattern, regex or predicate",
            shown(origin)
        ),
    }
}

/// Why the preflight's requested method was refused: a letter-case slip, or the allowed list.
fn method_detail(policy: &Compiled, head: &RequestHead) -> Option<String> {
    let method = head
        .headers
        .get(header::ACCESS_CONTROL_REQUEST_METHOD)?
        .to_str()
        .ok()?;
    let methods = &policy.methods;
    if let Some(same) = methods
        .list
        .iter()
        .find(|m| m.as_str().eq_ignore_ascii_case(method))
    {
        return Some(format!(
            "method `{method}` was requested but `{same}` is allowed, and methods are case-sensitive; send `{same}` from the page (browsers only upper-case {})",
            NORMALIZED_METHODS.join(", ")
        ));
    }
    let allowed = methods
        .value
        .as_ref()
        .and_then(|v| v.to_str().ok())
        .map_or_else(
            || "GET, HEAD, POST only".to_owned(),
            |m| match safelisted_missing(&methods.list) {
                None => m.to_owned(),
                Some(rest) => format!("{m}, plus {rest}"),
            },
        );
    Some(format!(
        "method `{method}` is not allowed (allowed: {allowed}); add it with `.allowed_methods([\"{method}\"])`"
    ))
}

/// Which requested header was refused, noting FastAPI's implicitly allowed ones.
fn header_detail(policy: &Compiled, head: &RequestHead) -> Option<String> {
    let name = policy.first_refused_header(head)?;
    // Starlette (FastAPI) allows its four safelisted headers without listing them;
    // say so to users who moved a config over by hand.
    if STARLETTE_ALWAYS_ALLOWED_HEADERS
        .iter()
        .any(|safe| safe.eq_ignore_ascii_case(name))
    {
        return Some(format!(
            "request header `{name}` is not allowed; FastAPI allows `{name}` implicitly, corsair's builder does not: add `.allowed_header(\"{name}\")` (or use `CorsConfig`, which keeps FastAPI's meaning)"
        ));
    }
    Some(format!(
        "request header `{name}` is not allowed; add it with `.allowed_header(\"{name}\")`"
    ))
}

/// The closest configured origin to `origin`, phrased as a hint, when the difference is a
/// classic mistake (letter case, a path, scheme, port, `www.`, a typo of a character or two).
#[cfg(test)]
pub(crate) fn near_miss<'a>(
    origin: &str,
    configured: impl Iterator<Item = &'a str>,
) -> Option<String> {
    exact_near_miss(origin, configured).map(|(_, hint)| hint)
}

/// The closest configured exact origin as a hint, with its rank (lower is closer) to compare
/// with pattern hints.
fn exact_near_miss<'a>(
    origin: &str,
    configured: impl Iterator<Item = &'a str>,
) -> Option<(u32, String)> {
    let req = Parts::of(origin);
    let why = |candidate: &&str| {
        let candidate = *candidate;
        if origin != candidate && origin.eq_ignore_ascii_case(candidate) {
            Some((
                0,
                "only letter case differs, and browsers send origins in lower case".to_owned(),
            ))
        } else if origin
            .strip_prefix(candidate)
            .is_some_and(|rest| rest.starts_with('/'))
        {
            Some((
                0,
                "the request's origin has a trailing `/` or a path, which browsers never send (a proxy or a non-browser client wrote it)".to_owned(),
            ))
        } else if let (Some(req), Some(cfg)) = (&req, &Parts::of(candidate)) {
            parts_near_miss(origin, candidate, req, cfg)
        } else {
            None
        }
    };
    closest(configured, why, |candidate, text| {
        format!("did you mean `{candidate}`? {text}")
    })
}

/// Near misses between two well-split origins.
fn parts_near_miss(
    origin: &str,
    candidate: &str,
    req: &Parts,
    cfg: &Parts,
) -> Option<(u32, String)> {
    if req.host == cfg.host && req.port == cfg.port && req.scheme != cfg.scheme {
        Some((
            1,
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
    } else {
        let d = typo_distance(origin.as_bytes(), candidate.as_bytes())?;
        Some((2 + d as u32, format!("{d} character(s) differ")))
    }
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

/// The largest edit distance still reported as a typo.
const MAX_TYPO: usize = 2;

/// The Levenshtein distance between `a` and `b` (over bytes) when it is at most [`MAX_TYPO`].
///
/// Cheap, since it runs on every candidate of each refused request with `debug` logging on
/// (at most 64 origins, or the indexed candidates of a larger policy): the common prefix and
/// suffix are skipped, only the diagonal band of width `2 * MAX_TYPO + 1` is computed, on the
/// stack, and the scan stops as soon as every cell of a row exceeds [`MAX_TYPO`].
fn typo_distance(a: &[u8], b: &[u8]) -> Option<usize> {
    const K: usize = MAX_TYPO;
    const FAR: usize = K + 1;
    if a.len().abs_diff(b.len()) > K {
        return None;
    }
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (a, b) = (&a[prefix..], &b[prefix..]);
    let suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (a, b) = (&a[..a.len() - suffix], &b[..b.len() - suffix]);
    let (n, m) = (a.len(), b.len());
    // Band coordinates: `row[d]` holds the distance between `a[..i]` and `b[..j]` with
    // `j = i + d - K`; cells whose `j` falls outside `0..=m` hold FAR.
    let mut prev = [FAR; 2 * K + 1];
    for (d, cell) in prev.iter_mut().enumerate().skip(K) {
        if d - K <= m {
            *cell = d - K;
        }
    }
    for i in 1..=n {
        let mut cur = [FAR; 2 * K + 1];
        for d in 0..=2 * K {
            let Some(j) = (i + d).checked_sub(K) else {
                continue;
            };
            if j > m {
                break;
            }
            cur[d] = if j == 0 {
                i
            } else {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                let diagonal = prev[d] + cost;
                let up = prev.get(d + 1).map_or(FAR, |v| v + 1);
                let left = d.checked_sub(1).map_or(FAR, |l| cur[l] + 1);
                diagonal.min(up).min(left).min(FAR)
            };
        }
        if cur.iter().all(|&v| v > K) {
            return None;
        }
        prev = cur;
    }
    let distance = prev[m + K - n];
    (distance <= K).then_some(distance)
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
    fn case_wins_over_scheme() {
        let h = hint("HTTPS://app.example.com", &["https://app.example.com"]).unwrap();
        assert!(h.contains("only letter case differs"), "{h}");
    }

    #[test]
    fn trailing_slash_and_path_are_named() {
        for origin in ["https://app.example.com/", "https://app.example.com/x"] {
            let h = hint(origin, &["https://app.example.com"]).unwrap();
            assert!(h.contains("trailing `/` or a path"), "{h}");
        }
    }

    #[test]
    fn small_typo_is_named_and_unrelated_origins_are_not() {
        let h = hint("https://app.exmple.com", &["https://app.example.com"]).unwrap();
        assert!(h.contains("1 character(s) differ"), "{h}");
        assert_eq!(hint("https://evil.org", &["https://app.example.com"]), None);
    }

    /// The plain dynamic-programming distance, to check the banded one against.
    fn full_distance(a: &[u8], b: &[u8]) -> usize {
        let mut prev: Vec<usize> = (0..=b.len()).collect();
        for (i, &ca) in a.iter().enumerate() {
            let mut cur = vec![i + 1; b.len() + 1];
            for (j, &cb) in b.iter().enumerate() {
                let cost = usize::from(ca != cb);
                cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
            }
            prev = cur;
        }
        prev[b.len()]
    }

    proptest::proptest! {
        #[test]
        fn banded_distance_agrees_with_the_full_one(a in "[ab.]{0,12}", b in "[ab.]{0,12}") {
            let full = full_distance(a.as_bytes(), b.as_bytes());
            let banded = typo_distance(a.as_bytes(), b.as_bytes());
            proptest::prop_assert_eq!(banded, (full <= MAX_TYPO).then_some(full));
        }
    }

    #[test]
    fn long_origins_are_cut_on_a_character_boundary() {
        let long = format!(
            "https://{}ü{}",
            "a".repeat(SHOWN_ORIGIN_LEN - 9),
            ".example".repeat(20)
        );
        let s = shown(&long);
        assert!(s.len() < long.len(), "{s}");
        assert!(s.ends_with(&format!("... ({} bytes)", long.len())), "{s}");
        assert_eq!(shown("https://a.com"), "https://a.com");
    }
}
