//! Stricter validation and typed configuration errors.
//!
//! - Each stricter rule is refused with its own `Problem` variant carrying the offending
//!   value (and, where it has one, the opt-out works): credentials with plain-`http` origins,
//!   credentials with a pattern covering a public suffix, forbidden or CORS header names in
//!   `allowed_headers`, `Set-Cookie` in `expose_headers`.
//! - Duplicates are collapsed with a `warn` log line, never an error.
//! - Every variant's `Display` carries a fix hint, and errors point at their source
//!   (`Source::Code`, `Source::Env { var, position }`, `Source::Config { field, position }`).

use super::fix_hints::says_what_to_do;
use crate::common::{
    env,
    logs::{capture_logs, lines},
};

use actix_web::http::{header, StatusCode};
use corsair::{
    ConfigError, Cors, CorsRequest, NameList, OriginFault, OriginRules, Problem, ProxyFault, Source,
};

// ---------------------------------------------------------------------------------------------
// log lines (the binary's capturing logger, `common::logs`)
// ---------------------------------------------------------------------------------------------

/// Log lines at `level` that mention `needle` (tests run in parallel, so each test looks for
/// values only it uses).
fn logged(level: log::Level, needle: &str) -> Vec<String> {
    lines()
        .iter()
        .filter(|l| l.level == level && l.message.contains(needle))
        .map(|l| l.message.clone())
        .collect()
}

/// True for `InsecureCredentialedOrigin` with this value, wherever it came from.
fn is_insecure(p: &Problem, origin: &str) -> bool {
    matches!(p, Problem::InsecureCredentialedOrigin { value, .. } if value == origin)
}

fn problems(cors: Cors) -> Vec<Problem> {
    cors.build()
        .expect_err("the policy should be refused")
        .into_problems()
}

// ---------------------------------------------------------------------------------------------
// credentials with plain http
// ---------------------------------------------------------------------------------------------

#[test]
fn credentials_with_plain_http_origin_is_refused() {
    for origin in [
        "http://intranet.corp",
        "http://app.example.com",
        "http://10.0.0.7:8080",
        "http://192.168.1.20",
        "http://[::2]:3000",
        "http://localhost.evil.org",
    ] {
        let p = problems(
            Cors::default()
                .allowed_origin(origin)
                .supports_credentials(),
        );
        assert!(
            matches!(&p[..], [one] if is_insecure(one, origin)),
            "{origin}: {p:?}"
        );
        let text = p[0].to_string();
        assert!(text.contains(origin), "{text}");
        assert!(text.contains("use https"), "{text}");
        assert!(
            text.contains(".allow_insecure_credentialed_origins()"),
            "{text}"
        );
    }
}

#[test]
fn the_opt_out_tolerates_plain_http_with_credentials() {
    let policy = Cors::default()
        .allowed_origin("http://intranet.corp")
        .supports_credentials()
        .allow_insecure_credentialed_origins()
        .build()
        .unwrap();
    let d = policy.check(&CorsRequest::new("http://intranet.corp"));
    assert_eq!(
        d.header(header::ACCESS_CONTROL_ALLOW_CREDENTIALS),
        Some("true")
    );
}

#[test]
fn loopback_and_https_origins_are_fine_with_credentials() {
    for origin in [
        "http://localhost",
        "http://localhost:5173",
        "http://app.localhost:3000",
        "http://127.0.0.1",
        "http://127.0.0.1:8080",
        "http://127.5.6.7:9000",
        "http://[::1]",
        "http://[::1]:3000",
        "https://app.example.com",
        "https://10.0.0.7:8443",
    ] {
        let result = Cors::default()
            .allowed_origin(origin)
            .supports_credentials()
            .build();
        assert!(result.is_ok(), "{origin}: {:?}", result.err());
    }
}

#[test]
fn plain_http_without_credentials_is_fine() {
    assert!(Cors::default()
        .allowed_origin("http://intranet.corp")
        .allowed_origin_pattern("http://*.intranet.corp")
        .build()
        .is_ok());
}

// ---------------------------------------------------------------------------------------------
// Private Network Access (WICG draft, legacy): the grant switches the browser's protection of a
// private-network server off for the origin it is given to, so it is refused with origins any
// website can use (every origin, `null`) and, as credentials are, with plain-http origins.
// ---------------------------------------------------------------------------------------------

#[test]
fn private_network_access_with_any_origin_is_a_build_error() {
    let any = |p: &Problem| matches!(p, Problem::PrivateNetworkAnyOrigin { .. });
    for (name, cors) in [
        ("allow_any_origin", Cors::default().allow_any_origin()),
        (
            "allow_any_origin + send_wildcard",
            Cors::default().allow_any_origin().send_wildcard(),
        ),
        // (`*` in a list is refused on its own: `OriginFault::AnyOrigin`.)
        ("permissive", Cors::permissive()),
    ] {
        let p = problems(cors.allow_private_network_access());
        assert!(matches!(&p[..], [one] if any(one)), "{name}: {p:?}");
        let text = p[0].to_string();
        assert!(text.contains("every origin"), "{name}: {text}");
        assert!(text.contains(".allowed_origin(..)"), "{name}: {text}");
    }
    let p = problems(
        Cors::default()
            .allowed_origin("https://app.example.com")
            .allow_null_origin()
            .allow_private_network_access(),
    );
    assert_eq!(p, [Problem::PrivateNetworkNullOrigin]);
    // Reported with the other problems, in one round.
    let p = problems(
        Cors::default()
            .allow_any_origin()
            .allow_private_network_access()
            .max_age(100_000),
    );
    assert_eq!(p.len(), 2, "{p:?}");
    // A list narrows `permissive()`: then it builds, and only listed sites get the grant.
    let policy = Cors::permissive()
        .allowed_origin("https://app.example.com")
        .allow_private_network_access()
        .build()
        .unwrap();
    let pna = |origin| CorsRequest::preflight(origin, "GET").private_network();
    let acapn = header::HeaderName::from_static("access-control-allow-private-network");
    assert_eq!(
        policy
            .check(&pna("https://app.example.com"))
            .header(acapn.clone()),
        Some("true")
    );
    assert_eq!(
        policy.check(&pna("https://evil.example")).header(acapn),
        None
    );
}

#[test]
fn private_network_access_with_plain_http_origins_needs_the_insecure_opt_in() {
    let insecure = |p: &Problem, v: &str| matches!(p, Problem::InsecurePrivateNetworkOrigin { value, .. } if value == v);
    for origin in ["http://intranet.corp", "http://192.168.1.20:8080"] {
        let p = problems(
            Cors::default()
                .allowed_origin(origin)
                .allow_private_network_access(),
        );
        assert!(matches!(&p[..], [one] if insecure(one, origin)), "{p:?}");
        let text = p[0].to_string();
        assert!(text.contains("use https"), "{text}");
        assert!(
            text.contains(".allow_insecure_credentialed_origins()"),
            "{text}"
        );
    }
    let p = problems(
        Cors::default()
            .allowed_origin_pattern("http://*.intranet.corp")
            .allow_private_network_access(),
    );
    assert!(
        matches!(&p[..], [one] if insecure(one, "http://*.intranet.corp")),
        "{p:?}"
    );
    let p = problems(
        Cors::default()
            .allowed_origin_regex(r"https?://app\.intranet\.corp")
            .allow_private_network_access(),
    );
    assert!(
        matches!(&p[..], [Problem::PrivateNetworkInsecureRegex { .. }]),
        "{p:?}"
    );
    // The opt-out for plain http is the one credentials use.
    assert!(Cors::default()
        .allowed_origin("http://intranet.corp")
        .allowed_origin_pattern("http://*.intranet.corp")
        .allowed_origin_regex(r"https?://app\.intranet\.corp")
        .allow_private_network_access()
        .allow_insecure_credentialed_origins()
        .build()
        .is_ok());
    // Loopback and https need no opt-out.
    assert!(Cors::default()
        .allowed_origin("http://localhost:5173")
        .allowed_origin("http://127.0.0.1:8080")
        .allowed_origin_pattern("http://localhost:*")
        .allowed_origin("https://app.example.com")
        .allow_private_network_access()
        .build()
        .is_ok());
}

#[test]
fn credentials_with_plain_http_pattern_is_refused_but_loopback_patterns_are_fine() {
    let p = problems(
        Cors::default()
            .allowed_origin_pattern("http://*.intranet.corp")
            .supports_credentials(),
    );
    assert!(
        matches!(&p[..], [one] if is_insecure(one, "http://*.intranet.corp")),
        "{p:?}"
    );
    assert!(Cors::default()
        .allowed_origin_pattern("http://localhost:*")
        .allowed_origin_pattern("http://127.0.0.1:*")
        .allowed_origin_pattern("http://*.localhost")
        .supports_credentials()
        .build()
        .is_ok());
}

#[test]
fn credentials_with_plain_http_from_env_is_refused() {
    let p = env::with_var(
        "STRICT_CONFIG_INSECURE_ORIGINS",
        "https://app.example.com, http://intranet.corp",
        || {
            problems(
                Cors::default()
                    .allowed_origins_from_env("STRICT_CONFIG_INSECURE_ORIGINS")
                    .supports_credentials(),
            )
        },
    );
    assert!(
        matches!(&p[..], [one] if is_insecure(one, "http://intranet.corp")),
        "{p:?}"
    );
}

/// Every problem carries where its value came from, this one included: the variable and the
/// entry's position, typed and in the message.
#[test]
fn insecure_credentialed_origin_names_its_env_var_and_position() {
    let err = env::with_var(
        "STRICT_CONFIG_INSECURE_ORIGINS_2",
        "https://app.example.com, http://intranet.corp",
        || {
            Cors::default()
                .allowed_origins_from_env("STRICT_CONFIG_INSECURE_ORIGINS_2")
                .supports_credentials()
                .build()
                .unwrap_err()
        },
    );
    let text = err.to_string();
    assert!(
        text.contains("$STRICT_CONFIG_INSECURE_ORIGINS_2, entry 2"),
        "the error does not say where the origin came from: {text}"
    );
    assert_eq!(
        err.problems(),
        &[Problem::InsecureCredentialedOrigin {
            value: "http://intranet.corp".into(),
            source: Source::Env {
                var: "STRICT_CONFIG_INSECURE_ORIGINS_2".into(),
                position: 2
            },
        }]
    );
}

// ---------------------------------------------------------------------------------------------
// credentials with a pattern covering a public suffix
// ---------------------------------------------------------------------------------------------

#[test]
fn patterns_covering_a_public_suffix_are_refused() {
    for (pattern, suffix) in [
        ("https://*.co.uk", "co.uk"),
        ("https://*.github.io", "github.io"),
        ("https://*.vercel.app", "vercel.app"),
        ("https://*.herokuapp.com", "herokuapp.com"),
        ("https://*.com", "com"),
        ("https://*.dev", "dev"),
    ] {
        let p = problems(
            Cors::default()
                .allowed_origin_pattern(pattern)
                .supports_credentials(),
        );
        assert_eq!(
            p,
            vec![Problem::PatternTooBroad {
                value: pattern.into(),
                source: Source::Code,
                suffix: suffix.into(),
            }],
            "{pattern}"
        );
        let text = p[0].to_string();
        assert!(text.contains(&format!("under `{suffix}`")), "{text}");
        assert!(text.contains("e.g. `https://*.example.com`"), "{text}");
    }
}

#[test]
fn patterns_under_a_registered_domain_are_fine_with_credentials() {
    for pattern in [
        "https://*.example.co.uk",
        "https://*.myteam.github.io",
        "https://*.preview.example.com",
    ] {
        let r = Cors::default()
            .allowed_origin_pattern(pattern)
            .supports_credentials()
            .build();
        assert!(r.is_ok(), "{pattern}: {:?}", r.err());
    }
}

#[test]
fn too_broad_pattern_from_env_names_the_variable_and_entry() {
    let p = env::with_var(
        "STRICT_CONFIG_BROAD",
        "https://app.example.com, https://*.github.io",
        || {
            problems(
                Cors::default()
                    .allowed_origins_from_env("STRICT_CONFIG_BROAD")
                    .supports_credentials(),
            )
        },
    );
    assert_eq!(
        p,
        vec![Problem::PatternTooBroad {
            value: "https://*.github.io".into(),
            source: Source::Env {
                var: "STRICT_CONFIG_BROAD".into(),
                position: 2
            },
            suffix: "github.io".into(),
        }]
    );
    assert!(p[0]
        .to_string()
        .contains("in $STRICT_CONFIG_BROAD, entry 2"));
}

// ---------------------------------------------------------------------------------------------
// forbidden header names
// ---------------------------------------------------------------------------------------------

#[test]
fn forbidden_request_headers_are_refused_in_allowed_headers() {
    // The Fetch standard's current list (`Cookie2` is no longer on it) and its prefixes.
    for name in [
        "Cookie",
        "Host",
        "Origin",
        "Referer",
        "Content-Length",
        "Connection",
        "Transfer-Encoding",
        "Keep-Alive",
        "Accept-Encoding",
        "Accept-Charset",
        "Date",
        "DNT",
        "Expect",
        "TE",
        "Trailer",
        "Upgrade",
        "Via",
        "Set-Cookie",
        "Sec-Fetch-Mode",
        "sec-ch-ua",
        "Proxy-Authorization",
        "proxy-connection",
        "Access-Control-Request-Method",
        "access-control-request-headers",
    ] {
        // Converted to a `HeaderName`, as in actix-cors: reported in lower case.
        let lower = name.to_ascii_lowercase();
        let p = problems(Cors::default().allowed_header(name));
        assert_eq!(
            p,
            vec![Problem::ForbiddenRequestHeader {
                value: lower.clone()
            }],
            "{name}"
        );
        let text = p[0].to_string();
        assert!(text.contains(&format!("`{lower}`")), "{text}");
        assert!(text.contains("remove it"), "{text}");
    }
}

#[test]
fn ordinary_request_headers_are_fine() {
    assert!(Cors::default()
        .allowed_headers([
            "content-type",
            "authorization",
            "x-api-key",
            "x-requested-with",
            "accept",
            "x-secret", // not `sec-`
            "proxyish", // not `proxy-`
        ])
        .build()
        .is_ok());
}

#[test]
fn set_cookie_is_refused_in_exposed_headers() {
    for name in ["Set-Cookie", "set-cookie", "Set-Cookie2"] {
        let p = problems(Cors::default().expose_headers([name]));
        assert_eq!(
            p,
            vec![Problem::ForbiddenExposedHeader {
                value: name.to_ascii_lowercase()
            }],
            "{name}"
        );
        assert!(p[0].to_string().contains("remove it"));
    }
    // Other headers, even CORS-looking ones, may be exposed.
    assert!(Cors::default()
        .expose_headers(["x-request-id", "content-length", "sec-websocket-protocol"])
        .build()
        .is_ok());
}

#[test]
fn every_forbidden_name_is_reported_at_once() {
    let p = problems(
        Cors::default()
            .allowed_headers(["cookie", "x-api-key", "sec-fetch-site"])
            .expose_headers(["set-cookie", "x-request-id"])
            .allowed_origin("http://intranet.corp")
            .supports_credentials(),
    );
    assert!(is_insecure(&p[0], "http://intranet.corp"), "{p:?}");
    assert_eq!(
        p[1..],
        [
            Problem::ForbiddenRequestHeader {
                value: "cookie".into()
            },
            Problem::ForbiddenRequestHeader {
                value: "sec-fetch-site".into()
            },
            Problem::ForbiddenExposedHeader {
                value: "set-cookie".into()
            },
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// duplicates
// ---------------------------------------------------------------------------------------------

#[test]
fn duplicate_origins_collapse_with_a_warning() {
    capture_logs();
    let policy = Cors::default()
        .allowed_origin("https://dup-origin.example.com")
        .allowed_origin("https://dup-origin.example.com")
        .build()
        .expect("a duplicate is not an error");
    assert!(policy
        .check(&CorsRequest::new("https://dup-origin.example.com"))
        .is_allowed());
    let warnings = logged(log::Level::Warn, "https://dup-origin.example.com");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("listed twice"), "{warnings:?}");
}

#[test]
fn duplicate_origins_from_env_collapse_with_a_warning() {
    capture_logs();
    env::with_var(
        "STRICT_CONFIG_DUP",
        "https://dup-env.example.com,https://dup-env.example.com",
        || {
            Cors::default()
                .allowed_origins_from_env("STRICT_CONFIG_DUP")
                .build()
                .expect("a duplicate is not an error")
        },
    );
    let warnings = logged(log::Level::Warn, "https://dup-env.example.com");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("$STRICT_CONFIG_DUP"), "{warnings:?}");
}

#[test]
fn duplicate_methods_and_headers_collapse_with_a_warning() {
    capture_logs();
    let policy = Cors::default()
        .allowed_origin("https://app.example.com")
        .allowed_methods(["PROPPATCH", "PUT", "PROPPATCH"])
        .allowed_headers(["x-dup-request", "X-Dup-Request", "content-type"])
        .expose_headers(["x-dup-exposed", "x-dup-exposed"])
        .build()
        .expect("duplicates are not errors");
    let d = policy.check(
        &CorsRequest::preflight("https://app.example.com", "PROPPATCH")
            .requesting_header("x-dup-request"),
    );
    assert_eq!(d.status(), Some(StatusCode::NO_CONTENT));
    assert_eq!(
        d.header(header::ACCESS_CONTROL_ALLOW_METHODS),
        Some("PROPPATCH, PUT")
    );
    assert_eq!(
        d.header(header::ACCESS_CONTROL_ALLOW_HEADERS),
        Some("x-dup-request, content-type")
    );
    let d = policy.check(&CorsRequest::new("https://app.example.com"));
    assert_eq!(
        d.header(header::ACCESS_CONTROL_EXPOSE_HEADERS),
        Some("x-dup-exposed")
    );

    for needle in ["PROPPATCH", "x-dup-request", "x-dup-exposed"] {
        let warnings = logged(log::Level::Warn, needle);
        assert_eq!(warnings.len(), 1, "{needle}: {warnings:?}");
        assert!(warnings[0].contains("twice"), "{warnings:?}");
    }
    assert!(logged(log::Level::Error, "dup").is_empty());
}

// ---------------------------------------------------------------------------------------------
// every variant: typed, with data, with a fix hint
// ---------------------------------------------------------------------------------------------

/// One builder per `Problem` variant (and per `OriginFault`), with the problem it must give.
fn every_variant() -> Vec<(&'static str, Cors, Problem)> {
    let code = || Source::Code;
    let origin = |value: &str, fault: OriginFault| Problem::InvalidOrigin {
        value: value.into(),
        source: code(),
        fault,
    };
    vec![
        (
            "CredentialedAnyOrigin",
            Cors::default().allow_any_origin().supports_credentials(),
            Problem::CredentialedAnyOrigin,
        ),
        (
            "CredentialedWildcard",
            Cors::default()
                .allow_any_origin()
                .send_wildcard()
                .supports_credentials(),
            Problem::CredentialedWildcard,
        ),
        (
            "WildcardWithoutAnyOrigin",
            Cors::default()
                .allowed_origin("https://a.com")
                .send_wildcard(),
            Problem::WildcardWithoutAnyOrigin,
        ),
        (
            "CredentialedExposeAny",
            Cors::default()
                .allowed_origin("https://a.com")
                .expose_any_header()
                .supports_credentials(),
            Problem::CredentialedExposeAny,
        ),
        (
            "AnyOriginConflict",
            Cors::default()
                .allow_any_origin()
                .allowed_origin("https://a.com"),
            Problem::AnyOriginConflict {
                with: OriginRules::List,
            },
        ),
        (
            "InvalidOrigin/Empty",
            Cors::default().allowed_origin(""),
            origin("", OriginFault::Empty),
        ),
        (
            "InvalidOrigin/Whitespace",
            Cors::default().allowed_origin("https://a.com "),
            origin("https://a.com ", OriginFault::Whitespace),
        ),
        (
            "InvalidOrigin/MissingScheme",
            Cors::default().allowed_origin("app.com"),
            origin(
                "app.com",
                OriginFault::MissingScheme {
                    suggestion: "https://app.com".into(),
                },
            ),
        ),
        (
            "InvalidOrigin/InvalidScheme",
            Cors::default().allowed_origin("1ttp://a.com"),
            origin("1ttp://a.com", OriginFault::InvalidScheme),
        ),
        (
            "InvalidOrigin/TrailingSlash",
            Cors::default().allowed_origin("https://a.com/"),
            origin(
                "https://a.com/",
                OriginFault::TrailingSlash {
                    suggestion: "https://a.com".into(),
                },
            ),
        ),
        (
            "InvalidOrigin/Path",
            Cors::default().allowed_origin("https://a.com/app"),
            origin(
                "https://a.com/app",
                OriginFault::Path {
                    suggestion: "https://a.com".into(),
                },
            ),
        ),
        (
            "InvalidOrigin/Query",
            Cors::default().allowed_origin("https://a.com?x=1"),
            origin(
                "https://a.com?x=1",
                OriginFault::Query {
                    suggestion: "https://a.com".into(),
                },
            ),
        ),
        (
            "InvalidOrigin/Fragment",
            Cors::default().allowed_origin("https://a.com#top"),
            origin(
                "https://a.com#top",
                OriginFault::Fragment {
                    suggestion: "https://a.com".into(),
                },
            ),
        ),
        (
            "InvalidOrigin/Userinfo",
            Cors::default().allowed_origin("https://me@a.com"),
            origin(
                "https://me@a.com",
                OriginFault::Userinfo {
                    suggestion: "https://a.com".into(),
                },
            ),
        ),
        (
            "InvalidOrigin/DefaultPort",
            Cors::default().allowed_origin("https://a.com:443"),
            origin(
                "https://a.com:443",
                OriginFault::DefaultPort {
                    scheme: "https".into(),
                    port: 443,
                    suggestion: "https://a.com".into(),
                },
            ),
        ),
        (
            "InvalidOrigin/InvalidPort",
            Cors::default().allowed_origin("https://a.com:99999"),
            origin("https://a.com:99999", OriginFault::InvalidPort),
        ),
        (
            "InvalidOrigin/InvalidHost",
            Cors::default().allowed_origin("https://a..com"),
            origin("https://a..com", OriginFault::InvalidHost),
        ),
        (
            "InvalidOrigin/NonAscii",
            Cors::default().allowed_origin("https://bücher.example"),
            origin("https://bücher.example", OriginFault::NonAscii),
        ),
        (
            "InvalidOrigin/Uppercase",
            Cors::default().allowed_origin("https://App.example.com"),
            origin(
                "https://App.example.com",
                OriginFault::Uppercase {
                    suggestion: "https://app.example.com".into(),
                },
            ),
        ),
        (
            "InvalidOrigin/NonCanonicalIp",
            Cors::default().allowed_origin("http://127.1:8080"),
            origin(
                "http://127.1:8080",
                OriginFault::NonCanonicalIp {
                    suggestion: "http://127.0.0.1:8080".into(),
                },
            ),
        ),
        (
            "InvalidOrigin/Wildcard",
            Cors::default().allowed_origin("https://*.example.com"),
            origin(
                "https://*.example.com",
                OriginFault::Wildcard {
                    value: "https://*.example.com".into(),
                },
            ),
        ),
        (
            "InvalidOrigin/AnyOrigin",
            Cors::default().allowed_origin("*"),
            origin("*", OriginFault::AnyOrigin),
        ),
        (
            "NullOrigin",
            Cors::default().allowed_origin("null"),
            Problem::NullOrigin { source: code() },
        ),
        (
            "InvalidPattern",
            Cors::default().allowed_origin_pattern("https://*.example.com/app"),
            Problem::InvalidPattern {
                value: "https://*.example.com/app".into(),
                source: code(),
                fault: OriginFault::Path {
                    suggestion: "https://*.example.com".into(),
                },
            },
        ),
        (
            "PatternTooBroad",
            Cors::default().allowed_origin_pattern("https://*.co.uk"),
            Problem::PatternTooBroad {
                value: "https://*.co.uk".into(),
                source: code(),
                suffix: "co.uk".into(),
            },
        ),
        (
            "InvalidRegex",
            Cors::default().allowed_origin_regex(r"https://(app\.example\.com"),
            Problem::InvalidRegex {
                value: r"https://(app\.example\.com".into(),
                source: code(),
                // compared by variant below: the engine's text varies
                error: corsair::RegexFault::Syntax {
                    message: String::new(),
                },
            },
        ),
        (
            "RegexUnescapedDot",
            Cors::default().allowed_origin_regex(r"https://app.example.com"),
            Problem::RegexUnescapedDot {
                value: r"https://app.example.com".into(),
                source: code(),
                suggestion: r"https://app\.example\.com".into(),
            },
        ),
        (
            // Text from configuration keeps its spelling in the error.
            "InvalidMethod",
            written_config(|c| c.allow_methods = vec!["GE T".into()]),
            Problem::InvalidMethod {
                value: "GE T".into(),
            },
        ),
        (
            "Unconvertible",
            Cors::default().allowed_methods(["GE T"]),
            Problem::Unconvertible {
                call: "allowed_methods",
                position: 1,
                error: "invalid HTTP method".into(),
            },
        ),
        (
            "CredentialedNullOrigin",
            Cors::default().allow_null_origin().supports_credentials(),
            Problem::CredentialedNullOrigin,
        ),
        (
            "PermissiveWithCredentials",
            Cors::permissive()
                .expose_headers(["x-request-id"])
                .supports_credentials(),
            Problem::PermissiveWithCredentials {
                what: "any origin",
                fix: "list the trusted origins with `.allowed_origin(..)`",
            },
        ),
        (
            "AnyAndList",
            Cors::default().allow_any_header().allowed_header("x-a"),
            Problem::AnyAndList {
                any: "allow_any_header",
                list: "allowed_header(s)",
            },
        ),
        (
            "RegexTooBroad",
            Cors::default().allowed_origin_regex(r"https://.+"),
            Problem::RegexTooBroad {
                value: r"https://.+".into(),
                source: code(),
                reason: corsair::RegexBreadth::NoFixedDomain,
            },
        ),
        (
            "PatternReachesPublicSuffixes",
            Cors::default().allowed_origin_pattern("https://*.amazonaws.com"),
            Problem::PatternReachesPublicSuffixes {
                value: "https://*.amazonaws.com".into(),
                source: code(),
                domain: "amazonaws.com".into(),
            },
        ),
        (
            "CredentialedInsecureRegex",
            Cors::default()
                .allowed_origin_regex(r"http://[a-z]+\.example\.com")
                .supports_credentials(),
            Problem::CredentialedInsecureRegex {
                value: r"http://[a-z]+\.example\.com".into(),
                source: code(),
            },
        ),
        (
            "ForbiddenMethod",
            Cors::default().allowed_methods(["TRACE"]),
            Problem::ForbiddenMethod {
                value: "TRACE".into(),
            },
        ),
        (
            "LowercaseMethod",
            Cors::default().allowed_methods(["delete"]),
            Problem::LowercaseMethod {
                value: "delete".into(),
                suggestion: "DELETE".into(),
            },
        ),
        (
            "InvalidHeaderName",
            written_config(|c| c.expose_headers = vec!["x request id".into()]),
            Problem::InvalidHeaderName {
                value: "x request id".into(),
                list: NameList::ExposedHeaders,
            },
        ),
        (
            "MaxAgeTooLong",
            Cors::default().max_age(86_401),
            Problem::MaxAgeTooLong { seconds: 86_401 },
        ),
        (
            "PreflightStatus",
            Cors::default().preflight_status(StatusCode::NOT_MODIFIED),
            Problem::PreflightStatus { status: 304 },
        ),
        (
            "MissingEnvVar",
            Cors::default().allowed_origins_from_env("STRICT_CONFIG_SURELY_UNSET"),
            Problem::MissingEnvVar {
                var: "STRICT_CONFIG_SURELY_UNSET".into(),
            },
        ),
        (
            "ForbiddenRequestHeader",
            Cors::default().allowed_header("Cookie"),
            Problem::ForbiddenRequestHeader {
                value: "cookie".into(),
            },
        ),
        (
            "ForbiddenExposedHeader",
            Cors::default().expose_headers(["Set-Cookie"]),
            Problem::ForbiddenExposedHeader {
                value: "set-cookie".into(),
            },
        ),
        (
            "InsecureCredentialedOrigin",
            Cors::default()
                .allowed_origin("http://intranet.corp")
                .supports_credentials(),
            Problem::InsecureCredentialedOrigin {
                value: "http://intranet.corp".into(),
                source: code(),
            },
        ),
        (
            "PrivateNetworkAnyOrigin",
            Cors::default()
                .allow_any_origin()
                .allow_private_network_access(),
            Problem::PrivateNetworkAnyOrigin {
                call: "allow_any_origin()",
                narrows: "",
            },
        ),
        (
            "PrivateNetworkNullOrigin",
            Cors::default()
                .allowed_origin("https://app.example.com")
                .allow_null_origin()
                .allow_private_network_access(),
            Problem::PrivateNetworkNullOrigin,
        ),
        (
            "InsecurePrivateNetworkOrigin",
            Cors::default()
                .allowed_origin("http://intranet.corp")
                .allow_private_network_access(),
            Problem::InsecurePrivateNetworkOrigin {
                value: "http://intranet.corp".into(),
                source: code(),
            },
        ),
        (
            "PrivateNetworkInsecureRegex",
            Cors::default()
                .allowed_origin_regex(r"http://[a-z]+\.example\.com")
                .allow_private_network_access(),
            Problem::PrivateNetworkInsecureRegex {
                value: r"http://[a-z]+\.example\.com".into(),
                source: code(),
            },
        ),
        (
            "InvalidTrustedProxy",
            Cors::default()
                .allowed_origin("https://app.example.com")
                .trusted_proxies(["proxy.internal"]),
            Problem::InvalidTrustedProxy {
                value: "proxy.internal".into(),
                fault: ProxyFault::NotAnAddress,
            },
        ),
        (
            "InvalidPublicOrigin",
            Cors::default()
                .allowed_origin("https://app.example.com")
                .public_origin("https://api.example.com/"),
            Problem::InvalidPublicOrigin {
                value: "https://api.example.com/".into(),
                fault: OriginFault::TrailingSlash {
                    suggestion: "https://api.example.com".into(),
                },
            },
        ),
    ]
}

/// A builder from a deserialized configuration (whose text errors quote as written).
fn written_config(edit: impl FnOnce(&mut corsair::CorsConfig)) -> Cors {
    let mut config = corsair::CorsConfig::default();
    edit(&mut config);
    config.into_cors()
}

/// The problem of `cors` that has `expected`'s variant. Each entry of the table has exactly
/// one problem, except `CredentialedWildcard`, which cannot occur without
/// `CredentialedAnyOrigin` (credentials with `send_wildcard` need any origin to be valid).
fn problem_like(name: &str, cors: Cors, expected: &Problem) -> Problem {
    // `MissingEnvVar`'s builder reads `STRICT_CONFIG_SURELY_UNSET`.
    let err: ConfigError = env::without_var("STRICT_CONFIG_SURELY_UNSET", || cors.build())
        .err()
        .unwrap_or_else(|| panic!("{name}: built without error"));
    let p = err.into_problems();
    let allowed = if name == "CredentialedWildcard" { 2 } else { 1 };
    assert_eq!(p.len(), allowed, "{name}: {p:?}");
    p.into_iter()
        .find(|got| std::mem::discriminant(got) == std::mem::discriminant(expected))
        .unwrap_or_else(|| panic!("{name}: not among the problems"))
}

#[test]
fn every_variant_is_typed_with_its_data() {
    for (name, cors, expected) in every_variant() {
        let got = problem_like(name, cors, &expected);
        match (&got, &expected) {
            (
                Problem::InvalidRegex {
                    value,
                    source,
                    error,
                },
                Problem::InvalidRegex {
                    value: v2,
                    source: s2,
                    ..
                },
            ) => {
                assert_eq!((value, source), (v2, s2), "{name}");
                assert!(
                    !error.to_string().is_empty(),
                    "{name}: the engine's message is kept"
                );
            }
            _ => assert_eq!(got, expected, "{name}"),
        }
    }
}

#[test]
fn every_variant_display_has_a_fix_hint() {
    let mut missing = Vec::new();
    for (name, cors, expected) in every_variant() {
        let text = problem_like(name, cors, &expected).to_string();
        println!("{name}: {text}");
        if !says_what_to_do(&text) {
            missing.push(format!("{name}: {text}"));
        }
    }
    assert!(
        missing.is_empty(),
        "problems whose message says what is wrong but not what to do:\n{}",
        missing.join("\n")
    );
}

// ---------------------------------------------------------------------------------------------
// sources
// ---------------------------------------------------------------------------------------------

#[test]
fn errors_from_env_carry_the_variable_and_position() {
    let p = env::with_var(
        "STRICT_CONFIG_SOURCES",
        " https://ok.example.com , app.com,,https://b.com/ , null, https://*.com ",
        || problems(Cors::default().allowed_origins_from_env("STRICT_CONFIG_SOURCES")),
    );
    let env = |position| Source::Env {
        var: "STRICT_CONFIG_SOURCES".into(),
        position,
    };
    // Positions count non-empty entries from 1, so the empty entry is skipped.
    assert_eq!(
        p,
        vec![
            Problem::InvalidOrigin {
                value: "app.com".into(),
                source: env(2),
                fault: OriginFault::MissingScheme {
                    suggestion: "https://app.com".into()
                },
            },
            Problem::InvalidOrigin {
                value: "https://b.com/".into(),
                source: env(3),
                fault: OriginFault::TrailingSlash {
                    suggestion: "https://b.com".into()
                },
            },
            Problem::NullOrigin { source: env(4) },
            Problem::PatternTooBroad {
                value: "https://*.com".into(),
                source: env(5),
                suffix: "com".into(),
            },
        ]
    );
    let text = p[0].to_string();
    assert!(
        text.contains("origin `app.com` (in $STRICT_CONFIG_SOURCES, entry 2) is not valid"),
        "{text}"
    );
    assert_eq!(
        env(3).to_string(),
        "in $STRICT_CONFIG_SOURCES, entry 3",
        "Source's Display"
    );
}

#[test]
fn errors_from_a_default_list_name_the_variable_too() {
    let p = env::without_var("STRICT_CONFIG_UNSET_WITH_DEFAULT", || {
        problems(
            Cors::default()
                .allowed_origins_from_env_or("STRICT_CONFIG_UNSET_WITH_DEFAULT", "localhost:5173"),
        )
    });
    assert!(
        matches!(
            &p[..],
            [Problem::InvalidOrigin { source: Source::EnvDefault { var, position: 1 }, .. }]
                if var == "STRICT_CONFIG_UNSET_WITH_DEFAULT"
        ),
        "{p:?}"
    );
    assert!(
        p[0].to_string()
            .contains("(in the default for $STRICT_CONFIG_UNSET_WITH_DEFAULT, entry 1)"),
        "{}",
        p[0]
    );
}

#[test]
fn errors_from_code_say_so() {
    let p = problems(
        Cors::default()
            .allowed_origins_list("https://ok.com, app.com")
            .allowed_origin_regex("https://(x"),
    );
    assert!(
        matches!(
            &p[0],
            Problem::InvalidOrigin {
                source: Source::Code,
                ..
            }
        ),
        "{p:?}"
    );
    assert!(
        matches!(
            &p[1],
            Problem::InvalidRegex {
                source: Source::Code,
                ..
            }
        ),
        "{p:?}"
    );
    assert!(p[0].to_string().contains("(in code)"), "{}", p[0]);
}

#[test]
fn a_missing_env_var_is_one_problem_among_all() {
    let p = env::without_var("STRICT_CONFIG_MISSING", || {
        problems(
            Cors::default()
                .allowed_origins_from_env("STRICT_CONFIG_MISSING")
                .allowed_methods(["TRACE"]),
        )
    });
    assert_eq!(
        p,
        vec![
            Problem::MissingEnvVar {
                var: "STRICT_CONFIG_MISSING".into()
            },
            Problem::ForbiddenMethod {
                value: "TRACE".into()
            },
        ]
    );
    assert!(p[0].to_string().contains("$STRICT_CONFIG_MISSING"));
}

#[cfg(feature = "serde")]
#[test]
fn errors_from_a_config_file_carry_the_field_and_position() {
    let config: corsair::CorsConfig = toml::from_str(
        r#"
        allow_origins = ["https://ok.example.com", "https://app.example.com/", "http://intranet.corp"]
        allow_origin_regex = "https://app.example.com"
        allow_headers = ["x-api-key", "Cookie"]
        allow_credentials = true
        "#,
    )
    .unwrap();
    let p = config.build().unwrap_err().into_problems();
    assert!(
        p.contains(&Problem::InvalidOrigin {
            value: "https://app.example.com/".into(),
            source: Source::Config {
                field: "allow_origins",
                position: 2
            },
            fault: OriginFault::TrailingSlash {
                suggestion: "https://app.example.com".into()
            },
        }),
        "{p:?}"
    );
    assert!(
        p.contains(&Problem::RegexUnescapedDot {
            value: "https://app.example.com".into(),
            source: Source::Config {
                field: "allow_origin_regex",
                position: 1
            },
            suggestion: r"https://app\.example\.com".into(),
        }),
        "{p:?}"
    );
    assert!(
        p.contains(&Problem::InsecureCredentialedOrigin {
            value: "http://intranet.corp".into(),
            source: Source::Config {
                field: "allow_origins",
                position: 3
            },
        }),
        "{p:?}"
    );
    assert!(
        p.contains(&Problem::ForbiddenRequestHeader {
            value: "Cookie".into()
        }),
        "{p:?}"
    );
    assert_eq!(p.len(), 4, "{p:?}");
}

#[test]
fn an_invalid_builder_fails_app_start_with_every_problem_logged() {
    capture_logs();
    let cors = Cors::default()
        .allowed_header("Sec-Startup-Probe")
        .expose_headers(["set-cookie2"]);
    let started = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        actix_rt::System::new().block_on(async move {
            actix_web::test::init_service(
                actix_web::App::new()
                    .wrap(cors)
                    .default_service(actix_web::web::to(actix_web::HttpResponse::Ok)),
            )
            .await;
        })
    }));
    assert!(started.is_err(), "an invalid policy must not start");
    let errors = logged(log::Level::Error, "sec-startup-probe");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains("set-cookie2"), "{errors:?}");
}
