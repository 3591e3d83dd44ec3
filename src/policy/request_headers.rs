//! Parsing `Access-Control-Request-Headers`.
//!
//! The Fetch standard sends the header as a comma-separated list of lower-case names, but the
//! middleware accepts what the grammar allows: optional white space around items, any case,
//! and empty items ignored. Lists are bounded, so a hostile request cannot make the middleware
//! do unbounded work.

use crate::fetch::is_token;

/// At most this many names in one `Access-Control-Request-Headers`.
pub(crate) const MAX_REQUEST_HEADERS: usize = 64;
/// At most this many bytes in one `Access-Control-Request-Headers`.
pub(crate) const MAX_REQUEST_HEADERS_LEN: usize = 4096;

/// What is wrong with a request header list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ListFault {
    /// Longer than [`MAX_REQUEST_HEADERS_LEN`] or more than [`MAX_REQUEST_HEADERS`] names.
    TooLong,
    /// An item is not a token.
    NotAToken,
}

/// Validates a request header list in one pass, calling `each` with every name as it goes.
/// A malformed list is reported even if `each` already saw some names. Does not allocate.
pub(crate) fn scan(value: &[u8], mut each: impl FnMut(&[u8])) -> Result<(), ListFault> {
    if value.len() > MAX_REQUEST_HEADERS_LEN {
        return Err(ListFault::TooLong);
    }
    for (count, item) in items(value).enumerate() {
        if count >= MAX_REQUEST_HEADERS {
            return Err(ListFault::TooLong);
        }
        if !is_token(item) {
            return Err(ListFault::NotAToken);
        }
        each(item);
    }
    Ok(())
}

/// Iterates over the names of a request header list, or reports why it is malformed.
/// Does not allocate.
pub(crate) fn parse(value: &[u8]) -> Result<impl Iterator<Item = &[u8]>, ListFault> {
    scan(value, |_| ())?;
    Ok(items(value))
}

fn items(value: &[u8]) -> impl Iterator<Item = &[u8]> {
    value
        .split(|&b| b == b',')
        .map(|item| item.trim_ascii())
        .filter(|item| !item.is_empty())
}

/// True if `list` (comma-separated, any case) contains `token`, case-insensitively.
#[cfg(test)]
pub(crate) fn contains_token(list: &[u8], token: &[u8]) -> bool {
    items(list).any(|item| item.eq_ignore_ascii_case(token))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: &str) -> Result<Vec<String>, ListFault> {
        parse(v.as_bytes()).map(|it| it.map(|b| String::from_utf8(b.to_vec()).unwrap()).collect())
    }

    #[test]
    fn splits_on_commas_trims_white_space_and_skips_empty_items() {
        assert_eq!(
            names(" x-a ,X-B,,\tcontent-type , ").unwrap(),
            ["x-a", "X-B", "content-type"]
        );
        assert_eq!(names("").unwrap(), Vec::<String>::new());
        assert_eq!(names(" , ,").unwrap(), Vec::<String>::new());
    }

    #[test]
    fn rejects_non_tokens_and_absurd_lists() {
        assert_eq!(names("x-a, x b"), Err(ListFault::NotAToken));
        assert_eq!(names("x-a;b"), Err(ListFault::NotAToken));
        let many = vec!["x"; MAX_REQUEST_HEADERS + 1].join(",");
        assert_eq!(names(&many), Err(ListFault::TooLong));
        let long = "x".repeat(MAX_REQUEST_HEADERS_LEN + 1);
        assert_eq!(names(&long), Err(ListFault::TooLong));
    }

    #[test]
    fn token_search_ignores_case() {
        assert!(contains_token(b"Accept-Encoding, origin", b"Origin"));
        assert!(!contains_token(b"Accept-Encoding, x-origin", b"Origin"));
    }

    mod properties {
        use proptest::prelude::*;

        use super::super::*;

        /// RFC 9110 `tchar`, restated here rather than imported.
        const TCHAR_PUNCTUATION: &str = "!#$%&'*+-.^_`|~";

        fn is_tchar(b: u8) -> bool {
            b.is_ascii_alphanumeric() || TCHAR_PUNCTUATION.as_bytes().contains(&b)
        }

        /// A header name made of token characters, in any case.
        fn token() -> impl Strategy<Value = String> {
            "[A-Za-z0-9!#$%&'*+.^_`|~-]{1,20}"
        }

        proptest! {
            /// Whatever the bytes, the parser answers (no panic), and what it accepts is a
            /// bounded list of tokens, trimmed, none empty.
            #[test]
            fn any_input_is_answered_and_accepted_items_are_tokens(
                value in proptest::collection::vec(any::<u8>(), 0..300),
            ) {
                match parse(&value) {
                    Ok(items) => {
                        let items: Vec<&[u8]> = items.collect();
                        prop_assert!(value.len() <= MAX_REQUEST_HEADERS_LEN);
                        prop_assert!(items.len() <= MAX_REQUEST_HEADERS);
                        for item in items {
                            prop_assert!(!item.is_empty());
                            prop_assert!(item.iter().all(|&b| is_tchar(b)), "{item:?}");
                        }
                    }
                    Err(ListFault::TooLong) => prop_assert!(
                        value.len() > MAX_REQUEST_HEADERS_LEN
                            || value.split(|&b| b == b',').count() > MAX_REQUEST_HEADERS
                    ),
                    Err(ListFault::NotAToken) => {
                        // Some item, trimmed of white space, is not a token.
                        prop_assert!(value
                            .split(|&b| b == b',')
                            .map(<[u8]>::trim_ascii)
                            .any(|item| !item.is_empty() && !item.iter().all(|&b| is_tchar(b))));
                    }
                }
            }

            /// A list as a browser or a client writes it (any spacing, empty items) gives back
            /// its names, in order, and `scan` sees the same names as `parse`.
            #[test]
            fn written_lists_give_back_their_names(
                names in proptest::collection::vec(token(), 0..MAX_REQUEST_HEADERS),
                separators in proptest::collection::vec(
                    prop_oneof![Just(","), Just(", "), Just(" ,\t"), Just(",,"), Just(" , ")],
                    MAX_REQUEST_HEADERS,
                ),
            ) {
                let mut text = String::new();
                for (i, name) in names.iter().enumerate() {
                    if i > 0 {
                        text.push_str(separators[i]);
                    }
                    text.push_str(name);
                }
                let parsed: Vec<&[u8]> = parse(text.as_bytes()).unwrap().collect();
                let expected: Vec<&[u8]> = names.iter().map(|n| n.as_bytes()).collect();
                prop_assert_eq!(&parsed, &expected);
                let mut scanned = Vec::new();
                scan(text.as_bytes(), |n| scanned.push(n.to_vec())).unwrap();
                prop_assert_eq!(scanned, expected.iter().map(|n| n.to_vec()).collect::<Vec<_>>());
            }
        }
    }
}
