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
//! The interner holds at most [`INTERN_LIMIT`] bytes; past that (only a process that loads
//! ever-new origins would get there), values fall back to a reference-counted buffer, cloned
//! once here so that no request pays the first clone's allocation
//! (`tests/header_value_sharing.rs` pins that `bytes` behaviour).

use std::{
    collections::BTreeSet,
    sync::{
        atomic::{AtomicBool, Ordering},
        Mutex, PoisonError,
    },
};

use actix_web::{http::header::HeaderValue, web::Bytes};

/// Most bytes of distinct header values stored for the life of the process.
pub(crate) const INTERN_LIMIT: usize = 1 << 20;

/// The distinct texts stored so far, and their total length (at most `limit`).
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
        if self.bytes + bytes.len() > self.limit {
            return None;
        }
        let text: &'static [u8] = Box::leak(bytes.into());
        self.bytes += text.len();
        self.texts.insert(text);
        Some(text)
    }
}

static INTERNED: Mutex<Interner> = Mutex::new(Interner {
    texts: BTreeSet::new(),
    bytes: 0,
    limit: INTERN_LIMIT,
});

/// The process-wide `'static` copy of `bytes`; `None` once [`INTERN_LIMIT`] is reached.
fn interned(bytes: &[u8]) -> Option<&'static [u8]> {
    INTERNED
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .get_or_store(bytes)
}

/// Returns `value` with `'static` bytes, so that cloning it per request neither allocates nor
/// writes a shared reference count (see the [module docs](self)).
pub(crate) fn shared(value: HeaderValue) -> HeaderValue {
    let Some(text) = interned(value.as_bytes()) else {
        static WARNED: AtomicBool = AtomicBool::new(false);
        if !WARNED.swap(true, Ordering::Relaxed) {
            log::warn!(
                "corsair: more than {INTERN_LIMIT} bytes of distinct header values configured in \
             this process; further values are reference-counted (each response then updates a \
             count shared by every worker)"
            );
        }
        drop(value.clone());
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

    #[test]
    fn equal_values_share_one_stored_copy() {
        let a = shared(HeaderValue::from_str("https://interned.example").unwrap());
        let b = shared(HeaderValue::from_str("https://interned.example").unwrap());
        assert_eq!(a, "https://interned.example");
        assert_eq!(a.as_bytes().as_ptr(), b.as_bytes().as_ptr());
    }

    #[test]
    fn clones_point_at_the_stored_copy_not_at_the_original_buffer() {
        let original = HeaderValue::from_str("GET, PUT, X-Interned").unwrap();
        let stored = shared(original.clone());
        assert_ne!(stored.as_bytes().as_ptr(), original.as_bytes().as_ptr());
        assert_eq!(
            stored.clone().as_bytes().as_ptr(),
            stored.as_bytes().as_ptr()
        );
        let text = interned(b"GET, PUT, X-Interned").unwrap();
        assert_eq!(stored.as_bytes().as_ptr(), text.as_ptr());
    }

    #[test]
    fn a_full_interner_stores_nothing_new_but_still_finds_what_it_has() {
        let mut interner = Interner {
            texts: BTreeSet::new(),
            bytes: 0,
            limit: 10,
        };
        let first = interner.get_or_store(b"abcdef").unwrap();
        assert_eq!(interner.get_or_store(b"ghijkl"), None);
        assert_eq!(
            interner.get_or_store(b"abcdef").unwrap().as_ptr(),
            first.as_ptr()
        );
        assert_eq!(interner.get_or_store(b"ghij").unwrap(), b"ghij");
        assert_eq!(interner.bytes, 10);
    }

    #[test]
    fn sensitivity_is_kept() {
        let mut value = HeaderValue::from_static("secret-ish");
        value.set_sensitive(true);
        assert!(shared(value).is_sensitive());
    }
}
