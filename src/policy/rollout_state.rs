//! The roll-out state each compiled policy carries: its roll-out options, its outcome
//! counters and, once it runs inside a [`LiveCors`](crate::LiveCors), the report-only slot it
//! shares with its candidate. Plain data: the logic that reads it (same-origin requests,
//! counting, comparing with the candidate) lives above, in `crate::rollout` and
//! `crate::shadow`, and is called by the middleware, never by the policy.

use std::{
    collections::HashSet,
    sync::{atomic::AtomicBool, Arc, Mutex, OnceLock},
};

use arc_swap::ArcSwapOption;

use super::Compiled;
use crate::{counters::Sharded, settings::RolloutOptions};

/// How many distinct (origin, difference) pairs a [`ShadowSlot`] remembers for its
/// `warn`-once rule.
pub(crate) const SEEN_CAPACITY: usize = 1024;

/// The roll-out state of one policy (one field of `Compiled`).
pub(crate) struct RolloutState {
    pub(crate) options: RolloutOptions,
    /// The outcome counters (`crate::counts` says what each slot means).
    pub(crate) counters: Sharded,
    /// Set when the policy runs inside a `LiveCors`: where its candidate lives.
    pub(crate) shadow: OnceLock<Arc<ShadowSlot>>,
    /// [protection hook] `Cors::cross_origin_protection(_report_only)`: its mode and counters
    /// (`src/protection/`), when on.
    pub(crate) protection: Option<crate::protection::Enforcement>,
}

impl RolloutState {
    pub(crate) fn new(options: &RolloutOptions) -> Self {
        RolloutState {
            options: options.clone(),
            counters: Sharded::new(),
            shadow: OnceLock::new(),
            protection: options.protection.map(|mode| {
                crate::protection::Enforcement::new(mode, options.outcome_in_extensions)
            }),
        }
    }
}

/// The report-only state of one `LiveCors`: candidate, counters, pairs already logged
/// (`crate::shadow` compares, records and logs).
pub(crate) struct ShadowSlot {
    /// True while a candidate is set: one relaxed load (of a line nobody writes on the
    /// request path) is all a request pays when there is none.
    pub(crate) active: AtomicBool,
    pub(crate) candidate: ArcSwapOption<Compiled>,
    /// The report-only counters (`crate::shadow` says what each slot means).
    pub(crate) counters: Sharded,
    pub(crate) seen: Mutex<HashSet<u64, foldhash::fast::RandomState>>,
    pub(crate) hasher: foldhash::fast::RandomState,
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
}
