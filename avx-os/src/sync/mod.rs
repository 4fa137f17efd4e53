//! Blocking synchronisation primitives for threads, built on the Linux futex; each has a
//! loom model (the futex modelled in `futex.rs`). Workers not polling I/O sleep in a `Parker`.

mod condvar;
mod futex;
mod mutex;
mod parker;
mod rwlock;
mod semaphore;

pub use condvar::Condvar;
pub use mutex::{Mutex, MutexGuard};
pub use parker::Parker;
pub use rwlock::{RwLock, RwLockReadGuard, RwLockWriteGuard};
pub use semaphore::Semaphore;
