//! Which configured exact origins a refused origin is compared with, for the "did you mean"
//! hint: every one in a small policy, a bounded set in a large one. Anyone can cause a
//! refusal, so with `debug` logging on the search must not grow with the policy.
//!
//! A large policy's origins are indexed once, the first time a hint is needed (a policy that
//! never logs at `debug` never pays for it), in two sorted orders: as written, and byte for
//! byte reversed. The candidates for a refused origin are then:
//! - the origin in lower case, without a path or trailing `/`, with the other of
//!   `http`/`https`, without its port, and with `www.` added or removed (one binary search
//!   each);
//! - up to [`NEIGHBOURS`] origins with the same scheme and host and another port;
//! - the [`NEIGHBOURS`] origins on each side of where it would sort in each order, which
//!   holds the configured origins that share the longest beginning or end with it: a typo of a
//!   character or two leaves one of the two intact in a realistic origin.
//!
//! At most `6 + 5 × NEIGHBOURS` candidates, found in `O(log n)` comparisons.

use std::ops::Range;

/// Up to this many configured origins, every one is compared (no index).
pub(crate) const SCAN_ALL: usize = 64;

/// Candidates taken on each side of a sort position, and at most per port range.
const NEIGHBOURS: usize = 8;

/// The exact origins of a large policy, in two sorted orders.
#[derive(Debug)]
pub(crate) struct ExactIndex {
    /// Every origin, sorted.
    forward: Vec<Box<str>>,
    /// Every origin's bytes reversed, with its position in `forward`; sorted.
    backward: Vec<(Box<[u8]>, u32)>,
}

fn reversed(s: &str) -> Vec<u8> {
    s.bytes().rev().collect()
}

impl ExactIndex {
    pub(crate) fn new<'a>(origins: impl Iterator<Item = &'a str>) -> Self {
        let mut forward: Vec<Box<str>> = origins.map(Box::from).collect();
        forward.sort_unstable();
        let mut backward: Vec<(Box<[u8]>, u32)> = forward
            .iter()
            .enumerate()
            .map(|(i, o)| (reversed(o).into_boxed_slice(), i as u32))
            .collect();
        backward.sort_unstable();
        ExactIndex { forward, backward }
    }

    /// The configured origin equal to `origin`, if any.
    fn find(&self, origin: &str) -> Option<&str> {
        self.forward
            .binary_search_by(|o| (**o).cmp(origin))
            .ok()
            .map(|i| &*self.forward[i])
    }

    /// Up to [`NEIGHBOURS`] positions on each side of `at`, within `0..len`.
    fn around(at: usize, len: usize) -> Range<usize> {
        at.saturating_sub(NEIGHBOURS)..(at + NEIGHBOURS).min(len)
    }

    /// The configured origins worth comparing with the refused `origin` (see the module
    /// documentation). Allocates a few short strings; diagnostics only.
    pub(crate) fn candidates(&self, origin: &str) -> Vec<&str> {
        let mut out = Vec::with_capacity(6 + 5 * NEIGHBOURS);
        let lower = origin.to_ascii_lowercase();
        // Without a path or trailing `/` (browsers never send one; a proxy may).
        let base = match lower.find("://") {
            Some(sep) => match lower[sep + 3..].find('/') {
                Some(slash) => &lower[..sep + 3 + slash],
                None => &lower[..],
            },
            None => &lower[..],
        };
        out.extend(self.find(&lower));
        out.extend(self.find(base));
        if let Some((scheme, authority)) = base.split_once("://") {
            let (host, port) = authority
                .rsplit_once(':')
                .map_or((authority, None), |(h, p)| {
                    if p.bytes().all(|b| b.is_ascii_digit()) && !h.ends_with(':') {
                        (h, Some(p))
                    } else {
                        (authority, None)
                    }
                });
            let other_scheme = match scheme {
                "https" => Some("http"),
                "http" => Some("https"),
                _ => None,
            };
            if let Some(other) = other_scheme {
                out.extend(self.find(&format!("{other}://{authority}")));
            }
            if port.is_some() {
                out.extend(self.find(&format!("{scheme}://{host}")));
            }
            let www = match host.strip_prefix("www.") {
                Some(bare) => bare.to_owned(),
                None => format!("www.{host}"),
            };
            let port_text = port.map(|p| format!(":{p}")).unwrap_or_default();
            out.extend(self.find(&format!("{scheme}://{www}{port_text}")));
            // The same scheme and host on another port.
            let with_port = format!("{scheme}://{host}:");
            let from = self.forward.partition_point(|o| **o < *with_port);
            out.extend(
                self.forward[from..]
                    .iter()
                    .take(NEIGHBOURS)
                    .take_while(|o| o.starts_with(&with_port))
                    .map(|o| &**o),
            );
        }
        // Neighbours in both orders.
        let at = self.forward.partition_point(|o| **o < *base);
        out.extend(
            self.forward[Self::around(at, self.forward.len())]
                .iter()
                .map(|o| &**o),
        );
        let back = reversed(base);
        let at = self.backward.partition_point(|(o, _)| **o < *back);
        out.extend(
            self.backward[Self::around(at, self.backward.len())]
                .iter()
                .map(|(_, i)| &*self.forward[*i as usize]),
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> ExactIndex {
        let origins: Vec<String> = (0..10_000)
            .map(|i| format!("https://tenant-{i}.example.com"))
            .chain(["http://localhost:5174".to_owned()])
            .collect();
        ExactIndex::new(origins.iter().map(String::as_str))
    }

    #[test]
    fn candidates_are_bounded_whatever_the_policy_size() {
        let index = index();
        for origin in [
            "https://evil.example.org",
            "https://tenant-1.example.com:8443",
            "HTTPS://TENANT-1.EXAMPLE.COM/path",
            "https://www.tenant-1.example.com",
            "x",
            "",
        ] {
            assert!(
                index.candidates(origin).len() <= 6 + 5 * NEIGHBOURS,
                "{origin}"
            );
        }
    }

    #[test]
    fn realistic_near_misses_are_among_the_candidates() {
        let index = index();
        for (origin, configured) in [
            // port typo
            (
                "https://tenant-4242.example.com:8443",
                "https://tenant-4242.example.com",
            ),
            ("http://localhost:5173", "http://localhost:5174"),
            // scheme
            (
                "http://tenant-4242.example.com",
                "https://tenant-4242.example.com",
            ),
            // trailing slash, path, letter case
            (
                "https://tenant-4242.example.com/",
                "https://tenant-4242.example.com",
            ),
            (
                "https://Tenant-4242.example.com/app",
                "https://tenant-4242.example.com",
            ),
            // subdomain: `www.`
            (
                "https://www.tenant-4242.example.com",
                "https://tenant-4242.example.com",
            ),
            // a typo early or late in the host
            (
                "https://tenamt-4242.example.com",
                "https://tenant-4242.example.com",
            ),
            (
                "https://tenant-4242.exmple.com",
                "https://tenant-4242.example.com",
            ),
            (
                "https://tenant-4242.example.co",
                "https://tenant-4242.example.com",
            ),
        ] {
            assert!(
                index.candidates(origin).contains(&configured),
                "{origin}: {:?}",
                index.candidates(origin)
            );
        }
    }
}
