//! `Sleep`: the future that completes at a deadline. Its timer entry lives inside it, so
//! arming costs no allocation, and dropping it unlinks the entry from its shard's wheel.

use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};

use super::entry::Entry;
use super::Handle;
use crate::park::Ticks;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Not in any wheel; the next poll arms it (or completes if the deadline has passed).
    Idle,
    /// Linked in the wheel of the handle's shard, or fired by it and not yet observed.
    Armed,
    /// Completed.
    Elapsed,
}

/// A future that completes at its deadline, never before. Created by [`Handle::sleep`] and
/// [`Handle::sleep_until`].
///
/// The deadline is rounded up to the wheel's millisecond; the first poll registers the
/// timer in the shard the handle names (its worker) or a round-robin one.
#[must_use = "futures do nothing unless polled"]
pub struct Sleep {
    /// Bound to the shard the entry registers in.
    handle: Handle,
    deadline: Ticks,
    phase: Phase,
    entry: Entry,
}

impl Sleep {
    /// A sleep on `handle`'s driver that completes at `deadline`.
    pub fn new(handle: Handle, deadline: Ticks) -> Sleep {
        Sleep { handle: handle.bound_to_shard(), deadline, phase: Phase::Idle, entry: Entry::new() }
    }

    /// The instant this sleep completes at.
    pub fn deadline(&self) -> Ticks {
        self.deadline
    }

    /// The driver handle this sleep was created with.
    pub fn handle(&self) -> &Handle {
        &self.handle
    }

    /// Whether the sleep has completed, or its timer has fired and the next poll completes.
    ///
    /// A sleep that has not been polled since it was created or reset is not elapsed, even
    /// if its deadline has passed: the deadline is looked at when it is polled (as Tokio's).
    pub fn is_elapsed(&self) -> bool {
        match self.phase {
            Phase::Idle => false,
            Phase::Armed => self.entry.is_fired(),
            Phase::Elapsed => true,
        }
    }

    /// Moves the deadline, earlier or later, whether or not the sleep has completed.
    ///
    /// A pending sleep keeps the waker of its last poll: that task is woken at the new
    /// deadline (at once if it has already passed).
    pub fn reset(self: Pin<&mut Self>, deadline: Ticks) {
        // SAFETY: the entry is never moved out of the pinned `Sleep`; the other fields are
        // plain data that may be overwritten in place.
        let this = unsafe { self.get_unchecked_mut() };
        let waker = match this.phase {
            // SAFETY: `Armed` means the entry was registered through `this.handle`.
            Phase::Armed => unsafe { this.handle.deregister(&this.entry) },
            Phase::Idle | Phase::Elapsed => None,
        };
        this.deadline = deadline;
        this.phase = Phase::Idle;
        if let Some(waker) = waker {
            if let Err(waker) = this.arm(waker) {
                waker.wake();
            }
        }
    }

    /// Registers the entry with `waker` unless the deadline has passed; on `Err` the phase is
    /// `Elapsed` and the waker is handed back.
    fn arm(&mut self, waker: Waker) -> Result<(), Waker> {
        if self.handle.now() >= self.deadline {
            self.phase = Phase::Elapsed;
            return Err(waker);
        }
        let when = self.handle.deadline_to_ms(self.deadline);
        // SAFETY: the entry is `Idle` (unlinked) and pinned inside this `Sleep`, whose
        // `Drop` deregisters it while `Armed`.
        let registered = unsafe { self.handle.register(&self.entry, when, waker) };
        self.phase = match registered {
            Ok(()) => Phase::Armed,
            Err(_) => Phase::Elapsed,
        };
        registered
    }
}

impl Future for Sleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // SAFETY: as in `reset`: the entry is never moved.
        let this = unsafe { self.get_unchecked_mut() };
        match this.phase {
            Phase::Elapsed => Poll::Ready(()),
            Phase::Armed => {
                // SAFETY: `Armed` means the entry was registered through `this.handle`.
                let fired = unsafe { this.handle.refresh_waker(&this.entry, cx.waker()) };
                if fired {
                    this.phase = Phase::Elapsed;
                    Poll::Ready(())
                } else {
                    Poll::Pending
                }
            }
            Phase::Idle => match this.arm(cx.waker().clone()) {
                Ok(()) => Poll::Pending,
                Err(_) => Poll::Ready(()),
            },
        }
    }
}

impl Drop for Sleep {
    fn drop(&mut self) {
        if self.phase == Phase::Armed {
            // SAFETY: `Armed` means the entry was registered through `self.handle`.
            drop(unsafe { self.handle.deregister(&self.entry) });
        }
    }
}

impl fmt::Debug for Sleep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sleep")
            .field("deadline", &self.deadline)
            .field("handle", &self.handle)
            .field("phase", &self.phase)
            .finish_non_exhaustive()
    }
}
