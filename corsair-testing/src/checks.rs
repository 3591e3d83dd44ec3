//! The checks a browser runs on responses: the Fetch standard's "CORS check", the
//! "CORS-preflight fetch" steps on methods, headers and max-age, and which headers script may
//! read ("CORS-filtered response"). In the order and with the reasons Chromium reports them.

use std::time::Duration;

use super::{
    outcome::{Reason, Warning},
    safelist::{is_safelisted_method, is_safelisted_response_header},
    Credentials,
};

/// The response headers the checks look at: lower-case names, raw values, in order.
pub(crate) type Headers = [(String, String)];

/// All values of a header joined by `, ` (how a header list "gets" a combined value), or
/// `None` when absent.
pub(crate) fn get(headers: &Headers, name: &str) -> Option<String> {
    let values: Vec<&str> = headers
        .iter()
        .filter(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
        .collect();
    (!values.is_empty()).then(|| values.join(", "))
}

/// Fetch standard, "CORS check": `Access-Control-Allow-Origin` must be the request's origin
/// (or `*` without credentials), and under `credentials: 'include'`
/// `Access-Control-Allow-Credentials` must be `true`. Chromium's order of reasons:
/// missing, wildcard, multiple values, invalid, mismatch, then credentials.
pub(crate) fn cors_check(
    headers: &Headers,
    origin: &str,
    credentials: Credentials,
) -> Result<(), Reason> {
    let include = credentials == Credentials::Include;
    let Some(allow_origin) = get(headers, "access-control-allow-origin") else {
        return Err(Reason::MissingAllowOrigin);
    };
    if allow_origin == "*" {
        if include {
            return Err(Reason::WildcardOriginWithCredentials);
        }
        return Ok(());
    }
    if allow_origin != origin {
        if allow_origin.contains([' ', ',']) {
            return Err(Reason::MultipleAllowOriginValues(allow_origin));
        }
        if allow_origin != "null" && !allow_origin.contains("://") {
            return Err(Reason::InvalidAllowOrigin(allow_origin));
        }
        return Err(Reason::AllowOriginMismatch(allow_origin));
    }
    if include {
        let credentials = get(headers, "access-control-allow-credentials").unwrap_or_default();
        if credentials != "true" {
            return Err(Reason::AllowCredentialsNotTrue(credentials));
        }
    }
    Ok(())
}

/// A parsed preflight answer: what it allows and for how long.
#[derive(Clone, Debug)]
pub(crate) struct Allowance {
    pub(crate) methods: Vec<String>,
    pub(crate) headers: Vec<String>,
    pub(crate) max_age: Duration,
}

/// Chromium's longest preflight-cache lifetime: `kMaxTimeout = base::Hours(2)` in
/// `services/network/cors/preflight_result.cc` (Chromium 76 and later; Firefox: 24 hours).
///
/// ```
/// assert_eq!(corsair_testing::CHROMIUM_MAX_AGE_CAP.as_secs(), 7200);
/// ```
pub const CHROMIUM_MAX_AGE_CAP: Duration = Duration::from_secs(2 * 60 * 60);

/// The lifetime when `Access-Control-Max-Age` is absent or does not parse: 5 seconds (Fetch
/// standard, "CORS-preflight fetch" step 7.5; Chromium's `kDefaultTimeout`).
///
/// ```
/// assert_eq!(corsair_testing::DEFAULT_MAX_AGE.as_secs(), 5);
/// ```
pub const DEFAULT_MAX_AGE: Duration = Duration::from_secs(5);

/// Fetch standard, "extracting header list values" of a comma-separated list, each item a
/// token; `Err` if one is not.
fn parse_list(headers: &Headers, name: &str) -> Result<Vec<String>, ()> {
    let Some(value) = get(headers, name) else {
        return Ok(Vec::new());
    };
    value
        .split(',')
        .map(|item| item.trim_matches([' ', '\t']))
        .filter(|item| !item.is_empty())
        .map(|item| {
            if corsair_fetch::is_token(item.as_bytes()) {
                Ok(item.to_owned())
            } else {
                Err(())
            }
        })
        .collect()
}

/// Parses `Access-Control-Allow-Methods`, `-Headers` and `-Max-Age` of a preflight response
/// whose CORS check and status already passed (Fetch standard, "CORS-preflight fetch" steps
/// 7.1–7.5; max-age capped as Chromium caps it).
pub(crate) fn parse_allowance(headers: &Headers) -> Result<Allowance, Reason> {
    let methods = parse_list(headers, "access-control-allow-methods")
        .map_err(|()| Reason::InvalidAllowMethods)?;
    let headers_allowed = parse_list(headers, "access-control-allow-headers")
        .map_err(|()| Reason::InvalidAllowHeaders)?
        .into_iter()
        .map(|h| h.to_ascii_lowercase())
        .collect();
    let max_age = get(headers, "access-control-max-age")
        .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|v| v.parse::<u64>().ok())
        .map_or(DEFAULT_MAX_AGE, Duration::from_secs)
        .min(CHROMIUM_MAX_AGE_CAP);
    Ok(Allowance {
        methods,
        headers: headers_allowed,
        max_age,
    })
}

impl Allowance {
    /// Fetch standard, "CORS-preflight fetch" steps 7.6–7.8: the method must be safelisted,
    /// listed (case-sensitively), or covered by `*` without credentials; every unsafe header
    /// listed (case-insensitively) or covered by `*` without credentials.
    ///
    /// The standard adds that `*` never covers `Authorization` (a "CORS non-wildcard
    /// request-header name"), but no shipping engine enforces it (whatwg/fetch#1919): Chromium
    /// and Firefox let it through. The simulator follows them and returns
    /// [`Warning::AuthorizationCoveredByWildcard`] instead of refusing.
    ///
    /// Every refused header is returned, in the simulator's order (alphabetical); the reason
    /// names the first.
    pub(crate) fn permits(
        &self,
        method: &str,
        unsafe_headers: &[String],
        credentials: Credentials,
    ) -> Result<Option<Warning>, (Reason, Vec<String>)> {
        let include = credentials == Credentials::Include;
        let star = |list: &[String]| !include && list.iter().any(|m| m == "*");
        if !is_safelisted_method(method)
            && !self.methods.iter().any(|m| m == method)
            && !star(&self.methods)
        {
            return Err((Reason::MethodNotAllowed(method.to_owned()), Vec::new()));
        }
        let refused: Vec<String> = unsafe_headers
            .iter()
            .filter(|name| !self.headers.contains(name) && !star(&self.headers))
            .cloned()
            .collect();
        if let Some(first) = refused.first() {
            return Err((Reason::HeaderNotAllowed(first.clone()), refused));
        }
        let authorization_by_star = unsafe_headers.iter().any(|n| n == "authorization")
            && !self.headers.iter().any(|h| h == "authorization");
        Ok(authorization_by_star.then_some(Warning::AuthorizationCoveredByWildcard))
    }
}

/// Fetch standard, "CORS-filtered response": the headers script may read. Safelisted names,
/// plus those in `Access-Control-Expose-Headers`, where `*` exposes all of them except under
/// `credentials: 'include'`; `Set-Cookie` never.
pub(crate) fn readable_headers(
    headers: &Headers,
    credentials: Credentials,
    cors: bool,
) -> Vec<(String, String)> {
    let exposed = parse_list(headers, "access-control-expose-headers").unwrap_or_default();
    let star = credentials != Credentials::Include && exposed.iter().any(|e| e == "*");
    let mut out: Vec<(String, String)> = Vec::new();
    for (name, _) in headers {
        if corsair_fetch::FORBIDDEN_RESPONSE_HEADERS.contains(&name.as_str())
            || out.iter().any(|(n, _)| n == name)
        {
            continue;
        }
        let readable = !cors
            || star
            || is_safelisted_response_header(name)
            || exposed.iter().any(|e| e.eq_ignore_ascii_case(name));
        if readable {
            out.push((name.clone(), get(headers, name).unwrap_or_default()));
        }
    }
    out
}

/// The headers the response sent that the script cannot read but could, if the server
/// exposed them: lower-case names in response order. Left out: `Set-Cookie` (never readable),
/// the CORS protocol's own `Access-Control-*` headers and `Vary` (addressed to the browser and
/// to caches, not to scripts). Empty for a same-origin request, which reads every header.
pub(crate) fn hidden_headers(
    headers: &Headers,
    readable: &[(String, String)],
    cors: bool,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if !cors {
        return out;
    }
    for (name, _) in headers {
        let addressed_elsewhere = corsair_fetch::FORBIDDEN_RESPONSE_HEADERS
            .contains(&name.as_str())
            || name.starts_with("access-control-")
            || name == "vary";
        if addressed_elsewhere || readable.iter().any(|(n, _)| n == name) || out.contains(name) {
            continue;
        }
        out.push(name.clone());
    }
    out
}

/// Whether the response's `Access-Control-Expose-Headers` has `*` (which exposes nothing under
/// `credentials: 'include'`).
pub(crate) fn exposes_star(headers: &Headers) -> bool {
    parse_list(headers, "access-control-expose-headers")
        .unwrap_or_default()
        .iter()
        .any(|e| e == "*")
}
