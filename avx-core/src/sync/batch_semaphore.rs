//! The permit counter under `Semaphore`, `Mutex`, `RwLock`, `OnceCell` and bounded `mpsc`:
//! a lock-free fast path on one atomic word, waiters in arrival order under a short spin lock.
//!
//! Fairness is *bounded barging*. A release puts its permits back in the counter and wakes the
//! first queued waiters that those permits cover, leaving them in their place in the queue; a
//! task that is already running may take the free permits before a woken waiter gets to run,
//! so a contended lock does not cost a context switch per release. A woken waiter that finds
//! its permits gone has been *passed over*; after [`MAX_PASSES`] such times it gets priority,
//! and the semaphore switches to handoff mode: the fast path is shut and every release is
//! granted straight to the queue's front, in order, until no waiter with priority is queued.
//! A front waiter that asks for more permits than are free gets priority at once and collects
//! permits as they are released, so a large request is never starved by small ones.
//!
//! State word: `permits << 4 | WOKEN | HANDOFF | WAITERS | CLOSED`. The flags change only under
//! the lock: `WAITERS`, the queue is not empty; `HANDOFF`, a queued waiter has priority (free
//! permits are then taken only by the lock holder, who grants them to the front); `WOKEN`, a
//! woken waiter has yet to poll. A release adds its permits to the counter and, if `WAITERS` is
//! set, settles the queue under the lock, so it cannot be lost in a race with a waiter queueing
//! itself or re-checking after a wake. One exception: while `WOKEN` is set (and `HANDOFF` is
//! not) the add is all, because the woken waiter's own poll (or drop) will settle the queue
//! against the counter as it is then, waking whoever the permits now cover.

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};

use crate::loom::{AtomicUsize, Mutex, Ordering::*};
use crate::sync::wait_list::{WaitList, WaiterKey, WakeList};

const CLOSED: usize = 1;
const WAITERS: usize = 2;
const HANDOFF: usize = 4;
const WOKEN: usize = 8;
const SHIFT: usize = 4;

/// The largest number of permits a semaphore can hold (fits the state word on 32-bit targets).
pub(crate) const MAX_PERMITS: usize = usize::MAX >> (SHIFT + 1);

/// How many times a woken waiter may find its permits taken by a running task before
/// releases are handed to it directly.
pub(crate) const MAX_PASSES: u32 = 1;

/// Why a non-waiting acquire failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TryAcquire {
    Closed,
    NoPermits,
}

/// The acquire was refused because the semaphore is closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Closed;

/// One queued acquire.
#[derive(Debug, Default)]
struct Waiter {
    /// Permits it still lacks (fewer than it asked for once it holds a partial grant).
    needed: usize,
    /// Woken by a release and not polled since: the free permits it needs are spoken for.
    woken: bool,
    /// Times it was woken and found its permits taken.
    passes: u32,
    /// Served by direct grants in queue order instead of from the counter.
    priority: bool,
}

#[derive(Debug)]
struct Queue {
    list: WaitList<Waiter>,
    /// Queued waiters with priority; `HANDOFF` is set exactly while this is not zero.
    priority: usize,
    /// Queued waiters woken and not polled since; `WOKEN` is only set while this is not zero.
    woken: usize,
}

/// A counting semaphore without permit guards; callers release what they acquired.
#[derive(Debug)]
pub(crate) struct RawSemaphore {
    state: AtomicUsize,
    waiters: Mutex<Queue>,
}

impl RawSemaphore {
    /// A semaphore holding `permits`. Panics above [`MAX_PERMITS`].
    pub(crate) fn new(permits: usize) -> Self {
        assert!(permits <= MAX_PERMITS, "a semaphore holds at most {MAX_PERMITS} permits");
        let waiters = Queue { list: WaitList::new(), priority: 0, woken: 0 };
        Self { state: AtomicUsize::new(permits << SHIFT), waiters: Mutex::new(waiters) }
    }

    pub(crate) fn available_permits(&self) -> usize {
        self.state.load(Acquire) >> SHIFT
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.state.load(Acquire) & CLOSED != 0
    }

    /// Takes `n` free permits now, unless a queued waiter has priority (handoff mode).
    #[inline]
    pub(crate) fn try_acquire(&self, n: usize) -> Result<(), TryAcquire> {
        let mut current = self.state.load(Acquire);
        loop {
            if current & CLOSED != 0 {
                return Err(TryAcquire::Closed);
            }
            if current & HANDOFF != 0 || current >> SHIFT < n {
                return Err(TryAcquire::NoPermits);
            }
            match self.state.compare_exchange_weak(current, current - (n << SHIFT), AcqRel, Acquire) {
                Ok(_) => return Ok(()),
                Err(actual) => current = actual,
            }
        }
    }

    /// A future that resolves once `n` permits are held (or the semaphore closes).
    /// Panics if `n` exceeds [`MAX_PERMITS`].
    #[inline]
    pub(crate) fn acquire(&self, n: usize) -> Acquire<'_> {
        assert!(n <= MAX_PERMITS, "cannot acquire more than {MAX_PERMITS} permits");
        Acquire { semaphore: self, permits: n, key: None }
    }

    /// Returns `n` permits: granted to waiters with priority first, otherwise to the counter,
    /// waking the waiters they cover.
    #[inline]
    pub(crate) fn release(&self, n: usize) {
        if n == 0 {
            return;
        }
        // One wait-free add, even when the queue must be looked at: the slow path then settles
        // the queue against a counter that already holds these permits (in handoff mode only
        // the lock holder takes them out, granting them to the front).
        let previous = self.state.fetch_add(n << SHIFT, AcqRel);
        if previous & WAITERS != 0 && previous & (WOKEN | HANDOFF) != WOKEN {
            self.release_slow();
        }
    }

    /// Second half of a [`RawSemaphore::release`] that found waiters to serve.
    #[inline(never)]
    fn release_slow(&self) {
        let mut wakes = WakeList::new();
        let mut queue = self.waiters.lock();
        self.settle(&mut queue, 0, &mut wakes);
        drop(queue);
        wakes.wake_all();
    }

    /// Closes the semaphore: pending and future acquires fail; held permits stay valid.
    pub(crate) fn close(&self) {
        let mut wakes = WakeList::new();
        let mut queue = self.waiters.lock();
        self.state.fetch_or(CLOSED, AcqRel);
        queue.list.detach_all(&mut wakes, |_| {});
        queue.priority = 0;
        queue.woken = 0;
        self.state.fetch_and(!(WAITERS | HANDOFF | WOKEN), AcqRel);
        drop(queue);
        wakes.wake_all();
    }

    fn release_locked(&self, queue: &mut Queue, n: usize, wakes: &mut WakeList) {
        let left = Self::grant(queue, n, wakes);
        self.settle(queue, left, wakes);
    }

    /// While a waiter has priority, hands `n` permits to the queue's front waiters in order,
    /// waking each one that is fully served. Returns the permits left over.
    fn grant(queue: &mut Queue, mut n: usize, wakes: &mut WakeList) -> usize {
        while n > 0 && queue.priority > 0 {
            let Some(front) = queue.list.front() else { break };
            let waiter = queue.list.data_mut(front);
            let granted = n.min(waiter.needed);
            waiter.needed -= granted;
            n -= granted;
            if waiter.needed == 0 {
                if waiter.priority {
                    queue.priority -= 1;
                }
                if core::mem::take(&mut waiter.woken) {
                    queue.woken -= 1;
                }
                queue.list.detach_front(wakes);
            }
        }
        n
    }

    /// Puts `extra` permits back and brings the state word in line with the queue: `WAITERS`
    /// iff it is not empty; with priority waiters, `HANDOFF` and all free permits granted to
    /// the front; otherwise the free permits' worth of front waiters woken (and `WOKEN` then).
    fn settle(&self, queue: &mut Queue, mut extra: usize, wakes: &mut WakeList) {
        loop {
            let current = self.state.load(Acquire);
            let free = (current >> SHIFT) + extra;
            let flags = if queue.list.is_empty() {
                0
            } else if queue.priority > 0 {
                WAITERS | HANDOFF
            } else {
                WAITERS
            } | if queue.woken > 0 { WOKEN } else { 0 };
            let kept = if flags & HANDOFF != 0 { 0 } else { free };
            let next = (current & CLOSED) | flags | (kept << SHIFT);
            if self.state.compare_exchange_weak(current, next, AcqRel, Acquire).is_err() {
                continue;
            }
            extra = 0;
            if flags & HANDOFF != 0 {
                if free == 0 {
                    return;
                }
                // Serving the priority waiters may end handoff mode: go round with the rest.
                extra = Self::grant(queue, free, wakes);
            } else if !Self::wake_covered(queue, kept, wakes) {
                if queue.woken > 0 && flags & WOKEN == 0 {
                    self.state.fetch_or(WOKEN, AcqRel);
                }
                return;
            }
        }
    }

    /// Wakes, in queue order, the waiters that `free` permits cover (those already woken count
    /// against it). Returns true if instead the front waiter, larger than what is free, was
    /// given priority so that it collects permits (the caller must settle again).
    fn wake_covered(queue: &mut Queue, mut free: usize, wakes: &mut WakeList) -> bool {
        let mut cursor = queue.list.front();
        let mut at_front = true;
        while let Some(key) = cursor {
            let waiter = queue.list.data_mut(key);
            if waiter.needed > free {
                if at_front && !waiter.woken && free > 0 {
                    waiter.priority = true;
                    queue.priority += 1;
                    return true;
                }
                return false;
            }
            free -= waiter.needed;
            if !waiter.woken {
                waiter.woken = true;
                queue.woken += 1;
                queue.list.wake_in_place(key, wakes);
            }
            at_front = false;
            cursor = queue.list.next(key);
        }
        false
    }

    /// Slow path of a first poll, under the lock: take the permits if they are free, else
    /// queue (a waiter that becomes the front takes what is free now, with priority).
    fn acquire_or_enqueue(&self, queue: &mut Queue, n: usize, cx: &Context<'_>) -> Result<Option<WaiterKey>, Closed> {
        let mut current = self.state.load(Acquire);
        loop {
            if current & CLOSED != 0 {
                return Err(Closed);
            }
            let free = current >> SHIFT;
            if current & HANDOFF == 0 && free >= n {
                match self.state.compare_exchange_weak(current, current - (n << SHIFT), AcqRel, Acquire) {
                    Ok(_) => return Ok(None),
                    Err(actual) => current = actual,
                }
                continue;
            }
            if !queue.list.is_empty() {
                // `WAITERS` is set, so releases wait for the lock we hold.
                return Ok(Some(queue.list.push_back(cx.waker(), Waiter { needed: n, ..Waiter::default() })));
            }
            let priority = free > 0;
            let next = (current & CLOSED) | WAITERS | if priority { HANDOFF } else { 0 };
            match self.state.compare_exchange_weak(current, next, AcqRel, Acquire) {
                Ok(_) => {
                    queue.priority += usize::from(priority);
                    let waiter = Waiter { needed: n - free, priority, ..Waiter::default() };
                    return Ok(Some(queue.list.push_back(cx.waker(), waiter)));
                }
                Err(actual) => current = actual,
            }
        }
    }

    /// A woken waiter's poll, under the lock: take its permits from the counter, or record
    /// that it was passed over (giving it priority after [`MAX_PASSES`]). True if served.
    fn take_when_woken(&self, queue: &mut Queue, key: WaiterKey, waker: &Waker, wakes: &mut WakeList) -> bool {
        let waiter = queue.list.data_mut(key);
        waiter.woken = false;
        queue.woken -= 1;
        let waiter = queue.list.data_mut(key);
        if self.try_acquire(waiter.needed).is_ok() {
            waiter.needed = 0;
            queue.list.release(key);
            self.settle(queue, 0, wakes);
            return true;
        }
        waiter.passes += 1;
        if waiter.passes >= MAX_PASSES && !waiter.priority {
            waiter.priority = true;
            queue.priority += 1;
        }
        // Before settling: permits released meanwhile may cover this waiter again, and the
        // wake-up that settling then sends must reach it.
        queue.list.update_waker(key, waker);
        self.settle(queue, 0, wakes);
        false
    }
}

/// Future of [`RawSemaphore::acquire`]. Dropping it at any point returns whatever permits it
/// was granted and passes on a wake-up it had not acted on, so nothing is lost (cancel safe).
#[derive(Debug)]
#[must_use = "futures do nothing unless polled"]
pub(crate) struct Acquire<'a> {
    semaphore: &'a RawSemaphore,
    permits: usize,
    key: Option<WaiterKey>,
}

impl Future for Acquire<'_> {
    type Output = Result<(), Closed>;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        if this.key.is_none() {
            match this.semaphore.try_acquire(this.permits) {
                Ok(()) => return Poll::Ready(Ok(())),
                Err(TryAcquire::Closed) => return Poll::Ready(Err(Closed)),
                Err(TryAcquire::NoPermits) => {}
            }
        }
        this.poll_slow(cx)
    }
}

impl Acquire<'_> {
    /// Poll when the permits were not free at once or the future is queued.
    #[inline(never)]
    fn poll_slow(&mut self, cx: &Context<'_>) -> Poll<Result<(), Closed>> {
        let this = self;
        let semaphore = this.semaphore;
        let mut wakes = WakeList::new();
        let mut queue = semaphore.waiters.lock();
        let outcome = match this.key {
            None => match semaphore.acquire_or_enqueue(&mut queue, this.permits, cx) {
                Ok(Some(key)) => {
                    this.key = Some(key);
                    Poll::Pending
                }
                Ok(None) => Poll::Ready(Ok(())),
                Err(Closed) => Poll::Ready(Err(Closed)),
            },
            Some(key) => this.poll_queued(&mut queue, key, cx, &mut wakes),
        };
        drop(queue);
        wakes.wake_all();
        outcome
    }

    fn poll_queued(
        &mut self,
        queue: &mut Queue,
        key: WaiterKey,
        cx: &Context<'_>,
        wakes: &mut WakeList,
    ) -> Poll<Result<(), Closed>> {
        let semaphore = self.semaphore;
        if queue.list.is_queued(key) {
            if queue.list.data_mut(key).woken && semaphore.take_when_woken(queue, key, cx.waker(), wakes) {
                self.key = None;
                return Poll::Ready(Ok(()));
            }
            if queue.list.is_queued(key) {
                queue.list.update_waker(key, cx.waker());
                return Poll::Pending;
            }
        }
        // Detached: fully granted, or failed by `close` (then give back any partial grant).
        let (_, waiter) = queue.list.release(key);
        self.key = None;
        if waiter.needed == 0 {
            return Poll::Ready(Ok(()));
        }
        semaphore.release_locked(queue, self.permits - waiter.needed, wakes);
        Poll::Ready(Err(Closed))
    }
}

impl Drop for Acquire<'_> {
    #[inline]
    fn drop(&mut self) {
        if let Some(key) = self.key.take() {
            self.leave(key);
        }
    }
}

impl Acquire<'_> {
    /// Drop of a queued future.
    #[inline(never)]
    fn leave(&mut self, key: WaiterKey) {
        let mut wakes = WakeList::new();
        let mut queue = self.semaphore.waiters.lock();
        let (was_queued, waiter) = queue.list.release(key);
        if was_queued {
            queue.priority -= usize::from(waiter.priority);
            queue.woken -= usize::from(waiter.woken);
        }
        // Also runs with zero permits: it re-wakes whoever the dropped wake-up should now reach,
        // and clears `WAITERS` if the queue is left empty.
        self.semaphore.release_locked(&mut queue, self.permits - waiter.needed, &mut wakes);
        drop(queue);
        wakes.wake_all();
    }
}
