//! The runtime's timers: avx-core's [`Timers`] over a pausable std clock, so every worker's park
//! is a [`TimerPark`] (it fires due timers, and one parked worker sleeps until the next deadline).
//!
//! Only a current-thread runtime's clock can be paused (`time::pause`, `start_paused`): then a
//! park with nothing to do jumps the clock to the next timer instead of sleeping (`paused`).

use super::clock::{note_paused, StdClock};
use super::paused::{hold_time_during, BlockingInFlight, PausablePark, PausedTime, VirtualClock};
use avx_core::time::{Driver, PausableClock, TimerPark, Timers};
use avx_core::Ticks;
use avx_os::{OsPark, OsUnparker};
use std::sync::Arc;
use std::time::Duration;

/// The park of a multi-threaded runtime's worker.
pub(crate) type TimePark = TimerPark<OsPark>;

/// The park of a current-thread runtime's `block_on`.
pub(crate) type AlonePark = TimerPark<PausablePark, OsUnparker>;

/// Why a call to `pause`, `resume` or `advance` is refused.
pub(crate) const NEEDS_CURRENT_THREAD: &str = "`time::pause()` requires the `current_thread` avx runtime \
     (`Builder::new_current_thread()`, which `#[avx_std::test]` uses by default)";
pub(crate) const ALREADY_PAUSED: &str = "time is already paused";
pub(crate) const NOT_PAUSED: &str = "time is not paused (call `time::pause()` first)";

/// The runtime's timer state, shared by its workers and every `sleep`.
pub(crate) struct TimeDriver {
    timers: Arc<Timers<OsUnparker>>,
    paused: Arc<PausedTime>,
    /// Whether the clock may be paused (a current-thread runtime).
    pausable: bool,
}

impl TimeDriver {
    /// The timers of a runtime with `shards` wheels; `current_thread` lets its clock be paused.
    pub(crate) fn new(shards: usize, current_thread: bool, start_paused: bool) -> Arc<TimeDriver> {
        let clock = PausableClock::new(StdClock);
        if start_paused && current_thread {
            note_paused();
            clock.pause();
        }
        let timers = Timers::new(Driver::new(clock.clone(), shards));
        let paused = PausedTime::new(clock);
        if current_thread {
            timers.set_virtual_time(VirtualClock(paused.clone()));
        }
        Arc::new(TimeDriver { timers, paused, pausable: current_thread })
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

    /// The park of one `block_on` call on the current-thread runtime.
    pub(crate) fn wrap_alone(&self, park: OsPark) -> AlonePark {
        self.timers.wrap_alone(self.paused.park(park))
    }

    /// Stops the clock (`time::pause`).
    pub(crate) fn pause(&self) -> Result<(), &'static str> {
        if !self.pausable {
            return Err(NEEDS_CURRENT_THREAD);
        }
        note_paused();
        self.paused.clock.pause().then_some(()).ok_or(ALREADY_PAUSED)
    }

    /// Lets the clock run again (`time::resume`).
    pub(crate) fn resume(&self) -> Result<(), &'static str> {
        self.paused.clock.resume().then_some(()).ok_or(NOT_PAUSED)
    }

    /// Moves the paused clock forward and fires the timers that fell due (`time::advance`).
    pub(crate) fn advance(&self, duration: Duration) -> Result<(), &'static str> {
        if !self.paused.clock.is_paused() {
            return Err(NOT_PAUSED);
        }
        let now = self.paused.clock.advance(duration);
        self.driver().process_all(now);
        Ok(())
    }

    /// Wraps a `spawn_blocking` closure: on a current-thread runtime, paused time stands still
    /// until its task has completed (the pool calls [`blocking_task_ran`] after each task).
    ///
    /// [`blocking_task_ran`]: super::paused::blocking_task_ran
    pub(crate) fn hold_time_during<R>(
        &self,
        f: impl FnOnce() -> R + Send + 'static,
    ) -> impl FnOnce() -> R + Send + 'static {
        let in_flight: Option<BlockingInFlight> = self.pausable.then(|| self.paused.blocking_started());
        hold_time_during(in_flight, f)
    }
}
