//! Which requests a browser sends without asking first: the Fetch standard's safelists.
//!
//! Restated from the Fetch standard (<https://fetch.spec.whatwg.org/>):
//! §2.2.1 "CORS-safelisted method", §2.2.2 "CORS-safelisted request-header",
//! "CORS-unsafe request-header byte", "CORS-unsafe request-header names",
//! "forbidden request-header" and §2.2.2 "CORS-safelisted response-header name".
//!
//! The lists themselves are the one copy of the standard's facts, in the `corsair-fetch`
//! crate, shared with corsair's middleware: the simulator plays the browser, which follows the
//! same standard, and an independent oracle would be a second copy to keep in step. What
//! checks the simulator is independent of it: the Chromium comparison
//! (`tests/it/browser/simulator_vs_chromium.rs`) and the facts restated in the tests.

use corsair_fetch as fetch;

/// The Fetch standard's *CORS-safelisted method*: `GET`, `HEAD` or `POST` (case-sensitive, as
/// `fetch()` upper-cases only the standard methods before this check).
///
/// ```
/// use corsair_testing::safelist::is_safelisted_method;
/// assert!(is_safelisted_method("POST"));
/// assert!(!is_safelisted_method("PUT"));
/// ```
pub fn is_safelisted_method(method: &str) -> bool {
    fetch::is_safelisted_method(method.as_bytes())
}

/// The Fetch standard's *CORS-unsafe request-header byte*: a control byte other than tab,
/// one of `"():<>?@[\]{}`, or DEL.
fn is_unsafe_byte(b: u8) -> bool {
    (b < 0x20 && b != 0x09) || b"\"():<>?@[\\]{}\x7f".contains(&b)
}

/// The Fetch standard's *CORS-safelisted request-header* for one `name: value` pair,
/// including the value rules and the 128-byte limit per value.
///
/// ```
/// use corsair_testing::safelist::is_safelisted_request_header;
/// assert!(is_safelisted_request_header("Content-Type", "text/plain;charset=UTF-8"));
/// assert!(!is_safelisted_request_header("Content-Type", "application/json"));
/// assert!(is_safelisted_request_header("Accept-Language", "en-GB,en;q=0.8"));
/// assert!(!is_safelisted_request_header("Accept-Language", "en_GB"));
/// assert!(!is_safelisted_request_header("X-Api-Key", "k"));
/// ```
pub fn is_safelisted_request_header(name: &str, value: &str) -> bool {
    let value = value.as_bytes();
    if value.len() > 128 {
        return false;
    }
    match name.to_ascii_lowercase().as_str() {
        "accept" => !value.iter().copied().any(is_unsafe_byte),
        "accept-language" | "content-language" => value
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b" *,-.;=".contains(&b)),
        "content-type" => {
            if value.iter().copied().any(is_unsafe_byte) {
                return false;
            }
            matches!(
                mime_essence(value).as_deref(),
                Some("application/x-www-form-urlencoded" | "multipart/form-data" | "text/plain")
            )
        }
        "range" => is_simple_range(value),
        _ => false,
    }
}

/// The lower-cased `type/subtype` of a MIME type (parameters ignored), or `None` when it does
/// not parse as `token/token`.
fn mime_essence(value: &[u8]) -> Option<String> {
    let value = std::str::from_utf8(value).ok()?;
    let essence = value
        .split(';')
        .next()?
        .trim_matches([' ', '\t', '\r', '\n']);
    let (ty, sub) = essence.split_once('/')?;
    let token = |s: &str| fetch::is_token(s.as_bytes());
    (token(ty) && token(sub)).then(|| essence.to_ascii_lowercase())
}

/// `bytes=N-` or `bytes=N-M` (the standard's *simple range header value* with a start).
fn is_simple_range(value: &[u8]) -> bool {
    let Some(rest) = value.strip_prefix(b"bytes=") else {
        return false;
    };
    let Some(dash) = rest.iter().position(|&b| b == b'-') else {
        return false;
    };
    let (start, end) = (&rest[..dash], &rest[dash + 1..]);
    let digits = |s: &[u8]| s.iter().all(u8::is_ascii_digit);
    if start.is_empty() || !digits(start) || !digits(end) {
        return false;
    }
    let num = |s: &[u8]| std::str::from_utf8(s).ok()?.parse::<u64>().ok();
    match (num(start), end.is_empty()) {
        (Some(_), true) => true,
        (Some(a), false) => num(end).is_some_and(|b| a <= b),
        (None, _) => false,
    }
}

/// The Fetch standard's *CORS-unsafe request-header names* of a header list: the lower-cased,
/// sorted, de-duplicated names a preflight must ask about. Safelisted headers become unsafe
/// too when their values together exceed 1024 bytes.
///
/// ```
/// use corsair_testing::safelist::unsafe_request_header_names;
/// let names = unsafe_request_header_names(&[
///     ("X-Api-Key".into(), "k".into()),
///     ("Content-Type".into(), "application/json".into()),
///     ("Accept".into(), "*/*".into()),
/// ]);
/// assert_eq!(names, ["content-type", "x-api-key"]);
/// ```
pub fn unsafe_request_header_names(headers: &[(String, String)]) -> Vec<String> {
    let mut unsafe_names = Vec::new();
    let mut potentially_unsafe = Vec::new();
    let mut safelist_value_size = 0;
    for (name, value) in headers {
        if is_safelisted_request_header(name, value) {
            potentially_unsafe.push(name.to_ascii_lowercase());
            safelist_value_size += value.len();
        } else {
            unsafe_names.push(name.to_ascii_lowercase());
        }
    }
    if safelist_value_size > 1024 {
        unsafe_names.extend(potentially_unsafe);
    }
    unsafe_names.sort();
    unsafe_names.dedup();
    unsafe_names
}

/// The Fetch standard's *forbidden request-header*: names a script cannot set (`fetch()`
/// drops them silently), such as `Cookie`, `Origin`, `Host` and `Sec-*`.
///
/// ```
/// use corsair_testing::safelist::is_forbidden_request_header;
/// assert!(is_forbidden_request_header("Cookie"));
/// assert!(is_forbidden_request_header("sec-fetch-mode"));
/// assert!(!is_forbidden_request_header("Authorization"));
/// ```
pub fn is_forbidden_request_header(name: &str) -> bool {
    fetch::is_forbidden_request_header(name.as_bytes())
}

/// The Fetch standard's *CORS-safelisted response-header name* without exposure: the headers
/// script may always read from a CORS response.
///
/// ```
/// use corsair_testing::safelist::is_safelisted_response_header;
/// assert!(is_safelisted_response_header("Content-Type"));
/// assert!(!is_safelisted_response_header("X-Request-Id"));
/// ```
pub fn is_safelisted_response_header(name: &str) -> bool {
    fetch::SAFELISTED_RESPONSE_HEADERS
        .iter()
        .any(|s| s.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_values_follow_simple_range_header_value() {
        assert!(is_safelisted_request_header("range", "bytes=0-"));
        assert!(is_safelisted_request_header("range", "bytes=5-10"));
        assert!(!is_safelisted_request_header("range", "bytes=-500"));
        assert!(!is_safelisted_request_header("range", "bytes=10-5"));
        assert!(!is_safelisted_request_header("range", "bytes=0-1,3-4"));
    }

    #[test]
    fn values_over_128_bytes_are_never_safelisted() {
        assert!(is_safelisted_request_header("accept", &"a".repeat(128)));
        assert!(!is_safelisted_request_header("accept", &"a".repeat(129)));
    }
}
