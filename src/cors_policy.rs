//! [`CorsPolicy`]: what `Cors::build` returns and `.wrap()` takes: the compiled rules
//! (`crate::policy`) beside their roll-out layer (`crate::rollout`).

use std::{fmt, sync::Arc};

use crate::{policy::Compiled, rollout::Rollout};

/// A validated, compiled CORS policy: immutable, `Clone + Send + Sync` (an `Arc` inside).
///
/// Get one from [`Cors::build`](crate::Cors::build); pass it to `.wrap()` like the builder. Build it once outside
/// `HttpServer::new` and clone it into each worker, or ask it about hypothetical requests
/// with [`check`](Self::check).
///
/// # Example
/// ```
/// use actix_web::{web, App, HttpResponse, HttpServer};
/// use corsair::Cors;
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let policy = Cors::default()
///     .allowed_origin("https://app.example.com")
///     .build()?; // every configuration problem is reported here, at start-up
///
/// let _server = HttpServer::new(move || {
///     App::new()
///         .wrap(policy.clone())
///         .route("/", web::get().to(HttpResponse::Ok))
/// });
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct CorsPolicy {
    /// The CORS rules: immutable, validated, shared by every clone; each middleware instance
    /// makes its own copy ([`Compiled::for_worker`]).
    pub(crate) rules: Arc<Compiled>,
    /// Beside the rules: the roll-out options and the outcome counters every clone shares.
    pub(crate) rollout: Rollout,
}

impl fmt::Debug for CorsPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.rules.fmt(f)
    }
}

impl CorsPolicy {
    pub(crate) fn new(rules: Compiled, rollout: Rollout) -> Self {
        CorsPolicy {
            rules: Arc::new(rules),
            rollout,
        }
    }
}
