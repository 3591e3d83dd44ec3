//! Merging `Vary` into a response without overwriting or duplicating what is there.
//!
//! Cost: with no `Vary` on the response, one shared precomputed value is appended (no
//! allocation). With a `Vary` already there, the existing names are scanned once, in place;
//! if every name of ours is covered (or the response varies on `*`) nothing changes;
//! otherwise the one merged field is written into a buffer of exactly the right size, which
//! becomes the header value without a copy: one allocation.

use actix_web::{
    http::header::{HeaderMap, HeaderValue, VARY},
    web::Bytes,
};

/// The comma-separated names of a `Vary` value, trimmed, empty items skipped.
fn names(list: &[u8]) -> impl Iterator<Item = &[u8]> {
    list.split(|&b| b == b',')
        .map(<[u8]>::trim_ascii)
        .filter(|name| !name.is_empty())
}

/// Marks in `covered` (bit i: our i-th name) the names of `ours` equal to `name`.
#[inline]
fn mark(ours: &[u8], single: bool, name: &[u8], covered: &mut u64) {
    if single {
        if name.len() == ours.len() && name.eq_ignore_ascii_case(ours) {
            *covered |= 1;
        }
        return;
    }
    for (i, our) in names(ours).enumerate().take(64) {
        if name.len() == our.len() && name.eq_ignore_ascii_case(our) {
            *covered |= 1 << i;
        }
    }
}

/// Adds every name of `ours` (a precomputed comma-separated `Vary` value of at most 64
/// names) to the response's `Vary`, keeping the names the handler set, as one field.
///
/// With no `Vary` yet this inserts the shared precomputed value (no allocation). If every name
/// is already present (case-insensitively), or the response varies on `*`, nothing changes.
/// Otherwise the existing lines (verbatim, trimmed) and the missing names are joined into one
/// field (one allocation).
pub(crate) fn merge(headers: &mut HeaderMap, ours: &HeaderValue) {
    let mut existing = headers.get_all(VARY).peekable();
    if existing.peek().is_none() {
        // The usual case: nothing to merge with.
        headers.append(VARY, ours.clone());
        return;
    }
    let ours_bytes = ours.as_bytes();
    let single = !ours_bytes.contains(&b',');
    let count = if single {
        1
    } else {
        names(ours_bytes).count().min(64)
    };
    // Bit i set: our i-th name is already on the response.
    let mut covered: u64 = 0;
    let (mut lines, mut kept_lines, mut kept_len) = (0, 0, 0);
    for value in existing {
        lines += 1;
        let line = value.as_bytes().trim_ascii();
        if line.is_empty() {
            continue;
        }
        kept_lines += 1;
        kept_len += line.len();
        for name in line.split(|&b| b == b',') {
            let name = name.trim_ascii();
            if name == b"*" {
                return; // varies on everything already
            }
            if !name.is_empty() {
                mark(ours_bytes, single, name, &mut covered);
            }
        }
    }
    let all = if count == 64 {
        u64::MAX
    } else {
        (1u64 << count) - 1
    };
    if covered & all == all {
        return;
    }
    let missing = || {
        let mut i = 0;
        names(ours_bytes).take(64).filter(move |_| {
            i += 1;
            covered & (1 << (i - 1)) == 0
        })
    };
    let items = kept_lines + missing().count();
    let len = kept_len + missing().map(<[u8]>::len).sum::<usize>() + 2 * (items - 1);
    // Exactly the final length, so `Bytes::from` takes the buffer as is (no second allocation).
    let mut joined = Vec::with_capacity(len);
    for value in headers.get_all(VARY) {
        let line = value.as_bytes().trim_ascii();
        if !line.is_empty() {
            if !joined.is_empty() {
                joined.extend_from_slice(b", ");
            }
            joined.extend_from_slice(line);
        }
    }
    for name in missing() {
        if !joined.is_empty() {
            joined.extend_from_slice(b", ");
        }
        joined.extend_from_slice(name);
    }
    debug_assert_eq!(joined.len(), len);
    // The bytes come from valid header values and `, `, so this cannot fail; if it somehow
    // did, the response keeps the handler's `Vary` rather than losing it.
    if let Ok(value) = HeaderValue::from_maybe_shared(Bytes::from(joined)) {
        match headers.get_mut(VARY) {
            // One line (the usual case): replace it in place.
            Some(line) if lines == 1 => *line = value,
            _ => {
                headers.insert(VARY, value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vary_after(existing: &[&str], ours: &str) -> Vec<String> {
        let mut h = HeaderMap::new();
        for v in existing {
            h.append(VARY, HeaderValue::from_str(v).unwrap());
        }
        merge(&mut h, &HeaderValue::from_str(ours).unwrap());
        h.get_all(VARY)
            .map(|v| v.to_str().unwrap().to_owned())
            .collect()
    }

    #[test]
    fn inserts_when_absent() {
        assert_eq!(vary_after(&[], "Origin"), ["Origin"]);
    }

    #[test]
    fn appends_to_existing_values_in_one_field() {
        assert_eq!(
            vary_after(&["Accept-Encoding"], "Origin"),
            ["Accept-Encoding, Origin"]
        );
        assert_eq!(
            vary_after(
                &["accept-encoding", "Cookie"],
                "Origin, Access-Control-Request-Method"
            ),
            ["accept-encoding, Cookie, Origin, Access-Control-Request-Method"]
        );
    }

    #[test]
    fn never_duplicates_a_name_in_any_case() {
        assert_eq!(vary_after(&["origin"], "Origin"), ["origin"]);
        assert_eq!(
            vary_after(&["Origin, Accept"], "Origin, Access-Control-Request-Method"),
            ["Origin, Accept, Access-Control-Request-Method"]
        );
    }

    #[test]
    fn star_already_covers_everything() {
        assert_eq!(vary_after(&["*"], "Origin"), ["*"]);
        assert_eq!(vary_after(&["Accept, *"], "Origin, Cookie"), ["Accept, *"]);
    }

    #[test]
    fn several_handler_lines_become_one_field() {
        assert_eq!(
            vary_after(&["Accept-Encoding", "Accept-Language, Cookie"], "Origin"),
            ["Accept-Encoding, Accept-Language, Cookie, Origin"]
        );
    }

    #[test]
    fn one_to_three_handler_names_are_kept_verbatim() {
        assert_eq!(vary_after(&["Accept"], "Origin"), ["Accept, Origin"]);
        assert_eq!(
            vary_after(&["Accept,Accept-Language"], "Origin"),
            ["Accept,Accept-Language, Origin"]
        );
        assert_eq!(
            vary_after(&[" Accept ,  , Accept-Language, Cookie "], "Origin"),
            ["Accept ,  , Accept-Language, Cookie, Origin"]
        );
        assert_eq!(
            vary_after(&[" Accept ,  , origin, Cookie "], "Origin"),
            [" Accept ,  , origin, Cookie "]
        );
    }

    #[test]
    fn only_the_missing_names_are_added() {
        assert_eq!(
            vary_after(
                &["access-control-request-method"],
                "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"
            ),
            ["access-control-request-method, Origin, Access-Control-Request-Headers"]
        );
    }

    #[test]
    fn a_name_that_merely_contains_ours_is_not_ours() {
        assert_eq!(vary_after(&["X-Origin"], "Origin"), ["X-Origin, Origin"]);
    }

    #[test]
    fn an_empty_handler_vary_is_replaced_by_ours() {
        assert_eq!(vary_after(&[""], "Origin"), ["Origin"]);
    }
}
