//! Asking a policy about a request without a server: "would this be allowed, and why not?"
//!
//! [`CorsPolicy::check`] builds the request head the browser would send and runs the very
//! functions the middleware runs ([`Compiled::decide`](crate::policy::Compiled) and `apply`),
//! so the headers in a [`Decision`] are exactly what the wire would carry.

use std::fmt;

use actix_web::{
    dev::RequestHead,
    http::{
        header::{self, HeaderMap, HeaderName, HeaderValue},
        Method, StatusCode,
    },
};

use crate::{
    diagnostics,
    origin::MatchedBy,
    policy::{CorsPolicy, Refusal, Verdict, ACRPN},
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
/// let preflight = CorsRequest::preflight("https://staging.example.com", "PUT").header("x-api-key");
/// assert!(policy.check(&preflight).is_allowed());
/// ```
#[derive(Debug, Clone)]
pub struct CorsRequest {
    origins: Vec<Vec<u8>>,
    method: Method,
    request_method: Option<String>,
    request_headers: Vec<String>,
    private_network: bool,
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

    /// Sets the actual request's method (ignored for preflights).
    ///
    /// ```
    /// use actix_web::http::Method;
    /// let req = corsair::CorsRequest::new("https://a.com").method(Method::POST);
    /// # drop(req);
    /// ```
    pub fn method(mut self, method: Method) -> Self {
        if self.request_method.is_none() {
            self.method = method;
        }
        self
    }

    /// Adds a name to the preflight's `Access-Control-Request-Headers`.
    ///
    /// ```
    /// let req = corsair::CorsRequest::preflight("https://a.com", "POST").header("content-type");
    /// # drop(req);
    /// ```
    pub fn header(mut self, name: &str) -> Self {
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

    /// The request head the browser would send, or `None` if a value cannot be a header.
    fn head(&self) -> Option<RequestHead> {
        let mut head = RequestHead::default();
        head.method = self.method.clone();
        for origin in &self.origins {
            head.headers
                .append(header::ORIGIN, HeaderValue::from_bytes(origin).ok()?);
        }
        if let Some(m) = &self.request_method {
            head.headers.insert(
                header::ACCESS_CONTROL_REQUEST_METHOD,
                HeaderValue::from_str(m).ok()?,
            );
        }
        if !self.request_headers.is_empty() {
            head.headers.insert(
                header::ACCESS_CONTROL_REQUEST_HEADERS,
                HeaderValue::from_str(&self.request_headers.join(",")).ok()?,
            );
        }
        if self.private_network {
            head.headers.insert(ACRPN, HeaderValue::from_static("true"));
        }
        Some(head)
    }
}

/// What a policy decides for a [`CorsRequest`], and the exact headers the middleware sends.
///
/// `Display` explains the decision in one line, with a hint for near misses.
///
/// # Example
/// ```
/// use corsair::{Cors, CorsRequest, Refusal};
///
/// let policy = Cors::default().allowed_origin("http://localhost:5174").build().unwrap();
/// let decision = policy.check(&CorsRequest::new("http://localhost:5173"));
/// assert_eq!(decision.refusal(), Some(Refusal::OriginNotAllowed));
/// assert!(decision.to_string().contains("did you mean `http://localhost:5174`"));
/// ```
#[derive(Debug, Clone)]
pub struct Decision {
    verdict: Verdict,
    headers: HeaderMap,
    status: Option<StatusCode>,
    detail: Option<String>,
}

impl Decision {
    /// True if the browser would be allowed to proceed (or the request is not cross-origin).
    ///
    /// ```
    /// use corsair::{Cors, CorsRequest};
    /// let policy = Cors::default().build().unwrap();
    /// assert!(policy.check(&CorsRequest::without_origin()).is_allowed());
    /// ```
    pub fn is_allowed(&self) -> bool {
        !matches!(self.verdict, Verdict::Refused { .. })
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

    /// The CORS headers the middleware adds to the response (including `Vary`).
    ///
    /// ```
    /// use actix_web::http::header;
    /// use corsair::{Cors, CorsRequest};
    /// let policy = Cors::default().allowed_origin("https://a.com").build().unwrap();
    /// let d = policy.check(&CorsRequest::new("https://a.com"));
    /// assert_eq!(d.headers().get(header::ACCESS_CONTROL_ALLOW_ORIGIN).unwrap(), "https://a.com");
    /// ```
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The value of one response header the middleware would send.
    ///
    /// ```
    /// use actix_web::http::header;
    /// use corsair::{Cors, CorsRequest};
    /// let policy = Cors::default().allowed_origin("https://a.com").build().unwrap();
    /// let d = policy.check(&CorsRequest::new("https://a.com"));
    /// assert_eq!(d.header(header::VARY), Some("Origin"));
    /// ```
    pub fn header(&self, name: HeaderName) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The status the middleware answers with itself (preflights, and refused requests when
    /// blocking); `None` when the request goes on to the application.
    ///
    /// ```
    /// use actix_web::http::StatusCode;
    /// use corsair::{Cors, CorsRequest};
    /// let policy = Cors::default().allowed_origin("https://a.com").build().unwrap();
    /// let d = policy.check(&CorsRequest::preflight("https://a.com", "GET"));
    /// assert_eq!(d.status(), Some(StatusCode::NO_CONTENT));
    /// ```
    pub fn status(&self) -> Option<StatusCode> {
        self.status
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.verdict {
            Verdict::NoOrigin => f.write_str("allowed: no Origin header, not a CORS request"),
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
    /// Decides `request` exactly as the middleware would, without a server.
    ///
    /// Use it in your own tests to pin your policy ("the staging frontend may PUT with
    /// `x-api-key`"), or at start-up to log what a given origin will get.
    ///
    /// ```
    /// use actix_web::http::header;
    /// use corsair::{Cors, CorsRequest, Refusal};
    ///
    /// let policy = Cors::default()
    ///     .allowed_origin("https://app.example.com")
    ///     .allowed_methods(["PUT"])
    ///     .allowed_header("x-api-key")
    ///     .build()
    ///     .unwrap();
    ///
    /// let ok = policy.check(&CorsRequest::preflight("https://app.example.com", "PUT").header("x-api-key"));
    /// assert!(ok.is_allowed());
    /// assert_eq!(ok.header(header::ACCESS_CONTROL_ALLOW_METHODS), Some("PUT"));
    ///
    /// let no = policy.check(&CorsRequest::preflight("https://app.example.com", "PUT").header("x-other"));
    /// assert_eq!(no.refusal(), Some(Refusal::HeaderNotAllowed));
    /// assert!(no.to_string().contains("x-other"));
    /// ```
    pub fn check(&self, request: &CorsRequest) -> Decision {
        let compiled = &*self.inner;
        let Some(head) = request.head() else {
            let verdict = Verdict::Refused {
                preflight: request.request_method.is_some(),
                reason: Refusal::MalformedOrigin,
            };
            return self.decision(verdict, None);
        };
        let verdict = compiled.decide(&head);
        let detail = match &verdict {
            Verdict::Refused { reason, .. } => diagnostics::detail(compiled, &head, *reason),
            _ => None,
        };
        self.decision(verdict, detail)
    }

    fn decision(&self, verdict: Verdict, detail: Option<String>) -> Decision {
        let mut headers = HeaderMap::new();
        self.inner.apply(&verdict, &mut headers);
        Decision {
            status: self.inner.own_answer(&verdict),
            verdict,
            headers,
            detail,
        }
    }
}
