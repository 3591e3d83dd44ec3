//! Cross-origin protection: refusing the cross-origin writes and WebSocket handshakes that
//! CORS lets through.
//!
//! CORS decides what a page on another origin may *read*. It never stops that page from
//! *sending*: a cross-site `<form method=post>` reaches the handler with the user's cookies
//! whatever the CORS policy says, and a WebSocket handshake is a `GET` that no CORS check
//! covers. The guard here refuses such requests before the handler runs, from two headers
//! browsers set and scripts cannot: `Sec-Fetch-Site` and `Origin`. It needs no token.
//!
//! One function decides ([`decide`]): pure, over the request head, an answer to "is this
//! `Origin` the request's own origin?" and a trust predicate. Two forms call it:
//! - [`CrossOriginProtection`], a middleware of its own for apps without CORS, with its own
//!   list of trusted origins (`builder.rs`, `guard.rs`);
//! - [`Cors::cross_origin_protection`](crate::Cors::cross_origin_protection), which trusts
//!   exactly the origins the CORS policy allows (one hook in the CORS middleware,
//!   `guard::refuse`).
//!
//! Source map: `mod.rs` the decision and its outcome types; `counts.rs` the counters;
//! `builder.rs` the standalone builder and its built guard; `guard.rs` the middleware, the
//! log line, and the hooks the CORS policy calls.

mod builder;
mod counts;
mod guard;

use std::fmt;

use actix_web::{
    dev::RequestHead,
    http::{
        header::{self, HeaderName, HeaderValue},
        Method,
    },
    HttpMessage,
};

#[doc(hidden)]
pub use self::guard::GuardMiddleware;
pub(crate) use self::guard::{check_cors, check_cors_settings, refuse, Enforcement};
pub use self::{
    builder::{CrossOriginGuard, CrossOriginProtection},
    counts::GuardCounts,
};

/// `Sec-Fetch-Site`: where the request comes from, relative to its target, as the browser
/// saw it (Fetch Metadata Request Headers). Scripts cannot set it.
pub(crate) const SEC_FETCH_SITE: HeaderName = HeaderName::from_static("sec-fetch-site");

/// Whether the guard refuses or only reports (the mode of the CORS-policy form).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Enforce {
    /// Refuse with `403`.
    On,
    /// Count and log what would be refused; refuse nothing.
    ReportOnly,
}

/// What the cross-origin guard decided for one request.
///
/// With `outcome_in_extensions` ([`CrossOriginProtection::outcome_in_extensions`], or
/// [`Cors::outcome_in_extensions`](crate::Cors::outcome_in_extensions) for the CORS form)
/// the middleware puts it in the request's extensions, where handlers and access logs read
/// it with [`GuardOutcome::of`]. Its `Display` form is a short, stable slug.
///
/// ```
/// use actix_web::{test, web, App, HttpRequest, HttpResponse};
/// use corsair::{CrossOriginProtection, GuardOutcome};
///
/// # actix_rt::System::new().block_on(async {
/// let app = test::init_service(
///     App::new()
///         .wrap(CrossOriginProtection::default().outcome_in_extensions())
///         .route("/", web::post().to(|req: HttpRequest| async move {
///             HttpResponse::Ok().body(GuardOutcome::of(&req).unwrap().to_string())
///         })),
/// )
/// .await;
/// let req = test::TestRequest::post().insert_header(("Sec-Fetch-Site", "same-origin")).to_request();
/// assert_eq!(test::call_and_read_body(&app, req).await, "same-origin");
/// # });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum GuardOutcome {
    /// `GET`, `HEAD` or `OPTIONS` without an `Upgrade` header: passed without looking further
    /// (handlers of safe methods must not change state).
    SafeMethod,
    /// Same origin: `Sec-Fetch-Site: same-origin`, or (without `Sec-Fetch-Site`) an `Origin`
    /// equal to the request's own origin, scheme included.
    SameOrigin,
    /// `Sec-Fetch-Site: none`: the user started the request (typed the address, a bookmark).
    UserInitiated,
    /// Neither `Sec-Fetch-Site` nor `Origin`: not a browser, or one too old to send either.
    NoBrowserHeaders,
    /// The `Origin` is trusted.
    Trusted,
    /// Refused with `403 Forbidden`; the handler did not run.
    Refused(GuardRefusal),
    /// Report-only: would have been refused, and was passed on.
    WouldRefuse(GuardRefusal),
}

impl GuardOutcome {
    /// The outcome the guard recorded for this request, if it was asked to.
    ///
    /// ```
    /// use actix_web::test::TestRequest;
    /// use corsair::GuardOutcome;
    /// let req = TestRequest::default().to_http_request();
    /// assert_eq!(GuardOutcome::of(&req), None); // no guard ran
    /// ```
    pub fn of(req: &impl HttpMessage) -> Option<GuardOutcome> {
        req.extensions().get::<GuardOutcome>().copied()
    }

    /// True when the request was refused (not when it only would have been).
    ///
    /// ```
    /// use corsair::{GuardOutcome, GuardRefusal};
    /// assert!(GuardOutcome::Refused(GuardRefusal::NullOrigin).is_refused());
    /// assert!(!GuardOutcome::WouldRefuse(GuardRefusal::NullOrigin).is_refused());
    /// assert!(!GuardOutcome::Trusted.is_refused());
    /// ```
    pub fn is_refused(self) -> bool {
        matches!(self, GuardOutcome::Refused(_))
    }

    /// Why the request was refused, or would have been in report-only mode.
    ///
    /// ```
    /// use corsair::{GuardOutcome, GuardRefusal};
    /// let outcome = GuardOutcome::WouldRefuse(GuardRefusal::SecFetchSite);
    /// assert_eq!(outcome.refusal(), Some(GuardRefusal::SecFetchSite));
    /// assert_eq!(GuardOutcome::SameOrigin.refusal(), None);
    /// ```
    pub fn refusal(self) -> Option<GuardRefusal> {
        match self {
            GuardOutcome::Refused(reason) | GuardOutcome::WouldRefuse(reason) => Some(reason),
            _ => None,
        }
    }
}

impl fmt::Display for GuardOutcome {
    /// `safe-method`, `same-origin`, `user-initiated`, `no-browser-headers`, `trusted`,
    /// `refused:REASON` or `would-refuse:REASON`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GuardOutcome::SafeMethod => f.write_str("safe-method"),
            GuardOutcome::SameOrigin => f.write_str("same-origin"),
            GuardOutcome::UserInitiated => f.write_str("user-initiated"),
            GuardOutcome::NoBrowserHeaders => f.write_str("no-browser-headers"),
            GuardOutcome::Trusted => f.write_str("trusted"),
            GuardOutcome::Refused(r) => write!(f, "refused:{}", r.slug()),
            GuardOutcome::WouldRefuse(r) => write!(f, "would-refuse:{}", r.slug()),
        }
    }
}

/// Why the cross-origin guard refused a request: which header decided.
///
/// ```
/// use corsair::GuardRefusal;
/// assert_eq!(GuardRefusal::NullOrigin.to_string(), "the Origin is `null` and `null` is not trusted");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum GuardRefusal {
    /// `Sec-Fetch-Site` is `same-site`, `cross-site` (or any value but `same-origin` and
    /// `none`), and the `Origin` is not trusted.
    SecFetchSite,
    /// No `Sec-Fetch-Site`, and the `Origin` is neither the request's own origin nor trusted.
    OriginMismatch,
    /// `Origin: null` (a sandboxed iframe, a `file:` page, some redirects), not trusted.
    NullOrigin,
    /// More than one `Origin` header: none can be believed.
    MultipleOrigins,
}

impl GuardRefusal {
    /// Every reason, in counter order.
    #[cfg(any(test, feature = "metrics"))]
    pub(crate) const ALL: [GuardRefusal; 4] = [
        GuardRefusal::SecFetchSite,
        GuardRefusal::OriginMismatch,
        GuardRefusal::NullOrigin,
        GuardRefusal::MultipleOrigins,
    ];

    /// A stable, lower-case name (slugs and metric labels).
    pub(crate) fn slug(self) -> &'static str {
        match self {
            GuardRefusal::SecFetchSite => "sec-fetch-site",
            GuardRefusal::OriginMismatch => "origin-mismatch",
            GuardRefusal::NullOrigin => "null-origin",
            GuardRefusal::MultipleOrigins => "multiple-origins",
        }
    }
}

impl fmt::Display for GuardRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            GuardRefusal::SecFetchSite => {
                "Sec-Fetch-Site says the request is cross-origin and the Origin is not trusted"
            }
            GuardRefusal::OriginMismatch => {
                "the Origin is neither the request's own origin nor trusted"
            }
            GuardRefusal::NullOrigin => "the Origin is `null` and `null` is not trusted",
            GuardRefusal::MultipleOrigins => "the request has more than one Origin header",
        })
    }
}

/// True for a request the guard passes on its method alone: `GET`, `HEAD` or `OPTIONS`, and
/// no `Upgrade` header. A WebSocket handshake is a `GET` with `Upgrade: websocket`; any
/// upgrade is checked like a write, whatever its protocol token says.
#[inline]
pub(crate) fn is_safe(head: &RequestHead) -> bool {
    let m = &head.method;
    (*m == Method::GET || *m == Method::HEAD || *m == Method::OPTIONS)
        && !head.headers.contains_key(header::UPGRADE)
}

/// Decides one request, without side effects. `own(origin)` answers whether an `Origin` is
/// the request's own origin (scheme, host and port: see `same_origin.rs`); `trusted(origin)`
/// whether the guard trusts it (`null` included: trusted only when explicitly allowed).
/// Never returns [`GuardOutcome::WouldRefuse`]: report-only is the caller's business.
///
/// In order:
/// 1. `GET`, `HEAD`, `OPTIONS` without `Upgrade` pass.
/// 2. Several `Origin` headers are refused.
/// 3. `Sec-Fetch-Site: same-origin` or `none` (alone) passes; any other value, or several,
///    passes only with a trusted `Origin`.
/// 4. Neither header passes.
/// 5. `Origin: null` passes only if trusted; another `Origin` passes if it is the request's
///    own origin or trusted.
#[inline]
pub(crate) fn decide(
    head: &RequestHead,
    own: impl FnOnce(&[u8]) -> bool,
    trusted: impl Fn(&HeaderValue) -> bool,
) -> GuardOutcome {
    if is_safe(head) {
        return GuardOutcome::SafeMethod;
    }
    let mut origins = head.headers.get_all(header::ORIGIN);
    let origin = origins.next();
    if origins.next().is_some() {
        return GuardOutcome::Refused(GuardRefusal::MultipleOrigins);
    }
    let is_null = origin.is_some_and(|o| o.as_bytes() == b"null");
    let mut sites = head.headers.get_all(SEC_FETCH_SITE);
    if let Some(site) = sites.next() {
        let alone = sites.next().is_none();
        return match site.as_bytes() {
            b"same-origin" if alone => GuardOutcome::SameOrigin,
            b"none" if alone => GuardOutcome::UserInitiated,
            _ => match origin {
                Some(o) if trusted(o) => GuardOutcome::Trusted,
                _ if is_null => GuardOutcome::Refused(GuardRefusal::NullOrigin),
                _ => GuardOutcome::Refused(GuardRefusal::SecFetchSite),
            },
        };
    }
    let Some(origin) = origin else {
        return GuardOutcome::NoBrowserHeaders;
    };
    if is_null {
        return if trusted(origin) {
            GuardOutcome::Trusted
        } else {
            GuardOutcome::Refused(GuardRefusal::NullOrigin)
        };
    }
    if own(origin.as_bytes()) {
        GuardOutcome::SameOrigin
    } else if trusted(origin) {
        GuardOutcome::Trusted
    } else {
        GuardOutcome::Refused(GuardRefusal::OriginMismatch)
    }
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    const OWN: &[u8] = b"https://app.example";
    const TRUSTED: &[u8] = b"https://partner.example";

    /// `decide` for a request with these headers, where `OWN` is the request's own origin
    /// and only `TRUSTED` is trusted.
    fn decided(method: Method, headers: &[(&str, &str)]) -> GuardOutcome {
        let mut req = TestRequest::default().method(method);
        for h in headers {
            req = req.append_header(*h);
        }
        let req = req.to_http_request();
        decide(req.head(), |o| o == OWN, |o| o.as_bytes() == TRUSTED)
    }

    #[test]
    fn safe_methods_pass_unless_they_ask_for_an_upgrade() {
        let cross = [
            ("sec-fetch-site", "cross-site"),
            ("origin", "https://evil.example"),
        ];
        for m in [Method::GET, Method::HEAD, Method::OPTIONS] {
            assert_eq!(decided(m, &cross), GuardOutcome::SafeMethod);
        }
        let socket = [cross[0], cross[1], ("upgrade", "websocket")];
        let refused = GuardOutcome::Refused(GuardRefusal::SecFetchSite);
        assert_eq!(decided(Method::GET, &socket), refused);
        assert_eq!(decided(Method::PATCH, &cross), refused);
    }

    #[test]
    fn sec_fetch_site_decides_unless_the_origin_is_trusted() {
        let post = |h: &[(&str, &str)]| decided(Method::POST, h);
        assert_eq!(
            post(&[("sec-fetch-site", "same-origin")]),
            GuardOutcome::SameOrigin
        );
        assert_eq!(
            post(&[("sec-fetch-site", "none")]),
            GuardOutcome::UserInitiated
        );
        for value in ["same-site", "cross-site", "", "Same-Origin"] {
            assert_eq!(
                post(&[("sec-fetch-site", value)]),
                GuardOutcome::Refused(GuardRefusal::SecFetchSite),
                "{value:?}"
            );
            let from_partner = [
                ("sec-fetch-site", value),
                ("origin", "https://partner.example"),
            ];
            assert_eq!(post(&from_partner), GuardOutcome::Trusted, "{value:?}");
        }
        // Twice, even `same-origin` twice: not what a browser sends.
        let twice = [
            ("sec-fetch-site", "same-origin"),
            ("sec-fetch-site", "same-origin"),
        ];
        assert_eq!(
            post(&twice),
            GuardOutcome::Refused(GuardRefusal::SecFetchSite)
        );
    }

    #[test]
    fn without_sec_fetch_site_the_origin_must_be_own_or_trusted() {
        let post = |origin: &str| decided(Method::POST, &[("origin", origin)]);
        assert_eq!(decided(Method::POST, &[]), GuardOutcome::NoBrowserHeaders);
        assert_eq!(post("https://app.example"), GuardOutcome::SameOrigin);
        assert_eq!(post("https://partner.example"), GuardOutcome::Trusted);
        assert_eq!(
            post("http://app.example"),
            GuardOutcome::Refused(GuardRefusal::OriginMismatch)
        );
        assert_eq!(
            post("null"),
            GuardOutcome::Refused(GuardRefusal::NullOrigin)
        );
        let both = [
            ("origin", "https://app.example"),
            ("origin", "https://app.example"),
        ];
        assert_eq!(
            decided(Method::POST, &both),
            GuardOutcome::Refused(GuardRefusal::MultipleOrigins)
        );
    }
}
