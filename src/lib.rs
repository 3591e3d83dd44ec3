//! # corsair
//!
//! Strict, fast CORS middleware for [actix-web](https://actix.rs), with the builder names of
//! `actix-cors` so switching is a one-line change:
//!
//! ```
//! use actix_web::{http::header, web, App, HttpResponse};
//! use corsair::Cors; // was: use actix_cors::Cors;
//!
//! let app = App::new()
//!     .wrap(
//!         Cors::default()
//!             .allowed_origin("https://app.example.com")
//!             .allowed_methods(["GET", "POST", "PUT"])
//!             .allowed_header(header::CONTENT_TYPE)
//!             .supports_credentials(),
//!     )
//!     .route("/api/items", web::get().to(HttpResponse::Ok));
//! # drop(app);
//! ```
//!
//! Building the policy yourself reports every problem before the server starts, and
//! [`CorsPolicy::check`] shows what the middleware will answer:
//!
//! ```
//! use actix_web::http::{header, StatusCode};
//! use corsair::{Cors, CorsRequest};
//!
//! let policy = Cors::default()
//!     .allowed_origin("https://app.example.com")
//!     .allowed_methods(["GET", "POST", "PUT"])
//!     .allowed_header(header::CONTENT_TYPE)
//!     .build()
//!     .expect("a valid policy");
//!
//! let preflight = policy.check(&CorsRequest::preflight("https://app.example.com", "PUT"));
//! assert_eq!(preflight.status(), Some(StatusCode::NO_CONTENT));
//! assert_eq!(
//!     preflight.header(header::ACCESS_CONTROL_ALLOW_ORIGIN),
//!     Some("https://app.example.com")
//! );
//! ```
//!
//! ## What it does differently
//! - **Every misconfiguration at once, at start-up.** [`Cors::build`] checks the whole policy
//!   and returns a [`ConfigError`] listing every [`Problem`] with a fix hint: `*` with
//!   credentials, `https://app.com/`, `app.com`, `https://a.com:443`, `TRACE`, a max-age no
//!   browser honours... An invalid builder passed to `.wrap()` fails the app when it starts.
//! - **The Fetch standard's CORS protocol.** Preflights are answered before routing; a refused
//!   preflight carries no `Access-Control-Allow-*` header; errors (a handler's `Err`, an inner
//!   middleware's 401, a 404) keep their CORS headers so the browser shows the real error;
//!   `Vary` is merged, never overwritten.
//! - **Origins as users write them.** Exact origins (one hash lookup), patterns
//!   (`https://*.example.com`, `http://localhost:*`), whole-match regexes, predicates, and
//!   comma-separated lists from the environment or a file.
//! - **Answers to "why?"** A `debug` log line for each refusal, with near-miss hints: a
//!   request from `http://localhost:5174` to a policy allowing `http://localhost:5173` logs
//!   "did you mean `http://localhost:5173`? port differs (5174 vs 5173)". And
//!   [`CorsPolicy::check`] asks the policy directly.
//! - **Cheap.** Header values are built once and the hot path boxes nothing; deciding a
//!   request allocates nothing (merging into a handler's existing `Vary` header builds one
//!   new value).
//! - **The browser's side, in `cargo test`.** With the `testing` feature, `corsair::testing`
//!   runs the client half of CORS (preflight decision, preflight cache, checks, Chromium's
//!   console messages) against your whole in-process app, whatever CORS middleware it uses.
//!
//! ## Middleware order
//! In actix-web the last `.wrap()` is the outermost middleware and sees a request first. Wrap
//! corsair **last**, after auth, sessions and rate limits: otherwise a preflight, which never
//! carries credentials, meets the auth guard first and gets a `401` without CORS headers,
//! which the browser reports only as a CORS error.
//!
//! ## How the pieces fit
//! Each step uses only the ones before it:
//! 1. [`Cors`] is the builder. Its methods only record what you asked for; nothing is read
//!    or checked yet (an origin list from the environment is read when the policy is built).
//! 2. [`Cors::build`] checks everything at once and returns a [`ConfigError`] listing every
//!    [`Problem`] (each typed, with its [`Source`] and a fix: [`OriginFault`], [`NameList`],
//!    [`OriginRules`], ...) or a [`CorsPolicy`]. The Fetch standard's facts it checks against
//!    (forbidden methods and headers, safelisted methods, token characters) are written once
//!    in the crate and shared with the middleware and `corsair::testing`.
//! 3. [`CorsPolicy`] is compiled and immutable. Each response header has its own rule and
//!    its value built once: `Access-Control-Allow-Origin` (with `-Allow-Credentials`),
//!    `-Allow-Methods`, `-Allow-Headers`, `-Expose-Headers`, `-Max-Age`, and `Vary`, which is
//!    merged into the handler's. One decision function reads a request and returns a verdict
//!    without allocating; one function writes the headers for it. Both serve the middleware
//!    and [`CorsPolicy::check`], which returns a [`Decision`] for a [`CorsRequest`] you
//!    describe, with the [`Refusal`] and [`MatchedBy`] the middleware saw. The policy also
//!    carries its roll-out state as plain data (the roll-out options, its outcome counters
//!    and, inside a [`LiveCors`], the report-only slot); it never reads that state itself.
//! 4. The middleware: `.wrap(policy.clone())` (or `.wrap(cors)`, built once per process)
//!    gives each worker a thin service over that policy. After the policy decides, the
//!    middleware completes the verdict: same-origin requests pass through, [`CorsCounts`]
//!    and [`CorsOutcome`] count and label what it decided, and a report-only candidate is
//!    compared ([`ShadowCounts`]). [`LiveCors`] holds a policy you can replace, or compare
//!    with such a candidate, while the server runs.
//! - With the feature `serde`, `CorsConfig` reads FastAPI-style settings from TOML or JSON and
//!   goes through the same builder methods.
//! - Log output goes through the [`log`](https://docs.rs/log) crate, under targets starting
//!   with `corsair` (with `env_logger`: `RUST_LOG=corsair=debug`): one summary when a policy is
//!   built, and for each refusal the reason with near-miss hints.

// Source map, in dependency order (each module uses only those above it):
//   fetch.rs          the Fetch standard's facts (leaf)
//   error.rs          ConfigError, Problem and their typed reasons (leaf)
//   header_value.rs   the one "shared HeaderValue" helper (leaf)
//   vary.rs           merging `Vary` into a response (leaf)
//   counters.rs       sharded counter storage, one increment per request (leaf)
//   same_origin.rs    is a request's `Origin` its own origin? (leaf)
//   origin/           origin parsing (serialized.rs), patterns, regexes, matching (mod.rs)
//   settings.rs       what the builder records: plain data (roll-out options included)
//   policy/           Compiled: decide + apply (mod.rs), one file per response header
//                     (allow_origin, allow_methods, allow_headers, expose_headers, max_age,
//                     private_network), the Access-Control-Request-Headers parser
//                     (request_headers.rs), the verdict types (verdict.rs) and the roll-out
//                     state each policy carries, data only (rollout_state.rs: options,
//                     counter set, report-only slot)
//   outcome.rs        CorsOutcome: a verdict as handlers and access logs read it
//   counts.rs         CorsCounts: which counter slot each outcome takes; CorsPolicy::counts
//   compile.rs        settings -> policy, or every problem
//   diagnostics.rs    the start-up summary and refusal hints with near misses
//   builder.rs        Cors, the actix-cors-compatible surface over settings
//   config.rs         CorsConfig (serde), through builder methods only
//   check.rs          CorsPolicy::check: Decision for a described CorsRequest
//   shadow.rs         report-only: compare a candidate's verdict, count and log; ShadowCounts
//   worker.rs         one middleware instance's handle: the policy and its counter shard
//   reload.rs         LiveCors: swap the policy, set/promote the report-only candidate
//   rollout.rs        completes the middleware's verdict: same-origin, counts, extensions,
//                     report-only comparison
//   shared_build.rs   one build per process for a builder given to `.wrap()`
//   middleware.rs     the Transform and Service (top)

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod builder;
mod check;
mod compile;
#[cfg(feature = "serde")]
mod config;
mod counters; // [rollout hook]
mod counts; // [rollout hook]
mod diagnostics;
mod error;
mod fetch;
mod header_value;
mod middleware;
mod origin;
mod outcome; // [rollout hook]
mod policy;
mod reload;
mod rollout; // [rollout hook]
mod same_origin; // [rollout hook]
mod settings;
mod shadow; // [rollout hook]
mod shared_build;
#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub mod testing;
mod vary;
mod worker;

/// The README's Rust examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

/// The Rust examples of `docs/origins.md`, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../docs/origins.md")]
pub struct OriginsDocDoctests;

/// The Rust examples of `docs/rollout.md`, compiled as doctests.
#[cfg(doctest)]
#[doc = include_str!("../docs/rollout.md")]
pub struct RolloutDocDoctests;

pub use builder::Cors;
pub use check::{CorsRequest, Decision};
pub use compile::MAX_AGE_LIMIT;
#[cfg(feature = "serde")]
pub use config::CorsConfig;
#[cfg(feature = "serde")]
pub use config::CorsConfigError;
pub use counts::CorsCounts; // [rollout hook]
pub use error::{
    ConfigError, CorsError, HeaderList, NameList, OriginFault, OriginRules, PatternFault, Problem,
    RegexFault, Source,
};
// The service and future types: nameable (code written for actix-cors may name
// `CorsMiddleware`), but not part of the front page.
pub use error::ProxyFault;
#[doc(hidden)]
pub use middleware::{CorsFuture, CorsMiddleware};
pub use origin::MatchedBy;
pub use outcome::CorsOutcome; // [rollout hook]
pub use policy::{CorsPolicy, Refusal};
pub use reload::LiveCors;
pub use same_origin::TrustedProxy;
pub use shadow::ShadowCounts; // [rollout hook]
