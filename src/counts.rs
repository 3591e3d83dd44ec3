//! [`CorsCounts`]: how many requests one policy decided, by outcome and refusal reason, and
//! the slot each outcome is counted in (one increment per request, in the counter storage of
//! `crate::counters`).

use crate::{
    cors_policy::CorsPolicy,
    counters::{Shard, SLOTS},
    origin::MatchedBy,
    outcome::CorsOutcome,
    policy::Refusal,
};

const RULES: [MatchedBy; 6] = [
    MatchedBy::Any,
    MatchedBy::Exact,
    MatchedBy::Pattern,
    MatchedBy::Regex,
    MatchedBy::Predicate,
    MatchedBy::Null,
];
const REASONS: [Refusal; 8] = [
    Refusal::MultipleOrigins,
    Refusal::MalformedOrigin,
    Refusal::NullOrigin,
    Refusal::OriginNotAllowed,
    Refusal::MalformedMethod,
    Refusal::MethodNotAllowed,
    Refusal::MalformedHeaders,
    Refusal::HeaderNotAllowed,
];

/// The index of `rule` in [`RULES`] (a `match`, not a search: this runs per request).
#[inline]
fn rule_index(rule: MatchedBy) -> usize {
    match rule {
        MatchedBy::Any => 0,
        MatchedBy::Exact => 1,
        MatchedBy::Pattern => 2,
        MatchedBy::Regex => 3,
        MatchedBy::Predicate => 4,
        MatchedBy::Null => 5,
    }
}

/// The index of `reason` in [`REASONS`].
#[inline]
fn reason_index(reason: Refusal) -> usize {
    match reason {
        Refusal::MultipleOrigins => 0,
        Refusal::MalformedOrigin => 1,
        Refusal::NullOrigin => 2,
        Refusal::OriginNotAllowed => 3,
        Refusal::MalformedMethod => 4,
        Refusal::MethodNotAllowed => 5,
        Refusal::MalformedHeaders => 6,
        Refusal::HeaderNotAllowed => 7,
    }
}

// One slot per (outcome, rule or reason, preflight or not), so that a request costs one
// increment.
const NOT_CORS: usize = 0;
const SAME_ORIGIN: usize = 1;
const ALLOWED: usize = 2; // ..8, actual requests by rule
const ALLOWED_PREFLIGHT: usize = 8; // ..14, preflights by rule
const REFUSED: usize = 14; // ..22, actual requests by reason
const REFUSED_PREFLIGHT: usize = 22; // ..30, preflights by reason

/// Counts `outcome` in `shard`: one increment.
#[inline]
pub(crate) fn record(shard: &Shard, outcome: CorsOutcome) {
    shard.bump(match outcome {
        CorsOutcome::NotCors => NOT_CORS,
        CorsOutcome::SameOrigin => SAME_ORIGIN,
        CorsOutcome::Allowed { rule, preflight } => {
            let base = if preflight {
                ALLOWED_PREFLIGHT
            } else {
                ALLOWED
            };
            base + rule_index(rule)
        }
        CorsOutcome::Refused { reason, preflight } => {
            let base = if preflight {
                REFUSED_PREFLIGHT
            } else {
                REFUSED
            };
            base + reason_index(reason)
        }
    });
}

/// How many requests one policy instance decided, by outcome and refusal reason.
///
/// Read it with [`CorsPolicy::counts`](crate::CorsPolicy::counts) (for a
/// [`LiveCors`](crate::LiveCors), `live.policy().counts()`). Each policy instance (so each scope that
/// wraps its own policy) has its own counters; they are never labelled by origin.
///
/// ```
/// use actix_web::{http::Method, test, web, App, HttpResponse};
/// use corsair::{Cors, MatchedBy, Refusal};
///
/// # actix_rt::System::new().block_on(async {
/// let policy = Cors::default().allowed_origin("https://a.com").build().unwrap();
/// let app = test::init_service(
///     App::new().wrap(policy.clone()).route("/", web::get().to(HttpResponse::Ok)),
/// )
/// .await;
/// let get = |origin| test::TestRequest::get().insert_header(("Origin", origin));
/// let preflight = |method| {
///     test::TestRequest::default()
///         .method(Method::OPTIONS)
///         .insert_header(("Origin", "https://a.com"))
///         .insert_header(("Access-Control-Request-Method", method))
/// };
/// for req in [
///     test::TestRequest::get(), // no `Origin`: not CORS
///     get("https://a.com"),
///     get("https://evil.com"),
///     preflight("GET"),
///     preflight("DELETE"), // not allowed
/// ] {
///     test::call_service(&app, req.to_request()).await;
/// }
/// let counts = policy.counts();
/// assert_eq!((counts.not_cors(), counts.same_origin()), (1, 0));
/// assert_eq!(counts.allowed(MatchedBy::Exact), 2);
/// assert_eq!(counts.refused(Refusal::OriginNotAllowed), 1);
/// assert_eq!(counts.refused(Refusal::MethodNotAllowed), 1);
/// assert_eq!((counts.preflights_allowed(), counts.preflights_refused()), (1, 1));
/// assert_eq!((counts.allowed_total(), counts.refused_total()), (2, 2));
/// assert_eq!(counts.total(), 5);
/// # });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CorsCounts {
    slots: [u64; SLOTS],
}

impl CorsCounts {
    pub(crate) fn from_totals(slots: [u64; SLOTS]) -> Self {
        CorsCounts { slots }
    }

    /// Requests without `Origin`.
    pub fn not_cors(&self) -> u64 {
        self.slots[NOT_CORS]
    }

    /// Requests whose `Origin` is their own origin (not CORS, passed through).
    pub fn same_origin(&self) -> u64 {
        self.slots[SAME_ORIGIN]
    }

    /// Allowed requests (preflights included) whose origin matched `rule`.
    pub fn allowed(&self, rule: MatchedBy) -> u64 {
        self.slots[ALLOWED + rule_index(rule)] + self.slots[ALLOWED_PREFLIGHT + rule_index(rule)]
    }

    /// Refused requests (preflights included) for `reason`.
    pub fn refused(&self, reason: Refusal) -> u64 {
        self.slots[REFUSED + reason_index(reason)]
            + self.slots[REFUSED_PREFLIGHT + reason_index(reason)]
    }

    /// Allowed preflights (also counted in [`allowed`](Self::allowed)).
    pub fn preflights_allowed(&self) -> u64 {
        self.slots[ALLOWED_PREFLIGHT..ALLOWED_PREFLIGHT + RULES.len()]
            .iter()
            .sum()
    }

    /// Refused preflights (also counted in [`refused`](Self::refused)).
    pub fn preflights_refused(&self) -> u64 {
        self.slots[REFUSED_PREFLIGHT..REFUSED_PREFLIGHT + REASONS.len()]
            .iter()
            .sum()
    }

    /// Every allowed request, whatever the rule.
    pub fn allowed_total(&self) -> u64 {
        self.slots[ALLOWED..ALLOWED_PREFLIGHT + RULES.len()]
            .iter()
            .sum()
    }

    /// Every refused request, whatever the reason.
    pub fn refused_total(&self) -> u64 {
        self.slots[REFUSED..REFUSED_PREFLIGHT + REASONS.len()]
            .iter()
            .sum()
    }

    /// Every request the policy decided.
    pub fn total(&self) -> u64 {
        self.not_cors() + self.same_origin() + self.allowed_total() + self.refused_total()
    }

    /// Publishes these counts through the [`metrics`](https://docs.rs/metrics) facade as the
    /// counter `corsair_requests_total`, labelled `scope` (yours), `outcome`
    /// (`not-cors`, `same-origin`, `allowed`, `refused`) and `rule` or `reason`. Call it
    /// periodically or before each scrape; nothing is recorded on the request path.
    ///
    /// ```
    /// # #[cfg(feature = "metrics")] {
    /// let counts = corsair::Cors::default().build().unwrap().counts();
    /// counts.publish("api"); // without an installed recorder this does nothing
    /// # }
    /// ```
    #[cfg(feature = "metrics")]
    #[cfg_attr(docsrs, doc(cfg(feature = "metrics")))]
    pub fn publish(&self, scope: &str) {
        use crate::outcome::{reason_slug, rule_slug};
        const NAME: &str = "corsair_requests_total";
        let scope = scope.to_owned();
        metrics::counter!(NAME, "scope" => scope.clone(), "outcome" => "not-cors")
            .absolute(self.not_cors());
        metrics::counter!(NAME, "scope" => scope.clone(), "outcome" => "same-origin")
            .absolute(self.same_origin());
        for rule in RULES {
            metrics::counter!(NAME, "scope" => scope.clone(), "outcome" => "allowed", "rule" => rule_slug(rule))
                .absolute(self.allowed(rule));
        }
        for reason in REASONS {
            metrics::counter!(NAME, "scope" => scope.clone(), "outcome" => "refused", "reason" => reason_slug(reason))
                .absolute(self.refused(reason));
        }
    }
}

impl CorsPolicy {
    /// How many requests this policy instance decided, by outcome and reason (every worker
    /// and every scope wrapping this instance, summed). The example on [`CorsCounts`] reads
    /// each count after a few requests.
    pub fn counts(&self) -> CorsCounts {
        CorsCounts::from_totals(self.rollout.counters.totals())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::counters::Counters;

    #[test]
    fn slot_indexes_agree_with_the_tables_read_back() {
        for (i, rule) in RULES.into_iter().enumerate() {
            assert_eq!(rule_index(rule), i, "{rule:?}");
        }
        for (i, reason) in REASONS.into_iter().enumerate() {
            assert_eq!(reason_index(reason), i, "{reason:?}");
        }
    }

    #[test]
    fn every_shard_of_a_set_is_summed() {
        let set = Counters::new();
        let (a, b) = (set.shard(), set.shard());
        record(&a, CorsOutcome::NotCors);
        record(&b, CorsOutcome::NotCors);
        record(&b, CorsOutcome::SameOrigin);
        let totals = CorsCounts::from_totals(set.totals());
        assert_eq!((totals.not_cors(), totals.same_origin()), (2, 1));
    }
}
