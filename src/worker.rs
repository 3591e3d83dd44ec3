//! What one middleware instance owns: its own copy of the policy's rules, its shard of the
//! policy's counters, and its memory of `Vary` merges.
//!
//! actix-web builds one middleware instance per worker (and per scope that wraps the
//! policy), on that worker's thread. Each instance gets a [`Worker`]: the rules copied for it
//! (header values in buffers of its own, origin regexes with their own match caches; see
//! `Compiled::for_worker`), so a request reads and writes nothing another worker touches.
//! Each request then clones the instance's `Rc` (a plain increment) and counts its outcome
//! in the instance's own [`Shard`] (a relaxed load and store on a cache line only this
//! instance writes), which is folded into the policy's totals when the instance lets go of it.

use std::{rc::Rc, sync::Arc};

use actix_web::{dev::ServiceRequest, HttpMessage};

use crate::{
    cors_policy::CorsPolicy,
    counters::Shard,
    counts,
    outcome::CorsOutcome,
    policy::{Compiled, Verdict},
    rollout::shadow::WorkerShadow,
    settings::RolloutOptions,
    vary::VaryCache,
};

/// One middleware instance's copy of a policy (see the [module docs](self)).
pub(crate) struct Worker {
    /// This instance's own copy of the rules.
    pub(crate) rules: Compiled,
    pub(crate) options: Arc<RolloutOptions>,
    /// [protection hook] The policy's cross-origin protection, when on (`src/protection/`).
    pub(crate) protection: Option<Arc<crate::protection::Enforcement>>,
    /// This instance's shard of the protection's counters (with `protection`).
    pub(crate) protection_shard: Option<Shard>,
    /// This instance's outcome counters in the policy's counter set.
    counts: Shard,
    /// This instance's memory of `Vary` merges.
    pub(crate) vary: VaryCache,
    /// Neither observe-only nor the outcome in extensions: recording a request without a
    /// report-only candidate is one counter increment.
    counts_only: bool,
}

/// What a request holds on to: the worker-local reference to [`Worker`].
pub(crate) type WorkerPolicy = Rc<Worker>;

impl Worker {
    /// A copy of `policy` for one middleware instance (made at start-up, or when a worker
    /// first sees a swapped policy): copies the rules and takes a counter shard (one lock).
    pub(crate) fn new(policy: &CorsPolicy) -> WorkerPolicy {
        Rc::new(Worker {
            rules: policy.rules.for_worker(),
            options: Arc::clone(&policy.rollout.options),
            protection: policy.rollout.protection.clone(),
            protection_shard: policy.rollout.protection.as_deref().map(|p| p.shard()),
            counts: policy.rollout.counters.shard(),
            vary: VaryCache::default(),
            counts_only: !policy.rollout.options.observe_only
                && !policy.rollout.options.outcome_in_extensions,
        })
    }

    /// Records what the middleware decided (`verdict`, and whether `req` is `same_origin`):
    /// the outcome counters, the outcome in the request's extensions if asked, and the
    /// report-only comparison if this instance runs inside a [`LiveCors`](crate::LiveCors)
    /// (`shadow`). `check` does none of this: it only decides.
    ///
    /// The usual case (no report-only candidate, not observe-only, no outcome in extensions,
    /// not same-origin) costs one counter increment.
    #[inline]
    pub(crate) fn record(
        &self,
        verdict: &Verdict,
        same_origin: bool,
        shadow: Option<&WorkerShadow>,
        req: &ServiceRequest,
    ) {
        if same_origin || !self.counts_only || shadow.is_some_and(WorkerShadow::needs_a_look) {
            self.record_with_options(verdict, same_origin, shadow, req);
            return;
        }
        counts::record(&self.counts, CorsOutcome::from_verdict(verdict));
    }

    /// [`record`](Self::record) for a request without `Origin` (verdict `NoOrigin`, never
    /// same-origin), if recording it is one counter increment: `false`, having recorded
    /// nothing, when an option or a report-only candidate needs the whole verdict.
    #[inline]
    pub(crate) fn record_no_origin(&self, shadow: Option<&WorkerShadow>) -> bool {
        if !self.counts_only || shadow.is_some_and(WorkerShadow::needs_a_look) {
            return false;
        }
        counts::record(&self.counts, CorsOutcome::NotCors);
        true
    }

    /// [`record`](Self::record) for a same-origin request, or with a report-only candidate,
    /// observe-only mode or the outcome in extensions.
    #[cold]
    #[inline(never)]
    fn record_with_options(
        &self,
        verdict: &Verdict,
        same_origin: bool,
        shadow: Option<&WorkerShadow>,
        req: &ServiceRequest,
    ) {
        let options = &*self.options;
        if let Some(shadow) = shadow {
            let enforced = (!options.observe_only).then_some((&self.rules, verdict));
            shadow.observe(enforced, same_origin, req.head());
        }
        if options.observe_only {
            return;
        }
        let outcome = if same_origin {
            CorsOutcome::SameOrigin
        } else {
            CorsOutcome::from_verdict(verdict)
        };
        counts::record(&self.counts, outcome);
        if options.outcome_in_extensions {
            req.extensions_mut().insert(outcome);
        }
    }
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;
    use crate::Cors;

    #[test]
    fn a_workers_copy_decides_like_the_policy_with_regexes_of_its_own() {
        let policy = Cors::default()
            .allowed_origin_regex(r"https://[a-z]+\.regex-worker\.example")
            .build()
            .unwrap();
        let worker = Worker::new(&policy);
        assert!(!std::ptr::eq(
            &worker.rules.origins.regexes,
            &policy.rules.origins.regexes
        ));
        for origin in [
            "https://app.regex-worker.example",
            "https://app.regex-worker.example.evil",
            "https://regex-worker.example",
        ] {
            let req = TestRequest::get()
                .insert_header(("Origin", origin))
                .to_srv_request();
            assert_eq!(
                worker.rules.decide(req.head()),
                policy.rules.decide(req.head()),
                "{origin}"
            );
        }
    }

    #[test]
    fn a_workers_echoed_values_are_its_own_buffers() {
        let policy = Cors::default()
            .allowed_origin("https://own-buffer.example")
            .max_age(60)
            .build()
            .unwrap();
        let worker = Worker::new(&policy);
        let shared = policy.rules.max_age.as_ref().unwrap();
        let own = worker.rules.max_age.as_ref().unwrap();
        assert_eq!(own, shared);
        assert_ne!(own.as_bytes().as_ptr(), shared.as_bytes().as_ptr());
    }

    #[test]
    fn counts_stay_bounded_however_often_workers_are_made_and_dropped() {
        let policy = Cors::default().build().unwrap();
        for _ in 0..100_000 {
            drop(Worker::new(&policy));
        }
        assert_eq!(policy.rollout.counters.live_shards(), 0);
    }
}
