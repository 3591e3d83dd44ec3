//! A raw HTTP/1.1 client, to see the bytes on the wire as a browser's network stack reads
//! them: every field line as sent, repeated fields not merged.
#![allow(dead_code)]

use std::{
    io::{Read, Write},
    net::{SocketAddr, TcpStream},
};

/// Sends `head` (the request line and header lines, each ending in `\r\n`) and then `Host`
/// and `Connection: close` on a new connection to `addr`; returns the status line, the header
/// fields in order (names in lower case, values trimmed) and the body.
pub fn exchange(addr: SocketAddr, head: &str) -> (String, Vec<(String, String)>, String) {
    let mut stream = TcpStream::connect(addr).expect("connect to the test server");
    write!(stream, "{head}Host: {addr}\r\nConnection: close\r\n\r\n").unwrap();
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    let (head, body) = text
        .split_once("\r\n\r\n")
        .expect("a complete response head");
    let mut lines = head.split("\r\n");
    let status = lines.next().unwrap().to_owned();
    let headers = lines
        .map(|l| {
            let (name, value) = l.split_once(':').expect("a `name: value` field line");
            (name.trim().to_ascii_lowercase(), value.trim().to_owned())
        })
        .collect();
    (status, headers, body.to_owned())
}

/// The values of every field line named `name` (lower case), in order.
pub fn values<'a>(headers: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    headers
        .iter()
        .filter(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
        .collect()
}
