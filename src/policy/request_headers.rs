//! Parsing `Access-Control-Request-Headers`.
//!
//! The Fetch standard sends the header as a comma-separated list of lower-case names, but the
//! middleware accepts what the grammar allows: optional white space around items, any case,
//! and empty items ignored. Several field lines are one list: RFC 9110 §5.3 and the Fetch
//! standard's "get" combine them, in order, with `, ` between them, so they are read as if
//! joined (without joining them). Lists are bounded, so a hostile request cannot make the
//! middleware do unbounded work: the limits hold for the combined value.

use crate::fetch::is_tchar;
#[cfg(test)]
use crate::fetch::is_token;

/// At most this many names in `Access-Control-Request-Headers` (all its lines together).
pub(crate) const MAX_REQUEST_HEADERS: usize = 64;
/// At most this many bytes in `Access-Control-Request-Headers`: the combined value, lines
/// joined with `,` (each line after the first counts one byte more).
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
pub(crate) fn scan(value: &[u8], each: impl FnMut(&[u8])) -> Result<(), ListFault> {
    scan_lines(std::iter::once(value), each)
}

/// [`scan`] over the field lines of one header, read as their combination (RFC 9110 §5.3):
/// the limits count the combined value, where each line after the first adds a `,`. Each
/// line's length is checked before the line is read, so the work stays bounded by
/// [`MAX_REQUEST_HEADERS_LEN`] plus the number of lines. Does not allocate.
pub(crate) fn scan_lines<'a>(
    lines: impl IntoIterator<Item = &'a [u8]>,
    mut each: impl FnMut(&[u8]),
) -> Result<(), ListFault> {
    let (mut len, mut count) = (0usize, 0usize);
    for (i, line) in lines.into_iter().enumerate() {
        len += line.len() + usize::from(i > 0);
        if len > MAX_REQUEST_HEADERS_LEN {
            return Err(ListFault::TooLong);
        }
        // One pass over the bytes, in place of splitting, trimming and validating each item
        // apart: per item, skip white space, take the token bytes, skip white space, and
        // expect a comma or the end. What the pass decides is what the plain definition
        // decides (the items of `items(line)`, each a token); a unit test holds the two
        // together on every short line.
        let (n, mut j) = (line.len(), 0);
        loop {
            while j < n && line[j].is_ascii_whitespace() {
                j += 1;
            }
            if j >= n {
                break;
            }
            if line[j] == b',' {
                j += 1; // an empty item
                continue;
            }
            let start = j;
            while j < n && is_tchar(line[j]) {
                j += 1;
            }
            let end = j;
            while j < n && line[j].is_ascii_whitespace() {
                j += 1;
            }
            if count >= MAX_REQUEST_HEADERS {
                return Err(ListFault::TooLong);
            }
            count += 1;
            if end == start || (j < n && line[j] != b',') {
                return Err(ListFault::NotAToken);
            }
            each(&line[start..end]);
            j += 1; // past the comma (or the end)
        }
    }
    Ok(())
}

/// Iterates over the names of a request header list, or reports why it is malformed.
/// Does not allocate.
#[cfg(test)]
pub(crate) fn parse(value: &[u8]) -> Result<impl Iterator<Item = &[u8]>, ListFault> {
    scan(value, |_| ())?;
    Ok(items(value))
}

/// The names of one line (or of a whole list), unchecked.
pub(crate) fn items(value: &[u8]) -> impl Iterator<Item = &[u8]> {
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

    /// The plain definition the one-pass scanner must agree with: split on commas, trim,
    /// skip empty items, and every item must be a token; the limits as documented.
    fn by_definition(lines: &[&[u8]]) -> Result<Vec<Vec<u8>>, ListFault> {
        let joined = lines.join(&b","[..]);
        if joined.len() > MAX_REQUEST_HEADERS_LEN {
            return Err(ListFault::TooLong);
        }
        let mut out = Vec::new();
        for item in joined.split(|&b| b == b',') {
            let item = item.trim_ascii();
            if item.is_empty() {
                continue;
            }
            if out.len() >= MAX_REQUEST_HEADERS {
                return Err(ListFault::TooLong);
            }
            if !is_token(item) {
                return Err(ListFault::NotAToken);
            }
            out.push(item.to_vec());
        }
        Ok(out)
    }

    fn by_scanner(lines: &[&[u8]]) -> Result<Vec<Vec<u8>>, ListFault> {
        let mut out = Vec::new();
        scan_lines(lines.iter().copied(), |n| out.push(n.to_vec())).map(|()| out)
    }

    #[test]
    fn the_one_pass_scanner_agrees_with_split_trim_and_validate_on_every_short_line() {
        // Every line of up to 6 bytes over an alphabet with a token byte, a separator, white
        // space of two kinds and a byte that is neither, alone and as the second of two lines.
        let alphabet = [b'a', b'-', b',', b' ', b'\t', b';'];
        let mut checked = 0;
        for len in 0..=6u32 {
            for mut code in 0..alphabet.len().pow(len) {
                let mut line = Vec::new();
                for _ in 0..len {
                    line.push(alphabet[code % alphabet.len()]);
                    code /= alphabet.len();
                }
                for lines in [vec![&line[..]], vec![&b"x, y "[..], &line[..]]] {
                    assert_eq!(by_scanner(&lines), by_definition(&lines), "{lines:?}");
                    checked += 1;
                }
            }
        }
        assert!(checked > 50_000);
        // The limits, at and past their edges.
        let at = vec!["x"; MAX_REQUEST_HEADERS].join(",");
        let past = format!("{at},y;");
        for lines in [
            vec![at.as_bytes()],
            vec![past.as_bytes()],
            vec![at.as_bytes(), b"y"],
        ] {
            assert_eq!(by_scanner(&lines), by_definition(&lines));
        }
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

    fn line_names(lines: &[&str]) -> Result<Vec<String>, ListFault> {
        let mut out = Vec::new();
        scan_lines(lines.iter().map(|l| l.as_bytes()), |n| {
            out.push(String::from_utf8(n.to_vec()).unwrap())
        })
        .map(|()| out)
    }

    #[test]
    fn several_lines_are_one_list_in_order() {
        // RFC 9110 §5.3: the lines combine, in order, into one comma-separated list.
        assert_eq!(
            line_names(&["authorization", "", " x-a , ", "X-B"]).unwrap(),
            ["authorization", "x-a", "X-B"]
        );
        assert_eq!(line_names(&["", " ", ""]).unwrap(), Vec::<String>::new());
        assert_eq!(line_names(&["x-a", "x b"]), Err(ListFault::NotAToken));
    }

    #[test]
    fn limits_hold_for_the_combined_lines() {
        // 64 names over two lines are granted; a 65th is too many.
        let half = vec!["x"; MAX_REQUEST_HEADERS / 2].join(",");
        assert!(line_names(&[&half, &half]).is_ok());
        assert_eq!(line_names(&[&half, &half, "y"]), Err(ListFault::TooLong));
        // 4096 bytes once combined (`a` + `,` + `b`) are granted; 4097 are too long.
        let a = "a".repeat(2048);
        let b = "b".repeat(MAX_REQUEST_HEADERS_LEN - 2048 - 1);
        assert!(line_names(&[&a, &b]).is_ok());
        let b = "b".repeat(MAX_REQUEST_HEADERS_LEN - 2048);
        assert_eq!(line_names(&[&a, &b]), Err(ListFault::TooLong));
        // Empty lines still count their separator, so thousands of them cannot slip through.
        let empties = vec![""; MAX_REQUEST_HEADERS_LEN + 2];
        assert_eq!(line_names(&empties), Err(ListFault::TooLong));
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

            /// Several lines decide exactly as the one line a proxy would combine them into
            /// (RFC 9110 §5.3, joined with `,`), names and faults alike.
            #[test]
            fn lines_decide_as_their_combination(
                lines in proptest::collection::vec("[ a-z,;-]{0,12}", 1..6),
            ) {
                let joined = lines.join(",");
                let mut one = Vec::new();
                let one = scan(joined.as_bytes(), |n| one.push(n.to_vec())).map(|()| one);
                let mut many = Vec::new();
                let many = scan_lines(lines.iter().map(|l| l.as_bytes()), |n| many.push(n.to_vec()))
                    .map(|()| many);
                prop_assert_eq!(one, many);
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
