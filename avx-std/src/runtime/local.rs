//! `LocalRuntime`: a current-thread runtime tied to the thread that built it, which also runs
//! `!Send` tasks (`spawn_local`); `Send` tasks reach it from anywhere through its `Handle`.

use super::{Builder, EnterGuard, Handle, Runtime, RuntimeMetrics, Scheduler};
use avx_core::task::JoinHandle;
use std::fmt;
use std::future::Future;
use std::io;
use std::marker::PhantomData;
use std::time::Duration;

/// A current-thread runtime that can run `!Send` futures. It stays on the thread that
/// built it (`!Send`); only that thread can spawn local tasks onto it.
pub struct LocalRuntime {
    runtime: Runtime,
    _not_send: PhantomData<*const ()>,
}

/// Settings of a [`LocalRuntime`] beyond the builder's (none yet; kept for Tokio's signature
/// of `Builder::build_local`).
#[derive(Default, Debug)]
#[non_exhaustive]
pub struct LocalOptions {
    _not_send: PhantomData<*const ()>,
}

impl LocalRuntime {
    /// A local runtime with default settings.
    pub fn new() -> io::Result<LocalRuntime> {
        Builder::new_current_thread().enable_all().build_local(LocalOptions::default())
    }

    pub(super) fn from_runtime(runtime: Runtime) -> LocalRuntime {
        LocalRuntime { runtime, _not_send: PhantomData }
    }

    /// The runtime's handle (for `Send` tasks, from any thread).
    pub fn handle(&self) -> &Handle {
        self.runtime.handle()
    }

    /// Spawns a future that need not be `Send`; it runs inside [`LocalRuntime::block_on`].
    #[track_caller]
    pub fn spawn_local<F: Future + 'static>(&self, future: F) -> JoinHandle<F::Output> {
        self.handle().spawn_local(future)
    }

    /// Spawns a `Send` future; see [`Handle::spawn`].
    #[track_caller]
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.runtime.spawn(future)
    }

    /// Runs a blocking closure on the blocking pool; see [`Handle::spawn_blocking`].
    #[track_caller]
    pub fn spawn_blocking<F, R>(&self, f: F) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        self.runtime.spawn_blocking(f)
    }

    /// Runs `future` to completion on this thread, running the runtime's tasks meanwhile.
    ///
    /// # Panics
    /// If called from a thread that already drives a runtime.
    #[track_caller]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }

    /// Makes this runtime current on this thread until the guard is dropped.
    pub fn enter(&self) -> EnterGuard<'_> {
        self.runtime.enter()
    }

    /// The runtime's counters.
    pub fn metrics(&self) -> RuntimeMetrics {
        self.runtime.metrics()
    }

    /// Shuts down, waiting at most `timeout` for blocking closures.
    pub fn shutdown_timeout(self, timeout: Duration) {
        self.runtime.shutdown_timeout(timeout)
    }

    /// Shuts down without waiting for blocking closures.
    pub fn shutdown_background(self) {
        self.runtime.shutdown_background()
    }
}

// As `Runtime`'s (see there).
impl std::panic::UnwindSafe for LocalRuntime {}
impl std::panic::RefUnwindSafe for LocalRuntime {}

impl fmt::Debug for LocalRuntime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalRuntime").field("handle", self.handle()).finish_non_exhaustive()
    }
}

impl Handle {
    /// Whether this is a `LocalRuntime`'s handle.
    pub(crate) fn is_local(&self) -> bool {
        self.inner.local_owner.is_some()
    }

    /// Spawns a `!Send` future onto this `LocalRuntime` from its own thread.
    ///
    /// # Panics
    /// If this is not a `LocalRuntime`, or the caller is on another thread.
    #[track_caller]
    pub(crate) fn spawn_local<F: Future + 'static>(&self, future: F) -> JoinHandle<F::Output> {
        let (Some(owner), Scheduler::CurrentThread(executor)) = (self.inner.local_owner, &self.inner.scheduler) else {
            panic!("{}", crate::task::SPAWN_LOCAL_OUTSIDE);
        };
        assert!(
            owner == std::thread::current().id(),
            "Local tasks can only be spawned on a LocalRuntime from the thread the runtime was created on"
        );
        // SAFETY: only the owner thread runs this executor's tasks (`Runtime::block_on` of a
        // `LocalRuntime`, which is neither `Send` nor `Sync`; `Handle::block_on` runs none)
        // and shuts it down first (dropping the `LocalRuntime`); a later shutdown from the
        // last `Handle` elsewhere finds no task left. The handle of a `!Send` output is `!Send`.
        unsafe { executor.spawn_local(future) }
    }
}
