//! Is an origin regex narrow? Decided over the whole language the regex matches, from its
//! syntax tree (`regex-syntax`'s HIR), not by trying sample origins.
//!
//! # The rule
//! Only well-formed serialized origins reach a regex (`split_origin`): `scheme://host` with an
//! optional `:port`, in lower-case ASCII. A regex is **narrow** when, in every origin it can
//! match, the host is either fixed (written out literally) or ends in a fixed domain `D`
//! that passes the pattern rule of [`wildcard_reach`]: `D` is not a top-level domain, not a
//! public suffix of the Public Suffix List, and, when the varying part may hold a dot, has
//! no public suffix below it. Anything else is refused, including hosts whose end varies
//! (`[a-z]{3}`, IP address ranges such as `\d+\.\d+\.\d+\.\d+`).
//!
//! # How
//! The regex is expanded into a bounded set of *branches*, each a sequence of symbols: a
//! fixed byte, or "any string over these bytes". Each step may only enlarge the language
//! (so a narrow verdict holds for the real regex too):
//! - only bytes a well-formed origin can hold are kept (`(?i)k` becomes the byte `k`,
//!   `[^/]` every origin byte but `/`), and a branch that needs any other byte is dropped;
//! - alternations, `x?` and small counted repetitions become separate branches (each must
//!   be narrow on its own); other repetitions become "any string over their bytes",
//!   followed by the literal every repetition ends with (`([a-z]+\.)*` keeps its final
//!   `.`); look-around assertions (`^`, `$`, `\b`) are dropped;
//! - past [`MAX_BRANCHES`], a sub-expression becomes "any string over its bytes".
//!
//! Then, in each branch, a trailing `:` followed by digits only is the port; what is left
//! ends with the host. The fixed bytes after the last varying symbol are the host's fixed
//! end: past its first `.` is the domain `D` the rule above applies to.

use regex_syntax::hir::{Class, Hir, HirKind, Repetition};

use crate::{
    error::RegexBreadth,
    origin::public_suffix::{wildcard_reach, Reach},
};

/// Beyond this many branches, a sub-expression is summarized by the bytes it can hold.
const MAX_BRANCHES: usize = 64;

/// A set of ASCII bytes, one bit each.
type Bytes = u128;

/// One symbol of a branch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Sym {
    /// Exactly this byte.
    Byte(u8),
    /// Any string (the empty one included) over these bytes.
    Any(Bytes),
}

type Branch = Vec<Sym>;

const fn bit(b: u8) -> Bytes {
    1 << b
}

/// The bytes a well-formed serialized origin can hold: lower-case letters, digits, `+-.` in
/// the scheme, `:` and `/` around it, `-_.` in host labels, `[]:` of IPv6 literals, and the
/// port's digits.
const ORIGIN_BYTES: Bytes = {
    let mut set = 0;
    let mut b = 0u8;
    while b < 128 {
        if b.is_ascii_lowercase() || b.is_ascii_digit() {
            set |= bit(b);
        }
        b += 1;
    }
    let extra = b"+-._:/[]";
    let mut i = 0;
    while i < extra.len() {
        set |= bit(extra[i]);
        i += 1;
    }
    set
};

const DIGITS: Bytes = {
    let mut set = 0;
    let mut b = b'0';
    while b <= b'9' {
        set |= bit(b);
        b += 1;
    }
    set
};

fn in_origin(b: u8) -> bool {
    b < 128 && ORIGIN_BYTES & bit(b) != 0
}

/// Whether `pattern` is too broad, and why. `None` when it is narrow. A regex that does not
/// parse (reported on its own before this runs) counts as broad: nothing shows it narrow.
pub(crate) fn breadth(pattern: &str) -> Option<RegexBreadth> {
    let Ok(hir) = regex_syntax::Parser::new().parse(pattern) else {
        return Some(RegexBreadth::NoFixedDomain);
    };
    expand(&hir)
        .iter()
        .find_map(|branch| branch_breadth(branch))
}

/// The bytes of a class that a well-formed origin can hold.
fn class_bytes(class: &Class) -> Bytes {
    let mut set = 0;
    let mut add = |start: u32, end: u32| {
        for b in start..=end.min(127) {
            set |= bit(b as u8);
        }
    };
    match class {
        Class::Unicode(c) => c
            .ranges()
            .iter()
            .for_each(|r| add(u32::from(r.start()), u32::from(r.end()))),
        Class::Bytes(c) => c
            .ranges()
            .iter()
            .for_each(|r| add(u32::from(r.start()), u32::from(r.end()))),
    }
    set & ORIGIN_BYTES
}

/// Every origin byte `hir` can produce.
fn all_bytes(hir: &Hir) -> Bytes {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => 0,
        HirKind::Literal(lit) => lit
            .0
            .iter()
            .filter(|&&b| in_origin(b))
            .fold(0, |set, &b| set | bit(b)),
        HirKind::Class(class) => class_bytes(class),
        HirKind::Capture(c) => all_bytes(&c.sub),
        HirKind::Repetition(r) => all_bytes(&r.sub),
        HirKind::Concat(items) | HirKind::Alternation(items) => {
            items.iter().fold(0, |set, h| set | all_bytes(h))
        }
    }
}

/// `hir` summarized as one branch: any string over its bytes.
fn summarized(hir: &Hir) -> Vec<Branch> {
    vec![join(&[], &[Sym::Any(all_bytes(hir))])]
}

/// `a` followed by `b`, with adjacent "any" symbols merged (an empty set is no symbol).
fn join(a: &[Sym], b: &[Sym]) -> Branch {
    let mut out = a.to_vec();
    for &sym in b {
        match (out.last_mut(), sym) {
            (_, Sym::Any(0)) => {}
            (Some(Sym::Any(prev)), Sym::Any(set)) => *prev |= set,
            _ => out.push(sym),
        }
    }
    out
}

/// Every branch of `a` followed by every branch of `b`.
fn product(a: &[Branch], b: &[Branch]) -> Vec<Branch> {
    let mut out: Vec<Branch> = a
        .iter()
        .flat_map(|x| b.iter().map(move |y| join(x, y)))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The branches of `hir`: together they match at least every well-formed origin `hir` does.
fn expand(hir: &Hir) -> Vec<Branch> {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => vec![Vec::new()],
        HirKind::Literal(lit) => {
            if lit.0.iter().all(|&b| in_origin(b)) {
                vec![lit.0.iter().map(|&b| Sym::Byte(b)).collect()]
            } else {
                Vec::new() // needs a byte no well-formed origin holds
            }
        }
        HirKind::Class(class) => {
            let set = class_bytes(class);
            match set.count_ones() {
                0 => Vec::new(),
                1 => vec![vec![Sym::Byte(set.trailing_zeros() as u8)]],
                _ => vec![vec![Sym::Any(set)]],
            }
        }
        HirKind::Capture(c) => expand(&c.sub),
        HirKind::Concat(items) => {
            let mut branches = vec![Vec::new()];
            for item in items {
                let mut next = expand(item);
                if branches.len() * next.len() > MAX_BRANCHES {
                    next = summarized(item);
                }
                branches = product(&branches, &next);
                if branches.is_empty() {
                    break;
                }
            }
            branches
        }
        HirKind::Alternation(alternatives) => {
            let mut out: Vec<Branch> = alternatives.iter().flat_map(expand).collect();
            out.sort();
            out.dedup();
            if out.len() > MAX_BRANCHES {
                summarized(hir)
            } else {
                out
            }
        }
        HirKind::Repetition(rep) => repetition(hir, rep),
    }
}

/// The largest count of a repetition expanded into separate branches (`x{1,4}`).
const MAX_COUNTED: u32 = 4;

fn repetition(hir: &Hir, rep: &Repetition) -> Vec<Branch> {
    let once = expand(&rep.sub);
    let mut out = Vec::new();
    if rep.min == 0 {
        out.push(Vec::new());
    }
    match rep.max {
        Some(max) if max <= MAX_COUNTED => {
            let mut power = vec![Vec::new()];
            for count in 1..=max {
                power = product(&power, &once);
                if power.len() > MAX_BRANCHES {
                    return summarized(hir);
                }
                if count >= rep.min {
                    out.extend(power.iter().cloned());
                }
            }
        }
        _ if once.is_empty() => {}
        _ => {
            // One or more copies: any string over their bytes, then what every copy ends with.
            let bytes = all_bytes(&rep.sub);
            let mut branch = vec![Sym::Any(bytes)];
            branch.extend(common_fixed_end(&once));
            out.push(branch);
        }
    }
    out.sort();
    out.dedup();
    if out.len() > MAX_BRANCHES {
        return summarized(hir);
    }
    out
}

/// The fixed bytes every branch ends with.
fn common_fixed_end(branches: &[Branch]) -> Vec<Sym> {
    let fixed_end = |b: &Branch| -> Vec<Sym> {
        b.iter()
            .rev()
            .take_while(|s| matches!(s, Sym::Byte(_)))
            .copied()
            .collect()
    };
    let mut common = branches.first().map(fixed_end).unwrap_or_default();
    for branch in &branches[1..] {
        let other = fixed_end(branch);
        let same = common
            .iter()
            .zip(&other)
            .take_while(|(a, b)| a == b)
            .count();
        common.truncate(same);
    }
    common.reverse();
    common
}

/// Where the host ends in `branch`: before a trailing `:` followed by digits only (a port),
/// or at the end.
fn host_end(branch: &[Sym]) -> usize {
    let digits_from = branch
        .iter()
        .rposition(|s| match s {
            Sym::Byte(b) => !b.is_ascii_digit(),
            Sym::Any(set) => set & !DIGITS != 0,
        })
        .map_or(0, |i| i + 1);
    match branch.get(digits_from.wrapping_sub(1)) {
        Some(Sym::Byte(b':')) if digits_from < branch.len() => digits_from - 1,
        _ => branch.len(),
    }
}

/// Why one branch is too broad, if it is.
fn branch_breadth(branch: &[Sym]) -> Option<RegexBreadth> {
    let host = &branch[..host_end(branch)];
    // Fully fixed: one origin.
    let last_varying = host.iter().rposition(|s| matches!(s, Sym::Any(_)))?;
    let fixed_end: Vec<u8> = host[last_varying + 1..]
        .iter()
        .filter_map(|s| match s {
            Sym::Byte(b) => Some(*b),
            Sym::Any(_) => None,
        })
        .collect();
    // A `/` in the fixed end can only be the one of `://`: the whole host is fixed.
    if fixed_end.contains(&b'/') {
        return None;
    }
    if fixed_end.iter().any(|b| matches!(b, b':' | b'[' | b']')) {
        return Some(RegexBreadth::NoFixedDomain);
    }
    let Some(dot) = fixed_end.iter().position(|&b| b == b'.') else {
        return Some(RegexBreadth::NoFixedDomain);
    };
    let Ok(domain) = std::str::from_utf8(&fixed_end[dot + 1..]) else {
        return Some(RegexBreadth::NoFixedDomain); // unreachable: origin bytes are ASCII
    };
    let domain = domain.strip_suffix('.').unwrap_or(domain);
    let last_label = domain.rsplit('.').next().unwrap_or(domain);
    if domain.is_empty() || domain.contains("..") || last_label.bytes().all(|b| b.is_ascii_digit())
    {
        return Some(RegexBreadth::NoFixedDomain);
    }
    // The varying part of the host: from after the last fixed `://` (or the start) to the
    // fixed end. Several labels if it may hold a dot.
    let start = host[..last_varying]
        .windows(3)
        .rposition(|w| w == [Sym::Byte(b':'), Sym::Byte(b'/'), Sym::Byte(b'/')])
        .map_or(0, |i| i + 3);
    let several_labels = host[start..=last_varying].iter().any(|s| match s {
        Sym::Byte(b) => *b == b'.',
        Sym::Any(set) => set & bit(b'.') != 0,
    });
    wildcard_reach(domain, several_labels).map(|reach| match reach {
        Reach::PublicSuffix(suffix) => RegexBreadth::PublicSuffix { suffix },
        Reach::SuffixesBelow(domain) => RegexBreadth::SuffixesBelow { domain },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn suffix(s: &str) -> Option<RegexBreadth> {
        Some(RegexBreadth::PublicSuffix { suffix: s.into() })
    }

    #[test]
    fn hosts_varying_right_under_a_public_suffix_are_broad() {
        for (regex, expected) in [
            (r"https://[a-z]+\.com", suffix("com")),
            (r"https://.+\.app", suffix("app")),
            (r"https://[^/]+\.de", suffix("de")),
            (r"https://[a-z0-9-]+\.vercel\.app", suffix("vercel.app")),
            (r"https://.*\.vercel\.app", suffix("vercel.app")),
            (r"https://[a-z0-9-]+\.github\.io", suffix("github.io")),
            (
                r"https://[a-z0-9-]+\.herokuapp\.com",
                suffix("herokuapp.com"),
            ),
            (r"https://[a-z0-9-]+\.netlify\.app", suffix("netlify.app")),
            (r"https://[a-z0-9-]+\.pages\.dev", suffix("pages.dev")),
            (r"https://app-[a-z0-9]+\.vercel\.app", suffix("vercel.app")),
            (r"https://[a-z]+\.co\.uk", suffix("co.uk")),
            (r"(?i)HTTPS://[A-Z]+\.VERCEL\.APP", suffix("vercel.app")),
        ] {
            assert_eq!(breadth(regex), expected, "{regex}");
        }
    }

    #[test]
    fn hosts_without_a_fixed_domain_are_broad() {
        for regex in [
            r"https://[a-z]+\.[a-z]{3}",
            r"https://\d+\.\d+\.\d+\.\d+",
            r"https?://\d+\.\d+\.\d+\.\d+(:\d+)?",
            r"https://.*",
            r".*",
            r"https://app\.[a-z]+",
            r"https://[a-z]+com",
            r"https://[a-z]+\.0\.0\.1",
            r"https://10\.0\.0\.\d{1,3}",
            r"chrome-extension://[a-p]{32}",
        ] {
            assert_eq!(breadth(regex), Some(RegexBreadth::NoFixedDomain), "{regex}");
        }
    }

    #[test]
    fn several_labels_over_a_domain_with_public_suffixes_below_it_are_broad() {
        assert_eq!(
            breadth(r"https://.+\.amazonaws\.com"),
            Some(RegexBreadth::SuffixesBelow {
                domain: "amazonaws.com".into()
            })
        );
        // One label cannot reach below `s3.amazonaws.com`: it is Amazon's own host at most.
        assert_eq!(breadth(r"https://[a-z0-9]+\.amazonaws\.com"), None);
    }

    #[test]
    fn every_branch_must_be_narrow() {
        assert_eq!(
            breadth(r"https://[a-z]+\.example\.com|https://[a-z]+\.vercel\.app"),
            suffix("vercel.app")
        );
        assert_eq!(breadth(r"https://(.*\.)?vercel\.app"), suffix("vercel.app"));
        assert_eq!(breadth(r"https://[a-z]+\.example\.(com|app|dev)"), None);
    }

    #[test]
    fn hosts_under_a_domain_of_ones_own_are_narrow() {
        for regex in [
            r"https://[a-z0-9-]+\.example\.com",
            r"https://tenant-\d+\.example\.org",
            r"https://(app|admin)\.example\.com",
            r"https://pr-\d+\.preview\.mycompany\.dev",
            r"https://.*\.example\.com",
            r"https://([a-z0-9-]+\.)*example\.com",
            r"https://([a-z0-9-]+\.)?example\.com(:\d+)?",
            r"https://[a-z]+\.example\.com:\d{2,5}",
            r"https?://[a-z]+-app\.example\.com",
            r"(?i)https://[a-z]+\.EXAMPLE\.com",
            r"https://[a-z]+\.mycompany\.co\.uk",
            r"https://[a-z]+\.my-team\.vercel\.app",
            r"http://localhost:\d+",
            r"https?://localhost(:[0-9]+)?",
            r"http://127\.0\.0\.1:\d+",
            r"http://\[::1\]:\d+",
            r"http://[a-z]+\.localhost:\d+",
            r"https://app\.example\.com",
            r"^https://[a-z]+\.example\.com$",
            r"null|https://x\.org",
            r"https://[a-z]+\.example\.com\.",
            r"[a-z]+://app\.example\.com",
        ] {
            assert_eq!(breadth(regex), None, "{regex}");
        }
    }

    #[test]
    fn large_alternations_are_summarized_not_refused() {
        let names: Vec<String> = (0..200).map(|i| format!("app{i}")).collect();
        let regex = format!(r"https://({})\.example\.com", names.join("|"));
        assert_eq!(breadth(&regex), None);
        let regex = format!(r"https://({})\.vercel\.app", names.join("|"));
        assert_eq!(breadth(&regex), suffix("vercel.app"));
    }
}
