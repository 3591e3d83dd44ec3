//! The Fetch standard's facts that corsair relies on, each written once, with its link.
//!
//! A leaf module: it imports nothing from the crate. The start-up checks, the decision on
//! each request, the log hints and the simulated browser of `corsair::testing` all read these
//! definitions, so they cannot drift apart. The crate's tests restate each fact from the
//! standard instead of importing it from here.

/// <https://fetch.spec.whatwg.org/#forbidden-method>: methods no script can send (compared
/// case-insensitively), in upper case.
pub(crate) const FORBIDDEN_METHODS: [&str; 3] = ["CONNECT", "TRACE", "TRACK"];

/// True for a [forbidden method](FORBIDDEN_METHODS), in any case.
pub(crate) fn is_forbidden_method(method: &[u8]) -> bool {
    FORBIDDEN_METHODS
        .iter()
        .any(|f| f.as_bytes().eq_ignore_ascii_case(method))
}

/// <https://fetch.spec.whatwg.org/#cors-safelisted-method>: `GET`, `HEAD` and `POST`, which
/// a browser sends without a preflight. Compared byte for byte (methods are case-sensitive).
pub(crate) const SAFELISTED_METHODS: [&str; 3] = ["GET", "HEAD", "POST"];

/// True for a [CORS-safelisted method](SAFELISTED_METHODS); case-sensitive.
pub(crate) fn is_safelisted_method(method: &[u8]) -> bool {
    matches!(method, b"GET" | b"HEAD" | b"POST")
}

/// <https://fetch.spec.whatwg.org/#concept-method-normalize>: the methods `fetch()` upper-cases
/// when a script writes them in another case. `PATCH` is **not** among them: `fetch(url,
/// {method: "patch"})` sends `patch`.
pub(crate) const NORMALIZED_METHODS: [&str; 6] =
    ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"];

/// The method a browser sends for `method` as a script wrote it: one of the
/// [normalized methods](NORMALIZED_METHODS) in upper case, any other as written.
#[cfg_attr(not(feature = "testing"), allow(dead_code))]
pub(crate) fn normalize_method(method: &str) -> String {
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
pub(crate) const FORBIDDEN_REQUEST_HEADERS: [&str; 20] = [
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
pub(crate) fn is_forbidden_request_header(name: &[u8]) -> bool {
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
pub(crate) const FORBIDDEN_RESPONSE_HEADERS: [&str; 2] = ["set-cookie", "set-cookie2"];

/// <https://fetch.spec.whatwg.org/#cors-safelisted-response-header-name> (without the
/// exposed names), lower case: what a script may always read from a CORS response.
#[cfg_attr(not(feature = "testing"), allow(dead_code))]
pub(crate) const SAFELISTED_RESPONSE_HEADERS: [&str; 7] = [
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
pub(crate) fn is_tchar(b: u8) -> bool {
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
pub(crate) fn is_token(s: &[u8]) -> bool {
    !s.is_empty() && s.iter().all(|&b| is_tchar(b))
}
