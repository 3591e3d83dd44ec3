//! WebSocket handshakes: a cross-origin `GET` that no CORS check guards.
//!
//! `new WebSocket(url)` sends a `GET` with `Upgrade: websocket` and the page's `Origin`
//! (Fetch standard, "establish a WebSocket connection"; RFC 6455 §4.1), with the user's
//! cookies as `SameSite` allows. The socket opens when the app answers `101` with the right
//! `Upgrade`, `Connection` and `Sec-WebSocket-Accept`, whatever the page's origin: only the
//! app can refuse a foreign `Origin` (Cross-Site WebSocket Hijacking). [`Browser::websocket`]
//! runs that handshake, so "a socket from evil.example does not open" is a plain unit test.

use std::fmt;

use actix_web::{
    body::MessageBody,
    dev::{Service, ServiceResponse},
};

use super::{
    browser::{send_head, Kind},
    checks::get,
    fetch::Url,
    Browser,
};

/// Why a handshake did not open the socket, worded as Chromium's DevTools console words it
/// after "Error during WebSocket handshake: ".
///
/// ```
/// use corsair_testing::SocketFailure;
/// assert_eq!(SocketFailure::UnexpectedStatus(403).to_string(), "Unexpected response code: 403");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SocketFailure {
    /// The app answered something else than `101 Switching Protocols` (a redirect included:
    /// handshakes do not follow redirects).
    UnexpectedStatus(u16),
    /// `101`, but no `Upgrade: websocket`.
    BadUpgrade(Option<String>),
    /// `101`, but no `Connection: Upgrade`.
    BadConnection(Option<String>),
    /// `101`, but `Sec-WebSocket-Accept` is missing or does not answer the key (RFC 6455
    /// §4.2.2: base64 of the SHA-1 of the key and the protocol's GUID).
    BadAccept(Option<String>),
}

impl fmt::Display for SocketFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SocketFailure::UnexpectedStatus(s) => write!(f, "Unexpected response code: {s}"),
            SocketFailure::BadUpgrade(None) => f.write_str("'Upgrade' header is missing"),
            SocketFailure::BadUpgrade(Some(v)) => {
                write!(f, "'Upgrade' header value is not 'WebSocket': {v}")
            }
            SocketFailure::BadConnection(None) => f.write_str("'Connection' header is missing"),
            SocketFailure::BadConnection(Some(_)) => {
                f.write_str("'Connection' header value must contain 'Upgrade'")
            }
            SocketFailure::BadAccept(None) => {
                f.write_str("'Sec-WebSocket-Accept' header is missing")
            }
            SocketFailure::BadAccept(Some(_)) => {
                f.write_str("Incorrect 'Sec-WebSocket-Accept' header value")
            }
        }
    }
}

/// The result of [`Browser::websocket`]: did the socket open, and if not, why.
///
/// ```
/// # fn f(socket: corsair_testing::Socket) { assert!(!socket.is_open(), "{socket}"); }
/// ```
#[derive(Clone, Debug)]
pub struct Socket {
    pub(crate) url: String,
    pub(crate) origin: String,
    pub(crate) status: u16,
    pub(crate) failure: Option<SocketFailure>,
}

impl Socket {
    /// The handshake succeeded: `onopen` fires, and the page can read and write messages
    /// with the user's credentials.
    ///
    /// ```
    /// # fn f(socket: corsair_testing::Socket) { assert!(socket.is_open()); }
    /// ```
    pub fn is_open(&self) -> bool {
        self.failure.is_none()
    }

    /// The status the app answered the handshake with (`101` when it accepted).
    ///
    /// ```
    /// # fn f(socket: corsair_testing::Socket) { assert_eq!(socket.status(), 403); }
    /// ```
    pub fn status(&self) -> u16 {
        self.status
    }

    /// Why it did not open, if it did not.
    ///
    /// ```
    /// # use corsair_testing::{Socket, SocketFailure};
    /// # fn f(socket: Socket) {
    /// assert_eq!(socket.failure(), Some(&SocketFailure::UnexpectedStatus(403)));
    /// # }
    /// ```
    pub fn failure(&self) -> Option<&SocketFailure> {
        self.failure.as_ref()
    }
}

impl fmt::Display for Socket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.failure {
            None => write!(
                f,
                "WebSocket to '{}' from origin '{}': open (the app answered 101)",
                self.url, self.origin
            ),
            Some(failure) => write!(
                f,
                "WebSocket connection to '{}' failed: Error during WebSocket handshake: \
                 {failure} (from origin '{}')",
                self.url, self.origin
            ),
        }
    }
}

/// Base64 (RFC 4648, with padding) of a few bytes: the handshake key.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

impl Browser {
    /// Runs `new WebSocket(url)` from this page against `app`: a path resolves against the
    /// app's origin (`ws://` for `http`, `wss://` for `https`). The handshake carries
    /// `Origin` (always, whatever the origin), `Upgrade: websocket`, `Connection: Upgrade`,
    /// `Sec-WebSocket-Version: 13`, a fresh `Sec-WebSocket-Key`, and cookies as `SameSite`
    /// allows (a cross-site socket is not a top-level navigation: only `SameSite=None`
    /// cookies). No `Sec-Fetch-*`: Chromium 156 sends none on handshakes. No CORS check and no
    /// redirects. The socket opens if the app answers `101` with `Upgrade: websocket`,
    /// `Connection: Upgrade` and the right `Sec-WebSocket-Accept` (what
    /// `actix_http::ws::handshake` and `actix-ws` answer).
    ///
    /// ```
    /// # actix_web::rt::System::new().block_on(async {
    /// use actix_web::{test, web, App, HttpRequest, HttpResponse};
    /// use corsair_testing::Browser;
    /// // A stand-in guard: only the app's own pages may open the socket.
    /// let app = test::init_service(App::new().route("/ws", web::get().to(|req: HttpRequest| async move {
    ///     if req.headers().get("origin").is_some_and(|o| o != "https://app.example") {
    ///         return HttpResponse::Forbidden().finish();
    ///     }
    ///     match actix_http::ws::handshake(req.head()) {
    ///         Ok(mut res) => HttpResponse::from(res.finish()).map_into_boxed_body(),
    ///         Err(_) => HttpResponse::BadRequest().finish(),
    ///     }
    /// }))).await;
    /// let evil = Browser::new("https://evil.example").app_origin("https://app.example");
    /// let socket = evil.websocket(&app, "/ws").await;
    /// assert!(!socket.is_open());
    /// assert_eq!(socket.status(), 403);
    /// let own = Browser::new("https://app.example").app_origin("https://app.example");
    /// assert!(own.websocket(&app, "/ws").await.is_open());
    /// # });
    /// ```
    pub async fn websocket<S, B, E>(&self, app: &S, url: &str) -> Socket
    where
        S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = E>,
        E: Into<actix_web::Error>,
        B: MessageBody,
    {
        let http = if let Some(rest) = url.strip_prefix("ws://") {
            format!("http://{rest}")
        } else if let Some(rest) = url.strip_prefix("wss://") {
            format!("https://{rest}")
        } else {
            url.to_owned()
        };
        let url = Url::parse(&http, &self.app_origin);
        let shown = match url.origin.split_once("://") {
            Some(("https", rest)) => format!("wss://{rest}{}", url.path),
            Some(("http", rest)) => format!("ws://{rest}{}", url.path),
            _ => url.full(),
        };
        let n = {
            let mut state = self.state();
            state.sockets += 1;
            state.sockets
        };
        let mut raw = *b"corsair-sim-0000";
        raw[12..].copy_from_slice(&n.to_be_bytes());
        let key = base64(&raw);
        let mut wire = vec![
            ("Upgrade".to_owned(), "websocket".to_owned()),
            ("Connection".to_owned(), "Upgrade".to_owned()),
            ("Sec-WebSocket-Version".to_owned(), "13".to_owned()),
            ("Sec-WebSocket-Key".to_owned(), key.clone()),
            (
                "Sec-WebSocket-Extensions".to_owned(),
                "permessage-deflate; client_max_window_bits".to_owned(),
            ),
            ("Pragma".to_owned(), "no-cache".to_owned()),
            ("Cache-Control".to_owned(), "no-cache".to_owned()),
        ];
        if let Some(origin) = self.origin_header(true, "GET", &url) {
            wire.push(("Origin".to_owned(), origin));
        }
        wire.extend(self.fetch_metadata(Kind::WebSocket, std::slice::from_ref(&url.origin)));
        let ctx = self.cookie_context(Kind::WebSocket, "GET", &url);
        if let Some(cookie) = self.cookie_header(ctx) {
            wire.push(("Cookie".to_owned(), cookie));
        }
        let (status, headers) = send_head(app, &url, &wire).await;
        self.store_cookies(ctx, &headers);
        let failure = handshake_failure(status, &headers, &key);
        Socket {
            url: shown,
            origin: self.origin.clone(),
            status,
            failure,
        }
    }
}

/// RFC 6455 §4.1, the client's checks of the server's handshake, in Chromium's order.
fn handshake_failure(
    status: u16,
    headers: &[(String, String)],
    key: &str,
) -> Option<SocketFailure> {
    if status != 101 {
        return Some(SocketFailure::UnexpectedStatus(status));
    }
    let upgrade = get(headers, "upgrade");
    if !upgrade
        .as_deref()
        .is_some_and(|u| u.trim().eq_ignore_ascii_case("websocket"))
    {
        return Some(SocketFailure::BadUpgrade(upgrade));
    }
    let connection = get(headers, "connection");
    if !connection.as_deref().is_some_and(|c| {
        c.split(',')
            .any(|t| t.trim().eq_ignore_ascii_case("upgrade"))
    }) {
        return Some(SocketFailure::BadConnection(connection));
    }
    let accept = get(headers, "sec-websocket-accept");
    let expected = actix_http::ws::hash_key(key.as_bytes());
    if accept.as_deref().map(str::as_bytes) != Some(&expected[..]) {
        return Some(SocketFailure::BadAccept(accept));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648_test_vectors() {
        for (raw, enc) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(raw.as_bytes()), enc);
        }
    }

    #[test]
    fn the_accept_value_answers_the_key_as_rfc_6455_shows() {
        // RFC 6455 §1.3's worked example.
        let headers = [
            ("upgrade".to_owned(), "websocket".to_owned()),
            ("connection".to_owned(), "Upgrade".to_owned()),
            (
                "sec-websocket-accept".to_owned(),
                "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=".to_owned(),
            ),
        ];
        assert_eq!(
            handshake_failure(101, &headers, "dGhlIHNhbXBsZSBub25jZQ=="),
            None
        );
        assert!(handshake_failure(101, &headers, "AAAAAAAAAAAAAAAAAAAAAA==").is_some());
    }
}
