//! Raw operating-system interfaces, one submodule per platform behind `cfg`; `os` names the
//! current one. Linux talks to the kernel through `asm!`, other systems through their C library.

mod errno;
pub mod sockaddr;
#[cfg(unix)]
mod timespec;

#[cfg(any(target_os = "macos", target_os = "freebsd"))]
pub mod bsd;
#[cfg(target_os = "linux")]
pub mod linux;
#[cfg(windows)]
pub mod windows;

#[cfg(any(target_os = "macos", target_os = "freebsd"))]
pub use bsd as os;
pub use errno::Errno;
#[cfg(target_os = "linux")]
pub use linux as os;
#[cfg(unix)]
pub use timespec::Timespec;
#[cfg(windows)]
pub use windows as os;
