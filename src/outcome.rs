//! [`CorsOutcome`]: what the middleware decided for one request, in a form handlers, access
//! logs and tracing can read.

use std::fmt;

use actix_web::HttpMessage;

use crate::{origin::MatchedBy, policy::Refusal, policy::Verdict};

/// The verdict of the CORS middleware for one request.
///
/// With [`Cors::outcome_in_extensions`](crate::Cors::outcome_in_extensions) the middleware
/// puts it in the request's extensions, where a handler reads it with [`CorsOutcome::of`] and
/// actix-web's `Logger` prints it through a custom field (see `examples/rollout.rs`). Its
/// `Display` form is a short, stable slug such as `allowed:exact` or
/// `refused:origin-not-allowed`.
///
/// ```
/// use actix_web::{test, web, App, HttpRequest, HttpResponse};
/// use corsair::{Cors, CorsOutcome, MatchedBy};
///
/// # actix_rt::System::new().block_on(async {
/// let app = test::init_service(
///     App::new()
///         .wrap(Cors::default().allowed_origin("https://a.com").outcome_in_extensions())
///         .route("/", web::get().to(|req: HttpRequest| async move {
///             HttpResponse::Ok().body(CorsOutcome::of(&req).unwrap().to_string())
///         })),
/// )
/// .await;
/// let req = test::TestRequest::get().insert_header(("Origin", "https://a.com")).to_request();
/// let body = test::call_and_read_body(&app, req).await;
/// assert_eq!(body, "allowed:exact");
/// # });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CorsOutcome {
    /// No `Origin` header: not a CORS request.
    NotCors,
    /// `Origin` is the request's own origin: not a CORS request, never refused.
    SameOrigin,
    /// Allowed.
    Allowed {
        /// The rule that let the origin in.
        rule: MatchedBy,
        /// True for a preflight (answered by the middleware).
        preflight: bool,
    },
    /// Refused.
    Refused {
        /// Why.
        reason: Refusal,
        /// True for a preflight.
        preflight: bool,
    },
}

impl CorsOutcome {
    /// The outcome the middleware recorded for this request, if it was asked to
    /// ([`Cors::outcome_in_extensions`](crate::Cors::outcome_in_extensions)).
    ///
    /// ```
    /// use actix_web::test::TestRequest;
    /// use corsair::CorsOutcome;
    /// let req = TestRequest::default().to_http_request();
    /// assert_eq!(CorsOutcome::of(&req), None); // no middleware ran
    /// ```
    pub fn of(req: &impl HttpMessage) -> Option<CorsOutcome> {
        req.extensions().get::<CorsOutcome>().copied()
    }

    /// True unless the request was refused.
    ///
    /// ```
    /// use corsair::{CorsOutcome, Refusal};
    /// assert!(CorsOutcome::SameOrigin.is_allowed());
    /// let refused = CorsOutcome::Refused { reason: Refusal::OriginNotAllowed, preflight: false };
    /// assert!(!refused.is_allowed());
    /// ```
    pub fn is_allowed(self) -> bool {
        !matches!(self, CorsOutcome::Refused { .. })
    }

    pub(crate) fn from_verdict(verdict: &Verdict) -> Self {
        match *verdict {
            Verdict::NoOrigin => CorsOutcome::NotCors,
            Verdict::Actual { by, .. } => CorsOutcome::Allowed {
                rule: by,
                preflight: false,
            },
            Verdict::Preflight { by, .. } => CorsOutcome::Allowed {
                rule: by,
                preflight: true,
            },
            Verdict::Refused { preflight, reason } => CorsOutcome::Refused { reason, preflight },
        }
    }
}

/// A stable, lower-case name for a rule (used in slugs and metric labels).
pub(crate) fn rule_slug(rule: MatchedBy) -> &'static str {
    match rule {
        MatchedBy::Any => "any",
        MatchedBy::Exact => "exact",
        MatchedBy::Pattern => "pattern",
        MatchedBy::Regex => "regex",
        MatchedBy::Predicate => "predicate",
        MatchedBy::Null => "null",
    }
}

/// A stable, lower-case name for a refusal reason (used in slugs and metric labels).
pub(crate) fn reason_slug(reason: Refusal) -> &'static str {
    match reason {
        Refusal::MultipleOrigins => "multiple-origins",
        Refusal::MalformedOrigin => "malformed-origin",
        Refusal::NullOrigin => "null-origin",
        Refusal::OriginNotAllowed => "origin-not-allowed",
        Refusal::MalformedMethod => "malformed-method",
        Refusal::MethodNotAllowed => "method-not-allowed",
        Refusal::MalformedHeaders => "malformed-headers",
        Refusal::HeaderNotAllowed => "header-not-allowed",
    }
}

impl fmt::Display for CorsOutcome {
    /// `not-cors`, `same-origin`, `allowed:RULE`, `preflight-allowed:RULE`,
    /// `refused:REASON` or `preflight-refused:REASON`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            CorsOutcome::NotCors => f.write_str("not-cors"),
            CorsOutcome::SameOrigin => f.write_str("same-origin"),
            CorsOutcome::Allowed { rule, preflight } => {
                let kind = if preflight {
                    "preflight-allowed"
                } else {
                    "allowed"
                };
                write!(f, "{kind}:{}", rule_slug(rule))
            }
            CorsOutcome::Refused { reason, preflight } => {
                let kind = if preflight {
                    "preflight-refused"
                } else {
                    "refused"
                };
                write!(f, "{kind}:{}", reason_slug(reason))
            }
        }
    }
}
