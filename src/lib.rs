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
//! - **CSRF and WebSocket hijacking protection, from the same allowlist.** CORS never stops a
//!   cross-site form post or WebSocket handshake; [`Cors::cross_origin_protection`] refuses
//!   those whose origin the policy does not allow, with `403` before the handler runs, from
//!   `Sec-Fetch-Site` and `Origin` (no token). [`CrossOriginProtection`] does the same for
//!   apps without CORS.
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
//!    (forbidden methods and headers, safelisted methods, token characters) are written once,
//!    in the `corsair-fetch` crate, and shared with the middleware and `corsair::testing`.
//! 3. [`CorsPolicy`] is compiled and immutable. Each response header has its own rule and
//!    its value built once: `Access-Control-Allow-Origin` (with `-Allow-Credentials`),
//!    `-Allow-Methods`, `-Allow-Headers`, `-Expose-Headers`, `-Max-Age`, and `Vary`, which is
//!    merged into the handler's. One decision function reads a request and returns a verdict
//!    without allocating; one function writes the headers for it. The policy knows nothing of
//!    workers or roll-out.
//! 4. The roll-out layer sits beside the policy: it completes the policy's verdict with the
//!    roll-out options (same-origin requests pass through, an observe-only policy decides
//!    nothing). Both the middleware and [`CorsPolicy::check`] run the policy and then this
//!    layer, so `check` returns exactly what the wire shows: a [`Decision`] for a
//!    [`CorsRequest`] you describe, with the [`Refusal`] and [`MatchedBy`] the middleware saw.
//! 5. The middleware: `.wrap(policy.clone())` (or `.wrap(cors)`) gives each worker its own
//!    copy of the policy (header values, regex caches, a counter shard, its `Vary` memory), so
//!    a request touches nothing another worker writes. After deciding, the middleware records
//!    what only the wire does: [`CorsCounts`] (summed over workers by the policy's handle),
//!    the [`CorsOutcome`] in the request's extensions, and a report-only candidate's
//!    comparison ([`ShadowCounts`]). [`LiveCors`] holds a policy you can replace, and its own
//!    report-only candidate, while the server runs.
//! - With the feature `serde`, `CorsConfig` reads FastAPI-style settings from TOML or JSON and
//!   goes through the same builder methods; the feature `toml` adds `CorsConfig::from_toml_file`,
//!   whose errors show the file, line and column.
//! - Log output goes through the [`log`](https://docs.rs/log) crate, under targets starting
//!   with `corsair` (with `env_logger`: `RUST_LOG=corsair=debug`): one summary when a policy is
//!   built, and for each refusal the reason with near-miss hints.

// Source map, in dependency order (each module uses only those above it):
//   fetch.rs          the Fetch standard's facts (names them from the corsair-fetch crate)
//   words.rs          Setting: an option named as a builder call or a config field (leaf)
//   error.rs          ConfigError (one error for the builder, CorsConfig and TOML), Problem
//                     and their typed reasons, each fix in the words of where the policy came from
//   header_value.rs   building header values once, and a worker's own copy of them (leaf)
//   vary.rs           merging `Vary` into a response; a worker's memory of merges (leaf)
//   counters.rs       counter sets owned by a handle, one shard per middleware instance (leaf)
//   same_origin.rs    is a request's `Origin` its own origin? (leaf)
//   origin/           origin parsing (serialized.rs), patterns, regexes, matching (mod.rs)
//   settings.rs       what the builder records: plain data (roll-out options included)
//   policy/           Compiled: decide + apply (mod.rs), one file per response header
//                     (allow_origin, allow_methods, allow_headers, expose_headers, max_age,
//                     private_network), the Access-Control-Request-Headers parser
//                     (request_headers.rs), the verdict types (verdict.rs)
//   rollout/          beside the policy: settle (same-origin, observe-only), shared by the
//                     wire and `check` (mod.rs); report-only candidates (shadow.rs)
//   cors_policy.rs    CorsPolicy: the compiled rules beside their roll-out layer
//   outcome.rs        CorsOutcome: a verdict as handlers and access logs read it
//   counts.rs         CorsCounts: which counter slot each outcome takes; CorsPolicy::counts
//   compile.rs        settings -> policy, or every problem
//   diagnostics.rs    the start-up summary and refusal hints with near misses
//   builder.rs        Cors, the actix-cors-compatible surface over settings
//   config.rs         CorsConfig (serde), through builder methods only
//   config_toml.rs    CorsConfig from TOML files, errors located (feature `toml`)
//   check.rs          CorsPolicy::check: Decision for a described CorsRequest
//   worker.rs         what one middleware instance owns: its copy of the rules, its counter
//                     shard, its Vary memory; records counters, extensions, report-only
//   reload.rs         LiveCors: swap the policy, set/promote the report-only candidate
//   report_once.rs    an unbuilt `Cors` given to `.wrap()`: built per worker, reported once
//                     (the crate's one process-global item, bounded)
//   middleware.rs     the Transform and Service (top)
//   protection/       cross-origin protection (CSRF, WebSocket hijacking): the pure decision
//                     (mod.rs), counters, the standalone CrossOriginProtection (builder.rs)
//                     and its middleware plus the hooks the CORS policy calls (guard.rs)
// Beside the crate, workspace members: corsair-fetch/ (the Fetch facts, no dependencies) and
// corsair-testing/ (the browser simulator, re-exported as `testing`; it depends on
// corsair-fetch, never on corsair).

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod builder;
mod check;
mod compile;
#[cfg(feature = "serde")]
mod config;
#[cfg(feature = "toml")]
mod config_toml;
mod cors_policy;
mod counters;
mod counts;
mod diagnostics;
mod error;
mod fetch;
mod header_value;
mod middleware;
mod origin;
mod outcome;
mod policy;
mod protection;
mod reload;
mod report_once;
mod rollout;
mod same_origin;
mod settings;
/// The browser simulator: the `corsair-testing` crate (it works with any CORS middleware).
#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
#[doc(inline)]
pub use corsair_testing as testing;
mod vary;
mod words;
mod worker;

/// The README's Rust examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

/// The Rust examples of `docs/origins.md`, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../docs/origins.md")]
pub struct OriginsDocDoctests;

/// The Rust examples of `docs/csrf.md`, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../docs/csrf.md")]
pub struct CsrfDocDoctests;

/// The Rust examples of `docs/rollout.md`, compiled as doctests.
#[cfg(doctest)]
#[doc = include_str!("../docs/rollout.md")]
pub struct RolloutDocDoctests;

pub use builder::Cors;
pub use check::{CorsRequest, Decision};
pub use compile::MAX_AGE_LIMIT;
#[cfg(feature = "serde")]
pub use config::CorsConfig;
pub use counts::CorsCounts;
pub use error::{
    ConfigError, CorsError, NameList, OriginFault, OriginRules, Problem, RegexBreadth, RegexFault,
    Source,
};
// The service and future types: nameable (code written for actix-cors may name
// `CorsMiddleware`), but not part of the front page.
pub use cors_policy::CorsPolicy;
pub use error::ProxyFault;
#[doc(hidden)]
pub use middleware::{CorsFuture, CorsMiddleware};
pub use origin::MatchedBy;
pub use outcome::CorsOutcome;
pub use policy::Refusal;
#[doc(hidden)]
pub use protection::GuardMiddleware;
pub use protection::{
    CrossOriginGuard, CrossOriginProtection, GuardCounts, GuardOutcome, GuardRefusal,
};
pub use reload::LiveCors;
pub use rollout::shadow::ShadowCounts;
pub use same_origin::TrustedProxy;
