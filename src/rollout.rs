//! The one place the middleware calls for a decision: same-origin requests, the outcome
//! counters, the verdict in the request's extensions, and the report-only candidate.
//!
//! Kept apart from `middleware.rs` and `policy.rs` so those files only carry a hook:
//! `CorsMiddleware::call` calls [`complete`] on the verdict of `Compiled::decide`.

use actix_web::{dev::ServiceRequest, HttpMessage};

use crate::{
    outcome::CorsOutcome,
    policy::{AllowOrigin, Compiled, Refusal, Verdict},
    same_origin::{self, SameOriginRule},
    shadow,
    worker::Worker,
};

/// Completes the middleware's decision `verdict` (from `Compiled::decide`, for `req`), in
/// place: same-origin requests, counters (in the worker's own shard), the outcome in
/// extensions (if asked) and the report-only candidate (if any).
///
/// The usual case (no report-only candidate, not observe-only, no outcome in extensions, not
/// same-origin) costs one match and one counter increment, plus the same-origin test of a
/// request whose `Origin` could be the request's own. The verdict is changed in place rather
/// than returned, so that it is never moved.
#[inline]
pub(crate) fn complete(worker: &Worker, req: &ServiceRequest, verdict: &mut Verdict) {
    let rollout = &worker.rollout;
    let same_origin = is_same_origin(verdict, &rollout.options.same_origin, req);
    if same_origin
        || rollout.options.observe_only
        || rollout.options.outcome_in_extensions
        || rollout.shadow.get().is_some()
    {
        complete_with_options(worker, req, verdict, same_origin);
        return;
    }
    worker.count(CorsOutcome::from_verdict(verdict));
}

/// Same origin: an actual request (browsers never preflight same-origin requests) whose one
/// `Origin` is the request's own origin. Judged after deciding, so that the headers already
/// looked up are not looked up again.
#[inline]
fn is_same_origin(decided: &Verdict, trusted: &SameOriginRule, req: &ServiceRequest) -> bool {
    match decided {
        Verdict::NoOrigin
        | Verdict::Preflight { .. }
        | Verdict::Refused {
            preflight: true, ..
        }
        | Verdict::Refused {
            reason: Refusal::MultipleOrigins,
            ..
        } => false,
        // The echoed value is the request's `Origin`, byte for byte.
        Verdict::Actual {
            origin: AllowOrigin::Echo(origin),
            ..
        } => same_origin::is_own_origin(origin.as_bytes(), trusted, req),
        // The refusal was decided on the request's one `Origin` (several are refused above).
        _ => req
            .head()
            .headers
            .get(actix_web::http::header::ORIGIN)
            .is_some_and(|origin| same_origin::is_own_origin(origin.as_bytes(), trusted, req)),
    }
}

/// [`complete`] for a same-origin request, or with a report-only candidate, observe-only mode
/// or the outcome in extensions.
#[cold]
#[inline(never)]
fn complete_with_options(
    worker: &Worker,
    req: &ServiceRequest,
    verdict: &mut Verdict,
    same_origin: bool,
) {
    let policy: &Compiled = worker;
    let options = &policy.rollout.options;
    if same_origin || options.observe_only {
        // `NoOrigin`: no `Access-Control-Allow-*`; only `Vary: Origin` (the answer differs
        // for other origins), which an observe-only policy has switched off.
        *verdict = Verdict::NoOrigin;
    }
    if let Some(slot) = policy.rollout.shadow.get() {
        let enforced = (!options.observe_only).then_some((policy, &*verdict));
        shadow::observe(slot, &worker.candidate_regexes, enforced, same_origin, req);
    }
    if options.observe_only {
        return;
    }
    let outcome = if same_origin {
        CorsOutcome::SameOrigin
    } else {
        CorsOutcome::from_verdict(verdict)
    };
    worker.count(outcome);
    if options.outcome_in_extensions {
        req.extensions_mut().insert(outcome);
    }
}
