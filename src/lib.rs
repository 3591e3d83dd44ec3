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
//!   comma-separated lists from the environment.
//! - **Answers to "why?"** A `debug` log line for each refusal, with near-miss hints ("did you
//!   mean `http://localhost:5174`?"), and [`CorsPolicy::check`] to ask the policy directly.
//! - **Cheap.** Header values are built once; the hot path boxes nothing and allocates nothing
//!   for allowed requests.
//!
//! ## Design, by module
//! [`Cors`] (the builder, `builder.rs`) → `validate.rs` (every problem, typed in
//! [`error`]) → [`CorsPolicy`] (compiled and immutable, `policy.rs`, whose one `decide`
//! function serves the middleware and [`CorsPolicy::check`]) → `middleware.rs` (the thin
//! actix `Transform`/`Service`) → `origin/` (exact, pattern, regex and predicate matching)
//! → `diagnostics.rs` (log output) and [`LiveCors`] (`reload.rs`).

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod builder;
mod check;
#[cfg(feature = "serde")]
mod config;
mod diagnostics;
pub mod error;
mod header_list;
mod middleware;
mod origin;
mod policy;
mod reload;
mod shared_build;
mod validate;
mod vary;

/// The README's Rust examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

pub use builder::{Cors, IntoHeaderName, IntoMethodName};
pub use check::{CorsRequest, Decision};
#[cfg(feature = "serde")]
pub use config::CorsConfig;
pub use error::{ConfigError, HeaderList, OriginFault, Problem, Source};
pub use middleware::{CorsFuture, CorsMiddleware};
pub use origin::MatchedBy;
pub use policy::{CorsPolicy, Refusal};
pub use reload::LiveCors;
pub use validate::MAX_AGE_LIMIT;
