//! The one capturing logger of the test binary.
//!
//! `log` takes one logger per process, so every test that reads corsair's log lines shares
//! this one: it keeps every record, at every level, with the thread that made it. Tests run on
//! parallel threads, so each test looks only at the records it caused: records mentioning
//! values only it uses (a path, an origin, a max-age), or records made on its own thread (an
//! `actix_rt` test runs the service on its own thread; an `HttpServer`'s workers do not).
//! A thread can also turn the logger "off" for itself ([`set_quiet`]), to show that corsair
//! asks `log_enabled!` before it formats anything.
#![allow(dead_code)]

use std::{
    cell::Cell,
    sync::{Mutex, MutexGuard, Once, PoisonError},
    thread::{self, ThreadId},
};

use log::{Level, LevelFilter, Log, Metadata, Record};

/// One captured record.
#[derive(Debug, Clone)]
pub struct Line {
    pub thread: ThreadId,
    pub level: Level,
    pub target: String,
    pub message: String,
}

static LINES: Mutex<Vec<Line>> = Mutex::new(Vec::new());

thread_local! {
    /// When set, the logger reports every level as disabled on this thread.
    static QUIET: Cell<bool> = const { Cell::new(false) };
    /// How often `enabled` was asked on this thread while quiet.
    static ASKED: Cell<usize> = const { Cell::new(0) };
}

struct Capture;

static CAPTURE: Capture = Capture;

impl Log for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        if QUIET.with(Cell::get) {
            ASKED.with(|a| a.set(a.get() + 1));
            return false;
        }
        true
    }

    fn log(&self, record: &Record<'_>) {
        // No `enabled` check here on purpose: `log::debug!` does not ask `enabled`, so a
        // record arriving while quiet means the code logged without checking `log_enabled!`.
        lines().push(Line {
            thread: thread::current().id(),
            level: record.level(),
            target: record.target().to_owned(),
            message: record.args().to_string(),
        });
    }

    fn flush(&self) {}
}

/// Installs the capturing logger (once per process), every level on.
pub fn capture_logs() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        log::set_logger(&CAPTURE).expect("no other logger in this binary");
        log::set_max_level(LevelFilter::Trace);
    });
}

/// Every record captured so far (the lock is held while the guard lives).
pub fn lines() -> MutexGuard<'static, Vec<Line>> {
    LINES.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Every captured corsair record whose message contains `needle`.
pub fn logged(needle: &str) -> Vec<(Level, String)> {
    logged_by("corsair", needle)
}

/// Every captured record of a target starting with `target` whose message contains `needle`.
pub fn logged_by(target: &str, needle: &str) -> Vec<(Level, String)> {
    lines()
        .iter()
        .filter(|l| l.target.starts_with(target) && l.message.contains(needle))
        .map(|l| (l.level, l.message.clone()))
        .collect()
}

/// Turns the logger off (`true`) or on again for the calling thread.
pub fn set_quiet(quiet: bool) {
    QUIET.with(|q| q.set(quiet));
}

/// How often the logger was asked `enabled` on this thread while quiet.
pub fn asked_while_quiet() -> usize {
    ASKED.with(Cell::get)
}
