//! The per-worker handle on a compiled policy: what each request of one middleware instance
//! clones and reads.
//!
//! A built policy is shared by every worker through one `Arc`, cloned once per middleware
//! instance (so once per worker and scope) when the app starts. Each request then clones only
//! the instance's own `Rc` (a plain increment of a count no other worker touches) and counts
//! its outcome in the instance's own counter shard (a relaxed load and store on a cache line
//! only this worker writes), with no thread-local lookup and no shared atomic written. Origin
//! regexes are matched with the instance's own clone of the policy's set (and of a report-only
//! candidate's), whose match caches no other worker touches.

use std::{ops::Deref, rc::Rc, sync::Arc};

use crate::{
    counters::Shard, counts, origin::regexes::OriginRegexes, outcome::CorsOutcome,
    policy::Compiled, shadow::CandidateRegexes,
};

/// One middleware instance's view of a shared policy. Dereferences to the policy.
pub(crate) struct Worker {
    policy: Arc<Compiled>,
    /// This instance's clone of the policy's origin regexes: the same compiled program, its
    /// own pool of match caches (a shared pool would be written by every worker's matches).
    pub(crate) regexes: OriginRegexes,
    /// The same for a report-only candidate, if this instance has compared with one.
    pub(crate) candidate_regexes: CandidateRegexes,
    /// This instance's outcome counters, registered with the policy's counter set (which sums
    /// every shard when read) and written only by this instance's thread.
    counts: Arc<Shard>,
}

/// What a request holds on to: the worker-local reference to [`Worker`].
pub(crate) type WorkerPolicy = Rc<Worker>;

impl Worker {
    /// A handle for one middleware instance. Registers a counter shard with the policy (a lock
    /// taken once, at start-up or when a worker first sees a swapped policy).
    pub(crate) fn new(policy: Arc<Compiled>) -> WorkerPolicy {
        let counts = policy.rollout.counters.new_shard();
        let regexes = policy.origins.regexes.clone();
        Rc::new(Worker {
            policy,
            regexes,
            candidate_regexes: CandidateRegexes::default(),
            counts,
        })
    }

    /// A handle that matches regexes with `regexes` instead of its own clone of the policy's
    /// (to show that requests use the handle's set).
    #[cfg(test)]
    pub(crate) fn with_regexes(policy: Arc<Compiled>, regexes: OriginRegexes) -> WorkerPolicy {
        let counts = policy.rollout.counters.new_shard();
        Rc::new(Worker {
            policy,
            regexes,
            candidate_regexes: CandidateRegexes::default(),
            counts,
        })
    }

    /// Counts `outcome` in this instance's shard: one increment, no lookup.
    #[inline]
    pub(crate) fn count(&self, outcome: CorsOutcome) {
        counts::record(&self.counts, outcome);
    }

    /// The shared policy (to compare with a swapped one).
    pub(crate) fn shared(&self) -> &Arc<Compiled> {
        &self.policy
    }
}

impl Deref for Worker {
    type Target = Compiled;

    #[inline]
    fn deref(&self) -> &Compiled {
        &self.policy
    }
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;
    use crate::Cors;

    #[test]
    fn a_worker_matches_regexes_with_its_own_clone_and_decides_the_same() {
        let policy = Cors::default()
            .allowed_origin_regex(r"https://[a-z]+\.regex-worker\.example")
            .build()
            .unwrap();
        let worker = Worker::new(Arc::clone(&policy.inner));
        assert_eq!(worker.regexes.len(), 1);
        assert!(!std::ptr::eq(
            &worker.regexes,
            &policy.inner.origins.regexes
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
                worker.decide_with(req.head(), &worker.regexes),
                policy.inner.decide(req.head()),
                "{origin}"
            );
        }
    }
}
