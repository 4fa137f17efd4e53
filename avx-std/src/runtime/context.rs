//! The thread-local runtime context: which runtime `spawn` and friends use on this thread,
//! and whether the thread is already driving one (so a nested `block_on` fails loudly).

use super::Handle;
use std::cell::{Cell, RefCell};
use std::fmt;

thread_local! {
    static CURRENT: RefCell<Option<Handle>> = const { RefCell::new(None) };
    static DRIVING: Cell<bool> = const { Cell::new(false) };
}

/// Returned by [`Handle::try_current`] outside a runtime.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TryCurrentError {
    thread_destroyed: bool,
}

impl fmt::Display for TryCurrentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.thread_destroyed {
            f.write_str("the thread-local runtime context was already destroyed")
        } else {
            f.write_str(NO_RUNTIME)
        }
    }
}

impl std::error::Error for TryCurrentError {}

pub(crate) const NO_RUNTIME: &str = "there is no avx runtime on this thread: call this from inside a task, \
     inside `Runtime::block_on`, or after `Runtime::enter()` (`Handle::try_current()` tells whether one is available)";

/// The first words of the panic when an operation needs a runtime and there is none: Tokio's,
/// because programs and tests written for Tokio match on them.
const NO_REACTOR: &str = "there is no reactor running, must be called from the context of a Tokio 1.x runtime";

/// Runs `f` with the current runtime's handle, for an operation (`what`) that cannot work
/// without one.
///
/// # Panics
/// When no runtime is current, as Tokio does: creating a socket, a timer, a blocking job, a
/// file operation or a signal listener outside a runtime is a bug in the calling program.
#[track_caller]
pub(crate) fn require<R>(what: &str, f: impl FnOnce(&Handle) -> R) -> R {
    // A `match`, not `unwrap_or_else`: a panic inside a closure would report the closure's
    // location instead of the caller's.
    match with_current(f) {
        Ok(result) => result,
        Err(e) => panic!("{NO_REACTOR}: {what}: {e}"),
    }
}

/// Makes a runtime current on this thread until dropped (see [`super::Runtime::enter`]).
#[must_use = "the runtime is current only while the guard lives"]
pub struct EnterGuard {
    previous: Option<Handle>,
}

impl Drop for EnterGuard {
    fn drop(&mut self) {
        let previous = self.previous.take();
        let _ = CURRENT.try_with(|current| *current.borrow_mut() = previous);
    }
}

impl fmt::Debug for EnterGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EnterGuard").finish_non_exhaustive()
    }
}

pub(crate) fn enter(handle: Handle) -> EnterGuard {
    EnterGuard { previous: CURRENT.with(|current| current.borrow_mut().replace(handle)) }
}

pub(crate) fn with_current<R>(f: impl FnOnce(&Handle) -> R) -> Result<R, TryCurrentError> {
    match CURRENT.try_with(|current| current.borrow().as_ref().map(f)) {
        Ok(Some(result)) => Ok(result),
        Ok(None) => Err(TryCurrentError { thread_destroyed: false }),
        Err(_) => Err(TryCurrentError { thread_destroyed: true }),
    }
}

/// Marks this thread as driving a runtime (a worker, or inside `block_on`) until dropped.
pub(crate) struct DrivingGuard(());

impl Drop for DrivingGuard {
    fn drop(&mut self) {
        DRIVING.with(|driving| driving.set(false));
    }
}

/// Whether this thread drives a runtime (a worker, or inside `block_on`).
pub(crate) fn is_driving() -> bool {
    DRIVING.try_with(Cell::get).unwrap_or(false)
}

/// # Panics
/// If the thread already drives a runtime: blocking it would stall the tasks it runs.
pub(crate) fn start_driving() -> DrivingGuard {
    if DRIVING.with(|driving| driving.replace(true)) {
        panic!(
            "cannot block on a future from a thread that is already driving an avx runtime \
             (nested `block_on`, or `block_on` inside a task): `.await` the future instead, \
             or run the blocking code with `avx_std::task::spawn_blocking`"
        );
    }
    DrivingGuard(())
}
