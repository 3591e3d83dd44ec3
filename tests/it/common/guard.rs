//! A typical auth middleware: no `Authorization: Bearer <token>`, no entry. Like most real
//! guards it knows nothing about CORS, so it rejects preflights too (they never carry
//! credentials). It counts the requests that reach it in the app's [`GuardCalls`], when the
//! app has one, to tell "answered by corsair" from "answered by the guard".
#![allow(dead_code)]

use std::sync::{
    atomic::{AtomicUsize, Ordering},
    Arc,
};

use actix_web::{
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    error::ErrorUnauthorized,
    http::header,
    middleware::Next,
    web, Error,
};

/// How many requests reached the guard of the app holding it (as `web::Data`).
#[derive(Clone, Default)]
pub struct GuardCalls(Arc<AtomicUsize>);

impl GuardCalls {
    pub fn get(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

/// The guard, for `middleware::from_fn`.
pub async fn require_token(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    if let Some(calls) = req.app_data::<web::Data<GuardCalls>>() {
        calls.0.fetch_add(1, Ordering::SeqCst);
    }
    let authorized = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|token| !token.is_empty());
    if !authorized {
        return Err(ErrorUnauthorized("missing bearer token"));
    }
    next.call(req).await
}
