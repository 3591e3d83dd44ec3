//! The browser's side of CORS, in your own unit tests: a simulated browser for actix-web apps,
//! whatever CORS middleware they use (corsair, `actix-cors`, your own). corsair re-exports this
//! crate as `corsair::testing` under its `testing` feature.
//!
//! [`Browser`] runs the **client** half of the Fetch standard's CORS protocol
//! (<https://fetch.spec.whatwg.org/#http-cors-protocol>) against a whole actix-web app
//! in-process (`actix_web::test::init_service`), whatever CORS middleware the app uses. It
//! finds what a server-side check cannot: an auth middleware wrapped outside the CORS
//! middleware, a route answering `OPTIONS` itself, a redirect, `*` with credentials, a header
//! the script reads but that was never exposed ([`Outcome::hidden_headers`]).
//!
//! It also makes the requests CORS does **not** guard, so that cross-origin writes can be
//! tested as plain unit tests: an HTML form submission ([`Browser::submit`]), a WebSocket
//! handshake ([`Browser::websocket`]) and a `no-cors` fetch ([`Fetch::no_cors`]), each with
//! the `Origin`, `Sec-Fetch-*` headers and `SameSite` cookies a browser sends.
//!
//! ```
//! # actix_web::rt::System::new().block_on(async {
//! use actix_web::{test, web, App};
//! use corsair::Cors;
//! use corsair_testing::{Browser, Fetch};
//!
//! let app = test::init_service(
//!     App::new()
//!         .wrap(Cors::default()
//!             .allowed_origin("http://localhost:5173")
//!             .allowed_methods(["PUT"])
//!             .allowed_header("content-type")
//!             .supports_credentials())
//!         .route("/api/items/{id}", web::put().to(|| async { "stored" })),
//! ).await;
//!
//! let browser = Browser::new("http://localhost:5173");
//! let out = browser.fetch(&app, Fetch::put("/api/items/1").json().credentials()).await;
//! assert!(out.is_allowed(), "{out}");
//! assert_eq!(out.text(), "stored");
//! # });
//! ```
//!
//! # What it does, step by step (Fetch standard section names)
//! 1. **main fetch**: a request to another origin than the page's runs in CORS mode. It needs
//!    a preflight when its method is not a [CORS-safelisted method](safelist::is_safelisted_method)
//!    or it has [CORS-unsafe request-header names](safelist::unsafe_request_header_names)
//!    (value rules for `Accept`, `Accept-Language`, `Content-Language`, `Content-Type` and
//!    `Range`, 128 bytes per value, 1024 bytes in total).
//! 2. **CORS-preflight cache**: a live entry for (origin, URL) that allows the method and
//!    headers (and credentials) skips the preflight; see [`Browser::advance`].
//! 3. **CORS-preflight fetch**: `OPTIONS` with `Origin`, `Access-Control-Request-Method` and
//!    the sorted lower-case `Access-Control-Request-Headers`, without cookies. The answer must
//!    pass the CORS check, have an ok status (200–299; a 3xx without `Location`, a 300 and a
//!    304 are not redirects and fail here), and allow the method and headers (`*` counts only
//!    without credentials; for `Authorization` see the table below). `Access-Control-Max-Age`
//!    defaults to 5 s and is capped at [`CHROMIUM_MAX_AGE_CAP`] (2 hours).
//! 4. **HTTP-network-or-cache fetch**: the actual request with `Origin`, the Fetch Metadata
//!    headers, and `Cookie` from the browser's jar under `credentials: 'include'` (as `SameSite`
//!    and `Secure` allow); `Set-Cookie` answers are stored.
//! 5. **CORS check**: `Access-Control-Allow-Origin` must equal the origin (or be `*` without
//!    credentials); with credentials `Access-Control-Allow-Credentials: true` is required.
//! 6. **CORS-filtered response**: the script reads safelisted response headers plus those in
//!    `Access-Control-Expose-Headers` (`*` only without credentials; never `Set-Cookie`).
//!
//! # Redirects
//! The simulator **follows** redirects as the standard's *HTTP-redirect fetch* does, as long
//! as they stay on the app's origin: the CORS check runs on the redirect response itself,
//! 301/302 turn `POST` into `GET` (303 any method but `HEAD`), a new preflight is made for the
//! new URL when needed, and more than 20 redirects fail. A preflight answered with a redirect
//! is blocked ("Redirect is not allowed for a preflight request."). A redirect to **another
//! origin** is reported as blocked with [`Reason::RedirectLeavesApp`]: the simulator has only
//! the one app, and says so rather than guess.
//!
//! # Chromium, Firefox, and which one the simulator follows
//! | | Chromium | Firefox | simulator |
//! |---|---|---|---|
//! | max-age cap | 2 hours (`kMaxTimeout`, Chromium ≥ 76) | 24 hours | Chromium |
//! | max-age absent or invalid | 5 s | 5 s (standard) | both |
//! | preflight cache | one entry per (origin, URL), replaced by each new preflight | per method / header name, as the standard | Chromium |
//! | order of reasons for a failed preflight | CORS check before the status | the same checks, other messages | Chromium |
//! | console wording | "Access to fetch at … has been blocked by CORS policy: …" | "Cross-Origin Request Blocked: … (Reason: CORS …)" | Chromium |
//! | client-hint headers (`DPR`, `Viewport-Width`, ...) | safelisted in some versions | not safelisted | the standard (not safelisted) |
//! | `Authorization` under `Access-Control-Allow-Headers: *` (no credentials) | allowed | allowed | allowed today, with [`Warning::AuthorizationCoveredByWildcard`]: list `Authorization` explicitly, the standard says `*` does not cover it (whatwg/fetch#1919) |
//! | which refused header the message names, when several are refused | one of them, in an order of its own (neither the script's nor alphabetical) | not checked here | the first alphabetically; [`Outcome::refused_headers`] lists all, so the named one may differ from Chromium's |
//! | `Sec-Fetch-*` on a WebSocket handshake | none (Chromium 156, observed) | not checked here (the standard says `Sec-Fetch-Mode: websocket`) | Chromium: none, so a guard must read `Origin` for sockets |
//! | cookie without `SameSite` | `Lax`, but sent on a cross-site top-level `POST` in its first 2 minutes | not checked here | Chromium |
//! | third-party cookies (`SameSite=None` on a cross-site `fetch` or socket) | sent, unless a setting blocks them (headless Chromium 156 does) | not checked here | sent (RFC 6265bis) |
//!
//! # Fetch Metadata, forms and sockets
//! Every request carries what Chromium sends (W3C Fetch Metadata): `Sec-Fetch-Site`
//! (`same-origin`, `same-site` for the same scheme and registrable domain, else `cross-site`,
//! over the whole redirect chain), `Sec-Fetch-Mode` (`cors` for every `fetch()`, same-origin
//! ones too; `no-cors`; `navigate` for forms), `Sec-Fetch-Dest` (`empty`; `document` or
//! `iframe` for forms) and `Sec-Fetch-User: ?1` for a form the user submitted
//! ([`Form::by_user`]). None of them goes to a URL that is not potentially trustworthy (plain
//! `http` other than `localhost` and loopback addresses), and none on WebSocket handshakes.
//! `Sec-Fetch-Site: none` (a navigation the user typed) never occurs: every request comes
//! from the page. Checked header for header against Chromium 156 in
//! `tests/it/browser/simulator_vs_chromium.rs`.
//!
//! # What it does not model
//! Cookie `Path`, `Domain`, `Expires`, prefixes and partitioning; third-party-cookie blocking;
//! `Sec-Fetch-Storage-Access`; client hints; the HTTP cache; private network access;
//! navigations other than form submissions; request bodies other than bytes; and the network
//! partition key (one `Browser` is one top-level page).

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod browser;
mod cache;
mod checks;
mod cookies;
mod fetch;
mod form;
mod outcome;
pub mod safelist;
mod site;
mod websocket;

pub use browser::Browser;
pub use checks::{CHROMIUM_MAX_AGE_CAP, DEFAULT_MAX_AGE};
pub use fetch::{Credentials, Fetch};
pub use form::{Form, Navigation};
pub use outcome::{Blocked, Outcome, Preflight, Reason, Step, Warning};
pub use websocket::{Socket, SocketFailure};

/// The README's example, compiled and run as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
