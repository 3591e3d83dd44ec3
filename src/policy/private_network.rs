//! Private Network Access (legacy):
//! [`Access-Control-Request-Private-Network`](https://wicg.github.io/private-network-access/#headers)
//! in a preflight, answered with `Access-Control-Allow-Private-Network: true` when the policy
//! allows it.

use actix_web::{
    dev::RequestHead,
    http::header::{HeaderMap, HeaderName},
};

use super::allow_origin::TRUE;

/// `Access-Control-Request-Private-Network`.
pub(crate) const ACRPN: HeaderName =
    HeaderName::from_static("access-control-request-private-network");
/// `Access-Control-Allow-Private-Network`.
pub(crate) const ACAPN: HeaderName =
    HeaderName::from_static("access-control-allow-private-network");

/// True if the preflight asks for private network access.
#[inline]
pub(super) fn requested(head: &RequestHead) -> bool {
    head.headers
        .get(ACRPN)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"true"))
}

/// Grants it in a preflight answer.
#[inline]
pub(super) fn write(headers: &mut HeaderMap) {
    headers.append(ACAPN, TRUE);
}
