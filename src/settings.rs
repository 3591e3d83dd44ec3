//! What the builder records: plain data, read by `compile`.
//!
//! [`Settings`] holds every call made on a [`Cors`](crate::Cors) builder, as written (strings
//! with the place they came from, "any" flags with who set them). Nothing here checks or
//! compiles anything; `compile` turns settings into a policy or into every problem they have.

use actix_web::http::StatusCode;

use crate::{
    error::{Problem, Source},
    origin::OriginPredicate,
    same_origin::SameOriginRule,
};

/// Whether a setting allows everything, and who said so.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Any {
    /// Only what is listed.
    #[default]
    No,
    /// Set by [`Cors::permissive`]; an explicit list later narrows it.
    Permissive,
    /// Set explicitly; a list beside it is a build error naming both calls.
    Explicit,
}

impl Any {
    pub(crate) fn is_any(self) -> bool {
        self != Any::No
    }
}

/// An `allowed_origins_from_env(_or)` call: the variable, and the default list if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct EnvOrigins {
    pub(crate) var: String,
    pub(crate) default: Option<String>,
}

/// Everything a builder recorded (see the [module docs](self)).
#[derive(Clone)]
pub(crate) struct Settings {
    pub(crate) any_origin: Any,
    pub(crate) origins: Vec<(String, Source)>,
    pub(crate) patterns: Vec<(String, Source)>,
    pub(crate) regexes: Vec<(String, Source)>,
    pub(crate) predicates: Vec<OriginPredicate>,
    pub(crate) allow_null: bool,
    /// `allow_null_origin_with_credentials_dangerously`.
    pub(crate) null_with_credentials: bool,
    pub(crate) any_method: Any,
    pub(crate) methods: Vec<String>,
    pub(crate) any_header: Any,
    pub(crate) headers: Vec<String>,
    /// `allowed_methods` / `allowed_header(s)` / `expose_headers` were called (even empty).
    pub(crate) methods_listed: bool,
    pub(crate) headers_listed: bool,
    pub(crate) expose_listed: bool,
    pub(crate) expose_any: Any,
    pub(crate) expose: Vec<String>,
    pub(crate) max_age: Option<usize>,
    pub(crate) send_wildcard: bool,
    pub(crate) credentials: bool,
    pub(crate) vary: bool,
    pub(crate) preflight: bool,
    pub(crate) block_on_origin_mismatch: bool,
    pub(crate) private_network: bool,
    pub(crate) preflight_status: StatusCode,
    pub(crate) allow_insecure_credentialed: bool,
    /// `dangerously_allow_subdomains_of_public_suffixes`: without credentials, patterns and
    /// regexes over public suffixes build (with a warning).
    pub(crate) tolerate_public_suffixes: bool,
    /// Problems found while recording (e.g. a missing environment variable).
    pub(crate) early_problems: Vec<Problem>,
    /// Origin lists to read from environment variables when the policy is built.
    pub(crate) env_origins: Vec<EnvOrigins>,
    /// Same-origin, verdict and observe-only options (read by `crate::rollout`).
    pub(crate) rollout: RolloutOptions,
}

impl Default for Settings {
    /// Restrictive: nothing is allowed until listed; preflights cached 600 s; `Vary` managed.
    fn default() -> Self {
        Settings {
            any_origin: Any::No,
            origins: Vec::new(),
            patterns: Vec::new(),
            regexes: Vec::new(),
            predicates: Vec::new(),
            allow_null: false,
            null_with_credentials: false,
            any_method: Any::No,
            methods: Vec::new(),
            any_header: Any::No,
            headers: Vec::new(),
            methods_listed: false,
            headers_listed: false,
            expose_listed: false,
            expose_any: Any::No,
            expose: Vec::new(),
            max_age: Some(600),
            send_wildcard: false,
            credentials: false,
            vary: true,
            preflight: true,
            block_on_origin_mismatch: false,
            private_network: false,
            preflight_status: StatusCode::NO_CONTENT,
            allow_insecure_credentialed: false,
            tolerate_public_suffixes: false,
            early_problems: Vec::new(),
            env_origins: Vec::new(),
            rollout: Default::default(),
        }
    }
}

/// The roll-out options, recorded by the builder and carried by each compiled policy (read
/// by `crate::rollout` and `crate::same_origin`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct RolloutOptions {
    /// Trusted proxies and declared public origins (`src/same_origin.rs`).
    pub(crate) same_origin: SameOriginRule,
    pub(crate) outcome_in_extensions: bool,
    /// Decide nothing, write nothing: only the report-only candidate runs.
    pub(crate) observe_only: bool,
    /// [protection hook] `Cors::cross_origin_protection(_report_only)`: the guard of
    /// `src/protection/`, trusting what this policy allows.
    pub(crate) protection: Option<crate::protection::Enforce>,
}
