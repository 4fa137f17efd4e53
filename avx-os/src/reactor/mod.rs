//! The OS reactor: a shared I/O `Driver` and the per-worker `OsPark` that implements
//! avx-core's `Park`/`Reactor`, over one poller backend per platform behind `cfg`.

#[cfg(any(test, windows))]
mod afd_ready;
mod driver;
#[cfg(target_os = "linux")]
mod epoll;
#[cfg(windows)]
mod iocp;
#[cfg(any(test, target_os = "macos", target_os = "freebsd"))]
mod kevent_ready;
#[cfg(any(target_os = "macos", target_os = "freebsd"))]
mod kqueue;
mod slab;
mod wakeup;

pub use driver::{Driver, OsPark, OsRegistry, OsUnparker};
#[cfg(target_os = "linux")]
use epoll::Epoll as Backend;
#[cfg(windows)]
pub(crate) use iocp::rearm as iocp_rearm;
#[cfg(windows)]
use iocp::Iocp as Backend;
#[cfg(any(target_os = "macos", target_os = "freebsd"))]
use kqueue::Kqueue as Backend;

#[cfg(all(test, target_os = "linux"))]
mod tests;
