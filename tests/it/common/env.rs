//! Environment variables for the tests that read origins from them.
//!
//! Why a lock: the test harness runs a file's tests on parallel threads of one process, and
//! they share its environment. Writing it (`setenv`) while another thread reads it (`getenv`)
//! is a data race in libc, which is why `set_var` is `unsafe` from edition 2024. corsair reads
//! the variables named by `allowed_origins_from_env(_or)` when a policy is built, so every test
//! that sets or unsets a variable, and every build that reads one, goes through these helpers:
//! they take one process-wide lock, write the variable, run the synchronous `build` closure
//! (where the environment is read), put the old value back, and only then release the lock.
//! The closure is not async, so the lock is never held across an `.await`: async tests build
//! the policy in the closure and await after it returns.
#![allow(dead_code)]

use std::{
    env,
    ffi::{OsStr, OsString},
    sync::{Mutex, PoisonError},
};

/// Held while any test writes the environment or builds a policy that reads it.
static ENV_LOCK: Mutex<()> = Mutex::new(());

/// Runs `build` with `var` set to `value`, under the environment lock.
pub fn with_var<R>(var: &str, value: impl AsRef<OsStr>, build: impl FnOnce() -> R) -> R {
    with_env(var, Some(value.as_ref()), build)
}

/// Runs `build` with `var` unset, under the environment lock.
pub fn without_var<R>(var: &str, build: impl FnOnce() -> R) -> R {
    with_env(var, None, build)
}

fn with_env<R>(var: &str, value: Option<&OsStr>, build: impl FnOnce() -> R) -> R {
    // A test that panicked while holding the lock (a `should_panic` test, or a failing one)
    // has already restored the environment through `Restore`, so the poison carries nothing.
    let _lock = ENV_LOCK.lock().unwrap_or_else(PoisonError::into_inner);
    // Declared after the lock, so dropped before it: the old value is back before the lock
    // is released, on return and on panic alike.
    let _restore = Restore {
        var,
        old: env::var_os(var),
    };
    // SAFETY: the write races no read of the test binary's own: every test that reads or
    // writes these variables does it under `ENV_LOCK` (see the module docs), and the test
    // harness and the libraries it runs do not read the environment meanwhile.
    match value {
        Some(value) => unsafe { env::set_var(var, value) },
        None => unsafe { env::remove_var(var) },
    }
    build()
}

/// Puts a variable back as it was when dropped.
struct Restore<'a> {
    var: &'a str,
    old: Option<OsString>,
}

impl Drop for Restore<'_> {
    fn drop(&mut self) {
        // SAFETY: as in `with_env`: dropped while `ENV_LOCK` is still held.
        match self.old.take() {
            Some(old) => unsafe { env::set_var(self.var, old) },
            None => unsafe { env::remove_var(self.var) },
        }
    }
}
