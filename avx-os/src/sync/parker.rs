//! `Parker`: a one-token thread parker on a futex word, with std's `park`/`unpark` semantics.
//! An `unpark` before `park` makes the next `park` return at once; tokens do not accumulate.

use core::sync::atomic::{AtomicU32, Ordering};
use core::time::Duration;

use crate::sys::linux::{futex_wait, futex_wake};

const EMPTY: u32 = 0;
const NOTIFIED: u32 = 1;
const PARKED: u32 = u32::MAX;

/// A futex-backed parker for one thread (only that thread may call `park`).
#[derive(Debug, Default)]
pub struct Parker {
    state: AtomicU32,
}

impl Parker {
    /// A parker without a token.
    pub const fn new() -> Parker {
        Parker {
            state: AtomicU32::new(EMPTY),
        }
    }

    /// Blocks until unparked (consuming the token). May return spuriously.
    pub fn park(&self) {
        self.park_inner(None);
    }

    /// Blocks until unparked or `timeout` elapsed. May return spuriously.
    pub fn park_timeout(&self, timeout: Duration) {
        self.park_inner(Some(timeout));
    }

    fn park_inner(&self, timeout: Option<Duration>) {
        // NOTIFIED -> EMPTY consumes the token; EMPTY -> PARKED announces we sleep.
        if self.state.fetch_sub(1, Ordering::Acquire) == NOTIFIED {
            return;
        }
        loop {
            // Errors (EAGAIN: the word changed, EINTR, ETIMEDOUT) all lead to a re-check.
            let _ = futex_wait(&self.state, PARKED, timeout);
            if self
                .state
                .compare_exchange(NOTIFIED, EMPTY, Ordering::Acquire, Ordering::Acquire)
                .is_ok()
                || timeout.is_some()
            {
                // With a timeout we return after one wait, token or not (a spurious return).
                self.state.swap(EMPTY, Ordering::Acquire);
                return;
            }
        }
    }

    /// Makes the current or next `park` return.
    pub fn unpark(&self) {
        if self.state.swap(NOTIFIED, Ordering::Release) == PARKED {
            // A failed wake only means nobody slept; the token is already set.
            let _ = futex_wake(&self.state, 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::thread;

    #[test]
    fn unpark_before_park_is_not_lost() {
        let p = Parker::new();
        p.unpark();
        p.unpark();
        p.park();
        assert_eq!(p.state.load(Ordering::SeqCst), EMPTY);
    }

    #[test]
    fn park_timeout_returns_without_a_token() {
        let p = Parker::new();
        p.park_timeout(Duration::from_millis(1));
        assert_eq!(p.state.load(Ordering::SeqCst), EMPTY);
    }

    #[test]
    fn unpark_from_another_thread_wakes_park() {
        let p = Arc::new(Parker::new());
        let flag = Arc::new(core::sync::atomic::AtomicBool::new(false));
        let (p2, f2) = (p.clone(), flag.clone());
        let t = thread::spawn(move || {
            f2.store(true, Ordering::SeqCst);
            p2.unpark();
        });
        while !flag.load(Ordering::SeqCst) {
            p.park();
        }
        t.join().unwrap();
    }
}
