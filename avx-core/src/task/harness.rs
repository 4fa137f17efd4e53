//! The typed task functions behind the vtable: running a poll, completing, cancelling,
//! handing the output to the `JoinHandle`, and freeing the allocation.

use super::error::JoinError;
use super::raw::{Cell, Header, RawTask, Stage};
use super::state::{ToIdle, ToRunning};
use super::{waker, Notified, Schedule, Task};
use crate::context;
use crate::loom::UnsafeCell;
use alloc::boxed::Box;
use core::future::Future;
use core::mem::ManuallyDrop;
use core::pin::Pin;
use core::ptr::NonNull;
use core::task::{Context, Poll, Waker};

/// # Safety (for every function here)
/// `ptr` points to a live `Cell<F, S>` whose vtable is `Cell::<F, S>::VTABLE`.
unsafe fn cell<'a, F: Future, S>(ptr: NonNull<Header>) -> &'a Cell<F, S> {
    // SAFETY: per the module contract; `Header` is the first field of a `repr(C)` `Cell`.
    unsafe { ptr.cast::<Cell<F, S>>().as_ref() }
}

pub(super) unsafe fn run<F: Future, S: Schedule>(ptr: NonNull<Header>) {
    // SAFETY: module contract.
    let cell = unsafe { cell::<F, S>(ptr) };
    let raw = RawTask::from_header(ptr);
    // The task is current while its future is polled or dropped and while its output is dropped.
    let _current = context::enter_task(cell.header.id.0);
    match cell.header.state.transition_to_running() {
        ToRunning::Poll => {}
        ToRunning::Cancel => return cancel_and_complete(cell, raw),
        ToRunning::Skip => return,
        // SAFETY: the runner's reference was the last one.
        ToRunning::Dealloc => return unsafe { raw.dealloc() },
    }
    // SAFETY: we hold RUNNING and a reference, so the waker's pointer stays valid while
    // this borrowed waker (which owns no reference) is in use.
    let waker = ManuallyDrop::new(unsafe { waker::borrowed(ptr) });
    let mut cx = Context::from_waker(&waker);
    let result = catch_unwind(|| {
        // A future whose poll panics is dropped while the panic unwinds, as Tokio does (its
        // `Drop` sees `thread::panicking()`, so guards it holds poison what they protect).
        let drop_on_unwind = DropOnUnwind(&cell.stage);
        let poll = cell.stage.with_mut(|stage| {
            // SAFETY: RUNNING gives this thread exclusive access to the stage.
            match unsafe { &mut *stage } {
                // SAFETY: the future never moves out of the heap allocation.
                Stage::Running(future) => unsafe { Pin::new_unchecked(future) }.poll(&mut cx),
                _ => unreachable!("a task is polled only while its future is present"),
            }
        });
        core::mem::forget(drop_on_unwind);
        poll
    });
    let output = match result {
        Ok(Poll::Pending) => match cell.header.state.transition_to_idle() {
            ToIdle::Idle => return,
            // SAFETY: our reference was the last one.
            ToIdle::Dealloc => return unsafe { raw.dealloc() },
            ToIdle::Reschedule => {
                // Woken during its own poll: treated as a yield, so it goes behind the
                // tasks already queued. SAFETY: the runner's reference moves into it.
                let notified = unsafe { Notified::from_raw(raw) };
                return cell.scheduler.yield_now(notified);
            }
            ToIdle::Cancel => return cancel_and_complete(cell, raw),
        },
        Ok(Poll::Ready(value)) => Ok(value),
        Err(panic) => Err(JoinError::panic(cell.header.id, panic)),
    };
    let drop_result = catch_unwind(|| set_stage(&cell.stage, Stage::Consumed));
    let output = match drop_result {
        Ok(()) => output,
        Err(panic) => Err(JoinError::panic(cell.header.id, panic)),
    };
    set_stage(&cell.stage, Stage::Finished(output));
    complete(cell, raw);
}

/// Drops the stage when dropped: armed around a poll, so a panicking poll's future is
/// dropped during the unwind (a `Drop` that panics then aborts the process, as in Tokio).
struct DropOnUnwind<'a, F: Future>(&'a UnsafeCell<Stage<F>>);

impl<F: Future> Drop for DropOnUnwind<'_, F> {
    fn drop(&mut self) {
        set_stage(self.0, Stage::Consumed);
    }
}

/// Drops the future (catching a panicking `Drop`) and completes with a cancellation error.
fn cancel_and_complete<F: Future, S: Schedule>(cell: &Cell<F, S>, raw: RawTask) {
    let id = cell.header.id;
    let error = match catch_unwind(|| set_stage(&cell.stage, Stage::Consumed)) {
        Ok(()) => JoinError::cancelled(id),
        Err(panic) => JoinError::panic(id, panic),
    };
    set_stage(&cell.stage, Stage::Finished(Err(error)));
    complete(cell, raw);
}

/// Publishes completion, hands the output to whoever is responsible for it, leaves the
/// owner list and releases the runner's reference (plus the list's).
fn complete<F: Future, S: Schedule>(cell: &Cell<F, S>, raw: RawTask) {
    let snapshot = cell.header.state.transition_to_complete();
    if !snapshot.is_join_interested() {
        // Nobody will read the output: drop it here. A panicking Drop of a detached task's
        // output has nobody to report to; it must not take the worker down.
        let _ = catch_unwind(|| set_stage(&cell.stage, Stage::Consumed));
    } else if snapshot.is_join_waker_set() {
        cell.header.join_waker.with(|slot| {
            // SAFETY: JOIN_WAKER was set at completion, so the handle no longer writes the
            // slot and it holds a waker.
            if let Some(waker) = unsafe { &*slot } {
                waker.wake_by_ref();
            }
        });
    }
    // SAFETY: a borrowed view of the task for the list lookup; it owns no reference.
    let this = ManuallyDrop::new(unsafe { Task::<S>::from_raw(raw) });
    let released = cell.scheduler.release(&this).map(Task::into_raw).is_some();
    if cell.header.state.ref_dec(1 + usize::from(released)) {
        // SAFETY: those were the last references.
        unsafe { raw.dealloc() }
    }
}

fn set_stage<F: Future>(stage: &UnsafeCell<Stage<F>>, value: Stage<F>) {
    // SAFETY: callers hold RUNNING (or are past COMPLETE with exclusive output rights), so
    // no other thread touches the stage.
    stage.with_mut(|ptr| unsafe { *ptr = value });
}

pub(super) unsafe fn schedule<F: Future, S: Schedule>(ptr: NonNull<Header>) {
    // SAFETY: module contract; the caller reserved the reference for this Notified.
    let (cell, notified) = unsafe { (cell::<F, S>(ptr), Notified::from_raw(RawTask::from_header(ptr))) };
    cell.scheduler.schedule(notified);
}

pub(super) unsafe fn dealloc<F: Future, S: Schedule>(ptr: NonNull<Header>) {
    // SAFETY: the count reached zero, so this is the only pointer left; it came from a Box.
    drop(unsafe { Box::from_raw(ptr.cast::<Cell<F, S>>().as_ptr()) });
}

pub(super) unsafe fn try_read_output<F: Future, S: Schedule>(ptr: NonNull<Header>, dst: *mut (), waker: &Waker) {
    // SAFETY: module contract.
    let cell = unsafe { cell::<F, S>(ptr) };
    if !can_read_output(&cell.header, waker) {
        return;
    }
    let stage = cell.stage.with_mut(|stage| {
        // SAFETY: COMPLETE was observed with the join interest held: the output now
        // belongs to the handle alone.
        core::mem::replace(unsafe { &mut *stage }, Stage::Consumed)
    });
    let Stage::Finished(output) = stage else {
        panic!("JoinHandle polled after it returned Ready");
    };
    // SAFETY: the caller passes a pointer to `Poll<Result<F::Output, JoinError>>`.
    unsafe { *dst.cast::<Poll<Result<F::Output, JoinError>>>() = Poll::Ready(output) };
}

/// Returns true if the output can be taken now; otherwise leaves `waker` registered.
fn can_read_output(header: &Header, waker: &Waker) -> bool {
    let state = &header.state;
    let snapshot = state.load();
    if snapshot.is_complete() {
        return true;
    }
    let registered = if snapshot.is_join_waker_set() {
        let same = header.join_waker.with(|slot| {
            // SAFETY: while JOIN_WAKER is set the slot is only read, by anyone.
            unsafe { &*slot }.as_ref().is_some_and(|current| current.will_wake(waker))
        });
        if same {
            return false;
        }
        state.unset_join_waker().map_err(drop).and_then(|_| store_join_waker(header, waker))
    } else {
        store_join_waker(header, waker)
    };
    registered.is_err()
}

fn store_join_waker(header: &Header, waker: &Waker) -> Result<(), ()> {
    // SAFETY: JOIN_WAKER is clear, so the handle owns the slot.
    header.join_waker.with_mut(|slot| unsafe { *slot = Some(waker.clone()) });
    match header.state.set_join_waker() {
        Ok(_) => Ok(()),
        Err(_) => {
            // Completed meanwhile; the runtime will never read the slot, so take it back.
            // SAFETY: JOIN_WAKER stayed clear.
            header.join_waker.with_mut(|slot| unsafe { *slot = None });
            Err(())
        }
    }
}

pub(super) unsafe fn drop_join_handle<F: Future, S: Schedule>(ptr: NonNull<Header>) {
    // SAFETY: module contract.
    let cell = unsafe { cell::<F, S>(ptr) };
    if cell.header.state.drop_join_handle_fast() {
        return;
    }
    match cell.header.state.unset_join_interest() {
        // SAFETY: with JOIN_WAKER cleared too, the slot is the handle's again.
        Ok(_) => cell.header.join_waker.with_mut(|slot| unsafe { *slot = None }),
        // Completed while the handle held interest: the output is ours to drop. A panicking
        // Drop of the output must neither unwind out of `JoinHandle::drop` nor skip releasing
        // the handle's reference below (which would leak the task).
        Err(_) => {
            let _current = context::enter_task(cell.header.id.0);
            let _ = catch_unwind(|| set_stage(&cell.stage, Stage::Consumed));
        }
    }
    // SAFETY: the handle's reference.
    unsafe { RawTask::from_header(ptr).drop_reference() }
}

pub(super) unsafe fn shutdown<F: Future, S: Schedule>(ptr: NonNull<Header>) {
    // SAFETY: module contract.
    let cell = unsafe { cell::<F, S>(ptr) };
    let raw = RawTask::from_header(ptr);
    if cell.header.state.transition_to_shutdown() {
        let _current = context::enter_task(cell.header.id.0);
        // We claimed RUNNING; the list's reference plays the runner's in `complete`, and
        // the list lookup there finds the task already unlinked.
        cancel_and_complete(cell, raw);
    } else {
        // Running elsewhere (it will cancel itself) or already complete.
        // SAFETY: the list's reference.
        unsafe { raw.drop_reference() }
    }
}

#[cfg(feature = "std")]
fn catch_unwind<R>(f: impl FnOnce() -> R) -> Result<R, Box<dyn core::any::Any + Send>> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
}

#[cfg(not(feature = "std"))]
fn catch_unwind<R>(f: impl FnOnce() -> R) -> Result<R, Box<dyn core::any::Any + Send>> {
    Ok(f())
}
