//! Building an unbuilt [`Cors`] given to `.wrap()`: each worker builds its own policy, and
//! what the build has to say is said once per process.
//!
//! `HttpServer::new` runs its closure in every worker, so each worker records its own, equal,
//! builder and builds it (so each owns its policy, as with a built [`CorsPolicy`] cloned into
//! each worker). Logging each build would repeat the policy summary, or every problem of an
//! invalid builder, once per worker. So this module keeps the crate's one process-global
//! item, [`REPORTED`]: the builders whose build was already reported.
//!
//! - **Equality** is on everything the builder recorded (origins with their sources, methods,
//!   headers, flags, problems found while recording). Builders with an
//!   [`allowed_origin_fn`](Cors::allowed_origin_fn) predicate cannot be compared (two closures
//!   are never known to be equal), so each of their builds is reported.
//! - **Bounded:** at most [`MAX_REPORTED`] builders are remembered; the oldest is forgotten
//!   first (an app that keeps starting new, different policies gets their summaries again
//!   later, nothing worse). Nothing per request reads it.
//! - **Failures** are reported at `error` level through `log`, or on standard error when no
//!   logger would show them (no logger installed, or `error` filtered out), so a user without
//!   a logger still sees every problem.

use std::sync::{Mutex, PoisonError};

use crate::{builder::Cors, cors_policy::CorsPolicy, diagnostics, settings::Settings};

/// Most builders remembered as reported.
const MAX_REPORTED: usize = 16;

/// The builders whose build was reported (see the [module docs](self)): the crate's only
/// process-global mutable item.
static REPORTED: Mutex<Vec<Cors>> = Mutex::new(Vec::new());

/// Builds `cors` for one worker; reports the summary or the problems unless an equal builder
/// was reported already. `Err(())` once the problems are reported.
pub(crate) fn build(cors: &Cors) -> Result<CorsPolicy, ()> {
    let result = cors.clone().build_quietly();
    // Decided and reported under one lock: a worker that finds the build reported knows the
    // report was made, not only claimed, so an app that fails to start has said why by then.
    let mut reported = REPORTED.lock().unwrap_or_else(PoisonError::into_inner);
    if first_report(&mut reported, cors) {
        match &result {
            Ok(policy) => diagnostics::log_summary(&policy.rules),
            Err(err) => {
                if log::log_enabled!(log::Level::Error) {
                    log::error!("corsair: refusing to start: {err}");
                } else {
                    // No logger would show it: the user must still learn why the app won't start.
                    eprintln!("corsair: refusing to start: {err}");
                }
            }
        }
    }
    result.map_err(|_| ())
}

/// True, once, for each distinct comparable builder (and always for the others), given the
/// builders `reported` already.
fn first_report(reported: &mut Vec<Cors>, cors: &Cors) -> bool {
    if !comparable(cors) {
        return true;
    }
    if reported.iter().any(|seen| same_settings(seen, cors)) {
        return false;
    }
    if reported.len() == MAX_REPORTED {
        drop(reported.remove(0));
    }
    reported.push(cors.clone());
    true
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
        tolerate_public_suffixes,
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
        && *tolerate_public_suffixes == b.tolerate_public_suffixes
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
    fn each_build_gives_a_policy_of_its_own() {
        let first = build(&cors().max_age(17)).unwrap();
        let second = build(&cors().max_age(17)).unwrap();
        assert!(!std::sync::Arc::ptr_eq(&first.rules, &second.rules));
    }

    #[test]
    fn an_equal_builder_is_reported_once_and_the_memory_is_bounded() {
        let tagged = |n: usize| cors().max_age(1000 + n);
        let mut reported = Vec::new();
        assert!(first_report(&mut reported, &tagged(0)));
        assert!(!first_report(&mut reported, &tagged(0)));
        for n in 1..=MAX_REPORTED {
            assert!(first_report(&mut reported, &tagged(n)));
        }
        assert!(reported.len() <= MAX_REPORTED);
        // The oldest was forgotten to make room: reported again.
        assert!(first_report(&mut reported, &tagged(0)));
    }

    #[test]
    fn builders_with_predicates_are_reported_each_time() {
        let with_fn = || cors().max_age(19).allowed_origin_fn(|_, _| true);
        let mut reported = Vec::new();
        assert!(first_report(&mut reported, &with_fn()));
        assert!(first_report(&mut reported, &with_fn()));
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
