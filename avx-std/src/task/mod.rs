//! Tasks: spawning (`spawn`, `spawn_blocking`), handles to their results, yielding, and
//! `JoinSet` for awaiting many at once.

mod join_set;

pub use avx_core::task::{yield_now, AbortHandle, Id, JoinError, JoinHandle};
pub use join_set::JoinSet;

use crate::runtime::context::require;
use std::future::Future;

/// Spawns a future onto the current runtime; it runs concurrently with the caller.
///
/// # Panics
/// Outside a runtime (a task, `block_on`, or an `enter()` scope), with a message naming
/// the fix. `Handle::try_current()` checks without panicking.
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
pub fn spawn_blocking<F, R>(f: F) -> JoinHandle<R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    require("avx_std::spawn_blocking", |handle| handle.spawn_blocking(f))
}
