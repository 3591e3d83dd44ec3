//! Adversarial review matrix.
//!
//! Part 1 — builder order: every pair of builder calls that could interact is built in both
//! orders, and with `supports_credentials()` in every position of the triple; the build
//! result (the same problems) and the wire (status, every header, body, whether the handler
//! ran) must be identical for a fixed set of requests.
//!
//! Part 2 — origin kinds: exact, pattern, regex, predicate, `null`, any (echo and wildcard),
//! each with and without credentials, against allowed, refused, `null`, look-alike and
//! malformed origins, for actual requests and preflights. The oracle is the browser's side
//! of the Fetch standard, restated here (not taken from `src/`):
//!
//! * CORS check (Fetch §4.9 "CORS check"): take `Access-Control-Allow-Origin`; absent →
//!   failure; if the credentials mode is not "include" and it is `*` → success; if it is not
//!   byte-equal to the request's serialized origin → failure; if the credentials mode is not
//!   "include" → success; otherwise success only if `Access-Control-Allow-Credentials` is
//!   exactly `true`.
//! * CORS-preflight fetch (§4.10): the response must pass the CORS check and have an ok
//!   status (200–299); the method must be CORS-safelisted (`GET`, `HEAD`, `POST`) or be in
//!   `Access-Control-Allow-Methods` (a `*` there counts only without credentials); each
//!   non-safelisted request-header name must be in `Access-Control-Allow-Headers`
//!   (case-insensitively; a `*` there counts only without credentials and never for
//!   `Authorization`).
//! * A value that is not a serialized origin (scheme "://" host [":" port], lower case, no
//!   path) or `null` is never something a browser sends; the server must never echo it.

use std::sync::atomic::{AtomicUsize, Ordering};

use actix_http::Request;
use actix_web::{
    body::MessageBody,
    dev::{Service, ServiceResponse},
    http::{
        header::{self, HeaderMap, HeaderValue},
        Method,
    },
    test as atest, web, App, HttpResponse,
};
use corsair::Cors;

const APP: &str = "https://app.example.com";

// =============================================================================================
// Shared: a wire fingerprint
// =============================================================================================

/// What a client or cache can observe of one exchange.
#[derive(Debug, PartialEq, Eq, Clone)]
struct Seen {
    status: u16,
    /// Every header but `date`, as (name, value), sorted.
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    handler_ran: bool,
}

impl Seen {
    fn get(&self, name: &str) -> Option<&str> {
        let mut it = self.headers.iter().filter(|(n, _)| n == name);
        let first = it.next().map(|(_, v)| v.as_str());
        assert!(it.next().is_none(), "`{name}` sent twice: {self:?}");
        first
    }
    fn any_allow_header(&self) -> bool {
        self.headers.iter().any(|(n, _)| {
            n.starts_with("access-control-allow-") || n == "access-control-expose-headers"
        })
    }
    fn vary_names(&self) -> Vec<String> {
        let fields: Vec<&str> = self
            .headers
            .iter()
            .filter(|(n, _)| n == "vary")
            .map(|(_, v)| v.as_str())
            .collect();
        assert!(fields.len() <= 1, "more than one Vary field: {self:?}");
        fields
            .iter()
            .flat_map(|v| v.split(','))
            .map(|s| s.trim().to_ascii_lowercase())
            .filter(|s| !s.is_empty())
            .collect()
    }
}

fn headers_of(h: &HeaderMap) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = h
        .iter()
        .filter(|(n, _)| *n != header::DATE)
        .map(|(n, v)| {
            (
                n.as_str().to_owned(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    out.sort();
    out
}

/// A request described as data, so it can be sent to many apps.
#[derive(Clone, Debug)]
struct Req {
    method: Method,
    origins: Vec<Vec<u8>>,
    acrm: Option<&'static str>,
    acrh: Option<&'static str>,
}

fn get(origin: &str) -> Req {
    Req {
        method: Method::GET,
        origins: vec![origin.as_bytes().to_vec()],
        acrm: None,
        acrh: None,
    }
}

fn get_raw(origin: &[u8]) -> Req {
    Req {
        method: Method::GET,
        origins: vec![origin.to_vec()],
        acrm: None,
        acrh: None,
    }
}

fn no_origin() -> Req {
    Req {
        method: Method::GET,
        origins: vec![],
        acrm: None,
        acrh: None,
    }
}

fn preflight(origin: &str, method: &'static str, headers: Option<&'static str>) -> Req {
    Req {
        method: Method::OPTIONS,
        origins: vec![origin.as_bytes().to_vec()],
        acrm: Some(method),
        acrh: headers,
    }
}

/// Sends each of `reqs` to `app` and records what a client sees, and whether the handler
/// (which increments `ran`) was reached.
async fn probe<S, B>(app: &S, ran: &AtomicUsize, reqs: &[Req]) -> Vec<Seen>
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let mut out = Vec::new();
    for r in reqs {
        let mut t = atest::TestRequest::default()
            .method(r.method.clone())
            .uri("/api/items");
        for o in &r.origins {
            t = t.append_header((header::ORIGIN, HeaderValue::from_bytes(o).unwrap()));
        }
        if let Some(m) = r.acrm {
            t = t.insert_header((header::ACCESS_CONTROL_REQUEST_METHOD, m));
        }
        if let Some(h) = r.acrh {
            t = t.insert_header((header::ACCESS_CONTROL_REQUEST_HEADERS, h));
        }
        let before = ran.load(Ordering::SeqCst);
        let res = atest::call_service(&app, t.to_request()).await;
        let status = res.status().as_u16();
        let headers = headers_of(res.headers());
        let body = atest::read_body(res).await.to_vec();
        out.push(Seen {
            status,
            headers,
            body,
            handler_ran: ran.load(Ordering::SeqCst) > before,
        });
    }
    out
}

async fn send(cors: Cors, reqs: &[Req]) -> Vec<Seen> {
    let ran = web::Data::new(AtomicUsize::new(0));
    let app = atest::init_service(App::new().app_data(ran.clone()).wrap(cors).default_service(
        web::to(|ran: web::Data<AtomicUsize>| async move {
            ran.fetch_add(1, Ordering::SeqCst);
            HttpResponse::Ok()
                .insert_header(("x-id", "7"))
                .insert_header(("x-secret", "s"))
                .body("handler")
        }),
    ))
    .await;
    probe(&app, &ran, reqs).await
}

// =============================================================================================
// Part 1: builder order
// =============================================================================================

type Step = fn(Cors) -> Cors;

/// Never set by anything: `allowed_origins_from_env_or` takes its default, the same in
/// every test thread.
const ENV_VAR: &str = "CORSAIR_T_PROMISES_MATRIX_UNSET";

/// Builder calls that could interact with one another.
fn steps() -> Vec<(&'static str, Step)> {
    vec![
        ("allow_any_origin", |c| c.allow_any_origin()),
        ("allowed_origin", |c| c.allowed_origin(APP)),
        ("allowed_origins_list", |c| {
            c.allowed_origins_list("https://list.example.com, https://*.list.example.com")
        }),
        ("allowed_origins_list(*)", |c| c.allowed_origins_list("*")),
        ("allowed_origins_from_env", |c| {
            c.allowed_origins_from_env_or(ENV_VAR, "https://env-default.example.com")
        }),
        ("allowed_origin_pattern", |c| {
            c.allowed_origin_pattern("https://*.example.org")
        }),
        ("allowed_origin_regex", |c| {
            c.allowed_origin_regex(r"https://tenant-\d+\.example\.net")
        }),
        ("allowed_origin_fn", |c| {
            c.allowed_origin_fn(|o, _| o.as_bytes() == b"https://partner.example.io")
        }),
        ("allow_null_origin", |c| c.allow_null_origin()),
        ("allow_null_origin_with_credentials_dangerously", |c| {
            c.allow_null_origin_with_credentials_dangerously()
        }),
        ("allowed_origin(http)", |c| {
            c.allowed_origin("http://intranet.example.com")
        }),
        ("allow_insecure_credentialed_origins", |c| {
            c.allow_insecure_credentialed_origins()
        }),
        ("send_wildcard", |c| c.send_wildcard()),
        ("expose_any_header", |c| c.expose_any_header()),
        ("expose_headers", |c| c.expose_headers(["x-id"])),
        ("allow_any_header", |c| c.allow_any_header()),
        ("allowed_header", |c| c.allowed_header("x-a")),
        ("allow_any_method", |c| c.allow_any_method()),
        ("allowed_methods", |c| c.allowed_methods(["PUT", "PATCH"])),
        ("disable_vary_header", |c| c.disable_vary_header()),
        ("block_on_origin_mismatch", |c| {
            c.block_on_origin_mismatch(true)
        }),
        ("max_age_none", |c| c.max_age(None)),
        ("allow_private_network_access", |c| {
            c.allow_private_network_access()
        }),
    ]
}

fn credentials(c: Cors) -> Cors {
    c.supports_credentials()
}

/// The requests every order must answer identically.
fn order_probe() -> Vec<Req> {
    vec![
        no_origin(),
        get(APP),
        get("https://list.example.com"),
        get("https://env-default.example.com"),
        get("http://intranet.example.com"),
        get("https://a.list.example.com"),
        get("https://x.example.org"),
        get("https://tenant-7.example.net"),
        get("https://partner.example.io"),
        get("null"),
        get("https://evil.example"),
        get("https://app.example.com/"),
        preflight(APP, "PUT", Some("x-a")),
        preflight(APP, "PATCH", Some("authorization, x-b")),
        preflight(APP, "GET", None),
        preflight("https://x.example.org", "DELETE", Some("x-a")),
        preflight("null", "PUT", None),
        preflight("https://evil.example", "GET", None),
    ]
}

/// Build result: the problems (order-insensitive), or what the wire shows.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Refused(Vec<String>),
    Built(Vec<Seen>),
}

async fn outcome(base: fn() -> Cors, calls: &[Step]) -> Outcome {
    let mut cors = base();
    for call in calls {
        cors = call(cors);
    }
    match cors.build() {
        Err(e) => {
            let mut p: Vec<String> = e.problems().iter().map(|p| format!("{p:?}")).collect();
            p.sort();
            Outcome::Refused(p)
        }
        Ok(policy) => {
            let seen = send_policy(policy).await;
            for (req, s) in order_probe().iter().zip(&seen) {
                if let Err(why) = wire_invariants(req, s) {
                    panic!("{why}\n  request {req:?}\n  response {s:?}");
                }
            }
            Outcome::Built(seen)
        }
    }
}

/// What SECURITY.md "What corsair guarantees" says of every response, whatever the policy.
fn wire_invariants(req: &Req, s: &Seen) -> Result<(), String> {
    if s.status >= 500 {
        return Err("5xx".into());
    }
    let preflight = req.method == Method::OPTIONS && req.acrm.is_some();
    if preflight && s.handler_ran {
        return Err("a preflight reached the handler".into());
    }
    if preflight && !(200..300).contains(&s.status) && s.any_allow_header() {
        return Err("a refused preflight carries CORS headers".into());
    }
    let acao = s.get("access-control-allow-origin");
    let acac = s.get("access-control-allow-credentials");
    match acao {
        None if acac.is_some() => return Err("credentials without an origin".into()),
        Some("*") if acac.is_some() => return Err("credentials next to `*`".into()),
        Some("*") | None => {}
        Some(v) => {
            if req.origins.len() != 1 || v.as_bytes() != &req.origins[0][..] {
                return Err(format!("ACAO `{v}` is not the request's single Origin"));
            }
        }
    }
    if acac.is_some_and(|v| v != "true") {
        return Err("Access-Control-Allow-Credentials other than `true`".into());
    }
    // "lists the granted method and headers explicitly when "any" is configured — never `*`"
    for name in [
        "access-control-allow-methods",
        "access-control-allow-headers",
    ] {
        if list(s, name).iter().any(|v| v == "*") {
            return Err(format!("`*` in {name}"));
        }
    }
    Ok(())
}

async fn send_policy(policy: corsair::CorsPolicy) -> Vec<Seen> {
    // The built policy and the unbuilt builder wrap the same way; use the policy directly.
    let ran = web::Data::new(AtomicUsize::new(0));
    let app = atest::init_service(
        App::new()
            .app_data(ran.clone())
            .wrap(policy)
            .default_service(web::to(|ran: web::Data<AtomicUsize>| async move {
                ran.fetch_add(1, Ordering::SeqCst);
                HttpResponse::Ok()
                    .insert_header(("x-id", "7"))
                    .body("handler")
            })),
    )
    .await;
    probe(&app, &ran, &order_probe()).await
}

/// Every permutation of `items`.
fn permutations<T: Copy>(items: &[T]) -> Vec<Vec<T>> {
    if items.len() <= 1 {
        return vec![items.to_vec()];
    }
    let mut out = Vec::new();
    for i in 0..items.len() {
        let mut rest = items.to_vec();
        let first = rest.remove(i);
        for mut p in permutations(&rest) {
            p.insert(0, first);
            out.push(p);
        }
    }
    out
}

async fn every_order_agrees(base_name: &str, base: fn() -> Cors) -> (usize, usize) {
    let steps = steps();
    let (mut built, mut refused) = (0, 0);
    for i in 0..steps.len() {
        for j in i + 1..steps.len() {
            let (a_name, a) = steps[i];
            let (b_name, b) = steps[j];
            // The pair alone, and the pair with credentials in every position.
            for set in [vec![a, b], vec![a, b, credentials as Step]] {
                let orders = permutations(&set);
                let reference = outcome(base, &orders[0]).await;
                match &reference {
                    Outcome::Built(_) => built += 1,
                    Outcome::Refused(_) => refused += 1,
                }
                for order in &orders[1..] {
                    let other = outcome(base, order).await;
                    assert_eq!(
                        reference,
                        other,
                        "{base_name}: `{a_name}` / `{b_name}` (with credentials: {}) \
                         differ by call order",
                        set.len() == 3
                    );
                }
            }
        }
    }
    (built, refused)
}

#[actix_rt::test]
async fn every_pair_of_builder_calls_gives_the_same_build_and_wire_in_every_order() {
    let (built, refused) = every_order_agrees("Cors::default()", Cors::default).await;
    // The matrix must exercise both sides, or it proves nothing.
    assert!(
        built > 100 && refused > 50,
        "built {built}, refused {refused}"
    );
}

#[actix_rt::test]
async fn every_pair_after_permissive_gives_the_same_build_and_wire_in_every_order() {
    let (built, refused) = every_order_agrees("Cors::permissive()", Cors::permissive).await;
    assert!(
        built > 100 && refused > 50,
        "built {built}, refused {refused}"
    );
}

#[actix_rt::test]
async fn the_order_matrix_can_tell_two_different_policies_apart() {
    // Guard against a fingerprint that hides differences: two policies that differ only in
    // one observable way must compare unequal.
    let a = outcome(Cors::default, &[|c| c.allowed_origin(APP)]).await;
    let b = outcome(Cors::default, &[|c| c.allowed_origin(APP).max_age(None)]).await;
    let c = outcome(
        Cors::default,
        &[|c| c.allowed_origin(APP).expose_headers(["x-id"])],
    )
    .await;
    let d = outcome(
        Cors::default,
        &[|c| c.allowed_origin(APP).disable_vary_header()],
    )
    .await;
    assert_ne!(a, b);
    assert_ne!(a, c);
    assert_ne!(a, d);
    let e = outcome(
        Cors::default,
        &[|c| c.allow_any_origin().supports_credentials()],
    )
    .await;
    assert!(matches!(e, Outcome::Refused(p) if !p.is_empty()));
}

// =============================================================================================
// Part 2: origin kinds × credentials × requests, judged by the Fetch standard
// =============================================================================================

/// The browser's CORS check (Fetch §4.9), restated.
fn cors_check(seen: &Seen, request_origin: &[u8], include_credentials: bool) -> bool {
    let Some(acao) = seen.get("access-control-allow-origin") else {
        return false;
    };
    if !include_credentials && acao == "*" {
        return true;
    }
    if acao.as_bytes() != request_origin {
        return false;
    }
    if !include_credentials {
        return true;
    }
    seen.get("access-control-allow-credentials") == Some("true")
}

fn list(seen: &Seen, name: &str) -> Vec<String> {
    seen.get(name)
        .map(|v| {
            v.split(',')
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

/// The browser's CORS-preflight fetch (Fetch §4.10), restated: does the browser go on to
/// send the actual request?
fn preflight_passes(
    seen: &Seen,
    request_origin: &[u8],
    method: &str,
    headers: &[&str],
    include_credentials: bool,
) -> bool {
    if !(200..300).contains(&seen.status) || !cors_check(seen, request_origin, include_credentials)
    {
        return false;
    }
    let methods = list(seen, "access-control-allow-methods");
    let names: Vec<String> = list(seen, "access-control-allow-headers")
        .into_iter()
        .map(|n| n.to_ascii_lowercase())
        .collect();
    let safelisted_method = matches!(method, "GET" | "HEAD" | "POST");
    let method_ok = safelisted_method
        || methods.iter().any(|m| m == method)
        || (!include_credentials && methods.iter().any(|m| m == "*"));
    if !method_ok {
        return false;
    }
    headers.iter().all(|h| {
        let h = h.to_ascii_lowercase();
        names.contains(&h)
            || (!include_credentials && h != "authorization" && names.iter().any(|n| n == "*"))
    })
}

/// Is `o` a serialized origin a browser could send (or `null`)?
fn is_browser_origin(o: &[u8]) -> bool {
    if o == b"null" {
        return true;
    }
    let Ok(s) = std::str::from_utf8(o) else {
        return false;
    };
    let Some((scheme, rest)) = s.split_once("://") else {
        return false;
    };
    let host_ok = |h: &str| {
        !h.is_empty()
            && h.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
            && !h.starts_with('.')
            && !h.contains("..")
    };
    let (host, port) = match rest.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (rest, None),
    };
    matches!(scheme, "http" | "https")
        && host_ok(host)
        && port.is_none_or(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Exact,
    Pattern,
    Regex,
    Predicate,
    /// A predicate that says yes to everything it is shown.
    PredicateAll,
    Null,
    AnyEcho,
    AnyWildcard,
}

const KINDS: [Kind; 8] = [
    Kind::Exact,
    Kind::Pattern,
    Kind::Regex,
    Kind::Predicate,
    Kind::PredicateAll,
    Kind::Null,
    Kind::AnyEcho,
    Kind::AnyWildcard,
];

fn policy(kind: Kind, creds: bool) -> Cors {
    let c = Cors::default()
        .allowed_methods(["PUT"])
        .allowed_header("x-a")
        .expose_headers(["x-id"]);
    let c = match kind {
        Kind::Exact => c.allowed_origin(APP),
        Kind::Pattern => c.allowed_origin_pattern("https://*.example.org"),
        Kind::Regex => c.allowed_origin_regex(r"https://tenant-\d+\.example\.net"),
        Kind::Predicate => {
            c.allowed_origin_fn(|o, _| o.as_bytes() == b"https://partner.example.io")
        }
        Kind::PredicateAll => c.allowed_origin_fn(|_, _| true),
        Kind::Null => c.allow_null_origin(),
        Kind::AnyEcho => c.allow_any_origin(),
        Kind::AnyWildcard => c.allow_any_origin().send_wildcard(),
    };
    if creds {
        c.supports_credentials()
    } else {
        c
    }
}

/// SECURITY.md: `Access-Control-Allow-Origin` is never taken "from an `Origin` that cannot
/// be an origin (empty, `*`, spaces, control or non-ASCII bytes) — not even under
/// `allow_any_origin()`".
fn cannot_be_an_origin(o: &[u8]) -> bool {
    o.is_empty() || o == b"*" || o.iter().any(|b| !(0x21..=0x7e).contains(b))
}

/// The policy the README describes, restated: does `kind` admit this request origin?
/// `None`: a printable value no browser sends (`https://a.com/`, `Null`), which rules that
/// see every origin (any origin, a predicate answering `true`) may echo harmlessly.
fn admits(kind: Kind, origin: &[u8]) -> Option<bool> {
    if cannot_be_an_origin(origin) {
        return Some(false); // never echoed, whatever the kind
    }
    if !is_browser_origin(origin) {
        return match kind {
            Kind::PredicateAll | Kind::AnyEcho | Kind::AnyWildcard => None,
            // Exact origins, patterns and regexes only ever match well-formed origins.
            _ => Some(false),
        };
    }
    let null = origin == b"null";
    Some(match kind {
        Kind::Exact => origin == APP.as_bytes(),
        Kind::Pattern => {
            let s = std::str::from_utf8(origin).unwrap();
            s.strip_prefix("https://")
                .and_then(|h| h.strip_suffix(".example.org"))
                .is_some_and(|labels| !labels.is_empty() && !labels.contains(':'))
        }
        Kind::Regex => {
            let s = std::str::from_utf8(origin).unwrap();
            s.strip_prefix("https://tenant-")
                .and_then(|r| r.strip_suffix(".example.net"))
                .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
        }
        Kind::Predicate => origin == b"https://partner.example.io",
        // "null is never matched by origin lists, patterns, regexes or predicates".
        Kind::PredicateAll => !null,
        Kind::Null => null,
        Kind::AnyEcho | Kind::AnyWildcard => true,
    })
}

/// Does the build succeed? Restated from the README / SECURITY.md refusals.
fn builds(kind: Kind, creds: bool) -> bool {
    !(creds && matches!(kind, Kind::AnyEcho | Kind::AnyWildcard | Kind::Null))
}

fn request_origins() -> Vec<Vec<u8>> {
    [
        &b"https://app.example.com"[..],
        b"https://x.example.org",
        b"https://a.b.example.org",
        b"https://example.org",           // pattern apex
        b"https://x.example.org.evil.io", // pattern look-alike
        b"http://x.example.org",          // pattern, other scheme
        b"https://x.example.org:8443",    // pattern, other port
        b"https://tenant-7.example.net",
        b"https://tenant-7.example.net.evil.io",
        b"https://tenant-x.example.net",
        b"https://partner.example.io",
        b"null",
        b"https://evil.example",
        b"http://app.example.com",
        b"https://app.example.com:8443",
        b"https://app.example.com.evil.io",
        b"https://evilapp.example.com",
        // Malformed: never a browser's `Origin`.
        b"https://app.example.com/",
        b"HTTPS://APP.EXAMPLE.COM",
        b"https://App.example.com",
        b"app.example.com",
        b"https://app.example.com/path",
        b"https://user@app.example.com",
        b"https://app.example.com, https://evil.example",
        b"*",
        b"",
        b"Null",
        b"https://\xc3\xa9.example",
        b"https://app.example.com\t",
    ]
    .iter()
    .map(|o| o.to_vec())
    .collect()
}

fn shown(o: &[u8]) -> String {
    format!("{:?}", String::from_utf8_lossy(o))
}

#[actix_rt::test]
async fn every_origin_kind_with_and_without_credentials_meets_the_fetch_cors_check() {
    let origins = request_origins();
    let mut allowed_seen = 0;
    let mut refused_seen = 0;
    for kind in KINDS {
        for creds in [false, true] {
            let ctx = format!("{kind:?}, credentials {creds}");
            let built = policy(kind, creds).build();
            assert_eq!(built.is_ok(), builds(kind, creds), "{ctx}: build result");
            if built.is_err() {
                continue;
            }
            let mut reqs = vec![no_origin()];
            for o in &origins {
                reqs.push(get_raw(o));
                if let Ok(s) = std::str::from_utf8(o) {
                    let mut p = preflight(s, "PUT", Some("x-a"));
                    p.origins = vec![o.clone()];
                    reqs.push(p);
                }
            }
            // Two `Origin` headers, each admitted alone: neither is picked.
            let twice = Req {
                method: Method::GET,
                origins: vec![APP.as_bytes().to_vec(), b"https://x.example.org".to_vec()],
                acrm: None,
                acrh: None,
            };
            reqs.push(twice);
            let seen = send(policy(kind, creds), &reqs).await;

            // No `Origin`: passes through, nothing granted, varies on Origin.
            let s = &seen[0];
            assert!(s.handler_ran && s.status == 200, "{ctx}: no Origin {s:?}");
            assert!(!s.any_allow_header(), "{ctx}: no Origin {s:?}");
            assert!(s.vary_names().contains(&"origin".into()), "{ctx}: {s:?}");

            for (req, s) in reqs[1..].iter().zip(&seen[1..]) {
                let two = req.origins.len() == 2;
                let origin = &req.origins[0];
                let ctx = format!("{ctx}, {:?} from {}", req.method, shown(origin));
                let admitted = match (two, admits(kind, origin)) {
                    (true, _) => false,
                    (false, Some(yes)) => yes,
                    // Printable, but no browser sends it: either answer is harmless; if
                    // granted, the rest of the promises below must still hold.
                    (false, None) => s.get("access-control-allow-origin").is_some(),
                };
                assert!(
                    s.vary_names().contains(&"origin".into()),
                    "{ctx}: Vary: Origin missing {s:?}"
                );
                if req.method == Method::OPTIONS {
                    let vary = s.vary_names();
                    // SECURITY.md: "preflight responses also vary on ACRM, ACRH" — refused
                    // ones too, or a cache could serve a refusal for another request's inputs.
                    for v in [
                        "access-control-request-method",
                        "access-control-request-headers",
                    ] {
                        assert!(vary.contains(&v.into()), "{ctx}: Vary lacks {v}: {s:?}");
                    }
                    if admitted {
                        // A browser with the matching credentials mode goes on.
                        assert!(
                            preflight_passes(s, origin, "PUT", &["x-a"], creds),
                            "{ctx}: the browser would block this allowed preflight {s:?}"
                        );
                        assert!(!s.handler_ran, "{ctx}: preflight reached the handler");
                        for v in [
                            "access-control-request-method",
                            "access-control-request-headers",
                        ] {
                            assert!(vary.contains(&v.into()), "{ctx}: Vary lacks {v}: {s:?}");
                        }
                        allowed_seen += 1;
                    } else {
                        assert!(
                            s.status == 403 || s.status == 400,
                            "{ctx}: refused preflight status {s:?}"
                        );
                        assert!(
                            !s.any_allow_header(),
                            "{ctx}: refused preflight grants {s:?}"
                        );
                        assert!(s.body.is_empty(), "{ctx}: refused preflight body {s:?}");
                        assert!(!s.handler_ran, "{ctx}: refused preflight ran the handler");
                        assert!(
                            !preflight_passes(s, origin, "PUT", &["x-a"], false),
                            "{ctx}"
                        );
                        assert!(!preflight_passes(s, origin, "PUT", &["x-a"], true), "{ctx}");
                        refused_seen += 1;
                    }
                    continue;
                }
                // Actual request: the handler runs either way (no block_on_origin_mismatch).
                assert!(s.handler_ran && s.status == 200, "{ctx}: {s:?}");
                assert_eq!(s.body, b"handler", "{ctx}");
                if admitted {
                    assert!(
                        cors_check(s, origin, creds),
                        "{ctx}: browser would block {s:?}"
                    );
                    let acao = s.get("access-control-allow-origin").unwrap();
                    if kind == Kind::AnyWildcard {
                        assert_eq!(acao, "*", "{ctx}");
                    } else {
                        assert_eq!(acao.as_bytes(), &origin[..], "{ctx}: not the exact bytes");
                    }
                    // Credentials only next to an echoed origin, only when configured.
                    assert_eq!(
                        s.get("access-control-allow-credentials"),
                        creds.then_some("true"),
                        "{ctx}: {s:?}"
                    );
                    assert_eq!(
                        s.get("access-control-expose-headers"),
                        Some("x-id"),
                        "{ctx}"
                    );
                    allowed_seen += 1;
                } else {
                    assert!(!s.any_allow_header(), "{ctx}: refused origin granted {s:?}");
                    assert!(!cors_check(s, origin, false), "{ctx}");
                    assert!(!cors_check(s, origin, true), "{ctx}");
                    refused_seen += 1;
                }
            }
        }
    }
    assert!(
        allowed_seen > 40 && refused_seen > 300,
        "{allowed_seen}/{refused_seen}"
    );
}

#[actix_rt::test]
async fn the_fetch_oracle_can_fail() {
    // The oracle must reject what browsers reject, or the matrix above proves nothing.
    let s = |h: &[(&str, &str)], status: u16| Seen {
        status,
        headers: h
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect(),
        body: vec![],
        handler_ran: false,
    };
    let o = APP.as_bytes();
    assert!(!cors_check(&s(&[], 200), o, false));
    assert!(cors_check(
        &s(&[("access-control-allow-origin", "*")], 200),
        o,
        false
    ));
    assert!(!cors_check(
        &s(&[("access-control-allow-origin", "*")], 200),
        o,
        true
    ));
    assert!(!cors_check(
        &s(&[("access-control-allow-origin", APP)], 200),
        o,
        true
    ));
    assert!(cors_check(
        &s(
            &[
                ("access-control-allow-origin", APP),
                ("access-control-allow-credentials", "true")
            ],
            200
        ),
        o,
        true
    ));
    assert!(!cors_check(
        &s(
            &[("access-control-allow-origin", "https://app.example.com/")],
            200
        ),
        o,
        false
    ));
    let granted = [
        ("access-control-allow-origin", APP),
        ("access-control-allow-methods", "*"),
        ("access-control-allow-headers", "*"),
    ];
    assert!(preflight_passes(
        &s(&granted, 204),
        o,
        "PUT",
        &["x-a"],
        false
    ));
    assert!(!preflight_passes(
        &s(&granted, 204),
        o,
        "PUT",
        &["authorization"],
        false
    ));
    assert!(!preflight_passes(
        &s(&granted, 403),
        o,
        "PUT",
        &["x-a"],
        false
    ));
    assert!(!is_browser_origin(b"https://app.example.com/"));
    assert!(is_browser_origin(b"http://localhost:5173"));
    assert!(!is_browser_origin(b"https://app.example.com:"));
}

#[test]
fn send_wildcard_without_any_origin_is_a_build_error_for_every_other_origin_kind() {
    // SECURITY.md: `Access-Control-Allow-Origin` is `*` "only for `allow_any_origin()` +
    // `send_wildcard()`". With any other origin rule a `*` would grant origins the rules
    // refuse, so the build must fail and say what to do, with or without credentials.
    for kind in KINDS {
        if matches!(kind, Kind::AnyEcho | Kind::AnyWildcard) {
            continue; // `*` is the point of send_wildcard there (checked on the wire above)
        }
        for creds in [false, true] {
            let err = policy(kind, creds)
                .send_wildcard()
                .build()
                .expect_err("send_wildcard beside specific origins must not build");
            let text = err.to_string();
            assert!(
                text.contains("send_wildcard"),
                "{kind:?}, credentials {creds}: {text}"
            );
        }
    }
}
