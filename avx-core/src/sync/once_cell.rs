//! `OnceCell`: a value written at most once, possibly by an async initializer that other
//! tasks wait for. One initializer runs at a time; a cancelled one lets the next try.

use core::fmt;
use core::future::Future;
use core::mem::MaybeUninit;

use crate::loom::{AtomicBool, Ordering::*, UnsafeCell};
use crate::sync::batch_semaphore::{RawSemaphore, TryAcquire};

/// A cell written once. Tasks calling [`OnceCell::get_or_init`] concurrently run one
/// initializer at a time; the others wait and then share its value.
pub struct OnceCell<T> {
    /// Set (Release) after `value` is written; never cleared while shared.
    initialized: AtomicBool,
    value: UnsafeCell<MaybeUninit<T>>,
    /// One permit: the right to initialize. Closed once the value is there, waking waiters.
    init_permit: RawSemaphore,
}

// SAFETY: the cell owns a `T`; moving the cell moves the `T`.
unsafe impl<T: Send> Send for OnceCell<T> {}
// SAFETY: shared cells hand out `&T` to many threads (`Sync`) and a `T` made on one thread
// may be dropped on another (`Send`). Writes happen once, before `initialized` is published.
unsafe impl<T: Send + Sync> Sync for OnceCell<T> {}

/// Why [`OnceCell::set`] refused the value (which it gives back).
#[derive(Debug, PartialEq, Eq)]
pub enum SetError<T> {
    /// The cell already holds a value.
    AlreadyInitializedError(T),
    /// Another task is initializing the cell right now.
    InitializingError(T),
}

impl<T> fmt::Display for SetError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SetError::AlreadyInitializedError(_) => f.write_str("cell already initialized"),
            SetError::InitializingError(_) => f.write_str("cell is being initialized"),
        }
    }
}

impl<T: fmt::Debug> core::error::Error for SetError<T> {}

/// Gives the initializing permit back if an initializer fails or is cancelled.
struct InitGuard<'a>(&'a RawSemaphore);

impl Drop for InitGuard<'_> {
    fn drop(&mut self) {
        self.0.release(1);
    }
}

impl<T> OnceCell<T> {
    /// An empty cell.
    pub fn new() -> Self {
        Self {
            initialized: AtomicBool::new(false),
            value: UnsafeCell::new(MaybeUninit::uninit()),
            init_permit: RawSemaphore::new(1),
        }
    }

    /// Whether the cell holds a value.
    pub fn initialized(&self) -> bool {
        self.initialized.load(Acquire)
    }

    /// The value, if set.
    pub fn get(&self) -> Option<&T> {
        // SAFETY: `initialized` was published (Release) after the value was written, and the
        // value is never written again while `&self` exists.
        self.initialized().then(|| unsafe { self.value_ref() })
    }

    /// Stores `value` if the cell is empty and nobody is initializing it.
    pub fn set(&self, value: T) -> Result<(), SetError<T>> {
        if self.initialized() {
            return Err(SetError::AlreadyInitializedError(value));
        }
        match self.init_permit.try_acquire(1) {
            Ok(()) => {
                self.publish(value);
                Ok(())
            }
            Err(TryAcquire::NoPermits) => Err(SetError::InitializingError(value)),
            Err(TryAcquire::Closed) => Err(SetError::AlreadyInitializedError(value)),
        }
    }

    /// The value, initializing it with `init` first if the cell is empty.
    ///
    /// Cancel safe: if this future is dropped while its initializer runs, the initializer is
    /// dropped and the next waiting caller runs its own.
    pub async fn get_or_init<F, Fut>(&self, init: F) -> &T
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = T>,
    {
        match self.get_or_try_init(|| async { Ok::<T, core::convert::Infallible>(init().await) }).await {
            Ok(value) => value,
            Err(never) => match never {},
        }
    }

    /// Like [`OnceCell::get_or_init`], but the initializer may fail; the error is returned
    /// and the cell stays empty for the next caller. Cancel safe, as `get_or_init`.
    pub async fn get_or_try_init<E, F, Fut>(&self, init: F) -> Result<&T, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        if let Some(value) = self.get() {
            return Ok(value);
        }
        if self.init_permit.acquire(1).await.is_ok() && !self.initialized() {
            let guard = InitGuard(&self.init_permit);
            let value = init().await?;
            core::mem::forget(guard);
            self.publish(value);
        }
        // Either we just published, or the permit was closed because someone else did.
        // SAFETY: both paths above end with `initialized` set: the semaphore is closed only
        // by `publish`, after the value is written.
        Ok(unsafe { self.value_ref() })
    }

    /// Takes the value out, leaving the cell empty (and settable again).
    pub fn take(&mut self) -> Option<T> {
        if !self.initialized() {
            return None;
        }
        self.initialized.store(false, Relaxed);
        // SAFETY: the value was initialized, `&mut self` excludes every other access, and the
        // cleared flag keeps `Drop` from dropping it a second time.
        let value = self.value.with(|ptr| unsafe { (*ptr).assume_init_read() });
        self.init_permit = RawSemaphore::new(1);
        Some(value)
    }

    /// Consumes the cell, returning the value if set.
    pub fn into_inner(mut self) -> Option<T> {
        self.take()
    }

    /// Writes the value (caller holds the initializing permit) and wakes every waiter.
    fn publish(&self, value: T) {
        // SAFETY: holding the only permit and `initialized` being false means no other
        // thread reads or writes the value.
        self.value.with_mut(|ptr| unsafe { (*ptr).write(value) });
        self.initialized.store(true, Release);
        self.init_permit.close();
    }

    /// # Safety
    /// The value must be initialized (`initialized` observed true with Acquire).
    unsafe fn value_ref(&self) -> &T {
        // SAFETY: the caller guarantees the value is initialized; it is never written again.
        self.value.with(|ptr| unsafe { (*ptr).assume_init_ref() })
    }
}

impl<T> Default for OnceCell<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> Drop for OnceCell<T> {
    fn drop(&mut self) {
        if self.initialized() {
            // SAFETY: the value is initialized and `&mut self` is the last access to it.
            self.value.with_mut(|ptr| unsafe { (*ptr).assume_init_drop() });
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for OnceCell<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OnceCell").field("value", &self.get()).finish()
    }
}
