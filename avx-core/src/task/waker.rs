//! `Waker`s that point straight at the task allocation: cloning takes a reference, waking
//! moves the task into its scheduler's queue exactly once, dropping releases the reference.

use super::raw::{Header, RawTask};
use super::state::ToNotified;
use core::ptr::NonNull;
use core::task::{RawWaker, RawWakerVTable, Waker};

static VTABLE: RawWakerVTable = RawWakerVTable::new(clone, wake, wake_by_ref, drop_waker);

/// A waker for the task at `ptr` that owns no reference: the caller keeps it in a
/// `ManuallyDrop` and guarantees the task outlives it. Clones own a reference each.
///
/// # Safety
/// `ptr` is a live task that stays alive while the returned waker is used.
pub(super) unsafe fn borrowed(ptr: NonNull<Header>) -> Waker {
    // SAFETY: the vtable functions uphold the RawWaker contract for task pointers.
    unsafe { Waker::from_raw(RawWaker::new(ptr.as_ptr() as *const (), &VTABLE)) }
}

/// # Safety
/// `data` came from `borrowed` or `clone` and the task is alive.
unsafe fn task(data: *const ()) -> RawTask {
    // SAFETY: per the contract, `data` is a non-null header pointer.
    RawTask::from_header(unsafe { NonNull::new_unchecked(data as *mut Header) })
}

unsafe fn clone(data: *const ()) -> RawWaker {
    // SAFETY: the waker being cloned keeps the task alive.
    unsafe { task(data) }.header().state.ref_inc();
    RawWaker::new(data, &VTABLE)
}

unsafe fn wake(data: *const ()) {
    // SAFETY: this waker owns a reference, consumed below.
    let raw = unsafe { task(data) };
    match raw.header().state.transition_to_notified_by_val() {
        // SAFETY: the waker's reference moved into the Notified.
        ToNotified::Submit => unsafe { raw.schedule() },
        // SAFETY: the waker held the last reference.
        ToNotified::Dealloc => unsafe { raw.dealloc() },
        ToNotified::Nothing => {}
    }
}

unsafe fn wake_by_ref(data: *const ()) {
    // SAFETY: the waker keeps the task alive.
    let raw = unsafe { task(data) };
    if raw.header().state.transition_to_notified_by_ref() == ToNotified::Submit {
        // SAFETY: the transition reserved a reference for the Notified.
        unsafe { raw.schedule() }
    }
}

unsafe fn drop_waker(data: *const ()) {
    // SAFETY: this waker owns the reference it releases.
    unsafe { task(data).drop_reference() }
}
