//! `Builder`: configures a `Runtime` — worker count or current-thread flavour, its name,
//! thread names, stack size and hooks, blocking-pool limits, scheduler tuning and seed.
//! (`build.rs` builds it.)

use super::metrics::{Hook, ParkHooks};
use avx_core::executor::Config;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// Names, stack size and start/stop callbacks for the threads a runtime starts.
#[derive(Clone)]
pub(crate) struct ThreadHooks {
    pub(crate) name: Arc<dyn Fn() -> String + Send + Sync>,
    pub(crate) stack_size: Option<usize>,
    pub(crate) on_start: Option<Hook>,
    pub(crate) on_stop: Option<Hook>,
}

impl ThreadHooks {
    /// A `std::thread::Builder` with the runtime's name and stack size.
    pub(crate) fn thread_builder(&self) -> std::thread::Builder {
        let builder = std::thread::Builder::new().name((self.name)());
        match self.stack_size {
            Some(size) => builder.stack_size(size),
            None => builder,
        }
    }
}

/// Builds a [`Runtime`](super::Runtime) with custom settings.
pub struct Builder {
    pub(super) flavor: Flavor,
    pub(super) worker_threads: Option<usize>,
    pub(super) max_blocking_threads: usize,
    pub(super) keep_alive: Duration,
    pub(super) hooks: ThreadHooks,
    pub(super) park_hooks: ParkHooks,
    pub(super) config: Config,
    pub(super) seed: Option<u64>,
    pub(super) start_paused: bool,
    pub(super) name: Option<String>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Flavor {
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
            hooks: ThreadHooks {
                name: Arc::new(|| "avx-worker".to_owned()),
                stack_size: None,
                on_start: None,
                on_stop: None,
            },
            park_hooks: ParkHooks::default(),
            config: Config::default(),
            seed: None,
            start_paused: false,
            name: None,
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
    #[track_caller]
    pub fn worker_threads(&mut self, n: usize) -> &mut Self {
        assert!(n > 0, "worker_threads must be at least 1");
        self.worker_threads = Some(n);
        self
    }

    /// Upper bound on threads for `spawn_blocking` (default 512).
    ///
    /// # Panics
    /// If `n` is zero.
    #[track_caller]
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

    /// The runtime's name, for [`Handle::name`](super::Handle::name) (default: none).
    ///
    /// # Panics
    /// If `name` is empty or only whitespace.
    #[track_caller]
    pub fn name(&mut self, name: impl Into<String>) -> &mut Self {
        let name = name.into();
        assert!(!name.trim().is_empty(), "a runtime's name must not be empty or only whitespace");
        self.name = Some(name);
        self
    }

    /// Stack size in bytes of the threads the runtime starts (default: std's, 2 MiB).
    pub fn thread_stack_size(&mut self, bytes: usize) -> &mut Self {
        self.hooks.stack_size = Some(bytes);
        self
    }

    /// Runs `f` on a worker thread each time it is about to sleep waiting for work (on a
    /// current-thread runtime: the thread inside `block_on`). Waking a task from it (or
    /// spawning one) makes the thread skip that sleep.
    pub fn on_thread_park(&mut self, f: impl Fn() + Send + Sync + 'static) -> &mut Self {
        self.park_hooks.on_park = Some(Arc::new(f));
        self
    }

    /// Runs `f` on a worker thread each time it wakes from such a sleep.
    pub fn on_thread_unpark(&mut self, f: impl Fn() + Send + Sync + 'static) -> &mut Self {
        self.park_hooks.on_unpark = Some(Arc::new(f));
        self
    }

    /// Kept for code written for Tokio's builder: avx's reactor takes every ready event in
    /// one call, so there is nothing to limit.
    ///
    /// # Panics
    /// If `events` is zero (as Tokio's).
    #[track_caller]
    pub fn max_io_events_per_tick(&mut self, events: usize) -> &mut Self {
        assert!(events > 0, "max_io_events_per_tick must be non-zero");
        self
    }

    /// Kept for code written for Tokio's builder: a busy avx worker polls I/O every
    /// [`Builder::event_interval`] ticks and takes every ready event then.
    ///
    /// # Panics
    /// If `events` is zero (as Tokio's).
    #[track_caller]
    pub fn max_io_events_per_busy_tick(&mut self, events: usize) -> &mut Self {
        assert!(events > 0, "max_io_events_per_busy_tick must be non-zero");
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
    #[track_caller]
    pub fn global_queue_interval(&mut self, ticks: u32) -> &mut Self {
        assert!(ticks > 0, "global_queue_interval must be at least 1");
        self.config.global_queue_interval = ticks;
        self
    }

    /// How often a busy worker checks for I/O and timers (default 61 ticks).
    ///
    /// # Panics
    /// If `ticks` is zero.
    #[track_caller]
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
}

impl fmt::Debug for Builder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Builder")
            .field("flavor", &self.flavor)
            .field("name", &self.name)
            .field("worker_threads", &self.worker_threads)
            .field("max_blocking_threads", &self.max_blocking_threads)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}
