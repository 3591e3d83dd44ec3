//! Live reconfiguration: replace the running policy of every worker without a restart.
//!
//! [`LiveCors`] holds the current policy in an [`ArcSwap`], and its report-only slot. Every
//! clone of a `LiveCors` shares that one cell and that one slot, so the clone each worker
//! wraps sees a swap made through any other clone; another `LiveCors`, even one made from a
//! clone of the same policy, has its own.
//!
//! The guarantees of a swap are listed on [`LiveCors`]. `tests/it/rollout/live_reload.rs` checks them over
//! real TCP with two workers while another thread swaps policies as fast as it can;
//! `examples/reload.rs` reloads origins from a file on an admin endpoint.

use std::{cell::RefCell, rc::Rc, sync::Arc};

use arc_swap::{ArcSwap, Cache};

use crate::{
    builder::Cors,
    cors_policy::CorsPolicy,
    error::ConfigError,
    rollout::shadow::{ShadowCounts, ShadowSlot, WorkerShadow},
    worker::{Worker, WorkerPolicy},
};

/// A CORS middleware whose policy can be replaced while the server runs.
///
/// Build the first policy, turn it into a `LiveCors` with [`CorsPolicy::live`], keep one
/// clone as the handle, and `.wrap()` a clone in every worker. Clones are cheap and share the
/// same policy.
///
/// # Guarantees
/// - **Whole policies only.** Each request loads the policy once, when the middleware first
///   sees it (a lock-free read), and keeps that snapshot until its response is done, so no
///   response mixes two policies.
/// - **In-flight requests keep their policy.** A request that started before a swap gets the
///   old policy's headers, even if its handler finishes after the swap (also on the error
///   path); requests that start after the swap get the new one.
/// - **Validate first.** A new policy is built (and so validated) with [`Cors::build`]
///   before [`LiveCors::set`] swaps it in: an invalid one is refused with every problem, and
///   the running policy stays.
/// - **No lock on the request path** and nothing to restart; a swap costs one atomic store.
/// - **Nothing shared is written per request.** Each worker keeps its own copy of the
///   running policy and, per request, only reads the shared cell to see whether it changed.
///   When a worker first sees a swap (on its next request) it makes its copy of the new
///   policy; the old copy is freed once its last request has finished, and the old policy
///   once every worker has let go of it. Swapping back and forth keeps nothing: memory and
///   counters stay bounded however often policies are swapped.
///
/// # Example
/// ```
/// use actix_web::{web, App, HttpResponse, HttpServer};
/// use corsair::{Cors, CorsRequest, LiveCors};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let live: LiveCors = Cors::default()
///     .allowed_origin("https://a.example.com")
///     .build()?
///     .live();
///
/// let handle = live.clone();
/// let _server = HttpServer::new(move || {
///     App::new()
///         .wrap(live.clone()) // every worker shares the one policy cell
///         .route("/", web::get().to(HttpResponse::Ok))
/// });
///
/// // Later, e.g. from an admin endpoint: validated first, then swapped for every worker.
/// handle.set(Cors::default().allowed_origin("https://b.example.com").build()?);
/// assert!(handle.policy().check(&CorsRequest::new("https://b.example.com")).is_allowed());
///
/// // An invalid policy is refused with every problem before anything is swapped, and the
/// // running one is kept.
/// let err = Cors::default().allowed_origin("b.example.com").max_age(100_000).build().unwrap_err();
/// assert_eq!(err.problems().len(), 2);
/// assert!(handle.policy().check(&CorsRequest::new("https://b.example.com")).is_allowed());
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct LiveCors {
    cell: Arc<ArcSwap<CorsPolicy>>,
    /// The report-only candidate slot shared by every clone of this `LiveCors` (compared by
    /// `crate::rollout::shadow`).
    shadow: Arc<ShadowSlot>,
}

impl std::fmt::Debug for LiveCors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("LiveCors").field(&self.cell.load()).finish()
    }
}

impl LiveCors {
    /// Makes `policy` the running one for requests that start from now on, in every worker.
    /// The policy is already built, so it is valid: build the new one with [`Cors::build`],
    /// which returns every problem of an invalid one while the running policy stays. Also
    /// switches between policies built in advance, or rolls back to a snapshot taken with
    /// [`policy`](Self::policy).
    ///
    /// ```standalone_crate
    /// use corsair::{Cors, CorsRequest, Problem};
    /// let live = Cors::default().allowed_origin("https://a.com").build().unwrap().live();
    /// let before = live.policy();
    ///
    /// // An invalid policy never reaches `set`: building it returns every problem.
    /// let err = Cors::default().allow_any_origin().supports_credentials().build().unwrap_err();
    /// assert_eq!(err.problems(), &[Problem::CredentialedAnyOrigin]);
    /// assert!(live.policy().check(&CorsRequest::new("https://a.com")).is_allowed()); // kept
    ///
    /// // An origin list from the environment is read when the policy is built.
    /// // SAFETY: at start-up, before the program starts a thread (this example runs alone).
    /// unsafe { std::env::set_var("DOC_RELOAD_ORIGINS", "https://b.com, https://c.com") };
    /// live.set(Cors::default().allowed_origins_from_env("DOC_RELOAD_ORIGINS").build().unwrap());
    /// assert!(live.policy().check(&CorsRequest::new("https://c.com")).is_allowed());
    /// assert!(!live.policy().check(&CorsRequest::new("https://a.com")).is_allowed());
    ///
    /// live.set(before); // roll back
    /// assert!(live.policy().check(&CorsRequest::new("https://a.com")).is_allowed());
    /// ```
    pub fn set(&self, policy: CorsPolicy) {
        self.cell.store(Arc::new(policy));
        log::info!("corsair: live policy replaced");
    }

    /// A snapshot of the running policy, e.g. to [`check`](CorsPolicy::check) a request
    /// against it, to read its [`counts`](CorsPolicy::counts), or to restore it later with
    /// [`set`](Self::set). The snapshot is a value: it does not follow later swaps. Counts
    /// belong to a policy, not to the `LiveCors`: a newly built policy made running by
    /// [`set`](Self::set) or [`promote_candidate`](Self::promote_candidate) counts from zero,
    /// and a snapshot of an older one still reads that one's counts.
    ///
    /// ```
    /// use corsair::{Cors, CorsRequest};
    /// let live = Cors::permissive().build().unwrap().live();
    /// let snapshot = live.policy();
    /// live.set(Cors::default().build().unwrap());
    /// assert!(!live.policy().check(&CorsRequest::new("https://x.org")).is_allowed());
    /// assert!(snapshot.check(&CorsRequest::new("https://x.org")).is_allowed()); // a value
    /// ```
    pub fn policy(&self) -> CorsPolicy {
        CorsPolicy::clone(&self.cell.load())
    }

    /// A handle for one worker: see [`WorkerCell`].
    pub(crate) fn worker(&self) -> WorkerCell {
        let mut cache = Cache::new(Arc::clone(&self.cell));
        let policy = Arc::clone(cache.load());
        let current = Worker::new(&policy);
        WorkerCell {
            inner: RefCell::new(WorkerState {
                cache,
                policy,
                current,
            }),
            shadow: WorkerShadow::new(Arc::clone(&self.shadow)),
        }
    }
}

/// One worker's view of a [`LiveCors`]: the per-request read is a relaxed load of the shared
/// pointer, compared with the worker's cached one; the reference handed to the request is a
/// worker-local `Rc` (a plain increment; see `crate::worker`). When a swap is first seen the
/// worker makes its copy of the new policy (and takes a counter shard in it); the old copy,
/// and its shard, go when its last request has finished.
pub(crate) struct WorkerCell {
    inner: RefCell<WorkerState>,
    /// This worker's side of the report-only slot.
    pub(crate) shadow: WorkerShadow,
}

struct WorkerState {
    cache: Cache<Arc<ArcSwap<CorsPolicy>>, Arc<CorsPolicy>>,
    /// The policy `current` is a copy of.
    policy: Arc<CorsPolicy>,
    /// The policy requests of this worker currently get.
    current: WorkerPolicy,
}

impl WorkerCell {
    /// The running policy, loaded once per request by the middleware.
    #[inline]
    pub(crate) fn current(&self) -> WorkerPolicy {
        let mut state = self.inner.borrow_mut();
        let WorkerState {
            cache,
            policy,
            current,
        } = &mut *state;
        let latest = cache.load();
        if !Arc::ptr_eq(latest, policy) {
            *policy = Arc::clone(latest);
            *current = Worker::new(policy);
        }
        Rc::clone(current)
    }
}

impl CorsPolicy {
    /// Makes this policy the running one of a new [`LiveCors`], so that it can be replaced
    /// at run time with [`LiveCors::set`]. The `LiveCors` has its own cell and its own
    /// report-only candidate slot, even when this policy is a clone of another `LiveCors`'s.
    ///
    /// ```
    /// use corsair::{Cors, CorsRequest};
    /// let live = Cors::default().allowed_origin("https://a.com").build().unwrap().live();
    /// assert!(live.policy().check(&CorsRequest::new("https://a.com")).is_allowed());
    /// ```
    pub fn live(self) -> LiveCors {
        LiveCors {
            cell: Arc::new(ArcSwap::from_pointee(self)),
            shadow: Arc::default(),
        }
    }
}

/// The report-only candidate (`crate::rollout::shadow`) and its counts.
impl LiveCors {
    /// A `LiveCors` that enforces nothing: it writes no header and refuses nothing, while
    /// another layer (actix-cors, a hand-written middleware) still enforces. Give it a
    /// candidate with [`set_candidate`](Self::set_candidate) to learn which requests that
    /// candidate would refuse; [`promote_candidate`](Self::promote_candidate) later makes it
    /// enforce. Until then it records no [`CorsOutcome`](crate::CorsOutcome) and no
    /// [`counts`](CorsPolicy::counts) of its own: only [`shadow_counts`](Self::shadow_counts).
    ///
    /// ```
    /// use corsair::{Cors, LiveCors};
    /// let live = LiveCors::observe_only();
    /// live.set_candidate(Cors::default().allowed_origin("https://app.example.com")).unwrap();
    /// assert!(live.promote_candidate());
    /// ```
    pub fn observe_only() -> LiveCors {
        // Permissive, so that its start-up summary does not announce refusals; it decides
        // nothing anyway (`rollout::complete` makes it "no CORS").
        let mut cors = Cors::permissive().disable_vary_header().disable_preflight();
        cors.settings.rollout.observe_only = true;
        let policy = cors
            .build_quietly()
            .expect("the observe-only policy is a valid policy");
        log::info!(
            "corsair: observe-only: writes no CORS header and refuses nothing until a candidate is promoted"
        );
        policy.live()
    }

    /// Validates `cors` and, if valid, runs it in report-only mode beside the enforced policy:
    /// it decides every request but never changes a response; differences are counted
    /// ([`shadow_counts`](Self::shadow_counts)) and logged (each distinct origin and
    /// difference once at `warn`, then at `debug`). An invalid candidate is refused with
    /// every problem, and nothing changes.
    ///
    /// ```
    /// use corsair::Cors;
    /// let live = Cors::permissive().build().unwrap().live();
    /// let err = live.set_candidate(Cors::default().allowed_origin("app.example.com")).unwrap_err();
    /// assert_eq!(err.problems().len(), 1);
    /// live.set_candidate(Cors::default().allowed_origin("https://app.example.com")).unwrap();
    /// ```
    pub fn set_candidate(&self, cors: Cors) -> Result<(), ConfigError> {
        let policy = cors.build()?;
        self.shadow.set((policy.rules, policy.rollout));
        log::info!("corsair: report-only candidate policy set (a new reporting window)");
        Ok(())
    }

    /// A snapshot of the report-only candidate, if any.
    ///
    /// ```
    /// use corsair::{Cors, LiveCors};
    /// let live = LiveCors::observe_only();
    /// assert!(live.candidate().is_none());
    /// ```
    pub fn candidate(&self) -> Option<CorsPolicy> {
        self.shadow
            .candidate
            .load()
            .as_ref()
            .map(|candidate| CorsPolicy {
                rules: Arc::clone(&candidate.rules),
                rollout: candidate.rollout.clone(),
            })
    }

    /// Stops running the candidate. Returns whether there was one.
    ///
    /// ```
    /// use corsair::LiveCors;
    /// assert!(!LiveCors::observe_only().clear_candidate());
    /// ```
    pub fn clear_candidate(&self) -> bool {
        self.shadow.take().is_some()
    }

    /// Makes the candidate the enforced policy for requests that start from now on (in every
    /// worker, no restart) and leaves no candidate. Returns `false`, changing nothing, when
    /// there is no candidate.
    ///
    /// ```
    /// use corsair::{Cors, CorsRequest};
    /// let live = Cors::permissive().build().unwrap().live();
    /// live.set_candidate(Cors::default().allowed_origin("https://a.com")).unwrap();
    /// assert!(live.promote_candidate());
    /// assert!(!live.policy().check(&CorsRequest::new("https://b.com")).is_allowed());
    /// ```
    pub fn promote_candidate(&self) -> bool {
        match self.shadow.take() {
            Some((rules, rollout)) => {
                self.set(CorsPolicy { rules, rollout });
                log::info!("corsair: report-only candidate promoted to enforced");
                true
            }
            None => false,
        }
    }

    /// How often the latest candidate would have decided differently (summed over every
    /// worker). Each [`set_candidate`](Self::set_candidate) starts a new window, with counts
    /// at zero; the latest window's counts stay readable after the candidate is promoted or
    /// cleared.
    ///
    /// ```
    /// use corsair::LiveCors;
    /// assert_eq!(LiveCors::observe_only().shadow_counts().differences(), 0);
    /// ```
    pub fn shadow_counts(&self) -> ShadowCounts {
        ShadowCounts::from_totals(self.shadow.totals())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swapping_back_and_forth_keeps_counters_and_copies_bounded() {
        let (a, b) = (
            Cors::default()
                .allowed_origin("https://a.example")
                .build()
                .unwrap(),
            Cors::default()
                .allowed_origin("https://b.example")
                .build()
                .unwrap(),
        );
        let live = a.clone().live();
        let workers = [live.worker(), live.worker()];
        for i in 0..100_000 {
            live.set(if i % 2 == 0 { b.clone() } else { a.clone() });
            for worker in &workers {
                drop(worker.current()); // each worker sees the swap, as its next request would
            }
        }
        // Each worker holds one copy, of the running policy; the other has no shard left.
        let (running, other) = (&a, &b); // 100,000 swaps: back on `a`
        assert_eq!(running.rollout.counters.live_shards(), 2);
        assert_eq!(other.rollout.counters.live_shards(), 0);
    }
}
