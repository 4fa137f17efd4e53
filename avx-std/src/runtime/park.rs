//! Parking a std thread: the `Park` the runtime's workers and `block_on` sleep in.
//! An atomic fast path (no lock when nobody sleeps) in front of a mutex and condvar.

use avx_core::{Park, Unpark};
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

const EMPTY: usize = 0;
const PARKED: usize = 1;
const NOTIFIED: usize = 2;

struct Inner {
    state: AtomicUsize,
    lock: Mutex<()>,
    condvar: Condvar,
}

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
        ThreadPark {
            inner: Arc::new(Inner { state: AtomicUsize::new(EMPTY), lock: Mutex::new(()), condvar: Condvar::new() }),
        }
    }
}

impl Park for ThreadPark {
    type Unparker = ThreadUnparker;

    fn park(&mut self, timeout: Option<Duration>) {
        let inner = &*self.inner;
        if inner.state.compare_exchange(NOTIFIED, EMPTY, SeqCst, SeqCst).is_ok() || timeout == Some(Duration::ZERO) {
            return;
        }
        // A poisoned lock only means another thread panicked while holding `()`.
        let mut guard = inner.lock.lock().unwrap_or_else(|e| e.into_inner());
        if inner.state.compare_exchange(EMPTY, PARKED, SeqCst, SeqCst).is_err() {
            // Notified between the fast path and taking the lock.
            inner.state.store(EMPTY, SeqCst);
            return;
        }
        loop {
            guard = match timeout {
                None => inner.condvar.wait(guard).unwrap_or_else(|e| e.into_inner()),
                Some(timeout) => {
                    let (guard, result) = inner.condvar.wait_timeout(guard, timeout).unwrap_or_else(|e| e.into_inner());
                    if result.timed_out() {
                        // Whatever the state is now (PARKED, or a NOTIFIED that raced the
                        // timeout), we are awake: consume it.
                        inner.state.store(EMPTY, SeqCst);
                        return;
                    }
                    guard
                }
            };
            if inner.state.compare_exchange(NOTIFIED, EMPTY, SeqCst, SeqCst).is_ok() {
                drop(guard);
                return;
            }
            // Spurious condvar wake-up: keep waiting.
        }
    }

    fn unparker(&self) -> ThreadUnparker {
        ThreadUnparker { inner: self.inner.clone() }
    }
}

impl Unpark for ThreadUnparker {
    fn unpark(&self) {
        let inner = &*self.inner;
        if inner.state.swap(NOTIFIED, SeqCst) == PARKED {
            // Take the lock so the sleeper is inside `wait`, not between its state check
            // and `wait`, when we signal.
            drop(inner.lock.lock().unwrap_or_else(|e| e.into_inner()));
            inner.condvar.notify_one();
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
