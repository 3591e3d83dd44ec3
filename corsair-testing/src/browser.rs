//! The browser: runs one `fetch` against an in-process actix-web app, step by step as the
//! Fetch standard's "main fetch" → "HTTP fetch" → "CORS-preflight fetch" →
//! "HTTP-network-or-cache fetch" → "HTTP-redirect fetch" describe them for `mode: 'cors'`.

use std::{sync::Mutex, time::Duration};

use actix_web::{
    body::MessageBody,
    dev::{Service, ServiceResponse},
    http::Method,
    test::TestRequest,
};

use super::{
    cache::PreflightCache,
    checks::{cors_check, exposes_star, get, hidden_headers, parse_allowance, readable_headers},
    cookies::{Context, Jar},
    fetch::Url,
    outcome::{Blocked, Outcome, Preflight, Reason, Step},
    safelist::{is_safelisted_method, is_safelisted_request_header, unsafe_request_header_names},
    site::{is_potentially_trustworthy, same_site, sec_fetch_site},
    Credentials, Fetch,
};

/// The Fetch standard's redirect limit ("HTTP-redirect fetch": more than 20 is a network
/// error).
pub(super) const MAX_REDIRECTS: usize = 20;

/// A simulated browser tab on one page origin, with its own preflight cache, cookie jar and
/// clock. See the [module documentation](super) for what it models.
///
/// ```
/// # actix_web::rt::System::new().block_on(async {
/// use actix_web::{test, web, App};
/// use corsair::Cors;
/// use corsair_testing::{Browser, Fetch, Preflight};
/// let app = test::init_service(
///     App::new()
///         .wrap(Cors::default().allowed_origin("http://localhost:5173")
///             .allowed_methods(["PUT"]).allowed_header("content-type")
///             .supports_credentials().max_age(600))
///         .route("/api/items/1", web::put().to(|| async { "stored" })),
/// ).await;
/// let browser = Browser::new("http://localhost:5173");
/// let out = browser.fetch(&app, Fetch::put("/api/items/1").json().credentials()).await;
/// assert!(out.is_allowed(), "{out}");
/// assert_eq!(out.preflight(), Preflight::Sent(204));
/// // Within max-age the second one needs no preflight...
/// let again = browser.fetch(&app, Fetch::put("/api/items/1").json().credentials()).await;
/// assert_eq!(again.preflight(), Preflight::Cached);
/// // ...and after it, it does.
/// browser.advance(std::time::Duration::from_secs(601));
/// let later = browser.fetch(&app, Fetch::put("/api/items/1").json().credentials()).await;
/// assert_eq!(later.preflight(), Preflight::Sent(204));
/// # });
/// ```
#[derive(Debug)]
pub struct Browser {
    pub(super) origin: String,
    pub(super) app_origin: String,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
pub(super) struct State {
    pub(super) now: Duration,
    cache: PreflightCache,
    pub(super) jar: Jar,
    /// Handshakes made so far: each gets its own `Sec-WebSocket-Key`.
    pub(super) sockets: u32,
}

/// One response as the network hands it to fetch: status, lower-case headers, body.
pub(super) struct Response {
    pub(super) status: u16,
    pub(super) headers: Vec<(String, String)>,
    pub(super) body: Vec<u8>,
}

/// What kind of request the browser makes: it decides `Sec-Fetch-Mode` and `Sec-Fetch-Dest`,
/// the `Origin` header and the cookie rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    /// `fetch()` in `mode: 'cors'` (the default, same-origin requests included).
    Cors,
    /// `fetch()` in `mode: 'no-cors'`.
    NoCors,
    /// A form submission: a navigation of the whole tab, or of an iframe.
    Navigate { iframe: bool, user: bool },
    /// A WebSocket handshake.
    WebSocket,
}

impl Kind {
    fn mode(self) -> &'static str {
        match self {
            Kind::Cors => "cors",
            Kind::NoCors => "no-cors",
            Kind::Navigate { .. } => "navigate",
            Kind::WebSocket => "websocket",
        }
    }

    fn dest(self) -> &'static str {
        match self {
            Kind::Navigate { iframe: true, .. } => "iframe",
            Kind::Navigate { iframe: false, .. } => "document",
            Kind::Cors | Kind::NoCors | Kind::WebSocket => "empty",
        }
    }

    fn top_level_navigation(self) -> bool {
        matches!(self, Kind::Navigate { iframe: false, .. })
    }
}

impl Browser {
    /// A page loaded from `page_origin` (e.g. `http://localhost:5173`), fetching from an app
    /// at `http://localhost:8080` unless [`Browser::app_origin`] says otherwise.
    ///
    /// ```
    /// let browser = corsair_testing::Browser::new("http://localhost:5173");
    /// assert_eq!(browser.origin(), "http://localhost:5173");
    /// ```
    pub fn new(page_origin: &str) -> Browser {
        Browser {
            origin: Url::parse(page_origin, "").origin,
            app_origin: "http://localhost:8080".to_owned(),
            state: Mutex::new(State::default()),
        }
    }

    /// The origin the app under test is served from; paths in [`Fetch`] resolve against it.
    /// When it equals the page's origin, requests are same-origin and CORS does not apply.
    ///
    /// ```
    /// let browser = corsair_testing::Browser::new("http://localhost:5173")
    ///     .app_origin("https://api.example.com");
    /// assert_eq!(browser.app_origin_of(), "https://api.example.com");
    /// ```
    pub fn app_origin(mut self, origin: &str) -> Browser {
        self.app_origin = Url::parse(origin, "").origin;
        self
    }

    /// The page's origin (sent as `Origin`).
    ///
    /// ```
    /// assert_eq!(corsair_testing::Browser::new("http://a.test").origin(), "http://a.test");
    /// ```
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The app's origin.
    ///
    /// ```
    /// let b = corsair_testing::Browser::new("http://a.test");
    /// assert_eq!(b.app_origin_of(), "http://localhost:8080");
    /// ```
    pub fn app_origin_of(&self) -> &str {
        &self.app_origin
    }

    /// Moves the simulated clock forward, expiring preflight-cache entries.
    ///
    /// ```
    /// let b = corsair_testing::Browser::new("http://a.test");
    /// b.advance(std::time::Duration::from_secs(5));
    /// ```
    pub fn advance(&self, by: Duration) {
        self.state().now += by;
    }

    /// Empties the preflight cache (as a new browser profile would be).
    ///
    /// ```
    /// corsair_testing::Browser::new("http://a.test").clear_preflight_cache();
    /// ```
    pub fn clear_preflight_cache(&self) {
        self.state().cache.clear();
    }

    /// The cookies stored for the app, `name=value` in name order.
    ///
    /// ```
    /// assert!(corsair_testing::Browser::new("http://a.test").cookies().is_empty());
    /// ```
    pub fn cookies(&self) -> Vec<String> {
        self.state().jar.list()
    }

    /// Stores a cookie for the app as if the app had set it with this `Set-Cookie` value on a
    /// page the user opened (a top-level navigation to the app): the user is logged in. The
    /// same rules as for a real `Set-Cookie` apply: `SameSite=None` needs `Secure`, and
    /// `Secure` needs an `https` (or `localhost`) app origin. Its age counts from now on the
    /// simulated clock.
    ///
    /// ```
    /// let b = corsair_testing::Browser::new("https://evil.example")
    ///     .app_origin("https://bank.example");
    /// b.set_cookie("session=s1; SameSite=Lax; HttpOnly");
    /// b.set_cookie("tracking=t; SameSite=None"); // refused: None without Secure
    /// assert_eq!(b.cookies(), ["session=s1"]);
    /// ```
    pub fn set_cookie(&self, set_cookie: &str) {
        let ctx = Context {
            secure_url: is_potentially_trustworthy(&self.app_origin),
            same_site: true,
            top_level_navigation: true,
            safe_method: true,
            now: self.state().now,
        };
        self.state().jar.store(set_cookie, ctx);
    }

    pub(super) fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The cookie rules' view of a request of `kind` with `method` to `url`.
    pub(super) fn cookie_context(&self, kind: Kind, method: &str, url: &Url) -> Context {
        Context {
            secure_url: is_potentially_trustworthy(&url.origin),
            same_site: same_site(&self.origin, &url.origin),
            top_level_navigation: kind.top_level_navigation(),
            safe_method: matches!(method, "GET" | "HEAD" | "OPTIONS" | "TRACE"),
            now: self.state().now,
        }
    }

    /// Stores the response's `Set-Cookie` values (when the credentials mode lets the response
    /// set cookies at all).
    pub(super) fn store_cookies(&self, ctx: Context, headers: &[(String, String)]) {
        let mut state = self.state();
        for (_, value) in headers.iter().filter(|(n, _)| n == "set-cookie") {
            state.jar.store(value, ctx);
        }
    }

    /// The `Cookie` header for a request, if any cookie goes.
    pub(super) fn cookie_header(&self, ctx: Context) -> Option<String> {
        self.state().jar.header(ctx)
    }

    /// Fetch Metadata's `Sec-Fetch-*` headers for a request of `kind` whose URL list (each
    /// redirect hop so far, by origin) is `url_list`: none when the current URL is not
    /// potentially trustworthy, and none on WebSocket handshakes, which Chromium 156 sends
    /// without them (the standard says `Sec-Fetch-Mode: websocket`; see the module docs).
    pub(super) fn fetch_metadata(&self, kind: Kind, url_list: &[String]) -> Vec<(String, String)> {
        let current = url_list.last().map_or("", String::as_str);
        if kind == Kind::WebSocket || !is_potentially_trustworthy(current) {
            return Vec::new();
        }
        let mut headers = vec![
            (
                "Sec-Fetch-Site".to_owned(),
                sec_fetch_site(&self.origin, url_list).to_owned(),
            ),
            ("Sec-Fetch-Mode".to_owned(), kind.mode().to_owned()),
            ("Sec-Fetch-Dest".to_owned(), kind.dest().to_owned()),
        ];
        if let Kind::Navigate { user: true, .. } = kind {
            headers.push(("Sec-Fetch-User".to_owned(), "?1".to_owned()));
        }
        headers
    }

    /// Fetch standard, "append a request `Origin` header": always for a CORS request and a
    /// WebSocket handshake; otherwise only for methods other than `GET` and `HEAD`, and then
    /// `null` when an `https` page sends to a non-`https` URL (the default referrer policy,
    /// `strict-origin-when-cross-origin`).
    pub(super) fn origin_header(
        &self,
        cors_or_socket: bool,
        method: &str,
        url: &Url,
    ) -> Option<String> {
        if cors_or_socket {
            return Some(self.origin.clone());
        }
        if matches!(method, "GET" | "HEAD") {
            return None;
        }
        let downgrade = self.origin.starts_with("https://") && !url.origin.starts_with("https://");
        Some(if downgrade {
            "null".to_owned()
        } else {
            self.origin.clone()
        })
    }

    /// Runs `request` from this page against `app` (an `actix_web::test::init_service`
    /// service) as a browser would, and returns what the script sees.
    ///
    /// ```
    /// # actix_web::rt::System::new().block_on(async {
    /// use actix_web::{test, web, App};
    /// use corsair_testing::{Browser, Fetch, Step};
    /// // No CORS middleware at all: the request reaches the app, the script gets nothing.
    /// let app = test::init_service(App::new().route("/x", web::get().to(|| async { "x" }))).await;
    /// let out = Browser::new("http://localhost:5173").fetch(&app, Fetch::get("/x")).await;
    /// assert_eq!(out.blocked().unwrap().step, Step::Actual);
    /// assert_eq!((out.status(), out.server_status()), (0, Some(200)));
    /// # });
    /// ```
    pub async fn fetch<S, B, E>(&self, app: &S, request: Fetch) -> Outcome
    where
        S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = E>,
        E: Into<actix_web::Error>,
        B: MessageBody,
    {
        let first = Url::parse(&request.url, &self.app_origin);
        let mut url = first.clone();
        let mut url_list = vec![first.origin.clone()];
        let mut method = request.method.clone();
        let no_cors = request.no_cors;
        let kind = if no_cors { Kind::NoCors } else { Kind::Cors };
        let mut headers = request.headers.clone();
        let mut body = request.body.clone();
        if body.is_some()
            && !headers
                .iter()
                .any(|(n, _)| n.eq_ignore_ascii_case("content-type"))
        {
            headers.push(("Content-Type".into(), "text/plain;charset=UTF-8".into()));
        }
        let credentials = request.credentials;
        let mut out = Outcome {
            url: first.full(),
            redirected_from: None,
            origin: self.origin.clone(),
            method: method.clone(),
            blocked: None,
            status: 0,
            server_status: None,
            headers: Vec::new(),
            body: Vec::new(),
            preflight: Preflight::NotNeeded,
            requests_sent: Vec::new(),
            warnings: Vec::new(),
            hidden: Vec::new(),
            hidden_by_star_with_credentials: false,
            refused_headers: Vec::new(),
            opaque: false,
        };
        if body.is_some() && matches!(method.as_str(), "GET" | "HEAD") {
            // Fetch standard, "new Request": a GET or HEAD request cannot have a body.
            return blocked(out, Step::Call, Reason::BodyWithGetOrHead);
        }
        if no_cors {
            // Fetch standard, "new Request" step 30: a no-cors request must use a
            // CORS-safelisted method, or `fetch()` throws before anything is sent. (Its
            // headers guard already dropped every header that is not no-CORS-safelisted.)
            if !is_safelisted_method(&method) {
                return blocked(out, Step::Call, Reason::NoCorsMethod(method));
            }
            headers.retain(|(n, v)| {
                !n.eq_ignore_ascii_case("range") && is_safelisted_request_header(n, v)
            });
        }
        let mut redirects = 0;
        loop {
            let cors = !no_cors && url.origin != self.origin;
            // "main fetch": a cross-origin request that is not safelisted needs a preflight
            // ("use-CORS-preflight" when the method or a header is not CORS-safelisted).
            if cors {
                let unsafe_names = unsafe_request_header_names(&headers);
                if !is_safelisted_method(&method) || !unsafe_names.is_empty() {
                    let full = url.full();
                    let now = self.state().now;
                    let cached = self.state().cache.allows(
                        &self.origin,
                        &full,
                        &method,
                        &unsafe_names,
                        credentials,
                        now,
                    );
                    if let Some(warning) = cached {
                        out.preflight = Preflight::Cached;
                        out.warnings.extend(warning);
                    } else {
                        let res = self
                            .preflight(app, &url, &url_list, &method, &unsafe_names)
                            .await;
                        out.requests_sent
                            .push(("OPTIONS".into(), url.path.clone(), res.status));
                        out.preflight = Preflight::Sent(res.status);
                        let allowance = check_preflight(&res, &self.origin, credentials)
                            .map_err(|r| (r, Vec::new()))
                            .and_then(|a| {
                                let warning = a.permits(&method, &unsafe_names, credentials)?;
                                Ok((a, warning))
                            });
                        match allowance {
                            Ok((a, warning)) => {
                                out.warnings.extend(warning);
                                self.state()
                                    .cache
                                    .store(&self.origin, &full, credentials, a, now)
                            }
                            Err((reason, refused)) => {
                                out.refused_headers = refused;
                                return blocked(out, Step::Preflight, reason);
                            }
                        }
                    }
                }
            }

            // "HTTP-network-or-cache fetch": Origin on every CORS request, cookies when the
            // credentials mode asks for them, `Accept: */*` unless the script set one, and
            // the Fetch Metadata headers.
            let send_cookies = match credentials {
                Credentials::Include => true,
                Credentials::SameOrigin => url.origin == self.origin,
                Credentials::Omit => false,
            };
            let mut wire = headers.clone();
            if !wire.iter().any(|(n, _)| n.eq_ignore_ascii_case("accept")) {
                wire.push(("Accept".into(), "*/*".into()));
            }
            if let Some(origin) = self.origin_header(cors, &method, &url) {
                wire.push(("Origin".into(), origin));
            }
            wire.extend(self.fetch_metadata(kind, &url_list));
            let cookie_ctx = self.cookie_context(kind, &method, &url);
            if send_cookies {
                if let Some(cookie) = self.cookie_header(cookie_ctx) {
                    wire.push(("Cookie".into(), cookie));
                }
            }
            let res = send(app, &method, &url, &wire, body.clone()).await;
            out.requests_sent
                .push((method.clone(), url.path.clone(), res.status));
            out.server_status = Some(res.status);
            if send_cookies {
                self.store_cookies(cookie_ctx, &res.headers);
            }

            let location = get(&res.headers, "location");
            let is_redirect = is_redirect(res.status, location.as_deref());
            // "HTTP fetch": the CORS check runs on every response of a CORS request,
            // redirects included.
            if cors {
                if let Err(reason) = cors_check(&res.headers, &self.origin, credentials) {
                    let step = if is_redirect {
                        Step::Redirect
                    } else {
                        Step::Actual
                    };
                    return blocked(out, step, reason);
                }
            }
            if let (true, Some(location)) = (is_redirect, location) {
                // "HTTP-redirect fetch".
                redirects += 1;
                if redirects > MAX_REDIRECTS {
                    return blocked(out, Step::Redirect, Reason::TooManyRedirects);
                }
                let next = Url::parse(&location, &url.origin);
                if cors && next.has_userinfo {
                    return blocked(
                        out,
                        Step::Redirect,
                        Reason::RedirectWithCredentials(location),
                    );
                }
                if next.origin != self.app_origin {
                    return blocked(out, Step::Redirect, Reason::RedirectLeavesApp(next.full()));
                }
                if redirect_turns_into_get(res.status, &method) {
                    method = "GET".into();
                    body = None;
                    drop_body_headers(&mut headers);
                }
                out.redirected_from = Some(first.full());
                out.method = method.clone();
                out.url = next.full();
                url_list.push(next.origin.clone());
                url = next;
                continue;
            }

            if no_cors && url.origin != self.origin {
                // "main fetch": an opaque filtered response; the script sees nothing.
                out.opaque = true;
                return out;
            }
            out.status = res.status;
            out.headers = readable_headers(&res.headers, credentials, cors);
            out.hidden = hidden_headers(&res.headers, &out.headers, cors);
            out.hidden_by_star_with_credentials =
                credentials == Credentials::Include && exposes_star(&res.headers);
            out.body = res.body;
            return out;
        }
    }

    /// "CORS-preflight fetch" steps 1–3: `OPTIONS` with `Accept: */*`, `Origin`,
    /// `Access-Control-Request-Method` and, when there are any, the sorted lower-case
    /// `Access-Control-Request-Headers` joined by `,`; never credentials.
    async fn preflight<S, B, E>(
        &self,
        app: &S,
        url: &Url,
        url_list: &[String],
        method: &str,
        unsafe_names: &[String],
    ) -> Response
    where
        S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = E>,
        E: Into<actix_web::Error>,
        B: MessageBody,
    {
        let mut wire = vec![
            ("Accept".to_owned(), "*/*".to_owned()),
            ("Origin".to_owned(), self.origin.clone()),
            (
                "Access-Control-Request-Method".to_owned(),
                method.to_owned(),
            ),
        ];
        if !unsafe_names.is_empty() {
            wire.push((
                "Access-Control-Request-Headers".to_owned(),
                unsafe_names.join(","),
            ));
        }
        wire.extend(self.fetch_metadata(Kind::Cors, url_list));
        send(app, "OPTIONS", url, &wire, None).await
    }
}

/// "CORS-preflight fetch" step 7: as Chromium orders it, the CORS check first, then the ok
/// status (a preflight redirect is refused before either), then the allow lists.
fn check_preflight(
    res: &Response,
    origin: &str,
    credentials: Credentials,
) -> Result<super::checks::Allowance, Reason> {
    if is_redirect(res.status, get(&res.headers, "location").as_deref()) {
        return Err(Reason::PreflightRedirect);
    }
    cors_check(&res.headers, origin, credentials)?;
    if !(200..300).contains(&res.status) {
        return Err(Reason::PreflightNotOk(res.status));
    }
    parse_allowance(&res.headers)
}

/// A redirect is a response with a redirect status (301, 302, 303, 307 or 308) and a
/// `Location` (Fetch standard, "redirect status" and "HTTP-redirect fetch"). Any other 3xx,
/// 300 and 304 included, or one without `Location`, is a plain response (Chromium agrees).
pub(super) fn is_redirect(status: u16, location: Option<&str>) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308) && location.is_some()
}

/// "HTTP-redirect fetch" step 12: 301 and 302 turn `POST` into `GET`, 303 turns every
/// method but `GET` and `HEAD` into `GET`.
pub(super) fn redirect_turns_into_get(status: u16, method: &str) -> bool {
    ((status == 301 || status == 302) && method == "POST")
        || (status == 303 && method != "GET" && method != "HEAD")
}

/// The request-body headers that go with the body when a redirect drops it.
pub(super) fn drop_body_headers(headers: &mut Vec<(String, String)>) {
    headers.retain(|(n, _)| {
        ![
            "content-encoding",
            "content-language",
            "content-location",
            "content-type",
        ]
        .contains(&n.to_ascii_lowercase().as_str())
    });
}

fn blocked(mut out: Outcome, step: Step, reason: Reason) -> Outcome {
    out.blocked = Some(Blocked { step, reason });
    out.status = 0;
    out.headers.clear();
    out.body.clear();
    out
}

/// Sends one request to the in-process app; an `Err` from the service becomes the response
/// the server would have written for it.
pub(super) async fn send<S, B, E>(
    app: &S,
    method: &str,
    url: &Url,
    headers: &[(String, String)],
    body: Option<Vec<u8>>,
) -> Response
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = E>,
    E: Into<actix_web::Error>,
    B: MessageBody,
{
    let (status, headers, answer) = call(app, method, url, headers, body).await;
    let body = match answer {
        Ok(res) => actix_web::body::to_bytes(res.into_body())
            .await
            .map(|b| b.to_vec())
            .ok(),
        Err(res) => actix_web::body::to_bytes(res.into_body())
            .await
            .map(|b| b.to_vec())
            .ok(),
    };
    Response {
        status,
        headers,
        body: body.unwrap_or_default(),
    }
}

/// Sends a `GET` and keeps only the status and headers: the body of an accepted WebSocket
/// handshake is the socket's stream, which never ends.
pub(super) async fn send_head<S, B, E>(
    app: &S,
    url: &Url,
    headers: &[(String, String)],
) -> (u16, Vec<(String, String)>)
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = E>,
    E: Into<actix_web::Error>,
    B: MessageBody,
{
    let (status, headers, _socket) = call(app, "GET", url, headers, None).await;
    (status, headers)
}

/// The app's answer: its status and headers, and the response (the app's own, or the one
/// actix-web writes for an error) whose body is still to be read.
type Answer<B> = (
    u16,
    Vec<(String, String)>,
    Result<actix_web::HttpResponse<B>, actix_web::HttpResponse>,
);

async fn call<S, B, E>(
    app: &S,
    method: &str,
    url: &Url,
    headers: &[(String, String)],
    body: Option<Vec<u8>>,
) -> Answer<B>
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = E>,
    E: Into<actix_web::Error>,
    B: MessageBody,
{
    let host = url.origin.split_once("://").map_or("", |(_, h)| h);
    let mut req = TestRequest::default()
        .method(Method::from_bytes(method.as_bytes()).unwrap_or(Method::GET))
        .uri(&url.path)
        .insert_header(("host", host));
    for (name, value) in headers {
        req = req.append_header((name.as_str(), value.as_str()));
    }
    if let Some(body) = body {
        req = req.set_payload(body);
    }
    match app.call(req.to_request()).await {
        Ok(res) => {
            let res = res.into_parts().1;
            let mut headers = header_list(res.headers());
            // actix-http writes `Connection: upgrade` on the wire for an upgrade response
            // (a WebSocket handshake's 101); it is not in the header map.
            if res.head().upgrade() && !headers.iter().any(|(n, _)| n == "connection") {
                headers.push(("connection".to_owned(), "upgrade".to_owned()));
            }
            (res.status().as_u16(), headers, Ok(res))
        }
        Err(e) => {
            let res = e.into().error_response();
            (res.status().as_u16(), header_list(res.headers()), Err(res))
        }
    }
}

fn header_list(map: &actix_web::http::header::HeaderMap) -> Vec<(String, String)> {
    map.iter()
        .map(|(n, v)| {
            (
                n.as_str().to_owned(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect()
}
