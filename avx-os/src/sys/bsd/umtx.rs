//! The address wait on FreeBSD: `_umtx_op` with `UMTX_OP_WAIT_UINT_PRIVATE` and
//! `UMTX_OP_WAKE_PRIVATE`, the process-private futex-like operations on a 32-bit word.

use core::ffi::{c_int, c_ulong, c_void};
use core::sync::atomic::AtomicU32;
use core::time::Duration;

use super::{check, Errno, Timespec, CLOCK_MONOTONIC};

const UMTX_OP_WAIT_UINT_PRIVATE: c_int = 15;
const UMTX_OP_WAKE_PRIVATE: c_int = 16;

/// `struct _umtx_time`: a timeout with its clock; `flags == 0` makes it relative.
#[repr(C)]
struct UmtxTime {
    timeout: Timespec,
    flags: u32,
    clock_id: u32,
}

#[link(name = "c")]
extern "C" {
    fn _umtx_op(obj: *mut c_void, op: c_int, val: c_ulong, uaddr: *mut c_void, uaddr2: *mut c_void) -> c_int;
}

/// Sleeps while `*word == expected`, for at most `timeout` (measured on the monotonic clock).
/// `Err(ETIMEDOUT)` on timeout, `Err(EINTR)` on a signal.
pub fn futex_wait(word: &AtomicU32, expected: u32, timeout: Option<Duration>) -> Result<usize, Errno> {
    let mut time =
        timeout.map(|d| UmtxTime { timeout: Timespec::from_duration(d), flags: 0, clock_id: CLOCK_MONOTONIC as u32 });
    // The kernel tells a `_umtx_time` from a bare timespec by the size passed in `uaddr`.
    let (size, ptr) = match time.as_mut() {
        Some(t) => (core::mem::size_of::<UmtxTime>(), t as *mut UmtxTime as *mut c_void),
        None => (0, core::ptr::null_mut()),
    };
    // SAFETY: `word` is a live, aligned u32 the kernel only reads; `ptr` is null or points at
    // `time`, alive for the whole call, and `size` is its size.
    check(unsafe {
        _umtx_op(word.as_ptr().cast(), UMTX_OP_WAIT_UINT_PRIVATE, c_ulong::from(expected), size as *mut c_void, ptr)
    } as isize)
}

/// Wakes up to `count` threads waiting on `word`.
pub fn futex_wake(word: &AtomicU32, count: u32) -> Result<usize, Errno> {
    let count = c_ulong::from(count.min(i32::MAX as u32));
    // SAFETY: `word` is a live, aligned u32; wake only uses its address as a key.
    check(unsafe {
        _umtx_op(word.as_ptr().cast(), UMTX_OP_WAKE_PRIVATE, count, core::ptr::null_mut(), core::ptr::null_mut())
    } as isize)
}
