//! Bad-configuration table: every invalid configuration must make `Cors::build()` return
//! `Err(ConfigError)` that lists the problem — never a panic, never an `Ok` policy that is
//! silently wider (or narrower) than what was asked for.
//!
//! Each row is run inside `catch_unwind`, and all rows are checked before the test fails, so
//! one report shows every row that misbehaves.

use std::panic::{catch_unwind, AssertUnwindSafe};

use actix_web::http::StatusCode;
use corsair::{ConfigError, Cors};

use super::fix_hints::says_what_to_do;

/// A constructor of a (fresh) builder.
type MakeCors = fn() -> Cors;

/// One row of the table.
struct Row {
    /// Human name of the case, printed on failure.
    name: &'static str,
    /// Builds the (invalid) configuration.
    build: fn() -> Cors,
    /// Minimum number of problems that must be reported.
    min_problems: usize,
    /// For each expected problem: the rendered error must contain at least one of these
    /// (case-insensitive) fragments — the offending value or a word naming the problem.
    mentions: &'static [&'static [&'static str]],
}

fn rows() -> Vec<Row> {
    vec![
        Row {
            name: "`*` (allow_any_origin) + credentials",
            build: || Cors::default().allow_any_origin().supports_credentials(),
            min_problems: 1,
            mentions: &[&["credential"]],
        },
        Row {
            name: "`*` (allowed_origin(\"*\")) + credentials",
            build: || Cors::default().allowed_origin("*").supports_credentials(),
            min_problems: 1,
            mentions: &[&["allow_any_origin", "send_wildcard"]],
        },
        Row {
            name: "send_wildcard + credentials",
            build: || {
                Cors::default()
                    .allowed_origin("https://app.com")
                    .send_wildcard()
                    .supports_credentials()
            },
            min_problems: 1,
            mentions: &[&["wildcard", "credential"]],
        },
        Row {
            name: "origin without scheme: app.com",
            build: || Cors::default().allowed_origin("app.com"),
            min_problems: 1,
            mentions: &[&["app.com"]],
        },
        Row {
            name: "origin with trailing slash: https://app.com/",
            build: || Cors::default().allowed_origin("https://app.com/"),
            min_problems: 1,
            mentions: &[&["https://app.com/", "slash", "path"]],
        },
        Row {
            name: "origin with a path: https://app.com/api",
            build: || Cors::default().allowed_origin("https://app.com/api"),
            min_problems: 1,
            mentions: &[&["https://app.com/api", "path"]],
        },
        Row {
            name: "origin with a query: https://app.com?x=1",
            build: || Cors::default().allowed_origin("https://app.com?x=1"),
            min_problems: 1,
            mentions: &[&["https://app.com?x=1", "query"]],
        },
        Row {
            name: "origin with a fragment: https://app.com#top",
            build: || Cors::default().allowed_origin("https://app.com#top"),
            min_problems: 1,
            mentions: &[&["https://app.com#top", "fragment"]],
        },
        Row {
            name: "origin with userinfo: https://user:pw@app.com",
            build: || Cors::default().allowed_origin("https://user:pw@app.com"),
            min_problems: 1,
            mentions: &[&["user:pw@app.com", "userinfo", "credential", "user"]],
        },
        Row {
            name: "origin with default https port: https://a.com:443",
            build: || Cors::default().allowed_origin("https://a.com:443"),
            min_problems: 1,
            mentions: &[&["https://a.com:443", "443", "default port"]],
        },
        Row {
            name: "origin with default http port: http://a.com:80",
            build: || Cors::default().allowed_origin("http://a.com:80"),
            min_problems: 1,
            mentions: &[&["http://a.com:80", "default port"]],
        },
        Row {
            name: "origin with uppercase host: https://App.com",
            build: || Cors::default().allowed_origin("https://App.com"),
            min_problems: 1,
            mentions: &[&["https://App.com", "lowercase", "uppercase", "case"]],
        },
        Row {
            name: "origin with uppercase scheme: HTTPS://app.com",
            build: || Cors::default().allowed_origin("HTTPS://app.com"),
            min_problems: 1,
            mentions: &[&["HTTPS://app.com", "lowercase", "uppercase", "case"]],
        },
        Row {
            name: "wildcard subdomain via allowed_origin (needs the pattern API)",
            build: || Cors::default().allowed_origin("https://*.a.com"),
            min_problems: 1,
            mentions: &[&["allowed_origin_pattern", "pattern"]],
        },
        Row {
            name: "`null` origin without allow_null_origin()",
            build: || Cors::default().allowed_origin("null"),
            min_problems: 1,
            mentions: &[&["allow_null_origin", "null"]],
        },
        Row {
            name: "empty origin",
            build: || Cors::default().allowed_origin(""),
            min_problems: 1,
            mentions: &[&["origin", "empty"]],
        },
        Row {
            name: "origin without host: https://",
            build: || Cors::default().allowed_origin("https://"),
            min_problems: 1,
            mentions: &[&["https://", "host"]],
        },
        Row {
            name: "origin with out-of-range port: https://a.com:99999",
            build: || Cors::default().allowed_origin("https://a.com:99999"),
            min_problems: 1,
            mentions: &[&["99999", "port"]],
        },
        Row {
            name: "origin with surrounding whitespace",
            build: || Cors::default().allowed_origin(" https://a.com"),
            min_problems: 1,
            mentions: &[&["https://a.com", "whitespace", "space"]],
        },
        Row {
            name: "forbidden method CONNECT",
            build: || Cors::default().allowed_methods(["GET", "CONNECT"]),
            min_problems: 1,
            mentions: &[&["CONNECT"]],
        },
        Row {
            name: "forbidden method TRACE",
            build: || Cors::default().allowed_methods(["TRACE"]),
            min_problems: 1,
            mentions: &[&["TRACE"]],
        },
        Row {
            name: "forbidden method TRACK",
            build: || Cors::default().allowed_methods(["TRACK"]),
            min_problems: 1,
            mentions: &[&["TRACK"]],
        },
        Row {
            name: "forbidden method in lowercase: trace",
            build: || Cors::default().allowed_methods(["trace"]),
            min_problems: 1,
            mentions: &[&["trace"]],
        },
        Row {
            name: "bad method token with a space",
            build: || Cors::default().allowed_methods(["GE T"]),
            min_problems: 1,
            mentions: &[&["GE T", "method"]],
        },
        Row {
            name: "empty method token",
            build: || Cors::default().allowed_methods([""]),
            min_problems: 1,
            mentions: &[&["method", "empty"]],
        },
        Row {
            name: "bad header token with a space",
            build: || Cors::default().allowed_headers(["x api key"]),
            min_problems: 1,
            mentions: &[&["x api key", "header"]],
        },
        Row {
            name: "bad header token with a colon",
            build: || Cors::default().allowed_headers(["x-api:key"]),
            min_problems: 1,
            mentions: &[&["x-api:key", "header"]],
        },
        Row {
            name: "bad expose-header token",
            build: || Cors::default().expose_headers(["x(request)id"]),
            min_problems: 1,
            mentions: &[&["x(request)id", "header"]],
        },
        Row {
            name: "max_age 86401 (above the 24 h cap)",
            build: || Cors::default().max_age(86401),
            min_problems: 1,
            mentions: &[&["86401", "max_age", "max-age"]],
        },
        Row {
            name: "expose_any_header + credentials",
            build: || {
                Cors::default()
                    .allowed_origin("https://app.com")
                    .expose_any_header()
                    .supports_credentials()
            },
            min_problems: 1,
            mentions: &[&["expose", "credential"]],
        },
        Row {
            name: "allow_any_origin + an origin list",
            build: || {
                Cors::default()
                    .allow_any_origin()
                    .allowed_origin("https://app.com")
            },
            min_problems: 1,
            mentions: &[&["allow_any_origin", "any origin", "https://app.com"]],
        },
        Row {
            name: "preflight_status 404 (must be 2xx)",
            build: || Cors::default().preflight_status(StatusCode::NOT_FOUND),
            min_problems: 1,
            mentions: &[&["404", "2xx", "status"]],
        },
        Row {
            name: "invalid origin regex",
            build: || Cors::default().allowed_origin_regex(r"https://(app\.example\.com"),
            min_problems: 1,
            mentions: &[&["regex", "(app"]],
        },
        Row {
            // `Access-Control-Allow-Methods: *` is a wildcard for uncredentialed requests
            // (Fetch, CORS-preflight fetch step 7.5) and is cached as a `*` method entry
            // (CORS-preflight cache), while the server would only allow a method named `*`.
            name: "`*` in allowed_methods (silently means any method to browsers)",
            build: || {
                Cors::default()
                    .allowed_origin("https://app.com")
                    .allowed_methods(["*"])
            },
            min_problems: 1,
            mentions: &[&["allow_any_method", "*"]],
        },
        Row {
            name: "`*` in allowed_headers (silently means any header to browsers)",
            build: || {
                Cors::default()
                    .allowed_origin("https://app.com")
                    .allowed_headers(["*"])
            },
            min_problems: 1,
            mentions: &[&["allow_any_header", "*"]],
        },
        Row {
            name: "`*` in expose_headers (silently means expose any to browsers)",
            build: || {
                Cors::default()
                    .allowed_origin("https://app.com")
                    .expose_headers(["*"])
            },
            min_problems: 1,
            mentions: &[&["expose_any_header", "*"]],
        },
        Row {
            name: "forbidden request-header in allowed_headers: cookie",
            build: || Cors::default().allowed_headers(["cookie"]),
            min_problems: 1,
            mentions: &[&["cookie"]],
        },
        Row {
            name: "plain http non-loopback origin with credentials",
            build: || {
                Cors::default()
                    .allowed_origin("http://app.com")
                    .supports_credentials()
            },
            min_problems: 1,
            mentions: &[&["http://app.com"]],
        },
        Row {
            name: "pattern over a public suffix: https://*.com",
            build: || Cors::default().allowed_origin_pattern("https://*.com"),
            min_problems: 1,
            mentions: &[&["*.com", "suffix", "broad"]],
        },
        Row {
            name: "pattern over a multi-label public suffix: https://*.co.uk",
            build: || Cors::default().allowed_origin_pattern("https://*.co.uk"),
            min_problems: 1,
            mentions: &[&["co.uk"]],
        },
        Row {
            name: "regex with an unescaped dot in the host",
            build: || Cors::default().allowed_origin_regex(r"https://app.example.com"),
            min_problems: 1,
            mentions: &[&["dot", "\\."]],
        },
        Row {
            name: "several problems at once (all reported)",
            build: || {
                Cors::default()
                    .allowed_origin("app.com")
                    .allowed_origin("https://b.com/")
                    .allowed_methods(["TRACE"])
                    .allowed_headers(["x y"])
                    .max_age(86401)
                    .allow_any_origin()
                    .supports_credentials()
            },
            // app.com, trailing slash, TRACE, bad header, max_age, any+list, any+credentials
            min_problems: 7,
            mentions: &[
                &["app.com"],
                &["https://b.com/"],
                &["TRACE"],
                &["entry 1 given to `.allowed_headers(..)`"],
                &["86401"],
                &["credential"],
            ],
        },
    ]
}

/// Runs one row; returns a failure description, or `None` when the row behaves.
fn check(row: &Row) -> Option<String> {
    let result = catch_unwind(AssertUnwindSafe(|| (row.build)().build()));
    let built = match result {
        Err(_) => return Some(format!("{}: PANICKED instead of returning Err", row.name)),
        Ok(built) => built,
    };
    let err: ConfigError = match built {
        Ok(_) => {
            return Some(format!(
                "{}: build() returned Ok — an invalid policy was silently accepted",
                row.name
            ))
        }
        Err(err) => err,
    };
    let problems = err.problems();
    if problems.len() < row.min_problems {
        return Some(format!(
            "{}: expected at least {} problem(s), got {}: {:?}",
            row.name,
            row.min_problems,
            problems.len(),
            problems.iter().map(|p| p.to_string()).collect::<Vec<_>>()
        ));
    }
    // The whole report as a user would read it: the error's Display and every problem's.
    let mut rendered = err.to_string();
    for p in problems {
        rendered.push('\n');
        rendered.push_str(&p.to_string());
    }
    let lower = rendered.to_ascii_lowercase();
    for alternatives in row.mentions {
        if !alternatives
            .iter()
            .any(|frag| lower.contains(&frag.to_ascii_lowercase()))
        {
            return Some(format!(
                "{}: the report does not mention any of {:?}:\n{}",
                row.name, alternatives, rendered
            ));
        }
    }
    None
}

#[test]
fn every_invalid_configuration_is_an_error_listing_the_problem() {
    let failures: Vec<String> = rows().iter().filter_map(check).collect();
    assert!(
        failures.is_empty(),
        "{} bad-configuration row(s) misbehave:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn every_problem_says_what_to_do() {
    let mut checked = 0;
    for row in rows() {
        if let Ok(Err(err)) = catch_unwind(AssertUnwindSafe(|| (row.build)().build())) {
            for p in err.problems() {
                let text = p.to_string();
                assert!(
                    says_what_to_do(&text),
                    "{}: the problem says what is wrong but not what to do: {text}",
                    row.name
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= rows().len(), "only {checked} problems checked");
}

/// Control rows: close neighbours of the invalid rows that are valid. Without them the table
/// could pass on a `build()` that rejects everything.
#[test]
fn valid_neighbours_still_build() {
    let cases: Vec<(&str, MakeCors)> = vec![
        ("https origin", || {
            Cors::default().allowed_origin("https://app.com")
        }),
        ("http origin with port", || {
            Cors::default().allowed_origin("http://localhost:8080")
        }),
        ("non-default port", || {
            Cors::default().allowed_origin("https://a.com:8443")
        }),
        ("credentials with explicit origin", || {
            Cors::default()
                .allowed_origin("https://app.com")
                .supports_credentials()
        }),
        ("any origin with wildcard, no credentials", || {
            Cors::default().allow_any_origin().send_wildcard()
        }),
        ("expose any without credentials", || {
            Cors::default().allow_any_origin().expose_any_header()
        }),
        ("extension methods", || {
            Cors::default().allowed_methods(["GET", "PATCH", "PROPFIND"])
        }),
        ("max_age at the cap", || Cors::default().max_age(86400)),
        ("max_age disabled", || Cors::default().max_age(None)),
        ("preflight 200", || {
            Cors::default().preflight_status(StatusCode::OK)
        }),
        ("wildcard subdomain through the pattern API", || {
            Cors::default().allowed_origin_pattern("https://*.a.com")
        }),
        ("null origin with opt-in", || {
            Cors::default().allow_null_origin()
        }),
        ("permissive", Cors::permissive),
        ("default", Cors::default),
    ];
    for (name, build) in cases {
        let res = catch_unwind(AssertUnwindSafe(|| build().build()));
        match res {
            Err(_) => panic!("{name}: panicked"),
            Ok(Err(e)) => panic!("{name}: valid configuration rejected: {e}"),
            Ok(Ok(_)) => {}
        }
    }
}

/// An invalid `Cors` handed straight to `.wrap()` must not produce a working service: the
/// contract says service construction fails (and `test::init_service` panics).
#[actix_rt::test]
#[should_panic(expected = "service initialization failed")]
async fn invalid_cors_in_wrap_fails_service_construction() {
    let app = actix_web::App::new()
        .wrap(Cors::default().allow_any_origin().supports_credentials())
        .default_service(actix_web::web::to(actix_web::HttpResponse::Ok));
    let _srv = actix_web::test::init_service(app).await;
}
