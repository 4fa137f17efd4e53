//! `watch`: one sender publishes the latest value; receivers read it and wait for changes.
//! Only the newest value is kept; a receiver sees at least the last one before it looks.

use core::fmt;
use core::ops::Deref;

use crate::loom::{Arc, AtomicUsize, Ordering::SeqCst};
use crate::sync::Notify;

pub mod error;

use error::{RecvError, SendError};

mod value_lock;

use value_lock::{ReadGuard, ValueLock};

/// Version bit: the sender dropped.
const CLOSED: usize = 1;
/// Each new value adds this to the version word.
const STEP: usize = 2;

/// Creates a watch channel holding `initial`. The receiver starts having seen it.
pub fn channel<T>(initial: T) -> (Sender<T>, Receiver<T>) {
    let shared = Arc::new(Shared {
        value: ValueLock::new(initial),
        version: AtomicUsize::new(0),
        receivers: AtomicUsize::new(1),
        value_changed: Notify::new(),
        receivers_gone: Notify::new(),
    });
    (Sender { shared: shared.clone() }, Receiver { shared, seen: 0 })
}

struct Shared<T> {
    value: ValueLock<T>,
    /// `values sent * STEP | CLOSED`; bumped under the write lock.
    version: AtomicUsize,
    receivers: AtomicUsize,
    value_changed: Notify,
    receivers_gone: Notify,
}

/// Publishes values to the [`Receiver`]s.
pub struct Sender<T> {
    shared: Arc<Shared<T>>,
}

/// Reads the latest value and waits for new ones; cloneable.
pub struct Receiver<T> {
    shared: Arc<Shared<T>>,
    /// The version (without CLOSED) last marked seen.
    seen: usize,
}

/// A read lock on the current value. Keep it briefly: the sender waits while it is held.
pub struct Ref<'a, T> {
    guard: ReadGuard<'a, T>,
    has_changed: bool,
}

impl<T> Ref<'_, T> {
    /// Whether this value had not been marked seen when it was borrowed.
    pub fn has_changed(&self) -> bool {
        self.has_changed
    }
}

impl<T> Deref for Ref<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.guard
    }
}

impl<T: fmt::Debug> fmt::Debug for Ref<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T> Shared<T> {
    /// Runs `modify` under the write lock; if it reports a change, publishes a new version
    /// and wakes receivers.
    fn modify_and_publish(&self, modify: impl FnOnce(&mut T) -> bool) -> bool {
        {
            let mut value = value_lock::write(&self.value);
            if !modify(&mut value) {
                return false;
            }
            self.version.fetch_add(STEP, SeqCst);
        }
        self.value_changed.notify_waiters();
        true
    }
}

impl<T> Sender<T> {
    /// Publishes `value`, or gives it back if no receiver exists.
    pub fn send(&self, value: T) -> Result<(), SendError<T>> {
        if self.receiver_count() == 0 {
            return Err(SendError(value));
        }
        self.send_replace(value);
        Ok(())
    }

    /// Publishes `value` even without receivers and returns the previous value.
    pub fn send_replace(&self, mut value: T) -> T {
        self.shared.modify_and_publish(|current| {
            core::mem::swap(current, &mut value);
            true
        });
        value
    }

    /// Changes the value in place and notifies receivers, even without receivers.
    pub fn send_modify(&self, modify: impl FnOnce(&mut T)) {
        self.shared.modify_and_publish(|value| {
            modify(value);
            true
        });
    }

    /// Changes the value in place; notifies receivers only if `modify` returns `true`.
    pub fn send_if_modified(&self, modify: impl FnOnce(&mut T) -> bool) -> bool {
        self.shared.modify_and_publish(modify)
    }

    /// Reads the current value.
    pub fn borrow(&self) -> Ref<'_, T> {
        Ref { guard: value_lock::read(&self.shared.value), has_changed: false }
    }

    /// A new receiver that has seen the current value.
    pub fn subscribe(&self) -> Receiver<T> {
        self.shared.receivers.fetch_add(1, SeqCst);
        let seen = self.shared.version.load(SeqCst) & !CLOSED;
        Receiver { shared: self.shared.clone(), seen }
    }

    /// How many receivers exist.
    pub fn receiver_count(&self) -> usize {
        self.shared.receivers.load(SeqCst)
    }

    /// Whether every receiver is gone.
    pub fn is_closed(&self) -> bool {
        self.receiver_count() == 0
    }

    /// Completes once every receiver is gone. Cancel safe.
    pub async fn closed(&self) {
        loop {
            let notified = self.shared.receivers_gone.notified();
            if self.is_closed() {
                return;
            }
            notified.await;
        }
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        self.shared.version.fetch_or(CLOSED, SeqCst);
        self.shared.value_changed.notify_waiters();
    }
}

impl<T> Receiver<T> {
    /// Reads the current value without marking it seen.
    pub fn borrow(&self) -> Ref<'_, T> {
        let guard = value_lock::read(&self.shared.value);
        let version = self.shared.version.load(SeqCst) & !CLOSED;
        Ref { guard, has_changed: version != self.seen }
    }

    /// Reads the current value and marks it seen.
    pub fn borrow_and_update(&mut self) -> Ref<'_, T> {
        let guard = value_lock::read(&self.shared.value);
        let version = self.shared.version.load(SeqCst) & !CLOSED;
        let has_changed = version != self.seen;
        self.seen = version;
        Ref { guard, has_changed }
    }

    /// Whether a value not yet marked seen is there; `Err` once the sender is gone.
    pub fn has_changed(&self) -> Result<bool, RecvError> {
        let version = self.shared.version.load(SeqCst);
        if version & CLOSED != 0 {
            return Err(RecvError(()));
        }
        Ok(version != self.seen)
    }

    /// Waits for a value not yet marked seen, and marks it seen. Fails once the sender is
    /// gone and every value was seen.
    ///
    /// Cancel safe: a dropped `changed` future has marked nothing seen.
    pub async fn changed(&mut self) -> Result<(), RecvError> {
        loop {
            let notified = self.shared.value_changed.notified();
            let version = self.shared.version.load(SeqCst);
            if version & !CLOSED != self.seen {
                self.seen = version & !CLOSED;
                return Ok(());
            }
            if version & CLOSED != 0 {
                return Err(RecvError(()));
            }
            notified.await;
        }
    }

    /// Marks the current value seen.
    pub fn mark_unchanged(&mut self) {
        self.seen = self.shared.version.load(SeqCst) & !CLOSED;
    }

    /// Whether both receivers watch the same channel.
    pub fn same_channel(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }
}

impl<T> Clone for Receiver<T> {
    fn clone(&self) -> Self {
        self.shared.receivers.fetch_add(1, SeqCst);
        Self { shared: self.shared.clone(), seen: self.seen }
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        if self.shared.receivers.fetch_sub(1, SeqCst) == 1 {
            self.shared.receivers_gone.notify_waiters();
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender").field("value", &*self.borrow()).finish()
    }
}

impl<T: fmt::Debug> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver").field("value", &*self.borrow()).finish()
    }
}
