//! The OS reactor: a shared I/O `Driver` and the per-worker `OsPark` that implements
//! avx-core's `Park`/`Reactor`. One backend file per platform behind `cfg`.

#[cfg(target_os = "linux")]
mod epoll;
mod slab;
mod wakeup;

#[cfg(target_os = "linux")]
pub use epoll::{Driver, OsPark, OsRegistry, OsUnparker};

#[cfg(test)]
mod tests;
