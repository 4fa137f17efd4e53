//! `Interval`: ticks at a fixed period from a start instant, with a choice of what to do
//! about ticks missed while the task was busy (burst, delay or skip), computed as Tokio's.

use alloc::boxed::Box;
use core::fmt;
use core::future::{poll_fn, Future};
use core::pin::Pin;
use core::task::{Context, Poll};
use core::time::Duration;

use super::{Handle, Sleep};
use crate::park::Ticks;

/// How late a tick may be observed before it counts as missed: timers are only so precise,
/// so a tick a few milliseconds late keeps the regular schedule whatever the behaviour (as
/// Tokio's).
const MISSED_AFTER: Duration = Duration::from_millis(5);

/// What an [`Interval`] does when a tick is observed more than 5 ms after it was due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MissedTickBehavior {
    /// Fire the missed ticks back to back until caught up; the schedule keeps its instants
    /// (`start + k * period`).
    #[default]
    Burst,
    /// Restart the schedule from the late tick: the next tick is one period after it was
    /// observed.
    Delay,
    /// Drop the missed ticks: the next tick is the first instant of the original schedule
    /// after the late observation.
    Skip,
}

impl MissedTickBehavior {
    /// The instant of the tick after one scheduled at `scheduled` and observed at `now`.
    fn next_tick(self, scheduled: Ticks, now: Ticks, period: Duration) -> Ticks {
        if now <= scheduled.saturating_add(MISSED_AFTER) {
            return scheduled.saturating_add(period);
        }
        match self {
            MissedTickBehavior::Burst => scheduled.saturating_add(period),
            MissedTickBehavior::Delay => now.saturating_add(period),
            MissedTickBehavior::Skip => {
                let period = u64::try_from(period.as_nanos()).unwrap_or(u64::MAX);
                let behind = now.0 - scheduled.0;
                let periods = behind / period + 1;
                Ticks(scheduled.0.saturating_add(periods.saturating_mul(period)))
            }
        }
    }
}

/// A stream of ticks `start, start + period, …`. The first tick completes at `start` (at
/// once for [`Handle::interval`]). Each tick yields the instant it was scheduled for.
///
/// Ticks are computed as Tokio's: a tick observed at most 5 ms late schedules the next one a
/// period after it was due; later than that, the [`MissedTickBehavior`] decides.
pub struct Interval {
    sleep: Pin<Box<Sleep>>,
    period: Duration,
    missed_tick_behavior: MissedTickBehavior,
}

impl Interval {
    /// An interval on `handle`'s driver with its first tick at `start`.
    ///
    /// # Panics
    /// If `period` is zero.
    #[track_caller]
    pub fn new(handle: Handle, start: Ticks, period: Duration) -> Interval {
        assert!(!period.is_zero(), "`period` must be non-zero.");
        Interval {
            sleep: Box::pin(Sleep::new(handle, start)),
            period,
            missed_tick_behavior: MissedTickBehavior::default(),
        }
    }

    /// Completes at the next tick and returns the instant it was scheduled for.
    ///
    /// Cancel safe: dropping the returned future before it completes loses no tick.
    pub async fn tick(&mut self) -> Ticks {
        poll_fn(|cx| self.poll_tick(cx)).await
    }

    /// Polls for the next tick; on `Ready` the following tick is scheduled, but its timer is
    /// only armed (and `cx` only registered) by the next poll.
    pub fn poll_tick(&mut self, cx: &mut Context<'_>) -> Poll<Ticks> {
        if self.sleep.as_mut().poll(cx).is_pending() {
            return Poll::Pending;
        }
        let scheduled = self.sleep.deadline();
        let now = self.sleep.handle().now();
        let next = self.missed_tick_behavior.next_tick(scheduled, now, self.period);
        self.sleep.as_mut().reset(next);
        Poll::Ready(scheduled)
    }

    /// Restarts the schedule: the next tick is one period from now.
    pub fn reset(&mut self) {
        self.reset_after(self.period);
    }

    /// Restarts the schedule: the next tick completes at once.
    pub fn reset_immediately(&mut self) {
        self.reset_after(Duration::ZERO);
    }

    /// Restarts the schedule: the next tick is `after` from now.
    pub fn reset_after(&mut self, after: Duration) {
        let next = self.sleep.handle().now().saturating_add(after);
        self.reset_at(next);
    }

    /// Restarts the schedule with the next tick at `next`.
    pub fn reset_at(&mut self, next: Ticks) {
        self.sleep.as_mut().reset(next);
    }

    /// The period.
    pub fn period(&self) -> Duration {
        self.period
    }

    /// The current missed-tick behaviour (default [`MissedTickBehavior::Burst`]).
    pub fn missed_tick_behavior(&self) -> MissedTickBehavior {
        self.missed_tick_behavior
    }

    /// Sets the missed-tick behaviour.
    pub fn set_missed_tick_behavior(&mut self, behavior: MissedTickBehavior) {
        self.missed_tick_behavior = behavior;
    }
}

impl fmt::Debug for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Interval")
            .field("next", &self.sleep.deadline())
            .field("period", &self.period)
            .field("missed_tick_behavior", &self.missed_tick_behavior)
            .finish()
    }
}
