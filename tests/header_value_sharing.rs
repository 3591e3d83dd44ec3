//! Pins the `bytes` behaviour corsair's header values fall back on (`src/header_value.rs`):
//! policy values normally have `'static` bytes (no count at all; see
//! `tests/it/wire/header_values_per_process.rs`), but past the interner's 16 MiB they are
//! reference-counted, cloned once at start-up. A `HeaderValue` built from owned text allocates
//! on its first clone only; once cloned, every further clone is a reference-count increment.
//! If a `bytes` release changes this, these tests fail before any request pays for it.

use std::{
    alloc::{GlobalAlloc, Layout, System},
    cell::Cell,
};

use actix_web::http::header::HeaderValue;

/// Counts allocations per thread, so tests running in parallel do not disturb each other.
struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|a| a.set(a.get() + 1));
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations_in(f: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.with(Cell::get);
    f();
    ALLOCATIONS.with(Cell::get) - before
}

fn built_from_text() -> HeaderValue {
    HeaderValue::from_str(&["GET", "PUT", "DELETE"].join(", ")).unwrap()
}

#[test]
fn the_first_clone_of_a_value_built_from_text_allocates() {
    let value = built_from_text();
    let first = allocations_in(|| drop(value.clone()));
    assert!(first >= 1, "first clone allocated {first} times");
}

#[test]
fn once_cloned_further_clones_never_allocate() {
    let value = built_from_text();
    drop(value.clone()); // what `header_value::shared` does at start-up
    let later = allocations_in(|| {
        for _ in 0..1000 {
            let copy = value.clone();
            assert_eq!(copy.as_bytes(), b"GET, PUT, DELETE");
        }
    });
    assert_eq!(later, 0);
}

#[test]
fn a_number_value_behaves_the_same() {
    // `Access-Control-Max-Age` is built with `HeaderValue::from(usize)`.
    let value = HeaderValue::from(600usize);
    drop(value.clone());
    assert_eq!(allocations_in(|| drop(value.clone())), 0);
}
