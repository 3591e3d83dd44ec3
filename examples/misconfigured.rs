//! What a misconfigured policy looks like: every problem at once, each with its fix.
//!
//! ```sh
//! cargo run --example misconfigured
//! ```

use corsair::Cors;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let policy = Cors::default()
        .allowed_origin("https://app.example.com/") // trailing slash
        .allowed_origin("app.example.com") // no scheme
        .allowed_origin("http://localhost:5173")
        .allowed_origin("https://api.example.com:443") // default port
        .allowed_methods(["GET", "patch"]) // methods are case-sensitive
        .allow_any_header()
        .max_age(604_800) // a week: no browser honours that
        .supports_credentials()
        .build()?; // fails here, listing all five problems

    println!("unreachable: {policy:?}");
    Ok(())
}
