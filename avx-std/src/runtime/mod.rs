//! The runtime an application uses: `Runtime` owns the worker threads and the blocking
//! pool, `Handle` spawns onto it from anywhere, `block_on` drives a future to completion.

mod blocking;
mod build;
mod builder;
pub(crate) mod context;
mod current_thread;
mod id;
mod local;
mod metrics;
mod park;

pub use builder::Builder;
pub use context::{EnterGuard, TryCurrentError};
pub use id::{Id, RuntimeFlavor};
pub use local::{LocalOptions, LocalRuntime};
pub use metrics::RuntimeMetrics;

use crate::time::driver::TimeDriver;
use avx_core::executor;
use avx_core::local::CurrentThreadExecutor;
use avx_core::task::JoinHandle;
use avx_os::{Driver as IoDriver, OsUnparker};
use blocking::BlockingPool;
use context::Driving;
use metrics::{ParkHooks, WorkerStats};
use park::ThreadPark;
use std::fmt;
use std::future::Future;
use std::io;
use std::sync::{Arc, Mutex};
use std::thread::{JoinHandle as ThreadHandle, ThreadId};
use std::time::{Duration, Instant};

type Workers = Vec<ThreadHandle<()>>;

/// The avx runtime: worker threads running tasks, a blocking pool, and the entry point
/// `block_on`. Dropping it cancels every unfinished task (dropping each future exactly
/// once), waits for running blocking closures, and joins its threads.
pub struct Runtime {
    handle: Handle,
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
    id: Id,
    name: Option<String>,
    /// One entry per worker (one for the current-thread flavour).
    stats: Arc<[WorkerStats]>,
    park_hooks: ParkHooks,
    /// The worker threads, joined at shutdown; `block_in_place` adds the threads it hands a
    /// worker to.
    threads: Mutex<Workers>,
    /// The current-thread flavour's core (who drives it now).
    core: current_thread::Core,
    /// For a `LocalRuntime`: the thread it was built on, the only one that may spawn
    /// `!Send` tasks onto it.
    local_owner: Option<ThreadId>,
    /// How `block_in_place` moves a multi-thread runtime's worker to a new thread.
    handoff: std::sync::OnceLock<executor::Handoff<build::WorkerPark, avx_core::oracle::FastRand>>,
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

    fn from_inner(inner: Arc<HandleInner>) -> Runtime {
        Runtime { handle: Handle { inner }, shut_down: false }
    }

    /// Runs `future` to completion on the current thread, with this runtime current (so
    /// `avx_std::spawn` works inside it), and returns its output. On a current-thread
    /// runtime this is what runs the tasks: while another thread's `block_on` runs them, this
    /// one only polls its future, and takes over when that one returns.
    ///
    /// # Panics
    /// If called from a thread that already drives a runtime (inside `block_on` or a task).
    #[track_caller]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        let handle = &self.handle;
        match &handle.inner.scheduler {
            Scheduler::MultiThread(_) => handle.block_on(future),
            Scheduler::CurrentThread(executor) => {
                let _enter = handle.enter();
                let _driving = context::start_driving(Driving::BlockingForbidden);
                current_thread::block_on(handle, executor, future, true)
            }
        }
    }

    /// Spawns a task; see [`Handle::spawn`].
    #[track_caller]
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.handle.spawn(future)
    }

    /// Runs a blocking closure on the blocking pool; see [`Handle::spawn_blocking`].
    #[track_caller]
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
    pub fn enter(&self) -> EnterGuard<'_> {
        self.handle.enter()
    }

    /// The runtime's counters; see [`Handle::metrics`].
    pub fn metrics(&self) -> RuntimeMetrics {
        self.handle.metrics()
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
        // A timeout too long to express (`Duration::MAX`) waits as long as it takes.
        let deadline = timeout.and_then(|t| Instant::now().checked_add(t));
        let inner = &self.handle.inner;
        // Tasks' futures are dropped with the runtime current, so their `Drop` can use it.
        let _enter = context::try_enter(self.handle.clone());
        match &inner.scheduler {
            Scheduler::MultiThread(executor) => {
                executor.shutdown();
                // First the worker loops; then the tasks are cancelled, which may be what a
                // `block_in_place` closure still running on a former worker thread waits for;
                // then every thread.
                inner.wait_for_workers(executor, deadline);
                executor.shutdown_tasks();
                inner.join_threads(deadline);
            }
            Scheduler::CurrentThread(executor) => executor.shutdown(),
        }
        inner.blocking.shutdown(deadline.map(|d| d.saturating_duration_since(Instant::now())));
        // Sockets that outlive the runtime get an error from now on instead of waiting forever.
        inner.io.shutdown();
    }
}

impl HandleInner {
    /// Waits until every worker loop has stopped, or `deadline`.
    fn wait_for_workers(&self, executor: &executor::Handle<OsUnparker>, deadline: Option<Instant>) {
        let mut pause = Duration::from_micros(50);
        while executor.active_workers() > 0 && deadline.is_none_or(|deadline| Instant::now() < deadline) {
            let left = deadline.map_or(pause, |deadline| deadline.saturating_duration_since(Instant::now()));
            std::thread::sleep(pause.min(left));
            pause = (pause * 2).min(Duration::from_millis(10));
        }
    }

    /// Joins the worker threads that finish before `deadline` (all of them if `None`),
    /// including those started meanwhile by `block_in_place`.
    fn join_threads(&self, deadline: Option<Instant>) {
        let take = || std::mem::take(&mut *self.threads.lock().unwrap_or_else(|e| e.into_inner()));
        let mut pending = take();
        let mut pause = Duration::from_micros(50);
        while !pending.is_empty() {
            match deadline {
                None => {
                    // A worker never panics out of `run`: tasks' panics are caught.
                    pending.drain(..).for_each(|worker| drop(worker.join()));
                }
                Some(deadline) => {
                    pending.retain(|worker| !worker.is_finished());
                    if Instant::now() >= deadline {
                        return; // the rest are detached
                    }
                    std::thread::sleep(pause.min(deadline.saturating_duration_since(Instant::now())));
                    pause = (pause * 2).min(Duration::from_millis(10));
                }
            }
            pending.extend(take());
        }
    }
}

// A panic on a thread using a runtime cannot leave it half-updated for others: its shared
// state changes under locks that ignore poisoning or in single atomic steps, and tasks'
// panics are caught. So Tokio's types are unwind safe, and these are too.
impl std::panic::UnwindSafe for Runtime {}
impl std::panic::RefUnwindSafe for Runtime {}
impl std::panic::UnwindSafe for Handle {}
impl std::panic::RefUnwindSafe for Handle {}

impl Drop for Runtime {
    fn drop(&mut self) {
        self.shutdown(None);
    }
}

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
    #[track_caller]
    pub fn current() -> Handle {
        match Handle::try_current() {
            Ok(handle) => handle,
            Err(error) => panic!("{error}"),
        }
    }

    /// The runtime current on this thread, or an error outside one.
    pub fn try_current() -> Result<Handle, TryCurrentError> {
        context::with_current(Handle::clone)
    }

    /// Spawns a future onto the runtime; it starts running at once on some worker. The
    /// returned handle awaits its output; dropping the handle detaches the task.
    #[track_caller]
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
    #[track_caller]
    pub fn spawn_blocking<F, R>(&self, f: F) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        // On a current-thread runtime, paused time stands still while the closure is in flight.
        self.inner.blocking.spawn(self.inner.time.hold_time_during(f))
    }

    /// Runs `future` to completion on the current thread, with this runtime current.
    ///
    /// This thread does not run the runtime's tasks: on a multi-thread runtime its workers
    /// do; on a current-thread runtime only [`Runtime::block_on`] does (while no other thread
    /// drives the runtime, this one drives its timers and I/O).
    ///
    /// # Panics
    /// If called from a thread that already drives a runtime.
    #[track_caller]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        let _enter = self.enter();
        let _driving = context::start_driving(Driving::BlockingAllowed);
        match &self.inner.scheduler {
            // The workers drive timers; this thread only waits for its future.
            Scheduler::MultiThread(_) => avx_core::block_on(&mut ThreadPark::new(), future),
            Scheduler::CurrentThread(executor) => current_thread::block_on(self, executor, future, false),
        }
    }

    /// Makes this runtime current on this thread until the guard is dropped.
    pub fn enter(&self) -> EnterGuard<'_> {
        context::enter(self.clone())
    }

    /// The runtime's id, unique among the runtimes of the process.
    pub fn id(&self) -> Id {
        self.inner.id
    }

    /// The name given with [`Builder::name`], if any.
    pub fn name(&self) -> Option<&str> {
        self.inner.name.as_deref()
    }

    /// Which scheduler the runtime has.
    pub fn runtime_flavor(&self) -> RuntimeFlavor {
        match self.inner.scheduler {
            Scheduler::MultiThread(_) => RuntimeFlavor::MultiThread,
            Scheduler::CurrentThread(_) => RuntimeFlavor::CurrentThread,
        }
    }

    /// The runtime's counters: workers, tasks, queue depth, parks and busy time.
    pub fn metrics(&self) -> RuntimeMetrics {
        RuntimeMetrics::new(self.clone())
    }

    /// Number of worker threads (1 for the current-thread flavour).
    pub fn num_workers(&self) -> usize {
        self.inner.stats.len()
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

    pub(crate) fn global_queue_depth(&self) -> usize {
        match &self.inner.scheduler {
            Scheduler::MultiThread(executor) => executor.global_queue_depth(),
            Scheduler::CurrentThread(executor) => executor.queued_tasks(),
        }
    }

    /// The index of the worker the calling thread is right now, if any.
    pub(crate) fn worker_index(&self) -> Option<usize> {
        match &self.inner.scheduler {
            Scheduler::MultiThread(executor) => executor.current_worker_index(),
            Scheduler::CurrentThread(_) => self.inner.core.runs_tasks_here().then_some(0),
        }
    }

    pub(crate) fn multi_thread(&self) -> Option<&executor::Handle<OsUnparker>> {
        match &self.inner.scheduler {
            Scheduler::MultiThread(executor) => Some(executor),
            Scheduler::CurrentThread(_) => None,
        }
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

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handle").field("id", &self.id()).field("workers", &self.num_workers()).finish_non_exhaustive()
    }
}

/// The index of the worker thread the caller runs on: `Some(0)` inside a current-thread
/// runtime's `Runtime::block_on` (and its tasks) or a `LocalRuntime`, `Some(i)` on worker `i`
/// of a multi-thread runtime, `None` elsewhere (outside a runtime, on a blocking-pool thread,
/// in `Handle::block_on`, in a multi-thread runtime's `block_on`).
pub fn worker_index() -> Option<usize> {
    context::with_current(Handle::worker_index).ok().flatten()
}

/// Whether `error` is the one I/O resources report once the runtime they were registered
/// with has shut down.
pub fn is_rt_shutdown_err(error: &io::Error) -> bool {
    error.kind() == io::ErrorKind::Other && error.get_ref().is_some_and(|inner| inner.is::<avx_core::io::DriverGone>())
}
