//! The worker's local run queue: a fixed 256-slot ring in the Chase–Lev family. The owner
//! pushes at the tail and pops at the head; thieves claim half the queue in one step.
//!
//! The head word packs two 16-bit indices: `real`, the next slot to pop, and `steal`, the
//! first slot a thief is still copying out. While they differ a steal is in flight: other
//! thieves back off, and the owner does not overwrite slots from `steal` onwards. A fixed
//! ring needs no memory reclamation, which keeps the structure `no_std` and small.

use crate::loom::{Arc, AtomicU16, AtomicU32, Ordering::*, UnsafeCell};
use alloc::boxed::Box;
use alloc::vec::Vec;
use core::mem::MaybeUninit;

/// Slots in a local queue (a handful under loom, so models stay small).
pub(crate) const CAPACITY: usize = if cfg!(loom) { 4 } else { 256 };
const MASK: u16 = (CAPACITY - 1) as u16;

struct Inner<T> {
    /// `(steal << 16) | real`.
    head: AtomicU32,
    /// Written only by the owner.
    tail: AtomicU16,
    buffer: Box<[UnsafeCell<MaybeUninit<T>>]>,
}

// SAFETY: slots are handed between threads only under the head/tail protocol, which gives
// each slot a single reader or writer at a time; `T: Send` lets the values move.
unsafe impl<T: Send> Send for Inner<T> {}
// SAFETY: as above.
unsafe impl<T: Send> Sync for Inner<T> {}

/// The owner's end. Not `Clone`: exactly one thread pushes and pops.
pub(crate) struct Local<T> {
    inner: Arc<Inner<T>>,
}

/// A thief's end, shared with every other worker.
pub(crate) struct Steal<T>(Arc<Inner<T>>);

impl<T> Clone for Steal<T> {
    fn clone(&self) -> Self {
        Steal(self.0.clone())
    }
}

/// Where the owner sends half its queue when it overflows (the global queue).
pub(crate) trait Overflow<T> {
    /// Takes a batch of tasks in order.
    fn push_batch(&self, tasks: impl Iterator<Item = T>);
}

fn unpack(head: u32) -> (u16, u16) {
    ((head >> 16) as u16, head as u16)
}

fn pack(steal: u16, real: u16) -> u32 {
    ((steal as u32) << 16) | real as u32
}

/// A new empty queue: the owner's end and one thief's end.
pub(crate) fn local<T>() -> (Local<T>, Steal<T>) {
    let buffer: Vec<_> = (0..CAPACITY).map(|_| UnsafeCell::new(MaybeUninit::uninit())).collect();
    let inner = Arc::new(Inner { head: AtomicU32::new(0), tail: AtomicU16::new(0), buffer: buffer.into_boxed_slice() });
    (Local { inner: inner.clone() }, Steal(inner))
}

impl<T> Inner<T> {
    fn len(&self) -> usize {
        let (_, real) = unpack(self.head.load(Acquire));
        self.tail.load(Acquire).wrapping_sub(real) as usize
    }

    /// # Safety
    /// The caller has exclusive access to slot `index` and it is initialised.
    unsafe fn take(&self, index: u16) -> T {
        // SAFETY: per the contract.
        self.buffer[(index & MASK) as usize].with(|slot| unsafe { (*slot).assume_init_read() })
    }

    /// # Safety
    /// The caller has exclusive access to slot `index` and it holds no value.
    unsafe fn put(&self, index: u16, value: T) {
        // SAFETY: per the contract.
        self.buffer[(index & MASK) as usize].with_mut(|slot| unsafe { (*slot).write(value) });
    }
}

impl<T> Local<T> {
    /// The owner's view of the tail (only the owner writes it).
    fn tail(&self) -> u16 {
        self.inner.tail.load(Relaxed)
    }

    /// Number of queued tasks (a snapshot).
    pub(crate) fn len(&self) -> usize {
        self.inner.len()
    }

    /// Slots the owner can fill without overflowing. Slots a thief is still copying out
    /// count as taken; the number only grows until the owner pushes again.
    pub(crate) fn free_slots(&self) -> usize {
        let (steal, _) = unpack(self.inner.head.load(Acquire));
        CAPACITY - self.tail().wrapping_sub(steal) as usize
    }

    /// Pushes at the tail; when the ring is full, moves half of it plus `task` to `overflow`.
    pub(crate) fn push_back(&mut self, mut task: T, overflow: &impl Overflow<T>) {
        loop {
            let (steal, real) = unpack(self.inner.head.load(Acquire));
            let tail = self.tail();
            if (tail.wrapping_sub(steal) as usize) < CAPACITY {
                // SAFETY: slots from `steal` to `tail` are in use; `tail` is free and only
                // the owner writes free slots.
                unsafe { self.inner.put(tail, task) };
                self.inner.tail.store(tail.wrapping_add(1), Release);
                return;
            }
            if steal != real {
                // A thief is draining the queue right now: room is coming, but we do not
                // wait for it; the global queue takes this one.
                overflow.push_batch(core::iter::once(task));
                return;
            }
            match self.push_overflow(task, real, tail, overflow) {
                Ok(()) => return,
                Err(back) => task = back,
            }
        }
    }

    /// Claims the older half of a full queue and sends it, then `task`, to `overflow`.
    fn push_overflow(&mut self, task: T, head: u16, tail: u16, overflow: &impl Overflow<T>) -> Result<(), T> {
        const HALF: u16 = (CAPACITY / 2) as u16;
        debug_assert_eq!(tail.wrapping_sub(head) as usize, CAPACITY);
        let claimed = pack(head.wrapping_add(HALF), head.wrapping_add(HALF));
        if self.inner.head.compare_exchange(pack(head, head), claimed, Release, Relaxed).is_err() {
            // A thief got in first; there is room now.
            return Err(task);
        }
        let inner = &self.inner;
        // SAFETY: the CAS moved `head` past these slots, so nobody else reads them, and
        // the owner will not write them until the tail wraps past them.
        let batch = (0..HALF).map(|i| unsafe { inner.take(head.wrapping_add(i)) });
        overflow.push_batch(batch.chain(core::iter::once(task)));
        Ok(())
    }

    /// Pops the oldest task.
    pub(crate) fn pop(&mut self) -> Option<T> {
        let mut head = self.inner.head.load(Acquire);
        let index = loop {
            let (steal, real) = unpack(head);
            if real == self.tail() {
                return None;
            }
            let next_real = real.wrapping_add(1);
            // With no steal in flight both indices move together.
            let next = if steal == real { pack(next_real, next_real) } else { pack(steal, next_real) };
            match self.inner.head.compare_exchange_weak(head, next, AcqRel, Acquire) {
                Ok(_) => break real,
                Err(actual) => head = actual,
            }
        };
        // SAFETY: the CAS gave us slot `index`, which the owner filled earlier.
        Some(unsafe { self.inner.take(index) })
    }
}

impl<T> Drop for Local<T> {
    fn drop(&mut self) {
        // Whatever is left is dropped with the queue (task references are released).
        while self.pop().is_some() {}
    }
}

impl<T> Steal<T> {
    /// Whether the victim has anything to steal.
    pub(crate) fn is_empty(&self) -> bool {
        self.0.len() == 0
    }

    /// Moves about half of this queue into `dst` (the caller's own queue) and returns one
    /// of the stolen tasks to run at once. `None` if nothing could be stolen.
    pub(crate) fn steal_into(&self, dst: &mut Local<T>) -> Option<T> {
        let dst_tail = dst.tail();
        let (dst_steal, _) = unpack(dst.inner.head.load(Acquire));
        if dst_tail.wrapping_sub(dst_steal) as usize > CAPACITY / 2 {
            // The thief's own queue is busy enough; stealing would only overflow it.
            return None;
        }
        let count = self.steal_into_inner(dst, dst_tail);
        if count == 0 {
            return None;
        }
        let last = dst_tail.wrapping_add(count - 1);
        // SAFETY: `steal_into_inner` filled slots `dst_tail..last` of our own queue, which
        // no thief can see until the tail store below.
        let task = unsafe { dst.inner.take(last) };
        if count > 1 {
            dst.inner.tail.store(last, Release);
        }
        Some(task)
    }

    fn steal_into_inner(&self, dst: &mut Local<T>, dst_tail: u16) -> u16 {
        let src = &self.0;
        let mut head = src.head.load(Acquire);
        let (first, count) = loop {
            let (steal, real) = unpack(head);
            if steal != real {
                return 0; // another thief is mid-steal
            }
            let available = src.tail.load(Acquire).wrapping_sub(real);
            let count = available - available / 2;
            if count == 0 {
                return 0;
            }
            let claimed = pack(steal, real.wrapping_add(count));
            match src.head.compare_exchange_weak(head, claimed, AcqRel, Acquire) {
                Ok(_) => break (real, count),
                Err(actual) => head = actual,
            }
        };
        for i in 0..count {
            // SAFETY: the claim gave us `first..first+count` of the source (the owner does
            // not overwrite from `steal` on); the destination slots past our own tail are free.
            unsafe {
                let task = src.take(first.wrapping_add(i));
                dst.inner.put(dst_tail.wrapping_add(i), task);
            }
        }
        // Release the claim: `steal` catches up with `real` (which the owner may have moved).
        let mut head = pack(first, first.wrapping_add(count));
        loop {
            let (_, real) = unpack(head);
            match src.head.compare_exchange_weak(head, pack(real, real), AcqRel, Acquire) {
                Ok(_) => return count,
                Err(actual) => head = actual,
            }
        }
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use core::cell::RefCell;

    struct Spill(RefCell<Vec<u32>>);
    impl Overflow<u32> for Spill {
        fn push_batch(&self, tasks: impl Iterator<Item = u32>) {
            self.0.borrow_mut().extend(tasks);
        }
    }

    #[test]
    fn fifo_order_for_the_owner() {
        let (mut local, _) = local();
        let spill = Spill(RefCell::new(Vec::new()));
        for i in 0..10 {
            local.push_back(i, &spill);
        }
        let popped: Vec<u32> = core::iter::from_fn(|| local.pop()).collect();
        assert_eq!(popped, (0..10).collect::<Vec<_>>());
    }

    #[test]
    fn overflow_moves_the_older_half_then_the_new_task() {
        let (mut local, _) = local();
        let spill = Spill(RefCell::new(Vec::new()));
        for i in 0..=CAPACITY as u32 {
            local.push_back(i, &spill);
        }
        let spilled = spill.0.borrow().clone();
        let mut expected: Vec<u32> = (0..CAPACITY as u32 / 2).collect();
        expected.push(CAPACITY as u32);
        assert_eq!(spilled, expected);
        assert_eq!(local.len(), CAPACITY / 2);
        assert_eq!(local.pop(), Some(CAPACITY as u32 / 2));
    }

    #[test]
    fn steal_takes_half_and_keeps_every_task_exactly_once() {
        let (mut victim, steal) = local();
        let (mut thief, _) = local();
        let spill = Spill(RefCell::new(Vec::new()));
        for i in 0..100 {
            victim.push_back(i, &spill);
        }
        let first = steal.steal_into(&mut thief).expect("stole");
        assert_eq!(thief.len(), 49);
        let mut all: Vec<u32> = core::iter::once(first)
            .chain(core::iter::from_fn(|| thief.pop()))
            .chain(core::iter::from_fn(|| victim.pop()))
            .collect();
        all.sort_unstable();
        assert_eq!(all, (0..100).collect::<Vec<_>>());
        assert!(steal.steal_into(&mut thief).is_none());
    }

    #[test]
    fn indices_wrap_around_u16() {
        let (mut local, _) = local();
        let spill = Spill(RefCell::new(Vec::new()));
        for round in 0..70_000u32 {
            local.push_back(round, &spill);
            assert_eq!(local.pop(), Some(round));
        }
        assert!(spill.0.borrow().is_empty());
    }
}
