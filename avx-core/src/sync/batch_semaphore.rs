//! The permit counter under `Semaphore`, `Mutex`, `RwLock`, `OnceCell` and bounded `mpsc`:
//! a lock-free fast path on one atomic word, FIFO waiters under a short spin lock.
//!
//! State word: `permits << 2 | WAITERS | CLOSED`. `WAITERS` is set and cleared only under the
//! lock, and while it is set every released permit is handed to the queue's front instead of
//! the counter, so a newcomer never overtakes a waiter (fairness) and a release racing with a
//! waiter queueing itself cannot be lost (both decide on the same word).

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

use crate::loom::{AtomicUsize, Mutex, Ordering::*};
use crate::sync::wait_list::{WaitList, WaiterKey, WakeList};

const CLOSED: usize = 1;
const WAITERS: usize = 2;
const SHIFT: usize = 2;

/// The largest number of permits a semaphore can hold (fits the state word on 32-bit targets).
pub(crate) const MAX_PERMITS: usize = usize::MAX >> 3;

/// Why a non-waiting acquire failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TryAcquire {
    Closed,
    NoPermits,
}

/// The acquire was refused because the semaphore is closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Closed;

/// A counting semaphore without permit guards; callers release what they acquired.
#[derive(Debug)]
pub(crate) struct RawSemaphore {
    state: AtomicUsize,
    /// Each waiter's data: permits it still needs.
    waiters: Mutex<WaitList<usize>>,
}

impl RawSemaphore {
    /// A semaphore holding `permits`. Panics above [`MAX_PERMITS`].
    pub(crate) fn new(permits: usize) -> Self {
        assert!(permits <= MAX_PERMITS, "a semaphore holds at most {MAX_PERMITS} permits");
        Self { state: AtomicUsize::new(permits << SHIFT), waiters: Mutex::new(WaitList::new()) }
    }

    pub(crate) fn available_permits(&self) -> usize {
        self.state.load(Acquire) >> SHIFT
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.state.load(Acquire) & CLOSED != 0
    }

    /// Takes `n` permits if they are available now and nobody is queued for them.
    pub(crate) fn try_acquire(&self, n: usize) -> Result<(), TryAcquire> {
        let mut current = self.state.load(Acquire);
        loop {
            if current & CLOSED != 0 {
                return Err(TryAcquire::Closed);
            }
            if current >> SHIFT < n {
                return Err(TryAcquire::NoPermits);
            }
            let next = current - (n << SHIFT);
            match self.state.compare_exchange_weak(current, next, AcqRel, Acquire) {
                Ok(_) => return Ok(()),
                Err(actual) => current = actual,
            }
        }
    }

    /// A future that resolves once `n` permits are held (or the semaphore closes).
    /// Panics if `n` exceeds [`MAX_PERMITS`].
    pub(crate) fn acquire(&self, n: usize) -> Acquire<'_> {
        assert!(n <= MAX_PERMITS, "cannot acquire more than {MAX_PERMITS} permits");
        Acquire { semaphore: self, permits: n, key: None }
    }

    /// Returns `n` permits: to the queue's front waiters first, the rest to the counter.
    pub(crate) fn release(&self, n: usize) {
        if n == 0 {
            return;
        }
        let mut current = self.state.load(Relaxed);
        while current & WAITERS == 0 {
            let next = current + (n << SHIFT);
            match self.state.compare_exchange_weak(current, next, Release, Relaxed) {
                Ok(_) => return,
                Err(actual) => current = actual,
            }
        }
        let mut wakes = WakeList::new();
        let mut waiters = self.waiters.lock();
        self.release_locked(&mut waiters, n, &mut wakes);
        drop(waiters);
        wakes.wake_all();
    }

    /// Closes the semaphore: pending and future acquires fail; held permits stay valid.
    pub(crate) fn close(&self) {
        let mut wakes = WakeList::new();
        let mut waiters = self.waiters.lock();
        self.state.fetch_or(CLOSED, AcqRel);
        waiters.detach_all(&mut wakes, |_| {});
        self.state.fetch_and(!WAITERS, AcqRel);
        drop(waiters);
        wakes.wake_all();
    }

    /// Hands `n` permits to queued waiters in order; whatever is left goes to the counter
    /// once the queue is empty (clearing `WAITERS`).
    fn release_locked(&self, waiters: &mut WaitList<usize>, mut n: usize, wakes: &mut WakeList) {
        while n > 0 {
            let Some(needed) = waiters.front_mut() else {
                break;
            };
            let granted = n.min(*needed);
            *needed -= granted;
            n -= granted;
            if *needed == 0 {
                waiters.detach_front(wakes);
            }
        }
        if waiters.is_empty() {
            let mut current = self.state.load(Relaxed);
            loop {
                let next = (current & !WAITERS) + (n << SHIFT);
                match self.state.compare_exchange_weak(current, next, AcqRel, Relaxed) {
                    Ok(_) => return,
                    Err(actual) => current = actual,
                }
            }
        }
    }

    /// Slow path of a first poll, under the lock: take what is there, queue for the rest.
    fn acquire_or_enqueue(&self, n: usize, cx: &Context<'_>) -> Result<Option<WaiterKey>, Closed> {
        let mut waiters = self.waiters.lock();
        let mut current = self.state.load(Acquire);
        loop {
            if current & CLOSED != 0 {
                return Err(Closed);
            }
            let available = current >> SHIFT;
            let (next, taken) = if available >= n { (current - (n << SHIFT), n) } else { (WAITERS, available) };
            match self.state.compare_exchange_weak(current, next, AcqRel, Acquire) {
                Ok(_) if taken == n => return Ok(None),
                Ok(_) => return Ok(Some(waiters.push_back(cx.waker(), n - taken))),
                Err(actual) => current = actual,
            }
        }
    }
}

/// Future of [`RawSemaphore::acquire`]. Dropping it at any point returns whatever permits it
/// was granted, to the next waiter or the counter, so nothing is lost (cancel safe).
#[derive(Debug)]
#[must_use = "futures do nothing unless polled"]
pub(crate) struct Acquire<'a> {
    semaphore: &'a RawSemaphore,
    permits: usize,
    key: Option<WaiterKey>,
}

impl Future for Acquire<'_> {
    type Output = Result<(), Closed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let semaphore = this.semaphore;
        let Some(key) = this.key else {
            return match semaphore.try_acquire(this.permits) {
                Ok(()) => Poll::Ready(Ok(())),
                Err(TryAcquire::Closed) => Poll::Ready(Err(Closed)),
                Err(TryAcquire::NoPermits) => match semaphore.acquire_or_enqueue(this.permits, cx) {
                    Ok(Some(key)) => {
                        this.key = Some(key);
                        Poll::Pending
                    }
                    Ok(None) => Poll::Ready(Ok(())),
                    Err(Closed) => Poll::Ready(Err(Closed)),
                },
            };
        };
        let mut waiters = semaphore.waiters.lock();
        if waiters.is_queued(key) {
            waiters.update_waker(key, cx.waker());
            return Poll::Pending;
        }
        let (_, still_needed) = waiters.release(key);
        this.key = None;
        if still_needed == 0 {
            return Poll::Ready(Ok(()));
        }
        // Detached before fully served: only `close` does that. Give back the partial grant.
        let mut wakes = WakeList::new();
        semaphore.release_locked(&mut waiters, this.permits - still_needed, &mut wakes);
        drop(waiters);
        wakes.wake_all();
        Poll::Ready(Err(Closed))
    }
}

impl Drop for Acquire<'_> {
    fn drop(&mut self) {
        let Some(key) = self.key.take() else { return };
        let mut wakes = WakeList::new();
        let mut waiters = self.semaphore.waiters.lock();
        let (_, still_needed) = waiters.release(key);
        // Also runs with zero permits so that leaving an otherwise empty queue clears WAITERS.
        self.semaphore.release_locked(&mut waiters, self.permits - still_needed, &mut wakes);
        drop(waiters);
        wakes.wake_all();
    }
}
