//! The independent oracle shared by `tests/it/properties/invariants.rs` and `tests/it/properties/fuzz.rs`: a policy and a
//! request in the tests' own vocabulary (`Spec`, `Req`), the verdict the contract and the Fetch
//! standard call for (`oracle`), and the invariants every response must satisfy (`check`).
//! Written from the standard, not from corsair's code: it never calls into `src/`.
#![allow(dead_code)]

use actix_web::{
    http::{
        header::{HeaderName, HeaderValue},
        Method, StatusCode,
    },
    test::TestRequest,
};
use corsair::Cors;

pub const CONFIG_ORIGINS: &[&str] = &[
    "https://app.example.com",
    "http://localhost:8080",
    "https://a.com",
    "http://a.com",
    "https://b.org:8443",
    "http://127.0.0.1:3000",
];

pub const CONFIG_METHODS: &[&str] = &["GET", "POST", "PUT", "DELETE", "PATCH", "PROPFIND"];
pub const CONFIG_HEADERS: &[&str] = &[
    "x-api-key",
    "content-type",
    "authorization",
    "x-custom",
    "x-requested-with",
];

#[derive(Debug, Clone)]
pub enum Origins {
    List(Vec<&'static str>),
    Any { wildcard: bool },
}

/// A generated policy, in the test's own vocabulary.
#[derive(Debug, Clone)]
pub struct Spec {
    pub origins: Origins,
    /// Only ever true together with `Origins::List` (the other combination is invalid).
    pub credentials: bool,
    pub null_origin: bool,
    /// `None` = allow_any_method.
    pub methods: Option<Vec<&'static str>>,
    /// `None` = allow_any_header.
    pub headers: Option<Vec<&'static str>>,
    pub block_mismatch: bool,
    pub pna: bool,
}

impl Spec {
    /// Keeps Private Network Access only where it builds (issue 22): never with every origin
    /// or `null` (any website could then reach the private network), and, as for credentials,
    /// without plain-http origins other than loopback (`http://a.com` is dropped).
    pub fn with_buildable_pna(mut self) -> Self {
        if self.null_origin || matches!(self.origins, Origins::Any { .. }) {
            self.pna = false;
        }
        if let (true, Origins::List(list)) = (self.pna, &mut self.origins) {
            list.retain(|o| *o != "http://a.com");
            if list.is_empty() {
                list.push("https://a.com");
            }
        }
        self
    }

    pub fn to_cors(&self) -> Cors {
        let mut c = Cors::default();
        match &self.origins {
            Origins::List(list) => {
                for o in list {
                    c = c.allowed_origin(o);
                }
            }
            Origins::Any { wildcard } => {
                c = c.allow_any_origin();
                if *wildcard {
                    c = c.send_wildcard();
                }
            }
        }
        if self.credentials {
            c = c.supports_credentials();
        }
        if self.null_origin {
            // `null` with credentials takes the explicit, danger-named opt-in.
            c = if self.credentials {
                c.allow_null_origin_with_credentials_dangerously()
            } else {
                c.allow_null_origin()
            };
        }
        c = match &self.methods {
            None => c.allow_any_method(),
            Some(m) => c.allowed_methods(m.iter().copied()),
        };
        c = match &self.headers {
            None => c.allow_any_header(),
            Some(h) => c.allowed_headers(h.iter().copied()),
        };
        if self.block_mismatch {
            c = c.block_on_origin_mismatch(true);
        }
        if self.pna {
            c = c.allow_private_network_access();
        }
        c.expose_headers(["x-request-id"])
    }
}

#[derive(Clone)]
pub struct Req {
    pub method: Method,
    /// Raw values of every `Origin` header (0, 1 or more).
    pub origins: Vec<Vec<u8>>,
    /// Raw values of every `Access-Control-Request-Method` header.
    pub acrm: Vec<Vec<u8>>,
    /// Raw values of every `Access-Control-Request-Headers` header.
    pub acrh: Vec<Vec<u8>>,
    pub pna: bool,
}

/// Shows header bytes as (lossy) text, so failures are readable.
impl std::fmt::Debug for Req {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = |vs: &Vec<Vec<u8>>| {
            vs.iter()
                .map(|v| {
                    let s = String::from_utf8_lossy(v);
                    if s.len() > 120 {
                        format!(
                            "{}…({} bytes)",
                            &s[..s.char_indices().nth(100).map_or(s.len(), |c| c.0)],
                            v.len()
                        )
                    } else {
                        format!("{s:?}")
                    }
                })
                .collect::<Vec<_>>()
        };
        f.debug_struct("Req")
            .field("method", &self.method)
            .field("origins", &text(&self.origins))
            .field("acrm", &text(&self.acrm))
            .field("acrh", &text(&self.acrh))
            .field("pna", &self.pna)
            .finish()
    }
}

impl Req {
    pub fn is_preflight(&self) -> bool {
        self.method == Method::OPTIONS && !self.origins.is_empty() && !self.acrm.is_empty()
    }

    pub fn to_test_request(&self) -> TestRequest {
        let mut r = TestRequest::default().method(self.method.clone()).uri("/r");
        for (name, values) in [
            ("origin", &self.origins),
            ("access-control-request-method", &self.acrm),
            ("access-control-request-headers", &self.acrh),
        ] {
            for v in values {
                r = r.append_header((
                    HeaderName::from_static(name),
                    HeaderValue::from_bytes(v).expect("generator yields valid header bytes"),
                ));
            }
        }
        if self.pna {
            r = r.append_header(("access-control-request-private-network", "true"));
        }
        r
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The request must be granted.
    Must,
    /// The request must not be granted.
    MustNot,
    /// The contract leaves it open; only the shape of a grant is checked.
    Either,
}

pub fn both(a: Verdict, b: Verdict) -> Verdict {
    use Verdict::*;
    match (a, b) {
        (MustNot, _) | (_, MustNot) => MustNot,
        (Either, _) | (_, Either) => Either,
        (Must, Must) => Must,
    }
}

pub fn is_token(s: &[u8]) -> bool {
    !s.is_empty()
        && s.iter()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(b))
}

/// A serialized origin as a browser sends it: lowercase http(s) scheme, lowercase DNS-ish host
/// or IPv4, optional non-default port without leading zeros.
pub fn is_canonical_origin(o: &[u8]) -> bool {
    let Ok(s) = std::str::from_utf8(o) else {
        return false;
    };
    let (scheme, rest) = if let Some(r) = s.strip_prefix("https://") {
        ("https", r)
    } else if let Some(r) = s.strip_prefix("http://") {
        ("http", r)
    } else {
        return false;
    };
    let (host, port) = match rest.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (rest, None),
    };
    let labels_ok = !host.is_empty()
        && host.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        });
    if !labels_ok || host.len() > 253 {
        return false;
    }
    match port {
        None => true,
        Some(p) => {
            if p.is_empty() || p.starts_with('0') || !p.bytes().all(|b| b.is_ascii_digit()) {
                return false;
            }
            match p.parse::<u32>() {
                Ok(n) if n <= 65535 => !matches!((scheme, n), ("https", 443) | ("http", 80)),
                _ => false,
            }
        }
    }
}

pub fn origin_verdict(spec: &Spec, req: &Req) -> Verdict {
    if req.origins.len() != 1 {
        return Verdict::MustNot; // absent, or duplicated (contract: refused)
    }
    let o = req.origins[0].as_slice();
    if o == b"*" {
        return Verdict::MustNot; // never an origin; echoing it would be a wildcard
    }
    if o == b"null" {
        // A listed policy admits `null` only on opt-in; a public any-origin policy admits it
        // like every other origin (refusing it protects nothing when everyone is allowed).
        return if spec.null_origin || matches!(spec.origins, Origins::Any { .. }) {
            Verdict::Must
        } else {
            Verdict::MustNot
        };
    }
    if o.is_empty() || !o.iter().all(|b| (0x21..=0x7e).contains(b)) {
        return Verdict::MustNot; // empty, whitespace, control or non-ASCII
    }
    match &spec.origins {
        Origins::List(list) => {
            if list.iter().any(|l| l.as_bytes() == o) {
                Verdict::Must
            } else if list.iter().any(|l| l.as_bytes().eq_ignore_ascii_case(o)) {
                Verdict::Either
            } else {
                Verdict::MustNot
            }
        }
        Origins::Any { .. } => {
            if is_canonical_origin(o) {
                Verdict::Must
            } else if !has_origin_shape(o) {
                // Everyone is allowed, but a value that is no origin at all is never answered
                // (docs/wire.md, issue 22).
                Verdict::MustNot
            } else {
                Verdict::Either
            }
        }
    }
}

/// The shape of a serialized origin (HTML, "ASCII serialization of an origin"): a scheme
/// (RFC 3986: a letter, then letters, digits, `+`, `-`, `.`), `://`, and a non-empty host
/// with an optional port; never a path, query, fragment or user information.
pub fn has_origin_shape(o: &[u8]) -> bool {
    let Some(i) = o.windows(3).position(|w| w == b"://") else {
        return false;
    };
    let (scheme, authority) = (&o[..i], &o[i + 3..]);
    scheme.first().is_some_and(u8::is_ascii_alphabetic)
        && scheme
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(b))
        && !authority.is_empty()
        && !authority.iter().any(|b| b"/?#@".contains(b))
}

pub fn is_forbidden_method(m: &[u8]) -> bool {
    [&b"CONNECT"[..], b"TRACE", b"TRACK"]
        .iter()
        .any(|f| f.eq_ignore_ascii_case(m))
}

pub fn method_verdict(spec: &Spec, req: &Req) -> Verdict {
    if req.acrm.len() != 1 {
        return Verdict::Either;
    }
    let m = req.acrm[0].as_slice();
    if !is_token(m) {
        return Verdict::MustNot;
    }
    if matches!(m, b"GET" | b"HEAD" | b"POST") {
        return Verdict::Must;
    }
    if is_forbidden_method(m) {
        return Verdict::MustNot; // Fetch "forbidden method": not even under any-method
    }
    match &spec.methods {
        None => Verdict::Must,
        Some(list) => {
            if list.iter().any(|l| l.as_bytes() == m) {
                Verdict::Must
            } else if list.iter().any(|l| l.as_bytes().eq_ignore_ascii_case(m)) {
                Verdict::Either
            } else {
                Verdict::MustNot
            }
        }
    }
}

/// Parsed ACRH names (lowercased), or `None` when some element is not a token.
pub fn acrh_names(value: &[u8]) -> Option<(Vec<Vec<u8>>, bool)> {
    let mut names = Vec::new();
    let mut had_empty = false;
    for element in value.split(|&b| b == b',') {
        let t = trim_ows(element);
        if t.is_empty() {
            had_empty = true;
            continue;
        }
        if !is_token(t) {
            return None;
        }
        names.push(t.to_ascii_lowercase());
    }
    Some((names, had_empty))
}

pub fn trim_ows(mut s: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = s {
        s = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = s {
        s = rest;
    }
    s
}

/// The Fetch standard, "forbidden request-header" (https://fetch.spec.whatwg.org/#forbidden-request-header),
/// restated here from the standard's text, not from `src/`: a name is forbidden if it is a
/// byte-case-insensitive match for one of `Accept-Charset`, `Accept-Encoding`,
/// `Access-Control-Request-Headers`, `Access-Control-Request-Method`, `Connection`,
/// `Content-Length`, `Cookie`, `Date`, `DNT`, `Expect`, `Host`, `Keep-Alive`, `Origin`,
/// `Referer`, `Set-Cookie`, `TE`, `Trailer`, `Transfer-Encoding`, `Upgrade`, `Via`, or
/// starts with `Proxy-` or `Sec-`. (The `X-HTTP-Method(-Override)` / `X-Method-Override`
/// rule depends on the value, so those names are settable.) Names arrive lower-cased.
pub fn is_forbidden_request_header(name: &[u8]) -> bool {
    let standard = "Accept-Charset Accept-Encoding Access-Control-Request-Headers \
        Access-Control-Request-Method Connection Content-Length Cookie Date DNT Expect Host \
        Keep-Alive Origin Referer Set-Cookie TE Trailer Transfer-Encoding Upgrade Via";
    standard
        .split_ascii_whitespace()
        .any(|f| f.as_bytes().eq_ignore_ascii_case(name))
        || name.starts_with(b"proxy-")
        || name.starts_with(b"sec-")
}

pub fn is_safelisted_name(name: &[u8]) -> bool {
    matches!(
        name,
        b"accept" | b"accept-language" | b"content-language" | b"content-type" | b"range"
    )
}

/// The request's `Access-Control-Request-Headers` as one value: RFC 9110 §5.3 (and the Fetch
/// standard's "get") combine several field lines, in order, separated by `, `.
pub fn combined_acrh(req: &Req) -> Option<Vec<u8>> {
    (!req.acrh.is_empty()).then(|| req.acrh.join(&b", "[..]))
}

pub fn headers_verdict(spec: &Spec, req: &Req) -> Verdict {
    let Some(value) = combined_acrh(req) else {
        return Verdict::Must;
    };
    let value = &value;
    let Some((names, had_empty)) = acrh_names(value) else {
        return Verdict::MustNot;
    };
    let mut v = if had_empty || names.len() > 64 || value.len() > 1024 {
        Verdict::Either
    } else {
        Verdict::Must
    };
    for n in &names {
        let this = match &spec.headers {
            // "Any" grants every name a script can set, and only those.
            None if is_forbidden_request_header(n) => Verdict::MustNot,
            None => Verdict::Must,
            Some(list) if list.iter().any(|l| l.as_bytes() == n.as_slice()) => Verdict::Must,
            Some(_) if is_safelisted_name(n) => Verdict::Either,
            Some(_) => Verdict::MustNot,
        };
        v = both(v, this);
    }
    v
}

/// Whether the request may/must be granted CORS access.
pub fn oracle(spec: &Spec, req: &Req) -> Verdict {
    let o = origin_verdict(spec, req);
    if !req.is_preflight() {
        return o;
    }
    both(
        o,
        both(method_verdict(spec, req), headers_verdict(spec, req)),
    )
}

// ---------------------------------------------------------------------------------------------
// the property
// ---------------------------------------------------------------------------------------------

pub struct Seen {
    pub status: StatusCode,
    pub headers: actix_web::http::header::HeaderMap,
    pub hits: usize,
}

pub fn values(h: &actix_web::http::header::HeaderMap, name: &str) -> Vec<Vec<u8>> {
    h.get_all(name).map(|v| v.as_bytes().to_vec()).collect()
}

pub fn list_lower(h: &actix_web::http::header::HeaderMap, name: &str) -> Vec<Vec<u8>> {
    values(h, name)
        .iter()
        .flat_map(|v| {
            v.split(|&b| b == b',')
                .map(|e| trim_ows(e).to_ascii_lowercase())
                .collect::<Vec<_>>()
        })
        .filter(|e| !e.is_empty())
        .collect()
}

/// Checks every invariant; returns a description of the first violation.
pub fn check(spec: &Spec, req: &Req, seen: &Seen) -> Result<(), String> {
    let verdict = oracle(spec, req);
    let h = &seen.headers;
    if seen.status.is_server_error() {
        return Err(format!("5xx: {}", seen.status));
    }
    let acao = values(h, "access-control-allow-origin");
    if acao.len() > 1 {
        return Err(format!("{} ACAO headers", acao.len()));
    }
    let acao = acao.into_iter().next();
    let acac = values(h, "access-control-allow-credentials");

    match (&acao, verdict) {
        (Some(v), Verdict::MustNot) => {
            return Err(format!(
                "ACAO {:?} but oracle says refuse",
                String::from_utf8_lossy(v)
            ))
        }
        (None, Verdict::Must) => return Err("no ACAO but oracle says grant".into()),
        _ => {}
    }
    if let Some(v) = &acao {
        let wildcard = matches!(spec.origins, Origins::Any { wildcard: true });
        let origin = &req.origins[0];
        let ok = if v == b"*" {
            wildcard && !spec.credentials
        } else {
            v == origin
        };
        if !ok {
            return Err(format!(
                "ACAO {:?} is neither the request origin {:?} nor a permitted `*`",
                String::from_utf8_lossy(v),
                String::from_utf8_lossy(origin)
            ));
        }
        if wildcard && v != b"*" && origin.as_slice() != b"null" {
            return Err("send_wildcard policy echoed the origin instead of `*`".into());
        }
    }
    if !acac.is_empty() {
        match &acao {
            None => return Err("ACAC on a refused request".into()),
            Some(v) if v == b"*" => return Err("ACAC beside `*`".into()),
            _ => {}
        }
        if !spec.credentials {
            return Err("ACAC from a policy without credentials".into());
        }
        if acac != [b"true".to_vec()] {
            return Err(format!("ACAC is {acac:?}, not exactly one `true`"));
        }
    } else if acao.is_some() && spec.credentials {
        return Err("credentialed grant without ACAC".into());
    }

    let preflight_only = [
        "access-control-allow-methods",
        "access-control-allow-headers",
        "access-control-max-age",
        "access-control-allow-private-network",
    ];
    if acao.is_none() || !req.is_preflight() {
        for name in preflight_only {
            if h.contains_key(name) {
                return Err(format!("{name} outside a granted preflight"));
            }
        }
    }
    if h.contains_key("access-control-allow-private-network") && !(spec.pna && req.pna) {
        return Err("ACAPN without opt-in and request".into());
    }

    if req.is_preflight() {
        if seen.hits != 0 {
            return Err("preflight reached the handler".into());
        }
        if acao.is_some() {
            if !seen.status.is_success() {
                return Err(format!("granted preflight with status {}", seen.status));
            }
            if verdict == Verdict::Must {
                let m = &req.acrm[0];
                let methods: Vec<Vec<u8>> = values(h, "access-control-allow-methods")
                    .iter()
                    .flat_map(|v| {
                        v.split(|&b| b == b',')
                            .map(|e| trim_ows(e).to_vec())
                            .collect::<Vec<_>>()
                    })
                    .collect();
                if !matches!(m.as_slice(), b"GET" | b"HEAD" | b"POST") && !methods.contains(m) {
                    return Err("granted method not listed in ACAM".into());
                }
                let granted = list_lower(h, "access-control-allow-headers");
                if let Some(v) = combined_acrh(req) {
                    for n in acrh_names(&v).map(|x| x.0).unwrap_or_default() {
                        if !granted.contains(&n) {
                            return Err(format!(
                                "requested header {:?} missing from ACAH",
                                String::from_utf8_lossy(&n)
                            ));
                        }
                    }
                }
            }
        } else if !seen.status.is_client_error() {
            return Err(format!("refused preflight answered {}", seen.status));
        }
    } else {
        let expect_blocked = spec.block_mismatch && !req.origins.is_empty() && acao.is_none();
        if expect_blocked {
            // 403, or 400 when the Origin itself is malformed (contract).
            let refused_status =
                matches!(seen.status, StatusCode::FORBIDDEN | StatusCode::BAD_REQUEST);
            if !refused_status || seen.hits != 0 {
                return Err(format!(
                    "block_on_origin_mismatch: refused origin got {} with {} handler call(s)",
                    seen.status, seen.hits
                ));
            }
        } else if seen.hits != 1 {
            return Err(format!(
                "actual request reached the handler {} times",
                seen.hits
            ));
        }
    }

    if !list_lower(h, "vary").contains(&b"origin".to_vec()) {
        return Err("no Vary: Origin".into());
    }
    Ok(())
}
