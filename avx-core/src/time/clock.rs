//! A virtual clock that only moves when told to: the time source for paused-time tests and
//! for the deterministic simulator, which jumps it to the next timer when every task is idle.

use core::fmt;
use core::time::Duration;

use crate::loom::{Arc, Mutex};
use crate::park::{Clock, Ticks};

/// A [`Clock`] whose time is set by hand. Clones share the same time line.
///
/// It never goes backwards: [`ManualClock::set`] to an earlier instant is ignored.
#[derive(Clone)]
pub struct ManualClock {
    // A lock, not an atomic: a `u64` atomic is not available on every target.
    now: Arc<Mutex<Ticks>>,
}

impl ManualClock {
    /// A clock standing at its origin, [`Ticks::ZERO`].
    pub fn new() -> Self {
        Self::starting_at(Ticks::ZERO)
    }

    /// A clock standing at `start`.
    pub fn starting_at(start: Ticks) -> Self {
        ManualClock { now: Arc::new(Mutex::new(start)) }
    }

    /// Moves the clock forward by `by` (saturating at the end of time) and returns the new time.
    pub fn advance(&self, by: Duration) -> Ticks {
        let mut now = self.now.lock();
        *now = now.saturating_add(by);
        *now
    }

    /// Moves the clock to `to` if that is later than its current time; returns the new time.
    pub fn set(&self, to: Ticks) -> Ticks {
        let mut now = self.now.lock();
        *now = (*now).max(to);
        *now
    }
}

impl Default for ManualClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Ticks {
        *self.now.lock()
    }
}

impl fmt::Debug for ManualClock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ManualClock").field(&self.now()).finish()
    }
}
