//! `Mutex`: an async, starvation-free mutual-exclusion lock with borrowed and owned guards.
//! Built on the one-permit semaphore: waiters in arrival order, bounded barging by running tasks.

use core::fmt;
use core::ops::{Deref, DerefMut};

use alloc::sync::Arc;

use crate::loom::UnsafeCell;
use crate::sync::batch_semaphore::RawSemaphore;

/// An async mutex: `lock().await` suspends the task instead of blocking the thread.
///
/// # Fairness
///
/// Waiting tasks are woken one at a time, in the order they called `lock`, and nobody starves.
/// To keep a contended lock cheap, an unlock does not hand the lock to the woken task: it
/// frees it, and a task that is running at that moment (one that is not queued) may take it
/// first, instead of paying for a context switch. A queued task loses at most one such race:
/// if it is woken and finds the lock taken, it gets priority, and from then on every unlock
/// hands the lock directly to the queue's front, in arrival order, while newcomers (including
/// `try_lock`) queue behind, until it has had the lock. Queued tasks never overtake each other.
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
    /// Cancel safe: a dropped `lock()` future leaves the queue; if it had been woken, the
    /// wake-up passes to the next waiter, and if the lock had been handed to it, so does the lock.
    pub async fn lock(&self) -> MutexGuard<'_, T> {
        self.acquire().await;
        MutexGuard { lock: self }
    }

    /// Takes the lock if it is free, unless a queued task has priority (see the type's
    /// fairness notes).
    pub fn try_lock(&self) -> Result<MutexGuard<'_, T>, TryLockError> {
        self.semaphore.try_acquire(1).map_err(|_| TryLockError(()))?;
        Ok(MutexGuard { lock: self })
    }

    /// Waits for the lock of a shared mutex. Cancel safe, as [`Mutex::lock`].
    pub async fn lock_owned(self: Arc<Self>) -> OwnedMutexGuard<T> {
        self.acquire().await;
        OwnedMutexGuard { lock: self }
    }

    /// Takes the lock of a shared mutex if it is free, unless a queued task has priority.
    pub fn try_lock_owned(self: Arc<Self>) -> Result<OwnedMutexGuard<T>, TryLockError> {
        self.semaphore.try_acquire(1).map_err(|_| TryLockError(()))?;
        Ok(OwnedMutexGuard { lock: self })
    }

    /// Blocks the thread until the lock is taken. For code outside the runtime; never call it
    /// from an async task (it would block a worker).
    #[cfg(feature = "std")]
    pub fn blocking_lock(&self) -> MutexGuard<'_, T> {
        crate::sync::block_on(self.lock())
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
