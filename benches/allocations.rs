//! Heap allocations per request, per scenario × variant, counted by a global allocator.
//!
//! Run: `cargo bench -p corsair-bench --bench allocations`
//!
//! Prints a table of allocations (and bytes) per request for no middleware, actix-cors 0.7
//! and corsair, with each middleware's difference over no middleware. Exits non-zero if
//! corsair adds any allocation per request (after warm-up) in any scenario, merges into a
//! handler's `Vary` included, or more than one where the handler's `Vary` line is too long
//! for a worker to remember (`vary_oversized_allowed`, over 4 KiB). So it doubles as a check
//! (CI runs it).

mod common;

use std::{
    alloc::{GlobalAlloc, Layout, System},
    hint::black_box,
    process::ExitCode,
    sync::atomic::{AtomicU64, Ordering::Relaxed},
};

use actix_web::{body::MessageBody, dev::Service, dev::ServiceResponse};
use common::{HandlerVary, Request, RequestFactory, Scenario, Variant, WithService};

/// Counts every allocation and reallocation, then defers to the system allocator.
struct Counting;

static ALLOCS: AtomicU64 = AtomicU64::new(0);
static REALLOCS: AtomicU64 = AtomicU64::new(0);
static BYTES: AtomicU64 = AtomicU64::new(0);

// SAFETY: every method forwards to `System` with the caller's arguments unchanged; the
// counters are plain atomics and never allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Relaxed);
        BYTES.fetch_add(layout.size() as u64, Relaxed);
        // SAFETY: forwarded contract of `GlobalAlloc::alloc`.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Relaxed);
        BYTES.fetch_add(layout.size() as u64, Relaxed);
        // SAFETY: forwarded contract of `GlobalAlloc::alloc_zeroed`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded contract of `GlobalAlloc::dealloc`.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        REALLOCS.fetch_add(1, Relaxed);
        BYTES.fetch_add(new_size.saturating_sub(layout.size()) as u64, Relaxed);
        // SAFETY: forwarded contract of `GlobalAlloc::realloc`.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Requests run before counting (fills actix's object pools, warms lazy state).
const WARM_UP: u64 = 1_000;
/// Requests counted.
const N: u64 = 2_000;
/// Average extra allocations per request below which "adds zero" holds (absorbs one-off
/// growth of a pool during the counted window; a per-request allocation is >= 1.0).
const ZERO: f64 = 0.01;

/// Allocation counts per request of one scenario × variant.
#[derive(Clone, Copy, Default)]
struct PerRequest {
    allocs: f64,
    reallocs: f64,
    bytes: f64,
}

impl PerRequest {
    fn events(self) -> f64 {
        self.allocs + self.reallocs
    }
}

struct Count<'a> {
    sys: &'a actix_rt::SystemRunner,
    variant: Variant,
    scenario: Scenario,
}

impl WithService for Count<'_> {
    type Output = PerRequest;

    fn with<S, B>(self, svc: S) -> PerRequest
    where
        S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
        B: MessageBody,
    {
        let factory = RequestFactory::new(self.scenario);
        common::check(self.sys, &svc, &factory, self.variant, self.scenario);
        for _ in 0..WARM_UP {
            black_box(common::call(self.sys, &svc, factory.make()));
        }
        let (a0, r0, b0) = snapshot();
        for _ in 0..N {
            black_box(common::call(self.sys, &svc, factory.make()));
        }
        let (a1, r1, b1) = snapshot();
        PerRequest {
            allocs: (a1 - a0) as f64 / N as f64,
            reallocs: (r1 - r0) as f64 / N as f64,
            bytes: (b1 - b0) as f64 / N as f64,
        }
    }
}

fn snapshot() -> (u64, u64, u64) {
    (
        ALLOCS.load(Relaxed),
        REALLOCS.load(Relaxed),
        BYTES.load(Relaxed),
    )
}

/// The most allocations corsair may add per request in `s` (steady state, after warm-up),
/// if it is checked: none on every path, including a merge into the handler's `Vary` (each
/// worker remembers the merge of a line it has seen: the response gets a clone of that
/// value); one where the line is too long to be remembered and is merged each time
/// (`vary_oversized_allowed`, the worst case: the merged field itself).
fn limit(s: Scenario) -> Option<u32> {
    match s {
        Scenario::Actual(_, HandlerVary::Oversized) => Some(1),
        Scenario::NoOrigin
        | Scenario::Allowed1
        | Scenario::Allowed100
        | Scenario::Allowed10k
        | Scenario::Pattern1
        | Scenario::Pattern1000
        | Scenario::Regex
        | Scenario::Disallowed
        | Scenario::CompressOutside
        | Scenario::CompressInside
        | Scenario::Actual(..)
        | Scenario::PreflightAllowed
        | Scenario::PreflightRejected => Some(0),
    }
}

fn main() -> ExitCode {
    let sys = actix_rt::System::new();
    println!("Heap allocations per request (alloc+realloc; bytes requested), {N} requests after {WARM_UP} warm-up.");
    println!("Δ = difference over no middleware. Request construction is identical in every variant and cancels in Δ.\n");
    println!(
        "| scenario | none | actix-cors | Δ actix-cors | corsair | Δ corsair | Δ bytes actix-cors | Δ bytes corsair | check |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---|");

    let mut failed = Vec::new();
    for scenario in Scenario::ALL {
        let mut results = [None; 3];
        for (i, variant) in Variant::ALL.into_iter().enumerate() {
            if scenario.supports(variant) {
                results[i] = Some(common::with_service(
                    &sys,
                    variant,
                    scenario,
                    Count {
                        sys: &sys,
                        variant,
                        scenario,
                    },
                ));
            }
        }
        let none = results[0].expect("no-middleware variant always runs");
        let cell =
            |r: Option<PerRequest>| r.map_or("n/a".to_owned(), |r| format!("{:.2}", r.events()));
        let delta = |r: Option<PerRequest>| {
            r.map_or("n/a".to_owned(), |r| {
                format!("{:+.2}", r.events() - none.events())
            })
        };
        let delta_bytes = |r: Option<PerRequest>| {
            r.map_or("n/a".to_owned(), |r| {
                format!("{:+.0}", r.bytes - none.bytes)
            })
        };
        let corsair = results[2].expect("corsair variant always runs");
        let added = corsair.events() - none.events();
        let verdict = match limit(scenario) {
            Some(0) if added < ZERO => "ok (zero required)".to_owned(),
            Some(max) if max > 0 && added < f64::from(max) + ZERO => {
                format!("ok (at most {max} required)")
            }
            Some(max) => {
                failed.push((scenario, added, max));
                format!("FAIL (at most {max} required)")
            }
            None if added <= -ZERO => "fewer than none".to_owned(),
            None if added < ZERO => "zero".to_owned(),
            None => "allocates".to_owned(),
        };
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            scenario.name(),
            cell(results[0]),
            cell(results[1]),
            delta(results[1]),
            cell(results[2]),
            delta(results[2]),
            delta_bytes(results[1]),
            delta_bytes(results[2]),
            verdict,
        );
        // Keep `reallocs` visible when they occur: they are allocations too.
        if corsair.reallocs > none.reallocs + ZERO {
            println!(
                "|   ↳ corsair reallocs/request: {:.2} (none: {:.2}) | | | | | | | | |",
                corsair.reallocs, none.reallocs
            );
        }
    }
    println!();
    for s in Scenario::ALL {
        if !s.note().is_empty() {
            println!("note: {}: {}", s.name(), s.note());
        }
    }

    if failed.is_empty() {
        println!("\nOK: corsair adds no allocation per request on any path (a handler Vary line a worker has seen is merged from its remembered value), and one at most where a line is too long to remember.");
        ExitCode::SUCCESS
    } else {
        for (s, added, max) in failed {
            eprintln!(
                "FAIL: corsair adds {added:.2} allocations per request on {} (at most {max} allowed)",
                s.name()
            );
        }
        ExitCode::FAILURE
    }
}
