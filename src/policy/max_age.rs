//! [`Access-Control-Max-Age`](https://fetch.spec.whatwg.org/#http-access-control-max-age):
//! how long a browser may cache a preflight answer.
//!
//! Rule: sent on every allowed preflight when configured (at most
//! [`MAX_AGE_LIMIT`](crate::MAX_AGE_LIMIT) seconds, checked by `compile`); never on actual
//! requests. The value is built once.

use actix_web::http::header::{self, HeaderMap, HeaderValue};

use crate::header_value::number;

/// The header value for `seconds`, built once.
pub(crate) fn value(seconds: Option<usize>) -> Option<HeaderValue> {
    seconds.map(number)
}

/// Writes the value into a preflight answer.
#[inline]
pub(super) fn write(value: Option<&HeaderValue>, headers: &mut HeaderMap) {
    if let Some(age) = value {
        headers.append(header::ACCESS_CONTROL_MAX_AGE, age.clone());
    }
}
