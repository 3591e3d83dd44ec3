//! [`Access-Control-Allow-Methods`](https://fetch.spec.whatwg.org/#http-access-control-allow-methods):
//! which methods a preflight may ask for in `Access-Control-Request-Method`.
//!
//! Rule: the requested method must be a token, asked once. The
//! [CORS-safelisted methods](https://fetch.spec.whatwg.org/#cors-safelisted-method) need no
//! permission; others must be listed, compared byte for byte (methods are case-sensitive).
//! "Any method" echoes the requested one, except the standard's
//! [forbidden methods](https://fetch.spec.whatwg.org/#forbidden-method), which are never
//! granted. The list is joined into one value at start-up.

use actix_web::http::{
    header::{self, HeaderMap, HeaderValue},
    Method,
};

use super::Refusal;
use crate::{
    fetch::{is_forbidden_method, is_safelisted_method, is_token},
    header_value::joined,
};

/// Which methods a preflight may ask for.
#[derive(Debug)]
pub(crate) struct MethodRule {
    pub(crate) any: bool,
    pub(crate) list: Vec<Method>,
    /// The list, joined once at start-up.
    pub(crate) value: Option<HeaderValue>,
}

impl MethodRule {
    /// One middleware instance's own copy (see `Compiled::for_worker`).
    pub(crate) fn for_worker(&self) -> Self {
        MethodRule {
            any: self.any,
            list: self.list.clone(),
            value: self.value.as_ref().map(crate::header_value::own_copy),
        }
    }

    /// The rule for validated methods (or any method), with its value joined once.
    pub(crate) fn new(any: bool, list: Vec<Method>) -> Self {
        MethodRule {
            any,
            value: joined(list.iter().map(Method::as_str)),
            list,
        }
    }

    /// Checks a preflight's `Access-Control-Request-Method`, `value` (`repeated`: the header
    /// came more than once); returns the value to echo when any method is allowed.
    #[inline]
    pub(super) fn check(
        &self,
        value: &HeaderValue,
        repeated: bool,
    ) -> Result<Option<HeaderValue>, Refusal> {
        if repeated || !is_token(value.as_bytes()) {
            return Err(Refusal::MalformedMethod);
        }
        let bytes = value.as_bytes();
        if self.any {
            if is_forbidden_method(bytes) {
                return Err(Refusal::MethodNotAllowed);
            }
            return Ok(Some(value.clone()));
        }
        if is_safelisted_method(bytes) || self.list.iter().any(|m| m.as_str().as_bytes() == bytes) {
            return Ok(None);
        }
        Err(Refusal::MethodNotAllowed)
    }

    /// Writes the echoed method, or the joined list, into a preflight answer.
    #[inline]
    pub(super) fn write(&self, echoed: Option<&HeaderValue>, headers: &mut HeaderMap) {
        if let Some(m) = echoed.or(self.value.as_ref()) {
            headers.append(header::ACCESS_CONTROL_ALLOW_METHODS, m.clone());
        }
    }
}
