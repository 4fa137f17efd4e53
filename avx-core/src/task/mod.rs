//! Tasks: one heap allocation per spawned future, reference-counted handles to it
//! (`Notified` to run it, `JoinHandle` to await it, `Waker`s to wake it), and its lifecycle.
//!
//! The allocation holds a header (atomic state with the reference count, vtable, id, owner
//! links, join waker), the scheduler hook, then the future, later replaced by its output.

mod error;
mod harness;
mod join;
mod list;
mod raw;
mod runnable;
mod state;
mod waker;
mod yield_now;

#[cfg(all(test, loom))]
mod loom_tests;

pub use error::JoinError;
pub use join::{AbortHandle, JoinHandle};
pub(crate) use list::OwnedTasks;
pub use runnable::{spawn_unowned, Runnable};
pub use yield_now::yield_now;

use core::fmt;
use core::marker::PhantomData;
use raw::RawTask;

/// A task's id, unique among the tasks alive in the process.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Id(u64);

/// The id of the task running on this thread (being polled, or having its future or output
/// dropped), or `None` outside a task (in `block_on`, on a plain thread).
pub fn try_id() -> Option<Id> {
    match crate::context::current_task() {
        0 => None,
        id => Some(Id(id)),
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl fmt::Debug for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Id({})", self.0)
    }
}

/// The scheduler hook stored in every task: where a woken task goes.
pub(crate) trait Schedule: Send + Sync + Sized + 'static {
    /// A task was woken (or spawned): queue it.
    fn schedule(&self, task: Notified<Self>);

    /// The task woke itself while running (typically `yield_now`): queue it behind the
    /// work already waiting, so it does not starve others.
    fn yield_now(&self, task: Notified<Self>) {
        self.schedule(task);
    }

    /// The task completed: unlink it from the owner list, returning the list's reference.
    fn release(&self, task: &Task<Self>) -> Option<Task<Self>>;
}

/// One counted reference to a task, without the right to run it.
pub(crate) struct Task<S: 'static> {
    raw: RawTask,
    _scheduler: PhantomData<S>,
}

impl<S: 'static> Task<S> {
    /// # Safety
    /// The caller transfers one reference to the new value.
    unsafe fn from_raw(raw: RawTask) -> Task<S> {
        Task { raw, _scheduler: PhantomData }
    }

    /// Gives up ownership without releasing the reference.
    fn into_raw(self) -> RawTask {
        let raw = self.raw;
        core::mem::forget(self);
        raw
    }
}

impl<S: 'static> Drop for Task<S> {
    fn drop(&mut self) {
        // SAFETY: the reference this value owns.
        unsafe { self.raw.drop_reference() }
    }
}

/// A reference that entitles its holder to run the task once; what run queues hold.
pub(crate) struct Notified<S: 'static>(Task<S>);

// SAFETY: a Notified only moves a pointer between queues; the future behind it is run on
// a thread allowed to poll it (for non-Send futures, the `bind_local` contract).
unsafe impl<S> Send for Notified<S> {}

impl<S: 'static> Notified<S> {
    /// # Safety
    /// The caller transfers one reference reserved for running the task.
    unsafe fn from_raw(raw: RawTask) -> Notified<S> {
        // SAFETY: forwarded contract.
        Notified(unsafe { Task::from_raw(raw) })
    }

    /// Polls the task once (or cancels it, if it was aborted), consuming this reference.
    pub(crate) fn run(self) {
        let raw = self.0.into_raw();
        // SAFETY: a Notified's reference entitles it to run the task.
        unsafe { raw.run() }
    }

    /// Converts into a raw header pointer that owns this reference (for intrusive slots).
    pub(crate) fn into_ptr(self) -> core::ptr::NonNull<()> {
        self.0.into_raw().header_ptr().cast()
    }

    /// # Safety
    /// `ptr` came from `into_ptr` of a `Notified<S>` with this same `S`.
    pub(crate) unsafe fn from_ptr(ptr: core::ptr::NonNull<()>) -> Notified<S> {
        // SAFETY: forwarded contract.
        unsafe { Notified::from_raw(RawTask::from_header(ptr.cast())) }
    }
}
