//! Windows through its system DLLs (`extern "system"` declarations written here): handles,
//! the I/O completion port, the performance counter and `WaitOnAddress`. Errors: `Errno`.

pub(crate) mod afd;
mod errno;
pub(crate) mod iocp;
pub mod net;

use core::ffi::c_void;
use core::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use core::time::Duration;

pub use super::Errno;

/// A kernel object handle (`HANDLE`), as an integer so that owners stay `Send + Sync`.
pub type Handle = isize;
/// `INVALID_HANDLE_VALUE`.
pub const INVALID_HANDLE_VALUE: Handle = -1;
/// `ERROR_TIMEOUT`: a `WaitOnAddress` timed out.
const ERROR_TIMEOUT: u32 = 1460;
/// `INFINITE` milliseconds.
pub const INFINITE: u32 = u32::MAX;

#[link(name = "kernel32")]
extern "system" {
    fn CloseHandle(handle: Handle) -> i32;
    fn GetLastError() -> u32;
    fn QueryPerformanceCounter(count: *mut i64) -> i32;
    fn QueryPerformanceFrequency(frequency: *mut i64) -> i32;
    fn SetConsoleCtrlHandler(handler: Option<ConsoleCtrlHandler>, add: i32) -> i32;
}

/// A console control handler: gets the event (`CTRL_C_EVENT`, ...) and returns non-zero if
/// it handled it (otherwise the next handler runs, and in the end the process exits).
pub(crate) type ConsoleCtrlHandler = unsafe extern "system" fn(event: u32) -> i32;

#[link(name = "synchronization")]
extern "system" {
    fn WaitOnAddress(address: *const c_void, compare: *const c_void, size: usize, millis: u32) -> i32;
    fn WakeByAddressSingle(address: *const c_void);
    fn WakeByAddressAll(address: *const c_void);
}

/// The calling thread's last Win32 error.
pub fn last_error() -> Errno {
    // SAFETY: no arguments; reads thread-local state.
    Errno(unsafe { GetLastError() } as i32)
}

/// Turns a `BOOL` result into a `Result`, reading `GetLastError` on failure.
pub(crate) fn check_bool(ok: i32) -> Result<(), Errno> {
    if ok != 0 {
        Ok(())
    } else {
        Err(last_error())
    }
}

/// `CloseHandle`.
pub(crate) fn close_handle(handle: Handle) -> Result<(), Errno> {
    // SAFETY: takes no pointers; a bad handle is reported as an error.
    check_bool(unsafe { CloseHandle(handle) })
}

/// Adds `handler` to the process's console control handlers; the system runs it on a
/// thread of its own for every event.
pub(crate) fn add_console_ctrl_handler(handler: ConsoleCtrlHandler) -> Result<(), Errno> {
    // SAFETY: `handler` is a function for the whole life of the process.
    check_bool(unsafe { SetConsoleCtrlHandler(Some(handler), 1) })
}

/// Milliseconds for a Win32 wait, rounded up so a short timer is not a busy poll, and
/// whether the value had to be capped below `INFINITE` (the wait then ends early).
pub fn timeout_ms(timeout: Option<Duration>) -> (u32, bool) {
    match timeout {
        None => (INFINITE, false),
        Some(d) => match u32::try_from(d.as_nanos().div_ceil(1_000_000)) {
            Ok(ms) if ms < INFINITE => (ms, false),
            _ => (INFINITE - 1, true),
        },
    }
}

/// `WaitOnAddress` on a 32-bit word: sleeps while `*word == expected`, up to `timeout`.
/// `Err(ETIMEDOUT)` on timeout; a timeout beyond the 32-bit millisecond range returns `Ok`
/// early (a spurious wake-up: callers re-check).
pub fn futex_wait(word: &AtomicU32, expected: u32, timeout: Option<Duration>) -> Result<usize, Errno> {
    let (millis, capped) = timeout_ms(timeout);
    let compare = expected;
    // SAFETY: `word` and `compare` are live, aligned 4-byte values for the whole call.
    let ok = unsafe { WaitOnAddress(word.as_ptr().cast(), (&compare as *const u32).cast(), 4, millis) };
    if ok != 0 {
        return Ok(0);
    }
    match last_error() {
        Errno(code) if code as u32 == ERROR_TIMEOUT && !capped => Err(Errno::ETIMEDOUT),
        Errno(code) if code as u32 == ERROR_TIMEOUT => Ok(0),
        other => Err(other),
    }
}

/// Wakes one thread waiting on `word` (`count == 1`) or all of them (any other count).
pub fn futex_wake(word: &AtomicU32, count: u32) -> Result<usize, Errno> {
    let address = word.as_ptr().cast_const().cast();
    // SAFETY: the address is only used as a key; waking never dereferences it.
    unsafe {
        if count == 1 {
            WakeByAddressSingle(address);
        } else {
            WakeByAddressAll(address);
        }
    }
    Ok(0)
}

/// Nanoseconds on the performance counter (monotonic; origin at boot).
pub fn performance_counter_nanos() -> u64 {
    static FREQUENCY: AtomicU64 = AtomicU64::new(0);
    let mut frequency = FREQUENCY.load(Ordering::Relaxed);
    if frequency == 0 {
        let mut f = 0i64;
        // SAFETY: `f` is a writable i64; the call cannot fail on Windows XP and later.
        unsafe { QueryPerformanceFrequency(&mut f) };
        frequency = u64::try_from(f).unwrap_or(1).max(1);
        FREQUENCY.store(frequency, Ordering::Relaxed);
    }
    let mut count = 0i64;
    // SAFETY: `count` is a writable i64; the call cannot fail on Windows XP and later.
    unsafe { QueryPerformanceCounter(&mut count) };
    let nanos = u128::try_from(count).unwrap_or(0) * 1_000_000_000 / u128::from(frequency);
    u64::try_from(nanos).unwrap_or(u64::MAX)
}
