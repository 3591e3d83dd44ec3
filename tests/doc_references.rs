//! The README, SECURITY.md and the topic files under docs/ point at tests as evidence: "(tested: tests/x.rs `name`)".
//! A reference to a test that was renamed, moved or deleted is a promise without evidence.
//! These tests read the documents and check, mechanically, that every referenced file exists
//! and that every test named in a `(tested: …)` note is a test function of the file named
//! in that note (or, when the note names no file, of the file named last before it).

use std::path::Path;

const DOCS: [&str; 10] = [
    "README.md",
    "SECURITY.md",
    // Topic files the README links to for detail; their notes are promises too.
    "docs/configuration.md",
    "docs/demo.md",
    "docs/fastapi.md",
    "docs/origins.md",
    "docs/rollout.md",
    "docs/testing.md",
    "docs/wire.md",
    "docs/csrf.md",
];

fn read(path: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(root.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Every `tests/<path>.rs` in `text` (`<path>` may name folders: `tests/it/wire/actual.rs`), in
/// order, with its byte offset.
fn test_files(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find("tests/") {
        let start = from + i;
        let rest = &text[start + "tests/".len()..];
        let len = rest
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'/')
            .count();
        if rest[len..].starts_with(".rs") {
            out.push((start, format!("tests/{}.rs", &rest[..len])));
        }
        from = start + "tests/".len();
    }
    out
}

/// `(file, test name)` for every name in every `(tested: …)` note of `text`.
fn tested_notes(doc: &str, text: &str) -> Vec<(String, String)> {
    let files = test_files(text);
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find("(tested:") {
        let start = from + i;
        let end = start
            + text[start..]
                .find(')')
                .expect("a `(tested:` note is closed");
        // The file in force at the start of the note: the last one named before it.
        let mut file = files
            .iter()
            .rev()
            .find(|(at, _)| *at < start)
            .map(|(_, f)| f.clone());
        let note = &text[start..end];
        // Walk the note: a `tests/x.rs` switches the file, a `name` is a test of that file.
        let mut rest = note;
        loop {
            let next_file = rest.find("tests/");
            let next_name = rest.find('`');
            match (next_file, next_name) {
                (Some(f), n) if n.is_none_or(|n| f < n) => match test_files(&rest[f..]).first() {
                    Some((0, name)) => {
                        file = Some(name.clone());
                        rest = &rest[f + name.len()..];
                    }
                    _ => rest = &rest[f + "tests/".len()..],
                },
                (_, Some(n)) => {
                    let after = &rest[n + 1..];
                    let close = after.find('`').expect("backticks are paired in a note");
                    let name = &after[..close];
                    let file = file
                        .clone()
                        .unwrap_or_else(|| panic!("{doc}: note `{note}` names no file"));
                    out.push((file, name.to_owned()));
                    rest = &after[close + 1..];
                }
                _ => break,
            }
        }
        from = end;
    }
    out
}

/// True if `source` defines `name` as a test function (any `#[..test]` attribute above it).
fn defines_test(source: &str, name: &str) -> bool {
    let needle = format!("fn {name}(");
    let Some(at) = source.find(&needle) else {
        return false;
    };
    let before = &source[..at];
    // The attribute block right above the function.
    let attrs: Vec<&str> = before
        .lines()
        .rev()
        .skip(1) // the (partial) line holding `async fn` / `fn`
        .take_while(|l| {
            let l = l.trim();
            l.starts_with("#[") || l.starts_with("///") || l.starts_with("//")
        })
        .collect();
    let line = before.lines().last().unwrap_or("");
    let attr_on_line = line.contains("test]");
    attr_on_line
        || attrs
            .iter()
            .any(|a| a.contains("test]") || a.contains("test("))
}

#[test]
fn every_test_file_the_docs_name_exists() {
    for doc in DOCS {
        let text = read(doc);
        let files = test_files(&text);
        assert!(
            !files.is_empty(),
            "{doc} names no test file: parser broken?"
        );
        for (_, file) in files {
            assert!(
                Path::new(env!("CARGO_MANIFEST_DIR")).join(&file).is_file(),
                "{doc} names `{file}`, which does not exist"
            );
        }
    }
}

#[test]
fn every_test_named_in_a_tested_note_exists_in_the_file_named() {
    let mut checked = 0;
    for doc in DOCS {
        let text = read(doc);
        for (file, name) in tested_notes(doc, &text) {
            let source = read(&file);
            assert!(
                defines_test(&source, &name),
                "{doc}: `(tested: {file} `{name}`)` but {file} has no test `{name}`"
            );
            checked += 1;
        }
    }
    // The README and SECURITY.md carry well over a dozen notes; finding none means the
    // parser, not the documents, is broken.
    assert!(checked >= 15, "only {checked} test references found");
}

#[test]
fn the_reference_checker_rejects_a_missing_test_and_accepts_a_real_one() {
    // The checker itself must be able to fail.
    let notes = tested_notes(
        "sample",
        "x (tested: tests/doc_references.rs `no_such_test`, `every_test_file_the_docs_name_exists`) \
         y (tested: `the_reference_checker_rejects_a_missing_test_and_accepts_a_real_one`)",
    );
    assert_eq!(notes.len(), 3, "{notes:?}");
    let source = read("tests/doc_references.rs");
    assert!(notes.iter().all(|(f, _)| f == "tests/doc_references.rs"));
    assert!(!defines_test(&source, &notes[0].1));
    assert!(defines_test(&source, &notes[1].1));
    assert!(defines_test(&source, &notes[2].1));
    // A helper function is not a test.
    assert!(!defines_test(&source, "tested_notes"));
    // A path through folders is one file; a folder alone is none.
    assert_eq!(
        test_files("see tests/it/wire/actual.rs, tests/it/ and tests/x.rs."),
        vec![
            (4, "tests/it/wire/actual.rs".to_owned()),
            (43, "tests/x.rs".to_owned())
        ]
    );
}
