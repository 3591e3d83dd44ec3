//! [`Access-Control-Expose-Headers`](https://fetch.spec.whatwg.org/#http-access-control-expose-headers):
//! the response headers a script may read besides the safelisted ones.
//!
//! Rule: sent on allowed actual requests (never on preflights), as the configured names
//! joined once, or `*` for "any" (which browsers ignore on credentialed requests, hence a
//! build error together with credentials).

use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue};

use super::put;
use crate::header_value::joined;

/// The header value: `*` when `any`, else the names joined (`None` when there are none).
pub(crate) fn value(any: bool, names: &[HeaderName]) -> Option<HeaderValue> {
    if any {
        return Some(HeaderValue::from_static("*"));
    }
    joined(names.iter().map(HeaderName::as_str))
}

/// Writes the value into the response of an actual request; `fresh`: see [`put`].
#[inline(always)]
pub(super) fn write(value: Option<&HeaderValue>, headers: &mut HeaderMap, fresh: bool) {
    if let Some(expose) = value {
        put(
            headers,
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            expose.clone(),
            fresh,
        );
    }
}
