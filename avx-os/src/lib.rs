//! avx-os: the platform layer of avx. Raw system calls, the OS reactor implementing
//! avx-core's `Park`/`Reactor` traits, and blocking futex-based synchronisation primitives.
#![no_std]
#![warn(missing_docs)]

extern crate alloc;
#[cfg(test)]
extern crate std;

#[cfg(target_os = "linux")]
pub mod clock;
#[cfg(target_os = "linux")]
pub mod net;
#[cfg(target_os = "linux")]
pub mod reactor;
#[cfg(target_os = "linux")]
pub mod sync;
pub mod sys;

#[cfg(target_os = "linux")]
pub use clock::MonotonicClock;
#[cfg(target_os = "linux")]
pub use reactor::{Driver, OsPark, OsRegistry, OsUnparker};
#[cfg(target_os = "linux")]
pub use sync::{Condvar, Mutex, MutexGuard, Parker, RwLock, RwLockReadGuard, RwLockWriteGuard, Semaphore};
#[cfg(target_os = "linux")]
pub use sys::linux::Errno;
