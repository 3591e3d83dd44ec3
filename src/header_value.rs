//! Header values built once at start-up and cloned into responses without allocating.
//!
//! A [`HeaderValue`] keeps its bytes in a `bytes::Bytes`. One built from owned text
//! (`HeaderValue::from_str`, `HeaderValue::from(usize)`) starts out owning a plain buffer, and
//! the **first** clone of it allocates: `Bytes` moves the buffer behind a reference count then.
//! Every later clone only increments that count. `bytes` does not document this as a promise,
//! so `tests/header_value_sharing.rs` pins it: if a new `bytes` version changed it, that test
//! fails (and the per-request allocation counts of `benches/allocations.rs` would show it).
//!
//! [`shared`] makes that first clone at start-up, so that no request pays for it. Every value
//! the policy keeps for responses goes through here.

use actix_web::http::header::HeaderValue;

/// Returns `value` with its buffer already reference-counted, so that cloning it per request
/// never allocates (see the [module docs](self)).
pub(crate) fn shared(value: HeaderValue) -> HeaderValue {
    drop(value.clone());
    value
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
