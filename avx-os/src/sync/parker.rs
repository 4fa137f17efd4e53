//! A thread parker on one futex word: `park` sleeps until `unpark` (an `unpark` that comes
//! first is remembered), with no lock and no system call when nobody sleeps.
//!
//! States: EMPTY → (park) PARKED → (unpark) NOTIFIED → (park returns) EMPTY. `unpark` only
//! enters the kernel when it finds PARKED.

use super::futex::{self, AtomicU32};
use core::sync::atomic::Ordering::*;
use core::time::Duration;

const EMPTY: u32 = 0;
const NOTIFIED: u32 = 1;
const PARKED: u32 = u32::MAX;

/// Blocks one thread at a time; any thread may unpark it.
#[derive(Debug, Default)]
pub struct Parker {
    state: AtomicU32,
}

impl Parker {
    /// A parker with no pending notification.
    #[cfg(not(loom))]
    pub const fn new() -> Parker {
        Parker { state: AtomicU32::new(EMPTY) }
    }

    /// A parker with no pending notification.
    #[cfg(loom)]
    pub fn new() -> Parker {
        Parker { state: AtomicU32::new(EMPTY) }
    }

    /// Sleeps until unparked (returns at once if an unpark is pending, consuming it) or,
    /// with `Some(timeout)`, until the timeout passes. May return spuriously.
    ///
    /// Only one thread may park on a given parker at a time.
    pub fn park(&self, timeout: Option<Duration>) {
        // EMPTY → PARKED, or NOTIFIED → EMPTY (consumed: return).
        if self.state.fetch_sub(1, Acquire) == NOTIFIED {
            return;
        }
        if timeout == Some(Duration::ZERO) {
            self.state.swap(EMPTY, Acquire);
            return;
        }
        loop {
            futex::wait(&self.state, PARKED, timeout);
            if self.state.compare_exchange(NOTIFIED, EMPTY, Acquire, Acquire).is_ok() {
                return;
            }
            if timeout.is_some() {
                // Timed out (or spurious): give up the sleep, consuming a racing unpark.
                self.state.swap(EMPTY, Acquire);
                return;
            }
        }
    }

    /// Makes the current or next `park` return.
    pub fn unpark(&self) {
        if self.state.swap(NOTIFIED, Release) == PARKED {
            futex::wake(&self.state, 1);
        }
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn an_unpark_before_park_is_remembered_once() {
        let parker = Parker::new();
        parker.unpark();
        parker.unpark();
        parker.park(None); // consumes the one pending notification
        assert_eq!(parker.state.load(SeqCst), EMPTY, "two unparks leave one notification");
        parker.park(Some(Duration::from_millis(1))); // nothing pending: returns on the timeout
        assert_eq!(parker.state.load(SeqCst), EMPTY);
    }

    #[test]
    fn unpark_from_another_thread_wakes_a_sleeper() {
        let parker = Arc::new(Parker::new());
        let other = {
            let parker = parker.clone();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(10));
                parker.unpark();
            })
        };
        parker.park(None);
        other.join().unwrap();
    }

    #[test]
    fn many_handoffs_between_two_threads_never_hang() {
        let ping = Arc::new(Parker::new());
        let pong = Arc::new(Parker::new());
        let other = {
            let (ping, pong) = (ping.clone(), pong.clone());
            std::thread::spawn(move || {
                for _ in 0..10_000 {
                    ping.park(None);
                    pong.unpark();
                }
            })
        };
        for _ in 0..10_000 {
            ping.unpark();
            pong.park(None);
        }
        other.join().unwrap();
    }
}

#[cfg(all(test, loom))]
mod loom_tests {
    use super::*;
    use loom::sync::Arc;
    use loom::thread;

    #[test]
    fn loom_unpark_is_never_lost() {
        loom::model(|| {
            let parker = Arc::new(Parker::new());
            let other = {
                let parker = parker.clone();
                thread::spawn(move || parker.unpark())
            };
            parker.park(None);
            other.join().unwrap();
        });
    }

    #[test]
    fn loom_timed_park_consumes_a_racing_unpark() {
        loom::model(|| {
            let parker = Arc::new(Parker::new());
            let other = {
                let parker = parker.clone();
                thread::spawn(move || parker.unpark())
            };
            parker.park(Some(Duration::from_millis(1)));
            other.join().unwrap();
            // Whatever the interleaving, at most one notification is left, and a park after
            // the unpark finished returns without another one.
            parker.park(Some(Duration::from_millis(1)));
            assert_eq!(parker.state.load(SeqCst), EMPTY);
        });
    }
}
