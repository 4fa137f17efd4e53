//! The bounded mpsc channel: senders wait for room (woken in arrival order), which gives back-pressure.
//! `reserve` splits a send into a cancel-safe wait for room and an infallible write.

use core::fmt;
use core::future::poll_fn;
use core::task::{Context, Poll};

use super::chan::Chan;
use super::error::{SendError, TryRecvError, TrySendError};
use super::ring::BoundedQueue;
use crate::loom::Arc;
use crate::sync::TryAcquire;

type Shared<T> = Chan<T, BoundedQueue<T>>;

/// Creates a bounded channel holding at most `capacity` queued values.
///
/// # Panics
/// If `capacity` is zero or above `Semaphore::MAX_PERMITS`.
pub fn channel<T>(capacity: usize) -> (Sender<T>, Receiver<T>) {
    assert!(capacity > 0, "mpsc bounded channel requires capacity > 0");
    let chan = Arc::new(Chan::new(BoundedQueue::new(capacity)));
    (Sender { chan: chan.clone() }, Receiver { chan })
}

/// Sends values to the [`Receiver`]; cloneable.
pub struct Sender<T> {
    chan: Arc<Shared<T>>,
}

/// Receives the values of a bounded channel, in the order their sends completed.
pub struct Receiver<T> {
    chan: Arc<Shared<T>>,
}

/// Room for one value, reserved with [`Sender::reserve`]. Dropping it unused gives the room
/// back.
pub struct Permit<'a, T> {
    chan: &'a Shared<T>,
}

impl<T> Sender<T> {
    /// Waits for room, then queues `value`. Fails, returning the value, if the receiver has
    /// closed or dropped.
    ///
    /// Cancel safety: dropping the future before it completes drops `value` with it (nothing
    /// enters the channel) and gives up its place in line; no room is lost. Use
    /// [`Sender::reserve`] to wait for room without risking the value.
    pub async fn send(&self, value: T) -> Result<(), SendError<T>> {
        match self.reserve().await {
            Ok(permit) => {
                permit.send(value);
                Ok(())
            }
            Err(SendError(())) => Err(SendError(value)),
        }
    }

    /// Queues `value` if there is room now.
    pub fn try_send(&self, value: T) -> Result<(), TrySendError<T>> {
        match self.chan.queue.permits.try_acquire(1) {
            Ok(()) => {
                self.chan.push(value);
                Ok(())
            }
            Err(TryAcquire::NoPermits) => Err(TrySendError::Full(value)),
            Err(TryAcquire::Closed) => Err(TrySendError::Closed(value)),
        }
    }

    /// Waits for room for one value and holds it.
    ///
    /// Cancel safe: a dropped `reserve` future leaves the queue of waiting senders, and room
    /// handed to it just before is passed to the next one.
    pub async fn reserve(&self) -> Result<Permit<'_, T>, SendError<()>> {
        match self.chan.queue.permits.acquire(1).await {
            Ok(()) => Ok(Permit { chan: &self.chan }),
            Err(_) => Err(SendError(())),
        }
    }

    /// Holds room for one value if there is room now.
    pub fn try_reserve(&self) -> Result<Permit<'_, T>, TrySendError<()>> {
        match self.chan.queue.permits.try_acquire(1) {
            Ok(()) => Ok(Permit { chan: &self.chan }),
            Err(TryAcquire::NoPermits) => Err(TrySendError::Full(())),
            Err(TryAcquire::Closed) => Err(TrySendError::Closed(())),
        }
    }

    /// Completes once the receiver has closed or dropped. Cancel safe.
    pub async fn closed(&self) {
        self.chan.closed().await;
    }

    /// Whether the receiver has closed or dropped.
    pub fn is_closed(&self) -> bool {
        self.chan.is_rx_closed()
    }

    /// Room available right now.
    pub fn capacity(&self) -> usize {
        self.chan.queue.permits.available_permits()
    }

    /// The capacity the channel was created with.
    pub fn max_capacity(&self) -> usize {
        self.chan.queue.capacity()
    }

    /// Whether both senders feed the same channel.
    pub fn same_channel(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.chan, &other.chan)
    }

    /// Blocks the thread until `value` is queued. For code outside the runtime; never call it
    /// from an async task (it would block a worker).
    #[cfg(feature = "std")]
    pub fn blocking_send(&self, value: T) -> Result<(), SendError<T>> {
        crate::sync::block_on(self.send(value))
    }
}

impl<T> Permit<'_, T> {
    /// Queues `value` in the reserved room. Cannot fail: a receiver that closed after the
    /// reservation still receives it.
    pub fn send(self, value: T) {
        let chan = self.chan;
        core::mem::forget(self);
        chan.push(value);
    }
}

impl<T> Drop for Permit<'_, T> {
    fn drop(&mut self) {
        self.chan.queue.permits.release(1);
        // A closed receiver waits for outstanding reservations before reporting the end.
        self.chan.wake_receiver();
    }
}

impl<T> Receiver<T> {
    /// Receives the next value; `None` once every sender is gone (or the receiver closed) and
    /// every queued value has been received.
    ///
    /// Cancel safe: a dropped `recv` future has taken nothing from the channel.
    pub async fn recv(&mut self) -> Option<T> {
        poll_fn(|cx| self.poll_recv(cx)).await
    }

    /// Polls for the next value, registering `cx`'s waker if there is none yet.
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<T>> {
        // SAFETY: `&mut self` on the only receiver: no concurrent receive.
        unsafe { self.chan.poll_recv(cx) }
    }

    /// Takes the next value if one is queued now.
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        // SAFETY: `&mut self` on the only receiver: no concurrent receive.
        unsafe { self.chan.try_recv() }
    }

    /// Refuses further sends while keeping queued values (and values of outstanding
    /// [`Permit`]s) receivable.
    pub fn close(&mut self) {
        self.chan.close_rx();
    }

    /// Whether the channel is closed: [`Receiver::close`] was called or every sender is gone.
    /// Values may still be queued.
    pub fn is_closed(&self) -> bool {
        self.chan.is_closed()
    }

    /// Whether no value is queued (see [`Receiver::len`]).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many values are queued and not yet received. A send that has taken its place in
    /// the queue counts even while it is still writing its value, so `len` can be one ahead
    /// of what `try_recv` finds for that moment.
    pub fn len(&self) -> usize {
        // SAFETY: `&self` on the only receiver: it cannot be receiving (that takes `&mut`).
        unsafe { self.chan.len() }
    }

    /// Room available right now: [`Receiver::max_capacity`] less the values queued and the
    /// room held by [`Permit`]s.
    pub fn capacity(&self) -> usize {
        self.chan.queue.permits.available_permits()
    }

    /// The capacity the channel was created with.
    pub fn max_capacity(&self) -> usize {
        self.chan.queue.capacity()
    }

    /// Blocks the thread until a value arrives or the channel ends. For code outside the
    /// runtime; never call it from an async task.
    #[cfg(feature = "std")]
    pub fn blocking_recv(&mut self) -> Option<T> {
        crate::sync::block_on(self.recv())
    }
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Self {
        self.chan.add_sender();
        Self { chan: self.chan.clone() }
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        self.chan.drop_sender();
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        self.chan.close_rx();
        // Drop queued values now (returning their room) rather than when the last sender goes.
        while self.try_recv().is_ok() {}
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender").field("capacity", &self.capacity()).finish()
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver").finish_non_exhaustive()
    }
}

impl<T> fmt::Debug for Permit<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Permit").finish_non_exhaustive()
    }
}
