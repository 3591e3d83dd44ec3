//! Asking a policy about a request without a server: "would this be allowed, and why not?"
//!
//! [`CorsPolicy::check`] builds the request head the browser would send and runs the very
//! functions the middleware runs (the policy's decision, completed by the roll-out layer:
//! same-origin requests, observe-only; then the policy's `apply`), so the status and headers
//! in a [`Decision`] are exactly what the wire would carry, whatever the options.

use std::{fmt, net::SocketAddr};

use actix_web::{
    dev::RequestHead,
    http::{
        header::{self, HeaderMap, HeaderName, HeaderValue},
        Method, StatusCode, Uri,
    },
};

use crate::{
    cors_policy::CorsPolicy,
    diagnostics,
    origin::MatchedBy,
    policy::{Refusal, RequestOrigin, Verdict, ACRPN},
    rollout,
};

/// A request to ask a policy about: what a browser would send.
///
/// # Example
/// ```
/// use corsair::{Cors, CorsRequest};
///
/// let policy = Cors::default()
///     .allowed_origin("https://staging.example.com")
///     .allowed_methods(["PUT"])
///     .allowed_header("x-api-key")
///     .build()
///     .unwrap();
///
/// // "The staging frontend may PUT with x-api-key."
/// let preflight = CorsRequest::preflight("https://staging.example.com", "PUT").requesting_header("x-api-key");
/// assert!(policy.check(&preflight).is_allowed());
/// ```
#[derive(Debug, Clone)]
pub struct CorsRequest {
    origins: Vec<Vec<u8>>,
    method: Method,
    request_method: Option<String>,
    request_headers: Vec<String>,
    private_network: bool,
    uri: Uri,
    other_headers: Vec<(HeaderName, HeaderValue)>,
    secure: bool,
    peer: Option<SocketAddr>,
}

impl CorsRequest {
    /// An actual `GET` request from `origin` (as the `Origin` header's bytes).
    ///
    /// ```
    /// let req = corsair::CorsRequest::new("https://app.example.com");
    /// # drop(req);
    /// ```
    pub fn new(origin: impl AsRef<[u8]>) -> Self {
        CorsRequest {
            origins: vec![origin.as_ref().to_vec()],
            method: Method::GET,
            request_method: None,
            request_headers: Vec::new(),
            private_network: false,
            uri: Uri::from_static("/"),
            other_headers: Vec::new(),
            secure: false,
            peer: None,
        }
    }

    /// A request without `Origin` (same-origin or not from a browser).
    ///
    /// ```
    /// let req = corsair::CorsRequest::without_origin();
    /// # drop(req);
    /// ```
    pub fn without_origin() -> Self {
        CorsRequest {
            origins: Vec::new(),
            ..CorsRequest::new("")
        }
    }

    /// A preflight (`OPTIONS` with `Access-Control-Request-Method: method`) from `origin`.
    ///
    /// ```
    /// let req = corsair::CorsRequest::preflight("https://app.example.com", "DELETE");
    /// # drop(req);
    /// ```
    pub fn preflight(origin: impl AsRef<[u8]>, method: &str) -> Self {
        CorsRequest {
            method: Method::OPTIONS,
            request_method: Some(method.to_owned()),
            ..CorsRequest::new(origin)
        }
    }

    /// Sets the method: the request's own for an actual request; for a preflight (always
    /// `OPTIONS` itself), the method it asks for in `Access-Control-Request-Method`, as the
    /// second argument of [`preflight`](Self::preflight) does.
    ///
    /// ```
    /// use actix_web::http::Method;
    /// use corsair::{Cors, CorsRequest};
    /// let policy = Cors::default()
    ///     .allowed_origin("https://a.com")
    ///     .allowed_methods(["PUT"])
    ///     .build()
    ///     .unwrap();
    /// let put = CorsRequest::preflight("https://a.com", "DELETE").method(Method::PUT);
    /// assert!(policy.check(&put).is_allowed());
    /// let post = CorsRequest::new("https://a.com").method(Method::POST);
    /// assert!(policy.check(&post).is_allowed());
    /// ```
    pub fn method(mut self, method: Method) -> Self {
        match &mut self.request_method {
            Some(requested) => *requested = method.as_str().to_owned(),
            None => self.method = method,
        }
        self
    }

    /// Adds a name to the preflight's `Access-Control-Request-Headers`: the preflight asks
    /// permission to send that header. (To put a header itself on the request, use
    /// [`with_header`](Self::with_header).)
    ///
    /// ```
    /// let req = corsair::CorsRequest::preflight("https://a.com", "POST").requesting_header("content-type");
    /// # drop(req);
    /// ```
    pub fn requesting_header(mut self, name: &str) -> Self {
        self.request_headers.push(name.to_owned());
        self
    }

    /// Adds a second `Origin` header (browsers never do; attackers and broken proxies might).
    ///
    /// ```
    /// use corsair::{Cors, CorsRequest, Refusal};
    /// let policy = Cors::default().allowed_origin("https://a.com").build().unwrap();
    /// let req = CorsRequest::new("https://a.com").extra_origin("https://a.com");
    /// assert_eq!(policy.check(&req).refusal(), Some(Refusal::MultipleOrigins));
    /// ```
    pub fn extra_origin(mut self, origin: impl AsRef<[u8]>) -> Self {
        self.origins.push(origin.as_ref().to_vec());
        self
    }

    /// Marks the preflight as a Private Network Access preflight.
    ///
    /// ```
    /// let req = corsair::CorsRequest::preflight("https://a.com", "GET").private_network();
    /// # drop(req);
    /// ```
    pub fn private_network(mut self) -> Self {
        self.private_network = true;
        self
    }

    /// Adds several names to the preflight's `Access-Control-Request-Headers` (see
    /// [`requesting_header`](Self::requesting_header)).
    ///
    /// ```
    /// use corsair::{Cors, CorsRequest};
    /// let policy = Cors::default()
    ///     .allowed_origin("https://a.com")
    ///     .allowed_headers(["content-type", "x-api-key"])
    ///     .build()
    ///     .unwrap();
    /// let req = CorsRequest::preflight("https://a.com", "POST")
    ///     .requesting_headers(["content-type", "x-api-key"]);
    /// assert!(policy.check(&req).is_allowed());
    /// ```
    pub fn requesting_headers<I, S>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.request_headers
            .extend(names.into_iter().map(|n| n.as_ref().to_owned()));
        self
    }

    /// Sets the request's path and query (default `/`). Only
    /// [`allowed_origin_fn`](crate::Cors::allowed_origin_fn) predicates look at it.
    ///
    /// ```
    /// use actix_web::http::Uri;
    /// use corsair::{Cors, CorsRequest};
    /// let policy = Cors::default()
    ///     .allowed_origin_fn(|_origin, head| head.uri.path().starts_with("/public/"))
    ///     .build()
    ///     .unwrap();
    /// let public = CorsRequest::new("https://any.example").uri(Uri::from_static("/public/logo.svg"));
    /// let private = CorsRequest::new("https://any.example").uri(Uri::from_static("/admin"));
    /// assert!(policy.check(&public).is_allowed());
    /// assert!(!policy.check(&private).is_allowed());
    /// ```
    pub fn uri(mut self, uri: Uri) -> Self {
        self.uri = uri;
        self
    }

    /// Puts a header on the request itself, e.g. `Host` or a cookie for an
    /// [`allowed_origin_fn`](crate::Cors::allowed_origin_fn) predicate that looks at it. The
    /// header is appended to the request head exactly as given, after the others: an
    /// `Origin` or `Access-Control-Request-Method` added here is one more such header, which
    /// the middleware refuses as ambiguous.
    ///
    /// ```
    /// use actix_web::http::header::{HeaderName, HeaderValue, HOST};
    /// use corsair::{Cors, CorsRequest};
    /// // Allow a tenant's own subdomain only: `Origin: https://acme.app.example` on host `acme.api.example`.
    /// let policy = Cors::default()
    ///     .allowed_origin_fn(|origin, head| {
    ///         let tenant = |v: &[u8]| v.split(|&b| b == b'.').next().map(<[u8]>::to_vec);
    ///         let host = head.headers.get(HOST).map(|h| h.as_bytes());
    ///         let origin = origin.as_bytes().strip_prefix(b"https://");
    ///         matches!((host, origin), (Some(h), Some(o)) if tenant(h) == tenant(o))
    ///     })
    ///     .build()
    ///     .unwrap();
    /// let req = |host: &'static str| {
    ///     CorsRequest::new("https://acme.app.example").with_header(HOST, HeaderValue::from_static(host))
    /// };
    /// assert!(policy.check(&req("acme.api.example")).is_allowed());
    /// assert!(!policy.check(&req("other.api.example")).is_allowed());
    /// ```
    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.other_headers.push((name, value));
        self
    }

    /// Adds the `Sec-Fetch-Site` header a browser sends: `same-origin`, `same-site`,
    /// `cross-site` or `none`. Only cross-origin protection reads it
    /// ([`Cors::cross_origin_protection`](crate::Cors::cross_origin_protection),
    /// [`CrossOriginGuard::check`](crate::CrossOriginGuard::check)). A value that cannot be a
    /// header value is left out.
    ///
    /// ```
    /// use actix_web::http::Method;
    /// use corsair::{CrossOriginProtection, CorsRequest, GuardOutcome};
    /// let guard = CrossOriginProtection::default().build().unwrap();
    /// let own = CorsRequest::new("https://app.example").method(Method::POST).sec_fetch_site("same-origin");
    /// assert_eq!(guard.check(&own), GuardOutcome::SameOrigin);
    /// ```
    pub fn sec_fetch_site(self, value: &str) -> Self {
        match HeaderValue::from_str(value) {
            Ok(value) => self.with_header(HeaderName::from_static("sec-fetch-site"), value),
            Err(_) => self,
        }
    }

    /// Makes this a WebSocket handshake: a `GET` with `Upgrade: websocket` and
    /// `Connection: Upgrade`, which browsers send with `Origin` and no CORS check.
    ///
    /// ```
    /// use corsair::{Cors, CorsRequest, GuardOutcome, GuardRefusal};
    /// let policy = Cors::default()
    ///     .allowed_origin("https://app.example.com")
    ///     .cross_origin_protection()
    ///     .build()
    ///     .unwrap();
    /// let hijack = CorsRequest::new("https://evil.example").websocket().sec_fetch_site("cross-site");
    /// assert_eq!(policy.check(&hijack).cross_origin(), Some(GuardOutcome::Refused(GuardRefusal::SecFetchSite)));
    /// let app = CorsRequest::new("https://app.example.com").websocket().sec_fetch_site("same-site");
    /// assert_eq!(policy.check(&app).cross_origin(), Some(GuardOutcome::Trusted));
    /// ```
    pub fn websocket(mut self) -> Self {
        self.method = Method::GET;
        self.request_method = None;
        self.with_header(header::UPGRADE, HeaderValue::from_static("websocket"))
            .with_header(header::CONNECTION, HeaderValue::from_static("Upgrade"))
    }

    /// The request reached the server over TLS (an `https` listener). Only same-origin
    /// detection looks at it: a request whose `Origin` is the request's own origin (scheme,
    /// `Host`) is not a CORS request.
    ///
    /// ```
    /// use actix_web::http::{header::{HeaderValue, HOST}, Method};
    /// use corsair::{Cors, CorsRequest};
    /// let policy = Cors::default().block_on_origin_mismatch(true).build().unwrap();
    /// let own = CorsRequest::new("https://api.example.com")
    ///     .method(Method::POST)
    ///     .with_header(HOST, HeaderValue::from_static("api.example.com"));
    /// assert_eq!(policy.check(&own.clone().over_tls()).status(), None); // same origin: passes
    /// assert!(policy.check(&own).status().is_some()); // `http` listener: another origin, blocked
    /// ```
    pub fn over_tls(mut self) -> Self {
        self.secure = true;
        self
    }

    /// The address the request came from (the direct peer). Only same-origin detection
    /// behind [`trusted_proxies`](crate::Cors::trusted_proxies) looks at it.
    ///
    /// ```
    /// use actix_web::http::{header::{HeaderName, HeaderValue, HOST}, Method};
    /// use corsair::{Cors, CorsRequest};
    /// let policy = Cors::default()
    ///     .block_on_origin_mismatch(true)
    ///     .trusted_proxies(["10.0.0.1"])
    ///     .build()
    ///     .unwrap();
    /// let via_proxy = CorsRequest::new("https://api.example.com")
    ///     .method(Method::POST)
    ///     .with_header(HOST, HeaderValue::from_static("api.example.com"))
    ///     .with_header(HeaderName::from_static("x-forwarded-proto"), HeaderValue::from_static("https"))
    ///     .from_peer("10.0.0.1:4000".parse().unwrap());
    /// assert_eq!(policy.check(&via_proxy).status(), None); // same origin, as the proxy says
    /// ```
    pub fn from_peer(mut self, peer: SocketAddr) -> Self {
        self.peer = Some(peer);
        self
    }

    /// True if the request reached the server over TLS ([`over_tls`](Self::over_tls)).
    pub(crate) fn is_over_tls(&self) -> bool {
        self.secure
    }

    /// True if the request carries an `Origin` header.
    fn has_origin(&self) -> bool {
        !self.origins.is_empty() || self.other_headers.iter().any(|(n, _)| n == header::ORIGIN)
    }

    /// True if this describes a preflight (made with [`preflight`](Self::preflight)).
    ///
    /// ```
    /// assert!(corsair::CorsRequest::preflight("https://a.com", "PUT").is_preflight());
    /// assert!(!corsair::CorsRequest::new("https://a.com").is_preflight());
    /// ```
    pub fn is_preflight(&self) -> bool {
        self.request_method.is_some()
    }

    /// The request head the browser would send.
    ///
    /// A value that cannot be an HTTP header value at all (a control character, say) could
    /// never reach the middleware: HTTP parsers reject it. It is reported as the matching
    /// "malformed" refusal, attributed to the part that holds it.
    pub(crate) fn head(&self) -> Result<RequestHead, Refusal> {
        let mut head = RequestHead::default();
        head.method = self.method.clone();
        head.uri = self.uri.clone();
        head.peer_addr = self.peer;
        for origin in &self.origins {
            let value = HeaderValue::from_bytes(origin).map_err(|_| Refusal::MalformedOrigin)?;
            head.headers.append(header::ORIGIN, value);
        }
        if let Some(m) = &self.request_method {
            let value = HeaderValue::from_str(m).map_err(|_| Refusal::MalformedMethod)?;
            head.headers
                .append(header::ACCESS_CONTROL_REQUEST_METHOD, value);
        }
        if !self.request_headers.is_empty() {
            let value = HeaderValue::from_str(&self.request_headers.join(","))
                .map_err(|_| Refusal::MalformedHeaders)?;
            head.headers
                .append(header::ACCESS_CONTROL_REQUEST_HEADERS, value);
        }
        if self.private_network {
            head.headers.append(ACRPN, HeaderValue::from_static("true"));
        }
        // Last, and appended: a repeated CORS header here shows as repeated, as on the wire.
        for (name, value) in &self.other_headers {
            head.headers.append(name.clone(), value.clone());
        }
        Ok(head)
    }
}

/// What a policy decides for a [`CorsRequest`], and the exact headers the middleware sends.
///
/// It is computed by the same two functions the middleware runs for every request, so
/// [`headers`](Self::headers) and [`status`](Self::status) are what the wire shows: the CORS
/// headers (`Access-Control-*` and `Vary`, as if the application's response had none of its
/// own) and, when the middleware answers by itself, the status it answers with.
///
/// `Display` explains the decision in one line; for refusals it adds the detail: the
/// near-miss origin ("did you mean ...?"), the allowed methods, or the refused header.
///
/// # Example
/// ```
/// use corsair::{Cors, CorsRequest, Refusal};
///
/// let policy = Cors::default().allowed_origin("http://localhost:5174").build().unwrap();
/// let decision = policy.check(&CorsRequest::new("http://localhost:5173"));
/// assert_eq!(decision.refusal(), Some(Refusal::OriginNotAllowed));
/// assert!(decision
///     .to_string()
///     .starts_with("refused: the origin is not allowed; did you mean `http://localhost:5174`? port differs"));
/// ```
#[derive(Debug, Clone)]
pub struct Decision {
    verdict: Verdict,
    /// Why a request with an `Origin` was passed through without CORS headers, if it was.
    passed: Option<Passed>,
    headers: HeaderMap,
    status: Option<StatusCode>,
    detail: Option<String>,
    refused_header: Option<String>,
    /// [protection hook] What cross-origin protection decided, when the policy has it on.
    cross_origin: Option<crate::GuardOutcome>,
}

impl Decision {
    /// True if the browser would be allowed to proceed (or the request is not cross-origin).
    ///
    /// ```
    /// use corsair::{Cors, CorsRequest};
    /// let policy = Cors::default().build().unwrap();
    /// assert!(policy.check(&CorsRequest::without_origin()).is_allowed());
    /// assert!(!policy.check(&CorsRequest::new("https://a.com")).is_allowed());
    /// ```
    pub fn is_allowed(&self) -> bool {
        !matches!(self.verdict, Verdict::Refused { .. })
            && !self.cross_origin.is_some_and(|o| o.is_refused())
    }

    /// What cross-origin protection decided, when the policy has it on
    /// ([`Cors::cross_origin_protection`](crate::Cors::cross_origin_protection)). A refusal
    /// makes the whole decision a refusal: [`status`](Self::status) is `403`, no CORS header
    /// is sent, and the handler does not run.
    ///
    /// ```
    /// use actix_web::http::Method;
    /// use corsair::{Cors, CorsRequest, GuardOutcome};
    /// let cors = Cors::default().allowed_origin("https://app.example.com");
    /// let post = CorsRequest::new("https://evil.example").method(Method::POST).sec_fetch_site("cross-site");
    /// assert_eq!(cors.clone().build().unwrap().check(&post).cross_origin(), None);
    /// let guarded = cors.cross_origin_protection().build().unwrap().check(&post);
    /// assert!(guarded.cross_origin().is_some_and(GuardOutcome::is_refused));
    /// assert!(!guarded.is_allowed());
    /// ```
    pub fn cross_origin(&self) -> Option<crate::GuardOutcome> {
        self.cross_origin
    }

    /// Why the request was refused, if it was.
    ///
    /// ```
    /// use corsair::{Cors, CorsRequest, Refusal};
    /// let policy = Cors::default().allowed_origin("https://a.com").build().unwrap();
    /// let d = policy.check(&CorsRequest::preflight("https://a.com", "DELETE"));
    /// assert_eq!(d.refusal(), Some(Refusal::MethodNotAllowed));
    /// ```
    pub fn refusal(&self) -> Option<Refusal> {
        match self.verdict {
            Verdict::Refused { reason, .. } => Some(reason),
            _ => None,
        }
    }

    /// True if the middleware treats the request as a preflight (and so answers it itself).
    /// A [`CorsRequest::preflight`] is not one under a policy built with
    /// [`disable_preflight`](crate::Cors::disable_preflight).
    ///
    /// ```
    /// use corsair::{Cors, CorsRequest};
    /// let req = CorsRequest::preflight("https://a.com", "PUT");
    /// let normal = Cors::default().allowed_origin("https://a.com").build().unwrap();
    /// let passing = Cors::default().allowed_origin("https://a.com").disable_preflight().build().unwrap();
    /// assert!(normal.check(&req).is_preflight());
    /// assert!(!passing.check(&req).is_preflight());
    /// ```
    pub fn is_preflight(&self) -> bool {
        matches!(
            self.verdict,
            Verdict::Preflight { .. }
                | Verdict::Refused {
                    preflight: true,
                    ..
                }
        )
    }

    /// Which rule allowed the origin, if it was allowed.
    ///
    /// ```
    /// use corsair::{Cors, CorsRequest, MatchedBy};
    /// let policy = Cors::default().allowed_origin_pattern("http://localhost:*").build().unwrap();
    /// let d = policy.check(&CorsRequest::new("http://localhost:3000"));
    /// assert_eq!(d.matched_by(), Some(MatchedBy::Pattern));
    /// ```
    pub fn matched_by(&self) -> Option<MatchedBy> {
        match self.verdict {
            Verdict::Actual { by, .. } | Verdict::Preflight { by, .. } => Some(by),
            _ => None,
        }
    }

    /// The CORS headers the middleware adds to the response: `Access-Control-*` and `Vary`.
    ///
    /// On a response the application makes, the middleware merges `Vary` into the
    /// application's own `Vary` and sets the others.
    ///
    /// ```
    /// use actix_web::http::header;
    /// use corsair::{Cors, CorsRequest};
    /// let policy = Cors::default().allowed_origin("https://a.com").build().unwrap();
    /// let d = policy.check(&CorsRequest::new("https://a.com"));
    /// assert_eq!(d.headers().get(header::ACCESS_CONTROL_ALLOW_ORIGIN).unwrap(), "https://a.com");
    /// assert_eq!(d.headers().len(), 2); // and `Vary: Origin`
    /// ```
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The value of one response header the middleware would send, if it sends it (and it is
    /// visible ASCII).
    ///
    /// ```
    /// use actix_web::http::header;
    /// use corsair::{Cors, CorsRequest};
    /// let policy = Cors::default().allowed_origin("https://a.com").build().unwrap();
    /// let d = policy.check(&CorsRequest::new("https://a.com"));
    /// assert_eq!(d.header(header::VARY), Some("Origin"));
    /// assert_eq!(d.header(header::ACCESS_CONTROL_ALLOW_CREDENTIALS), None);
    /// ```
    pub fn header(&self, name: HeaderName) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The status the middleware answers with itself (preflights, and refused requests when
    /// blocking); `None` when the request goes on to the application, whose handler then
    /// decides the status.
    ///
    /// ```
    /// use actix_web::http::StatusCode;
    /// use corsair::{Cors, CorsRequest};
    /// let policy = Cors::default().allowed_origin("https://a.com").build().unwrap();
    /// let d = policy.check(&CorsRequest::preflight("https://a.com", "GET"));
    /// assert_eq!(d.status(), Some(StatusCode::NO_CONTENT));
    /// let d = policy.check(&CorsRequest::preflight("https://b.com", "GET"));
    /// assert_eq!(d.status(), Some(StatusCode::FORBIDDEN));
    /// assert_eq!(policy.check(&CorsRequest::new("https://b.com")).status(), None);
    /// ```
    pub fn status(&self) -> Option<StatusCode> {
        self.status
    }

    /// The detail of a refusal, as in the `debug` log line: the near-miss hint for an
    /// origin, the allowed methods for a method, the refused header with the call that
    /// allows it. `None` for allowed requests and for refusals without more to say.
    ///
    /// ```
    /// use corsair::{Cors, CorsRequest};
    /// let policy = Cors::default().allowed_origin("https://app.example.com").build().unwrap();
    /// let d = policy.check(&CorsRequest::new("http://app.example.com"));
    /// let detail = d.detail().unwrap();
    /// assert!(detail.starts_with("did you mean `https://app.example.com`? scheme differs"));
    /// ```
    pub fn detail(&self) -> Option<&str> {
        self.detail.as_deref()
    }

    /// For [`Refusal::HeaderNotAllowed`], the first requested header the policy refuses, as
    /// the request wrote it.
    ///
    /// ```
    /// use corsair::{Cors, CorsRequest};
    /// let policy = Cors::default()
    ///     .allowed_origin("https://a.com")
    ///     .allowed_header("content-type")
    ///     .build()
    ///     .unwrap();
    /// let d = policy.check(&CorsRequest::preflight("https://a.com", "POST").requesting_headers(["Content-Type", "X-Trace"]));
    /// assert_eq!(d.refused_header(), Some("X-Trace"));
    /// ```
    pub fn refused_header(&self) -> Option<&str> {
        self.refused_header.as_deref()
    }
}

/// Why a request with an `Origin` got no CORS headers and was let through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Passed {
    SameOrigin,
    ObserveOnly,
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(reason) = self
            .cross_origin
            .filter(|o| o.is_refused())
            .and_then(|o| o.refusal())
        {
            return write!(f, "refused by cross-origin protection: {reason}");
        }
        match &self.verdict {
            Verdict::NoOrigin => f.write_str(match self.passed {
                None => "allowed: no Origin header, not a CORS request",
                Some(Passed::SameOrigin) => {
                    "allowed: same origin (the request's `Origin` is its own), not a CORS request"
                }
                Some(Passed::ObserveOnly) => {
                    "allowed: observe-only, the policy writes no CORS header and refuses nothing"
                }
            }),
            Verdict::Actual { by, .. } => write!(f, "allowed: origin matched by {by:?}"),
            Verdict::Preflight { by, .. } => {
                write!(f, "allowed preflight: origin matched by {by:?}")
            }
            Verdict::Refused { reason, .. } => {
                write!(f, "refused: {reason}")?;
                if let Some(detail) = &self.detail {
                    write!(f, "; {detail}")?;
                }
                Ok(())
            }
        }
    }
}

impl CorsPolicy {
    /// Decides `request` exactly as the middleware would, without a server and without side
    /// effects of its own (nothing is logged; your `allowed_origin_fn` predicates do run).
    ///
    /// Use it in your own tests to pin your policy ("the staging frontend may PUT with
    /// `x-api-key`"), or at start-up to log what a given origin will get. The
    /// [`Decision`] holds the verdict, the typed [`Refusal`] with its detail, and the exact
    /// headers and status the middleware would send.
    ///
    /// ```
    /// use actix_web::http::{header, StatusCode};
    /// use corsair::{Cors, CorsRequest, Refusal};
    ///
    /// let policy = Cors::default()
    ///     .allowed_origin("https://staging.example.com")
    ///     .allowed_methods(["PUT"])
    ///     .allowed_header("x-api-key")
    ///     .build()
    ///     .unwrap();
    ///
    /// // The staging frontend may PUT with x-api-key...
    /// let ok = policy.check(&CorsRequest::preflight("https://staging.example.com", "PUT").requesting_header("x-api-key"));
    /// assert!(ok.is_allowed());
    /// assert_eq!(ok.status(), Some(StatusCode::NO_CONTENT));
    /// assert_eq!(ok.header(header::ACCESS_CONTROL_ALLOW_METHODS), Some("PUT"));
    /// assert_eq!(ok.header(header::ACCESS_CONTROL_ALLOW_HEADERS), Some("x-api-key"));
    ///
    /// // ...but not with any other header,
    /// let no = policy.check(&CorsRequest::preflight("https://staging.example.com", "PUT").requesting_header("x-other"));
    /// assert_eq!(no.refusal(), Some(Refusal::HeaderNotAllowed));
    /// assert_eq!(no.refused_header(), Some("x-other"));
    /// assert_eq!(no.status(), Some(StatusCode::FORBIDDEN));
    /// assert!(no.header(header::ACCESS_CONTROL_ALLOW_ORIGIN).is_none());
    ///
    /// // ...and nothing else may DELETE.
    /// let no = policy.check(&CorsRequest::preflight("https://staging.example.com", "DELETE"));
    /// assert_eq!(no.refusal(), Some(Refusal::MethodNotAllowed));
    /// assert!(no.to_string().contains("method `DELETE` is not allowed (allowed: PUT"));
    /// ```
    pub fn check(&self, request: &CorsRequest) -> Decision {
        let compiled = &*self.rules;
        let head = match request.head() {
            Ok(head) => head,
            // Not a request any HTTP parser lets through; say which part is broken.
            // (Observe-only decides nothing, whatever the request.)
            Err(_) if !request.has_origin() || self.rollout.options.observe_only => {
                let passed = request.has_origin().then_some(Passed::ObserveOnly);
                return self.decision(Verdict::NoOrigin, passed, None, None);
            }
            Err(reason) => {
                let verdict = Verdict::Refused {
                    preflight: compiled.flags.preflight && request.is_preflight(),
                    reason,
                };
                return self.decision(verdict, None, None, None);
            }
        };
        let settled = rollout::settle(
            compiled,
            &self.rollout.options,
            &head,
            RequestOrigin::of(&head),
            || request.secure,
        );
        let passed = if !request.has_origin() {
            None
        } else if self.rollout.options.observe_only {
            Some(Passed::ObserveOnly)
        } else if settled.same_origin {
            Some(Passed::SameOrigin)
        } else {
            None
        };
        let verdict = settled.verdict;
        // [protection hook] What cross-origin protection decides, when the policy has it.
        let cross_origin =
            crate::protection::check_cors(compiled, &self.rollout, &head, request.secure);
        let (detail, refused_header) = match &verdict {
            Verdict::Refused { reason, .. } => (
                diagnostics::detail(compiled, &head, *reason),
                match reason {
                    Refusal::HeaderNotAllowed => {
                        compiled.first_refused_header(&head).map(str::to_owned)
                    }
                    _ => None,
                },
            ),
            _ => (None, None),
        };
        let mut decision = self.decision(verdict, passed, detail, refused_header);
        // [protection hook] A refusal of the guard is the middleware's whole answer.
        decision.cross_origin = cross_origin;
        if cross_origin.is_some_and(|o| o.is_refused()) {
            decision.status = Some(StatusCode::FORBIDDEN);
            decision.headers.clear();
        }
        decision
    }

    fn decision(
        &self,
        verdict: Verdict,
        passed: Option<Passed>,
        detail: Option<String>,
        refused_header: Option<String>,
    ) -> Decision {
        let mut headers = HeaderMap::new();
        self.rules.apply(&verdict, &mut headers);
        Decision {
            status: self.rules.own_answer(&verdict),
            verdict,
            passed,
            headers,
            detail,
            refused_header,
            cross_origin: None,
        }
    }
}
