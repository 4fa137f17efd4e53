//! The task's atomic state word: lifecycle flags and the reference count in one `usize`,
//! so every transition (wake, run, complete, cancel, join) is a single atomic operation.

use crate::loom::{AtomicUsize, Ordering::*};

/// The task is being polled (or cancelled) by exactly one thread.
const RUNNING: usize = 1 << 0;
/// The future has finished (or been cancelled); the output slot holds the result.
const COMPLETE: usize = 1 << 1;
/// A `Notified` for this task exists (queued, or about to be) and will run it.
const NOTIFIED: usize = 1 << 2;
/// A `JoinHandle` still exists and is responsible for the output once complete.
const JOIN_INTEREST: usize = 1 << 3;
/// The join waker slot is initialised and owned by the runtime (read-only for the handle).
const JOIN_WAKER: usize = 1 << 4;
/// The task has been aborted or the runtime is shutting down.
const CANCELLED: usize = 1 << 5;

const REF_SHIFT: u32 = 6;
const REF_ONE: usize = 1 << REF_SHIFT;

/// References held at spawn: the `JoinHandle`, the first `Notified`, and the owner list.
const INITIAL: usize = (3 * REF_ONE) | JOIN_INTEREST | NOTIFIED;

pub(super) struct State(AtomicUsize);

/// A copy of the state word.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) struct Snapshot(usize);

impl Snapshot {
    pub(super) fn is_running(self) -> bool {
        self.0 & RUNNING != 0
    }
    pub(super) fn is_complete(self) -> bool {
        self.0 & COMPLETE != 0
    }
    pub(super) fn is_notified(self) -> bool {
        self.0 & NOTIFIED != 0
    }
    pub(super) fn is_cancelled(self) -> bool {
        self.0 & CANCELLED != 0
    }
    pub(super) fn is_join_interested(self) -> bool {
        self.0 & JOIN_INTEREST != 0
    }
    pub(super) fn is_join_waker_set(self) -> bool {
        self.0 & JOIN_WAKER != 0
    }
    pub(super) fn ref_count(self) -> usize {
        self.0 >> REF_SHIFT
    }
    fn is_idle(self) -> bool {
        self.0 & (RUNNING | COMPLETE) == 0
    }
}

impl core::fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Snapshot")
            .field("running", &self.is_running())
            .field("complete", &self.is_complete())
            .field("notified", &self.is_notified())
            .field("cancelled", &self.is_cancelled())
            .field("join_interest", &self.is_join_interested())
            .field("join_waker", &self.is_join_waker_set())
            .field("refs", &self.ref_count())
            .finish()
    }
}

/// What the runner of a `Notified` must do.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum ToRunning {
    /// Poll the future.
    Poll,
    /// The task was cancelled: drop the future instead of polling it.
    Cancel,
    /// Someone else runs or finished the task; our reference was released.
    Skip,
    /// As `Skip`, and ours was the last reference: deallocate.
    Dealloc,
}

/// What the runner must do after the future returned `Pending`.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum ToIdle {
    /// The task now waits for a waker; the runner's reference was released.
    Idle,
    /// As `Idle`, and that was the last reference.
    Dealloc,
    /// Woken while running: resubmit it, the runner's reference moves to the new `Notified`.
    Reschedule,
    /// Aborted while running: cancel it now (the runner still holds `RUNNING`).
    Cancel,
}

/// What a waker must do.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum ToNotified {
    /// Nothing: already queued, running (it will notice), or complete.
    Nothing,
    /// Submit a new `Notified` to the scheduler (a reference is reserved for it).
    Submit,
    /// Nothing to submit, and the consumed waker held the last reference.
    Dealloc,
}

impl State {
    pub(super) fn new() -> State {
        State(AtomicUsize::new(INITIAL))
    }

    pub(super) fn load(&self) -> Snapshot {
        Snapshot(self.0.load(Acquire))
    }

    /// Runs `f` on the current value until the compare-exchange succeeds; `f` returns the
    /// new value (or `None` to leave the word unchanged) and a result.
    fn update<R>(&self, mut f: impl FnMut(Snapshot) -> (Option<usize>, R)) -> R {
        let mut current = self.0.load(Acquire);
        loop {
            let (next, result) = f(Snapshot(current));
            let Some(next) = next else { return result };
            match self.0.compare_exchange_weak(current, next, AcqRel, Acquire) {
                Ok(_) => return result,
                Err(actual) => current = actual,
            }
        }
    }

    /// Called with the reference of a `Notified` that is about to be run.
    pub(super) fn transition_to_running(&self) -> ToRunning {
        self.update(|s| {
            debug_assert!(s.is_notified() || s.is_running() || s.is_complete(), "{s:?}");
            if !s.is_idle() {
                let next = s.0 - REF_ONE;
                let action = if Snapshot(next).ref_count() == 0 { ToRunning::Dealloc } else { ToRunning::Skip };
                return (Some(next), action);
            }
            let next = (s.0 | RUNNING) & !NOTIFIED;
            let action = if s.is_cancelled() { ToRunning::Cancel } else { ToRunning::Poll };
            (Some(next), action)
        })
    }

    /// Called by the runner after a `Pending` poll.
    pub(super) fn transition_to_idle(&self) -> ToIdle {
        self.update(|s| {
            debug_assert!(s.is_running());
            if s.is_cancelled() {
                return (None, ToIdle::Cancel);
            }
            if s.is_notified() {
                return (Some(s.0 & !RUNNING), ToIdle::Reschedule);
            }
            let next = (s.0 & !RUNNING) - REF_ONE;
            let action = if Snapshot(next).ref_count() == 0 { ToIdle::Dealloc } else { ToIdle::Idle };
            (Some(next), action)
        })
    }

    /// Called by the runner once the output (or the cancellation error) is stored.
    pub(super) fn transition_to_complete(&self) -> Snapshot {
        let prev = Snapshot(self.0.fetch_xor(RUNNING | COMPLETE, AcqRel));
        debug_assert!(prev.is_running() && !prev.is_complete());
        Snapshot(prev.0 ^ (RUNNING | COMPLETE))
    }

    /// A waker consumed by value: its reference is either moved into a `Notified` or released.
    pub(super) fn transition_to_notified_by_val(&self) -> ToNotified {
        self.update(|s| {
            if s.is_idle() && !s.is_notified() {
                return (Some(s.0 | NOTIFIED), ToNotified::Submit);
            }
            let mut next = s.0 - REF_ONE;
            if s.is_running() {
                next |= NOTIFIED;
            }
            let action = if Snapshot(next).ref_count() == 0 { ToNotified::Dealloc } else { ToNotified::Nothing };
            (Some(next), action)
        })
    }

    /// A waker woken by reference: a new reference is taken for the `Notified` if one is needed.
    pub(super) fn transition_to_notified_by_ref(&self) -> ToNotified {
        self.update(|s| {
            if s.is_idle() && !s.is_notified() {
                return (Some((s.0 | NOTIFIED) + REF_ONE), ToNotified::Submit);
            }
            if s.is_running() && !s.is_notified() {
                return (Some(s.0 | NOTIFIED), ToNotified::Nothing);
            }
            (None, ToNotified::Nothing)
        })
    }

    /// `abort()`: marks the task cancelled; returns `Submit` when it must be scheduled so
    /// that a worker drops its future (an idle task nobody else would run).
    pub(super) fn transition_to_notified_and_cancel(&self) -> ToNotified {
        self.update(|s| {
            if s.is_complete() || s.is_cancelled() {
                return (None, ToNotified::Nothing);
            }
            if s.is_running() {
                return (Some(s.0 | CANCELLED | NOTIFIED), ToNotified::Nothing);
            }
            if s.is_notified() {
                return (Some(s.0 | CANCELLED), ToNotified::Nothing);
            }
            (Some((s.0 | CANCELLED | NOTIFIED) + REF_ONE), ToNotified::Submit)
        })
    }

    /// Runtime shutdown: marks the task cancelled and, if nobody is running it, claims it
    /// (sets `RUNNING`) so the caller can drop the future. Returns whether it was claimed.
    pub(super) fn transition_to_shutdown(&self) -> bool {
        self.update(|s| {
            let next = if s.is_idle() { s.0 | CANCELLED | RUNNING } else { s.0 | CANCELLED };
            (Some(next), s.is_idle())
        })
    }

    /// `JoinHandle` dropped: gives up join interest (and the waker slot with it). Fails once
    /// the task is complete, in which case the handle must drop the output itself.
    pub(super) fn unset_join_interest(&self) -> Result<Snapshot, Snapshot> {
        self.update(|s| {
            debug_assert!(s.is_join_interested());
            if s.is_complete() {
                return (None, Err(s));
            }
            let next = s.0 & !(JOIN_INTEREST | JOIN_WAKER);
            (Some(next), Ok(Snapshot(next)))
        })
    }

    /// Publishes the join waker written by the handle. Fails if the task completed meanwhile.
    pub(super) fn set_join_waker(&self) -> Result<Snapshot, Snapshot> {
        self.update(|s| {
            debug_assert!(s.is_join_interested() && !s.is_join_waker_set());
            if s.is_complete() {
                return (None, Err(s));
            }
            (Some(s.0 | JOIN_WAKER), Ok(Snapshot(s.0 | JOIN_WAKER)))
        })
    }

    /// Takes the join waker slot back from the runtime so the handle can replace it.
    /// Fails if the task completed meanwhile.
    pub(super) fn unset_join_waker(&self) -> Result<Snapshot, Snapshot> {
        self.update(|s| {
            debug_assert!(s.is_join_interested() && s.is_join_waker_set());
            if s.is_complete() {
                return (None, Err(s));
            }
            (Some(s.0 & !JOIN_WAKER), Ok(Snapshot(s.0 & !JOIN_WAKER)))
        })
    }

    pub(super) fn ref_inc(&self) {
        let prev = self.0.fetch_add(REF_ONE, Relaxed);
        // Only a leak in a loop gets here; wrapping around would be a use-after-free.
        if prev > usize::MAX / 2 {
            panic!("avx task reference count overflow");
        }
    }

    /// Releases `count` references; returns true if they were the last.
    pub(super) fn ref_dec(&self, count: usize) -> bool {
        let prev = Snapshot(self.0.fetch_sub(count * REF_ONE, AcqRel));
        debug_assert!(prev.ref_count() >= count, "{prev:?} - {count}");
        prev.ref_count() == count
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn run_pending_idle_then_wake_submits() {
        let s = State::new();
        assert_eq!(s.transition_to_running(), ToRunning::Poll);
        assert_eq!(s.transition_to_idle(), ToIdle::Idle);
        assert_eq!(s.load().ref_count(), 2);
        assert_eq!(s.transition_to_notified_by_ref(), ToNotified::Submit);
        assert_eq!(s.load().ref_count(), 3);
        // A second wake while already notified is absorbed.
        assert_eq!(s.transition_to_notified_by_ref(), ToNotified::Nothing);
    }

    #[test]
    fn wake_while_running_reschedules_exactly_once() {
        let s = State::new();
        assert_eq!(s.transition_to_running(), ToRunning::Poll);
        s.ref_inc(); // a waker
        s.ref_inc(); // another waker
        assert_eq!(s.transition_to_notified_by_val(), ToNotified::Nothing);
        assert_eq!(s.transition_to_notified_by_val(), ToNotified::Nothing);
        assert_eq!(s.transition_to_idle(), ToIdle::Reschedule);
        assert_eq!(s.transition_to_running(), ToRunning::Poll);
        assert_eq!(s.transition_to_idle(), ToIdle::Idle);
    }

    #[test]
    fn wake_after_complete_is_a_no_op() {
        let s = State::new();
        s.ref_inc(); // waker kept past completion
        assert_eq!(s.transition_to_running(), ToRunning::Poll);
        let done = s.transition_to_complete();
        assert!(done.is_complete() && !done.is_running());
        assert_eq!(s.transition_to_notified_by_ref(), ToNotified::Nothing);
        // runner, owner list and join handle release theirs; the waker holds the last.
        assert!(!s.ref_dec(3));
        assert_eq!(s.transition_to_notified_by_val(), ToNotified::Dealloc);
    }

    #[test]
    fn abort_idle_task_submits_it_for_cancellation() {
        let s = State::new();
        assert_eq!(s.transition_to_running(), ToRunning::Poll);
        assert_eq!(s.transition_to_idle(), ToIdle::Idle);
        assert_eq!(s.transition_to_notified_and_cancel(), ToNotified::Submit);
        assert_eq!(s.transition_to_notified_and_cancel(), ToNotified::Nothing);
        assert_eq!(s.transition_to_running(), ToRunning::Cancel);
    }

    #[test]
    fn abort_while_running_cancels_after_the_poll() {
        let s = State::new();
        assert_eq!(s.transition_to_running(), ToRunning::Poll);
        assert_eq!(s.transition_to_notified_and_cancel(), ToNotified::Nothing);
        assert_eq!(s.transition_to_idle(), ToIdle::Cancel);
    }

    #[test]
    fn shutdown_claims_only_idle_tasks() {
        let s = State::new();
        assert!(s.transition_to_shutdown());
        // The queued Notified finds the task claimed and just drops its reference.
        assert_eq!(s.transition_to_running(), ToRunning::Skip);
        let r = State::new();
        assert_eq!(r.transition_to_running(), ToRunning::Poll);
        assert!(!r.transition_to_shutdown());
        assert_eq!(r.transition_to_idle(), ToIdle::Cancel);
    }

    #[test]
    fn join_waker_protocol_fails_after_completion() {
        let s = State::new();
        assert!(s.set_join_waker().is_ok());
        assert!(s.unset_join_waker().is_ok());
        assert_eq!(s.transition_to_running(), ToRunning::Poll);
        s.transition_to_complete();
        assert!(s.set_join_waker().is_err());
        assert!(s.unset_join_interest().is_err());
    }
}
