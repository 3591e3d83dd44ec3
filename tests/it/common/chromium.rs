//! Finding Chromium for the browser tests: one rule for every browser test.
//!
//! A browser test never skips silently. Without Chromium it fails, with a message that says
//! how to install it, unless `CORSAIR_SKIP_BROWSER=1` opts out on purpose (then it says so
//! on standard error). `$CHROMIUM`, when set, must name an existing file.

use std::{
    fs,
    io::Write as _,
    os::unix::process::CommandExt as _,
    path::PathBuf,
    process::{Child, Command, Stdio},
    thread,
    time::{SystemTime, UNIX_EPOCH},
};

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

/// One headless Chromium with a throwaway profile; killed and cleaned up on drop.
pub struct Browser {
    pub child: Child,
    profile: PathBuf,
}

impl Browser {
    /// Starts Chromium on `url`.
    pub fn open(binary: &PathBuf, url: &str) -> Browser {
        let stamp = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let profile = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("chromium-profile-{}-{stamp}", std::process::id()));
        fs::create_dir_all(&profile).unwrap();
        let stderr = fs::File::create(profile.join("chromium.log")).unwrap();
        let child = Command::new(binary)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                "--no-proxy-server",
                "--password-store=basic",
                "--mute-audio",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg(url)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(stderr)
            // Its own process group, so that Drop can end Chromium's helper processes too.
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", binary.display()));
        Browser { child, profile }
    }

    /// The last lines Chromium wrote to stderr, for failure messages.
    pub fn log_tail(&self) -> String {
        let log = fs::read_to_string(self.profile.join("chromium.log")).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // SIGTERM makes Chromium shut down its helper processes (renderers, GPU, network) and
        // flush the profile before exiting; then anything left in its process group is killed,
        // so nothing still writes into the profile when it is removed.
        let pid = self.child.id();
        let term = Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status();
        if !term.is_ok_and(|s| s.success()) {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{pid}")])
            .stderr(Stdio::null())
            .status();
        // A helper killed mid-write may still finish that write: retry a little; whatever is
        // left stays under target/tmp.
        for _ in 0..100 {
            if fs::remove_dir_all(&self.profile).is_ok() || !self.profile.exists() {
                break;
            }
            thread::yield_now();
        }
    }
}
