//! macOS and FreeBSD through their C library (`extern "C"` declarations written here; macOS
//! has no stable system-call ABI). Wrappers return `Result`s with `Errno` like Linux's, and
//! those taking a raw descriptor are crate-private as there.

mod errno;
pub(crate) mod kqueue;
pub mod net;
pub(crate) mod process;
pub mod signal;
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
    #[link_name = "fcntl"]
    fn c_fcntl(fd: c_int, cmd: c_int, ...) -> c_int;
    #[link_name = "pipe"]
    fn c_pipe(fds: *mut c_int) -> c_int;
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
pub(crate) fn read(fd: i32, buf: &mut [u8]) -> Result<usize, Errno> {
    // SAFETY: the pointer/length pair describes `buf`, writable for its whole length.
    retry_eintr(|| check(unsafe { c_read(fd, buf.as_mut_ptr(), buf.len()) }))
}

/// `write(2)` from `buf`; retried on `EINTR`.
pub(crate) fn write(fd: i32, buf: &[u8]) -> Result<usize, Errno> {
    // SAFETY: the pointer/length pair describes `buf`, readable for its whole length.
    retry_eintr(|| check(unsafe { c_write(fd, buf.as_ptr(), buf.len()) }))
}

/// `close(2)`. Not retried: both systems release the descriptor even when `EINTR` is returned.
pub(crate) fn close(fd: i32) -> Result<usize, Errno> {
    // SAFETY: close takes no pointers; a bad fd is reported as EBADF.
    check(unsafe { c_close(fd) } as isize)
}

/// Sets `FD_CLOEXEC` on `fd` (for descriptors created without an atomic close-on-exec flag).
pub(crate) fn set_cloexec(fd: i32) -> Result<usize, Errno> {
    const F_SETFD: i32 = 2;
    const FD_CLOEXEC: usize = 1;
    fcntl(fd, F_SETFD, FD_CLOEXEC)
}

/// `O_NONBLOCK`, a file status flag ([`F_GETFL`]/[`F_SETFL`]).
pub(crate) const O_NONBLOCK: usize = 0x0004;
/// `fcntl` command: read the file status flags.
pub(crate) const F_GETFL: i32 = 3;
/// `fcntl` command: set the file status flags.
pub(crate) const F_SETFL: i32 = 4;
/// `fcntl` command: duplicate to the lowest free number with close-on-exec set.
#[cfg(target_os = "macos")]
pub(crate) const F_DUPFD_CLOEXEC: i32 = 67;
/// `fcntl` command: duplicate to the lowest free number with close-on-exec set.
#[cfg(target_os = "freebsd")]
pub(crate) const F_DUPFD_CLOEXEC: i32 = 17;

/// `fcntl(2)` with an integer argument (every command avx uses takes one or none).
pub(crate) fn fcntl(fd: i32, cmd: i32, arg: usize) -> Result<usize, Errno> {
    // The variadic argument is read as an int by every command avx passes.
    let arg = arg as c_int;
    // SAFETY: the commands avx passes take an integer, never a pointer.
    check(unsafe { c_fcntl(fd, cmd, arg) } as isize)
}

/// Makes a descriptor created without atomic flags close-on-exec and nonblocking.
pub(crate) fn set_cloexec_nonblocking(fd: i32) -> Result<(), Errno> {
    set_cloexec(fd)?;
    let flags = fcntl(fd, F_GETFL, 0)?;
    fcntl(fd, F_SETFL, flags | O_NONBLOCK).map(drop)
}

/// A pipe with both ends nonblocking and close-on-exec: `[read end, write end]`. (`pipe` and
/// then `fcntl`, so a `fork`+`exec` racing on another thread could inherit the descriptors.)
pub(crate) fn pipe() -> Result<[i32; 2], Errno> {
    let mut fds = [0 as c_int; 2];
    // SAFETY: `fds` is a writable int[2].
    check(unsafe { c_pipe(fds.as_mut_ptr()) } as isize)?;
    if let Err(e) = set_cloexec_nonblocking(fds[0]).and_then(|()| set_cloexec_nonblocking(fds[1])) {
        let _ = close(fds[0]);
        let _ = close(fds[1]);
        return Err(e);
    }
    Ok(fds)
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
