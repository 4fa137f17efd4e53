//! The futex system call: sleep while a 32-bit word holds an expected value, and wake
//! sleepers on that word. Private futexes (the word is never shared between processes).

#[cfg(not(loom))]
pub(crate) use core::sync::atomic::AtomicU32;
#[cfg(not(loom))]
pub use kernel::{wait, wake};
#[cfg(loom)]
pub(crate) use model::{wait, wake, AtomicU32};

#[cfg(not(loom))]
mod kernel {
    use super::super::errno::Errno;
    use super::super::{nr, syscall};
    use core::sync::atomic::AtomicU32;
    use core::time::Duration;

    const FUTEX_WAIT_PRIVATE: usize = 128;
    const FUTEX_WAKE_PRIVATE: usize = 1 | 128;

    /// The kernel's `struct timespec` on 64-bit Linux.
    #[repr(C)]
    struct Timespec {
        tv_sec: i64,
        tv_nsec: i64,
    }

    /// Sleeps while `*word == expected`, for at most `timeout` (`None`: no limit). Returns on a
    /// wake, a timeout, a signal, or at once if the word differs (callers re-check their
    /// state); `true` only if the timeout expired.
    pub fn wait(word: &AtomicU32, expected: u32, timeout: Option<Duration>) -> bool {
        let spec = timeout.map(|t| Timespec {
            tv_sec: i64::try_from(t.as_secs()).unwrap_or(i64::MAX),
            tv_nsec: i64::from(t.subsec_nanos()),
        });
        let spec_ptr = spec.as_ref().map_or(0, |s| s as *const Timespec as usize);
        let args = [word.as_ptr() as usize, FUTEX_WAIT_PRIVATE, expected as usize, spec_ptr, 0, 0];
        // SAFETY: `word` is a live 32-bit atomic and `spec_ptr` is null or a live timespec for
        // the duration of the call.
        match unsafe { syscall(nr::FUTEX, args) } {
            Err(Errno::ETIMEDOUT) => true,
            // Woken, or the word had changed, or interrupted: all mean "re-check".
            Ok(_) | Err(Errno::EAGAIN) | Err(Errno::EINTR) => false,
            Err(other) => panic!("futex wait failed unexpectedly: {other}"),
        }
    }

    /// Wakes up to `count` threads sleeping on `word`; returns how many were woken.
    pub fn wake(word: &AtomicU32, count: u32) -> usize {
        let args = [word.as_ptr() as usize, FUTEX_WAKE_PRIVATE, count as usize, 0, 0, 0];
        // SAFETY: `word` is a live 32-bit atomic; FUTEX_WAKE only uses its address.
        unsafe { syscall(nr::FUTEX, args) }.unwrap_or(0)
    }
}

/// Under loom: a futex wait is a yield (a legal spurious wake-up), a wake does nothing, so
/// a lost wake-up shows up as a waiter spinning forever, which loom reports.
#[cfg(loom)]
mod model {
    use core::sync::atomic::Ordering::SeqCst;
    use core::time::Duration;
    pub(crate) use loom::sync::atomic::AtomicU32;

    pub(crate) fn wait(word: &AtomicU32, expected: u32, _timeout: Option<Duration>) -> bool {
        if word.load(SeqCst) == expected {
            loom::thread::yield_now();
        }
        false
    }

    pub(crate) fn wake(_word: &AtomicU32, _count: u32) -> usize {
        0
    }
}
