//! HTML form submissions: the cross-site write that CORS does not stop.
//!
//! A `<form method=post action=https://bank.example/transfer>` on any page, submitted by a
//! script or by the user, makes the browser **navigate** to the action URL (HTML, "form
//! submission algorithm"; Fetch `mode: 'navigate'`). There is no preflight and no CORS check:
//! the request reaches the app with the user's cookies (as `SameSite` allows), and only the
//! app can refuse it. [`Browser::submit`] sends what Chromium sends for it, so that "a
//! cross-site form POST is refused" is a plain unit test.

use std::fmt;

use actix_web::{
    body::MessageBody,
    dev::{Service, ServiceResponse},
};

use super::{
    browser::{drop_body_headers, is_redirect, redirect_turns_into_get, send, Kind, MAX_REDIRECTS},
    checks::get,
    fetch::Url,
    outcome::Reason,
    Browser,
};

/// A form's `enctype`: how its fields become the request body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Enctype {
    UrlEncoded,
    Multipart,
    TextPlain,
}

/// One HTML form submission, built like the `<form>` element. A path action resolves against
/// the app's origin, as [`Fetch`](super::Fetch) paths do.
///
/// ```
/// use corsair_testing::Form;
/// // <form method=post action=/transfer><input name=to value=mallory>
/// //   <input name=amount value="1 000"></form>
/// let form = Form::post("/transfer").field("to", "mallory").field("amount", "1 000");
/// assert_eq!(form.body_of(), b"to=mallory&amount=1+000");
/// assert_eq!(form.content_type_of(), Some("application/x-www-form-urlencoded".into()));
/// ```
#[derive(Clone, Debug)]
pub struct Form {
    method: String,
    action: String,
    enctype: Enctype,
    fields: Vec<(String, String)>,
    iframe: bool,
    user: bool,
}

impl Form {
    /// `<form method=post action=…>`.
    ///
    /// ```
    /// assert_eq!(corsair_testing::Form::post("/a").method_of(), "POST");
    /// ```
    pub fn post(action: &str) -> Form {
        Form {
            method: "POST".into(),
            action: action.to_owned(),
            enctype: Enctype::UrlEncoded,
            fields: Vec::new(),
            iframe: false,
            user: false,
        }
    }

    /// `<form method=get action=…>`: the fields go in the query string, and no body.
    ///
    /// ```
    /// let f = corsair_testing::Form::get("/search").field("q", "a b");
    /// assert_eq!(f.method_of(), "GET");
    /// assert!(f.body_of().is_empty());
    /// ```
    pub fn get(action: &str) -> Form {
        Form {
            method: "GET".into(),
            ..Form::post(action)
        }
    }

    /// An `<input name=… value=…>`.
    ///
    /// ```
    /// let f = corsair_testing::Form::post("/a").field("a", "1").field("b", "2");
    /// assert_eq!(f.body_of(), b"a=1&b=2");
    /// ```
    pub fn field(mut self, name: &str, value: &str) -> Form {
        self.fields.push((name.to_owned(), value.to_owned()));
        self
    }

    /// `enctype="multipart/form-data"`.
    ///
    /// ```
    /// let f = corsair_testing::Form::post("/a").multipart();
    /// assert!(f.content_type_of().unwrap().starts_with("multipart/form-data; boundary="));
    /// ```
    pub fn multipart(mut self) -> Form {
        self.enctype = Enctype::Multipart;
        self
    }

    /// `enctype="text/plain"` (a way to post a JSON-looking body without a preflight).
    ///
    /// ```
    /// let f = corsair_testing::Form::post("/a").text_plain().field(r#"{"a":1,"x":""#, r#""}"#);
    /// assert_eq!(f.body_of(), b"{\"a\":1,\"x\":\"=\"}\r\n");
    /// ```
    pub fn text_plain(mut self) -> Form {
        self.enctype = Enctype::TextPlain;
        self
    }

    /// `target` names an iframe: the navigation is a nested one (`Sec-Fetch-Dest: iframe`), so
    /// cross-site it carries no `SameSite=Lax` cookies even for `GET`.
    ///
    /// ```
    /// let f = corsair_testing::Form::post("/a").in_iframe();
    /// # let _ = f;
    /// ```
    pub fn in_iframe(mut self) -> Form {
        self.iframe = true;
        self
    }

    /// The user clicked the submit button (user activation: `Sec-Fetch-User: ?1`). Without it
    /// the form is submitted by a script, as an attacker's page does.
    ///
    /// ```
    /// let f = corsair_testing::Form::post("/a").by_user();
    /// # let _ = f;
    /// ```
    pub fn by_user(mut self) -> Form {
        self.user = true;
        self
    }

    /// The method: `GET` or `POST`.
    ///
    /// ```
    /// assert_eq!(corsair_testing::Form::get("/a").method_of(), "GET");
    /// ```
    pub fn method_of(&self) -> &str {
        &self.method
    }

    /// The `Content-Type` the browser sends (`None` for `GET`). Multipart boundaries are
    /// Chromium's shape, `----WebKitFormBoundary` and 16 characters (fixed here).
    ///
    /// ```
    /// assert_eq!(corsair_testing::Form::get("/a").content_type_of(), None);
    /// ```
    pub fn content_type_of(&self) -> Option<String> {
        if self.method == "GET" {
            return None;
        }
        Some(match self.enctype {
            Enctype::UrlEncoded => "application/x-www-form-urlencoded".to_owned(),
            Enctype::Multipart => format!("multipart/form-data; boundary={BOUNDARY}"),
            Enctype::TextPlain => "text/plain".to_owned(),
        })
    }

    /// The body the browser sends (empty for `GET`): HTML's
    /// `application/x-www-form-urlencoded`, `multipart/form-data` or `text/plain` encoding.
    ///
    /// ```
    /// let f = corsair_testing::Form::post("/a").field("q", "é&=");
    /// assert_eq!(f.body_of(), b"q=%C3%A9%26%3D");
    /// ```
    pub fn body_of(&self) -> Vec<u8> {
        if self.method == "GET" {
            return Vec::new();
        }
        match self.enctype {
            Enctype::UrlEncoded => urlencoded(&self.fields).into_bytes(),
            Enctype::TextPlain => self
                .fields
                .iter()
                .map(|(n, v)| format!("{n}={v}\r\n"))
                .collect::<String>()
                .into_bytes(),
            Enctype::Multipart => {
                let mut body = String::new();
                for (n, v) in &self.fields {
                    let escape = |s: &str| {
                        s.replace('"', "%22")
                            .replace('\r', "%0D")
                            .replace('\n', "%0A")
                    };
                    body.push_str(&format!(
                        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{}\"\r\n\r\n{v}\r\n",
                        escape(n)
                    ));
                }
                body.push_str(&format!("--{BOUNDARY}--\r\n"));
                body.into_bytes()
            }
        }
    }
}

/// The multipart boundary (Chromium's shape; random there, fixed here).
const BOUNDARY: &str = "----WebKitFormBoundaryc0rsa1rS1mu1at";

/// HTML's `application/x-www-form-urlencoded` serializer: bytes outside `*-._` and ASCII
/// alphanumerics percent-encoded in upper case, spaces as `+`.
fn urlencoded(fields: &[(String, String)]) -> String {
    let enc = |s: &str| {
        let mut out = String::new();
        for &b in s.as_bytes() {
            match b {
                b' ' => out.push('+'),
                b if b.is_ascii_alphanumeric() || b"*-._".contains(&b) => out.push(b as char),
                b => out.push_str(&format!("%{b:02X}")),
            }
        }
        out
    };
    fields
        .iter()
        .map(|(n, v)| format!("{}={}", enc(n), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// What a form submission did: the document the tab (or frame) ends up showing, and every
/// request that reached the app. There is no CORS check: the page that submitted the form
/// cannot read the answer, but the app **ran** the request, which is what matters for a
/// write.
///
/// ```
/// # actix_web::rt::System::new().block_on(async {
/// use actix_web::{test, web, App, HttpRequest, HttpResponse};
/// use corsair_testing::{Browser, Form};
/// // A stand-in guard: refuse writes whose Origin is not the app's own.
/// let app = test::init_service(App::new().route("/transfer", web::post().to(|req: HttpRequest| async move {
///     match req.headers().get("origin").map(|o| o.as_bytes()) {
///         Some(b"https://bank.example") | None => HttpResponse::Ok().body("sent"),
///         Some(_) => HttpResponse::Forbidden().body("cross-origin write refused"),
///     }
/// }))).await;
/// let evil = Browser::new("https://evil.example").app_origin("https://bank.example");
/// let nav = evil.submit(&app, Form::post("/transfer").field("to", "mallory")).await;
/// assert_eq!(nav.status(), 403, "{nav}");
/// let own = Browser::new("https://bank.example").app_origin("https://bank.example");
/// assert_eq!(own.submit(&app, Form::post("/transfer")).await.status(), 200);
/// # });
/// ```
#[derive(Clone, Debug)]
pub struct Navigation {
    pub(crate) url: String,
    pub(crate) origin: String,
    pub(crate) method: String,
    pub(crate) site: &'static str,
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
    pub(crate) requests_sent: Vec<(String, String, u16)>,
    pub(crate) stopped: Option<Reason>,
}

impl Navigation {
    /// The status of the document the navigation ended on (after same-app redirects).
    ///
    /// ```
    /// # fn f(nav: corsair_testing::Navigation) { assert_eq!(nav.status(), 403); }
    /// ```
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The final URL.
    ///
    /// ```
    /// # fn f(nav: corsair_testing::Navigation) { assert!(nav.url().ends_with("/done")); }
    /// ```
    pub fn url(&self) -> &str {
        &self.url
    }

    /// A header of the final response (lower-case name match), as the user's tab got it.
    ///
    /// ```
    /// # fn f(nav: corsair_testing::Navigation) { assert_eq!(nav.header("x-frame-options"), Some("DENY")); }
    /// ```
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The final document's body as text (lossy UTF-8).
    ///
    /// ```
    /// # fn f(nav: corsair_testing::Navigation) { assert_eq!(nav.text(), "sent"); }
    /// ```
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// Every request that reached the app, in order, as `(method, path, status)`.
    ///
    /// ```
    /// # fn f(nav: corsair_testing::Navigation) { assert_eq!(nav.requests_sent()[0].2, 303); }
    /// ```
    pub fn requests_sent(&self) -> &[(String, String, u16)] {
        &self.requests_sent
    }

    /// Why the simulator stopped following redirects, if it did: a redirect to another origin
    /// than the app ([`Reason::RedirectLeavesApp`]), or more than 20
    /// ([`Reason::TooManyRedirects`]).
    ///
    /// ```
    /// # fn f(nav: corsair_testing::Navigation) { assert!(nav.stopped().is_none()); }
    /// ```
    pub fn stopped(&self) -> Option<&Reason> {
        self.stopped.as_ref()
    }
}

impl fmt::Display for Navigation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "form {} {} from a page on '{}' ({}): the app answered {}",
            self.method, self.url, self.origin, self.site, self.status
        )?;
        if self.requests_sent.len() > 1 {
            let chain: Vec<String> = self
                .requests_sent
                .iter()
                .map(|(m, p, s)| format!("{m} {p} → {s}"))
                .collect();
            write!(f, " (requests: {})", chain.join(", "))?;
        }
        if let Some(reason) = &self.stopped {
            write!(f, "; stopped: {reason}")?;
        }
        Ok(())
    }
}

impl Browser {
    /// Submits `form` from this page: a navigation (`Sec-Fetch-Mode: navigate`,
    /// `Sec-Fetch-Dest: document`, or `iframe`), with `Origin` on a `POST`, no preflight and no
    /// CORS check, and cookies as `SameSite` allows: a cross-site `POST` carries
    /// `SameSite=None` cookies, plus cookies without `SameSite` during their first 2 minutes
    /// (Chromium's "Lax-allowing-unsafe"), and never `Lax` or `Strict` ones. Redirects on the
    /// app's origin are followed (a `303` after the `POST` turns into a `GET`).
    ///
    /// ```
    /// # actix_web::rt::System::new().block_on(async {
    /// use actix_web::{test, web, App, HttpRequest, HttpResponse};
    /// use corsair_testing::{Browser, Form};
    /// // Who is logged in, as the app sees it.
    /// let app = test::init_service(App::new().route("/transfer", web::post().to(|req: HttpRequest| async move {
    ///     match req.cookie("session") {
    ///         Some(_) => HttpResponse::Ok().body("sent"),
    ///         None => HttpResponse::Unauthorized().body("log in first"),
    ///     }
    /// }))).await;
    /// let evil = Browser::new("https://evil.example").app_origin("https://bank.example");
    /// evil.set_cookie("session=s1; Secure; HttpOnly; SameSite=Lax");
    /// // SameSite=Lax keeps the session off a cross-site POST...
    /// assert_eq!(evil.submit(&app, Form::post("/transfer")).await.status(), 401);
    /// // ...but a session cookie without SameSite goes along in its first 2 minutes.
    /// evil.set_cookie("session=s1; Secure; HttpOnly");
    /// assert_eq!(evil.submit(&app, Form::post("/transfer")).await.status(), 200);
    /// evil.advance(std::time::Duration::from_secs(121));
    /// assert_eq!(evil.submit(&app, Form::post("/transfer")).await.status(), 401);
    /// # });
    /// ```
    pub async fn submit<S, B, E>(&self, app: &S, form: Form) -> Navigation
    where
        S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = E>,
        E: Into<actix_web::Error>,
        B: MessageBody,
    {
        let kind = Kind::Navigate {
            iframe: form.iframe,
            user: form.user,
        };
        let mut url = Url::parse(&form.action, &self.app_origin);
        if form.method == "GET" {
            // HTML "mutate action URL": the query is replaced by the fields.
            let path = url.path.split('?').next().unwrap_or("/").to_owned();
            url.path = format!("{path}?{}", urlencoded(&form.fields));
        }
        let mut method = form.method.clone();
        let mut body = (method == "POST").then(|| form.body_of());
        let mut headers: Vec<(String, String)> = Vec::new();
        if let Some(ct) = form.content_type_of() {
            headers.push(("Content-Type".into(), ct));
        }
        let mut url_list = vec![url.origin.clone()];
        let mut nav = Navigation {
            url: url.full(),
            origin: self.origin.clone(),
            method: method.clone(),
            site: "",
            status: 0,
            headers: Vec::new(),
            body: Vec::new(),
            requests_sent: Vec::new(),
            stopped: None,
        };
        nav.site = super::site::sec_fetch_site(&self.origin, &url_list);
        loop {
            let mut wire = headers.clone();
            wire.push((
                "Accept".into(),
                "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8".into(),
            ));
            wire.push(("Upgrade-Insecure-Requests".into(), "1".into()));
            if let Some(origin) = self.origin_header(false, &method, &url) {
                wire.push(("Origin".into(), origin));
            }
            wire.extend(self.fetch_metadata(kind, &url_list));
            let ctx = self.cookie_context(kind, &method, &url);
            if let Some(cookie) = self.cookie_header(ctx) {
                wire.push(("Cookie".into(), cookie));
            }
            let res = send(app, &method, &url, &wire, body.clone()).await;
            nav.requests_sent
                .push((method.clone(), url.path.clone(), res.status));
            self.store_cookies(ctx, &res.headers);
            let location = get(&res.headers, "location");
            nav.status = res.status;
            nav.headers = res.headers;
            nav.body = res.body;
            let Some(location) = location.filter(|l| is_redirect(res.status, Some(l))) else {
                return nav;
            };
            if nav.requests_sent.len() > MAX_REDIRECTS {
                nav.stopped = Some(Reason::TooManyRedirects);
                return nav;
            }
            let next = Url::parse(&location, &url.origin);
            if next.origin != self.app_origin {
                nav.stopped = Some(Reason::RedirectLeavesApp(next.full()));
                return nav;
            }
            if redirect_turns_into_get(res.status, &method) {
                method = "GET".into();
                body = None;
                drop_body_headers(&mut headers);
            }
            url_list.push(next.origin.clone());
            nav.url = next.full();
            url = next;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urlencoded_follows_the_html_serializer() {
        let f = |n: &str, v: &str| urlencoded(&[(n.into(), v.into())]);
        assert_eq!(f("a b", "c+d"), "a+b=c%2Bd");
        assert_eq!(f("k", "*-._~!"), "k=*-._%7E%21");
    }
}
