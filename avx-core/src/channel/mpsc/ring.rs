//! The bounded mpsc queue: a fixed ring whose slots producers claim with one `fetch_add`,
//! guarded by a semaphore holding one permit per free slot.
//!
//! A sender first takes a permit, then claims the next index and writes its slot. Because at
//! most `capacity` permits exist and the receiver returns a permit only after emptying a slot,
//! the claimed slot is always empty: no producer ever waits on another.

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::mem::MaybeUninit;

use super::chan::Queue;
use crate::loom::{AtomicBool, AtomicUsize, Ordering::*, UnsafeCell};
use crate::sync::{CachePadded, RawSemaphore};

struct Slot<T> {
    /// Set (Release) once `value` is written; cleared (Release) once it is taken.
    full: AtomicBool,
    value: UnsafeCell<MaybeUninit<T>>,
}

pub(super) struct BoundedQueue<T> {
    slots: Box<[Slot<T>]>,
    mask: usize,
    capacity: usize,
    /// Next index a producer claims.
    tail: CachePadded<AtomicUsize>,
    /// Next index the receiver reads; touched only by the receiver.
    head: CachePadded<UnsafeCell<usize>>,
    /// One permit per free place; closed when the receiver closes.
    pub(super) permits: CachePadded<RawSemaphore>,
}

// SAFETY: values move from senders to the receiver (needs `T: Send`); each slot is accessed by
// one side at a time as arbitrated by its `full` flag and the permits.
unsafe impl<T: Send> Send for BoundedQueue<T> {}
// SAFETY: as above.
unsafe impl<T: Send> Sync for BoundedQueue<T> {}

impl<T> BoundedQueue<T> {
    /// A queue for `capacity` values (`capacity >= 1`).
    pub(super) fn new(capacity: usize) -> Self {
        let size = capacity.next_power_of_two();
        let slots: Vec<Slot<T>> = (0..size)
            .map(|_| Slot { full: AtomicBool::new(false), value: UnsafeCell::new(MaybeUninit::uninit()) })
            .collect();
        Self {
            slots: slots.into_boxed_slice(),
            mask: size - 1,
            capacity,
            tail: CachePadded(AtomicUsize::new(0)),
            head: CachePadded(UnsafeCell::new(0)),
            permits: CachePadded(RawSemaphore::new(capacity)),
        }
    }

    pub(super) fn capacity(&self) -> usize {
        self.capacity
    }
}

impl<T> Queue<T> for BoundedQueue<T> {
    fn push(&self, value: T) {
        let index = self.tail.fetch_add(1, Relaxed);
        let slot = &self.slots[index & self.mask];
        // The Acquire load pairs with the receiver's Release clear of this slot, so its read
        // of the previous value happens before our write.
        let was_full = slot.full.load(Acquire);
        debug_assert!(!was_full, "a permit guarantees the claimed slot is empty");
        // SAFETY: the slot is empty (see above) and index `index` was claimed by us alone, so
        // nobody else reads or writes it until we publish it.
        slot.value.with_mut(|ptr| unsafe { (*ptr).write(value) });
        slot.full.store(true, Release);
    }

    unsafe fn pop(&self) -> Option<T> {
        // SAFETY: only the receiver touches `head` (this function's contract).
        let head = self.head.with(|ptr| unsafe { *ptr });
        let slot = &self.slots[head & self.mask];
        if !slot.full.load(Acquire) {
            return None;
        }
        // SAFETY: `full` (Acquire) says the value was written and not yet taken; only the
        // receiver takes values.
        let value = slot.value.with(|ptr| unsafe { (*ptr).assume_init_read() });
        slot.full.store(false, Release);
        // SAFETY: as above, `head` belongs to the receiver.
        self.head.with_mut(|ptr| unsafe { *ptr = head.wrapping_add(1) });
        self.permits.release(1);
        Some(value)
    }

    fn close(&self) {
        self.permits.close();
    }

    fn is_idle(&self) -> bool {
        self.permits.available_permits() == self.capacity
    }

    unsafe fn len(&self) -> usize {
        // SAFETY: only the receiver touches `head`, and it is not popping (the contract).
        let head = self.head.with(|ptr| unsafe { *ptr });
        // Relaxed is enough: a load sees every claim that happens-before it (coherence). So
        // it sees the claims of the values below `head` (the receiver took them after seeing
        // `full`, with Acquire), and of every send the caller knows has completed. At most
        // `capacity` claimed places are not yet taken: a claim holds a permit, and only
        // taking a value (by this receiver, not now) returns one.
        self.tail.load(Relaxed).wrapping_sub(head)
    }
}

impl<T> Drop for BoundedQueue<T> {
    fn drop(&mut self) {
        for slot in self.slots.iter_mut() {
            if slot.full.load(Relaxed) {
                // SAFETY: `&mut self`: nobody else accesses the slot; `full` says it holds a
                // value that was never taken.
                slot.value.with_mut(|ptr| unsafe { (*ptr).assume_init_drop() });
            }
        }
    }
}
