//! The compiled, immutable policy and the one function that decides every request.
//!
//! [`Compiled::decide`] reads a request head and returns a [`Verdict`] without allocating;
//! [`Compiled::apply`] writes the headers that verdict calls for. The middleware and
//! [`CorsPolicy::check`](crate::CorsPolicy::check) both use exactly these two functions
//! (through the roll-out layer, `crate::rollout`, which sits beside the policy), so what
//! `check` says is what the wire shows.
//!
//! A `Compiled` knows nothing of workers, counters or roll-out: it is the immutable
//! description of the CORS rules. Each middleware instance gets its own copy of it
//! ([`Compiled::for_worker`]), so that a request reads and writes nothing another worker
//! touches.

use std::fmt;

use actix_web::{
    dev::RequestHead,
    http::{
        header::{self, HeaderMap, HeaderName, HeaderValue},
        Method, StatusCode,
    },
};

mod allow_headers;
mod allow_methods;
mod allow_origin;
mod expose_headers;
mod max_age;
mod private_network;
mod request_headers;
mod verdict;

pub use self::verdict::Refusal;
pub(crate) use self::{
    allow_headers::HeaderRule,
    allow_methods::MethodRule,
    allow_origin::AllowOrigin,
    expose_headers::value as expose_value,
    private_network::ACRPN,
    verdict::{Tail, Verdict},
};

use crate::{
    header_value::own_copy,
    origin::{Lookup, MatchedBy, OriginMatcher},
    vary::{self, VaryCache},
};

/// The policy as it runs: header values built once, rules indexed.
pub(crate) struct Compiled {
    pub(crate) origins: OriginMatcher,
    pub(crate) methods: MethodRule,
    pub(crate) headers: HeaderRule,
    pub(crate) expose: Option<HeaderValue>,
    pub(crate) max_age: Option<HeaderValue>,
    /// The yes/no options and the preflight status, as validated.
    pub(crate) flags: Flags,
    vary_actual: HeaderValue,
    vary_preflight: HeaderValue,
}

impl fmt::Debug for Compiled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CorsPolicy")
            .field("origins", &self.origins)
            .field("methods", &self.methods)
            .field("headers", &self.headers)
            .field("expose", &self.expose)
            .field("max_age", &self.max_age)
            .field("flags", &self.flags)
            .finish()
    }
}

/// A request's `Origin`, looked up once for deciding and the same-origin test.
#[derive(Clone, Copy)]
pub(crate) struct RequestOrigin<'a> {
    /// The first `Origin` value.
    pub(crate) value: &'a HeaderValue,
    /// More than one `Origin`: refused, since none can be trusted.
    pub(crate) several: bool,
}

impl<'a> RequestOrigin<'a> {
    /// The `Origin` of `head`, or `None` when it has none (not a CORS request).
    #[inline(always)]
    pub(crate) fn of(head: &'a RequestHead) -> Option<Self> {
        let mut origins = head.headers.get_all(header::ORIGIN);
        let value = origins.next()?;
        Some(RequestOrigin {
            value,
            several: origins.next().is_some(),
        })
    }
}

/// The policy's yes/no options and the preflight status, as validated.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Flags {
    pub(crate) send_wildcard: bool,
    pub(crate) credentials: bool,
    pub(crate) vary: bool,
    pub(crate) preflight: bool,
    pub(crate) block_on_origin_mismatch: bool,
    pub(crate) private_network: bool,
    pub(crate) preflight_status: StatusCode,
}

impl Compiled {
    /// Assembles a policy from validated parts, building the header values it sends.
    pub(crate) fn new(
        origins: OriginMatcher,
        methods: MethodRule,
        headers: HeaderRule,
        expose: Option<HeaderValue>,
        max_age: Option<usize>,
        flags: Flags,
    ) -> Self {
        let vary_preflight = if flags.private_network {
            "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, Access-Control-Request-Private-Network"
        } else {
            "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"
        };
        Compiled {
            origins,
            methods,
            headers,
            expose,
            max_age: max_age::value(max_age),
            flags,
            vary_actual: HeaderValue::from_static("Origin"),
            vary_preflight: HeaderValue::from_static(vary_preflight),
        }
    }

    /// One middleware instance's own copy: the same rules, with header values in buffers of
    /// its own and origin regexes with their own match caches, so that the instance's
    /// requests write no memory that another worker's requests touch.
    pub(crate) fn for_worker(&self) -> Compiled {
        let own = |v: &Option<HeaderValue>| v.as_ref().map(own_copy);
        Compiled {
            origins: self.origins.for_worker(),
            methods: self.methods.for_worker(),
            headers: self.headers.for_worker(),
            expose: own(&self.expose),
            max_age: own(&self.max_age),
            flags: self.flags,
            vary_actual: self.vary_actual.clone(),
            vary_preflight: self.vary_preflight.clone(),
        }
    }

    /// Decides a request. Does not allocate. Each request header it reads is looked up once.
    #[inline]
    pub(crate) fn decide(&self, head: &RequestHead) -> Verdict {
        self.decide_origin(head, RequestOrigin::of(head))
    }

    /// [`decide`](Self::decide) for a request whose `Origin` the caller already looked up
    /// (`RequestOrigin::of(head)`), so that it is not looked up again.
    #[inline(always)]
    pub(crate) fn decide_origin(
        &self,
        head: &RequestHead,
        origin: Option<RequestOrigin<'_>>,
    ) -> Verdict {
        let Some(origin) = origin else {
            return Verdict::NoOrigin;
        };
        // A preflight: `OPTIONS` with `Origin` and `Access-Control-Request-Method` (when this
        // policy answers preflights at all).
        if self.flags.preflight && head.method == Method::OPTIONS {
            let mut methods = head.headers.get_all(header::ACCESS_CONTROL_REQUEST_METHOD);
            if let Some(method) = methods.next() {
                let repeated = methods.next().is_some();
                return self.decide_preflight(head, origin, (method, repeated));
            }
        }
        match self.allow_origin(origin, head) {
            Ok((origin, by)) => Verdict::Actual { origin, by },
            Err(reason) => Verdict::Refused {
                preflight: false,
                reason,
            },
        }
    }

    /// What to answer a request with this `Origin`.
    #[inline(always)]
    fn allow_origin(
        &self,
        origin: RequestOrigin<'_>,
        head: &RequestHead,
    ) -> Result<(AllowOrigin, MatchedBy), Refusal> {
        if origin.several {
            return Err(Refusal::MultipleOrigins);
        }
        match self.origins.lookup(origin.value, head) {
            Lookup::Allowed(by, echo) => {
                Ok((AllowOrigin::answer(self.flags.send_wildcard, by, echo), by))
            }
            Lookup::NullRefused => Err(Refusal::NullOrigin),
            Lookup::Malformed => Err(Refusal::MalformedOrigin),
            Lookup::NotAllowed => Err(Refusal::OriginNotAllowed),
        }
    }

    /// Decides a preflight with this `Origin`, whose `Access-Control-Request-Method` is
    /// `method` (`repeated`: the header came more than once).
    fn decide_preflight(
        &self,
        head: &RequestHead,
        origin: RequestOrigin<'_>,
        (method, repeated): (&HeaderValue, bool),
    ) -> Verdict {
        let refused = |reason| Verdict::Refused {
            preflight: true,
            reason,
        };
        let (allow_origin, by) = match self.allow_origin(origin, head) {
            Ok(answer) => answer,
            Err(reason) => return refused(reason),
        };
        let method = match self.methods.check(method, repeated) {
            Ok(m) => m,
            Err(reason) => return refused(reason),
        };
        let headers = match self.headers.check(head) {
            Ok(h) => h,
            Err(reason) => return refused(reason),
        };
        let private_network = self.flags.private_network && private_network::requested(head);
        Verdict::Preflight {
            origin: allow_origin,
            by,
            method,
            headers,
            private_network,
        }
    }

    /// The first requested header the policy does not allow (for diagnostics only).
    pub(crate) fn first_refused_header<'a>(&self, head: &'a RequestHead) -> Option<&'a str> {
        self.headers.first_refused(head)
    }

    /// Writes the response headers `verdict` calls for, each through its own module, into a
    /// response the middleware makes itself (a preflight's answer, a blocked request's) or
    /// into the empty map of [`CorsPolicy::check`](crate::CorsPolicy::check): nothing there
    /// to replace or merge with, so every header is appended. The handler's responses get
    /// theirs from [`finish`](Self::finish).
    pub(crate) fn apply(&self, verdict: &Verdict, headers: &mut HeaderMap) {
        let preflight = match verdict {
            Verdict::NoOrigin => false,
            Verdict::Refused { preflight, .. } => *preflight,
            Verdict::Actual { origin, .. } => {
                self.write_allowed(origin, headers, true);
                false
            }
            Verdict::Preflight {
                origin,
                method,
                headers: requested,
                private_network: pna,
                ..
            } => {
                origin.write(self.flags.credentials, headers, true);
                self.methods.write(method.as_ref(), headers);
                self.headers.write(requested.as_ref(), headers);
                max_age::write(self.max_age.as_ref(), headers);
                if *pna {
                    private_network::write(headers);
                }
                true
            }
        };
        if let Some(ours) = self.our_vary(preflight) {
            headers.append(header::VARY, ours.clone());
        }
    }

    /// Writes what the handler's response to an actual request gets, `tail` (see
    /// [`Tail`]): the same headers [`apply`](Self::apply) writes for the verdict it came from,
    /// replacing CORS headers the handler set and merging into its `Vary`.
    #[inline]
    pub(crate) fn finish(&self, tail: &Tail, headers: &mut HeaderMap, cache: &VaryCache) {
        // Two walks, one per kind of tail: one walk shared by both, with the grant optional,
        // cost an allowed request 120 instructions more (issue 24's measurements).
        let Tail::Allow(origin) = tail else {
            if let Some(ours) = self.our_vary(false) {
                if headers.len_keys() > SCAN_LIMIT {
                    vary::merge(headers, ours, cache);
                } else {
                    let mut vary = vary::InPlace::new(ours, cache);
                    headers.retain(|name, value| {
                        if *name == header::VARY {
                            vary.see(value);
                        }
                        true
                    });
                    vary.finish(headers);
                }
            }
            return;
        };
        let ours = self.our_vary(false);
        if headers.len_keys() > SCAN_LIMIT {
            // A large response: each header looked up.
            self.write_allowed(origin, headers, false);
            if let Some(ours) = ours {
                vary::merge(headers, ours, cache);
            }
            return;
        }
        // One walk over the handler's response instead of a lookup per header: the CORS
        // headers this response gets are dropped (ours replace them), and its `Vary` is
        // merged in place.
        let (credentials, expose) = (self.flags.credentials, self.expose.is_some());
        let mut vary = ours.map(|ours| vary::InPlace::new(ours, cache));
        headers.retain(|name, value| {
            if *name == header::VARY {
                if let Some(vary) = &mut vary {
                    vary.see(value);
                }
                true
            } else {
                !(*name == header::ACCESS_CONTROL_ALLOW_ORIGIN
                    || (credentials && *name == header::ACCESS_CONTROL_ALLOW_CREDENTIALS)
                    || (expose && *name == header::ACCESS_CONTROL_EXPOSE_HEADERS))
            }
        });
        self.write_allowed(origin, headers, true);
        if let Some(vary) = vary {
            vary.finish(headers);
        }
    }

    /// The headers of an allowed actual request besides `Vary`: `Access-Control-Allow-Origin`
    /// (and `-Credentials`) and `Access-Control-Expose-Headers`. `fresh`: see [`put`].
    #[inline(always)]
    fn write_allowed(&self, origin: &AllowOrigin, headers: &mut HeaderMap, fresh: bool) {
        origin.write(self.flags.credentials, headers, fresh);
        expose_headers::write(self.expose.as_ref(), headers, fresh);
    }

    /// The names this policy adds to `Vary` on a preflight's or an actual request's
    /// response, or `None` when it sends no `Vary` at all.
    #[inline(always)]
    fn our_vary(&self, preflight: bool) -> Option<&HeaderValue> {
        match (self.flags.vary, preflight) {
            (false, _) => None,
            (true, true) => Some(&self.vary_preflight),
            (true, false) => Some(&self.vary_actual),
        }
    }

    /// Whether a refused actual request is answered here (blocked, `block_on_origin_mismatch`)
    /// rather than passed on to the handler.
    #[inline(always)]
    pub(crate) fn blocks_refused(&self) -> bool {
        self.flags.block_on_origin_mismatch
    }

    /// The status of the answer the middleware gives itself for this verdict, if any:
    /// preflights are answered here, and refused requests when blocking.
    pub(crate) fn own_answer(&self, verdict: &Verdict) -> Option<StatusCode> {
        match verdict {
            Verdict::Preflight { .. } => Some(self.flags.preflight_status),
            Verdict::Refused {
                preflight: true,
                reason,
            } => Some(reason.status()),
            Verdict::Refused {
                preflight: false,
                reason,
            } if self.blocks_refused() => Some(reason.status()),
            _ => None,
        }
    }
}

/// Most headers a response is scanned for, rather than looked up one by one.
const SCAN_LIMIT: usize = 8;

/// Writes `name: value`. `fresh`: the response is one the middleware just created, or one
/// [`finish`](Compiled::finish) cleared of CORS headers, so a plain `append` is enough; otherwise
/// earlier values are replaced (`append` when absent skips building and dropping
/// `HeaderMap::insert`'s `Removed` iterator). Always inlined: called three times per
/// actual request, with `fresh` usually `true`, where it is just `append`.
#[inline(always)]
fn put(headers: &mut HeaderMap, name: HeaderName, value: HeaderValue, fresh: bool) {
    if fresh || !headers.contains_key(&name) {
        headers.append(name, value);
    } else {
        headers.insert(name, value);
    }
}
