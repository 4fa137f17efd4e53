//! `Builder::build` and `build_local`: the runtime's drivers, scheduler and worker threads,
//! each worker able to move to a new thread when a task calls `block_in_place`.

use super::blocking::{BlockingPool, PoolConfig};
use super::builder::{Builder, Flavor, ThreadHooks};
use super::id::Id;
use super::metrics::{MeteredPark, WorkerStats};
use super::{current_thread, local, Handle, HandleInner, Runtime, Scheduler, Workers};
use crate::time::driver::{TimeDriver, TimePark};
use avx_core::executor::{self, Handoff};
use avx_core::local::CurrentThreadExecutor;
use avx_core::oracle::FastRand;
use avx_os::Driver as IoDriver;
use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::ThreadId;

pub(super) type WorkerPark = MeteredPark<TimePark>;
type Worker = executor::Worker<WorkerPark, FastRand>;

impl Builder {
    /// Builds the runtime, starting its worker threads.
    pub fn build(&mut self) -> io::Result<Runtime> {
        match self.flavor {
            Flavor::CurrentThread => self.build_current_thread(None),
            Flavor::MultiThread => self.build_multi_thread(),
        }
    }

    /// Builds a [`LocalRuntime`](super::LocalRuntime): a current-thread runtime that also
    /// runs `!Send` tasks (`spawn_local`), tied to the calling thread.
    ///
    /// # Panics
    /// On a builder made by `new_multi_thread`: a local runtime has no worker threads.
    #[track_caller]
    pub fn build_local(&mut self, options: super::LocalOptions) -> io::Result<super::LocalRuntime> {
        assert_eq!(self.flavor, Flavor::CurrentThread, "build_local needs Builder::new_current_thread()");
        let _ = options;
        let runtime = self.build_current_thread(Some(std::thread::current().id()))?;
        Ok(local::LocalRuntime::from_runtime(runtime))
    }

    fn blocking_pool(&self) -> BlockingPool {
        BlockingPool::new(PoolConfig {
            max_threads: self.max_blocking_threads,
            keep_alive: self.keep_alive,
            hooks: self.hooks.clone(),
        })
    }

    fn inner(&self, scheduler: Scheduler, time: Arc<TimeDriver>, io: Arc<IoDriver>, workers: usize) -> HandleInner {
        HandleInner {
            scheduler,
            blocking: self.blocking_pool(),
            time,
            io,
            id: Id::next(),
            name: self.name.clone(),
            stats: (0..workers).map(|_| WorkerStats::default()).collect(),
            park_hooks: self.park_hooks.clone(),
            threads: Mutex::new(Workers::new()),
            core: current_thread::Core::default(),
            local_owner: None,
            handoff: std::sync::OnceLock::new(),
        }
    }

    fn build_current_thread(&self, local_owner: Option<ThreadId>) -> io::Result<Runtime> {
        let time = TimeDriver::new(1, true, self.start_paused);
        let io = new_io_driver()?;
        let scheduler = Scheduler::CurrentThread(CurrentThreadExecutor::new());
        let inner = Arc::new(HandleInner { local_owner, ..self.inner(scheduler, time, io, 1) });
        inner.blocking.set_runtime(Arc::downgrade(&inner));
        Ok(Runtime::from_inner(inner))
    }

    fn build_multi_thread(&self) -> io::Result<Runtime> {
        if self.start_paused {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "start_paused needs the current-thread runtime (Builder::new_current_thread())",
            ));
        }
        let count = self.worker_threads.unwrap_or_else(default_worker_threads);
        let time = TimeDriver::new(count, false, false);
        let io = new_io_driver()?;
        let stats: Arc<[WorkerStats]> = (0..count).map(|_| WorkerStats::default()).collect();
        let parks = time.wrap_workers((0..count).map(|_| io.park()).collect());
        let parks = parks
            .into_iter()
            .enumerate()
            .map(|(index, park)| MeteredPark::new(park, stats.clone(), index, self.park_hooks.clone()))
            .collect();
        let seed = self.seed.unwrap_or_else(random_seed);
        let (handle, workers) = executor::build(self.config.clone(), parks, |index| {
            FastRand::new(seed.wrapping_add((index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)))
        });
        let inner = HandleInner { stats, ..self.inner(Scheduler::MultiThread(handle), time, io, count) };
        let inner = Arc::new(inner);
        inner.blocking.set_runtime(Arc::downgrade(&inner));
        let runtime = Runtime::from_inner(inner);
        let handoff = handoff(&runtime.handle, self.hooks.clone());
        for worker in workers {
            // On failure, dropping the partial runtime stops and joins the threads started so far.
            start_worker(&runtime.handle, &self.hooks, &handoff, Box::new(worker)).map_err(|(_, error)| error)?;
        }
        Ok(runtime)
    }
}

/// What `block_in_place` uses to move a worker to a new thread of the runtime.
fn handoff(handle: &Handle, hooks: ThreadHooks) -> Handoff<WorkerPark, FastRand> {
    // Weak: the function lives in every worker, which the runtime owns. It reaches itself
    // (to give the new thread) through the runtime.
    let inner = Arc::downgrade(&handle.inner);
    let handoff: Handoff<WorkerPark, FastRand> = Arc::new(move |worker: Box<Worker>| {
        let Some(inner) = inner.upgrade() else { return Err(worker) };
        let Some(handoff) = inner.handoff.get().cloned() else { return Err(worker) };
        start_worker(&Handle { inner }, &hooks, &handoff, worker).map_err(|(worker, _)| worker)
    });
    let _ = handle.inner.handoff.set(handoff.clone());
    handoff
}

/// Starts a thread running `worker`; on failure hands the worker back with the error.
fn start_worker(
    handle: &Handle,
    hooks: &ThreadHooks,
    handoff: &Handoff<WorkerPark, FastRand>,
    worker: Box<Worker>,
) -> Result<(), (Box<Worker>, io::Error)> {
    let (thread_handle, thread_hooks, thread_handoff) = (handle.clone(), hooks.clone(), handoff.clone());
    // The worker travels in a slot so that it comes back if the thread cannot start.
    let slot = Arc::new(Mutex::new(Some(worker)));
    let thread_slot = slot.clone();
    let started = hooks.thread_builder().spawn(move || {
        let Some(worker) = thread_slot.lock().unwrap_or_else(|e| e.into_inner()).take() else { return };
        drop(thread_slot);
        let _enter = super::context::enter(thread_handle);
        let _driving = super::context::start_driving(super::context::Driving::BlockingAllowed);
        if let Some(start) = &thread_hooks.on_start {
            start();
        }
        worker.run_with_handoff(thread_handoff);
        if let Some(stop) = &thread_hooks.on_stop {
            stop();
        }
    });
    match started {
        Ok(thread) => {
            handle.inner.threads.lock().unwrap_or_else(|e| e.into_inner()).push(thread);
            Ok(())
        }
        Err(error) => {
            let worker = slot.lock().unwrap_or_else(|e| e.into_inner()).take();
            Err((worker.expect("a thread that failed to start never took its worker"), error))
        }
    }
}

/// The runtime's OS reactor (epoll, kqueue or IOCP).
fn new_io_driver() -> io::Result<Arc<IoDriver>> {
    IoDriver::new().map_err(crate::io::registration::os_error)
}

fn default_worker_threads() -> usize {
    std::env::var("AVX_WORKER_THREADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// A seed that differs between runtimes and runs, without a dependency on a RNG crate.
fn random_seed() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_usize(COUNTER.fetch_add(1, Ordering::Relaxed));
    hasher.finish()
}
