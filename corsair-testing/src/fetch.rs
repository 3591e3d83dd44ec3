//! What the page's script asks for: one `fetch(url, init)` call.

use super::safelist::is_forbidden_request_header;

/// A request's credentials mode, as in `fetch(url, { credentials })`.
///
/// ```
/// use corsair_testing::{Credentials, Fetch};
/// let f = Fetch::get("/api/me").credentials_mode(Credentials::Include);
/// assert_eq!(f.credentials_of(), Credentials::Include);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Credentials {
    /// `'omit'`: never send or store cookies.
    Omit,
    /// `'same-origin'` (the default): cookies only for same-origin requests.
    #[default]
    SameOrigin,
    /// `'include'`: cookies on cross-origin requests too; the server must answer
    /// `Access-Control-Allow-Credentials: true` and may not use `*`.
    Include,
}

impl Credentials {
    /// The name used in JavaScript: `omit`, `same-origin` or `include`.
    ///
    /// ```
    /// assert_eq!(corsair_testing::Credentials::Include.as_str(), "include");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Credentials::Omit => "omit",
            Credentials::SameOrigin => "same-origin",
            Credentials::Include => "include",
        }
    }
}

/// One `fetch()` call in `mode: 'cors'` (the default for `fetch`), built like its `init`
/// object. A path (`/api/items`) is resolved against the app's origin (see
/// [`Browser::app_origin`](super::Browser::app_origin)); an absolute URL names the origin
/// itself.
///
/// ```
/// use corsair_testing::Fetch;
/// // fetch(API + '/api/items/1', { method: 'PUT', credentials: 'include',
/// //   headers: { 'Content-Type': 'application/json' }, body: '{"n":1}' })
/// let f = Fetch::put("/api/items/1").json_body(r#"{"n":1}"#).credentials();
/// assert_eq!(f.method_of(), "PUT");
/// ```
#[derive(Clone, Debug)]
pub struct Fetch {
    pub(crate) method: String,
    pub(crate) url: String,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Option<Vec<u8>>,
    pub(crate) credentials: Credentials,
    pub(crate) no_cors: bool,
}

impl Fetch {
    /// A request with any method. As `fetch()` does, the standard methods `DELETE`, `GET`,
    /// `HEAD`, `OPTIONS`, `POST` and `PUT` are upper-cased; others (`patch`) are kept as given.
    ///
    /// ```
    /// use corsair_testing::Fetch;
    /// assert_eq!(Fetch::new("delete", "/x").method_of(), "DELETE");
    /// assert_eq!(Fetch::new("patch", "/x").method_of(), "patch");
    /// ```
    pub fn new(method: &str, url: &str) -> Fetch {
        let method = corsair_fetch::normalize_method(method);
        Fetch {
            method,
            url: url.to_owned(),
            headers: Vec::new(),
            body: None,
            credentials: Credentials::default(),
            no_cors: false,
        }
    }

    /// `GET url`.
    ///
    /// ```
    /// assert_eq!(corsair_testing::Fetch::get("/a").method_of(), "GET");
    /// ```
    pub fn get(url: &str) -> Fetch {
        Fetch::new("GET", url)
    }

    /// `POST url`.
    ///
    /// ```
    /// assert_eq!(corsair_testing::Fetch::post("/a").method_of(), "POST");
    /// ```
    pub fn post(url: &str) -> Fetch {
        Fetch::new("POST", url)
    }

    /// `PUT url`.
    ///
    /// ```
    /// assert_eq!(corsair_testing::Fetch::put("/a").method_of(), "PUT");
    /// ```
    pub fn put(url: &str) -> Fetch {
        Fetch::new("PUT", url)
    }

    /// `PATCH url` (upper case, as a script would write it).
    ///
    /// ```
    /// assert_eq!(corsair_testing::Fetch::patch("/a").method_of(), "PATCH");
    /// ```
    pub fn patch(url: &str) -> Fetch {
        Fetch::new("PATCH", url)
    }

    /// `DELETE url`.
    ///
    /// ```
    /// assert_eq!(corsair_testing::Fetch::delete("/a").method_of(), "DELETE");
    /// ```
    pub fn delete(url: &str) -> Fetch {
        Fetch::new("DELETE", url)
    }

    /// Adds a request header. A *forbidden request-header* (`Cookie`, `Origin`, `Host`,
    /// `Sec-*`, ...) is dropped, as `fetch()` drops it.
    ///
    /// ```
    /// use corsair_testing::Fetch;
    /// let f = Fetch::get("/a").header("X-Api-Key", "k").header("Cookie", "x=1");
    /// assert_eq!(f.headers_of(), [("X-Api-Key".to_string(), "k".to_string())]);
    /// ```
    pub fn header(mut self, name: &str, value: &str) -> Fetch {
        if !is_forbidden_request_header(name) {
            self.headers.push((name.to_owned(), value.to_owned()));
        }
        self
    }

    /// `Content-Type: application/json` with the body `{}`; see [`Fetch::json_body`].
    ///
    /// ```
    /// let f = corsair_testing::Fetch::post("/a").json();
    /// assert_eq!(f.headers_of()[0].1, "application/json");
    /// ```
    pub fn json(self) -> Fetch {
        self.json_body("{}")
    }

    /// `Content-Type: application/json` with this body (not safelisted: needs a preflight).
    ///
    /// ```
    /// let f = corsair_testing::Fetch::post("/a").json_body(r#"{"a":1}"#);
    /// assert_eq!(f.headers_of()[0].1, "application/json");
    /// ```
    pub fn json_body(mut self, body: &str) -> Fetch {
        self.set_content_type("application/json");
        self.body = Some(body.as_bytes().to_vec());
        self
    }

    /// A string body; like `fetch()`, it adds `Content-Type: text/plain;charset=UTF-8` unless
    /// a `Content-Type` header is set by the time the request is sent.
    ///
    /// ```
    /// let f = corsair_testing::Fetch::post("/a").body("hi");
    /// assert_eq!(f.method_of(), "POST");
    /// ```
    pub fn body(mut self, body: &str) -> Fetch {
        self.body = Some(body.as_bytes().to_vec());
        self
    }

    /// A `URLSearchParams` body: `Content-Type: application/x-www-form-urlencoded;charset=UTF-8`.
    ///
    /// ```
    /// let f = corsair_testing::Fetch::post("/a").form("a=1&b=2");
    /// assert!(f.headers_of()[0].1.starts_with("application/x-www-form-urlencoded"));
    /// ```
    pub fn form(mut self, body: &str) -> Fetch {
        self.set_content_type("application/x-www-form-urlencoded;charset=UTF-8");
        self.body = Some(body.as_bytes().to_vec());
        self
    }

    /// `credentials: 'include'`.
    ///
    /// ```
    /// use corsair_testing::{Credentials, Fetch};
    /// assert_eq!(Fetch::get("/a").credentials().credentials_of(), Credentials::Include);
    /// ```
    pub fn credentials(self) -> Fetch {
        self.credentials_mode(Credentials::Include)
    }

    /// Any credentials mode.
    ///
    /// ```
    /// use corsair_testing::{Credentials, Fetch};
    /// let f = Fetch::get("/a").credentials_mode(Credentials::Omit);
    /// assert_eq!(f.credentials_of(), Credentials::Omit);
    /// ```
    pub fn credentials_mode(mut self, mode: Credentials) -> Fetch {
        self.credentials = mode;
        self
    }

    /// `mode: 'no-cors'`: the request goes without a preflight and without a CORS check, and
    /// the script gets an opaque response (status 0, no headers, no body; see
    /// [`Outcome::is_opaque`](super::Outcome::is_opaque)). Only `GET`, `HEAD` and `POST` are
    /// possible (`fetch()` throws for others), and headers other than `Accept`,
    /// `Accept-Language`, `Content-Language` and a safelisted `Content-Type` are dropped. This
    /// is the "simple request" an attacker's page can send with the user's cookies: the
    /// browser sends it whatever the CORS policy says.
    ///
    /// ```
    /// # actix_web::rt::System::new().block_on(async {
    /// use actix_web::{test, web, App};
    /// use corsair::Cors;
    /// use corsair_testing::{Browser, Fetch};
    /// let app = test::init_service(
    ///     App::new()
    ///         .wrap(Cors::default().allowed_origin("https://app.example.com"))
    ///         .route("/transfer", web::post().to(|| async { "done" })),
    /// ).await;
    /// let evil = Browser::new("https://evil.example").app_origin("https://bank.example");
    /// let out = evil.fetch(&app, Fetch::post("/transfer").form("to=mallory").no_cors()).await;
    /// assert!(out.is_opaque());
    /// assert_eq!(out.status(), 0);
    /// assert_eq!(out.server_status(), Some(200), "the handler ran: CORS is not CSRF protection");
    /// # });
    /// ```
    pub fn no_cors(mut self) -> Fetch {
        self.no_cors = true;
        self
    }

    /// The method as it will be sent.
    ///
    /// ```
    /// assert_eq!(corsair_testing::Fetch::get("/a").method_of(), "GET");
    /// ```
    pub fn method_of(&self) -> &str {
        &self.method
    }

    /// The headers the script set (forbidden ones already dropped).
    ///
    /// ```
    /// assert!(corsair_testing::Fetch::get("/a").headers_of().is_empty());
    /// ```
    pub fn headers_of(&self) -> &[(String, String)] {
        &self.headers
    }

    /// The credentials mode.
    ///
    /// ```
    /// use corsair_testing::{Credentials, Fetch};
    /// assert_eq!(Fetch::get("/a").credentials_of(), Credentials::SameOrigin);
    /// ```
    pub fn credentials_of(&self) -> Credentials {
        self.credentials
    }

    fn set_content_type(&mut self, value: &str) {
        self.headers
            .retain(|(n, _)| !n.eq_ignore_ascii_case("content-type"));
        self.headers
            .push(("Content-Type".to_owned(), value.to_owned()));
    }
}

/// A URL split into its serialized origin and its path with query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Url {
    pub(crate) origin: String,
    pub(crate) path: String,
    pub(crate) has_userinfo: bool,
}

impl Url {
    /// `scheme://host[:port][/path]` or a path resolved against `base_origin`.
    pub(crate) fn parse(url: &str, base_origin: &str) -> Url {
        match url.split_once("://") {
            Some((scheme, rest)) => {
                let end = rest.find(['/', '?']).unwrap_or(rest.len());
                let (authority, path) = rest.split_at(end);
                let has_userinfo = authority.contains('@');
                let host = authority.rsplit('@').next().unwrap_or(authority);
                let scheme = scheme.to_ascii_lowercase();
                let mut host = host.to_ascii_lowercase();
                for default in [("http", ":80"), ("https", ":443")] {
                    if scheme == default.0 && host.ends_with(default.1) {
                        host.truncate(host.len() - default.1.len());
                    }
                }
                let path = if path.starts_with('/') {
                    path.to_owned()
                } else {
                    format!("/{path}")
                };
                Url {
                    origin: format!("{scheme}://{host}"),
                    path,
                    has_userinfo,
                }
            }
            None => Url {
                origin: base_origin.to_owned(),
                path: if url.starts_with('/') {
                    url.to_owned()
                } else {
                    format!("/{url}")
                },
                has_userinfo: false,
            },
        }
    }

    /// The whole URL, as Chromium prints it in console messages.
    pub(crate) fn full(&self) -> String {
        format!("{}{}", self.origin, self.path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_resolve_against_the_app_origin_and_drop_default_ports() {
        let u = Url::parse("/a?b=1", "http://localhost:8080");
        assert_eq!(u.full(), "http://localhost:8080/a?b=1");
        let u = Url::parse("HTTPS://API.example.com:443", "http://x");
        assert_eq!(u.full(), "https://api.example.com/");
        assert!(Url::parse("http://u:p@h/", "http://x").has_userinfo);
    }
}
