//! corsair's integration tests: one test binary, one module per concern.
//!
//! One binary links actix-web once instead of once per file, which is most of what
//! `cargo test` spends. Tests that must own the process stay in their own binary: a counting
//! global allocator (`tests/header_value_sharing.rs`) and the documentation's references to
//! tests (`tests/doc_references.rs`, which links no actix at all).
//!
//! Shared state of this binary, and how tests share it: the environment (every write and every
//! build that reads it goes through `common::env`, one lock) and the logger (one capturing
//! logger, `common::logs`; each test reads only the records it caused).

/// Request builders, header readers, the environment lock, the capturing logger, a TCP server.
mod common;

/// Building and validating a policy: every problem reported at once, with its fix, at start-up.
mod config {
    mod built_once_per_process;
    mod env_and_serde;
    mod fix_hints;
    mod invalid_table;
    mod misconfigured_example;
    mod named_list;
    mod public_suffix_list;
    mod startup;
    mod strict_validation;
    mod strict_where_promised;
}

/// Origin matching: exact origins, patterns, regexes and predicates against hostile values.
mod origins;

/// What responses carry: actual requests, preflights, bounds, real handlers, bytes over TCP.
mod wire {
    mod actual;
    mod bounds;
    mod fetch_conformance;
    mod middleware_order;
    mod per_scope;
    mod preflight;
    mod realistic_handlers;
    mod tcp_bytes;
}

/// Saying why: `CorsPolicy::check` equals the wire, and the log lines explain refusals.
mod explain {
    mod check_equals_wire;
    mod log_lines;
}

/// Generated policies and requests against an oracle written from the Fetch standard.
mod properties {
    mod builder_order;
    mod fuzz;
    mod invariants;
    mod oracle;
}

/// Changing a running policy: live reload, report-only candidates, outcomes, same-origin.
pub(crate) mod rollout {
    mod live_reload;
    mod outcome;
    pub(crate) mod report_only;
    mod same_origin;
}

/// A real browser (headless Chromium) against corsair and against the simulator.
mod browser {
    mod demo_in_chromium;
    mod simulator_vs_chromium;
}

/// `corsair::testing`, the simulated browser, against Fetch-standard steps.
mod simulator;

/// Drop-in for actix-cors, its documented differences, and parity with Starlette's config.
mod compat {
    mod actix_cors_differences;
    mod dropin;
    mod peer_jub0bs;
    mod starlette_parity;
}

/// Cross-origin protection: writes and WebSocket handshakes guarded by the allowlist.
mod protection {
    mod cross_origin;
}

/// The README's sample outputs come from the commands shown beside them.
mod readme_outputs;
