//! The roll-out layer, beside the policy: same-origin requests, observe-only mode, the
//! outcome counters, the verdict in the request's extensions, and the report-only candidate
//! ([`shadow`]).
//!
//! A compiled policy (`crate::policy::Compiled`) decides what the CORS rules say. This layer
//! completes that verdict with what the roll-out options say ([`complete`]; [`settle`] is
//! the two steps together). [`CorsPolicy::check`](crate::CorsPolicy::check) calls [`settle`]
//! and the middleware takes the same two steps on a verdict it keeps in place, so `check`
//! answers exactly what the wire shows, whatever the options. Only the middleware then
//! records what it decided ([`Worker::record`](crate::worker::Worker::record)): counters,
//! extensions and the candidate's comparison are side effects `check` does not have.

pub(crate) mod shadow;

use std::sync::Arc;

use actix_web::{dev::RequestHead, http::header::HeaderValue};

use crate::{
    counters::Counters,
    policy::{Compiled, Refusal, RequestOrigin, Verdict},
    same_origin,
    settings::RolloutOptions,
};

/// What a [`CorsPolicy`](crate::CorsPolicy) carries beside its rules: the roll-out options
/// and the outcome counters, shared by every clone of the policy (each middleware instance
/// counts in its own shard of them).
#[derive(Clone, Default)]
pub(crate) struct Rollout {
    pub(crate) options: Arc<RolloutOptions>,
    pub(crate) counters: Counters,
    /// [protection hook] `Cors::cross_origin_protection(_report_only)`: its mode and counters
    /// (`src/protection/`), when on; shared by every clone and worker of the policy.
    pub(crate) protection: Option<Arc<crate::protection::Enforcement>>,
}

impl Rollout {
    pub(crate) fn new(options: RolloutOptions) -> Self {
        let protection = options.protection.map(|mode| {
            Arc::new(crate::protection::Enforcement::new(
                mode,
                options.outcome_in_extensions,
            ))
        });
        Rollout {
            options: Arc::new(options),
            counters: Counters::new(),
            protection,
        }
    }
}

/// A request's verdict once the roll-out layer has completed it.
#[derive(Debug)]
pub(crate) struct Settled {
    /// What the response gets: `NoOrigin` (no `Access-Control-Allow-*`) for a same-origin
    /// request or under observe-only.
    pub(crate) verdict: Verdict,
    /// The request's `Origin` is its own origin: not a CORS request.
    pub(crate) same_origin: bool,
}

/// The verdict of `rules` for `head`, whose `Origin` is `origin` (`RequestOrigin::of(head)`), completed by `options`: a same-origin request (judged
/// with `secure`, whether the request reached this server over TLS; asked only when needed)
/// is not CORS, and an observe-only policy decides nothing.
///
/// The usual case (not same-origin, not observe-only) costs the policy's decision plus the
/// same-origin test of a request whose `Origin` could be the request's own.
#[inline]
pub(crate) fn settle(
    rules: &Compiled,
    options: &RolloutOptions,
    head: &RequestHead,
    origin: Option<RequestOrigin<'_>>,
    secure: impl FnOnce() -> bool,
) -> Settled {
    let mut verdict = rules.decide_origin(head, origin);
    let same_origin = complete(&mut verdict, options, head, origin, secure);
    Settled {
        verdict,
        same_origin,
    }
}

/// The roll-out layer's part of [`settle`], on a `verdict` the rules gave for `head`, whose
/// `Origin` is `origin`: resets it in place to `NoOrigin` for a same-origin request or under
/// observe-only, and returns whether the request is same-origin.
#[inline(always)]
pub(crate) fn complete(
    verdict: &mut Verdict,
    options: &RolloutOptions,
    head: &RequestHead,
    origin: Option<RequestOrigin<'_>>,
    secure: impl FnOnce() -> bool,
) -> bool {
    let same_origin =
        origin.is_some_and(|origin| is_same_origin(verdict, origin.value, options, head, secure));
    if same_origin || options.observe_only {
        // A same-origin request, or any under observe-only: no `Access-Control-Allow-*`;
        // only `Vary: Origin` (the answer differs for other origins), which an observe-only
        // policy has switched off.
        *verdict = Verdict::NoOrigin;
    }
    same_origin
}

/// Same origin: an actual request (browsers never preflight same-origin requests) whose one
/// `Origin` (`origin`, as deciding found it) is the request's own origin. Judged after
/// deciding, so that the headers already looked up are not looked up again.
#[inline(always)]
fn is_same_origin(
    decided: &Verdict,
    origin: &HeaderValue,
    options: &RolloutOptions,
    head: &RequestHead,
    secure: impl FnOnce() -> bool,
) -> bool {
    let rule = &options.same_origin;
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
        // Decided on the request's one `Origin` (several are refused above).
        Verdict::Actual { .. } | Verdict::Refused { .. } => {
            same_origin::is_own_origin(origin.as_bytes(), rule, head, secure)
        }
    }
}
