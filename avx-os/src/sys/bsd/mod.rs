//! macOS and FreeBSD through their C library (`extern "C"` declarations written here; macOS
//! has no stable system-call ABI). Wrappers return `Result<usize, Errno>` like Linux's.

mod errno;
pub mod kqueue;
pub mod net;
#[cfg(target_os = "macos")]
mod ulock;
#[cfg(target_os = "freebsd")]
mod umtx;

use core::ffi::c_int;

pub use super::{Errno, Timespec};
#[cfg(target_os = "macos")]
pub use ulock::{futex_wait, futex_wake};
#[cfg(target_os = "freebsd")]
pub use umtx::{futex_wait, futex_wake};

#[cfg_attr(target_os = "macos", link(name = "System"))]
#[cfg_attr(target_os = "freebsd", link(name = "c"))]
extern "C" {
    #[link_name = "read"]
    fn c_read(fd: c_int, buf: *mut u8, len: usize) -> isize;
    #[link_name = "write"]
    fn c_write(fd: c_int, buf: *const u8, len: usize) -> isize;
    #[link_name = "close"]
    fn c_close(fd: c_int) -> c_int;
    fn fcntl(fd: c_int, cmd: c_int, ...) -> c_int;
    fn clock_gettime(clock: c_int, ts: *mut Timespec) -> c_int;
    /// The calling thread's `errno` (the same symbol on both systems).
    fn __error() -> *mut c_int;
}

/// The calling thread's last error.
pub(crate) fn errno() -> Errno {
    // SAFETY: `__error` returns a valid pointer to the calling thread's errno.
    Errno(unsafe { *__error() })
}

/// Turns a C return value (-1 with `errno` set on failure) into a `Result`.
pub(crate) fn check(ret: isize) -> Result<usize, Errno> {
    if ret == -1 {
        Err(errno())
    } else {
        Ok(ret as usize)
    }
}

/// Retries `f` while it fails with `EINTR`.
pub(crate) fn retry_eintr(mut f: impl FnMut() -> Result<usize, Errno>) -> Result<usize, Errno> {
    loop {
        match f() {
            Err(Errno::EINTR) => continue,
            other => return other,
        }
    }
}

/// `read(2)` into `buf`; retried on `EINTR`.
pub fn read(fd: i32, buf: &mut [u8]) -> Result<usize, Errno> {
    // SAFETY: the pointer/length pair describes `buf`, writable for its whole length.
    retry_eintr(|| check(unsafe { c_read(fd, buf.as_mut_ptr(), buf.len()) }))
}

/// `write(2)` from `buf`; retried on `EINTR`.
pub fn write(fd: i32, buf: &[u8]) -> Result<usize, Errno> {
    // SAFETY: the pointer/length pair describes `buf`, readable for its whole length.
    retry_eintr(|| check(unsafe { c_write(fd, buf.as_ptr(), buf.len()) }))
}

/// `close(2)`. Not retried: both systems release the descriptor even when `EINTR` is returned.
pub fn close(fd: i32) -> Result<usize, Errno> {
    // SAFETY: close takes no pointers; a bad fd is reported as EBADF.
    check(unsafe { c_close(fd) } as isize)
}

/// Sets `FD_CLOEXEC` on `fd` (for descriptors created without an atomic close-on-exec flag).
pub fn set_cloexec(fd: i32) -> Result<usize, Errno> {
    const F_SETFD: c_int = 2;
    const FD_CLOEXEC: c_int = 1;
    // SAFETY: F_SETFD takes one int argument; no pointers.
    check(unsafe { fcntl(fd, F_SETFD, FD_CLOEXEC) } as isize)
}

/// `CLOCK_MONOTONIC`.
#[cfg(target_os = "macos")]
pub(crate) const CLOCK_MONOTONIC: c_int = 6;
/// `CLOCK_MONOTONIC`.
#[cfg(target_os = "freebsd")]
pub(crate) const CLOCK_MONOTONIC: c_int = 4;

/// `clock_gettime(CLOCK_MONOTONIC)`.
pub fn clock_monotonic() -> Result<Timespec, Errno> {
    let mut ts = Timespec::default();
    // SAFETY: `ts` is a writable timespec alive for the call.
    check(unsafe { clock_gettime(CLOCK_MONOTONIC, &mut ts) } as isize)?;
    Ok(ts)
}
