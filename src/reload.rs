//! Live reconfiguration: replace the running policy of every worker without a restart.
//!
//! [`LiveCors`] holds the current policy in an [`ArcSwap`]. Each request loads it once when
//! it starts (a lock-free read) and keeps that snapshot until its response is done, so a
//! request never sees half of one policy and half of another. Replacing validates first; a
//! policy with problems is refused and the running one stays.

use std::sync::Arc;

use arc_swap::ArcSwap;

use crate::{builder::Cors, error::ConfigError, policy::Compiled, policy::CorsPolicy};

/// A CORS middleware whose policy can be replaced while the server runs.
///
/// Clones share the same policy: keep one clone as the handle, pass another to `.wrap()`
/// in every worker.
///
/// # Example
/// ```
/// use actix_web::{web, App, HttpResponse};
/// use corsair::{Cors, CorsRequest, LiveCors};
///
/// let live = LiveCors::new(Cors::default().allowed_origin("https://a.example.com").build().unwrap());
/// let handle = live.clone();
/// let _app = App::new().wrap(live).route("/", web::get().to(HttpResponse::Ok));
///
/// // Later, e.g. from an admin endpoint or a signal handler:
/// handle.replace(Cors::default().allowed_origin("https://b.example.com")).unwrap();
/// assert!(handle.policy().check(&CorsRequest::new("https://b.example.com")).is_allowed());
///
/// // An invalid policy is refused and the running one is kept.
/// assert!(handle.replace(Cors::default().allowed_origin("b.example.com")).is_err());
/// assert!(handle.policy().check(&CorsRequest::new("https://b.example.com")).is_allowed());
/// ```
#[derive(Clone)]
pub struct LiveCors {
    cell: Arc<ArcSwap<Compiled>>,
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
        LiveCors {
            cell: Arc::new(ArcSwap::new(policy.inner)),
        }
    }

    /// Validates `cors` and, only if it is valid, makes it the running policy for requests
    /// that start from now on. On error the running policy is untouched.
    ///
    /// ```
    /// use corsair::{Cors, LiveCors};
    /// let live = LiveCors::new(Cors::default().build().unwrap());
    /// let err = live.replace(Cors::default().allow_any_origin().supports_credentials()).unwrap_err();
    /// assert_eq!(err.problems().len(), 1);
    /// ```
    pub fn replace(&self, cors: Cors) -> Result<(), ConfigError> {
        let policy = cors.build()?;
        self.set(policy);
        Ok(())
    }

    /// Makes an already built policy the running one.
    ///
    /// ```
    /// use corsair::{Cors, LiveCors};
    /// let live = LiveCors::new(Cors::default().build().unwrap());
    /// live.set(Cors::permissive().build().unwrap());
    /// ```
    pub fn set(&self, policy: CorsPolicy) {
        self.cell.store(policy.inner);
        log::info!("corsair: live policy replaced");
    }

    /// The running policy, e.g. to [`check`](CorsPolicy::check) a request against it.
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

    pub(crate) fn current(&self) -> Arc<Compiled> {
        self.cell.load_full()
    }
}

impl CorsPolicy {
    /// Wraps this policy in a [`LiveCors`] so it can be replaced at run time.
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
