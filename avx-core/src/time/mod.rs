//! Timers: a sharded hierarchical timer wheel driven by a [`Clock`](crate::Clock), and the
//! `Sleep`, `Timeout` and `Interval` futures built on it, plus virtual and pausable clocks.
//!
//! # How a runtime drives it
//! The runtime owns one [`Driver`] with one shard (wheel + short spin lock) per worker:
//! `Driver::new(clock, workers)`. Futures are created through a [`Handle`]; the handle a
//! worker hands its tasks (`driver.handle().with_shard(worker)`) arms their timers in that
//! worker's shard, so arming and cancelling rarely contend; `driver.handle()` (no shard)
//! spreads timers from other threads round-robin.
//!
//! [`Timers`] + [`TimerPark`] do all of the following around any `Park` (an integrator wraps
//! its workers' parks with `Timers::new(driver).wrap(parks)` and is done); by hand, a worker's
//! loop is:
//! - now and then while busy: `driver.process(worker, clock_now)` (one atomic read if
//!   nothing is due);
//! - before parking: `let deadline = driver.next_expiration();` and park with timeout
//!   `deadline - now` (none if `None`). Any shard counts, so timers armed on a busy worker
//!   fire even when another worker is the one waiting;
//! - after waking: `driver.process_all(clock_now)`.
//!
//! A timer armed after a worker computed its park timeout may be earlier than that timeout:
//! [`Driver::set_deadline_hook`] is called (outside locks, on the arming thread) with the
//! shard's new earliest expiration, and the executor unparks a worker whose timeout is
//! later. As for new tasks, a parking worker must announce itself before its last
//! `next_expiration` read so that the hook cannot miss it.
//!
//! Paused time: build the driver on a [`PausableClock`] (or, in the simulator, a
//! [`ManualClock`]); when every task is idle, `clock.advance_to(next_expiration)` and
//! `process_all`, until a task is woken ([`Timers::set_virtual_time`] does this around a
//! single-threaded executor's park). `next_expiration` may be the start of a coarse slot
//! before the timer itself (a few such steps at most); no task observes them.
//!
//! The wheel counts whole milliseconds from the driver's creation: a deadline fires in the
//! first millisecond that starts at or after it, so never early (up to 1 ms late).

mod clock;
mod current;
mod driver;
mod earliest;
mod entry;
mod interval;
#[cfg(all(test, loom))]
mod loom_model;
mod park;
#[cfg(all(test, loom))]
mod park_loom;
mod pausable;
mod sleep;
mod timeout;
mod wheel;

pub use clock::ManualClock;
pub use driver::{Driver, Handle};
pub use interval::{Interval, MissedTickBehavior};
pub use park::{Idle, TimerPark, Timers, VirtualTime};
pub use pausable::PausableClock;
pub use sleep::Sleep;
pub use timeout::{Elapsed, Timeout};

use crate::park::Ticks;

const NANOS_PER_MS: u64 = 1_000_000;

/// The wheel's millisecond grid. Millisecond 0 starts when the driver is created, so the
/// timers of a runtime whose clock starts paused fall on whole milliseconds of its own time.
#[derive(Debug, Clone, Copy)]
struct Grid {
    origin: Ticks,
}

impl Grid {
    /// The wheel millisecond `now` falls in (rounded down; 0 before the origin).
    fn now_to_ms(self, now: Ticks) -> u64 {
        now.0.saturating_sub(self.origin.0) / NANOS_PER_MS
    }

    /// A deadline in wheel milliseconds, rounded up so that firing at that millisecond is
    /// never early. Capped at the last millisecond a clock can reach before it saturates at
    /// `u64::MAX` nanoseconds, so that even the end of time fires (up to 1 ms early there).
    fn deadline_to_ms(self, deadline: Ticks) -> u64 {
        let ms = deadline.0.saturating_sub(self.origin.0).div_ceil(NANOS_PER_MS);
        ms.min(self.now_to_ms(Ticks(u64::MAX)))
    }

    /// The start of a wheel millisecond.
    fn ms_to_ticks(self, ms: u64) -> Ticks {
        Ticks(self.origin.0.saturating_add(ms.saturating_mul(NANOS_PER_MS)))
    }
}
