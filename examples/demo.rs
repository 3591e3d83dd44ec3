//! A frontend and an API, like a real project, to watch CORS in a browser.
//!
//! ```text
//! cargo run --example demo
//! ```
//!
//! - the page ("frontend", as a Vite dev server would) on `http://localhost:5173`
//!   (env `FRONTEND_PORT`);
//! - the API on `http://localhost:8000` (env `API_PORT`), protected by corsair, allowing the
//!   page's origin `http://localhost:5173` with credentials.
//!
//! Open `http://localhost:5173` in a browser: the page runs a series of cross-origin `fetch`
//! calls and shows what the browser let JavaScript see. The same page is also loaded from
//! `http://127.0.0.1:5173` (a different origin, not allowed) in a hidden iframe to show how a
//! refused origin fails. Each time the page finishes, its results are printed here too.
//!
//! The terminal shows every request the API received and, through `env_logger`, corsair's
//! reason for each refusal. `RUST_LOG` sets the filter (default `warn,corsair=debug`).

mod demo_support;

use std::{env, io, net::TcpListener, sync::Arc};

use demo_support::{api_server, page_server, serve_both, summarize, PageConfig, RequestLog};

fn port(var: &str, default: u16) -> io::Result<u16> {
    match env::var(var) {
        Ok(v) => v
            .parse()
            .map_err(|_| io::Error::other(format!("{var}={v:?} is not a port number"))),
        Err(_) => Ok(default),
    }
}

fn bind(port: u16, what: &str, var: &str) -> io::Result<TcpListener> {
    TcpListener::bind(("127.0.0.1", port)).map_err(|e| {
        io::Error::new(
            e.kind(),
            format!(
                "cannot listen on 127.0.0.1:{port} for the {what} ({e}); set {var} to another port"
            ),
        )
    })
}

#[actix_web::main]
async fn main() {
    // `RUST_LOG` as usual; by default corsair says why it refused each request.
    env_logger::Builder::from_env(
        env_logger::Env::default().default_filter_or("warn,corsair=debug"),
    )
    .init();
    if let Err(e) = run().await {
        eprintln!("demo: {e}");
        std::process::exit(1);
    }
}

async fn run() -> io::Result<()> {
    let page_port = port("FRONTEND_PORT", 5173)?;
    let api_port = port("API_PORT", 8000)?;
    let page_listener = bind(page_port, "frontend", "FRONTEND_PORT")?;
    let api_listener = bind(api_port, "API", "API_PORT")?;
    let config = PageConfig::loopback(page_port, api_port);

    let api = api_server(api_listener, &config.allowed, RequestLog::new(true))?;
    let page = page_server(
        page_listener,
        &config,
        Arc::new(|report| println!("\nthe page reported:\n{}", summarize(&report))),
    )?;

    println!("corsair demo");
    println!(
        "  API       {}   (corsair allows {} with credentials)",
        config.api, config.allowed
    );
    println!("  frontend  {}", config.allowed);
    println!();
    println!(
        "Open {} in a browser: every row should show ✓.",
        config.allowed
    );
    println!(
        "Then open {} (same page, an origin the API does not allow) to see CORS refuse it.",
        config.other
    );
    println!("Press Ctrl-C to stop.");
    serve_both(api, page).await
}
