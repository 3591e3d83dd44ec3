//! Merging `Vary` into a response without overwriting or duplicating what is there.
//!
//! Cost: with no `Vary` on the response, the policy's precomputed value is appended (no
//! allocation). With a `Vary` already there, the existing names are scanned once, in place;
//! if every name of ours is covered (or the response varies on `*`) nothing changes;
//! otherwise the one merged field is written into a buffer of exactly the right size, which
//! becomes the header value without a copy: one allocation.
//!
//! Handlers set the same few `Vary` lines again and again, so each middleware instance keeps
//! a [`VaryCache`] of the answers for single lines: the next response with the same line gets
//! the same merged value back (a clone of a value this instance built: no allocation, no
//! scan, no second validation of its bytes), or learns that nothing needs to change. The
//! cache is owned by the instance (one worker's middleware, used on that worker's thread
//! only) and freed with it.
//!
//! The memory is bounded and the cache never makes a request allocate more than once in
//! steady state: it keeps the first [`CACHE_ENTRIES`] distinct lines of at most
//! [`CACHE_MAX_LINE`] bytes it sees and never evicts, so a stream of ever-new lines cannot
//! churn it; lines it does not hold are merged as before (one allocation). Remembering a
//! line costs three more allocations, once per line and instance (a copy of the line and its
//! shared handle, put back should more lines follow it, and the shared handle through which
//! later responses reuse the merged value).

use std::cell::OnceCell;

use actix_web::{
    http::header::{HeaderMap, HeaderValue, VARY},
    web::Bytes,
};

/// Most distinct handler `Vary` lines remembered per middleware instance.
pub(crate) const CACHE_ENTRIES: usize = 8;
/// Longest handler `Vary` line remembered; longer lines are merged every time. Far longer
/// than real `Vary` lines (which name a handful of headers), so that in practice every
/// handler's line is remembered, while an instance's cache stays bounded (under 70 KiB even if
/// every entry held a line this long, and its merge).
pub(crate) const CACHE_MAX_LINE: usize = 4096;

/// One remembered merge: the handler's line (a copy of its bytes, in a buffer of the
/// entry's own), our names, and the field to write instead of the line (`None`: the line
/// already covers our names; keep it).
pub(crate) struct Entry {
    line: HeaderValue,
    ours: HeaderValue,
    merged: Option<HeaderValue>,
}

/// The merges one middleware instance remembers (see the [module docs](self)). Used from one
/// thread only: a worker's middleware instance lives on that worker's thread.
///
/// Slots are filled in order and never changed once set, so a lookup reads them without a
/// borrow flag, and stops at the first empty one.
pub(crate) struct VaryCache {
    entries: [OnceCell<Entry>; CACHE_ENTRIES],
}

impl VaryCache {
    /// The remembered merge of the handler's `line` (at most [`CACHE_MAX_LINE`] bytes) with
    /// our names `ours`: found, or merged now and remembered; `None` when there is no room
    /// left to remember it.
    #[inline]
    fn entry(&self, line: &HeaderValue, ours: &HeaderValue) -> Option<&Entry> {
        for slot in &self.entries {
            let Some(entry) = slot.get() else {
                // The first empty slot: nothing after it is filled.
                return Some(Self::remember(slot, line, ours));
            };
            if same_line(entry.line.as_bytes(), line.as_bytes())
                && same_bytes(entry.ours.as_bytes(), ours.as_bytes())
            {
                return Some(entry);
            }
        }
        None
    }

    /// Merges `line` with `ours` and remembers it in the empty `slot`.
    #[cold]
    #[inline(never)]
    fn remember<'c>(
        slot: &'c OnceCell<Entry>,
        line: &HeaderValue,
        ours: &HeaderValue,
    ) -> &'c Entry {
        slot.get_or_init(|| Entry {
            // A copy: a clone could keep alive a larger buffer the handler's value is a
            // slice of.
            line: crate::header_value::own_copy(line),
            ours: ours.clone(),
            merged: merged(std::slice::from_ref(line), ours),
        })
    }
}

impl Default for VaryCache {
    fn default() -> Self {
        VaryCache {
            entries: [const { OnceCell::new() }; CACHE_ENTRIES],
        }
    }
}

/// `a == b`, at the cost of a pointer comparison when they are the same bytes (our names:
/// the entry holds a clone of the very value it is asked about).
#[inline(always)]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && (std::ptr::eq(a.as_ptr(), b.as_ptr()) || a == b)
}

/// `a == b` for a handler's `Vary` line: two word comparisons for the usual line of 8 to 16
/// bytes (`Accept-Encoding`), rather than a call to compare memory.
#[inline(always)]
fn same_line(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if (8..=16).contains(&n) {
        let word =
            |s: &[u8], at: usize| u64::from_le_bytes(s[at..at + 8].try_into().expect("8 bytes"));
        return word(a, 0) == word(b, 0) && word(a, n - 8) == word(b, n - 8);
    }
    a == b
}

/// The comma-separated names of a `Vary` value, trimmed, empty items skipped.
fn names(list: &[u8]) -> impl Iterator<Item = &[u8]> {
    list.split(|&b| b == b',')
        .map(<[u8]>::trim_ascii)
        .filter(|name| !name.is_empty())
}

/// Calls `each` with every comma-separated item of `line` (untrimmed, possibly empty), in
/// order, until it returns `false`; returns `false` if it stopped early.
///
/// Finds the commas eight bytes at a time: a word with no comma costs a few instructions
/// instead of eight comparisons, which matters for long lines a thread does not remember.
#[inline(always)]
fn for_each_item(line: &[u8], mut each: impl FnMut(&[u8]) -> bool) -> bool {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    const COMMAS: u64 = u64::from_ne_bytes([b','; 8]);
    let mut start = 0; // where the current item starts
    let mut at = 0; // where the current word starts
    for word in line.chunks_exact(8) {
        let bytes = u64::from_le_bytes(word.try_into().expect("chunks of 8"));
        let zeroed = bytes ^ COMMAS; // a comma becomes a zero byte
                                     // High bit set for every zero byte of `zeroed` (and possibly for a few bytes after
                                     // one, hence the check below); zero when the word holds no comma.
        let mut found = zeroed.wrapping_sub(ONES) & !zeroed & HIGHS;
        while found != 0 {
            let i = at + found.trailing_zeros() as usize / 8;
            found &= found - 1;
            if line[i] == b',' {
                if !each(&line[start..i]) {
                    return false;
                }
                start = i + 1;
            }
        }
        at += 8;
    }
    for i in at..line.len() {
        if line[i] == b',' {
            if !each(&line[start..i]) {
                return false;
            }
            start = i + 1;
        }
    }
    each(&line[start..])
}

/// `bytes` without leading and trailing optional white space (space and tab: the only white
/// space a header value can hold, so this is `trim_ascii` for them, in fewer steps).
fn trim_ows(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|&b| b != b' ' && b != b'\t')
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|&b| b != b' ' && b != b'\t')
        .map_or(start, |i| i + 1);
    &bytes[start..end]
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
/// With no `Vary` yet this appends the shared precomputed value (no allocation). If every name
/// is already present (case-insensitively), or the response varies on `*`, nothing changes.
/// Otherwise the existing lines (verbatim, trimmed) and the missing names are joined into one
/// field: one allocation (and the module docs' three more the first time `cache` remembers
/// a line), none once `cache` remembers the line. Two lookups at most: one to read, one to write.
pub(crate) fn merge(headers: &mut HeaderMap, ours: &HeaderValue, cache: &VaryCache) {
    let lines = headers.get_all(VARY).as_slice();
    match lines {
        // The usual case: nothing to merge with.
        [] => headers.append(VARY, ours.clone()),
        // One line (the usual case with a handler `Vary`): ask this instance's cache first,
        // and replace the line in place.
        [line] if line.len() <= CACHE_MAX_LINE => {
            let answer = one_line(line, ours, cache);
            if let (Some(value), Some(line)) = (answer, headers.get_mut(VARY)) {
                *line = value;
            }
        }
        // Several lines, or one too long to remember (rare): all replaced by one field.
        _ => {
            if let Some(value) = merged(lines, ours) {
                headers.insert(VARY, value);
            }
        }
    }
}

/// The field that replaces the one handler line `line` (of at most [`CACHE_MAX_LINE`]
/// bytes), or `None` when it already covers every name of `ours`: from `cache`, or merged
/// and remembered.
#[inline]
fn one_line(line: &HeaderValue, ours: &HeaderValue, cache: &VaryCache) -> Option<HeaderValue> {
    match cache.entry(line, ours) {
        Some(entry) => entry.merged.clone(),
        None => merged(std::slice::from_ref(line), ours),
    }
}

/// [`merge`] for a caller that already walks the response's headers (with
/// `HeaderMap::retain`): it shows each `Vary` line to [`see`](Self::see), in order, and then
/// calls [`finish`](Self::finish). One line, the usual case, is merged in place, with no
/// lookup at all; with none, ours is appended; several are put back and merged by [`merge`].
pub(crate) struct InPlace<'a> {
    ours: &'a HeaderValue,
    cache: &'a VaryCache,
    /// `Vary` lines seen so far.
    lines: usize,
    /// The remembered merge of the first line, which was written in place (when the line
    /// was short enough to remember, and there was room). It holds the line as the handler
    /// wrote it, should more lines follow.
    first: Option<&'a Entry>,
}

impl<'a> InPlace<'a> {
    pub(crate) fn new(ours: &'a HeaderValue, cache: &'a VaryCache) -> Self {
        InPlace {
            ours,
            cache,
            lines: 0,
            first: None,
        }
    }

    /// One `Vary` line of the response, which may be changed in place.
    #[inline]
    pub(crate) fn see(&mut self, line: &mut HeaderValue) {
        self.lines += 1;
        if self.lines == 1 && line.len() <= CACHE_MAX_LINE {
            if let Some(entry) = self.cache.entry(line, self.ours) {
                if let Some(value) = &entry.merged {
                    *line = value.clone();
                }
                self.first = Some(entry);
            }
        }
    }

    /// Completes the merge once every line was seen.
    #[inline(always)]
    pub(crate) fn finish(self, headers: &mut HeaderMap) {
        match (self.lines, self.first) {
            (0, _) => headers.append(VARY, self.ours.clone()),
            (1, Some(_)) => {}
            (_, first) => {
                // Several lines, or one not remembered: the first back as the handler wrote
                // it (if it was replaced), then all of them merged.
                if let Some(Entry {
                    line: original,
                    merged: Some(_),
                    ..
                }) = first
                {
                    if let Some(line) = headers.get_mut(VARY) {
                        *line = original.clone();
                    }
                }
                merge(headers, self.ours, self.cache);
            }
        }
    }
}

/// The one field that replaces the response's `Vary` lines, or `None` when they already
/// cover every name of `ours` (or vary on `*`).
fn merged(lines: &[HeaderValue], ours: &HeaderValue) -> Option<HeaderValue> {
    let ours_bytes = ours.as_bytes();
    let single = !ours_bytes.contains(&b',');
    let count = if single {
        1
    } else {
        names(ours_bytes).count().min(64)
    };
    // Bit i set: our i-th name is already on the response.
    let mut covered: u64 = 0;
    let (mut kept_lines, mut kept_len) = (0, 0);
    for value in lines {
        let line = value.as_bytes().trim_ascii();
        if line.is_empty() {
            continue;
        }
        kept_lines += 1;
        kept_len += line.len();
        let star = !for_each_item(line, |name| {
            let name = trim_ows(name);
            if name == b"*" {
                return false; // varies on everything already
            }
            if !name.is_empty() {
                mark(ours_bytes, single, name, &mut covered);
            }
            true
        });
        if star {
            return None;
        }
    }
    let all = if count == 64 {
        u64::MAX
    } else {
        (1u64 << count) - 1
    };
    if covered & all == all {
        return None;
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
    for value in lines {
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
    HeaderValue::from_maybe_shared(Bytes::from(joined)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vary_after(existing: &[&str], ours: &str) -> Vec<String> {
        vary_after_with(&VaryCache::default(), existing, ours)
    }

    /// [`vary_after`] with a cache kept across calls (as one middleware instance keeps it).
    fn vary_after_with(cache: &VaryCache, existing: &[&str], ours: &str) -> Vec<String> {
        let mut h = HeaderMap::new();
        for v in existing {
            h.append(VARY, HeaderValue::from_str(v).unwrap());
        }
        merge(&mut h, &HeaderValue::from_str(ours).unwrap(), cache);
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

    #[test]
    fn a_remembered_line_merges_exactly_as_the_first_time() {
        let cache = VaryCache::default();
        for _ in 0..3 {
            assert_eq!(
                vary_after_with(&cache, &["Accept-Encoding"], "Origin"),
                ["Accept-Encoding, Origin"]
            );
            assert_eq!(
                vary_after_with(&cache, &["Accept, origin"], "Origin"),
                ["Accept, origin"]
            );
            assert_eq!(vary_after_with(&cache, &["*"], "Origin"), ["*"]);
        }
    }

    #[test]
    fn the_same_line_with_other_names_of_ours_is_a_different_merge() {
        let cache = VaryCache::default();
        assert_eq!(
            vary_after_with(&cache, &["Accept"], "Origin"),
            ["Accept, Origin"]
        );
        assert_eq!(
            vary_after_with(&cache, &["Accept"], "Origin, Access-Control-Request-Method"),
            ["Accept, Origin, Access-Control-Request-Method"]
        );
        assert_eq!(
            vary_after_with(&cache, &["Accept"], "Origin"),
            ["Accept, Origin"]
        );
    }

    #[test]
    fn a_remembered_line_is_returned_only_for_a_line_equal_byte_for_byte() {
        // Every length around the two-word comparison, with one byte changed at every
        // position: the cache must tell the lines apart exactly as `==` does.
        for len in 0..=40 {
            let line: Vec<u8> = (0..len).map(|i| b'a' + (i % 26) as u8).collect();
            assert!(same_line(&line, &line.clone()), "{len}");
            for at in 0..len {
                let mut other = line.clone();
                other[at] = b'-';
                assert!(!same_line(&line, &other), "{at} of {len}");
            }
            assert!(!same_line(&line, &line[..len.saturating_sub(1)]) || len == 0);
        }
        // Through the cache: two lines of the same length that differ only inside.
        let cache = VaryCache::default();
        assert_eq!(
            vary_after_with(&cache, &["Accept-Encoding"], "Origin"),
            ["Accept-Encoding, Origin"]
        );
        assert_eq!(
            vary_after_with(&cache, &["Accept-Language"], "Origin"),
            ["Accept-Language, Origin"]
        );
    }

    #[test]
    fn more_distinct_lines_than_the_cache_holds_still_merge_right() {
        let cache = VaryCache::default();
        for round in 0..2 {
            for i in 0..(CACHE_ENTRIES * 2 + 1) {
                let line = format!("X-Header-{i}");
                assert_eq!(
                    vary_after_with(&cache, &[&line], "Origin"),
                    [format!("{line}, Origin")],
                    "round {round}"
                );
            }
        }
    }

    /// The response's `Vary` after the walk [`Compiled::finish`](crate::policy) makes:
    /// every header shown to [`InPlace::see`] through `HeaderMap::retain`, then
    /// [`InPlace::finish`].
    fn walked(cache: &VaryCache, existing: &[&str], ours: &str) -> Vec<String> {
        let mut h = HeaderMap::new();
        h.append(
            actix_web::http::header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain"),
        );
        for v in existing {
            h.append(VARY, HeaderValue::from_str(v).unwrap());
        }
        let ours = HeaderValue::from_str(ours).unwrap();
        let mut vary = InPlace::new(&ours, cache);
        h.retain(|name, value| {
            if *name == VARY {
                vary.see(value);
            }
            true
        });
        vary.finish(&mut h);
        assert_eq!(
            h.get(actix_web::http::header::CONTENT_TYPE).unwrap(),
            "text/plain"
        );
        h.get_all(VARY)
            .map(|v| v.to_str().unwrap().to_owned())
            .collect()
    }

    #[test]
    fn the_walk_merges_one_or_several_lines_right_before_and_after_the_cache_is_full() {
        // One field; the handler's names kept, in order; `Origin` added once. When some line
        // already names it (in any case), the lines are left as the handler wrote them. A
        // first line the cache remembers (and writes in place) must come back as written
        // when more lines follow it.
        let cache = VaryCache::default();
        for round in 0..2 {
            for i in 0..(CACHE_ENTRIES * 2 + 1) {
                let first = format!("X-Header-{i}");
                let cases: [(Vec<&str>, Vec<String>); 5] = [
                    (vec![], vec!["Origin".to_owned()]),
                    (vec![&first], vec![format!("{first}, Origin")]),
                    (
                        vec![&first, "Cookie"],
                        vec![format!("{first}, Cookie, Origin")],
                    ),
                    (
                        vec![&first, "origin"],
                        vec![first.clone(), "origin".to_owned()],
                    ),
                    (
                        vec![&first, "Accept", "Cookie"],
                        vec![format!("{first}, Accept, Cookie, Origin")],
                    ),
                ];
                for (existing, want) in cases {
                    assert_eq!(
                        walked(&cache, &existing, "Origin"),
                        want,
                        "round {round}, lines {existing:?}"
                    );
                }
            }
        }
    }

    /// `line.split(',')`, the plain way, as the oracle for [`for_each_item`].
    fn items_by_split(line: &str) -> Vec<String> {
        line.split(',').map(str::to_owned).collect()
    }

    fn items_by_words(line: &str) -> Vec<String> {
        let mut items = Vec::new();
        assert!(for_each_item(line.as_bytes(), |item| {
            items.push(String::from_utf8(item.to_vec()).unwrap());
            true
        }));
        items
    }

    #[test]
    fn items_are_split_at_every_comma_and_nowhere_else() {
        // Commas at every offset of a word, next to each other, at both ends, and beside
        // `-` (0x2d, one above `,`: the byte the word trick may flag falsely).
        let mut cases: Vec<String> = vec![
            String::new(),
            ",".into(),
            ",,".into(),
            "a".into(),
            "Accept-Encoding".into(),
            "-,-,--,,---,".into(),
            ",--------,--------,".into(),
            "X-Vary-Name-00, X-Vary-Name-01,X-Vary-Name-02 ,, -".into(),
        ];
        for len in 0..20 {
            for comma in 0..len {
                let mut line = vec![b'-'; len];
                line[comma] = b',';
                cases.push(String::from_utf8(line).unwrap());
            }
        }
        for line in &cases {
            assert_eq!(items_by_words(line), items_by_split(line), "{line:?}");
        }
    }

    #[test]
    fn trim_ows_is_trim_ascii_on_header_values() {
        for value in [
            "",
            " ",
            "\t",
            "a",
            " a",
            "a ",
            " \t a b \t ",
            "\t\t",
            "a\tb",
        ] {
            assert_eq!(
                trim_ows(value.as_bytes()),
                value.as_bytes().trim_ascii(),
                "{value:?}"
            );
        }
    }

    #[test]
    fn item_scanning_stops_when_asked() {
        let mut seen = 0;
        let finished = for_each_item(b"a, *, b, c", |item| {
            seen += 1;
            item.trim_ascii() != b"*"
        });
        assert!(!finished);
        assert_eq!(seen, 2);
    }

    #[test]
    fn a_line_too_long_to_remember_still_merges() {
        let cache = VaryCache::default();
        let line = vec!["X-Long-Header-Name"; 220].join(", ");
        assert!(line.len() > CACHE_MAX_LINE);
        for _ in 0..2 {
            assert_eq!(
                vary_after_with(&cache, &[&line], "Origin"),
                [format!("{line}, Origin")]
            );
        }
    }
}
