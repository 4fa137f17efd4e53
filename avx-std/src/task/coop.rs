//! Cooperative scheduling, as Tokio's `task::coop`: each task poll has a budget that
//! resources spend; `consume_budget` spends it from plain code, `unconstrained` lifts it,
//! `cooperative` makes any future spend it.

use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

pub use avx_core::coop::{has_budget_remaining, RestoreOnPending};

/// Spends one unit of the current task's budget, yielding to the scheduler first if it is
/// spent: an optional yield point for long computations that use no avx resource.
pub async fn consume_budget() {
    let mut done = false;
    poll_fn(|cx| {
        if done {
            return Poll::Ready(());
        }
        ready!(avx_core::coop::poll_proceed(cx));
        done = true;
        Poll::Ready(())
    })
    .await
}

/// Spends one unit of the budget, or returns `Pending` (having arranged to be polled again)
/// when it is spent. The unit comes back when the returned guard drops unless
/// [`RestoreOnPending::made_progress`] is called.
pub fn poll_proceed(cx: &mut Context<'_>) -> Poll<RestoreOnPending> {
    avx_core::coop::poll_proceed_restorable(cx)
}

/// Polls `future` with no budget: the resources it uses never yield for budget.
pub fn unconstrained<F: Future>(future: F) -> Unconstrained<F> {
    Unconstrained { future }
}

/// Makes `future` spend one budget unit per poll that completes it, and yield (before
/// polling it) once the budget is spent.
pub fn cooperative<F: Future>(future: F) -> Coop<F> {
    Coop { future }
}

/// The future of [`unconstrained`].
#[derive(Debug)]
#[must_use = "futures do nothing unless polled"]
pub struct Unconstrained<F> {
    future: F,
}

impl<F: Future> Future for Unconstrained<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // SAFETY: `future` is structurally pinned: never moved out of `self`.
        let future = unsafe { self.map_unchecked_mut(|this| &mut this.future) };
        avx_core::coop::with_unconstrained(|| future.poll(cx))
    }
}

/// The future of [`cooperative`].
#[derive(Debug)]
#[must_use = "futures do nothing unless polled"]
pub struct Coop<F> {
    future: F,
}

impl<F: Future> Future for Coop<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let mut restore = ready!(poll_proceed(cx));
        // SAFETY: `future` is structurally pinned: never moved out of `self`.
        let future = unsafe { self.map_unchecked_mut(|this| &mut this.future) };
        let output = ready!(future.poll(cx));
        restore.made_progress();
        Poll::Ready(output)
    }
}
