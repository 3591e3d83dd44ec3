//! FastAPI-style configuration (feature `serde`): [`CorsConfig`], which means what the same
//! arguments mean to Starlette 1.10's `CORSMiddleware`, and whose [`ConfigError`]s name the
//! config's own fields.
//!
//! The conversion goes through the public [`Cors`] builder methods only; what differs from the
//! builder's actix-cors semantics (the always-allowed headers, `"*"` meaning a literal `*`,
//! `"*"` methods meaning Starlette's list) is decided here.

use std::fmt;

use actix_web::http::StatusCode;
use serde::{
    de::{self, SeqAccess, Visitor},
    Deserialize, Deserializer,
};

use crate::{
    builder::Cors,
    cors_policy::CorsPolicy,
    diagnostics::STARLETTE_ALWAYS_ALLOWED_HEADERS,
    error::{ConfigError, Problem, Source},
    words::Words,
};

/// What `allow_methods = ["*"]` means to Starlette 1.10 (its `ALL_METHODS`).
const STARLETTE_ALL_METHODS: [&str; 8] = [
    "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "QUERY",
];

/// A CORS configuration with the field names, defaults **and meaning** of FastAPI/Starlette's
/// `CORSMiddleware` (Starlette 1.10), deserializable from TOML, JSON, environment-style maps
/// or any serde source. Build it with [`CorsConfig::build`]: the same validation as
/// [`Cors::build`] applies, and every problem's fix names the config field
/// ([`ConfigError`]).
///
/// The same settings behave as they did in FastAPI, except for corsair's documented
/// refusals (see the README, "Coming from FastAPI / Starlette"):
/// - `Accept`, `Accept-Language`, `Content-Language` and `Content-Type` are always allowed
///   in preflights and listed in `Access-Control-Allow-Headers`, as in Starlette;
/// - `allow_origins = ["*"]` without credentials sends `Access-Control-Allow-Origin: *`;
/// - `allow_methods = ["*"]` means Starlette's standard methods (`DELETE`, `GET`, `HEAD`,
///   `OPTIONS`, `PATCH`, `POST`, `PUT`, `QUERY`), not any method;
/// - `allow_private_network` answers Private Network Access preflights.
///
/// | field                | type                    | meaning                                          |
/// |----------------------|-------------------------|--------------------------------------------------|
/// | `allow_origins`      | list or comma-separated | exact origins; `"*"` any (sends `*`); an entry with `*` is a pattern (corsair only) |
/// | `allow_origin_regex` | string                  | one regex matching whole origins                 |
/// | `allow_methods`      | list or comma-separated | methods; `"*"` Starlette's standard list (default `["GET"]`) |
/// | `allow_headers`      | list or comma-separated | request headers besides the four always allowed; `"*"` any |
/// | `allow_credentials`  | bool                    | send `Access-Control-Allow-Credentials: true`    |
/// | `allow_private_network` | bool                 | answer Private Network Access preflights (legacy in Chrome) |
/// | `expose_headers`     | list or comma-separated | response headers scripts may read                |
/// | `max_age`            | integer (or `null`)     | preflight cache seconds (default 600; `null`: not sent) |
/// | `allow_null_origin`  | bool (corsair only)     | allow `Origin: null` (and a `"null"` entry)      |
/// | `allow_insecure_credentialed_origins` | bool (corsair only) | accept plain-`http` origins with credentials |
/// | `dangerously_allow_subdomains_of_public_suffixes` | bool (corsair only) | without credentials, accept patterns and regexes over public suffixes (`https://.*\.vercel\.app`) |
/// | `preflight_status`   | integer (corsair only)  | status of an accepted preflight (default 204; Starlette's is 200) |
///
/// With the feature `toml`, `CorsConfig::from_toml_file` reads a file and names the line and
/// column of a TOML mistake (a regex goes in single quotes, `'https://.*\.example\.com'`,
/// so that TOML keeps its backslashes).
///
/// Every list field also accepts one comma-separated string (white space trimmed, empty entries
/// ignored), as environment variables and `.env` files hold them. Unknown fields are an error
/// (a misspelt `allow_origin` is not silently ignored).
///
/// # Example
/// ```
/// use corsair::CorsConfig;
///
/// let config: CorsConfig = serde_json::from_str(r#"{
///     "allow_origins": ["http://localhost:5173", "https://app.example.com"],
///     "allow_credentials": true,
///     "allow_methods": ["GET", "POST"],
///     "allow_headers": "authorization, x-api-key"
/// }"#).unwrap();
/// let policy = config.build().unwrap();
/// // Content-Type is allowed as Starlette allows it, without being listed.
/// let preflight = corsair::CorsRequest::preflight("https://app.example.com", "POST")
///     .requesting_headers(["authorization", "content-type"]);
/// assert!(policy.check(&preflight).is_allowed());
///
/// // Problems name the field and the entry.
/// let config: CorsConfig = toml::from_str(r#"allow_origins = ["https://ok.example", "app.example.com"]"#).unwrap();
/// let err = config.build().unwrap_err();
/// assert!(err.to_string().contains("in config field `allow_origins`, entry 2"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CorsConfig {
    /// Exact origins; `"*"` for any origin (answered with a literal `*` unless credentials
    /// are on, which is refused); an entry containing `*` is an origin pattern
    /// (`https://*.example.com`, `http://localhost:*`), as in an environment list.
    #[serde(deserialize_with = "list")]
    pub allow_origins: Vec<String>,
    /// One regex matching whole origins (see [`Cors::allowed_origin_regex`]).
    #[serde(deserialize_with = "optional_string")]
    pub allow_origin_regex: Option<String>,
    /// Methods; `"*"` for Starlette's standard methods.
    #[serde(deserialize_with = "list")]
    pub allow_methods: Vec<String>,
    /// Request headers, besides `Accept`, `Accept-Language`, `Content-Language` and
    /// `Content-Type`, which are always allowed; `"*"` for any.
    #[serde(deserialize_with = "list")]
    pub allow_headers: Vec<String>,
    /// Send `Access-Control-Allow-Credentials: true`.
    pub allow_credentials: bool,
    /// Answer Private Network Access preflights (`Access-Control-Allow-Private-Network`).
    /// Starlette ≥ 0.51 has this option; Chrome has since replaced the preflight-based
    /// protocol with a permission prompt, so it only matters to browsers that still send it.
    pub allow_private_network: bool,
    /// Response headers scripts may read; `"*"` for any (not with credentials).
    #[serde(deserialize_with = "list")]
    pub expose_headers: Vec<String>,
    /// Preflight cache lifetime in seconds; `None` (JSON `null`) omits the header.
    pub max_age: Option<usize>,
    /// corsair only: allow `Origin: null` (sandboxed iframes, `file:` pages), and with it a
    /// `"null"` entry in `allow_origins`. Any site can make a browser send `Origin: null`, so
    /// a `"null"` entry is refused unless you opt in (see [`Cors::allow_null_origin`]).
    pub allow_null_origin: bool,
    /// corsair only: accept plain-`http` origins (other than loopback) together with
    /// `allow_credentials`, in `allow_origins` and `allow_origin_regex`. Refused by default
    /// because anyone on the network path can forge them.
    pub allow_insecure_credentialed_origins: bool,
    /// corsair only, **dangerous**: without credentials, accept origin patterns and
    /// `allow_origin_regex` values that let in every site under a public suffix
    /// (`https://*.vercel.app`, `https://.*\.vercel\.app`). With `allow_credentials` they
    /// stay errors (see [`Cors::dangerously_allow_subdomains_of_public_suffixes`]).
    pub dangerously_allow_subdomains_of_public_suffixes: bool,
    /// corsair only: the status of an accepted preflight answer. Default 204; set 200 for
    /// Starlette's status. Must be 2xx.
    pub preflight_status: u16,
}

impl Default for CorsConfig {
    /// Starlette's defaults (and corsair's for its own fields).
    ///
    /// ```
    /// let config = corsair::CorsConfig::default();
    /// assert_eq!(config.allow_methods, ["GET"]);
    /// assert_eq!(config.max_age, Some(600));
    /// assert_eq!(config.preflight_status, 204);
    /// ```
    fn default() -> Self {
        CorsConfig {
            allow_origins: Vec::new(),
            allow_origin_regex: None,
            allow_methods: vec!["GET".to_owned()],
            allow_headers: Vec::new(),
            allow_credentials: false,
            allow_private_network: false,
            expose_headers: Vec::new(),
            max_age: Some(600),
            allow_null_origin: false,
            allow_insecure_credentialed_origins: false,
            dangerously_allow_subdomains_of_public_suffixes: false,
            preflight_status: 204,
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

/// One origin entry handed to the builder, to put the config's words on its errors.
#[derive(Debug, Clone)]
struct Entry {
    value: String,
    field: &'static str,
    position: usize,
}

impl Entry {
    fn source(&self) -> Source {
        Source::Config {
            field: self.field,
            position: self.position,
        }
    }
}

/// A config turned into a builder, with what is needed to report its errors in config words.
struct Converted {
    cors: Cors,
    entries: Vec<Entry>,
    /// Problems only the config can have (a `preflight_status` that is no status code).
    problems: Vec<Problem>,
}

impl CorsConfig {
    /// Validates the config and compiles it into a [`CorsPolicy`] (pass it to `.wrap()`), or
    /// returns **every** problem, each naming the config field it is about.
    ///
    /// ```
    /// use actix_web::{web, App, HttpResponse};
    /// use corsair::CorsConfig;
    ///
    /// let config: CorsConfig = toml::from_str(r#"
    ///     allow_origins = ["https://app.example.com"]
    ///     allow_methods = ["*"]
    /// "#).unwrap();
    /// let policy = config.build().unwrap();
    /// let app = App::new().wrap(policy).route("/", web::get().to(HttpResponse::Ok));
    /// # drop(app);
    ///
    /// let config: CorsConfig =
    ///     toml::from_str(r#"allow_origins = ["*"]
    ///                       allow_credentials = true"#).unwrap();
    /// let err = config.build().unwrap_err();
    /// assert!(err.to_string().contains("`allow_credentials = true`"));
    /// ```
    ///
    /// The error is the [`ConfigError`] of [`Cors::build`], with the same typed problems
    /// (pointing at the config entry), but each fix names a config field, not a builder call:
    ///
    /// ```
    /// use corsair::{CorsConfig, Problem, Source};
    ///
    /// let config: CorsConfig = serde_json::from_str(r#"{
    ///     "allow_origins": ["https://app.example.com", "http://intranet.corp"],
    ///     "allow_credentials": true
    /// }"#).unwrap();
    /// let err = config.clone().build().unwrap_err();
    /// assert_eq!(err.problems(), &[Problem::InsecureCredentialedOrigin {
    ///     value: "http://intranet.corp".into(),
    ///     source: Source::Config { field: "allow_origins", position: 2 },
    /// }]);
    /// let text = err.to_string();
    /// assert!(text.contains("in config field `allow_origins`, entry 2"));
    /// assert!(text.contains("or set `allow_insecure_credentialed_origins = true`"));
    ///
    /// // The same policy written with the builder is fixed with a builder call.
    /// let err = config.into_cors().build().unwrap_err();
    /// assert!(err.to_string().contains("or call `.allow_insecure_credentialed_origins()`"));
    /// ```
    pub fn build(self) -> Result<CorsPolicy, ConfigError> {
        let Converted {
            cors,
            entries,
            problems: own,
        } = self.convert();
        let mut problems = match cors.build() {
            Ok(policy) if own.is_empty() => return Ok(policy),
            Ok(_) => Vec::new(),
            Err(err) => locate_problems(err.into_problems(), &entries),
        };
        problems.extend(own);
        Err(ConfigError::in_words(problems, Words::Config))
    }

    /// Converts into a [`Cors`] builder with the same meaning, for adding builder-only
    /// options (predicates, per-scope tweaks) before building it.
    ///
    /// The builder's own errors speak builder words (`.supports_credentials()`, `in code`);
    /// prefer [`CorsConfig::build`], whose errors name the config fields. A
    /// `preflight_status` that is no HTTP status code at all (only possible when the struct
    /// is written in code) is reported by [`CorsConfig::build`] and ignored here.
    ///
    /// ```
    /// use corsair::{CorsConfig, CorsRequest};
    /// let config = CorsConfig {
    ///     allow_origins: vec!["https://app.example.com".into()],
    ///     ..CorsConfig::default()
    /// };
    /// let policy = config
    ///     .into_cors()
    ///     .allowed_origin_fn(|origin, _| origin.as_bytes().ends_with(b".partner.example"))
    ///     .build()
    ///     .unwrap();
    /// assert!(policy.check(&CorsRequest::new("https://a.partner.example")).is_allowed());
    /// ```
    pub fn into_cors(self) -> Cors {
        self.convert().cors
    }

    /// Starlette's meaning of each field, through the public builder methods.
    fn convert(self) -> Converted {
        let mut entries = Vec::new();
        let mut problems = Vec::new();
        let mut cors = self.with_origins(Cors::default(), &mut entries);
        cors = self.with_methods(cors);
        cors = self.with_allowed_headers(cors);
        cors = self.with_flags(cors);
        cors = self.with_exposed_headers(cors);
        cors = cors.max_age(self.max_age);
        match StatusCode::from_u16(self.preflight_status) {
            Ok(status) => cors = cors.preflight_status(status),
            Err(_) => problems.push(Problem::PreflightStatus {
                status: self.preflight_status,
            }),
        }
        Converted {
            cors,
            entries,
            problems,
        }
    }

    /// `allow_origins`, `allow_origin_regex` and `allow_null_origin`, recording in `entries`
    /// where each origin came from.
    fn with_origins(&self, mut cors: Cors, entries: &mut Vec<Entry>) -> Cors {
        if self.allow_origins.iter().any(|o| o == "*") {
            cors = self.with_any_origin(cors);
        } else {
            for (i, origin) in self.allow_origins.iter().enumerate() {
                entries.push(Entry {
                    value: origin.clone(),
                    field: "allow_origins",
                    position: i + 1,
                });
                cors = if origin.contains('*') {
                    cors.allowed_origin_pattern(origin)
                } else {
                    cors.allowed_origin(origin)
                };
            }
            if let Some(regex) = &self.allow_origin_regex {
                entries.push(Entry {
                    value: regex.clone(),
                    field: "allow_origin_regex",
                    position: 1,
                });
                cors = cors.allowed_origin_regex(regex);
            }
        }
        if self.allow_null_origin {
            cors = cors.allow_null_origin();
        }
        cors
    }

    /// Starlette's `"*"` in `allow_origins`: every origin, whatever else is listed.
    fn with_any_origin(&self, mut cors: Cors) -> Cors {
        let others = self.allow_origins.iter().filter(|o| *o != "*").count()
            + usize::from(self.allow_origin_regex.is_some());
        if others > 0 {
            log::warn!(
                "corsair: `\"*\"` in config field `allow_origins` allows every origin; \
                 the other {others} origin entries (and `allow_origin_regex`) are not used"
            );
        }
        cors = cors.allow_any_origin();
        // Starlette sends a literal `*` unless credentials are on (refused by the build).
        if !self.allow_credentials {
            cors = cors.send_wildcard();
        }
        cors
    }

    /// `allow_methods`, with `"*"` meaning Starlette's full method list.
    fn with_methods(&self, cors: Cors) -> Cors {
        if self.allow_methods.iter().any(|m| m == "*") {
            cors.allowed_methods(STARLETTE_ALL_METHODS)
        } else {
            // As written, so a problem quotes the config's own text.
            cors.allowed_methods_written(self.allow_methods.clone())
        }
    }

    /// `allow_headers`, plus the headers Starlette always allows.
    fn with_allowed_headers(&self, cors: Cors) -> Cors {
        if self.allow_headers.iter().any(|h| h == "*") {
            cors.allow_any_header()
        } else {
            let listed = self.allow_headers.iter().filter(|h| {
                !STARLETTE_ALWAYS_ALLOWED_HEADERS
                    .iter()
                    .any(|safe| safe.eq_ignore_ascii_case(h))
            });
            cors.allowed_headers_written(
                STARLETTE_ALWAYS_ALLOWED_HEADERS
                    .iter()
                    .map(|h| (*h).to_owned())
                    .chain(listed.cloned())
                    .collect(),
            )
        }
    }

    /// The on/off switches: credentials, insecure credentialed origins, private network,
    /// public-suffix wildcards.
    fn with_flags(&self, mut cors: Cors) -> Cors {
        if self.allow_credentials {
            cors = cors.supports_credentials();
        }
        if self.allow_insecure_credentialed_origins {
            cors = cors.allow_insecure_credentialed_origins();
        }
        if self.allow_private_network {
            cors = cors.allow_private_network_access();
        }
        if self.dangerously_allow_subdomains_of_public_suffixes {
            cors = cors.dangerously_allow_subdomains_of_public_suffixes();
        }
        cors
    }

    /// `expose_headers`, with `"*"` meaning every header.
    fn with_exposed_headers(&self, cors: Cors) -> Cors {
        if self.expose_headers.iter().any(|h| h == "*") {
            cors.expose_any_header()
        } else {
            cors.expose_headers_written(self.expose_headers.clone())
        }
    }
}

/// Points each origin problem of the builder (`in code`) at the config entry it came from.
/// Entries with the same value are matched in order.
fn locate_problems(mut problems: Vec<Problem>, entries: &[Entry]) -> Vec<Problem> {
    let mut used = vec![false; entries.len()];
    let mut locate = |value: &str, source: &mut Source| {
        if *source != Source::Code {
            return;
        }
        let found = entries
            .iter()
            .enumerate()
            .find(|(i, e)| !used[*i] && e.value == value);
        if let Some((i, entry)) = found {
            used[i] = true;
            *source = entry.source();
        }
    };
    for problem in &mut problems {
        match problem {
            Problem::InvalidOrigin { value, source, .. }
            | Problem::InvalidPattern { value, source, .. }
            | Problem::PatternTooBroad { value, source, .. }
            | Problem::PatternReachesPublicSuffixes { value, source, .. }
            | Problem::InvalidRegex { value, source, .. }
            | Problem::RegexUnescapedDot { value, source, .. }
            | Problem::RegexTooBroad { value, source, .. }
            | Problem::CredentialedInsecureRegex { value, source, .. }
            | Problem::PrivateNetworkInsecureRegex { value, source }
            | Problem::InsecurePrivateNetworkOrigin { value, source }
            | Problem::InsecureCredentialedOrigin { value, source } => locate(value, source),
            Problem::NullOrigin { source } => locate("null", source),
            _ => {}
        }
    }
    problems
}
