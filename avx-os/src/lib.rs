//! avx-os: the platform layer of avx. Raw system interfaces, the OS reactor implementing
//! avx-core's `Park`/`Reactor` traits, and blocking futex-style synchronisation primitives.
#![no_std]
#![warn(missing_docs)]

#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "freebsd", windows)))]
compile_error!("avx-os supports Linux, macOS, FreeBSD and Windows; elsewhere implement avx-core's Park/Reactor");

extern crate alloc;
#[cfg(test)]
extern crate std;

pub mod clock;
#[cfg(unix)]
pub mod fd;
pub mod net;
#[cfg(unix)]
pub mod process;
pub mod reactor;
pub mod signal;
pub mod sync;
pub mod sys;

pub use clock::MonotonicClock;
pub use reactor::{Driver, OsPark, OsRegistry, OsUnparker};
pub use sync::{Condvar, Mutex, MutexGuard, Parker, RwLock, RwLockReadGuard, RwLockWriteGuard, Semaphore};
pub use sys::Errno;
