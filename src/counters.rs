//! Sharded counters, cheap enough for every request: the storage only (what each slot
//! means is up to the owner: `crate::counts` for the outcome counters, `crate::shadow` for
//! the report-only ones). A leaf: it depends on nothing else in the crate.
//!
//! Each writer owns one [`Shard`] per counter set and is its only writer, so an increment is
//! a relaxed load and store on a cache line no other thread writes (no read-modify-write, no
//! contention). Readers sum the shards. The middleware's outcome counters use one shard per
//! middleware instance, held in its per-worker handle (`crate::worker`), so counting a request
//! needs no lookup at all. The report-only counters (`crate::shadow`, off the usual path) find
//! the current thread's shard in a short thread-local list, registered the first time the
//! thread counts for that set. Counters are never labelled by origin, so their number is fixed.

use std::{
    cell::RefCell,
    sync::{
        atomic::{AtomicU64, Ordering::Relaxed},
        Arc, Mutex,
    },
};

/// Slots in one shard (enough for both the outcome and the report-only counters).
pub(crate) const SLOTS: usize = 30;

/// One writer's counters; only that writer's thread writes them. Aligned to a cache line so
/// that two shards never share one.
#[repr(align(64))]
pub(crate) struct Shard([AtomicU64; SLOTS]);

impl Shard {
    fn new() -> Self {
        Shard(std::array::from_fn(|_| AtomicU64::new(0)))
    }

    #[inline]
    pub(crate) fn bump(&self, slot: usize) {
        let c = &self.0[slot];
        // Single writer: a plain load + store is an exact increment, without a locked RMW.
        c.store(c.load(Relaxed).wrapping_add(1), Relaxed);
    }
}

/// A set of counters (one per policy instance, or per report-only slot).
pub(crate) struct Sharded {
    id: u64,
    shards: Mutex<Vec<Arc<Shard>>>,
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

thread_local! {
    /// This thread's shards: (counter set id, shard). A handful of entries.
    static LOCAL: RefCell<Vec<(u64, Arc<Shard>)>> = const { RefCell::new(Vec::new()) };
}

impl Sharded {
    pub(crate) fn new() -> Self {
        Sharded {
            id: NEXT_ID.fetch_add(1, Relaxed),
            shards: Mutex::new(Vec::new()),
        }
    }

    /// A new shard, summed into this set's totals, for a single writer that keeps it (a
    /// middleware instance's handle). Takes the lock once.
    pub(crate) fn new_shard(&self) -> Arc<Shard> {
        let shard = Arc::new(Shard::new());
        self.shards
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(Arc::clone(&shard));
        shard
    }

    /// Adds one to `slot` in the current thread's shard.
    #[inline]
    pub(crate) fn bump(&self, slot: usize) {
        LOCAL.with(|local| {
            if let Some((_, shard)) = local.borrow().iter().find(|(id, _)| *id == self.id) {
                shard.bump(slot);
                return;
            }
            self.register(local, slot);
        });
    }

    /// First count of this thread for this set: forget shards of dropped sets (only this
    /// list still holds them), then register a new one.
    #[cold]
    #[inline(never)]
    fn register(&self, local: &RefCell<Vec<(u64, Arc<Shard>)>>, slot: usize) {
        let mut local = local.borrow_mut();
        local.retain(|(_, shard)| Arc::strong_count(shard) > 1);
        let shard = self.new_shard();
        shard.bump(slot);
        local.push((self.id, shard));
    }

    /// The sum over every thread.
    pub(crate) fn totals(&self) -> [u64; SLOTS] {
        let mut sum = [0u64; SLOTS];
        for shard in self.shards.lock().unwrap_or_else(|e| e.into_inner()).iter() {
            for (s, c) in sum.iter_mut().zip(shard.0.iter()) {
                *s = s.wrapping_add(c.load(Relaxed));
            }
        }
        sum
    }
}
