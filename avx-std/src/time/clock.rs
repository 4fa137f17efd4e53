//! The runtime's time source: a monotonic std clock measured from one process-wide origin,
//! and `Instant`, which reads a paused runtime's virtual time where there is one.

use avx_core::{Clock, Ticks};
use std::fmt;
use std::ops::{Add, AddAssign, Sub, SubAssign};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;
use std::time::Duration;

static ORIGIN: OnceLock<std::time::Instant> = OnceLock::new();

/// How far before its first use the origin lies, so that instants a little in the past
/// (`Instant::now() - Duration::from_secs(1)` early in a process) still convert exactly.
const ORIGIN_BACKDATE: Duration = Duration::from_secs(24 * 60 * 60);

fn origin() -> std::time::Instant {
    *ORIGIN.get_or_init(|| {
        let now = std::time::Instant::now();
        now.checked_sub(ORIGIN_BACKDATE).unwrap_or(now)
    })
}

/// Whether any runtime's clock was ever paused: until then every runtime's clock reads the
/// same as std's, so `Instant::now` need not look for the current runtime.
static EVER_PAUSED: AtomicBool = AtomicBool::new(false);

/// Called before a runtime's clock is first paused.
pub(crate) fn note_paused() {
    EVER_PAUSED.store(true, Ordering::SeqCst);
}

/// `std::time::Instant` as `Ticks` (nanoseconds since the process-wide origin).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct StdClock;

impl Clock for StdClock {
    fn now(&self) -> Ticks {
        to_ticks(std::time::Instant::now())
    }
}

fn to_ticks(instant: std::time::Instant) -> Ticks {
    let nanos = instant.saturating_duration_since(origin()).as_nanos();
    Ticks(u64::try_from(nanos).unwrap_or(u64::MAX))
}

/// A measurement of the runtime's monotonic clock. Inside a runtime whose time is paused it
/// reads the virtual time; elsewhere it is `std::time::Instant`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant(std::time::Instant);

impl Instant {
    /// The current time of the current runtime's clock (the real clock outside a runtime,
    /// the virtual clock inside `avx_std::sim`).
    pub fn now() -> Instant {
        if let Some(timer) = avx_core::time::Handle::try_current() {
            return Instant::from_ticks(timer.now());
        }
        if !EVER_PAUSED.load(Ordering::Acquire) {
            return Instant(std::time::Instant::now());
        }
        let ticks = crate::runtime::context::with_current(|handle| handle.time().now());
        match ticks {
            Ok(ticks) => Instant::from_ticks(ticks),
            Err(_) => Instant(std::time::Instant::now()),
        }
    }

    pub(crate) fn from_ticks(ticks: Ticks) -> Instant {
        Instant(origin() + Duration::from_nanos(ticks.0))
    }

    pub(crate) fn into_ticks(self) -> Ticks {
        to_ticks(self.0)
    }

    /// From a `std::time::Instant`.
    pub fn from_std(instant: std::time::Instant) -> Instant {
        Instant(instant)
    }

    /// As a `std::time::Instant`.
    pub fn into_std(self) -> std::time::Instant {
        self.0
    }

    /// Time from `earlier` to `self`, or zero if `earlier` is later.
    pub fn duration_since(&self, earlier: Instant) -> Duration {
        self.0.saturating_duration_since(earlier.0)
    }

    /// Same as [`Instant::duration_since`].
    pub fn saturating_duration_since(&self, earlier: Instant) -> Duration {
        self.duration_since(earlier)
    }

    /// Time from `earlier` to `self`, or `None` if `earlier` is later.
    pub fn checked_duration_since(&self, earlier: Instant) -> Option<Duration> {
        self.0.checked_duration_since(earlier.0)
    }

    /// Time elapsed since this instant, on the runtime's clock.
    pub fn elapsed(&self) -> Duration {
        Instant::now().duration_since(*self)
    }

    /// `self + duration`, or `None` on overflow.
    pub fn checked_add(&self, duration: Duration) -> Option<Instant> {
        self.0.checked_add(duration).map(Instant)
    }

    /// `self - duration`, or `None` on underflow.
    pub fn checked_sub(&self, duration: Duration) -> Option<Instant> {
        self.0.checked_sub(duration).map(Instant)
    }
}

impl From<std::time::Instant> for Instant {
    fn from(instant: std::time::Instant) -> Instant {
        Instant(instant)
    }
}

impl From<Instant> for std::time::Instant {
    fn from(instant: Instant) -> std::time::Instant {
        instant.0
    }
}

impl Add<Duration> for Instant {
    type Output = Instant;
    fn add(self, rhs: Duration) -> Instant {
        Instant(self.0 + rhs)
    }
}

impl AddAssign<Duration> for Instant {
    fn add_assign(&mut self, rhs: Duration) {
        self.0 += rhs;
    }
}

impl Sub<Duration> for Instant {
    type Output = Instant;
    fn sub(self, rhs: Duration) -> Instant {
        Instant(self.0 - rhs)
    }
}

impl SubAssign<Duration> for Instant {
    fn sub_assign(&mut self, rhs: Duration) {
        self.0 -= rhs;
    }
}

impl Sub<Instant> for Instant {
    type Output = Duration;
    fn sub(self, rhs: Instant) -> Duration {
        self.duration_since(rhs)
    }
}

impl fmt::Debug for Instant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}
