//! `MonotonicClock`: avx-core's `Clock` backed by the system's monotonic clock
//! (`CLOCK_MONOTONIC` on Unix, `QueryPerformanceCounter` on Windows), in nanoseconds.

use avx_core::{Clock, Ticks};

/// The system monotonic clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct MonotonicClock;

impl Clock for MonotonicClock {
    fn now(&self) -> Ticks {
        Ticks(now_nanos())
    }
}

#[cfg(unix)]
fn now_nanos() -> u64 {
    // CLOCK_MONOTONIC cannot fail with valid arguments; ZERO is a safe floor if it did.
    crate::sys::os::clock_monotonic().unwrap_or_default().as_nanos()
}

#[cfg(windows)]
fn now_nanos() -> u64 {
    crate::sys::windows::performance_counter_nanos()
}
