//! Async synchronization primitives: `Mutex`, `RwLock`, `Semaphore`, `Notify`, `Barrier`,
//! `OnceCell`. Waker based, starvation-free, cancel safe, independent of any executor.

mod atomic_waker;
mod barrier;
mod batch_semaphore;
#[cfg(feature = "std")]
mod blocking;
mod cache_padded;
mod mutex;
mod notify;
mod once_cell;
mod rwlock;
mod semaphore;
mod wait_list;

#[cfg(all(test, loom))]
pub(crate) mod loom_tests;

pub(crate) use atomic_waker::AtomicWaker;
pub(crate) use batch_semaphore::{RawSemaphore, TryAcquire};
#[cfg(feature = "std")]
pub(crate) use blocking::block_on;
pub(crate) use cache_padded::CachePadded;
pub(crate) use wait_list::{WaitList, WaiterKey, WakeList};

/// The channels, also reachable here as in `tokio::sync`.
pub use crate::channel::{broadcast, mpsc, oneshot, watch};

pub use barrier::{Barrier, BarrierWait, BarrierWaitResult};
pub use mutex::{Mutex, MutexGuard, OwnedMutexGuard, TryLockError};
pub use notify::{Notified, Notify};
pub use once_cell::{OnceCell, SetError};
pub use rwlock::{RwLock, RwLockReadGuard, RwLockWriteGuard};
pub use semaphore::{AcquireError, OwnedSemaphorePermit, Semaphore, SemaphorePermit, TryAcquireError};

use crate::loom::UnsafeCell;

/// Moves the value out of a cell that nothing else can reach any more.
fn into_cell_value<T>(cell: UnsafeCell<T>) -> T {
    let cell = core::mem::ManuallyDrop::new(cell);
    // SAFETY: we own the cell and never touch or drop it again, so the value is moved out
    // exactly once.
    cell.with(|ptr| unsafe { core::ptr::read(ptr) })
}
