//! avx-os: the platform layer of avx. Raw system calls, the OS reactor implementing
//! avx-core's `Park`/`Reactor` traits, and blocking futex-based synchronisation primitives.
//!
//! So far: Linux system calls through inline assembly (x86_64 and aarch64), the futex
//! thread `Parker`, `Mutex`, `RwLock`, `Condvar` and `Semaphore`. The epoll reactor and the other blocking primitives come next.
#![no_std]
#![warn(missing_docs)]

#[cfg(test)]
extern crate std;

#[cfg(target_os = "linux")]
pub mod linux;

#[cfg(target_os = "linux")]
pub use linux::{
    errno::Errno,
    mutex::{Mutex, MutexGuard},
    parker::Parker,
    rwlock::{RwLock, RwLockReadGuard, RwLockWriteGuard},
    semaphore::Semaphore,
};
