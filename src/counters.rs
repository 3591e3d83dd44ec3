//! Counter storage cheap enough for every request: the storage only (what each slot means is
//! up to the owner: `crate::counts` for the outcome counters, `crate::rollout::shadow` for
//! the report-only ones). A leaf: it depends on nothing else in the crate.
//!
//! A [`Counters`] set belongs to the handle that reads it (a [`CorsPolicy`](crate::CorsPolicy)
//! and its clones, or one report-only window of a [`LiveCors`](crate::LiveCors)). Each
//! middleware instance that counts into the set takes its own [`Shard`] and is that shard's
//! only writer, so an increment is a relaxed load and store on a cache line no other thread
//! writes. Readers sum the live shards and what dropped shards left behind.
//!
//! **Bounded however often policies are swapped.** When a middleware instance lets go of a
//! shard (its worker moved to another policy, or the app stopped), the shard's counts are
//! folded into the set and the shard is removed from it. A set therefore holds at most one
//! shard per live middleware instance, plus one fixed-size total.

use std::sync::{
    atomic::{AtomicU64, Ordering::Relaxed},
    Arc, Mutex, PoisonError,
};

/// Slots in one shard (enough for both the outcome and the report-only counters).
pub(crate) const SLOTS: usize = 30;

/// One writer's counters. Aligned to a cache line so that two shards never share one.
#[repr(align(64))]
struct Cells([AtomicU64; SLOTS]);

impl Cells {
    fn new() -> Self {
        Cells(std::array::from_fn(|_| AtomicU64::new(0)))
    }

    fn add_to(&self, sum: &mut [u64; SLOTS]) {
        for (s, c) in sum.iter_mut().zip(self.0.iter()) {
            *s = s.wrapping_add(c.load(Relaxed));
        }
    }
}

/// The shared part of a counter set: its live shards, and the counts of shards let go of.
struct Set {
    live: Mutex<Vec<Arc<Cells>>>,
    retired: Cells,
}

/// A set of counters, summed over its shards. Cloning shares the set.
#[derive(Clone)]
pub(crate) struct Counters(Arc<Set>);

impl Default for Counters {
    fn default() -> Self {
        Counters::new()
    }
}

impl Counters {
    pub(crate) fn new() -> Self {
        Counters(Arc::new(Set {
            live: Mutex::new(Vec::new()),
            retired: Cells::new(),
        }))
    }

    /// A new shard for one writer, summed into this set until it is dropped (and folded in
    /// after). Takes the set's lock once.
    pub(crate) fn shard(&self) -> Shard {
        let cells = Arc::new(Cells::new());
        self.0
            .live
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(Arc::clone(&cells));
        Shard {
            cells,
            set: Arc::clone(&self.0),
        }
    }

    /// The sum over every shard, live or let go of.
    pub(crate) fn totals(&self) -> [u64; SLOTS] {
        let mut sum = [0u64; SLOTS];
        // Under the lock, so that a shard being folded in is counted exactly once.
        let live = self.0.live.lock().unwrap_or_else(PoisonError::into_inner);
        self.0.retired.add_to(&mut sum);
        for cells in live.iter() {
            cells.add_to(&mut sum);
        }
        sum
    }

    /// How many shards are live (to show that the set stays bounded).
    #[cfg(test)]
    pub(crate) fn live_shards(&self) -> usize {
        self.0
            .live
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}

/// One writer's counters in a [`Counters`] set. Only its owner (one middleware instance, on
/// one thread) bumps it; dropping it folds its counts into the set.
pub(crate) struct Shard {
    cells: Arc<Cells>,
    set: Arc<Set>,
}

impl Shard {
    /// Adds one to `slot`.
    #[inline]
    pub(crate) fn bump(&self, slot: usize) {
        let c = &self.cells.0[slot];
        // Single writer: a plain load + store is an exact increment, without a locked RMW.
        c.store(c.load(Relaxed).wrapping_add(1), Relaxed);
    }
}

impl Drop for Shard {
    fn drop(&mut self) {
        let mut live = self.set.live.lock().unwrap_or_else(PoisonError::into_inner);
        for (total, c) in self.set.retired.0.iter().zip(self.cells.0.iter()) {
            total.fetch_add(c.load(Relaxed), Relaxed);
        }
        live.retain(|cells| !Arc::ptr_eq(cells, &self.cells));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shard_is_summed_and_a_dropped_shard_keeps_its_counts() {
        let set = Counters::new();
        let (a, b) = (set.shard(), set.shard());
        a.bump(0);
        b.bump(0);
        b.bump(1);
        assert_eq!(set.totals()[..2], [2, 1]);
        drop(b);
        assert_eq!(set.totals()[..2], [2, 1]);
        assert_eq!(set.live_shards(), 1);
    }

    #[test]
    fn a_set_holds_one_shard_per_live_writer_however_often_writers_come_and_go() {
        let set = Counters::new();
        for _ in 0..100_000 {
            let shard = set.shard();
            shard.bump(3);
        }
        assert_eq!(set.live_shards(), 0);
        assert_eq!(set.totals()[3], 100_000);
    }
}
