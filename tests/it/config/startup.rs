//! Misconfiguration is found when the app starts, never at request time: `build()` reports
//! every problem at once, and an invalid builder given to `.wrap()` fails service construction.

use actix_service::{IntoServiceFactory, ServiceFactory};
use actix_web::{
    dev::{AppConfig, ServiceRequest, ServiceResponse},
    web, App, HttpResponse,
};
use corsair::{Cors, OriginFault, Problem};

use crate::common::env;

/// Constructs the app's service the way the server does, reporting whether it started.
async fn start<T, B>(app: App<T>) -> Result<(), ()>
where
    T: ServiceFactory<
            ServiceRequest,
            Config = (),
            Response = ServiceResponse<B>,
            Error = actix_web::Error,
            InitError = (),
        > + 'static,
    B: actix_web::body::MessageBody + 'static,
{
    app.into_factory()
        .new_service(AppConfig::default())
        .await
        .map(drop)
}

/// One policy with a problem in each of the builder's calls.
fn broken() -> Cors {
    Cors::default()
        .allowed_origin("https://app.com/")
        .allowed_origin("app.com")
        .allowed_origin("https://a.com:443")
        .allowed_origin("https://App.com")
        .allowed_origin_pattern("https://*.co.uk")
        .allowed_methods(["GET", "TRACE", "get"])
        .allowed_headers(["Cookie", "bad header"])
        .expose_headers(["Set-Cookie"])
        .max_age(90_000)
        .supports_credentials()
        .send_wildcard()
}

/// Every problem, in a stable order: origins and patterns, values that did not convert, each
/// list in the order written, the combinations, then max-age.
#[test]
fn build_reports_every_problem_at_once_in_order() {
    let err = broken().build().unwrap_err();
    let problems = err.problems();
    assert!(
        matches!(
            problems,
            [
                Problem::InvalidOrigin {
                    fault: OriginFault::TrailingSlash { .. },
                    ..
                },
                Problem::InvalidOrigin {
                    fault: OriginFault::MissingScheme { .. },
                    ..
                },
                Problem::InvalidOrigin {
                    fault: OriginFault::DefaultPort { port: 443, .. },
                    ..
                },
                Problem::InvalidOrigin {
                    fault: OriginFault::Uppercase { .. },
                    ..
                },
                Problem::PatternTooBroad { .. },
                Problem::Unconvertible {
                    call: "allowed_headers",
                    position: 2,
                    ..
                },
                Problem::ForbiddenMethod { .. },
                Problem::LowercaseMethod { .. },
                Problem::ForbiddenRequestHeader { .. },
                Problem::ForbiddenExposedHeader { .. },
                Problem::CredentialedWildcard,
                Problem::WildcardWithoutAnyOrigin,
                Problem::MaxAgeTooLong { seconds: 90_000 },
            ]
        ),
        "{problems:#?}"
    );
}

#[test]
fn the_message_reads_well_from_main() {
    let text = format!("{:?}", broken().build().unwrap_err());
    assert!(
        text.starts_with("invalid CORS policy, 13 problems:\n  1. origin `https://app.com/`"),
        "{text}"
    );
    assert!(text.contains("write `https://app.com`"));
    assert!(text.contains("write `https://a.com`"));
    assert!(text.contains("Chromium at 2 h"));
    // One line per problem, numbered.
    assert_eq!(text.lines().count(), 14, "{text}");
    for i in 1..=13 {
        assert!(text.contains(&format!("\n  {i}. ")), "{text}");
    }
}

#[actix_rt::test]
async fn invalid_builder_passed_to_wrap_fails_app_construction() {
    let result = start(
        App::new()
            .wrap(broken())
            .route("/", web::get().to(HttpResponse::Ok)),
    )
    .await;
    assert!(result.is_err());
}

#[actix_rt::test]
async fn invalid_builder_in_a_scope_fails_app_construction_too() {
    let result = start(
        App::new().service(
            web::scope("/api")
                .wrap(Cors::default().allow_any_origin().supports_credentials())
                .route("/", web::get().to(HttpResponse::Ok)),
        ),
    )
    .await;
    assert!(result.is_err());
}

#[test]
fn contradictions_are_errors_not_silent_choices() {
    let p = Cors::default()
        .allow_any_origin()
        .allowed_origin("https://a.com")
        .allowed_origin_fn(|_, _| true)
        .build()
        .unwrap_err()
        .into_problems();
    assert_eq!(
        p,
        [
            // Restated: the rules `allow_any_origin` conflicts with, as the error names them.
            Problem::AnyOriginConflict {
                with: corsair::OriginRules::List
            },
            Problem::AnyOriginConflict {
                with: corsair::OriginRules::Predicate
            },
        ]
    );
}

#[test]
fn expose_any_with_credentials_is_an_error() {
    let p = Cors::default()
        .allowed_origin("https://a.com")
        .expose_any_header()
        .supports_credentials()
        .build()
        .unwrap_err()
        .into_problems();
    assert_eq!(p, [Problem::CredentialedExposeAny]);
}

#[test]
fn star_inside_an_origin_points_to_the_pattern_api() {
    let text = Cors::default()
        .allowed_origin("https://*.a.com")
        .build()
        .unwrap_err()
        .to_string();
    assert!(
        text.contains(".allowed_origin_pattern(\"https://*.a.com\")"),
        "{text}"
    );
}

#[test]
fn null_origin_needs_an_explicit_opt_in() {
    assert!(Cors::default().allowed_origin("null").build().is_err());
    assert!(Cors::default()
        .allow_null_origin()
        .allowed_origin("null")
        .build()
        .is_ok());
}

#[test]
fn lowercase_method_names_the_uppercase_fix() {
    for (written, browsers_send) in [("get", "GET"), ("delete", "DELETE"), ("Put", "PUT")] {
        let p = Cors::default()
            .allowed_methods([written])
            .build()
            .unwrap_err()
            .into_problems();
        assert_eq!(
            p,
            [Problem::LowercaseMethod {
                value: written.into(),
                suggestion: browsers_send.into()
            }]
        );
    }
}

#[test]
fn permissive_then_listing_origins_narrows_instead_of_conflicting() {
    let policy = Cors::permissive()
        .allowed_origin("https://a.com")
        .build()
        .unwrap();
    assert!(policy
        .check(&corsair::CorsRequest::new("https://a.com"))
        .is_allowed());
    assert!(!policy
        .check(&corsair::CorsRequest::new("https://b.com"))
        .is_allowed());
}

#[test]
fn origins_from_the_environment_are_read_when_the_policy_is_built() {
    let var = "CORSAIR_STARTUP_READ_AT_BUILD";
    // The builder call comes first, while the variable is unset (so a builder that read it
    // then would fail the build below)...
    let cors = env::without_var(var, || Cors::default().allowed_origins_from_env(var));
    // ...then set after the builder call, before the build: the build sees it.
    let policy = env::with_var(var, "https://late.example", || {
        cors.clone().build().expect("the variable is set by now")
    });
    assert!(policy
        .check(&corsair::CorsRequest::new("https://late.example"))
        .is_allowed());
    // A later build of the same builder reads the variable again.
    let err = env::without_var(var, || cors.build().unwrap_err());
    assert_eq!(
        err.problems(),
        &[corsair::Problem::MissingEnvVar { var: var.into() }]
    );
}
