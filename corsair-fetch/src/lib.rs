//! The Fetch standard's facts that corsair relies on, each written once, with its link.
//!
//! A leaf crate: it depends on nothing. corsair's start-up checks, its decision on each
//! request and its log hints read these definitions, and so does the browser simulator
//! (`corsair-testing`, re-exported as `corsair::testing`), so the two cannot drift apart.
//! The tests restate each fact from the standard instead of importing it from here.
//!
//! ```
//! // A browser never lets a script send `Cookie`, so no preflight ever asks for it.
//! assert!(corsair_fetch::is_forbidden_request_header(b"cookie"));
//! // `fetch(url, { method: "patch" })` sends `patch`, which is not `PATCH`.
//! assert_eq!(corsair_fetch::normalize_method("patch"), "patch");
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

/// <https://fetch.spec.whatwg.org/#forbidden-method>: methods no script can send (compared
/// case-insensitively), in upper case.
///
/// ```
/// assert!(corsair_fetch::FORBIDDEN_METHODS.contains(&"TRACE"));
/// ```
pub const FORBIDDEN_METHODS: [&str; 3] = ["CONNECT", "TRACE", "TRACK"];

/// True for a [forbidden method](FORBIDDEN_METHODS), in any case.
///
/// ```
/// assert!(corsair_fetch::is_forbidden_method(b"connect"));
/// assert!(!corsair_fetch::is_forbidden_method(b"PATCH"));
/// ```
pub fn is_forbidden_method(method: &[u8]) -> bool {
    FORBIDDEN_METHODS
        .iter()
        .any(|f| f.as_bytes().eq_ignore_ascii_case(method))
}

/// <https://fetch.spec.whatwg.org/#cors-safelisted-method>: `GET`, `HEAD` and `POST`, which
/// a browser sends without a preflight. Compared byte for byte (methods are case-sensitive).
///
/// ```
/// assert_eq!(corsair_fetch::SAFELISTED_METHODS, ["GET", "HEAD", "POST"]);
/// ```
pub const SAFELISTED_METHODS: [&str; 3] = ["GET", "HEAD", "POST"];

/// True for a [CORS-safelisted method](SAFELISTED_METHODS); case-sensitive.
///
/// ```
/// assert!(corsair_fetch::is_safelisted_method(b"POST"));
/// assert!(!corsair_fetch::is_safelisted_method(b"post"));
/// ```
pub fn is_safelisted_method(method: &[u8]) -> bool {
    matches!(method, b"GET" | b"HEAD" | b"POST")
}

/// <https://fetch.spec.whatwg.org/#concept-method-normalize>: the methods `fetch()` upper-cases
/// when a script writes them in another case. `PATCH` is **not** among them: `fetch(url,
/// {method: "patch"})` sends `patch`.
///
/// ```
/// assert!(!corsair_fetch::NORMALIZED_METHODS.contains(&"PATCH"));
/// ```
pub const NORMALIZED_METHODS: [&str; 6] = ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"];

/// The method a browser sends for `method` as a script wrote it: one of the
/// [normalized methods](NORMALIZED_METHODS) in upper case, any other as written.
///
/// ```
/// assert_eq!(corsair_fetch::normalize_method("delete"), "DELETE");
/// assert_eq!(corsair_fetch::normalize_method("patch"), "patch");
/// ```
pub fn normalize_method(method: &str) -> String {
    match NORMALIZED_METHODS
        .iter()
        .find(|m| m.eq_ignore_ascii_case(method))
    {
        Some(m) => (*m).to_owned(),
        None => method.to_owned(),
    }
}

/// <https://fetch.spec.whatwg.org/#forbidden-request-header>, lower case: names scripts can
/// never set, so no preflight asks for them. Names starting with `proxy-` or `sec-` are
/// forbidden too (see [`is_forbidden_request_header`]).
///
/// (The standard also forbids `X-HTTP-Method`, `X-HTTP-Method-Override` and
/// `X-Method-Override` when their *value* names a forbidden method; a script can set them
/// with other values, so the names themselves may be asked for.)
///
/// ```
/// assert!(corsair_fetch::FORBIDDEN_REQUEST_HEADERS.contains(&"cookie"));
/// ```
pub const FORBIDDEN_REQUEST_HEADERS: [&str; 20] = [
    "accept-charset",
    "accept-encoding",
    "access-control-request-headers",
    "access-control-request-method",
    "connection",
    "content-length",
    "cookie",
    "date",
    "dnt",
    "expect",
    "host",
    "keep-alive",
    "origin",
    "referer",
    "set-cookie",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "via",
];

/// True for a forbidden request-header name ([the list](FORBIDDEN_REQUEST_HEADERS), or a
/// `proxy-` / `sec-` prefix), compared case-insensitively; does not allocate.
///
/// ```
/// assert!(corsair_fetch::is_forbidden_request_header(b"Sec-Fetch-Site"));
/// assert!(corsair_fetch::is_forbidden_request_header(b"Origin"));
/// assert!(!corsair_fetch::is_forbidden_request_header(b"Authorization"));
/// ```
pub fn is_forbidden_request_header(name: &[u8]) -> bool {
    let starts = |prefix: &[u8]| {
        name.len() >= prefix.len() && name[..prefix.len()].eq_ignore_ascii_case(prefix)
    };
    FORBIDDEN_REQUEST_HEADERS
        .iter()
        .any(|f| f.as_bytes().eq_ignore_ascii_case(name))
        || starts(b"proxy-")
        || starts(b"sec-")
}

/// <https://fetch.spec.whatwg.org/#forbidden-response-header-name>, lower case: response
/// headers scripts can never read, exposed or not.
///
/// ```
/// assert!(corsair_fetch::FORBIDDEN_RESPONSE_HEADERS.contains(&"set-cookie"));
/// ```
pub const FORBIDDEN_RESPONSE_HEADERS: [&str; 2] = ["set-cookie", "set-cookie2"];

/// <https://fetch.spec.whatwg.org/#cors-safelisted-response-header-name> (without the
/// exposed names), lower case: what a script may always read from a CORS response.
///
/// ```
/// assert!(corsair_fetch::SAFELISTED_RESPONSE_HEADERS.contains(&"content-type"));
/// assert!(!corsair_fetch::SAFELISTED_RESPONSE_HEADERS.contains(&"x-request-id"));
/// ```
pub const SAFELISTED_RESPONSE_HEADERS: [&str; 7] = [
    "cache-control",
    "content-language",
    "content-length",
    "content-type",
    "expires",
    "last-modified",
    "pragma",
];

/// `tchar` of RFC 9110 (<https://www.rfc-editor.org/rfc/rfc9110#name-tokens>), which the Fetch
/// standard uses for methods and header names.
///
/// ```
/// assert!(corsair_fetch::is_tchar(b'~'));
/// assert!(!corsair_fetch::is_tchar(b':'));
/// ```
#[inline]
pub fn is_tchar(b: u8) -> bool {
    TCHAR[b as usize]
}

const TCHAR: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'!' | b'#'
                    | b'$'
                    | b'%'
                    | b'&'
                    | b'\''
                    | b'*'
                    | b'+'
                    | b'-'
                    | b'.'
                    | b'^'
                    | b'_'
                    | b'`'
                    | b'|'
                    | b'~'
            );
        i += 1;
    }
    t
};

/// A token: a non-empty run of [`tchar`](is_tchar)s.
///
/// ```
/// assert!(corsair_fetch::is_token(b"x-request-id"));
/// assert!(!corsair_fetch::is_token(b"x id"));
/// assert!(!corsair_fetch::is_token(b""));
/// ```
#[inline]
pub fn is_token(s: &[u8]) -> bool {
    !s.is_empty() && s.iter().all(|&b| is_tchar(b))
}
