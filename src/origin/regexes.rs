//! `allowed_origin_regex`: whole-string matching (like Python's `re.fullmatch`, which
//! Starlette uses), all regexes compiled once into a single [`RegexSet`].

use regex::RegexSet;

/// The compiled regexes of a policy.
#[derive(Debug, Default)]
pub(crate) struct OriginRegexes {
    set: Option<RegexSet>,
}

/// Anchors a user regex so it must match the whole origin.
pub(crate) fn anchored(pattern: &str) -> String {
    format!(r"\A(?:{pattern})\z")
}

/// Compiles one regex alone, to report an error that names it.
pub(crate) fn check(pattern: &str) -> Result<(), String> {
    regex::Regex::new(&anchored(pattern))
        .map(drop)
        .map_err(|e| e.to_string())
}

/// If the host part of a regex has a `.` that is not escaped, returns the regex with those
/// dots escaped (the classic `https://app.example.com` mistake, where `.` matches anything).
pub(crate) fn unescaped_host_dot(pattern: &str) -> Option<String> {
    let start = pattern.find("://").map(|i| i + 3)?;
    let bytes = pattern.as_bytes();
    let mut out = String::with_capacity(pattern.len() + 4);
    out.push_str(&pattern[..start]);
    let mut changed = false;
    let mut i = start;
    let mut class_depth = 0usize;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'\\' => {
                let end = (i + 2).min(bytes.len());
                out.push_str(&pattern[i..end]);
                i = end;
                continue;
            }
            b'[' => class_depth += 1,
            b']' => class_depth = class_depth.saturating_sub(1),
            // `.` followed by a quantifier (`.*`, `.+`, `.?`, `.{`) is deliberate.
            b'.' if class_depth == 0
                && !matches!(bytes.get(i + 1), Some(b'*' | b'+' | b'?' | b'{')) =>
            {
                out.push_str(r"\.");
                changed = true;
                i += 1;
                continue;
            }
            // The host ends at the port, path or end of a group.
            b':' | b'/' | b'$' => {
                out.push_str(&pattern[i..]);
                break;
            }
            _ => {}
        }
        let ch_len = pattern[i..].chars().next().map_or(1, char::len_utf8);
        out.push_str(&pattern[i..i + ch_len]);
        i += ch_len;
    }
    changed.then_some(out)
}

impl OriginRegexes {
    /// Compiles the (already individually checked) regexes into one set.
    pub(crate) fn new(patterns: &[String]) -> Result<Self, String> {
        if patterns.is_empty() {
            return Ok(Self::default());
        }
        let set = RegexSet::new(patterns.iter().map(|p| anchored(p))).map_err(|e| e.to_string())?;
        Ok(OriginRegexes { set: Some(set) })
    }

    pub(crate) fn len(&self) -> usize {
        self.set.as_ref().map_or(0, RegexSet::len)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.set.is_none()
    }

    pub(crate) fn matches(&self, origin: &str) -> bool {
        self.set.as_ref().is_some_and(|s| s.is_match(origin))
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
    fn finds_unescaped_dots_in_the_host() {
        assert_eq!(
            unescaped_host_dot("https://app.example.com").as_deref(),
            Some(r"https://app\.example\.com")
        );
        assert_eq!(unescaped_host_dot(r"https://app\.example\.com"), None);
        assert_eq!(unescaped_host_dot(r"https://.*\.example\.com"), None);
        assert_eq!(
            unescaped_host_dot(r"https://[a-z.]+\.example\.com:\d+"),
            None
        );
    }

    #[test]
    fn invalid_regex_is_reported() {
        assert!(check("https://(").is_err());
    }
}
