//! A single-threaded executor for `!Send` futures. It is itself a future (`run`), so any
//! `block_on` — the std runtime's, or an integrator's own loop — can drive it.

use crate::coop;
use crate::loom::Mutex;
use crate::task::{JoinHandle, Notified, OwnedTasks, Schedule, Task};
use alloc::collections::VecDeque;
use alloc::sync::Arc;
use core::future::Future;
use core::marker::PhantomData;
use core::pin::pin;
use core::task::{Context, Poll, Waker};

/// How many tasks `run` polls before yielding to whoever drives it (I/O, timers).
const TASKS_PER_TURN: usize = 61;

/// Runs `!Send` tasks on the thread that owns it. Dropping it cancels every unfinished
/// task there, dropping their futures exactly once.
pub struct LocalExecutor {
    scheduler: LocalScheduler,
    _not_send: PhantomData<*const ()>,
}

/// Spawns `Send` futures onto a [`LocalExecutor`] from any thread.
#[derive(Clone)]
pub struct LocalSpawner {
    scheduler: LocalScheduler,
}

#[derive(Clone)]
struct LocalScheduler(Arc<Shared>);

struct Shared {
    state: Mutex<State>,
    owned: OwnedTasks<LocalScheduler>,
}

struct State {
    queue: VecDeque<Notified<LocalScheduler>>,
    /// Whoever is waiting in `run` for the queue to become non-empty.
    driver: Option<Waker>,
    closed: bool,
}

impl Schedule for LocalScheduler {
    fn schedule(&self, task: Notified<Self>) {
        let mut state = self.0.state.lock();
        if state.closed {
            return; // the executor is gone; the task was cancelled through the owner list
        }
        state.queue.push_back(task);
        let driver = state.driver.take();
        drop(state);
        if let Some(driver) = driver {
            driver.wake();
        }
    }

    fn release(&self, task: &Task<Self>) -> Option<Task<Self>> {
        self.0.owned.remove(task)
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
        let shared = Shared {
            state: Mutex::new(State { queue: VecDeque::new(), driver: None, closed: false }),
            owned: OwnedTasks::new(1),
        };
        LocalExecutor { scheduler: LocalScheduler(Arc::new(shared)), _not_send: PhantomData }
    }

    /// Spawns a future that need not be `Send`; it runs while this executor is driven.
    pub fn spawn<F: Future + 'static>(&self, future: F) -> JoinHandle<F::Output> {
        // SAFETY: `LocalExecutor` is `!Send`, so its tasks are polled and (on drop) shut
        // down on this thread only, and the `JoinHandle` of a `!Send` output is `!Send`.
        let (handle, notified) = unsafe { self.scheduler.0.owned.bind_local(future, self.scheduler.clone()) };
        if let Some(notified) = notified {
            self.scheduler.schedule(notified);
        }
        handle
    }

    /// A handle for spawning `Send` futures onto this executor from other threads.
    pub fn spawner(&self) -> LocalSpawner {
        LocalSpawner { scheduler: self.scheduler.clone() }
    }

    /// Runs one queued task; returns false if none was queued.
    pub fn try_tick(&self) -> bool {
        let task = self.scheduler.0.state.lock().queue.pop_front();
        match task {
            Some(task) => {
                coop::with_budget(coop::DEFAULT_BUDGET, || task.run());
                true
            }
            None => false,
        }
    }

    /// Number of tasks spawned and not yet finished.
    pub fn alive_tasks(&self) -> usize {
        self.scheduler.0.owned.len()
    }

    /// Runs the spawned tasks while `future` is pending; completes with its output.
    pub async fn run<F: Future>(&self, future: F) -> F::Output {
        let mut future = pin!(future);
        core::future::poll_fn(|cx| {
            if let Poll::Ready(output) = future.as_mut().poll(cx) {
                return Poll::Ready(output);
            }
            for _ in 0..TASKS_PER_TURN {
                if !self.try_tick() {
                    self.wait_for_tasks(cx);
                    return Poll::Pending;
                }
            }
            // A full turn: let the driver look at I/O and timers before the next one.
            cx.waker().wake_by_ref();
            Poll::Pending
        })
        .await
    }

    /// Registers the driver's waker for the next scheduled task (or re-wakes it at once if
    /// one arrived meanwhile).
    fn wait_for_tasks(&self, cx: &mut Context<'_>) {
        let mut state = self.scheduler.0.state.lock();
        if state.queue.is_empty() {
            if !state.driver.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
                state.driver = Some(cx.waker().clone());
            }
        } else {
            cx.waker().wake_by_ref();
        }
    }
}

impl Drop for LocalExecutor {
    fn drop(&mut self) {
        let shared = &self.scheduler.0;
        shared.state.lock().closed = true;
        shared.owned.close_and_shutdown_all();
        let queued = core::mem::take(&mut shared.state.lock().queue);
        drop(queued);
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
        let (handle, notified) = self.scheduler.0.owned.bind(future, self.scheduler.clone());
        if let Some(notified) = notified {
            self.scheduler.schedule(notified);
        }
        handle
    }
}
