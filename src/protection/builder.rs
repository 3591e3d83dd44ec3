//! [`CrossOriginProtection`], the standalone guard's builder, and [`CrossOriginGuard`], the
//! guard it builds.

use std::{fmt, sync::Arc};

use super::{
    counts::GuardCounts,
    guard::{Enforcement, Guard},
    Enforce, GuardOutcome, GuardRefusal,
};
use crate::{
    check::CorsRequest,
    compile::compile_origins,
    error::{ConfigError, Problem, Source},
    same_origin::{SameOriginRule, TrustedProxy},
    settings::Settings,
};

/// Protection against cross-site request forgery (CSRF) and cross-site WebSocket hijacking,
/// for apps that need no CORS: a middleware that refuses cross-origin writes and WebSocket
/// handshakes with `403 Forbidden` before the handler runs. No token, no cookie: it reads the
/// `Sec-Fetch-Site` and `Origin` headers browsers set and scripts cannot.
///
/// For each request, in order:
/// 1. `GET`, `HEAD` and `OPTIONS` pass, unless the request asks for an `Upgrade` (a
///    WebSocket handshake is a `GET` with `Upgrade: websocket`).
/// 2. More than one `Origin` header is refused.
/// 3. `Sec-Fetch-Site: same-origin` or `none` passes. Any other value (`same-site`,
///    `cross-site`) is refused unless the `Origin` is trusted.
/// 4. A request with neither `Sec-Fetch-Site` nor `Origin` passes: it is not from a
///    browser (no cookies ride along by themselves), or from one too old to send either
///    (every current browser sends `Sec-Fetch-Site`).
/// 5. Otherwise the `Origin` must be the request's own origin (scheme, host and port, as
///    [`public_origin`](Self::public_origin) declares it or
///    [`trusted_proxies`](Self::trusted_proxies) say it reached you) or trusted. Chromium
///    sends no `Sec-Fetch-*` on WebSocket handshakes: for sockets this is the rule that
///    decides.
///    `Origin: null` passes only with [`allow_null_origin`](Self::allow_null_origin).
///
/// A refusal is an error whose response is `403 Forbidden`, a short `text/plain` body: outer
/// middleware sees an `Err`, as from an authentication guard, and can restyle it; a request
/// that passes reaches the inner service untouched.
///
/// It does not protect handlers that change state on `GET`: fix those. To exempt routes
/// (webhooks, payment callbacks), wrap only the scopes to protect (see
/// `examples/csrf.rs`). In an app with CORS, use
/// [`Cors::cross_origin_protection`](crate::Cors::cross_origin_protection) instead: one
/// allowlist for both.
///
/// Like [`Cors`](crate::Cors), nothing is checked until it is built: [`build`](Self::build)
/// returns every problem at once, and an unbuilt one given to `.wrap()` is built when the
/// app starts, failing start-up if it is invalid.
///
/// ```
/// use actix_web::{http::StatusCode, test, web, App, HttpResponse};
/// use corsair::CrossOriginProtection;
///
/// # actix_rt::System::new().block_on(async {
/// let app = test::init_service(
///     App::new()
///         .wrap(CrossOriginProtection::default().trusted_origin("https://partner.example"))
///         .route("/transfer", web::post().to(HttpResponse::Ok)),
/// )
/// .await;
/// let post = |site: &str, origin: &str| {
///     test::TestRequest::post()
///         .uri("/transfer")
///         .insert_header(("Sec-Fetch-Site", site))
///         .insert_header(("Origin", origin))
///         .to_request()
/// };
/// // A form on another site posts to /transfer: refused (an error whose response is a
/// // 403) before the handler runs.
/// let err = test::try_call_service(&app, post("cross-site", "https://evil.example")).await.unwrap_err();
/// assert_eq!(err.error_response().status(), StatusCode::FORBIDDEN);
/// // The partner's page may.
/// let res = test::call_service(&app, post("cross-site", "https://partner.example")).await;
/// assert_eq!(res.status(), StatusCode::OK);
/// # });
/// ```
#[derive(Debug, Clone, Default)]
#[must_use = "a CrossOriginProtection does nothing until it is built or passed to `.wrap()`"]
pub struct CrossOriginProtection {
    origins: Vec<String>,
    patterns: Vec<String>,
    any: bool,
    allow_null: bool,
    same_origin: SameOriginRule,
    report_only: bool,
    outcome_in_extensions: bool,
}

impl CrossOriginProtection {
    /// Trusts requests whose `Origin` is `origin`, written exactly as browsers send it:
    /// `scheme://host[:port]`, lower case, no trailing slash, path or default port. It is
    /// checked like [`Cors::allowed_origin`](crate::Cors::allowed_origin), with the same
    /// problems and fixes. An entry with a `*` is an origin pattern, checked like
    /// [`Cors::allowed_origin_pattern`](crate::Cors::allowed_origin_pattern) (too-broad
    /// wildcards are refused); `*` alone, which would trust everyone, is refused
    /// ([`Problem::ProtectionTrustsAnyOrigin`]).
    ///
    /// ```
    /// use corsair::{CrossOriginProtection, CorsRequest, GuardOutcome, OriginFault, Problem};
    /// use actix_web::http::Method;
    ///
    /// let guard = CrossOriginProtection::default()
    ///     .trusted_origin("https://partner.example")
    ///     .trusted_origin("https://*.preview.example.com")
    ///     .build()
    ///     .unwrap();
    /// let post = |origin| CorsRequest::new(origin).method(Method::POST).sec_fetch_site("cross-site");
    /// assert_eq!(guard.check(&post("https://pr-7.preview.example.com")), GuardOutcome::Trusted);
    /// assert!(guard.check(&post("https://evil.example")).is_refused());
    ///
    /// let err = CrossOriginProtection::default().trusted_origin("https://partner.example/").build().unwrap_err();
    /// assert!(matches!(
    ///     &err.problems()[0],
    ///     Problem::InvalidOrigin { fault: OriginFault::TrailingSlash { .. }, .. }
    /// ));
    /// ```
    pub fn trusted_origin(mut self, origin: &str) -> Self {
        if origin == "*" {
            self.any = true;
        } else if origin.contains('*') {
            self.patterns.push(origin.to_owned());
        } else {
            self.origins.push(origin.to_owned());
        }
        self
    }

    /// **Dangerous.** Trusts `Origin: null`. Any website can make a browser send it (a
    /// sandboxed iframe is enough), so this lets every website send writes with your users'
    /// cookies from such a frame. Use it only when the server cannot be reached from the
    /// web (a kiosk, a device UI loaded from `file:`).
    ///
    /// ```
    /// use actix_web::http::Method;
    /// use corsair::{CrossOriginProtection, CorsRequest, GuardOutcome, GuardRefusal};
    /// let null_post = CorsRequest::new("null").method(Method::POST);
    /// let strict = CrossOriginProtection::default().build().unwrap();
    /// assert_eq!(strict.check(&null_post), GuardOutcome::Refused(GuardRefusal::NullOrigin));
    /// let kiosk = CrossOriginProtection::default().allow_null_origin().build().unwrap();
    /// assert_eq!(kiosk.check(&null_post), GuardOutcome::Trusted);
    /// ```
    pub fn allow_null_origin(mut self) -> Self {
        self.allow_null = true;
        self
    }

    /// Names the reverse proxies (addresses or CIDR ranges) whose `Forwarded` (or
    /// `X-Forwarded-Proto` and `X-Forwarded-Host`) headers say what the request's own origin
    /// is, as [`Cors::trusted_proxies`](crate::Cors::trusted_proxies) does, with the same
    /// checks. Without it (or [`public_origin`](Self::public_origin)) the request's own origin
    /// is the listener's scheme plus `Host`. Behind a proxy that terminates TLS, name it (or
    /// declare the public origin): the app sees plain HTTP, so an `https://` page's `Origin`
    /// is not its own, and writes from browsers that send no `Sec-Fetch-Site` are refused.
    ///
    /// ```
    /// use std::net::Ipv4Addr;
    /// use corsair::{CrossOriginProtection, Problem};
    /// let guard = CrossOriginProtection::default().trusted_proxies([Ipv4Addr::LOCALHOST]);
    /// assert!(guard.build().is_ok());
    /// let err = CrossOriginProtection::default().trusted_proxies(["10.0.0.0/33"]).build().unwrap_err();
    /// assert!(matches!(err.problems()[0], Problem::InvalidTrustedProxy { .. }));
    /// ```
    pub fn trusted_proxies<I, P>(mut self, proxies: I) -> Self
    where
        I: IntoIterator<Item = P>,
        P: Into<TrustedProxy>,
    {
        self.same_origin
            .trusted_proxies
            .extend(proxies.into_iter().map(Into::into));
        self
    }

    /// Declares an origin the app itself is served at (`https://app.example.com`), as
    /// [`Cors::public_origin`](crate::Cors::public_origin) does: when one is declared, an
    /// `Origin` is the request's own exactly when it is one of them.
    ///
    /// ```
    /// use actix_web::http::Method;
    /// use corsair::{CrossOriginProtection, CorsRequest, GuardOutcome};
    /// let guard = CrossOriginProtection::default().public_origin("https://app.example.com").build().unwrap();
    /// let old_browser = |origin| CorsRequest::new(origin).method(Method::POST);
    /// assert_eq!(guard.check(&old_browser("https://app.example.com")), GuardOutcome::SameOrigin);
    /// assert!(guard.check(&old_browser("http://app.example.com")).is_refused());
    /// ```
    pub fn public_origin(mut self, origin: &str) -> Self {
        self.same_origin.public_origins.push(origin.to_owned());
        self
    }

    /// Report-only: refuses nothing, but counts and logs (at `debug`) every request it would
    /// refuse, as [`GuardOutcome::WouldRefuse`]. Run it so before enforcing, and read
    /// [`GuardCounts::would_refuse_total`].
    ///
    /// ```
    /// use actix_web::http::Method;
    /// use corsair::{CrossOriginProtection, CorsRequest, GuardOutcome, GuardRefusal};
    /// let guard = CrossOriginProtection::default().report_only().build().unwrap();
    /// let post = CorsRequest::new("https://evil.example").method(Method::POST);
    /// assert_eq!(guard.check(&post), GuardOutcome::WouldRefuse(GuardRefusal::OriginMismatch));
    /// ```
    pub fn report_only(mut self) -> Self {
        self.report_only = true;
        self
    }

    /// Puts the [`GuardOutcome`] of each request in its extensions, for handlers and access
    /// logs. Costs one small allocation per request, so it is off unless asked for.
    ///
    /// ```
    /// use actix_web::{test, web, App, HttpRequest, HttpResponse};
    /// use corsair::{CrossOriginProtection, GuardOutcome};
    /// # actix_rt::System::new().block_on(async {
    /// let app = test::init_service(
    ///     App::new()
    ///         .wrap(CrossOriginProtection::default().outcome_in_extensions())
    ///         .route("/", web::get().to(|req: HttpRequest| async move {
    ///             HttpResponse::Ok().body(GuardOutcome::of(&req).unwrap().to_string())
    ///         })),
    /// )
    /// .await;
    /// let body = test::call_and_read_body(&app, test::TestRequest::get().to_request()).await;
    /// assert_eq!(body, "safe-method");
    /// # });
    /// ```
    pub fn outcome_in_extensions(mut self) -> Self {
        self.outcome_in_extensions = true;
        self
    }

    /// Checks every trusted origin and builds the guard, or returns **every** problem.
    ///
    /// ```
    /// use corsair::{CrossOriginProtection, Problem};
    /// let err = CrossOriginProtection::default()
    ///     .trusted_origin("*")
    ///     .trusted_origin("https://partner.example:443")
    ///     .build()
    ///     .unwrap_err();
    /// assert_eq!(err.problems().len(), 2);
    /// assert!(matches!(err.problems()[0], Problem::ProtectionTrustsAnyOrigin { .. }));
    /// assert!(err.to_string().contains("write `https://partner.example`"));
    /// ```
    pub fn build(self) -> Result<CrossOriginGuard, ConfigError> {
        let mut problems = Vec::new();
        if self.any {
            problems.push(Problem::ProtectionTrustsAnyOrigin {
                any: ".trusted_origin(\"*\")",
                protection: "CrossOriginProtection",
            });
        }
        let code = |list: Vec<String>| list.into_iter().map(|o| (o, Source::Code)).collect();
        let settings = Settings {
            origins: code(self.origins),
            patterns: code(self.patterns),
            allow_null: self.allow_null,
            ..Settings::default()
        };
        let trusted = compile_origins(&settings, &mut problems);
        self.same_origin.check(&mut problems);
        if !problems.is_empty() {
            return Err(ConfigError::new(problems));
        }
        let enforce = if self.report_only {
            Enforce::ReportOnly
        } else {
            Enforce::On
        };
        let guard = Guard {
            trusted,
            same_origin: self.same_origin,
            enforcement: Enforcement::new(enforce, self.outcome_in_extensions),
        };
        guard.log_summary();
        Ok(CrossOriginGuard {
            inner: Arc::new(guard),
        })
    }
}

/// A built [`CrossOriginProtection`]: immutable, cheap to clone (an `Arc` inside), with its
/// counters. Pass it to `.wrap()` (every clone reads the same counters; each worker counts in its own shard), ask it about requests
/// with [`check`](Self::check), and read what it did with [`counts`](Self::counts).
///
/// ```
/// use actix_web::{web, App, HttpResponse, HttpServer};
/// use corsair::CrossOriginProtection;
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let guard = CrossOriginProtection::default().build()?; // problems reported here
/// let _server = HttpServer::new(move || {
///     App::new()
///         .wrap(guard.clone())
///         .route("/", web::post().to(HttpResponse::Ok))
/// });
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct CrossOriginGuard {
    pub(crate) inner: Arc<Guard>,
}

impl fmt::Debug for CrossOriginGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.fmt(f)
    }
}

impl CrossOriginGuard {
    /// How many requests this guard looked at, by outcome (every clone, worker and scope
    /// wrapping it, summed; safe methods are not counted).
    ///
    /// ```
    /// use corsair::CrossOriginProtection;
    /// let guard = CrossOriginProtection::default().build().unwrap();
    /// assert_eq!(guard.counts().total(), 0);
    /// ```
    pub fn counts(&self) -> GuardCounts {
        self.inner.enforcement.counts()
    }

    /// Decides `request` as the middleware would, without a server, counting and logging
    /// nothing. Describe the request with [`CorsRequest`]: its method, and the headers a
    /// browser sends ([`CorsRequest::sec_fetch_site`], [`CorsRequest::websocket`]).
    ///
    /// The request's own origin is judged as the middleware judges it, from what the
    /// request describes: its `Host` ([`CorsRequest::with_header`]), whether it came over TLS
    /// ([`CorsRequest::over_tls`]) and its peer ([`CorsRequest::from_peer`]).
    ///
    /// ```
    /// use actix_web::http::Method;
    /// use corsair::{CrossOriginProtection, CorsRequest, GuardOutcome, GuardRefusal};
    ///
    /// let guard = CrossOriginProtection::default().build().unwrap();
    /// let form_post = CorsRequest::new("https://evil.example").method(Method::POST).sec_fetch_site("cross-site");
    /// assert_eq!(guard.check(&form_post), GuardOutcome::Refused(GuardRefusal::SecFetchSite));
    /// let socket = CorsRequest::new("https://evil.example").websocket();
    /// assert!(guard.check(&socket).is_refused());
    /// let own = CorsRequest::new("https://app.example").method(Method::POST).sec_fetch_site("same-origin");
    /// assert_eq!(guard.check(&own), GuardOutcome::SameOrigin);
    /// ```
    pub fn check(&self, request: &CorsRequest) -> GuardOutcome {
        let guard = &*self.inner;
        match request.head() {
            Ok(head) => guard
                .enforcement
                .report(guard.decide(&head, || request.is_over_tls())),
            // A value no HTTP parser lets through: as an `Origin`, it is neither this
            // request's own origin nor trusted (a preflight is `OPTIONS`: passed on its method).
            Err(_) if request.is_preflight() => GuardOutcome::SafeMethod,
            Err(_) => guard
                .enforcement
                .report(GuardOutcome::Refused(GuardRefusal::OriginMismatch)),
        }
    }
}
