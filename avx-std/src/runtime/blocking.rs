//! The blocking pool behind `spawn_blocking`: threads started on demand, kept
//! for a while when idle, and a queue of closures turned into ordinary tasks. Its threads
//! wait on avx-os's futex mutex and condvar, like the workers.

use super::context;
use super::Handle;
use avx_core::task::{spawn_unowned, JoinHandle, Runnable};
use avx_os::{Condvar, Mutex};
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Weak};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

pub(crate) struct BlockingPool {
    shared: Arc<Shared>,
}

struct Shared {
    state: Mutex<State>,
    condvar: Condvar,
    /// Signalled when a thread exits, for `shutdown`'s bounded wait.
    exited: Condvar,
    config: PoolConfig,
    /// The runtime the pool's threads make current (so they can spawn tasks).
    runtime: Mutex<Weak<super::HandleInner>>,
}

pub(crate) struct PoolConfig {
    pub(crate) max_threads: usize,
    pub(crate) keep_alive: Duration,
    pub(crate) hooks: super::builder::ThreadHooks,
}

struct State {
    queue: VecDeque<Runnable>,
    threads: usize,
    /// Threads waiting for work that nobody has claimed yet.
    idle: usize,
    /// Wake-ups granted to waiting threads: a pusher that counts on an idle thread takes it
    /// out of `idle` at once and leaves a grant here, so a second push right after cannot count
    /// on the same thread (Tokio's #8056: the second closure then waited behind the first).
    /// Invariant: `idle + grants` is the number of threads inside the wait.
    grants: usize,
    shutdown: bool,
}

/// Runs a closure once, as a future, on a blocking-pool thread.
struct BlockingTask<F>(Option<F>);

impl<F> Unpin for BlockingTask<F> {}

impl<R, F: FnOnce() -> R> Future for BlockingTask<F> {
    type Output = R;

    fn poll(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<R> {
        let f = self.0.take().expect("a blocking task is polled once");
        Poll::Ready(f())
    }
}

impl BlockingPool {
    pub(crate) fn new(config: PoolConfig) -> BlockingPool {
        let state = State { queue: VecDeque::new(), threads: 0, idle: 0, grants: 0, shutdown: false };
        BlockingPool {
            shared: Arc::new(Shared {
                state: Mutex::new(state),
                condvar: Condvar::new(),
                exited: Condvar::new(),
                config,
                runtime: Mutex::new(Weak::new()),
            }),
        }
    }

    pub(crate) fn set_runtime(&self, runtime: Weak<super::HandleInner>) {
        *self.shared.runtime.lock() = runtime;
    }

    /// Runs `f` on a pool thread. After shutdown, or if no thread can be started at all,
    /// the handle resolves to a cancelled error instead.
    pub(crate) fn spawn<F, R>(&self, f: F) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        let shared = Arc::downgrade(&self.shared);
        // A blocking task runs exactly once and never wakes itself; should the closure
        // schedule it anyway, it goes back through the pool.
        let (runnable, handle) = spawn_unowned(BlockingTask(Some(f)), move |runnable| match shared.upgrade() {
            Some(shared) => Shared::push(&shared, runnable),
            None => drop(runnable),
        });
        Shared::push(&self.shared, runnable);
        handle
    }

    /// Stops accepting work, cancels what is queued and waits up to `timeout` (forever if
    /// `None`) for running closures to return. Returns false if some were still running.
    pub(crate) fn shutdown(&self, timeout: Option<Duration>) -> bool {
        let mut state = self.shared.state.lock();
        state.shutdown = true;
        let queued = std::mem::take(&mut state.queue);
        self.shared.condvar.notify_all();
        drop(state);
        drop(queued); // cancels each one: their handles see a cancelled error
        let deadline = timeout.map(|t| Instant::now() + t);
        let mut state = self.shared.state.lock();
        while state.threads > 0 {
            state = match deadline {
                None => self.shared.exited.wait(state),
                Some(deadline) => {
                    let Some(left) = deadline.checked_duration_since(Instant::now()) else { return false };
                    self.shared.exited.wait_timeout(state, Some(left)).0
                }
            };
        }
        true
    }
}

impl Shared {
    fn push(this: &Arc<Shared>, runnable: Runnable) {
        let mut state = this.state.lock();
        if state.shutdown {
            drop(state);
            drop(runnable); // cancelled
            return;
        }
        if state.idle > 0 {
            state.queue.push_back(runnable);
            state.idle -= 1;
            state.grants += 1;
            this.condvar.notify_one();
            return;
        }
        if state.threads >= this.config.max_threads {
            state.queue.push_back(runnable);
            return; // a busy thread will take it when it is done
        }
        state.threads += 1;
        drop(state);
        // The new thread's first job: handed over directly, so it counts as started (a
        // shutdown right after this cancels only what still waits in the queue).
        let first = Arc::new(avx_os::Mutex::new(Some(runnable)));
        let (worker, job) = (this.clone(), first.clone());
        let started = this.config.hooks.thread_builder().spawn(move || {
            let first = job.lock().take();
            drop(job);
            worker.run_thread(first)
        });
        if started.is_err() {
            let runnable = first.lock().take();
            let mut state = this.state.lock();
            state.threads -= 1;
            state.queue.extend(runnable);
            if state.threads == 0 {
                // No thread can run it now; fail the queued tasks visibly.
                let queued = std::mem::take(&mut state.queue);
                drop(state);
                drop(queued);
            }
        }
    }

    fn run_thread(self: Arc<Self>, first: Option<Runnable>) {
        let runtime = self.runtime.lock().upgrade();
        let _enter = runtime.map(|inner| context::enter(Handle { inner }));
        if let Some(start) = &self.config.hooks.on_start {
            start();
        }
        if let Some(runnable) = first {
            runnable.run();
            crate::time::paused::blocking_task_ran();
        }
        let mut state = self.state.lock();
        loop {
            if let Some(runnable) = state.queue.pop_front() {
                drop(state);
                runnable.run();
                // The task has completed: paused time may move again (see `time::paused`).
                crate::time::paused::blocking_task_ran();
                state = self.state.lock();
                continue;
            }
            if state.shutdown {
                break;
            }
            state.idle += 1;
            let (guard, timed_out) = self.condvar.wait_timeout(state, Some(self.config.keep_alive));
            state = guard;
            // Whichever waiter wakes first uses a grant; one that woke without any (timeout,
            // shutdown, spurious) leaves the idle count itself.
            if state.grants > 0 {
                state.grants -= 1;
            } else {
                state.idle -= 1;
            }
            if timed_out && state.queue.is_empty() {
                break;
            }
        }
        drop(state);
        if let Some(stop) = &self.config.hooks.on_stop {
            stop();
        }
        self.state.lock().threads -= 1;
        self.exited.notify_all();
    }
}
