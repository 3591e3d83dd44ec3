//! [`Access-Control-Allow-Origin`](https://fetch.spec.whatwg.org/#http-access-control-allow-origin)
//! and [`Access-Control-Allow-Credentials`](https://fetch.spec.whatwg.org/#http-access-control-allow-credentials),
//! which travels with it.
//!
//! Rule: an allowed origin is echoed back byte for byte, except that a policy allowing any
//! origin with `send_wildcard` answers `*`. With credentials, `true` is sent beside it. The
//! echoed value is the one the origin matcher built once at start-up (or the request's own
//! value for patterns, regexes and predicates), so writing it never allocates.

use actix_web::http::header::{self, HeaderMap, HeaderValue};

use super::put;
use crate::origin::MatchedBy;

const STAR: HeaderValue = HeaderValue::from_static("*");
pub(super) const TRUE: HeaderValue = HeaderValue::from_static("true");

/// What to send back in `Access-Control-Allow-Origin`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum AllowOrigin {
    /// `*`.
    Any,
    /// This exact origin.
    Echo(HeaderValue),
}

impl AllowOrigin {
    /// The answer for an origin matched `by` a rule, whose echo is `echo`.
    #[inline]
    pub(super) fn answer(send_wildcard: bool, by: MatchedBy, echo: HeaderValue) -> Self {
        if send_wildcard && by == MatchedBy::Any {
            AllowOrigin::Any
        } else {
            AllowOrigin::Echo(echo)
        }
    }

    /// Writes `Access-Control-Allow-Origin` (and `-Credentials: true` when `credentials`).
    /// `fresh`: see [`put`].
    #[inline(always)]
    pub(super) fn write(&self, credentials: bool, headers: &mut HeaderMap, fresh: bool) {
        let value = match self {
            AllowOrigin::Any => STAR,
            AllowOrigin::Echo(v) => v.clone(),
        };
        put(headers, header::ACCESS_CONTROL_ALLOW_ORIGIN, value, fresh);
        if credentials {
            put(
                headers,
                header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
                TRUE,
                fresh,
            );
        }
    }
}
