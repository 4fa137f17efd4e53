//! Single-threaded executors, which are themselves futures (`run`), so any `block_on` —
//! the std runtime's or an integrator's own loop — can drive them.
//!
//! `CurrentThreadExecutor` runs `Send` tasks and may be shared; `LocalExecutor` also
//! accepts `!Send` futures and therefore stays on the thread that created it.

use crate::coop;
use crate::loom::Mutex;
use crate::task::{JoinHandle, Notified, OwnedTasks, Schedule, Task};
use alloc::collections::VecDeque;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::future::Future;
use core::marker::PhantomData;
use core::pin::pin;
use core::task::{Context, Poll, Waker};

/// How many tasks `run` polls before yielding to whoever drives it (I/O, timers).
const TASKS_PER_TURN: usize = 61;

/// Runs `Send` tasks on whichever thread drives `run`. Dropping it cancels every
/// unfinished task, dropping each future exactly once.
pub struct CurrentThreadExecutor {
    scheduler: Scheduler,
}

/// Runs `!Send` tasks on the thread that owns it. Dropping it cancels every unfinished
/// task there.
pub struct LocalExecutor {
    inner: CurrentThreadExecutor,
    _not_send: PhantomData<*const ()>,
}

/// Spawns `Send` futures onto a [`LocalExecutor`] from any thread.
#[derive(Clone)]
pub struct LocalSpawner {
    scheduler: Scheduler,
}

#[derive(Clone)]
struct Scheduler(Arc<Shared>);

struct Shared {
    state: Mutex<State>,
    owned: OwnedTasks<Scheduler>,
}

struct State {
    queue: VecDeque<Notified<Scheduler>>,
    /// Tasks that woke themselves while running (`yield_now`, a spent budget): they run in
    /// the next turn, after the driver has looked at I/O and timers, not again in this one.
    yielded: VecDeque<Notified<Scheduler>>,
    /// The `run` futures waiting for the queue to become non-empty.
    drivers: Vec<Waker>,
    closed: bool,
}

impl Schedule for Scheduler {
    fn schedule(&self, task: Notified<Self>) {
        let mut state = self.0.state.lock();
        if state.closed {
            return; // the executor is gone; the task was cancelled through the owner list
        }
        state.queue.push_back(task);
        let drivers = core::mem::take(&mut state.drivers);
        drop(state);
        drivers.into_iter().for_each(Waker::wake);
    }

    fn yield_now(&self, task: Notified<Self>) {
        // Run by the next turn (whose driver `run_turn` re-wakes), or by `try_tick`.
        let mut state = self.0.state.lock();
        if !state.closed {
            state.yielded.push_back(task);
        }
    }

    fn release(&self, task: &Task<Self>) -> Option<Task<Self>> {
        self.0.owned.remove(task)
    }
}

impl Default for CurrentThreadExecutor {
    fn default() -> Self {
        CurrentThreadExecutor::new()
    }
}

impl CurrentThreadExecutor {
    /// An executor with no tasks.
    pub fn new() -> CurrentThreadExecutor {
        let shared = Shared {
            state: Mutex::new(State {
                queue: VecDeque::new(),
                yielded: VecDeque::new(),
                drivers: Vec::new(),
                closed: false,
            }),
            owned: OwnedTasks::new(1),
        };
        CurrentThreadExecutor { scheduler: Scheduler(Arc::new(shared)) }
    }

    /// Spawns a future; it runs while some thread drives [`CurrentThreadExecutor::run`].
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        spawn_with(&self.scheduler, self.scheduler.0.owned.bind(future, self.scheduler.clone()))
    }

    /// Runs one queued task; returns false if none was queued. Tasks that yielded run
    /// after every other queued one.
    pub fn try_tick(&self) -> bool {
        self.run_next(true)
    }

    /// Runs the next queued task; with `take_yielded`, tasks that yielded count as queued.
    fn run_next(&self, take_yielded: bool) -> bool {
        let task = {
            let mut state = self.scheduler.0.state.lock();
            if take_yielded && state.queue.is_empty() {
                let yielded = core::mem::take(&mut state.yielded);
                state.queue = yielded;
            }
            state.queue.pop_front()
        };
        match task {
            Some(task) => {
                coop::with_budget(coop::DEFAULT_BUDGET, || task.run());
                true
            }
            None => false,
        }
    }

    /// Spawns a future that need not be `Send`, as [`LocalExecutor::spawn`] does.
    ///
    /// # Safety
    /// Until this executor is shut down, only the calling thread may drive
    /// [`CurrentThreadExecutor::run`] (or `try_tick`/`run_turn`) and shut it down, and the
    /// returned `JoinHandle` stays on it unless the output is `Send`.
    pub unsafe fn spawn_local<F: Future + 'static>(&self, future: F) -> JoinHandle<F::Output> {
        // SAFETY: forwarded contract.
        spawn_with(&self.scheduler, unsafe { self.scheduler.0.owned.bind_local(future, self.scheduler.clone()) })
    }

    /// Number of tasks spawned and not yet finished.
    pub fn alive_tasks(&self) -> usize {
        self.scheduler.0.owned.len()
    }

    /// Number of tasks queued to run (woken or new, not yet polled).
    pub fn queued_tasks(&self) -> usize {
        let state = self.scheduler.0.state.lock();
        state.queue.len() + state.yielded.len()
    }

    /// Runs the spawned tasks while `future` is pending; completes with its output.
    pub async fn run<F: Future>(&self, future: F) -> F::Output {
        let mut future = pin!(future);
        core::future::poll_fn(|cx| {
            if let Poll::Ready(output) = future.as_mut().poll(cx) {
                return Poll::Ready(output);
            }
            self.run_turn(cx);
            Poll::Pending
        })
        .await
    }

    /// Runs up to a turn's worth of queued tasks, then arranges for `cx`'s task to be woken
    /// when there is more to run: at once after a full turn (so its driver can look at I/O
    /// and timers in between), else when a task is next scheduled.
    pub fn run_turn(&self, cx: &mut Context<'_>) {
        {
            let mut state = self.scheduler.0.state.lock();
            let yielded = core::mem::take(&mut state.yielded);
            state.queue.extend(yielded);
        }
        for _ in 0..TASKS_PER_TURN {
            if !self.run_next(false) {
                self.wait_for_tasks(cx);
                return;
            }
        }
        cx.waker().wake_by_ref();
    }

    /// Registers the driver's waker for the next scheduled task (or re-wakes it at once if
    /// one arrived meanwhile).
    fn wait_for_tasks(&self, cx: &mut Context<'_>) {
        let mut state = self.scheduler.0.state.lock();
        if !state.queue.is_empty() || !state.yielded.is_empty() {
            cx.waker().wake_by_ref();
        } else if !state.drivers.iter().any(|w| w.will_wake(cx.waker())) {
            state.drivers.push(cx.waker().clone());
        }
    }
}

fn spawn_with<T>(scheduler: &Scheduler, bound: (JoinHandle<T>, Option<Notified<Scheduler>>)) -> JoinHandle<T> {
    let (handle, notified) = bound;
    if let Some(notified) = notified {
        scheduler.schedule(notified);
    }
    handle
}

impl CurrentThreadExecutor {
    /// Cancels every unfinished task (dropping its future on the calling thread) and
    /// refuses new ones: their handles resolve to a cancelled error. Idempotent.
    pub fn shutdown(&self) {
        let shared = &self.scheduler.0;
        shared.state.lock().closed = true;
        shared.owned.close_and_shutdown_all();
        let mut state = shared.state.lock();
        let queued = (core::mem::take(&mut state.queue), core::mem::take(&mut state.yielded));
        drop(state);
        drop(queued);
    }
}

impl Drop for CurrentThreadExecutor {
    fn drop(&mut self) {
        self.shutdown();
    }
}

impl Default for LocalExecutor {
    fn default() -> Self {
        LocalExecutor::new()
    }
}

impl LocalExecutor {
    /// An executor with no tasks.
    pub fn new() -> LocalExecutor {
        LocalExecutor { inner: CurrentThreadExecutor::new(), _not_send: PhantomData }
    }

    /// Spawns a future that need not be `Send`; it runs while this executor is driven.
    pub fn spawn<F: Future + 'static>(&self, future: F) -> JoinHandle<F::Output> {
        // SAFETY: `LocalExecutor` is `!Send`, so its tasks are polled and (on drop) shut
        // down on this thread only, and the `JoinHandle` of a `!Send` output is `!Send`.
        unsafe { self.inner.spawn_local(future) }
    }

    /// A handle for spawning `Send` futures onto this executor from other threads.
    pub fn spawner(&self) -> LocalSpawner {
        LocalSpawner { scheduler: self.inner.scheduler.clone() }
    }

    /// Runs one queued task; returns false if none was queued.
    pub fn try_tick(&self) -> bool {
        self.inner.try_tick()
    }

    /// Number of tasks spawned and not yet finished.
    pub fn alive_tasks(&self) -> usize {
        self.inner.alive_tasks()
    }

    /// Runs the spawned tasks while `future` is pending; completes with its output.
    pub async fn run<F: Future>(&self, future: F) -> F::Output {
        self.inner.run(future).await
    }

    /// Runs up to a turn's worth of queued tasks; see [`CurrentThreadExecutor::run_turn`].
    pub fn run_turn(&self, cx: &mut Context<'_>) {
        self.inner.run_turn(cx)
    }

    /// Cancels every unfinished task (dropping its future here) and refuses new ones.
    pub fn shutdown(&self) {
        self.inner.shutdown()
    }
}

impl LocalSpawner {
    /// Spawns a `Send` future onto the executor. If the executor is gone the task never
    /// runs and its handle resolves to a cancelled error.
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        spawn_with(&self.scheduler, self.scheduler.0.owned.bind(future, self.scheduler.clone()))
    }
}
