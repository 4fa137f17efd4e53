//! Test helpers for the timer tests: a counting waker, single polls, and a virtual-time
//! `block_on` that jumps a `ManualClock` to the next timer whenever the future is idle.
#![allow(dead_code)] // each test file uses a different subset

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use avx_core::time::{Driver, ManualClock};

/// A waker that counts its wake-ups.
#[derive(Default)]
pub struct CountingWaker {
    wakes: AtomicUsize,
}

impl CountingWaker {
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    pub fn wakes(&self) -> usize {
        self.wakes.load(Ordering::SeqCst)
    }
}

impl Wake for CountingWaker {
    fn wake(self: Arc<Self>) {
        self.wakes.fetch_add(1, Ordering::SeqCst);
    }
}

/// Polls `future` once with `waker`.
pub fn poll_with<F: Future + ?Sized>(future: Pin<&mut F>, waker: &Arc<CountingWaker>) -> Poll<F::Output> {
    let waker = Waker::from(waker.clone());
    future.poll(&mut Context::from_waker(&waker))
}

/// Drives `future` to completion under virtual time: whenever it is pending and was not
/// woken, the clock jumps to the driver's next expiration (the paused-runtime auto-advance).
/// Panics if the future waits with no timer pending (a deadlock).
pub fn block_on_virtual<F: Future>(driver: &Driver, clock: &ManualClock, future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let waker = CountingWaker::new();
    loop {
        let woken_before = waker.wakes();
        if let Poll::Ready(output) = poll_with(future.as_mut(), &waker) {
            return output;
        }
        while waker.wakes() == woken_before {
            let next = driver.next_expiration().expect("future is waiting with no timer pending");
            let now = clock.set(next);
            driver.process_all(now);
        }
    }
}
