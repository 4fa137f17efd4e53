//! The thread-local runtime context: which runtime `spawn` and friends use on this thread,
//! whether the thread drives one (so a nested `block_on` fails loudly) and how.

use super::Handle;
use std::cell::{Cell, RefCell};
use std::fmt;
use std::marker::PhantomData;

thread_local! {
    static CURRENT: RefCell<Option<Handle>> = const { RefCell::new(None) };
    /// How many `EnterGuard`s are alive on this thread, to catch out-of-order drops.
    static DEPTH: Cell<usize> = const { Cell::new(0) };
    static DRIVING: Cell<Driving> = const { Cell::new(Driving::No) };
}

/// Whether and how this thread drives a runtime.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Driving {
    No,
    /// A multi-thread worker, or a `block_on` that runs no tasks: `block_in_place` may
    /// block the thread.
    BlockingAllowed,
    /// The thread runs a current-thread runtime's tasks: blocking it stalls them all.
    BlockingForbidden,
}

/// Returned by [`Handle::try_current`] outside a runtime.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TryCurrentError {
    thread_destroyed: bool,
}

impl TryCurrentError {
    /// No runtime was entered on this thread.
    pub fn is_missing_context(&self) -> bool {
        !self.thread_destroyed
    }

    /// The thread is exiting and its thread-local context is already gone.
    pub fn is_thread_local_destroyed(&self) -> bool {
        self.thread_destroyed
    }
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
        Err(error) => panic!("{NO_REACTOR}: {what}: {error}"),
    }
}

/// Makes a runtime current on this thread until dropped (see [`super::Runtime::enter`]).
#[must_use = "the runtime is current only while the guard lives"]
pub struct EnterGuard<'a> {
    _restore: Restore,
    /// Tied to the runtime it entered, yet without a `Drop` of its own, so the borrow ends
    /// at the guard's last use (a runtime can be shut down while its guard is alive, as
    /// with Tokio). It restores the thread's previous runtime, so it stays on the thread it
    /// came from (`!Send`, as a `MutexGuard`, yet `Sync`).
    _marker: PhantomData<(&'a Handle, std::sync::MutexGuard<'static, ()>)>,
}

/// Restores the thread's previous runtime when dropped.
struct Restore {
    previous: Option<Handle>,
    depth: usize,
}

impl Drop for Restore {
    fn drop(&mut self) {
        let previous = self.previous.take();
        let Ok(depth) = DEPTH.try_with(Cell::get) else { return };
        if depth != self.depth {
            if std::thread::panicking() || depth < self.depth {
                return; // unwinding from an out-of-order drop below: the context was already reset
            }
            // Reset to what this guard replaced, so the thread stays usable, then say so.
            let _ = CURRENT.try_with(|current| *current.borrow_mut() = previous);
            DEPTH.with(|d| d.set(self.depth - 1));
            panic!(
                "`EnterGuard`s dropped out of order: the guards returned by `enter()` must be dropped \
                 in the reverse order of their creation"
            );
        }
        let _ = CURRENT.try_with(|current| *current.borrow_mut() = previous);
        DEPTH.with(|d| d.set(depth - 1));
    }
}

impl fmt::Debug for EnterGuard<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EnterGuard").finish_non_exhaustive()
    }
}

pub(crate) fn enter<'a>(handle: Handle) -> EnterGuard<'a> {
    let previous = CURRENT.with(|current| current.borrow_mut().replace(handle));
    let depth = DEPTH.with(|d| {
        d.set(d.get() + 1);
        d.get()
    });
    EnterGuard { _restore: Restore { previous, depth }, _marker: PhantomData }
}

/// As [`enter`], unless the thread's context is already destroyed (a runtime dropped by a
/// thread-local's destructor).
pub(crate) fn try_enter<'a>(handle: Handle) -> Option<EnterGuard<'a>> {
    CURRENT.try_with(|_| ()).ok()?;
    DEPTH.try_with(|_| ()).ok()?;
    Some(enter(handle))
}

pub(crate) fn with_current<R>(f: impl FnOnce(&Handle) -> R) -> Result<R, TryCurrentError> {
    match CURRENT.try_with(|current| current.borrow().as_ref().map(f)) {
        Ok(Some(result)) => Ok(result),
        Ok(None) => Err(TryCurrentError { thread_destroyed: false }),
        Err(_) => Err(TryCurrentError { thread_destroyed: true }),
    }
}

/// Restores the thread's previous driving state when dropped.
pub(crate) struct DrivingGuard(Driving);

impl Drop for DrivingGuard {
    fn drop(&mut self) {
        let _ = DRIVING.try_with(|driving| driving.set(self.0));
    }
}

/// How this thread drives a runtime.
pub(crate) fn driving() -> Driving {
    DRIVING.try_with(Cell::get).unwrap_or(Driving::No)
}

/// Whether this thread drives a runtime (a worker, or inside `block_on`).
pub(crate) fn is_driving() -> bool {
    driving() != Driving::No
}

/// # Panics
/// If the thread already drives a runtime: blocking it would stall the tasks it runs.
#[track_caller]
pub(crate) fn start_driving(how: Driving) -> DrivingGuard {
    let previous = DRIVING.with(|driving| driving.replace(how));
    if previous != Driving::No {
        DRIVING.with(|driving| driving.set(previous));
        panic!(
            "Cannot start a runtime from within a runtime. This happens because a function (like `block_on`) \
             attempted to block the current thread while the thread is being used to drive asynchronous tasks. \
             If you are in an async function, use `.await` on the future instead of blocking on it. \
             (This thread is already driving an avx runtime: run blocking code with \
             `avx_std::task::spawn_blocking`.)"
        );
    }
    DrivingGuard(previous)
}

/// Marks the thread as not driving (inside `block_in_place`, where nested `block_on` is
/// allowed) until the guard drops.
pub(crate) fn stop_driving() -> DrivingGuard {
    DrivingGuard(DRIVING.with(|driving| driving.replace(Driving::No)))
}
