//! Tasks: spawning (`spawn`, `spawn_blocking`, `spawn_local`), handles to their results, ids,
//! yielding, cooperative budgets (`coop`), task-local values, `LocalSet` and `JoinSet`.

mod blocking;
pub mod coop;
mod join_set;
pub(crate) mod local_set;
mod task_local;

pub use avx_core::task::{yield_now, AbortHandle, Id, JoinError, JoinHandle};
pub use blocking::block_in_place;
pub use coop::{consume_budget, unconstrained, Unconstrained};
pub use join_set::JoinSet;
pub use local_set::{LocalEnterGuard, LocalSet, RunUntil};
pub use task_local::{AccessError, LocalKey, TaskLocalFuture};

/// The futures this module's functions return.
pub mod futures {
    pub use super::task_local::TaskLocalFuture;
}

use crate::runtime::context::require;
use std::future::Future;

pub(crate) const SPAWN_LOCAL_OUTSIDE: &str =
    "`spawn_local` called from outside of a `task::LocalSet` or `runtime::LocalRuntime`";

/// Spawns a future onto the current runtime; it runs concurrently with the caller.
///
/// # Panics
/// Outside a runtime (a task, `block_on`, or an `enter()` scope), with a message naming
/// the fix. `Handle::try_current()` checks without panicking.
#[track_caller]
pub fn spawn<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    require("avx_std::spawn", |handle| handle.spawn(future))
}

/// Runs a blocking closure on the current runtime's blocking pool.
///
/// # Panics
/// Outside a runtime, like [`spawn`].
#[track_caller]
pub fn spawn_blocking<F, R>(f: F) -> JoinHandle<R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    require("avx_std::spawn_blocking", |handle| handle.spawn_blocking(f))
}

/// Spawns a `!Send` future onto the current [`LocalSet`] (the innermost one being run or
/// entered on this thread), else onto the current `LocalRuntime`.
///
/// # Panics
/// Outside both, or on a `LocalRuntime` entered from another thread than its own.
#[track_caller]
pub fn spawn_local<F: Future + 'static>(future: F) -> JoinHandle<F::Output> {
    let future = match local_set::try_spawn_local(future) {
        Ok(handle) => return handle,
        Err(future) => future,
    };
    match crate::runtime::Handle::try_current() {
        Ok(handle) if handle.is_local() => handle.spawn_local(future),
        _ => panic!("{SPAWN_LOCAL_OUTSIDE}"),
    }
}

/// The id of the task this is called from (also while its future or output is dropped).
///
/// # Panics
/// Outside a task (in `block_on`, on a plain thread); see [`try_id`].
#[track_caller]
pub fn id() -> Id {
    match try_id() {
        Some(id) => id,
        None => panic!("task::id() called outside of a task (use task::try_id() to check)"),
    }
}

/// The id of the task this is called from, or `None` outside a task.
pub fn try_id() -> Option<Id> {
    avx_core::task::try_id()
}
