//! Header values built once and cloned into responses without allocating.
//!
//! A [`HeaderValue`] keeps its bytes in a `bytes::Bytes`. One built from owned text owns a
//! plain buffer: its **first** clone allocates (the buffer moves behind a reference count),
//! and every later clone and drop updates that count. So:
//! - a policy's values are built once, at start-up ([`joined`], [`number`]);
//! - each middleware instance gets its own copy of them ([`own_copy`], called when a worker's
//!   policy is made: `Compiled::for_worker`), already cloned once, so that a request's clone
//!   never allocates and updates a count that only this worker touches.
//!
//! Nothing here is global: a copy is freed with the policy that owns it.

use actix_web::{http::header::HeaderValue, web::Bytes};

/// A copy of `value` in a buffer of its own, already shared once, so that cloning it per
/// request neither allocates nor writes memory another worker's copy uses.
pub(crate) fn own_copy(value: &HeaderValue) -> HeaderValue {
    let mut copy = HeaderValue::from_maybe_shared(Bytes::copy_from_slice(value.as_bytes()))
        .expect("the bytes of a header value are a header value");
    copy.set_sensitive(value.is_sensitive());
    drop(copy.clone()); // the first clone allocates: done here, not per request
    copy
}

/// Joins names with `", "` into one header value; `None` for an empty list.
pub(crate) fn joined<'a>(names: impl Iterator<Item = &'a str>) -> Option<HeaderValue> {
    let text = names.collect::<Vec<_>>().join(", ");
    if text.is_empty() {
        return None;
    }
    Some(HeaderValue::from_str(&text).expect("tokens are valid header values"))
}

/// A number as a header value (e.g. a max-age).
pub(crate) fn number(n: usize) -> HeaderValue {
    HeaderValue::from(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_own_copy_has_the_same_bytes_in_another_buffer() {
        let value = HeaderValue::from_str("https://a.example").unwrap();
        let copy = own_copy(&value);
        assert_eq!(copy, value);
        assert_ne!(copy.as_bytes().as_ptr(), value.as_bytes().as_ptr());
    }

    #[test]
    fn sensitivity_is_kept() {
        let mut value = HeaderValue::from_static("secret");
        value.set_sensitive(true);
        assert!(own_copy(&value).is_sensitive());
    }

    #[test]
    fn an_empty_list_joins_to_nothing() {
        assert_eq!(joined(std::iter::empty()), None);
        assert_eq!(joined(["GET", "PUT"].into_iter()).unwrap(), "GET, PUT");
    }
}
