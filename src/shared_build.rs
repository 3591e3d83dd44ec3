//! Building an unbuilt [`Cors`] given to `.wrap()` once per process, not once per worker.
//!
//! `HttpServer::new` runs its closure in every worker, so each worker records its own,
//! equal, builder. Building each one would compile every regex N times, log the policy
//! summary N times and keep N copies of the policy. Instead the first worker builds, and the
//! others find an equal builder in a small process-wide memo and share its compiled policy.
//!
//! - **Equality** is on everything the builder recorded (origins with their sources, methods,
//!   headers, flags, problems found while recording). Builders with an
//!   [`allowed_origin_fn`](Cors::allowed_origin_fn) predicate cannot be compared (two closures
//!   are never known to be equal), so they are built per worker, as before.
//! - **Lifetime:** the memo holds a weak reference to each compiled policy: once every app
//!   using it is gone, the next equal builder is built (and summarised) afresh.
//! - **Failures** are remembered too (for the rest of the process), so an invalid builder's
//!   problems are reported once, not once per worker: at `error` level through `log`, or on
//!   standard error when no logger would show them (no logger installed, or `error` filtered
//!   out), so a user without a logger still sees every problem.

use std::sync::{Arc, Mutex, Weak};

use crate::{builder::Cors, policy::Compiled, settings::Settings};

/// At most this many remembered failures (each one a rejected builder); older ones are
/// forgotten first.
const MAX_FAILURES: usize = 16;

enum Outcome {
    Built(Weak<Compiled>),
    Failed,
}

struct Entry {
    cors: Cors,
    outcome: Outcome,
}

static MEMO: Mutex<Vec<Entry>> = Mutex::new(Vec::new());

/// The compiled policy of `cors`, shared with every equal builder built before it while that
/// policy is still in use. `Err(())` once its problems have been reported.
pub(crate) fn build(cors: &Cors) -> Result<Arc<Compiled>, ()> {
    if !comparable(cors) {
        return build_and_report(cors);
    }
    // Held while building, so the other workers wait for the one build instead of repeating it.
    let mut memo = MEMO.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    memo.retain(|e| match &e.outcome {
        Outcome::Built(weak) => weak.strong_count() > 0,
        Outcome::Failed => true,
    });
    if let Some(entry) = memo.iter().find(|e| same_settings(&e.cors, cors)) {
        match &entry.outcome {
            Outcome::Built(weak) => {
                if let Some(policy) = weak.upgrade() {
                    return Ok(policy);
                }
            }
            Outcome::Failed => return Err(()),
        }
    }
    let result = build_and_report(cors);
    let outcome = match &result {
        Ok(policy) => Outcome::Built(Arc::downgrade(policy)),
        Err(()) => {
            let failures = memo
                .iter()
                .filter(|e| matches!(e.outcome, Outcome::Failed))
                .count();
            if failures >= MAX_FAILURES {
                if let Some(oldest) = memo
                    .iter()
                    .position(|e| matches!(e.outcome, Outcome::Failed))
                {
                    memo.remove(oldest);
                }
            }
            Outcome::Failed
        }
    };
    memo.push(Entry {
        cors: cors.clone(),
        outcome,
    });
    result
}

fn build_and_report(cors: &Cors) -> Result<Arc<Compiled>, ()> {
    match cors.clone().build() {
        Ok(policy) => Ok(policy.inner),
        Err(err) => {
            if log::log_enabled!(log::Level::Error) {
                log::error!("corsair: refusing to start: {err}");
            } else {
                // No logger would show it: the user must still learn why the app won't start.
                eprintln!("corsair: refusing to start: {err}");
            }
            Err(())
        }
    }
}

/// Whether equality of two builders can be decided (no closures inside).
fn comparable(cors: &Cors) -> bool {
    cors.settings.predicates.is_empty()
}

/// Equality of everything a builder recorded. Destructured field by field, so a field added
/// to [`Settings`] fails to compile here until it is compared too.
fn same_settings(a: &Cors, b: &Cors) -> bool {
    let b = &b.settings;
    let Settings {
        any_origin,
        origins,
        patterns,
        regexes,
        predicates,
        allow_null,
        any_method,
        methods,
        any_header,
        headers,
        expose_any,
        expose,
        max_age,
        send_wildcard,
        credentials,
        vary,
        preflight,
        block_on_origin_mismatch,
        private_network,
        preflight_status,
        allow_insecure_credentialed,
        null_with_credentials,
        methods_listed,
        headers_listed,
        expose_listed,
        rollout,
        early_problems,
        env_origins,
    } = &a.settings;
    predicates.is_empty()
        && b.predicates.is_empty()
        && *any_origin == b.any_origin
        && *origins == b.origins
        && *patterns == b.patterns
        && *regexes == b.regexes
        && *allow_null == b.allow_null
        && *any_method == b.any_method
        && *methods == b.methods
        && *any_header == b.any_header
        && *headers == b.headers
        && *expose_any == b.expose_any
        && *expose == b.expose
        && *max_age == b.max_age
        && *send_wildcard == b.send_wildcard
        && *credentials == b.credentials
        && *vary == b.vary
        && *preflight == b.preflight
        && *block_on_origin_mismatch == b.block_on_origin_mismatch
        && *private_network == b.private_network
        && *preflight_status == b.preflight_status
        && *allow_insecure_credentialed == b.allow_insecure_credentialed
        && *null_with_credentials == b.null_with_credentials
        && *methods_listed == b.methods_listed
        && *headers_listed == b.headers_listed
        && *expose_listed == b.expose_listed
        && *rollout == b.rollout
        && *early_problems == b.early_problems
        && *env_origins == b.env_origins
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cors() -> Cors {
        Cors::default()
            .allowed_origin("https://a.example.com")
            .allowed_origin_regex(r"https://[a-z]+\.b\.example\.com")
    }

    #[test]
    fn equal_builders_share_one_compiled_policy_while_it_lives() {
        let first = build(&cors().max_age(17)).unwrap();
        let second = build(&cors().max_age(17)).unwrap();
        assert!(Arc::ptr_eq(&first, &second));
        let other = build(&cors().max_age(18)).unwrap();
        assert!(!Arc::ptr_eq(&first, &other));
        drop((first, second));
        // Once nothing uses it, an equal builder is built afresh.
        let third = build(&cors().max_age(17)).unwrap();
        let fourth = build(&cors().max_age(17)).unwrap();
        assert!(Arc::ptr_eq(&third, &fourth));
    }

    #[test]
    fn builders_with_predicates_are_built_each_time() {
        let with_fn = || cors().max_age(19).allowed_origin_fn(|_, _| true);
        let a = build(&with_fn()).unwrap();
        let b = build(&with_fn()).unwrap();
        assert!(!Arc::ptr_eq(&a, &b));
    }

    #[test]
    fn settings_that_differ_anywhere_are_not_the_same() {
        let base = cors();
        assert!(same_settings(&base, &cors()));
        assert!(!same_settings(&base, &cors().supports_credentials()));
        assert!(!same_settings(&base, &cors().allowed_methods(["PUT"])));
        assert!(!same_settings(&base, &cors().allowed_header("x-a")));
        assert!(!same_settings(
            &base,
            &cors().allowed_origin("https://c.com")
        ));
        assert!(!same_settings(&base, &cors().disable_vary_header()));
        assert!(!same_settings(&base, &cors().allow_null_origin()));
    }

    #[test]
    fn an_invalid_builder_fails_every_time_it_is_built() {
        let broken = || {
            Cors::default()
                .allow_any_origin()
                .supports_credentials()
                .max_age(21)
        };
        assert!(build(&broken()).is_err());
        assert!(build(&broken()).is_err());
    }
}
