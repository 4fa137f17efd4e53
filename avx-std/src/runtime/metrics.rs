//! `RuntimeMetrics` (Tokio's stable set) and `MeteredPark`, the park wrapper of every worker
//! (and of a current-thread runtime's `block_on`) that counts parks and busy time and runs
//! the `on_thread_park`/`on_thread_unpark` hooks.

use super::Handle;
use avx_core::Park;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Counters of one worker, written only by the thread running it.
#[derive(Default)]
pub(crate) struct WorkerStats {
    parks: AtomicU64,
    parks_and_unparks: AtomicU64,
    busy_nanos: AtomicU64,
}

/// A hook called on a runtime thread (start, stop, park, unpark).
pub(crate) type Hook = Arc<dyn Fn() + Send + Sync>;

/// `Builder::on_thread_park` / `on_thread_unpark`.
#[derive(Clone, Default)]
pub(crate) struct ParkHooks {
    pub(crate) on_park: Option<Hook>,
    pub(crate) on_unpark: Option<Hook>,
}

/// A worker's park that keeps its [`WorkerStats`] and runs the park hooks. A zero-timeout
/// park (a busy worker polling I/O and timers in passing) is not a park: neither counted
/// nor hooked.
pub(crate) struct MeteredPark<P> {
    inner: P,
    stats: Arc<[WorkerStats]>,
    index: usize,
    hooks: ParkHooks,
    busy_since: Instant,
}

impl<P: Park> MeteredPark<P> {
    pub(crate) fn new(inner: P, stats: Arc<[WorkerStats]>, index: usize, hooks: ParkHooks) -> MeteredPark<P> {
        MeteredPark { inner, stats, index, hooks, busy_since: Instant::now() }
    }

    fn add_busy(&self, until: Instant) {
        let nanos = until.saturating_duration_since(self.busy_since).as_nanos();
        self.stats[self.index].busy_nanos.fetch_add(u64::try_from(nanos).unwrap_or(u64::MAX), Relaxed);
    }
}

impl<P: Park> Park for MeteredPark<P> {
    type Unparker = P::Unparker;

    fn park(&mut self, timeout: Option<Duration>) {
        if timeout == Some(Duration::ZERO) {
            return self.inner.park(timeout);
        }
        if let Some(hook) = &self.hooks.on_park {
            hook();
        }
        let stats = &self.stats[self.index];
        stats.parks.fetch_add(1, Relaxed);
        stats.parks_and_unparks.fetch_add(1, Relaxed);
        self.add_busy(Instant::now());
        self.inner.park(timeout);
        self.busy_since = Instant::now();
        self.stats[self.index].parks_and_unparks.fetch_add(1, Relaxed);
        if let Some(hook) = &self.hooks.on_unpark {
            hook();
        }
    }

    fn unparker(&self) -> P::Unparker {
        self.inner.unparker()
    }
}

impl<P> Drop for MeteredPark<P> {
    fn drop(&mut self) {
        let nanos = self.busy_since.elapsed().as_nanos();
        self.stats[self.index].busy_nanos.fetch_add(u64::try_from(nanos).unwrap_or(u64::MAX), Relaxed);
    }
}

/// A view of a runtime's counters, from [`Handle::metrics`]; it stays readable after the
/// runtime shut down.
#[derive(Clone, Debug)]
pub struct RuntimeMetrics {
    handle: Handle,
}

impl RuntimeMetrics {
    pub(crate) fn new(handle: Handle) -> RuntimeMetrics {
        RuntimeMetrics { handle }
    }

    fn worker(&self, worker: usize) -> &WorkerStats {
        let stats = &self.handle.inner.stats;
        assert!(worker < stats.len(), "worker index {worker} out of range: the runtime has {} workers", stats.len());
        &stats[worker]
    }

    /// Number of worker threads (1 for a current-thread runtime).
    pub fn num_workers(&self) -> usize {
        self.handle.inner.stats.len()
    }

    /// Number of spawned tasks that have not finished yet.
    pub fn num_alive_tasks(&self) -> usize {
        self.handle.alive_tasks()
    }

    /// Number of tasks waiting in the runtime's global queue (spawned or woken from outside
    /// its workers, not yet taken by one).
    pub fn global_queue_depth(&self) -> usize {
        self.handle.global_queue_depth()
    }

    /// How long worker `worker` has spent not parked: running tasks, polling I/O and timers.
    ///
    /// # Panics
    /// If `worker` is not below [`RuntimeMetrics::num_workers`].
    pub fn worker_total_busy_duration(&self, worker: usize) -> Duration {
        Duration::from_nanos(self.worker(worker).busy_nanos.load(Relaxed))
    }

    /// How many times worker `worker` has parked (gone to sleep waiting for work).
    ///
    /// # Panics
    /// If `worker` is not below [`RuntimeMetrics::num_workers`].
    pub fn worker_park_count(&self, worker: usize) -> u64 {
        self.worker(worker).parks.load(Relaxed)
    }

    /// Parks plus unparks of worker `worker`: odd while it is parked, even while it runs.
    ///
    /// # Panics
    /// If `worker` is not below [`RuntimeMetrics::num_workers`].
    pub fn worker_park_unpark_count(&self, worker: usize) -> u64 {
        self.worker(worker).parks_and_unparks.load(Relaxed)
    }
}
