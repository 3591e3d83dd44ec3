//! Which domains a wildcard may sit under: the Public Suffix List (ICANN and private
//! sections), as embedded by the [`psl`] crate.
//!
//! A *public suffix* is a domain under which anyone can register a name or get a subdomain:
//! `com`, `co.uk`, `github.io`, `vercel.app`. A wildcard directly under one
//! (`https://*.vercel.app`) lets in every site anyone registers there. The list a build
//! embeds is the one of the `psl` version in its `Cargo.lock`; `cargo update -p psl` takes
//! the newest.
//!
//! Used at build time only (patterns, regexes); never on the request path.

use psl::{List, Psl};

/// Why a wildcard over a domain reaches names other people can register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Reach {
    /// The domain is a public suffix (a top-level domain, or an entry of the list): the
    /// wildcard covers every name registered under it.
    PublicSuffix(String),
    /// The domain itself is registrable, but the list has public suffixes below it
    /// (`amazonaws.com` has `s3.amazonaws.com`), which a wildcard of several labels reaches.
    SuffixesBelow(String),
}

/// What a wildcard directly under `domain` lets in, if that includes names other people can
/// register. `several_labels`: the wildcard may stand for more than one label (true for
/// `*.` patterns; for regexes, when the varying part may hold a dot).
///
/// The rule: `domain` (lower case, without a trailing dot) is refused when it is a single
/// label other than `localhost` (every top-level domain, including ones the list does not
/// name such as `internal`), when the list names it as a public suffix (ICANN or private,
/// wildcard rules included: `foo.kawasaki.jp` under `*.kawasaki.jp`), or, for a wildcard of
/// several labels, when the list has any public suffix below it.
pub(crate) fn wildcard_reach(domain: &str, several_labels: bool) -> Option<Reach> {
    let domain = domain.strip_suffix('.').unwrap_or(domain);
    if !domain.contains('.') {
        return (domain != "localhost").then(|| Reach::PublicSuffix(domain.to_owned()));
    }
    if is_public_suffix(domain) {
        return Some(Reach::PublicSuffix(domain.to_owned()));
    }
    (several_labels && has_suffixes_below(domain)).then(|| Reach::SuffixesBelow(domain.to_owned()))
}

/// True if `domain` is a public suffix: the list names it (ICANN or private section), or a
/// wildcard rule covers it (`foo.kawasaki.jp` under `*.kawasaki.jp`) and no exception
/// (`!city.kawasaki.jp`) takes it out.
pub(crate) fn is_public_suffix(domain: &str) -> bool {
    let named = psl::suffix(domain.as_bytes())
        .is_some_and(|s| s.is_known() && s.as_bytes() == domain.as_bytes());
    // The crate answers a name under a wildcard rule correctly, except when the list also
    // has rules below that name (`*.firenet.ch` and `*.svc.firenet.ch`: it takes
    // `svc.firenet.ch` for a registrable domain). Exceptions have no rules below them.
    named || (under_wildcard_rule(domain) && has_suffixes_below(domain))
}

/// A label no rule of the list names, to ask whether a wildcard covers a place.
const PROBE_LABEL: &str = "corsair-probe-0";

/// True if a wildcard rule `*.parent` covers `domain`'s place (`domain` = `label.parent`).
fn under_wildcard_rule(domain: &str) -> bool {
    let Some((_, parent)) = domain.split_once('.') else {
        return false;
    };
    let probe = format!("{PROBE_LABEL}.{parent}");
    psl::suffix(probe.as_bytes()).is_some_and(|s| s.is_known() && s.as_bytes() == probe.as_bytes())
}

/// Feeds a domain's labels to the list from the right, and records whether the list asked
/// for a label beyond them.
struct Labels<'a> {
    rest: std::iter::Rev<std::str::Split<'a, char>>,
    asked_beyond: bool,
}

impl<'a> Iterator for Labels<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let next = self.rest.next().map(str::as_bytes);
        self.asked_beyond |= next.is_none();
        next
    }
}

/// True if the list has a rule below `domain` (`s3.amazonaws.com` below `amazonaws.com`,
/// `*.kawasaki.jp` below `kawasaki.jp`).
///
/// The `psl` crate compiles the list into a tree of labels walked from the right, and reads
/// the next label only where the list has rules further down; so the walk asks for a label
/// beyond `domain` exactly when some rule lies below it. The crate does not promise this, so
/// tests check it against every rule of the real list, in both directions
/// (`tests/it/config/public_suffix_list.rs`).
fn has_suffixes_below(domain: &str) -> bool {
    let mut labels = Labels {
        rest: domain.split('.').rev(),
        asked_beyond: false,
    };
    List.find(&mut labels);
    labels.asked_beyond
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_suffixes_of_both_sections_are_found() {
        for domain in [
            "com",
            "co.uk",
            "edu.au",
            "org.br",
            "myshopify.com",
            "githubusercontent.com",
            "github.io",
        ] {
            assert_eq!(
                wildcard_reach(domain, false),
                Some(Reach::PublicSuffix(domain.into())),
                "{domain}"
            );
        }
    }

    #[test]
    fn single_labels_are_top_level_domains_except_localhost() {
        assert_eq!(
            wildcard_reach("internal", false),
            Some(Reach::PublicSuffix("internal".into()))
        );
        assert_eq!(wildcard_reach("localhost", true), None);
    }

    #[test]
    fn suffixes_below_count_only_for_wildcards_of_several_labels() {
        assert_eq!(
            wildcard_reach("amazonaws.com", true),
            Some(Reach::SuffixesBelow("amazonaws.com".into()))
        );
        assert_eq!(wildcard_reach("amazonaws.com", false), None);
        assert_eq!(wildcard_reach("example.com", true), None);
        assert_eq!(wildcard_reach("example.com.", true), None);
    }

    #[test]
    fn names_under_a_wildcard_rule_are_public_suffixes_except_exceptions() {
        // `*.kawasaki.jp` and `!city.kawasaki.jp`.
        assert!(is_public_suffix("anything.kawasaki.jp"));
        assert!(!is_public_suffix("city.kawasaki.jp"));
        // `*.firenet.ch` and `*.svc.firenet.ch`: `svc.firenet.ch` is a public suffix too.
        assert!(is_public_suffix("svc.firenet.ch"));
        assert!(!is_public_suffix("firenet.ch"));
    }
}
