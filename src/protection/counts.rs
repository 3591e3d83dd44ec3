//! [`GuardCounts`]: what one guard decided, and the counters behind it.
//!
//! Each guard (a built [`CrossOriginGuard`](crate::CrossOriginGuard), or a CORS policy with
//! protection on) owns one counter set (`crate::counters`), read by its handle; each
//! middleware instance counts in its own shard of it, so a request writes nothing another
//! worker touches. Only requests the guard looks at are counted: a safe method is passed on a
//! comparison and not counted, so reads (most traffic) never touch the counters.

use super::{GuardOutcome, GuardRefusal};
use crate::counters::{self, Shard};

const SAME_ORIGIN: usize = 0;
const USER_INITIATED: usize = 1;
const NO_BROWSER_HEADERS: usize = 2;
const TRUSTED: usize = 3;
const REFUSED: usize = 4; // ..8, by reason
const WOULD_REFUSE: usize = 8; // ..12, by reason
const UPGRADES_REFUSED: usize = 12;
const SLOTS: usize = 13;

/// The counters of one guard: a set summed over its workers' shards.
#[derive(Default)]
pub(crate) struct Counters(counters::Counters);

/// The counter slot of `reason`, from 0.
fn reason_index(reason: GuardRefusal) -> usize {
    match reason {
        GuardRefusal::SecFetchSite => 0,
        GuardRefusal::OriginMismatch => 1,
        GuardRefusal::NullOrigin => 2,
        GuardRefusal::MultipleOrigins => 3,
    }
}

impl Counters {
    /// A shard for one middleware instance.
    pub(crate) fn shard(&self) -> Shard {
        self.0.shard()
    }

    /// Counts `outcome` in `shard` (a refused or would-be-refused upgrade request once more,
    /// as such).
    #[inline]
    pub(crate) fn record(shard: &Shard, outcome: GuardOutcome, upgrade: bool) {
        let slot = match outcome {
            GuardOutcome::SafeMethod => return,
            GuardOutcome::SameOrigin => SAME_ORIGIN,
            GuardOutcome::UserInitiated => USER_INITIATED,
            GuardOutcome::NoBrowserHeaders => NO_BROWSER_HEADERS,
            GuardOutcome::Trusted => TRUSTED,
            GuardOutcome::Refused(r) => REFUSED + reason_index(r),
            GuardOutcome::WouldRefuse(r) => WOULD_REFUSE + reason_index(r),
        };
        shard.bump(slot);
        if upgrade && slot >= REFUSED {
            shard.bump(UPGRADES_REFUSED);
        }
    }

    /// A snapshot, summed over every worker.
    pub(crate) fn read(&self) -> GuardCounts {
        let totals = self.0.totals();
        GuardCounts {
            slots: std::array::from_fn(|i| totals[i]),
        }
    }
}

/// How many requests one cross-origin guard looked at, by outcome.
///
/// Read it with [`CrossOriginGuard::counts`](crate::CrossOriginGuard::counts), or
/// [`CorsPolicy::protection_counts`](crate::CorsPolicy::protection_counts) for the CORS form.
/// Requests with a safe method (`GET`, `HEAD`, `OPTIONS` without `Upgrade`) are passed
/// without being counted.
///
/// ```
/// use actix_web::{test, web, App, HttpResponse};
/// use corsair::{CrossOriginProtection, GuardOutcome, GuardRefusal};
///
/// # actix_rt::System::new().block_on(async {
/// let guard = CrossOriginProtection::default().build().unwrap();
/// let app = test::init_service(
///     App::new().wrap(guard.clone()).route("/", web::post().to(HttpResponse::Ok)),
/// )
/// .await;
/// for site in ["same-origin", "cross-site"] {
///     let req = test::TestRequest::post().insert_header(("Sec-Fetch-Site", site)).to_request();
///     let _ = test::try_call_service(&app, req).await; // the second is refused: an `Err`
/// }
/// let counts = guard.counts();
/// assert_eq!(counts.get(GuardOutcome::SameOrigin), 1);
/// assert_eq!(counts.get(GuardOutcome::Refused(GuardRefusal::SecFetchSite)), 1);
/// assert_eq!(counts.total(), 2);
/// # });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct GuardCounts {
    slots: [u64; SLOTS],
}

impl GuardCounts {
    /// How many requests had `outcome` (always 0 for [`GuardOutcome::SafeMethod`], which is
    /// not counted).
    ///
    /// ```
    /// use corsair::{GuardCounts, GuardOutcome};
    /// assert_eq!(GuardCounts::default().get(GuardOutcome::Trusted), 0);
    /// ```
    pub fn get(&self, outcome: GuardOutcome) -> u64 {
        match outcome {
            GuardOutcome::SafeMethod => 0,
            GuardOutcome::SameOrigin => self.slots[SAME_ORIGIN],
            GuardOutcome::UserInitiated => self.slots[USER_INITIATED],
            GuardOutcome::NoBrowserHeaders => self.slots[NO_BROWSER_HEADERS],
            GuardOutcome::Trusted => self.slots[TRUSTED],
            GuardOutcome::Refused(r) => self.slots[REFUSED + reason_index(r)],
            GuardOutcome::WouldRefuse(r) => self.slots[WOULD_REFUSE + reason_index(r)],
        }
    }

    /// Every refused request, whatever the reason.
    ///
    /// ```
    /// assert_eq!(corsair::GuardCounts::default().refused_total(), 0);
    /// ```
    pub fn refused_total(&self) -> u64 {
        self.slots[REFUSED..WOULD_REFUSE].iter().sum()
    }

    /// Every request report-only mode would have refused.
    ///
    /// ```
    /// assert_eq!(corsair::GuardCounts::default().would_refuse_total(), 0);
    /// ```
    pub fn would_refuse_total(&self) -> u64 {
        self.slots[WOULD_REFUSE..UPGRADES_REFUSED].iter().sum()
    }

    /// Refused (or, report-only, would-be-refused) requests that asked for an `Upgrade`:
    /// WebSocket handshakes. Also counted by reason.
    ///
    /// ```
    /// assert_eq!(corsair::GuardCounts::default().upgrades_refused(), 0);
    /// ```
    pub fn upgrades_refused(&self) -> u64 {
        self.slots[UPGRADES_REFUSED]
    }

    /// Every counted request (safe methods are not counted).
    ///
    /// ```
    /// assert_eq!(corsair::GuardCounts::default().total(), 0);
    /// ```
    pub fn total(&self) -> u64 {
        self.slots[..UPGRADES_REFUSED].iter().sum()
    }

    /// Publishes these counts through the [`metrics`](https://docs.rs/metrics) facade as the
    /// counter `corsair_cross_origin_total`, labelled `scope` (yours), `outcome`
    /// (`same-origin`, `user-initiated`, `no-browser-headers`, `trusted`, `refused`,
    /// `would-refuse`) and, for the last two, `reason`. Call it periodically or before each
    /// scrape; nothing is recorded on the request path.
    ///
    /// ```
    /// # #[cfg(feature = "metrics")] {
    /// let counts = corsair::CrossOriginProtection::default().build().unwrap().counts();
    /// counts.publish("web"); // without an installed recorder this does nothing
    /// # }
    /// ```
    #[cfg(feature = "metrics")]
    #[cfg_attr(docsrs, doc(cfg(feature = "metrics")))]
    pub fn publish(&self, scope: &str) {
        const NAME: &str = "corsair_cross_origin_total";
        let scope = scope.to_owned();
        for outcome in [
            GuardOutcome::SameOrigin,
            GuardOutcome::UserInitiated,
            GuardOutcome::NoBrowserHeaders,
            GuardOutcome::Trusted,
        ] {
            metrics::counter!(NAME, "scope" => scope.clone(), "outcome" => outcome.to_string())
                .absolute(self.get(outcome));
        }
        for reason in GuardRefusal::ALL {
            let refused = GuardOutcome::Refused(reason);
            let would = GuardOutcome::WouldRefuse(reason);
            metrics::counter!(NAME, "scope" => scope.clone(), "outcome" => "refused", "reason" => reason.slug())
                .absolute(self.get(refused));
            metrics::counter!(NAME, "scope" => scope.clone(), "outcome" => "would-refuse", "reason" => reason.slug())
                .absolute(self.get(would));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_outcome_reads_back_from_its_own_slot() {
        let counters = Counters::default();
        let shard = counters.shard();
        let mut outcomes = vec![
            GuardOutcome::SameOrigin,
            GuardOutcome::UserInitiated,
            GuardOutcome::NoBrowserHeaders,
            GuardOutcome::Trusted,
        ];
        for r in GuardRefusal::ALL {
            outcomes.extend([GuardOutcome::Refused(r), GuardOutcome::WouldRefuse(r)]);
        }
        for (i, outcome) in outcomes.iter().enumerate() {
            for _ in 0..=i {
                Counters::record(&shard, *outcome, false);
            }
        }
        Counters::record(&shard, GuardOutcome::SafeMethod, true);
        let counts = counters.read();
        for (i, outcome) in outcomes.iter().enumerate() {
            assert_eq!(counts.get(*outcome), i as u64 + 1, "{outcome}");
        }
        assert_eq!(counts.get(GuardOutcome::SafeMethod), 0);
        assert_eq!(counts.total(), (1..=outcomes.len() as u64).sum::<u64>());
    }

    #[test]
    fn refused_upgrades_are_counted_once_more_and_passed_ones_not() {
        let counters = Counters::default();
        let shard = counters.shard();
        Counters::record(
            &shard,
            GuardOutcome::Refused(GuardRefusal::OriginMismatch),
            true,
        );
        Counters::record(
            &shard,
            GuardOutcome::WouldRefuse(GuardRefusal::NullOrigin),
            true,
        );
        Counters::record(&shard, GuardOutcome::Trusted, true);
        let counts = counters.read();
        assert_eq!(counts.upgrades_refused(), 2);
        assert_eq!(
            (counts.refused_total(), counts.would_refuse_total()),
            (1, 1)
        );
        assert_eq!(counts.total(), 3);
    }
}
