//! The per-worker handle on a compiled policy: what each request of one middleware instance
//! clones and reads.
//!
//! A built policy is shared by every worker through one `Arc`, cloned once per middleware
//! instance (so once per worker and scope) when the app starts. Each request then clones only
//! the instance's own `Rc` (a plain increment of a count no other worker touches) and counts
//! its outcome in the instance's own counter shard (a relaxed load and store on a cache line
//! only this worker writes), with no thread-local lookup and no shared atomic written.

use std::{ops::Deref, rc::Rc, sync::Arc};

use crate::{counters::Shard, counts, outcome::CorsOutcome, policy::Compiled};

/// One middleware instance's view of a shared policy. Dereferences to the policy.
pub(crate) struct Worker {
    policy: Arc<Compiled>,
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
        Rc::new(Worker { policy, counts })
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
