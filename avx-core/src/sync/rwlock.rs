//! `RwLock`: an async reader-writer lock, starvation-free for readers and writers alike.
//! A reader takes one semaphore permit, a writer takes all of them.

use core::fmt;
use core::ops::{Deref, DerefMut};

use crate::loom::UnsafeCell;
use crate::sync::batch_semaphore::{RawSemaphore, MAX_PERMITS};
use crate::sync::mutex::TryLockError;

/// How many readers may hold the lock at once (also the writer's permit count).
const MAX_READERS: usize = MAX_PERMITS;

/// An async reader-writer lock (a reader takes one permit of an inner semaphore, a writer all
/// of them), with the fairness of [`crate::sync::Semaphore`]: requests are woken in arrival
/// order; a running task may overtake a woken request at most once, after which the lock goes
/// to the queue in order; and a writer that reaches the front while readers hold the lock
/// collects their permits as they leave, with later readers queued behind it. So a stream of
/// readers cannot starve a writer.
pub struct RwLock<T: ?Sized> {
    semaphore: RawSemaphore,
    data: UnsafeCell<T>,
}

// SAFETY: the lock moves `T` between threads through the write guard (needs `Send`).
unsafe impl<T: ?Sized + Send> Send for RwLock<T> {}
// SAFETY: readers on many threads share `&T` (needs `Sync`); a writer gets `&mut T` on
// another thread than the one that created it (needs `Send`).
unsafe impl<T: ?Sized + Send + Sync> Sync for RwLock<T> {}

/// Shared access to an [`RwLock`]'s value; releases its read permit when dropped.
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct RwLockReadGuard<'a, T: ?Sized> {
    lock: &'a RwLock<T>,
}

/// Exclusive access to an [`RwLock`]'s value; releases the lock when dropped.
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct RwLockWriteGuard<'a, T: ?Sized> {
    lock: &'a RwLock<T>,
}

// SAFETY: a read guard only hands out `&T`.
unsafe impl<T: ?Sized + Sync> Sync for RwLockReadGuard<'_, T> {}
// SAFETY: a shared write guard only hands out `&T`.
unsafe impl<T: ?Sized + Sync> Sync for RwLockWriteGuard<'_, T> {}

impl<T> RwLock<T> {
    /// An unlocked lock holding `value`.
    pub fn new(value: T) -> Self {
        Self { semaphore: RawSemaphore::new(MAX_READERS), data: UnsafeCell::new(value) }
    }

    /// Consumes the lock, returning the value.
    pub fn into_inner(self) -> T {
        crate::sync::into_cell_value(self.data)
    }
}

impl<T: ?Sized> RwLock<T> {
    /// Waits for shared access.
    ///
    /// Cancel safe: a dropped `read()` future leaves the queue and hands on anything it was
    /// granted.
    pub async fn read(&self) -> RwLockReadGuard<'_, T> {
        // Never closed, so the acquire cannot fail.
        let _never_closed = self.semaphore.acquire(1).await;
        RwLockReadGuard { lock: self }
    }

    /// Waits for exclusive access. Cancel safe, as [`RwLock::read`].
    pub async fn write(&self) -> RwLockWriteGuard<'_, T> {
        let _never_closed = self.semaphore.acquire(MAX_READERS).await;
        RwLockWriteGuard { lock: self }
    }

    /// Takes shared access if no writer holds the lock and no queued request has priority.
    pub fn try_read(&self) -> Result<RwLockReadGuard<'_, T>, TryLockError> {
        self.semaphore.try_acquire(1).map_err(|_| TryLockError(()))?;
        Ok(RwLockReadGuard { lock: self })
    }

    /// Takes exclusive access if nobody holds the lock and no queued request has priority.
    pub fn try_write(&self) -> Result<RwLockWriteGuard<'_, T>, TryLockError> {
        self.semaphore.try_acquire(MAX_READERS).map_err(|_| TryLockError(()))?;
        Ok(RwLockWriteGuard { lock: self })
    }

    /// Blocks the thread until shared access is granted. For code outside the runtime only.
    #[cfg(feature = "std")]
    pub fn blocking_read(&self) -> RwLockReadGuard<'_, T> {
        crate::sync::block_on(self.read())
    }

    /// Blocks the thread until exclusive access is granted. For code outside the runtime only.
    #[cfg(feature = "std")]
    pub fn blocking_write(&self) -> RwLockWriteGuard<'_, T> {
        crate::sync::block_on(self.write())
    }

    /// Mutable access without locking: `&mut self` proves nobody holds the lock.
    pub fn get_mut(&mut self) -> &mut T {
        // SAFETY: `&mut self` excludes every guard.
        self.data.with_mut(|ptr| unsafe { &mut *ptr })
    }

    fn value(&self) -> *mut T {
        self.data.with_mut(|ptr| ptr)
    }
}

impl<T: Default> Default for RwLock<T> {
    fn default() -> Self {
        Self::new(T::default())
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for RwLock<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("RwLock");
        match self.try_read() {
            Ok(guard) => d.field("data", &&*guard),
            Err(_) => d.field("data", &format_args!("<locked>")),
        };
        d.finish()
    }
}

impl<T: ?Sized> Deref for RwLockReadGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: a read permit excludes writers; readers only share `&T`.
        unsafe { &*self.lock.value() }
    }
}

impl<T: ?Sized> Drop for RwLockReadGuard<'_, T> {
    fn drop(&mut self) {
        self.lock.semaphore.release(1);
    }
}

impl<T: ?Sized> Deref for RwLockWriteGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: the write guard holds every permit, so nobody else reads or writes.
        unsafe { &*self.lock.value() }
    }
}

impl<T: ?Sized> DerefMut for RwLockWriteGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: the write guard holds every permit and `&mut self` is the only path to it.
        unsafe { &mut *self.lock.value() }
    }
}

impl<T: ?Sized> Drop for RwLockWriteGuard<'_, T> {
    fn drop(&mut self) {
        self.lock.semaphore.release(MAX_READERS);
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for RwLockReadGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for RwLockWriteGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}
