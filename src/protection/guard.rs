//! The guard at work: the standalone middleware ([`Transform`] for [`CrossOriginGuard`] and
//! [`CrossOriginProtection`], and the service [`GuardMiddleware`]), what happens once
//! [`decide`] has spoken (report-only, counters, the log line, extensions), and the three
//! hooks of the CORS-policy form: its build check ([`check_cors_settings`]), its middleware
//! hook ([`refuse`]) and `CorsPolicy::check`'s ([`check_cors`]).

use std::{fmt, sync::Arc};

use actix_service::{Service, Transform};
use actix_web::{
    body::MessageBody,
    dev::{RequestHead, ServiceRequest, ServiceResponse},
    http::{
        header::{self, HeaderName, HeaderValue},
        StatusCode,
    },
    Error, HttpMessage, HttpResponse,
};
use futures_util::future::{ready as ready_future, Either, Ready};

use super::{
    builder::{CrossOriginGuard, CrossOriginProtection},
    counts::{Counters, GuardCounts},
    decide, is_safe, Enforce, GuardOutcome, GuardRefusal, SEC_FETCH_SITE,
};
use crate::{
    counters::Shard,
    error::Problem,
    origin::{Lookup, MatchedBy, OriginMatcher},
    policy::Compiled,
    rollout::Rollout,
    same_origin::{self, SameOriginRule},
    settings::{Any, Settings},
    worker::Worker,
};

/// The body of a refusal: short, plain text.
const REFUSAL_BODY: &str = "cross-origin request refused";

/// Values longer than this are cut short in log lines.
const SHOWN_LEN: usize = 200;

/// What a guard does once a request is decided; shared by both forms.
pub(crate) struct Enforcement {
    report_only: bool,
    pub(crate) outcome_in_extensions: bool,
    counters: Counters,
}

impl Enforcement {
    pub(crate) fn new(enforce: Enforce, outcome_in_extensions: bool) -> Self {
        Enforcement {
            report_only: enforce == Enforce::ReportOnly,
            outcome_in_extensions,
            counters: Counters::default(),
        }
    }

    /// `decided` as this guard reports it: a refusal becomes "would refuse" in report-only.
    #[inline]
    pub(crate) fn report(&self, decided: GuardOutcome) -> GuardOutcome {
        match decided {
            GuardOutcome::Refused(reason) if self.report_only => GuardOutcome::WouldRefuse(reason),
            outcome => outcome,
        }
    }

    /// Completes a decision: report-only, the counter, the `debug` line for a refusal, the
    /// outcome in extensions. Returns the outcome as reported.
    #[inline]
    fn settle(&self, decided: GuardOutcome, req: &ServiceRequest, shard: &Shard) -> GuardOutcome {
        let outcome = self.report(decided);
        if outcome.refusal().is_some() {
            let upgrade = req.head().headers.contains_key(header::UPGRADE);
            Counters::record(shard, outcome, upgrade);
            log_refusal(outcome, req);
        } else {
            Counters::record(shard, outcome, false);
        }
        if self.outcome_in_extensions {
            req.extensions_mut().insert(outcome);
        }
        outcome
    }

    pub(crate) fn counts(&self) -> GuardCounts {
        self.counters.read()
    }

    /// A counter shard for one middleware instance.
    pub(crate) fn shard(&self) -> Shard {
        self.counters.shard()
    }
}

/// "Is `origin` this request's own origin?", by `rule` (declared public origins, trusted
/// proxies), for a request that reached the server over TLS if `secure()`: the guard's one
/// use of `same_origin.rs`.
fn own_origin<'a>(
    rule: &'a SameOriginRule,
    head: &'a RequestHead,
    secure: impl FnOnce() -> bool + 'a,
) -> impl FnOnce(&[u8]) -> bool + 'a {
    move |origin| same_origin::is_own_origin(origin, rule, head, secure)
}

/// The standalone guard, built.
pub(crate) struct Guard {
    pub(crate) trusted: OriginMatcher,
    pub(crate) same_origin: SameOriginRule,
    pub(crate) enforcement: Enforcement,
}

impl fmt::Debug for Guard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CrossOriginGuard")
            .field("trusted", &self.trusted)
            .field("same_origin", &self.same_origin)
            .field("report_only", &self.enforcement.report_only)
            .finish_non_exhaustive()
    }
}

impl Guard {
    /// True when the guard trusts `origin` (`null` only with `allow_null_origin`).
    pub(crate) fn trusts(&self, origin: &HeaderValue, head: &RequestHead) -> bool {
        matches!(self.trusted.lookup(origin, head), Lookup::Allowed(..))
    }

    /// Decides `head` (a request that came over TLS if `secure()`), without side effects.
    pub(crate) fn decide(&self, head: &RequestHead, secure: impl FnOnce() -> bool) -> GuardOutcome {
        let own = own_origin(&self.same_origin, head, secure);
        decide(head, own, |o| self.trusts(o, head))
    }

    /// Decides, counts, logs and records one request.
    #[inline]
    fn judge(&self, req: &ServiceRequest, shard: &Shard) -> GuardOutcome {
        let decided = self.decide(req.head(), || req.app_config().secure());
        self.enforcement.settle(decided, req, shard)
    }

    /// One `info` line when built: what is trusted (counts, never the origins).
    pub(crate) fn log_summary(&self) {
        log::info!(
            "corsair: cross-origin protection ready{}: {} trusted origin(s), {} pattern(s){}, {} trusted prox(ies), {} public origin(s)",
            if self.enforcement.report_only { " (report-only)" } else { "" },
            self.trusted.exact.len(),
            self.trusted.patterns.len(),
            if self.trusted.allow_null { ", null trusted" } else { "" },
            self.same_origin.trusted_proxies.len(),
            self.same_origin.public_origins.len(),
        );
    }
}

/// The standalone guard's refusal: an error whose response is the `403` below (the same
/// each time it is asked for), so that passing requests keep the inner service's body type,
/// unwrapped.
#[derive(Debug)]
struct Refused;

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REFUSAL_BODY)
    }
}

impl actix_web::ResponseError for Refused {
    fn status_code(&self) -> StatusCode {
        StatusCode::FORBIDDEN
    }

    fn error_response(&self) -> HttpResponse {
        forbidden()
    }
}

/// The `403` of a refused request, built without allocating a header value.
fn forbidden() -> HttpResponse {
    let mut res =
        HttpResponse::with_body(StatusCode::FORBIDDEN, REFUSAL_BODY).map_into_boxed_body();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    res
}

/// The `debug` line of a refusal (or, report-only, of what would be one): which request,
/// which header, which value.
#[cold]
#[inline(never)]
fn log_refusal(outcome: GuardOutcome, req: &ServiceRequest) {
    if !log::log_enabled!(log::Level::Debug) {
        return;
    }
    let head = req.head();
    let shown = |name: HeaderName| {
        head.headers.get(name).map(|v| {
            let text = String::from_utf8_lossy(v.as_bytes());
            text.chars().take(SHOWN_LEN).collect::<String>()
        })
    };
    let what = match shown(header::UPGRADE) {
        Some(upgrade) => format!(
            "WebSocket handshake (Upgrade: {upgrade}) {}",
            head.uri.path()
        ),
        None => format!("{} {}", head.method, head.uri.path()),
    };
    let verb = if outcome.is_refused() {
        "refused"
    } else {
        "would refuse (report-only)"
    };
    let origin = shown(header::ORIGIN);
    let why = match outcome.refusal() {
        Some(GuardRefusal::SecFetchSite) => format!(
            "Sec-Fetch-Site is `{}` and {}",
            shown(SEC_FETCH_SITE).unwrap_or_default(),
            match &origin {
                Some(o) => format!("Origin `{o}` is not trusted"),
                None => "there is no Origin".to_owned(),
            }
        ),
        Some(GuardRefusal::OriginMismatch) => format!(
            "no Sec-Fetch-Site, and Origin `{}` is neither this request's own origin (Host `{}`) nor trusted",
            origin.unwrap_or_default(),
            shown(header::HOST).unwrap_or_default()
        ),
        Some(GuardRefusal::NullOrigin) => {
            "Origin is `null` (a sandboxed iframe or a `file:` page) and `null` is not trusted"
                .to_owned()
        }
        Some(GuardRefusal::MultipleOrigins) => format!(
            "{} Origin headers",
            head.headers.get_all(header::ORIGIN).count()
        ),
        None => return,
    };
    log::debug!("corsair: cross-origin protection {verb} {what}: {why}");
}

/// Fails start-up with every problem: at `error` level, or on standard error when no logger
/// would show it.
fn report_start_failure(err: &crate::ConfigError) {
    if log::log_enabled!(log::Level::Error) {
        log::error!("corsair: refusing to start: {err}");
    } else {
        eprintln!("corsair: refusing to start: {err}");
    }
}

// ---------------------------------------------------------------------------------------------
// The standalone middleware.
// ---------------------------------------------------------------------------------------------

/// The per-worker service of [`CrossOriginProtection`]. Created by `.wrap(..)`; you never build
/// it yourself.
///
/// A refused request is answered with an error whose response is `403 Forbidden`
/// (`text/plain`, "cross-origin request refused"); outer middleware sees it as an `Err`, as it
/// sees an authentication guard's. A request that passes reaches the inner service untouched,
/// and its response comes back as it was, body type included.
///
/// ```
/// use actix_web::{test, web, App, HttpResponse};
/// use corsair::CrossOriginProtection;
///
/// # actix_rt::System::new().block_on(async {
/// let app = test::init_service(
///     App::new().wrap(CrossOriginProtection::default()).route("/", web::post().to(HttpResponse::Ok)),
/// )
/// .await;
/// let req = test::TestRequest::post().insert_header(("Sec-Fetch-Site", "same-site")).to_request();
/// let err = test::try_call_service(&app, req).await.unwrap_err();
/// assert_eq!(err.error_response().status(), 403);
/// # });
/// ```
pub struct GuardMiddleware<S> {
    service: S,
    guard: Arc<Guard>,
    /// This instance's shard of the guard's counters.
    shard: Shard,
}

/// A built guard: every worker shares its rules (read only) and counts in its own shard of
/// the guard's counters.
impl<S, B> Transform<S, ServiceRequest> for CrossOriginGuard
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<B>;
    type Error = Error;
    type Transform = GuardMiddleware<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready_future(Ok(GuardMiddleware {
            service,
            guard: Arc::clone(&self.inner),
            shard: self.inner.enforcement.shard(),
        }))
    }
}

/// An unbuilt guard is built for each middleware instance when the app starts. If it is
/// invalid, every problem is reported (at `error` level, or on standard error without a
/// logger) and the app fails to start. Build it yourself to share one guard and read its
/// [`counts`](CrossOriginGuard::counts).
impl<S, B> Transform<S, ServiceRequest> for CrossOriginProtection
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<B>;
    type Error = Error;
    type Transform = GuardMiddleware<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready_future(match self.clone().build() {
            Ok(guard) => Ok(GuardMiddleware {
                service,
                shard: guard.inner.enforcement.shard(),
                guard: guard.inner,
            }),
            Err(err) => {
                report_start_failure(&err);
                Err(())
            }
        })
    }
}

impl<S, B> Service<ServiceRequest> for GuardMiddleware<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<B>;
    type Error = Error;
    type Future = Either<Ready<Result<ServiceResponse<B>, Error>>, S::Future>;

    actix_service::forward_ready!(service);

    #[inline]
    fn call(&self, req: ServiceRequest) -> Self::Future {
        if self.guard.judge(&req, &self.shard).is_refused() {
            Either::Left(ready_future(Err(Refused.into())))
        } else {
            Either::Right(self.service.call(req))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The CORS-policy form: `Cors::cross_origin_protection()`.
// ---------------------------------------------------------------------------------------------

/// True when the CORS policy `policy` lets `origin` in by a rule of its own: an exact origin,
/// a pattern, a regex, a predicate, or `null` with `allow_null_origin`. Never "any origin"
/// (a build error together with protection). `regexes`: the worker's own clone, or the
/// policy's.
fn cors_trusts(policy: &Compiled, origin: &HeaderValue, head: &RequestHead) -> bool {
    matches!(
        policy.origins.lookup(origin, head),
        Lookup::Allowed(by, _) if by != MatchedBy::Any
    )
}

/// [protection hook] The CORS middleware's one call: `Some(403)` when the policy has
/// protection on and refuses this request, before the CORS decision and the handler. A policy
/// without protection pays one load and one branch.
#[inline]
pub(crate) fn refuse(worker: &Worker, req: &ServiceRequest) -> Option<HttpResponse> {
    let enforcement = worker.protection.as_deref()?;
    if is_safe(req.head()) && !enforcement.outcome_in_extensions {
        return None;
    }
    refuse_with(worker, enforcement, req)
}

#[inline(never)]
fn refuse_with(
    worker: &Worker,
    enforcement: &Enforcement,
    req: &ServiceRequest,
) -> Option<HttpResponse> {
    let head = req.head();
    let own = own_origin(&worker.options.same_origin, head, || {
        req.app_config().secure()
    });
    let decided = decide(head, own, |o| cors_trusts(&worker.rules, o, head));
    let shard = worker
        .protection_shard
        .as_ref()
        .expect("a worker of a policy with protection has its shard");
    enforcement
        .settle(decided, req, shard)
        .is_refused()
        .then(forbidden)
}

/// [protection hook] `CorsPolicy::check`'s answer for the guard, when the policy has it on:
/// decided as the middleware would (`secure`: the described request came over TLS),
/// counting and logging nothing.
pub(crate) fn check_cors(
    rules: &Compiled,
    rollout: &Rollout,
    head: &RequestHead,
    secure: bool,
) -> Option<GuardOutcome> {
    let enforcement = rollout.protection.as_deref()?;
    let own = own_origin(&rollout.options.same_origin, head, move || secure);
    let decided = decide(head, own, |o| cors_trusts(rules, o, head));
    Some(enforcement.report(decided))
}

/// [protection hook] The build check of the CORS form: protection that would trust every
/// origin is a problem naming both calls; trusting `null` is worth a warning.
pub(crate) fn check_cors_settings(settings: &Settings, problems: &mut Vec<Problem>) {
    let protection = match settings.rollout.protection {
        None => return,
        Some(Enforce::On) => ".cross_origin_protection()",
        Some(Enforce::ReportOnly) => ".cross_origin_protection_report_only()",
    };
    match settings.any_origin {
        Any::Explicit => problems.push(Problem::ProtectionTrustsAnyOrigin {
            any: ".allow_any_origin()",
            protection,
        }),
        Any::Permissive => problems.push(Problem::ProtectionTrustsAnyOrigin {
            any: "Cors::permissive()",
            protection,
        }),
        Any::No if settings.allow_null => log::warn!(
            "corsair: `.allow_null_origin()` with `{protection}` trusts `Origin: null` for writes too; any website can send it from a sandboxed iframe, so such pages can post with your users' cookies"
        ),
        Any::No => {}
    }
}

impl crate::CorsPolicy {
    /// What this policy's cross-origin protection did, by outcome, when it is on
    /// ([`Cors::cross_origin_protection`](crate::Cors::cross_origin_protection)); `None`
    /// when it is off.
    ///
    /// ```
    /// use actix_web::{test, web, App, HttpResponse};
    /// use corsair::{Cors, GuardOutcome, GuardRefusal};
    ///
    /// # actix_rt::System::new().block_on(async {
    /// let policy = Cors::default()
    ///     .allowed_origin("https://app.example.com")
    ///     .cross_origin_protection()
    ///     .build()
    ///     .unwrap();
    /// let app = test::init_service(
    ///     App::new().wrap(policy.clone()).route("/", web::post().to(HttpResponse::Ok)),
    /// )
    /// .await;
    /// let forged = test::TestRequest::post()
    ///     .insert_header(("Origin", "https://evil.example"))
    ///     .insert_header(("Sec-Fetch-Site", "cross-site"))
    ///     .to_request();
    /// assert_eq!(test::call_service(&app, forged).await.status(), 403);
    /// let counts = policy.protection_counts().unwrap();
    /// assert_eq!(counts.get(GuardOutcome::Refused(GuardRefusal::SecFetchSite)), 1);
    /// assert_eq!(Cors::default().build().unwrap().protection_counts(), None);
    /// # });
    /// ```
    pub fn protection_counts(&self) -> Option<GuardCounts> {
        self.rollout.protection.as_deref().map(Enforcement::counts)
    }
}
