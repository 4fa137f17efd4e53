//! Linux system calls: per-architecture `asm!` entry points and typed wrappers.
//! Every wrapper returns a `Result` with `Errno`; blocking ones retry on `EINTR`. Wrappers that
//! take a raw descriptor are crate-private: outside code reaches descriptors through owners.

#[cfg_attr(target_arch = "x86_64", path = "x86_64.rs")]
#[cfg_attr(target_arch = "aarch64", path = "aarch64.rs")]
mod arch;
pub(crate) mod epoll;
mod errno;
pub mod net;
pub(crate) mod process;
pub mod signal;

pub use super::{sockaddr, Errno, Timespec};
pub use arch::nr;

/// Turns a raw kernel return value (negative errno on failure) into a `Result`.
fn check(ret: isize) -> Result<usize, Errno> {
    if (-4095..0).contains(&ret) {
        Err(Errno(-ret as i32))
    } else {
        Ok(ret as usize)
    }
}

/// Retries `f` while it fails with `EINTR`.
fn retry_eintr(mut f: impl FnMut() -> Result<usize, Errno>) -> Result<usize, Errno> {
    loop {
        match f() {
            Err(Errno::EINTR) => continue,
            other => return other,
        }
    }
}

/// `read(2)` into `buf`; retried on `EINTR`.
pub(crate) fn read(fd: i32, buf: &mut [u8]) -> Result<usize, Errno> {
    retry_eintr(|| {
        // SAFETY: the pointer/length pair describes `buf`, writable for its whole length.
        check(unsafe { arch::syscall3(nr::READ, fd as usize, buf.as_mut_ptr() as usize, buf.len()) })
    })
}

/// `write(2)` from `buf`; retried on `EINTR`.
pub(crate) fn write(fd: i32, buf: &[u8]) -> Result<usize, Errno> {
    retry_eintr(|| {
        // SAFETY: the pointer/length pair describes `buf`, readable for its whole length.
        check(unsafe { arch::syscall3(nr::WRITE, fd as usize, buf.as_ptr() as usize, buf.len()) })
    })
}

/// `close(2)`. Not retried: on Linux the descriptor is released even when `EINTR` is returned.
pub(crate) fn close(fd: i32) -> Result<usize, Errno> {
    // SAFETY: close takes no pointers; a bad fd is reported as EBADF.
    check(unsafe { arch::syscall1(nr::CLOSE, fd as usize) })
}

/// `eventfd2(2)` with the given initial value and flags (e.g. `EFD_NONBLOCK | EFD_CLOEXEC`).
pub(crate) fn eventfd2(initval: u32, flags: i32) -> Result<usize, Errno> {
    // SAFETY: eventfd2 takes no pointers.
    check(unsafe { arch::syscall2(nr::EVENTFD2, initval as usize, flags as usize) })
}

/// `EFD_CLOEXEC` flag for [`eventfd2`].
pub(crate) const EFD_CLOEXEC: i32 = 0o2000000;
/// `EFD_NONBLOCK` flag for [`eventfd2`].
pub(crate) const EFD_NONBLOCK: i32 = 0o4000;

/// `O_NONBLOCK`, a file status flag ([`F_GETFL`]/[`F_SETFL`]).
pub(crate) const O_NONBLOCK: usize = 0o4000;
const O_CLOEXEC: usize = 0o2000000;
/// `fcntl` command: read the file status flags.
pub(crate) const F_GETFL: i32 = 3;
/// `fcntl` command: set the file status flags.
pub(crate) const F_SETFL: i32 = 4;
/// `fcntl` command: duplicate to the lowest free number with close-on-exec set.
pub(crate) const F_DUPFD_CLOEXEC: i32 = 1030;

/// `fcntl(2)` with an integer argument (every command avx uses takes one or none).
pub(crate) fn fcntl(fd: i32, cmd: i32, arg: usize) -> Result<usize, Errno> {
    // SAFETY: the commands avx passes take an integer, never a pointer.
    check(unsafe { arch::syscall3(nr::FCNTL, fd as usize, cmd as usize, arg) })
}

/// `pipe2(O_CLOEXEC | O_NONBLOCK)`: `[read end, write end]`.
pub(crate) fn pipe() -> Result<[i32; 2], Errno> {
    let mut fds = [0i32; 2];
    // SAFETY: `fds` is a writable int[2].
    check(unsafe { arch::syscall2(nr::PIPE2, fds.as_mut_ptr() as usize, O_CLOEXEC | O_NONBLOCK) })?;
    Ok(fds)
}

/// `futex(FUTEX_WAIT_PRIVATE)`: sleeps while `*word == expected`, up to `timeout` if given.
/// Returns `Err(EAGAIN)` if the word differed, `Err(ETIMEDOUT)` on timeout, `Err(EINTR)` on a
/// signal (not retried: callers re-check their state in a loop anyway).
pub fn futex_wait(
    word: &core::sync::atomic::AtomicU32,
    expected: u32,
    timeout: Option<core::time::Duration>,
) -> Result<usize, Errno> {
    let ts = timeout.map(Timespec::from_duration);
    let ts_ptr = ts.as_ref().map_or(0, |t| t as *const Timespec as usize);
    // SAFETY: `word` is a live, aligned u32; `ts_ptr` is null or points at `ts`, alive for the
    // whole call. The kernel only reads both.
    check(unsafe { arch::syscall4(nr::FUTEX, word.as_ptr() as usize, FUTEX_WAIT_PRIVATE, expected as usize, ts_ptr) })
}

/// `futex(FUTEX_WAKE_PRIVATE)`: wakes up to `count` threads waiting on `word`; returns how many.
pub fn futex_wake(word: &core::sync::atomic::AtomicU32, count: u32) -> Result<usize, Errno> {
    // SAFETY: `word` is a live, aligned u32; wake never dereferences it beyond hashing its address.
    check(unsafe { arch::syscall3(nr::FUTEX, word.as_ptr() as usize, FUTEX_WAKE_PRIVATE, count as usize) })
}

const FUTEX_WAIT_PRIVATE: usize = 128;
const FUTEX_WAKE_PRIVATE: usize = 128 | 1;

/// `clock_gettime(CLOCK_MONOTONIC)`.
pub fn clock_monotonic() -> Result<Timespec, Errno> {
    let mut ts = Timespec::default();
    // SAFETY: `ts` is a writable timespec alive for the call.
    check(unsafe { arch::syscall2(nr::CLOCK_GETTIME, CLOCK_MONOTONIC, &mut ts as *mut Timespec as usize) })?;
    Ok(ts)
}

const CLOCK_MONOTONIC: usize = 1;

#[cfg(test)]
mod tests {
    use super::*;
    use core::sync::atomic::AtomicU32;

    #[test]
    fn eventfd_write_then_read_returns_the_sum() {
        let fd = eventfd2(0, EFD_CLOEXEC | EFD_NONBLOCK).unwrap() as i32;
        write(fd, &3u64.to_ne_bytes()).unwrap();
        write(fd, &4u64.to_ne_bytes()).unwrap();
        let mut buf = [0u8; 8];
        assert_eq!(read(fd, &mut buf), Ok(8));
        assert_eq!(u64::from_ne_bytes(buf), 7);
        assert_eq!(read(fd, &mut buf), Err(Errno::EAGAIN));
        close(fd).unwrap();
    }

    #[test]
    fn bad_fd_maps_to_ebadf() {
        assert_eq!(close(-1), Err(Errno::EBADF));
    }

    #[test]
    fn futex_wait_with_mismatched_value_returns_eagain() {
        let w = AtomicU32::new(1);
        assert_eq!(futex_wait(&w, 0, None), Err(Errno::EAGAIN));
        assert_eq!(futex_wake(&w, 1), Ok(0));
    }

    #[test]
    fn monotonic_clock_never_goes_back() {
        let a = clock_monotonic().unwrap();
        let b = clock_monotonic().unwrap();
        assert!((b.tv_sec, b.tv_nsec) >= (a.tv_sec, a.tv_nsec));
    }
}
