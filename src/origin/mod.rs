//! Deciding whether a request's `Origin` is allowed.
//!
//! Evaluation order, cheapest first: `null` handling, exact origins (one hash lookup, so the
//! cost does not grow with the list), patterns (indexed by domain), regexes (one
//! [`regex::RegexSet`] pass), then user predicates in the order they were added.
//!
//! Patterns, regexes and "any origin" only accept origins that pass `pattern::split_origin`
//! (well-formed, lower case); predicates see the raw header value.

pub(crate) mod pattern;
pub(crate) mod public_suffix;
pub(crate) mod regexes;
pub(crate) mod serialized;

use std::{
    collections::HashMap,
    fmt,
    sync::{Arc, OnceLock},
};

use actix_web::{dev::RequestHead, http::header::HeaderValue};

use self::{pattern::PatternSet, regexes::OriginRegexes};

/// A user predicate from [`Cors::allowed_origin_fn`](crate::Cors::allowed_origin_fn).
pub(crate) type OriginPredicate = Arc<dyn Fn(&HeaderValue, &RequestHead) -> bool + Send + Sync>;

/// Which rule let an origin in. The middleware echoes the origin back, except for
/// [`MatchedBy::Any`] under [`send_wildcard`](crate::Cors::send_wildcard), which sends `*`.
///
/// ```
/// use corsair::{Cors, CorsRequest, MatchedBy};
/// let policy = Cors::default().allowed_origin("https://a.example").build().unwrap();
/// assert_eq!(policy.check(&CorsRequest::new("https://a.example")).matched_by(), Some(MatchedBy::Exact));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MatchedBy {
    /// `allow_any_origin` (which also answers `Origin: null`).
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

/// The outcome of [`OriginMatcher::lookup`].
#[derive(Debug)]
pub(crate) enum Lookup {
    /// Allowed by this rule; echo this value.
    Allowed(MatchedBy, HeaderValue),
    /// `null`, not opted in.
    NullRefused,
    /// Empty, `*`, or not visible ASCII without spaces; under "any origin", also anything
    /// that is not a serialized origin (`scheme://host[:port]`, lower case).
    Malformed,
    /// Well-formed, but no rule matches.
    NotAllowed,
}

/// An `Origin` value worth matching: non-empty visible ASCII without spaces, and not `*`.
///
/// Eight bytes at a time: origins are at least eight bytes long but for `null` and junk, and a
/// refused one is scanned in full on every request, so a word costs a few instructions instead
/// of eight comparisons. Inlined into the lookup: the call cost a refused origin about 11
/// instructions (issue 24, pass 4).
#[inline(always)]
fn is_plausible_origin(bytes: &[u8]) -> bool {
    if bytes.len() < 8 {
        return !bytes.is_empty()
            && bytes != b"*"
            && bytes.iter().all(|&b| b.wrapping_sub(0x21) < 0x5e);
    }
    let word = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes"));
    // Folded without an early exit (a refused origin is scanned in full anyway), and tested
    // once at the end; the last eight bytes overlap the word before them when the length is
    // not a multiple of eight.
    let last = bytes.len() - 8;
    let mut outside = outside_visible(word(0)) | outside_visible(word(last));
    let mut at = 8;
    while at < last {
        outside |= outside_visible(word(at));
        at += 8;
    }
    outside & HIGHS == 0
}

/// Ones in every byte.
const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
/// The high bit of every byte.
const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);

/// The high bit of a byte of the result is set for every byte of `w` outside 0x21..=0x7e
/// (and its other bits are noise). Exact in the high bits: a byte below 0x21 sets its high
/// bit in `(w - 0x21…) & !w` (the classic "has a byte less than n" test, exact for
/// n ≤ 128), a byte above 0x7e sets it in `(w + 0x01…) | w`, and a borrow or carry into the
/// next byte only starts at a byte already found.
#[inline(always)]
fn outside_visible(w: u64) -> u64 {
    let below = w.wrapping_sub(ONES * 0x21) & !w;
    let above = w.wrapping_add(ONES) | w;
    below | above
}

/// The compiled, immutable set of origin rules.
#[derive(Default)]
pub(crate) struct OriginMatcher {
    pub(crate) any: bool,
    pub(crate) allow_null: bool,
    /// Exact origins, keyed by their bytes. Each value is the header value echoed for it,
    /// built at start-up (each worker has its own copy: `Compiled::for_worker`).
    pub(crate) exact: HashMap<Box<[u8]>, HeaderValue, foldhash::fast::RandomState>,
    pub(crate) patterns: PatternSet,
    pub(crate) regexes: OriginRegexes,
    pub(crate) predicates: Vec<OriginPredicate>,
    /// No rule but exact origins (and `null`): a miss of the exact map is final. Derived from
    /// the rules above by [`seal`](Self::seal), which every matcher that answers requests
    /// went through (`false`, the default, is always correct: every rule is then tried).
    only_exact: bool,
    /// Diagnostics only: the exact origins indexed for near-miss hints, built the first time
    /// a large policy needs one (`crate::diagnostics`).
    pub(crate) near_miss_index: OnceLock<crate::diagnostics::ExactIndex>,
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

/// The closest of `candidates` to a refused origin, for log hints: `why` ranks a candidate
/// (lower is closer) and says what differs, or returns `None` when it is no near miss;
/// `hint` phrases the winner. Ties go to the earlier candidate. Diagnostics only: allocates.
pub(crate) fn closest<T>(
    candidates: impl Iterator<Item = T>,
    mut why: impl FnMut(&T) -> Option<(u32, String)>,
    hint: impl Fn(&T, &str) -> String,
) -> Option<(u32, String)> {
    let mut best: Option<(u32, T, String)> = None;
    for candidate in candidates {
        if let Some((rank, text)) = why(&candidate) {
            if best.as_ref().is_none_or(|(r, ..)| rank < *r) {
                best = Some((rank, candidate, text));
            }
        }
    }
    best.map(|(rank, candidate, text)| (rank, hint(&candidate, &text)))
}

impl OriginMatcher {
    /// Adds an exact origin (already validated).
    pub(crate) fn insert_exact(&mut self, origin: &str) {
        let value = HeaderValue::from_str(origin).expect("validated origins are header values");
        // Echoed back per request: cloned without allocating.
        self.exact.insert(origin.as_bytes().into(), value);
    }

    /// The matcher with its rules final: derives what [`lookup`](Self::lookup) reads from
    /// them (`only_exact`).
    pub(crate) fn seal(mut self) -> OriginMatcher {
        self.only_exact = !self.any
            && self.patterns.is_empty()
            && self.regexes.is_empty()
            && self.predicates.is_empty();
        self
    }

    /// One middleware instance's own copy (see `Compiled::for_worker`): echoed values in
    /// buffers of its own, regexes with their own match caches.
    pub(crate) fn for_worker(&self) -> OriginMatcher {
        OriginMatcher {
            any: self.any,
            allow_null: self.allow_null,
            exact: self
                .exact
                .iter()
                .map(|(k, v)| (k.clone(), crate::header_value::own_copy(v)))
                .collect(),
            patterns: self.patterns.clone(),
            regexes: self.regexes.clone(),
            predicates: self.predicates.clone(),
            only_exact: self.only_exact,
            // Built by this copy's first near-miss hint, if it ever needs one.
            near_miss_index: OnceLock::new(),
        }
    }

    /// The configured exact origins (for diagnostics).
    pub(crate) fn exact_origins(&self) -> impl Iterator<Item = &str> {
        self.exact.values().filter_map(|v| v.to_str().ok())
    }

    /// Looks `value` up through every rule, in order, and returns what to echo. Does not
    /// allocate; an exact origin costs one hash lookup and nothing else.
    ///
    /// Order: `null` (only the explicit opt-in or any-origin matches it; no other rule sees
    /// it), exact
    /// origins, then, for well-formed values only, any-origin, patterns, regexes and
    /// predicates. `head` is the request, for predicates.
    #[inline(always)] // on the hot path: inlined into `Compiled::decide` (actual requests and preflights)
    pub(crate) fn lookup(&self, value: &HeaderValue, head: &RequestHead) -> Lookup {
        let bytes = value.as_bytes();
        if bytes == b"null" {
            return if self.allow_null {
                Lookup::Allowed(MatchedBy::Null, value.clone())
            } else if self.any {
                // Everyone is already allowed: refusing `null` would only break sandboxed
                // iframes and `file:` pages reading public data.
                Lookup::Allowed(MatchedBy::Any, value.clone())
            } else {
                Lookup::NullRefused
            };
        }
        // Stored origins are valid by construction, so a hit needs no further checks, and
        // the stored value is echoed (this worker's copy: cloning it does not allocate).
        if let Some(stored) = self.exact.get(bytes) {
            return Lookup::Allowed(MatchedBy::Exact, stored.clone());
        }
        if !is_plausible_origin(bytes) {
            return Lookup::Malformed;
        }
        if self.only_exact {
            return Lookup::NotAllowed;
        }
        if self.any {
            // Everyone is allowed, but only as an origin: a value that is not one
            // (`https://a.example/page`, `invalid_origin`) is neither echoed nor answered `*`.
            return if pattern::is_serialized_origin(bytes) {
                Lookup::Allowed(MatchedBy::Any, value.clone())
            } else {
                Lookup::Malformed
            };
        }
        if !self.patterns.is_empty() || !self.regexes.is_empty() {
            // Plausible origins are visible ASCII, hence UTF-8.
            if let Ok(text) = std::str::from_utf8(bytes) {
                if self.patterns.matches(text) {
                    return Lookup::Allowed(MatchedBy::Pattern, value.clone());
                }
                if self.regexes.matches(text) {
                    return Lookup::Allowed(MatchedBy::Regex, value.clone());
                }
            }
        }
        if self.predicates.iter().any(|f| f(value, head)) {
            return Lookup::Allowed(MatchedBy::Predicate, value.clone());
        }
        Lookup::NotAllowed
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

#[cfg(test)]
mod tests {
    use super::is_plausible_origin;

    /// The oracle: every byte is visible ASCII (0x21 to 0x7e), the value is not empty and
    /// not `*`, written out plainly.
    fn plausible_by_definition(bytes: &[u8]) -> bool {
        !bytes.is_empty() && bytes != b"*" && bytes.iter().all(|&b| (0x21..=0x7e).contains(&b))
    }

    #[test]
    fn plausible_origins_are_visible_ascii_without_spaces_and_not_star() {
        assert!(is_plausible_origin(b"https://a.example"));
        assert!(is_plausible_origin(b"null"));
        assert!(!is_plausible_origin(b""));
        assert!(!is_plausible_origin(b"*"));
        assert!(is_plausible_origin(b"**"));
        // Every byte value, alone and at every position of a longer value (the check is
        // folded over the whole value, so its position must not matter).
        for b in 0..=255u8 {
            assert_eq!(
                is_plausible_origin(&[b]),
                plausible_by_definition(&[b]),
                "{b:#x}"
            );
            // Every length around the word size, so every position in a word, in the
            // overlapping last word, and in the short path is tried.
            for len in 1..=40 {
                for at in 0..len {
                    let mut value = b"https://position.example:8443/abc".to_vec();
                    value.resize(len, b'x');
                    value[at] = b;
                    assert_eq!(
                        is_plausible_origin(&value),
                        plausible_by_definition(&value),
                        "{b:#x} at {at} of {len}"
                    );
                }
            }
        }
    }
}
