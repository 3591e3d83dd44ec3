//! Merging `Vary` into a response without overwriting or duplicating what is there.

use actix_web::http::header::{HeaderMap, HeaderValue, VARY};

use crate::header_list::contains_token;

/// Adds every name of `ours` (a precomputed comma-separated `Vary` value) to the response's
/// `Vary`, keeping the names the handler set.
///
/// With no `Vary` yet this inserts the shared precomputed value (no allocation). If every name
/// is already present (case-insensitively), or the response varies on `*`, nothing changes.
/// Otherwise the existing values and the missing names are joined into one field.
pub(crate) fn merge(headers: &mut HeaderMap, ours: &HeaderValue) {
    if !headers.contains_key(VARY) {
        headers.append(VARY, ours.clone());
        return;
    }
    let covered = |name: &[u8]| {
        headers
            .get_all(VARY)
            .any(|v| contains_token(v.as_bytes(), b"*") || contains_token(v.as_bytes(), name))
    };
    let missing: Vec<&[u8]> = ours
        .as_bytes()
        .split(|&b| b == b',')
        .map(<[u8]>::trim_ascii)
        .filter(|name| !name.is_empty() && !covered(name))
        .collect();
    if missing.is_empty() {
        return;
    }
    let mut joined: Vec<u8> = Vec::new();
    for existing in headers.get_all(VARY) {
        let existing = existing.as_bytes().trim_ascii();
        if !existing.is_empty() {
            if !joined.is_empty() {
                joined.extend_from_slice(b", ");
            }
            joined.extend_from_slice(existing);
        }
    }
    for name in missing {
        if !joined.is_empty() {
            joined.extend_from_slice(b", ");
        }
        joined.extend_from_slice(name);
    }
    if let Ok(value) = HeaderValue::from_bytes(&joined) {
        headers.insert(VARY, value);
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
    }
}
