//! Time: `sleep`, `timeout`, `interval` and `Instant` on the runtime's timer wheel, plus
//! paused time for tests (`pause`, `advance`, `Builder::start_paused`).
//!
//! Timers are armed in the wheel shard of the worker that creates them; any parked worker
//! fires them. A sleep never completes before its deadline. Inside an executor that enters
//! its own timer handle (`avx_std::sim::Sim`), these functions use that executor's clock.

mod clock;
pub(crate) mod driver;
pub mod error;
mod futures;
pub(crate) mod paused;

pub use avx_core::time::MissedTickBehavior;
pub use clock::Instant;
pub use error::Elapsed;
pub use futures::{Interval, Sleep, Timeout};
/// std's `Duration`, re-exported here as Tokio does.
pub use std::time::Duration;

use crate::runtime::context::require;
use crate::runtime::Handle;
use avx_core::time::Handle as TimerHandle;
use std::future::IntoFuture;

/// The longest a `sleep` or an interval's period lasts: about 30 years (Tokio's bound too),
/// so that a huge `Duration` means "practically never" rather than an overflow.
const FAR_FUTURE: Duration = Duration::from_secs(30 * 365 * 24 * 60 * 60);

fn safe_delay(duration: Duration) -> Duration {
    duration.min(FAR_FUTURE)
}

/// The timer handle entered by the executor polling this task (the simulator's), else the
/// current runtime's.
///
/// # Panics
/// Outside a runtime (at the caller, naming `what`, the function called).
#[track_caller]
fn timer_handle(what: &str) -> TimerHandle {
    match TimerHandle::try_current() {
        Some(timer) => timer,
        None => require(what, Handle::timer_handle),
    }
}

/// Runs `f` on the current runtime's timers and panics (at the caller) with its error.
#[track_caller]
fn with_time(what: &str, f: impl FnOnce(&driver::TimeDriver) -> Result<(), &'static str>) {
    if let Err(message) = require(what, |handle| f(handle.time())) {
        panic!("{message}");
    }
}

/// Waits until `duration` has elapsed (at most about 30 years: a longer `Duration`, up to
/// `Duration::MAX`, sleeps that long).
///
/// # Panics
/// Outside a runtime.
#[track_caller]
pub fn sleep(duration: Duration) -> Sleep {
    Sleep::new(timer_handle("`avx_std::time::sleep`").sleep(safe_delay(duration)))
}

/// Waits until `deadline`.
///
/// # Panics
/// Outside a runtime.
#[track_caller]
pub fn sleep_until(deadline: Instant) -> Sleep {
    Sleep::new(timer_handle("`avx_std::time::sleep_until`").sleep_until(deadline.into_ticks()))
}

/// Runs `future` for at most `duration`: its output, or `Err(Elapsed)` (the future is
/// dropped then). A future that is ready at the deadline wins. A `duration` too long to add
/// to the clock means no deadline.
///
/// # Panics
/// Outside a runtime.
#[track_caller]
pub fn timeout<F: IntoFuture>(duration: Duration, future: F) -> Timeout<F::IntoFuture> {
    Timeout::new(timer_handle("`avx_std::time::timeout`").timeout(duration, future.into_future()))
}

/// As [`timeout`], with an absolute deadline.
///
/// # Panics
/// Outside a runtime.
#[track_caller]
pub fn timeout_at<F: IntoFuture>(deadline: Instant, future: F) -> Timeout<F::IntoFuture> {
    Timeout::new(timer_handle("`avx_std::time::timeout_at`").timeout_at(deadline.into_ticks(), future.into_future()))
}

/// Ticks every `period` (at most about 30 years), the first tick at once.
///
/// # Panics
/// Outside a runtime, or if `period` is zero.
#[track_caller]
pub fn interval(period: Duration) -> Interval {
    assert!(!period.is_zero(), "`period` must be non-zero.");
    Interval::new(timer_handle("`avx_std::time::interval`").interval(safe_delay(period)))
}

/// Ticks every `period` (at most about 30 years), the first tick at `start`.
///
/// # Panics
/// Outside a runtime, or if `period` is zero.
#[track_caller]
pub fn interval_at(start: Instant, period: Duration) -> Interval {
    assert!(!period.is_zero(), "`period` must be non-zero.");
    Interval::new(timer_handle("`avx_std::time::interval_at`").interval_at(start.into_ticks(), safe_delay(period)))
}

/// Stops the current runtime's clock: from now on it moves only through [`advance`], or by
/// itself straight to the next timer when the runtime has nothing to do, so a test that
/// sleeps an hour runs in microseconds.
///
/// "Nothing to do": no task is ready, nothing woke the runtime since it last looked (a
/// wake-up from another thread, an I/O event it has not handled yet), and no
/// `spawn_blocking` closure is in flight. Only [`Instant`] and the timers see virtual time;
/// `std::time::Instant` goes on as usual.
///
/// # Panics
/// Outside a runtime, on a multi-threaded runtime (whose workers cannot tell that all of
/// them are idle: use `Builder::new_current_thread()`), or if the clock is already paused.
#[track_caller]
pub fn pause() {
    with_time("`avx_std::time::pause`", driver::TimeDriver::pause);
}

/// Lets the paused clock follow real time again, from where it stands.
///
/// # Panics
/// Outside a runtime, or if the clock is not paused.
#[track_caller]
pub fn resume() {
    with_time("`avx_std::time::resume`", driver::TimeDriver::resume);
}

/// Moves the paused clock forward by `duration` at once, fires the timers that fall due (all
/// "at the same time") and yields, so that the tasks they woke may run first.
///
/// # Panics
/// When polled: outside a runtime, or if the clock is not paused.
pub async fn advance(duration: Duration) {
    with_time("`avx_std::time::advance`", |time| time.advance(duration));
    avx_core::task::yield_now().await;
}
