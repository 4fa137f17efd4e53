//! The address wait on macOS: `__ulock_wait`/`__ulock_wake`, the kernel primitive under
//! libc++'s `std::atomic::wait` and Rust std's own parker (present since macOS 10.12).
//!
//! Why not `os_sync_wait_on_address`: it is the documented API but needs macOS 14.4; the
//! `__ulock` calls are private yet are what shipped binaries depend on, so they stay stable.

use core::ffi::{c_int, c_void};
use core::sync::atomic::AtomicU32;
use core::time::Duration;

use super::Errno;

/// Compare the 32-bit word at the address with the expected value, sleep if equal.
const UL_COMPARE_AND_WAIT: u32 = 1;
/// Wake every waiter instead of one.
const ULF_WAKE_ALL: u32 = 0x100;
/// Return `-errno` instead of setting `errno`.
const ULF_NO_ERRNO: u32 = 0x0100_0000;

#[link(name = "System")]
extern "C" {
    fn __ulock_wait(operation: u32, addr: *mut c_void, value: u64, timeout_us: u32) -> c_int;
    fn __ulock_wake(operation: u32, addr: *mut c_void, wake_value: u64) -> c_int;
}

/// Sleeps while `*word == expected`, for at most `timeout` (microsecond resolution, rounded
/// up). `Err(ETIMEDOUT)` on timeout, `Err(EINTR)` on a signal; a timeout too long for the
/// call's 32-bit microsecond count returns `Ok` early (a spurious wake-up, callers re-check).
pub fn futex_wait(word: &AtomicU32, expected: u32, timeout: Option<Duration>) -> Result<usize, Errno> {
    let (timeout_us, capped) = match timeout {
        // 0 means "no timeout" to the kernel.
        None => (0, false),
        Some(d) => match u32::try_from(d.as_nanos().div_ceil(1000)) {
            Ok(us) => (us.max(1), false),
            Err(_) => (u32::MAX, true),
        },
    };
    // SAFETY: `word` is a live, aligned u32 for the whole call; the kernel only reads it.
    let ret = unsafe {
        __ulock_wait(UL_COMPARE_AND_WAIT | ULF_NO_ERRNO, word.as_ptr().cast(), u64::from(expected), timeout_us)
    };
    match ret {
        n if n >= 0 => Ok(n as usize),
        n if Errno(-n) == Errno::ETIMEDOUT && capped => Ok(0),
        n => Err(Errno(-n)),
    }
}

/// Wakes one thread waiting on `word` (`count == 1`) or all of them (any other count).
pub fn futex_wake(word: &AtomicU32, count: u32) -> Result<usize, Errno> {
    let all = if count == 1 { 0 } else { ULF_WAKE_ALL };
    // SAFETY: `word` is a live, aligned u32; wake only uses its address as a key.
    let ret = unsafe { __ulock_wake(UL_COMPARE_AND_WAIT | ULF_NO_ERRNO | all, word.as_ptr().cast(), 0) };
    match ret {
        n if n >= 0 => Ok(n as usize),
        // ENOENT: nobody was waiting.
        n if Errno(-n) == Errno::ENOENT => Ok(0),
        n => Err(Errno(-n)),
    }
}
