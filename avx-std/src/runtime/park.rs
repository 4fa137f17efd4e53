//! Parking a thread: the `Park` that `Runtime::block_on` sleeps in on a multi-threaded runtime,
//! over avx-os's `Parker` (futex on Linux, ulock on macOS, umtx on FreeBSD, WaitOnAddress on Windows).

use avx_core::{Park, Unpark};
use std::sync::Arc;
use std::time::Duration;

use avx_os::Parker as Inner;

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
