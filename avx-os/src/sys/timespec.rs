//! `Timespec`: the `struct timespec` of the 64-bit Unix targets avx supports (Linux, macOS,
//! FreeBSD), where both fields are 64 bits wide.

use core::time::Duration;

/// The C `struct timespec`.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Timespec {
    /// Whole seconds.
    pub tv_sec: i64,
    /// Nanoseconds, `0..1_000_000_000`.
    pub tv_nsec: i64,
}

impl Timespec {
    /// Converts a duration, saturating seconds at `i64::MAX`.
    pub fn from_duration(d: Duration) -> Timespec {
        Timespec { tv_sec: i64::try_from(d.as_secs()).unwrap_or(i64::MAX), tv_nsec: i64::from(d.subsec_nanos()) }
    }

    /// Nanoseconds since the clock's origin, saturating (negative times count as zero).
    pub fn as_nanos(self) -> u64 {
        let secs = u64::try_from(self.tv_sec).unwrap_or(0);
        secs.saturating_mul(1_000_000_000).saturating_add(u64::try_from(self.tv_nsec).unwrap_or(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duration_round_trips_through_nanos() {
        let d = Duration::new(3, 250);
        assert_eq!(Timespec::from_duration(d).as_nanos(), 3_000_000_250);
        assert_eq!(Timespec::from_duration(Duration::MAX).tv_sec, i64::MAX);
    }
}
