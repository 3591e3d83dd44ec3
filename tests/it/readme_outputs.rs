//! The README's sample outputs come from the commands shown beside them.
//!
//! Each test reads the README, takes the commands it shows, replays them against the
//! example's own code (the example files are compiled in here as modules), and compares what
//! comes out with the README's output block, line by line.

use crate::common::{env, logs};
use actix_web::{
    http::{header, Method},
    test::{self as atest, TestRequest},
    web, App, HttpResponse,
};

#[allow(dead_code, unused_imports)]
#[path = "../../examples/from_env.rs"]
mod from_env;

#[allow(dead_code, unused_imports)]
#[path = "../../examples/reload.rs"]
mod reload;

/// The roll-out example, loaded once for the binary (by `rollout::report_only`).
use crate::rollout::report_only::example as rollout;

const README: &str = include_str!("../../README.md");

/// The fenced block (```` ```lang ````) that comes first after `marker`, without its fences.
fn block_after(marker: &str, lang: &str) -> &'static str {
    let at = README
        .find(marker)
        .unwrap_or_else(|| panic!("README no longer contains {marker:?}"));
    let fence = format!("```{lang}\n");
    let start = at
        + README[at..]
            .find(&fence)
            .unwrap_or_else(|| panic!("no ```{lang} block after {marker:?}"))
        + fence.len();
    let len = README[start..].find("```").expect("closing fence");
    &README[start..start + len]
}

/// The rest of the fenced block in which `marker` starts a line, from `marker` on.
fn block_from(marker: &str) -> &'static str {
    let start = README
        .find(&format!("\n{marker}"))
        .unwrap_or_else(|| panic!("README no longer contains {marker:?}"))
        + 1;
    let len = README[start..].find("```").expect("closing fence");
    &README[start..start + len]
}

/// The log records made on this thread after the `from`-th, formatted as `env_logger` prints
/// them without timestamps: `[LEVEL target] message`.
fn formatted_lines_since(from: usize) -> Vec<String> {
    let here = std::thread::current().id();
    logs::lines()[from..]
        .iter()
        .filter(|l| l.thread == here)
        .map(|l| format!("[{:<5} {}] {}", l.level, l.target, l.message))
        .collect()
}

/// One `curl` command line of the README, as a test request.
fn request_from_curl(line: &str) -> TestRequest {
    // Split on the single quotes: outside them are flags, inside them header values.
    let mut req = TestRequest::default();
    let mut method = Method::GET;
    let mut expect_header = false;
    let mut words = Vec::new();
    for (i, part) in line.split('\'').enumerate() {
        if i % 2 == 1 {
            words.push(part.to_owned());
        } else {
            words.extend(part.split_whitespace().map(str::to_owned));
        }
    }
    let mut iter = words.into_iter().skip(1); // `curl`
    while let Some(word) = iter.next() {
        if expect_header {
            let (name, value) = word.split_once(": ").expect("-H 'Name: value'");
            req = req.insert_header((name.to_owned(), value.to_owned()));
            expect_header = false;
        } else if word == "-H" {
            expect_header = true;
        } else if word == "-X" {
            method = iter.next().expect("-X METHOD").parse().expect("a method");
        } else if word == "-i" {
            // headers in the output: nothing to replay
        } else {
            let path = &word[word.find('/').expect("host/path")..];
            req = req.uri(path);
        }
    }
    req.method(method)
}

#[actix_rt::test]
async fn diagnostics_lines_are_what_the_from_env_example_logs_for_the_curl_commands_shown() {
    logs::capture_logs();
    // The example with its default origins, as `cargo run --example from_env` starts it.
    let policy = env::without_var("ALLOWED_ORIGINS", || {
        from_env::policy()
            .build()
            .expect("the example's policy builds")
    });
    let app = atest::init_service(
        App::new()
            .wrap(policy)
            .route("/api/items", web::get().to(HttpResponse::Ok)),
    )
    .await;

    let commands = block_from("cargo run --example from_env\n# in another terminal");
    let curls: Vec<_> = commands
        .lines()
        .filter(|l| l.starts_with("curl "))
        .collect();
    assert_eq!(curls.len(), 4, "{commands}");
    let from = logs::lines().len();
    for curl in &curls {
        let res = atest::call_service(&app, request_from_curl(curl).to_request()).await;
        // Each of these requests is refused: no `Access-Control-Allow-Origin`.
        assert!(
            !res.headers()
                .contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN),
            "{curl}"
        );
    }
    let logged: Vec<String> = formatted_lines_since(from)
        .into_iter()
        // Only this example's requests (all from localhost): other tests of this binary run
        // servers in parallel and log through the same logger.
        .filter(|l| l.starts_with("[DEBUG corsair") && l.contains("from `http"))
        .filter(|l| l.contains("://localhost:"))
        .collect();
    let shown: Vec<&str> = block_after("The server's terminal, after its start-up lines:", "text")
        .lines()
        .collect();
    assert_eq!(logged, shown, "README's Diagnostics output is stale");
}

#[test]
fn reload_refusal_is_what_admin_reload_answers_for_the_lines_shown() {
    let commands = block_from("echo \"https://staging.example.com\" >> cors-origins.txt");
    // The starter file, plus each `echo "..." >> cors-origins.txt` line.
    let mut text = reload::STARTER.to_owned();
    for line in commands.lines().filter(|l| l.starts_with("echo ")) {
        let entry = line.split('"').nth(1).expect("echo \"entry\"");
        assert!(line.contains(">> cors-origins.txt"), "{line}");
        text.push_str(entry);
        text.push('\n');
    }
    assert!(
        commands.contains("curl -X POST http://127.0.0.1:8000/admin/reload"),
        "{commands}"
    );
    // The comments beside the commands give the line numbers; they must be right too.
    for (line_no, entry) in text.lines().enumerate() {
        if let Some(cmd) = commands
            .lines()
            .find(|l| l.contains(&format!("\"{entry}\"")))
        {
            assert!(
                cmd.ends_with(&format!("line {}", line_no + 1))
                    || cmd.contains(&format!("line {} ", line_no + 1)),
                "{cmd:?} is line {}",
                line_no + 1
            );
        }
    }
    let file = reload::OriginsFile {
        file: "cors-origins.txt".into(),
    };
    let err = file
        .policy(&text)
        .build()
        .expect_err("the README's file is invalid");
    let shown = block_after(
        "curl -X POST http://127.0.0.1:8000/admin/reload\n```",
        "text",
    );
    assert_eq!(reload::problems_text(&err), shown);
}

/// One `$ curl ...` line of the README, replayed over TCP against `base` (the README's
/// `http://127.0.0.1:8000` replaced): what curl prints.
async fn run_curl(client: &awc::Client, line: &str, base: &str) -> String {
    let line = line.replace("http://127.0.0.1:8000", base);
    let (command, first_line_only) = match line.strip_suffix(" | head -1") {
        Some(command) => (command.to_owned(), true),
        None => (line.clone(), false),
    };
    // Outside single quotes: flags and the URL; inside: a header or the body.
    let mut words = Vec::new();
    for (i, part) in command.split('\'').enumerate() {
        if i % 2 == 1 {
            words.push(part.to_owned());
        } else {
            words.extend(part.split_whitespace().map(str::to_owned));
        }
    }
    let (mut method, mut url, mut body, mut show_head) = (None, None, None, false);
    let mut headers = Vec::new();
    let mut iter = words.into_iter();
    assert_eq!(iter.next().as_deref(), Some("curl"), "{line}");
    while let Some(word) = iter.next() {
        match word.as_str() {
            "-X" => method = Some(iter.next().expect("-X METHOD")),
            "-H" => headers.push(iter.next().expect("-H 'Name: value'")),
            "-d" => body = Some(iter.next().expect("-d 'body'")),
            "-si" | "-is" | "-i" => show_head = true,
            "-s" => {}
            other if other.starts_with("http://") => url = Some(other.to_owned()),
            other => panic!("{line}: the test does not know curl's `{other}`"),
        }
    }
    // As curl: `-d` without `-X` is a POST.
    let method = method.unwrap_or_else(|| if body.is_some() { "POST" } else { "GET" }.into());
    let mut req = client.request(method.parse().unwrap(), url.expect("a URL"));
    for h in &headers {
        let (name, value) = h.split_once(": ").expect("Name: value");
        req = req.insert_header((name, value));
    }
    let mut res = req
        .send_body(body.unwrap_or_default())
        .await
        .unwrap_or_else(|e| panic!("{line}: {e}"));
    let status = res.status();
    let text = String::from_utf8(res.body().await.unwrap().to_vec()).unwrap();
    match (show_head, first_line_only) {
        (true, true) => format!(
            "HTTP/1.1 {} {}\n",
            status.as_u16(),
            status.canonical_reason().unwrap_or_default()
        ),
        (false, false) => text,
        _ => panic!("{line}: the test replays `curl` and `curl -si .. | head -1` only"),
    }
}

#[actix_rt::test]
async fn rollout_steps_print_what_the_readme_shows_and_match_the_examples_walkthrough() {
    let block = block_after("`cargo run --example rollout` runs these steps", "console");
    // Each `$ ` command, with the lines it prints (up to the next command or `#` comment).
    let mut steps: Vec<(&str, Vec<&str>)> = Vec::new();
    let mut in_output = false;
    for line in block.lines() {
        if let Some(command) = line.strip_prefix("$ ") {
            steps.push((command, Vec::new()));
            in_output = true;
        } else if line.starts_with('#') {
            in_output = false;
        } else if in_output {
            steps.last_mut().unwrap().1.push(line);
        }
    }
    assert!(steps.len() >= 8, "{block}");

    // The example as `cargo run --example rollout` starts it, on a free port.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let live = rollout::live_policy(rollout::FIRST_CANDIDATE);
    let server = rollout::server(live, listener).unwrap();
    let handle = server.handle();
    actix_rt::spawn(server);

    // The commands the example prints at start-up are the README's, in the same order.
    let printed = rollout::walkthrough("http://127.0.0.1:8000", rollout::FIRST_CANDIDATE);
    let mut readme_commands = steps.iter().map(|(c, _)| *c);
    for command in printed
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("curl "))
    {
        assert!(
            readme_commands.any(|c| c == command),
            "the example prints `{command}`, which the README does not show (in this order)"
        );
    }

    let client = awc::Client::default();
    for (command, shown) in &steps {
        let printed = run_curl(&client, command, &base).await;
        let expected = if shown.is_empty() {
            String::new()
        } else {
            format!("{}\n", shown.join("\n"))
        };
        assert_eq!(printed, expected, "README's output of `{command}` is stale");
    }
    handle.stop(true).await;
}
