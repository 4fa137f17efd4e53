//! `Mutex`: an async, FIFO-fair mutual-exclusion lock with borrowed and owned guards.
//! Built on the one-permit semaphore, so waiting tasks are served in arrival order.

use core::fmt;
use core::ops::{Deref, DerefMut};

use alloc::sync::Arc;

use crate::loom::UnsafeCell;
use crate::sync::batch_semaphore::RawSemaphore;

/// An async mutex: `lock().await` suspends the task instead of blocking the thread, and
/// waiters get the lock strictly in the order they asked for it.
pub struct Mutex<T: ?Sized> {
    semaphore: RawSemaphore,
    data: UnsafeCell<T>,
}

// SAFETY: the semaphore's single permit gives one guard at a time access to `data`, so the
// mutex hands `T` between threads (needs `T: Send`) but never shares it.
unsafe impl<T: ?Sized + Send> Send for Mutex<T> {}
// SAFETY: as above; `&Mutex` only yields `&mut T` through the exclusive guard.
unsafe impl<T: ?Sized + Send> Sync for Mutex<T> {}

/// [`Mutex::try_lock`] failed because the lock is held (or waited for).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TryLockError(pub(crate) ());

impl fmt::Display for TryLockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("operation would block")
    }
}

impl core::error::Error for TryLockError {}

/// Exclusive access to a [`Mutex`]'s value; unlocks when dropped.
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct MutexGuard<'a, T: ?Sized> {
    lock: &'a Mutex<T>,
}

/// Exclusive access to the value of an `Arc<Mutex<T>>`; `'static`, unlocks when dropped.
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct OwnedMutexGuard<T: ?Sized> {
    lock: Arc<Mutex<T>>,
}

// SAFETY: a guard only gives `&T` through a shared reference, so sharing it needs `T: Sync`.
unsafe impl<T: ?Sized + Sync> Sync for MutexGuard<'_, T> {}
// SAFETY: as for `MutexGuard`.
unsafe impl<T: ?Sized + Sync> Sync for OwnedMutexGuard<T> {}

impl<T> Mutex<T> {
    /// An unlocked mutex holding `value`.
    pub fn new(value: T) -> Self {
        Self { semaphore: RawSemaphore::new(1), data: UnsafeCell::new(value) }
    }

    /// Consumes the mutex, returning the value.
    pub fn into_inner(self) -> T {
        crate::sync::into_cell_value(self.data)
    }
}

impl<T: ?Sized> Mutex<T> {
    /// Waits for the lock.
    ///
    /// Cancel safe: a dropped `lock()` future leaves the queue, and if the lock had just been
    /// handed to it, passes the lock on to the next waiter.
    pub async fn lock(&self) -> MutexGuard<'_, T> {
        self.acquire().await;
        MutexGuard { lock: self }
    }

    /// Takes the lock if it is free and nobody is waiting for it.
    pub fn try_lock(&self) -> Result<MutexGuard<'_, T>, TryLockError> {
        self.semaphore.try_acquire(1).map_err(|_| TryLockError(()))?;
        Ok(MutexGuard { lock: self })
    }

    /// Waits for the lock of a shared mutex. Cancel safe, as [`Mutex::lock`].
    pub async fn lock_owned(self: Arc<Self>) -> OwnedMutexGuard<T> {
        self.acquire().await;
        OwnedMutexGuard { lock: self }
    }

    /// Takes the lock of a shared mutex if it is free and nobody is waiting for it.
    pub fn try_lock_owned(self: Arc<Self>) -> Result<OwnedMutexGuard<T>, TryLockError> {
        self.semaphore.try_acquire(1).map_err(|_| TryLockError(()))?;
        Ok(OwnedMutexGuard { lock: self })
    }

    /// Mutable access without locking: `&mut self` proves nobody else holds the lock.
    pub fn get_mut(&mut self) -> &mut T {
        // SAFETY: `&mut self` excludes every guard, so this is the only access.
        self.data.with_mut(|ptr| unsafe { &mut *ptr })
    }

    async fn acquire(&self) {
        // The semaphore is never closed, so the acquire cannot fail.
        let _never_closed = self.semaphore.acquire(1).await;
    }

    fn value(&self) -> *mut T {
        self.data.with_mut(|ptr| ptr)
    }
}

impl<T: Default> Default for Mutex<T> {
    fn default() -> Self {
        Self::new(T::default())
    }
}

impl<T> From<T> for Mutex<T> {
    fn from(value: T) -> Self {
        Self::new(value)
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for Mutex<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Mutex");
        match self.try_lock() {
            Ok(guard) => d.field("data", &&*guard),
            Err(_) => d.field("data", &format_args!("<locked>")),
        };
        d.finish()
    }
}

macro_rules! guard_impls {
    ($guard:ident $(<$lt:lifetime>)?) => {
        impl<$($lt,)? T: ?Sized> Deref for $guard<$($lt,)? T> {
            type Target = T;
            fn deref(&self) -> &T {
                // SAFETY: the guard holds the mutex's only permit.
                unsafe { &*self.lock.value() }
            }
        }

        impl<$($lt,)? T: ?Sized> DerefMut for $guard<$($lt,)? T> {
            fn deref_mut(&mut self) -> &mut T {
                // SAFETY: the guard holds the mutex's only permit, and `&mut self` makes this
                // the only reference derived from it.
                unsafe { &mut *self.lock.value() }
            }
        }

        impl<$($lt,)? T: ?Sized> Drop for $guard<$($lt,)? T> {
            fn drop(&mut self) {
                self.lock.semaphore.release(1);
            }
        }

        impl<$($lt,)? T: ?Sized + fmt::Debug> fmt::Debug for $guard<$($lt,)? T> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&**self, f)
            }
        }
    };
}

guard_impls!(MutexGuard<'a>);
guard_impls!(OwnedMutexGuard);

impl<T: ?Sized> OwnedMutexGuard<T> {
    /// The mutex this guard locks.
    pub fn mutex(&self) -> &Arc<Mutex<T>> {
        &self.lock
    }
}
