//! The runtime an application uses: `Runtime` owns the worker threads and the blocking
//! pool, `Handle` spawns onto it from anywhere, `block_on` drives a future to completion.

mod blocking;
mod builder;
pub(crate) mod context;
mod park;

pub use builder::Builder;
pub use context::{EnterGuard, TryCurrentError};

use crate::time::driver::TimeDriver;
use avx_core::executor;
use avx_core::local::CurrentThreadExecutor;
use avx_core::task::JoinHandle;
use avx_os::{Driver as IoDriver, OsUnparker};
use blocking::BlockingPool;
use park::ThreadPark;
use std::fmt;
use std::future::Future;
use std::io;
use std::sync::Arc;
use std::thread::JoinHandle as ThreadHandle;
use std::time::{Duration, Instant};

type Workers = Vec<ThreadHandle<()>>;

/// The avx runtime: worker threads running tasks, a blocking pool, and the entry point
/// `block_on`. Dropping it cancels every unfinished task (dropping each future exactly
/// once), waits for running blocking closures, and joins its threads.
pub struct Runtime {
    handle: Handle,
    workers: Workers,
    /// Set once shut down, so `Drop` after `shutdown_timeout` does not wait again.
    shut_down: bool,
}

/// A cloneable, thread-safe reference to a runtime: spawn onto it from any thread.
#[derive(Clone)]
pub struct Handle {
    pub(crate) inner: Arc<HandleInner>,
}

pub(crate) struct HandleInner {
    scheduler: Scheduler,
    blocking: BlockingPool,
    time: Arc<TimeDriver>,
    /// The OS reactor every socket of this runtime is registered with.
    pub(crate) io: Arc<IoDriver>,
}

enum Scheduler {
    MultiThread(executor::Handle<OsUnparker>),
    CurrentThread(CurrentThreadExecutor),
}

impl Runtime {
    /// A multi-threaded runtime with default settings (one worker per CPU).
    pub fn new() -> io::Result<Runtime> {
        Builder::new_multi_thread().build()
    }

    /// A builder for a customised runtime (multi-threaded by default).
    pub fn builder() -> Builder {
        Builder::new_multi_thread()
    }

    fn from_parts(inner: Arc<HandleInner>, workers: Workers) -> Runtime {
        Runtime { handle: Handle { inner }, workers, shut_down: false }
    }

    /// Runs `future` to completion on the current thread, with this runtime current (so
    /// `avx_std::spawn` works inside it), and returns its output.
    ///
    /// # Panics
    /// If called from a thread that already drives a runtime (inside `block_on` or a task).
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.handle.block_on(future)
    }

    /// Spawns a task; see [`Handle::spawn`].
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.handle.spawn(future)
    }

    /// Runs a blocking closure on the blocking pool; see [`Handle::spawn_blocking`].
    pub fn spawn_blocking<F, R>(&self, f: F) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        self.handle.spawn_blocking(f)
    }

    /// The runtime's handle.
    pub fn handle(&self) -> &Handle {
        &self.handle
    }

    /// Makes this runtime current on this thread until the guard is dropped.
    pub fn enter(&self) -> EnterGuard {
        self.handle.enter()
    }

    /// Shuts down, waiting at most `timeout` for worker threads and blocking closures;
    /// threads still busy after that are left to finish on their own.
    pub fn shutdown_timeout(mut self, timeout: Duration) {
        self.shutdown(Some(timeout));
    }

    /// Shuts down without waiting for threads that are still busy.
    pub fn shutdown_background(self) {
        self.shutdown_timeout(Duration::ZERO);
    }

    fn shutdown(&mut self, timeout: Option<Duration>) {
        if std::mem::replace(&mut self.shut_down, true) {
            return;
        }
        // Dropped from inside a task or `block_on`: waiting for the workers could wait for
        // this very thread, so shut down without waiting instead.
        let timeout = if context::is_driving() { Some(Duration::ZERO) } else { timeout };
        let deadline = timeout.map(|t| Instant::now() + t);
        let inner = &self.handle.inner;
        match &inner.scheduler {
            Scheduler::MultiThread(executor) => {
                executor.shutdown();
                join_until(std::mem::take(&mut self.workers), deadline);
                executor.shutdown_tasks();
            }
            Scheduler::CurrentThread(executor) => executor.shutdown(),
        }
        inner.blocking.shutdown(deadline.map(|d| d.saturating_duration_since(Instant::now())));
        // Sockets that outlive the runtime get an error from now on instead of waiting forever.
        inner.io.shutdown();
    }
}

/// Joins the threads that finish before `deadline` (all of them if `None`).
fn join_until(workers: Workers, deadline: Option<Instant>) {
    let Some(deadline) = deadline else {
        for worker in workers {
            let _ = worker.join(); // a worker never panics out of `run`: tasks' panics are caught
        }
        return;
    };
    let mut pending = workers;
    let mut pause = Duration::from_micros(50);
    while !pending.is_empty() && Instant::now() < deadline {
        pending.retain(|worker| !worker.is_finished());
        std::thread::sleep(pause.min(deadline.saturating_duration_since(Instant::now())));
        pause = (pause * 2).min(Duration::from_millis(10));
    }
    // Finished ones are reaped by dropping their handles; the rest are detached.
}

impl Drop for Runtime {
    fn drop(&mut self) {
        self.shutdown(None);
    }
}

// As Tokio's: a panic caught around a runtime leaves it usable (tasks' panics are caught).
impl std::panic::UnwindSafe for Runtime {}
impl std::panic::RefUnwindSafe for Runtime {}

impl fmt::Debug for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runtime").field("handle", &self.handle).finish_non_exhaustive()
    }
}

impl Handle {
    /// The runtime current on this thread.
    ///
    /// # Panics
    /// Outside a runtime, with a message naming the fix; see [`Handle::try_current`].
    pub fn current() -> Handle {
        Handle::try_current().unwrap_or_else(|e| panic!("{e}"))
    }

    /// The runtime current on this thread, or an error outside one.
    pub fn try_current() -> Result<Handle, TryCurrentError> {
        context::with_current(Handle::clone)
    }

    /// Spawns a future onto the runtime; it starts running at once on some worker. The
    /// returned handle awaits its output; dropping the handle detaches the task.
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        match &self.inner.scheduler {
            Scheduler::MultiThread(executor) => executor.spawn(future),
            Scheduler::CurrentThread(executor) => executor.spawn(future),
        }
    }

    /// Runs `f` on a thread of the blocking pool, so it cannot stall the async workers.
    pub fn spawn_blocking<F, R>(&self, f: F) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        // On a current-thread runtime, paused time stands still while the closure is in flight.
        self.inner.blocking.spawn(self.inner.time.hold_time_during(f))
    }

    /// Runs `future` to completion on the current thread; see [`Runtime::block_on`].
    ///
    /// # Panics
    /// If called from a thread that already drives a runtime.
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        let _enter = self.enter();
        let _driving = context::start_driving();
        match &self.inner.scheduler {
            // The workers drive timers; this thread only waits for its future.
            Scheduler::MultiThread(_) => avx_core::block_on(&mut ThreadPark::new(), future),
            Scheduler::CurrentThread(executor) => {
                let mut park = self.inner.time.wrap_alone(self.inner.io.park());
                avx_core::block_on(&mut park, executor.run(future))
            }
        }
    }

    /// Makes this runtime current on this thread until the guard is dropped.
    pub fn enter(&self) -> EnterGuard {
        context::enter(self.clone())
    }

    /// Number of worker threads (1 for the current-thread flavour).
    pub fn num_workers(&self) -> usize {
        match &self.inner.scheduler {
            Scheduler::MultiThread(executor) => executor.num_workers(),
            Scheduler::CurrentThread(_) => 1,
        }
    }

    /// Number of spawned tasks that have not finished yet.
    pub fn alive_tasks(&self) -> usize {
        match &self.inner.scheduler {
            Scheduler::MultiThread(executor) => executor.alive_tasks(),
            Scheduler::CurrentThread(executor) => executor.alive_tasks(),
        }
    }
}

impl Handle {
    pub(crate) fn time(&self) -> &TimeDriver {
        &self.inner.time
    }

    /// A timer handle that arms timers in the calling worker's wheel shard.
    pub(crate) fn timer_handle(&self) -> avx_core::time::Handle {
        let handle = self.inner.time.driver().handle();
        match &self.inner.scheduler {
            Scheduler::MultiThread(executor) => match executor.current_worker_index() {
                Some(worker) => handle.with_shard(worker),
                None => handle,
            },
            Scheduler::CurrentThread(_) => handle,
        }
    }
}

impl std::panic::UnwindSafe for Handle {}
impl std::panic::RefUnwindSafe for Handle {}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handle").field("workers", &self.num_workers()).finish_non_exhaustive()
    }
}
