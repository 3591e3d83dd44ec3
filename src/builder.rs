//! [`Cors`]: the builder users write, with the same method names as `actix-cors`.
//!
//! Builder methods never fail and never panic: they record what was asked. [`Cors::build`]
//! checks everything at once and compiles the policy (see [`crate::validate`]).

use std::{env, sync::Arc};

use actix_web::{
    dev::RequestHead,
    http::{
        header::{HeaderName, HeaderValue},
        Method, StatusCode,
    },
};

use crate::{
    error::{ConfigError, Problem, Source},
    origin::OriginPredicate,
    policy::CorsPolicy,
    validate,
};

/// Whether a setting allows everything, and who said so.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Any {
    /// Only what is listed.
    #[default]
    No,
    /// Set by [`Cors::permissive`]; an explicit list later narrows it.
    Permissive,
    /// Set explicitly; a list beside it is a contradiction (for origins).
    Explicit,
}

impl Any {
    pub(crate) fn is_any(self) -> bool {
        self != Any::No
    }
}

/// A CORS policy under construction: the builder passed to `.wrap()`.
///
/// The method names and argument shapes are those of `actix-cors`, so switching is a one-line
/// change of the `use`. Nothing is checked until the policy is built: [`Cors::build`] returns
/// every problem at once, and a `Cors` given straight to `.wrap()` is built when the app
/// starts, failing start-up (with every problem logged at `error` level) if it is invalid.
///
/// Defaults are restrictive: no origin, method or header is allowed until you list it;
/// preflights are cached for 600 s (FastAPI's default); `Vary` is managed for you.
///
/// # Example
/// ```
/// use actix_web::{http::header, web, App, HttpResponse};
/// use corsair::Cors;
///
/// let cors = Cors::default()
///     .allowed_origin("https://app.example.com")
///     .allowed_methods(["GET", "POST"])
///     .allowed_header(header::CONTENT_TYPE)
///     .supports_credentials();
///
/// let app = App::new()
///     .wrap(cors)
///     .route("/", web::get().to(HttpResponse::Ok));
/// # drop(app);
/// ```
#[derive(Clone)]
#[must_use = "a Cors builder does nothing until it is built or passed to `.wrap()`"]
pub struct Cors {
    pub(crate) any_origin: Any,
    pub(crate) origins: Vec<(String, Source)>,
    pub(crate) patterns: Vec<(String, Source)>,
    pub(crate) regexes: Vec<(String, Source)>,
    pub(crate) predicates: Vec<OriginPredicate>,
    pub(crate) allow_null: bool,
    pub(crate) any_method: Any,
    pub(crate) methods: Vec<String>,
    pub(crate) any_header: Any,
    pub(crate) headers: Vec<String>,
    pub(crate) expose_any: bool,
    pub(crate) expose: Vec<String>,
    pub(crate) max_age: Option<usize>,
    pub(crate) send_wildcard: bool,
    pub(crate) credentials: bool,
    pub(crate) vary: bool,
    pub(crate) preflight: bool,
    pub(crate) block_on_origin_mismatch: bool,
    pub(crate) private_network: bool,
    pub(crate) preflight_status: StatusCode,
    pub(crate) allow_insecure_credentialed: bool,
    /// Problems found while recording (e.g. a missing environment variable).
    pub(crate) early_problems: Vec<Problem>,
    /// [rollout hook] Same-origin, verdict and report-only options (`src/rollout.rs`).
    pub(crate) rollout: crate::rollout::RolloutOptions,
}

impl Default for Cors {
    /// A restrictive policy: nothing is allowed until listed.
    ///
    /// ```
    /// use corsair::Cors;
    /// let policy = Cors::default().build().unwrap();
    /// assert!(!policy.check(&corsair::CorsRequest::new("https://a.com")).is_allowed());
    /// ```
    fn default() -> Self {
        Cors {
            any_origin: Any::No,
            origins: Vec::new(),
            patterns: Vec::new(),
            regexes: Vec::new(),
            predicates: Vec::new(),
            allow_null: false,
            any_method: Any::No,
            methods: Vec::new(),
            any_header: Any::No,
            headers: Vec::new(),
            expose_any: false,
            expose: Vec::new(),
            max_age: Some(600),
            send_wildcard: false,
            credentials: false,
            vary: true,
            preflight: true,
            block_on_origin_mismatch: false,
            private_network: false,
            preflight_status: StatusCode::NO_CONTENT,
            allow_insecure_credentialed: false,
            early_problems: Vec::new(),
            rollout: Default::default(), // [rollout hook]
        }
    }
}

impl std::fmt::Debug for Cors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cors")
            .field("any_origin", &self.any_origin)
            .field("origins", &self.origins)
            .field("patterns", &self.patterns)
            .field("regexes", &self.regexes)
            .field("predicates", &self.predicates.len())
            .field("methods", &self.methods)
            .field("headers", &self.headers)
            .field("credentials", &self.credentials)
            .finish_non_exhaustive()
    }
}

/// Something that names an HTTP method: `&str`, `String` or [`Method`].
///
/// Accepting these (rather than any `TryInto<Method>`) lets a build error quote exactly what
/// was written.
///
/// ```
/// use actix_web::http::Method;
/// use corsair::Cors;
/// Cors::default().allowed_methods(vec![Method::GET, Method::POST]);
/// Cors::default().allowed_methods(["GET", "PATCH"]);
/// ```
pub trait IntoMethodName {
    /// The method as written.
    fn into_method_name(self) -> String;
}

impl IntoMethodName for &str {
    fn into_method_name(self) -> String {
        self.to_owned()
    }
}
impl IntoMethodName for String {
    fn into_method_name(self) -> String {
        self
    }
}
impl IntoMethodName for &String {
    fn into_method_name(self) -> String {
        self.clone()
    }
}
impl IntoMethodName for Method {
    fn into_method_name(self) -> String {
        self.as_str().to_owned()
    }
}
impl IntoMethodName for &Method {
    fn into_method_name(self) -> String {
        self.as_str().to_owned()
    }
}

/// Something that names an HTTP header: `&str`, `String` or [`HeaderName`].
///
/// ```
/// use actix_web::http::header;
/// use corsair::Cors;
/// Cors::default().allowed_headers(vec![header::AUTHORIZATION, header::ACCEPT]);
/// Cors::default().allowed_headers(["x-api-key", "Content-Type"]);
/// ```
pub trait IntoHeaderName {
    /// The header name as written.
    fn into_header_name(self) -> String;
}

impl IntoHeaderName for &str {
    fn into_header_name(self) -> String {
        self.to_owned()
    }
}
impl IntoHeaderName for String {
    fn into_header_name(self) -> String {
        self
    }
}
impl IntoHeaderName for &String {
    fn into_header_name(self) -> String {
        self.clone()
    }
}
impl IntoHeaderName for HeaderName {
    fn into_header_name(self) -> String {
        self.as_str().to_owned()
    }
}
impl IntoHeaderName for &HeaderName {
    fn into_header_name(self) -> String {
        self.as_str().to_owned()
    }
}

/// True if a comma-separated list has at least one non-blank entry.
fn has_entries(list: &str) -> bool {
    list.split(',').any(|entry| !entry.trim().is_empty())
}

impl Cors {
    /// A wide-open policy for local development only: any origin (echoed back), any method,
    /// any request header, every response header exposed.
    ///
    /// Unlike `actix-cors`, it does **not** enable credentials: any origin with credentials is
    /// refused by [`Cors::build`]. Listing origins, methods or headers afterwards narrows it.
    ///
    /// ```
    /// use corsair::{Cors, CorsRequest};
    /// let policy = Cors::permissive().build().unwrap();
    /// assert!(policy.check(&CorsRequest::new("http://localhost:3000")).is_allowed());
    /// ```
    pub fn permissive() -> Self {
        Cors {
            any_origin: Any::Permissive,
            any_method: Any::Permissive,
            any_header: Any::Permissive,
            expose_any: true,
            ..Cors::default()
        }
    }

    /// Allows every origin. Without [`send_wildcard`](Self::send_wildcard) the request's
    /// origin is echoed back; with it, `*` is sent. Cannot be combined with credentials.
    ///
    /// ```
    /// use corsair::Cors;
    /// let policy = Cors::default().allow_any_origin().build().unwrap();
    /// # drop(policy);
    /// ```
    pub fn allow_any_origin(mut self) -> Self {
        self.any_origin = Any::Explicit;
        self
    }

    /// Allows one origin, written exactly as browsers send it in the `Origin` header:
    /// `scheme://host[:port]`, no trailing slash, no path, no default port (`:443` for
    /// `https`, `:80` for `http`). `"*"` means [`allow_any_origin`](Self::allow_any_origin).
    ///
    /// Origins are compared **byte for byte**, as the Fetch standard serializes them:
    /// - *Case.* Browsers always send scheme and host in lower case, so a configured origin
    ///   must be lower case (`https://App.example.com` is a build error suggesting
    ///   `https://app.example.com`), and a request's `Origin` is not case-folded: a
    ///   non-browser client sending `https://APP.example.com` is refused.
    /// - *Internationalized domain names.* Browsers send them in ASCII (punycode) form, so
    ///   write `https://xn--bcher-kva.example`, not `https://bücher.example` (a build error
    ///   saying so). corsair does not convert between the forms; copy the `Origin` header
    ///   from the browser's network panel, or convert with any IDNA (UTS #46) tool.
    /// - *IPv6* literals are written in brackets, as serialized: `http://[::1]:3000`.
    ///
    /// Exact origins are checked first, with one hash lookup whatever their number; see
    /// [`allowed_origin_fn`](Self::allowed_origin_fn) for the whole evaluation order.
    ///
    /// ```
    /// use corsair::{Cors, CorsRequest};
    /// let policy = Cors::default()
    ///     .allowed_origin("https://app.example.com")
    ///     .allowed_origin("http://localhost:5173")
    ///     .allowed_origin("https://xn--bcher-kva.example") // bücher.example
    ///     .build()
    ///     .unwrap();
    /// assert!(policy.check(&CorsRequest::new("https://xn--bcher-kva.example")).is_allowed());
    /// assert!(!policy.check(&CorsRequest::new("https://APP.example.com")).is_allowed());
    /// assert!(Cors::default().allowed_origin("https://bücher.example").build().is_err());
    /// ```
    pub fn allowed_origin(self, origin: &str) -> Self {
        self.push_origin(origin, Source::Code, false)
    }

    /// Allows origins for which `f` returns `true`; the origin is echoed back. Unlike
    /// `actix-cors`, `f` must be `Send + Sync` so a built policy can be shared across workers.
    ///
    /// Evaluation order: `Origin: null` is decided first (only
    /// [`allow_null_origin`](Self::allow_null_origin) admits it; predicates never see it),
    /// then exact origins, patterns, regexes, and predicates in the order they were added.
    /// The first match wins, so a predicate is not called for an origin an earlier rule
    /// allowed. A predicate receives the raw header, which need not be a well-formed origin:
    /// compare whole values rather than suffixes where you can.
    ///
    /// ```
    /// use corsair::Cors;
    /// const PARTNERS: [&[u8]; 2] = [b"https://a.partner.example", b"https://b.partner.example"];
    /// let cors = Cors::default().allowed_origin_fn(|origin, _req_head| {
    ///     PARTNERS.contains(&origin.as_bytes())
    /// });
    /// # drop(cors);
    /// ```
    pub fn allowed_origin_fn<F>(mut self, f: F) -> Self
    where
        F: Fn(&HeaderValue, &RequestHead) -> bool + Send + Sync + 'static,
    {
        self.predicates.push(Arc::new(f));
        if self.any_origin == Any::Permissive {
            self.any_origin = Any::No;
        }
        self
    }

    /// Allows origins matching a pattern, parsed into a structured matcher (never substring
    /// matching):
    /// - `https://*.example.com`: scheme `https`, no port, and a host of one or more labels
    ///   followed by `.example.com`. `https://app.example.com` and `https://a.b.example.com`
    ///   match; `https://example.com` (the apex: list it with `allowed_origin`),
    ///   `https://evil-example.com`, `https://app.example.com.evil.org`,
    ///   `http://app.example.com` and `https://app.example.com:8443` do not.
    /// - `https://*.example.com:8443`, `https://*.example.com:*`: the same on that port, or
    ///   on any port.
    /// - `http://localhost:*`, `http://127.0.0.1:*`, `http://[::1]:*`: that host, any port.
    ///
    /// Write patterns like origins: lower case, `xn--` for internationalized names. A request
    /// origin that is not a well-formed serialized origin (user information, a path, white
    /// space, upper case, an empty label) never matches a pattern.
    ///
    /// **Too-broad wildcards are build errors** ([`Problem::PatternTooBroad`]). The exact
    /// rule: `scheme://*.D` is refused when (1) the host is `*` alone; (2) `D` is a single
    /// label (a top-level domain such as `com` or `dev`, or a private one such as
    /// `internal`) other than `localhost`; (3) `D` is on corsair's list of public suffixes;
    /// or (4) a listed suffix ends with `.D` (`*.amazonaws.com` would reach
    /// `bucket.s3.amazonaws.com`). The list holds about 70 multi-label entries of the Public
    /// Suffix List most often met in CORS settings: second-level country domains (`co.uk`,
    /// `com.au`, `co.jp`, ...) and shared hosting where anyone gets a subdomain
    /// (`github.io`, `vercel.app`, `netlify.app`, `pages.dev`, `herokuapp.com`,
    /// `azurewebsites.net`, `cloudfront.net`, `ngrok-free.app`, ...). It is not the whole
    /// list: for another shared domain, check <https://publicsuffix.org/list/> yourself.
    /// `https://*.0.0.1` (a wildcard over an IP address) is refused as invalid. For shapes
    /// patterns cannot express, use [`allowed_origin_regex`](Self::allowed_origin_regex).
    ///
    /// ```
    /// use corsair::{Cors, CorsRequest};
    /// let policy = Cors::default()
    ///     .allowed_origin_pattern("https://*.preview.example.com")
    ///     .allowed_origin_pattern("http://localhost:*")
    ///     .build()
    ///     .unwrap();
    /// assert!(policy.check(&CorsRequest::new("https://pr-42.preview.example.com")).is_allowed());
    /// assert!(policy.check(&CorsRequest::new("http://localhost:5173")).is_allowed());
    /// assert!(!policy.check(&CorsRequest::new("https://preview.example.com")).is_allowed());
    /// ```
    pub fn allowed_origin_pattern(mut self, pattern: &str) -> Self {
        self.patterns.push((pattern.to_owned(), Source::Code));
        self.narrow_permissive_origin();
        self
    }

    /// Allows origins matching a regular expression, which must match the **whole** origin
    /// (like Starlette's `allow_origin_regex`; you need not write `^` and `$`). Escape the
    /// dots of the host (`\.`): an unescaped dot there is refused as a mistake.
    ///
    /// All regexes are compiled once into one `RegexSet`. Matching is case-sensitive, as in
    /// Starlette, and only well-formed origins reach a regex: `https://.*\.example\.com` is
    /// not satisfied by `https://evil.org/.example.com`. An unescaped `.` in the host part is
    /// a build **error** ([`Problem::RegexUnescapedDot`]) carrying the escaped regex; to mean
    /// any one character there, write a class such as `[a-z0-9]`.
    ///
    /// ```
    /// use corsair::{Cors, CorsRequest};
    /// let policy = Cors::default()
    ///     .allowed_origin_regex(r"https://app-\d+\.example\.com")
    ///     .build()
    ///     .unwrap();
    /// assert!(policy.check(&CorsRequest::new("https://app-7.example.com")).is_allowed());
    /// assert!(!policy.check(&CorsRequest::new("https://app-7.example.com.evil.org")).is_allowed());
    /// ```
    pub fn allowed_origin_regex(mut self, regex: &str) -> Self {
        self.regexes.push((regex.to_owned(), Source::Code));
        self.narrow_permissive_origin();
        self
    }

    /// Allows origins matching any of several regular expressions; see
    /// [`allowed_origin_regex`](Self::allowed_origin_regex).
    ///
    /// ```
    /// use corsair::Cors;
    /// let cors = Cors::default().allowed_origin_regexes([r"https://a\.example\.com", r"https://b\.example\.org"]);
    /// assert!(cors.build().is_ok());
    /// ```
    pub fn allowed_origin_regexes<I, S>(self, regexes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        regexes
            .into_iter()
            .fold(self, |cors, r| cors.allowed_origin_regex(r.as_ref()))
    }

    /// Allows every origin of a comma-separated list, as found in configuration:
    /// white space around entries is trimmed and empty entries are ignored. An entry with a
    /// `*` is a pattern (see [`allowed_origin_pattern`](Self::allowed_origin_pattern)); a lone
    /// `*` allows any origin.
    ///
    /// ```
    /// use corsair::Cors;
    /// let policy = Cors::default()
    ///     .allowed_origins_list("http://localhost:5173, https://app.example.com,")
    ///     .build()
    ///     .unwrap();
    /// # drop(policy);
    /// ```
    pub fn allowed_origins_list(self, list: &str) -> Self {
        self.push_list(list, |_| Source::Code)
    }

    /// Allows every origin listed in the environment variable `var` (comma-separated, as in
    /// [`allowed_origins_list`](Self::allowed_origins_list)). A missing variable is a build
    /// error naming it; use [`allowed_origins_from_env_or`](Self::allowed_origins_from_env_or)
    /// for a default. A variable that is set but lists nothing counts as missing. Errors name
    /// the variable and the entry's position (counting the non-empty entries, from 1).
    ///
    /// ```
    /// use corsair::{Cors, Problem};
    /// std::env::set_var("DOC_ALLOWED_ORIGINS", "http://localhost:5173, https://app.example.com");
    /// assert!(Cors::default().allowed_origins_from_env("DOC_ALLOWED_ORIGINS").build().is_ok());
    ///
    /// let err = Cors::default().allowed_origins_from_env("DOC_UNSET_VAR").build().unwrap_err();
    /// assert_eq!(err.problems(), &[Problem::MissingEnvVar { var: "DOC_UNSET_VAR".into() }]);
    /// ```
    pub fn allowed_origins_from_env(mut self, var: &str) -> Self {
        match env::var(var) {
            Ok(list) if has_entries(&list) => self.push_env_list(var, &list),
            // Set but empty is treated as missing: a deployment that forgot to fill the
            // variable would otherwise refuse every browser without a word.
            _ => {
                self.early_problems.push(Problem::MissingEnvVar {
                    var: var.to_owned(),
                });
                self
            }
        }
    }

    /// Like [`allowed_origins_from_env`](Self::allowed_origins_from_env), but uses `default`
    /// (a comma-separated list) when the variable is not set.
    ///
    /// ```
    /// use corsair::{Cors, CorsRequest};
    /// let policy = Cors::default()
    ///     .allowed_origins_from_env_or("DOC_SURELY_UNSET", "http://localhost:5173")
    ///     .build()
    ///     .unwrap();
    /// assert!(policy.check(&CorsRequest::new("http://localhost:5173")).is_allowed());
    /// ```
    pub fn allowed_origins_from_env_or(self, var: &str, default: &str) -> Self {
        match env::var(var) {
            Ok(list) => {
                if !has_entries(&list) {
                    log::warn!(
                        "corsair: ${var} is set but lists no origin; no origin from it is allowed"
                    );
                }
                self.push_env_list(var, &list)
            }
            Err(_) => self.push_list(default, |position| Source::EnvDefault {
                var: var.to_owned(),
                position,
            }),
        }
    }

    fn push_env_list(self, var: &str, list: &str) -> Self {
        self.push_list(list, |position| Source::Env {
            var: var.to_owned(),
            position,
        })
    }

    pub(crate) fn push_list(self, list: &str, source: impl Fn(usize) -> Source) -> Self {
        list.split(',')
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .enumerate()
            .fold(self, |cors, (i, entry)| {
                cors.push_origin(entry, source(i + 1), true)
            })
    }

    /// Records one origin entry. From configuration lists (`lenient`), an entry with `*` is
    /// taken as a pattern; in code, `*` inside an origin is an error pointing at the pattern API.
    pub(crate) fn push_origin(mut self, origin: &str, source: Source, lenient: bool) -> Self {
        if origin == "*" {
            self.any_origin = Any::Explicit;
        } else if lenient && origin.contains('*') {
            self.patterns.push((origin.to_owned(), source));
            self.narrow_permissive_origin();
        } else {
            self.origins.push((origin.to_owned(), source));
            self.narrow_permissive_origin();
        }
        self
    }

    fn narrow_permissive_origin(&mut self) {
        if self.any_origin == Any::Permissive {
            self.any_origin = Any::No;
        }
    }

    /// Allows the `null` origin, sent by sandboxed iframes, `file:` pages and some redirects.
    /// Any site can make a browser send `null`, so allow it only for public, uncredentialed
    /// resources. Without this, `null` is refused even by `allow_any_origin`.
    ///
    /// ```
    /// use corsair::{Cors, CorsRequest};
    /// let policy = Cors::default().allow_null_origin().build().unwrap();
    /// assert!(policy.check(&CorsRequest::new("null")).is_allowed());
    /// ```
    pub fn allow_null_origin(mut self) -> Self {
        self.allow_null = true;
        self
    }

    /// Allows every method in preflights (the requested method is echoed back).
    ///
    /// ```
    /// use corsair::Cors;
    /// let cors = Cors::default().allow_any_origin().allow_any_method();
    /// assert!(cors.build().is_ok());
    /// ```
    pub fn allow_any_method(mut self) -> Self {
        self.any_method = Any::Explicit;
        self
    }

    /// Allows these methods in preflights. Methods are case-sensitive: write them as
    /// browsers send them (`PATCH`, not `patch`). `GET`, `HEAD` and `POST` are
    /// CORS-safelisted: browsers never need them listed.
    ///
    /// ```
    /// use actix_web::http::Method;
    /// use corsair::Cors;
    /// let cors = Cors::default().allowed_methods(vec![Method::PUT, Method::DELETE]);
    /// assert!(cors.build().is_ok());
    /// ```
    pub fn allowed_methods<U, M>(mut self, methods: U) -> Self
    where
        U: IntoIterator<Item = M>,
        M: IntoMethodName,
    {
        if self.any_method == Any::Permissive {
            self.any_method = Any::No;
        }
        self.methods
            .extend(methods.into_iter().map(IntoMethodName::into_method_name));
        self
    }

    /// Allows every request header in preflights (the requested names are echoed back,
    /// never `*`, so `Authorization` and credentialed requests work too).
    ///
    /// ```
    /// use corsair::Cors;
    /// assert!(Cors::default().allow_any_header().build().is_ok());
    /// ```
    pub fn allow_any_header(mut self) -> Self {
        self.any_header = Any::Explicit;
        self
    }

    /// Allows one request header in preflights (case-insensitive).
    ///
    /// ```
    /// use actix_web::http::header;
    /// use corsair::Cors;
    /// let cors = Cors::default().allowed_header(header::CONTENT_TYPE).allowed_header("x-api-key");
    /// assert!(cors.build().is_ok());
    /// ```
    pub fn allowed_header<H: IntoHeaderName>(self, header: H) -> Self {
        self.allowed_headers([header])
    }

    /// Allows these request headers in preflights (case-insensitive).
    ///
    /// ```
    /// use actix_web::http::header;
    /// use corsair::Cors;
    /// let cors = Cors::default().allowed_headers(vec![header::AUTHORIZATION, header::ACCEPT]);
    /// assert!(cors.build().is_ok());
    /// ```
    pub fn allowed_headers<U, H>(mut self, headers: U) -> Self
    where
        U: IntoIterator<Item = H>,
        H: IntoHeaderName,
    {
        if self.any_header == Any::Permissive {
            self.any_header = Any::No;
        }
        self.headers
            .extend(headers.into_iter().map(IntoHeaderName::into_header_name));
        self
    }

    /// Lets JavaScript read every response header (`Access-Control-Expose-Headers: *`).
    /// Browsers ignore `*` on credentialed requests, so this cannot be combined with
    /// credentials: list the headers instead.
    ///
    /// ```
    /// use corsair::Cors;
    /// assert!(Cors::default().allow_any_origin().expose_any_header().build().is_ok());
    /// ```
    pub fn expose_any_header(mut self) -> Self {
        self.expose_any = true;
        self
    }

    /// Lets JavaScript read these response headers.
    ///
    /// ```
    /// use corsair::Cors;
    /// let cors = Cors::default().expose_headers(["x-request-id", "x-ratelimit-remaining"]);
    /// assert!(cors.build().is_ok());
    /// ```
    pub fn expose_headers<U, H>(mut self, headers: U) -> Self
    where
        U: IntoIterator<Item = H>,
        H: IntoHeaderName,
    {
        self.expose
            .extend(headers.into_iter().map(IntoHeaderName::into_header_name));
        self
    }

    /// How long (seconds) browsers may cache a preflight. Default 600; `None` omits the
    /// header (browsers then use 5 s). Above 86400 is a build error: Firefox caps it at
    /// 24 h and Chromium at 2 h.
    ///
    /// ```
    /// use corsair::Cors;
    /// assert!(Cors::default().max_age(7200).build().is_ok());
    /// assert!(Cors::default().max_age(None).build().is_ok());
    /// assert!(Cors::default().max_age(86_401).build().is_err());
    /// ```
    pub fn max_age(mut self, max_age: impl Into<Option<usize>>) -> Self {
        self.max_age = max_age.into();
        self
    }

    /// With [`allow_any_origin`](Self::allow_any_origin), answers `*` instead of echoing the
    /// origin, so shared caches can store one response for every site.
    ///
    /// ```
    /// use corsair::Cors;
    /// assert!(Cors::default().allow_any_origin().send_wildcard().build().is_ok());
    /// ```
    pub fn send_wildcard(mut self) -> Self {
        self.send_wildcard = true;
        self
    }

    /// Sends `Access-Control-Allow-Credentials: true`, so browsers include cookies and
    /// authorization and let scripts read the answer. Requires listed origins.
    ///
    /// ```
    /// use corsair::Cors;
    /// let cors = Cors::default().allowed_origin("https://app.example.com").supports_credentials();
    /// assert!(cors.build().is_ok());
    /// ```
    pub fn supports_credentials(mut self) -> Self {
        self.credentials = true;
        self
    }

    /// Stops the middleware from adding `Vary` headers. Only safe when no cache sits between
    /// the server and browsers.
    ///
    /// ```
    /// use corsair::Cors;
    /// assert!(Cors::default().disable_vary_header().build().is_ok());
    /// ```
    pub fn disable_vary_header(mut self) -> Self {
        self.vary = false;
        self
    }

    /// Passes preflight requests on to the application instead of answering them; their
    /// responses get the actual-request CORS headers.
    ///
    /// ```
    /// use corsair::Cors;
    /// assert!(Cors::default().disable_preflight().build().is_ok());
    /// ```
    pub fn disable_preflight(mut self) -> Self {
        self.preflight = false;
        self
    }

    /// With `true`, a request from a refused origin is answered `403 Forbidden` without
    /// calling the handler. Default `false` (the handler runs; the response just has no CORS
    /// headers, so the browser hides it from the script). Note that browsers also send
    /// `Origin` on same-origin `POST`s: list your own origin when you block.
    ///
    /// ```
    /// use corsair::Cors;
    /// let cors = Cors::default().allowed_origin("https://app.example.com").block_on_origin_mismatch(true);
    /// assert!(cors.build().is_ok());
    /// ```
    pub fn block_on_origin_mismatch(mut self, block: bool) -> Self {
        self.block_on_origin_mismatch = block;
        self
    }

    /// Answers Private Network Access preflights (`Access-Control-Request-Private-Network:
    /// true`) with `Access-Control-Allow-Private-Network: true`, letting public sites reach
    /// this server on a private network.
    ///
    /// ```
    /// use corsair::Cors;
    /// assert!(Cors::default().allow_private_network_access().build().is_ok());
    /// ```
    pub fn allow_private_network_access(mut self) -> Self {
        self.private_network = true;
        self
    }

    /// The status of a successful preflight answer. Default `204 No Content`; must be 2xx
    /// (some old clients want `200`).
    ///
    /// ```
    /// use actix_web::http::StatusCode;
    /// use corsair::Cors;
    /// assert!(Cors::default().preflight_status(StatusCode::OK).build().is_ok());
    /// assert!(Cors::default().preflight_status(StatusCode::FOUND).build().is_err());
    /// ```
    pub fn preflight_status(mut self, status: StatusCode) -> Self {
        self.preflight_status = status;
        self
    }

    /// Tolerates plain `http://` origins (other than loopback) with credentials, which are
    /// otherwise refused because anyone on the network path can impersonate them.
    ///
    /// ```
    /// use corsair::Cors;
    /// let cors = Cors::default()
    ///     .allowed_origin("http://intranet.corp")
    ///     .supports_credentials();
    /// assert!(cors.clone().build().is_err());
    /// assert!(cors.allow_insecure_credentialed_origins().build().is_ok());
    /// ```
    pub fn allow_insecure_credentialed_origins(mut self) -> Self {
        self.allow_insecure_credentialed = true;
        self
    }

    /// Checks the whole policy and compiles it, or returns **every** problem found.
    ///
    /// The compiled [`CorsPolicy`] is immutable and cheap to clone; build it once and clone
    /// it into each worker.
    ///
    /// ```
    /// use corsair::Cors;
    ///
    /// let err = Cors::default()
    ///     .allowed_origin("https://app.example.com/")
    ///     .allow_any_origin()
    ///     .supports_credentials()
    ///     .build()
    ///     .unwrap_err();
    /// assert_eq!(err.problems().len(), 3);
    /// println!("{err}");
    /// ```
    pub fn build(self) -> Result<CorsPolicy, ConfigError> {
        validate::compile(&self).map(CorsPolicy::from_compiled)
    }
}
