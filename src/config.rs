//! FastAPI-style configuration (feature `serde`).

use std::fmt;

use serde::{
    de::{self, SeqAccess, Visitor},
    Deserialize, Deserializer,
};

use crate::{builder::Cors, error::Source};

/// A CORS configuration with the field names of FastAPI/Starlette's `CORSMiddleware`,
/// deserializable from TOML, JSON, environment-style maps or any serde source. Convert it with
/// [`CorsConfig::into_cors`] and build it: the same validation and errors apply, and origin
/// errors name the field and the entry (`in config field `allow_origins`, entry 2`).
///
/// Defaults are Starlette's: nothing allowed except `GET`, no credentials, `max_age` 600.
/// Unknown fields are an error (a misspelt `allow_origin` is not silently ignored).
///
/// | field                | type                    | meaning                                          |
/// |----------------------|-------------------------|--------------------------------------------------|
/// | `allow_origins`      | list or comma-separated | exact origins; `"*"` any; an entry with `*` is a pattern |
/// | `allow_origin_regex` | string                  | one regex matching whole origins                 |
/// | `allow_methods`      | list or comma-separated | methods; `"*"` any (default `["GET"]`)           |
/// | `allow_headers`      | list or comma-separated | request headers; `"*"` any                       |
/// | `allow_credentials`  | bool                    | send `Access-Control-Allow-Credentials: true`    |
/// | `expose_headers`     | list or comma-separated | response headers scripts may read                |
/// | `max_age`            | integer (or `null`)     | preflight cache seconds (default 600; `null`: not sent) |
///
/// Every list field also accepts one comma-separated string (white space trimmed, empty entries
/// ignored), as environment variables and `.env` files hold them.
///
/// # Example
/// ```
/// use corsair::CorsConfig;
///
/// let config: CorsConfig = serde_json::from_str(r#"{
///     "allow_origins": ["http://localhost:5173", "https://app.example.com"],
///     "allow_credentials": true,
///     "allow_methods": ["GET", "POST"],
///     "allow_headers": "content-type, x-api-key"
/// }"#).unwrap();
/// let policy = config.into_cors().build().unwrap();
/// # drop(policy);
///
/// // Problems name the field and the entry.
/// let config: CorsConfig = toml::from_str(r#"allow_origins = ["https://ok.example", "app.example.com"]"#).unwrap();
/// let err = config.into_cors().build().unwrap_err();
/// assert!(err.to_string().contains("in config field `allow_origins`, entry 2"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CorsConfig {
    /// Exact origins; `"*"` for any origin; an entry containing `*` is an origin pattern
    /// (`https://*.example.com`, `http://localhost:*`), as in an environment list.
    #[serde(deserialize_with = "list")]
    pub allow_origins: Vec<String>,
    /// One regex matching whole origins (see [`Cors::allowed_origin_regex`]).
    #[serde(deserialize_with = "optional_string")]
    pub allow_origin_regex: Option<String>,
    /// Methods; `"*"` for any.
    #[serde(deserialize_with = "list")]
    pub allow_methods: Vec<String>,
    /// Request headers; `"*"` for any.
    #[serde(deserialize_with = "list")]
    pub allow_headers: Vec<String>,
    /// Send `Access-Control-Allow-Credentials: true`.
    pub allow_credentials: bool,
    /// Response headers scripts may read; `"*"` for any (not with credentials).
    #[serde(deserialize_with = "list")]
    pub expose_headers: Vec<String>,
    /// Preflight cache lifetime in seconds; `None` (JSON `null`) omits the header.
    pub max_age: Option<usize>,
}

impl Default for CorsConfig {
    /// Starlette's defaults.
    ///
    /// ```
    /// let config = corsair::CorsConfig::default();
    /// assert_eq!(config.allow_methods, ["GET"]);
    /// assert_eq!(config.max_age, Some(600));
    /// ```
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

/// Deserializes a list of strings from a sequence or from one comma-separated string.
fn list<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    struct ListVisitor;

    impl<'de> Visitor<'de> for ListVisitor {
        type Value = Vec<String>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a list of strings or one comma-separated string")
        }

        fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
            Ok(value
                .split(',')
                .map(str::trim)
                .filter(|entry| !entry.is_empty())
                .map(str::to_owned)
                .collect())
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
            while let Some(item) = seq.next_element::<String>()? {
                out.push(item);
            }
            Ok(out)
        }
    }

    deserializer.deserialize_any(ListVisitor)
}

/// Deserializes an optional string from a string, `null`/unit or an option, so that sources
/// that hand over every value as a bare string (environment maps) work too.
fn optional_string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    struct OptionalString;

    impl<'de> Visitor<'de> for OptionalString {
        type Value = Option<String>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }

        fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
            Ok(Some(value.to_owned()))
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D2: Deserializer<'de>>(self, inner: D2) -> Result<Self::Value, D2::Error> {
            inner.deserialize_any(self)
        }
    }

    deserializer.deserialize_any(OptionalString)
}

impl CorsConfig {
    /// Converts into a [`Cors`] builder; call [`Cors::build`] to validate it.
    ///
    /// `"*"` in `allow_origins` means any origin, in `allow_methods` any method, in
    /// `allow_headers` any header and in `expose_headers` every header. Unlike Starlette,
    /// `"*"` origins together with `allow_credentials` is refused by [`Cors::build`]
    /// ([`Problem::CredentialedAnyOrigin`](crate::Problem::CredentialedAnyOrigin)) instead of
    /// silently echoing every origin with credentials.
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
            cors = cors.push_origin(origin, source, true);
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
            cors = cors.allowed_methods_written(self.allow_methods);
        }
        if self.allow_headers.iter().any(|h| h == "*") {
            cors = cors.allow_any_header();
        } else {
            cors = cors.allowed_headers_written(self.allow_headers);
        }
        if self.allow_credentials {
            cors = cors.supports_credentials();
        }
        if self.expose_headers.iter().any(|h| h == "*") {
            cors = cors.expose_any_header();
        } else {
            cors = cors.expose_headers_written(self.expose_headers);
        }
        cors.max_age(self.max_age)
    }
}
