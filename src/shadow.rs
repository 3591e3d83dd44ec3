//! Report-only ("shadow") mode: a candidate policy evaluated beside the enforced one.
//!
//! The candidate lives in a [`ShadowSlot`] shared by every clone of a [`LiveCors`]. For each
//! request the enforced policy decides and answers as usual; the candidate decides too (one
//! more `decide`, no allocation) and never touches the response. When the two would differ,
//! the difference is counted and logged: the first time a distinct (origin, difference) pair
//! is seen at `warn`, later ones at `debug`. The set of pairs already seen has a fixed
//! capacity, so a client cycling through origins cannot grow it; once full, new pairs are
//! logged at `debug` (and counted as suppressed).

use std::{
    collections::HashSet,
    hash::BuildHasher,
    sync::{
        atomic::{AtomicBool, Ordering::Relaxed},
        Arc, Mutex,
    },
};

use actix_web::{
    dev::{RequestHead, ServiceRequest},
    http::header::{self, HeaderValue},
};
use arc_swap::ArcSwapOption;

use crate::{
    builder::Cors,
    counters::{Sharded, SLOTS},
    error::ConfigError,
    policy::{AllowOrigin, Compiled, CorsPolicy, Refusal, Verdict},
    reload::LiveCors,
};

/// How many distinct (origin, difference) pairs are remembered for the `warn`-once rule.
pub(crate) const SEEN_CAPACITY: usize = 1024;

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

/// The report-only state of one [`LiveCors`]: candidate, counters, pairs already logged.
pub(crate) struct ShadowSlot {
    /// True while a candidate is set: one relaxed load (of a line nobody writes on the
    /// request path) is all a request pays when there is none.
    active: AtomicBool,
    candidate: ArcSwapOption<Compiled>,
    counters: Sharded,
    seen: Mutex<HashSet<u64, foldhash::fast::RandomState>>,
    hasher: foldhash::fast::RandomState,
}

impl ShadowSlot {
    /// A new, empty slot, attached to `policy`.
    pub(crate) fn attached_to(policy: &Arc<Compiled>) -> Arc<ShadowSlot> {
        let slot = Arc::new(ShadowSlot {
            active: AtomicBool::new(false),
            candidate: ArcSwapOption::empty(),
            counters: Sharded::new(),
            seen: Mutex::new(HashSet::with_capacity_and_hasher(
                SEEN_CAPACITY,
                Default::default(),
            )),
            hasher: Default::default(),
        });
        slot.attach(policy);
        slot
    }

    /// Makes `policy` (about to be enforced) compare requests against this slot's candidate.
    /// A policy already attached to another `LiveCors` keeps its first slot.
    pub(crate) fn attach(self: &Arc<Self>, policy: &Compiled) {
        let _ = policy.rollout.shadow.set(Arc::clone(self));
    }

    fn record(&self, difference: Difference, head: &RequestHead) {
        self.counters.bump(match difference {
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
        let key = self.hasher.hash_one((origin, what));
        let first = {
            let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
            if seen.contains(&key) {
                false
            } else if seen.len() < SEEN_CAPACITY {
                seen.insert(key)
            } else {
                self.counters.bump(SUPPRESSED);
                false
            }
        };
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
}

/// Compares the candidate with the enforced decision (`None`: nothing enforces here) and
/// records any difference. No allocation unless a difference is logged.
pub(crate) fn observe(
    slot: &ShadowSlot,
    enforced: Option<(&Compiled, &Verdict)>,
    same_origin: bool,
    req: &ServiceRequest,
) {
    if !slot.active.load(Relaxed) {
        return;
    }
    let candidate = slot.candidate.load();
    let Some(candidate) = candidate.as_deref() else {
        return;
    };
    slot.counters.bump(COMPARED);
    if same_origin {
        return; // not CORS for either policy
    }
    let head = req.head();
    let theirs = candidate.decide(head);
    let difference = match enforced {
        None => match theirs {
            Verdict::Refused { reason, .. } => Some(Difference::CandidateRefuses(reason)),
            _ => None,
        },
        Some((ours_policy, ours)) => compare(ours_policy, ours, candidate, &theirs),
    };
    if let Some(difference) = difference {
        slot.record(difference, head);
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
            } else if a.credentials != b.credentials {
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
    } else if a.credentials != b.credentials {
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
/// policy, from [`LiveCors::shadow_counts`].
///
/// ```
/// use corsair::{Cors, Refusal};
/// let live = Cors::permissive().build().unwrap().live();
/// live.set_candidate(Cors::default().allowed_origin("https://a.com")).unwrap();
/// let counts = live.shadow_counts();
/// assert_eq!(counts.candidate_refuses(), 0);
/// assert_eq!(counts.candidate_refuses_for(Refusal::OriginNotAllowed), 0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ShadowCounts {
    slots: [u64; SLOTS],
}

impl ShadowCounts {
    /// Requests the candidate would refuse while the enforced policy allows them (or
    /// nothing enforces).
    ///
    /// ```
    /// assert_eq!(corsair::ShadowCounts::default().candidate_refuses(), 0);
    /// ```
    pub fn candidate_refuses(&self) -> u64 {
        self.slots[CANDIDATE_REFUSES..CANDIDATE_REFUSES + REASONS.len()]
            .iter()
            .sum()
    }

    /// Of [`candidate_refuses`](Self::candidate_refuses), those refused for `reason`.
    ///
    /// ```
    /// use corsair::{Refusal, ShadowCounts};
    /// assert_eq!(ShadowCounts::default().candidate_refuses_for(Refusal::NullOrigin), 0);
    /// ```
    pub fn candidate_refuses_for(&self, reason: Refusal) -> u64 {
        self.slots[CANDIDATE_REFUSES + reason_index(reason)]
    }

    /// Requests the candidate would allow while the enforced policy refuses them.
    ///
    /// ```
    /// assert_eq!(corsair::ShadowCounts::default().candidate_allows(), 0);
    /// ```
    pub fn candidate_allows(&self) -> u64 {
        self.slots[CANDIDATE_ALLOWS]
    }

    /// Requests both allow, with a different `Access-Control-*` value.
    ///
    /// ```
    /// assert_eq!(corsair::ShadowCounts::default().headers_differ(), 0);
    /// ```
    pub fn headers_differ(&self) -> u64 {
        self.slots[HEADERS_DIFFER]
    }

    /// Every request with a difference.
    ///
    /// ```
    /// assert_eq!(corsair::ShadowCounts::default().differences(), 0);
    /// ```
    pub fn differences(&self) -> u64 {
        self.candidate_refuses() + self.candidate_allows() + self.headers_differ()
    }

    /// Requests compared with a candidate in place.
    ///
    /// ```
    /// assert_eq!(corsair::ShadowCounts::default().compared(), 0);
    /// ```
    pub fn compared(&self) -> u64 {
        self.slots[COMPARED]
    }

    /// New (origin, difference) pairs logged at `debug` instead of `warn` because the set of
    /// pairs already seen was full.
    ///
    /// ```
    /// assert_eq!(corsair::ShadowCounts::default().suppressed_warnings(), 0);
    /// ```
    pub fn suppressed_warnings(&self) -> u64 {
        self.slots[SUPPRESSED]
    }
}

impl LiveCors {
    /// A `LiveCors` that enforces nothing: it writes no header and refuses nothing, while
    /// another layer (actix-cors, a hand-written middleware) still enforces. Give it a
    /// candidate with [`set_candidate`](Self::set_candidate) to learn which requests that
    /// candidate would refuse; [`promote_candidate`](Self::promote_candidate) later makes it
    /// enforce. Until then it records no [`CorsOutcome`](crate::CorsOutcome) and no
    /// [`counts`](Self::counts) of its own: only [`shadow_counts`](Self::shadow_counts).
    ///
    /// ```
    /// use corsair::{Cors, LiveCors};
    /// let live = LiveCors::observe_only();
    /// live.set_candidate(Cors::default().allowed_origin("https://app.example.com")).unwrap();
    /// assert!(live.promote_candidate());
    /// ```
    pub fn observe_only() -> LiveCors {
        // Permissive, so that its start-up summary does not announce refusals; it decides
        // nothing anyway (`rollout::complete` makes it "no CORS").
        let mut cors = Cors::permissive().disable_vary_header().disable_preflight();
        cors.settings.rollout.observe_only = true;
        let policy = cors
            .build()
            .expect("the observe-only policy is a valid policy");
        log::info!(
            "corsair: observe-only: writes no CORS header and refuses nothing until a candidate is promoted"
        );
        LiveCors::new(policy)
    }

    /// Validates `cors` and, if valid, runs it in report-only mode beside the enforced policy:
    /// it decides every request but never changes a response; differences are counted
    /// ([`shadow_counts`](Self::shadow_counts)) and logged (each distinct origin and
    /// difference once at `warn`, then at `debug`). An invalid candidate is refused with
    /// every problem, and nothing changes.
    ///
    /// ```
    /// use corsair::Cors;
    /// let live = Cors::permissive().build().unwrap().live();
    /// let err = live.set_candidate(Cors::default().allowed_origin("app.example.com")).unwrap_err();
    /// assert_eq!(err.problems().len(), 1);
    /// live.set_candidate(Cors::default().allowed_origin("https://app.example.com")).unwrap();
    /// ```
    pub fn set_candidate(&self, cors: Cors) -> Result<(), ConfigError> {
        let policy = cors.build()?;
        self.shadow.candidate.store(Some(policy.inner));
        self.shadow.active.store(true, Relaxed);
        log::info!("corsair: report-only candidate policy set");
        Ok(())
    }

    /// A snapshot of the report-only candidate, if any.
    ///
    /// ```
    /// use corsair::{Cors, LiveCors};
    /// let live = LiveCors::observe_only();
    /// assert!(live.candidate().is_none());
    /// ```
    pub fn candidate(&self) -> Option<CorsPolicy> {
        self.shadow
            .candidate
            .load_full()
            .map(|inner| CorsPolicy { inner })
    }

    /// Stops running the candidate. Returns whether there was one.
    ///
    /// ```
    /// use corsair::LiveCors;
    /// assert!(!LiveCors::observe_only().clear_candidate());
    /// ```
    pub fn clear_candidate(&self) -> bool {
        self.shadow.active.store(false, Relaxed);
        self.shadow.candidate.swap(None).is_some()
    }

    /// Makes the candidate the enforced policy for requests that start from now on (in every
    /// worker, no restart) and leaves no candidate. Returns `false`, changing nothing, when
    /// there is no candidate.
    ///
    /// ```
    /// use corsair::{Cors, CorsRequest};
    /// let live = Cors::permissive().build().unwrap().live();
    /// live.set_candidate(Cors::default().allowed_origin("https://a.com")).unwrap();
    /// assert!(live.promote_candidate());
    /// assert!(!live.policy().check(&CorsRequest::new("https://b.com")).is_allowed());
    /// ```
    pub fn promote_candidate(&self) -> bool {
        self.shadow.active.store(false, Relaxed);
        match self.shadow.candidate.swap(None) {
            Some(inner) => {
                self.set(CorsPolicy { inner });
                log::info!("corsair: report-only candidate promoted to enforced");
                true
            }
            None => false,
        }
    }

    /// How often the candidates run so far would have decided differently (summed over every
    /// worker; kept across candidates and promotions).
    ///
    /// ```
    /// use corsair::LiveCors;
    /// assert_eq!(LiveCors::observe_only().shadow_counts().differences(), 0);
    /// ```
    pub fn shadow_counts(&self) -> ShadowCounts {
        ShadowCounts {
            slots: self.shadow.counters.totals(),
        }
    }
}
