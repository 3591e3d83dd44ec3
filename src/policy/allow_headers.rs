//! [`Access-Control-Allow-Headers`](https://fetch.spec.whatwg.org/#http-access-control-allow-headers):
//! which request headers a preflight may ask for in `Access-Control-Request-Headers`.
//!
//! Rule: the requested list must be well formed (see [`request_headers`](super::request_headers));
//! every name in it must be listed (case-insensitively). "Any header" echoes the requested
//! list, but never grants the standard's
//! [forbidden request-header names](https://fetch.spec.whatwg.org/#forbidden-request-header),
//! which no script can set. The list is joined into one value at start-up.

use actix_web::{
    dev::RequestHead,
    http::header::{self, HeaderMap, HeaderName, HeaderValue},
};

use super::{request_headers, Refusal};
use crate::{fetch::is_forbidden_request_header, header_value::joined};

/// Which request headers a preflight may ask for.
#[derive(Debug)]
pub(crate) struct HeaderRule {
    pub(crate) any: bool,
    /// Lower case.
    pub(crate) list: Vec<HeaderName>,
    /// The list, joined once at start-up.
    pub(crate) value: Option<HeaderValue>,
}

impl HeaderRule {
    /// One middleware instance's own copy (see `Compiled::for_worker`).
    pub(crate) fn for_worker(&self) -> Self {
        HeaderRule {
            any: self.any,
            list: self.list.clone(),
            value: self.value.as_ref().map(crate::header_value::own_copy),
        }
    }

    /// The rule for validated names (or any name), with its value joined once.
    pub(crate) fn new(any: bool, list: Vec<HeaderName>) -> Self {
        HeaderRule {
            any,
            value: joined(list.iter().map(HeaderName::as_str)),
            list,
        }
    }

    fn allows(&self, name: &[u8]) -> bool {
        if self.any {
            // Even "any" never grants names scripts cannot set.
            return !is_forbidden_request_header(name);
        }
        self.list.iter().any(|h| {
            let h = h.as_str().as_bytes();
            // Browsers send lower case, as stored: compare bytes first.
            h == name || h.eq_ignore_ascii_case(name)
        })
    }

    /// Checks `Access-Control-Request-Headers`; returns the value to echo when any is allowed.
    ///
    /// Several field lines are one list (RFC 9110 §5.3, the Fetch standard's "get"): they are
    /// checked together, with the limits of one line (see [`request_headers`]).
    #[inline]
    pub(super) fn check(&self, head: &RequestHead) -> Result<Option<HeaderValue>, Refusal> {
        let mut values = head.headers.get_all(header::ACCESS_CONTROL_REQUEST_HEADERS);
        let Some(value) = values.next() else {
            return Ok(None);
        };
        if values.next().is_some() {
            return self.check_lines(head);
        }
        // One pass: validate every item (malformed wins over not allowed) and check it.
        let mut all_allowed = true;
        request_headers::scan(value.as_bytes(), |name| {
            all_allowed = all_allowed && self.allows(name);
        })
        .map_err(|_| Refusal::MalformedHeaders)?;
        if all_allowed {
            let echo = self.any && !value.as_bytes().trim_ascii().is_empty();
            Ok(echo.then(|| value.clone()))
        } else {
            Err(Refusal::HeaderNotAllowed)
        }
    }

    /// [`check`](Self::check) for a request with several `Access-Control-Request-Headers`
    /// lines (browsers send one; some clients and proxies split it). The echo, when any
    /// header is allowed, is the one line that names something, or else the lines joined
    /// with `, `: the only case where deciding allocates (once, at most 4 KiB).
    #[cold]
    #[inline(never)]
    fn check_lines(&self, head: &RequestHead) -> Result<Option<HeaderValue>, Refusal> {
        let lines = || {
            head.headers
                .get_all(header::ACCESS_CONTROL_REQUEST_HEADERS)
                .map(HeaderValue::as_bytes)
        };
        let mut all_allowed = true;
        request_headers::scan_lines(lines(), |name| {
            all_allowed = all_allowed && self.allows(name);
        })
        .map_err(|_| Refusal::MalformedHeaders)?;
        if !all_allowed {
            return Err(Refusal::HeaderNotAllowed);
        }
        if !self.any {
            return Ok(None);
        }
        let mut named = head
            .headers
            .get_all(header::ACCESS_CONTROL_REQUEST_HEADERS)
            .filter(|v| !v.as_bytes().trim_ascii().is_empty());
        let Some(first) = named.next() else {
            return Ok(None);
        };
        if named.next().is_none() {
            return Ok(Some(first.clone()));
        }
        let named = || lines().map(<[u8]>::trim_ascii).filter(|l| !l.is_empty());
        let mut joined = Vec::with_capacity(named().map(|l| l.len() + 2).sum());
        for line in named() {
            if !joined.is_empty() {
                joined.extend_from_slice(b", ");
            }
            joined.extend_from_slice(line);
        }
        // Validated tokens, commas and white space: a valid header value.
        Ok(HeaderValue::from_maybe_shared(joined).ok())
    }

    /// The first requested header the rule does not allow (for diagnostics only).
    pub(crate) fn first_refused<'a>(&self, head: &'a RequestHead) -> Option<&'a str> {
        let lines = || {
            head.headers
                .get_all(header::ACCESS_CONTROL_REQUEST_HEADERS)
                .map(HeaderValue::as_bytes)
        };
        request_headers::scan_lines(lines(), |_| ()).ok()?;
        lines()
            .flat_map(request_headers::items)
            .find(|name| !self.allows(name))
            .and_then(|n| std::str::from_utf8(n).ok())
    }

    /// Writes the echoed list, or the joined list, into a preflight answer.
    #[inline]
    pub(super) fn write(&self, echoed: Option<&HeaderValue>, headers: &mut HeaderMap) {
        if let Some(h) = echoed.or(self.value.as_ref()) {
            headers.append(header::ACCESS_CONTROL_ALLOW_HEADERS, h.clone());
        }
    }
}
