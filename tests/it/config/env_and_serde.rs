//! Configuration from outside the code: comma-separated origin lists from environment
//! variables, and (feature `serde`) the FastAPI-style `CorsConfig` from JSON and TOML.
//!
//! Tests run in parallel threads and share the process environment, so every test uses its
//! own variable names, and every write to the environment and every build that reads it goes
//! through `env::with_var`/`env::without_var`, which serialize them behind one lock.

use actix_web::{
    body::MessageBody,
    dev::{Service, ServiceResponse},
    http::header,
    test::{self, TestRequest},
    web, App, HttpResponse,
};
use corsair::{Cors, CorsPolicy, CorsRequest, OriginFault, Problem, Source};
use futures_util::FutureExt as _;

use crate::common::env;

async fn service(
    cors: Cors,
) -> impl Service<
    actix_http::Request,
    Response = ServiceResponse<impl MessageBody>,
    Error = actix_web::Error,
> {
    test::init_service(
        App::new()
            .wrap(cors)
            .route("/", web::get().to(HttpResponse::Ok)),
    )
    .await
}

/// The same app as [`service`], around a policy already built (under the environment lock).
async fn policy_service(
    policy: CorsPolicy,
) -> impl Service<
    actix_http::Request,
    Response = ServiceResponse<impl MessageBody>,
    Error = actix_web::Error,
> {
    test::init_service(
        App::new()
            .wrap(policy)
            .route("/", web::get().to(HttpResponse::Ok)),
    )
    .await
}

/// `Access-Control-Allow-Origin` for a `GET` from `origin`.
async fn acao<S, B>(app: &S, origin: &str) -> Option<String>
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let req = TestRequest::get()
        .uri("/")
        .insert_header((header::ORIGIN, origin))
        .to_request();
    let res = test::call_service(app, req).await;
    res.headers()
        .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
        .map(|v| v.to_str().unwrap().to_owned())
}

fn env_source(var: &str, position: usize) -> Source {
    Source::Env {
        var: var.into(),
        position,
    }
}

// ---------------------------------------------------------------------------------------------
// environment variables
// ---------------------------------------------------------------------------------------------

#[actix_rt::test]
async fn env_list_allows_each_listed_origin() {
    let policy = env::with_var(
        "CORSAIR_T_ENV_BASIC",
        "http://localhost:5173, https://app.example.com",
        || {
            Cors::default()
                .allowed_origins_from_env("CORSAIR_T_ENV_BASIC")
                .build()
                .unwrap()
        },
    );
    let app = policy_service(policy).await;
    for origin in ["http://localhost:5173", "https://app.example.com"] {
        assert_eq!(acao(&app, origin).await.as_deref(), Some(origin));
    }
    for origin in [
        "https://evil.example",
        "http://localhost:5173, https://app.example.com",
        " https://app.example.com",
    ] {
        assert_eq!(acao(&app, origin).await, None, "{origin}");
    }
}

#[actix_rt::test]
async fn env_list_is_trimmed_and_empty_entries_are_ignored() {
    let policy = env::with_var(
        "CORSAIR_T_ENV_TRIM",
        " ,\thttp://localhost:5173 ,, https://app.example.com\n, ,",
        || {
            Cors::default()
                .allowed_origins_from_env("CORSAIR_T_ENV_TRIM")
                .build()
                .unwrap()
        },
    );
    let app = policy_service(policy).await;
    assert_eq!(
        acao(&app, "http://localhost:5173").await.as_deref(),
        Some("http://localhost:5173")
    );
    assert_eq!(
        acao(&app, "https://app.example.com").await.as_deref(),
        Some("https://app.example.com")
    );
}

#[test]
fn every_env_entry_is_validated_and_errors_name_the_variable_and_position() {
    let err = env::with_var(
        "CORSAIR_T_ENV_BAD",
        "https://ok.example, app.example.com, , https://x.example/, https://*.com",
        || {
            Cors::default()
                .allowed_origins_from_env("CORSAIR_T_ENV_BAD")
                .build()
                .unwrap_err()
        },
    );
    // Positions count the non-empty entries, from 1.
    assert_eq!(
        err.problems(),
        &[
            Problem::InvalidOrigin {
                value: "app.example.com".into(),
                source: env_source("CORSAIR_T_ENV_BAD", 2),
                fault: OriginFault::MissingScheme {
                    suggestion: "https://app.example.com".into()
                },
            },
            Problem::InvalidOrigin {
                value: "https://x.example/".into(),
                source: env_source("CORSAIR_T_ENV_BAD", 3),
                fault: OriginFault::TrailingSlash {
                    suggestion: "https://x.example".into()
                },
            },
            Problem::PatternTooBroad {
                value: "https://*.com".into(),
                source: env_source("CORSAIR_T_ENV_BAD", 4),
                suffix: "com".into(),
            },
        ]
    );
    let text = err.to_string();
    assert!(
        text.contains("origin `app.example.com` (in $CORSAIR_T_ENV_BAD, entry 2) is not valid"),
        "{text}"
    );
    assert!(text.contains("(in $CORSAIR_T_ENV_BAD, entry 3)"), "{text}");
}

#[test]
fn a_missing_env_var_is_an_error_naming_it() {
    let err = env::without_var("CORSAIR_T_ENV_MISSING", || {
        Cors::default()
            .allowed_origins_from_env("CORSAIR_T_ENV_MISSING")
            .build()
            .unwrap_err()
    });
    assert_eq!(
        err.problems(),
        &[Problem::MissingEnvVar {
            var: "CORSAIR_T_ENV_MISSING".into()
        }]
    );
    assert!(err
        .to_string()
        .contains("$CORSAIR_T_ENV_MISSING is not set"));
}

#[cfg(unix)]
#[test]
fn an_env_var_that_is_not_unicode_is_an_error_naming_it() {
    use std::{ffi::OsStr, os::unix::ffi::OsStrExt};
    let err = env::with_var(
        "CORSAIR_T_ENV_BYTES",
        OsStr::from_bytes(b"https://b\xfccher.example"),
        || {
            Cors::default()
                .allowed_origins_from_env("CORSAIR_T_ENV_BYTES")
                .build()
                .unwrap_err()
        },
    );
    assert_eq!(
        err.problems(),
        &[Problem::MissingEnvVar {
            var: "CORSAIR_T_ENV_BYTES".into()
        }]
    );
}

#[actix_rt::test]
#[should_panic(expected = "service initialization failed")]
async fn a_missing_env_var_fails_app_start() {
    let cors = Cors::default().allowed_origins_from_env("CORSAIR_T_ENV_MISSING_WRAP");
    // The unbuilt builder is built (and the environment read) while the app's service is
    // constructed. Nothing in that construction waits, so it is polled to completion here,
    // under the environment lock, instead of awaited.
    env::without_var("CORSAIR_T_ENV_MISSING_WRAP", || {
        let _app = service(cors)
            .now_or_never()
            .expect("service construction does not wait");
    });
}

#[actix_rt::test]
async fn env_or_uses_the_default_only_when_the_variable_is_unset() {
    let policy = env::without_var("CORSAIR_T_ENV_OR_UNSET", || {
        Cors::default()
            .allowed_origins_from_env_or("CORSAIR_T_ENV_OR_UNSET", "http://localhost:5173")
            .build()
            .unwrap()
    });
    let app = policy_service(policy).await;
    assert_eq!(
        acao(&app, "http://localhost:5173").await.as_deref(),
        Some("http://localhost:5173")
    );

    let policy = env::with_var("CORSAIR_T_ENV_OR_SET", "https://app.example.com", || {
        Cors::default()
            .allowed_origins_from_env_or("CORSAIR_T_ENV_OR_SET", "http://localhost:5173")
            .build()
            .unwrap()
    });
    let app = policy_service(policy).await;
    assert_eq!(
        acao(&app, "https://app.example.com").await.as_deref(),
        Some("https://app.example.com")
    );
    assert_eq!(acao(&app, "http://localhost:5173").await, None);
}

#[test]
fn env_or_validates_the_default_too() {
    let err = env::without_var("CORSAIR_T_ENV_OR_BAD_DEFAULT", || {
        Cors::default()
            .allowed_origins_from_env_or("CORSAIR_T_ENV_OR_BAD_DEFAULT", "localhost:5173")
            .build()
            .unwrap_err()
    });
    assert!(matches!(
        err.problems(),
        [Problem::InvalidOrigin { value, fault: OriginFault::MissingScheme { .. }, .. }]
            if value == "localhost:5173"
    ));
}

#[test]
fn env_entries_with_a_star_are_patterns_and_a_lone_star_is_refused() {
    let policy = env::with_var(
        "CORSAIR_T_ENV_PATTERNS",
        "https://*.preview.example.com, http://localhost:*",
        || {
            Cors::default()
                .allowed_origins_from_env("CORSAIR_T_ENV_PATTERNS")
                .build()
                .unwrap()
        },
    );
    for origin in ["https://pr-1.preview.example.com", "http://localhost:8080"] {
        assert!(
            policy.check(&CorsRequest::new(origin)).is_allowed(),
            "{origin}"
        );
    }
    assert!(!policy
        .check(&CorsRequest::new("https://preview.example.com"))
        .is_allowed());

    // A lone `*` is not read as "every origin" (actix-cors refuses `allowed_origin("*")`).
    let err = env::with_var("CORSAIR_T_ENV_STAR", " * ", || {
        Cors::default()
            .allowed_origins_from_env("CORSAIR_T_ENV_STAR")
            .build()
            .unwrap_err()
    });
    assert_eq!(
        err.problems(),
        [Problem::InvalidOrigin {
            value: "*".into(),
            source: env_source("CORSAIR_T_ENV_STAR", 1),
            fault: OriginFault::AnyOrigin,
        }]
    );
}

#[test]
fn env_list_adds_to_origins_listed_in_code() {
    let policy = env::with_var("CORSAIR_T_ENV_ADD", "https://from-env.example", || {
        Cors::default()
            .allowed_origin("https://from-code.example")
            .allowed_origins_from_env("CORSAIR_T_ENV_ADD")
            .build()
            .unwrap()
    });
    for origin in ["https://from-code.example", "https://from-env.example"] {
        assert!(
            policy.check(&CorsRequest::new(origin)).is_allowed(),
            "{origin}"
        );
    }
}

#[test]
fn allowed_origins_list_errors_say_in_code() {
    let err = Cors::default()
        .allowed_origins_list("https://ok.example,https://bad.example:443")
        .build()
        .unwrap_err();
    assert!(matches!(
        err.problems(),
        [Problem::InvalidOrigin {
            source: Source::Code,
            fault: OriginFault::DefaultPort { port: 443, .. },
            ..
        }]
    ));
}

// ---------------------------------------------------------------------------------------------
// serde: CorsConfig
// ---------------------------------------------------------------------------------------------

#[cfg(feature = "serde")]
mod serde_config {
    use super::*;
    use actix_web::http::{Method, StatusCode};
    use corsair::CorsConfig;

    fn config_source(field: &'static str, position: usize) -> Source {
        Source::Config { field, position }
    }

    #[actix_rt::test]
    async fn json_config_builds_the_policy_it_describes() {
        let config: CorsConfig = serde_json::from_str(
            r#"{
                "allow_origins": ["http://localhost:5173", "https://app.example.com"],
                "allow_origin_regex": "https://pr-\\d+\\.preview\\.example\\.com",
                "allow_methods": ["GET", "POST", "PUT"],
                "allow_headers": ["content-type", "x-api-key"],
                "allow_credentials": true,
                "expose_headers": ["x-request-id"],
                "max_age": 3600
            }"#,
        )
        .unwrap();
        let app = service(config.into_cors()).await;
        for origin in [
            "http://localhost:5173",
            "https://app.example.com",
            "https://pr-7.preview.example.com",
        ] {
            assert_eq!(acao(&app, origin).await.as_deref(), Some(origin));
        }
        assert_eq!(
            acao(&app, "https://pr-7.preview.example.com.evil.org").await,
            None
        );

        let req = TestRequest::default()
            .method(Method::OPTIONS)
            .uri("/")
            .insert_header((header::ORIGIN, "https://app.example.com"))
            .insert_header((header::ACCESS_CONTROL_REQUEST_METHOD, "PUT"))
            .insert_header((header::ACCESS_CONTROL_REQUEST_HEADERS, "x-api-key"))
            .to_request();
        let res = test::call_service(&app, req).await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT);
        let h = |name| res.headers().get(name).unwrap().to_str().unwrap();
        assert_eq!(h(header::ACCESS_CONTROL_ALLOW_METHODS), "GET, POST, PUT");
        // Starlette's four always-allowed headers come first, then the listed ones.
        assert_eq!(
            h(header::ACCESS_CONTROL_ALLOW_HEADERS),
            "accept, accept-language, content-language, content-type, x-api-key"
        );
        assert_eq!(h(header::ACCESS_CONTROL_ALLOW_CREDENTIALS), "true");
        assert_eq!(h(header::ACCESS_CONTROL_MAX_AGE), "3600");
    }

    #[test]
    fn toml_config_builds_the_same_policy() {
        let config: CorsConfig = toml::from_str(
            r#"
            allow_origins = ["http://localhost:5173", "https://*.preview.example.com"]
            allow_methods = ["GET", "DELETE"]
            allow_headers = ["*"]
            allow_credentials = true
            expose_headers = ["x-request-id"]
            max_age = 7200
            "#,
        )
        .unwrap();
        let policy = config.into_cors().build().unwrap();
        let ok = policy.check(
            &CorsRequest::preflight("https://pr-9.preview.example.com", "DELETE")
                .requesting_header("x-anything"),
        );
        assert!(ok.is_allowed(), "{ok}");
        assert_eq!(
            ok.header(header::ACCESS_CONTROL_ALLOW_HEADERS),
            Some("x-anything")
        );
        assert_eq!(ok.header(header::ACCESS_CONTROL_MAX_AGE), Some("7200"));
        assert_eq!(
            ok.header(header::ACCESS_CONTROL_ALLOW_ORIGIN),
            Some("https://pr-9.preview.example.com")
        );
        assert!(!policy
            .check(&CorsRequest::preflight("http://localhost:5173", "PUT"))
            .is_allowed());
    }

    #[test]
    fn defaults_are_starlettes() {
        let from_json: CorsConfig = serde_json::from_str("{}").unwrap();
        let from_toml: CorsConfig = toml::from_str("").unwrap();
        assert_eq!(from_json, CorsConfig::default());
        assert_eq!(from_toml, CorsConfig::default());
        assert_eq!(from_json.allow_methods, ["GET"]);
        assert_eq!(from_json.max_age, Some(600));
        assert!(!from_json.allow_credentials);
        let policy = from_json.into_cors().build().unwrap();
        assert!(!policy
            .check(&CorsRequest::new("https://app.example.com"))
            .is_allowed());
    }

    #[test]
    fn list_fields_also_take_comma_separated_strings() {
        let config: CorsConfig = serde_json::from_str(
            r#"{
                "allow_origins": " http://localhost:5173, ,https://app.example.com ",
                "allow_methods": "GET, PUT",
                "allow_headers": "content-type,x-api-key",
                "expose_headers": ""
            }"#,
        )
        .unwrap();
        assert_eq!(
            config.allow_origins,
            ["http://localhost:5173", "https://app.example.com"]
        );
        assert_eq!(config.allow_methods, ["GET", "PUT"]);
        assert_eq!(config.allow_headers, ["content-type", "x-api-key"]);
        assert!(config.expose_headers.is_empty());
        assert!(config.into_cors().build().is_ok());
    }

    #[test]
    fn env_style_string_maps_deserialize() {
        use serde::{de::value::MapDeserializer, Deserialize};
        // What `envy` or a `.env` loader hands over: every value a string.
        let vars = vec![
            (
                "allow_origins",
                "http://localhost:5173, https://app.example.com",
            ),
            ("allow_methods", "GET,POST,PATCH"),
            ("allow_origin_regex", r"https://[a-z]+\.example\.org"),
        ];
        let de = MapDeserializer::<_, serde::de::value::Error>::new(vars.into_iter());
        let config = CorsConfig::deserialize(de).unwrap();
        assert_eq!(config.allow_methods, ["GET", "POST", "PATCH"]);
        let policy = config.into_cors().build().unwrap();
        for origin in ["https://app.example.com", "https://docs.example.org"] {
            assert!(
                policy.check(&CorsRequest::new(origin)).is_allowed(),
                "{origin}"
            );
        }
    }

    #[test]
    fn build_errors_name_the_field_and_the_entry() {
        let config: CorsConfig = toml::from_str(
            r#"
            allow_origins = ["https://ok.example", "app.example.com", "https://*.co.uk", "null"]
            allow_origin_regex = "https://app.example.com"
            "#,
        )
        .unwrap();
        let err = config.build().unwrap_err();
        assert_eq!(
            err.problems(),
            &[
                Problem::InvalidOrigin {
                    value: "app.example.com".into(),
                    source: config_source("allow_origins", 2),
                    fault: OriginFault::MissingScheme {
                        suggestion: "https://app.example.com".into()
                    },
                },
                Problem::NullOrigin {
                    source: config_source("allow_origins", 4),
                },
                Problem::PatternTooBroad {
                    value: "https://*.co.uk".into(),
                    source: config_source("allow_origins", 3),
                    suffix: "co.uk".into(),
                },
                Problem::RegexUnescapedDot {
                    value: "https://app.example.com".into(),
                    source: config_source("allow_origin_regex", 1),
                    suggestion: r"https://app\.example\.com".into(),
                },
            ]
        );
        let text = err.to_string();
        assert!(
            text.contains("in config field `allow_origins`, entry 2"),
            "{text}"
        );
        assert!(
            text.contains("in config field `allow_origin_regex`, entry 1"),
            "{text}"
        );
    }

    /// The FastAPI config of issue 22: Starlette loads it silently, and a preflight from
    /// `https://my-evil-site.vercel.app` then gets credentials.
    #[test]
    fn fastapi_regex_over_vercel_app_with_credentials_fails_to_load_with_the_fix() {
        let config: CorsConfig = toml::from_str(
            r#"
            allow_origin_regex = 'https://.*\.vercel\.app'
            allow_credentials = true
            "#,
        )
        .unwrap();
        let err = config.clone().build().unwrap_err();
        assert_eq!(
            err.problems(),
            &[Problem::RegexTooBroad {
                value: r"https://.*\.vercel\.app".into(),
                source: config_source("allow_origin_regex", 1),
                reason: corsair::RegexBreadth::PublicSuffix {
                    suffix: "vercel.app".into()
                },
            }]
        );
        let text = err.to_string();
        for words in [
            "in config field `allow_origin_regex`, entry 1",
            "`vercel.app`, a public suffix",
            "list the deployment origins with `allow_origins`",
            "anchor the regex on a domain you own",
            "set `dangerously_allow_subdomains_of_public_suffixes = true`",
        ] {
            assert!(text.contains(words), "{words}: {text}");
        }
        assert!(!text.contains("()"), "no builder words: {text}");
        // The opt-in does not cover credentials.
        let opted_in = CorsConfig {
            dangerously_allow_subdomains_of_public_suffixes: true,
            ..config
        };
        assert!(opted_in.clone().build().is_err());
        // Without credentials, the opt-in accepts the risk, and the danger is real.
        let policy = CorsConfig {
            allow_credentials: false,
            ..opted_in
        }
        .build()
        .unwrap();
        assert!(policy
            .check(&CorsRequest::new("https://my-evil-site.vercel.app"))
            .is_allowed());
    }

    #[test]
    fn public_suffix_opt_in_is_a_config_field() {
        let config: CorsConfig = serde_json::from_str(
            r#"{"allow_origins": ["https://*.github.io"],
                "dangerously_allow_subdomains_of_public_suffixes": true}"#,
        )
        .unwrap();
        assert!(config.dangerously_allow_subdomains_of_public_suffixes);
        assert!(!CorsConfig::default().dangerously_allow_subdomains_of_public_suffixes);
        let policy = config.clone().build().unwrap();
        assert!(policy
            .check(&CorsRequest::new("https://anyone.github.io"))
            .is_allowed());
        let without: CorsConfig =
            serde_json::from_str(r#"{"allow_origins": ["https://*.github.io"]}"#).unwrap();
        let text = without.build().unwrap_err().to_string();
        assert!(
            text.contains("set `dangerously_allow_subdomains_of_public_suffixes = true`"),
            "{text}"
        );
    }

    #[test]
    fn star_origins_with_credentials_are_refused_unlike_starlette() {
        let config: CorsConfig =
            serde_json::from_str(r#"{"allow_origins": ["*"], "allow_credentials": true}"#).unwrap();
        let err = config.build().unwrap_err();
        assert_eq!(err.problems(), &[Problem::CredentialedAnyOrigin]);
        let text = err.to_string();
        assert!(text.contains("`allow_origins`"), "{text}");
        assert!(text.contains("`allow_credentials = true`"), "{text}");
        assert!(!text.contains("supports_credentials"), "{text}");
    }

    /// Every problem a `CorsConfig` can have, with the fix in the config's own fields: each
    /// message names the field to change (restated here from the field list of
    /// `CorsConfig`), points at the entry, says what to do, and names no builder call except
    /// the one option a config does not have, on the builder `into_cors()` returns.
    #[test]
    fn every_config_problem_names_the_config_fields_to_change() {
        let cases: &[(&str, &[&str])] = &[
            (
                r#"{"allow_origins": ["*"], "allow_credentials": true}"#,
                &[
                    "`\"*\"` in `allow_origins`",
                    "set `allow_credentials = false`",
                ],
            ),
            (
                r#"{"allow_origins": ["https://a.example"], "allow_null_origin": true, "allow_credentials": true}"#,
                &[
                    "set `allow_null_origin = false`",
                    "set `allow_credentials = false`",
                    "`CorsConfig::into_cors()`",
                ],
            ),
            (
                r#"{"allow_origins": ["https://a.example", "null"]}"#,
                &[
                    "set `allow_null_origin = true`",
                    "field `allow_origins`, entry 2",
                ],
            ),
            (
                r#"{"allow_origins": ["https://a.example/"]}"#,
                &[
                    "write `https://a.example`",
                    "field `allow_origins`, entry 1",
                ],
            ),
            (
                r#"{"allow_origin_regex": "https://.*\\.vercel\\.app"}"#,
                &[
                    "set `dangerously_allow_subdomains_of_public_suffixes = true`",
                    "`allow_origins`",
                ],
            ),
            (
                r#"{"allow_origin_regex": "http://[a-z]+\\.example\\.com", "allow_credentials": true}"#,
                &["set `allow_insecure_credentialed_origins = true`"],
            ),
            (
                r#"{"allow_origin_regex": "https://(x"}"#,
                &["a pattern such as `https://*.example.com` in `allow_origins`"],
            ),
            (
                r#"{"allow_origins": ["https://a.example"], "expose_headers": ["*"], "allow_credentials": true}"#,
                &["`expose_headers`", "`allow_credentials = true`"],
            ),
            (
                r#"{"allow_origins": ["https://*"]}"#,
                &["put `\"*\"` in `allow_origins`"],
            ),
            (
                r#"{"allow_origins": ["https://*.co.uk"]}"#,
                &["set `dangerously_allow_subdomains_of_public_suffixes = true`"],
            ),
            (
                r#"{"allow_origins": ["https://*.amazonaws.com"]}"#,
                &["set `dangerously_allow_subdomains_of_public_suffixes = true`"],
            ),
            (
                r#"{"allow_origins": ["https://app.*.example.com"]}"#,
                &["`allow_origin_regex`"],
            ),
            (
                r#"{"allow_origins": ["https://*.127.0.0.1"]}"#,
                &["list the address with `allow_origins`"],
            ),
            (r#"{"allow_methods": ["GE T"]}"#, &["in `allow_methods`"]),
            (r#"{"allow_methods": ["TRACE"]}"#, &["in `allow_methods`"]),
            (r#"{"allow_methods": ["delete"]}"#, &["in `allow_methods`"]),
            (r#"{"allow_headers": ["x a"]}"#, &["in `allow_headers`"]),
            (r#"{"allow_headers": ["Cookie"]}"#, &["in `allow_headers`"]),
            (r#"{"expose_headers": ["x b"]}"#, &["in `expose_headers`"]),
            (
                r#"{"expose_headers": ["Set-Cookie"]}"#,
                &["in `expose_headers`"],
            ),
            (r#"{"max_age": 90000}"#, &["`max_age`"]),
            (r#"{"preflight_status": 304}"#, &["`preflight_status`"]),
            (
                r#"{"allow_origins": ["http://intranet.corp"], "allow_credentials": true}"#,
                &["set `allow_insecure_credentialed_origins = true`"],
            ),
            (
                r#"{"allow_origins": ["*"], "allow_private_network": true}"#,
                &[
                    "`\"*\"` in `allow_origins`",
                    "set `allow_private_network = false`",
                ],
            ),
            (
                r#"{"allow_origins": ["https://a.example"], "allow_null_origin": true, "allow_private_network": true}"#,
                &[
                    "set `allow_null_origin = false`",
                    "set `allow_private_network = false`",
                ],
            ),
            (
                r#"{"allow_origins": ["http://intranet.corp"], "allow_private_network": true}"#,
                &[
                    "`allow_private_network = true`",
                    "set `allow_insecure_credentialed_origins = true`",
                ],
            ),
            (
                r#"{"allow_origin_regex": "http://[a-z]+\\.example\\.com", "allow_private_network": true}"#,
                &[
                    "field `allow_origin_regex`, entry 1",
                    "`allow_private_network = true`",
                ],
            ),
        ];
        for (json, fixes) in cases {
            let config: CorsConfig = serde_json::from_str(json).unwrap();
            let err = config.build().unwrap_err();
            let [_] = err.problems() else {
                panic!("{json}: one problem expected: {err}")
            };
            let text = err.to_string();
            let message = text
                .strip_prefix("invalid CORS config: ")
                .unwrap_or_else(|| panic!("{json}: {text}"));
            assert!(
                crate::config::fix_hints::says_what_to_do(message),
                "{json}: {message}"
            );
            for fix in *fixes {
                assert!(message.contains(fix), "{json}: no {fix:?} in {message}");
            }
            assert!(!message.contains("(in code)"), "{json}: {message}");
            // A builder call is named only for what no config field has.
            for after_call in message.split("`.").skip(1) {
                let end = after_call.find('`').unwrap();
                assert!(
                    after_call[end..]
                        .starts_with("` on the builder from `CorsConfig::into_cors()`"),
                    "{json}: a builder call in {message}"
                );
            }
        }
    }

    #[test]
    fn other_settings_are_validated_like_the_builder() {
        let config: CorsConfig = serde_json::from_str(
            r#"{"allow_methods": ["TRACE"], "allow_headers": ["bad header"], "max_age": 100000}"#,
        )
        .unwrap();
        let err = config.build().unwrap_err();
        assert!(err.problems().contains(&Problem::ForbiddenMethod {
            value: "TRACE".into()
        }));
        assert!(err
            .problems()
            .contains(&Problem::MaxAgeTooLong { seconds: 100_000 }));
        assert!(err.problems().iter().any(
            |p| matches!(p, Problem::InvalidHeaderName { value, .. } if value == "bad header")
        ));
    }

    #[test]
    fn json_null_max_age_omits_the_header() {
        let config: CorsConfig =
            serde_json::from_str(r#"{"allow_origins": ["https://a.example"], "max_age": null, "allow_origin_regex": null}"#)
                .unwrap();
        let policy = config.into_cors().build().unwrap();
        let d = policy.check(&CorsRequest::preflight("https://a.example", "GET"));
        assert!(d.is_allowed());
        assert_eq!(d.header(header::ACCESS_CONTROL_MAX_AGE), None);
    }

    #[test]
    fn deserialization_errors_name_the_field_or_the_position() {
        // A misspelt field is refused, not ignored.
        let err = toml::from_str::<CorsConfig>(r#"allow_origin = ["https://a.example"]"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown field `allow_origin`"), "{err}");
        assert!(err.contains("allow_origins"), "{err}");
        assert!(err.contains("line 1"), "{err}");

        // A wrong type: TOML shows the offending line, JSON the position.
        let err = toml::from_str::<CorsConfig>("max_age = 10\nallow_credentials = \"yes\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("allow_credentials"), "{err}");
        assert!(err.contains("line 2"), "{err}");
        let err = serde_json::from_str::<CorsConfig>(r#"{"allow_origins": 5}"#)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("a list of strings or one comma-separated string"),
            "{err}"
        );
        assert!(err.contains("line 1 column"), "{err}");
        let err = serde_json::from_str::<CorsConfig>(r#"{"allow_origins": ["a", 5]}"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("expected a string"), "{err}");
    }
}

#[test]
fn an_env_var_that_is_set_but_empty_counts_as_missing() {
    let problems = env::with_var("CORSAIR_TEST_EMPTY_ORIGINS", " , ", || {
        corsair::Cors::default()
            .allowed_origins_from_env("CORSAIR_TEST_EMPTY_ORIGINS")
            .build()
            .unwrap_err()
            .into_problems()
    });
    assert_eq!(
        problems,
        [corsair::Problem::MissingEnvVar {
            var: "CORSAIR_TEST_EMPTY_ORIGINS".into()
        }]
    );
    assert!(problems[0]
        .to_string()
        .contains("is not set, empty, or not valid Unicode"));
}

// ---------------------------------------------------------------------------------------------
// toml: CorsConfig::from_toml_file, and the regex example of docs/fastapi.md
// ---------------------------------------------------------------------------------------------

#[cfg(feature = "toml")]
mod toml_config {
    use super::*;
    use corsair::CorsConfig;

    const FASTAPI_DOC: &str = include_str!("../../../docs/fastapi.md");

    /// The fenced block of `lang` that comes first after `marker` in docs/fastapi.md.
    fn doc_block(marker: &str, lang: &str) -> &'static str {
        let at = FASTAPI_DOC
            .find(marker)
            .unwrap_or_else(|| panic!("docs/fastapi.md no longer contains {marker:?}"));
        let fence = format!("```{lang}\n");
        let start = at + FASTAPI_DOC[at..].find(&fence).expect("a block") + fence.len();
        let len = FASTAPI_DOC[start..].find("```").expect("closing fence");
        &FASTAPI_DOC[start..start + len]
    }

    /// A fresh directory under the target dir, for one test's files.
    fn scratch_dir(name: &str) -> std::path::PathBuf {
        let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("toml-config-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn the_fastapi_doc_regex_loads_from_a_literal_string_and_the_basic_string_error_is_the_one_shown(
    ) {
        let python = doc_block("<!-- fastapi-regex:begin -->", "python");
        let toml_text = doc_block("<!-- fastapi-regex:begin -->", "toml");
        // The regex is the Python raw string's text, unchanged, between single quotes.
        let raw = python
            .split("allow_origin_regex=r\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("allow_origin_regex=r\"...\" in the Python block");
        let regex_line = format!("allow_origin_regex = '{raw}'");
        assert!(toml_text.lines().any(|l| l == regex_line), "{toml_text}");

        let dir = scratch_dir("doc");
        let path = dir.join("cors.toml");
        std::fs::write(&path, toml_text).unwrap();
        let config = CorsConfig::from_toml_file(&path).expect("the doc's TOML loads");
        assert_eq!(config.allow_origin_regex.as_deref(), Some(raw));
        assert!(config.allow_credentials);
        let policy = config.build().expect("the doc's config builds");
        // Starlette matches the regex against the whole origin (`re.fullmatch`).
        for (origin, allowed) in [
            ("https://pr-7.preview.example.com", true),
            ("https://app.example.com", true),
            ("https://pr-7.preview.example.com.evil.net", false),
            ("https://pr-7.previewXexample.com", false),
            ("http://pr-7.preview.example.com", false),
        ] {
            assert_eq!(
                policy.check(&CorsRequest::new(origin)).is_allowed(),
                allowed,
                "{origin}"
            );
        }

        // The same line in double quotes: the error the doc shows, word for word.
        let basic = toml_text.replace(&regex_line, &format!("allow_origin_regex = \"{raw}\""));
        assert_ne!(basic, toml_text);
        std::fs::write(&path, &basic).unwrap();
        let err = CorsConfig::from_toml_file(&path).unwrap_err();
        let shown = doc_block("the error shows the line and the fix:", "text");
        let shown_without_file = shown.replacen("config cors.toml:", "config:", 1);
        assert_eq!(
            format!("{}\n", CorsConfig::from_toml_str(&basic).unwrap_err()),
            shown_without_file
        );
        assert_eq!(
            format!("{err}\n"),
            shown.replacen("cors.toml", &path.display().to_string(), 1)
        );
        assert_eq!((err.line(), err.file()), (Some(2), Some(path.as_path())));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn from_toml_file_names_the_file_it_cannot_read() {
        let dir = scratch_dir("missing");
        let path = dir.join("absent.toml");
        let err = CorsConfig::from_toml_file(&path).unwrap_err();
        let text = err.to_string();
        assert!(
            text.starts_with(&format!("cannot read CORS config {}: ", path.display())),
            "{text}"
        );
        assert_eq!(err.line(), None);
        // `?` in a `main` returning `Result` prints `Debug`: the same text, not a struct dump.
        assert_eq!(format!("{err:?}"), text);
        assert!(std::error::Error::source(&err).is_some());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_misspelt_field_in_a_file_names_file_line_and_column() {
        let dir = scratch_dir("field");
        let path = dir.join("cors.toml");
        std::fs::write(
            &path,
            "allow_origins = [\"https://a.example\"]\nallow_credential = true\n",
        )
        .unwrap();
        let err = CorsConfig::from_toml_file(&path).unwrap_err();
        let text = format!("{err:?}");
        assert!(
            text.starts_with(&format!(
                "cannot load CORS config {}: line 2, column 1: unknown field `allow_credential`",
                path.display()
            )),
            "{text}"
        );
        assert!(text.contains("`allow_credentials`"), "{text}");
        assert!(
            text.contains("\n  2 | allow_credential = true\n    | ^"),
            "{text}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
