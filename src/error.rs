//! Configuration errors: every problem a policy has, as typed values with a fix hint.
//!
//! [`Cors::build`](crate::Cors::build) never stops at the first mistake. It checks the whole
//! policy and returns a [`ConfigError`] that holds one [`Problem`] per mistake. Programs can
//! `match` on each problem; people read its `Display`, which names the offending value, where
//! it came from, and how to fix it.

use std::fmt;

use derive_more::{Display, Error};

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
#[derive(Debug, Clone, PartialEq, Eq, Display)]
#[non_exhaustive]
pub enum OriginFault {
    /// The string is empty.
    #[display(
        "it is empty; write an origin such as `https://app.example.com` (or a pattern such as `https://*.example.com`), or remove the entry"
    )]
    Empty,
    /// The string has white space or control characters.
    #[display("it contains white space or control characters; remove them")]
    Whitespace,
    /// No `scheme://` in front.
    #[display("it has no scheme; write `{suggestion}` (or `http://` for plain HTTP)")]
    MissingScheme {
        /// The text with `https://` put in front.
        suggestion: String,
    },
    /// The scheme is not `ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`.
    #[display("its scheme is not valid; write `https://` (or `http://`) before the host")]
    InvalidScheme,
    /// A `/` after the host: browsers never send one in `Origin`.
    #[display("it ends with `/`, which browsers never send in `Origin`; write `{suggestion}`")]
    TrailingSlash {
        /// The text without the slash.
        suggestion: String,
    },
    /// A path after the host.
    #[display("it has a path; an origin is only scheme, host and port: write `{suggestion}`")]
    Path {
        /// The text without its path.
        suggestion: String,
    },
    /// A `?query` after the host.
    #[display("it has a query; write `{suggestion}`")]
    Query {
        /// The text without its query.
        suggestion: String,
    },
    /// A `#fragment` after the host.
    #[display("it has a fragment; write `{suggestion}`")]
    Fragment {
        /// The text without its fragment.
        suggestion: String,
    },
    /// `user:pass@` before the host.
    #[display(
        "it has user information (`...@`), which never appears in an origin; write `{suggestion}`"
    )]
    Userinfo {
        /// The text without the user information.
        suggestion: String,
    },
    /// The scheme's default port is written out; browsers omit it.
    #[display("port {port} is the default for {scheme}, and browsers leave it out of `Origin`; write `{suggestion}`")]
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
    #[display("its port is not a number from 1 to 65535 without leading zeros; write e.g. `https://app.example.com:8443` (in a pattern, `:*` for any port), or remove the port")]
    InvalidPort,
    /// The host is empty or not a valid host name or IP literal.
    #[display("its host is not a valid host name or IP address; write a DNS name of letters, digits and `-` between single dots (`app.example.com`, or `*.example.com` in a pattern), an IPv4 address, or an IPv6 address in brackets (`[::1]`)")]
    InvalidHost,
    /// Non-ASCII characters: browsers send internationalized names in punycode.
    #[display("it has non-ASCII characters; browsers send internationalized domain names in punycode (`xn--...`), write it that way")]
    NonAscii,
    /// Upper-case letters: browsers serialize scheme and host in lower case.
    #[display("it has upper-case letters, but browsers send scheme and host in lower case; write `{suggestion}`")]
    Uppercase {
        /// The text in lower case.
        suggestion: String,
    },
    /// An IP address not written the way browsers serialize it (`127.1`, `0x7f.0.0.1`,
    /// `[0:0:0:0:0:0:0:1]`): such an origin could never match, because browsers send the
    /// canonical form.
    #[display("its IP address is not written as browsers serialize it (they would send `{suggestion}`); write `{suggestion}`")]
    NonCanonicalIp {
        /// The origin with the address in canonical form.
        suggestion: String,
    },
    /// A lone `*` given as an origin. actix-cors refuses it too (`allowed_origin("*")`), and
    /// corsair refuses it wherever origins are listed (lists, environment variables, files),
    /// so that "every origin" is always written out as [`Cors::allow_any_origin`](crate::Cors::allow_any_origin).
    #[display("`*` is not an origin, and corsair does not read it as \"every origin\" (actix-cors refuses it too); to allow every origin call `.allow_any_origin()`, which echoes the request's origin, and add `.send_wildcard()` to answer `Access-Control-Allow-Origin: *` instead")]
    AnyOrigin,
    /// A `*` inside an exact origin.
    #[display("a `*` inside an origin matches nothing; use `.allowed_origin_pattern(\"{value}\")` for wildcard subdomains or ports, or `.allow_any_origin()` for every origin")]
    Wildcard {
        /// The value as written, to paste into the pattern API.
        value: String,
    },
    /// A pattern with a wildcard in the scheme.
    #[display("the scheme cannot be a wildcard; write one pattern per scheme")]
    WildcardScheme,
    /// A pattern with a wildcard elsewhere than a leading `*.` label or a `:*` port.
    #[display("only a leading `*.` label or a `:*` port may be a wildcard; write e.g. `https://*.example.com`, or use `.allowed_origin_regex(..)` for other shapes")]
    MisplacedWildcard,
    /// A pattern without any wildcard.
    #[display("it has no wildcard; use `.allowed_origin(..)` for a single origin")]
    NoWildcard,
    /// A pattern with a subdomain wildcard over an IP address.
    #[display("an IP address has no subdomains; list the address with `.allowed_origin(..)`")]
    IpAddress,
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
fn tolerable_hint(suffix: &str) -> &'static str {
    if suffix == "every domain" {
        "; for every origin, call `.allow_any_origin()`"
    } else {
        "; if credentials are off and you accept that risk, call `.dangerously_allow_subdomains_of_public_suffixes()`"
    }
}

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
#[derive(Debug, Clone, PartialEq, Eq, Display)]
#[non_exhaustive]
pub enum Problem {
    /// Any origin together with credentials.
    #[display("any origin is allowed together with credentials, which would hand every website your users' cookies; list the trusted origins with `.allowed_origin(..)` instead, or drop `.supports_credentials()`")]
    CredentialedAnyOrigin,
    /// `send_wildcard` together with credentials.
    #[display("`send_wildcard` is set together with credentials, and browsers reject `Access-Control-Allow-Origin: *` on credentialed requests; drop one of them")]
    CredentialedWildcard,
    /// `send_wildcard` without `allow_any_origin`.
    #[display("`send_wildcard` only applies to `allow_any_origin`, but specific origins are configured; drop `.send_wildcard()` or use `.allow_any_origin()`")]
    WildcardWithoutAnyOrigin,
    /// `allow_null_origin` together with credentials: any page can send `Origin: null`.
    #[display("`allow_null_origin` is set together with credentials, but any website can make a browser send `Origin: null` (a sandboxed iframe is enough), so this hands every website your users' credentialed responses; drop `.allow_null_origin()` (or the `null` entry), or drop `.supports_credentials()`; if the server is unreachable from the web, `.allow_null_origin_with_credentials_dangerously()` (see SECURITY.md)")]
    CredentialedNullOrigin,
    /// `Cors::permissive()` left a part wide open that conflicts with credentials.
    #[display("`Cors::permissive()` allows {what}, which cannot be combined with `.supports_credentials()`; {fix} (a list narrows `permissive()`), or drop `.supports_credentials()`")]
    PermissiveWithCredentials {
        /// What is still wide open, e.g. `"any origin"`.
        what: &'static str,
        /// The call that narrows it, e.g. ``"list the origins with `.allowed_origin(..)`"``.
        fix: &'static str,
    },
    /// An explicit "any" call together with a list for the same setting.
    #[display("`.{any}()` and `.{list}(..)` are both called, so it is unclear whether you mean every one or only the list (actix-cors lets the later call win; corsair refuses to guess); keep one of the two calls")]
    AnyAndList {
        /// The "any" method, e.g. `allow_any_header`.
        any: &'static str,
        /// The list method, e.g. `allowed_headers`.
        list: &'static str,
    },
    /// A value given to a builder method that does not convert into a method or header name.
    #[display("entry {position} given to `.{call}(..)` does not convert: {error}; write a valid name (letters, digits and ``!#$%&'*+-.^_`|~``), e.g. `x-request-id` or `PUT`")]
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
    #[display("origin regex `{value}` ({source}) is too broad: {reason}; list the deployment origins with `.allowed_origin(..)`, or anchor the regex on a domain you own, e.g. `https://[a-z0-9-]+\\.example\\.com`; if credentials are off and you accept that any site there may read your responses, call `.dangerously_allow_subdomains_of_public_suffixes()`")]
    RegexTooBroad {
        /// The regex as written.
        value: String,
        /// Where it came from.
        source: Source,
        /// What makes it too broad.
        reason: RegexBreadth,
    },
    /// An origin regex that can match plain-`http` origins (other than loopback), with credentials.
    #[display("origin regex `{value}` ({source}) can match plain-http origins, which anyone on the network path can forge, and credentials are on; begin it with `https://` (or a loopback host such as `http://localhost:`), or call `.allow_insecure_credentialed_origins()` if this is a closed network")]
    CredentialedInsecureRegex {
        /// The regex as written.
        value: String,
        /// Where it came from.
        source: Source,
    },
    /// `expose_any_header` together with credentials.
    #[display("`expose_any_header` is set together with credentials, and browsers read `Access-Control-Expose-Headers: *` literally on credentialed requests (exposing nothing); list the headers with `.expose_headers([..])`")]
    CredentialedExposeAny,
    /// `allow_any_origin` together with specific origins, patterns, regexes or predicates.
    #[display("`allow_any_origin` is set together with {with}, so it is unclear whether you mean every origin or only those; keep one of them")]
    AnyOriginConflict {
        /// What it conflicts with.
        with: OriginRules,
    },
    /// A configured origin is not a serialized origin.
    #[display("origin `{value}` ({source}) is not valid: {fault}")]
    InvalidOrigin {
        /// The value as written.
        value: String,
        /// Where it came from.
        source: Source,
        /// What is wrong with it, with the fix.
        fault: OriginFault,
    },
    /// The literal origin `null` without opting in.
    #[display("origin `null` ({source}) is sent by sandboxed iframes, `file:` pages and redirects, so any site can produce it; call `.allow_null_origin()` if you really mean it")]
    NullOrigin {
        /// Where it came from.
        source: Source,
    },
    /// An origin pattern that cannot be parsed.
    #[display("origin pattern `{value}` ({source}) is not valid: {fault}")]
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
    #[display("origin pattern `{value}` ({source}) lets anyone who registers a domain under `{suffix}` in; put your own registered domain after `*.`, e.g. `https://*.example.com`, or list the deployment origins{}", tolerable_hint(suffix))]
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
    #[display("origin pattern `{value}` ({source}) reaches the public suffixes the Public Suffix List has below `{domain}`, so anyone who gets a subdomain there is let in; put the subdomain you own after `*.`, or list the deployment origins; if credentials are off and you accept that risk, call `.dangerously_allow_subdomains_of_public_suffixes()`")]
    PatternReachesPublicSuffixes {
        /// The pattern as written.
        value: String,
        /// Where it came from.
        source: Source,
        /// The domain after `*.`, e.g. `amazonaws.com`.
        domain: String,
    },
    /// A regular expression that does not compile.
    #[display("origin regex `{value}` ({source}) does not compile: {error}; fix the syntax, or use `.allowed_origin_pattern(..)` for a simple wildcard")]
    InvalidRegex {
        /// The regex as written.
        value: String,
        /// Where it came from.
        source: Source,
        /// What the regex engine found.
        error: RegexFault,
    },
    /// A regular expression with an unescaped `.` in its host part.
    #[display("origin regex `{value}` ({source}) has an unescaped `.` in the host, which matches any character (`appXexample.com`); escape it as `\\.`, e.g. `{suggestion}`")]
    RegexUnescapedDot {
        /// The regex as written.
        value: String,
        /// Where it came from.
        source: Source,
        /// The regex with its host dots escaped.
        suggestion: String,
    },
    /// A method that is not an HTTP token.
    #[display("method `{value}` is not a valid HTTP method token; write the method name alone, e.g. `PUT` (letters, no spaces or separators)")]
    InvalidMethod {
        /// The value as written.
        value: String,
    },
    /// A method the Fetch standard forbids (`CONNECT`, `TRACE`, `TRACK`).
    #[display("method `{value}` is forbidden by the Fetch standard and browsers never send it cross-origin; remove it")]
    ForbiddenMethod {
        /// The value as written.
        value: String,
    },
    /// A well-known method written in lower case (methods are case-sensitive).
    #[display("method `{value}` is lower case, but methods are case-sensitive and browsers send `{suggestion}`; write `{suggestion}`")]
    LowercaseMethod {
        /// The value as written.
        value: String,
        /// The upper-case method.
        suggestion: String,
    },
    /// A header name that is not an HTTP token.
    #[display("header `{value}` in {list} is not a valid header name; write it with letters, digits and ``!#$%&'*+-.^_`|~`` only, e.g. `x-request-id`")]
    InvalidHeaderName {
        /// The value as written.
        value: String,
        /// The list it was given for ([`NameList::AllowedHeaders`] or
        /// [`NameList::ExposedHeaders`]).
        list: NameList,
    },
    /// `max_age` above what any browser honours.
    #[display("max_age of {seconds} s is above 86400 s (24 h): Firefox caps preflights at 24 h and Chromium at 2 h, so a longer value only misleads; use at most 86400 (7200 is what Chromium honours)")]
    MaxAgeTooLong {
        /// The configured value in seconds.
        seconds: usize,
    },
    /// A preflight status that is not 2xx.
    #[display("preflight status {status} is not a success status, and browsers fail a preflight without a 2xx; use 204 or 200")]
    PreflightStatus {
        /// The configured status code.
        status: u16,
    },
    /// An environment variable that was required but is missing or not Unicode.
    #[display("environment variable ${var} is not set, empty, or not valid Unicode; set it to a comma-separated list such as `https://app.example.com, http://localhost:5173`, or use a default")]
    MissingEnvVar {
        /// The variable's name.
        var: String,
    },
    /// An insecure `http://` origin other than loopback together with credentials.
    #[display("origin `{value}` ({source}) uses plain http together with credentials, so anyone on the network path can forge it and read your users' data; use https, or call `.allow_insecure_credentialed_origins()` if this is a closed network")]
    InsecureCredentialedOrigin {
        /// The origin (or pattern) as written.
        value: String,
        /// Where it came from.
        source: Source,
    },
    /// A header name the Fetch standard does not let scripts set (a forbidden request-header
    /// name) in the allowed request headers.
    #[display("`{value}` in allowed_headers is a forbidden request-header name (Fetch standard): browsers never let scripts send it, so no preflight asks for it; remove it")]
    ForbiddenRequestHeader {
        /// The header name.
        value: String,
    },
    /// A lone `*` in a method or header list, which browsers read as "everything".
    #[display("`*` in {list} means every {} to browsers, not a name; use `.{}()` if you mean that (it is checked against credentials), or list the names", list.item(), list.any_call())]
    WildcardInList {
        /// The list (its [`NameList::any_call`] is the builder method that means "any").
        list: NameList,
    },
    /// `Set-Cookie` or `Set-Cookie2` in the exposed headers.
    #[display("`{value}` in expose_headers is a forbidden response header that browsers never show to scripts; remove it")]
    ForbiddenExposedHeader {
        /// The header name.
        value: String,
    },
    /// Cross-origin protection that would trust every origin: "any origin" together with
    /// [`Cors::cross_origin_protection`](crate::Cors::cross_origin_protection), or a `*`
    /// given to [`CrossOriginProtection::trusted_origin`](crate::CrossOriginProtection::trusted_origin).
    #[display("`{any}` and `{protection}` are both set, but protection that trusts every origin lets any website send writes and open WebSockets with your users' cookies, so it protects nothing; list the origins to trust instead, or drop one of the two")]
    ProtectionTrustsAnyOrigin {
        /// The call that means every origin, e.g. `.allow_any_origin()`.
        any: &'static str,
        /// The protection call, e.g. `.cross_origin_protection()`.
        protection: &'static str,
    },
    /// Private Network Access together with every origin (`allow_any_origin`, with or without
    /// `send_wildcard`, or `Cors::permissive()`).
    #[display("`{call}` allows every origin, so `.allow_private_network_access()` would answer any website's Private Network Access preflight with `Access-Control-Allow-Private-Network: true`, switching off the browser's protection of this private-network server for the whole web; list the sites that may reach it with `.allowed_origin(..)`{narrows}, or drop `.allow_private_network_access()`")]
    PrivateNetworkAnyOrigin {
        /// The call that allows every origin: `"allow_any_origin()"` or `"Cors::permissive()"`.
        call: &'static str,
        /// `" (a list narrows permissive())"` after `Cors::permissive()`, else empty.
        narrows: &'static str,
    },
    /// Private Network Access together with the `null` origin, which any website can send.
    #[display("`allow_null_origin` is set together with `.allow_private_network_access()`, but any website can make a browser send `Origin: null` (a sandboxed iframe is enough), so every website could reach this private-network server; drop `.allow_null_origin()` (or the `null` entry), or drop `.allow_private_network_access()`")]
    PrivateNetworkNullOrigin,
    /// A plain-`http` origin or pattern (other than loopback) with Private Network Access.
    #[display("origin `{value}` ({source}) uses plain http together with `.allow_private_network_access()`, so anyone on the network path can forge it and reach this private-network server; use https, or call `.allow_insecure_credentialed_origins()` if this is a closed network")]
    InsecurePrivateNetworkOrigin {
        /// The origin (or pattern) as written.
        value: String,
        /// Where it came from.
        source: Source,
    },
    /// An origin regex that can match plain-`http` origins (other than loopback), with Private
    /// Network Access.
    #[display("origin regex `{value}` ({source}) can match plain-http origins, which anyone on the network path can forge, and `.allow_private_network_access()` is on; begin it with `https://` (or a loopback host such as `http://localhost:`), or call `.allow_insecure_credentialed_origins()` if this is a closed network")]
    PrivateNetworkInsecureRegex {
        /// The regex as written.
        value: String,
        /// Where it came from.
        source: Source,
    },
    /// An entry of `trusted_proxies` that is neither an IP address nor a CIDR range.
    #[display("trusted proxy `{value}` is not valid: {fault}")]
    InvalidTrustedProxy {
        /// The entry as written.
        value: String,
        /// What is wrong with it, with the fix.
        fault: ProxyFault,
    },
    /// A `public_origin` that is not a serialized origin.
    #[display("public origin `{value}` is not valid: {fault}")]
    InvalidPublicOrigin {
        /// The value as written.
        value: String,
        /// What is wrong with it, with the fix.
        fault: OriginFault,
    },
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

/// Everything wrong with a policy: the error of [`Cors::build`](crate::Cors::build).
///
/// `Display` (and `Debug`, so that `main` returning `Result` prints it readably) lists every
/// problem on its own line with its fix.
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
#[derive(Clone, PartialEq, Eq, Error)]
pub struct ConfigError {
    #[error(not(source))]
    problems: Vec<Problem>,
}

impl ConfigError {
    pub(crate) fn new(problems: Vec<Problem>) -> Self {
        debug_assert!(!problems.is_empty());
        ConfigError { problems }
    }

    /// Every problem found, grouped by category: origins (a missing environment variable
    /// first), builder arguments that did not convert, methods, request headers, exposed
    /// headers, combinations of options, then the remaining options. Within a category,
    /// problems keep the order the configuration was written in.
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
        &self.problems
    }

    /// Consumes the error into its problems.
    ///
    /// ```
    /// use corsair::Cors;
    /// let problems = Cors::default().max_age(90_000).build().unwrap_err().into_problems();
    /// assert_eq!(problems.len(), 1);
    /// ```
    pub fn into_problems(self) -> Vec<Problem> {
        self.problems
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.problems.as_slice() {
            [one] => write!(f, "invalid CORS policy: {one}"),
            many => {
                write!(f, "invalid CORS policy, {} problems:", many.len())?;
                for (i, p) in many.iter().enumerate() {
                    write!(f, "\n  {}. {p}", i + 1)?;
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
