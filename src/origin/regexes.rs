//! `allowed_origin_regex`: whole-string matching (like Python's `re.fullmatch`, which
//! Starlette uses), all regexes compiled once into a single [`RegexSet`].
//!
//! Rules, in the order they apply:
//! - Each regex is wrapped as `\A(?:regex)\z`, so it must match the **whole** origin:
//!   `https://app\.example\.com` never matches `https://app.example.com.evil.org`, and an
//!   alternation `a|b` is anchored as a whole.
//! - A regex that does not compile is a build error naming it ([`check`]).
//! - A `.` that is not escaped in the host part (after `://`, before the port, path or end)
//!   is a build **error**, not a warning, with the escaped regex as the suggested fix
//!   ([`unescaped_host_dot`]): `https://app.example.com` also matches
//!   `https://appXexample.com`, which anyone can register. A dot followed by a quantifier
//!   (`.*`, `.+`, `.?`, `.{n}`) or inside a class (`[a-z.]`) is taken as deliberate; to mean
//!   "any one character" there, write a class such as `[a-z0-9]`.
//! - Regexes only ever see well-formed serialized origins (see
//!   [`split_origin`]): an origin with a path, user
//!   information, white space or upper case matches no regex, so `https://.*\.example\.com`
//!   cannot be satisfied by `https://evil.org/.example.com`. Browsers never send such origins,
//!   so this only removes surprises. Matching is case-sensitive, as in Starlette.

use std::{iter::Peekable, str::CharIndices};

use regex::RegexSet;
use regex_syntax::hir::literal::{ExtractKind, Extractor};

use super::pattern::split_origin;
use crate::error::RegexFault;

mod breadth;

/// The compiled allowed-origin regexes of a policy, as one set. Cloning it is cheap (the compiled program is
/// shared) and gives the clone its own pool of match caches (regex-automata's `meta::Regex`
/// builds a new pool on `clone`): each worker matches with its own clone, so a match never
/// writes cache-pool state another worker uses (`crate::worker`).
#[derive(Debug, Default, Clone)]
pub(crate) struct OriginRegexes {
    set: Option<RegexSet>,
}

/// Anchors a user regex so it must match the whole origin.
pub(crate) fn anchored(pattern: &str) -> String {
    format!(r"\A(?:{pattern})\z")
}

/// Compiles one regex alone, to report an error that names it.
pub(crate) fn check(pattern: &str) -> Result<(), RegexFault> {
    // Report the error against the user's own text, not the anchored wrapper.
    regex::Regex::new(pattern)?;
    regex::Regex::new(&anchored(pattern))?;
    Ok(())
}

/// Whether a regex is too broad: it may let in a site under a host part nobody here
/// controls. `None` when every well-formed origin it matches is provably narrow; see
/// [`breadth`] for the rule.
pub(crate) use breadth::breadth;

/// True unless every origin the regex can match is `https` (or another non-`http` scheme)
/// or plain `http` to a loopback host. Decided from the regex's prefix literals (what every
/// match must start with); when those do not pin the scheme and host, the answer is `true`.
pub(crate) fn may_match_insecure_http(pattern: &str) -> bool {
    let Ok(hir) = regex_syntax::Parser::new().parse(pattern) else {
        return true;
    };
    let seq = Extractor::new().kind(ExtractKind::Prefix).extract(&hir);
    let Some(literals) = seq.literals() else {
        return true; // no finite set of prefixes: anything may follow
    };
    literals
        .iter()
        .any(|lit| prefix_may_be_insecure(lit.as_bytes(), lit.is_exact()))
}

/// Whether origins starting with `prefix` (the whole origin when `exact`) may be plain http
/// to a host other than loopback.
fn prefix_may_be_insecure(prefix: &[u8], exact: bool) -> bool {
    const HTTP: &[u8] = b"http://";
    let Some(rest) = prefix.strip_prefix(HTTP) else {
        // Shorter than `http://` and not finished: it may still become `http://`.
        return !exact && HTTP.starts_with(prefix);
    };
    let Ok(rest) = std::str::from_utf8(rest) else {
        return true;
    };
    let loopback_host = |host: &str| super::serialized::is_loopback(host);
    if exact {
        let host = super::serialized::split_host_port(rest).map_or(rest, |(h, _)| h);
        return !loopback_host(host);
    }
    // Not finished: safe only if a whole loopback host and the port separator are pinned.
    match rest.rsplit_once(':') {
        Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => !loopback_host(host),
        _ => true,
    }
}

/// Where the scanner is within one alternative of a regex.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    /// Before `://`.
    Scheme,
    /// After `://`, before the port, path or end.
    Host,
    /// After the host.
    Rest,
}

/// True if the alternative starting at `rest` (up to the next `|`) contains `://`.
fn alternative_has_scheme(rest: &str) -> bool {
    rest.split('|')
        .next()
        .is_some_and(|alt| alt.contains("://"))
}

/// If the host part of a regex has a `.` that is not escaped, returns the regex with those
/// dots escaped (the classic `https://app.example.com` mistake, where `.` matches anything).
///
/// The scan understands escapes, character classes (nested too), non-capturing and named
/// groups (`(?:..)`, `(?i:..)`, `(?P<name>..)`) and alternations whose branches each carry
/// their own `scheme://`.
pub(crate) fn unescaped_host_dot(pattern: &str) -> Option<String> {
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut changed = false;
    let mut part = Part::Scheme;
    let mut class_depth = 0usize;
    let mut chars = pattern.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '\\' {
            copy_escape(&mut out, &mut chars);
            continue;
        }
        if class_depth > 0 {
            class_depth = depth_after(class_depth, c);
            out.push(c);
            continue;
        }
        match c {
            '[' => {
                class_depth = 1;
                open_class(&mut out, &mut chars);
                continue;
            }
            '(' if pattern[i + 1..].starts_with('?') => {
                copy_group_prefix(&pattern[i + 1..], &mut out, &mut chars);
                continue;
            }
            ':' if part == Part::Scheme && pattern[i..].starts_with("://") => {
                out.push_str("://");
                chars.next();
                chars.next();
                part = Part::Host;
                continue;
            }
            '|' if alternative_has_scheme(&pattern[i + 1..]) => part = Part::Scheme,
            '.' if part == Part::Host
                && !matches!(chars.peek(), Some((_, '*' | '+' | '?' | '{'))) =>
            {
                out.push_str(r"\.");
                changed = true;
                continue;
            }
            ':' | '/' | '$' if part == Part::Host => part = Part::Rest,
            _ => {}
        }
        out.push(c);
    }
    changed.then_some(out)
}

/// The rest of a regex being scanned, with each character's byte offset.
type Scan<'a> = Peekable<CharIndices<'a>>;

/// Copies a `\` (already taken from `chars`) and the character it escapes.
fn copy_escape(out: &mut String, chars: &mut Scan<'_>) {
    out.push('\\');
    if let Some((_, escaped)) = chars.next() {
        out.push(escaped);
    }
}

/// The character-class nesting depth after `c`, inside a class of depth `depth`.
fn depth_after(depth: usize, c: char) -> usize {
    match c {
        '[' => depth + 1,
        ']' => depth - 1,
        _ => depth,
    }
}

/// Copies a class's opening `[` (already taken from `chars`), with an optional `^` and a `]`
/// right after it, which is a literal.
fn open_class(out: &mut String, chars: &mut Scan<'_>) {
    out.push('[');
    if let Some(&(_, '^')) = chars.peek() {
        out.push('^');
        chars.next();
    }
    if let Some(&(_, ']')) = chars.peek() {
        out.push(']');
        chars.next();
    }
}

/// Copies a group's `(` (already taken from `chars`) and its flags or name, whose `:` is not a
/// port separator. `after_paren` is the pattern right after the `(`.
fn copy_group_prefix(after_paren: &str, out: &mut String, chars: &mut Scan<'_>) {
    out.push('(');
    let close = if after_paren.starts_with("?P<") || after_paren.starts_with("?<") {
        '>'
    } else {
        ':'
    };
    for (_, g) in chars.by_ref() {
        out.push(g);
        if g == close || g == ')' {
            break;
        }
    }
}

impl OriginRegexes {
    /// Compiles the (already individually checked) regexes into one set.
    pub(crate) fn new(patterns: &[String]) -> Result<Self, RegexFault> {
        if patterns.is_empty() {
            return Ok(Self::default());
        }
        let set = RegexSet::new(patterns.iter().map(|p| anchored(p)))?;
        Ok(OriginRegexes { set: Some(set) })
    }

    pub(crate) fn len(&self) -> usize {
        self.set.as_ref().map_or(0, RegexSet::len)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.set.is_none()
    }

    /// True if some regex matches the whole of `origin`, a well-formed serialized origin.
    /// Does not allocate.
    pub(crate) fn matches(&self, origin: &str) -> bool {
        self.set
            .as_ref()
            // The set first: a miss (the common case) skips the well-formedness parse.
            .is_some_and(|s| s.is_match(origin) && split_origin(origin).is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regexes_must_match_the_whole_origin() {
        let r = OriginRegexes::new(&[r"https://app\.example\.com".into()]).unwrap();
        assert!(r.matches("https://app.example.com"));
        assert!(!r.matches("https://app.example.com.evil.org"));
        assert!(!r.matches("xhttps://app.example.com"));
    }

    #[test]
    fn alternation_is_anchored_as_a_whole() {
        let r = OriginRegexes::new(&[r"https://a\.com|https://b\.com".into()]).unwrap();
        assert!(r.matches("https://b.com"));
        assert!(!r.matches("https://b.com.evil.org"));
        assert!(!r.matches("https://evil.org/https://a.com"));
    }

    #[test]
    fn malformed_origins_never_reach_a_regex() {
        let r = OriginRegexes::new(&[r"https://.*\.example\.com".into()]).unwrap();
        assert!(r.matches("https://app.example.com"));
        for origin in [
            "https://evil.org/.example.com",
            "https://evil.org?.example.com",
            "https://user@evil.org#.example.com",
            "https://a b.example.com",
            "https://APP.example.com",
        ] {
            assert!(!r.matches(origin), "{origin}");
        }
    }

    #[test]
    fn finds_unescaped_dots_in_the_host() {
        let fixed = |p: &str| unescaped_host_dot(p);
        assert_eq!(
            fixed("https://app.example.com").as_deref(),
            Some(r"https://app\.example\.com")
        );
        assert_eq!(
            fixed(r"https://app\.example.com:\d+").as_deref(),
            Some(r"https://app\.example\.com:\d+")
        );
        // Each branch of an alternation has its own host.
        assert_eq!(
            fixed(r"https://a\.com|https://b.com").as_deref(),
            Some(r"https://a\.com|https://b\.com")
        );
        // An alternation inside the host stays in the host.
        assert_eq!(
            fixed(r"https://(app|api).example\.com").as_deref(),
            Some(r"https://(app|api)\.example\.com")
        );
        // Group flags and names are not ports.
        assert_eq!(
            fixed(r"https://(?:app|api).example\.com").as_deref(),
            Some(r"https://(?:app|api)\.example\.com")
        );
        assert_eq!(
            fixed(r"https://(?P<env>[a-z]+).example\.com").as_deref(),
            Some(r"https://(?P<env>[a-z]+)\.example\.com")
        );
        // An escaped multi-byte character is copied whole.
        assert_eq!(
            fixed(r"https://app\ü.example").as_deref(),
            Some(r"https://app\ü\.example")
        );
        assert_eq!(
            fixed(r"(?i)https://app.example\.com").as_deref(),
            Some(r"(?i)https://app\.example\.com")
        );
    }

    #[test]
    fn deliberate_dots_are_left_alone() {
        for ok in [
            r"https://app\.example\.com",
            r"https://.*\.example\.com",
            r"https://.+\.example\.com",
            r"https://[a-z.]+\.example\.com:\d+",
            r"https://[]a.]+\.example\.com",
            r"https://[[:alpha:].]+\.example\.com",
            r"https://app\.example\.com/a.b",
            r"https?://localhost:\d+",
            r"https://app\.example\.com$",
            r"chrome-extension://[a-p]{32}",
            r"https://ü\.example\.com",
        ] {
            assert_eq!(unescaped_host_dot(ok), None, "{ok}");
        }
    }

    #[test]
    fn plain_http_regexes_are_told_apart_from_https_and_loopback() {
        for insecure in [
            r"https?://.+",
            r"http://[a-z]+\.example\.com",
            r"http://app\.example\.com",
            r"http://localhost\.evil\.com",
            r".*",
            r"(?:https|http)://app\.example\.com",
            r"http://localhost.*",
        ] {
            assert!(may_match_insecure_http(insecure), "{insecure}");
        }
        for secure in [
            r"https://[a-z]+\.example\.com",
            r"https://app\.example\.com|https://api\.example\.com",
            r"http://localhost:\d+",
            r"https?://localhost:\d+",
            r"http://127\.0\.0\.1:\d+",
            r"http://\[::1\]:\d+",
            r"http://localhost",
            r"chrome-extension://[a-p]{32}",
        ] {
            assert!(!may_match_insecure_http(secure), "{secure}");
        }
    }

    #[test]
    fn invalid_regex_is_reported() {
        assert!(check("https://(").is_err());
    }
}
