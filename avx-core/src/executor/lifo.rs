//! The LIFO slot: the task a worker woke most recently, run next for cache locality.
//! Unlike Tokio's, it is an atomic slot that idle workers can steal from, so a woken task
//! does not wait behind a long poll on its worker.

use crate::loom::{AtomicPtr, Ordering::AcqRel};
use crate::task::{Notified, Schedule};
use core::marker::PhantomData;
use core::ptr::{self, NonNull};

pub(super) struct LifoSlot<S: 'static> {
    task: AtomicPtr<()>,
    _scheduler: PhantomData<Notified<S>>,
}

impl<S: Schedule> LifoSlot<S> {
    pub(super) fn new() -> LifoSlot<S> {
        LifoSlot { task: AtomicPtr::new(ptr::null_mut()), _scheduler: PhantomData }
    }

    /// Puts `task` in the slot and returns the task it displaced.
    pub(super) fn replace(&self, task: Notified<S>) -> Option<Notified<S>> {
        let prev = self.task.swap(task.into_ptr().as_ptr(), AcqRel);
        // SAFETY: everything stored in the slot came from `Notified::<S>::into_ptr`.
        NonNull::new(prev).map(|p| unsafe { Notified::from_ptr(p) })
    }

    /// Empties the slot (the owner to run the task, or a thief to steal it).
    pub(super) fn take(&self) -> Option<Notified<S>> {
        if self.task.load(crate::loom::Ordering::Relaxed).is_null() {
            return None;
        }
        let prev = self.task.swap(ptr::null_mut(), AcqRel);
        // SAFETY: as in `replace`.
        NonNull::new(prev).map(|p| unsafe { Notified::from_ptr(p) })
    }

    pub(super) fn is_occupied(&self) -> bool {
        !self.task.load(crate::loom::Ordering::Acquire).is_null()
    }
}

impl<S: 'static> Drop for LifoSlot<S> {
    fn drop(&mut self) {
        let prev = self.task.swap(ptr::null_mut(), AcqRel);
        if let Some(p) = NonNull::new(prev) {
            // SAFETY: as in `replace`; dropping releases the Notified's reference.
            drop(unsafe { Notified::<S>::from_ptr(p) });
        }
    }
}
