//! Time: `sleep`, `timeout`, `interval` and `Instant` on the runtime's timer wheel, plus
//! paused time for tests (`pause`, `advance`, `Builder::start_paused`).
//!
//! Timers are armed in the wheel shard of the worker that creates them; any parked worker
//! fires them. A sleep never completes before its deadline. Inside an executor that enters
//! its own timer handle (`avx_std::sim::Sim`), these functions use that executor's clock.

mod clock;
pub(crate) mod driver;
mod futures;

pub use avx_core::time::{Elapsed, MissedTickBehavior};
pub use clock::Instant;
pub use futures::{Interval, Sleep, Timeout};
/// std's `Duration`, re-exported here as Tokio does.
pub use std::time::Duration;

use crate::runtime::context::require;
use crate::runtime::Handle;
use avx_core::time::Handle as TimerHandle;
use std::future::Future;

/// Error types of this module, as in tokio.
pub mod error {
    pub use avx_core::time::Elapsed;
}

fn with_runtime<R>(what: &str, f: impl FnOnce(&Handle) -> R) -> R {
    require(&format!("avx_std::time::{what}"), f)
}

/// The timer handle entered by the executor polling this task (the simulator's), else the
/// current runtime's.
fn timer_handle(what: &str) -> TimerHandle {
    TimerHandle::try_current().unwrap_or_else(|| with_runtime(what, Handle::timer_handle))
}

/// Waits until `duration` has elapsed.
///
/// # Panics
/// Outside a runtime.
pub fn sleep(duration: Duration) -> Sleep {
    Sleep::new(timer_handle("sleep").sleep(duration))
}

/// Waits until `deadline`.
///
/// # Panics
/// Outside a runtime.
pub fn sleep_until(deadline: Instant) -> Sleep {
    Sleep::new(timer_handle("sleep_until").sleep_until(deadline.into_ticks()))
}

/// Runs `future` for at most `duration`: its output, or `Err(Elapsed)` (the future is
/// dropped then). A future that is ready at the deadline wins.
///
/// # Panics
/// Outside a runtime.
pub fn timeout<F: Future>(duration: Duration, future: F) -> Timeout<F> {
    Timeout::new(timer_handle("timeout").timeout(duration, future))
}

/// As [`timeout`], with an absolute deadline.
///
/// # Panics
/// Outside a runtime.
pub fn timeout_at<F: Future>(deadline: Instant, future: F) -> Timeout<F> {
    Timeout::new(timer_handle("timeout_at").timeout_at(deadline.into_ticks(), future))
}

/// Ticks every `period`, the first tick at once.
///
/// # Panics
/// Outside a runtime, or if `period` is zero.
pub fn interval(period: Duration) -> Interval {
    Interval::new(timer_handle("interval").interval(period))
}

/// Ticks every `period`, the first tick at `start`.
///
/// # Panics
/// Outside a runtime, or if `period` is zero.
pub fn interval_at(start: Instant, period: Duration) -> Interval {
    Interval::new(timer_handle("interval_at").interval_at(start.into_ticks(), period))
}

/// Stops the current runtime's clock: from now on it moves only through [`advance`], or by
/// itself straight to the next timer when every task is idle, so a test that sleeps an
/// hour runs in microseconds.
///
/// # Panics
/// Outside a runtime, or on a multi-threaded runtime (whose idle workers cannot tell that
/// every task is idle): use `Builder::new_current_thread()`.
pub fn pause() {
    with_runtime("pause", |handle| handle.pausable_time("pause").clock.pause());
}

/// Lets the paused clock follow real time again, from where it stands.
///
/// # Panics
/// As [`pause`].
pub fn resume() {
    with_runtime("resume", |handle| handle.pausable_time("resume").clock.resume());
}

/// Moves the paused clock forward by `duration`, firing the timers that fall due.
///
/// # Panics
/// As [`pause`], or if the clock is not paused.
pub async fn advance(duration: Duration) {
    let time = with_runtime("advance", |handle| handle.pausable_time("advance").clone());
    assert!(time.clock.is_paused(), "avx_std::time::advance: the clock is not paused (call time::pause() first)");
    time.clock.advance(duration);
    time.driver().process_all(time.now());
    avx_core::task::yield_now().await;
}
