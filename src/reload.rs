//! Live reconfiguration: replace the running policy of every worker without a restart.
//!
//! [`LiveCors`] holds the current policy in an [`ArcSwap`]. Every clone of a `LiveCors` shares
//! that one cell, so the clone each worker wraps sees a swap made through any other clone.
//!
//! The guarantees of a swap are listed on [`LiveCors`]. `tests/it/rollout/live_reload.rs` checks them over
//! real TCP with two workers while another thread swaps policies as fast as it can;
//! `examples/reload.rs` reloads origins from a file on an admin endpoint.

use std::{
    cell::RefCell,
    rc::Rc,
    sync::{atomic::Ordering::Relaxed, Arc},
};

use arc_swap::{ArcSwap, Cache};

use crate::{
    builder::Cors,
    counts::CorsCounts,
    error::ConfigError,
    policy::{Compiled, CorsPolicy, ShadowSlot},
    shadow::ShadowCounts,
    worker::{Worker, WorkerPolicy},
};

/// A CORS middleware whose policy can be replaced while the server runs.
///
/// Build the first policy, turn it into a `LiveCors` ([`CorsPolicy::live`] or
/// [`LiveCors::new`]), keep one clone as the handle, and `.wrap()` a clone in every worker.
/// Clones are cheap and share the same policy.
///
/// # Guarantees
/// - **Whole policies only.** Each request loads the policy once, when the middleware first
///   sees it (a lock-free read), and keeps that snapshot until its response is done, so no
///   response mixes two policies.
/// - **In-flight requests keep their policy.** A request that started before a swap gets the
///   old policy's headers, even if its handler finishes after the swap (also on the error
///   path); requests that start after the swap get the new one.
/// - **Validate first.** [`LiveCors::replace`] builds the new policy and swaps only if it is
///   valid; otherwise it returns every problem and the running policy stays.
/// - **No lock on the request path** and nothing to restart; a swap costs one atomic store.
/// - **Nothing shared is written per request.** Each worker keeps its own cached reference
///   and, per request, only reads the shared cell to see whether it changed (no reference
///   count shared between workers is touched unless a swap happened). The old policy is freed
///   once its last request has finished and every worker has seen the swap (on its next
///   request). The header values it sends are kept apart, for the life of the process: each
///   distinct text (an origin, a joined method list) is stored once, so reloading the same
///   values stores nothing new, and is never freed; after about 130,000 distinct texts
///   (16 MiB counted), new values are reference-counted instead (a warning says so once).
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
/// handle.replace(Cors::default().allowed_origin("https://b.example.com"))?;
/// assert!(handle.policy().check(&CorsRequest::new("https://b.example.com")).is_allowed());
///
/// // An invalid policy is refused with every problem, and the running one is kept.
/// let err = handle
///     .replace(Cors::default().allowed_origin("b.example.com").max_age(100_000))
///     .unwrap_err();
/// assert_eq!(err.problems().len(), 2);
/// assert!(handle.policy().check(&CorsRequest::new("https://b.example.com")).is_allowed());
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct LiveCors {
    cell: Arc<ArcSwap<Compiled>>,
    /// [rollout hook] The report-only candidate slot shared by every clone (compared by
    /// `src/shadow.rs`).
    shadow: Arc<ShadowSlot>,
}

impl std::fmt::Debug for LiveCors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("LiveCors").field(&self.cell.load()).finish()
    }
}

impl LiveCors {
    /// Starts with `policy`.
    ///
    /// ```
    /// use corsair::{Cors, LiveCors};
    /// let live = LiveCors::new(Cors::default().build().unwrap());
    /// # drop(live);
    /// ```
    pub fn new(policy: CorsPolicy) -> Self {
        let shadow = ShadowSlot::attached_to(&policy.inner); // [rollout hook]
        LiveCors {
            cell: Arc::new(ArcSwap::new(policy.inner)),
            shadow,
        }
    }

    /// Validates `cors` and, only if it is valid, makes it the running policy for requests
    /// that start from now on (in every worker). On error nothing changes and the error lists
    /// every problem, as [`Cors::build`] does.
    ///
    /// ```standalone_crate
    /// use corsair::{Cors, CorsRequest, LiveCors, Problem};
    /// let live = LiveCors::new(Cors::default().allowed_origin("https://a.com").build().unwrap());
    ///
    /// let err = live.replace(Cors::default().allow_any_origin().supports_credentials()).unwrap_err();
    /// assert_eq!(err.problems(), &[Problem::CredentialedAnyOrigin]);
    /// assert!(live.policy().check(&CorsRequest::new("https://a.com")).is_allowed()); // kept
    ///
    /// // SAFETY: at start-up, before the program starts a thread (this example runs alone).
    /// unsafe { std::env::set_var("DOC_RELOAD_ORIGINS", "https://b.com, https://c.com") };
    /// live.replace(Cors::default().allowed_origins_from_env("DOC_RELOAD_ORIGINS")).unwrap();
    /// assert!(live.policy().check(&CorsRequest::new("https://c.com")).is_allowed());
    /// ```
    pub fn replace(&self, cors: Cors) -> Result<(), ConfigError> {
        let policy = cors.build()?;
        self.set(policy);
        Ok(())
    }

    /// Makes an already built policy the running one for requests that start from now on.
    /// Useful to switch between policies built (and validated) in advance, or to roll back to
    /// a snapshot taken with [`policy`](Self::policy).
    ///
    /// ```
    /// use corsair::{Cors, LiveCors};
    /// let live = LiveCors::new(Cors::default().build().unwrap());
    /// live.set(Cors::permissive().build().unwrap());
    /// ```
    pub fn set(&self, policy: CorsPolicy) {
        self.shadow.attach(&policy.inner); // [rollout hook]
        self.cell.store(policy.inner);
        log::info!("corsair: live policy replaced");
    }

    /// A snapshot of the running policy, e.g. to [`check`](CorsPolicy::check) a request
    /// against it or to restore it later with [`set`](Self::set). The snapshot is a value: it
    /// does not follow later swaps.
    ///
    /// ```
    /// use corsair::{Cors, CorsRequest, LiveCors};
    /// let live = LiveCors::new(Cors::permissive().build().unwrap());
    /// assert!(live.policy().check(&CorsRequest::new("https://x.org")).is_allowed());
    /// ```
    pub fn policy(&self) -> CorsPolicy {
        CorsPolicy {
            inner: self.current(),
        }
    }

    /// The running policy.
    pub(crate) fn current(&self) -> Arc<Compiled> {
        self.cell.load_full()
    }

    /// A handle for one worker: see [`WorkerCell`].
    pub(crate) fn worker(&self) -> WorkerCell {
        let mut cache = Cache::new(Arc::clone(&self.cell));
        let current = Worker::new(Arc::clone(cache.load()));
        WorkerCell {
            inner: RefCell::new(WorkerState { cache, current }),
        }
    }
}

/// One worker's view of a [`LiveCors`]: the per-request read is a relaxed load of the shared
/// pointer, compared with the worker's cached one; the reference handed to the request is a
/// worker-local `Rc` (a plain increment; see `crate::worker`). The shared `Arc` count is
/// touched only when a swap is first seen (with a new counter shard for the new policy).
pub(crate) struct WorkerCell {
    inner: RefCell<WorkerState>,
}

struct WorkerState {
    cache: Cache<Arc<ArcSwap<Compiled>>, Arc<Compiled>>,
    /// The policy requests of this worker currently get.
    current: WorkerPolicy,
}

impl WorkerCell {
    /// The running policy, loaded once per request by the middleware.
    #[inline]
    pub(crate) fn current(&self) -> WorkerPolicy {
        let mut state = self.inner.borrow_mut();
        let WorkerState { cache, current } = &mut *state;
        let latest = cache.load();
        if !Arc::ptr_eq(latest, current.shared()) {
            *current = Worker::new(Arc::clone(latest));
        }
        Rc::clone(current)
    }
}

impl CorsPolicy {
    /// Wraps this policy in a [`LiveCors`] so it can be replaced at run time (same as
    /// [`LiveCors::new`]).
    ///
    /// ```
    /// use corsair::Cors;
    /// let live = Cors::default().build().unwrap().live();
    /// # drop(live);
    /// ```
    pub fn live(self) -> LiveCors {
        LiveCors::new(self)
    }
}

/// [rollout hook] The report-only candidate (`src/shadow.rs`) and the outcome counts.
impl LiveCors {
    /// A `LiveCors` that enforces nothing: it writes no header and refuses nothing, while
    /// another layer (actix-cors, a hand-written middleware) still enforces. Give it a
    /// candidate with [`set_candidate`](Self::set_candidate) to learn which requests that
    /// candidate would refuse; [`promote_candidate`](Self::promote_candidate) later makes it
    /// enforce. Until then it records no [`CorsOutcome`](crate::CorsOutcome) and no
    /// [`counts`](Self::counts) of its own: only [`shadow_counts`](Self::shadow_counts).
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
            .build()
            .expect("the observe-only policy is a valid policy");
        log::info!(
            "corsair: observe-only: writes no CORS header and refuses nothing until a candidate is promoted"
        );
        LiveCors::new(policy)
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
        self.shadow.candidate.store(Some(policy.inner));
        self.shadow.active.store(true, Relaxed);
        log::info!("corsair: report-only candidate policy set");
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
            .load_full()
            .map(|inner| CorsPolicy { inner })
    }

    /// Stops running the candidate. Returns whether there was one.
    ///
    /// ```
    /// use corsair::LiveCors;
    /// assert!(!LiveCors::observe_only().clear_candidate());
    /// ```
    pub fn clear_candidate(&self) -> bool {
        self.shadow.active.store(false, Relaxed);
        self.shadow.candidate.swap(None).is_some()
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
        self.shadow.active.store(false, Relaxed);
        match self.shadow.candidate.swap(None) {
            Some(inner) => {
                self.set(CorsPolicy { inner });
                log::info!("corsair: report-only candidate promoted to enforced");
                true
            }
            None => false,
        }
    }

    /// How often the candidates run so far would have decided differently (summed over every
    /// worker; kept across candidates and promotions).
    ///
    /// ```
    /// use corsair::LiveCors;
    /// assert_eq!(LiveCors::observe_only().shadow_counts().differences(), 0);
    /// ```
    pub fn shadow_counts(&self) -> ShadowCounts {
        ShadowCounts::from_totals(self.shadow.counters.totals())
    }

    /// The counts of the running policy (each policy set with [`replace`](Self::replace),
    /// [`set`](Self::set) or [`promote_candidate`](Self::promote_candidate) starts at zero;
    /// keep a [`policy`](Self::policy) snapshot to read an older one).
    ///
    /// ```
    /// use corsair::Cors;
    /// let live = Cors::default().build().unwrap().live();
    /// assert_eq!(live.counts().total(), 0);
    /// ```
    pub fn counts(&self) -> CorsCounts {
        self.policy().counts()
    }
}
