//! A FIFO queue of parked wakers kept in a slab, shared by every primitive that makes tasks wait.
//! Each waiting future owns one slot by key, so it can leave the queue in O(1) when dropped.

use alloc::vec::Vec;
use core::task::Waker;

const NIL: usize = usize::MAX;

/// The key a waiting future holds for its slot. Valid until the future calls [`WaitList::release`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct WaiterKey(usize);

#[derive(Debug)]
enum Link {
    /// In the queue between `prev` and `next`.
    Queued { prev: usize, next: usize },
    /// Taken out of the queue by a waker (woken); the owner has not looked yet.
    Detached,
    /// Unused; next unused slot.
    Free { next_free: usize },
}

#[derive(Debug)]
struct Slot<D> {
    waker: Option<Waker>,
    data: D,
    link: Link,
}

/// Waiters in arrival order, each with per-waiter data `D` (permits still needed, a kind of
/// notification, ...). Always used under the owning primitive's spin lock.
#[derive(Debug)]
pub(crate) struct WaitList<D> {
    slots: Vec<Slot<D>>,
    head: usize,
    tail: usize,
    free: usize,
}

impl<D> WaitList<D> {
    pub(crate) const fn new() -> Self {
        Self { slots: Vec::new(), head: NIL, tail: NIL, free: NIL }
    }

    /// Whether no waiter is queued (detached slots do not count).
    pub(crate) fn is_empty(&self) -> bool {
        self.head == NIL
    }

    /// Queues a waiter at the back.
    pub(crate) fn push_back(&mut self, waker: &Waker, data: D) -> WaiterKey {
        let link = Link::Queued { prev: self.tail, next: NIL };
        let slot = Slot { waker: Some(waker.clone()), data, link };
        let index = if self.free == NIL {
            self.slots.push(slot);
            self.slots.len() - 1
        } else {
            let index = self.free;
            if let Link::Free { next_free } = self.slots[index].link {
                self.free = next_free;
            }
            self.slots[index] = slot;
            index
        };
        if self.tail == NIL {
            self.head = index;
        } else {
            self.set_next(self.tail, index);
        }
        self.tail = index;
        WaiterKey(index)
    }

    /// Whether the waiter is still queued (not yet detached by a wake).
    pub(crate) fn is_queued(&self, key: WaiterKey) -> bool {
        matches!(self.slots[key.0].link, Link::Queued { .. })
    }

    /// Replaces the stored waker unless it would wake the same task.
    pub(crate) fn update_waker(&mut self, key: WaiterKey, waker: &Waker) {
        let slot = &mut self.slots[key.0].waker;
        match slot {
            Some(old) if old.will_wake(waker) => {}
            _ => *slot = Some(waker.clone()),
        }
    }

    /// The first queued waiter.
    pub(crate) fn front(&self) -> Option<WaiterKey> {
        (self.head != NIL).then_some(WaiterKey(self.head))
    }

    /// The waiter queued right behind `key` (which must be queued).
    pub(crate) fn next(&self, key: WaiterKey) -> Option<WaiterKey> {
        match self.slots[key.0].link {
            Link::Queued { next, .. } if next != NIL => Some(WaiterKey(next)),
            _ => None,
        }
    }

    /// The data of a waiter that has not been released.
    pub(crate) fn data_mut(&mut self, key: WaiterKey) -> &mut D {
        &mut self.slots[key.0].data
    }

    /// Wakes a waiter without taking it out of the queue: its waker goes to `wakes` and the
    /// slot keeps no waker until the owner polls again ([`WaitList::update_waker`]).
    pub(crate) fn wake_in_place(&mut self, key: WaiterKey, wakes: &mut WakeList) {
        if let Some(waker) = self.slots[key.0].waker.take() {
            wakes.push(waker);
        }
    }

    /// Takes the first waiter out of the queue, marks it woken and hands its waker to `wakes`.
    pub(crate) fn detach_front(&mut self, wakes: &mut WakeList) -> Option<&mut D> {
        let head = self.head;
        if head == NIL {
            return None;
        }
        self.unlink(head);
        let slot = &mut self.slots[head];
        slot.link = Link::Detached;
        if let Some(waker) = slot.waker.take() {
            wakes.push(waker);
        }
        Some(&mut slot.data)
    }

    /// Detaches every queued waiter, letting `mark` record why, and collects their wakers.
    pub(crate) fn detach_all(&mut self, wakes: &mut WakeList, mut mark: impl FnMut(&mut D)) {
        while let Some(data) = self.detach_front(wakes) {
            mark(data);
        }
    }

    /// Frees the waiter's slot, leaving the queue if still in it. Returns whether it was still
    /// queued (false: a wake had detached it) and its data.
    pub(crate) fn release(&mut self, key: WaiterKey) -> (bool, D)
    where
        D: Default,
    {
        let index = key.0;
        let was_queued = self.is_queued(key);
        if was_queued {
            self.unlink(index);
        }
        let slot = &mut self.slots[index];
        slot.link = Link::Free { next_free: self.free };
        slot.waker = None;
        self.free = index;
        (was_queued, core::mem::take(&mut slot.data))
    }

    fn set_next(&mut self, index: usize, new_next: usize) {
        if let Link::Queued { next, .. } = &mut self.slots[index].link {
            *next = new_next;
        }
    }

    fn set_prev(&mut self, index: usize, new_prev: usize) {
        if let Link::Queued { prev, .. } = &mut self.slots[index].link {
            *prev = new_prev;
        }
    }

    fn unlink(&mut self, index: usize) {
        let Link::Queued { prev, next } = self.slots[index].link else {
            return;
        };
        if prev == NIL {
            self.head = next;
        } else {
            self.set_next(prev, next);
        }
        if next == NIL {
            self.tail = prev;
        } else {
            self.set_prev(next, prev);
        }
        self.slots[index].link = Link::Detached;
    }
}

/// Wakers collected under a lock and woken, in the order collected, after it is released.
/// Eight fit inline; more spill to the heap.
#[derive(Default)]
pub(crate) struct WakeList {
    inline: heapless::Deque<Waker, 8>,
    spilled: Vec<Waker>,
}

impl WakeList {
    #[inline]
    pub(crate) fn new() -> Self {
        Self::default()
    }

    pub(crate) fn push(&mut self, waker: Waker) {
        if let Err(waker) = self.inline.push_back(waker) {
            self.spilled.push(waker);
        }
    }

    /// Wakes everything collected, leaving the list empty. Call with no lock held. (Drains in
    /// place: moving the list into a consuming call would copy the inline array each time.)
    #[inline]
    pub(crate) fn wake_all(&mut self) {
        while let Some(waker) = self.inline.pop_front() {
            waker.wake();
        }
        if !self.spilled.is_empty() {
            self.spilled.drain(..).for_each(Waker::wake);
        }
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use core::task::Waker;

    #[test]
    fn fifo_order_and_removal_from_the_middle() {
        let mut list = WaitList::<u32>::new();
        let waker = Waker::noop();
        let keys: Vec<_> = (0..4).map(|i| list.push_back(waker, i)).collect();
        assert_eq!(list.release(keys[1]), (true, 1));
        let mut wakes = WakeList::new();
        let mut seen = Vec::new();
        while let Some(d) = list.detach_front(&mut wakes) {
            seen.push(*d);
        }
        assert_eq!(seen, [0, 2, 3]);
        assert!(list.is_empty());
        assert!(!list.is_queued(keys[0]));
        assert_eq!(list.release(keys[0]), (false, 0));
        // A freed slot is reused.
        let again = list.push_back(waker, 9);
        assert_eq!(again, keys[0]);
        assert_eq!(list.release(again), (true, 9));
    }
}
