//! The unbounded mpsc channel: `send` never waits, so it is a plain function.
//! Use it only where the producer is naturally limited; nothing pushes back.

use core::fmt;
use core::future::poll_fn;
use core::task::{Context, Poll};

use super::chan::Chan;
use super::error::{SendError, TryRecvError};
use super::unbounded_queue::UnboundedQueue;
use crate::loom::Arc;

type Shared<T> = Chan<T, UnboundedQueue<T>>;

/// Creates a channel without a capacity limit.
pub fn unbounded_channel<T>() -> (UnboundedSender<T>, UnboundedReceiver<T>) {
    let chan = Arc::new(Chan::new(UnboundedQueue::new()));
    (UnboundedSender { chan: chan.clone() }, UnboundedReceiver { chan })
}

/// Sends values to the [`UnboundedReceiver`] without waiting; cloneable.
pub struct UnboundedSender<T> {
    chan: Arc<Shared<T>>,
}

/// Receives the values of an unbounded channel, in the order they were sent.
pub struct UnboundedReceiver<T> {
    chan: Arc<Shared<T>>,
}

impl<T> UnboundedSender<T> {
    /// Queues `value`, or returns it if the receiver has closed or dropped.
    pub fn send(&self, value: T) -> Result<(), SendError<T>> {
        if self.chan.is_rx_closed() {
            return Err(SendError(value));
        }
        self.chan.push(value);
        Ok(())
    }

    /// Completes once the receiver has closed or dropped. Cancel safe.
    pub async fn closed(&self) {
        self.chan.closed().await;
    }

    /// Whether the receiver has closed or dropped.
    pub fn is_closed(&self) -> bool {
        self.chan.is_rx_closed()
    }

    /// Whether both senders feed the same channel.
    pub fn same_channel(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.chan, &other.chan)
    }
}

impl<T> UnboundedReceiver<T> {
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

    /// Refuses further sends while keeping queued values receivable.
    pub fn close(&mut self) {
        self.chan.close_rx();
    }

    /// Whether the channel is closed: [`UnboundedReceiver::close`] was called or every
    /// sender is gone. Values may still be queued.
    pub fn is_closed(&self) -> bool {
        self.chan.is_closed()
    }

    /// Whether no value is queued.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many values are queued and not yet received.
    pub fn len(&self) -> usize {
        // SAFETY: `&self` on the only receiver: it cannot be receiving (that takes `&mut`).
        unsafe { self.chan.len() }
    }

    /// Blocks the thread until a value arrives or the channel ends. For code outside the
    /// runtime; never call it from an async task.
    #[cfg(feature = "std")]
    pub fn blocking_recv(&mut self) -> Option<T> {
        crate::sync::block_on(self.recv())
    }
}

impl<T> Clone for UnboundedSender<T> {
    fn clone(&self) -> Self {
        self.chan.add_sender();
        Self { chan: self.chan.clone() }
    }
}

impl<T> Drop for UnboundedSender<T> {
    fn drop(&mut self) {
        self.chan.drop_sender();
    }
}

impl<T> Drop for UnboundedReceiver<T> {
    fn drop(&mut self) {
        self.chan.close_rx();
        while self.try_recv().is_ok() {}
    }
}

impl<T> fmt::Debug for UnboundedSender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnboundedSender").finish_non_exhaustive()
    }
}

impl<T> fmt::Debug for UnboundedReceiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnboundedReceiver").finish_non_exhaustive()
    }
}
