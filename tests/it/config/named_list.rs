//! `allowed_origins_list_from`: an origin list with a name (usually a file) whose errors point
//! at the name and the line.

use corsair::{Cors, CorsRequest, Problem, Source};

fn named(line: usize) -> Source {
    Source::Named {
        name: "cors-origins.txt".into(),
        line,
    }
}

fn sources(err: &corsair::ConfigError) -> Vec<Source> {
    err.problems()
        .iter()
        .map(|p| match p {
            Problem::InvalidOrigin { source, .. }
            | Problem::InvalidPattern { source, .. }
            | Problem::PatternTooBroad { source, .. } => source.clone(),
            other => panic!("unexpected problem: {other}"),
        })
        .collect()
}

#[test]
fn every_bad_entry_is_blamed_on_its_line_with_comments_and_blank_lines_counted() {
    let text = "# allowed origins\n\
                \n\
                http://localhost:5173   # the dev server\n\
                https://app.example.com, app.example.com/\n\
                https://*.co.uk\n";
    let err = Cors::default()
        .allowed_origins_list_from("cors-origins.txt", text)
        .build()
        .unwrap_err();
    assert_eq!(sources(&err), vec![named(4), named(5)]);
    let text = err.to_string();
    assert!(
        text.contains("`app.example.com/` (in cors-origins.txt, line 4)"),
        "{text}"
    );
    assert!(text.contains("(in cors-origins.txt, line 5)"), "{text}");
}

#[test]
fn entries_on_one_line_patterns_and_comments_are_read_like_a_list() {
    let policy = Cors::default()
        .allowed_origins_list_from(
            "origins",
            "http://localhost:5173, https://*.preview.example.com # not https://evil.example\n",
        )
        .build()
        .unwrap();
    let allowed = |o: &str| policy.check(&CorsRequest::new(o)).is_allowed();
    assert!(allowed("http://localhost:5173"));
    assert!(allowed("https://pr-1.preview.example.com"));
    assert!(
        !allowed("https://evil.example"),
        "a comment is not an entry"
    );
    assert!(!allowed("https://preview.example.com"));
}

#[test]
fn a_lone_star_is_refused_naming_the_line() {
    // Not "every origin": actix-cors refuses `allowed_origin("*")`, and so does corsair,
    // wherever origins are listed.
    let err = Cors::default()
        .allowed_origins_list_from("cors-origins.txt", "https://app.example.com\n*\n")
        .build()
        .unwrap_err();
    assert_eq!(sources(&err), [named(2)]);
    assert!(matches!(
        err.problems(),
        [Problem::InvalidOrigin {
            fault: corsair::OriginFault::AnyOrigin,
            ..
        }]
    ));
}

#[test]
fn an_empty_text_allows_no_origin() {
    let policy = Cors::default()
        .allowed_origins_list_from("origins", "# nothing yet\n\n")
        .build()
        .unwrap();
    assert!(!policy
        .check(&CorsRequest::new("http://localhost:5173"))
        .is_allowed());
}
