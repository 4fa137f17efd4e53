//! `MonotonicClock`: avx-core's `Clock` backed by `clock_gettime(CLOCK_MONOTONIC)`.
//! Ticks are nanoseconds since boot (the kernel's monotonic origin).

use avx_core::{Clock, Ticks};

use crate::sys::linux::clock_monotonic;

/// The system monotonic clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct MonotonicClock;

impl Clock for MonotonicClock {
    fn now(&self) -> Ticks {
        // CLOCK_MONOTONIC cannot fail on any supported kernel; ZERO is a safe floor if it did.
        let ts = clock_monotonic().unwrap_or_default();
        Ticks((ts.tv_sec as u64).saturating_mul(1_000_000_000).saturating_add(ts.tv_nsec as u64))
    }
}
