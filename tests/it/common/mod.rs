//! Small helpers shared by the integration tests.
#![allow(dead_code)]

pub mod chromium;
pub mod env;
pub mod guard;
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

/// Asserts that the response's `Access-Control-*` fields are exactly `expected`: each named
/// once, with that value, in any order, and no other. A grant that sends one field too many
/// (or a refusal that sends any) fails; `assert_cors(&res, &[])` is "no CORS headers at all".
#[track_caller]
pub fn assert_cors<B>(res: &ServiceResponse<B>, expected: &[(&str, &str)]) {
    let mut got: Vec<(String, String)> = res
        .headers()
        .iter()
        .filter(|(name, _)| name.as_str().starts_with("access-control-"))
        .map(|(name, value)| {
            let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
            (name.as_str().to_owned(), value)
        })
        .collect();
    got.sort();
    let mut want: Vec<(String, String)> = expected
        .iter()
        .map(|(name, value)| (name.to_ascii_lowercase(), (*value).to_owned()))
        .collect();
    want.sort();
    assert_eq!(got, want, "the response's Access-Control-* fields");
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
