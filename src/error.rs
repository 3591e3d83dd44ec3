//! Configuration errors: every problem a policy has, as typed values with a fix hint.
//!
//! [`Cors::build`](crate::Cors::build) never stops at the first mistake. It checks the whole
//! policy and returns a [`ConfigError`] that holds one [`Problem`] per mistake. Programs can
//! `match` on each problem; people read its `Display`, which names the offending value, where
//! it came from, and how to fix it.

use std::fmt;

use derive_more::{Display, Error};

use crate::words::{Setting, Words};

/// Where a configured value came from, so an error can point at it.
///
/// # Example
/// ```
/// use corsair::{Cors, Problem, Source};
///
/// let err = Cors::default().allowed_origin("app.com").build().unwrap_err();
/// match &err.problems()[0] {
///     Problem::InvalidOrigin { source, .. } => assert_eq!(*source, Source::Code),
///     other => panic!("unexpected: {other}"),
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Display)]
#[non_exhaustive]
pub enum Source {
    /// A builder method called in code.
    #[display("in code")]
    Code,
    /// An entry of a comma-separated environment variable (`position` counts from 1).
    #[display("in ${var}, entry {position}")]
    Env {
        /// The variable's name, e.g. `ALLOWED_ORIGINS`.
        var: String,
        /// The entry's position in the list, counting from 1.
        position: usize,
    },
    /// An entry of the default list of `allowed_origins_from_env_or`, used because the
    /// variable was not set (`position` counts from 1).
    #[display("in the default for ${var}, entry {position}")]
    EnvDefault {
        /// The variable's name, e.g. `ALLOWED_ORIGINS`.
        var: String,
        /// The entry's position in the default list, counting from 1.
        position: usize,
    },
    /// A field of a deserialized configuration (`position` counts from 1).
    #[display("in config field `{field}`, entry {position}")]
    Config {
        /// The field's name, e.g. `allow_origins`.
        field: &'static str,
        /// The entry's position in the list, counting from 1.
        position: usize,
    },
    /// An entry of a named text, usually a file, handed to
    /// [`Cors::allowed_origins_list_from`](crate::Cors::allowed_origins_list_from)
    /// (`line` counts from 1).
    #[display("in {name}, line {line}")]
    Named {
        /// The name given with the text, e.g. the file's path `cors-origins.txt`.
        name: String,
        /// The line the entry is on, counting from 1.
        line: usize,
    },
}

/// Why a configured origin (`scheme://host[:port]`) or origin pattern
/// (`https://*.example.com`, `http://localhost:*`) is refused: the fault of
/// [`Problem::InvalidOrigin`], [`Problem::InvalidPattern`] and [`Problem::InvalidPublicOrigin`].
/// Its `Display` ends with the fix.
///
/// Most faults apply to both; a few only to exact origins ([`AnyOrigin`](Self::AnyOrigin),
/// [`Wildcard`](Self::Wildcard), [`NonCanonicalIp`](Self::NonCanonicalIp)) or only to
/// patterns ([`WildcardScheme`](Self::WildcardScheme),
/// [`MisplacedWildcard`](Self::MisplacedWildcard), [`NoWildcard`](Self::NoWildcard),
/// [`IpAddress`](Self::IpAddress)).
///
/// # Example
/// ```
/// use corsair::{Cors, OriginFault, Problem};
///
/// let err = Cors::default()
///     .allowed_origin("https://app.com/")
///     .allowed_origin_pattern("https://*.app.com/")
///     .build()
///     .unwrap_err();
/// let [
///     Problem::InvalidOrigin { fault: exact, .. },
///     Problem::InvalidPattern { fault: pattern, .. },
/// ] = err.problems() else { panic!("{err}") };
/// assert_eq!(*exact, OriginFault::TrailingSlash { suggestion: "https://app.com".into() });
/// assert_eq!(*pattern, OriginFault::TrailingSlash { suggestion: "https://*.app.com".into() });
/// assert!(err.to_string().contains("write `https://*.app.com`"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum OriginFault {
    /// The string is empty.
    Empty,
    /// The string has white space or control characters.
    Whitespace,
    /// No `scheme://` in front.
    MissingScheme {
        /// The text with `https://` put in front.
        suggestion: String,
    },
    /// The scheme is not `ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`.
    InvalidScheme,
    /// A `/` after the host: browsers never send one in `Origin`.
    TrailingSlash {
        /// The text without the slash.
        suggestion: String,
    },
    /// A path after the host.
    Path {
        /// The text without its path.
        suggestion: String,
    },
    /// A `?query` after the host.
    Query {
        /// The text without its query.
        suggestion: String,
    },
    /// A `#fragment` after the host.
    Fragment {
        /// The text without its fragment.
        suggestion: String,
    },
    /// `user:pass@` before the host.
    Userinfo {
        /// The text without the user information.
        suggestion: String,
    },
    /// The scheme's default port is written out; browsers omit it.
    DefaultPort {
        /// The scheme, e.g. `https`.
        scheme: String,
        /// The default port that was written, e.g. 443.
        port: u16,
        /// The text without the port.
        suggestion: String,
    },
    /// The port is not a number from 1 to 65535 written without leading zeros (nor, in a
    /// pattern, `*`).
    InvalidPort,
    /// The host is empty or not a valid host name or IP literal.
    InvalidHost,
    /// Non-ASCII characters: browsers send internationalized names in punycode.
    NonAscii,
    /// Upper-case letters: browsers serialize scheme and host in lower case.
    Uppercase {
        /// The text in lower case.
        suggestion: String,
    },
    /// An IP address not written the way browsers serialize it (`127.1`, `0x7f.0.0.1`,
    /// `[0:0:0:0:0:0:0:1]`): such an origin could never match, because browsers send the
    /// canonical form.
    NonCanonicalIp {
        /// The origin with the address in canonical form.
        suggestion: String,
    },
    /// A lone `*` given as an origin. actix-cors refuses it too (`allowed_origin("*")`), and
    /// corsair refuses it wherever origins are listed (lists, environment variables, files),
    /// so that "every origin" is always written out as [`Cors::allow_any_origin`](crate::Cors::allow_any_origin).
    AnyOrigin,
    /// A `*` inside an exact origin.
    Wildcard {
        /// The value as written, to paste into the pattern API.
        value: String,
    },
    /// A pattern with a wildcard in the scheme.
    WildcardScheme,
    /// A pattern with a wildcard elsewhere than a leading `*.` label or a `:*` port.
    MisplacedWildcard,
    /// A pattern without any wildcard.
    NoWildcard,
    /// A pattern with a subdomain wildcard over an IP address.
    IpAddress,
}

impl OriginFault {
    /// The fault and its fix, naming options in `words`.
    pub(crate) fn write(&self, f: &mut fmt::Formatter<'_>, words: Words) -> fmt::Result {
        use Setting as S;
        match self {
            OriginFault::Empty => f.write_str(
                "it is empty; write an origin such as `https://app.example.com` (or a pattern such as `https://*.example.com`), or remove the entry",
            ),
            OriginFault::Whitespace => {
                f.write_str("it contains white space or control characters; remove them")
            }
            OriginFault::MissingScheme { suggestion } => write!(
                f,
                "it has no scheme; write `{suggestion}` (or `http://` for plain HTTP)"
            ),
            OriginFault::InvalidScheme => f.write_str(
                "its scheme is not valid; write `https://` (or `http://`) before the host",
            ),
            OriginFault::TrailingSlash { suggestion } => write!(
                f,
                "it ends with `/`, which browsers never send in `Origin`; write `{suggestion}`"
            ),
            OriginFault::Path { suggestion } => write!(
                f,
                "it has a path; an origin is only scheme, host and port: write `{suggestion}`"
            ),
            OriginFault::Query { suggestion } => {
                write!(f, "it has a query; write `{suggestion}`")
            }
            OriginFault::Fragment { suggestion } => {
                write!(f, "it has a fragment; write `{suggestion}`")
            }
            OriginFault::Userinfo { suggestion } => write!(
                f,
                "it has user information (`...@`), which never appears in an origin; write `{suggestion}`"
            ),
            OriginFault::DefaultPort {
                scheme,
                port,
                suggestion,
            } => write!(
                f,
                "port {port} is the default for {scheme}, and browsers leave it out of `Origin`; write `{suggestion}`"
            ),
            OriginFault::InvalidPort => f.write_str(
                "its port is not a number from 1 to 65535 without leading zeros; write e.g. `https://app.example.com:8443` (in a pattern, `:*` for any port), or remove the port",
            ),
            OriginFault::InvalidHost => f.write_str(
                "its host is not a valid host name or IP address; write a DNS name of letters, digits and `-` between single dots (`app.example.com`, or `*.example.com` in a pattern), an IPv4 address, or an IPv6 address in brackets (`[::1]`)",
            ),
            OriginFault::NonAscii => f.write_str(
                "it has non-ASCII characters; browsers send internationalized domain names in punycode (`xn--...`), write it that way",
            ),
            OriginFault::Uppercase { suggestion } => write!(
                f,
                "it has upper-case letters, but browsers send scheme and host in lower case; write `{suggestion}`"
            ),
            OriginFault::NonCanonicalIp { suggestion } => write!(
                f,
                "its IP address is not written as browsers serialize it (they would send `{suggestion}`); write `{suggestion}`"
            ),
            OriginFault::AnyOrigin => write!(
                f,
                "`*` is not an origin, and corsair does not read it as \"every origin\" (actix-cors refuses it too); to allow every origin {}, which echoes the request's origin, and add {} to answer `Access-Control-Allow-Origin: *` instead",
                S::AllowAnyOrigin.on(words),
                S::SendWildcard.name(words),
            ),
            OriginFault::Wildcard { value } => {
                f.write_str("a `*` inside an origin matches nothing; use ")?;
                match words {
                    Words::Builder => write!(f, "`.allowed_origin_pattern(\"{value}\")`")?,
                    Words::Config => write!(f, "`{value}` as a pattern in `allow_origins`")?,
                }
                write!(
                    f,
                    " for wildcard subdomains or ports, or {} for every origin",
                    S::AllowAnyOrigin.name(words)
                )
            }
            OriginFault::WildcardScheme => {
                f.write_str("the scheme cannot be a wildcard; write one pattern per scheme")
            }
            OriginFault::MisplacedWildcard => write!(
                f,
                "only a leading `*.` label or a `:*` port may be a wildcard; write e.g. `https://*.example.com`, or use {} for other shapes",
                S::AllowedOriginRegex.name(words)
            ),
            OriginFault::NoWildcard => write!(
                f,
                "it has no wildcard; use {} for a single origin",
                S::AllowedOrigin.name(words)
            ),
            OriginFault::IpAddress => write!(
                f,
                "an IP address has no subdomains; list the address {}",
                S::AllowedOrigin.with(words)
            ),
        }
    }

    /// The fault in `words`, for a message that embeds it.
    pub(crate) fn in_words(&self, words: Words) -> impl fmt::Display + '_ {
        InWords(move |f: &mut fmt::Formatter<'_>| self.write(f, words))
    }
}

impl fmt::Display for OriginFault {
    /// The fault and its fix, in builder words (`.allow_any_origin()`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f, Words::Builder)
    }
}

/// Displays through a closure: a value rendered in some [`Words`], inside another message.
struct InWords<F>(F);

impl<F: Fn(&mut fmt::Formatter<'_>) -> fmt::Result> fmt::Display for InWords<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (self.0)(f)
    }
}

/// A list that holds names, where a lone `*` is a mistake (see [`Problem::WildcardInList`]).
///
/// # Example
/// ```
/// use corsair::NameList;
/// assert_eq!(NameList::Methods.to_string(), "allowed_methods");
/// assert_eq!(NameList::Methods.any_call(), "allow_any_method");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Display)]
#[non_exhaustive]
pub enum NameList {
    /// `allowed_methods`.
    #[display("allowed_methods")]
    Methods,
    /// `allowed_header(s)`: request headers.
    #[display("allowed_headers")]
    AllowedHeaders,
    /// `expose_headers`: response headers.
    #[display("expose_headers")]
    ExposedHeaders,
}

impl NameList {
    /// What the list holds: `"method"`, `"request header"` or `"response header"`.
    ///
    /// ```
    /// assert_eq!(corsair::NameList::ExposedHeaders.item(), "response header");
    /// ```
    pub fn item(self) -> &'static str {
        match self {
            NameList::Methods => "method",
            NameList::AllowedHeaders => "request header",
            NameList::ExposedHeaders => "response header",
        }
    }

    /// The setting of the list itself.
    pub(crate) fn setting(self) -> Setting {
        match self {
            NameList::Methods => Setting::AllowedMethods,
            NameList::AllowedHeaders => Setting::AllowedHeaders,
            NameList::ExposedHeaders => Setting::ExposeHeaders,
        }
    }

    /// The setting that means "every one" (see [`NameList::any_call`]).
    pub(crate) fn any_setting(self) -> Setting {
        match self {
            NameList::Methods => Setting::AllowAnyMethod,
            NameList::AllowedHeaders => Setting::AllowAnyHeader,
            NameList::ExposedHeaders => Setting::ExposeAnyHeader,
        }
    }

    /// The builder method that means "every one": `"allow_any_method"`, `"allow_any_header"`
    /// or `"expose_any_header"`.
    ///
    /// ```
    /// assert_eq!(corsair::NameList::AllowedHeaders.any_call(), "allow_any_header");
    /// ```
    pub fn any_call(self) -> &'static str {
        match self {
            NameList::Methods => "allow_any_method",
            NameList::AllowedHeaders => "allow_any_header",
            NameList::ExposedHeaders => "expose_any_header",
        }
    }
}

/// The specific origin rules that conflict with "any origin" (see
/// [`Problem::AnyOriginConflict`]).
///
/// # Example
/// ```
/// use corsair::OriginRules;
/// assert_eq!(OriginRules::List.to_string(), "an origin list");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Display)]
#[non_exhaustive]
pub enum OriginRules {
    /// Exact origins (`allowed_origin`, lists, the environment).
    #[display("an origin list")]
    List,
    /// `allowed_origin_pattern`.
    #[display("origin patterns")]
    Patterns,
    /// `allowed_origin_regex`.
    #[display("origin regexes")]
    Regexes,
    /// `allowed_origin_fn`.
    #[display("an origin predicate (`allowed_origin_fn`)")]
    Predicate,
}

/// Why an origin regex does not compile (see [`Problem::InvalidRegex`]).
///
/// # Example
/// ```
/// use corsair::{Cors, Problem, RegexFault};
/// let err = Cors::default().allowed_origin_regex(r"https://(a\.example\.com").build().unwrap_err();
/// let [Problem::InvalidRegex { error, .. }] = err.problems() else { panic!("{err}") };
/// assert!(matches!(error, RegexFault::Syntax { .. }));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Display)]
#[non_exhaustive]
pub enum RegexFault {
    /// A syntax error.
    #[display("{message}")]
    Syntax {
        /// The regex engine's message.
        message: String,
    },
    /// The compiled regex (or the set of all origin regexes) exceeds the engine's size limit.
    #[display(
        "it compiles to more than {limit} bytes, the regex engine's limit; simplify it or split it"
    )]
    TooBig {
        /// The limit, in bytes.
        limit: usize,
    },
}

/// The end of [`Problem::PatternTooBroad`]'s fix: the opt-in, except for `https://*`, which it
/// does not cover.
impl From<regex::Error> for RegexFault {
    fn from(error: regex::Error) -> Self {
        match error {
            regex::Error::CompiledTooBig(limit) => RegexFault::TooBig { limit },
            regex::Error::Syntax(message) => RegexFault::Syntax { message },
            other => RegexFault::Syntax {
                message: other.to_string(),
            },
        }
    }
}

/// Why an origin regex is too broad (see [`Problem::RegexTooBroad`]): some origin it matches
/// has a host nobody vetted. Decided over everything the regex can match, with the Public
/// Suffix List (ICANN and private sections).
///
/// # Example
/// ```
/// use corsair::{Cors, Problem, RegexBreadth};
/// let err = Cors::default()
///     .allowed_origin_regex(r"https://.*\.vercel\.app")
///     .supports_credentials()
///     .build()
///     .unwrap_err();
/// let [Problem::RegexTooBroad { reason, .. }] = err.problems() else { panic!("{err}") };
/// assert_eq!(reason, &RegexBreadth::PublicSuffix { suffix: "vercel.app".into() });
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Display)]
#[non_exhaustive]
pub enum RegexBreadth {
    /// The part of the host the regex lets vary sits directly under a public suffix.
    #[display("the part of the host it lets vary sits directly under `{suffix}`, a public suffix where anyone can register a name or get a subdomain")]
    PublicSuffix {
        /// The public suffix, e.g. `vercel.app` or `com`.
        suffix: String,
    },
    /// The varying part may span several labels, and the list has public suffixes below the
    /// fixed domain (`s3.amazonaws.com` below `amazonaws.com`).
    #[display("the part of the host it lets vary may span several labels, and the Public Suffix List has public suffixes below `{domain}`, where anyone can get a subdomain")]
    SuffixesBelow {
        /// The fixed domain the host ends with.
        domain: String,
    },
    /// The host does not end in a fixed domain name (`[a-z]{3}`, an IP address range).
    #[display("the host does not end in a fixed domain name, so nothing shows that it stays within a domain you own")]
    NoFixedDomain,
}

/// One mistake in a CORS policy, with what to do about it.
///
/// Every variant carries the offending value where there is one, and its `Display` ends with
/// a fix hint.
///
/// # Example
/// ```
/// use corsair::{Cors, Problem};
///
/// let err = Cors::default()
///     .allow_any_origin()
///     .supports_credentials()
///     .max_age(100_000)
///     .build()
///     .unwrap_err();
/// assert!(err.problems().contains(&Problem::CredentialedAnyOrigin));
/// assert!(err.problems().contains(&Problem::MaxAgeTooLong { seconds: 100_000 }));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// Any origin together with credentials.
    CredentialedAnyOrigin,
    /// `send_wildcard` together with credentials.
    CredentialedWildcard,
    /// `send_wildcard` without `allow_any_origin`.
    WildcardWithoutAnyOrigin,
    /// `allow_null_origin` together with credentials: any page can send `Origin: null`.
    CredentialedNullOrigin,
    /// `Cors::permissive()` left a part wide open that conflicts with credentials.
    PermissiveWithCredentials {
        /// What is still wide open, e.g. `"any origin"`.
        what: &'static str,
        /// The call that narrows it, e.g. ``"list the origins with `.allowed_origin(..)`"``.
        fix: &'static str,
    },
    /// An explicit "any" call together with a list for the same setting.
    AnyAndList {
        /// The "any" method, e.g. `allow_any_header`.
        any: &'static str,
        /// The list method, e.g. `allowed_headers`.
        list: &'static str,
    },
    /// A value given to a builder method that does not convert into a method or header name.
    Unconvertible {
        /// The builder method, e.g. `allowed_headers`.
        call: &'static str,
        /// The entry's position in that call, counting from 1.
        position: usize,
        /// The conversion error.
        error: String,
    },
    /// An origin regex that may let in a site nobody vetted: with credentials always, and
    /// without them unless `dangerously_allow_subdomains_of_public_suffixes` is called.
    RegexTooBroad {
        /// The regex as written.
        value: String,
        /// Where it came from.
        source: Source,
        /// What makes it too broad.
        reason: RegexBreadth,
    },
    /// An origin regex that can match plain-`http` origins (other than loopback), with credentials.
    CredentialedInsecureRegex {
        /// The regex as written.
        value: String,
        /// Where it came from.
        source: Source,
    },
    /// `expose_any_header` together with credentials.
    CredentialedExposeAny,
    /// `allow_any_origin` together with specific origins, patterns, regexes or predicates.
    AnyOriginConflict {
        /// What it conflicts with.
        with: OriginRules,
    },
    /// A configured origin is not a serialized origin.
    InvalidOrigin {
        /// The value as written.
        value: String,
        /// Where it came from.
        source: Source,
        /// What is wrong with it, with the fix.
        fault: OriginFault,
    },
    /// The literal origin `null` without opting in.
    NullOrigin {
        /// Where it came from.
        source: Source,
    },
    /// An origin pattern that cannot be parsed.
    InvalidPattern {
        /// The pattern as written.
        value: String,
        /// Where it came from.
        source: Source,
        /// What is wrong with it, with the fix.
        fault: OriginFault,
    },
    /// An origin pattern whose wildcard covers a public suffix or a top-level domain (or
    /// every domain: `https://*`). Refused with credentials always, and without them unless
    /// `dangerously_allow_subdomains_of_public_suffixes` is called (which never covers
    /// `https://*`: say `allow_any_origin` for that).
    PatternTooBroad {
        /// The pattern as written.
        value: String,
        /// Where it came from.
        source: Source,
        /// The public suffix the wildcard covers, e.g. `co.uk`.
        suffix: String,
    },
    /// An origin pattern whose wildcard reaches public suffixes listed below its domain
    /// (`https://*.amazonaws.com` reaches `bucket.s3.amazonaws.com`). Refused like
    /// [`Problem::PatternTooBroad`].
    PatternReachesPublicSuffixes {
        /// The pattern as written.
        value: String,
        /// Where it came from.
        source: Source,
        /// The domain after `*.`, e.g. `amazonaws.com`.
        domain: String,
    },
    /// A regular expression that does not compile.
    InvalidRegex {
        /// The regex as written.
        value: String,
        /// Where it came from.
        source: Source,
        /// What the regex engine found.
        error: RegexFault,
    },
    /// A regular expression with an unescaped `.` in its host part.
    RegexUnescapedDot {
        /// The regex as written.
        value: String,
        /// Where it came from.
        source: Source,
        /// The regex with its host dots escaped.
        suggestion: String,
    },
    /// A method that is not an HTTP token.
    InvalidMethod {
        /// The value as written.
        value: String,
    },
    /// A method the Fetch standard forbids (`CONNECT`, `TRACE`, `TRACK`).
    ForbiddenMethod {
        /// The value as written.
        value: String,
    },
    /// A well-known method written in lower case (methods are case-sensitive).
    LowercaseMethod {
        /// The value as written.
        value: String,
        /// The upper-case method.
        suggestion: String,
    },
    /// A header name that is not an HTTP token.
    InvalidHeaderName {
        /// The value as written.
        value: String,
        /// The list it was given for ([`NameList::AllowedHeaders`] or
        /// [`NameList::ExposedHeaders`]).
        list: NameList,
    },
    /// `max_age` above what any browser honours.
    MaxAgeTooLong {
        /// The configured value in seconds.
        seconds: usize,
    },
    /// A preflight status that is not 2xx.
    PreflightStatus {
        /// The configured status code.
        status: u16,
    },
    /// An environment variable that was required but is missing or not Unicode.
    MissingEnvVar {
        /// The variable's name.
        var: String,
    },
    /// An insecure `http://` origin other than loopback together with credentials.
    InsecureCredentialedOrigin {
        /// The origin (or pattern) as written.
        value: String,
        /// Where it came from.
        source: Source,
    },
    /// A header name the Fetch standard does not let scripts set (a forbidden request-header
    /// name) in the allowed request headers.
    ForbiddenRequestHeader {
        /// The header name.
        value: String,
    },
    /// A lone `*` in a method or header list, which browsers read as "everything".
    WildcardInList {
        /// The list (its [`NameList::any_call`] is the builder method that means "any").
        list: NameList,
    },
    /// `Set-Cookie` or `Set-Cookie2` in the exposed headers.
    ForbiddenExposedHeader {
        /// The header name.
        value: String,
    },
    /// Cross-origin protection that would trust every origin: "any origin" together with
    /// [`Cors::cross_origin_protection`](crate::Cors::cross_origin_protection), or a `*`
    /// given to [`CrossOriginProtection::trusted_origin`](crate::CrossOriginProtection::trusted_origin).
    ProtectionTrustsAnyOrigin {
        /// The call that means every origin, e.g. `.allow_any_origin()`.
        any: &'static str,
        /// The protection call, e.g. `.cross_origin_protection()`.
        protection: &'static str,
    },
    /// Private Network Access together with every origin (`allow_any_origin`, with or without
    /// `send_wildcard`, or `Cors::permissive()`).
    PrivateNetworkAnyOrigin {
        /// The call that allows every origin: `"allow_any_origin()"` or `"Cors::permissive()"`.
        call: &'static str,
        /// `" (a list narrows permissive())"` after `Cors::permissive()`, else empty.
        narrows: &'static str,
    },
    /// Private Network Access together with the `null` origin, which any website can send.
    PrivateNetworkNullOrigin,
    /// A plain-`http` origin or pattern (other than loopback) with Private Network Access.
    InsecurePrivateNetworkOrigin {
        /// The origin (or pattern) as written.
        value: String,
        /// Where it came from.
        source: Source,
    },
    /// An origin regex that can match plain-`http` origins (other than loopback), with Private
    /// Network Access.
    PrivateNetworkInsecureRegex {
        /// The regex as written.
        value: String,
        /// Where it came from.
        source: Source,
    },
    /// An entry of `trusted_proxies` that is neither an IP address nor a CIDR range.
    InvalidTrustedProxy {
        /// The entry as written.
        value: String,
        /// What is wrong with it, with the fix.
        fault: ProxyFault,
    },
    /// A `public_origin` that is not a serialized origin.
    InvalidPublicOrigin {
        /// The value as written.
        value: String,
        /// What is wrong with it, with the fix.
        fault: OriginFault,
    },
}

impl Problem {
    /// The problem and its fix, naming options in `words`: builder calls for a policy built
    /// in code, config fields for a [`CorsConfig`](crate::CorsConfig).
    pub(crate) fn write(&self, f: &mut fmt::Formatter<'_>, words: Words) -> fmt::Result {
        use Setting as S;
        let w = words;
        match self {
            Problem::CredentialedAnyOrigin => write!(
                f,
                "{} together with {} would hand every website your users' cookies{}; list the trusted origins {} instead, or {}",
                S::AllowAnyOrigin.name(w),
                S::SupportsCredentials.name(w),
                w.config_aside(" (Starlette quietly echoes the origin instead)"),
                S::AllowedOrigin.with(w),
                S::SupportsCredentials.off(w),
            ),
            Problem::CredentialedWildcard => write!(
                f,
                "{} together with credentials, and browsers reject `Access-Control-Allow-Origin: *` on credentialed requests; drop one of them",
                S::SendWildcard.is_set(w),
            ),
            Problem::WildcardWithoutAnyOrigin => write!(
                f,
                "{} only applies to {}, but specific origins are configured; {} or use {}",
                S::SendWildcard.name(w),
                S::AllowAnyOrigin.name(w),
                S::SendWildcard.off(w),
                S::AllowAnyOrigin.name(w),
            ),
            Problem::CredentialedNullOrigin => write!(
                f,
                "{} together with credentials, but any website can make a browser send `Origin: null` (a sandboxed iframe is enough), so this hands every website your users' credentialed responses; {}{}, or {}; if the server is unreachable from the web, {} (see SECURITY.md)",
                S::AllowNullOrigin.is_set(w),
                S::AllowNullOrigin.off(w),
                null_entry(w),
                S::SupportsCredentials.off(w),
                S::AllowNullOriginWithCredentialsDangerously.on(w),
            ),
            Problem::PermissiveWithCredentials { what, fix } => write!(
                f,
                "`Cors::permissive()` allows {what}, which cannot be combined with {}; {fix} (a list narrows `permissive()`), or {}",
                S::SupportsCredentials.name(w),
                S::SupportsCredentials.off(w),
            ),
            Problem::AnyAndList { any, list } => write!(
                f,
                "`.{any}()` and `.{list}(..)` are both called, so it is unclear whether you mean every one or only the list (actix-cors lets the later call win; corsair refuses to guess); keep one of the two calls"
            ),
            Problem::Unconvertible {
                call,
                position,
                error,
            } => write!(
                f,
                "entry {position} given to `.{call}(..)` does not convert: {error}; write a valid name (letters, digits and ``!#$%&'*+-.^_`|~``), e.g. `x-request-id` or `PUT`"
            ),
            Problem::RegexTooBroad {
                value,
                source,
                reason,
            } => write!(
                f,
                "origin regex `{value}` ({source}) is too broad: {reason}; list the deployment origins {}, or anchor the regex on a domain you own, e.g. `https://[a-z0-9-]+\\.example\\.com`; if credentials are off and you accept that any site there may read your responses, {}",
                S::AllowedOrigin.with(w),
                S::DangerouslyAllowSubdomainsOfPublicSuffixes.on(w),
            ),
            Problem::CredentialedInsecureRegex { value, source } => write!(
                f,
                "origin regex `{value}` ({source}) can match plain-http origins, which anyone on the network path can forge, and credentials are on; begin it with `https://` (or a loopback host such as `http://localhost:`), or {} if this is a closed network",
                S::AllowInsecureCredentialedOrigins.on(w),
            ),
            Problem::CredentialedExposeAny => write!(
                f,
                "{} together with {}, and browsers read `Access-Control-Expose-Headers: *` literally on credentialed requests (exposing nothing); list the headers {}",
                S::ExposeAnyHeader.is_set(w),
                S::SupportsCredentials.name(w),
                S::ExposeHeaders.with(w),
            ),
            Problem::AnyOriginConflict { with } => write!(
                f,
                "{} together with {with}, so it is unclear whether you mean every origin or only those; keep one of them",
                S::AllowAnyOrigin.is_set(w),
            ),
            Problem::InvalidOrigin {
                value,
                source,
                fault,
            } => write!(
                f,
                "origin `{value}` ({source}) is not valid: {}",
                fault.in_words(w)
            ),
            Problem::NullOrigin { source } => write!(
                f,
                "origin `null` ({source}) is sent by sandboxed iframes, `file:` pages and redirects, so any site can produce it{}; {} if you really mean it",
                w.config_aside(" (Starlette accepts it silently)"),
                S::AllowNullOrigin.on(w),
            ),
            Problem::InvalidPattern {
                value,
                source,
                fault,
            } => write!(
                f,
                "origin pattern `{value}` ({source}) is not valid: {}",
                fault.in_words(w)
            ),
            Problem::PatternTooBroad {
                value,
                source,
                suffix,
            } => {
                write!(
                    f,
                    "origin pattern `{value}` ({source}) lets anyone who registers a domain under `{suffix}` in; put your own registered domain after `*.`, e.g. `https://*.example.com`, or list the deployment origins; "
                )?;
                if suffix == "every domain" {
                    write!(f, "for every origin, {}", S::AllowAnyOrigin.on(w))
                } else {
                    write!(
                        f,
                        "if credentials are off and you accept that risk, {}",
                        S::DangerouslyAllowSubdomainsOfPublicSuffixes.on(w)
                    )
                }
            }
            Problem::PatternReachesPublicSuffixes {
                value,
                source,
                domain,
            } => write!(
                f,
                "origin pattern `{value}` ({source}) reaches the public suffixes the Public Suffix List has below `{domain}`, so anyone who gets a subdomain there is let in; put the subdomain you own after `*.`, or list the deployment origins; if credentials are off and you accept that risk, {}",
                S::DangerouslyAllowSubdomainsOfPublicSuffixes.on(w),
            ),
            Problem::InvalidRegex {
                value,
                source,
                error,
            } => write!(
                f,
                "origin regex `{value}` ({source}) does not compile: {error}; fix the syntax, or use {} for a simple wildcard",
                S::AllowedOriginPattern.name(w),
            ),
            Problem::RegexUnescapedDot {
                value,
                source,
                suggestion,
            } => write!(
                f,
                "origin regex `{value}` ({source}) has an unescaped `.` in the host, which matches any character (`appXexample.com`); escape it as `\\.`, e.g. `{suggestion}`"
            ),
            Problem::InvalidMethod { value } => write!(
                f,
                "method `{value}` in {} is not a valid HTTP method token; write the method name alone, e.g. `PUT` (letters, no spaces or separators)",
                S::AllowedMethods.list(w),
            ),
            Problem::ForbiddenMethod { value } => write!(
                f,
                "method `{value}` in {} is forbidden by the Fetch standard and browsers never send it cross-origin; remove it",
                S::AllowedMethods.list(w),
            ),
            Problem::LowercaseMethod { value, suggestion } => write!(
                f,
                "method `{value}` in {} is lower case, but methods are case-sensitive and browsers send `{suggestion}`; write `{suggestion}`",
                S::AllowedMethods.list(w),
            ),
            Problem::InvalidHeaderName { value, list } => write!(
                f,
                "header `{value}` in {} is not a valid header name; write it with letters, digits and ``!#$%&'*+-.^_`|~`` only, e.g. `x-request-id`",
                list.setting().list(w),
            ),
            Problem::MaxAgeTooLong { seconds } => write!(
                f,
                "{} of {seconds} s is above 86400 s (24 h): Firefox caps preflights at 24 h and Chromium at 2 h, so a longer value only misleads; use at most 86400 (7200 is what Chromium honours)",
                S::MaxAge.name(w),
            ),
            Problem::PreflightStatus { status } => write!(
                f,
                "{} {status} is not a success status, and browsers fail a preflight without a 2xx; use 204 (corsair's default) or 200{}",
                S::PreflightStatus.name(w),
                w.config_aside(" (Starlette's)"),
            ),
            Problem::MissingEnvVar { var } => write!(
                f,
                "environment variable ${var} is not set, empty, or not valid Unicode; set it to a comma-separated list such as `https://app.example.com, http://localhost:5173`, or use a default"
            ),
            Problem::InsecureCredentialedOrigin { value, source } => write!(
                f,
                "origin `{value}` ({source}) uses plain http together with {}, so anyone on the network path can forge it and read your users' data{}; use https, or {} if this is a closed network",
                S::SupportsCredentials.name(w),
                w.config_aside(" (Starlette allows it; corsair refuses)"),
                S::AllowInsecureCredentialedOrigins.on(w),
            ),
            Problem::ForbiddenRequestHeader { value } => write!(
                f,
                "`{value}` in {} is a forbidden request-header name (Fetch standard): browsers never let scripts send it, so no preflight asks for it; remove it",
                S::AllowedHeaders.list(w),
            ),
            Problem::WildcardInList { list } => write!(
                f,
                "`*` in {} means every {} to browsers, not a name; use {} if you mean that (it is checked against credentials), or list the names",
                list.setting().list(w),
                list.item(),
                list.any_setting().name(w),
            ),
            Problem::ForbiddenExposedHeader { value } => write!(
                f,
                "`{value}` in {} is a forbidden response header that browsers never show to scripts; remove it",
                S::ExposeHeaders.list(w),
            ),
            Problem::ProtectionTrustsAnyOrigin { any, protection } => write!(
                f,
                "`{any}` and `{protection}` are both set, but protection that trusts every origin lets any website send writes and open WebSockets with your users' cookies, so it protects nothing; list the origins to trust instead, or drop one of the two"
            ),
            Problem::PrivateNetworkAnyOrigin { call, narrows } => {
                match w {
                    Words::Builder => write!(f, "`{call}`")?,
                    // A config allows every origin only with `"*"` in `allow_origins`.
                    Words::Config => write!(f, "{}", S::AllowAnyOrigin.name(w))?,
                }
                write!(
                    f,
                    " allows every origin, so {} would answer any website's Private Network Access preflight with `Access-Control-Allow-Private-Network: true`, switching off the browser's protection of this private-network server for the whole web; list the sites that may reach it {}{narrows}, or {}",
                    S::AllowPrivateNetworkAccess.name(w),
                    S::AllowedOrigin.with(w),
                    S::AllowPrivateNetworkAccess.off(w),
                )
            }
            Problem::PrivateNetworkNullOrigin => write!(
                f,
                "{} together with {}, but any website can make a browser send `Origin: null` (a sandboxed iframe is enough), so every website could reach this private-network server; {}{}, or {}",
                S::AllowNullOrigin.is_set(w),
                S::AllowPrivateNetworkAccess.name(w),
                S::AllowNullOrigin.off(w),
                null_entry(w),
                S::AllowPrivateNetworkAccess.off(w),
            ),
            Problem::InsecurePrivateNetworkOrigin { value, source } => write!(
                f,
                "origin `{value}` ({source}) uses plain http together with {}, so anyone on the network path can forge it and reach this private-network server; use https, or {} if this is a closed network",
                S::AllowPrivateNetworkAccess.name(w),
                S::AllowInsecureCredentialedOrigins.on(w),
            ),
            Problem::PrivateNetworkInsecureRegex { value, source } => write!(
                f,
                "origin regex `{value}` ({source}) can match plain-http origins, which anyone on the network path can forge, and {} is on; begin it with `https://` (or a loopback host such as `http://localhost:`), or {} if this is a closed network",
                S::AllowPrivateNetworkAccess.name(w),
                S::AllowInsecureCredentialedOrigins.on(w),
            ),
            Problem::InvalidTrustedProxy { value, fault } => {
                write!(f, "trusted proxy `{value}` is not valid: {fault}")
            }
            Problem::InvalidPublicOrigin { value, fault } => write!(
                f,
                "public origin `{value}` is not valid: {}",
                fault.in_words(w)
            ),
        }
    }

    /// The problem in `words`, for a message that embeds it.
    pub(crate) fn in_words(&self, words: Words) -> impl fmt::Display + '_ {
        InWords(move |f: &mut fmt::Formatter<'_>| self.write(f, words))
    }
}

/// After "drop the null-origin option": the `null` entry that goes with it.
fn null_entry(words: Words) -> &'static str {
    match words {
        Words::Builder => " (or the `null` entry)",
        Words::Config => " and remove any `\"null\"` entry from `allow_origins`",
    }
}

impl fmt::Display for Problem {
    /// The problem and its fix, in builder words (`.supports_credentials()`); a
    /// [`ConfigError`] from [`CorsConfig::build`](crate::CorsConfig::build) shows it in the
    /// config's words (`allow_credentials = true`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f, Words::Builder)
    }
}

/// Why a [`trusted_proxies`](crate::Cors::trusted_proxies) entry is refused (see
/// [`Problem::InvalidTrustedProxy`]); its `Display` ends with the fix.
///
/// # Example
/// ```
/// use corsair::{Cors, Problem, ProxyFault};
/// let err = Cors::default()
///     .allowed_origin("https://app.example.com")
///     .trusted_proxies(["10.0.0.1/8"])
///     .build()
///     .unwrap_err();
/// let [Problem::InvalidTrustedProxy { fault, .. }] = err.problems() else { panic!("{err}") };
/// assert_eq!(*fault, ProxyFault::HostBits { suggestion: "10.0.0.0/8".into() });
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Display)]
#[non_exhaustive]
pub enum ProxyFault {
    /// Not an IPv4 or IPv6 address, with or without a `/prefix`.
    #[display(
        "write an IP address (`10.0.0.1`, `fd00::1`) or a CIDR range (`10.0.0.0/8`, `fd00::/8`)"
    )]
    NotAnAddress,
    /// A prefix length longer than the address (`/33` for IPv4, `/129` for IPv6), or not a
    /// number.
    #[display("its prefix length must be a number from 0 to {max}; write e.g. `10.0.0.0/8`")]
    Prefix {
        /// The longest prefix for the address family: 32 or 128.
        max: u8,
    },
    /// Bits set after the prefix (`10.0.0.1/8`): probably a typo for one address or for the
    /// network.
    #[display("it has bits set after its prefix; write the network, `{suggestion}`, or the one address without a prefix")]
    HostBits {
        /// The range with the bits after the prefix cleared.
        suggestion: String,
    },
}

/// Everything wrong with a policy, or with the config it was to be built from: the one error
/// of [`Cors::build`](crate::Cors::build), [`CorsConfig::build`](crate::CorsConfig::build)
/// and the TOML loaders (`CorsConfig::from_toml_file`, `CorsConfig::from_toml_str`).
///
/// `Display` (and `Debug`, so that `main` returning `Result` prints it readably) lists every
/// problem on its own line with its fix. The fix names options the way the policy was
/// written: builder calls for a policy built in code (`drop .supports_credentials()`), config
/// fields for a [`CorsConfig`](crate::CorsConfig) (`set allow_credentials = false`). The
/// typed [`Problem`]s are the same either way.
///
/// A TOML file that could not be read or parsed has no problems (nothing was checked yet):
/// its `Display` names the file, line and column, and `file()`, `line()` and `column()` (feature
/// `toml`) return them.
///
/// # Example
/// ```
/// use corsair::Cors;
///
/// let err = Cors::default()
///     .allowed_origin("https://app.com/")
///     .allowed_origin("app.com")
///     .build()
///     .unwrap_err();
/// assert_eq!(err.problems().len(), 2);
/// let text = err.to_string();
/// assert!(text.contains("2 problems"));
/// assert!(text.contains("write `https://app.com`"));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct ConfigError {
    failure: Failure,
}

#[derive(Clone, PartialEq, Eq)]
enum Failure {
    /// The policy's problems, with the words their fixes name options in.
    Problems {
        problems: Vec<Problem>,
        words: Words,
    },
    /// A TOML config that could not be read or parsed.
    #[cfg(feature = "toml")]
    Toml(Box<crate::config_toml::TomlFailure>),
}

impl ConfigError {
    /// The problems of a policy built in code: fixes name builder calls.
    pub(crate) fn new(problems: Vec<Problem>) -> Self {
        Self::in_words(problems, Words::Builder)
    }

    /// The problems of a policy, with fixes naming options in `words`.
    pub(crate) fn in_words(problems: Vec<Problem>, words: Words) -> Self {
        debug_assert!(!problems.is_empty());
        ConfigError {
            failure: Failure::Problems { problems, words },
        }
    }

    /// A TOML config that could not be read or parsed.
    #[cfg(feature = "toml")]
    pub(crate) fn toml(failure: crate::config_toml::TomlFailure) -> Self {
        ConfigError {
            failure: Failure::Toml(Box::new(failure)),
        }
    }

    /// Every problem found, grouped by category: origins (a missing environment variable
    /// first), builder arguments that did not convert, methods, request headers, exposed
    /// headers, combinations of options, then the remaining options. Within a category,
    /// problems keep the order the configuration was written in. Empty for a TOML file that
    /// could not be read or parsed.
    ///
    /// ```
    /// use corsair::{Cors, Problem};
    /// let err = Cors::default().allowed_methods(["TRACE"]).build().unwrap_err();
    /// assert_eq!(
    ///     err.problems(),
    ///     &[Problem::ForbiddenMethod { value: "TRACE".into() }]
    /// );
    /// ```
    pub fn problems(&self) -> &[Problem] {
        match &self.failure {
            Failure::Problems { problems, .. } => problems,
            #[cfg(feature = "toml")]
            Failure::Toml(_) => &[],
        }
    }

    /// Consumes the error into its problems.
    ///
    /// ```
    /// use corsair::Cors;
    /// let problems = Cors::default().max_age(90_000).build().unwrap_err().into_problems();
    /// assert_eq!(problems.len(), 1);
    /// ```
    pub fn into_problems(self) -> Vec<Problem> {
        match self.failure {
            Failure::Problems { problems, .. } => problems,
            #[cfg(feature = "toml")]
            Failure::Toml(_) => Vec::new(),
        }
    }

    /// The TOML file that could not be read or parsed, for
    /// [`CorsConfig::from_toml_file`](crate::CorsConfig::from_toml_file).
    ///
    /// ```
    /// let err = corsair::CorsConfig::from_toml_file("surely/missing/cors.toml").unwrap_err();
    /// assert_eq!(err.file(), Some(std::path::Path::new("surely/missing/cors.toml")));
    /// assert!(err.to_string().starts_with("cannot read CORS config surely/missing/cors.toml: "));
    /// ```
    #[cfg(feature = "toml")]
    #[cfg_attr(docsrs, doc(cfg(feature = "toml")))]
    pub fn file(&self) -> Option<&std::path::Path> {
        self.toml_failure().and_then(|t| t.file())
    }

    /// The line of a TOML syntax or type error, counting from 1 (`None` for a file that could
    /// not be read, a parser that did not say where, or a config with problems).
    ///
    /// ```
    /// let err = corsair::CorsConfig::from_toml_str("max_age = 600\nmax_age = 60").unwrap_err();
    /// assert_eq!(err.line(), Some(2));
    /// assert!(err.problems().is_empty());
    /// ```
    #[cfg(feature = "toml")]
    #[cfg_attr(docsrs, doc(cfg(feature = "toml")))]
    pub fn line(&self) -> Option<usize> {
        self.toml_failure().and_then(|t| t.line())
    }

    /// The column of a TOML syntax or type error in its line, counting characters from 1.
    ///
    /// ```
    /// let err = corsair::CorsConfig::from_toml_str("max_age = -1").unwrap_err();
    /// assert_eq!(err.column(), Some(11));
    /// ```
    #[cfg(feature = "toml")]
    #[cfg_attr(docsrs, doc(cfg(feature = "toml")))]
    pub fn column(&self) -> Option<usize> {
        self.toml_failure().and_then(|t| t.column())
    }

    #[cfg(feature = "toml")]
    fn toml_failure(&self) -> Option<&crate::config_toml::TomlFailure> {
        match &self.failure {
            Failure::Toml(t) => Some(t),
            Failure::Problems { .. } => None,
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (problems, words) = match &self.failure {
            Failure::Problems { problems, words } => (problems, *words),
            #[cfg(feature = "toml")]
            Failure::Toml(t) => return fmt::Display::fmt(t, f),
        };
        let what = match words {
            Words::Builder => "policy",
            Words::Config => "config",
        };
        match problems.as_slice() {
            [one] => write!(f, "invalid CORS {what}: {}", one.in_words(words)),
            many => {
                write!(f, "invalid CORS {what}, {} problems:", many.len())?;
                for (i, p) in many.iter().enumerate() {
                    write!(f, "\n  {}. {}", i + 1, p.in_words(words))?;
                }
                Ok(())
            }
        }
    }
}

impl fmt::Debug for ConfigError {
    /// Same as `Display`, so `fn main() -> Result<(), Box<dyn Error>>` prints something useful.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for ConfigError {
    /// The I/O error of a TOML file that could not be read.
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.failure {
            Failure::Problems { .. } => None,
            #[cfg(feature = "toml")]
            Failure::Toml(t) => t.source(),
        }
    }
}

/// The counterpart of `actix_cors::CorsError`, so code that names it compiles after switching
/// the `use` line.
///
/// corsair's middleware never returns it: a refused request is answered (or passed on) without
/// CORS headers, as the Fetch standard expects, and [`Refusal`](crate::Refusal) says why. It
/// is provided for code that matches on or converts `CorsError`, and converts from a
/// [`Refusal`](crate::Refusal). As an actix [`ResponseError`](actix_web::ResponseError) it
/// answers `400 Bad Request` with its message, as in `actix-cors`.
///
/// # Example
/// ```
/// use corsair::{CorsError, Refusal};
/// let err = CorsError::from(Refusal::OriginNotAllowed);
/// assert!(matches!(err, CorsError::OriginNotAllowed));
/// assert_eq!(err.to_string(), "Origin is not allowed to make this request");
/// ```
#[derive(Debug, Clone, Display, Error)]
#[non_exhaustive]
pub enum CorsError {
    /// A `*` was given as an origin.
    #[display("`allowed_origin` argument must not be wildcard (`*`)")]
    WildcardOrigin,
    /// The request has no `Origin` header.
    #[display("Request header `Origin` is required but was not provided")]
    MissingOrigin,
    /// The preflight has no `Access-Control-Request-Method`.
    #[display("Request header `Access-Control-Request-Method` is required but is missing")]
    MissingRequestMethod,
    /// `Access-Control-Request-Method` is not a method.
    #[display("Request header `Access-Control-Request-Method` has an invalid value")]
    BadRequestMethod,
    /// `Access-Control-Request-Headers` is not a list of header names.
    #[display("Request header `Access-Control-Request-Headers` has an invalid value")]
    BadRequestHeaders,
    /// The origin is not allowed.
    #[display("Origin is not allowed to make this request")]
    OriginNotAllowed,
    /// The requested method is not allowed.
    #[display("Requested method is not allowed")]
    MethodNotAllowed,
    /// A requested header is not allowed.
    #[display("One or more request headers are not allowed")]
    HeadersNotAllowed,
}

impl From<crate::Refusal> for CorsError {
    fn from(refusal: crate::Refusal) -> Self {
        use crate::Refusal as R;
        match refusal {
            R::MultipleOrigins | R::MalformedOrigin | R::NullOrigin | R::OriginNotAllowed => {
                CorsError::OriginNotAllowed
            }
            R::MalformedMethod => CorsError::BadRequestMethod,
            R::MethodNotAllowed => CorsError::MethodNotAllowed,
            R::MalformedHeaders => CorsError::BadRequestHeaders,
            R::HeaderNotAllowed => CorsError::HeadersNotAllowed,
        }
    }
}

impl actix_web::ResponseError for CorsError {
    fn status_code(&self) -> actix_web::http::StatusCode {
        actix_web::http::StatusCode::BAD_REQUEST
    }

    fn error_response(&self) -> actix_web::HttpResponse {
        actix_web::HttpResponse::with_body(self.status_code(), self.to_string())
            .map_into_boxed_body()
    }
}
