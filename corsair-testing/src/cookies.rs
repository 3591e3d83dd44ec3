//! The browser's cookie jar for the app, with the `SameSite` and `Secure` rules of RFC 6265bis
//! (<https://datatracker.ietf.org/doc/draft-ietf-httpbis-rfc6265bis/>, "Storage Model" and
//! "Retrieval Algorithm") as Chromium applies them:
//!
//! - a cookie without `SameSite` is treated as `Lax` ("Lax by default"), except that for its
//!   first 2 minutes it also goes on a cross-site top-level navigation with an unsafe method
//!   such as a form `POST` (Chromium's "Lax-allowing-unsafe", `kLaxAllowUnsafeMaxAge`);
//! - `SameSite=None` without `Secure` is refused;
//! - `Secure` cookies are set and sent only over potentially trustworthy URLs (`https`, or
//!   `localhost` and loopback addresses, which Chromium treats as secure).
//!
//! Cross-site requests get `SameSite=None` cookies only, except top-level navigations with a
//! safe method (`GET`), which get `Lax` ones too. Not modelled: `Path`, `Domain`, `Expires`,
//! cookie prefixes, partitioned cookies, and the third-party-cookie blocking a user (or
//! headless Chromium's default profile) may turn on.

use std::{collections::BTreeMap, time::Duration};

/// Chromium's `kLaxAllowUnsafeMaxAge`: how long a cookie without `SameSite` still goes on
/// cross-site top-level `POST` navigations.
pub(crate) const LAX_ALLOW_UNSAFE_MAX_AGE: Duration = Duration::from_secs(120);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SameSite {
    Strict,
    Lax,
    None,
    Unspecified,
}

#[derive(Clone, Debug)]
struct Cookie {
    value: String,
    same_site: SameSite,
    secure: bool,
    created: Duration,
}

/// What a request looks like to the cookie rules.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Context {
    /// The request URL is potentially trustworthy (`Secure` cookies may go, or be set).
    pub(crate) secure_url: bool,
    /// The request URL is same-site with the top-level page (the "site for cookies").
    pub(crate) same_site: bool,
    /// A top-level navigation (a form submitted to the whole tab, not to a frame).
    pub(crate) top_level_navigation: bool,
    /// `GET`, `HEAD`, `OPTIONS` or `TRACE` (RFC 9110 "safe" methods).
    pub(crate) safe_method: bool,
    /// The simulated clock.
    pub(crate) now: Duration,
}

/// The cookies the browser holds for the app, by name.
#[derive(Debug, Default)]
pub(crate) struct Jar {
    cookies: BTreeMap<String, Cookie>,
}

impl Jar {
    /// Stores one `Set-Cookie` value received in `ctx` (RFC 6265bis "Storage Model");
    /// `Max-Age` of 0 or less deletes.
    pub(crate) fn store(&mut self, set_cookie: &str, ctx: Context) {
        let mut parts = set_cookie.split(';');
        let Some((name, value)) = parts.next().and_then(|p| p.split_once('=')) else {
            return;
        };
        let (mut same_site, mut secure, mut deleted) = (SameSite::Unspecified, false, false);
        for attr in parts {
            let (key, val) = attr.split_once('=').unwrap_or((attr, ""));
            let (key, val) = (key.trim(), val.trim());
            if key.eq_ignore_ascii_case("secure") {
                secure = true;
            } else if key.eq_ignore_ascii_case("max-age") {
                deleted = val.parse::<i64>().is_ok_and(|s| s <= 0);
            } else if key.eq_ignore_ascii_case("samesite") {
                same_site = match val.to_ascii_lowercase().as_str() {
                    "strict" => SameSite::Strict,
                    "lax" => SameSite::Lax,
                    "none" => SameSite::None,
                    _ => SameSite::Unspecified,
                };
            }
        }
        let refused = (secure && !ctx.secure_url)
            || (same_site == SameSite::None && !secure)
            || (same_site != SameSite::None && !ctx.same_site && !ctx.top_level_navigation);
        if refused {
            return;
        }
        let name = name.trim().to_owned();
        if deleted {
            self.cookies.remove(&name);
            return;
        }
        self.cookies.insert(
            name,
            Cookie {
                value: value.trim().to_owned(),
                same_site,
                secure,
                created: ctx.now,
            },
        );
    }

    /// The `Cookie` header for a request in `ctx` (RFC 6265bis "Retrieval Algorithm"), or
    /// `None` when no cookie goes.
    pub(crate) fn header(&self, ctx: Context) -> Option<String> {
        let sent: Vec<String> = self
            .cookies
            .iter()
            .filter(|(_, c)| !c.secure || ctx.secure_url)
            .filter(|(_, c)| {
                ctx.same_site
                    || match c.same_site {
                        SameSite::None => true,
                        SameSite::Strict => false,
                        SameSite::Lax => ctx.top_level_navigation && ctx.safe_method,
                        SameSite::Unspecified => {
                            ctx.top_level_navigation
                                && (ctx.safe_method
                                    || ctx.now.saturating_sub(c.created)
                                        <= LAX_ALLOW_UNSAFE_MAX_AGE)
                        }
                    }
            })
            .map(|(n, c)| format!("{n}={}", c.value))
            .collect();
        (!sent.is_empty()).then(|| sent.join("; "))
    }

    /// Every cookie as `name=value`, in name order.
    pub(crate) fn list(&self) -> Vec<String> {
        self.cookies
            .iter()
            .map(|(n, c)| format!("{n}={}", c.value))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(same_site: bool, top: bool, safe: bool, now: u64) -> Context {
        Context {
            secure_url: true,
            same_site,
            top_level_navigation: top,
            safe_method: safe,
            now: Duration::from_secs(now),
        }
    }

    fn jar() -> Jar {
        let mut jar = Jar::default();
        for c in [
            "strict=1; SameSite=Strict",
            "lax=1; SameSite=Lax",
            "none=1; SameSite=None; Secure",
            "nonenosecure=1; SameSite=None",
            "plain=1",
        ] {
            jar.store(c, ctx(true, true, true, 0));
        }
        jar
    }

    #[test]
    fn same_site_requests_get_every_cookie_and_none_without_secure_is_refused() {
        assert_eq!(
            jar().header(ctx(true, false, false, 0)).unwrap(),
            "lax=1; none=1; plain=1; strict=1"
        );
    }

    #[test]
    fn cross_site_post_navigation_gets_none_and_young_unspecified_cookies_only() {
        let j = jar();
        assert_eq!(
            j.header(ctx(false, true, false, 120)).unwrap(),
            "none=1; plain=1"
        );
        assert_eq!(j.header(ctx(false, true, false, 121)).unwrap(), "none=1");
        assert_eq!(
            j.header(ctx(false, true, true, 500)).unwrap(),
            "lax=1; none=1; plain=1"
        );
        assert_eq!(j.header(ctx(false, false, true, 0)).unwrap(), "none=1");
    }

    #[test]
    fn secure_cookies_need_a_trustworthy_url() {
        let mut j = Jar::default();
        let mut c = ctx(true, true, true, 0);
        c.secure_url = false;
        j.store("s=1; Secure", c);
        assert!(j.list().is_empty());
        j.store("s=1; Secure", ctx(true, true, true, 0));
        assert_eq!(j.header(c), None);
    }
}
