//! Cooperative scheduling: each task poll gets a budget of operations; resources (channels,
//! I/O, timers) spend one unit per ready operation and pretend to be pending once it is spent.
//!
//! Without this, a task that always finds its channel non-empty would never yield, starving
//! every other task on its worker and the I/O driver behind it.

use crate::context::{budget, with_slot};
use core::sync::atomic::Ordering::Relaxed;
use core::task::{Context, Poll};

/// The budget value meaning "not inside a budgeted task poll".
pub(crate) const UNCONSTRAINED: u8 = u8::MAX;

/// Units a task gets per poll (tokio uses the same figure).
pub const DEFAULT_BUDGET: u8 = 128;

/// Runs `f` (a task poll) with a fresh budget of `units`, then restores the previous one.
pub(crate) fn with_budget<R>(units: u8, f: impl FnOnce() -> R) -> R {
    struct Restore(u8);
    impl Drop for Restore {
        fn drop(&mut self) {
            with_slot(|slot| budget(slot).store(self.0, Relaxed));
        }
    }
    // Load and store rather than `swap` (a locked instruction): only this thread uses its slot.
    let _restore = Restore(with_slot(|slot| {
        let previous = budget(slot).load(Relaxed);
        budget(slot).store(units, Relaxed);
        previous
    }));
    f()
}

/// Spends one unit of the current task's budget. Returns `Pending` (after arranging for the
/// task to be polled again) when the budget is exhausted; resources call this before
/// reporting readiness.
pub fn poll_proceed(cx: &mut Context<'_>) -> Poll<()> {
    let proceed = with_slot(|slot| {
        let budget = budget(slot);
        match budget.load(Relaxed) {
            UNCONSTRAINED => true,
            0 => false,
            units => {
                budget.store(units - 1, Relaxed);
                true
            }
        }
    });
    if proceed {
        Poll::Ready(())
    } else {
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// Whether the current task has budget left (always true outside a budgeted poll).
pub fn has_budget_remaining() -> bool {
    with_slot(|slot| budget(slot).load(Relaxed) != 0)
}

/// Runs `f` with no budget limit (resources never yield for budget inside it), then restores
/// the budget the caller had.
pub fn with_unconstrained<R>(f: impl FnOnce() -> R) -> R {
    with_budget(UNCONSTRAINED, f)
}

/// Like [`poll_proceed`], but the unit spent is given back when the returned guard drops,
/// unless [`RestoreOnPending::made_progress`] was called: for resources that may find, after
/// asking, that they cannot make progress after all.
pub fn poll_proceed_restorable(cx: &mut Context<'_>) -> Poll<RestoreOnPending> {
    let before = with_slot(|slot| budget(slot).load(Relaxed));
    match poll_proceed(cx) {
        Poll::Ready(()) => Poll::Ready(RestoreOnPending { before: Some(before), _not_send: core::marker::PhantomData }),
        Poll::Pending => Poll::Pending,
    }
}

/// Gives a budget unit back on drop unless progress was reported (see [`poll_proceed_restorable`]).
#[derive(Debug)]
pub struct RestoreOnPending {
    before: Option<u8>,
    /// The budget is the calling thread's: the guard must drop there.
    _not_send: core::marker::PhantomData<*const ()>,
}

impl RestoreOnPending {
    /// The operation made progress: keep the unit spent.
    pub fn made_progress(&mut self) {
        self.before = None;
    }
}

impl Drop for RestoreOnPending {
    fn drop(&mut self) {
        if let Some(before) = self.before {
            with_slot(|slot| budget(slot).store(before, Relaxed));
        }
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use core::task::Waker;

    #[test]
    fn budget_runs_out_then_restores() {
        let mut cx = Context::from_waker(Waker::noop());
        assert!(poll_proceed(&mut cx).is_ready(), "unconstrained outside a task");
        with_budget(2, || {
            assert!(poll_proceed(&mut cx).is_ready());
            assert!(poll_proceed(&mut cx).is_ready());
            assert!(poll_proceed(&mut cx).is_pending());
            assert!(!has_budget_remaining());
        });
        assert!(poll_proceed(&mut cx).is_ready());
    }

    #[test]
    fn restorable_unit_comes_back_unless_progress_was_made() {
        let mut cx = Context::from_waker(Waker::noop());
        with_budget(1, || {
            let Poll::Ready(restore) = poll_proceed_restorable(&mut cx) else { panic!("budget left") };
            drop(restore);
            assert!(has_budget_remaining(), "the unit was given back");
            let Poll::Ready(mut restore) = poll_proceed_restorable(&mut cx) else { panic!("budget left") };
            restore.made_progress();
            drop(restore);
            assert!(!has_budget_remaining());
            with_unconstrained(|| assert!(poll_proceed(&mut cx).is_ready()));
            assert!(poll_proceed(&mut cx).is_pending(), "the caller's budget is back after with_unconstrained");
        });
    }
}
