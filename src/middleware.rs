//! The actix-web glue: [`Transform`] for [`Cors`], [`CorsPolicy`] and [`LiveCors`], the
//! per-worker [`CorsMiddleware`] service, and its future [`CorsFuture`].
//!
//! Per request the service decides once (`Compiled::decide`), then either answers itself
//! (preflights, blocked requests) or calls the inner service and writes the headers on the way
//! out, on success and on error alike. No future is boxed.

use std::{
    future::Future,
    pin::Pin,
    rc::Rc,
    task::{ready, Context, Poll},
};

use actix_service::{Service, Transform};
use actix_web::{
    body::{BoxBody, EitherBody, MessageBody},
    dev::{ServiceRequest, ServiceResponse},
    http::StatusCode,
    Error, HttpResponse,
};
use futures_util::future::{ready as ready_future, Ready};
use pin_project_lite::pin_project;

use crate::{
    builder::Cors,
    cors_policy::CorsPolicy,
    diagnostics,
    policy::{RequestOrigin, Tail, Verdict},
    reload::{LiveCors, WorkerCell},
    report_once,
    rollout::{self, shadow::WorkerShadow},
    worker::{Worker, WorkerPolicy},
};

/// Where a middleware instance reads its policy from.
enum PolicyCell {
    /// Fixed for the life of the app.
    Fixed(WorkerPolicy),
    /// Swappable at run time; each request reads the policy once, when it starts. (Boxed:
    /// it is much larger than the fixed case, and made once per worker.)
    Live(Box<WorkerCell>),
}

/// The per-worker CORS service. Created by `.wrap(..)`; you never build it yourself.
///
/// ```
/// use actix_web::{test, web, App, HttpResponse};
/// use corsair::Cors;
///
/// # actix_rt::System::new().block_on(async {
/// let app = test::init_service(
///     App::new()
///         .wrap(Cors::default().allowed_origin("https://a.com"))
///         .route("/", web::get().to(HttpResponse::Ok)),
/// )
/// .await;
/// let req = test::TestRequest::get().insert_header(("Origin", "https://a.com")).to_request();
/// let res = test::call_service(&app, req).await;
/// assert_eq!(res.headers().get("access-control-allow-origin").unwrap(), "https://a.com");
/// # });
/// ```
pub struct CorsMiddleware<S> {
    service: S,
    policy: PolicyCell,
}

/// The service of one worker around `service`, given the policy cell it reads (`Err` fails
/// service construction, and with it the app's start). Shared by the three `Transform`s
/// below, which differ only in where the cell comes from.
fn new_service<S>(
    service: S,
    cell: Result<PolicyCell, ()>,
) -> Ready<Result<CorsMiddleware<S>, ()>> {
    ready_future(cell.map(|policy| CorsMiddleware { service, policy }))
}

/// A built policy: each middleware instance gets its own copy of the rules and its own shard
/// of the policy's counters.
impl<S, B> Transform<S, ServiceRequest> for CorsPolicy
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Transform = CorsMiddleware<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        new_service(service, Ok(PolicyCell::Fixed(Worker::new(self))))
    }
}

/// An unbuilt [`Cors`] given to `.wrap()` is built when the app starts, by each worker for
/// itself; its summary, or its problems, are reported once per process for equal builders
/// (see `report_once`). If it is invalid, every problem is reported (at `error` level, or on
/// standard error when no logger is installed) and the app fails to start (service
/// construction returns an error), never at request time.
impl<S, B> Transform<S, ServiceRequest> for Cors
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Transform = CorsMiddleware<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        let policy = report_once::build(self);
        new_service(
            service,
            policy.map(|policy| PolicyCell::Fixed(Worker::new(&policy))),
        )
    }
}

/// A live policy: each request reads the policy running when it starts.
impl<S, B> Transform<S, ServiceRequest> for LiveCors
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Transform = CorsMiddleware<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        new_service(service, Ok(PolicyCell::Live(Box::new(self.worker()))))
    }
}

impl<S, B> Service<ServiceRequest> for CorsMiddleware<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Future = CorsFuture<S::Future>;

    actix_service::forward_ready!(service);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        match &self.policy {
            // Borrowed: the worker's `Rc` is cloned only if the response future needs it.
            PolicyCell::Fixed(policy) => self.call_with(policy, None, req),
            PolicyCell::Live(live) => self.call_live(live, req),
        }
    }
}

impl<S, B> CorsMiddleware<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
    B: MessageBody + 'static,
{
    /// [`call_with`](Self::call_with) for a live policy: kept out of line, so that the fixed
    /// policy's path is compiled on its own.
    #[inline(never)]
    fn call_live(&self, live: &WorkerCell, req: ServiceRequest) -> CorsFuture<S::Future> {
        self.call_with(&live.current(), Some(&live.shadow), req)
    }

    #[inline(always)]
    fn call_with(
        &self,
        policy: &WorkerPolicy,
        shadow: Option<&WorkerShadow>,
        req: ServiceRequest,
    ) -> CorsFuture<S::Future> {
        // [protection hook] `Cors::cross_origin_protection()` (`src/protection/`): a refused
        // write or WebSocket handshake is answered 403 here, before CORS and the handler.
        if let Some(refused) = crate::protection::refuse(policy, &req) {
            return CorsFuture {
                state: State::Answered {
                    res: Some(req.into_response(refused)),
                },
            };
        }
        let origin = RequestOrigin::of(req.head());
        // Not a CORS request (no `Origin`): the commonest request, and the shortest path when
        // only the counter records it. Its verdict is `NoOrigin` whatever the policy, and all
        // its response gets is `Vary`.
        // (Its own `CorsFuture` below, not a shared one: a single construction site for both
        // paths measured worse, as the compiler then inlined less of the response's path.)
        if origin.is_none() && policy.record_no_origin(shadow) {
            if log::log_enabled!(log::Level::Trace) {
                log::trace!("corsair: {} {} -> NoOrigin", req.method(), req.path());
            }
            return CorsFuture {
                state: State::Inner {
                    fut: self.service.call(req),
                    policy: Rc::clone(policy),
                    tail: Some(Tail::Vary),
                },
            };
        }
        // The very decision `CorsPolicy::check` makes: the rules, then the roll-out layer
        // (the two steps of `rollout::settle`, taken here on a verdict that stays in this
        // frame: moving it into a `Settled` measured 20 to 50 instructions a request)...
        let mut verdict = policy.rules.decide_origin(req.head(), origin);
        let same_origin =
            rollout::complete(&mut verdict, &policy.options, req.head(), origin, || {
                req.app_config().secure()
            });
        // ...then what only the wire does: counters, extensions, the report-only candidate.
        policy.record(&verdict, same_origin, shadow, &req);
        // Whether a refusal (debug) or trace line can be logged is one load: skip both when
        // not (the usual case in production).
        if log::max_level() >= log::Level::Debug {
            if let Verdict::Refused { reason, preflight } = verdict {
                diagnostics::log_refusal(&policy.rules, req.head(), reason, preflight);
            } else if log::log_enabled!(log::Level::Trace) {
                log::trace!("corsair: {} {} -> {verdict:?}", req.method(), req.path());
            }
        }
        // Only what the handler's response still needs is kept while the handler runs.
        // (`forget`: `NoOrigin` holds nothing and `Refused` a `Refusal` and a `bool`, so
        // dropping either is a call to the verdict's drop glue that does nothing, which cost
        // a refused request 15 instructions. Checked at compile time: forgetting them leaks
        // nothing.)
        const _: () = assert!(!std::mem::needs_drop::<crate::policy::Refusal>());
        let tail = match verdict {
            Verdict::NoOrigin => {
                std::mem::forget(verdict);
                Tail::Vary
            }
            Verdict::Actual { origin, .. } => Tail::Allow(origin),
            // A refused actual request the handler still answers (not blocking).
            Verdict::Refused {
                preflight: false, ..
            } if !policy.rules.blocks_refused() => {
                std::mem::forget(verdict);
                Tail::Vary
            }
            ref verdict => match policy.rules.own_answer(verdict) {
                None => Tail::Vary,
                Some(status) => return answer(req, policy, verdict, status),
            },
        };
        CorsFuture {
            state: State::Inner {
                fut: self.service.call(req),
                policy: Rc::clone(policy),
                tail: Some(tail),
            },
        }
    }
}

/// The middleware's own answer to `req` (a preflight, or a blocked request): `status` and the
/// headers `verdict` calls for.
fn answer<F>(
    req: ServiceRequest,
    policy: &WorkerPolicy,
    verdict: &Verdict,
    status: StatusCode,
) -> CorsFuture<F> {
    let mut res = HttpResponse::new(status);
    policy.rules.apply(verdict, res.headers_mut());
    CorsFuture {
        state: State::Answered {
            res: Some(req.into_response(res)),
        },
    }
}

pin_project! {
    /// The response future of [`CorsMiddleware`]: either the middleware's own answer, or the
    /// inner service's response with the CORS headers added.
    pub struct CorsFuture<F> {
        #[pin]
        state: State<F>,
    }
}

pin_project! {
    #[project = StateProj]
    enum State<F> {
        Answered { res: Option<ServiceResponse<BoxBody>> },
        Inner {
            #[pin]
            fut: F,
            policy: WorkerPolicy,
            // `None` once the response is finished.
            tail: Option<Tail>,
        },
    }
}

impl<F, B> Future for CorsFuture<F>
where
    F: Future<Output = Result<ServiceResponse<B>, Error>>,
{
    type Output = Result<ServiceResponse<EitherBody<B>>, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project().state.project() {
            StateProj::Answered { res } => Poll::Ready(Ok(res
                .take()
                .expect("CorsFuture polled after completion")
                .map_into_right_body())),
            StateProj::Inner { fut, policy, tail } => {
                let mut res = match ready!(fut.poll(cx)) {
                    Ok(res) => res,
                    Err(err) => return Poll::Ready(Err(headers_on_error(err, policy, tail))),
                };
                let tail = tail.as_ref().expect("CorsFuture polled after completion");
                policy.rules.finish(tail, res.headers_mut(), &policy.vary);
                Poll::Ready(Ok(left_body(res)))
            }
        }
    }
}

/// `res` with its body as the left side of an [`EitherBody`].
///
/// The same as `res.map_into_left_body()`, taken apart and put back together by hand:
/// `map_body` hands the head to a closure, and the response was then copied once more on
/// every request the handler answers (issue 24's measurements: 67 instructions a request).
/// (The middleware's own answers keep `map_into_right_body`: the same change there cost the
/// handler's path 20 to 40 instructions, through the code generated for `poll`.)
#[inline(always)]
fn left_body<B, R>(res: ServiceResponse<B>) -> ServiceResponse<EitherBody<B, R>> {
    let (req, res) = res.into_parts();
    let (res, body) = res.into_parts();
    ServiceResponse::new(req, res.set_body(EitherBody::left(body)))
}

/// An inner middleware failed (e.g. an auth guard's 401): the error becomes a response later,
/// outside this middleware, so ask for our headers then. The error itself is untouched and
/// still downcasts to its own type.
#[cold]
#[inline(never)]
fn headers_on_error(mut err: Error, policy: &WorkerPolicy, tail: &mut Option<Tail>) -> Error {
    let tail = tail.take().expect("CorsFuture polled after completion");
    let policy = Rc::clone(policy);
    err.add_response_mapper(move |mut res| {
        policy.rules.finish(&tail, res.headers_mut(), &policy.vary);
        res
    });
    err
}

#[cfg(test)]
mod tests {
    use actix_service::fn_service;
    use actix_web::test::TestRequest;

    use super::*;
    use crate::Cors;

    #[actix_rt::test]
    async fn each_middleware_instance_answers_from_its_own_copy_of_the_policy() {
        let policy = Cors::default()
            .allowed_origin_regex(r"https://[a-z]+\.own-copy\.example")
            .build()
            .unwrap();
        let service = || {
            fn_service(|req: ServiceRequest| async {
                Ok::<_, Error>(req.into_response(HttpResponse::Ok().finish()))
            })
        };
        let (a, b) = (
            policy.new_transform(service()).await.unwrap(),
            policy.new_transform(service()).await.unwrap(),
        );
        let (PolicyCell::Fixed(wa), PolicyCell::Fixed(wb)) = (&a.policy, &b.policy) else {
            unreachable!("a built policy is fixed")
        };
        assert!(!Rc::ptr_eq(wa, wb), "two instances, two copies");
        let origin = "https://app.own-copy.example";
        for middleware in [&a, &b] {
            let req = TestRequest::get()
                .insert_header(("Origin", origin))
                .to_srv_request();
            let res = middleware.call(req).await.unwrap();
            assert_eq!(
                res.headers().get("access-control-allow-origin").unwrap(),
                origin
            );
        }
        assert_eq!(
            policy.counts().total(),
            2,
            "both counted in the policy's totals"
        );
    }
}
