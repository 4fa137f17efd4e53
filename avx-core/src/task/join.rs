//! `JoinHandle`, the future of a spawned task's result, and `AbortHandle`, which can only
//! cancel. Dropping a `JoinHandle` detaches the task; it keeps running.

use super::error::JoinError;
use super::raw::RawTask;
use super::state::ToNotified;
use super::Id;
use core::fmt;
use core::future::Future;
use core::marker::PhantomData;
use core::pin::Pin;
use core::task::{Context, Poll};

/// An owned permission to await a spawned task's output.
///
/// Awaiting yields `Ok(output)`, or `Err(JoinError)` if the task was cancelled or panicked.
pub struct JoinHandle<T> {
    raw: RawTask,
    _output: PhantomData<T>,
}

// SAFETY: the handle moves the output (a `T`) across threads, so it is Send iff T is. It
// never gives shared access to `T`; Sync takes Tokio's bound (`T: Send`) so that the same
// programs type-check on both.
unsafe impl<T: Send> Send for JoinHandle<T> {}
// SAFETY: as above.
unsafe impl<T: Send> Sync for JoinHandle<T> {}

impl<T> Unpin for JoinHandle<T> {}

// A panic while a handle is borrowed leaves the task's state consistent: every transition
// is one atomic step, and the output moves out only on a completed `poll`.
impl<T> core::panic::UnwindSafe for JoinHandle<T> {}
impl<T> core::panic::RefUnwindSafe for JoinHandle<T> {}
impl core::panic::UnwindSafe for AbortHandle {}
impl core::panic::RefUnwindSafe for AbortHandle {}

impl<T> JoinHandle<T> {
    /// # Safety
    /// `raw` carries the join interest and one reference, and its output type is `T`.
    pub(super) unsafe fn from_raw(raw: RawTask) -> JoinHandle<T> {
        JoinHandle { raw, _output: PhantomData }
    }

    /// Cancels the task: it will not be polled again and its future is dropped by the
    /// runtime; awaiting this handle then yields a cancelled `JoinError`. Aborting a task
    /// that already finished does nothing.
    pub fn abort(&self) {
        abort(self.raw);
    }

    /// Whether the task has finished (with output, panic or cancellation).
    pub fn is_finished(&self) -> bool {
        self.raw.header().state.load().is_complete()
    }

    /// The task's id.
    pub fn id(&self) -> Id {
        self.raw.header().id
    }

    /// A handle that can abort the task without owning its output.
    pub fn abort_handle(&self) -> AbortHandle {
        self.raw.header().state.ref_inc();
        AbortHandle { raw: self.raw }
    }
}

fn abort(raw: RawTask) {
    if raw.header().state.transition_to_notified_and_cancel() == ToNotified::Submit {
        // SAFETY: the transition reserved a reference for the Notified.
        unsafe { raw.schedule() }
    }
}

impl<T> Future for JoinHandle<T> {
    type Output = Result<T, JoinError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut output = Poll::Pending;
        // SAFETY: `output` has the type the vtable writes, and we hold the join interest.
        unsafe { self.raw.try_read_output(&mut output as *mut Poll<Result<T, JoinError>> as *mut (), cx.waker()) };
        output
    }
}

impl<T> Drop for JoinHandle<T> {
    fn drop(&mut self) {
        // SAFETY: the handle's join interest and reference are given up exactly once here.
        unsafe { self.raw.drop_join_handle() }
    }
}

impl<T> fmt::Debug for JoinHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinHandle").field("id", &self.id()).finish()
    }
}

/// Cancels a task from anywhere without access to its output.
pub struct AbortHandle {
    raw: RawTask,
}

impl AbortHandle {
    /// Cancels the task; see [`JoinHandle::abort`].
    pub fn abort(&self) {
        abort(self.raw);
    }

    /// Whether the task has finished.
    pub fn is_finished(&self) -> bool {
        self.raw.header().state.load().is_complete()
    }

    /// The task's id.
    pub fn id(&self) -> Id {
        self.raw.header().id
    }
}

impl Drop for AbortHandle {
    fn drop(&mut self) {
        // SAFETY: the handle's own reference.
        unsafe { self.raw.drop_reference() }
    }
}

impl fmt::Debug for AbortHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AbortHandle").field("id", &self.id()).finish()
    }
}
