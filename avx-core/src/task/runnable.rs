//! Tasks without an owner list, scheduled by a closure: the building block for custom
//! executors (an integrator's, or avx-std's blocking pool), in the style of async-task.

use super::raw::{Cell, RawTask};
use super::{Id, JoinHandle, Notified, Schedule, Task};
use core::fmt;
use core::future::Future;
use core::sync::atomic::{AtomicUsize, Ordering};

/// The right to poll a task once. Dropping it without running it cancels the task (its
/// `JoinHandle` then yields a cancelled `JoinError`), so no task is silently lost.
pub struct Runnable {
    raw: RawTask,
}

/// A scheduler that is a closure receiving every woken task.
struct FnSchedule<F>(F);

impl<F: Fn(Runnable) + Send + Sync + 'static> Schedule for FnSchedule<F> {
    fn schedule(&self, task: Notified<Self>) {
        (self.0)(Runnable { raw: task.0.into_raw() });
    }

    fn release(&self, _: &Task<Self>) -> Option<Task<Self>> {
        None
    }
}

static NEXT_UNOWNED_ID: AtomicUsize = AtomicUsize::new(1);

/// Creates a task for `future` whose wake-ups are passed to `schedule`. Returns the first
/// `Runnable` (run it, or pass it to `schedule`, to start the task) and the `JoinHandle`.
pub fn spawn_unowned<F, S>(future: F, schedule: S) -> (Runnable, JoinHandle<F::Output>)
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
    S: Fn(Runnable) + Send + Sync + 'static,
{
    // Unowned ids count down from the top so they never collide with owned-task ids.
    let id = Id(u64::MAX - NEXT_UNOWNED_ID.fetch_add(1, Ordering::Relaxed) as u64);
    let raw = RawTask::from_header(Cell::allocate(future, FnSchedule(schedule), id, 0));
    // There is no owner list: release the reference reserved for one (never the last).
    raw.header().state.ref_dec(1);
    // SAFETY: the two remaining initial references: the handle's and the first Notified's.
    let handle = unsafe { JoinHandle::from_raw(raw) };
    (Runnable { raw }, handle)
}

impl Runnable {
    /// Polls the task once (or completes its cancellation).
    pub fn run(self) {
        let raw = self.raw;
        core::mem::forget(self);
        // SAFETY: a Runnable holds a Notified reference.
        unsafe { raw.run() }
    }

    /// The task's id.
    pub fn id(&self) -> Id {
        self.raw.header().id
    }
}

impl Drop for Runnable {
    fn drop(&mut self) {
        // SAFETY: our reference is consumed; an idle task is cancelled and completed here.
        unsafe { self.raw.shutdown() }
    }
}

impl fmt::Debug for Runnable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runnable").field("id", &self.id()).finish()
    }
}
