//! The executor's shared state and `Handle`: spawning from any thread, where a woken task
//! is queued (the waking worker's LIFO slot and queue, or the global queue), and shutdown.

use super::idle::Idle;
use super::lifo::LifoSlot;
use super::worker::WorkerCx;
use super::Config;
use crate::context;
use crate::deque::Steal;
use crate::inject::Inject;
use crate::loom::{AtomicBool, AtomicUsize, Ordering::*};
use crate::park::Unpark;
use crate::task::{JoinHandle, Notified, OwnedTasks, Schedule, Task};
use alloc::boxed::Box;
use alloc::sync::Arc;
use core::future::Future;

pub(super) type TaskRef<U> = Notified<Handle<U>>;

/// Where a task scheduled from its own worker's thread goes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Placement {
    /// The LIFO slot: a task just woken, run next while its data is hot in cache.
    Lifo,
    /// The back of the local queue: new and yielding tasks.
    Back,
}

pub(super) struct Shared<U: Unpark> {
    pub(super) remotes: Box<[Remote<U>]>,
    /// Tasks from outside the workers: remote spawns and wake-ups.
    pub(super) inject: Inject<TaskRef<U>>,
    /// Tasks a worker had accepted but had no room for (local-queue overflow). Served before
    /// `inject` (which still gets its turn every `global_queue_interval` ticks), so under
    /// overload work already under way is not stuck behind a flood of new spawns.
    pub(super) overflow: Inject<TaskRef<U>>,
    pub(super) idle: Idle,
    pub(super) owned: OwnedTasks<Handle<U>>,
    pub(super) config: Config,
    shutdown: AtomicBool,
    /// Worker cores in existence (running, or on their way to a new thread).
    pub(super) cores: AtomicUsize,
}

/// Counts a worker core in `Shared::cores` for as long as it exists.
pub(super) struct CoreAlive<U: Unpark>(Arc<Shared<U>>);

impl<U: Unpark> CoreAlive<U> {
    pub(super) fn new(shared: &Arc<Shared<U>>) -> CoreAlive<U> {
        shared.cores.fetch_add(1, AcqRel);
        CoreAlive(shared.clone())
    }
}

impl<U: Unpark> Drop for CoreAlive<U> {
    fn drop(&mut self) {
        self.0.cores.fetch_sub(1, AcqRel);
    }
}

/// What other threads can reach of one worker.
pub(super) struct Remote<U: Unpark> {
    pub(super) steal: Steal<TaskRef<U>>,
    pub(super) lifo: LifoSlot<Handle<U>>,
    pub(super) unparker: U,
}

/// A cloneable handle to a multi-threaded executor: spawns tasks and shuts it down.
pub struct Handle<U: Unpark> {
    pub(super) shared: Arc<Shared<U>>,
}

impl<U: Unpark> Clone for Handle<U> {
    fn clone(&self) -> Self {
        Handle { shared: self.shared.clone() }
    }
}

impl<U: Unpark> Shared<U> {
    pub(super) fn new(remotes: Box<[Remote<U>]>, config: Config) -> Shared<U> {
        let workers = remotes.len();
        Shared {
            remotes,
            inject: Inject::new(),
            overflow: Inject::new(),
            idle: Idle::new(workers),
            owned: OwnedTasks::new(workers),
            config,
            shutdown: AtomicBool::new(false),
            cores: AtomicUsize::new(0),
        }
    }

    pub(super) fn is_shutdown(&self) -> bool {
        self.shutdown.load(Acquire)
    }

    /// Wakes one sleeping worker if nobody is searching for work.
    pub(super) fn notify_parked(&self) {
        if let Some(index) = self.idle.worker_to_notify() {
            self.remotes[index].unparker.unpark();
        }
    }

    /// Called by the last searcher as it parks: work queued while it searched must not be
    /// left with every worker asleep.
    pub(super) fn notify_if_work_pending(&self) {
        let pending = !self.inject.is_empty()
            || !self.overflow.is_empty()
            || self.remotes.iter().any(|remote| !remote.steal.is_empty() || remote.lifo.is_occupied());
        if pending {
            self.notify_parked();
        }
    }
}

impl<U: Unpark> Handle<U> {
    /// Spawns a future onto the executor and returns a handle to its output.
    ///
    /// After shutdown began the task is not run: its handle resolves to a cancelled error.
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let (handle, notified) = self.shared.owned.bind(future, self.clone());
        if let Some(notified) = notified {
            // New tasks queue up in order; the LIFO slot is for tasks a wake-up makes hot.
            self.schedule_task(notified, Placement::Back);
        }
        handle
    }

    /// Number of worker threads.
    pub fn num_workers(&self) -> usize {
        self.shared.remotes.len()
    }

    /// Number of workers still running their loop (or moving to a new thread); after
    /// [`Handle::shutdown`] it drops to zero as each notices.
    pub fn active_workers(&self) -> usize {
        self.shared.cores.load(Acquire)
    }

    /// Number of tasks spawned and not yet finished (or cancelled).
    pub fn alive_tasks(&self) -> usize {
        self.shared.owned.len()
    }

    /// The index of the worker the calling thread is, if it is one of this executor's.
    pub fn current_worker_index(&self) -> Option<usize> {
        self.current_worker().map(|cx| cx.index())
    }

    /// Starts shutdown: no task is polled again once the workers notice, and `Worker::run`
    /// returns on every worker thread. Idempotent.
    pub fn shutdown(&self) {
        if self.shared.shutdown.swap(true, AcqRel) {
            return;
        }
        self.shared.inject.close();
        for remote in self.shared.remotes.iter() {
            remote.unparker.unpark();
        }
    }

    /// Cancels every task that has not finished, dropping its future on the calling
    /// thread, and empties the global queue. Call after the workers have returned (tasks
    /// still being polled by a stuck worker are cancelled when that poll ends).
    pub fn shutdown_tasks(&self) {
        self.shutdown();
        self.shared.owned.close_and_shutdown_all();
        while self.shared.inject.pop().or_else(|| self.shared.overflow.pop()).is_some() {}
        for remote in self.shared.remotes.iter() {
            drop(remote.lifo.take());
        }
    }

    /// Number of tasks in the global queue (spawned or woken from outside the workers, or
    /// overflowing a worker's queue), not yet taken by a worker.
    pub fn global_queue_depth(&self) -> usize {
        self.shared.inject.len() + self.shared.overflow.len()
    }

    /// For a task about to block its worker's thread (`block_in_place`): hands the worker
    /// (its queue, park and oracle) to another thread, started by the hand-off function the
    /// worker runs with (see [`super::Worker::run_with_handoff`]), so the worker's other tasks
    /// keep running meanwhile. Returns false (changing nothing) if the caller is not a task
    /// being polled by one of this executor's workers, or the hand-off failed.
    pub fn hand_off_current_worker(&self) -> bool {
        self.current_worker().is_some_and(WorkerCx::try_hand_off)
    }

    /// The worker the calling thread runs, if it is one of this executor's and still has
    /// its core (a thread that handed its worker off finishes one poll as a non-worker).
    fn current_worker(&self) -> Option<&WorkerCx<U>> {
        let worker = context::current_worker(Arc::as_ptr(&self.shared) as *const ())?;
        // SAFETY: a worker registers a pointer to its live `WorkerCx<U>` under this same
        // `Shared<U>` address for exactly as long as it runs on this thread.
        let worker = unsafe { &*(worker as *const WorkerCx<U>) };
        worker.has_core().then_some(worker)
    }

    pub(super) fn schedule_task(&self, task: TaskRef<U>, placement: Placement) {
        if let Some(worker) = self.current_worker() {
            if let Err(task) = worker.schedule_local(task, placement) {
                self.schedule_remote(task);
            }
            return;
        }
        self.schedule_remote(task);
    }

    fn schedule_remote(&self, task: TaskRef<U>) {
        if self.shared.inject.push(task).is_ok() {
            self.shared.notify_parked();
        }
        // A closed queue means shutdown: the rejected reference is dropped here and the
        // task itself is cancelled through the owner list, so nothing is lost silently.
    }
}

impl<U: Unpark> Schedule for Handle<U> {
    fn schedule(&self, task: Notified<Self>) {
        self.schedule_task(task, Placement::Lifo);
    }

    fn yield_now(&self, task: Notified<Self>) {
        self.schedule_task(task, Placement::Back);
    }

    fn release(&self, task: &Task<Self>) -> Option<Task<Self>> {
        self.shared.owned.remove(task)
    }
}
