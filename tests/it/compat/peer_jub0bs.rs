//! The test tables of jub0bs/cors, the strictest CORS middleware we know of, replayed
//! against corsair: `middleware_test.go` (`TestMiddleware`) and `config_test.go`
//! (`TestConfig`, `TestIncorrectConfig`). The tables are translated (each Go `Config` into the
//! corsair builder calls that mean the same, each request into an actix test request), not
//! copied: the code and the comparison are ours.
//!
//! Oracle, for preflights: would a browser accept the answer? That is the Fetch standard's
//! CORS-preflight fetch, restated in [`browser_accepts`] (ok status, CORS check,
//! methods, headers, and the Private Network Access check). jub0bs's expectation is
//! `preflightPassesCORSCheck && !preflightFails`. The two libraries write different but
//! equivalent headers (corsair lists its methods, jub0bs echoes the requested one), so the
//! browser's verdict is what must agree. For actual requests: `Access-Control-Allow-Origin`,
//! `-Allow-Credentials` and the set of exposed names. For configurations: builds or not.
//!
//! Every disagreement must be listed in [`KNOWN`] or [`KNOWN_CONFIG`], each naming the
//! documented choice (docs/wire.md, "Compared with jub0bs/cors") that explains it, and every
//! listed entry must still disagree, so the list stays exact.

use actix_web::{
    http::{header, Method, StatusCode},
    test::{self, TestRequest},
    web, App, HttpResponse,
};
use corsair::Cors;

const LOCAL: &str = "http://localhost:9090";
const INVALID: &str = "https://example.com/index.html";

/// Why corsair answers differently, each a section of docs/wire.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Choice {
    /// Empty list elements and empty field lines are bounded by bytes and names, not counted.
    EmptyElementsAreBoundedByBytes,
    /// A request without `Origin` gets no `Access-Control-*` header, even under `*`.
    NoCorsHeadersWithoutOrigin,
    /// A value that is not an origin is refused by every policy, `*` included.
    NotAnOriginIsRefusedEverywhere,
    /// The default builder is a valid, restrictive policy (as in actix-cors).
    DefaultBuilderIsRestrictive,
    /// "Any header" echoes names, so `Authorization` beside it is ambiguous, and
    /// `Access-Control-*` names are granted (scripts send them by mistake).
    RequestHeaderNames,
    /// Exposing a safelisted or CORS request header is redundant, not an error.
    RedundantExposedHeaders,
}

/// Requests of the middleware table whose answer differs, and why.
const KNOWN: &[(&str, &str, Choice)] = &[
    (
        "credentialed",
        "preflight with PURGE and Authorization with too many empty elements from allowed",
        Choice::EmptyElementsAreBoundedByBytes,
    ),
    (
        "credentialed",
        "preflight with PURGE and Authorization with too many empty ACRH field lines from allowed",
        Choice::EmptyElementsAreBoundedByBytes,
    ),
    (
        "debug allow all",
        "non-CORS GET request",
        Choice::NoCorsHeadersWithoutOrigin,
    ),
    (
        "debug allow all",
        "non-CORS OPTIONS request",
        Choice::NoCorsHeadersWithoutOrigin,
    ),
    (
        "debug allow all",
        "actual GET from invalid",
        Choice::NotAnOriginIsRefusedEverywhere,
    ),
];

/// Configurations that build in one library and not in the other, and why.
const KNOWN_CONFIG: &[(&str, Choice)] = &[
    (
        "no origin pattern specified",
        Choice::DefaultBuilderIsRestrictive,
    ),
    ("prohibited request-header name", Choice::RequestHeaderNames),
    ("anonymous allow all", Choice::RequestHeaderNames),
    (
        "prohibited response-header name",
        Choice::RedundantExposedHeaders,
    ),
    (
        "safelisted response-header name",
        Choice::RedundantExposedHeaders,
    ),
];

// ---------------------------------------------------------------------------------------------
// requests and expectations
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct Req {
    method: Method,
    origin: Option<&'static str>,
    acrm: Option<&'static str>,
    /// `Access-Control-Request-Headers` field lines, in order.
    acrh: Vec<String>,
    pna: bool,
}

fn actual(method: Method, origin: Option<&'static str>) -> Req {
    Req {
        method,
        origin,
        acrm: None,
        acrh: Vec::new(),
        pna: false,
    }
}

fn get(origin: &'static str) -> Req {
    actual(Method::GET, Some(origin))
}

fn options(origin: &'static str) -> Req {
    actual(Method::OPTIONS, Some(origin))
}

fn preflight(origin: &'static str, method: &'static str) -> Req {
    Req {
        acrm: Some(method),
        ..actual(Method::OPTIONS, Some(origin))
    }
}

impl Req {
    fn acrh(mut self, line: impl Into<String>) -> Self {
        self.acrh.push(line.into());
        self
    }

    fn pna(mut self) -> Self {
        self.pna = true;
        self
    }

    fn to_request(&self) -> TestRequest {
        let mut r = TestRequest::default().method(self.method.clone()).uri("/");
        if let Some(o) = self.origin {
            r = r.insert_header((header::ORIGIN, o));
        }
        if let Some(m) = self.acrm {
            r = r.insert_header((header::ACCESS_CONTROL_REQUEST_METHOD, m));
        }
        for line in &self.acrh {
            r = r.append_header((header::ACCESS_CONTROL_REQUEST_HEADERS, line.as_str()));
        }
        if self.pna {
            r = r.insert_header(("access-control-request-private-network", "true"));
        }
        r
    }
}

/// What jub0bs/cors's table expects.
#[derive(Debug, Clone)]
enum Want {
    /// An actual (or non-CORS) request: these response headers.
    Actual {
        acao: Option<&'static str>,
        acac: bool,
        aceh: &'static [&'static str],
    },
    /// A preflight: whether the browser accepts the answer.
    Preflight { accepts: bool },
}

const NONE: Want = Want::Actual {
    acao: None,
    acac: false,
    aceh: &[],
};
const ACCEPTS: Want = Want::Preflight { accepts: true };
const REFUSES: Want = Want::Preflight { accepts: false };

fn echo(origin: &'static str, acac: bool, aceh: &'static [&'static str]) -> Want {
    Want::Actual {
        acao: Some(origin),
        acac,
        aceh,
    }
}

struct Group {
    desc: &'static str,
    cors: Cors,
    /// The configuration enables credentials: the browser's check is then the credentialed one.
    credentialed: bool,
    cases: Vec<(&'static str, Req, Want)>,
}

fn status(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap()
}

/// `TestMiddleware`'s groups that corsair can express. Not replayed: "passthrough" (a
/// zero-value middleware that does nothing: corsair has no such policy), "PNAnoCORS"
/// (`PrivateNetworkAccessInNoCORSModeOnly`: no such mode), and the outer middleware of "outer
/// Vary middleware" (its configuration is replayed as "origins only").
fn groups() -> Vec<Group> {
    let credentialed_cases = vec![
        ("non-CORS GET", actual(Method::GET, None), NONE),
        ("non-CORS OPTIONS", actual(Method::OPTIONS, None), NONE),
        (
            "actual GET from allowed",
            get(LOCAL),
            echo(LOCAL, true, &["x-bar", "x-foo"]),
        ),
        ("actual GET from disallowed", get("https://example.com"), NONE),
        ("actual GET from invalid", get(INVALID), NONE),
        (
            "actual OPTIONS from allowed",
            options(LOCAL),
            echo(LOCAL, true, &["x-bar", "x-foo"]),
        ),
        (
            "actual OPTIONS from disallowed",
            options("https://example.com"),
            NONE,
        ),
        ("preflight with GET from allowed", preflight(LOCAL, "GET"), ACCEPTS),
        ("preflight with PURGE from allowed", preflight(LOCAL, "PURGE"), ACCEPTS),
        (
            "preflight with PURGE and Content-Type from allowed",
            preflight(LOCAL, "PURGE").acrh("content-type"),
            REFUSES,
        ),
        (
            "preflight with PURGE and Authorization from allowed",
            preflight(LOCAL, "PURGE").acrh("authorization"),
            ACCEPTS,
        ),
        (
            "preflight with PURGE and Authorization with some empty elements from allowed",
            preflight(LOCAL, "PURGE").acrh(",,authorization,,"),
            ACCEPTS,
        ),
        (
            "preflight with PURGE and Authorization with too many empty elements from allowed",
            preflight(LOCAL, "PURGE").acrh(format!("authorization{}", ",".repeat(17))),
            REFUSES,
        ),
        (
            "preflight with PURGE and Authorization with some empty ACRH field lines from allowed",
            empty_lines(preflight(LOCAL, "PURGE"), 16).acrh("authorization"),
            ACCEPTS,
        ),
        (
            "preflight with PURGE and Authorization with too many empty ACRH field lines from allowed",
            empty_lines(preflight(LOCAL, "PURGE"), 17).acrh("authorization"),
            REFUSES,
        ),
        (
            "preflight with GET from disallowed",
            preflight("https://example.com", "GET"),
            REFUSES,
        ),
        ("preflight with GET from invalid", preflight(INVALID, "GET"), REFUSES),
        ("preflight with PUT from allowed", preflight(LOCAL, "PUT"), REFUSES),
        (
            "preflight with PUT from disallowed",
            preflight("https://example.com", "PUT"),
            REFUSES,
        ),
        (
            "preflight with GET and headers from allowed",
            preflight(LOCAL, "GET").acrh("bar,baz,foo"),
            REFUSES,
        ),
        (
            "preflight with GET and headers from disallowed",
            preflight("https://example.org", "GET").acrh("bar,baz,foo"),
            REFUSES,
        ),
        (
            "preflight with GET and ACRPN from allowed",
            preflight(LOCAL, "GET").pna(),
            REFUSES,
        ),
        (
            "preflight with PUT and ACRPN headers from allowed",
            preflight(LOCAL, "PUT").acrh("bar,baz,foo").pna(),
            REFUSES,
        ),
        (
            "preflight with GET and ACRPN from disallowed",
            preflight("https://example.com", "GET").pna(),
            REFUSES,
        ),
        (
            "preflight with PUT and ACRPN and headers from disallowed",
            preflight("https://example.com", "PUT").acrh("bar,baz,foo").pna(),
            REFUSES,
        ),
    ];
    let credentialed = || {
        Cors::default()
            .allowed_origin(LOCAL)
            .supports_credentials()
            .max_age(30)
            .expose_headers(["X-Foo", "X-Bar"])
            .preflight_status(status(279))
    };
    let wildcard = || {
        Cors::default()
            .allow_any_origin()
            .send_wildcard()
            .allow_any_method()
            .allow_any_header()
            .max_age(30)
            .expose_any_header()
            .preflight_status(status(279))
    };
    let star = |aceh| echo("*", false, aceh);
    let ghsa = |origin: &'static str| {
        vec![
            ("actual GET from disallowed", get(origin), NONE),
            ("actual OPTIONS from disallowed", options(origin), NONE),
            (
                "preflight with GET from disallowed",
                preflight(origin, "GET"),
                REFUSES,
            ),
            (
                "preflight with PUT from disallowed",
                preflight(origin, "PUT"),
                REFUSES,
            ),
            (
                "preflight with GET and headers from disallowed",
                preflight(origin, "GET").acrh("bar,baz,foo"),
                REFUSES,
            ),
            (
                "preflight with GET and ACRPN from disallowed",
                preflight(origin, "GET").pna(),
                REFUSES,
            ),
            (
                "preflight with PUT and ACRPN and headers from disallowed",
                preflight(origin, "PUT").acrh("bar,baz,foo").pna(),
                REFUSES,
            ),
        ]
    };
    // "outer Vary middleware": the same requests but those about `Authorization`, against
    // a policy of one origin and nothing else.
    let mut origins_only_cases = credentialed_cases.clone();
    origins_only_cases.retain(|(desc, ..)| !desc.contains("Authorization"));
    for (desc, _, want) in &mut origins_only_cases {
        match *desc {
            "actual GET from allowed" | "actual OPTIONS from allowed" => {
                *want = echo(LOCAL, false, &[])
            }
            "preflight with PURGE from allowed" => *want = REFUSES,
            _ => {}
        }
    }
    vec![
        Group {
            desc: "credentialed",
            cors: credentialed()
                .allowed_methods(["GET", "POST", "PURGE", "HELP"])
                .allowed_header("Authorization"),
            credentialed: true,
            cases: credentialed_cases,
        },
        Group {
            desc: "credentialed all req headers",
            cors: credentialed().allow_any_header(),
            credentialed: true,
            cases: vec![
                (
                    "preflight with GET and headers from allowed",
                    preflight(LOCAL, "GET").acrh("bar,baz,foo"),
                    ACCEPTS,
                ),
                (
                    "preflight with GET and headers with some OWS from allowed",
                    preflight(LOCAL, "GET").acrh("bar , baz\t, foo\t"),
                    ACCEPTS,
                ),
                (
                    "preflight with GET and headers with too much OWS from allowed",
                    preflight(LOCAL, "GET").acrh("bar \t, baz\t, foo\t"),
                    ACCEPTS,
                ),
                (
                    "preflight with GET and headers with some empty elements from allowed",
                    preflight(LOCAL, "GET").acrh(format!("bar,baz,foo{}", ",".repeat(16))),
                    ACCEPTS,
                ),
                (
                    "preflight with GET and headers with too many empty elements from allowed",
                    preflight(LOCAL, "GET").acrh(format!("bar,baz,foo{}", ",".repeat(17))),
                    ACCEPTS,
                ),
                (
                    "preflight with GET and headers with some empty ACHR field lines from allowed",
                    empty_lines(preflight(LOCAL, "GET"), 16).acrh("bar,baz,foo"),
                    ACCEPTS,
                ),
                (
                    "preflight with GET and headers with too many empty ACHR field lines from allowed",
                    empty_lines(preflight(LOCAL, "GET"), 17).acrh("bar,baz,foo"),
                    ACCEPTS,
                ),
            ],
        },
        Group {
            desc: "PNA",
            cors: Cors::default()
                .allowed_origin(LOCAL)
                .max_age(30)
                .expose_headers(["X-Foo", "X-Bar"])
                .allow_private_network_access()
                .preflight_status(status(279)),
            credentialed: false,
            cases: vec![(
                "preflight with ACRPN",
                preflight(LOCAL, "GET").pna(),
                ACCEPTS,
            )],
        },
        Group {
            // "credentialed no req headers" and its twin "debug credentialed no req headers".
            desc: "credentialed no req headers",
            cors: credentialed(),
            credentialed: true,
            cases: vec![
                (
                    "preflight with GET and headers from allowed",
                    preflight(LOCAL, "GET").acrh("bar,baz,foo"),
                    REFUSES,
                ),
                ("preflight with disallowed method", preflight(LOCAL, "PUT"), REFUSES),
            ],
        },
        Group {
            desc: "debug credentialed some req headers",
            cors: credentialed().allowed_header("Authorization"),
            credentialed: true,
            cases: vec![(
                "preflight with GET and headers from allowed",
                preflight(LOCAL, "GET").acrh("bar,baz,foo"),
                REFUSES,
            )],
        },
        Group {
            desc: "all req headers other than Authorization",
            cors: wildcard(),
            credentialed: false,
            cases: vec![(
                "preflight with PURGE and Content-Type",
                preflight(LOCAL, "PURGE").acrh("content-type"),
                ACCEPTS,
            )],
        },
        Group {
            desc: "debug allow all",
            // jub0bs lists `Authorization` beside `*`; corsair's "any header" grants it.
            cors: wildcard(),
            credentialed: false,
            cases: vec![
                ("non-CORS GET request", actual(Method::GET, None), star(&["*"])),
                (
                    "non-CORS OPTIONS request",
                    actual(Method::OPTIONS, None),
                    star(&["*"]),
                ),
                ("actual GET request", get(LOCAL), star(&["*"])),
                ("actual GET from invalid", get(INVALID), star(&["*"])),
                ("actual OPTIONS request", options(LOCAL), star(&["*"])),
                ("preflight with GET", preflight(LOCAL, "GET"), ACCEPTS),
                ("preflight with PURGE", preflight(LOCAL, "PURGE"), ACCEPTS),
                (
                    "preflight with PURGE and Content-Type",
                    preflight(LOCAL, "PURGE").acrh("content-type"),
                    ACCEPTS,
                ),
                ("preflight with GET from invalid", preflight(INVALID, "GET"), REFUSES),
                ("preflight with PUT", preflight(LOCAL, "PUT"), ACCEPTS),
                (
                    "preflight with GET and headers",
                    preflight(LOCAL, "GET").acrh("bar,baz,foo"),
                    ACCEPTS,
                ),
                ("preflight with GET and ACRPN", preflight(LOCAL, "GET").pna(), REFUSES),
                (
                    "preflight with PUT and ACRPN and headers",
                    preflight(LOCAL, "PUT").acrh("bar,baz,foo").pna(),
                    REFUSES,
                ),
            ],
        },
        Group {
            desc: "credentialed allow some",
            cors: Cors::default()
                .allowed_origin("https://example.com:8080")
                .allowed_origin_pattern("https://*.example.com")
                .supports_credentials()
                .allowed_methods(["GET", "POST", "PUT", "DELETE"])
                .allowed_headers(["Foo", "Bar", "Baz", "Qux", "Quux"])
                .max_age(30)
                .expose_headers(["X-Foo", "X-Bar"])
                .preflight_status(status(279)),
            credentialed: true,
            cases: vec![
                ("non-CORS GET request", actual(Method::GET, None), NONE),
                ("non-CORS OPTIONS request", actual(Method::OPTIONS, None), NONE),
                (
                    "actual GET from allowed",
                    get("https://example.com:8080"),
                    echo("https://example.com:8080", true, &["x-bar", "x-foo"]),
                ),
                (
                    "actual GET from disallowed",
                    get("https://example.com:6060"),
                    NONE,
                ),
                ("actual GET from invalid", get(INVALID), NONE),
                (
                    "actual OPTIONS from allowed",
                    options("https://example.com:8080"),
                    echo("https://example.com:8080", true, &["x-bar", "x-foo"]),
                ),
                (
                    "actual OPTIONS from disallowed",
                    options("https://foo.example.com:8080"),
                    NONE,
                ),
                (
                    "preflight with GET and headers from allowed",
                    preflight("https://example.com:8080", "GET").acrh("bar,baz,foo"),
                    ACCEPTS,
                ),
            ],
        },
        Group {
            desc: "origins only",
            cors: Cors::default().allowed_origin(LOCAL).max_age(None),
            credentialed: false,
            cases: origins_only_cases,
        },
        Group {
            desc: "regression tests for GHSA-vhxv-fg4m-p2w8 (barfoo.com)",
            cors: Cors::default()
                .allowed_origin("https://foo.com")
                .allowed_origin("https://bar.com"),
            credentialed: false,
            cases: ghsa("https://barfoo.com"),
        },
        Group {
            desc: "regression tests for GHSA-vhxv-fg4m-p2w8 (foobar.com)",
            cors: Cors::default()
                .allowed_origin("https://foo.com")
                .allowed_origin("https://bar.com"),
            credentialed: false,
            cases: ghsa("https://foobar.com"),
        },
        Group {
            desc: "insecure origin with non-HTTP scheme",
            // jub0bs needs `DangerouslyTolerateInsecureOrigins` here; corsair's opt-in only
            // concerns `http://`, and is given for fidelity.
            cors: Cors::default()
                .allowed_origin("connector://example.com")
                .supports_credentials()
                .allow_insecure_credentialed_origins(),
            credentialed: true,
            cases: vec![
                ("non-CORS GET request", actual(Method::GET, None), NONE),
                ("non-CORS OPTIONS request", actual(Method::OPTIONS, None), NONE),
                (
                    "actual GET from allowed",
                    get("connector://example.com"),
                    echo("connector://example.com", true, &[]),
                ),
                (
                    "actual GET from disallowed",
                    get("connector://example.com:6060"),
                    NONE,
                ),
                (
                    "actual GET from invalid",
                    get("connector://example.com/index.html"),
                    NONE,
                ),
                (
                    "actual OPTIONS from allowed",
                    options("connector://example.com"),
                    echo("connector://example.com", true, &[]),
                ),
                (
                    "actual OPTIONS from disallowed",
                    options("connector://example.com:8080"),
                    NONE,
                ),
                (
                    "preflight with GET and headers from allowed",
                    preflight("connector://example.com", "GET").acrh("bar,baz,foo"),
                    REFUSES,
                ),
            ],
        },
    ]
}

fn empty_lines(mut req: Req, n: usize) -> Req {
    for _ in 0..n {
        req = req.acrh("");
    }
    req
}

// ---------------------------------------------------------------------------------------------
// the browser's verdict (Fetch standard, restated)
// ---------------------------------------------------------------------------------------------

fn values<B>(res: &actix_web::dev::ServiceResponse<B>, name: &str) -> Vec<String> {
    res.headers()
        .get_all(name)
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

/// A header's values as one list (RFC 9110 §5.3), split on commas, trimmed, empties dropped.
fn list<B>(res: &actix_web::dev::ServiceResponse<B>, name: &str) -> Vec<String> {
    values(res, name)
        .iter()
        .flat_map(|v| v.split(','))
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Fetch, "CORS-preflight fetch" steps 7 and on: the response must have an ok status (200 to
/// 299) and pass the CORS check (an `Access-Control-Allow-Origin` equal to the origin, or `*`
/// without credentials; with credentials, `Access-Control-Allow-Credentials: true`); the
/// method must be a CORS-safelisted method (`GET`, `HEAD`, `POST`) or listed (or `*`
/// without credentials); every requested header name must be listed (or `*` without
/// credentials, which never covers `Authorization`). Private Network Access (WICG): a
/// preflight that asked for it also needs `Access-Control-Allow-Private-Network: true`.
fn browser_accepts<B>(
    res: &actix_web::dev::ServiceResponse<B>,
    req: &Req,
    credentialed: bool,
) -> bool {
    let status = res.status().as_u16();
    if !(200..=299).contains(&status) {
        return false;
    }
    let acao = values(res, "access-control-allow-origin");
    let origin_ok = match acao.as_slice() {
        [one] => Some(one.as_str()) == req.origin || (one == "*" && !credentialed),
        _ => false,
    };
    if !origin_ok {
        return false;
    }
    if credentialed && values(res, "access-control-allow-credentials") != ["true"] {
        return false;
    }
    let method = req.acrm.unwrap();
    let methods = list(res, "access-control-allow-methods");
    let method_ok = ["GET", "HEAD", "POST"].contains(&method)
        || methods.iter().any(|m| m == method)
        || (!credentialed && methods.iter().any(|m| m == "*"));
    if !method_ok {
        return false;
    }
    let granted: Vec<String> = list(res, "access-control-allow-headers")
        .into_iter()
        .map(|h| h.to_ascii_lowercase())
        .collect();
    let requested = req
        .acrh
        .iter()
        .flat_map(|l| l.split(','))
        .map(|s| s.trim().to_ascii_lowercase())
        .filter(|s| !s.is_empty());
    for name in requested {
        let star = !credentialed && name != "authorization" && granted.iter().any(|g| g == "*");
        if !star && !granted.contains(&name) {
            return false;
        }
    }
    !req.pna || values(res, "access-control-allow-private-network") == ["true"]
}

/// What corsair answered, in the table's terms; `None` when it matches `want`.
async fn disagreement(cors: Cors, credentialed: bool, req: &Req, want: &Want) -> Option<String> {
    let app = test::init_service(App::new().wrap(cors).default_service(web::to(|| async {
        HttpResponse::Ok()
            .insert_header((header::VARY, "foo"))
            .body("bar")
    })))
    .await;
    let res = test::call_service(&app, req.to_request().to_request()).await;
    match want {
        Want::Preflight { accepts } => {
            let got = browser_accepts(&res, req, credentialed);
            (got != *accepts).then(|| {
                format!(
                    "the browser would {} corsair's answer ({} {:?})",
                    if got { "accept" } else { "refuse" },
                    res.status(),
                    res.headers()
                )
            })
        }
        Want::Actual { acao, acac, aceh } => {
            let got_acao = values(&res, "access-control-allow-origin");
            let got_acac = values(&res, "access-control-allow-credentials") == ["true"];
            let mut got_aceh: Vec<String> = list(&res, "access-control-expose-headers")
                .into_iter()
                .map(|h| h.to_ascii_lowercase())
                .collect();
            got_aceh.sort();
            let want_acao: Vec<String> = acao.iter().map(|s| s.to_string()).collect();
            let same = res.status() == StatusCode::OK
                && got_acao == want_acao
                && got_acac == *acac
                && got_aceh == *aceh;
            (!same).then(|| {
                format!(
                    "corsair answered {} with ACAO {got_acao:?}, ACAC {got_acac}, ACEH {got_aceh:?}",
                    res.status()
                )
            })
        }
    }
}

#[actix_rt::test]
async fn jub0bs_middleware_table_agrees_or_differs_only_by_documented_choice() {
    let mut unexplained = Vec::new();
    let mut explained = Vec::new();
    let mut total = 0;
    for group in groups() {
        for (desc, req, want) in &group.cases {
            total += 1;
            let Some(how) = disagreement(group.cors.clone(), group.credentialed, req, want).await
            else {
                continue;
            };
            match KNOWN.iter().find(|(g, c, _)| *g == group.desc && c == desc) {
                Some(known) => explained.push((known.0, known.1)),
                None => unexplained.push(format!("{} / {desc}: {how}", group.desc)),
            }
        }
    }
    println!(
        "{total} requests replayed; {} differ by a documented choice",
        explained.len()
    );
    assert!(
        unexplained.is_empty(),
        "differences with jub0bs/cors not listed as a documented choice:\n{}",
        unexplained.join("\n")
    );
    let stale: Vec<_> = KNOWN
        .iter()
        .filter(|(g, c, _)| !explained.contains(&(*g, *c)))
        .collect();
    assert!(
        stale.is_empty(),
        "listed differences that agree now: {stale:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// configurations
// ---------------------------------------------------------------------------------------------

/// `TestConfig` (valid in jub0bs) and `TestIncorrectConfig` (invalid) rows corsair can
/// express: (description, jub0bs builds it, corsair's translation). Not translated:
/// `MaxAgeInSeconds: -2` (a `usize` cannot say it) and the rows about
/// `PrivateNetworkAccessInNoCORSModeOnly` (no such mode).
fn configs() -> Vec<(&'static str, bool, Cors)> {
    let ex = || Cors::default().allowed_origin("https://example.com");
    let insecure = || {
        Cors::default()
            .allowed_origin("http://example.com:6060")
            .allowed_origin_pattern("http://*.example.com:6060")
    };
    vec![
        (
            "anonymous allow all",
            true,
            Cors::default()
                .allow_any_origin()
                .allow_any_method()
                .allowed_header("authoriZation")
                .allow_any_header()
                .expose_any_header(),
        ),
        (
            "discrete methods discrete headers zero max age",
            true,
            Cors::default()
                .allowed_origin("https://example.com")
                .allowed_origin("https://example.com")
                .allowed_headers(["x-foO", "x-Bar", "authoRizaTion"])
                .max_age(0)
                .expose_headers(["x-FOO", "X-baR", "x-foo"]),
        ),
        (
            "credentialed all req headers",
            true,
            Cors::default()
                .allowed_origin("http://example.com")
                .allowed_origin_pattern("https://*.example.com:8080")
                .allowed_origin_pattern("https://*.foo.example.com:8080")
                .supports_credentials()
                .allowed_methods(["POST", "PUT", "DELETE", "GET"])
                .allow_any_header()
                .max_age(30)
                .expose_headers(["x-FOO", "X-baR", "x-foo"])
                .preflight_status(status(279))
                .allow_private_network_access()
                .allow_insecure_credentialed_origins(),
        ),
        ("no origin pattern specified", false, Cors::default()),
        ("null origin", false, Cors::default().allowed_origin("null")),
        (
            "invalid origin pattern",
            false,
            Cors::default().allowed_origin("http://example.com:6060/path"),
        ),
        (
            "wildcard origin in addition to other origin pattern",
            false,
            Cors::default().allowed_origins_list("*, https://example.com"),
        ),
        (
            "origin pattern in addition to wildcard origin",
            false,
            Cors::default().allowed_origins_list("https://example.com, *"),
        ),
        ("empty method name", false, ex().allowed_methods([""])),
        ("invalid method name", false, ex().allowed_methods(["résumé"])),
        (
            "forbidden method name",
            false,
            ex().allowed_methods(["GET", "CONNECT"]),
        ),
        (
            "wildcard in addition to other method",
            false,
            ex().allowed_methods(["*", "GET"]),
        ),
        (
            "method in addition wildcard",
            false,
            ex().allowed_methods(["GET"]).allow_any_method(),
        ),
        ("empty request-header name", false, ex().allowed_headers([""])),
        (
            "invalid request-header name",
            false,
            ex().allowed_headers(["résumé"]),
        ),
        (
            "forbidden request-header name",
            false,
            ex().allowed_headers(["Connection"]),
        ),
        (
            "forbidden request-header name with Sec- prefix",
            false,
            ex().allowed_headers(["Sec-Foo"]),
        ),
        (
            "forbidden request-header name with Proxy- prefix",
            false,
            ex().allowed_headers(["Proxy-Foo"]),
        ),
        (
            "prohibited request-header name",
            false,
            ex().allowed_headers(["Access-Control-Allow-Origin"]),
        ),
        (
            "wildcard in addition to request-header name other than Authorization",
            false,
            ex().allow_any_header().allowed_headers(["Content-Type"]),
        ),
        (
            "wildcard and Authorization in addition to other request-header name",
            false,
            ex().allow_any_header()
                .allowed_headers(["Authorization", "Content-Type"]),
        ),
        (
            "max age exceeds upper bound",
            false,
            ex().allowed_headers(["Content-Type", "Authorization"])
                .max_age(86_401),
        ),
        (
            "empty response-header name",
            false,
            ex().expose_headers([""]),
        ),
        (
            "invalid response-header name",
            false,
            ex().expose_headers(["résumé"]),
        ),
        (
            "forbidden response-header name",
            false,
            ex().expose_headers(["Set-Cookie"]),
        ),
        (
            "prohibited response-header name",
            false,
            ex().expose_headers(["Access-Control-Request-Method"]),
        ),
        (
            "safelisted response-header name",
            false,
            ex().expose_headers(["Cache-Control"]),
        ),
        (
            "wildcard in addition to other response-header name",
            false,
            ex().expose_any_header().expose_headers(["X-Response-Time"]),
        ),
        (
            "preflight success status less than 200",
            false,
            ex().preflight_status(status(199)),
        ),
        (
            "preflight success status greater than 299",
            false,
            ex().preflight_status(status(300)),
        ),
        (
            "wildcard origin with Credentialed",
            false,
            Cors::default().allow_any_origin().supports_credentials(),
        ),
        (
            "wildcard origin with PrivateNetworkAccess",
            false,
            Cors::default()
                .allow_any_origin()
                .allow_private_network_access(),
        ),
        (
            "insecure origin with Credentialed without DangerouslyTolerateInsecureOrigins",
            false,
            insecure().supports_credentials(),
        ),
        (
            "insecure origin with PrivateNetworkAccess without DangerouslyTolerateInsecureOrigins",
            false,
            insecure().allow_private_network_access(),
        ),
        (
            "insecure origin with Credentialed and PrivateNetworkAccess without DangerouslyTolerateInsecureOrigins",
            false,
            insecure()
                .supports_credentials()
                .allow_private_network_access(),
        ),
        (
            "wildcard pattern encompassing subdomains of a public suffix",
            false,
            Cors::default().allowed_origin_pattern("https://*.com"),
        ),
        (
            "wildcard response-header name with Credentialed",
            false,
            ex().supports_credentials().expose_any_header(),
        ),
        (
            "multiple configuration issues",
            false,
            Cors::default()
                .allowed_origin("http://example.com")
                .allowed_origin("https://example.com/")
                .allowed_methods(["CONNECT", "résumé"])
                .allowed_headers(["résumé", "Access-Control-Allow-Origin"])
                .max_age(86_401),
        ),
    ]
}

#[test]
fn jub0bs_config_tables_agree_or_differ_only_by_documented_choice() {
    let mut unexplained = Vec::new();
    let mut explained = Vec::new();
    let rows = configs();
    for (desc, jub0bs_builds, cors) in &rows {
        let built = cors.clone().build();
        if built.is_ok() == *jub0bs_builds {
            continue;
        }
        if KNOWN_CONFIG.iter().any(|(d, _)| d == desc) {
            explained.push(*desc);
        } else {
            unexplained.push(format!(
                "{desc}: jub0bs {}, corsair {}",
                if *jub0bs_builds {
                    "builds it"
                } else {
                    "refuses it"
                },
                match built {
                    Ok(_) => "builds it".to_owned(),
                    Err(e) => format!("refuses it: {e}"),
                }
            ));
        }
    }
    println!(
        "{} configurations replayed; {} differ by a documented choice",
        rows.len(),
        explained.len()
    );
    assert!(
        unexplained.is_empty(),
        "differences with jub0bs/cors not listed as a documented choice:\n{}",
        unexplained.join("\n")
    );
    let stale: Vec<_> = KNOWN_CONFIG
        .iter()
        .filter(|(d, _)| !explained.contains(d))
        .collect();
    assert!(
        stale.is_empty(),
        "listed differences that agree now: {stale:?}"
    );
}

/// jub0bs reports all six problems of its "multiple configuration issues" row but for
/// `Access-Control-Allow-Origin`, which corsair grants (docs/wire.md): five, in one round.
#[test]
fn jub0bs_multiple_issues_are_reported_in_one_round() {
    let (_, _, cors) = configs()
        .into_iter()
        .find(|(d, ..)| *d == "multiple configuration issues")
        .unwrap();
    let problems = cors.build().unwrap_err().into_problems();
    assert_eq!(problems.len(), 5, "{problems:#?}");
}

/// Every documented choice the tables rely on has its section in docs/wire.md.
#[test]
fn every_documented_choice_is_in_docs_wire() {
    let doc =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/wire.md")).unwrap();
    let section = doc
        .split("## Compared with jub0bs/cors")
        .nth(1)
        .expect("docs/wire.md has a section comparing with jub0bs/cors");
    for choice in KNOWN
        .iter()
        .map(|k| k.2)
        .chain(KNOWN_CONFIG.iter().map(|k| k.1))
    {
        let name = format!("{choice:?}");
        assert!(
            section.contains(&format!("`{name}`")),
            "docs/wire.md does not explain `{name}`"
        );
    }
}
