//! The state shared by an mpsc channel's senders and its receiver, generic over the queue
//! (a bounded ring or an unbounded list): sender count, receiver waker, closing.

use core::marker::PhantomData;
use core::task::{Context, Poll};

use super::error::TryRecvError;
use crate::loom::{AtomicBool, AtomicUsize, Ordering::*};
use crate::sync::{AtomicWaker, CachePadded, Notify};

/// What the channel needs from its queue.
pub(super) trait Queue<T> {
    /// Appends a value. Bounded queues: the caller holds a permit, so there is room.
    fn push(&self, value: T);

    /// Takes the oldest value that is completely written, if any.
    ///
    /// # Safety
    /// Only the channel's single receiver calls this, never from two threads at once.
    unsafe fn pop(&self) -> Option<T>;

    /// Refuses further sends (the receiver closed or dropped).
    fn close(&self);

    /// Whether no sender holds a reservation that may still produce a value.
    fn is_idle(&self) -> bool;

    /// Values queued and not yet taken, counting those whose write is in progress (a sender
    /// has claimed their place). Exact as long as no `pop` runs meanwhile.
    ///
    /// # Safety
    /// As [`Queue::pop`]: only the receiver calls this, and never while it pops.
    unsafe fn len(&self) -> usize;
}

pub(super) struct Chan<T, Q> {
    pub(super) queue: Q,
    senders: AtomicUsize,
    rx_waker: CachePadded<AtomicWaker>,
    rx_closed: AtomicBool,
    rx_closed_notify: Notify,
    // `fn() -> T`: the queue alone decides Send/Sync (values are moved, never shared).
    _values: PhantomData<fn() -> T>,
}

impl<T, Q: Queue<T>> Chan<T, Q> {
    /// A channel with one sender.
    pub(super) fn new(queue: Q) -> Self {
        Self {
            queue,
            senders: AtomicUsize::new(1),
            rx_waker: CachePadded(AtomicWaker::new()),
            rx_closed: AtomicBool::new(false),
            rx_closed_notify: Notify::new(),
            _values: PhantomData,
        }
    }

    pub(super) fn add_sender(&self) {
        self.senders.fetch_add(1, Relaxed);
    }

    /// Drops one sender; the last one wakes the receiver so it can observe the end.
    pub(super) fn drop_sender(&self) {
        if self.senders.fetch_sub(1, AcqRel) == 1 {
            self.rx_waker.wake();
        }
    }

    /// Queues a value (room already ensured) and wakes the receiver.
    pub(super) fn push(&self, value: T) {
        self.queue.push(value);
        self.rx_waker.wake();
    }

    /// Wakes the receiver so it re-checks whether the channel has ended.
    pub(super) fn wake_receiver(&self) {
        self.rx_waker.wake();
    }

    pub(super) fn is_rx_closed(&self) -> bool {
        self.rx_closed.load(Acquire)
    }

    /// The receiver's view: it closed, or every sender is gone.
    pub(super) fn is_closed(&self) -> bool {
        self.is_rx_closed() || self.senders.load(Acquire) == 0
    }

    /// # Safety
    /// As [`Queue::len`]: called by the receiver, never while it receives.
    pub(super) unsafe fn len(&self) -> usize {
        // SAFETY: forwarded from this function's contract.
        unsafe { self.queue.len() }
    }

    /// Called by the receiver: no new sends; wakes senders waiting in `closed()` or for room.
    pub(super) fn close_rx(&self) {
        if !self.rx_closed.swap(true, AcqRel) {
            self.queue.close();
            self.rx_closed_notify.notify_waiters();
        }
    }

    /// Completes once the receiver has closed or dropped.
    pub(super) async fn closed(&self) {
        loop {
            let notified = self.rx_closed_notify.notified();
            if self.is_rx_closed() {
                return;
            }
            notified.await;
        }
    }

    /// # Safety
    /// Only the single receiver calls this, never from two threads at once.
    pub(super) unsafe fn poll_recv(&self, cx: &mut Context<'_>) -> Poll<Option<T>> {
        // A receiver that always finds a value must still give its worker back now and then.
        core::task::ready!(crate::coop::poll_proceed(cx));
        // SAFETY: forwarded from this function's contract.
        if let Some(value) = unsafe { self.queue.pop() } {
            return Poll::Ready(Some(value));
        }
        self.rx_waker.register(cx.waker());
        // SAFETY: as above.
        if let Some(value) = unsafe { self.queue.pop() } {
            return Poll::Ready(Some(value));
        }
        if self.has_ended() {
            // Values written before the end was observed are visible now.
            // SAFETY: as above.
            return Poll::Ready(unsafe { self.queue.pop() });
        }
        Poll::Pending
    }

    /// # Safety
    /// As [`Chan::poll_recv`].
    pub(super) unsafe fn try_recv(&self) -> Result<T, TryRecvError> {
        // SAFETY: forwarded from this function's contract.
        if let Some(value) = unsafe { self.queue.pop() } {
            return Ok(value);
        }
        if self.has_ended() {
            // SAFETY: as above.
            return unsafe { self.queue.pop() }.ok_or(TryRecvError::Disconnected);
        }
        Err(TryRecvError::Empty)
    }

    /// No value can arrive any more: every sender is gone, or the receiver closed and no
    /// reservation is outstanding.
    fn has_ended(&self) -> bool {
        self.senders.load(Acquire) == 0 || (self.is_rx_closed() && self.queue.is_idle())
    }
}
