//! `examples/misconfigured.rs --wrap` passes an invalid builder straight to `.wrap()` in a
//! two-worker server with no logger installed. Run as a subprocess, its standard error must
//! name every problem, once, and the process must fail.
//!
//! The example binary is the one `cargo test` builds next to this test (it builds every
//! example); run `cargo build --example misconfigured` first when running this test alone.

use std::{path::PathBuf, process::Command};

fn example_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    // target/<profile>/deps/<test> -> target/<profile>/examples/misconfigured
    let dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target dir");
    let bin = dir
        .join("examples")
        .join(format!("misconfigured{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.exists(),
        "{} not found: run `cargo test` (which builds the examples) or `cargo build --example misconfigured`",
        bin.display()
    );
    bin
}

#[test]
fn an_invalid_builder_given_to_wrap_prints_every_problem_once_without_a_logger() {
    let out = Command::new(example_binary())
        .arg("--wrap")
        .env_remove("RUST_LOG")
        .output()
        .expect("the example runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "the server must not start; stderr:\n{stderr}"
    );
    // Each problem, named by the value the user wrote (restated here, not taken from src/).
    for needle in [
        "`https://app.example.com/`",
        "`app.example.com`",
        "`https://api.example.com:443`",
        "`TRACE`",
        "604800",
    ] {
        assert_eq!(
            stderr.matches(needle).count(),
            1,
            "{needle} should be named exactly once on stderr:\n{stderr}"
        );
    }
    assert_eq!(
        stderr.matches("corsair: refusing to start").count(),
        1,
        "one report for two workers:\n{stderr}"
    );
}

/// The README's "Misconfiguration is found at start-up" shows this example's output: it must
/// be what the example prints today, line for line.
#[test]
fn the_readme_shows_what_the_example_prints() {
    let out = Command::new(example_binary())
        .env_remove("RUST_LOG")
        .output()
        .expect("the example runs");
    assert!(!out.status.success(), "an invalid policy fails `main`");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let section = readme
        .split("cargo run --example misconfigured\n```\n\n```text\n")
        .nth(1)
        .expect("the README shows `cargo run --example misconfigured` and its output");
    let shown = &section[..section.find("```").expect("end of the output block")];
    assert_eq!(
        shown, stderr,
        "README sample vs. the example's standard error"
    );
}
