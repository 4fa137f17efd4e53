//! Parking a thread: the `Park` the runtime's workers and `block_on` sleep in. On Linux
//! avx-os's futex `Parker`; elsewhere (until avx-os has those backends) a mutex + condvar.

use avx_core::{Park, Unpark};
use std::sync::Arc;
use std::time::Duration;

#[cfg(target_os = "linux")]
use avx_os::Parker as Inner;
#[cfg(not(target_os = "linux"))]
use condvar::Inner;

/// Blocks the calling thread until unparked (an unpark before `park` is remembered).
pub(crate) struct ThreadPark {
    inner: Arc<Inner>,
}

/// Wakes a [`ThreadPark`] from any thread.
#[derive(Clone)]
pub struct ThreadUnparker {
    inner: Arc<Inner>,
}

impl ThreadPark {
    pub(crate) fn new() -> ThreadPark {
        ThreadPark { inner: Arc::new(Inner::new()) }
    }
}

impl Park for ThreadPark {
    type Unparker = ThreadUnparker;

    fn park(&mut self, timeout: Option<Duration>) {
        self.inner.park(timeout);
    }

    fn unparker(&self) -> ThreadUnparker {
        ThreadUnparker { inner: self.inner.clone() }
    }
}

impl Unpark for ThreadUnparker {
    fn unpark(&self) {
        self.inner.unpark();
    }
}

/// The portable fallback: an atomic fast path (no lock when nobody sleeps) in front of a
/// mutex and condvar.
#[cfg(not(target_os = "linux"))]
mod condvar {
    use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
    use std::sync::{Condvar, Mutex};
    use std::time::Duration;

    const EMPTY: usize = 0;
    const PARKED: usize = 1;
    const NOTIFIED: usize = 2;

    pub(super) struct Inner {
        state: AtomicUsize,
        lock: Mutex<()>,
        condvar: Condvar,
    }

    impl Inner {
        pub(super) fn new() -> Inner {
            Inner { state: AtomicUsize::new(EMPTY), lock: Mutex::new(()), condvar: Condvar::new() }
        }

        pub(super) fn park(&self, timeout: Option<Duration>) {
            if self.state.compare_exchange(NOTIFIED, EMPTY, SeqCst, SeqCst).is_ok() || timeout == Some(Duration::ZERO) {
                return;
            }
            // A poisoned lock only means another thread panicked while holding `()`.
            let mut guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
            if self.state.compare_exchange(EMPTY, PARKED, SeqCst, SeqCst).is_err() {
                // Notified between the fast path and taking the lock.
                self.state.store(EMPTY, SeqCst);
                return;
            }
            loop {
                guard = match timeout {
                    None => self.condvar.wait(guard).unwrap_or_else(|e| e.into_inner()),
                    Some(timeout) => {
                        let (guard, result) =
                            self.condvar.wait_timeout(guard, timeout).unwrap_or_else(|e| e.into_inner());
                        if result.timed_out() {
                            // Whatever the state is now (PARKED, or a NOTIFIED that raced the
                            // timeout), we are awake: consume it.
                            self.state.store(EMPTY, SeqCst);
                            return;
                        }
                        guard
                    }
                };
                if self.state.compare_exchange(NOTIFIED, EMPTY, SeqCst, SeqCst).is_ok() {
                    drop(guard);
                    return;
                }
                // Spurious condvar wake-up: keep waiting.
            }
        }

        pub(super) fn unpark(&self) {
            if self.state.swap(NOTIFIED, SeqCst) == PARKED {
                // Take the lock so the sleeper is inside `wait`, not between its state check
                // and `wait`, when we signal.
                drop(self.lock.lock().unwrap_or_else(|e| e.into_inner()));
                self.condvar.notify_one();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unpark_before_park_is_remembered() {
        let mut park = ThreadPark::new();
        park.unparker().unpark();
        park.park(None); // returns at once
    }

    #[test]
    fn unpark_from_another_thread_wakes_the_sleeper() {
        let mut park = ThreadPark::new();
        let unparker = park.unparker();
        let t = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(10));
            unparker.unpark();
        });
        park.park(None);
        t.join().unwrap();
    }
}
