//! Turning [`Settings`] (what a builder recorded) into a [`Compiled`] policy, or into every
//! problem they have.
//!
//! Each rule is checked independently and all problems are collected, so a user fixes their
//! configuration in one round.

use std::collections::HashSet;

use actix_web::http::{
    header::{HeaderName, HeaderValue},
    Method,
};

use crate::{
    error::{ConfigError, NameList, OriginRules, Problem, Source},
    fetch::{
        is_forbidden_method, is_forbidden_request_header, is_token, FORBIDDEN_RESPONSE_HEADERS,
        NORMALIZED_METHODS,
    },
    origin::{
        pattern::{OriginPattern, PatternError},
        public_suffix::Reach,
        regexes::{self, OriginRegexes},
        serialized::{is_loopback, parse_origin},
        OriginMatcher,
    },
    policy::{expose_value, Compiled, Flags, HeaderRule, MethodRule},
    settings::{Any, Settings},
};

/// The longest preflight cache any browser honours (Firefox: 24 h).
pub const MAX_AGE_LIMIT: usize = 86_400;

/// Builds the immutable policy, or reports every problem.
pub(crate) fn compile(settings: &Settings) -> Result<Compiled, ConfigError> {
    // Grouped by category: origins (a missing environment variable first), arguments that
    // did not convert, methods, request headers, exposed headers, combinations, the rest.
    let (mut problems, unconvertible): (Vec<Problem>, Vec<Problem>) = settings
        .early_problems
        .iter()
        .cloned()
        .partition(|p| !matches!(p, Problem::Unconvertible { .. }));
    let origins = compile_origins(settings, &mut problems);
    problems.extend(unconvertible);
    let methods = compile_methods(settings, &mut problems);
    let headers = compile_headers(settings, &mut problems);
    let expose = compile_expose(settings, &mut problems);
    check_combinations(settings, &mut problems);

    if let Some(seconds) = settings.max_age {
        if seconds > MAX_AGE_LIMIT {
            problems.push(Problem::MaxAgeTooLong { seconds });
        }
    }
    if !settings.preflight_status.is_success() {
        problems.push(Problem::PreflightStatus {
            status: settings.preflight_status.as_u16(),
        });
    }
    settings.rollout.same_origin.check(&mut problems);
    if !problems.is_empty() {
        return Err(ConfigError::new(problems));
    }
    let flags = Flags {
        send_wildcard: settings.send_wildcard,
        credentials: settings.credentials,
        vary: settings.vary,
        preflight: settings.preflight,
        block_on_origin_mismatch: settings.block_on_origin_mismatch,
        private_network: settings.private_network,
        preflight_status: settings.preflight_status,
    };
    Ok(Compiled::new(
        origins,
        methods,
        headers,
        expose,
        settings.max_age,
        flags,
    ))
}

pub(crate) fn compile_origins(settings: &Settings, problems: &mut Vec<Problem>) -> OriginMatcher {
    let mut matcher = OriginMatcher::default();
    matcher.any = settings.any_origin.is_any();
    matcher.allow_null = settings.allow_null;
    compile_exact(settings, &mut matcher, problems);
    compile_patterns(settings, &mut matcher, problems);
    compile_regexes(settings, &mut matcher, problems);
    matcher.predicates = settings.predicates.clone();
    matcher.seal()
}

/// Exact origins (and a `null` entry), each checked as a serialized origin.
fn compile_exact(settings: &Settings, matcher: &mut OriginMatcher, problems: &mut Vec<Problem>) {
    for (origin, source) in &settings.origins {
        if origin == "null" {
            if !settings.allow_null {
                problems.push(Problem::NullOrigin {
                    source: source.clone(),
                });
            }
            continue;
        }
        match parse_origin(origin) {
            Ok(parts) => {
                if is_insecure_for_credentials(settings, parts.scheme, parts.host) {
                    problems.push(Problem::InsecureCredentialedOrigin {
                        value: origin.clone(),
                        source: source.clone(),
                    });
                } else if is_insecure_for_private_network(settings, parts.scheme, parts.host) {
                    problems.push(Problem::InsecurePrivateNetworkOrigin {
                        value: origin.clone(),
                        source: source.clone(),
                    });
                }
                if matcher.exact.contains_key(origin.as_bytes()) {
                    log::warn!(
                        "corsair: origin `{origin}` ({source}) is listed twice; using it once"
                    );
                }
                matcher.insert_exact(origin);
            }
            Err(fault) => problems.push(Problem::InvalidOrigin {
                value: origin.clone(),
                source: source.clone(),
                fault,
            }),
        }
    }
}

/// Origin patterns, each parsed and checked for breadth.
fn compile_patterns(settings: &Settings, matcher: &mut OriginMatcher, problems: &mut Vec<Problem>) {
    for (pattern, source) in &settings.patterns {
        match OriginPattern::parse(pattern) {
            Ok(parsed) => {
                if let Some(reach) = parsed.wildcard_reach() {
                    if !tolerates_public_suffixes(settings) {
                        problems.push(pattern_too_broad(pattern, source, reach));
                        continue;
                    }
                    log::warn!(
                        "corsair: origin pattern `{pattern}` ({source}) lets in every site anyone registers under `{}`, accepted by `dangerously_allow_subdomains_of_public_suffixes`",
                        parsed.host()
                    );
                }
                let scheme = pattern.split_once("://").map_or("", |(s, _)| s);
                if is_insecure_for_credentials(settings, scheme, parsed.host()) {
                    problems.push(Problem::InsecureCredentialedOrigin {
                        value: pattern.clone(),
                        source: source.clone(),
                    });
                } else if is_insecure_for_private_network(settings, scheme, parsed.host()) {
                    problems.push(Problem::InsecurePrivateNetworkOrigin {
                        value: pattern.clone(),
                        source: source.clone(),
                    });
                }
                matcher.patterns.insert(parsed);
            }
            Err(PatternError::Invalid(fault)) => problems.push(Problem::InvalidPattern {
                value: pattern.clone(),
                source: source.clone(),
                fault,
            }),
            Err(PatternError::TooBroad { suffix }) => problems.push(Problem::PatternTooBroad {
                value: pattern.clone(),
                source: source.clone(),
                suffix,
            }),
        }
    }
}

/// The problem for a pattern whose wildcard reaches names other people can register.
fn pattern_too_broad(pattern: &str, source: &Source, reach: Reach) -> Problem {
    match reach {
        Reach::PublicSuffix(suffix) => Problem::PatternTooBroad {
            value: pattern.to_owned(),
            source: source.clone(),
            suffix,
        },
        Reach::SuffixesBelow(domain) => Problem::PatternReachesPublicSuffixes {
            value: pattern.to_owned(),
            source: source.clone(),
            domain,
        },
    }
}

/// Patterns and regexes over public suffixes are tolerated: opted in, and no credentials.
fn tolerates_public_suffixes(settings: &Settings) -> bool {
    settings.tolerate_public_suffixes && !settings.credentials
}

/// Origin regexes: each checked alone (syntax, unescaped dots, breadth, plain `http` with
/// credentials), then the good ones compiled into one set.
fn compile_regexes(settings: &Settings, matcher: &mut OriginMatcher, problems: &mut Vec<Problem>) {
    let mut good_regexes = Vec::new();
    for (regex, source) in &settings.regexes {
        if let Err(error) = regexes::check(regex) {
            problems.push(Problem::InvalidRegex {
                value: regex.clone(),
                source: source.clone(),
                error,
            });
            continue;
        }
        if let Some(suggestion) = regexes::unescaped_host_dot(regex) {
            problems.push(Problem::RegexUnescapedDot {
                value: regex.clone(),
                source: source.clone(),
                suggestion,
            });
            continue;
        }
        if let Some(reason) = regexes::breadth(regex) {
            if !tolerates_public_suffixes(settings) {
                problems.push(Problem::RegexTooBroad {
                    value: regex.clone(),
                    source: source.clone(),
                    reason,
                });
                continue;
            }
            log::warn!(
                "corsair: origin regex `{regex}` ({source}) is too broad: {reason}; accepted by `dangerously_allow_subdomains_of_public_suffixes`"
            );
        }
        if settings.credentials
            && !settings.allow_insecure_credentialed
            && regexes::may_match_insecure_http(regex)
        {
            problems.push(Problem::CredentialedInsecureRegex {
                value: regex.clone(),
                source: source.clone(),
            });
        } else if settings.private_network
            && !settings.allow_insecure_credentialed
            && regexes::may_match_insecure_http(regex)
        {
            problems.push(Problem::PrivateNetworkInsecureRegex {
                value: regex.clone(),
                source: source.clone(),
            });
        } else {
            good_regexes.push(regex.clone());
        }
    }
    match OriginRegexes::new(&good_regexes) {
        Ok(set) => matcher.regexes = set,
        // Each regex compiled alone; a set can still exceed the size limit together.
        Err(error) => problems.push(Problem::InvalidRegex {
            value: good_regexes.join(" | "),
            source: Source::Code,
            error,
        }),
    }
}

/// Plain `http` to a host other than loopback, with credentials and no opt-out.
fn is_insecure_for_credentials(settings: &Settings, scheme: &str, host: &str) -> bool {
    settings.credentials
        && !settings.allow_insecure_credentialed
        && scheme == "http"
        && !is_loopback(host)
}

/// Plain `http` to a host other than loopback, with Private Network Access and no opt-out
/// (the opt-out is the one for credentials: the same forgery, the same closed networks).
fn is_insecure_for_private_network(settings: &Settings, scheme: &str, host: &str) -> bool {
    settings.private_network
        && !settings.allow_insecure_credentialed
        && scheme == "http"
        && !is_loopback(host)
}

fn compile_methods(settings: &Settings, problems: &mut Vec<Problem>) -> MethodRule {
    let mut list: Vec<Method> = Vec::new();
    for m in &settings.methods {
        let upper = m.to_ascii_uppercase();
        if m == "*" {
            problems.push(Problem::WildcardInList {
                list: NameList::Methods,
            });
        } else if !is_token(m.as_bytes()) {
            problems.push(Problem::InvalidMethod { value: m.clone() });
        } else if is_forbidden_method(m.as_bytes()) {
            problems.push(Problem::ForbiddenMethod { value: m.clone() });
        } else if *m != upper && NORMALIZED_METHODS.contains(&upper.as_str()) {
            problems.push(Problem::LowercaseMethod {
                value: m.clone(),
                suggestion: upper,
            });
        } else if let Ok(method) = Method::from_bytes(m.as_bytes()) {
            if *m != upper {
                log::warn!(
                    "corsair: method `{m}` is allowed as written; methods are case-sensitive and browsers send it as the script wrote it, so `{upper}` is a different method (list both if scripts use both)"
                );
            }
            if list.contains(&method) {
                log::warn!("corsair: method `{m}` is listed twice; using it once");
            } else {
                list.push(method);
            }
        } else {
            problems.push(Problem::InvalidMethod { value: m.clone() });
        }
    }
    MethodRule::new(settings.any_method.is_any(), list)
}

/// Parses header names of one list, reporting invalid and forbidden ones.
fn header_names(names: &[String], list: NameList, problems: &mut Vec<Problem>) -> Vec<HeaderName> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for raw in names {
        if raw == "*" {
            problems.push(Problem::WildcardInList { list });
            continue;
        }
        let Ok(name) = HeaderName::from_bytes(raw.as_bytes()) else {
            problems.push(Problem::InvalidHeaderName {
                value: raw.clone(),
                list,
            });
            continue;
        };
        let lower = name.as_str();
        // `list` is one of the two header lists (`AllowedHeaders` or `ExposedHeaders`).
        let exposed = list == NameList::ExposedHeaders;
        let is_forbidden = if exposed {
            FORBIDDEN_RESPONSE_HEADERS.contains(&lower)
        } else {
            is_forbidden_request_header(lower.as_bytes())
        };
        if !is_forbidden && list == NameList::AllowedHeaders && lower.starts_with("access-control-")
        {
            log::warn!(
                "corsair: `{raw}` in allowed_headers is a CORS response header; allowing it as a request header is valid (scripts sometimes send it by mistake), but servers never need it"
            );
        }
        if is_forbidden {
            problems.push(if exposed {
                Problem::ForbiddenExposedHeader { value: raw.clone() }
            } else {
                Problem::ForbiddenRequestHeader { value: raw.clone() }
            });
        } else if seen.insert(name.clone()) {
            out.push(name);
        } else {
            log::warn!("corsair: header `{raw}` is listed twice in {list}; using it once");
        }
    }
    out
}

fn compile_headers(settings: &Settings, problems: &mut Vec<Problem>) -> HeaderRule {
    let list = header_names(&settings.headers, NameList::AllowedHeaders, problems);
    HeaderRule::new(settings.any_header.is_any(), list)
}

fn compile_expose(settings: &Settings, problems: &mut Vec<Problem>) -> Option<HeaderValue> {
    let list = header_names(&settings.expose, NameList::ExposedHeaders, problems);
    expose_value(settings.expose_any.is_any(), &list)
}

/// Options that are fine alone but wrong together.
///
/// The "any" / list rule, the same for origins, methods, request headers and exposed headers
/// and independent of call order: after `Cors::permissive` a list narrows that part (the
/// builder records it so); an explicit "any" call together with a list is a build error
/// naming both calls.
fn check_combinations(settings: &Settings, problems: &mut Vec<Problem>) {
    check_any_origin_conflicts(settings, problems);
    check_any_and_list(settings, problems);
    if settings.credentials {
        check_credentials(settings, problems);
    }
    check_send_wildcard(settings, problems);
    if settings.private_network {
        check_private_network(settings, problems);
    }
    crate::protection::check_cors_settings(settings, problems); // [protection hook]
}

/// Private Network Access with origins any website can use: every origin, or `null`.
fn check_private_network(settings: &Settings, problems: &mut Vec<Problem>) {
    match settings.any_origin {
        Any::Explicit => problems.push(Problem::PrivateNetworkAnyOrigin {
            call: "allow_any_origin()",
            narrows: "",
        }),
        Any::Permissive => problems.push(Problem::PrivateNetworkAnyOrigin {
            call: "Cors::permissive()",
            narrows: " (a list narrows `permissive()`)",
        }),
        Any::No => {}
    }
    if settings.allow_null {
        problems.push(Problem::PrivateNetworkNullOrigin);
    }
}

/// An explicit "any origin" together with any listed origin, pattern, regex or predicate.
fn check_any_origin_conflicts(settings: &Settings, problems: &mut Vec<Problem>) {
    if settings.any_origin != Any::Explicit {
        return;
    }
    let conflicts = [
        (!settings.origins.is_empty(), OriginRules::List),
        (!settings.patterns.is_empty(), OriginRules::Patterns),
        (!settings.regexes.is_empty(), OriginRules::Regexes),
        (!settings.predicates.is_empty(), OriginRules::Predicate),
    ];
    for (present, with) in conflicts {
        if present {
            problems.push(Problem::AnyOriginConflict { with });
        }
    }
}

/// An explicit "any" call together with a list, for methods, request and exposed headers.
fn check_any_and_list(settings: &Settings, problems: &mut Vec<Problem>) {
    let pairs = [
        (
            settings.any_method,
            settings.methods_listed,
            "allow_any_method",
            "allowed_methods",
        ),
        (
            settings.any_header,
            settings.headers_listed,
            "allow_any_header",
            "allowed_header(s)",
        ),
        (
            settings.expose_any,
            settings.expose_listed,
            "expose_any_header",
            "expose_headers",
        ),
    ];
    for (any, listed, any_call, list_call) in pairs {
        if any == Any::Explicit && listed {
            problems.push(Problem::AnyAndList {
                any: any_call,
                list: list_call,
            });
        }
    }
}

/// Options that credentials make unsafe or useless: any origin, expose any, `null`.
fn check_credentials(settings: &Settings, problems: &mut Vec<Problem>) {
    match settings.any_origin {
        Any::Explicit => problems.push(Problem::CredentialedAnyOrigin),
        Any::Permissive => problems.push(Problem::PermissiveWithCredentials {
            what: "any origin",
            fix: "list the trusted origins with `.allowed_origin(..)`",
        }),
        Any::No => {}
    }
    match settings.expose_any {
        Any::Explicit => problems.push(Problem::CredentialedExposeAny),
        Any::Permissive => problems.push(Problem::PermissiveWithCredentials {
            what: "scripts to read every response header (`Access-Control-Expose-Headers: *`, which browsers ignore on credentialed requests)",
            fix: "list the headers scripts may read with `.expose_headers([..])`",
        }),
        Any::No => {}
    }
    if settings.allow_null && !settings.null_with_credentials {
        problems.push(Problem::CredentialedNullOrigin);
    }
}

/// `send_wildcard` needs "any origin" and cannot go with credentials.
fn check_send_wildcard(settings: &Settings, problems: &mut Vec<Problem>) {
    if settings.send_wildcard && settings.credentials {
        problems.push(Problem::CredentialedWildcard);
    }
    if settings.send_wildcard && !settings.any_origin.is_any() {
        problems.push(Problem::WildcardWithoutAnyOrigin);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::OriginFault;

    #[test]
    fn origin_fault_is_reported_once_per_entry() {
        let err = compile(
            &crate::Cors::default()
                .allowed_origin("app.com")
                .allowed_origin("https://ok.com")
                .allowed_origin("https://a.com:443")
                .settings,
        )
        .unwrap_err();
        assert_eq!(err.problems().len(), 2);
        assert!(matches!(
            err.problems()[1],
            Problem::InvalidOrigin {
                fault: OriginFault::DefaultPort { .. },
                ..
            }
        ));
    }
}
