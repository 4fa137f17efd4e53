//! The futex as the blocking primitives see it: wait while a word holds a value, wake
//! sleepers. Each platform's address wait (`sys::os::futex_*`) normally; under loom a model.

use core::time::Duration;

#[cfg(not(loom))]
pub(crate) use core::sync::atomic::AtomicU32;
#[cfg(loom)]
pub(crate) use loom::sync::atomic::AtomicU32;

/// Sleeps while `*word == expected`, for at most `timeout`; returns early on a wake, a
/// signal, or if the word differs (callers re-check). `true` only if the timeout expired.
#[cfg(not(loom))]
pub(crate) fn wait(word: &AtomicU32, expected: u32, timeout: Option<Duration>) -> bool {
    use crate::sys::os::futex_wait;
    use crate::sys::Errno;
    match futex_wait(word, expected, timeout) {
        Err(Errno::ETIMEDOUT) => true,
        // Woken, the word had changed, or interrupted: all mean "re-check".
        Ok(_) | Err(Errno::EAGAIN) | Err(Errno::EINTR) => false,
        Err(other) => panic!("address wait failed unexpectedly: {other}"),
    }
}

/// Wakes up to `count` threads sleeping on `word`.
#[cfg(not(loom))]
pub(crate) fn wake(word: &AtomicU32, count: u32) {
    // A wake cannot fail on a live word; there is nothing to do if it somehow did.
    let _ = crate::sys::os::futex_wake(word, count);
}

/// Under loom a wait is a yield (a legal spurious wake-up) and a wake does nothing, so a
/// lost wake-up shows up as a waiter spinning forever, which loom reports.
#[cfg(loom)]
pub(crate) fn wait(word: &AtomicU32, expected: u32, _timeout: Option<Duration>) -> bool {
    if word.load(core::sync::atomic::Ordering::SeqCst) == expected {
        loom::thread::yield_now();
    }
    false
}

/// See the loom `wait`.
#[cfg(loom)]
pub(crate) fn wake(_word: &AtomicU32, _count: u32) {}
