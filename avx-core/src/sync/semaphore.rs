//! `Semaphore`: a starvation-free async counting semaphore with borrowed and owned permits.
//! Waiters are woken in arrival order; a closed semaphore refuses new acquires.

use core::fmt;

use crate::sync::batch_semaphore::{RawSemaphore, TryAcquire, MAX_PERMITS};
use alloc::sync::Arc;

/// A counting semaphore whose permits are acquired asynchronously.
///
/// # Fairness
///
/// Waiting acquires are woken in the order they were made, as the released permits cover
/// them, and nobody starves. A release does not hand its permits to the woken waiters: it
/// frees them, and a task that is running at that moment (not queued) may take them first,
/// which saves a context switch per release under contention. A queued acquire loses at most
/// one such race: if it is woken and finds its permits taken, it gets priority, and from then
/// on released permits go directly to the queue's front, in arrival order, while newcomers
/// (including `try_acquire`) queue behind, until it is served. A request for more permits than
/// are free gets priority as soon as it reaches the front and collects permits as they are
/// released, so a large request is never starved by small ones.
#[derive(Debug)]
pub struct Semaphore {
    raw: RawSemaphore,
}

/// [`Semaphore::acquire`] failed because the semaphore was closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AcquireError(());

/// Why [`Semaphore::try_acquire`] failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TryAcquireError {
    /// The semaphore was closed.
    Closed,
    /// Not enough permits are available right now.
    NoPermits,
}

impl fmt::Display for AcquireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("semaphore closed")
    }
}

impl core::error::Error for AcquireError {}

impl fmt::Display for TryAcquireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TryAcquireError::Closed => f.write_str("semaphore closed"),
            TryAcquireError::NoPermits => f.write_str("no permits available"),
        }
    }
}

impl core::error::Error for TryAcquireError {}

impl From<TryAcquire> for TryAcquireError {
    fn from(e: TryAcquire) -> Self {
        match e {
            TryAcquire::Closed => TryAcquireError::Closed,
            TryAcquire::NoPermits => TryAcquireError::NoPermits,
        }
    }
}

/// Permits borrowed from a [`Semaphore`]; returned when dropped.
#[must_use = "the permits are released as soon as this is dropped"]
#[derive(Debug)]
pub struct SemaphorePermit<'a> {
    semaphore: &'a Semaphore,
    permits: u32,
}

/// Permits from an `Arc<Semaphore>`; returned when dropped. `'static` and movable across tasks.
#[must_use = "the permits are released as soon as this is dropped"]
#[derive(Debug)]
pub struct OwnedSemaphorePermit {
    semaphore: Arc<Semaphore>,
    permits: u32,
}

impl Semaphore {
    /// The largest number of permits a semaphore can hold.
    pub const MAX_PERMITS: usize = MAX_PERMITS;

    /// A semaphore with `permits` permits. Panics above [`Semaphore::MAX_PERMITS`].
    pub fn new(permits: usize) -> Self {
        Self { raw: RawSemaphore::new(permits) }
    }

    /// Permits available right now.
    pub fn available_permits(&self) -> usize {
        self.raw.available_permits()
    }

    /// Adds `n` permits, serving queued waiters with priority first and waking the ones the
    /// rest cover.
    ///
    /// # Panics
    /// If the semaphore would hold more than [`Semaphore::MAX_PERMITS`] permits.
    pub fn add_permits(&self, n: usize) {
        let room = MAX_PERMITS - self.available_permits().min(MAX_PERMITS);
        assert!(n <= room, "a semaphore holds at most {MAX_PERMITS} permits");
        self.raw.release(n);
    }

    /// Closes the semaphore: every pending and later acquire fails with [`AcquireError`].
    /// Permits already held stay valid.
    pub fn close(&self) {
        self.raw.close();
    }

    /// Whether [`Semaphore::close`] has been called.
    pub fn is_closed(&self) -> bool {
        self.raw.is_closed()
    }

    /// Waits for one permit.
    ///
    /// Cancel safe: dropping the future gives any permit it was granted, and a wake-up it had
    /// not acted on, to the next waiter, and it loses its place in the queue.
    pub async fn acquire(&self) -> Result<SemaphorePermit<'_>, AcquireError> {
        self.acquire_many(1).await
    }

    /// Waits for `n` permits at once. Panics if `n` exceeds [`Semaphore::MAX_PERMITS`].
    ///
    /// Cancel safe, as [`Semaphore::acquire`]: partially granted permits are handed on.
    pub async fn acquire_many(&self, n: u32) -> Result<SemaphorePermit<'_>, AcquireError> {
        self.raw.acquire(n as usize).await.map_err(|_| AcquireError(()))?;
        Ok(SemaphorePermit { semaphore: self, permits: n })
    }

    /// Takes one permit if one is free now, unless a queued acquire has priority.
    pub fn try_acquire(&self) -> Result<SemaphorePermit<'_>, TryAcquireError> {
        self.try_acquire_many(1)
    }

    /// Takes `n` permits if they are free now, unless a queued acquire has priority.
    pub fn try_acquire_many(&self, n: u32) -> Result<SemaphorePermit<'_>, TryAcquireError> {
        self.raw.try_acquire(n as usize)?;
        Ok(SemaphorePermit { semaphore: self, permits: n })
    }

    /// Waits for one permit of a shared semaphore. Cancel safe, as [`Semaphore::acquire`].
    pub async fn acquire_owned(self: Arc<Self>) -> Result<OwnedSemaphorePermit, AcquireError> {
        self.acquire_many_owned(1).await
    }

    /// Waits for `n` permits of a shared semaphore. Cancel safe, as [`Semaphore::acquire`].
    pub async fn acquire_many_owned(self: Arc<Self>, n: u32) -> Result<OwnedSemaphorePermit, AcquireError> {
        self.raw.acquire(n as usize).await.map_err(|_| AcquireError(()))?;
        Ok(OwnedSemaphorePermit { semaphore: self, permits: n })
    }

    /// Takes one permit of a shared semaphore if available now.
    pub fn try_acquire_owned(self: Arc<Self>) -> Result<OwnedSemaphorePermit, TryAcquireError> {
        self.try_acquire_many_owned(1)
    }

    /// Takes `n` permits of a shared semaphore if available now.
    pub fn try_acquire_many_owned(self: Arc<Self>, n: u32) -> Result<OwnedSemaphorePermit, TryAcquireError> {
        self.raw.try_acquire(n as usize)?;
        Ok(OwnedSemaphorePermit { semaphore: self, permits: n })
    }
}

impl SemaphorePermit<'_> {
    /// Keeps the permits out of the semaphore for good.
    pub fn forget(mut self) {
        self.permits = 0;
    }

    /// How many permits this holds.
    pub fn num_permits(&self) -> usize {
        self.permits as usize
    }
}

impl Drop for SemaphorePermit<'_> {
    fn drop(&mut self) {
        self.semaphore.raw.release(self.permits as usize);
    }
}

impl OwnedSemaphorePermit {
    /// Keeps the permits out of the semaphore for good.
    pub fn forget(mut self) {
        self.permits = 0;
    }

    /// How many permits this holds.
    pub fn num_permits(&self) -> usize {
        self.permits as usize
    }

    /// The semaphore these permits came from.
    pub fn semaphore(&self) -> &Arc<Semaphore> {
        &self.semaphore
    }
}

impl Drop for OwnedSemaphorePermit {
    fn drop(&mut self) {
        self.semaphore.raw.release(self.permits as usize);
    }
}
