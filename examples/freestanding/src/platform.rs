//! The integration with avx-core: a `Park` over a futex word, its `Unpark` (safe to call from a
//! signal handler, the stand-in for an interrupt), a `Clock`, and a periodic "timer interrupt".
//!
//! The interrupt handler (top half) only counts and unparks; the worker, back from its park,
//! wakes the tasks waiting for interrupts (bottom half), outside any handler.

use alloc::vec::Vec;
use core::future::Future;
use core::pin::Pin;
use core::sync::atomic::{AtomicU32, Ordering::SeqCst};
use core::task::{Context, Poll, Waker};
use core::time::Duration;

use avx_core::{Clock, Park, Ticks, Unpark};

use crate::sys;

/// The one worker's wake word: 1 once unparked, until its next park consumes it.
static WAKE: AtomicU32 = AtomicU32::new(0);
/// Interrupts taken so far (written only by the handler).
static INTERRUPTS: AtomicU32 = AtomicU32::new(0);
/// Interrupts the bottom half has dispatched to waiting tasks.
static DISPATCHED: AtomicU32 = AtomicU32::new(0);
/// Tasks waiting for interrupts. Only touched in thread context, never by the handler.
static WAITERS: spin::Mutex<Vec<Waker>> = spin::Mutex::new(Vec::new());

/// The park of the program's single worker.
pub struct FutexPark;

/// Wakes the worker: an atomic swap and, if it was asleep, one `futex` wake. No lock, no
/// allocation: callable from the signal handler.
#[derive(Clone)]
pub struct FutexUnpark;

impl Unpark for FutexUnpark {
    fn unpark(&self) {
        if WAKE.swap(1, SeqCst) == 0 {
            sys::futex_wake(&WAKE);
        }
    }
}

impl Park for FutexPark {
    type Unparker = FutexUnpark;

    fn park(&mut self, timeout: Option<Duration>) {
        // An unpark since the last park makes this one return at once; otherwise the kernel
        // sleeps only while the word is still 0, so an interrupt between the check and the
        // sleep is not lost (what `nanosleep` could not promise: it would sleep through it).
        if timeout != Some(Duration::ZERO) && WAKE.swap(0, SeqCst) == 0 {
            sys::futex_wait(&WAKE, 0, timeout);
        }
        WAKE.store(0, SeqCst);
        dispatch_interrupts();
    }

    fn unparker(&self) -> FutexUnpark {
        FutexUnpark
    }
}

/// CLOCK_MONOTONIC through the raw system call.
pub struct MonotonicClock;

impl Clock for MonotonicClock {
    fn now(&self) -> Ticks {
        Ticks(sys::monotonic_nanos())
    }
}

/// The timer interrupt's handler: count it and wake the worker. Nothing else may happen here:
/// the interrupted code may hold any lock (the allocator's, a queue's, `WAITERS`).
extern "C" fn on_interrupt(_signal: i32) {
    INTERRUPTS.fetch_add(1, SeqCst);
    FutexUnpark.unpark();
}

/// Starts the periodic interrupt.
pub fn start_interrupts(period: Duration) {
    sys::start_alarm(on_interrupt, period);
}

/// Stops it; returns how many were taken.
pub fn stop_interrupts() -> u32 {
    sys::stop_alarm();
    INTERRUPTS.load(SeqCst)
}

/// The bottom half: wake the tasks waiting for an interrupt if any arrived since last time.
fn dispatch_interrupts() {
    let taken = INTERRUPTS.load(SeqCst);
    if DISPATCHED.swap(taken, SeqCst) != taken {
        let wakers = core::mem::take(&mut *WAITERS.lock());
        wakers.into_iter().for_each(Waker::wake);
    }
}

/// Completes once `count` interrupts have been dispatched.
pub struct Interrupts {
    pub count: u32,
}

impl Future for Interrupts {
    type Output = u32;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u32> {
        let seen = DISPATCHED.load(SeqCst);
        if seen >= self.count {
            return Poll::Ready(seen);
        }
        let mut waiters = WAITERS.lock();
        if !waiters.iter().any(|w| w.will_wake(cx.waker())) {
            waiters.push(cx.waker().clone());
        }
        drop(waiters);
        // Re-check after registering: a dispatch between the load and the insert took the
        // old list and would not wake us.
        match DISPATCHED.load(SeqCst) {
            seen if seen >= self.count => Poll::Ready(seen),
            _ => Poll::Pending,
        }
    }
}
