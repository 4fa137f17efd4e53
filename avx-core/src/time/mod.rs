//! Timers: a sharded hierarchical timer wheel driven by a [`Clock`](crate::Clock), and the
//! `Sleep`, `Timeout` and `Interval` futures built on it, plus virtual and pausable clocks.
//!
//! The executor owns a [`Driver`] with one shard per worker. Futures are created through a
//! [`Handle`]; a worker's handle (`driver.handle().with_shard(worker)`) arms its timers in
//! that worker's shard, so arming and cancelling rarely contend. Around parking the executor
//! calls [`Driver::process`] / [`Driver::process_all`] and parks until
//! [`Driver::next_expiration`]; [`Driver::set_deadline_hook`] tells it when a new timer is
//! earlier than what its shard held, so a parked worker can be woken to honour it.

mod clock;
mod driver;
mod earliest;
mod entry;
mod interval;
#[cfg(all(test, loom))]
mod loom_model;
mod pausable;
mod sleep;
mod timeout;
mod wheel;

pub use clock::ManualClock;
pub use driver::{Driver, Handle};
pub use interval::{Interval, MissedTickBehavior};
pub use pausable::PausableClock;
pub use sleep::Sleep;
pub use timeout::{Elapsed, Timeout};

use crate::park::Ticks;

const NANOS_PER_MS: u64 = 1_000_000;

/// A deadline in wheel milliseconds, rounded up so that firing at that millisecond is never
/// early.
fn deadline_to_ms(deadline: Ticks) -> u64 {
    deadline.0.div_ceil(NANOS_PER_MS)
}

/// The wheel millisecond `now` falls in (rounded down).
fn now_to_ms(now: Ticks) -> u64 {
    now.0 / NANOS_PER_MS
}

/// The start of a wheel millisecond.
fn ms_to_ticks(ms: u64) -> Ticks {
    Ticks(ms.saturating_mul(NANOS_PER_MS))
}
