//! `broadcast`: every receiver sees every value, from a fixed ring of the latest values.
//! A receiver that falls a full ring behind gets `Lagged(n)` and resumes at the oldest kept.
//!
//! Values stay in the ring until overwritten (not dropped once every receiver saw them).

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};

use crate::loom::{Arc, Mutex};
use crate::sync::{WaitList, WaiterKey, WakeList};

/// Creates a broadcast channel keeping the latest `capacity` values (rounded up to a power
/// of two) for its receivers. Panics if `capacity` is zero.
pub fn channel<T: Clone>(capacity: usize) -> (Sender<T>, Receiver<T>) {
    assert!(capacity > 0, "broadcast channel requires capacity > 0");
    let size = capacity.next_power_of_two();
    let slots: Vec<_> = (0..size).map(|_| Mutex::new(Slot { pos: 0, value: None })).collect();
    let shared = Arc::new(Shared {
        slots: slots.into_boxed_slice(),
        mask: size - 1,
        tail: Mutex::new(Tail { pos: 0, receivers: 1, senders: 1, closed: false, waiters: WaitList::new() }),
    });
    (Sender { shared: shared.clone() }, Receiver { shared, next: 0 })
}

pub mod error;

use error::{RecvError, SendError, TryRecvError};

struct Shared<T> {
    slots: Box<[Mutex<Slot<T>>]>,
    mask: usize,
    /// Lock order: `tail`, then a slot.
    tail: Mutex<Tail>,
}

struct Slot<T> {
    /// Position of the value held (meaningful when `value` is `Some`).
    pos: u64,
    value: Option<T>,
}

struct Tail {
    /// Position the next value gets.
    pos: u64,
    receivers: usize,
    senders: usize,
    closed: bool,
    waiters: WaitList<()>,
}

/// Sends values to every [`Receiver`]; cloneable.
pub struct Sender<T> {
    shared: Arc<Shared<T>>,
}

/// Receives every value sent after it subscribed (unless it lags).
pub struct Receiver<T> {
    shared: Arc<Shared<T>>,
    /// Position of the next value to receive.
    next: u64,
}

/// Future of [`Receiver::recv`].
#[must_use = "futures do nothing unless polled"]
pub struct Recv<'a, T> {
    receiver: &'a mut Receiver<T>,
    key: Option<WaiterKey>,
}

/// What a receiver finds when it looks for its next value.
enum Lookup<T> {
    Value(T),
    Lagged(u64),
    Closed,
    Empty,
}

impl<T> Shared<T> {
    fn capacity(&self) -> u64 {
        self.slots.len() as u64
    }

    /// Under the tail lock, so `tail.pos` and the slots are stable.
    fn lookup_locked(&self, tail: &Tail, next: &mut u64) -> Lookup<T>
    where
        T: Clone,
    {
        if *next >= tail.pos {
            return if tail.closed { Lookup::Closed } else { Lookup::Empty };
        }
        let oldest = tail.pos.saturating_sub(self.capacity());
        if *next < oldest {
            let missed = oldest - *next;
            *next = oldest;
            return Lookup::Lagged(missed);
        }
        match self.read_slot(*next) {
            Some(value) => {
                *next += 1;
                Lookup::Value(value)
            }
            // Unreachable by the checks above; treated as "nothing yet".
            None => Lookup::Empty,
        }
    }

    /// The value at `pos` if the ring still holds it.
    fn read_slot(&self, pos: u64) -> Option<T>
    where
        T: Clone,
    {
        let slot = self.slots[pos as usize & self.mask].lock();
        match &slot.value {
            Some(value) if slot.pos == pos => Some(value.clone()),
            _ => None,
        }
    }
}

impl<T> Sender<T> {
    /// Sends `value` to every current receiver; returns how many there are, or gives the
    /// value back if there are none. Never waits: a full ring overwrites its oldest value.
    pub fn send(&self, value: T) -> Result<usize, SendError<T>> {
        let mut tail = self.shared.tail.lock();
        if tail.receivers == 0 {
            return Err(SendError(value));
        }
        let pos = tail.pos;
        let old = {
            let mut slot = self.shared.slots[pos as usize & self.shared.mask].lock();
            slot.pos = pos;
            slot.value.replace(value)
        };
        tail.pos += 1;
        let mut wakes = WakeList::new();
        tail.waiters.detach_all(&mut wakes, |_| {});
        let receivers = tail.receivers;
        drop(tail);
        wakes.wake_all();
        drop(old);
        Ok(receivers)
    }

    /// A new receiver that gets the values sent from now on.
    pub fn subscribe(&self) -> Receiver<T> {
        let mut tail = self.shared.tail.lock();
        tail.receivers += 1;
        Receiver { shared: self.shared.clone(), next: tail.pos }
    }

    /// How many receivers exist.
    pub fn receiver_count(&self) -> usize {
        self.shared.tail.lock().receivers
    }
}

impl<T: Clone> Receiver<T> {
    /// Receives the next value.
    ///
    /// Cancel safe: a dropped `recv` future has not advanced the receiver.
    pub fn recv(&mut self) -> Recv<'_, T> {
        Recv { receiver: self, key: None }
    }

    /// Takes the next value if there is one now.
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        if let Some(value) = self.fast_read() {
            return Ok(value);
        }
        let tail = self.shared.tail.lock();
        match self.shared.lookup_locked(&tail, &mut self.next) {
            Lookup::Value(value) => Ok(value),
            Lookup::Lagged(n) => Err(TryRecvError::Lagged(n)),
            Lookup::Closed => Err(TryRecvError::Closed),
            Lookup::Empty => Err(TryRecvError::Empty),
        }
    }

    /// A new receiver starting at the next value sent from now on.
    pub fn resubscribe(&self) -> Self {
        let mut tail = self.shared.tail.lock();
        tail.receivers += 1;
        Receiver { shared: self.shared.clone(), next: tail.pos }
    }

    /// Reads the next value without the tail lock when the ring already holds it.
    fn fast_read(&mut self) -> Option<T> {
        let value = self.shared.read_slot(self.next)?;
        self.next += 1;
        Some(value)
    }

    fn poll_recv(&mut self, key: &mut Option<WaiterKey>, waker: &Waker) -> Poll<Result<T, RecvError>> {
        if key.is_none() {
            if let Some(value) = self.fast_read() {
                return Poll::Ready(Ok(value));
            }
        }
        let shared = &*self.shared;
        let mut tail = shared.tail.lock();
        let ready = match shared.lookup_locked(&tail, &mut self.next) {
            Lookup::Value(value) => Ok(value),
            Lookup::Lagged(n) => Err(RecvError::Lagged(n)),
            Lookup::Closed => Err(RecvError::Closed),
            Lookup::Empty => {
                match *key {
                    Some(k) if tail.waiters.is_queued(k) => tail.waiters.update_waker(k, waker),
                    _ => {
                        if let Some(old) = key.take() {
                            tail.waiters.release(old);
                        }
                        *key = Some(tail.waiters.push_back(waker, ()));
                    }
                }
                return Poll::Pending;
            }
        };
        if let Some(old) = key.take() {
            tail.waiters.release(old);
        }
        Poll::Ready(ready)
    }
}

impl<T: Clone> Future for Recv<'_, T> {
    type Output = Result<T, RecvError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        this.receiver.poll_recv(&mut this.key, cx.waker())
    }
}

impl<T> Drop for Recv<'_, T> {
    fn drop(&mut self) {
        if let Some(key) = self.key.take() {
            self.receiver.shared.tail.lock().waiters.release(key);
        }
    }
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Self {
        self.shared.tail.lock().senders += 1;
        Self { shared: self.shared.clone() }
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        let mut tail = self.shared.tail.lock();
        tail.senders -= 1;
        if tail.senders == 0 {
            tail.closed = true;
            let mut wakes = WakeList::new();
            tail.waiters.detach_all(&mut wakes, |_| {});
            drop(tail);
            wakes.wake_all();
        }
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        self.shared.tail.lock().receivers -= 1;
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender").finish_non_exhaustive()
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver").field("next", &self.next).finish()
    }
}

impl<T> fmt::Debug for Recv<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Recv").finish_non_exhaustive()
    }
}
