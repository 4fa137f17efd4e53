//! The current-thread flavour's `block_on`: one thread at a time holds the runtime's core
//! (it drives the timers and I/O and, inside `Runtime::block_on`, runs the tasks); a
//! `block_on` on another thread meanwhile polls only its own future, until it completes or
//! the core comes free.

use super::metrics::MeteredPark;
use super::park::ThreadPark;
use super::Handle;
use avx_core::local::CurrentThreadExecutor;
use std::future::{poll_fn, Future};
use std::pin::pin;
use std::sync::{Mutex, MutexGuard};
use std::task::{Poll, Waker};
use std::thread::ThreadId;

/// Who holds the core, and who waits for it.
#[derive(Default)]
pub(crate) struct Core {
    state: Mutex<CoreState>,
}

#[derive(Default)]
struct CoreState {
    holder: Option<Holder>,
    waiters: Vec<Waker>,
}

#[derive(Clone, Copy)]
struct Holder {
    thread: ThreadId,
    runs_tasks: bool,
}

/// Gives the core back (and wakes the threads waiting for it) when dropped.
struct CoreGuard<'a>(&'a Core);

impl Core {
    fn lock(&self) -> MutexGuard<'_, CoreState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn try_claim(&self, runs_tasks: bool) -> Option<CoreGuard<'_>> {
        let mut state = self.lock();
        if state.holder.is_some() {
            return None;
        }
        state.holder = Some(Holder { thread: std::thread::current().id(), runs_tasks });
        Some(CoreGuard(self))
    }

    /// Ready once nobody holds the core; registers the waker otherwise.
    fn poll_free(&self, waker: &Waker) -> Poll<()> {
        let mut state = self.lock();
        if state.holder.is_none() {
            return Poll::Ready(());
        }
        if !state.waiters.iter().any(|w| w.will_wake(waker)) {
            state.waiters.push(waker.clone());
        }
        Poll::Pending
    }

    /// Whether the calling thread runs this runtime's tasks right now (`worker_index` 0).
    pub(crate) fn runs_tasks_here(&self) -> bool {
        let here = std::thread::current().id();
        self.lock().holder.is_some_and(|holder| holder.runs_tasks && holder.thread == here)
    }
}

impl Drop for CoreGuard<'_> {
    fn drop(&mut self) {
        let mut state = self.0.lock();
        state.holder = None;
        let waiters = std::mem::take(&mut state.waiters);
        drop(state);
        waiters.into_iter().for_each(Waker::wake);
    }
}

/// Runs `future` to completion. With the core, this thread also drives timers and I/O, and
/// runs the runtime's tasks if `runs_tasks` (`Runtime::block_on`; `Handle::block_on` does not).
pub(crate) fn block_on<F: Future>(
    handle: &Handle,
    executor: &CurrentThreadExecutor,
    future: F,
    runs_tasks: bool,
) -> F::Output {
    let inner = &handle.inner;
    let mut future = pin!(future);
    loop {
        if let Some(_core) = inner.core.try_claim(runs_tasks) {
            let park = inner.time.wrap_alone(inner.io.park());
            let mut park = MeteredPark::new(park, inner.stats.clone(), 0, inner.park_hooks.clone());
            return if runs_tasks {
                avx_core::block_on(&mut park, executor.run(future.as_mut()))
            } else {
                avx_core::block_on(&mut park, future.as_mut())
            };
        }
        let waiting = poll_fn(|cx| match future.as_mut().poll(cx) {
            Poll::Ready(output) => Poll::Ready(Some(output)),
            Poll::Pending => inner.core.poll_free(cx.waker()).map(|()| None),
        });
        if let Some(output) = avx_core::block_on(&mut ThreadPark::new(), waiting) {
            return output;
        }
    }
}
