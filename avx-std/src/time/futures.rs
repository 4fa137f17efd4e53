//! `Sleep`, `Timeout` and `Interval` for applications: the core timer futures, speaking
//! `Instant` instead of raw ticks.

use super::Instant;
use avx_core::time as core_time;
use avx_core::time::{Elapsed, MissedTickBehavior};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

/// Completes at its deadline; see [`super::sleep`].
#[must_use = "a sleep does nothing unless awaited"]
pub struct Sleep {
    inner: core_time::Sleep,
}

impl Sleep {
    pub(super) fn new(inner: core_time::Sleep) -> Sleep {
        Sleep { inner }
    }

    fn inner(self: Pin<&mut Self>) -> Pin<&mut core_time::Sleep> {
        // SAFETY: structural pinning: `inner` is never moved out of a pinned `Sleep`, and
        // `Sleep` has no `Drop` or `Unpin` impl of its own that could move it.
        unsafe { self.map_unchecked_mut(|sleep| &mut sleep.inner) }
    }

    /// When it completes.
    pub fn deadline(&self) -> Instant {
        Instant::from_ticks(self.inner.deadline())
    }

    /// Whether the sleep has completed, or its timer has fired. A sleep not polled since it
    /// was created or reset is not elapsed, even past its deadline (as Tokio's).
    pub fn is_elapsed(&self) -> bool {
        self.inner.is_elapsed()
    }

    /// Moves the deadline, earlier or later, even after it completed.
    pub fn reset(self: Pin<&mut Self>, deadline: Instant) {
        self.inner().reset(deadline.into_ticks());
    }
}

impl Future for Sleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.inner().poll(cx)
    }
}

impl fmt::Debug for Sleep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sleep").field("deadline", &self.deadline()).finish()
    }
}

/// A future with a deadline; see [`super::timeout`].
#[must_use = "a timeout does nothing unless awaited"]
pub struct Timeout<T> {
    inner: core_time::Timeout<T>,
}

impl<T: Future> Timeout<T> {
    pub(super) fn new(inner: core_time::Timeout<T>) -> Timeout<T> {
        Timeout { inner }
    }
}

impl<T> Timeout<T> {
    /// The wrapped future.
    pub fn get_ref(&self) -> &T {
        self.inner.get_ref()
    }

    /// The wrapped future, mutably.
    pub fn get_mut(&mut self) -> &mut T {
        self.inner.get_mut()
    }

    /// Gives the wrapped future back.
    pub fn into_inner(self) -> T {
        self.inner.into_inner()
    }
}

impl<T: Future> Future for Timeout<T> {
    type Output = Result<T::Output, Elapsed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // SAFETY: structural pinning of the only field, as for `Sleep`.
        unsafe { self.map_unchecked_mut(|timeout| &mut timeout.inner) }.poll(cx)
    }
}

impl<T> fmt::Debug for Timeout<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let deadline = self.inner.deadline().map(Instant::from_ticks);
        f.debug_struct("Timeout").field("deadline", &deadline).finish_non_exhaustive()
    }
}

/// Periodic ticks; see [`super::interval`].
pub struct Interval {
    inner: core_time::Interval,
}

impl Interval {
    pub(super) fn new(inner: core_time::Interval) -> Interval {
        Interval { inner }
    }

    /// Waits for the next tick and returns when it was scheduled.
    pub async fn tick(&mut self) -> Instant {
        Instant::from_ticks(self.inner.tick().await)
    }

    /// Polls for the next tick.
    pub fn poll_tick(&mut self, cx: &mut Context<'_>) -> Poll<Instant> {
        self.inner.poll_tick(cx).map(Instant::from_ticks)
    }

    /// The next tick comes one period from now.
    pub fn reset(&mut self) {
        self.inner.reset();
    }

    /// The next tick comes at once.
    pub fn reset_immediately(&mut self) {
        self.inner.reset_immediately();
    }

    /// The next tick comes `after` from now (at most about 30 years, as for `sleep`).
    pub fn reset_after(&mut self, after: Duration) {
        self.inner.reset_after(super::safe_delay(after));
    }

    /// The next tick comes at `next`.
    pub fn reset_at(&mut self, next: Instant) {
        self.inner.reset_at(next.into_ticks());
    }

    /// The period.
    pub fn period(&self) -> Duration {
        self.inner.period()
    }

    /// What happens to ticks that were missed.
    pub fn missed_tick_behavior(&self) -> MissedTickBehavior {
        self.inner.missed_tick_behavior()
    }

    /// Sets what happens to missed ticks.
    pub fn set_missed_tick_behavior(&mut self, behavior: MissedTickBehavior) {
        self.inner.set_missed_tick_behavior(behavior);
    }
}

impl fmt::Debug for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Interval").field("period", &self.period()).finish_non_exhaustive()
    }
}
