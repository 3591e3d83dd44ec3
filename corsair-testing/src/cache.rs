//! The preflight cache, keyed as Chromium keys it, on a simulated clock.
//!
//! Chromium (`services/network/cors/preflight_cache.cc`) keeps one entry per
//! (origin, URL) within a network partition, and replaces it with each new preflight answer.
//! The Fetch standard ("CORS-preflight cache") keys entries per method and per header name
//! and merges them; for one page and one API the difference only shows when two different
//! requests to the same URL alternate, and the simulator follows Chromium there.

use std::{collections::HashMap, time::Duration};

use super::{checks::Allowance, outcome::Warning, Credentials};

/// One cached preflight answer.
#[derive(Clone, Debug)]
struct Entry {
    allowance: Allowance,
    /// Whether the preflight was for a `credentials: 'include'` request (Fetch standard:
    /// an entry made without credentials never serves a credentialed request).
    credentials: bool,
    expires: Duration,
}

/// (origin, full URL) → the latest preflight answer, with its expiry on the simulated clock.
#[derive(Debug, Default)]
pub(crate) struct PreflightCache {
    entries: HashMap<(String, String), Entry>,
}

impl PreflightCache {
    /// Stores a passed preflight's answer; a zero lifetime stores nothing (and drops the
    /// old entry, as the new answer replaces it).
    pub(crate) fn store(
        &mut self,
        origin: &str,
        url: &str,
        credentials: Credentials,
        allowance: Allowance,
        now: Duration,
    ) {
        let key = (origin.to_owned(), url.to_owned());
        if allowance.max_age.is_zero() {
            self.entries.remove(&key);
            return;
        }
        let expires = now + allowance.max_age;
        self.entries.insert(
            key,
            Entry {
                allowance,
                credentials: credentials == Credentials::Include,
                expires,
            },
        );
    }

    /// Whether a live entry allows this request without a new preflight: `Some` (with the
    /// entry's warning, if any) when it does.
    pub(crate) fn allows(
        &self,
        origin: &str,
        url: &str,
        method: &str,
        unsafe_headers: &[String],
        credentials: Credentials,
        now: Duration,
    ) -> Option<Option<Warning>> {
        let entry = self.entries.get(&(origin.to_owned(), url.to_owned()))?;
        if now >= entry.expires || (!entry.credentials && credentials == Credentials::Include) {
            return None;
        }
        entry
            .allowance
            .permits(method, unsafe_headers, credentials)
            .ok()
    }

    /// Forgets everything.
    pub(crate) fn clear(&mut self) {
        self.entries.clear();
    }
}
