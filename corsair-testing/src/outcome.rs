//! What the script sees, and when it sees nothing, why: messages worded as Chromium's console.

use std::fmt;

/// Which request of a `fetch` failed its check.
///
/// ```
/// use corsair_testing::Step;
/// assert_eq!(Step::Preflight.to_string(), "preflight");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// The `OPTIONS` preflight (Fetch standard, "CORS-preflight fetch").
    Preflight,
    /// The actual request's response (Fetch standard, "CORS check" in "main fetch").
    Actual,
    /// A redirect response of the actual request (Fetch standard, "HTTP fetch" runs the CORS
    /// check on it, then "HTTP-redirect fetch").
    Redirect,
    /// The `fetch()` call itself threw, before any request was sent.
    Call,
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Step::Preflight => "preflight",
            Step::Actual => "actual request",
            Step::Redirect => "redirect",
            Step::Call => "fetch() call",
        })
    }
}

/// Why the browser refused to hand the response to the script. The [`Display`](fmt::Display)
/// is Chromium's console wording for the reason (from Chromium's `cors_error_string.cc`).
///
/// ```
/// use corsair_testing::Reason;
/// assert_eq!(
///     Reason::MethodNotAllowed("PUT".into()).to_string(),
///     "Method PUT is not allowed by Access-Control-Allow-Methods in preflight response."
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reason {
    /// No `Access-Control-Allow-Origin` in the response.
    MissingAllowOrigin,
    /// `Access-Control-Allow-Origin: *` on a request with `credentials: 'include'`.
    WildcardOriginWithCredentials,
    /// Several origins (or several headers) in `Access-Control-Allow-Origin`.
    MultipleAllowOriginValues(String),
    /// An `Access-Control-Allow-Origin` that is not an origin at all.
    InvalidAllowOrigin(String),
    /// An `Access-Control-Allow-Origin` naming another origin.
    AllowOriginMismatch(String),
    /// `credentials: 'include'` but `Access-Control-Allow-Credentials` is not `true`
    /// (the value, empty when absent).
    AllowCredentialsNotTrue(String),
    /// The preflight's status is not 200–299.
    PreflightNotOk(u16),
    /// The preflight was answered with a redirect.
    PreflightRedirect,
    /// `Access-Control-Allow-Methods` does not parse as a list of tokens.
    InvalidAllowMethods,
    /// `Access-Control-Allow-Headers` does not parse as a list of header names.
    InvalidAllowHeaders,
    /// The method is neither safelisted nor allowed by the preflight.
    MethodNotAllowed(String),
    /// A request header (lower case) is neither safelisted nor allowed by the preflight.
    HeaderNotAllowed(String),
    /// A redirect to a URL with a user name or password.
    RedirectWithCredentials(String),
    /// More than 20 redirects.
    TooManyRedirects,
    /// A redirect to another origin than the app's. A browser would follow it; the simulator
    /// has only the one in-process app, so it stops and reports it (not a Chromium message).
    RedirectLeavesApp(String),
    /// A `mode: 'no-cors'` request with a method other than `GET`, `HEAD` or `POST`:
    /// `fetch()` throws a `TypeError` and sends nothing.
    NoCorsMethod(String),
    /// A `GET` or `HEAD` request with a body: `fetch()` throws a `TypeError` and sends
    /// nothing (Fetch standard, "new Request").
    BodyWithGetOrHead,
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::MissingAllowOrigin => f.write_str(
                "No 'Access-Control-Allow-Origin' header is present on the requested resource.",
            ),
            Reason::WildcardOriginWithCredentials => f.write_str(
                "The value of the 'Access-Control-Allow-Origin' header in the response must not be \
                 the wildcard '*' when the request's credentials mode is 'include'.",
            ),
            Reason::MultipleAllowOriginValues(v) => write!(
                f,
                "The 'Access-Control-Allow-Origin' header contains multiple values '{v}', but only \
                 one is allowed. Have the server send the header with a valid value."
            ),
            Reason::InvalidAllowOrigin(v) => write!(
                f,
                "The 'Access-Control-Allow-Origin' header contains the invalid value '{v}'. Have \
                 the server send the header with a valid value."
            ),
            Reason::AllowOriginMismatch(v) => write!(
                f,
                "The 'Access-Control-Allow-Origin' header has a value '{v}' that is not equal to \
                 the supplied origin. Have the server send the header with a valid value."
            ),
            Reason::AllowCredentialsNotTrue(v) => write!(
                f,
                "The value of the 'Access-Control-Allow-Credentials' header in the response is \
                 '{v}' which must be 'true' when the request's credentials mode is 'include'."
            ),
            Reason::PreflightNotOk(_) => f.write_str("It does not have HTTP ok status."),
            Reason::PreflightRedirect => {
                f.write_str("Redirect is not allowed for a preflight request.")
            }
            Reason::InvalidAllowMethods => f.write_str(
                "Cannot parse Access-Control-Allow-Methods response header field in preflight \
                 response.",
            ),
            Reason::InvalidAllowHeaders => f.write_str(
                "Cannot parse Access-Control-Allow-Headers response header field in preflight \
                 response.",
            ),
            Reason::MethodNotAllowed(m) => write!(
                f,
                "Method {m} is not allowed by Access-Control-Allow-Methods in preflight response."
            ),
            Reason::HeaderNotAllowed(h) => write!(
                f,
                "Request header field {h} is not allowed by Access-Control-Allow-Headers in \
                 preflight response."
            ),
            Reason::RedirectWithCredentials(u) => write!(
                f,
                "Redirect location '{u}' contains a username and password, which is disallowed \
                 for cross-origin requests."
            ),
            Reason::TooManyRedirects => f.write_str("net::ERR_TOO_MANY_REDIRECTS"),
            Reason::BodyWithGetOrHead => f.write_str(
                "Failed to execute 'fetch' on 'Window': Request with GET/HEAD method cannot have \
                 body.",
            ),
            Reason::NoCorsMethod(m) => write!(
                f,
                "Failed to execute 'fetch' on 'Window': '{m}' is unsupported in no-cors mode."
            ),
            Reason::RedirectLeavesApp(u) => write!(
                f,
                "(simulator) the response redirects to '{u}', another origin than the app under \
                 test; the simulator does not follow it."
            ),
        }
    }
}

impl Reason {
    /// Whether Chromium words this as a failed access check of the preflight response
    /// ("Response to preflight request doesn't pass access control check: ...").
    fn is_preflight_access_check(&self) -> bool {
        !matches!(
            self,
            Reason::MethodNotAllowed(_)
                | Reason::HeaderNotAllowed(_)
                | Reason::InvalidAllowMethods
                | Reason::InvalidAllowHeaders
        )
    }
}

/// A refused `fetch`: which step failed and why.
///
/// ```
/// use corsair_testing::{Blocked, Reason, Step};
/// let b = Blocked { step: Step::Actual, reason: Reason::MissingAllowOrigin };
/// assert_eq!(b.step, Step::Actual);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Blocked {
    /// The request whose response failed.
    pub step: Step,
    /// Why.
    pub reason: Reason,
}

/// Something the browser allowed today that is fragile: it works in Chromium and Firefox, but
/// the standard (or a browser change already announced) says otherwise. Each one names the
/// fix. An allowed [`Outcome`] lists them in [`Outcome::warnings`] and in its `Display`.
///
/// ```
/// use corsair_testing::Warning;
/// let w = Warning::AuthorizationCoveredByWildcard;
/// assert!(w.to_string().contains("list `Authorization` explicitly"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Warning {
    /// The request sent `Authorization`, and the preflight allowed it only through
    /// `Access-Control-Allow-Headers: *`. The Fetch standard says `*` does not cover
    /// `Authorization` (a "CORS non-wildcard request-header name"), but Chromium and Firefox
    /// let it through today (whatwg/fetch#1919), so the simulator allows it too.
    AuthorizationCoveredByWildcard,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::AuthorizationCoveredByWildcard => f.write_str(
                "`Authorization` was allowed only by `Access-Control-Allow-Headers: *`: allowed \
                 today (Chromium, Firefox); list `Authorization` explicitly, the standard says \
                 `*` does not cover it (whatwg/fetch#1919).",
            ),
        }
    }
}

/// What happened about the preflight.
///
/// ```
/// use corsair_testing::Preflight;
/// assert_ne!(Preflight::Cached, Preflight::NotNeeded);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Preflight {
    /// The request is CORS-safelisted (or same-origin): no preflight.
    NotNeeded,
    /// A preflight was sent; the app answered with this status.
    Sent(u16),
    /// A matching preflight-cache entry was used; nothing was sent.
    Cached,
}

/// The result of [`Browser::fetch`](super::Browser::fetch): what the page's script sees.
/// Its [`Display`](fmt::Display) is Chromium's console message when blocked.
///
/// ```
/// # actix_web::rt::System::new().block_on(async {
/// use actix_web::{test, web, App};
/// use corsair::Cors;
/// use corsair_testing::{Browser, Fetch};
/// let app = test::init_service(
///     App::new()
///         .wrap(Cors::default().allowed_origin("http://localhost:5173"))
///         .route("/hi", web::get().to(|| async { "hi" })),
/// ).await;
/// let out = Browser::new("http://localhost:5173").fetch(&app, Fetch::get("/hi")).await;
/// assert!(out.is_allowed(), "{out}");
/// assert_eq!(out.status(), 200);
/// assert_eq!(out.text(), "hi");
/// # });
/// ```
#[derive(Clone, Debug)]
pub struct Outcome {
    pub(crate) url: String,
    pub(crate) redirected_from: Option<String>,
    pub(crate) origin: String,
    pub(crate) method: String,
    pub(crate) blocked: Option<Blocked>,
    pub(crate) status: u16,
    pub(crate) server_status: Option<u16>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
    pub(crate) preflight: Preflight,
    pub(crate) requests_sent: Vec<(String, String, u16)>,
    pub(crate) warnings: Vec<Warning>,
    pub(crate) hidden: Vec<String>,
    /// The response exposed `*`, which exposes nothing under `credentials: 'include'`.
    pub(crate) hidden_by_star_with_credentials: bool,
    pub(crate) refused_headers: Vec<String>,
    pub(crate) opaque: bool,
}

impl Outcome {
    /// The script got the response (`fetch` resolved).
    ///
    /// ```
    /// # fn f(out: corsair_testing::Outcome) { assert!(out.is_allowed(), "{out}"); }
    /// ```
    pub fn is_allowed(&self) -> bool {
        self.blocked.is_none()
    }

    /// The browser refused it (`fetch` rejected with `TypeError: Failed to fetch`).
    ///
    /// ```
    /// # fn f(out: corsair_testing::Outcome) { assert!(out.is_blocked(), "{out}"); }
    /// ```
    pub fn is_blocked(&self) -> bool {
        self.blocked.is_some()
    }

    /// The failed step and reason, if blocked.
    ///
    /// ```
    /// # use corsair_testing::{Outcome, Step};
    /// # fn f(out: Outcome) { assert_eq!(out.blocked().map(|b| b.step), Some(Step::Preflight)); }
    /// ```
    pub fn blocked(&self) -> Option<&Blocked> {
        self.blocked.as_ref()
    }

    /// The status the script sees: `response.status`, or 0 when blocked.
    ///
    /// ```
    /// # fn f(out: corsair_testing::Outcome) { assert_eq!(out.status(), 0); }
    /// ```
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The status the app answered the last request with, even when the script cannot see
    /// it (`None` if only a preflight was sent, or nothing).
    ///
    /// ```
    /// # fn f(out: corsair_testing::Outcome) { assert_eq!(out.server_status(), Some(200)); }
    /// ```
    pub fn server_status(&self) -> Option<u16> {
        self.server_status
    }

    /// A response header as `response.headers.get(name)` returns it: `None` unless script may
    /// read it (safelisted, or exposed by `Access-Control-Expose-Headers`).
    ///
    /// ```
    /// # fn f(out: corsair_testing::Outcome) { assert_eq!(out.header("x-request-id"), None); }
    /// ```
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every header the script can read (lower-case names, duplicate values joined by `, `).
    ///
    /// ```
    /// # fn f(out: corsair_testing::Outcome) { assert!(out.readable_headers().is_empty()); }
    /// ```
    pub fn readable_headers(&self) -> &[(String, String)] {
        &self.headers
    }

    /// The body the script reads (empty when blocked).
    ///
    /// ```
    /// # fn f(out: corsair_testing::Outcome) { assert!(out.body().is_empty()); }
    /// ```
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The body as text (lossy UTF-8).
    ///
    /// ```
    /// # fn f(out: corsair_testing::Outcome) { assert_eq!(out.text(), "hi"); }
    /// ```
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// Whether a preflight was needed, sent or served from the cache.
    ///
    /// ```
    /// # use corsair_testing::{Outcome, Preflight};
    /// # fn f(out: Outcome) { assert_eq!(out.preflight(), Preflight::Cached); }
    /// ```
    pub fn preflight(&self) -> Preflight {
        self.preflight
    }

    /// Every request that reached the app, in order, as `(method, path, status)`.
    ///
    /// ```
    /// # fn f(out: corsair_testing::Outcome) { assert_eq!(out.requests_sent().len(), 2); }
    /// ```
    pub fn requests_sent(&self) -> &[(String, String, u16)] {
        &self.requests_sent
    }

    /// What worked today but is fragile, each with its fix (see [`Warning`]).
    ///
    /// ```
    /// # actix_web::rt::System::new().block_on(async {
    /// use actix_web::{http::Method, test, web, App, HttpResponse};
    /// use corsair_testing::{Browser, Fetch, Warning};
    /// // A hand-written CORS answer: any origin, any header, no credentials.
    /// let app = test::init_service(App::new().route("/me", web::route().to(|req: actix_web::HttpRequest| async move {
    ///     let mut res = HttpResponse::Ok();
    ///     res.insert_header(("access-control-allow-origin", "*"));
    ///     if req.method() == Method::OPTIONS {
    ///         res.insert_header(("access-control-allow-headers", "*"));
    ///     }
    ///     res.body("me")
    /// }))).await;
    /// let out = Browser::new("http://localhost:5173")
    ///     .fetch(&app, Fetch::get("/me").header("Authorization", "Bearer t"))
    ///     .await;
    /// assert!(out.is_allowed(), "{out}");
    /// assert_eq!(out.warnings(), [Warning::AuthorizationCoveredByWildcard]);
    /// # });
    /// ```
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// The response headers the app sent but the script cannot read, because no
    /// `Access-Control-Expose-Headers` names them (or it says `*` under
    /// `credentials: 'include'`, where `*` exposes nothing). Lower-case names, in response
    /// order; `Set-Cookie`, `Vary` and the `Access-Control-*` headers are left out (no
    /// exposure makes them readable, or they are not meant for scripts). The `Display` shows
    /// them with the fix.
    ///
    /// ```
    /// # actix_web::rt::System::new().block_on(async {
    /// use actix_web::{test, web, App, HttpResponse};
    /// use corsair::Cors;
    /// use corsair_testing::{Browser, Fetch};
    /// let app = test::init_service(
    ///     App::new()
    ///         .wrap(Cors::default().allowed_origin("http://localhost:5173"))
    ///         .route("/items", web::get().to(|| async {
    ///             HttpResponse::Ok().insert_header(("x-request-id", "r1")).body("[]")
    ///         })),
    /// ).await;
    /// let out = Browser::new("http://localhost:5173").fetch(&app, Fetch::get("/items")).await;
    /// assert_eq!(out.header("x-request-id"), None);
    /// assert_eq!(out.hidden_headers(), ["x-request-id"]);
    /// assert!(out.to_string().contains(r#".expose_headers(["x-request-id"])"#));
    /// # });
    /// ```
    pub fn hidden_headers(&self) -> &[String] {
        &self.hidden
    }

    /// When the preflight refused request headers: every one it refused (lower case,
    /// alphabetical). [`Reason::HeaderNotAllowed`] names the first of them; Chromium names one
    /// of them too, but in an order of its own (neither the script's order nor alphabetical),
    /// so with several refused headers the named one may differ from Chromium's console.
    ///
    /// ```
    /// # actix_web::rt::System::new().block_on(async {
    /// use actix_web::{test, web, App, HttpResponse};
    /// use corsair_testing::{Browser, Fetch};
    /// // A hand-written preflight answer that allows only `x-a`.
    /// let app = test::init_service(App::new().route("/x", web::route().to(|| async {
    ///     HttpResponse::Ok()
    ///         .insert_header(("access-control-allow-origin", "http://localhost:5173"))
    ///         .insert_header(("access-control-allow-headers", "x-a"))
    ///         .finish()
    /// }))).await;
    /// let f = Fetch::get("/x").header("X-Zeta", "1").header("X-A", "1").header("X-Beta", "1");
    /// let out = Browser::new("http://localhost:5173").fetch(&app, f).await;
    /// assert_eq!(out.refused_headers(), ["x-beta", "x-zeta"]);
    /// # });
    /// ```
    pub fn refused_headers(&self) -> &[String] {
        &self.refused_headers
    }

    /// A `mode: 'no-cors'` fetch that went through: the script gets an opaque response
    /// (status 0, no headers, no body) whatever the app answered; see
    /// [`Fetch::no_cors`](super::Fetch::no_cors).
    ///
    /// ```
    /// # fn f(out: corsair_testing::Outcome) { assert!(out.is_opaque()); }
    /// ```
    pub fn is_opaque(&self) -> bool {
        self.opaque && self.blocked.is_none()
    }

    /// Chromium's console message for a blocked fetch:
    /// `Access to fetch at '…' from origin '…' has been blocked by CORS policy: …`.
    ///
    /// ```
    /// # fn f(out: corsair_testing::Outcome) {
    /// assert!(out.console_message().unwrap().contains("has been blocked by CORS policy"));
    /// # }
    /// ```
    pub fn console_message(&self) -> Option<String> {
        let blocked = self.blocked.as_ref()?;
        if blocked.step == Step::Call {
            return Some(format!(
                "Uncaught (in promise) TypeError: {}",
                blocked.reason
            ));
        }
        let redirected = self
            .redirected_from
            .as_ref()
            .map_or(String::new(), |from| format!(" (redirected from '{from}')"));
        let prefix =
            if blocked.step == Step::Preflight && blocked.reason.is_preflight_access_check() {
                "Response to preflight request doesn't pass access control check: "
            } else {
                ""
            };
        Some(format!(
            "Access to fetch at '{}'{redirected} from origin '{}' has been blocked by CORS policy: \
             {prefix}{}",
            self.url, self.origin, blocked.reason
        ))
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let preflight = match self.preflight {
            Preflight::NotNeeded => "no preflight".to_owned(),
            Preflight::Sent(s) => format!("preflight sent, answered {s}"),
            Preflight::Cached => "preflight from cache".to_owned(),
        };
        match (&self.blocked, self.console_message()) {
            (Some(b), Some(msg)) => {
                write!(f, "{msg}\n  (blocked at the {}; {preflight}", b.step)?;
                if let Some(s) = self.server_status {
                    write!(f, "; the app answered {s}, hidden from the script")?;
                }
                f.write_str(")")?;
                if self.refused_headers.len() > 1 {
                    write!(
                        f,
                        "\n  every request header the preflight refused: {} (Chromium names \
                         one of them, not always the same one as here)",
                        self.refused_headers.join(", ")
                    )?;
                }
                Ok(())
            }
            _ if self.opaque => write!(
                f,
                "{} {} from origin '{}' in no-cors mode: sent; the script gets an opaque \
                 response (status 0, no headers, no body); the app answered {}",
                self.method,
                self.url,
                self.origin,
                self.server_status.unwrap_or(0)
            ),
            _ => {
                write!(
                    f,
                    "{} {} from origin '{}': allowed, status {} ({preflight})",
                    self.method, self.url, self.origin, self.status
                )?;
                for w in &self.warnings {
                    write!(f, "\n  warning: {w}")?;
                }
                if !self.hidden.is_empty() {
                    let why = if self.hidden_by_star_with_credentials {
                        "`Access-Control-Expose-Headers: *` exposes nothing under \
                         credentials: 'include'"
                    } else {
                        "no Access-Control-Expose-Headers names them"
                    };
                    let quoted: Vec<String> =
                        self.hidden.iter().map(|h| format!("\"{h}\"")).collect();
                    write!(
                        f,
                        "\n  sent by the app but hidden from the script: {} ({why}); to let \
                         the script read them, name them on the server: \
                         `.expose_headers([{}])` (Access-Control-Expose-Headers: {})",
                        self.hidden.join(", "),
                        quoted.join(", "),
                        self.hidden.join(", ")
                    )?;
                }
                Ok(())
            }
        }
    }
}
