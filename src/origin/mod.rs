//! Deciding whether a request's `Origin` is allowed.
//!
//! Evaluation order, cheapest first: `null` handling, exact origins (one hash lookup, so the
//! cost does not grow with the list), patterns (indexed by domain), regexes (one
//! [`regex::RegexSet`] pass), then user predicates in the order they were added.
//!
//! Patterns and regexes only see origins that pass `pattern::split_origin` (well-formed,
//! lower case); predicates see the raw header value.

pub(crate) mod pattern;
pub(crate) mod regexes;
pub(crate) mod serialized;

use std::{collections::HashMap, fmt, sync::Arc};

use actix_web::{dev::RequestHead, http::header::HeaderValue};

use self::{pattern::PatternSet, regexes::OriginRegexes};

/// A user predicate from [`Cors::allowed_origin_fn`](crate::Cors::allowed_origin_fn).
pub(crate) type OriginPredicate = Arc<dyn Fn(&HeaderValue, &RequestHead) -> bool + Send + Sync>;

/// Which rule let an origin in; the middleware echoes the origin back in every case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchedBy {
    /// `allow_any_origin`.
    Any,
    /// An exact entry of `allowed_origin`.
    Exact,
    /// An `allowed_origin_pattern`.
    Pattern,
    /// An `allowed_origin_regex`.
    Regex,
    /// An `allowed_origin_fn` predicate.
    Predicate,
    /// `Origin: null` with `allow_null_origin`.
    Null,
}

/// The compiled, immutable set of origin rules.
#[derive(Default)]
pub(crate) struct OriginMatcher {
    pub(crate) any: bool,
    pub(crate) allow_null: bool,
    /// Exact origins, keyed by their bytes. Each value is a header value built at start-up
    /// (and already shared, so cloning it per request is a reference-count bump).
    pub(crate) exact: HashMap<Box<[u8]>, HeaderValue, foldhash::fast::RandomState>,
    pub(crate) patterns: PatternSet,
    pub(crate) regexes: OriginRegexes,
    pub(crate) predicates: Vec<OriginPredicate>,
}

impl fmt::Debug for OriginMatcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OriginMatcher")
            .field("any", &self.any)
            .field("allow_null", &self.allow_null)
            .field("exact", &self.exact.len())
            .field("patterns", &self.patterns.len())
            .field("regexes", &self.regexes.len())
            .field("predicates", &self.predicates.len())
            .finish()
    }
}

impl OriginMatcher {
    /// Adds an exact origin (already validated).
    pub(crate) fn insert_exact(&mut self, origin: &str) {
        let value = HeaderValue::from_str(origin).expect("validated origins are header values");
        // Cloning a freshly built header value once turns its buffer into a shared one, so
        // the per-request clones below never allocate.
        drop(value.clone());
        self.exact.insert(origin.as_bytes().into(), value);
    }

    /// The configured exact origins (for diagnostics).
    pub(crate) fn exact_origins(&self) -> impl Iterator<Item = &str> {
        self.exact.values().filter_map(|v| v.to_str().ok())
    }

    /// Fast path: the stored value when `bytes` is one of the exact origins and no rule
    /// checked before exact origins (null, any) applies.
    #[inline]
    pub(crate) fn exact_hit(&self, bytes: &[u8]) -> Option<&HeaderValue> {
        if self.any || self.exact.is_empty() || bytes == b"null" {
            return None;
        }
        self.exact.get(bytes)
    }

    /// Returns which rule allows `origin`, or `None`. Does not allocate.
    ///
    /// `value` is the raw header; `head` is the request, for predicates.
    pub(crate) fn find(&self, value: &HeaderValue, head: &RequestHead) -> Option<MatchedBy> {
        let bytes = value.as_bytes();
        if bytes == b"null" {
            // `null` is never matched by anything but the explicit opt-in: not by
            // `allow_any_origin`, patterns or regexes.
            return self.allow_null.then_some(MatchedBy::Null);
        }
        if self.any {
            return Some(MatchedBy::Any);
        }
        if self.exact.contains_key(bytes) {
            return Some(MatchedBy::Exact);
        }
        if !self.patterns.is_empty() || !self.regexes.is_empty() {
            if let Ok(text) = value.to_str() {
                if self.patterns.matches(text) {
                    return Some(MatchedBy::Pattern);
                }
                if self.regexes.matches(text) {
                    return Some(MatchedBy::Regex);
                }
            }
        }
        if self.predicates.iter().any(|f| f(value, head)) {
            return Some(MatchedBy::Predicate);
        }
        None
    }

    /// The `Access-Control-Allow-Origin` value to send for an allowed origin: the configured
    /// value for exact matches (no allocation), otherwise the request's own header.
    pub(crate) fn echo(&self, value: &HeaderValue, by: MatchedBy) -> HeaderValue {
        match by {
            MatchedBy::Exact => self
                .exact
                .get(value.as_bytes())
                .cloned()
                .unwrap_or_else(|| value.clone()),
            _ => value.clone(),
        }
    }

    /// True when no rule can ever match (nothing configured).
    pub(crate) fn is_empty(&self) -> bool {
        !self.any
            && !self.allow_null
            && self.exact.is_empty()
            && self.patterns.is_empty()
            && self.regexes.is_empty()
            && self.predicates.is_empty()
    }
}
