//! Test-only helpers: a thread-parking `block_on`, a condvar `Park` for executors, and wakers
//! that count their wakes so a test can poll a future by hand, drop it, and check what it left behind.
#![allow(dead_code)]

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::sync::{Condvar, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};
use std::time::Duration;

use avx_core::{Park, Unpark};

struct ThreadWaker(Thread);

impl Wake for ThreadWaker {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
}

/// Runs `future` on this thread, parking between polls.
pub fn block_on<F: Future>(future: F) -> F::Output {
    let waker = Waker::from(Arc::new(ThreadWaker(thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut future = std::pin::pin!(future);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        thread::park();
    }
}

/// Counts how often it was woken.
#[derive(Default)]
pub struct WakeCounter(AtomicUsize);

impl Wake for WakeCounter {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

impl WakeCounter {
    pub fn wakes(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

/// A future polled by hand with a counting waker.
pub struct Manual<F: Future> {
    pub future: Pin<Box<F>>,
    pub counter: Arc<WakeCounter>,
    waker: Waker,
}

impl<F: Future> Manual<F> {
    pub fn new(future: F) -> Self {
        let counter = Arc::new(WakeCounter::default());
        let waker = Waker::from(counter.clone());
        Self { future: Box::pin(future), counter, waker }
    }

    pub fn poll(&mut self) -> Poll<F::Output> {
        self.future.as_mut().poll(&mut Context::from_waker(&self.waker))
    }

    /// Polls and expects `Pending`.
    pub fn pending(&mut self) {
        assert!(self.poll().is_pending(), "expected the future to be pending");
    }

    /// Polls and expects `Ready`.
    pub fn ready(&mut self) -> F::Output {
        match self.poll() {
            Poll::Ready(output) => output,
            Poll::Pending => panic!("expected the future to be ready"),
        }
    }

    pub fn woken(&self) -> bool {
        self.counter.wakes() > 0
    }
}

/// A thread park on a condvar, for executor workers; an unpark before `park` is remembered.
#[derive(Default)]
pub struct CondvarPark(Arc<(Mutex<bool>, Condvar)>);

/// Wakes a [`CondvarPark`].
#[derive(Clone)]
pub struct CondvarUnpark(Arc<(Mutex<bool>, Condvar)>);

impl Unpark for CondvarUnpark {
    fn unpark(&self) {
        *self.0 .0.lock().unwrap() = true;
        self.0 .1.notify_one();
    }
}

impl Park for CondvarPark {
    type Unparker = CondvarUnpark;

    fn park(&mut self, timeout: Option<Duration>) {
        let (lock, condvar) = &*self.0;
        let mut notified = lock.lock().unwrap();
        if !*notified {
            notified = match timeout {
                Some(t) => condvar.wait_timeout(notified, t).unwrap().0,
                None => condvar.wait(notified).unwrap(),
            };
        }
        *notified = false;
    }

    fn unparker(&self) -> CondvarUnpark {
        CondvarUnpark(self.0.clone())
    }
}
