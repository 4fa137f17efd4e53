//! `Timeout`: runs a future until a deadline, yielding `Err(Elapsed)` if the deadline
//! comes first. The inner future is dropped with the `Timeout`.

use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

use super::{Handle, Sleep};
use crate::park::Ticks;

/// The error of a [`Timeout`] whose deadline passed before its future completed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Elapsed(());

impl fmt::Display for Elapsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("deadline has elapsed")
    }
}

impl core::error::Error for Elapsed {}

/// A future with a deadline: `Ok(output)` if the future finishes first (checked first on
/// every poll, so a future ready at the deadline still wins), else `Err(Elapsed)`.
#[must_use = "futures do nothing unless polled"]
pub struct Timeout<F> {
    future: F,
    sleep: Sleep,
}

impl<F: Future> Timeout<F> {
    /// Runs `future` on `handle`'s driver until `deadline`.
    pub fn new(handle: Handle, deadline: Ticks, future: F) -> Timeout<F> {
        Timeout { future, sleep: Sleep::new(handle, deadline) }
    }

    /// The deadline.
    pub fn deadline(&self) -> Ticks {
        self.sleep.deadline()
    }

    /// The inner future.
    pub fn get_ref(&self) -> &F {
        &self.future
    }

    /// The inner future, mutably (the timeout is not pinned, so neither is it).
    pub fn get_mut(&mut self) -> &mut F {
        &mut self.future
    }

    /// Consumes the timeout, returning the inner future.
    pub fn into_inner(self) -> F {
        self.future
    }
}

impl<F: Future> Future for Timeout<F> {
    type Output = Result<F::Output, Elapsed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // SAFETY: structural pinning of both fields: neither is moved out of a pinned
        // `Timeout` (`into_inner` takes it by value, so it is not pinned) and `Timeout` has
        // no `Drop` impl that could move them.
        let (future, sleep) = unsafe {
            let this = self.get_unchecked_mut();
            (Pin::new_unchecked(&mut this.future), Pin::new_unchecked(&mut this.sleep))
        };
        if let Poll::Ready(output) = future.poll(cx) {
            return Poll::Ready(Ok(output));
        }
        sleep.poll(cx).map(|()| Err(Elapsed(())))
    }
}

impl<F: fmt::Debug> fmt::Debug for Timeout<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Timeout").field("future", &self.future).field("sleep", &self.sleep).finish()
    }
}
