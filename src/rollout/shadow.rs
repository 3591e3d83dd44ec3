//! Report-only ("shadow") mode: a candidate policy evaluated beside the enforced one.
//!
//! Each [`LiveCors`](crate::LiveCors) owns one [`ShadowSlot`]; its clones share it, and no
//! other `LiveCors` does (two `LiveCors` made from clones of one policy have two slots). For
//! each request the enforced policy decides and answers as usual; the candidate decides too
//! (one more `decide`, no allocation) and never touches the response. When the two would
//! differ, the difference is counted and logged: the first time a distinct (origin,
//! difference) pair is seen at `warn`, later ones at `debug`.
//!
//! **Reporting windows.** [`LiveCors::set_candidate`](crate::LiveCors::set_candidate) starts a
//! fresh window: new counters, new set of pairs seen. The set of pairs has a fixed capacity,
//! so a client cycling through origins cannot grow it; once full, new pairs are logged at
//! `debug` (and counted as suppressed) until [`SEEN_PERIOD`] has passed since the set was
//! last emptied, when it is emptied again. A flood can therefore mute the `warn` lines for at
//! most one period, never for good.
//!
//! **Per worker.** Each middleware instance keeps its own copy of the candidate's rules (its
//! own regex caches) and its own shard of the window's counters ([`WorkerShadow`]), both let
//! go of when the candidate changes.

use std::{
    cell::RefCell,
    collections::HashSet,
    hash::BuildHasher,
    sync::{
        atomic::{AtomicBool, Ordering::Relaxed},
        Arc, Mutex, PoisonError,
    },
    time::{Duration, Instant},
};

use actix_web::{
    dev::RequestHead,
    http::header::{self, HeaderValue},
};
use arc_swap::ArcSwapOption;

use super::Rollout;
use crate::{
    counters::{Counters, Shard, SLOTS},
    policy::{AllowOrigin, Compiled, Refusal, Verdict},
};

/// How many distinct (origin, difference) pairs one window remembers for its `warn`-once
/// rule.
pub(crate) const SEEN_CAPACITY: usize = 1024;
/// Once the set of pairs seen is full, how long until it is emptied again.
pub(crate) const SEEN_PERIOD: Duration = Duration::from_secs(60);

/// The report-only state of one `LiveCors` (shared by its clones).
#[derive(Default)]
pub(crate) struct ShadowSlot {
    /// True while a candidate is set: one relaxed load is all a request pays when there is
    /// none.
    pub(crate) active: AtomicBool,
    pub(crate) candidate: ArcSwapOption<Candidate>,
    /// The window of the latest candidate (kept after it is promoted or cleared, so that its
    /// counts can still be read).
    pub(crate) latest: Mutex<Option<Arc<Window>>>,
}

/// A candidate policy (its rules and roll-out layer, the parts of a
/// [`CorsPolicy`](crate::CorsPolicy)) and its reporting window.
pub(crate) struct Candidate {
    pub(crate) rules: Arc<Compiled>,
    pub(crate) rollout: Rollout,
    pub(crate) window: Arc<Window>,
}

/// One reporting window: its counters and the (origin, difference) pairs already logged.
pub(crate) struct Window {
    pub(crate) counters: Counters,
    seen: Mutex<Seen>,
    hasher: foldhash::fast::RandomState,
}

struct Seen {
    pairs: HashSet<u64, foldhash::fast::RandomState>,
    since: Instant,
}

impl Window {
    fn new() -> Self {
        Window {
            counters: Counters::new(),
            seen: Mutex::new(Seen {
                pairs: HashSet::with_capacity_and_hasher(SEEN_CAPACITY, Default::default()),
                since: Instant::now(),
            }),
            hasher: Default::default(),
        }
    }

    /// True the first time `key` is seen in this window (or since the set was last emptied).
    fn first_time(&self, key: u64, shard: &Shard) -> bool {
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        if seen.pairs.contains(&key) {
            return false;
        }
        if seen.pairs.len() >= SEEN_CAPACITY {
            if seen.since.elapsed() < SEEN_PERIOD {
                shard.bump(SUPPRESSED);
                return false;
            }
            seen.pairs.clear();
            seen.since = Instant::now();
        }
        seen.pairs.insert(key)
    }
}

impl ShadowSlot {
    /// Runs `policy` as the candidate, in a fresh window.
    pub(crate) fn set(&self, (rules, rollout): (Arc<Compiled>, Rollout)) {
        let window = Arc::new(Window::new());
        *self.latest.lock().unwrap_or_else(PoisonError::into_inner) = Some(Arc::clone(&window));
        self.candidate.store(Some(Arc::new(Candidate {
            rules,
            rollout,
            window,
        })));
        self.active.store(true, Relaxed);
    }

    /// Stops running the candidate; returns its rules and roll-out layer.
    pub(crate) fn take(&self) -> Option<(Arc<Compiled>, Rollout)> {
        self.active.store(false, Relaxed);
        self.candidate
            .swap(None)
            .map(|candidate| (Arc::clone(&candidate.rules), candidate.rollout.clone()))
    }

    /// The counts of the latest window.
    pub(crate) fn totals(&self) -> [u64; SLOTS] {
        self.latest
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .map_or([0; SLOTS], |window| window.counters.totals())
    }
}

// Counter slots.
const CANDIDATE_REFUSES: usize = 0; // ..8, by reason (same order as `REASONS`)
const CANDIDATE_ALLOWS: usize = 8;
const HEADERS_DIFFER: usize = 9;
const SUPPRESSED: usize = 10;
const COMPARED: usize = 11;

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

fn reason_index(reason: Refusal) -> usize {
    REASONS.iter().position(|r| *r == reason).unwrap_or(0)
}

/// How the candidate's decision differs from the enforced one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Difference {
    /// The enforced policy allows (or nothing enforces); the candidate refuses.
    CandidateRefuses(Refusal),
    /// The enforced policy refuses; the candidate allows.
    CandidateAllows(Refusal),
    /// Both allow, with a different value of this response header.
    HeadersDiffer(&'static str),
}

/// Counts `difference` in `shard` and logs it (at `warn` the first time for this origin in
/// `window`).
fn record(window: &Window, shard: &Shard, difference: Difference, head: &RequestHead) {
    shard.bump(match difference {
        Difference::CandidateRefuses(reason) => CANDIDATE_REFUSES + reason_index(reason),
        Difference::CandidateAllows(_) => CANDIDATE_ALLOWS,
        Difference::HeadersDiffer(_) => HEADERS_DIFFER,
    });
    if !log::log_enabled!(log::Level::Warn) {
        return;
    }
    let origin = head
        .headers
        .get(header::ORIGIN)
        .map_or(&b""[..], HeaderValue::as_bytes);
    let what: (u8, usize, &str) = match difference {
        Difference::CandidateRefuses(reason) => (0, reason_index(reason), ""),
        Difference::CandidateAllows(reason) => (1, reason_index(reason), ""),
        Difference::HeadersDiffer(name) => (2, 0, name),
    };
    let first = window.first_time(window.hasher.hash_one((origin, what)), shard);
    if !first && !log::log_enabled!(log::Level::Debug) {
        return;
    }
    let origin = String::from_utf8_lossy(&origin[..origin.len().min(200)]);
    let what = match difference {
        Difference::CandidateRefuses(reason) => {
            format!("the candidate policy would refuse it ({reason})")
        }
        Difference::CandidateAllows(reason) => {
            format!("the candidate policy would allow it (enforced: {reason})")
        }
        Difference::HeadersDiffer(name) => {
            format!("the candidate policy would send a different {name}")
        }
    };
    let level = if first {
        log::Level::Warn
    } else {
        log::Level::Debug
    };
    log::log!(
        level,
        "corsair report-only: {} {} from `{origin}`: {what}{}",
        head.method,
        head.uri.path(),
        if first {
            " (first time for this origin; repeats at debug)"
        } else {
            ""
        }
    );
}

/// One middleware instance's side of a [`ShadowSlot`]: its own copy of the current
/// candidate's rules and its own shard of the candidate window's counters, made when the
/// instance first compares with that candidate and let go of when it sees the next one (or
/// sees that there is none).
pub(crate) struct WorkerShadow {
    slot: Arc<ShadowSlot>,
    current: RefCell<Option<WorkerCandidate>>,
}

struct WorkerCandidate {
    candidate: Arc<Candidate>,
    rules: Compiled,
    shard: Shard,
}

impl WorkerShadow {
    pub(crate) fn new(slot: Arc<ShadowSlot>) -> Self {
        WorkerShadow {
            slot,
            current: RefCell::new(None),
        }
    }

    /// True while the slot has a candidate (one relaxed load).
    #[inline]
    pub(crate) fn is_active(&self) -> bool {
        self.slot.active.load(Relaxed)
    }

    /// True when [`observe`](Self::observe) has something to do: compare with a candidate,
    /// or let go of one that was cleared.
    #[inline]
    pub(crate) fn needs_a_look(&self) -> bool {
        self.is_active() || self.current.try_borrow().is_ok_and(|c| c.is_some())
    }

    /// Compares the candidate with the enforced decision (`None`: nothing enforces here) and
    /// records any difference. No allocation unless a difference is logged or the candidate
    /// changed.
    pub(crate) fn observe(
        &self,
        enforced: Option<(&Compiled, &Verdict)>,
        same_origin: bool,
        head: &RequestHead,
    ) {
        let latest = self.slot.candidate.load();
        let Some(latest) = latest.as_ref().filter(|_| self.is_active()) else {
            self.forget();
            return;
        };
        let mut current = self.current.borrow_mut();
        if !current
            .as_ref()
            .is_some_and(|c| Arc::ptr_eq(&c.candidate, latest))
        {
            // The old shard (if any) is folded into its own window when dropped here.
            *current = Some(WorkerCandidate {
                candidate: Arc::clone(latest),
                rules: latest.rules.for_worker(),
                shard: latest.window.counters.shard(),
            });
        }
        let ours = current.as_ref().expect("set just above");
        ours.shard.bump(COMPARED);
        if same_origin {
            return; // not CORS for either policy
        }
        let theirs = ours.rules.decide(head);
        let difference = match enforced {
            None => match theirs {
                Verdict::Refused { reason, .. } => Some(Difference::CandidateRefuses(reason)),
                _ => None,
            },
            Some((ours_policy, verdict)) => compare(ours_policy, verdict, &ours.rules, &theirs),
        };
        if let Some(difference) = difference {
            record(&ours.candidate.window, &ours.shard, difference, head);
        }
    }

    /// Lets go of the candidate held, if any (it was cleared from the slot).
    fn forget(&self) {
        if let Ok(mut current) = self.current.try_borrow_mut() {
            if current.is_some() {
                *current = None;
            }
        }
    }

    #[cfg(test)]
    fn holds_a_candidate(&self) -> bool {
        self.current.borrow().is_some()
    }
}

fn compare(a: &Compiled, ours: &Verdict, b: &Compiled, theirs: &Verdict) -> Option<Difference> {
    use Verdict::*;
    match (ours, theirs) {
        (Refused { .. }, Refused { .. }) | (NoOrigin, NoOrigin) => None,
        (_, Refused { reason, .. }) => Some(Difference::CandidateRefuses(*reason)),
        (Refused { reason, .. }, _) => Some(Difference::CandidateAllows(*reason)),
        (Actual { origin: oa, .. }, Actual { origin: ob, .. }) => {
            common_differ(a, oa, b, ob).map(Difference::HeadersDiffer)
        }
        (
            Preflight {
                origin: oa,
                method: ma,
                headers: ha,
                private_network: pa,
                ..
            },
            Preflight {
                origin: ob,
                method: mb,
                headers: hb,
                private_network: pb,
                ..
            },
        ) => {
            let name = if origin_bytes(oa) != origin_bytes(ob) {
                Some("Access-Control-Allow-Origin")
            } else if a.flags.credentials != b.flags.credentials {
                Some("Access-Control-Allow-Credentials")
            } else if ma.as_ref().or(a.methods.value.as_ref())
                != mb.as_ref().or(b.methods.value.as_ref())
            {
                Some("Access-Control-Allow-Methods")
            } else if ha.as_ref().or(a.headers.value.as_ref())
                != hb.as_ref().or(b.headers.value.as_ref())
            {
                Some("Access-Control-Allow-Headers")
            } else if a.max_age != b.max_age {
                Some("Access-Control-Max-Age")
            } else if pa != pb {
                Some("Access-Control-Allow-Private-Network")
            } else {
                None
            };
            name.map(Difference::HeadersDiffer)
        }
        // One answers the preflight, the other lets it through (`disable_preflight`).
        _ => Some(Difference::HeadersDiffer("preflight handling")),
    }
}

fn common_differ(
    a: &Compiled,
    oa: &AllowOrigin,
    b: &Compiled,
    ob: &AllowOrigin,
) -> Option<&'static str> {
    if origin_bytes(oa) != origin_bytes(ob) {
        Some("Access-Control-Allow-Origin")
    } else if a.flags.credentials != b.flags.credentials {
        Some("Access-Control-Allow-Credentials")
    } else if a.expose != b.expose {
        Some("Access-Control-Expose-Headers")
    } else {
        None
    }
}

fn origin_bytes(o: &AllowOrigin) -> &[u8] {
    match o {
        AllowOrigin::Any => b"*",
        AllowOrigin::Echo(v) => v.as_bytes(),
    }
}

/// How often a report-only candidate would have decided differently from the enforced
/// policy, from [`LiveCors::shadow_counts`](crate::LiveCors::shadow_counts).
///
/// ```
/// use actix_web::{test, web, App, HttpResponse};
/// use corsair::{Cors, Refusal};
///
/// # actix_rt::System::new().block_on(async {
/// let both = |other| Cors::default().allowed_origin("https://a.com").allowed_origin(other);
/// let live = both("https://b.com").build().unwrap().live();
/// live.set_candidate(both("https://c.com")).unwrap();
/// let app = test::init_service(
///     App::new().wrap(live.clone()).route("/", web::get().to(HttpResponse::Ok)),
/// )
/// .await;
/// for origin in ["https://a.com", "https://b.com", "https://c.com"] {
///     let req = test::TestRequest::get().insert_header(("Origin", origin));
///     test::call_service(&app, req.to_request()).await;
/// }
/// let counts = live.shadow_counts();
/// assert_eq!(counts.compared(), 3);
/// // b.com: allowed today, refused by the candidate.
/// assert_eq!(counts.candidate_refuses(), 1);
/// assert_eq!(counts.candidate_refuses_for(Refusal::OriginNotAllowed), 1);
/// // c.com: refused today, allowed by the candidate.
/// assert_eq!(counts.candidate_allows(), 1);
/// // a.com: the same answer from both.
/// assert_eq!(counts.headers_differ(), 0);
/// assert_eq!(counts.differences(), 2);
/// assert_eq!(counts.suppressed_warnings(), 0);
/// # });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ShadowCounts {
    slots: [u64; SLOTS],
}

impl ShadowCounts {
    pub(crate) fn from_totals(slots: [u64; SLOTS]) -> Self {
        ShadowCounts { slots }
    }

    /// Requests the candidate would refuse while the enforced policy allows them (or
    /// nothing enforces).
    pub fn candidate_refuses(&self) -> u64 {
        self.slots[CANDIDATE_REFUSES..CANDIDATE_REFUSES + REASONS.len()]
            .iter()
            .sum()
    }

    /// Of [`candidate_refuses`](Self::candidate_refuses), those refused for `reason`.
    pub fn candidate_refuses_for(&self, reason: Refusal) -> u64 {
        self.slots[CANDIDATE_REFUSES + reason_index(reason)]
    }

    /// Requests the candidate would allow while the enforced policy refuses them.
    pub fn candidate_allows(&self) -> u64 {
        self.slots[CANDIDATE_ALLOWS]
    }

    /// Requests both allow, with a different `Access-Control-*` value.
    pub fn headers_differ(&self) -> u64 {
        self.slots[HEADERS_DIFFER]
    }

    /// Every request with a difference.
    pub fn differences(&self) -> u64 {
        self.candidate_refuses() + self.candidate_allows() + self.headers_differ()
    }

    /// Requests compared with a candidate in place.
    pub fn compared(&self) -> u64 {
        self.slots[COMPARED]
    }

    /// New (origin, difference) pairs logged at `debug` instead of `warn` because the set of
    /// pairs already seen was full.
    pub fn suppressed_warnings(&self) -> u64 {
        self.slots[SUPPRESSED]
    }
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;
    use crate::Cors;

    fn policy(regex: &str) -> (Arc<Compiled>, Rollout) {
        let policy = Cors::default().allowed_origin_regex(regex).build().unwrap();
        (policy.rules, policy.rollout)
    }

    fn request(origin: &str) -> actix_web::dev::ServiceRequest {
        TestRequest::get()
            .insert_header(("Origin", origin))
            .to_srv_request()
    }

    #[test]
    fn a_workers_candidate_copy_follows_the_candidate_it_is_given() {
        let a = policy(r"https://a\.shadow-regex\.example");
        let b = policy(r"https://b\.shadow-regex\.example");
        let (from_a, from_b) = (
            "https://a.shadow-regex.example",
            "https://b.shadow-regex.example",
        );
        let slot = Arc::new(ShadowSlot::default());
        let worker = WorkerShadow::new(Arc::clone(&slot));
        // Back and forth: a stale copy would answer for the previous candidate. Nothing
        // enforces here, so a refusal by the candidate is a difference.
        for (candidate, allowed, refused) in [
            (&a, from_a, from_b),
            (&b, from_b, from_a),
            (&a, from_a, from_b),
        ] {
            slot.set(candidate.clone());
            for (origin, allow) in [(allowed, true), (refused, false)] {
                worker.observe(None, false, request(origin).head());
                let counts = crate::ShadowCounts::from_totals(slot.totals());
                assert_eq!(counts.candidate_refuses(), u64::from(!allow), "{origin}");
            }
        }
    }

    #[test]
    fn a_cleared_candidate_is_let_go_by_the_worker() {
        let candidate = policy(r"https://b\.shadow-regex\.example");
        let slot = Arc::new(ShadowSlot::default());
        slot.set(candidate.clone());
        let worker = WorkerShadow::new(Arc::clone(&slot));
        let req = request("https://b.shadow-regex.example");
        worker.observe(None, false, req.head());
        assert!(worker.holds_a_candidate());
        slot.take();
        worker.observe(None, false, req.head());
        assert!(!worker.holds_a_candidate());
        assert_eq!(
            Arc::strong_count(&candidate.0),
            1,
            "the worker still holds it"
        );
    }

    #[test]
    fn a_full_seen_set_mutes_new_pairs_only_until_its_period_ends() {
        let window = Window::new();
        let counters = Counters::new();
        let shard = counters.shard();
        for key in 0..SEEN_CAPACITY as u64 {
            assert!(window.first_time(key, &shard));
        }
        assert!(!window.first_time(u64::MAX, &shard), "full: muted");
        window.seen.lock().unwrap().since = Instant::now() - SEEN_PERIOD;
        assert!(window.first_time(u64::MAX, &shard), "period over: emptied");
        assert!(window.first_time(0, &shard), "earlier pairs warn again");
    }
}
