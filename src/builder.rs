//! [`Cors`]: the builder users write, with the same method names as `actix-cors`.
//!
//! Builder methods never fail and never panic: they record what was asked. [`Cors::build`]
//! checks everything at once and compiles the policy (`compile.rs`).

use std::{env, sync::Arc};

use actix_web::{
    dev::RequestHead,
    error::HttpError,
    http::{
        header::{HeaderName, HeaderValue},
        Method, StatusCode,
    },
};

use crate::{
    compile::compile,
    cors_policy::CorsPolicy,
    diagnostics,
    error::{ConfigError, Problem, Source},
    rollout::Rollout,
    settings::{Any, EnvOrigins, Settings},
};

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
    /// What was recorded; [`Cors::build`] compiles it.
    pub(crate) settings: Settings,
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
            settings: Settings::default(),
        }
    }
}

impl std::fmt::Debug for Cors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cors")
            .field("any_origin", &self.settings.any_origin)
            .field("origins", &self.settings.origins)
            .field("patterns", &self.settings.patterns)
            .field("regexes", &self.settings.regexes)
            .field("predicates", &self.settings.predicates.len())
            .field("methods", &self.settings.methods)
            .field("headers", &self.settings.headers)
            .field("credentials", &self.settings.credentials)
            .finish_non_exhaustive()
    }
}

/// A conversion failure of entry `index` (from 0) given to builder method `call`.
fn unconvertible(call: &'static str, index: usize, error: impl Into<HttpError>) -> Problem {
    Problem::Unconvertible {
        call,
        position: index + 1,
        error: error.into().to_string(),
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
    /// refused by [`Cors::build`] ([`Problem::PermissiveWithCredentials`]). Listing origins,
    /// methods, request headers or exposed headers afterwards (in any order) narrows that
    /// part of it, as in `actix-cors`; a part narrowed to a list no longer conflicts with
    /// credentials.
    ///
    /// ```
    /// use corsair::{Cors, CorsRequest};
    /// let policy = Cors::permissive().build().unwrap();
    /// assert!(policy.check(&CorsRequest::new("http://localhost:3000")).is_allowed());
    ///
    /// // Lists narrow it; narrowed origins and exposed headers allow credentials.
    /// let policy = Cors::permissive()
    ///     .allowed_origin("https://app.example.com")
    ///     .expose_headers(["x-request-id"])
    ///     .supports_credentials()
    ///     .build()
    ///     .unwrap();
    /// assert!(!policy.check(&CorsRequest::new("https://evil.example")).is_allowed());
    /// ```
    pub fn permissive() -> Self {
        Cors {
            settings: Settings {
                any_origin: Any::Permissive,
                any_method: Any::Permissive,
                any_header: Any::Permissive,
                expose_any: Any::Permissive,
                ..Settings::default()
            },
        }
    }

    /// Allows every origin, `null` included. Without [`send_wildcard`](Self::send_wildcard)
    /// the request's origin is echoed back; with it, `*` is sent. Cannot be combined with
    /// credentials, nor with origin lists, patterns, regexes or predicates (a build error
    /// naming both, in either order).
    ///
    /// ```
    /// use actix_web::http::header;
    /// use corsair::{Cors, CorsRequest};
    /// let policy = Cors::default().allow_any_origin().build().unwrap();
    /// let d = policy.check(&CorsRequest::new("https://any.example"));
    /// assert_eq!(d.header(header::ACCESS_CONTROL_ALLOW_ORIGIN), Some("https://any.example"));
    /// // Sandboxed iframes and `file:` pages send `null`: public data is public to them too.
    /// assert!(policy.check(&CorsRequest::new("null")).is_allowed());
    /// ```
    pub fn allow_any_origin(mut self) -> Self {
        self.settings.any_origin = Any::Explicit;
        self
    }

    /// Allows one origin, written exactly as browsers send it in the `Origin` header:
    /// `scheme://host[:port]`, no trailing slash, no path, no default port (`:443` for
    /// `https`, `:80` for `http`).
    ///
    /// `"*"` is a build error, as in actix-cors ([`OriginFault::AnyOrigin`](crate::OriginFault::AnyOrigin)): for every
    /// origin call [`allow_any_origin`](Self::allow_any_origin), plus
    /// [`send_wildcard`](Self::send_wildcard) to answer a literal `*`.
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
    /// use corsair::{Cors, CorsRequest, OriginFault, Problem};
    /// let policy = Cors::default()
    ///     .allowed_origin("https://app.example.com")
    ///     .allowed_origin("http://localhost:5173")
    ///     .allowed_origin("https://xn--bcher-kva.example") // bücher.example
    ///     .build()
    ///     .unwrap();
    /// assert!(policy.check(&CorsRequest::new("https://xn--bcher-kva.example")).is_allowed());
    /// assert!(!policy.check(&CorsRequest::new("https://APP.example.com")).is_allowed());
    /// assert!(Cors::default().allowed_origin("https://bücher.example").build().is_err());
    ///
    /// let err = Cors::default().allowed_origin("*").build().unwrap_err();
    /// assert!(matches!(err.problems(), [Problem::InvalidOrigin { fault: OriginFault::AnyOrigin, .. }]));
    /// assert!(err.to_string().contains("call `.allow_any_origin()`"));
    /// ```
    pub fn allowed_origin(self, origin: &str) -> Self {
        self.push_origin(origin, Source::Code, false)
    }

    /// Allows origins for which `f` returns `true`; the origin is echoed back. Unlike
    /// `actix-cors`, `f` must be `Send + Sync` so a built policy can be shared across workers.
    ///
    /// Evaluation order: `Origin: null` is decided first (only
    /// [`allow_null_origin`](Self::allow_null_origin) or
    /// [`allow_any_origin`](Self::allow_any_origin) admit it; predicates never see it),
    /// then exact origins, patterns, regexes, and predicates in the order they were added.
    /// The first match wins, so a predicate is not called for an origin an earlier rule
    /// allowed. A predicate receives the raw header, which need not be a well-formed origin:
    /// compare whole values rather than suffixes where you can.
    ///
    /// ```
    /// use corsair::{Cors, CorsRequest};
    /// const PARTNERS: [&[u8]; 2] = [b"https://a.partner.example", b"https://b.partner.example"];
    /// let policy = Cors::default()
    ///     .allowed_origin_fn(|origin, _req_head| PARTNERS.contains(&origin.as_bytes()))
    ///     .build()
    ///     .unwrap();
    /// assert!(policy.check(&CorsRequest::new("https://b.partner.example")).is_allowed());
    /// assert!(!policy.check(&CorsRequest::new("https://c.partner.example")).is_allowed());
    /// ```
    pub fn allowed_origin_fn<F>(mut self, f: F) -> Self
    where
        F: Fn(&HeaderValue, &RequestHead) -> bool + Send + Sync + 'static,
    {
        self.settings.predicates.push(Arc::new(f));
        if self.settings.any_origin == Any::Permissive {
            self.settings.any_origin = Any::No;
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
    /// **Wildcards over public suffixes are build errors** ([`Problem::PatternTooBroad`],
    /// [`Problem::PatternReachesPublicSuffixes`]), checked against the whole Public Suffix
    /// List (ICANN and private sections, as embedded by the `psl` crate). The exact rule:
    /// `scheme://*.D` is refused when (1) the host is `*` alone; (2) `D` is a single label (a
    /// top-level domain such as `com` or `dev`, or a private one such as `internal`) other
    /// than `localhost`; (3) `D` is a public suffix: `co.uk`, `edu.au`, `org.br`,
    /// `github.io`, `vercel.app`, `glitch.me`, `run.app`, `myshopify.com`, ...; or (4) the
    /// list has public suffixes below `D` (`*.amazonaws.com` would reach
    /// `bucket.s3.amazonaws.com`). Without credentials, rules 2 to 4 can be waived with
    /// [`dangerously_allow_subdomains_of_public_suffixes`](Self::dangerously_allow_subdomains_of_public_suffixes).
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
        self.settings
            .patterns
            .push((pattern.to_owned(), Source::Code));
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
    /// **Too-broad regexes are build errors** ([`Problem::RegexTooBroad`]), decided over
    /// everything the regex can match, not by sampling: in each origin it matches, the host
    /// must be written out, or end in a fixed domain that the pattern rule of
    /// [`allowed_origin_pattern`](Self::allowed_origin_pattern) accepts after `*.` (for a
    /// varying part that cannot hold a dot, only rules 2 and 3 apply). Each branch of an
    /// alternation, and each form an optional part gives, is checked; a port (`:\d+`,
    /// `(:\d+)?`) may vary. `https://[a-z0-9-]+\.example\.com`,
    /// `https://(app|admin)\.example\.com` and `http://localhost:\d+` build;
    /// `https://.*\.vercel\.app`, `https://[a-z]+\.com`, `https://[a-z]+\.[a-z]{3}` and
    /// `https://\d+\.\d+\.\d+\.\d+` do not. Without credentials,
    /// [`dangerously_allow_subdomains_of_public_suffixes`](Self::dangerously_allow_subdomains_of_public_suffixes)
    /// waives this check.
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
        self.settings.regexes.push((regex.to_owned(), Source::Code));
        self.narrow_permissive_origin();
        self
    }

    /// Allows every origin of a comma-separated list, as found in configuration:
    /// white space around entries is trimmed and empty entries are ignored. An entry with a
    /// `*` is a pattern (see [`allowed_origin_pattern`](Self::allowed_origin_pattern)); a lone
    /// `*` is a build error, as in [`allowed_origin`](Self::allowed_origin) (say
    /// [`allow_any_origin`](Self::allow_any_origin) in code instead).
    ///
    /// ```
    /// use corsair::{Cors, CorsRequest};
    /// let policy = Cors::default()
    ///     .allowed_origins_list("http://localhost:5173, https://app.example.com,")
    ///     .build()
    ///     .unwrap();
    /// assert!(policy.check(&CorsRequest::new("https://app.example.com")).is_allowed());
    /// assert!(!policy.check(&CorsRequest::new("https://evil.example")).is_allowed());
    /// assert!(Cors::default().allowed_origins_list("*").build().is_err());
    /// ```
    pub fn allowed_origins_list(self, list: &str) -> Self {
        self.push_list(list, |_| Source::Code)
    }

    /// Allows every origin listed in the environment variable `var` (comma-separated, as in
    /// [`allowed_origins_list`](Self::allowed_origins_list)). A missing variable is a build
    /// error naming it; use [`allowed_origins_from_env_or`](Self::allowed_origins_from_env_or)
    /// for a default. A variable that is set but lists nothing counts as missing. Errors name
    /// the variable and the entry's position (counting the non-empty entries, from 1). A lone
    /// `*` is refused, as in the list: "every origin" is
    /// [`allow_any_origin`](Self::allow_any_origin), in code.
    ///
    /// The variable is read when the policy is built ([`Cors::build`], or when the app starts
    /// for a builder given to `.wrap()`), not when this method is called.
    ///
    /// ```standalone_crate
    /// use corsair::{Cors, CorsRequest, Problem};
    /// // SAFETY: at start-up, before the program starts a thread (this example runs alone).
    /// unsafe { std::env::set_var("DOC_ALLOWED_ORIGINS", "http://localhost:5173, https://app.example.com") };
    /// let policy = Cors::default().allowed_origins_from_env("DOC_ALLOWED_ORIGINS").build().unwrap();
    /// assert!(policy.check(&CorsRequest::new("http://localhost:5173")).is_allowed());
    /// assert!(!policy.check(&CorsRequest::new("http://localhost:5174")).is_allowed());
    ///
    /// let err = Cors::default().allowed_origins_from_env("DOC_UNSET_VAR").build().unwrap_err();
    /// assert_eq!(err.problems(), &[Problem::MissingEnvVar { var: "DOC_UNSET_VAR".into() }]);
    ///
    /// unsafe { std::env::set_var("DOC_STAR_ORIGINS", "*") };
    /// let err = Cors::default().allowed_origins_from_env("DOC_STAR_ORIGINS").build().unwrap_err();
    /// assert!(err.to_string().contains("origin `*` (in $DOC_STAR_ORIGINS, entry 1) is not valid"));
    /// ```
    pub fn allowed_origins_from_env(mut self, var: &str) -> Self {
        self.settings.env_origins.push(EnvOrigins {
            var: var.to_owned(),
            default: None,
        });
        self
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
    pub fn allowed_origins_from_env_or(mut self, var: &str, default: &str) -> Self {
        self.settings.env_origins.push(EnvOrigins {
            var: var.to_owned(),
            default: Some(default.to_owned()),
        });
        self
    }

    /// Reads the environment variables named by `allowed_origins_from_env(_or)`, now that the
    /// policy is being built, and records their origins.
    fn read_environment(mut self) -> Self {
        for EnvOrigins { var, default } in std::mem::take(&mut self.settings.env_origins) {
            self = match (env::var(&var), default) {
                (Ok(list), _) if has_entries(&list) => self.push_env_list(&var, &list),
                (Ok(list), Some(_)) => {
                    log::warn!(
                        "corsair: ${var} is set but lists no origin; no origin from it is allowed"
                    );
                    self.push_env_list(&var, &list)
                }
                (Err(_), Some(default)) => {
                    self.push_list(&default, |position| Source::EnvDefault {
                        var: var.clone(),
                        position,
                    })
                }
                // Set but empty is treated as missing: a deployment that forgot to fill the
                // variable would otherwise refuse every browser without a word.
                (_, None) => {
                    self.settings
                        .early_problems
                        .push(Problem::MissingEnvVar { var });
                    self
                }
            };
        }
        self
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
        // A lone `*` is kept as an origin, so that the build refuses it naming its source
        // (`OriginFault::AnyOrigin`): "every origin" is only ever `allow_any_origin()`.
        if lenient && origin.contains('*') && origin != "*" {
            self.settings.patterns.push((origin.to_owned(), source));
            self.narrow_permissive_origin();
        } else {
            self.settings.origins.push((origin.to_owned(), source));
            self.narrow_permissive_origin();
        }
        self
    }

    fn narrow_permissive_origin(&mut self) {
        if self.settings.any_origin == Any::Permissive {
            self.settings.any_origin = Any::No;
        }
    }

    /// Allows the `null` origin, sent by sandboxed iframes, `file:` pages, `data:` URLs and
    /// some redirects. Any site can make a browser send `null` (a sandboxed iframe is enough),
    /// so allow it only for public, uncredentialed resources: together with
    /// [`supports_credentials`](Self::supports_credentials) it is a build error
    /// ([`Problem::CredentialedNullOrigin`]), unless you opt in with
    /// [`allow_null_origin_with_credentials_dangerously`](Self::allow_null_origin_with_credentials_dangerously).
    ///
    /// [`allow_any_origin`](Self::allow_any_origin) answers `null` without this; listed
    /// origins, patterns, regexes and predicates never match `null`.
    ///
    /// ```
    /// use corsair::{Cors, CorsRequest, Problem};
    /// let policy = Cors::default().allow_null_origin().build().unwrap();
    /// assert!(policy.check(&CorsRequest::new("null")).is_allowed());
    ///
    /// let err = Cors::default().allow_null_origin().supports_credentials().build().unwrap_err();
    /// assert_eq!(err.problems(), &[Problem::CredentialedNullOrigin]);
    /// ```
    pub fn allow_null_origin(mut self) -> Self {
        self.settings.allow_null = true;
        self
    }

    /// **Dangerous.** Allows the `null` origin *and* tolerates it together with credentials.
    ///
    /// Any website can make a browser send `Origin: null` (a sandboxed iframe is enough), so
    /// with credentials every website can read your users' credentialed responses: this is
    /// origin reflection with cookies. Use it only when the server is unreachable from the
    /// open web (a kiosk, an embedded device UI loaded from `file:`), and read SECURITY.md
    /// first.
    ///
    /// ```
    /// use corsair::{Cors, CorsRequest};
    /// let policy = Cors::default()
    ///     .allow_null_origin_with_credentials_dangerously()
    ///     .supports_credentials()
    ///     .build()
    ///     .unwrap();
    /// assert!(policy.check(&CorsRequest::new("null")).is_allowed());
    /// ```
    pub fn allow_null_origin_with_credentials_dangerously(mut self) -> Self {
        self.settings.allow_null = true;
        self.settings.null_with_credentials = true;
        self
    }

    /// Allows every method in preflights (the requested method is echoed back; the Fetch
    /// standard's forbidden methods `CONNECT`, `TRACE` and `TRACK` are never granted).
    /// Together with [`allowed_methods`](Self::allowed_methods) it is a build error
    /// ([`Problem::AnyAndList`]), in either order.
    ///
    /// ```
    /// use actix_web::http::header;
    /// use corsair::{Cors, CorsRequest, Refusal};
    /// let policy = Cors::default().allow_any_origin().allow_any_method().build().unwrap();
    /// let d = policy.check(&CorsRequest::preflight("https://a.example", "PURGE"));
    /// assert_eq!(d.header(header::ACCESS_CONTROL_ALLOW_METHODS), Some("PURGE"));
    /// let d = policy.check(&CorsRequest::preflight("https://a.example", "CONNECT"));
    /// assert_eq!(d.refusal(), Some(Refusal::MethodNotAllowed));
    /// assert!(Cors::default().allow_any_method().allowed_methods(["PUT"]).build().is_err());
    /// ```
    pub fn allow_any_method(mut self) -> Self {
        self.settings.any_method = Any::Explicit;
        self
    }

    /// Allows these methods in preflights. Accepts what `actix-cors` accepts: anything that
    /// converts into a [`Method`] (`&str`, `&[u8]`, [`Method`], a type of your own with
    /// `TryFrom<..> for Method`); a value that does not convert is reported by
    /// [`Cors::build`] ([`Problem::Unconvertible`]).
    ///
    /// Methods are case-sensitive and compared byte for byte. Browsers upper-case only
    /// `DELETE`, `GET`, `HEAD`, `OPTIONS`, `POST` and `PUT`, so `get` is a build error
    /// suggesting `GET`, while `patch` is accepted as written: `fetch(url, {method:
    /// "patch"})` sends `patch` (a `warn` line points out that `PATCH` is a different
    /// method). `GET`, `HEAD` and `POST` are CORS-safelisted: browsers never need them listed.
    ///
    /// After [`Cors::permissive`] the list narrows "any method"; after an explicit
    /// [`allow_any_method`](Self::allow_any_method) it is a build error.
    ///
    /// ```
    /// use actix_web::http::Method;
    /// use corsair::{Cors, CorsRequest, Refusal};
    /// let policy = Cors::default()
    ///     .allowed_origin("https://a.example")
    ///     .allowed_methods(vec![Method::PUT, Method::DELETE])
    ///     .build()
    ///     .unwrap();
    /// assert!(policy.check(&CorsRequest::preflight("https://a.example", "DELETE")).is_allowed());
    /// let d = policy.check(&CorsRequest::preflight("https://a.example", "PATCH"));
    /// assert_eq!(d.refusal(), Some(Refusal::MethodNotAllowed));
    /// ```
    pub fn allowed_methods<U, M>(mut self, methods: U) -> Self
    where
        U: IntoIterator<Item = M>,
        M: TryInto<Method>,
        <M as TryInto<Method>>::Error: Into<HttpError>,
    {
        if self.settings.any_method == Any::Permissive {
            self.settings.any_method = Any::No;
        }
        for (i, m) in methods.into_iter().enumerate() {
            match m.try_into() {
                Ok(method) => self.settings.methods.push(method.as_str().to_owned()),
                Err(e) => self
                    .settings
                    .early_problems
                    .push(unconvertible("allowed_methods", i, e)),
            }
        }
        self.settings.methods_listed = true;
        self
    }

    /// Records methods as written in configuration (keeps the text for error messages).
    #[cfg_attr(not(feature = "serde"), allow(dead_code))]
    pub(crate) fn allowed_methods_written(mut self, methods: Vec<String>) -> Self {
        if self.settings.any_method == Any::Permissive {
            self.settings.any_method = Any::No;
        }
        self.settings.methods.extend(methods);
        self.settings.methods_listed = true;
        self
    }

    /// Allows every request header a script can set, in preflights (the requested names are
    /// echoed back, never `*`, so `Authorization` and credentialed requests work too).
    ///
    /// Only the Fetch standard's
    /// [forbidden request-header names](https://fetch.spec.whatwg.org/#forbidden-request-header)
    /// are refused: browsers never let scripts set those, so no real preflight asks for them.
    /// Every other name is granted, including `Access-Control-Allow-Origin`, which scripts
    /// sometimes set on requests by mistake.
    /// Together with [`allowed_header(s)`](Self::allowed_headers) it is a build error
    /// ([`Problem::AnyAndList`]), in either order.
    ///
    /// ```
    /// use corsair::{Cors, CorsRequest};
    /// let policy = Cors::default().allow_any_origin().allow_any_header().build().unwrap();
    /// let ask = CorsRequest::preflight("https://a.example", "POST")
    ///     .requesting_headers(["x-anything", "access-control-allow-origin"]);
    /// assert!(policy.check(&ask).is_allowed());
    /// ```
    pub fn allow_any_header(mut self) -> Self {
        self.settings.any_header = Any::Explicit;
        self
    }

    /// Allows one request header in preflights (case-insensitive). Accepts what `actix-cors`
    /// accepts: anything that converts into a [`HeaderName`] (`&str`, `String`, `&[u8]`,
    /// `Vec<u8>`, [`HeaderName`], a type of your own); a value that does not convert is
    /// reported by [`Cors::build`] ([`Problem::Unconvertible`]).
    ///
    /// ```
    /// use actix_web::http::header;
    /// use corsair::{Cors, CorsRequest, Refusal};
    /// let cors = Cors::default().allowed_origin("https://a.example");
    /// let policy = cors.allowed_header(header::CONTENT_TYPE).allowed_header("x-api-key").build().unwrap();
    /// let ask = |name| CorsRequest::preflight("https://a.example", "POST").requesting_header(name);
    /// assert!(policy.check(&ask("X-Api-Key")).is_allowed());
    /// assert_eq!(policy.check(&ask("x-other")).refusal(), Some(Refusal::HeaderNotAllowed));
    /// ```
    pub fn allowed_header<H>(self, header: H) -> Self
    where
        H: TryInto<HeaderName>,
        <H as TryInto<HeaderName>>::Error: Into<HttpError>,
    {
        self.push_headers("allowed_header", [header])
    }

    /// Allows these request headers in preflights (case-insensitive); see
    /// [`allowed_header`](Self::allowed_header) for the accepted types.
    ///
    /// After [`Cors::permissive`] the list narrows "any header"; after an explicit
    /// [`allow_any_header`](Self::allow_any_header) it is a build error.
    ///
    /// ```
    /// use actix_web::http::header;
    /// use corsair::{Cors, CorsRequest, Refusal};
    /// let cors = Cors::default().allowed_origin("https://a.example");
    /// let policy = cors.allowed_headers(vec![header::AUTHORIZATION, header::ACCEPT]).build().unwrap();
    /// let ask = |name| CorsRequest::preflight("https://a.example", "GET").requesting_header(name);
    /// assert!(policy.check(&ask("authorization")).is_allowed());
    /// assert_eq!(policy.check(&ask("x-api-key")).refusal(), Some(Refusal::HeaderNotAllowed));
    /// ```
    pub fn allowed_headers<U, H>(self, headers: U) -> Self
    where
        U: IntoIterator<Item = H>,
        H: TryInto<HeaderName>,
        <H as TryInto<HeaderName>>::Error: Into<HttpError>,
    {
        self.push_headers("allowed_headers", headers)
    }

    fn push_headers<U, H>(mut self, call: &'static str, headers: U) -> Self
    where
        U: IntoIterator<Item = H>,
        H: TryInto<HeaderName>,
        <H as TryInto<HeaderName>>::Error: Into<HttpError>,
    {
        if self.settings.any_header == Any::Permissive {
            self.settings.any_header = Any::No;
        }
        for (i, h) in headers.into_iter().enumerate() {
            match h.try_into() {
                Ok(name) => self.settings.headers.push(name.as_str().to_owned()),
                Err(e) => self.settings.early_problems.push(unconvertible(call, i, e)),
            }
        }
        self.settings.headers_listed = true;
        self
    }

    /// Records request headers as written in configuration (keeps the text for errors).
    #[cfg_attr(not(feature = "serde"), allow(dead_code))]
    pub(crate) fn allowed_headers_written(mut self, headers: Vec<String>) -> Self {
        if self.settings.any_header == Any::Permissive {
            self.settings.any_header = Any::No;
        }
        self.settings.headers.extend(headers);
        self.settings.headers_listed = true;
        self
    }

    /// Lets JavaScript read every response header (`Access-Control-Expose-Headers: *`).
    /// Browsers ignore `*` on credentialed requests, so this cannot be combined with
    /// credentials: list the headers instead. Together with
    /// [`expose_headers`](Self::expose_headers) it is a build error
    /// ([`Problem::AnyAndList`]), in either order.
    ///
    /// ```
    /// use actix_web::http::header;
    /// use corsair::{Cors, CorsRequest};
    /// let policy = Cors::default().allow_any_origin().expose_any_header().build().unwrap();
    /// let d = policy.check(&CorsRequest::new("https://a.example"));
    /// assert_eq!(d.header(header::ACCESS_CONTROL_EXPOSE_HEADERS), Some("*"));
    /// ```
    pub fn expose_any_header(mut self) -> Self {
        self.settings.expose_any = Any::Explicit;
        self
    }

    /// Lets JavaScript read these response headers; accepts the same types as
    /// [`allowed_header`](Self::allowed_header).
    ///
    /// After [`Cors::permissive`] the list replaces its `*`; after an explicit
    /// [`expose_any_header`](Self::expose_any_header) it is a build error.
    ///
    /// ```
    /// use actix_web::http::header;
    /// use corsair::{Cors, CorsRequest};
    /// let cors = Cors::default().allowed_origin("https://a.example");
    /// let policy = cors.expose_headers(["x-request-id", "x-ratelimit-remaining"]).build().unwrap();
    /// let d = policy.check(&CorsRequest::new("https://a.example"));
    /// let exposed = d.header(header::ACCESS_CONTROL_EXPOSE_HEADERS);
    /// assert_eq!(exposed, Some("x-request-id, x-ratelimit-remaining"));
    /// ```
    pub fn expose_headers<U, H>(mut self, headers: U) -> Self
    where
        U: IntoIterator<Item = H>,
        H: TryInto<HeaderName>,
        <H as TryInto<HeaderName>>::Error: Into<HttpError>,
    {
        if self.settings.expose_any == Any::Permissive {
            self.settings.expose_any = Any::No;
        }
        for (i, h) in headers.into_iter().enumerate() {
            match h.try_into() {
                Ok(name) => self.settings.expose.push(name.as_str().to_owned()),
                Err(e) => self
                    .settings
                    .early_problems
                    .push(unconvertible("expose_headers", i, e)),
            }
        }
        self.settings.expose_listed = true;
        self
    }

    /// Records exposed headers as written in configuration (keeps the text for errors).
    #[cfg_attr(not(feature = "serde"), allow(dead_code))]
    pub(crate) fn expose_headers_written(mut self, headers: Vec<String>) -> Self {
        if self.settings.expose_any == Any::Permissive {
            self.settings.expose_any = Any::No;
        }
        self.settings.expose.extend(headers);
        self.settings.expose_listed = true;
        self
    }

    /// How long (seconds) browsers may cache a preflight. Default 600; `None` omits the
    /// header (browsers then use 5 s). Above 86400 is a build error: Firefox caps it at
    /// 24 h and Chromium at 2 h.
    ///
    /// ```
    /// use actix_web::http::header;
    /// use corsair::{Cors, CorsRequest};
    /// let preflight = CorsRequest::preflight("https://a.example", "GET");
    /// let cors = Cors::default().allowed_origin("https://a.example");
    /// let hour = cors.clone().max_age(3600).build().unwrap().check(&preflight);
    /// assert_eq!(hour.header(header::ACCESS_CONTROL_MAX_AGE), Some("3600"));
    /// let none = cors.max_age(None).build().unwrap().check(&preflight);
    /// assert_eq!(none.header(header::ACCESS_CONTROL_MAX_AGE), None);
    /// assert!(Cors::default().max_age(86_401).build().is_err());
    /// ```
    pub fn max_age(mut self, max_age: impl Into<Option<usize>>) -> Self {
        self.settings.max_age = max_age.into();
        self
    }

    /// With [`allow_any_origin`](Self::allow_any_origin), answers `*` instead of echoing the
    /// origin, so shared caches can store one response for every site.
    ///
    /// ```
    /// use actix_web::http::header;
    /// use corsair::{Cors, CorsRequest};
    /// let policy = Cors::default().allow_any_origin().send_wildcard().build().unwrap();
    /// let d = policy.check(&CorsRequest::new("https://a.example"));
    /// assert_eq!(d.header(header::ACCESS_CONTROL_ALLOW_ORIGIN), Some("*"));
    /// ```
    pub fn send_wildcard(mut self) -> Self {
        self.settings.send_wildcard = true;
        self
    }

    /// Sends `Access-Control-Allow-Credentials: true`, so browsers include cookies and
    /// authorization and let scripts read the answer. Requires listed origins.
    ///
    /// ```
    /// use actix_web::http::header;
    /// use corsair::{Cors, CorsRequest};
    /// let cors = Cors::default().allowed_origin("https://app.example.com");
    /// let policy = cors.supports_credentials().build().unwrap();
    /// let d = policy.check(&CorsRequest::new("https://app.example.com"));
    /// assert_eq!(d.header(header::ACCESS_CONTROL_ALLOW_CREDENTIALS), Some("true"));
    /// ```
    pub fn supports_credentials(mut self) -> Self {
        self.settings.credentials = true;
        self
    }

    /// Stops the middleware from adding `Vary` headers. Only safe when no cache sits between
    /// the server and browsers.
    ///
    /// ```
    /// use actix_web::http::header;
    /// use corsair::{Cors, CorsRequest};
    /// let cors = Cors::default().allowed_origin("https://a.example");
    /// let policy = cors.disable_vary_header().build().unwrap();
    /// let d = policy.check(&CorsRequest::new("https://a.example"));
    /// assert_eq!(d.header(header::ACCESS_CONTROL_ALLOW_ORIGIN), Some("https://a.example"));
    /// assert_eq!(d.header(header::VARY), None);
    /// ```
    pub fn disable_vary_header(mut self) -> Self {
        self.settings.vary = false;
        self
    }

    /// Passes preflight requests on to the application instead of answering them; their
    /// responses get the actual-request CORS headers.
    ///
    /// ```
    /// use actix_web::http::header;
    /// use corsair::{Cors, CorsRequest};
    /// let policy = Cors::default().allowed_origin("https://a.example").disable_preflight().build().unwrap();
    /// let d = policy.check(&CorsRequest::preflight("https://a.example", "PUT"));
    /// assert!(!d.is_preflight());
    /// assert_eq!(d.status(), None); // the application answers
    /// assert_eq!(d.header(header::ACCESS_CONTROL_ALLOW_ORIGIN), Some("https://a.example"));
    /// assert_eq!(d.header(header::ACCESS_CONTROL_ALLOW_METHODS), None);
    /// ```
    pub fn disable_preflight(mut self) -> Self {
        self.settings.preflight = false;
        self
    }

    /// With `true`, a request from a refused origin is answered `403 Forbidden` without
    /// calling the handler. Default `false` (the handler runs; the response just has no CORS
    /// headers, so the browser hides it from the script). Note that browsers also send
    /// `Origin` on same-origin `POST`s: list your own origin when you block.
    ///
    /// ```
    /// use actix_web::http::StatusCode;
    /// use corsair::{Cors, CorsRequest};
    /// let cors = Cors::default().allowed_origin("https://app.example.com");
    /// let policy = cors.block_on_origin_mismatch(true).build().unwrap();
    /// let refused = policy.check(&CorsRequest::new("https://evil.example"));
    /// assert_eq!(refused.status(), Some(StatusCode::FORBIDDEN)); // the handler never runs
    /// assert_eq!(policy.check(&CorsRequest::new("https://app.example.com")).status(), None);
    /// ```
    pub fn block_on_origin_mismatch(mut self, block: bool) -> Self {
        self.settings.block_on_origin_mismatch = block;
        self
    }

    /// **Legacy.** Answers Private Network Access preflights
    /// (`Access-Control-Request-Private-Network: true`) with
    /// `Access-Control-Allow-Private-Network: true`, letting public sites reach this server on
    /// a private network in browsers that still send those preflights.
    ///
    /// Chrome has replaced PNA preflights with the Local Network Access permission prompt,
    /// which no response header can grant: the user allows the page to reach the local
    /// network. Keep this option for older browsers if you need it, but plan for the prompt
    /// (or serve the page from the private-network server itself).
    ///
    /// The grant switches the browser's protection off for the origins allowed, so it is
    /// refused at build time together with every origin
    /// ([`allow_any_origin`](Self::allow_any_origin), with or without `send_wildcard`, or
    /// [`Cors::permissive`]: [`Problem::PrivateNetworkAnyOrigin`]), with the `null` origin
    /// ([`Problem::PrivateNetworkNullOrigin`]), and with plain-`http` origins, patterns or
    /// regexes other than loopback ([`Problem::InsecurePrivateNetworkOrigin`],
    /// [`Problem::PrivateNetworkInsecureRegex`]) unless
    /// [`allow_insecure_credentialed_origins`](Self::allow_insecure_credentialed_origins) is
    /// called.
    ///
    /// ```
    /// use actix_web::http::header::HeaderName;
    /// use corsair::{Cors, CorsRequest};
    /// let cors = Cors::default().allowed_origin("https://a.example");
    /// let policy = cors.allow_private_network_access().build().unwrap();
    /// let d = policy.check(&CorsRequest::preflight("https://a.example", "GET").private_network());
    /// let allow_pna = HeaderName::from_static("access-control-allow-private-network");
    /// assert_eq!(d.header(allow_pna), Some("true"));
    ///
    /// let err = Cors::default().allow_any_origin().allow_private_network_access().build();
    /// assert!(err.is_err()); // every website could reach the private network
    /// ```
    pub fn allow_private_network_access(mut self) -> Self {
        self.settings.private_network = true;
        self
    }

    /// The status of a successful preflight answer. Default `204 No Content`; must be 2xx
    /// (some old clients want `200`).
    ///
    /// ```
    /// use actix_web::http::StatusCode;
    /// use corsair::{Cors, CorsRequest};
    /// let cors = Cors::default().allowed_origin("https://a.example");
    /// let policy = cors.preflight_status(StatusCode::OK).build().unwrap();
    /// let d = policy.check(&CorsRequest::preflight("https://a.example", "GET"));
    /// assert_eq!(d.status(), Some(StatusCode::OK));
    /// assert!(Cors::default().preflight_status(StatusCode::FOUND).build().is_err());
    /// ```
    pub fn preflight_status(mut self, status: StatusCode) -> Self {
        self.settings.preflight_status = status;
        self
    }

    /// Tolerates plain `http://` origins (other than loopback) with credentials or with
    /// [Private Network Access](Self::allow_private_network_access), which are otherwise
    /// refused because anyone on the network path can impersonate them.
    ///
    /// ```
    /// use actix_web::http::header;
    /// use corsair::{Cors, CorsRequest};
    /// let cors = Cors::default().allowed_origin("http://intranet.corp").supports_credentials();
    /// assert!(cors.clone().build().is_err());
    /// let policy = cors.allow_insecure_credentialed_origins().build().unwrap();
    /// let d = policy.check(&CorsRequest::new("http://intranet.corp"));
    /// assert_eq!(d.header(header::ACCESS_CONTROL_ALLOW_CREDENTIALS), Some("true"));
    /// ```
    pub fn allow_insecure_credentialed_origins(mut self) -> Self {
        self.settings.allow_insecure_credentialed = true;
        self
    }

    /// **Dangerous.** Without credentials, lets patterns and regexes that reach public
    /// suffixes build, with a warning at start-up: `https://*.vercel.app`,
    /// `https://[a-z0-9-]+\.github\.io`, `https://.*\.com`, and regexes whose host has no
    /// fixed domain (`https://\d+\.\d+\.\d+\.\d+`). Every site anyone registers there is
    /// then allowed to read your responses (as under
    /// [`allow_any_origin`](Self::allow_any_origin), but only for those hosts). Prefer listing
    /// the deployment origins, or a wildcard under a domain you own.
    ///
    /// With [`supports_credentials`](Self::supports_credentials) they stay build errors
    /// ([`Problem::PatternTooBroad`], [`Problem::PatternReachesPublicSuffixes`],
    /// [`Problem::RegexTooBroad`]): anyone could read your users' credentialed responses.
    /// `https://*` (every domain) is never accepted as a pattern; say
    /// [`allow_any_origin`](Self::allow_any_origin).
    ///
    /// ```
    /// use corsair::{Cors, CorsRequest};
    /// let cors = Cors::default().allowed_origin_regex(r"https://[a-z0-9-]+\.vercel\.app");
    /// assert!(cors.clone().build().is_err());
    /// let policy = cors.clone().dangerously_allow_subdomains_of_public_suffixes().build().unwrap();
    /// assert!(policy.check(&CorsRequest::new("https://anyone.vercel.app")).is_allowed());
    /// // Never with credentials.
    /// assert!(cors
    ///     .dangerously_allow_subdomains_of_public_suffixes()
    ///     .supports_credentials()
    ///     .build()
    ///     .is_err());
    /// ```
    pub fn dangerously_allow_subdomains_of_public_suffixes(mut self) -> Self {
        self.settings.tolerate_public_suffixes = true;
        self
    }

    /// Puts the [`CorsOutcome`](crate::CorsOutcome) of each request in its extensions, for handlers, access logs
    /// (a custom `Logger` field) and tracing. Costs one small allocation per request, so it
    /// is off unless asked for.
    ///
    /// ```
    /// use actix_web::middleware::Logger;
    /// use actix_web::{web, App, HttpResponse};
    /// use corsair::{Cors, CorsOutcome};
    ///
    /// let logger = Logger::new("%r %s cors=%{cors}xo").custom_response_replace("cors", |res| {
    ///     CorsOutcome::of(res.request()).map_or("-".into(), |o| o.to_string())
    /// });
    /// let app = App::new()
    ///     .wrap(Cors::default().allowed_origin("https://a.com").outcome_in_extensions())
    ///     .wrap(logger) // outermost: it sees the outcome once the response is ready
    ///     .route("/", web::get().to(HttpResponse::Ok));
    /// # drop(app);
    /// ```
    pub fn outcome_in_extensions(mut self) -> Self {
        self.settings.rollout.outcome_in_extensions = true;
        self
    }

    /// Turns on cross-origin protection (CSRF and cross-site WebSocket hijacking) with this
    /// policy's allowlist: a cross-origin write (`POST`, `PUT`, `DELETE`, ...) or WebSocket
    /// handshake whose `Origin` the policy does not allow is answered `403 Forbidden` before
    /// the handler runs, whatever [`block_on_origin_mismatch`](Self::block_on_origin_mismatch)
    /// says. CORS alone only hides the *answer* from a script: a form on another site still
    /// posts with your users' cookies, and a WebSocket handshake is never checked at all.
    ///
    /// The guard trusts exactly what the policy allows: exact origins, patterns, regexes and
    /// predicates, and `null` only after [`allow_null_origin`](Self::allow_null_origin) (a
    /// `warn` line says what that means). "Any origin" would trust every site, so
    /// [`allow_any_origin`](Self::allow_any_origin) or an unnarrowed [`Cors::permissive`]
    /// with protection is a build error ([`Problem::ProtectionTrustsAnyOrigin`]). Same-origin
    /// requests and requests without browser headers pass; see
    /// [`CrossOriginProtection`](crate::CrossOriginProtection) for the whole rule, and
    /// [`CorsPolicy::protection_counts`](crate::CorsPolicy::protection_counts) for what it did.
    ///
    /// ```
    /// use actix_web::http::{Method, StatusCode};
    /// use corsair::{Cors, CorsRequest, GuardOutcome, GuardRefusal};
    ///
    /// let policy = Cors::default()
    ///     .allowed_origin("https://app.example.com")
    ///     .cross_origin_protection()
    ///     .build()
    ///     .unwrap();
    /// // A form on another site posts: refused before the handler, though CORS would run it.
    /// let forged = CorsRequest::new("https://evil.example").method(Method::POST).sec_fetch_site("cross-site");
    /// let d = policy.check(&forged);
    /// assert_eq!(d.status(), Some(StatusCode::FORBIDDEN));
    /// assert_eq!(d.cross_origin(), Some(GuardOutcome::Refused(GuardRefusal::SecFetchSite)));
    /// // The allowed origin may write, preflighted or not.
    /// let app = CorsRequest::new("https://app.example.com").method(Method::POST).sec_fetch_site("same-site");
    /// assert_eq!(policy.check(&app).cross_origin(), Some(GuardOutcome::Trusted));
    /// assert!(Cors::default().allow_any_origin().cross_origin_protection().build().is_err());
    /// ```
    pub fn cross_origin_protection(mut self) -> Self {
        self.settings.rollout.protection = Some(crate::protection::Enforce::On);
        self
    }

    /// [`cross_origin_protection`](Self::cross_origin_protection) in report-only mode: refuses
    /// nothing, but counts ([`GuardCounts::would_refuse_total`](crate::GuardCounts::would_refuse_total))
    /// and logs at `debug` every request it would refuse. Run it so before enforcing.
    ///
    /// ```
    /// use actix_web::http::Method;
    /// use corsair::{Cors, CorsRequest, GuardOutcome, GuardRefusal};
    /// let policy = Cors::default()
    ///     .allowed_origin("https://app.example.com")
    ///     .cross_origin_protection_report_only()
    ///     .build()
    ///     .unwrap();
    /// let forged = CorsRequest::new("https://evil.example").method(Method::POST).sec_fetch_site("cross-site");
    /// let d = policy.check(&forged);
    /// assert_eq!(d.cross_origin(), Some(GuardOutcome::WouldRefuse(GuardRefusal::SecFetchSite)));
    /// assert_eq!(d.status(), None); // passed on
    /// ```
    pub fn cross_origin_protection_report_only(mut self) -> Self {
        self.settings.rollout.protection = Some(crate::protection::Enforce::ReportOnly);
        self
    }

    /// Names the reverse proxies whose `Forwarded` (or `X-Forwarded-Proto` and
    /// `X-Forwarded-Host`) headers say what the request's own origin is, for recognising
    /// same-origin requests. Without it those headers are ignored and the request's own
    /// origin is the listener's scheme plus the `Host` header.
    ///
    /// Each entry is an address or a CIDR range: an [`IpAddr`](std::net::IpAddr) (or `Ipv4Addr`, `Ipv6Addr`),
    /// or a string such as `"10.0.0.1"`, `"10.0.0.0/8"` (a Kubernetes pod network, a load
    /// balancer's subnet) or `"fd00::/8"`; see [`TrustedProxy`](crate::TrustedProxy). A string
    /// that is neither is a build error ([`Problem::InvalidTrustedProxy`]), as is a range with
    /// bits set after its prefix (`10.0.0.1/8`). Peers are compared in canonical form: a
    /// server bound to `[::]` sees an IPv4 proxy as `::ffff:10.0.0.1`, which `10.0.0.0/8`
    /// matches. The proxy's fields are read one by one: a proxy that forwards only the scheme
    /// (`Forwarded: for=..;proto=https`, or `X-Forwarded-Proto`) and keeps `Host` is read with
    /// that `Host`.
    ///
    /// A request whose `Origin` equals its own origin is not a CORS request: it is never
    /// blocked, never logged as refused and gets no `Access-Control-Allow-*` headers.
    /// [`public_origin`](Self::public_origin), when given, takes precedence: nothing is read
    /// from proxies then.
    ///
    /// ```
    /// use std::net::{IpAddr, Ipv4Addr};
    /// use corsair::{Cors, Problem};
    ///
    /// let cors = Cors::default()
    ///     .allowed_origin("https://app.example.com")
    ///     .block_on_origin_mismatch(true)
    ///     .trusted_proxies([IpAddr::V4(Ipv4Addr::LOCALHOST)])
    ///     .trusted_proxies(["10.0.0.0/8", "fd00::/8"]);
    /// cors.build().unwrap();
    ///
    /// let err = Cors::default().trusted_proxies(["10.0.0.0/33"]).build().unwrap_err();
    /// assert!(matches!(err.problems()[0], Problem::InvalidTrustedProxy { .. }));
    /// ```
    pub fn trusted_proxies<I, P>(mut self, proxies: I) -> Self
    where
        I: IntoIterator<Item = P>,
        P: Into<crate::TrustedProxy>,
    {
        self.settings
            .rollout
            .same_origin
            .trusted_proxies
            .extend(proxies.into_iter().map(Into::into));
        self
    }

    /// Declares an origin the app itself is served at, as browsers send it in `Origin`
    /// (`https://api.example.com`); call it once per origin. When at least one is declared,
    /// a request is same-origin exactly when its `Origin` is one of them: the listener's
    /// scheme, `Host` and proxy headers are no longer consulted.
    ///
    /// Declare it whenever a TLS terminator or proxy you do not name with
    /// [`trusted_proxies`](Self::trusted_proxies) sits in front of the app. There, the app
    /// sees plain HTTP, so without a declaration it takes `http://api.example.com` for its own
    /// origin: the real page, `https://api.example.com`, is blocked under
    /// [`block_on_origin_mismatch(true)`](Self::block_on_origin_mismatch), while an `http://`
    /// page, which anyone on the network path can inject, passes as same-origin. Building a
    /// blocking policy with neither public origins nor trusted proxies logs a `warn` line
    /// saying so.
    ///
    /// Validated like [`allowed_origin`](Self::allowed_origin): a value that is not a
    /// serialized origin is a build error ([`Problem::InvalidPublicOrigin`]).
    ///
    /// ```
    /// use corsair::{Cors, Problem};
    /// let cors = Cors::default()
    ///     .allowed_origin("https://app.example.com")
    ///     .block_on_origin_mismatch(true)
    ///     .public_origin("https://api.example.com");
    /// cors.build().unwrap();
    ///
    /// let err = Cors::default().public_origin("https://api.example.com/").build().unwrap_err();
    /// assert!(matches!(err.problems()[0], Problem::InvalidPublicOrigin { .. }));
    /// ```
    pub fn public_origin(mut self, origin: &str) -> Self {
        self.settings
            .rollout
            .same_origin
            .public_origins
            .push(origin.to_owned());
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
        let rollout = self.settings.rollout.clone();
        let block = self.settings.block_on_origin_mismatch;
        let policy = self.build_quietly()?;
        diagnostics::log_summary(&policy.rules);
        rollout.same_origin.warn_if_guessing(block);
        Ok(policy)
    }
}

impl Cors {
    /// [`build`](Self::build) without the start-up summary (the caller logs it, or has
    /// logged it already for an equal builder).
    pub(crate) fn build_quietly(self) -> Result<CorsPolicy, ConfigError> {
        let cors = self.read_environment();
        let rules = compile(&cors.settings)?;
        Ok(CorsPolicy::new(
            rules,
            Rollout::new(cors.settings.rollout.clone()),
        ))
    }
}

/// Origin lists that carry their own name, so that errors point into them.
impl Cors {
    /// Allows every origin in `text`, a list read from somewhere with a name, usually a file;
    /// errors name `name` and the line (`in cors-origins.txt, line 3`).
    ///
    /// `text` is read line by line. On each line, `#` starts a comment, entries are separated
    /// by commas, white space around them is trimmed, and empty entries are ignored. As in
    /// [`allowed_origins_list`](Self::allowed_origins_list), an entry with a `*` is a pattern
    /// and a lone `*` is a build error.
    ///
    /// ```
    /// use corsair::{Cors, CorsRequest, Problem, Source};
    ///
    /// let file = "# origins allowed to call the API\n\
    ///             http://localhost:5173\n\
    ///             https://app.example.com, https://*.preview.example.com\n";
    /// let policy = Cors::default()
    ///     .allowed_origins_list_from("cors-origins.txt", file)
    ///     .build()
    ///     .unwrap();
    /// assert!(policy.check(&CorsRequest::new("https://pr-7.preview.example.com")).is_allowed());
    /// assert!(!policy.check(&CorsRequest::new("https://evil.example")).is_allowed());
    ///
    /// // A mistake names the file and the line.
    /// let err = Cors::default()
    ///     .allowed_origins_list_from("cors-origins.txt", "http://localhost:5173\napp.example.com/\n")
    ///     .build()
    ///     .unwrap_err();
    /// let Problem::InvalidOrigin { source, .. } = &err.problems()[0] else { panic!("{err}") };
    /// assert_eq!(*source, Source::Named { name: "cors-origins.txt".into(), line: 2 });
    /// assert!(err.to_string().contains("`app.example.com/` (in cors-origins.txt, line 2)"));
    /// ```
    pub fn allowed_origins_list_from(self, name: &str, text: &str) -> Self {
        text.lines()
            .enumerate()
            .flat_map(|(i, line)| {
                let content = line.split('#').next().unwrap_or_default();
                content.split(',').map(move |entry| (i + 1, entry.trim()))
            })
            .filter(|(_, entry)| !entry.is_empty())
            .fold(self, |cors, (line, entry)| {
                let source = Source::Named {
                    name: name.to_owned(),
                    line,
                };
                cors.push_origin(entry, source, true)
            })
    }
}
