//! What [`decide`](super::Compiled::decide) returns: a [`Verdict`], or the [`Refusal`] inside
//! one. Plain data: deciding never allocates.

use std::fmt;

use actix_web::http::{header::HeaderValue, StatusCode};

use super::AllowOrigin;
use crate::origin::MatchedBy;

/// Why the middleware refused a request. Carries no data, so deciding never allocates;
/// [`CorsPolicy::check`](crate::CorsPolicy::check) adds the details.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Refusal {
    /// More than one `Origin` header: ambiguous, so none is trusted.
    MultipleOrigins,
    /// `Origin` is empty, `*`, or not visible ASCII without spaces; or, when any origin is
    /// allowed, not a serialized origin at all (`https://a.example/page`, `invalid_origin`).
    MalformedOrigin,
    /// `Origin: null` without [`Cors::allow_null_origin`](crate::Cors::allow_null_origin) or [`Cors::allow_any_origin`](crate::Cors::allow_any_origin).
    NullOrigin,
    /// The origin matches no rule.
    OriginNotAllowed,
    /// `Access-Control-Request-Method` is repeated or not a method token.
    MalformedMethod,
    /// The requested method is not allowed.
    MethodNotAllowed,
    /// `Access-Control-Request-Headers` (all its lines together) is too long or not a list
    /// of tokens.
    MalformedHeaders,
    /// A requested header is not allowed.
    HeaderNotAllowed,
}

impl Refusal {
    /// The status the middleware answers with when it answers itself (a refused preflight,
    /// or a blocked request): 400 for malformed input, 403 otherwise.
    ///
    /// ```
    /// use actix_web::http::StatusCode;
    /// use corsair::Refusal;
    /// assert_eq!(Refusal::OriginNotAllowed.status(), StatusCode::FORBIDDEN);
    /// assert_eq!(Refusal::MultipleOrigins.status(), StatusCode::BAD_REQUEST);
    /// ```
    pub fn status(self) -> StatusCode {
        match self {
            Refusal::MultipleOrigins
            | Refusal::MalformedOrigin
            | Refusal::MalformedMethod
            | Refusal::MalformedHeaders => StatusCode::BAD_REQUEST,
            _ => StatusCode::FORBIDDEN,
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Refusal::MultipleOrigins => "the request has more than one Origin header",
            Refusal::MalformedOrigin => {
                "the Origin header is empty, `*`, not visible ASCII without spaces, or not an origin"
            }
            Refusal::NullOrigin => {
                "origin `null` is not allowed (see `allow_null_origin`, or `allow_any_origin` for public data)"
            }
            Refusal::OriginNotAllowed => "the origin is not allowed",
            Refusal::MalformedMethod => "Access-Control-Request-Method is repeated or not a method",
            Refusal::MethodNotAllowed => "the requested method is not allowed",
            Refusal::MalformedHeaders => {
                "Access-Control-Request-Headers is too long or not a list of header names"
            }
            Refusal::HeaderNotAllowed => "a requested header is not allowed",
        })
    }
}

/// The decision for one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// No `Origin`: not a CORS request.
    NoOrigin,
    /// An actual request from an allowed origin.
    Actual { origin: AllowOrigin, by: MatchedBy },
    /// An allowed preflight.
    Preflight {
        origin: AllowOrigin,
        by: MatchedBy,
        /// The requested method echoed back, when any method is allowed.
        method: Option<HeaderValue>,
        /// The requested headers echoed back, when any header is allowed.
        headers: Option<HeaderValue>,
        /// Private Network Access was requested and is allowed.
        private_network: bool,
    },
    /// A refused request.
    Refused { preflight: bool, reason: Refusal },
}

/// What the response of a request the handler answers still needs, once the request is
/// decided: the part of a [`Verdict`] the middleware keeps while the handler runs (a few
/// words, where the verdict is a preflight's size).
#[derive(Debug)]
pub(crate) enum Tail {
    /// No `Origin`, or a refused one: only `Vary`.
    Vary,
    /// An allowed actual request: this `Access-Control-Allow-Origin`, and the rest.
    Allow(AllowOrigin),
}
