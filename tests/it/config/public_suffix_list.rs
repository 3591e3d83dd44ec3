//! Wildcards and regexes over public suffixes, checked against the whole Public Suffix List
//! rather than examples of our own: every rule of the copy the `psl` crate embeds (its
//! `data/rules.txt`, found with `cargo metadata`), and Debian's independent copy with its
//! ICANN and private sections (`/usr/share/publicsuffix/public_suffix_list.dat`, package
//! `publicsuffix`; `.ci/run` installs it).
//!
//! The oracle is the list's own format and meaning (publicsuffix.org, "Format"): a line is a
//! rule; `*.` makes every label in that place a public suffix; `!` marks an exception, which
//! is a registrable domain. A wildcard `*.D` is refused when `D` is a public suffix, or when
//! the list has a public suffix below `D` (the wildcard would reach names there).

use std::{
    collections::{HashMap, HashSet},
    path::PathBuf,
    process::Command,
};

use corsair::{Cors, Problem, RegexBreadth, Source};

/// A label no rule of the list names, used where a rule says "any label here".
const PROBE: &str = "corsair-probe";

/// The rules of the list the `psl` crate embeds, in ASCII (punycode) form.
fn embedded_rules() -> Vec<String> {
    let out = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--offline",
            "--manifest-path",
        ])
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).expect("metadata is JSON");
    let manifest = meta["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .find(|p| p["name"] == "psl")
        .and_then(|p| p["manifest_path"].as_str())
        .expect("psl is a dependency");
    let path = PathBuf::from(manifest)
        .with_file_name("data")
        .join("rules.txt");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    rules_of(&text)
}

/// The rules of a list in the publicsuffix.org format (comments and blank lines dropped),
/// internationalized labels in punycode, as patterns must be written.
fn rules_of(text: &str) -> Vec<String> {
    text.lines()
        .map(|line| line.split_whitespace().next().unwrap_or(""))
        .filter(|rule| !rule.is_empty() && !rule.starts_with("//"))
        .map(ascii)
        .collect()
}

fn ascii(rule: &str) -> String {
    if rule.is_ascii() {
        return rule.to_owned();
    }
    let (bang, rest) = rule.strip_prefix('!').map_or(("", rule), |r| ("!", r));
    let (star, name) = rest.strip_prefix("*.").map_or(("", rest), |r| ("*.", r));
    let name = idna::domain_to_ascii(name).unwrap_or_else(|e| panic!("{rule}: {e:?}"));
    format!("{bang}{star}{name}")
}

/// The list's rules, split by kind.
struct List {
    /// Plain rules: each is a public suffix.
    plain: HashSet<String>,
    /// `*.D` rules, by `D`: every label under `D` is a public suffix.
    wildcard: HashSet<String>,
    /// `!D` rules: registrable domains despite a wildcard.
    exception: HashSet<String>,
}

impl List {
    fn new(rules: &[String]) -> Self {
        let mut list = List {
            plain: HashSet::new(),
            wildcard: HashSet::new(),
            exception: HashSet::new(),
        };
        for rule in rules {
            if let Some(d) = rule.strip_prefix('!') {
                list.exception.insert(d.to_owned());
            } else if let Some(d) = rule.strip_prefix("*.") {
                list.wildcard.insert(d.to_owned());
            } else {
                list.plain.insert(rule.clone());
            }
        }
        list
    }

    /// Whether `domain` is a public suffix by the list's rules (not by the crate).
    fn is_public_suffix(&self, domain: &str) -> bool {
        if self.plain.contains(domain) || !domain.contains('.') {
            return true;
        }
        let parent = domain.split_once('.').map_or("", |(_, p)| p);
        self.wildcard.contains(parent) && !self.exception.contains(domain)
    }

    /// Every domain that has a rule strictly below it.
    fn domains_with_rules_below(&self) -> HashSet<String> {
        let mut out = HashSet::new();
        let below = self
            .plain
            .iter()
            .chain(&self.exception)
            .chain(&self.wildcard);
        for rule in below {
            let mut rest = rule.as_str();
            while let Some((_, parent)) = rest.split_once('.') {
                out.insert(parent.to_owned());
                rest = parent;
            }
        }
        // A wildcard rule `*.D` is a rule below `D` itself.
        out.extend(self.wildcard.iter().cloned());
        out
    }
}

/// The problems of `https://*.{domain}` with credentials (empty: it builds).
fn pattern_problems(domain: &str) -> Vec<Problem> {
    Cors::default()
        .allowed_origin_pattern(&format!("https://*.{domain}"))
        .supports_credentials()
        .build()
        .err()
        .map(|e| e.into_problems())
        .unwrap_or_default()
}

fn too_broad(domain: &str) -> Problem {
    Problem::PatternTooBroad {
        value: format!("https://*.{domain}"),
        source: Source::Code,
        suffix: domain.to_owned(),
    }
}

fn reaches_below(domain: &str) -> Problem {
    Problem::PatternReachesPublicSuffixes {
        value: format!("https://*.{domain}"),
        source: Source::Code,
        domain: domain.to_owned(),
    }
}

/// Fails with the first mismatches and their count.
fn assert_none_failed(what: &str, failures: &[String], checked: usize) {
    assert!(
        failures.is_empty(),
        "{what}: {} of {checked} wrong, e.g.:\n{}",
        failures.len(),
        failures
            .iter()
            .take(15)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(checked > 0, "{what}: nothing checked");
}

/// The public suffix each rule of the list makes, with its section as the crate reports it.
fn suffix_of_rule(rule: &str) -> Option<String> {
    if rule.starts_with('!') {
        return None;
    }
    Some(match rule.strip_prefix("*.") {
        Some(base) => format!("{PROBE}.{base}"),
        None => rule.to_owned(),
    })
}

#[test]
fn wildcard_directly_over_every_suffix_of_the_embedded_list_is_refused_with_credentials() {
    let rules = embedded_rules();
    let mut failures = Vec::new();
    let mut checked: HashMap<&'static str, usize> = HashMap::new();
    for suffix in rules.iter().filter_map(|r| suffix_of_rule(r)) {
        let section = match psl::suffix(suffix.as_bytes()).and_then(|s| s.typ()) {
            Some(psl::Type::Icann) => "icann",
            Some(psl::Type::Private) => "private",
            None => "unknown",
        };
        *checked.entry(section).or_default() += 1;
        let got = pattern_problems(&suffix);
        if got != [too_broad(&suffix)] {
            failures.push(format!("https://*.{suffix} ({section}): {got:?}"));
        }
    }
    println!("checked per section: {checked:?}");
    assert_eq!(checked.get("unknown"), None, "every rule has a section");
    assert_none_failed("wildcards over suffixes", &failures, rules.len());
    // Both sections are there, in the thousands (the list had 6,900 ICANN and 3,500 private
    // rules in 2026).
    assert!(
        checked["icann"] > 5_000 && checked["private"] > 2_000,
        "{checked:?}"
    );
}

#[test]
fn wildcard_over_a_domain_with_suffixes_below_it_is_refused_with_credentials() {
    let rules = embedded_rules();
    let list = List::new(&rules);
    let mut failures = Vec::new();
    let parents = list.domains_with_rules_below();
    for domain in &parents {
        let expected = if list.is_public_suffix(domain) {
            too_broad(domain)
        } else {
            reaches_below(domain)
        };
        let got = pattern_problems(domain);
        if got != [expected.clone()] {
            failures.push(format!(
                "https://*.{domain}: {got:?}, expected {expected:?}"
            ));
        }
    }
    assert_none_failed(
        "wildcards reaching suffixes below",
        &failures,
        parents.len(),
    );
    // `amazonaws.com` is no public suffix itself, but `s3.amazonaws.com` below it is.
    assert!(parents.contains("amazonaws.com") && !list.is_public_suffix("amazonaws.com"));
}

#[test]
fn wildcard_under_a_registrable_domain_of_every_suffix_builds_with_credentials() {
    let rules = embedded_rules();
    let list = List::new(&rules);
    let parents = list.domains_with_rules_below();
    let mut failures = Vec::new();
    let mut checked = 0;
    // One name registered under each suffix, and each exception (a registrable domain the
    // list carves out of a wildcard).
    let registrable = rules
        .iter()
        .filter_map(|r| suffix_of_rule(r))
        .map(|suffix| format!("{PROBE}-site.{suffix}"))
        .chain(list.exception.iter().cloned());
    for domain in registrable {
        if parents.contains(&domain) || list.is_public_suffix(&domain) {
            continue; // the list has rules below this exception: refused, checked above
        }
        checked += 1;
        let got = pattern_problems(&domain);
        if !got.is_empty() {
            failures.push(format!("https://*.{domain}: {got:?}"));
        }
    }
    assert_none_failed("wildcards under registrable domains", &failures, checked);
}

/// Debian's copy of the list, whose comments mark the ICANN and private sections.
fn debian_sections() -> (Vec<String>, Vec<String>) {
    const PATH: &str = "/usr/share/publicsuffix/public_suffix_list.dat";
    let text = std::fs::read_to_string(PATH).unwrap_or_else(|e| {
        panic!(
            "{PATH}: {e}; install Debian's `publicsuffix` package (apt-get install publicsuffix)"
        )
    });
    let private_at = text
        .find("===BEGIN PRIVATE DOMAINS===")
        .expect("the private section is marked");
    (rules_of(&text[..private_at]), rules_of(&text[private_at..]))
}

#[test]
fn wildcard_over_every_multi_label_suffix_of_debians_copy_is_refused_in_both_sections() {
    let (icann, private) = debian_sections();
    let embedded: HashSet<String> = embedded_rules().into_iter().collect();
    for (section, rules) in [("ICANN", icann), ("private", private)] {
        let mut failures = Vec::new();
        let (mut checked, mut dropped_since) = (0, 0);
        for rule in &rules {
            let Some(suffix) = suffix_of_rule(rule).filter(|s| s.contains('.')) else {
                continue;
            };
            // Debian's copy can be older than the embedded one: a rule the newer list dropped
            // (the `.museum` names, `glitch.me` after Glitch ended its hosting) makes no
            // public suffix any more. Such a rule must really be gone from the embedded list.
            if !embedded.contains(rule) {
                dropped_since += 1;
                continue;
            }
            checked += 1;
            let got = pattern_problems(&suffix);
            if got != [too_broad(&suffix)] {
                failures.push(format!("https://*.{suffix}: {got:?}"));
            }
        }
        println!(
            "{section}: {checked} multi-label suffixes refused, {dropped_since} dropped from the list since"
        );
        assert_none_failed(section, &failures, checked);
    }
}

/// Every `step`-th multi-label suffix of the embedded list (a deterministic sample: building
/// a policy compiles its regexes).
fn sampled_suffixes(step: usize) -> Vec<String> {
    embedded_rules()
        .iter()
        .filter_map(|r| suffix_of_rule(r))
        .filter(|s| s.contains('.'))
        .step_by(step)
        .collect()
}

fn regex_problems(regex: &str, credentials: bool) -> Vec<Problem> {
    let mut cors = Cors::default().allowed_origin_regex(regex);
    if credentials {
        cors = cors.supports_credentials();
    }
    cors.build()
        .err()
        .map(|e| e.into_problems())
        .unwrap_or_default()
}

#[test]
fn regexes_varying_the_label_under_a_suffix_are_refused_with_or_without_credentials() {
    let sample = sampled_suffixes(25);
    let mut failures = Vec::new();
    for suffix in &sample {
        let escaped = regex::escape(suffix);
        for regex in [
            format!(r"https://[a-z0-9-]+\.{escaped}"),
            format!(r"https://.*\.{escaped}"),
            format!(r"https://(www\.)?[a-z]+\.{escaped}(:\d+)?"),
            format!(r"(?i)https://[a-z]+\.{escaped}|https://app\.example\.com"),
        ] {
            let expected = Problem::RegexTooBroad {
                value: regex.clone(),
                source: Source::Code,
                reason: RegexBreadth::PublicSuffix {
                    suffix: suffix.clone(),
                },
            };
            for credentials in [true, false] {
                let got = regex_problems(&regex, credentials);
                if got != [expected.clone()] {
                    failures.push(format!("{regex} (credentials {credentials}): {got:?}"));
                }
            }
        }
    }
    assert_none_failed("regexes over suffixes", &failures, sample.len());
}

#[test]
fn regexes_under_a_registrable_domain_of_a_suffix_build_with_credentials() {
    let sample = sampled_suffixes(25);
    let mut failures = Vec::new();
    for suffix in &sample {
        let regex = format!(
            r"https://[a-z0-9-]+\.{PROBE}-site\.{}",
            regex::escape(suffix)
        );
        let got = regex_problems(&regex, true);
        if !got.is_empty() {
            failures.push(format!("{regex}: {got:?}"));
        }
    }
    assert_none_failed("regexes under registrable domains", &failures, sample.len());
}

#[test]
fn the_issues_broad_regexes_are_refused_with_credentials() {
    for regex in [
        r"https://[a-z]+\.[a-z]{3}",
        r"https://[a-z]+\.com",
        r"https://.+\.app",
        r"https://[^/]+\.de",
        r"https://\d+\.\d+\.\d+\.\d+",
        r"https://[a-z0-9-]+\.vercel\.app",
        r"https://[a-z0-9-]+\.github\.io",
        r"https://[a-z0-9-]+\.herokuapp\.com",
        r"https://[a-z0-9-]+\.netlify\.app",
        r"https://[a-z0-9-]+\.pages\.dev",
        r"https://.*\.vercel\.app",
    ] {
        let got = regex_problems(regex, true);
        assert!(
            matches!(&got[..], [Problem::RegexTooBroad { value, .. }] if value == regex),
            "{regex}: {got:?}"
        );
        let text = got[0].to_string();
        for fix in [
            "list the deployment origins",
            "anchor the regex on a domain you own",
            "`.dangerously_allow_subdomains_of_public_suffixes()`",
        ] {
            assert!(text.contains(fix), "{regex}: {text}");
        }
    }
}

#[test]
fn the_legitimate_forms_build_with_credentials() {
    let mut cors = Cors::default().supports_credentials();
    for regex in [
        r"https://[a-z0-9-]+\.example\.com",
        r"https://tenant-\d+\.example\.org",
        r"https://(app|admin)\.example\.com",
        r"https://pr-\d+\.preview\.mycompany\.dev",
    ] {
        cors = cors.allowed_origin_regex(regex);
    }
    for pattern in [
        "https://*.example.com",
        "https://*.mycompany.co.uk",
        "http://localhost:*",
    ] {
        cors = cors.allowed_origin_pattern(pattern);
    }
    let policy = cors.build().unwrap();
    for origin in [
        "https://a-1.example.com",
        "https://tenant-42.example.org",
        "https://admin.example.com",
        "https://pr-7.preview.mycompany.dev",
        "https://app.mycompany.co.uk",
        "http://localhost:5173",
    ] {
        assert!(
            policy
                .check(&corsair::CorsRequest::new(origin))
                .is_allowed(),
            "{origin}"
        );
    }
}
