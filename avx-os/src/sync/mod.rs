//! Blocking synchronisation primitives for threads, built on the Linux futex.
//! Workers that do not own the I/O driver sleep in a [`Parker`].

mod condvar;
mod mutex;
mod parker;
mod rwlock;
mod semaphore;

pub use condvar::Condvar;
pub use mutex::{Mutex, MutexGuard};
pub use parker::Parker;
pub use rwlock::{RwLock, RwLockReadGuard, RwLockWriteGuard};
pub use semaphore::Semaphore;
