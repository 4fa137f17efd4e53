//! `LocalSet`: `!Send` tasks run on the thread that drives the set (`run_until`, awaiting
//! it, `block_on`), and `spawn_local`'s way of finding the set it is called in.

use crate::runtime::Runtime;
use avx_core::local::LocalExecutor;
use avx_core::task::JoinHandle;
use std::cell::{Cell, RefCell};
use std::fmt;
use std::future::Future;
use std::marker::PhantomPinned;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

thread_local! {
    /// The set `spawn_local` spawns onto: the innermost one being run or entered.
    static CURRENT: RefCell<Option<Rc<LocalExecutor>>> = const { RefCell::new(None) };
    /// How many sets are being run on this thread (blocking the thread would stall them).
    static RUNNING: Cell<usize> = const { Cell::new(0) };
}

/// A set of `!Send` tasks, run by the thread that drives it: inside [`LocalSet::run_until`],
/// by awaiting the set itself, or with [`LocalSet::block_on`]. Wakers of its tasks may be
/// used from any thread. Dropping the set cancels its unfinished tasks.
pub struct LocalSet {
    executor: Rc<LocalExecutor>,
}

/// Makes a [`LocalSet`] the one `spawn_local` uses until dropped ([`LocalSet::enter`]).
pub struct LocalEnterGuard {
    previous: Option<Rc<LocalExecutor>>,
}

impl Drop for LocalEnterGuard {
    fn drop(&mut self) {
        let previous = self.previous.take();
        let _ = CURRENT.try_with(|current| *current.borrow_mut() = previous);
    }
}

impl fmt::Debug for LocalEnterGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalEnterGuard").finish_non_exhaustive()
    }
}

/// Counts a running set until dropped.
struct Running(());

impl Running {
    fn start() -> Running {
        let _ = RUNNING.try_with(|running| running.set(running.get() + 1));
        Running(())
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = RUNNING.try_with(|running| running.set(running.get().saturating_sub(1)));
    }
}

/// Whether a `LocalSet` is being run on this thread (so `block_in_place` must refuse).
pub(crate) fn is_running() -> bool {
    RUNNING.try_with(Cell::get).unwrap_or(0) > 0
}

/// Spawns onto the set current on this thread; hands the future back if there is none.
pub(crate) fn try_spawn_local<F: Future + 'static>(future: F) -> Result<JoinHandle<F::Output>, F> {
    let current = CURRENT.try_with(|current| current.borrow().clone()).ok().flatten();
    match current {
        Some(executor) => Ok(executor.spawn(future)),
        None => Err(future),
    }
}

impl Default for LocalSet {
    fn default() -> Self {
        LocalSet::new()
    }
}

impl LocalSet {
    /// An empty set.
    pub fn new() -> LocalSet {
        LocalSet { executor: Rc::new(LocalExecutor::new()) }
    }

    /// Makes this the set that `task::spawn_local` uses on this thread until the guard drops.
    pub fn enter(&self) -> LocalEnterGuard {
        let executor = self.executor.clone();
        let previous = CURRENT.try_with(|current| current.borrow_mut().replace(executor)).ok().flatten();
        LocalEnterGuard { previous }
    }

    /// Spawns a `!Send` future onto the set; it runs while the set is driven.
    pub fn spawn_local<F: Future + 'static>(&self, future: F) -> JoinHandle<F::Output> {
        self.executor.spawn(future)
    }

    /// Drives the set on `runtime` until `future` completes (`runtime.block_on(run_until)`).
    ///
    /// # Panics
    /// If called from a thread that already drives a runtime.
    #[track_caller]
    pub fn block_on<F: Future>(&self, runtime: &Runtime, future: F) -> F::Output {
        runtime.block_on(self.run_until(future))
    }

    /// Runs the set's tasks while `future` is pending; completes with its output. Tasks
    /// still unfinished then stay in the set for the next time it is driven.
    pub fn run_until<F: Future>(&self, future: F) -> RunUntil<'_, F> {
        RunUntil { set: self, future, _pinned: PhantomPinned }
    }

    /// Runs `f` with this set current and counted as running.
    fn with_running<R>(&self, f: impl FnOnce() -> R) -> R {
        let _entered = self.enter();
        let _running = Running::start();
        f()
    }
}

/// Awaiting a set runs its tasks until every one has finished.
impl Future for LocalSet {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.with_running(|| {
            self.executor.run_turn(cx);
            if self.executor.alive_tasks() == 0 {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        })
    }
}

impl Drop for LocalSet {
    fn drop(&mut self) {
        // The tasks' futures are dropped here, with the set current (their `Drop` may spawn
        // or refuse to block); on an exiting thread, whose thread-locals may be gone, without.
        self.with_running(|| self.executor.shutdown());
    }
}

impl fmt::Debug for LocalSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalSet").field("tasks", &self.executor.alive_tasks()).finish()
    }
}

/// The future of [`LocalSet::run_until`].
#[must_use = "futures do nothing unless polled"]
pub struct RunUntil<'a, F> {
    set: &'a LocalSet,
    future: F,
    _pinned: PhantomPinned,
}

impl<F: Future> Future for RunUntil<'_, F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // SAFETY: `future` is structurally pinned: never moved out of `self`.
        let this = unsafe { self.get_unchecked_mut() };
        let set = this.set;
        // SAFETY: as above.
        let future = unsafe { Pin::new_unchecked(&mut this.future) };
        set.with_running(|| {
            if let Poll::Ready(output) = future.poll(cx) {
                return Poll::Ready(output);
            }
            set.executor.run_turn(cx);
            Poll::Pending
        })
    }
}

impl<F> fmt::Debug for RunUntil<'_, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RunUntil").finish_non_exhaustive()
    }
}
