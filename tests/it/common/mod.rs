//! Small helpers shared by the integration tests.
#![allow(dead_code)]

pub mod chromium;
pub mod env;
pub mod logs;
pub mod raw_http;
pub mod server;

use std::collections::BTreeMap;

use actix_web::{
    dev::ServiceResponse,
    http::{
        header::{self, HeaderMap},
        Method,
    },
    test::TestRequest,
};

/// An actual request from `origin`.
pub fn from_origin(method: Method, path: &str, origin: &str) -> TestRequest {
    TestRequest::default()
        .method(method)
        .uri(path)
        .insert_header((header::ORIGIN, origin))
}

/// A preflight from `origin` asking for `method` and the comma-separated `headers`.
pub fn preflight(path: &str, origin: &str, method: &str, headers: Option<&str>) -> TestRequest {
    let req = TestRequest::default()
        .method(Method::OPTIONS)
        .uri(path)
        .insert_header((header::ORIGIN, origin))
        .insert_header((header::ACCESS_CONTROL_REQUEST_METHOD, method));
    match headers {
        Some(h) => req.insert_header((header::ACCESS_CONTROL_REQUEST_HEADERS, h)),
        None => req,
    }
}

/// A response header as text, if present.
pub fn header<B>(res: &ServiceResponse<B>, name: &str) -> Option<String> {
    res.headers()
        .get(name)
        .map(|v| v.to_str().expect("header is text").to_owned())
}

/// Every value of a header, in order.
pub fn all<B>(res: &ServiceResponse<B>, name: &str) -> Vec<String> {
    res.headers()
        .get_all(name)
        .map(|v| v.to_str().expect("header is text").to_owned())
        .collect()
}

/// True if no `Access-Control-Allow-*` header is present.
pub fn has_no_allow_headers<B>(res: &ServiceResponse<B>) -> bool {
    !res.headers()
        .keys()
        .any(|k| k.as_str().starts_with("access-control-allow-"))
}

/// The CORS headers of a response: `Access-Control-*` and `Vary`, every value in order
/// (as escaped text, so failures read well and distinct bytes stay distinct).
pub fn cors_headers(headers: &HeaderMap) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, value) in headers {
        let name = name.as_str();
        if name.starts_with("access-control-") || name == "vary" {
            out.entry(name.to_owned())
                .or_default()
                .push(format!("{value:?}"));
        }
    }
    out
}
