//! Finding Chromium for the browser tests: one rule for every browser test.
//!
//! A browser test never skips silently. Without Chromium it fails, with a message that says
//! how to install it, unless `CORSAIR_SKIP_BROWSER=1` opts out on purpose (then it says so
//! on standard error). `$CHROMIUM`, when set, must name an existing file.

use std::{io::Write as _, path::PathBuf};

/// The environment variable that, set to `1`, skips the browser tests on purpose.
pub const SKIP_VAR: &str = "CORSAIR_SKIP_BROWSER";

/// `$CHROMIUM` if set (it must then exist: a mistyped path is an error, not a skip), else
/// the usual install paths.
pub fn find_chromium() -> Result<PathBuf, String> {
    if let Some(p) = std::env::var_os("CHROMIUM") {
        let p = PathBuf::from(p);
        return if p.exists() {
            Ok(p)
        } else {
            Err(format!(
                "$CHROMIUM is set to {}, which does not exist",
                p.display()
            ))
        };
    }
    [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.exists())
    .ok_or_else(|| {
        "no Chromium found (looked for /usr/bin/chromium, /usr/bin/chromium-browser, \
         /usr/bin/google-chrome)"
            .to_owned()
    })
}

/// Chromium's path; `None` only when `CORSAIR_SKIP_BROWSER=1` opts out. Panics otherwise.
pub fn chromium_or_skip(test: &str) -> Option<PathBuf> {
    match find_chromium() {
        Ok(path) => Some(path),
        Err(why) if std::env::var(SKIP_VAR).as_deref() == Ok("1") => {
            // Straight to the stderr handle: visible even though the harness captures eprintln!.
            let _ = writeln!(std::io::stderr(), "\nSKIPPED {test} ({SKIP_VAR}=1): {why}");
            None
        }
        Err(why) => panic!(
            "{why}. The browser tests prove corsair in a real browser and do not skip \
             silently: install Chromium (`apt-get install chromium`), point $CHROMIUM at the \
             binary, or set {SKIP_VAR}=1 to skip them on purpose."
        ),
    }
}
