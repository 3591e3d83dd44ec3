//! The **floor**: the least a correct CORS middleware must do on an actual request, written by
//! hand, to measure what corsair costs over it (issue 24).
//!
//! Good for actual requests only (it never answers a preflight), exact origins only, with
//! credentials. Per request it does exactly this and nothing else:
//! - one hash lookup of the request's `Origin` in a set of allowed origins;
//! - on a match, `Access-Control-Allow-Origin` set to the request's own `Origin` value (a
//!   clone of the request's header value: a reference-count bump, no copy) and
//!   `Access-Control-Allow-Credentials: true`;
//! - one `Vary: Origin` line **appended** to whatever the handler set (RFC 9110 §12.5.5: a
//!   recipient combines several `Vary` lines into one list, §5.3), on every response, since
//!   the answer depends on `Origin` whether or not this request sent one;
//! - no logging, no counters, no merging, no same-origin test, no extensions, no boxing.
//!
//! The set is hashed with foldhash, the hasher corsair's exact-origin map uses, so the two
//! differ in what they do per request, not in the hash function. Header values written are
//! `const` (`'static` bytes: cloning one copies a pointer).

use std::{
    collections::HashSet,
    future::Future,
    pin::Pin,
    rc::Rc,
    task::{Context, Poll},
};

use actix_web::{
    dev::{Service, ServiceRequest, ServiceResponse, Transform},
    http::header::{self, HeaderValue},
    Error,
};
use pin_project_lite::pin_project;

const TRUE: HeaderValue = HeaderValue::from_static("true");
const ORIGIN: HeaderValue = HeaderValue::from_static("Origin");

/// The allowed origins, by their bytes.
type Origins = HashSet<Box<[u8]>, foldhash::fast::RandomState>;

/// The floor middleware: `.wrap(Floor::new(origins))`.
pub struct Floor {
    origins: Rc<Origins>,
}

impl Floor {
    /// A floor allowing exactly `origins` (serialized origins, compared byte for byte).
    pub fn new(origins: impl IntoIterator<Item = String>) -> Self {
        Floor {
            origins: Rc::new(
                origins
                    .into_iter()
                    .map(|o| o.into_bytes().into_boxed_slice())
                    .collect(),
            ),
        }
    }
}

/// The per-worker service of [`Floor`].
pub struct FloorService<S> {
    service: S,
    origins: Rc<Origins>,
}

impl<S, B> Transform<S, ServiceRequest> for Floor
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
{
    type Response = ServiceResponse<B>;
    type Error = Error;
    type Transform = FloorService<S>;
    type InitError = ();
    type Future = std::future::Ready<Result<Self::Transform, ()>>;

    fn new_transform(&self, service: S) -> Self::Future {
        std::future::ready(Ok(FloorService {
            service,
            origins: Rc::clone(&self.origins),
        }))
    }
}

impl<S, B> Service<ServiceRequest> for FloorService<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
{
    type Response = ServiceResponse<B>;
    type Error = Error;
    type Future = FloorFuture<S::Future>;

    actix_web::dev::forward_ready!(service);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        // The one lookup; the echo is the request's own value.
        let allow = req
            .headers()
            .get(header::ORIGIN)
            .filter(|origin| self.origins.contains(origin.as_bytes()))
            .cloned();
        FloorFuture {
            fut: self.service.call(req),
            allow,
        }
    }
}

pin_project! {
    /// The response future of [`FloorService`]: the inner future, then three header writes
    /// at most. Unboxed.
    pub struct FloorFuture<F> {
        #[pin]
        fut: F,
        allow: Option<HeaderValue>,
    }
}

impl<F, B> Future for FloorFuture<F>
where
    F: Future<Output = Result<ServiceResponse<B>, Error>>,
{
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let mut res = match this.fut.poll(cx) {
            Poll::Ready(Ok(res)) => res,
            other => return other,
        };
        let headers = res.headers_mut();
        if let Some(origin) = this.allow.take() {
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            headers.insert(header::ACCESS_CONTROL_ALLOW_CREDENTIALS, TRUE);
        }
        headers.append(header::VARY, ORIGIN);
        Poll::Ready(Ok(res))
    }
}
