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

/// As Tokio's: an elapsed deadline is an I/O error of kind `TimedOut`.
#[cfg(feature = "std")]
impl From<Elapsed> for std::io::Error {
    fn from(_: Elapsed) -> std::io::Error {
        std::io::ErrorKind::TimedOut.into()
    }
}

/// A future with a deadline: `Ok(output)` if the future finishes first (checked first on
/// every poll, so a future ready at the deadline still wins), else `Err(Elapsed)`. A timeout
/// whose deadline would lie past the end of time has none and never elapses.
#[must_use = "futures do nothing unless polled"]
pub struct Timeout<F> {
    future: F,
    sleep: Option<Sleep>,
}

impl<F: Future> Timeout<F> {
    /// Runs `future` until the deadline on the driver of the handle, or forever if `None`.
    pub fn new(deadline: Option<(Handle, Ticks)>, future: F) -> Timeout<F> {
        Timeout { future, sleep: deadline.map(|(handle, deadline)| Sleep::new(handle, deadline)) }
    }
}

impl<F> Timeout<F> {
    /// The deadline, if there is one.
    pub fn deadline(&self) -> Option<Ticks> {
        self.sleep.as_ref().map(Sleep::deadline)
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
        // `Timeout` (`into_inner` takes it by value, so it is not pinned; the `Option` is
        // never replaced) and `Timeout` has no `Drop` impl that could move them.
        let (future, sleep) = unsafe {
            let this = self.get_unchecked_mut();
            (Pin::new_unchecked(&mut this.future), this.sleep.as_mut().map(|sleep| Pin::new_unchecked(sleep)))
        };
        if let Poll::Ready(output) = future.poll(cx) {
            return Poll::Ready(Ok(output));
        }
        match sleep {
            Some(sleep) => sleep.poll(cx).map(|()| Err(Elapsed(()))),
            None => Poll::Pending,
        }
    }
}

impl<F: fmt::Debug> fmt::Debug for Timeout<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Timeout").field("future", &self.future).field("sleep", &self.sleep).finish()
    }
}
