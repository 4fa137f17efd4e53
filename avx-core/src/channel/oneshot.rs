//! `oneshot`: a channel for exactly one value, from one sender to one receiver.
//! One atomic state word arbitrates the value cell; no locks.

use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

use crate::loom::{Arc, AtomicUsize, Ordering::*, UnsafeCell};
use crate::sync::AtomicWaker;

/// The sender finished: it wrote a value or dropped without one. Set once, after the write.
const COMPLETE: usize = 1;
/// The receiver closed or dropped: a send now fails.
const RX_CLOSED: usize = 2;

/// Creates a oneshot channel.
pub fn channel<T>() -> (Sender<T>, Receiver<T>) {
    let inner = Arc::new(Inner {
        state: AtomicUsize::new(0),
        value: UnsafeCell::new(None),
        rx_waker: AtomicWaker::new(),
        tx_waker: AtomicWaker::new(),
    });
    (Sender { inner: Some(inner.clone()) }, Receiver { inner })
}

struct Inner<T> {
    state: AtomicUsize,
    /// Written by the sender before COMPLETE; read by the receiver after it (or by the sender
    /// taking the value back when the receiver had closed).
    value: UnsafeCell<Option<T>>,
    rx_waker: AtomicWaker,
    tx_waker: AtomicWaker,
}

// SAFETY: the value moves from sender to receiver (needs `T: Send`); the state word gives the
// cell to one side at a time.
unsafe impl<T: Send> Send for Inner<T> {}
// SAFETY: as above.
unsafe impl<T: Send> Sync for Inner<T> {}

/// Sends the one value.
pub struct Sender<T> {
    /// `None` once the value has been sent.
    inner: Option<Arc<Inner<T>>>,
}

/// Receives the one value: `.await` it (as `&mut receiver` to keep it). Cancel safe: polling
/// takes nothing until the value is there; dropping the receiver closes the channel.
pub struct Receiver<T> {
    inner: Arc<Inner<T>>,
}

/// Errors of the oneshot channel.
pub mod error {
    use core::fmt;

    /// The sender dropped without sending.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct RecvError(pub(super) ());

    /// Why [`super::Receiver::try_recv`] returned nothing.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum TryRecvError {
        /// No value yet; the sender is still alive.
        Empty,
        /// The sender dropped without sending, or the value was already taken.
        Closed,
    }

    impl fmt::Display for RecvError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("channel closed")
        }
    }

    impl core::error::Error for RecvError {}

    impl fmt::Display for TryRecvError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self {
                TryRecvError::Empty => f.write_str("channel empty"),
                TryRecvError::Closed => f.write_str("channel closed"),
            }
        }
    }

    impl core::error::Error for TryRecvError {}
}

use error::{RecvError, TryRecvError};

impl<T> Sender<T> {
    /// Sends `value`, or returns it if the receiver has closed or dropped.
    pub fn send(mut self, value: T) -> Result<(), T> {
        let Some(inner) = self.inner.take() else {
            return Err(value);
        };
        if inner.state.load(Acquire) & RX_CLOSED != 0 {
            return Err(value);
        }
        // SAFETY: before COMPLETE only the sender touches the cell.
        inner.value.with_mut(|ptr| unsafe { *ptr = Some(value) });
        let mut current = inner.state.load(Acquire);
        while current & RX_CLOSED == 0 {
            match inner.state.compare_exchange(current, current | COMPLETE, AcqRel, Acquire) {
                Ok(_) => {
                    inner.rx_waker.wake();
                    return Ok(());
                }
                Err(actual) => current = actual,
            }
        }
        // The receiver closed meanwhile: take the value back before publishing COMPLETE.
        // SAFETY: without COMPLETE the receiver never reads the cell.
        let value = inner.value.with_mut(|ptr| unsafe { (*ptr).take() });
        inner.state.fetch_or(COMPLETE, AcqRel);
        inner.rx_waker.wake();
        value.map_or(Ok(()), Err)
    }

    /// Whether the receiver has closed or dropped.
    pub fn is_closed(&self) -> bool {
        self.inner.as_ref().is_none_or(|inner| inner.state.load(Acquire) & RX_CLOSED != 0)
    }

    /// Polls for the receiver closing or dropping.
    pub fn poll_closed(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        let Some(inner) = &self.inner else {
            return Poll::Ready(());
        };
        if inner.state.load(Acquire) & RX_CLOSED != 0 {
            return Poll::Ready(());
        }
        inner.tx_waker.register(cx.waker());
        if inner.state.load(Acquire) & RX_CLOSED != 0 {
            return Poll::Ready(());
        }
        Poll::Pending
    }

    /// Completes once the receiver has closed or dropped. Cancel safe.
    pub async fn closed(&mut self) {
        core::future::poll_fn(|cx| self.poll_closed(cx)).await;
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        if let Some(inner) = self.inner.take() {
            inner.state.fetch_or(COMPLETE, AcqRel);
            inner.rx_waker.wake();
        }
    }
}

impl<T> Receiver<T> {
    /// Takes the value if it has been sent.
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        if self.inner.state.load(Acquire) & COMPLETE == 0 {
            return Err(TryRecvError::Empty);
        }
        self.take_value().ok_or(TryRecvError::Closed)
    }

    /// Makes a later `send` fail. A value sent before this is still received.
    pub fn close(&mut self) {
        if self.inner.state.fetch_or(RX_CLOSED, AcqRel) & RX_CLOSED == 0 {
            self.inner.tx_waker.wake();
        }
    }

    /// Blocks the thread until the value arrives. For code outside the runtime only.
    #[cfg(feature = "std")]
    pub fn blocking_recv(self) -> Result<T, RecvError> {
        crate::channel::block_on(self)
    }

    fn take_value(&mut self) -> Option<T> {
        // SAFETY: COMPLETE was observed (Acquire), so the sender is done with the cell, and
        // `&mut self` makes us the only reader.
        self.inner.value.with_mut(|ptr| unsafe { (*ptr).take() })
    }
}

impl<T> Future for Receiver<T> {
    type Output = Result<T, RecvError>;

    /// Cancel safe: dropping the receiver closes the channel; a value already sent is dropped
    /// with it.
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        if this.inner.state.load(Acquire) & COMPLETE == 0 {
            this.inner.rx_waker.register(cx.waker());
            if this.inner.state.load(Acquire) & COMPLETE == 0 {
                return Poll::Pending;
            }
        }
        Poll::Ready(this.take_value().ok_or(RecvError(())))
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        self.close();
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender").field("closed", &self.is_closed()).finish()
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver").finish_non_exhaustive()
    }
}
