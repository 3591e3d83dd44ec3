//! `CorsConfig` at parity with Starlette 1.10's `CORSMiddleware` (what FastAPI uses).
//!
//! Each test loads a config from TOML *and* JSON, builds it, puts it in front of a real actix
//! app and sends what a browser sends. The expected answers are Starlette 1.10's observed
//! behaviour for the same settings (restated here, not derived from corsair's source), except
//! for corsair's documented differences (204/403, the refusals), which are named as such.
#![cfg(feature = "serde")]

use actix_web::{
    http::{
        header::{self, HeaderMap},
        Method, StatusCode,
    },
    test::{self, TestRequest},
    web, App, HttpResponse,
};
use corsair::{Cors, CorsConfig, CorsRequest, Problem, Source};

const ACRPN: &str = "access-control-request-private-network";
const ACAPN: &str = "access-control-allow-private-network";

/// The same settings written as TOML and as JSON; both must load to the same config.
fn both(toml_text: &str, json_text: &str) -> [CorsConfig; 2] {
    let from_toml: CorsConfig = toml::from_str(toml_text).expect("TOML config loads");
    let from_json: CorsConfig = serde_json::from_str(json_text).expect("JSON config loads");
    assert_eq!(from_toml, from_json, "the TOML and JSON twins differ");
    [from_toml, from_json]
}

/// Status and headers of one exchange.
struct Answer {
    status: StatusCode,
    headers: HeaderMap,
}

impl Answer {
    fn get(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().unwrap())
    }

    /// A comma-separated header as a sorted, lower-case list.
    fn list(&self, name: &str) -> Vec<String> {
        let mut names: Vec<String> = self
            .get(name)
            .unwrap_or("")
            .split(',')
            .map(|s| s.trim().to_ascii_lowercase())
            .filter(|s| !s.is_empty())
            .collect();
        names.sort();
        names
    }
}

/// Sends `requests` through `config`'s policy in front of an app that answers every route.
async fn exchange(config: CorsConfig, requests: Vec<TestRequest>) -> Vec<Answer> {
    let policy = config.build().expect("the config builds");
    let app = test::init_service(
        App::new()
            .wrap(policy)
            .default_service(web::to(|| async { HttpResponse::Ok().body("handler") })),
    )
    .await;
    let mut answers = Vec::new();
    for req in requests {
        let res = test::call_service(&app, req.uri("/api/items").to_request()).await;
        answers.push(Answer {
            status: res.status(),
            headers: res.headers().clone(),
        });
    }
    answers
}

fn preflight(origin: &str, method: &str, headers: Option<&str>) -> TestRequest {
    let mut req = TestRequest::default()
        .method(Method::OPTIONS)
        .insert_header((header::ORIGIN, origin))
        .insert_header((header::ACCESS_CONTROL_REQUEST_METHOD, method));
    if let Some(h) = headers {
        req = req.insert_header((header::ACCESS_CONTROL_REQUEST_HEADERS, h));
    }
    req
}

fn actual(method: Method, origin: &str) -> TestRequest {
    TestRequest::default()
        .method(method)
        .insert_header((header::ORIGIN, origin))
}

fn sorted(names: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    v.sort();
    v
}

const APP: &str = "https://app.example.com";

// ---------------------------------------------------------------------------------------------
// 1. the four always-allowed request headers
// ---------------------------------------------------------------------------------------------

#[actix_rt::test]
async fn starlette_allows_content_type_beside_listed_authorization_in_a_json_post_preflight() {
    for config in both(
        r#"
        allow_origins = ["https://app.example.com"]
        allow_methods = ["GET", "POST"]
        allow_headers = ["Authorization"]
        "#,
        r#"{"allow_origins": ["https://app.example.com"], "allow_methods": ["GET", "POST"],
            "allow_headers": ["Authorization"]}"#,
    ) {
        let [json_post, other_safe] = <[Answer; 2]>::try_from(
            exchange(
                config,
                vec![
                    preflight(APP, "POST", Some("authorization,content-type")),
                    preflight(APP, "POST", Some("accept,accept-language,content-language")),
                ],
            )
            .await,
        )
        .ok()
        .unwrap();
        // Starlette answers 200; corsair's documented success status is 204.
        assert_eq!(json_post.status, StatusCode::NO_CONTENT);
        assert_eq!(json_post.get("access-control-allow-origin"), Some(APP));
        assert_eq!(other_safe.status, StatusCode::NO_CONTENT);
    }
}

#[actix_rt::test]
async fn starlette_lists_the_always_allowed_headers_in_access_control_allow_headers() {
    for config in both(
        r#"
        allow_origins = ["https://app.example.com"]
        allow_headers = ["Authorization"]
        "#,
        r#"{"allow_origins": "https://app.example.com", "allow_headers": "Authorization"}"#,
    ) {
        let answers = exchange(
            config,
            vec![
                preflight(APP, "GET", None),
                preflight(APP, "GET", Some("content-type")),
            ],
        )
        .await;
        for a in &answers {
            assert_eq!(a.status, StatusCode::NO_CONTENT);
            assert_eq!(
                a.list("access-control-allow-headers"),
                sorted(&[
                    "accept",
                    "accept-language",
                    "authorization",
                    "content-language",
                    "content-type"
                ])
            );
        }
    }
}

#[actix_rt::test]
async fn starlette_always_allows_the_four_headers_even_with_an_empty_allow_headers() {
    for config in both(
        r#"allow_origins = ["https://app.example.com"]"#,
        r#"{"allow_origins": ["https://app.example.com"]}"#,
    ) {
        let answers = exchange(
            config,
            vec![
                preflight(APP, "GET", Some("Content-Type")),
                preflight(APP, "GET", Some("authorization")),
            ],
        )
        .await;
        assert_eq!(answers[0].status, StatusCode::NO_CONTENT);
        // Starlette: 400 "Disallowed CORS headers"; corsair: 403 and no CORS headers.
        assert_eq!(answers[1].status, StatusCode::FORBIDDEN);
        assert_eq!(answers[1].get("access-control-allow-origin"), None);
    }
}

#[actix_rt::test]
async fn starlette_star_allow_headers_mirrors_the_requested_headers() {
    for config in both(
        r#"
        allow_origins = ["https://app.example.com"]
        allow_headers = ["*"]
        allow_credentials = true
        "#,
        r#"{"allow_origins": ["https://app.example.com"], "allow_headers": ["*"],
            "allow_credentials": true}"#,
    ) {
        let answers = exchange(
            config,
            vec![preflight(APP, "GET", Some("x-trace-id,authorization"))],
        )
        .await;
        assert_eq!(answers[0].status, StatusCode::NO_CONTENT);
        assert_eq!(
            answers[0].list("access-control-allow-headers"),
            sorted(&["authorization", "x-trace-id"])
        );
        assert_eq!(
            answers[0].get("access-control-allow-credentials"),
            Some("true")
        );
    }
}

// ---------------------------------------------------------------------------------------------
// 2. `allow_origins = ["*"]`
// ---------------------------------------------------------------------------------------------

#[actix_rt::test]
async fn starlette_sends_a_literal_star_for_star_origins_without_credentials() {
    for config in both(
        r#"
        allow_origins = ["*"]
        expose_headers = ["X-Total-Count", "X-Request-Id"]
        "#,
        r#"{"allow_origins": ["*"], "expose_headers": ["X-Total-Count", "X-Request-Id"]}"#,
    ) {
        let answers = exchange(
            config,
            vec![
                actual(Method::GET, "https://one.example"),
                actual(Method::POST, "http://localhost:3000"),
                preflight("https://two.example", "GET", Some("content-type")),
            ],
        )
        .await;
        for a in &answers {
            assert!(a.status.is_success(), "{}", a.status);
            assert_eq!(a.get("access-control-allow-origin"), Some("*"));
            assert_eq!(a.get("access-control-allow-credentials"), None);
        }
        assert_eq!(
            answers[0].list("access-control-expose-headers"),
            sorted(&["x-request-id", "x-total-count"])
        );
        // Starlette also varies on Origin here.
        assert!(answers[0].list("vary").contains(&"origin".to_owned()));
    }
}

#[actix_rt::test]
async fn starlette_star_origin_wins_over_the_other_listed_origins() {
    for config in both(
        r#"allow_origins = ["*", "https://app.example.com"]"#,
        r#"{"allow_origins": "*, https://app.example.com"}"#,
    ) {
        let answers = exchange(config, vec![actual(Method::GET, "https://other.example")]).await;
        assert_eq!(answers[0].get("access-control-allow-origin"), Some("*"));
    }
}

#[test]
fn starlette_star_origins_with_credentials_is_refused_naming_both_fields() {
    // Documented difference: Starlette quietly echoes every origin with credentials.
    for config in both(
        r#"
        allow_origins = ["*"]
        allow_credentials = true
        allow_methods = ["*"]
        allow_headers = ["*"]
        "#,
        r#"{"allow_origins": ["*"], "allow_credentials": true, "allow_methods": ["*"],
            "allow_headers": ["*"]}"#,
    ) {
        let err = config.build().unwrap_err();
        assert_eq!(err.problems(), &[Problem::CredentialedAnyOrigin]);
        let text = err.to_string();
        assert!(text.contains("`allow_origins`"), "{text}");
        assert!(text.contains("`allow_credentials = true`"), "{text}");
        assert!(!text.contains("()"), "builder words in: {text}");
    }
}

// ---------------------------------------------------------------------------------------------
// 3. `allow_methods = ["*"]`
// ---------------------------------------------------------------------------------------------

#[actix_rt::test]
async fn starlette_star_methods_means_its_list_of_standard_methods() {
    const STANDARD: [&str; 8] = [
        "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "QUERY",
    ];
    for config in both(
        r#"
        allow_origins = ["https://app.example.com"]
        allow_methods = ["*"]
        "#,
        r#"{"allow_origins": ["https://app.example.com"], "allow_methods": ["*"]}"#,
    ) {
        let mut requests: Vec<TestRequest> =
            STANDARD.iter().map(|m| preflight(APP, m, None)).collect();
        requests.push(preflight(APP, "CUSTOM", None));
        requests.push(preflight(APP, "PROPFIND", None));
        let answers = exchange(config, requests).await;
        for (m, a) in STANDARD.iter().zip(&answers) {
            assert_eq!(a.status, StatusCode::NO_CONTENT, "{m}");
            assert_eq!(
                a.list("access-control-allow-methods"),
                sorted(&STANDARD)
                    .iter()
                    .map(|s| s.to_ascii_lowercase())
                    .collect::<Vec<_>>(),
                "{m}"
            );
        }
        for refused in &answers[STANDARD.len()..] {
            assert_eq!(refused.status, StatusCode::FORBIDDEN);
            assert_eq!(refused.get("access-control-allow-origin"), None);
            assert_eq!(refused.get("access-control-allow-methods"), None);
        }
    }
}

#[actix_rt::test]
async fn starlette_listed_methods_refuse_unlisted_ones() {
    for config in both(
        r#"
        allow_origins = ["https://app.example.com"]
        allow_methods = ["GET", "PUT"]
        "#,
        r#"{"allow_origins": ["https://app.example.com"], "allow_methods": "GET, PUT"}"#,
    ) {
        let answers = exchange(
            config,
            vec![preflight(APP, "PUT", None), preflight(APP, "DELETE", None)],
        )
        .await;
        assert_eq!(answers[0].status, StatusCode::NO_CONTENT);
        assert_eq!(answers[1].status, StatusCode::FORBIDDEN);
    }
}

// ---------------------------------------------------------------------------------------------
// 4. `allow_private_network`
// ---------------------------------------------------------------------------------------------

#[actix_rt::test]
async fn starlette_allow_private_network_answers_private_network_preflights() {
    for config in both(
        r#"
        allow_origins = ["https://app.example.com"]
        allow_private_network = true
        "#,
        r#"{"allow_origins": ["https://app.example.com"], "allow_private_network": true}"#,
    ) {
        let answers = exchange(
            config,
            vec![preflight(APP, "GET", None).insert_header((ACRPN, "true"))],
        )
        .await;
        assert_eq!(answers[0].status, StatusCode::NO_CONTENT);
        assert_eq!(answers[0].get(ACAPN), Some("true"));
        assert_eq!(answers[0].get("access-control-allow-origin"), Some(APP));
    }
}

#[actix_rt::test]
async fn starlette_allow_private_network_false_loads_and_grants_no_private_network_access() {
    for config in both(
        r#"
        allow_origins = ["https://app.example.com"]
        allow_private_network = false
        "#,
        r#"{"allow_origins": ["https://app.example.com"], "allow_private_network": false}"#,
    ) {
        let answers = exchange(
            config,
            vec![preflight(APP, "GET", None).insert_header((ACRPN, "true"))],
        )
        .await;
        // Starlette answers 400; corsair answers without the grant, which the browser
        // refuses just the same.
        assert_eq!(answers[0].get(ACAPN), None);
    }
}

// ---------------------------------------------------------------------------------------------
// the rest of Starlette's behaviour for the same settings
// ---------------------------------------------------------------------------------------------

#[actix_rt::test]
async fn starlette_credentialed_requests_get_the_origin_echoed_and_allow_credentials() {
    for config in both(
        r#"
        allow_origins = ["http://localhost:3000", "https://myapp.com"]
        allow_credentials = true
        allow_methods = ["*"]
        allow_headers = ["*"]
        "#,
        r#"{"allow_origins": ["http://localhost:3000", "https://myapp.com"],
            "allow_credentials": true, "allow_methods": ["*"], "allow_headers": ["*"]}"#,
    ) {
        let answers = exchange(
            config,
            vec![
                actual(Method::GET, "http://localhost:3000"),
                actual(Method::GET, "https://myapp.com"),
                actual(Method::GET, "https://evil.example"),
                preflight(
                    "http://localhost:3000",
                    "PATCH",
                    Some("content-type,x-csrf"),
                ),
            ],
        )
        .await;
        assert_eq!(
            answers[0].get("access-control-allow-origin"),
            Some("http://localhost:3000")
        );
        assert_eq!(
            answers[1].get("access-control-allow-origin"),
            Some("https://myapp.com")
        );
        for a in &answers[..2] {
            assert_eq!(a.get("access-control-allow-credentials"), Some("true"));
            assert!(a.list("vary").contains(&"origin".to_owned()));
        }
        // A refused origin still reaches the handler but gets no ACAO (Starlette also sends
        // Allow-Credentials and Expose-Headers there; corsair sends no CORS header at all).
        assert_eq!(answers[2].status, StatusCode::OK);
        assert_eq!(answers[2].get("access-control-allow-origin"), None);
        assert_eq!(answers[3].status, StatusCode::NO_CONTENT);
        assert_eq!(
            answers[3].list("access-control-allow-headers"),
            sorted(&["content-type", "x-csrf"])
        );
    }
}

#[actix_rt::test]
async fn starlette_origin_regex_must_match_the_whole_origin() {
    for config in both(
        r#"allow_origin_regex = 'https://[a-z0-9-]+\.example\.org'"#,
        r#"{"allow_origin_regex": "https://[a-z0-9-]+\\.example\\.org"}"#,
    ) {
        let answers = exchange(
            config,
            vec![
                actual(Method::GET, "https://app.example.org"),
                actual(Method::GET, "https://app.example.org.evil.com"),
                actual(Method::GET, "xhttps://app.example.org"),
            ],
        )
        .await;
        assert_eq!(
            answers[0].get("access-control-allow-origin"),
            Some("https://app.example.org")
        );
        assert_eq!(answers[1].get("access-control-allow-origin"), None);
        assert_eq!(answers[2].get("access-control-allow-origin"), None);
    }
}

#[actix_rt::test]
async fn starlette_max_age_defaults_to_600_and_follows_the_setting() {
    let defaults = both("", "{}");
    let custom = both("max_age = 3600", r#"{"max_age": 3600}"#);
    for (config, expected) in defaults
        .into_iter()
        .map(|c| (c, "600"))
        .chain(custom.into_iter().map(|c| (c, "3600")))
    {
        let config = CorsConfig {
            allow_origins: vec![APP.into()],
            ..config
        };
        let answers = exchange(config, vec![preflight(APP, "GET", None)]).await;
        assert_eq!(answers[0].get("access-control-max-age"), Some(expected));
    }
}

#[actix_rt::test]
async fn starlette_status_200_for_preflights_is_one_config_field_away() {
    for config in both(
        r#"
        allow_origins = ["https://app.example.com"]
        preflight_status = 200
        "#,
        r#"{"allow_origins": ["https://app.example.com"], "preflight_status": 200}"#,
    ) {
        let answers = exchange(config, vec![preflight(APP, "GET", None)]).await;
        assert_eq!(answers[0].status, StatusCode::OK);
        assert_eq!(answers[0].get("access-control-allow-origin"), Some(APP));
    }
    let bad: CorsConfig = toml::from_str("preflight_status = 302").unwrap();
    let text = bad.build().unwrap_err().to_string();
    assert!(text.contains("`preflight_status` 302"), "{text}");
}

// ---------------------------------------------------------------------------------------------
// 5. errors in the config's words, and the documented refusals
// ---------------------------------------------------------------------------------------------

/// Config fields; every line of an error must name one.
const FIELDS: [&str; 11] = [
    "allow_origins",
    "allow_origin_regex",
    "allow_methods",
    "allow_headers",
    "allow_credentials",
    "allow_private_network",
    "expose_headers",
    "max_age",
    "allow_null_origin",
    "allow_insecure_credentialed_origins",
    "preflight_status",
];

/// Each problem line names a config field and no builder method.
fn assert_config_words(text: &str) {
    let lines: Vec<&str> = text.lines().collect();
    let problems = if lines.len() == 1 {
        lines
    } else {
        lines[1..].to_vec()
    };
    for line in problems {
        assert!(
            FIELDS.iter().any(|f| line.contains(&format!("`{f}"))),
            "no config field named in: {line}"
        );
        for builder_word in ["()", "(..)", "([..])", "in code", "allowed_", "supports_"] {
            assert!(
                !line.contains(builder_word),
                "builder word `{builder_word}` in: {line}"
            );
        }
    }
}

#[test]
fn every_config_error_names_the_config_field_not_a_builder_method() {
    for config in both(
        r#"
        allow_origins = ["https://ok.example", "app.example.com", "http://intranet.corp", "null",
                         "https://*.co.uk", "https://App.example.com/"]
        allow_origin_regex = "https://app.example.com"
        allow_methods = ["GET", "patch", "TRACE", "BAD METHOD"]
        allow_headers = ["x-api-key", "Cookie", "bad header"]
        allow_credentials = true
        expose_headers = ["x-request-id", "Set-Cookie", "bad header"]
        max_age = 100000
        preflight_status = 302
        "#,
        r#"{
        "allow_origins": ["https://ok.example", "app.example.com", "http://intranet.corp", "null",
                          "https://*.co.uk", "https://App.example.com/"],
        "allow_origin_regex": "https://app.example.com",
        "allow_methods": ["GET", "patch", "TRACE", "BAD METHOD"],
        "allow_headers": ["x-api-key", "Cookie", "bad header"],
        "allow_credentials": true,
        "expose_headers": ["x-request-id", "Set-Cookie", "bad header"],
        "max_age": 100000,
        "preflight_status": 302
        }"#,
    ) {
        let err = config.build().unwrap_err();
        let text = err.to_string();
        assert!(err.problems().len() >= 13, "{text}");
        assert_config_words(&text);
        for located in [
            "(in config field `allow_origins`, entry 2)",
            "(in config field `allow_origins`, entry 3)",
            "(in config field `allow_origins`, entry 4)",
            "(in config field `allow_origins`, entry 5)",
            "(in config field `allow_origins`, entry 6)",
            "(in config field `allow_origin_regex`, entry 1)",
        ] {
            assert!(text.contains(located), "{located} missing in {text}");
        }
        // Typed problems point at the entry too.
        assert!(err
            .problems()
            .contains(&Problem::InsecureCredentialedOrigin {
                value: "http://intranet.corp".into(),
                source: Source::Config {
                    field: "allow_origins",
                    position: 3
                },
            }));
    }
    for config in both(
        r#"
        allow_origins = ["https://app.example.com"]
        allow_credentials = true
        expose_headers = ["*"]
        "#,
        r#"{"allow_origins": ["https://app.example.com"], "allow_credentials": true,
            "expose_headers": "*"}"#,
    ) {
        let text = config.build().unwrap_err().to_string();
        assert!(text.contains("`expose_headers`"), "{text}");
        assert_config_words(&text);
    }
}

#[test]
fn plain_http_origins_with_credentials_are_refused_until_opted_in_from_the_config() {
    let [toml_config, json_config] = both(
        r#"
        allow_origins = ["http://intranet.corp", "http://localhost:5173"]
        allow_credentials = true
        "#,
        r#"{"allow_origins": ["http://intranet.corp", "http://localhost:5173"],
            "allow_credentials": true}"#,
    );
    for config in [toml_config.clone(), json_config] {
        let err = config.build().unwrap_err();
        // Loopback `http://localhost:5173` is fine; only the intranet origin is refused.
        assert_eq!(err.problems().len(), 1, "{err}");
        let text = err.to_string();
        assert!(
            text.contains("(in config field `allow_origins`, entry 1)"),
            "{text}"
        );
        assert!(text.contains("plain http"), "{text}");
        assert!(
            text.contains("`allow_insecure_credentialed_origins = true`"),
            "{text}"
        );
        assert_config_words(&text);
    }
    let opted_in: CorsConfig = toml::from_str(
        r#"
        allow_origins = ["http://intranet.corp", "http://localhost:5173"]
        allow_credentials = true
        allow_insecure_credentialed_origins = true
        "#,
    )
    .unwrap();
    assert_eq!(
        opted_in,
        CorsConfig {
            allow_insecure_credentialed_origins: true,
            ..toml_config
        }
    );
    let policy = opted_in.build().unwrap();
    assert!(policy
        .check(&CorsRequest::new("http://intranet.corp"))
        .is_allowed());
}

/// The articles FastAPI users read configure exactly this.
const ARTICLE_REGEX_TOML: &str = r#"
allow_origin_regex = 'https?://(localhost|myapp)\.(com|dev|app)'
allow_credentials = true
allow_methods = ["GET", "POST"]
allow_headers = ["Authorization", "Content-Type"]
"#;
const ARTICLE_REGEX_JSON: &str = r#"{
"allow_origin_regex": "https?://(localhost|myapp)\\.(com|dev|app)",
"allow_credentials": true,
"allow_methods": ["GET", "POST"],
"allow_headers": ["Authorization", "Content-Type"]
}"#;

#[test]
fn the_articles_http_regex_with_credentials_is_refused_naming_the_field_why_and_the_opt_in() {
    for config in both(ARTICLE_REGEX_TOML, ARTICLE_REGEX_JSON) {
        let err = config
            .build()
            .expect_err("a regex admitting plain-http origins with credentials must be refused");
        let text = err.to_string();
        assert!(text.contains("`allow_origin_regex`"), "{text}");
        assert!(text.contains("http"), "{text}");
        assert!(
            text.contains("`allow_insecure_credentialed_origins = true`"),
            "{text}"
        );
        assert_config_words(&text);
    }
}

#[actix_rt::test]
async fn the_articles_http_regex_works_like_starlette_once_opted_in() {
    for config in both(ARTICLE_REGEX_TOML, ARTICLE_REGEX_JSON) {
        let config = CorsConfig {
            allow_insecure_credentialed_origins: true,
            ..config
        };
        let answers = exchange(
            config,
            vec![
                preflight(
                    "http://myapp.dev",
                    "POST",
                    Some("authorization,content-type"),
                ),
                actual(Method::GET, "https://localhost.app"),
                actual(Method::GET, "https://myapp.com.evil.org"),
            ],
        )
        .await;
        assert_eq!(answers[0].status, StatusCode::NO_CONTENT);
        assert_eq!(
            answers[0].get("access-control-allow-origin"),
            Some("http://myapp.dev")
        );
        assert_eq!(
            answers[1].get("access-control-allow-origin"),
            Some("https://localhost.app")
        );
        assert_eq!(answers[2].get("access-control-allow-origin"), None);
    }
}

#[actix_rt::test]
async fn null_origin_is_refused_unless_allow_null_origin_is_set() {
    for config in both(
        r#"allow_origins = ["https://app.example.com", "null"]"#,
        r#"{"allow_origins": ["https://app.example.com", "null"]}"#,
    ) {
        let text = config.clone().build().unwrap_err().to_string();
        assert!(
            text.contains("(in config field `allow_origins`, entry 2)"),
            "{text}"
        );
        assert!(text.contains("`allow_null_origin = true`"), "{text}");
        assert_config_words(&text);

        let opted_in = CorsConfig {
            allow_null_origin: true,
            ..config
        };
        let answers = exchange(opted_in, vec![actual(Method::GET, "null")]).await;
        assert_eq!(answers[0].get("access-control-allow-origin"), Some("null"));
    }
}

#[test]
fn unescaped_dots_in_the_regex_are_refused_naming_the_field() {
    for config in both(
        r#"allow_origin_regex = 'https://.*\.example.com'"#,
        r#"{"allow_origin_regex": "https://.*\\.example.com"}"#,
    ) {
        let text = config.build().unwrap_err().to_string();
        assert!(
            text.contains("(in config field `allow_origin_regex`, entry 1)"),
            "{text}"
        );
        assert!(text.contains(r"\."), "{text}");
        assert_config_words(&text);
    }
}

// ---------------------------------------------------------------------------------------------
// the builder keeps actix-cors semantics, and says where FastAPI differed
// ---------------------------------------------------------------------------------------------

#[test]
fn the_builder_does_not_allow_content_type_implicitly_and_its_refusal_says_fastapi_did() {
    let policy = Cors::default()
        .allowed_origin(APP)
        .allowed_header(header::AUTHORIZATION)
        .build()
        .unwrap();
    let decision = policy.check(
        &CorsRequest::preflight(APP, "POST").requesting_headers(["authorization", "content-type"]),
    );
    assert!(!decision.is_allowed());
    let detail = decision.detail().unwrap();
    assert!(
        detail.contains("FastAPI allows `content-type` implicitly"),
        "{detail}"
    );
    assert!(
        detail.contains(".allowed_header(\"content-type\")"),
        "{detail}"
    );

    // A header FastAPI would not have allowed either gets the plain hint.
    let decision =
        policy.check(&CorsRequest::preflight(APP, "POST").requesting_header("x-api-key"));
    let detail = decision.detail().unwrap();
    assert!(!detail.contains("FastAPI"), "{detail}");
}

#[test]
fn the_builder_echoes_the_origin_for_any_origin_where_the_config_sends_a_star() {
    let builder = Cors::default().allow_any_origin().build().unwrap();
    let d = builder.check(&CorsRequest::new("https://one.example"));
    assert_eq!(
        d.header(header::ACCESS_CONTROL_ALLOW_ORIGIN),
        Some("https://one.example")
    );
    let config: CorsConfig = toml::from_str(r#"allow_origins = ["*"]"#).unwrap();
    let d = config
        .build()
        .unwrap()
        .check(&CorsRequest::new("https://one.example"));
    assert_eq!(d.header(header::ACCESS_CONTROL_ALLOW_ORIGIN), Some("*"));
}

#[test]
fn a_star_origin_keeps_starlettes_meaning_in_the_config_where_the_builder_refuses_it() {
    // Starlette documents `allow_origins=["*"]` as "any origin"; actix-cors refuses
    // `allowed_origin("*")`. Each front end keeps its own crate's meaning.
    for text in [r#"allow_origins = ["*"]"#, r#"allow_origins = "*""#] {
        let config: CorsConfig = toml::from_str(text).unwrap();
        let d = config
            .build()
            .unwrap()
            .check(&CorsRequest::new("https://one.example"));
        assert_eq!(
            d.header(header::ACCESS_CONTROL_ALLOW_ORIGIN),
            Some("*"),
            "{text}"
        );
    }
    assert!(Cors::default().allowed_origin("*").build().is_err());
    assert!(Cors::default().allowed_origins_list("*").build().is_err());
}

// ---------------------------------------------------------------------------------------------
// the README's FastAPI snippet and its corsair twin
// ---------------------------------------------------------------------------------------------

/// The fenced block of `lang` between the README's `fastapi-twin` markers.
fn readme_block(lang: &str) -> String {
    let readme = include_str!("../../../README.md");
    let start = readme
        .find("<!-- fastapi-twin:begin -->")
        .expect("README has the FastAPI twin markers");
    let end = readme[start..]
        .find("<!-- fastapi-twin:end -->")
        .expect("end marker")
        + start;
    let section = &readme[start..end];
    let fence = format!("```{lang}\n");
    let from = section.find(&fence).expect("block present") + fence.len();
    let to = section[from..].find("```").unwrap() + from;
    section[from..to].to_owned()
}

/// The keyword arguments of the README's `CORSMiddleware(...)` call, as JSON: Python string
/// lists, `True`/`False` and integers have the same spelling there once the booleans are
/// lower-cased.
fn fastapi_kwargs_as_json(python: &str) -> String {
    let mut fields = Vec::new();
    for line in python.lines().map(str::trim) {
        let Some((name, value)) = line.split_once('=') else {
            continue;
        };
        let name = name.trim();
        if !name.starts_with("allow_") && !["expose_headers", "max_age"].contains(&name) {
            continue;
        }
        let value = value.trim().trim_end_matches(',');
        let value = match value {
            "True" => "true",
            "False" => "false",
            other => other,
        };
        let value = value.strip_prefix('r').unwrap_or(value);
        fields.push(format!("\"{name}\": {value}"));
    }
    format!("{{{}}}", fields.join(", "))
}

#[actix_rt::test]
async fn readme_fastapi_snippet_and_its_corsair_twin_load_the_same_config_and_behave_alike() {
    let python = readme_block("python");
    let twin: CorsConfig = toml::from_str(&readme_block("toml")).expect("README twin loads");
    let from_fastapi: CorsConfig =
        serde_json::from_str(&fastapi_kwargs_as_json(&python)).expect("FastAPI kwargs load");
    assert_eq!(
        twin, from_fastapi,
        "the README's twin is not the FastAPI snippet"
    );

    // What that FastAPI app does, observed in Starlette 1.10.
    let answers = exchange(
        twin,
        vec![
            preflight(
                "http://localhost:5173",
                "PATCH",
                Some("authorization,content-type"),
            ),
            actual(Method::GET, "https://app.example.com"),
            preflight("https://app.example.com", "CUSTOM", None),
            actual(Method::GET, "https://evil.example"),
        ],
    )
    .await;
    assert_eq!(answers[0].status, StatusCode::NO_CONTENT);
    assert_eq!(
        answers[0].get("access-control-allow-origin"),
        Some("http://localhost:5173")
    );
    assert_eq!(
        answers[0].get("access-control-allow-credentials"),
        Some("true")
    );
    assert_eq!(answers[0].get("access-control-max-age"), Some("600"));
    assert_eq!(
        answers[1].get("access-control-allow-origin"),
        Some("https://app.example.com")
    );
    assert_eq!(
        answers[1].list("access-control-expose-headers"),
        sorted(&["x-request-id"])
    );
    assert_eq!(answers[2].status, StatusCode::FORBIDDEN);
    assert_eq!(answers[3].get("access-control-allow-origin"), None);
}
