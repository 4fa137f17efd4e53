//! `block_in_place`: run blocking code on the current thread without stalling the other
//! tasks of a multi-thread runtime (its worker moves to another thread first).

use crate::runtime::context::{self, Driving};
use crate::runtime::Handle;

const CANNOT_BLOCK: &str = "can call blocking only when running on the multi-threaded runtime: \
     `block_in_place` inside a current-thread runtime or a `LocalSet` would stall every task it runs \
     (use `spawn_blocking` there)";

/// Runs `f`, which may block, on the current thread. Inside a task of a multi-thread runtime
/// the thread's worker (its queued tasks, timers and I/O) first moves to a new thread, so
/// the other tasks keep running; the calling task resumes on this thread when `f` returns.
/// Outside a runtime, or in a `block_on` that runs no tasks, it just runs `f`. Inside `f`,
/// `block_on` may be used again.
///
/// # Panics
/// On a current-thread runtime (inside its `Runtime::block_on` or a task) or inside a
/// `LocalSet`: blocking there would stall every task the thread runs.
#[track_caller]
pub fn block_in_place<F: FnOnce() -> R, R>(f: F) -> R {
    let driving = context::driving();
    if driving == Driving::BlockingForbidden || crate::task::local_set::is_running() {
        panic!("{CANNOT_BLOCK}");
    }
    if driving == Driving::No {
        return f();
    }
    if let Ok(handle) = Handle::try_current() {
        if let Some(executor) = handle.multi_thread() {
            executor.hand_off_current_worker();
        }
    }
    let _not_driving = context::stop_driving();
    avx_core::coop::with_unconstrained(f)
}
