//! `Builder`: configures and builds a `Runtime` — worker count or current-thread flavour,
//! thread names and start/stop hooks, blocking-pool limits, scheduler tuning and seed.

use super::blocking::{BlockingPool, PoolConfig};
use super::{HandleInner, Runtime, Scheduler, Workers};
use crate::time::driver::{TimeDriver, TimePark};
use avx_core::executor::{self, Config};
use avx_core::local::CurrentThreadExecutor;
use avx_core::oracle::FastRand;
use avx_os::Driver as IoDriver;
use std::fmt;
use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

type Hook = Arc<dyn Fn() + Send + Sync>;

/// Names and start/stop callbacks for the threads a runtime starts.
#[derive(Clone)]
pub(crate) struct ThreadHooks {
    pub(crate) name: Arc<dyn Fn() -> String + Send + Sync>,
    pub(crate) on_start: Option<Hook>,
    pub(crate) on_stop: Option<Hook>,
}

/// Builds a [`Runtime`] with custom settings.
pub struct Builder {
    flavor: Flavor,
    worker_threads: Option<usize>,
    max_blocking_threads: usize,
    keep_alive: Duration,
    hooks: ThreadHooks,
    config: Config,
    seed: Option<u64>,
    start_paused: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Flavor {
    MultiThread,
    CurrentThread,
}

impl Builder {
    /// A multi-threaded runtime with one worker per CPU core.
    pub fn new_multi_thread() -> Builder {
        Builder {
            flavor: Flavor::MultiThread,
            worker_threads: None,
            max_blocking_threads: 512,
            keep_alive: Duration::from_secs(10),
            hooks: ThreadHooks { name: Arc::new(|| "avx-worker".to_owned()), on_start: None, on_stop: None },
            config: Config::default(),
            seed: None,
            start_paused: false,
        }
    }

    /// A runtime that runs every task on the thread that calls `block_on`.
    pub fn new_current_thread() -> Builder {
        Builder { flavor: Flavor::CurrentThread, ..Builder::new_multi_thread() }
    }

    /// Switches to the current-thread flavour (tasks run inside `block_on`).
    pub fn current_thread(&mut self) -> &mut Self {
        self.flavor = Flavor::CurrentThread;
        self
    }

    /// Number of worker threads (multi-thread flavour). Default: the number of CPUs.
    ///
    /// # Panics
    /// If `n` is zero.
    pub fn worker_threads(&mut self, n: usize) -> &mut Self {
        assert!(n > 0, "worker_threads must be at least 1");
        self.worker_threads = Some(n);
        self
    }

    /// Upper bound on threads for `spawn_blocking` (default 512).
    ///
    /// # Panics
    /// If `n` is zero.
    pub fn max_blocking_threads(&mut self, n: usize) -> &mut Self {
        assert!(n > 0, "max_blocking_threads must be at least 1");
        self.max_blocking_threads = n;
        self
    }

    /// How long an idle blocking thread waits for work before exiting (default 10 s).
    pub fn thread_keep_alive(&mut self, duration: Duration) -> &mut Self {
        self.keep_alive = duration;
        self
    }

    /// Name of the threads the runtime starts (default `avx-worker`).
    pub fn thread_name(&mut self, name: impl Into<String>) -> &mut Self {
        let name = name.into();
        self.hooks.name = Arc::new(move || name.clone());
        self
    }

    /// A function producing each new thread's name.
    pub fn thread_name_fn(&mut self, f: impl Fn() -> String + Send + Sync + 'static) -> &mut Self {
        self.hooks.name = Arc::new(f);
        self
    }

    /// Runs `f` on each thread the runtime starts, before it runs any task.
    pub fn on_thread_start(&mut self, f: impl Fn() + Send + Sync + 'static) -> &mut Self {
        self.hooks.on_start = Some(Arc::new(f));
        self
    }

    /// Runs `f` on each runtime thread just before it exits.
    pub fn on_thread_stop(&mut self, f: impl Fn() + Send + Sync + 'static) -> &mut Self {
        self.hooks.on_stop = Some(Arc::new(f));
        self
    }

    /// How often a worker takes from the global queue before its own (default 61 ticks).
    ///
    /// # Panics
    /// If `ticks` is zero.
    pub fn global_queue_interval(&mut self, ticks: u32) -> &mut Self {
        assert!(ticks > 0, "global_queue_interval must be at least 1");
        self.config.global_queue_interval = ticks;
        self
    }

    /// How often a busy worker checks for I/O and timers (default 61 ticks).
    ///
    /// # Panics
    /// If `ticks` is zero.
    pub fn event_interval(&mut self, ticks: u32) -> &mut Self {
        assert!(ticks > 0, "event_interval must be at least 1");
        self.config.event_interval = ticks;
        self
    }

    /// Turns the LIFO slot (run the most recently woken task next) off or on.
    pub fn disable_lifo_slot(&mut self) -> &mut Self {
        self.config.max_lifo_polls = 0;
        self
    }

    /// Seeds the scheduler's random choices (steal victims), for reproducible runs.
    pub fn rng_seed(&mut self, seed: u64) -> &mut Self {
        self.seed = Some(seed);
        self
    }

    /// Starts with the clock paused (see `time::pause`); needs the current-thread flavour.
    pub fn start_paused(&mut self, paused: bool) -> &mut Self {
        self.start_paused = paused;
        self
    }

    /// Timers and I/O are always on; kept so code written for tokio's builder compiles.
    pub fn enable_all(&mut self) -> &mut Self {
        self
    }

    /// Timers are always on; kept so code written for tokio's builder compiles.
    pub fn enable_time(&mut self) -> &mut Self {
        self
    }

    /// The I/O driver is always on; kept so code written for tokio's builder compiles.
    pub fn enable_io(&mut self) -> &mut Self {
        self
    }

    /// Builds the runtime, starting its worker threads.
    pub fn build(&mut self) -> io::Result<Runtime> {
        let blocking = BlockingPool::new(PoolConfig {
            max_threads: self.max_blocking_threads,
            keep_alive: self.keep_alive,
            hooks: self.hooks.clone(),
        });
        match self.flavor {
            Flavor::CurrentThread => {
                let time = TimeDriver::new(1, true, self.start_paused);
                let io = new_io_driver()?;
                let scheduler = Scheduler::CurrentThread(CurrentThreadExecutor::new());
                let inner = Arc::new(HandleInner { scheduler, blocking, time, io });
                inner.blocking.set_runtime(Arc::downgrade(&inner));
                Ok(Runtime::from_parts(inner, Workers::new()))
            }
            Flavor::MultiThread => self.build_multi_thread(blocking),
        }
    }

    fn build_multi_thread(&self, blocking: BlockingPool) -> io::Result<Runtime> {
        if self.start_paused {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "start_paused needs the current-thread runtime (Builder::new_current_thread())",
            ));
        }
        let workers = self.worker_threads.unwrap_or_else(default_worker_threads);
        let time = TimeDriver::new(workers, false, false);
        let io = new_io_driver()?;
        let parks = time.wrap_workers((0..workers).map(|_| io.park()).collect());
        let seed = self.seed.unwrap_or_else(random_seed);
        let (handle, workers) = executor::build(self.config.clone(), parks, |index| {
            FastRand::new(seed.wrapping_add((index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)))
        });
        let inner = Arc::new(HandleInner { scheduler: Scheduler::MultiThread(handle), blocking, time, io });
        inner.blocking.set_runtime(Arc::downgrade(&inner));
        let mut started = Workers::new();
        for worker in workers {
            match started_worker(&self.hooks, super::Handle { inner: inner.clone() }, worker) {
                Ok(thread) => started.push(thread),
                Err(error) => {
                    // Dropping the partial runtime stops and joins the threads started so far.
                    drop(Runtime::from_parts(inner, started));
                    return Err(error);
                }
            }
        }
        Ok(Runtime::from_parts(inner, started))
    }
}

fn started_worker(
    hooks: &ThreadHooks,
    handle: super::Handle,
    worker: executor::Worker<TimePark, FastRand>,
) -> io::Result<std::thread::JoinHandle<()>> {
    let hooks = hooks.clone();
    std::thread::Builder::new().name((hooks.name)()).spawn(move || {
        let _enter = super::context::enter(handle);
        let _driving = super::context::start_driving();
        if let Some(start) = &hooks.on_start {
            start();
        }
        worker.run();
        if let Some(stop) = &hooks.on_stop {
            stop();
        }
    })
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

impl fmt::Debug for Builder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Builder")
            .field("flavor", &self.flavor)
            .field("worker_threads", &self.worker_threads)
            .field("max_blocking_threads", &self.max_blocking_threads)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}
