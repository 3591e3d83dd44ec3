//! The browser: runs one `fetch` against an in-process actix-web app, step by step as the
//! Fetch standard's "main fetch" → "HTTP fetch" → "CORS-preflight fetch" →
//! "HTTP-network-or-cache fetch" → "HTTP-redirect fetch" describe them for `mode: 'cors'`.

use std::{collections::BTreeMap, sync::Mutex, time::Duration};

use actix_web::{
    body::MessageBody,
    dev::{Service, ServiceResponse},
    http::Method,
    test::TestRequest,
};

use super::{
    cache::PreflightCache,
    checks::{cors_check, parse_allowance, readable_headers},
    fetch::Url,
    outcome::{Blocked, Outcome, Preflight, Reason, Step},
    safelist::{is_safelisted_method, unsafe_request_header_names},
    Credentials, Fetch,
};

/// The Fetch standard's redirect limit ("HTTP-redirect fetch": more than 20 is a network
/// error).
const MAX_REDIRECTS: usize = 20;

/// A simulated browser tab on one page origin, with its own preflight cache, cookie jar and
/// clock. See the [module documentation](super) for what it models.
///
/// ```
/// # actix_web::rt::System::new().block_on(async {
/// use actix_web::{test, web, App};
/// use corsair::{testing::{Browser, Fetch, Preflight}, Cors};
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
    origin: String,
    app_origin: String,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    now: Duration,
    cache: PreflightCache,
    cookies: BTreeMap<String, String>,
}

/// One response as the network hands it to fetch: status, lower-case headers, body.
struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Browser {
    /// A page loaded from `page_origin` (e.g. `http://localhost:5173`), fetching from an app
    /// at `http://localhost:8080` unless [`Browser::app_origin`] says otherwise.
    ///
    /// ```
    /// let browser = corsair::testing::Browser::new("http://localhost:5173");
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
    /// let browser = corsair::testing::Browser::new("http://localhost:5173")
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
    /// assert_eq!(corsair::testing::Browser::new("http://a.test").origin(), "http://a.test");
    /// ```
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The app's origin.
    ///
    /// ```
    /// let b = corsair::testing::Browser::new("http://a.test");
    /// assert_eq!(b.app_origin_of(), "http://localhost:8080");
    /// ```
    pub fn app_origin_of(&self) -> &str {
        &self.app_origin
    }

    /// Moves the simulated clock forward, expiring preflight-cache entries.
    ///
    /// ```
    /// let b = corsair::testing::Browser::new("http://a.test");
    /// b.advance(std::time::Duration::from_secs(5));
    /// ```
    pub fn advance(&self, by: Duration) {
        self.state().now += by;
    }

    /// Empties the preflight cache (as a new browser profile would be).
    ///
    /// ```
    /// corsair::testing::Browser::new("http://a.test").clear_preflight_cache();
    /// ```
    pub fn clear_preflight_cache(&self) {
        self.state().cache.clear();
    }

    /// The cookies stored for the app, `name=value` in name order.
    ///
    /// ```
    /// assert!(corsair::testing::Browser::new("http://a.test").cookies().is_empty());
    /// ```
    pub fn cookies(&self) -> Vec<String> {
        let state = self.state();
        state
            .cookies
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect()
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs `request` from this page against `app` (an `actix_web::test::init_service`
    /// service) as a browser would, and returns what the script sees.
    ///
    /// ```
    /// # actix_web::rt::System::new().block_on(async {
    /// use actix_web::{test, web, App};
    /// use corsair::testing::{Browser, Fetch, Step};
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
        let mut method = request.method.clone();
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
        };
        let mut redirects = 0;
        loop {
            let cors = url.origin != self.origin;
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
                    if cached {
                        out.preflight = Preflight::Cached;
                    } else {
                        let res = self.preflight(app, &url, &method, &unsafe_names).await;
                        out.requests_sent
                            .push(("OPTIONS".into(), url.path.clone(), res.status));
                        out.preflight = Preflight::Sent(res.status);
                        let allowance =
                            check_preflight(&res, &self.origin, credentials).and_then(|a| {
                                a.permits(&method, &unsafe_names, credentials)?;
                                Ok(a)
                            });
                        match allowance {
                            Ok(a) => {
                                self.state()
                                    .cache
                                    .store(&self.origin, &full, credentials, a, now)
                            }
                            Err(reason) => {
                                return blocked(out, Step::Preflight, reason);
                            }
                        }
                    }
                }
            }

            // "HTTP-network-or-cache fetch": Origin on every CORS request, cookies when the
            // credentials mode asks for them, `Accept: */*` unless the script set one.
            let send_cookies = match credentials {
                Credentials::Include => true,
                Credentials::SameOrigin => !cors,
                Credentials::Omit => false,
            };
            let mut wire = headers.clone();
            if !wire.iter().any(|(n, _)| n.eq_ignore_ascii_case("accept")) {
                wire.push(("Accept".into(), "*/*".into()));
            }
            if cors || !matches!(method.as_str(), "GET" | "HEAD") {
                wire.push(("Origin".into(), self.origin.clone()));
            }
            let cookie = self.cookies().join("; ");
            if send_cookies && !cookie.is_empty() {
                wire.push(("Cookie".into(), cookie));
            }
            let res = send(app, &method, &url, &wire, body.clone()).await;
            out.requests_sent
                .push((method.clone(), url.path.clone(), res.status));
            out.server_status = Some(res.status);
            if send_cookies {
                self.store_cookies(&res.headers);
            }

            let location = crate::testing::checks::get(&res.headers, "location");
            let is_redirect =
                matches!(res.status, 301 | 302 | 303 | 307 | 308) && location.is_some();
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
                // 301/302 turn POST into GET, 303 turns everything but HEAD into GET; the
                // request-body headers go with the body.
                if ((res.status == 301 || res.status == 302) && method == "POST")
                    || (res.status == 303 && method != "GET" && method != "HEAD")
                {
                    method = "GET".into();
                    body = None;
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
                out.redirected_from = Some(first.full());
                out.method = method.clone();
                out.url = next.full();
                url = next;
                continue;
            }

            out.status = res.status;
            out.headers = readable_headers(&res.headers, credentials, cors);
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
        send(app, "OPTIONS", url, &wire, None).await
    }

    /// Stores `Set-Cookie` (name and value; `Max-Age=0` or a negative one deletes). Paths,
    /// domains and `SameSite` are not modelled: the jar holds the app's cookies.
    fn store_cookies(&self, headers: &[(String, String)]) {
        let mut state = self.state();
        for (_, value) in headers.iter().filter(|(n, _)| n == "set-cookie") {
            let mut parts = value.split(';');
            let Some((name, val)) = parts.next().and_then(|p| p.split_once('=')) else {
                continue;
            };
            let deleted = parts.any(|attr| {
                attr.trim().split_once('=').is_some_and(|(k, v)| {
                    k.eq_ignore_ascii_case("max-age")
                        && v.trim().parse::<i64>().is_ok_and(|s| s <= 0)
                })
            });
            let name = name.trim().to_owned();
            if deleted {
                state.cookies.remove(&name);
            } else {
                state.cookies.insert(name, val.trim().to_owned());
            }
        }
    }
}

/// "CORS-preflight fetch" step 7: as Chromium orders it, the CORS check first, then the ok
/// status (a preflight redirect is refused before either), then the allow lists.
fn check_preflight(
    res: &Response,
    origin: &str,
    credentials: Credentials,
) -> Result<super::checks::Allowance, Reason> {
    if (300..400).contains(&res.status) {
        return Err(Reason::PreflightRedirect);
    }
    cors_check(&res.headers, origin, credentials)?;
    if !(200..300).contains(&res.status) {
        return Err(Reason::PreflightNotOk(res.status));
    }
    parse_allowance(&res.headers)
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
async fn send<S, B, E>(
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
            let (status, headers) = (res.status().as_u16(), header_list(res.headers()));
            let body = actix_web::body::to_bytes(res.into_body())
                .await
                .map(|b| b.to_vec())
                .unwrap_or_default();
            Response {
                status,
                headers,
                body,
            }
        }
        Err(e) => {
            let res = e.into().error_response();
            let (status, headers) = (res.status().as_u16(), header_list(res.headers()));
            let body = actix_web::body::to_bytes(res.into_body())
                .await
                .map(|b| b.to_vec())
                .unwrap_or_default();
            Response {
                status,
                headers,
                body,
            }
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
