//! Report-only ("shadow") mode: a candidate policy evaluated beside the enforced one.
//!
//! The candidate lives in a `ShadowSlot` (data only, in `policy/rollout_state.rs`) shared by
//! every clone of a [`LiveCors`](crate::LiveCors), which sets and reads it. For each
//! request the enforced policy decides and answers as usual; the candidate decides too (one
//! more `decide`, no allocation) and never touches the response. When the two would differ,
//! the difference is counted and logged: the first time a distinct (origin, difference) pair
//! is seen at `warn`, later ones at `debug`. The set of pairs already seen has a fixed
//! capacity, so a client cycling through origins cannot grow it; once full, new pairs are
//! logged at `debug` (and counted as suppressed).

use std::{
    cell::RefCell,
    hash::BuildHasher,
    sync::{atomic::Ordering::Relaxed, Arc},
};

use actix_web::{
    dev::{RequestHead, ServiceRequest},
    http::header::{self, HeaderValue},
};

use crate::{
    counters::SLOTS,
    origin::regexes::OriginRegexes,
    policy::{AllowOrigin, Compiled, Refusal, ShadowSlot, Verdict, SEEN_CAPACITY},
};

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

/// Counts `difference` and logs it (at `warn` the first time for this origin).
fn record(slot: &ShadowSlot, difference: Difference, head: &RequestHead) {
    slot.counters.bump(match difference {
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
    let key = slot.hasher.hash_one((origin, what));
    let first = {
        let mut seen = slot.seen.lock().unwrap_or_else(|e| e.into_inner());
        if seen.contains(&key) {
            false
        } else if seen.len() < SEEN_CAPACITY {
            seen.insert(key)
        } else {
            slot.counters.bump(SUPPRESSED);
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

/// One worker's own clone of the report-only candidate's origin regexes (its own pool of
/// match caches, as for the enforced policy: see `crate::worker`), made when the worker first
/// compares with that candidate. It holds the candidate until the worker sees the next one,
/// or sees that there is none.
#[derive(Default)]
pub(crate) struct CandidateRegexes(RefCell<Option<(Arc<Compiled>, OriginRegexes)>>);

impl CandidateRegexes {
    /// `candidate`'s decision for `head`, matching its regexes with this worker's clone.
    fn decide(&self, candidate: &Arc<Compiled>, head: &RequestHead) -> Verdict {
        let mut cached = self.0.borrow_mut();
        if !cached
            .as_ref()
            .is_some_and(|(c, _)| Arc::ptr_eq(c, candidate))
        {
            let regexes = candidate.origins.regexes.clone();
            *cached = Some((Arc::clone(candidate), regexes));
        }
        let (candidate, regexes) = cached.as_ref().expect("set just above");
        candidate.decide_with(head, regexes)
    }

    /// Lets go of the candidate held, if any (it was cleared from the slot).
    fn forget(&self) {
        if let Ok(mut cached) = self.0.try_borrow_mut() {
            if cached.is_some() {
                *cached = None;
            }
        }
    }

    #[cfg(test)]
    fn holds_a_candidate(&self) -> bool {
        self.0.borrow().is_some()
    }
}

/// Compares the candidate with the enforced decision (`None`: nothing enforces here) and
/// records any difference, matching the candidate's regexes with `regexes` (this worker's).
/// No allocation unless a difference is logged.
pub(crate) fn observe(
    slot: &ShadowSlot,
    regexes: &CandidateRegexes,
    enforced: Option<(&Compiled, &Verdict)>,
    same_origin: bool,
    req: &ServiceRequest,
) {
    if !slot.active.load(Relaxed) {
        regexes.forget();
        return;
    }
    let candidate = slot.candidate.load();
    let Some(candidate) = candidate.as_ref() else {
        regexes.forget();
        return;
    };
    slot.counters.bump(COMPARED);
    if same_origin {
        return; // not CORS for either policy
    }
    let head = req.head();
    let theirs = regexes.decide(candidate, head);
    let difference = match enforced {
        None => match theirs {
            Verdict::Refused { reason, .. } => Some(Difference::CandidateRefuses(reason)),
            _ => None,
        },
        Some((ours_policy, ours)) => compare(ours_policy, ours, candidate, &theirs),
    };
    if let Some(difference) = difference {
        record(slot, difference, head);
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

    fn policy(regex: &str) -> Arc<Compiled> {
        Cors::default()
            .allowed_origin_regex(regex)
            .build()
            .unwrap()
            .inner
    }

    #[test]
    fn a_workers_candidate_regexes_follow_the_candidate_it_is_given() {
        let a = policy(r"https://a\.shadow-regex\.example");
        let b = policy(r"https://b\.shadow-regex\.example");
        let (from_a, from_b) = (
            "https://a.shadow-regex.example",
            "https://b.shadow-regex.example",
        );
        let cache = CandidateRegexes::default();
        // Back and forth: a stale clone would answer for the previous candidate.
        for (candidate, allowed, refused) in [
            (&a, from_a, from_b),
            (&b, from_b, from_a),
            (&a, from_a, from_b),
        ] {
            for (origin, allow) in [(allowed, true), (refused, false)] {
                let req = TestRequest::get()
                    .insert_header(("Origin", origin))
                    .to_srv_request();
                let verdict = cache.decide(candidate, req.head());
                assert_eq!(matches!(verdict, Verdict::Actual { .. }), allow, "{origin}");
            }
        }
    }

    #[test]
    fn a_cleared_candidate_is_let_go_by_the_worker() {
        let enforced = policy(r"https://a\.shadow-regex\.example");
        let candidate = policy(r"https://b\.shadow-regex\.example");
        let slot = ShadowSlot::attached_to(&enforced);
        slot.candidate.store(Some(Arc::clone(&candidate)));
        slot.active.store(true, Relaxed);
        let cache = CandidateRegexes::default();
        let req = TestRequest::get()
            .insert_header(("Origin", "https://b.shadow-regex.example"))
            .to_srv_request();
        observe(&slot, &cache, None, false, &req);
        assert!(cache.holds_a_candidate());
        slot.active.store(false, Relaxed);
        slot.candidate.store(None);
        observe(&slot, &cache, None, false, &req);
        assert!(!cache.holds_a_candidate());
        assert_eq!(
            Arc::strong_count(&candidate),
            1,
            "the worker still holds it"
        );
    }
}
