//! FastAPI-style configuration (feature `serde`).

use serde::Deserialize;

use crate::{builder::Cors, error::Source};

/// A CORS configuration with the field names of FastAPI/Starlette's `CORSMiddleware`,
/// deserializable from TOML, JSON or any serde source. Convert it with [`CorsConfig::into_cors`]
/// and build it: the same validation and errors apply, each naming the field and entry.
///
/// Defaults are Starlette's: nothing allowed except `GET`, no credentials, `max_age` 600.
///
/// # Example
/// ```
/// use corsair::CorsConfig;
///
/// let config: CorsConfig = serde_json::from_str(r#"{
///     "allow_origins": ["http://localhost:5173", "https://app.example.com"],
///     "allow_credentials": true,
///     "allow_methods": ["GET", "POST"],
///     "allow_headers": ["content-type"]
/// }"#).unwrap();
/// let policy = config.into_cors().build().unwrap();
/// # drop(policy);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CorsConfig {
    /// Exact origins; `"*"` for any origin.
    pub allow_origins: Vec<String>,
    /// One regex matching whole origins.
    pub allow_origin_regex: Option<String>,
    /// Methods; `"*"` for any.
    pub allow_methods: Vec<String>,
    /// Request headers; `"*"` for any.
    pub allow_headers: Vec<String>,
    /// Send `Access-Control-Allow-Credentials: true`.
    pub allow_credentials: bool,
    /// Response headers scripts may read.
    pub expose_headers: Vec<String>,
    /// Preflight cache lifetime in seconds.
    pub max_age: Option<usize>,
}

impl Default for CorsConfig {
    fn default() -> Self {
        CorsConfig {
            allow_origins: Vec::new(),
            allow_origin_regex: None,
            allow_methods: vec!["GET".to_owned()],
            allow_headers: Vec::new(),
            allow_credentials: false,
            expose_headers: Vec::new(),
            max_age: Some(600),
        }
    }
}

impl CorsConfig {
    /// Converts into a [`Cors`] builder; call [`Cors::build`] to validate it.
    ///
    /// ```
    /// let cors = corsair::CorsConfig::default().into_cors();
    /// assert!(cors.build().is_ok());
    /// ```
    pub fn into_cors(self) -> Cors {
        let mut cors = Cors::default();
        for (i, origin) in self.allow_origins.iter().enumerate() {
            let source = Source::Config {
                field: "allow_origins",
                position: i + 1,
            };
            cors = cors.push_origin(origin, source, false);
        }
        if let Some(regex) = self.allow_origin_regex {
            cors.regexes.push((
                regex,
                Source::Config {
                    field: "allow_origin_regex",
                    position: 1,
                },
            ));
        }
        if self.allow_methods.iter().any(|m| m == "*") {
            cors = cors.allow_any_method();
        } else {
            cors = cors.allowed_methods(self.allow_methods);
        }
        if self.allow_headers.iter().any(|h| h == "*") {
            cors = cors.allow_any_header();
        } else {
            cors = cors.allowed_headers(self.allow_headers);
        }
        if self.allow_credentials {
            cors = cors.supports_credentials();
        }
        cors.expose_headers(self.expose_headers)
            .max_age(self.max_age)
    }
}
