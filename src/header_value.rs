//! Header values built once at start-up and cloned into responses without allocating and
//! without writing memory that other workers share.
//!
//! A [`HeaderValue`] keeps its bytes in a `bytes::Bytes`. One built from owned text
//! (`HeaderValue::from_str`, `HeaderValue::from(usize)`) owns a plain buffer; its **first**
//! clone allocates (`Bytes` moves the buffer behind a reference count), and every later clone
//! and drop increments and decrements that count: an atomic read-modify-write on one cache
//! line. A policy is shared by every worker, so such a count would be written by every
//! worker on every response, and that cache line would bounce between cores.
//!
//! [`shared`] therefore gives the policy values whose bytes are `'static`: cloning one copies
//! a pointer and a length, dropping one does nothing, and no count exists. The bytes come
//! from a process-wide interner: each distinct text is stored once, for the life of the
//! process (so rebuilding or reloading a policy with the same values stores nothing new).
//! The interner holds at most [`INTERN_LIMIT`] bytes of memory, counting each value's text
//! and [`ENTRY_OVERHEAD`] bytes of bookkeeping (measured: about 86 bytes per short value), so
//! about 130,000 origins; nothing is freed. Past that (only a process that keeps loading
//! new values would get there), values fall back to a reference-counted buffer, cloned once
//! here so that no request pays the first clone's allocation (`tests/header_value_sharing.rs`
//! pins that `bytes` behaviour), and a warning is logged once.

use std::{
    collections::BTreeSet,
    sync::{
        atomic::{AtomicBool, Ordering},
        Mutex, PoisonError,
    },
};

use actix_web::{http::header::HeaderValue, web::Bytes};

/// Most memory the interner keeps for the life of the process: 16 MiB.
pub(crate) const INTERN_LIMIT: usize = 16 << 20;
/// Bookkeeping counted per stored value besides its text (the allocation's header and
/// rounding, and the set's share), rounded up from a measurement.
pub(crate) const ENTRY_OVERHEAD: usize = 96;

/// The distinct texts stored so far, and the memory counted for them (at most `limit`).
struct Interner {
    texts: BTreeSet<&'static [u8]>,
    bytes: usize,
    limit: usize,
}

impl Interner {
    /// The `'static` copy of `bytes`, stored on first use; `None` if it would not fit.
    fn get_or_store(&mut self, bytes: &[u8]) -> Option<&'static [u8]> {
        if let Some(&text) = self.texts.get(bytes) {
            return Some(text);
        }
        let cost = bytes.len() + ENTRY_OVERHEAD;
        if self.bytes + cost > self.limit {
            return None;
        }
        let text: &'static [u8] = Box::leak(bytes.into());
        self.bytes += cost;
        self.texts.insert(text);
        Some(text)
    }
}

static INTERNED: Mutex<Interner> = Mutex::new(Interner {
    texts: BTreeSet::new(),
    bytes: 0,
    limit: INTERN_LIMIT,
});

/// Returns `value` with `'static` bytes, so that cloning it per request neither allocates nor
/// writes a shared reference count (see the [module docs](self)).
pub(crate) fn shared(value: HeaderValue) -> HeaderValue {
    shared_in(&INTERNED, value)
}

/// [`shared`], storing in `interner`.
fn shared_in(interner: &Mutex<Interner>, value: HeaderValue) -> HeaderValue {
    let text = interner
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .get_or_store(value.as_bytes());
    let Some(text) = text else {
        static WARNED: AtomicBool = AtomicBool::new(false);
        if !WARNED.swap(true, Ordering::Relaxed) {
            log::warn!(
                "corsair: more than {} MiB of distinct header values configured in this \
                 process; further values are reference-counted (each response then updates \
                 a count shared by every worker)",
                INTERN_LIMIT >> 20
            );
        }
        drop(value.clone()); // the first clone allocates: done here, not per request
        return value;
    };
    let mut stored = HeaderValue::from_maybe_shared(Bytes::from_static(text))
        .expect("the bytes of a header value are a header value");
    stored.set_sensitive(value.is_sensitive());
    stored
}

/// Joins names with `", "` into one [`shared`] header value; `None` for an empty list.
pub(crate) fn joined<'a>(names: impl Iterator<Item = &'a str>) -> Option<HeaderValue> {
    let text = names.collect::<Vec<_>>().join(", ");
    if text.is_empty() {
        return None;
    }
    Some(shared(
        HeaderValue::from_str(&text).expect("tokens are valid header values"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Cors;

    /// True if `value`'s bytes are the process interner's copy of its text.
    fn is_interned(value: &HeaderValue) -> bool {
        let interner = INTERNED.lock().unwrap();
        interner
            .texts
            .get(value.as_bytes())
            .is_some_and(|text| text.as_ptr() == value.as_bytes().as_ptr())
    }

    fn interner(limit: usize) -> Mutex<Interner> {
        Mutex::new(Interner {
            texts: BTreeSet::new(),
            bytes: 0,
            limit,
        })
    }

    #[test]
    fn equal_values_share_one_stored_copy() {
        let a = shared(HeaderValue::from_str("https://interned.example").unwrap());
        let b = shared(HeaderValue::from_str("https://interned.example").unwrap());
        assert_eq!(a, "https://interned.example");
        assert_eq!(a.as_bytes().as_ptr(), b.as_bytes().as_ptr());
    }

    #[test]
    fn a_stored_value_points_at_the_interned_copy_not_at_the_original_buffer() {
        let original = HeaderValue::from_str("GET, PUT, X-Interned").unwrap();
        let stored = shared(original.clone());
        assert_eq!(stored, original);
        assert_ne!(stored.as_bytes().as_ptr(), original.as_bytes().as_ptr());
        assert!(is_interned(&stored));
    }

    #[test]
    fn every_value_a_policy_sends_is_interned() {
        let policy = Cors::default()
            .allowed_origin("https://every-value.example")
            .allowed_origin("https://every-value-2.example")
            .allowed_methods(["GET", "PUT"])
            .allowed_headers(["x-every-value"])
            .expose_headers(["x-every-value-exposed"])
            .max_age(1234)
            .build()
            .unwrap();
        let compiled = &policy.inner;
        let mut values: Vec<&HeaderValue> = compiled.origins.exact.values().collect();
        values.extend(compiled.methods.value.iter());
        values.extend(compiled.headers.value.iter());
        values.extend(compiled.expose.iter());
        values.extend(compiled.max_age.iter());
        assert_eq!(values.len(), 6);
        for value in values {
            assert!(is_interned(value), "{value:?} is not interned");
        }
    }

    #[test]
    fn a_full_interner_stores_nothing_new_but_still_finds_what_it_has() {
        let mut interner = interner(2 * ENTRY_OVERHEAD + 10).into_inner().unwrap();
        let first = interner.get_or_store(b"abcdef").unwrap();
        assert_eq!(interner.get_or_store(b"ghijkl"), None);
        assert_eq!(
            interner.get_or_store(b"abcdef").unwrap().as_ptr(),
            first.as_ptr()
        );
        assert_eq!(interner.get_or_store(b"ghij").unwrap(), b"ghij");
        assert_eq!(interner.bytes, 2 * ENTRY_OVERHEAD + 10);
    }

    #[test]
    fn past_the_limit_a_value_keeps_its_own_buffer_and_its_bytes() {
        let full = interner(0);
        let mut original = HeaderValue::from_str("https://past-the-limit.example").unwrap();
        original.set_sensitive(true);
        let ptr = original.as_bytes().as_ptr();
        let kept = shared_in(&full, original);
        assert_eq!(kept, "https://past-the-limit.example");
        assert_eq!(kept.as_bytes().as_ptr(), ptr, "copied instead of kept");
        assert!(kept.is_sensitive());
        assert!(full.lock().unwrap().texts.is_empty());
    }

    #[test]
    fn sensitivity_is_kept() {
        let mut value = HeaderValue::from_static("secret-ish");
        value.set_sensitive(true);
        assert!(shared(value).is_sensitive());
    }
}
