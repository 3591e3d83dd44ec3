//! The compiled, immutable policy and the one function that decides every request.
//!
//! [`Compiled::decide`] reads a request head and returns a [`Verdict`] without allocating;
//! [`Compiled::apply`] writes the headers that verdict calls for. The middleware and
//! [`CorsPolicy::check`] both use exactly these two functions, so what `check` says is what the
//! wire shows.

use std::{fmt, sync::Arc};

use actix_web::{
    dev::RequestHead,
    http::{
        header::{self, HeaderMap, HeaderName, HeaderValue},
        Method, StatusCode,
    },
};

use crate::{
    fetch::{is_forbidden_method, is_forbidden_request_header, is_safelisted_method, is_token},
    header_list,
    header_value::shared,
    origin::{Lookup, MatchedBy, OriginMatcher},
    settings::RolloutOptions,
    vary,
};

/// `Access-Control-Request-Private-Network` (Private Network Access).
pub(crate) const ACRPN: HeaderName =
    HeaderName::from_static("access-control-request-private-network");
/// `Access-Control-Allow-Private-Network` (Private Network Access).
pub(crate) const ACAPN: HeaderName =
    HeaderName::from_static("access-control-allow-private-network");

/// Which methods a preflight may ask for.
#[derive(Debug)]
pub(crate) struct MethodRule {
    pub(crate) any: bool,
    pub(crate) list: Vec<Method>,
    /// The list, joined once at start-up.
    pub(crate) value: Option<HeaderValue>,
}

/// Which request headers a preflight may ask for.
#[derive(Debug)]
pub(crate) struct HeaderRule {
    pub(crate) any: bool,
    /// Lower case.
    pub(crate) list: Vec<HeaderName>,
    pub(crate) value: Option<HeaderValue>,
}

impl HeaderRule {
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
}

/// Why the middleware refused a request. Carries no data, so deciding never allocates;
/// [`CorsPolicy::check`] adds the details.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Refusal {
    /// More than one `Origin` header: ambiguous, so none is trusted.
    MultipleOrigins,
    /// `Origin` is empty, `*`, or not visible ASCII without spaces.
    MalformedOrigin,
    /// `Origin: null` without [`Cors::allow_null_origin`] or [`Cors::allow_any_origin`].
    NullOrigin,
    /// The origin matches no rule.
    OriginNotAllowed,
    /// `Access-Control-Request-Method` is repeated or not a method token.
    MalformedMethod,
    /// The requested method is not allowed.
    MethodNotAllowed,
    /// `Access-Control-Request-Headers` is repeated, too long, or not a list of tokens.
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
                "the Origin header is empty, `*`, or not visible ASCII without spaces"
            }
            Refusal::NullOrigin => {
                "origin `null` is not allowed (see `allow_null_origin`, or `allow_any_origin` for public data)"
            }
            Refusal::OriginNotAllowed => "the origin is not allowed",
            Refusal::MalformedMethod => "Access-Control-Request-Method is repeated or not a method",
            Refusal::MethodNotAllowed => "the requested method is not allowed",
            Refusal::MalformedHeaders => {
                "Access-Control-Request-Headers is repeated, too long, or not a list of header names"
            }
            Refusal::HeaderNotAllowed => "a requested header is not allowed",
        })
    }
}

/// What to send back in `Access-Control-Allow-Origin`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum AllowOrigin {
    /// `*`.
    Any,
    /// This exact origin.
    Echo(HeaderValue),
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

/// The policy as it runs: header values built once, rules indexed.
pub(crate) struct Compiled {
    pub(crate) origins: OriginMatcher,
    pub(crate) methods: MethodRule,
    pub(crate) headers: HeaderRule,
    pub(crate) expose: Option<HeaderValue>,
    pub(crate) max_age: Option<HeaderValue>,
    pub(crate) send_wildcard: bool,
    pub(crate) credentials: bool,
    pub(crate) vary: bool,
    pub(crate) preflight: bool,
    pub(crate) block_on_origin_mismatch: bool,
    pub(crate) private_network: bool,
    pub(crate) preflight_status: StatusCode,
    vary_actual: HeaderValue,
    vary_preflight: HeaderValue,
    /// [rollout hook] Counters, same-origin options, report-only slot (`src/rollout.rs`).
    pub(crate) rollout: crate::rollout::Rollout,
}

impl fmt::Debug for Compiled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CorsPolicy")
            .field("origins", &self.origins)
            .field("methods", &self.methods)
            .field("headers", &self.headers)
            .field("expose", &self.expose)
            .field("max_age", &self.max_age)
            .field("send_wildcard", &self.send_wildcard)
            .field("credentials", &self.credentials)
            .field("vary", &self.vary)
            .field("preflight", &self.preflight)
            .field("block_on_origin_mismatch", &self.block_on_origin_mismatch)
            .field("private_network", &self.private_network)
            .field("preflight_status", &self.preflight_status)
            .finish()
    }
}

const TRUE: HeaderValue = HeaderValue::from_static("true");
const STAR: HeaderValue = HeaderValue::from_static("*");

/// The policy's yes/no options and the preflight status, as validated.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Flags {
    pub(crate) send_wildcard: bool,
    pub(crate) credentials: bool,
    pub(crate) vary: bool,
    pub(crate) preflight: bool,
    pub(crate) block_on_origin_mismatch: bool,
    pub(crate) private_network: bool,
    pub(crate) preflight_status: StatusCode,
}

impl Compiled {
    /// Assembles a policy from validated parts, building the header values it sends.
    pub(crate) fn new(
        origins: OriginMatcher,
        methods: MethodRule,
        headers: HeaderRule,
        expose: Option<HeaderValue>,
        max_age: Option<usize>,
        flags: Flags,
        rollout: &RolloutOptions,
    ) -> Self {
        let vary_preflight = if flags.private_network {
            "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, Access-Control-Request-Private-Network"
        } else {
            "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"
        };
        Compiled {
            origins,
            methods,
            headers,
            expose,
            max_age: max_age.map(|s| shared(HeaderValue::from(s))),
            send_wildcard: flags.send_wildcard,
            credentials: flags.credentials,
            vary: flags.vary,
            preflight: flags.preflight,
            block_on_origin_mismatch: flags.block_on_origin_mismatch,
            private_network: flags.private_network,
            preflight_status: flags.preflight_status,
            vary_actual: HeaderValue::from_static("Origin"),
            vary_preflight: HeaderValue::from_static(vary_preflight),
            rollout: crate::rollout::Rollout::new(rollout), // [rollout hook]
        }
    }

    /// True for a request this policy answers as a preflight.
    pub(crate) fn is_preflight(&self, head: &RequestHead) -> bool {
        self.preflight
            && head.method == Method::OPTIONS
            && head.headers.contains_key(header::ORIGIN)
            && head
                .headers
                .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD)
    }

    /// Decides a request. Does not allocate.
    pub(crate) fn decide(&self, head: &RequestHead) -> Verdict {
        let preflight = self.is_preflight(head);
        let refused = |reason| Verdict::Refused { preflight, reason };
        let mut origins = head.headers.get_all(header::ORIGIN);
        let Some(origin) = origins.next() else {
            return Verdict::NoOrigin;
        };
        if origins.next().is_some() {
            return refused(Refusal::MultipleOrigins);
        }
        let (by, echo) = match self.origins.lookup(origin, head) {
            Lookup::Allowed(by, echo) => (by, echo),
            Lookup::NullRefused => return refused(Refusal::NullOrigin),
            Lookup::Malformed => return refused(Refusal::MalformedOrigin),
            Lookup::NotAllowed => return refused(Refusal::OriginNotAllowed),
        };
        let allow_origin = if self.send_wildcard && by == MatchedBy::Any {
            AllowOrigin::Any
        } else {
            AllowOrigin::Echo(echo)
        };
        if !preflight {
            return Verdict::Actual {
                origin: allow_origin,
                by,
            };
        }
        self.decide_preflight(head, allow_origin, by)
    }

    fn decide_preflight(
        &self,
        head: &RequestHead,
        allow_origin: AllowOrigin,
        by: MatchedBy,
    ) -> Verdict {
        let refused = |reason| Verdict::Refused {
            preflight: true,
            reason,
        };
        let method = match self.check_method(head) {
            Ok(m) => m,
            Err(reason) => return refused(reason),
        };
        let headers = match self.check_request_headers(head) {
            Ok(h) => h,
            Err(reason) => return refused(reason),
        };
        let private_network = self.private_network
            && head
                .headers
                .get(ACRPN)
                .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"true"));
        Verdict::Preflight {
            origin: allow_origin,
            by,
            method,
            headers,
            private_network,
        }
    }

    /// Checks `Access-Control-Request-Method`; returns the value to echo when any is allowed.
    fn check_method(&self, head: &RequestHead) -> Result<Option<HeaderValue>, Refusal> {
        let mut values = head.headers.get_all(header::ACCESS_CONTROL_REQUEST_METHOD);
        let value = values.next().ok_or(Refusal::MalformedMethod)?;
        if values.next().is_some() || !is_token(value.as_bytes()) {
            return Err(Refusal::MalformedMethod);
        }
        let bytes = value.as_bytes();
        // CORS-safelisted methods need no permission (Fetch, CORS-preflight fetch step 7.5).
        let safelisted = is_safelisted_method(bytes);
        if self.methods.any {
            // Even "any" never grants the methods the Fetch standard forbids.
            if is_forbidden_method(bytes) {
                return Err(Refusal::MethodNotAllowed);
            }
            return Ok(Some(value.clone()));
        }
        if safelisted
            || self
                .methods
                .list
                .iter()
                .any(|m| m.as_str().as_bytes() == bytes)
        {
            return Ok(None);
        }
        Err(Refusal::MethodNotAllowed)
    }

    /// Checks `Access-Control-Request-Headers`; returns the value to echo when any is allowed.
    fn check_request_headers(&self, head: &RequestHead) -> Result<Option<HeaderValue>, Refusal> {
        let mut values = head.headers.get_all(header::ACCESS_CONTROL_REQUEST_HEADERS);
        let Some(value) = values.next() else {
            return Ok(None);
        };
        if values.next().is_some() {
            return Err(Refusal::MalformedHeaders);
        }
        // One pass: validate every item (malformed wins over not allowed) and check it.
        let mut all_allowed = true;
        header_list::scan(value.as_bytes(), |name| {
            all_allowed = all_allowed && self.headers.allows(name);
        })
        .map_err(|_| Refusal::MalformedHeaders)?;
        if all_allowed {
            let echo = self.headers.any && !value.as_bytes().trim_ascii().is_empty();
            Ok(echo.then(|| value.clone()))
        } else {
            Err(Refusal::HeaderNotAllowed)
        }
    }

    /// The first requested header the policy does not allow (for diagnostics only).
    pub(crate) fn first_refused_header<'a>(&self, head: &'a RequestHead) -> Option<&'a str> {
        let value = head.headers.get(header::ACCESS_CONTROL_REQUEST_HEADERS)?;
        let mut names = header_list::parse(value.as_bytes()).ok()?;
        names
            .find(|name| !self.headers.allows(name))
            .and_then(|n| std::str::from_utf8(n).ok())
    }

    /// Writes the response headers `verdict` calls for.
    pub(crate) fn apply(&self, verdict: &Verdict, headers: &mut HeaderMap) {
        match verdict {
            Verdict::NoOrigin => self.add_vary(headers, false),
            Verdict::Refused { preflight, .. } => self.add_vary(headers, *preflight),
            Verdict::Actual { origin, .. } => {
                // One look at the handler's response instead of a lookup per header.
                let (fresh, has_vary) = written_already(headers);
                self.allow_origin(origin, headers, fresh);
                if let Some(expose) = &self.expose {
                    if fresh {
                        headers.append(header::ACCESS_CONTROL_EXPOSE_HEADERS, expose.clone());
                    } else {
                        set(
                            headers,
                            header::ACCESS_CONTROL_EXPOSE_HEADERS,
                            expose.clone(),
                        );
                    }
                }
                if self.vary && !has_vary {
                    headers.append(header::VARY, self.vary_actual.clone());
                } else {
                    self.add_vary(headers, false);
                }
            }
            Verdict::Preflight {
                origin,
                method,
                headers: requested,
                private_network,
                ..
            } => {
                // Preflights are only ever answered by the middleware itself (see
                // `own_answer`), into a new response: append, nothing to replace.
                self.allow_origin(origin, headers, true);
                if let Some(m) = method.as_ref().or(self.methods.value.as_ref()) {
                    headers.append(header::ACCESS_CONTROL_ALLOW_METHODS, m.clone());
                }
                if let Some(h) = requested.as_ref().or(self.headers.value.as_ref()) {
                    headers.append(header::ACCESS_CONTROL_ALLOW_HEADERS, h.clone());
                }
                if let Some(age) = &self.max_age {
                    headers.append(header::ACCESS_CONTROL_MAX_AGE, age.clone());
                }
                if *private_network {
                    headers.append(ACAPN, TRUE);
                }
                self.add_vary(headers, true);
            }
        }
    }

    /// `fresh`: `headers` belong to a response the middleware just created (a preflight
    /// answer), so nothing is there to replace and a plain `append` is enough.
    fn allow_origin(&self, origin: &AllowOrigin, headers: &mut HeaderMap, fresh: bool) {
        let value = match origin {
            AllowOrigin::Any => STAR,
            AllowOrigin::Echo(v) => v.clone(),
        };
        if fresh {
            headers.append(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
        } else {
            set(headers, header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
        }
        if self.credentials {
            if fresh {
                headers.append(header::ACCESS_CONTROL_ALLOW_CREDENTIALS, TRUE);
            } else {
                set(headers, header::ACCESS_CONTROL_ALLOW_CREDENTIALS, TRUE);
            }
        }
    }

    fn add_vary(&self, headers: &mut HeaderMap, preflight: bool) {
        if self.vary {
            let ours = if preflight {
                &self.vary_preflight
            } else {
                &self.vary_actual
            };
            vary::merge(headers, ours);
        }
    }

    /// The status of the answer the middleware gives itself for this verdict, if any:
    /// preflights are answered here, and refused requests when blocking.
    pub(crate) fn own_answer(&self, verdict: &Verdict) -> Option<StatusCode> {
        match verdict {
            Verdict::Preflight { .. } => Some(self.preflight_status),
            Verdict::Refused {
                preflight: true,
                reason,
            } => Some(reason.status()),
            Verdict::Refused {
                preflight: false,
                reason,
            } if self.block_on_origin_mismatch => Some(reason.status()),
            _ => None,
        }
    }
}

/// A validated, compiled CORS policy: immutable, `Clone + Send + Sync` (an `Arc` inside).
///
/// Get one from [`Cors::build`]; pass it to `.wrap()` like the builder. Build it once outside
/// `HttpServer::new` and clone it into each worker, or ask it about hypothetical requests
/// with [`check`](Self::check).
///
/// # Example
/// ```
/// use actix_web::{web, App, HttpResponse, HttpServer};
/// use corsair::Cors;
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let policy = Cors::default()
///     .allowed_origin("https://app.example.com")
///     .build()?; // every configuration problem is reported here, at start-up
///
/// let _server = HttpServer::new(move || {
///     App::new()
///         .wrap(policy.clone())
///         .route("/", web::get().to(HttpResponse::Ok))
/// });
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct CorsPolicy {
    pub(crate) inner: Arc<Compiled>,
}

impl fmt::Debug for CorsPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.fmt(f)
    }
}

impl CorsPolicy {
    pub(crate) fn from_compiled(compiled: Compiled) -> Self {
        CorsPolicy {
            inner: Arc::new(compiled),
        }
    }
}

/// Most headers a response is scanned for, rather than looked up one by one.
const SCAN_LIMIT: usize = 8;

/// For the response of an actual request: (`true` if it has none of the CORS headers the
/// middleware writes, so they can be appended; `true` if it has a `Vary`). A small response
/// (the usual case) is scanned once; a large one is answered with `(false, true)`, which
/// makes the caller look each header up.
#[inline]
fn written_already(headers: &HeaderMap) -> (bool, bool) {
    if headers.len_keys() > SCAN_LIMIT {
        return (false, true);
    }
    let (mut cors, mut vary) = (false, false);
    for name in headers.keys() {
        if *name == header::VARY {
            vary = true;
        } else if *name == header::ACCESS_CONTROL_ALLOW_ORIGIN
            || *name == header::ACCESS_CONTROL_ALLOW_CREDENTIALS
            || *name == header::ACCESS_CONTROL_EXPOSE_HEADERS
        {
            cors = true;
        }
    }
    (!cors, vary)
}

/// Sets `name` to `value`, replacing earlier values; `append` when absent skips building and
/// dropping `HeaderMap::insert`'s `Removed` iterator.
#[inline]
fn set(headers: &mut HeaderMap, name: HeaderName, value: HeaderValue) {
    if headers.contains_key(&name) {
        headers.insert(name, value);
    } else {
        headers.append(name, value);
    }
}
