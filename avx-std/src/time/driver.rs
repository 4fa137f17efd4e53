//! The runtime's timers: avx-core's [`Timers`] over a pausable std clock, so every worker's park
//! is a [`TimerPark`] (it fires due timers, and one parked worker sleeps until the next deadline).
//!
//! With the clock paused (`time::pause`, `start_paused`), a worker that would sleep until the
//! next timer jumps the clock to it instead.

use super::clock::StdClock;
use avx_core::time::{Driver, PausableClock, TimerPark, Timers};
use avx_core::Ticks;
use avx_os::{OsPark, OsUnparker};
use std::sync::Arc;

/// The park of a runtime worker (or of the current-thread runtime's `block_on`).
pub(crate) type TimePark = TimerPark<OsPark>;

/// The runtime's timer state, shared by its workers and every `sleep`.
pub(crate) struct TimeDriver {
    pub(crate) timers: Arc<Timers<OsUnparker>>,
    pub(crate) clock: PausableClock<StdClock>,
}

impl TimeDriver {
    pub(crate) fn new(shards: usize, start_paused: bool) -> Arc<TimeDriver> {
        let clock = PausableClock::new(StdClock);
        if start_paused {
            clock.pause();
        }
        let timers = Timers::new(Driver::new(clock.clone(), shards));
        let paused = clock.clone();
        timers.set_idle_advance(move |next| {
            // Virtual time: nothing can happen until a timer fires, so jump straight to it.
            paused.is_paused() && {
                paused.advance_to(next);
                true
            }
        });
        Arc::new(TimeDriver { timers, clock })
    }

    pub(crate) fn driver(&self) -> &Driver {
        self.timers.driver()
    }

    pub(crate) fn now(&self) -> Ticks {
        self.driver().now()
    }

    /// The parks of a multi-threaded runtime's workers (worker `i` is `parks[i]`).
    pub(crate) fn wrap_workers(&self, parks: Vec<OsPark>) -> Vec<TimePark> {
        self.timers.wrap(parks)
    }

    /// The park of the current-thread runtime's `block_on`.
    pub(crate) fn wrap_alone(&self, park: OsPark) -> TimePark {
        self.timers.wrap_alone(park)
    }
}
